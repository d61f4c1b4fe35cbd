// nvcc-flags: -rdc=true -lcudadevrt
// The device runtime's queries in device code (Programming Guide, dynamic parallelism: device
// runtime API): cudaGetDevice, cudaGetDeviceCount, cudaDeviceGetAttribute and
// cudaOccupancyMaxActiveBlocksPerMultiprocessor answer what the host's calls answer; an
// attribute of a device that does not exist is an error.
#include "common.h"

__global__ void heavy(float *p)
{
    __shared__ float tile[4096];
    tile[threadIdx.x] = p[threadIdx.x];
    __syncthreads();
    p[threadIdx.x] = tile[(threadIdx.x + 1) % blockDim.x];
}

__global__ void query(int *out)
{
    int dev = -1, count = -1, sms = -1, threads = -1, warp = -1, dummy = 0;
    out[0] = cudaGetDevice(&dev);
    out[1] = cudaGetDeviceCount(&count);
    out[2] = cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, dev);
    out[3] = cudaDeviceGetAttribute(&threads, cudaDevAttrMaxThreadsPerBlock, dev);
    out[4] = cudaDeviceGetAttribute(&warp, cudaDevAttrWarpSize, dev);
    out[5] = cudaDeviceGetAttribute(&dummy, cudaDevAttrWarpSize, count + 3);
    out[6] = dev;
    out[7] = count;
    out[8] = sms;
    out[9] = threads;
    out[10] = warp;
    int blocks = -1;
    out[11] = cudaOccupancyMaxActiveBlocksPerMultiprocessor(&blocks, heavy, 256, 1024);
    out[12] = blocks;
}

int main()
{
    int *d, h[13];
    CHECK(cudaMalloc(&d, sizeof h));
    query<<<1, 1>>>(d);
    CHECK(cudaGetLastError());
    CHECK(cudaMemcpy(h, d, sizeof h, cudaMemcpyDeviceToHost));
    int dev = 0, count = 0, sms = 0, threads = 0;
    CHECK(cudaGetDevice(&dev));
    CHECK(cudaGetDeviceCount(&count));
    CHECK(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, dev));
    CHECK(cudaDeviceGetAttribute(&threads, cudaDevAttrMaxThreadsPerBlock, dev));
    for (int i = 0; i < 5; i++)
        EXPECT_EQ_LL(h[i], cudaSuccess);
    EXPECT_EQ_LL(h[5], cudaErrorInvalidDevice);
    EXPECT_EQ_LL(h[6], dev);
    EXPECT_EQ_LL(h[7], count);
    EXPECT_EQ_LL(h[8], sms);
    EXPECT_EQ_LL(h[9], threads);
    EXPECT_EQ_LL(h[10], 32);
    int blocks = 0;
    CHECK(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&blocks, heavy, 256, 1024));
    EXPECT_EQ_LL(h[11], cudaSuccess);
    EXPECT_EQ_LL(h[12], blocks);
    EXPECT(blocks > 0);
    return finish("cdp_device_queries");
}
