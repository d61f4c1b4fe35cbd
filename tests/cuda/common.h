// common.h - small checking helpers shared by the .cu test programs.  A program prints what
// failed (file, line, call, error name) and exits non-zero; it exits 0 only when every check
// held.  Expected values always come from the program's own host-side computation.
#pragma once
#include <cstdio>
#include <cstdlib>
#include <cstdint>
#include <cstring>
#include <cuda_runtime.h>

static int g_failures = 0;

#define CHECK(call)                                                                       \
    do {                                                                                  \
        cudaError_t err_ = (call);                                                        \
        if (err_ != cudaSuccess) {                                                        \
            fprintf(stderr, "%s:%d: %s -> %s (%s)\n", __FILE__, __LINE__, #call,          \
                    cudaGetErrorName(err_), cudaGetErrorString(err_));                    \
            exit(1);                                                                      \
        }                                                                                 \
    } while (0)

// The call must return exactly `expected`.
#define EXPECT_ERR(call, expected)                                                        \
    do {                                                                                  \
        cudaError_t err_ = (call);                                                        \
        if (err_ != (expected)) {                                                         \
            fprintf(stderr, "%s:%d: %s -> %s, expected %s\n", __FILE__, __LINE__, #call,  \
                    cudaGetErrorName(err_), cudaGetErrorName(expected));                  \
            g_failures++;                                                                 \
        }                                                                                 \
    } while (0)

#define EXPECT(cond)                                                                      \
    do {                                                                                  \
        if (!(cond)) {                                                                    \
            fprintf(stderr, "%s:%d: expected %s\n", __FILE__, __LINE__, #cond);           \
            g_failures++;                                                                 \
        }                                                                                 \
    } while (0)

#define EXPECT_EQ_LL(a, b)                                                                \
    do {                                                                                  \
        long long a_ = (long long)(a), b_ = (long long)(b);                               \
        if (a_ != b_) {                                                                   \
            fprintf(stderr, "%s:%d: %s == %lld, expected %s == %lld\n", __FILE__,         \
                    __LINE__, #a, a_, #b, b_);                                            \
            g_failures++;                                                                 \
        }                                                                                 \
    } while (0)

static inline int finish(const char *name)
{
    if (g_failures == 0)
        printf("%s: PASS\n", name);
    else
        printf("%s: FAIL (%d checks)\n", name, g_failures);
    return g_failures == 0 ? 0 : 1;
}
