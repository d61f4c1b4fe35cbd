/*
 * cpu_tracker.h - which live allocation contains an address.
 *
 * Owns: one process-wide, sorted table of every range a kernel may touch: device and managed
 * allocations, pinned host allocations, registered host ranges, and the memory the engine
 * allocates for module globals and the device heap.  It answers engine_host.find_range on the
 * engine's slow path, and the copy/free paths' "is this pointer ours" questions.
 * Must not: allocate or release the memory itself (cpu_memory.c does), or know about devices
 * beyond the ordinal stored in each range.
 */
#ifndef CUSHIM_CPU_TRACKER_H
#define CUSHIM_CPU_TRACKER_H

#include <stddef.h>
#include <stdint.h>

#include "mu.h"

enum cpu_range_kind {
    CPU_RANGE_DEVICE = 1u << 0,     /* muMemAlloc */
    CPU_RANGE_MANAGED = 1u << 1,    /* muMemAllocManaged */
    CPU_RANGE_PINNED = 1u << 2,     /* muMemAllocHost */
    CPU_RANGE_REGISTERED = 1u << 3, /* muMemHostRegister */
    CPU_RANGE_ENGINE = 1u << 4,     /* engine_host.alloc: module globals, device heap */
};
#define CPU_RANGE_ARENA_KINDS (CPU_RANGE_DEVICE | CPU_RANGE_MANAGED | CPU_RANGE_ENGINE)
#define CPU_RANGE_HOST_KINDS (CPU_RANGE_PINNED | CPU_RANGE_REGISTERED)
#define CPU_RANGE_ALL_KINDS (CPU_RANGE_ARENA_KINDS | CPU_RANGE_HOST_KINDS)

struct cpu_range {
    uint64_t base;
    uint64_t size;   /* bytes the owner asked for: exactly the reachable range */
    uint64_t extent; /* bytes reserved behind it (whole pages); what the accounting counts */
    unsigned kind;   /* one enum cpu_range_kind */
    int dev;         /* owning device; -1 for host memory */
};

/* Add a range (size > 0).  MU_ERROR_HOST_MEMORY_ALREADY_REGISTERED if it overlaps a live one,
 * MU_ERROR_MEMORY_ALLOCATION if the table cannot grow. */
MUresult cpu_tracker_insert(const struct cpu_range *range);
/* The live range containing addr: 1 and *out, or 0.  addr == base + size is not contained. */
int cpu_tracker_find(uint64_t addr, struct cpu_range *out);
/* The range whose reserved pages [base, base + extent) hold addr past its end (addr >= base +
 * size), for the kinds whose pages cushim reserved itself (not registered host memory, whose
 * last page holds the program's other data): 1 and *out, or 0. */
int cpu_tracker_find_padding(uint64_t addr, struct cpu_range *out);
/* Remove the range that starts exactly at base if its kind is in kinds: 1 and *out, or 0. */
int cpu_tracker_remove(uint64_t base, unsigned kinds, struct cpu_range *out);
/* Remove any one range of device dev (any device if dev < 0) whose kind is in kinds. */
int cpu_tracker_remove_any(int dev, unsigned kinds, struct cpu_range *out);
/* How many live ranges of device dev (any if dev < 0) have a kind in kinds. */
size_t cpu_tracker_count(int dev, unsigned kinds);

#endif
