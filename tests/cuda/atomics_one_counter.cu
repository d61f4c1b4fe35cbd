// Every lane of a warp adding to one counter (stream compaction's idx = atomicAdd(&count, 1),
// global tallies), which the engine turns into one host atomic per warp: the values returned
// must still be those of some order of the lanes' additions (indices handed out are all
// distinct and cover 0..n-1), in global, shared and generic memory, 32- and 64-bit, signed with
// negative amounts, mixed with lanes that add elsewhere.  Expectations are computed on the host.
#include <cstdio>

__global__ void compact(const int *in, int n, int *out, unsigned *count, unsigned long long *slots64)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n && in[i] % 3 != 0) { /* a partial warp takes part */
        unsigned at = atomicAdd(count, 1u);
        out[at] = in[i];
        unsigned long long s = atomicAdd(slots64, 5ull);
        out[n + (int)(s / 5)] = i;
    }
}

__global__ void signed_and_shared(int *gsum, long long *gsum64, int *mixed, int *block_sums, int *olds)
{
    __shared__ int ssum, sdec;
    if (threadIdx.x == 0) {
        ssum = 1000;
        sdec = 1000;
    }
    __syncthreads();
    int t = blockIdx.x * blockDim.x + threadIdx.x;
    int amount = (t % 7) - 3;                   /* negative, zero and positive */
    atomicAdd(gsum, amount);
    atomicAdd((unsigned long long *)gsum64, (unsigned long long)(long long)(amount * 1000000007LL));
    int *generic = (threadIdx.x & 1) ? &ssum : gsum + 1; /* generic addresses: two targets */
    atomicAdd(generic, 2);
    olds[t] = atomicAdd(&sdec, -1);            /* every lane on one shared word */
    atomicAdd(&mixed[threadIdx.x % 4 == 0 ? 0 : 1], 1);
    __syncthreads();
    if (threadIdx.x == 0)
        block_sums[blockIdx.x] = ssum + sdec;
}

int main()
{
    const int n = 10000, blocks = 16, threads = 96;
    int *in, *out, *gsum, *mixed, *bsum, *olds;
    unsigned *count;
    unsigned long long *slots64;
    long long *gsum64;
    cudaMallocManaged(&in, n * sizeof(int));
    cudaMallocManaged(&out, 2 * n * sizeof(int));
    cudaMallocManaged(&count, sizeof *count);
    cudaMallocManaged(&slots64, sizeof *slots64);
    cudaMallocManaged(&gsum, 2 * sizeof(int));
    cudaMallocManaged(&gsum64, sizeof *gsum64);
    cudaMallocManaged(&mixed, 2 * sizeof(int));
    cudaMallocManaged(&bsum, blocks * sizeof(int));
    cudaMallocManaged(&olds, blocks * threads * sizeof(int));
    for (int i = 0; i < n; i++)
        in[i] = i * 7 + 1;
    *count = 0;
    *slots64 = 0;
    gsum[0] = gsum[1] = 0;
    *gsum64 = 0;
    mixed[0] = mixed[1] = 0;
    compact<<<(n + 127) / 128, 128>>>(in, n, out, count, slots64);
    signed_and_shared<<<blocks, threads>>>(gsum, gsum64, mixed, bsum, olds);
    if (cudaDeviceSynchronize() != cudaSuccess) {
        printf("FAIL atomics_one_counter: %s\n", cudaGetErrorString(cudaGetLastError()));
        return 1;
    }
    int bad = 0, kept = 0;
    for (int i = 0; i < n; i++)
        kept += in[i] % 3 != 0;
    if ((int)*count != kept || *slots64 != 5ull * kept) {
        printf("counters %u and %llu, want %d and %llu\n", *count, *slots64, kept, 5ull * kept);
        bad++;
    }
    char *seen = new char[n]();
    for (int k = 0; k < kept && k < n; k++) { /* out[0..kept) is a permutation of the kept values */
        int v = out[k];
        if (v < 1 || (v - 1) % 7 || (v - 1) / 7 >= n || in[(v - 1) / 7] % 3 == 0 || seen[(v - 1) / 7]++) {
            if (bad++ < 3)
                printf("compaction slot %d holds %d\n", k, v);
        }
    }
    char *seen2 = new char[n]();
    for (int k = 0; k < kept && k < n; k++) {
        int i = out[n + k];
        if (i < 0 || i >= n || in[i] % 3 == 0 || seen2[i]++) {
            if (bad++ < 3)
                printf("64-bit slot %d holds %d\n", k, i);
        }
    }
    long long want = 0, want64 = 0;
    for (int t = 0; t < blocks * threads; t++) {
        want += (t % 7) - 3;
        want64 += ((t % 7) - 3) * 1000000007LL;
    }
    int evens_per_block = (threads + 1) / 2, odds_per_block = threads / 2;
    if (gsum[0] != want || *gsum64 != want64 || gsum[1] != 2 * evens_per_block * blocks) {
        printf("sums %d %lld %d, want %lld %lld %d\n", gsum[0], *gsum64, gsum[1], want, want64,
               2 * evens_per_block * blocks);
        bad++;
    }
    if (mixed[0] != blocks * ((threads + 3) / 4) || mixed[0] + mixed[1] != blocks * threads) {
        printf("mixed %d %d\n", mixed[0], mixed[1]);
        bad++;
    }
    for (int b = 0; b < blocks; b++) {
        if (bsum[b] != 2000 + 2 * odds_per_block - threads) {
            printf("block %d shared sums %d want %d\n", b, bsum[b], 2000 + 2 * odds_per_block - threads);
            bad++;
        }
        /* the old values the shared decrement returned: 1000 down to 1000 - threads + 1, each once */
        char hit[4096] = {0};
        for (int t = 0; t < threads; t++) {
            int o = olds[b * threads + t];
            if (o <= 1000 - threads || o > 1000 || hit[o]++) {
                if (bad++ < 3)
                    printf("block %d thread %d: old value %d repeated or out of range\n", b, t, o);
            }
        }
    }
    if (bad) {
        printf("FAIL atomics_one_counter: %d problems\n", bad);
        return 1;
    }
    printf("PASS atomics_one_counter\n");
    return 0;
}
