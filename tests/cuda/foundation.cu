// Foundation (issue 3): a program built by nvcc with -cudart shared binds to cushim's
// libcudart.so.13, reaches main, and the runtime answers version and error-handling calls the
// way NVIDIA's does; an unimplemented function answers cudaErrorNotSupported and records it.
#include "common.h"

int main()
{
    int runtime = 0, driver = 0;
    CHECK(cudaRuntimeGetVersion(&runtime));
    CHECK(cudaDriverGetVersion(&driver));
    EXPECT_EQ_LL(runtime, 13000);
    EXPECT(driver >= runtime);
    EXPECT_ERR(cudaRuntimeGetVersion(nullptr), cudaErrorInvalidValue);

    // The failing call above became the last error; reading it clears it, peeking does not.
    EXPECT_ERR(cudaPeekAtLastError(), cudaErrorInvalidValue);
    EXPECT_ERR(cudaPeekAtLastError(), cudaErrorInvalidValue);
    EXPECT_ERR(cudaGetLastError(), cudaErrorInvalidValue);
    EXPECT_ERR(cudaGetLastError(), cudaSuccess);

    // Error names and texts, as NVIDIA's runtime gives them.
    EXPECT(strcmp(cudaGetErrorName(cudaSuccess), "cudaSuccess") == 0);
    EXPECT(strcmp(cudaGetErrorString(cudaSuccess), "no error") == 0);
    EXPECT(strcmp(cudaGetErrorName(cudaErrorMemoryAllocation), "cudaErrorMemoryAllocation") == 0);
    EXPECT(strcmp(cudaGetErrorString(cudaErrorMemoryAllocation), "out of memory") == 0);
    EXPECT(strcmp(cudaGetErrorString(cudaErrorInvalidValue), "invalid argument") == 0);
    EXPECT(strcmp(cudaGetErrorString(cudaErrorAssert), "device-side assert triggered") == 0);
    EXPECT(strcmp(cudaGetErrorName((cudaError_t)12345), "unrecognized error code") == 0);

    // A function cushim does not implement says so and records the error.
    cudaExternalSemaphore_t sem;
    cudaExternalSemaphoreHandleDesc desc;
    memset(&desc, 0, sizeof desc);
    desc.type = cudaExternalSemaphoreHandleTypeOpaqueFd;
    desc.handle.fd = -1;
    EXPECT_ERR(cudaImportExternalSemaphore(&sem, &desc), cudaErrorNotSupported);
    EXPECT_ERR(cudaGetLastError(), cudaErrorNotSupported);

    int count = 0;
    CHECK(cudaGetDeviceCount(&count));
    EXPECT(count >= 1);
    return finish("foundation");
}
