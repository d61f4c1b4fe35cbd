/*
 * eng_block.c - running one thread block: its warps, shared memory and CTA barriers.
 *
 * Owns: the per-worker block context (allocated once per launch and reused for every block the
 * worker runs), starting a block, the round-robin over its warps (to completion, or one time
 * slice at a time so a worker can keep many blocks of a cooperative grid going), and barrier
 * completion
 * (bar.sync/bar.red/bar.arrive counting per thread; a barrier without a count waits for every
 * thread of the block that has not exited).  A block whose warps all wait at barriers that can
 * never complete fails the launch instead of hanging.
 */
#include <stdio.h>
#include <stdlib.h>

#include "eng_internal.h"

int eng_block_alloc(eng_block *b, eng_job *job, uint32_t worker)
{
    memset(b, 0, sizeof *b);
    const struct engine_kernel *k = job->k;
    const struct engine_module *mod = job->mod;
    b->job = job;
    b->k = k;
    b->mod = mod;
    b->worker = worker;
    b->nthreads = job->cfg.block.x * job->cfg.block.y * job->cfg.block.z;
    b->nwarps = (b->nthreads + ENG_LANES - 1) / ENG_LANES;
    b->smem_size = job->smem_size;
    b->warps = calloc(b->nwarps, sizeof *b->warps);
    b->smem = malloc(b->smem_size + 16); /* never empty: fast paths may touch offset 0 */
    size_t local_total = (size_t)job->local_stride * ENG_LANES * b->nwarps;
    b->local = local_total ? malloc(local_total) : NULL;
    if (!b->warps || !b->smem || (local_total && !b->local))
        return -1;
    const eng_func *entry = &mod->funcs[k->func];
    uint32_t bx = job->cfg.block.x, by = job->cfg.block.y;
    for (uint32_t i = 0; i < b->nwarps; i++) {
        eng_warp *w = &b->warps[i];
        w->blk = b;
        w->id = i;
        w->code = mod->code;
        w->local_stride = job->local_stride;
        w->local = b->local ? b->local + (size_t)i * ENG_LANES * job->local_stride : NULL;
        /* the allocation each memory instruction touched last: kept from block to block of
         * the launch (nothing is freed while a launch runs) */
        w->ranges = calloc(mod->nranges ? mod->nranges : 1, sizeof *w->ranges);
        if (!w->ranges || eng_frame_new(w, -1, entry) != 0)
            return -1;
        for (uint32_t l = 0; l < ENG_LANES; l++) {
            uint32_t t = i * ENG_LANES + l;
            if (t < b->nthreads)
                w->exists |= 1u << l;
            w->tid[0][l] = t % bx;
            w->tid[1][l] = (t / bx) % by;
            w->tid[2][l] = t / (bx * by);
        }
    }
    return 0;
}

void eng_block_free(eng_block *b)
{
    if (b->warps) {
        for (uint32_t i = 0; i < b->nwarps; i++) {
            eng_warp *w = &b->warps[i];
            for (int d = 0; d < w->nframes; d++)
                free(w->frames[d].regs);
            free(w->frames);
            free(w->ranges);
        }
    }
    free(b->warps);
    free(b->smem);
    free(b->local);
    memset(b, 0, sizeof *b);
}

static void release(eng_block *b, int id)
{
    eng_barrier *bar = &b->bars[id];
    uint32_t result[3] = {bar->red_popc, bar->red_and, bar->red_or};
    for (uint32_t i = 0; i < b->nwarps; i++) {
        eng_warp *w = &b->warps[i];
        uint32_t lanes = w->bar_lanes[id];
        if (!lanes)
            continue;
        w->bar_lanes[id] = 0;
        for (int d = 0; d < w->nframes; d++) {
            eng_frame *f = &w->frames[d];
            uint32_t rel = f->live ? f->barwait & lanes : 0;
            if (!rel)
                continue;
            f->barwait &= ~rel;
            f->parked |= rel;
            if (w->bar_red_kind[id]) {
                /* bar.red: every waiting thread receives the reduction */
                uint8_t *dst = f->regs + w->bar_red_dst[id];
                if (w->bar_red_kind[id] == 1) { /* popc into a 32-bit register */
                    for (uint32_t m = rel; m; m &= m - 1)
                        ((uint32_t *)(void *)dst)[eng_ctz(m)] = result[0];
                } else { /* and / or into a predicate */
                    uint32_t v = (w->bar_red_kind[id] == 2 ? result[1] : result[2]) ? ENG_FULL : 0;
                    uint32_t *p = (uint32_t *)(void *)dst;
                    *p = (*p & ~rel) | (v & rel);
                }
            }
            if (w->resched_pc > 0)
                w->resched_pc = 0; /* let the warp pick the released lanes up */
        }
        w->bar_red_kind[id] = 0;
    }
    bar->arrived = 0;
    bar->expected = 0;
    bar->red_popc = 0;
    bar->red_and = 1;
    bar->red_or = 0;
}

void eng_barrier_check(eng_block *b, int id)
{
    eng_barrier *bar = &b->bars[id];
    uint32_t need = bar->expected ? bar->expected : b->nthreads - b->nexited;
    if (bar->arrived && bar->arrived >= need)
        release(b, id);
}

/* Anything left to run in this warp without a barrier opening? */
static int runnable(const eng_warp *w)
{
    if (w->active)
        return 1;
    for (int i = 0; i < w->nframes; i++)
        if (w->frames[i].live && (w->frames[i].parked | w->frames[i].syncwait))
            return 1;
    return 0;
}

void eng_block_start(eng_block *b, uint64_t linear)
{
    eng_job *job = b->job;
    const struct engine_kernel *k = b->k;
    const eng_func *entry = &b->mod->funcs[k->func];
    uint64_t gx = job->cfg.grid.x, gy = job->cfg.grid.y;
    b->ctaid[0] = (uint32_t)(linear % gx);
    b->ctaid[1] = (uint32_t)((linear / gx) % gy);
    b->ctaid[2] = (uint32_t)(linear / (gx * gy));
    b->nexited = 0;
    b->finished = 0;
    for (int i = 0; i < ENG_NBARRIERS; i++) {
        memset(&b->bars[i], 0, sizeof b->bars[i]);
        b->bars[i].red_and = 1;
    }
    for (uint32_t i = 0; i < b->nwarps; i++) {
        eng_warp *w = &b->warps[i];
        w->cur = 0;
        w->regs = w->frames[0].regs;
        for (int d = 1; d < w->nframes; d++)
            w->frames[d].live = 0;
        w->nlive = 1;
        eng_frame *f = &w->frames[0];
        f->members = w->exists;
        f->parked = f->syncwait = f->barwait = 0;
        f->local_base = 0;
        f->dyn_bytes = 0;
        f->func = k->func;
        f->parent = -1;
        f->depth = 0;
        f->live = 1;
        w->exited = ~w->exists;
        w->active = w->exists;
        w->pc = entry->entry_pc;
        w->resched_pc = ENG_NONE;
        w->sync_force_pc = ENG_NONE;
        w->budget = ENG_SLICE;
        memset(w->bar_lanes, 0, sizeof w->bar_lanes);
        memset(w->bar_red_kind, 0, sizeof w->bar_red_kind);
    }
}

/* Every warp waits at a barrier that nothing can open any more. */
static int deadlock(eng_block *b)
{
    eng_warp *w = NULL;
    for (uint32_t i = 0; i < b->nwarps && !w; i++)
        if (b->warps[i].exited != ENG_FULL)
            w = &b->warps[i];
    if (w) {
        eng_frame *f = &w->frames[0];
        for (int i = 0; i < w->nframes; i++)
            if (w->frames[i].live && w->frames[i].barwait)
                f = &w->frames[i];
        int lane = eng_ctz(f->barwait ? f->barwait : 1);
        const eng_insn *at = &w->code[f->lane_pc[lane] - 1];
        eng_fault(w, at, lane, MU_ERROR_LAUNCH_FAILURE,
                  "deadlock: every thread of the block waits at a barrier that cannot complete");
    }
    return ENG_FAULT;
}

int eng_block_step(eng_block *b, int slice)
{
    eng_job *job = b->job;
    b->polled = 0;
    for (;;) {
        int ran = 0, yielded = 0;
        uint32_t done = 0;
        for (uint32_t i = 0; i < b->nwarps; i++) {
            eng_warp *w = &b->warps[i];
            if (w->exited == ENG_FULL) {
                done++;
                continue;
            }
            if (!runnable(w))
                continue;
            ran = 1;
            int r = eng_warp_run(w);
            if (r == ENG_FAULT)
                return ENG_FAULT;
            if (r == ENG_YIELD)
                yielded = 1;
            else if (r == ENG_PAUSE)
                b->polled = yielded = 1;
            if (atomic_load_explicit(&job->error, memory_order_relaxed))
                return ENG_FAULT;
        }
        if (done == b->nwarps)
            return ENG_DONE;
        if (!ran)
            return deadlock(b);
        if (slice && yielded)
            return ENG_YIELD; /* a warp spun through its time slice, or spins on memory another
                                 block may write (a grid barrier): let other blocks run */
    }
}

int eng_block_run(eng_block *b, uint64_t linear)
{
    eng_block_start(b, linear);
    int r = eng_block_step(b, 0);
    return r == ENG_DONE ? MU_SUCCESS : atomic_load(&b->job->error) ? atomic_load(&b->job->error)
                                                                      : MU_ERROR_LAUNCH_FAILURE;
}
