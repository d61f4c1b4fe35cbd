/*
 * memcpy_batch.c - the batch calls of CUDA 12.8/13: cudaMemcpyBatchAsync, cudaMemcpy3DBatchAsync,
 * cudaMemPrefetchBatchAsync, cudaMemDiscardBatchAsync and cudaMemDiscardAndPrefetchBatchAsync.
 *
 * Owns: checking a batch as NVIDIA documents it (counts, the attribute or location index runs,
 * source access orders, flags, no legacy stream) before anything is enqueued, then running it
 * as the single operations it is made of, in order on the stream: copies within a batch have no
 * order among themselves, so stream order is one order they may take.  A source that must be
 * read during the call (cudaMemcpySrcAccessOrderDuringApiCall, e.g. a stack variable) is copied
 * once the stream's earlier work is done, before the call returns.  A discard leaves the data as
 * it is, which is one of the contents "undefined" allows.
 * Must not: copy or check memory itself (memcpy.c and memory.c do).
 */
#include <stdint.h>
#include <string.h>

#include "api.h"
#include "arrays.h"
#include "memcpy.h"
#include "memory_map.h"
#include "streams.h"

/* The stream of a batch: any but the legacy default stream. */
static cudaError_t batch_stream(cudaStream_t stream)
{
    struct cushim_stream_ref ref;
    cudaError_t error = cushim_stream_resolve(stream, &ref);
    if (error != cudaSuccess)
        return error;
    return ref.id == 0 ? cudaErrorInvalidValue : cudaSuccess;
}

/* idxs[0] == 0, strictly increasing, all below count, and no more runs than items. */
static int runs_ok(const size_t *idxs, size_t runs, size_t count)
{
    if (idxs == NULL || runs == 0 || runs > count || idxs[0] != 0)
        return 0;
    for (size_t k = 1; k < runs; k++)
        if (idxs[k] <= idxs[k - 1] || idxs[k] >= count)
            return 0;
    return 1;
}

/* A source access order and copy flags as NVIDIA documents them. */
static int access_ok(enum cudaMemcpySrcAccessOrder order, unsigned flags)
{
    return (order == cudaMemcpySrcAccessOrderStream ||
            order == cudaMemcpySrcAccessOrderDuringApiCall ||
            order == cudaMemcpySrcAccessOrderAny) &&
           (flags & ~(unsigned)cudaMemcpyFlagPreferOverlapWithCompute) == 0;
}

/* The run item i belongs to. */
static size_t run_of(const size_t *idxs, size_t runs, size_t i)
{
    size_t k = 0;
    while (k + 1 < runs && idxs[k + 1] <= i)
        k++;
    return k;
}

/* Both the CUDA 13 call and CUDA 12's (whose *fail_idx names the copy a failure belongs to,
 * SIZE_MAX for one that belongs to none). */
cudaError_t cushim_memcpy_batch(void *const *dsts, const void *const *srcs, const size_t *sizes,
                                size_t count, struct cudaMemcpyAttributes *attrs,
                                size_t *attrsIdxs, size_t numAttrs, size_t *fail_idx,
                                cudaStream_t stream)
{
    size_t failed = SIZE_MAX;
    cudaError_t error = cudaSuccess;
    if (count == 0 || dsts == NULL || srcs == NULL || sizes == NULL || attrs == NULL ||
        !runs_ok(attrsIdxs, numAttrs, count))
        error = cudaErrorInvalidValue;
    for (size_t k = 0; k < numAttrs && error == cudaSuccess; k++)
        if (!access_ok(attrs[k].srcAccessOrder, attrs[k].flags))
            error = cudaErrorInvalidValue;
    if (error == cudaSuccess)
        error = batch_stream(stream);
    int during_call = 0;
    for (size_t k = 0; k < numAttrs && error == cudaSuccess; k++)
        during_call |= attrs[k].srcAccessOrder == cudaMemcpySrcAccessOrderDuringApiCall;
    for (size_t i = 0; i < count && error == cudaSuccess; i++)
        if ((error = impl_cudaMemcpyAsync(dsts[i], srcs[i], sizes[i], cudaMemcpyDefault,
                                          stream)) != cudaSuccess)
            failed = i;
    /* sources read during the call must have been read when it returns */
    if (error == cudaSuccess && during_call)
        error = impl_cudaStreamSynchronize(stream);
    if (error != cudaSuccess && fail_idx != NULL)
        *fail_idx = failed;
    return error;
}

cudaError_t impl_cudaMemcpyBatchAsync(void *const *dsts, const void *const *srcs,
                                      const size_t *sizes, size_t count,
                                      struct cudaMemcpyAttributes *attrs, size_t *attrsIdxs,
                                      size_t numAttrs, cudaStream_t stream)
{
    return cushim_memcpy_batch(dsts, srcs, sizes, count, attrs, attrsIdxs, numAttrs, NULL, stream);
}

/* Element size of an array operand (0: not a live array), or 1 for a pointer operand. */
static size_t operand_element(const struct cudaMemcpy3DOperand *o)
{
    struct cushim_array_info info;
    if (o->type == cudaMemcpyOperandTypePointer)
        return 1;
    if (o->type != cudaMemcpyOperandTypeArray || cushim_array_lookup(o->op.array.array, &info) != 0)
        return 0;
    return mu_format_bytes(&info.format);
}

/* One side of a cudaMemcpy3DParms from an operand; rows of `element`-byte elements. */
static int operand_side(const struct cudaMemcpy3DOperand *o, struct cudaExtent e, size_t element,
                        cudaArray_t *array, struct cudaPos *pos, struct cudaPitchedPtr *ptr)
{
    if (o->type == cudaMemcpyOperandTypeArray) {
        *array = o->op.array.array;
        *pos = (struct cudaPos){o->op.array.offset.x, o->op.array.offset.y, o->op.array.offset.z};
        return 1;
    }
    size_t row = o->op.ptr.rowLength, layer = o->op.ptr.layerHeight;
    if ((row != 0 && row < e.width) || (layer != 0 && layer < e.height) || o->op.ptr.ptr == NULL)
        return 0;
    *ptr = (struct cudaPitchedPtr){o->op.ptr.ptr, (row ? row : e.width) * element, e.width,
                                   layer ? layer : e.height};
    return 1;
}

/* One 3-D copy of a batch as the cudaMemcpy3D it is: extents in elements, which for a copy
 * between pointers are bytes. */
static cudaError_t batch_op_parms(const struct cudaMemcpy3DBatchOp *op, struct cudaMemcpy3DParms *p)
{
    struct cudaExtent e = op->extent;
    size_t src_el = operand_element(&op->src), dst_el = operand_element(&op->dst);
    if (e.width == 0 || e.height == 0 || e.depth == 0 || src_el == 0 || dst_el == 0 ||
        !access_ok(op->srcAccessOrder, op->flags))
        return cudaErrorInvalidValue;
    int src_array = op->src.type == cudaMemcpyOperandTypeArray;
    int dst_array = op->dst.type == cudaMemcpyOperandTypeArray;
    if (src_array && dst_array && src_el != dst_el)
        return cudaErrorInvalidValue;
    size_t element = src_array ? src_el : dst_el;
    memset(p, 0, sizeof *p);
    p->extent = e;
    p->kind = cudaMemcpyDefault;
    if (!operand_side(&op->src, e, element, &p->srcArray, &p->srcPos, &p->srcPtr) ||
        !operand_side(&op->dst, e, element, &p->dstArray, &p->dstPos, &p->dstPtr))
        return cudaErrorInvalidValue;
    return cudaSuccess;
}

cudaError_t cushim_memcpy3d_batch(size_t numOps, struct cudaMemcpy3DBatchOp *opList,
                                  unsigned long long flags, size_t *fail_idx, cudaStream_t stream)
{
    size_t failed = SIZE_MAX;
    cudaError_t error = cudaSuccess;
    struct cudaMemcpy3DParms p;
    if (numOps == 0 || opList == NULL || flags != 0)
        error = cudaErrorInvalidValue;
    for (size_t i = 0; i < numOps && error == cudaSuccess; i++)
        if ((error = batch_op_parms(&opList[i], &p)) != cudaSuccess)
            failed = i;
    if (error == cudaSuccess)
        error = batch_stream(stream);
    int during_call = 0;
    for (size_t i = 0; i < numOps && error == cudaSuccess; i++) {
        during_call |= opList[i].srcAccessOrder == cudaMemcpySrcAccessOrderDuringApiCall;
        batch_op_parms(&opList[i], &p);
        if ((error = impl_cudaMemcpy3DAsync(&p, stream)) != cudaSuccess)
            failed = i;
    }
    if (error == cudaSuccess && during_call)
        error = impl_cudaStreamSynchronize(stream);
    if (error != cudaSuccess && fail_idx != NULL)
        *fail_idx = failed;
    return error;
}

cudaError_t impl_cudaMemcpy3DBatchAsync(size_t numOps, struct cudaMemcpy3DBatchOp *opList,
                                        unsigned long long flags, cudaStream_t stream)
{
    return cushim_memcpy3d_batch(numOps, opList, flags, NULL, stream);
}

/* The prefetch locations: a device that exists, or the host. */
static int location_ok(const struct cudaMemLocation *l)
{
    int devices = 0;
    if (l->type == cudaMemLocationTypeDevice)
        return impl_cudaGetDeviceCount(&devices) == cudaSuccess && l->id >= 0 && l->id < devices;
    return l->type == cudaMemLocationTypeHost || l->type == cudaMemLocationTypeHostNuma ||
           l->type == cudaMemLocationTypeHostNumaCurrent;
}

/* Discarding or prefetching needs managed memory, every byte inside one allocation. */
static cudaError_t managed_ranges(void *const *dptrs, const size_t *sizes, size_t count)
{
    if (count == 0 || dptrs == NULL || sizes == NULL)
        return cudaErrorInvalidValue;
    for (size_t i = 0; i < count; i++) {
        struct cushim_range r;
        if (sizes[i] == 0 || cushim_memory_find_span((uintptr_t)dptrs[i], sizes[i], &r) != 0 ||
            r.kind != CUSHIM_MEM_MANAGED)
            return cudaErrorInvalidValue;
    }
    return cudaSuccess;
}

static cudaError_t prefetch_batch(void **dptrs, size_t *sizes, size_t count,
                                  struct cudaMemLocation *prefetchLocs, size_t *prefetchLocIdxs,
                                  size_t numPrefetchLocs, unsigned long long flags,
                                  cudaStream_t stream)
{
    if (flags != 0 || prefetchLocs == NULL || !runs_ok(prefetchLocIdxs, numPrefetchLocs, count))
        return cudaErrorInvalidValue;
    for (size_t k = 0; k < numPrefetchLocs; k++)
        if (!location_ok(&prefetchLocs[k]))
            return cudaErrorInvalidValue;
    cudaError_t error = managed_ranges(dptrs, sizes, count);
    if (error == cudaSuccess)
        error = batch_stream(stream);
    for (size_t i = 0; i < count && error == cudaSuccess; i++) {
        size_t k = run_of(prefetchLocIdxs, numPrefetchLocs, i);
        error = impl_cudaMemPrefetchAsync(dptrs[i], sizes[i], prefetchLocs[k], 0, stream);
    }
    return error;
}

cudaError_t impl_cudaMemPrefetchBatchAsync(void **dptrs, size_t *sizes, size_t count,
                                           struct cudaMemLocation *prefetchLocs,
                                           size_t *prefetchLocIdxs, size_t numPrefetchLocs,
                                           unsigned long long flags, cudaStream_t stream)
{
    return prefetch_batch(dptrs, sizes, count, prefetchLocs, prefetchLocIdxs, numPrefetchLocs,
                          flags, stream);
}

cudaError_t impl_cudaMemDiscardBatchAsync(void **dptrs, size_t *sizes, size_t count,
                                          unsigned long long flags, cudaStream_t stream)
{
    if (flags != 0)
        return cudaErrorInvalidValue;
    cudaError_t error = managed_ranges(dptrs, sizes, count);
    return error != cudaSuccess ? error : batch_stream(stream);
}

/* Discarded pages prefetched: their contents stay whatever they were, at the new location. */
cudaError_t impl_cudaMemDiscardAndPrefetchBatchAsync(void **dptrs, size_t *sizes, size_t count,
                                                     struct cudaMemLocation *prefetchLocs,
                                                     size_t *prefetchLocIdxs,
                                                     size_t numPrefetchLocs,
                                                     unsigned long long flags,
                                                     cudaStream_t stream)
{
    return prefetch_batch(dptrs, sizes, count, prefetchLocs, prefetchLocIdxs, numPrefetchLocs,
                          flags, stream);
}
