/*
 * test_cpu_event.c - events of the cpu backend: timing in real milliseconds, completion, and
 * the error codes of cudaEventElapsedTime/Query/Synchronize as NVIDIA documents them.
 *
 * Owns: tests of cpu_event.c.
 * Must not: leave streams or events behind.
 */
#include <check.h>
#include <stdatomic.h>

#include "test_cpu_fake.h"

static void sleep_fn(void *p)
{
    cpu_test_sleep_ms((int)(intptr_t)p);
}

static atomic_int gate;

static void gate_fn(void *p)
{
    (void)p;
    while (!atomic_load(&gate))
        cpu_test_sleep_ms(1);
}

static MUevent event(unsigned flags)
{
    MUevent e;
    ck_assert_int_eq(D->muEventCreate(&e, 0, flags), MU_SUCCESS);
    return e;
}

START_TEST(elapsed_time_is_real_time)
{
    cpu_test_env();
    MUstream s;
    ck_assert_int_eq(D->muStreamCreate(&s, 0, 0, 0), MU_SUCCESS);
    MUevent start = event(0), stop = event(MU_EVENT_BLOCKING_SYNC);
    ck_assert_int_eq(D->muEventRecord(start, s), MU_SUCCESS);
    ck_assert_int_eq(D->muLaunchHostFunc(s, sleep_fn, (void *)(intptr_t)120), MU_SUCCESS);
    ck_assert_int_eq(D->muEventRecord(stop, s), MU_SUCCESS);
    ck_assert_int_eq(D->muEventSynchronize(stop), MU_SUCCESS);
    ck_assert_int_eq(D->muEventQuery(stop), MU_SUCCESS);
    float ms = -1;
    ck_assert_int_eq(D->muEventElapsedTime(&ms, start, stop), MU_SUCCESS);
    ck_assert_float_ge(ms, 119.0f);
    ck_assert_float_lt(ms, 5000.0f);
    ck_assert_int_eq(D->muEventElapsedTime(&ms, stop, start), MU_SUCCESS);
    ck_assert_float_le(ms, -119.0f); /* reversed order: negative, like NVIDIA's */
    ck_assert_int_eq(D->muEventElapsedTime(&ms, start, start), MU_SUCCESS);
    ck_assert_float_eq(ms, 0.0f);
    ck_assert_int_eq(D->muEventDestroy(start), MU_SUCCESS);
    ck_assert_int_eq(D->muEventDestroy(stop), MU_SUCCESS);
    ck_assert_int_eq(D->muStreamDestroy(s), MU_SUCCESS);
}
END_TEST

START_TEST(never_recorded_events)
{
    cpu_test_env();
    MUstream legacy;
    ck_assert_int_eq(D->muStreamGetLegacy(&legacy, 0), MU_SUCCESS);
    MUevent a = event(0), b = event(0);
    /* Complete for query and synchronize... */
    ck_assert_int_eq(D->muEventQuery(a), MU_SUCCESS);
    ck_assert_int_eq(D->muEventSynchronize(a), MU_SUCCESS);
    /* ...but no time to measure: invalid resource handle, whichever end is missing. */
    float ms;
    ck_assert_int_eq(D->muEventElapsedTime(&ms, a, b), MU_ERROR_INVALID_RESOURCE_HANDLE);
    ck_assert_int_eq(D->muEventRecord(a, legacy), MU_SUCCESS);
    ck_assert_int_eq(D->muEventSynchronize(a), MU_SUCCESS);
    ck_assert_int_eq(D->muEventElapsedTime(&ms, a, b), MU_ERROR_INVALID_RESOURCE_HANDLE);
    ck_assert_int_eq(D->muEventElapsedTime(&ms, b, a), MU_ERROR_INVALID_RESOURCE_HANDLE);
    ck_assert_int_eq(D->muEventElapsedTime(NULL, a, a), MU_ERROR_INVALID_VALUE);
    ck_assert_int_eq(D->muEventDestroy(a), MU_SUCCESS);
    ck_assert_int_eq(D->muEventDestroy(b), MU_SUCCESS);
}
END_TEST

START_TEST(timing_disabled_events)
{
    cpu_test_env();
    MUstream legacy;
    ck_assert_int_eq(D->muStreamGetLegacy(&legacy, 0), MU_SUCCESS);
    MUevent timed = event(0), untimed = event(MU_EVENT_DISABLE_TIMING);
    ck_assert_int_eq(D->muEventRecord(timed, legacy), MU_SUCCESS);
    ck_assert_int_eq(D->muEventRecord(untimed, legacy), MU_SUCCESS);
    ck_assert_int_eq(D->muEventSynchronize(untimed), MU_SUCCESS);
    ck_assert_int_eq(D->muEventQuery(untimed), MU_SUCCESS);
    float ms;
    ck_assert_int_eq(D->muEventElapsedTime(&ms, timed, untimed), MU_ERROR_INVALID_RESOURCE_HANDLE);
    ck_assert_int_eq(D->muEventElapsedTime(&ms, untimed, timed), MU_ERROR_INVALID_RESOURCE_HANDLE);
    ck_assert_int_eq(D->muEventElapsedTime(&ms, timed, timed), MU_SUCCESS);
    ck_assert_int_eq(D->muEventDestroy(timed), MU_SUCCESS);
    ck_assert_int_eq(D->muEventDestroy(untimed), MU_SUCCESS);
}
END_TEST

START_TEST(pending_events_are_not_ready)
{
    cpu_test_env();
    atomic_store(&gate, 0);
    MUstream s;
    ck_assert_int_eq(D->muStreamCreate(&s, 0, MU_STREAM_NON_BLOCKING, 0), MU_SUCCESS);
    MUevent before = event(0), after = event(0);
    ck_assert_int_eq(D->muEventRecord(before, s), MU_SUCCESS);
    ck_assert_int_eq(D->muEventQuery(before), MU_SUCCESS); /* idle stream: recorded at once */
    ck_assert_int_eq(D->muLaunchHostFunc(s, gate_fn, NULL), MU_SUCCESS);
    ck_assert_int_eq(D->muEventRecord(after, s), MU_SUCCESS);
    ck_assert_int_eq(D->muEventQuery(after), MU_ERROR_NOT_READY);
    float ms;
    ck_assert_int_eq(D->muEventElapsedTime(&ms, before, after), MU_ERROR_NOT_READY);
    /* Re-recording a complete event behind the gate makes it pending again. */
    ck_assert_int_eq(D->muEventRecord(before, s), MU_SUCCESS);
    ck_assert_int_eq(D->muEventQuery(before), MU_ERROR_NOT_READY);
    atomic_store(&gate, 1);
    ck_assert_int_eq(D->muEventSynchronize(after), MU_SUCCESS);
    ck_assert_int_eq(D->muStreamSynchronize(s), MU_SUCCESS);
    ck_assert_int_eq(D->muEventQuery(after), MU_SUCCESS);
    ck_assert_int_eq(D->muEventQuery(before), MU_SUCCESS);
    ck_assert_int_eq(D->muEventElapsedTime(&ms, before, after), MU_SUCCESS);
    ck_assert_int_eq(D->muEventDestroy(before), MU_SUCCESS);
    ck_assert_int_eq(D->muEventDestroy(after), MU_SUCCESS);
    ck_assert_int_eq(D->muStreamDestroy(s), MU_SUCCESS);
}
END_TEST

/* Destroying an event whose record is still queued is fine: the record still runs. */
START_TEST(destroy_pending_event)
{
    cpu_test_env();
    MUstream s;
    ck_assert_int_eq(D->muStreamCreate(&s, 0, 0, 0), MU_SUCCESS);
    MUevent e = event(0);
    ck_assert_int_eq(D->muLaunchHostFunc(s, sleep_fn, (void *)(intptr_t)50), MU_SUCCESS);
    ck_assert_int_eq(D->muEventRecord(e, s), MU_SUCCESS);
    ck_assert_int_eq(D->muEventDestroy(e), MU_SUCCESS);
    ck_assert_int_eq(D->muStreamDestroy(s), MU_SUCCESS);
    ck_assert_int_eq(D->muDeviceSynchronize(0), MU_SUCCESS);
}
END_TEST

START_TEST(creation_and_device_rules)
{
    cpu_test_env();
    MUevent e;
    ck_assert_int_eq(D->muEventCreate(&e, 0, 0x80), MU_ERROR_INVALID_VALUE);
    ck_assert_int_eq(D->muEventCreate(&e, 0, MU_EVENT_INTERPROCESS), MU_ERROR_INVALID_VALUE);
    ck_assert_int_eq(D->muEventCreate(NULL, 0, 0), MU_ERROR_INVALID_VALUE);
    ck_assert_int_eq(D->muEventCreate(&e, 42, 0), MU_ERROR_INVALID_DEVICE);
    ck_assert_int_eq(D->muEventCreate(&e, 0, MU_EVENT_INTERPROCESS | MU_EVENT_DISABLE_TIMING),
                     MU_SUCCESS);
    ck_assert_int_eq(D->muEventDestroy(e), MU_SUCCESS);
    int count;
    ck_assert_int_eq(D->muDeviceGetCount(&count), MU_SUCCESS);
    if (count < 2)
        return;
    MUevent e0 = event(0), e1;
    ck_assert_int_eq(D->muEventCreate(&e1, 1, 0), MU_SUCCESS);
    MUstream l0, l1;
    ck_assert_int_eq(D->muStreamGetLegacy(&l0, 0), MU_SUCCESS);
    ck_assert_int_eq(D->muStreamGetLegacy(&l1, 1), MU_SUCCESS);
    ck_assert_int_eq(D->muEventRecord(e0, l1), MU_ERROR_INVALID_RESOURCE_HANDLE);
    ck_assert_int_eq(D->muEventRecord(e0, l0), MU_SUCCESS);
    ck_assert_int_eq(D->muEventRecord(e1, l1), MU_SUCCESS);
    float ms;
    ck_assert_int_eq(D->muEventElapsedTime(&ms, e0, e1), MU_ERROR_INVALID_RESOURCE_HANDLE);
    /* Waiting on another device's event is allowed. */
    ck_assert_int_eq(D->muStreamWaitEvent(l1, e0, 0), MU_SUCCESS);
    ck_assert_int_eq(D->muStreamSynchronize(l1), MU_SUCCESS);
    ck_assert_int_eq(D->muEventDestroy(e0), MU_SUCCESS);
    ck_assert_int_eq(D->muEventDestroy(e1), MU_SUCCESS);
}
END_TEST

Suite *suite_cpu_event(void)
{
    Suite *s = suite_create("cpu_event");
    TCase *t = tcase_create("event");
    tcase_set_timeout(t, 60);
    tcase_add_test(t, elapsed_time_is_real_time);
    tcase_add_test(t, never_recorded_events);
    tcase_add_test(t, timing_disabled_events);
    tcase_add_test(t, pending_events_are_not_ready);
    tcase_add_test(t, destroy_pending_event);
    tcase_add_test(t, creation_and_device_rules);
    suite_add_tcase(s, t);
    return s;
}
