/*
 * compat12_device.c - CUDA 12's cudaDeviceProp for libcudart.so.12: cudaGetDeviceProperties,
 * cudaGetDeviceProperties_v2 and cudaChooseDevice with struct cudaDeviceProp12.
 *
 * The CUDA 12 struct is filled from the same answers as CUDA 13's: CUDA 13's
 * cudaGetDeviceProperties for every field both layouts have, and cudaDeviceGetAttribute for the
 * fields CUDA 13 dropped, whose attributes it kept.  So the two libraries can never disagree
 * about a device.
 */
#include <string.h>

#include "api.h"
#include "api12.h"

/* The fields struct cudaDeviceProp12 shares, by name and type, with CUDA 13's. */
#define CUSHIM12_SHARED_PROPS(X)                                                                  \
    X(name) X(uuid) X(luid) X(luidDeviceNodeMask) X(totalGlobalMem) X(sharedMemPerBlock)          \
    X(regsPerBlock) X(warpSize) X(memPitch) X(maxThreadsPerBlock) X(maxThreadsDim)                \
    X(maxGridSize) X(totalConstMem) X(major) X(minor) X(textureAlignment)                         \
    X(texturePitchAlignment) X(multiProcessorCount) X(integrated) X(canMapHostMemory)             \
    X(maxTexture1D) X(maxTexture1DMipmap) X(maxTexture2D) X(maxTexture2DMipmap)                   \
    X(maxTexture2DLinear) X(maxTexture2DGather) X(maxTexture3D) X(maxTexture3DAlt)                \
    X(maxTextureCubemap) X(maxTexture1DLayered) X(maxTexture2DLayered)                            \
    X(maxTextureCubemapLayered) X(maxSurface1D) X(maxSurface2D) X(maxSurface3D)                   \
    X(maxSurface1DLayered) X(maxSurface2DLayered) X(maxSurfaceCubemap)                            \
    X(maxSurfaceCubemapLayered) X(surfaceAlignment) X(concurrentKernels) X(ECCEnabled)            \
    X(pciBusID) X(pciDeviceID) X(pciDomainID) X(tccDriver) X(asyncEngineCount)                    \
    X(unifiedAddressing) X(memoryBusWidth) X(l2CacheSize) X(persistingL2CacheMaxSize)             \
    X(maxThreadsPerMultiProcessor) X(streamPrioritiesSupported) X(globalL1CacheSupported)         \
    X(localL1CacheSupported) X(sharedMemPerMultiprocessor) X(regsPerMultiprocessor)               \
    X(managedMemory) X(isMultiGpuBoard) X(multiGpuBoardGroupID) X(hostNativeAtomicSupported)      \
    X(pageableMemoryAccess) X(concurrentManagedAccess) X(computePreemptionSupported)              \
    X(canUseHostPointerForRegisteredMem) X(cooperativeLaunch) X(sharedMemPerBlockOptin)           \
    X(pageableMemoryAccessUsesHostPageTables) X(directManagedMemAccessFromHost)                   \
    X(maxBlocksPerMultiProcessor) X(accessPolicyMaxWindowSize) X(reservedSharedMemPerBlock)       \
    X(hostRegisterSupported) X(sparseCudaArraySupported) X(hostRegisterReadOnlySupported)         \
    X(timelineSemaphoreInteropSupported) X(memoryPoolsSupported) X(gpuDirectRDMASupported)        \
    X(gpuDirectRDMAFlushWritesOptions) X(gpuDirectRDMAWritesOrdering)                             \
    X(memoryPoolSupportedHandleTypes) X(deferredMappingCudaArraySupported) X(ipcEventSupported)   \
    X(clusterLaunch) X(unifiedFunctionPointers)

#define COPY_FIELD(f)                                                                             \
    _Static_assert(sizeof to->f == sizeof from->f, #f " has one size in CUDA 12 and 13");         \
    memcpy(&to->f, &from->f, sizeof to->f);

static void from_cuda13(struct cudaDeviceProp12 *to, const struct cudaDeviceProp *from)
{
    CUSHIM12_SHARED_PROPS(COPY_FIELD)
}

static void to_cuda13(struct cudaDeviceProp *to, const struct cudaDeviceProp12 *from)
{
    CUSHIM12_SHARED_PROPS(COPY_FIELD)
}

/* The whole CUDA 12 struct for device, reserved space zeroed. */
static cudaError_t fill(struct cudaDeviceProp12 *prop, int device)
{
    struct cudaDeviceProp now;
    cudaError_t error = cushim_impl_table.cudaGetDeviceProperties(&now, device);
    if (error != cudaSuccess)
        return error;
    memset(prop, 0, sizeof *prop);
    from_cuda13(prop, &now);
#define DROPPED(field, attr) {offsetof(struct cudaDeviceProp12, field), attr}
    static const struct {
        size_t offset;
        int attr;
    } dropped[] = {
        DROPPED(clockRate, cudaDevAttrClockRate),
        DROPPED(deviceOverlap, cudaDevAttrGpuOverlap),
        DROPPED(kernelExecTimeoutEnabled, cudaDevAttrKernelExecTimeout),
        DROPPED(computeMode, cudaDevAttrComputeMode),
        DROPPED(maxTexture1DLinear, cudaDevAttrMaxTexture1DLinearWidth),
        DROPPED(memoryClockRate, cudaDevAttrMemoryClockRate),
        DROPPED(singleToDoublePrecisionPerfRatio, cudaDevAttrSingleToDoublePrecisionPerfRatio),
        DROPPED(cooperativeMultiDeviceLaunch,
                CUSHIM_CUDA12_DEV_ATTR_COOPERATIVE_MULTI_DEVICE_LAUNCH),
    };
#undef DROPPED
    for (size_t i = 0; i < sizeof dropped / sizeof dropped[0]; i++) {
        int value = 0;
        enum cudaDeviceAttr attr = (enum cudaDeviceAttr)dropped[i].attr;
        error = cushim_impl_table.cudaDeviceGetAttribute(&value, attr, device);
        if (error != cudaSuccess)
            return error;
        memcpy((char *)prop + dropped[i].offset, &value, sizeof value);
    }
    return cudaSuccess;
}

/* Like NVIDIA's, each writes only the bytes its callers' struct had (cuda_types_12.h). */
static cudaError_t fill_bytes(struct cudaDeviceProp12 *prop, int device, size_t bytes)
{
    if (prop == NULL)
        return cudaErrorInvalidValue;
    struct cudaDeviceProp12 whole;
    cudaError_t error = fill(&whole, device);
    if (error == cudaSuccess)
        memcpy(prop, &whole, bytes);
    return error;
}

cudaError_t compat12_cudaGetDeviceProperties(struct cudaDeviceProp12 *prop, int device)
{
    return fill_bytes(prop, device, CUSHIM_CUDA12_DEVICE_PROP_V1_BYTES);
}

cudaError_t compat12_cudaGetDeviceProperties_v2(struct cudaDeviceProp12 *prop, int device)
{
    return fill_bytes(prop, device, CUSHIM_CUDA12_DEVICE_PROP_V2_BYTES);
}

cudaError_t compat12_cudaChooseDevice(int *device, const struct cudaDeviceProp12 *prop)
{
    if (prop == NULL)
        return cushim_impl_table.cudaChooseDevice(device, NULL);
    struct cudaDeviceProp wanted;
    memset(&wanted, 0, sizeof wanted);
    to_cuda13(&wanted, prop);
    return cushim_impl_table.cudaChooseDevice(device, &wanted);
}
