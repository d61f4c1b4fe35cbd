// nvcc-flags: -arch=sm_80
// Lanes of one warp wait for a lane of the same warp that took another branch, with the waits
// sm_80 code uses: cuda::barrier (an mbarrier.test_wait loop that backs off with nanosleep),
// a hand-written mbarrier.test_wait loop with __nanosleep, and a block-scope cuda::pipeline
// whose producer and consumer roles split a warp.  On Volta and later the late lane still runs;
// kernels_barrier_diverge.env turns a hang into a timeout.  Expected values are computed on
// the host.
#include <cuda/barrier>
#include <cuda/pipeline>
#include <cooperative_groups.h>

#include "common.h"

namespace cg = cooperative_groups;

#pragma nv_diag_suppress static_var_with_dynamic_init

// thread 0 works alone before it arrives; everyone then reads what it wrote
__global__ void late_arriver(int n, int *out)
{
    __shared__ cuda::barrier<cuda::thread_scope_block> bar;
    __shared__ int value;
    if (threadIdx.x == 0)
        init(&bar, blockDim.x);
    __syncthreads();
    if (threadIdx.x == 0) {
        int v = 0;
        for (int i = 0; i < n; i++)
            v += (i % 7) - 3;
        value = v;
    }
    bar.arrive_and_wait();
    out[threadIdx.x] = value;
}

__device__ unsigned shared_addr(void *p)
{
    return (unsigned)__cvta_generic_to_shared(p);
}

__global__ void mbarrier_sleepers(int *released)
{
    __shared__ unsigned long long bar;
    if (threadIdx.x == 0)
        asm volatile("mbarrier.init.shared.b64 [%0], %1;" ::"r"(shared_addr(&bar)), "r"(32) : "memory");
    __syncwarp();
    if (threadIdx.x != 0) {
        unsigned long long token;
        asm volatile("mbarrier.arrive.shared.b64 %0, [%1];" : "=l"(token) : "r"(shared_addr(&bar)) : "memory");
        for (;;) {
            unsigned done;
            asm volatile("{.reg .pred p; mbarrier.test_wait.shared.b64 p, [%1], %2; selp.b32 %0, 1, 0, p;}"
                         : "=r"(done)
                         : "r"(shared_addr(&bar)), "l"(token)
                         : "memory");
            if (done)
                break;
            __nanosleep(100);
        }
        atomicAdd(released, 1);
    } else {
        for (volatile int i = 0; i < 1000; i++)
            ;
        asm volatile("mbarrier.arrive.shared.b64 _, [%0];" ::"r"(shared_addr(&bar)) : "memory");
    }
}

// threads below `producers` copy tiles into a 2-stage pipeline; the rest sum them
__global__ void split_roles(const int *in, int tiles, int producers, long long *sum)
{
    constexpr int stages = 2, tile = 64;
    __shared__ int buf[stages][tile];
    __shared__ cuda::pipeline_shared_state<cuda::thread_scope_block, stages> state;
    auto block = cg::this_thread_block();
    bool producer = (int)block.thread_rank() < producers;
    auto pipe = cuda::make_pipeline(block, &state, producer ? cuda::pipeline_role::producer
                                                            : cuda::pipeline_role::consumer);
    long long acc = 0;
    for (int t = 0; t < tiles; t++) {
        int s = t % stages;
        if (producer) {
            pipe.producer_acquire();
            for (int i = block.thread_rank(); i < tile; i += producers)
                cuda::memcpy_async(&buf[s][i], &in[t * tile + i], sizeof(int), pipe);
            pipe.producer_commit();
        } else {
            pipe.consumer_wait();
            int c = block.thread_rank() - producers, nc = block.size() - producers;
            for (int i = c; i < tile; i += nc)
                acc += buf[s][i];
            pipe.consumer_release();
        }
    }
    if (!producer)
        atomicAdd((unsigned long long *)sum, (unsigned long long)acc);
}

int main()
{
    const int n = 20000;
    int *out, h[128];
    CHECK(cudaMalloc(&out, sizeof h));
    late_arriver<<<1, 128>>>(n, out);
    CHECK(cudaGetLastError());
    CHECK(cudaDeviceSynchronize());
    CHECK(cudaMemcpy(h, out, sizeof h, cudaMemcpyDeviceToHost));
    int want = 0, bad = 0;
    for (int i = 0; i < n; i++)
        want += (i % 7) - 3;
    for (int i = 0; i < 128; i++)
        bad += h[i] != want;
    EXPECT_EQ_LL(bad, 0);

    int *released, hr = 0;
    CHECK(cudaMalloc(&released, sizeof(int)));
    CHECK(cudaMemset(released, 0, sizeof(int)));
    mbarrier_sleepers<<<1, 32>>>(released);
    CHECK(cudaDeviceSynchronize());
    CHECK(cudaMemcpy(&hr, released, sizeof hr, cudaMemcpyDeviceToHost));
    EXPECT_EQ_LL(hr, 31);

    const int tiles = 40, count = tiles * 64;
    int *in, hin[count];
    long long *sum, hs = 0, ws = 0;
    for (int i = 0; i < count; i++) {
        hin[i] = (i * 37) % 101 - 50;
        ws += hin[i];
    }
    CHECK(cudaMalloc(&in, sizeof hin));
    CHECK(cudaMalloc(&sum, sizeof(long long)));
    CHECK(cudaMemcpy(in, hin, sizeof hin, cudaMemcpyHostToDevice));
    for (int producers : {32, 16, 5}) {
        CHECK(cudaMemset(sum, 0, sizeof(long long)));
        split_roles<<<1, 128>>>(in, tiles, producers, sum);
        CHECK(cudaDeviceSynchronize());
        CHECK(cudaMemcpy(&hs, sum, sizeof hs, cudaMemcpyDeviceToHost));
        EXPECT_EQ_LL(hs, ws);
    }
    return finish("kernels_barrier_diverge");
}
