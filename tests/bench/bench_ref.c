/*
 * bench_ref.c - plain-C versions of the bench kernels (gcc -O2, pthreads): what the shim's
 * times are divided by.  Same algorithms, same data, same thread count as the CUDA kernels.
 */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"

double bench_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

struct job {
    void (*fn)(int, int, void *);
    void *arg;
    int i, n;
};

static void *run(void *p)
{
    struct job *j = p;
    j->fn(j->i, j->n, j->arg);
    return NULL;
}

void bench_parallel(int nthreads, void (*fn)(int, int, void *), void *arg)
{
    pthread_t t[256];
    struct job j[256];
    if (nthreads > 256)
        nthreads = 256;
    for (int i = 0; i < nthreads; i++) {
        j[i] = (struct job){fn, arg, i, nthreads};
        if (i)
            pthread_create(&t[i], NULL, run, &j[i]);
    }
    run(&j[0]);
    for (int i = 1; i < nthreads; i++)
        pthread_join(t[i], NULL);
}

static void span(int i, int n, long total, long *lo, long *hi)
{
    *lo = total * i / n;
    *hi = total * (i + 1) / n;
}

struct vargs {
    const float *a, *b;
    float *c;
    float alpha;
    int n;
};

static void vadd_part(int i, int n, void *p)
{
    struct vargs *v = p;
    long lo, hi;
    span(i, n, v->n, &lo, &hi);
    for (long k = lo; k < hi; k++)
        v->c[k] = v->a[k] + v->b[k];
}

void ref_vadd(int nthreads, const float *a, const float *b, float *c, int n)
{
    struct vargs v = {a, b, c, 0, n};
    bench_parallel(nthreads, vadd_part, &v);
}

static void saxpy_part(int i, int n, void *p)
{
    struct vargs *v = p;
    long lo, hi;
    span(i, n, v->n, &lo, &hi);
    for (long k = lo; k < hi; k++)
        v->c[k] = v->alpha * v->a[k] + v->c[k];
}

void ref_saxpy(int nthreads, int n, float alpha, const float *x, float *y)
{
    struct vargs v = {x, NULL, y, alpha, n};
    bench_parallel(nthreads, saxpy_part, &v);
}

#define TILE 16
struct margs {
    const float *A, *B;
    float *C;
    int n;
};

/* the kernel's algorithm: 16x16 output tiles, accumulating over 16-wide slices of k */
static void matmul_part(int i, int n, void *p)
{
    struct margs *m = p;
    int tiles = m->n / TILE;
    long lo, hi;
    span(i, n, (long)tiles * tiles, &lo, &hi);
    for (long t = lo; t < hi; t++) {
        int bi = (int)(t / tiles) * TILE, bj = (int)(t % tiles) * TILE;
        float acc[TILE][TILE];
        memset(acc, 0, sizeof acc);
        for (int kb = 0; kb < m->n; kb += TILE)
            for (int r = 0; r < TILE; r++)
                for (int k = 0; k < TILE; k++) {
                    float a = m->A[(long)(bi + r) * m->n + kb + k];
                    const float *brow = &m->B[(long)(kb + k) * m->n + bj];
                    for (int c = 0; c < TILE; c++)
                        acc[r][c] += a * brow[c];
                }
        for (int r = 0; r < TILE; r++)
            for (int c = 0; c < TILE; c++)
                m->C[(long)(bi + r) * m->n + bj + c] = acc[r][c];
    }
}

void ref_matmul(int nthreads, const float *A, const float *B, float *C, int n)
{
    struct margs m = {A, B, C, n};
    bench_parallel(nthreads, matmul_part, &m);
}

struct rargs {
    const float *in;
    int n;
    float part[256];
};

static void reduce_part(int i, int n, void *p)
{
    struct rargs *r = p;
    long lo, hi;
    span(i, n, r->n, &lo, &hi);
    float s = 0;
    for (long k = lo; k < hi; k++)
        s += r->in[k];
    r->part[i] = s;
}

float ref_reduce(int nthreads, const float *in, int n)
{
    struct rargs r;
    r.in = in;
    r.n = n;
    bench_parallel(nthreads, reduce_part, &r);
    float s = 0;
    for (int i = 0; i < nthreads && i < 256; i++)
        s += r.part[i];
    return s;
}

struct hargs {
    const unsigned char *data;
    int n;
    unsigned *bins;
    pthread_mutex_t mu;
};

static void hist_part(int i, int n, void *p)
{
    struct hargs *h = p;
    unsigned local[256];
    memset(local, 0, sizeof local);
    long lo, hi;
    span(i, n, h->n, &lo, &hi);
    for (long k = lo; k < hi; k++)
        local[h->data[k]]++;
    pthread_mutex_lock(&h->mu);
    for (int b = 0; b < 256; b++)
        h->bins[b] += local[b];
    pthread_mutex_unlock(&h->mu);
}

void ref_histogram(int nthreads, const unsigned char *data, int n, unsigned *bins)
{
    struct hargs h;
    h.data = data;
    h.n = n;
    h.bins = bins;
    pthread_mutex_init(&h.mu, NULL);
    bench_parallel(nthreads, hist_part, &h);
    pthread_mutex_destroy(&h.mu);
}

static void trans_part(int i, int n, void *p)
{
    struct vargs *v = p;
    long lo, hi;
    span(i, n, v->n, &lo, &hi);
    for (long k = lo; k < hi; k++) {
        float x = v->a[k];
        v->c[k] = sinf(x) * expf(-0.5f * x) + sqrtf(x) + logf(1.0f + x);
    }
}

void ref_transcend(int nthreads, const float *x, float *y, int n)
{
    struct vargs v = {x, NULL, y, 0, n};
    bench_parallel(nthreads, trans_part, &v);
}
