// nvcc-variants: sm_90
// Programmatic dependent launch under stream capture: a kernel launched with
// cudaLaunchAttributeProgrammaticStreamSerialization after another kernel becomes a node whose
// edge from that kernel node is programmatic (type cudaGraphDependencyTypeProgrammatic, from
// port cudaGraphKernelNodePortProgrammatic), as the Programming Guide's PDL section says of
// capture; edges from other nodes stay default; the graph computes what the stream did.
#include "common.h"

__global__ void produce(int *d, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n)
        d[i] = 3 * i;
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 900
    cudaTriggerProgrammaticLaunchCompletion();
#endif
}

__global__ void consume(int *d, int n)
{
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 900
    cudaGridDependencySynchronize();
#endif
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n)
        d[i] += 1;
}

int main()
{
    const int n = 512;
    int *d, h[n];
    CHECK(cudaMalloc(&d, sizeof h));
    cudaStream_t s;
    CHECK(cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking));
    cudaGraph_t graph;
    CHECK(cudaStreamBeginCapture(s, cudaStreamCaptureModeGlobal));
    CHECK(cudaMemsetAsync(d, 0, sizeof h, s));
    produce<<<n / 128, 128, 0, s>>>(d, n);
    cudaLaunchAttribute attr = {};
    attr.id = cudaLaunchAttributeProgrammaticStreamSerialization;
    attr.val.programmaticStreamSerializationAllowed = 1;
    cudaLaunchConfig_t cfg = {};
    cfg.gridDim = dim3(n / 128);
    cfg.blockDim = dim3(128);
    cfg.stream = s;
    cfg.attrs = &attr;
    cfg.numAttrs = 1;
    CHECK(cudaLaunchKernelEx(&cfg, consume, d, n));
    CHECK(cudaStreamEndCapture(s, &graph));

    size_t count = 0;
    CHECK(cudaGraphGetEdges(graph, NULL, NULL, NULL, &count));
    EXPECT_EQ_LL(count, 2);
    cudaGraphNode_t from[2], to[2];
    cudaGraphEdgeData data[2];
    CHECK(cudaGraphGetEdges(graph, from, to, data, &count));
    int programmatic = 0, plain = 0;
    for (size_t e = 0; e < count; e++) {
        cudaGraphNodeType ft;
        CHECK(cudaGraphNodeGetType(from[e], &ft));
        if (ft == cudaGraphNodeTypeKernel) {
            programmatic += data[e].type == cudaGraphDependencyTypeProgrammatic &&
                            data[e].from_port == cudaGraphKernelNodePortProgrammatic;
        } else {
            plain += data[e].type == cudaGraphDependencyTypeDefault && data[e].from_port == 0;
        }
    }
    EXPECT_EQ_LL(programmatic, 1); // produce -> consume
    EXPECT_EQ_LL(plain, 1);        // memset -> produce

    cudaGraphExec_t exec;
    CHECK(cudaGraphInstantiate(&exec, graph, 0));
    CHECK(cudaGraphLaunch(exec, s));
    CHECK(cudaStreamSynchronize(s));
    CHECK(cudaMemcpy(h, d, sizeof h, cudaMemcpyDeviceToHost));
    int bad = 0;
    for (int i = 0; i < n; i++)
        bad += h[i] != 3 * i + 1;
    EXPECT_EQ_LL(bad, 0);
    return finish("capture_pdl");
}
