/*
 * memory_map.c - see memory_map.h.  The sorted index is an array of record pointers ordered by
 * base; ranges never overlap, so the containing range is the last one starting at or below an
 * address.  Insertions and removals move pointers (fine for the allocation counts programs
 * make); lookups, the common case, are a binary search under a read lock.
 */
#include "memory_map.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <uthash.h>

struct record {
    struct cushim_range range;
    UT_hash_handle hh;
};

static pthread_rwlock_t lock = PTHREAD_RWLOCK_INITIALIZER;
static struct record *by_base;
/* sorted[0..count) starts `head` slots into the allocation slots[capacity]: removing from the
 * first half moves the slots before it up one, so frees in allocation order move nothing. */
static struct record **slots, **sorted;
static size_t head, count, capacity;

/* Index of the first record whose base is greater than address. */
static size_t upper_bound(uintptr_t address)
{
    size_t lo = 0, hi = count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (sorted[mid]->range.base <= address)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static int contains(const struct cushim_range *r, uintptr_t address)
{
    return address >= r->base && address - r->base < (r->size > 0 ? r->size : 1);
}

int cushim_memory_add(const struct cushim_range *range)
{
    struct record *rec = malloc(sizeof *rec);
    if (rec == NULL)
        return -1;
    rec->range = *range;
    size_t span = range->size > 0 ? range->size : 1;
    pthread_rwlock_wrlock(&lock);
    size_t at = upper_bound(range->base);
    int overlaps = (at > 0 && contains(&sorted[at - 1]->range, range->base)) ||
                   (at < count && sorted[at]->range.base - range->base < span);
    if (!overlaps && head + count == capacity && head > 0) { /* reuse the room before */
        memmove(slots, sorted, count * sizeof *sorted);
        sorted = slots;
        head = 0;
    }
    if (!overlaps && count == capacity) {
        size_t bigger = capacity ? capacity * 2 : 64;
        struct record **grown = realloc(slots, bigger * sizeof *grown);
        if (grown == NULL) {
            overlaps = 1;
        } else {
            slots = sorted = grown;
            capacity = bigger;
        }
    }
    if (overlaps) {
        pthread_rwlock_unlock(&lock);
        free(rec);
        return -1;
    }
    HASH_ADD(hh, by_base, range.base, sizeof(uintptr_t), rec);
    if (rec->hh.tbl == NULL) { /* uthash is built non-fatal on allocation failure */
        pthread_rwlock_unlock(&lock);
        free(rec);
        return -1;
    }
    memmove(&sorted[at + 1], &sorted[at], (count - at) * sizeof *sorted);
    sorted[at] = rec;
    count++;
    pthread_rwlock_unlock(&lock);
    return 0;
}

static void unlink_record(struct record *rec)
{
    size_t at = upper_bound(rec->range.base) - 1;
    if (at < count / 2) {
        memmove(&sorted[1], &sorted[0], at * sizeof *sorted);
        sorted++;
        head++;
    } else {
        memmove(&sorted[at], &sorted[at + 1], (count - at - 1) * sizeof *sorted);
    }
    count--;
    HASH_DEL(by_base, rec);
}

int cushim_memory_remove(uintptr_t base, int (*accept)(const struct cushim_range *range),
                         struct cushim_range *out)
{
    struct record *rec;
    pthread_rwlock_wrlock(&lock);
    HASH_FIND(hh, by_base, &base, sizeof base, rec);
    if (rec == NULL || (accept != NULL && !accept(&rec->range))) {
        pthread_rwlock_unlock(&lock);
        return -1;
    }
    unlink_record(rec);
    pthread_rwlock_unlock(&lock);
    if (out != NULL)
        *out = rec->range;
    free(rec);
    return 0;
}

int cushim_memory_find(uintptr_t address, struct cushim_range *out)
{
    int found = -1;
    pthread_rwlock_rdlock(&lock);
    size_t at = upper_bound(address);
    if (at > 0 && contains(&sorted[at - 1]->range, address)) {
        *out = sorted[at - 1]->range;
        found = 0;
    }
    pthread_rwlock_unlock(&lock);
    return found;
}

int cushim_memory_find_span(uintptr_t address, size_t bytes, struct cushim_range *out)
{
    struct cushim_range r;
    if (cushim_memory_find(address, &r) != 0)
        return -1;
    if (bytes > r.size - (address - r.base))
        return -1;
    *out = r;
    return 0;
}

int cushim_memory_remove_device(int device, int (*which)(const struct cushim_range *range),
                                void (*release)(const struct cushim_range *range))
{
    int removed = 0;
    struct record *gone = NULL; /* chained through hh.next once out of the map */
    pthread_rwlock_wrlock(&lock);
    for (size_t i = count; i-- > 0;) {
        struct record *rec = sorted[i];
        if (rec->range.device == device && which(&rec->range)) {
            unlink_record(rec);
            rec->hh.next = gone;
            gone = rec;
            removed++;
        }
    }
    pthread_rwlock_unlock(&lock);
    while (gone != NULL) {
        struct record *next = gone->hh.next;
        if (release != NULL)
            release(&gone->range);
        free(gone);
        gone = next;
    }
    return removed;
}
