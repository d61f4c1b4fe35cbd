/*
 * textures.c - texture objects: cudaCreateTextureObject, cudaDestroyTextureObject and the
 * queries that give back the descriptors a texture was made from.
 *
 * The resource is resolved by resources.c, the sampling state (address, filter and read modes,
 * coordinates, border colour, mipmap controls) checked here, and the backend keeps the whole
 * description under a handle of its own, which is the handle the program gets;
 * image_objects.c keeps the descriptors as the program wrote them for the queries.
 */
#include "api.h"
#include "channel.h"
#include "device.h"
#include "image_objects.h"



/* The sampler NVIDIA's texture descriptor asks for, checked. */
static cudaError_t sampler(const struct cudaTextureDesc *d, struct mu_texture *t)
{
    struct mu_sampler *s = &t->sampler;
    for (int i = 0; i < 3; i++)
        if ((unsigned)d->addressMode[i] > cudaAddressModeBorder)
            return cudaErrorInvalidValue;
    if ((unsigned)d->filterMode > cudaFilterModeLinear ||
        (unsigned)d->mipmapFilterMode > cudaFilterModeLinear ||
        (unsigned)d->readMode > cudaReadModeNormalizedFloat)
        return cudaErrorInvalidValue;
    /* a mipmapped array is sampled with normalized coordinates only */
    if (t->levels > 1 && !d->normalizedCoords)
        return cudaErrorInvalidValue;
    if (d->seamlessCubemap && !t->cubemap)
        return cudaErrorInvalidValue;
    *s = (struct mu_sampler){0};
    for (int i = 0; i < 3; i++) {
        s->address[i] = (uint8_t)d->addressMode[i];
        /* "wrap and mirror are only supported with normalized coordinates and are switched
         * to clamp otherwise"; a cubemap always clamps at the edges of its faces */
        if ((!d->normalizedCoords && s->address[i] != cudaAddressModeBorder) || t->cubemap)
            s->address[i] = cudaAddressModeClamp;
    }
    s->filter = (uint8_t)d->filterMode;
    s->read_normalized = d->readMode == cudaReadModeNormalizedFloat;
    s->normalized_coords = d->normalizedCoords != 0;
    s->srgb = d->sRGB != 0;
    s->mip_filter = (uint8_t)d->mipmapFilterMode;
    s->max_anisotropy = d->maxAnisotropy < 1 ? 1 : d->maxAnisotropy > 16 ? 16 : d->maxAnisotropy;
    for (int i = 0; i < 4; i++)
        s->border[i] = d->borderColor[i];
    s->lod_bias = d->mipmapLevelBias;
    s->min_lod = d->minMipmapLevelClamp;
    s->max_lod = d->maxMipmapLevelClamp;
    return cudaSuccess;
}

cudaError_t impl_cudaCreateTextureObject(cudaTextureObject_t *pTexObject,
                                         const struct cudaResourceDesc *pResDesc,
                                         const struct cudaTextureDesc *pTexDesc,
                                         const struct cudaResourceViewDesc *pResViewDesc)
{
    if (pTexObject == NULL || pResDesc == NULL || pTexDesc == NULL)
        return cudaErrorInvalidValue;
    struct cushim_image_desc desc = {.res = *pResDesc, .tex = *pTexDesc};
    if ((desc.has_view = pResViewDesc != NULL))
        desc.view = *pResViewDesc;
    uint64_t handle;
    cudaError_t error = cushim_image_make(CUSHIM_FOR_TEXTURE, &desc, sampler, &handle);
    if (error == cudaSuccess)
        *pTexObject = (cudaTextureObject_t)handle;
    return error;
}

cudaError_t impl_cudaDestroyTextureObject(cudaTextureObject_t texObject)
{
    return cushim_image_destroy(CUSHIM_FOR_TEXTURE, texObject);
}

cudaError_t impl_cudaGetTextureObjectResourceDesc(struct cudaResourceDesc *pResDesc,
                                                  cudaTextureObject_t texObject)
{
    struct cushim_image_desc d;
    if (pResDesc == NULL || cushim_image_lookup(CUSHIM_FOR_TEXTURE, texObject, &d) != cudaSuccess)
        return cudaErrorInvalidValue;
    *pResDesc = d.res;
    return cudaSuccess;
}

cudaError_t impl_cudaGetTextureObjectTextureDesc(struct cudaTextureDesc *pTexDesc,
                                                 cudaTextureObject_t texObject)
{
    struct cushim_image_desc d;
    if (pTexDesc == NULL || cushim_image_lookup(CUSHIM_FOR_TEXTURE, texObject, &d) != cudaSuccess)
        return cudaErrorInvalidValue;
    *pTexDesc = d.tex;
    return cudaSuccess;
}

cudaError_t impl_cudaGetTextureObjectResourceViewDesc(struct cudaResourceViewDesc *pResViewDesc,
                                                      cudaTextureObject_t texObject)
{
    struct cushim_image_desc d;
    /* "If no resource view was specified, cudaErrorInvalidValue is returned." */
    if (pResViewDesc == NULL || cushim_image_lookup(CUSHIM_FOR_TEXTURE, texObject, &d) != cudaSuccess ||
        !d.has_view)
        return cudaErrorInvalidValue;
    *pResViewDesc = d.view;
    return cudaSuccess;
}

cudaError_t impl_cudaDeviceGetTexture1DLinearMaxWidth(size_t *maxWidthInElements,
                                                      const struct cudaChannelFormatDesc *fmtDesc,
                                                      int device)
{
    const struct mu_driver *driver;
    cudaError_t error = cushim_begin_device(&driver, device);
    if (error != cudaSuccess)
        return error;
    struct mu_format format;
    if (maxWidthInElements == NULL || fmtDesc == NULL)
        return cudaErrorInvalidValue;
    if ((error = cushim_channel_format(fmtDesc, &format)) != cudaSuccess)
        return error == cudaErrorNotSupported ? error : cudaErrorInvalidValue;
    *maxWidthInElements = (size_t)cushim_device_attribute(device,
                                                          cudaDevAttrMaxTexture1DLinearWidth);
    return cudaSuccess;
}
