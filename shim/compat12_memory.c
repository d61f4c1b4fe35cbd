/*
 * compat12_memory.c - CUDA 12's managed-memory and pointer calls for libcudart.so.12:
 * cudaMemAdvise and cudaMemPrefetchAsync naming a device by number, cudaPointerGetAttributes
 * with CUDA 12's shorter struct, and the batch copies of CUDA 12.8 that report the failing copy.
 *
 * A CUDA 12 device number is a CUDA 13 location: cudaCpuDeviceId means the host, any other
 * number a device (CUDA 13 judges whether it is a valid one, as CUDA 12 did).
 */
#include <string.h>

#include "api.h"
#include "api12.h"
#include "memcpy.h"

static struct cudaMemLocation location_of(int device)
{
    struct cudaMemLocation location;
    memset(&location, 0, sizeof location);
    if (device == cudaCpuDeviceId) {
        location.type = cudaMemLocationTypeHost;
    } else {
        location.type = cudaMemLocationTypeDevice;
        location.id = device;
    }
    return location;
}

cudaError_t compat12_cudaMemAdvise(const void *devPtr, size_t count, enum cudaMemoryAdvise advice,
                                   int device)
{
    return cushim_impl_table.cudaMemAdvise(devPtr, count, advice, location_of(device));
}

cudaError_t compat12_cudaMemPrefetchAsync(const void *devPtr, size_t count, int dstDevice,
                                          cudaStream_t stream)
{
    return cushim_impl_table.cudaMemPrefetchAsync(devPtr, count, location_of(dstDevice), 0,
                                                  stream);
}

/* CUDA 12's struct is CUDA 13's without the trailing reserved space: write only its bytes. */
cudaError_t compat12_cudaPointerGetAttributes(struct cudaPointerAttributes *attributes,
                                              const void *ptr)
{
    if (attributes == NULL)
        return cushim_impl_table.cudaPointerGetAttributes(NULL, ptr);
    struct cudaPointerAttributes whole;
    memset(&whole, 0, sizeof whole);
    cudaError_t error = cushim_impl_table.cudaPointerGetAttributes(&whole, ptr);
    if (error == cudaSuccess)
        memcpy(attributes, &whole, CUSHIM_CUDA12_SIZEOF_cudaPointerAttributes);
    return error;
}

cudaError_t compat12_cudaMemcpyBatchAsync(void **dsts, void **srcs, size_t *sizes, size_t count,
                                          struct cudaMemcpyAttributes *attrs, size_t *attrsIdxs,
                                          size_t numAttrs, size_t *failIdx, cudaStream_t stream)
{
    return cushim_memcpy_batch(dsts, (const void *const *)srcs, sizes, count, attrs, attrsIdxs,
                               numAttrs, failIdx, stream);
}

cudaError_t compat12_cudaMemcpy3DBatchAsync(size_t numOps, struct cudaMemcpy3DBatchOp *opList,
                                            size_t *failIdx, unsigned long long flags,
                                            cudaStream_t stream)
{
    return cushim_memcpy3d_batch(numOps, opList, flags, failIdx, stream);
}
