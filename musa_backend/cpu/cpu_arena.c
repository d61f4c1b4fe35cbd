/*
 * cpu_arena.c - first-fit extent allocator over a reserved slice of address space.
 *
 * Owns: the free list of one slice and the mprotect/madvise calls that commit and release its
 * pages.  First fit keeps live extents packed at the low end of a slice, which keeps the number
 * of kernel mappings small (adjacent read-write extents merge into one mapping).
 * Must not: hold its lock across a system call that commits or releases pages: those can take
 * milliseconds for large extents and other threads allocate meanwhile.
 */
#include "cpu_arena.h"

#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cpu_alloc.h"

size_t cpu_page_size(void)
{
    static size_t page;
    if (page == 0)
        page = (size_t)sysconf(_SC_PAGESIZE);
    return page;
}

void cpu_arena_init(struct cpu_arena *arena, uint64_t base, uint64_t bytes)
{
    memset(arena, 0, sizeof *arena);
    pthread_mutex_init(&arena->lock, NULL);
    arena->base = base;
    arena->bytes = bytes;
}

/* The table starts empty (no allocation at start-up); an empty, never-used arena is one free
 * extent covering the slice, created on first use. */
static int ensure_capacity(struct cpu_arena *arena, size_t needed)
{
    if (arena->capacity >= needed)
        return 1;
    size_t grown = arena->capacity ? arena->capacity : 16;
    while (grown < needed)
        grown *= 2;
    struct cpu_extent *bigger = cpu_realloc(arena->free, grown * sizeof *bigger);
    if (bigger == NULL)
        return 0;
    arena->free = bigger;
    arena->capacity = grown;
    return 1;
}

static void insert_free(struct cpu_arena *arena, size_t at, uint64_t start, uint64_t bytes)
{
    memmove(&arena->free[at + 1], &arena->free[at], (arena->nfree - at) * sizeof *arena->free);
    arena->free[at] = (struct cpu_extent){start, bytes};
    arena->nfree++;
}

static void remove_free(struct cpu_arena *arena, size_t at)
{
    memmove(&arena->free[at], &arena->free[at + 1],
            (arena->nfree - at - 1) * sizeof *arena->free);
    arena->nfree--;
}

/* Put [start, start+bytes) back in the sorted free list, merging with its neighbours. */
static void release_locked(struct cpu_arena *arena, uint64_t start, uint64_t bytes)
{
    size_t at = 0;
    while (at < arena->nfree && arena->free[at].start < start)
        at++;
    int merge_left = at > 0 && arena->free[at - 1].start + arena->free[at - 1].bytes == start;
    int merge_right = at < arena->nfree && start + bytes == arena->free[at].start;
    if (merge_left && merge_right) {
        arena->free[at - 1].bytes += bytes + arena->free[at].bytes;
        remove_free(arena, at);
    } else if (merge_left) {
        arena->free[at - 1].bytes += bytes;
    } else if (merge_right) {
        arena->free[at].start = start;
        arena->free[at].bytes += bytes;
    } else {
        insert_free(arena, at, start, bytes);
    }
}

MUresult cpu_arena_take(struct cpu_arena *arena, uint64_t bytes, uint64_t align, uint64_t *out)
{
    uint64_t page = cpu_page_size();
    if (align < page)
        align = page;
    if (bytes == 0 || bytes % page != 0 || (align & (align - 1)) != 0 || bytes > arena->bytes)
        return MU_ERROR_MEMORY_ALLOCATION;
    pthread_mutex_lock(&arena->lock);
    /* Room for the split below (up to two pieces from one) and for every later give. */
    if (!ensure_capacity(arena, arena->nfree + arena->live + 4)) {
        pthread_mutex_unlock(&arena->lock);
        return MU_ERROR_MEMORY_ALLOCATION;
    }
    if (arena->nfree == 0 && arena->live == 0)
        insert_free(arena, 0, arena->base, arena->bytes);
    uint64_t start = 0;
    size_t at;
    for (at = 0; at < arena->nfree; at++) {
        struct cpu_extent e = arena->free[at];
        uint64_t aligned = (e.start + align - 1) & ~(align - 1);
        if (aligned >= e.start + e.bytes || e.start + e.bytes - aligned < bytes)
            continue;
        start = aligned;
        remove_free(arena, at);
        if (aligned > e.start)
            release_locked(arena, e.start, aligned - e.start);
        if (e.start + e.bytes > aligned + bytes)
            release_locked(arena, aligned + bytes, e.start + e.bytes - aligned - bytes);
        break;
    }
    if (start == 0) { /* no extent fits (slices never start at address 0) */
        pthread_mutex_unlock(&arena->lock);
        return MU_ERROR_MEMORY_ALLOCATION;
    }
    arena->live++;
    pthread_mutex_unlock(&arena->lock);

    /* The pages of a never-used or released extent read as zero once made accessible. */
    if (mprotect((void *)(uintptr_t)start, bytes, PROT_READ | PROT_WRITE) != 0) {
        pthread_mutex_lock(&arena->lock);
        release_locked(arena, start, bytes);
        arena->live--;
        pthread_mutex_unlock(&arena->lock);
        return MU_ERROR_MEMORY_ALLOCATION; /* ENOMEM: commit limit or too many mappings */
    }
    *out = start;
    return MU_SUCCESS;
}

void cpu_arena_give(struct cpu_arena *arena, uint64_t start, uint64_t bytes)
{
    /* Drop the pages first so the memory goes back to the system, then make the range fault
     * for any stray host access: a freed device pointer must never silently work. */
    madvise((void *)(uintptr_t)start, bytes, MADV_DONTNEED);
    mprotect((void *)(uintptr_t)start, bytes, PROT_NONE);
    pthread_mutex_lock(&arena->lock);
    release_locked(arena, start, bytes); /* capacity was reserved by the take */
    arena->live--;
    pthread_mutex_unlock(&arena->lock);
}

int cpu_arena_contains(const struct cpu_arena *arena, uint64_t addr)
{
    return addr >= arena->base && addr - arena->base < arena->bytes;
}

void cpu_arena_trim(struct cpu_arena *arena)
{
    pthread_mutex_lock(&arena->lock);
    if (arena->live == 0) {
        cpu_free(arena->free);
        arena->free = NULL;
        arena->nfree = arena->capacity = 0;
    }
    pthread_mutex_unlock(&arena->lock);
}
