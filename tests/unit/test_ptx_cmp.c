/*
 * test_ptx_cmp.c - conformance of setp / set / selp / slct (tests/ptx/cmp.ptx).
 *
 * Every comparison operator on signed, unsigned and float types, both destinations of p|q,
 * the .and/.or/.xor combination with a (negated) third predicate, the ordered/unordered NaN
 * rules, .ftz compares, and the selects.
 */
#include <check.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "../ptx/harness.h"

static engine_module *cmp_mod;

static void cmp_setup(void)
{
    cmp_mod = th_load("cmp.ptx");
}

static void cmp_teardown(void)
{
    engine_module_unload(cmp_mod);
}

static uint64_t mask_of(unsigned bits)
{
    return bits == 64 ? ~0ull : (1ull << bits) - 1;
}

static int64_t sx(uint64_t v, unsigned bits)
{
    uint64_t top = 1ull << (bits - 1);
    v &= mask_of(bits);
    return (int64_t)((v ^ top) - top);
}

static int int_cmp(const char *op, uint64_t a, uint64_t b, unsigned bits, int sgn)
{
    a &= mask_of(bits);
    b &= mask_of(bits);
    int lt = sgn ? sx(a, bits) < sx(b, bits) : a < b;
    int eq = a == b;
    if (!strcmp(op, "eq")) return eq;
    if (!strcmp(op, "ne")) return !eq;
    if (!strcmp(op, "lt") || !strcmp(op, "lo")) return lt;
    if (!strcmp(op, "le") || !strcmp(op, "ls")) return lt || eq;
    if (!strcmp(op, "gt") || !strcmp(op, "hi")) return !lt && !eq;
    return !lt; /* ge, hs */
}

static int flt_cmp(const char *op, double a, double b)
{
    int un = isnan(a) || isnan(b);
    if (!strcmp(op, "num")) return !un;
    if (!strcmp(op, "nan")) return un;
    int u = strlen(op) == 3; /* equ neu ltu leu gtu geu */
    if (un)
        return u;
    char base[3] = {op[0], op[1], 0};
    if (!strcmp(base, "eq")) return a == b;
    if (!strcmp(base, "ne")) return a != b;
    if (!strcmp(base, "lt")) return a < b;
    if (!strcmp(base, "le")) return a <= b;
    if (!strcmp(base, "gt")) return a > b;
    return a >= b;
}

static const uint64_t ivals[] = {0, 1, 2, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x7fffffff, 0x80000000u,
                                 0xffffffffu, 0x7fffffffffffffffull, 0x8000000000000000ull, ~0ull, 12345};
static const float fvals[] = {0.0f, -0.0f, 1.0f, -1.0f, 2.5f, INFINITY, -INFINITY, NAN, 1e-40f, FLT_MAX};

START_TEST(cmp_int_setp)
{
    static const char *ts[] = {"s32", "u32", "s64", "u64", "s16", "u16"};
    static const unsigned bits[] = {32, 32, 64, 64, 16, 16};
    static const char *ops[] = {"eq", "ne", "lt", "le", "gt", "ge", "lo", "ls", "hi", "hs"};
    unsigned nv = sizeof ivals / sizeof ivals[0];
    th_rec_in in[256];
    th_rec_out out[256];
    char name[64];
    for (int t = 0; t < 6; t++) {
        int sgn = ts[t][0] == 's';
        for (int o = 0; o < (sgn ? 6 : 10); o++) {
            unsigned n = 0;
            for (unsigned i = 0; i < nv; i++)
                for (unsigned j = 0; j < nv; j++, n++) {
                    memset(&in[n], 0, sizeof in[n]);
                    in[n].a = ivals[i];
                    in[n].b = ivals[j];
                }
            snprintf(name, sizeof name, "setp_%s_%s", ops[o], ts[t]);
            ck_assert_int_eq(th_run(cmp_mod, name, in, out, n), MU_SUCCESS);
            for (unsigned i = 0; i < n; i++) {
                int want = int_cmp(ops[o], in[i].a, in[i].b, bits[t], sgn);
                ck_assert_msg((int)(uint32_t)out[i].d == want && (int)(uint32_t)out[i].p == !want,
                              "%s(%#llx, %#llx) = %d|%d", name, (unsigned long long)in[i].a,
                              (unsigned long long)in[i].b, (int)out[i].d, (int)out[i].p);
            }
        }
    }
}
END_TEST

START_TEST(cmp_float_setp)
{
    static const char *ops[] = {"eq", "ne", "lt", "le", "gt", "ge", "equ", "neu",
                                "ltu", "leu", "gtu", "geu", "num", "nan"};
    unsigned nv = sizeof fvals / sizeof fvals[0];
    th_rec_in in[128];
    th_rec_out out[128];
    char name[64];
    for (int is64 = 0; is64 < 2; is64++)
        for (int o = 0; o < 14; o++) {
            unsigned n = 0;
            for (unsigned i = 0; i < nv; i++)
                for (unsigned j = 0; j < nv; j++, n++) {
                    memset(&in[n], 0, sizeof in[n]);
                    in[n].a = is64 ? th_d2u(fvals[i]) : th_f2u(fvals[i]);
                    in[n].b = is64 ? th_d2u(fvals[j]) : th_f2u(fvals[j]);
                }
            snprintf(name, sizeof name, "setp_%s_%s", ops[o], is64 ? "f64" : "f32");
            ck_assert_int_eq(th_run(cmp_mod, name, in, out, n), MU_SUCCESS);
            for (unsigned i = 0; i < n; i++) {
                double a = is64 ? th_u2d(in[i].a) : th_u2f((uint32_t)in[i].a);
                double b = is64 ? th_u2d(in[i].b) : th_u2f((uint32_t)in[i].b);
                int want = flt_cmp(ops[o], a, b);
                ck_assert_msg((int)(uint32_t)out[i].d == want && (int)(uint32_t)out[i].p == !want,
                              "%s(%g, %g) = %d|%d", name, a, b, (int)out[i].d, (int)out[i].p);
            }
        }
    /* .ftz: a subnormal compares as zero */
    th_rec_in f[2] = {{th_f2u(-1e-40f), th_f2u(0.0f), 0, 0}, {th_f2u(1e-40f), th_f2u(2e-40f), 0, 0}};
    ck_assert_int_eq(th_run(cmp_mod, "setp_lt_ftz_f32", f, out, 2), MU_SUCCESS);
    ck_assert_int_eq((int)out[0].d, 0);
    ck_assert_int_eq((int)out[1].d, 0);
}
END_TEST

START_TEST(cmp_combine_and_select)
{
    th_rec_in in[64];
    th_rec_out out[64];
    static const char *bops[] = {"and", "or", "xor"};
    char name[64];
    for (int b = 0; b < 3; b++) {
        unsigned n = 0;
        for (int a = -2; a <= 2; a++)
            for (int c = 0; c < 2; c++, n++) {
                memset(&in[n], 0, sizeof in[n]);
                in[n].a = (uint32_t)a;
                in[n].b = 0;
                in[n].c = (uint64_t)c;
            }
        snprintf(name, sizeof name, "setp_lt_%s_s32", bops[b]);
        ck_assert_int_eq(th_run(cmp_mod, name, in, out, n), MU_SUCCESS);
        for (unsigned i = 0; i < n; i++) {
            int cmp = (int32_t)in[i].a < 0, c = (int)in[i].c;
            int p = b == 0 ? cmp & c : b == 1 ? cmp | c : cmp ^ c;
            int nc = !cmp, q = b == 0 ? (nc & c) : b == 1 ? (nc | c) : (nc ^ c);
            ck_assert_msg((int)out[i].d == p && (int)out[i].p == q, "%s a=%d c=%d", name, (int32_t)in[i].a, c);
        }
        n = 0;
        for (unsigned i = 0; i < 6; i++)
            for (int c = 0; c < 2; c++, n++) {
                memset(&in[n], 0, sizeof in[n]);
                in[n].a = th_f2u(fvals[i + 2]);
                in[n].b = th_f2u(1.0f);
                in[n].c = (uint64_t)c;
            }
        snprintf(name, sizeof name, "setp_gt_%s_not_f32", bops[b]);
        ck_assert_int_eq(th_run(cmp_mod, name, in, out, n), MU_SUCCESS);
        for (unsigned i = 0; i < n; i++) {
            int cmp = th_u2f((uint32_t)in[i].a) > 1.0f, c = !(int)in[i].c;
            int p = b == 0 ? cmp & c : b == 1 ? cmp | c : cmp ^ c;
            int nc = !cmp, q = b == 0 ? (nc & c) : b == 1 ? (nc | c) : (nc ^ c);
            ck_assert_msg((int)out[i].d == p && (int)out[i].p == q, "%s", name);
        }
    }
    /* selects */
    static const char *sel[] = {"selp_b16", "selp_b32", "selp_b64", "selp_f32", "selp_f64"};
    static const uint64_t masks[] = {0xffff, 0xffffffffu, ~0ull, 0xffffffffu, ~0ull};
    for (int s = 0; s < 5; s++) {
        for (unsigned i = 0; i < 32; i++) {
            in[i].a = 0x1111111111111111ull * (i % 7 + 1);
            in[i].b = 0xabcdef0123456789ull + i;
            in[i].c = i % 3 == 0;
            in[i].e = 0;
        }
        ck_assert_int_eq(th_run(cmp_mod, sel[s], in, out, 32), MU_SUCCESS);
        for (unsigned i = 0; i < 32; i++)
            ck_assert_msg((out[i].d & masks[s]) == ((in[i].c ? in[i].a : in[i].b) & masks[s]), "%s lane %u", sel[s], i);
    }
    ck_assert_int_eq(th_run(cmp_mod, "selp_imm", in, out, 32), MU_SUCCESS);
    for (unsigned i = 0; i < 32; i++)
        ck_assert_int_eq((int32_t)out[i].d, in[i].c ? 7 : -3);
    for (unsigned i = 0; i < 32; i++) {
        in[i].a = 100 + i;
        in[i].b = 200 + i;
        in[i].c = (uint32_t)((int)i - 16);
    }
    ck_assert_int_eq(th_run(cmp_mod, "slct_s32", in, out, 32), MU_SUCCESS);
    for (unsigned i = 0; i < 32; i++)
        ck_assert_uint_eq((uint32_t)out[i].d, (int)i - 16 >= 0 ? 100 + i : 200 + i);
    static const float cs[] = {-0.0f, 0.0f, -1.0f, 3.0f, NAN, -INFINITY};
    for (unsigned i = 0; i < 6; i++)
        in[i].c = th_f2u(cs[i]);
    ck_assert_int_eq(th_run(cmp_mod, "slct_f32", in, out, 6), MU_SUCCESS);
    for (unsigned i = 0; i < 6; i++)
        ck_assert_uint_eq((uint32_t)out[i].d, cs[i] >= 0.0f ? 100 + i : 200 + i);
    for (unsigned i = 0; i < 32; i++) {
        in[i].a = (uint32_t)((int)i - 5);
        in[i].b = 3;
    }
    ck_assert_int_eq(th_run(cmp_mod, "set_lt_u32_s32", in, out, 32), MU_SUCCESS);
    for (unsigned i = 0; i < 32; i++)
        ck_assert_uint_eq((uint32_t)out[i].d, (int)i - 5 < 3 ? 0xffffffffu : 0);
    for (unsigned i = 0; i < 10; i++) {
        in[i].a = th_f2u(fvals[i]);
        in[i].b = th_f2u(1.0f);
    }
    ck_assert_int_eq(th_run(cmp_mod, "set_gtu_f32_f32", in, out, 10), MU_SUCCESS);
    for (unsigned i = 0; i < 10; i++)
        ck_assert_float_eq(th_u2f((uint32_t)out[i].d), (isnan(fvals[i]) || fvals[i] > 1.0f) ? 1.0f : 0.0f);
}
END_TEST

Suite *suite_ptx_cmp(void)
{
    Suite *s = suite_create("ptx_cmp");
    TCase *tc = tcase_create("cmp");
    tcase_add_checked_fixture(tc, cmp_setup, cmp_teardown);
    tcase_add_test(tc, cmp_int_setp);
    tcase_add_test(tc, cmp_float_setp);
    tcase_add_test(tc, cmp_combine_and_select);
    suite_add_tcase(s, tc);
    return s;
}
