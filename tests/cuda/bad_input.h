// bad_input.h - the table the bad-input programs (tests/cuda/bad_input_*.cu) are written as:
// one row per misuse, each naming the exact cudaError_t the call must return.  After every row
// the program checks that it can go on: a non-sticky error is the thread's last error once and
// then gone, and the device still allocates, fills and copies correctly; a sticky error (a
// kernel fault) is returned by every later call, survives cudaGetLastError, and is cleared by
// cudaDeviceReset, after which the device works again.
#pragma once
#include "common.h"

enum stickiness { NOT_STICKY, STICKY };

struct bad_row {
    const char *what;
    cudaError_t expected;
    enum stickiness sticky;
    cudaError_t (*run)(void);
};

// The device still does real work: allocate, fill, copy back, free, with the data checked.
static bool device_still_works(void)
{
    const size_t n = 4096;
    unsigned char *d = nullptr;
    static unsigned char h[4096];
    if (cudaMalloc(&d, n) != cudaSuccess)
        return false;
    bool ok = cudaMemset(d, 0x5a, n) == cudaSuccess &&
              cudaMemcpy(h, d, n, cudaMemcpyDeviceToHost) == cudaSuccess;
    for (size_t i = 0; ok && i < n; i++)
        ok = h[i] == 0x5a;
    return cudaFree(d) == cudaSuccess && ok;
}

static void run_row(const struct bad_row *row)
{
    (void)cudaGetLastError();
    cudaError_t got = row->run();
    if (got != row->expected) {
        fprintf(stderr, "row '%s': got %s, expected %s\n", row->what, cudaGetErrorName(got),
                cudaGetErrorName(row->expected));
        g_failures++;
    }
    if (row->sticky == STICKY) {
        // Every later call fails the same way, and reading the error does not clear it.
        void *p = nullptr;
        cudaError_t again = cudaMalloc(&p, 16);
        cudaError_t last = cudaGetLastError();
        cudaError_t still = cudaGetLastError();
        cudaError_t sync = cudaDeviceSynchronize();
        if (again != row->expected || last != row->expected || still != row->expected ||
            sync != row->expected) {
            fprintf(stderr, "row '%s': not sticky: cudaMalloc %s, cudaGetLastError %s then %s, "
                            "cudaDeviceSynchronize %s\n",
                    row->what, cudaGetErrorName(again), cudaGetErrorName(last),
                    cudaGetErrorName(still), cudaGetErrorName(sync));
            g_failures++;
        }
        // The reset clears the device.  The thread's last error is the last failing call's,
        // the fault: it is read once more, and now that the device is healthy that clears it.
        cudaError_t reset = cudaDeviceReset();
        cudaError_t after = cudaGetLastError();
        cudaError_t clean = cudaGetLastError();
        if (reset != cudaSuccess || after != row->expected || clean != cudaSuccess) {
            fprintf(stderr, "row '%s': cudaDeviceReset %s, then cudaGetLastError %s and %s\n",
                    row->what, cudaGetErrorName(reset), cudaGetErrorName(after),
                    cudaGetErrorName(clean));
            g_failures++;
        }
    } else if (got != cudaSuccess) {
        // The failing call set the thread's last error, once.
        cudaError_t last = cudaGetLastError();
        cudaError_t then = cudaGetLastError();
        if (last != got || then != cudaSuccess) {
            fprintf(stderr, "row '%s': cudaGetLastError %s then %s, expected %s then cudaSuccess\n",
                    row->what, cudaGetErrorName(last), cudaGetErrorName(then),
                    cudaGetErrorName(got));
            g_failures++;
        }
    }
    if (!device_still_works()) {
        fprintf(stderr, "row '%s': the device does not work afterwards\n", row->what);
        g_failures++;
    }
    if (cudaGetLastError() != cudaSuccess) {
        fprintf(stderr, "row '%s': an error is left over after the recovery checks\n", row->what);
        g_failures++;
    }
}

// Every row in turn; the program ends with finish(), after its own checks of what survived.
static void run_table(const char *name, const struct bad_row *rows, size_t count)
{
    for (size_t i = 0; i < count; i++)
        run_row(&rows[i]);
    printf("%s: %zu rows\n", name, count);
}

#define RUN_TABLE(name, rows) run_table(name, rows, sizeof rows / sizeof rows[0])
