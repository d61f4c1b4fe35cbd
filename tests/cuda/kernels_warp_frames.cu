// nvcc-variants: sm_80
// Lanes of one warp at different call depths wait for each other, as independent thread
// scheduling lets them (and as every -G build does, where each warp collective, cooperative
// groups sync and helper is a real call): lane 0 runs a long loop (past a scheduling time
// slice) while the other lanes already wait inside a called function at a shuffle, a
// __syncwarp or a __syncthreads; a spin lock whose acquire and release are functions; lanes
// of both sides of a branch meeting at a __syncwarp inside one function; per-lane loops of
// different lengths before a warp-reduce helper; grid-wide sync.  kernels_warp_frames_G.cu
// builds the same with -G.  Expected values are computed on the host.
#include <cooperative_groups.h>

#include "common.h"

namespace cg = cooperative_groups;

#ifndef TEST_NAME
#define TEST_NAME "kernels_warp_frames"
#endif

#define FULL 0xffffffffu

__device__ __noinline__ int broadcast_from_lane0(int v)
{
    return __shfl_sync(FULL, v, 0);
}

__device__ __noinline__ void block_barrier()
{
    __syncthreads();
}

// lane 0 sums n values alone, then every lane reads its sum through a shuffle in a function
__global__ void serial_then_shuffle(const int *in, int n, int *out)
{
    int v = 0;
    if (threadIdx.x == 0)
        for (int i = 0; i < n; i++)
            v += in[i];
    out[threadIdx.x] = broadcast_from_lane0(v);
}

// thread 0 sums alone, then the block meets at a barrier inside a function
__global__ void serial_then_barrier(const int *in, int n, int *out)
{
    __shared__ int total;
    if (threadIdx.x == 0) {
        int v = 0;
        for (int i = 0; i < n; i++)
            v += in[i];
        total = v;
    }
    block_barrier();
    out[threadIdx.x] = total;
}

__device__ __noinline__ void lock(int *m)
{
    while (atomicCAS(m, 0, 1) != 0)
        ;
    __threadfence();
}

__device__ __noinline__ void unlock(int *m)
{
    __threadfence();
    atomicExch(m, 0);
}

// every thread adds to a plain counter under a lock taken and released by functions
__global__ void locked_counter(int *mutex, volatile int *counter)
{
    lock(mutex);
    *counter = *counter + 1;
    unlock(mutex);
}

__device__ __noinline__ int exchange_with_partner(int *slot, int v)
{
    int lane = threadIdx.x & 31;
    slot[lane] = v;
    __syncwarp();
    return slot[lane ^ 16];
}

// the two halves of the warp call the same function from different branches
__global__ void halves_meet(int *out)
{
    __shared__ int slot[32];
    int lane = threadIdx.x & 31, r;
    if (lane < 16)
        r = exchange_with_partner(slot, lane * 3 + 1);
    else
        r = exchange_with_partner(slot, -lane * 5);
    out[lane] = r;
}

__device__ __noinline__ int warp_sum(int v)
{
    for (int o = 16; o > 0; o >>= 1)
        v += __shfl_xor_sync(FULL, v, o);
    return v;
}

// each lane loops (lane % 4) * k times before the warp reduces
__global__ void uneven_then_reduce(int k, int *out)
{
    int lane = threadIdx.x & 31, v = 0;
    for (int i = 0; i < (lane % 4) * k; i++)
        v += (i & 3) + 1;
    out[blockIdx.x * blockDim.x + threadIdx.x] = warp_sum(v);
}

__device__ __noinline__ void spin_until(volatile int *flag)
{
    while (*flag == 0)
        ;
}

__device__ __noinline__ void raise_flag(volatile int *flag)
{
    *flag = 1;
}

__device__ __noinline__ int half_waits(volatile int *flag, int lane)
{
    if (lane < 16) {
        spin_until(flag);
        return lane * 2;
    }
    return lane * 3;
}

// half the warp waits inside a callee of a callee while the other half returns from the outer
// function and calls another one before it releases them: the waiting lanes' caller frame must
// survive until they return to it
__global__ void return_while_callee_waits(volatile int *flag, int *out)
{
    int lane = threadIdx.x & 31;
    int r = half_waits(flag, lane);
    if (lane == 20)
        raise_flag(flag);
    out[lane] = r;
}

__global__ void grid_prefix(int *data, int *out)
{
    cg::grid_group g = cg::this_grid();
    int i = g.thread_rank();
    data[i] = i + 1;
    g.sync();
    if (i == 0) {
        int s = 0;
        for (unsigned j = 0; j < g.size(); j++)
            s += data[j];
        *out = s;
    }
}

static int *dev(size_t n)
{
    int *p;
    CHECK(cudaMalloc(&p, n * sizeof(int)));
    CHECK(cudaMemset(p, 0, n * sizeof(int)));
    return p;
}

static void expect_all(const int *d, int n, int want, const char *what)
{
    int *h = (int *)malloc(n * sizeof(int));
    CHECK(cudaMemcpy(h, d, n * sizeof(int), cudaMemcpyDeviceToHost));
    int bad = 0;
    for (int i = 0; i < n; i++)
        if (h[i] != want && bad++ < 3)
            fprintf(stderr, "%s: thread %d got %d, expected %d\n", what, i, h[i], want);
    EXPECT_EQ_LL(bad, 0);
    free(h);
}

int main()
{
    const int n = 20000; // past the engine's time slice of backward branches
    int *in = dev(n), hin[n], sum = 0;
    for (int i = 0; i < n; i++) {
        hin[i] = (i % 7) - 2;
        sum += hin[i];
    }
    CHECK(cudaMemcpy(in, hin, sizeof hin, cudaMemcpyHostToDevice));

    int *out = dev(256);
    serial_then_shuffle<<<1, 32>>>(in, n, out);
    CHECK(cudaDeviceSynchronize());
    expect_all(out, 32, sum, "serial_then_shuffle");

    serial_then_barrier<<<1, 128>>>(in, n, out);
    CHECK(cudaDeviceSynchronize());
    expect_all(out, 128, sum, "serial_then_barrier");

    int *mutex = dev(1), *counter = dev(1);
    locked_counter<<<4, 64>>>(mutex, counter);
    CHECK(cudaDeviceSynchronize());
    expect_all(counter, 1, 256, "locked_counter");

    halves_meet<<<1, 32>>>(out);
    CHECK(cudaDeviceSynchronize());
    int h[256];
    CHECK(cudaMemcpy(h, out, 32 * sizeof(int), cudaMemcpyDeviceToHost));
    int bad = 0;
    for (int lane = 0; lane < 32; lane++) {
        int p = lane ^ 16, want = p < 16 ? p * 3 + 1 : -p * 5;
        bad += h[lane] != want;
    }
    EXPECT_EQ_LL(bad, 0);

    CHECK(cudaMemset(mutex, 0, sizeof(int)));
    return_while_callee_waits<<<1, 32>>>(mutex, out);
    CHECK(cudaDeviceSynchronize());
    CHECK(cudaMemcpy(h, out, 32 * sizeof(int), cudaMemcpyDeviceToHost));
    bad = 0;
    for (int lane = 0; lane < 32; lane++)
        bad += h[lane] != (lane < 16 ? lane * 2 : lane * 3);
    EXPECT_EQ_LL(bad, 0);

    const int k = 3000;
    uneven_then_reduce<<<2, 64>>>(k, out);
    CHECK(cudaDeviceSynchronize());
    long long want = 0;
    for (int lane = 0; lane < 32; lane++)
        for (int i = 0; i < (lane % 4) * k; i++)
            want += (i & 3) + 1;
    expect_all(out, 128, (int)want, "uneven_then_reduce");

    int coop = 0;
    CHECK(cudaDeviceGetAttribute(&coop, cudaDevAttrCooperativeLaunch, 0));
    EXPECT(coop == 1);
    int *data = dev(4 * 64), *total = dev(1);
    void *args[] = {&data, &total};
    CHECK(cudaLaunchCooperativeKernel((void *)grid_prefix, dim3(4), dim3(64), args, 0, 0));
    CHECK(cudaDeviceSynchronize());
    expect_all(total, 1, 256 * 257 / 2, "grid_prefix");

    CHECK(cudaFree(in));
    CHECK(cudaFree(out));
    CHECK(cudaFree(mutex));
    CHECK(cudaFree(counter));
    CHECK(cudaFree(data));
    CHECK(cudaFree(total));
    return finish(TEST_NAME);
}
