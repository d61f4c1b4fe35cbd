/*
 * eng_op_cvt8.c - the narrow conversions of sm_89/sm_90: 8-bit floats (e4m3, e5m2) in pairs,
 * to and from f32 and f16x2, and cvt.pack's saturating integer packing.
 *
 * Owns: the two FP8 encodings as the PTX ISA defines them.  e4m3: sign, 4 exponent bits (bias
 * 7), 3 mantissa bits, no infinities, S.1111.111 the only NaN, 448 the largest finite value.
 * e5m2: sign, 5 exponent bits (bias 15), 2 mantissa bits, IEEE infinities and NaNs (it is the
 * top byte of an f16), 57344 the largest finite value.  Conversions to FP8 round to nearest
 * even and, as .satfinite requires, clamp everything beyond the largest finite value (infinity
 * included) to it; NaN stays NaN (0x7f).  A pair packs its first source in the high byte, as
 * f16x2 does.  Conversions from FP8 to f16 are exact.
 * Must not: handle any other cvt (eng_op_cvt.c does).
 */
#include <math.h>

#include "eng_fp.h"
#include "eng_ops.h"

struct fp8_format {
    int mant;       /* mantissa bits */
    int bias;
    float max;      /* largest finite value */
    int has_inf;    /* e5m2: infinities exist (exponent all ones) */
};

static const struct fp8_format E4M3 = {3, 7, 448.0f, 0};
static const struct fp8_format E5M2 = {2, 15, 57344.0f, 1};

/* f32 -> FP8 bits, round to nearest even, saturating to the finite range; relu: negative
 * values become +0 */
static uint8_t to_fp8(float x, const struct fp8_format *f, int relu)
{
    if (x != x)
        return 0x7f;
    if (relu && x < 0)
        x = 0;
    uint8_t sign = signbit(x) ? 0x80 : 0;
    double v = fabs((double)x);
    if (isinf(v))
        v = f->max; /* .satfinite */
    int emin = 1 - f->bias, e;
    if (v == 0)
        return sign;
    frexp(v, &e);
    e -= 1; /* v = 1.m * 2^e */
    int qe = (e < emin ? emin : e) - f->mant; /* the spacing of representable values there */
    double n = nearbyint(ldexp(v, -qe));       /* exact scaling; ties to even */
    double r = ldexp(n, qe);
    if (r > f->max)
        r = f->max;
    if (r == 0)
        return sign;
    frexp(r, &e);
    e -= 1;
    unsigned bits;
    if (e < emin) /* subnormal: exponent field 0 */
        bits = (unsigned)ldexp(r, f->mant - emin);
    else
        bits = (unsigned)(e + f->bias) << f->mant | ((unsigned)ldexp(r, f->mant - e) & ((1u << f->mant) - 1));
    return (uint8_t)(sign | bits);
}

static float from_fp8(uint8_t b, const struct fp8_format *f)
{
    int sign = b & 0x80, ebits = (b & 0x7f) >> f->mant, m = b & ((1 << f->mant) - 1);
    int emax_field = (1 << (7 - f->mant)) - 1;
    float v;
    if (f->has_inf && ebits == emax_field)
        v = m ? NAN : INFINITY;
    else if (!f->has_inf && ebits == emax_field && m == (1 << f->mant) - 1)
        v = NAN;
    else if (ebits == 0)
        v = (float)ldexp(m, 1 - f->bias - f->mant);
    else
        v = (float)ldexp(m + (1 << f->mant), ebits - f->bias - f->mant);
    return sign ? -v : v;
}

/* mode: bit 0 e5m2 (else e4m3), bit 1 .relu; mode2: 0 from two f32 (a high, b low), 1 from
 * f16x2 a, 2 to f16x2 from a pair in a */
ENG_H(h_cvt_fp8)
{
    const struct fp8_format *f = (in->mode & 1) ? &E5M2 : &E4M3;
    int relu = (in->mode & 2) != 0;
    if (in->mode2 == 2) {
        const uint16_t *A = ENG_SLOT(const uint16_t, w, in->a);
        uint32_t r[ENG_LANES];
        for (int l = 0; l < ENG_LANES; l++) {
            float hi = from_fp8((uint8_t)(A[l] >> 8), f), lo = from_fp8((uint8_t)A[l], f);
            if (relu) {
                hi = hi < 0 ? 0.0f : hi;
                lo = lo < 0 ? 0.0f : lo;
            }
            r[l] = (uint32_t)eng_f32_to_f16(hi, ENG_RND_RN) << 16 | eng_f32_to_f16(lo, ENG_RND_RN);
        }
        eng_store32(w->regs + in->d, r, m);
        return ENG_OK;
    }
    uint16_t r[ENG_LANES];
    for (int l = 0; l < ENG_LANES; l++) {
        float hi, lo;
        if (in->mode2 == 0) {
            hi = ENG_SLOT(const float, w, in->a)[l];
            lo = ENG_SLOT(const float, w, in->b)[l];
        } else {
            uint32_t h2 = ENG_SLOT(const uint32_t, w, in->a)[l];
            hi = eng_f16_to_f32((uint16_t)(h2 >> 16));
            lo = eng_f16_to_f32((uint16_t)h2);
        }
        r[l] = (uint16_t)(to_fp8(hi, f, relu) << 8 | to_fp8(lo, f, relu));
    }
    eng_store16(w->regs + in->d, r, m);
    return ENG_OK;
}

/* cvt.pack.sat: a and b (s32) saturated to mode bits (signed when mode2), b in the lowest
 * field, a next to it, then c's low bits above them (8-bit and narrower fields) */
ENG_H(h_cvt_pack)
{
    const int32_t *A = ENG_SLOT(const int32_t, w, in->a), *B = ENG_SLOT(const int32_t, w, in->b);
    const uint32_t *C = ENG_SLOT(const uint32_t, w, in->c);
    unsigned bits = in->mode;
    int64_t lo = in->mode2 ? -(1ll << (bits - 1)) : 0, hi = in->mode2 ? (1ll << (bits - 1)) - 1 : (1ll << bits) - 1;
    uint32_t fmask = (uint32_t)((1ull << bits) - 1);
    uint32_t r[ENG_LANES];
    for (int l = 0; l < ENG_LANES; l++) {
        int64_t a = A[l] < lo ? lo : A[l] > hi ? hi : A[l], b = B[l] < lo ? lo : B[l] > hi ? hi : B[l];
        uint32_t v = ((uint32_t)a & fmask) << bits | ((uint32_t)b & fmask);
        if (bits < 16)
            v |= C[l] << (2 * bits);
        r[l] = v;
    }
    eng_store32(w->regs + in->d, r, m);
    return ENG_OK;
}

static int is_fp8x2(ptx_type t)
{
    return t == PTX_T_E4M3X2 || t == PTX_T_E5M2X2;
}

int eng_cvt_narrow_form(const ptx_insn *pi)
{
    return eng_has(pi, PTX_MOD_PACK) || is_fp8x2(eng_type(pi, 0)) || is_fp8x2(eng_type(pi, 1));
}

int eng_lower_cvt_narrow(eng_lower *L, const ptx_insn *pi)
{
    ptx_type dt = eng_type(pi, 0), st = eng_type(pi, 1);
    if (eng_has(pi, PTX_MOD_PACK)) {
        /* cvt.pack.sat.{u16,s16}.s32 d, a, b  |  cvt.pack.sat.{u8,s8,u4,s4,u2,s2}.s32.b32 d, a, b, c */
        static const struct {
            ptx_type t;
            uint16_t bits, sgn;
        } to[] = {{PTX_T_U16, 16, 0}, {PTX_T_S16, 16, 1}, {PTX_T_U8, 8, 0}, {PTX_T_S8, 8, 1}};
        int k = -1;
        for (int i = 0; i < 4; i++)
            if (to[i].t == dt)
                k = i;
        unsigned want = k >= 0 && to[k].bits == 16 ? 3 : 4;
        if (k < 0 || st != PTX_T_S32 || !eng_has(pi, PTX_MOD_SAT) || pi->nopnds != want ||
            pi->ntypes != (want == 3 ? 2u : 3u) || eng_reg_width(L, eng_op(L, 0)) != 4 ||
            !eng_width_ok(L, eng_op(L, 1), PTX_T_S32) || !eng_width_ok(L, eng_op(L, 2), PTX_T_S32) ||
            (want == 4 && !eng_width_ok(L, eng_op(L, 3), PTX_T_B32)))
            return eng_unsupported(L);
        uint32_t d = eng_dst(L, eng_op(L, 0)), a = eng_src(L, eng_op(L, 1), PTX_T_S32),
                 b = eng_src(L, eng_op(L, 2), PTX_T_S32), c = want == 4 ? eng_src(L, eng_op(L, 3), PTX_T_B32) : ENG_F_ZERO;
        eng_insn *e = eng_emit(L, h_cvt_pack);
        e->d = d;
        e->a = a;
        e->b = b;
        e->c = c;
        e->mode = to[k].bits;
        e->mode2 = to[k].sgn;
        return 0;
    }
    if (pi->ntypes != 2 || eng_rounding(pi) != ENG_RND_RN)
        return eng_unsupported(L);
    uint16_t mode = (uint16_t)((dt == PTX_T_E5M2X2 || st == PTX_T_E5M2X2) | (eng_has(pi, PTX_MOD_RELU) ? 2 : 0));
    const ptx_operand *od = eng_op(L, 0), *oa = eng_op(L, 1);
    eng_insn *e;
    if (is_fp8x2(dt) && st == PTX_T_F32 && pi->nopnds == 3) {
        if (!eng_has(pi, PTX_MOD_SATFINITE) || eng_reg_width(L, od) != 2 || !eng_width_ok(L, oa, st) ||
            !eng_width_ok(L, eng_op(L, 2), st))
            return eng_unsupported(L);
        uint32_t d = eng_dst(L, od), a = eng_src(L, oa, PTX_T_F32), b = eng_src(L, eng_op(L, 2), PTX_T_F32);
        e = eng_emit(L, h_cvt_fp8);
        e->d = d;
        e->a = a;
        e->b = b;
        e->mode2 = 0;
    } else if (is_fp8x2(dt) && st == PTX_T_F16X2 && pi->nopnds == 2) {
        if (!eng_has(pi, PTX_MOD_SATFINITE) || eng_reg_width(L, od) != 2 || !eng_width_ok(L, oa, PTX_T_B32))
            return eng_unsupported(L);
        uint32_t d = eng_dst(L, od), a = eng_src(L, oa, PTX_T_B32);
        e = eng_emit(L, h_cvt_fp8);
        e->d = d;
        e->a = a;
        e->mode2 = 1;
    } else if (dt == PTX_T_F16X2 && is_fp8x2(st) && pi->nopnds == 2) {
        if (eng_reg_width(L, od) != 4 || !eng_width_ok(L, oa, PTX_T_B16))
            return eng_unsupported(L);
        uint32_t d = eng_dst(L, od), a = eng_src(L, oa, PTX_T_B16);
        e = eng_emit(L, h_cvt_fp8);
        e->d = d;
        e->a = a;
        e->mode2 = 2;
    } else {
        return eng_unsupported(L);
    }
    e->mode = mode;
    return 0;
}
