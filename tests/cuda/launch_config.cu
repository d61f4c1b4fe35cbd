// Launch configuration (issue 4): the codes NVIDIA's CUDA 13 runtime gives for bad launch
// configurations (measured on an H100, shared/FACTS.md) — the kernel does not run and the
// error is not sticky — plus function attributes and the occupancy calculator.
#include "common.h"

__global__ void mark(int *flag, int value)
{
    if (threadIdx.x == 0 && blockIdx.x == 0)
        *flag = value;
}

__global__ void uses_shared(int *out)
{
    __shared__ int tile[256];
    tile[threadIdx.x] = threadIdx.x;
    __syncthreads();
    out[threadIdx.x] = tile[255 - threadIdx.x];
}

static int flag_value(int *d)
{
    int h = -1;
    CHECK(cudaMemcpy(&h, d, sizeof h, cudaMemcpyDeviceToHost));
    return h;
}

struct Triple {
    int a, b, c;
};
// Parameters laid out by the ABI's alignment rules: a char, then padding to an 8-aligned
// double, a pointer, a 4-aligned 12-byte struct, a float.
__global__ void mixed_params(char c, double d, int *p, Triple t, float f)
{
    if (p != nullptr)
        *p = c + (int)d + t.a + t.b + t.c + (int)f;
}

int main()
{
    int *flag;
    CHECK(cudaMalloc(&flag, sizeof(int)));
    CHECK(cudaMemset(flag, 0, sizeof(int)));

    mark<<<1, 2048>>>(flag, 1); // too many threads per block
    EXPECT_ERR(cudaPeekAtLastError(), cudaErrorInvalidValue);
    EXPECT_ERR(cudaGetLastError(), cudaErrorInvalidValue);
    EXPECT_ERR(cudaGetLastError(), cudaSuccess);
    mark<<<dim3(1, 0, 1), 32>>>(flag, 2); // zero dimension
    EXPECT_ERR(cudaGetLastError(), cudaErrorInvalidValue);
    mark<<<dim3(1, 65536, 1), 32>>>(flag, 3); // gridDim.y too large
    EXPECT_ERR(cudaGetLastError(), cudaErrorInvalidValue);
    mark<<<dim3(1, 1, 65536), 32>>>(flag, 4);
    EXPECT_ERR(cudaGetLastError(), cudaErrorInvalidValue);
    mark<<<1, dim3(1, 1, 65)>>>(flag, 5); // blockDim.z too large
    EXPECT_ERR(cudaGetLastError(), cudaErrorInvalidValue);
    mark<<<1, 32, 300 * 1024>>>(flag, 6); // dynamic shared memory above the opt-in maximum
    EXPECT_ERR(cudaGetLastError(), cudaErrorInvalidValue);
    CHECK(cudaDeviceSynchronize());
    EXPECT_EQ_LL(flag_value(flag), 0); // none of them ran

    // Not sticky: a good launch after them works.
    mark<<<1, 32>>>(flag, 7);
    CHECK(cudaGetLastError());
    CHECK(cudaDeviceSynchronize());
    EXPECT_EQ_LL(flag_value(flag), 7);

    // cudaLaunchKernel with an argument array, and a cudaKernel_t-free host stub lookup.
    int value = 8;
    void *args[] = {&flag, &value};
    CHECK(cudaLaunchKernel((const void *)mark, dim3(2), dim3(64), args, 0, 0));
    CHECK(cudaDeviceSynchronize());
    EXPECT_EQ_LL(flag_value(flag), 8);
    EXPECT_ERR(cudaLaunchKernel((const void *)main, dim3(1), dim3(1), args, 0, 0),
               cudaErrorInvalidDeviceFunction);
    (void)cudaGetLastError();

    // Function attributes.
    cudaFuncAttributes fa;
    CHECK(cudaFuncGetAttributes(&fa, uses_shared));
    EXPECT_EQ_LL(fa.sharedSizeBytes, 256 * sizeof(int));
    EXPECT(fa.maxThreadsPerBlock >= 256 && fa.maxThreadsPerBlock <= 1024);
    EXPECT(fa.ptxVersion >= 75);
    EXPECT_ERR(cudaFuncGetAttributes(&fa, (const void *)main), cudaErrorInvalidDeviceFunction);
    EXPECT_ERR(cudaGetLastError(), cudaErrorInvalidDeviceFunction);
    CHECK(cudaFuncSetAttribute(mark, cudaFuncAttributeMaxDynamicSharedMemorySize, 100 * 1024));
    CHECK(cudaFuncGetAttributes(&fa, mark));
    EXPECT_EQ_LL(fa.maxDynamicSharedSizeBytes, 100 * 1024);
    mark<<<1, 32, 90 * 1024>>>(flag, 9); // allowed now
    CHECK(cudaGetLastError());
    CHECK(cudaDeviceSynchronize());
    EXPECT_EQ_LL(flag_value(flag), 9);
    EXPECT_ERR(cudaFuncSetAttribute(mark, cudaFuncAttributeMaxDynamicSharedMemorySize, 300 * 1024),
               cudaErrorInvalidValue);
    CHECK(cudaFuncSetCacheConfig(mark, cudaFuncCachePreferL1));
    (void)cudaGetLastError();

    // Occupancy: a block of the maximum size fits twice into 2048 threads per SM, never more.
    int blocks = 0;
    CHECK(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&blocks, mark, 1024, 0));
    EXPECT(blocks >= 1 && blocks <= 2);
    CHECK(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&blocks, mark, 32, 0));
    EXPECT(blocks >= 1 && blocks <= 32);
    int min_grid = 0, block_size = 0;
    CHECK(cudaOccupancyMaxPotentialBlockSize(&min_grid, &block_size, uses_shared, 0, 256));
    EXPECT(block_size > 0 && block_size <= 256 && min_grid > 0);

    int *out;
    CHECK(cudaMalloc(&out, 256 * sizeof(int)));
    uses_shared<<<1, 256>>>(out);
    CHECK(cudaDeviceSynchronize());
    int h[256];
    CHECK(cudaMemcpy(h, out, sizeof h, cudaMemcpyDeviceToHost));
    for (int i = 0; i < 256; i++)
        EXPECT_EQ_LL(h[i], 255 - i);
    CHECK(cudaFree(out));
    CHECK(cudaFree(flag));
    // cudaFuncGetParamInfo: offset and size of each parameter, then past the last one.
    const size_t want_offset[] = {0, 8, 16, 24, 36}, want_size[] = {1, 8, 8, 12, 4};
    for (size_t i = 0; i < 5; i++) {
        size_t offset = 99, size = 99;
        CHECK(cudaFuncGetParamInfo((const void *)mixed_params, i, &offset, &size));
        EXPECT_EQ_LL(offset, want_offset[i]);
        EXPECT_EQ_LL(size, want_size[i]);
    }
    size_t offset = 0, size = 0;
    EXPECT_ERR(cudaFuncGetParamInfo((const void *)mixed_params, 5, &offset, &size), cudaErrorInvalidValue);
    EXPECT_ERR(cudaFuncGetParamInfo((const void *)main, 0, &offset, &size), cudaErrorInvalidDeviceFunction);
    (void)cudaGetLastError();

    // cudaGetKernel's handle stands for the kernel in launches and attribute queries;
    // cudaGetFuncBySymbol finds registered kernels only.
    cudaKernel_t k = nullptr;
    CHECK(cudaGetKernel(&k, mixed_params));
    EXPECT(k != nullptr);
    int *sum;
    CHECK(cudaMallocManaged(&sum, sizeof(int)));
    Triple t = {1, 2, 3};
    char c = 4;
    double d = 5.0;
    float f = 6.0f;
    void *kargs[] = {&c, &d, &sum, &t, &f};
    CHECK(cudaLaunchKernel((const void *)k, dim3(1), dim3(1), kargs, 0, 0));
    CHECK(cudaDeviceSynchronize());
    EXPECT_EQ_LL(*sum, 4 + 5 + 1 + 2 + 3 + 6);
    cudaFuncAttributes by_handle = {}, by_symbol = {};
    CHECK(cudaFuncGetAttributes(&by_handle, (const void *)k));
    CHECK(cudaFuncGetAttributes(&by_symbol, (const void *)mixed_params));
    EXPECT_EQ_LL(by_handle.maxThreadsPerBlock, by_symbol.maxThreadsPerBlock);
    cudaFunction_t fn = nullptr;
    CHECK(cudaGetFuncBySymbol(&fn, (const void *)mixed_params));
    EXPECT(fn != nullptr);
    EXPECT_ERR(cudaGetFuncBySymbol(&fn, (const void *)main), cudaErrorInvalidDeviceFunction);
    EXPECT_ERR(cudaGetKernel(&k, (const void *)main), cudaErrorInvalidDeviceFunction);
    (void)cudaGetLastError();
    CHECK(cudaFree(sum));
    return finish("launch_config");
}
