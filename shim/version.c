/*
 * version.c - the runtime version this library reports.  Compiled once per library:
 * CUSHIM_RUNTIME_VERSION is 13000 for libcudart.so.13 and 12080 for libcudart.so.12.
 */
#include "api.h"
#include "runtime.h"

#ifndef CUSHIM_RUNTIME_VERSION
#error "build with -DCUSHIM_RUNTIME_VERSION=<version>"
#endif

int cushim_runtime_version(void)
{
    return CUSHIM_RUNTIME_VERSION;
}

cudaError_t impl_cudaRuntimeGetVersion(int *runtimeVersion)
{
    if (runtimeVersion == NULL)
        return cudaErrorInvalidValue;
    *runtimeVersion = CUSHIM_RUNTIME_VERSION;
    return cudaSuccess;
}
