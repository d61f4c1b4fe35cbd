/*
 * mempool.c - stream-ordered memory pools (see mempool.h): pool handles in a uthash map, each
 * device's default and current pool, pool blocks, cudaMallocAsync / cudaMallocFromPoolAsync /
 * cudaFreeAsync, pool attributes and access, trimming, and the spare memory list.
 *
 * A pool block is one backend allocation.  An allocation takes the best-fitting free block of
 * its pool or a new one; a block freed with cudaFreeAsync becomes free for everyone when its
 * stream reaches the free (a host function marks it), and right away for later allocations on
 * the same stream, whose order already follows the free (NVIDIA's stream-ordered reuse).
 * Reserved memory counts the pool's blocks, used memory its live allocations.  When a
 * synchronisation completes, a pool holding more than its release threshold lets go of free
 * blocks (to the spare list: see mempool.h for why not to the backend at once).
 *
 * Sharing pools between processes (export/import) is not supported: those calls answer
 * cudaErrorNotSupported and say so once.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <uthash.h>

#include "api.h"
#include "device.h"
#include "graph_mem.h"
#include "memory_map.h"
#include "mempool.h"
#include "stream_ops.h"
#include "mu_log.h"

#define ALLOC_GRANULARITY 256u

enum block_state { BLOCK_FREE, BLOCK_IN_USE, BLOCK_FREEING };

struct pool;

struct block {
    uintptr_t base; /* key of the blocks map */
    size_t extent;  /* the backend allocation's size */
    size_t size;    /* the live allocation's size, rounded */
    struct pool *pool;
    enum block_state state;
    MUstream free_stream;   /* FREEING: the stream whose free it waits for */
    unsigned long long gen; /* which free a "reached" notice is about */
    struct block *next, *prev;
    UT_hash_handle hh;
};

struct pool {
    struct pool *key; /* the handle: this record's address */
    UT_hash_handle hh;
    int device;
    struct cudaMemPoolProps props;
    int is_default, destroyed;
    int reuse_follow, reuse_opportunistic, reuse_internal;
    uint64_t threshold;
    uint64_t reserved, reserved_high, used, used_high;
    enum cudaMemAccessFlags access[CUSHIM_MAX_DEVICES];
    /* free and freeing blocks first, blocks in use last: a search for a block to reuse stops
     * at the first one in use, however many allocations the program holds */
    struct block *blocks, *blocks_last;
    size_t busy; /* blocks in use or waiting for their free */
};

struct spare {
    uintptr_t base;
    size_t extent;
    struct spare *next;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct pool *pools;
static struct block *blocks_by_base;
static struct pool *default_pool[CUSHIM_MAX_DEVICES], *current_pool[CUSHIM_MAX_DEVICES];
static struct spare *spares[CUSHIM_MAX_DEVICES];
static atomic_int pool_count;

/* ---- spare memory ---------------------------------------------------------------------- */

static int take_spare(int device, size_t size, uintptr_t *base, size_t *extent)
{
    struct spare **best = NULL;
    pthread_mutex_lock(&lock);
    for (struct spare **s = &spares[device]; *s != NULL; s = &(*s)->next) {
        /* A fit that wastes at most about half of the block. */
        if ((*s)->extent >= size && (*s)->extent / 2 <= size + 65536 &&
            (best == NULL || (*s)->extent < (*best)->extent))
            best = s;
    }
    struct spare *found = best != NULL ? *best : NULL;
    if (found != NULL)
        *best = found->next;
    pthread_mutex_unlock(&lock);
    if (found == NULL)
        return 0;
    *base = found->base;
    *extent = found->extent;
    free(found);
    return 1;
}

cudaError_t cushim_mempool_take(int device, size_t size, uintptr_t *base, size_t *extent)
{
    if (take_spare(device, size, base, extent))
        return cudaSuccess;
    const struct mu_driver *driver = cushim_backend(NULL);
    MUdeviceptr ptr = 0;
    MUresult r = driver->muMemAlloc(&ptr, size, device);
    if (r == MU_ERROR_MEMORY_ALLOCATION) {
        cushim_mempool_flush(-1); /* spare memory first, then the backend again */
        r = driver->muMemAlloc(&ptr, size, device);
    }
    if (r != MU_SUCCESS)
        return cushim_from_mu(r);
    *base = (uintptr_t)ptr;
    *extent = size;
    return cudaSuccess;
}

void cushim_mempool_give_back(int device, uintptr_t base, size_t extent)
{
    struct spare *s = malloc(sizeof *s);
    if (s == NULL)
        return; /* leaks the block rather than free it from a thread that must not wait */
    *s = (struct spare){base, extent, NULL};
    pthread_mutex_lock(&lock);
    s->next = spares[device];
    spares[device] = s;
    pthread_mutex_unlock(&lock);
}

void cushim_mempool_flush(int device)
{
    const struct mu_driver *driver = cushim_backend(NULL);
    for (int d = device < 0 ? 0 : device; d < CUSHIM_MAX_DEVICES; d++) {
        pthread_mutex_lock(&lock);
        struct spare *list = spares[d];
        spares[d] = NULL;
        pthread_mutex_unlock(&lock);
        while (list != NULL) {
            struct spare *s = list;
            list = s->next;
            driver->muMemFree((MUdeviceptr)s->base);
            free(s);
        }
        if (device >= 0)
            break;
    }
}

/* ---- pools ----------------------------------------------------------------------------- */

static struct pool *pool_new(int device, const struct cudaMemPoolProps *props, int is_default)
{
    struct pool *p = calloc(1, sizeof *p);
    if (p == NULL)
        return NULL;
    p->key = p;
    p->device = device;
    p->props = *props;
    p->is_default = is_default;
    p->reuse_follow = p->reuse_opportunistic = p->reuse_internal = 1;
    p->access[device] = cudaMemAccessFlagsProtReadWrite;
    HASH_ADD_PTR(pools, key, p);
    if (p->hh.tbl == NULL) { /* uthash is built non-fatal on allocation failure */
        free(p);
        return NULL;
    }
    atomic_fetch_add(&pool_count, 1);
    return p;
}

/* With the lock held: the device's default pool, made on first use. */
static struct pool *default_of(int device)
{
    if (default_pool[device] == NULL) {
        struct cudaMemPoolProps props = {
            .allocType = cudaMemAllocationTypePinned,
            .location = {cudaMemLocationTypeDevice, device},
        };
        default_pool[device] = pool_new(device, &props, 1);
    }
    return default_pool[device];
}

static struct pool *current_of(int device)
{
    return current_pool[device] != NULL ? current_pool[device] : default_of(device);
}

static struct pool *pool_find(cudaMemPool_t handle)
{
    struct pool *p;
    struct pool *key = (struct pool *)handle;
    if (handle == NULL)
        return NULL;
    HASH_FIND_PTR(pools, &key, p);
    return p;
}

static void raise_high(struct pool *p)
{
    if (p->used > p->used_high)
        p->used_high = p->used;
    if (p->reserved > p->reserved_high)
        p->reserved_high = p->reserved;
}

/* With the lock held: take b out of its pool's list. */
static void unlink_block(struct block *b)
{
    struct pool *p = b->pool;
    if (b->prev != NULL)
        b->prev->next = b->next;
    else
        p->blocks = b->next;
    if (b->next != NULL)
        b->next->prev = b->prev;
    else
        p->blocks_last = b->prev;
    b->next = b->prev = NULL;
}

/* With the lock held: put b in its pool's list by its state (in use at the end). */
static void link_block(struct block *b)
{
    struct pool *p = b->pool;
    if (b->state == BLOCK_IN_USE) {
        b->prev = p->blocks_last;
        b->next = NULL;
        if (p->blocks_last != NULL)
            p->blocks_last->next = b;
        else
            p->blocks = b;
        p->blocks_last = b;
    } else {
        b->next = p->blocks;
        b->prev = NULL;
        if (p->blocks != NULL)
            p->blocks->prev = b;
        else
            p->blocks_last = b;
        p->blocks = b;
    }
}

/* With the lock held: a block changes state, and place in the list with it. */
static void set_state(struct block *b, enum block_state state)
{
    unlink_block(b);
    b->state = state;
    link_block(b);
}

/* With the lock held: let a free block go to the spare list. */
static void release_block(struct block *b)
{
    struct pool *p = b->pool;
    unlink_block(b);
    HASH_DEL(blocks_by_base, b);
    p->reserved -= b->extent;
    struct spare *s = malloc(sizeof *s);
    if (s != NULL) {
        *s = (struct spare){b->base, b->extent, spares[p->device]};
        spares[p->device] = s;
    }
    free(b);
}

/* With the lock held: let free blocks go until the pool holds at most keep bytes. */
static void trim_to(struct pool *p, uint64_t keep)
{
    for (struct block *b = p->blocks, *next; b != NULL && p->reserved > keep; b = next) {
        next = b->next;
        if (b->state == BLOCK_FREE)
            release_block(b);
    }
}

/* With the lock held: a destroyed pool goes once nothing of it is in use. */
static void finish_if_destroyed(struct pool *p)
{
    if (!p->destroyed || p->busy > 0)
        return;
    trim_to(p, 0);
    atomic_fetch_sub(&pool_count, 1);
    free(p);
}

static cudaError_t pool_alloc(struct pool *p, size_t size, MUstream stream, void **out)
{
    size_t rounded = (size + ALLOC_GRANULARITY - 1) / ALLOC_GRANULARITY * ALLOC_GRANULARITY;
    if (rounded < size)
        return cudaErrorMemoryAllocation;
    pthread_mutex_lock(&lock);
    if (pool_find((cudaMemPool_t)p) != p) { /* destroyed meanwhile by another thread */
        pthread_mutex_unlock(&lock);
        return cudaErrorInvalidValue;
    }
    struct block *best = NULL;
    for (struct block *b = p->blocks; b != NULL && b->state != BLOCK_IN_USE; b = b->next) {
        /* Freed on this stream: its order already follows the free.  Freed elsewhere and
         * completed: opportunistic reuse, unless the pool forbids it (cushim cannot see event
         * dependencies, so it then keeps to the stream's own frees).  Freed by cudaFree:
         * free for all. */
        int same_stream = b->free_stream == stream;
        int reusable = (b->state == BLOCK_FREEING && same_stream) ||
                       (b->state == BLOCK_FREE &&
                        (same_stream || b->free_stream == NULL || p->reuse_opportunistic));
        if (reusable && b->extent >= rounded && b->extent / 2 <= rounded + 65536 &&
            (best == NULL || b->extent < best->extent))
            best = b;
    }
    if (best == NULL) {
        if (p->props.maxSize != 0 && p->reserved + rounded > p->props.maxSize) {
            pthread_mutex_unlock(&lock);
            return cudaErrorMemoryAllocation;
        }
        int device = p->device;
        pthread_mutex_unlock(&lock);
        uintptr_t base;
        size_t extent;
        cudaError_t error = cushim_mempool_take(device, rounded, &base, &extent);
        if (error != cudaSuccess)
            return error;
        best = calloc(1, sizeof *best);
        if (best == NULL) {
            cushim_mempool_give_back(device, base, extent);
            return cudaErrorMemoryAllocation;
        }
        best->base = base;
        best->extent = extent;
        best->pool = p;
        pthread_mutex_lock(&lock);
        if (pool_find((cudaMemPool_t)p) != p) {
            pthread_mutex_unlock(&lock);
            free(best);
            cushim_mempool_give_back(device, base, extent);
            return cudaErrorInvalidValue;
        }
        HASH_ADD(hh, blocks_by_base, base, sizeof best->base, best);
        if (best->hh.tbl == NULL) { /* uthash is built non-fatal on allocation failure */
            pthread_mutex_unlock(&lock);
            free(best);
            cushim_mempool_give_back(device, base, extent);
            return cudaErrorMemoryAllocation;
        }
        best->state = BLOCK_FREE;
        link_block(best);
        p->reserved += extent;
    }
    if (best->state == BLOCK_FREE)
        p->busy++;
    set_state(best, BLOCK_IN_USE);
    best->gen++;
    best->size = rounded;
    p->used += rounded;
    raise_high(p);
    struct cushim_range r = {best->base, size, CUSHIM_MEM_DEVICE, p->device,
                             CUSHIM_MEM_FLAG_POOL};
    int added = cushim_memory_add(&r);
    if (added != 0) {
        set_state(best, BLOCK_FREE);
        p->busy--;
        p->used -= rounded;
    }
    pthread_mutex_unlock(&lock);
    if (added != 0)
        return cudaErrorMemoryAllocation;
    *out = (void *)best->base;
    return cudaSuccess;
}

cudaError_t cushim_mempool_alloc_async(struct cushim_op *op, const struct cushim_stream_ref *ref)
{
    void *ptr;
    cudaError_t error = pool_alloc((struct pool *)op->alloc.pool, op->alloc.params.bytesize,
                                   ref->stream, &ptr);
    if (error == cudaSuccess)
        op->alloc.params.dptr = ptr;
    return error;
}

struct reached {
    struct block *block;
    unsigned long long gen;
};

/* A host function: the stream got to a cudaFreeAsync of a pool block. */
static void pool_free_reached(void *data)
{
    struct reached *r = data;
    pthread_mutex_lock(&lock);
    struct block *b = r->block;
    if (b->gen == r->gen && b->state == BLOCK_FREEING) {
        b->state = BLOCK_FREE;
        b->pool->busy--;
        finish_if_destroyed(b->pool);
    }
    pthread_mutex_unlock(&lock);
    free(r);
}

struct plain_free {
    int device;
    uintptr_t base;
    size_t size;
};

/* A host function: the stream got to a cudaFreeAsync of cudaMalloc memory. */
static void plain_free_reached(void *data)
{
    struct plain_free *f = data;
    cushim_mempool_give_back(f->device, f->base, f->size);
    free(f);
}

static struct block *block_at(uintptr_t base)
{
    struct block *b;
    HASH_FIND(hh, blocks_by_base, &base, sizeof base, b);
    return b;
}

cudaError_t cushim_mempool_free_async(void *dptr, const struct cushim_stream_ref *ref)
{
    if (dptr == NULL)
        return cudaSuccess;
    struct cushim_range r;
    if (cushim_memory_find((uintptr_t)dptr, &r) != 0 || r.base != (uintptr_t)dptr ||
        (r.kind != CUSHIM_MEM_DEVICE && r.kind != CUSHIM_MEM_MANAGED))
        return cudaErrorInvalidValue;
    if (r.flags & CUSHIM_MEM_FLAG_GRAPH)
        return cushim_gmem_free_outside(dptr);
    const struct mu_driver *driver = cushim_backend(NULL);
    if (r.flags & CUSHIM_MEM_FLAG_POOL) {
        struct reached *token = malloc(sizeof *token);
        if (token == NULL)
            return cudaErrorMemoryAllocation;
        pthread_mutex_lock(&lock);
        struct block *b = block_at((uintptr_t)dptr);
        if (b == NULL || b->state != BLOCK_IN_USE) {
            pthread_mutex_unlock(&lock);
            free(token);
            return cudaErrorInvalidValue;
        }
        cushim_memory_remove(b->base, NULL, NULL);
        set_state(b, BLOCK_FREEING);
        b->free_stream = ref->stream;
        b->pool->used -= b->size;
        *token = (struct reached){b, b->gen};
        pthread_mutex_unlock(&lock);
        if (driver->muLaunchHostFunc(ref->stream, pool_free_reached, token) != MU_SUCCESS)
            pool_free_reached(token); /* a faulted device runs nothing more: free it now */
        return cudaSuccess;
    }
    /* cudaMalloc memory: gone from the map now, given back when the stream gets there. */
    struct plain_free *f = malloc(sizeof *f);
    if (f == NULL)
        return cudaErrorMemoryAllocation;
    if (cushim_memory_remove((uintptr_t)dptr, NULL, &r) != 0) {
        free(f);
        return cudaErrorInvalidValue;
    }
    *f = (struct plain_free){r.device, r.base, r.size};
    if (driver->muLaunchHostFunc(ref->stream, plain_free_reached, f) != MU_SUCCESS)
        plain_free_reached(f);
    return cudaSuccess;
}

cudaError_t cushim_mempool_free_now(void *dptr)
{
    struct cushim_range r;
    if (cushim_memory_find((uintptr_t)dptr, &r) != 0 || r.base != (uintptr_t)dptr)
        return cudaErrorInvalidValue;
    if (r.flags & CUSHIM_MEM_FLAG_GRAPH)
        return cushim_gmem_free_outside(dptr);
    pthread_mutex_lock(&lock);
    struct block *b = block_at((uintptr_t)dptr);
    cudaError_t error = cudaErrorInvalidValue;
    if (b != NULL && b->state == BLOCK_IN_USE) {
        cushim_memory_remove(b->base, NULL, NULL);
        set_state(b, BLOCK_FREE);
        b->free_stream = NULL; /* the device was synchronised: reusable by any stream */
        b->pool->used -= b->size;
        b->pool->busy--;
        struct pool *p = b->pool;
        finish_if_destroyed(p);
        error = cudaSuccess;
    }
    pthread_mutex_unlock(&lock);
    return error;
}

void cushim_mempool_sync_point(int device)
{
    if (atomic_load(&pool_count) == 0)
        return;
    pthread_mutex_lock(&lock);
    for (struct pool *p = pools; p != NULL; p = p->hh.next)
        if (p->device == device && p->reserved > p->threshold)
            trim_to(p, p->threshold);
    pthread_mutex_unlock(&lock);
}

void cushim_mempool_after_device_sync(int device)
{
    cushim_mempool_sync_point(device);
    cushim_mempool_flush(device);
}

void cushim_mempool_forget_device(int device)
{
    pthread_mutex_lock(&lock);
    struct pool *p, *tmp;
    HASH_ITER(hh, pools, p, tmp)
    {
        if (p->device != device)
            continue;
        /* The backend has freed the memory: drop the records without giving it back. */
        for (struct block *b = p->blocks, *next; b != NULL; b = next) {
            next = b->next;
            HASH_DEL(blocks_by_base, b);
            free(b);
        }
        HASH_DEL(pools, p);
        atomic_fetch_sub(&pool_count, 1);
        free(p);
    }
    default_pool[device] = current_pool[device] = NULL;
    struct spare *list = spares[device];
    spares[device] = NULL;
    pthread_mutex_unlock(&lock);
    while (list != NULL) {
        struct spare *s = list;
        list = s->next;
        free(s);
    }
    cushim_gmem_forget_device(device);
}

/* ---- the API --------------------------------------------------------------------------- */

static void say_not_supported(const char *what)
{
    static atomic_flag told;
    if (!atomic_flag_test_and_set(&told))
        mu_report("%s: sharing memory pools between processes is not supported",
                  what);
}

static cudaError_t check_device(int device)
{
    const struct mu_driver *driver;
    return cushim_begin_device(&driver, device);
}

/* Which device a location names, for pools of pinned device memory; NotSupported for the
 * host and managed pools cushim does not provide. */
static cudaError_t device_of_location(const struct cudaMemLocation *location,
                                      enum cudaMemAllocationType type, int *device)
{
    if (location == NULL)
        return cudaErrorInvalidValue;
    if (type == cudaMemAllocationTypeManaged ||
        location->type == cudaMemLocationTypeHost || location->type == cudaMemLocationTypeHostNuma)
        return cudaErrorNotSupported;
    if (type != cudaMemAllocationTypePinned || location->type != cudaMemLocationTypeDevice)
        return cudaErrorInvalidValue;
    if (check_device(location->id) != cudaSuccess)
        return cudaErrorInvalidValue;
    *device = location->id;
    return cudaSuccess;
}

cudaError_t impl_cudaMemPoolCreate(cudaMemPool_t *memPool, const struct cudaMemPoolProps *props)
{
    if (memPool == NULL || props == NULL)
        return cudaErrorInvalidValue;
    int device;
    cudaError_t error = device_of_location(&props->location, props->allocType, &device);
    if (error != cudaSuccess)
        return error;
    if (props->handleTypes != cudaMemHandleTypeNone) {
        say_not_supported("cudaMemPoolCreate with a shareable handle type");
        return cudaErrorNotSupported;
    }
    pthread_mutex_lock(&lock);
    struct pool *p = pool_new(device, props, 0);
    pthread_mutex_unlock(&lock);
    if (p == NULL)
        return cudaErrorMemoryAllocation;
    *memPool = (cudaMemPool_t)p;
    return cudaSuccess;
}

cudaError_t impl_cudaMemPoolDestroy(cudaMemPool_t memPool)
{
    pthread_mutex_lock(&lock);
    struct pool *p = pool_find(memPool);
    if (p == NULL || p->is_default) {
        pthread_mutex_unlock(&lock);
        return cudaErrorInvalidValue;
    }
    HASH_DEL(pools, p);
    if (current_pool[p->device] == p)
        current_pool[p->device] = NULL; /* back to the default pool */
    p->destroyed = 1;
    int device = p->device;
    finish_if_destroyed(p);
    pthread_mutex_unlock(&lock);
    cushim_mempool_flush(device);
    return cudaSuccess;
}

/* Answer a device's default or current pool (which() runs with the lock held). */
static cudaError_t give_pool(cudaMemPool_t *memPool, int device, struct pool *(*which)(int))
{
    if (memPool == NULL)
        return cudaErrorInvalidValue;
    cudaError_t error = check_device(device);
    if (error != cudaSuccess)
        return error;
    pthread_mutex_lock(&lock);
    struct pool *p = which(device);
    pthread_mutex_unlock(&lock);
    if (p == NULL)
        return cudaErrorMemoryAllocation;
    *memPool = (cudaMemPool_t)p;
    return cudaSuccess;
}

cudaError_t impl_cudaDeviceGetDefaultMemPool(cudaMemPool_t *memPool, int device)
{
    return give_pool(memPool, device, default_of);
}

cudaError_t impl_cudaDeviceGetMemPool(cudaMemPool_t *memPool, int device)
{
    return give_pool(memPool, device, current_of);
}

cudaError_t impl_cudaDeviceSetMemPool(int device, cudaMemPool_t memPool)
{
    cudaError_t error = check_device(device);
    if (error != cudaSuccess)
        return error;
    pthread_mutex_lock(&lock);
    struct pool *p = pool_find(memPool);
    if (p == NULL || p->device != device)
        error = cudaErrorInvalidValue; /* the pool must be the device's own */
    else
        current_pool[device] = p;
    pthread_mutex_unlock(&lock);
    return error;
}

cudaError_t impl_cudaMemGetDefaultMemPool(cudaMemPool_t *memPool,
                                          struct cudaMemLocation *location,
                                          enum cudaMemAllocationType type)
{
    int device;
    cudaError_t error = device_of_location(location, type, &device);
    if (error != cudaSuccess)
        return error;
    return impl_cudaDeviceGetDefaultMemPool(memPool, device);
}

cudaError_t impl_cudaMemGetMemPool(cudaMemPool_t *memPool, struct cudaMemLocation *location,
                                   enum cudaMemAllocationType type)
{
    int device;
    cudaError_t error = device_of_location(location, type, &device);
    if (error != cudaSuccess)
        return error;
    return impl_cudaDeviceGetMemPool(memPool, device);
}

cudaError_t impl_cudaMemSetMemPool(struct cudaMemLocation *location,
                                   enum cudaMemAllocationType type, cudaMemPool_t memPool)
{
    int device;
    cudaError_t error = device_of_location(location, type, &device);
    if (error != cudaSuccess)
        return error;
    return impl_cudaDeviceSetMemPool(device, memPool);
}

static cudaError_t malloc_async(void **ptr, size_t size, cudaMemPool_t handle,
                                cudaStream_t stream)
{
    if (ptr == NULL)
        return cudaErrorInvalidValue;
    struct cushim_stream_ref ref;
    cudaError_t error = cushim_stream_resolve(stream, &ref);
    if (error != cudaSuccess)
        return error;
    pthread_mutex_lock(&lock);
    struct pool *p = handle != NULL ? pool_find(handle) : current_of(ref.device);
    struct cudaMemPoolProps props = p != NULL ? p->props : (struct cudaMemPoolProps){0};
    pthread_mutex_unlock(&lock);
    if (p == NULL)
        return handle != NULL ? cudaErrorInvalidValue : cudaErrorMemoryAllocation;
    if (size == 0) { /* as cudaMalloc: success and a null pointer, nothing in the stream */
        *ptr = NULL;
        return cudaSuccess;
    }
    struct cushim_op op = {
        .kind = cudaGraphNodeTypeMemAlloc,
        .alloc = {.params = {.poolProps = props, .bytesize = size}, .pool = (cudaMemPool_t)p},
    };
    error = cushim_enqueue(&ref, &op);
    if (error == cudaSuccess)
        *ptr = op.alloc.params.dptr;
    return error;
}

cudaError_t impl_cudaMallocAsync(void **devPtr, size_t size, cudaStream_t hStream)
{
    return malloc_async(devPtr, size, NULL, hStream);
}

cudaError_t impl_cudaMallocFromPoolAsync(void **ptr, size_t size, cudaMemPool_t memPool,
                                         cudaStream_t stream)
{
    if (memPool == NULL)
        return cudaErrorInvalidValue;
    return malloc_async(ptr, size, memPool, stream);
}

cudaError_t impl_cudaFreeAsync(void *devPtr, cudaStream_t hStream)
{
    struct cushim_stream_ref ref;
    cudaError_t error = cushim_stream_resolve(hStream, &ref);
    if (error != cudaSuccess)
        return error;
    struct cushim_op op = {.kind = cudaGraphNodeTypeMemFree, .free = {.dptr = devPtr}};
    return cushim_enqueue(&ref, &op);
}

cudaError_t impl_cudaMemPoolTrimTo(cudaMemPool_t memPool, size_t minBytesToKeep)
{
    pthread_mutex_lock(&lock);
    struct pool *p = pool_find(memPool);
    int device = p != NULL ? p->device : 0;
    if (p != NULL)
        trim_to(p, minBytesToKeep);
    pthread_mutex_unlock(&lock);
    if (p == NULL)
        return cudaErrorInvalidValue;
    cushim_mempool_flush(device);
    return cudaSuccess;
}

cudaError_t impl_cudaMemPoolSetAttribute(cudaMemPool_t memPool, enum cudaMemPoolAttr attr,
                                         void *value)
{
    if (value == NULL)
        return cudaErrorInvalidValue;
    cudaError_t error = cudaSuccess;
    pthread_mutex_lock(&lock);
    struct pool *p = pool_find(memPool);
    if (p == NULL) {
        error = cudaErrorInvalidValue;
    } else {
        switch (attr) {
        case cudaMemPoolReuseFollowEventDependencies:
            p->reuse_follow = *(const int *)value != 0;
            break;
        case cudaMemPoolReuseAllowOpportunistic:
            p->reuse_opportunistic = *(const int *)value != 0;
            break;
        case cudaMemPoolReuseAllowInternalDependencies:
            p->reuse_internal = *(const int *)value != 0;
            break;
        case cudaMemPoolAttrReleaseThreshold:
            p->threshold = *(const uint64_t *)value;
            break;
        case cudaMemPoolAttrReservedMemHigh:
        case cudaMemPoolAttrUsedMemHigh:
            /* Only a reset, to zero, is allowed: the watermark starts again from now. */
            if (*(const uint64_t *)value != 0)
                error = cudaErrorInvalidValue;
            else if (attr == cudaMemPoolAttrReservedMemHigh)
                p->reserved_high = p->reserved;
            else
                p->used_high = p->used;
            break;
        default:
            error = cudaErrorInvalidValue; /* the current amounts are read-only */
            break;
        }
    }
    pthread_mutex_unlock(&lock);
    return error;
}

cudaError_t impl_cudaMemPoolGetAttribute(cudaMemPool_t memPool, enum cudaMemPoolAttr attr,
                                         void *value)
{
    if (value == NULL)
        return cudaErrorInvalidValue;
    cudaError_t error = cudaSuccess;
    pthread_mutex_lock(&lock);
    struct pool *p = pool_find(memPool);
    if (p == NULL) {
        error = cudaErrorInvalidValue;
    } else {
        switch (attr) {
        case cudaMemPoolReuseFollowEventDependencies:
            *(int *)value = p->reuse_follow;
            break;
        case cudaMemPoolReuseAllowOpportunistic:
            *(int *)value = p->reuse_opportunistic;
            break;
        case cudaMemPoolReuseAllowInternalDependencies:
            *(int *)value = p->reuse_internal;
            break;
        case cudaMemPoolAttrReleaseThreshold:
            *(uint64_t *)value = p->threshold;
            break;
        case cudaMemPoolAttrReservedMemCurrent:
            *(uint64_t *)value = p->reserved;
            break;
        case cudaMemPoolAttrReservedMemHigh:
            *(uint64_t *)value = p->reserved_high;
            break;
        case cudaMemPoolAttrUsedMemCurrent:
            *(uint64_t *)value = p->used;
            break;
        case cudaMemPoolAttrUsedMemHigh:
            *(uint64_t *)value = p->used_high;
            break;
        default:
            error = cudaErrorInvalidValue;
            break;
        }
    }
    pthread_mutex_unlock(&lock);
    return error;
}

static int valid_access(enum cudaMemAccessFlags flags)
{
    return flags == cudaMemAccessFlagsProtNone || flags == cudaMemAccessFlagsProtRead ||
           flags == cudaMemAccessFlagsProtReadWrite;
}

cudaError_t impl_cudaMemPoolSetAccess(cudaMemPool_t memPool,
                                      const struct cudaMemAccessDesc *descList, size_t count)
{
    if (count > 0 && descList == NULL)
        return cudaErrorInvalidValue;
    cudaError_t error = cudaSuccess;
    pthread_mutex_lock(&lock);
    struct pool *p = pool_find(memPool);
    if (p == NULL)
        error = cudaErrorInvalidValue;
    /* Check every descriptor before changing anything. */
    for (size_t i = 0; error == cudaSuccess && i < count; i++) {
        const struct cudaMemAccessDesc *d = &descList[i];
        /* cudaErrorInvalidValue for everything, the only error NVIDIA documents here. */
        if (d->location.type != cudaMemLocationTypeDevice || !valid_access(d->flags) ||
            check_device(d->location.id) != cudaSuccess)
            error = cudaErrorInvalidValue;
        else if (d->location.id == p->device && d->flags != cudaMemAccessFlagsProtReadWrite)
            error = cudaErrorInvalidValue; /* the owning device always has full access */
        else if (d->location.id != p->device && d->flags != cudaMemAccessFlagsProtNone) {
            int can = 0;
            cushim_backend(NULL)->muDeviceCanAccessPeer(&can, d->location.id, p->device);
            if (!can)
                error = cudaErrorInvalidValue; /* not a peer of the pool's device */
        }
    }
    for (size_t i = 0; error == cudaSuccess && i < count; i++)
        p->access[descList[i].location.id] = descList[i].flags;
    pthread_mutex_unlock(&lock);
    return error;
}

cudaError_t impl_cudaMemPoolGetAccess(enum cudaMemAccessFlags *flags, cudaMemPool_t memPool,
                                      struct cudaMemLocation *location)
{
    if (flags == NULL || location == NULL || location->type != cudaMemLocationTypeDevice ||
        check_device(location->id) != cudaSuccess)
        return cudaErrorInvalidValue;
    pthread_mutex_lock(&lock);
    struct pool *p = pool_find(memPool);
    if (p != NULL)
        *flags = p->access[location->id];
    pthread_mutex_unlock(&lock);
    return p != NULL ? cudaSuccess : cudaErrorInvalidValue;
}

cudaError_t impl_cudaMemPoolExportToShareableHandle(void *shareableHandle, cudaMemPool_t memPool,
                                                    enum cudaMemAllocationHandleType handleType,
                                                    unsigned int flags)
{
    (void)shareableHandle;
    (void)memPool;
    (void)handleType;
    (void)flags;
    say_not_supported("cudaMemPoolExportToShareableHandle");
    return cudaErrorNotSupported;
}

cudaError_t impl_cudaMemPoolImportFromShareableHandle(cudaMemPool_t *memPool,
                                                      void *shareableHandle,
                                                      enum cudaMemAllocationHandleType handleType,
                                                      unsigned int flags)
{
    (void)memPool;
    (void)shareableHandle;
    (void)handleType;
    (void)flags;
    say_not_supported("cudaMemPoolImportFromShareableHandle");
    return cudaErrorNotSupported;
}

cudaError_t impl_cudaMemPoolExportPointer(struct cudaMemPoolPtrExportData *exportData, void *ptr)
{
    (void)exportData;
    (void)ptr;
    say_not_supported("cudaMemPoolExportPointer");
    return cudaErrorNotSupported;
}

cudaError_t impl_cudaMemPoolImportPointer(void **ptr, cudaMemPool_t memPool,
                                          struct cudaMemPoolPtrExportData *exportData)
{
    (void)ptr;
    (void)memPool;
    (void)exportData;
    say_not_supported("cudaMemPoolImportPointer");
    return cudaErrorNotSupported;
}
