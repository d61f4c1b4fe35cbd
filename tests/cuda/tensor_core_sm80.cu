// nvcc-flags: -arch=sm_80
// tensor_core_sm80.cu - the sm_80 matrix operations: wmma with bf16, tf32 (after
// cvt.rna.tf32.f32) and f64 inputs, and the instructions whose fragment layouts the PTX ISA
// specifies, written as inline PTX the way hand-tuned kernels use them: ldmatrix (.x1/.x2/.x4,
// .trans), mma.sync (f16, bf16, tf32, f64, s8) and movmatrix; stmatrix where built for sm_90.
// Each lane's registers are placed and read with the ISA's formulas (g = lane / 4,
// t = lane % 4); every expectation is a host matrix product.
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <mma.h>

#include <cmath>
#include <vector>

#include "common.h"

using namespace nvcuda;

// ---- wmma with the sm_80 types ----

template <int M, int N, int K, typename LA, typename LB>
__global__ void wmma_bf16(const __nv_bfloat16 *a, int lda, const __nv_bfloat16 *b, int ldb, float *d)
{
    wmma::fragment<wmma::matrix_a, M, N, K, __nv_bfloat16, LA> fa;
    wmma::fragment<wmma::matrix_b, M, N, K, __nv_bfloat16, LB> fb;
    wmma::fragment<wmma::accumulator, M, N, K, float> fc;
    wmma::fill_fragment(fc, 1.0f);
    wmma::load_matrix_sync(fa, a, lda);
    wmma::load_matrix_sync(fb, b, ldb);
    wmma::mma_sync(fc, fa, fb, fc);
    wmma::store_matrix_sync(d, fc, N, wmma::mem_row_major);
}

__global__ void wmma_tf32(const float *a, const float *b, const float *c, float *d)
{
    wmma::fragment<wmma::matrix_a, 16, 16, 8, wmma::precision::tf32, wmma::row_major> fa;
    wmma::fragment<wmma::matrix_b, 16, 16, 8, wmma::precision::tf32, wmma::col_major> fb;
    wmma::fragment<wmma::accumulator, 16, 16, 8, float> fc;
    wmma::load_matrix_sync(fa, a, 8);
    wmma::load_matrix_sync(fb, b, 8);
    for (int i = 0; i < fa.num_elements; i++)
        fa.x[i] = wmma::__float_to_tf32(fa.x[i]);
    for (int i = 0; i < fb.num_elements; i++)
        fb.x[i] = wmma::__float_to_tf32(fb.x[i]);
    wmma::load_matrix_sync(fc, c, 16, wmma::mem_col_major);
    wmma::mma_sync(fc, fa, fb, fc);
    wmma::store_matrix_sync(d, fc, 16, wmma::mem_row_major);
}

__global__ void wmma_f64(const double *a, const double *b, const double *c, double *d)
{
    __shared__ double sa[8 * 4], sb[4 * 8];
    sa[threadIdx.x] = a[threadIdx.x];
    sb[threadIdx.x] = b[threadIdx.x];
    __syncwarp();
    wmma::fragment<wmma::matrix_a, 8, 8, 4, double, wmma::row_major> fa;
    wmma::fragment<wmma::matrix_b, 8, 8, 4, double, wmma::row_major> fb;
    wmma::fragment<wmma::accumulator, 8, 8, 4, double> fc;
    wmma::load_matrix_sync(fa, sa, 4);
    wmma::load_matrix_sync(fb, sb, 8);
    wmma::load_matrix_sync(fc, c, 8, wmma::mem_row_major);
    wmma::mma_sync(fc, fa, fb, fc);
    wmma::store_matrix_sync(d, fc, 8, wmma::mem_col_major);
}

// ---- ldmatrix, movmatrix, stmatrix ----

// Four 8 x 8 matrices of 16-bit values in shared memory; row r of matrix j is stored at row
// (r * 3 + j) % 8 of slab j, so each lane's address matters.  Every lane writes its registers
// for .x1, .x2, .x4 and .x4.trans, and the movmatrix transpose of its .x1 register.
__global__ void ldmatrix_kernel(const unsigned short *src, unsigned *out)
{
    __shared__ __align__(16) unsigned short s[4 * 64];
    for (int i = threadIdx.x; i < 4 * 64; i += 32)
        s[i] = src[i];
    __syncwarp();
    int l = threadIdx.x, j = l / 8, r = l % 8;
    unsigned addr = (unsigned)__cvta_generic_to_shared(&s[j * 64 + ((r * 3 + j) % 8) * 8]);
    unsigned x1, x2[2], x4[4], t4[4], mv;
    asm volatile("ldmatrix.sync.aligned.m8n8.x1.shared.b16 {%0}, [%1];" : "=r"(x1) : "r"(addr));
    asm volatile("ldmatrix.sync.aligned.m8n8.x2.shared.b16 {%0, %1}, [%2];" : "=r"(x2[0]), "=r"(x2[1]) : "r"(addr));
    asm volatile("ldmatrix.sync.aligned.m8n8.x4.shared.b16 {%0, %1, %2, %3}, [%4];"
                 : "=r"(x4[0]), "=r"(x4[1]), "=r"(x4[2]), "=r"(x4[3]) : "r"(addr));
    asm volatile("ldmatrix.sync.aligned.m8n8.x4.trans.shared.b16 {%0, %1, %2, %3}, [%4];"
                 : "=r"(t4[0]), "=r"(t4[1]), "=r"(t4[2]), "=r"(t4[3]) : "r"(addr));
    asm volatile("movmatrix.sync.aligned.m8n8.trans.b16 %0, %1;" : "=r"(mv) : "r"(x1));
    unsigned *o = out + l * 12;
    o[0] = x1;
    o[1] = x2[0];
    o[2] = x2[1];
    for (int k = 0; k < 4; k++) {
        o[3 + k] = x4[k];
        o[7 + k] = t4[k];
    }
    o[11] = mv;
}

// stmatrix (sm_90) writes back what ldmatrix read, transposed with .trans; out[0] says it ran.
__global__ void stmatrix_kernel(const unsigned short *src, unsigned short *dst, int *ran)
{
#if __CUDA_ARCH__ >= 900
    __shared__ __align__(16) unsigned short s[4 * 64], t[4 * 64];
    for (int i = threadIdx.x; i < 4 * 64; i += 32)
        s[i] = src[i];
    __syncwarp();
    int l = threadIdx.x;
    unsigned in = (unsigned)__cvta_generic_to_shared(&s[l * 8]);
    unsigned outa = (unsigned)__cvta_generic_to_shared(&t[l * 8]);
    unsigned r0, r1, r2, r3;
    asm volatile("ldmatrix.sync.aligned.m8n8.x4.shared.b16 {%0, %1, %2, %3}, [%4];"
                 : "=r"(r0), "=r"(r1), "=r"(r2), "=r"(r3) : "r"(in));
    asm volatile("stmatrix.sync.aligned.m8n8.x4.trans.shared.b16 [%0], {%1, %2, %3, %4};"
                 :: "r"(outa), "r"(r0), "r"(r1), "r"(r2), "r"(r3) : "memory");
    __syncwarp();
    for (int i = threadIdx.x; i < 4 * 64; i += 32)
        dst[i] = t[i];
    if (l == 0)
        *ran = 1;
#else
    (void)src;
    (void)dst;
    (void)ran;
#endif
}

// ---- mma.sync ----

// m16n8k16 f16 -> f32: A (16 x 16, row-major) by ldmatrix.x4, B (16 x 8, K x N row-major) by
// ldmatrix.x2.trans, C and D through the accumulator layout.
__global__ void mma_f16(const half *a, const half *b, const float *c, float *d)
{
    __shared__ __align__(16) half sa[16 * 16], sb[16 * 8];
    for (int i = threadIdx.x; i < 256; i += 32)
        sa[i] = a[i];
    for (int i = threadIdx.x; i < 128; i += 32)
        sb[i] = b[i];
    __syncwarp();
    int l = threadIdx.x, g = l / 4, t = l % 4;
    unsigned a0, a1, a2, a3, b0, b1;
    unsigned pa = (unsigned)__cvta_generic_to_shared(&sa[(l % 16) * 16 + (l / 16) * 8]);
    unsigned pb = (unsigned)__cvta_generic_to_shared(&sb[(l % 16) * 8]);
    asm volatile("ldmatrix.sync.aligned.m8n8.x4.shared.b16 {%0, %1, %2, %3}, [%4];"
                 : "=r"(a0), "=r"(a1), "=r"(a2), "=r"(a3) : "r"(pa));
    asm volatile("ldmatrix.sync.aligned.m8n8.x2.trans.shared.b16 {%0, %1}, [%2];" : "=r"(b0), "=r"(b1) : "r"(pb));
    float c0 = c[g * 8 + 2 * t], c1 = c[g * 8 + 2 * t + 1], c2 = c[(g + 8) * 8 + 2 * t], c3 = c[(g + 8) * 8 + 2 * t + 1];
    float d0, d1, d2, d3;
    asm volatile("mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32 {%0, %1, %2, %3}, {%4, %5, %6, %7}, {%8, %9}, "
                 "{%10, %11, %12, %13};"
                 : "=f"(d0), "=f"(d1), "=f"(d2), "=f"(d3)
                 : "r"(a0), "r"(a1), "r"(a2), "r"(a3), "r"(b0), "r"(b1), "f"(c0), "f"(c1), "f"(c2), "f"(c3));
    d[g * 8 + 2 * t] = d0;
    d[g * 8 + 2 * t + 1] = d1;
    d[(g + 8) * 8 + 2 * t] = d2;
    d[(g + 8) * 8 + 2 * t + 1] = d3;
}

static __device__ unsigned pack_bf16(const __nv_bfloat16 *p, int i, int j)
{
    return (unsigned)__bfloat16_as_ushort(p[i]) | (unsigned)__bfloat16_as_ushort(p[j]) << 16;
}

// m16n8k8 bf16 -> f32, registers placed from global memory with the ISA's formulas:
// a{0,1}: (g, 2t..2t+1), a{2,3}: (g+8, 2t..); b{0,1}: (2t..2t+1, g); D as for f16.
__global__ void mma_bf16(const __nv_bfloat16 *a, const __nv_bfloat16 *b, float *d)
{
    int l = threadIdx.x, g = l / 4, t = l % 4;
    unsigned a0 = pack_bf16(a, g * 8 + 2 * t, g * 8 + 2 * t + 1);
    unsigned a1 = pack_bf16(a, (g + 8) * 8 + 2 * t, (g + 8) * 8 + 2 * t + 1);
    unsigned b0 = pack_bf16(b, (2 * t) * 8 + g, (2 * t + 1) * 8 + g);
    float d0, d1, d2, d3;
    asm volatile("mma.sync.aligned.m16n8k8.row.col.f32.bf16.bf16.f32 {%0, %1, %2, %3}, {%4, %5}, {%6}, "
                 "{%7, %7, %7, %7};"
                 : "=f"(d0), "=f"(d1), "=f"(d2), "=f"(d3) : "r"(a0), "r"(a1), "r"(b0), "f"(0.5f));
    d[g * 8 + 2 * t] = d0;
    d[g * 8 + 2 * t + 1] = d1;
    d[(g + 8) * 8 + 2 * t] = d2;
    d[(g + 8) * 8 + 2 * t + 1] = d3;
}

// m16n8k8 tf32: a0 (g, t), a1 (g+8, t), a2 (g, t+4), a3 (g+8, t+4); b0 (t, g), b1 (t+4, g).
__global__ void mma_tf32(const float *a, const float *b, float *d)
{
    int l = threadIdx.x, g = l / 4, t = l % 4;
    unsigned a0, a1, a2, a3, b0, b1;
    asm("cvt.rna.tf32.f32 %0, %1;" : "=r"(a0) : "f"(a[g * 8 + t]));
    asm("cvt.rna.tf32.f32 %0, %1;" : "=r"(a1) : "f"(a[(g + 8) * 8 + t]));
    asm("cvt.rna.tf32.f32 %0, %1;" : "=r"(a2) : "f"(a[g * 8 + t + 4]));
    asm("cvt.rna.tf32.f32 %0, %1;" : "=r"(a3) : "f"(a[(g + 8) * 8 + t + 4]));
    asm("cvt.rna.tf32.f32 %0, %1;" : "=r"(b0) : "f"(b[t * 8 + g]));
    asm("cvt.rna.tf32.f32 %0, %1;" : "=r"(b1) : "f"(b[(t + 4) * 8 + g]));
    float d0, d1, d2, d3;
    asm volatile("mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32 {%0, %1, %2, %3}, {%4, %5, %6, %7}, {%8, %9}, "
                 "{%10, %10, %10, %10};"
                 : "=f"(d0), "=f"(d1), "=f"(d2), "=f"(d3)
                 : "r"(a0), "r"(a1), "r"(a2), "r"(a3), "r"(b0), "r"(b1), "f"(0.0f));
    d[g * 8 + 2 * t] = d0;
    d[g * 8 + 2 * t + 1] = d1;
    d[(g + 8) * 8 + 2 * t] = d2;
    d[(g + 8) * 8 + 2 * t + 1] = d3;
}

// m8n8k4 f64: a0 (g, t), b0 (t, g), c/d {0,1}: (g, 2t..2t+1).
__global__ void mma_f64(const double *a, const double *b, const double *c, double *d)
{
    int l = threadIdx.x, g = l / 4, t = l % 4;
    double d0, d1;
    asm volatile("mma.sync.aligned.m8n8k4.row.col.f64.f64.f64.f64 {%0, %1}, {%2}, {%3}, {%4, %5};"
                 : "=d"(d0), "=d"(d1)
                 : "d"(a[g * 4 + t]), "d"(b[t * 8 + g]), "d"(c[g * 8 + 2 * t]), "d"(c[g * 8 + 2 * t + 1]));
    d[g * 8 + 2 * t] = d0;
    d[g * 8 + 2 * t + 1] = d1;
}

// m16n8k32 s8 x s8 -> s32 with .satfinite: each register holds four k-consecutive bytes;
// a0 (g, 4t..), a1 (g+8, 4t..), a2 (g, 16+4t..), a3 (g+8, 16+4t..); B is given as N x K
// (B^T row-major): b0 (4t.., g), b1 (16+4t.., g).
__global__ void mma_s8(const int *a, const int *bt, const int *c, int *d)
{
    int l = threadIdx.x, g = l / 4, t = l % 4;
    int a0 = a[g * 8 + t], a1 = a[(g + 8) * 8 + t], a2 = a[g * 8 + 4 + t], a3 = a[(g + 8) * 8 + 4 + t];
    int b0 = bt[g * 8 + t], b1 = bt[g * 8 + 4 + t];
    int d0, d1, d2, d3;
    asm volatile("mma.sync.aligned.m16n8k32.row.col.satfinite.s32.s8.s8.s32 {%0, %1, %2, %3}, {%4, %5, %6, %7}, "
                 "{%8, %9}, {%10, %11, %12, %13};"
                 : "=r"(d0), "=r"(d1), "=r"(d2), "=r"(d3)
                 : "r"(a0), "r"(a1), "r"(a2), "r"(a3), "r"(b0), "r"(b1), "r"(c[g * 8 + 2 * t]),
                   "r"(c[g * 8 + 2 * t + 1]), "r"(c[(g + 8) * 8 + 2 * t]), "r"(c[(g + 8) * 8 + 2 * t + 1]));
    d[g * 8 + 2 * t] = d0;
    d[g * 8 + 2 * t + 1] = d1;
    d[(g + 8) * 8 + 2 * t] = d2;
    d[(g + 8) * 8 + 2 * t + 1] = d3;
}

// ---- host side ----

template <typename T> static T *to_dev(const std::vector<T> &h)
{
    T *p;
    CHECK(cudaMalloc(&p, h.size() * sizeof(T) + 16));
    CHECK(cudaMemcpy(p, h.data(), h.size() * sizeof(T), cudaMemcpyHostToDevice));
    return p;
}

template <typename T> static std::vector<T> from_dev(const T *p, size_t n)
{
    std::vector<T> h(n);
    CHECK(cudaMemcpy(h.data(), p, n * sizeof(T), cudaMemcpyDeviceToHost));
    return h;
}

static float small(unsigned &s)
{
    s = s * 1664525u + 1013904223u;
    return (float)((int)((s >> 9) % 33) - 16) * 0.125f;
}

// Round an f32 to tf32 (10 mantissa bits), to nearest with ties away from zero.
static float tf32_rna(float x)
{
    unsigned u;
    memcpy(&u, &x, 4);
    if ((u & 0x7f800000u) != 0x7f800000u)
        u = (u + 0x1000u) & 0xffffe000u;
    float r;
    memcpy(&r, &u, 4);
    return r;
}

static void check_close(const char *what, const std::vector<float> &got, const std::vector<double> &want, double tol)
{
    int bad = 0;
    for (size_t i = 0; i < want.size(); i++)
        if (fabs(got[i] - want[i]) > tol * (1 + fabs(want[i])) && bad++ < 4)
            fprintf(stderr, "%s: [%zu] = %.9g, expected %.9g\n", what, i, got[i], want[i]);
    EXPECT(bad == 0);
}

template <int M, int N, int K, typename LA, typename LB> static void test_wmma_bf16(const char *what)
{
    const bool a_col = std::is_same<LA, wmma::col_major>::value, b_col = std::is_same<LB, wmma::col_major>::value;
    int lda = (a_col ? M : K) + 8, ldb = (b_col ? K : N) + 8;
    std::vector<__nv_bfloat16> ha(48 * 48), hb(48 * 48);
    std::vector<float> fa(ha.size()), fb(hb.size());
    unsigned s = 5u + M;
    for (size_t i = 0; i < ha.size(); i++) {
        ha[i] = __float2bfloat16(small(s) * 1.0078125f); // rounded to bf16's 8 bits
        hb[i] = __float2bfloat16(small(s));
        fa[i] = __bfloat162float(ha[i]);
        fb[i] = __bfloat162float(hb[i]);
    }
    __nv_bfloat16 *da = to_dev(ha), *db = to_dev(hb);
    float *dd;
    CHECK(cudaMalloc(&dd, M * N * 4));
    wmma_bf16<M, N, K, LA, LB><<<1, 32>>>(da, lda, db, ldb, dd);
    CHECK(cudaGetLastError());
    std::vector<float> got = from_dev(dd, M * N);
    std::vector<double> want(M * N);
    for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++) {
            double x = 1.0;
            for (int k = 0; k < K; k++)
                x += (double)fa[a_col ? k * lda + i : i * lda + k] * fb[b_col ? j * ldb + k : k * ldb + j];
            want[i * N + j] = x;
        }
    check_close(what, got, want, 1e-6);
    CHECK(cudaFree(da));
    CHECK(cudaFree(db));
    CHECK(cudaFree(dd));
}

static void test_wmma_tf32()
{
    std::vector<float> a(16 * 8), bt(16 * 8), c(256);
    unsigned s = 71u;
    for (auto &x : a)
        x = small(s) * 1.00049f; // low mantissa bits the conversion rounds away
    for (auto &x : bt)
        x = small(s) * 0.99951f;
    for (auto &x : c)
        x = small(s);
    float *da = to_dev(a), *db = to_dev(bt), *dc = to_dev(c), *dd;
    CHECK(cudaMalloc(&dd, 256 * 4));
    wmma_tf32<<<1, 32>>>(da, db, dc, dd);
    CHECK(cudaGetLastError());
    std::vector<float> got = from_dev(dd, 256);
    std::vector<double> want(256);
    for (int i = 0; i < 16; i++)
        for (int j = 0; j < 16; j++) {
            double x = c[j * 16 + i]; // C was column-major
            for (int k = 0; k < 8; k++)
                x += (double)tf32_rna(a[i * 8 + k]) * tf32_rna(bt[j * 8 + k]); // B col-major: bt[j][k]
            want[i * 16 + j] = x;
        }
    check_close("wmma tf32 m16n16k8", got, want, 1e-6);
    CHECK(cudaFree(da));
    CHECK(cudaFree(db));
    CHECK(cudaFree(dc));
    CHECK(cudaFree(dd));
}

static void test_wmma_f64()
{
    std::vector<double> a(32), b(32), c(64);
    for (int i = 0; i < 32; i++) {
        a[i] = 1.0 / (i + 1);
        b[i] = sqrt((double)i + 0.5);
    }
    for (int i = 0; i < 64; i++)
        c[i] = i * 0.001;
    double *da = to_dev(a), *db = to_dev(b), *dc = to_dev(c), *dd;
    CHECK(cudaMalloc(&dd, 64 * 8));
    wmma_f64<<<1, 32>>>(da, db, dc, dd);
    CHECK(cudaGetLastError());
    std::vector<double> got = from_dev(dd, 64);
    int bad = 0;
    for (int i = 0; i < 8; i++)
        for (int j = 0; j < 8; j++) {
            double x = c[i * 8 + j];
            for (int k = 0; k < 4; k++)
                x += a[i * 4 + k] * b[k * 8 + j];
            double g = got[j * 8 + i]; // stored column-major
            if (fabs(g - x) > 1e-14 * (1 + fabs(x)) && bad++ < 4)
                fprintf(stderr, "wmma f64: D[%d][%d] = %.17g, expected %.17g\n", i, j, g, x);
        }
    EXPECT(bad == 0);
    CHECK(cudaFree(da));
    CHECK(cudaFree(db));
    CHECK(cudaFree(dc));
    CHECK(cudaFree(dd));
}

static void test_ldmatrix()
{
    std::vector<unsigned short> src(4 * 64);
    for (int i = 0; i < 4 * 64; i++)
        src[i] = (unsigned short)(i * 7 + 3);
    unsigned short *ds = to_dev(src);
    unsigned *dout;
    CHECK(cudaMalloc(&dout, 32 * 12 * 4));
    ldmatrix_kernel<<<1, 32>>>(ds, dout);
    CHECK(cudaGetLastError());
    std::vector<unsigned> o = from_dev(dout, 32 * 12);
    // element (r, c) of matrix j, with the row permutation the kernel's addresses apply
    auto M = [&](int j, int r, int c) -> unsigned { return src[j * 64 + ((r * 3 + j) % 8) * 8 + c]; };
    int bad = 0;
    for (int l = 0; l < 32; l++) {
        int g = l / 4, t = l % 4;
        auto plain = [&](int j) { return M(j, g, 2 * t) | M(j, g, 2 * t + 1) << 16; };
        auto trans = [&](int j) { return M(j, 2 * t, g) | M(j, 2 * t + 1, g) << 16; };
        unsigned want[12] = {plain(0), plain(0), plain(1), plain(0), plain(1), plain(2), plain(3),
                             trans(0), trans(1), trans(2), trans(3), trans(0)};
        for (int k = 0; k < 12; k++)
            if (o[l * 12 + k] != want[k] && bad++ < 6)
                fprintf(stderr, "ldmatrix: lane %d value %d = %08x, expected %08x\n", l, k, o[l * 12 + k], want[k]);
    }
    EXPECT(bad == 0);

    unsigned short *dt;
    int *dran, ran = 0;
    CHECK(cudaMalloc(&dt, 4 * 64 * 2));
    CHECK(cudaMalloc(&dran, 4));
    CHECK(cudaMemset(dran, 0, 4));
    stmatrix_kernel<<<1, 32>>>(ds, dt, dran);
    CHECK(cudaGetLastError());
    CHECK(cudaMemcpy(&ran, dran, 4, cudaMemcpyDeviceToHost));
    if (ran) { // stmatrix.trans of ldmatrix's fragments: each 8 x 8 matrix transposed in place
        std::vector<unsigned short> t = from_dev(dt, 4 * 64);
        for (int j = 0; j < 4; j++)
            for (int r = 0; r < 8; r++)
                for (int c = 0; c < 8; c++)
                    if (t[j * 64 + r * 8 + c] != src[j * 64 + c * 8 + r] && bad++ < 6)
                        fprintf(stderr, "stmatrix: matrix %d (%d,%d)\n", j, r, c);
        EXPECT(bad == 0);
    }
    CHECK(cudaFree(ds));
    CHECK(cudaFree(dout));
    CHECK(cudaFree(dt));
    CHECK(cudaFree(dran));
}

static void test_mma_sync()
{
    unsigned s = 2024u;
    { // f16
        std::vector<half> a(256), b(128);
        std::vector<float> fa(256), fb(128), c(128);
        for (int i = 0; i < 256; i++) {
            fa[i] = small(s);
            a[i] = __float2half(fa[i]);
        }
        for (int i = 0; i < 128; i++) {
            fb[i] = small(s);
            b[i] = __float2half(fb[i]);
            c[i] = small(s);
        }
        half *da = to_dev(a), *db = to_dev(b);
        float *dc = to_dev(c), *dd;
        CHECK(cudaMalloc(&dd, 128 * 4));
        mma_f16<<<1, 32>>>(da, db, dc, dd);
        CHECK(cudaGetLastError());
        std::vector<float> got = from_dev(dd, 128);
        std::vector<double> want(128);
        for (int i = 0; i < 16; i++)
            for (int j = 0; j < 8; j++) {
                double x = c[i * 8 + j];
                for (int k = 0; k < 16; k++)
                    x += (double)fa[i * 16 + k] * fb[k * 8 + j];
                want[i * 8 + j] = x;
            }
        check_close("mma.sync m16n8k16 f16", got, want, 0);
        CHECK(cudaFree(da));
        CHECK(cudaFree(db));
        CHECK(cudaFree(dc));
        CHECK(cudaFree(dd));
    }
    { // bf16
        std::vector<__nv_bfloat16> a(128), b(64);
        std::vector<float> fa(128), fb(64);
        for (int i = 0; i < 128; i++) {
            fa[i] = small(s);
            a[i] = __float2bfloat16(fa[i]);
        }
        for (int i = 0; i < 64; i++) {
            fb[i] = small(s);
            b[i] = __float2bfloat16(fb[i]);
        }
        __nv_bfloat16 *da = to_dev(a), *db = to_dev(b);
        float *dd;
        CHECK(cudaMalloc(&dd, 128 * 4));
        mma_bf16<<<1, 32>>>(da, db, dd);
        CHECK(cudaGetLastError());
        std::vector<float> got = from_dev(dd, 128);
        std::vector<double> want(128);
        for (int i = 0; i < 16; i++)
            for (int j = 0; j < 8; j++) {
                double x = 0.5;
                for (int k = 0; k < 8; k++)
                    x += (double)fa[i * 8 + k] * fb[k * 8 + j];
                want[i * 8 + j] = x;
            }
        check_close("mma.sync m16n8k8 bf16", got, want, 0);
        CHECK(cudaFree(da));
        CHECK(cudaFree(db));
        CHECK(cudaFree(dd));
    }
    { // tf32
        std::vector<float> a(128), b(64);
        for (auto &x : a)
            x = small(s) * 1.0003f;
        for (auto &x : b)
            x = small(s) * 0.9997f;
        float *da = to_dev(a), *db = to_dev(b), *dd;
        CHECK(cudaMalloc(&dd, 128 * 4));
        mma_tf32<<<1, 32>>>(da, db, dd);
        CHECK(cudaGetLastError());
        std::vector<float> got = from_dev(dd, 128);
        std::vector<double> want(128);
        for (int i = 0; i < 16; i++)
            for (int j = 0; j < 8; j++) {
                double x = 0;
                for (int k = 0; k < 8; k++)
                    x += (double)tf32_rna(a[i * 8 + k]) * tf32_rna(b[k * 8 + j]);
                want[i * 8 + j] = x;
            }
        check_close("mma.sync m16n8k8 tf32", got, want, 1e-6);
        CHECK(cudaFree(da));
        CHECK(cudaFree(db));
        CHECK(cudaFree(dd));
    }
    { // f64
        std::vector<double> a(32), b(32), c(64);
        for (int i = 0; i < 32; i++) {
            a[i] = 1.0 / (i + 3);
            b[i] = cbrt((double)i + 1);
        }
        for (int i = 0; i < 64; i++)
            c[i] = -0.25 * i;
        double *da = to_dev(a), *db = to_dev(b), *dc = to_dev(c), *dd;
        CHECK(cudaMalloc(&dd, 64 * 8));
        mma_f64<<<1, 32>>>(da, db, dc, dd);
        CHECK(cudaGetLastError());
        std::vector<double> got = from_dev(dd, 64);
        int bad = 0;
        for (int i = 0; i < 8; i++)
            for (int j = 0; j < 8; j++) {
                double x = c[i * 8 + j];
                for (int k = 0; k < 4; k++)
                    x += a[i * 4 + k] * b[k * 8 + j];
                if (fabs(got[i * 8 + j] - x) > 1e-14 * (1 + fabs(x)) && bad++ < 4)
                    fprintf(stderr, "mma.sync f64: D[%d][%d] = %.17g, expected %.17g\n", i, j, got[i * 8 + j], x);
            }
        EXPECT(bad == 0);
        CHECK(cudaFree(da));
        CHECK(cudaFree(db));
        CHECK(cudaFree(dc));
        CHECK(cudaFree(dd));
    }
    { // s8 with saturation
        std::vector<signed char> a(16 * 32), bt(8 * 32);
        std::vector<int> c(128);
        for (auto &x : a) {
            s = s * 1664525u + 1013904223u;
            x = (signed char)(s >> 24);
        }
        for (auto &x : bt) {
            s = s * 1664525u + 1013904223u;
            x = (signed char)(s >> 24);
        }
        for (int i = 0; i < 128; i++)
            c[i] = i % 3 == 0 ? 2147480000 : i % 3 == 1 ? -2147480000 : i * 1001;
        std::vector<int> wa(a.size() / 4), wb(bt.size() / 4);
        memcpy(wa.data(), a.data(), a.size());
        memcpy(wb.data(), bt.data(), bt.size());
        int *da = to_dev(wa), *db = to_dev(wb), *dc = to_dev(c), *dd;
        CHECK(cudaMalloc(&dd, 128 * 4));
        mma_s8<<<1, 32>>>(da, db, dc, dd);
        CHECK(cudaGetLastError());
        std::vector<int> got = from_dev(dd, 128);
        int bad = 0;
        for (int i = 0; i < 16; i++)
            for (int j = 0; j < 8; j++) {
                long long x = c[i * 8 + j];
                for (int k = 0; k < 32; k++)
                    x += (long long)a[i * 32 + k] * bt[j * 32 + k];
                x = x > 2147483647LL ? 2147483647LL : x < -2147483648LL ? -2147483648LL : x;
                if (got[i * 8 + j] != x && bad++ < 4)
                    fprintf(stderr, "mma.sync s8: D[%d][%d] = %d, expected %lld\n", i, j, got[i * 8 + j], x);
            }
        EXPECT(bad == 0);
        CHECK(cudaFree(da));
        CHECK(cudaFree(db));
        CHECK(cudaFree(dc));
        CHECK(cudaFree(dd));
    }
}

int main()
{
    using R = wmma::row_major;
    using C = wmma::col_major;
    test_wmma_bf16<16, 16, 16, R, C>("wmma bf16 m16n16k16 row.col");
    test_wmma_bf16<16, 16, 16, C, R>("wmma bf16 m16n16k16 col.row");
    test_wmma_bf16<32, 8, 16, R, R>("wmma bf16 m32n8k16");
    test_wmma_bf16<8, 32, 16, C, C>("wmma bf16 m8n32k16");
    test_wmma_tf32();
    test_wmma_f64();
    test_ldmatrix();
    test_mma_sync();
    return finish("tensor_core_sm80");
}
