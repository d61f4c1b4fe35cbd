/*
 * graph.c - graphs and nodes as objects: the handle maps and the lock (graph.h), creating,
 * copying and destroying graphs, adding and removing nodes and edges, and every query of a
 * graph's structure (nodes, roots, edges, dependencies, node types, clones).  What a node does
 * is its stream operation: graph_nodes.c fills it in from the node-parameter API, capture.c
 * from a capturing stream.
 */
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "graph.h"
#include "graph_mem.h"

pthread_mutex_t cushim_graph_lock = PTHREAD_MUTEX_INITIALIZER;

static struct cushim_graph *graphs;
static struct cushim_node *nodes;
static unsigned long long next_seq = 1, next_mark = 1;

/* The executable graph map lives with the executable graphs (graph_exec.c) but is looked up
 * here so that destroying a graph can forget it as their source. */
extern struct cushim_exec *cushim_execs;

struct cushim_graph *cushim_graph_new(int is_public)
{
    struct cushim_graph *g = calloc(1, sizeof *g);
    if (g == NULL)
        return NULL;
    g->key = g;
    g->is_public = is_public;
    atomic_init(&g->refs, 1);
    if (is_public) {
        HASH_ADD_PTR(graphs, key, g);
        if (g->hh.tbl == NULL) { /* uthash is built non-fatal on allocation failure */
            free(g);
            return NULL;
        }
    }
    return g;
}

struct cushim_graph *cushim_graph_find(cudaGraph_t handle)
{
    struct cushim_graph *g;
    struct cushim_graph *key = (struct cushim_graph *)handle;
    if (handle == NULL)
        return NULL;
    HASH_FIND_PTR(graphs, &key, g);
    return g;
}

struct cushim_node *cushim_node_find(cudaGraphNode_t handle)
{
    struct cushim_node *n;
    struct cushim_node *key = (struct cushim_node *)handle;
    if (handle == NULL)
        return NULL;
    HASH_FIND_PTR(nodes, &key, n);
    return n;
}

unsigned long long cushim_graph_next_mark(void)
{
    return next_mark++;
}

static int push_edge(struct cushim_edge **array, size_t *n, size_t *cap, struct cushim_node *node,
                     cudaGraphEdgeData data)
{
    if (*n == *cap) {
        size_t bigger = *cap ? *cap * 2 : 4;
        struct cushim_edge *grown = realloc(*array, bigger * sizeof *grown);
        if (grown == NULL)
            return -1;
        *array = grown;
        *cap = bigger;
    }
    (*array)[(*n)++] = (struct cushim_edge){node, data};
    return 0;
}

static void drop_edge(struct cushim_edge *array, size_t *n, const struct cushim_node *node)
{
    for (size_t i = 0; i < *n; i++) {
        if (array[i].node == node) {
            memmove(&array[i], &array[i + 1], (*n - i - 1) * sizeof *array);
            (*n)--;
            return;
        }
    }
}

static int is_mem_kind(enum cudaGraphNodeType kind)
{
    return kind == cudaGraphNodeTypeMemAlloc || kind == cudaGraphNodeTypeMemFree;
}

cudaError_t cushim_graph_add(struct cushim_graph *g, const struct cushim_edge *deps, size_t n,
                             struct cushim_op *op, struct cushim_node **out)
{
    struct cushim_node *node = calloc(1, sizeof *node);
    if (node == NULL) {
        cushim_node_release_op(op);
        return cudaErrorMemoryAllocation;
    }
    node->key = node;
    node->graph = g;
    node->seq = next_seq++;
    node->op = *op;
    node->enabled = 1;
    int failed = 0;
    for (size_t i = 0; i < n && !failed; i++)
        failed = push_edge(&node->deps, &node->ndeps, &node->deps_cap, deps[i].node,
                           deps[i].data) ||
                 push_edge(&deps[i].node->outs, &deps[i].node->nouts, &deps[i].node->outs_cap,
                           node, deps[i].data);
    if (!failed && g->is_public) {
        HASH_ADD_PTR(nodes, key, node);
        failed = node->hh.tbl == NULL; /* uthash is built non-fatal on allocation failure */
    }
    if (failed) {
        for (size_t j = 0; j < node->ndeps; j++)
            drop_edge(node->deps[j].node->outs, &node->deps[j].node->nouts, node);
        free(node->deps);
        free(node);
        cushim_node_release_op(op);
        return cudaErrorMemoryAllocation;
    }
    node->prev = g->tail;
    if (g->tail != NULL)
        g->tail->next = node;
    else
        g->head = node;
    g->tail = node;
    g->count++;
    if (is_mem_kind(op->kind))
        g->mem_nodes++;
    if (op->kind == cudaGraphNodeTypeGraph && op->child.graph != NULL)
        op->child.graph->owner = node;
    if (op->kind == cudaGraphNodeTypeConditional)
        for (unsigned i = 0; i < op->cond.size; i++)
            op->cond.bodies[i]->owner = node;
    if (out != NULL)
        *out = node;
    return cudaSuccess;
}

static int valid_edge_data(const cudaGraphEdgeData *e, const struct cushim_node *from)
{
    for (size_t i = 0; i < sizeof e->reserved; i++)
        if (e->reserved[i] != 0)
            return 0;
    if (e->type > cudaGraphDependencyTypeProgrammatic || e->to_port != 0)
        return 0;
    /* Only kernel nodes have more than the default output port. */
    if (e->from_port > cudaGraphKernelNodePortLaunchCompletion ||
        (e->from_port != 0 && from->op.kind != cudaGraphNodeTypeKernel))
        return 0;
    if (e->type == cudaGraphDependencyTypeProgrammatic &&
        from->op.kind != cudaGraphNodeTypeKernel)
        return 0;
    return 1;
}

cudaError_t cushim_graph_add_public(cudaGraphNode_t *out, cudaGraph_t graph,
                                    const cudaGraphNode_t *deps, const cudaGraphEdgeData *data,
                                    size_t n, struct cushim_op *op)
{
    cudaError_t error = cudaSuccess;
    struct cushim_edge stack_edges[8], *edges = stack_edges;
    pthread_mutex_lock(&cushim_graph_lock);
    struct cushim_graph *g = cushim_graph_find(graph);
    if (out == NULL || g == NULL || (n > 0 && deps == NULL))
        error = cudaErrorInvalidValue;
    else if (is_mem_kind(op->kind) && g->owner != NULL)
        error = cudaErrorNotSupported; /* not in child graphs or conditional bodies */
    if (error == cudaSuccess && n > sizeof stack_edges / sizeof stack_edges[0]) {
        edges = malloc(n * sizeof *edges);
        if (edges == NULL)
            error = cudaErrorMemoryAllocation;
    }
    unsigned long long mark = cushim_graph_next_mark();
    for (size_t i = 0; error == cudaSuccess && i < n; i++) {
        struct cushim_node *d = cushim_node_find(deps[i]);
        cudaGraphEdgeData e = data != NULL ? data[i] : (cudaGraphEdgeData){0};
        /* Members of this graph, each once. */
        if (d == NULL || d->graph != g || d->mark == mark || !valid_edge_data(&e, d))
            error = cudaErrorInvalidValue;
        else
            d->mark = mark;
        edges[i] = (struct cushim_edge){d, e};
    }
    struct cushim_node *node = NULL;
    if (error == cudaSuccess)
        error = cushim_graph_add(g, edges, n, op, &node);
    else
        cushim_node_release_op(op);
    pthread_mutex_unlock(&cushim_graph_lock);
    if (edges != stack_edges)
        free(edges);
    if (error == cudaSuccess)
        *out = (cudaGraphNode_t)node;
    return error;
}

static void node_free(struct cushim_node *node)
{
    if (node->graph->is_public)
        HASH_DEL(nodes, node);
    cushim_node_release_op(&node->op);
    free(node->deps);
    free(node->outs);
    free(node);
}

/* Unlink a node from its graph and its neighbours' edges. */
static void node_unlink(struct cushim_node *node)
{
    struct cushim_graph *g = node->graph;
    for (size_t i = 0; i < node->ndeps; i++)
        drop_edge(node->deps[i].node->outs, &node->deps[i].node->nouts, node);
    for (size_t i = 0; i < node->nouts; i++)
        drop_edge(node->outs[i].node->deps, &node->outs[i].node->ndeps, node);
    if (node->prev != NULL)
        node->prev->next = node->next;
    else
        g->head = node->next;
    if (node->next != NULL)
        node->next->prev = node->prev;
    else
        g->tail = node->prev;
    g->count--;
    if (is_mem_kind(node->op.kind))
        g->mem_nodes--;
}

void cushim_graph_destroy(struct cushim_graph *g)
{
    if (g == NULL)
        return;
    for (struct cushim_node *n = g->head, *next; n != NULL; n = next) {
        next = n->next;
        node_free(n);
    }
    if (g->is_public) {
        HASH_DEL(graphs, g);
        for (struct cushim_exec *e = cushim_execs; e != NULL; e = e->hh.next)
            if (e->source == g)
                e->source = NULL;
    }
    for (size_t i = 0; i < g->nurefs; i++)
        cushim_user_object_release(g->urefs[i].object, g->urefs[i].count);
    for (size_t i = 0; i < g->nconds; i++)
        cushim_cond_unref(g->conds[i]);
    free(g->urefs);
    free(g->conds);
    free(g->order);
    free(g);
}

cudaError_t cushim_node_copy_op(struct cushim_op *dst, const struct cushim_op *src,
                                int is_public)
{
    cudaError_t error = cushim_op_copy(dst, src);
    if (error != cudaSuccess)
        return error;
    switch (src->kind) {
    case cudaGraphNodeTypeGraph:
        dst->child.exec = NULL;
        dst->child.graph = cushim_graph_copy(src->child.graph, is_public, 0, &error);
        break;
    case cudaGraphNodeTypeConditional: {
        unsigned n = src->cond.size;
        dst->cond.bodies = calloc(n ? n : 1, sizeof *dst->cond.bodies);
        dst->cond.body_handles = calloc(n ? n : 1, sizeof *dst->cond.body_handles);
        if (dst->cond.bodies == NULL || dst->cond.body_handles == NULL) {
            free(dst->cond.bodies);
            free(dst->cond.body_handles);
            return cudaErrorMemoryAllocation;
        }
        for (unsigned i = 0; i < n && error == cudaSuccess; i++) {
            dst->cond.bodies[i] = cushim_graph_copy(src->cond.bodies[i], is_public, 0, &error);
            dst->cond.body_handles[i] = (cudaGraph_t)dst->cond.bodies[i];
        }
        if (error != cudaSuccess) {
            for (unsigned i = 0; i < n; i++)
                cushim_graph_destroy(dst->cond.bodies[i]);
            free(dst->cond.bodies);
            free(dst->cond.body_handles);
        }
        return error;
    }
    case cudaGraphNodeTypeMemAlloc:
        cushim_gmem_ref(dst->alloc.mem);
        break;
    case cudaGraphNodeTypeMemFree:
        if (dst->free.mem != NULL)
            cushim_gmem_ref(dst->free.mem);
        break;
    default:
        break;
    }
    if (error != cudaSuccess)
        cushim_op_release(dst);
    return error;
}

void cushim_node_release_op(struct cushim_op *op)
{
    switch (op->kind) {
    case cudaGraphNodeTypeGraph:
        cushim_graph_destroy(op->child.graph);
        op->child.graph = NULL;
        break;
    case cudaGraphNodeTypeConditional:
        for (unsigned i = 0; i < op->cond.size; i++)
            if (op->cond.bodies != NULL)
                cushim_graph_destroy(op->cond.bodies[i]);
        free(op->cond.bodies);
        free(op->cond.body_handles);
        op->cond.bodies = NULL;
        op->cond.body_handles = NULL;
        break;
    case cudaGraphNodeTypeMemAlloc:
        if (op->alloc.mem != NULL)
            cushim_gmem_unref(op->alloc.mem);
        break;
    case cudaGraphNodeTypeMemFree:
        if (op->free.mem != NULL)
            cushim_gmem_unref(op->free.mem);
        break;
    default:
        break;
    }
    cushim_op_release(op);
}

struct cushim_graph *cushim_graph_copy(struct cushim_graph *g, int is_public, int keep_origin,
                                       cudaError_t *error)
{
    *error = cudaSuccess;
    struct cushim_graph *copy = cushim_graph_new(is_public);
    struct cushim_node **made = calloc(g->count ? g->count : 1, sizeof *made);
    if (copy == NULL || made == NULL) {
        free(made);
        cushim_graph_destroy(copy);
        *error = cudaErrorMemoryAllocation;
        return NULL;
    }
    copy->origin = keep_origin ? g->origin : g;
    size_t index = 0;
    for (struct cushim_node *n = g->head; n != NULL; n = n->next)
        n->mark = index++; /* source positions, so edges can be copied by index */
    /* Nodes first, then edges: an edge added later may point at a node made after it. */
    index = 0;
    for (struct cushim_node *n = g->head; n != NULL && *error == cudaSuccess; n = n->next) {
        struct cushim_op op;
        *error = cushim_node_copy_op(&op, &n->op, is_public);
        if (*error == cudaSuccess)
            *error = cushim_graph_add(copy, NULL, 0, &op, &made[index]);
        if (*error == cudaSuccess) {
            made[index]->origin = keep_origin ? n->origin : n;
            made[index]->enabled = n->enabled;
        }
        index++;
    }
    index = 0;
    for (struct cushim_node *n = g->head; n != NULL && *error == cudaSuccess; n = n->next) {
        struct cushim_node *to = made[index++];
        for (size_t i = 0; i < n->ndeps && *error == cudaSuccess; i++) {
            struct cushim_node *from = made[n->deps[i].node->mark];
            if (push_edge(&to->deps, &to->ndeps, &to->deps_cap, from, n->deps[i].data) ||
                push_edge(&from->outs, &from->nouts, &from->outs_cap, to, n->deps[i].data))
                *error = cudaErrorMemoryAllocation;
        }
    }
    free(made);
    if (*error == cudaSuccess && g->nurefs > 0) {
        copy->urefs = malloc(g->nurefs * sizeof *copy->urefs);
        if (copy->urefs == NULL) {
            *error = cudaErrorMemoryAllocation;
        } else {
            memcpy(copy->urefs, g->urefs, g->nurefs * sizeof *copy->urefs);
            copy->nurefs = g->nurefs;
            for (size_t i = 0; i < g->nurefs; i++)
                cushim_user_object_retain(g->urefs[i].object, g->urefs[i].count);
        }
    }
    if (*error == cudaSuccess && g->nconds > 0) {
        copy->conds = malloc(g->nconds * sizeof *copy->conds);
        if (copy->conds == NULL) {
            *error = cudaErrorMemoryAllocation;
        } else {
            memcpy(copy->conds, g->conds, g->nconds * sizeof *copy->conds);
            copy->nconds = g->nconds;
            for (size_t i = 0; i < g->nconds; i++)
                cushim_cond_ref(g->conds[i]);
        }
    }
    if (*error != cudaSuccess) {
        cushim_graph_destroy(copy);
        return NULL;
    }
    return copy;
}

void cushim_graph_mark_ancestors(const struct cushim_edge *targets, size_t n,
                                 unsigned long long mark)
{
    size_t top = 0, cap = n + 16;
    struct cushim_node **stack = malloc(cap * sizeof *stack);
    if (stack == NULL)
        return;
    for (size_t i = 0; i < n; i++)
        if (targets[i].node->mark != mark) {
            targets[i].node->mark = mark;
            stack[top++] = targets[i].node;
        }
    while (top > 0) {
        struct cushim_node *node = stack[--top];
        for (size_t i = 0; i < node->ndeps; i++) {
            struct cushim_node *d = node->deps[i].node;
            if (d->mark == mark)
                continue;
            d->mark = mark;
            if (top == cap) {
                struct cushim_node **grown = realloc(stack, cap * 2 * sizeof *stack);
                if (grown == NULL)
                    break;
                stack = grown;
                cap *= 2;
            }
            stack[top++] = d;
        }
    }
    free(stack);
}

int cushim_graph_contains(const struct cushim_graph *g, enum cudaGraphNodeType kind)
{
    for (const struct cushim_node *n = g->head; n != NULL; n = n->next) {
        if (n->op.kind == kind)
            return 1;
        if (n->op.kind == cudaGraphNodeTypeGraph && cushim_graph_contains(n->op.child.graph, kind))
            return 1;
        if (n->op.kind == cudaGraphNodeTypeConditional)
            for (unsigned i = 0; i < n->op.cond.size; i++)
                if (cushim_graph_contains(n->op.cond.bodies[i], kind))
                    return 1;
    }
    return 0;
}

/* ---- the API --------------------------------------------------------------------------- */

cudaError_t impl_cudaGraphCreate(cudaGraph_t *pGraph, unsigned int flags)
{
    if (pGraph == NULL || flags != 0)
        return cudaErrorInvalidValue;
    pthread_mutex_lock(&cushim_graph_lock);
    struct cushim_graph *g = cushim_graph_new(1);
    pthread_mutex_unlock(&cushim_graph_lock);
    if (g == NULL)
        return cudaErrorMemoryAllocation;
    *pGraph = (cudaGraph_t)g;
    return cudaSuccess;
}

cudaError_t impl_cudaGraphDestroy(cudaGraph_t graph)
{
    cudaError_t error = cudaSuccess;
    pthread_mutex_lock(&cushim_graph_lock);
    struct cushim_graph *g = cushim_graph_find(graph);
    /* A child graph or a conditional body belongs to its node; a graph being captured into
     * belongs to the capture until it ends. */
    if (g == NULL || g->owner != NULL || g->capturing)
        error = cudaErrorInvalidValue;
    else
        cushim_graph_destroy(g);
    pthread_mutex_unlock(&cushim_graph_lock);
    return error;
}

cudaError_t impl_cudaGraphClone(cudaGraph_t *pGraphClone, cudaGraph_t originalGraph)
{
    cudaError_t error = cudaSuccess;
    pthread_mutex_lock(&cushim_graph_lock);
    struct cushim_graph *g = cushim_graph_find(originalGraph);
    if (pGraphClone == NULL || g == NULL)
        error = cudaErrorInvalidValue;
    else if (g->mem_nodes > 0 || cushim_graph_contains(g, cudaGraphNodeTypeMemAlloc) ||
             cushim_graph_contains(g, cudaGraphNodeTypeMemFree) ||
             cushim_graph_contains(g, cudaGraphNodeTypeConditional))
        error = cudaErrorNotSupported; /* NVIDIA documents these cannot be cloned */
    struct cushim_graph *copy = NULL;
    if (error == cudaSuccess)
        copy = cushim_graph_copy(g, 1, 0, &error);
    pthread_mutex_unlock(&cushim_graph_lock);
    if (error == cudaSuccess)
        *pGraphClone = (cudaGraph_t)copy;
    return error;
}

cudaError_t impl_cudaGraphNodeFindInClone(cudaGraphNode_t *pNode, cudaGraphNode_t originalNode,
                                          cudaGraph_t clonedGraph)
{
    cudaError_t error = cudaErrorInvalidValue;
    pthread_mutex_lock(&cushim_graph_lock);
    struct cushim_graph *g = cushim_graph_find(clonedGraph);
    if (pNode != NULL && g != NULL && originalNode != NULL) {
        for (struct cushim_node *n = g->head; n != NULL; n = n->next) {
            if (n->origin == (struct cushim_node *)originalNode) {
                *pNode = (cudaGraphNode_t)n;
                error = cudaSuccess;
                break;
            }
        }
    }
    pthread_mutex_unlock(&cushim_graph_lock);
    return error;
}

/* The fill-in rule of the list queries: NULL asks for the count; otherwise up to *count
 * entries, the rest NULL, and *count says how many were written. */
static cudaError_t list_nodes(cudaGraph_t graph, cudaGraphNode_t *out, size_t *count,
                              int roots_only)
{
    if (count == NULL)
        return cudaErrorInvalidValue;
    cudaError_t error = cudaSuccess;
    pthread_mutex_lock(&cushim_graph_lock);
    struct cushim_graph *g = cushim_graph_find(graph);
    if (g == NULL) {
        error = cudaErrorInvalidValue;
    } else {
        size_t found = 0;
        for (struct cushim_node *n = g->head; n != NULL; n = n->next) {
            if (roots_only && n->ndeps > 0)
                continue;
            if (out != NULL && found < *count)
                out[found] = (cudaGraphNode_t)n;
            found++;
        }
        if (out != NULL) {
            for (size_t i = found; i < *count; i++)
                out[i] = NULL;
            if (found > *count)
                found = *count;
        }
        *count = found;
    }
    pthread_mutex_unlock(&cushim_graph_lock);
    return error;
}

cudaError_t impl_cudaGraphGetNodes(cudaGraph_t graph, cudaGraphNode_t *nodes_out,
                                   size_t *numNodes)
{
    return list_nodes(graph, nodes_out, numNodes, 0);
}

cudaError_t impl_cudaGraphGetRootNodes(cudaGraph_t graph, cudaGraphNode_t *pRootNodes,
                                       size_t *pNumRootNodes)
{
    return list_nodes(graph, pRootNodes, pNumRootNodes, 1);
}

static int edge_data_is_default(const cudaGraphEdgeData *e)
{
    static const cudaGraphEdgeData zero;
    return memcmp(e, &zero, sizeof zero) == 0;
}

cudaError_t impl_cudaGraphGetEdges(cudaGraph_t graph, cudaGraphNode_t *from,
                                   cudaGraphNode_t *to, cudaGraphEdgeData *edgeData,
                                   size_t *numEdges)
{
    if (numEdges == NULL || (from == NULL) != (to == NULL) ||
        (edgeData != NULL && from == NULL))
        return cudaErrorInvalidValue;
    cudaError_t error = cudaSuccess;
    pthread_mutex_lock(&cushim_graph_lock);
    struct cushim_graph *g = cushim_graph_find(graph);
    if (g == NULL) {
        error = cudaErrorInvalidValue;
    } else {
        size_t found = 0;
        for (struct cushim_node *n = g->head; n != NULL; n = n->next) {
            for (size_t i = 0; i < n->ndeps; i++) {
                if (from != NULL && edgeData == NULL && !edge_data_is_default(&n->deps[i].data))
                    error = cudaErrorLossyQuery;
                if (from != NULL && found < *numEdges) {
                    from[found] = (cudaGraphNode_t)n->deps[i].node;
                    to[found] = (cudaGraphNode_t)n;
                    if (edgeData != NULL)
                        edgeData[found] = n->deps[i].data;
                }
                found++;
            }
        }
        if (from != NULL) {
            for (size_t i = found; i < *numEdges; i++) {
                from[i] = to[i] = NULL;
                if (edgeData != NULL)
                    edgeData[i] = (cudaGraphEdgeData){0};
            }
            if (found > *numEdges)
                found = *numEdges;
        }
        if (error == cudaSuccess)
            *numEdges = found;
    }
    pthread_mutex_unlock(&cushim_graph_lock);
    return error;
}

static cudaError_t list_edges(cudaGraphNode_t node, cudaGraphNode_t *out,
                              cudaGraphEdgeData *edgeData, size_t *count, int dependents)
{
    if (count == NULL || (edgeData != NULL && out == NULL))
        return cudaErrorInvalidValue;
    cudaError_t error = cudaSuccess;
    pthread_mutex_lock(&cushim_graph_lock);
    struct cushim_node *n = cushim_node_find(node);
    if (n == NULL) {
        error = cudaErrorInvalidValue;
    } else {
        const struct cushim_edge *edges = dependents ? n->outs : n->deps;
        size_t total = dependents ? n->nouts : n->ndeps;
        if (out == NULL) {
            *count = total;
        } else {
            size_t written = total < *count ? total : *count;
            for (size_t i = 0; i < written; i++) {
                if (edgeData == NULL && !edge_data_is_default(&edges[i].data))
                    error = cudaErrorLossyQuery;
                out[i] = (cudaGraphNode_t)edges[i].node;
                if (edgeData != NULL)
                    edgeData[i] = edges[i].data;
            }
            for (size_t i = written; i < *count; i++) {
                out[i] = NULL;
                if (edgeData != NULL)
                    edgeData[i] = (cudaGraphEdgeData){0};
            }
            if (error == cudaSuccess)
                *count = written;
        }
    }
    pthread_mutex_unlock(&cushim_graph_lock);
    return error;
}

cudaError_t impl_cudaGraphNodeGetDependencies(cudaGraphNode_t node,
                                              cudaGraphNode_t *pDependencies,
                                              cudaGraphEdgeData *edgeData,
                                              size_t *pNumDependencies)
{
    return list_edges(node, pDependencies, edgeData, pNumDependencies, 0);
}

cudaError_t impl_cudaGraphNodeGetDependentNodes(cudaGraphNode_t node,
                                                cudaGraphNode_t *pDependentNodes,
                                                cudaGraphEdgeData *edgeData,
                                                size_t *pNumDependentNodes)
{
    return list_edges(node, pDependentNodes, edgeData, pNumDependentNodes, 1);
}

cudaError_t impl_cudaGraphNodeGetType(cudaGraphNode_t node, enum cudaGraphNodeType *pType)
{
    if (pType == NULL)
        return cudaErrorInvalidValue;
    pthread_mutex_lock(&cushim_graph_lock);
    struct cushim_node *n = cushim_node_find(node);
    if (n != NULL)
        *pType = n->op.kind;
    pthread_mutex_unlock(&cushim_graph_lock);
    return n != NULL ? cudaSuccess : cudaErrorInvalidValue;
}

/* Look up one requested edge: both ends in g, and where it is in `from`'s outputs. */
static struct cushim_edge *find_edge(struct cushim_node *from, struct cushim_node *to)
{
    for (size_t i = 0; i < to->ndeps; i++)
        if (to->deps[i].node == from)
            return &to->deps[i];
    return NULL;
}

static cudaError_t edge_ends(struct cushim_graph *g, cudaGraphNode_t f, cudaGraphNode_t t,
                             struct cushim_node **from, struct cushim_node **to)
{
    *from = cushim_node_find(f);
    *to = cushim_node_find(t);
    if (*from == NULL || *to == NULL || (*from)->graph != g || (*to)->graph != g ||
        *from == *to)
        return cudaErrorInvalidValue;
    return cudaSuccess;
}

cudaError_t impl_cudaGraphAddDependencies(cudaGraph_t graph, const cudaGraphNode_t *from,
                                          const cudaGraphNode_t *to,
                                          const cudaGraphEdgeData *edgeData,
                                          size_t numDependencies)
{
    cudaError_t error = cudaSuccess;
    pthread_mutex_lock(&cushim_graph_lock);
    struct cushim_graph *g = cushim_graph_find(graph);
    if (g == NULL || (numDependencies > 0 && (from == NULL || to == NULL)))
        error = cudaErrorInvalidValue;
    /* Check every edge first, so that a bad one adds none. */
    for (size_t i = 0; error == cudaSuccess && i < numDependencies; i++) {
        struct cushim_node *f, *t;
        cudaGraphEdgeData e = edgeData != NULL ? edgeData[i] : (cudaGraphEdgeData){0};
        error = edge_ends(g, from[i], to[i], &f, &t);
        if (error == cudaSuccess && (find_edge(f, t) != NULL || !valid_edge_data(&e, f)))
            error = cudaErrorInvalidValue;
        for (size_t j = 0; error == cudaSuccess && j < i; j++)
            if (from[j] == from[i] && to[j] == to[i])
                error = cudaErrorInvalidValue;
    }
    for (size_t i = 0; error == cudaSuccess && i < numDependencies; i++) {
        struct cushim_node *f, *t;
        cudaGraphEdgeData e = edgeData != NULL ? edgeData[i] : (cudaGraphEdgeData){0};
        edge_ends(g, from[i], to[i], &f, &t);
        if (push_edge(&t->deps, &t->ndeps, &t->deps_cap, f, e) ||
            push_edge(&f->outs, &f->nouts, &f->outs_cap, t, e))
            error = cudaErrorMemoryAllocation;
    }
    pthread_mutex_unlock(&cushim_graph_lock);
    return error;
}

cudaError_t impl_cudaGraphRemoveDependencies(cudaGraph_t graph, const cudaGraphNode_t *from,
                                             const cudaGraphNode_t *to,
                                             const cudaGraphEdgeData *edgeData,
                                             size_t numDependencies)
{
    cudaError_t error = cudaSuccess;
    pthread_mutex_lock(&cushim_graph_lock);
    struct cushim_graph *g = cushim_graph_find(graph);
    if (g == NULL || (numDependencies > 0 && (from == NULL || to == NULL)))
        error = cudaErrorInvalidValue;
    else if (g->mem_nodes > 0 && numDependencies > 0)
        error = cudaErrorNotSupported; /* NVIDIA: not in graphs with memory nodes */
    for (size_t i = 0; error == cudaSuccess && i < numDependencies; i++) {
        struct cushim_node *f, *t;
        cudaGraphEdgeData e = edgeData != NULL ? edgeData[i] : (cudaGraphEdgeData){0};
        error = edge_ends(g, from[i], to[i], &f, &t);
        struct cushim_edge *edge = error == cudaSuccess ? find_edge(f, t) : NULL;
        if (error == cudaSuccess && (edge == NULL || memcmp(&edge->data, &e, sizeof e) != 0))
            error = cudaErrorInvalidValue;
    }
    for (size_t i = 0; error == cudaSuccess && i < numDependencies; i++) {
        struct cushim_node *f, *t;
        if (edge_ends(g, from[i], to[i], &f, &t) != cudaSuccess)
            continue; /* listed twice: already gone */
        drop_edge(t->deps, &t->ndeps, f);
        drop_edge(f->outs, &f->nouts, t);
    }
    pthread_mutex_unlock(&cushim_graph_lock);
    return error;
}

cudaError_t impl_cudaGraphDestroyNode(cudaGraphNode_t node)
{
    cudaError_t error = cudaSuccess;
    pthread_mutex_lock(&cushim_graph_lock);
    struct cushim_node *n = cushim_node_find(node);
    if (n == NULL || n->graph->capturing)
        error = cudaErrorInvalidValue;
    else if (n->graph->mem_nodes > 0)
        error = cudaErrorNotSupported; /* NVIDIA: not in graphs with memory nodes */
    if (error == cudaSuccess) {
        node_unlink(n);
        node_free(n);
    }
    pthread_mutex_unlock(&cushim_graph_lock);
    return error;
}
