/*
 * eng_op_mma.c - warp matrix operations: wmma.load/store/mma, mma.sync, ldmatrix, stmatrix and
 * movmatrix.
 *
 * Owns: where each element of a matrix fragment lives in the warp's registers, and the
 * multiply-accumulate itself.  A wmma fragment's layout is unspecified by PTX (only loads, mma
 * and stores made for it must agree), so the engine picks the simplest: the fragment's
 * registers, each a slot of 32 lanes side by side, laid end to end form an "image" of the
 * matrix in canonical order (A as M x K, B as K x N, C and D as M x N, all row-major), whatever
 * layout the memory had.  Fragments PTX gives more register space than elements (f16 A and B)
 * repeat the image, so element-wise code over frag.x[] stays consistent.  mma.sync fragments
 * follow the PTX ISA's documented per-lane layouts; they are gathered into the same canonical
 * arrays, so one set of compute kernels serves both.  A warp-wide operation reads the address
 * and stride of its first executing lane (PTX requires them uniform) and writes only the
 * executing lanes' registers.
 * Must not: be on the path of any other instruction (the hot loop pays nothing for it).
 */
#include <math.h>
#include <pthread.h>

#include "eng_fp.h"
#include "eng_mem.h"
#include "eng_ops.h"

/* element types of matrix operands */
enum { ET_F16, ET_BF16, ET_TF32, ET_F32, ET_F64, ET_U8, ET_S8, ET_S32, ET_COUNT };
static const uint8_t et_size[ET_COUNT] = {2, 2, 4, 4, 8, 1, 1, 4};

static int et_of(ptx_type t)
{
    switch (t) {
    case PTX_T_F16: return ET_F16;
    case PTX_T_BF16: return ET_BF16;
    case PTX_T_TF32: return ET_TF32;
    case PTX_T_F32: return ET_F32;
    case PTX_T_F64: return ET_F64;
    case PTX_T_U8: return ET_U8;
    case PTX_T_S8: return ET_S8;
    case PTX_T_S32: return ET_S32;
    default: return -1;
    }
}

/* shapes (M, N, K) */
enum { SH_M16N16K16, SH_M32N8K16, SH_M8N32K16, SH_M16N16K8, SH_M8N8K4, SH_M16N8K16, SH_M16N8K8,
       SH_M16N8K4, SH_M16N8K32, SH_M8N8K16, SH_COUNT };
static const uint8_t sh_mnk[SH_COUNT][3] = {
    {16, 16, 16}, {32, 8, 16}, {8, 32, 16}, {16, 16, 8}, {8, 8, 4},
    {16, 8, 16},  {16, 8, 8},  {16, 8, 4},  {16, 8, 32}, {8, 8, 16}};

static int shape_of(const ptx_insn *pi)
{
    static const ptx_mod mods[SH_COUNT] = {PTX_MOD_M16N16K16, PTX_MOD_M32N8K16, PTX_MOD_M8N32K16,
                                           PTX_MOD_M16N16K8,  PTX_MOD_M8N8K4,   PTX_MOD_M16N8K16,
                                           PTX_MOD_M16N8K8,   PTX_MOD_M16N8K4,  PTX_MOD_M16N8K32,
                                           PTX_MOD_M8N8K16};
    for (int i = 0; i < SH_COUNT; i++)
        if (eng_has(pi, mods[i]))
            return i;
    return -1;
}

enum { FR_A, FR_B, FR_C };

/* rows and columns of fragment kind `fr` of a shape */
static void frag_dims(int sh, int fr, unsigned *rows, unsigned *cols)
{
    unsigned m = sh_mnk[sh][0], n = sh_mnk[sh][1], k = sh_mnk[sh][2];
    *rows = fr == FR_B ? k : m;
    *cols = fr == FR_A ? k : n;
}

/* --- fragment registers <-> image --- */

/* the largest fragment: 8 registers of 64 bits, 32 lanes */
#define IMG_MAX (8 * 8 * ENG_LANES)

static void frag_get(const eng_warp *w, const eng_vslots *vs, unsigned n, unsigned rw, uint8_t *img)
{
    for (unsigned i = 0; i < n; i++)
        memcpy(img + (size_t)i * rw * ENG_LANES, w->regs + vs->s[i], (size_t)rw * ENG_LANES);
}

static void frag_put(eng_warp *w, const eng_vslots *vs, unsigned n, unsigned rw, const uint8_t *img, uint32_t m)
{
    for (unsigned i = 0; i < n; i++)
        eng_store_w(w->regs + vs->s[i], img + (size_t)i * rw * ENG_LANES, m, rw);
}

/* Repeat the first `used` bytes of the image over all `total` bytes. */
static void frag_repeat(uint8_t *img, size_t used, size_t total)
{
    for (size_t at = used; used && at < total; at += used)
        memcpy(img + at, img, total - at < used ? total - at : used);
}

/* --- float conversion tables and the compute kernels --- */

static float f16_table[65536];
static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

static void kernels_init(void);

static void tables_init(void)
{
    for (uint32_t h = 0; h < 65536; h++)
        f16_table[h] = eng_f16_to_f32((uint16_t)h);
    kernels_init();
}

/* Element e of a canonical array of type et as a float (f16/bf16/tf32/f32 inputs).  tf32 keeps
 * the 10 mantissa bits the tensor cores read: the low 13 bits of the f32 are ignored. */
static void to_float(int et, const uint8_t *src, unsigned n, float *dst)
{
    switch (et) {
    case ET_F16:
        for (unsigned e = 0; e < n; e++) {
            uint16_t h;
            memcpy(&h, src + 2 * e, 2);
            dst[e] = f16_table[h];
        }
        return;
    case ET_BF16:
        for (unsigned e = 0; e < n; e++) {
            uint16_t h;
            memcpy(&h, src + 2 * e, 2);
            dst[e] = eng_u2f((uint32_t)h << 16);
        }
        return;
    case ET_TF32:
        for (unsigned e = 0; e < n; e++) {
            uint32_t u;
            memcpy(&u, src + 4 * e, 4);
            dst[e] = eng_u2f(u & 0xffffe000u);
        }
        return;
    default:
        memcpy(dst, src, (size_t)n * 4);
        return;
    }
}

/* --- the products --- */

typedef float v8f __attribute__((vector_size(32)));
typedef uint32_t v8u __attribute__((vector_size(32)));

/* acc (M x N) += a (M x K) * b (K x N), k in order for each element.  Every shape has N a
 * multiple of 8; with M, N and K constants the compiler keeps a row of acc in registers. */
#define GEMM_BODY(T, VT, M, N, K, a, b, acc)                                         \
    do {                                                                             \
        for (unsigned i_ = 0; i_ < (M); i_++) {                                      \
            VT r_[(N) / 8];                                                          \
            memcpy(r_, (acc) + i_ * (N), sizeof r_);                                 \
            for (unsigned k_ = 0; k_ < (K); k_++) {                                  \
                VT av_ = (VT){0} + (a)[i_ * (K) + k_];                               \
                for (unsigned j_ = 0; j_ < (N) / 8; j_++) {                          \
                    VT bv_;                                                          \
                    memcpy(&bv_, (b) + k_ * (N) + 8 * j_, sizeof bv_);               \
                    r_[j_] += av_ * bv_;                                             \
                }                                                                    \
            }                                                                        \
            memcpy((acc) + i_ * (N), r_, sizeof r_);                                 \
        }                                                                            \
    } while (0)

/* f64: d = fma(a, b, d) for k in order; K is 4 */
#define DGEMM_BODY(M, N, K, a, b, acc)                                               \
    do {                                                                             \
        for (unsigned i_ = 0; i_ < (M); i_++)                                        \
            for (unsigned k_ = 0; k_ < (K); k_++) {                                  \
                double s_ = (a)[i_ * (K) + k_];                                      \
                for (unsigned j_ = 0; j_ < (N); j_++)                                \
                    (acc)[i_ * (N) + j_] = fma(s_, (b)[k_ * (N) + j_], (acc)[i_ * (N) + j_]); \
            }                                                                        \
    } while (0)

#define DEF_KERNELS(ATTR, SUFFIX)                                                                    \
    ATTR static void sgemm_##SUFFIX(unsigned M, unsigned N, unsigned K, const float *a, const float *b, \
                                    float *acc)                                                      \
    {                                                                                                \
        SHAPE_SWITCH(GEMM_BODY, float, v8f)                                                          \
    }                                                                                                \
    ATTR static void igemm_##SUFFIX(unsigned M, unsigned N, unsigned K, const uint32_t *a,           \
                                    const uint32_t *b, uint32_t *acc)                                \
    {                                                                                                \
        SHAPE_SWITCH(GEMM_BODY, uint32_t, v8u)                                                       \
    }                                                                                                \
    ATTR static void dgemm_##SUFFIX(const double *a, const double *b, double *acc)                   \
    {                                                                                                \
        DGEMM_BODY(8, 8, 4, a, b, acc);                                                              \
    }

#define SHAPE_CASE(BODY, T, VT, M_, N_, K_) \
    if (M == (M_) && N == (N_) && K == (K_)) { \
        BODY(T, VT, M_, N_, K_, a, b, acc);    \
        return;                                \
    }
#define SHAPE_SWITCH(BODY, T, VT)                                                            \
    SHAPE_CASE(BODY, T, VT, 16, 16, 16) SHAPE_CASE(BODY, T, VT, 32, 8, 16)                   \
    SHAPE_CASE(BODY, T, VT, 8, 32, 16) SHAPE_CASE(BODY, T, VT, 16, 16, 8)                    \
    SHAPE_CASE(BODY, T, VT, 16, 8, 16) SHAPE_CASE(BODY, T, VT, 16, 8, 8)                     \
    SHAPE_CASE(BODY, T, VT, 16, 8, 4) SHAPE_CASE(BODY, T, VT, 16, 8, 32)                     \
    SHAPE_CASE(BODY, T, VT, 8, 8, 16)

DEF_KERNELS(, generic)
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
/* the same kernels for hosts with AVX2 and FMA (chosen at run time): 8 lanes per instruction,
 * f64 fma inline.  Results are the same: products of the narrow inputs are exact, so fusing
 * them changes nothing, and f64 always fuses. */
DEF_KERNELS(__attribute__((target("avx2,fma"))), avx2)
#define HAVE_AVX2_KERNELS 1
#endif

static int use_avx2;

static void kernels_init(void)
{
#ifdef HAVE_AVX2_KERNELS
    __builtin_cpu_init();
    use_avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#endif
}

static void sgemm(unsigned M, unsigned N, unsigned K, const float *a, const float *b, float *acc)
{
#ifdef HAVE_AVX2_KERNELS
    if (use_avx2) {
        sgemm_avx2(M, N, K, a, b, acc);
        return;
    }
#endif
    sgemm_generic(M, N, K, a, b, acc);
}

static void igemm(unsigned M, unsigned N, unsigned K, const uint32_t *a, const uint32_t *b, uint32_t *acc)
{
#ifdef HAVE_AVX2_KERNELS
    if (use_avx2) {
        igemm_avx2(M, N, K, a, b, acc);
        return;
    }
#endif
    igemm_generic(M, N, K, a, b, acc);
}

static void dgemm(const double *a, const double *b, double *acc)
{
#ifdef HAVE_AVX2_KERNELS
    if (use_avx2) {
        dgemm_avx2(a, b, acc);
        return;
    }
#endif
    dgemm_generic(a, b, acc);
}

/* The operation of one mma: shape and element types of D, A, B, C, and .satfinite. */
struct mma_op {
    uint8_t sh, dt, at, bt, ct, satf;
};

/* D = A * B + C on canonical arrays (A M x K, B K x N, C and D M x N, row-major).  Products of
 * f16, bf16 and tf32 values are exact in f32, so the f32 accumulation is one rounding per
 * step, as a chain of fused multiply-adds; f64 uses fma; integers wrap (or saturate). */
static void mma_compute(const struct mma_op *op, const uint8_t *A, const uint8_t *B, const uint8_t *C, uint8_t *D)
{
    unsigned M = sh_mnk[op->sh][0], N = sh_mnk[op->sh][1], K = sh_mnk[op->sh][2];
    if (op->at == ET_F64) {
        double a[8 * 4], b[4 * 8], acc[8 * 8];
        memcpy(a, A, sizeof a);
        memcpy(b, B, sizeof b);
        memcpy(acc, C, sizeof acc);
        dgemm(a, b, acc);
        memcpy(D, acc, sizeof acc);
        return;
    }
    if (op->at == ET_U8 || op->at == ET_S8) {
        _Alignas(32) uint32_t a[32 * 32], b[32 * 32], acc[256];
        for (unsigned e = 0; e < M * K; e++)
            a[e] = op->at == ET_S8 ? (uint32_t)(int32_t)(int8_t)A[e] : A[e];
        for (unsigned e = 0; e < K * N; e++)
            b[e] = op->bt == ET_S8 ? (uint32_t)(int32_t)(int8_t)B[e] : B[e];
        memcpy(acc, C, 4 * (size_t)M * N);
        if (op->satf) { /* exact sums, then clamped */
            for (unsigned i = 0; i < M; i++)
                for (unsigned j = 0; j < N; j++) {
                    int64_t d = (int32_t)acc[i * N + j];
                    for (unsigned k = 0; k < K; k++)
                        d += (int64_t)(int32_t)a[i * K + k] * (int32_t)b[k * N + j];
                    acc[i * N + j] = (uint32_t)(d > INT32_MAX ? INT32_MAX : d < INT32_MIN ? INT32_MIN : (int32_t)d);
                }
        } else { /* two's complement products and sums wrap like the s32 accumulator */
            igemm(M, N, K, a, b, acc);
        }
        memcpy(D, acc, 4 * (size_t)M * N);
        return;
    }
    /* f16 / bf16 / tf32 inputs, f16 or f32 accumulators */
    _Alignas(32) float a[32 * 16], b[16 * 32], acc[256];
    to_float(op->at, A, M * K, a);
    to_float(op->bt, B, K * N, b);
    if (op->ct == ET_F16)
        to_float(ET_F16, C, M * N, acc);
    else
        memcpy(acc, C, 4 * (size_t)M * N);
    sgemm(M, N, K, a, b, acc);
    for (unsigned e = 0; e < M * N; e++) {
        float x = acc[e];
        if (op->satf && isinf(x))
            x = x > 0 ? (op->dt == ET_F16 ? 65504.0f : 3.40282347e38f) : (op->dt == ET_F16 ? -65504.0f : -3.40282347e38f);
        if (op->dt == ET_F16) {
            uint16_t h = eng_f32_to_f16(x, ENG_RND_RN);
            memcpy(D + 2 * e, &h, 2);
        } else {
            uint32_t u = x != x ? 0x7fffffffu : eng_f2u(x);
            memcpy(D + 4 * e, &u, 4);
        }
    }
}

/* --- wmma.load / wmma.store --- */

/* in->mode: space bits (eng_mem.h); in->mode2: bits 0-3 registers, 4-7 element type, 8-9
 * fragment kind, 10 column-major, 11 stride operand present, 12-15 shape; in->b: stride slot;
 * in->c: the vslots of the registers; in->x: range cache. */
#define W_NREGS(m2) ((m2) & 15u)
#define W_ET(m2) (((m2) >> 4) & 15u)
#define W_FR(m2) (((m2) >> 8) & 3u)
#define W_COL(m2) (((m2) >> 10) & 1u)
#define W_STRIDE(m2) (((m2) >> 11) & 1u)
#define W_SH(m2) (((m2) >> 12) & 15u)

/* The fragment's memory: the first lane's address and stride, checked for the whole span.
 * Element (r, c) of the canonical matrix is at base + (col ? c * ld + r : r * ld + c) * es. */
static int wmma_span(eng_warp *w, const eng_insn *in, uint32_t m, int store, uint8_t **base, unsigned *ld)
{
    unsigned m2 = in->mode2, rows, cols, es = et_size[W_ET(m2)];
    frag_dims((int)W_SH(m2), (int)W_FR(m2), &rows, &cols);
    int l0 = eng_ctz(m);
    unsigned outer = W_COL(m2) ? cols : rows, inner = W_COL(m2) ? rows : cols;
    *ld = W_STRIDE(m2) ? ENG_SLOT(const uint32_t, w, in->b)[l0] : inner;
    uint64_t a = eng_lane_addr(w, in, l0);
    uint64_t bytes = ((uint64_t)(outer - 1) * *ld + inner) * es;
    return eng_resolve_span(w, in, l0, in->mode & ENG_M_SPACE, a, bytes, es, store, base);
}

ENG_H(h_wmma_load)
{
    unsigned m2 = in->mode2, rows, cols, es = et_size[W_ET(m2)], ld;
    frag_dims((int)W_SH(m2), (int)W_FR(m2), &rows, &cols);
    uint8_t *p;
    if (wmma_span(w, in, m, 0, &p, &ld) != ENG_OK)
        return ENG_FAULT;
    _Alignas(16) uint8_t img[IMG_MAX];
    if (!W_COL(m2)) {
        for (unsigned r = 0; r < rows; r++)
            memcpy(img + (size_t)r * cols * es, p + (size_t)r * ld * es, (size_t)cols * es);
    } else {
        for (unsigned r = 0; r < rows; r++)
            for (unsigned c = 0; c < cols; c++)
                memcpy(img + ((size_t)r * cols + c) * es, p + ((size_t)c * ld + r) * es, es);
    }
    unsigned rw = W_ET(m2) == ET_F64 ? 8 : 4, n = W_NREGS(m2);
    frag_repeat(img, (size_t)rows * cols * es, (size_t)n * rw * ENG_LANES);
    frag_put(w, &w->blk->mod->vslots[in->c], n, rw, img, m);
    return ENG_OK;
}

ENG_H(h_wmma_store)
{
    unsigned m2 = in->mode2, rows, cols, es = et_size[W_ET(m2)], ld;
    frag_dims((int)W_SH(m2), FR_C, &rows, &cols);
    uint8_t *p;
    if (wmma_span(w, in, m, 1, &p, &ld) != ENG_OK)
        return ENG_FAULT;
    _Alignas(16) uint8_t img[IMG_MAX];
    unsigned rw = W_ET(m2) == ET_F64 ? 8 : 4;
    frag_get(w, &w->blk->mod->vslots[in->c], W_NREGS(m2), rw, img);
    if (!W_COL(m2)) {
        for (unsigned r = 0; r < rows; r++)
            memcpy(p + (size_t)r * ld * es, img + (size_t)r * cols * es, (size_t)cols * es);
    } else {
        for (unsigned r = 0; r < rows; r++)
            for (unsigned c = 0; c < cols; c++)
                memcpy(p + ((size_t)c * ld + r) * es, img + ((size_t)r * cols + c) * es, es);
    }
    return ENG_OK;
}

/* --- wmma.mma --- */

/* in->x: vslots of D, then A, B, C at x+1..x+3; in->mode: register counts of D, A, B, C (4 bits
 * each); in->mode2: the mma_op packed by pack_op. */
static uint16_t pack_op(const struct mma_op *op)
{
    return (uint16_t)(op->sh | op->dt << 4 | (op->at & 7) << 7 | (op->bt & 7) << 10 | (op->ct & 3) << 13 |
                      op->satf << 15);
}

static struct mma_op unpack_op(uint16_t v)
{
    struct mma_op op = {(uint8_t)(v & 15), (uint8_t)((v >> 4) & 7), (uint8_t)((v >> 7) & 7),
                        (uint8_t)((v >> 10) & 7), (uint8_t)((v >> 13) & 3), (uint8_t)(v >> 15)};
    return op;
}

/* C/D types fit in 2 bits for pack_op: f16, f32, f64, s32 */
static int ct_code(int et)
{
    return et == ET_F16 ? 0 : et == ET_F32 ? 1 : et == ET_F64 ? 2 : 3;
}
static int ct_et(int code)
{
    static const int et[4] = {ET_F16, ET_F32, ET_F64, ET_S32};
    return et[code & 3];
}

static unsigned reg_width_of(int et)
{
    return et == ET_F64 ? 8 : 4;
}

ENG_H(h_wmma_mma)
{
    const eng_vslots *vs = &w->blk->mod->vslots[in->x];
    struct mma_op op = unpack_op(in->mode2);
    op.dt = (uint8_t)ct_et(op.dt);
    op.ct = (uint8_t)ct_et(op.ct);
    unsigned nd = in->mode & 15, na = (in->mode >> 4) & 15, nb = (in->mode >> 8) & 15, nc = in->mode >> 12;
    _Alignas(16) uint8_t a[IMG_MAX], b[IMG_MAX], c[IMG_MAX], d[IMG_MAX];
    unsigned rin = reg_width_of(op.at), rc = reg_width_of(op.ct), rd = reg_width_of(op.dt);
    frag_get(w, &vs[1], na, rin, a);
    frag_get(w, &vs[2], nb, rin, b);
    frag_get(w, &vs[3], nc, rc, c);
    mma_compute(&op, a, b, c, d);
    unsigned M = sh_mnk[op.sh][0], N = sh_mnk[op.sh][1];
    frag_repeat(d, (size_t)M * N * et_size[op.dt], (size_t)nd * rd * ENG_LANES);
    frag_put(w, &vs[0], nd, rd, d, m);
    return ENG_OK;
}

/* --- mma.sync: the PTX ISA's fragment layouts --- */

/* Row and column of element i of lane l's fragment `fr` (g = l / 4, t = l % 4). */
static void sync_map(int sh, int at, int fr, int l, int i, unsigned *row, unsigned *col)
{
    unsigned g = (unsigned)l >> 2, t = (unsigned)l & 3, u = (unsigned)i;
    if (fr == FR_C) {
        if (sh == SH_M8N8K4 || sh == SH_M8N8K16) { /* 8 x 8: two elements per lane */
            *row = g;
            *col = 2 * t + u;
        } else {
            *row = g + 8 * (u >> 1);
            *col = 2 * t + (u & 1);
        }
        return;
    }
    switch (at) {
    case ET_F16:
    case ET_BF16:
        if (sh == SH_M16N8K16) {
            if (fr == FR_A) {
                *row = g + 8 * ((u >> 1) & 1);
                *col = 2 * t + (u & 1) + 8 * (u >> 2);
            } else {
                *row = 2 * t + (u & 1) + 8 * (u >> 1);
                *col = g;
            }
        } else { /* m16n8k8 */
            if (fr == FR_A) {
                *row = g + 8 * (u >> 1);
                *col = 2 * t + (u & 1);
            } else {
                *row = 2 * t + u;
                *col = g;
            }
        }
        return;
    case ET_TF32:
        if (sh == SH_M16N8K8) {
            if (fr == FR_A) {
                *row = g + 8 * (u & 1);
                *col = t + 4 * (u >> 1);
            } else {
                *row = t + 4 * u;
                *col = g;
            }
        } else { /* m16n8k4 */
            if (fr == FR_A) {
                *row = g + 8 * u;
                *col = t;
            } else {
                *row = t;
                *col = g;
            }
        }
        return;
    case ET_F64: /* m8n8k4 */
        *row = fr == FR_A ? g : t;
        *col = fr == FR_A ? t : g;
        return;
    default: /* u8 / s8 */
        if (sh == SH_M16N8K32) {
            if (fr == FR_A) {
                *row = g + 8 * ((u >> 2) & 1);
                *col = 4 * t + (u & 3) + 16 * (u >> 3);
            } else {
                *row = 4 * t + (u & 3) + 16 * (u >> 2);
                *col = g;
            }
        } else if (sh == SH_M16N8K16) {
            if (fr == FR_A) {
                *row = g + 8 * (u >> 2);
                *col = 4 * t + (u & 3);
            } else {
                *row = 4 * t + u;
                *col = g;
            }
        } else { /* m8n8k16 */
            *row = fr == FR_A ? g : 4 * t + u;
            *col = fr == FR_A ? 4 * t + u : g;
        }
        return;
    }
}

/* Gather (or, with put, scatter) fragment `fr` between registers and a canonical array. */
static void sync_frag(eng_warp *w, const eng_vslots *vs, unsigned nregs, int sh, int at, int et, int fr,
                      uint8_t *canon, int put, uint32_t m)
{
    unsigned rows, cols, es = et_size[et], rw = reg_width_of(et), per_reg = rw / es;
    frag_dims(sh, fr, &rows, &cols);
    unsigned per_lane = rows * cols / ENG_LANES;
    if (per_lane > nregs * per_reg)
        per_lane = nregs * per_reg;
    for (int l = 0; l < ENG_LANES; l++) {
        if (put && !(m & eng_lanebit[l]))
            continue;
        for (unsigned i = 0; i < per_lane; i++) {
            unsigned r, c;
            sync_map(sh, at, fr, l, (int)i, &r, &c);
            uint8_t *reg = w->regs + vs->s[i / per_reg] + (size_t)l * rw + (i % per_reg) * es;
            uint8_t *el = canon + ((size_t)r * cols + c) * es;
            if (put)
                memcpy(reg, el, es);
            else
                memcpy(el, reg, es);
        }
    }
}

/* in->x: vslots of D, A, B, C; in->mode: register counts; in->mode2: mma_op; in->imm: A's
 * element type when it differs from B's (s8 x u8) */
ENG_H(h_mma_sync)
{
    const eng_vslots *vs = &w->blk->mod->vslots[in->x];
    struct mma_op op = unpack_op(in->mode2);
    op.dt = (uint8_t)ct_et(op.dt);
    op.ct = (uint8_t)ct_et(op.ct);
    unsigned nd = in->mode & 15, na = (in->mode >> 4) & 15, nb = (in->mode >> 8) & 15, nc = in->mode >> 12;
    _Alignas(16) uint8_t a[IMG_MAX], b[IMG_MAX], c[IMG_MAX], d[IMG_MAX];
    memset(a, 0, sizeof a);
    memset(b, 0, sizeof b);
    memset(c, 0, sizeof c);
    sync_frag(w, &vs[1], na, op.sh, op.at, op.at, FR_A, a, 0, m);
    sync_frag(w, &vs[2], nb, op.sh, op.at, op.bt, FR_B, b, 0, m);
    sync_frag(w, &vs[3], nc, op.sh, op.at, op.ct, FR_C, c, 0, m);
    mma_compute(&op, a, b, c, d);
    sync_frag(w, &vs[0], nd, op.sh, op.at, op.dt, FR_C, d, 1, m);
    return ENG_OK;
}

/* --- ldmatrix / stmatrix / movmatrix (8 x 8 matrices of b16) --- */

/* mode: number of matrices; mode2: bit 0 .trans; in->c: vslots of the registers; address as
 * for memory instructions.  Lane 8j + r gives the address of row r of matrix j. */
static int matrix_rows(eng_warp *w, const eng_insn *in, unsigned nmat, int store, uint8_t *rows[32])
{
    for (unsigned q = 0; q < 8 * nmat; q++) {
        uint64_t a = eng_lane_addr(w, in, (int)q);
        if (eng_resolve_span(w, in, (int)q, in->mode & ENG_M_SPACE, a, 16, 16, store, &rows[q]) != ENG_OK)
            return ENG_FAULT;
    }
    return ENG_OK;
}

ENG_H(h_ldmatrix)
{
    unsigned nmat = in->mode2 >> 1;
    int trans = in->mode2 & 1;
    uint8_t *rows[32];
    if (matrix_rows(w, in, nmat, 0, rows) != ENG_OK)
        return ENG_FAULT;
    const eng_vslots *vs = &w->blk->mod->vslots[in->c];
    for (unsigned j = 0; j < nmat; j++) {
        uint32_t r[ENG_LANES];
        for (int l = 0; l < ENG_LANES; l++) {
            unsigned g = (unsigned)l >> 2, t = (unsigned)l & 3;
            uint16_t lo, hi;
            if (!trans) {
                memcpy(&lo, rows[8 * j + g] + 4 * t, 2);
                memcpy(&hi, rows[8 * j + g] + 4 * t + 2, 2);
            } else {
                memcpy(&lo, rows[8 * j + 2 * t] + 2 * g, 2);
                memcpy(&hi, rows[8 * j + 2 * t + 1] + 2 * g, 2);
            }
            r[l] = (uint32_t)lo | (uint32_t)hi << 16;
        }
        eng_store32(w->regs + vs->s[j], r, m);
    }
    return ENG_OK;
}

ENG_H(h_stmatrix)
{
    (void)m; /* every lane's registers are stored (the instruction is warp-wide) */
    unsigned nmat = in->mode2 >> 1;
    int trans = in->mode2 & 1;
    uint8_t *rows[32];
    if (matrix_rows(w, in, nmat, 1, rows) != ENG_OK)
        return ENG_FAULT;
    const eng_vslots *vs = &w->blk->mod->vslots[in->c];
    for (unsigned j = 0; j < nmat; j++) {
        const uint32_t *R = ENG_SLOT(const uint32_t, w, vs->s[j]);
        for (int l = 0; l < ENG_LANES; l++) {
            unsigned g = (unsigned)l >> 2, t = (unsigned)l & 3;
            uint16_t lo = (uint16_t)R[l], hi = (uint16_t)(R[l] >> 16);
            if (!trans) {
                memcpy(rows[8 * j + g] + 4 * t, &lo, 2);
                memcpy(rows[8 * j + g] + 4 * t + 2, &hi, 2);
            } else {
                memcpy(rows[8 * j + 2 * t] + 2 * g, &lo, 2);
                memcpy(rows[8 * j + 2 * t + 1] + 2 * g, &hi, 2);
            }
        }
    }
    return ENG_OK;
}

/* movmatrix.trans: lane l holds row l/4, columns 2(l%4) and +1 of an 8 x 8 matrix; afterwards
 * the same of its transpose. */
ENG_H(h_movmatrix)
{
    const uint32_t *A = ENG_SLOT(const uint32_t, w, in->a);
    uint32_t r[ENG_LANES];
    for (int l = 0; l < ENG_LANES; l++) {
        unsigned g = (unsigned)l >> 2, t = (unsigned)l & 3, h[2];
        for (unsigned k = 0; k < 2; k++) {
            unsigned row = 2 * t + k, col = g; /* element (row, col) of the source */
            h[k] = (A[4 * row + col / 2] >> (16 * (col & 1))) & 0xffffu;
        }
        r[l] = h[0] | h[1] << 16;
    }
    eng_store32(w->regs + in->d, r, m);
    return ENG_OK;
}

/* --- lowering --- */

/* A vector operand of n registers of width rw: its vslots index, or -1. */
static int vec_slots(eng_lower *L, const ptx_operand *v, unsigned rw, int dst, unsigned *n, uint32_t *index)
{
    uint32_t slots[8];
    if (v->kind != PTX_OPND_VEC || v->comp < 1 || v->comp > 8)
        return -1;
    for (unsigned i = 0; i < v->comp; i++) {
        const ptx_operand *e = eng_elem(L, v, i);
        if (e->kind != PTX_OPND_REG || eng_reg_width(L, e) != rw)
            return -1;
        slots[i] = dst ? eng_dst(L, e) : eng_src(L, e, rw == 8 ? PTX_T_B64 : PTX_T_B32);
    }
    *n = v->comp;
    *index = eng_vslots_add(L, slots, v->comp);
    return 0;
}

/* Registers a fragment needs at least (its image, rounded up to whole registers). */
static unsigned regs_needed(int sh, int fr, int et)
{
    unsigned rows, cols, rw = reg_width_of(et);
    frag_dims(sh, fr, &rows, &cols);
    return (rows * cols * et_size[et] + rw * ENG_LANES - 1) / (rw * ENG_LANES);
}

static int wmma_shape_ok(int sh, int et)
{
    switch (et) {
    case ET_F16:
    case ET_BF16:
    case ET_U8:
    case ET_S8:
        return sh == SH_M16N16K16 || sh == SH_M32N8K16 || sh == SH_M8N32K16;
    case ET_TF32:
        return sh == SH_M16N16K8;
    case ET_F64:
        return sh == SH_M8N8K4;
    default:
        return 0;
    }
}

static int lower_wmma_ldst(eng_lower *L, const ptx_insn *pi, int store)
{
    int fr = store ? FR_C : eng_has(pi, PTX_MOD_A) ? FR_A : eng_has(pi, PTX_MOD_B) ? FR_B
                            : eng_has(pi, PTX_MOD_C) ? FR_C : -1;
    int sh = shape_of(pi), et = et_of(eng_type(pi, 0));
    int col = eng_has(pi, PTX_MOD_COL);
    if (fr < 0 || sh < 0 || et < 0 || (!col && !eng_has(pi, PTX_MOD_ROW)) || pi->ntypes != 1)
        return eng_unsupported(L);
    if (store && !eng_has(pi, PTX_MOD_D))
        return eng_unsupported(L);
    /* the fragment's types: A/B of the input type, C/D of f16/f32/s32/f64 */
    int in_type = et == ET_F16 || et == ET_BF16 || et == ET_TF32 || et == ET_U8 || et == ET_S8 || et == ET_F64;
    int acc_type = et == ET_F16 || et == ET_F32 || et == ET_S32 || et == ET_F64;
    if (fr == FR_C ? !acc_type : !in_type)
        return eng_unsupported(L);
    if (fr != FR_C ? !wmma_shape_ok(sh, et)
                   : !(et == ET_F64 ? sh == SH_M8N8K4
                                    : sh == SH_M16N16K16 || sh == SH_M32N8K16 || sh == SH_M8N32K16 ||
                                          (sh == SH_M16N16K8 && et == ET_F32)))
        return eng_unsupported(L);
    if (pi->nopnds < 2 || pi->nopnds > 3)
        return eng_unsupported(L);
    const ptx_operand *frag = eng_op(L, store ? 1 : 0), *ad = eng_op(L, store ? 0 : 1);
    unsigned rw = reg_width_of(et), n;
    uint32_t vs;
    if (vec_slots(L, frag, rw, !store, &n, &vs) || n < regs_needed(sh, fr, et))
        return eng_unsupported(L);
    uint16_t mode = 0;
    uint32_t a, stride = ENG_F_ZERO;
    int64_t imm;
    int space = eng_space_of(pi);
    if (space == ENG_SP_KPARAM || eng_lower_address(L, ad, space, &mode, &a, &imm))
        return eng_unsupported(L);
    int has_stride = pi->nopnds == 3;
    if (has_stride) {
        const ptx_operand *so = eng_op(L, 2);
        if (so->kind == PTX_OPND_REG && eng_reg_width(L, so) != 4)
            return eng_unsupported(L);
        stride = eng_src(L, so, PTX_T_U32);
    }
    pthread_once(&tables_once, tables_init);
    eng_insn *e = eng_emit(L, store ? h_wmma_store : h_wmma_load);
    e->a = a;
    e->imm = imm;
    e->b = stride;
    e->c = vs;
    e->mode = mode;
    e->mode2 = (uint16_t)(n | (unsigned)et << 4 | (unsigned)fr << 8 | (unsigned)col << 10 |
                          (unsigned)has_stride << 11 | (unsigned)sh << 12);
    e->x = eng_range_index(L);
    return 0;
}

/* D, A, B, C vector operands into four consecutive vslots; register counts into *counts. */
static int mma_operands(eng_lower *L, const struct mma_op *op, uint16_t *counts, uint32_t *first)
{
    static const int frs[4] = {FR_C, FR_A, FR_B, FR_C};
    int ets[4] = {op->dt, op->at, op->bt, op->ct};
    uint32_t idx[4];
    unsigned n[4];
    for (int i = 0; i < 4; i++) {
        if (vec_slots(L, eng_op(L, (unsigned)i), reg_width_of(ets[i]), i == 0, &n[i], &idx[i]))
            return -1;
        if (i > 0 && idx[i] != idx[0] + (uint32_t)i)
            return -1;
    }
    *counts = (uint16_t)(n[0] | n[1] << 4 | n[2] << 8 | n[3] << 12);
    *first = idx[0];
    for (int i = 0; i < 4; i++)
        if (n[i] < regs_needed(op->sh, frs[i], ets[i]))
            return -1;
    return 0;
}

/* The types of wmma.mma / mma.sync: .dtype.ctype for f16 inputs (two types), else
 * .dtype.atype.btype.ctype. */
static int mma_types(const ptx_insn *pi, struct mma_op *op)
{
    if (pi->ntypes == 2) {
        op->dt = (uint8_t)et_of(eng_type(pi, 0));
        op->ct = (uint8_t)et_of(eng_type(pi, 1));
        op->at = op->bt = ET_F16;
    } else if (pi->ntypes == 4) {
        int t[4];
        for (unsigned i = 0; i < 4; i++)
            if ((t[i] = et_of(eng_type(pi, i))) < 0)
                return -1;
        op->dt = (uint8_t)t[0];
        op->at = (uint8_t)t[1];
        op->bt = (uint8_t)t[2];
        op->ct = (uint8_t)t[3];
    } else {
        return -1;
    }
    if (op->dt >= ET_COUNT || op->ct >= ET_COUNT)
        return -1;
    int fl = op->at == ET_F16 || op->at == ET_BF16 || op->at == ET_TF32;
    int in8 = op->at == ET_U8 || op->at == ET_S8;
    if (fl) {
        if (op->bt != op->at || (op->dt != ET_F32 && !(op->dt == ET_F16 && op->at == ET_F16)) ||
            (op->ct != ET_F32 && !(op->ct == ET_F16 && op->at == ET_F16)))
            return -1;
    } else if (in8) {
        if ((op->bt != ET_U8 && op->bt != ET_S8) || op->dt != ET_S32 || op->ct != ET_S32)
            return -1;
    } else if (op->at == ET_F64) {
        if (op->bt != ET_F64 || op->dt != ET_F64 || op->ct != ET_F64)
            return -1;
    } else {
        return -1;
    }
    return 0;
}

static int lower_mma_common(eng_lower *L, const ptx_insn *pi, int sync)
{
    struct mma_op op;
    memset(&op, 0, sizeof op);
    int sh = shape_of(pi);
    if (sh < 0 || mma_types(pi, &op) || pi->nopnds != 4)
        return eng_unsupported(L);
    op.sh = (uint8_t)sh;
    op.satf = (uint8_t)eng_has(pi, PTX_MOD_SATFINITE);
    int rnd = eng_rounding(pi);
    if (rnd != ENG_RND_DEFAULT && rnd != ENG_RND_RN)
        return eng_unsupported(L); /* directed rounding of f64 matrix products */
    if (!sync) {
        if (!wmma_shape_ok(sh, op.at) || (!sync && op.at != op.bt))
            return eng_unsupported(L);
    } else {
        int ok;
        switch (op.at) {
        case ET_F16:
        case ET_BF16: ok = sh == SH_M16N8K16 || sh == SH_M16N8K8; break;
        case ET_TF32: ok = sh == SH_M16N8K8 || sh == SH_M16N8K4; break;
        case ET_F64: ok = sh == SH_M8N8K4; break;
        default: ok = sh == SH_M16N8K32 || sh == SH_M16N8K16 || sh == SH_M8N8K16; break;
        }
        /* mma.sync's operands come in the order .row.col only */
        if (!ok || !eng_has(pi, PTX_MOD_ROW) || !eng_has(pi, PTX_MOD_COL))
            return eng_unsupported(L);
    }
    uint16_t counts;
    uint32_t first;
    if (mma_operands(L, &op, &counts, &first))
        return eng_unsupported(L);
    pthread_once(&tables_once, tables_init);
    eng_insn *e = eng_emit(L, sync ? h_mma_sync : h_wmma_mma);
    op.dt = (uint8_t)ct_code(op.dt);
    op.ct = (uint8_t)ct_code(op.ct);
    e->x = first;
    e->mode = counts;
    e->mode2 = pack_op(&op);
    return 0;
}

static int lower_ldstmatrix(eng_lower *L, const ptx_insn *pi, int store)
{
    unsigned nmat = eng_has(pi, PTX_MOD_X4) ? 4 : eng_has(pi, PTX_MOD_X2) ? 2 : eng_has(pi, PTX_MOD_X1) ? 1 : 0;
    ptx_type t = eng_type(pi, 0);
    if (!nmat || !eng_has(pi, PTX_MOD_M8N8) || (t != PTX_T_B16) || pi->ntypes != 1 || pi->nopnds != 2)
        return eng_unsupported(L);
    const ptx_operand *regs = eng_op(L, store ? 1 : 0), *ad = eng_op(L, store ? 0 : 1);
    unsigned n;
    uint32_t vs;
    if (vec_slots(L, regs, 4, !store, &n, &vs) || n != nmat)
        return eng_unsupported(L);
    int space = eng_space_of(pi);
    if (space != ENG_SP_SHARED && space != ENG_SP_GENERIC)
        return eng_unsupported(L);
    uint16_t mode = 0;
    uint32_t a;
    int64_t imm;
    if (eng_lower_address(L, ad, space, &mode, &a, &imm))
        return eng_unsupported(L);
    eng_insn *e = eng_emit(L, store ? h_stmatrix : h_ldmatrix);
    e->a = a;
    e->imm = imm;
    e->c = vs;
    e->mode = mode;
    e->mode2 = (uint16_t)(nmat << 1 | (unsigned)eng_has(pi, PTX_MOD_TRANS));
    e->x = eng_range_index(L);
    return 0;
}

int eng_lower_mma(eng_lower *L, const ptx_insn *pi)
{
    switch (pi->op) {
    case PTX_OP_WMMA:
        if (eng_has(pi, PTX_MOD_LOAD))
            return lower_wmma_ldst(L, pi, 0);
        if (eng_has(pi, PTX_MOD_STORE))
            return lower_wmma_ldst(L, pi, 1);
        if (eng_has(pi, PTX_MOD_MMA))
            return lower_mma_common(L, pi, 0);
        return eng_unsupported(L);
    case PTX_OP_MMA:
        return lower_mma_common(L, pi, 1);
    case PTX_OP_LDMATRIX:
        return lower_ldstmatrix(L, pi, 0);
    case PTX_OP_STMATRIX:
        return lower_ldstmatrix(L, pi, 1);
    case PTX_OP_MOVMATRIX: {
        const ptx_operand *d = eng_op(L, 0), *s = eng_op(L, 1);
        if (!eng_has(pi, PTX_MOD_TRANS) || !eng_has(pi, PTX_MOD_M8N8) || eng_type(pi, 0) != PTX_T_B16 ||
            eng_reg_width(L, d) != 4 || (s->kind == PTX_OPND_REG && eng_reg_width(L, s) != 4))
            return eng_unsupported(L);
        uint32_t ds = eng_dst(L, d), as = eng_src(L, s, PTX_T_B32);
        eng_insn *e = eng_emit(L, h_movmatrix);
        e->d = ds;
        e->a = as;
        return 0;
    }
    default:
        return eng_unsupported(L);
    }
}
