// Engine (issue 5): a failing device assert prints NVIDIA's message (file, line, function,
// block, thread, condition) on stderr, makes the launch fail with cudaErrorAssert, and the
// error is sticky until cudaDeviceReset, after which the device works again.  A trap gives
// cudaErrorLaunchFailure.  The program reads its own stderr back through a temporary file.
#include <cassert>
#include <unistd.h>
#include "common.h"

__global__ void check_positive(const int *v, int *out)
{
    int i = threadIdx.x;
    assert(v[i] >= 0);
    out[i] = v[i] * 2;
}

__global__ void trap_now()
{
    __trap();
}

__global__ void ok(int *out)
{
    out[threadIdx.x] = 7;
}

int main()
{
    char path[] = "/tmp/cushim-assert-XXXXXX";
    int fd = mkstemp(path);
    fflush(stderr);
    int saved = dup(2);
    dup2(fd, 2);

    int h[32];
    for (int i = 0; i < 32; i++)
        h[i] = i == 13 ? -5 : i;
    int *d, *out;
    CHECK(cudaMalloc(&d, sizeof h));
    CHECK(cudaMalloc(&out, sizeof h));
    CHECK(cudaMemcpy(d, h, sizeof h, cudaMemcpyHostToDevice));
    check_positive<<<1, 32>>>(d, out);
    EXPECT_ERR(cudaGetLastError(), cudaSuccess); // the launch itself was fine
    EXPECT_ERR(cudaDeviceSynchronize(), cudaErrorAssert);
    // Sticky: the context is unusable until it is reset.
    EXPECT_ERR(cudaMemcpy(h, out, sizeof h, cudaMemcpyDeviceToHost), cudaErrorAssert);
    EXPECT_ERR(cudaMalloc(&d, 16), cudaErrorAssert);
    EXPECT_ERR(cudaGetLastError(), cudaErrorAssert);
    CHECK(cudaDeviceReset());

    CHECK(cudaMalloc(&out, sizeof h));
    ok<<<1, 32>>>(out);
    CHECK(cudaDeviceSynchronize());
    CHECK(cudaMemcpy(h, out, sizeof h, cudaMemcpyDeviceToHost));
    EXPECT(h[31] == 7);

    trap_now<<<1, 1>>>();
    EXPECT_ERR(cudaDeviceSynchronize(), cudaErrorLaunchFailure);
    CHECK(cudaDeviceReset());

    fflush(stderr);
    dup2(saved, 2);
    char text[4096] = {0};
    lseek(fd, 0, SEEK_SET);
    ssize_t got = read(fd, text, sizeof text - 1);
    close(fd);
    unlink(path);
    EXPECT(got > 0);
    EXPECT(strstr(text, "kernels_assert.cu:") != nullptr);
    EXPECT(strstr(text, "check_positive") != nullptr);
    EXPECT(strstr(text, "block: [0,0,0], thread: [13,0,0] Assertion `v[i] >= 0` failed.") != nullptr);
    EXPECT(strstr(text, "thread: [12,0,0]") == nullptr); // only the failing thread reports
    if (g_failures)
        fprintf(stderr, "captured stderr:\n%s\n", text);
    return finish("kernels_assert");
}
