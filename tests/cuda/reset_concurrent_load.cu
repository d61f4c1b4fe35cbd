// One thread resets device 1 over and over while another loads and unloads libraries and
// first-uses the program's kernels and variables on device 0 (CUSHIM_CPU_DEVICES=2): the two
// take the runtime's registry and module locks, and must never wait for each other in a
// cycle (this hung before the variables got a lock of their own).
#include <atomic>
#include <thread>

#include "common.h"

__global__ void touch(int *p)
{
    if (p)
        *p = 1;
}
__device__ int program_variable;

static const char library_ptx[] = ".version 8.0\n.target sm_75\n.address_size 64\n"
                                  ".visible .global .align 4 .u32 counter;\n"
                                  ".visible .entry noop()\n{\n\tret;\n}\n";

int main()
{
    int count = 0;
    CHECK(cudaGetDeviceCount(&count));
    if (count < 2) {
        printf("reset_concurrent_load: needs CUSHIM_CPU_DEVICES=2\n");
        return 1;
    }
    std::atomic<int> stop{0}, failures{0};
    std::thread loader([&] {
        if (cudaSetDevice(0) != cudaSuccess)
            failures++;
        touch<<<1, 1>>>(nullptr);
        int value = 7;
        if (cudaMemcpyToSymbol(program_variable, &value, sizeof value) != cudaSuccess)
            failures++;
        for (int i = 0; i < 200; i++) {
            cudaLibrary_t lib;
            if (cudaLibraryLoadData(&lib, library_ptx, NULL, NULL, 0, NULL, NULL, 0) != cudaSuccess ||
                cudaLibraryUnload(lib) != cudaSuccess)
                failures++;
        }
        stop = 1;
    });
    std::thread resetter([&] {
        if (cudaSetDevice(1) != cudaSuccess)
            failures++;
        while (!stop)
            if (cudaDeviceReset() != cudaSuccess)
                failures++;
    });
    loader.join();
    resetter.join();
    EXPECT_EQ_LL(failures.load(), 0);
    return finish("reset_concurrent_load");
}
