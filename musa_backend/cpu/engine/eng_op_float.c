/*
 * eng_op_float.c - f32 and f64 arithmetic and special functions: add sub mul mad fma div abs
 * neg min max copysign rcp sqrt rsqrt sin cos lg2 ex2 tanh testp.
 *
 * Owns: PTX float semantics on the host: results rounded as the modifier says (round to
 * nearest by default; .rz/.rm/.rp switch the host rounding mode for the span of the handler,
 * with volatile accesses pinning the arithmetic between the mode switches), .ftz flushing of
 * f32 subnormal inputs and results, .sat clamping to [0, 1] (NaN to 0), canonical NaN results,
 * and min/max returning the non-NaN operand.  The .approx functions use the C library's
 * correctly or nearly correctly rounded functions: at least as accurate as the GPU's.
 */
#include "eng_fp.h"
#include "eng_ops.h"

/* mode: bits 0-2 rounding (ENG_RND_*), bit 3 ftz, bit 4 sat */
#define M_RND(m) ((m) & 7)
#define M_FTZ 8
#define M_SAT 16

static inline float sat32(float x)
{
    return x > 0.0f ? (x < 1.0f ? x : 1.0f) : 0.0f; /* NaN -> 0 */
}
static inline double sat64(double x)
{
    return x > 0.0 ? (x < 1.0 ? x : 1.0) : 0.0;
}

/* Fast handlers: round to nearest, no ftz, no sat. */
ENG_EW2(h_add_f32, float, float, eng_canon32(a + b))
ENG_EW2(h_sub_f32, float, float, eng_canon32(a - b))
ENG_EW2(h_mul_f32, float, float, eng_canon32(a * b))
ENG_EW2(h_div_f32, float, float, eng_canon32(a / b))
/* fma.rn.f32 without a libm call per lane: a*b is exact in double, so a*b+c rounded to double
 * then to float equals the correctly rounded fma unless the double lands exactly halfway
 * between two floats, or outside the normal float range; those lanes (rare) take fmaf. */
ENG_H(h_fma_f32)
{
    const float *A = ENG_SLOT(const float, w, in->a), *B = ENG_SLOT(const float, w, in->b);
    const float *C = ENG_SLOT(const float, w, in->c);
    float r[ENG_LANES];
    uint8_t slow[ENG_LANES];
    for (int l = 0; l < ENG_LANES; l++) {
        double s = (double)A[l] * (double)B[l] + (double)C[l];
        uint64_t u;
        memcpy(&u, &s, 8);
        uint64_t e = (u >> 52) & 0x7ff;
        int ok = (e - 897 <= 253 && (u & 0x1fffffffu) != 0x10000000u) || (u << 1) == 0;
        slow[l] = (uint8_t)!ok;
        r[l] = (float)s;
    }
    uint32_t fix = eng_pack(slow) & m;
    for (; fix; fix &= fix - 1) {
        int l = eng_ctz(fix);
        r[l] = eng_canon32(fmaf(A[l], B[l], C[l]));
    }
    eng_store32(w->regs + in->d, r, m);
    return ENG_OK;
}
ENG_EW2(h_add_f64, double, double, eng_canon64(a + b))
ENG_EW2(h_sub_f64, double, double, eng_canon64(a - b))
ENG_EW2(h_mul_f64, double, double, eng_canon64(a * b))
ENG_EW2(h_div_f64, double, double, eng_canon64(a / b))
ENG_EW3(h_fma_f64, double, double, double, eng_canon64(fma(a, b, c)))

/* On x86-64 hosts with FMA (checked at run time), fma.rn is the host's fused multiply-add,
 * 8 lanes per instruction: exact by definition.  Compiler extensions (a per-function target)
 * are confined to this one handler; other hosts use the portable one above. */
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define ENG_HAVE_X86_FMA 1
__attribute__((target("avx2,fma"))) static int h_fma_f32_avx2(eng_warp *w, const eng_insn *in, uint32_t m)
{
    const float *A = ENG_SLOT(const float, w, in->a), *B = ENG_SLOT(const float, w, in->b);
    const float *C = ENG_SLOT(const float, w, in->c);
    float r[ENG_LANES];
    for (int l = 0; l < ENG_LANES; l++) {
        float x = __builtin_fmaf(A[l], B[l], C[l]);
        r[l] = x != x ? eng_u2f(ENG_NAN32) : x;
    }
    eng_store32(w->regs + in->d, r, m);
    return ENG_OK;
}

__attribute__((target("avx2,fma"))) static int h_fma_f64_avx2(eng_warp *w, const eng_insn *in, uint32_t m)
{
    const double *A = ENG_SLOT(const double, w, in->a), *B = ENG_SLOT(const double, w, in->b);
    const double *C = ENG_SLOT(const double, w, in->c);
    double r[ENG_LANES];
    for (int l = 0; l < ENG_LANES; l++) {
        double x = __builtin_fma(A[l], B[l], C[l]);
        r[l] = x != x ? eng_u2d(ENG_NAN64) : x;
    }
    eng_store64(w->regs + in->d, r, m);
    return ENG_OK;
}

static int host_has_fma(void)
{
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}
#else
#define ENG_HAVE_X86_FMA 0
#endif

/* Fast f32 .ftz forms (what --use_fast_math emits). */
ENG_EW2(h_add_f32_ftz, float, float, eng_canon32(eng_ftz32(eng_ftz32(a) + eng_ftz32(b))))
ENG_EW2(h_sub_f32_ftz, float, float, eng_canon32(eng_ftz32(eng_ftz32(a) - eng_ftz32(b))))
ENG_EW2(h_mul_f32_ftz, float, float, eng_canon32(eng_ftz32(eng_ftz32(a) * eng_ftz32(b))))
ENG_EW2(h_div_f32_ftz, float, float, eng_canon32(eng_ftz32(eng_ftz32(a) / eng_ftz32(b))))
ENG_EW3(h_fma_f32_ftz, float, float, float, eng_canon32(eng_ftz32(fmaf(eng_ftz32(a), eng_ftz32(b), eng_ftz32(c)))))

/* div.approx.f32 is a * (1/b), and the reciprocal of 2^126 < |b| < 2^128 is flushed to zero: the
 * quotient is then 0 for finite a and NaN for infinite a (CUDA documents this for __fdividef).
 * Elsewhere the exact quotient is within its 2 ulp error bound. */
static inline float div_approx32(float a, float b)
{
    float ab = fabsf(b);
    if (ab > 0x1p126f && ab < INFINITY)
        return eng_canon32(a * copysignf(0.0f, b));
    return eng_canon32(a / b);
}
ENG_EW2(h_div_approx_f32, float, float, div_approx32(a, b))
ENG_EW2(h_div_approx_f32_ftz, float, float, eng_ftz32(div_approx32(eng_ftz32(a), eng_ftz32(b))))

/* Generic handlers: any rounding, ftz and sat.  op: 0 add 1 sub 2 mul 3 div 4 fma 5 sqrt 6 rcp */
static inline float op32(int op, float a, float b, float c)
{
    switch (op) {
    case 0: return a + b;
    case 1: return a - b;
    case 2: return a * b;
    case 3: return a / b;
    case 4: return fmaf(a, b, c);
    case 5: return sqrtf(a);
    default: return 1.0f / a;
    }
}
static inline double op64(int op, double a, double b, double c)
{
    switch (op) {
    case 0: return a + b;
    case 1: return a - b;
    case 2: return a * b;
    case 3: return a / b;
    case 4: return fma(a, b, c);
    case 5: return sqrt(a);
    default: return 1.0 / a;
    }
}

/* in->mode2 holds the operation */
ENG_H(h_fgen_f32)
{
    const float *A = ENG_SLOT(const float, w, in->a), *B = ENG_SLOT(const float, w, in->b);
    const float *C = ENG_SLOT(const float, w, in->c);
    float r[ENG_LANES];
    volatile float vr[ENG_LANES];
    int rnd = M_RND(in->mode), ftz = in->mode & M_FTZ, op = in->mode2;
    int old = fegetround();
    if (rnd > 1)
        fesetround(eng_fe_mode(rnd));
    for (int l = 0; l < ENG_LANES; l++) {
        volatile float a = A[l], b = B[l], c = C[l];
        float x = a, y = b, z = c;
        if (ftz) {
            x = eng_ftz32(x);
            y = eng_ftz32(y);
            z = eng_ftz32(z);
        }
        vr[l] = op32(op, x, y, z);
    }
    if (rnd > 1)
        fesetround(old);
    for (int l = 0; l < ENG_LANES; l++) {
        float x = vr[l];
        if (ftz)
            x = eng_ftz32(x);
        if (in->mode & M_SAT)
            x = sat32(x);
        r[l] = eng_canon32(x);
    }
    eng_store32(w->regs + in->d, r, m);
    return ENG_OK;
}

ENG_H(h_fgen_f64)
{
    const double *A = ENG_SLOT(const double, w, in->a), *B = ENG_SLOT(const double, w, in->b);
    const double *C = ENG_SLOT(const double, w, in->c);
    double r[ENG_LANES];
    volatile double vr[ENG_LANES];
    int rnd = M_RND(in->mode), op = in->mode2;
    int old = fegetround();
    if (rnd > 1)
        fesetround(eng_fe_mode(rnd));
    for (int l = 0; l < ENG_LANES; l++) {
        volatile double a = A[l], b = B[l], c = C[l];
        vr[l] = op64(op, a, b, c);
    }
    if (rnd > 1)
        fesetround(old);
    for (int l = 0; l < ENG_LANES; l++) {
        double x = vr[l];
        if (in->mode & M_SAT)
            x = sat64(x);
        r[l] = eng_canon64(x);
    }
    eng_store64(w->regs + in->d, r, m);
    return ENG_OK;
}

/* --- sign and magnitude (bit operations: NaNs keep their payload, as on the GPU) --- */

ENG_EW1(h_abs_f32, uint32_t, uint32_t, a & 0x7fffffffu)
ENG_EW1(h_neg_f32, uint32_t, uint32_t, a ^ 0x80000000u)
ENG_EW1(h_abs_f32_ftz, uint32_t, uint32_t, ((a & 0x7f800000u) == 0 ? 0 : a) & 0x7fffffffu)
ENG_EW1(h_neg_f32_ftz, uint32_t, uint32_t, ((a & 0x7f800000u) == 0 ? (a & 0x80000000u) : a) ^ 0x80000000u)
ENG_EW1(h_abs_f64, uint64_t, uint64_t, a & 0x7fffffffffffffffull)
ENG_EW1(h_neg_f64, uint64_t, uint64_t, a ^ 0x8000000000000000ull)
ENG_EW2(h_copysign_f32, uint32_t, uint32_t, (b & 0x7fffffffu) | (a & 0x80000000u))
ENG_EW2(h_copysign_f64, uint64_t, uint64_t, (b & 0x7fffffffffffffffull) | (a & 0x8000000000000000ull))

/* --- min / max: a NaN operand loses; -0 is below +0 --- */

static inline float fmin32(float a, float b, int nan_mode)
{
    if (a != a || b != b) {
        if (nan_mode || (a != a && b != b))
            return eng_u2f(ENG_NAN32);
        return a != a ? b : a;
    }
    if (a == b)
        return eng_u2f(eng_f2u(a) | eng_f2u(b));
    return a < b ? a : b;
}
static inline float fmax32(float a, float b, int nan_mode)
{
    if (a != a || b != b) {
        if (nan_mode || (a != a && b != b))
            return eng_u2f(ENG_NAN32);
        return a != a ? b : a;
    }
    if (a == b)
        return eng_u2f(eng_f2u(a) & eng_f2u(b));
    return a > b ? a : b;
}
static inline double fmin64(double a, double b)
{
    if (a != a || b != b)
        return (a != a && b != b) ? eng_u2d(ENG_NAN64) : a != a ? b : a;
    if (a == b)
        return eng_u2d(eng_d2u(a) | eng_d2u(b));
    return a < b ? a : b;
}
static inline double fmax64(double a, double b)
{
    if (a != a || b != b)
        return (a != a && b != b) ? eng_u2d(ENG_NAN64) : a != a ? b : a;
    if (a == b)
        return eng_u2d(eng_d2u(a) & eng_d2u(b));
    return a > b ? a : b;
}

/* min/max.xorsign.abs (sm_86): the magnitude from |a| and |b|, the sign the XOR of a's and
 * b's; a NaN result stays the canonical NaN */
static inline float xorsign32(float r, float a, float b)
{
    return r != r ? r : eng_u2f((eng_f2u(r) & 0x7fffffffu) | ((eng_f2u(a) ^ eng_f2u(b)) & 0x80000000u));
}
ENG_EW2(h_min_f32_xs, float, float, xorsign32(fmin32(fabsf(a), fabsf(b), 0), a, b))
ENG_EW2(h_max_f32_xs, float, float, xorsign32(fmax32(fabsf(a), fabsf(b), 0), a, b))
ENG_EW2(h_min_f32_xs_nan, float, float, xorsign32(fmin32(fabsf(a), fabsf(b), 1), a, b))
ENG_EW2(h_max_f32_xs_nan, float, float, xorsign32(fmax32(fabsf(a), fabsf(b), 1), a, b))

ENG_EW2(h_min_f32, float, float, fmin32(a, b, 0))
ENG_EW2(h_max_f32, float, float, fmax32(a, b, 0))
ENG_EW2(h_min_f32_ftz, float, float, fmin32(eng_ftz32(a), eng_ftz32(b), 0))
ENG_EW2(h_max_f32_ftz, float, float, fmax32(eng_ftz32(a), eng_ftz32(b), 0))
ENG_EW2(h_min_f32_nan, float, float, fmin32(a, b, 1))
ENG_EW2(h_max_f32_nan, float, float, fmax32(a, b, 1))
ENG_EW2(h_min_f64, double, double, fmin64(a, b))
ENG_EW2(h_max_f64, double, double, fmax64(a, b))

/* --- special functions (f32 .approx; f64 rcp/sqrt/rsqrt) --- */

static inline float ftzf(float x)
{
    return eng_ftz32(x);
}

ENG_EW1(h_rcp_f32, float, float, eng_canon32(1.0f / a))
ENG_EW1(h_rcp_f32_ftz, float, float, eng_canon32(ftzf(1.0f / ftzf(a))))
ENG_EW1(h_sqrt_f32, float, float, eng_canon32(sqrtf(a)))
ENG_EW1(h_sqrt_f32_ftz, float, float, eng_canon32(ftzf(sqrtf(ftzf(a)))))
ENG_EW1(h_rsqrt_f32, float, float, eng_canon32(1.0f / sqrtf(a)))
ENG_EW1(h_rsqrt_f32_ftz, float, float, eng_canon32(ftzf(1.0f / sqrtf(ftzf(a)))))
ENG_EW1(h_sin_f32, float, float, eng_canon32(sinf(a)))
ENG_EW1(h_sin_f32_ftz, float, float, eng_canon32(ftzf(sinf(ftzf(a)))))
ENG_EW1(h_cos_f32, float, float, eng_canon32(cosf(a)))
ENG_EW1(h_cos_f32_ftz, float, float, eng_canon32(ftzf(cosf(ftzf(a)))))
ENG_EW1(h_lg2_f32, float, float, eng_canon32(log2f(a)))
ENG_EW1(h_lg2_f32_ftz, float, float, eng_canon32(ftzf(log2f(ftzf(a)))))
ENG_EW1(h_ex2_f32, float, float, eng_canon32(exp2f(a)))
ENG_EW1(h_ex2_f32_ftz, float, float, eng_canon32(ftzf(exp2f(ftzf(a)))))
ENG_EW1(h_tanh_f32, float, float, eng_canon32(tanhf(a)))
ENG_EW1(h_sqrt_f64, double, double, eng_canon64(sqrt(a)))
ENG_EW1(h_rcp_f64, double, double, eng_canon64(1.0 / a))
/* 1.0 / sqrt(a) in double rounds twice (up to ~1.5 ulp); CUDA documents rsqrt() (which is
 * exactly rsqrt.approx.f64) to 1 ulp, so compute it in wider precision and round once */
ENG_EW1(h_rsqrt_f64, double, double, eng_canon64((double)(1.0L / sqrtl((long double)a))))

/* rcp.approx.ftz.f64: the GPU keeps only the high 20 mantissa bits of the input; the result is
 * an approximation, so the exact reciprocal is within its error bound */

/* --- testp --- */

enum { T_FINITE, T_INFINITE, T_NUMBER, T_NOTANUMBER, T_NORMAL, T_SUBNORMAL };

static inline int testp32(uint32_t u, int k)
{
    uint32_t e = u & 0x7f800000u, f = u & 0x7fffffu;
    switch (k) {
    case T_FINITE: return e != 0x7f800000u;
    case T_INFINITE: return e == 0x7f800000u && !f;
    case T_NUMBER: return !(e == 0x7f800000u && f);
    case T_NOTANUMBER: return e == 0x7f800000u && f;
    case T_NORMAL: return e != 0 && e != 0x7f800000u;
    default: return e == 0 && f;
    }
}
static inline int testp64(uint64_t u, int k)
{
    uint64_t e = u & 0x7ff0000000000000ull, f = u & 0xfffffffffffffull;
    switch (k) {
    case T_FINITE: return e != 0x7ff0000000000000ull;
    case T_INFINITE: return e == 0x7ff0000000000000ull && !f;
    case T_NUMBER: return !(e == 0x7ff0000000000000ull && f);
    case T_NOTANUMBER: return e == 0x7ff0000000000000ull && f;
    case T_NORMAL: return e != 0 && e != 0x7ff0000000000000ull;
    default: return e == 0 && f;
    }
}

ENG_H(h_testp_f32)
{
    const uint32_t *A = ENG_SLOT(const uint32_t, w, in->a);
    uint8_t c[ENG_LANES];
    for (int l = 0; l < ENG_LANES; l++)
        c[l] = (uint8_t)testp32(A[l], in->mode);
    eng_set_pred(w, in->d, eng_pack(c), m);
    return ENG_OK;
}
ENG_H(h_testp_f64)
{
    const uint64_t *A = ENG_SLOT(const uint64_t, w, in->a);
    uint8_t c[ENG_LANES];
    for (int l = 0; l < ENG_LANES; l++)
        c[l] = (uint8_t)testp64(A[l], in->mode);
    eng_set_pred(w, in->d, eng_pack(c), m);
    return ENG_OK;
}

/* --- lowering --- */

static int all_width(eng_lower *L, unsigned n, ptx_type t)
{
    for (unsigned i = 0; i < n; i++)
        if (!eng_width_ok(L, eng_op(L, i), t))
            return 0;
    return 1;
}

static int lower_generic(eng_lower *L, const ptx_insn *pi, ptx_type t, int op, unsigned nsrc)
{
    int is64 = t == PTX_T_F64;
    uint16_t mode = (uint16_t)eng_rounding(pi);
    if (eng_has(pi, PTX_MOD_FTZ) && !is64)
        mode |= M_FTZ;
    if (eng_has(pi, PTX_MOD_SAT))
        mode |= M_SAT;
    uint32_t d = eng_dst(L, eng_op(L, 0));
    uint32_t a = eng_src(L, eng_op(L, 1), t);
    uint32_t b = nsrc > 1 ? eng_src(L, eng_op(L, 2), t) : a;
    uint32_t c = nsrc > 2 ? eng_src(L, eng_op(L, 3), t) : a;
    eng_insn *e = eng_emit(L, is64 ? h_fgen_f64 : h_fgen_f32);
    e->d = d;
    e->a = a;
    e->b = b;
    e->c = c;
    e->mode = mode;
    e->mode2 = (uint16_t)op;
    return 0;
}

static int lower_arith(eng_lower *L, const ptx_insn *pi, ptx_type t)
{
    int is64 = t == PTX_T_F64;
    int rnd = eng_rounding(pi), ftz = eng_has(pi, PTX_MOD_FTZ) && !is64, sat = eng_has(pi, PTX_MOD_SAT);
    int op;
    unsigned nsrc = 2;
    switch (pi->op) {
    case PTX_OP_ADD: op = 0; break;
    case PTX_OP_SUB: op = 1; break;
    case PTX_OP_MUL: op = 2; break;
    case PTX_OP_DIV: op = 3; break;
    case PTX_OP_FMA:
    case PTX_OP_MAD: op = 4; nsrc = 3; break;
    default: return eng_unsupported(L);
    }
    if (!all_width(L, nsrc + 1, t) || rnd == ENG_RND_RNA)
        return eng_unsupported(L);
    if (op == 3 && !is64 && eng_has(pi, PTX_MOD_APPROX))
        return eng_lower_dab(L, ftz ? h_div_approx_f32_ftz : h_div_approx_f32, t);
    if (rnd <= ENG_RND_RN && !sat) {
        static const eng_fn plain32[] = {h_add_f32, h_sub_f32, h_mul_f32, h_div_f32, h_fma_f32};
        static const eng_fn ftz32[] = {h_add_f32_ftz, h_sub_f32_ftz, h_mul_f32_ftz, h_div_f32_ftz, h_fma_f32_ftz};
        static const eng_fn plain64[] = {h_add_f64, h_sub_f64, h_mul_f64, h_div_f64, h_fma_f64};
        eng_fn fn = is64 ? plain64[op] : ftz ? ftz32[op] : plain32[op];
#if ENG_HAVE_X86_FMA
        if (op == 4 && !ftz && host_has_fma())
            fn = is64 ? h_fma_f64_avx2 : h_fma_f32_avx2;
#endif
        return nsrc == 3 ? eng_lower_dabc(L, fn, t, t) : eng_lower_dab(L, fn, t);
    }
    return lower_generic(L, pi, t, op, nsrc);
}

static int lower_sfu(eng_lower *L, const ptx_insn *pi, ptx_type t)
{
    int is64 = t == PTX_T_F64;
    int ftz = eng_has(pi, PTX_MOD_FTZ) && !is64;
    int rnd = eng_rounding(pi);
    if (!all_width(L, 2, t))
        return eng_unsupported(L);
    eng_fn fn = NULL;
    switch (pi->op) {
    case PTX_OP_RCP:
        if (rnd > ENG_RND_RN)
            return lower_generic(L, pi, t, 6, 1);
        fn = is64 ? h_rcp_f64 : ftz ? h_rcp_f32_ftz : h_rcp_f32;
        break;
    case PTX_OP_SQRT:
        if (rnd > ENG_RND_RN)
            return lower_generic(L, pi, t, 5, 1);
        fn = is64 ? h_sqrt_f64 : ftz ? h_sqrt_f32_ftz : h_sqrt_f32;
        break;
    case PTX_OP_RSQRT:
        fn = is64 ? h_rsqrt_f64 : ftz ? h_rsqrt_f32_ftz : h_rsqrt_f32;
        break;
    case PTX_OP_SIN:
        fn = is64 ? NULL : ftz ? h_sin_f32_ftz : h_sin_f32;
        break;
    case PTX_OP_COS:
        fn = is64 ? NULL : ftz ? h_cos_f32_ftz : h_cos_f32;
        break;
    case PTX_OP_LG2:
        fn = is64 ? NULL : ftz ? h_lg2_f32_ftz : h_lg2_f32;
        break;
    case PTX_OP_EX2:
        fn = is64 ? NULL : ftz ? h_ex2_f32_ftz : h_ex2_f32;
        break;
    case PTX_OP_TANH:
        fn = is64 ? NULL : h_tanh_f32;
        break;
    default:
        break;
    }
    return eng_lower_da(L, fn, t);
}

int eng_lower_float(eng_lower *L, const ptx_insn *pi)
{
    ptx_type t = eng_type(pi, 0);
    if (pi->ntypes != 1 || (t != PTX_T_F32 && t != PTX_T_F64))
        return eng_unsupported(L);
    int is64 = t == PTX_T_F64;
    int ftz = eng_has(pi, PTX_MOD_FTZ) && !is64;
    switch (pi->op) {
    case PTX_OP_ADD:
    case PTX_OP_SUB:
    case PTX_OP_MUL:
    case PTX_OP_DIV:
    case PTX_OP_FMA:
    case PTX_OP_MAD:
        return lower_arith(L, pi, t);
    case PTX_OP_ABS:
        if (!all_width(L, 2, t))
            return eng_unsupported(L);
        return eng_lower_da(L, is64 ? h_abs_f64 : ftz ? h_abs_f32_ftz : h_abs_f32, t);
    case PTX_OP_NEG:
        if (!all_width(L, 2, t))
            return eng_unsupported(L);
        return eng_lower_da(L, is64 ? h_neg_f64 : ftz ? h_neg_f32_ftz : h_neg_f32, t);
    case PTX_OP_MIN:
    case PTX_OP_MAX: {
        int mn = pi->op == PTX_OP_MIN, nan = eng_has(pi, PTX_MOD_NAN);
        int xs = eng_has(pi, PTX_MOD_XORSIGN);
        if (!all_width(L, 3, t) || (xs && (is64 || ftz || !eng_has(pi, PTX_MOD_ABS))))
            return eng_unsupported(L);
        eng_fn fn;
        if (xs)
            fn = nan ? (mn ? h_min_f32_xs_nan : h_max_f32_xs_nan) : (mn ? h_min_f32_xs : h_max_f32_xs);
        else if (is64)
            fn = nan ? NULL : mn ? h_min_f64 : h_max_f64;
        else if (nan)
            fn = ftz ? NULL : mn ? h_min_f32_nan : h_max_f32_nan;
        else
            fn = ftz ? (mn ? h_min_f32_ftz : h_max_f32_ftz) : (mn ? h_min_f32 : h_max_f32);
        return eng_lower_dab(L, fn, t);
    }
    case PTX_OP_COPYSIGN:
        if (!all_width(L, 3, t))
            return eng_unsupported(L);
        return eng_lower_dab(L, is64 ? h_copysign_f64 : h_copysign_f32, t);
    case PTX_OP_TESTP: {
        static const ptx_mod kinds[] = {PTX_MOD_FINITE, PTX_MOD_INFINITE, PTX_MOD_NUMBER,
                                        PTX_MOD_NOTANUMBER, PTX_MOD_NORMAL, PTX_MOD_SUBNORMAL};
        int k = -1;
        for (int i = 0; i < 6; i++)
            if (eng_has(pi, kinds[i]))
                k = i;
        if (k < 0 || eng_reg_width(L, eng_op(L, 0)) != 1 || !eng_width_ok(L, eng_op(L, 1), t))
            return eng_unsupported(L);
        uint32_t d = eng_dst(L, eng_op(L, 0));
        uint32_t a = eng_src(L, eng_op(L, 1), t);
        eng_insn *e = eng_emit(L, is64 ? h_testp_f64 : h_testp_f32);
        e->d = d;
        e->a = a;
        e->mode = (uint16_t)k;
        return 0;
    }
    case PTX_OP_RCP:
    case PTX_OP_SQRT:
    case PTX_OP_RSQRT:
    case PTX_OP_SIN:
    case PTX_OP_COS:
    case PTX_OP_LG2:
    case PTX_OP_EX2:
    case PTX_OP_TANH:
        return lower_sfu(L, pi, t);
    default:
        return eng_unsupported(L);
    }
}
