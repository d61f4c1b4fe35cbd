/*
 * eng_op_warp.c - warp collectives: shfl(.sync), vote(.sync), activemask, match.sync,
 * redux.sync, elect.sync, bar.warp.sync.
 *
 * Owns: the exact results of each collective (shfl's source-lane rule with clamp and segment
 * mask, the p output telling whether the source lane was in range, 0 from a source lane that
 * does not take part, vote over the lanes of the
 * member mask, match groups, redux arithmetic) and the convergence rule for the .sync forms:
 * when lanes of the member mask are still on another path of the warp, the executing lanes wait
 * at the instruction until those arrive (or nothing else in the warp can run), as a GPU with
 * independent thread scheduling would make them.
 */
#include "eng_ops.h"

/* The member mask of the executing lanes (the union, if it differs per lane). */
static uint32_t member_mask(eng_warp *w, uint32_t slot, uint32_t m)
{
    const uint32_t *M = ENG_SLOT(const uint32_t, w, slot);
    uint32_t r = 0;
    for (uint32_t mm = m; mm; mm &= mm - 1)
        r |= M[eng_ctz(mm)];
    return r;
}

ENG_H(h_shfl);
ENG_H(h_vote);
ENG_H(h_match);
ENG_H(h_redux);

/* The register operands of a collective that lanes waiting at another instruction of the same
 * kind can lend it: which field of eng_insn and its width (0: a predicate bit). */
enum { OP_A, OP_B, OP_C, OP_IMM, OP_D, OP_X };
typedef struct {
    uint8_t field, width;
} coll_opnd;
typedef struct {
    int nsrc, ndst;
    coll_opnd src[4], dst[2];
} coll_shape;

static int shape_of(const eng_insn *in, coll_shape *s)
{
    memset(s, 0, sizeof *s);
#define SRC(f, wd) (s->src[s->nsrc++] = (coll_opnd){(f), (wd)})
#define DST(f, wd) (s->dst[s->ndst++] = (coll_opnd){(f), (wd)})
    if (in->fn == h_shfl) {
        SRC(OP_A, 4), SRC(OP_B, 4), SRC(OP_C, 4), SRC(OP_IMM, 4), DST(OP_D, 4);
        if (in->mode2 & 2)
            DST(OP_X, 0);
    } else if (in->fn == h_vote) {
        SRC(OP_A, 0), SRC(OP_B, 4), DST(OP_D, in->mode == 3 ? 4 : 0);
    } else if (in->fn == h_match) {
        SRC(OP_A, (in->mode2 & 1) ? 8 : 4), SRC(OP_B, 4), DST(OP_D, 4);
        if (in->mode2 & 2)
            DST(OP_X, 0);
    } else if (in->fn == h_redux) {
        SRC(OP_A, 4), SRC(OP_B, 4), DST(OP_D, 4);
    } else {
        return 0;
    }
#undef SRC
#undef DST
    return 1;
}

static uint32_t slot_of(const eng_insn *in, int field)
{
    switch (field) {
    case OP_A: return in->a;
    case OP_B: return in->b;
    case OP_C: return in->c;
    case OP_IMM: return (uint32_t)in->imm;
    case OP_D: return in->d;
    default: return in->x;
    }
}

/* Copy lanes' values of one operand between two slots of the frame (to may be a save area). */
static void copy_lanes(uint8_t *to, const uint8_t *from, unsigned width, uint32_t lanes)
{
    if (!width) {
        uint32_t t, f;
        memcpy(&t, to, 4);
        memcpy(&f, from, 4);
        t = (t & ~lanes) | (f & lanes);
        memcpy(to, &t, 4);
        return;
    }
    for (uint32_t mm = lanes; mm; mm &= mm - 1)
        memcpy(to + (size_t)eng_ctz(mm) * width, from + (size_t)eng_ctz(mm) * width, width);
}

/* Lanes of `missing` all wait at instructions like `in` (the same collective, modifiers and
 * operand kinds) elsewhere in the current frame: sm_70 and later let a collective's lanes meet
 * at different instructions ("threads ... execute the same shfl.sync with the same qualifiers
 * and membermask").  Run `in` once for the running lanes and those, each group's operands
 * lent to `in`'s slots for the call and its results given back to its own instruction. */
static int combine(eng_warp *w, const eng_insn *in, uint32_t m, uint32_t missing)
{
    eng_frame *f = eng_cur(w);
    coll_shape sh, other;
    if (!shape_of(in, &sh) || (missing & ~f->syncwait))
        return 0;
    uint32_t groups_pc[ENG_LANES], groups_lanes[ENG_LANES];
    int ng = 0;
    for (uint32_t left = missing; left;) {
        uint32_t pc = f->lane_pc[eng_ctz(left)], lanes = 0;
        for (uint32_t mm = left; mm; mm &= mm - 1)
            if (f->lane_pc[eng_ctz(mm)] == pc)
                lanes |= eng_lanebit[eng_ctz(mm)];
        left &= ~lanes;
        const eng_insn *o = &w->code[pc];
        if (o->fn != in->fn || o->mode != in->mode || o->mode2 != in->mode2 || !shape_of(o, &other))
            return 0;
        /* operands `in` reads twice from one slot must be one register in the other too */
        for (int i = 0; i < sh.nsrc; i++)
            for (int j = 0; j < i; j++)
                if (slot_of(in, sh.src[i].field) == slot_of(in, sh.src[j].field) &&
                    slot_of(o, sh.src[i].field) != slot_of(o, sh.src[j].field))
                    return 0;
        groups_pc[ng] = pc;
        groups_lanes[ng++] = lanes;
    }
    /* save what `in`'s slots hold for the lent lanes, lend the operands, run, give back */
    uint8_t saved[6][8 * ENG_LANES];
    coll_opnd all[6];
    int na = 0;
    for (int i = 0; i < sh.nsrc; i++)
        all[na++] = sh.src[i];
    for (int i = 0; i < sh.ndst; i++)
        all[na++] = sh.dst[i];
    for (int i = 0; i < na; i++)
        memcpy(saved[i], w->regs + slot_of(in, all[i].field), all[i].width ? all[i].width * ENG_LANES : 4);
    for (int g = 0; g < ng; g++)
        for (int i = 0; i < sh.nsrc; i++)
            copy_lanes(w->regs + slot_of(in, sh.src[i].field), w->regs + slot_of(&w->code[groups_pc[g]], sh.src[i].field),
                       sh.src[i].width, groups_lanes[g]);
    uint32_t pc = eng_pc_of(w, in), active = w->active;
    w->active = active | missing;
    w->sync_force_pc = pc;
    in->fn(w, in, m | missing); /* these collectives cannot fail */
    w->active = active;
    uint8_t results[2][8 * ENG_LANES];
    for (int i = 0; i < sh.ndst; i++)
        memcpy(results[i], w->regs + slot_of(in, sh.dst[i].field), sh.dst[i].width ? sh.dst[i].width * ENG_LANES : 4);
    for (int i = 0; i < na; i++)
        copy_lanes(w->regs + slot_of(in, all[i].field), saved[i], all[i].width, missing);
    f->syncwait &= ~missing;
    for (int g = 0; g < ng; g++) {
        const eng_insn *o = &w->code[groups_pc[g]];
        for (int i = 0; i < sh.ndst; i++)
            copy_lanes(w->regs + slot_of(o, sh.dst[i].field), results[i], sh.dst[i].width, groups_lanes[g]);
        eng_park(w, groups_lanes[g], groups_pc[g] + 1);
    }
    return 1;
}

/* Must the running group (lanes m) wait for lanes of `member` that are elsewhere in the warp?
 * Nonzero also when it ran together with them (combine). */
static int must_wait(eng_warp *w, const eng_insn *in, uint32_t member, uint32_t m)
{
    uint32_t pc = eng_pc_of(w, in);
    if (w->sync_force_pc == pc) {
        w->sync_force_pc = ENG_NONE;
        return 0;
    }
    /* lanes that can still come: runnable or waiting at a warp-synchronous instruction, in
     * this frame or another (a caller's lanes not yet in this function may call it) */
    uint32_t elsewhere = 0;
    for (int i = 0; i < w->nframes; i++)
        if (w->frames[i].live)
            elsewhere |= w->frames[i].parked | w->frames[i].syncwait;
    uint32_t missing = member & ~w->active & ~w->exited & elsewhere;
    if (!missing)
        return 0;
    if (combine(w, in, m, missing))
        return 1;
    eng_frame *f = eng_cur(w);
    eng_set_lane_pc(f, w->active, pc);
    f->syncwait |= w->active;
    w->active = 0;
    w->resched_pc = 0;
    w->pc = pc;
    return 1;
}

/* shfl: mode 0 up, 1 down, 2 bfly, 3 idx; mode2 bit 0: has member mask (in->imm slot),
 * bit 1: writes p (in->x) */
ENG_H(h_shfl)
{
    if ((in->mode2 & 1) && must_wait(w, in, member_mask(w, (uint32_t)in->imm, m), m))
        return ENG_OK;
    const uint32_t *A = ENG_SLOT(const uint32_t, w, in->a), *B = ENG_SLOT(const uint32_t, w, in->b);
    const uint32_t *C = ENG_SLOT(const uint32_t, w, in->c);
    uint32_t r[ENG_LANES];
    uint8_t ok[ENG_LANES];
    int mode = in->mode;
    for (int l = 0; l < ENG_LANES; l++) {
        uint32_t bval = B[l] & 31, cval = C[l] & 31, seg = (C[l] >> 8) & 31;
        int32_t maxl = (int32_t)(((uint32_t)l & seg) | (cval & ~seg)), minl = (int32_t)((uint32_t)l & seg);
        int32_t j;
        int p;
        switch (mode) {
        case 0:
            j = l - (int32_t)bval;
            p = j >= maxl;
            break;
        case 1:
            j = l + (int32_t)bval;
            p = j <= maxl;
            break;
        case 2:
            j = l ^ (int32_t)bval;
            p = j <= maxl;
            break;
        default:
            j = minl | (int32_t)(bval & ~seg);
            p = j <= maxl;
            break;
        }
        if (!p)
            j = l;
        /* a source lane that is not executing this shfl (inactive, exited or not a thread)
         * gives 0, as the hardware does: warp reductions over a partial mask rely on it */
        r[l] = ((m >> (j & 31)) & 1) ? A[j & 31] : 0;
        ok[l] = (uint8_t)p;
    }
    eng_store32(w->regs + in->d, r, m);
    if (in->mode2 & 2)
        eng_set_pred(w, in->x, eng_pack(ok), m);
    return ENG_OK;
}

/* The member mask lane l named, limited to the executing lanes: each lane's collective is
 * over its own mask (lanes of two half-warps may name two different halves). */
static uint32_t lane_member(eng_warp *w, uint32_t slot, int l, uint32_t m)
{
    return ENG_SLOT(const uint32_t, w, slot)[l] & m;
}

/* vote: mode 0 all, 1 any, 2 uni, 3 ballot; mode2 bit 0 member mask (in->b), bit 1 negate a */
ENG_H(h_vote)
{
    if ((in->mode2 & 1) && must_wait(w, in, member_mask(w, in->b, m), m))
        return ENG_OK;
    uint32_t votes = (eng_pred(w, in->a) ^ ((in->mode2 & 2) ? ENG_FULL : 0)) & m;
    uint32_t bits = 0, r[ENG_LANES];
    for (int l = 0; l < ENG_LANES; l++) {
        uint32_t member = (in->mode2 & 1) ? lane_member(w, in->b, l, m) : m;
        if (!member)
            member = m;
        uint32_t p = votes & member;
        int yes = in->mode == 0 ? p == member : in->mode == 1 ? p != 0 : (p == member || p == 0);
        bits |= (uint32_t)yes << l;
        r[l] = p;
    }
    if (in->mode == 3)
        eng_store32(w->regs + in->d, r, m);
    else
        eng_set_pred(w, in->d, bits, m);
    return ENG_OK;
}

ENG_H(h_activemask)
{
    uint32_t r[ENG_LANES];
    (void)in;
    for (int l = 0; l < ENG_LANES; l++)
        r[l] = w->active;
    eng_store32(w->regs + in->d, r, m);
    return ENG_OK;
}

/* bar.warp.sync: converge the member lanes, nothing else */
ENG_H(h_warpsync)
{
    must_wait(w, in, member_mask(w, in->a, m), m);
    return ENG_OK;
}

/* match: mode 0 any, 1 all; mode2 bit 0: 64-bit values, bit 1: writes p (in->x); b = mask */
ENG_H(h_match)
{
    if (must_wait(w, in, member_mask(w, in->b, m), m))
        return ENG_OK;
    int wide = in->mode2 & 1;
    uint64_t v[ENG_LANES];
    for (int l = 0; l < ENG_LANES; l++)
        v[l] = wide ? ENG_SLOT(uint64_t, w, in->a)[l] : ENG_SLOT(uint32_t, w, in->a)[l];
    uint32_t r[ENG_LANES];
    uint32_t pmask = 0;
    for (int l = 0; l < ENG_LANES; l++) {
        uint32_t member = lane_member(w, in->b, l, m);
        uint32_t same = 0;
        for (uint32_t mm = member; mm; mm &= mm - 1)
            if (v[eng_ctz(mm)] == v[l])
                same |= 1u << eng_ctz(mm);
        int all_equal = same == member;
        if (in->mode == 0)
            r[l] = same;
        else
            r[l] = all_equal ? member : 0;
        pmask |= (uint32_t)all_equal << l;
    }
    eng_store32(w->regs + in->d, r, m);
    if (in->mode2 & 2)
        eng_set_pred(w, in->x, pmask, m);
    return ENG_OK;
}

static uint32_t redux_over(const uint32_t *A, uint32_t member, int mode, int sgn)
{
    uint32_t acc = 0;
    int first = 1;
    for (uint32_t mm = member; mm; mm &= mm - 1) {
        uint32_t x = A[eng_ctz(mm)];
        if (first) {
            acc = x;
            first = 0;
            continue;
        }
        switch (mode) {
        case 0: acc += x; break;
        case 1: acc = sgn ? ((int32_t)x < (int32_t)acc ? x : acc) : (x < acc ? x : acc); break;
        case 2: acc = sgn ? ((int32_t)x > (int32_t)acc ? x : acc) : (x > acc ? x : acc); break;
        case 3: acc &= x; break;
        case 4: acc |= x; break;
        default: acc ^= x; break;
        }
    }
    return acc;
}

/* redux: mode 0 add, 1 min, 2 max, 3 and, 4 or, 5 xor; mode2 bit 0 signed; b = mask */
ENG_H(h_redux)
{
    if (must_wait(w, in, member_mask(w, in->b, m), m))
        return ENG_OK;
    const uint32_t *A = ENG_SLOT(const uint32_t, w, in->a);
    uint32_t r[ENG_LANES], last_member = 0, last = 0;
    int have = 0;
    for (int l = 0; l < ENG_LANES; l++) {
        uint32_t member = lane_member(w, in->b, l, m);
        if (!have || member != last_member) {
            last = redux_over(A, member, in->mode, in->mode2 & 1);
            last_member = member;
            have = 1;
        }
        r[l] = last;
    }
    eng_store32(w->regs + in->d, r, m);
    return ENG_OK;
}

/* redux.sync.{min,max}{.abs}{.NaN}.f32: mode 0 min, 1 max; mode2 bit 0 .abs, bit 1 .NaN (a
 * NaN input makes the result NaN; otherwise NaNs are passed over); -0 is below +0 */
ENG_H(h_redux_f32)
{
    uint32_t member = member_mask(w, in->b, m);
    if (must_wait(w, in, member, m))
        return ENG_OK;
    member &= m;
    const uint32_t *A = ENG_SLOT(const uint32_t, w, in->a);
    uint32_t acc = 0x7fffffffu; /* the canonical NaN, also the answer when every input is NaN */
    int have = 0, nan = 0;
    for (uint32_t mm = member; mm; mm &= mm - 1) {
        uint32_t x = A[eng_ctz(mm)];
        if (in->mode2 & 1)
            x &= 0x7fffffffu;
        if ((x & 0x7fffffffu) > 0x7f800000u) {
            nan = 1;
            continue;
        }
        /* order of the bits as floats with -0 < +0: flip negatives so unsigned order works */
        uint32_t kx = x & 0x80000000u ? ~x : x | 0x80000000u, ka = acc & 0x80000000u ? ~acc : acc | 0x80000000u;
        if (!have || (in->mode == 0 ? kx < ka : kx > ka))
            acc = x;
        have = 1;
    }
    if (nan && (in->mode2 & 2))
        acc = 0x7fffffffu;
    uint32_t r[ENG_LANES];
    for (int l = 0; l < ENG_LANES; l++)
        r[l] = acc;
    eng_store32(w->regs + in->d, r, m);
    return ENG_OK;
}

/* elect.sync d|p, membermask: the lowest executing member lane is the leader */
ENG_H(h_elect)
{
    uint32_t member = member_mask(w, in->a, m);
    if (must_wait(w, in, member, m))
        return ENG_OK;
    member &= m;
    uint32_t leader = member ? (uint32_t)eng_ctz(member) : 0;
    uint32_t r[ENG_LANES];
    for (int l = 0; l < ENG_LANES; l++)
        r[l] = leader;
    eng_store32(w->regs + in->d, r, m);
    eng_set_pred(w, in->x, member ? (1u << leader) : 0, m);
    return ENG_OK;
}

/* --- lowering --- */

static int pred_src(eng_lower *L, const ptx_operand *o, uint32_t *slot, int *neg)
{
    if (o->kind == PTX_OPND_REG && eng_reg_width(L, o) != 1)
        return -1;
    *slot = eng_src(L, o, PTX_T_PRED);
    *neg = (o->flags & PTX_OPND_F_NEG) != 0;
    return 0;
}

static int u32_src(eng_lower *L, const ptx_operand *o, uint32_t *slot)
{
    if (o->kind == PTX_OPND_REG && eng_reg_width(L, o) != 4)
        return -1;
    *slot = eng_src(L, o, PTX_T_U32);
    return 0;
}

/* d or d|p destination */
static int dest_pair(eng_lower *L, const ptx_operand *o, unsigned dw, uint32_t *d, uint32_t *p, int *has_p)
{
    *has_p = 0;
    if (o->kind == PTX_OPND_PAIR) {
        const ptx_operand *a = eng_elem(L, o, 0), *b = eng_elem(L, o, 1);
        if ((a->kind == PTX_OPND_REG && eng_reg_width(L, a) != dw) || (b->kind == PTX_OPND_REG && eng_reg_width(L, b) != 1))
            return -1;
        *d = eng_dst(L, a);
        *p = eng_dst(L, b);
        *has_p = 1;
        return 0;
    }
    if (o->kind == PTX_OPND_REG && eng_reg_width(L, o) != dw)
        return -1;
    *d = eng_dst(L, o);
    return 0;
}

static int lower_shfl(eng_lower *L, const ptx_insn *pi)
{
    int mode = eng_has(pi, PTX_MOD_UP) ? 0 : eng_has(pi, PTX_MOD_DOWN) ? 1 : eng_has(pi, PTX_MOD_BFLY) ? 2
             : eng_has(pi, PTX_MOD_IDX) ? 3 : -1;
    int sync = eng_has(pi, PTX_MOD_SYNC);
    if (mode < 0 || eng_type(pi, 0) != PTX_T_B32 || pi->nopnds != (sync ? 5 : 4))
        return eng_unsupported(L);
    uint32_t d, p = 0, a, b, c, mask = ENG_F_ONES;
    int has_p;
    if (dest_pair(L, eng_op(L, 0), 4, &d, &p, &has_p) || u32_src(L, eng_op(L, 1), &a) ||
        u32_src(L, eng_op(L, 2), &b) || u32_src(L, eng_op(L, 3), &c))
        return eng_unsupported(L);
    if (sync && u32_src(L, eng_op(L, 4), &mask))
        return eng_unsupported(L);
    eng_insn *e = eng_emit(L, h_shfl);
    e->d = d;
    e->a = a;
    e->b = b;
    e->c = c;
    e->x = p;
    e->imm = mask;
    e->mode = (uint16_t)mode;
    e->mode2 = (uint16_t)((sync ? 1 : 0) | (has_p ? 2 : 0));
    return 0;
}

static int lower_vote(eng_lower *L, const ptx_insn *pi)
{
    int mode = eng_has(pi, PTX_MOD_ALL) ? 0 : eng_has(pi, PTX_MOD_ANY) ? 1 : eng_has(pi, PTX_MOD_UNI) ? 2
             : eng_has(pi, PTX_MOD_BALLOT) ? 3 : -1;
    int sync = eng_has(pi, PTX_MOD_SYNC);
    if (mode < 0 || pi->nopnds != (sync ? 3u : 2u))
        return eng_unsupported(L);
    unsigned dw = mode == 3 ? 4 : 1;
    const ptx_operand *d = eng_op(L, 0);
    if (d->kind == PTX_OPND_REG && eng_reg_width(L, d) != dw)
        return eng_unsupported(L);
    uint32_t ds = eng_dst(L, d), a, mask = ENG_F_ONES;
    int neg;
    if (pred_src(L, eng_op(L, 1), &a, &neg) || (sync && u32_src(L, eng_op(L, 2), &mask)))
        return eng_unsupported(L);
    eng_insn *e = eng_emit(L, h_vote);
    e->d = ds;
    e->a = a;
    e->b = mask;
    e->mode = (uint16_t)mode;
    e->mode2 = (uint16_t)((sync ? 1 : 0) | (neg ? 2 : 0));
    return 0;
}

static int lower_match(eng_lower *L, const ptx_insn *pi)
{
    int all = eng_has(pi, PTX_MOD_ALL);
    if (!all && !eng_has(pi, PTX_MOD_ANY))
        return eng_unsupported(L);
    ptx_type t = eng_type(pi, 0);
    if ((t != PTX_T_B32 && t != PTX_T_B64) || pi->nopnds != 3)
        return eng_unsupported(L);
    uint32_t d, p = 0, mask;
    int has_p;
    if (dest_pair(L, eng_op(L, 0), 4, &d, &p, &has_p) || u32_src(L, eng_op(L, 2), &mask) ||
        !eng_width_ok(L, eng_op(L, 1), t))
        return eng_unsupported(L);
    uint32_t a = eng_src(L, eng_op(L, 1), t);
    eng_insn *e = eng_emit(L, h_match);
    e->d = d;
    e->a = a;
    e->b = mask;
    e->x = p;
    e->mode = (uint16_t)all;
    e->mode2 = (uint16_t)((t == PTX_T_B64 ? 1 : 0) | (has_p ? 2 : 0));
    return 0;
}

static int lower_redux(eng_lower *L, const ptx_insn *pi)
{
    static const ptx_mod ops[] = {PTX_MOD_ADD, PTX_MOD_MIN, PTX_MOD_MAX, PTX_MOD_AND, PTX_MOD_OR, PTX_MOD_XOR};
    int mode = -1;
    for (int i = 0; i < 6; i++)
        if (eng_has(pi, ops[i]))
            mode = i;
    ptx_type t = eng_type(pi, 0);
    if (t == PTX_T_F32 && (mode == 1 || mode == 2) && pi->nopnds == 3) {
        uint32_t a, mask;
        const ptx_operand *od = eng_op(L, 0);
        if ((od->kind == PTX_OPND_REG && eng_reg_width(L, od) != 4) || u32_src(L, eng_op(L, 1), &a) ||
            u32_src(L, eng_op(L, 2), &mask))
            return eng_unsupported(L);
        uint32_t d = eng_dst(L, od);
        eng_insn *e = eng_emit(L, h_redux_f32);
        e->d = d;
        e->a = a;
        e->b = mask;
        e->mode = (uint16_t)(mode - 1);
        e->mode2 = (uint16_t)((eng_has(pi, PTX_MOD_ABS) ? 1 : 0) | (eng_has(pi, PTX_MOD_NAN) ? 2 : 0));
        return 0;
    }
    if (mode < 0 || (t != PTX_T_U32 && t != PTX_T_S32 && t != PTX_T_B32) || pi->nopnds != 3)
        return eng_unsupported(L);
    uint32_t d, a, mask;
    const ptx_operand *od = eng_op(L, 0);
    if ((od->kind == PTX_OPND_REG && eng_reg_width(L, od) != 4) || u32_src(L, eng_op(L, 1), &a) ||
        u32_src(L, eng_op(L, 2), &mask))
        return eng_unsupported(L);
    d = eng_dst(L, od);
    eng_insn *e = eng_emit(L, h_redux);
    e->d = d;
    e->a = a;
    e->b = mask;
    e->mode = (uint16_t)mode;
    e->mode2 = t == PTX_T_S32 ? 1 : 0;
    return 0;
}

int eng_lower_warp(eng_lower *L, const ptx_insn *pi)
{
    switch (pi->op) {
    case PTX_OP_SHFL:
        return lower_shfl(L, pi);
    case PTX_OP_VOTE:
        return lower_vote(L, pi);
    case PTX_OP_ACTIVEMASK: {
        const ptx_operand *d = eng_op(L, 0);
        if (eng_reg_width(L, d) != 4)
            return eng_unsupported(L);
        uint32_t ds = eng_dst(L, d);
        eng_insn *e = eng_emit(L, h_activemask);
        e->d = ds;
        return 0;
    }
    case PTX_OP_MATCH:
        return lower_match(L, pi);
    case PTX_OP_REDUX:
        return lower_redux(L, pi);
    case PTX_OP_ELECT: {
        uint32_t d, p = 0, mask;
        int has_p;
        if (dest_pair(L, eng_op(L, 0), 4, &d, &p, &has_p) || !has_p || u32_src(L, eng_op(L, 1), &mask))
            return eng_unsupported(L);
        eng_insn *e = eng_emit(L, h_elect);
        e->d = d;
        e->x = p;
        e->a = mask;
        return 0;
    }
    case PTX_OP_BAR: {
        uint32_t mask;
        if (pi->nopnds != 1 || u32_src(L, eng_op(L, 0), &mask))
            return eng_unsupported(L);
        eng_insn *e = eng_emit(L, h_warpsync);
        e->a = mask;
        return 0;
    }
    default:
        return eng_unsupported(L);
    }
}
