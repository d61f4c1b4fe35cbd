/*
 * test_engine_mma.c - warp matrix instructions in the forms of tests/ptx/mma.ptx: default
 * strides and generic addresses, f16 accumulators saturating with .satfinite, a fragment
 * reaching past its allocation (a fault, not a crash), and the message for matrix forms the
 * engine does not run.  The nvcc-built programs tests/cuda/tensor_core*.cu cover the rest.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "../ptx/harness.h"

/* f16 bits of a small integer (|v| < 2048): exact */
static uint16_t f16_of(int v)
{
    if (v == 0)
        return 0;
    uint16_t sign = v < 0 ? 0x8000 : 0;
    unsigned m = (unsigned)(v < 0 ? -v : v);
    int e = 31 - __builtin_clz(m);
    return (uint16_t)(sign | (uint16_t)((e + 15) << 10) | (uint16_t)((m << (10 - e)) & 0x3ff));
}

START_TEST(mma_default_stride_generic)
{
    engine_module *m = th_load("mma.ptx");
    uint16_t *a = th_alloc(512), *b = th_alloc(512);
    float *c = th_alloc(1024), *d = th_alloc(1024);
    int av[256], bv[256];
    for (int i = 0; i < 256; i++) {
        av[i] = (i * 7) % 11 - 5;
        bv[i] = (i * 5) % 13 - 6;
        a[i] = f16_of(av[i]);
        b[i] = f16_of(bv[i]); /* B column-major: b[n * 16 + k] */
        c[i] = (float)(i % 17);
    }
    void *args[] = {&a, &b, &c, &d};
    ck_assert_int_eq(th_launch(m, "default_stride", th_dim(1, 1, 1), th_dim(32, 1, 1), 0, args), MU_SUCCESS);
    for (int i = 0; i < 16; i++)
        for (int j = 0; j < 16; j++) {
            int want = i * 16 + j;
            want = want % 17;
            for (int k = 0; k < 16; k++)
                want += av[i * 16 + k] * bv[j * 16 + k];
            ck_assert_float_eq(d[i * 16 + j], (float)want);
        }
    th_free(a);
    th_free(b);
    th_free(c);
    th_free(d);
    engine_module_unload(m);
}
END_TEST

START_TEST(mma_satfinite_f16)
{
    engine_module *m = th_load("mma.ptx");
    uint16_t *a = th_alloc(512), *b = th_alloc(512), *c = th_alloc(512), *d = th_alloc(512);
    for (int i = 0; i < 256; i++) {
        a[i] = f16_of(i % 2 ? 64 : -64);
        b[i] = f16_of(64);
        c[i] = f16_of(i % 3 == 0 ? 1024 : 0);
    }
    void *args[] = {&a, &b, &c, &d};
    ck_assert_int_eq(th_launch(m, "satfinite", th_dim(1, 1, 1), th_dim(32, 1, 1), 0, args), MU_SUCCESS);
    for (int i = 0; i < 16; i++)
        for (int j = 0; j < 16; j++) {
            /* row i of A alternates sign by column: the sum is +-16 * 4096 = +-65536 */
            long want = (i * 16 + j) % 3 == 0 ? 1024 : 0;
            for (int k = 0; k < 16; k++)
                want += (long)((i * 16 + k) % 2 ? 64 : -64) * 64;
            uint16_t got = d[i * 16 + j];
            if (want > 65504)
                ck_assert_uint_eq(got, 0x7bff);
            else if (want < -65504)
                ck_assert_uint_eq(got, 0xfbff);
            else
                ck_assert_uint_eq(got, f16_of((int)want));
        }
    th_free(a);
    th_free(b);
    th_free(c);
    th_free(d);
    engine_module_unload(m);
}
END_TEST

static const char unsupported_ptx[] = ".version 7.8\n"
                                      ".target sm_80\n"
                                      ".address_size 64\n"
                                      ".visible .entry sub_byte(.param .u64 a)\n"
                                      "{\n"
                                      "\t.reg .b32 %r<2>;\n"
                                      "\t.reg .b64 %rd<2>;\n"
                                      "\tld.param.u64 %rd1, [a];\n"
                                      "\twmma.load.a.sync.aligned.row.m8n8k32.global.s4 {%r1}, [%rd1], 32;\n"
                                      "\tret;\n"
                                      "}\n";

START_TEST(mma_faults_and_unsupported)
{
    engine_module *m = th_load("mma.ptx");
    uint16_t *a = th_alloc(512);
    void *args[] = {&a};
    MUresult c_r;
    char *err = th_launch_warp_stderr(m, "past_the_end", args, &c_r);
    ck_assert_int_eq(c_r, MU_ERROR_ILLEGAL_ADDRESS);
    ck_assert_msg(strstr(err, "cushim: kernel past_the_end") && strstr(err, "illegal address"), "%s", err);
    free(err);
    th_free(a);
    engine_module_unload(m);

    ck_assert_int_eq(th_load_text(unsupported_ptx, &m), MU_SUCCESS);
    MUresult d_r;
    err = th_launch_warp_stderr(m, "sub_byte", args, &d_r);
    ck_assert_int_eq(d_r, MU_ERROR_NOT_SUPPORTED);
    ck_assert_str_eq(err, "cushim: kernel sub_byte: unsupported PTX 'wmma.load.a.sync.aligned.row.m8n8k32.global.s4' "
                          "at line 9\n");
    free(err);
    engine_module_unload(m);
}
END_TEST

Suite *suite_engine_mma(void)
{
    Suite *s = suite_create("engine_mma");
    TCase *tc = tcase_create("mma");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, mma_default_stride_generic);
    tcase_add_test(tc, mma_satfinite_f16);
    tcase_add_test(tc, mma_faults_and_unsupported);
    suite_add_tcase(s, tc);
    return s;
}
