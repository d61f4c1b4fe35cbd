// A GPU context dies whole: when a kernel faults, kernels still running on other streams stop
// too, so waiting for them returns the sticky error at once instead of hanging (here one waits
// for a flag only a kernel queued behind the fault would set).  cudaDeviceReset stops a kernel
// that would never end, and the device works afterwards.  fault_stops_device.env sets a 60 s
// watchdog; each wait must end within seconds.
#include <chrono>

#include "common.h"

__global__ void wait_for_flag(volatile int *flag)
{
    while (*flag == 0)
        ;
}

__global__ void set_flag(int *flag)
{
    *flag = 1;
}

__global__ void store_far(int *p)
{
    p[1 << 28] = 1; // far past the allocation
}

__global__ void fill(int *p, int v)
{
    p[threadIdx.x] = v;
}

static double seconds_since(std::chrono::steady_clock::time_point t)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

int main()
{
    int *flag, *small;
    CHECK(cudaMalloc(&flag, sizeof(int)));
    CHECK(cudaMalloc(&small, 64 * sizeof(int)));
    CHECK(cudaMemset(flag, 0, sizeof(int)));
    CHECK(cudaDeviceSynchronize());
    cudaStream_t s1, s2;
    CHECK(cudaStreamCreateWithFlags(&s1, cudaStreamNonBlocking));
    CHECK(cudaStreamCreateWithFlags(&s2, cudaStreamNonBlocking));
    wait_for_flag<<<1, 32, 0, s1>>>(flag);
    store_far<<<1, 1, 0, s2>>>(small);
    set_flag<<<1, 1, 0, s2>>>(flag); // never runs: the device is poisoned first
    auto t = std::chrono::steady_clock::now();
    EXPECT_ERR(cudaStreamSynchronize(s2), cudaErrorIllegalAddress);
    EXPECT_ERR(cudaStreamSynchronize(s1), cudaErrorIllegalAddress);
    EXPECT(seconds_since(t) < 10);

    CHECK(cudaDeviceReset());
    CHECK(cudaMalloc(&flag, sizeof(int)));
    CHECK(cudaMemset(flag, 0, sizeof(int)));
    CHECK(cudaDeviceSynchronize());
    wait_for_flag<<<1, 32>>>(flag); // nothing will ever set it
    t = std::chrono::steady_clock::now();
    CHECK(cudaDeviceReset());
    EXPECT(seconds_since(t) < 10);

    int *d, h[32];
    CHECK(cudaMalloc(&d, sizeof h));
    fill<<<1, 32>>>(d, 7);
    CHECK(cudaMemcpy(h, d, sizeof h, cudaMemcpyDeviceToHost));
    int bad = 0;
    for (int i = 0; i < 32; i++)
        bad += h[i] != 7;
    EXPECT_EQ_LL(bad, 0);
    return finish("fault_stops_device");
}
