// Shifts by a constant count and the 32/64-bit integer conversions of index arithmetic
// (shl.b64 %rd, %rd, 2; shr.s32 %r, %r, 31; cvt.s64.s32; cvt.u64.u32; cvt.u32.u64), which the
// engine runs with dedicated vector handlers; every -G build is full of them.  Expectations
// are computed on the host with C's own shifts and conversions.
#include <cstdint>
#include <cstdio>

#ifndef TEST_NAME
#define TEST_NAME "kernels_shift_cvt_imm"
#endif

#define NOUT 16

/* The same source runs on the device (as the engine executes nvcc's PTX) and on the host (as
 * the host compiler executes C++), which is the independent expectation. */
__host__ __device__ void results(uint64_t v, uint64_t *o)
{
    uint32_t lo = (uint32_t)v;
    int32_t slo = (int32_t)lo;
    int64_t sv = (int64_t)v;
    o[0] = v << 2;
    o[1] = v << 63;
    o[2] = v >> 1;
    o[3] = v >> 63;
    o[4] = (uint64_t)(sv >> 7);
    o[5] = (uint64_t)(sv >> 63);
    o[6] = lo << 5;
    o[7] = lo >> 31;
    o[8] = (uint32_t)(slo >> 31);
    o[9] = (uint32_t)(slo >> 3);
    o[10] = (uint64_t)(int64_t)slo;  /* cvt.s64.s32 */
    o[11] = (uint64_t)lo;            /* cvt.u64.u32 */
    o[12] = (uint32_t)(v >> 32);     /* cvt.u32.u64 after a shift */
    o[13] = (uint64_t)(int64_t)(int32_t)(v >> 17);
    o[14] = (uint64_t)(int64_t)(int16_t)lo;
    o[15] = (uint64_t)((int64_t)slo * 4 + (int64_t)(v >> 40));
}

__global__ void shifts(const uint64_t *in, uint64_t *out, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n)
        results(in[i], out + (size_t)i * NOUT);
}

int main()
{
    const int n = 1000; /* not a multiple of 32: the last warp is partial */
    uint64_t *in, *out;
    if (cudaMallocManaged(&in, n * sizeof *in) != cudaSuccess ||
        cudaMallocManaged(&out, (size_t)n * NOUT * sizeof *out) != cudaSuccess) {
        printf("FAIL %s: allocation\n", TEST_NAME);
        return 1;
    }
    uint64_t x = 0x9E3779B97F4A7C15ull;
    for (int i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        in[i] = i < 8 ? (uint64_t[]){0, 1, ~0ull, 0x80000000ull, 0x7FFFFFFFull, 0xFFFFFFFF80000000ull,
                                     0x8000000000000000ull, 0xFFFFull}[i]
                      : x;
    }
    shifts<<<(n + 127) / 128, 128>>>(in, out, n);
    cudaError_t err = cudaDeviceSynchronize();
    if (err != cudaSuccess) {
        printf("FAIL %s: %s\n", TEST_NAME, cudaGetErrorString(err));
        return 1;
    }
    int bad = 0;
    for (int i = 0; i < n; i++) {
        uint64_t want[NOUT];
        results(in[i], want);
        for (int k = 0; k < NOUT; k++)
            if (out[(size_t)i * NOUT + k] != want[k] && bad++ < 5)
                printf("thread %d input %#llx result %d: got %#llx want %#llx\n", i,
                       (unsigned long long)in[i], k, (unsigned long long)out[(size_t)i * NOUT + k],
                       (unsigned long long)want[k]);
    }
    if (bad) {
        printf("FAIL %s: %d wrong results\n", TEST_NAME, bad);
        return 1;
    }
    printf("PASS %s\n", TEST_NAME);
    return 0;
}
