/*
 * test_cpu_stress.c - many host threads using the cpu backend at once: allocations, fills,
 * launches (fake engine), events, cross-stream waits, copies to pinned memory, host functions,
 * stream churn and frees, each result verified, memory back to its starting level at the end.
 *
 * Owns: the concurrency test of the device services (issue 4: >= 8 threads).
 * Must not: depend on timing; every check is on data.
 */
#include <check.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/cpu_device.h"
#include "cpu/cpu_memory.h"
#include "test_cpu_fake.h"

enum { THREADS = 12, ITERATIONS = 150 };

static MUmodule module;
static atomic_int callbacks;
static atomic_int failures;

#define CHECK(cond)                                          \
    do {                                                     \
        if (!(cond)) {                                       \
            atomic_fetch_add(&failures, 1);                  \
            fprintf(stderr, "stress: %s failed at line %d\n", #cond, __LINE__); \
            return NULL;                                     \
        }                                                    \
    } while (0)

static void count_fn(void *p)
{
    atomic_fetch_add((atomic_int *)p, 1);
}

static void *worker(void *arg)
{
    int id = (int)(intptr_t)arg;
    unsigned seed = 1234u + (unsigned)id;
    atomic_int mine = 0;
    MUstream s1, s2;
    /* Thread 0 works on the legacy stream, so legacy/blocking ordering is exercised too. */
    if (id == 0)
        CHECK(D->muStreamGetLegacy(&s1, 0) == MU_SUCCESS);
    else
        CHECK(D->muStreamCreate(&s1, 0, 0, 0) == MU_SUCCESS);
    CHECK(D->muStreamCreate(&s2, 0, MU_STREAM_NON_BLOCKING, -1) == MU_SUCCESS);
    MUevent e;
    CHECK(D->muEventCreate(&e, 0, id % 2 ? MU_EVENT_DISABLE_TIMING : 0) == MU_SUCCESS);
    MUfunction add;
    CHECK(D->muModuleGetFunction(&add, module, "add") == MU_SUCCESS);
    int *host;
    CHECK(D->muMemAllocHost((void **)&host, 65536 + 64, 0) == MU_SUCCESS);

    for (int i = 0; i < ITERATIONS; i++) {
        int n = 1 + (int)(rand_r(&seed) % 16384);
        size_t bytes = (size_t)n * sizeof(int);
        unsigned char fill = (unsigned char)(rand_r(&seed) & 0x7f);
        MUdeviceptr d;
        CHECK(D->muMemAlloc(&d, bytes, 0) == MU_SUCCESS);
        CHECK(D->muMemset3D(d, bytes, 1, fill, bytes, 1, 1, s1, 0) == MU_SUCCESS);
        int *p = (int *)(uintptr_t)d, delta = id + 1;
        void *args[] = {&p, &n, &delta};
        struct mu_launch_config c = {{1, 1, 1}, {32, 1, 1}, 0, s1, 0};
        CHECK(D->muLaunchKernel(add, &c, args) == MU_SUCCESS);
        CHECK(D->muEventRecord(e, s1) == MU_SUCCESS);
        CHECK(D->muStreamWaitEvent(s2, e, 0) == MU_SUCCESS);
        struct mu_copy3d copy = {cudaMemcpyDeviceToHost, host, p, bytes, 1, bytes, 1,
                                 bytes, 1, 1};
        CHECK(D->muMemcpy3D(&copy, s2, 0) == MU_SUCCESS);
        CHECK(D->muLaunchHostFunc(s2, count_fn, &mine) == MU_SUCCESS);
        if (i % 3 == 0)
            CHECK(D->muEventSynchronize(e) == MU_SUCCESS);
        CHECK(D->muStreamSynchronize(s2) == MU_SUCCESS);
        int word;
        memset(&word, fill, sizeof word);
        for (int k = 0; k < n; k++)
            CHECK(host[k] == word + delta);
        CHECK(D->muStreamQuery(s2) == MU_SUCCESS);
        if (i % 10 == 0) { /* churn: a short-lived stream with work still queued */
            MUstream tmp;
            CHECK(D->muStreamCreate(&tmp, 0, (unsigned)i & 1, 0) == MU_SUCCESS);
            CHECK(D->muLaunchHostFunc(tmp, count_fn, &callbacks) == MU_SUCCESS);
            CHECK(D->muStreamDestroy(tmp) == MU_SUCCESS);
        }
        if (i % 25 == 0)
            CHECK(D->muDeviceSynchronize(0) == MU_SUCCESS);
        CHECK(D->muMemFree(d) == MU_SUCCESS);
    }
    CHECK(atomic_load(&mine) == ITERATIONS);
    CHECK(D->muMemFreeHost(host) == MU_SUCCESS);
    CHECK(D->muEventDestroy(e) == MU_SUCCESS);
    if (id != 0)
        CHECK(D->muStreamDestroy(s1) == MU_SUCCESS);
    CHECK(D->muStreamDestroy(s2) == MU_SUCCESS);
    return NULL;
}

START_TEST(many_threads_at_once)
{
    cpu_test_env();
    fake_engine_install();
    struct cpu_device *dev;
    ck_assert_int_eq(cpu_device_lookup(0, &dev), MU_SUCCESS);
    ck_assert_int_eq(D->muDeviceSynchronize(0), MU_SUCCESS);
    size_t used0 = cpu_memory_used(dev);
    module = fake_module(0);
    ck_assert_ptr_nonnull(module);
    atomic_store(&callbacks, 0);
    atomic_store(&failures, 0);
    pthread_t threads[THREADS];
    for (int i = 0; i < THREADS; i++)
        ck_assert_int_eq(pthread_create(&threads[i], NULL, worker, (void *)(intptr_t)i), 0);
    for (int i = 0; i < THREADS; i++)
        pthread_join(threads[i], NULL);
    ck_assert_int_eq(atomic_load(&failures), 0);
    ck_assert_int_eq(D->muDeviceSynchronize(0), MU_SUCCESS);
    ck_assert_int_eq(atomic_load(&callbacks), THREADS * ((ITERATIONS + 9) / 10));
    ck_assert_int_eq(D->muModuleUnload(module), MU_SUCCESS);
    ck_assert_uint_eq(cpu_memory_used(dev), used0);
    fake_engine_remove();
}
END_TEST

Suite *suite_cpu_stress(void)
{
    Suite *s = suite_create("cpu_stress");
    TCase *t = tcase_create("stress");
    tcase_set_timeout(t, 300);
    tcase_add_test(t, many_threads_at_once);
    suite_add_tcase(s, t);
    return s;
}
