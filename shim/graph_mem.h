/*
 * graph_mem.h - graph allocations: the memory of allocation nodes (cudaGraphAddMemAllocNode,
 * or cudaMallocAsync captured into a graph).
 *
 * NVIDIA fixes an allocation node's address when the node is made and keeps it across
 * instantiations and launches, so each allocation is backed by device memory from the start
 * (on the cpu device untouched pages cost nothing) and lives while a node names it or the
 * memory is still allocated.  What the program observes is the allocation's life: a launch
 * allocates it, a free node (in any graph), cudaFree or cudaFreeAsync frees it, relaunching a
 * graph whose allocation is still allocated fails unless the graph frees it automatically, and
 * cudaDeviceGetGraphMemAttribute reports the physical memory NVIDIA's allocator would hold:
 * what allocations need while allocated, reused by later allocations once freed, and let go by
 * cudaDeviceGraphMemTrim.  The launch does this bookkeeping when the program launches (the
 * stream order makes that equivalent for everything the program can observe).
 */
#ifndef CUSHIM_GRAPH_MEM_H
#define CUSHIM_GRAPH_MEM_H

#include "runtime.h"

struct cushim_gmem;
struct cushim_graph;

/* A new allocation of size bytes on device, referenced once. */
cudaError_t cushim_gmem_create(int device, size_t size, struct cushim_gmem **out);
/* The allocation starting at dptr, referenced; NULL when dptr is no graph allocation. */
struct cushim_gmem *cushim_gmem_lookup(const void *dptr);
void cushim_gmem_ref(struct cushim_gmem *mem);
void cushim_gmem_unref(struct cushim_gmem *mem);
void *cushim_gmem_base(const struct cushim_gmem *mem);
/* A free node for it exists in the graph that allocates it: it cannot be freed elsewhere. */
void cushim_gmem_set_freed_by_graph(struct cushim_gmem *mem, int yes);
int cushim_gmem_freed_by_graph(const struct cushim_gmem *mem);

/* A launch of plan: its allocations become allocated and its free nodes free theirs.
 * cudaErrorInvalidValue (and nothing changes) when an allocation is still allocated from an
 * earlier launch, unless auto_free. */
cudaError_t cushim_gmem_launch(struct cushim_graph *plan, int auto_free);
/* cudaFree / cudaFreeAsync of a graph allocation outside any graph. */
cudaError_t cushim_gmem_free_outside(const void *dptr);
void cushim_gmem_forget_device(int device);

#endif
