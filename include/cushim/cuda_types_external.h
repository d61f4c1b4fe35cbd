/*
 * cuda_types_external.h -- the CUDA 13 runtime's types for memory and semaphores imported from
 * other APIs (Vulkan, Direct3D, NvSci): the handle descriptors and the signal/wait parameters.
 *
 * Owns: declarations only.  Must not: change a layout or a value -- tests/abi/ checks each one.
 */
#ifndef CUSHIM_CUDA_TYPES_EXTERNAL_H
#define CUSHIM_CUDA_TYPES_EXTERNAL_H

#include "cuda_types_core.h"
#include "cuda_types_copy.h"
#include "cuda_types_texture.h"

#ifdef __cplusplus
extern "C" {
#endif

/* --- External memory: cudaImportExternalMemory and the two ways to map it. --- */

enum cudaExternalMemoryHandleType {
    cudaExternalMemoryHandleTypeOpaqueFd         = 1,
    cudaExternalMemoryHandleTypeOpaqueWin32      = 2,
    cudaExternalMemoryHandleTypeOpaqueWin32Kmt   = 3,
    cudaExternalMemoryHandleTypeD3D12Heap        = 4,
    cudaExternalMemoryHandleTypeD3D12Resource    = 5,
    cudaExternalMemoryHandleTypeD3D11Resource    = 6,
    cudaExternalMemoryHandleTypeD3D11ResourceKmt = 7,
    cudaExternalMemoryHandleTypeNvSciBuf         = 8
};

/* Bit of cudaExternalMemoryHandleDesc.flags: the memory is a dedicated allocation. */
#define cudaExternalMemoryDedicated 0x1

struct cudaExternalMemoryHandleDesc {
    enum cudaExternalMemoryHandleType type;
    union {  /* selected by type */
        int fd;
        struct {
            void       *handle;
            const void *name;  /* wide-char name, used when handle is NULL */
        } win32;
        const void *nvSciBufObject;
    } handle;
    unsigned long long size;
    unsigned int       flags;
    unsigned int       reserved[16];
};

struct cudaExternalMemoryBufferDesc {
    unsigned long long offset;
    unsigned long long size;
    unsigned int       flags;
    unsigned int       reserved[16];
};

struct cudaExternalMemoryMipmappedArrayDesc {
    unsigned long long           offset;
    struct cudaChannelFormatDesc formatDesc;
    struct cudaExtent            extent;
    unsigned int                 flags;  /* cudaArray* flags */
    unsigned int                 numLevels;
    unsigned int                 reserved[16];
};

/* --- External semaphores: import, then signal or wait from a stream. --- */

enum cudaExternalSemaphoreHandleType {
    cudaExternalSemaphoreHandleTypeOpaqueFd               = 1,
    cudaExternalSemaphoreHandleTypeOpaqueWin32            = 2,
    cudaExternalSemaphoreHandleTypeOpaqueWin32Kmt         = 3,
    cudaExternalSemaphoreHandleTypeD3D12Fence             = 4,
    cudaExternalSemaphoreHandleTypeD3D11Fence             = 5,
    cudaExternalSemaphoreHandleTypeNvSciSync              = 6,
    cudaExternalSemaphoreHandleTypeKeyedMutex             = 7,
    cudaExternalSemaphoreHandleTypeKeyedMutexKmt          = 8,
    cudaExternalSemaphoreHandleTypeTimelineSemaphoreFd    = 9,
    cudaExternalSemaphoreHandleTypeTimelineSemaphoreWin32 = 10
};

/* Bits of the signal/wait params' flags: skip the NvSciBuf memory synchronisation. */
#define cudaExternalSemaphoreSignalSkipNvSciBufMemSync 0x01
#define cudaExternalSemaphoreWaitSkipNvSciBufMemSync   0x02

/* Flags of cudaDeviceGetNvSciSyncAttributes: which side the attributes are for. */
#define cudaNvSciSyncAttrSignal 0x1
#define cudaNvSciSyncAttrWait   0x2

struct cudaExternalSemaphoreHandleDesc {
    enum cudaExternalSemaphoreHandleType type;
    union {  /* selected by type */
        int fd;
        struct {
            void       *handle;
            const void *name;
        } win32;
        const void *nvSciSyncObj;
    } handle;
    unsigned int flags;
    unsigned int reserved[16];
};

/* Only the member matching the semaphore's type is read. */
struct cudaExternalSemaphoreSignalParams {
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
        unsigned int reserved[12];
    } params;
    unsigned int flags;
    unsigned int reserved[16];
};

struct cudaExternalSemaphoreWaitParams {
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
        unsigned int reserved[10];  /* two fewer than signal: timeoutMs took the space */
    } params;
    unsigned int flags;
    unsigned int reserved[16];
};

#ifdef __cplusplus
}
#endif

#endif /* CUSHIM_CUDA_TYPES_EXTERNAL_H */
