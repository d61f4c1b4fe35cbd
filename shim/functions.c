/*
 * functions.c - what the runtime says about and sets on a kernel: cudaFuncGetAttributes,
 * cudaFuncSetAttribute, cache/shared-memory preferences, names, and the occupancy calculator,
 * all through the kernel's backend function on the current device.
 */
#include <string.h>

#include "api.h"
#include "device.h"
#include "launch.h"
#include "registration.h"

static cudaError_t current_function(const void *func, MUfunction *out,
                                    const struct mu_driver **driver, int *device)
{
    cudaError_t error = cushim_begin(driver, device);
    if (error != cudaSuccess)
        return error;
    struct cushim_function *fn = cushim_function_of(func);
    if (fn == NULL)
        return cudaErrorInvalidDeviceFunction;
    return cushim_function_load(fn, *device, out);
}

/* Where a kernel's parameter lives in its parameter buffer, as the PTX declares it. */
cudaError_t impl_cudaFuncGetParamInfo(const void *func, size_t paramIndex, size_t *paramOffset,
                                      size_t *paramSize)
{
    if (paramOffset == NULL)
        return cudaErrorInvalidValue;
    const struct mu_driver *driver;
    int device;
    MUfunction f;
    cudaError_t error = current_function(func, &f, &driver, &device);
    if (error != cudaSuccess)
        return error;
    if (driver->muFuncGetParamInfo == NULL)
        return cudaErrorNotSupported;
    if (paramIndex > INT32_MAX)
        return cudaErrorInvalidValue;
    size_t offset, size;
    error = cushim_from_mu(driver->muFuncGetParamInfo(f, (int)paramIndex, &offset, &size));
    if (error != cudaSuccess)
        return error;
    *paramOffset = offset;
    if (paramSize != NULL)
        *paramSize = size;
    return cudaSuccess;
}

cudaError_t impl_cudaFuncGetAttributes(struct cudaFuncAttributes *attr, const void *func)
{
    if (attr == NULL)
        return cudaErrorInvalidValue;
    const struct mu_driver *driver;
    int device;
    MUfunction f;
    cudaError_t error = current_function(func, &f, &driver, &device);
    if (error != cudaSuccess)
        return error;
    struct mu_func_info info;
    error = cushim_from_mu(driver->muFuncGetInfo(&info, f));
    if (error != cudaSuccess)
        return error;
    memset(attr, 0, sizeof *attr);
    attr->sharedSizeBytes = info.shared_size_bytes;
    attr->constSizeBytes = info.const_size_bytes;
    attr->localSizeBytes = info.local_size_bytes;
    attr->maxThreadsPerBlock = info.max_threads_per_block;
    attr->numRegs = info.num_regs;
    attr->ptxVersion = info.ptx_version;
    attr->binaryVersion = info.binary_version;
    attr->maxDynamicSharedSizeBytes = info.max_dynamic_shared_size_bytes;
    attr->preferredShmemCarveout = info.preferred_shmem_carveout;
    return cudaSuccess;
}

cudaError_t impl_cudaFuncSetAttribute(const void *func, enum cudaFuncAttribute attr, int value)
{
    const struct mu_driver *driver;
    int device;
    MUfunction f;
    cudaError_t error = current_function(func, &f, &driver, &device);
    if (error != cudaSuccess)
        return error;
    switch (attr) {
    case cudaFuncAttributeMaxDynamicSharedMemorySize:
        return cushim_from_mu(
            driver->muFuncSetAttribute(f, MU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, value));
    case cudaFuncAttributePreferredSharedMemoryCarveout:
        if (value < -1 || value > 100)
            return cudaErrorInvalidValue;
        return cushim_from_mu(driver->muFuncSetAttribute(
            f, MU_FUNC_ATTRIBUTE_PREFERRED_SHARED_MEMORY_CARVEOUT, value));
    case cudaFuncAttributeClusterDimMustBeSet:
    case cudaFuncAttributeRequiredClusterWidth:
    case cudaFuncAttributeRequiredClusterHeight:
    case cudaFuncAttributeRequiredClusterDepth:
    case cudaFuncAttributeNonPortableClusterSizeAllowed:
    case cudaFuncAttributeClusterSchedulingPolicyPreference:
        /* Scheduling preferences with no effect on results; accepted as NVIDIA does. */
        return cudaSuccess;
    default:
        return cudaErrorInvalidValue;
    }
}

cudaError_t impl_cudaFuncSetCacheConfig(const void *func, enum cudaFuncCache cacheConfig)
{
    const struct mu_driver *driver;
    int device;
    MUfunction f;
    if ((unsigned)cacheConfig > cudaFuncCachePreferEqual)
        return cudaErrorInvalidValue;
    return current_function(func, &f, &driver, &device);
}

cudaError_t impl_cudaFuncSetSharedMemConfig(const void *func, enum cudaSharedMemConfig config)
{
    const struct mu_driver *driver;
    int device;
    MUfunction f;
    if ((unsigned)config > cudaSharedMemBankSizeEightByte)
        return cudaErrorInvalidValue;
    return current_function(func, &f, &driver, &device);
}

cudaError_t impl_cudaFuncGetName(const char **name, const void *func)
{
    if (name == NULL)
        return cudaErrorInvalidValue;
    struct cushim_function *fn = cushim_function_of(func);
    if (fn == NULL)
        return cudaErrorInvalidDeviceFunction;
    *name = cushim_function_name(fn);
    return cudaSuccess;
}

cudaError_t impl_cudaOccupancyMaxActiveBlocksPerMultiprocessorWithFlags(int *numBlocks,
                                                                         const void *func,
                                                                         int blockSize,
                                                                         size_t dynamicSMemSize,
                                                                         unsigned int flags)
{
    if (numBlocks == NULL || blockSize <= 0 ||
        (flags != cudaOccupancyDefault && flags != cudaOccupancyDisableCachingOverride))
        return cudaErrorInvalidValue;
    const struct mu_driver *driver;
    int device;
    MUfunction f;
    cudaError_t error = current_function(func, &f, &driver, &device);
    if (error != cudaSuccess)
        return error;
    return cushim_from_mu(driver->muOccupancyMaxActiveBlocksPerMultiprocessor(
        numBlocks, f, blockSize, dynamicSMemSize));
}

cudaError_t impl_cudaOccupancyMaxActiveBlocksPerMultiprocessor(int *numBlocks,
                                                                const void *func,
                                                                int blockSize,
                                                                size_t dynamicSMemSize)
{
    return impl_cudaOccupancyMaxActiveBlocksPerMultiprocessorWithFlags(
        numBlocks, func, blockSize, dynamicSMemSize, cudaOccupancyDefault);
}

/* The most dynamic shared memory a block can take with numBlocks blocks of blockSize threads
 * resident per multiprocessor: the largest amount for which the occupancy still holds. */
cudaError_t impl_cudaOccupancyAvailableDynamicSMemPerBlock(size_t *dynamicSmemSize,
                                                           const void *func, int numBlocks,
                                                           int blockSize)
{
    if (dynamicSmemSize == NULL || numBlocks <= 0 || blockSize <= 0)
        return cudaErrorInvalidValue;
    const struct mu_driver *driver;
    int device;
    MUfunction f;
    cudaError_t error = current_function(func, &f, &driver, &device);
    if (error != cudaSuccess)
        return error;
    struct mu_func_info info;
    error = cushim_from_mu(driver->muFuncGetInfo(&info, f));
    if (error != cudaSuccess)
        return error;
    size_t lo = 0, hi = (size_t)info.max_dynamic_shared_size_bytes;
    int blocks = 0;
    driver->muOccupancyMaxActiveBlocksPerMultiprocessor(&blocks, f, blockSize, 0);
    if (blocks < numBlocks) {
        *dynamicSmemSize = 0;
        return cudaSuccess;
    }
    while (lo < hi) {
        size_t mid = lo + (hi - lo + 1) / 2;
        driver->muOccupancyMaxActiveBlocksPerMultiprocessor(&blocks, f, blockSize, mid);
        if (blocks >= numBlocks)
            lo = mid;
        else
            hi = mid - 1;
    }
    *dynamicSmemSize = lo;
    return cudaSuccess;
}
