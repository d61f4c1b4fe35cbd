// graph_reset.cu - cudaDeviceReset with graphs, captures and pools alive: nothing the reset
// destroyed is used afterwards.  The executable graph keeps working once its parameters name
// live memory again (its kernels are loaded anew); a capture in progress is gone with its
// stream; the device's pools are new ones.
#include "common.h"

__global__ void set_to(int *p, int n, int v)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n)
        p[i] = v;
}

int main()
{
    const int n = 32;
    int *d;
    CHECK(cudaMalloc(&d, n * sizeof(int)));
    cudaGraph_t g;
    CHECK(cudaGraphCreate(&g, 0));
    int nn = n, v = 4;
    void *args[] = {&d, &nn, &v};
    struct cudaKernelNodeParams kp = {};
    kp.func = (void *)set_to;
    kp.gridDim = dim3(1);
    kp.blockDim = dim3(n);
    kp.kernelParams = args;
    cudaGraphNode_t k;
    CHECK(cudaGraphAddKernelNode(&k, g, NULL, 0, &kp));
    cudaGraphExec_t exec;
    CHECK(cudaGraphInstantiate(&exec, g, 0));
    CHECK(cudaGraphLaunch(exec, 0));
    int h[n];
    CHECK(cudaMemcpy(h, d, sizeof h, cudaMemcpyDeviceToHost));
    EXPECT_EQ_LL(h[n - 1], 4);

    cudaMemPool_t old_pool;
    CHECK(cudaDeviceGetDefaultMemPool(&old_pool, 0));
    void *pooled;
    CHECK(cudaMallocAsync(&pooled, 4096, 0));
    cudaStream_t s;
    CHECK(cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking));
    CHECK(cudaStreamBeginCapture(s, cudaStreamCaptureModeRelaxed));
    set_to<<<1, n, 0, s>>>(d, n, 1);

    CHECK(cudaDeviceReset());

    enum cudaStreamCaptureStatus status;
    EXPECT_ERR(cudaStreamIsCapturing(s, &status), cudaErrorInvalidResourceHandle);
    uint64_t used;
    EXPECT_ERR(cudaMemPoolGetAttribute(old_pool, cudaMemPoolAttrUsedMemCurrent, &used),
               cudaErrorInvalidValue);
    cudaMemPool_t pool;
    CHECK(cudaDeviceGetDefaultMemPool(&pool, 0));
    CHECK(cudaMemPoolGetAttribute(pool, cudaMemPoolAttrUsedMemCurrent, &used));
    EXPECT_EQ_LL(used, 0);
    // A stream made now can capture (nothing of the old capture is left).
    CHECK(cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking));
    CHECK(cudaStreamBeginCapture(s, cudaStreamCaptureModeGlobal));
    cudaGraph_t empty;
    CHECK(cudaStreamEndCapture(s, &empty));
    CHECK(cudaGraphDestroy(empty));

    CHECK(cudaMalloc(&d, n * sizeof(int)));
    v = 9;
    CHECK(cudaGraphExecKernelNodeSetParams(exec, k, &kp));
    CHECK(cudaGraphLaunch(exec, s));
    CHECK(cudaStreamSynchronize(s));
    CHECK(cudaMemcpy(h, d, sizeof h, cudaMemcpyDeviceToHost));
    EXPECT_EQ_LL(h[0], 9);
    CHECK(cudaGraphExecDestroy(exec));
    CHECK(cudaGraphDestroy(g));
    CHECK(cudaStreamDestroy(s));
    CHECK(cudaFree(d));
    return finish("graph_reset");
}
