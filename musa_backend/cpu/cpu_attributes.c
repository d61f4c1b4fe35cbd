/*
 * cpu_attributes.c - muDeviceGetAttribute: what a cpu device says about itself.
 *
 * Owns: the value of every device attribute.  The shim builds cudaDeviceProp from these
 * answers, so this switch is the one source of truth for both cudaGetDeviceProperties and
 * cudaDeviceGetAttribute.  Where a CPU has no answer of its own the value is what an
 * sm_80-class GPU reports (the engine runs sm_80-era PTX semantics), and 0 for features the
 * cpu device does not provide.  Limits used elsewhere in the backend (shared memory, threads,
 * blocks) come from the CPU_* constants of cpu_device.h so launch checks and attributes agree.
 * Must not: compute anything expensive (the shim asks for ~100 attributes per property query),
 * or have a default case in the enum switch: a new cudaDeviceAttr then fails to compile here
 * until it has an answer (-Wswitch).
 */
#include <stdatomic.h>
#include <stdlib.h>

#include "cpu_device.h"
#include "cpu_entry.h"
#include "mu_log.h"

/* A100-class cache and memory-system figures; plausible for a device and stable across hosts. */
#define CPU_L2_BYTES 41943040          /* 40 MiB */
#define CPU_PERSISTING_L2_BYTES 31457280 /* 75% of L2, as the A100 reports */
#define CPU_ACCESS_POLICY_WINDOW 134213632
#define CPU_MEMORY_CLOCK_KHZ 1215000
#define CPU_MEMORY_BUS_BITS 5120
/* The engine's %clock/%clock64 rate: programs timing loops with clock64() and dividing by the
 * clock rate must get real time. */
#define CPU_CLOCK_KHZ ENGINE_CLOCK_RATE_KHZ

double cpu_kernel_timeout_s(void)
{
    const char *text = getenv("CUSHIM_KERNEL_TIMEOUT");
    if (text == NULL || *text == '\0')
        return 0;
    char *end;
    double s = strtod(text, &end);
    if (*end == '\0' && s > 0)
        return s;
    static atomic_int warned;
    if (!atomic_exchange(&warned, 1))
        mu_report("CUSHIM_KERNEL_TIMEOUT=%s is not a number of seconds above 0: kernels run without a "
                  "watchdog", text);
    return 0;
}

/* A GPU with a display watchdog reports 1 here; so does a cpu device with a watchdog. */
static int kernel_timeout_enabled(void)
{
    return cpu_kernel_timeout_s() > 0;
}

/* 1 and *value for an attribute of the runtime's enum; 0 if attr is not one of them. */
static int runtime_attribute(enum cudaDeviceAttr attr, const struct cpu_device *dev, int *value)
{
#define ANSWER(v) \
    do { \
        *value = (v); \
        return 1; \
    } while (0)
    switch (attr) {
    case cudaDevAttrMaxThreadsPerBlock: ANSWER(CPU_MAX_THREADS_PER_BLOCK);
    case cudaDevAttrMaxBlockDimX: ANSWER(1024);
    case cudaDevAttrMaxBlockDimY: ANSWER(1024);
    case cudaDevAttrMaxBlockDimZ: ANSWER(64);
    case cudaDevAttrMaxGridDimX: ANSWER(2147483647);
    case cudaDevAttrMaxGridDimY: ANSWER(65535);
    case cudaDevAttrMaxGridDimZ: ANSWER(65535);
    case cudaDevAttrMaxSharedMemoryPerBlock: ANSWER(CPU_SHARED_PER_BLOCK);
    case cudaDevAttrTotalConstantMemory: ANSWER(65536);
    case cudaDevAttrWarpSize: ANSWER(32);
    case cudaDevAttrMaxPitch: ANSWER(2147483647);
    case cudaDevAttrMaxRegistersPerBlock: ANSWER(CPU_REGS_PER_SM);
    case cudaDevAttrClockRate: ANSWER(CPU_CLOCK_KHZ);
    case cudaDevAttrTextureAlignment: ANSWER(512);
    case cudaDevAttrGpuOverlap: ANSWER(1);
    case cudaDevAttrMultiProcessorCount: ANSWER(cpu_host_cores());
    case cudaDevAttrKernelExecTimeout: ANSWER(kernel_timeout_enabled());
    case cudaDevAttrIntegrated: ANSWER(0);
    case cudaDevAttrCanMapHostMemory: ANSWER(1);
    case cudaDevAttrComputeMode: ANSWER(cudaComputeModeDefault);
    case cudaDevAttrMaxTexture1DWidth: ANSWER(131072);
    case cudaDevAttrMaxTexture2DWidth: ANSWER(131072);
    case cudaDevAttrMaxTexture2DHeight: ANSWER(65536);
    case cudaDevAttrMaxTexture3DWidth: ANSWER(16384);
    case cudaDevAttrMaxTexture3DHeight: ANSWER(16384);
    case cudaDevAttrMaxTexture3DDepth: ANSWER(16384);
    case cudaDevAttrMaxTexture2DLayeredWidth: ANSWER(32768);
    case cudaDevAttrMaxTexture2DLayeredHeight: ANSWER(32768);
    case cudaDevAttrMaxTexture2DLayeredLayers: ANSWER(2048);
    case cudaDevAttrSurfaceAlignment: ANSWER(512);
    case cudaDevAttrConcurrentKernels: ANSWER(1);
    case cudaDevAttrEccEnabled: ANSWER(0);
    case cudaDevAttrPciBusId: ANSWER(dev->ordinal + 1);
    case cudaDevAttrPciDeviceId: ANSWER(0);
    case cudaDevAttrTccDriver: ANSWER(0);
    case cudaDevAttrMemoryClockRate: ANSWER(CPU_MEMORY_CLOCK_KHZ);
    case cudaDevAttrGlobalMemoryBusWidth: ANSWER(CPU_MEMORY_BUS_BITS);
    case cudaDevAttrL2CacheSize: ANSWER(CPU_L2_BYTES);
    case cudaDevAttrMaxThreadsPerMultiProcessor: ANSWER(CPU_THREADS_PER_SM);
    case cudaDevAttrAsyncEngineCount: ANSWER(2);
    case cudaDevAttrUnifiedAddressing: ANSWER(1);
    case cudaDevAttrMaxTexture1DLayeredWidth: ANSWER(32768);
    case cudaDevAttrMaxTexture1DLayeredLayers: ANSWER(2048);
    case cudaDevAttrMaxTexture2DGatherWidth: ANSWER(32768);
    case cudaDevAttrMaxTexture2DGatherHeight: ANSWER(32768);
    case cudaDevAttrMaxTexture3DWidthAlt: ANSWER(8192);
    case cudaDevAttrMaxTexture3DHeightAlt: ANSWER(8192);
    case cudaDevAttrMaxTexture3DDepthAlt: ANSWER(32768);
    case cudaDevAttrPciDomainId: ANSWER(0);
    case cudaDevAttrTexturePitchAlignment: ANSWER(32);
    case cudaDevAttrMaxTextureCubemapWidth: ANSWER(32768);
    case cudaDevAttrMaxTextureCubemapLayeredWidth: ANSWER(32768);
    case cudaDevAttrMaxTextureCubemapLayeredLayers: ANSWER(2046);
    case cudaDevAttrMaxSurface1DWidth: ANSWER(32768);
    case cudaDevAttrMaxSurface2DWidth: ANSWER(131072);
    case cudaDevAttrMaxSurface2DHeight: ANSWER(65536);
    case cudaDevAttrMaxSurface3DWidth: ANSWER(16384);
    case cudaDevAttrMaxSurface3DHeight: ANSWER(16384);
    case cudaDevAttrMaxSurface3DDepth: ANSWER(16384);
    case cudaDevAttrMaxSurface1DLayeredWidth: ANSWER(32768);
    case cudaDevAttrMaxSurface1DLayeredLayers: ANSWER(2048);
    case cudaDevAttrMaxSurface2DLayeredWidth: ANSWER(32768);
    case cudaDevAttrMaxSurface2DLayeredHeight: ANSWER(32768);
    case cudaDevAttrMaxSurface2DLayeredLayers: ANSWER(2048);
    case cudaDevAttrMaxSurfaceCubemapWidth: ANSWER(32768);
    case cudaDevAttrMaxSurfaceCubemapLayeredWidth: ANSWER(32768);
    case cudaDevAttrMaxSurfaceCubemapLayeredLayers: ANSWER(2046);
    case cudaDevAttrMaxTexture1DLinearWidth: ANSWER(268435456);
    case cudaDevAttrMaxTexture2DLinearWidth: ANSWER(131072);
    case cudaDevAttrMaxTexture2DLinearHeight: ANSWER(65000);
    case cudaDevAttrMaxTexture2DLinearPitch: ANSWER(2097120);
    case cudaDevAttrMaxTexture2DMipmappedWidth: ANSWER(32768);
    case cudaDevAttrMaxTexture2DMipmappedHeight: ANSWER(32768);
    case cudaDevAttrComputeCapabilityMajor: ANSWER(CPU_CC_MAJOR);
    case cudaDevAttrComputeCapabilityMinor: ANSWER(CPU_CC_MINOR);
    case cudaDevAttrMaxTexture1DMipmappedWidth: ANSWER(32768);
    case cudaDevAttrStreamPrioritiesSupported: ANSWER(1);
    case cudaDevAttrGlobalL1CacheSupported: ANSWER(1);
    case cudaDevAttrLocalL1CacheSupported: ANSWER(1);
    case cudaDevAttrMaxSharedMemoryPerMultiprocessor: ANSWER(CPU_SHARED_PER_SM);
    case cudaDevAttrMaxRegistersPerMultiprocessor: ANSWER(CPU_REGS_PER_SM);
    case cudaDevAttrManagedMemory: ANSWER(1);
    case cudaDevAttrIsMultiGpuBoard: ANSWER(0);
    case cudaDevAttrMultiGpuBoardGroupID: ANSWER(dev->ordinal);
    /* Host code and kernels run on the same cores: host atomics are the device's atomics. */
    case cudaDevAttrHostNativeAtomicSupported: ANSWER(1);
    case cudaDevAttrSingleToDoublePrecisionPerfRatio: ANSWER(2);
    /* Kernels reach only memory the runtime knows (allocations, pinned and registered host
     * memory), which is what keeps every access checked; an H100 without HMM answers 0 too. */
    case cudaDevAttrPageableMemoryAccess: ANSWER(0);
    case cudaDevAttrConcurrentManagedAccess: ANSWER(1);
    case cudaDevAttrComputePreemptionSupported: ANSWER(1);
    case cudaDevAttrCanUseHostPointerForRegisteredMem: ANSWER(1);
    case cudaDevAttrReserved92: ANSWER(0);  /* stream memory operations (v1) */
    case cudaDevAttrReserved93: ANSWER(0);  /* 64-bit stream memory operations (v1) */
    case cudaDevAttrReserved94: ANSWER(0);  /* stream wait value NOR (v1) */
    case cudaDevAttrCooperativeLaunch: ANSWER(1);
    case cudaDevAttrReserved96: ANSWER(0);  /* cooperative multi-device launch */
    case cudaDevAttrMaxSharedMemoryPerBlockOptin: ANSWER(CPU_SHARED_PER_BLOCK_OPTIN);
    case cudaDevAttrCanFlushRemoteWrites: ANSWER(0);
    case cudaDevAttrHostRegisterSupported: ANSWER(1);
    case cudaDevAttrPageableMemoryAccessUsesHostPageTables: ANSWER(0);
    case cudaDevAttrDirectManagedMemAccessFromHost: ANSWER(1);
    case cudaDevAttrMaxBlocksPerMultiprocessor: ANSWER(CPU_BLOCKS_PER_SM);
    case cudaDevAttrMaxPersistingL2CacheSize: ANSWER(CPU_PERSISTING_L2_BYTES);
    case cudaDevAttrMaxAccessPolicyWindowSize: ANSWER(CPU_ACCESS_POLICY_WINDOW);
    case cudaDevAttrReservedSharedMemoryPerBlock: ANSWER(CPU_RESERVED_SHARED_PER_BLOCK);
    case cudaDevAttrSparseCudaArraySupported: ANSWER(0);
    case cudaDevAttrHostRegisterReadOnlySupported: ANSWER(1);
    case cudaDevAttrTimelineSemaphoreInteropSupported: ANSWER(0);
    case cudaDevAttrMemoryPoolsSupported: ANSWER(1); /* cudaMallocAsync */
    case cudaDevAttrGPUDirectRDMASupported: ANSWER(0);
    case cudaDevAttrGPUDirectRDMAFlushWritesOptions: ANSWER(0);
    case cudaDevAttrGPUDirectRDMAWritesOrdering: ANSWER(cudaGPUDirectRDMAWritesOrderingNone);
    case cudaDevAttrMemoryPoolSupportedHandleTypes: ANSWER(0);
    case cudaDevAttrClusterLaunch: ANSWER(0); /* sm_90 and later */
    case cudaDevAttrDeferredMappingCudaArraySupported: ANSWER(0);
    case cudaDevAttrReserved122: ANSWER(0); /* 64-bit stream memory operations */
    case cudaDevAttrReserved123: ANSWER(0); /* stream wait value NOR */
    case cudaDevAttrReserved124: ANSWER(0); /* dma-buf */
    case cudaDevAttrIpcEventSupport: ANSWER(0);
    case cudaDevAttrMemSyncDomainCount: ANSWER(1);
    case cudaDevAttrReserved127: ANSWER(0); /* tensor maps (sm_90) */
    case cudaDevAttrReserved128: ANSWER(0); /* fabric handles */
    case cudaDevAttrReserved129: ANSWER(0); /* unified function pointers */
    case cudaDevAttrNumaConfig: ANSWER(cudaDeviceNumaConfigNone);
    case cudaDevAttrNumaId: ANSWER(-1);
    case cudaDevAttrReserved132: ANSWER(0); /* multicast */
    case cudaDevAttrMpsEnabled: ANSWER(0);
    case cudaDevAttrHostNumaId: ANSWER(0);
    case cudaDevAttrD3D12CigSupported: ANSWER(0);
    case cudaDevAttrVulkanCigSupported: ANSWER(0);
    case cudaDevAttrGpuPciDeviceId: ANSWER(0);
    case cudaDevAttrGpuPciSubsystemId: ANSWER(0);
    case cudaDevAttrReserved141: ANSWER(0); /* host NUMA virtual memory management */
    case cudaDevAttrHostNumaMemoryPoolsSupported: ANSWER(0);
    case cudaDevAttrHostNumaMultinodeIpcSupported: ANSWER(0);
    case cudaDevAttrHostMemoryPoolsSupported: ANSWER(0);
    case cudaDevAttrReserved145: ANSWER(0); /* host virtual memory management */
    case cudaDevAttrOnlyPartialHostNativeAtomicSupported: ANSWER(0);
    case cudaDevAttrMax:
        break;
    }
#undef ANSWER
    return 0; /* cudaDevAttrMax, or a number the runtime's enum does not name (see below) */
}

/* Numbers the driver API (CUdevice_attribute) defines but the runtime's enum leaves out: a
 * driver-API caller may ask for them, and the answer is "not supported". */
static int driver_only_attribute(int attr, int *value)
{
    switch (attr) {
    case 44:  /* CAN_TEX2D_GATHER (deprecated) */
    case 102: /* VIRTUAL_MEMORY_MANAGEMENT_SUPPORTED */
    case 103: /* HANDLE_TYPE_POSIX_FILE_DESCRIPTOR_SUPPORTED */
    case 104: /* HANDLE_TYPE_WIN32_HANDLE_SUPPORTED */
    case 105: /* HANDLE_TYPE_WIN32_KMT_HANDLE_SUPPORTED */
    case 107: /* GENERIC_COMPRESSION_SUPPORTED */
    case 110: /* GPU_DIRECT_RDMA_WITH_CUDA_VMM_SUPPORTED */
    case 136: /* MEM_DECOMPRESS_ALGORITHM_MASK */
    case 137: /* MEM_DECOMPRESS_MAXIMUM_LENGTH */
    case 146: /* HOST_ALLOC_DMA_BUF_SUPPORTED */
        *value = 0;
        return 1;
    default:
        return 0;
    }
}

MUresult cpu_muDeviceGetAttribute(int *value, enum cudaDeviceAttr attr, int ordinal)
{
    struct cpu_device *dev;
    MUresult r = cpu_device_lookup(ordinal, &dev);
    if (r != MU_SUCCESS)
        return r;
    if (value == NULL)
        return MU_ERROR_INVALID_VALUE;
    if (runtime_attribute(attr, dev, value) || driver_only_attribute((int)attr, value))
        return MU_SUCCESS;
    return MU_ERROR_INVALID_VALUE;
}
