/*
 * eng_op_mov.c - moves and special registers: mov (registers, immediates, symbol addresses,
 * vector pack/unpack), reads of %tid/%ctaid/%laneid/%clock64/... and local-symbol addresses in
 * called functions.
 *
 * Owns: where each special register's value comes from (the warp, its block, the launch, or
 * a clock) and the %clock/%globaltimer units (ENGINE_CLOCK_RATE_KHZ ticks per millisecond).
 */
#define _POSIX_C_SOURCE 200809L /* flockfile, clock_gettime, strdup, sysconf */

#include <time.h>

#include "eng_ops.h"

ENG_H(h_mov_16)
{
    eng_store16(w->regs + in->d, w->regs + in->a, m);
    return ENG_OK;
}
ENG_H(h_mov_32)
{
    eng_store32(w->regs + in->d, w->regs + in->a, m);
    return ENG_OK;
}
ENG_H(h_mov_64)
{
    eng_store64(w->regs + in->d, w->regs + in->a, m);
    return ENG_OK;
}
ENG_H(h_mov_pred)
{
    eng_set_pred(w, in->d, eng_pred(w, in->a), m);
    return ENG_OK;
}

/* mov.b64 d, {a, b} and friends: in->x names the element slots, mode = element bytes,
 * mode2 = element count, each element slot holds `mode` bytes per lane (or 2 for bytes) */
ENG_H(h_pack)
{
    const eng_vslots *vs = &w->blk->mod->vslots[in->x];
    unsigned eb = in->mode, n = in->mode2, sw = eb < 2 ? 2 : eb;
    uint8_t r[8 * ENG_LANES];
    unsigned total = eb * n;
    for (unsigned i = 0; i < n; i++) {
        const uint8_t *src = w->regs + vs->s[i];
        for (int l = 0; l < ENG_LANES; l++)
            memcpy(r + (size_t)l * total + i * eb, src + (size_t)l * sw, eb);
    }
    eng_store_w(w->regs + in->d, r, m, total);
    return ENG_OK;
}

ENG_H(h_unpack)
{
    const eng_vslots *vs = &w->blk->mod->vslots[in->x];
    unsigned eb = in->mode, n = in->mode2, total = eb * n, sw = eb < 2 ? 2 : eb;
    const uint8_t *src = w->regs + in->a;
    for (unsigned i = 0; i < n; i++) {
        uint8_t r[8 * ENG_LANES];
        memset(r, 0, sizeof r);
        for (int l = 0; l < ENG_LANES; l++)
            memcpy(r + (size_t)l * sw, src + (size_t)l * total + i * eb, eb);
        eng_store_w(w->regs + vs->s[i], r, m, sw);
    }
    return ENG_OK;
}

/* --- special registers --- */

static uint64_t now_ns(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t clock_ticks(void)
{
    /* ENGINE_CLOCK_RATE_KHZ ticks per millisecond of monotonic time */
    uint64_t ns = now_ns(CLOCK_MONOTONIC);
    return ns / 1000000ull * ENGINE_CLOCK_RATE_KHZ + ns % 1000000ull * ENGINE_CLOCK_RATE_KHZ / 1000000ull;
}

/* One value per lane into r (as 64-bit); mode = sreg, mode2 = component / number. */
static void sreg_values(eng_warp *w, unsigned sreg, unsigned comp, uint64_t *r)
{
    eng_block *b = w->blk;
    const struct engine_launch *cfg = &b->job->cfg;
    uint64_t u = 0;
    int uniform = 1;
    unsigned c = comp < 3 ? comp : 0;
    switch (sreg) {
    case PTX_SREG_TID:
        for (int l = 0; l < ENG_LANES; l++)
            r[l] = comp < 3 ? w->tid[comp][l] : 0;
        return;
    case PTX_SREG_NTID:
        u = comp == 0 ? cfg->block.x : comp == 1 ? cfg->block.y : comp == 2 ? cfg->block.z : 0;
        break;
    case PTX_SREG_CTAID:
    case PTX_SREG_CLUSTERID:
        u = comp < 3 ? b->ctaid[c] : 0;
        break;
    case PTX_SREG_NCTAID:
    case PTX_SREG_NCLUSTERID:
        u = comp == 0 ? cfg->grid.x : comp == 1 ? cfg->grid.y : comp == 2 ? cfg->grid.z : 0;
        break;
    case PTX_SREG_CLUSTER_NCTAID:
        u = comp < 3 ? 1 : 0;
        break;
    case PTX_SREG_CLUSTER_NCTARANK:
        u = 1;
        break;
    case PTX_SREG_LANEID:
        for (int l = 0; l < ENG_LANES; l++)
            r[l] = (uint64_t)l;
        return;
    case PTX_SREG_WARPID:
        u = w->id;
        break;
    case PTX_SREG_NWARPID:
        u = 64;
        break;
    case PTX_SREG_SMID:
        u = b->worker;
        break;
    case PTX_SREG_NSMID:
        u = (uint64_t)engine_thread_count();
        break;
    case PTX_SREG_GRIDID:
        u = (uint64_t)(uintptr_t)b->job >> 4;
        break;
    case PTX_SREG_LANEMASK_EQ:
    case PTX_SREG_LANEMASK_LE:
    case PTX_SREG_LANEMASK_LT:
    case PTX_SREG_LANEMASK_GE:
    case PTX_SREG_LANEMASK_GT:
        for (int l = 0; l < ENG_LANES; l++) {
            uint32_t eq = 1u << l, lt = eq - 1;
            r[l] = sreg == PTX_SREG_LANEMASK_EQ   ? eq
                   : sreg == PTX_SREG_LANEMASK_LE ? (lt | eq)
                   : sreg == PTX_SREG_LANEMASK_LT ? lt
                   : sreg == PTX_SREG_LANEMASK_GE ? ~lt
                                                  : ~(lt | eq);
        }
        return;
    case PTX_SREG_CLOCK:
        u = (uint32_t)clock_ticks();
        break;
    case PTX_SREG_CLOCK_HI:
        u = (uint32_t)(clock_ticks() >> 32);
        break;
    case PTX_SREG_CLOCK64:
        u = clock_ticks();
        break;
    case PTX_SREG_GLOBALTIMER:
        u = now_ns(CLOCK_REALTIME);
        break;
    case PTX_SREG_GLOBALTIMER_LO:
        u = (uint32_t)now_ns(CLOCK_REALTIME);
        break;
    case PTX_SREG_GLOBALTIMER_HI:
        u = (uint32_t)(now_ns(CLOCK_REALTIME) >> 32);
        break;
    case PTX_SREG_DYNAMIC_SMEM_SIZE:
        u = cfg->dynamic_smem_bytes;
        break;
    case PTX_SREG_TOTAL_SMEM_SIZE:
        u = b->k->static_smem - ENG_RESERVED_SMEM + cfg->dynamic_smem_bytes;
        break;
    case PTX_SREG_AGGR_SMEM_SIZE:
        u = b->k->static_smem + cfg->dynamic_smem_bytes;
        break;
    case PTX_SREG_ENVREG:
        u = comp < 32 ? cfg->envreg[comp] : 0;
        break;
    case PTX_SREG_RESERVED_SMEM_OFFSET_BEGIN:
        u = b->job->smem_reserved;
        break;
    case PTX_SREG_RESERVED_SMEM_OFFSET_END:
        u = b->job->smem_reserved + ENG_RESERVED_SMEM;
        break;
    case PTX_SREG_RESERVED_SMEM_OFFSET_CAP:
        u = ENG_RESERVED_SMEM;
        break;
    case PTX_SREG_RESERVED_SMEM_OFFSET:
        u = b->job->smem_reserved + (comp & 1) * (ENG_RESERVED_SMEM / 2);
        break;
    default: /* %pm*, %cluster_ctaid/ctarank, %current_graph_exec: 0 */
        u = 0;
        break;
    }
    if (uniform)
        for (int l = 0; l < ENG_LANES; l++)
            r[l] = u;
}

ENG_H(h_sreg)
{
    if (in->mode == PTX_SREG_TID && in->c == 4 && in->mode2 < 3) { /* the common one */
        eng_store32(w->regs + in->d, w->tid[in->mode2], m);
        return ENG_OK;
    }
    uint64_t v[ENG_LANES];
    sreg_values(w, in->mode, in->mode2, v);
    if (in->c == 8) {
        eng_store64(w->regs + in->d, v, m);
    } else if (in->c == 1) {
        uint32_t p = 0;
        for (int l = 0; l < ENG_LANES; l++)
            p |= (v[l] ? 1u : 0u) << l;
        eng_set_pred(w, in->d, p, m);
    } else {
        uint32_t r[ENG_LANES];
        for (int l = 0; l < ENG_LANES; l++)
            r[l] = (uint32_t)v[l];
        eng_store32(w->regs + in->d, r, m);
    }
    return ENG_OK;
}

void eng_emit_sreg(eng_lower *L, uint32_t dst, unsigned width, const ptx_operand *o)
{
    eng_insn *e = eng_emit(L, h_sreg);
    /* a hidden read into a temporary runs for every active lane, guard or not */
    e->guard = ENG_F_ONES;
    e->gneg = 0;
    e->d = dst;
    e->mode = (uint16_t)o->index;
    e->mode2 = o->comp;
    e->c = width;
}

/* local-symbol address in a called function: this frame's base plus the symbol's offset */
ENG_H(h_local_addr)
{
    uint64_t v = (uint64_t)eng_cur(w)->local_base + (uint64_t)in->imm;
    if (in->c == 8) {
        uint64_t r[ENG_LANES];
        for (int l = 0; l < ENG_LANES; l++)
            r[l] = v;
        eng_store64(w->regs + in->d, r, m);
    } else {
        uint32_t r[ENG_LANES];
        for (int l = 0; l < ENG_LANES; l++)
            r[l] = (uint32_t)v;
        eng_store32(w->regs + in->d, r, m);
    }
    return ENG_OK;
}

void eng_emit_local_addr(eng_lower *L, uint32_t dst, unsigned width, uint64_t off)
{
    eng_insn *e = eng_emit(L, h_local_addr);
    e->guard = ENG_F_ONES;
    e->gneg = 0;
    e->d = dst;
    e->imm = (int64_t)off;
    e->c = width;
}

/* --- lowering --- */

static int lower_vector_mov(eng_lower *L, ptx_type t)
{
    const ptx_operand *d = eng_op(L, 0), *a = eng_op(L, 1);
    unsigned total = ptx_type_bytes(t);
    int pack = a->kind == PTX_OPND_VEC;
    const ptx_operand *v = pack ? a : d;
    unsigned n = v->comp;
    if (n < 2 || n > 8 || total % n)
        return eng_unsupported(L);
    unsigned eb = total / n;
    uint32_t slots[8];
    ptx_type et = eb == 1 ? PTX_T_B8 : eb == 2 ? PTX_T_B16 : eb == 4 ? PTX_T_B32 : PTX_T_B64;
    for (unsigned i = 0; i < n; i++) {
        const ptx_operand *el = eng_elem(L, v, i);
        if (el->kind == PTX_OPND_REG && eng_reg_width(L, el) != eng_type_width(et))
            return eng_unsupported(L);
        slots[i] = pack ? eng_src(L, el, et) : eng_dst(L, el);
    }
    uint32_t other = pack ? eng_dst(L, d) : eng_src(L, a, t);
    if (!eng_width_ok(L, pack ? d : a, t))
        return eng_unsupported(L);
    eng_insn *e = eng_emit(L, pack ? h_pack : h_unpack);
    if (pack)
        e->d = other;
    else
        e->a = other;
    e->x = eng_vslots_add(L, slots, n);
    e->mode = (uint16_t)eb;
    e->mode2 = (uint16_t)n;
    return 0;
}

int eng_lower_mov(eng_lower *L, const ptx_insn *pi)
{
    ptx_type t = eng_type(pi, 0);
    if (pi->ntypes != 1 || pi->nopnds != 2)
        return eng_unsupported(L);
    const ptx_operand *d = eng_op(L, 0), *a = eng_op(L, 1);
    if (d->kind == PTX_OPND_VEC || a->kind == PTX_OPND_VEC)
        return lower_vector_mov(L, t);
    unsigned w = eng_type_width(t);
    if (!eng_width_ok(L, d, t))
        return eng_unsupported(L);
    if (a->kind == PTX_OPND_SREG) {
        /* straight into the destination */
        unsigned sw = w == 1 ? 1 : w;
        uint32_t dst = eng_dst(L, d);
        eng_insn *e = eng_emit(L, h_sreg);
        e->d = dst;
        e->mode = (uint16_t)a->index;
        e->mode2 = a->comp;
        e->c = sw;
        return 0;
    }
    if (!eng_width_ok(L, a, t))
        return eng_unsupported(L);
    if (w == 1) {
        uint32_t dst = eng_dst(L, d);
        uint32_t src = eng_src(L, a, PTX_T_PRED);
        eng_insn *e = eng_emit(L, h_mov_pred);
        e->d = dst;
        e->a = src;
        return 0;
    }
    eng_fn fn = w == 2 ? h_mov_16 : w == 4 ? h_mov_32 : w == 8 ? h_mov_64 : NULL;
    return eng_lower_da(L, fn, t);
}
