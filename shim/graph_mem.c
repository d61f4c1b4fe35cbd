/*
 * graph_mem.c - graph allocations (see graph_mem.h) and the device-wide graph memory API:
 * cudaDeviceGraphMemTrim and cudaDeviceGet/SetGraphMemAttribute.  Its own lock guards the
 * allocations, so a launch ending on a stream worker can drop a reference without the graph
 * lock.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <uthash.h>

#include "api.h"
#include "device.h"
#include "graph.h"
#include "graph_mem.h"
#include "memory_map.h"
#include "mempool.h"

/* Physical memory as NVIDIA's graph allocator accounts for it: a chunk backs one allocation
 * while it is allocated and is reused by the next allocation it fits once that is freed, until
 * a trim lets unused chunks go.  (The memory itself is the allocation's own; chunks are only
 * the accounting that cudaDeviceGetGraphMemAttribute reports.) */
struct chunk {
    size_t size;
    int in_use;
    struct chunk *next;
};

struct cushim_gmem {
    uintptr_t base; /* key */
    size_t size, extent;
    int device;
    int refs;             /* nodes that name it */
    int outstanding;      /* allocated by a launch, not freed since */
    struct chunk *backing; /* while outstanding */
    int freed_by_graph;   /* its own graph frees it */
    int dead;             /* its device was reset: the memory is gone */
    UT_hash_handle hh;
};

struct usage {
    struct chunk *chunks;
    uint64_t bytes, high; /* all chunks: memory associated with graphs */
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct cushim_gmem *by_base;
static struct usage usage[CUSHIM_MAX_DEVICES];

cudaError_t cushim_gmem_create(int device, size_t size, struct cushim_gmem **out)
{
    if (size == 0)
        return cudaErrorInvalidValue;
    struct cushim_gmem *m = calloc(1, sizeof *m);
    if (m == NULL)
        return cudaErrorMemoryAllocation;
    cudaError_t error = cushim_mempool_take(device, size, &m->base, &m->extent);
    if (error != cudaSuccess) {
        free(m);
        return error;
    }
    struct cushim_range r = {m->base, size, CUSHIM_MEM_DEVICE, device, CUSHIM_MEM_FLAG_GRAPH};
    if (cushim_memory_add(&r) != 0) {
        cushim_mempool_give_back(device, m->base, m->extent);
        free(m);
        return cudaErrorMemoryAllocation;
    }
    m->size = size;
    m->device = device;
    m->refs = 1;
    pthread_mutex_lock(&lock);
    HASH_ADD(hh, by_base, base, sizeof m->base, m);
    int added = m->hh.tbl != NULL; /* uthash is built non-fatal on allocation failure */
    pthread_mutex_unlock(&lock);
    if (!added) {
        cushim_memory_remove(m->base, NULL, NULL);
        cushim_mempool_give_back(device, m->base, m->extent);
        free(m);
        return cudaErrorMemoryAllocation;
    }
    *out = m;
    return cudaSuccess;
}

struct cushim_gmem *cushim_gmem_lookup(const void *dptr)
{
    struct cushim_gmem *m;
    uintptr_t base = (uintptr_t)dptr;
    pthread_mutex_lock(&lock);
    HASH_FIND(hh, by_base, &base, sizeof base, m);
    if (m != NULL)
        m->refs++;
    pthread_mutex_unlock(&lock);
    return m;
}

void cushim_gmem_ref(struct cushim_gmem *m)
{
    pthread_mutex_lock(&lock);
    m->refs++;
    pthread_mutex_unlock(&lock);
}

/* With the lock held: forget an allocation nothing names and nobody holds. */
static void release_if_unused(struct cushim_gmem *m)
{
    if (m->refs > 0 || m->outstanding)
        return;
    if (!m->dead) {
        HASH_DEL(by_base, m);
        cushim_memory_remove(m->base, NULL, NULL);
        cushim_mempool_give_back(m->device, m->base, m->extent);
    }
    free(m);
}

void cushim_gmem_unref(struct cushim_gmem *m)
{
    pthread_mutex_lock(&lock);
    m->refs--;
    release_if_unused(m);
    pthread_mutex_unlock(&lock);
}

void *cushim_gmem_base(const struct cushim_gmem *m)
{
    return (void *)m->base;
}

void cushim_gmem_set_freed_by_graph(struct cushim_gmem *m, int yes)
{
    pthread_mutex_lock(&lock);
    m->freed_by_graph = yes;
    pthread_mutex_unlock(&lock);
}

int cushim_gmem_freed_by_graph(const struct cushim_gmem *m)
{
    pthread_mutex_lock(&lock);
    int yes = m->freed_by_graph;
    pthread_mutex_unlock(&lock);
    return yes;
}

static void set_allocated(struct cushim_gmem *m)
{
    if (m->outstanding)
        return; /* freed automatically by this relaunch and allocated again */
    m->outstanding = 1;
    struct usage *u = &usage[m->device];
    struct chunk *best = NULL;
    for (struct chunk *c = u->chunks; c != NULL; c = c->next)
        if (!c->in_use && c->size >= m->size && (best == NULL || c->size < best->size))
            best = c;
    if (best == NULL && (best = calloc(1, sizeof *best)) != NULL) {
        best->size = m->size;
        best->next = u->chunks;
        u->chunks = best;
        u->bytes += m->size;
        if (u->bytes > u->high)
            u->high = u->bytes;
    }
    if (best != NULL)
        best->in_use = 1;
    m->backing = best;
}

static void set_freed(struct cushim_gmem *m)
{
    if (!m->outstanding)
        return;
    m->outstanding = 0;
    if (m->backing != NULL)
        m->backing->in_use = 0;
    m->backing = NULL;
}

/* pass 0: is any allocation of the plan still allocated?  pass 1: apply the plan's
 * allocations and frees in its order. */
static int walk(struct cushim_graph *g, int pass)
{
    for (size_t i = 0; i < g->count; i++) {
        struct cushim_node *n = g->order[i];
        if (n->op.kind == cudaGraphNodeTypeGraph) {
            if (walk(n->op.child.graph, pass))
                return 1;
        } else if (n->op.kind == cudaGraphNodeTypeMemAlloc) {
            if (pass == 0 && n->op.alloc.mem->outstanding)
                return 1;
            if (pass == 1)
                set_allocated(n->op.alloc.mem);
        } else if (n->op.kind == cudaGraphNodeTypeMemFree && pass == 1 &&
                   n->op.free.mem != NULL) {
            set_freed(n->op.free.mem);
        }
    }
    return 0;
}

cudaError_t cushim_gmem_launch(struct cushim_graph *plan, int auto_free)
{
    pthread_mutex_lock(&lock);
    if (!auto_free && walk(plan, 0)) {
        pthread_mutex_unlock(&lock);
        return cudaErrorInvalidValue; /* NVIDIA: an allocation of the last launch is unfreed */
    }
    walk(plan, 1);
    pthread_mutex_unlock(&lock);
    return cudaSuccess;
}

cudaError_t cushim_gmem_free_outside(const void *dptr)
{
    struct cushim_gmem *m;
    uintptr_t base = (uintptr_t)dptr;
    cudaError_t error = cudaSuccess;
    pthread_mutex_lock(&lock);
    HASH_FIND(hh, by_base, &base, sizeof base, m);
    /* Only an allocation that is allocated, and that its graph does not free itself. */
    if (m == NULL || !m->outstanding || m->freed_by_graph) {
        error = cudaErrorInvalidValue;
    } else {
        set_freed(m);
        release_if_unused(m);
    }
    pthread_mutex_unlock(&lock);
    return error;
}

void cushim_gmem_forget_device(int device)
{
    struct cushim_gmem *m, *tmp;
    pthread_mutex_lock(&lock);
    HASH_ITER(hh, by_base, m, tmp)
    {
        /* The device's memory is gone; nodes that still name an allocation keep a record
         * without memory. */
        if (m->device == device) {
            m->outstanding = 0;
            m->backing = NULL;
            m->dead = 1;
            HASH_DEL(by_base, m); /* its address may be handed out again */
            if (m->refs == 0)
                free(m);
        }
    }
    for (struct chunk *c = usage[device].chunks, *next; c != NULL; c = next) {
        next = c->next;
        free(c);
    }
    usage[device] = (struct usage){0};
    pthread_mutex_unlock(&lock);
}

/* ---- the API --------------------------------------------------------------------------- */

static cudaError_t check_device(int device)
{
    const struct mu_driver *driver;
    return cushim_begin_device(&driver, device);
}

cudaError_t impl_cudaDeviceGraphMemTrim(int device)
{
    cudaError_t error = check_device(device);
    if (error != cudaSuccess)
        return error;
    pthread_mutex_lock(&lock);
    struct usage *u = &usage[device];
    for (struct chunk **c = &u->chunks; *c != NULL;) {
        struct chunk *chunk = *c;
        if (chunk->in_use) {
            c = &chunk->next;
            continue;
        }
        *c = chunk->next; /* memory no allocation holds goes back */
        u->bytes -= chunk->size;
        free(chunk);
    }
    pthread_mutex_unlock(&lock);
    cushim_mempool_flush(device);
    return cudaSuccess;
}

/* NVIDIA tells apart memory in use by graphs and memory its graph allocator reserved; here
 * both are the chunks above. */
cudaError_t impl_cudaDeviceGetGraphMemAttribute(int device, enum cudaGraphMemAttributeType attr,
                                                void *value)
{
    cudaError_t error = check_device(device);
    if (error != cudaSuccess)
        return error;
    if (value == NULL)
        return cudaErrorInvalidValue;
    uint64_t v = 0;
    pthread_mutex_lock(&lock);
    const struct usage *u = &usage[device];
    switch (attr) {
    case cudaGraphMemAttrUsedMemCurrent:
    case cudaGraphMemAttrReservedMemCurrent:
        v = u->bytes;
        break;
    case cudaGraphMemAttrUsedMemHigh:
    case cudaGraphMemAttrReservedMemHigh:
        v = u->high;
        break;
    default:
        error = cudaErrorInvalidValue;
        break;
    }
    pthread_mutex_unlock(&lock);
    if (error == cudaSuccess)
        *(uint64_t *)value = v;
    return error;
}

cudaError_t impl_cudaDeviceSetGraphMemAttribute(int device, enum cudaGraphMemAttributeType attr,
                                                void *value)
{
    cudaError_t error = check_device(device);
    if (error != cudaSuccess)
        return error;
    /* Only the high watermarks can be set, and only to zero: a reset. */
    if (value == NULL || *(const uint64_t *)value != 0)
        return cudaErrorInvalidValue;
    pthread_mutex_lock(&lock);
    struct usage *u = &usage[device];
    if (attr == cudaGraphMemAttrUsedMemHigh || attr == cudaGraphMemAttrReservedMemHigh)
        u->high = u->bytes;
    else
        error = cudaErrorInvalidValue;
    pthread_mutex_unlock(&lock);
    return error;
}
