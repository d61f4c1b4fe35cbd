// Tens of thousands of stream-ordered allocations held at once, half of them freed and
// allocated again: the freed blocks are reused (the pool does not grow), no live block is
// handed out twice, every block keeps its own data, and the calls stay fast (each scanned
// every block before: 40k held allocations took 10 s, 250 us a call).
#include <cstdio>
#include <set>
#include <vector>

__global__ void stamp(int **ptrs, int n, int salt)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n)
        ptrs[i][0] = i ^ salt;
}

__global__ void check(int **ptrs, int n, int salt, int *bad)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n && ptrs[i][0] != (i ^ salt))
        atomicAdd(bad, 1);
}

int main()
{
    const int n = 20000;
    cudaStream_t s;
    cudaStreamCreate(&s);
    cudaMemPool_t pool;
    cudaDeviceGetDefaultMemPool(&pool, 0);
    unsigned long long keep = ~0ull;
    cudaMemPoolSetAttribute(pool, cudaMemPoolAttrReleaseThreshold, &keep);
    std::vector<int *> p(n);
    for (int i = 0; i < n; i++)
        if (cudaMallocAsync(&p[i], 256, s) != cudaSuccess) {
            printf("FAIL mempool_many_blocks: cudaMallocAsync %d\n", i);
            return 1;
        }
    int **table, *bad;
    cudaMallocAsync(&table, n * sizeof(int *), s);
    cudaMallocManaged(&bad, sizeof *bad);
    *bad = 0;
    cudaMemcpyAsync(table, p.data(), n * sizeof(int *), cudaMemcpyHostToDevice, s);
    stamp<<<(n + 255) / 256, 256, 0, s>>>(table, n, 0x5a5a);
    for (int i = 0; i < n; i += 2) /* free every other block, in stream order */
        cudaFreeAsync(p[i], s);
    cudaStreamSynchronize(s);
    unsigned long long reserved_before = 0, reserved_after = 0;
    cudaMemPoolGetAttribute(pool, cudaMemPoolAttrReservedMemCurrent, &reserved_before);
    std::set<int *> live;
    for (int i = 1; i < n; i += 2)
        live.insert(p[i]);
    int problems = 0;
    for (int i = 0; i < n; i += 2) { /* allocate the freed half again */
        cudaMallocAsync(&p[i], 256, s);
        if (!live.insert(p[i]).second && problems++ < 3)
            printf("block %p handed out while live\n", (void *)p[i]);
    }
    cudaMemPoolGetAttribute(pool, cudaMemPoolAttrReservedMemCurrent, &reserved_after);
    if (reserved_after > reserved_before) {
        printf("the pool grew from %llu to %llu bytes instead of reusing freed blocks\n", reserved_before,
               reserved_after);
        problems++;
    }
    /* the odd blocks still hold the first stamp; stamp the even ones anew */
    std::vector<int *> odd, even;
    for (int i = 0; i < n; i++)
        (i & 1 ? odd : even).push_back(p[i]);
    int **todd, **teven;
    cudaMallocAsync(&todd, odd.size() * sizeof(int *), s);
    cudaMallocAsync(&teven, even.size() * sizeof(int *), s);
    cudaMemcpyAsync(todd, odd.data(), odd.size() * sizeof(int *), cudaMemcpyHostToDevice, s);
    cudaMemcpyAsync(teven, even.data(), even.size() * sizeof(int *), cudaMemcpyHostToDevice, s);
    stamp<<<(n / 2 + 255) / 256, 256, 0, s>>>(teven, n / 2, 0x1234);
    check<<<(n / 2 + 255) / 256, 256, 0, s>>>(teven, n / 2, 0x1234, bad);
    cudaStreamSynchronize(s);
    /* odd block k was p[2k+1], stamped with (2k+1) ^ 0x5a5a */
    for (int k = 0; k < n / 2; k += 97) {
        int v;
        cudaMemcpy(&v, odd[k], sizeof v, cudaMemcpyDeviceToHost);
        if (v != ((2 * k + 1) ^ 0x5a5a) && problems++ < 3)
            printf("odd block %d holds %d, want %d\n", k, v, (2 * k + 1) ^ 0x5a5a);
    }
    if (*bad) {
        printf("%d re-allocated blocks lost their data\n", *bad);
        problems++;
    }
    for (int i = 0; i < n; i++)
        cudaFreeAsync(p[i], s);
    cudaFreeAsync(table, s);
    cudaFreeAsync(todd, s);
    cudaFreeAsync(teven, s);
    if (cudaStreamSynchronize(s) != cudaSuccess || problems) {
        printf("FAIL mempool_many_blocks: %d problems (%s)\n", problems, cudaGetErrorString(cudaGetLastError()));
        return 1;
    }
    printf("PASS mempool_many_blocks\n");
    return 0;
}
