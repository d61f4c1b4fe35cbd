/*
 * eng_heap.c - the device heap behind device-side malloc/free.
 *
 * Owns: one heap per device (keyed by its engine_host context), carved out of one block of
 * device memory from engine_host.alloc so kernels' accesses to heap blocks pass the address
 * checks.  First fit over an address-ordered free list with coalescing; a mutex per heap
 * (device malloc is called from blocks running on different host threads).  Freeing
 * something that is not a live heap block is ignored, as a GPU does not report it either.
 */
#include <pthread.h>
#include <stdlib.h>

#include "eng_builtin.h"

#define HDR 16u
#define MAGIC_USED 0x48454150555345ull /* "HEAPUSE" */
#define MAGIC_FREE 0x48454150465245ull /* "HEAPFRE" */

struct blk {
    uint64_t size;  /* bytes including this header */
    uint64_t magic;
};

struct heap {
    void *ctx;
    struct engine_host host;
    uint8_t *base;
    size_t size;
    pthread_mutex_t mu;
    struct blk *free; /* first free block; free blocks link through their first payload word */
    struct heap *next;
};

static pthread_mutex_t heaps_mu = PTHREAD_MUTEX_INITIALIZER;
static struct heap *heaps;

static struct blk **next_of(struct blk *b)
{
    return (struct blk **)(void *)((uint8_t *)b + HDR);
}

static struct heap *heap_for(const struct engine_host *host, size_t heap_size, int create)
{
    pthread_mutex_lock(&heaps_mu);
    struct heap *h = heaps;
    while (h && h->ctx != host->ctx)
        h = h->next;
    if (!h && create) {
        h = calloc(1, sizeof *h);
        size_t size = heap_size ? heap_size : (size_t)8 << 20;
        size = (size + 15) & ~(size_t)15;
        if (h)
            h->base = host->alloc(host->ctx, size, 16);
        if (h && h->base) {
            h->ctx = host->ctx;
            h->host = *host;
            h->size = size;
            pthread_mutex_init(&h->mu, NULL);
            struct blk *b = (struct blk *)(void *)h->base;
            b->size = size;
            b->magic = MAGIC_FREE;
            *next_of(b) = NULL;
            h->free = b;
            h->next = heaps;
            heaps = h;
        } else {
            free(h);
            h = NULL;
        }
    }
    pthread_mutex_unlock(&heaps_mu);
    return h;
}

uint64_t eng_heap_malloc(const struct engine_host *host, size_t heap_size, uint64_t bytes)
{
    struct heap *h = heap_for(host, heap_size, 1);
    if (!h || bytes == 0 || bytes > h->size)
        return 0;
    uint64_t need = ((bytes + 15) & ~15ull) + HDR;
    if (need < 2 * HDR)
        need = 2 * HDR;
    pthread_mutex_lock(&h->mu);
    struct blk **pp = &h->free, *b;
    while ((b = *pp) && b->size < need)
        pp = next_of(b);
    uint64_t r = 0;
    if (b) {
        if (b->size - need >= 2 * HDR) {
            struct blk *rest = (struct blk *)(void *)((uint8_t *)b + need);
            rest->size = b->size - need;
            rest->magic = MAGIC_FREE;
            *next_of(rest) = *next_of(b);
            *pp = rest;
            b->size = need;
        } else {
            *pp = *next_of(b);
        }
        b->magic = MAGIC_USED;
        r = (uint64_t)(uintptr_t)((uint8_t *)b + HDR);
    }
    pthread_mutex_unlock(&h->mu);
    return r;
}

void eng_heap_free(const struct engine_host *host, uint64_t ptr)
{
    struct heap *h = heap_for(host, 0, 0);
    if (!h || !ptr)
        return;
    uint8_t *p = (uint8_t *)(uintptr_t)ptr;
    if (p < h->base + HDR || p >= h->base + h->size || ((p - h->base) & 15))
        return;
    struct blk *b = (struct blk *)(void *)(p - HDR);
    pthread_mutex_lock(&h->mu);
    if (b->magic != MAGIC_USED) {
        pthread_mutex_unlock(&h->mu);
        return;
    }
    b->magic = MAGIC_FREE;
    struct blk **pp = &h->free, *prev = NULL;
    while (*pp && *pp < b) {
        prev = *pp;
        pp = next_of(*pp);
    }
    *next_of(b) = *pp;
    *pp = b;
    struct blk *nx = *next_of(b);
    if (nx && (uint8_t *)b + b->size == (uint8_t *)nx) {
        b->size += nx->size;
        *next_of(b) = *next_of(nx);
    }
    if (prev && (uint8_t *)prev + prev->size == (uint8_t *)b) {
        prev->size += b->size;
        *next_of(prev) = *next_of(b);
    }
    pthread_mutex_unlock(&h->mu);
}

int engine_host_heap_created(const struct engine_host *host)
{
    return host != NULL && heap_for(host, 0, 0) != NULL;
}

void engine_host_release(const struct engine_host *host)
{
    if (!host)
        return;
    pthread_mutex_lock(&heaps_mu);
    struct heap **pp = &heaps;
    while (*pp && (*pp)->ctx != host->ctx)
        pp = &(*pp)->next;
    struct heap *h = *pp;
    if (h)
        *pp = h->next;
    pthread_mutex_unlock(&heaps_mu);
    if (h) {
        h->host.free(h->host.ctx, h->base);
        pthread_mutex_destroy(&h->mu);
        free(h);
    }
}
