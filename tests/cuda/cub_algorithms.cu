// CUB's device-wide algorithms and block/warp collectives, each against the host's answer.
// CUB sizes grids from cudaOccupancyMaxActiveBlocksPerMultiprocessor: an answer of 0 for a
// register-heavy kernel made DeviceHistogram launch nothing and return zeros.
#include "common.h"
#include <cub/cub.cuh>
#include <algorithm>
#include <numeric>
#include <vector>

struct IsMultipleOf3 {
    __host__ __device__ bool operator()(int x) const { return x % 3 == 0; }
};

template <int BLOCK>
__global__ void block_collectives(const int *in, int *sums, int *scans, int *warp_sums)
{
    typedef cub::BlockReduce<int, BLOCK> BR;
    typedef cub::BlockScan<int, BLOCK> BS;
    typedef cub::WarpReduce<int> WR;
    __shared__ typename BR::TempStorage br;
    __shared__ typename BS::TempStorage bs;
    __shared__ typename WR::TempStorage wr[BLOCK / 32];
    int v = in[blockIdx.x * BLOCK + threadIdx.x];
    int s = BR(br).Sum(v);
    if (threadIdx.x == 0)
        sums[blockIdx.x] = s;
    int x;
    BS(bs).ExclusiveSum(v, x);
    scans[blockIdx.x * BLOCK + threadIdx.x] = x;
    int w = WR(wr[threadIdx.x / 32]).Sum(v);
    if (threadIdx.x % 32 == 0)
        warp_sums[(blockIdx.x * BLOCK + threadIdx.x) / 32] = w;
}

template <typename T> static std::vector<T> get(const T *d, size_t n)
{
    std::vector<T> h(n);
    CHECK(cudaMemcpy(h.data(), d, n * sizeof(T), cudaMemcpyDeviceToHost));
    return h;
}

int main()
{
    const int n = 200003;
    std::vector<int> h(n), keys(n);
    for (int i = 0; i < n; i++) {
        h[i] = (int)((i * 2654435761u) % 1000) - 300;
        keys[i] = (int)((i * 40503u) % 65536);
    }
    int *d_in, *d_out, *d_keys, *d_keys_out, *d_vals, *d_vals_out, *d_num;
    CHECK(cudaMalloc(&d_in, n * sizeof(int)));
    CHECK(cudaMalloc(&d_out, n * sizeof(int)));
    CHECK(cudaMalloc(&d_keys, n * sizeof(int)));
    CHECK(cudaMalloc(&d_keys_out, n * sizeof(int)));
    CHECK(cudaMalloc(&d_vals, n * sizeof(int)));
    CHECK(cudaMalloc(&d_vals_out, n * sizeof(int)));
    CHECK(cudaMalloc(&d_num, sizeof(int)));
    CHECK(cudaMemcpy(d_in, h.data(), n * sizeof(int), cudaMemcpyHostToDevice));
    CHECK(cudaMemcpy(d_keys, keys.data(), n * sizeof(int), cudaMemcpyHostToDevice));
    std::vector<int> iota(n);
    std::iota(iota.begin(), iota.end(), 0);
    CHECK(cudaMemcpy(d_vals, iota.data(), n * sizeof(int), cudaMemcpyHostToDevice));
    void *tmp = nullptr;
    size_t tmp_bytes = 0, need = 0;
    auto grow = [&](size_t want) {
        if (want > tmp_bytes) {
            if (tmp)
                CHECK(cudaFree(tmp));
            CHECK(cudaMalloc(&tmp, want));
            tmp_bytes = want;
        }
    };

    // Reduce
    CHECK(cub::DeviceReduce::Sum(nullptr, need, d_in, d_num, n));
    grow(need);
    CHECK(cub::DeviceReduce::Sum(tmp, need, d_in, d_num, n));
    EXPECT_EQ_LL(get(d_num, 1)[0], std::accumulate(h.begin(), h.end(), 0LL));
    CHECK(cub::DeviceReduce::Max(nullptr, need, d_in, d_num, n));
    grow(need);
    CHECK(cub::DeviceReduce::Max(tmp, need, d_in, d_num, n));
    EXPECT_EQ_LL(get(d_num, 1)[0], *std::max_element(h.begin(), h.end()));

    // Exclusive and inclusive scans
    CHECK(cub::DeviceScan::ExclusiveSum(nullptr, need, d_in, d_out, n));
    grow(need);
    CHECK(cub::DeviceScan::ExclusiveSum(tmp, need, d_in, d_out, n));
    {
        std::vector<int> want(n);
        std::exclusive_scan(h.begin(), h.end(), want.begin(), 0);
        EXPECT(get(d_out, n) == want);
    }
    CHECK(cub::DeviceScan::InclusiveSum(nullptr, need, d_in, d_out, n));
    grow(need);
    CHECK(cub::DeviceScan::InclusiveSum(tmp, need, d_in, d_out, n));
    {
        std::vector<int> want(n);
        std::inclusive_scan(h.begin(), h.end(), want.begin());
        EXPECT(get(d_out, n) == want);
    }

    // Radix sort of pairs: stable, so values of equal keys keep their order
    CHECK(cub::DeviceRadixSort::SortPairs(nullptr, need, d_keys, d_keys_out, d_vals, d_vals_out, n));
    grow(need);
    CHECK(cub::DeviceRadixSort::SortPairs(tmp, need, d_keys, d_keys_out, d_vals, d_vals_out, n));
    {
        std::vector<std::pair<int, int>> p(n);
        for (int i = 0; i < n; i++)
            p[i] = {keys[i], i};
        std::stable_sort(p.begin(), p.end(), [](auto a, auto b) { return a.first < b.first; });
        std::vector<int> k = get(d_keys_out, n), v = get(d_vals_out, n);
        int bad = 0;
        for (int i = 0; i < n && !bad; i++)
            bad = k[i] != p[i].first || v[i] != p[i].second;
        EXPECT(!bad);
    }
    CHECK(cub::DeviceRadixSort::SortKeysDescending(nullptr, need, d_in, d_out, n));
    grow(need);
    CHECK(cub::DeviceRadixSort::SortKeysDescending(tmp, need, d_in, d_out, n));
    {
        std::vector<int> want = h;
        std::sort(want.begin(), want.end(), std::greater<int>());
        EXPECT(get(d_out, n) == want);
    }

    // Select
    CHECK(cub::DeviceSelect::If(nullptr, need, d_in, d_out, d_num, n, IsMultipleOf3()));
    grow(need);
    CHECK(cub::DeviceSelect::If(tmp, need, d_in, d_out, d_num, n, IsMultipleOf3()));
    {
        std::vector<int> want;
        for (int x : h)
            if (x % 3 == 0)
                want.push_back(x);
        int m = get(d_num, 1)[0];
        EXPECT_EQ_LL(m, want.size());
        std::vector<int> got = get(d_out, m);
        EXPECT(got == want);
    }

    // Histogram: 10 even bins over [-300, 700)
    int *d_hist;
    CHECK(cudaMalloc(&d_hist, 10 * sizeof(int)));
    CHECK(cub::DeviceHistogram::HistogramEven(nullptr, need, d_in, d_hist, 11, -300, 700, n));
    grow(need);
    CHECK(cub::DeviceHistogram::HistogramEven(tmp, need, d_in, d_hist, 11, -300, 700, n));
    {
        std::vector<int> want(10, 0);
        for (int x : h)
            want[(x + 300) / 100]++;
        EXPECT(get(d_hist, 10) == want); // CUB sizes its grid from the occupancy API
    }

    // Segmented reduce over 100 segments of varied length
    {
        std::vector<int> offs(101);
        for (int s = 0; s <= 100; s++)
            offs[s] = (int)((long long)n * s * s / 10000);
        int *d_offs;
        CHECK(cudaMalloc(&d_offs, offs.size() * sizeof(int)));
        CHECK(cudaMemcpy(d_offs, offs.data(), offs.size() * sizeof(int), cudaMemcpyHostToDevice));
        CHECK(cub::DeviceSegmentedReduce::Sum(nullptr, need, d_in, d_out, 100, d_offs, d_offs + 1));
        grow(need);
        CHECK(cub::DeviceSegmentedReduce::Sum(tmp, need, d_in, d_out, 100, d_offs, d_offs + 1));
        std::vector<int> got = get(d_out, 100);
        for (int s = 0; s < 100; s++) {
            long long want = std::accumulate(h.begin() + offs[s], h.begin() + offs[s + 1], 0LL);
            if (got[s] != want) {
                fprintf(stderr, "segment %d: %d, expected %lld\n", s, got[s], want);
                g_failures++;
                break;
            }
        }
        CHECK(cudaFree(d_offs));
    }

    // Block and warp collectives
    {
        const int B = 256, blocks = 64;
        int *sums, *scans, *wsums;
        CHECK(cudaMalloc(&sums, blocks * sizeof(int)));
        CHECK(cudaMalloc(&scans, blocks * B * sizeof(int)));
        CHECK(cudaMalloc(&wsums, blocks * B / 32 * sizeof(int)));
        block_collectives<B><<<blocks, B>>>(d_in, sums, scans, wsums);
        CHECK(cudaGetLastError());
        std::vector<int> s = get(sums, blocks), sc = get(scans, blocks * B), ws = get(wsums, blocks * B / 32);
        int bad = 0;
        for (int b = 0; b < blocks && !bad; b++) {
            int acc = 0;
            for (int t = 0; t < B; t++) {
                bad |= sc[b * B + t] != acc;
                acc += h[b * B + t];
            }
            bad |= s[b] != acc;
            for (int w = 0; w < B / 32; w++)
                bad |= ws[b * B / 32 + w] !=
                       std::accumulate(h.begin() + b * B + w * 32, h.begin() + b * B + w * 32 + 32, 0);
        }
        EXPECT(!bad);
    }
    return finish("cub_algorithms");
}
