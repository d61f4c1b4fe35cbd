/*
 * eng_ops.h - macros for writing instruction handlers, shared by the eng_op_*.c files.
 *
 * Owns: the shape of an elementwise handler.  A handler computes all 32 lanes into a local
 * array (a loop with no aliasing, so the compiler vectorises it; inactive lanes compute
 * garbage that is never stored, which is why every expression must be safe for any input:
 * no C undefined behaviour on overflow, shifts or division) and then stores only the lanes of
 * the mask.  Expressions see the lane values as a, b, c and the lane index as l.  A single
 * active lane (a thread's serial loop: <<<1, 1>>>, or `if (threadIdx.x == 0)`) computes only
 * itself.
 */
#ifndef CUSHIM_ENG_OPS_H
#define CUSHIM_ENG_OPS_H

#include "eng_internal.h"
#include "eng_lower.h"

#define ENG_H(name) static int name(eng_warp *w, const eng_insn *in, uint32_t m)

#define ENG_EW1(name, TD, TS, EXPR)                                                      \
    ENG_H(name)                                                                          \
    {                                                                                    \
        const TS *A_ = ENG_SLOT(const TS, w, in->a);                                     \
        if (__builtin_expect(!(m & (m - 1)), 0)) {                                       \
            int l = eng_ctz(m);                                                          \
            TS a = A_[l];                                                                \
            (void)a;                                                                     \
            ENG_SLOT(TD, w, in->d)[l] = (TD)(EXPR);                                      \
            return ENG_OK;                                                               \
        }                                                                                \
        TD r_[ENG_LANES];                                                                \
        for (int l = 0; l < ENG_LANES; l++) {                                            \
            TS a = A_[l];                                                                \
            (void)a;                                                                     \
            r_[l] = (TD)(EXPR);                                                          \
        }                                                                                \
        eng_store_w(w->regs + in->d, r_, m, sizeof(TD));                                 \
        return ENG_OK;                                                                   \
    }

#define ENG_EW2(name, TD, TS, EXPR)                                                      \
    ENG_H(name)                                                                          \
    {                                                                                    \
        const TS *A_ = ENG_SLOT(const TS, w, in->a), *B_ = ENG_SLOT(const TS, w, in->b); \
        if (__builtin_expect(!(m & (m - 1)), 0)) {                                       \
            int l = eng_ctz(m);                                                          \
            TS a = A_[l], b = B_[l];                                                     \
            (void)a;                                                                     \
            (void)b;                                                                     \
            ENG_SLOT(TD, w, in->d)[l] = (TD)(EXPR);                                      \
            return ENG_OK;                                                               \
        }                                                                                \
        TD r_[ENG_LANES];                                                                \
        for (int l = 0; l < ENG_LANES; l++) {                                            \
            TS a = A_[l], b = B_[l];                                                     \
            (void)a;                                                                     \
            (void)b;                                                                     \
            r_[l] = (TD)(EXPR);                                                          \
        }                                                                                \
        eng_store_w(w->regs + in->d, r_, m, sizeof(TD));                                 \
        return ENG_OK;                                                                   \
    }

/* Two sources of different types (shift amounts are always 32-bit). */
#define ENG_EW2X(name, TD, TA, TB, EXPR)                                                 \
    ENG_H(name)                                                                          \
    {                                                                                    \
        const TA *A_ = ENG_SLOT(const TA, w, in->a);                                     \
        const TB *B_ = ENG_SLOT(const TB, w, in->b);                                     \
        if (__builtin_expect(!(m & (m - 1)), 0)) {                                       \
            int l = eng_ctz(m);                                                          \
            TA a = A_[l];                                                                \
            TB b = B_[l];                                                                \
            ENG_SLOT(TD, w, in->d)[l] = (TD)(EXPR);                                      \
            return ENG_OK;                                                               \
        }                                                                                \
        TD r_[ENG_LANES];                                                                \
        for (int l = 0; l < ENG_LANES; l++) {                                            \
            TA a = A_[l];                                                                \
            TB b = B_[l];                                                                \
            r_[l] = (TD)(EXPR);                                                          \
        }                                                                                \
        eng_store_w(w->regs + in->d, r_, m, sizeof(TD));                                 \
        return ENG_OK;                                                                   \
    }

#define ENG_EW3(name, TD, TS, TC, EXPR)                                                  \
    ENG_H(name)                                                                          \
    {                                                                                    \
        const TS *A_ = ENG_SLOT(const TS, w, in->a), *B_ = ENG_SLOT(const TS, w, in->b); \
        const TC *C_ = ENG_SLOT(const TC, w, in->c);                                     \
        if (__builtin_expect(!(m & (m - 1)), 0)) {                                       \
            int l = eng_ctz(m);                                                          \
            TS a = A_[l], b = B_[l];                                                     \
            TC c = C_[l];                                                                \
            ENG_SLOT(TD, w, in->d)[l] = (TD)(EXPR);                                      \
            return ENG_OK;                                                               \
        }                                                                                \
        TD r_[ENG_LANES];                                                                \
        for (int l = 0; l < ENG_LANES; l++) {                                            \
            TS a = A_[l], b = B_[l];                                                     \
            TC c = C_[l];                                                                \
            r_[l] = (TD)(EXPR);                                                          \
        }                                                                                \
        eng_store_w(w->regs + in->d, r_, m, sizeof(TD));                                 \
        return ENG_OK;                                                                   \
    }

/* ENG_EW2 for expensive expressions (division): a partial warp computes its lanes only. */
#define ENG_EW2_COSTLY(name, TD, TS, EXPR)                                               \
    ENG_H(name)                                                                          \
    {                                                                                    \
        const TS *A_ = ENG_SLOT(const TS, w, in->a), *B_ = ENG_SLOT(const TS, w, in->b); \
        if (m != ENG_FULL) {                                                             \
            TD *D_ = ENG_SLOT(TD, w, in->d);                                             \
            for (uint32_t mm_ = m; mm_; mm_ &= mm_ - 1) {                                \
                int l = eng_ctz(mm_);                                                    \
                TS a = A_[l], b = B_[l];                                                 \
                D_[l] = (TD)(EXPR);                                                      \
            }                                                                            \
            return ENG_OK;                                                               \
        }                                                                                \
        TD r_[ENG_LANES];                                                                \
        for (int l = 0; l < ENG_LANES; l++) {                                            \
            TS a = A_[l], b = B_[l];                                                     \
            r_[l] = (TD)(EXPR);                                                          \
        }                                                                                \
        memcpy(w->regs + in->d, r_, sizeof r_);                                          \
        return ENG_OK;                                                                   \
    }

/* Integer types by index: what eng_int_index() returns. */
enum { ENG_I_U16, ENG_I_S16, ENG_I_U32, ENG_I_S32, ENG_I_U64, ENG_I_S64, ENG_I_COUNT };

static inline int eng_int_index(ptx_type t)
{
    switch (t) {
    case PTX_T_U16:
    case PTX_T_B16:
        return ENG_I_U16;
    case PTX_T_S16:
        return ENG_I_S16;
    case PTX_T_U32:
    case PTX_T_B32:
        return ENG_I_U32;
    case PTX_T_S32:
        return ENG_I_S32;
    case PTX_T_U64:
    case PTX_T_B64:
        return ENG_I_U64;
    case PTX_T_S64:
        return ENG_I_S64;
    default:
        return -1;
    }
}

/* Instantiate a handler family for the six integer types: M(suffix, T, UT, bits). */
#define ENG_FOR_INTS(M)                    \
    M(u16, uint16_t, uint16_t, 16)         \
    M(s16, int16_t, uint16_t, 16)          \
    M(u32, uint32_t, uint32_t, 32)         \
    M(s32, int32_t, uint32_t, 32)          \
    M(u64, uint64_t, uint64_t, 64)         \
    M(s64, int64_t, uint64_t, 64)

#define ENG_INT_TABLE(prefix) \
    {prefix##_u16, prefix##_s16, prefix##_u32, prefix##_s32, prefix##_u64, prefix##_s64}

/* Plain 3-operand lowering: d, a, b read as type t. */
static inline int eng_lower_dab(eng_lower *L, eng_fn fn, ptx_type t)
{
    uint32_t d = eng_dst(L, eng_op(L, 0));
    uint32_t a = eng_src(L, eng_op(L, 1), t);
    uint32_t b = eng_src(L, eng_op(L, 2), t);
    if (!fn)
        return eng_unsupported(L);
    eng_insn *e = eng_emit(L, fn);
    e->d = d;
    e->a = a;
    e->b = b;
    return 0;
}

static inline int eng_lower_da(eng_lower *L, eng_fn fn, ptx_type t)
{
    uint32_t d = eng_dst(L, eng_op(L, 0));
    uint32_t a = eng_src(L, eng_op(L, 1), t);
    if (!fn)
        return eng_unsupported(L);
    eng_insn *e = eng_emit(L, fn);
    e->d = d;
    e->a = a;
    return 0;
}

static inline int eng_lower_dabc(eng_lower *L, eng_fn fn, ptx_type t, ptx_type tc)
{
    uint32_t d = eng_dst(L, eng_op(L, 0));
    uint32_t a = eng_src(L, eng_op(L, 1), t);
    uint32_t b = eng_src(L, eng_op(L, 2), t);
    uint32_t c = eng_src(L, eng_op(L, 3), tc);
    if (!fn)
        return eng_unsupported(L);
    eng_insn *e = eng_emit(L, fn);
    e->d = d;
    e->a = a;
    e->b = b;
    e->c = c;
    return 0;
}

/* Do register widths of the operands match the instruction type? (PTX requires it for most
 * instructions; a mismatch we cannot honour is reported as unsupported, never misread.) */
static inline int eng_width_ok(const eng_lower *L, const ptx_operand *o, ptx_type t)
{
    unsigned w = eng_reg_width(L, o);
    return w == 0 || w == eng_type_width(t);
}

#endif
