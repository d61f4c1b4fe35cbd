// nvcc-variants: sm_80 sm_90
// Engine (issue 5): real calls — recursion that is not inlined, structs passed by value to
// kernels and to device functions and returned from them, a large by-value parameter, and
// calls through function pointers — checked against the same functions on the host.
#include "common.h"

struct Point {
    double x, y;
    int tag;
    char name[5];
};

struct Big {
    int values[200]; // 800 bytes of parameter space
    float scale;
};

__host__ __device__ __noinline__ long long fib(int n)
{
    return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

__host__ __device__ __noinline__ int ackermann(int m, int n)
{
    if (m == 0)
        return n + 1;
    if (n == 0)
        return ackermann(m - 1, 1);
    return ackermann(m - 1, ackermann(m, n - 1));
}

__host__ __device__ __noinline__ Point midpoint(Point a, Point b)
{
    Point m = {(a.x + b.x) / 2, (a.y + b.y) / 2, a.tag + b.tag, {'m', 'i', 'd', a.name[0], 0}};
    return m;
}

__device__ int twice(int v) { return 2 * v; }
__device__ int square(int v) { return v * v; }
__device__ int negate(int v) { return -v; }
typedef int (*op_t)(int);
__device__ op_t ops[3] = {twice, square, negate};

__global__ void calls(Point a, Point b, Big big, long long *out, Point *mid)
{
    int i = threadIdx.x;
    out[i] = fib(i % 20) + ackermann(2, i % 5) + ops[i % 3](i) + (long long)(big.values[i] * big.scale);
    if (i == 0)
        *mid = midpoint(a, b);
}

// A callee with an 8 KiB frame: more than the default 1 KiB cudaLimitStackSize, which the
// driver raises for a launch whose calls need more (as -G builds' large frames always do).
__device__ __noinline__ int big_frame(int seed)
{
    volatile int buf[2048];
    for (int i = 0; i < 2048; i++)
        buf[i] = seed + i;
    int s = 0;
    for (int i = 0; i < 2048; i++)
        s += buf[(i * 7) % 2048];
    return s;
}

__global__ void deep_frame(int *out)
{
    out[threadIdx.x] = big_frame((int)threadIdx.x);
}

int main()
{
    Point a = {1.5, -2.0, 3, {'a', 'b', 'c', 'd', 0}}, b = {4.5, 6.0, 10, {'x', 0, 0, 0, 0}};
    Big big;
    for (int i = 0; i < 200; i++)
        big.values[i] = i * 3 - 7;
    big.scale = 2.0f;
    long long *d_out;
    Point *d_mid;
    CHECK(cudaMalloc(&d_out, 200 * sizeof(long long)));
    CHECK(cudaMalloc(&d_mid, sizeof(Point)));
    CHECK(cudaDeviceSetLimit(cudaLimitStackSize, 16384)); // deep recursion
    calls<<<1, 200>>>(a, b, big, d_out, d_mid);
    CHECK(cudaGetLastError());
    CHECK(cudaDeviceSynchronize());
    long long out[200];
    Point mid;
    CHECK(cudaMemcpy(out, d_out, sizeof out, cudaMemcpyDeviceToHost));
    CHECK(cudaMemcpy(&mid, d_mid, sizeof mid, cudaMemcpyDeviceToHost));
    for (int i = 0; i < 200; i++) {
        int op = i % 3 == 0 ? 2 * i : i % 3 == 1 ? i * i : -i;
        EXPECT_EQ_LL(out[i], fib(i % 20) + ackermann(2, i % 5) + op +
                                 (long long)(big.values[i] * big.scale));
    }
    Point want = midpoint(a, b);
    EXPECT(mid.x == want.x && mid.y == want.y && mid.tag == want.tag);
    EXPECT(strcmp(mid.name, "mida") == 0);
    CHECK(cudaFree(d_out));
    CHECK(cudaFree(d_mid));
    {
        int *out;
        CHECK(cudaMallocManaged(&out, 64 * sizeof(int)));
        CHECK(cudaDeviceSetLimit(cudaLimitStackSize, 1024));
        deep_frame<<<1, 64>>>(out);
        CHECK(cudaDeviceSynchronize());
        for (int t = 0; t < 64; t++)
            EXPECT_EQ_LL(out[t], 2048LL * t + 2047LL * 2048 / 2);
        CHECK(cudaFree(out));
    }
    return finish("kernels_calls");
}
