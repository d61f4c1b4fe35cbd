/*
 * cuda_types_memory.h -- the CUDA 13 runtime's types for where memory lives and who may touch
 * it: pointer attributes, managed-memory advice, locations and access rights, stream-ordered
 * memory pools and L2 access-policy windows.
 *
 * Owns: declarations only.  Copies are in cuda_types_copy.h, arrays in cuda_types_texture.h.
 * Must not: change a layout or a value -- tests/abi/ checks each one.
 */
#ifndef CUSHIM_CUDA_TYPES_MEMORY_H
#define CUSHIM_CUDA_TYPES_MEMORY_H

#include "cuda_types_core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* --- cudaPointerGetAttributes --- */

enum cudaMemoryType {
    cudaMemoryTypeUnregistered = 0,  /* plain host memory the runtime does not know */
    cudaMemoryTypeHost         = 1,
    cudaMemoryTypeDevice       = 2,
    cudaMemoryTypeManaged      = 3
};

struct cudaPointerAttributes {
    enum cudaMemoryType type;
    int                 device;
    void               *devicePointer;
    void               *hostPointer;
    long                reserved[8];
};

/* --- Managed memory: cudaMemAdvise and cudaMemRangeGetAttribute(s) --- */

enum cudaMemoryAdvise {
    cudaMemAdviseSetReadMostly          = 1,
    cudaMemAdviseUnsetReadMostly        = 2,
    cudaMemAdviseSetPreferredLocation   = 3,
    cudaMemAdviseUnsetPreferredLocation = 4,
    cudaMemAdviseSetAccessedBy          = 5,
    cudaMemAdviseUnsetAccessedBy        = 6
};

enum cudaMemRangeAttribute {
    cudaMemRangeAttributeReadMostly               = 1,
    cudaMemRangeAttributePreferredLocation        = 2,
    cudaMemRangeAttributeAccessedBy               = 3,
    cudaMemRangeAttributeLastPrefetchLocation     = 4,
    cudaMemRangeAttributePreferredLocationType    = 5,
    cudaMemRangeAttributePreferredLocationId      = 6,
    cudaMemRangeAttributeLastPrefetchLocationType = 7,
    cudaMemRangeAttributeLastPrefetchLocationId   = 8
};

/* --- Locations and access rights, shared by pools, prefetch, advice and batched copies. --- */

enum cudaMemLocationType {
    cudaMemLocationTypeInvalid         = 0,
    cudaMemLocationTypeNone            = 0,  /* alias: "no location" reads better in copies */
    cudaMemLocationTypeDevice          = 1,
    cudaMemLocationTypeHost            = 2,
    cudaMemLocationTypeHostNuma        = 3,
    cudaMemLocationTypeHostNumaCurrent = 4
};

struct cudaMemLocation {
    enum cudaMemLocationType type;
    int                      id;  /* device ordinal or NUMA node, depending on type */
};

enum cudaMemAccessFlags {
    cudaMemAccessFlagsProtNone      = 0,
    cudaMemAccessFlagsProtRead      = 1,
    cudaMemAccessFlagsProtReadWrite = 3
};

struct cudaMemAccessDesc {
    struct cudaMemLocation  location;
    enum cudaMemAccessFlags flags;
};

/* --- Stream-ordered allocation: cudaMemPoolCreate and friends --- */

enum cudaMemAllocationType {
    cudaMemAllocationTypeInvalid = 0,
    cudaMemAllocationTypePinned  = 1,
    cudaMemAllocationTypeManaged = 2,
    cudaMemAllocationTypeMax     = 0x7FFFFFFF  /* forces a 32-bit enum */
};

/* Bit set: a pool may support several export kinds at once. */
enum cudaMemAllocationHandleType {
    cudaMemHandleTypeNone                = 0,
    cudaMemHandleTypePosixFileDescriptor = 1,
    cudaMemHandleTypeWin32               = 2,
    cudaMemHandleTypeWin32Kmt            = 4,
    cudaMemHandleTypeFabric              = 8
};

/* Bit of cudaMemPoolProps.usage. */
#define cudaMemPoolCreateUsageHwDecompress 0x2

struct cudaMemPoolProps {
    enum cudaMemAllocationType       allocType;
    enum cudaMemAllocationHandleType handleTypes;
    struct cudaMemLocation           location;
    void                            *win32SecurityAttributes;
    size_t                           maxSize;   /* 0: no limit beyond the device's memory */
    unsigned short                   usage;
    unsigned char                    reserved[54];
};

/* What cudaMemPoolExportPointer writes: an opaque token for another process. */
struct cudaMemPoolPtrExportData {
    unsigned char reserved[64];
};

/* cudaMemPoolSetAttribute / cudaMemPoolGetAttribute */
enum cudaMemPoolAttr {
    cudaMemPoolReuseFollowEventDependencies   = 1,
    cudaMemPoolReuseAllowOpportunistic        = 2,
    cudaMemPoolReuseAllowInternalDependencies = 3,
    cudaMemPoolAttrReleaseThreshold           = 4,
    cudaMemPoolAttrReservedMemCurrent         = 5,
    cudaMemPoolAttrReservedMemHigh            = 6,
    cudaMemPoolAttrUsedMemCurrent             = 7,
    cudaMemPoolAttrUsedMemHigh                = 8
};

/* --- L2 persistence: a window of memory and how hits and misses in it are cached. --- */

enum cudaAccessProperty {
    cudaAccessPropertyNormal     = 0,
    cudaAccessPropertyStreaming  = 1,
    cudaAccessPropertyPersisting = 2
};

struct cudaAccessPolicyWindow {
    void                   *base_ptr;
    size_t                  num_bytes;
    float                   hitRatio;
    enum cudaAccessProperty hitProp;
    enum cudaAccessProperty missProp;
};

#ifdef __cplusplus
}
#endif

#endif /* CUSHIM_CUDA_TYPES_MEMORY_H */
