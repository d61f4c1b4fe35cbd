/*
 * eng_op_atom.c - atomics and reductions: atom and red on global, shared and generic memory.
 *
 * Owns: the read-modify-write semantics of every operation and type nvcc emits (add for
 * integers, f32, f64, f16/bf16 (x2); inc/dec with their wrap rules; signed, unsigned and
 * f32/f64 min/max; exch; cas; and/or/xor) executed lane by lane in lane order.  Global and generic
 * memory use host atomics (other blocks run on other host threads); shared memory belongs to
 * one block, which one host thread runs, so plain read-modify-write is atomic there.  f32 add
 * flushes subnormals like the GPU's.  Memory-order and scope suffixes are honoured by making
 * every global atomic sequentially consistent.
 */
#include "eng_fp.h"
#include "eng_mem.h"
#include "eng_ops.h"

enum { A_ADD, A_INC, A_DEC, A_MIN, A_MAX, A_EXCH, A_CAS, A_AND, A_OR, A_XOR };
enum { K_U, K_S, K_F, K_F16, K_BF16, K_F16X2, K_BF16X2 };

/* mode2: bits 0-3 op, 4-7 kind, 8-11 size in bytes; bit 12: result wanted (atom, not red);
 * bit 13: f16 noftz */

static uint64_t apply(unsigned op, unsigned kind, unsigned size, uint64_t old, uint64_t b, uint64_t c)
{
    uint64_t mask = size == 8 ? ~0ull : (1ull << (8 * size)) - 1;
    old &= mask;
    b &= mask;
    switch (op) {
    case A_ADD:
        switch (kind) {
        case K_F:
            if (size == 4) {
                float x = eng_ftz32(eng_u2f((uint32_t)old)) + eng_ftz32(eng_u2f((uint32_t)b));
                return eng_f2u(eng_canon32(eng_ftz32(x)));
            }
            return eng_d2u(eng_canon64(eng_u2d(old) + eng_u2d(b)));
        case K_F16:
            return eng_f32_to_f16(eng_f16_to_f32((uint16_t)old) + eng_f16_to_f32((uint16_t)b), 1);
        case K_BF16:
            return eng_f32_to_bf16(eng_bf16_to_f32((uint16_t)old) + eng_bf16_to_f32((uint16_t)b), 1);
        case K_F16X2:
            return (uint64_t)eng_f32_to_f16(eng_f16_to_f32((uint16_t)old) + eng_f16_to_f32((uint16_t)b), 1) |
                   (uint64_t)eng_f32_to_f16(eng_f16_to_f32((uint16_t)(old >> 16)) + eng_f16_to_f32((uint16_t)(b >> 16)), 1)
                       << 16;
        case K_BF16X2:
            return (uint64_t)eng_f32_to_bf16(eng_bf16_to_f32((uint16_t)old) + eng_bf16_to_f32((uint16_t)b), 1) |
                   (uint64_t)eng_f32_to_bf16(eng_bf16_to_f32((uint16_t)(old >> 16)) + eng_bf16_to_f32((uint16_t)(b >> 16)), 1)
                       << 16;
        default:
            return (old + b) & mask;
        }
    case A_INC:
        return old >= b ? 0 : old + 1;
    case A_DEC:
        return (old == 0 || old > b) ? b : old - 1;
    case A_MIN:
    case A_MAX: {
        int less;
        if (kind == K_F) { /* min/max's rules: a NaN loses to a number, -0 < +0 */
            int wide = size == 8;
            double x = wide ? eng_u2d(old) : eng_u2f((uint32_t)old), y = wide ? eng_u2d(b) : eng_u2f((uint32_t)b);
            if (x != x && y != y)
                return wide ? 0x7fffffffffffffffull : 0x7fffffffu;
            if (x != x || y != y)
                return x != x ? b : old;
            uint64_t sign = wide ? 1ull << 63 : 1ull << 31;
            if (x == y) /* equal, or zeros of either sign */
                return ((old ^ b) & sign) && ((op == A_MIN) == !!(b & sign)) ? b : old;
            less = y < x;
        } else if (kind == K_S) {
            int64_t so = size == 8 ? (int64_t)old : (int64_t)(int32_t)(uint32_t)old;
            int64_t sb = size == 8 ? (int64_t)b : (int64_t)(int32_t)(uint32_t)b;
            if (size == 2) {
                so = (int16_t)(uint16_t)old;
                sb = (int16_t)(uint16_t)b;
            }
            less = sb < so;
        } else {
            less = b < old;
        }
        return (op == A_MIN) == less ? b : old;
    }
    case A_EXCH:
        return b;
    case A_CAS:
        return old == b ? (c & mask) : old;
    case A_AND:
        return old & b;
    case A_OR:
        return old | b;
    default:
        return old ^ b;
    }
}

/* one lane's atomic on host memory */
static uint64_t atomic_rmw(uint8_t *p, unsigned op, unsigned kind, unsigned size, uint64_t b, uint64_t c, int host_atomic)
{
    if (!host_atomic) {
        uint64_t old = 0;
        memcpy(&old, p, size);
        uint64_t nv = apply(op, kind, size, old, b, c);
        memcpy(p, &nv, size);
        return old;
    }
    if (size == 4) {
        uint32_t *q = (uint32_t *)(void *)p;
        if (kind == K_U || kind == K_S) {
            switch (op) {
            case A_ADD: return __atomic_fetch_add(q, (uint32_t)b, __ATOMIC_SEQ_CST);
            case A_AND: return __atomic_fetch_and(q, (uint32_t)b, __ATOMIC_SEQ_CST);
            case A_OR: return __atomic_fetch_or(q, (uint32_t)b, __ATOMIC_SEQ_CST);
            case A_XOR: return __atomic_fetch_xor(q, (uint32_t)b, __ATOMIC_SEQ_CST);
            case A_EXCH: return __atomic_exchange_n(q, (uint32_t)b, __ATOMIC_SEQ_CST);
            default: break;
            }
        }
        uint32_t old = __atomic_load_n(q, __ATOMIC_RELAXED);
        for (;;) {
            uint32_t nv = (uint32_t)apply(op, kind, size, old, b, c);
            if (op == A_CAS && nv == old)
                return old; /* compare failed: no write, like the GPU */
            if (__atomic_compare_exchange_n(q, &old, nv, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
                return old;
        }
    }
    if (size == 8) {
        uint64_t *q = (uint64_t *)(void *)p;
        if (kind == K_U || kind == K_S) {
            switch (op) {
            case A_ADD: return __atomic_fetch_add(q, b, __ATOMIC_SEQ_CST);
            case A_AND: return __atomic_fetch_and(q, b, __ATOMIC_SEQ_CST);
            case A_OR: return __atomic_fetch_or(q, b, __ATOMIC_SEQ_CST);
            case A_XOR: return __atomic_fetch_xor(q, b, __ATOMIC_SEQ_CST);
            case A_EXCH: return __atomic_exchange_n(q, b, __ATOMIC_SEQ_CST);
            default: break;
            }
        }
        uint64_t old = __atomic_load_n(q, __ATOMIC_RELAXED);
        for (;;) {
            uint64_t nv = apply(op, kind, size, old, b, c);
            if (op == A_CAS && nv == old)
                return old;
            if (__atomic_compare_exchange_n(q, &old, nv, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
                return old;
        }
    }
    /* 16-bit */
    uint16_t *q = (uint16_t *)(void *)p;
    uint16_t old = __atomic_load_n(q, __ATOMIC_RELAXED);
    for (;;) {
        uint16_t nv = (uint16_t)apply(op, kind, size, old, b, c);
        if (op == A_CAS && nv == old)
            return old;
        if (__atomic_compare_exchange_n(q, &old, nv, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
            return old;
    }
}

static inline uint64_t lane_val(const eng_warp *w, uint32_t slot, unsigned width, int l)
{
    uint64_t v = 0;
    memcpy(&v, w->regs + slot + (size_t)l * width, width);
    return v;
}

ENG_H(h_atom)
{
    unsigned op = in->mode2 & 15, kind = (in->mode2 >> 4) & 15, size = (in->mode2 >> 8) & 15;
    unsigned width = size < 2 ? 2 : size;
    uint8_t *p[ENG_LANES];
    if (eng_resolve(w, in, m, size, 1, p) != ENG_OK)
        return ENG_FAULT;
    unsigned space = in->mode & ENG_M_SPACE;
    uint8_t *smem = w->blk->smem;
    uint64_t r[ENG_LANES], sig = m;
    memset(r, 0, sizeof r);
    uint32_t todo = m;
    if (op == A_ADD && (kind == K_U || kind == K_S) && (size == 4 || size == 8) && (m & (m - 1))) {
        /* lanes adding to one counter (atomicAdd(&count, 1)): one host atomic of their sum, each
         * lane's old value as if the lanes had gone one after another in lane order */
        uint8_t *p0 = p[eng_ctz(m)];
        uint32_t same = 1;
        for (uint32_t mm = m; mm; mm &= mm - 1)
            same &= p[eng_ctz(mm)] == p0;
        if (same) {
            uint64_t mask = size == 8 ? ~0ull : 0xFFFFFFFFull, total = 0;
            for (uint32_t mm = m; mm; mm &= mm - 1)
                total += lane_val(w, in->b, width, eng_ctz(mm));
            int shared = space == ENG_SP_SHARED ||
                         (space == ENG_SP_GENERIC && p0 >= smem && p0 < smem + w->blk->smem_size);
            uint64_t old = atomic_rmw(p0, A_ADD, kind, size, total & mask, 0, !shared);
            for (uint32_t mm = m; mm; mm &= mm - 1) {
                int l = eng_ctz(mm);
                r[l] = old & mask;
                old += lane_val(w, in->b, width, l);
                sig = sig * 0x100000001b3ull ^ r[l];
            }
            todo = 0;
        }
    }
    for (uint32_t mm = todo; mm; mm &= mm - 1) {
        int l = eng_ctz(mm);
        int shared = space == ENG_SP_SHARED ||
                     (space == ENG_SP_GENERIC && p[l] >= smem && p[l] < smem + w->blk->smem_size);
        uint64_t b = lane_val(w, in->b, width, l);
        uint64_t c = op == A_CAS ? lane_val(w, in->c, width, l) : 0;
        r[l] = atomic_rmw(p[l], op, kind, size, b, c, !shared);
        sig = sig * 0x100000001b3ull ^ r[l];
    }
    /* a lock taken by someone else (cas), a flag read with atomicAdd(p, 0): a spin-wait */
    eng_note_poll(w, in, sig);
    if (in->mode2 & 0x1000) {
        uint8_t out[8 * ENG_LANES];
        for (int l = 0; l < ENG_LANES; l++)
            memcpy(out + (size_t)l * width, &r[l], width);
        eng_store_w(w->regs + in->d, out, m, width);
    }
    return ENG_OK;
}

/* the histogram case: atom/red.shared.add.u32 through a 32-bit offset */
ENG_H(h_atom_shared_add_u32)
{
    const uint32_t *A = ENG_SLOT(const uint32_t, w, in->a), *B = ENG_SLOT(const uint32_t, w, in->b);
    uint32_t off = (uint32_t)in->imm, size = w->blk->smem_size;
    uint8_t *base = w->blk->smem;
    uint32_t r[ENG_LANES];
    for (uint32_t mm = m; mm; mm &= mm - 1) {
        int l = eng_ctz(mm);
        uint32_t a = A[l] + off;
        if ((uint64_t)a + 4 > size || (a & 3))
            return eng_mem_fault(w, in, l, a, 4, 1, "shared");
        uint32_t old;
        memcpy(&old, base + a, 4);
        r[l] = old;
        old += B[l];
        memcpy(base + a, &old, 4);
    }
    if (in->mode2 & 0x1000)
        eng_store32(w->regs + in->d, r, m);
    return ENG_OK;
}

/* atom/red .v2/.v4/.v8: element i of b (and of d for atom) at address + i * size */
static int lower_atom_vector(eng_lower *L, const ptx_insn *pi, int red, unsigned n, int op, unsigned kind,
                             unsigned size, ptx_type vt)
{
    unsigned first = red ? 0 : 1;
    const ptx_operand *bo = eng_op(L, first + 1), *dv = red ? NULL : eng_op(L, 0);
    if (pi->nopnds != first + 2 || bo->kind != PTX_OPND_VEC || bo->comp != n ||
        (dv && (dv->kind != PTX_OPND_VEC || dv->comp != n)))
        return eng_unsupported(L);
    uint16_t mode = 0;
    uint32_t a;
    int64_t imm;
    if (eng_lower_address(L, eng_op(L, first), eng_space_of(pi), &mode, &a, &imm) ||
        ((mode & ENG_M_SPACE) != ENG_SP_GLOBAL && (mode & ENG_M_SPACE) != ENG_SP_GENERIC))
        return eng_unsupported(L);
    uint32_t b[8], d[8];
    for (unsigned i = 0; i < n; i++) {
        const ptx_operand *el = eng_elem(L, bo, i), *de = dv ? eng_elem(L, dv, i) : NULL;
        if ((el->kind == PTX_OPND_REG && eng_reg_width(L, el) != size) ||
            (de && de->kind == PTX_OPND_REG && eng_reg_width(L, de) != size))
            return eng_unsupported(L);
        b[i] = eng_src(L, el, vt);
        d[i] = de ? eng_dst(L, de) : ENG_F_SCRATCH;
    }
    for (unsigned i = 0; i < n; i++) /* an old value written over an operand still to come */
        for (unsigned j = i + 1; j < n; j++)
            if (d[i] == b[j])
                return eng_unsupported(L);
    uint32_t range = eng_range_index(L);
    for (unsigned i = 0; i < n; i++) {
        eng_insn *e = eng_emit(L, h_atom);
        e->d = d[i];
        e->a = a;
        e->b = b[i];
        e->c = ENG_F_ZERO;
        e->imm = imm + (int64_t)(i * size);
        e->mode = mode;
        e->mode2 = (uint16_t)(op | (kind << 4) | (size << 8) | (red ? 0 : 0x1000));
        e->x = range;
    }
    return 0;
}

int eng_lower_atom(eng_lower *L, const ptx_insn *pi)
{
    int red = pi->op == PTX_OP_RED;
    ptx_type t = eng_type(pi, 0);
    if (pi->ntypes != 1)
        return eng_unsupported(L);
    unsigned size = ptx_type_bytes(t);
    unsigned kind;
    switch (t) {
    case PTX_T_S32:
    case PTX_T_S64:
    case PTX_T_S16:
        kind = K_S;
        break;
    case PTX_T_F32:
    case PTX_T_F64:
        kind = K_F;
        break;
    case PTX_T_F16:
        kind = K_F16;
        break;
    case PTX_T_BF16:
        kind = K_BF16;
        break;
    case PTX_T_F16X2:
        kind = K_F16X2;
        break;
    case PTX_T_BF16X2:
        kind = K_BF16X2;
        break;
    default:
        kind = K_U;
        break;
    }
    if (size != 2 && size != 4 && size != 8)
        return eng_unsupported(L);
    int op = -1;
    static const struct { ptx_mod mod; int op; } ops[] = {
        {PTX_MOD_ADD, A_ADD}, {PTX_MOD_INC, A_INC}, {PTX_MOD_DEC, A_DEC}, {PTX_MOD_MIN, A_MIN},
        {PTX_MOD_MAX, A_MAX}, {PTX_MOD_EXCH, A_EXCH}, {PTX_MOD_CAS, A_CAS}, {PTX_MOD_AND, A_AND},
        {PTX_MOD_OR, A_OR},   {PTX_MOD_XOR, A_XOR}};
    for (unsigned i = 0; i < sizeof ops / sizeof ops[0]; i++)
        if (eng_has(pi, ops[i].mod))
            op = ops[i].op;
    /* .v2/.v4/.v8 (sm_90, floating add/min/max on global memory): one atomic per element, as
     * the PTX ISA defines them (no atomicity across the elements) */
    unsigned nvec = eng_has(pi, PTX_MOD_V2) ? 2 : eng_has(pi, PTX_MOD_V4) ? 4 : eng_has(pi, PTX_MOD_V8) ? 8 : 1;
    if (op < 0 || (nvec > 1 && (kind < K_F || (op != A_ADD && op != A_MIN && op != A_MAX))))
        return eng_unsupported(L);
    if (kind >= K_F && op != A_ADD && op != A_EXCH && op != A_CAS && !(kind == K_F && (op == A_MIN || op == A_MAX)))
        return eng_unsupported(L);
    if ((op == A_INC || op == A_DEC) && size != 4)
        return eng_unsupported(L);
    if (kind >= K_F && (op == A_EXCH || op == A_CAS))
        kind = K_U;
    unsigned first = red ? 0 : 1;
    unsigned need = first + (op == A_CAS ? 3 : 2);
    if (pi->nopnds < need)
        return eng_unsupported(L);
    unsigned width = size < 2 ? 2 : size;
    ptx_type vt = size == 2 ? PTX_T_B16 : size == 4 ? PTX_T_B32 : PTX_T_B64;
    if (nvec > 1)
        return lower_atom_vector(L, pi, red, nvec, op, kind, size, vt);
    const ptx_operand *bo = eng_op(L, first + 1), *co = eng_op(L, first + 2);
    if (eng_reg_width(L, bo) && eng_reg_width(L, bo) != width)
        return eng_unsupported(L);
    if (op == A_CAS && eng_reg_width(L, co) && eng_reg_width(L, co) != width)
        return eng_unsupported(L);
    uint32_t d = ENG_F_SCRATCH;
    if (!red) {
        if (eng_reg_width(L, eng_op(L, 0)) != width && eng_op(L, 0)->kind != PTX_OPND_SINK)
            return eng_unsupported(L);
        d = eng_dst(L, eng_op(L, 0));
    }
    uint32_t b = eng_src(L, bo, vt);
    uint32_t c = op == A_CAS ? eng_src(L, co, vt) : ENG_F_ZERO;
    uint16_t mode = 0;
    uint32_t a;
    int64_t imm;
    if (eng_lower_address(L, eng_op(L, first), eng_space_of(pi), &mode, &a, &imm))
        return eng_unsupported(L);
    if ((mode & ENG_M_SPACE) == ENG_SP_LOCAL || (mode & ENG_M_SPACE) == ENG_SP_KPARAM ||
        (mode & ENG_M_SPACE) == ENG_SP_CONST)
        return eng_unsupported(L);
    eng_fn fn = h_atom;
    if (op == A_ADD && kind == K_U && size == 4 && (mode & ENG_M_SPACE) == ENG_SP_SHARED && (mode & ENG_M_BASE32))
        fn = h_atom_shared_add_u32;
    eng_insn *e = eng_emit(L, fn);
    e->d = d;
    e->a = a;
    e->b = b;
    e->c = c;
    e->imm = imm;
    e->mode = mode;
    e->mode2 = (uint16_t)(op | (kind << 4) | (size << 8) | (red ? 0 : 0x1000));
    e->x = eng_range_index(L);
    return 0;
}
