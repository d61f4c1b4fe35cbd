/*
 * arrays.c - CUDA arrays and mipmapped arrays: their handles (uthash maps of the records this
 * runtime made), allocation and release, and the queries on them (cudaArrayGetInfo,
 * cudaGetChannelDesc, memory requirements, planes, sparse properties, mipmap levels).
 *
 * An array's memory comes from the backend (muArrayCreate), which lays it out; the runtime
 * records that memory in the memory map as device memory flagged CUSHIM_MEM_FLAG_ARRAY, so that
 * copies to and from the array (array_copy.c) take the one checked copy path of linear memory.
 * The levels of a mipmapped array are arrays of their own, made with it and freed with it.
 * A handle is a record's address, only ever compared until the map has found it: a freed or
 * foreign handle is an error, never a dereference.  Allocating and freeing are "potentially
 * unsafe" during stream capture, as cudaMalloc is.
 */
#include <pthread.h>
#include <stdlib.h>
#include <uthash.h>

#include "api.h"
#include "array_shape.h"
#include "arrays.h"
#include "capture.h"
#include "channel.h"
#include "device.h"
#include "memory_map.h"

struct mipmap_rec;

struct array_rec {
    const void *key; /* the handle: this record's address */
    struct cushim_array_info info;
    struct mipmap_rec *owner; /* the mipmapped array a level belongs to */
    UT_hash_handle hh;
};

struct mipmap_rec {
    const void *key;
    struct cushim_mipmap_info info;
    struct array_rec *levels[MU_MAX_LEVELS];
    UT_hash_handle hh;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct array_rec *arrays;
static struct mipmap_rec *mipmaps;

int cushim_array_lookup(cudaArray_const_t array, struct cushim_array_info *out)
{
    struct array_rec *r = NULL;
    const void *key = array;
    pthread_mutex_lock(&lock);
    if (key != NULL)
        HASH_FIND_PTR(arrays, &key, r);
    if (r != NULL && out != NULL)
        *out = r->info;
    pthread_mutex_unlock(&lock);
    return r != NULL ? 0 : -1;
}

int cushim_mipmap_lookup(cudaMipmappedArray_const_t mipmap, struct cushim_mipmap_info *out)
{
    struct mipmap_rec *r = NULL;
    const void *key = mipmap;
    pthread_mutex_lock(&lock);
    if (key != NULL)
        HASH_FIND_PTR(mipmaps, &key, r);
    if (r != NULL && out != NULL)
        *out = r->info;
    pthread_mutex_unlock(&lock);
    return r != NULL ? 0 : -1;
}

/* ---- allocation ---- */

/* What an allocation of either kind needs: checked arguments and the backend's memory. */
struct allocation {
    const struct mu_driver *driver;
    int device;
    struct mu_format format;
    struct cushim_array_shape shape;
    struct mu_level level[MU_MAX_LEVELS];
    uint64_t bytes;
};

/* *levels: the levels asked for; a mipmapped array's count comes back clamped. */
static cudaError_t allocate(const struct cudaChannelFormatDesc *desc, struct cudaExtent extent,
                            unsigned flags, unsigned *levels_io, int mipmapped, struct allocation *a)
{
    unsigned levels = *levels_io;
    if (desc == NULL)
        return cudaErrorInvalidValue;
    cudaError_t error = cushim_begin(&a->driver, &a->device);
    if (error == cudaSuccess)
        error = cushim_capture_check_unsafe();
    if (error == cudaSuccess)
        error = cushim_channel_format(desc, &a->format);
    if (error == cudaSuccess)
        error = cushim_array_shape(a->device, extent, flags, mipmapped, &a->shape);
    if (error != cudaSuccess)
        return error;
    unsigned most = cushim_array_max_levels(&a->shape);
    if (mipmapped) { /* documented: numLevels is clamped to [1, 1 + floor(log2(max extent))] */
        levels = levels < 1 ? 1 : levels > most ? most : levels;
        levels = levels > MU_MAX_LEVELS ? MU_MAX_LEVELS : levels;
    }
    if (levels == 0 || levels > most || levels > MU_MAX_LEVELS)
        return cudaErrorInvalidValue;
    *levels_io = levels;
    struct mu_array_desc d = {a->format, a->shape.width, a->shape.height, a->shape.depth,
                              levels, a->shape.depth_is_layers};
    MUresult r = a->driver->muArrayCreate(a->level, &a->bytes, &d, a->device);
    if (r != MU_SUCCESS)
        return cushim_from_mu(r);
    struct cushim_range range = {(uintptr_t)a->level[0].base, (size_t)a->bytes,
                                 CUSHIM_MEM_DEVICE, a->device, CUSHIM_MEM_FLAG_ARRAY};
    if (cushim_memory_add(&range) != 0) {
        a->driver->muArrayDestroy(a->level[0].base);
        return cudaErrorMemoryAllocation;
    }
    return cudaSuccess;
}

static int is_array_storage(const struct cushim_range *r)
{
    return (r->flags & CUSHIM_MEM_FLAG_ARRAY) != 0;
}

static void release_memory(const struct allocation *a)
{
    struct cushim_range r;
    cushim_memory_remove((uintptr_t)a->level[0].base, is_array_storage, &r);
    a->driver->muArrayDestroy(a->level[0].base);
}

/* The extent NVIDIA reports for level l of an allocation of that extent. */
static struct cudaExtent level_extent(struct cudaExtent e, unsigned flags, unsigned l)
{
    int layers = (flags & (cudaArrayLayered | cudaArrayCubemap)) != 0;
    e.width = e.width >> l ? e.width >> l : 1;
    if (e.height != 0)
        e.height = e.height >> l ? e.height >> l : 1;
    if (e.depth != 0 && !layers)
        e.depth = e.depth >> l ? e.depth >> l : 1;
    return e;
}

static struct array_rec *new_array(const struct allocation *a,
                                   const struct cudaChannelFormatDesc *desc,
                                   struct cudaExtent extent, unsigned flags, unsigned level,
                                   int is_level)
{
    struct array_rec *r = calloc(1, sizeof *r);
    if (r == NULL)
        return NULL;
    r->key = r;
    r->info = (struct cushim_array_info){
        .desc = *desc,
        .format = a->format,
        .extent = level_extent(extent, flags, level),
        .flags = flags,
        .device = a->device,
        .level = a->level[level],
        .span_base = a->level[0].base,
        .span_bytes = a->bytes,
        .is_level = is_level,
    };
    return r;
}

cudaError_t impl_cudaMalloc3DArray(cudaArray_t *array, const struct cudaChannelFormatDesc *desc,
                                   struct cudaExtent extent, unsigned int flags)
{
    if (array == NULL)
        return cudaErrorInvalidValue;
    struct allocation a;
    unsigned one = 1;
    cudaError_t error = allocate(desc, extent, flags, &one, 0, &a);
    if (error != cudaSuccess)
        return error;
    struct array_rec *r = new_array(&a, desc, extent, flags, 0, 0);
    if (r == NULL) {
        release_memory(&a);
        return cudaErrorMemoryAllocation;
    }
    pthread_mutex_lock(&lock);
    HASH_ADD_PTR(arrays, key, r);
    int added = r->hh.tbl != NULL; /* uthash is built non-fatal on allocation failure */
    pthread_mutex_unlock(&lock);
    if (!added) {
        free(r);
        release_memory(&a);
        return cudaErrorMemoryAllocation;
    }
    *array = (cudaArray_t)(void *)r;
    return cudaSuccess;
}

cudaError_t impl_cudaMallocArray(cudaArray_t *array, const struct cudaChannelFormatDesc *desc,
                                 size_t width, size_t height, unsigned int flags)
{
    /* A 1-D or 2-D array: layers and cube faces need a depth, which this call has not. */
    if (flags & (cudaArrayLayered | cudaArrayCubemap))
        return cudaErrorInvalidValue;
    return impl_cudaMalloc3DArray(array, desc, (struct cudaExtent){width, height, 0}, flags);
}

cudaError_t impl_cudaMallocMipmappedArray(cudaMipmappedArray_t *mipmappedArray,
                                          const struct cudaChannelFormatDesc *desc,
                                          struct cudaExtent extent, unsigned int numLevels,
                                          unsigned int flags)
{
    if (mipmappedArray == NULL)
        return cudaErrorInvalidValue;
    struct allocation a;
    cudaError_t error = allocate(desc, extent, flags, &numLevels, 1, &a);
    if (error != cudaSuccess)
        return error;
    struct mipmap_rec *m = calloc(1, sizeof *m);
    int ok = m != NULL;
    for (unsigned l = 0; ok && l < numLevels; l++) {
        m->levels[l] = new_array(&a, desc, extent, flags, l, 1);
        ok = m->levels[l] != NULL;
    }
    if (!ok) {
        for (unsigned l = 0; m != NULL && l < numLevels; l++)
            free(m->levels[l]);
        free(m);
        release_memory(&a);
        return cudaErrorMemoryAllocation;
    }
    m->key = m;
    m->info = (struct cushim_mipmap_info){
        .desc = *desc,
        .format = a.format,
        .extent = extent,
        .flags = flags,
        .device = a.device,
        .levels = numLevels,
        .span_base = a.level[0].base,
        .span_bytes = a.bytes,
    };
    for (unsigned l = 0; l < numLevels; l++)
        m->info.level[l] = a.level[l];
    pthread_mutex_lock(&lock);
    HASH_ADD_PTR(mipmaps, key, m);
    ok = m->hh.tbl != NULL; /* uthash is built non-fatal on allocation failure */
    unsigned in = 0;
    for (; ok && in < numLevels; in++) {
        m->levels[in]->owner = m;
        HASH_ADD_PTR(arrays, key, m->levels[in]);
        if (m->levels[in]->hh.tbl == NULL) {
            ok = 0;
            break;
        }
    }
    if (!ok) { /* take back what went in */
        for (unsigned l = 0; l < in; l++)
            HASH_DEL(arrays, m->levels[l]);
        if (m->hh.tbl != NULL)
            HASH_DEL(mipmaps, m);
    }
    pthread_mutex_unlock(&lock);
    if (!ok) {
        for (unsigned l = 0; l < numLevels; l++)
            free(m->levels[l]);
        free(m);
        release_memory(&a);
        return cudaErrorMemoryAllocation;
    }
    *mipmappedArray = (cudaMipmappedArray_t)(void *)m;
    return cudaSuccess;
}

cudaError_t impl_cudaGetMipmappedArrayLevel(cudaArray_t *levelArray,
                                            cudaMipmappedArray_const_t mipmappedArray,
                                            unsigned int level)
{
    if (levelArray == NULL)
        return cudaErrorInvalidValue;
    struct mipmap_rec *m = NULL;
    const void *key = mipmappedArray;
    cudaError_t error = cudaSuccess;
    pthread_mutex_lock(&lock);
    if (key != NULL)
        HASH_FIND_PTR(mipmaps, &key, m);
    if (m == NULL)
        error = cudaErrorInvalidResourceHandle; /* as NVIDIA documents for NULL */
    else if (level >= m->info.levels)
        error = cudaErrorInvalidValue;
    else
        *levelArray = (cudaArray_t)(void *)m->levels[level];
    pthread_mutex_unlock(&lock);
    return error;
}

/* ---- release ---- */

/* Free the memory of a record already taken out of the maps; the backend first waits for the
 * work already queued, as cudaFree does. */
static cudaError_t free_storage(uint64_t base)
{
    const struct mu_driver *driver;
    int device;
    cudaError_t error = cushim_begin(&driver, &device);
    if (error != cudaSuccess)
        return error;
    struct cushim_range r;
    cushim_memory_remove((uintptr_t)base, is_array_storage, &r);
    return cushim_from_mu(driver->muArrayDestroy(base));
}

cudaError_t impl_cudaFreeArray(cudaArray_t array)
{
    if (array == NULL)
        return cudaSuccess;
    cudaError_t error = cushim_capture_check_unsafe();
    if (error != cudaSuccess)
        return error;
    struct array_rec *r = NULL;
    const void *key = array;
    pthread_mutex_lock(&lock);
    HASH_FIND_PTR(arrays, &key, r);
    if (r != NULL && r->owner == NULL)
        HASH_DEL(arrays, r);
    else
        r = NULL; /* unknown, or a level that only its mipmapped array frees */
    pthread_mutex_unlock(&lock);
    if (r == NULL)
        return cudaErrorInvalidValue;
    uint64_t base = r->info.level.base;
    free(r);
    return free_storage(base);
}

cudaError_t impl_cudaFreeMipmappedArray(cudaMipmappedArray_t mipmappedArray)
{
    if (mipmappedArray == NULL)
        return cudaSuccess;
    cudaError_t error = cushim_capture_check_unsafe();
    if (error != cudaSuccess)
        return error;
    struct mipmap_rec *m = NULL;
    const void *key = mipmappedArray;
    pthread_mutex_lock(&lock);
    HASH_FIND_PTR(mipmaps, &key, m);
    if (m != NULL) {
        HASH_DEL(mipmaps, m);
        for (unsigned l = 0; l < m->info.levels; l++)
            HASH_DEL(arrays, m->levels[l]);
    }
    pthread_mutex_unlock(&lock);
    if (m == NULL)
        return cudaErrorInvalidValue;
    uint64_t base = m->info.span_base;
    for (unsigned l = 0; l < m->info.levels; l++)
        free(m->levels[l]);
    free(m);
    return free_storage(base);
}

void cushim_arrays_forget_device(int device)
{
    struct array_rec *a, *atmp;
    struct mipmap_rec *m, *mtmp;
    pthread_mutex_lock(&lock);
    HASH_ITER(hh, mipmaps, m, mtmp)
    {
        if (m->info.device == device) {
            HASH_DEL(mipmaps, m);
            for (unsigned l = 0; l < m->info.levels; l++) {
                HASH_DEL(arrays, m->levels[l]);
                free(m->levels[l]);
            }
            free(m);
        }
    }
    HASH_ITER(hh, arrays, a, atmp)
    {
        if (a->info.device == device) {
            HASH_DEL(arrays, a);
            free(a);
        }
    }
    pthread_mutex_unlock(&lock);
}

/* ---- queries ---- */

cudaError_t impl_cudaArrayGetInfo(struct cudaChannelFormatDesc *desc, struct cudaExtent *extent,
                                  unsigned int *flags, cudaArray_t array)
{
    struct cushim_array_info info;
    if (cushim_array_lookup(array, &info) != 0)
        return cudaErrorInvalidValue;
    if (desc != NULL)
        *desc = info.desc;
    if (extent != NULL)
        *extent = info.extent;
    if (flags != NULL)
        *flags = info.flags;
    return cudaSuccess;
}

cudaError_t impl_cudaGetChannelDesc(struct cudaChannelFormatDesc *desc, cudaArray_const_t array)
{
    struct cushim_array_info info;
    if (desc == NULL || cushim_array_lookup(array, &info) != 0)
        return cudaErrorInvalidValue;
    *desc = info.desc;
    return cudaSuccess;
}

/* Memory requirements and sparse properties describe arrays allocated without backing memory
 * (cudaArrayDeferredMapping, cudaArraySparse), which this runtime does not make: for every array
 * it has, NVIDIA's answer is cudaErrorInvalidValue. */
cudaError_t impl_cudaArrayGetMemoryRequirements(struct cudaArrayMemoryRequirements *req,
                                                cudaArray_t array, int device)
{
    const struct mu_driver *driver;
    cudaError_t error = cushim_begin_device(&driver, device);
    if (error != cudaSuccess)
        return error;
    (void)req;
    (void)array;
    return cudaErrorInvalidValue;
}

cudaError_t impl_cudaMipmappedArrayGetMemoryRequirements(struct cudaArrayMemoryRequirements *req,
                                                         cudaMipmappedArray_t mipmap, int device)
{
    const struct mu_driver *driver;
    cudaError_t error = cushim_begin_device(&driver, device);
    if (error != cudaSuccess)
        return error;
    (void)req;
    (void)mipmap;
    return cudaErrorInvalidValue;
}

cudaError_t impl_cudaArrayGetSparseProperties(struct cudaArraySparseProperties *props,
                                              cudaArray_t array)
{
    (void)props;
    (void)array;
    return cudaErrorInvalidValue;
}

cudaError_t impl_cudaMipmappedArrayGetSparseProperties(struct cudaArraySparseProperties *props,
                                                       cudaMipmappedArray_t mipmap)
{
    (void)props;
    (void)mipmap;
    return cudaErrorInvalidValue;
}

/* Planes belong to multi-planar formats (NV12), which arrays here never have. */
cudaError_t impl_cudaArrayGetPlane(cudaArray_t *pPlaneArray, cudaArray_t hArray,
                                   unsigned int planeIdx)
{
    (void)planeIdx;
    if (cushim_array_lookup(hArray, NULL) != 0)
        return cudaErrorInvalidResourceHandle;
    (void)pPlaneArray;
    return cudaErrorInvalidValue;
}
