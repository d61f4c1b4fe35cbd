/*
 * array_copy.c - every copy to, from and between CUDA arrays: cudaMemcpy2DToArray[Async],
 * cudaMemcpy2DFromArray[Async], cudaMemcpy2DArrayToArray, the deprecated cudaMemcpyToArray,
 * cudaMemcpyFromArray, cudaMemcpyArrayToArray (and Async forms), and the array sides of
 * cudaMemcpy3D/3DAsync/3DPeer and of graph copy nodes (cushim_copy_from_3d_arrays).
 *
 * An array's memory is linear as the backend laid it out (struct mu_level), so each of these
 * checks that the region named lies inside the array, in the array's own units (bytes for the
 * 2-D and 1-D calls, elements for the 3-D ones), and then describes the copy as a pitched
 * linear copy (memcpy.h), which checks the other side against the memory map and runs on the
 * stream or is captured like any other copy.  An array always lives on the device: a kind that
 * says otherwise is corrected, as NVIDIA documents for cudaMemcpy3D.
 */
#include "api.h"
#include "arrays.h"
#include "memcpy.h"

/* A region of an array, as linear memory. */
struct region {
    void *ptr;    /* the region's first element */
    size_t pitch; /* bytes between rows */
    size_t rows;  /* rows between slices */
    unsigned element_bytes;
};

static int sum_within(size_t offset, size_t count, size_t limit)
{
    size_t end;
    return !__builtin_add_overflow(offset, count, &end) && end <= limit;
}

/* The region at (x_bytes, y, z) of width_bytes x height x depth of array a, when it lies inside
 * the array. */
static cudaError_t array_region(cudaArray_const_t a, size_t x_bytes, size_t y, size_t z,
                                size_t width_bytes, size_t height, size_t depth,
                                struct region *out)
{
    struct cushim_array_info info;
    if (cushim_array_lookup(a, &info) != 0)
        return cudaErrorInvalidValue;
    const struct mu_level *lv = &info.level;
    size_t es = mu_format_bytes(&info.format);
    if (lv->pitch == 0 || lv->slice % lv->pitch != 0)
        return cudaErrorNotSupported; /* a layout that is not rows of slices */
    if (!sum_within(x_bytes, width_bytes, (size_t)lv->width * es) ||
        !sum_within(y, height, lv->height) || !sum_within(z, depth, lv->depth))
        return cudaErrorInvalidValue;
    out->ptr = (void *)(uintptr_t)(lv->base + z * lv->slice + y * lv->pitch + x_bytes);
    out->pitch = (size_t)lv->pitch;
    out->rows = (size_t)(lv->slice / lv->pitch);
    out->element_bytes = (unsigned)es;
    return cudaSuccess;
}

/* The direction once the array side is known to be device memory. */
static enum cudaMemcpyKind to_array_kind(enum cudaMemcpyKind kind)
{
    switch (kind) {
    case cudaMemcpyHostToHost:
    case cudaMemcpyHostToDevice:
        return cudaMemcpyHostToDevice;
    case cudaMemcpyDeviceToHost:
    case cudaMemcpyDeviceToDevice:
        return cudaMemcpyDeviceToDevice;
    default:
        return kind;
    }
}

static enum cudaMemcpyKind from_array_kind(enum cudaMemcpyKind kind)
{
    switch (kind) {
    case cudaMemcpyHostToHost:
    case cudaMemcpyDeviceToHost:
        return cudaMemcpyDeviceToHost;
    case cudaMemcpyHostToDevice:
    case cudaMemcpyDeviceToDevice:
        return cudaMemcpyDeviceToDevice;
    default:
        return kind;
    }
}

static enum cudaMemcpyKind between_arrays_kind(enum cudaMemcpyKind kind)
{
    return kind == cudaMemcpyDefault ? kind : cudaMemcpyDeviceToDevice;
}

static int bad_kind(enum cudaMemcpyKind kind)
{
    return (unsigned)kind > cudaMemcpyDefault;
}

/* ---- 2-D copies: offsets and widths in bytes ---- */

static cudaError_t to_array_2d(cudaArray_t dst, size_t wOffset, size_t hOffset, const void *src,
                               size_t spitch, size_t width, size_t height,
                               enum cudaMemcpyKind kind, cudaStream_t stream, int async)
{
    if (bad_kind(kind))
        return cudaErrorInvalidMemcpyDirection;
    struct region d;
    cudaError_t error = array_region(dst, wOffset, hOffset, 0, width, height, 1, &d);
    if (error != cudaSuccess)
        return error;
    struct cushim_copy c = {d.ptr,  src,    d.pitch, d.rows, spitch,
                            height, width,  height,  1,      to_array_kind(kind)};
    return cushim_copy(&c, stream, async);
}

static cudaError_t from_array_2d(void *dst, size_t dpitch, cudaArray_const_t src, size_t wOffset,
                                 size_t hOffset, size_t width, size_t height,
                                 enum cudaMemcpyKind kind, cudaStream_t stream, int async)
{
    if (bad_kind(kind))
        return cudaErrorInvalidMemcpyDirection;
    struct region s;
    cudaError_t error = array_region(src, wOffset, hOffset, 0, width, height, 1, &s);
    if (error != cudaSuccess)
        return error;
    struct cushim_copy c = {dst,    s.ptr, dpitch, height, s.pitch,
                            s.rows, width, height, 1,      from_array_kind(kind)};
    return cushim_copy(&c, stream, async);
}

cudaError_t impl_cudaMemcpy2DToArray(cudaArray_t dst, size_t wOffset, size_t hOffset,
                                     const void *src, size_t spitch, size_t width,
                                     size_t height, enum cudaMemcpyKind kind)
{
    return to_array_2d(dst, wOffset, hOffset, src, spitch, width, height, kind, NULL, 0);
}

cudaError_t impl_cudaMemcpy2DToArrayAsync(cudaArray_t dst, size_t wOffset, size_t hOffset,
                                          const void *src, size_t spitch, size_t width,
                                          size_t height, enum cudaMemcpyKind kind,
                                          cudaStream_t stream)
{
    return to_array_2d(dst, wOffset, hOffset, src, spitch, width, height, kind, stream, 1);
}

cudaError_t impl_cudaMemcpy2DFromArray(void *dst, size_t dpitch, cudaArray_const_t src,
                                       size_t wOffset, size_t hOffset, size_t width,
                                       size_t height, enum cudaMemcpyKind kind)
{
    return from_array_2d(dst, dpitch, src, wOffset, hOffset, width, height, kind, NULL, 0);
}

cudaError_t impl_cudaMemcpy2DFromArrayAsync(void *dst, size_t dpitch, cudaArray_const_t src,
                                            size_t wOffset, size_t hOffset, size_t width,
                                            size_t height, enum cudaMemcpyKind kind,
                                            cudaStream_t stream)
{
    return from_array_2d(dst, dpitch, src, wOffset, hOffset, width, height, kind, stream, 1);
}

cudaError_t impl_cudaMemcpy2DArrayToArray(cudaArray_t dst, size_t wOffsetDst, size_t hOffsetDst,
                                          cudaArray_const_t src, size_t wOffsetSrc,
                                          size_t hOffsetSrc, size_t width, size_t height,
                                          enum cudaMemcpyKind kind)
{
    if (bad_kind(kind))
        return cudaErrorInvalidMemcpyDirection;
    struct region d, s;
    cudaError_t error = array_region(dst, wOffsetDst, hOffsetDst, 0, width, height, 1, &d);
    if (error == cudaSuccess)
        error = array_region(src, wOffsetSrc, hOffsetSrc, 0, width, height, 1, &s);
    if (error != cudaSuccess)
        return error;
    struct cushim_copy c = {d.ptr,  s.ptr, d.pitch, d.rows, s.pitch,
                            s.rows, width, height,  1,      between_arrays_kind(kind)};
    return cushim_copy(&c, NULL, 0);
}

/* ---- the deprecated 1-D forms: count bytes from (wOffset bytes, hOffset rows) on, running
 * on into the following rows of the array as its memory does ---- */

static cudaError_t array_run(cudaArray_const_t a, size_t wOffset, size_t hOffset, size_t count,
                             void **ptr)
{
    struct cushim_array_info info;
    if (cushim_array_lookup(a, &info) != 0)
        return cudaErrorInvalidValue;
    const struct mu_level *lv = &info.level;
    size_t row = (size_t)lv->width * mu_format_bytes(&info.format);
    size_t rows = (size_t)lv->height * lv->depth, start;
    if (wOffset >= row || hOffset >= rows || __builtin_mul_overflow(hOffset, row, &start))
        return count == 0 ? cudaSuccess : cudaErrorInvalidValue;
    start += wOffset;
    /* a run over several rows needs rows that follow each other in memory */
    int dense = lv->pitch == row && lv->slice == row * lv->height;
    if (!sum_within(start, count, dense ? row * rows : hOffset * row + row))
        return cudaErrorInvalidValue;
    *ptr = (void *)(uintptr_t)(lv->base + hOffset * lv->pitch + wOffset);
    return cudaSuccess;
}

static struct cushim_copy run_copy(void *dst, const void *src, size_t count,
                                   enum cudaMemcpyKind kind)
{
    return (struct cushim_copy){dst, src, count, 1, count, 1, count, 1, 1, kind};
}

static cudaError_t to_array(cudaArray_t dst, size_t wOffset, size_t hOffset, const void *src,
                            size_t count, enum cudaMemcpyKind kind, cudaStream_t stream,
                            int async)
{
    if (bad_kind(kind))
        return cudaErrorInvalidMemcpyDirection;
    void *d = NULL;
    cudaError_t error = array_run(dst, wOffset, hOffset, count, &d);
    if (error != cudaSuccess || count == 0)
        return error;
    struct cushim_copy c = run_copy(d, src, count, to_array_kind(kind));
    return cushim_copy(&c, stream, async);
}

static cudaError_t from_array(void *dst, cudaArray_const_t src, size_t wOffset, size_t hOffset,
                              size_t count, enum cudaMemcpyKind kind, cudaStream_t stream,
                              int async)
{
    if (bad_kind(kind))
        return cudaErrorInvalidMemcpyDirection;
    void *s = NULL;
    cudaError_t error = array_run(src, wOffset, hOffset, count, &s);
    if (error != cudaSuccess || count == 0)
        return error;
    struct cushim_copy c = run_copy(dst, s, count, from_array_kind(kind));
    return cushim_copy(&c, stream, async);
}

cudaError_t impl_cudaMemcpyToArray(cudaArray_t dst, size_t wOffset, size_t hOffset,
                                   const void *src, size_t count, enum cudaMemcpyKind kind)
{
    return to_array(dst, wOffset, hOffset, src, count, kind, NULL, 0);
}

cudaError_t impl_cudaMemcpyToArrayAsync(cudaArray_t dst, size_t wOffset, size_t hOffset,
                                        const void *src, size_t count, enum cudaMemcpyKind kind,
                                        cudaStream_t stream)
{
    return to_array(dst, wOffset, hOffset, src, count, kind, stream, 1);
}

cudaError_t impl_cudaMemcpyFromArray(void *dst, cudaArray_const_t src, size_t wOffset,
                                     size_t hOffset, size_t count, enum cudaMemcpyKind kind)
{
    return from_array(dst, src, wOffset, hOffset, count, kind, NULL, 0);
}

cudaError_t impl_cudaMemcpyFromArrayAsync(void *dst, cudaArray_const_t src, size_t wOffset,
                                          size_t hOffset, size_t count, enum cudaMemcpyKind kind,
                                          cudaStream_t stream)
{
    return from_array(dst, src, wOffset, hOffset, count, kind, stream, 1);
}

cudaError_t impl_cudaMemcpyArrayToArray(cudaArray_t dst, size_t wOffsetDst, size_t hOffsetDst,
                                        cudaArray_const_t src, size_t wOffsetSrc,
                                        size_t hOffsetSrc, size_t count,
                                        enum cudaMemcpyKind kind)
{
    if (bad_kind(kind))
        return cudaErrorInvalidMemcpyDirection;
    void *d = NULL, *s = NULL;
    cudaError_t error = array_run(dst, wOffsetDst, hOffsetDst, count, &d);
    if (error == cudaSuccess)
        error = array_run(src, wOffsetSrc, hOffsetSrc, count, &s);
    if (error != cudaSuccess || count == 0)
        return error;
    struct cushim_copy c = run_copy(d, s, count, between_arrays_kind(kind));
    return cushim_copy(&c, NULL, 0);
}

/* ---- cudaMemcpy3D with an array on either side: positions and extent in elements of the
 * array (bytes of linear memory) ---- */

static cudaError_t element_bytes(cudaArray_const_t a, unsigned *es)
{
    struct cushim_array_info info;
    if (cushim_array_lookup(a, &info) != 0)
        return cudaErrorInvalidValue;
    *es = mu_format_bytes(&info.format);
    return cudaSuccess;
}

/* One side of a 3-D copy: an array region or a pitched pointer. */
static cudaError_t side_3d(cudaArray_const_t array, const struct cudaPitchedPtr *ptr,
                           struct cudaPos pos, unsigned es, size_t width_bytes,
                           const struct cudaExtent *e, struct region *out)
{
    if (array != NULL) {
        size_t x;
        if (__builtin_mul_overflow(pos.x, (size_t)es, &x))
            return cudaErrorInvalidValue;
        return array_region(array, x, pos.y, pos.z, width_bytes, e->height, e->depth, out);
    }
    if (e->depth > 1 && e->height > ptr->ysize)
        return cudaErrorInvalidValue;
    out->ptr = (char *)ptr->ptr + pos.z * ptr->pitch * ptr->ysize + pos.y * ptr->pitch + pos.x;
    out->pitch = ptr->pitch;
    out->rows = ptr->ysize;
    return cudaSuccess;
}

cudaError_t cushim_copy_from_3d_arrays(const struct cudaMemcpy3DParms *p, struct cushim_copy *c)
{
    /* one source and one destination: an array and a pointer on the same side are two */
    if ((p->srcArray != NULL && p->srcPtr.ptr != NULL) ||
        (p->dstArray != NULL && p->dstPtr.ptr != NULL))
        return cudaErrorInvalidValue;
    if (bad_kind(p->kind))
        return cudaErrorInvalidMemcpyDirection;
    unsigned src_es = 0, dst_es = 0;
    cudaError_t error = cudaSuccess;
    if (p->srcArray != NULL)
        error = element_bytes(p->srcArray, &src_es);
    if (error == cudaSuccess && p->dstArray != NULL)
        error = element_bytes(p->dstArray, &dst_es);
    if (error != cudaSuccess)
        return error;
    if (src_es != 0 && dst_es != 0 && src_es != dst_es)
        return cudaErrorInvalidValue; /* NVIDIA requires equal element sizes */
    unsigned es = src_es != 0 ? src_es : dst_es;
    size_t width_bytes;
    if (__builtin_mul_overflow(p->extent.width, (size_t)es, &width_bytes))
        return cudaErrorInvalidValue;
    struct region s, d;
    error = side_3d(p->srcArray, &p->srcPtr, p->srcPos, es, width_bytes, &p->extent, &s);
    if (error == cudaSuccess)
        error = side_3d(p->dstArray, &p->dstPtr, p->dstPos, es, width_bytes, &p->extent, &d);
    if (error != cudaSuccess)
        return error;
    enum cudaMemcpyKind kind = p->kind;
    if (p->srcArray != NULL && p->dstArray != NULL)
        kind = between_arrays_kind(kind);
    else if (p->dstArray != NULL)
        kind = to_array_kind(kind);
    else
        kind = from_array_kind(kind);
    *c = (struct cushim_copy){d.ptr,       s.ptr,           d.pitch,        d.rows,
                              s.pitch,     s.rows,          width_bytes,    p->extent.height,
                              p->extent.depth, kind};
    return cudaSuccess;
}
