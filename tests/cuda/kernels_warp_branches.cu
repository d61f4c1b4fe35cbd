// nvcc-flags: -arch=sm_80
// Warp collectives with one member mask executed at different instructions by the two (or
// three) sides of a branch: from sm_70 on the lanes meet and exchange data ("threads ... execute
// the same shfl.sync with the same qualifiers and membermask", PTX ISA; the if/else example of
// the Programming Guide's independent thread scheduling).  Each side computes its operand
// differently so nvcc keeps one instruction per side.  Expected values are computed on the host.
#include "common.h"

#define FULL 0xffffffffu

__device__ int side_value(int lane)
{
    return lane < 16 ? lane * 3 + 1 : lane * 7 - 5;
}

__global__ void branches(int *shfl, unsigned *ballot, unsigned *match, int *reduce, int *idx3)
{
    int lane = threadIdx.x & 31;
    int v = side_value(lane);
    if (lane < 16) {
        shfl[lane] = __shfl_xor_sync(FULL, v, 16) * 2;
        ballot[lane] = __ballot_sync(FULL, (v & 2) != 0) ^ 0x1u;
        match[lane] = __match_any_sync(FULL, v % 5) | 0x80000000u;
        reduce[lane] = __reduce_add_sync(FULL, v) + 1;
    } else {
        shfl[lane] = __shfl_xor_sync(FULL, v + 100, 16) * 3;
        ballot[lane] = __ballot_sync(FULL, (v & 4) != 0) ^ 0x2u;
        match[lane] = __match_any_sync(FULL, (v + 1) % 5) | 0x40000000u;
        reduce[lane] = __reduce_add_sync(FULL, v * 2) + 2;
    }
    int r;
    if (lane % 3 == 0)
        r = __shfl_sync(FULL, lane * 11, 4) + 1;
    else if (lane % 3 == 1)
        r = __shfl_sync(FULL, lane * 13, 4) + 2;
    else
        r = __shfl_sync(FULL, lane * 17, 4) + 3;
    idx3[lane] = r;
}

int main()
{
    int *shfl, *reduce, *idx3;
    unsigned *ballot, *match;
    CHECK(cudaMalloc(&shfl, 32 * sizeof(int)));
    CHECK(cudaMalloc(&reduce, 32 * sizeof(int)));
    CHECK(cudaMalloc(&idx3, 32 * sizeof(int)));
    CHECK(cudaMalloc(&ballot, 32 * sizeof(unsigned)));
    CHECK(cudaMalloc(&match, 32 * sizeof(unsigned)));
    branches<<<1, 32>>>(shfl, ballot, match, reduce, idx3);
    CHECK(cudaGetLastError());
    CHECK(cudaDeviceSynchronize());
    int hs[32], hr[32], hi[32];
    unsigned hb[32], hm[32];
    CHECK(cudaMemcpy(hs, shfl, sizeof hs, cudaMemcpyDeviceToHost));
    CHECK(cudaMemcpy(hr, reduce, sizeof hr, cudaMemcpyDeviceToHost));
    CHECK(cudaMemcpy(hi, idx3, sizeof hi, cudaMemcpyDeviceToHost));
    CHECK(cudaMemcpy(hb, ballot, sizeof hb, cudaMemcpyDeviceToHost));
    CHECK(cudaMemcpy(hm, match, sizeof hm, cudaMemcpyDeviceToHost));

    // each lane's operand as its own side computes it
    int shfl_op[32], reduce_op[32], key[32], idx_op[32];
    unsigned votes = 0;
    for (int l = 0; l < 32; l++) {
        int v = l < 16 ? l * 3 + 1 : l * 7 - 5;
        shfl_op[l] = l < 16 ? v : v + 100;
        reduce_op[l] = l < 16 ? v : v * 2;
        key[l] = l < 16 ? v % 5 : (v + 1) % 5;
        if (l < 16 ? (v & 2) != 0 : (v & 4) != 0)
            votes |= 1u << l;
        idx_op[l] = l * (l % 3 == 0 ? 11 : l % 3 == 1 ? 13 : 17);
    }
    int sum = 0;
    for (int l = 0; l < 32; l++)
        sum += reduce_op[l];
    int bad = 0;
    for (int l = 0; l < 32; l++) {
        unsigned same = 0;
        for (int j = 0; j < 32; j++)
            if (key[j] == key[l])
                same |= 1u << j;
        int want_shfl = shfl_op[l ^ 16] * (l < 16 ? 2 : 3);
        unsigned want_ballot = votes ^ (l < 16 ? 1u : 2u);
        unsigned want_match = same | (l < 16 ? 0x80000000u : 0x40000000u);
        int want_reduce = sum + (l < 16 ? 1 : 2);
        int want_idx = idx_op[4] + 1 + l % 3;
        if (hs[l] != want_shfl || hb[l] != want_ballot || hm[l] != want_match || hr[l] != want_reduce ||
            hi[l] != want_idx) {
            if (bad++ < 3)
                fprintf(stderr,
                        "lane %d: shfl %d/%d ballot %08x/%08x match %08x/%08x reduce %d/%d idx %d/%d\n", l,
                        hs[l], want_shfl, hb[l], want_ballot, hm[l], want_match, hr[l], want_reduce, hi[l],
                        want_idx);
        }
    }
    EXPECT_EQ_LL(bad, 0);
    return finish("kernels_warp_branches");
}
