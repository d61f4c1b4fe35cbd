// Module variables (issue 4): __device__, __constant__ and __managed__ variables start with
// their initial values, are reachable by cudaMemcpyTo/FromSymbol and cudaGetSymbolAddress, and
// kernels see what the host wrote.
#include "common.h"

__device__ int counter = 41;
__device__ float table[8] = {1.5f, 2.5f, 3.5f, 4.5f, 5.5f, 6.5f, 7.5f, 8.5f};
__constant__ int coeffs[4] = {3, 5, 7, 11};
__managed__ int shared_value = 9;

__global__ void use_symbols(int *out)
{
    int i = threadIdx.x;
    out[i] = coeffs[i % 4] * (int)table[i % 8] + counter;
    if (i == 0) {
        counter += 1;
        shared_value *= 2;
    }
}

int main()
{
    int c = 0;
    CHECK(cudaMemcpyFromSymbol(&c, counter, sizeof c));
    EXPECT_EQ_LL(c, 41);
    float t[8];
    CHECK(cudaMemcpyFromSymbol(t, table, sizeof t));
    EXPECT(t[0] == 1.5f && t[7] == 8.5f);
    int k[2];
    CHECK(cudaMemcpyFromSymbol(k, coeffs, sizeof k, 2 * sizeof(int)));
    EXPECT(k[0] == 7 && k[1] == 11);

    size_t size = 0;
    CHECK(cudaGetSymbolSize(&size, table));
    EXPECT_EQ_LL(size, sizeof t);
    void *address = nullptr;
    CHECK(cudaGetSymbolAddress(&address, table));
    cudaPointerAttributes at;
    CHECK(cudaPointerGetAttributes(&at, address));
    EXPECT(at.type == cudaMemoryTypeDevice);
    float back[8];
    CHECK(cudaMemcpy(back, address, sizeof back, cudaMemcpyDeviceToHost));
    EXPECT(back[3] == 4.5f);

    // Out of the symbol's bounds, or not a symbol at all.
    EXPECT_ERR(cudaMemcpyFromSymbol(k, coeffs, sizeof k, 3 * sizeof(int)), cudaErrorInvalidValue);
    EXPECT_ERR(cudaMemcpyToSymbol(coeffs, k, sizeof k, 0, cudaMemcpyDeviceToHost),
               cudaErrorInvalidMemcpyDirection);
    EXPECT_ERR(cudaMemcpyFromSymbol(&c, &c, sizeof c), cudaErrorInvalidSymbol);
    EXPECT_ERR(cudaGetSymbolAddress(&address, &c), cudaErrorInvalidSymbol);
    (void)cudaGetLastError();

    // The managed variable is visible to the host with its initial value.
    EXPECT_EQ_LL(shared_value, 9);

    int new_coeffs[4] = {1, 2, 3, 4};
    CHECK(cudaMemcpyToSymbol(coeffs, new_coeffs, sizeof new_coeffs));
    int fresh = 100;
    CHECK(cudaMemcpyToSymbolAsync(counter, &fresh, sizeof fresh, 0, cudaMemcpyHostToDevice, 0));
    int *out;
    CHECK(cudaMalloc(&out, 32 * sizeof(int)));
    use_symbols<<<1, 32>>>(out);
    CHECK(cudaGetLastError());
    CHECK(cudaDeviceSynchronize());
    int h[32];
    CHECK(cudaMemcpy(h, out, sizeof h, cudaMemcpyDeviceToHost));
    for (int i = 0; i < 32; i++)
        EXPECT_EQ_LL(h[i], new_coeffs[i % 4] * (int)t[i % 8] + 100);
    CHECK(cudaMemcpyFromSymbol(&c, counter, sizeof c));
    EXPECT_EQ_LL(c, 101);
    EXPECT_EQ_LL(shared_value, 18);
    CHECK(cudaFree(out));
    return finish("symbols");
}
