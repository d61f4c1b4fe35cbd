// seeds.cu - small kernels whose nvcc PTX seeds the PTX and launch fuzzers
// (tests/fuzz/corpus/ptx, tests/fuzz/corpus/launch).  One kernel per SEED_* macro, so each seed
// is one short module: the fuzzers mutate small inputs fast, and every family of instructions
// nvcc emits (integer and float arithmetic, loops, shared memory and barriers, atomics, warp
// shuffles and votes, calls and recursion, local arrays, printf, half precision, doubles)
// starts from a real example.  regen.sh turns this file into the corpus.
#include <cstdio>
#include <cuda_fp16.h>

#ifdef SEED_saxpy
__global__ void saxpy(int n, float a, const float *x, float *y)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n)
        y[i] = a * x[i] + y[i];
}
#endif

#ifdef SEED_loop
__global__ void collatz(unsigned *out, unsigned n)
{
    unsigned v = threadIdx.x + n, steps = 0;
    while (v != 1 && steps < 1000) {
        v = (v & 1) ? 3 * v + 1 : v / 2;
        steps++;
    }
    out[threadIdx.x] = steps;
}
#endif

#ifdef SEED_shared
__global__ void block_sum(const int *in, int *out)
{
    __shared__ int s[64];
    int t = threadIdx.x;
    s[t % 64] = in[t % 64];
    __syncthreads();
    for (int stride = 32; stride > 0; stride /= 2) {
        if (t < stride)
            s[t] += s[t + stride];
        __syncthreads();
    }
    if (t == 0)
        out[blockIdx.x] = s[0];
}
#endif

#ifdef SEED_atomics
__global__ void histogram(const unsigned char *in, unsigned *bins, int n)
{
    __shared__ unsigned local[16];
    if (threadIdx.x < 16)
        local[threadIdx.x] = 0;
    __syncthreads();
    for (int i = threadIdx.x; i < n; i += blockDim.x)
        atomicAdd(&local[in[i] % 16], 1u);
    __syncthreads();
    if (threadIdx.x < 16)
        atomicAdd(&bins[threadIdx.x], local[threadIdx.x]);
    atomicMax((int *)&bins[16], (int)threadIdx.x);
    atomicCAS(&bins[17], 0u, 1u);
}
#endif

#ifdef SEED_warp
__global__ void warp_ops(int *out)
{
    int v = threadIdx.x;
    for (int d = 16; d > 0; d /= 2)
        v += __shfl_down_sync(0xffffffff, v, d);
    unsigned ballot = __ballot_sync(0xffffffff, threadIdx.x & 1);
    int any = __any_sync(0xffffffff, threadIdx.x == 3);
    out[threadIdx.x] = v + (int)ballot + any + __shfl_xor_sync(0xffffffff, v, 1);
}
#endif

#ifdef SEED_recursion
__device__ __noinline__ int fib(int n)
{
    return n < 2 ? n : fib(n - 1) + fib(n - 2);
}
__global__ void recursion(int *out)
{
    out[threadIdx.x] = fib(threadIdx.x % 8);
}
#endif

#ifdef SEED_local
__global__ void local_array(const int *in, int *out)
{
    int a[16];
    for (int i = 0; i < 16; i++)
        a[i] = in[(threadIdx.x + i) % 16] * i;
    int idx = in[threadIdx.x % 16] & 15;
    out[threadIdx.x] = a[idx];
}
#endif

#ifdef SEED_printf
__global__ void hello(int n)
{
    if (threadIdx.x == 0)
        printf("block %d of %d: %f %s\n", blockIdx.x, n, 1.5, "ok");
}
#endif

#ifdef SEED_half
__global__ void half_math(const __half *a, const __half *b, float *out)
{
    __half2 x = __halves2half2(a[threadIdx.x % 4], b[threadIdx.x % 4]);
    __half2 y = __hmul2(x, x);
    out[threadIdx.x] = __half2float(__hadd(__low2half(y), __high2half(y)));
}
#endif

#ifdef SEED_double
__global__ void double_math(const double *in, double *out)
{
    double x = in[threadIdx.x % 8];
    out[threadIdx.x] = sqrt(fabs(x)) + exp(-x) + fma(x, 2.0, 1.0) / (x + 3.0);
}
#endif

#ifdef SEED_divergence
__global__ void divergence(int *out, int n)
{
    int t = threadIdx.x;
    if (t % 3 == 0) {
        for (int i = 0; i < t; i++)
            out[t] += i;
        return;
    } else if (t % 3 == 1) {
        out[t] = -t;
    }
    out[t] += n / (t + 1) + n % (t + 1);
}
#endif

#ifdef SEED_malloc
__global__ void device_malloc(int *out)
{
    int *p = (int *)malloc(16 * sizeof(int));
    if (p == nullptr) {
        out[threadIdx.x] = -1;
        return;
    }
    for (int i = 0; i < 16; i++)
        p[i] = i * threadIdx.x;
    out[threadIdx.x] = p[threadIdx.x % 16];
    free(p);
}
#endif
