/*
 * graph_exec.c - executable graphs: instantiation (a private copy of the graph, its "plan",
 * ordered once), destruction, flags, the cudaGraphExec*SetParams family, enabling and
 * disabling nodes, and cudaGraphUpload.  Changes to an executable graph affect later launches
 * only: a plan that a launch still holds is copied before it is changed.  Whole-graph updates
 * are graph_update.c's, running a plan is graph_launch.c's.
 */
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "capture.h"
#include "device.h"
#include "events.h"
#include "graph.h"
#include "graph_mem.h"
#include "memcpy.h"

struct cushim_exec *cushim_execs;

struct cushim_exec *cushim_exec_find(cudaGraphExec_t handle)
{
    struct cushim_exec *e;
    struct cushim_exec *key = (struct cushim_exec *)handle;
    if (handle == NULL)
        return NULL;
    HASH_FIND_PTR(cushim_execs, &key, e);
    return e;
}

/* ---- plans --------------------------------------------------------------------------- */

/* Kahn's algorithm over the nodes in creation order, so that independent nodes run in the
 * order the program made them. */
static cudaError_t order_one(struct cushim_graph *g, struct cushim_node **bad)
{
    free(g->order);
    g->order = malloc((g->count ? g->count : 1) * sizeof *g->order);
    size_t *waiting = malloc((g->count ? g->count : 1) * sizeof *waiting);
    if (g->order == NULL || waiting == NULL) {
        free(waiting);
        return cudaErrorMemoryAllocation;
    }
    size_t index = 0, head = 0, tail = 0;
    for (struct cushim_node *n = g->head; n != NULL; n = n->next) {
        n->mark = index;
        waiting[index++] = n->ndeps;
        if (n->ndeps == 0)
            g->order[tail++] = n;
    }
    g->has_conditional = 0;
    while (head < tail) {
        struct cushim_node *n = g->order[head++];
        for (size_t i = 0; i < n->nouts; i++)
            if (--waiting[n->outs[i].node->mark] == 0)
                g->order[tail++] = n->outs[i].node;
        g->has_conditional |= n->op.kind == cudaGraphNodeTypeConditional;
    }
    cudaError_t error = cudaSuccess;
    if (tail < g->count) { /* a cycle: some node never became ready */
        error = cudaErrorInvalidValue;
        for (struct cushim_node *n = g->head; n != NULL; n = n->next)
            if (waiting[n->mark] != 0) {
                *bad = n;
                break;
            }
    }
    free(waiting);
    return error;
}

cudaError_t cushim_plan_order(struct cushim_graph *plan, struct cushim_node **bad)
{
    cudaError_t error = order_one(plan, bad);
    for (struct cushim_node *n = plan->head; n != NULL && error == cudaSuccess; n = n->next) {
        if (n->op.kind == cudaGraphNodeTypeGraph) {
            error = cushim_plan_order(n->op.child.graph, bad);
            plan->has_conditional |= n->op.child.graph->has_conditional;
        } else if (n->op.kind == cudaGraphNodeTypeConditional) {
            for (unsigned i = 0; i < n->op.cond.size && error == cudaSuccess; i++)
                error = cushim_plan_order(n->op.cond.bodies[i], bad);
        }
    }
    return error;
}

/* 0, or -1 when the index could not be allocated (uthash is built non-fatal on allocation
 * failure: an add that fails leaves the node out, with its handle's tbl NULL). */
static int index_origins(struct cushim_graph *plan)
{
    HASH_CLEAR(hh_origin, plan->by_origin);
    for (struct cushim_node *n = plan->head; n != NULL; n = n->next) {
        HASH_ADD(hh_origin, plan->by_origin, origin, sizeof n->origin, n);
        if (n->hh_origin.tbl == NULL) {
            HASH_CLEAR(hh_origin, plan->by_origin);
            return -1;
        }
    }
    return 0;
}

void cushim_plan_unref(struct cushim_graph *plan)
{
    if (atomic_fetch_sub(&plan->refs, 1) != 1)
        return;
    HASH_CLEAR(hh_origin, plan->by_origin);
    cushim_graph_destroy(plan);
}

/* A plan of g, ordered and indexed; on a cycle, *bad is one of g's nodes in it. */
static struct cushim_graph *make_plan(struct cushim_graph *g, int keep_origin,
                                      struct cushim_node **bad, cudaError_t *error)
{
    struct cushim_graph *plan = cushim_graph_copy(g, 0, keep_origin, error);
    if (plan == NULL)
        return NULL;
    *bad = NULL;
    *error = cushim_plan_order(plan, bad);
    if (*error != cudaSuccess) {
        if (*bad != NULL)
            *bad = (*bad)->origin; /* the program's node: the plan's goes now */
        cushim_graph_destroy(plan);
        return NULL;
    }
    if (index_origins(plan) != 0) {
        *error = cudaErrorMemoryAllocation;
        cushim_graph_destroy(plan);
        return NULL;
    }
    return plan;
}

struct cushim_graph *cushim_plan_writable(struct cushim_exec *e, cudaError_t *error)
{
    *error = cudaSuccess;
    if (atomic_load(&e->plan->refs) == 1)
        return e->plan;
    struct cushim_node *bad;
    struct cushim_graph *copy = make_plan(e->plan, 1, &bad, error);
    if (copy == NULL)
        return NULL;
    cushim_plan_unref(e->plan);
    e->plan = copy;
    return copy;
}

struct cushim_node *cushim_plan_node(struct cushim_exec *e, cudaGraphNode_t node)
{
    struct cushim_node *n = cushim_node_find(node), *found = NULL;
    if (n == NULL)
        return NULL;
    HASH_FIND(hh_origin, e->plan->by_origin, &n, sizeof n, found);
    return found;
}

struct cushim_graph *cushim_exec_to_graph(struct cushim_exec *exec, cudaError_t *error)
{
    struct cushim_exec *e = cushim_exec_find((cudaGraphExec_t)exec);
    if (e == NULL) {
        *error = cudaErrorInvalidValue;
        return NULL;
    }
    return cushim_graph_copy(e->plan, 1, 0, error);
}

/* ---- instantiation ------------------------------------------------------------------- */

#define KNOWN_INSTANTIATE_FLAGS                                                                   \
    (cudaGraphInstantiateFlagAutoFreeOnLaunch | cudaGraphInstantiateFlagUpload |                  \
     cudaGraphInstantiateFlagDeviceLaunch | cudaGraphInstantiateFlagUseNodePriority)

static cudaError_t instantiate(cudaGraphExec_t *pGraphExec, cudaGraph_t graph,
                              unsigned long long flags, cudaGraphInstantiateResult *result,
                              cudaGraphNode_t *err_node)
{
    *result = cudaGraphInstantiateError;
    *err_node = NULL;
    if (pGraphExec == NULL || (flags & ~(unsigned long long)KNOWN_INSTANTIATE_FLAGS) != 0 ||
        ((flags & cudaGraphInstantiateFlagDeviceLaunch) &&
         (flags & cudaGraphInstantiateFlagAutoFreeOnLaunch)))
        return cudaErrorInvalidValue;
    const struct mu_driver *driver;
    int device;
    cudaError_t error = cushim_begin(&driver, &device);
    if (error != cudaSuccess)
        return error;
    struct cushim_exec *e = calloc(1, sizeof *e);
    if (e == NULL)
        return cudaErrorMemoryAllocation;
    pthread_mutex_lock(&cushim_graph_lock);
    struct cushim_graph *g = cushim_graph_find(graph);
    struct cushim_node *bad = NULL;
    if (g == NULL)
        error = cudaErrorInvalidValue;
    else if (g->execs > 0 && (cushim_graph_contains(g, cudaGraphNodeTypeMemAlloc) ||
                              cushim_graph_contains(g, cudaGraphNodeTypeMemFree)))
        error = cudaErrorInvalidValue; /* one executable graph at a time for memory nodes */
    if (error == cudaSuccess && (e->plan = make_plan(g, 0, &bad, &error)) == NULL &&
        bad != NULL) {
        *result = cudaGraphInstantiateInvalidStructure;
        *err_node = (cudaGraphNode_t)bad;
    }
    if (error == cudaSuccess) {
        e->key = e;
        atomic_init(&e->refs, 1);
        e->source = g;
        g->execs++;
        e->flags = flags & ~(unsigned long long)cudaGraphInstantiateFlagUpload;
        e->device = device;
        HASH_ADD_PTR(cushim_execs, key, e);
        if (e->hh.tbl == NULL) { /* uthash is built non-fatal on allocation failure */
            g->execs--;
            cushim_plan_unref(e->plan);
            error = cudaErrorMemoryAllocation;
        } else {
            *result = cudaGraphInstantiateSuccess;
            *pGraphExec = (cudaGraphExec_t)e;
        }
    }
    pthread_mutex_unlock(&cushim_graph_lock);
    if (error != cudaSuccess)
        free(e);
    return error;
}

cudaError_t impl_cudaGraphInstantiate(cudaGraphExec_t *pGraphExec, cudaGraph_t graph,
                                      unsigned long long flags)
{
    cudaGraphInstantiateResult result;
    cudaGraphNode_t node;
    return instantiate(pGraphExec, graph, flags, &result, &node);
}

cudaError_t impl_cudaGraphInstantiateWithFlags(cudaGraphExec_t *pGraphExec, cudaGraph_t graph,
                                               unsigned long long flags)
{
    /* Upload is only meaningful with an upload stream (cudaGraphInstantiateWithParams). */
    if (flags & cudaGraphInstantiateFlagUpload)
        return cudaErrorInvalidValue;
    return impl_cudaGraphInstantiate(pGraphExec, graph, flags);
}

cudaError_t impl_cudaGraphInstantiateWithParams(cudaGraphExec_t *pGraphExec, cudaGraph_t graph,
                                                cudaGraphInstantiateParams *instantiateParams)
{
    if (instantiateParams == NULL)
        return cudaErrorInvalidValue;
    cudaError_t error = instantiate(pGraphExec, graph, instantiateParams->flags,
                                    &instantiateParams->result_out,
                                    &instantiateParams->errNode_out);
    if (error == cudaSuccess && (instantiateParams->flags & cudaGraphInstantiateFlagUpload))
        error = impl_cudaGraphUpload(*pGraphExec, instantiateParams->uploadStream);
    return error;
}

cudaError_t impl_cudaGraphExecDestroy(cudaGraphExec_t graphExec)
{
    pthread_mutex_lock(&cushim_graph_lock);
    struct cushim_exec *e = cushim_exec_find(graphExec);
    if (e != NULL) {
        HASH_DEL(cushim_execs, e);
        if (e->source != NULL)
            e->source->execs--;
    }
    pthread_mutex_unlock(&cushim_graph_lock);
    if (e == NULL)
        return cudaErrorInvalidValue;
    /* Launches still running hold the plan (and through it the user objects), and a driver
     * still running holds the executable graph for its runner stream. */
    cushim_plan_unref(e->plan);
    cushim_exec_unref(e);
    return cudaSuccess;
}

void cushim_graphs_forget_device(int device)
{
    cushim_capture_forget_device(device);
    cushim_cond_forget_device(device);
    /* The reset destroyed the backend's streams and events of the device. */
    pthread_mutex_lock(&cushim_graph_lock);
    for (struct cushim_exec *e = cushim_execs; e != NULL; e = e->hh.next) {
        if (e->done != NULL && e->done_device == device)
            e->done = NULL;
        if (e->runner != NULL && e->device == device)
            e->runner = NULL;
        e->last = NULL;
    }
    pthread_mutex_unlock(&cushim_graph_lock);
}

void cushim_exec_unref(struct cushim_exec *e)
{
    if (atomic_fetch_sub(&e->refs, 1) != 1)
        return;
    /* The backend keeps the event and the stream until the work queued on them is done. */
    const struct mu_driver *driver = cushim_backend(NULL);
    if (e->done != NULL)
        driver->muEventDestroy(e->done);
    if (e->runner != NULL)
        driver->muStreamDestroy(e->runner);
    free(e);
}

cudaError_t impl_cudaGraphExecGetFlags(cudaGraphExec_t graphExec, unsigned long long *flags)
{
    if (flags == NULL)
        return cudaErrorInvalidValue;
    pthread_mutex_lock(&cushim_graph_lock);
    struct cushim_exec *e = cushim_exec_find(graphExec);
    if (e != NULL)
        *flags = e->flags;
    pthread_mutex_unlock(&cushim_graph_lock);
    return e != NULL ? cudaSuccess : cudaErrorInvalidValue;
}

cudaError_t impl_cudaGraphUpload(cudaGraphExec_t graphExec, cudaStream_t stream)
{
    /* Nothing to upload to the cpu device: the launch finds everything in place. */
    struct cushim_stream_ref ref;
    cudaError_t error = cushim_stream_resolve(stream, &ref);
    if (error != cudaSuccess)
        return error;
    pthread_mutex_lock(&cushim_graph_lock);
    struct cushim_exec *e = cushim_exec_find(graphExec);
    pthread_mutex_unlock(&cushim_graph_lock);
    return e != NULL ? cudaSuccess : cudaErrorInvalidValue;
}

/* ---- changing one node ---------------------------------------------------------------- */

/* Replace the operation of the plan's copy of `node` with op (consumed either way). */
static cudaError_t exec_set(cudaGraphExec_t graphExec, cudaGraphNode_t node,
                            enum cudaGraphNodeType kind, cudaError_t made, struct cushim_op *op)
{
    if (made != cudaSuccess)
        return made;
    cudaError_t error = cudaSuccess;
    pthread_mutex_lock(&cushim_graph_lock);
    struct cushim_exec *e = cushim_exec_find(graphExec);
    struct cushim_node *n = e != NULL ? cushim_plan_node(e, node) : NULL;
    if (n == NULL || n->op.kind != kind || op->kind != kind)
        error = cudaErrorInvalidValue;
    if (error == cudaSuccess && cushim_plan_writable(e, &error) != NULL) {
        n = cushim_plan_node(e, node);
        if (kind == cudaGraphNodeTypeKernel) {
            /* The node's attributes stay; only what the parameters describe changes. */
            op->kernel.cooperative = n->op.kernel.cooperative;
            free(op->kernel.attrs);
            op->kernel.attrs = n->op.kernel.attrs;
            op->kernel.nattrs = n->op.kernel.nattrs;
            n->op.kernel.attrs = NULL;
            n->op.kernel.nattrs = 0;
        }
        cushim_node_release_op(&n->op);
        n->op = *op;
    }
    pthread_mutex_unlock(&cushim_graph_lock);
    if (error != cudaSuccess)
        cushim_node_release_op(op);
    return error;
}

cudaError_t impl_cudaGraphExecKernelNodeSetParams(cudaGraphExec_t hGraphExec,
                                                  cudaGraphNode_t node,
                                                  const struct cudaKernelNodeParams *pNodeParams)
{
    struct cushim_op op;
    cudaError_t made = cushim_kernel_node_op(pNodeParams, &op);
    return exec_set(hGraphExec, node, cudaGraphNodeTypeKernel, made, &op);
}

cudaError_t impl_cudaGraphExecMemcpyNodeSetParams(cudaGraphExec_t hGraphExec,
                                                  cudaGraphNode_t node,
                                                  const struct cudaMemcpy3DParms *pNodeParams)
{
    struct cushim_op op;
    cudaError_t made = cushim_memcpy_node_op(pNodeParams, &op);
    return exec_set(hGraphExec, node, cudaGraphNodeTypeMemcpy, made, &op);
}

/* A linear copy (1-D, or to or from a symbol) on the current device. */
static cudaError_t linear_op(const struct cushim_copy *c, struct cushim_op *op)
{
    const struct mu_driver *driver;
    int device;
    cudaError_t error = cushim_begin(&driver, &device);
    return error != cudaSuccess ? error : cushim_copy_prepare(c, device, op);
}

cudaError_t impl_cudaGraphExecMemcpyNodeSetParams1D(cudaGraphExec_t hGraphExec,
                                                    cudaGraphNode_t node, void *dst,
                                                    const void *src, size_t count,
                                                    enum cudaMemcpyKind kind)
{
    struct cushim_op op;
    struct cushim_copy c = {dst, src, count, 1, count, 1, count, 1, 1, kind};
    cudaError_t made = linear_op(&c, &op);
    return exec_set(hGraphExec, node, cudaGraphNodeTypeMemcpy, made, &op);
}

static cudaError_t symbol_set(cudaGraphExec_t exec, cudaGraphNode_t node, int to_symbol,
                              const void *symbol, void *other, size_t count, size_t offset,
                              enum cudaMemcpyKind kind)
{
    struct cushim_op op;
    struct cushim_copy c;
    cudaError_t made = cushim_symbol_copy_describe(to_symbol, symbol, other, count, offset,
                                                   kind, &c);
    if (made == cudaSuccess)
        made = linear_op(&c, &op);
    return exec_set(exec, node, cudaGraphNodeTypeMemcpy, made, &op);
}

cudaError_t impl_cudaGraphExecMemcpyNodeSetParamsToSymbol(cudaGraphExec_t hGraphExec,
                                                          cudaGraphNode_t node,
                                                          const void *symbol, const void *src,
                                                          size_t count, size_t offset,
                                                          enum cudaMemcpyKind kind)
{
    return symbol_set(hGraphExec, node, 1, symbol, (void *)src, count, offset, kind);
}

cudaError_t impl_cudaGraphExecMemcpyNodeSetParamsFromSymbol(cudaGraphExec_t hGraphExec,
                                                            cudaGraphNode_t node, void *dst,
                                                            const void *symbol, size_t count,
                                                            size_t offset,
                                                            enum cudaMemcpyKind kind)
{
    return symbol_set(hGraphExec, node, 0, symbol, dst, count, offset, kind);
}

cudaError_t impl_cudaGraphExecMemsetNodeSetParams(cudaGraphExec_t hGraphExec,
                                                  cudaGraphNode_t node,
                                                  const struct cudaMemsetParams *pNodeParams)
{
    struct cushim_op op;
    cudaError_t made = cushim_memset_node_op(pNodeParams, &op);
    return exec_set(hGraphExec, node, cudaGraphNodeTypeMemset, made, &op);
}

cudaError_t impl_cudaGraphExecHostNodeSetParams(cudaGraphExec_t hGraphExec,
                                                cudaGraphNode_t node,
                                                const struct cudaHostNodeParams *pNodeParams)
{
    if (pNodeParams == NULL || pNodeParams->fn == NULL)
        return cudaErrorInvalidValue;
    struct cushim_op op = {.kind = cudaGraphNodeTypeHost,
                           .host = {pNodeParams->fn, pNodeParams->userData}};
    return exec_set(hGraphExec, node, cudaGraphNodeTypeHost, cudaSuccess, &op);
}

static cudaError_t event_set(cudaGraphExec_t exec, cudaGraphNode_t node,
                             enum cudaGraphNodeType kind, cudaEvent_t event)
{
    if (cushim_event_lookup(event, NULL, NULL, NULL) != 0)
        return cudaErrorInvalidValue;
    struct cushim_op op = {.kind = kind, .event = {event, 0}};
    return exec_set(exec, node, kind, cudaSuccess, &op);
}

cudaError_t impl_cudaGraphExecEventRecordNodeSetEvent(cudaGraphExec_t hGraphExec,
                                                      cudaGraphNode_t hNode, cudaEvent_t event)
{
    return event_set(hGraphExec, hNode, cudaGraphNodeTypeEventRecord, event);
}

cudaError_t impl_cudaGraphExecEventWaitNodeSetEvent(cudaGraphExec_t hGraphExec,
                                                    cudaGraphNode_t hNode, cudaEvent_t event)
{
    return event_set(hGraphExec, hNode, cudaGraphNodeTypeWaitEvent, event);
}

static int kind_can_be_disabled(enum cudaGraphNodeType kind)
{
    return kind == cudaGraphNodeTypeKernel || kind == cudaGraphNodeTypeMemcpy ||
           kind == cudaGraphNodeTypeMemset;
}

cudaError_t impl_cudaGraphNodeSetEnabled(cudaGraphExec_t hGraphExec, cudaGraphNode_t hNode,
                                         unsigned int isEnabled)
{
    cudaError_t error = cudaSuccess;
    pthread_mutex_lock(&cushim_graph_lock);
    struct cushim_exec *e = cushim_exec_find(hGraphExec);
    struct cushim_node *n = e != NULL ? cushim_plan_node(e, hNode) : NULL;
    if (n == NULL || !kind_can_be_disabled(n->op.kind))
        error = cudaErrorInvalidValue;
    else if (cushim_plan_writable(e, &error) != NULL)
        cushim_plan_node(e, hNode)->enabled = isEnabled != 0;
    pthread_mutex_unlock(&cushim_graph_lock);
    return error;
}

cudaError_t impl_cudaGraphNodeGetEnabled(cudaGraphExec_t hGraphExec, cudaGraphNode_t hNode,
                                         unsigned int *isEnabled)
{
    if (isEnabled == NULL)
        return cudaErrorInvalidValue;
    cudaError_t error = cudaSuccess;
    pthread_mutex_lock(&cushim_graph_lock);
    struct cushim_exec *e = cushim_exec_find(hGraphExec);
    struct cushim_node *n = e != NULL ? cushim_plan_node(e, hNode) : NULL;
    if (n == NULL || !kind_can_be_disabled(n->op.kind))
        error = cudaErrorInvalidValue;
    else
        *isEnabled = (unsigned)n->enabled;
    pthread_mutex_unlock(&cushim_graph_lock);
    return error;
}

/* The generic form: the node's kind decides which setter it is. */
cudaError_t impl_cudaGraphExecNodeSetParams(cudaGraphExec_t graphExec, cudaGraphNode_t node,
                                            struct cudaGraphNodeParams *nodeParams)
{
    if (nodeParams == NULL)
        return cudaErrorInvalidValue;
    switch (nodeParams->type) {
    case cudaGraphNodeTypeKernel: {
        struct cudaKernelNodeParams k = {
            nodeParams->kernel.func,           nodeParams->kernel.gridDim,
            nodeParams->kernel.blockDim,       nodeParams->kernel.sharedMemBytes,
            nodeParams->kernel.kernelParams,   nodeParams->kernel.extra};
        return impl_cudaGraphExecKernelNodeSetParams(graphExec, node, &k);
    }
    case cudaGraphNodeTypeMemcpy:
        return impl_cudaGraphExecMemcpyNodeSetParams(graphExec, node,
                                                     &nodeParams->memcpy.copyParams);
    case cudaGraphNodeTypeMemset: {
        struct cudaMemsetParams m = {nodeParams->memset.dst,   nodeParams->memset.pitch,
                                     nodeParams->memset.value, nodeParams->memset.elementSize,
                                     nodeParams->memset.width, nodeParams->memset.height};
        return impl_cudaGraphExecMemsetNodeSetParams(graphExec, node, &m);
    }
    case cudaGraphNodeTypeHost: {
        struct cudaHostNodeParams h = {nodeParams->host.fn, nodeParams->host.userData};
        return impl_cudaGraphExecHostNodeSetParams(graphExec, node, &h);
    }
    case cudaGraphNodeTypeGraph:
        return impl_cudaGraphExecChildGraphNodeSetParams(graphExec, node,
                                                         nodeParams->graph.graph);
    case cudaGraphNodeTypeEventRecord:
        return impl_cudaGraphExecEventRecordNodeSetEvent(graphExec, node,
                                                         nodeParams->eventRecord.event);
    case cudaGraphNodeTypeWaitEvent:
        return impl_cudaGraphExecEventWaitNodeSetEvent(graphExec, node,
                                                       nodeParams->eventWait.event);
    case cudaGraphNodeTypeEmpty:
        return cudaSuccess;
    default:
        /* Allocation, free and conditional nodes cannot be changed (NVIDIA documents so);
         * cushim has no external semaphores. */
        return cudaErrorNotSupported;
    }
}
