/*
 * array_shape.c - which shapes a CUDA array may have on a device: the table of
 * cudaMalloc3DArray's documentation (1-D, 2-D, 3-D, layered, cubemap, cubemap layered, with the
 * tighter limits of surface load/store and texture gather), checked against the device's
 * attributes, and the storage dimensions each shape has.
 */
#include "array_shape.h"

#include "device.h"

/* The flags an array may be allocated with. */
#define KNOWN_ARRAY_FLAGS                                                                        \
    (cudaArrayLayered | cudaArraySurfaceLoadStore | cudaArrayCubemap | cudaArrayTextureGather |  \
     cudaArrayColorAttachment | cudaArraySparse | cudaArrayDeferredMapping)

static int within(size_t value, int device, enum cudaDeviceAttr limit)
{
    int max = cushim_device_attribute(device, limit);
    return value >= 1 && max > 0 && value <= (size_t)max;
}

/* One row of the table: the attributes bounding width, height and depth (0: must be 0). */
struct limits {
    enum cudaDeviceAttr w, h, d;
};

static int fits(struct cudaExtent e, int device, const struct limits *l)
{
    return within(e.width, device, l->w) &&
           (l->h ? within(e.height, device, l->h) : e.height == 0) &&
           (l->d ? within(e.depth, device, l->d) : e.depth == 0);
}

cudaError_t cushim_array_shape(int device, struct cudaExtent e, unsigned flags, int mipmapped,
                               struct cushim_array_shape *out)
{
    if ((flags & ~(unsigned)KNOWN_ARRAY_FLAGS) != 0)
        return cudaErrorInvalidValue;
    /* Without physical backing there is nothing to sample: such arrays need cuMemMapArrayAsync,
     * which this runtime does not have. */
    if (flags & (cudaArraySparse | cudaArrayDeferredMapping))
        return cudaErrorNotSupported;
    int layered = (flags & cudaArrayLayered) != 0, cube = (flags & cudaArrayCubemap) != 0;
    int surface = (flags & cudaArraySurfaceLoadStore) != 0;
    if (e.width == 0 || (e.height == 0 && e.depth != 0 && !layered))
        return cudaErrorInvalidValue;
    struct limits tex, surf = {0, 0, 0};
    if (cube) {
        if (e.height != e.width || e.depth == 0 || e.depth % 6 != 0 || (!layered && e.depth != 6))
            return cudaErrorInvalidValue;
        if (layered) {
            tex = (struct limits){cudaDevAttrMaxTextureCubemapLayeredWidth,
                                  cudaDevAttrMaxTextureCubemapLayeredWidth,
                                  cudaDevAttrMaxTextureCubemapLayeredLayers};
            surf = (struct limits){cudaDevAttrMaxSurfaceCubemapLayeredWidth,
                                   cudaDevAttrMaxSurfaceCubemapLayeredWidth,
                                   cudaDevAttrMaxSurfaceCubemapLayeredLayers};
        } else {
            tex = (struct limits){cudaDevAttrMaxTextureCubemapWidth,
                                  cudaDevAttrMaxTextureCubemapWidth, 0};
            surf = (struct limits){cudaDevAttrMaxSurfaceCubemapWidth,
                                   cudaDevAttrMaxSurfaceCubemapWidth, 0};
            e.depth = 0; /* six faces: checked above */
        }
    } else if (layered) {
        if (e.depth == 0)
            return cudaErrorInvalidValue;
        if (e.height == 0) {
            tex = (struct limits){cudaDevAttrMaxTexture1DLayeredWidth, 0,
                                  cudaDevAttrMaxTexture1DLayeredLayers};
            surf = (struct limits){cudaDevAttrMaxSurface1DLayeredWidth, 0,
                                   cudaDevAttrMaxSurface1DLayeredLayers};
        } else {
            tex = (struct limits){cudaDevAttrMaxTexture2DLayeredWidth,
                                  cudaDevAttrMaxTexture2DLayeredHeight,
                                  cudaDevAttrMaxTexture2DLayeredLayers};
            surf = (struct limits){cudaDevAttrMaxSurface2DLayeredWidth,
                                   cudaDevAttrMaxSurface2DLayeredHeight,
                                   cudaDevAttrMaxSurface2DLayeredLayers};
        }
    } else if (e.height == 0) {
        tex = (struct limits){mipmapped ? cudaDevAttrMaxTexture1DMipmappedWidth
                                        : cudaDevAttrMaxTexture1DWidth, 0, 0};
        surf = (struct limits){cudaDevAttrMaxSurface1DWidth, 0, 0};
    } else if (e.depth == 0) {
        if (flags & cudaArrayTextureGather)
            tex = (struct limits){cudaDevAttrMaxTexture2DGatherWidth,
                                  cudaDevAttrMaxTexture2DGatherHeight, 0};
        else if (mipmapped)
            tex = (struct limits){cudaDevAttrMaxTexture2DMipmappedWidth,
                                  cudaDevAttrMaxTexture2DMipmappedHeight, 0};
        else
            tex = (struct limits){cudaDevAttrMaxTexture2DWidth, cudaDevAttrMaxTexture2DHeight, 0};
        surf = (struct limits){cudaDevAttrMaxSurface2DWidth, cudaDevAttrMaxSurface2DHeight, 0};
    } else {
        static const struct limits alt = {cudaDevAttrMaxTexture3DWidthAlt,
                                          cudaDevAttrMaxTexture3DHeightAlt,
                                          cudaDevAttrMaxTexture3DDepthAlt};
        tex = (struct limits){cudaDevAttrMaxTexture3DWidth, cudaDevAttrMaxTexture3DHeight,
                              cudaDevAttrMaxTexture3DDepth};
        surf = (struct limits){cudaDevAttrMaxSurface3DWidth, cudaDevAttrMaxSurface3DHeight,
                               cudaDevAttrMaxSurface3DDepth};
        if (!fits(e, device, &tex) && fits(e, device, &alt))
            tex = alt;
    }
    /* texture gather is for 2-D arrays only */
    if ((flags & cudaArrayTextureGather) && (e.height == 0 || e.depth != 0 || layered || cube))
        return cudaErrorInvalidValue;
    if (!fits(e, device, &tex) || (surface && !fits(e, device, &surf)))
        return cudaErrorInvalidValue;
    out->dims = cushim_array_dims(e, flags);
    out->width = (uint32_t)e.width;
    out->height = e.height ? (uint32_t)e.height : 1;
    out->depth = cube && !layered ? 6 : (e.depth ? (uint32_t)e.depth : 1);
    out->depth_is_layers = layered || cube;
    return cudaSuccess;
}

unsigned cushim_array_max_levels(const struct cushim_array_shape *s)
{
    uint32_t largest = s->width;
    if (s->dims >= 2 && s->height > largest)
        largest = s->height;
    if (s->dims == 3 && !s->depth_is_layers && s->depth > largest)
        largest = s->depth;
    unsigned levels = 1;
    while (largest > 1) {
        largest /= 2;
        levels++;
    }
    return levels;
}
