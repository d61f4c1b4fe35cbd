/*
 * eng_op_half.c - f16, f16x2, bf16 and bf16x2 arithmetic, comparisons and the few special
 * functions cuda_fp16.h / cuda_bf16.h emit: add sub mul fma neg abs min max setp set ex2
 * tanh rcp sqrt rsqrt.
 *
 * Owns: half-precision results rounded exactly once.  Each operation is computed in double
 * rounded to odd (products of 16-bit values are exact; sums get their rounding error from
 * two-sum), and rounding that to half (through a round-to-odd f32) equals rounding the exact
 * result, because double has more than twice the bits.  No floating-point environment is
 * touched: it is slow to switch, and it is the host program's.  NaN results
 * are the canonical 0x7fff; .ftz flushes half subnormals; .sat clamps to [0, 1]; .relu clamps
 * negatives to 0.  x2 forms apply the operation to both 16-bit halves.
 */
#include "eng_fp.h"
#include "eng_ops.h"

enum { H_ADD, H_SUB, H_MUL, H_FMA, H_MIN, H_MAX, H_NEG, H_ABS, H_EX2, H_TANH, H_RCP, H_SQRT, H_RSQRT };

/* mode2 flags */
#define HF_BF 1
#define HF_X2 2
#define HF_FTZ 4
#define HF_SAT 8
#define HF_RELU 16
#define HF_NAN 32

static inline float h_decode(uint16_t h, int bf, int ftz)
{
    if (ftz && (h & 0x7fff) && !(h & (bf ? 0x7f80 : 0x7c00)))
        h &= 0x8000; /* subnormal input -> signed zero */
    return bf ? eng_bf16_to_f32(h) : eng_f16_to_f32(h);
}

static inline uint16_t h_encode(double v, int bf, int ftz)
{
    if (v != v)
        return 0x7fff;
    /* v is rounded to odd in double: round it to odd in f32 (the nearest float, moved toward
     * zero when it lies beyond v, with its last bit set when inexact), then to nearest in the
     * 16-bit format, which rounds the exact value once (f32 has more than 11 + 2 bits) */
    float f = (float)v;
    if ((double)f != v && !isinf(f)) {
        uint32_t u = eng_f2u(f);
        if (fabs((double)f) > fabs(v))
            u--; /* one step toward zero: the magnitude's bits */
        f = eng_u2f(u | 1u);
    }
    uint16_t h = bf ? eng_f32_to_bf16(f, 1) : eng_f32_to_f16(f, 1);
    if (ftz && (h & 0x7fff) && !(h & (bf ? 0x7f80 : 0x7c00)))
        h &= 0x8000;
    return h;
}

/* x + y (exactly representable operands) rounded to odd in double: the nearest sum s and its
 * exact error e (Knuth's two-sum) give the truncated value, whose last bit is then set. */
static double sum_to_odd(double x, double y)
{
    double s = x + y;
    if (s != s || isinf(s))
        return s;
    double yv = s - x, e = (x - (s - yv)) + (y - yv);
    if (e == 0)
        return s;
    uint64_t u = eng_d2u(s);
    if ((e < 0) != (s < 0))
        u--; /* s lies beyond the exact sum: one step toward zero */
    return eng_u2d(u | 1u);
}

/* the exact result rounded to odd in double (16-bit operands: their product is exact) */
static double h_compute(int op, double x, double y, double z)
{
    switch (op) {
    case H_ADD: return sum_to_odd(x, y);
    case H_SUB: return sum_to_odd(x, -y);
    case H_MUL: return x * y;
    default: return sum_to_odd(x * y, z);
    }
}

static uint16_t h_one(int op, uint16_t ha, uint16_t hb, uint16_t hc, unsigned fl)
{
    int bf = fl & HF_BF, ftz = (fl & HF_FTZ) != 0;
    float a = h_decode(ha, bf, ftz), b = h_decode(hb, bf, ftz), c = h_decode(hc, bf, ftz);
    double r;
    switch (op) {
    case H_NEG:
        return ha ^ 0x8000;
    case H_ABS:
        return ha & 0x7fff;
    case H_MIN:
    case H_MAX: {
        if (a != a || b != b) {
            if ((fl & HF_NAN) || (a != a && b != b))
                return 0x7fff;
            return a != a ? hb : ha;
        }
        if (a == b) /* -0 below +0 */
            return op == H_MIN ? (uint16_t)(ha | hb) : (uint16_t)(ha & hb);
        return (op == H_MIN ? a < b : a > b) ? ha : hb;
    }
    case H_EX2:
        r = exp2((double)a);
        break;
    case H_TANH:
        r = tanh((double)a);
        break;
    case H_RCP:
        r = 1.0 / a;
        break;
    case H_SQRT:
        r = sqrt((double)a);
        break;
    case H_RSQRT:
        r = 1.0 / sqrt((double)a);
        break;
    default:
        r = h_compute(op, a, b, c);
        break;
    }
    if (fl & HF_SAT)
        r = r > 0.0 ? (r < 1.0 ? r : 1.0) : 0.0;
    if ((fl & HF_RELU) && r < 0)
        r = 0.0;
    return h_encode(r, bf, ftz);
}

/* mode = op, mode2 = flags; operands are 16-bit slots, or 32-bit for x2 */
ENG_H(h_half)
{
    unsigned fl = in->mode2;
    int op = in->mode;
    if (fl & HF_X2) {
        const uint32_t *A = ENG_SLOT(const uint32_t, w, in->a), *B = ENG_SLOT(const uint32_t, w, in->b);
        const uint32_t *C = ENG_SLOT(const uint32_t, w, in->c);
        uint32_t r[ENG_LANES];
        memset(r, 0, sizeof r);
        for (uint32_t mm = m; mm; mm &= mm - 1) {
            int l = eng_ctz(mm);
            uint32_t lo = h_one(op, (uint16_t)A[l], (uint16_t)B[l], (uint16_t)C[l], fl);
            uint32_t hi = h_one(op, (uint16_t)(A[l] >> 16), (uint16_t)(B[l] >> 16), (uint16_t)(C[l] >> 16), fl);
            r[l] = hi << 16 | lo;
        }
        eng_store32(w->regs + in->d, r, m);
    } else {
        const uint16_t *A = ENG_SLOT(const uint16_t, w, in->a), *B = ENG_SLOT(const uint16_t, w, in->b);
        const uint16_t *C = ENG_SLOT(const uint16_t, w, in->c);
        uint16_t r[ENG_LANES];
        memset(r, 0, sizeof r);
        for (uint32_t mm = m; mm; mm &= mm - 1) {
            int l = eng_ctz(mm);
            r[l] = h_one(op, A[l], B[l], C[l], fl);
        }
        eng_store16(w->regs + in->d, r, m);
    }
    return ENG_OK;
}

/* --- comparisons --- */

enum { C_EQ, C_NE, C_LT, C_LE, C_GT, C_GE, C_EQU, C_NEU, C_LTU, C_LEU, C_GTU, C_GEU, C_NUM, C_NAN };

static int h_cmp(int c, float a, float b)
{
    switch (c) {
    case C_EQ: return a == b;
    case C_NE: return a < b || a > b;
    case C_LT: return a < b;
    case C_LE: return a <= b;
    case C_GT: return a > b;
    case C_GE: return a >= b;
    case C_EQU: return !(a < b || a > b);
    case C_NEU: return a != b;
    case C_LTU: return !(a >= b);
    case C_LEU: return !(a > b);
    case C_GTU: return !(a <= b);
    case C_GEU: return !(a < b);
    case C_NUM: return a == a && b == b;
    default: return a != a || b != b;
    }
}

/* setp: mode = comparison, mode2 = flags | bool op << 8 | negate c << 10; d = p (low half),
 * x = q (high half of x2, or the complement for scalars when mode2 bit 11), c = bool operand */
ENG_H(h_half_setp)
{
    unsigned fl = in->mode2 & 0xff, bop = (in->mode2 >> 8) & 3;
    int bf = fl & HF_BF, ftz = (fl & HF_FTZ) != 0;
    uint32_t p = 0, q = 0;
    for (int l = 0; l < ENG_LANES; l++) {
        uint32_t a, b;
        if (fl & HF_X2) {
            a = ENG_SLOT(uint32_t, w, in->a)[l];
            b = ENG_SLOT(uint32_t, w, in->b)[l];
        } else {
            a = ENG_SLOT(uint16_t, w, in->a)[l];
            b = ENG_SLOT(uint16_t, w, in->b)[l];
        }
        int lo = h_cmp(in->mode, h_decode((uint16_t)a, bf, ftz), h_decode((uint16_t)b, bf, ftz));
        p |= (uint32_t)lo << l;
        if (fl & HF_X2)
            q |= (uint32_t)h_cmp(in->mode, h_decode((uint16_t)(a >> 16), bf, ftz), h_decode((uint16_t)(b >> 16), bf, ftz)) << l;
        else
            q |= (uint32_t)!lo << l;
    }
    uint32_t c = eng_pred(w, in->c) ^ ((in->mode2 & 0x400) ? ENG_FULL : 0);
    switch (bop) {
    case 1: p &= c; q &= c; break;
    case 2: p |= c; q |= c; break;
    case 3: p ^= c; q ^= c; break;
    default: break;
    }
    eng_set_pred(w, in->d, p, m);
    if ((fl & HF_X2) || (in->mode2 & 0x800))
        eng_set_pred(w, in->x, q, m);
    return ENG_OK;
}

/* set.cmp.dtype.f16x2: per half 1.0 (f16 0x3c00 / bf16 0x3f80) or all ones (u32/s32 dtype) */
ENG_H(h_half_set)
{
    unsigned fl = in->mode2 & 0xff;
    int bf = fl & HF_BF, ftz = (fl & HF_FTZ) != 0, x2 = fl & HF_X2;
    uint16_t one = (in->x == 1) ? (bf ? 0x3f80 : 0x3c00) : 0xffff;
    uint8_t out[4 * ENG_LANES];
    memset(out, 0, sizeof out);
    for (uint32_t mm = m; mm; mm &= mm - 1) {
        int l = eng_ctz(mm);
        uint32_t a, b;
        if (x2) {
            a = ENG_SLOT(uint32_t, w, in->a)[l];
            b = ENG_SLOT(uint32_t, w, in->b)[l];
        } else {
            a = ENG_SLOT(uint16_t, w, in->a)[l];
            b = ENG_SLOT(uint16_t, w, in->b)[l];
        }
        uint32_t lo = h_cmp(in->mode, h_decode((uint16_t)a, bf, ftz), h_decode((uint16_t)b, bf, ftz)) ? one : 0;
        uint32_t hi = x2 && h_cmp(in->mode, h_decode((uint16_t)(a >> 16), bf, ftz), h_decode((uint16_t)(b >> 16), bf, ftz)) ? one : 0;
        uint32_t v = x2 ? (hi << 16 | lo) : lo;
        if (in->c == 4)
            memcpy(out + 4 * l, &v, 4);
        else
            memcpy(out + 2 * l, &v, 2);
    }
    if (in->c == 4)
        eng_store32(w->regs + in->d, out, m);
    else
        eng_store16(w->regs + in->d, out, m);
    return ENG_OK;
}

/* --- lowering --- */

static int cmp_code(const ptx_insn *pi, int *bool_op)
{
    static const struct { ptx_mod m; int c; } map[] = {
        {PTX_MOD_EQ, C_EQ},   {PTX_MOD_NE, C_NE},   {PTX_MOD_LT, C_LT},   {PTX_MOD_LE, C_LE},
        {PTX_MOD_GT, C_GT},   {PTX_MOD_GE, C_GE},   {PTX_MOD_EQU, C_EQU}, {PTX_MOD_NEU, C_NEU},
        {PTX_MOD_LTU, C_LTU}, {PTX_MOD_LEU, C_LEU}, {PTX_MOD_GTU, C_GTU}, {PTX_MOD_GEU, C_GEU},
        {PTX_MOD_NUM, C_NUM}, {PTX_MOD_NANCMP, C_NAN}};
    int c = -1;
    *bool_op = eng_has(pi, PTX_MOD_AND) ? 1 : eng_has(pi, PTX_MOD_OR) ? 2 : eng_has(pi, PTX_MOD_XOR) ? 3 : 0;
    for (unsigned i = 0; i < sizeof map / sizeof map[0]; i++)
        if (eng_has(pi, map[i].m))
            c = map[i].c;
    return c;
}

static unsigned type_flags(ptx_type t)
{
    switch (t) {
    case PTX_T_F16: return 0;
    case PTX_T_F16X2: return HF_X2;
    case PTX_T_BF16: return HF_BF;
    case PTX_T_BF16X2: return HF_BF | HF_X2;
    default: return 0x80; /* not a half type */
    }
}

static int lower_setp(eng_lower *L, const ptx_insn *pi)
{
    ptx_type t = eng_type(pi, 0);
    unsigned fl = type_flags(t);
    int bop;
    int c = cmp_code(pi, &bop);
    if ((fl & 0x80) || c < 0 || pi->ntypes != 1)
        return eng_unsupported(L);
    if (eng_has(pi, PTX_MOD_FTZ))
        fl |= HF_FTZ;
    unsigned w = (fl & HF_X2) ? 4 : 2;
    const ptx_operand *d = eng_op(L, 0), *a = eng_op(L, 1), *b = eng_op(L, 2);
    if ((a->kind == PTX_OPND_REG && eng_reg_width(L, a) != w) || (b->kind == PTX_OPND_REG && eng_reg_width(L, b) != w))
        return eng_unsupported(L);
    uint32_t p, q = ENG_F_SCRATCH;
    int has_q = 0;
    if (d->kind == PTX_OPND_PAIR) {
        p = eng_dst(L, eng_elem(L, d, 0));
        q = eng_dst(L, eng_elem(L, d, 1));
        has_q = 1;
    } else {
        if (fl & HF_X2)
            return eng_unsupported(L);
        p = eng_dst(L, d);
    }
    uint32_t sa = eng_src(L, a, w == 4 ? PTX_T_B32 : PTX_T_B16), sb = eng_src(L, b, w == 4 ? PTX_T_B32 : PTX_T_B16);
    uint32_t sc = ENG_F_ONES;
    unsigned mode2 = fl | ((unsigned)bop << 8);
    if (bop) {
        const ptx_operand *po = eng_op(L, 3);
        if (po->kind == PTX_OPND_REG && eng_reg_width(L, po) != 1)
            return eng_unsupported(L);
        sc = eng_src(L, po, PTX_T_PRED);
        if (po->flags & PTX_OPND_F_NEG)
            mode2 |= 0x400;
    }
    if (has_q && !(fl & HF_X2))
        mode2 |= 0x800;
    eng_insn *e = eng_emit(L, h_half_setp);
    e->d = p;
    e->x = q;
    e->a = sa;
    e->b = sb;
    e->c = sc;
    e->mode = (uint16_t)c;
    e->mode2 = (uint16_t)mode2;
    return 0;
}

static int lower_set(eng_lower *L, const ptx_insn *pi)
{
    ptx_type dt = eng_type(pi, 0), st = eng_type(pi, 1);
    unsigned fl = type_flags(st);
    int bop;
    int c = cmp_code(pi, &bop);
    if ((fl & 0x80) || c < 0 || bop || pi->ntypes != 2 || pi->nopnds != 3)
        return eng_unsupported(L);
    if (eng_has(pi, PTX_MOD_FTZ))
        fl |= HF_FTZ;
    unsigned sw = (fl & HF_X2) ? 4 : 2;
    unsigned is_float = type_flags(dt) != 0x80;
    unsigned dw = eng_reg_width(L, eng_op(L, 0));
    if (dw != sw || eng_reg_width(L, eng_op(L, 1)) != sw || eng_reg_width(L, eng_op(L, 2)) != sw)
        return eng_unsupported(L);
    uint32_t d = eng_dst(L, eng_op(L, 0));
    uint32_t a = eng_src(L, eng_op(L, 1), st), b = eng_src(L, eng_op(L, 2), st);
    eng_insn *e = eng_emit(L, h_half_set);
    e->d = d;
    e->a = a;
    e->b = b;
    e->c = dw;
    e->x = is_float;
    e->mode = (uint16_t)c;
    e->mode2 = (uint16_t)fl;
    return 0;
}

int eng_lower_half(eng_lower *L, const ptx_insn *pi)
{
    if (pi->op == PTX_OP_SETP)
        return lower_setp(L, pi);
    if (pi->op == PTX_OP_SET)
        return lower_set(L, pi);
    ptx_type t = eng_type(pi, 0);
    unsigned fl = type_flags(t);
    if ((fl & 0x80) || pi->ntypes != 1)
        return eng_unsupported(L);
    int op;
    unsigned nsrc = 1;
    switch (pi->op) {
    case PTX_OP_ADD: op = H_ADD; nsrc = 2; break;
    case PTX_OP_SUB: op = H_SUB; nsrc = 2; break;
    case PTX_OP_MUL: op = H_MUL; nsrc = 2; break;
    case PTX_OP_FMA:
    case PTX_OP_MAD: op = H_FMA; nsrc = 3; break;
    case PTX_OP_MIN: op = H_MIN; nsrc = 2; break;
    case PTX_OP_MAX: op = H_MAX; nsrc = 2; break;
    case PTX_OP_NEG: op = H_NEG; break;
    case PTX_OP_ABS: op = H_ABS; break;
    case PTX_OP_EX2: op = H_EX2; break;
    case PTX_OP_TANH: op = H_TANH; break;
    case PTX_OP_RCP: op = H_RCP; break;
    case PTX_OP_SQRT: op = H_SQRT; break;
    case PTX_OP_RSQRT: op = H_RSQRT; break;
    default: return eng_unsupported(L);
    }
    int rnd = eng_rounding(pi);
    if (rnd > ENG_RND_RN || eng_has(pi, PTX_MOD_XORSIGN) || eng_has(pi, PTX_MOD_OOB))
        return eng_unsupported(L);
    if (eng_has(pi, PTX_MOD_FTZ))
        fl |= HF_FTZ;
    if (eng_has(pi, PTX_MOD_SAT))
        fl |= HF_SAT;
    if (eng_has(pi, PTX_MOD_RELU))
        fl |= HF_RELU;
    if (eng_has(pi, PTX_MOD_NAN))
        fl |= HF_NAN;
    unsigned w = (fl & HF_X2) ? 4 : 2;
    for (unsigned i = 0; i <= nsrc; i++) {
        const ptx_operand *o = eng_op(L, i);
        if (o->kind == PTX_OPND_REG && eng_reg_width(L, o) != w)
            return eng_unsupported(L);
    }
    ptx_type st = w == 4 ? PTX_T_B32 : PTX_T_B16;
    uint32_t d = eng_dst(L, eng_op(L, 0));
    uint32_t a = eng_src(L, eng_op(L, 1), st);
    uint32_t b = nsrc > 1 ? eng_src(L, eng_op(L, 2), st) : a;
    uint32_t c = nsrc > 2 ? eng_src(L, eng_op(L, 3), st) : a;
    eng_insn *e = eng_emit(L, h_half);
    e->d = d;
    e->a = a;
    e->b = b;
    e->c = c;
    e->mode = (uint16_t)op;
    e->mode2 = (uint16_t)fl;
    return 0;
}
