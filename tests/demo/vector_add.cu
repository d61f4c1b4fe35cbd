// The demo `make demo` runs: an ordinary CUDA program, built by nvcc with -cudart shared,
// running unchanged on cushim's cpu backend.  It adds two vectors on the device and checks
// every element against the host's own sum.
#include <cstdio>
#include <cstdlib>
#include <cuda_runtime.h>

__global__ void vector_add(const float *a, const float *b, float *c, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n)
        c[i] = a[i] + b[i];
}

#define CHECK(call)                                                                       \
    do {                                                                                  \
        cudaError_t err_ = (call);                                                        \
        if (err_ != cudaSuccess) {                                                        \
            fprintf(stderr, "%s failed: %s (%s)\n", #call, cudaGetErrorString(err_),      \
                    cudaGetErrorName(err_));                                              \
            return 1;                                                                     \
        }                                                                                 \
    } while (0)

int main()
{
    int runtime = 0, devices = 0;
    CHECK(cudaRuntimeGetVersion(&runtime));
    CHECK(cudaGetDeviceCount(&devices));
    cudaDeviceProp prop;
    CHECK(cudaGetDeviceProperties(&prop, 0));
    printf("runtime %d.%d, %d device(s); device 0: %s, compute capability %d.%d, %d SMs\n",
           runtime / 1000, runtime % 1000 / 10, devices, prop.name, prop.major, prop.minor,
           prop.multiProcessorCount);

    const int n = 1 << 20;
    size_t bytes = n * sizeof(float);
    float *a = (float *)malloc(bytes), *b = (float *)malloc(bytes), *c = (float *)malloc(bytes);
    for (int i = 0; i < n; i++) {
        a[i] = (float)i;
        b[i] = 0.5f * (float)(n - i);
    }
    float *da, *db, *dc;
    CHECK(cudaMalloc(&da, bytes));
    CHECK(cudaMalloc(&db, bytes));
    CHECK(cudaMalloc(&dc, bytes));
    CHECK(cudaMemcpy(da, a, bytes, cudaMemcpyHostToDevice));
    CHECK(cudaMemcpy(db, b, bytes, cudaMemcpyHostToDevice));

    int threads = 256, blocks = (n + threads - 1) / threads;
    vector_add<<<blocks, threads>>>(da, db, dc, n);
    CHECK(cudaGetLastError());
    CHECK(cudaDeviceSynchronize());
    CHECK(cudaMemcpy(c, dc, bytes, cudaMemcpyDeviceToHost));

    int wrong = 0;
    for (int i = 0; i < n; i++)
        if (c[i] != a[i] + b[i])
            wrong++;
    printf("vector_add of %d elements in %d blocks of %d threads: %s\n", n, blocks, threads,
           wrong == 0 ? "Test PASSED" : "Test FAILED");
    CHECK(cudaFree(da));
    CHECK(cudaFree(db));
    CHECK(cudaFree(dc));
    free(a);
    free(b);
    free(c);
    return wrong == 0 ? 0 : 1;
}
