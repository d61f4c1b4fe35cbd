/*
 * eng_op_async.c - asynchronous copies and mbarrier objects: cp.async (.ca/.cg, commit_group,
 * wait_group, wait_all, mbarrier.arrive), cp.async.bulk (global <-> shared, with complete_tx on
 * an mbarrier or in bulk groups) and mbarrier.* (init, inval, arrive, arrive_drop, expect_tx,
 * complete_tx, test_wait, try_wait, .parity, pending_count).
 *
 * Owns: what "asynchronous" means on a CPU device.  A copy is performed when it is issued: PTX
 * only promises its data by the matching wait (wait_group, an mbarrier phase), and reading the
 * destination earlier is undefined, so doing it at once is one valid timing; the waits then
 * have nothing to wait for.  An mbarrier is a 64-bit word in shared memory whose layout is
 * opaque to programs, so the engine picks one: bits 0-20 the pending arrivals of the current
 * phase, 21-41 the expected arrivals, 42-62 the transaction count (signed), 63 the phase
 * parity.  A phase completes when both its pending count and its transaction count are zero;
 * then the parity flips and the pending count is reloaded.  The state an arrive returns is
 * the word before the arrive, so test_wait can tell whether that phase has completed.  A
 * try_wait that finds the phase incomplete lets the block's other warps (and the warp's other
 * lane groups) run before the program asks again.
 * Must not: be on the path of any other instruction.
 */
#include "eng_mem.h"
#include "eng_ops.h"

/* --- the mbarrier word --- */

#define MB_MASK 0x1fffffull
#define MB_PENDING(v) ((v) & MB_MASK)
#define MB_EXPECTED(v) (((v) >> 21) & MB_MASK)
#define MB_TX(v) ((int32_t)((uint32_t)(((v) >> 42) & MB_MASK) << 11) >> 11) /* sign-extend 21 bits */
#define MB_PHASE(v) ((v) >> 63)

static uint64_t mb_make(uint64_t pending, uint64_t expected, int32_t tx, uint64_t phase)
{
    return (pending & MB_MASK) | (expected & MB_MASK) << 21 | ((uint64_t)(uint32_t)tx & MB_MASK) << 42 |
           phase << 63;
}

/* Complete the phase if nothing is pending. */
static uint64_t mb_settle(uint64_t v)
{
    if (MB_PENDING(v) == 0 && MB_TX(v) == 0)
        return mb_make(MB_EXPECTED(v), MB_EXPECTED(v), 0, MB_PHASE(v) ^ 1);
    return v;
}

/* in->mode: space bits; in->mode2: the operation below plus flags; a/imm: the address;
 * b: count / transaction count / state / parity operand; d: destination (state, count, or
 * predicate). */
enum {
    MB_INIT,
    MB_INVAL,
    MB_ARRIVE,      /* flags: F_DROP, F_EXPECT, F_NOCOMPLETE */
    MB_EXPECT_TX,
    MB_COMPLETE_TX,
    MB_TEST_WAIT,   /* flags: F_PARITY, F_TRY */
    MB_PENDING_COUNT
};
#define F_DROP 0x10u
#define F_EXPECT 0x20u
#define F_PARITY 0x40u
#define F_TRY 0x80u
#define F_COUNT 0x100u /* arrive has a count operand (in->c) */

/* One lane's read-modify-write of its mbarrier: returns the old word in *old. */
static int mb_update(eng_warp *w, const eng_insn *in, int l, unsigned space, uint64_t a, uint64_t *old,
                     uint64_t (*fn)(uint64_t v, uint64_t arg, uint64_t arg2), uint64_t arg, uint64_t arg2)
{
    uint8_t *p;
    if (eng_resolve_span(w, in, l, space, a, 8, 8, fn != NULL, &p) != ENG_OK)
        return ENG_FAULT;
    uint64_t *word = (uint64_t *)(void *)p;
    uint64_t v = __atomic_load_n(word, __ATOMIC_ACQUIRE);
    if (fn)
        while (!__atomic_compare_exchange_n(word, &v, fn(v, arg, arg2), 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
            ;
    *old = v;
    return ENG_OK;
}

static uint64_t op_init(uint64_t v, uint64_t count, uint64_t unused)
{
    (void)v;
    (void)unused;
    return mb_make(count, count, 0, 0);
}

static uint64_t op_inval(uint64_t v, uint64_t a, uint64_t b)
{
    (void)v;
    (void)a;
    (void)b;
    return 0;
}

/* arrive of `count` threads; flags F_DROP (the expected count drops too) and F_EXPECT (first
 * expect tx bytes) */
static uint64_t op_arrive(uint64_t v, uint64_t count, uint64_t flags_tx)
{
    uint64_t flags = flags_tx >> 32;
    int32_t tx = MB_TX(v);
    if (flags & F_EXPECT)
        tx += (int32_t)(uint32_t)flags_tx;
    uint64_t pending = MB_PENDING(v), expected = MB_EXPECTED(v);
    pending = count < pending ? pending - count : 0;
    if (flags & F_DROP)
        expected = count < expected ? expected - count : 0;
    return mb_settle(mb_make(pending, expected, tx, MB_PHASE(v)));
}

static uint64_t op_tx(uint64_t v, uint64_t delta, uint64_t unused)
{
    (void)unused;
    return mb_settle(mb_make(MB_PENDING(v), MB_EXPECTED(v), MB_TX(v) + (int32_t)(uint32_t)delta, MB_PHASE(v)));
}

ENG_H(h_mbarrier)
{
    unsigned kind = in->mode2 & 15u, space = in->mode & ENG_M_SPACE;
    if (kind == MB_PENDING_COUNT) {
        const uint64_t *S = ENG_SLOT(const uint64_t, w, in->b);
        uint32_t r[ENG_LANES];
        for (int l = 0; l < ENG_LANES; l++)
            r[l] = (uint32_t)MB_PENDING(S[l]);
        eng_store32(w->regs + in->d, r, m);
        return ENG_OK;
    }
    uint64_t old[ENG_LANES];
    uint32_t done = 0;
    for (uint32_t mm = m; mm; mm &= mm - 1) {
        int l = eng_ctz(mm);
        uint64_t a = eng_lane_addr(w, in, l), o = 0;
        int r;
        switch (kind) {
        case MB_INIT: {
            uint32_t count = ENG_SLOT(const uint32_t, w, in->b)[l];
            if (count < 1 || count > MB_MASK >> 1)
                return eng_fault(w, in, l, MU_ERROR_ILLEGAL_INSTRUCTION,
                                 "mbarrier.init with an expected count of %u (must be 1 to 2^20-1)", count);
            r = mb_update(w, in, l, space, a, &o, op_init, count, 0);
            break;
        }
        case MB_INVAL:
            r = mb_update(w, in, l, space, a, &o, op_inval, 0, 0);
            break;
        case MB_ARRIVE: {
            uint64_t count = (in->mode2 & F_COUNT) ? ENG_SLOT(const uint32_t, w, in->c)[l] : 1;
            uint64_t tx = (in->mode2 & F_EXPECT) ? ENG_SLOT(const uint32_t, w, in->b)[l] : 0;
            r = mb_update(w, in, l, space, a, &o, op_arrive, count, (uint64_t)(in->mode2 & (F_DROP | F_EXPECT)) << 32 | tx);
            break;
        }
        case MB_EXPECT_TX:
            r = mb_update(w, in, l, space, a, &o, op_tx, ENG_SLOT(const uint32_t, w, in->b)[l], 0);
            break;
        case MB_COMPLETE_TX:
            r = mb_update(w, in, l, space, a, &o, op_tx, (uint64_t)(uint32_t)-(int32_t)ENG_SLOT(const uint32_t, w, in->b)[l], 0);
            break;
        default: { /* test_wait / try_wait */
            r = mb_update(w, in, l, space, a, &o, NULL, 0, 0);
            uint64_t want = (in->mode2 & F_PARITY) ? ENG_SLOT(const uint32_t, w, in->b)[l] & 1u
                                                   : MB_PHASE(ENG_SLOT(const uint64_t, w, in->b)[l]);
            if (MB_PHASE(o) != want)
                done |= eng_lanebit[l];
            break;
        }
        }
        if (r != ENG_OK)
            return ENG_FAULT;
        old[l] = o;
    }
    if (kind == MB_ARRIVE) {
        eng_store64(w->regs + in->d, old, m);
    } else if (kind == MB_TEST_WAIT) {
        eng_set_pred(w, in->d, done, m);
        if ((in->mode2 & F_TRY) && done != m) {
            /* give whoever has to arrive a chance to, before the program asks again */
            eng_rotate(w);
            return ENG_YIELD;
        }
        if (done != m) /* a test_wait loop polls: its next backward branch lets others run */
            w->polling = 1;
    }
    return ENG_OK;
}

/* --- copies --- */

/* d = the address a/imm names, as a 64-bit value (shared: offset in the block's shared
 * memory); used to hand instructions with several addresses their extra ones */
ENG_H(h_lea)
{
    uint64_t r[ENG_LANES];
    for (int l = 0; l < ENG_LANES; l++)
        r[l] = eng_lane_addr(w, in, l);
    eng_store64(w->regs + in->d, r, m);
    return ENG_OK;
}

/* cp.async: in->mode/a/imm: the global source; in->b: the destination (a shared offset, from
 * h_lea); mode2: bits 0-4 cp-size, 5 src-size operand (in->c, u32), 6 ignore-src predicate
 * (in->c), 7 that predicate negated, 8-10 the destination space */
ENG_H(h_cp_async)
{
    unsigned size = in->mode2 & 31u, dspace = (in->mode2 >> 8) & 7u;
    const uint64_t *D = ENG_SLOT(const uint64_t, w, in->b);
    uint32_t ignore = 0;
    if (in->mode2 & 64)
        ignore = eng_pred(w, in->c) ^ ((in->mode2 & 128) ? ENG_FULL : 0);
    for (uint32_t mm = m; mm; mm &= mm - 1) {
        int l = eng_ctz(mm);
        unsigned n = size;
        if (in->mode2 & 32)
            n = ENG_SLOT(const uint32_t, w, in->c)[l];
        if (ignore & eng_lanebit[l])
            n = 0;
        if (n > size)
            n = size;
        uint8_t *dst, *src = NULL;
        if (eng_resolve_span(w, in, l, dspace, D[l], size, size, 1, &dst) != ENG_OK)
            return ENG_FAULT;
        if (n && eng_resolve_span(w, in, l, in->mode & ENG_M_SPACE, eng_lane_addr(w, in, l), n, size, 0, &src) != ENG_OK)
            return ENG_FAULT;
        uint8_t buf[16];
        memset(buf, 0, sizeof buf);
        if (n)
            memcpy(buf, src, n);
        memcpy(dst, buf, size);
    }
    return ENG_OK;
}

/* cp.async.bulk: in->mode/a/imm: the source; in->b: the destination (from h_lea); in->c: the
 * byte count (u32); in->d: the mbarrier's address (from h_lea), when mode2 bit 8 is set;
 * mode2: bits 0-2 destination space, 3-5 mbarrier space */
ENG_H(h_cp_bulk)
{
    unsigned dspace = in->mode2 & 7u, mspace = (in->mode2 >> 3) & 7u;
    const uint64_t *D = ENG_SLOT(const uint64_t, w, in->b), *MB = ENG_SLOT(const uint64_t, w, in->d);
    const uint32_t *N = ENG_SLOT(const uint32_t, w, in->c);
    for (uint32_t mm = m; mm; mm &= mm - 1) {
        int l = eng_ctz(mm);
        uint32_t n = N[l];
        if (n % 16)
            return eng_fault(w, in, l, MU_ERROR_ILLEGAL_INSTRUCTION,
                             "cp.async.bulk of %u bytes (a multiple of 16 is required)", n);
        uint8_t *dst, *src;
        if (eng_resolve_span(w, in, l, dspace, D[l], n, 16, 1, &dst) != ENG_OK ||
            eng_resolve_span(w, in, l, in->mode & ENG_M_SPACE, eng_lane_addr(w, in, l), n, 16, 0, &src) != ENG_OK)
            return ENG_FAULT;
        memmove(dst, src, n);
        if (in->mode2 & 256) {
            uint64_t o;
            if (mb_update(w, in, l, mspace, MB[l], &o, op_tx, (uint64_t)(uint32_t)-(int32_t)n, 0) != ENG_OK)
                return ENG_FAULT;
        }
    }
    return ENG_OK;
}

/* commit_group / wait_group / wait_all and bulk groups: every copy has completed already; the
 * wait still orders the thread's memory accesses */
ENG_H(h_async_wait)
{
    (void)w;
    (void)in;
    (void)m;
    atomic_thread_fence(memory_order_seq_cst);
    return ENG_OK;
}

/* cp.async.mbarrier.arrive.noinc: the copies are done, so the arrive happens now; without
 * .noinc it raises the pending count first and arrives, which changes nothing */
ENG_H(h_cp_mbar_arrive)
{
    unsigned space = in->mode & ENG_M_SPACE;
    for (uint32_t mm = m; mm; mm &= mm - 1) {
        int l = eng_ctz(mm);
        uint64_t o;
        if (mb_update(w, in, l, space, eng_lane_addr(w, in, l), &o, op_arrive, 1, 0) != ENG_OK)
            return ENG_FAULT;
    }
    return ENG_OK;
}

/* --- lowering --- */

/* The state spaces named by the suffixes, in written order (ENG_SP_*). */
static unsigned spaces_in_order(const ptx_insn *pi, int *sp, unsigned max)
{
    unsigned n = 0;
    for (unsigned i = 0; i < pi->nmods && n < max; i++) {
        switch (pi->mods[i]) {
        case PTX_MOD_GLOBAL: sp[n++] = ENG_SP_GLOBAL; break;
        case PTX_MOD_SHARED:
        case PTX_MOD_SHARED_CTA:
        case PTX_MOD_SHARED_CLUSTER: sp[n++] = ENG_SP_SHARED; break;
        default: break;
        }
    }
    return n;
}

/* An address operand of `space` into a 64-bit temporary through h_lea; its slot, or ENG_NONE. */
static uint32_t lower_lea(eng_lower *L, const ptx_operand *ad, int space)
{
    uint16_t mode = 0;
    uint32_t a;
    int64_t imm;
    if (eng_lower_address(L, ad, space, &mode, &a, &imm) || (mode & ENG_M_FRAME) ||
        (mode & ENG_M_SPACE) == ENG_SP_KPARAM || (mode & ENG_M_SPACE) == ENG_SP_LOCAL)
        return ENG_NONE;
    uint32_t t = eng_temp(L, 8);
    eng_insn *e = eng_emit(L, h_lea);
    e->d = t;
    e->a = a;
    e->imm = imm;
    e->mode = mode;
    return t;
}

static int lower_address_here(eng_lower *L, const ptx_operand *ad, int space, eng_insn *e)
{
    uint16_t mode = 0;
    uint32_t a;
    int64_t imm;
    if (eng_lower_address(L, ad, space, &mode, &a, &imm) || (mode & ENG_M_FRAME) ||
        (mode & ENG_M_SPACE) == ENG_SP_KPARAM || (mode & ENG_M_SPACE) == ENG_SP_LOCAL)
        return -1;
    e->a = a;
    e->imm = imm;
    e->mode = mode;
    e->x = eng_range_index(L);
    return 0;
}

static int u32_operand(eng_lower *L, const ptx_operand *o, uint32_t *slot)
{
    if (o->kind == PTX_OPND_REG && eng_reg_width(L, o) != 4)
        return -1;
    if (o->kind != PTX_OPND_REG && o->kind != PTX_OPND_IMM)
        return -1;
    *slot = eng_src(L, o, PTX_T_U32);
    return 0;
}

static int lower_cp(eng_lower *L, const ptx_insn *pi)
{
    if (!eng_has(pi, PTX_MOD_ASYNC))
        return eng_unsupported(L);
    if (eng_has(pi, PTX_MOD_COMMIT_GROUP) || eng_has(pi, PTX_MOD_WAIT_GROUP) || eng_has(pi, PTX_MOD_WAIT_ALL)) {
        if (pi->nopnds > 1)
            return eng_unsupported(L);
        eng_emit(L, h_async_wait);
        return 0;
    }
    if (eng_has(pi, PTX_MOD_MBARRIER)) { /* cp.async.mbarrier.arrive{.noinc} [mbar] */
        if (!eng_has(pi, PTX_MOD_ARRIVE) || eng_type(pi, 0) != PTX_T_B64 || pi->nopnds != 1)
            return eng_unsupported(L);
        if (!eng_has(pi, PTX_MOD_NOINC)) {
            eng_emit(L, h_async_wait);
            return 0;
        }
        int space = eng_space_of(pi);
        eng_insn *e = eng_emit(L, h_cp_mbar_arrive);
        if (lower_address_here(L, eng_op(L, 0), space, e))
            return eng_unsupported(L);
        return 0;
    }
    int sp[3];
    unsigned nsp = spaces_in_order(pi, sp, 3);
    if (eng_has(pi, PTX_MOD_BULK)) {
        /* cp.async.bulk.dst.src{.mbarrier::complete_tx::bytes | .bulk_group} [dst], [src], size{, [mbar]} */
        int mbar = eng_has(pi, PTX_MOD_MBARRIER_COMPLETE_TX_BYTES);
        if (nsp != 2 || (!mbar && !eng_has(pi, PTX_MOD_BULK_GROUP)) || pi->nopnds < (mbar ? 4u : 3u) ||
            (sp[0] == ENG_SP_GLOBAL && sp[1] == ENG_SP_GLOBAL))
            return eng_unsupported(L);
        uint32_t size, dst = lower_lea(L, eng_op(L, 0), sp[0]);
        uint32_t mb = mbar ? lower_lea(L, eng_op(L, 3), ENG_SP_SHARED) : ENG_F_ZERO;
        if (dst == ENG_NONE || mb == ENG_NONE || u32_operand(L, eng_op(L, 2), &size))
            return eng_unsupported(L);
        eng_insn *e = eng_emit(L, h_cp_bulk);
        if (lower_address_here(L, eng_op(L, 1), sp[1], e))
            return eng_unsupported(L);
        e->b = dst;
        e->c = size;
        e->d = mb;
        e->mode2 = (uint16_t)(sp[0] | ENG_SP_SHARED << 3 | (mbar ? 256 : 0));
        return 0;
    }
    /* cp.async.ca/.cg.shared.global [dst], [src], cp-size{, src-size | ignore-src}{, policy} */
    if (nsp != 2 || sp[0] != ENG_SP_SHARED || sp[1] != ENG_SP_GLOBAL || pi->nopnds < 3 || pi->nopnds > 5)
        return eng_unsupported(L);
    int64_t cpsize;
    if (!eng_imm(eng_op(L, 2), &cpsize) || (cpsize != 4 && cpsize != 8 && cpsize != 16) ||
        (eng_has(pi, PTX_MOD_CG) && cpsize != 16))
        return eng_unsupported(L);
    uint16_t mode2 = (uint16_t)cpsize | ENG_SP_SHARED << 8;
    uint32_t extra = ENG_F_ZERO;
    if (pi->nopnds >= 4) {
        const ptx_operand *o = eng_op(L, 3);
        if (o->kind == PTX_OPND_REG && eng_reg_width(L, o) == 1) {
            extra = eng_src(L, o, PTX_T_PRED);
            mode2 |= 64 | ((o->flags & PTX_OPND_F_NEG) ? 128 : 0);
        } else if (pi->nopnds == 4 && eng_has(pi, PTX_MOD_L2_CACHE_HINT)) {
            /* the fourth operand is the cache policy */
        } else if (u32_operand(L, o, &extra)) {
            return eng_unsupported(L);
        } else {
            mode2 |= 32;
        }
    }
    uint32_t dst = lower_lea(L, eng_op(L, 0), ENG_SP_SHARED);
    if (dst == ENG_NONE)
        return eng_unsupported(L);
    eng_insn *e = eng_emit(L, h_cp_async);
    if (lower_address_here(L, eng_op(L, 1), ENG_SP_GLOBAL, e))
        return eng_unsupported(L);
    e->b = dst;
    e->c = extra;
    e->mode2 = mode2;
    return 0;
}

static int lower_mbarrier(eng_lower *L, const ptx_insn *pi)
{
    if (eng_type(pi, 0) != PTX_T_B64 || pi->ntypes != 1)
        return eng_unsupported(L);
    int space = eng_space_of(pi);
    if (space != ENG_SP_SHARED && space != ENG_SP_GENERIC)
        return eng_unsupported(L);
    unsigned kind, flags = 0, n = pi->nopnds;
    const ptx_operand *d = NULL, *ad = NULL, *b = NULL, *c = NULL;
    if (eng_has(pi, PTX_MOD_PENDING_COUNT)) {
        if (n != 2 || eng_reg_width(L, eng_op(L, 0)) != 4 || eng_reg_width(L, eng_op(L, 1)) != 8)
            return eng_unsupported(L);
        uint32_t ds = eng_dst(L, eng_op(L, 0)), s = eng_src(L, eng_op(L, 1), PTX_T_B64);
        eng_insn *e = eng_emit(L, h_mbarrier);
        e->d = ds;
        e->b = s;
        e->mode2 = MB_PENDING_COUNT;
        return 0;
    }
    if (eng_has(pi, PTX_MOD_INIT)) {
        kind = MB_INIT;
        if (n != 2)
            return eng_unsupported(L);
        ad = eng_op(L, 0);
        b = eng_op(L, 1);
    } else if (eng_has(pi, PTX_MOD_INVAL)) {
        kind = MB_INVAL;
        if (n != 1)
            return eng_unsupported(L);
        ad = eng_op(L, 0);
    } else if (eng_has(pi, PTX_MOD_ARRIVE) || eng_has(pi, PTX_MOD_ARRIVE_DROP)) {
        kind = MB_ARRIVE;
        if (eng_has(pi, PTX_MOD_ARRIVE_DROP))
            flags |= F_DROP;
        if (n < 2 || n > 3)
            return eng_unsupported(L);
        d = eng_op(L, 0);
        ad = eng_op(L, 1);
        if (eng_has(pi, PTX_MOD_EXPECT_TX)) {
            /* arrive.expect_tx state, [a], txCount (no count operand) */
            if (n != 3)
                return eng_unsupported(L);
            flags |= F_EXPECT;
            b = eng_op(L, 2);
        } else if (n == 3) {
            flags |= F_COUNT;
            c = eng_op(L, 2);
        } else if (eng_has(pi, PTX_MOD_NOCOMPLETE)) {
            return eng_unsupported(L); /* .noComplete needs its count */
        }
    } else if (eng_has(pi, PTX_MOD_EXPECT_TX) || eng_has(pi, PTX_MOD_COMPLETE_TX)) {
        kind = eng_has(pi, PTX_MOD_EXPECT_TX) ? MB_EXPECT_TX : MB_COMPLETE_TX;
        if (n != 2)
            return eng_unsupported(L);
        ad = eng_op(L, 0);
        b = eng_op(L, 1);
    } else if (eng_has(pi, PTX_MOD_TEST_WAIT) || eng_has(pi, PTX_MOD_TRY_WAIT)) {
        kind = MB_TEST_WAIT;
        if (eng_has(pi, PTX_MOD_TRY_WAIT))
            flags |= F_TRY;
        if (eng_has(pi, PTX_MOD_PARITY))
            flags |= F_PARITY;
        /* waitComplete, [a], state|parity {, suspendTimeHint (try_wait)} */
        if (n < 3 || n > ((flags & F_TRY) ? 4u : 3u))
            return eng_unsupported(L);
        d = eng_op(L, 0);
        ad = eng_op(L, 1);
        b = eng_op(L, 2);
        if (eng_reg_width(L, d) != 1)
            return eng_unsupported(L);
    } else {
        return eng_unsupported(L);
    }
    uint32_t bs = ENG_F_ZERO, cs = ENG_F_ZERO, ds = ENG_F_SCRATCH;
    if (b) {
        int wide = kind == MB_TEST_WAIT && !(flags & F_PARITY);
        if (b->kind == PTX_OPND_REG && eng_reg_width(L, b) != (wide ? 8u : 4u))
            return eng_unsupported(L);
        if (b->kind != PTX_OPND_REG && b->kind != PTX_OPND_IMM)
            return eng_unsupported(L);
        bs = eng_src(L, b, wide ? PTX_T_B64 : PTX_T_U32);
    }
    if (c && u32_operand(L, c, &cs))
        return eng_unsupported(L);
    if (d) {
        if (kind == MB_ARRIVE && d->kind == PTX_OPND_REG && eng_reg_width(L, d) != 8)
            return eng_unsupported(L);
        ds = eng_dst(L, d);
    }
    eng_insn *e = eng_emit(L, h_mbarrier);
    if (lower_address_here(L, ad, space, e))
        return eng_unsupported(L);
    e->b = bs;
    e->c = cs;
    e->d = ds;
    e->mode2 = (uint16_t)(kind | flags);
    return 0;
}

int eng_lower_async(eng_lower *L, const ptx_insn *pi)
{
    switch (pi->op) {
    case PTX_OP_CP:
        return lower_cp(L, pi);
    case PTX_OP_MBARRIER:
        return lower_mbarrier(L, pi);
    default:
        return eng_unsupported(L);
    }
}
