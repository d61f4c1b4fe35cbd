/*
 * surfaces.c - surface objects: cudaCreateSurfaceObject, cudaDestroySurfaceObject,
 * cudaGetSurfaceObjectResourceDesc.
 *
 * A surface reads and writes a CUDA array made with cudaArraySurfaceLoadStore (resources.c
 * checks that); image_objects.c keeps the record of each.
 */
#include "api.h"
#include "device.h"
#include "image_objects.h"

cudaError_t impl_cudaCreateSurfaceObject(cudaSurfaceObject_t *pSurfObject,
                                         const struct cudaResourceDesc *pResDesc)
{
    if (pSurfObject == NULL || pResDesc == NULL)
        return cudaErrorInvalidValue;
    struct cushim_image_desc desc = {.res = *pResDesc};
    uint64_t handle;
    cudaError_t error = cushim_image_make(CUSHIM_FOR_SURFACE, &desc, NULL, &handle);
    if (error == cudaSuccess)
        *pSurfObject = (cudaSurfaceObject_t)handle;
    return error;
}

cudaError_t impl_cudaDestroySurfaceObject(cudaSurfaceObject_t surfObject)
{
    return cushim_image_destroy(CUSHIM_FOR_SURFACE, surfObject);
}

cudaError_t impl_cudaGetSurfaceObjectResourceDesc(struct cudaResourceDesc *pResDesc,
                                                  cudaSurfaceObject_t surfObject)
{
    struct cushim_image_desc desc;
    if (pResDesc == NULL || cushim_image_lookup(CUSHIM_FOR_SURFACE, surfObject, &desc) != cudaSuccess)
        return cudaErrorInvalidValue;
    *pResDesc = desc.res;
    return cudaSuccess;
}
