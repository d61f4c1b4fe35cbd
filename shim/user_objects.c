/*
 * user_objects.c - user objects: reference-counted program resources whose destructor runs
 * when the last reference goes, references the program holds (cudaUserObjectCreate/Retain/
 * Release) and references graphs hold (cudaGraphRetainUserObject/ReleaseUserObject; a graph's
 * copies -- executable graphs, and so launches still running -- hold them too, graph.c).
 *
 * NVIDIA runs destructors on an internal thread, never in the thread that dropped the last
 * reference (which may hold locks the destructor takes, or be a stream worker): so does this
 * file, on a short-lived detached thread per destructor.  Handles are validated through a
 * uthash map; an object leaves it when its destructor is scheduled.
 */
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <uthash.h>

#include "api.h"
#include "graph.h"

struct cushim_user_object {
    struct cushim_user_object *key; /* the handle: this record's address */
    UT_hash_handle hh;
    void *ptr;
    cudaHostFn_t destroy;
    unsigned long long refs;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct cushim_user_object *objects;

static struct cushim_user_object *find(cudaUserObject_t handle)
{
    struct cushim_user_object *o;
    struct cushim_user_object *key = (struct cushim_user_object *)handle;
    if (handle == NULL)
        return NULL;
    HASH_FIND_PTR(objects, &key, o);
    return o;
}

static void *run_destructor(void *data)
{
    struct cushim_user_object *o = data;
    o->destroy(o->ptr);
    free(o);
    return NULL;
}

/* With the lock held: the last reference is gone. */
static void schedule_destructor(struct cushim_user_object *o)
{
    HASH_DEL(objects, o);
    pthread_t thread;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    int started = pthread_create(&thread, &attr, run_destructor, o) == 0;
    pthread_attr_destroy(&attr);
    if (!started) /* no thread to be had: run it here rather than never */
        run_destructor(o);
}

void cushim_user_object_retain(struct cushim_user_object *o, unsigned count)
{
    pthread_mutex_lock(&lock);
    o->refs += count;
    pthread_mutex_unlock(&lock);
}

void cushim_user_object_release(struct cushim_user_object *o, unsigned count)
{
    pthread_mutex_lock(&lock);
    o->refs = o->refs > count ? o->refs - count : 0;
    if (o->refs == 0)
        schedule_destructor(o);
    pthread_mutex_unlock(&lock);
}

cudaError_t impl_cudaUserObjectCreate(cudaUserObject_t *object_out, void *ptr,
                                      cudaHostFn_t destroy, unsigned int initialRefcount,
                                      unsigned int flags)
{
    /* cudaUserObjectNoDestructorSync is required: nothing can wait for the destructor. */
    if (object_out == NULL || destroy == NULL || initialRefcount == 0 ||
        initialRefcount > INT_MAX || flags != cudaUserObjectNoDestructorSync)
        return cudaErrorInvalidValue;
    struct cushim_user_object *o = calloc(1, sizeof *o);
    if (o == NULL)
        return cudaErrorMemoryAllocation;
    o->key = o;
    o->ptr = ptr;
    o->destroy = destroy;
    o->refs = initialRefcount;
    pthread_mutex_lock(&lock);
    HASH_ADD_PTR(objects, key, o);
    int added = o->hh.tbl != NULL; /* uthash is built non-fatal on allocation failure */
    pthread_mutex_unlock(&lock);
    if (!added) {
        free(o);
        return cudaErrorMemoryAllocation;
    }
    *object_out = (cudaUserObject_t)o;
    return cudaSuccess;
}

static cudaError_t change(cudaUserObject_t object, unsigned count, int retain)
{
    if (count == 0 || count > INT_MAX)
        return cudaErrorInvalidValue;
    cudaError_t error = cudaSuccess;
    pthread_mutex_lock(&lock);
    struct cushim_user_object *o = find(object);
    if (o == NULL) {
        error = cudaErrorInvalidValue;
    } else if (retain) {
        o->refs += count;
    } else {
        o->refs = o->refs > count ? o->refs - count : 0;
        if (o->refs == 0)
            schedule_destructor(o);
    }
    pthread_mutex_unlock(&lock);
    return error;
}

cudaError_t impl_cudaUserObjectRetain(cudaUserObject_t object, unsigned int count)
{
    return change(object, count, 1);
}

cudaError_t impl_cudaUserObjectRelease(cudaUserObject_t object, unsigned int count)
{
    return change(object, count, 0);
}

/* ---- references held by graphs ---------------------------------------------------------- */

cudaError_t impl_cudaGraphRetainUserObject(cudaGraph_t graph, cudaUserObject_t object,
                                           unsigned int count, unsigned int flags)
{
    if (count == 0 || count > INT_MAX || (flags & ~(unsigned)cudaGraphUserObjectMove) != 0)
        return cudaErrorInvalidValue;
    cudaError_t error = cudaSuccess;
    pthread_mutex_lock(&cushim_graph_lock);
    struct cushim_graph *g = cushim_graph_find(graph);
    pthread_mutex_lock(&lock);
    struct cushim_user_object *o = find(object);
    if (g == NULL || o == NULL) {
        error = cudaErrorInvalidValue;
    } else {
        size_t i = 0;
        while (i < g->nurefs && g->urefs[i].object != o)
            i++;
        if (i == g->nurefs) {
            struct cushim_uref *grown = realloc(g->urefs, (g->nurefs + 1) * sizeof *grown);
            if (grown == NULL) {
                error = cudaErrorMemoryAllocation;
            } else {
                g->urefs = grown;
                g->urefs[g->nurefs++] = (struct cushim_uref){o, 0};
            }
        }
        if (error == cudaSuccess) {
            g->urefs[i].count += count;
            /* Moving hands the caller's references over; otherwise the graph adds its own. */
            if (!(flags & cudaGraphUserObjectMove))
                o->refs += count;
        }
    }
    pthread_mutex_unlock(&lock);
    pthread_mutex_unlock(&cushim_graph_lock);
    return error;
}

cudaError_t impl_cudaGraphReleaseUserObject(cudaGraph_t graph, cudaUserObject_t object,
                                            unsigned int count)
{
    if (count == 0 || count > INT_MAX)
        return cudaErrorInvalidValue;
    cudaError_t error = cudaSuccess;
    pthread_mutex_lock(&cushim_graph_lock);
    struct cushim_graph *g = cushim_graph_find(graph);
    pthread_mutex_lock(&lock);
    struct cushim_user_object *o = find(object);
    size_t i = 0;
    while (g != NULL && i < g->nurefs && g->urefs[i].object != o)
        i++;
    /* The graph can release only references it holds. */
    if (g == NULL || o == NULL || i == g->nurefs || g->urefs[i].count < count) {
        error = cudaErrorInvalidValue;
    } else {
        g->urefs[i].count -= count;
        if (g->urefs[i].count == 0)
            g->urefs[i] = g->urefs[--g->nurefs];
        o->refs -= count < o->refs ? count : o->refs;
        if (o->refs == 0)
            schedule_destructor(o);
    }
    pthread_mutex_unlock(&lock);
    pthread_mutex_unlock(&cushim_graph_lock);
    return error;
}
