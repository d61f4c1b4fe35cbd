/*
 * test_cpu_fault.c - fault injection (issue 7): make each of the backend's own host
 * allocations fail in turn during a workload, and check that the failing call says
 * MU_ERROR_MEMORY_ALLOCATION, that nothing leaks, and that the backend still works.
 *
 * Owns: tests of cpu_alloc.c's hook and of every failure path it reaches.
 * Must not: leave the hook armed.
 */
#include <check.h>
#include <dirent.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "cpu/cpu_alloc.h"
#include "cpu/cpu_device.h"
#include "cpu/cpu_memory.h"
#include "cpu/cpu_tracker.h"
#include "test_cpu_fake.h"

static int thread_count(void)
{
    DIR *dir = opendir("/proc/self/task");
    if (dir == NULL)
        return -1;
    int n = 0;
    for (struct dirent *e; (e = readdir(dir)) != NULL;)
        n += e->d_name[0] != '.';
    closedir(dir);
    return n;
}

/* Threads of this process once exiting ones are gone: a joined thread can linger in /proc
 * for a moment after pthread_join returns (the kernel wakes the joiner before reaping). */
static int settled_thread_count(int at_most)
{
    int n = thread_count();
    for (int i = 0; i < 100 && n > at_most; i++) {
        cpu_test_sleep_ms(10);
        n = thread_count();
    }
    return n;
}

static void count_fn(void *p)
{
    atomic_fetch_add((atomic_int *)p, 1); /* host functions of two streams run concurrently */
}

#define TRY(call)                      \
    do {                               \
        if ((r = (call)) != MU_SUCCESS) \
            goto out;                  \
    } while (0)

/* A bit of everything; cleans up whatever it created, returns the first error. */
static MUresult workload(void)
{
    MUresult r = MU_SUCCESS;
    MUstream s = NULL, nb = NULL, legacy;
    MUevent e = NULL;
    MUmodule m = NULL;
    MUdeviceptr d = 0;
    void *pinned = NULL;
    atomic_int counter = 0;
    TRY(D->muStreamGetLegacy(&legacy, 0));
    TRY(D->muStreamCreate(&s, 0, 0, 0));
    TRY(D->muStreamCreate(&nb, 0, MU_STREAM_NON_BLOCKING, 0));
    TRY(D->muEventCreate(&e, 0, 0));
    TRY(D->muMemAlloc(&d, 3 * 4096, 0));
    TRY(D->muMemAllocHost(&pinned, 3 * 4096, 0));
    m = fake_module(0);
    if (m == NULL) {
        r = MU_ERROR_MEMORY_ALLOCATION;
        goto out;
    }
    TRY(D->muMemset3D(d, 4096, 3, 1, 4096, 3, 1, s, 0));
    MUfunction add;
    TRY(D->muModuleGetFunction(&add, m, "add"));
    int *p = (int *)(uintptr_t)d, n = 3 * 1024, delta = 2;
    void *args[] = {&p, &n, &delta};
    struct mu_launch_config c = {{1, 1, 1}, {1, 1, 1}, 0, s, 0};
    TRY(D->muLaunchKernel(add, &c, args));
    TRY(D->muEventRecord(e, s));
    TRY(D->muStreamWaitEvent(nb, e, 0));
    struct mu_copy3d copy = {cudaMemcpyDeviceToHost, pinned, p, 4096, 3, 4096, 3, 4096, 3, 1};
    TRY(D->muMemcpy3D(&copy, nb, 0));
    TRY(D->muLaunchHostFunc(nb, count_fn, &counter));
    TRY(D->muLaunchHostFunc(legacy, count_fn, &counter));
    TRY(D->muStreamSynchronize(legacy));
    TRY(D->muStreamSynchronize(nb));
    if (atomic_load(&counter) != 2 || ((int *)pinned)[3 * 1024 - 1] != 0x01010101 + 2)
        r = MU_ERROR_UNKNOWN; /* wrong data: never acceptable */
out:
    /* Clean-up must work with the hook still armed (it fails one allocation, once). */
    D->muDeviceSynchronize(0);
    if (m != NULL)
        D->muModuleUnload(m);
    if (pinned != NULL)
        D->muMemFreeHost(pinned);
    if (d != 0)
        D->muMemFree(d);
    if (e != NULL)
        D->muEventDestroy(e);
    if (nb != NULL)
        D->muStreamDestroy(nb);
    if (s != NULL)
        D->muStreamDestroy(s);
    return r;
}

START_TEST(every_allocation_can_fail)
{
    cpu_test_env();
    fake_engine_install();
    struct cpu_device *dev;
    ck_assert_int_eq(cpu_device_lookup(0, &dev), MU_SUCCESS);
    /* Warm up (legacy worker, tracker and arena tables), then take the baseline. */
    ck_assert_int_eq(workload(), MU_SUCCESS);
    ck_assert_int_eq(D->muDeviceSynchronize(0), MU_SUCCESS);
    size_t used0 = cpu_memory_used(dev);
    size_t ranges0 = cpu_tracker_count(-1, CPU_RANGE_ALL_KINDS);
    int threads0 = thread_count();
    int failed_somewhere = 0;
    for (long n = 1; n < 500; n++) {
        cpu_fault_fail_nth_alloc(n);
        MUresult r = workload();
        int hit = !cpu_fault_pending();
        cpu_fault_fail_nth_alloc(0);
        ck_assert_msg(r == MU_SUCCESS || r == MU_ERROR_MEMORY_ALLOCATION,
                      "allocation %ld failing gave %d", n, r);
        ck_assert_int_eq(D->muDeviceSynchronize(0), MU_SUCCESS);
        ck_assert_uint_eq(cpu_memory_used(dev), used0);
        ck_assert_uint_eq(cpu_tracker_count(-1, CPU_RANGE_ALL_KINDS), ranges0);
        ck_assert_int_le(settled_thread_count(threads0), threads0);
        /* Still usable. */
        ck_assert_int_eq(workload(), MU_SUCCESS);
        failed_somewhere |= r == MU_ERROR_MEMORY_ALLOCATION;
        if (!hit)
            break; /* the workload makes fewer than n allocations: every point was tried */
    }
    ck_assert(failed_somewhere);
    fake_engine_remove();
}
END_TEST

START_TEST(environment_arms_the_hook)
{
    cpu_test_env();
    ck_assert_int_eq(D->muInit(), MU_SUCCESS);
    setenv("CUSHIM_FAIL_HOST_ALLOC", "1", 1);
    cpu_fault_init_from_env();
    unsetenv("CUSHIM_FAIL_HOST_ALLOC");
    ck_assert(cpu_fault_pending());
    MUstream s;
    ck_assert_int_eq(D->muStreamCreate(&s, 0, 0, 0), MU_ERROR_MEMORY_ALLOCATION);
    ck_assert(!cpu_fault_pending());
    ck_assert_int_eq(D->muStreamCreate(&s, 0, 0, 0), MU_SUCCESS);
    ck_assert_int_eq(D->muStreamDestroy(s), MU_SUCCESS);
    /* A worker thread that cannot start fails the submission, not the stream. */
    ck_assert_int_eq(D->muStreamCreate(&s, 0, 0, 0), MU_SUCCESS);
    cpu_fault_fail_nth_alloc(2); /* 1: the host-function record, 2: the worker thread */
    atomic_int counter = 0;
    ck_assert_int_eq(D->muLaunchHostFunc(s, count_fn, &counter), MU_ERROR_MEMORY_ALLOCATION);
    ck_assert_int_eq(D->muLaunchHostFunc(s, count_fn, &counter), MU_SUCCESS);
    ck_assert_int_eq(D->muStreamSynchronize(s), MU_SUCCESS);
    ck_assert_int_eq(atomic_load(&counter), 1);
    ck_assert_int_eq(D->muStreamDestroy(s), MU_SUCCESS);
}
END_TEST

Suite *suite_cpu_fault(void)
{
    Suite *s = suite_create("cpu_fault");
    TCase *t = tcase_create("fault");
    tcase_set_timeout(t, 120);
    tcase_add_test(t, every_allocation_can_fail);
    tcase_add_test(t, environment_arms_the_hook);
    suite_add_tcase(s, t);
    return s;
}
