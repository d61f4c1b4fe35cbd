/*
 * eng_op_ctrl.c - control flow: bra, call (direct, indirect, and the device-runtime functions
 * the engine provides), ret, exit, trap, brkpt, pmevent.
 *
 * Owns: what each control instruction does to the warp's lanes and call frames.  A branch
 * taken by some lanes parks the others at the fall-through pc (eng_sched.c reconverges them);
 * a backward branch (and a call) spends the warp's time slice so spin-waits let other warps run
 * and the watchdog can stop a kernel that never ends.  A call
 * enters a frame with fresh registers and a slice of each lane's local memory (the stack) and
 * copies the .param arguments in; lanes that call a function their frame already has lanes in
 * join that frame (eng_sched.c).  ret copies each lane's results back to its call site.
 * Running past the stack limit faults like a GPU's stack overflow.
 */
#include <stdlib.h>

#include "eng_builtin.h"
#include "eng_ops.h"

ENG_H(h_bra)
{
    uint32_t pc = eng_pc_of(w, in), target = (uint32_t)in->imm;
    if (m != w->active) {
        eng_park(w, w->active & ~m, pc + 1);
        w->active = m;
        w->pc = target;
        eng_resched_after_jump(w);
    } else {
        w->pc = target;
        if (target <= pc)
            eng_resched_after_jump(w);
    }
    if (target <= pc) {
        if (--w->budget <= 0) {
            eng_rotate(w);
            return eng_slice_end(w, in, ENG_SLICE);
        }
        if (w->polling) { /* a spin-wait: whoever it waits for may be another warp */
            w->polling = 0;
            eng_rotate(w);
            return ENG_PAUSE;
        }
    }
    return ENG_OK;
}

int eng_ret_handler(eng_warp *w, const eng_insn *in, uint32_t m);
int eng_ret_handler(eng_warp *w, const eng_insn *in, uint32_t m)
{
    (void)in;
    if (eng_cur(w)->parent < 0)
        return eng_exit_lanes(w, m);
    eng_return_lanes(w, m);
    return ENG_OK;
}

ENG_H(h_exit)
{
    (void)in;
    return eng_exit_lanes(w, m);
}

ENG_H(h_trap)
{
    return eng_fault(w, in, eng_ctz(m), MU_ERROR_LAUNCH_FAILURE, "trap");
}

ENG_H(h_nop_ctrl)
{
    (void)w;
    (void)in;
    (void)m;
    return ENG_OK;
}

ENG_H(h_call)
{
    const struct engine_module *mod = w->blk->mod;
    const eng_callsite *cs = &mod->callsites[in->x];
    uint32_t pc = eng_pc_of(w, in);
    uint32_t callee = cs->callee;
    if (callee == ENG_NONE) {
        /* indirect: lanes may call different functions; run one target's lanes now */
        const uint64_t *A = ENG_SLOT(const uint64_t, w, in->a);
        int l0 = eng_ctz(m);
        uint64_t target = A[l0];
        uint32_t same = 0;
        for (uint32_t mm = m; mm; mm &= mm - 1)
            if (A[eng_ctz(mm)] == target)
                same |= 1u << eng_ctz(mm);
        if (ENG_IS_FUNC_ADDR(target) && ENG_FUNC_MODULE(target) != mod->serial)
            return eng_fault(w, in, l0, MU_ERROR_NOT_SUPPORTED,
                             "call through a pointer to a device function of another module "
                             "(0x%llx): link the device code together (-rdc=true)",
                             (unsigned long long)target);
        if (!ENG_IS_FUNC_ADDR(target) || ENG_FUNC_INDEX(target) >= mod->nfuncs)
            return eng_fault(w, in, l0, MU_ERROR_ILLEGAL_INSTRUCTION,
                             "call through a pointer that is not a device function (0x%llx)",
                             (unsigned long long)target);
        callee = ENG_FUNC_INDEX(target);
        if (same != m) {
            /* the other lanes retry the call after these return */
            eng_park(w, m & ~same, pc);
            w->active &= ~(m & ~same);
            m = same;
        }
    }
    const eng_func *ef = &mod->funcs[callee];
    if (ef->builtin)
        return eng_builtin_call(w, in, m, cs, ef->builtin);
    if (!ef->lowered)
        return eng_fault(w, in, eng_ctz(m), MU_ERROR_NOT_SUPPORTED, "call of a function without a body");
    uint32_t skip = w->active & ~m;
    if (skip) { /* a guarded call: the others go on after it */
        eng_park(w, skip, pc + 1);
        w->active = m;
    }
    /* a call is charged like a backward branch: recursion that branches (f calls f twice)
     * runs forever within a bounded stack */
    if (--w->budget <= 0 && eng_slice_end(w, in, ENG_SLICE) == ENG_FAULT)
        return ENG_FAULT;
    int ci = w->cur;
    const eng_frame *top = &w->frames[ci];
    int depth = top->depth + 1;
    uint32_t base = top->local_base + mod->funcs[top->func].local_bytes;
    if (top->dyn_bytes) /* after what the caller alloca'd, aligned for any local variable */
        base = (base + top->dyn_bytes + 15u) & ~15u;
    if (!w->local || (uint64_t)base + ef->local_bytes > w->local_stride)
        return eng_fault(w, in, eng_ctz(m), MU_ERROR_LAUNCH_FAILURE,
                         "stack overflow (call depth %d; raise cudaLimitStackSize)", depth);
    /* Lanes of this frame already in the function (they called it earlier, from this call or
     * another, and wait or were rotated out there) are joined: they may be waiting for these
     * at a warp-synchronous instruction. */
    int fi = -1;
    for (int i = 1; i < w->nframes && fi < 0; i++) {
        const eng_frame *g = &w->frames[i];
        if (g->live && g->parent == ci && g->func == callee && g->local_base == base)
            fi = i;
    }
    int joined = fi >= 0;
    if (!joined && (fi = eng_frame_new(w, ci, ef)) < 0)
        return eng_fault(w, in, eng_ctz(m), MU_ERROR_MEMORY_ALLOCATION, "out of memory for a call frame");
    eng_frame *caller = &w->frames[ci], *f = &w->frames[fi];
    const ptx_module *pm = mod->ptx;
    const ptx_func *pf = &pm->funcs[ef->ptx];
    for (uint32_t i = 0; i < cs->nargs && i < pf->nparams; i++) {
        const eng_callarg *ca = &mod->callargs[cs->args + i];
        uint32_t from = caller->local_base + ca->local_off;
        uint32_t to = base + (uint32_t)mod->var_addr[pf->params + i];
        uint32_t n = ca->size < pm->vars[pf->params + i].size ? ca->size : (uint32_t)pm->vars[pf->params + i].size;
        for (uint32_t mm = m; mm; mm &= mm - 1) {
            uint8_t *lane = w->local + (size_t)eng_ctz(mm) * w->local_stride;
            memmove(lane + to, lane + from, n);
        }
    }
    f->local_base = base;
    caller->members &= ~m;
    f->members |= m;
    for (uint32_t mm = m; mm; mm &= mm - 1)
        f->lane_call[eng_ctz(mm)] = pc;
    w->cur = fi;
    w->regs = f->regs;
    w->pc = ef->entry_pc;
    w->active = m;
    w->resched_pc = ENG_NONE;
    if (joined)
        eng_resched_after_jump(w); /* meet the lanes already in it where they are */
    return ENG_OK;
}

/* --- lowering --- */

static int add_callargs(eng_lower *L, const ptx_operand *list, uint32_t *first)
{
    struct engine_module *mod = eng_l_mod(L);
    const ptx_module *pm = eng_l_ptx(L);
    *first = mod->ncallargs;
    for (unsigned i = 0; i < list->comp; i++) {
        const ptx_operand *o = eng_elem(L, list, i);
        if (o->kind != PTX_OPND_SYM)
            return -1;
        const ptx_var *v = &pm->vars[o->index];
        if (v->space != PTX_SPACE_PARAM)
            return -1;
        eng_callarg *n = realloc(mod->callargs, sizeof *n * (mod->ncallargs + 1));
        if (!n)
            return -1;
        mod->callargs = n;
        n[mod->ncallargs].local_off = (uint32_t)(mod->var_addr[o->index] + (uint64_t)o->imm);
        n[mod->ncallargs].size = (uint32_t)v->size;
        mod->ncallargs++;
    }
    return 0;
}

static int lower_call(eng_lower *L, const ptx_insn *pi)
{
    struct engine_module *mod = eng_l_mod(L);
    if (pi->nopnds < 3)
        return eng_unsupported(L);
    const ptx_operand *rets = eng_op(L, 0), *callee = eng_op(L, 1), *args = eng_op(L, 2);
    eng_callsite cs;
    memset(&cs, 0, sizeof cs);
    uint32_t a = ENG_F_ZERO;
    if (callee->kind == PTX_OPND_FUNC) {
        cs.callee = callee->index;
        if (mod->funcs[callee->index].builtin == ENG_BUILTIN_UNKNOWN)
            return eng_unsupported(L);
    } else if (callee->kind == PTX_OPND_REG && eng_reg_width(L, callee) == 8) {
        cs.callee = ENG_NONE;
        a = eng_src(L, callee, PTX_T_U64);
    } else {
        return eng_unsupported(L);
    }
    if (rets->kind != PTX_OPND_LIST || args->kind != PTX_OPND_LIST)
        return eng_unsupported(L);
    if (add_callargs(L, args, &cs.args) || add_callargs(L, rets, &cs.rets))
        return eng_unsupported(L);
    cs.nargs = args->comp;
    cs.nrets = rets->comp;
    eng_callsite *n = realloc(mod->callsites, sizeof *n * (mod->ncallsites + 1));
    if (!n)
        return eng_unsupported(L);
    mod->callsites = n;
    n[mod->ncallsites] = cs;
    eng_insn *e = eng_emit(L, h_call);
    e->x = mod->ncallsites++;
    e->a = a;
    return 0;
}

int eng_lower_ctrl(eng_lower *L, const ptx_insn *pi)
{
    switch (pi->op) {
    case PTX_OP_BRA: {
        const ptx_operand *t = eng_op(L, 0);
        if (t->kind != PTX_OPND_LABEL)
            return eng_unsupported(L);
        eng_insn *e = eng_emit(L, h_bra);
        e->imm = t->index;
        eng_fix_label(L, eng_next_pc(L) - 1);
        return 0;
    }
    case PTX_OP_CALL:
        return lower_call(L, pi);
    case PTX_OP_RET:
        eng_emit(L, eng_ret_handler);
        return 0;
    case PTX_OP_EXIT:
        eng_emit(L, h_exit);
        return 0;
    case PTX_OP_TRAP:
        eng_emit(L, h_trap);
        return 0;
    case PTX_OP_BRKPT:
    case PTX_OP_PMEVENT:
        eng_emit(L, h_nop_ctrl);
        return 0;
    default:
        return eng_unsupported(L);
    }
}
