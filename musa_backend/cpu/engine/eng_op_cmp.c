/*
 * eng_op_cmp.c - compare and select: setp, set, selp, slct for integer, bit and f32/f64 types
 * (f16/bf16 compares are in eng_op_half.c).
 *
 * Owns: every comparison operator with PTX's NaN rules (ordered eq/ne/lt/le/gt/ge are false
 * when an operand is NaN, the u-forms are true, num/nan test orderedness), the .and/.or/.xor
 * combination with a third predicate, the second destination p|q (the complement combined the
 * same way), and .ftz on f32 compares.  A compare builds 32 booleans and packs them into a
 * lane mask.
 */
#include "eng_fp.h"
#include "eng_ops.h"

/* mode: bits 0-1 combiner (0 none, 1 and, 2 or, 3 xor), bit 2 negate c, bit 3 write q (in->x) */
static inline int setp_finish(eng_warp *w, const eng_insn *in, uint32_t m, uint32_t p)
{
    uint32_t c = eng_pred(w, in->c) ^ ((in->mode & 4) ? ENG_FULL : 0);
    uint32_t q = ~p;
    switch (in->mode & 3) {
    case 1:
        p &= c;
        q &= c;
        break;
    case 2:
        p |= c;
        q |= c;
        break;
    case 3:
        p ^= c;
        q ^= c;
        break;
    default:
        break;
    }
    eng_set_pred(w, in->d, p, m);
    if (in->mode & 8)
        eng_set_pred(w, in->x, q, m);
    return ENG_OK;
}

#define SETP(name, T, PREP, EXPR)                                                         \
    ENG_H(name)                                                                           \
    {                                                                                     \
        const T *A_ = ENG_SLOT(const T, w, in->a), *B_ = ENG_SLOT(const T, w, in->b);     \
        uint8_t c_[ENG_LANES];                                                            \
        for (int l = 0; l < ENG_LANES; l++) {                                             \
            T a = PREP(A_[l]), b = PREP(B_[l]);                                           \
            c_[l] = (uint8_t)(EXPR);                                                      \
        }                                                                                 \
        return setp_finish(w, in, m, eng_pack(c_));                                       \
    }

#define ID(x) (x)

enum { C_EQ, C_NE, C_LT, C_LE, C_GT, C_GE, C_EQU, C_NEU, C_LTU, C_LEU, C_GTU, C_GEU, C_NUM, C_NAN, C_COUNT };

#define SETP_INT(sfx, T, UT, bits)                 \
    SETP(h_setp_##sfx##_eq, T, ID, a == b)         \
    SETP(h_setp_##sfx##_ne, T, ID, a != b)         \
    SETP(h_setp_##sfx##_lt, T, ID, a < b)          \
    SETP(h_setp_##sfx##_le, T, ID, a <= b)         \
    SETP(h_setp_##sfx##_gt, T, ID, a > b)          \
    SETP(h_setp_##sfx##_ge, T, ID, a >= b)
ENG_FOR_INTS(SETP_INT)

#define INT_ROW(sfx) {h_setp_##sfx##_eq, h_setp_##sfx##_ne, h_setp_##sfx##_lt, h_setp_##sfx##_le, \
                      h_setp_##sfx##_gt, h_setp_##sfx##_ge}
static const eng_fn setp_int[ENG_I_COUNT][6] = {INT_ROW(u16), INT_ROW(s16), INT_ROW(u32),
                                                 INT_ROW(s32), INT_ROW(u64), INT_ROW(s64)};

#define SETP_FLT(sfx, T, PREP)                                      \
    SETP(h_setp_##sfx##_eq, T, PREP, a == b)                        \
    SETP(h_setp_##sfx##_ne, T, PREP, a < b || a > b)                \
    SETP(h_setp_##sfx##_lt, T, PREP, a < b)                         \
    SETP(h_setp_##sfx##_le, T, PREP, a <= b)                        \
    SETP(h_setp_##sfx##_gt, T, PREP, a > b)                         \
    SETP(h_setp_##sfx##_ge, T, PREP, a >= b)                        \
    SETP(h_setp_##sfx##_equ, T, PREP, !(a < b || a > b))            \
    SETP(h_setp_##sfx##_neu, T, PREP, a != b)                       \
    SETP(h_setp_##sfx##_ltu, T, PREP, !(a >= b))                    \
    SETP(h_setp_##sfx##_leu, T, PREP, !(a > b))                     \
    SETP(h_setp_##sfx##_gtu, T, PREP, !(a <= b))                    \
    SETP(h_setp_##sfx##_geu, T, PREP, !(a < b))                     \
    SETP(h_setp_##sfx##_num, T, PREP, a == a && b == b)             \
    SETP(h_setp_##sfx##_nan, T, PREP, a != a || b != b)
SETP_FLT(f32, float, ID)
SETP_FLT(f32ftz, float, eng_ftz32)
SETP_FLT(f64, double, ID)

#define FLT_ROW(sfx)                                                                                  \
    {h_setp_##sfx##_eq,  h_setp_##sfx##_ne,  h_setp_##sfx##_lt,  h_setp_##sfx##_le,  h_setp_##sfx##_gt, \
     h_setp_##sfx##_ge,  h_setp_##sfx##_equ, h_setp_##sfx##_neu, h_setp_##sfx##_ltu, h_setp_##sfx##_leu, \
     h_setp_##sfx##_gtu, h_setp_##sfx##_geu, h_setp_##sfx##_num, h_setp_##sfx##_nan}
static const eng_fn setp_flt[3][C_COUNT] = {FLT_ROW(f32), FLT_ROW(f32ftz), FLT_ROW(f64)};

/* set: turn the predicate in->a into 1.0f / all ones / 0 */
ENG_H(h_set_int)
{
    uint32_t p = eng_pred(w, in->a);
    uint32_t r[ENG_LANES];
    for (int l = 0; l < ENG_LANES; l++)
        r[l] = (p & eng_lanebit[l]) ? 0xffffffffu : 0;
    eng_store32(w->regs + in->d, r, m);
    return ENG_OK;
}
ENG_H(h_set_f32)
{
    uint32_t p = eng_pred(w, in->a);
    uint32_t r[ENG_LANES];
    for (int l = 0; l < ENG_LANES; l++)
        r[l] = (p & eng_lanebit[l]) ? 0x3f800000u : 0;
    eng_store32(w->regs + in->d, r, m);
    return ENG_OK;
}

/* --- selp / slct --- */

#define SELP(bits, T)                                                                      \
    ENG_H(h_selp_##bits)                                                                   \
    {                                                                                      \
        const T *A = ENG_SLOT(const T, w, in->a), *B = ENG_SLOT(const T, w, in->b);        \
        uint32_t p = eng_pred(w, in->c);                                                   \
        T r[ENG_LANES];                                                                    \
        for (int l = 0; l < ENG_LANES; l++) {                                              \
            T k = (T)(0 - (T)((p & eng_lanebit[l]) != 0));                                 \
            r[l] = (T)(B[l] ^ ((A[l] ^ B[l]) & k));                                        \
        }                                                                                  \
        eng_store_w(w->regs + in->d, r, m, sizeof(T));                                     \
        return ENG_OK;                                                                     \
    }
SELP(16, uint16_t)
SELP(32, uint32_t)
SELP(64, uint64_t)

/* slct: d = c >= 0 ? a : b with c an s32 (mode 0) or f32 (mode 1, 2 = f32.ftz) */
#define SLCT(bits, T)                                                                      \
    ENG_H(h_slct_##bits)                                                                   \
    {                                                                                      \
        const T *A = ENG_SLOT(const T, w, in->a), *B = ENG_SLOT(const T, w, in->b);        \
        const uint32_t *C = ENG_SLOT(const uint32_t, w, in->c);                            \
        T r[ENG_LANES];                                                                    \
        for (int l = 0; l < ENG_LANES; l++) {                                              \
            int ge;                                                                        \
            if (in->mode == 0)                                                             \
                ge = (int32_t)C[l] >= 0;                                                   \
            else {                                                                         \
                float c = eng_u2f(C[l]);                                                   \
                if (in->mode == 2)                                                         \
                    c = eng_ftz32(c);                                                      \
                ge = c >= 0.0f;                                                            \
            }                                                                              \
            r[l] = ge ? A[l] : B[l];                                                       \
        }                                                                                  \
        eng_store_w(w->regs + in->d, r, m, sizeof(T));                                     \
        return ENG_OK;                                                                     \
    }
SLCT(16, uint16_t)
SLCT(32, uint32_t)
SLCT(64, uint64_t)

/* --- lowering --- */

static int cmp_code(const ptx_insn *pi, int is_float, int is_unsigned, int *bool_op)
{
    int cmp = -1;
    *bool_op = 0;
    for (unsigned i = 0; i < pi->nmods; i++) {
        int c = -1;
        switch (pi->mods[i]) {
        case PTX_MOD_EQ: c = C_EQ; break;
        case PTX_MOD_NE: c = C_NE; break;
        case PTX_MOD_LT: c = C_LT; break;
        case PTX_MOD_LE: c = C_LE; break;
        case PTX_MOD_GT: c = C_GT; break;
        case PTX_MOD_GE: c = C_GE; break;
        case PTX_MOD_LO: c = is_float || !is_unsigned ? -2 : C_LT; break;
        case PTX_MOD_LS: c = is_float || !is_unsigned ? -2 : C_LE; break;
        case PTX_MOD_HI: c = is_float || !is_unsigned ? -2 : C_GT; break;
        case PTX_MOD_HS: c = is_float || !is_unsigned ? -2 : C_GE; break;
        case PTX_MOD_EQU: c = is_float ? C_EQU : -2; break;
        case PTX_MOD_NEU: c = is_float ? C_NEU : -2; break;
        case PTX_MOD_LTU: c = is_float ? C_LTU : -2; break;
        case PTX_MOD_LEU: c = is_float ? C_LEU : -2; break;
        case PTX_MOD_GTU: c = is_float ? C_GTU : -2; break;
        case PTX_MOD_GEU: c = is_float ? C_GEU : -2; break;
        case PTX_MOD_NUM: c = is_float ? C_NUM : -2; break;
        case PTX_MOD_NANCMP: c = is_float ? C_NAN : -2; break;
        case PTX_MOD_AND: *bool_op = 1; break;
        case PTX_MOD_OR: *bool_op = 2; break;
        case PTX_MOD_XOR: *bool_op = 3; break;
        case PTX_MOD_FTZ: break;
        default: c = -2; break;
        }
        if (c == -2)
            return -1;
        if (c >= 0) {
            if (cmp >= 0)
                return -1;
            cmp = c;
        }
    }
    return cmp;
}

/* The compare handler for type t and comparison cmp, or NULL. */
static eng_fn compare_fn(const ptx_insn *pi, ptx_type t, int cmp)
{
    if (t == PTX_T_F32 || t == PTX_T_F64)
        return setp_flt[t == PTX_T_F64 ? 2 : eng_has(pi, PTX_MOD_FTZ) ? 1 : 0][cmp];
    int ti = eng_int_index(t);
    if (ti < 0 || cmp > C_GE)
        return NULL;
    if (ptx_type_cls(t) == PTX_TC_B && cmp != C_EQ && cmp != C_NE)
        return NULL;
    return setp_int[ti][cmp];
}

/* Emit the compare of operands a (1st source) and b into predicate slot dst (and q). */
static int emit_compare(eng_lower *L, const ptx_insn *pi, ptx_type t, unsigned ia, uint32_t dst, uint32_t q,
                        int has_q)
{
    int bool_op;
    int cmp = cmp_code(pi, t == PTX_T_F32 || t == PTX_T_F64, ptx_type_cls(t) != PTX_TC_S, &bool_op);
    if (cmp < 0)
        return eng_unsupported(L);
    eng_fn fn = compare_fn(pi, t, cmp);
    if (!fn || !eng_width_ok(L, eng_op(L, ia), t) || !eng_width_ok(L, eng_op(L, ia + 1), t))
        return eng_unsupported(L);
    uint32_t a = eng_src(L, eng_op(L, ia), t);
    uint32_t b = eng_src(L, eng_op(L, ia + 1), t);
    uint32_t c = ENG_F_ONES;
    uint16_t mode = (uint16_t)bool_op;
    if (bool_op) {
        const ptx_operand *po = eng_op(L, ia + 2);
        if (pi->nopnds < ia + 3 || (po->kind == PTX_OPND_REG && eng_reg_width(L, po) != 1))
            return eng_unsupported(L);
        c = eng_src(L, po, PTX_T_PRED);
        if (po->flags & PTX_OPND_F_NEG)
            mode |= 4;
    } else if (pi->nopnds > ia + 2) {
        return eng_unsupported(L);
    }
    if (has_q)
        mode |= 8;
    eng_insn *e = eng_emit(L, fn);
    e->d = dst;
    e->a = a;
    e->b = b;
    e->c = c;
    e->x = q;
    e->mode = mode;
    return 0;
}

static int lower_setp(eng_lower *L, const ptx_insn *pi)
{
    ptx_type t = eng_type(pi, 0);
    const ptx_operand *d = eng_op(L, 0);
    uint32_t p, q = 0;
    int has_q = 0;
    if (d->kind == PTX_OPND_PAIR) {
        const ptx_operand *p0 = eng_elem(L, d, 0), *p1 = eng_elem(L, d, 1);
        if ((p0->kind == PTX_OPND_REG && eng_reg_width(L, p0) != 1) ||
            (p1->kind == PTX_OPND_REG && eng_reg_width(L, p1) != 1))
            return eng_unsupported(L);
        p = eng_dst(L, p0);
        q = eng_dst(L, p1);
        has_q = 1;
    } else {
        if (eng_reg_width(L, d) != 1)
            return eng_unsupported(L);
        p = eng_dst(L, d);
    }
    return emit_compare(L, pi, t, 1, p, q, has_q);
}

static int lower_set(eng_lower *L, const ptx_insn *pi)
{
    ptx_type dt = eng_type(pi, 0), st = eng_type(pi, 1);
    if (pi->ntypes != 2 || (dt != PTX_T_U32 && dt != PTX_T_S32 && dt != PTX_T_F32 && dt != PTX_T_B32) ||
        !eng_width_ok(L, eng_op(L, 0), dt))
        return eng_unsupported(L);
    uint32_t tmp = eng_temp(L, 1);
    if (emit_compare(L, pi, st, 1, tmp, 0, 0))
        return -1;
    uint32_t d = eng_dst(L, eng_op(L, 0));
    eng_insn *e = eng_emit(L, dt == PTX_T_F32 ? h_set_f32 : h_set_int);
    e->d = d;
    e->a = tmp;
    return 0;
}

static int lower_selp(eng_lower *L, const ptx_insn *pi)
{
    ptx_type t = eng_type(pi, 0);
    unsigned wdt = eng_type_width(t);
    if (pi->ntypes != 1 || wdt < 2 || !eng_width_ok(L, eng_op(L, 0), t) ||
        !eng_width_ok(L, eng_op(L, 1), t) || !eng_width_ok(L, eng_op(L, 2), t))
        return eng_unsupported(L);
    const ptx_operand *po = eng_op(L, 3);
    if (po->kind == PTX_OPND_REG && eng_reg_width(L, po) != 1)
        return eng_unsupported(L);
    eng_fn fn = wdt == 2 ? h_selp_16 : wdt == 4 ? h_selp_32 : h_selp_64;
    if (eng_lower_dabc(L, fn, t, PTX_T_PRED))
        return -1;
    if (po->flags & PTX_OPND_F_NEG) { /* selp d, a, b, !p is selp d, b, a, p */
        eng_insn *e = eng_last(L);
        uint32_t a = e->a;
        e->a = e->b;
        e->b = a;
    }
    return 0;
}

static int lower_slct(eng_lower *L, const ptx_insn *pi)
{
    ptx_type t = eng_type(pi, 0), ct = eng_type(pi, 1);
    unsigned wdt = eng_type_width(t);
    if (pi->ntypes != 2 || wdt < 2 || (ct != PTX_T_S32 && ct != PTX_T_F32) || !eng_width_ok(L, eng_op(L, 0), t) ||
        !eng_width_ok(L, eng_op(L, 1), t) || !eng_width_ok(L, eng_op(L, 2), t) || !eng_width_ok(L, eng_op(L, 3), ct))
        return eng_unsupported(L);
    eng_fn fn = wdt == 2 ? h_slct_16 : wdt == 4 ? h_slct_32 : h_slct_64;
    if (eng_lower_dabc(L, fn, t, ct))
        return -1;
    eng_last(L)->mode = (uint16_t)(ct == PTX_T_S32 ? 0 : eng_has(pi, PTX_MOD_FTZ) ? 2 : 1);
    return 0;
}

int eng_lower_cmp(eng_lower *L, const ptx_insn *pi)
{
    switch (pi->op) {
    case PTX_OP_SETP:
        return pi->ntypes == 1 ? lower_setp(L, pi) : eng_unsupported(L);
    case PTX_OP_SET:
        return lower_set(L, pi);
    case PTX_OP_SELP:
        return lower_selp(L, pi);
    case PTX_OP_SLCT:
        return lower_slct(L, pi);
    default:
        return eng_unsupported(L);
    }
}
