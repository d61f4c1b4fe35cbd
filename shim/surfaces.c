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
    const struct mu_driver *driver;
    int device;
    cudaError_t error = cushim_begin(&driver, &device);
    if (error != cudaSuccess)
        return error;
    struct mu_texture t;
    error = cushim_resource_resolve(pResDesc, NULL, CUSHIM_FOR_SURFACE, &t, &device);
    if (error != cudaSuccess)
        return error;
    struct cushim_image_desc desc = {.res = *pResDesc};
    uint64_t handle;
    error = cushim_image_create(driver, CUSHIM_FOR_SURFACE, &t, device, &desc, &handle);
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
