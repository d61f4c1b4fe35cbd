// A cooperative kernel that meets at many grid-wide barriers: a block whose thread waits at the
// barrier lets the other blocks run at once rather than spinning through a time slice, so a
// barrier costs microseconds, not milliseconds per block (grid_sync_many.env bounds the kernel
// at 3 s; 1000 barriers of 16 blocks took about 5 s before).  Each round every thread adds its
// rank into a slot the others read after the barrier; the sums are checked on the host.
#include <cooperative_groups.h>

#include "common.h"

namespace cg = cooperative_groups;

__global__ void rounds(int *slots, long long *sums, int nrounds)
{
    cg::grid_group g = cg::this_grid();
    unsigned rank = g.thread_rank(), n = g.size();
    long long acc = 0;
    for (int r = 0; r < nrounds; r++) {
        slots[(r & 1) * n + rank] = (int)(rank + r);
        g.sync();
        acc += slots[(r & 1) * n + (rank + 1) % n]; // a neighbour's value, maybe another block's
    }
    sums[rank] = acc;
}

int main()
{
    const int blocks = 16, threads = 128, nrounds = 1000, n = blocks * threads;
    int *slots;
    long long *sums;
    CHECK(cudaMalloc(&slots, 2 * n * sizeof(int)));
    CHECK(cudaMalloc(&sums, n * sizeof(long long)));
    int per_sm = 0, sms = 0;
    CHECK(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&per_sm, rounds, threads, 0));
    CHECK(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, 0));
    EXPECT(per_sm * sms >= blocks);
    int nr = nrounds;
    void *args[] = {&slots, &sums, &nr};
    CHECK(cudaLaunchCooperativeKernel((void *)rounds, dim3(blocks), dim3(threads), args, 0, 0));
    CHECK(cudaDeviceSynchronize());
    long long *h = (long long *)malloc(n * sizeof(long long));
    CHECK(cudaMemcpy(h, sums, n * sizeof(long long), cudaMemcpyDeviceToHost));
    int bad = 0;
    for (int i = 0; i < n; i++) {
        long long want = (long long)((i + 1) % n) * nrounds + (long long)nrounds * (nrounds - 1) / 2;
        bad += h[i] != want;
    }
    EXPECT_EQ_LL(bad, 0);
    free(h);
    return finish("grid_sync_many");
}
