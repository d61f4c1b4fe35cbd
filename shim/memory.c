/*
 * memory.c - allocation and release of device, managed and host memory, host registration,
 * memory information and pointer attributes.  Every range handed out is recorded in the memory
 * map (memory_map.h) so frees, copies and unified addressing can check it; copies and fills
 * themselves are in memcpy.c, stream-ordered allocation (pools, graph allocations) in
 * mempool.c and graph_mem.c, to which cudaFree hands their ranges.  Allocating and freeing are
 * "potentially unsafe" during stream capture (capture.c decides).
 */
#include <stdint.h>
#include <stdlib.h>

#include "api.h"
#include "capture.h"
#include "device.h"
#include "managed_advice.h"
#include "memory_map.h"
#include "mempool.h"
#include "streams.h"

/* Pitch of cudaMallocPitch/cudaMalloc3D rows: NVIDIA aligns rows for texture fetches. */
#define PITCH_ALIGNMENT 512u

static int is_device_memory(const struct cushim_range *r)
{
    return r->kind == CUSHIM_MEM_DEVICE || r->kind == CUSHIM_MEM_MANAGED;
}

static int is_host_allocation(const struct cushim_range *r)
{
    return r->kind == CUSHIM_MEM_HOST;
}

static int is_registration(const struct cushim_range *r)
{
    return r->kind == CUSHIM_MEM_REGISTERED;
}

static int is_any_allocation(const struct cushim_range *r)
{
    return r->kind != CUSHIM_MEM_SYMBOL;
}

static cudaError_t record(void *ptr, size_t size, enum cushim_mem_kind kind, int device,
                          unsigned flags)
{
    struct cushim_range r = {(uintptr_t)ptr, size, kind, device, flags};
    return cushim_memory_add(&r) == 0 ? cudaSuccess : cudaErrorMemoryAllocation;
}

static cudaError_t device_alloc(void **devPtr, size_t size, enum cushim_mem_kind kind,
                                unsigned flags)
{
    if (devPtr == NULL)
        return cudaErrorInvalidValue;
    const struct mu_driver *driver;
    int device;
    cudaError_t error = cushim_begin(&driver, &device);
    if (error == cudaSuccess)
        error = cushim_capture_check_unsafe();
    if (error != cudaSuccess)
        return error;
    /* NVIDIA answers a zero-byte request with success and a null pointer. */
    if (size == 0) {
        *devPtr = NULL;
        return cudaSuccess;
    }
    MUdeviceptr ptr = 0;
    MUresult r = kind == CUSHIM_MEM_MANAGED ? driver->muMemAllocManaged(&ptr, size, device)
                                            : driver->muMemAlloc(&ptr, size, device);
    if (r != MU_SUCCESS)
        return cushim_from_mu(r);
    error = record((void *)(uintptr_t)ptr, size, kind, device, flags);
    if (error != cudaSuccess) {
        driver->muMemFree(ptr);
        return error;
    }
    *devPtr = (void *)(uintptr_t)ptr;
    return cudaSuccess;
}

cudaError_t impl_cudaMalloc(void **devPtr, size_t size)
{
    return device_alloc(devPtr, size, CUSHIM_MEM_DEVICE, 0);
}

cudaError_t impl_cudaMallocManaged(void **devPtr, size_t size, unsigned int flags)
{
    if (flags != cudaMemAttachGlobal && flags != cudaMemAttachHost)
        return cudaErrorInvalidValue;
    if (size == 0)
        return cudaErrorInvalidValue;
    return device_alloc(devPtr, size, CUSHIM_MEM_MANAGED, flags);
}

static size_t aligned_pitch(size_t width)
{
    return (width + PITCH_ALIGNMENT - 1) / PITCH_ALIGNMENT * PITCH_ALIGNMENT;
}

cudaError_t impl_cudaMallocPitch(void **devPtr, size_t *pitch, size_t width, size_t height)
{
    if (devPtr == NULL || pitch == NULL)
        return cudaErrorInvalidValue;
    size_t p = aligned_pitch(width);
    if (height != 0 && p > SIZE_MAX / height)
        return cudaErrorMemoryAllocation;
    cudaError_t error = device_alloc(devPtr, p * height, CUSHIM_MEM_DEVICE, 0);
    if (error == cudaSuccess)
        *pitch = p;
    return error;
}

cudaError_t impl_cudaMalloc3D(struct cudaPitchedPtr *pitchedDevPtr, struct cudaExtent extent)
{
    if (pitchedDevPtr == NULL)
        return cudaErrorInvalidValue;
    size_t p = aligned_pitch(extent.width);
    size_t rows = extent.height * extent.depth;
    if ((extent.depth != 0 && rows / extent.depth != extent.height) ||
        (rows != 0 && p > SIZE_MAX / rows))
        return cudaErrorMemoryAllocation;
    void *ptr = NULL;
    cudaError_t error = device_alloc(&ptr, p * rows, CUSHIM_MEM_DEVICE, 0);
    if (error == cudaSuccess)
        *pitchedDevPtr = (struct cudaPitchedPtr){ptr, p, extent.width, extent.height};
    return error;
}

/* cudaFree waits for the device, as NVIDIA's does, so no queued work still uses the memory. */
cudaError_t impl_cudaFree(void *devPtr)
{
    const struct mu_driver *driver;
    int device;
    cudaError_t error = cushim_begin(&driver, &device);
    if (error != cudaSuccess)
        return error;
    if (devPtr == NULL)
        return cudaSuccess;
    if ((error = cushim_capture_check_unsafe()) != cudaSuccess)
        return error;
    struct cushim_range r;
    if (cushim_memory_find((uintptr_t)devPtr, &r) != 0 || r.base != (uintptr_t)devPtr ||
        !is_device_memory(&r))
        return cudaErrorInvalidValue;
    MUresult sync = driver->muDeviceSynchronize(r.device);
    if (sync != MU_SUCCESS)
        return cushim_from_mu(sync);
    /* Memory of a pool or of a graph goes back to where it came from. */
    if (r.flags & (CUSHIM_MEM_FLAG_POOL | CUSHIM_MEM_FLAG_GRAPH))
        return cushim_mempool_free_now(devPtr);
    if (cushim_memory_remove((uintptr_t)devPtr, is_device_memory, &r) != 0)
        return cudaErrorInvalidValue; /* another thread freed it first */
    if (r.kind == CUSHIM_MEM_MANAGED)
        cushim_advice_forget(r.base);
    return cushim_from_mu(driver->muMemFree((MUdeviceptr)r.base));
}

#define KNOWN_HOST_ALLOC_FLAGS                                                                    \
    (cudaHostAllocPortable | cudaHostAllocMapped | cudaHostAllocWriteCombined)

cudaError_t impl_cudaHostAlloc(void **pHost, size_t size, unsigned int flags)
{
    if (pHost == NULL || (flags & ~(unsigned)KNOWN_HOST_ALLOC_FLAGS) != 0)
        return cudaErrorInvalidValue;
    const struct mu_driver *driver;
    int device;
    cudaError_t error = cushim_begin(&driver, &device);
    if (error == cudaSuccess)
        error = cushim_capture_check_unsafe();
    if (error != cudaSuccess)
        return error;
    if (size == 0) {
        *pHost = NULL;
        return cudaSuccess;
    }
    void *ptr = NULL;
    MUresult r = driver->muMemAllocHost(&ptr, size, flags);
    if (r != MU_SUCCESS)
        return cushim_from_mu(r);
    /* With unified addressing every pinned allocation is mapped and portable. */
    error = record(ptr, size, CUSHIM_MEM_HOST, device,
                   flags | cudaHostAllocMapped | cudaHostAllocPortable);
    if (error != cudaSuccess) {
        driver->muMemFreeHost(ptr);
        return error;
    }
    *pHost = ptr;
    return cudaSuccess;
}

cudaError_t impl_cudaMallocHost(void **ptr, size_t size)
{
    return impl_cudaHostAlloc(ptr, size, cudaHostAllocDefault);
}

cudaError_t impl_cudaFreeHost(void *ptr)
{
    const struct mu_driver *driver;
    int device;
    cudaError_t error = cushim_begin(&driver, &device);
    if (error != cudaSuccess)
        return error;
    if (ptr == NULL)
        return cudaSuccess;
    if ((error = cushim_capture_check_unsafe()) != cudaSuccess)
        return error;
    struct cushim_range r;
    if (cushim_memory_find((uintptr_t)ptr, &r) != 0 || r.base != (uintptr_t)ptr ||
        !is_host_allocation(&r))
        return cudaErrorInvalidValue;
    MUresult sync = driver->muDeviceSynchronize(r.device);
    if (sync != MU_SUCCESS)
        return cushim_from_mu(sync);
    if (cushim_memory_remove((uintptr_t)ptr, is_host_allocation, &r) != 0)
        return cudaErrorInvalidValue;
    return cushim_from_mu(driver->muMemFreeHost(ptr));
}

#define KNOWN_HOST_REGISTER_FLAGS                                                                 \
    (cudaHostRegisterPortable | cudaHostRegisterMapped | cudaHostRegisterIoMemory |               \
     cudaHostRegisterReadOnly)

cudaError_t impl_cudaHostRegister(void *ptr, size_t size, unsigned int flags)
{
    if (ptr == NULL || size == 0 || (flags & ~(unsigned)KNOWN_HOST_REGISTER_FLAGS) != 0)
        return cudaErrorInvalidValue;
    const struct mu_driver *driver;
    int device;
    cudaError_t error = cushim_begin(&driver, &device);
    if (error == cudaSuccess)
        error = cushim_capture_check_unsafe();
    if (error != cudaSuccess)
        return error;
    struct cushim_range existing;
    if (cushim_memory_find((uintptr_t)ptr, &existing) == 0 ||
        cushim_memory_find((uintptr_t)ptr + size - 1, &existing) == 0)
        return existing.kind == CUSHIM_MEM_REGISTERED ? cudaErrorHostMemoryAlreadyRegistered
                                                      : cudaErrorInvalidValue;
    MUresult r = driver->muMemHostRegister(ptr, size, flags);
    if (r != MU_SUCCESS)
        return cushim_from_mu(r);
    if (record(ptr, size, CUSHIM_MEM_REGISTERED, device,
               flags | cudaHostRegisterMapped | cudaHostRegisterPortable) != cudaSuccess) {
        driver->muMemHostUnregister(ptr);
        return cudaErrorHostMemoryAlreadyRegistered;
    }
    return cudaSuccess;
}

cudaError_t impl_cudaHostUnregister(void *ptr)
{
    const struct mu_driver *driver;
    int device;
    cudaError_t error = cushim_begin(&driver, &device);
    if (error != cudaSuccess)
        return error;
    if (ptr == NULL)
        return cudaErrorInvalidValue;
    if ((error = cushim_capture_check_unsafe()) != cudaSuccess)
        return error;
    struct cushim_range r;
    if (cushim_memory_remove((uintptr_t)ptr, is_registration, &r) != 0)
        return cudaErrorHostMemoryNotRegistered;
    return cushim_from_mu(driver->muMemHostUnregister(ptr));
}

cudaError_t impl_cudaHostGetDevicePointer(void **pDevice, void *pHost, unsigned int flags)
{
    if (pDevice == NULL || flags != 0)
        return cudaErrorInvalidValue;
    const struct mu_driver *driver;
    int device;
    cudaError_t error = cushim_begin(&driver, &device);
    if (error != cudaSuccess)
        return error;
    struct cushim_range r;
    if (cushim_memory_find((uintptr_t)pHost, &r) != 0 ||
        (r.kind != CUSHIM_MEM_HOST && r.kind != CUSHIM_MEM_REGISTERED))
        return cudaErrorInvalidValue;
    MUdeviceptr dptr = 0;
    MUresult result = driver->muMemHostGetDevicePointer(&dptr, pHost, 0);
    if (result == MU_SUCCESS)
        *pDevice = (void *)(uintptr_t)dptr;
    return cushim_from_mu(result);
}

cudaError_t impl_cudaHostGetFlags(unsigned int *pFlags, void *pHost)
{
    if (pFlags == NULL)
        return cudaErrorInvalidValue;
    struct cushim_range r;
    if (cushim_memory_find((uintptr_t)pHost, &r) != 0 || r.kind != CUSHIM_MEM_HOST)
        return cudaErrorInvalidValue;
    *pFlags = r.flags;
    return cudaSuccess;
}

cudaError_t impl_cudaMemGetInfo(size_t *free, size_t *total)
{
    if (free == NULL || total == NULL)
        return cudaErrorInvalidValue;
    const struct mu_driver *driver;
    int device;
    cudaError_t error = cushim_begin(&driver, &device);
    if (error != cudaSuccess)
        return error;
    return cushim_from_mu(driver->muMemGetInfo(free, total, device));
}

cudaError_t impl_cudaPointerGetAttributes(struct cudaPointerAttributes *attributes,
                                          const void *ptr)
{
    if (attributes == NULL)
        return cudaErrorInvalidValue;
    const struct mu_driver *driver;
    int device;
    cudaError_t error = cushim_begin(&driver, &device);
    if (error != cudaSuccess)
        return error;
    struct cushim_range r;
    *attributes = (struct cudaPointerAttributes){.type = cudaMemoryTypeUnregistered,
                                                 .device = cudaInvalidDeviceId};
    if (cushim_memory_find((uintptr_t)ptr, &r) != 0)
        return cudaSuccess;
    attributes->device = r.device;
    switch (r.kind) {
    case CUSHIM_MEM_DEVICE:
    case CUSHIM_MEM_SYMBOL:
        attributes->type = cudaMemoryTypeDevice;
        attributes->devicePointer = (void *)ptr;
        break;
    case CUSHIM_MEM_MANAGED:
        attributes->type = cudaMemoryTypeManaged;
        attributes->devicePointer = (void *)ptr;
        attributes->hostPointer = (void *)ptr;
        break;
    case CUSHIM_MEM_HOST:
    case CUSHIM_MEM_REGISTERED:
        attributes->type = cudaMemoryTypeHost;
        attributes->devicePointer = (void *)ptr;
        attributes->hostPointer = (void *)ptr;
        break;
    }
    return cudaSuccess;
}

/* A location advice or a prefetch may name: a device that exists, or the host. */
static cudaError_t check_location(struct cudaMemLocation l)
{
    int devices = 0;
    switch (l.type) {
    case cudaMemLocationTypeDevice:
        if (impl_cudaGetDeviceCount(&devices) != cudaSuccess || l.id < 0 || l.id >= devices)
            return cudaErrorInvalidDevice;
        return cudaSuccess;
    case cudaMemLocationTypeHost:
    case cudaMemLocationTypeHostNuma:
    case cudaMemLocationTypeHostNumaCurrent:
        return cudaSuccess;
    default:
        return cudaErrorInvalidValue;
    }
}

/* Advice and prefetches only tune placement; memory is always resident here, so they check
 * their arguments and are recorded for cudaMemRangeGetAttribute(s), nothing more. */
cudaError_t impl_cudaMemAdvise(const void *devPtr, size_t count, enum cudaMemoryAdvise advice,
                               struct cudaMemLocation location)
{
    struct cushim_range r;
    if ((unsigned)advice < cudaMemAdviseSetReadMostly ||
        (unsigned)advice > cudaMemAdviseUnsetAccessedBy)
        return cudaErrorInvalidValue;
    if (count == 0 || cushim_memory_find_span((uintptr_t)devPtr, count, &r) != 0 ||
        r.kind != CUSHIM_MEM_MANAGED)
        return cudaErrorInvalidValue;
    if (advice == cudaMemAdviseSetPreferredLocation || advice == cudaMemAdviseSetAccessedBy ||
        advice == cudaMemAdviseUnsetAccessedBy) {
        cudaError_t error = check_location(location);
        if (error != cudaSuccess)
            return error;
    }
    return cushim_advice_apply(&r, (uintptr_t)devPtr, count, advice, location);
}

cudaError_t impl_cudaMemRangeGetAttribute(void *data, size_t dataSize,
                                          enum cudaMemRangeAttribute attribute,
                                          const void *devPtr, size_t count)
{
    struct cushim_range r;
    if (count == 0 || cushim_memory_find_span((uintptr_t)devPtr, count, &r) != 0 ||
        r.kind != CUSHIM_MEM_MANAGED)
        return cudaErrorInvalidValue;
    return cushim_advice_query(data, dataSize, attribute, &r, (uintptr_t)devPtr, count);
}

cudaError_t impl_cudaMemRangeGetAttributes(void **data, size_t *dataSizes,
                                           enum cudaMemRangeAttribute *attributes,
                                           size_t numAttributes, const void *devPtr, size_t count)
{
    if (data == NULL || dataSizes == NULL || attributes == NULL || numAttributes == 0)
        return cudaErrorInvalidValue;
    for (size_t i = 0; i < numAttributes; i++) {
        cudaError_t error =
            impl_cudaMemRangeGetAttribute(data[i], dataSizes[i], attributes[i], devPtr, count);
        if (error != cudaSuccess)
            return error;
    }
    return cudaSuccess;
}

cudaError_t impl_cudaMemPrefetchAsync(const void *devPtr, size_t count,
                                      struct cudaMemLocation location, unsigned int flags,
                                      cudaStream_t stream)
{
    struct cushim_range r;
    struct cushim_stream_ref ref;
    if (flags != 0)
        return cudaErrorInvalidValue;
    cudaError_t error = cushim_stream_resolve(stream, &ref);
    if (error != cudaSuccess)
        return error;
    if (cushim_memory_find_span((uintptr_t)devPtr, count, &r) != 0 ||
        r.kind != CUSHIM_MEM_MANAGED)
        return cudaErrorInvalidValue;
    if ((error = check_location(location)) != cudaSuccess)
        return error;
    return cushim_advice_prefetched(&r, (uintptr_t)devPtr, count, location);
}

/* A reset frees the context's pinned host memory and drops its registrations, as NVIDIA's
 * does; the backend has already released the device's own memory. */
static void release_host_side(const struct cushim_range *r)
{
    const struct mu_driver *driver = cushim_backend(NULL);
    if (r->kind == CUSHIM_MEM_HOST)
        driver->muMemFreeHost((void *)r->base);
    else if (r->kind == CUSHIM_MEM_REGISTERED)
        driver->muMemHostUnregister((void *)r->base);
}

void cushim_memory_forget_device(int device)
{
    cushim_advice_forget_device(device);
    cushim_mempool_forget_device(device);
    cushim_memory_remove_device(device, is_any_allocation, release_host_side);
}
