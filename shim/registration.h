/*
 * registration.h - what nvcc's generated host code registers at start-up (fatbinaries, kernels,
 * variables) and the lazy, per-device loading of those modules through the backend.
 */
#ifndef CUSHIM_REGISTRATION_H
#define CUSHIM_REGISTRATION_H

#include "runtime.h"

struct cushim_function;

/* The kernel registered for a host stub address (what <<<>>> and cudaLaunchKernel name). */
struct cushim_function *cushim_function_by_host(const void *host_fun);
/* A cudaKernel_t from __cudaGetKernel is a registered function, or not. */
struct cushim_function *cushim_function_by_kernel(cudaKernel_t kernel);
const char *cushim_function_name(const struct cushim_function *fn);
/* Load the function's module on a device if needed and return the backend function. */
cudaError_t cushim_function_load(struct cushim_function *fn, int device, MUfunction *out);

/* A registered __device__/__constant__/__managed__ variable, by its host shadow's address:
 * its device address on the device (loading the module if needed) and size. */
cudaError_t cushim_symbol_lookup(const void *symbol, int device, void **address, size_t *size);

#endif
