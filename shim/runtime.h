/*
 * runtime.h - state the whole runtime shares: the selected backend, the calling thread's state
 * (last error, current device, per-thread-stream mode), and the translation of backend results.
 *
 * Everything in shim/ that touches a device goes through cushim_backend(), which initialises the
 * backend once (thread-safe) and reports a clear error if that failed.
 */
#ifndef CUSHIM_RUNTIME_H
#define CUSHIM_RUNTIME_H

#include "cushim/cuda_types.h"
#include "mu.h"

/* The backend, initialised on first use; NULL (and *error set) when it cannot be used. */
const struct mu_driver *cushim_backend(cudaError_t *error);

/* MUresult values equal cudaError_t values of the same meaning. */
static inline cudaError_t cushim_from_mu(MUresult result)
{
    return (cudaError_t)result;
}

struct cushim_thread_state {
    cudaError_t last_error;
    int device;            /* current device; -1 until the thread sets or uses one */
    int per_thread_stream; /* inside a _ptsz/_ptds call: stream 0 means this thread's stream */
};
struct cushim_thread_state *cushim_thread(void);

void cushim_set_last_error(cudaError_t error);
/* The error log's line for a failed call (shim/logs.c). */
void cushim_log_failure(const char *name, cudaError_t result);
/* The default of every function whose table status is TODO. */
cudaError_t cushim_not_supported(int index, const char *name);

int cushim_enter_per_thread_stream(void);
void cushim_leave_per_thread_stream(int saved);

/* Runtime version this library reports (13000, or 12xxx for libcudart.so.12). */
int cushim_runtime_version(void);

#endif
