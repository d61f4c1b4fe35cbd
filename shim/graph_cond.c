/*
 * graph_cond.c - conditional handles (cudaGraphConditionalHandleCreate) and the contract with
 * the device code that sets them.
 *
 * THE HOOK.  A cudaGraphConditionalHandle is the 64-bit device address of a 4-byte cell of
 * device memory that the runtime allocates for it (4-byte aligned, on the device current when
 * the handle is made).  The cell holds the condition's value as an unsigned 32-bit integer.
 * Device code sets it with the extern device function cudaGraphSetConditional(handle, value)
 * (PTX: `.extern .func cudaGraphSetConditional(.param .b64 handle, .param .b32 value)`), which
 * the PTX engine must provide as exactly one 32-bit global store of `value` to the address
 * `handle` -- nothing else.  The runtime reads the cell (a device-to-host copy, in stream
 * order) when a conditional node is reached, after everything the node depends on has
 * completed, and writes the handle's default into it at the start of each launch when the
 * handle was made with cudaGraphCondAssignDefault (and before the first launch otherwise).
 * Until the engine provides cudaGraphSetConditional, a kernel can store to the address itself:
 * `*(unsigned *)handle = value` is the same operation.
 *
 * Handles are found by their value in a uthash map under this file's own lock (to check the
 * handle of a new conditional node); graphs hold the records themselves, so a handle lives
 * while the graph that made it, or a copy of that graph (an executable graph), does.
 */
#include <pthread.h>
#include <stdlib.h>
#include <uthash.h>

#include "api.h"
#include "device.h"
#include "graph.h"
#include "mempool.h"

struct cushim_cond {
    cudaGraphConditionalHandle value; /* key: the cell's address */
    UT_hash_handle hh;
    unsigned default_value;
    unsigned flags;
    int device;
    size_t extent;
    int refs;
    int initialized; /* the default has been written once */
    int dead;        /* its device was reset: the cell is gone (and out of the map) */
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct cushim_cond *conds; /* by handle */

static struct cushim_cond *find(cudaGraphConditionalHandle handle)
{
    struct cushim_cond *c;
    HASH_FIND(hh, conds, &handle, sizeof handle, c);
    return c;
}

int cushim_cond_lookup(cudaGraphConditionalHandle handle, unsigned *default_value,
                       unsigned *flags)
{
    pthread_mutex_lock(&lock);
    struct cushim_cond *c = find(handle);
    if (c != NULL && default_value != NULL)
        *default_value = c->default_value;
    if (c != NULL && flags != NULL)
        *flags = c->flags;
    pthread_mutex_unlock(&lock);
    return c != NULL;
}

void cushim_cond_ref(struct cushim_cond *c)
{
    pthread_mutex_lock(&lock);
    c->refs++;
    pthread_mutex_unlock(&lock);
}

void cushim_cond_unref(struct cushim_cond *c)
{
    pthread_mutex_lock(&lock);
    if (--c->refs == 0) {
        if (!c->dead) {
            HASH_DEL(conds, c);
            cushim_mempool_give_back(c->device, (uintptr_t)c->value, c->extent);
        }
        free(c);
    }
    pthread_mutex_unlock(&lock);
}

cudaGraphConditionalHandle cushim_cond_handle(const struct cushim_cond *c)
{
    return c->value;
}

const unsigned *cushim_cond_default_to_write(struct cushim_cond *c)
{
    const unsigned *value = NULL;
    pthread_mutex_lock(&lock);
    if ((c->flags & cudaGraphCondAssignDefault) || !c->initialized) {
        c->initialized = 1;
        value = &c->default_value; /* stays put while a plan holds the handle */
    }
    pthread_mutex_unlock(&lock);
    return value;
}

void cushim_cond_forget_device(int device)
{
    struct cushim_cond *c, *tmp;
    pthread_mutex_lock(&lock);
    HASH_ITER(hh, conds, c, tmp)
    {
        /* The reset freed the cell, and its address may be handed out again: out of the map,
         * kept only for the graphs that still name it. */
        if (c->device == device) {
            c->dead = 1;
            HASH_DEL(conds, c);
        }
    }
    pthread_mutex_unlock(&lock);
}

cudaError_t impl_cudaGraphConditionalHandleCreate(cudaGraphConditionalHandle *pHandle_out,
                                                  cudaGraph_t graph,
                                                  unsigned int defaultLaunchValue,
                                                  unsigned int flags)
{
    if (pHandle_out == NULL || (flags & ~(unsigned)cudaGraphCondAssignDefault) != 0)
        return cudaErrorInvalidValue;
    const struct mu_driver *driver;
    int device;
    cudaError_t error = cushim_begin(&driver, &device);
    if (error != cudaSuccess)
        return error;
    struct cushim_cond *c = calloc(1, sizeof *c);
    if (c == NULL)
        return cudaErrorMemoryAllocation;
    uintptr_t cell;
    error = cushim_mempool_take(device, sizeof(unsigned), &cell, &c->extent);
    if (error != cudaSuccess) {
        free(c);
        return error;
    }
    c->value = (cudaGraphConditionalHandle)cell;
    c->default_value = defaultLaunchValue;
    c->flags = flags;
    c->device = device;
    c->refs = 1; /* the graph's */
    pthread_mutex_lock(&cushim_graph_lock);
    struct cushim_graph *g = cushim_graph_find(graph);
    struct cushim_cond **grown = g != NULL ? realloc(g->conds, (g->nconds + 1) * sizeof *grown)
                                           : NULL;
    if (grown != NULL) {
        g->conds = grown;
        pthread_mutex_lock(&lock);
        HASH_ADD(hh, conds, value, sizeof c->value, c);
        pthread_mutex_unlock(&lock);
        if (c->hh.tbl == NULL) /* uthash is built non-fatal on allocation failure */
            grown = NULL;
        else
            g->conds[g->nconds++] = c;
    }
    pthread_mutex_unlock(&cushim_graph_lock);
    if (grown == NULL) {
        cushim_mempool_give_back(device, cell, c->extent);
        free(c);
        return g == NULL ? cudaErrorInvalidValue : cudaErrorMemoryAllocation;
    }
    *pHandle_out = c->value;
    return cudaSuccess;
}
