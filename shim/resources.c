/*
 * resources.c - what a texture or surface object reads: a CUDA array, a mipmapped array, linear
 * memory or pitched 2-D memory, checked as cudaCreateTextureObject documents and described as
 * the backend's struct mu_texture (every level's address and layout, the element format, the
 * dimensions, and the allocation that must stay alive while the object is used).
 */
#include "resources.h"

#include "arrays.h"
#include "channel.h"
#include "device.h"
#include "memory_map.h"

static int aligned(uint64_t value, int alignment)
{
    return alignment <= 0 || value % (uint64_t)alignment == 0;
}

static int within_limit(size_t value, int device, enum cudaDeviceAttr limit)
{
    int max = cushim_device_attribute(device, limit);
    return value >= 1 && max > 0 && value <= (size_t)max;
}

/* [ptr, ptr + bytes) must lie in one known allocation; *device becomes its device (host
 * memory keeps the caller's). */
static cudaError_t linear_span(const void *ptr, size_t bytes, int *device)
{
    struct cushim_range r;
    if (ptr == NULL || bytes == 0 || cushim_memory_find_span((uintptr_t)ptr, bytes, &r) != 0)
        return cudaErrorInvalidValue;
    if (r.device >= 0 && r.kind != CUSHIM_MEM_HOST && r.kind != CUSHIM_MEM_REGISTERED)
        *device = r.device;
    return cudaSuccess;
}

static cudaError_t from_linear(const struct cudaResourceDesc *res, struct mu_texture *t,
                               int *device)
{
    cudaError_t error = cushim_channel_format(&res->res.linear.desc, &t->format);
    if (error != cudaSuccess)
        return error;
    uint64_t ptr = (uint64_t)(uintptr_t)res->res.linear.devPtr;
    size_t es = mu_format_bytes(&t->format), elements = res->res.linear.sizeInBytes / es;
    if (!aligned(ptr, cushim_device_attribute(*device, cudaDevAttrTextureAlignment)) ||
        !within_limit(elements, *device, cudaDevAttrMaxTexture1DLinearWidth))
        return cudaErrorInvalidValue;
    if ((error = linear_span(res->res.linear.devPtr, elements * es, device)) != cudaSuccess)
        return error;
    t->resource = MU_RESOURCE_LINEAR;
    t->dims = 1;
    t->levels = 1;
    t->level[0] = (struct mu_level){ptr, (uint32_t)elements, 1, 1, elements * es, elements * es};
    t->span_base = ptr;
    t->span_bytes = elements * es;
    return cudaSuccess;
}

static cudaError_t from_pitch2d(const struct cudaResourceDesc *res, struct mu_texture *t,
                                int *device)
{
    cudaError_t error = cushim_channel_format(&res->res.pitch2D.desc, &t->format);
    if (error != cudaSuccess)
        return error;
    uint64_t ptr = (uint64_t)(uintptr_t)res->res.pitch2D.devPtr;
    size_t w = res->res.pitch2D.width, h = res->res.pitch2D.height;
    size_t pitch = res->res.pitch2D.pitchInBytes, es = mu_format_bytes(&t->format), row;
    if (!aligned(ptr, cushim_device_attribute(*device, cudaDevAttrTextureAlignment)) ||
        !aligned(pitch, cushim_device_attribute(*device, cudaDevAttrTexturePitchAlignment)) ||
        !within_limit(w, *device, cudaDevAttrMaxTexture2DLinearWidth) ||
        !within_limit(h, *device, cudaDevAttrMaxTexture2DLinearHeight) ||
        !within_limit(pitch, *device, cudaDevAttrMaxTexture2DLinearPitch) ||
        __builtin_mul_overflow(w, es, &row) || row > pitch)
        return cudaErrorInvalidValue;
    size_t bytes = pitch * (h - 1) + row; /* no overflow: both are bounded by the limits */
    if ((error = linear_span(res->res.pitch2D.devPtr, bytes, device)) != cudaSuccess)
        return error;
    t->resource = MU_RESOURCE_PITCH2D;
    t->dims = 2;
    t->levels = 1;
    t->level[0] = (struct mu_level){ptr, (uint32_t)w, (uint32_t)h, 1, pitch, pitch * h};
    t->span_base = ptr;
    t->span_bytes = bytes;
    return cudaSuccess;
}

/* What arrays and mipmapped arrays have in common. */
struct formatted {
    struct mu_format format;
    struct cudaExtent extent;
    unsigned flags;
    int device;
    unsigned levels;
    const struct mu_level *level;
    uint64_t span_base, span_bytes;
};

/* Apply a view: another element format of the same size, a range of levels, a range of
 * layers. */
static cudaError_t apply_view(const struct cudaResourceViewDesc *v, const struct formatted *f,
                              struct mu_texture *t)
{
    if (v->format != cudaResViewFormatNone) {
        struct mu_format format;
        unsigned bytes = cushim_view_format(v->format, &format);
        if (bytes == 0)
            return v->format <= cudaResViewFormatUnsignedBlockCompressed7 ? cudaErrorNotSupported
                                                                          : cudaErrorInvalidValue;
        if (bytes != mu_format_bytes(&f->format))
            return cudaErrorInvalidValue;
        t->format = format;
    }
    if (v->width != f->extent.width || v->height != f->extent.height ||
        v->depth != f->extent.depth)
        return cudaErrorInvalidValue;
    if (v->firstMipmapLevel > v->lastMipmapLevel || v->lastMipmapLevel >= f->levels)
        return cudaErrorInvalidValue;
    t->levels = v->lastMipmapLevel - v->firstMipmapLevel + 1;
    for (unsigned l = 0; l < t->levels; l++)
        t->level[l] = f->level[v->firstMipmapLevel + l];
    int layered = (f->flags & cudaArrayLayered) != 0;
    if (!layered) {
        if (v->firstLayer != 0 || v->lastLayer != 0)
            return cudaErrorInvalidValue;
        return cudaSuccess;
    }
    /* a layer of a layered cubemap is a whole cube of six faces */
    unsigned per_layer = (f->flags & cudaArrayCubemap) ? 6 : 1;
    uint32_t layers = f->level[0].depth / per_layer;
    if (v->firstLayer > v->lastLayer || v->lastLayer >= layers)
        return cudaErrorInvalidValue;
    for (unsigned l = 0; l < t->levels; l++) {
        t->level[l].base += (uint64_t)v->firstLayer * per_layer * t->level[l].slice;
        t->level[l].depth = (v->lastLayer - v->firstLayer + 1) * per_layer;
    }
    return cudaSuccess;
}

static cudaError_t from_formatted(const struct formatted *f,
                                  const struct cudaResourceViewDesc *view, struct mu_texture *t,
                                  int *device)
{
    t->resource = MU_RESOURCE_ARRAY;
    t->format = f->format;
    t->dims = (uint8_t)cushim_array_dims(f->extent, f->flags);
    t->layered = (f->flags & cudaArrayLayered) != 0;
    t->cubemap = (f->flags & cudaArrayCubemap) != 0;
    t->span_base = f->span_base;
    t->span_bytes = f->span_bytes;
    *device = f->device;
    if (view != NULL)
        return apply_view(view, f, t);
    t->levels = f->levels;
    for (unsigned l = 0; l < f->levels; l++)
        t->level[l] = f->level[l];
    return cudaSuccess;
}

cudaError_t cushim_resource_resolve(const struct cudaResourceDesc *res,
                                    const struct cudaResourceViewDesc *view,
                                    enum cushim_resource_use use, struct mu_texture *out,
                                    int *device)
{
    if (res == NULL)
        return cudaErrorInvalidValue;
    *out = (struct mu_texture){0};
    if (view != NULL && res->resType != cudaResourceTypeArray &&
        res->resType != cudaResourceTypeMipmappedArray)
        return cudaErrorInvalidValue; /* views are of arrays only */
    if (use == CUSHIM_FOR_SURFACE && res->resType != cudaResourceTypeArray)
        return cudaErrorInvalidValue;
    switch (res->resType) {
    case cudaResourceTypeArray: {
        struct cushim_array_info a;
        if (cushim_array_lookup(res->res.array.array, &a) != 0)
            return cudaErrorInvalidValue;
        if (use == CUSHIM_FOR_SURFACE && !(a.flags & cudaArraySurfaceLoadStore))
            return cudaErrorInvalidValue;
        struct formatted f = {a.format, a.extent, a.flags, a.device, 1, &a.level,
                              a.span_base, a.span_bytes};
        return from_formatted(&f, view, out, device);
    }
    case cudaResourceTypeMipmappedArray: {
        struct cushim_mipmap_info m;
        if (cushim_mipmap_lookup(res->res.mipmap.mipmap, &m) != 0)
            return cudaErrorInvalidValue;
        struct formatted f = {m.format, m.extent,     m.flags,     m.device, m.levels,
                              m.level,  m.span_base, m.span_bytes};
        return from_formatted(&f, view, out, device);
    }
    case cudaResourceTypeLinear:
        return from_linear(res, out, device);
    case cudaResourceTypePitch2D:
        return from_pitch2d(res, out, device);
    default:
        return cudaErrorInvalidValue;
    }
}
