// nvcc-flags: --compress-mode=speed
// A program whose fatbinary holds LZ4-compressed PTX (nvcc 13's --compress-mode=speed, and
// CUDA 12's default) runs like one compressed with zstd.
#include "common.h"

__global__ void squares(int *out, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n)
        out[i] = i * i - 3 * i;
}

int main()
{
    const int n = 1000;
    int *d, h[n];
    CHECK(cudaMalloc(&d, sizeof h));
    squares<<<(n + 127) / 128, 128>>>(d, n);
    CHECK(cudaGetLastError());
    CHECK(cudaMemcpy(h, d, sizeof h, cudaMemcpyDeviceToHost));
    for (int i = 0; i < n; i++)
        if (h[i] != i * i - 3 * i) {
            EXPECT_EQ_LL(h[i], i * i - 3 * i);
            break;
        }
    return finish("fatbin_lz4");
}
