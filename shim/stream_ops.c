/*
 * stream_ops.c - see stream_ops.h.  Owns cushim_enqueue (run or capture), cushim_op_run (the
 * one place an operation meets the backend, whether a stream API call or a graph node made
 * it) and the ownership of an operation's memory.  It does not check arguments: the API
 * functions did, before building the operation.
 */
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "events.h"
#include "graph.h"
#include "mempool.h"
#include "registration.h"
#include "stream_ops.h"

cudaError_t cushim_enqueue(const struct cushim_stream_ref *ref, struct cushim_op *op)
{
    cudaError_t error;
    if (cushim_capture_claim(ref, op, &error))
        return error;
    return cushim_op_run(op, ref, CUSHIM_RUN_STREAM);
}

static cudaError_t run_kernel(const struct cushim_kernel_op *k, MUstream stream)
{
    /* Looked up again (a cached load): a device reset since the operation was made unloaded
     * the module, and a graph node may run long after it was made. */
    MUfunction f;
    cudaError_t error = cushim_function_load(k->fn, k->device, &f);
    if (error != cudaSuccess)
        return error;
    struct mu_launch_config config = {
        .grid = k->grid,
        .block = k->block,
        .shared_mem_bytes = k->shared_mem,
        .stream = stream,
        .cooperative = k->cooperative,
    };
    return cushim_from_mu(cushim_backend(NULL)->muLaunchKernel(f, &config, k->args));
}

static cudaError_t run_copy(const struct cushim_op *op, MUstream stream, enum cushim_run how)
{
    unsigned flags = op->sync ? MU_OP_SYNC : 0;
    /* A stream copy of pageable memory completes before the call returns (the backend sees
     * to it); a graph's copy node runs when the graph gets there, its buffers still alive. */
    if (how == CUSHIM_RUN_GRAPH)
        flags |= MU_OP_ASYNC_PAGEABLE;
    if (op->copy.copy.width_bytes == 0)
        return cudaSuccess;
    return cushim_from_mu(cushim_backend(NULL)->muMemcpy3D(&op->copy.copy, stream, flags));
}

static cudaError_t run_fill(const struct cushim_op *op, MUstream stream)
{
    const struct cushim_fill_op *f = &op->fill;
    size_t width_bytes = f->params.width * f->params.elementSize;
    if (width_bytes == 0 || f->params.height == 0 || f->depth == 0)
        return cudaSuccess;
    const struct mu_driver *driver = cushim_backend(NULL);
    if (f->pattern != NULL) {
        struct mu_copy3d copy = {
            .kind = cudaMemcpyHostToDevice,
            .dst = f->params.dst,
            .src = f->pattern,
            .dst_pitch = f->params.pitch,
            .dst_height = f->height_per_slice,
            .src_pitch = width_bytes,
            .src_height = f->params.height,
            .width_bytes = width_bytes,
            .height = f->params.height,
            .depth = f->depth,
        };
        return cushim_from_mu(driver->muMemcpy3D(&copy, stream, MU_OP_ASYNC_PAGEABLE));
    }
    return cushim_from_mu(driver->muMemset3D((MUdeviceptr)(uintptr_t)f->params.dst,
                                             f->params.pitch, f->height_per_slice,
                                             (int)(f->params.value & 0xffu), width_bytes,
                                             f->params.height, f->depth, stream,
                                             op->sync ? MU_OP_SYNC : 0));
}

static cudaError_t run_event(const struct cushim_op *op, MUstream stream, enum cushim_run how)
{
    MUevent ev;
    if (cushim_event_lookup(op->event.event, &ev, NULL, NULL) != 0)
        return cudaErrorInvalidResourceHandle;
    const struct mu_driver *driver = cushim_backend(NULL);
    if (op->kind == cudaGraphNodeTypeWaitEvent)
        return cushim_from_mu(driver->muStreamWaitEvent(stream, ev, 0));
    cudaError_t error = cushim_from_mu(driver->muEventRecord(ev, stream));
    /* Recorded outside any capture now: it no longer stands for captured work. */
    if (error == cudaSuccess && how == CUSHIM_RUN_STREAM)
        cushim_capture_forget_event(op->event.event);
    return error;
}

/* NVIDIA: a host function "will not be called in the event of an error in the CUDA context"
 * (unlike a cudaStreamAddCallback callback).  Its stream is busy running it, so a query
 * answers the device's sticky fault (checked first) or MU_ERROR_NOT_READY. */
struct host_call {
    cudaHostFn_t fn;
    void *data;
    MUstream stream;
};

static void run_host_call(void *p)
{
    struct host_call *h = p;
    MUresult r = cushim_backend(NULL)->muStreamQuery(h->stream);
    if (r == MU_SUCCESS || r == MU_ERROR_NOT_READY)
        h->fn(h->data);
    free(h);
}

static cudaError_t run_host(const struct cushim_op *op, MUstream stream)
{
    struct host_call *h = malloc(sizeof *h);
    if (h == NULL)
        return cudaErrorMemoryAllocation;
    *h = (struct host_call){op->host.fn, op->host.data, stream};
    MUresult r = cushim_backend(NULL)->muLaunchHostFunc(stream, run_host_call, h);
    if (r != MU_SUCCESS)
        free(h);
    return cushim_from_mu(r);
}

cudaError_t cushim_op_run(struct cushim_op *op, const struct cushim_stream_ref *ref,
                          enum cushim_run how)
{
    MUstream stream = ref->stream;
    switch (op->kind) {
    case cudaGraphNodeTypeKernel:
        return run_kernel(&op->kernel, stream);
    case cudaGraphNodeTypeMemcpy:
        return run_copy(op, stream, how);
    case cudaGraphNodeTypeMemset:
        return run_fill(op, stream);
    case cudaGraphNodeTypeHost:
        return run_host(op, stream);
    case cudaGraphNodeTypeEventRecord:
    case cudaGraphNodeTypeWaitEvent:
        return run_event(op, stream, how);
    case cudaGraphNodeTypeMemAlloc:
        /* A graph's allocations were made valid when the graph was launched. */
        return how == CUSHIM_RUN_GRAPH ? cudaSuccess : cushim_mempool_alloc_async(op, ref);
    case cudaGraphNodeTypeMemFree:
        return how == CUSHIM_RUN_GRAPH ? cudaSuccess
                                       : cushim_mempool_free_async(op->free.dptr, ref);
    case cudaGraphNodeTypeGraph:
        return how == CUSHIM_RUN_GRAPH ? cushim_graph_submit(op->child.graph, ref)
                                       : cushim_exec_launch(op->child.exec, ref);
    case cudaGraphNodeTypeEmpty:
        return cudaSuccess;
    default:
        /* Conditional nodes are evaluated by the graph runner itself (graph_launch.c);
         * external semaphore nodes cannot be made. */
        return cudaErrorNotSupported;
    }
}

/* ---- ownership ------------------------------------------------------------------------- */

static cudaError_t own_kernel_args(struct cushim_kernel_op *k)
{
    const struct mu_driver *driver = cushim_backend(NULL);
    void **src_args = k->args;
    int n = k->nparams;
    size_t *offset = NULL, *size = NULL, bytes = 0;
    if (n > 0) {
        if (src_args == NULL)
            return cudaErrorInvalidValue;
        offset = malloc(2 * (size_t)n * sizeof *offset);
        if (offset == NULL)
            return cudaErrorMemoryAllocation;
        size = offset + n;
        for (int i = 0; i < n; i++) {
            MUresult r = driver->muFuncGetParamInfo == NULL
                             ? MU_ERROR_NOT_SUPPORTED
                             : driver->muFuncGetParamInfo(k->f, i, &offset[i], &size[i]);
            if (r != MU_SUCCESS) {
                free(offset);
                return cushim_from_mu(r);
            }
            if (src_args[i] == NULL) {
                free(offset);
                return cudaErrorInvalidValue;
            }
            if (offset[i] + size[i] > bytes)
                bytes = offset[i] + size[i];
        }
    }
    size_t argv_bytes = ((size_t)n * sizeof(void *) + 15) & ~(size_t)15;
    unsigned char *owned = calloc(1, argv_bytes + bytes + 1);
    if (owned == NULL) {
        free(offset);
        return cudaErrorMemoryAllocation;
    }
    void **argv = (void **)owned;
    for (int i = 0; i < n; i++) {
        argv[i] = owned + argv_bytes + offset[i];
        memcpy(argv[i], src_args[i], size[i]);
    }
    free(offset);
    k->owned = owned;
    k->args = n > 0 ? argv : NULL;
    return cudaSuccess;
}

static cudaError_t copy_attrs(struct cushim_kernel_op *k)
{
    if (k->nattrs == 0) {
        k->attrs = NULL;
        return cudaSuccess;
    }
    cudaLaunchAttribute *a = malloc(k->nattrs * sizeof *a);
    if (a == NULL)
        return cudaErrorMemoryAllocation;
    memcpy(a, k->attrs, k->nattrs * sizeof *a);
    k->attrs = a;
    return cudaSuccess;
}

cudaError_t cushim_op_own(struct cushim_op *op)
{
    switch (op->kind) {
    case cudaGraphNodeTypeKernel: {
        cudaError_t error = own_kernel_args(&op->kernel);
        if (error == cudaSuccess && (error = copy_attrs(&op->kernel)) != cudaSuccess) {
            free(op->kernel.owned);
            op->kernel.owned = NULL;
        }
        return error;
    }
    case cudaGraphNodeTypeMemAlloc: {
        struct cushim_alloc_op *a = &op->alloc;
        a->access = NULL;
        if (a->params.accessDescCount > 0) {
            if (a->params.accessDescs == NULL)
                return cudaErrorInvalidValue;
            a->access = malloc(a->params.accessDescCount * sizeof *a->access);
            if (a->access == NULL)
                return cudaErrorMemoryAllocation;
            memcpy(a->access, a->params.accessDescs,
                   a->params.accessDescCount * sizeof *a->access);
        }
        a->params.accessDescs = a->access;
        return cudaSuccess;
    }
    default:
        return cudaSuccess; /* everything else is held by value (fill patterns are owned) */
    }
}

cudaError_t cushim_op_copy(struct cushim_op *dst, const struct cushim_op *src)
{
    *dst = *src;
    switch (src->kind) {
    case cudaGraphNodeTypeKernel:
        dst->kernel.owned = NULL;
        dst->kernel.attrs = NULL;
        dst->kernel.args = src->kernel.args;
        dst->kernel.attrs = src->kernel.attrs;
        return cushim_op_own(dst);
    case cudaGraphNodeTypeMemset:
        if (src->fill.pattern != NULL) {
            size_t bytes = src->fill.params.width * src->fill.params.elementSize *
                           src->fill.params.height * src->fill.depth;
            dst->fill.pattern = malloc(bytes);
            if (dst->fill.pattern == NULL)
                return cudaErrorMemoryAllocation;
            memcpy(dst->fill.pattern, src->fill.pattern, bytes);
        }
        return cudaSuccess;
    case cudaGraphNodeTypeMemAlloc:
        return cushim_op_own(dst);
    default:
        return cudaSuccess;
    }
}

void cushim_op_release(struct cushim_op *op)
{
    switch (op->kind) {
    case cudaGraphNodeTypeKernel:
        free(op->kernel.owned);
        free(op->kernel.attrs);
        op->kernel.owned = NULL;
        op->kernel.attrs = NULL;
        break;
    case cudaGraphNodeTypeMemset:
        free(op->fill.pattern);
        op->fill.pattern = NULL;
        break;
    case cudaGraphNodeTypeMemAlloc:
        free(op->alloc.access);
        op->alloc.access = NULL;
        break;
    default:
        break;
    }
}
