// nvcc-variants: sm_80 sm_90
// __grid_constant__ parameters whose address escapes: nvcc -O3 hands &param to non-inlined
// functions both through cvta.param and as the bare mov'd address, and the callees read it with
// generic loads; a pointer into the parameter is returned and dereferenced by the caller, and
// ld.param reads through a register.  Every thread's result is recomputed on the host.
#include "common.h"

struct Table {
    int v[64];
    float scale;
};

__device__ __noinline__ int sum_first(const Table *t, int n)
{
    int s = 0;
    for (int i = 0; i < n; i++)
        s += t->v[i];
    return s;
}

__device__ __noinline__ const int *element(const Table *t, int i)
{
    return &t->v[i];
}

__global__ void use_table(const __grid_constant__ Table t, int *out)
{
    const Table *p = &t;
    int i = threadIdx.x;
    out[i] = sum_first(p, i) + *element(p, 63 - i) + (int)(p->scale * (float)i) + p->v[(i * 7) & 63];
}

static int expected(const Table &t, int i)
{
    int s = 0;
    for (int k = 0; k < i; k++)
        s += t.v[k];
    return s + t.v[63 - i] + (int)(t.scale * (float)i) + t.v[(i * 7) & 63];
}

int main()
{
    Table t;
    for (int i = 0; i < 64; i++)
        t.v[i] = i * 3 + 1 - (i % 5) * 11;
    t.scale = 2.5f;
    int *d, h[64];
    CHECK(cudaMalloc(&d, sizeof h));
    use_table<<<1, 64>>>(t, d);
    CHECK(cudaGetLastError());
    CHECK(cudaDeviceSynchronize());
    CHECK(cudaMemcpy(h, d, sizeof h, cudaMemcpyDeviceToHost));
    int bad = 0;
    for (int i = 0; i < 64; i++)
        if (h[i] != expected(t, i)) {
            if (bad++ < 3)
                fprintf(stderr, "thread %d: got %d, expected %d\n", i, h[i], expected(t, i));
        }
    EXPECT_EQ_LL(bad, 0);
    CHECK(cudaFree(d));
    return finish("kernels_grid_constant");
}
