// mempool_p2p.cu - pools across two devices: each device has its own default pool; a pool's
// memory is reachable from a peer once cudaMemPoolSetAccess grants it (and reads back so);
// cudaMallocFromPoolAsync may take memory from another device's pool; a device's current pool
// must be its own.  Runs with CUSHIM_CPU_DEVICES=2 (mempool_p2p.env).
#include "common.h"

__global__ void scale(const int *src, int *dst, int n, int k)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n)
        dst[i] = src[i] * k;
}

int main()
{
    int count = 0;
    CHECK(cudaGetDeviceCount(&count));
    if (count < 2) {
        printf("mempool_p2p: needs two devices\n");
        return 1;
    }
    cudaMemPool_t pool0, pool1, current;
    CHECK(cudaDeviceGetDefaultMemPool(&pool0, 0));
    CHECK(cudaDeviceGetDefaultMemPool(&pool1, 1));
    EXPECT(pool0 != pool1);
    EXPECT_ERR(cudaDeviceSetMemPool(1, pool0), cudaErrorInvalidValue); // not device 1's
    CHECK(cudaDeviceGetMemPool(&current, 1));
    EXPECT(current == pool1);

    struct cudaMemLocation dev1 = {cudaMemLocationTypeDevice, 1};
    enum cudaMemAccessFlags flags;
    CHECK(cudaMemPoolGetAccess(&flags, pool0, &dev1));
    EXPECT(flags == cudaMemAccessFlagsProtNone);
    struct cudaMemAccessDesc desc = {dev1, cudaMemAccessFlagsProtReadWrite};
    CHECK(cudaMemPoolSetAccess(pool0, &desc, 1));
    CHECK(cudaMemPoolGetAccess(&flags, pool0, &dev1));
    EXPECT(flags == cudaMemAccessFlagsProtReadWrite);

    // Memory of device 0's pool, written by device 0, read by a kernel on device 1.
    const int n = 1024;
    int host[n], out[n];
    for (int i = 0; i < n; i++)
        host[i] = i;
    CHECK(cudaSetDevice(0));
    cudaStream_t s0, s1;
    CHECK(cudaStreamCreateWithFlags(&s0, cudaStreamNonBlocking));
    int *src;
    CHECK(cudaMallocAsync(&src, n * sizeof(int), s0));
    CHECK(cudaMemcpyAsync(src, host, sizeof host, cudaMemcpyHostToDevice, s0));
    cudaEvent_t ready;
    CHECK(cudaEventCreate(&ready));
    CHECK(cudaEventRecord(ready, s0));
    CHECK(cudaSetDevice(1));
    CHECK(cudaStreamCreateWithFlags(&s1, cudaStreamNonBlocking));
    CHECK(cudaStreamWaitEvent(s1, ready, 0));
    int *dst;
    CHECK(cudaMallocAsync(&dst, n * sizeof(int), s1)); // device 1's current pool
    cudaPointerAttributes attr;
    CHECK(cudaPointerGetAttributes(&attr, dst));
    EXPECT_EQ_LL(attr.device, 1);
    scale<<<n / 256, 256, 0, s1>>>(src, dst, n, 3);
    CHECK(cudaMemcpyAsync(out, dst, sizeof out, cudaMemcpyDeviceToHost, s1));
    CHECK(cudaFreeAsync(dst, s1));
    // Device 1's stream may also allocate from device 0's pool.
    int *remote;
    CHECK(cudaMallocFromPoolAsync((void **)&remote, 256, pool0, s1));
    CHECK(cudaPointerGetAttributes(&attr, remote));
    EXPECT_EQ_LL(attr.device, 0);
    CHECK(cudaFreeAsync(remote, s1));
    CHECK(cudaStreamSynchronize(s1));
    for (int i = 0; i < n; i++)
        EXPECT_EQ_LL(out[i], 3 * i);
    CHECK(cudaSetDevice(0));
    CHECK(cudaFreeAsync(src, s0));
    CHECK(cudaStreamSynchronize(s0));

    uint64_t used = 1;
    CHECK(cudaMemPoolGetAttribute(pool1, cudaMemPoolAttrUsedMemCurrent, &used));
    EXPECT_EQ_LL(used, 0);
    CHECK(cudaMemPoolGetAttribute(pool0, cudaMemPoolAttrUsedMemCurrent, &used));
    EXPECT_EQ_LL(used, 0);
    CHECK(cudaEventDestroy(ready));
    CHECK(cudaStreamDestroy(s0));
    CHECK(cudaStreamDestroy(s1));
    return finish("mempool_p2p");
}
