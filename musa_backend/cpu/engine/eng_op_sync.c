/*
 * eng_op_sync.c - CTA barriers and fences: bar/barrier .sync/.arrive/.red, membar, fence,
 * nanosleep, and the hints griddepcontrol and setmaxnreg (no effect on a CPU).
 *
 * Owns: a warp's side of a barrier: the executing lanes arrive (counted per thread) and, for
 * .sync/.red, wait with their pc past the barrier until eng_block.c completes it; .red
 * contributes each lane's predicate and receives the reduction at release.  Fences are host
 * sequentially consistent fences.  bar.warp.sync belongs to the warp family (eng_op_warp.c).
 */
#include "eng_ops.h"

/* mode: 0 sync, 1 arrive, 2 red.popc, 3 red.and, 4 red.or; mode2 bit 0: count operand present,
 * bit 1: negate the .red predicate.  a: barrier id slot, b: count slot, c: predicate slot,
 * d: .red destination */
ENG_H(h_bar)
{
    eng_block *blk = w->blk;
    int l0 = eng_ctz(m);
    uint32_t id = ENG_SLOT(uint32_t, w, in->a)[l0];
    if (id >= ENG_NBARRIERS)
        return eng_fault(w, in, l0, MU_ERROR_ILLEGAL_INSTRUCTION, "barrier %u out of range", id);
    eng_barrier *bar = &blk->bars[id];
    if (in->mode2 & 1) {
        uint32_t cnt = ENG_SLOT(uint32_t, w, in->b)[l0];
        if (cnt == 0 || cnt % ENG_LANES || cnt > blk->nwarps * ENG_LANES)
            return eng_fault(w, in, l0, MU_ERROR_ILLEGAL_INSTRUCTION, "barrier thread count %u is not a multiple of 32 up to the block size", cnt);
        bar->expected = cnt;
    }
    if (in->mode >= 2) {
        uint32_t p = eng_pred(w, in->c) ^ ((in->mode2 & 2) ? ENG_FULL : 0);
        bar->red_popc += (uint32_t)eng_popc(p & m);
        if ((p & m) != m)
            bar->red_and = 0;
        if (p & m)
            bar->red_or = 1;
        w->bar_red_dst[id] = in->d;
        w->bar_red_kind[id] = (uint8_t)(in->mode - 1);
    }
    bar->arrived += (uint32_t)eng_popc(m);
    if (in->mode != 1) {
        eng_frame *f = eng_cur(w);
        eng_set_lane_pc(f, m, eng_pc_of(w, in) + 1);
        f->barwait |= m;
        w->bar_lanes[id] |= m;
        w->active &= ~m;
        w->resched_pc = 0;
    }
    eng_barrier_check(blk, (int)id);
    /* this arrival completed the barrier: let the other warps go first, in order */
    return bar->arrived == 0 && in->mode != 1 ? ENG_YIELD : ENG_OK;
}

ENG_H(h_fence)
{
    (void)w;
    (void)in;
    (void)m;
    atomic_thread_fence(memory_order_seq_cst);
    return ENG_OK;
}

ENG_H(h_nanosleep)
{
    (void)m;
    /* a sleeping group lets the warp's other lanes and the block's other warps run (spin-waits
     * with back-off); a sleep is charged as a whole time slice, so a loop around it still meets
     * the watchdog */
    eng_rotate(w);
    return eng_slice_end(w, in, ENG_SLICE);
}

ENG_H(h_hint)
{
    (void)w;
    (void)in;
    (void)m;
    return ENG_OK;
}

static int lower_bar(eng_lower *L, const ptx_insn *pi)
{
    if (eng_has(pi, PTX_MOD_WARP))
        return eng_lower_warp(L, pi);
    uint16_t mode = 0;
    unsigned first = 0;
    ptx_type t = eng_type(pi, 0);
    if (eng_has(pi, PTX_MOD_ARRIVE))
        mode = 1;
    else if (eng_has(pi, PTX_MOD_RED)) {
        if (eng_has(pi, PTX_MOD_POPC) && t == PTX_T_U32)
            mode = 2;
        else if (eng_has(pi, PTX_MOD_AND) && t == PTX_T_PRED)
            mode = 3;
        else if (eng_has(pi, PTX_MOD_OR) && t == PTX_T_PRED)
            mode = 4;
        else
            return eng_unsupported(L);
        first = 1;
    }
    unsigned nops = pi->nopnds;
    if (nops < first + 1)
        return eng_unsupported(L);
    uint16_t mode2 = 0;
    uint32_t d = ENG_F_SCRATCH, c = ENG_F_ONES;
    if (mode >= 2) {
        if (eng_reg_width(L, eng_op(L, 0)) != (mode == 2 ? 4u : 1u))
            return eng_unsupported(L);
        d = eng_dst(L, eng_op(L, 0));
        const ptx_operand *po = eng_op(L, nops - 1);
        if (po->kind == PTX_OPND_REG && eng_reg_width(L, po) != 1)
            return eng_unsupported(L);
        c = eng_src(L, po, PTX_T_PRED);
        if (po->flags & PTX_OPND_F_NEG)
            mode2 |= 2;
        nops--;
    }
    uint32_t a = eng_src(L, eng_op(L, first), PTX_T_U32);
    uint32_t b = ENG_F_ZERO;
    if (nops > first + 1) {
        b = eng_src(L, eng_op(L, first + 1), PTX_T_U32);
        mode2 |= 1;
    }
    if (eng_reg_width(L, eng_op(L, first)) > 4)
        return eng_unsupported(L);
    eng_insn *e = eng_emit(L, h_bar);
    e->a = a;
    e->b = b;
    e->c = c;
    e->d = d;
    e->mode = mode;
    e->mode2 = mode2;
    return 0;
}

int eng_lower_sync(eng_lower *L, const ptx_insn *pi)
{
    switch (pi->op) {
    case PTX_OP_BAR:
    case PTX_OP_BARRIER:
        return lower_bar(L, pi);
    case PTX_OP_MEMBAR:
    case PTX_OP_FENCE:
        eng_emit(L, h_fence);
        return 0;
    case PTX_OP_NANOSLEEP:
        eng_emit(L, h_nanosleep);
        return 0;
    case PTX_OP_GRIDDEPCONTROL:
    case PTX_OP_SETMAXNREG:
        eng_emit(L, h_hint);
        return 0;
    default:
        return eng_unsupported(L);
    }
}
