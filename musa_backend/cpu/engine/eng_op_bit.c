/*
 * eng_op_bit.c - logic and bit-field instructions: and or xor not cnot lop3 shl shr shf popc
 * clz bfind brev bfe bfi bmsk szext prmt, and the predicate forms of and/or/xor/not.
 *
 * Owns: PTX's exact results where C has none or differs: shifts by the register width or
 * more give 0 (or the sign fill for shr.s); bfe/bfi/bmsk/szext clamp positions as the ISA
 * describes; bfind and clz of zero.  Predicates are lane masks, so their logic is one word op.
 */
#include "eng_ops.h"

/* --- bitwise --- */

#define DEF_LOGIC(sfx, T)                                  \
    ENG_EW2(h_and_##sfx, T, T, a & b)                      \
    ENG_EW2(h_or_##sfx, T, T, a | b)                       \
    ENG_EW2(h_xor_##sfx, T, T, a ^ b)                      \
    ENG_EW1(h_not_##sfx, T, T, (T)~a)                      \
    ENG_EW1(h_cnot_##sfx, T, T, a == 0)
DEF_LOGIC(16, uint16_t)
DEF_LOGIC(32, uint32_t)
DEF_LOGIC(64, uint64_t)

/* shifts: the amount is a 32-bit register whatever the data width */
ENG_EW2X(h_shl_16, uint16_t, uint16_t, uint32_t, b >= 16 ? 0 : (uint16_t)(a << b))
ENG_EW2X(h_shl_32, uint32_t, uint32_t, uint32_t, b >= 32 ? 0 : a << b)
ENG_EW2X(h_shl_64, uint64_t, uint64_t, uint32_t, b >= 64 ? 0 : a << b)
ENG_EW2X(h_shr_u16, uint16_t, uint16_t, uint32_t, b >= 16 ? 0 : a >> b)
ENG_EW2X(h_shr_u32, uint32_t, uint32_t, uint32_t, b >= 32 ? 0 : a >> b)
ENG_EW2X(h_shr_u64, uint64_t, uint64_t, uint32_t, b >= 64 ? 0 : a >> b)
/* arithmetic right shift written without relying on C's implementation-defined >> of
 * negative values */
ENG_EW2X(h_shr_s16, uint16_t, uint16_t, uint32_t,
         (uint16_t)((a >> (b >= 16 ? 15 : b)) | ((a & 0x8000u) ? (uint16_t)~(0xffffu >> (b >= 16 ? 15 : b)) : 0)))
ENG_EW2X(h_shr_s32, uint32_t, uint32_t, uint32_t,
         (a >> (b >= 32 ? 31 : b)) | ((a >> 31) ? ~(0xffffffffu >> (b >= 32 ? 31 : b)) : 0))
ENG_EW2X(h_shr_s64, uint64_t, uint64_t, uint32_t,
         (a >> (b >= 64 ? 63 : b)) | ((a >> 63) ? ~(~0ull >> (b >= 64 ? 63 : b)) : 0))

/* A shift by an immediate count (address arithmetic: shl.b64 %rd, %rd, 2), kept in in->imm and
 * already below the width: one count for every lane, which the compiler turns into one vector
 * shift where per-lane counts are a scalar loop. */
#define DEF_SHIFT_IMM(bits, T)                                                                 \
    ENG_H(h_shl_imm_##bits)                                                                    \
    {                                                                                          \
        const T *A = ENG_SLOT(const T, w, in->a);                                              \
        unsigned s = (unsigned)in->imm;                                                        \
        T r[ENG_LANES];                                                                        \
        for (int l = 0; l < ENG_LANES; l++)                                                    \
            r[l] = (T)(A[l] << s);                                                             \
        eng_store_w(w->regs + in->d, r, m, sizeof(T));                                         \
        return ENG_OK;                                                                         \
    }                                                                                          \
    ENG_H(h_shr_u_imm_##bits)                                                                  \
    {                                                                                          \
        const T *A = ENG_SLOT(const T, w, in->a);                                              \
        unsigned s = (unsigned)in->imm;                                                        \
        T r[ENG_LANES];                                                                        \
        for (int l = 0; l < ENG_LANES; l++)                                                    \
            r[l] = (T)(A[l] >> s);                                                             \
        eng_store_w(w->regs + in->d, r, m, sizeof(T));                                         \
        return ENG_OK;                                                                         \
    }                                                                                          \
    ENG_H(h_shr_s_imm_##bits)                                                                  \
    {                                                                                          \
        const T *A = ENG_SLOT(const T, w, in->a);                                              \
        unsigned s = (unsigned)in->imm;                                                        \
        T r[ENG_LANES], fill = (T) ~((T)~(T)0 >> s);                                           \
        for (int l = 0; l < ENG_LANES; l++)                                                    \
            r[l] = (T)((A[l] >> s) | ((A[l] >> (bits - 1)) ? fill : 0));                        \
        eng_store_w(w->regs + in->d, r, m, sizeof(T));                                         \
        return ENG_OK;                                                                         \
    }
DEF_SHIFT_IMM(32, uint32_t)
DEF_SHIFT_IMM(64, uint64_t)

/* funnel shifts over b:a; mode bit 0: right, bit 1: clamp (else wrap) */
ENG_H(h_shf)
{
    const uint32_t *A = ENG_SLOT(const uint32_t, w, in->a), *B = ENG_SLOT(const uint32_t, w, in->b);
    const uint32_t *C = ENG_SLOT(const uint32_t, w, in->c);
    uint32_t r[ENG_LANES];
    int right = in->mode & 1, clamp = in->mode & 2;
    for (int l = 0; l < ENG_LANES; l++) {
        uint32_t n = clamp ? (C[l] > 32 ? 32 : C[l]) : (C[l] & 31);
        uint64_t v = (uint64_t)B[l] << 32 | A[l];
        r[l] = right ? (uint32_t)(v >> n) : (uint32_t)((v << n) >> 32);
    }
    eng_store32(w->regs + in->d, r, m);
    return ENG_OK;
}

/* --- counting --- */

ENG_EW1(h_popc_32, uint32_t, uint32_t, __builtin_popcount(a))
ENG_EW1(h_popc_64, uint32_t, uint64_t, __builtin_popcountll(a))
ENG_EW1(h_clz_32, uint32_t, uint32_t, a ? __builtin_clz(a) : 32)
ENG_EW1(h_clz_64, uint32_t, uint64_t, a ? __builtin_clzll(a) : 64)

static inline uint32_t bfind32(uint32_t a, int sgn, int shiftamt)
{
    if (sgn && (a >> 31))
        a = ~a;
    if (!a)
        return 0xffffffffu;
    uint32_t pos = 31 - (uint32_t)__builtin_clz(a);
    return shiftamt ? 31 - pos : pos;
}

static inline uint32_t bfind64(uint64_t a, int sgn, int shiftamt)
{
    if (sgn && (a >> 63))
        a = ~a;
    if (!a)
        return 0xffffffffu;
    uint32_t pos = 63 - (uint32_t)__builtin_clzll(a);
    return shiftamt ? 63 - pos : pos;
}

ENG_EW1(h_bfind_u32, uint32_t, uint32_t, bfind32(a, 0, 0))
ENG_EW1(h_bfind_s32, uint32_t, uint32_t, bfind32(a, 1, 0))
ENG_EW1(h_bfind_u32_sh, uint32_t, uint32_t, bfind32(a, 0, 1))
ENG_EW1(h_bfind_s32_sh, uint32_t, uint32_t, bfind32(a, 1, 1))
ENG_EW1(h_bfind_u64, uint32_t, uint64_t, bfind64(a, 0, 0))
ENG_EW1(h_bfind_s64, uint32_t, uint64_t, bfind64(a, 1, 0))
ENG_EW1(h_bfind_u64_sh, uint32_t, uint64_t, bfind64(a, 0, 1))
ENG_EW1(h_bfind_s64_sh, uint32_t, uint64_t, bfind64(a, 1, 1))

static inline uint32_t brev32(uint32_t x)
{
    x = ((x >> 1) & 0x55555555u) | ((x & 0x55555555u) << 1);
    x = ((x >> 2) & 0x33333333u) | ((x & 0x33333333u) << 2);
    x = ((x >> 4) & 0x0f0f0f0fu) | ((x & 0x0f0f0f0fu) << 4);
    x = ((x >> 8) & 0x00ff00ffu) | ((x & 0x00ff00ffu) << 8);
    return (x >> 16) | (x << 16);
}

ENG_EW1(h_brev_32, uint32_t, uint32_t, brev32(a))
ENG_EW1(h_brev_64, uint64_t, uint64_t, (uint64_t)brev32((uint32_t)a) << 32 | brev32((uint32_t)(a >> 32)))

/* --- bit fields --- */

static inline uint64_t bfe(uint64_t a, uint32_t b, uint32_t c, unsigned msb, int sgn)
{
    uint32_t pos = b & 0xff, len = c & 0xff;
    uint64_t sbit = 0;
    if (sgn && len != 0) {
        uint32_t i = pos + len - 1 < msb ? pos + len - 1 : msb;
        sbit = (a >> i) & 1;
    }
    uint64_t d = 0;
    for (unsigned i = 0; i <= msb; i++) {
        uint64_t bit = (i < len && pos + i <= msb) ? (a >> (pos + i)) & 1 : sbit;
        d |= bit << i;
    }
    return d;
}

#define DEF_BFE(name, T, msb, sgn)                                                        \
    ENG_H(name)                                                                           \
    {                                                                                     \
        const T *A = ENG_SLOT(const T, w, in->a);                                         \
        const uint32_t *B = ENG_SLOT(const uint32_t, w, in->b);                           \
        const uint32_t *C = ENG_SLOT(const uint32_t, w, in->c);                           \
        T r[ENG_LANES];                                                                   \
        for (int l = 0; l < ENG_LANES; l++)                                               \
            r[l] = (T)bfe(A[l], B[l], C[l], msb, sgn);                                    \
        eng_store_w(w->regs + in->d, r, m, sizeof(T));                                    \
        return ENG_OK;                                                                    \
    }
DEF_BFE(h_bfe_u32, uint32_t, 31, 0)
DEF_BFE(h_bfe_s32, uint32_t, 31, 1)
DEF_BFE(h_bfe_u64, uint64_t, 63, 0)
DEF_BFE(h_bfe_s64, uint64_t, 63, 1)

static inline uint64_t bfi(uint64_t f, uint64_t base, uint32_t c, uint32_t dlen, unsigned msb)
{
    uint32_t pos = c & 0xff, len = dlen & 0xff;
    uint64_t d = base;
    for (uint32_t i = 0; i < len && pos + i <= msb; i++) {
        uint64_t bit = (f >> i) & 1;
        d = (d & ~(1ull << (pos + i))) | (bit << (pos + i));
    }
    return d;
}

/* bfi d, a, b, c, e: operand e (length) lives in slot in->x */
#define DEF_BFI(bits, T, msb)                                                             \
    ENG_H(h_bfi_##bits)                                                                   \
    {                                                                                     \
        const T *A = ENG_SLOT(const T, w, in->a), *B = ENG_SLOT(const T, w, in->b);       \
        const uint32_t *C = ENG_SLOT(const uint32_t, w, in->c);                           \
        const uint32_t *E = ENG_SLOT(const uint32_t, w, in->x);                           \
        T r[ENG_LANES];                                                                   \
        for (int l = 0; l < ENG_LANES; l++)                                               \
            r[l] = (T)bfi(A[l], B[l], C[l], E[l], msb);                                   \
        eng_store_w(w->regs + in->d, r, m, sizeof(T));                                    \
        return ENG_OK;                                                                    \
    }
DEF_BFI(32, uint32_t, 31)
DEF_BFI(64, uint64_t, 63)

/* fns: the position of the |c|-th set bit of a counted from bit b towards the MSB (c > 0) or
 * the LSB (c < 0); c == 0 asks whether bit b itself is set; 0xffffffff when there is none */
ENG_H(h_fns)
{
    const uint32_t *A = ENG_SLOT(const uint32_t, w, in->a), *B = ENG_SLOT(const uint32_t, w, in->b);
    const int32_t *C = ENG_SLOT(const int32_t, w, in->c);
    uint32_t r[ENG_LANES];
    for (int l = 0; l < ENG_LANES; l++) {
        uint32_t mask = A[l], base = B[l], d = 0xffffffffu;
        int32_t off = C[l];
        if (base < 32) {
            if (off == 0) {
                d = (mask >> base) & 1 ? base : d;
            } else {
                /* the bits at and beyond base, nearest first; the n-th of them is the answer */
                uint32_t n = off > 0 ? (uint32_t)off : 0u - (uint32_t)off;
                uint32_t bits = off > 0 ? mask & (0xffffffffu << base) : mask & (0xffffffffu >> (31 - base));
                if ((uint32_t)eng_popc(bits) >= n) {
                    for (uint32_t i = 1; i < n; i++) /* drop the n-1 nearest */
                        bits &= off > 0 ? bits - 1 : ~(0x80000000u >> __builtin_clz(bits));
                    d = off > 0 ? (uint32_t)eng_ctz(bits) : 31u - (uint32_t)__builtin_clz(bits);
                }
            }
        }
        r[l] = d;
    }
    eng_store32(w->regs + in->d, r, m);
    return ENG_OK;
}

/* bmsk: mask of b bits starting at bit a; mode 1 = clamp, 0 = wrap */
ENG_H(h_bmsk)
{
    const uint32_t *A = ENG_SLOT(const uint32_t, w, in->a), *B = ENG_SLOT(const uint32_t, w, in->b);
    uint32_t r[ENG_LANES];
    for (int l = 0; l < ENG_LANES; l++) {
        uint32_t pos = A[l], len = B[l];
        if (in->mode) {
            pos = pos > 32 ? 32 : pos;
            len = len > 32 ? 32 : len;
        } else {
            pos &= 31;
            len &= 31;
        }
        uint64_t mask = (len >= 32 ? 0xffffffffull : ((1ull << len) - 1)) << pos;
        r[l] = (uint32_t)mask;
    }
    eng_store32(w->regs + in->d, r, m);
    return ENG_OK;
}

/* szext: keep the low b bits of a, sign- (mode bit 1) or zero-extended; mode bit 0 = clamp */
ENG_H(h_szext)
{
    const uint32_t *A = ENG_SLOT(const uint32_t, w, in->a), *B = ENG_SLOT(const uint32_t, w, in->b);
    uint32_t r[ENG_LANES];
    for (int l = 0; l < ENG_LANES; l++) {
        uint32_t n = (in->mode & 1) ? (B[l] > 32 ? 32 : B[l]) : (B[l] & 31);
        uint32_t v;
        if (n == 0)
            v = 0;
        else if (n == 32)
            v = A[l];
        else {
            v = A[l] & ((1u << n) - 1);
            if ((in->mode & 2) && ((v >> (n - 1)) & 1))
                v |= ~((1u << n) - 1);
        }
        r[l] = v;
    }
    eng_store32(w->regs + in->d, r, m);
    return ENG_OK;
}

/* prmt: bytes of b:a chosen by c.  mode 0: generic selectors; 1..6: f4e b4e rc8 ecl ecr rc16 */
static const uint8_t prmt_modes[6][4][4] = {
    /* listed as result bytes 0..3 */
    {{0, 1, 2, 3}, {1, 2, 3, 4}, {2, 3, 4, 5}, {3, 4, 5, 6}}, /* f4e */
    {{0, 7, 6, 5}, {1, 0, 7, 6}, {2, 1, 0, 7}, {3, 2, 1, 0}}, /* b4e */
    {{0, 0, 0, 0}, {1, 1, 1, 1}, {2, 2, 2, 2}, {3, 3, 3, 3}}, /* rc8 */
    {{0, 1, 2, 3}, {1, 1, 2, 3}, {2, 2, 2, 3}, {3, 3, 3, 3}}, /* ecl */
    {{0, 0, 0, 0}, {0, 1, 1, 1}, {0, 1, 2, 2}, {0, 1, 2, 3}}, /* ecr */
    {{0, 1, 0, 1}, {2, 3, 2, 3}, {0, 1, 0, 1}, {2, 3, 2, 3}}, /* rc16 */
};

ENG_H(h_prmt)
{
    const uint32_t *A = ENG_SLOT(const uint32_t, w, in->a), *B = ENG_SLOT(const uint32_t, w, in->b);
    const uint32_t *C = ENG_SLOT(const uint32_t, w, in->c);
    uint32_t r[ENG_LANES];
    for (int l = 0; l < ENG_LANES; l++) {
        uint64_t src = (uint64_t)B[l] << 32 | A[l];
        uint32_t c = C[l], d = 0;
        for (int i = 0; i < 4; i++) {
            uint32_t byte;
            if (in->mode == 0) {
                uint32_t sel = (c >> (4 * i)) & 0xf;
                byte = (uint32_t)(src >> (8 * (sel & 7))) & 0xff;
                if (sel & 8)
                    byte = (byte & 0x80) ? 0xff : 0;
            } else {
                uint32_t sel = prmt_modes[in->mode - 1][c & 3][i];
                byte = (uint32_t)(src >> (8 * sel)) & 0xff;
            }
            d |= byte << (8 * i);
        }
        r[l] = d;
    }
    eng_store32(w->regs + in->d, r, m);
    return ENG_OK;
}

/* lop3: any function of three inputs given as an 8-entry truth table (in->imm) */
ENG_H(h_lop3)
{
    const uint32_t *A = ENG_SLOT(const uint32_t, w, in->a), *B = ENG_SLOT(const uint32_t, w, in->b);
    const uint32_t *C = ENG_SLOT(const uint32_t, w, in->c);
    uint32_t r[ENG_LANES], lut = (uint32_t)in->imm;
    for (int l = 0; l < ENG_LANES; l++) {
        uint32_t a = A[l], b = B[l], c = C[l], d = 0;
        for (int k = 0; k < 8; k++)
            if (lut >> k & 1)
                d |= ((k & 4) ? a : ~a) & ((k & 2) ? b : ~b) & ((k & 1) ? c : ~c);
        r[l] = d;
    }
    eng_store32(w->regs + in->d, r, m);
    return ENG_OK;
}

/* lop3.{and,or} d|p, ..., q: p = (d != 0) and/or q (mode 0 and, 1 or; mode2 negates q) after
 * h_lop3 wrote d (a) */
ENG_H(h_lop3_pred)
{
    const uint32_t *D = ENG_SLOT(const uint32_t, w, in->a);
    uint32_t nz = 0, q = eng_pred(w, in->b) ^ (in->mode2 ? ENG_FULL : 0);
    for (int l = 0; l < ENG_LANES; l++)
        nz |= (uint32_t)(D[l] != 0) << l;
    eng_set_pred(w, in->d, in->mode ? nz | q : nz & q, m);
    return ENG_OK;
}

/* --- predicates: one 32-bit lane mask each; mode bits 0/1 negate a/b --- */

ENG_H(h_pand)
{
    uint32_t a = eng_pred(w, in->a) ^ (in->mode & 1 ? ENG_FULL : 0);
    uint32_t b = eng_pred(w, in->b) ^ (in->mode & 2 ? ENG_FULL : 0);
    eng_set_pred(w, in->d, a & b, m);
    return ENG_OK;
}
ENG_H(h_por)
{
    uint32_t a = eng_pred(w, in->a) ^ (in->mode & 1 ? ENG_FULL : 0);
    uint32_t b = eng_pred(w, in->b) ^ (in->mode & 2 ? ENG_FULL : 0);
    eng_set_pred(w, in->d, a | b, m);
    return ENG_OK;
}
ENG_H(h_pxor)
{
    uint32_t a = eng_pred(w, in->a) ^ (in->mode & 1 ? ENG_FULL : 0);
    uint32_t b = eng_pred(w, in->b) ^ (in->mode & 2 ? ENG_FULL : 0);
    eng_set_pred(w, in->d, a ^ b, m);
    return ENG_OK;
}
ENG_H(h_pnot)
{
    uint32_t a = eng_pred(w, in->a) ^ (in->mode & 1 ? ENG_FULL : 0);
    eng_set_pred(w, in->d, ~a, m);
    return ENG_OK;
}

/* --- lowering --- */

static int bits_index(ptx_type t)
{
    unsigned b = ptx_type_bytes(t);
    ptx_type_class c = ptx_type_cls(t);
    if (c != PTX_TC_B && c != PTX_TC_U && c != PTX_TC_S)
        return -1;
    return b == 2 ? 0 : b == 4 ? 1 : b == 8 ? 2 : -1;
}

static int lower_pred(eng_lower *L, const ptx_insn *pi)
{
    eng_fn fn = pi->op == PTX_OP_AND ? h_pand : pi->op == PTX_OP_OR ? h_por : pi->op == PTX_OP_XOR ? h_pxor
              : pi->op == PTX_OP_NOT ? h_pnot : NULL;
    if (!fn)
        return eng_unsupported(L);
    unsigned n = pi->op == PTX_OP_NOT ? 2 : 3;
    uint16_t mode = 0;
    uint32_t s[2] = {0, 0};
    for (unsigned i = 1; i < n; i++) {
        const ptx_operand *o = eng_op(L, i);
        if (o->kind == PTX_OPND_REG && eng_reg_width(L, o) != 1)
            return eng_unsupported(L);
        s[i - 1] = eng_src(L, o, PTX_T_PRED);
        if (o->flags & PTX_OPND_F_NEG)
            mode |= (uint16_t)(1u << (i - 1));
    }
    if (eng_reg_width(L, eng_op(L, 0)) != 1)
        return eng_unsupported(L);
    uint32_t d = eng_dst(L, eng_op(L, 0));
    eng_insn *e = eng_emit(L, fn);
    e->d = d;
    e->a = s[0];
    e->b = s[1];
    e->mode = mode;
    return 0;
}

static int check(eng_lower *L, unsigned i, ptx_type t)
{
    return eng_width_ok(L, eng_op(L, i), t);
}

/* lop3.{and,or}.b32 d|p, a, b, c, immLut, q */
static int lower_lop3_pred(eng_lower *L, const ptx_insn *pi, ptx_type t, int bi)
{
    int64_t lut;
    const ptx_operand *dp = eng_op(L, 0), *q = eng_op(L, 5);
    int or = eng_has(pi, PTX_MOD_OR), and = eng_has(pi, PTX_MOD_AND);
    if (bi != 1 || or == and || dp->kind != PTX_OPND_PAIR || !eng_imm(eng_op(L, 4), &lut) || !check(L, 1, t) ||
        !check(L, 2, t) || !check(L, 3, t))
        return eng_unsupported(L);
    const ptx_operand *d = eng_elem(L, dp, 0), *p = eng_elem(L, dp, 1);
    if ((d->kind == PTX_OPND_REG && eng_reg_width(L, d) != 4) || (p->kind == PTX_OPND_REG && eng_reg_width(L, p) != 1) ||
        (q->kind == PTX_OPND_REG && eng_reg_width(L, q) != 1))
        return eng_unsupported(L);
    uint32_t a = eng_src(L, eng_op(L, 1), t), b = eng_src(L, eng_op(L, 2), t), c = eng_src(L, eng_op(L, 3), t);
    uint32_t qs = eng_src(L, q, PTX_T_PRED);
    uint32_t ds = d->kind == PTX_OPND_REG ? eng_dst(L, d) : eng_temp(L, 4);
    uint32_t ps = eng_dst(L, p);
    eng_insn *e = eng_emit(L, h_lop3);
    e->d = ds;
    e->a = a;
    e->b = b;
    e->c = c;
    e->imm = lut & 0xff;
    e = eng_emit(L, h_lop3_pred);
    e->d = ps;
    e->a = ds;
    e->b = qs;
    e->mode = (uint16_t)or;
    e->mode2 = (uint16_t)((q->flags & PTX_OPND_F_NEG) != 0);
    return 0;
}

int eng_lower_bit(eng_lower *L, const ptx_insn *pi)
{
    ptx_type t = eng_type(pi, 0);
    if (t == PTX_T_PRED)
        return lower_pred(L, pi);
    int bi = bits_index(t);
    if (bi < 0 || pi->ntypes != 1)
        return eng_unsupported(L);
    int is_s = ptx_type_cls(t) == PTX_TC_S;
    switch (pi->op) {
    case PTX_OP_AND:
    case PTX_OP_OR:
    case PTX_OP_XOR: {
        static const eng_fn f[3][3] = {{h_and_16, h_and_32, h_and_64}, {h_or_16, h_or_32, h_or_64},
                                       {h_xor_16, h_xor_32, h_xor_64}};
        int k = pi->op == PTX_OP_AND ? 0 : pi->op == PTX_OP_OR ? 1 : 2;
        if (!check(L, 0, t) || !check(L, 1, t) || !check(L, 2, t))
            return eng_unsupported(L);
        return eng_lower_dab(L, f[k][bi], t);
    }
    case PTX_OP_NOT:
    case PTX_OP_CNOT: {
        static const eng_fn fn[3] = {h_not_16, h_not_32, h_not_64}, fc[3] = {h_cnot_16, h_cnot_32, h_cnot_64};
        if (!check(L, 0, t) || !check(L, 1, t))
            return eng_unsupported(L);
        return eng_lower_da(L, pi->op == PTX_OP_NOT ? fn[bi] : fc[bi], t);
    }
    case PTX_OP_SHL:
    case PTX_OP_SHR: {
        static const eng_fn shl[3] = {h_shl_16, h_shl_32, h_shl_64}, shru[3] = {h_shr_u16, h_shr_u32, h_shr_u64},
                            shrs[3] = {h_shr_s16, h_shr_s32, h_shr_s64};
        if (!check(L, 0, t) || !check(L, 1, t) || !check(L, 2, PTX_T_U32))
            return eng_unsupported(L);
        eng_fn fn = pi->op == PTX_OP_SHL ? shl[bi] : is_s ? shrs[bi] : shru[bi];
        int64_t count;
        if (bi > 0 && eng_imm(eng_op(L, 2), &count) && count >= 0 && count < 8 * (int64_t)eng_type_width(t)) {
            static const eng_fn shl_imm[2] = {h_shl_imm_32, h_shl_imm_64},
                                shru_imm[2] = {h_shr_u_imm_32, h_shr_u_imm_64},
                                shrs_imm[2] = {h_shr_s_imm_32, h_shr_s_imm_64};
            uint32_t d = eng_dst(L, eng_op(L, 0));
            uint32_t a = eng_src(L, eng_op(L, 1), t);
            eng_insn *e = eng_emit(L, pi->op == PTX_OP_SHL ? shl_imm[bi - 1]
                                      : is_s              ? shrs_imm[bi - 1]
                                                          : shru_imm[bi - 1]);
            e->d = d;
            e->a = a;
            e->imm = count;
            return 0;
        }
        uint32_t d = eng_dst(L, eng_op(L, 0));
        uint32_t a = eng_src(L, eng_op(L, 1), t);
        uint32_t b = eng_src(L, eng_op(L, 2), PTX_T_U32);
        eng_insn *e = eng_emit(L, fn);
        e->d = d;
        e->a = a;
        e->b = b;
        return 0;
    }
    case PTX_OP_SHF: {
        if (bi != 1 || !check(L, 0, t) || !check(L, 1, t) || !check(L, 2, t) || !check(L, 3, PTX_T_U32))
            return eng_unsupported(L);
        int right = eng_has(pi, PTX_MOD_R);
        if (!right && !eng_has(pi, PTX_MOD_L))
            return eng_unsupported(L);
        int r = eng_lower_dabc(L, h_shf, t, PTX_T_U32);
        if (!r)
            eng_last(L)->mode = (uint16_t)((right ? 1 : 0) | (eng_has(pi, PTX_MOD_CLAMP) ? 2 : 0));
        return r;
    }
    case PTX_OP_POPC:
    case PTX_OP_CLZ: {
        if (bi == 0 || !check(L, 0, PTX_T_U32) || !check(L, 1, t))
            return eng_unsupported(L);
        eng_fn fn = pi->op == PTX_OP_POPC ? (bi == 1 ? h_popc_32 : h_popc_64) : (bi == 1 ? h_clz_32 : h_clz_64);
        return eng_lower_da(L, fn, t);
    }
    case PTX_OP_BFIND: {
        if (bi == 0 || !check(L, 0, PTX_T_U32) || !check(L, 1, t))
            return eng_unsupported(L);
        int sh = eng_has(pi, PTX_MOD_SHIFTAMT);
        static const eng_fn f[2][2][2] = {{{h_bfind_u32, h_bfind_u32_sh}, {h_bfind_s32, h_bfind_s32_sh}},
                                          {{h_bfind_u64, h_bfind_u64_sh}, {h_bfind_s64, h_bfind_s64_sh}}};
        return eng_lower_da(L, f[bi - 1][is_s][sh], t);
    }
    case PTX_OP_BREV:
        if (bi == 0 || !check(L, 0, t) || !check(L, 1, t))
            return eng_unsupported(L);
        return eng_lower_da(L, bi == 1 ? h_brev_32 : h_brev_64, t);
    case PTX_OP_BFE: {
        if (bi == 0 || !check(L, 0, t) || !check(L, 1, t) || !check(L, 2, PTX_T_U32) || !check(L, 3, PTX_T_U32))
            return eng_unsupported(L);
        static const eng_fn f[2][2] = {{h_bfe_u32, h_bfe_s32}, {h_bfe_u64, h_bfe_s64}};
        uint32_t d = eng_dst(L, eng_op(L, 0));
        uint32_t a = eng_src(L, eng_op(L, 1), t);
        uint32_t b = eng_src(L, eng_op(L, 2), PTX_T_U32);
        uint32_t c = eng_src(L, eng_op(L, 3), PTX_T_U32);
        eng_insn *e = eng_emit(L, f[bi - 1][is_s]);
        e->d = d;
        e->a = a;
        e->b = b;
        e->c = c;
        return 0;
    }
    case PTX_OP_BFI: {
        if (bi == 0 || !check(L, 0, t) || !check(L, 1, t) || !check(L, 2, t) || !check(L, 3, PTX_T_U32) ||
            !check(L, 4, PTX_T_U32))
            return eng_unsupported(L);
        uint32_t d = eng_dst(L, eng_op(L, 0));
        uint32_t a = eng_src(L, eng_op(L, 1), t);
        uint32_t b = eng_src(L, eng_op(L, 2), t);
        uint32_t c = eng_src(L, eng_op(L, 3), PTX_T_U32);
        uint32_t x = eng_src(L, eng_op(L, 4), PTX_T_U32);
        eng_insn *e = eng_emit(L, bi == 1 ? h_bfi_32 : h_bfi_64);
        e->d = d;
        e->a = a;
        e->b = b;
        e->c = c;
        e->x = x;
        return 0;
    }
    case PTX_OP_BMSK:
        if (bi != 1 || !check(L, 0, t) || !check(L, 1, PTX_T_U32) || !check(L, 2, PTX_T_U32))
            return eng_unsupported(L);
        if (eng_lower_dab(L, h_bmsk, PTX_T_U32))
            return -1;
        eng_last(L)->mode = eng_has(pi, PTX_MOD_CLAMP) ? 1 : 0;
        return 0;
    case PTX_OP_FNS: /* fns.b32 d, mask, base, offset */
        if (bi != 1 || !check(L, 0, t) || !check(L, 1, t) || !check(L, 2, PTX_T_U32) || !check(L, 3, PTX_T_S32))
            return eng_unsupported(L);
        return eng_lower_dabc(L, h_fns, PTX_T_U32, PTX_T_S32);
    case PTX_OP_SZEXT:
        if (bi != 1 || !check(L, 0, t) || !check(L, 1, t) || !check(L, 2, PTX_T_U32))
            return eng_unsupported(L);
        if (eng_lower_dab(L, h_szext, PTX_T_U32))
            return -1;
        eng_last(L)->mode = (uint16_t)((eng_has(pi, PTX_MOD_CLAMP) ? 1 : 0) | (is_s ? 2 : 0));
        return 0;
    case PTX_OP_PRMT: {
        if (bi != 1 || !check(L, 0, t) || !check(L, 1, t) || !check(L, 2, t) || !check(L, 3, t))
            return eng_unsupported(L);
        uint16_t mode = 0;
        static const ptx_mod mods[6] = {PTX_MOD_F4E, PTX_MOD_B4E, PTX_MOD_RC8, PTX_MOD_ECL, PTX_MOD_ECR, PTX_MOD_RC16};
        for (int i = 0; i < 6; i++)
            if (eng_has(pi, mods[i]))
                mode = (uint16_t)(i + 1);
        if (eng_lower_dabc(L, h_prmt, t, t))
            return -1;
        eng_last(L)->mode = mode;
        return 0;
    }
    case PTX_OP_LOP3: {
        int64_t lut;
        if (pi->nopnds == 6) /* the form with a predicate result */
            return lower_lop3_pred(L, pi, t, bi);
        if (bi != 1 || pi->nopnds != 5 || !eng_imm(eng_op(L, 4), &lut) || !check(L, 0, t) || !check(L, 1, t) ||
            !check(L, 2, t) || !check(L, 3, t))
            return eng_unsupported(L);
        if (eng_lower_dabc(L, h_lop3, t, t))
            return -1;
        eng_last(L)->imm = lut & 0xff;
        return 0;
    }
    default:
        return eng_unsupported(L);
    }
}
