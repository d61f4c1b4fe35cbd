// bad_input_launch.cu - launches that must be refused before anything runs (issue 7's
// bad-input table, launch rows): empty and oversized grids and blocks, too much shared memory,
// a function that is not a kernel, missing arguments, a cooperative grid that cannot be
// co-resident.  The codes are what NVIDIA's CUDA 13 runtime returns (shared/FACTS.md: an
// oversized block is cudaErrorInvalidValue, not the cudaErrorInvalidConfiguration of older
// documentation; issue 4 lists the other configuration checks).  A refused launch does not run
// (the kernels below would leave a mark) and its error is not sticky.
#include "bad_input.h"

__device__ int ran; // set by any kernel that runs

__global__ void mark() { ran = 1; }

__global__ void mark_with(int *p, int v)
{
    ran = 1;
    if (p)
        *p = v;
}

__global__ void mark_dynamic()
{
    extern __shared__ int dynamic_smem[];
    dynamic_smem[threadIdx.x] = 1;
    ran = 1;
}

// 40 KiB of static shared memory: with 16 KiB more dynamic it passes the 48 KiB default.
__global__ void mark_big_static()
{
    __shared__ int big[10240];
    extern __shared__ int more[];
    big[threadIdx.x] = 1;
    more[threadIdx.x] = big[threadIdx.x];
    ran = 1;
}

__global__ void mark_cooperative() { ran = 1; }

// An ordinary host function: its address is not a registered kernel.
static void not_a_kernel() {}

static cudaError_t launched(void)
{
    return cudaPeekAtLastError();
}

static const struct bad_row rows[] = {
    {"<<<0, 32>>>: an empty grid", cudaErrorInvalidValue, NOT_STICKY,
     [] {
         mark<<<0, 32>>>();
         return launched();
     }},
    {"<<<1, 0>>>: an empty block", cudaErrorInvalidValue, NOT_STICKY,
     [] {
         mark<<<1, 0>>>();
         return launched();
     }},
    {"<<<(1,0,1), 1>>>: an empty grid dimension", cudaErrorInvalidValue, NOT_STICKY,
     [] {
         mark<<<dim3(1, 0, 1), 1>>>();
         return launched();
     }},
    {"<<<1, 2048>>>: more than 1024 threads", cudaErrorInvalidValue, NOT_STICKY,
     [] {
         mark<<<1, 2048>>>();
         return launched();
     }},
    {"<<<1, (1025,1,1)>>>: block.x above 1024", cudaErrorInvalidValue, NOT_STICKY,
     [] {
         mark<<<1, dim3(1025, 1, 1)>>>();
         return launched();
     }},
    {"<<<1, (1,1,65)>>>: block.z above 64", cudaErrorInvalidValue, NOT_STICKY,
     [] {
         mark<<<1, dim3(1, 1, 65)>>>();
         return launched();
     }},
    {"<<<1, (32,32,2)>>>: 2048 threads in three dimensions", cudaErrorInvalidValue, NOT_STICKY,
     [] {
         mark<<<1, dim3(32, 32, 2)>>>();
         return launched();
     }},
    {"<<<(1,65536), 1>>>: grid.y above 65535", cudaErrorInvalidValue, NOT_STICKY,
     [] {
         mark<<<dim3(1, 65536, 1), 1>>>();
         return launched();
     }},
    {"<<<(1,1,65536), 1>>>: grid.z above 65535", cudaErrorInvalidValue, NOT_STICKY,
     [] {
         mark<<<dim3(1, 1, 65536), 1>>>();
         return launched();
     }},
    {"64 KiB dynamic shared memory without opting in", cudaErrorInvalidValue, NOT_STICKY,
     [] {
         mark_dynamic<<<1, 32, 64 * 1024>>>();
         return launched();
     }},
    {"1 MiB dynamic shared memory", cudaErrorInvalidValue, NOT_STICKY,
     [] {
         mark_dynamic<<<1, 32, 1 << 20>>>();
         return launched();
     }},
    {"40 KiB static + 16 KiB dynamic without opting in", cudaErrorInvalidValue, NOT_STICKY,
     [] {
         mark_big_static<<<1, 32, 16 * 1024>>>();
         return launched();
     }},
    {"opting in above the device's shared memory", cudaErrorInvalidValue, NOT_STICKY,
     [] {
         return cudaFuncSetAttribute(mark_dynamic, cudaFuncAttributeMaxDynamicSharedMemorySize,
                                     1 << 20);
     }},
    {"launch of a host function", cudaErrorInvalidDeviceFunction, NOT_STICKY,
     [] {
         return cudaLaunchKernel((const void *)not_a_kernel, dim3(1), dim3(1), nullptr, 0, 0);
     }},
    {"launch of a null function", cudaErrorInvalidDeviceFunction, NOT_STICKY,
     [] { return cudaLaunchKernel((const void *)nullptr, dim3(1), dim3(1), nullptr, 0, 0); }},
    {"attributes of a host function", cudaErrorInvalidDeviceFunction, NOT_STICKY,
     [] {
         cudaFuncAttributes a;
         return cudaFuncGetAttributes(&a, (const void *)not_a_kernel);
     }},
    // NVIDIA's driver reads the argument array without checking it; a null array for a kernel
    // with parameters must not take the process down, and "invalid value" is what the call
    // has been given.
    {"launch with a null argument array", cudaErrorInvalidValue, NOT_STICKY,
     [] { return cudaLaunchKernel((const void *)mark_with, dim3(1), dim3(1), nullptr, 0, 0); }},
    {"launch with a null argument", cudaErrorInvalidValue, NOT_STICKY,
     [] {
         int v = 3;
         void *args[] = {nullptr, &v};
         return cudaLaunchKernel((const void *)mark_with, dim3(1), dim3(1), args, 0, 0);
     }},
    {"a cooperative grid larger than the device", cudaErrorCooperativeLaunchTooLarge, NOT_STICKY,
     [] {
         return cudaLaunchCooperativeKernel((const void *)mark_cooperative, dim3(1u << 20),
                                            dim3(1024), nullptr, 0, 0);
     }},
};

int main()
{
    int zero = 0;
    CHECK(cudaMemcpyToSymbol(ran, &zero, sizeof zero));
    RUN_TABLE("bad_input_launch", rows);
    // None of the refused launches ran.
    int flag = -1;
    CHECK(cudaMemcpyFromSymbol(&flag, ran, sizeof flag));
    EXPECT_EQ_LL(flag, 0);
    // Good launches of the same kernels run: the refusals left nothing behind.
    mark<<<1, 32>>>();
    CHECK(cudaGetLastError());
    CHECK(cudaFuncSetAttribute(mark_big_static, cudaFuncAttributeMaxDynamicSharedMemorySize,
                               16 * 1024));
    mark_big_static<<<1, 32, 16 * 1024>>>();
    CHECK(cudaGetLastError());
    CHECK(cudaDeviceSynchronize());
    CHECK(cudaMemcpyFromSymbol(&flag, ran, sizeof flag));
    EXPECT_EQ_LL(flag, 1);
    return finish("bad_input_launch");
}
