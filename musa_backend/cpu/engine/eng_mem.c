/*
 * eng_mem.c - address checks for every memory access (see eng_mem.h).
 *
 * Owns: the slow paths: asking the device services which allocation holds an address,
 * sorting generic addresses into spaces, and the fault message naming the address.
 */
#include <inttypes.h>
#include <stdatomic.h>
#include <stdio.h>

#include "eng_mem.h"

/* An access that runs past the end of an allocation into the rest of its last page: a GPU
 * does not fault there (its pages are large and shared by neighbouring allocations), so a
 * kernel missing a bounds check works on one; it works here too, said once on stderr.  The
 * cached range then covers the padding, so the warp's next such accesses go fast. */
static int in_padding(eng_warp *w, uint64_t a, unsigned size, eng_range *r)
{
    static atomic_int told;
    const struct engine_host *h = &w->blk->mod->host;
    uint64_t base, bytes, reserved, last = a + size - 1;
    if (!h->find_padding || last < a)
        return 0;
    /* the access may start inside the allocation and end in its padding */
    if (!h->find_padding(h->ctx, last, &base, &bytes, &reserved) || a < base || last - base >= reserved)
        return 0;
    if (atomic_exchange(&told, 1) == 0)
        fprintf(stderr,
                "cushim: warning: kernel %s accessed 0x%" PRIx64 ", %" PRIu64 " bytes past the end of the %" PRIu64
                "-byte allocation at 0x%" PRIx64 " (a missing bounds check?); inside the allocation's last page, "
                "where a GPU does not fault either, so it goes on (said once)\n",
                w->blk->k->name, a, last + 1 - (base + bytes), bytes, base);
    r->lo = base;
    r->hi = base + reserved;
    w->recent[w->recent_next++ % ENG_RECENT] = *r;
    return 1;
}

int eng_find_global(eng_warp *w, uint64_t a, unsigned size, eng_range *r)
{
    for (int i = 0; i < ENG_RECENT; i++) {
        const eng_range *c = &w->recent[i];
        if (c->hi - c->lo >= size && a - c->lo <= c->hi - c->lo - size) {
            *r = *c;
            return 1;
        }
    }
    const struct engine_host *h = &w->blk->mod->host;
    uint64_t base = 0, bytes = 0;
    if (!h->find_range(h->ctx, a, &base, &bytes) || a < base || a + size > base + bytes || a + size < a)
        return in_padding(w, a, size, r);
    r->lo = base;
    r->hi = base + bytes;
    w->recent[w->recent_next++ % ENG_RECENT] = *r;
    return 1;
}

int eng_mem_fault(eng_warp *w, const eng_insn *in, int lane, uint64_t a, unsigned size, int store,
                  const char *space)
{
    int mis = size > 1 && (a & (size - 1)) != 0;
    return eng_fault(w, in, lane, mis ? MU_ERROR_MISALIGNED_ADDRESS : MU_ERROR_ILLEGAL_ADDRESS,
                     "%s address 0x%" PRIx64 " (%u-byte %s %s)", mis ? "misaligned" : "illegal", a, size,
                     space, store ? "store" : "load");
}

static inline int in_range(uint64_t a, const eng_range *r, unsigned size)
{
    return r->hi - r->lo >= size && a - r->lo <= r->hi - r->lo - size;
}

/* A generic address of lane l: shared, the lane's own local area, or global. */
static int resolve_generic(eng_warp *w, const eng_insn *in, int l, uint64_t a, unsigned size, int store,
                           uint8_t **p)
{
    eng_block *b = w->blk;
    uint64_t s = (uint64_t)(uintptr_t)b->smem;
    if (a - s < b->smem_size) {
        if (a - s > (uint64_t)b->smem_size - size)
            return eng_mem_fault(w, in, l, a, size, store, "shared");
        *p = (uint8_t *)(uintptr_t)a;
        return ENG_OK;
    }
    if (w->local) {
        uint64_t lo = (uint64_t)(uintptr_t)(w->local + (size_t)l * w->local_stride);
        if (a - lo < w->local_stride) {
            if (a - lo > (uint64_t)w->local_stride - size)
                return eng_mem_fault(w, in, l, a, size, store, "local");
            *p = (uint8_t *)(uintptr_t)a;
            return ENG_OK;
        }
    }
    eng_range *rc = &w->ranges[in->x];
    if (!in_range(a, rc, size) && !eng_find_global(w, a, size, rc)) {
        /* the kernel's parameters through a generic address (cvta.param): read only */
        uint64_t pb = (uint64_t)(uintptr_t)b->job->params, pn = b->k->params_bytes;
        if (a - pb < pn && !store && a - pb <= pn - size) {
            *p = (uint8_t *)(uintptr_t)a;
            return ENG_OK;
        }
        return eng_mem_fault(w, in, l, a, size, store, "global");
    }
    *p = (uint8_t *)(uintptr_t)a;
    return ENG_OK;
}

int eng_resolve(eng_warp *w, const eng_insn *in, uint32_t m, unsigned size, int store, uint8_t **p)
{
    eng_block *b = w->blk;
    unsigned space = in->mode & ENG_M_SPACE;
    switch (space) {
    case ENG_SP_GLOBAL:
    case ENG_SP_CONST: {
        eng_range *rc = &w->ranges[in->x];
        for (uint32_t mm = m; mm; mm &= mm - 1) {
            int l = eng_ctz(mm);
            uint64_t a = eng_lane_addr(w, in, l);
            if ((a & (size - 1)) || (!in_range(a, rc, size) && !eng_find_global(w, a, size, rc)))
                return eng_mem_fault(w, in, l, a, size, store, space == ENG_SP_CONST ? "const" : "global");
            p[l] = (uint8_t *)(uintptr_t)a;
        }
        return ENG_OK;
    }
    case ENG_SP_SHARED:
        for (uint32_t mm = m; mm; mm &= mm - 1) {
            int l = eng_ctz(mm);
            uint64_t a = eng_lane_addr(w, in, l);
            if ((a & (size - 1)) || b->smem_size < size || a > (uint64_t)b->smem_size - size)
                return eng_mem_fault(w, in, l, a, size, store, "shared");
            p[l] = b->smem + a;
        }
        return ENG_OK;
    case ENG_SP_LOCAL: {
        uint64_t fb = (in->mode & ENG_M_FRAME) ? eng_cur(w)->local_base : 0;
        for (uint32_t mm = m; mm; mm &= mm - 1) {
            int l = eng_ctz(mm);
            uint64_t a = eng_lane_addr(w, in, l) + fb;
            if ((a & (size - 1)) || !w->local || w->local_stride < size || a > (uint64_t)w->local_stride - size)
                return eng_mem_fault(w, in, l, a, size, store, "local");
            p[l] = w->local + (size_t)l * w->local_stride + a;
        }
        return ENG_OK;
    }
    case ENG_SP_KPARAM:
        for (uint32_t mm = m; mm; mm &= mm - 1) {
            int l = eng_ctz(mm);
            uint64_t a = kparam_offset(b, eng_lane_addr(w, in, l));
            if (store || (a & (size - 1)) || b->k->params_bytes < size || a > (uint64_t)b->k->params_bytes - size)
                return eng_mem_fault(w, in, l, a, size, store, "parameter");
            p[l] = b->job->params + a;
        }
        return ENG_OK;
    default:
        for (uint32_t mm = m; mm; mm &= mm - 1) {
            int l = eng_ctz(mm);
            uint64_t a = eng_lane_addr(w, in, l);
            if (a & (size - 1))
                return eng_mem_fault(w, in, l, a, size, store, "generic");
            if (resolve_generic(w, in, l, a, size, store, &p[l]) != ENG_OK)
                return ENG_FAULT;
        }
        return ENG_OK;
    }
}

/* A span outside its space: illegal (eng_mem_fault would call a long span misaligned). */
static int span_fault(eng_warp *w, const eng_insn *in, int lane, uint64_t a, uint64_t bytes, int store,
                      const char *space)
{
    return eng_fault(w, in, lane, MU_ERROR_ILLEGAL_ADDRESS, "illegal address 0x%" PRIx64 " (%" PRIu64 "-byte %s %s)",
                     a, bytes, space, store ? "store" : "load");
}

int eng_resolve_span(eng_warp *w, const eng_insn *in, int l, unsigned space, uint64_t a, uint64_t bytes,
                     unsigned align, int store, uint8_t **p)
{
    eng_block *b = w->blk;
    unsigned size = bytes > 0xffffffffu ? 0xffffffffu : (unsigned)bytes;
    static const char *const names[] = {"generic", "global", "shared", "local", "parameter", "const"};
    if (align > 1 && (a & (align - 1)))
        return eng_mem_fault(w, in, l, a, align, store, names[space < 6 ? space : 0]);
    switch (space) {
    case ENG_SP_SHARED:
        if (bytes > b->smem_size || a > b->smem_size - bytes)
            return span_fault(w, in, l, a, bytes, store, "shared");
        *p = b->smem + a;
        return ENG_OK;
    case ENG_SP_LOCAL: {
        uint64_t fb = (in->mode & ENG_M_FRAME) ? eng_cur(w)->local_base : 0;
        a += fb;
        if (!w->local || bytes > w->local_stride || a > w->local_stride - bytes)
            return span_fault(w, in, l, a, bytes, store, "local");
        *p = w->local + (size_t)l * w->local_stride + a;
        return ENG_OK;
    }
    case ENG_SP_GLOBAL:
    case ENG_SP_CONST: {
        eng_range *rc = &w->ranges[in->x];
        if (bytes > 0x7fffffffu || (!in_range(a, rc, size) && !eng_find_global(w, a, size, rc)))
            return span_fault(w, in, l, a, bytes, store, space == ENG_SP_CONST ? "const" : "global");
        *p = (uint8_t *)(uintptr_t)a;
        return ENG_OK;
    }
    case ENG_SP_GENERIC: {
        uint64_t s = (uint64_t)(uintptr_t)b->smem;
        if (a - s < b->smem_size)
            return eng_resolve_span(w, in, l, ENG_SP_SHARED, a - s, bytes, 1, store, p);
        if (w->local) {
            uint64_t lo = (uint64_t)(uintptr_t)(w->local + (size_t)l * w->local_stride);
            if (a - lo < w->local_stride) {
                if (bytes > w->local_stride || a - lo > w->local_stride - bytes)
                    return span_fault(w, in, l, a, bytes, store, "local");
                *p = (uint8_t *)(uintptr_t)a;
                return ENG_OK;
            }
        }
        return eng_resolve_span(w, in, l, ENG_SP_GLOBAL, a, bytes, 1, store, p);
    }
    default:
        return span_fault(w, in, l, a, bytes, store, "parameter");
    }
}
