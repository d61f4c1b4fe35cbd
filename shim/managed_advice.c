/*
 * managed_advice.c - the advice and prefetch history of managed memory, for
 * cudaMemRangeGetAttribute(s).
 *
 * Owns: per managed allocation, a sorted list of segments that cover it, each with one set of
 * attributes (read-mostly, preferred location, the devices that access it, where it was last
 * prefetched).  Advice over a range splits segments at its ends and changes those inside;
 * neighbours that end up alike merge again, so the list stays as short as the history allows.
 * Memory is always resident on the cpu device, so none of this moves data: it is what the
 * program said, answered back exactly as NVIDIA documents the queries.
 * Must not: check that ranges are managed memory (memory.c does, with memory_map.c).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <uthash.h>

#include "managed_advice.h"

#define HOST_BIT 63 /* accessed_by: bit d is device d, this bit the host */

struct segment {
    uintptr_t lo; /* up to the next segment's lo, or the allocation's end */
    unsigned char read_mostly;
    struct cudaMemLocation preferred;  /* type cudaMemLocationTypeInvalid: none */
    struct cudaMemLocation prefetched; /* type cudaMemLocationTypeInvalid: never */
    uint64_t accessed_by;
};

struct advice_rec {
    uintptr_t base;
    size_t size;
    int device;
    size_t n, cap;
    struct segment *seg;
    UT_hash_handle hh;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct advice_rec *records;

static void drop(struct advice_rec *rec)
{
    HASH_DEL(records, rec);
    free(rec->seg);
    free(rec);
}

/* The record of r, created (one default segment) when `create`; NULL when there is none or
 * memory ran out.  A record left by an earlier allocation at the same base is replaced. */
static struct advice_rec *record_of(const struct cushim_range *r, int create)
{
    struct advice_rec *rec;
    HASH_FIND(hh, records, &r->base, sizeof r->base, rec);
    if (rec != NULL && rec->size != r->size) {
        drop(rec);
        rec = NULL;
    }
    if (rec != NULL || !create)
        return rec;
    rec = calloc(1, sizeof *rec);
    struct segment *seg = calloc(4, sizeof *seg);
    if (rec == NULL || seg == NULL) {
        free(rec);
        free(seg);
        return NULL;
    }
    *rec = (struct advice_rec){.base = r->base, .size = r->size, .device = r->device, .n = 1,
                               .cap = 4, .seg = seg};
    seg[0].lo = r->base;
    HASH_ADD(hh, records, base, sizeof rec->base, rec);
    if (rec->hh.tbl == NULL) { /* uthash is built non-fatal on allocation failure */
        free(seg);
        free(rec);
        return NULL;
    }
    return rec;
}

/* Make a segment start at `at` (inside the allocation); -1 when memory ran out. */
static int split(struct advice_rec *rec, uintptr_t at)
{
    if (at <= rec->base || at >= rec->base + rec->size)
        return 0;
    size_t i = 0;
    while (i + 1 < rec->n && rec->seg[i + 1].lo <= at)
        i++;
    if (rec->seg[i].lo == at)
        return 0;
    if (rec->n == rec->cap) {
        struct segment *grown = realloc(rec->seg, 2 * rec->cap * sizeof *grown);
        if (grown == NULL)
            return -1;
        rec->seg = grown;
        rec->cap *= 2;
    }
    memmove(&rec->seg[i + 2], &rec->seg[i + 1], (rec->n - i - 1) * sizeof *rec->seg);
    rec->seg[i + 1] = rec->seg[i];
    rec->seg[i + 1].lo = at;
    rec->n++;
    return 0;
}

static int same_location(const struct cudaMemLocation *a, const struct cudaMemLocation *b)
{
    return a->type == b->type && (a->type == cudaMemLocationTypeInvalid || a->id == b->id);
}

static int alike(const struct segment *a, const struct segment *b)
{
    return a->read_mostly == b->read_mostly && a->accessed_by == b->accessed_by &&
           same_location(&a->preferred, &b->preferred) &&
           same_location(&a->prefetched, &b->prefetched);
}

static void merge(struct advice_rec *rec)
{
    size_t out = 0;
    for (size_t i = 1; i < rec->n; i++) {
        if (alike(&rec->seg[out], &rec->seg[i]))
            continue;
        rec->seg[++out] = rec->seg[i];
    }
    rec->n = out + 1;
}

static uint64_t location_bit(struct cudaMemLocation l)
{
    if (l.type == cudaMemLocationTypeDevice)
        return l.id >= 0 && l.id < HOST_BIT ? 1ull << l.id : 0;
    return 1ull << HOST_BIT;
}

static void advise(struct segment *s, enum cudaMemoryAdvise advice, struct cudaMemLocation l)
{
    switch (advice) {
    case cudaMemAdviseSetReadMostly: s->read_mostly = 1; break;
    case cudaMemAdviseUnsetReadMostly: s->read_mostly = 0; break;
    case cudaMemAdviseSetPreferredLocation: s->preferred = l; break;
    case cudaMemAdviseUnsetPreferredLocation: s->preferred.type = cudaMemLocationTypeInvalid; break;
    case cudaMemAdviseSetAccessedBy: s->accessed_by |= location_bit(l); break;
    case cudaMemAdviseUnsetAccessedBy: s->accessed_by &= ~location_bit(l); break;
    }
}

/* Apply advice (or, with advice 0, a prefetch) to the segments of [ptr, ptr+count). */
static cudaError_t change(const struct cushim_range *r, uintptr_t ptr, size_t count,
                          enum cudaMemoryAdvise advice, struct cudaMemLocation l)
{
    pthread_mutex_lock(&lock);
    struct advice_rec *rec = record_of(r, 1);
    if (rec == NULL || split(rec, ptr) != 0 || split(rec, ptr + count) != 0) {
        pthread_mutex_unlock(&lock);
        return cudaErrorMemoryAllocation;
    }
    for (size_t i = 0; i < rec->n; i++) {
        if (rec->seg[i].lo < ptr || rec->seg[i].lo >= ptr + count)
            continue;
        if ((int)advice == 0)
            rec->seg[i].prefetched = l;
        else
            advise(&rec->seg[i], advice, l);
    }
    merge(rec);
    pthread_mutex_unlock(&lock);
    return cudaSuccess;
}

cudaError_t cushim_advice_apply(const struct cushim_range *r, uintptr_t ptr, size_t count,
                                enum cudaMemoryAdvise advice, struct cudaMemLocation location)
{
    return change(r, ptr, count, advice, location);
}

cudaError_t cushim_advice_prefetched(const struct cushim_range *r, uintptr_t ptr, size_t count,
                                     struct cudaMemLocation location)
{
    return change(r, ptr, count, (enum cudaMemoryAdvise)0, location);
}

/* The legacy int form of a location: a device ordinal, cudaCpuDeviceId or cudaInvalidDeviceId. */
static int device_id(struct cudaMemLocation l)
{
    switch (l.type) {
    case cudaMemLocationTypeDevice: return l.id;
    case cudaMemLocationTypeInvalid: return cudaInvalidDeviceId;
    default: return cudaCpuDeviceId;
    }
}

/* What every segment of the range agrees on: the attributes of a segment whose fields are
 * those all agree on (locations of differing segments become invalid, read-mostly is the AND,
 * accessed-by the intersection). */
static struct segment agreed(const struct advice_rec *rec, uintptr_t ptr, size_t count)
{
    struct segment all = {0};
    if (rec == NULL)
        return all;
    int first = 1;
    for (size_t i = 0; i < rec->n; i++) {
        uintptr_t lo = rec->seg[i].lo, hi = i + 1 < rec->n ? rec->seg[i + 1].lo : rec->base + rec->size;
        if (hi <= ptr || lo >= ptr + count)
            continue;
        const struct segment *s = &rec->seg[i];
        if (first) {
            all = *s;
            first = 0;
            continue;
        }
        all.read_mostly &= s->read_mostly;
        all.accessed_by &= s->accessed_by;
        if (!same_location(&all.preferred, &s->preferred))
            all.preferred.type = cudaMemLocationTypeInvalid;
        if (!same_location(&all.prefetched, &s->prefetched))
            all.prefetched.type = cudaMemLocationTypeInvalid;
    }
    return all;
}

cudaError_t cushim_advice_query(void *data, size_t dataSize, enum cudaMemRangeAttribute attribute,
                                const struct cushim_range *r, uintptr_t ptr, size_t count)
{
    if (data == NULL)
        return cudaErrorInvalidValue;
    int single = attribute != cudaMemRangeAttributeAccessedBy;
    if ((single && dataSize != sizeof(int)) || (!single && (dataSize == 0 || dataSize % sizeof(int))))
        return cudaErrorInvalidValue;
    pthread_mutex_lock(&lock);
    struct segment all = agreed(record_of(r, 0), ptr, count);
    pthread_mutex_unlock(&lock);
    int *out = data;
    switch (attribute) {
    case cudaMemRangeAttributeReadMostly: *out = all.read_mostly; return cudaSuccess;
    case cudaMemRangeAttributePreferredLocation: *out = device_id(all.preferred); return cudaSuccess;
    case cudaMemRangeAttributeLastPrefetchLocation: *out = device_id(all.prefetched); return cudaSuccess;
    case cudaMemRangeAttributePreferredLocationType: *out = (int)all.preferred.type; return cudaSuccess;
    case cudaMemRangeAttributeLastPrefetchLocationType: *out = (int)all.prefetched.type; return cudaSuccess;
    case cudaMemRangeAttributePreferredLocationId:
        *out = all.preferred.type == cudaMemLocationTypeInvalid ? cudaInvalidDeviceId : all.preferred.id;
        return cudaSuccess;
    case cudaMemRangeAttributeLastPrefetchLocationId:
        *out = all.prefetched.type == cudaMemLocationTypeInvalid ? cudaInvalidDeviceId : all.prefetched.id;
        return cudaSuccess;
    case cudaMemRangeAttributeAccessedBy: {
        size_t slots = dataSize / sizeof(int), k = 0;
        for (int d = 0; d < HOST_BIT && k < slots; d++)
            if (all.accessed_by & (1ull << d))
                out[k++] = d;
        if (k < slots && (all.accessed_by & (1ull << HOST_BIT)))
            out[k++] = cudaCpuDeviceId;
        while (k < slots)
            out[k++] = cudaInvalidDeviceId;
        return cudaSuccess;
    }
    }
    return cudaErrorInvalidValue;
}

void cushim_advice_forget(uintptr_t base)
{
    struct advice_rec *rec;
    pthread_mutex_lock(&lock);
    HASH_FIND(hh, records, &base, sizeof base, rec);
    if (rec != NULL)
        drop(rec);
    pthread_mutex_unlock(&lock);
}

void cushim_advice_forget_device(int device)
{
    struct advice_rec *rec, *tmp;
    pthread_mutex_lock(&lock);
    HASH_ITER(hh, records, rec, tmp)
    {
        if (rec->device == device)
            drop(rec);
    }
    pthread_mutex_unlock(&lock);
}
