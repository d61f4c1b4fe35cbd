// A kernel missing its bounds check (no `if (i < n)`) runs its last block past the end of its
// buffers.  A GPU does not fault there: it hands out memory in large pages, and the bytes after
// a buffer are padding or a neighbour.  cushim lets such accesses through inside the
// allocation's last page (saying so once on stderr), so the program gets its results as on a
// GPU, and still faults past that page.
#include <cstdio>

__global__ void add_unchecked(const float *a, const float *b, float *c)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    c[i] = a[i] + b[i];
}

__global__ void read_double(const double *p, long long index, double *out)
{
    *out = p[index];
}

int main()
{
    int bad = 0;
    const int n = 1000; /* 4000 bytes: 96 bytes of the page left; 4 blocks of 256 run 24 past */
    size_t bytes = n * sizeof(float);
    float *a, *b, *c, *h = new float[n];
    cudaMalloc(&a, bytes);
    cudaMalloc(&b, bytes);
    cudaMalloc(&c, bytes);
    for (int i = 0; i < n; i++)
        h[i] = (float)i;
    cudaMemcpy(a, h, bytes, cudaMemcpyHostToDevice);
    cudaMemcpy(b, h, bytes, cudaMemcpyHostToDevice);
    add_unchecked<<<4, 256>>>(a, b, c);
    cudaError_t err = cudaDeviceSynchronize();
    if (err != cudaSuccess) {
        printf("overrun inside the last page: %s\n", cudaGetErrorName(err));
        bad++;
    }
    cudaMemcpy(h, c, bytes, cudaMemcpyDeviceToHost);
    for (int i = 0; i < n; i++)
        if (h[i] != 2.0f * i && bad++ < 3)
            printf("c[%d] = %g, want %g\n", i, h[i], 2.0f * i);

    /* an 8-byte read of the last 8 bytes of the page goes; the next one is past the page */
    double *d, *out;
    cudaMallocManaged(&out, sizeof *out);
    cudaMalloc(&d, 500 * sizeof(double)); /* 4000 bytes, the newest allocation: nothing after it */
    read_double<<<1, 1>>>(d, 511, out);
    err = cudaDeviceSynchronize();
    if (err != cudaSuccess) {
        printf("8-byte read at the end of the page: %s\n", cudaGetErrorName(err));
        bad++;
    }
    read_double<<<1, 1>>>(d, 512, out);
    err = cudaDeviceSynchronize();
    if (err != cudaErrorIllegalAddress) {
        printf("read past the page: %s, want cudaErrorIllegalAddress\n", cudaGetErrorName(err));
        bad++;
    }
    if (bad) {
        printf("FAIL kernels_tail_overrun: %d problems\n", bad);
        return 1;
    }
    printf("PASS kernels_tail_overrun\n");
    return 0;
}
