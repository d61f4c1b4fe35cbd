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
/* The host stub the kernel was registered with (NULL for a library's kernel). */
const void *cushim_function_host(const struct cushim_function *fn);
/* Load the function's module on a device if needed and return the backend function. */
cudaError_t cushim_function_load(struct cushim_function *fn, int device, MUfunction *out);

/* A registered __device__/__constant__/__managed__ variable, by its host shadow's address:
 * its device address on the device (loading the module if needed) and size. */
cudaError_t cushim_symbol_lookup(const void *symbol, int device, void **address, size_t *size);

/* Libraries (cudaLibrary*, library.c): a module made from images in memory (the module takes
 * the images and their data), its kernels and globals by name on a device (loading it there
 * if needed; cudaErrorSymbolNotFound for a name it lacks), and its end. */
/* How many bytes from p are mapped readable (0 when p is not mapped). */
size_t cushim_readable_bytes(const void *p);
int cushim_fatbin_images(const void *code, size_t limit, struct mu_image **images, int *count);
void **cushim_library_create(struct mu_image *images, int count, const char *what);
int cushim_library_images(void **handle, const struct mu_image **images); /* -1: not a library */
cudaError_t cushim_library_load(void **handle, int device);
cudaError_t cushim_library_kernel(void **handle, const char *name, int device,
                                  struct cushim_function **out);
cudaError_t cushim_library_global(void **handle, const char *name, int device, void **address,
                                  size_t *bytes);
void cushim_library_destroy(void **handle);

#endif
