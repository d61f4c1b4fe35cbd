// cudaMemcpyAsync from pageable host memory to the device returns at once, without waiting for
// the stream's earlier work ("copied to a staging buffer immediately (no device synchronization
// is performed)"): a kernel queued before it may be waiting for the host to act after the call
// returns, and the source buffer may be reused at once.  The copy still lands in stream order.
#include <atomic>
#include <cstdlib>

#include "common.h"

__global__ void wait_for_host(volatile int *flag, int *seen, const int *d)
{
    while (*flag == 0)
        ;
    *seen = *d; // before the copy queued behind this kernel
}

int main()
{
    int *flag_h, *flag_d, *d, *seen;
    CHECK(cudaHostAlloc(&flag_h, sizeof(int), cudaHostAllocMapped));
    CHECK(cudaHostGetDevicePointer(&flag_d, flag_h, 0));
    *flag_h = 0;
    CHECK(cudaMalloc(&d, sizeof(int)));
    CHECK(cudaMalloc(&seen, sizeof(int)));
    CHECK(cudaMemset(d, 0, sizeof(int)));
    cudaStream_t s;
    CHECK(cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking));
    wait_for_host<<<1, 1, 0, s>>>(flag_d, seen, d);
    int *pageable = (int *)malloc(sizeof(int));
    *pageable = 42;
    CHECK(cudaMemcpyAsync(d, pageable, sizeof(int), cudaMemcpyHostToDevice, s));
    *pageable = -1; // reused at once: the copy must carry 42
    free(pageable);
    *(volatile int *)flag_h = 1; // only now may the kernel finish
    CHECK(cudaStreamSynchronize(s));
    int got = 0, before = -7;
    CHECK(cudaMemcpy(&got, d, sizeof got, cudaMemcpyDeviceToHost));
    CHECK(cudaMemcpy(&before, seen, sizeof before, cudaMemcpyDeviceToHost));
    EXPECT_EQ_LL(got, 42);
    EXPECT_EQ_LL(before, 0); // the kernel ran before the copy, in stream order
    return finish("pageable_copy_async");
}
