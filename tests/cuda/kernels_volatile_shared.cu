// Loads through volatile shared memory, the pre-Volta idioms still common in CUDA code:
// warp-synchronous scans without __syncwarp (every lane of a full warp reads at once), lanes
// reading one word, consecutive words, or one row per half-warp, of 4 and 8 bytes, and a warp
// spinning on a volatile shared flag another warp sets.  Expectations are computed on the host.
#include <cstdint>
#include <cstdio>

#define BLOCK 256

__device__ unsigned warp_scan(unsigned v, volatile unsigned *s)
{
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    volatile unsigned *w = s + warp * 64;
    w[lane] = 0;
    int pos = 32 + lane;
    w[pos] = v;
    for (int off = 1; off < 32; off <<= 1)
        w[pos] += w[pos - off];
    return w[pos];
}

__global__ void scans(unsigned *d)
{
    __shared__ unsigned s[2 * BLOCK];
    int i = blockIdx.x * BLOCK + threadIdx.x;
    d[i] = warp_scan(d[i], s);
}

/* pattern p: which shared word lane l reads */
__host__ __device__ int pick(int p, int l)
{
    switch (p) {
    case 0: return 7;                        /* one word for the warp */
    case 1: return l;                        /* consecutive */
    case 2: return l < 16 ? 3 : 40;          /* one word per half-warp */
    case 3: return (l & 15) + (l < 16 ? 0 : 16 * 3); /* one row per half-warp */
    case 4: return 31 - l;                   /* reversed */
    case 5: return l < 16 ? 5 : l;           /* one word, then a row */
    case 6: return l < 16 ? l + 8 : 60;      /* a row, then one word */
    default: return (l * 2) % 64;            /* stride 2 */
    }
}

template <typename T>
__global__ void patterns(T *out)
{
    __shared__ T s[64];
    volatile T *vs = s;
    int l = threadIdx.x;
    for (int i = l; i < 64; i += 32)
        s[i] = (T)(i * 2654435761u) << (sizeof(T) == 8 ? 17 : 0);
    __syncwarp();
    for (int p = 0; p < 8; p++)
        out[p * 32 + l] = vs[pick(p, l)];
}

/* warp 1 waits for warp 0's value through a volatile shared flag */
__global__ void handoff(unsigned *out)
{
    __shared__ unsigned data;
    __shared__ volatile unsigned flag;
    if (threadIdx.x == 0)
        flag = 0;
    __syncthreads();
    if (threadIdx.x == 0) {
        unsigned v = 0;
        for (int i = 0; i < 5000; i++)
            v = v * 31 + i;
        data = v;
        __threadfence_block();
        flag = 1;
    }
    if (threadIdx.x == 32) {
        while (flag == 0) {
        }
        __threadfence_block();
        out[blockIdx.x] = data;
    }
}

template <typename T>
static int check_patterns(const char *name)
{
    T *out;
    cudaMallocManaged(&out, 8 * 32 * sizeof(T));
    patterns<T><<<1, 32>>>(out);
    if (cudaDeviceSynchronize() != cudaSuccess) {
        printf("%s: kernel failed\n", name);
        return 1;
    }
    int bad = 0;
    for (int p = 0; p < 8; p++)
        for (int l = 0; l < 32; l++) {
            int i = pick(p, l);
            T want = (T)(i * 2654435761u) << (sizeof(T) == 8 ? 17 : 0);
            if (out[p * 32 + l] != want && bad++ < 3)
                printf("%s pattern %d lane %d: got %llx want %llx\n", name, p, l,
                       (unsigned long long)out[p * 32 + l], (unsigned long long)want);
        }
    cudaFree(out);
    return bad;
}

int main()
{
    const int blocks = 64, n = blocks * BLOCK;
    unsigned *d, *h = new unsigned[n];
    cudaMallocManaged(&d, n * sizeof *d);
    uint32_t x = 2463534242u;
    for (int i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        d[i] = h[i] = x % 1000;
    }
    scans<<<blocks, BLOCK>>>(d);
    int bad = cudaDeviceSynchronize() != cudaSuccess;
    for (int w = 0; w < n / 32; w++) {
        unsigned acc = 0;
        for (int l = 0; l < 32; l++) {
            acc += h[w * 32 + l];
            if (d[w * 32 + l] != acc && bad++ < 3)
                printf("scan: element %d got %u want %u\n", w * 32 + l, d[w * 32 + l], acc);
        }
    }
    bad += check_patterns<uint32_t>("4-byte");
    bad += check_patterns<unsigned long long>("8-byte");
    unsigned *o;
    cudaMallocManaged(&o, 8 * sizeof *o);
    handoff<<<8, 64>>>(o);
    if (cudaDeviceSynchronize() != cudaSuccess) {
        printf("handoff: %s\n", cudaGetErrorString(cudaGetLastError()));
        bad++;
    } else {
        unsigned v = 0;
        for (int i = 0; i < 5000; i++)
            v = v * 31 + i;
        for (int b = 0; b < 8; b++)
            if (o[b] != v && bad++ < 3)
                printf("handoff: block %d got %u want %u\n", b, o[b], v);
    }
    if (bad) {
        printf("FAIL kernels_volatile_shared: %d problems\n", bad);
        return 1;
    }
    printf("PASS kernels_volatile_shared\n");
    return 0;
}
