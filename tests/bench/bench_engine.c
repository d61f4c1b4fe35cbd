/*
 * bench_engine.c - `make bench` through the engine API: runs the nvcc PTX of bench_kernels.cu
 * on the engine and the plain-C twins of bench_ref.c on the same data with the same number of
 * threads, checks that both agree, and prints each time, each ratio and the geometric mean.
 *
 * Usage: bench_engine KERNELS.ptx [scale]   (scale multiplies the problem sizes; default 1)
 * Each measurement is the median of three runs after one warm-up run.
 */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/engine/engine.h"
#include "bench.h"

/* --- device services: a registry of allocations --- */

static pthread_mutex_t reg_mu = PTHREAD_MUTEX_INITIALIZER;
static struct {
    uint64_t base, size;
} reg[256];
static int nreg;

static int find_range(void *ctx, uint64_t a, uint64_t *base, uint64_t *size)
{
    (void)ctx;
    int found = 0;
    pthread_mutex_lock(&reg_mu);
    for (int i = 0; i < nreg; i++)
        if (a - reg[i].base < reg[i].size) {
            *base = reg[i].base;
            *size = reg[i].size;
            found = 1;
            break;
        }
    pthread_mutex_unlock(&reg_mu);
    return found;
}

static void *dev_alloc(void *ctx, size_t bytes, size_t align)
{
    (void)ctx;
    if (align < 64)
        align = 64;
    void *p = aligned_alloc(align, (bytes + align - 1) / align * align);
    if (!p)
        return NULL;
    memset(p, 0, bytes);
    pthread_mutex_lock(&reg_mu);
    if (nreg < 256) {
        reg[nreg].base = (uint64_t)(uintptr_t)p;
        reg[nreg].size = bytes;
        nreg++;
    }
    pthread_mutex_unlock(&reg_mu);
    return p;
}

static void dev_free(void *ctx, void *p)
{
    (void)ctx;
    pthread_mutex_lock(&reg_mu);
    for (int i = 0; i < nreg; i++)
        if (reg[i].base == (uint64_t)(uintptr_t)p) {
            reg[i] = reg[--nreg];
            break;
        }
    pthread_mutex_unlock(&reg_mu);
    free(p);
}

static const struct engine_host host = {.find_range = find_range, .alloc = dev_alloc,
                                        .free = dev_free};
static engine_module *mod;
static int nthreads;

static void launch(const char *name, unsigned gx, unsigned gy, unsigned bx, unsigned by, void **args)
{
    const engine_kernel *k = engine_module_kernel(mod, name);
    if (!k) {
        fprintf(stderr, "bench: no kernel %s\n", name);
        exit(1);
    }
    struct engine_launch l;
    memset(&l, 0, sizeof l);
    l.grid.x = gx;
    l.grid.y = gy;
    l.grid.z = 1;
    l.block.x = bx;
    l.block.y = by;
    l.block.z = 1;
    l.args = args;
    MUresult r = engine_launch(k, &l);
    if (r != MU_SUCCESS) {
        fprintf(stderr, "bench: %s failed with %d\n", name, (int)r);
        exit(1);
    }
}

/* median of three timed runs after a warm-up */
typedef void (*runner)(void *);
static double time_it(runner fn, void *arg)
{
    double t[3];
    fn(arg);
    for (int i = 0; i < 3; i++) {
        double s = bench_now_ms();
        fn(arg);
        t[i] = bench_now_ms() - s;
    }
    if (t[0] > t[1]) { double x = t[0]; t[0] = t[1]; t[1] = x; }
    if (t[1] > t[2]) { double x = t[1]; t[1] = t[2]; t[2] = x; }
    if (t[0] > t[1]) { double x = t[0]; t[0] = t[1]; t[1] = x; }
    return t[1];
}

struct data {
    float *a, *b, *c, *ref;
    unsigned char *bytes;
    unsigned *bins, *rbins;
    int n;
    float alpha;
    float sum;
};

#define GRID_STRIDE_BLOCKS 64

static void shim_vadd(void *p) { struct data *d = p; void *a[] = {&d->a, &d->b, &d->c, &d->n}; launch("vadd", (unsigned)(d->n + 255) / 256, 1, 256, 1, a); }
static void c_vadd(void *p) { struct data *d = p; ref_vadd(nthreads, d->a, d->b, d->ref, d->n); }
static void shim_saxpy(void *p) { struct data *d = p; void *a[] = {&d->n, &d->alpha, &d->a, &d->c}; launch("saxpy", (unsigned)(d->n + 255) / 256, 1, 256, 1, a); }
static void c_saxpy(void *p) { struct data *d = p; ref_saxpy(nthreads, d->n, d->alpha, d->a, d->ref); }
static void shim_matmul(void *p) { struct data *d = p; void *a[] = {&d->a, &d->b, &d->c, &d->n}; launch("matmul", (unsigned)d->n / 16, (unsigned)d->n / 16, 16, 16, a); }
static void c_matmul(void *p) { struct data *d = p; ref_matmul(nthreads, d->a, d->b, d->ref, d->n); }
static void shim_reduce(void *p) { struct data *d = p; d->c[0] = 0; void *a[] = {&d->a, &d->c, &d->n}; launch("reduce", GRID_STRIDE_BLOCKS, 1, 256, 1, a); }
static void c_reduce(void *p) { struct data *d = p; d->sum = ref_reduce(nthreads, d->a, d->n); }
static void shim_hist(void *p) { struct data *d = p; memset(d->bins, 0, 1024); void *a[] = {&d->bytes, &d->n, &d->bins}; launch("histogram", GRID_STRIDE_BLOCKS, 1, 256, 1, a); }
static void c_hist(void *p) { struct data *d = p; memset(d->rbins, 0, 1024); ref_histogram(nthreads, d->bytes, d->n, d->rbins); }
static void shim_trans(void *p) { struct data *d = p; void *a[] = {&d->a, &d->c, &d->n}; launch("transcend", (unsigned)(d->n + 255) / 256, 1, 256, 1, a); }
static void c_trans(void *p) { struct data *d = p; ref_transcend(nthreads, d->a, d->ref, d->n); }

static int close_arrays(const float *x, const float *y, long n, float rel)
{
    for (long i = 0; i < n; i++)
        if (fabsf(x[i] - y[i]) > rel * (fabsf(y[i]) + 1.0f))
            return 0;
    return 1;
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    char *b = malloc((size_t)n + 1);
    if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
        free(b);
        b = NULL;
    }
    fclose(f);
    if (b)
        b[n] = 0;
    *len = (size_t)n;
    return b;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s bench_kernels.ptx [scale]\n", argv[0]);
        return 2;
    }
    double scale = argc > 2 ? atof(argv[2]) : 1.0;
    size_t len;
    char *ptx = read_file(argv[1], &len);
    if (!ptx || engine_module_load(&mod, ptx, len, &host, argv[1]) != MU_SUCCESS) {
        fprintf(stderr, "bench: cannot load %s\n", argv[1]);
        return 1;
    }
    nthreads = engine_thread_count();
    printf("cushim bench: engine API, %d thread%s (CUSHIM_CPU_THREADS), median of 3 runs\n", nthreads,
           nthreads == 1 ? "" : "s");
    printf("%-12s %12s %12s %9s  %s\n", "kernel", "shim ms", "C ms", "shim/C", "check");

    struct {
        const char *name;
        runner shim, c;
        int n;
    } benches[] = {
        {"vadd", shim_vadd, c_vadd, (int)(48e6 * scale)},
        {"saxpy", shim_saxpy, c_saxpy, (int)(48e6 * scale)},
        {"matmul", shim_matmul, c_matmul, 0},
        {"reduce", shim_reduce, c_reduce, (int)(64e6 * scale)},
        {"histogram", shim_hist, c_hist, (int)(128e6 * scale)},
        {"transcend", shim_trans, c_trans, (int)(5e6 * scale)},
    };
    int mat_n = (int)(672 * cbrt(scale)) / 16 * 16;
    if (mat_n < 16)
        mat_n = 16;
    double logsum = 0;
    int nb = (int)(sizeof benches / sizeof benches[0]), bad = 0, ran = 0;
    const char *only = getenv("CUSHIM_BENCH_ONLY"); /* profile one kernel */
    for (int b = 0; b < nb; b++) {
        if (only && strcmp(only, benches[b].name))
            continue;
        struct data d;
        memset(&d, 0, sizeof d);
        long n = benches[b].n, elems = n;
        if (!strcmp(benches[b].name, "matmul")) {
            n = mat_n;
            elems = n * n;
        }
        d.n = (int)n;
        d.alpha = 1.5f;
        if (!strcmp(benches[b].name, "histogram")) {
            d.bytes = dev_alloc(NULL, (size_t)n, 64);
            d.bins = dev_alloc(NULL, 1024, 64);
            d.rbins = malloc(1024);
            uint32_t x = 12345;
            for (long i = 0; i < n; i++) {
                x = x * 1664525u + 1013904223u;
                d.bytes[i] = (unsigned char)(x >> 24);
            }
        } else {
            d.a = dev_alloc(NULL, sizeof(float) * (size_t)elems, 64);
            d.b = dev_alloc(NULL, sizeof(float) * (size_t)elems, 64);
            d.c = dev_alloc(NULL, sizeof(float) * (size_t)elems, 64);
            d.ref = malloc(sizeof(float) * (size_t)elems);
            for (long i = 0; i < elems; i++) {
                d.a[i] = (float)((i * 7919) % 1000) / 250.0f;
                d.b[i] = (float)((i * 104729) % 1000) / 500.0f - 1.0f;
            }
        }
        if (!strcmp(benches[b].name, "saxpy")) {
            /* y is updated in place: give both sides their own copy each run */
            memcpy(d.ref, d.b, sizeof(float) * (size_t)elems);
            memcpy(d.c, d.b, sizeof(float) * (size_t)elems);
        }
        double ts = time_it(benches[b].shim, &d);
        double tc = time_it(benches[b].c, &d);
        int ok;
        if (!strcmp(benches[b].name, "histogram"))
            ok = memcmp(d.bins, d.rbins, 1024) == 0;
        else if (!strcmp(benches[b].name, "reduce"))
            ok = fabsf(d.c[0] - d.sum) <= 1e-3f * fabsf(d.sum);
        else if (!strcmp(benches[b].name, "saxpy")) {
            /* both applied y = a*x + y four times to the same start */
            ok = close_arrays(d.c, d.ref, elems, 1e-5f);
        } else
            ok = close_arrays(d.c, d.ref, elems, !strcmp(benches[b].name, "transcend") ? 1e-5f : 1e-4f);
        if (!ok)
            bad++;
        double ratio = ts / tc;
        logsum += log(ratio);
        ran++;
        printf("%-12s %12.1f %12.1f %8.1fx  %s%s\n", benches[b].name, ts, tc, ratio, ok ? "ok" : "MISMATCH",
               tc < 20.0 ? " (C under 20 ms)" : "");
        fflush(stdout);
        if (d.bytes) {
            dev_free(NULL, d.bytes);
            dev_free(NULL, d.bins);
            free(d.rbins);
        } else {
            dev_free(NULL, d.a);
            dev_free(NULL, d.b);
            dev_free(NULL, d.c);
            free(d.ref);
        }
    }
    engine_module_unload(mod);
    free(ptx);
    printf("geomean shim/C: %.1fx\n", exp(logsum / (ran ? ran : 1)));
    return bad ? 1 : 0;
}
