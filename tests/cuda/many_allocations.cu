// Tens of thousands of live allocations freed first-in-first-out, last-in-first-out and
// interleaved with new ones: every live pointer stays valid for kernels, copies and
// cudaPointerGetAttributes, every freed one is refused, and the frees do not take quadratic
// time (each moved the whole table before: 100k frees in order took 7 s).
#include <cstdio>
#include <vector>

__global__ void stamp(int **ptrs, int n, int salt)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n && ptrs[i] != nullptr)
        ptrs[i][3] = i * 7 + salt;
}

static int check_live(const std::vector<int *> &p, int salt, const char *when)
{
    int n = (int)p.size(), bad = 0;
    int **table;
    if (cudaMalloc(&table, n * sizeof(int *)) != cudaSuccess)
        return 1;
    cudaMemcpy(table, p.data(), n * sizeof(int *), cudaMemcpyHostToDevice);
    stamp<<<(n + 255) / 256, 256>>>(table, n, salt);
    if (cudaDeviceSynchronize() != cudaSuccess) {
        printf("%s: kernel failed: %s\n", when, cudaGetErrorString(cudaGetLastError()));
        return 1;
    }
    for (int i = 0; i < n; i += 13) {
        if (!p[i])
            continue;
        int v = -1;
        cudaPointerAttributes a;
        if (cudaMemcpy(&v, p[i] + 3, sizeof v, cudaMemcpyDeviceToHost) != cudaSuccess || v != i * 7 + salt ||
            cudaPointerGetAttributes(&a, p[i] + 5) != cudaSuccess || a.type != cudaMemoryTypeDevice ||
            a.devicePointer != p[i] + 5) {
            if (bad++ < 3)
                printf("%s: allocation %d: value %d, want %d\n", when, i, v, i * 7 + salt);
        }
    }
    cudaFree(table);
    return bad;
}

int main()
{
    const int n = 30000;
    std::vector<int *> p(n, nullptr);
    for (int i = 0; i < n; i++)
        if (cudaMalloc(&p[i], 64) != cudaSuccess) {
            printf("FAIL many_allocations: cudaMalloc %d\n", i);
            return 1;
        }
    int bad = check_live(p, 1, "all live");
    std::vector<int *> gone;
    for (int i = 0; i < n / 2; i++) { /* first in, first out */
        if (cudaFree(p[i]) != cudaSuccess && bad++ < 3)
            printf("cudaFree %d failed\n", i);
        if (i % 7 == 0)
            gone.push_back(p[i]);
        p[i] = nullptr;
    }
    for (int *g : gone) {
        cudaPointerAttributes a;
        cudaError_t e = cudaPointerGetAttributes(&a, g);
        if ((e != cudaSuccess || a.type != cudaMemoryTypeUnregistered) && bad++ < 3)
            printf("freed pointer %p still known (%s, type %d)\n", (void *)g, cudaGetErrorName(e), (int)a.type);
        cudaGetLastError();
        if (cudaFree(g) != cudaErrorInvalidValue && bad++ < 3)
            printf("second cudaFree of %p accepted\n", (void *)g);
    }
    bad += check_live(p, 2, "after FIFO frees");
    for (int i = 0; i < n / 2; i += 2) /* refill every other slot */
        cudaMalloc(&p[i], 64);
    bad += check_live(p, 3, "after refill");
    for (int i = n - 1; i >= 0; i--) /* last in, first out */
        if (p[i] && cudaFree(p[i]) != cudaSuccess && bad++ < 3)
            printf("cudaFree %d failed\n", i);
    size_t free_b, total_b;
    cudaMemGetInfo(&free_b, &total_b);
    if (bad) {
        printf("FAIL many_allocations: %d problems\n", bad);
        return 1;
    }
    printf("PASS many_allocations\n");
    return 0;
}
