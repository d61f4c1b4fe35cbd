/*
 * eng_watchdog.c - the end of a warp's time slice: charge the launch's branch budget and check
 * its deadline, so a kernel that never finishes ends with MU_ERROR_LAUNCH_TIMEOUT, and stop the
 * launch when its device has faulted elsewhere.
 *
 * Owns: the limits of struct engine_launch (timeout_s, a wall-clock watchdog; branch_budget,
 * a deterministic bound for fuzzing; device_fault, the device's fault word) and nothing else.  Every loop a kernel can run passes a
 * backward branch, and every unbounded recursion passes a call, so charging those is enough to
 * catch any kernel that runs forever; the check runs once per time slice (ENG_SLICE of them per
 * warp), so it costs one atomic add and one clock read per ENG_SLICE branches.
 * Must not: change what a kernel computes, or slow down the hot loop.
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */

#include <time.h>

#include "eng_internal.h"

uint64_t eng_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int eng_slice_end(eng_warp *w, const eng_insn *in, int32_t spent)
{
    w->budget = ENG_SLICE;
    eng_job *job = w->blk->job;
    int fault = job->device_fault ? atomic_load_explicit(job->device_fault, memory_order_relaxed) : 0;
    if (fault) { /* another launch poisoned the device (or it is being reset): it said why */
        int none = 0;
        atomic_compare_exchange_strong(&job->error, &none, fault);
        return ENG_FAULT;
    }
    if (job->budgeted) {
        int64_t left = atomic_fetch_sub_explicit(&job->branches_left, spent, memory_order_relaxed);
        if (left - spent <= 0)
            return eng_fault(w, in, (w->active ? eng_ctz(w->active) : 0), MU_ERROR_LAUNCH_TIMEOUT,
                             "the launch ran past its budget of %llu branches",
                             (unsigned long long)job->cfg.branch_budget);
    }
    if (job->deadline_ns != 0 && eng_now_ns() >= job->deadline_ns)
        return eng_fault(w, in, (w->active ? eng_ctz(w->active) : 0), MU_ERROR_LAUNCH_TIMEOUT,
                         "watchdog: the launch ran longer than %g s (CUSHIM_KERNEL_TIMEOUT)",
                         job->cfg.timeout_s);
    return ENG_YIELD;
}
