// bench_cuda.cu - `make bench` as a CUDA program: the kernels of bench_kernels.cu launched
// through the CUDA runtime (built with nvcc -cudart shared, run unmodified under cushim's
// libcudart), timed against the plain-C twins of bench_ref.c (gcc -O2) on the same data with
// the same number of threads, in the same run.  Output matches bench_engine.c.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <unistd.h>

#include "bench.h"
#include "bench_kernels.cu"

#define CHECK(x)                                                                         \
    do {                                                                                 \
        cudaError_t e_ = (x);                                                            \
        if (e_ != cudaSuccess) {                                                         \
            fprintf(stderr, "bench: %s: %s\n", #x, cudaGetErrorString(e_));              \
            exit(1);                                                                     \
        }                                                                                \
    } while (0)

static int nthreads;

struct data {
    float *a, *b, *c, *ref;
    unsigned char *bytes;
    unsigned *bins, *rbins;
    int n;
    float alpha, sum;
};

typedef void (*runner)(data *);

static double time_it(runner fn, data *d)
{
    double t[3];
    fn(d);
    for (int i = 0; i < 3; i++) {
        double s = bench_now_ms();
        fn(d);
        t[i] = bench_now_ms() - s;
    }
    if (t[0] > t[1]) { double x = t[0]; t[0] = t[1]; t[1] = x; }
    if (t[1] > t[2]) { double x = t[1]; t[1] = t[2]; t[2] = x; }
    if (t[0] > t[1]) { double x = t[0]; t[0] = t[1]; t[1] = x; }
    return t[1];
}

static void dsync() { CHECK(cudaDeviceSynchronize()); }
static void g_vadd(data *d) { vadd<<<(d->n + 255) / 256, 256>>>(d->a, d->b, d->c, d->n); dsync(); }
static void c_vadd(data *d) { ref_vadd(nthreads, d->a, d->b, d->ref, d->n); }
static void g_saxpy(data *d) { saxpy<<<(d->n + 255) / 256, 256>>>(d->n, d->alpha, d->a, d->c); dsync(); }
static void c_saxpy(data *d) { ref_saxpy(nthreads, d->n, d->alpha, d->a, d->ref); }
static void g_matmul(data *d) { matmul<<<dim3(d->n / 16, d->n / 16), dim3(16, 16)>>>(d->a, d->b, d->c, d->n); dsync(); }
static void c_matmul(data *d) { ref_matmul(nthreads, d->a, d->b, d->ref, d->n); }
static void g_reduce(data *d) { CHECK(cudaMemset(d->c, 0, 4)); reduce<<<64, 256>>>(d->a, d->c, d->n); dsync(); }
static void c_reduce(data *d) { d->sum = ref_reduce(nthreads, d->a, d->n); }
static void g_hist(data *d) { CHECK(cudaMemset(d->bins, 0, 1024)); histogram<<<64, 256>>>(d->bytes, d->n, d->bins); dsync(); }
static void c_hist(data *d) { memset(d->rbins, 0, 1024); ref_histogram(nthreads, d->bytes, d->n, d->rbins); }
static void g_trans(data *d) { transcend<<<(d->n + 255) / 256, 256>>>(d->a, d->c, d->n); dsync(); }
static void c_trans(data *d) { ref_transcend(nthreads, d->a, d->ref, d->n); }

static bool close_arrays(const float *x, const float *y, long n, float rel)
{
    for (long i = 0; i < n; i++)
        if (fabsf(x[i] - y[i]) > rel * (fabsf(y[i]) + 1.0f))
            return false;
    return true;
}

int main(int argc, char **argv)
{
    double scale = argc > 1 ? atof(argv[1]) : 1.0;
    const char *env = getenv("CUSHIM_CPU_THREADS");
    nthreads = env && atoi(env) > 0 ? atoi(env) : (int)sysconf(_SC_NPROCESSORS_ONLN);
    printf("cushim bench: CUDA runtime, %d thread%s for the C side, median of 3 runs\n", nthreads,
           nthreads == 1 ? "" : "s");
    printf("%-12s %12s %12s %9s  %s\n", "kernel", "shim ms", "C ms", "shim/C", "check");
    struct {
        const char *name;
        runner g, c;
        int n;
    } benches[] = {
        {"vadd", g_vadd, c_vadd, (int)(48e6 * scale)},      {"saxpy", g_saxpy, c_saxpy, (int)(48e6 * scale)},
        {"matmul", g_matmul, c_matmul, 0},                  {"reduce", g_reduce, c_reduce, (int)(64e6 * scale)},
        {"histogram", g_hist, c_hist, (int)(128e6 * scale)}, {"transcend", g_trans, c_trans, (int)(5e6 * scale)},
    };
    int mat_n = (int)(672 * cbrt(scale)) / 16 * 16;
    if (mat_n < 16)
        mat_n = 16;
    double logsum = 0;
    int bad = 0, ran = 0;
    for (auto &b : benches) {
        data d;
        memset(&d, 0, sizeof d);
        long n = b.n, elems = n;
        bool is_mat = !strcmp(b.name, "matmul"), is_hist = !strcmp(b.name, "histogram");
        if (is_mat) {
            n = mat_n;
            elems = n * n;
        }
        d.n = (int)n;
        d.alpha = 1.5f;
        if (is_hist) {
            CHECK(cudaMallocManaged(&d.bytes, (size_t)n));
            CHECK(cudaMallocManaged(&d.bins, 1024));
            d.rbins = (unsigned *)malloc(1024);
            unsigned x = 12345;
            for (long i = 0; i < n; i++) {
                x = x * 1664525u + 1013904223u;
                d.bytes[i] = (unsigned char)(x >> 24);
            }
        } else {
            CHECK(cudaMallocManaged(&d.a, sizeof(float) * (size_t)elems));
            CHECK(cudaMallocManaged(&d.b, sizeof(float) * (size_t)elems));
            CHECK(cudaMallocManaged(&d.c, sizeof(float) * (size_t)elems));
            d.ref = (float *)malloc(sizeof(float) * (size_t)elems);
            for (long i = 0; i < elems; i++) {
                d.a[i] = (float)((i * 7919) % 1000) / 250.0f;
                d.b[i] = (float)((i * 104729) % 1000) / 500.0f - 1.0f;
            }
            if (!strcmp(b.name, "saxpy")) {
                memcpy(d.ref, d.b, sizeof(float) * (size_t)elems);
                memcpy(d.c, d.b, sizeof(float) * (size_t)elems);
            }
        }
        double ts = time_it(b.g, &d), tc = time_it(b.c, &d);
        bool ok;
        if (is_hist)
            ok = memcmp(d.bins, d.rbins, 1024) == 0;
        else if (!strcmp(b.name, "reduce"))
            ok = fabsf(d.c[0] - d.sum) <= 1e-3f * fabsf(d.sum);
        else
            ok = close_arrays(d.c, d.ref, elems, !strcmp(b.name, "transcend") ? 1e-5f : 1e-4f);
        bad += !ok;
        double ratio = ts / tc;
        logsum += log(ratio);
        ran++;
        printf("%-12s %12.1f %12.1f %8.1fx  %s%s\n", b.name, ts, tc, ratio, ok ? "ok" : "MISMATCH",
               tc < 20.0 ? " (C under 20 ms)" : "");
        fflush(stdout);
        cudaFree(d.a);
        cudaFree(d.b);
        cudaFree(d.c);
        cudaFree(d.bytes);
        cudaFree(d.bins);
        free(d.ref);
        free(d.rbins);
    }
    printf("geomean shim/C: %.1fx\n", exp(logsum / (ran ? ran : 1)));
    return bad ? 1 : 0;
}
