// nvcc-flags: -rdc=true -lcudadevrt
// cdp_launch.cu - dynamic parallelism (CUDA 12's CDP2): child grids launched by device threads
// with their own configurations and arguments, launch order within a stream, recursion,
// tail launches seeing the whole parent grid, fire-and-forget launches, stream-ordered device
// copies and sets, streams and events created on the device, device malloc/free, device-side
// errors and their strings, function attributes and limits, and a child's fault reaching the
// host.  Expectations are computed on the host.
#include <cstring>

#include "common.h"

__device__ int g_order[4];
__device__ int g_depth_count[16];
__device__ int g_tail_seen;
__device__ int g_flag;
__device__ int g_ff;

__global__ void fill(int *out, int base)
{
    out[threadIdx.x] = base + (int)threadIdx.x;
}

// Each thread of a 2 x 4 grid launches its own child of 8 threads.
__global__ void parent_fill(int *out)
{
    int p = blockIdx.x * blockDim.x + threadIdx.x;
    fill<<<1, 8>>>(out + p * 8, p * 100);
}

__global__ void write_value(int *slot, int v)
{
    *slot = v;
}

__global__ void add_one(const int *from, int *to)
{
    *to = *from + 1;
}

// Launches into one stream run in order: B sees what A wrote, C what B wrote.
__global__ void ordered(int *cells)
{
    if (threadIdx.x == 0) { // the block's own (NULL) stream
        write_value<<<1, 1>>>(&cells[0], 41);
        add_one<<<1, 1>>>(&cells[0], &cells[1]);
    } else if (threadIdx.x == 1) { // a stream of its own
        cudaStream_t s;
        cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking);
        write_value<<<1, 1, 0, s>>>(&cells[2], 10);
        add_one<<<1, 1, 0, s>>>(&cells[2], &cells[3]);
        cudaEvent_t e;
        cudaEventCreateWithFlags(&e, cudaEventDisableTiming);
        cudaEventRecord(e, s);
        cudaStreamWaitEvent(s, e, 0);
        add_one<<<1, 1, 0, s>>>(&cells[3], &cells[4]);
        cudaEventDestroy(e);
        cudaStreamDestroy(s);
    }
}

__global__ void recurse(int depth, int max_depth)
{
    atomicAdd(&g_depth_count[depth], 1);
    if (depth < max_depth && threadIdx.x < 2)
        recurse<<<1, 3>>>(depth + 1, max_depth);
}

__global__ void tail_check(int expect_flag)
{
    g_tail_seen = g_flag == expect_flag ? 1 : -1;
}

__global__ void or_flag(int v)
{
    atomicOr(&g_flag, v);
}

// The tail launch comes first in program order but runs after everything else the grid did:
// a child in the block's stream, a fire-and-forget child, and the parent's own store.
__global__ void tail_parent()
{
    if (threadIdx.x == 0) {
        tail_check<<<1, 1, 0, cudaStreamTailLaunch>>>(7);
        or_flag<<<1, 1>>>(1);
    }
    __syncthreads();
    if (threadIdx.x == 1) {
        or_flag<<<1, 1, 0, cudaStreamFireAndForget>>>(2);
        atomicOr(&g_flag, 4);
    }
}

__global__ void ff_child()
{
    atomicAdd(&g_ff, 1);
}

__global__ void ff_parent()
{
    ff_child<<<2, 16, 0, cudaStreamFireAndForget>>>();
}

__global__ void fill_seq(int *p, int n)
{
    for (int i = threadIdx.x; i < n; i += blockDim.x)
        p[i] = i * 3;
}

// A child fills src; a copy in the same stream must see it; then a set overwrites a part.
__global__ void copies(int *src, int *dst, int n)
{
    cudaStream_t s;
    cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking);
    fill_seq<<<1, 32, 0, s>>>(src, n);
    cudaMemcpyAsync(dst, src, n * sizeof(int), cudaMemcpyDeviceToDevice, s);
    cudaMemsetAsync(dst + n / 2, 0xff, sizeof(int), s);
    cudaStreamDestroy(s);
}

__global__ void sum_child(const int *p, int n, int *out)
{
    int s = 0;
    for (int i = 0; i < n; i++)
        s += p[i];
    *out = s;
}

// Device-side cudaMalloc'ed memory handed to a child and freed by the tail launch.
__global__ void free_it(int *p)
{
    cudaFree(p);
}

__global__ void malloc_parent(int *out)
{
    int *p = nullptr;
    if (cudaMalloc((void **)&p, 10 * sizeof(int)) != cudaSuccess) {
        *out = -1;
        return;
    }
    for (int i = 0; i < 10; i++)
        p[i] = i + 1;
    sum_child<<<1, 1>>>(p, 10, out);
    free_it<<<1, 1, 0, cudaStreamTailLaunch>>>(p);
}

// Errors: a launch with too many threads fails with cudaErrorInvalidConfiguration, which
// cudaPeekAtLastError shows and cudaGetLastError clears; its text reaches the host.
__global__ void errors(int *codes, char *text)
{
    cudaError_t e = cudaGetLastError();
    codes[0] = (int)e;
    fill<<<1, 2048>>>(nullptr, 0);
    codes[1] = (int)cudaPeekAtLastError();
    codes[2] = (int)cudaGetLastError();
    codes[3] = (int)cudaGetLastError();
    const char *s = cudaGetErrorString((cudaError_t)codes[1]);
    int i = 0;
    for (; s[i] && i < 127; i++)
        text[i] = s[i];
    text[i] = 0;
    cudaFuncAttributes a;
    codes[4] = (int)cudaFuncGetAttributes(&a, fill);
    codes[5] = a.maxThreadsPerBlock;
    codes[6] = a.numRegs > 0;
    size_t heap = 0;
    codes[7] = (int)cudaDeviceGetLimit(&heap, cudaLimitMallocHeapSize);
    codes[8] = heap > 0;
}

__global__ void bad_child(int *p)
{
    p[threadIdx.x] = 1;
}

__global__ void faulting_parent()
{
    bad_child<<<1, 32>>>((int *)16);
}

int main()
{
    int *d;
    CHECK(cudaMalloc(&d, 64 * sizeof(int)));
    CHECK(cudaMemset(d, 0, 64 * sizeof(int)));
    parent_fill<<<2, 4>>>(d);
    CHECK(cudaGetLastError());
    CHECK(cudaDeviceSynchronize());
    int h[64];
    CHECK(cudaMemcpy(h, d, sizeof h, cudaMemcpyDeviceToHost));
    for (int p = 0; p < 8; p++)
        for (int t = 0; t < 8; t++)
            EXPECT_EQ_LL(h[p * 8 + t], p * 100 + t);

    int *cells;
    CHECK(cudaMalloc(&cells, 8 * sizeof(int)));
    CHECK(cudaMemset(cells, 0, 8 * sizeof(int)));
    ordered<<<1, 2>>>(cells);
    CHECK(cudaDeviceSynchronize());
    int c[8];
    CHECK(cudaMemcpy(c, cells, sizeof c, cudaMemcpyDeviceToHost));
    EXPECT_EQ_LL(c[0], 41);
    EXPECT_EQ_LL(c[1], 42);
    EXPECT_EQ_LL(c[2], 10);
    EXPECT_EQ_LL(c[3], 11);
    EXPECT_EQ_LL(c[4], 12);

    // recursion: level d has 3 * 2^d threads, down to depth 10
    recurse<<<1, 3>>>(0, 10);
    CHECK(cudaDeviceSynchronize());
    int depths[16];
    CHECK(cudaMemcpyFromSymbol(depths, g_depth_count, sizeof depths));
    for (int i = 0; i < 16; i++)
        EXPECT_EQ_LL(depths[i], i <= 10 ? 3 << i : 0);

    tail_parent<<<1, 2>>>();
    CHECK(cudaDeviceSynchronize());
    int seen = 0;
    CHECK(cudaMemcpyFromSymbol(&seen, g_tail_seen, sizeof seen));
    EXPECT_EQ_LL(seen, 1);

    ff_parent<<<3, 1>>>();
    CHECK(cudaDeviceSynchronize());
    int ff = 0;
    CHECK(cudaMemcpyFromSymbol(&ff, g_ff, sizeof ff));
    EXPECT_EQ_LL(ff, 3 * 2 * 16);

    int *src, *dst;
    const int n = 40;
    CHECK(cudaMalloc(&src, n * sizeof(int)));
    CHECK(cudaMalloc(&dst, n * sizeof(int)));
    CHECK(cudaMemset(dst, 0, n * sizeof(int)));
    copies<<<1, 1>>>(src, dst, n);
    CHECK(cudaDeviceSynchronize());
    int hd[n];
    CHECK(cudaMemcpy(hd, dst, sizeof hd, cudaMemcpyDeviceToHost));
    for (int i = 0; i < n; i++)
        EXPECT_EQ_LL(hd[i], i == n / 2 ? -1 : i * 3);

    malloc_parent<<<1, 1>>>(d);
    CHECK(cudaDeviceSynchronize());
    CHECK(cudaMemcpy(h, d, sizeof(int), cudaMemcpyDeviceToHost));
    EXPECT_EQ_LL(h[0], 55);

    int *codes;
    char *text;
    CHECK(cudaMalloc(&codes, 16 * sizeof(int)));
    CHECK(cudaMalloc(&text, 128));
    errors<<<1, 1>>>(codes, text);
    CHECK(cudaDeviceSynchronize());
    int hc[16];
    char ht[128];
    CHECK(cudaMemcpy(hc, codes, sizeof hc, cudaMemcpyDeviceToHost));
    CHECK(cudaMemcpy(ht, text, sizeof ht, cudaMemcpyDeviceToHost));
    EXPECT_EQ_LL(hc[0], cudaSuccess);
    EXPECT_EQ_LL(hc[1], cudaErrorInvalidConfiguration);
    EXPECT_EQ_LL(hc[2], cudaErrorInvalidConfiguration);
    EXPECT_EQ_LL(hc[3], cudaSuccess);
    EXPECT(strcmp(ht, cudaGetErrorString(cudaErrorInvalidConfiguration)) == 0);
    EXPECT_EQ_LL(hc[4], cudaSuccess);
    EXPECT_EQ_LL(hc[5], 1024);
    EXPECT_EQ_LL(hc[6], 1);
    EXPECT_EQ_LL(hc[7], cudaSuccess);
    EXPECT_EQ_LL(hc[8], 1);

    // last: a child's illegal access is the parent launch's error (and sticky)
    faulting_parent<<<1, 1>>>();
    EXPECT_ERR(cudaDeviceSynchronize(), cudaErrorIllegalAddress);
    return finish("cdp_launch");
}
