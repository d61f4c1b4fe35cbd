// nvcc-flags: --default-stream per-thread
// The per-thread default stream (issue 4): built with --default-stream per-thread, stream 0
// in each host thread is that thread's own stream (the _ptsz/_ptds entry points), so a slow
// operation in one thread's default stream does not hold up another thread's.
#include <atomic>
#include <chrono>
#include <thread>
#include "common.h"

static void CUDART_CB slow(void *p)
{
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    ((std::atomic<int> *)p)->store(1);
}

int main()
{
    // Allocated up front: cudaFree synchronises the whole device, so it comes last.
    int *d;
    CHECK(cudaMalloc(&d, sizeof(int)));
    std::atomic<int> slow_done{0};
    CHECK(cudaLaunchHostFunc(0, slow, &slow_done)); // this thread's default stream

    int seen = -1;
    cudaError_t other_result = cudaErrorUnknown;
    std::thread other([&] {
        // Another thread's default stream is a different stream: its copies finish at once.
        int h = 42, back = 0;
        other_result = cudaMemcpy(d, &h, sizeof h, cudaMemcpyHostToDevice);
        if (other_result == cudaSuccess)
            other_result = cudaMemcpy(&back, d, sizeof h, cudaMemcpyDeviceToHost);
        if (other_result == cudaSuccess)
            other_result = cudaStreamSynchronize(0);
        seen = slow_done.load();
        if (back != 42)
            other_result = cudaErrorUnknown;
    });
    other.join();
    CHECK(other_result);
    EXPECT_EQ_LL(seen, 0);
    EXPECT_ERR(cudaStreamQuery(cudaStreamPerThread), cudaErrorNotReady);
    CHECK(cudaStreamSynchronize(0));
    EXPECT_EQ_LL(slow_done.load(), 1);
    CHECK(cudaStreamQuery(cudaStreamPerThread));
    CHECK(cudaFree(d));
    return finish("per_thread_stream");
}
