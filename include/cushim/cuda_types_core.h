/*
 * cuda_types_core.h -- the CUDA 13 runtime names every other part of the API builds on:
 * the version, cudaError_t, grid dimensions, the opaque handle types, the scalar handles,
 * the callback types and the flag constants passed to the basic calls.
 *
 * Owns: declarations only (no functions, no data).  Must not: include NVIDIA headers, or
 * change any size, tag name or value -- tests/abi/ checks every one against the toolkit.
 * Include through cushim/cuda_types.h.
 */
#ifndef CUSHIM_CUDA_TYPES_CORE_H
#define CUSHIM_CUDA_TYPES_CORE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The API level we implement: programs compare against it at build time. */
#define CUDART_VERSION 13000

/* Calling convention of user callbacks; only Windows needs one spelled out. */
#ifdef _WIN32
#define CUDART_CB __stdcall
#else
#define CUDART_CB
#endif

/* --- Error codes: one list (cuda_errors.def) feeds the enum, the strings and the backend. --- */

typedef enum cudaError {
#define CUDA_ERROR(value, name, mu_name, text) name = (value),
#include "cuda_errors.def"
#undef CUDA_ERROR
    /* Not a code any call returns (deprecated since CUDA 4.1): kept because NVIDIA's enum still
     * has it, and its value 10000 gives the enum the same range. */
    cudaErrorApiFailureBase = 10000
} cudaError_t;

/* --- Grid and block dimensions.  Plain C structs: nvcc-built callers pass them by value. --- */

typedef struct uint3 {
    unsigned int x, y, z;
} uint3;

typedef struct dim3 {
    unsigned int x, y, z;
} dim3;

/* --- Identity blobs: fixed-size byte arrays that cross process boundaries. --- */

/* The driver API (cuda.h) declares the same struct; the shared guard lets both coexist. */
#ifndef CU_UUID_HAS_BEEN_DEFINED
#define CU_UUID_HAS_BEEN_DEFINED
struct CUuuid_st {
    char bytes[16];
};
typedef struct CUuuid_st CUuuid;
#endif
typedef struct CUuuid_st cudaUUID_t;

#define CUDA_IPC_HANDLE_SIZE 64

typedef struct cudaIpcEventHandle_st {
    char reserved[CUDA_IPC_HANDLE_SIZE];
} cudaIpcEventHandle_t;

typedef struct cudaIpcMemHandle_st {
    char reserved[CUDA_IPC_HANDLE_SIZE];
} cudaIpcMemHandle_t;

typedef struct cudaMemFabricHandle_st {
    char reserved[CUDA_IPC_HANDLE_SIZE];
} cudaMemFabricHandle_t;

/*
 * --- Opaque handles.  Pointers to structs that are never defined in the public API; the tag
 * names are NVIDIA's so that C++ callers mangle the same symbols and the driver API's types
 * (CUstream = struct CUstream_st *) convert without casts.
 */

typedef struct CUstream_st *cudaStream_t;
typedef struct CUevent_st *cudaEvent_t;
typedef struct cudaArray *cudaArray_t;
typedef const struct cudaArray *cudaArray_const_t;
typedef struct cudaMipmappedArray *cudaMipmappedArray_t;
typedef const struct cudaMipmappedArray *cudaMipmappedArray_const_t;
typedef struct cudaGraphicsResource *cudaGraphicsResource_t;
typedef struct CUexternalMemory_st *cudaExternalMemory_t;
typedef struct CUexternalSemaphore_st *cudaExternalSemaphore_t;
typedef struct CUgraph_st *cudaGraph_t;
typedef struct CUgraphNode_st *cudaGraphNode_t;
typedef struct CUgraphExec_st *cudaGraphExec_t;
typedef struct CUgraphDeviceUpdatableNode_st *cudaGraphDeviceNode_t;
typedef struct CUuserObject_st *cudaUserObject_t;
typedef struct CUfunc_st *cudaFunction_t;
typedef struct CUkern_st *cudaKernel_t;
typedef struct CUlib_st *cudaLibrary_t;
typedef struct CUmemPoolHandle_st *cudaMemPool_t;
typedef struct cudaAsyncCallbackEntry *cudaAsyncCallbackHandle_t;
typedef struct CUlogsCallbackEntry_st *cudaLogsCallbackHandle;

/* --- Scalar handles: integer ids the runtime hands out instead of pointers. --- */

typedef unsigned long long cudaTextureObject_t;
typedef unsigned long long cudaSurfaceObject_t;
typedef unsigned long long cudaGraphConditionalHandle;
typedef unsigned int cudaLogIterator;

/* --- Callbacks the runtime calls back into user code. --- */

typedef void (CUDART_CB *cudaHostFn_t)(void *userData);
typedef void (CUDART_CB *cudaStreamCallback_t)(cudaStream_t stream, cudaError_t status,
                                               void *userData);

typedef enum CUDAlogLevel_enum {
    cudaLogLevelError   = 0,
    cudaLogLevelWarning = 1
} cudaLogLevel;

typedef void (CUDART_CB *cudaLogsCallback_t)(void *data, cudaLogLevel logLevel, char *message,
                                             size_t length);

/*
 * --- Special stream handles.  Small integers no allocation can return, so the runtime can
 * tell them from real streams by value.
 */
#define cudaStreamLegacy     ((cudaStream_t)0x1)
#define cudaStreamPerThread  ((cudaStream_t)0x2)

/* --- Flag bits of the basic calls (values are part of the ABI: compiled into callers). --- */

/* cudaHostAlloc */
#define cudaHostAllocDefault        0x00
#define cudaHostAllocPortable       0x01
#define cudaHostAllocMapped         0x02
#define cudaHostAllocWriteCombined  0x04

/* cudaHostRegister */
#define cudaHostRegisterDefault     0x00
#define cudaHostRegisterPortable    0x01
#define cudaHostRegisterMapped      0x02
#define cudaHostRegisterIoMemory    0x04
#define cudaHostRegisterReadOnly    0x08

/* cudaDeviceEnablePeerAccess */
#define cudaPeerAccessDefault       0x00

/* cudaStreamCreateWithFlags */
#define cudaStreamDefault           0x00
#define cudaStreamNonBlocking       0x01

/* cudaEventCreateWithFlags, cudaEventRecordWithFlags, cudaStreamWaitEvent */
#define cudaEventDefault            0x00
#define cudaEventBlockingSync       0x01
#define cudaEventDisableTiming      0x02
#define cudaEventInterprocess       0x04
#define cudaEventRecordDefault      0x00
#define cudaEventRecordExternal     0x01
#define cudaEventWaitDefault        0x00
#define cudaEventWaitExternal       0x01

/* cudaSetDeviceFlags: the low three bits are one scheduling choice, the rest independent bits. */
#define cudaDeviceScheduleAuto          0x00
#define cudaDeviceScheduleSpin          0x01
#define cudaDeviceScheduleYield         0x02
#define cudaDeviceScheduleBlockingSync  0x04
#define cudaDeviceBlockingSync          0x04 /* older spelling of the same bit */
#define cudaDeviceScheduleMask          0x07
#define cudaDeviceMapHost               0x08
#define cudaDeviceLmemResizeToMax       0x10
#define cudaDeviceSyncMemops            0x80
#define cudaDeviceMask                  0xff

/* cudaInitDevice */
#define cudaInitDeviceFlagsAreValid     0x01

/* cudaMallocArray, cudaMalloc3DArray, cudaMallocMipmappedArray */
#define cudaArrayDefault                0x00
#define cudaArrayLayered                0x01
#define cudaArraySurfaceLoadStore       0x02
#define cudaArrayCubemap                0x04
#define cudaArrayTextureGather          0x08
#define cudaArrayColorAttachment        0x20
#define cudaArraySparse                 0x40
#define cudaArrayDeferredMapping        0x80

/* cudaIpcOpenMemHandle */
#define cudaIpcMemLazyEnablePeerAccess  0x01

/* cudaMallocManaged, cudaStreamAttachMemAsync */
#define cudaMemAttachGlobal             0x01
#define cudaMemAttachHost               0x02
#define cudaMemAttachSingle             0x04

/* cudaOccupancy*WithFlags */
#define cudaOccupancyDefault                 0x00
#define cudaOccupancyDisableCachingOverride  0x01

/* Device ids with a meaning of their own (the host as a location, "no device"). */
#define cudaCpuDeviceId      ((int)-1)
#define cudaInvalidDeviceId  ((int)-2)

#ifdef __cplusplus
}
#endif

#endif /* CUSHIM_CUDA_TYPES_CORE_H */
