/*
 * cuda_types_copy.h -- the CUDA 13 runtime's types for moving and filling memory: copy
 * directions, pitched pointers and 3D extents, the cudaMemcpy3D parameter blocks, memset
 * parameters and the batched-copy descriptors of cudaMemcpyBatchAsync/cudaMemcpy3DBatchAsync.
 *
 * Owns: declarations only.  Must not: change a layout or a value -- tests/abi/ checks each one.
 */
#ifndef CUSHIM_CUDA_TYPES_COPY_H
#define CUSHIM_CUDA_TYPES_COPY_H

#include "cuda_types_core.h"
#include "cuda_types_memory.h"

#ifdef __cplusplus
extern "C" {
#endif

enum cudaMemcpyKind {
    cudaMemcpyHostToHost     = 0,
    cudaMemcpyHostToDevice   = 1,
    cudaMemcpyDeviceToHost   = 2,
    cudaMemcpyDeviceToDevice = 3,
    cudaMemcpyDefault        = 4  /* direction inferred from the pointers (unified addressing) */
};

/* --- Geometry: a pitched 2D/3D buffer, a size and a position, all in elements or bytes as
 * each call documents (width is in bytes for linear memory, in elements for arrays). --- */

struct cudaPitchedPtr {
    void  *ptr;
    size_t pitch;  /* bytes from one row to the next */
    size_t xsize;  /* logical row width */
    size_t ysize;  /* rows per slice */
};

struct cudaExtent {
    size_t width;
    size_t height;
    size_t depth;
};

struct cudaPos {
    size_t x;
    size_t y;
    size_t z;
};

/* --- cudaMemcpy3D: each side is either an array or a pitched pointer, never both. --- */

struct cudaMemcpy3DParms {
    cudaArray_t           srcArray;
    struct cudaPos        srcPos;
    struct cudaPitchedPtr srcPtr;
    cudaArray_t           dstArray;
    struct cudaPos        dstPos;
    struct cudaPitchedPtr dstPtr;
    struct cudaExtent     extent;
    enum cudaMemcpyKind   kind;
};

/* cudaMemcpy3DPeer: the same, with devices instead of a direction. */
struct cudaMemcpy3DPeerParms {
    cudaArray_t           srcArray;
    struct cudaPos        srcPos;
    struct cudaPitchedPtr srcPtr;
    int                   srcDevice;
    cudaArray_t           dstArray;
    struct cudaPos        dstPos;
    struct cudaPitchedPtr dstPtr;
    int                   dstDevice;
    struct cudaExtent     extent;
};

/* cudaGraphAddMemsetNode; elementSize is 1, 2 or 4 bytes. */
struct cudaMemsetParams {
    void        *dst;
    size_t       pitch;
    unsigned int value;
    unsigned int elementSize;
    size_t       width;
    size_t       height;
};

/* --- Batched copies (CUDA 12.8+): per-batch attributes and 3D operands. --- */

enum cudaMemcpyFlags {
    cudaMemcpyFlagDefault                  = 0,
    cudaMemcpyFlagPreferOverlapWithCompute = 1
};

/* When the source may be read, which decides whether it can be staged asynchronously. */
enum cudaMemcpySrcAccessOrder {
    cudaMemcpySrcAccessOrderInvalid       = 0,
    cudaMemcpySrcAccessOrderStream        = 1,
    cudaMemcpySrcAccessOrderDuringApiCall = 2,
    cudaMemcpySrcAccessOrderAny           = 3,
    cudaMemcpySrcAccessOrderMax           = 0x7FFFFFFF
};

struct cudaMemcpyAttributes {
    enum cudaMemcpySrcAccessOrder srcAccessOrder;
    struct cudaMemLocation        srcLocHint;
    struct cudaMemLocation        dstLocHint;
    unsigned int                  flags;  /* enum cudaMemcpyFlags bits */
};

enum cudaMemcpy3DOperandType {
    cudaMemcpyOperandTypePointer = 1,
    cudaMemcpyOperandTypeArray   = 2,
    cudaMemcpyOperandTypeMax     = 0x7FFFFFFF
};

struct cudaOffset3D {
    size_t x;
    size_t y;
    size_t z;
};

struct cudaMemcpy3DOperand {
    enum cudaMemcpy3DOperandType type;
    union {  /* selected by type */
        struct {
            void                  *ptr;
            size_t                 rowLength;    /* in elements; 0 means tightly packed */
            size_t                 layerHeight;  /* in rows; 0 means tightly packed */
            struct cudaMemLocation locHint;
        } ptr;
        struct {
            cudaArray_t         array;
            struct cudaOffset3D offset;
        } array;
    } op;
};

struct cudaMemcpy3DBatchOp {
    struct cudaMemcpy3DOperand    src;
    struct cudaMemcpy3DOperand    dst;
    struct cudaExtent             extent;
    enum cudaMemcpySrcAccessOrder srcAccessOrder;
    unsigned int                  flags;
};

#ifdef __cplusplus
}
#endif

#endif /* CUSHIM_CUDA_TYPES_COPY_H */
