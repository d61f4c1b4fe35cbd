// After a kernel fault (sticky cudaErrorIllegalAddress), work already queued behind it on the
// stream: a cudaStreamAddCallback callback still runs and is handed the error ("in the event of
// a device error, all subsequently executed callbacks will receive an appropriate cudaError_t"),
// while a cudaLaunchHostFunc function is not called at all ("in contrast to cuStreamAddCallback,
// the function will not be called in the event of an error in the CUDA context").  Before the
// fault, both run, the callback with cudaSuccess.
#include <atomic>

#include "common.h"

__global__ void write_far_away(int *p)
{
    p[-(1 << 28)] = 1;
}

static std::atomic<int> statuses[4];
static std::atomic<int> host_fn_calls[4];

static void CUDART_CB record_status(cudaStream_t, cudaError_t status, void *slot)
{
    statuses[(size_t)slot] = (int)status + 1; // 0: never called
}

static void CUDART_CB count_host_fn(void *slot)
{
    host_fn_calls[(size_t)slot]++;
}

// Holds the stream until everything is queued, so the fault cannot happen (and make the
// queuing calls themselves fail) before the callback and the host function are in.
static std::atomic<int> release;
static void CUDART_CB hold_stream(void *)
{
    while (!release)
        ;
}

int main()
{
    int *d;
    CHECK(cudaMalloc(&d, 1024));
    cudaStream_t s;
    CHECK(cudaStreamCreate(&s));

    CHECK(cudaStreamAddCallback(s, record_status, (void *)0, 0));
    CHECK(cudaLaunchHostFunc(s, count_host_fn, (void *)0));
    CHECK(cudaStreamSynchronize(s));
    EXPECT_EQ_LL(statuses[0], (int)cudaSuccess + 1);
    EXPECT_EQ_LL(host_fn_calls[0], 1);

    CHECK(cudaLaunchHostFunc(s, hold_stream, NULL));
    write_far_away<<<1, 1, 0, s>>>(d);
    CHECK(cudaGetLastError());
    CHECK(cudaStreamAddCallback(s, record_status, (void *)1, 0));
    CHECK(cudaLaunchHostFunc(s, count_host_fn, (void *)1));
    release = 1;
    EXPECT_ERR(cudaStreamSynchronize(s), cudaErrorIllegalAddress);
    EXPECT_EQ_LL(statuses[1], (int)cudaErrorIllegalAddress + 1);
    EXPECT_EQ_LL(host_fn_calls[1], 0);
    return finish("callbacks_after_fault");
}
