/*
 * memcpy.c - copies and fills between linear memory: cudaMemcpy/2D/3D/Peer and their async
 * forms, cudaMemset/2D/3D and theirs.
 *
 * Before anything reaches the backend, each side of a copy is checked against the memory map:
 * a side that must be device-accessible has to lie wholly inside one live range, and a side
 * inside a known range must not run past its end.  A foreign, freed or out-of-range pointer is
 * cudaErrorInvalidValue and nothing is copied.  cudaMemcpyDefault takes its direction from the
 * map (unified addressing).  Copies to or from pageable host memory complete before the call
 * returns, even in the async forms, as NVIDIA documents, so the caller may reuse the buffer.
 * What passes the checks is described as a stream operation (stream_ops.h) and enqueued, so a
 * capturing stream records it instead; graph copy and fill nodes are checked by the same
 * cushim_copy_prepare and cushim_fill_prepare.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "device.h"
#include "memcpy.h"
#include "memory_map.h"
#include "stream_ops.h"
#include "streams.h"

/* Where one side of a copy lives, once checked. */
enum side { SIDE_PAGEABLE, SIDE_PINNED, SIDE_DEVICE };

static enum side classify(const struct cushim_range *r)
{
    return (r->kind == CUSHIM_MEM_HOST || r->kind == CUSHIM_MEM_REGISTERED) ? SIDE_PINNED
                                                                             : SIDE_DEVICE;
}

/* Check [ptr, ptr+span): device-accessible when must_be_known, else only bounded if known. */
static cudaError_t check_side(const void *ptr, size_t span, int must_be_known, enum side *side)
{
    struct cushim_range r;
    if (cushim_memory_find((uintptr_t)ptr, &r) != 0) {
        if (must_be_known)
            return cudaErrorInvalidValue;
        *side = SIDE_PAGEABLE;
        return ptr == NULL ? cudaErrorInvalidValue : cudaSuccess;
    }
    if (span > r.size - ((uintptr_t)ptr - r.base))
        return cudaErrorInvalidValue;
    *side = classify(&r);
    return cudaSuccess;
}

/* Bytes a pitched region touches from its first byte. */
static int touched_span(size_t pitch, size_t height_per_slice, size_t width, size_t height,
                        size_t depth, size_t *span)
{
    if (width == 0 || height == 0 || depth == 0) {
        *span = 0;
        return 0;
    }
    /* (depth-1)*pitch*height_per_slice + (height-1)*pitch + width, without overflow */
    size_t slice, last;
    if (__builtin_mul_overflow(pitch, height_per_slice, &slice) ||
        __builtin_mul_overflow(slice, depth - 1, &last) ||
        __builtin_mul_overflow(pitch, height - 1, &slice) ||
        __builtin_add_overflow(last, slice, &last) || __builtin_add_overflow(last, width, span))
        return -1;
    return 0;
}

static int device_side(enum cudaMemcpyKind kind, int dst)
{
    switch (kind) {
    case cudaMemcpyHostToDevice:
        return dst;
    case cudaMemcpyDeviceToHost:
        return !dst;
    case cudaMemcpyDeviceToDevice:
        return 1;
    default:
        return 0;
    }
}

cudaError_t cushim_copy_prepare(const struct cushim_copy *c, int device, struct cushim_op *op)
{
    if ((unsigned)c->kind > cudaMemcpyDefault)
        return cudaErrorInvalidMemcpyDirection;
    if (c->width > c->dst_pitch || c->width > c->src_pitch)
        return cudaErrorInvalidPitchValue;
    size_t dst_span, src_span;
    if (touched_span(c->dst_pitch, c->dst_height, c->width, c->height, c->depth, &dst_span) ||
        touched_span(c->src_pitch, c->src_height, c->width, c->height, c->depth, &src_span))
        return cudaErrorInvalidValue;
    enum side dst_side = SIDE_PAGEABLE, src_side = SIDE_PAGEABLE;
    if (dst_span != 0) { /* an empty copy touches nothing, so nothing is checked */
        cudaError_t error = check_side(c->dst, dst_span, device_side(c->kind, 1), &dst_side);
        if (error == cudaSuccess)
            error = check_side(c->src, src_span, device_side(c->kind, 0), &src_side);
        if (error != cudaSuccess)
            return error;
    }
    enum cudaMemcpyKind kind = c->kind;
    if (kind == cudaMemcpyDefault) {
        int to_device = dst_side == SIDE_DEVICE, from_device = src_side == SIDE_DEVICE;
        kind = to_device ? (from_device ? cudaMemcpyDeviceToDevice : cudaMemcpyHostToDevice)
                         : (from_device ? cudaMemcpyDeviceToHost : cudaMemcpyHostToHost);
    }
    *op = (struct cushim_op){
        .kind = cudaGraphNodeTypeMemcpy,
        .copy =
            {
                .params =
                    {
                        .srcPtr = {(void *)c->src, c->src_pitch, c->width, c->src_height},
                        .dstPtr = {c->dst, c->dst_pitch, c->width, c->dst_height},
                        .extent = {c->width, c->height, c->depth},
                        .kind = c->kind,
                    },
                .copy =
                    {
                        .kind = kind,
                        .dst = c->dst,
                        .src = c->src,
                        .dst_pitch = c->dst_pitch,
                        .dst_height = c->dst_height,
                        .src_pitch = c->src_pitch,
                        .src_height = c->src_height,
                        .width_bytes = dst_span != 0 ? c->width : 0,
                        .height = c->height,
                        .depth = c->depth,
                    },
                .pageable = dst_side == SIDE_PAGEABLE || src_side == SIDE_PAGEABLE,
                .device = device,
            },
    };
    return cudaSuccess;
}

cudaError_t cushim_copy(const struct cushim_copy *c, cudaStream_t stream, int async)
{
    struct cushim_stream_ref ref;
    cudaError_t error = cushim_stream_resolve(stream, &ref);
    if (error != cudaSuccess)
        return error;
    struct cushim_op op;
    error = cushim_copy_prepare(c, ref.device, &op);
    if (error != cudaSuccess)
        return error;
    op.sync = !async;
    return cushim_enqueue(&ref, &op);
}

static struct cushim_copy linear(void *dst, const void *src, size_t count,
                                 enum cudaMemcpyKind kind)
{
    return (struct cushim_copy){dst, src, count, 1, count, 1, count, 1, 1, kind};
}

cudaError_t impl_cudaMemcpy(void *dst, const void *src, size_t count, enum cudaMemcpyKind kind)
{
    struct cushim_copy c = linear(dst, src, count, kind);
    return cushim_copy(&c, NULL, 0);
}

cudaError_t impl_cudaMemcpyAsync(void *dst, const void *src, size_t count,
                                 enum cudaMemcpyKind kind, cudaStream_t stream)
{
    struct cushim_copy c = linear(dst, src, count, kind);
    return cushim_copy(&c, stream, 1);
}

static struct cushim_copy pitched(void *dst, size_t dpitch, const void *src, size_t spitch,
                                  size_t width, size_t height, enum cudaMemcpyKind kind)
{
    return (struct cushim_copy){dst, src, dpitch, height, spitch, height, width, height, 1, kind};
}

cudaError_t impl_cudaMemcpy2D(void *dst, size_t dpitch, const void *src, size_t spitch,
                              size_t width, size_t height, enum cudaMemcpyKind kind)
{
    struct cushim_copy c = pitched(dst, dpitch, src, spitch, width, height, kind);
    return cushim_copy(&c, NULL, 0);
}

cudaError_t impl_cudaMemcpy2DAsync(void *dst, size_t dpitch, const void *src, size_t spitch,
                                   size_t width, size_t height, enum cudaMemcpyKind kind,
                                   cudaStream_t stream)
{
    struct cushim_copy c = pitched(dst, dpitch, src, spitch, width, height, kind);
    return cushim_copy(&c, stream, 1);
}

cudaError_t cushim_copy_from_3d(const struct cudaMemcpy3DParms *p, struct cushim_copy *c)
{
    if (p->srcArray != NULL || p->dstArray != NULL)
        return cushim_copy_from_3d_arrays(p, c);
    const struct cudaPitchedPtr *s = &p->srcPtr, *d = &p->dstPtr;
    /* For linear memory the x position and the width are in bytes. */
    *c = (struct cushim_copy){
        .dst = (char *)d->ptr + p->dstPos.z * d->pitch * d->ysize + p->dstPos.y * d->pitch +
               p->dstPos.x,
        .src = (const char *)s->ptr + p->srcPos.z * s->pitch * s->ysize +
               p->srcPos.y * s->pitch + p->srcPos.x,
        .dst_pitch = d->pitch,
        .dst_height = d->ysize,
        .src_pitch = s->pitch,
        .src_height = s->ysize,
        .width = p->extent.width,
        .height = p->extent.height,
        .depth = p->extent.depth,
        .kind = p->kind,
    };
    if (c->depth > 1 && (c->height > d->ysize || c->height > s->ysize))
        return cudaErrorInvalidValue;
    return cudaSuccess;
}

static cudaError_t copy_3d(const struct cudaMemcpy3DParms *p, cudaStream_t stream, int async)
{
    if (p == NULL)
        return cudaErrorInvalidValue;
    struct cushim_copy c;
    cudaError_t error = cushim_copy_from_3d(p, &c);
    return error != cudaSuccess ? error : cushim_copy(&c, stream, async);
}

cudaError_t impl_cudaMemcpy3D(const struct cudaMemcpy3DParms *p)
{
    return copy_3d(p, NULL, 0);
}

cudaError_t impl_cudaMemcpy3DAsync(const struct cudaMemcpy3DParms *p, cudaStream_t stream)
{
    return copy_3d(p, stream, 1);
}

/* Peer copies: all devices share one address space here, so a peer copy is a device copy
 * whose devices only need to exist. */
static cudaError_t check_devices(int a, int b)
{
    const struct mu_driver *driver;
    cudaError_t error = cushim_begin_device(&driver, a);
    return error != cudaSuccess ? error : cushim_begin_device(&driver, b);
}

cudaError_t impl_cudaMemcpyPeer(void *dst, int dstDevice, const void *src, int srcDevice,
                                size_t count)
{
    cudaError_t error = check_devices(dstDevice, srcDevice);
    if (error != cudaSuccess)
        return error;
    struct cushim_copy c = linear(dst, src, count, cudaMemcpyDeviceToDevice);
    return cushim_copy(&c, NULL, 0);
}

cudaError_t impl_cudaMemcpyPeerAsync(void *dst, int dstDevice, const void *src, int srcDevice,
                                     size_t count, cudaStream_t stream)
{
    cudaError_t error = check_devices(dstDevice, srcDevice);
    if (error != cudaSuccess)
        return error;
    struct cushim_copy c = linear(dst, src, count, cudaMemcpyDeviceToDevice);
    return cushim_copy(&c, stream, 1);
}

static cudaError_t copy_3d_peer(const struct cudaMemcpy3DPeerParms *p, cudaStream_t stream,
                                int async)
{
    if (p == NULL)
        return cudaErrorInvalidValue;
    cudaError_t error = check_devices(p->dstDevice, p->srcDevice);
    if (error != cudaSuccess)
        return error;
    struct cudaMemcpy3DParms q = {
        .srcArray = p->srcArray,
        .srcPos = p->srcPos,
        .srcPtr = p->srcPtr,
        .dstArray = p->dstArray,
        .dstPos = p->dstPos,
        .dstPtr = p->dstPtr,
        .extent = p->extent,
        .kind = cudaMemcpyDefault,
    };
    return copy_3d(&q, stream, async);
}

cudaError_t impl_cudaMemcpy3DPeer(const struct cudaMemcpy3DPeerParms *p)
{
    return copy_3d_peer(p, NULL, 0);
}

cudaError_t impl_cudaMemcpy3DPeerAsync(const struct cudaMemcpy3DPeerParms *p,
                                       cudaStream_t stream)
{
    return copy_3d_peer(p, stream, 1);
}

/* Fills: the destination must be device-accessible memory, wholly inside one range.  width
 * counts elements of element_size bytes (1, 2 or 4); the stream API fills bytes. */
#define MAX_PATTERN_BYTES ((size_t)64 << 20)

static int uniform_bytes(unsigned value, unsigned element_size)
{
    for (unsigned i = 1; i < element_size; i++)
        if (((value >> (8 * i)) & 0xffu) != (value & 0xffu))
            return 0;
    return 1;
}

cudaError_t cushim_fill_prepare(void *dst, size_t pitch, size_t height_per_slice,
                                unsigned value, unsigned element_size, size_t width,
                                size_t height, size_t depth, int device, struct cushim_op *op)
{
    if (element_size != 1 && element_size != 2 && element_size != 4)
        return cudaErrorInvalidValue;
    size_t width_bytes;
    if (__builtin_mul_overflow(width, (size_t)element_size, &width_bytes))
        return cudaErrorInvalidValue;
    if (width_bytes > pitch)
        return cudaErrorInvalidPitchValue;
    size_t span;
    if (touched_span(pitch, height_per_slice, width_bytes, height, depth, &span))
        return cudaErrorInvalidValue;
    if (span != 0) {
        enum side side;
        cudaError_t error = check_side(dst, span, 1, &side);
        if (error != cudaSuccess)
            return error;
    }
    *op = (struct cushim_op){
        .kind = cudaGraphNodeTypeMemset,
        .fill =
            {
                .params = {dst, pitch, value, element_size, width, height},
                .height_per_slice = height_per_slice,
                .depth = depth,
                .device = device,
            },
    };
    if (span != 0 && !uniform_bytes(value, element_size)) {
        /* The backend fills bytes: a wider pattern is copied from a host image of the
         * filled region instead. */
        size_t bytes = width_bytes * height * depth;
        if (bytes / height / depth != width_bytes || bytes > MAX_PATTERN_BYTES)
            return cudaErrorNotSupported;
        unsigned char *pattern = malloc(bytes);
        if (pattern == NULL)
            return cudaErrorMemoryAllocation;
        for (size_t i = 0; i < bytes; i += element_size)
            memcpy(pattern + i, &value, element_size); /* little-endian, as the device is */
        op->fill.pattern = pattern;
    }
    return cudaSuccess;
}

static cudaError_t fill(void *dst, size_t pitch, size_t height_per_slice, int value,
                        size_t width, size_t height, size_t depth, cudaStream_t stream,
                        int async)
{
    struct cushim_stream_ref ref;
    cudaError_t error = cushim_stream_resolve(stream, &ref);
    if (error != cudaSuccess)
        return error;
    struct cushim_op op;
    error = cushim_fill_prepare(dst, pitch, height_per_slice, (unsigned char)value, 1, width,
                                height, depth, ref.device, &op);
    if (error != cudaSuccess)
        return error;
    op.sync = !async;
    return cushim_enqueue(&ref, &op);
}

cudaError_t impl_cudaMemset(void *devPtr, int value, size_t count)
{
    return fill(devPtr, count, 1, value, count, 1, 1, NULL, 0);
}

cudaError_t impl_cudaMemsetAsync(void *devPtr, int value, size_t count, cudaStream_t stream)
{
    return fill(devPtr, count, 1, value, count, 1, 1, stream, 1);
}

cudaError_t impl_cudaMemset2D(void *devPtr, size_t pitch, int value, size_t width,
                              size_t height)
{
    return fill(devPtr, pitch, height, value, width, height, 1, NULL, 0);
}

cudaError_t impl_cudaMemset2DAsync(void *devPtr, size_t pitch, int value, size_t width,
                                   size_t height, cudaStream_t stream)
{
    return fill(devPtr, pitch, height, value, width, height, 1, stream, 1);
}

cudaError_t impl_cudaMemset3D(struct cudaPitchedPtr pitchedDevPtr, int value,
                              struct cudaExtent extent)
{
    return fill(pitchedDevPtr.ptr, pitchedDevPtr.pitch, pitchedDevPtr.ysize, value,
                extent.width, extent.height, extent.depth, NULL, 0);
}

cudaError_t impl_cudaMemset3DAsync(struct cudaPitchedPtr pitchedDevPtr, int value,
                                   struct cudaExtent extent, cudaStream_t stream)
{
    return fill(pitchedDevPtr.ptr, pitchedDevPtr.pitch, pitchedDevPtr.ysize, value,
                extent.width, extent.height, extent.depth, stream, 1);
}
