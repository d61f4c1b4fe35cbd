/*
 * memory_map.h - the runtime's record of every memory range it handed out or was told about:
 * device, managed, pinned host, registered host memory and module variables.
 *
 * A uthash handle map keyed by base address answers "is this an allocation start?" (frees), and
 * a sorted index answers "which live range contains this address?" (interior pointers), which
 * is what unified addressing (cudaMemcpyDefault, cudaPointerGetAttributes) and the range checks
 * of every copy need.  Thread-safe.
 */
#ifndef CUSHIM_MEMORY_MAP_H
#define CUSHIM_MEMORY_MAP_H

#include <stddef.h>
#include <stdint.h>

enum cushim_mem_kind {
    CUSHIM_MEM_DEVICE,     /* cudaMalloc, cudaMallocPitch/3D, cudaMallocAsync */
    CUSHIM_MEM_MANAGED,    /* cudaMallocManaged, __managed__ variables */
    CUSHIM_MEM_HOST,       /* cudaMallocHost, cudaHostAlloc */
    CUSHIM_MEM_REGISTERED, /* cudaHostRegister */
    CUSHIM_MEM_SYMBOL,     /* a module's __device__/__constant__ variable */
};

struct cushim_range {
    uintptr_t base;
    size_t size;
    enum cushim_mem_kind kind;
    int device;
    unsigned flags;
};

/* Record a range; -1 when it overlaps a live one (or out of memory). */
int cushim_memory_add(const struct cushim_range *range);
/* Forget the range starting exactly at base and of that kind; 0 and *out when found. */
int cushim_memory_remove(uintptr_t base, int (*accept)(const struct cushim_range *range),
                         struct cushim_range *out);
/* The live range containing address; 0 and *out when found. */
int cushim_memory_find(uintptr_t address, struct cushim_range *out);
/* Does [address, address+bytes) lie inside one live range?  0 and *out when it does. */
int cushim_memory_find_span(uintptr_t address, size_t bytes, struct cushim_range *out);
/* Forget every range of a device whose kind satisfies `which`, calling `release` (if not NULL)
 * for each once the map's lock is dropped; returns how many. */
int cushim_memory_remove_device(int device, int (*which)(const struct cushim_range *range),
                                void (*release)(const struct cushim_range *range));

#endif
