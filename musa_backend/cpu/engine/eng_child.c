/*
 * eng_child.c - the children of a launch (dynamic parallelism): queueing what a grid's
 * threads launch or copy through the device runtime, and running it after the grid.
 *
 * Owns: when child work runs.  CUDA 12's dynamic parallelism (CDP2) has no device-side
 * synchronisation: a parent can never wait for a child, a child may start any time after it
 * is launched, launches into one stream run in order, a tail launch runs after everything
 * else the grid made, and the parent grid completes only when all its children have.  Running
 * every child after the parent grid's own blocks are done, in launch order, each to
 * completion with its own descendants before the next, satisfies all of these at once (it is
 * one of the schedules a GPU may pick); tail launches come last.  A child's fault is the
 * whole tree's result, as it is the host launch's on a GPU.  Each child runs through
 * engine_launch on the engine's pool, one nesting level deeper (cdp_depth).
 * Must not: run anything while the parent's blocks still run, or touch the parent's warps.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "eng_child.h"
#include "mu_log.h"

enum { OP_LAUNCH, OP_COPY };

struct child_op {
    int kind;
    int tail;
    const struct engine_kernel *k;
    dim3 grid, block;
    uint32_t smem;
    uint64_t params;                   /* the parameter buffer (device memory), or 0 */
    uint64_t dst, dpitch, src, spitch; /* copies and sets: src 0 sets bytes to value */
    uint64_t width, height;
    int value;
};

/* A parameter buffer handed to a thread; launched at most once. */
struct pbuf {
    uint64_t addr;
    size_t bytes;
    const struct engine_kernel *k;
    dim3 grid, block;
    uint32_t smem;
    int launched;
};

struct eng_children {
    pthread_mutex_t mu;
    struct child_op *ops;
    size_t nops, capops;
    struct pbuf *bufs;
    size_t nbufs, capbufs;
    struct {
        const char *text;
        uint64_t addr;
    } *strings;
    size_t nstrings, capstrings;
    uint64_t next_handle;
    int last_error;
};

static const struct engine_host *host_of(const eng_job *job)
{
    return job->cfg.host ? job->cfg.host : &job->mod->host;
}

static struct eng_children *get(eng_job *job)
{
    struct eng_children *c = atomic_load_explicit(&job->children, memory_order_acquire);
    if (c)
        return c;
    struct eng_children *n = calloc(1, sizeof *n);
    if (!n)
        return NULL;
    pthread_mutex_init(&n->mu, NULL);
    n->next_handle = 0x10000;
    if (atomic_compare_exchange_strong(&job->children, &c, n))
        return n;
    pthread_mutex_destroy(&n->mu); /* another thread made it first: c is theirs */
    free(n);
    return c;
}

static int grow(void **p, size_t *cap, size_t elem, size_t need)
{
    if (need <= *cap)
        return 0;
    size_t n = *cap ? *cap * 2 : 16;
    while (n < need)
        n *= 2;
    void *q = realloc(*p, n * elem);
    if (!q)
        return -1;
    *p = q;
    *cap = n;
    return 0;
}

uint64_t eng_child_buffer(eng_job *job, const struct engine_kernel *k, dim3 grid, dim3 block, uint32_t smem,
                          size_t bytes, size_t align)
{
    struct eng_children *c = get(job);
    if (!c || bytes > ((size_t)1 << 30))
        return 0;
    const struct engine_host *h = host_of(job);
    if (align < 16)
        align = 16;
    void *p = h->alloc(h->ctx, bytes ? bytes : 16, align);
    if (!p)
        return 0;
    memset(p, 0, bytes ? bytes : 16);
    pthread_mutex_lock(&c->mu);
    if (grow((void **)&c->bufs, &c->capbufs, sizeof *c->bufs, c->nbufs + 1)) {
        pthread_mutex_unlock(&c->mu);
        h->free(h->ctx, p);
        return 0;
    }
    struct pbuf *b = &c->bufs[c->nbufs++];
    b->addr = (uint64_t)(uintptr_t)p;
    b->bytes = bytes;
    b->k = k;
    b->grid = grid;
    b->block = block;
    b->smem = smem;
    b->launched = 0;
    pthread_mutex_unlock(&c->mu);
    return b->addr;
}

static int config_ok(const struct engine_kernel *k, dim3 g, dim3 b)
{
    uint64_t threads = (uint64_t)b.x * b.y * b.z;
    if (!g.x || !g.y || !g.z || !threads || threads > 1024 || b.z > 64 || g.y > 65535 || g.z > 65535 ||
        g.x > 2147483647u)
        return 0;
    uint32_t maxt = k->reqntid[0] ? k->reqntid[0] * (k->reqntid[1] ? k->reqntid[1] : 1) * (k->reqntid[2] ? k->reqntid[2] : 1)
                                  : k->maxntid[0] ? k->maxntid[0] * (k->maxntid[1] ? k->maxntid[1] : 1) * (k->maxntid[2] ? k->maxntid[2] : 1)
                                                  : 1024;
    return threads <= maxt;
}

static int push(struct eng_children *c, const struct child_op *op)
{
    if (grow((void **)&c->ops, &c->capops, sizeof *c->ops, c->nops + 1))
        return -1;
    c->ops[c->nops++] = *op;
    return 0;
}

int eng_child_launch(eng_job *job, uint64_t buf, const struct engine_kernel *k, const dim3 *grid, const dim3 *block,
                     uint32_t smem, uint64_t stream)
{
    if (job->cfg.cdp_depth + 1 > ENG_CDP_MAX_DEPTH)
        return MU_ERROR_LAUNCH_MAX_DEPTH_EXCEEDED;
    struct eng_children *c = get(job);
    if (!c)
        return MU_ERROR_MEMORY_ALLOCATION;
    struct child_op op;
    memset(&op, 0, sizeof op);
    op.kind = OP_LAUNCH;
    op.tail = stream == ENG_STREAM_TAIL_LAUNCH;
    pthread_mutex_lock(&c->mu);
    struct pbuf *b = NULL;
    if (buf) { /* the most recent buffers are the likely ones */
        for (size_t i = c->nbufs; i-- > 0;)
            if (c->bufs[i].addr == buf) {
                b = &c->bufs[i];
                break;
            }
        if (!b || b->launched) {
            pthread_mutex_unlock(&c->mu);
            return MU_ERROR_INVALID_VALUE;
        }
    }
    if (k) {
        op.k = k;
        op.grid = *grid;
        op.block = *block;
        op.smem = smem;
    } else if (b && b->k) {
        op.k = b->k;
        op.grid = b->grid;
        op.block = b->block;
        op.smem = b->smem;
    } else {
        pthread_mutex_unlock(&c->mu);
        return MU_ERROR_INVALID_DEVICE_FUNCTION;
    }
    int err = 0;
    if (!config_ok(op.k, op.grid, op.block) || op.smem > (1u << 30))
        err = MU_ERROR_INVALID_CONFIGURATION;
    else if (op.k->params_bytes > 0 && op.k->nparams > 0 && (!b || b->bytes < op.k->params_bytes))
        err = MU_ERROR_INVALID_VALUE;
    if (!err) {
        op.params = b ? b->addr : 0;
        if (push(c, &op))
            err = MU_ERROR_MEMORY_ALLOCATION;
        else if (b)
            b->launched = 1;
    }
    pthread_mutex_unlock(&c->mu);
    return err;
}

int eng_child_copy(eng_job *job, uint64_t dst, uint64_t dpitch, uint64_t src, uint64_t spitch, int value,
                   uint64_t width, uint64_t height, uint64_t stream)
{
    struct eng_children *c = get(job);
    if (!c)
        return MU_ERROR_MEMORY_ALLOCATION;
    if (height > 1 && (dpitch < width || (src && spitch < width)))
        return MU_ERROR_INVALID_VALUE;
    struct child_op op;
    memset(&op, 0, sizeof op);
    op.kind = OP_COPY;
    op.tail = stream == ENG_STREAM_TAIL_LAUNCH;
    op.dst = dst;
    op.dpitch = dpitch;
    op.src = src;
    op.spitch = spitch;
    op.value = value;
    op.width = width;
    op.height = height;
    pthread_mutex_lock(&c->mu);
    int err = push(c, &op) ? MU_ERROR_MEMORY_ALLOCATION : 0;
    pthread_mutex_unlock(&c->mu);
    return err;
}

uint64_t eng_child_handle(eng_job *job)
{
    struct eng_children *c = get(job);
    if (!c)
        return 0;
    pthread_mutex_lock(&c->mu);
    uint64_t h = c->next_handle;
    c->next_handle += 16;
    pthread_mutex_unlock(&c->mu);
    return h;
}

void eng_child_set_error(eng_job *job, int err)
{
    struct eng_children *c = err ? get(job) : NULL;
    if (!c)
        return;
    pthread_mutex_lock(&c->mu);
    c->last_error = err;
    pthread_mutex_unlock(&c->mu);
}

int eng_child_last_error(eng_job *job, int reset)
{
    struct eng_children *c = atomic_load_explicit(&job->children, memory_order_acquire);
    if (!c)
        return 0;
    pthread_mutex_lock(&c->mu);
    int e = c->last_error;
    if (reset)
        c->last_error = 0;
    pthread_mutex_unlock(&c->mu);
    return e;
}

uint64_t eng_child_string(eng_job *job, const char *text)
{
    struct eng_children *c = get(job);
    if (!c)
        return 0;
    uint64_t addr = 0;
    pthread_mutex_lock(&c->mu);
    for (size_t i = 0; i < c->nstrings && !addr; i++)
        if (c->strings[i].text == text)
            addr = c->strings[i].addr;
    if (!addr && !grow((void **)&c->strings, &c->capstrings, sizeof *c->strings, c->nstrings + 1)) {
        const struct engine_host *h = host_of(job);
        size_t n = strlen(text) + 1;
        void *p = h->alloc(h->ctx, n, 16);
        if (p) {
            memcpy(p, text, n);
            addr = (uint64_t)(uintptr_t)p;
            c->strings[c->nstrings].text = text;
            c->strings[c->nstrings].addr = addr;
            c->nstrings++;
        }
    }
    pthread_mutex_unlock(&c->mu);
    return addr;
}

/* --- running the children --- */

/* [a, a+bytes) inside one live allocation */
static int device_span(const struct engine_host *h, uint64_t a, uint64_t bytes)
{
    uint64_t base, size;
    if (!bytes)
        return 1;
    return h->find_range(h->ctx, a, &base, &size) && a >= base && bytes <= size && a - base <= size - bytes;
}

static MUresult run_copy(const eng_job *job, const struct child_op *op)
{
    const struct engine_host *h = host_of(job);
    uint64_t rows = op->height ? op->height : 1;
    uint64_t dext = (rows - 1) * op->dpitch + op->width, sext = (rows - 1) * op->spitch + op->width;
    if (!device_span(h, op->dst, dext) || (op->src && !device_span(h, op->src, sext))) {
        mu_report_from_worker("kernel %s: device-side %s of %llu bytes at an address outside "
                              "device memory",
                              job->k->name, op->src ? "cudaMemcpyAsync" : "cudaMemsetAsync",
                              (unsigned long long)(op->width * rows));
        return MU_ERROR_ILLEGAL_ADDRESS;
    }
    for (uint64_t r = 0; r < rows; r++) {
        uint8_t *d = (uint8_t *)(uintptr_t)(op->dst + r * op->dpitch);
        if (op->src)
            memmove(d, (const void *)(uintptr_t)(op->src + r * op->spitch), op->width);
        else
            memset(d, op->value, op->width);
    }
    return MU_SUCCESS;
}

static MUresult run_launch(const eng_job *job, const struct child_op *op)
{
    const struct engine_kernel *k = op->k;
    struct engine_launch cfg = job->cfg; /* device services, limits and watchdog of the parent */
    cfg.grid = op->grid;
    cfg.block = op->block;
    cfg.dynamic_smem_bytes = op->smem;
    cfg.cooperative = 0;
    memset(cfg.envreg, 0, sizeof cfg.envreg);
    cfg.cdp_depth = job->cfg.cdp_depth + 1;
    void *small[16], **argv = k->nparams <= 16 ? small : malloc(sizeof(void *) * k->nparams);
    if (!argv)
        return MU_ERROR_MEMORY_ALLOCATION;
    uint8_t *params = (uint8_t *)(uintptr_t)op->params;
    for (uint32_t i = 0; i < k->nparams; i++)
        argv[i] = params + k->param_off[i];
    cfg.args = k->nparams ? argv : NULL;
    MUresult r = engine_launch(k, &cfg);
    if (argv != small)
        free(argv);
    return r;
}

MUresult eng_children_finish(eng_job *job, MUresult rc)
{
    struct eng_children *c = atomic_load_explicit(&job->children, memory_order_acquire);
    if (!c)
        return rc;
    /* everything but tail launches in launch order, then the tail launches */
    for (int pass = 0; pass < 2 && rc == MU_SUCCESS; pass++)
        for (size_t i = 0; i < c->nops && rc == MU_SUCCESS; i++) {
            const struct child_op *op = &c->ops[i];
            if (op->tail != pass)
                continue;
            rc = op->kind == OP_LAUNCH ? run_launch(job, op) : run_copy(job, op);
        }
    const struct engine_host *h = host_of(job);
    for (size_t i = 0; i < c->nbufs; i++)
        h->free(h->ctx, (void *)(uintptr_t)c->bufs[i].addr);
    for (size_t i = 0; i < c->nstrings; i++)
        h->free(h->ctx, (void *)(uintptr_t)c->strings[i].addr);
    free(c->ops);
    free(c->bufs);
    free(c->strings);
    pthread_mutex_destroy(&c->mu);
    free(c);
    atomic_store(&job->children, NULL);
    return rc;
}
