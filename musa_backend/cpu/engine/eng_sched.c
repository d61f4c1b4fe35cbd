/*
 * eng_sched.c - which lanes of a warp run next: divergence, reconvergence and call frames.
 *
 * Owns: the lane bookkeeping of eng_warp/eng_frame.  The rule: a warp runs one group of lanes
 * that share a pc (w->active at w->pc); other runnable lanes of the top frame are parked with
 * their own pc.  Whenever the running group reaches or passes the lowest parked pc
 * (w->resched_pc), the group is folded back and the lowest-pc group runs, merged with every
 * lane at that pc: lanes that split at a branch meet again at the first pc they share, for any
 * control flow.  Lanes waiting at a warp-synchronous instruction (shfl.sync, vote.sync,
 * bar.warp.sync, ...) for lanes of their mask are not runnable until those arrive or nothing
 * else can run.  Lanes in a deeper call frame run before the frame's caller resumes.
 * Must not: execute instructions (eng_exec.c) or know about barriers' counting (eng_block.c).
 */
#include <stdlib.h>

#include "eng_internal.h"

const uint32_t eng_lanebit[ENG_LANES] = {
    1u << 0,  1u << 1,  1u << 2,  1u << 3,  1u << 4,  1u << 5,  1u << 6,  1u << 7,
    1u << 8,  1u << 9,  1u << 10, 1u << 11, 1u << 12, 1u << 13, 1u << 14, 1u << 15,
    1u << 16, 1u << 17, 1u << 18, 1u << 19, 1u << 20, 1u << 21, 1u << 22, 1u << 23,
    1u << 24, 1u << 25, 1u << 26, 1u << 27, 1u << 28, 1u << 29, 1u << 30, 1u << 31};

/* Branch-free scans over the 32 lane pcs (the compiler vectorises them). */
static uint32_t min_pc(const eng_frame *f, uint32_t mask, uint32_t from)
{
    uint32_t best = ENG_NONE;
    for (int l = 0; l < ENG_LANES; l++) {
        uint32_t pc = f->lane_pc[l];
        uint32_t v = ((mask & eng_lanebit[l]) && pc >= from) ? pc : ENG_NONE;
        best = v < best ? v : best;
    }
    return best;
}

static uint32_t lanes_at(const eng_frame *f, uint32_t mask, uint32_t pc)
{
    uint8_t c[ENG_LANES];
    for (int l = 0; l < ENG_LANES; l++)
        c[l] = f->lane_pc[l] == pc;
    return eng_pack(c) & mask;
}

void eng_set_lane_pc(eng_frame *f, uint32_t lanes, uint32_t pc)
{
    for (int l = 0; l < ENG_LANES; l++)
        f->lane_pc[l] = (lanes & eng_lanebit[l]) ? pc : f->lane_pc[l];
}

/* Lowest pc among parked lanes, and among sync-waiting lanes at or after `from`. */
static uint32_t next_resched(const eng_frame *f, uint32_t from)
{
    uint32_t a = f->parked ? min_pc(f, f->parked, 0) : ENG_NONE;
    uint32_t b = f->syncwait ? min_pc(f, f->syncwait, from) : ENG_NONE;
    return a < b ? a : b;
}

void eng_park(eng_warp *w, uint32_t lanes, uint32_t pc)
{
    eng_frame *f = eng_top(w);
    eng_set_lane_pc(f, lanes, pc);
    f->parked |= lanes;
    if (pc < w->resched_pc)
        w->resched_pc = pc;
}

/* Set w->resched_pc after the running group moved to w->pc by a jump backwards. */
void eng_resched_after_jump(eng_warp *w)
{
    eng_frame *f = eng_top(w);
    if (f->parked | f->syncwait)
        w->resched_pc = next_resched(f, w->pc);
}

/* Return values from a finished callee into the caller's frame, then drop the callee. */
static void pop_frame(eng_warp *w)
{
    eng_frame *callee = &w->frames[w->depth];
    eng_frame *caller = &w->frames[w->depth - 1];
    uint32_t back = callee->returned & ~w->exited;
    const struct engine_module *mod = w->blk->mod;
    const eng_insn *call = &w->code[callee->call_pc];
    const eng_callsite *cs = &mod->callsites[call->x];
    const eng_func *cf = &mod->funcs[callee->func];
    const ptx_module *pm = mod->ptx;
    const ptx_func *pf = &pm->funcs[cf->ptx];
    for (uint32_t i = 0; i < cs->nrets && i < pf->nrets; i++) {
        const eng_callarg *ca = &mod->callargs[cs->rets + i];
        uint32_t from = callee->local_base + (uint32_t)mod->var_addr[pf->rets + i];
        uint32_t to = caller->local_base + ca->local_off;
        uint32_t n = ca->size < pm->vars[pf->rets + i].size ? ca->size : (uint32_t)pm->vars[pf->rets + i].size;
        for (uint32_t m = back; m; m &= m - 1) {
            uint8_t *lane = w->local + (size_t)eng_ctz(m) * w->local_stride;
            memmove(lane + to, lane + from, n);
        }
    }
    w->depth--;
    w->regs = caller->regs;
    eng_set_lane_pc(caller, back, callee->call_pc + 1);
    caller->parked |= back;
}

/* The running group spun through its time slice while other lanes of its frame wait: give
 * them a turn (independent thread scheduling: a lane spinning on a flag another lane of the
 * same warp will set must not starve it).  The next group in pc order runs; groups at lower
 * pcs resume when it blocks, exits or spins in turn. */
void eng_rotate(eng_warp *w)
{
    eng_frame *f = eng_top(w);
    if (!f->parked || !w->active)
        return;
    uint32_t cur = w->pc;
    uint32_t next = min_pc(f, f->parked, cur + 1);
    if (next == ENG_NONE)
        next = min_pc(f, f->parked, 0);
    if (next == cur)
        return;
    eng_set_lane_pc(f, w->active, cur);
    f->parked |= w->active;
    uint32_t group = lanes_at(f, f->parked | f->syncwait, next);
    f->parked &= ~group;
    f->syncwait &= ~group;
    w->active = group;
    w->pc = next;
    /* merge with groups ahead of it as usual, but do not fall back to the lower ones */
    uint32_t ahead = min_pc(f, f->parked, next + 1), wait = min_pc(f, f->syncwait, next + 1);
    w->resched_pc = ahead < wait ? ahead : wait;
}

int eng_resched(eng_warp *w)
{
    for (;;) {
        eng_frame *f = eng_top(w);
        if (w->active) {
            eng_set_lane_pc(f, w->active, w->pc);
            f->parked |= w->active;
            w->active = 0;
        }
        if (f->parked) {
            uint32_t best = min_pc(f, f->parked, 0);
            uint32_t group = lanes_at(f, f->parked | f->syncwait, best);
            f->parked &= ~group;
            f->syncwait &= ~group;
            w->active = group;
            w->pc = best;
            w->resched_pc = next_resched(f, best);
            return ENG_OK;
        }
        if (f->syncwait) {
            /* only lanes waiting for each other remain: the lowest group runs with the lanes
             * it has (the others are at a different warp-synchronous instruction) */
            uint32_t best = min_pc(f, f->syncwait, 0);
            uint32_t group = lanes_at(f, f->syncwait, best);
            f->syncwait &= ~group;
            w->active = group;
            w->pc = best;
            w->sync_force_pc = best;
            w->resched_pc = next_resched(f, best + 1);
            return ENG_OK;
        }
        if (f->barwait) {
            w->resched_pc = 0;
            return ENG_BLOCKED;
        }
        if (w->depth > 0 && f->members == 0) {
            pop_frame(w);
            continue;
        }
        w->resched_pc = 0;
        return ENG_DONE;
    }
}

int eng_exit_lanes(eng_warp *w, uint32_t lanes)
{
    lanes &= ~w->exited;
    w->exited |= lanes;
    for (int d = 0; d <= w->depth; d++) {
        eng_frame *f = &w->frames[d];
        f->members &= ~lanes;
        f->parked &= ~lanes;
        f->syncwait &= ~lanes;
        f->returned &= ~lanes;
    }
    w->active &= ~lanes;
    w->resched_pc = 0;
    eng_block *b = w->blk;
    b->nexited += (uint32_t)eng_popc(lanes);
    /* barriers that count every live thread may now be complete */
    for (int i = 0; i < ENG_NBARRIERS; i++)
        if (b->bars[i].arrived)
            eng_barrier_check(b, i);
    return ENG_OK;
}

int eng_frame_prepare(eng_warp *w, int depth, const eng_func *fn)
{
    if (depth >= w->nframes) {
        int n = w->nframes ? w->nframes * 2 : 4;
        while (n <= depth)
            n *= 2;
        eng_frame *fr = realloc(w->frames, sizeof *fr * (size_t)n);
        if (!fr)
            return -1;
        memset(fr + w->nframes, 0, sizeof *fr * (size_t)(n - w->nframes));
        w->frames = fr;
        w->nframes = n;
    }
    eng_frame *f = &w->frames[depth];
    if (f->regs_cap < fn->frame_bytes) {
        free(f->regs);
        size_t sz = ((size_t)fn->frame_bytes + 63) & ~(size_t)63;
        f->regs = aligned_alloc(64, sz);
        if (!f->regs) {
            f->regs_cap = 0;
            return -1;
        }
        /* Registers a kernel reads before writing (lanes that never took the path that sets
         * them) read 0, not heap garbage: a run is reproducible, and the 32-lane handlers never
         * compute on undefined memory (valgrind). */
        memset(f->regs, 0, sz);
        f->regs_cap = (uint32_t)sz;
    }
    memcpy(f->regs, fn->const_image, ENG_F_HEADER);
    memcpy(f->regs + fn->dyn_start, fn->const_image + fn->dyn_start, fn->frame_bytes - fn->dyn_start);
    f->func = (uint32_t)(fn - w->blk->mod->funcs);
    f->members = f->returned = f->parked = f->syncwait = f->barwait = 0;
    f->dyn_bytes = 0;
    return 0;
}
