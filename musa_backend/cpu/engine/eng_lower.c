/*
 * eng_lower.c - lowering driver: turns one PTX function into eng_insn records.
 *
 * Owns: register-frame layout (which registers get a slot, at what offset), constant and
 * temporary slots, operand resolution (registers, immediates, symbol addresses, special
 * registers), label fix-ups, and choosing the family file that lowers each instruction.  The
 * family files (eng_op_*.c) own what each opcode means.  Runs once per module load; nothing
 * here is on the execution path.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eng_lower.h"
#include "eng_module.h"

struct lconst {
    uint64_t bits;
    uint32_t off;
    uint8_t width;
};

struct eng_lower {
    struct engine_module *mod;
    const ptx_module *pm;
    uint32_t pfi;
    const ptx_func *pf;
    eng_func *ef;
    uint32_t *reg_off;   /* by register index within the function */
    uint32_t frame_bytes;
    uint32_t dyn_start;
    uint8_t *image;      /* initial frame contents */
    uint32_t image_cap;
    struct lconst *consts;
    uint32_t nconsts, cap_consts;
    const ptx_insn *pi;
    uint32_t pi_index;
    int unsup;
    uint32_t *label_pc;
    uint32_t *fixups;
    uint32_t nfixups, cap_fixups;
    int oom;
};

static int grow(void **p, uint32_t *cap, size_t elem, uint32_t need)
{
    if (need <= *cap)
        return 0;
    uint32_t n = *cap ? *cap : 16;
    while (n < need)
        n *= 2;
    void *q = realloc(*p, (size_t)n * elem);
    if (!q)
        return -1;
    *p = q;
    *cap = n;
    return 0;
}

const ptx_module *eng_l_ptx(const eng_lower *L) { return L->pm; }
struct engine_module *eng_l_mod(const eng_lower *L) { return L->mod; }
const ptx_func *eng_l_func(const eng_lower *L) { return L->pf; }
int eng_l_is_entry(const eng_lower *L) { return (L->pf->flags & PTX_FUNC_F_ENTRY) != 0; }

const ptx_operand *eng_op(const eng_lower *L, unsigned i)
{
    static const ptx_operand none;
    if (i >= L->pi->nopnds)
        return &none;
    return ptx_opnd(L->pm, L->pi, i);
}

const ptx_operand *eng_elem(const eng_lower *L, const ptx_operand *v, unsigned i)
{
    static const ptx_operand none;
    if (i >= v->comp)
        return &none;
    return ptx_elem(L->pm, v, i);
}

int eng_has(const ptx_insn *pi, ptx_mod m)
{
    return ptx_has_mod(pi, m);
}

ptx_type eng_type(const ptx_insn *pi, unsigned i)
{
    return i < pi->ntypes ? (ptx_type)pi->types[i] : PTX_T_NONE;
}

int eng_rounding(const ptx_insn *pi)
{
    for (unsigned i = 0; i < pi->nmods; i++) {
        switch (pi->mods[i]) {
        case PTX_MOD_RN:
        case PTX_MOD_RNI:
            return ENG_RND_RN;
        case PTX_MOD_RZ:
        case PTX_MOD_RZI:
            return ENG_RND_RZ;
        case PTX_MOD_RM:
        case PTX_MOD_RMI:
            return ENG_RND_RM;
        case PTX_MOD_RP:
        case PTX_MOD_RPI:
            return ENG_RND_RP;
        case PTX_MOD_RNA:
            return ENG_RND_RNA;
        default:
            break;
        }
    }
    return ENG_RND_DEFAULT;
}

unsigned eng_type_width(ptx_type t)
{
    if (t == PTX_T_PRED)
        return 1;
    unsigned b = ptx_type_bytes(t);
    return b <= 2 ? 2 : b;
}

unsigned eng_reg_width(const eng_lower *L, const ptx_operand *o)
{
    if (o->kind != PTX_OPND_REG)
        return 0;
    return eng_type_width((ptx_type)L->pm->regs[o->index].type);
}

int eng_imm(const ptx_operand *o, int64_t *v)
{
    if (o->kind != PTX_OPND_IMM)
        return 0;
    *v = o->imm;
    return 1;
}

int eng_unsupported(eng_lower *L)
{
    L->unsup = 1;
    return -1;
}

/* --- frame space --- */

static uint32_t frame_alloc(eng_lower *L, unsigned bytes, unsigned align)
{
    uint32_t off = (L->frame_bytes + align - 1) & ~(align - 1);
    uint32_t end = off + bytes;
    if (grow((void **)&L->image, &L->image_cap, 1, end)) {
        L->oom = 1;
        return ENG_F_SCRATCH;
    }
    memset(L->image + L->frame_bytes, 0, end - L->frame_bytes);
    L->frame_bytes = end;
    return off;
}

static unsigned slot_bytes(unsigned width)
{
    return width == 1 ? 4 : width * ENG_LANES;
}

uint32_t eng_temp(eng_lower *L, unsigned width)
{
    return frame_alloc(L, slot_bytes(width), width == 1 ? 4 : 64);
}

uint32_t eng_const(eng_lower *L, uint64_t bits, unsigned width)
{
    if (width == 1)
        bits = bits ? ENG_FULL : 0;
    else if (width < 8)
        bits &= (1ull << (8 * width)) - 1;
    if (bits == 0 && width != 1)
        return ENG_F_ZERO;
    if (width == 1 && bits == ENG_FULL)
        return ENG_F_ONES;
    for (uint32_t i = 0; i < L->nconsts; i++)
        if (L->consts[i].bits == bits && L->consts[i].width == width)
            return L->consts[i].off;
    uint32_t off = eng_temp(L, width);
    if (L->oom)
        return off;
    uint8_t *p = L->image + off;
    for (int l = 0; l < (width == 1 ? 1 : ENG_LANES); l++)
        memcpy(p + (width == 1 ? 4 : width) * (unsigned)l, &bits, width == 1 ? 4 : width);
    if (grow((void **)&L->consts, &L->cap_consts, sizeof *L->consts, L->nconsts + 1)) {
        L->oom = 1;
        return off;
    }
    L->consts[L->nconsts].bits = bits;
    L->consts[L->nconsts].off = off;
    L->consts[L->nconsts].width = (uint8_t)width;
    L->nconsts++;
    return off;
}

/* --- code --- */

uint32_t eng_next_pc(const eng_lower *L)
{
    return L->mod->ncode;
}

static int h_unsupported(eng_warp *w, const eng_insn *in, uint32_t m)
{
    /* launches check reachability first; this only runs if that check was bypassed */
    char buf[160];
    uint32_t line;
    eng_describe_insn(w->blk->mod, in->src, buf, sizeof buf, &line);
    return eng_fault(w, in, eng_ctz(m), MU_ERROR_NOT_SUPPORTED, "unsupported PTX at line %u", line);
}

static eng_insn *emit_raw(eng_lower *L, eng_fn fn)
{
    struct engine_module *mod = L->mod;
    static eng_insn dummy;
    if (grow((void **)&mod->code, &mod->code_cap, sizeof *mod->code, mod->ncode + 1)) {
        L->oom = 1;
        memset(&dummy, 0, sizeof dummy);
        return &dummy;
    }
    eng_insn *e = &mod->code[mod->ncode++];
    memset(e, 0, sizeof *e);
    e->fn = fn;
    e->guard = ENG_F_ONES;
    e->src = L->pi_index;
    return e;
}

eng_insn *eng_emit(eng_lower *L, eng_fn fn)
{
    eng_insn *e = emit_raw(L, fn);
    const ptx_insn *pi = L->pi;
    if (pi && pi->guard != PTX_NONE) {
        uint32_t r = pi->guard - L->pf->regs;
        e->guard = L->reg_off[r];
        e->gneg = pi->guard_neg ? ENG_FULL : 0;
    }
    return e;
}

eng_insn *eng_last(eng_lower *L)
{
    return &L->mod->code[L->mod->ncode - 1];
}

void eng_fix_label(eng_lower *L, uint32_t pc)
{
    if (grow((void **)&L->fixups, &L->cap_fixups, sizeof *L->fixups, L->nfixups + 1)) {
        L->oom = 1;
        return;
    }
    L->fixups[L->nfixups++] = pc;
}

uint32_t eng_vslots_add(eng_lower *L, const uint32_t *slots, unsigned n)
{
    struct engine_module *mod = L->mod;
    if (grow((void **)&mod->vslots, &mod->vslots_cap, sizeof *mod->vslots, mod->nvslots + 1)) {
        L->oom = 1;
        return 0;
    }
    eng_vslots *v = &mod->vslots[mod->nvslots];
    memset(v, 0, sizeof *v);
    for (unsigned i = 0; i < n && i < 8; i++)
        v->s[i] = slots[i];
    return mod->nvslots++;
}

uint32_t eng_range_index(eng_lower *L)
{
    return L->mod->nranges++;
}

/* --- operands --- */

uint32_t eng_dst(eng_lower *L, const ptx_operand *o)
{
    if (o->kind == PTX_OPND_REG) {
        uint32_t off = L->reg_off[o->index - L->pf->regs];
        if (off == ENG_NONE) {
            eng_unsupported(L);
            return ENG_F_SCRATCH;
        }
        return off;
    }
    if (o->kind == PTX_OPND_SINK)
        return ENG_F_SCRATCH;
    eng_unsupported(L);
    return ENG_F_SCRATCH;
}

static uint64_t imm_as(const ptx_operand *o, ptx_type as)
{
    ptx_type_class c = ptx_type_cls(as);
    if (as == PTX_T_F32) {
        if (o->kind == PTX_OPND_F32)
            return (uint32_t)o->imm;
        float f;
        if (o->kind == PTX_OPND_F64) {
            double d;
            uint64_t b = (uint64_t)o->imm;
            memcpy(&d, &b, 8);
            f = (float)d;
        } else {
            f = (float)o->imm;
        }
        uint32_t u;
        memcpy(&u, &f, 4);
        return u;
    }
    if (as == PTX_T_F64) {
        if (o->kind == PTX_OPND_F64)
            return (uint64_t)o->imm;
        double d;
        if (o->kind == PTX_OPND_F32) {
            float f;
            uint32_t u = (uint32_t)o->imm;
            memcpy(&f, &u, 4);
            d = f;
        } else {
            d = (double)o->imm;
        }
        uint64_t u;
        memcpy(&u, &d, 8);
        return u;
    }
    (void)c;
    return (uint64_t)o->imm;
}

uint32_t eng_src(eng_lower *L, const ptx_operand *o, ptx_type as)
{
    unsigned width = eng_type_width(as);
    switch (o->kind) {
    case PTX_OPND_REG: {
        uint32_t off = L->reg_off[o->index - L->pf->regs];
        if (off == ENG_NONE) {
            eng_unsupported(L);
            return ENG_F_ZERO;
        }
        return off;
    }
    case PTX_OPND_IMM:
    case PTX_OPND_F32:
    case PTX_OPND_F64:
        return eng_const(L, imm_as(o, as), width);
    case PTX_OPND_SREG: {
        uint32_t t = eng_temp(L, width == 1 ? 4 : width);
        eng_emit_sreg(L, t, width == 1 ? 4 : width, o);
        return t;
    }
    case PTX_OPND_SYM: {
        const ptx_var *v = &L->pm->vars[o->index];
        uint64_t base = L->mod->var_addr[o->index];
        if (width < 4)
            width = 4;
        switch (v->space) {
        case PTX_SPACE_GLOBAL:
        case PTX_SPACE_CONST:
        case PTX_SPACE_SHARED:
            return eng_const(L, base + (uint64_t)o->imm, width);
        case PTX_SPACE_LOCAL:
            if (eng_l_is_entry(L))
                return eng_const(L, base + (uint64_t)o->imm, width);
            {
                uint32_t t = eng_temp(L, width);
                eng_emit_local_addr(L, t, width, base + (uint64_t)o->imm);
                return t;
            }
        case PTX_SPACE_PARAM:
            if (!eng_l_is_entry(L) || v->owner != L->pfi || (v->flags & PTX_VAR_F_CALLARG)) {
                if (eng_l_is_entry(L))
                    return eng_const(L, base + (uint64_t)o->imm, width);
                uint32_t t = eng_temp(L, width);
                eng_emit_local_addr(L, t, width, base + (uint64_t)o->imm);
                return t;
            }
            /* A kernel parameter's address: nvcc passes it on as a generic pointer with or
             * without cvta.param (__grid_constant__ to a non-inlined function), so a 64-bit one
             * is the generic address of the launch's parameter buffer; ld.param and cvta accept
             * both that and the buffer offset. */
            if (width == 8)
                return eng_kparam_addr(L, base + (uint64_t)o->imm);
            return eng_const(L, base + (uint64_t)o->imm, width);
        default:
            break;
        }
        eng_unsupported(L);
        return ENG_F_ZERO;
    }
    case PTX_OPND_FUNC:
        return eng_const(L, ENG_FUNC_ADDR(L->mod->serial, o->index), width < 4 ? 4 : width);
    default:
        break;
    }
    eng_unsupported(L);
    return ENG_F_ZERO;
}

/* --- the driver --- */

static void mark_reg(eng_lower *L, uint8_t *used, uint32_t r)
{
    if (r >= L->pf->regs && r < L->pf->regs + L->pf->nregs)
        used[r - L->pf->regs] = 1;
}

static void mark_opnd(eng_lower *L, uint8_t *used, const ptx_operand *o)
{
    switch (o->kind) {
    case PTX_OPND_REG:
        mark_reg(L, used, o->index);
        break;
    case PTX_OPND_ADDR:
        if (o->base_kind == PTX_OPND_REG)
            mark_reg(L, used, o->index);
        break;
    case PTX_OPND_VEC:
    case PTX_OPND_PAIR:
    case PTX_OPND_LIST:
        for (unsigned i = 0; i < o->comp; i++)
            mark_opnd(L, used, ptx_elem(L->pm, o, i));
        break;
    default:
        break;
    }
}

static int layout_registers(eng_lower *L)
{
    const ptx_func *pf = L->pf;
    uint8_t *used = calloc(pf->nregs ? pf->nregs : 1, 1);
    L->reg_off = malloc(sizeof(uint32_t) * (pf->nregs ? pf->nregs : 1));
    if (!used || !L->reg_off) {
        free(used);
        return -1;
    }
    for (uint32_t i = 0; i < pf->ninsns; i++) {
        const ptx_insn *pi = &L->pm->insns[pf->insns + i];
        if (pi->guard != PTX_NONE)
            mark_reg(L, used, pi->guard);
        for (unsigned k = 0; k < pi->nopnds; k++)
            mark_opnd(L, used, ptx_opnd(L->pm, pi, k));
    }
    L->frame_bytes = 0;
    frame_alloc(L, ENG_F_HEADER, 64);
    if (L->oom) {
        free(used);
        return -1;
    }
    memset(L->image, 0, ENG_F_HEADER);
    uint32_t ones = ENG_FULL;
    memcpy(L->image + ENG_F_ONES, &ones, 4);
    /* predicates first (packed words), then 16-, 32- and 64-bit slots */
    static const unsigned order[] = {1, 2, 4, 8};
    for (uint32_t i = 0; i < pf->nregs; i++)
        L->reg_off[i] = ENG_NONE;
    for (unsigned k = 0; k < 4; k++) {
        for (uint32_t i = 0; i < pf->nregs; i++) {
            if (!used[i])
                continue;
            const ptx_reg *r = &L->pm->regs[pf->regs + i];
            if (r->vec != 1)
                continue; /* vector registers are not supported: uses become unsupported */
            unsigned w = eng_type_width((ptx_type)r->type);
            if (ptx_type_bytes((ptx_type)r->type) > 8)
                continue;
            if (w != order[k])
                continue;
            L->reg_off[i] = eng_temp(L, w);
        }
    }
    free(used);
    L->dyn_start = (L->frame_bytes + 63) & ~63u;
    return L->oom ? -1 : 0;
}

static int lower_one(eng_lower *L, const ptx_insn *pi)
{
    if (pi->unknown)
        return -1;
    ptx_type t0 = eng_type(pi, 0);
    ptx_type_class c0 = ptx_type_cls(t0);
    switch (ptx_op_family((ptx_op)pi->op)) {
    case PTX_FAM_ARITH:
    case PTX_FAM_SFU:
        if (c0 == PTX_TC_H)
            return eng_lower_half(L, pi);
        if (c0 == PTX_TC_F)
            return eng_lower_float(L, pi);
        if (pi->op == PTX_OP_TESTP || pi->op == PTX_OP_COPYSIGN)
            return eng_lower_float(L, pi);
        return eng_lower_int(L, pi);
    case PTX_FAM_BIT:
        return eng_lower_bit(L, pi);
    case PTX_FAM_CMP:
        if (pi->op == PTX_OP_SELP || pi->op == PTX_OP_SLCT)
            return eng_lower_cmp(L, pi); /* selects move bits, whatever the type */
        if (c0 == PTX_TC_H || ptx_type_cls(eng_type(pi, 1)) == PTX_TC_H)
            return eng_lower_half(L, pi);
        return eng_lower_cmp(L, pi);
    case PTX_FAM_CVT:
        return eng_lower_cvt(L, pi);
    case PTX_FAM_MOV:
        return eng_lower_mov(L, pi);
    case PTX_FAM_MEM:
        return eng_lower_mem(L, pi);
    case PTX_FAM_ATOM:
        return eng_lower_atom(L, pi);
    case PTX_FAM_CTRL:
        return eng_lower_ctrl(L, pi);
    case PTX_FAM_SYNC:
        return eng_lower_sync(L, pi);
    case PTX_FAM_WARP:
        return eng_lower_warp(L, pi);
    case PTX_FAM_VIDEO:
        return eng_lower_video(L, pi);
    case PTX_FAM_TEX:
        return eng_lower_tex(L, pi);
    case PTX_FAM_MMA:
        return eng_lower_mma(L, pi);
    case PTX_FAM_ASYNC:
        return eng_lower_async(L, pi);
    default:
        return -1;
    }
}

int eng_ret_handler(eng_warp *w, const eng_insn *in, uint32_t m);

int eng_lower_function(struct engine_module *mod, uint32_t pfi)
{
    eng_lower Ls, *L = &Ls;
    memset(L, 0, sizeof *L);
    L->mod = mod;
    L->pm = mod->ptx;
    L->pfi = pfi;
    L->pf = &mod->ptx->funcs[pfi];
    L->ef = &mod->funcs[pfi];
    L->pi_index = L->pf->insns;
    int rc = -1;
    L->label_pc = malloc(sizeof(uint32_t) * (L->pf->ninsns + 1));
    if (!L->label_pc || layout_registers(L))
        goto out;
    eng_func *ef = L->ef;
    ef->entry_pc = mod->ncode;
    ef->unsupported = ENG_NONE;
    for (uint32_t i = 0; i < L->pf->ninsns; i++) {
        const ptx_insn *pi = &L->pm->insns[L->pf->insns + i];
        L->pi = pi;
        L->pi_index = L->pf->insns + i;
        L->unsup = 0;
        L->label_pc[i] = mod->ncode;
        uint32_t before = mod->ncode;
        int r = lower_one(L, pi);
        if (r || L->unsup) {
            mod->ncode = before; /* drop what the family emitted */
            /* keep fix-ups pointing below the cut */
            while (L->nfixups && L->fixups[L->nfixups - 1] >= before)
                L->nfixups--;
            eng_emit(L, h_unsupported);
            if (ef->unsupported == ENG_NONE)
                ef->unsupported = L->pi_index;
        }
        if (L->oom)
            goto out;
    }
    L->label_pc[L->pf->ninsns] = mod->ncode;
    /* falling off the end of a function returns */
    L->pi = NULL;
    eng_emit(L, eng_ret_handler);
    ef->end_pc = mod->ncode;
    for (uint32_t i = 0; i < L->nfixups; i++) {
        eng_insn *e = &mod->code[L->fixups[i]];
        uint64_t target = (uint64_t)e->imm;
        e->imm = target <= L->pf->ninsns ? L->label_pc[target] : ef->end_pc - 1;
    }
    if (L->oom)
        goto out;
    ef->frame_bytes = (L->frame_bytes + 63) & ~63u;
    ef->dyn_start = L->dyn_start;
    ef->const_image = malloc(ef->frame_bytes);
    if (!ef->const_image)
        goto out;
    memset(ef->const_image, 0, ef->frame_bytes);
    memcpy(ef->const_image, L->image, L->frame_bytes);
    ef->lowered = 1;
    rc = 0;
out:
    free(L->label_pc);
    free(L->reg_off);
    free(L->image);
    free(L->consts);
    free(L->fixups);
    return rc;
}
