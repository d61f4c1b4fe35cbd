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

#endif
