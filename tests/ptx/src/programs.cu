// programs.cu - CUDA kernels whose nvcc PTX the engine tests run (tests/unit/test_engine_programs.c).
//
// Regenerate the checked-in PTX with tests/ptx/src/regen.sh after changing this file:
//   programs_sm75.ptx (nvcc default target), programs_sm80.ptx, programs_sm90.ptx.
// Each kernel exercises one area of the execution model; the test computes the expected
// results on the host.
#include <cooperative_groups.h>
#include <cooperative_groups/reduce.h>
#include <cstdio>
#include <cassert>
#include <cuda_fp16.h>

namespace cg = cooperative_groups;

// --- reductions and scans ---

extern "C" __global__ void reduce_shared(const int *in, int *out, int n)
{
    __shared__ int s[256];
    int t = threadIdx.x, i = blockIdx.x * blockDim.x + t;
    s[t] = i < n ? in[i] : 0;
    __syncthreads();
    for (int step = blockDim.x / 2; step > 0; step >>= 1) {
        if (t < step)
            s[t] += s[t + step];
        __syncthreads();
    }
    if (t == 0)
        out[blockIdx.x] = s[0];
}

extern "C" __global__ void reduce_shfl(const float *in, float *out, int n)
{
    float v = 0;
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += gridDim.x * blockDim.x)
        v += in[i];
    for (int off = 16; off > 0; off >>= 1)
        v += __shfl_down_sync(0xffffffff, v, off);
    if ((threadIdx.x & 31) == 0)
        atomicAdd(out, v);
}

extern "C" __global__ void scan_block(const int *in, int *out)
{
    extern __shared__ int buf[];
    int t = threadIdx.x;
    buf[t] = in[blockIdx.x * blockDim.x + t];
    __syncthreads();
    for (int off = 1; off < blockDim.x; off <<= 1) {
        int v = t >= off ? buf[t - off] : 0;
        __syncthreads();
        buf[t] += v;
        __syncthreads();
    }
    out[blockIdx.x * blockDim.x + t] = buf[t];
}

// --- tiled matrix multiply ---

#define TILE 16
extern "C" __global__ void matmul_tiled(const float *A, const float *B, float *C, int n)
{
    __shared__ float As[TILE][TILE], Bs[TILE][TILE];
    int row = blockIdx.y * TILE + threadIdx.y, col = blockIdx.x * TILE + threadIdx.x;
    float sum = 0;
    for (int t = 0; t < n / TILE; t++) {
        As[threadIdx.y][threadIdx.x] = A[row * n + t * TILE + threadIdx.x];
        Bs[threadIdx.y][threadIdx.x] = B[(t * TILE + threadIdx.y) * n + col];
        __syncthreads();
        for (int k = 0; k < TILE; k++)
            sum += As[threadIdx.y][k] * Bs[k][threadIdx.x];
        __syncthreads();
    }
    C[row * n + col] = sum;
}

// --- histogram with shared then global atomics ---

extern "C" __global__ void histogram(const unsigned char *data, int n, unsigned *bins)
{
    __shared__ unsigned local[64];
    for (int i = threadIdx.x; i < 64; i += blockDim.x)
        local[i] = 0;
    __syncthreads();
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += gridDim.x * blockDim.x)
        atomicAdd(&local[data[i] & 63], 1u);
    __syncthreads();
    for (int i = threadIdx.x; i < 64; i += blockDim.x)
        atomicAdd(&bins[i], local[i]);
}

// --- divergence ---

__device__ int collatz_steps(unsigned x)
{
    int s = 0;
    while (x != 1) {
        x = (x & 1) ? 3 * x + 1 : x / 2;
        s++;
    }
    return s;
}

extern "C" __global__ void divergence(int *out, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n)
        return; // early exit of some lanes
    int r;
    switch (i % 5) {
    case 0: r = collatz_steps(i + 1); break;
    case 1: r = -i; break;
    case 2:
        r = 0;
        for (int k = 0; k < i % 17; k++)
            r += k * k;
        break;
    case 3:
        if (i & 8)
            r = 1000 + i;
        else if (i & 16)
            r = 2000 + i;
        else
            r = 3000;
        break;
    default: r = __popc(i) * 7;
    }
    out[i] = r;
}

// --- votes and warp intrinsics inside divergent code ---

extern "C" __global__ void votes(unsigned *out)
{
    int t = threadIdx.x;
    unsigned ball = __ballot_sync(0xffffffff, t % 3 == 0);
    int any = __any_sync(0xffffffff, t == 7);
    int all = __all_sync(0xffffffff, t < 32);
    unsigned act = 0;
    if (t & 1)
        act = __activemask();
    unsigned inner = 0;
    if (t < 10)
        inner = __ballot_sync(__activemask(), t & 2);
    out[t * 5 + 0] = ball;
    out[t * 5 + 1] = any;
    out[t * 5 + 2] = all;
    out[t * 5 + 3] = act;
    out[t * 5 + 4] = inner;
}

extern "C" __global__ void shuffles(int *out, int width)
{
    int t = threadIdx.x;
    int v = t * 10;
    out[t * 4 + 0] = __shfl_sync(0xffffffff, v, (t * 7) & 31, width);
    out[t * 4 + 1] = __shfl_up_sync(0xffffffff, v, 3, width);
    out[t * 4 + 2] = __shfl_down_sync(0xffffffff, v, 5, width);
    out[t * 4 + 3] = __shfl_xor_sync(0xffffffff, v, 6, width);
}

// --- cooperative groups ---

extern "C" __global__ void cg_groups(int *out)
{
    cg::thread_block tb = cg::this_thread_block();
    auto tile = cg::tiled_partition<16>(tb);
    int v = tb.thread_rank();
    for (int off = tile.size() / 2; off > 0; off /= 2)
        v += tile.shfl_down(v, off);
    if (tile.thread_rank() == 0)
        out[tb.thread_rank() / 16] = v;
    if (tb.thread_rank() % 3 == 0) {
        cg::coalesced_group active = cg::coalesced_threads();
        out[64 + tb.thread_rank()] = active.size() * 100 + active.thread_rank();
    }
    tb.sync();
}

// --- calls: recursion, structs by value, function pointers ---

__device__ __noinline__ long long fib(int n)
{
    return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

struct Pair {
    int a;
    double b;
    char tag[6];
};

__device__ __noinline__ Pair twist(Pair p, int k)
{
    p.a = p.a * k + 1;
    p.b = p.b * 0.5 + k;
    p.tag[0] = 'A' + k;
    return p;
}

extern "C" __global__ void calls(long long *fibs, Pair *pairs, Pair in)
{
    int t = threadIdx.x;
    fibs[t] = fib(t % 16);
    pairs[t] = twist(in, t);
}

__device__ int op_add(int a, int b) { return a + b; }
__device__ int op_mul(int a, int b) { return a * b; }
__device__ int op_sub(int a, int b) { return a - b; }
typedef int (*binop)(int, int);
__device__ binop ops_table[3] = {op_add, op_mul, op_sub};

extern "C" __global__ void fnptrs(int *out)
{
    int t = threadIdx.x;
    binop f = ops_table[t % 3];
    out[t] = f(t, 3);
}

// --- local memory with dynamic indexing ---

extern "C" __global__ void local_array(const int *idx, int *out)
{
    int a[40];
    int t = threadIdx.x;
    for (int i = 0; i < 40; i++)
        a[i] = i * t;
    out[t] = a[idx[t] % 40] + a[(idx[t] * 7) % 40];
}

// --- 3-D grid, 3-D blocks, dynamic shared memory ---

extern "C" __global__ void grid3d(unsigned *out)
{
    unsigned bid = blockIdx.x + gridDim.x * (blockIdx.y + gridDim.y * blockIdx.z);
    unsigned tid = threadIdx.x + blockDim.x * (threadIdx.y + blockDim.y * threadIdx.z);
    unsigned g = bid * (blockDim.x * blockDim.y * blockDim.z) + tid;
    out[g] = (blockIdx.z << 24) | (blockIdx.y << 16) | (blockIdx.x << 12) | (threadIdx.z << 8) |
             (threadIdx.y << 4) | threadIdx.x;
}

extern "C" __global__ void dyn_shared(int *out, int n)
{
    extern __shared__ int sm[];
    for (int i = threadIdx.x; i < n; i += blockDim.x)
        sm[i] = i * 3;
    __syncthreads();
    int s = 0;
    for (int i = 0; i < n; i++)
        s += sm[i];
    out[threadIdx.x] = s;
}

// --- atomics of every kind ---

extern "C" __global__ void atomics(int *iv, unsigned *uv, unsigned long long *u64, float *fv, double *dv)
{
    int t = blockIdx.x * blockDim.x + threadIdx.x;
    atomicAdd(&iv[0], 1);
    atomicSub(&iv[1], 2);
    atomicMax(&iv[2], t);
    atomicMin(&iv[3], -t);
    atomicAnd(&uv[0], ~(1u << (t % 32)));
    atomicOr(&uv[1], 1u << (t % 32));
    atomicXor(&uv[2], 1u << (t % 7));
    atomicInc(&uv[3], 9u);
    atomicDec(&uv[4], 5u);
    atomicAdd(&u64[0], (unsigned long long)t);
    atomicExch(&uv[5], 77u);
    // a lock built from CAS protecting a non-atomic update
    unsigned long long old;
    do {
        old = u64[1];
    } while (atomicCAS(&u64[1], old, old + 3) != old);
    atomicAdd(&fv[0], 0.5f);
    atomicAdd(&dv[0], 0.25);
}

// --- device printf, assert, malloc ---

extern "C" __global__ void printer(int x, double y)
{
    if (threadIdx.x < 2)
        printf("thread %d: x=%d y=%.3f s=%s c=%c hex=%#x ll=%lld\n", threadIdx.x, x, y, "str", 'Q', 255,
               -1234567890123LL);
}

extern "C" __global__ void asserter(int limit)
{
    assert(threadIdx.x < limit);
}

extern "C" __global__ void heap(int *out)
{
    int *p = (int *)malloc(16 * sizeof(int));
    if (!p) {
        out[threadIdx.x] = -1;
        return;
    }
    for (int i = 0; i < 16; i++)
        p[i] = threadIdx.x + i;
    int s = 0;
    for (int i = 0; i < 16; i++)
        s += p[i];
    free(p);
    out[threadIdx.x] = s;
}

// --- faults ---

extern "C" __global__ void oob_write(int *p, long long off)
{
    if (threadIdx.x == 5)
        p[off] = 1;
}

extern "C" __global__ void trapper(void)
{
    if (threadIdx.x == 3)
        __trap();
}

// --- fp16 and double math ---

extern "C" __global__ void halfs(const __half *a, const __half *b, __half *out, float *fout)
{
    int t = threadIdx.x;
    __half x = a[t], y = b[t];
    out[t * 4 + 0] = __hadd(x, y);
    out[t * 4 + 1] = __hmul(x, y);
    out[t * 4 + 2] = __hfma(x, y, x);
    out[t * 4 + 3] = __hlt(x, y) ? x : y;
    __half2 p = __halves2half2(x, y);
    __half2 q = __hmul2(p, p);
    fout[t * 2 + 0] = __low2float(q) + __high2float(q);
    fout[t * 2 + 1] = __half2float(x) * 2.0f;
}

extern "C" __global__ void doubles(const double *in, double *out)
{
    int t = threadIdx.x;
    double x = in[t];
    out[t * 4 + 0] = sqrt(x);
    out[t * 4 + 1] = exp(x / 4);
    out[t * 4 + 2] = sin(x);
    out[t * 4 + 3] = log1p(x) + pow(x, 1.5);
}

extern "C" __global__ void floats(const float *in, float *out)
{
    int t = threadIdx.x;
    float x = in[t];
    out[t * 6 + 0] = sinf(x);
    out[t * 6 + 1] = expf(x / 8);
    out[t * 6 + 2] = logf(x + 1);
    out[t * 6 + 3] = __sinf(x) + __expf(x / 8);
    out[t * 6 + 4] = x / 3.0f;
    out[t * 6 + 5] = rsqrtf(x + 1);
}

// --- sm_80+ only: redux and match ---

extern "C" __global__ void warp_reduce(unsigned *out)
{
    unsigned t = threadIdx.x;
#if __CUDA_ARCH__ >= 800
    out[t * 3 + 0] = __reduce_add_sync(0xffffffff, t);
    out[t * 3 + 1] = __reduce_max_sync(0xffffffff, t * 7 % 32);
#else
    unsigned s = t;
    for (int off = 16; off > 0; off >>= 1)
        s += __shfl_xor_sync(0xffffffff, s, off);
    out[t * 3 + 0] = s;
    unsigned m = t * 7 % 32;
    for (int off = 16; off > 0; off >>= 1)
        m = max(m, __shfl_xor_sync(0xffffffff, m, off));
    out[t * 3 + 1] = m;
#endif
    out[t * 3 + 2] = __match_any_sync(0xffffffff, t / 4);
}

// --- independent thread scheduling: lanes of one warp spin on a lock held by another ---

extern "C" __global__ void lane_spinlock(int *lock, int *counter)
{
    while (atomicCAS(lock, 0, 1) != 0)
        ; // spin until the lock is free: only works when the holder can make progress
    int v = *(volatile int *)counter;
    *(volatile int *)counter = v + 1;
    __threadfence();
    atomicExch(lock, 0);
}

// a warp waits for a flag another warp of the block sets, without a barrier
extern "C" __global__ void warp_flag(int *out)
{
    __shared__ volatile int flag;
    if (threadIdx.x == 0)
        flag = 0;
    __syncthreads();
    if (threadIdx.x < 32) {
        while (flag == 0)
            ;
        out[threadIdx.x] = flag;
    } else if (threadIdx.x == 32) {
        flag = 99;
    }
}

// lanes leave early; the rest still use warp collectives among themselves
extern "C" __global__ void partial_exit(unsigned *out)
{
    unsigned t = threadIdx.x;
    if (t % 4 == 3)
        return;
    unsigned m = __activemask();
    unsigned b = __ballot_sync(m, t & 1);
    unsigned s = 0;
    for (int l = 0; l < 32; l++)
        if (m & (1u << l))
            s += __shfl_sync(m, t, l);
    out[t * 3 + 0] = m;
    out[t * 3 + 1] = b;
    out[t * 3 + 2] = s;
}

// multi-warp tiles (64 threads): cooperative groups keep their state in reserved shared memory
extern "C" __global__ void cg_big_tiles(int *out)
{
    cg::thread_block tb = cg::this_thread_block();
    auto tile = cg::tiled_partition<64>(tb);
    int v = cg::reduce(tile, (int)tb.thread_rank(), cg::plus<int>());
    tile.sync();
    if (tile.thread_rank() == 0)
        out[tb.thread_rank() / 64] = v;
}

// grid-wide synchronisation (cudaLaunchCooperativeKernel): every block writes, the grid
// syncs, every block reads what the others wrote, twice
extern "C" __global__ void grid_sync(int *parts, int *out)
{
    cg::grid_group grid = cg::this_grid();
    int b = blockIdx.x;
    if (threadIdx.x == 0)
        parts[b] = b + 1;
    grid.sync();
    int s = 0;
    for (int i = 0; i < (int)gridDim.x; i++)
        s += parts[i];
    grid.sync();
    if (threadIdx.x == 0)
        parts[b] = s * 2;
    grid.sync();
    if (threadIdx.x == 0)
        out[b] = parts[(b + 1) % gridDim.x] + (int)grid.size();
}
