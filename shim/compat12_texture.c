/*
 * compat12_texture.c - CUDA 12's resource descriptors for libcudart.so.12's texture and surface
 * object calls.
 *
 * CUDA 12's cudaResourceDesc and cudaResourceViewDesc are the start of CUDA 13's (CUDA 13
 * appended cudaResourceDesc.flags and reserved space): a CUDA 12 caller's descriptor is copied
 * into a zeroed CUDA 13 one, so CUDA 13 never reads past the caller's struct and finds its new
 * fields at their defaults, and answers are copied back only as far as the caller's struct goes.
 */
#include <string.h>

#include "api.h"
#include "api12.h"

static const struct cudaResourceDesc *resource_in(struct cudaResourceDesc *whole,
                                                  const struct cudaResourceDesc *caller)
{
    if (caller == NULL)
        return NULL;
    memset(whole, 0, sizeof *whole);
    memcpy(whole, caller, CUSHIM_CUDA12_SIZEOF_cudaResourceDesc);
    return whole;
}

static const struct cudaResourceViewDesc *view_in(struct cudaResourceViewDesc *whole,
                                                  const struct cudaResourceViewDesc *caller)
{
    if (caller == NULL)
        return NULL;
    memset(whole, 0, sizeof *whole);
    memcpy(whole, caller, CUSHIM_CUDA12_SIZEOF_cudaResourceViewDesc);
    return whole;
}

cudaError_t compat12_cudaCreateTextureObject(cudaTextureObject_t *pTexObject,
                                             const struct cudaResourceDesc *pResDesc,
                                             const struct cudaTextureDesc *pTexDesc,
                                             const struct cudaResourceViewDesc *pResViewDesc)
{
    struct cudaResourceDesc resource;
    struct cudaResourceViewDesc view;
    return cushim_impl_table.cudaCreateTextureObject(pTexObject, resource_in(&resource, pResDesc),
                                                     pTexDesc, view_in(&view, pResViewDesc));
}

cudaError_t compat12_cudaCreateSurfaceObject(cudaSurfaceObject_t *pSurfObject,
                                             const struct cudaResourceDesc *pResDesc)
{
    struct cudaResourceDesc resource;
    return cushim_impl_table.cudaCreateSurfaceObject(pSurfObject,
                                                     resource_in(&resource, pResDesc));
}

cudaError_t compat12_cudaGetTextureObjectResourceDesc(struct cudaResourceDesc *pResDesc,
                                                      cudaTextureObject_t texObject)
{
    if (pResDesc == NULL)
        return cushim_impl_table.cudaGetTextureObjectResourceDesc(NULL, texObject);
    struct cudaResourceDesc whole;
    memset(&whole, 0, sizeof whole);
    cudaError_t error = cushim_impl_table.cudaGetTextureObjectResourceDesc(&whole, texObject);
    if (error == cudaSuccess)
        memcpy(pResDesc, &whole, CUSHIM_CUDA12_SIZEOF_cudaResourceDesc);
    return error;
}

cudaError_t compat12_cudaGetTextureObjectResourceViewDesc(
    struct cudaResourceViewDesc *pResViewDesc, cudaTextureObject_t texObject)
{
    if (pResViewDesc == NULL)
        return cushim_impl_table.cudaGetTextureObjectResourceViewDesc(NULL, texObject);
    struct cudaResourceViewDesc whole;
    memset(&whole, 0, sizeof whole);
    cudaError_t error = cushim_impl_table.cudaGetTextureObjectResourceViewDesc(&whole, texObject);
    if (error == cudaSuccess)
        memcpy(pResViewDesc, &whole, CUSHIM_CUDA12_SIZEOF_cudaResourceViewDesc);
    return error;
}

cudaError_t compat12_cudaGetSurfaceObjectResourceDesc(struct cudaResourceDesc *pResDesc,
                                                      cudaSurfaceObject_t surfObject)
{
    if (pResDesc == NULL)
        return cushim_impl_table.cudaGetSurfaceObjectResourceDesc(NULL, surfObject);
    struct cudaResourceDesc whole;
    memset(&whole, 0, sizeof whole);
    cudaError_t error = cushim_impl_table.cudaGetSurfaceObjectResourceDesc(&whole, surfObject);
    if (error == cudaSuccess)
        memcpy(pResDesc, &whole, CUSHIM_CUDA12_SIZEOF_cudaResourceDesc);
    return error;
}
