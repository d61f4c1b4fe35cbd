/*
 * cpu_tracker.c - the sorted range table behind cpu_tracker.h.
 *
 * Owns: the table and its reader/writer lock.  Lookups (the engine's slow path, copy checks)
 * take the read side and binary-search; inserts and removals take the write side and shift the
 * array.  A sorted array beats a tree here: lookups are far more frequent than changes, and a
 * program has thousands of live allocations, not millions.
 * Must not: call out of this file while holding the lock, or allocate under the read lock.
 */
#include "cpu_tracker.h"

#include <pthread.h>
#include <string.h>

#include "cpu_alloc.h"

static pthread_rwlock_t lock;
static pthread_once_t lock_once = PTHREAD_ONCE_INIT;
/* table[0..count) sorted by base, ranges never overlapping, starts `head` entries into the
 * allocation buf of `capacity` entries: a removal in the first half moves the entries before
 * it up one instead of the rest down, so freeing in allocation order (FIFO) or in reverse
 * (LIFO) moves nothing and 100k frees stay linear. */
static struct cpu_range *buf, *table;
static size_t head, count, capacity;

/* Writers first: the engine's threads read constantly and must not starve a cudaFree. */
static void init_lock(void)
{
    pthread_rwlockattr_t attr;
    pthread_rwlockattr_init(&attr);
    pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
    pthread_rwlock_init(&lock, &attr);
    pthread_rwlockattr_destroy(&attr);
}

static void read_lock(void)
{
    pthread_once(&lock_once, init_lock);
    pthread_rwlock_rdlock(&lock);
}

static void write_lock(void)
{
    pthread_once(&lock_once, init_lock);
    pthread_rwlock_wrlock(&lock);
}

/* Index of the first range whose base is greater than addr. */
static size_t upper_bound(uint64_t addr)
{
    size_t lo = 0, hi = count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (table[mid].base <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

MUresult cpu_tracker_insert(const struct cpu_range *range)
{
    if (range->size == 0 || range->base + range->size < range->base)
        return MU_ERROR_INVALID_VALUE;
    write_lock();
    if (head + count == capacity && head > 0) { /* no room after: take back the room before */
        memmove(buf, table, count * sizeof *table);
        table = buf;
        head = 0;
    }
    if (count == capacity) {
        size_t grown = capacity ? capacity * 2 : 64;
        struct cpu_range *bigger = cpu_realloc(buf, grown * sizeof *bigger);
        if (bigger == NULL) {
            pthread_rwlock_unlock(&lock);
            return MU_ERROR_MEMORY_ALLOCATION;
        }
        buf = table = bigger;
        capacity = grown;
    }
    size_t at = upper_bound(range->base);
    int overlaps = (at > 0 && table[at - 1].base + table[at - 1].size > range->base) ||
                   (at < count && range->base + range->size > table[at].base);
    if (overlaps) {
        pthread_rwlock_unlock(&lock);
        return MU_ERROR_HOST_MEMORY_ALREADY_REGISTERED;
    }
    memmove(&table[at + 1], &table[at], (count - at) * sizeof *table);
    table[at] = *range;
    count++;
    pthread_rwlock_unlock(&lock);
    return MU_SUCCESS;
}

int cpu_tracker_find(uint64_t addr, struct cpu_range *out)
{
    int found = 0;
    read_lock();
    size_t at = upper_bound(addr);
    if (at > 0 && addr - table[at - 1].base < table[at - 1].size) {
        *out = table[at - 1];
        found = 1;
    }
    pthread_rwlock_unlock(&lock);
    return found;
}

int cpu_tracker_find_padding(uint64_t addr, struct cpu_range *out)
{
    int found = 0;
    read_lock();
    size_t at = upper_bound(addr);
    if (at > 0) {
        const struct cpu_range *r = &table[at - 1];
        found = addr - r->base >= r->size && addr - r->base < r->extent && r->kind != CPU_RANGE_REGISTERED;
        if (found)
            *out = *r;
    }
    pthread_rwlock_unlock(&lock);
    return found;
}

static void remove_at(size_t at, struct cpu_range *out)
{
    *out = table[at];
    if (at < count / 2) {
        memmove(&table[1], &table[0], at * sizeof *table);
        table++;
        head++;
    } else {
        memmove(&table[at], &table[at + 1], (count - at - 1) * sizeof *table);
    }
    count--;
    if (count == 0) { /* give the table back: a reset process is leak-free under valgrind */
        cpu_free(buf);
        buf = table = NULL;
        head = capacity = 0;
    }
}

int cpu_tracker_remove(uint64_t base, unsigned kinds, struct cpu_range *out)
{
    int found = 0;
    write_lock();
    size_t at = upper_bound(base);
    if (at > 0 && table[at - 1].base == base && (table[at - 1].kind & kinds)) {
        remove_at(at - 1, out);
        found = 1;
    }
    pthread_rwlock_unlock(&lock);
    return found;
}

int cpu_tracker_remove_any(int dev, unsigned kinds, struct cpu_range *out)
{
    int found = 0;
    write_lock();
    for (size_t i = count; i-- > 0;) {
        if ((table[i].kind & kinds) && (dev < 0 || table[i].dev == dev)) {
            remove_at(i, out);
            found = 1;
            break;
        }
    }
    pthread_rwlock_unlock(&lock);
    return found;
}

size_t cpu_tracker_count(int dev, unsigned kinds)
{
    size_t n = 0;
    read_lock();
    for (size_t i = 0; i < count; i++)
        n += (table[i].kind & kinds) && (dev < 0 || table[i].dev == dev);
    pthread_rwlock_unlock(&lock);
    return n;
}
