/*
 * eng_op_int.c - integer arithmetic: add sub addc subc mul mad madc mul24 mad24 sad div rem
 * abs neg min max dp4a dp2a, for .u16/.s16/.u32/.s32/.u64/.s64.
 *
 * Owns: the exact PTX semantics of these operations (wrap-around, .sat clamping, .hi/.wide
 * product halves, carry chains through the frame's carry word, and the results PTX hardware
 * gives where C has none: division by zero gives all ones (quotient) or the dividend
 * (remainder), INT_MIN / -1 wraps).
 */
#include "eng_ops.h"

typedef __int128 eng_i128;
typedef unsigned __int128 eng_u128;

/* --- add / sub / mul.lo / mad.lo and friends (wrap-around in the unsigned type) --- */

#define DEF_BASIC(sfx, T, UT, bits)                                                         \
    ENG_EW2(h_add_##sfx, T, T, (UT)((UT)a + (UT)b))                                         \
    ENG_EW2(h_sub_##sfx, T, T, (UT)((UT)a - (UT)b))                                         \
    ENG_EW2(h_mullo_##sfx, T, T, (UT)((UT)a * (UT)b))                                       \
    ENG_EW3(h_madlo_##sfx, T, T, T, (UT)((UT)a * (UT)b + (UT)c))                            \
    ENG_EW2(h_min_##sfx, T, T, a < b ? a : b)                                               \
    ENG_EW2(h_max_##sfx, T, T, a > b ? a : b)                                               \
    ENG_EW1(h_neg_##sfx, T, T, (UT)(0 - (UT)a))                                             \
    ENG_EW3(h_sad_##sfx, T, T, T, (UT)((UT)(a > b ? (UT)a - (UT)b : (UT)b - (UT)a) + (UT)c))
ENG_FOR_INTS(DEF_BASIC)

static const eng_fn fn_add[] = ENG_INT_TABLE(h_add), fn_sub[] = ENG_INT_TABLE(h_sub),
                    fn_mullo[] = ENG_INT_TABLE(h_mullo), fn_madlo[] = ENG_INT_TABLE(h_madlo),
                    fn_min[] = ENG_INT_TABLE(h_min), fn_max[] = ENG_INT_TABLE(h_max),
                    fn_neg[] = ENG_INT_TABLE(h_neg), fn_sad[] = ENG_INT_TABLE(h_sad);

/* abs: only signed types are legal; INT_MIN stays INT_MIN */
ENG_EW1(h_abs_s16, int16_t, int16_t, a < 0 ? (uint16_t)(0 - (uint16_t)a) : a)
ENG_EW1(h_abs_s32, int32_t, int32_t, a < 0 ? (uint32_t)(0 - (uint32_t)a) : (uint32_t)a)
ENG_EW1(h_abs_s64, int64_t, int64_t, a < 0 ? (uint64_t)(0 - (uint64_t)a) : (uint64_t)a)

/* add.sat.s32 / sub.sat.s32 */
ENG_EW2(h_addsat_s32, int32_t, int32_t,
        (int64_t)a + b > INT32_MAX ? INT32_MAX : (int64_t)a + b < INT32_MIN ? INT32_MIN : a + b)
ENG_EW2(h_subsat_s32, int32_t, int32_t,
        (int64_t)a - b > INT32_MAX ? INT32_MAX : (int64_t)a - b < INT32_MIN ? INT32_MIN : a - b)

/* --- high halves and wide products --- */

ENG_EW2(h_mulhi_u16, uint16_t, uint16_t, ((uint32_t)a * b) >> 16)
ENG_EW2(h_mulhi_s16, int16_t, int16_t, (uint16_t)(((int32_t)a * b) >> 16))
ENG_EW2(h_mulhi_u32, uint32_t, uint32_t, ((uint64_t)a * b) >> 32)
ENG_EW2(h_mulhi_s32, int32_t, int32_t, (uint32_t)((uint64_t)((int64_t)a * b) >> 32))
ENG_EW2(h_mulhi_u64, uint64_t, uint64_t, (uint64_t)(((eng_u128)a * b) >> 64))
ENG_EW2(h_mulhi_s64, int64_t, int64_t, (uint64_t)((eng_u128)((eng_i128)a * b) >> 64))
static const eng_fn fn_mulhi[] = ENG_INT_TABLE(h_mulhi);

ENG_EW3(h_madhi_u16, uint16_t, uint16_t, uint16_t, (uint16_t)((((uint32_t)a * b) >> 16) + c))
ENG_EW3(h_madhi_s16, int16_t, int16_t, int16_t, (uint16_t)((uint16_t)(((int32_t)a * b) >> 16) + (uint16_t)c))
ENG_EW3(h_madhi_u32, uint32_t, uint32_t, uint32_t, (uint32_t)((((uint64_t)a * b) >> 32) + c))
ENG_EW3(h_madhi_s32, int32_t, int32_t, int32_t,
        (uint32_t)((uint32_t)((uint64_t)((int64_t)a * b) >> 32) + (uint32_t)c))
ENG_EW3(h_madhi_u64, uint64_t, uint64_t, uint64_t, (uint64_t)(((eng_u128)a * b) >> 64) + c)
ENG_EW3(h_madhi_s64, int64_t, int64_t, int64_t,
        (uint64_t)((eng_u128)((eng_i128)a * b) >> 64) + (uint64_t)c)
static const eng_fn fn_madhi[] = ENG_INT_TABLE(h_madhi);

/* mad.hi.sat.s32: the high word of a*b plus c, clamped */
ENG_EW3(h_madhisat_s32, int32_t, int32_t, int32_t,
        ((int64_t)((int64_t)a * b >> 32) + c) > INT32_MAX   ? INT32_MAX
        : ((int64_t)((int64_t)a * b >> 32) + c) < INT32_MIN ? INT32_MIN
                                                             : (int32_t)(((int64_t)a * b >> 32) + c))

ENG_EW2(h_mulwide_u16, uint32_t, uint16_t, (uint32_t)a * b)
ENG_EW2(h_mulwide_s16, int32_t, int16_t, (int32_t)a * b)
ENG_EW2(h_mulwide_u32, uint64_t, uint32_t, (uint64_t)a * b)
ENG_EW2(h_mulwide_s32, int64_t, int32_t, (int64_t)a * b)
ENG_EW3(h_madwide_u16, uint32_t, uint16_t, uint32_t, (uint32_t)a * b + c)
ENG_EW3(h_madwide_s16, int32_t, int16_t, int32_t, (uint32_t)((int32_t)a * b) + (uint32_t)c)
ENG_EW3(h_madwide_u32, uint64_t, uint32_t, uint64_t, (uint64_t)a * b + c)
ENG_EW3(h_madwide_s32, int64_t, int32_t, int64_t, (uint64_t)((int64_t)a * b) + (uint64_t)c)

/* mul24 / mad24: products of the low 24 bits (sign-extended for .s32) */
#define S24(x) ((int32_t)((uint32_t)(x) << 8) >> 8)
ENG_EW2(h_mul24lo_u32, uint32_t, uint32_t, (a & 0xffffffu) * (b & 0xffffffu))
ENG_EW2(h_mul24lo_s32, int32_t, int32_t, (uint32_t)((int64_t)S24(a) * S24(b)))
ENG_EW2(h_mul24hi_u32, uint32_t, uint32_t, (uint32_t)(((uint64_t)(a & 0xffffffu) * (b & 0xffffffu)) >> 16))
ENG_EW2(h_mul24hi_s32, int32_t, int32_t, (uint32_t)((uint64_t)((int64_t)S24(a) * S24(b)) >> 16))
ENG_EW3(h_mad24lo_u32, uint32_t, uint32_t, uint32_t, (a & 0xffffffu) * (b & 0xffffffu) + c)
ENG_EW3(h_mad24lo_s32, int32_t, int32_t, int32_t, (uint32_t)((int64_t)S24(a) * S24(b)) + (uint32_t)c)
ENG_EW3(h_mad24hi_u32, uint32_t, uint32_t, uint32_t,
        (uint32_t)(((uint64_t)(a & 0xffffffu) * (b & 0xffffffu)) >> 16) + c)
ENG_EW3(h_mad24hi_s32, int32_t, int32_t, int32_t,
        (uint32_t)((uint64_t)((int64_t)S24(a) * S24(b)) >> 16) + (uint32_t)c)

/* --- division --- */

#define DEF_DIV_U(sfx, T)                                                \
    ENG_EW2_COSTLY(h_div_##sfx, T, T, b ? (T)(a / b) : (T)~(T)0)         \
    ENG_EW2_COSTLY(h_rem_##sfx, T, T, b ? (T)(a % b) : a)
#define DEF_DIV_S(sfx, T, UT)                                                                     \
    ENG_EW2_COSTLY(h_div_##sfx, T, T, b == 0 ? (T)-1 : b == -1 ? (T)(UT)(0 - (UT)a) : (T)(a / b)) \
    ENG_EW2_COSTLY(h_rem_##sfx, T, T, b == 0 ? a : b == -1 ? (T)0 : (T)(a % b))
DEF_DIV_U(u16, uint16_t)
DEF_DIV_S(s16, int16_t, uint16_t)
DEF_DIV_U(u32, uint32_t)
DEF_DIV_S(s32, int32_t, uint32_t)
DEF_DIV_U(u64, uint64_t)
DEF_DIV_S(s64, int64_t, uint64_t)
static const eng_fn fn_div[] = ENG_INT_TABLE(h_div), fn_rem[] = ENG_INT_TABLE(h_rem);

/* --- carry chains: the carry flag is one bit per lane in the frame header --- */

static inline uint32_t *carry(eng_warp *w)
{
    return ENG_SLOT(uint32_t, w, ENG_F_CARRY);
}

/* mode bit 0: use carry-in; bit 1: write carry-out; bit 2: subtract.  As on the hardware, a
 * subtraction computes a + ~b + CF, so after sub.cc the flag is 1 when there was NO borrow
 * (nvcc's own __int128 division reads it with addc after subc.cc). */
#define DEF_CARRY(sfx, UT)                                                                  \
    ENG_H(h_addcc_##sfx)                                                                    \
    {                                                                                       \
        const UT *A = ENG_SLOT(const UT, w, in->a), *B = ENG_SLOT(const UT, w, in->b);      \
        UT r[ENG_LANES];                                                                    \
        uint32_t cin = *carry(w), cout = 0;                                                 \
        int sub = in->mode & 4, usec = in->mode & 1;                                        \
        for (int l = 0; l < ENG_LANES; l++) {                                               \
            UT a = A[l], b = B[l], ci = usec ? (UT)((cin >> l) & 1) : 0, x;                 \
            uint32_t co;                                                                    \
            if (!sub) {                                                                     \
                x = (UT)(a + b);                                                            \
                co = x < a;                                                                 \
                UT y = (UT)(x + ci);                                                        \
                co |= y < x;                                                                \
                x = y;                                                                      \
            } else { /* a + ~b + CF: the flag holds the carry, i.e. NOT the borrow */       \
                UT bi = usec ? (UT)(ci ^ 1) : 0;                                            \
                x = (UT)(a - b);                                                            \
                co = a < b;                                                                 \
                co |= x < bi;                                                               \
                x = (UT)(x - bi);                                                           \
                co ^= 1;                                                                    \
            }                                                                               \
            r[l] = x;                                                                       \
            cout |= co << l;                                                                \
        }                                                                                   \
        eng_store_w(w->regs + in->d, r, m, sizeof(UT));                                     \
        if (in->mode & 2)                                                                   \
            *carry(w) = (cin & ~m) | (cout & m);                                            \
        return ENG_OK;                                                                      \
    }
DEF_CARRY(32, uint32_t)
DEF_CARRY(64, uint64_t)

/* mad(c).lo/hi(.cc): d = (a*b).lo|hi + c (+ carry-in); carry-out of the addition */
#define DEF_MADC(sfx, UT, WT, ST, WST, bits)                                                \
    ENG_H(h_madcc_##sfx)                                                                    \
    {                                                                                       \
        const UT *A = ENG_SLOT(const UT, w, in->a), *B = ENG_SLOT(const UT, w, in->b);      \
        const UT *C = ENG_SLOT(const UT, w, in->c);                                         \
        UT r[ENG_LANES];                                                                    \
        uint32_t cin = *carry(w), cout = 0;                                                 \
        int hi = in->mode & 8, sgn = in->mode & 16, usec = in->mode & 1;                    \
        for (int l = 0; l < ENG_LANES; l++) {                                               \
            WT p = sgn ? (WT)((WST)(ST)A[l] * (WST)(ST)B[l]) : (WT)A[l] * B[l];             \
            UT x = hi ? (UT)(p >> bits) : (UT)p;                                            \
            UT ci = usec ? (UT)((cin >> l) & 1) : 0;                                        \
            UT y = (UT)(x + C[l]);                                                          \
            uint32_t co = y < x;                                                            \
            UT z = (UT)(y + ci);                                                            \
            co |= z < y;                                                                    \
            r[l] = z;                                                                       \
            cout |= co << l;                                                                \
        }                                                                                   \
        eng_store_w(w->regs + in->d, r, m, sizeof(UT));                                     \
        if (in->mode & 2)                                                                   \
            *carry(w) = (cin & ~m) | (cout & m);                                            \
        return ENG_OK;                                                                      \
    }
DEF_MADC(32, uint32_t, uint64_t, int32_t, int64_t, 32)
DEF_MADC(64, uint64_t, eng_u128, int64_t, eng_i128, 64)

/* --- dot products --- */

static inline int32_t byte_of(uint32_t v, int i, int sgn)
{
    uint32_t b = (v >> (8 * i)) & 0xff;
    return sgn ? (int32_t)(int8_t)b : (int32_t)b;
}

static inline int32_t half_of(uint32_t v, int i, int sgn)
{
    uint32_t h = (v >> (16 * i)) & 0xffff;
    return sgn ? (int32_t)(int16_t)h : (int32_t)h;
}

/* mode bit 0: a signed, bit 1: b signed, bit 2: dp2a .hi (bytes 2-3 of b) */
ENG_H(h_dp4a)
{
    const uint32_t *A = ENG_SLOT(const uint32_t, w, in->a), *B = ENG_SLOT(const uint32_t, w, in->b);
    const uint32_t *C = ENG_SLOT(const uint32_t, w, in->c);
    uint32_t r[ENG_LANES];
    int sa = in->mode & 1, sb = in->mode & 2;
    for (int l = 0; l < ENG_LANES; l++) {
        int64_t s = 0;
        for (int i = 0; i < 4; i++)
            s += (int64_t)byte_of(A[l], i, sa) * byte_of(B[l], i, sb);
        r[l] = (uint32_t)((uint64_t)s + C[l]);
    }
    eng_store32(w->regs + in->d, r, m);
    return ENG_OK;
}

ENG_H(h_dp2a)
{
    const uint32_t *A = ENG_SLOT(const uint32_t, w, in->a), *B = ENG_SLOT(const uint32_t, w, in->b);
    const uint32_t *C = ENG_SLOT(const uint32_t, w, in->c);
    uint32_t r[ENG_LANES];
    int sa = in->mode & 1, sb = in->mode & 2, hi = (in->mode & 4) ? 2 : 0;
    for (int l = 0; l < ENG_LANES; l++) {
        int64_t s = 0;
        for (int i = 0; i < 2; i++)
            s += (int64_t)half_of(A[l], i, sa) * byte_of(B[l], i + hi, sb);
        r[l] = (uint32_t)((uint64_t)s + C[l]);
    }
    eng_store32(w->regs + in->d, r, m);
    return ENG_OK;
}

/* --- lowering --- */

static int widths_ok(eng_lower *L, unsigned n, ptx_type t)
{
    for (unsigned i = 0; i < n; i++)
        if (!eng_width_ok(L, eng_op(L, i), t))
            return 0;
    return 1;
}

/* min/max.relu.s32: negative results clamp to 0 */
ENG_EW2(h_minrelu_s32, int32_t, int32_t, (a < b ? a : b) < 0 ? 0 : (a < b ? a : b))
ENG_EW2(h_maxrelu_s32, int32_t, int32_t, (a > b ? a : b) < 0 ? 0 : (a > b ? a : b))

/* .u16x2/.s16x2 (sm_90): the operation on each 16-bit half; .relu clamps negative halves to 0 */
static inline uint32_t pk16(uint32_t a, uint32_t b, int op, int sgn, int relu)
{
    uint32_t r = 0;
    for (int h = 0; h < 32; h += 16) {
        uint32_t ua = (a >> h) & 0xffffu, ub = (b >> h) & 0xffffu;
        int32_t x = sgn ? (int16_t)ua : (int32_t)ua, y = sgn ? (int16_t)ub : (int32_t)ub, v;
        switch (op) {
        case 0: v = (int32_t)(ua + ub); break;
        case 1: v = (int32_t)(ua - ub); break;
        case 2: v = x < y ? x : y; break;
        default: v = x > y ? x : y; break;
        }
        if (relu && (int16_t)(uint16_t)v < 0)
            v = 0;
        r |= ((uint32_t)v & 0xffffu) << h;
    }
    return r;
}
ENG_EW2(h_add_16x2, uint32_t, uint32_t, pk16(a, b, 0, 0, 0))
ENG_EW2(h_sub_16x2, uint32_t, uint32_t, pk16(a, b, 1, 0, 0))
ENG_EW2(h_min_u16x2, uint32_t, uint32_t, pk16(a, b, 2, 0, 0))
ENG_EW2(h_max_u16x2, uint32_t, uint32_t, pk16(a, b, 3, 0, 0))
ENG_EW2(h_min_s16x2, uint32_t, uint32_t, pk16(a, b, 2, 1, 0))
ENG_EW2(h_max_s16x2, uint32_t, uint32_t, pk16(a, b, 3, 1, 0))
ENG_EW2(h_minrelu_s16x2, uint32_t, uint32_t, pk16(a, b, 2, 1, 1))
ENG_EW2(h_maxrelu_s16x2, uint32_t, uint32_t, pk16(a, b, 3, 1, 1))

static int lower_16x2(eng_lower *L, const ptx_insn *pi, ptx_type t)
{
    int s = t == PTX_T_S16X2, relu = eng_has(pi, PTX_MOD_RELU), mn = pi->op == PTX_OP_MIN;
    eng_fn f = NULL;
    if (!widths_ok(L, 3, PTX_T_U32) || eng_has(pi, PTX_MOD_SAT) || eng_has(pi, PTX_MOD_CC))
        return eng_unsupported(L);
    switch (pi->op) {
    case PTX_OP_ADD:
    case PTX_OP_SUB:
        if (!relu)
            f = pi->op == PTX_OP_ADD ? h_add_16x2 : h_sub_16x2;
        break;
    case PTX_OP_MIN:
    case PTX_OP_MAX:
        if (!s)
            f = relu ? NULL : mn ? h_min_u16x2 : h_max_u16x2;
        else
            f = relu ? (mn ? h_minrelu_s16x2 : h_maxrelu_s16x2) : (mn ? h_min_s16x2 : h_max_s16x2);
        break;
    default:
        break;
    }
    return f ? eng_lower_dab(L, f, PTX_T_U32) : eng_unsupported(L);
}

static int lower_carry(eng_lower *L, const ptx_insn *pi, ptx_type t, int ti)
{
    int is64 = ti == ENG_I_U64 || ti == ENG_I_S64;
    if (ti < ENG_I_U32 || !widths_ok(L, 3, t))
        return eng_unsupported(L);
    uint16_t mode = 0;
    if (pi->op == PTX_OP_ADDC || pi->op == PTX_OP_SUBC)
        mode |= 1;
    if (eng_has(pi, PTX_MOD_CC))
        mode |= 2;
    if (pi->op == PTX_OP_SUB || pi->op == PTX_OP_SUBC)
        mode |= 4;
    int r = eng_lower_dab(L, is64 ? h_addcc_64 : h_addcc_32, t);
    if (!r)
        eng_last(L)->mode = mode;
    return r;
}

static int lower_mad(eng_lower *L, const ptx_insn *pi, ptx_type t, int ti)
{
    int wide = eng_has(pi, PTX_MOD_WIDE), hi = eng_has(pi, PTX_MOD_HI);
    int cc = eng_has(pi, PTX_MOD_CC) || pi->op == PTX_OP_MADC;
    if (cc) {
        if (ti < ENG_I_U32 || wide || !widths_ok(L, 4, t))
            return eng_unsupported(L);
        uint16_t mode = (uint16_t)((pi->op == PTX_OP_MADC ? 1 : 0) | (eng_has(pi, PTX_MOD_CC) ? 2 : 0) |
                                   (hi ? 8 : 0) | ((ti & 1) ? 16 : 0));
        int is64 = ti >= ENG_I_U64;
        int r = eng_lower_dabc(L, is64 ? h_madcc_64 : h_madcc_32, t, t);
        if (!r)
            eng_last(L)->mode = mode;
        return r;
    }
    if (wide) {
        static const eng_fn f[] = {h_madwide_u16, h_madwide_s16, h_madwide_u32, h_madwide_s32, NULL, NULL};
        static const ptx_type wt[] = {PTX_T_U32, PTX_T_S32, PTX_T_U64, PTX_T_S64, 0, 0};
        if (!f[ti] || !eng_width_ok(L, eng_op(L, 1), t) || !eng_width_ok(L, eng_op(L, 2), t) ||
            !eng_width_ok(L, eng_op(L, 0), wt[ti]) || !eng_width_ok(L, eng_op(L, 3), wt[ti]))
            return eng_unsupported(L);
        return eng_lower_dabc(L, f[ti], t, wt[ti]);
    }
    if (!widths_ok(L, 4, t))
        return eng_unsupported(L);
    if (hi && eng_has(pi, PTX_MOD_SAT))
        return ti == ENG_I_S32 ? eng_lower_dabc(L, h_madhisat_s32, t, t) : eng_unsupported(L);
    return eng_lower_dabc(L, hi ? fn_madhi[ti] : fn_madlo[ti], t, t);
}

static int lower_24(eng_lower *L, const ptx_insn *pi, ptx_type t, int ti)
{
    int hi = eng_has(pi, PTX_MOD_HI), s = ti == ENG_I_S32;
    if (ti != ENG_I_U32 && ti != ENG_I_S32)
        return eng_unsupported(L);
    if (pi->op == PTX_OP_MUL24) {
        if (!widths_ok(L, 3, t))
            return eng_unsupported(L);
        return eng_lower_dab(L, hi ? (s ? h_mul24hi_s32 : h_mul24hi_u32) : (s ? h_mul24lo_s32 : h_mul24lo_u32), t);
    }
    if (!widths_ok(L, 4, t) || eng_has(pi, PTX_MOD_SAT))
        return eng_unsupported(L);
    return eng_lower_dabc(L, hi ? (s ? h_mad24hi_s32 : h_mad24hi_u32) : (s ? h_mad24lo_s32 : h_mad24lo_u32), t, t);
}

static int lower_dot(eng_lower *L, const ptx_insn *pi)
{
    ptx_type ta = eng_type(pi, 0), tb = eng_type(pi, 1);
    if ((ta != PTX_T_U32 && ta != PTX_T_S32) || (tb != PTX_T_U32 && tb != PTX_T_S32) || !widths_ok(L, 4, PTX_T_U32))
        return eng_unsupported(L);
    uint16_t mode = (uint16_t)((ta == PTX_T_S32 ? 1 : 0) | (tb == PTX_T_S32 ? 2 : 0));
    if (pi->op == PTX_OP_DP2A && eng_has(pi, PTX_MOD_HI))
        mode |= 4;
    int r = eng_lower_dabc(L, pi->op == PTX_OP_DP4A ? h_dp4a : h_dp2a, PTX_T_U32, PTX_T_U32);
    if (!r)
        eng_last(L)->mode = mode;
    return r;
}

int eng_lower_int(eng_lower *L, const ptx_insn *pi)
{
    if (pi->op == PTX_OP_DP4A || pi->op == PTX_OP_DP2A)
        return lower_dot(L, pi);
    ptx_type t = eng_type(pi, 0);
    if ((t == PTX_T_U16X2 || t == PTX_T_S16X2) && pi->ntypes == 1)
        return lower_16x2(L, pi, t);
    int ti = eng_int_index(t);
    if (ti < 0 || pi->ntypes != 1)
        return eng_unsupported(L);
    switch (pi->op) {
    case PTX_OP_ADD:
    case PTX_OP_SUB:
        if (eng_has(pi, PTX_MOD_CC))
            return lower_carry(L, pi, t, ti);
        if (!widths_ok(L, 3, t))
            return eng_unsupported(L);
        if (eng_has(pi, PTX_MOD_SAT))
            return ti == ENG_I_S32 ? eng_lower_dab(L, pi->op == PTX_OP_ADD ? h_addsat_s32 : h_subsat_s32, t)
                                   : eng_unsupported(L);
        return eng_lower_dab(L, pi->op == PTX_OP_ADD ? fn_add[ti] : fn_sub[ti], t);
    case PTX_OP_ADDC:
    case PTX_OP_SUBC:
        return lower_carry(L, pi, t, ti);
    case PTX_OP_MUL:
        if (eng_has(pi, PTX_MOD_WIDE)) {
            static const eng_fn f[] = {h_mulwide_u16, h_mulwide_s16, h_mulwide_u32, h_mulwide_s32, NULL, NULL};
            static const ptx_type wt[] = {PTX_T_U32, PTX_T_S32, PTX_T_U64, PTX_T_S64, 0, 0};
            if (!f[ti] || !eng_width_ok(L, eng_op(L, 1), t) || !eng_width_ok(L, eng_op(L, 2), t) ||
                !eng_width_ok(L, eng_op(L, 0), wt[ti]))
                return eng_unsupported(L);
            return eng_lower_dab(L, f[ti], t);
        }
        if (!widths_ok(L, 3, t))
            return eng_unsupported(L);
        return eng_lower_dab(L, eng_has(pi, PTX_MOD_HI) ? fn_mulhi[ti] : fn_mullo[ti], t);
    case PTX_OP_MAD:
    case PTX_OP_MADC:
        return lower_mad(L, pi, t, ti);
    case PTX_OP_MUL24:
    case PTX_OP_MAD24:
        return lower_24(L, pi, t, ti);
    case PTX_OP_SAD:
        return widths_ok(L, 4, t) ? eng_lower_dabc(L, fn_sad[ti], t, t) : eng_unsupported(L);
    case PTX_OP_DIV:
        return widths_ok(L, 3, t) ? eng_lower_dab(L, fn_div[ti], t) : eng_unsupported(L);
    case PTX_OP_REM:
        return widths_ok(L, 3, t) ? eng_lower_dab(L, fn_rem[ti], t) : eng_unsupported(L);
    case PTX_OP_MIN:
    case PTX_OP_MAX:
        if (!widths_ok(L, 3, t))
            return eng_unsupported(L);
        if (eng_has(pi, PTX_MOD_RELU))
            return ti == ENG_I_S32 ? eng_lower_dab(L, pi->op == PTX_OP_MIN ? h_minrelu_s32 : h_maxrelu_s32, t)
                                   : eng_unsupported(L);
        return eng_lower_dab(L, pi->op == PTX_OP_MIN ? fn_min[ti] : fn_max[ti], t);
    case PTX_OP_NEG:
        return widths_ok(L, 2, t) ? eng_lower_da(L, fn_neg[ti], t) : eng_unsupported(L);
    case PTX_OP_ABS: {
        eng_fn f = ti == ENG_I_S16 ? h_abs_s16 : ti == ENG_I_S32 ? h_abs_s32 : ti == ENG_I_S64 ? h_abs_s64 : NULL;
        return widths_ok(L, 2, t) ? eng_lower_da(L, f, t) : eng_unsupported(L);
    }
    default:
        return eng_unsupported(L);
    }
}
