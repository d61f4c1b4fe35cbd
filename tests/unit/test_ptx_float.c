/*
 * test_ptx_float.c - conformance of f32/f64 arithmetic and special functions (float.ptx).
 *
 * Correctly rounded operations (add sub mul fma div sqrt rcp with .rn/.rz/.rm/.rp) are checked
 * bit for bit against the host computing in the same rounding mode; NaN results must be the
 * GPU's canonical NaN (0x7fffffff / 0x7fffffffffffffff); .ftz flushes subnormal inputs and
 * results to signed zero; .sat clamps to [0, 1] with NaN -> 0; min/max return the non-NaN
 * operand and order -0 below +0.  The .approx functions are checked against double-precision
 * references within the PTX ISA's stated error bounds, and exactly at special values.
 */
#include <check.h>
#include <fenv.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "../ptx/harness.h"

static engine_module *flt_mod;

static void flt_setup(void)
{
    flt_mod = th_load("float.ptx");
}

static void flt_teardown(void)
{
    engine_module_unload(flt_mod);
}

#define CANON32 0x7fffffffu
#define CANON64 0x7fffffffffffffffull

static const uint32_t f32_vals[] = {
    0x00000000, 0x80000000, 0x3f800000, 0xbf800000, 0x3f000000, 0x3fc00000, 0x40400000, 0xc0100000,
    0x3dcccccd, 0x3eaaaaab, 0x00000001, 0x80000002, 0x007fffff, 0x00800000, 0x7f7fffff, 0xff7fffff,
    0x7f800000, 0xff800000, 0x7fc00000, 0x7f800001, 0x4b800001, 0x501502f9, 0xb89d4952, 0x00c00000,
    0x3f7fffff, 0x33800000, 0x4b7fffff, 0x3c23d70a};
#define NF32 (sizeof f32_vals / sizeof f32_vals[0])

static const uint64_t f64_vals[] = {
    0x0000000000000000ull, 0x8000000000000000ull, 0x3ff0000000000000ull, 0xbff0000000000000ull,
    0x3fe0000000000000ull, 0x3ff8000000000000ull, 0x4008000000000000ull, 0xc002000000000000ull,
    0x3fb999999999999aull, 0x3fd5555555555555ull, 0x0000000000000001ull, 0x800000000000000full,
    0x000fffffffffffffull, 0x0010000000000000ull, 0x7fefffffffffffffull, 0xffefffffffffffffull,
    0x7ff0000000000000ull, 0xfff0000000000000ull, 0x7ff8000000000000ull, 0x7ff0000000000001ull,
    0x4340000000000001ull, 0x3ca0000000000000ull, 0x3fefffffffffffffull, 0x41dfffffffc00000ull};
#define NF64 (sizeof f64_vals / sizeof f64_vals[0])

enum op { ADD, SUB, MUL, DIV, FMA, SQRT, RCP };

static int fe(const char *r)
{
    if (!strcmp(r, "rz"))
        return FE_TOWARDZERO;
    if (!strcmp(r, "rm"))
        return FE_DOWNWARD;
    if (!strcmp(r, "rp"))
        return FE_UPWARD;
    return FE_TONEAREST;
}

static uint32_t ref32(enum op op, uint32_t a, uint32_t b, uint32_t c, int mode)
{
    volatile float x = th_u2f(a), y = th_u2f(b), z = th_u2f(c);
    volatile float r;
    fesetround(mode);
    switch (op) {
    case ADD: r = x + y; break;
    case SUB: r = x - y; break;
    case MUL: r = x * y; break;
    case DIV: r = x / y; break;
    case FMA: r = fmaf(x, y, z); break;
    case SQRT: r = sqrtf(x); break;
    default: r = 1.0f / x; break;
    }
    fesetround(FE_TONEAREST);
    float v = r;
    return isnan(v) ? CANON32 : th_f2u(v);
}

static uint64_t ref64(enum op op, uint64_t a, uint64_t b, uint64_t c, int mode)
{
    volatile double x = th_u2d(a), y = th_u2d(b), z = th_u2d(c);
    volatile double r;
    fesetround(mode);
    switch (op) {
    case ADD: r = x + y; break;
    case SUB: r = x - y; break;
    case MUL: r = x * y; break;
    case DIV: r = x / y; break;
    case FMA: r = fma(x, y, z); break;
    case SQRT: r = sqrt(x); break;
    default: r = 1.0 / x; break;
    }
    fesetround(FE_TONEAREST);
    double v = r;
    return isnan(v) ? CANON64 : th_d2u(v);
}

/* all pairs (and a third operand cycling through the list) */
static unsigned fill32(th_rec_in *in)
{
    unsigned n = 0;
    for (unsigned i = 0; i < NF32; i++)
        for (unsigned j = 0; j < NF32; j++) {
            in[n].a = f32_vals[i];
            in[n].b = f32_vals[j];
            in[n].c = f32_vals[(i * 3 + j * 5) % NF32];
            in[n].e = 0;
            n++;
        }
    return n;
}

static unsigned fill64(th_rec_in *in)
{
    unsigned n = 0;
    for (unsigned i = 0; i < NF64; i++)
        for (unsigned j = 0; j < NF64; j++) {
            in[n].a = f64_vals[i];
            in[n].b = f64_vals[j];
            in[n].c = f64_vals[(i * 3 + j * 5) % NF64];
            in[n].e = 0;
            n++;
        }
    return n;
}

static void check_rounded(const char *kname, enum op op, int is64, const char *rnd)
{
    static th_rec_in in[1024];
    static th_rec_out out[1024];
    unsigned n = is64 ? fill64(in) : fill32(in);
    ck_assert_int_eq(th_run(flt_mod, kname, in, out, n), MU_SUCCESS);
    int mode = fe(rnd);
    for (unsigned i = 0; i < n; i++) {
        if (is64) {
            uint64_t want = ref64(op, in[i].a, in[i].b, in[i].c, mode);
            ck_assert_msg(out[i].d == want, "%s(%#llx, %#llx, %#llx) = %#llx, want %#llx", kname,
                          (unsigned long long)in[i].a, (unsigned long long)in[i].b, (unsigned long long)in[i].c,
                          (unsigned long long)out[i].d, (unsigned long long)want);
        } else {
            uint32_t want = ref32(op, (uint32_t)in[i].a, (uint32_t)in[i].b, (uint32_t)in[i].c, mode);
            uint32_t got = (uint32_t)out[i].d;
            ck_assert_msg(got == want, "%s(%#x, %#x, %#x) = %#x, want %#x", kname, (unsigned)in[i].a,
                          (unsigned)in[i].b, (unsigned)in[i].c, got, want);
        }
    }
}

START_TEST(float_rounding_modes)
{
    static const char *rnds[] = {"", "rn", "rz", "rm", "rp"};
    static const struct {
        const char *name;
        enum op op;
        int needs_rnd;
    } ops[] = {{"add", ADD, 0}, {"sub", SUB, 0}, {"mul", MUL, 0}, {"fma", FMA, 1},
               {"div", DIV, 1}, {"sqrt", SQRT, 1}, {"rcp", RCP, 1}};
    char name[64];
    for (int is64 = 0; is64 < 2; is64++)
        for (unsigned o = 0; o < sizeof ops / sizeof ops[0]; o++)
            for (int r = 0; r < 5; r++) {
                if (ops[o].needs_rnd && r == 0)
                    continue;
                if (r == 0)
                    snprintf(name, sizeof name, "%s_%s", ops[o].name, is64 ? "f64" : "f32");
                else
                    snprintf(name, sizeof name, "%s_%s_%s", ops[o].name, rnds[r], is64 ? "f64" : "f32");
                check_rounded(name, ops[o].op, is64, r ? rnds[r] : "rn");
            }
}
END_TEST

static float ftz(float x)
{
    return fpclassify(x) == FP_SUBNORMAL ? copysignf(0.0f, x) : x;
}

static uint32_t canon(float x)
{
    return isnan(x) ? CANON32 : th_f2u(x);
}

START_TEST(float_ftz_and_sat)
{
    static th_rec_in in[1024];
    static th_rec_out out[1024];
    unsigned n = fill32(in);
    ck_assert_int_eq(th_run(flt_mod, "add_ftz_f32", in, out, n), MU_SUCCESS);
    for (unsigned i = 0; i < n; i++) {
        float a = ftz(th_u2f((uint32_t)in[i].a)), b = ftz(th_u2f((uint32_t)in[i].b));
        ck_assert_uint_eq((uint32_t)out[i].d, canon(ftz(a + b)));
    }
    ck_assert_int_eq(th_run(flt_mod, "mul_ftz_f32", in, out, n), MU_SUCCESS);
    for (unsigned i = 0; i < n; i++) {
        float a = ftz(th_u2f((uint32_t)in[i].a)), b = ftz(th_u2f((uint32_t)in[i].b));
        ck_assert_uint_eq((uint32_t)out[i].d, canon(ftz(a * b)));
    }
    ck_assert_int_eq(th_run(flt_mod, "fma_rn_ftz_f32", in, out, n), MU_SUCCESS);
    for (unsigned i = 0; i < n; i++) {
        float a = ftz(th_u2f((uint32_t)in[i].a)), b = ftz(th_u2f((uint32_t)in[i].b)),
              c = ftz(th_u2f((uint32_t)in[i].c));
        ck_assert_uint_eq((uint32_t)out[i].d, canon(ftz(fmaf(a, b, c))));
    }
    ck_assert_int_eq(th_run(flt_mod, "add_sat_f32", in, out, n), MU_SUCCESS);
    for (unsigned i = 0; i < n; i++) {
        float r = th_u2f((uint32_t)in[i].a) + th_u2f((uint32_t)in[i].b);
        float want = isnan(r) ? 0.0f : r < 0.0f ? 0.0f : r > 1.0f ? 1.0f : r;
        if (want == 0.0f)
            want = 0.0f; /* +0, never -0 */
        ck_assert_msg((uint32_t)out[i].d == th_f2u(want), "add.sat(%#x, %#x) = %#x", (unsigned)in[i].a,
                      (unsigned)in[i].b, (unsigned)out[i].d);
    }
    ck_assert_int_eq(th_run(flt_mod, "mad_rn_f32", in, out, n), MU_SUCCESS);
    for (unsigned i = 0; i < n; i++)
        ck_assert_uint_eq((uint32_t)out[i].d,
                          ref32(FMA, (uint32_t)in[i].a, (uint32_t)in[i].b, (uint32_t)in[i].c, FE_TONEAREST));
}
END_TEST

static uint32_t ref_min(uint32_t a, uint32_t b, int is_max, int nan_mode)
{
    float x = th_u2f(a), y = th_u2f(b);
    if (isnan(x) || isnan(y)) {
        if (nan_mode || (isnan(x) && isnan(y)))
            return CANON32;
        return isnan(x) ? b : a;
    }
    if (x == y) /* +0 and -0: -0 is the smaller */
        return is_max ? (a & b) : (a | b);
    return (is_max ? x > y : x < y) ? a : b;
}

START_TEST(float_min_max_sign_class)
{
    static th_rec_in in[1024];
    static th_rec_out out[1024];
    unsigned n = fill32(in);
    ck_assert_int_eq(th_run(flt_mod, "min_f32", in, out, n), MU_SUCCESS);
    for (unsigned i = 0; i < n; i++)
        ck_assert_uint_eq((uint32_t)out[i].d, ref_min((uint32_t)in[i].a, (uint32_t)in[i].b, 0, 0));
    ck_assert_int_eq(th_run(flt_mod, "max_f32", in, out, n), MU_SUCCESS);
    for (unsigned i = 0; i < n; i++)
        ck_assert_uint_eq((uint32_t)out[i].d, ref_min((uint32_t)in[i].a, (uint32_t)in[i].b, 1, 0));
    ck_assert_int_eq(th_run(flt_mod, "max_nan_f32", in, out, n), MU_SUCCESS);
    for (unsigned i = 0; i < n; i++)
        ck_assert_uint_eq((uint32_t)out[i].d, ref_min((uint32_t)in[i].a, (uint32_t)in[i].b, 1, 1));
    ck_assert_int_eq(th_run(flt_mod, "copysign_f32", in, out, n), MU_SUCCESS);
    for (unsigned i = 0; i < n; i++)
        ck_assert_uint_eq((uint32_t)out[i].d, ((uint32_t)in[i].b & 0x7fffffffu) | ((uint32_t)in[i].a & 0x80000000u));
    ck_assert_int_eq(th_run(flt_mod, "abs_f32", in, out, n), MU_SUCCESS);
    for (unsigned i = 0; i < n; i++)
        if (!isnan(th_u2f((uint32_t)in[i].a)))
            ck_assert_uint_eq((uint32_t)out[i].d, (uint32_t)in[i].a & 0x7fffffffu);
    ck_assert_int_eq(th_run(flt_mod, "neg_f32", in, out, n), MU_SUCCESS);
    for (unsigned i = 0; i < n; i++)
        if (!isnan(th_u2f((uint32_t)in[i].a)))
            ck_assert_uint_eq((uint32_t)out[i].d, (uint32_t)in[i].a ^ 0x80000000u);
    static const char *kinds[] = {"finite", "infinite", "number", "notanumber", "normal", "subnormal"};
    char name[64];
    for (int k = 0; k < 6; k++) {
        snprintf(name, sizeof name, "testp_%s_f32", kinds[k]);
        ck_assert_int_eq(th_run(flt_mod, name, in, out, n), MU_SUCCESS);
        for (unsigned i = 0; i < n; i++) {
            float x = th_u2f((uint32_t)in[i].a);
            int c = fpclassify(x), want;
            switch (k) {
            case 0: want = c != FP_INFINITE && c != FP_NAN; break;
            case 1: want = c == FP_INFINITE; break;
            case 2: want = c != FP_NAN; break;
            case 3: want = c == FP_NAN; break;
            case 4: want = c == FP_NORMAL; break;
            default: want = c == FP_SUBNORMAL; break;
            }
            ck_assert_msg((int)(uint32_t)out[i].d == want, "%s(%#x)", name, (unsigned)in[i].a);
        }
        snprintf(name, sizeof name, "testp_%s_f64", kinds[k]);
        unsigned n64 = fill64(in);
        ck_assert_int_eq(th_run(flt_mod, name, in, out, n64), MU_SUCCESS);
        for (unsigned i = 0; i < n64; i++) {
            double x = th_u2d(in[i].a);
            int c = fpclassify(x), want;
            switch (k) {
            case 0: want = c != FP_INFINITE && c != FP_NAN; break;
            case 1: want = c == FP_INFINITE; break;
            case 2: want = c != FP_NAN; break;
            case 3: want = c == FP_NAN; break;
            case 4: want = c == FP_NORMAL; break;
            default: want = c == FP_SUBNORMAL; break;
            }
            ck_assert_msg((int)(uint32_t)out[i].d == want, "%s(%#llx)", name, (unsigned long long)in[i].a);
        }
        n = fill32(in);
    }
}
END_TEST

/* |got - want| within rel*|want| + abs, with NaN/inf/zero handled exactly */
static void close_to(const char *k, float x, float got, double want, double rel, double abs_tol)
{
    if (isnan(want)) {
        ck_assert_msg(isnan(got), "%s(%a) = %a, want NaN", k, x, got);
        return;
    }
    if (isinf((float)want)) { /* beyond the f32 range: infinity */
        ck_assert_msg(got == (float)want, "%s(%a) = %a, want %a", k, x, got, want);
        return;
    }
    ck_assert_msg(fabs((double)got - want) <= rel * fabs(want) + abs_tol, "%s(%a) = %a, want %a", k, x, got, want);
}

START_TEST(float_approx_functions)
{
    static const float xs[] = {0.0f, -0.0f, 1.0f, -1.0f, 0.5f, 2.0f, 3.14159265f, -2.5f, 10.0f, 100.0f, 1e-3f,
                               -1e-3f, 0.75f, 1e30f, -1e30f, INFINITY, -INFINITY, NAN, 1e-40f, 126.5f, -149.0f};
    unsigned n = sizeof xs / sizeof xs[0];
    th_rec_in in[32];
    th_rec_out out[32];
    for (unsigned i = 0; i < n; i++) {
        memset(&in[i], 0, sizeof in[i]);
        in[i].a = th_f2u(xs[i]);
    }
    const double ulp = ldexp(1.0, -23);
    ck_assert_int_eq(th_run(flt_mod, "rcp_approx_f32", in, out, n), MU_SUCCESS);
    for (unsigned i = 0; i < n; i++)
        close_to("rcp.approx", xs[i], th_u2f((uint32_t)out[i].d), 1.0 / xs[i], ulp, 0);
    ck_assert_int_eq(th_run(flt_mod, "sqrt_approx_f32", in, out, n), MU_SUCCESS);
    for (unsigned i = 0; i < n; i++)
        close_to("sqrt.approx", xs[i], th_u2f((uint32_t)out[i].d), sqrt(xs[i]), 2 * ulp, 0);
    ck_assert_int_eq(th_run(flt_mod, "rsqrt_approx_f32", in, out, n), MU_SUCCESS);
    for (unsigned i = 0; i < n; i++)
        close_to("rsqrt.approx", xs[i], th_u2f((uint32_t)out[i].d), 1.0 / sqrt(xs[i]), 2 * ulp, 0);
    ck_assert_int_eq(th_run(flt_mod, "ex2_approx_f32", in, out, n), MU_SUCCESS);
    for (unsigned i = 0; i < n; i++)
        close_to("ex2.approx", xs[i], th_u2f((uint32_t)out[i].d), exp2(xs[i]), 2 * ulp, 1e-44);
    ck_assert_int_eq(th_run(flt_mod, "lg2_approx_f32", in, out, n), MU_SUCCESS);
    for (unsigned i = 0; i < n; i++)
        close_to("lg2.approx", xs[i], th_u2f((uint32_t)out[i].d), log2(xs[i]), ldexp(1.0, -21), ldexp(1.0, -21));
    ck_assert_int_eq(th_run(flt_mod, "sin_approx_f32", in, out, n), MU_SUCCESS);
    for (unsigned i = 0; i < n; i++)
        if (fabsf(xs[i]) <= 100.0f || isinf(xs[i]) || isnan(xs[i]))
            close_to("sin.approx", xs[i], th_u2f((uint32_t)out[i].d), sin(xs[i]), 0, ldexp(1.0, -20));
    ck_assert_int_eq(th_run(flt_mod, "cos_approx_f32", in, out, n), MU_SUCCESS);
    for (unsigned i = 0; i < n; i++)
        if (fabsf(xs[i]) <= 100.0f || isinf(xs[i]) || isnan(xs[i]))
            close_to("cos.approx", xs[i], th_u2f((uint32_t)out[i].d), cos(xs[i]), 0, ldexp(1.0, -20));
    ck_assert_int_eq(th_run(flt_mod, "tanh_approx_f32", in, out, n), MU_SUCCESS);
    for (unsigned i = 0; i < n; i++)
        close_to("tanh.approx", xs[i], th_u2f((uint32_t)out[i].d), tanh(xs[i]), ldexp(1.0, -10), 1e-6);
    /* .ftz: a subnormal input is zero */
    ck_assert_int_eq(th_run(flt_mod, "rcp_approx_ftz_f32", in, out, n), MU_SUCCESS);
    for (unsigned i = 0; i < n; i++)
        if (xs[i] == 1e-40f)
            ck_assert_float_eq(th_u2f((uint32_t)out[i].d), INFINITY);
    ck_assert_int_eq(th_run(flt_mod, "imm_f32", in, out, n), MU_SUCCESS);
    for (unsigned i = 0; i < n; i++)
        ck_assert_uint_eq((uint32_t)out[i].d, canon(xs[i] + 1.0f));
}
END_TEST

START_TEST(float_canonical_nan)
{
    /* 0 * inf and inf - inf give the GPU's positive canonical NaN, which printf shows as "nan" */
    th_rec_in in[2] = {{th_f2u(0.0f), th_f2u(INFINITY), 0, 0}, {th_f2u(INFINITY), th_f2u(INFINITY), 0, 0}};
    th_rec_out out[2];
    ck_assert_int_eq(th_run(flt_mod, "mul_f32", in, out, 1), MU_SUCCESS);
    ck_assert_uint_eq((uint32_t)out[0].d, CANON32);
    ck_assert_int_eq(th_run(flt_mod, "sub_f32", in + 1, out, 1), MU_SUCCESS);
    ck_assert_uint_eq((uint32_t)out[0].d, CANON32);
    th_rec_in d[1] = {{th_d2u(INFINITY), th_d2u(INFINITY), 0, 0}};
    ck_assert_int_eq(th_run(flt_mod, "sub_f64", d, out, 1), MU_SUCCESS);
    ck_assert(out[0].d == CANON64);
    ck_assert_int_eq(th_run(flt_mod, "imm_f64", d, out, 1), MU_SUCCESS);
    ck_assert(th_u2d(out[0].d) == INFINITY);
}
END_TEST

Suite *suite_ptx_float(void)
{
    Suite *s = suite_create("ptx_float");
    TCase *tc = tcase_create("float");
    tcase_add_checked_fixture(tc, flt_setup, flt_teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, float_rounding_modes);
    tcase_add_test(tc, float_ftz_and_sat);
    tcase_add_test(tc, float_min_max_sign_class);
    tcase_add_test(tc, float_approx_functions);
    tcase_add_test(tc, float_canonical_nan);
    suite_add_tcase(s, tc);
    return s;
}
