/*
 * textures.c - texture objects: cudaCreateTextureObject, cudaDestroyTextureObject and the
 * queries that give back the descriptors a texture was made from.
 *
 * The resource is resolved by resources.c, the sampling state (address, filter and read modes,
 * coordinates, border colour, mipmap controls) checked here, and the backend keeps the whole
 * description under a handle of its own, which is the handle the program gets.  The runtime
 * keeps a uthash map from that handle to the descriptors as the program wrote them, so the
 * queries answer with exactly those and a destroyed or foreign handle is
 * cudaErrorInvalidValue, never a guess.
 */
#include <pthread.h>
#include <stdlib.h>
#include <uthash.h>

#include "api.h"
#include "channel.h"
#include "device.h"
#include "resources.h"

struct texture_rec {
    uint64_t handle;
    struct cudaResourceDesc res;
    struct cudaTextureDesc tex;
    struct cudaResourceViewDesc view;
    int has_view;
    int device;
    UT_hash_handle hh;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct texture_rec *textures;

/* The sampler NVIDIA's texture descriptor asks for, checked. */
static cudaError_t sampler(const struct cudaTextureDesc *d, const struct mu_texture *t,
                           struct mu_sampler *s)
{
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
    const struct mu_driver *driver;
    int device;
    cudaError_t error = cushim_begin(&driver, &device);
    if (error != cudaSuccess)
        return error;
    struct mu_texture t;
    error = cushim_resource_resolve(pResDesc, pResViewDesc, CUSHIM_FOR_TEXTURE, &t, &device);
    if (error == cudaSuccess)
        error = sampler(pTexDesc, &t, &t.sampler);
    if (error != cudaSuccess)
        return error;
    struct texture_rec *r = calloc(1, sizeof *r);
    if (r == NULL)
        return cudaErrorMemoryAllocation;
    MUresult mu = driver->muTexObjectCreate(&r->handle, &t, device);
    if (mu != MU_SUCCESS) {
        free(r);
        return cushim_from_mu(mu);
    }
    r->res = *pResDesc;
    r->tex = *pTexDesc;
    r->has_view = pResViewDesc != NULL;
    if (r->has_view)
        r->view = *pResViewDesc;
    r->device = device;
    pthread_mutex_lock(&lock);
    HASH_ADD(hh, textures, handle, sizeof r->handle, r);
    pthread_mutex_unlock(&lock);
    *pTexObject = (cudaTextureObject_t)r->handle;
    return cudaSuccess;
}

cudaError_t impl_cudaDestroyTextureObject(cudaTextureObject_t texObject)
{
    const struct mu_driver *driver;
    int device;
    cudaError_t error = cushim_begin(&driver, &device);
    if (error != cudaSuccess)
        return error;
    uint64_t handle = texObject;
    struct texture_rec *r;
    pthread_mutex_lock(&lock);
    HASH_FIND(hh, textures, &handle, sizeof handle, r);
    if (r != NULL)
        HASH_DEL(textures, r);
    pthread_mutex_unlock(&lock);
    if (r == NULL)
        return cudaErrorInvalidValue;
    free(r);
    return cushim_from_mu(driver->muTexObjectDestroy(handle));
}

static int lookup(cudaTextureObject_t texObject, struct texture_rec *out)
{
    uint64_t handle = texObject;
    struct texture_rec *r;
    pthread_mutex_lock(&lock);
    HASH_FIND(hh, textures, &handle, sizeof handle, r);
    if (r != NULL)
        *out = *r;
    pthread_mutex_unlock(&lock);
    return r != NULL ? 0 : -1;
}

cudaError_t impl_cudaGetTextureObjectResourceDesc(struct cudaResourceDesc *pResDesc,
                                                  cudaTextureObject_t texObject)
{
    struct texture_rec r;
    if (pResDesc == NULL || lookup(texObject, &r) != 0)
        return cudaErrorInvalidValue;
    *pResDesc = r.res;
    return cudaSuccess;
}

cudaError_t impl_cudaGetTextureObjectTextureDesc(struct cudaTextureDesc *pTexDesc,
                                                 cudaTextureObject_t texObject)
{
    struct texture_rec r;
    if (pTexDesc == NULL || lookup(texObject, &r) != 0)
        return cudaErrorInvalidValue;
    *pTexDesc = r.tex;
    return cudaSuccess;
}

cudaError_t impl_cudaGetTextureObjectResourceViewDesc(struct cudaResourceViewDesc *pResViewDesc,
                                                      cudaTextureObject_t texObject)
{
    struct texture_rec r;
    /* "If no resource view was specified, cudaErrorInvalidValue is returned." */
    if (pResViewDesc == NULL || lookup(texObject, &r) != 0 || !r.has_view)
        return cudaErrorInvalidValue;
    *pResViewDesc = r.view;
    return cudaSuccess;
}

void cushim_textures_forget_device(int device)
{
    struct texture_rec *r, *tmp;
    pthread_mutex_lock(&lock);
    HASH_ITER(hh, textures, r, tmp)
    {
        if (r->device == device) {
            HASH_DEL(textures, r);
            free(r);
        }
    }
    pthread_mutex_unlock(&lock);
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
