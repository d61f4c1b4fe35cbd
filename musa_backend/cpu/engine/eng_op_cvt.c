/*
 * eng_op_cvt.c - cvt between all integer, f16, bf16, tf32, f32 and f64 types.
 *
 * Owns: PTX's conversion rules: integer narrowing truncates and widening sign- or zero-extends
 * by the source type (the source register may be wider than the source type: its low bits are
 * the value); .sat clamps to the destination range; float to integer rounds as .rni/.rzi/.rmi/
 * .rpi say, clamps to the destination range and turns NaN into 0; float results round as
 * .rn/.rz/.rm/.rp say (f64 -> f16 goes through a round-to-odd f32 so it is rounded once);
 * .ftz flushes f32 subnormals; .relu clamps negatives to 0; NaN results are canonical.
 * The common widenings/narrowings and int<->float forms have vectorised handlers; everything
 * else goes through one generic per-lane converter.
 */
#include "eng_fp.h"
#include "eng_ops.h"

/* flags in in->imm */
#define F_RND 7
#define F_INTEGRAL 8
#define F_SAT 16
#define F_FTZ 32
#define F_RELU 64

/* Unsigned 64-bit to f64/f32 in the current rounding mode.  Compilers convert values past
 * INT64_MAX with a subtraction that turns 0 into -0 under round-down; halving with the lost
 * bit kept as a sticky bit converts through the signed instruction instead, rounding once. */
static double u64_to_f64(uint64_t x)
{
    volatile int64_t s;
    if ((int64_t)x >= 0) {
        s = (int64_t)x;
        volatile double d = (double)s;
        return d;
    }
    s = (int64_t)((x >> 1) | (x & 1));
    volatile double d = (double)s;
    return d * 2.0;
}

static float u64_to_f32(uint64_t x)
{
    volatile int64_t s;
    if ((int64_t)x >= 0) {
        s = (int64_t)x;
        volatile float f = (float)s;
        return f;
    }
    s = (int64_t)((x >> 1) | (x & 1));
    volatile float f = (float)s;
    return f * 2.0f;
}

static int is_float_type(ptx_type t)
{
    return t == PTX_T_F16 || t == PTX_T_BF16 || t == PTX_T_F32 || t == PTX_T_F64 || t == PTX_T_TF32;
}

static double src_float(uint64_t raw, ptx_type t, int ftz)
{
    switch (t) {
    case PTX_T_F16:
        return eng_f16_to_f32((uint16_t)raw);
    case PTX_T_BF16:
        return eng_bf16_to_f32((uint16_t)raw);
    case PTX_T_F32:
    case PTX_T_TF32: {
        float f = eng_u2f((uint32_t)raw);
        return ftz ? eng_ftz32(f) : f;
    }
    default:
        return eng_u2d(raw);
    }
}

/* f64 -> f32 rounded to odd: a later rounding to a narrower format is then correct */
static float to_odd_f32(double d)
{
    if (d != d || isinf(d))
        return (float)d;
    int old = fegetround();
    fesetround(FE_TOWARDZERO);
    volatile double vd = d;
    volatile float f = (float)vd;
    fesetround(old);
    float r = f;
    if ((double)r != d) {
        uint32_t u = eng_f2u(r) | 1u;
        r = eng_u2f(u);
    }
    return r;
}

static uint64_t round_int(double v, int rnd, ptx_type dt)
{
    unsigned bytes = ptx_type_bytes(dt);
    int sgn = ptx_type_cls(dt) == PTX_TC_S;
    if (v != v)
        return 0;
    switch (rnd) {
    case ENG_RND_RN: v = nearbyint(v); break; /* host mode is round-to-nearest-even here */
    case ENG_RND_RM: v = floor(v); break;
    case ENG_RND_RP: v = ceil(v); break;
    default: v = trunc(v); break;
    }
    if (sgn) {
        double lo = -ldexp(1.0, (int)(8 * bytes - 1)), hi = ldexp(1.0, (int)(8 * bytes - 1));
        if (v < lo)
            return (uint64_t)(int64_t)lo;
        if (v >= hi)
            return bytes == 8 ? (uint64_t)INT64_MAX : (uint64_t)((1ull << (8 * bytes - 1)) - 1);
        return (uint64_t)(int64_t)v;
    }
    if (v <= 0)
        return 0;
    if (v >= ldexp(1.0, (int)(8 * bytes)))
        return bytes == 8 ? UINT64_MAX : (1ull << (8 * bytes)) - 1;
    return (uint64_t)v;
}

/* A value of type dt as its register holds it: truncated to the type, then sign- or
 * zero-extended to the register by the type's signedness. */
static uint64_t fit(uint64_t v, ptx_type dt)
{
    unsigned db = ptx_type_bytes(dt);
    if (db >= 8)
        return v;
    uint64_t top = 1ull << (8 * db - 1);
    v &= (top << 1) - 1;
    return ptx_type_cls(dt) == PTX_TC_S ? (v ^ top) - top : v;
}

/* integer -> integer with .sat clamping */
static uint64_t int_int(uint64_t raw, ptx_type st, ptx_type dt, int sat)
{
    unsigned sb = ptx_type_bytes(st), db = ptx_type_bytes(dt);
    int ss = ptx_type_cls(st) == PTX_TC_S, ds = ptx_type_cls(dt) == PTX_TC_S;
    int64_t sv = 0;
    uint64_t uv = 0;
    if (sb < 8) {
        uint64_t top = 1ull << (8 * sb - 1);
        raw &= (top << 1) - 1;
        if (ss)
            raw = (raw ^ top) - top;
    }
    sv = (int64_t)raw;
    uv = raw;
    if (sat) {
        if (ds) {
            int64_t lo = db == 8 ? INT64_MIN : -(int64_t)(1ull << (8 * db - 1));
            int64_t hi = db == 8 ? INT64_MAX : (int64_t)((1ull << (8 * db - 1)) - 1);
            if (ss)
                return (uint64_t)(sv < lo ? lo : sv > hi ? hi : sv);
            return uv > (uint64_t)hi ? (uint64_t)hi : uv;
        }
        uint64_t hi = db == 8 ? UINT64_MAX : (1ull << (8 * db)) - 1;
        if (ss && sv < 0)
            return 0;
        return uv > hi ? hi : uv;
    }
    return raw;
}

static uint64_t float_bits(double v, ptx_type dt, int rnd, int ftz, int sat, int relu)
{
    if (sat)
        v = v > 0.0 ? (v < 1.0 ? v : 1.0) : 0.0;
    if (relu && v < 0)
        v = 0.0;
    switch (dt) {
    case PTX_T_F64:
        return eng_d2u(eng_canon64(v));
    case PTX_T_F32: {
        volatile double vd = v;
        volatile float f = (float)vd; /* in the handler's rounding mode */
        float r = f;
        if (ftz)
            r = eng_ftz32(r);
        return eng_f2u(eng_canon32(r));
    }
    case PTX_T_TF32: {
        /* round to nearest, ties away (.rna), keeping 10 mantissa bits */
        uint32_t u = eng_f2u((float)v);
        if ((u & 0x7f800000u) != 0x7f800000u)
            u = (u + 0x1000u) & ~0x1fffu;
        return u;
    }
    case PTX_T_F16:
        return eng_f32_to_f16(to_odd_f32(v), rnd ? rnd : ENG_RND_RN);
    case PTX_T_BF16:
        return eng_f32_to_bf16(to_odd_f32(v), rnd ? rnd : ENG_RND_RN);
    default:
        return 0;
    }
}

static uint64_t cvt_one(uint64_t raw, ptx_type st, ptx_type dt, unsigned flags)
{
    int rnd = flags & F_RND, sat = (flags & F_SAT) != 0, ftz = (flags & F_FTZ) != 0;
    if (!is_float_type(dt)) {
        if (!is_float_type(st))
            return fit(int_int(raw, st, dt, sat), dt);
        return fit(round_int(src_float(raw, st, ftz), rnd, dt), dt);
    }
    double v;
    if (is_float_type(st)) {
        v = src_float(raw, st, ftz);
        if (flags & F_INTEGRAL) {
            switch (rnd) {
            case ENG_RND_RN: v = nearbyint(v); break;
            case ENG_RND_RM: v = floor(v); break;
            case ENG_RND_RP: v = ceil(v); break;
            default: v = trunc(v); break;
            }
        }
    } else {
        unsigned sb = ptx_type_bytes(st);
        if (ptx_type_cls(st) == PTX_TC_S) {
            uint64_t top = 1ull << (8 * sb - 1);
            if (sb < 8)
                raw = ((raw & ((top << 1) - 1)) ^ top) - top;
            int64_t s = (int64_t)raw;
            if (dt == PTX_T_F32) {
                volatile int64_t vs = s;
                volatile float f = (float)vs;
                float r = f;
                return eng_f2u(sat ? (r > 0 ? (r < 1 ? r : 1) : 0) : r);
            }
            if (dt == PTX_T_F64) {
                volatile int64_t vs = s;
                volatile double d = (double)vs;
                double r = d;
                return eng_d2u(sat ? (r > 0 ? (r < 1 ? r : 1) : 0) : r);
            }
            v = (double)s;
        } else {
            if (sb < 8)
                raw &= (1ull << (8 * sb)) - 1;
            if (dt == PTX_T_F32) {
                float r = u64_to_f32(raw);
                return eng_f2u(sat ? (r < 1 ? r : 1) : r);
            }
            if (dt == PTX_T_F64) {
                double r = u64_to_f64(raw);
                return eng_d2u(sat ? (r < 1 ? r : 1) : r);
            }
            v = u64_to_f64(raw);
        }
    }
    return float_bits(v, dt, rnd, ftz, sat, (flags & F_RELU) != 0);
}

/* mode: destination type, mode2: source type, c: source register width, b: destination width */
ENG_H(h_cvt)
{
    unsigned flags = (unsigned)in->imm;
    ptx_type dt = (ptx_type)in->mode, st = (ptx_type)in->mode2;
    unsigned sw = in->c, dw = in->b;
    const uint8_t *src = w->regs + in->a;
    uint8_t r[8 * ENG_LANES];
    memset(r, 0, sizeof r);
    int rnd = flags & F_RND;
    int set_mode = is_float_type(dt) && !(flags & F_INTEGRAL) && rnd > ENG_RND_RN;
    int old = fegetround();
    if (set_mode)
        fesetround(eng_fe_mode(rnd));
    for (uint32_t mm = m; mm; mm &= mm - 1) {
        int l = eng_ctz(mm);
        uint64_t raw = 0;
        memcpy(&raw, src + (size_t)l * sw, sw);
        uint64_t v = cvt_one(raw, st, dt, flags);
        memcpy(r + (size_t)l * dw, &v, dw);
    }
    if (set_mode)
        fesetround(old);
    eng_store_w(w->regs + in->d, r, m, dw);
    return ENG_OK;
}

/* --- fast forms --- */

ENG_EW1(h_cvt_f32_s32, float, int32_t, (float)a)
ENG_EW1(h_cvt_f32_u32, float, uint32_t, (float)a)
ENG_EW1(h_cvt_f64_s32, double, int32_t, (double)a)
ENG_EW1(h_cvt_f64_u32, double, uint32_t, (double)a)
ENG_EW1(h_cvt_f64_f32, double, float, eng_canon64((double)a))
ENG_EW1(h_cvt_f32_f64, float, double, eng_canon32((float)a))
ENG_EW1(h_cvt_s32_f32_rzi, int32_t, float,
        a != a ? 0 : a >= 2147483648.0f ? INT32_MAX : a <= -2147483648.0f ? INT32_MIN : (int32_t)a)
ENG_EW1(h_cvt_u32_f32_rzi, uint32_t, float,
        a != a ? 0 : a >= 4294967296.0f ? UINT32_MAX : a <= 0.0f ? 0 : (uint32_t)a)
ENG_EW1(h_cvt_s32_f64_rzi, int32_t, double,
        a != a ? 0 : a >= 2147483648.0 ? INT32_MAX : a <= -2147483649.0 ? INT32_MIN : (int32_t)a)

/* Integer to integer without .sat for any register widths: truncate/extend by the source
 * type, then by the destination type (mode = source type, mode2 = destination type). */
#define DEF_CVT_II(sw, dw, TS, TD)                                                          \
    ENG_H(h_cvt_ii_##sw##_##dw)                                                             \
    {                                                                                       \
        ptx_type st = (ptx_type)in->mode, dt = (ptx_type)in->mode2;                         \
        unsigned sb = ptx_type_bytes(st), db = ptx_type_bytes(dt);                          \
        uint64_t sm = sb >= 8 ? ~0ull : (1ull << (8 * sb)) - 1, dm = db >= 8 ? ~0ull : (1ull << (8 * db)) - 1; \
        uint64_t stop = ptx_type_cls(st) == PTX_TC_S && sb < 8 ? 1ull << (8 * sb - 1) : 0;  \
        uint64_t dtop = ptx_type_cls(dt) == PTX_TC_S && db < 8 ? 1ull << (8 * db - 1) : 0;  \
        const TS *A = ENG_SLOT(const TS, w, in->a);                                         \
        TD r[ENG_LANES];                                                                    \
        for (int l = 0; l < ENG_LANES; l++) {                                               \
            uint64_t v = ((((uint64_t)A[l] & sm) ^ stop) - stop) & dm;                      \
            r[l] = (TD)((v ^ dtop) - dtop);                                                 \
        }                                                                                   \
        eng_store_w(w->regs + in->d, r, m, sizeof(TD));                                     \
        return ENG_OK;                                                                      \
    }
DEF_CVT_II(2, 2, uint16_t, uint16_t)
DEF_CVT_II(2, 4, uint16_t, uint32_t)
DEF_CVT_II(2, 8, uint16_t, uint64_t)
DEF_CVT_II(4, 2, uint32_t, uint16_t)
DEF_CVT_II(4, 4, uint32_t, uint32_t)
DEF_CVT_II(4, 8, uint32_t, uint64_t)
DEF_CVT_II(8, 2, uint64_t, uint16_t)
DEF_CVT_II(8, 4, uint64_t, uint32_t)
DEF_CVT_II(8, 8, uint64_t, uint64_t)

/* The widenings and the narrowing of 64-bit index arithmetic (cvt.s64.s32, cvt.u64.u32,
 * cvt.u32.u64), without the general form's run-time masks so that they vectorise. */
ENG_EW1(h_cvt_sext_32_64, uint64_t, uint32_t, (uint64_t)(a ^ 0x80000000u) - 0x80000000u)
ENG_EW1(h_cvt_zext_32_64, uint64_t, uint32_t, (uint64_t)a)
ENG_EW1(h_cvt_trunc_64_32, uint32_t, uint64_t, (uint32_t)a)

static eng_fn cvt_ii(unsigned sw, unsigned dw, ptx_type st, ptx_type dt)
{
    unsigned sb = ptx_type_bytes(st), db = ptx_type_bytes(dt);
    if (sw == 4 && dw == 8 && sb == 4 && db == 8)
        return ptx_type_cls(st) == PTX_TC_S ? h_cvt_sext_32_64 : h_cvt_zext_32_64;
    if (sw == 8 && dw == 4 && sb == 8 && db == 4)
        return h_cvt_trunc_64_32;
    static const eng_fn t[3][3] = {{h_cvt_ii_2_2, h_cvt_ii_2_4, h_cvt_ii_2_8},
                                   {h_cvt_ii_4_2, h_cvt_ii_4_4, h_cvt_ii_4_8},
                                   {h_cvt_ii_8_2, h_cvt_ii_8_4, h_cvt_ii_8_8}};
    int i = sw == 2 ? 0 : sw == 4 ? 1 : 2, j = dw == 2 ? 0 : dw == 4 ? 1 : 2;
    return t[i][j];
}

static eng_fn fast_fn(ptx_type dt, ptx_type st, unsigned flags, unsigned dw, unsigned sw)
{
    unsigned rnd = flags & F_RND;
    if (flags & (F_SAT | F_FTZ | F_RELU))
        return NULL;
    if (dw != ptx_type_bytes(dt) || sw != ptx_type_bytes(st))
        return NULL;
    if (dt == PTX_T_F32 && (rnd == ENG_RND_RN || rnd == 0) && !(flags & F_INTEGRAL)) {
        if (st == PTX_T_S32)
            return h_cvt_f32_s32;
        if (st == PTX_T_U32)
            return h_cvt_f32_u32;
        if (st == PTX_T_F64)
            return h_cvt_f32_f64;
    }
    if (dt == PTX_T_F64 && !(flags & F_INTEGRAL)) {
        if (st == PTX_T_S32)
            return h_cvt_f64_s32;
        if (st == PTX_T_U32)
            return h_cvt_f64_u32;
        if (st == PTX_T_F32)
            return h_cvt_f64_f32;
    }
    if (rnd == ENG_RND_RZ) {
        if (dt == PTX_T_S32 && st == PTX_T_F32)
            return h_cvt_s32_f32_rzi;
        if (dt == PTX_T_U32 && st == PTX_T_F32)
            return h_cvt_u32_f32_rzi;
        if (dt == PTX_T_S32 && st == PTX_T_F64)
            return h_cvt_s32_f64_rzi;
    }
    return NULL;
}

/* cvt.rn(.relu).f16x2.f32 d, a, b: d = {half(a) in the high half, half(b) in the low half} */
ENG_H(h_cvt_pack_x2)
{
    const float *A = ENG_SLOT(const float, w, in->a), *B = ENG_SLOT(const float, w, in->b);
    uint32_t r[ENG_LANES];
    int bf = in->mode & 1, relu = in->mode & 2, rnd = in->mode2;
    for (int l = 0; l < ENG_LANES; l++) {
        float a = A[l], b = B[l];
        if (relu) {
            a = a < 0 ? 0.0f : a;
            b = b < 0 ? 0.0f : b;
        }
        uint32_t hi = bf ? eng_f32_to_bf16(a, rnd) : eng_f32_to_f16(a, rnd);
        uint32_t lo = bf ? eng_f32_to_bf16(b, rnd) : eng_f32_to_f16(b, rnd);
        r[l] = hi << 16 | lo;
    }
    eng_store32(w->regs + in->d, r, m);
    return ENG_OK;
}

/* .satfinite to f16/bf16 (one value, or two packed: mode2): infinities from finite inputs
 * become the largest finite value of their sign; NaN stays NaN.  Runs after the conversion on
 * its destination (c: its register width). */
ENG_H(h_satfinite16)
{
    uint16_t inf = in->mode ? 0x7f80 : 0x7c00, max = in->mode ? 0x7f7f : 0x7bff;
    unsigned halves = in->mode2 ? 2 : 1;
    uint8_t *d = w->regs + in->d;
    for (uint32_t mm = m; mm; mm &= mm - 1) {
        uint8_t *p = d + (size_t)eng_ctz(mm) * in->c;
        for (unsigned i = 0; i < halves; i++) {
            uint16_t h;
            memcpy(&h, p + 2 * i, 2);
            if ((h & 0x7fff) == inf)
                h = (uint16_t)((h & 0x8000) | max);
            memcpy(p + 2 * i, &h, 2);
        }
    }
    return ENG_OK;
}

static int lower_cvt_convert(eng_lower *L, const ptx_insn *pi);

int eng_lower_cvt(eng_lower *L, const ptx_insn *pi)
{
    ptx_type dt = eng_type(pi, 0), st = eng_type(pi, 1);
    if (!eng_cvt_narrow_form(pi) && pi->ntypes == 2 && eng_has(pi, PTX_MOD_SATFINITE) && st == PTX_T_F32 &&
        (dt == PTX_T_F16 || dt == PTX_T_BF16 || dt == PTX_T_F16X2 || dt == PTX_T_BF16X2) &&
        eng_op(L, 0)->kind == PTX_OPND_REG) {
        if (lower_cvt_convert(L, pi))
            return -1;
        eng_insn *e = eng_emit(L, h_satfinite16);
        e->d = eng_dst(L, eng_op(L, 0));
        e->mode = (uint16_t)(dt == PTX_T_BF16 || dt == PTX_T_BF16X2);
        e->mode2 = (uint16_t)(dt == PTX_T_F16X2 || dt == PTX_T_BF16X2);
        e->c = eng_reg_width(L, eng_op(L, 0));
        return 0;
    }
    return lower_cvt_convert(L, pi);
}

/* Everything but .satfinite to 16-bit floats, which runs this and then clamps. */
static int lower_cvt_convert(eng_lower *L, const ptx_insn *pi)
{
    ptx_type dt = eng_type(pi, 0), st = eng_type(pi, 1);
    if (eng_cvt_narrow_form(pi))
        return eng_lower_cvt_narrow(L, pi); /* FP8 pairs and cvt.pack: eng_op_cvt8.c */
    if (pi->ntypes != 2)
        return eng_unsupported(L);
    int satf16 = eng_has(pi, PTX_MOD_SATFINITE) && st == PTX_T_F32 &&
                 (dt == PTX_T_F16 || dt == PTX_T_BF16 || dt == PTX_T_F16X2 || dt == PTX_T_BF16X2);
    if ((eng_has(pi, PTX_MOD_SATFINITE) && !satf16) || eng_has(pi, PTX_MOD_PACK))
        return eng_unsupported(L);
    if ((dt == PTX_T_F16X2 || dt == PTX_T_BF16X2) && st == PTX_T_F32 && pi->nopnds == 3) {
        int rnd = eng_rounding(pi);
        if (rnd == 0 || rnd == ENG_RND_RNA || eng_reg_width(L, eng_op(L, 0)) != 4 ||
            !eng_width_ok(L, eng_op(L, 1), st) || !eng_width_ok(L, eng_op(L, 2), st))
            return eng_unsupported(L);
        if (eng_lower_dab(L, h_cvt_pack_x2, st))
            return -1;
        eng_last(L)->mode = (uint16_t)((dt == PTX_T_BF16X2 ? 1 : 0) | (eng_has(pi, PTX_MOD_RELU) ? 2 : 0));
        eng_last(L)->mode2 = (uint16_t)rnd;
        return 0;
    }
    if (pi->nopnds != 2)
        return eng_unsupported(L);
    unsigned db = ptx_type_bytes(dt), sb = ptx_type_bytes(st);
    if (db == 0 || db > 8 || sb == 0 || sb > 8 || dt == PTX_T_PRED || st == PTX_T_PRED)
        return eng_unsupported(L);
    if (dt == PTX_T_F16X2 || dt == PTX_T_BF16X2 || st == PTX_T_F16X2 || st == PTX_T_BF16X2 ||
        dt == PTX_T_E4M3 || dt == PTX_T_E5M2 || st == PTX_T_E4M3 || st == PTX_T_E5M2 ||
        dt == PTX_T_E4M3X2 || dt == PTX_T_E5M2X2 || st == PTX_T_E4M3X2 || st == PTX_T_E5M2X2)
        return eng_unsupported(L);
    const ptx_operand *d = eng_op(L, 0), *a = eng_op(L, 1);
    unsigned dw = eng_reg_width(L, d), sw = eng_reg_width(L, a);
    if (d->kind != PTX_OPND_REG || dw < 2 || dw < (db < 2 ? 2 : db))
        return eng_unsupported(L);
    if (a->kind == PTX_OPND_REG) {
        if (sw < 2 || sw < (sb < 2 ? 2 : sb))
            return eng_unsupported(L);
    } else {
        sw = sb < 2 ? 2 : sb;
    }
    unsigned flags = 0;
    int rnd = eng_rounding(pi);
    if (rnd == ENG_RND_RNA && dt != PTX_T_TF32)
        return eng_unsupported(L);
    for (unsigned i = 0; i < pi->nmods; i++)
        if (pi->mods[i] == PTX_MOD_RNI || pi->mods[i] == PTX_MOD_RZI || pi->mods[i] == PTX_MOD_RMI ||
            pi->mods[i] == PTX_MOD_RPI)
            flags |= F_INTEGRAL;
    if (rnd == ENG_RND_RNA)
        rnd = ENG_RND_RN;
    flags |= (unsigned)rnd;
    if (eng_has(pi, PTX_MOD_SAT))
        flags |= F_SAT;
    if (eng_has(pi, PTX_MOD_FTZ))
        flags |= F_FTZ;
    if (eng_has(pi, PTX_MOD_RELU))
        flags |= F_RELU;
    /* float -> integer without a rounding modifier: PTX requires one; round toward zero */
    ptx_type as = a->kind == PTX_OPND_REG ? st : st;
    uint32_t ds = eng_dst(L, d);
    uint32_t as_slot = eng_src(L, a, sw == 8 ? (is_float_type(st) && sb == 8 ? PTX_T_F64 : PTX_T_B64)
                                     : sw == 4 ? (st == PTX_T_F32 ? PTX_T_F32 : PTX_T_B32)
                                               : PTX_T_B16);
    (void)as;
    if (!is_float_type(dt) && !is_float_type(st) && !(flags & F_SAT)) {
        eng_insn *e = eng_emit(L, cvt_ii(sw, dw, st, dt));
        e->d = ds;
        e->a = as_slot;
        e->mode = (uint16_t)st;
        e->mode2 = (uint16_t)dt;
        return 0;
    }
    eng_fn fast = fast_fn(dt, st, flags, dw, sw);
    eng_insn *e = eng_emit(L, fast ? fast : h_cvt);
    e->d = ds;
    e->a = as_slot;
    e->mode = (uint16_t)dt;
    e->mode2 = (uint16_t)st;
    e->c = sw;
    e->b = dw;
    e->imm = (int64_t)flags;
    return 0;
}
