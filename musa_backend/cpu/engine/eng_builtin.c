/*
 * eng_builtin.c - device-runtime functions called from PTX: argument passing for them, and
 * malloc, free and __assertfail (vprintf is in eng_printf.c).
 *
 * Owns: reading a builtin's .param arguments from the caller's local frame, writing its
 * result back, and the assert message in NVIDIA's words ("file:line: function: block:
 * [x,y,z], thread: [x,y,z] Assertion `cond` failed.") on stderr, after which the launch fails
 * with MU_ERROR_ASSERT.
 */
#define _POSIX_C_SOURCE 200809L /* flockfile, clock_gettime, strdup, sysconf */

#include <stdio.h>

#include "eng_builtin.h"

const uint8_t *eng_dev_bytes(eng_warp *w, int lane, uint64_t a, size_t *avail)
{
    eng_block *b = w->blk;
    uint64_t s = (uint64_t)(uintptr_t)b->smem;
    if (a - s < b->smem_size) {
        *avail = (size_t)(s + b->smem_size - a);
        return (const uint8_t *)(uintptr_t)a;
    }
    if (w->local) {
        uint64_t lo = (uint64_t)(uintptr_t)(w->local + (size_t)lane * w->local_stride);
        if (a - lo < w->local_stride) {
            *avail = (size_t)(lo + w->local_stride - a);
            return (const uint8_t *)(uintptr_t)a;
        }
    }
    const struct engine_host *h = &b->mod->host;
    uint64_t base, bytes;
    if (a && h->find_range(h->ctx, a, &base, &bytes) && a >= base && a < base + bytes) {
        *avail = (size_t)(base + bytes - a);
        return (const uint8_t *)(uintptr_t)a;
    }
    return NULL;
}

/* argument i of lane l as an integer of its declared size */
static uint64_t arg(eng_warp *w, const eng_callsite *cs, uint32_t i, int l)
{
    const struct engine_module *mod = w->blk->mod;
    uint64_t v = 0;
    if (i >= cs->nargs)
        return 0;
    const eng_callarg *ca = &mod->callargs[cs->args + i];
    uint32_t off = eng_cur(w)->local_base + ca->local_off;
    uint32_t n = ca->size < 8 ? ca->size : 8;
    if (w->local && (uint64_t)off + n <= w->local_stride)
        memcpy(&v, w->local + (size_t)l * w->local_stride + off, n);
    return v;
}

static void set_ret(eng_warp *w, const eng_callsite *cs, int l, uint64_t v)
{
    const struct engine_module *mod = w->blk->mod;
    if (cs->nrets < 1)
        return;
    const eng_callarg *ca = &mod->callargs[cs->rets];
    uint32_t off = eng_cur(w)->local_base + ca->local_off;
    uint32_t n = ca->size < 8 ? ca->size : 8;
    if (w->local && (uint64_t)off + n <= w->local_stride)
        memcpy(w->local + (size_t)l * w->local_stride + off, &v, n);
}

/* copy a device string into buf (always terminated) */
static const char *dev_string(eng_warp *w, int l, uint64_t a, char *buf, size_t cap)
{
    size_t avail;
    const uint8_t *p = a ? eng_dev_bytes(w, l, a, &avail) : NULL;
    if (!p)
        return a ? "(invalid address)" : "(null)";
    size_t n = 0;
    while (n + 1 < cap && n < avail && p[n])
        n++;
    memcpy(buf, p, n);
    buf[n] = 0;
    return buf;
}

static int assert_fail(eng_warp *w, const eng_insn *in, uint32_t m, const eng_callsite *cs)
{
    eng_block *b = w->blk;
    flockfile(stderr);
    for (uint32_t mm = m; mm; mm &= mm - 1) {
        int l = eng_ctz(mm);
        char msg[512], file[512], func[512];
        const char *smsg = dev_string(w, l, arg(w, cs, 0, l), msg, sizeof msg);
        const char *sfile = dev_string(w, l, arg(w, cs, 1, l), file, sizeof file);
        unsigned line = (unsigned)arg(w, cs, 2, l);
        const char *sfunc = dev_string(w, l, arg(w, cs, 3, l), func, sizeof func);
        fprintf(stderr, "%s:%u: %s: block: [%u,%u,%u], thread: [%u,%u,%u] Assertion `%s` failed.\n", sfile, line,
                sfunc, b->ctaid[0], b->ctaid[1], b->ctaid[2], w->tid[0][l], w->tid[1][l], w->tid[2][l], smsg);
    }
    fflush(stderr);
    funlockfile(stderr);
    /* the assert lines are the message: keep eng_fault quiet */
    atomic_store(&b->job->printed, 1);
    return eng_fault(w, in, eng_ctz(m), MU_ERROR_ASSERT, "device-side assert");
}

int eng_builtin_call(eng_warp *w, const eng_insn *in, uint32_t m, const eng_callsite *cs, unsigned which)
{
    const struct engine_launch *cfg = &w->blk->job->cfg;
    const struct engine_host *host = cfg->host ? cfg->host : &w->blk->mod->host;
    switch (which) {
    case ENG_BUILTIN_VPRINTF:
        flockfile(stdout);
        for (uint32_t mm = m; mm; mm &= mm - 1) {
            int l = eng_ctz(mm);
            int r = eng_vprintf(w, l, arg(w, cs, 0, l), arg(w, cs, 1, l));
            set_ret(w, cs, l, (uint64_t)(int64_t)r);
        }
        funlockfile(stdout);
        return ENG_OK;
    case ENG_BUILTIN_MALLOC:
        for (uint32_t mm = m; mm; mm &= mm - 1) {
            int l = eng_ctz(mm);
            set_ret(w, cs, l, eng_heap_malloc(host, cfg->heap_size, arg(w, cs, 0, l)));
        }
        return ENG_OK;
    case ENG_BUILTIN_FREE:
        for (uint32_t mm = m; mm; mm &= mm - 1)
            eng_heap_free(host, arg(w, cs, 0, eng_ctz(mm)));
        return ENG_OK;
    case ENG_BUILTIN_ASSERTFAIL:
        return assert_fail(w, in, m, cs);
    default:
        if (which >= ENG_BUILTIN_DEVRT)
            return eng_devrt_call(w, in, m, cs, which);
        return eng_fault(w, in, eng_ctz(m), MU_ERROR_NOT_SUPPORTED, "call of an external function the device does not provide");
    }
}

uint64_t eng_builtin_arg(eng_warp *w, const eng_callsite *cs, uint32_t i, int l)
{
    return arg(w, cs, i, l);
}

uint8_t *eng_builtin_arg_bytes(eng_warp *w, const eng_callsite *cs, uint32_t i, int l, uint32_t *size)
{
    const struct engine_module *mod = w->blk->mod;
    if (i >= cs->nargs || !w->local)
        return NULL;
    const eng_callarg *ca = &mod->callargs[cs->args + i];
    uint32_t off = eng_cur(w)->local_base + ca->local_off;
    if ((uint64_t)off + ca->size > w->local_stride)
        return NULL;
    *size = ca->size;
    return w->local + (size_t)l * w->local_stride + off;
}

void eng_builtin_ret(eng_warp *w, const eng_callsite *cs, int l, uint64_t v)
{
    set_ret(w, cs, l, v);
}
