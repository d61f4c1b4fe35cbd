/*
 * test_engine_launch.c - the engine's interface: module load errors (malformed PTX names the
 * line), unsupported instructions failing only the kernels that can reach them with the exact
 * message, launch-configuration checks, kernel info, many launches from several host threads
 * at once, and the device heap's lifetime.
 */
#define _POSIX_C_SOURCE 200809L

#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../ptx/harness.h"

static const char unsupported_ptx[] =
    ".version 8.0\n"                                                        /* 1 */
    ".target sm_75\n"                                                       /* 2 */
    ".address_size 64\n"                                                    /* 3 */
    ".extern .func (.param .b32 r) not_provided(.param .b32 a);\n"          /* 4 */
    ".func helper()\n"                                                      /* 5 */
    "{\n"                                                                   /* 6 */
    "\t.reg .f32 %f<6>;\n"                                                  /* 7 */
    "\t.reg .b64 %rd<2>;\n"                                                 /* 8 */
    "\ttex.2dms.v4.f32.s32 {%f1, %f2, %f3, %f4}, [%rd1, {%f5, %f5, %f5, %f5}];\n" /* 9 */
    "\tret;\n"                                                              /* 10 */
    "}\n"                                                                   /* 11 */
    ".visible .entry _Z4vaddPKfS0_Pfi(.param .u64 p)\n"                     /* 12 */
    "{\n"                                                                   /* 13 */
    "\t.reg .b64 %rd<2>;\n"                                                 /* 14 */
    "\tret;\n"                                                              /* 15 */
    "\tcall.uni helper, ();\n"                                              /* 16 */
    "}\n"                                                                   /* 17 */
    ".visible .entry calls_missing()\n"                                     /* 18 */
    "{\n"                                                                   /* 19 */
    "\t.reg .b32 %r<2>;\n"                                                  /* 20 */
    "\t{ .param .b32 a; st.param.b32 [a], 1; .param .b32 r;\n"              /* 21 */
    "\tcall.uni (r), not_provided, (a); }\n"                                /* 22 */
    "\tret;\n"                                                              /* 23 */
    "}\n"                                                                   /* 24 */
    ".visible .entry fine(.param .u64 p)\n"                                 /* 25 */
    "{\n"                                                                   /* 26 */
    "\t.reg .b64 %rd<2>;\n"                                                 /* 27 */
    "\t.reg .b32 %r<2>;\n"                                                  /* 28 */
    "\tld.param.u64 %rd1, [p];\n"                                           /* 29 */
    "\tmov.u32 %r1, %tid.x;\n"                                              /* 30 */
    "\tatom.global.add.u32 %r1, [%rd1], %r1;\n"                             /* 31 */
    "\tret;\n"                                                              /* 32 */
    "}\n";

START_TEST(launch_unsupported_is_reported_at_launch)
{
    engine_module *m = NULL;
    ck_assert_int_eq(th_load_text(unsupported_ptx, &m), MU_SUCCESS);
    uint32_t *p = th_alloc(4);
    *p = 0;
    void *args[] = {&p};
    MUresult c_r;
    char *err = th_launch_warp_stderr(m, "_Z4vaddPKfS0_Pfi", args, &c_r);
    ck_assert_int_eq(c_r, MU_ERROR_NOT_SUPPORTED);
    ck_assert_str_eq(err, "cushim: kernel _Z4vaddPKfS0_Pfi: unsupported PTX 'tex.2dms.v4.f32.s32' at line 9\n");
    free(err);
    MUresult d_r;
    err = th_launch_warp_stderr(m, "calls_missing", NULL, &d_r);
    ck_assert_int_eq(d_r, MU_ERROR_NOT_SUPPORTED);
    ck_assert_str_eq(err, "cushim: kernel calls_missing: unsupported PTX 'call.uni not_provided' at line 22\n");
    free(err);
    /* a kernel that cannot reach either still runs */
    ck_assert_int_eq(th_launch(m, "fine", th_dim(2, 1, 1), th_dim(32, 1, 1), 0, args), MU_SUCCESS);
    ck_assert_uint_eq(*p, 2 * (31 * 32 / 2));
    th_free(p);
    engine_module_unload(m);
}
END_TEST

struct load_ctx {
    const char *text;
    MUresult r;
};

static void do_load(void *p)
{
    struct load_ctx *c = p;
    engine_module *m = NULL;
    c->r = th_load_text(c->text, &m);
    if (m)
        engine_module_unload(m);
}

START_TEST(launch_invalid_ptx)
{
    struct load_ctx c = {".version 8.0\n.target sm_75\n.address_size 64\n.entry k()\n{\n\tadd.s32 %r1, %r2, %r3;\n}\n", 0};
    char *err = th_capture(2, do_load, &c);
    ck_assert_int_eq(c.r, MU_ERROR_INVALID_PTX);
    ck_assert_msg(strstr(err, "cushim: test: invalid PTX: line 6: "), "%s", err);
    free(err);
    engine_module *m = (engine_module *)1;
    ck_assert_int_eq(engine_module_load(&m, "x", 1, NULL, "x"), MU_ERROR_INVALID_VALUE);
    ck_assert_ptr_null(m);
}
END_TEST

START_TEST(launch_configuration_and_info)
{
    engine_module *m = th_load("programs_sm75.ptx");
    ck_assert_ptr_null(engine_module_kernel(m, "no_such_kernel"));
    const engine_kernel *k = engine_module_kernel(m, "matmul_tiled");
    ck_assert_ptr_nonnull(k);
    ck_assert_str_eq(engine_kernel_name(k), "matmul_tiled");
    struct mu_func_info info;
    engine_kernel_info(k, &info);
    ck_assert_int_eq(info.num_params, 4);
    ck_assert_uint_eq(info.params_bytes, 32);
    ck_assert_uint_ge(info.shared_size_bytes, 2 * 16 * 16 * 4);
    ck_assert_int_eq(info.max_threads_per_block, 1024);
    struct engine_launch l;
    memset(&l, 0, sizeof l);
    l.grid = th_dim(1, 1, 1);
    l.block = th_dim(0, 1, 1);
    ck_assert_int_eq(engine_launch(k, &l), MU_ERROR_INVALID_CONFIGURATION);
    l.block = th_dim(32, 32, 2);
    ck_assert_int_eq(engine_launch(k, &l), MU_ERROR_INVALID_CONFIGURATION);
    l.block = th_dim(16, 16, 1);
    l.grid = th_dim(1, 0, 1);
    ck_assert_int_eq(engine_launch(k, &l), MU_ERROR_INVALID_CONFIGURATION);
    l.grid = th_dim(1, 1, 1);
    ck_assert_int_eq(engine_launch(k, &l), MU_ERROR_INVALID_VALUE); /* parameters missing */
    ck_assert_int_eq(engine_launch(NULL, &l), MU_ERROR_INVALID_VALUE);
    engine_module_unload(m);
}
END_TEST

struct worker {
    engine_module *m;
    int id;
    int ok;
};

static void *hammer(void *p)
{
    struct worker *w = p;
    int n = 4096;
    int *in = th_alloc(sizeof(int) * (size_t)n), *out = th_alloc(sizeof(int) * 16);
    w->ok = 1;
    for (int iter = 0; iter < 20 && w->ok; iter++) {
        for (int i = 0; i < n; i++)
            in[i] = (i * (w->id + 3) + iter) % 97;
        void *a[] = {&in, &out, &n};
        if (th_launch(w->m, "reduce_shared", th_dim(16, 1, 1), th_dim(256, 1, 1), 0, a) != MU_SUCCESS) {
            w->ok = 0;
            break;
        }
        for (int b = 0; b < 16; b++) {
            int s = 0;
            for (int i = b * 256; i < (b + 1) * 256; i++)
                s += in[i];
            if (out[b] != s)
                w->ok = 0;
        }
    }
    th_free(in);
    th_free(out);
    return NULL;
}

START_TEST(launch_concurrent_host_threads)
{
    engine_module *m = th_load("programs_sm75.ptx");
    pthread_t t[4];
    struct worker w[4];
    for (int i = 0; i < 4; i++) {
        w[i].m = m;
        w[i].id = i;
        pthread_create(&t[i], NULL, hammer, &w[i]);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        ck_assert_msg(w[i].ok, "host thread %d got a wrong result", i);
    }
    engine_module_unload(m);
}
END_TEST

START_TEST(launch_device_heap_lifetime)
{
    engine_module *m = th_load("programs_sm75.ptx");
    int *h = th_alloc(sizeof(int) * 256);
    void *a[] = {&h};
    for (int round = 0; round < 3; round++) {
        ck_assert_int_eq(th_launch(m, "heap", th_dim(4, 1, 1), th_dim(64, 1, 1), 0, a), MU_SUCCESS);
        for (int t = 0; t < 64; t++)
            ck_assert_int_eq(h[t], 16 * t + 120);
        engine_host_release(th_host()); /* the device goes away: its heap with it */
    }
    th_free(h);
    engine_module_unload(m);
}
END_TEST

/* Two -rdc units as one text: .extern declarations bind to the other unit's definitions and
 * weak functions defined in both are kept once. */
static const char linked_units[] =
    ".version 8.0\n"
    ".target sm_75\n"
    ".address_size 64\n"
    ".extern .func (.param .b32 r) helper(.param .b32 x);\n"
    ".extern .global .align 4 .u32 shared_counter;\n"
    ".weak .func (.param .b32 r) twice(.param .b32 x)\n"
    "{\n"
    "\t.reg .b32 %r<3>;\n"
    "\tld.param.u32 %r1, [x];\n"
    "\tadd.u32 %r2, %r1, %r1;\n"
    "\tst.param.b32 [r], %r2;\n"
    "\tret;\n"
    "}\n"
    ".visible .entry k(.param .u64 out)\n"
    "{\n"
    "\t.reg .b32 %r<4>;\n"
    "\t.reg .b64 %rd<2>;\n"
    "\tld.param.u64 %rd1, [out];\n"
    "\tmov.u32 %r1, %tid.x;\n"
    "\t{ .param .b32 a; st.param.b32 [a], %r1; .param .b32 r; call.uni (r), helper, (a); ld.param.b32 %r2, [r]; }\n"
    "\tld.global.u32 %r3, [shared_counter];\n"
    "\tadd.u32 %r2, %r2, %r3;\n"
    "\tst.global.u32 [%rd1], %r2;\n"
    "\tret;\n"
    "}\n"
    ".version 8.0\n"
    ".target sm_75\n"
    ".address_size 64\n"
    ".visible .global .align 4 .u32 shared_counter = 1000;\n"
    ".weak .func (.param .b32 r) twice(.param .b32 x)\n"
    "{\n"
    "\t.reg .b32 %r<3>;\n"
    "\tld.param.u32 %r1, [x];\n"
    "\tadd.u32 %r2, %r1, %r1;\n"
    "\tst.param.b32 [r], %r2;\n"
    "\tret;\n"
    "}\n"
    ".visible .func (.param .b32 r) helper(.param .b32 x)\n"
    "{\n"
    "\t.reg .b32 %r<3>;\n"
    "\tld.param.u32 %r1, [x];\n"
    "\t{ .param .b32 a; st.param.b32 [a], %r1; .param .b32 rr; call.uni (rr), twice, (a); ld.param.b32 %r2, [rr]; }\n"
    "\tadd.u32 %r2, %r2, 7;\n"
    "\tst.param.b32 [r], %r2;\n"
    "\tret;\n"
    "}\n";

START_TEST(launch_linked_units)
{
    engine_module *m = NULL;
    ck_assert_int_eq(th_load_text(linked_units, &m), MU_SUCCESS);
    uint32_t *out = th_alloc(4);
    void *a[] = {&out};
    ck_assert_int_eq(th_launch(m, "k", th_dim(1, 1, 1), th_dim(1, 1, 1), 0, a), MU_SUCCESS);
    ck_assert_uint_eq(*out, 2 * 0 + 7 + 1000);
    void *addr;
    size_t bytes;
    ck_assert(engine_module_global(m, "shared_counter", &addr, &bytes));
    ck_assert_uint_eq(*(uint32_t *)addr, 1000);
    th_free(out);
    engine_module_unload(m);
}
END_TEST

Suite *suite_engine_launch(void)
{
    Suite *s = suite_create("engine_launch");
    TCase *tc = tcase_create("launch");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, launch_unsupported_is_reported_at_launch);
    tcase_add_test(tc, launch_invalid_ptx);
    tcase_add_test(tc, launch_configuration_and_info);
    tcase_add_test(tc, launch_concurrent_host_threads);
    tcase_add_test(tc, launch_device_heap_lifetime);
    tcase_add_test(tc, launch_linked_units);
    suite_add_tcase(s, tc);
    return s;
}
