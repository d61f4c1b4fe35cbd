/*
 * bench.h - the plain-C side of `make bench`: the same algorithms as bench_kernels.cu, run on
 * the host with the same number of threads, and a monotonic clock.
 */
#ifndef CUSHIM_BENCH_H
#define CUSHIM_BENCH_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

double bench_now_ms(void);
/* Run fn(i, nthreads, arg) on nthreads threads (i = 0..nthreads-1) and wait for all. */
void bench_parallel(int nthreads, void (*fn)(int i, int n, void *arg), void *arg);

void ref_vadd(int nthreads, const float *a, const float *b, float *c, int n);
void ref_saxpy(int nthreads, int n, float alpha, const float *x, float *y);
void ref_matmul(int nthreads, const float *A, const float *B, float *C, int n);
float ref_reduce(int nthreads, const float *in, int n);
void ref_histogram(int nthreads, const unsigned char *data, int n, unsigned *bins);
void ref_transcend(int nthreads, const float *x, float *y, int n);

#ifdef __cplusplus
}
#endif

#endif
