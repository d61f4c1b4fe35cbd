/*
 * cpu_device.c - the devices of the cpu backend: start-up, identity, limits, sticky errors,
 * muDeviceSynchronize and muDeviceReset.
 *
 * Owns: the fixed device array and everything decided once at start-up: how many devices
 * (CUSHIM_CPU_DEVICES, default 1), how much memory each has (the host's RAM or cgroup limit,
 * capped by CUSHIM_CPU_MEMORY), and the address-space slice each device's memory comes from
 * (one mmap(PROT_NONE, MAP_NORESERVE) for the process, cut in equal slices).  Also the device
 * error state: the sticky fault of a kernel, and a non-sticky asynchronous error reported once.
 * Must not: allocate during start-up (pthread_once cannot retry a failure), or hold a device
 * lock across a wait.
 */
#include "cpu_device.h"

#include <ctype.h>
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cpu_alloc.h"
#include "cpu_engine.h"
#include "cpu_entry.h"
#include "cpu_event.h"
#include "cpu_memory.h"
#include "cpu_module.h"
#include "cpu_stream.h"
#include "cpu_texture.h"
#include "mu_log.h"

static struct cpu_device devices[CPU_MAX_DEVICES];
static int device_count;
static MUresult init_result;
static pthread_once_t init_once = PTHREAD_ONCE_INIT;

static const size_t default_limits[CPU_LIMIT_COUNT] = {
    [cudaLimitStackSize] = 1024,
    [cudaLimitPrintfFifoSize] = 1u << 20,
    [cudaLimitMallocHeapSize] = 8u << 20,
    [cudaLimitDevRuntimeSyncDepth] = 2,
    [cudaLimitDevRuntimePendingLaunchCount] = 2048,
    [cudaLimitMaxL2FetchGranularity] = 64,
    [cudaLimitPersistingL2CacheSize] = 0,
};

int cpu_parse_size(const char *text, uint64_t *bytes)
{
    if (text == NULL || !isdigit((unsigned char)*text))
        return 0;
    char *end;
    errno = 0;
    unsigned long long value = strtoull(text, &end, 10);
    if (errno == ERANGE)
        return 0;
    unsigned shift = 0;
    switch (toupper((unsigned char)*end)) {
    case 'K': shift = 10; end++; break;
    case 'M': shift = 20; end++; break;
    case 'G': shift = 30; end++; break;
    case 'T': shift = 40; end++; break;
    default: break;
    }
    if (shift != 0 && toupper((unsigned char)*end) == 'I')
        end++;
    if (toupper((unsigned char)*end) == 'B')
        end++;
    if (*end != '\0' || value > (UINT64_MAX >> shift))
        return 0;
    *bytes = (uint64_t)value << shift;
    return 1;
}

int cpu_host_cores(void)
{
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
        return CPU_COUNT(&set);
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

/* A cgroup limit file: "max" or a number of bytes. */
static uint64_t cgroup_limit(const char *path)
{
    uint64_t limit = UINT64_MAX;
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return limit;
    unsigned long long value;
    if (fscanf(f, "%llu", &value) == 1 && value > 0)
        limit = value;
    fclose(f);
    return limit;
}

/* The host's memory as this process may use it. */
static uint64_t host_memory(void)
{
    long pages = sysconf(_SC_PHYS_PAGES);
    uint64_t bytes = pages > 0 ? (uint64_t)pages * cpu_page_size() : (uint64_t)1 << 32;
    uint64_t v2 = cgroup_limit("/sys/fs/cgroup/memory.max");
    uint64_t v1 = cgroup_limit("/sys/fs/cgroup/memory/memory.limit_in_bytes");
    if (v2 < bytes)
        bytes = v2;
    if (v1 < bytes)
        bytes = v1;
    return bytes;
}

static int device_count_from_env(void)
{
    const char *text = getenv("CUSHIM_CPU_DEVICES");
    if (text == NULL || *text == '\0')
        return 1;
    char *end;
    long n = strtol(text, &end, 10);
    if (*end != '\0' || n < 0 || n > CPU_MAX_DEVICES) {
        mu_report("CUSHIM_CPU_DEVICES=%s is not a count from 0 to %d; using 1",
                  text, CPU_MAX_DEVICES);
        return 1;
    }
    return (int)n;
}

static uint64_t memory_from_env(void)
{
    uint64_t bytes = host_memory();
    const char *text = getenv("CUSHIM_CPU_MEMORY");
    if (text == NULL || *text == '\0')
        return bytes;
    uint64_t cap;
    if (!cpu_parse_size(text, &cap) || cap == 0) {
        mu_report("CUSHIM_CPU_MEMORY=%s is not a size (like 512M or 4G); "
                  "ignored", text);
        return bytes;
    }
    return cap < bytes ? cap : bytes;
}

/* A stable identity per device: the same ordinal gives the same UUID in every process. */
static void make_uuid(cudaUUID_t *uuid, int ordinal)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a of the device name and the ordinal */
    const char *name = "cushim CPU device";
    for (int half = 0; half < 2; half++) {
        for (const char *c = name; *c; c++)
            h = (h ^ (unsigned char)*c) * 1099511628211ull;
        h = (h ^ (uint64_t)(ordinal + 1) ^ ((uint64_t)half << 32)) * 1099511628211ull;
        for (int i = 0; i < 8; i++)
            uuid->bytes[half * 8 + i] = (char)(h >> (8 * i));
    }
    uuid->bytes[6] = (char)((uuid->bytes[6] & 0x0f) | 0x50); /* a name-based (v5-style) UUID */
    uuid->bytes[8] = (char)((uuid->bytes[8] & 0x3f) | 0x80);
}

/* The device runtime's queries from kernels (engine_host). */
static void engine_device_ids(void *ctx, int *ordinal, int *count)
{
    *ordinal = ((const struct cpu_device *)ctx)->ordinal;
    *count = device_count;
}

static int engine_attribute(void *ctx, int *value, int attr, int device)
{
    (void)ctx;
    return (int)cpu_muDeviceGetAttribute(value, (enum cudaDeviceAttr)attr, device);
}

static void init_devices(void)
{
    cpu_fault_init_from_env();
    device_count = device_count_from_env();
    if (device_count == 0) {
        init_result = MU_SUCCESS; /* no devices is a valid answer; muInit reports it */
        return;
    }
    uint64_t memory = memory_from_env();
    /* Twice the device's memory of address space: fragmentation never runs a slice out of
     * addresses before the accounting says the memory is gone.  Shrink if the system (or a
     * tool such as valgrind) refuses a reservation that large. */
    const uint64_t gib = (uint64_t)1 << 30;
    uint64_t slice = (memory * 2 + gib - 1) / gib * gib;
    if (slice < 4 * gib)
        slice = 4 * gib;
    if (slice > ((uint64_t)16 << 40))
        slice = (uint64_t)16 << 40;
    void *base = MAP_FAILED;
    while (base == MAP_FAILED && slice >= ((uint64_t)64 << 20)) {
        base = mmap(NULL, slice * (uint64_t)device_count, PROT_NONE,
                    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (base == MAP_FAILED)
            slice /= 2;
    }
    if (base == MAP_FAILED) {
        mu_report("cannot reserve address space for the cpu device's memory");
        init_result = MU_ERROR_OPERATING_SYSTEM;
        device_count = 0;
        return;
    }
    /* Kernels index device memory at random far more than host code does: 2 MiB pages keep
     * a large buffer's translations in the TLB (advice only; the kernel may decline). */
    madvise(base, slice * (uint64_t)device_count, MADV_HUGEPAGE);
    if (memory > slice)
        memory = slice;
    for (int i = 0; i < device_count; i++) {
        struct cpu_device *dev = &devices[i];
        dev->ordinal = i;
        dev->total_mem = (size_t)memory;
        atomic_init(&dev->used_mem, 0);
        cpu_arena_init(&dev->arena, (uint64_t)(uintptr_t)base + slice * (uint64_t)i, slice);
        pthread_mutex_init(&dev->lock, NULL);
        dev->legacy = cpu_stream_legacy_init(dev);
        atomic_init(&dev->sticky, 0);
        atomic_init(&dev->async_error, 0);
        for (int l = 0; l < CPU_LIMIT_COUNT; l++)
            atomic_init(&dev->limits[l], default_limits[l]);
        cpu_memory_engine_host(dev, &dev->engine_host);
        cpu_texture_engine_host(&dev->engine_host);
        dev->engine_host.device_ids = engine_device_ids;
        dev->engine_host.attribute = engine_attribute;
        dev->engine_host.occupancy = cpu_occupancy;
        make_uuid(&dev->uuid, i);
    }
    init_result = MU_SUCCESS;
}

MUresult cpu_init(void)
{
    pthread_once(&init_once, init_devices);
    return init_result;
}

int cpu_device_count(void)
{
    cpu_init();
    return device_count;
}

MUresult cpu_device_lookup(int ordinal, struct cpu_device **dev)
{
    MUresult r = cpu_init();
    if (r != MU_SUCCESS)
        return r;
    if (ordinal < 0 || ordinal >= device_count)
        return MU_ERROR_INVALID_DEVICE;
    *dev = &devices[ordinal];
    return MU_SUCCESS;
}

struct cpu_device *cpu_device_at(int i)
{
    return &devices[i];
}

/* ---- error state ---- */

int cpu_error_is_sticky(MUresult r)
{
    switch (r) {
    case MU_ERROR_ILLEGAL_ADDRESS:
    case MU_ERROR_LAUNCH_TIMEOUT:
    case MU_ERROR_ASSERT:
    case MU_ERROR_HARDWARE_STACK_ERROR:
    case MU_ERROR_ILLEGAL_INSTRUCTION:
    case MU_ERROR_MISALIGNED_ADDRESS:
    case MU_ERROR_INVALID_ADDRESS_SPACE:
    case MU_ERROR_INVALID_PC:
    case MU_ERROR_LAUNCH_FAILURE:
    case MU_ERROR_ECC_UNCORRECTABLE:
    case MU_ERROR_NVLINK_UNCORRECTABLE:
    case MU_ERROR_CONTAINED:
        return 1;
    default:
        return 0;
    }
}

MUresult cpu_device_status(struct cpu_device *dev)
{
    return (MUresult)atomic_load_explicit(&dev->sticky, memory_order_acquire);
}

void cpu_device_record_result(struct cpu_device *dev, MUresult result)
{
    if (result == MU_SUCCESS)
        return;
    int none = 0;
    if (cpu_error_is_sticky(result))
        atomic_compare_exchange_strong(&dev->sticky, &none, (int)result); /* first fault wins */
    else
        atomic_compare_exchange_strong(&dev->async_error, &none, (int)result);
}

MUresult cpu_device_sync_result(struct cpu_device *dev)
{
    MUresult r = cpu_device_status(dev);
    if (r != MU_SUCCESS)
        return r;
    return (MUresult)atomic_exchange(&dev->async_error, 0);
}

size_t cpu_device_limit(struct cpu_device *dev, enum cudaLimit limit)
{
    return atomic_load(&dev->limits[limit]);
}

/* ---- the mu* device operations ---- */

MUresult cpu_muInit(void)
{
    MUresult r = cpu_init();
    if (r != MU_SUCCESS)
        return r;
    return device_count > 0 ? MU_SUCCESS : MU_ERROR_NO_DEVICE;
}

MUresult cpu_muDeviceGetCount(int *count)
{
    if (count == NULL)
        return MU_ERROR_INVALID_VALUE;
    MUresult r = cpu_init();
    *count = device_count;
    return r;
}

MUresult cpu_muDeviceGetName(char *name, int len, int ordinal)
{
    struct cpu_device *dev;
    MUresult r = cpu_device_lookup(ordinal, &dev);
    if (r != MU_SUCCESS)
        return r;
    if (name == NULL || len <= 0)
        return MU_ERROR_INVALID_VALUE;
    snprintf(name, (size_t)len, "%s", "cushim CPU device");
    return MU_SUCCESS;
}

MUresult cpu_muDeviceGetUuid(cudaUUID_t *uuid, int ordinal)
{
    struct cpu_device *dev;
    MUresult r = cpu_device_lookup(ordinal, &dev);
    if (r != MU_SUCCESS)
        return r;
    if (uuid == NULL)
        return MU_ERROR_INVALID_VALUE;
    *uuid = dev->uuid;
    return MU_SUCCESS;
}

MUresult cpu_muDeviceTotalMem(size_t *bytes, int ordinal)
{
    struct cpu_device *dev;
    MUresult r = cpu_device_lookup(ordinal, &dev);
    if (r != MU_SUCCESS)
        return r;
    if (bytes == NULL)
        return MU_ERROR_INVALID_VALUE;
    *bytes = dev->total_mem;
    return MU_SUCCESS;
}

/* Every cpu device reaches every other's memory (it is all host memory); like NVIDIA, a device
 * is not its own peer. */
MUresult cpu_muDeviceCanAccessPeer(int *can, int ordinal, int peer)
{
    struct cpu_device *a, *b;
    MUresult r = cpu_device_lookup(ordinal, &a);
    if (r == MU_SUCCESS)
        r = cpu_device_lookup(peer, &b);
    if (r != MU_SUCCESS)
        return r;
    if (can == NULL)
        return MU_ERROR_INVALID_VALUE;
    *can = ordinal != peer;
    return MU_SUCCESS;
}

MUresult cpu_muDeviceSynchronize(int ordinal)
{
    struct cpu_device *dev;
    MUresult r = cpu_device_lookup(ordinal, &dev);
    if (r != MU_SUCCESS)
        return r;
    if (cpu_on_worker_thread())
        return MU_ERROR_NOT_PERMITTED;
    cpu_streams_wait_device(dev);
    return cpu_device_sync_result(dev);
}

/* Wait for the device, then free everything it holds and forget its fault.  The order matters:
 * streams first (nothing runs afterwards), then events and modules (module unloads give engine
 * memory back), then the engine's device heap, then whatever memory is left. */
MUresult cpu_muDeviceReset(int ordinal)
{
    struct cpu_device *dev;
    MUresult r = cpu_device_lookup(ordinal, &dev);
    if (r != MU_SUCCESS)
        return r;
    if (cpu_on_worker_thread())
        return MU_ERROR_NOT_PERMITTED;
    /* "reset the device immediately": kernels still running stop at their next time slice
     * (they watch the fault word) and queued work does not start on a poisoned device */
    int none = 0;
    atomic_compare_exchange_strong(&dev->sticky, &none, (int)MU_ERROR_LAUNCH_FAILURE);
    cpu_streams_reset(dev);
    cpu_events_reset(dev);
    cpu_modules_reset(dev);
    cpu_texture_reset(dev);
    cpu_engine()->host_release(&dev->engine_host); /* the device heap */
    cpu_memory_reset(dev);
    for (int l = 0; l < CPU_LIMIT_COUNT; l++)
        atomic_store(&dev->limits[l], default_limits[l]);
    atomic_store(&dev->async_error, 0);
    atomic_store(&dev->sticky, 0);
    return MU_SUCCESS;
}

MUresult cpu_muDeviceSetLimit(int ordinal, enum cudaLimit limit, size_t value)
{
    struct cpu_device *dev;
    MUresult r = cpu_device_lookup(ordinal, &dev);
    if (r != MU_SUCCESS)
        return r;
    switch (limit) {
    case cudaLimitStackSize:
        /* sm_80 allows 512 KiB of local memory per thread. */
        if (value > (512u << 10))
            return MU_ERROR_INVALID_VALUE;
        break;
    case cudaLimitMallocHeapSize:
        if (value > dev->total_mem)
            return MU_ERROR_MEMORY_ALLOCATION;
        /* NVIDIA: must be set before any kernel that uses malloc/free is launched, otherwise
         * cudaErrorInvalidValue (the heap, once made, keeps its size). */
        if (cpu_engine()->host_heap_created != NULL &&
            cpu_engine()->host_heap_created(&dev->engine_host))
            return MU_ERROR_INVALID_VALUE;
        break;
    case cudaLimitDevRuntimeSyncDepth:
        if (value > 24)
            return MU_ERROR_INVALID_VALUE;
        break;
    case cudaLimitMaxL2FetchGranularity:
        if (value > 128)
            return MU_ERROR_INVALID_VALUE;
        break;
    case cudaLimitPersistingL2CacheSize: {
        int max = 0;
        cpu_muDeviceGetAttribute(&max, cudaDevAttrMaxPersistingL2CacheSize, ordinal);
        if (value > (size_t)max)
            return MU_ERROR_INVALID_VALUE;
        break;
    }
    case cudaLimitPrintfFifoSize:
    case cudaLimitDevRuntimePendingLaunchCount:
        break;
    default:
        return MU_ERROR_UNSUPPORTED_LIMIT;
    }
    if ((r = cpu_device_status(dev)) != MU_SUCCESS)
        return r;
    atomic_store(&dev->limits[limit], value);
    return MU_SUCCESS;
}

MUresult cpu_muDeviceGetLimit(size_t *value, int ordinal, enum cudaLimit limit)
{
    struct cpu_device *dev;
    MUresult r = cpu_device_lookup(ordinal, &dev);
    if (r != MU_SUCCESS)
        return r;
    if (value == NULL)
        return MU_ERROR_INVALID_VALUE;
    if ((unsigned)limit >= CPU_LIMIT_COUNT)
        return MU_ERROR_UNSUPPORTED_LIMIT;
    *value = cpu_device_limit(dev, limit);
    return MU_SUCCESS;
}
