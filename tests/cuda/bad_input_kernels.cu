// bad_input_kernels.cu - kernels that fault (issue 7's bad-input table, kernel rows): out of
// bounds in every space, freed and null memory, misalignment, trap, assert, endless recursion
// and a spin that never ends (stopped by the watchdog, CUSHIM_KERNEL_TIMEOUT=1 from
// bad_input_kernels.env); and division by zero, which is no fault at all.
//
// A kernel fault is sticky on NVIDIA's runtime: the call that sees it and every later call
// return the error, cudaGetLastError does not clear it, and only cudaDeviceReset does.  Each
// row checks exactly that, then resets (bad_input.h), so every row starts on a clean device.
#include <cassert>

#include "bad_input.h"

static const int N = 1024;

__global__ void write_at(int *p, long long index)
{
    if (threadIdx.x == 0)
        p[index] = 1;
}

__global__ void read_at(const int *p, long long index, int *out)
{
    if (threadIdx.x == 0)
        *out = p[index];
}

__global__ void shared_at(int index, int *out)
{
    __shared__ int s[64];
    s[threadIdx.x % 64] = threadIdx.x;
    __syncthreads();
    if (threadIdx.x == 0)
        *out = s[index];
}

__global__ void local_at(int index, int *out)
{
    int a[8];
    for (int i = 0; i < 8; i++)
        a[i] = out[i];
    if (threadIdx.x == 0)
        *out = a[index];
}

__global__ void misaligned(char *p, int *out)
{
    if (threadIdx.x == 0)
        *out = *(int *)(p + 1);
}

__global__ void trap_now()
{
    if (threadIdx.x == 5)
        asm volatile("trap;");
}

__global__ void assert_false(int v)
{
    assert(v == 42);
}

// Recursion bounded only by a limit far beyond any stack (the compiler cannot prove it
// finite and turn it into a loop), with a local array so each frame takes stack.
__device__ __noinline__ int deeper(int n, int limit, int *out)
{
    volatile int frame[16];
    for (int i = 0; i < 16; i++)
        frame[i] = n + i;
    if (n >= limit)
        return frame[n & 15];
    return deeper(n + 1, limit, out) + frame[(n * 7) & 15];
}

__global__ void recurse(int limit, int *out)
{
    *out = deeper(0, limit, out);
}

__global__ void spin(volatile int *flag)
{
    while (*flag == 0) {
    }
}

// PTX's div and rem: "division by zero yields an unspecified, machine-specific value" (PTX
// ISA, integer arithmetic), and no exception.  NVIDIA's GPUs give a quotient of all ones and
// a remainder equal to the dividend, and so does cushim; floats follow IEEE 754.
__global__ void divide(unsigned a, int b, unsigned zero, int izero, float fzero, long long *out)
{
    out[0] = a / zero;
    out[1] = b / izero;
    out[2] = a % zero;
    out[3] = b % izero;
    float q = 1.0f / fzero;
    out[4] = isinf(q) && q > 0;
}

__global__ void warm_up() {}

// The device is reset after every sticky row, which frees all of its memory and unloads the
// program's module: allocate anew, after the module is loaded again, so the module's own
// device memory cannot land right after (or in place of) the memory a row misuses.
static int *fresh(void)
{
    warm_up<<<1, 1>>>();
    int *p = nullptr;
    if (cudaDeviceSynchronize() != cudaSuccess || cudaMalloc(&p, N * sizeof(int)) != cudaSuccess)
        return nullptr;
    return p;
}

static const struct bad_row rows[] = {
    {"write far past the end of an allocation", cudaErrorIllegalAddress, STICKY,
     [] {
         write_at<<<1, 32>>>(fresh(), 1 << 24);
         return cudaDeviceSynchronize();
     }},
    {"write just past the end of an allocation", cudaErrorIllegalAddress, STICKY,
     [] {
         write_at<<<1, 32>>>(fresh(), N);
         return cudaDeviceSynchronize();
     }},
    {"read far before the start of an allocation", cudaErrorIllegalAddress, STICKY,
     [] {
         /* (just before the start may be the end of the page of the allocation below, where
          * a GPU does not fault either: kernels_tail_overrun.cu) */
         int *p = fresh();
         read_at<<<1, 32>>>(p, -(1LL << 24), p);
         return cudaDeviceSynchronize();
     }},
    {"write through a null pointer", cudaErrorIllegalAddress, STICKY,
     [] {
         write_at<<<1, 32>>>(nullptr, 0);
         return cudaDeviceSynchronize();
     }},
    {"read freed memory", cudaErrorIllegalAddress, STICKY,
     [] {
         int *p = fresh(), *out = fresh();
         if (cudaFree(p) != cudaSuccess)
             return cudaErrorUnknown;
         read_at<<<1, 32>>>(p, 0, out);
         return cudaDeviceSynchronize();
     }},
    {"read host memory the device cannot reach", cudaErrorIllegalAddress, STICKY,
     [] {
         static int host_only[16];
         read_at<<<1, 32>>>(host_only, 0, fresh());
         return cudaDeviceSynchronize();
     }},
    {"shared memory past its end", cudaErrorIllegalAddress, STICKY,
     [] {
         shared_at<<<1, 64>>>(1 << 20, fresh());
         return cudaDeviceSynchronize();
     }},
    {"local memory past its end", cudaErrorIllegalAddress, STICKY,
     [] {
         local_at<<<1, 32>>>(1 << 22, fresh());
         return cudaDeviceSynchronize();
     }},
    {"a misaligned 4-byte load", cudaErrorMisalignedAddress, STICKY,
     [] {
         int *p = fresh();
         misaligned<<<1, 32>>>((char *)p, p);
         return cudaDeviceSynchronize();
     }},
    {"trap", cudaErrorLaunchFailure, STICKY,
     [] {
         trap_now<<<2, 32>>>();
         return cudaDeviceSynchronize();
     }},
    {"a failed assert", cudaErrorAssert, STICKY,
     [] {
         assert_false<<<1, 32>>>(7);
         return cudaDeviceSynchronize();
     }},
    // A GPU that runs out of stack stops the kernel with an unspecified launch failure.
    {"recursion without end", cudaErrorLaunchFailure, STICKY,
     [] {
         recurse<<<1, 32>>>(1 << 30, fresh());
         return cudaDeviceSynchronize();
     }},
    // The watchdog (CUSHIM_KERNEL_TIMEOUT) stops the spin as a display watchdog would.
    {"a spin that never ends", cudaErrorLaunchTimeout, STICKY,
     [] {
         int *flag = fresh();
         if (cudaMemset(flag, 0, sizeof(int)) != cudaSuccess)
             return cudaErrorUnknown;
         spin<<<1, 32>>>(flag);
         return cudaDeviceSynchronize();
     }},
    {"a fault seen by the next launch", cudaErrorIllegalAddress, STICKY,
     [] {
         int *good = fresh();
         write_at<<<1, 32>>>(nullptr, 0);
         cudaError_t sync = cudaStreamSynchronize(0);
         write_at<<<1, 32>>>(good, 0);
         cudaError_t next = cudaPeekAtLastError();
         return sync == next ? next : cudaErrorUnknown;
     }},
    {"division by zero", cudaSuccess, NOT_STICKY,
     [] {
         long long *out = nullptr, h[5];
         cudaError_t e = cudaMalloc(&out, sizeof h);
         if (e != cudaSuccess)
             return e;
         divide<<<1, 1>>>(7u, -7, 0u, 0, 0.0f, out);
         if ((e = cudaMemcpy(h, out, sizeof h, cudaMemcpyDeviceToHost)) == cudaSuccess) {
             EXPECT_EQ_LL(h[0], 0xffffffffll);
             EXPECT_EQ_LL(h[1], -1);
             EXPECT_EQ_LL(h[2], 7);
             EXPECT_EQ_LL(h[3], -7);
             EXPECT_EQ_LL(h[4], 1);
         }
         cudaFree(out);
         return e;
     }},
};

int main()
{
    // The watchdog is on: the device says so, as a GPU with a display watchdog does.
    int timeout = 0;
    CHECK(cudaDeviceGetAttribute(&timeout, cudaDevAttrKernelExecTimeout, 0));
    EXPECT_EQ_LL(timeout, 1);
    RUN_TABLE("bad_input_kernels", rows);
    return finish("bad_input_kernels");
}
