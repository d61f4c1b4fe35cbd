/*
 * test_engine_async.c - asynchronous copies and mbarriers (tests/ptx/async.ptx): phases and
 * pending counts of arrivals by every thread of a block, parity and state waits, arrive with a
 * count, arrive_drop, transaction counts completed by bulk copies and complete_tx, cp.async
 * with src-size and ignore-src, cp.async.mbarrier.arrive with and without .noinc, a faulting
 * copy, and the message for the forms the engine does not run.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "../ptx/harness.h"

START_TEST(async_mbarrier_phases)
{
    engine_module *m = th_load("async.ptx");
    uint32_t *out = th_alloc(64 * 24);
    void *a[] = {&out};
    ck_assert_int_eq(th_launch(m, "mbar_phases", th_dim(1, 1, 1), th_dim(64, 1, 1), 0, a), MU_SUCCESS);
    uint32_t seen1[65] = {0}, seen2[65] = {0};
    for (uint32_t t = 0; t < 64; t++) {
        const uint32_t *r = &out[t * 6];
        /* each arrival saw a different pending count: 64 down to 1, in some order */
        ck_assert_uint_ge(r[0], 1);
        ck_assert_uint_le(r[0], 64);
        seen1[r[0]]++;
        ck_assert_uint_eq(r[1], 1); /* phase 0 completed */
        ck_assert_uint_eq(r[2], 0); /* phase 1 had not */
        ck_assert_uint_eq(r[3], 1); /* the state of the first arrive: its phase completed */
        if (t % 2 == 0) {           /* arrivals counting 2: 64, 62, ..., 2 */
            ck_assert_uint_eq(r[4] % 2, 0);
            ck_assert_uint_ge(r[4], 2);
            seen2[r[4]]++;
        } else {
            ck_assert_uint_eq(r[4], 0); /* no state: pending count of a zero state */
        }
        ck_assert_uint_eq(r[5], 1); /* phase 1 completed by 32 arrivals of 2 */
    }
    for (uint32_t c = 1; c <= 64; c++) {
        ck_assert_uint_eq(seen1[c], 1);
        ck_assert_uint_eq(seen2[c], c % 2 == 0 ? 1 : 0);
    }
    th_free(out);
    engine_module_unload(m);
}
END_TEST

START_TEST(async_mbarrier_transactions)
{
    engine_module *m = th_load("async.ptx");
    uint8_t *in = th_alloc(64), *out = th_alloc(160);
    for (int i = 0; i < 64; i++)
        in[i] = (uint8_t)(i * 5 + 1);
    memset(out, 0xee, 160);
    void *a[] = {&in, &out};
    ck_assert_int_eq(th_launch(m, "mbar_tx", th_dim(1, 1, 1), th_dim(1, 1, 1), 0, a), MU_SUCCESS);
    uint32_t r[6];
    memcpy(r, out, sizeof r);
    ck_assert_uint_eq(r[0], 0); /* arrived, but 64 bytes still expected */
    ck_assert_uint_eq(r[1], 0); /* 32 of them arrived */
    ck_assert_uint_eq(r[2], 1); /* all 64 */
    ck_assert_uint_eq(r[3], 2); /* expect_tx kept the phase open until complete_tx */
    ck_assert_uint_eq(r[4], 1); /* arrive_drop + arrive complete a count-2 phase */
    ck_assert_uint_eq(r[5], 1); /* and the next phase expects one arrival */
    ck_assert_int_eq(memcmp(out + 32, in, 64), 0);  /* global -> shared bulk copies */
    ck_assert_int_eq(memcmp(out + 96, in, 64), 0);  /* shared -> global */
    th_free(in);
    th_free(out);
    engine_module_unload(m);
}
END_TEST

START_TEST(async_cp_async)
{
    engine_module *m = th_load("async.ptx");
    uint8_t *in = th_alloc(32 * 16 + 16), *out = th_alloc(32 * 32);
    for (int i = 0; i < 32 * 16 + 16; i++)
        in[i] = (uint8_t)(i * 7 + 3);
    memset(out, 0xee, 32 * 32);
    void *a[] = {&in, &out};
    ck_assert_int_eq(th_launch(m, "cp_async", th_dim(1, 1, 1), th_dim(32, 1, 1), 0, a), MU_SUCCESS);
    for (uint32_t t = 0; t < 32; t++) {
        const uint8_t *o = out + 32 * t, *src = in + 16 * t;
        ck_assert_int_eq(memcmp(o, src, 16), 0);
        for (uint32_t i = 0; i < 8; i++)
            ck_assert_uint_eq(o[16 + i], i < t % 9 ? src[i] : 0); /* src-size, then zeros */
        for (uint32_t i = 0; i < 4; i++)
            ck_assert_uint_eq(o[24 + i], t % 2 ? 0 : src[i]); /* ignore-src reads nothing */
        uint32_t done;
        memcpy(&done, o + 28, 4);
        ck_assert_uint_eq(done, 1); /* 32 .noinc arrivals completed the phase; the others none */
    }
    th_free(in);
    th_free(out);
    engine_module_unload(m);
}
END_TEST

static const char unsupported_ptx[] = ".version 8.0\n"
                                      ".target sm_90\n"
                                      ".address_size 64\n"
                                      ".visible .entry bulk_tensor(.param .u64 map)\n"
                                      "{\n"
                                      "\t.shared .align 128 .b8 s[128];\n"
                                      "\t.shared .align 8 .b64 bar;\n"
                                      "\t.reg .b64 %rd<2>;\n"
                                      "\tld.param.u64 %rd1, [map];\n"
                                      "\tcp.async.bulk.tensor.1d.shared::cluster.global.tile [s], [%rd1], [bar];\n"
                                      "\tret;\n"
                                      "}\n";

START_TEST(async_faults_and_unsupported)
{
    engine_module *m = th_load("async.ptx");
    uint8_t *in = th_alloc(64);
    void *a[] = {&in};
    MUresult c_r;
    char *err = th_launch_warp_stderr(m, "cp_async_oob", a, &c_r);
    ck_assert_int_eq(c_r, MU_ERROR_ILLEGAL_ADDRESS);
    ck_assert_msg(strstr(err, "cushim: kernel cp_async_oob") && strstr(err, "illegal address 0x10"), "%s", err);
    free(err);
    th_free(in);
    engine_module_unload(m);

    ck_assert_int_eq(th_load_text(unsupported_ptx, &m), MU_SUCCESS);
    uint64_t map = 0;
    void *b[] = {&map};
    MUresult d_r;
    err = th_launch_warp_stderr(m, "bulk_tensor", b, &d_r);
    ck_assert_int_eq(d_r, MU_ERROR_NOT_SUPPORTED);
    ck_assert_str_eq(err, "cushim: kernel bulk_tensor: unsupported PTX "
                          "'cp.async.bulk.tensor.1d.shared::cluster.global.tile' at line 10\n");
    free(err);
    engine_module_unload(m);
}
END_TEST

Suite *suite_engine_async(void)
{
    Suite *s = suite_create("engine_async");
    TCase *tc = tcase_create("async");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, async_mbarrier_phases);
    tcase_add_test(tc, async_mbarrier_transactions);
    tcase_add_test(tc, async_cp_async);
    tcase_add_test(tc, async_faults_and_unsupported);
    suite_add_tcase(s, tc);
    return s;
}
