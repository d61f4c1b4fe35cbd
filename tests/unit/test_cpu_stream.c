/*
 * test_cpu_stream.c - streams of the cpu backend: order within a stream, the legacy stream's
 * implicit synchronisation with blocking streams (and its absence for non-blocking ones),
 * queries, destruction with work pending, event waits, and waits from host functions.
 *
 * Owns: tests of cpu_stream.c.  Ordering is proven with host functions that sleep and then
 * append a letter to a log: the log's order is the order the streams ran them in.
 * Must not: rely on timing for correctness checks other than "a sleeping function finished
 * later than one that did not sleep" (sleeps are long: 150 ms).
 */
#include <check.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include "cpu/cpu_stream.h"
#include "test_cpu_fake.h"

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static char log_text[256];
static int log_len;

static void log_reset(void)
{
    pthread_mutex_lock(&log_lock);
    log_len = 0;
    log_text[0] = '\0';
    pthread_mutex_unlock(&log_lock);
}

static const char *log_get(void)
{
    static char copy[256];
    pthread_mutex_lock(&log_lock);
    memcpy(copy, log_text, sizeof copy);
    pthread_mutex_unlock(&log_lock);
    return copy;
}

struct rec {
    char letter;
    int sleep_ms;
};

static void rec_fn(void *p)
{
    const struct rec *r = p;
    if (r->sleep_ms > 0)
        cpu_test_sleep_ms(r->sleep_ms);
    pthread_mutex_lock(&log_lock);
    if (log_len < (int)sizeof log_text - 1) {
        log_text[log_len++] = r->letter;
        log_text[log_len] = '\0';
    }
    pthread_mutex_unlock(&log_lock);
}

static MUstream legacy(void)
{
    MUstream s;
    ck_assert_int_eq(D->muStreamGetLegacy(&s, 0), MU_SUCCESS);
    return s;
}

static MUstream make_stream(unsigned flags)
{
    MUstream s;
    ck_assert_int_eq(D->muStreamCreate(&s, 0, flags, 0), MU_SUCCESS);
    return s;
}

static int seq_log[2000];
static atomic_int seq_len;

static void seq_fn(void *p)
{
    seq_log[atomic_fetch_add(&seq_len, 1)] = (int)(intptr_t)p;
}

START_TEST(operations_run_in_order)
{
    cpu_test_env();
    enum { OPS = 500, N = 4096 };
    MUstream s = make_stream(0);
    /* A chain of asynchronous copies through pinned buffers, interleaved with host functions
     * and fills: each copy reads what the previous one wrote. */
    void *buf[4];
    for (int i = 0; i < 4; i++)
        ck_assert_int_eq(D->muMemAllocHost(&buf[i], N, 0), MU_SUCCESS);
    memset(buf[0], 0x5a, N);
    atomic_store(&seq_len, 0);
    for (int i = 0; i < OPS; i++) {
        ck_assert_int_eq(D->muLaunchHostFunc(s, seq_fn, (void *)(intptr_t)i), MU_SUCCESS);
        struct mu_copy3d c = {cudaMemcpyHostToHost, buf[(i + 1) % 4], buf[i % 4], N, 1, N, 1, N,
                              1, 1};
        ck_assert_int_eq(D->muMemcpy3D(&c, s, 0), MU_SUCCESS);
        if (i % 100 == 99) /* poison the buffer the next copy overwrites */
            ck_assert_int_eq(D->muMemset3D((uintptr_t)buf[(i + 2) % 4], N, 1, 0, N, 1, 1, s, 0),
                             MU_SUCCESS);
    }
    ck_assert_int_eq(D->muStreamSynchronize(s), MU_SUCCESS);
    ck_assert_int_eq(atomic_load(&seq_len), OPS);
    for (int i = 0; i < OPS; i++)
        ck_assert_int_eq(seq_log[i], i);
    for (int i = 0; i < N; i++)
        ck_assert_int_eq(((unsigned char *)buf[OPS % 4])[i], 0x5a);
    ck_assert_int_eq(D->muStreamQuery(s), MU_SUCCESS);
    ck_assert_int_eq(D->muStreamDestroy(s), MU_SUCCESS);
    for (int i = 0; i < 4; i++)
        ck_assert_int_eq(D->muMemFreeHost(buf[i]), MU_SUCCESS);
}
END_TEST

START_TEST(legacy_waits_for_blocking_streams)
{
    cpu_test_env();
    log_reset();
    MUstream b = make_stream(0);
    static struct rec slow_b = {'B', 150}, now_l = {'L', 0};
    ck_assert_int_eq(D->muLaunchHostFunc(b, rec_fn, &slow_b), MU_SUCCESS);
    ck_assert_int_eq(D->muLaunchHostFunc(legacy(), rec_fn, &now_l), MU_SUCCESS);
    ck_assert_int_eq(D->muStreamSynchronize(legacy()), MU_SUCCESS);
    ck_assert_str_eq(log_get(), "BL");
    ck_assert_int_eq(D->muStreamDestroy(b), MU_SUCCESS);
}
END_TEST

START_TEST(blocking_streams_wait_for_legacy)
{
    cpu_test_env();
    log_reset();
    MUstream b = make_stream(0);
    static struct rec slow_l = {'L', 150}, now_b = {'B', 0};
    ck_assert_int_eq(D->muLaunchHostFunc(legacy(), rec_fn, &slow_l), MU_SUCCESS);
    ck_assert_int_eq(D->muLaunchHostFunc(b, rec_fn, &now_b), MU_SUCCESS);
    ck_assert_int_eq(D->muStreamSynchronize(b), MU_SUCCESS);
    ck_assert_str_eq(log_get(), "LB");
    ck_assert_int_eq(D->muStreamDestroy(b), MU_SUCCESS);
}
END_TEST

/* Legacy synchronisation is implicit only for blocking streams: non-blocking streams and two
 * blocking streams run independently. */
START_TEST(non_blocking_streams_do_not_wait)
{
    cpu_test_env();
    log_reset();
    MUstream nb = make_stream(MU_STREAM_NON_BLOCKING);
    MUstream b1 = make_stream(0), b2 = make_stream(0);
    static struct rec slow_l = {'L', 150}, now_n = {'N', 0};
    ck_assert_int_eq(D->muLaunchHostFunc(legacy(), rec_fn, &slow_l), MU_SUCCESS);
    ck_assert_int_eq(D->muLaunchHostFunc(nb, rec_fn, &now_n), MU_SUCCESS);
    ck_assert_int_eq(D->muDeviceSynchronize(0), MU_SUCCESS);
    ck_assert_str_eq(log_get(), "NL");

    log_reset();
    static struct rec slow_n = {'n', 150}, now_l = {'l', 0};
    ck_assert_int_eq(D->muLaunchHostFunc(nb, rec_fn, &slow_n), MU_SUCCESS);
    ck_assert_int_eq(D->muLaunchHostFunc(legacy(), rec_fn, &now_l), MU_SUCCESS);
    ck_assert_int_eq(D->muStreamSynchronize(legacy()), MU_SUCCESS);
    ck_assert_str_eq(log_get(), "l");
    ck_assert_int_eq(D->muDeviceSynchronize(0), MU_SUCCESS);
    ck_assert_str_eq(log_get(), "ln");

    log_reset();
    static struct rec slow_1 = {'1', 150}, now_2 = {'2', 0};
    ck_assert_int_eq(D->muLaunchHostFunc(b1, rec_fn, &slow_1), MU_SUCCESS);
    ck_assert_int_eq(D->muLaunchHostFunc(b2, rec_fn, &now_2), MU_SUCCESS);
    ck_assert_int_eq(D->muDeviceSynchronize(0), MU_SUCCESS);
    ck_assert_str_eq(log_get(), "21");
    ck_assert_int_eq(D->muStreamDestroy(nb), MU_SUCCESS);
    ck_assert_int_eq(D->muStreamDestroy(b1), MU_SUCCESS);
    ck_assert_int_eq(D->muStreamDestroy(b2), MU_SUCCESS);
}
END_TEST

/* A synchronous copy on the legacy stream waits for blocking streams' earlier work too. */
START_TEST(synchronous_legacy_copy_waits_for_blocking_work)
{
    cpu_test_env();
    log_reset();
    MUstream b = make_stream(0);
    static struct rec slow_b = {'B', 150};
    ck_assert_int_eq(D->muLaunchHostFunc(b, rec_fn, &slow_b), MU_SUCCESS);
    MUdeviceptr d;
    ck_assert_int_eq(D->muMemAlloc(&d, 64, 0), MU_SUCCESS);
    ck_assert_int_eq(D->muMemset3D(d, 64, 1, 1, 64, 1, 1, legacy(), MU_OP_SYNC), MU_SUCCESS);
    ck_assert_str_eq(log_get(), "B");
    ck_assert_int_eq(D->muStreamDestroy(b), MU_SUCCESS);
    ck_assert_int_eq(D->muMemFree(d), MU_SUCCESS);
}
END_TEST

static atomic_int gate;

static void gate_fn(void *p)
{
    (void)p;
    while (!atomic_load(&gate))
        cpu_test_sleep_ms(1);
}

START_TEST(query_reports_not_ready)
{
    cpu_test_env();
    atomic_store(&gate, 0);
    MUstream b = make_stream(0), nb = make_stream(MU_STREAM_NON_BLOCKING);
    ck_assert_int_eq(D->muStreamQuery(b), MU_SUCCESS);
    ck_assert_int_eq(D->muLaunchHostFunc(b, gate_fn, NULL), MU_SUCCESS);
    ck_assert_int_eq(D->muStreamQuery(b), MU_ERROR_NOT_READY);
    /* The legacy stream would wait for b's work: it is not ready either; nb is. */
    ck_assert_int_eq(D->muStreamQuery(legacy()), MU_ERROR_NOT_READY);
    ck_assert_int_eq(D->muStreamQuery(nb), MU_SUCCESS);
    atomic_store(&gate, 1);
    ck_assert_int_eq(D->muStreamSynchronize(b), MU_SUCCESS);
    ck_assert_int_eq(D->muStreamQuery(b), MU_SUCCESS);
    ck_assert_int_eq(D->muStreamQuery(legacy()), MU_SUCCESS);
    ck_assert_int_eq(D->muStreamDestroy(b), MU_SUCCESS);
    ck_assert_int_eq(D->muStreamDestroy(nb), MU_SUCCESS);
}
END_TEST

static atomic_int finished;

static void finish_fn(void *p)
{
    cpu_test_sleep_ms((int)(intptr_t)p);
    atomic_fetch_add(&finished, 1);
}

START_TEST(destroy_returns_at_once_and_work_completes)
{
    cpu_test_env();
    atomic_store(&finished, 0);
    MUstream s = make_stream(0);
    for (int i = 0; i < 3; i++)
        ck_assert_int_eq(D->muLaunchHostFunc(s, finish_fn, (void *)(intptr_t)100), MU_SUCCESS);
    double t0 = cpu_test_now_ms();
    ck_assert_int_eq(D->muStreamDestroy(s), MU_SUCCESS);
    ck_assert_double_lt(cpu_test_now_ms() - t0, 90.0);
    ck_assert_int_lt(atomic_load(&finished), 3);
    /* The legacy stream still sees the destroyed stream's pending work. */
    static struct rec after = {'x', 0};
    log_reset();
    ck_assert_int_eq(D->muLaunchHostFunc(legacy(), rec_fn, &after), MU_SUCCESS);
    ck_assert_int_eq(D->muStreamSynchronize(legacy()), MU_SUCCESS);
    ck_assert_int_eq(atomic_load(&finished), 3);
    ck_assert_int_eq(D->muDeviceSynchronize(0), MU_SUCCESS);
    ck_assert_int_eq(D->muStreamDestroy(legacy()), MU_ERROR_INVALID_RESOURCE_HANDLE);
}
END_TEST

START_TEST(wait_event_orders_streams)
{
    cpu_test_env();
    log_reset();
    MUstream a = make_stream(MU_STREAM_NON_BLOCKING), b = make_stream(MU_STREAM_NON_BLOCKING);
    MUevent e, never;
    ck_assert_int_eq(D->muEventCreate(&e, 0, MU_EVENT_DISABLE_TIMING), MU_SUCCESS);
    ck_assert_int_eq(D->muEventCreate(&never, 0, 0), MU_SUCCESS);
    static struct rec slow_a = {'A', 150}, now_b = {'B', 0}, later_a = {'a', 0};
    ck_assert_int_eq(D->muLaunchHostFunc(a, rec_fn, &slow_a), MU_SUCCESS);
    ck_assert_int_eq(D->muEventRecord(e, a), MU_SUCCESS);
    ck_assert_int_eq(D->muStreamWaitEvent(b, e, 0), MU_SUCCESS);
    ck_assert_int_eq(D->muStreamWaitEvent(b, never, 0), MU_SUCCESS); /* nothing to wait for */
    ck_assert_int_eq(D->muLaunchHostFunc(b, rec_fn, &now_b), MU_SUCCESS);
    /* Work queued on a later, and a later record of the event, are not what b waits for. */
    ck_assert_int_eq(D->muLaunchHostFunc(a, rec_fn, &later_a), MU_SUCCESS);
    ck_assert_int_eq(D->muEventRecord(e, a), MU_SUCCESS);
    ck_assert_int_eq(D->muStreamSynchronize(b), MU_SUCCESS);
    ck_assert_int_eq(log_get()[0], 'A');
    ck_assert_int_eq(D->muStreamWaitEvent(b, e, 7), MU_ERROR_INVALID_VALUE);
    ck_assert_int_eq(D->muDeviceSynchronize(0), MU_SUCCESS);
    ck_assert_int_eq(D->muEventDestroy(e), MU_SUCCESS);
    ck_assert_int_eq(D->muEventDestroy(never), MU_SUCCESS);
    ck_assert_int_eq(D->muStreamDestroy(a), MU_SUCCESS);
    ck_assert_int_eq(D->muStreamDestroy(b), MU_SUCCESS);
}
END_TEST

/* Waiting from a host function would wait for the very thread running it. */
static MUresult from_callback[4];
static MUstream callback_stream;
static MUdeviceptr callback_alloc;

static void waits_fn(void *p)
{
    (void)p;
    from_callback[0] = D->muStreamSynchronize(callback_stream);
    from_callback[1] = D->muDeviceSynchronize(0);
    from_callback[2] = D->muMemAlloc(&callback_alloc, 16, 0);
    from_callback[3] = D->muMemFree(callback_alloc);
}

START_TEST(host_functions_may_not_wait)
{
    cpu_test_env();
    callback_stream = make_stream(0);
    ck_assert_int_eq(D->muLaunchHostFunc(callback_stream, waits_fn, NULL), MU_SUCCESS);
    ck_assert_int_eq(D->muStreamSynchronize(callback_stream), MU_SUCCESS);
    ck_assert_int_eq(from_callback[0], MU_ERROR_NOT_PERMITTED);
    ck_assert_int_eq(from_callback[1], MU_ERROR_NOT_PERMITTED);
    ck_assert_int_eq(from_callback[2], MU_SUCCESS);
    ck_assert_int_eq(from_callback[3], MU_ERROR_NOT_PERMITTED);
    ck_assert_int_eq(D->muMemFree(callback_alloc), MU_SUCCESS);
    ck_assert_int_eq(D->muStreamDestroy(callback_stream), MU_SUCCESS);
}
END_TEST

/* A thread that synchronises runs queued copies and kernels itself, but host functions always
 * run on a backend thread (the caller may hold locks they take). */
static pthread_t host_fn_thread;

static void which_thread_fn(void *p)
{
    (void)p;
    host_fn_thread = pthread_self();
}

START_TEST(host_functions_never_run_in_the_waiting_thread)
{
    cpu_test_env();
    MUstream s = make_stream(0);
    for (int i = 0; i < 50; i++) {
        host_fn_thread = pthread_self();
        ck_assert_int_eq(D->muLaunchHostFunc(s, which_thread_fn, NULL), MU_SUCCESS);
        ck_assert_int_eq(D->muStreamSynchronize(s), MU_SUCCESS);
        ck_assert(!pthread_equal(host_fn_thread, pthread_self()));
        host_fn_thread = pthread_self();
        ck_assert_int_eq(D->muLaunchHostFunc(legacy(), which_thread_fn, NULL), MU_SUCCESS);
        ck_assert_int_eq(D->muDeviceSynchronize(0), MU_SUCCESS);
        ck_assert(!pthread_equal(host_fn_thread, pthread_self()));
    }
    ck_assert_int_eq(D->muStreamDestroy(s), MU_SUCCESS);
}
END_TEST

START_TEST(creation_arguments)
{
    cpu_test_env();
    MUstream s;
    ck_assert_int_eq(D->muStreamCreate(&s, 0, 0x10, 0), MU_ERROR_INVALID_VALUE);
    ck_assert_int_eq(D->muStreamCreate(NULL, 0, 0, 0), MU_ERROR_INVALID_VALUE);
    ck_assert_int_eq(D->muStreamCreate(&s, 99, 0, 0), MU_ERROR_INVALID_DEVICE);
    ck_assert_int_eq(D->muStreamCreate(&s, 0, 0, -100), MU_SUCCESS);
    ck_assert_int_eq(s->priority, -5); /* clamped to the greatest priority */
    ck_assert_int_eq(D->muStreamDestroy(s), MU_SUCCESS);
    ck_assert_int_eq(D->muStreamCreate(&s, 0, 0, 3), MU_SUCCESS);
    ck_assert_int_eq(s->priority, 0);
    ck_assert_int_eq(D->muStreamDestroy(s), MU_SUCCESS);
    ck_assert_int_eq(D->muLaunchHostFunc(legacy(), NULL, NULL), MU_ERROR_INVALID_VALUE);
    MUstream l1, l2;
    ck_assert_int_eq(D->muStreamGetLegacy(&l1, 0), MU_SUCCESS);
    ck_assert_int_eq(D->muStreamGetLegacy(&l2, 0), MU_SUCCESS);
    ck_assert_ptr_eq(l1, l2);
    ck_assert_int_eq(D->muStreamGetLegacy(&l1, -1), MU_ERROR_INVALID_DEVICE);
}
END_TEST

/* Many streams created and destroyed, with and without work, leave no workers behind. */
START_TEST(stream_churn)
{
    cpu_test_env();
    atomic_store(&finished, 0);
    for (int i = 0; i < 200; i++) {
        MUstream s = make_stream(i % 3 == 0 ? MU_STREAM_NON_BLOCKING : 0);
        if (i % 2 == 0)
            ck_assert_int_eq(D->muLaunchHostFunc(s, finish_fn, (void *)(intptr_t)0), MU_SUCCESS);
        ck_assert_int_eq(D->muStreamDestroy(s), MU_SUCCESS);
    }
    ck_assert_int_eq(D->muDeviceSynchronize(0), MU_SUCCESS);
    ck_assert_int_eq(atomic_load(&finished), 100);
}
END_TEST

Suite *suite_cpu_stream(void)
{
    Suite *s = suite_create("cpu_stream");
    TCase *t = tcase_create("stream");
    tcase_set_timeout(t, 60);
    tcase_add_test(t, operations_run_in_order);
    tcase_add_test(t, legacy_waits_for_blocking_streams);
    tcase_add_test(t, blocking_streams_wait_for_legacy);
    tcase_add_test(t, non_blocking_streams_do_not_wait);
    tcase_add_test(t, synchronous_legacy_copy_waits_for_blocking_work);
    tcase_add_test(t, query_reports_not_ready);
    tcase_add_test(t, destroy_returns_at_once_and_work_completes);
    tcase_add_test(t, wait_event_orders_streams);
    tcase_add_test(t, host_functions_may_not_wait);
    tcase_add_test(t, host_functions_never_run_in_the_waiting_thread);
    tcase_add_test(t, creation_arguments);
    tcase_add_test(t, stream_churn);
    suite_add_tcase(s, t);
    return s;
}
