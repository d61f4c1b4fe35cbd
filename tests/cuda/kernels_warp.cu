// nvcc-variants: sm_80 sm_90 sm_120
// Engine (issue 5): divergence and reconvergence (if/else per lane, early return, loops with a
// trip count per thread, a switch), warp votes, ballots, shuffles with segment widths, match
// and (on sm_80+) warp reductions — each lane's answer computed on the host too.
#include <vector>
#include "common.h"

__device__ int collatz_steps(unsigned x)
{
    int steps = 0;
    while (x != 1) {
        x = (x & 1) ? 3 * x + 1 : x / 2;
        steps++;
    }
    return steps;
}

__global__ void divergence(int *out, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n)
        return; // early exit of part of the last warp
    int v;
    if (i % 3 == 0)
        v = collatz_steps(i + 1); // per-thread trip counts
    else if (i % 3 == 1)
        v = -i;
    else {
        switch (i % 7) {
        case 0: v = 100; break;
        case 3: v = 300; break;
        default: v = i * 2; break;
        }
    }
    // Reconverged: every active lane takes part in the ballot.
    unsigned active = __activemask();
    unsigned odd = __ballot_sync(active, v & 1);
    out[i] = v + __popc(odd & active) * 0; // uses the ballot without changing the value
    out[n + i] = __popc(active);
}

__global__ void votes_and_shuffles(const int *in, int *out)
{
    int lane = threadIdx.x % 32, v = in[threadIdx.x];
    int *o = out + threadIdx.x * 14;
    o[0] = __all_sync(0xffffffffu, v > -1000);
    o[1] = __any_sync(0xffffffffu, v == 7);
    o[2] = (int)__ballot_sync(0xffffffffu, v % 2 == 0);
    o[3] = __shfl_sync(0xffffffffu, v, 5);             // broadcast lane 5
    o[4] = __shfl_up_sync(0xffffffffu, v, 3);          // lanes < 3 keep their own
    o[5] = __shfl_down_sync(0xffffffffu, v, 4);        // lanes > 27 keep their own
    o[6] = __shfl_xor_sync(0xffffffffu, v, 9);
    o[7] = __shfl_sync(0xffffffffu, v, lane + 1, 8);   // within segments of 8, wrapping
    o[8] = __shfl_up_sync(0xffffffffu, v, 2, 16);      // within segments of 16
    o[9] = (int)__match_any_sync(0xffffffffu, v % 4);
    unsigned half = 0x0000ffffu;
    o[10] = lane < 16 ? __all_sync(half, v >= 0) : -1;
#if __CUDA_ARCH__ >= 800
    o[11] = __reduce_add_sync(0xffffffffu, v);
#else
    int s = v;
    for (int k = 16; k > 0; k >>= 1)
        s += __shfl_xor_sync(0xffffffffu, s, k);
    o[11] = s;
#endif
    // Both half-warps execute together, each lane naming its own half as the member mask.
    unsigned mine = lane < 16 ? 0x0000ffffu : 0xffff0000u;
    o[12] = (int)__ballot_sync(mine, v > 0);
#if __CUDA_ARCH__ >= 800
    o[13] = __reduce_add_sync(mine, v);
#else
    int h = v;
    for (int k = 8; k > 0; k >>= 1)
        h += __shfl_xor_sync(mine, h, k);
    o[13] = h;
#endif
}

int main()
{
    const int n = 1000;
    int *d_out;
    CHECK(cudaMalloc(&d_out, 2 * n * sizeof(int)));
    divergence<<<(n + 127) / 128, 128>>>(d_out, n);
    CHECK(cudaGetLastError());
    std::vector<int> got(2 * n);
    CHECK(cudaMemcpy(got.data(), d_out, got.size() * sizeof(int), cudaMemcpyDeviceToHost));
    for (int i = 0; i < n; i++) {
        int v;
        if (i % 3 == 0) {
            unsigned x = i + 1;
            v = 0;
            while (x != 1) {
                x = (x & 1) ? 3 * x + 1 : x / 2;
                v++;
            }
        } else if (i % 3 == 1) {
            v = -i;
        } else {
            v = i % 7 == 0 ? 100 : i % 7 == 3 ? 300 : i * 2;
        }
        EXPECT_EQ_LL(got[i], v);
        int warp_first = i / 32 * 32, lanes = n - warp_first < 32 ? n - warp_first : 32;
        EXPECT_EQ_LL(got[n + i], lanes); // the whole warp (that did not exit) reconverged
    }
    CHECK(cudaFree(d_out));

    const int t = 64;
    int h_in[t];
    for (int i = 0; i < t; i++)
        h_in[i] = (i * 13 + 5) % 23 - 4;
    h_in[40] = 7;
    int *d_in, *d_res;
    CHECK(cudaMalloc(&d_in, sizeof h_in));
    CHECK(cudaMalloc(&d_res, t * 14 * sizeof(int)));
    CHECK(cudaMemcpy(d_in, h_in, sizeof h_in, cudaMemcpyHostToDevice));
    votes_and_shuffles<<<1, t>>>(d_in, d_res);
    CHECK(cudaGetLastError());
    std::vector<int> r(t * 14);
    CHECK(cudaMemcpy(r.data(), d_res, r.size() * sizeof(int), cudaMemcpyDeviceToHost));
    for (int i = 0; i < t; i++) {
        int w = i / 32 * 32, lane = i % 32;
        const int *v = h_in + w, *o = &r[i * 14];
        int all = 1, any = 0, sum = 0;
        unsigned ballot = 0, match = 0;
        for (int l = 0; l < 32; l++) {
            all &= v[l] > -1000;
            any |= v[l] == 7;
            ballot |= (unsigned)(v[l] % 2 == 0) << l;
            match |= (unsigned)(v[l] % 4 == v[lane] % 4) << l;
            sum += v[l];
        }
        int half_all = 1;
        for (int l = 0; l < 16; l++)
            half_all &= v[l] >= 0;
        EXPECT_EQ_LL(o[0], all);
        EXPECT_EQ_LL(o[1], any);
        EXPECT_EQ_LL((unsigned)o[2], ballot);
        EXPECT_EQ_LL(o[3], v[5]);
        EXPECT_EQ_LL(o[4], lane >= 3 ? v[lane - 3] : v[lane]);
        EXPECT_EQ_LL(o[5], lane + 4 < 32 ? v[lane + 4] : v[lane]);
        EXPECT_EQ_LL(o[6], v[lane ^ 9]);
        EXPECT_EQ_LL(o[7], v[lane / 8 * 8 + (lane + 1) % 8]);
        EXPECT_EQ_LL(o[8], lane % 16 >= 2 ? v[lane - 2] : v[lane]);
        EXPECT_EQ_LL((unsigned)o[9], match);
        EXPECT_EQ_LL(o[10], lane < 16 ? half_all : -1);
        EXPECT_EQ_LL(o[11], sum);
        unsigned half_ballot = 0;
        int half_sum = 0;
        for (int l = lane / 16 * 16; l < lane / 16 * 16 + 16; l++) {
            half_ballot |= (unsigned)(v[l] > 0) << l;
            half_sum += v[l];
        }
        EXPECT_EQ_LL((unsigned)o[12], half_ballot);
        EXPECT_EQ_LL(o[13], half_sum);
    }
    CHECK(cudaFree(d_in));
    CHECK(cudaFree(d_res));
    return finish("kernels_warp");
}
