/*
 * cuda_types_graph.h -- the CUDA 13 runtime's types for stream capture and CUDA graphs: capture
 * states, user objects, every node kind's parameter block (the original structs and the V2
 * ones that the generic cudaGraphNodeParams holds), edges, instantiation and update results,
 * and device-side node updates.
 *
 * Owns: declarations only.  Must not: change a layout or a value -- tests/abi/ checks each one.
 */
#ifndef CUSHIM_CUDA_TYPES_GRAPH_H
#define CUSHIM_CUDA_TYPES_GRAPH_H

#include "cuda_types_core.h"
#include "cuda_types_copy.h"
#include "cuda_types_external.h"
#include "cuda_types_memory.h"

#ifdef __cplusplus
extern "C" {
#endif

/* --- Stream capture --- */

enum cudaStreamCaptureStatus {
    cudaStreamCaptureStatusNone        = 0,
    cudaStreamCaptureStatusActive      = 1,
    cudaStreamCaptureStatusInvalidated = 2  /* an error ended it; cudaStreamEndCapture fails */
};

/* Which other threads' unsafe calls a capture forbids. */
enum cudaStreamCaptureMode {
    cudaStreamCaptureModeGlobal      = 0,
    cudaStreamCaptureModeThreadLocal = 1,
    cudaStreamCaptureModeRelaxed     = 2
};

enum cudaStreamUpdateCaptureDependenciesFlags {
    cudaStreamAddCaptureDependencies = 0,
    cudaStreamSetCaptureDependencies = 1
};

/* --- User objects: reference-counted resources a graph keeps alive. --- */

enum cudaUserObjectFlags {
    cudaUserObjectNoDestructorSync = 1
};

enum cudaUserObjectRetainFlags {
    cudaGraphUserObjectMove = 1
};

/* --- Node parameters.  The first form of each is what cudaGraphAdd*Node takes; the V2 form
 * has the same fields and lives inside cudaGraphNodeParams. --- */

struct cudaKernelNodeParams {
    void         *func;
    dim3          gridDim;
    dim3          blockDim;
    unsigned int  sharedMemBytes;
    void        **kernelParams;  /* one pointer per kernel argument ... */
    void        **extra;         /* ... or a packed buffer; not both */
};

struct cudaKernelNodeParamsV2 {
    void         *func;
    dim3          gridDim;
    dim3          blockDim;
    unsigned int  sharedMemBytes;
    void        **kernelParams;
    void        **extra;
};

struct cudaMemcpyNodeParams {
    int                      flags;
    int                      reserved[3];
    struct cudaMemcpy3DParms copyParams;
};

struct cudaMemsetParamsV2 {
    void        *dst;
    size_t       pitch;
    unsigned int value;
    unsigned int elementSize;
    size_t       width;
    size_t       height;
};

struct cudaHostNodeParams {
    cudaHostFn_t fn;
    void        *userData;
};

struct cudaHostNodeParamsV2 {
    cudaHostFn_t fn;
    void        *userData;
};

struct cudaExternalSemaphoreSignalNodeParams {
    cudaExternalSemaphore_t                        *extSemArray;
    const struct cudaExternalSemaphoreSignalParams *paramsArray;
    unsigned int                                    numExtSems;
};

struct cudaExternalSemaphoreSignalNodeParamsV2 {
    cudaExternalSemaphore_t                        *extSemArray;
    const struct cudaExternalSemaphoreSignalParams *paramsArray;
    unsigned int                                    numExtSems;
};

struct cudaExternalSemaphoreWaitNodeParams {
    cudaExternalSemaphore_t                      *extSemArray;
    const struct cudaExternalSemaphoreWaitParams *paramsArray;
    unsigned int                                  numExtSems;
};

struct cudaExternalSemaphoreWaitNodeParamsV2 {
    cudaExternalSemaphore_t                      *extSemArray;
    const struct cudaExternalSemaphoreWaitParams *paramsArray;
    unsigned int                                  numExtSems;
};

/* dptr is an output: the runtime fills in the address when the node is added. */
struct cudaMemAllocNodeParams {
    struct cudaMemPoolProps         poolProps;
    const struct cudaMemAccessDesc *accessDescs;
    size_t                          accessDescCount;
    size_t                          bytesize;
    void                           *dptr;
};

struct cudaMemAllocNodeParamsV2 {
    struct cudaMemPoolProps         poolProps;
    const struct cudaMemAccessDesc *accessDescs;
    size_t                          accessDescCount;
    size_t                          bytesize;
    void                           *dptr;
};

struct cudaMemFreeNodeParams {
    void *dptr;
};

/* cudaDeviceGetGraphMemAttribute: memory held by graph allocations on a device. */
enum cudaGraphMemAttributeType {
    cudaGraphMemAttrUsedMemCurrent     = 0,
    cudaGraphMemAttrUsedMemHigh        = 1,
    cudaGraphMemAttrReservedMemCurrent = 2,
    cudaGraphMemAttrReservedMemHigh    = 3
};

enum cudaGraphChildGraphNodeOwnership {
    cudaGraphChildGraphOwnershipClone = 0,
    cudaGraphChildGraphOwnershipMove  = 1
};

struct cudaChildGraphNodeParams {
    cudaGraph_t                           graph;
    enum cudaGraphChildGraphNodeOwnership ownership;
};

struct cudaEventRecordNodeParams {
    cudaEvent_t event;
};

struct cudaEventWaitNodeParams {
    cudaEvent_t event;
};

/* --- Conditional nodes: bodies run if/while/switch on a handle set from device code. --- */

/* Flag of cudaGraphConditionalHandleCreate: reset the handle to its default each launch. */
enum cudaGraphConditionalHandleFlags {
    cudaGraphCondAssignDefault = 1
};

enum cudaGraphConditionalNodeType {
    cudaGraphCondTypeIf     = 0,
    cudaGraphCondTypeWhile  = 1,
    cudaGraphCondTypeSwitch = 2
};

struct cudaConditionalNodeParams {
    cudaGraphConditionalHandle        handle;
    enum cudaGraphConditionalNodeType type;
    unsigned int                      size;         /* number of body graphs */
    cudaGraph_t                      *phGraph_out;  /* filled by the runtime */
};

/* --- The generic node: a type and a union of every V2 parameter block. --- */

/* 0x0c is skipped: the values follow the driver's CUgraphNodeType, whose 12 is the batch
 * memory-op node the runtime does not expose. */
enum cudaGraphNodeType {
    cudaGraphNodeTypeKernel             = 0x00,
    cudaGraphNodeTypeMemcpy             = 0x01,
    cudaGraphNodeTypeMemset             = 0x02,
    cudaGraphNodeTypeHost               = 0x03,
    cudaGraphNodeTypeGraph              = 0x04,
    cudaGraphNodeTypeEmpty              = 0x05,
    cudaGraphNodeTypeWaitEvent          = 0x06,
    cudaGraphNodeTypeEventRecord        = 0x07,
    cudaGraphNodeTypeExtSemaphoreSignal = 0x08,
    cudaGraphNodeTypeExtSemaphoreWait   = 0x09,
    cudaGraphNodeTypeMemAlloc           = 0x0a,
    cudaGraphNodeTypeMemFree            = 0x0b,
    cudaGraphNodeTypeConditional        = 0x0d,
    cudaGraphNodeTypeCount              = 0x0e
};

/* 256 bytes in all; the anonymous union is what lets callers write params.kernel. */
struct cudaGraphNodeParams {
    enum cudaGraphNodeType type;
    int                    reserved0[3];
    union {
        long long                                      reserved1[29];
        struct cudaKernelNodeParamsV2                  kernel;
        struct cudaMemcpyNodeParams                    memcpy;
        struct cudaMemsetParamsV2                      memset;
        struct cudaHostNodeParamsV2                    host;
        struct cudaChildGraphNodeParams                graph;
        struct cudaEventWaitNodeParams                 eventWait;
        struct cudaEventRecordNodeParams               eventRecord;
        struct cudaExternalSemaphoreSignalNodeParamsV2 extSemSignal;
        struct cudaExternalSemaphoreWaitNodeParamsV2   extSemWait;
        struct cudaMemAllocNodeParamsV2                alloc;
        struct cudaMemFreeNodeParams                   free;
        struct cudaConditionalNodeParams               conditional;
    };
    long long reserved2;
};

/* --- Edges: which output port of one node feeds which input port of the next. --- */

typedef enum cudaGraphDependencyType_enum {
    cudaGraphDependencyTypeDefault      = 0,
    cudaGraphDependencyTypeProgrammatic = 1
} cudaGraphDependencyType;

/* All-zero means an ordinary full dependency, so zero-initialised arrays are valid. */
typedef struct cudaGraphEdgeData_st {
    unsigned char from_port;
    unsigned char to_port;
    unsigned char type;        /* cudaGraphDependencyType */
    unsigned char reserved[5];
} cudaGraphEdgeData;

/* Ports of kernel nodes usable in cudaGraphEdgeData.from_port. */
#define cudaGraphKernelNodePortDefault          0
#define cudaGraphKernelNodePortProgrammatic     1
#define cudaGraphKernelNodePortLaunchCompletion 2

/* --- Instantiation and whole-graph update --- */

enum cudaGraphInstantiateFlags {
    cudaGraphInstantiateFlagAutoFreeOnLaunch = 1,
    cudaGraphInstantiateFlagUpload           = 2,
    cudaGraphInstantiateFlagDeviceLaunch     = 4,
    cudaGraphInstantiateFlagUseNodePriority  = 8
};

typedef enum cudaGraphInstantiateResult {
    cudaGraphInstantiateSuccess                     = 0,
    cudaGraphInstantiateError                       = 1,
    cudaGraphInstantiateInvalidStructure            = 2,
    cudaGraphInstantiateNodeOperationNotSupported   = 3,
    cudaGraphInstantiateMultipleDevicesNotSupported = 4,
    cudaGraphInstantiateConditionalHandleUnused     = 5
} cudaGraphInstantiateResult;

typedef struct cudaGraphInstantiateParams_st {
    unsigned long long         flags;        /* enum cudaGraphInstantiateFlags bits */
    cudaStream_t               uploadStream;
    cudaGraphNode_t            errNode_out;
    cudaGraphInstantiateResult result_out;
} cudaGraphInstantiateParams;

enum cudaGraphExecUpdateResult {
    cudaGraphExecUpdateSuccess                        = 0,
    cudaGraphExecUpdateError                          = 1,
    cudaGraphExecUpdateErrorTopologyChanged           = 2,
    cudaGraphExecUpdateErrorNodeTypeChanged           = 3,
    cudaGraphExecUpdateErrorFunctionChanged           = 4,
    cudaGraphExecUpdateErrorParametersChanged         = 5,
    cudaGraphExecUpdateErrorNotSupported              = 6,
    cudaGraphExecUpdateErrorUnsupportedFunctionChange = 7,
    cudaGraphExecUpdateErrorAttributesChanged         = 8
};

typedef struct cudaGraphExecUpdateResultInfo_st {
    enum cudaGraphExecUpdateResult result;
    cudaGraphNode_t                errorNode;
    cudaGraphNode_t                errorFromNode;
} cudaGraphExecUpdateResultInfo;

/* --- Device-side updates of kernel nodes in device-launchable graphs --- */

enum cudaGraphKernelNodeField {
    cudaGraphKernelNodeFieldInvalid = 0,
    cudaGraphKernelNodeFieldGridDim = 1,
    cudaGraphKernelNodeFieldParam   = 2,
    cudaGraphKernelNodeFieldEnabled = 3
};

struct cudaGraphKernelNodeUpdate {
    cudaGraphDeviceNode_t         node;
    enum cudaGraphKernelNodeField field;
    union {  /* selected by field */
        dim3 gridDim;
        struct {
            const void *pValue;
            size_t      offset;
            size_t      size;
        } param;
        unsigned int isEnabled;
    } updateData;
};

/* --- cudaGraphDebugDotPrint: what to include in the DOT output (bit 1 is unused). --- */

enum cudaGraphDebugDotFlags {
    cudaGraphDebugDotFlagsVerbose                  = 1 << 0,
    cudaGraphDebugDotFlagsKernelNodeParams         = 1 << 2,
    cudaGraphDebugDotFlagsMemcpyNodeParams         = 1 << 3,
    cudaGraphDebugDotFlagsMemsetNodeParams         = 1 << 4,
    cudaGraphDebugDotFlagsHostNodeParams           = 1 << 5,
    cudaGraphDebugDotFlagsEventNodeParams          = 1 << 6,
    cudaGraphDebugDotFlagsExtSemasSignalNodeParams = 1 << 7,
    cudaGraphDebugDotFlagsExtSemasWaitNodeParams   = 1 << 8,
    cudaGraphDebugDotFlagsKernelNodeAttributes     = 1 << 9,
    cudaGraphDebugDotFlagsHandles                  = 1 << 10,
    cudaGraphDebugDotFlagsConditionalNodeParams    = 1 << 15
};

#ifdef __cplusplus
}
#endif

#endif /* CUSHIM_CUDA_TYPES_GRAPH_H */
