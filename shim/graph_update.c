/*
 * graph_update.c - cudaGraphExecUpdate and cudaGraphExecChildGraphNodeSetParams: the
 * parameters of a graph of the same shape (node for node in creation order, same kinds, same
 * edges) replace those of an executable graph's plan, within what NVIDIA allows to change.
 * A mismatch is reported with NVIDIA's result codes and changes nothing.
 */
#include "api.h"
#include "graph.h"

/* Number a graph's nodes by creation order (in their traversal scratch), so that edges can be
 * compared by position. */
static void number(const struct cushim_graph *g)
{
    unsigned long long i = 0;
    for (struct cushim_node *n = g->head; n != NULL; n = n->next)
        n->mark = i++;
}

/* Can `to` (the program's new graph) replace the parameters of `plan`, node for node in
 * creation order?  Fills info on the first mismatch. */
static int can_update(const struct cushim_graph *plan, const struct cushim_graph *to,
                      cudaGraphExecUpdateResultInfo *info)
{
    number(plan);
    number(to);
    if (plan->count != to->count) {
        *info = (cudaGraphExecUpdateResultInfo){cudaGraphExecUpdateErrorTopologyChanged, NULL,
                                                NULL};
        return 0;
    }
    for (const struct cushim_node *p = plan->head, *n = to->head; p != NULL;
         p = p->next, n = n->next) {
        cudaGraphNode_t here = to->is_public ? (cudaGraphNode_t)n : NULL;
        if (p->op.kind != n->op.kind) {
            *info = (cudaGraphExecUpdateResultInfo){cudaGraphExecUpdateErrorNodeTypeChanged,
                                                    here, NULL};
            return 0;
        }
        if (p->ndeps != n->ndeps) {
            *info = (cudaGraphExecUpdateResultInfo){cudaGraphExecUpdateErrorTopologyChanged,
                                                    here, NULL};
            return 0;
        }
        for (size_t i = 0; i < p->ndeps; i++) {
            if (p->deps[i].node->mark != n->deps[i].node->mark) {
                *info = (cudaGraphExecUpdateResultInfo){
                    cudaGraphExecUpdateErrorTopologyChanged, here,
                    (cudaGraphNode_t)n->deps[i].node};
                return 0;
            }
        }
        enum cudaGraphExecUpdateResult why = cudaGraphExecUpdateSuccess;
        switch (p->op.kind) {
        case cudaGraphNodeTypeKernel:
            if (p->op.kernel.cooperative != n->op.kernel.cooperative)
                why = cudaGraphExecUpdateErrorParametersChanged;
            else if (p->op.kernel.device != n->op.kernel.device)
                why = cudaGraphExecUpdateErrorUnsupportedFunctionChange;
            break;
        case cudaGraphNodeTypeMemset:
            if (p->op.fill.params.height > 1 &&
                (p->op.fill.params.width != n->op.fill.params.width ||
                 p->op.fill.params.height != n->op.fill.params.height ||
                 p->op.fill.params.pitch != n->op.fill.params.pitch ||
                 p->op.fill.params.elementSize != n->op.fill.params.elementSize))
                why = cudaGraphExecUpdateErrorParametersChanged; /* 2-D: only address/value */
            break;
        case cudaGraphNodeTypeMemAlloc:
            if (p->op.alloc.mem != n->op.alloc.mem)
                why = cudaGraphExecUpdateErrorNotSupported;
            break;
        case cudaGraphNodeTypeMemFree:
            if (p->op.free.mem != n->op.free.mem)
                why = cudaGraphExecUpdateErrorNotSupported;
            break;
        case cudaGraphNodeTypeGraph:
            if (!can_update(p->op.child.graph, n->op.child.graph, info))
                return 0;
            break;
        case cudaGraphNodeTypeConditional:
            if (p->op.cond.type != n->op.cond.type || p->op.cond.size != n->op.cond.size ||
                p->op.cond.handle != n->op.cond.handle) {
                why = cudaGraphExecUpdateErrorParametersChanged;
                break;
            }
            for (unsigned i = 0; i < p->op.cond.size; i++)
                if (!can_update(p->op.cond.bodies[i], n->op.cond.bodies[i], info))
                    return 0;
            break;
        default:
            break;
        }
        if (why != cudaGraphExecUpdateSuccess) {
            *info = (cudaGraphExecUpdateResultInfo){why, here, NULL};
            return 0;
        }
    }
    return 1;
}

/* Copy the parameters of `to` into plan (which can_update accepted). */
static cudaError_t apply_update(struct cushim_graph *plan, const struct cushim_graph *to)
{
    cudaError_t error = cudaSuccess;
    struct cushim_node *p = plan->head;
    for (const struct cushim_node *n = to->head; n != NULL && error == cudaSuccess;
         n = n->next, p = p->next) {
        if (p->op.kind == cudaGraphNodeTypeGraph) {
            error = apply_update(p->op.child.graph, n->op.child.graph);
        } else if (p->op.kind == cudaGraphNodeTypeConditional) {
            for (unsigned i = 0; i < p->op.cond.size && error == cudaSuccess; i++)
                error = apply_update(p->op.cond.bodies[i], n->op.cond.bodies[i]);
        } else if (p->op.kind != cudaGraphNodeTypeMemAlloc &&
                   p->op.kind != cudaGraphNodeTypeMemFree) {
            struct cushim_op op;
            error = cushim_node_copy_op(&op, &n->op, 0);
            if (error == cudaSuccess) {
                cushim_node_release_op(&p->op);
                p->op = op;
            }
        }
    }
    return error;
}

cudaError_t impl_cudaGraphExecUpdate(cudaGraphExec_t hGraphExec, cudaGraph_t hGraph,
                                     cudaGraphExecUpdateResultInfo *resultInfo)
{
    cudaGraphExecUpdateResultInfo info = {cudaGraphExecUpdateSuccess, NULL, NULL};
    cudaError_t error = cudaSuccess;
    pthread_mutex_lock(&cushim_graph_lock);
    struct cushim_exec *e = cushim_exec_find(hGraphExec);
    struct cushim_graph *g = cushim_graph_find(hGraph);
    if (e == NULL || g == NULL || resultInfo == NULL) {
        info.result = cudaGraphExecUpdateError;
        error = cudaErrorInvalidValue;
    } else if (!can_update(e->plan, g, &info)) {
        error = cudaErrorGraphExecUpdateFailure;
    } else {
        struct cushim_graph *plan = cushim_plan_writable(e, &error);
        if (plan != NULL)
            error = apply_update(plan, g);
        if (error != cudaSuccess)
            info.result = cudaGraphExecUpdateError;
    }
    pthread_mutex_unlock(&cushim_graph_lock);
    if (resultInfo != NULL)
        *resultInfo = info;
    return error;
}

/* Child graph node in an executable graph: the same update, on that node's graph. */
cudaError_t impl_cudaGraphExecChildGraphNodeSetParams(cudaGraphExec_t hGraphExec,
                                                      cudaGraphNode_t node,
                                                      cudaGraph_t childGraph)
{
    cudaError_t error = cudaSuccess;
    cudaGraphExecUpdateResultInfo info;
    pthread_mutex_lock(&cushim_graph_lock);
    struct cushim_exec *e = cushim_exec_find(hGraphExec);
    struct cushim_node *n = e != NULL ? cushim_plan_node(e, node) : NULL;
    struct cushim_graph *child = cushim_graph_find(childGraph);
    if (n == NULL || child == NULL || n->op.kind != cudaGraphNodeTypeGraph ||
        !can_update(n->op.child.graph, child, &info))
        error = cudaErrorInvalidValue;
    else if (cushim_plan_writable(e, &error) != NULL)
        error = apply_update(cushim_plan_node(e, node)->op.child.graph, child);
    pthread_mutex_unlock(&cushim_graph_lock);
    return error;
}

