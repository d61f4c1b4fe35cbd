/*
 * graph_nodes.c - the node-parameter API: cudaGraphAdd*Node, cudaGraphAddNode, and getting
 * and setting each kind's parameters (cudaGraph*NodeGet/SetParams, cudaGraphNodeSetParams,
 * kernel node attributes).  Parameters become the same stream operation a stream API call
 * would build (stream_ops.h), checked by the same functions (launch.c, memcpy.c, symbols.c),
 * and are read back from it.  Nodes are made on the current device, as NVIDIA's are made in
 * the current context.
 */
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "device.h"
#include "events.h"
#include "graph.h"
#include "graph_mem.h"
#include "launch.h"
#include "memcpy.h"

static cudaError_t current_device(int *device)
{
    const struct mu_driver *driver;
    return cushim_begin(&driver, device);
}

/* Run `body` on a node of the given kind, found under the lock. */
#define WITH_NODE(handle, kind_wanted, n, error, ...)                                             \
    do {                                                                                          \
        pthread_mutex_lock(&cushim_graph_lock);                                                   \
        struct cushim_node *n = cushim_node_find(handle);                                         \
        if (n == NULL || n->op.kind != (kind_wanted))                                             \
            error = cudaErrorInvalidValue;                                                        \
        else {                                                                                    \
            __VA_ARGS__;                                                                          \
        }                                                                                         \
        pthread_mutex_unlock(&cushim_graph_lock);                                                 \
    } while (0)

/* Replace a node's operation (the old one is released; kernel attributes carry over). */
static void replace_op(struct cushim_node *n, struct cushim_op *op)
{
    if (n->op.kind == cudaGraphNodeTypeKernel) {
        op->kernel.attrs = n->op.kernel.attrs;
        op->kernel.nattrs = n->op.kernel.nattrs;
        n->op.kernel.attrs = NULL;
        n->op.kernel.nattrs = 0;
    }
    cushim_node_release_op(&n->op);
    n->op = *op;
}

/* ---- kernel nodes ------------------------------------------------------------------------ */

#define LAUNCH_PARAM_END ((void *)0x00)
#define LAUNCH_PARAM_BUFFER_POINTER ((void *)0x01)
#define LAUNCH_PARAM_BUFFER_SIZE ((void *)0x02)

/* The argument pointers of a packed `extra` buffer, at the kernel's parameter offsets. */
static cudaError_t args_from_extra(void **extra, const struct cushim_op *op, void ***argv)
{
    unsigned char *buffer = NULL;
    size_t size = 0;
    for (size_t i = 0; extra[i] != LAUNCH_PARAM_END; i += 2) {
        if (extra[i] == LAUNCH_PARAM_BUFFER_POINTER)
            buffer = extra[i + 1];
        else if (extra[i] == LAUNCH_PARAM_BUFFER_SIZE && extra[i + 1] != NULL)
            size = *(size_t *)extra[i + 1];
        else
            return cudaErrorInvalidValue;
    }
    int n = op->kernel.nparams;
    if (n > 0 && buffer == NULL)
        return cudaErrorInvalidValue;
    *argv = calloc(n > 0 ? (size_t)n : 1, sizeof **argv);
    if (*argv == NULL)
        return cudaErrorMemoryAllocation;
    const struct mu_driver *driver = cushim_backend(NULL);
    for (int i = 0; i < n; i++) {
        size_t offset, bytes;
        MUresult r = driver->muFuncGetParamInfo == NULL
                         ? MU_ERROR_NOT_SUPPORTED
                         : driver->muFuncGetParamInfo(op->kernel.f, i, &offset, &bytes);
        if (r == MU_SUCCESS && offset + bytes > size)
            r = MU_ERROR_INVALID_VALUE; /* the buffer is too small for the kernel */
        if (r != MU_SUCCESS) {
            free(*argv);
            return cushim_from_mu(r);
        }
        (*argv)[i] = buffer + offset;
    }
    return cudaSuccess;
}

cudaError_t cushim_kernel_node_op(const struct cudaKernelNodeParams *p, struct cushim_op *op)
{
    if (p == NULL || (p->kernelParams != NULL && p->extra != NULL))
        return cudaErrorInvalidValue;
    int device;
    cudaError_t error = current_device(&device);
    if (error != cudaSuccess)
        return error;
    struct cushim_launch l = {p->gridDim, p->blockDim, p->kernelParams, p->sharedMemBytes,
                              NULL, 0, p->func, 0};
    error = cushim_kernel_prepare(cushim_function_of(p->func), p->func, &l, device, op);
    if (error != cudaSuccess)
        return error;
    void **argv = NULL;
    if (p->extra != NULL) {
        if ((error = args_from_extra(p->extra, op, &argv)) != cudaSuccess)
            return error;
        op->kernel.args = argv;
    }
    error = cushim_op_own(op);
    free(argv);
    return error;
}

static void kernel_params_of(const struct cushim_op *op, struct cudaKernelNodeParams *out)
{
    *out = (struct cudaKernelNodeParams){
        .func = (void *)op->kernel.func,
        .gridDim = op->kernel.grid,
        .blockDim = op->kernel.block,
        .sharedMemBytes = (unsigned)op->kernel.shared_mem,
        .kernelParams = op->kernel.args,
    };
}

cudaError_t impl_cudaGraphAddKernelNode(cudaGraphNode_t *pGraphNode, cudaGraph_t graph,
                                        const cudaGraphNode_t *pDependencies,
                                        size_t numDependencies,
                                        const struct cudaKernelNodeParams *pNodeParams)
{
    struct cushim_op op;
    cudaError_t error = cushim_kernel_node_op(pNodeParams, &op);
    if (error != cudaSuccess)
        return error;
    return cushim_graph_add_public(pGraphNode, graph, pDependencies, NULL, numDependencies,
                                   &op);
}

cudaError_t impl_cudaGraphKernelNodeGetParams(cudaGraphNode_t node,
                                              struct cudaKernelNodeParams *pNodeParams)
{
    cudaError_t error = cudaSuccess;
    if (pNodeParams == NULL)
        return cudaErrorInvalidValue;
    WITH_NODE(node, cudaGraphNodeTypeKernel, n, error, kernel_params_of(&n->op, pNodeParams));
    return error;
}

cudaError_t impl_cudaGraphKernelNodeSetParams(cudaGraphNode_t node,
                                              const struct cudaKernelNodeParams *pNodeParams)
{
    struct cushim_op op;
    cudaError_t error = cushim_kernel_node_op(pNodeParams, &op);
    if (error != cudaSuccess)
        return error;
    WITH_NODE(node, cudaGraphNodeTypeKernel, n, error, replace_op(n, &op));
    if (error != cudaSuccess)
        cushim_op_release(&op);
    return error;
}

/* Attributes a kernel node keeps: the cooperative one changes how it runs; the others are
 * scheduling hints, kept so they read back as set. */
static cudaLaunchAttributeValue *attr_slot(struct cushim_op *op, cudaLaunchAttributeID id,
                                           int create)
{
    for (unsigned i = 0; i < op->kernel.nattrs; i++)
        if (op->kernel.attrs[i].id == id)
            return &op->kernel.attrs[i].val;
    if (!create)
        return NULL;
    cudaLaunchAttribute *grown =
        realloc(op->kernel.attrs, (op->kernel.nattrs + 1) * sizeof *grown);
    if (grown == NULL)
        return NULL;
    op->kernel.attrs = grown;
    memset(&grown[op->kernel.nattrs], 0, sizeof *grown);
    grown[op->kernel.nattrs].id = id;
    return &grown[op->kernel.nattrs++].val;
}

static int known_attr(cudaLaunchAttributeID id)
{
    return id >= cudaLaunchAttributeAccessPolicyWindow &&
           id <= cudaLaunchAttributeNvlinkUtilCentricScheduling && id != 15;
}

cudaError_t impl_cudaGraphKernelNodeGetAttribute(cudaGraphNode_t hNode,
                                                 cudaKernelNodeAttrID attr,
                                                 cudaKernelNodeAttrValue *value_out)
{
    cudaError_t error = cudaSuccess;
    if (value_out == NULL || !known_attr(attr))
        return cudaErrorInvalidValue;
    WITH_NODE(hNode, cudaGraphNodeTypeKernel, n, error, {
        const cudaLaunchAttributeValue *v = attr_slot(&n->op, attr, 0);
        memset(value_out, 0, sizeof *value_out);
        if (v != NULL)
            *value_out = *v;
        if (attr == cudaLaunchAttributeCooperative)
            value_out->cooperative = n->op.kernel.cooperative;
    });
    return error;
}

cudaError_t impl_cudaGraphKernelNodeSetAttribute(cudaGraphNode_t hNode,
                                                 cudaKernelNodeAttrID attr,
                                                 const cudaKernelNodeAttrValue *value)
{
    cudaError_t error = cudaSuccess;
    if (value == NULL || !known_attr(attr))
        return cudaErrorInvalidValue;
    if (attr == cudaLaunchAttributeClusterDimension &&
        value->clusterDim.x * value->clusterDim.y * value->clusterDim.z > 1)
        return cudaErrorNotSupported; /* clusters of one block are the absence of clusters */
    WITH_NODE(hNode, cudaGraphNodeTypeKernel, n, error, {
        cudaLaunchAttributeValue *v = attr_slot(&n->op, attr, 1);
        if (v == NULL) {
            error = cudaErrorMemoryAllocation;
        } else {
            *v = *value;
            if (attr == cudaLaunchAttributeCooperative)
                n->op.kernel.cooperative = value->cooperative != 0;
        }
    });
    return error;
}

cudaError_t impl_cudaGraphKernelNodeCopyAttributes(cudaGraphNode_t hDst, cudaGraphNode_t hSrc)
{
    cudaError_t error = cudaSuccess;
    pthread_mutex_lock(&cushim_graph_lock);
    struct cushim_node *dst = cushim_node_find(hDst), *src = cushim_node_find(hSrc);
    if (dst == NULL || src == NULL || dst->op.kind != cudaGraphNodeTypeKernel ||
        src->op.kind != cudaGraphNodeTypeKernel) {
        error = cudaErrorInvalidValue;
    } else if (dst != src) {
        cudaLaunchAttribute *copy = NULL;
        size_t bytes = src->op.kernel.nattrs * sizeof *copy;
        if (bytes > 0 && (copy = malloc(bytes)) == NULL) {
            error = cudaErrorMemoryAllocation;
        } else {
            if (bytes > 0)
                memcpy(copy, src->op.kernel.attrs, bytes);
            free(dst->op.kernel.attrs);
            dst->op.kernel.attrs = copy;
            dst->op.kernel.nattrs = src->op.kernel.nattrs;
            dst->op.kernel.cooperative = src->op.kernel.cooperative;
        }
    }
    pthread_mutex_unlock(&cushim_graph_lock);
    return error;
}

/* ---- copy nodes ------------------------------------------------------------------------ */

cudaError_t cushim_memcpy_node_op(const struct cudaMemcpy3DParms *p, struct cushim_op *op)
{
    if (p == NULL)
        return cudaErrorInvalidValue;
    int device;
    cudaError_t error = current_device(&device);
    if (error != cudaSuccess)
        return error;
    struct cushim_copy c;
    if ((error = cushim_copy_from_3d(p, &c)) != cudaSuccess ||
        (error = cushim_copy_prepare(&c, device, op)) != cudaSuccess)
        return error;
    op->copy.params = *p; /* read back as the program wrote it */
    return cudaSuccess;
}

static cudaError_t linear_copy_op(const struct cushim_copy *c, struct cushim_op *op)
{
    int device;
    cudaError_t error = current_device(&device);
    return error != cudaSuccess ? error : cushim_copy_prepare(c, device, op);
}

static struct cushim_copy linear(void *dst, const void *src, size_t count,
                                 enum cudaMemcpyKind kind)
{
    return (struct cushim_copy){dst, src, count, 1, count, 1, count, 1, 1, kind};
}

cudaError_t impl_cudaGraphAddMemcpyNode(cudaGraphNode_t *pGraphNode, cudaGraph_t graph,
                                        const cudaGraphNode_t *pDependencies,
                                        size_t numDependencies,
                                        const struct cudaMemcpy3DParms *pCopyParams)
{
    struct cushim_op op;
    cudaError_t error = cushim_memcpy_node_op(pCopyParams, &op);
    if (error != cudaSuccess)
        return error;
    return cushim_graph_add_public(pGraphNode, graph, pDependencies, NULL, numDependencies,
                                   &op);
}

cudaError_t impl_cudaGraphAddMemcpyNode1D(cudaGraphNode_t *pGraphNode, cudaGraph_t graph,
                                          const cudaGraphNode_t *pDependencies,
                                          size_t numDependencies, void *dst, const void *src,
                                          size_t count, enum cudaMemcpyKind kind)
{
    struct cushim_op op;
    struct cushim_copy c = linear(dst, src, count, kind);
    cudaError_t error = linear_copy_op(&c, &op);
    if (error != cudaSuccess)
        return error;
    return cushim_graph_add_public(pGraphNode, graph, pDependencies, NULL, numDependencies,
                                   &op);
}

static cudaError_t symbol_op(int to_symbol, const void *symbol, void *other, size_t count,
                             size_t offset, enum cudaMemcpyKind kind, struct cushim_op *op)
{
    struct cushim_copy c;
    cudaError_t error = cushim_symbol_copy_describe(to_symbol, symbol, other, count, offset,
                                                    kind, &c);
    return error != cudaSuccess ? error : linear_copy_op(&c, op);
}

cudaError_t impl_cudaGraphAddMemcpyNodeToSymbol(cudaGraphNode_t *pGraphNode, cudaGraph_t graph,
                                                const cudaGraphNode_t *pDependencies,
                                                size_t numDependencies, const void *symbol,
                                                const void *src, size_t count, size_t offset,
                                                enum cudaMemcpyKind kind)
{
    struct cushim_op op;
    cudaError_t error = symbol_op(1, symbol, (void *)src, count, offset, kind, &op);
    if (error != cudaSuccess)
        return error;
    return cushim_graph_add_public(pGraphNode, graph, pDependencies, NULL, numDependencies,
                                   &op);
}

cudaError_t impl_cudaGraphAddMemcpyNodeFromSymbol(cudaGraphNode_t *pGraphNode,
                                                  cudaGraph_t graph,
                                                  const cudaGraphNode_t *pDependencies,
                                                  size_t numDependencies, void *dst,
                                                  const void *symbol, size_t count,
                                                  size_t offset, enum cudaMemcpyKind kind)
{
    struct cushim_op op;
    cudaError_t error = symbol_op(0, symbol, dst, count, offset, kind, &op);
    if (error != cudaSuccess)
        return error;
    return cushim_graph_add_public(pGraphNode, graph, pDependencies, NULL, numDependencies,
                                   &op);
}

cudaError_t impl_cudaGraphMemcpyNodeGetParams(cudaGraphNode_t node,
                                              struct cudaMemcpy3DParms *pNodeParams)
{
    cudaError_t error = cudaSuccess;
    if (pNodeParams == NULL)
        return cudaErrorInvalidValue;
    WITH_NODE(node, cudaGraphNodeTypeMemcpy, n, error, *pNodeParams = n->op.copy.params);
    return error;
}

static cudaError_t set_copy(cudaGraphNode_t node, cudaError_t made, struct cushim_op *op)
{
    cudaError_t error = made;
    if (error != cudaSuccess)
        return error;
    WITH_NODE(node, cudaGraphNodeTypeMemcpy, n, error, replace_op(n, op));
    if (error != cudaSuccess)
        cushim_op_release(op);
    return error;
}

cudaError_t impl_cudaGraphMemcpyNodeSetParams(cudaGraphNode_t node,
                                              const struct cudaMemcpy3DParms *pNodeParams)
{
    struct cushim_op op;
    return set_copy(node, cushim_memcpy_node_op(pNodeParams, &op), &op);
}

cudaError_t impl_cudaGraphMemcpyNodeSetParams1D(cudaGraphNode_t node, void *dst,
                                                const void *src, size_t count,
                                                enum cudaMemcpyKind kind)
{
    struct cushim_op op;
    struct cushim_copy c = linear(dst, src, count, kind);
    return set_copy(node, linear_copy_op(&c, &op), &op);
}

cudaError_t impl_cudaGraphMemcpyNodeSetParamsToSymbol(cudaGraphNode_t node, const void *symbol,
                                                      const void *src, size_t count,
                                                      size_t offset, enum cudaMemcpyKind kind)
{
    struct cushim_op op;
    return set_copy(node, symbol_op(1, symbol, (void *)src, count, offset, kind, &op), &op);
}

cudaError_t impl_cudaGraphMemcpyNodeSetParamsFromSymbol(cudaGraphNode_t node, void *dst,
                                                        const void *symbol, size_t count,
                                                        size_t offset, enum cudaMemcpyKind kind)
{
    struct cushim_op op;
    return set_copy(node, symbol_op(0, symbol, dst, count, offset, kind, &op), &op);
}

/* ---- fill nodes ------------------------------------------------------------------------ */

cudaError_t cushim_memset_node_op(const struct cudaMemsetParams *p, struct cushim_op *op)
{
    if (p == NULL)
        return cudaErrorInvalidValue;
    int device;
    cudaError_t error = current_device(&device);
    if (error != cudaSuccess)
        return error;
    /* A one-row fill may leave the pitch unset, as NVIDIA documents. */
    size_t pitch = p->height <= 1 ? p->width * p->elementSize : p->pitch;
    error = cushim_fill_prepare(p->dst, pitch, p->height, p->value, p->elementSize, p->width,
                                p->height, 1, device, op);
    if (error == cudaSuccess)
        op->fill.params = *p;
    return error;
}

cudaError_t impl_cudaGraphAddMemsetNode(cudaGraphNode_t *pGraphNode, cudaGraph_t graph,
                                        const cudaGraphNode_t *pDependencies,
                                        size_t numDependencies,
                                        const struct cudaMemsetParams *pMemsetParams)
{
    struct cushim_op op;
    cudaError_t error = cushim_memset_node_op(pMemsetParams, &op);
    if (error != cudaSuccess)
        return error;
    return cushim_graph_add_public(pGraphNode, graph, pDependencies, NULL, numDependencies,
                                   &op);
}

cudaError_t impl_cudaGraphMemsetNodeGetParams(cudaGraphNode_t node,
                                              struct cudaMemsetParams *pNodeParams)
{
    cudaError_t error = cudaSuccess;
    if (pNodeParams == NULL)
        return cudaErrorInvalidValue;
    WITH_NODE(node, cudaGraphNodeTypeMemset, n, error, *pNodeParams = n->op.fill.params);
    return error;
}

cudaError_t impl_cudaGraphMemsetNodeSetParams(cudaGraphNode_t node,
                                              const struct cudaMemsetParams *pNodeParams)
{
    struct cushim_op op;
    cudaError_t error = cushim_memset_node_op(pNodeParams, &op);
    if (error != cudaSuccess)
        return error;
    WITH_NODE(node, cudaGraphNodeTypeMemset, n, error, replace_op(n, &op));
    if (error != cudaSuccess)
        cushim_op_release(&op);
    return error;
}

/* ---- host, empty, child graph and event nodes -------------------------------------------- */

static cudaError_t host_op(const struct cudaHostNodeParams *p, struct cushim_op *op)
{
    if (p == NULL || p->fn == NULL)
        return cudaErrorInvalidValue;
    *op = (struct cushim_op){.kind = cudaGraphNodeTypeHost, .host = {p->fn, p->userData}};
    return cudaSuccess;
}

cudaError_t impl_cudaGraphAddHostNode(cudaGraphNode_t *pGraphNode, cudaGraph_t graph,
                                      const cudaGraphNode_t *pDependencies,
                                      size_t numDependencies,
                                      const struct cudaHostNodeParams *pNodeParams)
{
    struct cushim_op op;
    cudaError_t error = host_op(pNodeParams, &op);
    if (error != cudaSuccess)
        return error;
    return cushim_graph_add_public(pGraphNode, graph, pDependencies, NULL, numDependencies,
                                   &op);
}

cudaError_t impl_cudaGraphHostNodeGetParams(cudaGraphNode_t node,
                                            struct cudaHostNodeParams *pNodeParams)
{
    cudaError_t error = cudaSuccess;
    if (pNodeParams == NULL)
        return cudaErrorInvalidValue;
    WITH_NODE(node, cudaGraphNodeTypeHost, n, error,
              *pNodeParams = (struct cudaHostNodeParams){n->op.host.fn, n->op.host.data});
    return error;
}

cudaError_t impl_cudaGraphHostNodeSetParams(cudaGraphNode_t node,
                                            const struct cudaHostNodeParams *pNodeParams)
{
    struct cushim_op op;
    cudaError_t error = host_op(pNodeParams, &op);
    if (error != cudaSuccess)
        return error;
    WITH_NODE(node, cudaGraphNodeTypeHost, n, error, n->op.host = op.host);
    return error;
}

cudaError_t impl_cudaGraphAddEmptyNode(cudaGraphNode_t *pGraphNode, cudaGraph_t graph,
                                       const cudaGraphNode_t *pDependencies,
                                       size_t numDependencies)
{
    struct cushim_op op = {.kind = cudaGraphNodeTypeEmpty};
    return cushim_graph_add_public(pGraphNode, graph, pDependencies, NULL, numDependencies,
                                   &op);
}

/* A child graph node's graph: a copy (or the graph itself, moved), without memory or
 * conditional nodes unless moved. */
static cudaError_t child_op(cudaGraph_t child, int move, struct cushim_op *op)
{
    cudaError_t error = cudaSuccess;
    pthread_mutex_lock(&cushim_graph_lock);
    struct cushim_graph *g = cushim_graph_find(child);
    if (g == NULL || g->owner != NULL || g->capturing)
        error = cudaErrorInvalidValue;
    else if (!move && (cushim_graph_contains(g, cudaGraphNodeTypeMemAlloc) ||
                       cushim_graph_contains(g, cudaGraphNodeTypeMemFree) ||
                       cushim_graph_contains(g, cudaGraphNodeTypeConditional)))
        error = cudaErrorNotSupported;
    struct cushim_graph *copy = NULL;
    if (error == cudaSuccess)
        copy = move ? g : cushim_graph_copy(g, 1, 0, &error);
    pthread_mutex_unlock(&cushim_graph_lock);
    if (error == cudaSuccess)
        *op = (struct cushim_op){.kind = cudaGraphNodeTypeGraph, .child = {copy, NULL}};
    return error;
}

cudaError_t impl_cudaGraphAddChildGraphNode(cudaGraphNode_t *pGraphNode, cudaGraph_t graph,
                                            const cudaGraphNode_t *pDependencies,
                                            size_t numDependencies, cudaGraph_t childGraph)
{
    struct cushim_op op;
    cudaError_t error = child_op(childGraph, 0, &op);
    if (error != cudaSuccess)
        return error;
    return cushim_graph_add_public(pGraphNode, graph, pDependencies, NULL, numDependencies,
                                   &op);
}

cudaError_t impl_cudaGraphChildGraphNodeGetGraph(cudaGraphNode_t node, cudaGraph_t *pGraph)
{
    cudaError_t error = cudaSuccess;
    if (pGraph == NULL)
        return cudaErrorInvalidValue;
    WITH_NODE(node, cudaGraphNodeTypeGraph, n, error,
              *pGraph = (cudaGraph_t)n->op.child.graph);
    return error;
}

static cudaError_t event_op(enum cudaGraphNodeType kind, cudaEvent_t event,
                            struct cushim_op *op)
{
    if (cushim_event_lookup(event, NULL, NULL, NULL) != 0)
        return cudaErrorInvalidValue;
    *op = (struct cushim_op){.kind = kind, .event = {event, 0}};
    return cudaSuccess;
}

static cudaError_t add_event_node(enum cudaGraphNodeType kind, cudaGraphNode_t *pGraphNode,
                                  cudaGraph_t graph, const cudaGraphNode_t *pDependencies,
                                  size_t numDependencies, cudaEvent_t event)
{
    struct cushim_op op;
    cudaError_t error = event_op(kind, event, &op);
    if (error != cudaSuccess)
        return error;
    return cushim_graph_add_public(pGraphNode, graph, pDependencies, NULL, numDependencies,
                                   &op);
}

cudaError_t impl_cudaGraphAddEventRecordNode(cudaGraphNode_t *pGraphNode, cudaGraph_t graph,
                                             const cudaGraphNode_t *pDependencies,
                                             size_t numDependencies, cudaEvent_t event)
{
    return add_event_node(cudaGraphNodeTypeEventRecord, pGraphNode, graph, pDependencies,
                          numDependencies, event);
}

cudaError_t impl_cudaGraphAddEventWaitNode(cudaGraphNode_t *pGraphNode, cudaGraph_t graph,
                                           const cudaGraphNode_t *pDependencies,
                                           size_t numDependencies, cudaEvent_t event)
{
    return add_event_node(cudaGraphNodeTypeWaitEvent, pGraphNode, graph, pDependencies,
                          numDependencies, event);
}

static cudaError_t get_event(cudaGraphNode_t node, enum cudaGraphNodeType kind,
                             cudaEvent_t *event_out)
{
    cudaError_t error = cudaSuccess;
    if (event_out == NULL)
        return cudaErrorInvalidValue;
    WITH_NODE(node, kind, n, error, *event_out = n->op.event.event);
    return error;
}

static cudaError_t set_event(cudaGraphNode_t node, enum cudaGraphNodeType kind,
                             cudaEvent_t event)
{
    struct cushim_op op;
    cudaError_t error = event_op(kind, event, &op);
    if (error != cudaSuccess)
        return error;
    WITH_NODE(node, kind, n, error, n->op.event.event = event);
    return error;
}

cudaError_t impl_cudaGraphEventRecordNodeGetEvent(cudaGraphNode_t node, cudaEvent_t *event_out)
{
    return get_event(node, cudaGraphNodeTypeEventRecord, event_out);
}

cudaError_t impl_cudaGraphEventRecordNodeSetEvent(cudaGraphNode_t node, cudaEvent_t event)
{
    return set_event(node, cudaGraphNodeTypeEventRecord, event);
}

cudaError_t impl_cudaGraphEventWaitNodeGetEvent(cudaGraphNode_t node, cudaEvent_t *event_out)
{
    return get_event(node, cudaGraphNodeTypeWaitEvent, event_out);
}

cudaError_t impl_cudaGraphEventWaitNodeSetEvent(cudaGraphNode_t node, cudaEvent_t event)
{
    return set_event(node, cudaGraphNodeTypeWaitEvent, event);
}

/* ---- memory nodes ---------------------------------------------------------------------- */

cudaError_t cushim_graph_prepare_alloc(struct cushim_op *op, int device)
{
    struct cushim_gmem *mem;
    cudaError_t error = cushim_gmem_create(device, op->alloc.params.bytesize, &mem);
    if (error != cudaSuccess)
        return error;
    op->alloc.mem = mem;
    op->alloc.params.dptr = cushim_gmem_base(mem);
    return cudaSuccess;
}

cudaError_t cushim_graph_prepare_free(struct cushim_graph *g, struct cushim_op *op)
{
    struct cushim_gmem *mem = cushim_gmem_lookup(op->free.dptr);
    if (mem == NULL)
        return cudaErrorInvalidValue; /* not an address an allocation node returned */
    int allocated_here = 0;
    for (struct cushim_node *n = g->head; n != NULL; n = n->next) {
        if (n->op.kind == cudaGraphNodeTypeMemFree && n->op.free.mem == mem) {
            cushim_gmem_unref(mem);
            return cudaErrorInvalidValue; /* freed twice in one graph */
        }
        allocated_here |= n->op.kind == cudaGraphNodeTypeMemAlloc && n->op.alloc.mem == mem;
    }
    /* Freed in its own graph, it cannot be freed anywhere else. */
    if (!allocated_here && cushim_gmem_freed_by_graph(mem)) {
        cushim_gmem_unref(mem);
        return cudaErrorInvalidValue;
    }
    if (allocated_here)
        cushim_gmem_set_freed_by_graph(mem, 1);
    op->free.mem = mem;
    return cudaSuccess;
}

static cudaError_t alloc_op(const struct cudaMemAllocNodeParams *p, struct cushim_op *op)
{
    if (p == NULL || p->bytesize == 0 || (p->accessDescCount > 0 && p->accessDescs == NULL))
        return cudaErrorInvalidValue;
    if (p->poolProps.allocType != cudaMemAllocationTypePinned ||
        p->poolProps.location.type != cudaMemLocationTypeDevice)
        return p->poolProps.allocType == cudaMemAllocationTypeManaged ||
                       p->poolProps.location.type == cudaMemLocationTypeHost
                   ? cudaErrorNotSupported
                   : cudaErrorInvalidValue;
    const struct mu_driver *driver;
    int device = p->poolProps.location.id;
    if (cushim_begin_device(&driver, device) != cudaSuccess)
        return cudaErrorInvalidValue;
    for (size_t i = 0; i < p->accessDescCount; i++) {
        const struct cudaMemAccessDesc *d = &p->accessDescs[i];
        if (d->location.type != cudaMemLocationTypeDevice ||
            cushim_begin_device(&driver, d->location.id) != cudaSuccess)
            return cudaErrorInvalidValue;
    }
    *op = (struct cushim_op){.kind = cudaGraphNodeTypeMemAlloc, .alloc = {.params = *p}};
    cudaError_t error = cushim_op_own(op);
    if (error != cudaSuccess)
        return error;
    error = cushim_graph_prepare_alloc(op, device);
    if (error != cudaSuccess)
        cushim_op_release(op);
    return error;
}

cudaError_t impl_cudaGraphAddMemAllocNode(cudaGraphNode_t *pGraphNode, cudaGraph_t graph,
                                          const cudaGraphNode_t *pDependencies,
                                          size_t numDependencies,
                                          struct cudaMemAllocNodeParams *nodeParams)
{
    struct cushim_op op;
    cudaError_t error = alloc_op(nodeParams, &op);
    if (error != cudaSuccess)
        return error;
    void *dptr = op.alloc.params.dptr;
    error = cushim_graph_add_public(pGraphNode, graph, pDependencies, NULL, numDependencies,
                                    &op);
    if (error == cudaSuccess)
        nodeParams->dptr = dptr;
    return error;
}

cudaError_t impl_cudaGraphMemAllocNodeGetParams(cudaGraphNode_t node,
                                                struct cudaMemAllocNodeParams *params_out)
{
    cudaError_t error = cudaSuccess;
    if (params_out == NULL)
        return cudaErrorInvalidValue;
    WITH_NODE(node, cudaGraphNodeTypeMemAlloc, n, error, *params_out = n->op.alloc.params);
    return error;
}

static cudaError_t add_free_node(cudaGraphNode_t *pGraphNode, cudaGraph_t graph,
                                 const cudaGraphNode_t *deps, const cudaGraphEdgeData *data,
                                 size_t n, void *dptr)
{
    struct cushim_op op = {.kind = cudaGraphNodeTypeMemFree, .free = {.dptr = dptr}};
    pthread_mutex_lock(&cushim_graph_lock);
    struct cushim_graph *g = cushim_graph_find(graph);
    cudaError_t error = g == NULL ? cudaErrorInvalidValue : cushim_graph_prepare_free(g, &op);
    pthread_mutex_unlock(&cushim_graph_lock);
    if (error != cudaSuccess)
        return error;
    return cushim_graph_add_public(pGraphNode, graph, deps, data, n, &op);
}

cudaError_t impl_cudaGraphAddMemFreeNode(cudaGraphNode_t *pGraphNode, cudaGraph_t graph,
                                         const cudaGraphNode_t *pDependencies,
                                         size_t numDependencies, void *dptr)
{
    return add_free_node(pGraphNode, graph, pDependencies, NULL, numDependencies, dptr);
}

cudaError_t impl_cudaGraphMemFreeNodeGetParams(cudaGraphNode_t node, void *dptr_out)
{
    cudaError_t error = cudaSuccess;
    if (dptr_out == NULL)
        return cudaErrorInvalidValue;
    WITH_NODE(node, cudaGraphNodeTypeMemFree, n, error, *(void **)dptr_out = n->op.free.dptr);
    return error;
}

/* External semaphore nodes: cushim has no external semaphores, so their functions keep the
 * table's not-supported default (which says so once); the generic form answers the same. */
static cudaError_t no_semaphores(void)
{
    return cudaErrorNotSupported;
}

/* ---- conditional nodes ------------------------------------------------------------------ */

static cudaError_t conditional_op(struct cudaConditionalNodeParams *p, struct cushim_op *op)
{
    if (!cushim_cond_lookup(p->handle, NULL, NULL))
        return cudaErrorInvalidValue;
    int size_ok = (p->type == cudaGraphCondTypeIf && (p->size == 1 || p->size == 2)) ||
                  (p->type == cudaGraphCondTypeWhile && p->size == 1) ||
                  (p->type == cudaGraphCondTypeSwitch && p->size >= 1);
    if (!size_ok)
        return cudaErrorInvalidValue;
    *op = (struct cushim_op){
        .kind = cudaGraphNodeTypeConditional,
        .cond = {.handle = p->handle, .type = p->type, .size = p->size},
    };
    op->cond.bodies = calloc(p->size, sizeof *op->cond.bodies);
    op->cond.body_handles = calloc(p->size, sizeof *op->cond.body_handles);
    if (op->cond.bodies == NULL || op->cond.body_handles == NULL) {
        free(op->cond.bodies);
        free(op->cond.body_handles);
        return cudaErrorMemoryAllocation;
    }
    pthread_mutex_lock(&cushim_graph_lock);
    for (unsigned i = 0; i < p->size; i++) {
        /* The bodies are empty graphs the program fills in (it gets them in phGraph_out). */
        op->cond.bodies[i] = cushim_graph_new(1);
        op->cond.body_handles[i] = (cudaGraph_t)op->cond.bodies[i];
        if (op->cond.bodies[i] == NULL) {
            op->cond.size = i;
            cushim_node_release_op(op);
            pthread_mutex_unlock(&cushim_graph_lock);
            return cudaErrorMemoryAllocation;
        }
    }
    pthread_mutex_unlock(&cushim_graph_lock);
    return cudaSuccess;
}

static int tail_is_zero(const struct cudaGraphNodeParams *p, size_t used)
{
    const unsigned char *bytes = (const unsigned char *)&p->reserved1;
    for (size_t i = used; i < sizeof p->reserved1; i++)
        if (bytes[i] != 0)
            return 0;
    return p->reserved0[0] == 0 && p->reserved0[1] == 0 && p->reserved0[2] == 0 &&
           p->reserved2 == 0;
}

/* The operation a generic node description makes (cudaGraphAddNode, cudaGraphNodeSetParams,
 * cudaGraphExecNodeSetParams). */
static cudaError_t generic_op(struct cudaGraphNodeParams *p, struct cushim_op *op)
{
    if (p == NULL)
        return cudaErrorInvalidValue;
    switch (p->type) {
    case cudaGraphNodeTypeKernel: {
        if (!tail_is_zero(p, sizeof p->kernel))
            return cudaErrorInvalidValue;
        struct cudaKernelNodeParams k = {p->kernel.func, p->kernel.gridDim, p->kernel.blockDim,
                                         p->kernel.sharedMemBytes, p->kernel.kernelParams,
                                         p->kernel.extra};
        return cushim_kernel_node_op(&k, op);
    }
    case cudaGraphNodeTypeMemcpy:
        if (p->memcpy.flags != 0 || !tail_is_zero(p, sizeof p->memcpy))
            return cudaErrorInvalidValue;
        return cushim_memcpy_node_op(&p->memcpy.copyParams, op);
    case cudaGraphNodeTypeMemset: {
        struct cudaMemsetParams m = {p->memset.dst,         p->memset.pitch, p->memset.value,
                                     p->memset.elementSize, p->memset.width, p->memset.height};
        return cushim_memset_node_op(&m, op);
    }
    case cudaGraphNodeTypeHost: {
        struct cudaHostNodeParams h = {p->host.fn, p->host.userData};
        return host_op(&h, op);
    }
    case cudaGraphNodeTypeGraph:
        if ((unsigned)p->graph.ownership > cudaGraphChildGraphOwnershipMove)
            return cudaErrorInvalidValue;
        return child_op(p->graph.graph, p->graph.ownership == cudaGraphChildGraphOwnershipMove,
                        op);
    case cudaGraphNodeTypeEmpty:
        *op = (struct cushim_op){.kind = cudaGraphNodeTypeEmpty};
        return cudaSuccess;
    case cudaGraphNodeTypeWaitEvent:
        return event_op(p->type, p->eventWait.event, op);
    case cudaGraphNodeTypeEventRecord:
        return event_op(p->type, p->eventRecord.event, op);
    case cudaGraphNodeTypeMemAlloc: {
        struct cudaMemAllocNodeParams a = {p->alloc.poolProps, p->alloc.accessDescs,
                                           p->alloc.accessDescCount, p->alloc.bytesize, NULL};
        return alloc_op(&a, op);
    }
    case cudaGraphNodeTypeConditional:
        return conditional_op(&p->conditional, op);
    case cudaGraphNodeTypeExtSemaphoreSignal:
    case cudaGraphNodeTypeExtSemaphoreWait:
        return no_semaphores();
    default:
        return cudaErrorInvalidValue;
    }
}

cudaError_t impl_cudaGraphAddNode(cudaGraphNode_t *pGraphNode, cudaGraph_t graph,
                                  const cudaGraphNode_t *pDependencies,
                                  const cudaGraphEdgeData *dependencyData,
                                  size_t numDependencies, struct cudaGraphNodeParams *nodeParams)
{
    if (nodeParams != NULL && nodeParams->type == cudaGraphNodeTypeMemFree)
        return add_free_node(pGraphNode, graph, pDependencies, dependencyData, numDependencies,
                             nodeParams->free.dptr);
    struct cushim_op op;
    cudaError_t error = generic_op(nodeParams, &op);
    if (error != cudaSuccess)
        return error;
    /* Out parameters: the allocation's address, the conditional's bodies. */
    void *dptr = op.kind == cudaGraphNodeTypeMemAlloc ? op.alloc.params.dptr : NULL;
    cudaGraph_t *bodies = op.kind == cudaGraphNodeTypeConditional ? op.cond.body_handles : NULL;
    error = cushim_graph_add_public(pGraphNode, graph, pDependencies, dependencyData,
                                    numDependencies, &op);
    if (error == cudaSuccess && nodeParams->type == cudaGraphNodeTypeMemAlloc)
        nodeParams->alloc.dptr = dptr;
    if (error == cudaSuccess && nodeParams->type == cudaGraphNodeTypeConditional)
        nodeParams->conditional.phGraph_out = bodies;
    return error;
}

cudaError_t impl_cudaGraphNodeSetParams(cudaGraphNode_t node,
                                        struct cudaGraphNodeParams *nodeParams)
{
    if (nodeParams == NULL)
        return cudaErrorInvalidValue;
    switch (nodeParams->type) {
    case cudaGraphNodeTypeMemAlloc:
    case cudaGraphNodeTypeMemFree:
    case cudaGraphNodeTypeConditional:
        return cudaErrorNotSupported; /* NVIDIA: these cannot be changed */
    case cudaGraphNodeTypeGraph:
        if (nodeParams->graph.ownership != cudaGraphChildGraphOwnershipClone)
            return cudaErrorInvalidValue; /* a node's graph is replaced by a copy */
        break;
    default:
        break;
    }
    struct cushim_op op;
    cudaError_t error = generic_op(nodeParams, &op);
    if (error != cudaSuccess)
        return error;
    WITH_NODE(node, nodeParams->type, n, error, replace_op(n, &op));
    if (error != cudaSuccess)
        cushim_node_release_op(&op);
    return error;
}
