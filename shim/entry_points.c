/*
 * entry_points.c - cudaGetDriverEntryPoint(ByVersion): a pointer to a driver API function.
 *
 * cushim is a runtime without a driver API beside it (the cpu backend has no cu* functions to
 * hand out), so every symbol gets the answer NVIDIA documents for a driver function not
 * supported on the platform: cudaSuccess, a NULL pointer and cudaDriverEntryPointSymbolNotFound.
 * Programs that probe optional driver features take their fallback path.
 */
#include "api.h"
#include "runtime.h"

#define KNOWN_FLAGS (cudaEnableDefault | cudaEnableLegacyStream | cudaEnablePerThreadDefaultStream)

cudaError_t impl_cudaGetDriverEntryPointByVersion(const char *symbol, void **funcPtr,
                                                  unsigned int cudaVersion,
                                                  unsigned long long flags,
                                                  enum cudaDriverEntryPointQueryResult *driverStatus)
{
    if (symbol == NULL || funcPtr == NULL || (flags & ~(unsigned long long)KNOWN_FLAGS) != 0 ||
        cudaVersion == 0)
        return cudaErrorInvalidValue;
    *funcPtr = NULL;
    if (driverStatus != NULL)
        *driverStatus = cudaDriverEntryPointSymbolNotFound;
    return cudaSuccess;
}

cudaError_t impl_cudaGetDriverEntryPoint(const char *symbol, void **funcPtr,
                                         unsigned long long flags,
                                         enum cudaDriverEntryPointQueryResult *driverStatus)
{
    return impl_cudaGetDriverEntryPointByVersion(symbol, funcPtr,
                                                 (unsigned)cushim_runtime_version(), flags,
                                                 driverStatus);
}
