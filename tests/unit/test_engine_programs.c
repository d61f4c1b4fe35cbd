/*
 * test_engine_programs.c - whole kernels as nvcc emits them (tests/ptx/src/programs.cu, built
 * for the default compute_75 target and for sm_80 and sm_90) run through the engine, each
 * result computed independently on the host: reductions, scans, tiled matmul, histograms with
 * atomics, divergence, votes and shuffles, cooperative groups, recursion, structs by value,
 * function pointers, local arrays, 3-D grids, dynamic shared memory, every atomic, printf,
 * assert, device malloc, faults, fp16, float and double math.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../ptx/harness.h"

static const char *const variants[] = {"programs_sm75.ptx", "programs_sm80.ptx", "programs_sm90.ptx"};
#define NVARIANTS 3

static engine_module *load_variant(int v)
{
    return th_load(variants[v]);
}

START_TEST(prog_reductions_and_scan)
{
    for (int v = 0; v < NVARIANTS; v++) {
        engine_module *m = load_variant(v);
        /* block sums through shared memory */
        int n = 1000;
        int *in = th_alloc(sizeof(int) * 1024), *out = th_alloc(sizeof(int) * 4);
        for (int i = 0; i < n; i++)
            in[i] = (i * 37) % 101 - 50;
        void *a1[] = {&in, &out, &n};
        ck_assert_int_eq(th_launch(m, "reduce_shared", th_dim(4, 1, 1), th_dim(256, 1, 1), 0, a1), MU_SUCCESS);
        for (int b = 0; b < 4; b++) {
            int want = 0;
            for (int i = b * 256; i < (b + 1) * 256 && i < n; i++)
                want += in[i];
            ck_assert_int_eq(out[b], want);
        }
        /* warp shuffles and a float atomic */
        int nf = 100000;
        float *fin = th_alloc(sizeof(float) * (size_t)nf), *fout = th_alloc(sizeof(float));
        double want = 0;
        for (int i = 0; i < nf; i++) {
            fin[i] = (float)(i % 7);
            want += i % 7;
        }
        *fout = 0;
        void *a2[] = {&fin, &fout, &nf};
        ck_assert_int_eq(th_launch(m, "reduce_shfl", th_dim(8, 1, 1), th_dim(256, 1, 1), 0, a2), MU_SUCCESS);
        ck_assert_float_eq(*fout, (float)want);
        /* inclusive scan in dynamic shared memory */
        int *sin = th_alloc(sizeof(int) * 384), *sout = th_alloc(sizeof(int) * 384);
        for (int i = 0; i < 384; i++)
            sin[i] = i % 5 + 1;
        void *a3[] = {&sin, &sout};
        ck_assert_int_eq(th_launch(m, "scan_block", th_dim(3, 1, 1), th_dim(128, 1, 1), 128 * sizeof(int), a3),
                         MU_SUCCESS);
        for (int b = 0; b < 3; b++) {
            int s = 0;
            for (int t = 0; t < 128; t++) {
                s += sin[b * 128 + t];
                ck_assert_int_eq(sout[b * 128 + t], s);
            }
        }
        th_free(in);
        th_free(out);
        th_free(fin);
        th_free(fout);
        th_free(sin);
        th_free(sout);
        engine_module_unload(m);
    }
}
END_TEST

START_TEST(prog_matmul_and_histogram)
{
    for (int v = 0; v < NVARIANTS; v++) {
        engine_module *m = load_variant(v);
        int n = 64;
        float *A = th_alloc(sizeof(float) * 64 * 64), *B = th_alloc(sizeof(float) * 64 * 64),
              *C = th_alloc(sizeof(float) * 64 * 64);
        for (int i = 0; i < n * n; i++) {
            A[i] = (float)((i * 3) % 11 - 5);
            B[i] = (float)((i * 7) % 13 - 6);
        }
        void *a[] = {&A, &B, &C, &n};
        ck_assert_int_eq(th_launch(m, "matmul_tiled", th_dim(4, 4, 1), th_dim(16, 16, 1), 0, a), MU_SUCCESS);
        for (int r = 0; r < n; r++)
            for (int c = 0; c < n; c++) {
                float s = 0;
                for (int k = 0; k < n; k++)
                    s += A[r * n + k] * B[k * n + c];
                ck_assert_float_eq(C[r * n + c], s);
            }
        int nd = 100000;
        unsigned char *data = th_alloc((size_t)nd);
        unsigned *bins = th_alloc(sizeof(unsigned) * 64);
        unsigned want[64] = {0};
        for (int i = 0; i < nd; i++) {
            data[i] = (unsigned char)((i * 2654435761u) >> 13);
            want[data[i] & 63]++;
        }
        memset(bins, 0, sizeof(unsigned) * 64);
        void *h[] = {&data, &nd, &bins};
        ck_assert_int_eq(th_launch(m, "histogram", th_dim(16, 1, 1), th_dim(128, 1, 1), 0, h), MU_SUCCESS);
        for (int i = 0; i < 64; i++)
            ck_assert_uint_eq(bins[i], want[i]);
        th_free(A);
        th_free(B);
        th_free(C);
        th_free(data);
        th_free(bins);
        engine_module_unload(m);
    }
}
END_TEST

static int collatz(unsigned x)
{
    int s = 0;
    while (x != 1) {
        x = (x & 1) ? 3 * x + 1 : x / 2;
        s++;
    }
    return s;
}

START_TEST(prog_divergence)
{
    for (int v = 0; v < NVARIANTS; v++) {
        engine_module *m = load_variant(v);
        int n = 1000;
        int *out = th_alloc(sizeof(int) * 1024);
        for (int i = 0; i < 1024; i++)
            out[i] = 0x5eed;
        void *a[] = {&out, &n};
        ck_assert_int_eq(th_launch(m, "divergence", th_dim(4, 1, 1), th_dim(256, 1, 1), 0, a), MU_SUCCESS);
        for (int i = 0; i < 1024; i++) {
            int want;
            if (i >= n)
                want = 0x5eed;
            else if (i % 5 == 0)
                want = collatz((unsigned)i + 1);
            else if (i % 5 == 1)
                want = -i;
            else if (i % 5 == 2) {
                want = 0;
                for (int k = 0; k < i % 17; k++)
                    want += k * k;
            } else if (i % 5 == 3)
                want = (i & 8) ? 1000 + i : (i & 16) ? 2000 + i : 3000;
            else
                want = __builtin_popcount((unsigned)i) * 7;
            ck_assert_msg(out[i] == want, "divergence[%d] = %d, want %d", i, out[i], want);
        }
        th_free(out);
        engine_module_unload(m);
    }
}
END_TEST

START_TEST(prog_votes_and_shuffles)
{
    for (int v = 0; v < NVARIANTS; v++) {
        engine_module *m = load_variant(v);
        unsigned *out = th_alloc(sizeof(unsigned) * 32 * 5);
        void *a[] = {&out};
        ck_assert_int_eq(th_launch(m, "votes", th_dim(1, 1, 1), th_dim(32, 1, 1), 0, a), MU_SUCCESS);
        unsigned ball = 0;
        for (int t = 0; t < 32; t++)
            if (t % 3 == 0)
                ball |= 1u << t;
        for (int t = 0; t < 32; t++) {
            ck_assert_uint_eq(out[t * 5 + 0], ball);
            ck_assert_uint_eq(out[t * 5 + 1], 1);
            ck_assert_uint_eq(out[t * 5 + 2], 1);
            ck_assert_uint_eq(out[t * 5 + 3], (t & 1) ? 0xaaaaaaaau : 0);
            ck_assert_uint_eq(out[t * 5 + 4], t < 10 ? 0xccu : 0);
        }
        th_free(out);
        int *s = th_alloc(sizeof(int) * 32 * 4);
        static const int widths[] = {32, 16, 8};
        for (int wi = 0; wi < 3; wi++) {
            int width = widths[wi];
            void *b[] = {&s, &width};
            ck_assert_int_eq(th_launch(m, "shuffles", th_dim(1, 1, 1), th_dim(32, 1, 1), 0, b), MU_SUCCESS);
            for (int t = 0; t < 32; t++) {
                int base = t / width * width, lane = t % width;
                int idx = base + ((t * 7) & 31) % width;
                int up = lane >= 3 ? t - 3 : t;
                int down = lane + 5 < width ? t + 5 : t;
                int x = t ^ 6;
                ck_assert_int_eq(s[t * 4 + 0], idx * 10);
                ck_assert_int_eq(s[t * 4 + 1], up * 10);
                ck_assert_int_eq(s[t * 4 + 2], down * 10);
                ck_assert_int_eq(s[t * 4 + 3], x * 10);
            }
        }
        th_free(s);
        unsigned *r = th_alloc(sizeof(unsigned) * 32 * 3);
        void *c[] = {&r};
        ck_assert_int_eq(th_launch(m, "warp_reduce", th_dim(1, 1, 1), th_dim(32, 1, 1), 0, c), MU_SUCCESS);
        for (int t = 0; t < 32; t++) {
            ck_assert_uint_eq(r[t * 3 + 0], 496);
            ck_assert_uint_eq(r[t * 3 + 1], 31);
            ck_assert_uint_eq(r[t * 3 + 2], 0xfu << (4 * (t / 4)));
        }
        th_free(r);
        engine_module_unload(m);
    }
}
END_TEST

START_TEST(prog_cooperative_groups)
{
    for (int v = 0; v < NVARIANTS; v++) {
        engine_module *m = load_variant(v);
        int *out = th_alloc(sizeof(int) * 128);
        for (int i = 0; i < 128; i++)
            out[i] = -1;
        void *a[] = {&out};
        ck_assert_int_eq(th_launch(m, "cg_groups", th_dim(1, 1, 1), th_dim(64, 1, 1), 0, a), MU_SUCCESS);
        for (int tile = 0; tile < 4; tile++)
            ck_assert_int_eq(out[tile], 16 * 16 * tile + 120);
        for (int t = 0; t < 64; t++) {
            if (t % 3) {
                ck_assert_int_eq(out[64 + t], -1);
                continue;
            }
            int warp = t / 32, size = 0, rank = 0;
            for (int u = warp * 32; u < warp * 32 + 32; u++)
                if (u % 3 == 0) {
                    if (u < t)
                        rank++;
                    size++;
                }
            ck_assert_int_eq(out[64 + t], size * 100 + rank);
        }
        th_free(out);
        if (v > 0) { /* tiles over 32 threads need sm_80's reserved shared memory */
            int *big = th_alloc(sizeof(int) * 4);
            void *b[] = {&big};
            ck_assert_int_eq(th_launch(m, "cg_big_tiles", th_dim(2, 1, 1), th_dim(256, 1, 1), 0, b), MU_SUCCESS);
            for (int t = 0; t < 4; t++)
                ck_assert_int_eq(big[t], 64 * 64 * t + 64 * 63 / 2);
            th_free(big);
        }
        engine_module_unload(m);
    }
}
END_TEST

struct pair {
    int a;
    double b;
    char tag[6];
};

static long long fib(int n)
{
    return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

START_TEST(prog_calls)
{
    for (int v = 0; v < NVARIANTS; v++) {
        engine_module *m = load_variant(v);
        long long *fibs = th_alloc(sizeof(long long) * 64);
        struct pair *pairs = th_alloc(sizeof(struct pair) * 64);
        struct pair in = {5, 3.0, "hello"};
        void *a[] = {&fibs, &pairs, &in};
        ck_assert_int_eq(th_launch(m, "calls", th_dim(1, 1, 1), th_dim(64, 1, 1), 0, a), MU_SUCCESS);
        for (int t = 0; t < 64; t++) {
            ck_assert_int_eq(fibs[t], fib(t % 16));
            ck_assert_int_eq(pairs[t].a, 5 * t + 1);
            ck_assert(pairs[t].b == 1.5 + t);
            ck_assert_int_eq(pairs[t].tag[0], (char)('A' + t));
            ck_assert_int_eq(memcmp(pairs[t].tag + 1, "ello", 5), 0);
        }
        int *out = th_alloc(sizeof(int) * 48);
        void *b[] = {&out};
        ck_assert_int_eq(th_launch(m, "fnptrs", th_dim(1, 1, 1), th_dim(48, 1, 1), 0, b), MU_SUCCESS);
        for (int t = 0; t < 48; t++)
            ck_assert_int_eq(out[t], t % 3 == 0 ? t + 3 : t % 3 == 1 ? t * 3 : t - 3);
        int *idx = th_alloc(sizeof(int) * 64), *lo = th_alloc(sizeof(int) * 64);
        for (int t = 0; t < 64; t++)
            idx[t] = t * 13 + 5;
        void *c[] = {&idx, &lo};
        ck_assert_int_eq(th_launch(m, "local_array", th_dim(1, 1, 1), th_dim(64, 1, 1), 0, c), MU_SUCCESS);
        for (int t = 0; t < 64; t++)
            ck_assert_int_eq(lo[t], (idx[t] % 40) * t + ((idx[t] * 7) % 40) * t);
        th_free(fibs);
        th_free(pairs);
        th_free(out);
        th_free(idx);
        th_free(lo);
        engine_module_unload(m);
    }
}
END_TEST

START_TEST(prog_grids_and_shared)
{
    engine_module *m = load_variant(0);
    unsigned total = 3 * 2 * 2 * 4 * 3 * 2;
    unsigned *out = th_alloc(sizeof(unsigned) * total);
    void *a[] = {&out};
    ck_assert_int_eq(th_launch(m, "grid3d", th_dim(3, 2, 2), th_dim(4, 3, 2), 0, a), MU_SUCCESS);
    for (unsigned bz = 0; bz < 2; bz++)
        for (unsigned by = 0; by < 2; by++)
            for (unsigned bx = 0; bx < 3; bx++)
                for (unsigned tz = 0; tz < 2; tz++)
                    for (unsigned ty = 0; ty < 3; ty++)
                        for (unsigned tx = 0; tx < 4; tx++) {
                            unsigned bid = bx + 3 * (by + 2 * bz), tid = tx + 4 * (ty + 3 * tz);
                            unsigned want = bz << 24 | by << 16 | bx << 12 | tz << 8 | ty << 4 | tx;
                            ck_assert_uint_eq(out[bid * 24 + tid], want);
                        }
    int n = 300;
    int *so = th_alloc(sizeof(int) * 64);
    void *b[] = {&so, &n};
    ck_assert_int_eq(th_launch(m, "dyn_shared", th_dim(2, 1, 1), th_dim(64, 1, 1), (size_t)n * sizeof(int), b),
                     MU_SUCCESS);
    for (int t = 0; t < 64; t++)
        ck_assert_int_eq(so[t], 3 * (n * (n - 1) / 2));
    th_free(out);
    th_free(so);
    engine_module_unload(m);
}
END_TEST

START_TEST(prog_atomics)
{
    for (int v = 0; v < NVARIANTS; v++) {
        engine_module *m = load_variant(v);
        int *iv = th_alloc(sizeof(int) * 4);
        unsigned *uv = th_alloc(sizeof(unsigned) * 6);
        unsigned long long *u64 = th_alloc(sizeof(unsigned long long) * 2);
        float *fv = th_alloc(sizeof(float));
        double *dv = th_alloc(sizeof(double));
        iv[0] = 10;
        iv[1] = 0;
        iv[2] = -5;
        iv[3] = 5;
        uv[0] = ~0u;
        uv[1] = 0;
        uv[2] = 0;
        uv[3] = 0;
        uv[4] = 0;
        uv[5] = 0;
        u64[0] = 1ull << 40;
        u64[1] = 0;
        *fv = 1.0f;
        *dv = 2.0;
        void *a[] = {&iv, &uv, &u64, &fv, &dv};
        unsigned nt = 8 * 64;
        ck_assert_int_eq(th_launch(m, "atomics", th_dim(8, 1, 1), th_dim(64, 1, 1), 0, a), MU_SUCCESS);
        ck_assert_int_eq(iv[0], 10 + (int)nt);
        ck_assert_int_eq(iv[1], -2 * (int)nt);
        ck_assert_int_eq(iv[2], (int)nt - 1);
        ck_assert_int_eq(iv[3], -((int)nt - 1));
        ck_assert_uint_eq(uv[0], 0);
        ck_assert_uint_eq(uv[1], ~0u);
        unsigned x = 0;
        for (unsigned t = 0; t < nt; t++)
            x ^= 1u << (t % 7);
        ck_assert_uint_eq(uv[2], x);
        unsigned inc = 0, dec = 0;
        for (unsigned t = 0; t < nt; t++) {
            inc = inc >= 9 ? 0 : inc + 1;
            dec = (dec == 0 || dec > 5) ? 5 : dec - 1;
        }
        ck_assert_uint_eq(uv[3], inc);
        ck_assert_uint_eq(uv[4], dec);
        ck_assert_uint_eq(uv[5], 77);
        ck_assert(u64[0] == (1ull << 40) + (unsigned long long)nt * (nt - 1) / 2);
        ck_assert(u64[1] == 3ull * nt);
        ck_assert_float_eq(*fv, 1.0f + 0.5f * (float)nt);
        ck_assert(*dv == 2.0 + 0.25 * nt);
        th_free(iv);
        th_free(uv);
        th_free(u64);
        th_free(fv);
        th_free(dv);
        engine_module_unload(m);
    }
}
END_TEST

struct launch_ctx {
    engine_module *m;
    const char *name;
    dim3 grid, block;
    void **args;
    MUresult r;
};

static void do_launch(void *p)
{
    struct launch_ctx *c = p;
    c->r = th_launch(c->m, c->name, c->grid, c->block, 0, c->args);
}

START_TEST(prog_printf_assert_malloc)
{
    engine_module *m = load_variant(0);
    int x = 42;
    double y = 3.14159;
    void *a[] = {&x, &y};
    struct launch_ctx c = {m, "printer", th_dim(1, 1, 1), th_dim(32, 1, 1), a, 0};
    char *out = th_capture(1, do_launch, &c);
    ck_assert_int_eq(c.r, MU_SUCCESS);
    ck_assert_str_eq(out, "thread 0: x=42 y=3.142 s=str c=Q hex=0xff ll=-1234567890123\n"
                          "thread 1: x=42 y=3.142 s=str c=Q hex=0xff ll=-1234567890123\n");
    free(out);
    int limit = 5;
    void *b[] = {&limit};
    struct launch_ctx d = {m, "asserter", th_dim(2, 1, 1), th_dim(8, 1, 1), b, 0};
    char *err = th_capture(2, do_launch, &d);
    ck_assert_int_eq(d.r, MU_ERROR_ASSERT);
    ck_assert_msg(strstr(err, "programs.cu:") && strstr(err, "asserter") &&
                      strstr(err, "block: [0,0,0], thread: [5,0,0] Assertion `threadIdx.x < limit` failed."),
                  "assert message: %s", err);
    free(err);
    int *h = th_alloc(sizeof(int) * 64);
    void *e[] = {&h};
    ck_assert_int_eq(th_launch(m, "heap", th_dim(1, 1, 1), th_dim(64, 1, 1), 0, e), MU_SUCCESS);
    for (int t = 0; t < 64; t++)
        ck_assert_int_eq(h[t], 16 * t + 120);
    th_free(h);
    engine_module_unload(m);
}
END_TEST

START_TEST(prog_faults)
{
    engine_module *m = load_variant(0);
    int *p = th_alloc(64);
    long long off = 1 << 20;
    void *a[] = {&p, &off};
    struct launch_ctx c = {m, "oob_write", th_dim(1, 1, 1), th_dim(32, 1, 1), a, 0};
    char *err = th_capture(2, do_launch, &c);
    ck_assert_int_eq(c.r, MU_ERROR_ILLEGAL_ADDRESS);
    ck_assert_msg(strstr(err, "cushim: kernel oob_write: illegal address") && strstr(err, "thread (5,0,0)") &&
                      strstr(err, "PTX line"),
                  "fault message: %s", err);
    free(err);
    /* the process survives and the next launch works */
    off = 3;
    ck_assert_int_eq(th_launch(m, "oob_write", th_dim(1, 1, 1), th_dim(32, 1, 1), 0, a), MU_SUCCESS);
    ck_assert_int_eq(p[3], 1);
    struct launch_ctx t = {m, "trapper", th_dim(1, 1, 1), th_dim(32, 1, 1), NULL, 0};
    free(th_capture(2, do_launch, &t));
    ck_assert_int_eq(t.r, MU_ERROR_LAUNCH_FAILURE);
    th_free(p);
    engine_module_unload(m);
}
END_TEST

/* round a float to the nearest half value (ties to even), as a float */
static float to_half(float x)
{
    if (isnan(x) || isinf(x) || x == 0)
        return x;
    int e;
    frexpf(x, &e); /* |x| in [2^(e-1), 2^e) */
    int q = e - 11;  /* ulp exponent for 11 significant bits */
    if (q < -24)
        q = -24;
    float r = ldexpf(nearbyintf(ldexpf(x, -q)), q);
    if (fabsf(r) > 65504.0f)
        r = copysignf(INFINITY, x);
    return r;
}

static uint16_t half_bits(float h)
{
    /* h is exactly representable as a half */
    uint32_t u;
    memcpy(&u, &h, 4);
    uint16_t s = (uint16_t)((u >> 16) & 0x8000);
    float a = fabsf(h);
    if (a == 0)
        return s;
    if (isinf(a))
        return s | 0x7c00;
    int e;
    frexpf(a, &e);
    if (e - 1 < -14) /* subnormal: units of 2^-24 */
        return s | (uint16_t)ldexpf(a, 24);
    return s | (uint16_t)((e - 1 + 15) << 10) | (uint16_t)(ldexpf(a, 11 - e) - 1024);
}

START_TEST(prog_half_float_double)
{
    for (int v = 0; v < NVARIANTS; v++) {
        engine_module *m = load_variant(v);
        static const float av[] = {1.5f, -2.25f, 0.099975586f, 1000.0f, 65504.0f, 0.000061035156f, -3.0f, 7.0f};
        static const float bv[] = {2.0f, 0.5f, 3.0f, 64.0f, 2.0f, 0.25f, -3.0f, 0.0009765625f};
        uint16_t *ha = th_alloc(16), *hb = th_alloc(16), *ho = th_alloc(64);
        float *fo = th_alloc(64);
        for (int i = 0; i < 8; i++) {
            ha[i] = half_bits(av[i]);
            hb[i] = half_bits(bv[i]);
        }
        void *a[] = {&ha, &hb, &ho, &fo};
        ck_assert_int_eq(th_launch(m, "halfs", th_dim(1, 1, 1), th_dim(8, 1, 1), 0, a), MU_SUCCESS);
        for (int i = 0; i < 8; i++) {
            float x = av[i], y = bv[i];
            ck_assert_msg(ho[i * 4 + 0] == half_bits(to_half(x + y)), "hadd %d: %#x", i, ho[i * 4 + 0]);
            ck_assert_msg(ho[i * 4 + 1] == half_bits(to_half(x * y)), "hmul %d: %#x", i, ho[i * 4 + 1]);
            ck_assert_msg(ho[i * 4 + 2] == half_bits(to_half((float)fma(x, y, x))), "hfma %d: %#x", i, ho[i * 4 + 2]);
            ck_assert_uint_eq(ho[i * 4 + 3], half_bits(x < y ? x : y));
            ck_assert_float_eq(fo[i * 2 + 0], to_half(x * x) + to_half(y * y));
            ck_assert_float_eq(fo[i * 2 + 1], x * 2.0f);
        }
        th_free(ha);
        th_free(hb);
        th_free(ho);
        th_free(fo);
        double *din = th_alloc(sizeof(double) * 16), *dout = th_alloc(sizeof(double) * 64);
        for (int i = 0; i < 16; i++)
            din[i] = 0.37 * i + 0.01;
        void *b[] = {&din, &dout};
        ck_assert_int_eq(th_launch(m, "doubles", th_dim(1, 1, 1), th_dim(16, 1, 1), 0, b), MU_SUCCESS);
        for (int i = 0; i < 16; i++) {
            double x = din[i];
            double want[4] = {sqrt(x), exp(x / 4), sin(x), log1p(x) + pow(x, 1.5)};
            for (int k = 0; k < 4; k++)
                ck_assert_msg(fabs(dout[i * 4 + k] - want[k]) <= 1e-14 * fabs(want[k]) + 1e-300, "doubles[%d][%d] = %.17g, want %.17g",
                              i, k, dout[i * 4 + k], want[k]);
        }
        th_free(din);
        th_free(dout);
        float *xin = th_alloc(sizeof(float) * 32), *xout = th_alloc(sizeof(float) * 32 * 6);
        for (int i = 0; i < 32; i++)
            xin[i] = 0.21f * (float)i + 0.05f;
        void *c[] = {&xin, &xout};
        ck_assert_int_eq(th_launch(m, "floats", th_dim(1, 1, 1), th_dim(32, 1, 1), 0, c), MU_SUCCESS);
        for (int i = 0; i < 32; i++) {
            float x = xin[i];
            double want[6] = {sin(x), exp(x / 8.0), log(x + 1.0), sin(x) + exp(x / 8.0), x / 3.0, 1 / sqrt(x + 1.0)};
            double tol[6] = {3e-7, 3e-7, 3e-7, 3e-6, 2e-7, 3e-7};
            for (int k = 0; k < 6; k++)
                ck_assert_msg(fabs(xout[i * 6 + k] - want[k]) <= tol[k] * (fabs(want[k]) + 1.0), "floats[%d][%d] = %.9g, want %.9g", i,
                              k, xout[i * 6 + k], want[k]);
        }
        th_free(xin);
        th_free(xout);
        engine_module_unload(m);
    }
}
END_TEST

START_TEST(prog_independent_scheduling)
{
    for (int v = 0; v < NVARIANTS; v++) {
        engine_module *m = load_variant(v);
        /* every lane of every warp takes a global spin lock once */
        int *lock = th_alloc(sizeof(int)), *counter = th_alloc(sizeof(int));
        *lock = 0;
        *counter = 0;
        void *a[] = {&lock, &counter};
        ck_assert_int_eq(th_launch(m, "lane_spinlock", th_dim(4, 1, 1), th_dim(64, 1, 1), 0, a), MU_SUCCESS);
        ck_assert_int_eq(*counter, 256);
        ck_assert_int_eq(*lock, 0);
        /* warp 0 spins on a shared flag that warp 1 sets without a barrier */
        int *out = th_alloc(sizeof(int) * 32);
        void *b[] = {&out};
        ck_assert_int_eq(th_launch(m, "warp_flag", th_dim(2, 1, 1), th_dim(64, 1, 1), 0, b), MU_SUCCESS);
        for (int t = 0; t < 32; t++)
            ck_assert_int_eq(out[t], 99);
        /* lanes that returned early are not part of later warp collectives */
        unsigned *po = th_alloc(sizeof(unsigned) * 96);
        memset(po, 0xff, sizeof(unsigned) * 96);
        void *c[] = {&po};
        ck_assert_int_eq(th_launch(m, "partial_exit", th_dim(1, 1, 1), th_dim(32, 1, 1), 0, c), MU_SUCCESS);
        unsigned mask = 0, ball = 0, sum = 0;
        for (unsigned t = 0; t < 32; t++)
            if (t % 4 != 3) {
                mask |= 1u << t;
                if (t & 1)
                    ball |= 1u << t;
                sum += t;
            }
        for (unsigned t = 0; t < 32; t++) {
            if (t % 4 == 3) {
                ck_assert_uint_eq(po[t * 3], 0xffffffffu);
                continue;
            }
            ck_assert_uint_eq(po[t * 3 + 0], mask);
            ck_assert_uint_eq(po[t * 3 + 1], ball);
            ck_assert_uint_eq(po[t * 3 + 2], sum);
        }
        th_free(lock);
        th_free(counter);
        th_free(out);
        th_free(po);
        engine_module_unload(m);
    }
}
END_TEST

START_TEST(prog_grid_sync)
{
    for (int v = 0; v < NVARIANTS; v++) {
        engine_module *m = load_variant(v);
        int nb = 12;
        int *parts = th_alloc(sizeof(int) * 16), *out = th_alloc(sizeof(int) * 16);
        void *args[] = {&parts, &out};
        struct engine_launch l;
        memset(&l, 0, sizeof l);
        l.grid = th_dim((unsigned)nb, 1, 1);
        l.block = th_dim(64, 1, 1);
        l.cooperative = 1;
        l.args = args;
        l.host = th_host();
        ck_assert_int_eq(engine_launch(engine_module_kernel(m, "grid_sync"), &l), MU_SUCCESS);
        int s = nb * (nb + 1) / 2;
        for (int b = 0; b < nb; b++)
            ck_assert_int_eq(out[b], 2 * s + nb * 64);
        th_free(parts);
        th_free(out);
        engine_module_unload(m);
    }
}
END_TEST

Suite *suite_engine_programs(void)
{
    Suite *s = suite_create("engine_programs");
    TCase *tc = tcase_create("programs");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, prog_reductions_and_scan);
    tcase_add_test(tc, prog_matmul_and_histogram);
    tcase_add_test(tc, prog_divergence);
    tcase_add_test(tc, prog_votes_and_shuffles);
    tcase_add_test(tc, prog_cooperative_groups);
    tcase_add_test(tc, prog_calls);
    tcase_add_test(tc, prog_grids_and_shared);
    tcase_add_test(tc, prog_atomics);
    tcase_add_test(tc, prog_printf_assert_malloc);
    tcase_add_test(tc, prog_faults);
    tcase_add_test(tc, prog_half_float_double);
    tcase_add_test(tc, prog_independent_scheduling);
    tcase_add_test(tc, prog_grid_sync);
    suite_add_tcase(s, tc);
    return s;
}
