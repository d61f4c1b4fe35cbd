// graph_threads.cu - captures, graph launches and pool allocations from many host threads at
// once: each thread captures its own graph (thread-local mode, so the others' allocations are
// allowed), launches it repeatedly on its own stream while allocating and freeing from the
// shared default pool, and checks its results.  Nothing may be lost or mixed up.
#include <thread>
#include <vector>

#include "common.h"

__global__ void step(int *p, int n, int k)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n)
        p[i] = p[i] * 2 + k;
}

static const int THREADS = 8, LAUNCHES = 20, N = 256;

static int worker(int id)
{
    cudaStream_t s;
    if (cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking) != cudaSuccess)
        return 1;
    int *d, *scratch;
    if (cudaMalloc(&d, N * sizeof(int)) != cudaSuccess)
        return 2;
    if (cudaStreamBeginCapture(s, cudaStreamCaptureModeThreadLocal) != cudaSuccess)
        return 3;
    // A pool allocation inside the graph, used and freed there.
    if (cudaMallocAsync(&scratch, N * sizeof(int), s) != cudaSuccess)
        return 4;
    cudaMemsetAsync(scratch, 0, N * sizeof(int), s);
    step<<<1, N, 0, s>>>(scratch, N, id);
    step<<<1, N, 0, s>>>(d, N, 1);
    cudaMemcpyAsync(d, scratch, sizeof(int), cudaMemcpyDeviceToDevice, s);
    cudaFreeAsync(scratch, s);
    cudaGraph_t g;
    if (cudaStreamEndCapture(s, &g) != cudaSuccess)
        return 5;
    cudaGraphExec_t exec;
    if (cudaGraphInstantiate(&exec, g, 0) != cudaSuccess)
        return 6;
    if (cudaMemsetAsync(d, 0, N * sizeof(int), s) != cudaSuccess)
        return 7;
    int expect_last = 0;
    for (int i = 0; i < LAUNCHES; i++) {
        if (cudaGraphLaunch(exec, s) != cudaSuccess)
            return 8;
        expect_last = expect_last * 2 + 1;
        // Stream-ordered allocations beside the graph, from the shared pool.
        void *p;
        if (cudaMallocAsync(&p, 1024 + 64 * id, s) != cudaSuccess ||
            cudaFreeAsync(p, s) != cudaSuccess)
            return 9;
    }
    int h[N];
    if (cudaMemcpyAsync(h, d, sizeof h, cudaMemcpyDeviceToHost, s) != cudaSuccess ||
        cudaStreamSynchronize(s) != cudaSuccess)
        return 10;
    int bad = h[0] != id || h[N - 1] != expect_last;
    cudaGraphExecDestroy(exec);
    cudaGraphDestroy(g);
    cudaFree(d);
    cudaStreamDestroy(s);
    return bad ? 11 : 0;
}

int main()
{
    CHECK(cudaFree(0));
    std::vector<std::thread> threads;
    int results[THREADS];
    for (int t = 0; t < THREADS; t++)
        threads.emplace_back([t, &results] { results[t] = worker(t); });
    for (auto &t : threads)
        t.join();
    for (int t = 0; t < THREADS; t++)
        EXPECT_EQ_LL(results[t], 0);
    cudaMemPool_t pool;
    CHECK(cudaDeviceGetDefaultMemPool(&pool, 0));
    uint64_t used = 1;
    CHECK(cudaMemPoolGetAttribute(pool, cudaMemPoolAttrUsedMemCurrent, &used));
    EXPECT_EQ_LL(used, 0);
    return finish("graph_threads");
}
