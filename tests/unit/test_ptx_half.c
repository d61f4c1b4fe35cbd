/*
 * test_ptx_half.c - conformance of f16/bf16 (and x2) arithmetic, compares and selects, and of
 * the SIMD video instructions (tests/ptx/half.ptx).
 *
 * Half results are checked bit for bit: the reference decodes the operands exactly into
 * double, computes there exactly (the operands are chosen so the double result is exact), and
 * rounds once to the 16-bit format; NaN results are 0x7fff.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../ptx/harness.h"

static engine_module *half_mod;

static void half_setup(void)
{
    half_mod = th_load("half.ptx");
}

static void half_teardown(void)
{
    engine_module_unload(half_mod);
}

/* the format: f16 (prec 11, emin -14, 5 exponent bits) or bf16 (8, -126, 8) */
struct fmt {
    int prec, emin, ebits;
    double maxf;
};
static const struct fmt F16 = {11, -14, 5, 65504.0};
static const struct fmt BF16 = {8, -126, 8, 3.3895313892515355e38};

static double decode(uint16_t h, const struct fmt *f)
{
    int mbits = f->prec - 1, bias = (1 << (f->ebits - 1)) - 1;
    int e = (h >> mbits) & ((1 << f->ebits) - 1), m = h & ((1 << mbits) - 1);
    double v;
    if (e == (1 << f->ebits) - 1)
        v = m ? NAN : INFINITY;
    else if (e == 0)
        v = ldexp(m, f->emin - mbits);
    else
        v = ldexp(m + (1 << mbits), e - bias - mbits);
    return (h & 0x8000) ? -v : v;
}

static uint16_t encode_rn(double x, const struct fmt *f)
{
    if (isnan(x))
        return 0x7fff;
    uint16_t s = signbit(x) ? 0x8000 : 0;
    int mbits = f->prec - 1, bias = (1 << (f->ebits - 1)) - 1;
    double a = fabs(x);
    if (isinf(a))
        return s | (uint16_t)(((1 << f->ebits) - 1) << mbits);
    if (a == 0)
        return s;
    int e;
    frexp(a, &e);
    int q = e - f->prec;
    if (q < f->emin - mbits)
        q = f->emin - mbits;
    double r = ldexp(nearbyint(ldexp(a, -q)), q);
    if (r > f->maxf)
        return s | (uint16_t)(((1 << f->ebits) - 1) << mbits);
    if (r == 0)
        return s;
    frexp(r, &e);
    if (e - 1 < f->emin)
        return s | (uint16_t)ldexp(r, mbits - f->emin);
    return s | (uint16_t)((e - 1 + bias) << mbits) | (uint16_t)(ldexp(r, f->prec - e) - ldexp(1.0, mbits));
}

static const double pool[] = {0.0, -0.0, 1.0, -1.0, 0.5, 1.5, 3.0, 0.1, 1000.0, 60000.0, 6.103515625e-05,
                              5.960464477539063e-08, 2.86102294921875e-06, INFINITY, -INFINITY, NAN, 7.25, -2.75,
                              257.0, 0.333, 2.0, -0.125};
#define NPOOL (sizeof pool / sizeof pool[0])

static uint16_t pick(unsigned i, const struct fmt *f)
{
    return encode_rn(pool[i % NPOOL], f);
}

static uint16_t ref_op(const char *op, uint16_t a, uint16_t b, uint16_t c, const struct fmt *f)
{
    double x = decode(a, f), y = decode(b, f), z = decode(c, f);
    if (!strcmp(op, "neg"))
        return a ^ 0x8000;
    if (!strcmp(op, "abs"))
        return a & 0x7fff;
    if (!strcmp(op, "min") || !strcmp(op, "max")) {
        if (isnan(x) && isnan(y))
            return 0x7fff;
        if (isnan(x))
            return b;
        if (isnan(y))
            return a;
        if (x == y)
            return !strcmp(op, "min") ? (a | b) : (a & b);
        return (!strcmp(op, "min") ? x < y : x > y) ? a : b;
    }
    double r = !strcmp(op, "add") ? x + y : !strcmp(op, "sub") ? x - y : !strcmp(op, "mul") ? x * y : x * y + z;
    return encode_rn(r, f);
}

START_TEST(half_arithmetic)
{
    static const char *types[] = {"f16", "bf16", "f16x2", "bf16x2"};
    static const char *ops[] = {"add", "sub", "mul", "fma", "neg", "abs", "min", "max"};
    th_rec_in in[NPOOL * NPOOL];
    th_rec_out out[NPOOL * NPOOL];
    char name[64];
    for (int t = 0; t < 4; t++) {
        const struct fmt *f = (t & 1) ? &BF16 : &F16;
        int x2 = t >= 2;
        for (int o = 0; o < 8; o++) {
            unsigned n = 0;
            for (unsigned i = 0; i < NPOOL; i++)
                for (unsigned j = 0; j < NPOOL; j++, n++) {
                    uint16_t a = pick(i, f), b = pick(j, f), c = pick(i * 3 + j, f);
                    memset(&in[n], 0, sizeof in[n]);
                    if (x2) { /* the high halves get another combination */
                        in[n].a = (uint32_t)pick(j + 5, f) << 16 | a;
                        in[n].b = (uint32_t)pick(i + 2, f) << 16 | b;
                        in[n].c = (uint32_t)pick(i + j, f) << 16 | c;
                    } else {
                        in[n].a = a;
                        in[n].b = b;
                        in[n].c = c;
                    }
                }
            snprintf(name, sizeof name, "%s_%s", ops[o], types[t]);
            ck_assert_int_eq(th_run(half_mod, name, in, out, n), MU_SUCCESS);
            for (unsigned i = 0; i < n; i++) {
                uint16_t lo = ref_op(ops[o], (uint16_t)in[i].a, (uint16_t)in[i].b, (uint16_t)in[i].c, f);
                uint32_t want = lo;
                if (x2)
                    want |= (uint32_t)ref_op(ops[o], (uint16_t)(in[i].a >> 16), (uint16_t)(in[i].b >> 16),
                                             (uint16_t)(in[i].c >> 16), f) << 16;
                uint32_t got = (uint32_t)out[i].d & (x2 ? 0xffffffffu : 0xffffu);
                ck_assert_msg(got == want, "%s(%#llx, %#llx, %#llx) = %#x, want %#x", name, (unsigned long long)in[i].a,
                              (unsigned long long)in[i].b, (unsigned long long)in[i].c, got, want);
            }
        }
    }
}
END_TEST

START_TEST(half_compare_select_special)
{
    th_rec_in in[NPOOL * NPOOL];
    th_rec_out out[NPOOL * NPOOL];
    static const char *cmps[] = {"lt", "ge", "equ", "nan"};
    char name[64];
    for (int t = 0; t < 2; t++) {
        const struct fmt *f = t ? &BF16 : &F16;
        for (int c = 0; c < 4; c++) {
            unsigned n = 0;
            for (unsigned i = 0; i < NPOOL; i++)
                for (unsigned j = 0; j < NPOOL; j++, n++) {
                    memset(&in[n], 0, sizeof in[n]);
                    in[n].a = pick(i, f);
                    in[n].b = pick(j, f);
                }
            snprintf(name, sizeof name, "setp_%s_%s", cmps[c], t ? "bf16" : "f16");
            ck_assert_int_eq(th_run(half_mod, name, in, out, n), MU_SUCCESS);
            for (unsigned i = 0; i < n; i++) {
                double x = decode((uint16_t)in[i].a, f), y = decode((uint16_t)in[i].b, f);
                int un = isnan(x) || isnan(y);
                int want = c == 0 ? x < y : c == 1 ? x >= y : c == 2 ? (un || x == y) : un;
                ck_assert_msg((int)out[i].d == want, "%s(%g, %g)", name, x, y);
            }
        }
    }
    unsigned n = 0;
    for (unsigned i = 0; i < NPOOL; i++, n++) {
        memset(&in[n], 0, sizeof in[n]);
        in[n].a = (uint32_t)pick(i, &F16) << 16 | pick(i + 1, &F16);
        in[n].b = (uint32_t)pick(i + 2, &F16) << 16 | pick(i + 3, &F16);
    }
    ck_assert_int_eq(th_run(half_mod, "setp_lt_f16x2", in, out, n), MU_SUCCESS);
    for (unsigned i = 0; i < n; i++) {
        int lo = decode((uint16_t)in[i].a, &F16) < decode((uint16_t)in[i].b, &F16);
        int hi = decode((uint16_t)(in[i].a >> 16), &F16) < decode((uint16_t)(in[i].b >> 16), &F16);
        ck_assert_int_eq((int)out[i].d, lo);
        ck_assert_int_eq((int)out[i].p, hi);
    }
    ck_assert_int_eq(th_run(half_mod, "set_gt_f16x2", in, out, n), MU_SUCCESS);
    for (unsigned i = 0; i < n; i++) {
        int lo = decode((uint16_t)in[i].a, &F16) > decode((uint16_t)in[i].b, &F16);
        int hi = decode((uint16_t)(in[i].a >> 16), &F16) > decode((uint16_t)(in[i].b >> 16), &F16);
        ck_assert_uint_eq((uint32_t)out[i].d, (hi ? 0x3c000000u : 0) | (lo ? 0x3c00u : 0));
    }
    ck_assert_int_eq(th_run(half_mod, "set_gt_u32_f16x2", in, out, n), MU_SUCCESS);
    for (unsigned i = 0; i < n; i++) {
        int lo = decode((uint16_t)in[i].a, &F16) > decode((uint16_t)in[i].b, &F16);
        int hi = decode((uint16_t)(in[i].a >> 16), &F16) > decode((uint16_t)(in[i].b >> 16), &F16);
        ck_assert_uint_eq((uint32_t)out[i].d, (hi ? 0xffff0000u : 0) | (lo ? 0xffffu : 0));
    }
    /* sat, relu, ftz, ex2, selp */
    n = 0;
    for (unsigned i = 0; i < NPOOL; i++)
        for (unsigned j = 0; j < 4; j++, n++) {
            in[n].a = pick(i, &F16);
            in[n].b = pick(j + 1, &F16);
            in[n].c = pick(i + j, &F16);
            in[n].e = 0;
        }
    ck_assert_int_eq(th_run(half_mod, "fma_sat_f16", in, out, n), MU_SUCCESS);
    for (unsigned i = 0; i < n; i++) {
        double r = decode((uint16_t)in[i].a, &F16) * decode((uint16_t)in[i].b, &F16) + decode((uint16_t)in[i].c, &F16);
        r = isnan(r) ? 0.0 : r < 0 ? 0.0 : r > 1 ? 1.0 : r;
        ck_assert_uint_eq((uint16_t)out[i].d, encode_rn(r == 0 ? 0.0 : r, &F16));
    }
    ck_assert_int_eq(th_run(half_mod, "fma_relu_f16", in, out, n), MU_SUCCESS);
    for (unsigned i = 0; i < n; i++) {
        double r = decode((uint16_t)in[i].a, &F16) * decode((uint16_t)in[i].b, &F16) + decode((uint16_t)in[i].c, &F16);
        if (!isnan(r) && r < 0)
            r = 0.0;
        ck_assert_uint_eq((uint16_t)out[i].d, encode_rn(r, &F16));
    }
    ck_assert_int_eq(th_run(half_mod, "add_ftz_f16", in, out, n), MU_SUCCESS);
    for (unsigned i = 0; i < n; i++) {
        double x = decode((uint16_t)in[i].a, &F16), y = decode((uint16_t)in[i].b, &F16);
        if (fabs(x) < 6.103515625e-05)
            x = copysign(0.0, x);
        if (fabs(y) < 6.103515625e-05)
            y = copysign(0.0, y);
        uint16_t want = encode_rn(x + y, &F16);
        if ((want & 0x7c00) == 0)
            want &= 0x8000;
        ck_assert_uint_eq((uint16_t)out[i].d, want);
    }
    ck_assert_int_eq(th_run(half_mod, "ex2_f16", in, out, n), MU_SUCCESS);
    for (unsigned i = 0; i < n; i++) {
        double x = decode((uint16_t)in[i].a, &F16), want = exp2(x), got = decode((uint16_t)out[i].d, &F16);
        if (isnan(want))
            ck_assert(isnan(got));
        else if (isinf(want) || want > 65504)
            ck_assert(got == INFINITY);
        else
            ck_assert_msg(fabs(got - want) <= 1e-3 * fabs(want) + 6e-8, "ex2(%g) = %g", x, got);
    }
    for (unsigned i = 0; i < n; i++)
        in[i].c = i % 2;
    ck_assert_int_eq(th_run(half_mod, "selp_f16", in, out, n), MU_SUCCESS);
    for (unsigned i = 0; i < n; i++)
        ck_assert_uint_eq((uint16_t)out[i].d, (uint16_t)(i % 2 ? in[i].a : in[i].b));
}
END_TEST

static uint32_t video(const char *op, uint32_t a, uint32_t b, uint32_t c, int eb, int sgn, int sat, int add)
{
    int bits = 8 * eb, n = 4 / eb;
    int64_t lo = sgn ? -(1ll << (bits - 1)) : 0, hi = sgn ? (1ll << (bits - 1)) - 1 : (1ll << bits) - 1;
    int64_t sum = 0;
    uint32_t packed = 0, em = eb == 1 ? 0xff : 0xffff;
    for (int i = 0; i < n; i++) {
        int64_t x = (a >> (bits * i)) & em, y = (b >> (bits * i)) & em;
        if (sgn) {
            if (x >> (bits - 1))
                x -= 1ll << bits;
            if (y >> (bits - 1))
                y -= 1ll << bits;
        }
        int64_t v = !strncmp(op, "vabsdiff", 8) ? llabs(x - y) : !strncmp(op, "vadd", 4) ? x + y
                    : !strncmp(op, "vsub", 4)   ? x - y
                    : !strncmp(op, "vmin", 4)   ? (x < y ? x : y)
                                                : (x > y ? x : y);
        if (sat)
            v = v < lo ? lo : v > hi ? hi : v;
        sum += v;
        packed |= ((uint32_t)v & em) << (bits * i);
    }
    return add ? (uint32_t)(sum + c) : packed;
}

START_TEST(video_simd)
{
    static const char *ops[] = {"vabsdiff4", "vadd4", "vsub4", "vmin4", "vmax4",
                                "vabsdiff2", "vadd2", "vsub2", "vmin2", "vmax2"};
    static const uint32_t vals[] = {0, 0x01020304, 0xff80017f, 0x7f7f7f7f, 0x80808080, 0xffffffff, 0x12fe34dc,
                                    0x00ff00ff, 0x7fff8000, 0xdeadbeef};
    th_rec_in in[100];
    th_rec_out out[100];
    char name[64];
    for (int o = 0; o < 10; o++)
        for (int s = 0; s < 2; s++)
            for (int v = 0; v < 3; v++) {
                unsigned n = 0;
                for (unsigned i = 0; i < 10; i++)
                    for (unsigned j = 0; j < 10; j++, n++) {
                        in[n].a = vals[i];
                        in[n].b = vals[j];
                        in[n].c = vals[(i + j) % 10];
                        in[n].e = 0;
                    }
                snprintf(name, sizeof name, "%s_%s%s", ops[o], s ? "s32" : "u32", v == 1 ? "_sat" : v == 2 ? "_add" : "");
                ck_assert_int_eq(th_run(half_mod, name, in, out, n), MU_SUCCESS);
                for (unsigned i = 0; i < n; i++) {
                    uint32_t want = video(ops[o], (uint32_t)in[i].a, (uint32_t)in[i].b, (uint32_t)in[i].c,
                                          o < 5 ? 1 : 2, s, v == 1, v == 2);
                    ck_assert_msg((uint32_t)out[i].d == want, "%s(%#x, %#x, %#x) = %#x, want %#x", name,
                                  (unsigned)in[i].a, (unsigned)in[i].b, (unsigned)in[i].c, (unsigned)out[i].d, want);
                }
            }
}
END_TEST

Suite *suite_ptx_half(void)
{
    Suite *s = suite_create("ptx_half");
    TCase *tc = tcase_create("half");
    tcase_add_checked_fixture(tc, half_setup, half_teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, half_arithmetic);
    tcase_add_test(tc, half_compare_select_special);
    tcase_add_test(tc, video_simd);
    suite_add_tcase(s, tc);
    return s;
}
