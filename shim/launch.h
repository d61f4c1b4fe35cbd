/*
 * launch.h - the single launch path every launch entry point takes (launch.c), and the lookup
 * of a kernel from the `func` argument the runtime API accepts (a host stub address or a
 * cudaKernel_t).
 */
#ifndef CUSHIM_LAUNCH_H
#define CUSHIM_LAUNCH_H

#include "runtime.h"

struct cushim_function;

struct cushim_launch {
    dim3 grid, block;
    void **args;
    size_t shared_mem;
    cudaStream_t stream;
    int cooperative;
    const void *func; /* what the program named the kernel by (NULL: the cudaKernel_t) */
    int programmatic; /* cudaLaunchAttributeProgrammaticStreamSerialization was allowed */
};

cudaError_t cushim_launch(struct cushim_function *fn, const struct cushim_launch *launch);
struct cushim_function *cushim_function_of(const void *func);

#endif
