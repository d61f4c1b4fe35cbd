/*
 * compat12_capture.c - CUDA 12's stream-capture queries and updates for libcudart.so.12: the
 * three-argument cudaStreamGetCaptureInfo, its _v2 without edge data, and
 * cudaStreamUpdateCaptureDependencies without edge data.
 *
 * CUDA 13's calls take optional edge data; asking for none gives CUDA 12's behaviour exactly
 * (cudaErrorLossyQuery when a dependency carries edge data the caller cannot receive; default
 * edges when updating).
 */
#include "api.h"
#include "api12.h"

cudaError_t compat12_cudaStreamGetCaptureInfo(cudaStream_t stream,
                                              enum cudaStreamCaptureStatus *captureStatus_out,
                                              unsigned long long *id_out)
{
    return cushim_impl_table.cudaStreamGetCaptureInfo(stream, captureStatus_out, id_out, NULL,
                                                      NULL, NULL, NULL);
}

cudaError_t compat12_cudaStreamGetCaptureInfo_v2(cudaStream_t stream,
                                                 enum cudaStreamCaptureStatus *captureStatus_out,
                                                 unsigned long long *id_out,
                                                 cudaGraph_t *graph_out,
                                                 const cudaGraphNode_t **dependencies_out,
                                                 size_t *numDependencies_out)
{
    return cushim_impl_table.cudaStreamGetCaptureInfo(stream, captureStatus_out, id_out,
                                                      graph_out, dependencies_out, NULL,
                                                      numDependencies_out);
}

cudaError_t compat12_cudaStreamUpdateCaptureDependencies(cudaStream_t stream,
                                                         cudaGraphNode_t *dependencies,
                                                         size_t numDependencies,
                                                         unsigned int flags)
{
    return cushim_impl_table.cudaStreamUpdateCaptureDependencies(stream, dependencies, NULL,
                                                                 numDependencies, flags);
}
