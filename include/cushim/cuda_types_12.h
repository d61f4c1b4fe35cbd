/*
 * cuda_types_12.h -- the CUDA 12 runtime types libcudart.so.12 needs beyond cuda_types.h: the
 * types CUDA 13 removed, and the CUDA 12 layouts of types CUDA 13 changed.
 *
 * Owns: declarations only, for the CUDA 12 adapters (shim/compat12_*.c) and the CUDA 12 rows of
 * shim/api_table_12.def.  Where CUDA 13 kept a type's name but changed its layout, the CUDA 12
 * layout gets a "12" suffix (struct cudaDeviceProp12), so both can be used side by side; types
 * CUDA 13 dropped keep NVIDIA's CUDA 12 name.  Must not: drift from CUDA 12.8's ABI --
 * tests/abi/ compares every size and offset here with CUDA 12's headers when CUDA12_INCLUDE
 * names them.  Written from the CUDA 12.8 headers as a reference for names and layout.
 */
#ifndef CUSHIM_CUDA_TYPES_12_H
#define CUSHIM_CUDA_TYPES_12_H

#include <stddef.h>

#include "cuda_types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The CUDA 12 runtime version libcudart.so.12 reports (CUDA 12.8). */
#define CUSHIM_CUDA12_VERSION 12080

/* --- cudaGetDeviceProperties_v2's struct.  CUDA 13 removed clockRate, deviceOverlap,
 * kernelExecTimeoutEnabled, computeMode, maxTexture1DLinear, memoryClockRate,
 * singleToDoublePrecisionPerfRatio and cooperativeMultiDeviceLaunch, moving every later field,
 * and added the NUMA/MPS fields after unifiedFunctionPointers, where CUDA 12.8 has reserved
 * space. --- */
struct cudaDeviceProp12 {
    char         name[256];
    cudaUUID_t   uuid;
    char         luid[8];
    unsigned int luidDeviceNodeMask;
    size_t       totalGlobalMem;
    size_t       sharedMemPerBlock;
    int          regsPerBlock;
    int          warpSize;
    size_t       memPitch;
    int          maxThreadsPerBlock;
    int          maxThreadsDim[3];
    int          maxGridSize[3];
    int          clockRate;
    size_t       totalConstMem;
    int          major;
    int          minor;
    size_t       textureAlignment;
    size_t       texturePitchAlignment;
    int          deviceOverlap;
    int          multiProcessorCount;
    int          kernelExecTimeoutEnabled;
    int          integrated;
    int          canMapHostMemory;
    int          computeMode;
    int          maxTexture1D;
    int          maxTexture1DMipmap;
    int          maxTexture1DLinear;
    int          maxTexture2D[2];
    int          maxTexture2DMipmap[2];
    int          maxTexture2DLinear[3];
    int          maxTexture2DGather[2];
    int          maxTexture3D[3];
    int          maxTexture3DAlt[3];
    int          maxTextureCubemap;
    int          maxTexture1DLayered[2];
    int          maxTexture2DLayered[3];
    int          maxTextureCubemapLayered[2];
    int          maxSurface1D;
    int          maxSurface2D[2];
    int          maxSurface3D[3];
    int          maxSurface1DLayered[2];
    int          maxSurface2DLayered[3];
    int          maxSurfaceCubemap;
    int          maxSurfaceCubemapLayered[2];
    size_t       surfaceAlignment;
    int          concurrentKernels;
    int          ECCEnabled;
    int          pciBusID;
    int          pciDeviceID;
    int          pciDomainID;
    int          tccDriver;
    int          asyncEngineCount;
    int          unifiedAddressing;
    int          memoryClockRate;
    int          memoryBusWidth;
    int          l2CacheSize;
    int          persistingL2CacheMaxSize;
    int          maxThreadsPerMultiProcessor;
    int          streamPrioritiesSupported;
    int          globalL1CacheSupported;
    int          localL1CacheSupported;
    size_t       sharedMemPerMultiprocessor;
    int          regsPerMultiprocessor;
    int          managedMemory;
    int          isMultiGpuBoard;
    int          multiGpuBoardGroupID;
    int          hostNativeAtomicSupported;
    int          singleToDoublePrecisionPerfRatio;
    int          pageableMemoryAccess;
    int          concurrentManagedAccess;
    int          computePreemptionSupported;
    int          canUseHostPointerForRegisteredMem;
    int          cooperativeLaunch;
    int          cooperativeMultiDeviceLaunch;
    size_t       sharedMemPerBlockOptin;
    int          pageableMemoryAccessUsesHostPageTables;
    int          directManagedMemAccessFromHost;
    int          maxBlocksPerMultiProcessor;
    int          accessPolicyMaxWindowSize;
    size_t       reservedSharedMemPerBlock;
    int          hostRegisterSupported;
    int          sparseCudaArraySupported;
    int          hostRegisterReadOnlySupported;
    int          timelineSemaphoreInteropSupported;
    int          memoryPoolsSupported;
    int          gpuDirectRDMASupported;
    unsigned int gpuDirectRDMAFlushWritesOptions;
    int          gpuDirectRDMAWritesOrdering;
    unsigned int memoryPoolSupportedHandleTypes;
    int          deferredMappingCudaArraySupported;
    int          ipcEventSupported;
    int          clusterLaunch;
    int          unifiedFunctionPointers;
    int          reserved[63];
};

/* How much of struct cudaDeviceProp12 NVIDIA's CUDA 12.8 runtime writes (measured from its
 * libcudart.so.12): cudaGetDeviceProperties_v2 every field before reserved; the unversioned
 * cudaGetDeviceProperties, kept for callers built before _v2 existed, only the older layout that
 * ends where hostRegisterSupported begins. */
#define CUSHIM_CUDA12_DEVICE_PROP_V2_BYTES offsetof(struct cudaDeviceProp12, reserved)
#define CUSHIM_CUDA12_DEVICE_PROP_V1_BYTES offsetof(struct cudaDeviceProp12, hostRegisterSupported)

/* Attribute and scope values CUDA 13 renamed to reserved ones. */
#define CUSHIM_CUDA12_DEV_ATTR_COOPERATIVE_MULTI_DEVICE_LAUNCH 96
#define CUSHIM_CUDA12_CG_SCOPE_MULTI_GRID 2

/* --- cudaLaunchCooperativeKernelMultiDevice, gone in CUDA 13. --- */
struct cudaLaunchParams {
    void        *func;
    dim3         gridDim;
    dim3         blockDim;
    void       **args;
    size_t       sharedMem;
    cudaStream_t stream;
};

#define cudaCooperativeLaunchMultiDeviceNoPreSync  0x01
#define cudaCooperativeLaunchMultiDeviceNoPostSync 0x02

/* --- The unversioned cudaSignal/WaitExternalSemaphoresAsync of CUDA 12 take these; their _v2
 * take CUDA 13's cudaExternalSemaphoreSignalParams / WaitParams. --- */
struct cudaExternalSemaphoreSignalParams_v1 {
    struct {
        struct {
            unsigned long long value;
        } fence;
        union {
            void              *fence;
            unsigned long long reserved;
        } nvSciSync;
        struct {
            unsigned long long key;
        } keyedMutex;
    } params;
    unsigned int flags;
};

struct cudaExternalSemaphoreWaitParams_v1 {
    struct {
        struct {
            unsigned long long value;
        } fence;
        union {
            void              *fence;
            unsigned long long reserved;
        } nvSciSync;
        struct {
            unsigned long long key;
            unsigned int       timeoutMs;
        } keyedMutex;
    } params;
    unsigned int flags;
};

/* --- Types whose CUDA 12 layout is the start of CUDA 13's: CUDA 13 only appended fields
 * (reserved space, cudaResourceDesc.flags, cudaChildGraphNodeParams.ownership) and kept every
 * CUDA 12 field where it was.  A CUDA 12 caller's struct is this many bytes, so an adapter
 * copies that much into a zeroed CUDA 13 struct (or back out of one) and never touches more.
 * tests/abi/ checks the sizes and that every shared field has the same offset in both. --- */
#define CUSHIM_CUDA12_SIZEOF_cudaPointerAttributes 24
#define CUSHIM_CUDA12_SIZEOF_cudaResourceDesc 64
#define CUSHIM_CUDA12_SIZEOF_cudaResourceViewDesc 48
#define CUSHIM_CUDA12_SIZEOF_cudaExternalMemoryHandleDesc 40
#define CUSHIM_CUDA12_SIZEOF_cudaExternalMemoryBufferDesc 24
#define CUSHIM_CUDA12_SIZEOF_cudaExternalMemoryMipmappedArrayDesc 64
#define CUSHIM_CUDA12_SIZEOF_cudaExternalSemaphoreHandleDesc 32
#define CUSHIM_CUDA12_SIZEOF_cudaChildGraphNodeParams 8

#ifdef __cplusplus
}
#endif

#endif /* CUSHIM_CUDA_TYPES_12_H */
