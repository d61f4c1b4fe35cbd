/*
 * cuda_types_launch.h -- the CUDA 13 runtime's types for launching kernels with attributes:
 * cudaLaunchKernelExC's configuration, the launch-attribute ids and values (which streams and
 * kernel graph nodes reuse under other names), and the policies those attributes carry.
 *
 * Owns: declarations only.  Must not: change a layout or a value -- tests/abi/ checks each one.
 */
#ifndef CUSHIM_CUDA_TYPES_LAUNCH_H
#define CUSHIM_CUDA_TYPES_LAUNCH_H

#include "cuda_types_core.h"
#include "cuda_types_memory.h"

#ifdef __cplusplus
extern "C" {
#endif

/* --- Policies carried by attributes --- */

/* How a host thread waits for work: mirrors the cudaDeviceSchedule* flags, plus one. */
enum cudaSynchronizationPolicy {
    cudaSyncPolicyAuto         = 1,
    cudaSyncPolicySpin         = 2,
    cudaSyncPolicyYield        = 3,
    cudaSyncPolicyBlockingSync = 4
};

enum cudaClusterSchedulingPolicy {
    cudaClusterSchedulingPolicyDefault       = 0,
    cudaClusterSchedulingPolicySpread        = 1,
    cudaClusterSchedulingPolicyLoadBalancing = 2
};

/* Memory-synchronisation domains: lets remote (e.g. NCCL) kernels fence separately. */
typedef enum cudaLaunchMemSyncDomain {
    cudaLaunchMemSyncDomainDefault = 0,
    cudaLaunchMemSyncDomainRemote  = 1
} cudaLaunchMemSyncDomain;

typedef struct cudaLaunchMemSyncDomainMap_st {
    unsigned char default_;
    unsigned char remote;
} cudaLaunchMemSyncDomainMap;

/* Scope of cooperative-groups synchronisation a kernel relies on. */
enum cudaCGScope {
    cudaCGScopeInvalid  = 0,
    cudaCGScopeGrid     = 1,
    cudaCGScopeReserved = 2
};

/* --- Launch attributes: an id and a 64-byte value union --- */

typedef enum cudaLaunchAttributeID {
    cudaLaunchAttributeIgnore                            = 0,
    cudaLaunchAttributeAccessPolicyWindow                = 1,
    cudaLaunchAttributeCooperative                       = 2,
    cudaLaunchAttributeSynchronizationPolicy             = 3,
    cudaLaunchAttributeClusterDimension                  = 4,
    cudaLaunchAttributeClusterSchedulingPolicyPreference = 5,
    cudaLaunchAttributeProgrammaticStreamSerialization   = 6,
    cudaLaunchAttributeProgrammaticEvent                 = 7,
    cudaLaunchAttributePriority                          = 8,
    cudaLaunchAttributeMemSyncDomainMap                  = 9,
    cudaLaunchAttributeMemSyncDomain                     = 10,
    cudaLaunchAttributePreferredClusterDimension         = 11,
    cudaLaunchAttributeLaunchCompletionEvent             = 12,
    cudaLaunchAttributeDeviceUpdatableKernelNode         = 13,
    cudaLaunchAttributePreferredSharedMemoryCarveout     = 14,
    cudaLaunchAttributeNvlinkUtilCentricScheduling       = 16
} cudaLaunchAttributeID;

/* The member read is chosen by the id beside it; pad fixes the size at 64 bytes so new
 * attributes never change the layout of arrays of cudaLaunchAttribute. */
typedef union cudaLaunchAttributeValue {
    char                             pad[64];
    struct cudaAccessPolicyWindow    accessPolicyWindow;
    int                              cooperative;
    enum cudaSynchronizationPolicy   syncPolicy;
    struct {
        unsigned int x;
        unsigned int y;
        unsigned int z;
    } clusterDim;
    enum cudaClusterSchedulingPolicy clusterSchedulingPolicyPreference;
    int                              programmaticStreamSerializationAllowed;
    struct {
        cudaEvent_t event;
        int         flags;
        int         triggerAtBlockStart;
    } programmaticEvent;
    int                              priority;
    cudaLaunchMemSyncDomainMap       memSyncDomainMap;
    cudaLaunchMemSyncDomain          memSyncDomain;
    struct {
        unsigned int x;
        unsigned int y;
        unsigned int z;
    } preferredClusterDim;
    struct {
        cudaEvent_t event;
        int         flags;
    } launchCompletionEvent;
    struct {
        int                   deviceUpdatable;
        cudaGraphDeviceNode_t devNode;
    } deviceUpdatableKernelNode;
    unsigned int                     sharedMemCarveout;
    unsigned int                     nvlinkUtilCentricScheduling;
} cudaLaunchAttributeValue;

typedef struct cudaLaunchAttribute_st {
    cudaLaunchAttributeID    id;
    char                     pad[8 - sizeof(cudaLaunchAttributeID)];  /* val starts at 8 */
    cudaLaunchAttributeValue val;
} cudaLaunchAttribute;

/* cudaLaunchKernelExC */
typedef struct cudaLaunchConfig_st {
    dim3                 gridDim;
    dim3                 blockDim;
    size_t               dynamicSmemBytes;
    cudaStream_t         stream;
    cudaLaunchAttribute *attrs;
    unsigned int         numAttrs;
} cudaLaunchConfig_t;

/*
 * --- Streams and kernel graph nodes take the same attributes under their own names.  Macros,
 * not typedefs, as in NVIDIA's API, so that both `cudaStreamAttrID` and the older
 * `enum cudaStreamAttrID` spelling keep compiling.
 */
#define cudaStreamAttrID                          cudaLaunchAttributeID
#define cudaStreamAttrValue                       cudaLaunchAttributeValue
#define cudaStreamAttributeAccessPolicyWindow     cudaLaunchAttributeAccessPolicyWindow
#define cudaStreamAttributeSynchronizationPolicy  cudaLaunchAttributeSynchronizationPolicy
#define cudaStreamAttributeMemSyncDomainMap       cudaLaunchAttributeMemSyncDomainMap
#define cudaStreamAttributeMemSyncDomain          cudaLaunchAttributeMemSyncDomain
#define cudaStreamAttributePriority               cudaLaunchAttributePriority

#define cudaKernelNodeAttrID                      cudaLaunchAttributeID
#define cudaKernelNodeAttrValue                   cudaLaunchAttributeValue
#define cudaKernelNodeAttributeAccessPolicyWindow cudaLaunchAttributeAccessPolicyWindow
#define cudaKernelNodeAttributeCooperative        cudaLaunchAttributeCooperative
#define cudaKernelNodeAttributePriority           cudaLaunchAttributePriority
#define cudaKernelNodeAttributeClusterDimension   cudaLaunchAttributeClusterDimension
#define cudaKernelNodeAttributeClusterSchedulingPolicyPreference \
    cudaLaunchAttributeClusterSchedulingPolicyPreference
#define cudaKernelNodeAttributeMemSyncDomainMap   cudaLaunchAttributeMemSyncDomainMap
#define cudaKernelNodeAttributeMemSyncDomain      cudaLaunchAttributeMemSyncDomain
#define cudaKernelNodeAttributePreferredSharedMemoryCarveout \
    cudaLaunchAttributePreferredSharedMemoryCarveout
#define cudaKernelNodeAttributeDeviceUpdatableKernelNode \
    cudaLaunchAttributeDeviceUpdatableKernelNode
#define cudaKernelNodeAttributeNvlinkUtilCentricScheduling \
    cudaLaunchAttributeNvlinkUtilCentricScheduling

#ifdef __cplusplus
}
#endif

#endif /* CUSHIM_CUDA_TYPES_LAUNCH_H */
