/*
 * image_objects.c - the map from texture and surface object handles to the descriptors they
 * were made from, and the calls into the backend that make and destroy them.
 *
 * Owns: one uthash map per kind (a backend may number textures and surfaces independently),
 * behind one lock.  The queries answer with exactly what the program wrote, and a destroyed or
 * foreign handle is cudaErrorInvalidValue, never a guess.
 * Must not: check descriptors (resources.c and textures.c do) or keep backend state.
 */
#include <pthread.h>
#include <stdlib.h>
#include <uthash.h>

#include "api.h"
#include "device.h"
#include "image_objects.h"

struct image_rec {
    uint64_t handle;
    int device;
    struct cushim_image_desc desc;
    UT_hash_handle hh;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct image_rec *maps[2]; /* indexed by enum cushim_resource_use */

cudaError_t cushim_image_make(enum cushim_resource_use use, const struct cushim_image_desc *desc,
                              cudaError_t (*sample)(const struct cudaTextureDesc *,
                                                    struct mu_texture *),
                              uint64_t *handle)
{
    const struct mu_driver *driver;
    int device;
    cudaError_t error = cushim_begin(&driver, &device);
    if (error != cudaSuccess)
        return error;
    struct mu_texture t;
    error = cushim_resource_resolve(&desc->res, desc->has_view ? &desc->view : NULL, use, &t, &device);
    if (error == cudaSuccess && sample != NULL)
        error = sample(&desc->tex, &t);
    if (error != cudaSuccess)
        return error;
    struct image_rec *r = calloc(1, sizeof *r);
    if (r == NULL)
        return cudaErrorMemoryAllocation;
    MUresult mu = use == CUSHIM_FOR_SURFACE ? driver->muSurfObjectCreate(&r->handle, &t, device)
                                            : driver->muTexObjectCreate(&r->handle, &t, device);
    if (mu != MU_SUCCESS) {
        free(r);
        return cushim_from_mu(mu);
    }
    r->desc = *desc;
    r->device = device;
    pthread_mutex_lock(&lock);
    HASH_ADD(hh, maps[use], handle, sizeof r->handle, r);
    int added = r->hh.tbl != NULL; /* uthash is built non-fatal on OOM: a failed add leaves it out */
    pthread_mutex_unlock(&lock);
    if (!added) {
        if (use == CUSHIM_FOR_SURFACE)
            driver->muSurfObjectDestroy(r->handle);
        else
            driver->muTexObjectDestroy(r->handle);
        free(r);
        return cudaErrorMemoryAllocation;
    }
    *handle = r->handle;
    return cudaSuccess;
}

cudaError_t cushim_image_destroy(enum cushim_resource_use use, uint64_t handle)
{
    const struct mu_driver *driver;
    int device;
    cudaError_t error = cushim_begin(&driver, &device);
    if (error != cudaSuccess)
        return error;
    struct image_rec *r;
    pthread_mutex_lock(&lock);
    HASH_FIND(hh, maps[use], &handle, sizeof handle, r);
    if (r != NULL)
        HASH_DEL(maps[use], r);
    pthread_mutex_unlock(&lock);
    if (r == NULL)
        return cudaErrorInvalidValue;
    free(r);
    return cushim_from_mu(use == CUSHIM_FOR_SURFACE ? driver->muSurfObjectDestroy(handle)
                                                    : driver->muTexObjectDestroy(handle));
}

cudaError_t cushim_image_lookup(enum cushim_resource_use use, uint64_t handle,
                                struct cushim_image_desc *out)
{
    struct image_rec *r;
    pthread_mutex_lock(&lock);
    HASH_FIND(hh, maps[use], &handle, sizeof handle, r);
    if (r != NULL)
        *out = r->desc;
    pthread_mutex_unlock(&lock);
    return r != NULL ? cudaSuccess : cudaErrorInvalidValue;
}

void cushim_images_forget_device(int device)
{
    pthread_mutex_lock(&lock);
    for (int use = 0; use < 2; use++) {
        struct image_rec *r, *tmp;
        HASH_ITER(hh, maps[use], r, tmp)
        {
            if (r->device == device) {
                HASH_DEL(maps[use], r);
                free(r);
            }
        }
    }
    pthread_mutex_unlock(&lock);
}
