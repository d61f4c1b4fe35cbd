/*
 * cpu_memory.c - device, managed, pinned and registered memory, and the engine's memory
 * services.
 *
 * Owns: muMemAlloc/AllocManaged/Free, muMemAllocHost/FreeHost, muMemHostRegister/Unregister,
 * muMemHostGetDevicePointer, muMemGetInfo, the capacity accounting of each device, the pointer
 * checks of copies, and engine_host.alloc/free/find_range.
 * Must not: let memory go while queued work may still use it (every user-visible release first
 * waits for the work already submitted to the devices, as cudaFree does), or wait in the
 * engine's free (it runs on workers during module unloads).
 *
 * Device and managed memory are whole pages of the device's arena slice: 256-byte alignment
 * (cudaMalloc's) comes for free, pages are zero when handed out, and a freed range faults on
 * any stray host access.  Accounting counts those pages.  Managed memory is device memory: on
 * this device the host reaches all of it anyway.  Pinned host memory is page-aligned anonymous
 * memory outside the arena; pinned and registered ranges are reachable by kernels at their
 * host address (unified addressing), so muMemHostGetDevicePointer returns the address itself.
 */
#include "cpu_memory.h"

#include <sys/mman.h>

#include "cpu_entry.h"
#include "cpu_stream.h"
#include "cpu_tracker.h"

size_t cpu_memory_used(struct cpu_device *dev)
{
    return atomic_load(&dev->used_mem);
}

static MUresult charge(struct cpu_device *dev, uint64_t bytes)
{
    size_t used = atomic_load(&dev->used_mem);
    do {
        if (bytes > dev->total_mem - used)
            return MU_ERROR_MEMORY_ALLOCATION;
    } while (!atomic_compare_exchange_weak(&dev->used_mem, &used, used + (size_t)bytes));
    return MU_SUCCESS;
}

static void uncharge(struct cpu_device *dev, uint64_t bytes)
{
    atomic_fetch_sub(&dev->used_mem, (size_t)bytes);
}

static uint64_t round_to_pages(uint64_t bytes)
{
    uint64_t page = cpu_page_size();
    return bytes > UINT64_MAX - page ? 0 : (bytes + page - 1) & ~(page - 1);
}

/* Committed, zeroed pages of the device's slice, tracked as kind. */
static MUresult arena_alloc(struct cpu_device *dev, uint64_t bytes, uint64_t align, unsigned kind,
                            uint64_t *out)
{
    uint64_t extent = round_to_pages(bytes);
    if (extent == 0 || extent > dev->total_mem)
        return MU_ERROR_MEMORY_ALLOCATION;
    MUresult r = charge(dev, extent);
    if (r != MU_SUCCESS)
        return r;
    uint64_t start;
    r = cpu_arena_take(&dev->arena, extent, align, &start);
    if (r != MU_SUCCESS) {
        uncharge(dev, extent);
        return r;
    }
    struct cpu_range range = {start, bytes, extent, kind, dev->ordinal};
    r = cpu_tracker_insert(&range);
    if (r != MU_SUCCESS) {
        cpu_arena_give(&dev->arena, start, extent);
        uncharge(dev, extent);
        return MU_ERROR_MEMORY_ALLOCATION;
    }
    *out = start;
    return MU_SUCCESS;
}

static void arena_release(const struct cpu_range *range)
{
    struct cpu_device *dev = cpu_device_at(range->dev);
    cpu_arena_give(&dev->arena, range->base, range->extent);
    uncharge(dev, range->extent);
}

/* Queued copies and kernels of any device may read or write memory about to be released
 * (peers reach each other's memory); wait for the work submitted so far, as cudaFree does. */
static MUresult wait_for_devices(void)
{
    if (cpu_on_worker_thread())
        return MU_ERROR_NOT_PERMITTED;
    for (int i = 0; i < cpu_device_count(); i++)
        cpu_streams_wait_device(cpu_device_at(i));
    return MU_SUCCESS;
}

/* The range [addr, addr+bytes) meets some device's slice. */
static int touches_arena(uint64_t addr, uint64_t bytes)
{
    for (int i = 0; i < cpu_device_count(); i++) {
        const struct cpu_arena *a = &cpu_device_at(i)->arena;
        if (addr < a->base + a->bytes && a->base < addr + bytes)
            return 1;
    }
    return 0;
}

/* Every page of [addr, addr+bytes) is mapped in this process (mincore fails with ENOMEM on a
 * hole).  One system call per 16 MiB: cheap next to copying pageable memory. */
static int host_mapped(uint64_t addr, uint64_t bytes)
{
    uint64_t page = cpu_page_size();
    uint64_t start = addr & ~(page - 1);
    uint64_t end = addr + bytes;
    unsigned char pages[4096];
    while (start < end) {
        uint64_t chunk = end - start;
        if (chunk > sizeof pages * page)
            chunk = sizeof pages * page;
        if (mincore((void *)(uintptr_t)start, (size_t)chunk, pages) != 0)
            return 0;
        start += (chunk + page - 1) & ~(page - 1);
    }
    return 1;
}

MUresult cpu_memory_check(const void *ptr, uint64_t bytes, int *pageable)
{
    uint64_t addr = (uint64_t)(uintptr_t)ptr;
    if (ptr == NULL || bytes == 0 || addr + bytes < addr)
        return MU_ERROR_INVALID_VALUE;
    struct cpu_range range;
    if (cpu_tracker_find(addr, &range)) {
        if (addr + bytes - range.base > range.size)
            return MU_ERROR_INVALID_VALUE; /* runs past the end of its allocation */
        *pageable = 0;
        return MU_SUCCESS;
    }
    if (touches_arena(addr, bytes) || !host_mapped(addr, bytes))
        return MU_ERROR_INVALID_VALUE; /* freed or never-allocated device memory; a hole */
    *pageable = 1;
    return MU_SUCCESS;
}

/* ---- engine_host ---- */

static int engine_find_range(void *ctx, uint64_t addr, uint64_t *base, uint64_t *size)
{
    (void)ctx; /* every device reaches every live range: peers and host memory included */
    struct cpu_range range;
    if (!cpu_tracker_find(addr, &range))
        return 0;
    *base = range.base;
    *size = range.size;
    return 1;
}

static int engine_find_padding(void *ctx, uint64_t addr, uint64_t *base, uint64_t *size, uint64_t *reserved)
{
    (void)ctx;
    struct cpu_range range;
    if (!cpu_tracker_find_padding(addr, &range))
        return 0;
    *base = range.base;
    *size = range.size;
    *reserved = range.extent;
    return 1;
}

static void *engine_alloc(void *ctx, size_t bytes, size_t align)
{
    if (align == 0)
        align = 256;
    if ((align & (align - 1)) != 0)
        return NULL;
    uint64_t start;
    if (arena_alloc(ctx, bytes ? bytes : 1, align, CPU_RANGE_ENGINE, &start) != MU_SUCCESS)
        return NULL;
    return (void *)(uintptr_t)start;
}

static void engine_free(void *ctx, void *ptr)
{
    (void)ctx;
    struct cpu_range range;
    if (ptr != NULL && cpu_tracker_remove((uint64_t)(uintptr_t)ptr, CPU_RANGE_ENGINE, &range))
        arena_release(&range);
}

void cpu_memory_engine_host(struct cpu_device *dev, struct engine_host *host)
{
    host->ctx = dev;
    host->find_range = engine_find_range;
    host->find_padding = engine_find_padding;
    host->alloc = engine_alloc;
    host->free = engine_free;
}

void cpu_memory_reset(struct cpu_device *dev)
{
    struct cpu_range range;
    while (cpu_tracker_remove_any(dev->ordinal, CPU_RANGE_ARENA_KINDS, &range))
        arena_release(&range);
    cpu_arena_trim(&dev->arena);
}

/* ---- the mu* memory operations ---- */

MUresult cpu_muMemGetInfo(size_t *free_bytes, size_t *total_bytes, int ordinal)
{
    struct cpu_device *dev;
    MUresult r = cpu_device_lookup(ordinal, &dev);
    if (r != MU_SUCCESS)
        return r;
    if ((r = cpu_device_status(dev)) != MU_SUCCESS)
        return r;
    size_t used = cpu_memory_used(dev);
    if (free_bytes != NULL)
        *free_bytes = used < dev->total_mem ? dev->total_mem - used : 0;
    if (total_bytes != NULL)
        *total_bytes = dev->total_mem;
    return MU_SUCCESS;
}

/* Zero bytes gives a null pointer and success, as cudaMalloc(&p, 0) does. */
static MUresult device_alloc(MUdeviceptr *ptr, size_t bytes, int ordinal, unsigned kind)
{
    struct cpu_device *dev;
    MUresult r = cpu_device_lookup(ordinal, &dev);
    if (r != MU_SUCCESS)
        return r;
    if (ptr == NULL)
        return MU_ERROR_INVALID_VALUE;
    if ((r = cpu_device_status(dev)) != MU_SUCCESS)
        return r;
    if (bytes == 0) {
        *ptr = 0;
        return MU_SUCCESS;
    }
    uint64_t start;
    r = arena_alloc(dev, bytes, 256, kind, &start);
    if (r == MU_SUCCESS)
        *ptr = start;
    return r;
}

MUresult cpu_muMemAlloc(MUdeviceptr *ptr, size_t bytes, int dev)
{
    return device_alloc(ptr, bytes, dev, CPU_RANGE_DEVICE);
}

MUresult cpu_muMemAllocManaged(MUdeviceptr *ptr, size_t bytes, int dev)
{
    return device_alloc(ptr, bytes, dev, CPU_RANGE_MANAGED);
}

MUresult cpu_muMemFree(MUdeviceptr ptr)
{
    MUresult r = cpu_init();
    if (r != MU_SUCCESS || ptr == 0)
        return r;
    struct cpu_range range;
    if (!cpu_tracker_find(ptr, &range) || range.base != ptr ||
        !(range.kind & (CPU_RANGE_DEVICE | CPU_RANGE_MANAGED)))
        return MU_ERROR_INVALID_VALUE;
    if ((r = wait_for_devices()) != MU_SUCCESS)
        return r;
    if (!cpu_tracker_remove(ptr, CPU_RANGE_DEVICE | CPU_RANGE_MANAGED, &range))
        return MU_ERROR_INVALID_VALUE; /* another thread freed it meanwhile */
    arena_release(&range);
    /* Freed even on a faulted device (the runtime forgets the pointer either way); the fault
     * is still what the call reports. */
    return cpu_device_status(cpu_device_at(range.dev));
}

MUresult cpu_muMemAllocHost(void **ptr, size_t bytes, unsigned flags)
{
    MUresult r = cpu_init();
    if (r != MU_SUCCESS)
        return r;
    /* cudaHostAllocPortable | Mapped | WriteCombined: all memory is all three here. */
    if (ptr == NULL || (flags & ~0x7u) != 0)
        return MU_ERROR_INVALID_VALUE;
    if (bytes == 0) {
        *ptr = NULL;
        return MU_SUCCESS;
    }
    uint64_t extent = round_to_pages(bytes);
    if (extent == 0 || extent > SIZE_MAX)
        return MU_ERROR_MEMORY_ALLOCATION;
    void *mem = mmap(NULL, (size_t)extent, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                     -1, 0);
    if (mem == MAP_FAILED)
        return MU_ERROR_MEMORY_ALLOCATION;
    struct cpu_range range = {(uint64_t)(uintptr_t)mem, bytes, extent, CPU_RANGE_PINNED, -1};
    if (cpu_tracker_insert(&range) != MU_SUCCESS) {
        munmap(mem, (size_t)extent);
        return MU_ERROR_MEMORY_ALLOCATION;
    }
    *ptr = mem;
    return MU_SUCCESS;
}

MUresult cpu_muMemFreeHost(void *ptr)
{
    MUresult r = cpu_init();
    if (r != MU_SUCCESS || ptr == NULL)
        return r;
    uint64_t base = (uint64_t)(uintptr_t)ptr;
    struct cpu_range range;
    if (!cpu_tracker_find(base, &range) || range.base != base || range.kind != CPU_RANGE_PINNED)
        return MU_ERROR_INVALID_VALUE;
    if ((r = wait_for_devices()) != MU_SUCCESS)
        return r;
    if (!cpu_tracker_remove(base, CPU_RANGE_PINNED, &range))
        return MU_ERROR_INVALID_VALUE;
    munmap(ptr, (size_t)range.extent);
    return MU_SUCCESS;
}

MUresult cpu_muMemHostRegister(void *ptr, size_t bytes, unsigned flags)
{
    MUresult r = cpu_init();
    if (r != MU_SUCCESS)
        return r;
    /* cudaHostRegisterPortable | Mapped | IoMemory | ReadOnly */
    uint64_t base = (uint64_t)(uintptr_t)ptr;
    if (ptr == NULL || bytes == 0 || (flags & ~0xFu) != 0 || base + bytes < base)
        return MU_ERROR_INVALID_VALUE;
    if (touches_arena(base, bytes) || !host_mapped(base, bytes))
        return MU_ERROR_INVALID_VALUE; /* device memory, or not memory at all */
    struct cpu_range range = {base, bytes, 0, CPU_RANGE_REGISTERED, -1};
    return cpu_tracker_insert(&range); /* overlapping a pinned/registered range: already
                                          registered */
}

MUresult cpu_muMemHostUnregister(void *ptr)
{
    MUresult r = cpu_init();
    if (r != MU_SUCCESS)
        return r;
    uint64_t base = (uint64_t)(uintptr_t)ptr;
    struct cpu_range range;
    if (ptr == NULL || !cpu_tracker_find(base, &range) || range.base != base ||
        range.kind != CPU_RANGE_REGISTERED)
        return MU_ERROR_HOST_MEMORY_NOT_REGISTERED;
    if ((r = wait_for_devices()) != MU_SUCCESS)
        return r;
    if (!cpu_tracker_remove(base, CPU_RANGE_REGISTERED, &range))
        return MU_ERROR_HOST_MEMORY_NOT_REGISTERED;
    return MU_SUCCESS;
}

MUresult cpu_muMemHostGetDevicePointer(MUdeviceptr *dptr, void *host, unsigned flags)
{
    MUresult r = cpu_init();
    if (r != MU_SUCCESS)
        return r;
    struct cpu_range range;
    if (dptr == NULL || host == NULL || flags != 0)
        return MU_ERROR_INVALID_VALUE;
    if (!cpu_tracker_find((uint64_t)(uintptr_t)host, &range) ||
        !(range.kind & CPU_RANGE_HOST_KINDS))
        return MU_ERROR_INVALID_VALUE;
    *dptr = (MUdeviceptr)(uintptr_t)host; /* unified addressing: the same address */
    return MU_SUCCESS;
}
