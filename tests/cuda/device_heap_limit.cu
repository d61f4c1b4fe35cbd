// cudaLimitMallocHeapSize sizes the device heap that device-side malloc uses: set before any
// kernel has used malloc it takes effect; once a kernel has, the heap exists and the call is
// refused with cudaErrorInvalidValue (as NVIDIA documents) rather than accepted and ignored;
// cudaDeviceReset drops the heap, after which the limit can be set again.
#include "common.h"

__global__ void grab(int *ok, size_t bytes)
{
    char *p = (char *)malloc(bytes);
    ok[threadIdx.x] = p != NULL;
    if (p)
        p[bytes - 1] = 1;
    __syncthreads();
    free(p);
}

static int successes(size_t bytes)
{
    int *ok, h[32];
    CHECK(cudaMalloc(&ok, sizeof h));
    grab<<<1, 32>>>(ok, bytes);
    CHECK(cudaDeviceSynchronize());
    CHECK(cudaMemcpy(h, ok, sizeof h, cudaMemcpyDeviceToHost));
    CHECK(cudaFree(ok));
    int n = 0;
    for (int i = 0; i < 32; i++)
        n += h[i];
    return n;
}

int main()
{
    const size_t mib = 1 << 20;
    CHECK(cudaDeviceSetLimit(cudaLimitMallocHeapSize, 48 * mib));
    EXPECT_EQ_LL(successes(mib), 32); // 32 MiB of blocks in a 48 MiB heap

    size_t limit = 0;
    EXPECT_ERR(cudaDeviceSetLimit(cudaLimitMallocHeapSize, 128 * mib), cudaErrorInvalidValue);
    CHECK(cudaDeviceGetLimit(&limit, cudaLimitMallocHeapSize));
    EXPECT_EQ_LL(limit, 48 * mib);
    cudaGetLastError();

    CHECK(cudaDeviceReset());
    CHECK(cudaDeviceSetLimit(cudaLimitMallocHeapSize, 4 * mib));
    int small = successes(mib);
    EXPECT(small >= 1 && small <= 4);
    return finish("device_heap_limit");
}
