/*
 * eng_sched.c - which lanes of a warp run next: divergence, reconvergence and call frames.
 *
 * Owns: the lane bookkeeping of eng_warp/eng_frame.  The rule: a warp runs one group of lanes
 * that share a pc (w->active at w->pc); other runnable lanes of its frame are parked with
 * their own pc.  Whenever the running group reaches or passes the lowest parked pc
 * (w->resched_pc), the group is folded back and the lowest-pc group runs, merged with every
 * lane at that pc: lanes that split at a branch meet again at the first pc they share, for any
 * control flow.  Lanes waiting at a warp-synchronous instruction (shfl.sync, vote.sync,
 * bar.warp.sync, ...) for lanes of their mask are not runnable until those arrive or nothing
 * else can run.  Lanes may be in different call frames (a tree per warp: eng_internal.h); the
 * deepest frame with runnable lanes runs first, so a callee's lanes return and reconverge with
 * their caller's, and when every lane of a frame waits (a barrier, a warp-synchronous
 * instruction, a spin) the lanes of other frames run: they may be the ones it waits for.
 * Must not: execute instructions (eng_exec.c) or know about barriers' counting (eng_block.c).
 */
#include <stddef.h>
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
    eng_frame *f = eng_cur(w);
    eng_set_lane_pc(f, lanes, pc);
    f->parked |= lanes;
    if (pc < w->resched_pc)
        w->resched_pc = pc;
}

/* Set w->resched_pc after the running group moved to w->pc by a jump backwards. */
void eng_resched_after_jump(eng_warp *w)
{
    eng_frame *f = eng_cur(w);
    if (f->parked | f->syncwait)
        w->resched_pc = next_resched(f, w->pc);
}

/* Make frame i the current one (its registers are the ones handlers see). */
static void enter(eng_warp *w, int i)
{
    w->cur = i;
    w->regs = w->frames[i].regs;
}

/* Run the lowest-pc group of frame i's parked lanes, with the sync-waiting lanes at that pc. */
static void run_lowest(eng_warp *w, int i)
{
    enter(w, i);
    eng_frame *f = &w->frames[i];
    /* often every parked lane is at one pc (a barrier opened, a branch reconverged) */
    uint32_t pc0 = f->lane_pc[eng_ctz(f->parked)];
    uint32_t best = pc0, group = lanes_at(f, f->parked | f->syncwait, pc0);
    if ((group & f->parked) != f->parked) {
        best = min_pc(f, f->parked, 0);
        if (best != pc0)
            group = lanes_at(f, f->parked | f->syncwait, best);
    }
    f->parked &= ~group;
    f->syncwait &= ~group;
    w->active = group;
    w->pc = best;
    w->resched_pc = next_resched(f, best);
}

/* The deepest live frame with lanes in `which` (a field of eng_frame, by offset); the current
 * frame wins ties, then the lowest index.  -1 when there is none.  Deeper frames first: a
 * callee's lanes return and meet the caller's at the call's next instruction. */
static int deepest_with(const eng_warp *w, size_t which)
{
    if (w->nlive == 1 && w->frames[w->cur].live) { /* no calls in progress: the kernel's frame */
        uint32_t lanes;
        memcpy(&lanes, (const uint8_t *)&w->frames[w->cur] + which, sizeof lanes);
        return lanes ? w->cur : -1;
    }
    int best = -1;
    for (int i = 0; i < w->nframes; i++) {
        const eng_frame *f = &w->frames[i];
        uint32_t lanes;
        memcpy(&lanes, (const uint8_t *)f + which, sizeof lanes);
        if (!f->live || !lanes)
            continue;
        if (best < 0 || f->depth > w->frames[best].depth || (f->depth == w->frames[best].depth && i == w->cur))
            best = i;
    }
    return best;
}

/* Free frame i, and then its callers, while each is a called function's frame with no lane
 * in it or in a frame it called: lanes still in a callee come back to their caller. */
static void release_if_empty(eng_warp *w, int i)
{
    while (i > 0 && w->frames[i].live && !w->frames[i].members) {
        for (int c = 1; c < w->nframes; c++)
            if (w->frames[c].live && w->frames[c].parent == i)
                return;
        w->frames[i].live = 0;
        w->nlive--;
        i = w->frames[i].parent;
    }
}

void eng_return_lanes(eng_warp *w, uint32_t m)
{
    int ci = w->cur;
    eng_frame *callee = &w->frames[ci];
    eng_frame *caller = &w->frames[callee->parent];
    const struct engine_module *mod = w->blk->mod;
    const eng_func *cf = &mod->funcs[callee->func];
    const ptx_module *pm = mod->ptx;
    const ptx_func *pf = &pm->funcs[cf->ptx];
    /* lanes that joined the frame from different call sites return to their own */
    for (uint32_t left = m & ~w->exited; left;) {
        uint32_t call_pc = callee->lane_call[eng_ctz(left)], back = 0;
        for (uint32_t mm = left; mm; mm &= mm - 1)
            if (callee->lane_call[eng_ctz(mm)] == call_pc)
                back |= eng_lanebit[eng_ctz(mm)];
        left &= ~back;
        const eng_callsite *cs = &mod->callsites[w->code[call_pc].x];
        for (uint32_t i = 0; i < cs->nrets && i < pf->nrets; i++) {
            const eng_callarg *ca = &mod->callargs[cs->rets + i];
            uint32_t from = callee->local_base + (uint32_t)mod->var_addr[pf->rets + i];
            uint32_t to = caller->local_base + ca->local_off;
            uint32_t n = ca->size < pm->vars[pf->rets + i].size ? ca->size : (uint32_t)pm->vars[pf->rets + i].size;
            for (uint32_t mm = back; mm; mm &= mm - 1) {
                uint8_t *lane = w->local + (size_t)eng_ctz(mm) * w->local_stride;
                memmove(lane + to, lane + from, n);
            }
        }
        eng_set_lane_pc(caller, back, call_pc + 1);
        caller->parked |= back;
        caller->members |= back;
    }
    callee->members &= ~m;
    release_if_empty(w, ci);
    w->active &= ~m;
    if (!w->active)
        w->resched_pc = 0;
}

/* The running group spun through its time slice while other lanes of the warp wait: give
 * them a turn (independent thread scheduling: a lane spinning on a flag another lane of the
 * same warp will set must not starve it, whatever frame that lane is in).  The next group in
 * pc order of the same frame runs, else the lowest group of the next frame that has one, else
 * the lowest of the same frame; groups passed over resume when it blocks, exits or spins in
 * turn. */
void eng_rotate(eng_warp *w)
{
    eng_frame *f = eng_cur(w);
    if (!w->active)
        return;
    uint32_t cur = w->pc;
    uint32_t next = f->parked ? min_pc(f, f->parked, cur + 1) : ENG_NONE;
    if (next == ENG_NONE) {
        for (int k = 1; k < w->nframes; k++) {
            int i = (w->cur + k) % w->nframes;
            if (w->frames[i].live && w->frames[i].parked) {
                eng_set_lane_pc(f, w->active, cur);
                f->parked |= w->active;
                run_lowest(w, i);
                return;
            }
        }
        if (!f->parked)
            return;
        next = min_pc(f, f->parked, 0);
    }
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
    eng_frame *f = eng_cur(w);
    if (w->active) {
        eng_set_lane_pc(f, w->active, w->pc);
        f->parked |= w->active;
        w->active = 0;
    }
    int i = deepest_with(w, offsetof(eng_frame, parked));
    if (i >= 0) {
        run_lowest(w, i);
        return ENG_OK;
    }
    i = deepest_with(w, offsetof(eng_frame, syncwait));
    if (i >= 0) {
        /* only lanes waiting for each other remain: the lowest group runs with the lanes
         * it has (the others are at a different warp-synchronous instruction) */
        enter(w, i);
        f = &w->frames[i];
        uint32_t best = min_pc(f, f->syncwait, 0);
        uint32_t group = lanes_at(f, f->syncwait, best);
        f->syncwait &= ~group;
        w->active = group;
        w->pc = best;
        w->sync_force_pc = best;
        w->resched_pc = next_resched(f, best + 1);
        return ENG_OK;
    }
    w->resched_pc = 0;
    return deepest_with(w, offsetof(eng_frame, barwait)) >= 0 ? ENG_BLOCKED : ENG_DONE;
}

int eng_exit_lanes(eng_warp *w, uint32_t lanes)
{
    lanes &= ~w->exited;
    w->exited |= lanes;
    for (int i = 0; i < w->nframes; i++) {
        eng_frame *f = &w->frames[i];
        if (!f->live)
            continue;
        f->members &= ~lanes;
        f->parked &= ~lanes;
        f->syncwait &= ~lanes;
    }
    for (int i = w->nframes - 1; i > 0; i--)
        release_if_empty(w, i);
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

int eng_frame_new(eng_warp *w, int parent, const eng_func *fn)
{
    int i = 0;
    if (parent >= 0)
        for (i = 1; i < w->nframes && w->frames[i].live;)
            i++;
    if (i >= w->nframes) {
        int n = w->nframes ? w->nframes * 2 : 4;
        while (n <= i)
            n *= 2;
        if (n > w->nframes) {
            eng_frame *fr = realloc(w->frames, sizeof *fr * (size_t)n);
            if (!fr)
                return -1;
            memset(fr + w->nframes, 0, sizeof *fr * (size_t)(n - w->nframes));
            w->frames = fr;
            w->nframes = n;
        }
    }
    eng_frame *f = &w->frames[i];
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
    f->parent = parent;
    f->depth = parent < 0 ? 0 : w->frames[parent].depth + 1;
    f->live = 1;
    w->nlive++;
    f->members = f->parked = f->syncwait = f->barwait = 0;
    f->local_base = 0;
    f->dyn_bytes = 0;
    return i;
}
