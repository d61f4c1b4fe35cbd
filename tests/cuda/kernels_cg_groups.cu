// Cooperative groups beyond the basics: dynamic and static tiles of every width, tile-scoped
// shuffles, votes and match, cg::reduce with several operators, cg::inclusive_scan /
// exclusive_scan, labeled and binary partitions of divergent threads, coalesced groups after
// divergence, and a grid-wide sync in a cooperative launch.  Every answer is computed again on
// the host.
#include "common.h"
#include <cooperative_groups.h>
#include <cooperative_groups/reduce.h>
#include <cooperative_groups/scan.h>
#include <vector>

namespace cg = cooperative_groups;

#define BLOCK 128

template <int W> __device__ void tile_work(const int *in, int *out)
{
    cg::thread_block block = cg::this_thread_block();
    cg::thread_block_tile<W> t = cg::tiled_partition<W>(block);
    int v = in[block.thread_rank()];
    int sum = cg::reduce(t, v, cg::plus<int>());
    int mx = cg::reduce(t, v, cg::greater<int>());
    int mn = cg::reduce(t, v, cg::less<int>());
    int inc = cg::inclusive_scan(t, v);
    int exc = cg::exclusive_scan(t, v);
    int down = t.shfl_down(v, 1);
    int xr = t.shfl_xor(v, W / 2 > 0 ? W / 2 : 1);
    unsigned ballot = t.ballot(v & 1);
    int any = t.any(v > 90), all = t.all(v >= 0);
    unsigned match = t.match_any(v % 3);
    int *o = out + block.thread_rank() * 12;
    o[0] = sum;
    o[1] = mx;
    o[2] = mn;
    o[3] = inc;
    o[4] = exc;
    o[5] = down;
    o[6] = xr;
    o[7] = (int)ballot;
    o[8] = any;
    o[9] = all;
    o[10] = (int)match;
    o[11] = t.meta_group_rank() * 1000 + t.meta_group_size();
}

template <int W> __global__ void tiles(const int *in, int *out) { tile_work<W>(in, out); }

// Divergent threads: a coalesced group of the odd values, a labeled partition by value % 4 and a
// binary partition by sign, each summing its members.
__global__ void partitions(const int *in, int *out)
{
    cg::thread_block block = cg::this_thread_block();
    cg::thread_block_tile<32> warp = cg::tiled_partition<32>(block);
    int v = in[block.thread_rank()];
    int *o = out + block.thread_rank() * 4;
    o[0] = o[1] = -1;
    if (v & 1) {
        cg::coalesced_group odd = cg::coalesced_threads();
        o[0] = cg::reduce(odd, v, cg::plus<int>());
        o[1] = odd.thread_rank() * 100 + odd.size();
    }
    cg::coalesced_group lab = cg::labeled_partition(warp, v % 4);
    o[2] = cg::reduce(lab, v, cg::plus<int>());
    cg::coalesced_group bin = cg::binary_partition(warp, v > 50);
    o[3] = cg::reduce(bin, v, cg::plus<int>()) * 100 + (int)bin.size();
}

// Grid-wide: every block adds its sum, syncs the grid, then every thread reads the total.
__global__ void grid_total(const int *in, int *partial, int *out, int n)
{
    cg::grid_group grid = cg::this_grid();
    cg::thread_block block = cg::this_thread_block();
    int i = grid.thread_rank();
    int v = i < n ? in[i] : 0;
    int s = cg::reduce(cg::tiled_partition<32>(block), v, cg::plus<int>());
    if ((block.thread_rank() & 31) == 0)
        atomicAdd(&partial[0], s);
    grid.sync();
    if (i < n)
        out[i] = partial[0] + (int)grid.num_blocks() * 0;
}

template <int W> static void check_tiles(const std::vector<int> &h, const int *dout)
{
    std::vector<int> got(BLOCK * 12);
    CHECK(cudaMemcpy(got.data(), dout, got.size() * sizeof(int), cudaMemcpyDeviceToHost));
    for (int i = 0; i < BLOCK; i++) {
        int base = i / W * W, lane = i % W;
        int sum = 0, mx = -1 << 30, mn = 1 << 30, inc = 0;
        unsigned ballot = 0, match = 0;
        int any = 0, all = 1;
        for (int k = 0; k < W; k++) {
            int v = h[base + k];
            sum += v;
            mx = v > mx ? v : mx;
            mn = v < mn ? v : mn;
            if (k <= lane)
                inc += v;
            ballot |= (unsigned)(v & 1) << k;
            any |= v > 90;
            all &= v >= 0;
            match |= (unsigned)(v % 3 == h[i] % 3) << k;
        }
        int down = lane + 1 < W ? h[i + 1] : h[i];
        int xr = h[base + (lane ^ (W / 2 > 0 ? W / 2 : 1))];
        if (W == 1)
            xr = h[i];
        const int *o = &got[i * 12];
        int want[12] = {sum, mx, mn, inc, inc - h[i], down, xr, (int)ballot, any, all, (int)match,
                        (i / W) * 1000 + BLOCK / W};
        for (int k = 0; k < 12; k++)
            if (o[k] != want[k]) {
                fprintf(stderr, "tile<%d> thread %d field %d: %d, expected %d\n", W, i, k, o[k], want[k]);
                g_failures++;
                return;
            }
    }
}

template <int W> static void run_tiles(const std::vector<int> &h, const int *din, int *dout)
{
    tiles<W><<<1, BLOCK>>>(din, dout);
    CHECK(cudaGetLastError());
    check_tiles<W>(h, dout);
}

int main()
{
    std::vector<int> h(BLOCK);
    for (int i = 0; i < BLOCK; i++)
        h[i] = (i * 37 + 11) % 101;
    int *din, *dout;
    CHECK(cudaMalloc(&din, BLOCK * sizeof(int)));
    CHECK(cudaMalloc(&dout, BLOCK * 12 * sizeof(int)));
    CHECK(cudaMemcpy(din, h.data(), BLOCK * sizeof(int), cudaMemcpyHostToDevice));
    run_tiles<2>(h, din, dout);
    run_tiles<4>(h, din, dout);
    run_tiles<8>(h, din, dout);
    run_tiles<16>(h, din, dout);
    run_tiles<32>(h, din, dout);

    partitions<<<1, BLOCK>>>(din, dout);
    std::vector<int> got(BLOCK * 4);
    CHECK(cudaMemcpy(got.data(), dout, got.size() * sizeof(int), cudaMemcpyDeviceToHost));
    for (int i = 0; i < BLOCK; i++) {
        int w = i / 32 * 32, oddsum = 0, rank = 0, size = 0, labsum = 0, binsum = 0, binsize = 0;
        for (int k = w; k < w + 32; k++) {
            if (h[k] & 1) {
                oddsum += h[k];
                rank += k < i;
                size++;
            }
            if (h[k] % 4 == h[i] % 4)
                labsum += h[k];
            if ((h[k] > 50) == (h[i] > 50)) {
                binsum += h[k];
                binsize++;
            }
        }
        int want0 = h[i] & 1 ? oddsum : -1, want1 = h[i] & 1 ? rank * 100 + size : -1;
        const int *o = &got[i * 4];
        if (o[0] != want0 || o[1] != want1 || o[2] != labsum || o[3] != binsum * 100 + binsize) {
            fprintf(stderr, "partitions thread %d: %d %d %d %d, expected %d %d %d %d\n", i, o[0], o[1], o[2],
                    o[3], want0, want1, labsum, binsum * 100 + binsize);
            g_failures++;
            break;
        }
    }

    int coop = 0;
    CHECK(cudaDeviceGetAttribute(&coop, cudaDevAttrCooperativeLaunch, 0));
    EXPECT(coop == 1);
    const int n = 4 * BLOCK;
    std::vector<int> big(n);
    long total = 0;
    for (int i = 0; i < n; i++)
        total += big[i] = (i * 7) % 13;
    int *dbig, *dpart, *dres;
    CHECK(cudaMalloc(&dbig, n * sizeof(int)));
    CHECK(cudaMalloc(&dres, n * sizeof(int)));
    CHECK(cudaMalloc(&dpart, sizeof(int)));
    CHECK(cudaMemset(dpart, 0, sizeof(int)));
    CHECK(cudaMemcpy(dbig, big.data(), n * sizeof(int), cudaMemcpyHostToDevice));
    void *args[] = {&dbig, &dpart, &dres, (void *)&n};
    CHECK(cudaLaunchCooperativeKernel((const void *)grid_total, dim3(4), dim3(BLOCK), args, 0, 0));
    std::vector<int> res(n);
    CHECK(cudaMemcpy(res.data(), dres, n * sizeof(int), cudaMemcpyDeviceToHost));
    for (int i = 0; i < n; i++)
        if (res[i] != total) {
            fprintf(stderr, "grid sync: thread %d read %d, expected %ld\n", i, res[i], total);
            g_failures++;
            break;
        }
    return finish("kernels_cg_groups");
}
