/*
 * compat12_graph.c - CUDA 12's graph calls for libcudart.so.12: the edge calls without edge
 * data, and node parameters whose child-graph member has no ownership field.
 *
 * CUDA 13's edge calls take optional edge data; passing none gives CUDA 12's behaviour exactly
 * (default edges when adding, cudaErrorLossyQuery when reading an edge that carries data).
 * CUDA 12's cudaChildGraphNodeParams ends after the graph handle, where CUDA 13 reads the
 * ownership: a CUDA 12 caller's bytes there are not an ownership, so it becomes CUDA 12's only
 * behaviour, cloning the child graph.
 */
#include <string.h>

#include "api.h"
#include "api12.h"

cudaError_t compat12_cudaGraphAddDependencies(cudaGraph_t graph, const cudaGraphNode_t *from,
                                              const cudaGraphNode_t *to, size_t numDependencies)
{
    return cushim_impl_table.cudaGraphAddDependencies(graph, from, to, NULL, numDependencies);
}

cudaError_t compat12_cudaGraphRemoveDependencies(cudaGraph_t graph, const cudaGraphNode_t *from,
                                                 const cudaGraphNode_t *to, size_t numDependencies)
{
    return cushim_impl_table.cudaGraphRemoveDependencies(graph, from, to, NULL, numDependencies);
}

cudaError_t compat12_cudaGraphGetEdges(cudaGraph_t graph, cudaGraphNode_t *from,
                                       cudaGraphNode_t *to, size_t *numEdges)
{
    return cushim_impl_table.cudaGraphGetEdges(graph, from, to, NULL, numEdges);
}

cudaError_t compat12_cudaGraphNodeGetDependencies(cudaGraphNode_t node,
                                                  cudaGraphNode_t *pDependencies,
                                                  size_t *pNumDependencies)
{
    return cushim_impl_table.cudaGraphNodeGetDependencies(node, pDependencies, NULL,
                                                          pNumDependencies);
}

cudaError_t compat12_cudaGraphNodeGetDependentNodes(cudaGraphNode_t node,
                                                    cudaGraphNode_t *pDependentNodes,
                                                    size_t *pNumDependentNodes)
{
    return cushim_impl_table.cudaGraphNodeGetDependentNodes(node, pDependentNodes, NULL,
                                                            pNumDependentNodes);
}

/* The caller's parameters as CUDA 13 reads them: a copy, with a child graph's ownership set. */
static struct cudaGraphNodeParams as_cuda13(const struct cudaGraphNodeParams *params)
{
    struct cudaGraphNodeParams copy = *params;
    if (copy.type == cudaGraphNodeTypeGraph)
        copy.graph.ownership = cudaGraphChildGraphOwnershipClone;
    return copy;
}

/* Hands back what CUDA 13 wrote (a memory-allocation node's address), never the ownership. */
static void give_back(struct cudaGraphNodeParams *params, const struct cudaGraphNodeParams *copy)
{
    if (copy->type == cudaGraphNodeTypeGraph)
        memcpy(params, copy, offsetof(struct cudaGraphNodeParams, graph) +
                                 CUSHIM_CUDA12_SIZEOF_cudaChildGraphNodeParams);
    else
        *params = *copy;
}

cudaError_t compat12_cudaGraphAddNode_v2(cudaGraphNode_t *pGraphNode, cudaGraph_t graph,
                                         const cudaGraphNode_t *pDependencies,
                                         const cudaGraphEdgeData *dependencyData,
                                         size_t numDependencies,
                                         struct cudaGraphNodeParams *nodeParams)
{
    if (nodeParams == NULL)
        return cushim_impl_table.cudaGraphAddNode(pGraphNode, graph, pDependencies,
                                                  dependencyData, numDependencies, NULL);
    struct cudaGraphNodeParams copy = as_cuda13(nodeParams);
    cudaError_t error = cushim_impl_table.cudaGraphAddNode(pGraphNode, graph, pDependencies,
                                                           dependencyData, numDependencies, &copy);
    give_back(nodeParams, &copy);
    return error;
}

cudaError_t compat12_cudaGraphAddNode(cudaGraphNode_t *pGraphNode, cudaGraph_t graph,
                                      const cudaGraphNode_t *pDependencies,
                                      size_t numDependencies,
                                      struct cudaGraphNodeParams *nodeParams)
{
    return compat12_cudaGraphAddNode_v2(pGraphNode, graph, pDependencies, NULL, numDependencies,
                                        nodeParams);
}

cudaError_t compat12_cudaGraphNodeSetParams(cudaGraphNode_t node,
                                            struct cudaGraphNodeParams *nodeParams)
{
    if (nodeParams == NULL)
        return cushim_impl_table.cudaGraphNodeSetParams(node, NULL);
    struct cudaGraphNodeParams copy = as_cuda13(nodeParams);
    cudaError_t error = cushim_impl_table.cudaGraphNodeSetParams(node, &copy);
    give_back(nodeParams, &copy);
    return error;
}

cudaError_t compat12_cudaGraphExecNodeSetParams(cudaGraphExec_t graphExec, cudaGraphNode_t node,
                                                struct cudaGraphNodeParams *nodeParams)
{
    if (nodeParams == NULL)
        return cushim_impl_table.cudaGraphExecNodeSetParams(graphExec, node, NULL);
    struct cudaGraphNodeParams copy = as_cuda13(nodeParams);
    cudaError_t error = cushim_impl_table.cudaGraphExecNodeSetParams(graphExec, node, &copy);
    give_back(nodeParams, &copy);
    return error;
}
