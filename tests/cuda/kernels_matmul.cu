// nvcc-variants: sm_80 sm_90
// Engine (issue 5): tiled matrix multiply in static shared memory (float), the same with
// dynamic shared memory and a 3-D grid (a batch of double-precision products, blockIdx.z
// picks the matrix), checked against host products.
#include <cmath>
#include <vector>
#include "common.h"

#define TILE 16

__global__ void matmul_static(const float *a, const float *b, float *c, int n)
{
    __shared__ float ta[TILE][TILE], tb[TILE][TILE];
    int row = blockIdx.y * TILE + threadIdx.y, col = blockIdx.x * TILE + threadIdx.x;
    float acc = 0.0f;
    for (int t = 0; t < n; t += TILE) {
        ta[threadIdx.y][threadIdx.x] = row < n && t + threadIdx.x < n ? a[row * n + t + threadIdx.x] : 0.0f;
        tb[threadIdx.y][threadIdx.x] = col < n && t + threadIdx.y < n ? b[(t + threadIdx.y) * n + col] : 0.0f;
        __syncthreads();
        for (int k = 0; k < TILE; k++)
            acc += ta[threadIdx.y][k] * tb[k][threadIdx.x];
        __syncthreads();
    }
    if (row < n && col < n)
        c[row * n + col] = acc;
}

// Batched double products; the tile edge comes from blockDim and the tiles live in dynamic
// shared memory.
__global__ void matmul_batched(const double *a, const double *b, double *c, int n)
{
    extern __shared__ double tiles[];
    int tile = blockDim.x;
    double *ta = tiles, *tb = tiles + tile * tile;
    size_t base = (size_t)blockIdx.z * n * n;
    int row = blockIdx.y * tile + threadIdx.y, col = blockIdx.x * tile + threadIdx.x;
    double acc = 0.0;
    for (int t = 0; t < n; t += tile) {
        ta[threadIdx.y * tile + threadIdx.x] = row < n && t + (int)threadIdx.x < n ? a[base + row * n + t + threadIdx.x] : 0.0;
        tb[threadIdx.y * tile + threadIdx.x] = col < n && t + (int)threadIdx.y < n ? b[base + (t + threadIdx.y) * n + col] : 0.0;
        __syncthreads();
        for (int k = 0; k < tile; k++)
            acc = fma(ta[threadIdx.y * tile + k], tb[k * tile + threadIdx.x], acc);
        __syncthreads();
    }
    if (row < n && col < n)
        c[base + row * n + col] = acc;
}

int main()
{
    const int n = 100; // not a multiple of the tile: edges are exercised
    std::vector<float> a(n * n), b(n * n), c(n * n);
    for (int i = 0; i < n * n; i++) {
        a[i] = (float)((i * 7) % 13) - 6.0f;
        b[i] = (float)((i * 5) % 11) * 0.5f - 2.5f;
    }
    float *da, *db, *dc;
    CHECK(cudaMalloc(&da, n * n * sizeof(float)));
    CHECK(cudaMalloc(&db, n * n * sizeof(float)));
    CHECK(cudaMalloc(&dc, n * n * sizeof(float)));
    CHECK(cudaMemcpy(da, a.data(), n * n * sizeof(float), cudaMemcpyHostToDevice));
    CHECK(cudaMemcpy(db, b.data(), n * n * sizeof(float), cudaMemcpyHostToDevice));
    dim3 grid((n + TILE - 1) / TILE, (n + TILE - 1) / TILE), block(TILE, TILE);
    matmul_static<<<grid, block>>>(da, db, dc, n);
    CHECK(cudaGetLastError());
    CHECK(cudaMemcpy(c.data(), dc, n * n * sizeof(float), cudaMemcpyDeviceToHost));
    int wrong = 0;
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
            float want = 0.0f; // small integers and halves: every partial sum is exact
            for (int k = 0; k < n; k++)
                want += a[i * n + k] * b[k * n + j];
            if (c[i * n + j] != want && wrong++ < 5)
                fprintf(stderr, "c[%d][%d] = %g, expected %g\n", i, j, c[i * n + j], want);
        }
    EXPECT_EQ_LL(wrong, 0);

    const int m = 37, batch = 3, tile = 8;
    std::vector<double> x(batch * m * m), y(batch * m * m), z(batch * m * m);
    for (int i = 0; i < batch * m * m; i++) {
        x[i] = sin(0.01 * i);
        y[i] = cos(0.02 * i);
    }
    double *dx, *dy, *dz;
    CHECK(cudaMalloc(&dx, x.size() * sizeof(double)));
    CHECK(cudaMalloc(&dy, y.size() * sizeof(double)));
    CHECK(cudaMalloc(&dz, z.size() * sizeof(double)));
    CHECK(cudaMemcpy(dx, x.data(), x.size() * sizeof(double), cudaMemcpyHostToDevice));
    CHECK(cudaMemcpy(dy, y.data(), y.size() * sizeof(double), cudaMemcpyHostToDevice));
    dim3 grid3((m + tile - 1) / tile, (m + tile - 1) / tile, batch), block3(tile, tile);
    matmul_batched<<<grid3, block3, 2 * tile * tile * sizeof(double)>>>(dx, dy, dz, m);
    CHECK(cudaGetLastError());
    CHECK(cudaMemcpy(z.data(), dz, z.size() * sizeof(double), cudaMemcpyDeviceToHost));
    wrong = 0;
    for (int q = 0; q < batch; q++)
        for (int i = 0; i < m; i++)
            for (int j = 0; j < m; j++) {
                double want = 0.0; // same order and fused multiply-adds as the kernel
                for (int k = 0; k < m; k++)
                    want = fma(x[q * m * m + i * m + k], y[q * m * m + k * m + j], want);
                double got = z[q * m * m + i * m + j];
                if (got != want && wrong++ < 5)
                    fprintf(stderr, "z[%d][%d][%d] = %.17g, expected %.17g\n", q, i, j, got, want);
            }
    EXPECT_EQ_LL(wrong, 0);
    CHECK(cudaFree(da));
    CHECK(cudaFree(db));
    CHECK(cudaFree(dc));
    CHECK(cudaFree(dx));
    CHECK(cudaFree(dy));
    CHECK(cudaFree(dz));
    return finish("kernels_matmul");
}
