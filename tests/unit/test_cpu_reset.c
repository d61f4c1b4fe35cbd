/*
 * test_cpu_reset.c - muDeviceReset of the cpu backend: it waits for the device's work, frees
 * every allocation, stream, event and module of the device, stops its worker threads, clears
 * its fault, and leaves the device (and every other device) usable.
 *
 * Owns: tests of the reset path across cpu_device.c, cpu_stream.c, cpu_event.c,
 * cpu_module.c and cpu_memory.c.
 * Must not: run under CK_FORK=no next to tests that keep device 0 resources across tests.
 */
#include <check.h>
#include <dirent.h>
#include <stdatomic.h>

#include "cpu/cpu_device.h"
#include "cpu/cpu_memory.h"
#include "cpu/cpu_tracker.h"
#include "test_cpu_fake.h"

static void setup(void)
{
    cpu_test_env();
    fake_engine_install();
}

static void teardown(void)
{
    fake_engine_remove();
}

/* Threads of this process, from /proc. */
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

static struct cpu_device *dev0(void)
{
    struct cpu_device *dev;
    ck_assert_int_eq(cpu_device_lookup(0, &dev), MU_SUCCESS);
    return dev;
}

static atomic_int done;

static void slow_fn(void *p)
{
    cpu_test_sleep_ms((int)(intptr_t)p);
    atomic_fetch_add(&done, 1);
}

START_TEST(reset_frees_everything_and_device_works_after)
{
    int threads0 = thread_count();
    int modules0 = atomic_load(&fake_modules_live);
    int releases0 = atomic_load(&fake_host_releases);
    size_t host_ranges0 = cpu_tracker_count(-1, CPU_RANGE_HOST_KINDS);
    atomic_store(&done, 0);

    MUdeviceptr d, m;
    ck_assert_int_eq(D->muMemAlloc(&d, 1 << 20, 0), MU_SUCCESS);
    ck_assert_int_eq(D->muMemAllocManaged(&m, 4096, 0), MU_SUCCESS);
    MUmodule mod = fake_module(0);
    ck_assert_ptr_nonnull(mod);
    MUstream streams[6];
    for (int i = 0; i < 6; i++) {
        ck_assert_int_eq(D->muStreamCreate(&streams[i], 0, i % 2 ? MU_STREAM_NON_BLOCKING : 0, 0),
                         MU_SUCCESS);
        ck_assert_int_eq(D->muLaunchHostFunc(streams[i], slow_fn, (void *)(intptr_t)20),
                         MU_SUCCESS);
    }
    ck_assert_int_eq(D->muStreamDestroy(streams[0]), MU_SUCCESS); /* destroyed, work pending */
    MUevent events[3];
    for (int i = 0; i < 3; i++) {
        ck_assert_int_eq(D->muEventCreate(&events[i], 0, 0), MU_SUCCESS);
        ck_assert_int_eq(D->muEventRecord(events[i], streams[1 + i]), MU_SUCCESS);
    }
    void *pinned;
    ck_assert_int_eq(D->muMemAllocHost(&pinned, 4096, 0), MU_SUCCESS);
    MUstream legacy_before;
    ck_assert_int_eq(D->muStreamGetLegacy(&legacy_before, 0), MU_SUCCESS);
    ck_assert_int_eq(D->muLaunchHostFunc(legacy_before, slow_fn, (void *)(intptr_t)20),
                     MU_SUCCESS);
    ck_assert_int_gt(thread_count(), threads0);
    ck_assert_uint_gt(cpu_memory_used(dev0()), 0);

    ck_assert_int_eq(D->muDeviceReset(0), MU_SUCCESS);
    ck_assert_int_eq(atomic_load(&done), 7); /* all work finished first */
    ck_assert_uint_eq(cpu_memory_used(dev0()), 0);
    ck_assert_uint_eq(cpu_tracker_count(0, CPU_RANGE_ARENA_KINDS), 0);
    ck_assert_int_eq(atomic_load(&fake_modules_live), modules0);
    ck_assert_int_eq(atomic_load(&fake_host_releases), releases0 + 1);
    ck_assert_int_le(settled_thread_count(threads0), threads0); /* every worker joined */
    /* Pinned host memory is not the device's: it survives (the runtime decides its fate). */
    ck_assert_uint_eq(cpu_tracker_count(-1, CPU_RANGE_HOST_KINDS), host_ranges0 + 1);
    ck_assert_int_eq(D->muMemFreeHost(pinned), MU_SUCCESS);

    /* Usable afterwards, legacy stream included (same handle). */
    MUstream legacy_after;
    ck_assert_int_eq(D->muStreamGetLegacy(&legacy_after, 0), MU_SUCCESS);
    ck_assert_ptr_eq(legacy_after, legacy_before);
    ck_assert_int_eq(D->muMemAlloc(&d, 256, 0), MU_SUCCESS);
    ck_assert_int_eq(D->muMemset3D(d, 256, 1, 0x7f, 256, 1, 1, legacy_after, 0), MU_SUCCESS);
    ck_assert_int_eq(D->muLaunchHostFunc(legacy_after, slow_fn, (void *)(intptr_t)0), MU_SUCCESS);
    ck_assert_int_eq(D->muStreamSynchronize(legacy_after), MU_SUCCESS);
    ck_assert_int_eq(((unsigned char *)(uintptr_t)d)[255], 0x7f);
    mod = fake_module(0);
    ck_assert_ptr_nonnull(mod);
    ck_assert_int_eq(D->muDeviceReset(0), MU_SUCCESS);
    ck_assert_uint_eq(cpu_memory_used(dev0()), 0);
}
END_TEST

START_TEST(reset_leaves_other_devices_alone)
{
    int count;
    ck_assert_int_eq(D->muDeviceGetCount(&count), MU_SUCCESS);
    if (count < 2)
        return;
    MUdeviceptr a, b;
    ck_assert_int_eq(D->muMemAlloc(&a, 4096, 0), MU_SUCCESS);
    ck_assert_int_eq(D->muMemAlloc(&b, 4096, 1), MU_SUCCESS);
    MUstream s1;
    ck_assert_int_eq(D->muStreamCreate(&s1, 1, 0, 0), MU_SUCCESS);
    ck_assert_int_eq(D->muDeviceReset(0), MU_SUCCESS);
    struct cpu_range r;
    ck_assert(!cpu_tracker_find(a, &r));
    ck_assert(cpu_tracker_find(b, &r));
    ck_assert_int_eq(D->muMemset3D(b, 4096, 1, 1, 4096, 1, 1, s1, MU_OP_SYNC), MU_SUCCESS);
    ck_assert_int_eq(D->muStreamDestroy(s1), MU_SUCCESS);
    ck_assert_int_eq(D->muMemFree(b), MU_SUCCESS);
}
END_TEST

static MUresult reset_from_callback;

static void reset_fn(void *p)
{
    (void)p;
    reset_from_callback = D->muDeviceReset(0);
}

START_TEST(reset_from_a_host_function_is_refused)
{
    MUstream legacy;
    ck_assert_int_eq(D->muStreamGetLegacy(&legacy, 0), MU_SUCCESS);
    ck_assert_int_eq(D->muLaunchHostFunc(legacy, reset_fn, NULL), MU_SUCCESS);
    ck_assert_int_eq(D->muStreamSynchronize(legacy), MU_SUCCESS);
    ck_assert_int_eq(reset_from_callback, MU_ERROR_NOT_PERMITTED);
}
END_TEST

/* Resetting over and over with work in flight leaks neither threads nor memory. */
START_TEST(repeated_resets)
{
    MUstream legacy;
    ck_assert_int_eq(D->muStreamGetLegacy(&legacy, 0), MU_SUCCESS);
    ck_assert_int_eq(D->muDeviceReset(0), MU_SUCCESS);
    int threads0 = thread_count();
    for (int round = 0; round < 20; round++) {
        MUstream s;
        ck_assert_int_eq(D->muStreamCreate(&s, 0, (unsigned)round & 1, 0), MU_SUCCESS);
        MUdeviceptr d;
        ck_assert_int_eq(D->muMemAlloc(&d, 8192, 0), MU_SUCCESS);
        ck_assert_int_eq(D->muMemset3D(d, 8192, 1, round, 8192, 1, 1, s, 0), MU_SUCCESS);
        ck_assert_int_eq(D->muLaunchHostFunc(legacy, slow_fn, (void *)(intptr_t)1), MU_SUCCESS);
        MUmodule m = fake_module(0);
        ck_assert_ptr_nonnull(m);
        ck_assert_int_eq(D->muDeviceReset(0), MU_SUCCESS);
        ck_assert_uint_eq(cpu_memory_used(dev0()), 0);
        ck_assert_int_le(settled_thread_count(threads0), threads0);
    }
}
END_TEST

Suite *suite_cpu_reset(void)
{
    Suite *s = suite_create("cpu_reset");
    TCase *t = tcase_create("reset");
    tcase_set_timeout(t, 60);
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_add_test(t, reset_frees_everything_and_device_works_after);
    tcase_add_test(t, reset_leaves_other_devices_alone);
    tcase_add_test(t, reset_from_a_host_function_is_refused);
    tcase_add_test(t, repeated_resets);
    suite_add_tcase(s, t);
    return s;
}
