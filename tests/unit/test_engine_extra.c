/*
 * test_engine_extra.c - the less common forms of tests/ptx/extra.ptx against references
 * written from the PTX ISA's definitions: fns (its pseudocode), float atom/red min and max
 * (NaN and signed-zero rules), FP8 pair conversions (nearest representable value by search,
 * ties to the even code), cvt.pack.sat, redux.sync.{min,max} on f32, and cvta.param.
 */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../ptx/harness.h"

static engine_module *mod;

static void setup(void)
{
    mod = th_load("extra.ptx");
}

static void teardown(void)
{
    engine_module_unload(mod);
}

/* run `name` over n records */
static void run(const char *name, th_rec_in *in, th_rec_out *out, unsigned n)
{
    th_rec_in *din = th_alloc(sizeof *in * n);
    th_rec_out *dout = th_alloc(sizeof *out * n);
    memcpy(din, in, sizeof *in * n);
    memset(dout, 0, sizeof *out * n);
    ck_assert_int_eq(th_run(mod, name, din, dout, n), MU_SUCCESS);
    memcpy(out, dout, sizeof *out * n);
    memcpy(in, din, sizeof *in * n); /* atomics update their cell in place */
    th_free(din);
    th_free(dout);
}

/* --- fns: the ISA's pseudocode --- */

static uint32_t fns_ref(uint32_t mask, uint32_t base, int32_t offset)
{
    uint32_t d = 0xffffffffu;
    if (offset == 0) {
        if (base < 32 && ((mask >> base) & 1))
            d = base;
        return d;
    }
    int pos = (int)base, inc = offset > 0 ? 1 : -1;
    int64_t count = (offset > 0 ? (int64_t)offset : -(int64_t)offset) - 1; /* INT32_MIN too */
    while (pos >= 0 && pos < 32) {
        if ((mask >> pos) & 1) {
            if (count == 0)
                return (uint32_t)pos;
            count--;
        }
        pos += inc;
    }
    return d;
}

START_TEST(extra_fns)
{
    enum { N = 256 };
    th_rec_in in[N];
    th_rec_out out[N];
    static const uint32_t masks[] = {0, 0xffffffffu, 0x80000001u, 0xf0f0f0f0u, 0x12345678u, 1, 0x80000000u, 0x00ff0000u};
    static const int32_t offsets[] = {0, 1, 2, 3, 5, 17, 32, 33, -1, -2, -3, -8, -32, -33, INT32_MIN, INT32_MAX};
    for (unsigned i = 0; i < N; i++) {
        in[i].a = masks[i % 8];
        in[i].b = (i * 7) % 32 + (i % 61 == 0 ? 40 : 0); /* a few bases out of range */
        in[i].c = (uint32_t)offsets[(i / 8) % 16];
    }
    run("fns", in, out, N);
    for (unsigned i = 0; i < N; i++)
        ck_assert_msg((uint32_t)out[i].d == fns_ref((uint32_t)in[i].a, (uint32_t)in[i].b, (int32_t)(uint32_t)in[i].c),
                      "fns(%08x, %u, %d) = %08x", (uint32_t)in[i].a, (uint32_t)in[i].b, (int32_t)(uint32_t)in[i].c,
                      (uint32_t)out[i].d);
}
END_TEST

/* --- float min/max --- */

static uint64_t fminmax_ref(int max, int wide, uint64_t a, uint64_t b)
{
    double x = wide ? th_u2d(a) : th_u2f((uint32_t)a), y = wide ? th_u2d(b) : th_u2f((uint32_t)b);
    if (isnan(x) && isnan(y))
        return wide ? 0x7fffffffffffffffull : 0x7fffffffu;
    if (isnan(x))
        return b;
    if (isnan(y))
        return a;
    if (x == 0 && y == 0) /* -0 < +0 */
        return (signbit(x) != 0) == !max ? a : b;
    return (max ? y > x : y < x) ? b : a;
}

START_TEST(extra_float_atomics)
{
    enum { N = 64 };
    th_rec_in in[N], orig[N];
    th_rec_out out[N];
    static const float vals[] = {1.0f, -1.0f, 0.0f, -0.0f, 3.5f, -7.25f, INFINITY, -INFINITY, NAN, 1e-40f, -1e30f, 2.0f};
    static const char *names[4] = {"atom_min_f32", "atom_max_f32", "red_shared_min_f32", "red_shared_max_f32"};
    for (int k = 0; k < 4; k++) {
        for (unsigned i = 0; i < N; i++) {
            memset(&in[i], 0, sizeof in[i]);
            in[i].a = th_f2u(vals[i % 12]);
            in[i].b = th_f2u(vals[(i / 12 + i) % 12]);
        }
        memcpy(orig, in, sizeof in);
        run(names[k], in, out, N);
        int max = k & 1;
        for (unsigned i = 0; i < N; i++) {
            uint32_t want = (uint32_t)fminmax_ref(max, 0, orig[i].a, orig[i].b);
            if (k < 2)
                ck_assert_uint_eq((uint32_t)out[i].d, (uint32_t)orig[i].a); /* atom returns the old value */
            ck_assert_msg((uint32_t)out[i].p == want, "%s(%a, %a) = %08x, expected %08x", names[k],
                          th_u2f((uint32_t)orig[i].a), th_u2f((uint32_t)orig[i].b), (uint32_t)out[i].p, want);
        }
    }
    static const double dv[] = {1.0, -1.0, 0.0, -0.0, 1e300, -1e-300, INFINITY, NAN};
    for (int k = 0; k < 2; k++) {
        for (unsigned i = 0; i < N; i++) {
            memset(&in[i], 0, sizeof in[i]);
            in[i].a = th_d2u(dv[i % 8]);
            in[i].b = th_d2u(dv[i / 8]);
        }
        memcpy(orig, in, sizeof in);
        run(k ? "atom_max_f64" : "atom_min_f64", in, out, N);
        for (unsigned i = 0; i < N; i++) {
            ck_assert_uint_eq(out[i].d, orig[i].a);
            ck_assert_uint_eq(out[i].p, fminmax_ref(k, 1, orig[i].a, orig[i].b));
        }
    }
}
END_TEST

/* --- FP8 --- */

/* value of an FP8 code: e4m3 (mant 3, bias 7, no infinities, S.1111.111 NaN) or e5m2 (mant 2,
 * bias 15, IEEE specials) */
static double fp8_value(unsigned code, int e5m2)
{
    int mant = e5m2 ? 2 : 3, bias = e5m2 ? 15 : 7;
    unsigned e = (code & 0x7f) >> mant, m = code & ((1u << mant) - 1), emax = (1u << (7 - mant)) - 1;
    double v;
    if (e5m2 && e == emax)
        v = m ? NAN : INFINITY;
    else if (!e5m2 && e == emax && m == (1u << mant) - 1)
        v = NAN;
    else if (e == 0)
        v = ldexp(m, 1 - bias - mant);
    else
        v = ldexp(m + (1u << mant), (int)e - bias - mant);
    return (code & 0x80) ? -v : v;
}

/* f32 -> FP8 with .rn.satfinite: the finite code nearest to x (clamped to the largest), the
 * one with an even mantissa on a tie; NaN -> 0x7f */
static unsigned fp8_ref(float x, int e5m2, int relu)
{
    if (isnan(x))
        return 0x7f;
    if (relu && x < 0)
        x = 0;
    unsigned best = 0;
    double bestd = INFINITY;
    for (unsigned c = 0; c < 256; c++) {
        double v = fp8_value(c, e5m2);
        if (isnan(v) || isinf(v) || (signbit(v) != 0) != (signbit(x) != 0))
            continue;
        double d = fabs(v - (double)x);
        if (isinf(x))
            d = -fabs(v); /* saturates to the largest magnitude */
        if (d < bestd || (d == bestd && !(c & 1))) {
            best = c;
            bestd = d;
        }
    }
    return best;
}

/* f16 bits of a value an f16 represents exactly; NaN -> 0x7fff */
static uint16_t f16_exact(double v)
{
    if (isnan(v))
        return 0x7fff;
    uint16_t s = signbit(v) ? 0x8000 : 0;
    v = fabs(v);
    if (isinf(v))
        return s | 0x7c00;
    if (v == 0)
        return s;
    int e;
    double f = frexp(v, &e); /* v = f * 2^e, f in [0.5, 1) */
    if (e - 1 < -14)         /* subnormal: units of 2^-24 */
        return (uint16_t)(s | (uint16_t)ldexp(v, 24));
    return (uint16_t)(s | (uint16_t)((e - 1 + 15) << 10) | (uint16_t)(ldexp(f, 11) - 1024));
}

static float f16_to_float(uint16_t h)
{
    int e = (h >> 10) & 0x1f, m = h & 0x3ff;
    double v = e == 0x1f ? (m ? NAN : INFINITY) : e ? ldexp(m + 1024, e - 25) : ldexp(m, -24);
    return (float)((h & 0x8000) ? -v : v);
}

START_TEST(extra_fp8)
{
    enum { N = 512 };
    static th_rec_in in[N];
    static th_rec_out out[N];
    static const float edges[] = {0.0f, -0.0f, 1.0f, -1.5f, 448.0f, 449.0f, 464.0f, 480.0f, 500.0f, 57344.0f, 61440.0f,
                                  1e6f, INFINITY, -INFINITY, NAN, 0x1p-9f, 0x1p-10f, 0x3p-10f, 0x1p-16f, 0x1p-17f,
                                  0x3p-17f, 0x1.1p-6f, 3.14159f, -2.71828f, 0.1f, 240.0f, 232.0f, 0x1.ep7f};
    const unsigned nedges = sizeof edges / sizeof edges[0];
    uint32_t s = 12345;
    for (unsigned i = 0; i < N; i++) {
        float a, b;
        if (i < nedges * 2) {
            a = edges[i % nedges];
            b = -edges[(i * 5 + 3) % nedges];
        } else {
            s = s * 1664525u + 1013904223u;
            a = ldexpf((float)(s >> 8) / 16777216.0f, (int)(s % 40) - 20) * (s & 1 ? -1 : 1);
            s = s * 1664525u + 1013904223u;
            b = ldexpf((float)(s >> 8) / 16777216.0f, (int)(s % 40) - 20);
        }
        memset(&in[i], 0, sizeof in[i]);
        in[i].a = th_f2u(a);
        in[i].b = th_f2u(b);
    }
    static const char *to[4] = {"to_e4m3", "to_e4m3_relu", "to_e5m2", "to_e5m2_relu"};
    for (int k = 0; k < 4; k++) {
        int e5 = k >= 2, relu = k & 1;
        run(to[k], in, out, N);
        for (unsigned i = 0; i < N; i++) {
            float a = th_u2f((uint32_t)in[i].a), b = th_u2f((uint32_t)in[i].b);
            unsigned want = fp8_ref(a, e5, relu) << 8 | fp8_ref(b, e5, relu);
            ck_assert_msg((uint16_t)out[i].d == want, "%s(%a, %a) = %04x, expected %04x", to[k], a, b,
                          (unsigned)(uint16_t)out[i].d, want);
        }
    }
    /* from f16x2: the halves are converted exactly to f32 first */
    for (int k = 0; k < 2; k++) {
        for (unsigned i = 0; i < N; i++) {
            s = s * 1664525u + 1013904223u;
            in[i].a = (s & 0x7fff7fffu) | (i & 1 ? 0x80000000u : 0) | (i & 2 ? 0x8000u : 0);
        }
        run(k ? "to_e5m2_h2" : "to_e4m3_h2", in, out, N);
        for (unsigned i = 0; i < N; i++) {
            uint32_t h2 = (uint32_t)in[i].a;
            unsigned want = fp8_ref(f16_to_float((uint16_t)(h2 >> 16)), k, 0) << 8 | fp8_ref(f16_to_float((uint16_t)h2), k, 0);
            ck_assert_msg((uint16_t)out[i].d == want, "to fp8 from f16x2 %08x = %04x, expected %04x", h2,
                          (unsigned)(uint16_t)out[i].d, want);
        }
    }
    /* every code pair back to f16x2, exactly */
    static const char *from[4] = {"from_e4m3", "from_e4m3_relu", "from_e5m2", "from_e5m2_relu"};
    for (int k = 0; k < 4; k++) {
        int e5 = k >= 2, relu = k & 1;
        for (unsigned i = 0; i < 256; i++)
            in[i].a = (uint64_t)(i << 8 | (255 - i));
        run(from[k], in, out, 256);
        for (unsigned i = 0; i < 256; i++) {
            unsigned hi = i, lo = 255 - i;
            if (relu && (hi == 0x80 || lo == 0x80))
                continue; /* relu of -0: not pinned down by the ISA */
            double vh = fp8_value(hi, e5), vl = fp8_value(lo, e5);
            if (relu) {
                vh = vh < 0 ? 0 : vh;
                vl = vl < 0 ? 0 : vl;
            }
            uint32_t want = (uint32_t)f16_exact(vh) << 16 | f16_exact(vl);
            ck_assert_msg((uint32_t)out[i].d == want, "%s(%04x) = %08x, expected %08x", from[k], (unsigned)in[i].a,
                          (uint32_t)out[i].d, want);
        }
    }
}
END_TEST

/* --- cvt.pack --- */

START_TEST(extra_pack)
{
    enum { N = 64 };
    th_rec_in in[N];
    th_rec_out out[N];
    static const int32_t v[] = {0, 1, -1, 127, 128, -128, -129, 255, 256, 32767, 32768, -32768, -32769, 65535, 65536,
                                INT32_MIN, INT32_MAX, 42};
    for (unsigned i = 0; i < N; i++) {
        in[i].a = (uint32_t)v[i % 18];
        in[i].b = (uint32_t)v[(i * 7 + 5) % 18];
        in[i].c = 0xabcd0000u + i;
    }
    static const struct {
        const char *name;
        int bits, sgn;
    } t[4] = {{"pack_u8", 8, 0}, {"pack_s8", 8, 1}, {"pack_u16", 16, 0}, {"pack_s16", 16, 1}};
    for (int k = 0; k < 4; k++) {
        run(t[k].name, in, out, N);
        long long lo = t[k].sgn ? -(1ll << (t[k].bits - 1)) : 0, hi = t[k].sgn ? (1ll << (t[k].bits - 1)) - 1 : (1ll << t[k].bits) - 1;
        for (unsigned i = 0; i < N; i++) {
            long long a = (int32_t)(uint32_t)in[i].a, b = (int32_t)(uint32_t)in[i].b;
            a = a < lo ? lo : a > hi ? hi : a;
            b = b < lo ? lo : b > hi ? hi : b;
            uint32_t m = (uint32_t)((1ull << t[k].bits) - 1);
            uint32_t want = ((uint32_t)a & m) << t[k].bits | ((uint32_t)b & m);
            if (t[k].bits == 8)
                want |= (uint32_t)in[i].c << 16;
            ck_assert_msg((uint32_t)out[i].d == want, "%s(%d, %d) = %08x, expected %08x", t[k].name,
                          (int32_t)(uint32_t)in[i].a, (int32_t)(uint32_t)in[i].b, (uint32_t)out[i].d, want);
        }
    }
}
END_TEST

/* --- redux.sync on f32 --- */

START_TEST(extra_redux_f32)
{
    th_rec_in in[32];
    th_rec_out out[32];
    static const char *names[5] = {"redux_min", "redux_max", "redux_max_abs", "redux_min_nan", "redux_max_abs_nan"};
    for (int pattern = 0; pattern < 4; pattern++) {
        for (unsigned l = 0; l < 32; l++) {
            float v = pattern == 0 ? (float)((int)(l * 7) % 13 - 6) * 0.5f
                    : pattern == 1 ? (l == 5 ? NAN : l == 9 ? -0.0f : l == 11 ? 0.0f : -100.0f + (float)l)
                    : pattern == 2 ? NAN
                                   : (l % 2 ? -0.0f : 0.0f);
            memset(&in[l], 0, sizeof in[l]);
            in[l].a = th_f2u(v);
        }
        for (int k = 0; k < 5; k++) {
            run(names[k], in, out, 32);
            int max = k != 0 && k != 3, absv = k == 2 || k == 4, nanp = k >= 3;
            /* reference: a fold with min/max's rules, NaNs skipped unless .NaN */
            int have = 0, nan = 0;
            float acc = 0;
            for (unsigned l = 0; l < 32; l++) {
                float x = th_u2f((uint32_t)in[l].a);
                if (absv)
                    x = fabsf(x);
                if (isnan(x)) {
                    nan = 1;
                    continue;
                }
                int better = !have || (x == acc ? (max ? !signbit(x) && signbit(acc) : signbit(x) && !signbit(acc))
                                                : (max ? x > acc : x < acc));
                if (better)
                    acc = x;
                have = 1;
            }
            uint32_t want = (!have || (nan && nanp)) ? 0x7fffffffu : th_f2u(acc);
            for (unsigned l = 0; l < 32; l++)
                ck_assert_msg((uint32_t)out[l].d == want, "%s pattern %d lane %u: %08x, expected %08x", names[k], pattern,
                              l, (uint32_t)out[l].d, want);
        }
    }
}
END_TEST

START_TEST(extra_cvta_param)
{
    uint32_t *out = th_alloc(32);
    uint32_t blob[4] = {11, 22, 33, 44};
    void *args[] = {&out, blob};
    ck_assert_int_eq(th_launch(mod, "cvta_param", th_dim(1, 1, 1), th_dim(32, 1, 1), 0, args), MU_SUCCESS);
    ck_assert_uint_eq(out[0], 22);
    ck_assert_uint_eq(out[1], 33);
    ck_assert_uint_eq(out[2], 1);
    ck_assert_uint_eq(out[3], 0);
    ck_assert_uint_eq(out[4], 1);
    /* the bare mov'd address read generically, and ld.param through a generic address (nvcc
     * emits both for __grid_constant__ parameters) */
    ck_assert_uint_eq(out[5], 44);
    ck_assert_uint_eq(out[6], 33);
    th_free(out);
}
END_TEST

Suite *suite_engine_extra(void)
{
    Suite *s = suite_create("engine_extra");
    TCase *tc = tcase_create("extra");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, extra_fns);
    tcase_add_test(tc, extra_float_atomics);
    tcase_add_test(tc, extra_fp8);
    tcase_add_test(tc, extra_pack);
    tcase_add_test(tc, extra_redux_f32);
    tcase_add_test(tc, extra_cvta_param);
    suite_add_tcase(s, tc);
    return s;
}
