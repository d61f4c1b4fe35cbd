/*
 * cpu_arena.h - one device's slice of reserved virtual address space.
 *
 * Owns: the free extents of a slice that cpu_device.c reserved with mmap(PROT_NONE,
 * MAP_NORESERVE), committing pages (mprotect) when they are handed out and giving them back to
 * the kernel (madvise + PROT_NONE) when they return.  Because device memory only ever comes from
 * these slices, no malloc'd or stack pointer can ever be mistaken for a device pointer.
 * Must not: account memory against a device's capacity (cpu_memory.c does), or track who owns
 * an extent (cpu_tracker.c does).
 */
#ifndef CUSHIM_CPU_ARENA_H
#define CUSHIM_CPU_ARENA_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "mu.h"

struct cpu_extent {
    uint64_t start, bytes;
};

struct cpu_arena {
    pthread_mutex_t lock;
    uint64_t base, bytes;     /* the slice */
    struct cpu_extent *free;  /* sorted, coalesced free extents */
    size_t nfree, capacity;
    size_t live;              /* extents handed out; capacity >= nfree + live + 2 always, so
                                 giving one back never needs to allocate */
};

void cpu_arena_init(struct cpu_arena *arena, uint64_t base, uint64_t bytes);
/* A committed, zeroed extent of bytes (a multiple of the page size) aligned to align (a power
 * of two; at least the page size is used).  MU_ERROR_MEMORY_ALLOCATION when the slice has no
 * room or the kernel refuses. */
MUresult cpu_arena_take(struct cpu_arena *arena, uint64_t bytes, uint64_t align, uint64_t *start);
/* Decommit an extent and make it free again.  Cannot fail. */
void cpu_arena_give(struct cpu_arena *arena, uint64_t start, uint64_t bytes);
/* Whether addr lies in the slice at all (live or not). */
int cpu_arena_contains(const struct cpu_arena *arena, uint64_t addr);
/* Drop the bookkeeping table (the slice itself stays reserved); for a leak-free exit. */
void cpu_arena_trim(struct cpu_arena *arena);
size_t cpu_page_size(void);

#endif
