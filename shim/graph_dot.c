/*
 * graph_dot.c - cudaGraphDebugDotPrint: a graph as a Graphviz DOT file.  Each graph (child
 * graphs and conditional bodies nested inside their node's graph) is a cluster; each node a
 * box labelled with its position, its type and what NVIDIA's default output shows (kernel
 * names, copy directions), plus the details the flags ask for; each dependency an arrow.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "api.h"
#include "graph.h"
#include "registration.h"

static const char *type_name(enum cudaGraphNodeType kind)
{
    switch (kind) {
    case cudaGraphNodeTypeKernel:
        return "KERNEL";
    case cudaGraphNodeTypeMemcpy:
        return "MEMCPY";
    case cudaGraphNodeTypeMemset:
        return "MEMSET";
    case cudaGraphNodeTypeHost:
        return "HOST";
    case cudaGraphNodeTypeGraph:
        return "CHILD_GRAPH";
    case cudaGraphNodeTypeEmpty:
        return "EMPTY";
    case cudaGraphNodeTypeWaitEvent:
        return "WAIT_EVENT";
    case cudaGraphNodeTypeEventRecord:
        return "EVENT_RECORD";
    case cudaGraphNodeTypeMemAlloc:
        return "MEM_ALLOC";
    case cudaGraphNodeTypeMemFree:
        return "MEM_FREE";
    case cudaGraphNodeTypeConditional:
        return "CONDITIONAL";
    default:
        return "UNKNOWN";
    }
}

static const char *direction(enum cudaMemcpyKind kind)
{
    switch (kind) {
    case cudaMemcpyHostToHost:
        return "HtoH";
    case cudaMemcpyHostToDevice:
        return "HtoD";
    case cudaMemcpyDeviceToHost:
        return "DtoH";
    case cudaMemcpyDeviceToDevice:
        return "DtoD";
    default:
        return "Default";
    }
}

static const char *conditional_name(enum cudaGraphConditionalNodeType type)
{
    return type == cudaGraphCondTypeIf ? "IF" : type == cudaGraphCondTypeWhile ? "WHILE"
                                                                                : "SWITCH";
}

static void label(FILE *f, const struct cushim_node *n, size_t index, unsigned flags)
{
    const struct cushim_op *op = &n->op;
    int verbose = (flags & cudaGraphDebugDotFlagsVerbose) != 0;
    fprintf(f, "%zu\\n%s", index, type_name(op->kind));
    switch (op->kind) {
    case cudaGraphNodeTypeKernel:
        fprintf(f, "\\n%s", cushim_function_name(op->kernel.fn));
        if (verbose || (flags & cudaGraphDebugDotFlagsKernelNodeParams))
            fprintf(f, "\\ngrid (%u,%u,%u) block (%u,%u,%u)\\nshared %zu bytes",
                    op->kernel.grid.x, op->kernel.grid.y, op->kernel.grid.z, op->kernel.block.x,
                    op->kernel.block.y, op->kernel.block.z, op->kernel.shared_mem);
        if (verbose || (flags & cudaGraphDebugDotFlagsKernelNodeAttributes))
            fprintf(f, "\\ncooperative %d", op->kernel.cooperative);
        break;
    case cudaGraphNodeTypeMemcpy:
        fprintf(f, "\\n%s", direction(op->copy.copy.kind));
        if (verbose || (flags & cudaGraphDebugDotFlagsMemcpyNodeParams))
            fprintf(f, "\\ndst %p src %p\\n%zu x %zu x %zu bytes", op->copy.copy.dst,
                    op->copy.copy.src, op->copy.copy.width_bytes, op->copy.copy.height,
                    op->copy.copy.depth);
        break;
    case cudaGraphNodeTypeMemset:
        if (verbose || (flags & cudaGraphDebugDotFlagsMemsetNodeParams))
            fprintf(f, "\\ndst %p value 0x%x\\n%zu x %zu elements of %u bytes",
                    op->fill.params.dst, op->fill.params.value, op->fill.params.width,
                    op->fill.params.height, op->fill.params.elementSize);
        break;
    case cudaGraphNodeTypeHost:
        if (verbose || (flags & cudaGraphDebugDotFlagsHostNodeParams))
            fprintf(f, "\\nfn %p data %p", (void *)(uintptr_t)op->host.fn, op->host.data);
        break;
    case cudaGraphNodeTypeWaitEvent:
    case cudaGraphNodeTypeEventRecord:
        if (verbose || (flags & cudaGraphDebugDotFlagsEventNodeParams))
            fprintf(f, "\\nevent %p", (void *)op->event.event);
        break;
    case cudaGraphNodeTypeMemAlloc:
        fprintf(f, "\\n%zu bytes at %p", op->alloc.params.bytesize, op->alloc.params.dptr);
        break;
    case cudaGraphNodeTypeMemFree:
        fprintf(f, "\\n%p", op->free.dptr);
        break;
    case cudaGraphNodeTypeConditional:
        fprintf(f, "\\n%s", conditional_name(op->cond.type));
        if (verbose || (flags & cudaGraphDebugDotFlagsConditionalNodeParams))
            fprintf(f, "\\nhandle 0x%llx, %u bodies", op->cond.handle, op->cond.size);
        break;
    default:
        break;
    }
    if (flags & cudaGraphDebugDotFlagsHandles)
        fprintf(f, "\\nnode %p", (void *)n);
}

struct node_pos {
    const struct cushim_node *node;
    size_t index;
};

static int by_node(const void *a, const void *b)
{
    uintptr_t x = (uintptr_t)((const struct node_pos *)a)->node, y = (uintptr_t)((const struct node_pos *)b)->node;
    return (x > y) - (x < y);
}

static void print_graph(FILE *f, const struct cushim_graph *g, const char *name, unsigned flags,
                        int *clusters)
{
    fprintf(f, "subgraph cluster_%d {\nlabel=\"%s\";\nstyle=\"dashed\";\n", (*clusters)++, name);
    size_t index = 0;
    for (const struct cushim_node *n = g->head; n != NULL; n = n->next, index++) {
        fprintf(f, "\"%s_%zu\" [shape=\"rectangle\" label=\"", name, index);
        label(f, n, index, flags);
        fprintf(f, "\"];\n");
    }
    index = 0;
    for (const struct cushim_node *n = g->head; n != NULL; n = n->next, index++) {
        char child[256];
        if (n->op.kind == cudaGraphNodeTypeGraph) {
            snprintf(child, sizeof child, "%s_%zu_child", name, index);
            print_graph(f, n->op.child.graph, child, flags, clusters);
        }
        for (unsigned b = 0; n->op.kind == cudaGraphNodeTypeConditional && b < n->op.cond.size;
             b++) {
            snprintf(child, sizeof child, "%s_%zu_body%u", name, index, b);
            print_graph(f, n->op.cond.bodies[b], child, flags, clusters);
        }
    }
    /* Edges by position: a node's index is its place in creation order, looked up in a
     * table sorted by node (walking the list for every edge made big graphs quadratic). */
    struct node_pos *pos = index ? malloc(index * sizeof *pos) : NULL;
    size_t count = index;
    index = 0;
    for (const struct cushim_node *n = g->head; pos != NULL && n != NULL; n = n->next, index++)
        pos[index] = (struct node_pos){n, index};
    if (pos != NULL)
        qsort(pos, count, sizeof *pos, by_node);
    index = 0;
    for (const struct cushim_node *n = g->head; n != NULL; n = n->next, index++) {
        for (size_t i = 0; i < n->ndeps; i++) {
            struct node_pos key = {n->deps[i].node, 0};
            const struct node_pos *hit = pos ? bsearch(&key, pos, count, sizeof *pos, by_node) : NULL;
            size_t from = 0;
            if (hit != NULL)
                from = hit->index;
            else /* no memory for the table */
                for (const struct cushim_node *m = g->head; m != n->deps[i].node; m = m->next)
                    from++;
            fprintf(f, "\"%s_%zu\" -> \"%s_%zu\";\n", name, from, name, index);
        }
    }
    free(pos);
    fprintf(f, "}\n");
}

cudaError_t impl_cudaGraphDebugDotPrint(cudaGraph_t graph, const char *path, unsigned int flags)
{
    if (path == NULL)
        return cudaErrorInvalidValue;
    cudaError_t error = cudaSuccess;
    pthread_mutex_lock(&cushim_graph_lock);
    struct cushim_graph *g = cushim_graph_find(graph);
    FILE *f = NULL;
    if (g == NULL)
        error = cudaErrorInvalidValue;
    else if ((f = fopen(path, "w")) == NULL)
        error = cudaErrorOperatingSystem;
    if (error == cudaSuccess) {
        int clusters = 0;
        fprintf(f, "digraph dot {\ncompound=true;\n");
        print_graph(f, g, "graph", flags, &clusters);
        fprintf(f, "}\n");
        if (fclose(f) != 0)
            error = cudaErrorOperatingSystem;
    }
    pthread_mutex_unlock(&cushim_graph_lock);
    return error;
}
