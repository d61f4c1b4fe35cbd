/*
 * thread_state.c - per-host-thread runtime state: the last error, the current device and the
 * per-thread-default-stream mode of _ptsz/_ptds calls.  Nothing here is shared between threads.
 */
#include "runtime.h"

static _Thread_local struct cushim_thread_state thread_state = {
    .last_error = cudaSuccess,
    .device = -1,
    .per_thread_stream = 0,
};

struct cushim_thread_state *cushim_thread(void)
{
    return &thread_state;
}

void cushim_set_last_error(cudaError_t error)
{
    thread_state.last_error = error;
}

int cushim_enter_per_thread_stream(void)
{
    int saved = thread_state.per_thread_stream;
    thread_state.per_thread_stream = 1;
    return saved;
}

void cushim_leave_per_thread_stream(int saved)
{
    thread_state.per_thread_stream = saved;
}
