/*
 * test_engine_watchdog.c - kernels that never finish end with MU_ERROR_LAUNCH_TIMEOUT (issue
 * 7): a spin loop, a spin with nanosleep, branching recursion within a bounded stack, and a
 * block spinning on a flag another block never sets; by the branch budget (deterministic, what
 * the launch fuzzer uses) and by the wall-clock watchdog (CUSHIM_KERNEL_TIMEOUT's path).  A
 * kernel that finishes in time is not disturbed, and endless recursion through frames without
 * locals still ends in a stack overflow.
 *
 * Owns: tests of eng_watchdog.c and of the stack limit of frames without local memory.
 */
#define _POSIX_C_SOURCE 200809L

#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../ptx/harness.h"

static const char *const watchdog_ptx =
    ".version 8.0\n.target sm_80\n.address_size 64\n"
    /* for (;;) ; */
    ".visible .entry spin(.param .u64 out)\n{\n"
    "$L: bra.uni $L;\n}\n"
    /* for (;;) __nanosleep(100); */
    ".visible .entry sleepy(.param .u64 out)\n{\n"
    "$L: nanosleep.u32 100;\n bra.uni $L;\n}\n"
    /* block 0 waits for a flag only block 1 sets, after block 0 finished (blocks of an
     * ordinary grid are not all resident) */
    ".visible .entry wait_flag(.param .u64 out)\n{\n"
    " .reg .b32 %r<4>; .reg .b64 %rd<2>; .reg .pred %p<2>;\n"
    " ld.param.u64 %rd1, [out]; mov.u32 %r1, %ctaid.x; setp.ne.u32 %p1, %r1, 0;\n"
    " @%p1 bra $DONE;\n"
    "$L: ld.volatile.global.u32 %r2, [%rd1]; setp.eq.u32 %p1, %r2, 0; @%p1 bra $L;\n"
    "$DONE: mov.u32 %r3, 1; st.volatile.global.u32 [%rd1+4], %r3; ret;\n}\n"
    /* f(n) = n ? f(n-1) + f(n-1) : 1 called with n = 40: 2^40 calls, depth 40 */
    ".func (.param .b32 r) twice(.param .b32 n)\n{\n"
    " .reg .b32 %r<6>; .reg .pred %p<2>;\n"
    " ld.param.b32 %r1, [n]; setp.eq.u32 %p1, %r1, 0; mov.u32 %r5, 1; @%p1 bra $END;\n"
    " sub.u32 %r2, %r1, 1;\n"
    " { .param .b32 a; st.param.b32 [a], %r2; .param .b32 q; call.uni (q), twice, (a);"
    " ld.param.b32 %r3, [q]; }\n"
    " { .param .b32 a; st.param.b32 [a], %r2; .param .b32 q; call.uni (q), twice, (a);"
    " ld.param.b32 %r4, [q]; }\n"
    " add.u32 %r5, %r3, %r4;\n"
    "$END: st.param.b32 [r], %r5; ret;\n}\n"
    ".visible .entry branching(.param .u64 out)\n{\n"
    " .reg .b32 %r<3>; .reg .b64 %rd<2>;\n"
    " ld.param.u64 %rd1, [out]; mov.u32 %r1, 40;\n"
    " { .param .b32 a; st.param.b32 [a], %r1; .param .b32 q; call.uni (q), twice, (a);"
    " ld.param.b32 %r2, [q]; }\n"
    " st.global.u32 [%rd1], %r2; ret;\n}\n"
    /* endless recursion through a function without parameters or locals */
    ".func forever()\n{\n call.uni forever, ();\n ret;\n}\n"
    ".visible .entry bottomless(.param .u64 out)\n{\n call.uni forever, ();\n ret;\n}\n"
    /* a loop that ends: 1000 iterations */
    ".visible .entry finite(.param .u64 out)\n{\n"
    " .reg .b32 %r<3>; .reg .b64 %rd<2>; .reg .pred %p<2>;\n"
    " ld.param.u64 %rd1, [out]; mov.u32 %r1, 0;\n"
    "$L: add.u32 %r1, %r1, 1; setp.lt.u32 %p1, %r1, 1000; @%p1 bra $L;\n"
    " st.global.u32 [%rd1], %r1; ret;\n}\n";

static engine_module *wd_mod;

static void wd_setup(void)
{
    ck_assert_int_eq(th_load_text(watchdog_ptx, &wd_mod), MU_SUCCESS);
}

static void wd_teardown(void)
{
    engine_module_unload(wd_mod);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Launch `name` (one .u64 parameter) with either limit. */
static MUresult run(const char *name, unsigned blocks, unsigned threads, uint64_t budget,
                    double timeout_s, void *out)
{
    const engine_kernel *k = engine_module_kernel(wd_mod, name);
    ck_assert_ptr_nonnull(k);
    void *args[] = {&out};
    struct engine_launch l;
    memset(&l, 0, sizeof l);
    l.grid = th_dim(blocks, 1, 1);
    l.block = th_dim(threads, 1, 1);
    l.args = args;
    l.stack_size = 4096; /* room for the 41 frames of "branching" */
    l.host = th_host();
    l.branch_budget = budget;
    l.timeout_s = timeout_s;
    return engine_launch(k, &l);
}

START_TEST(budget_stops_a_spin)
{
    uint32_t *out = th_alloc(16);
    ck_assert_int_eq(run("spin", 1, 64, 1u << 20, 0, out), MU_ERROR_LAUNCH_TIMEOUT);
    ck_assert_int_eq(run("sleepy", 2, 32, 1u << 20, 0, out), MU_ERROR_LAUNCH_TIMEOUT);
    ck_assert_int_eq(run("wait_flag", 2, 32, 1u << 20, 0, out), MU_ERROR_LAUNCH_TIMEOUT);
    ck_assert_int_eq(run("branching", 1, 1, 1u << 20, 0, out), MU_ERROR_LAUNCH_TIMEOUT);
    th_free(out);
}
END_TEST

START_TEST(watchdog_stops_a_spin_in_time)
{
    uint32_t *out = th_alloc(16);
    const char *kernels[] = {"spin", "sleepy", "wait_flag", "branching"};
    for (int i = 0; i < 4; i++) {
        double t0 = now_s();
        ck_assert_int_eq(run(kernels[i], 2, 32, 0, 0.25, out), MU_ERROR_LAUNCH_TIMEOUT);
        double took = now_s() - t0;
        ck_assert_msg(took >= 0.25 && took < 5, "%s: stopped after %.3f s", kernels[i], took);
    }
    th_free(out);
}
END_TEST

START_TEST(finite_kernels_are_not_disturbed)
{
    uint32_t *out = th_alloc(16);
    /* 1000 iterations are far below either limit */
    ck_assert_int_eq(run("finite", 4, 256, 1u << 20, 10, out), MU_SUCCESS);
    ck_assert_uint_eq(out[0], 1000);
    th_free(out);
}
END_TEST

START_TEST(endless_recursion_overflows_the_stack)
{
    uint32_t *out = th_alloc(16);
    ck_assert_int_eq(run("bottomless", 1, 32, 0, 0, out), MU_ERROR_LAUNCH_FAILURE);
    th_free(out);
}
END_TEST

Suite *suite_engine_watchdog(void)
{
    Suite *s = suite_create("engine_watchdog");
    TCase *tc = tcase_create("watchdog");
    tcase_add_checked_fixture(tc, wd_setup, wd_teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, budget_stops_a_spin);
    tcase_add_test(tc, watchdog_stops_a_spin_in_time);
    tcase_add_test(tc, finite_kernels_are_not_disturbed);
    tcase_add_test(tc, endless_recursion_overflows_the_stack);
    suite_add_tcase(s, tc);
    return s;
}
