// nvcc-flags: -gencode arch=compute_80,code=compute_80 -gencode arch=compute_90,code=compute_90
// With PTX for several targets in the program, the one that runs is the newest the device's
// compute capability admits, as a GPU's driver chooses: code a program keeps for newer GPUs
// (#if __CUDA_ARCH__ >= 900) stays out of it on an older device.
#include "common.h"

__global__ void which_arch(int *out)
{
#ifdef __CUDA_ARCH__
    *out = __CUDA_ARCH__;
#endif
}

int main()
{
    int major = 0, minor = 0;
    CHECK(cudaDeviceGetAttribute(&major, cudaDevAttrComputeCapabilityMajor, 0));
    CHECK(cudaDeviceGetAttribute(&minor, cudaDevAttrComputeCapabilityMinor, 0));
    int cc = major * 10 + minor;
    int *d, arch = 0;
    CHECK(cudaMalloc(&d, sizeof arch));
    which_arch<<<1, 1>>>(d);
    CHECK(cudaMemcpy(&arch, d, sizeof arch, cudaMemcpyDeviceToHost));
    EXPECT_EQ_LL(arch, cc >= 90 ? 900 : 800);
    return finish("ptx_choice");
}
