// nvcc-variants: sm_80 sm_90
// Engine (issue 5): cooperative groups — thread_block sync and ranks, tiled_partition of 32,
// 16 and 4 with their shuffles and reductions, coalesced_threads in a divergent branch —
// checked against the host.
#include <cooperative_groups.h>
#include <cooperative_groups/reduce.h>
#include <vector>
#include "common.h"

namespace cg = cooperative_groups;

__global__ void groups(const int *in, int *out)
{
    cg::thread_block block = cg::this_thread_block();
    __shared__ int stage[256];
    int t = block.thread_rank();
    stage[t] = in[blockIdx.x * blockDim.x + t];
    block.sync();
    int mirrored = stage[block.size() - 1 - t];

    cg::thread_block_tile<16> tile16 = cg::tiled_partition<16>(block);
    int tile_sum = cg::reduce(tile16, mirrored, cg::plus<int>());
    cg::thread_block_tile<4> tile4 = cg::tiled_partition<4>(tile16);
    int from_first = tile4.shfl(mirrored, 0);
    cg::thread_group dyn = cg::tiled_partition(block, 32);
    int dyn_rank = dyn.thread_rank();

    int coalesced_rank = -1, coalesced_size = -1;
    if (mirrored % 3 == 0) {
        cg::coalesced_group active = cg::coalesced_threads();
        coalesced_rank = active.thread_rank();
        coalesced_size = active.size();
    }
    int *o = out + (blockIdx.x * blockDim.x + t) * 6;
    o[0] = mirrored;
    o[1] = tile_sum;
    o[2] = from_first;
    o[3] = dyn_rank;
    o[4] = coalesced_rank;
    o[5] = coalesced_size;
}

int main()
{
    const int blocks = 3, threads = 256, n = blocks * threads;
    std::vector<int> in(n);
    for (int i = 0; i < n; i++)
        in[i] = (i * 29 + 3) % 101;
    int *d_in, *d_out;
    CHECK(cudaMalloc(&d_in, n * sizeof(int)));
    CHECK(cudaMalloc(&d_out, n * 6 * sizeof(int)));
    CHECK(cudaMemcpy(d_in, in.data(), n * sizeof(int), cudaMemcpyHostToDevice));
    groups<<<blocks, threads>>>(d_in, d_out);
    CHECK(cudaGetLastError());
    std::vector<int> out(n * 6);
    CHECK(cudaMemcpy(out.data(), d_out, out.size() * sizeof(int), cudaMemcpyDeviceToHost));
    for (int b = 0; b < blocks; b++) {
        std::vector<int> m(threads);
        for (int t = 0; t < threads; t++)
            m[t] = in[b * threads + threads - 1 - t];
        for (int t = 0; t < threads; t++) {
            const int *o = &out[(b * threads + t) * 6];
            int sum = 0;
            for (int k = t / 16 * 16; k < t / 16 * 16 + 16; k++)
                sum += m[k];
            int warp = t / 32 * 32, rank = 0, size = 0;
            for (int k = warp; k < warp + 32; k++)
                if (m[k] % 3 == 0) {
                    rank += k < t;
                    size++;
                }
            EXPECT_EQ_LL(o[0], m[t]);
            EXPECT_EQ_LL(o[1], sum);
            EXPECT_EQ_LL(o[2], m[t / 4 * 4]);
            EXPECT_EQ_LL(o[3], t % 32);
            EXPECT_EQ_LL(o[4], m[t] % 3 == 0 ? rank : -1);
            EXPECT_EQ_LL(o[5], m[t] % 3 == 0 ? size : -1);
        }
    }
    CHECK(cudaFree(d_in));
    CHECK(cudaFree(d_out));
    return finish("kernels_cg");
}
