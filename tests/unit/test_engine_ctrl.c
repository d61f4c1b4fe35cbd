/*
 * test_engine_ctrl.c - control flow, barriers and special registers (tests/ptx/ctrl.ptx):
 * reconvergence of a branch whose other side sits after the ret (a .sync collective must see
 * every lane), per-thread trip counts, named barriers with thread counts (bar.arrive /
 * bar.sync), bar.red reductions, exit before a barrier, deadlock detection, recursion within
 * and beyond the stack limit, special registers, guarded instructions and calls, and warps that
 * spin-wait for another warp of their block.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../ptx/harness.h"

static engine_module *ctl_mod;

static void ctl_setup(void)
{
    ctl_mod = th_load("ctrl.ptx");
}

static void ctl_teardown(void)
{
    engine_module_unload(ctl_mod);
}

START_TEST(ctrl_reconvergence)
{
    uint32_t *out = th_alloc(64 * 8);
    void *a[] = {&out};
    ck_assert_int_eq(th_launch(ctl_mod, "odd_layout", th_dim(1, 1, 1), th_dim(64, 1, 1), 0, a), MU_SUCCESS);
    for (int t = 0; t < 64; t++)
        ck_assert_uint_eq(out[t], t & 1 ? 10 : 20);
    ck_assert_int_eq(th_launch(ctl_mod, "loops", th_dim(1, 1, 1), th_dim(32, 1, 1), 0, a), MU_SUCCESS);
    for (uint32_t t = 0; t < 32; t++) {
        ck_assert_uint_eq(out[t * 2], t * (t - (t ? 1 : 0)) / 2);
        ck_assert_uint_eq(out[t * 2 + 1], 0xffff8000u);
    }
    ck_assert_int_eq(th_launch(ctl_mod, "guards", th_dim(1, 1, 1), th_dim(32, 1, 1), 0, a), MU_SUCCESS);
    for (int t = 0; t < 32; t++)
        ck_assert_uint_eq(out[t], t & 1 ? 202 : 7);
    th_free(out);
}
END_TEST

START_TEST(ctrl_barriers)
{
    uint32_t *out = th_alloc(128 * 12);
    void *a[] = {&out};
    ck_assert_int_eq(th_launch(ctl_mod, "producer_consumer", th_dim(3, 1, 1), th_dim(64, 1, 1), 0, a), MU_SUCCESS);
    for (int l = 0; l < 32; l++)
        ck_assert_uint_eq(out[l], (uint32_t)l * 7);
    ck_assert_int_eq(th_launch(ctl_mod, "barrier_reduce", th_dim(2, 1, 1), th_dim(128, 1, 1), 0, a), MU_SUCCESS);
    for (int t = 0; t < 128; t++) {
        ck_assert_uint_eq(out[t * 3 + 0], 32);
        ck_assert_uint_eq(out[t * 3 + 1], 1);
        ck_assert_uint_eq(out[t * 3 + 2], 1);
    }
    memset(out, 0xee, 64 * 4);
    ck_assert_int_eq(th_launch(ctl_mod, "exit_then_barrier", th_dim(1, 1, 1), th_dim(64, 1, 1), 0, a), MU_SUCCESS);
    for (int t = 0; t < 64; t++)
        ck_assert_uint_eq(out[t], t < 48 ? 1 : 0xeeeeeeeeu);
    th_free(out);
}
END_TEST

struct ctx {
    const char *k;
    struct engine_launch l;
    MUresult r;
};

static void run(void *p)
{
    struct ctx *c = p;
    c->r = engine_launch(engine_module_kernel(ctl_mod, c->k), &c->l);
}

START_TEST(ctrl_deadlock_and_stack)
{
    struct ctx c;
    memset(&c, 0, sizeof c);
    c.k = "deadlock";
    c.l.grid = th_dim(1, 1, 1);
    c.l.block = th_dim(64, 1, 1);
    char *err = th_capture(2, run, &c);
    ck_assert_int_eq(c.r, MU_ERROR_LAUNCH_FAILURE);
    ck_assert_msg(strstr(err, "deadlock"), "%s", err);
    free(err);

    uint32_t n = 10;
    uint32_t *out = th_alloc(32 * 4);
    void *args[] = {&n, &out};
    memset(&c, 0, sizeof c);
    c.k = "recurse";
    c.l.grid = th_dim(1, 1, 1);
    c.l.block = th_dim(32, 1, 1);
    c.l.args = args;
    c.l.stack_size = 16384;
    run(&c);
    ck_assert_int_eq(c.r, MU_SUCCESS);
    for (uint32_t t = 0; t < 32; t++)
        ck_assert_uint_eq(out[t], (n + t) * (n + t + 1) / 2);
    /* the default 1 KiB stack cannot hold 100 frames: a fault, not a crash */
    n = 100;
    c.l.stack_size = 0;
    err = th_capture(2, run, &c);
    ck_assert_int_eq(c.r, MU_ERROR_LAUNCH_FAILURE);
    ck_assert_msg(strstr(err, "stack overflow"), "%s", err);
    free(err);
    th_free(out);
}
END_TEST

START_TEST(ctrl_special_registers)
{
    uint32_t *out = th_alloc(128 * 64);
    void *a[] = {&out};
    ck_assert_int_eq(th_launch(ctl_mod, "specials", th_dim(2, 1, 1), th_dim(16, 4, 1), 100, a), MU_SUCCESS);
    for (uint32_t g = 0; g < 128; g++) {
        uint32_t *r = &out[g * 16], lin = g % 64, lane = lin % 32;
        uint32_t eq = 1u << lane, lt = eq - 1, le = lt | eq;
        ck_assert_uint_eq(r[0], lane);
        ck_assert_uint_eq(r[1], lin / 32);
        ck_assert_uint_eq(r[2], eq);
        ck_assert_uint_eq(r[3], lt);
        ck_assert_uint_eq(r[4], le);
        ck_assert_uint_eq(r[5], ~le);
        ck_assert_uint_eq(r[6], ~lt);
        ck_assert_uint_eq(r[7], 2);
        ck_assert_uint_eq(r[8], g / 64);
        ck_assert_uint_eq(r[9], 1);
        ck_assert_uint_eq(r[10], 100);
        ck_assert_uint_eq(r[11], 100);
        ck_assert_uint_lt(r[12], r[13]);
        ck_assert_uint_eq(r[13], (uint32_t)engine_thread_count());
        uint64_t dclock;
        memcpy(&dclock, &r[14], 8);
        ck_assert(dclock < 1000000000ull); /* %clock64 does not go backwards */
    }
    th_free(out);
}
END_TEST

/* Warp 0 spins until warp 1 of the same block sets a flag, through a volatile shared load, an
 * acquire load at a generic address and a relaxed global load; out[k] counts its polls.  A
 * spinning warp must let the warp it waits for run after a few polls, not after a time slice
 * of thousands (GPU warps run side by side; here one host thread takes turns). */
static const char spin_ptx[] =
    ".version 8.0\n.target sm_80\n.address_size 64\n"
    ".visible .entry spin(.param .u64 out, .param .u64 gflag, .param .u32 kind)\n"
    "{\n"
    "\t.shared .align 4 .b32 flag;\n"
    "\t.reg .pred %p<4>;\n\t.reg .b32 %r<8>;\n\t.reg .b64 %rd<6>;\n"
    "\tld.param.u64 %rd1, [out];\n\tld.param.u64 %rd2, [gflag];\n\tld.param.u32 %r5, [kind];\n"
    "\tmov.u32 %r1, %tid.x;\n"
    "\tsetp.ne.u32 %p1, %r1, 0;\n"
    "\t@%p1 bra READY;\n"
    "\tst.shared.u32 [flag], 0;\n"
    "READY:\n"
    "\tbar.sync 0;\n"
    "\tsetp.eq.u32 %p1, %r1, 0;\n"
    "\t@%p1 bra WAITER;\n"
    "\tsetp.ne.u32 %p2, %r1, 32;\n"
    "\t@%p2 bra DONE;\n"
    "\tst.volatile.shared.u32 [flag], 1;\n"
    "\tst.relaxed.gpu.global.u32 [%rd2], 1;\n"
    "\tbra.uni DONE;\n"
    "WAITER:\n"
    "\tmov.u32 %r2, 0;\n"
    "\tmov.u64 %rd3, flag;\n"
    "\tcvta.shared.u64 %rd4, %rd3;\n"
    "SPIN:\n"
    "\tadd.u32 %r2, %r2, 1;\n"
    "\tsetp.eq.u32 %p3, %r5, 0;\n"
    "\t@%p3 ld.volatile.shared.u32 %r3, [flag];\n"
    "\tsetp.eq.u32 %p3, %r5, 1;\n"
    "\t@%p3 ld.acquire.cta.u32 %r3, [%rd4];\n"
    "\tsetp.eq.u32 %p3, %r5, 2;\n"
    "\t@%p3 ld.relaxed.gpu.global.u32 %r3, [%rd2];\n"
    "\tsetp.eq.u32 %p1, %r3, 0;\n"
    "\t@%p1 bra SPIN;\n"
    "\tst.global.u32 [%rd1], %r2;\n"
    "DONE:\n"
    "\tret;\n"
    "}\n";

START_TEST(ctrl_spin_wait_lets_other_warps_run)
{
    engine_module *m = NULL;
    ck_assert_int_eq(th_load_text(spin_ptx, &m), MU_SUCCESS);
    uint32_t *out = th_alloc(4), *gflag = th_alloc(4);
    for (uint32_t kind = 0; kind < 3; kind++) {
        *out = 0;
        *gflag = 0;
        void *a[] = {&out, &gflag, &kind};
        ck_assert_int_eq(th_launch(m, "spin", th_dim(1, 1, 1), th_dim(64, 1, 1), 0, a), MU_SUCCESS);
        ck_assert_uint_ge(*out, 1);
        ck_assert_msg(*out < 64, "kind %u: warp 0 polled %u times before warp 1 ran", kind, *out);
    }
    th_free(out);
    th_free(gflag);
    engine_module_unload(m);
}
END_TEST

Suite *suite_engine_ctrl(void)
{
    Suite *s = suite_create("engine_ctrl");
    TCase *tc = tcase_create("ctrl");
    tcase_add_checked_fixture(tc, ctl_setup, ctl_teardown);
    tcase_add_test(tc, ctrl_reconvergence);
    tcase_add_test(tc, ctrl_barriers);
    tcase_add_test(tc, ctrl_deadlock_and_stack);
    tcase_add_test(tc, ctrl_special_registers);
    tcase_add_test(tc, ctrl_spin_wait_lets_other_warps_run);
    suite_add_tcase(s, tc);
    return s;
}
