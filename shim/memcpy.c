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
 */
#include <stdint.h>
#include <string.h>

#include "api.h"
#include "device.h"
#include "memcpy.h"
#include "memory_map.h"
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

cudaError_t cushim_copy(const struct cushim_copy *c, cudaStream_t stream, int async)
{
    if ((unsigned)c->kind > cudaMemcpyDefault)
        return cudaErrorInvalidMemcpyDirection;
    if (c->width > c->dst_pitch || c->width > c->src_pitch)
        return cudaErrorInvalidPitchValue;
    struct cushim_stream_ref ref;
    cudaError_t error = cushim_stream_resolve(stream, &ref);
    if (error != cudaSuccess)
        return error;
    size_t dst_span, src_span;
    if (touched_span(c->dst_pitch, c->dst_height, c->width, c->height, c->depth, &dst_span) ||
        touched_span(c->src_pitch, c->src_height, c->width, c->height, c->depth, &src_span))
        return cudaErrorInvalidValue;
    if (dst_span == 0)
        return cudaSuccess;
    enum side dst_side, src_side;
    error = check_side(c->dst, dst_span, device_side(c->kind, 1), &dst_side);
    if (error == cudaSuccess)
        error = check_side(c->src, src_span, device_side(c->kind, 0), &src_side);
    if (error != cudaSuccess)
        return error;
    enum cudaMemcpyKind kind = c->kind;
    if (kind == cudaMemcpyDefault) {
        int to_device = dst_side == SIDE_DEVICE, from_device = src_side == SIDE_DEVICE;
        kind = to_device ? (from_device ? cudaMemcpyDeviceToDevice : cudaMemcpyHostToDevice)
                         : (from_device ? cudaMemcpyDeviceToHost : cudaMemcpyHostToHost);
    }
    struct mu_copy3d copy = {
        .kind = kind,
        .dst = c->dst,
        .src = c->src,
        .dst_pitch = c->dst_pitch,
        .dst_height = c->dst_height,
        .src_pitch = c->src_pitch,
        .src_height = c->src_height,
        .width_bytes = c->width,
        .height = c->height,
        .depth = c->depth,
    };
    unsigned flags = 0;
    if (!async || dst_side == SIDE_PAGEABLE || src_side == SIDE_PAGEABLE)
        flags |= MU_OP_SYNC;
    return cushim_from_mu(cushim_backend(NULL)->muMemcpy3D(&copy, ref.stream, flags));
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

static cudaError_t copy_3d(const struct cudaMemcpy3DParms *p, cudaStream_t stream, int async)
{
    if (p == NULL)
        return cudaErrorInvalidValue;
    if (p->srcArray != NULL || p->dstArray != NULL)
        return cushim_copy_3d_arrays(p, stream, async);
    const struct cudaPitchedPtr *s = &p->srcPtr, *d = &p->dstPtr;
    /* For linear memory the x position and the width are in bytes. */
    struct cushim_copy c = {
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
    if (c.depth > 1 && (c.height > d->ysize || c.height > s->ysize))
        return cudaErrorInvalidValue;
    return cushim_copy(&c, stream, async);
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

/* Fills: the destination must be device-accessible memory, wholly inside one range. */
static cudaError_t fill(void *dst, size_t pitch, size_t height_per_slice, int value,
                        size_t width, size_t height, size_t depth, cudaStream_t stream,
                        int async)
{
    if (width > pitch)
        return cudaErrorInvalidPitchValue;
    struct cushim_stream_ref ref;
    cudaError_t error = cushim_stream_resolve(stream, &ref);
    if (error != cudaSuccess)
        return error;
    size_t span;
    if (touched_span(pitch, height_per_slice, width, height, depth, &span))
        return cudaErrorInvalidValue;
    if (span == 0)
        return cudaSuccess;
    enum side side;
    error = check_side(dst, span, 1, &side);
    if (error != cudaSuccess)
        return error;
    return cushim_from_mu(cushim_backend(NULL)->muMemset3D(
        (MUdeviceptr)(uintptr_t)dst, pitch, height_per_slice, value, width, height, depth,
        ref.stream, async ? 0 : MU_OP_SYNC));
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
