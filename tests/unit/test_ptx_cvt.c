/*
 * test_ptx_cvt.c - conformance of cvt (tests/ptx/cvt.ptx).
 *
 * Integer narrowing/widening with and without .sat; float to integer with .rni/.rzi/.rmi/.rpi,
 * clamping and NaN -> 0; integer to float and f64 to f32 in every rounding mode; f16/bf16 in
 * both directions (references computed exactly by scaling and rounding in double); rounding
 * to integral floats; .sat, .ftz, tf32 and packed f16x2/bf16x2 results.
 */
#include <check.h>
#include <fenv.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "../ptx/harness.h"

static engine_module *cvt_mod;

static void cvt_setup(void)
{
    cvt_mod = th_load("cvt.ptx");
}

static void cvt_teardown(void)
{
    engine_module_unload(cvt_mod);
}

struct ity {
    const char *name;
    unsigned bits, reg_bits;
    int sgn;
};
static const struct ity itys[] = {{"u8", 8, 16, 0},   {"s8", 8, 16, 1},   {"u16", 16, 16, 0}, {"s16", 16, 16, 1},
                                  {"u32", 32, 32, 0}, {"s32", 32, 32, 1}, {"u64", 64, 64, 0}, {"s64", 64, 64, 1}};

static uint64_t mask_of(unsigned bits)
{
    return bits >= 64 ? ~0ull : (1ull << bits) - 1;
}

/* value of an integer of `t` held in a register: truncate, then extend by signedness */
static uint64_t as_reg(__int128 v, const struct ity *t)
{
    uint64_t u = (uint64_t)v & mask_of(t->bits);
    if (t->sgn && t->bits < 64 && ((u >> (t->bits - 1)) & 1))
        u |= ~mask_of(t->bits);
    return u & mask_of(t->reg_bits);
}

static __int128 int_value(uint64_t raw, const struct ity *t)
{
    raw &= mask_of(t->bits);
    if (t->sgn && t->bits < 64 && ((raw >> (t->bits - 1)) & 1))
        return (__int128)(int64_t)(raw | ~mask_of(t->bits));
    if (t->sgn && t->bits == 64)
        return (__int128)(int64_t)raw;
    return (__int128)raw;
}

static __int128 lo_of(const struct ity *t)
{
    return t->sgn ? -((__int128)1 << (t->bits - 1)) : 0;
}
static __int128 hi_of(const struct ity *t)
{
    return t->sgn ? ((__int128)1 << (t->bits - 1)) - 1 : ((__int128)1 << t->bits) - 1;
}

START_TEST(cvt_int_int)
{
    static const uint64_t vals[] = {0, 1, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x12345678, 0x7fffffff,
                                    0x80000000u, 0xffffffffu, 0x123456789abull, 0x7fffffffffffffffull,
                                    0x8000000000000000ull, ~0ull, 0xfffffffffffffff0ull};
    unsigned nv = sizeof vals / sizeof vals[0];
    th_rec_in in[32];
    th_rec_out out[32];
    char name[64];
    for (int d = 0; d < 8; d++)
        for (int s = 0; s < 8; s++) {
            if (d == s)
                continue;
            for (unsigned i = 0; i < nv; i++) {
                memset(&in[i], 0, sizeof in[i]);
                in[i].a = vals[i];
            }
            for (int sat = 0; sat < 2; sat++) {
                snprintf(name, sizeof name, "%s_%s_%s", sat ? "cvtsat" : "cvt", itys[d].name, itys[s].name);
                ck_assert_int_eq(th_run(cvt_mod, name, in, out, nv), MU_SUCCESS);
                for (unsigned i = 0; i < nv; i++) {
                    /* the source register holds reg_bits of the input */
                    __int128 v = int_value(in[i].a & mask_of(itys[s].reg_bits), &itys[s]);
                    if (sat)
                        v = v < lo_of(&itys[d]) ? lo_of(&itys[d]) : v > hi_of(&itys[d]) ? hi_of(&itys[d]) : v;
                    uint64_t want = as_reg(v, &itys[d]);
                    uint64_t got = out[i].d & mask_of(itys[d].reg_bits);
                    ck_assert_msg(got == want, "%s(%#llx) = %#llx, want %#llx", name, (unsigned long long)in[i].a,
                                  (unsigned long long)got, (unsigned long long)want);
                }
            }
        }
    th_rec_in x[2] = {{0xffffff80u, 0, 0, 0}, {0x1234ff7fu, 0, 0, 0}};
    ck_assert_int_eq(th_run(cvt_mod, "cvt_s32_s8_r32", x, out, 2), MU_SUCCESS);
    ck_assert_int_eq((int32_t)out[0].d, -128);
    ck_assert_int_eq((int32_t)out[1].d, 127);
    ck_assert_int_eq(th_run(cvt_mod, "cvt_u64_u16_r32", x, out, 2), MU_SUCCESS);
    ck_assert(out[0].d == 0xff80u && out[1].d == 0xff7fu);
}
END_TEST

static double round_mode(double v, const char *r)
{
    if (!strcmp(r, "rni"))
        return nearbyint(v);
    if (!strcmp(r, "rmi"))
        return floor(v);
    if (!strcmp(r, "rpi"))
        return ceil(v);
    return trunc(v);
}

START_TEST(cvt_float_int)
{
    static const double vals[] = {0.0, -0.0, 0.4, 0.5, 1.5, 2.5, -0.5, -1.5, -2.7, 3.7, 127.5, 128.0, -129.0,
                                  255.9, 65535.5, -32768.6, 2147483647.0, 2147483648.0, -2147483649.0,
                                  4294967296.0, 9.3e18, -9.3e18, 1.9e19, INFINITY, -INFINITY, NAN, 1e-40};
    unsigned nv = sizeof vals / sizeof vals[0];
    static const char *rs[] = {"rni", "rzi", "rmi", "rpi"};
    th_rec_in in[32];
    th_rec_out out[32];
    char name[64];
    for (int is64 = 0; is64 < 2; is64++)
        for (int d = 0; d < 8; d++)
            for (int r = 0; r < 4; r++) {
                for (unsigned i = 0; i < nv; i++) {
                    memset(&in[i], 0, sizeof in[i]);
                    in[i].a = is64 ? th_d2u(vals[i]) : th_f2u((float)vals[i]);
                }
                snprintf(name, sizeof name, "cvt_%s_%s_%s", rs[r], itys[d].name, is64 ? "f64" : "f32");
                ck_assert_int_eq(th_run(cvt_mod, name, in, out, nv), MU_SUCCESS);
                for (unsigned i = 0; i < nv; i++) {
                    double x = is64 ? vals[i] : (double)(float)vals[i];
                    __int128 v;
                    if (isnan(x))
                        v = 0;
                    else {
                        double rr = round_mode(x, rs[r]);
                        if (rr <= (double)lo_of(&itys[d]))
                            v = lo_of(&itys[d]);
                        else if (rr >= (double)hi_of(&itys[d]))
                            v = hi_of(&itys[d]);
                        else
                            v = (__int128)rr;
                    }
                    uint64_t want = as_reg(v, &itys[d]);
                    uint64_t got = out[i].d & mask_of(itys[d].reg_bits);
                    ck_assert_msg(got == want, "%s(%g) = %#llx, want %#llx", name, x, (unsigned long long)got,
                                  (unsigned long long)want);
                }
            }
}
END_TEST

static int fe_of(const char *r)
{
    return !strcmp(r, "rz") ? FE_TOWARDZERO : !strcmp(r, "rm") ? FE_DOWNWARD : !strcmp(r, "rp") ? FE_UPWARD : FE_TONEAREST;
}

START_TEST(cvt_int_float)
{
    static const uint64_t vals[] = {0, 1, 3, 0x7f, 0x80, 0xff, 0x1000001, 0x7fffffff, 0x80000000u, 0xffffffffu,
                                    0x20000000000001ull, 0x7fffffffffffffffull, 0x8000000000000000ull, ~0ull,
                                    0xfffffffffffffffdull, 12345678901ull};
    unsigned nv = sizeof vals / sizeof vals[0];
    static const char *ss[] = {"s32", "u32", "s64", "u64", "s16", "u8"};
    static const int si[] = {5, 4, 7, 6, 3, 0};
    static const char *rs[] = {"rn", "rz", "rm", "rp"};
    th_rec_in in[32];
    th_rec_out out[32];
    char name[64];
    for (int is64 = 0; is64 < 2; is64++)
        for (int s = 0; s < 6; s++)
            for (int r = 0; r < 4; r++) {
                for (unsigned i = 0; i < nv; i++) {
                    memset(&in[i], 0, sizeof in[i]);
                    in[i].a = vals[i];
                }
                snprintf(name, sizeof name, "cvt_%s_%s_%s", rs[r], is64 ? "f64" : "f32", ss[s]);
                ck_assert_int_eq(th_run(cvt_mod, name, in, out, nv), MU_SUCCESS);
                const struct ity *t = &itys[si[s]];
                for (unsigned i = 0; i < nv; i++) {
                    __int128 v = int_value(in[i].a & mask_of(t->reg_bits), t);
                    fesetround(fe_of(rs[r]));
                    volatile double vd;
                    volatile float vf;
                    if (t->sgn) {
                        volatile int64_t x = (int64_t)v;
                        vd = (double)x;
                        vf = (float)x;
                    } else {
                        /* through long double, which holds any uint64 exactly (a direct
                         * conversion may compute -0 for 0 when rounding down) */
                        volatile long double x = (long double)(uint64_t)v;
                        vd = (double)x;
                        vf = (float)x;
                    }
                    fesetround(FE_TONEAREST);
                    if (is64)
                        ck_assert_msg(out[i].d == th_d2u(vd), "%s(%#llx) = %a, want %a", name,
                                      (unsigned long long)in[i].a, th_u2d(out[i].d), vd);
                    else
                        ck_assert_msg((uint32_t)out[i].d == th_f2u(vf), "%s(%#llx) = %a, want %a", name,
                                      (unsigned long long)in[i].a, th_u2f((uint32_t)out[i].d), (double)vf);
                }
            }
}
END_TEST

/* x rounded to a binary format with `prec` significand bits and minimum normal exponent emin
 * (subnormals below), exactly, in the given mode; overflow to inf or the largest finite. */
static double round_fmt(double x, int prec, int emin, double maxf, const char *r)
{
    if (isnan(x) || isinf(x) || x == 0)
        return x;
    int e;
    frexp(x, &e);          /* |x| in [2^(e-1), 2^e) */
    int q = e - prec;      /* exponent of the last kept bit */
    if (q < emin - prec + 1)
        q = emin - prec + 1;
    double s = ldexp(x, -q), k;
    if (!strcmp(r, "rz"))
        k = trunc(s);
    else if (!strcmp(r, "rm"))
        k = floor(s);
    else if (!strcmp(r, "rp"))
        k = ceil(s);
    else
        k = nearbyint(s);
    double v = ldexp(k, q);
    if (fabs(v) > maxf) {
        int to_inf = !strcmp(r, "rn") || (!strcmp(r, "rp") && v > 0) || (!strcmp(r, "rm") && v < 0);
        v = to_inf ? copysign(INFINITY, x) : copysign(maxf, x);
    }
    return v;
}

static uint16_t fmt_bits(double v, int prec, int emin, int ebits)
{
    uint16_t s = signbit(v) ? 0x8000 : 0;
    double a = fabs(v);
    int mbits = prec - 1, bias = (1 << (ebits - 1)) - 1;
    if (isnan(v))
        return 0x7fff;
    if (isinf(a))
        return s | (uint16_t)(((1 << ebits) - 1) << mbits);
    if (a == 0)
        return s;
    int e;
    frexp(a, &e);
    if (e - 1 < emin)
        return s | (uint16_t)ldexp(a, mbits - emin);
    return s | (uint16_t)((e - 1 + bias) << mbits) | (uint16_t)(ldexp(a, prec - e) - ldexp(1.0, mbits));
}

START_TEST(cvt_float_float)
{
    static const double vals[] = {0.0, -0.0, 1.0, -1.5, 0.1, 1.0 / 3.0, 65504.0, 65519.99, 65520.0, 1e6, -1e6,
                                  6.1e-5, 6.0e-8, 2.9e-8, 3.0e-8, 1e-10, 3.4e38, 3.5e38, 1e-45, -1e-39, 2.5, 3.5,
                                  0.999999, INFINITY, -INFINITY, NAN, 1.00048828125, 1.000732421875};
    unsigned nv = sizeof vals / sizeof vals[0];
    static const char *rs[] = {"rn", "rz", "rm", "rp"};
    th_rec_in in[32];
    th_rec_out out[32];
    char name[64];
    for (int r = 0; r < 4; r++) {
        for (unsigned i = 0; i < nv; i++) {
            memset(&in[i], 0, sizeof in[i]);
            in[i].a = th_d2u(vals[i]);
        }
        snprintf(name, sizeof name, "cvt_%s_f32_f64", rs[r]);
        ck_assert_int_eq(th_run(cvt_mod, name, in, out, nv), MU_SUCCESS);
        for (unsigned i = 0; i < nv; i++) {
            fesetround(fe_of(rs[r]));
            volatile double x = vals[i];
            volatile float f = (float)x;
            fesetround(FE_TONEAREST);
            uint32_t want = isnan(f) ? 0x7fffffffu : th_f2u(f);
            ck_assert_msg((uint32_t)out[i].d == want, "%s(%a)", name, vals[i]);
        }
        snprintf(name, sizeof name, "cvt_%s_f16_f64", rs[r]);
        ck_assert_int_eq(th_run(cvt_mod, name, in, out, nv), MU_SUCCESS);
        for (unsigned i = 0; i < nv; i++) {
            uint16_t want = fmt_bits(round_fmt(vals[i], 11, -14, 65504.0, rs[r]), 11, -14, 5);
            ck_assert_msg((uint16_t)out[i].d == want, "%s(%a) = %#x, want %#x", name, vals[i], (unsigned)(uint16_t)out[i].d, want);
        }
        for (unsigned i = 0; i < nv; i++)
            in[i].a = th_f2u((float)vals[i]);
        snprintf(name, sizeof name, "cvt_%s_f16_f32", rs[r]);
        ck_assert_int_eq(th_run(cvt_mod, name, in, out, nv), MU_SUCCESS);
        for (unsigned i = 0; i < nv; i++) {
            double x = (float)vals[i];
            uint16_t want = fmt_bits(round_fmt(x, 11, -14, 65504.0, rs[r]), 11, -14, 5);
            ck_assert_msg((uint16_t)out[i].d == want, "%s(%a) = %#x, want %#x", name, x, (unsigned)(uint16_t)out[i].d, want);
        }
        snprintf(name, sizeof name, "cvt_%s_bf16_f32", rs[r]);
        ck_assert_int_eq(th_run(cvt_mod, name, in, out, nv), MU_SUCCESS);
        for (unsigned i = 0; i < nv; i++) {
            double x = (float)vals[i];
            uint16_t want = fmt_bits(round_fmt(x, 8, -126, 3.3895313892515355e38, rs[r]), 8, -126, 8);
            ck_assert_msg((uint16_t)out[i].d == want, "%s(%a) = %#x, want %#x", name, x, (unsigned)(uint16_t)out[i].d, want);
        }
    }
    /* widening is exact */
    for (unsigned i = 0; i < nv; i++)
        in[i].a = th_f2u((float)vals[i]);
    ck_assert_int_eq(th_run(cvt_mod, "cvt_f64_f32", in, out, nv), MU_SUCCESS);
    for (unsigned i = 0; i < nv; i++) {
        double want = (float)vals[i];
        ck_assert(isnan(want) ? out[i].d == 0x7fffffffffffffffull : out[i].d == th_d2u(want));
    }
    static const uint16_t halves[] = {0x0000, 0x8000, 0x3c00, 0xc000, 0x0001, 0x03ff, 0x0400, 0x7bff, 0x7c00, 0xfc00, 0x7e00, 0x3555};
    unsigned nh = sizeof halves / sizeof halves[0];
    for (unsigned i = 0; i < nh; i++)
        in[i].a = halves[i];
    ck_assert_int_eq(th_run(cvt_mod, "cvt_f32_f16", in, out, nh), MU_SUCCESS);
    for (unsigned i = 0; i < nh; i++) {
        uint16_t h = halves[i];
        int e = (h >> 10) & 31, mnt = h & 1023;
        double v = e == 0 ? ldexp(mnt, -24) : e == 31 ? (mnt ? NAN : INFINITY) : ldexp(1024 + mnt, e - 25);
        if (h & 0x8000)
            v = -v;
        float got = th_u2f((uint32_t)out[i].d);
        ck_assert_msg(isnan(v) ? isnan(got) : got == (float)v && !signbit(got) == !signbit(v), "cvt.f32.f16(%#x)", h);
    }
    ck_assert_int_eq(th_run(cvt_mod, "cvt_f32_bf16", in, out, nh), MU_SUCCESS);
    for (unsigned i = 0; i < nh; i++)
        ck_assert_uint_eq((uint32_t)out[i].d, (uint32_t)halves[i] << 16);
}
END_TEST

START_TEST(cvt_integral_sat_ftz_packed)
{
    static const float vals[] = {0.0f, -0.0f, 0.5f, 1.5f, 2.5f, -0.5f, -2.5f, 1e10f, -3.7f, 0.49999997f, NAN, INFINITY, 1e-40f, 1.25f};
    unsigned nv = sizeof vals / sizeof vals[0];
    th_rec_in in[32];
    th_rec_out out[32];
    static const char *rs[] = {"rni", "rzi", "rmi", "rpi"};
    char name[64];
    for (int r = 0; r < 4; r++) {
        for (unsigned i = 0; i < nv; i++) {
            memset(&in[i], 0, sizeof in[i]);
            in[i].a = th_f2u(vals[i]);
        }
        snprintf(name, sizeof name, "cvt_%s_f32_f32", rs[r]);
        ck_assert_int_eq(th_run(cvt_mod, name, in, out, nv), MU_SUCCESS);
        for (unsigned i = 0; i < nv; i++) {
            float want = (float)round_mode(vals[i], rs[r]);
            ck_assert_msg((uint32_t)out[i].d == (isnan(want) ? 0x7fffffffu : th_f2u(want)), "%s(%a)", name, (double)vals[i]);
        }
        for (unsigned i = 0; i < nv; i++)
            in[i].a = th_d2u((double)vals[i] * 1.0000001);
        snprintf(name, sizeof name, "cvt_%s_f64_f64", rs[r]);
        ck_assert_int_eq(th_run(cvt_mod, name, in, out, nv), MU_SUCCESS);
        for (unsigned i = 0; i < nv; i++) {
            double want = round_mode(th_u2d(in[i].a), rs[r]);
            ck_assert(isnan(want) ? out[i].d == 0x7fffffffffffffffull : out[i].d == th_d2u(want));
        }
    }
    for (unsigned i = 0; i < nv; i++)
        in[i].a = th_f2u(vals[i]);
    ck_assert_int_eq(th_run(cvt_mod, "cvt_sat_f32_f32", in, out, nv), MU_SUCCESS);
    for (unsigned i = 0; i < nv; i++) {
        float v = vals[i], want = isnan(v) ? 0.0f : v < 0.0f ? 0.0f : v > 1.0f ? 1.0f : v;
        if (want == 0.0f)
            want = 0.0f;
        ck_assert_msg((uint32_t)out[i].d == th_f2u(want), "cvt.sat(%a) = %#x", (double)v, (unsigned)out[i].d);
    }
    ck_assert_int_eq(th_run(cvt_mod, "cvt_ftz_f32_f32", in, out, nv), MU_SUCCESS);
    for (unsigned i = 0; i < nv; i++) {
        float v = vals[i];
        if (isnan(v))
            continue;
        float want = fpclassify(v) == FP_SUBNORMAL ? copysignf(0.0f, v) : v;
        ck_assert_uint_eq((uint32_t)out[i].d, th_f2u(want));
    }
    ck_assert_int_eq(th_run(cvt_mod, "cvt_rna_tf32_f32", in, out, nv), MU_SUCCESS);
    for (unsigned i = 0; i < nv; i++) {
        float v = vals[i];
        if (isnan(v) || isinf(v))
            continue;
        /* keep 10 explicit significand bits, ties away from zero */
        int e;
        frexpf(v, &e);
        float q = ldexpf(1.0f, e - 11);
        float k = v == 0 ? v : copysignf(floorf(fabsf(v) / q + 0.5f), v) * q;
        if (fpclassify(v) == FP_SUBNORMAL)
            k = v; /* below the tf32 normal range the low bits are kept as rounded by the mask */
        if (fpclassify(v) != FP_SUBNORMAL)
            ck_assert_msg((uint32_t)out[i].d == th_f2u(k), "tf32(%a) = %#x", (double)v, (unsigned)out[i].d);
    }
    for (unsigned i = 0; i < nv; i++)
        in[i].b = th_f2u(vals[(i + 3) % nv]);
    ck_assert_int_eq(th_run(cvt_mod, "cvt_rn_f16x2_f32", in, out, nv), MU_SUCCESS);
    for (unsigned i = 0; i < nv; i++) {
        uint16_t hi = fmt_bits(round_fmt(vals[i], 11, -14, 65504.0, "rn"), 11, -14, 5);
        uint16_t lo = fmt_bits(round_fmt(vals[(i + 3) % nv], 11, -14, 65504.0, "rn"), 11, -14, 5);
        ck_assert_uint_eq((uint32_t)out[i].d, (uint32_t)hi << 16 | lo);
    }
    ck_assert_int_eq(th_run(cvt_mod, "cvt_rn_relu_bf16x2_f32", in, out, nv), MU_SUCCESS);
    for (unsigned i = 0; i < nv; i++) {
        float a = vals[i], b = vals[(i + 3) % nv];
        a = a < 0 ? 0.0f : a;
        b = b < 0 ? 0.0f : b;
        uint16_t hi = fmt_bits(round_fmt(a, 8, -126, 3.3895313892515355e38, "rn"), 8, -126, 8);
        uint16_t lo = fmt_bits(round_fmt(b, 8, -126, 3.3895313892515355e38, "rn"), 8, -126, 8);
        ck_assert_msg((uint32_t)out[i].d == ((uint32_t)hi << 16 | lo), "bf16x2.relu(%a, %a) = %#x", (double)a, (double)b,
                      (unsigned)out[i].d);
    }
}
END_TEST

Suite *suite_ptx_cvt(void)
{
    Suite *s = suite_create("ptx_cvt");
    TCase *tc = tcase_create("cvt");
    tcase_add_checked_fixture(tc, cvt_setup, cvt_teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, cvt_int_int);
    tcase_add_test(tc, cvt_float_int);
    tcase_add_test(tc, cvt_int_float);
    tcase_add_test(tc, cvt_float_float);
    tcase_add_test(tc, cvt_integral_sat_ftz_packed);
    suite_add_tcase(s, tc);
    return s;
}
