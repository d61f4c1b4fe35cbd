// nvcc-variants: sm_80 sm_90 sm_120
// Engine (issue 5): reductions (shared-memory tree, warp shuffles) and scans (block-level
// Hillis-Steele in shared memory, then a three-pass multi-block scan), checked element by
// element against the host.
#include <vector>
#include "common.h"

__global__ void reduce_tree(const int *in, long long *out, int n)
{
    extern __shared__ long long partial[];
    int tid = threadIdx.x;
    long long sum = 0;
    for (int i = blockIdx.x * blockDim.x + tid; i < n; i += blockDim.x * gridDim.x)
        sum += in[i];
    partial[tid] = sum;
    __syncthreads();
    for (int stride = blockDim.x / 2; stride > 0; stride >>= 1) {
        if (tid < stride)
            partial[tid] += partial[tid + stride];
        __syncthreads();
    }
    if (tid == 0)
        atomicAdd((unsigned long long *)out, (unsigned long long)partial[0]);
}

__global__ void reduce_shuffle(const float *in, float *out, int n)
{
    float v = 0.0f;
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += blockDim.x * gridDim.x)
        v += in[i];
    for (int offset = 16; offset > 0; offset >>= 1)
        v += __shfl_down_sync(0xffffffffu, v, offset);
    __shared__ float warp_sums[32];
    int lane = threadIdx.x % 32, warp = threadIdx.x / 32;
    if (lane == 0)
        warp_sums[warp] = v;
    __syncthreads();
    if (warp == 0) {
        v = lane < (int)(blockDim.x / 32) ? warp_sums[lane] : 0.0f;
        for (int offset = 16; offset > 0; offset >>= 1)
            v += __shfl_xor_sync(0xffffffffu, v, offset);
        if (lane == 0)
            out[blockIdx.x] = v;
    }
}

// Inclusive scan of one block's elements; block totals go to sums.
__global__ void scan_block(const int *in, int *out, int *sums, int n)
{
    extern __shared__ int buf[];
    int tid = threadIdx.x, i = blockIdx.x * blockDim.x + tid;
    buf[tid] = i < n ? in[i] : 0;
    __syncthreads();
    for (int offset = 1; offset < (int)blockDim.x; offset <<= 1) {
        int add = tid >= offset ? buf[tid - offset] : 0;
        __syncthreads();
        buf[tid] += add;
        __syncthreads();
    }
    if (i < n)
        out[i] = buf[tid];
    if (tid == blockDim.x - 1 && sums != nullptr)
        sums[blockIdx.x] = buf[tid];
}

__global__ void add_offsets(int *data, const int *scanned_sums, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (blockIdx.x > 0 && i < n)
        data[i] += scanned_sums[blockIdx.x - 1];
}

int main()
{
    const int n = 1 << 18;
    std::vector<int> h(n);
    std::vector<float> hf(n);
    long long want = 0;
    double want_f = 0;
    for (int i = 0; i < n; i++) {
        h[i] = (int)((i * 2654435761u) % 2001) - 1000;
        hf[i] = (float)(h[i] % 64) * 0.25f; // exactly representable partial sums
        want += h[i];
        want_f += hf[i];
    }
    int *d_in;
    float *d_f, *d_fout;
    long long *d_sum;
    CHECK(cudaMalloc(&d_in, n * sizeof(int)));
    CHECK(cudaMalloc(&d_f, n * sizeof(float)));
    CHECK(cudaMalloc(&d_fout, 64 * sizeof(float)));
    CHECK(cudaMalloc(&d_sum, sizeof(long long)));
    CHECK(cudaMemcpy(d_in, h.data(), n * sizeof(int), cudaMemcpyHostToDevice));
    CHECK(cudaMemcpy(d_f, hf.data(), n * sizeof(float), cudaMemcpyHostToDevice));
    CHECK(cudaMemset(d_sum, 0, sizeof(long long)));

    reduce_tree<<<48, 256, 256 * sizeof(long long)>>>(d_in, d_sum, n);
    CHECK(cudaGetLastError());
    long long got = 0;
    CHECK(cudaMemcpy(&got, d_sum, sizeof got, cudaMemcpyDeviceToHost));
    EXPECT_EQ_LL(got, want);

    reduce_shuffle<<<64, 512>>>(d_f, d_fout, n);
    CHECK(cudaGetLastError());
    float parts[64];
    CHECK(cudaMemcpy(parts, d_fout, sizeof parts, cudaMemcpyDeviceToHost));
    double got_f = 0;
    for (float p : parts)
        got_f += p;
    EXPECT(got_f == want_f);

    // Multi-block scan: scan blocks, scan the block sums, add them back.
    const int threads = 512, blocks = (n + threads - 1) / threads; // 512 blocks
    int *d_out, *d_sums, *d_sums_scanned;
    CHECK(cudaMalloc(&d_out, n * sizeof(int)));
    CHECK(cudaMalloc(&d_sums, blocks * sizeof(int)));
    CHECK(cudaMalloc(&d_sums_scanned, blocks * sizeof(int)));
    scan_block<<<blocks, threads, threads * sizeof(int)>>>(d_in, d_out, d_sums, n);
    scan_block<<<1, blocks, blocks * sizeof(int)>>>(d_sums, d_sums_scanned, nullptr, blocks);
    add_offsets<<<blocks, threads>>>(d_out, d_sums_scanned, n);
    CHECK(cudaGetLastError());
    std::vector<int> scanned(n);
    CHECK(cudaMemcpy(scanned.data(), d_out, n * sizeof(int), cudaMemcpyDeviceToHost));
    long long running = 0;
    int wrong = 0;
    for (int i = 0; i < n; i++) {
        running += h[i];
        if (scanned[i] != (int)running && wrong++ < 5)
            fprintf(stderr, "scan[%d] = %d, expected %lld\n", i, scanned[i], running);
    }
    EXPECT_EQ_LL(wrong, 0);

    CHECK(cudaFree(d_in));
    CHECK(cudaFree(d_f));
    CHECK(cudaFree(d_fout));
    CHECK(cudaFree(d_sum));
    CHECK(cudaFree(d_out));
    CHECK(cudaFree(d_sums));
    CHECK(cudaFree(d_sums_scanned));
    return finish("kernels_reduce_scan");
}
