/*
 * surfaces.c - surface objects: cudaCreateSurfaceObject, cudaDestroySurfaceObject,
 * cudaGetSurfaceObjectResourceDesc.
 *
 * A surface reads and writes a CUDA array made with cudaArraySurfaceLoadStore (resources.c
 * checks that).  As for textures, the backend's handle is the program's handle and a uthash map
 * keeps the resource descriptor it was made from; a destroyed or foreign handle is
 * cudaErrorInvalidValue.
 */
#include <pthread.h>
#include <stdlib.h>
#include <uthash.h>

#include "api.h"
#include "device.h"
#include "resources.h"

struct surface_rec {
    uint64_t handle;
    struct cudaResourceDesc res;
    int device;
    UT_hash_handle hh;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct surface_rec *surfaces;

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
    struct surface_rec *r = calloc(1, sizeof *r);
    if (r == NULL)
        return cudaErrorMemoryAllocation;
    MUresult mu = driver->muSurfObjectCreate(&r->handle, &t, device);
    if (mu != MU_SUCCESS) {
        free(r);
        return cushim_from_mu(mu);
    }
    r->res = *pResDesc;
    r->device = device;
    pthread_mutex_lock(&lock);
    HASH_ADD(hh, surfaces, handle, sizeof r->handle, r);
    pthread_mutex_unlock(&lock);
    *pSurfObject = (cudaSurfaceObject_t)r->handle;
    return cudaSuccess;
}

cudaError_t impl_cudaDestroySurfaceObject(cudaSurfaceObject_t surfObject)
{
    const struct mu_driver *driver;
    int device;
    cudaError_t error = cushim_begin(&driver, &device);
    if (error != cudaSuccess)
        return error;
    uint64_t handle = surfObject;
    struct surface_rec *r;
    pthread_mutex_lock(&lock);
    HASH_FIND(hh, surfaces, &handle, sizeof handle, r);
    if (r != NULL)
        HASH_DEL(surfaces, r);
    pthread_mutex_unlock(&lock);
    if (r == NULL)
        return cudaErrorInvalidValue;
    free(r);
    return cushim_from_mu(driver->muSurfObjectDestroy(handle));
}

cudaError_t impl_cudaGetSurfaceObjectResourceDesc(struct cudaResourceDesc *pResDesc,
                                                  cudaSurfaceObject_t surfObject)
{
    uint64_t handle = surfObject;
    struct surface_rec *r;
    if (pResDesc == NULL)
        return cudaErrorInvalidValue;
    pthread_mutex_lock(&lock);
    HASH_FIND(hh, surfaces, &handle, sizeof handle, r);
    if (r != NULL)
        *pResDesc = r->res;
    pthread_mutex_unlock(&lock);
    return r != NULL ? cudaSuccess : cudaErrorInvalidValue;
}

void cushim_surfaces_forget_device(int device)
{
    struct surface_rec *r, *tmp;
    pthread_mutex_lock(&lock);
    HASH_ITER(hh, surfaces, r, tmp)
    {
        if (r->device == device) {
            HASH_DEL(surfaces, r);
            free(r);
        }
    }
    pthread_mutex_unlock(&lock);
}
