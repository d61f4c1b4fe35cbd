/*
 * device_props.c - cudaGetDeviceProperties, cudaDeviceGetAttribute and the PCI identity calls.
 *
 * The backend answers attributes; the property struct is assembled from those same answers,
 * so the two can never disagree.  Only what no attribute carries (name, UUID, total memory)
 * comes from dedicated backend calls.
 */
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "device.h"

cudaError_t impl_cudaDeviceGetAttribute(int *value, enum cudaDeviceAttr attr, int device)
{
    if (value == NULL)
        return cudaErrorInvalidValue;
    const struct mu_driver *driver;
    cudaError_t error = cushim_begin_device(&driver, device);
    if (error != cudaSuccess)
        return error;
    return cushim_from_mu(driver->muDeviceGetAttribute(value, attr, device));
}

cudaError_t impl_cudaGetDeviceProperties(struct cudaDeviceProp *prop, int device)
{
    if (prop == NULL)
        return cudaErrorInvalidValue;
    const struct mu_driver *driver;
    cudaError_t error = cushim_begin_device(&driver, device);
    if (error != cudaSuccess)
        return error;
    memset(prop, 0, sizeof *prop);
    MUresult r = driver->muDeviceGetName(prop->name, (int)sizeof prop->name, device);
    if (r == MU_SUCCESS)
        r = driver->muDeviceGetUuid(&prop->uuid, device);
    if (r == MU_SUCCESS)
        r = driver->muDeviceTotalMem(&prop->totalGlobalMem, device);
    if (r != MU_SUCCESS)
        return cushim_from_mu(r);

#define A(attr) cushim_device_attribute(device, cudaDevAttr##attr)
    prop->sharedMemPerBlock = (size_t)A(MaxSharedMemoryPerBlock);
    prop->regsPerBlock = A(MaxRegistersPerBlock);
    prop->warpSize = A(WarpSize);
    prop->memPitch = (size_t)A(MaxPitch);
    prop->maxThreadsPerBlock = A(MaxThreadsPerBlock);
    prop->maxThreadsDim[0] = A(MaxBlockDimX);
    prop->maxThreadsDim[1] = A(MaxBlockDimY);
    prop->maxThreadsDim[2] = A(MaxBlockDimZ);
    prop->maxGridSize[0] = A(MaxGridDimX);
    prop->maxGridSize[1] = A(MaxGridDimY);
    prop->maxGridSize[2] = A(MaxGridDimZ);
    prop->totalConstMem = (size_t)A(TotalConstantMemory);
    prop->major = A(ComputeCapabilityMajor);
    prop->minor = A(ComputeCapabilityMinor);
    prop->textureAlignment = (size_t)A(TextureAlignment);
    prop->texturePitchAlignment = (size_t)A(TexturePitchAlignment);
    prop->multiProcessorCount = A(MultiProcessorCount);
    prop->integrated = A(Integrated);
    prop->canMapHostMemory = A(CanMapHostMemory);
    prop->maxTexture1D = A(MaxTexture1DWidth);
    prop->maxTexture1DMipmap = A(MaxTexture1DMipmappedWidth);
    prop->maxTexture2D[0] = A(MaxTexture2DWidth);
    prop->maxTexture2D[1] = A(MaxTexture2DHeight);
    prop->maxTexture2DMipmap[0] = A(MaxTexture2DMipmappedWidth);
    prop->maxTexture2DMipmap[1] = A(MaxTexture2DMipmappedHeight);
    prop->maxTexture2DLinear[0] = A(MaxTexture2DLinearWidth);
    prop->maxTexture2DLinear[1] = A(MaxTexture2DLinearHeight);
    prop->maxTexture2DLinear[2] = A(MaxTexture2DLinearPitch);
    prop->maxTexture2DGather[0] = A(MaxTexture2DGatherWidth);
    prop->maxTexture2DGather[1] = A(MaxTexture2DGatherHeight);
    prop->maxTexture3D[0] = A(MaxTexture3DWidth);
    prop->maxTexture3D[1] = A(MaxTexture3DHeight);
    prop->maxTexture3D[2] = A(MaxTexture3DDepth);
    prop->maxTexture3DAlt[0] = A(MaxTexture3DWidthAlt);
    prop->maxTexture3DAlt[1] = A(MaxTexture3DHeightAlt);
    prop->maxTexture3DAlt[2] = A(MaxTexture3DDepthAlt);
    prop->maxTextureCubemap = A(MaxTextureCubemapWidth);
    prop->maxTexture1DLayered[0] = A(MaxTexture1DLayeredWidth);
    prop->maxTexture1DLayered[1] = A(MaxTexture1DLayeredLayers);
    prop->maxTexture2DLayered[0] = A(MaxTexture2DLayeredWidth);
    prop->maxTexture2DLayered[1] = A(MaxTexture2DLayeredHeight);
    prop->maxTexture2DLayered[2] = A(MaxTexture2DLayeredLayers);
    prop->maxTextureCubemapLayered[0] = A(MaxTextureCubemapLayeredWidth);
    prop->maxTextureCubemapLayered[1] = A(MaxTextureCubemapLayeredLayers);
    prop->maxSurface1D = A(MaxSurface1DWidth);
    prop->maxSurface2D[0] = A(MaxSurface2DWidth);
    prop->maxSurface2D[1] = A(MaxSurface2DHeight);
    prop->maxSurface3D[0] = A(MaxSurface3DWidth);
    prop->maxSurface3D[1] = A(MaxSurface3DHeight);
    prop->maxSurface3D[2] = A(MaxSurface3DDepth);
    prop->maxSurface1DLayered[0] = A(MaxSurface1DLayeredWidth);
    prop->maxSurface1DLayered[1] = A(MaxSurface1DLayeredLayers);
    prop->maxSurface2DLayered[0] = A(MaxSurface2DLayeredWidth);
    prop->maxSurface2DLayered[1] = A(MaxSurface2DLayeredHeight);
    prop->maxSurface2DLayered[2] = A(MaxSurface2DLayeredLayers);
    prop->maxSurfaceCubemap = A(MaxSurfaceCubemapWidth);
    prop->maxSurfaceCubemapLayered[0] = A(MaxSurfaceCubemapLayeredWidth);
    prop->maxSurfaceCubemapLayered[1] = A(MaxSurfaceCubemapLayeredLayers);
    prop->surfaceAlignment = (size_t)A(SurfaceAlignment);
    prop->concurrentKernels = A(ConcurrentKernels);
    prop->ECCEnabled = A(EccEnabled);
    prop->pciBusID = A(PciBusId);
    prop->pciDeviceID = A(PciDeviceId);
    prop->pciDomainID = A(PciDomainId);
    prop->tccDriver = A(TccDriver);
    prop->asyncEngineCount = A(AsyncEngineCount);
    prop->unifiedAddressing = A(UnifiedAddressing);
    prop->memoryBusWidth = A(GlobalMemoryBusWidth);
    prop->l2CacheSize = A(L2CacheSize);
    prop->persistingL2CacheMaxSize = A(MaxPersistingL2CacheSize);
    prop->maxThreadsPerMultiProcessor = A(MaxThreadsPerMultiProcessor);
    prop->streamPrioritiesSupported = A(StreamPrioritiesSupported);
    prop->globalL1CacheSupported = A(GlobalL1CacheSupported);
    prop->localL1CacheSupported = A(LocalL1CacheSupported);
    prop->sharedMemPerMultiprocessor = (size_t)A(MaxSharedMemoryPerMultiprocessor);
    prop->regsPerMultiprocessor = A(MaxRegistersPerMultiprocessor);
    prop->managedMemory = A(ManagedMemory);
    prop->isMultiGpuBoard = A(IsMultiGpuBoard);
    prop->multiGpuBoardGroupID = A(MultiGpuBoardGroupID);
    prop->hostNativeAtomicSupported = A(HostNativeAtomicSupported);
    prop->pageableMemoryAccess = A(PageableMemoryAccess);
    prop->concurrentManagedAccess = A(ConcurrentManagedAccess);
    prop->computePreemptionSupported = A(ComputePreemptionSupported);
    prop->canUseHostPointerForRegisteredMem = A(CanUseHostPointerForRegisteredMem);
    prop->cooperativeLaunch = A(CooperativeLaunch);
    prop->sharedMemPerBlockOptin = (size_t)A(MaxSharedMemoryPerBlockOptin);
    prop->pageableMemoryAccessUsesHostPageTables = A(PageableMemoryAccessUsesHostPageTables);
    prop->directManagedMemAccessFromHost = A(DirectManagedMemAccessFromHost);
    prop->maxBlocksPerMultiProcessor = A(MaxBlocksPerMultiprocessor);
    prop->accessPolicyMaxWindowSize = A(MaxAccessPolicyWindowSize);
    prop->reservedSharedMemPerBlock = (size_t)A(ReservedSharedMemoryPerBlock);
    prop->hostRegisterSupported = A(HostRegisterSupported);
    prop->sparseCudaArraySupported = A(SparseCudaArraySupported);
    prop->hostRegisterReadOnlySupported = A(HostRegisterReadOnlySupported);
    prop->timelineSemaphoreInteropSupported = A(TimelineSemaphoreInteropSupported);
    prop->memoryPoolsSupported = A(MemoryPoolsSupported);
    prop->gpuDirectRDMASupported = A(GPUDirectRDMASupported);
    prop->gpuDirectRDMAFlushWritesOptions = (unsigned)A(GPUDirectRDMAFlushWritesOptions);
    prop->gpuDirectRDMAWritesOrdering = A(GPUDirectRDMAWritesOrdering);
    prop->memoryPoolSupportedHandleTypes = (unsigned)A(MemoryPoolSupportedHandleTypes);
    prop->deferredMappingCudaArraySupported = A(DeferredMappingCudaArraySupported);
    prop->ipcEventSupported = A(IpcEventSupport);
    prop->clusterLaunch = A(ClusterLaunch);
    prop->unifiedFunctionPointers = 0;
    prop->deviceNumaConfig = A(NumaConfig);
    prop->deviceNumaId = A(NumaId);
    prop->mpsEnabled = A(MpsEnabled);
    prop->hostNumaId = A(HostNumaId);
    prop->gpuPciDeviceID = (unsigned)A(GpuPciDeviceId);
    prop->gpuPciSubsystemID = (unsigned)A(GpuPciSubsystemId);
    prop->hostNumaMultinodeIpcSupported = A(HostNumaMultinodeIpcSupported);
#undef A
    return cudaSuccess;
}

cudaError_t impl_cudaDeviceGetPCIBusId(char *pciBusId, int len, int device)
{
    if (pciBusId == NULL || len <= 0)
        return cudaErrorInvalidValue;
    const struct mu_driver *driver;
    cudaError_t error = cushim_begin_device(&driver, device);
    if (error != cudaSuccess)
        return error;
    snprintf(pciBusId, (size_t)len, "%08X:%02X:%02X.0",
             (unsigned)cushim_device_attribute(device, cudaDevAttrPciDomainId),
             (unsigned)cushim_device_attribute(device, cudaDevAttrPciBusId),
             (unsigned)cushim_device_attribute(device, cudaDevAttrPciDeviceId));
    return cudaSuccess;
}

cudaError_t impl_cudaDeviceGetByPCIBusId(int *device, const char *pciBusId)
{
    if (device == NULL || pciBusId == NULL)
        return cudaErrorInvalidValue;
    unsigned domain = 0, bus = 0, dev = 0;
    /* Accepted forms, as NVIDIA documents: [domain]:[bus]:[device].[function] and
     * [bus]:[device].[function], all hexadecimal. */
    if (sscanf(pciBusId, "%x:%x:%x", &domain, &bus, &dev) != 3) {
        domain = 0;
        if (sscanf(pciBusId, "%x:%x", &bus, &dev) != 2)
            return cudaErrorInvalidValue;
    }
    for (int d = 0; d < cushim_device_count(); d++) {
        if ((unsigned)cushim_device_attribute(d, cudaDevAttrPciDomainId) == domain &&
            (unsigned)cushim_device_attribute(d, cudaDevAttrPciBusId) == bus &&
            (unsigned)cushim_device_attribute(d, cudaDevAttrPciDeviceId) == dev) {
            *device = d;
            return cudaSuccess;
        }
    }
    return cudaErrorInvalidDevice;
}
