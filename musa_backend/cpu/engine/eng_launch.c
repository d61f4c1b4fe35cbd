/*
 * eng_launch.c - engine_launch: check a launch, pack its parameters, and spread its blocks over
 * the thread pool.
 *
 * Owns: the pool (CUSHIM_CPU_THREADS threads in all: the launching thread works on its own
 * launch, CUSHIM_CPU_THREADS-1 workers help whichever launches are running), the list of
 * running launches, and a launch's lifetime.  Blocks are handed out one at a time through an
 * atomic counter, so several launches from different host threads share the workers fairly.
 * Each participant allocates one block context per launch and reuses it for every block it
 * runs; a cooperative launch instead keeps every block it takes alive and steps them in turn,
 * so that blocks waiting at a grid-wide barrier let the others reach it.
 */
#define _POSIX_C_SOURCE 200809L /* flockfile, clock_gettime, strdup, sysconf */

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "eng_child.h"
#include "eng_internal.h"
#include "mu_log.h"

struct running {
    eng_job *job;
    int participants;
    struct running *next;
};

static struct {
    pthread_once_t once;
    pthread_mutex_t mu;
    pthread_cond_t work;  /* a launch was added */
    pthread_cond_t idle;  /* a participant left a launch */
    int nthreads;         /* including launching threads' share */
    struct running *list;
} pool = {PTHREAD_ONCE_INIT, PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER,
          PTHREAD_COND_INITIALIZER, 0, NULL};

static int thread_count_from_env(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    const char *e = getenv("CUSHIM_CPU_THREADS");
    if (e && *e) {
        char *end;
        long v = strtol(e, &end, 10);
        if (*end == 0 && v >= 1 && v <= 1024)
            n = v;
        else
            mu_report("CUSHIM_CPU_THREADS='%s' is not a number from 1 to 1024; using %ld",
                      e, n < 1 ? 1L : n);
    }
    return n < 1 ? 1 : (int)n;
}

static void fail_job(eng_job *job, int rc)
{
    int expected = 0;
    atomic_compare_exchange_strong(&job->error, &expected, rc);
}

/* Start the next block of the launch in *slot (allocated on first use); 0 when none is left. */
static int start_next(eng_job *job, uint32_t worker, eng_block **slot)
{
    uint64_t i = atomic_fetch_add(&job->next_block, 1);
    if (i >= job->nblocks)
        return 0;
    if (*slot == NULL) {
        eng_block *b = malloc(sizeof *b);
        if (b == NULL || eng_block_alloc(b, job, worker)) {
            if (b != NULL)
                eng_block_free(b);
            free(b);
            fail_job(job, MU_ERROR_MEMORY_ALLOCATION);
            return 0;
        }
        *slot = b;
    }
    eng_block_start(*slot, i);
    atomic_fetch_add(&job->alive, 1);
    return 1;
}

/* Run blocks of the launch until none is left; returns when this participant is done.  A
 * block runs to its end before the next starts, unless it spins on memory: it may be waiting
 * for a block that has not started (a hand-written grid barrier, which works on a GPU whenever
 * the grid fits on it at once), so another block starts beside it and the two take turns, and
 * so on up to the blocks a GPU would hold at once. */
static void participate(eng_job *job, uint32_t worker)
{
    enum { MAX_TURNS = 64 };
    eng_block *blocks[MAX_TURNS] = {NULL};
    int running[MAX_TURNS] = {0};
    size_t n = 0, slots = 0; /* running blocks; blocks allocated */
    uint64_t cap = job->cfg.resident_blocks;
    int more = 1;
    while (!atomic_load_explicit(&job->error, memory_order_relaxed)) {
        if (n == 0) {
            if (!more || !start_next(job, worker, &blocks[0]))
                break;
            running[0] = 1;
            n = 1;
            slots = slots ? slots : 1;
        }
        int spinning = 0;
        for (size_t i = 0; i < slots; i++) {
            if (!running[i])
                continue;
            int r = eng_block_step(blocks[i], 1);
            if (r == ENG_YIELD) {
                spinning |= blocks[i]->polled;
                continue;
            }
            running[i] = 0;
            n--;
            atomic_fetch_sub(&job->alive, 1);
            if (r == ENG_FAULT) {
                fail_job(job, atomic_load(&job->error) ? atomic_load(&job->error)
                                                       : MU_ERROR_LAUNCH_FAILURE);
                break;
            }
            /* done: the next block takes its place */
            if (more && (more = start_next(job, worker, &blocks[i])) != 0) {
                running[i] = 1;
                n++;
            }
        }
        if (spinning && more && n < MAX_TURNS && atomic_load(&job->alive) < cap) {
            size_t i = 0;
            while (i < slots && running[i])
                i++;
            if ((more = start_next(job, worker, &blocks[i])) != 0) {
                running[i] = 1;
                n++;
                if (i == slots)
                    slots++;
            }
        }
    }
    for (size_t i = 0; i < slots; i++)
        if (blocks[i] != NULL) {
            eng_block_free(blocks[i]);
            free(blocks[i]);
        }
}

/* A cooperative grid: every block must make progress at the same time (they wait for each
 * other at grid-wide barriers), so a participant takes blocks as long as there are any and
 * keeps all of its blocks going, a time slice each in turn. */
static void participate_cooperative(eng_job *job, uint32_t worker)
{
    size_t cap = 0, n = 0;
    eng_block **blocks = NULL; /* warps point at their block: each block stays where it is */
    for (;;) {
        uint64_t i = atomic_fetch_add(&job->next_block, 1);
        if (i >= job->nblocks)
            break;
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 8;
            eng_block **nb = realloc(blocks, ncap * sizeof *nb);
            if (!nb) {
                int expected = 0;
                atomic_compare_exchange_strong(&job->error, &expected, (int)MU_ERROR_MEMORY_ALLOCATION);
                break;
            }
            blocks = nb;
            cap = ncap;
        }
        eng_block *b = malloc(sizeof *b);
        if (!b || eng_block_alloc(b, job, worker)) {
            if (b) {
                eng_block_free(b);
                free(b);
            }
            int expected = 0;
            atomic_compare_exchange_strong(&job->error, &expected, (int)MU_ERROR_MEMORY_ALLOCATION);
            break;
        }
        eng_block_start(b, i);
        blocks[n++] = b;
    }
    size_t left = n;
    while (left && !atomic_load_explicit(&job->error, memory_order_relaxed)) {
        for (size_t i = 0; i < n; i++) {
            if (blocks[i]->finished)
                continue;
            int r = eng_block_step(blocks[i], 1);
            if (r == ENG_DONE) {
                blocks[i]->finished = 1;
                left--;
            } else if (r == ENG_FAULT) {
                int expected = 0;
                atomic_compare_exchange_strong(&job->error, &expected, (int)MU_ERROR_LAUNCH_FAILURE);
                break;
            }
        }
    }
    for (size_t i = 0; i < n; i++) {
        eng_block_free(blocks[i]);
        free(blocks[i]);
    }
    free(blocks);
}

static void *worker_main(void *arg)
{
    uint32_t id = (uint32_t)(uintptr_t)arg;
    pthread_mutex_lock(&pool.mu);
    for (;;) {
        struct running *r = pool.list;
        while (r && (atomic_load(&r->job->next_block) >= r->job->nblocks || atomic_load(&r->job->error)))
            r = r->next;
        if (!r) {
            pthread_cond_wait(&pool.work, &pool.mu);
            continue;
        }
        r->participants++;
        pthread_mutex_unlock(&pool.mu);
        if (r->job->cfg.cooperative)
            participate_cooperative(r->job, id);
        else
            participate(r->job, id);
        pthread_mutex_lock(&pool.mu);
        r->participants--;
        pthread_cond_broadcast(&pool.idle);
    }
    return NULL;
}

static void pool_start(void)
{
    pool.nthreads = thread_count_from_env();
    for (int i = 1; i < pool.nthreads; i++) {
        pthread_t t;
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        if (pthread_create(&t, &attr, worker_main, (void *)(uintptr_t)i) != 0) {
            pthread_attr_destroy(&attr);
            break;
        }
        pthread_attr_destroy(&attr);
    }
}

int engine_thread_count(void)
{
    pthread_once(&pool.once, pool_start);
    return pool.nthreads;
}

static void report_unsupported(const struct engine_kernel *k)
{
    const ptx_module *pm = k->mod->ptx;
    const ptx_insn *pi = &pm->insns[k->unsupported];
    char form[256];
    snprintf(form, sizeof form, "%s", ptx_str(pm, pi->form));
    if (pi->op == PTX_OP_CALL && pi->nopnds >= 2) {
        const ptx_operand *callee = ptx_opnd(pm, pi, 1);
        if (callee->kind == PTX_OPND_FUNC) {
            size_t n = strlen(form);
            snprintf(form + n, sizeof form - n, " %s", ptx_str(pm, pm->funcs[callee->index].name));
        }
    }
    mu_report("kernel %s: unsupported PTX '%s' at line %u", k->name, form, pi->line);
}

MUresult engine_kernel_check(const engine_kernel *k)
{
    if (!k)
        return MU_ERROR_INVALID_VALUE;
    if (k->unsupported != ENG_NONE) {
        report_unsupported(k);
        return MU_ERROR_NOT_SUPPORTED;
    }
    return MU_SUCCESS;
}

MUresult engine_launch(const engine_kernel *k, const struct engine_launch *launch)
{
    if (!k || !launch)
        return MU_ERROR_INVALID_VALUE;
    uint64_t threads = (uint64_t)launch->block.x * launch->block.y * launch->block.z;
    uint64_t blocks = (uint64_t)launch->grid.x * launch->grid.y * launch->grid.z;
    if (threads == 0 || threads > 1024 || blocks == 0)
        return MU_ERROR_INVALID_CONFIGURATION;
    if (k->unsupported != ENG_NONE) {
        report_unsupported(k);
        return MU_ERROR_NOT_SUPPORTED;
    }
    if (k->nparams && !launch->args)
        return MU_ERROR_INVALID_VALUE;
    if (launch->dynamic_smem_bytes > ENG_MAX_SHARED ||
        (uint64_t)k->mod->smem_dyn_base + launch->dynamic_smem_bytes > ENG_MAX_SHARED)
        return MU_ERROR_INVALID_VALUE;
    pthread_once(&pool.once, pool_start);

    eng_job *job = calloc(1, sizeof *job);
    if (!job)
        return MU_ERROR_MEMORY_ALLOCATION;
    job->k = k;
    job->mod = k->mod;
    job->cfg = *launch;
    job->nblocks = blocks;
    atomic_init(&job->next_block, 0);
    atomic_init(&job->error, 0);
    atomic_init(&job->printed, 0);
    job->budgeted = launch->branch_budget != 0;
    job->device_fault = launch->device_fault;
    atomic_init(&job->branches_left,
                launch->branch_budget > INT64_MAX ? INT64_MAX : (int_fast64_t)launch->branch_budget);
    if (launch->timeout_s > 0)
        job->deadline_ns = eng_now_ns() + (launch->timeout_s >= 1e9 ? (uint64_t)1e18
                                                                    : (uint64_t)(launch->timeout_s * 1e9));
    job->params = calloc(1, k->params_bytes ? k->params_bytes : 16);
    if (!job->params) {
        free(job);
        return MU_ERROR_MEMORY_ALLOCATION;
    }
    for (uint32_t i = 0; i < k->nparams; i++) {
        if (!launch->args[i]) {
            free(job->params);
            free(job);
            return MU_ERROR_INVALID_VALUE;
        }
        memcpy(job->params + k->param_off[i], launch->args[i], k->param_size[i]);
    }
    /* As NVIDIA's driver does, a launch gets at least the stack its calls need, whatever
     * cudaLimitStackSize says (a -G build's frames are large); the limit bounds recursion. */
    uint64_t stack = launch->stack_size ? launch->stack_size : 1024;
    if (stack < k->call_stack)
        stack = k->call_stack;
    uint64_t stride = k->local_bytes + (k->uses_calls ? stack : 0);
    job->local_stride = (uint32_t)((stride + 15) & ~(uint64_t)15);
    /* dynamic shared memory sits at one module-wide offset; without it the block's shared
     * memory ends where the kernel's own variables end, so overruns fault */
    job->smem_reserved = 0;
    job->smem_size = launch->dynamic_smem_bytes ? k->mod->smem_dyn_base + (uint32_t)launch->dynamic_smem_bytes
                                                : k->static_smem;

    /* grid-wide sync (cooperative groups) counts arrivals in a word of device memory whose
     * address it reads from %envreg1:%envreg2 */
    const struct engine_host *host = launch->host ? launch->host : &k->mod->host;
    void *grid_ws = NULL;
    if (launch->cooperative && !launch->envreg[1] && !launch->envreg[2]) {
        grid_ws = host->alloc(host->ctx, 16, 16);
        if (!grid_ws) {
            free(job->params);
            free(job);
            return MU_ERROR_MEMORY_ALLOCATION;
        }
        memset(grid_ws, 0, 16);
        uint64_t a = (uint64_t)(uintptr_t)grid_ws;
        job->cfg.envreg[1] = (uint32_t)(a >> 32);
        job->cfg.envreg[2] = (uint32_t)a;
    }

    struct running me = {job, 1, NULL};
    pthread_mutex_lock(&pool.mu);
    me.next = pool.list;
    pool.list = &me;
    pthread_cond_broadcast(&pool.work);
    pthread_mutex_unlock(&pool.mu);

    if (job->cfg.cooperative)
        participate_cooperative(job, 0);
    else
        participate(job, 0);

    pthread_mutex_lock(&pool.mu);
    me.participants--;
    while (me.participants > 0)
        pthread_cond_wait(&pool.idle, &pool.mu);
    struct running **pp = &pool.list;
    while (*pp != &me)
        pp = &(*pp)->next;
    *pp = me.next;
    pthread_mutex_unlock(&pool.mu);

    MUresult rc = (MUresult)atomic_load(&job->error);
    /* the grids and copies its threads launched run now, after it (dynamic parallelism) */
    rc = eng_children_finish(job, rc);
    if (grid_ws)
        host->free(host->ctx, grid_ws);
    free(job->params);
    free(job);
    return rc;
}
