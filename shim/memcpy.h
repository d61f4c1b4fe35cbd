/*
 * memcpy.h - the one copy path every runtime copy of linear memory takes (memcpy.c): a 3-D
 * pitched region, range-checked against the memory map, ordered on a stream.
 */
#ifndef CUSHIM_MEMCPY_H
#define CUSHIM_MEMCPY_H

#include "runtime.h"

struct cushim_copy {
    void *dst;
    const void *src;
    size_t dst_pitch, dst_height; /* bytes per row, rows per slice */
    size_t src_pitch, src_height;
    size_t width, height, depth; /* width in bytes */
    enum cudaMemcpyKind kind;
};

/* async == 0: complete before returning (on `stream`, normally the default stream). */
cudaError_t cushim_copy(const struct cushim_copy *copy, cudaStream_t stream, int async);

/* The linear copy a cudaMemcpy3DParms with a cudaArray on either side describes
 * (array_copy.c): the array's region checked and given as pitched memory. */
cudaError_t cushim_copy_from_3d_arrays(const struct cudaMemcpy3DParms *p,
                                       struct cushim_copy *out);

/* The batch copies (memcpy_batch.c), for CUDA 13's calls and CUDA 12's: *fail_idx (may be
 * NULL) gets the index of the copy a failure belongs to, or SIZE_MAX. */
cudaError_t cushim_memcpy_batch(void *const *dsts, const void *const *srcs, const size_t *sizes,
                                size_t count, struct cudaMemcpyAttributes *attrs,
                                size_t *attrsIdxs, size_t numAttrs, size_t *fail_idx,
                                cudaStream_t stream);
cudaError_t cushim_memcpy3d_batch(size_t numOps, struct cudaMemcpy3DBatchOp *opList,
                                  unsigned long long flags, size_t *fail_idx, cudaStream_t stream);

#endif
