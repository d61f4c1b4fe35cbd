// nvcc-variants: sm_80
// Device-side alloca() (alloca/stacksave/stackrestore in PTX): each thread allocates a buffer
// of its own size on its stack; buffers made in a loop are released each iteration; a
// function called after an allocation gets its frame beyond it (its locals must not overwrite
// the buffer), and a function may alloca in its own frame.  Expected sums are computed on the
// host.
#include <alloca.h>

#include "common.h"

__device__ __noinline__ int scribble(int seed)
{
    volatile int local[64]; // a frame of its own, written in full
    for (int i = 0; i < 64; i++)
        local[i] = seed * 1000 + i;
    int s = 0;
    for (int i = 0; i < 64; i += 7)
        s += local[i];
    return s;
}

__device__ __noinline__ int sum_in_callee(int n, int t)
{
    int *p = (int *)alloca(n * sizeof(int));
    for (int i = 0; i < n; i++)
        p[i] = i + t;
    int s = 0;
    for (int i = 0; i < n; i++)
        s += p[i];
    return s;
}

__global__ void use_alloca(int *out, int n)
{
    int t = threadIdx.x;
    int m = n + t % 5;
    int *p = (int *)alloca(m * sizeof(int));
    for (int i = 0; i < m; i++)
        p[i] = i * t;
    int noise = scribble(t); // must leave p alone
    int s = 0;
    for (int i = 0; i < m; i++)
        s += p[i];
    out[4 * t] = s;
    out[4 * t + 1] = noise;
    out[4 * t + 2] = sum_in_callee(m, t);
    // an allocation per iteration, released by the loop's stackrestore
    int loop = 0;
    for (int k = 1; k <= 50; k++) {
        char *q = (char *)alloca(k * 8);
        for (int i = 0; i < k * 8; i++)
            q[i] = (char)(i + k);
        loop += q[k * 8 - 1];
    }
    out[4 * t + 3] = loop;
}

int main()
{
    const int threads = 64, n = 10;
    int *d, h[4 * threads];
    CHECK(cudaMalloc(&d, sizeof h));
    use_alloca<<<2, threads>>>(d, n);
    CHECK(cudaGetLastError());
    CHECK(cudaDeviceSynchronize());
    CHECK(cudaMemcpy(h, d, sizeof h, cudaMemcpyDeviceToHost));
    int bad = 0;
    for (int t = 0; t < threads; t++) {
        int m = n + t % 5, noise = 0, loop = 0;
        for (int i = 0; i < 64; i += 7)
            noise += t * 1000 + i;
        for (int k = 1; k <= 50; k++)
            loop += (char)(k * 8 - 1 + k);
        int want[4] = {t * m * (m - 1) / 2, noise, m * (m - 1) / 2 + m * t, loop};
        for (int j = 0; j < 4; j++)
            if (h[4 * t + j] != want[j] && bad++ < 4)
                fprintf(stderr, "thread %d value %d: %d, expected %d\n", t, j, h[4 * t + j], want[j]);
    }
    EXPECT_EQ_LL(bad, 0);
    return finish("kernels_alloca");
}
