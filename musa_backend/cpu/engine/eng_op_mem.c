/*
 * eng_op_mem.c - loads, stores and address-space operations: ld ldu st cvta isspacep
 * prefetch(u) discard applypriority createpolicy.
 *
 * Owns: the data movement of memory instructions (sizes 1-8 bytes, .v2/.v4 vectors, sign or
 * zero extension into wider registers, truncation from wider registers, .volatile/.relaxed/
 * .acquire/.release as single-copy atomic host accesses) and the fast paths for the forms
 * that dominate real kernels (32/64-bit global loads and stores, 32-bit shared loads and
 * stores).  Address checking lives in eng_mem.c.
 */
#include "eng_mem.h"
#include "eng_ops.h"
#if defined(__x86_64__)
#include <emmintrin.h>
#endif

/* mode2 layout: bits 0-4 element bytes, 5-7 element count, 8-11 register width */
#define M2_ESIZE(m2) ((m2) & 31u)
#define M2_N(m2) (((m2) >> 5) & 7u)
#define M2_RW(m2) (((m2) >> 8) & 15u)

static inline uint64_t load_n(const uint8_t *p, unsigned n, unsigned mode)
{
    if (mode & (ENG_M_ORDERED | ENG_M_ACQREL)) {
        int order = (mode & ENG_M_ACQREL) ? __ATOMIC_ACQUIRE : __ATOMIC_RELAXED;
        switch (n) {
        case 1: return __atomic_load_n((const uint8_t *)p, order);
        case 2: return __atomic_load_n((const uint16_t *)(const void *)p, order);
        case 4: return __atomic_load_n((const uint32_t *)(const void *)p, order);
        default: return __atomic_load_n((const uint64_t *)(const void *)p, order);
        }
    }
    switch (n) { /* fixed-size copies: a variable-size one defeats store forwarding */
    case 1: return *p;
    case 2: { uint16_t v; memcpy(&v, p, 2); return v; }
    case 4: { uint32_t v; memcpy(&v, p, 4); return v; }
    default: { uint64_t v; memcpy(&v, p, 8); return v; }
    }
}

static inline void store_n(uint8_t *p, uint64_t v, unsigned n, unsigned mode)
{
    if (mode & (ENG_M_ORDERED | ENG_M_ACQREL)) {
        int order = (mode & ENG_M_ACQREL) ? __ATOMIC_RELEASE : __ATOMIC_RELAXED;
        switch (n) {
        case 1: __atomic_store_n(p, (uint8_t)v, order); return;
        case 2: __atomic_store_n((uint16_t *)(void *)p, (uint16_t)v, order); return;
        case 4: __atomic_store_n((uint32_t *)(void *)p, (uint32_t)v, order); return;
        default: __atomic_store_n((uint64_t *)(void *)p, v, order); return;
        }
    }
    memcpy(p, &v, n);
}

/* A .volatile/.relaxed/.acquire/.release vector is one single-copy atomic access of its whole
 * width, as on a GPU: CUB's decoupled look-back packs a tile's status and value into one
 * v2.u32 and must never see one half updated without the other.  x86-64 makes aligned
 * 16-byte SSE accesses atomic on every AVX-capable processor; wider vectors have no such
 * guarantee on a GPU either and go 8 bytes at a time. */
static void load_wide(const uint8_t *p, unsigned size, unsigned mode, uint8_t *out)
{
    int order = (mode & ENG_M_ACQREL) ? __ATOMIC_ACQUIRE : __ATOMIC_RELAXED;
    switch (size) {
    case 2: { uint16_t v = __atomic_load_n((const uint16_t *)(const void *)p, order); memcpy(out, &v, 2); return; }
    case 4: { uint32_t v = __atomic_load_n((const uint32_t *)(const void *)p, order); memcpy(out, &v, 4); return; }
    case 8: { uint64_t v = __atomic_load_n((const uint64_t *)(const void *)p, order); memcpy(out, &v, 8); return; }
#if defined(__x86_64__)
    case 16: {
        __m128i v = *(const volatile __m128i *)(const volatile void *)p;
        __atomic_signal_fence(__ATOMIC_SEQ_CST); /* x86 loads are acquires; keep the compiler honest */
        _mm_storeu_si128((__m128i *)(void *)out, v);
        return;
    }
#endif
    default:
        for (unsigned i = 0; i < size; i += 8) {
            uint64_t v = __atomic_load_n((const uint64_t *)(const void *)(p + i), order);
            memcpy(out + i, &v, 8);
        }
        return;
    }
}

static void store_wide(uint8_t *p, unsigned size, unsigned mode, const uint8_t *in)
{
    int order = (mode & ENG_M_ACQREL) ? __ATOMIC_RELEASE : __ATOMIC_RELAXED;
    switch (size) {
    case 2: { uint16_t v; memcpy(&v, in, 2); __atomic_store_n((uint16_t *)(void *)p, v, order); return; }
    case 4: { uint32_t v; memcpy(&v, in, 4); __atomic_store_n((uint32_t *)(void *)p, v, order); return; }
    case 8: { uint64_t v; memcpy(&v, in, 8); __atomic_store_n((uint64_t *)(void *)p, v, order); return; }
#if defined(__x86_64__)
    case 16: {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)in);
        __atomic_signal_fence(__ATOMIC_SEQ_CST); /* x86 stores are releases; keep the compiler honest */
        *(volatile __m128i *)(volatile void *)p = v;
        return;
    }
#endif
    default:
        for (unsigned i = 0; i < size; i += 8) {
            uint64_t v;
            memcpy(&v, in + i, 8);
            __atomic_store_n((uint64_t *)(void *)(p + i), v, order);
        }
        return;
    }
}

static inline uint64_t extend(uint64_t v, unsigned n, int sgn)
{
    if (n >= 8)
        return v;
    uint64_t top = 1ull << (8 * n - 1);
    v &= (top << 1) - 1;
    return sgn ? (v ^ top) - top : v;
}

/* --- fast paths --- */

/* Full-warp vector loads into registers as wide as the elements (ld.v2/.v4 of b32/f32/b64,
 * the inner loops of tiled matrix products): one fixed-size copy per lane from ADDR(l), or one
 * read for all lanes when they share an address (a broadcast).  Sets sig for poll detection. */
#define LD_VEC(T, N, ADDR)                                                                    \
    do {                                                                                      \
        T r_[N][ENG_LANES], v_[N];                                                            \
        int same_ = 1;                                                                        \
        for (int l = 1; l < ENG_LANES; l++)                                                   \
            same_ &= (ADDR(l)) == (ADDR(0));                                                  \
        if (same_) {                                                                          \
            memcpy(v_, (ADDR(0)), sizeof v_);                                                 \
            for (unsigned i = 0; i < (N); i++)                                                \
                for (int l = 0; l < ENG_LANES; l++)                                           \
                    r_[i][l] = v_[i];                                                         \
        } else {                                                                              \
            for (int l = 0; l < ENG_LANES; l++) {                                             \
                memcpy(v_, (ADDR(l)), sizeof v_);                                             \
                for (unsigned i = 0; i < (N); i++)                                            \
                    r_[i][l] = v_[i];                                                         \
            }                                                                                 \
        }                                                                                     \
        const eng_vslots *vs_ = &w->blk->mod->vslots[in->c];                                  \
        for (unsigned i = 0; i < (N); i++)                                                    \
            memcpy(w->regs + vs_->s[i], r_[i], sizeof r_[i]);                                 \
        sig = (uint64_t)r_[0][0] ^ (uint64_t)r_[(N)-1][ENG_LANES - 1];                        \
    } while (0)

/* ...and the stores: element i of lane l from its register to ADDR(l) + i * sizeof(T). */
#define ST_VEC(T, N, ADDR)                                                                    \
    do {                                                                                      \
        const eng_vslots *vs_ = &w->blk->mod->vslots[in->c];                                  \
        T s_[N][ENG_LANES];                                                                   \
        for (unsigned i = 0; i < (N); i++)                                                    \
            memcpy(s_[i], w->regs + vs_->s[i], sizeof s_[i]);                                 \
        for (int l = 0; l < ENG_LANES; l++) {                                                 \
            T v_[N];                                                                          \
            for (unsigned i = 0; i < (N); i++)                                                \
                v_[i] = s_[i][l];                                                             \
            memcpy((ADDR(l)), v_, sizeof v_);                                                 \
        }                                                                                     \
    } while (0)

/* The same for the lanes of m only, through checked per-lane pointers p[l]. */
#define LD_VEC_LANES(T, N)                                                                    \
    do {                                                                                      \
        T r_[N][ENG_LANES];                                                                   \
        for (uint32_t mm_ = m; mm_; mm_ &= mm_ - 1) {                                         \
            int l = eng_ctz(mm_);                                                             \
            T v_[N];                                                                          \
            memcpy(v_, p[l], sizeof v_);                                                      \
            for (unsigned i = 0; i < (N); i++)                                                \
                r_[i][l] = v_[i];                                                             \
        }                                                                                     \
        const eng_vslots *vs_ = &w->blk->mod->vslots[in->c];                                  \
        for (unsigned i = 0; i < (N); i++)                                                    \
            eng_store_w(w->regs + vs_->s[i], (const uint8_t *)r_[i], m, sizeof(T));           \
    } while (0)

#define ST_VEC_LANES(T, N)                                                                    \
    do {                                                                                      \
        const eng_vslots *vs_ = &w->blk->mod->vslots[in->c];                                  \
        for (uint32_t mm_ = m; mm_; mm_ &= mm_ - 1) {                                         \
            int l = eng_ctz(mm_);                                                             \
            T v_[N];                                                                          \
            for (unsigned i = 0; i < (N); i++)                                                \
                memcpy(&v_[i], w->regs + vs_->s[i] + (size_t)l * sizeof(T), sizeof(T));       \
            memcpy(p[l], v_, sizeof v_);                                                      \
        }                                                                                     \
    } while (0)

#define SHARED_AT(l) (sp_p[l])
#define GLOBAL_AT(l) ((void *)(uintptr_t)(A[l] + off))


/* Are all 32 lanes inside the cached allocation and aligned? */
#define ALL_IN_RANGE(A, off, rc, size, ok)                                       \
    do {                                                                         \
        uint64_t lo_ = (rc)->lo, span_ = (rc)->hi - (rc)->lo;                    \
        ok = span_ >= (size);                                                    \
        span_ -= (size);                                                         \
        uint64_t bad_ = 0;                                                       \
        for (int l = 0; l < ENG_LANES; l++) {                                    \
            uint64_t a_ = (A)[l] + (off);                                        \
            bad_ |= (uint64_t)((a_ - lo_) > span_) | (a_ & ((size) - 1));        \
        }                                                                        \
        ok = ok && !bad_;                                                        \
    } while (0)

/* The same for the lanes of a partial warp (divergent code, the tail of a grid). */
#define LANES_IN_RANGE(A, off, rc, size, m, ok)                                  \
    do {                                                                         \
        uint64_t lo_ = (rc)->lo, span_ = (rc)->hi - (rc)->lo;                    \
        ok = span_ >= (size);                                                    \
        span_ -= (size);                                                         \
        uint64_t bad_ = 0;                                                       \
        for (uint32_t mm_ = (m); mm_; mm_ &= mm_ - 1) {                          \
            uint64_t a_ = (A)[eng_ctz(mm_)] + (off);                             \
            bad_ |= (uint64_t)((a_ - lo_) > span_) | (a_ & ((size) - 1));        \
        }                                                                        \
        ok = ok && !bad_;                                                        \
    } while (0)

/* One lane loop per (memory type, register type): M is the memory type, R the register's. */
#define LDG_LOOP(M, R)                                                                    \
    do {                                                                                  \
        R r_[ENG_LANES];                                                                  \
        for (int l = 0; l < ENG_LANES; l++) {                                             \
            M v_;                                                                         \
            memcpy(&v_, (const void *)(uintptr_t)(A[l] + off), sizeof(M));                \
            r_[l] = (R)v_;                                                                \
        }                                                                                 \
        memcpy(w->regs + slot, r_, sizeof r_);                                            \
    } while (0)

/* Load element i (of n) of every lane into `slot`; the addresses were checked. */
static int ld_elem(eng_warp *w, const uint64_t *A, uint64_t off, uint32_t slot, unsigned es, unsigned rw, int sgn)
{
    switch (es << 8 | rw << 1 | sgn) {
    case 1 << 8 | 2 << 1: LDG_LOOP(uint8_t, uint16_t); return 1;
    case 1 << 8 | 2 << 1 | 1: LDG_LOOP(int8_t, int16_t); return 1;
    case 1 << 8 | 4 << 1: LDG_LOOP(uint8_t, uint32_t); return 1;
    case 1 << 8 | 4 << 1 | 1: LDG_LOOP(int8_t, int32_t); return 1;
    case 1 << 8 | 8 << 1: LDG_LOOP(uint8_t, uint64_t); return 1;
    case 1 << 8 | 8 << 1 | 1: LDG_LOOP(int8_t, int64_t); return 1;
    case 2 << 8 | 2 << 1:
    case 2 << 8 | 2 << 1 | 1: LDG_LOOP(uint16_t, uint16_t); return 1;
    case 2 << 8 | 4 << 1: LDG_LOOP(uint16_t, uint32_t); return 1;
    case 2 << 8 | 4 << 1 | 1: LDG_LOOP(int16_t, int32_t); return 1;
    case 2 << 8 | 8 << 1: LDG_LOOP(uint16_t, uint64_t); return 1;
    case 2 << 8 | 8 << 1 | 1: LDG_LOOP(int16_t, int64_t); return 1;
    case 4 << 8 | 4 << 1:
    case 4 << 8 | 4 << 1 | 1: LDG_LOOP(uint32_t, uint32_t); return 1;
    case 4 << 8 | 8 << 1: LDG_LOOP(uint32_t, uint64_t); return 1;
    case 4 << 8 | 8 << 1 | 1: LDG_LOOP(int32_t, int64_t); return 1;
    case 8 << 8 | 8 << 1:
    case 8 << 8 | 8 << 1 | 1: LDG_LOOP(uint64_t, uint64_t); return 1;
    default: return 0;
    }
}

/* Full-warp loads (global, const, or generic addresses in the cached global allocation) of
 * n elements per lane, with no per-lane checks. */
static int ld_global_fast(eng_warp *w, const eng_insn *in, unsigned es, unsigned n, unsigned rw, int sgn)
{
    const uint64_t *A = ENG_SLOT(const uint64_t, w, in->a);
    uint64_t off = (uint64_t)in->imm;
    int ok;
    ALL_IN_RANGE(A, off, &w->ranges[in->x], es * n, ok);
    if (!ok)
        return 0;
    if (n == 1)
        return ld_elem(w, A, off, in->d, es, rw, sgn);
    const eng_vslots *vs = &w->blk->mod->vslots[in->c];
    for (unsigned i = 0; i < n; i++) /* an element overwriting the address: the slow path */
        if (vs->s[i] == in->a)
            return 0;
    if (es == rw) {
        uint64_t sig;
        switch (es << 4 | n) {
        case 4 << 4 | 2: LD_VEC(uint32_t, 2, GLOBAL_AT); return 1;
        case 4 << 4 | 4: LD_VEC(uint32_t, 4, GLOBAL_AT); return 1;
        case 8 << 4 | 2: LD_VEC(uint64_t, 2, GLOBAL_AT); return 1;
        default: break;
        }
        (void)sig;
    }
    for (unsigned i = 0; i < n; i++)
        if (!ld_elem(w, A, off + i * es, vs->s[i], es, rw, sgn))
            return 0;
    return 1;
}

/* The store side: element sizes 1-8 from registers at least that wide. */
static int st_global_fast(eng_warp *w, const eng_insn *in, unsigned es, unsigned n, unsigned rw)
{
    const uint64_t *A = ENG_SLOT(const uint64_t, w, in->a);
    uint64_t off = (uint64_t)in->imm;
    int ok;
    ALL_IN_RANGE(A, off, &w->ranges[in->x], es * n, ok);
    if (!ok)
        return 0;
    if (n > 1 && es == rw) {
        switch (es << 4 | n) {
        case 4 << 4 | 2: ST_VEC(uint32_t, 2, GLOBAL_AT); return 1;
        case 4 << 4 | 4: ST_VEC(uint32_t, 4, GLOBAL_AT); return 1;
        case 8 << 4 | 2: ST_VEC(uint64_t, 2, GLOBAL_AT); return 1;
        default: break;
        }
    }
    for (unsigned i = 0; i < n; i++) {
        const uint8_t *src = w->regs + (n == 1 ? in->d : w->blk->mod->vslots[in->c].s[i]);
        uint64_t eoff = off + i * es;
        for (int l = 0; l < ENG_LANES; l++) /* little-endian: the low bytes of the register */
            memcpy((void *)(uintptr_t)(A[l] + eoff), src + (size_t)l * rw, es);
    }
    return 1;
}

#define DEF_LDG(bits, T)                                                                  \
    ENG_H(h_ldg_##bits)                                                                   \
    {                                                                                     \
        const uint64_t *A = ENG_SLOT(const uint64_t, w, in->a);                           \
        uint64_t off = (uint64_t)in->imm;                                                 \
        T r[ENG_LANES];                                                                   \
        int ok = 0;                                                                       \
        if (m == ENG_FULL) {                                                              \
            ALL_IN_RANGE(A, off, &w->ranges[in->x], sizeof(T), ok);                       \
            if (ok)                                                                       \
                for (int l = 0; l < ENG_LANES; l++)                                       \
                    memcpy(&r[l], (const void *)(uintptr_t)(A[l] + off), sizeof(T));     \
        } else {                                                                          \
            LANES_IN_RANGE(A, off, &w->ranges[in->x], sizeof(T), m, ok);                  \
            if (ok)                                                                       \
                for (uint32_t mm = m; mm; mm &= mm - 1)                                   \
                    memcpy(&r[eng_ctz(mm)], (const void *)(uintptr_t)(A[eng_ctz(mm)] + off), sizeof(T)); \
        }                                                                                 \
        if (!ok) {                                                                        \
            uint8_t *p[ENG_LANES];                                                        \
            if (eng_resolve(w, in, m, sizeof(T), 0, p) != ENG_OK)                         \
                return ENG_FAULT;                                                         \
            for (uint32_t mm = m; mm; mm &= mm - 1)                                       \
                memcpy(&r[eng_ctz(mm)], p[eng_ctz(mm)], sizeof(T));                      \
        }                                                                                 \
        eng_store_w(w->regs + in->d, r, m, sizeof(T));                                    \
        return ENG_OK;                                                                    \
    }                                                                                     \
    ENG_H(h_stg_##bits)                                                                   \
    {                                                                                     \
        const uint64_t *A = ENG_SLOT(const uint64_t, w, in->a);                           \
        const T *S = ENG_SLOT(const T, w, in->d);                                         \
        uint64_t off = (uint64_t)in->imm;                                                 \
        int ok = 0;                                                                       \
        if (m == ENG_FULL) {                                                              \
            ALL_IN_RANGE(A, off, &w->ranges[in->x], sizeof(T), ok);                       \
            if (ok) {                                                                     \
                for (int l = 0; l < ENG_LANES; l++)                                       \
                    memcpy((void *)(uintptr_t)(A[l] + off), &S[l], sizeof(T));            \
                return ENG_OK;                                                            \
            }                                                                             \
        } else {                                                                          \
            LANES_IN_RANGE(A, off, &w->ranges[in->x], sizeof(T), m, ok);                  \
            if (ok) {                                                                     \
                for (uint32_t mm = m; mm; mm &= mm - 1)                                   \
                    memcpy((void *)(uintptr_t)(A[eng_ctz(mm)] + off), &S[eng_ctz(mm)], sizeof(T)); \
                return ENG_OK;                                                            \
            }                                                                             \
        }                                                                                 \
        uint8_t *p[ENG_LANES];                                                            \
        if (eng_resolve(w, in, m, sizeof(T), 1, p) != ENG_OK)                             \
            return ENG_FAULT;                                                             \
        for (uint32_t mm = m; mm; mm &= mm - 1)                                           \
            memcpy(p[eng_ctz(mm)], &S[eng_ctz(mm)], sizeof(T));                           \
        return ENG_OK;                                                                    \
    }
/* A full-warp global load of one element per lane, all inside the cached allocation: the
 * common case of every ld.global form, without per-lane checks. */
/* Full-warp shared-memory accesses of any size and address width: host addresses for all
 * lanes after one bounds check, or 0 when some lane is out of bounds or misaligned. */
static int shared_addrs(eng_warp *w, const eng_insn *in, unsigned size, uint8_t **p)
{
    uint64_t lim = w->blk->smem_size, bad = 0;
    if (lim < size)
        return 0;
    lim -= size;
    uint8_t *base = w->blk->smem;
    uint64_t off = (uint64_t)in->imm;
    if (in->mode & ENG_M_BASE32) { /* one straight loop per address width: they vectorise */
        const uint32_t *A = ENG_SLOT(const uint32_t, w, in->a);
        for (int l = 0; l < ENG_LANES; l++) {
            uint64_t a = (uint64_t)A[l] + off;
            bad |= (uint64_t)(a > lim) | (a & (size - 1));
            p[l] = base + (a <= lim ? a : 0);
        }
    } else {
        const uint64_t *A = ENG_SLOT(const uint64_t, w, in->a);
        for (int l = 0; l < ENG_LANES; l++) {
            uint64_t a = A[l] + off;
            bad |= (uint64_t)(a > lim) | (a & (size - 1));
            p[l] = base + (a <= lim ? a : 0);
        }
    }
    return !bad;
}

static int lds_vec(eng_warp *w, const eng_insn *in, uint8_t **sp_p, unsigned es, unsigned n, uint64_t *sigp)
{
    uint64_t sig;
    switch (es << 4 | n) {
    case 4 << 4 | 2: LD_VEC(uint32_t, 2, SHARED_AT); break;
    case 4 << 4 | 4: LD_VEC(uint32_t, 4, SHARED_AT); break;
    case 8 << 4 | 2: LD_VEC(uint64_t, 2, SHARED_AT); break;
    default: return 0;
    }
    *sigp = sig;
    return 1;
}

static int sts_vec(eng_warp *w, const eng_insn *in, uint8_t **sp_p, unsigned es, unsigned n)
{
    switch (es << 4 | n) {
    case 4 << 4 | 2: ST_VEC(uint32_t, 2, SHARED_AT); return 1;
    case 4 << 4 | 4: ST_VEC(uint32_t, 4, SHARED_AT); return 1;
    case 8 << 4 | 2: ST_VEC(uint64_t, 2, SHARED_AT); return 1;
    default: return 0;
    }
}

/* Generic addresses that all lie in the block's shared memory, or all in the lanes' own local
 * areas (a -G build reaches every local and shared variable through generic pointers): 1 and
 * the host pointers, else 0 and the general path decides (mixed, global, or a fault). */
static int generic_fast_ptrs(eng_warp *w, const eng_insn *in, uint32_t m, unsigned es, uint8_t **p)
{
    if (in->mode & ENG_M_BASE32)
        return 0;
    const uint64_t *A = ENG_SLOT(const uint64_t, w, in->a);
    uint64_t smem = (uint64_t)(uintptr_t)w->blk->smem, ssize = w->blk->smem_size, bad = 0;
    uint64_t first = A[eng_ctz(m)] + (uint64_t)in->imm;
    if (ssize >= es && first - smem < ssize) {
        if (m == ENG_FULL) { /* the same check as a straight loop, which vectorises */
            for (int l = 0; l < ENG_LANES; l++) {
                uint64_t a = A[l] + (uint64_t)in->imm;
                bad |= (uint64_t)(a - smem > ssize - es) | (a & (es - 1));
                p[l] = (uint8_t *)(uintptr_t)a;
            }
            return !bad;
        }
        for (uint32_t mm = m; mm; mm &= mm - 1) {
            int l = eng_ctz(mm);
            uint64_t a = A[l] + (uint64_t)in->imm;
            bad |= (uint64_t)(a - smem > ssize - es) | (a & (es - 1));
            p[l] = (uint8_t *)(uintptr_t)a;
        }
        return !bad;
    }
    uint64_t stride = w->local_stride;
    if (!w->local || stride < es)
        return 0;
    uint64_t base = (uint64_t)(uintptr_t)w->local, lim = stride - es;
    if (m == ENG_FULL) {
        for (int l = 0; l < ENG_LANES; l++) {
            uint64_t a = A[l] + (uint64_t)in->imm, off = a - (base + (uint64_t)l * stride);
            bad |= (uint64_t)(off > lim) | (a & (es - 1));
            p[l] = (uint8_t *)(uintptr_t)a;
        }
        return !bad;
    }
    for (uint32_t mm = m; mm; mm &= mm - 1) {
        int l = eng_ctz(mm);
        uint64_t a = A[l] + (uint64_t)in->imm, off = a - (base + (uint64_t)l * stride);
        bad |= (uint64_t)(off > lim) | (a & (es - 1));
        p[l] = (uint8_t *)(uintptr_t)a;
    }
    return !bad;
}

/* A full warp's loads of es bytes from host addresses p.  Each half-warp of a -G build's
 * tile code reads one variable (a broadcast) or consecutive elements (a row) more often than
 * not, and those are one load or one copy. */
static void gather_full(uint8_t *d, uint8_t *const *p, unsigned es)
{
    const int half = ENG_LANES / 2;
    uintptr_t h0 = (uintptr_t)p[0], h1 = (uintptr_t)p[half], con0 = 0, con1 = 0, uni0 = 0, uni1 = 0;
    for (int l = 0; l < half; l++) {
        con0 |= (uintptr_t)p[l] ^ (h0 + (uintptr_t)l * es);
        con1 |= (uintptr_t)p[l + half] ^ (h1 + (uintptr_t)l * es);
        uni0 |= (uintptr_t)p[l] ^ h0;
        uni1 |= (uintptr_t)p[l + half] ^ h1;
    }
    if (es == 4 && (!con0 || !uni0) && (!con1 || !uni1)) {
        uint32_t r[ENG_LANES];
        for (int hw = 0; hw < 2; hw++) {
            const uint8_t *src = p[hw * half];
            uint32_t *dst = r + hw * half;
            if (hw ? !uni1 : !uni0) {
                uint32_t v;
                memcpy(&v, src, 4);
                for (int l = 0; l < half; l++)
                    dst[l] = v;
            } else {
                memcpy(dst, src, 4 * (size_t)half);
            }
        }
        memcpy(d, r, sizeof r);
    } else if (!con0 && !con1 && h1 == h0 + (uintptr_t)half * es) {
        memcpy(d, p[0], (size_t)es * ENG_LANES);
    } else if (es == 4) {
        for (int l = 0; l < ENG_LANES; l++)
            memcpy(d + (size_t)l * 4, p[l], 4);
    } else {
        for (int l = 0; l < ENG_LANES; l++)
            memcpy(d + (size_t)l * 8, p[l], 8);
    }
}

/* What a polled load of a full warp read, to tell an unchanged flag from a changed one: sums
 * and parities rather than a chained hash, so that the loop vectorises (a collision only
 * delays a spinning warp's next turn). */
static uint64_t poll_sig(const uint8_t *r, unsigned es)
{
    uint64_t sum = 0, par = 0;
    if (es == 4) {
        uint32_t v[ENG_LANES];
        memcpy(v, r, sizeof v);
        for (int l = 0; l < ENG_LANES; l++) {
            sum += v[l];
            par ^= v[l];
        }
    } else {
        uint64_t v[ENG_LANES];
        memcpy(v, r, sizeof v);
        for (int l = 0; l < ENG_LANES; l++) {
            sum += v[l];
            par ^= v[l];
        }
    }
    return sum * 0x100000001b3ull ^ par;
}

/* Loads and stores of one 4- or 8-byte element through a generic address, plain (not polled:
 * a volatile or relaxed shared-memory load keeps the general path's spin detection). */
static int generic_plain(const eng_insn *in, unsigned es, unsigned n, unsigned rw)
{
    return (in->mode & ENG_M_SPACE) == ENG_SP_GENERIC && n == 1 && es == rw && (es == 4 || es == 8) &&
           !(in->mode & (ENG_M_ORDERED | ENG_M_ACQREL | ENG_M_POLL));
}

ENG_H(h_ld)
{
    unsigned es = M2_ESIZE(in->mode2), n = M2_N(in->mode2), rw = M2_RW(in->mode2);
    int sgn = (in->mode & ENG_M_SIGN) != 0;
    unsigned sp = in->mode & ENG_M_SPACE;
    uint8_t *sp_p[ENG_LANES];
    if (m == ENG_FULL && sp == ENG_SP_SHARED && shared_addrs(w, in, es * n, sp_p)) {
        uint64_t sig = 0;
        if (n == 1 && es == rw && (es == 4 || es == 8)) { /* volatile shared (warp scans) */
            gather_full(w->regs + in->d, sp_p, es);
            if (in->mode & ENG_M_POLL)
                eng_note_poll(w, in, poll_sig(w->regs + in->d, es));
            return ENG_OK;
        }
        if (n > 1 && es == rw && lds_vec(w, in, sp_p, es, n, &sig)) {
            if (in->mode & ENG_M_POLL)
                eng_note_poll(w, in, sig);
            return ENG_OK;
        }
        for (unsigned i = 0; i < n; i++) {
            uint32_t slot = n == 1 ? in->d : w->blk->mod->vslots[in->c].s[i];
            uint8_t r[8 * ENG_LANES];
            for (int l = 0; l < ENG_LANES; l++) {
                uint64_t v = extend(load_n(sp_p[l] + i * es, es, 0), es, sgn);
                memcpy(r + (size_t)l * rw, &v, 8 < rw ? 8 : rw);
                sig = sig * 0x100000001b3ull ^ v;
            }
            memcpy(w->regs + slot, r, (size_t)rw * ENG_LANES);
        }
        if (in->mode & ENG_M_POLL)
            eng_note_poll(w, in, sig);
        return ENG_OK;
    }
    if (m == ENG_FULL && (sp == ENG_SP_GLOBAL || sp == ENG_SP_CONST || sp == ENG_SP_GENERIC) &&
        !(in->mode & (ENG_M_ORDERED | ENG_M_ACQREL | ENG_M_BASE32)) && ld_global_fast(w, in, es, n, rw, sgn))
        return ENG_OK;
    uint8_t *p[ENG_LANES];
    if (generic_plain(in, es, n, rw) && generic_fast_ptrs(w, in, m, es, p)) {
        uint8_t *d = w->regs + in->d;
        if (m == ENG_FULL)
            gather_full(d, p, es);
        else if (es == 4)
            for (uint32_t mm = m; mm; mm &= mm - 1)
                memcpy(d + (size_t)eng_ctz(mm) * 4, p[eng_ctz(mm)], 4);
        else
            for (uint32_t mm = m; mm; mm &= mm - 1)
                memcpy(d + (size_t)eng_ctz(mm) * 8, p[eng_ctz(mm)], 8);
        return ENG_OK;
    }
    if (eng_resolve(w, in, m, es * n, 0, p) != ENG_OK)
        return ENG_FAULT;
    if (n > 1 && (in->mode & (ENG_M_ORDERED | ENG_M_ACQREL))) {
        uint8_t r[4][8 * ENG_LANES];
        uint64_t sig = m;
        for (uint32_t mm = m; mm; mm &= mm - 1) {
            int l = eng_ctz(mm);
            uint8_t buf[32];
            load_wide(p[l], es * n, in->mode, buf);
            for (unsigned i = 0; i < n; i++) {
                uint64_t v = extend(load_n(buf + i * es, es, 0), es, sgn);
                memcpy(r[i] + (size_t)l * rw, &v, rw);
                sig = sig * 0x100000001b3ull ^ v;
            }
        }
        eng_note_poll(w, in, sig);
        for (unsigned i = 0; i < n; i++)
            eng_store_w(w->regs + w->blk->mod->vslots[in->c].s[i], r[i], m, rw);
        return ENG_OK;
    }
    if (n > 1 && es == rw && !(in->mode & ENG_M_POLL)) {
        switch (es << 4 | n) {
        case 4 << 4 | 2: LD_VEC_LANES(uint32_t, 2); return ENG_OK;
        case 4 << 4 | 4: LD_VEC_LANES(uint32_t, 4); return ENG_OK;
        case 8 << 4 | 2: LD_VEC_LANES(uint64_t, 2); return ENG_OK;
        default: break;
        }
    }
    uint64_t sig = m;
    for (unsigned i = 0; i < n; i++) {
        uint32_t slot = n == 1 ? in->d : w->blk->mod->vslots[in->c].s[i];
        uint8_t r[8 * ENG_LANES];
        for (uint32_t mm = m; mm; mm &= mm - 1) {
            int l = eng_ctz(mm);
            uint64_t v = extend(load_n(p[l] + i * es, es, in->mode), es, sgn);
            memcpy(r + (size_t)l * rw, &v, rw);
            sig = sig * 0x100000001b3ull ^ v;
        }
        eng_store_w(w->regs + slot, r, m, rw);
    }
    if (in->mode & (ENG_M_ORDERED | ENG_M_ACQREL | ENG_M_POLL))
        eng_note_poll(w, in, sig);
    return ENG_OK;
}

ENG_H(h_st)
{
    unsigned es = M2_ESIZE(in->mode2), n = M2_N(in->mode2), rw = M2_RW(in->mode2);
    unsigned sp = in->mode & ENG_M_SPACE;
    uint8_t *sp_p[ENG_LANES];
    if (m == ENG_FULL && sp == ENG_SP_SHARED && shared_addrs(w, in, es * n, sp_p)) {
        if (n > 1 && es == rw && sts_vec(w, in, sp_p, es, n))
            return ENG_OK;
        for (unsigned i = 0; i < n; i++) {
            const uint8_t *src = w->regs + (n == 1 ? in->d : w->blk->mod->vslots[in->c].s[i]);
            for (int l = 0; l < ENG_LANES; l++)
                memcpy(sp_p[l] + i * es, src + (size_t)l * rw, es);
        }
        return ENG_OK;
    }
    if (m == ENG_FULL && (sp == ENG_SP_GLOBAL || sp == ENG_SP_GENERIC) &&
        !(in->mode & (ENG_M_ORDERED | ENG_M_ACQREL | ENG_M_BASE32)) && st_global_fast(w, in, es, n, rw))
        return ENG_OK;
    uint8_t *p[ENG_LANES];
    if (generic_plain(in, es, n, rw) && generic_fast_ptrs(w, in, m, es, p)) {
        const uint8_t *src = w->regs + in->d;
        if (es == 4) /* a constant size: one move per lane, not a call */
            for (uint32_t mm = m; mm; mm &= mm - 1)
                memcpy(p[eng_ctz(mm)], src + (size_t)eng_ctz(mm) * 4, 4);
        else
            for (uint32_t mm = m; mm; mm &= mm - 1)
                memcpy(p[eng_ctz(mm)], src + (size_t)eng_ctz(mm) * 8, 8);
        return ENG_OK;
    }
    if (eng_resolve(w, in, m, es * n, 1, p) != ENG_OK)
        return ENG_FAULT;
    if (n > 1 && (in->mode & (ENG_M_ORDERED | ENG_M_ACQREL))) {
        for (uint32_t mm = m; mm; mm &= mm - 1) {
            int l = eng_ctz(mm);
            uint8_t buf[32];
            for (unsigned i = 0; i < n; i++) /* little-endian: the low bytes of each register */
                memcpy(buf + i * es, w->regs + w->blk->mod->vslots[in->c].s[i] + (size_t)l * rw, es);
            store_wide(p[l], es * n, in->mode, buf);
        }
        return ENG_OK;
    }
    if (n > 1 && es == rw) {
        switch (es << 4 | n) {
        case 4 << 4 | 2: ST_VEC_LANES(uint32_t, 2); return ENG_OK;
        case 4 << 4 | 4: ST_VEC_LANES(uint32_t, 4); return ENG_OK;
        case 8 << 4 | 2: ST_VEC_LANES(uint64_t, 2); return ENG_OK;
        default: break;
        }
    }
    for (unsigned i = 0; i < n; i++) {
        uint32_t slot = n == 1 ? in->d : w->blk->mod->vslots[in->c].s[i];
        const uint8_t *src = w->regs + slot;
        for (uint32_t mm = m; mm; mm &= mm - 1) {
            int l = eng_ctz(mm);
            uint64_t v = 0;
            memcpy(&v, src + (size_t)l * rw, rw < 8 ? rw : 8);
            store_n(p[l] + i * es, v, es, in->mode);
        }
    }
    return ENG_OK;
}

DEF_LDG(32, uint32_t)
DEF_LDG(64, uint64_t)

/* Local memory (a function's frame, call arguments, -G builds' variables) of 4- and 8-byte
 * elements from registers as wide: each lane's area is w->local_stride bytes, so the lanes'
 * addresses are offsets into their own areas.  An address the checks refuse takes the general
 * path, which reports the fault. */
static int local_ptrs(eng_warp *w, const eng_insn *in, uint32_t m, unsigned es, uint8_t **p)
{
    uint64_t fb = (in->mode & ENG_M_FRAME) ? eng_cur(w)->local_base : 0, stride = w->local_stride;
    if (!w->local || stride < es)
        return 0;
    uint64_t off = (uint64_t)in->imm + fb, bad = 0, lim = stride - es;
    if (in->a == ENG_F_ZERO) { /* one offset for every lane: call arguments, frame slots */
        if (off > lim || (off & (es - 1)))
            return 0;
        for (uint32_t mm = m; mm; mm &= mm - 1)
            p[eng_ctz(mm)] = w->local + (size_t)eng_ctz(mm) * stride + off;
        return 1;
    }
    for (uint32_t mm = m; mm; mm &= mm - 1) {
        int l = eng_ctz(mm);
        uint64_t a = ((in->mode & ENG_M_BASE32) ? ENG_SLOT(const uint32_t, w, in->a)[l]
                                                 : ENG_SLOT(const uint64_t, w, in->a)[l]) + off;
        bad |= (uint64_t)(a > lim) | (a & (es - 1));
        p[l] = w->local + (size_t)l * stride + a;
    }
    return !bad;
}

ENG_H(h_ldl)
{
    unsigned es = M2_ESIZE(in->mode2);
    uint8_t *p[ENG_LANES];
    if (!local_ptrs(w, in, m, es, p))
        return h_ld(w, in, m);
    uint8_t *d = w->regs + in->d;
    for (uint32_t mm = m; mm; mm &= mm - 1) {
        int l = eng_ctz(mm);
        memcpy(d + (size_t)l * es, p[l], es);
    }
    return ENG_OK;
}

ENG_H(h_stl)
{
    unsigned es = M2_ESIZE(in->mode2);
    uint8_t *p[ENG_LANES];
    if (!local_ptrs(w, in, m, es, p))
        return h_st(w, in, m);
    const uint8_t *s = w->regs + in->d;
    for (uint32_t mm = m; mm; mm &= mm - 1) {
        int l = eng_ctz(mm);
        memcpy(p[l], s + (size_t)l * es, es);
    }
    return ENG_OK;
}

/* shared memory through a 32-bit offset register.  A warp often reads one address (a
 * broadcast) or consecutive ones; those become one load or one copy. */
#define DEF_LDS(bits, T)                                                                  \
    ENG_H(h_lds_##bits)                                                                   \
    {                                                                                     \
        const uint32_t *A = ENG_SLOT(const uint32_t, w, in->a);                           \
        uint32_t off = (uint32_t)in->imm, size = w->blk->smem_size;                       \
        const uint8_t *base = w->blk->smem;                                               \
        T r[ENG_LANES];                                                                   \
        if (m == ENG_FULL && size >= 16 * sizeof(T)) {                                    \
            /* per half-warp: one address (broadcast) or consecutive addresses (copy) */     \
            uint32_t bad = 0, h0 = A[0] + off, h1 = A[16] + off;                          \
            uint32_t con0 = 0, con1 = 0, uni0 = 0, uni1 = 0;                              \
            for (int l = 0; l < 16; l++) {                                                \
                uint32_t a = A[l] + off, b = A[l + 16] + off;                             \
                bad |= (uint32_t)(a > size - (uint32_t)(16 * sizeof(T))) |                \
                       (uint32_t)(b > size - (uint32_t)(16 * sizeof(T))) |                \
                       ((a | b) & (uint32_t)(sizeof(T) - 1));                             \
                con0 |= a ^ (h0 + (uint32_t)(l * sizeof(T)));                             \
                con1 |= b ^ (h1 + (uint32_t)(l * sizeof(T)));                             \
                uni0 |= a ^ h0;                                                           \
                uni1 |= b ^ h1;                                                           \
            }                                                                             \
            if (!bad && (!con0 || !uni0) && (!con1 || !uni1)) {                           \
                if (!uni0) {                                                              \
                    T v;                                                                  \
                    memcpy(&v, base + h0, sizeof(T));                                     \
                    for (int l = 0; l < 16; l++)                                          \
                        r[l] = v;                                                         \
                } else {                                                                  \
                    memcpy(r, base + h0, 16 * sizeof(T));                                 \
                }                                                                         \
                if (!uni1) {                                                              \
                    T v;                                                                  \
                    memcpy(&v, base + h1, sizeof(T));                                     \
                    for (int l = 16; l < 32; l++)                                         \
                        r[l] = v;                                                         \
                } else {                                                                  \
                    memcpy(r + 16, base + h1, 16 * sizeof(T));                            \
                }                                                                         \
                memcpy(w->regs + in->d, r, sizeof r);                                     \
                return ENG_OK;                                                            \
            }                                                                             \
        }                                                                                 \
        if (m == ENG_FULL && size >= sizeof(T)) {                                         \
            uint32_t bad = 0;                                                             \
            for (int l = 0; l < ENG_LANES; l++) {                                         \
                uint32_t a = A[l] + off;                                                  \
                bad |= (uint32_t)(a > size - (uint32_t)sizeof(T)) | (a & (uint32_t)(sizeof(T) - 1)); \
            }                                                                             \
            if (!bad) {                                                                   \
                for (int l = 0; l < ENG_LANES; l++)                                       \
                    memcpy(&r[l], base + (uint32_t)(A[l] + off), sizeof(T));                          \
                memcpy(w->regs + in->d, r, sizeof r);                                     \
                return ENG_OK;                                                            \
            }                                                                             \
        }                                                                                 \
        uint8_t *p[ENG_LANES];                                                            \
        if (eng_resolve(w, in, m, sizeof(T), 0, p) != ENG_OK)                             \
            return ENG_FAULT;                                                             \
        for (uint32_t mm = m; mm; mm &= mm - 1)                                           \
            memcpy(&r[eng_ctz(mm)], p[eng_ctz(mm)], sizeof(T));                           \
        eng_store_w(w->regs + in->d, r, m, sizeof(T));                                    \
        return ENG_OK;                                                                    \
    }                                                                                     \
    ENG_H(h_sts_##bits)                                                                   \
    {                                                                                     \
        const uint32_t *A = ENG_SLOT(const uint32_t, w, in->a);                           \
        const T *S = ENG_SLOT(const T, w, in->d);                                         \
        uint32_t off = (uint32_t)in->imm, size = w->blk->smem_size;                       \
        uint8_t *base = w->blk->smem;                                                     \
        if (m == ENG_FULL && size >= sizeof(T)) {                                         \
            uint32_t bad = 0;                                                             \
            for (int l = 0; l < ENG_LANES; l++) {                                         \
                uint32_t a = A[l] + off;                                                  \
                bad |= (uint32_t)(a > size - (uint32_t)sizeof(T)) | (a & (uint32_t)(sizeof(T) - 1)); \
            }                                                                             \
            if (!bad) {                                                                   \
                for (int l = 0; l < ENG_LANES; l++)                                       \
                    memcpy(base + (uint32_t)(A[l] + off), &S[l], sizeof(T));                          \
                return ENG_OK;                                                            \
            }                                                                             \
        }                                                                                 \
        for (uint32_t mm = m; mm; mm &= mm - 1) {                                         \
            int l = eng_ctz(mm);                                                          \
            uint32_t a = A[l] + off;                                                      \
            if ((uint64_t)a + sizeof(T) > size || (a & (sizeof(T) - 1)))                  \
                return eng_mem_fault(w, in, l, a, sizeof(T), 1, "shared");                \
            memcpy(base + a, &S[l], sizeof(T));                                           \
        }                                                                                 \
        return ENG_OK;                                                                    \
    }
DEF_LDS(32, uint32_t)
DEF_LDS(64, uint64_t)

/* ld.param of a kernel parameter at a constant offset: one read, every lane gets it */
ENG_H(h_ld_kparam)
{
    unsigned es = M2_ESIZE(in->mode2), rw = M2_RW(in->mode2);
    if ((uint64_t)in->imm + es > w->blk->k->params_bytes)
        return eng_mem_fault(w, in, eng_ctz(m), (uint64_t)in->imm, es, 0, "parameter");
    uint64_t v = extend(load_n(w->blk->job->params + in->imm, es, 0), es, (in->mode & ENG_M_SIGN) != 0);
    switch (rw) {
    case 8: {
        uint64_t r[ENG_LANES];
        for (int l = 0; l < ENG_LANES; l++)
            r[l] = v;
        eng_store64(w->regs + in->d, r, m);
        break;
    }
    case 4: {
        uint32_t r[ENG_LANES];
        for (int l = 0; l < ENG_LANES; l++)
            r[l] = (uint32_t)v;
        eng_store32(w->regs + in->d, r, m);
        break;
    }
    default: {
        uint16_t r[ENG_LANES];
        for (int l = 0; l < ENG_LANES; l++)
            r[l] = (uint16_t)v;
        eng_store16(w->regs + in->d, r, m);
        break;
    }
    }
    return ENG_OK;
}

/* --- address-space conversions --- */

/* mode: 0 identity, 1 shared->generic, 2 generic->shared, 3 local->generic, 4 generic->local,
 * 5 kernel parameter->generic, 6 generic->kernel parameter (eng_mem.h: kparam_generic); mode2:
 * source register width, c: destination width */
ENG_H(h_cvta)
{
    uint64_t r[ENG_LANES];
    const uint8_t *src = w->regs + in->a;
    for (int l = 0; l < ENG_LANES; l++) {
        uint64_t a;
        if (in->mode2 == 8)
            memcpy(&a, src + 8 * l, 8);
        else {
            uint32_t t;
            memcpy(&t, src + 4 * l, 4);
            a = t;
        }
        switch (in->mode) {
        case 1: a += (uint64_t)(uintptr_t)w->blk->smem; break;
        case 2: a -= (uint64_t)(uintptr_t)w->blk->smem; break;
        case 3: a += (uint64_t)(uintptr_t)(w->local + (size_t)l * w->local_stride); break;
        case 4: a -= (uint64_t)(uintptr_t)(w->local + (size_t)l * w->local_stride); break;
        case 5: a = kparam_generic(w->blk, a); break;
        case 6: a = in->c == 8 ? a : kparam_offset(w->blk, a); break; /* both forms are .param addresses */
        default: break;
        }
        r[l] = a;
    }
    if (in->c == 8) {
        eng_store64(w->regs + in->d, r, m);
    } else {
        uint32_t t[ENG_LANES];
        for (int l = 0; l < ENG_LANES; l++)
            t[l] = (uint32_t)r[l];
        eng_store32(w->regs + in->d, t, m);
    }
    return ENG_OK;
}

/* The 64-bit shared and local forms (modes 1 to 4) of every -G build's address arithmetic:
 * each lane's address moves by the window's base (the lane's own area for local), which the
 * compiler vectorises where the general handler's per-lane switch cannot be. */
ENG_H(h_cvta_window64)
{
    const uint64_t *A = ENG_SLOT(const uint64_t, w, in->a);
    int local = in->mode >= 3, to_window = !(in->mode & 1);
    uint64_t base = local ? (uint64_t)(uintptr_t)w->local : (uint64_t)(uintptr_t)w->blk->smem;
    uint64_t step = local ? (uint64_t)w->local_stride : 0;
    if (to_window) {
        base = 0 - base;
        step = 0 - step;
    }
    uint64_t r[ENG_LANES];
    for (int l = 0; l < ENG_LANES; l++)
        r[l] = A[l] + base + (uint64_t)l * step;
    eng_store64(w->regs + in->d, r, m);
    return ENG_OK;
}

ENG_H(h_copy64)
{
    eng_store64(w->regs + in->d, w->regs + in->a, m);
    return ENG_OK;
}
ENG_H(h_copy32)
{
    eng_store32(w->regs + in->d, w->regs + in->a, m);
    return ENG_OK;
}

/* isspacep: mode = eng_space of the question */
ENG_H(h_isspacep)
{
    const uint8_t *src = w->regs + in->a;
    uint32_t p = 0;
    eng_block *b = w->blk;
    for (uint32_t mm = m; mm; mm &= mm - 1) {
        int l = eng_ctz(mm);
        uint64_t a;
        if (in->mode2 == 8)
            memcpy(&a, src + 8 * l, 8);
        else {
            uint32_t t;
            memcpy(&t, src + 4 * l, 4);
            a = t;
        }
        uint64_t s = (uint64_t)(uintptr_t)b->smem;
        uint64_t lo = w->local ? (uint64_t)(uintptr_t)(w->local + (size_t)l * w->local_stride) : 0;
        int is_shared = a - s < b->smem_size;
        int is_local = w->local && a - lo < w->local_stride;
        int yes;
        switch (in->mode) {
        case ENG_SP_SHARED: yes = is_shared; break;
        case ENG_SP_LOCAL: yes = is_local; break;
        case ENG_SP_KPARAM: yes = a - (uint64_t)(uintptr_t)b->job->params < b->k->params_bytes; break;
        default: {
            eng_range r;
            yes = !is_shared && !is_local && eng_find_global(w, a, 1, &r);
            break;
        }
        }
        p |= (uint32_t)yes << l;
    }
    eng_set_pred(w, in->d, p, m);
    return ENG_OK;
}

ENG_H(h_nop)
{
    (void)w;
    (void)in;
    (void)m;
    return ENG_OK;
}

ENG_H(h_policy)
{
    uint64_t r[ENG_LANES];
    memset(r, 0, sizeof r);
    eng_store64(w->regs + in->d, r, m);
    return ENG_OK;
}

/* --- lowering --- */

int eng_space_of(const ptx_insn *pi)
{
    if (eng_has(pi, PTX_MOD_GLOBAL))
        return ENG_SP_GLOBAL;
    if (eng_has(pi, PTX_MOD_SHARED) || eng_has(pi, PTX_MOD_SHARED_CTA) || eng_has(pi, PTX_MOD_SHARED_CLUSTER))
        return ENG_SP_SHARED;
    if (eng_has(pi, PTX_MOD_LOCAL))
        return ENG_SP_LOCAL;
    if (eng_has(pi, PTX_MOD_PARAM) || eng_has(pi, PTX_MOD_PARAM_ENTRY) || eng_has(pi, PTX_MOD_PARAM_FUNC))
        return ENG_SP_KPARAM; /* refined from the symbol below */
    if (eng_has(pi, PTX_MOD_CONST))
        return ENG_SP_CONST;
    return ENG_SP_GENERIC;
}

/* Fill the address part of a memory instruction (a, imm, mode space bits); -1 unsupported. */
int eng_lower_address(eng_lower *L, const ptx_operand *ad, int space, uint16_t *mode, uint32_t *a, int64_t *imm)
{
    if (ad->kind != PTX_OPND_ADDR)
        return -1;
    const ptx_module *pm = eng_l_ptx(L);
    *imm = ad->imm;
    if (ad->base_kind == PTX_OPND_REG) {
        ptx_operand reg;
        memset(&reg, 0, sizeof reg);
        reg.kind = PTX_OPND_REG;
        reg.index = ad->index;
        unsigned rw = eng_reg_width(L, &reg);
        if (rw != 4 && rw != 8)
            return -1;
        /* .param addresses in registers: offsets in the kernel's parameter buffer, or in the
         * frame's local memory for a called function's parameters */
        if (space == ENG_SP_KPARAM && !eng_l_is_entry(L))
            space = ENG_SP_LOCAL;
        *a = eng_src(L, &reg, rw == 4 ? PTX_T_U32 : PTX_T_U64);
        if (rw == 4)
            *mode |= ENG_M_BASE32;
        *mode |= (uint16_t)space;
        return 0;
    }
    *a = ENG_F_ZERO;
    if (ad->base_kind == PTX_OPND_NONE) {
        if (space == ENG_SP_KPARAM)
            return -1;
        *mode |= (uint16_t)space;
        return 0;
    }
    const ptx_var *v = &pm->vars[ad->index];
    uint64_t base = eng_l_mod(L)->var_addr[ad->index];
    switch (v->space) {
    case PTX_SPACE_GLOBAL:
    case PTX_SPACE_CONST:
        if (space != ENG_SP_GENERIC && space != ENG_SP_GLOBAL && space != ENG_SP_CONST)
            return -1;
        *imm += (int64_t)base;
        *mode |= (uint16_t)(space == ENG_SP_GENERIC ? ENG_SP_GLOBAL : space);
        return 0;
    case PTX_SPACE_SHARED:
        if (space != ENG_SP_GENERIC && space != ENG_SP_SHARED)
            return -1;
        *imm += (int64_t)base;
        *mode |= ENG_SP_SHARED;
        return 0;
    case PTX_SPACE_LOCAL:
        if (space != ENG_SP_GENERIC && space != ENG_SP_LOCAL)
            return -1;
        *imm += (int64_t)base;
        *mode |= ENG_SP_LOCAL | (eng_l_is_entry(L) ? 0 : ENG_M_FRAME);
        return 0;
    case PTX_SPACE_PARAM: {
        const ptx_func *pf = eng_l_func(L);
        int kernel_param = eng_l_is_entry(L) && !(v->flags & PTX_VAR_F_CALLARG) &&
                           v->owner == (uint32_t)(pf - pm->funcs);
        if (space != ENG_SP_KPARAM && space != ENG_SP_GENERIC)
            return -1;
        *imm += (int64_t)base;
        if (kernel_param)
            *mode |= ENG_SP_KPARAM;
        else
            *mode |= ENG_SP_LOCAL | (eng_l_is_entry(L) ? 0 : ENG_M_FRAME);
        return 0;
    }
    default:
        return -1;
    }
}

static int lower_ldst(eng_lower *L, const ptx_insn *pi, int store)
{
    ptx_type t = eng_type(pi, 0);
    unsigned es = ptx_type_bytes(t);
    if (pi->ntypes != 1 || es == 0 || es > 8 || t == PTX_T_PRED)
        return eng_unsupported(L);
    if (eng_has(pi, PTX_MOD_ASYNC) || eng_has(pi, PTX_MOD_V8) || eng_has(pi, PTX_MOD_UNKNOWN))
        return eng_unsupported(L);
    unsigned n = eng_has(pi, PTX_MOD_V4) ? 4 : eng_has(pi, PTX_MOD_V2) ? 2 : 1;
    int space = eng_space_of(pi);
    uint16_t mode = 0;
    if (eng_has(pi, PTX_MOD_VOLATILE) || eng_has(pi, PTX_MOD_RELAXED) || eng_has(pi, PTX_MOD_MMIO))
        mode |= ENG_M_ORDERED;
    if (eng_has(pi, PTX_MOD_ACQUIRE) || eng_has(pi, PTX_MOD_RELEASE) || eng_has(pi, PTX_MOD_SC))
        mode |= ENG_M_ACQREL;
    if (ptx_type_cls(t) == PTX_TC_S)
        mode |= ENG_M_SIGN;
    const ptx_operand *data = eng_op(L, store ? 1 : 0), *ad = eng_op(L, store ? 0 : 1);
    /* element slots and the register width they share */
    uint32_t slots[4];
    unsigned rw = 0;
    ptx_type st = es == 1 ? PTX_T_B8 : es == 2 ? PTX_T_B16 : es == 4 ? PTX_T_B32 : PTX_T_B64;
    if (ptx_type_cls(t) == PTX_TC_F)
        st = t;
    for (unsigned i = 0; i < n; i++) {
        const ptx_operand *el = n == 1 ? data : eng_elem(L, data, i);
        if (n > 1 && (data->kind != PTX_OPND_VEC || data->comp != n))
            return eng_unsupported(L);
        unsigned ew = eng_reg_width(L, el);
        if (el->kind == PTX_OPND_REG) {
            if (ew == 1 || ew < (es < 2 ? 2 : es))
                return eng_unsupported(L);
        } else {
            ew = es < 2 ? 2 : es;
            if (!store && el->kind != PTX_OPND_SINK)
                return eng_unsupported(L);
        }
        if (rw && ew != rw)
            return eng_unsupported(L);
        rw = ew;
        slots[i] = store ? eng_src(L, el, st) : eng_dst(L, el);
    }
    uint32_t a;
    int64_t imm;
    if (eng_lower_address(L, ad, space, &mode, &a, &imm))
        return eng_unsupported(L);
    unsigned sp = mode & ENG_M_SPACE;
    if (sp == ENG_SP_SHARED) { /* one host thread runs a block: its shared memory is always ordered */
        if (!store && (mode & (ENG_M_ORDERED | ENG_M_ACQREL)))
            mode |= ENG_M_POLL; /* but a warp may spin on it waiting for another warp */
        mode &= (uint16_t)~(ENG_M_ORDERED | ENG_M_ACQREL);
    }
    eng_fn fn = store ? h_st : h_ld;
    int plain = n == 1 && !(mode & (ENG_M_ORDERED | ENG_M_ACQREL | ENG_M_FRAME | ENG_M_POLL));
    if (plain && rw == es && (es == 4 || es == 8)) {
        if ((sp == ENG_SP_GLOBAL || sp == ENG_SP_CONST) && !(mode & ENG_M_BASE32))
            fn = store ? (es == 4 ? h_stg_32 : h_stg_64) : (es == 4 ? h_ldg_32 : h_ldg_64);
        else if (sp == ENG_SP_SHARED && (mode & ENG_M_BASE32))
            fn = store ? (es == 4 ? h_sts_32 : h_sts_64) : (es == 4 ? h_lds_32 : h_lds_64);
    }
    if (n == 1 && rw == es && (es == 4 || es == 8) && sp == ENG_SP_LOCAL &&
        !(mode & (ENG_M_ORDERED | ENG_M_ACQREL | ENG_M_POLL))) /* frame-relative or not */
        fn = store ? h_stl : h_ldl;
    if (!store && n == 1 && sp == ENG_SP_KPARAM && a == ENG_F_ZERO && imm >= 0)
        fn = h_ld_kparam;
    eng_insn *e = eng_emit(L, fn);
    e->a = a;
    e->imm = imm;
    e->mode = mode;
    e->mode2 = (uint16_t)(es | (n << 5) | (rw << 8));
    e->x = eng_range_index(L);
    if (n == 1)
        e->d = slots[0];
    else
        e->c = eng_vslots_add(L, slots, n);
    return 0;
}

static int lower_cvta(eng_lower *L, const ptx_insn *pi)
{
    int to = eng_has(pi, PTX_MOD_TO);
    int space = eng_space_of(pi);
    const ptx_operand *d = eng_op(L, 0), *s = eng_op(L, 1);
    unsigned dw = eng_reg_width(L, d), sw = eng_reg_width(L, s);
    ptx_type t = eng_type(pi, 0);
    if (t != PTX_T_U32 && t != PTX_T_U64 && t != PTX_T_B32 && t != PTX_T_B64)
        return eng_unsupported(L);
    if (dw != 4 && dw != 8)
        return eng_unsupported(L);
    if (s->kind != PTX_OPND_REG)
        sw = ptx_type_bytes(t);
    if (sw != 4 && sw != 8)
        return eng_unsupported(L);
    uint16_t mode;
    switch (space) {
    case ENG_SP_GLOBAL:
    case ENG_SP_CONST:
        mode = 0;
        break;
    case ENG_SP_SHARED:
        mode = to ? 2 : 1;
        break;
    case ENG_SP_LOCAL:
        mode = to ? 4 : 3;
        break;
    case ENG_SP_KPARAM: /* a kernel's parameters are its buffer; a function's live in its frame */
        mode = eng_l_is_entry(L) ? (to ? 6 : 5) : (to ? 4 : 3);
        break;
    default:
        return eng_unsupported(L);
    }
    uint32_t dst = eng_dst(L, d);
    uint32_t src = eng_src(L, s, sw == 8 ? PTX_T_U64 : PTX_T_U32);
    if (mode == 0 && sw == dw) {
        /* global and const addresses are generic addresses already */
        eng_insn *e = eng_emit(L, sw == 8 ? h_copy64 : h_copy32);
        e->d = dst;
        e->a = src;
        return 0;
    }
    eng_insn *e = eng_emit(L, mode >= 1 && mode <= 4 && sw == 8 && dw == 8 ? h_cvta_window64 : h_cvta);
    e->d = dst;
    e->a = src;
    e->mode = mode;
    e->mode2 = (uint16_t)sw;
    e->c = dw;
    return 0;
}

uint32_t eng_kparam_addr(eng_lower *L, uint64_t off)
{
    uint32_t t = eng_temp(L, 8);
    eng_insn *e = eng_emit(L, h_cvta);
    e->guard = ENG_F_ONES; /* a hidden read into a temporary runs for every active lane */
    e->gneg = 0;
    e->d = t;
    e->a = eng_const(L, off, 8);
    e->mode = 5;
    e->mode2 = 8;
    e->c = 8;
    return t;
}

static int lower_isspacep(eng_lower *L, const ptx_insn *pi)
{
    int space = eng_space_of(pi);
    const ptx_operand *d = eng_op(L, 0), *s = eng_op(L, 1);
    unsigned sw = eng_reg_width(L, s);
    if (eng_reg_width(L, d) != 1 || (s->kind == PTX_OPND_REG && sw != 4 && sw != 8))
        return eng_unsupported(L);
    if (s->kind != PTX_OPND_REG)
        sw = 8;
    uint32_t dst = eng_dst(L, d);
    uint32_t src = eng_src(L, s, sw == 8 ? PTX_T_U64 : PTX_T_U32);
    eng_insn *e = eng_emit(L, h_isspacep);
    e->d = dst;
    e->a = src;
    e->mode = (uint16_t)(space == ENG_SP_GENERIC ? ENG_SP_GLOBAL : space);
    e->mode2 = (uint16_t)sw;
    return 0;
}

int eng_lower_mem(eng_lower *L, const ptx_insn *pi)
{
    switch (pi->op) {
    case PTX_OP_LD:
    case PTX_OP_LDU:
        return lower_ldst(L, pi, 0);
    case PTX_OP_ST:
        return lower_ldst(L, pi, 1);
    case PTX_OP_CVTA:
        return lower_cvta(L, pi);
    case PTX_OP_ISSPACEP:
        return lower_isspacep(L, pi);
    case PTX_OP_ALLOCA:
    case PTX_OP_STACKSAVE:
    case PTX_OP_STACKRESTORE:
        return eng_lower_stack(L, pi);
    case PTX_OP_PREFETCH:
    case PTX_OP_PREFETCHU:
    case PTX_OP_DISCARD:
    case PTX_OP_APPLYPRIORITY:
        eng_emit(L, h_nop);
        return 0;
    case PTX_OP_CREATEPOLICY: {
        if (eng_reg_width(L, eng_op(L, 0)) != 8)
            return eng_unsupported(L);
        uint32_t d = eng_dst(L, eng_op(L, 0));
        eng_insn *e = eng_emit(L, h_policy);
        e->d = d;
        return 0;
    }
    default:
        return eng_unsupported(L);
    }
}
