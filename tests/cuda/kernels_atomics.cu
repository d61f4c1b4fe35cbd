// nvcc-variants: sm_80 sm_90 sm_120
// Engine (issue 5): atomics across blocks that run on different host threads — a shared-memory
// histogram merged with global atomics, 64-bit add and compare-and-swap, float and double add,
// min/max, wrapping inc/dec, exchange and bitwise ops — checked against host counts.
#include <vector>
#include "common.h"

#define BINS 64

__global__ void histogram(const unsigned char *data, int n, unsigned *bins)
{
    __shared__ unsigned local[BINS];
    for (int b = threadIdx.x; b < BINS; b += blockDim.x)
        local[b] = 0;
    __syncthreads();
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += blockDim.x * gridDim.x)
        atomicAdd(&local[data[i] % BINS], 1u);
    __syncthreads();
    for (int b = threadIdx.x; b < BINS; b += blockDim.x)
        atomicAdd(&bins[b], local[b]);
}

struct results {
    unsigned long long sum64;
    unsigned long long cas_count;
    float fsum;
    double dsum;
    int minv, maxv;
    unsigned inc, dec;
    int exch_seen;
    unsigned or_bits, and_bits, xor_bits;
};

__global__ void many_atomics(results *r, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n)
        return;
    atomicAdd(&r->sum64, (unsigned long long)i * 1000003ull);
    // A compare-and-swap loop incrementing a 64-bit counter.
    unsigned long long old = r->cas_count, assumed;
    do {
        assumed = old;
        old = atomicCAS(&r->cas_count, assumed, assumed + 1);
    } while (old != assumed);
    atomicAdd(&r->fsum, 0.5f);
    atomicAdd(&r->dsum, 0.25);
    atomicMin(&r->minv, (i * 37) % 1000 - 500);
    atomicMax(&r->maxv, (i * 37) % 1000 - 500);
    atomicInc(&r->inc, 99u); // wraps to 0 after 99
    atomicDec(&r->dec, 49u); // wraps to 49 below 0
    if (atomicExch(&r->exch_seen, 1) == 0)
        atomicAdd(&r->sum64, 0ull); // exactly one thread sees the initial 0
    atomicOr(&r->or_bits, 1u << (i % 32));
    atomicAnd(&r->and_bits, ~(1u << (i % 7)));
    atomicXor(&r->xor_bits, (unsigned)i);
}

int main()
{
    const int n = 1 << 20;
    std::vector<unsigned char> data(n);
    unsigned want[BINS] = {0};
    for (int i = 0; i < n; i++) {
        data[i] = (unsigned char)((i * 131u + (i >> 7)) & 0xff);
        want[data[i] % BINS]++;
    }
    unsigned char *d_data;
    unsigned *d_bins;
    CHECK(cudaMalloc(&d_data, n));
    CHECK(cudaMalloc(&d_bins, sizeof want));
    CHECK(cudaMemcpy(d_data, data.data(), n, cudaMemcpyHostToDevice));
    CHECK(cudaMemset(d_bins, 0, sizeof want));
    histogram<<<40, 256>>>(d_data, n, d_bins);
    CHECK(cudaGetLastError());
    unsigned got[BINS];
    CHECK(cudaMemcpy(got, d_bins, sizeof got, cudaMemcpyDeviceToHost));
    for (int b = 0; b < BINS; b++)
        EXPECT_EQ_LL(got[b], want[b]);

    const int m = 20000;
    results init = {};
    init.minv = 1 << 30;
    init.maxv = -(1 << 30);
    init.and_bits = 0xffffffffu;
    results *d_r;
    CHECK(cudaMalloc(&d_r, sizeof init));
    CHECK(cudaMemcpy(d_r, &init, sizeof init, cudaMemcpyHostToDevice));
    many_atomics<<<(m + 127) / 128, 128>>>(d_r, m);
    CHECK(cudaGetLastError());
    results r;
    CHECK(cudaMemcpy(&r, d_r, sizeof r, cudaMemcpyDeviceToHost));
    unsigned long long sum = 0;
    int minv = 1 << 30, maxv = -(1 << 30);
    unsigned orb = 0, andb = 0xffffffffu, xorb = 0;
    for (int i = 0; i < m; i++) {
        sum += (unsigned long long)i * 1000003ull;
        int v = (i * 37) % 1000 - 500;
        minv = v < minv ? v : minv;
        maxv = v > maxv ? v : maxv;
        orb |= 1u << (i % 32);
        andb &= ~(1u << (i % 7));
        xorb ^= (unsigned)i;
    }
    EXPECT_EQ_LL(r.sum64, sum);
    EXPECT_EQ_LL(r.cas_count, m);
    EXPECT(r.fsum == 0.5f * m);
    EXPECT(r.dsum == 0.25 * m);
    EXPECT_EQ_LL(r.minv, minv);
    EXPECT_EQ_LL(r.maxv, maxv);
    EXPECT_EQ_LL(r.inc, m % 100);              // counts 0..99 then wraps
    EXPECT_EQ_LL(r.dec, (50 - m % 50) % 50);   // counts down from 0, wrapping to 49
    EXPECT_EQ_LL(r.exch_seen, 1);
    EXPECT_EQ_LL(r.or_bits, orb);
    EXPECT_EQ_LL(r.and_bits, andb);
    EXPECT_EQ_LL(r.xor_bits, xorb);
    CHECK(cudaFree(d_data));
    CHECK(cudaFree(d_bins));
    CHECK(cudaFree(d_r));
    return finish("kernels_atomics");
}
