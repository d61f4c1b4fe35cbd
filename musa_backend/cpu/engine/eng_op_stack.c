/*
 * eng_op_stack.c - the dynamic stack: alloca, stacksave, stackrestore (what device-side
 * alloca() compiles to).
 *
 * Owns: each call frame's dynamic area, which lies after the frame's static locals in every
 * lane's local memory (the stack, sized by cudaLimitStackSize).  The lanes of a warp allocate
 * at the same offset, each in its own local memory, taking the largest request among them, so
 * one size per frame (eng_frame.dyn_bytes) says where the next allocation and the next call's
 * frame start.  Running past the stack faults as a GPU's stack overflow does.
 */
#include "eng_ops.h"

/* Offset of the frame's dynamic area in each lane's local memory. */
static uint64_t dynamic_base(eng_warp *w)
{
    const eng_frame *f = eng_cur(w);
    return (uint64_t)f->local_base + w->blk->mod->funcs[f->func].local_bytes;
}

static uint64_t lane_value(const eng_warp *w, uint32_t slot, unsigned width, int l)
{
    if (width == 8) {
        uint64_t v;
        memcpy(&v, w->regs + slot + 8 * (size_t)l, 8);
        return v;
    }
    uint32_t v;
    memcpy(&v, w->regs + slot + 4 * (size_t)l, 4);
    return v;
}

static void set_lanes(eng_warp *w, uint32_t slot, unsigned width, uint32_t m, uint64_t value)
{
    uint64_t r[ENG_LANES];
    for (int l = 0; l < ENG_LANES; l++)
        r[l] = value;
    if (width == 8) {
        eng_store64(w->regs + slot, r, m);
    } else {
        uint32_t t[ENG_LANES];
        for (int l = 0; l < ENG_LANES; l++)
            t[l] = (uint32_t)r[l];
        eng_store_w(w->regs + slot, t, m, 4);
    }
}

/* d = alloca(a, imm): in->mode2 the width of a, in->c the width of d, in->imm the alignment. */
ENG_H(h_alloca)
{
    uint64_t need = 0;
    for (uint32_t mm = m; mm; mm &= mm - 1) {
        uint64_t size = lane_value(w, in->a, in->mode2, eng_ctz(mm));
        need = size > need ? size : need;
    }
    eng_frame *f = eng_cur(w);
    uint64_t base = dynamic_base(w), align = (uint64_t)in->imm;
    uint64_t start = (base + f->dyn_bytes + align - 1) & ~(align - 1);
    if (!w->local || need > w->local_stride || start + need > w->local_stride)
        return eng_fault(w, in, eng_ctz(m), MU_ERROR_LAUNCH_FAILURE,
                         "stack overflow (alloca of %llu bytes; raise cudaLimitStackSize)",
                         (unsigned long long)need);
    f->dyn_bytes = (uint32_t)(start + need - base);
    set_lanes(w, in->d, in->c, m, start);
    return ENG_OK;
}

ENG_H(h_stacksave)
{
    set_lanes(w, in->d, in->c, m, dynamic_base(w) + eng_cur(w)->dyn_bytes);
    return ENG_OK;
}

/* Only back to an earlier top of this frame: anything else keeps the stack as it is. */
ENG_H(h_stackrestore)
{
    uint64_t to = lane_value(w, in->a, in->mode2, eng_ctz(m)), base = dynamic_base(w);
    eng_frame *f = eng_cur(w);
    if (to >= base && to - base <= f->dyn_bytes)
        f->dyn_bytes = (uint32_t)(to - base);
    return ENG_OK;
}

int eng_lower_stack(eng_lower *L, const ptx_insn *pi)
{
    ptx_type t = eng_type(pi, 0);
    if (t != PTX_T_U32 && t != PTX_T_U64)
        return eng_unsupported(L);
    unsigned tw = ptx_type_bytes(t);
    const ptx_operand *r = eng_op(L, 0);
    if (r->kind != PTX_OPND_REG || eng_reg_width(L, r) != tw)
        return eng_unsupported(L);
    if (pi->op == PTX_OP_STACKSAVE) {
        eng_insn *e = eng_emit(L, h_stacksave);
        e->d = eng_dst(L, r);
        e->c = tw;
        return 0;
    }
    if (pi->op == PTX_OP_STACKRESTORE) {
        eng_insn *e = eng_emit(L, h_stackrestore);
        e->a = eng_src(L, r, t);
        e->mode2 = (uint16_t)tw;
        return 0;
    }
    /* alloca d, size {, align}: the alignment a power of two (8 when absent) */
    int64_t align = 8;
    if (pi->nopnds < 2 || (pi->nopnds > 2 && (!eng_imm(eng_op(L, 2), &align) || align <= 0 ||
                                              (align & (align - 1)) != 0 || align > 4096)))
        return eng_unsupported(L);
    const ptx_operand *size = eng_op(L, 1);
    uint32_t src = eng_src(L, size, t);
    uint32_t dst = eng_dst(L, r);
    eng_insn *e = eng_emit(L, h_alloca);
    e->d = dst;
    e->a = src;
    e->mode2 = (uint16_t)tw;
    e->c = tw;
    e->imm = align;
    return 0;
}
