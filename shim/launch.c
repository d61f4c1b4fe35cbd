/*
 * launch.c - kernel launches: the call configuration nvcc's <<<>>> pushes and pops, the
 * cudaKernel_t handles of __cudaGetKernel, and every launch entry point, which all end in
 * cushim_launch: resolve the stream, validate the configuration with the codes NVIDIA's CUDA 13
 * runtime returns (shared/FACTS.md), load the kernel's module on the device, and enqueue the
 * launch (stream_ops.h: run by the backend, or captured into a graph).  Kernel graph nodes are
 * checked by the same cushim_kernel_prepare.  A rejected launch does not run and its error is
 * not sticky.
 */
#include <stdint.h>

#include "api.h"
#include "device.h"
#include "events.h"
#include "launch.h"
#include "registration.h"
#include "stream_ops.h"
#include "streams.h"

/* ---- <<<grid, block, shared, stream>>> ------------------------------------------------- */

#define MAX_PENDING_CONFIGS 16

struct call_config {
    dim3 grid, block;
    size_t shared_mem;
    cudaStream_t stream;
};

static _Thread_local struct call_config pending[MAX_PENDING_CONFIGS];
static _Thread_local int pending_count;

unsigned impl___cudaPushCallConfiguration(dim3 gridDim, dim3 blockDim, size_t sharedMem,
                                          cudaStream_t stream)
{
    if (pending_count == MAX_PENDING_CONFIGS)
        return 1;
    pending[pending_count++] = (struct call_config){gridDim, blockDim, sharedMem, stream};
    return 0;
}

cudaError_t impl___cudaPopCallConfiguration(dim3 *gridDim, dim3 *blockDim, size_t *sharedMem,
                                            void *stream)
{
    if (pending_count == 0)
        return cudaErrorMissingConfiguration;
    const struct call_config *c = &pending[--pending_count];
    if (gridDim != NULL)
        *gridDim = c->grid;
    if (blockDim != NULL)
        *blockDim = c->block;
    if (sharedMem != NULL)
        *sharedMem = c->shared_mem;
    if (stream != NULL)
        *(cudaStream_t *)stream = c->stream;
    return cudaSuccess;
}

/* ---- kernels by host address or handle ---------------------------------------------------- */

struct cushim_function *cushim_function_of(const void *func)
{
    struct cushim_function *f = cushim_function_by_host(func);
    return f != NULL ? f : cushim_function_by_kernel((cudaKernel_t)func);
}

cudaError_t impl___cudaGetKernel(cudaKernel_t *kernel, const void *hostFun)
{
    if (kernel == NULL)
        return cudaErrorInvalidValue;
    struct cushim_function *f = cushim_function_by_host(hostFun);
    if (f == NULL)
        return cudaErrorInvalidDeviceFunction;
    *kernel = (cudaKernel_t)f;
    return cudaSuccess;
}

cudaError_t impl_cudaGetKernel(cudaKernel_t *kernelPtr, const void *entryFuncAddr)
{
    return impl___cudaGetKernel(kernelPtr, entryFuncAddr);
}

/* The driver-level handle of a kernel.  There is no driver API beside this runtime, so it is
 * the kernel's cudaKernel_t, which every runtime call taking a kernel also accepts. */
cudaError_t impl_cudaGetFuncBySymbol(cudaFunction_t *functionPtr, const void *symbolPtr)
{
    if (functionPtr == NULL)
        return cudaErrorInvalidValue;
    struct cushim_function *f = cushim_function_by_host(symbolPtr);
    if (f == NULL)
        return cudaErrorInvalidDeviceFunction;
    *functionPtr = (cudaFunction_t)(void *)f;
    return cudaSuccess;
}

/* ---- the launch ------------------------------------------------------------------------- */

static cudaError_t check_config(int device, dim3 grid, dim3 block)
{
    if (grid.x == 0 || grid.y == 0 || grid.z == 0 || block.x == 0 || block.y == 0 ||
        block.z == 0)
        return cudaErrorInvalidValue;
    uint64_t threads = (uint64_t)block.x * block.y * block.z;
    if (threads > (uint64_t)cushim_device_attribute(device, cudaDevAttrMaxThreadsPerBlock) ||
        block.x > (unsigned)cushim_device_attribute(device, cudaDevAttrMaxBlockDimX) ||
        block.y > (unsigned)cushim_device_attribute(device, cudaDevAttrMaxBlockDimY) ||
        block.z > (unsigned)cushim_device_attribute(device, cudaDevAttrMaxBlockDimZ) ||
        grid.x > (unsigned)cushim_device_attribute(device, cudaDevAttrMaxGridDimX) ||
        grid.y > (unsigned)cushim_device_attribute(device, cudaDevAttrMaxGridDimY) ||
        grid.z > (unsigned)cushim_device_attribute(device, cudaDevAttrMaxGridDimZ))
        return cudaErrorInvalidValue;
    return cudaSuccess;
}

/* The checks NVIDIA's runtime makes when a launch is made (or a kernel node is added), with
 * its codes; what passes is described as an operation whose arguments are still the caller's. */
cudaError_t cushim_kernel_prepare(struct cushim_function *fn, const void *func,
                                  const struct cushim_launch *l, int device,
                                  struct cushim_op *op)
{
    if (fn == NULL)
        return cudaErrorInvalidDeviceFunction;
    const struct mu_driver *driver;
    cudaError_t error = cushim_begin_device(&driver, device);
    if (error != cudaSuccess)
        return error;
    error = check_config(device, l->grid, l->block);
    if (error != cudaSuccess)
        return error;
    MUfunction f;
    error = cushim_function_load(fn, device, &f);
    if (error != cudaSuccess)
        return error;
    struct mu_func_info info;
    error = cushim_from_mu(driver->muFuncGetInfo(&info, f));
    if (error != cudaSuccess)
        return error;
    uint64_t threads = (uint64_t)l->block.x * l->block.y * l->block.z;
    if (l->shared_mem > (size_t)info.max_dynamic_shared_size_bytes ||
        threads > (uint64_t)info.max_threads_per_block)
        return cudaErrorInvalidValue;
    if (l->cooperative) {
        int per_sm = 0;
        error = cushim_from_mu(driver->muOccupancyMaxActiveBlocksPerMultiprocessor(
            &per_sm, f, (int)threads, l->shared_mem));
        if (error != cudaSuccess)
            return error;
        uint64_t blocks = (uint64_t)l->grid.x * l->grid.y * l->grid.z;
        uint64_t resident =
            (uint64_t)per_sm * (uint64_t)cushim_device_attribute(device,
                                                                  cudaDevAttrMultiProcessorCount);
        if (blocks > resident)
            return cudaErrorCooperativeLaunchTooLarge;
    }
    *op = (struct cushim_op){
        .kind = cudaGraphNodeTypeKernel,
        .kernel =
            {
                .func = func,
                .fn = fn,
                .f = f,
                .device = device,
                .grid = l->grid,
                .block = l->block,
                .shared_mem = l->shared_mem,
                .cooperative = l->cooperative,
                .programmatic = l->programmatic,
                .args = l->args,
                .nparams = info.num_params,
            },
    };
    return cudaSuccess;
}

cudaError_t cushim_launch(struct cushim_function *fn, const struct cushim_launch *l)
{
    if (fn == NULL)
        return cudaErrorInvalidDeviceFunction;
    struct cushim_stream_ref ref;
    cudaError_t error = cushim_stream_resolve(l->stream, &ref);
    if (error != cudaSuccess)
        return error;
    const struct mu_driver *driver;
    int device;
    error = cushim_begin(&driver, &device);
    if (error != cudaSuccess)
        return error;
    /* A kernel runs on the current device; a stream of another device cannot take it. */
    if (ref.device != device)
        return cudaErrorInvalidResourceHandle;
    struct cushim_op op;
    error = cushim_kernel_prepare(fn, l->func != NULL ? l->func : (const void *)fn, l, device,
                                  &op);
    if (error != cudaSuccess)
        return error;
    return cushim_enqueue(&ref, &op);
}

cudaError_t impl___cudaLaunchKernel(cudaKernel_t kernel, dim3 gridDim, dim3 blockDim,
                                    void **args, size_t sharedMem, cudaStream_t stream)
{
    /* <<<>>> names the kernel by its cudaKernel_t; a captured node still reports the host stub
     * as its func (cudaGraphKernelNodeGetParams), as for cudaLaunchKernel. */
    struct cushim_function *fn = cushim_function_by_kernel(kernel);
    struct cushim_launch l = {gridDim, blockDim, args, sharedMem, stream, 0,
                              fn != NULL ? cushim_function_host(fn) : NULL, 0};
    return cushim_launch(fn, &l);
}

cudaError_t impl_cudaLaunchKernel(const void *func, dim3 gridDim, dim3 blockDim, void **args,
                                  size_t sharedMem, cudaStream_t stream)
{
    struct cushim_launch l = {gridDim, blockDim, args, sharedMem, stream, 0, func, 0};
    return cushim_launch(cushim_function_of(func), &l);
}

cudaError_t impl_cudaLaunchCooperativeKernel(const void *func, dim3 gridDim, dim3 blockDim,
                                             void **args, size_t sharedMem,
                                             cudaStream_t stream)
{
    struct cushim_launch l = {gridDim, blockDim, args, sharedMem, stream, 1, func, 0};
    return cushim_launch(cushim_function_of(func), &l);
}

cudaError_t impl_cudaLaunchKernelExC(const cudaLaunchConfig_t *config, const void *func,
                                     void **args)
{
    if (config == NULL || (config->numAttrs > 0 && config->attrs == NULL))
        return cudaErrorInvalidValue;
    struct cushim_launch l = {config->gridDim, config->blockDim, args, config->dynamicSmemBytes,
                              config->stream, 0, func, 0};
    /* Events the launch records: a kernel's blocks all trigger by exiting at the latest, so
     * recording them when the kernel completes keeps every documented guarantee. */
    cudaEvent_t events[2];
    unsigned nevents = 0;
    for (unsigned i = 0; i < config->numAttrs; i++) {
        const cudaLaunchAttribute *a = &config->attrs[i];
        switch (a->id) {
        case cudaLaunchAttributeCooperative:
            l.cooperative = a->val.cooperative != 0;
            break;
        case cudaLaunchAttributeProgrammaticStreamSerialization:
            /* Captured, this is an edge of type programmatic from the previous kernel node
             * (Programming Guide, PDL "Use in CUDA Graphs"); run directly it changes nothing. */
            l.programmatic = a->val.programmaticStreamSerializationAllowed != 0;
            break;
        case cudaLaunchAttributeClusterDimension:
            /* Clusters of one block are the absence of clusters. */
            if (a->val.clusterDim.x * a->val.clusterDim.y * a->val.clusterDim.z > 1)
                return cudaErrorNotSupported;
            break;
        case cudaLaunchAttributeProgrammaticEvent:
            events[nevents++ & 1] = a->val.programmaticEvent.event;
            break;
        case cudaLaunchAttributeLaunchCompletionEvent:
            events[nevents++ & 1] = a->val.launchCompletionEvent.event;
            break;
        case cudaLaunchAttributeIgnore:
        case cudaLaunchAttributeAccessPolicyWindow:
        case cudaLaunchAttributeSynchronizationPolicy:
        case cudaLaunchAttributeClusterSchedulingPolicyPreference:
        case cudaLaunchAttributePriority:
        case cudaLaunchAttributeMemSyncDomainMap:
        case cudaLaunchAttributeMemSyncDomain:
        case cudaLaunchAttributePreferredClusterDimension:
        case cudaLaunchAttributeDeviceUpdatableKernelNode:
        case cudaLaunchAttributePreferredSharedMemoryCarveout:
        case cudaLaunchAttributeNvlinkUtilCentricScheduling:
            /* scheduling hints: they change no result */
            break;
        default:
            return cudaErrorInvalidValue;
        }
    }
    if (nevents > 2)
        return cudaErrorInvalidValue;
    for (unsigned i = 0; i < nevents; i++)
        if (cushim_event_lookup(events[i], NULL, NULL, NULL) != 0)
            return cudaErrorInvalidResourceHandle;
    cudaError_t error = cushim_launch(cushim_function_of(func), &l);
    for (unsigned i = 0; i < nevents && error == cudaSuccess; i++)
        error = impl_cudaEventRecord(events[i], config->stream);
    return error;
}
