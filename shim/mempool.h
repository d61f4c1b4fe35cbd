/*
 * mempool.h - stream-ordered allocation: memory pools, cudaMallocAsync/cudaFreeAsync, and the
 * device memory the runtime holds between uses (released blocks waiting to be given back).
 *
 * Memory is only ever given back to the backend (muMemFree, which waits for the devices) from
 * a program's own thread at a point where waiting is harmless: a released block first goes to
 * a per-device "spare" list, which new pool blocks and graph allocations are taken from, and
 * which cudaDeviceSynchronize, cudaMemPoolTrimTo, cudaDeviceGraphMemTrim and a failing
 * allocation empty.  Stream workers (a free reached in stream order, a graph launch ending)
 * therefore never call into the backend's allocator.
 */
#ifndef CUSHIM_MEMPOOL_H
#define CUSHIM_MEMPOOL_H

#include "runtime.h"
#include "streams.h"

struct cushim_op;

/* memory_map flags of device ranges that belong to a pool block or a graph allocation. */
#define CUSHIM_MEM_FLAG_POOL 0x40000000u
#define CUSHIM_MEM_FLAG_GRAPH 0x20000000u

/* Device memory of at least size bytes: a spare block if one fits, else from the backend.
 * *extent is the block's real size. */
cudaError_t cushim_mempool_take(int device, size_t size, uintptr_t *base, size_t *extent);
/* Give memory back (to the spare list; safe from any thread). */
void cushim_mempool_give_back(int device, uintptr_t base, size_t extent);
/* Return the spare memory of a device (or of all devices, device < 0) to the backend. */
void cushim_mempool_flush(int device);

/* Stream operations (stream_ops.c): op->alloc.pool and params.bytesize in, params.dptr out. */
cudaError_t cushim_mempool_alloc_async(struct cushim_op *op, const struct cushim_stream_ref *ref);
cudaError_t cushim_mempool_free_async(void *dptr, const struct cushim_stream_ref *ref);
/* cudaFree of a pool or graph allocation (the device has been synchronised). */
cudaError_t cushim_mempool_free_now(void *dptr);

/* A stream, event or device synchronisation completed: pools above their release threshold
 * let go of free blocks. */
void cushim_mempool_sync_point(int device);
/* cudaDeviceSynchronize completed. */
void cushim_mempool_after_device_sync(int device);
/* cudaDeviceReset: forget the device's pools and graph allocations. */
void cushim_mempool_forget_device(int device);

#endif
