// nvcc-variants: sm_80 sm_90
// tensor_core.cu - warp matrix operations through nvcuda::wmma (wmma.load/mma/store) for the
// types every target has: f16 inputs with f32 and f16 accumulators and u8/s8 inputs with s32
// accumulators, in the three shapes, with row- and column-major memory, leading dimensions
// wider than the tile, shared and global memory, element-wise work on fragments, and
// saturation.  Expectations come from a host matrix product.
#include <cuda_fp16.h>
#include <mma.h>

#include <cmath>
#include <vector>

#include "common.h"

using namespace nvcuda;

// D = A * B + C for one tile; A is M x K, B is K x N, C and D are M x N, each stored with its
// own layout and leading dimension.  The tile goes through shared memory when `shared` is set.
template <int M, int N, int K, typename LA, typename LB, typename Acc>
__global__ void tile_f16(const half *a, int lda, const half *b, int ldb, const Acc *c, int ldc, Acc *d, int ldd,
                         bool c_col, bool d_col, bool shared, float scale)
{
    __shared__ half sa[32 * 40];
    __shared__ half sb[32 * 40];
    wmma::fragment<wmma::matrix_a, M, N, K, half, LA> fa;
    wmma::fragment<wmma::matrix_b, M, N, K, half, LB> fb;
    wmma::fragment<wmma::accumulator, M, N, K, Acc> fc;
    if (shared) {
        for (int i = threadIdx.x; i < 32 * 40; i += 32) {
            sa[i] = a[i];
            sb[i] = b[i];
        }
        __syncwarp();
        wmma::load_matrix_sync(fa, sa, lda);
        wmma::load_matrix_sync(fb, sb, ldb);
    } else {
        wmma::load_matrix_sync(fa, a, lda);
        wmma::load_matrix_sync(fb, b, ldb);
    }
    wmma::load_matrix_sync(fc, c, ldc, c_col ? wmma::mem_col_major : wmma::mem_row_major);
    wmma::mma_sync(fc, fa, fb, fc);
    for (int i = 0; i < fc.num_elements; i++) // element-wise work keeps each element in place
        fc.x[i] = fc.x[i] * (Acc)scale;
    wmma::store_matrix_sync(d, fc, ldd, d_col ? wmma::mem_col_major : wmma::mem_row_major);
}

template <int M, int N, int K, typename T, typename LA, typename LB>
__global__ void tile_int(const T *a, int lda, const T *b, int ldb, const int *c, int ldc, int *d, int ldd, bool satf)
{
    wmma::fragment<wmma::matrix_a, M, N, K, T, LA> fa;
    wmma::fragment<wmma::matrix_b, M, N, K, T, LB> fb;
    wmma::fragment<wmma::accumulator, M, N, K, int> fc;
    wmma::load_matrix_sync(fa, a, lda);
    wmma::load_matrix_sync(fb, b, ldb);
    wmma::load_matrix_sync(fc, c, ldc, wmma::mem_row_major);
    wmma::mma_sync(fc, fa, fb, fc, satf);
    wmma::store_matrix_sync(d, fc, ldd, wmma::mem_row_major);
}

// A constant accumulator (fill_fragment) multiplied and stored by several warps of a block,
// each on its own tile: fragments are per warp.
__global__ void fill_and_multiply(const half *a, const half *b, float *d)
{
    int warp = threadIdx.x / 32;
    wmma::fragment<wmma::matrix_a, 16, 16, 16, half, wmma::row_major> fa;
    wmma::fragment<wmma::matrix_b, 16, 16, 16, half, wmma::row_major> fb;
    wmma::fragment<wmma::accumulator, 16, 16, 16, float> fc;
    wmma::fill_fragment(fc, 0.5f * (float)warp);
    wmma::load_matrix_sync(fa, a + warp * 256, 16);
    wmma::load_matrix_sync(fb, b + warp * 256, 16);
    wmma::mma_sync(fc, fa, fb, fc);
    wmma::store_matrix_sync(d + warp * 256, fc, 16, wmma::mem_row_major);
}

static float rnd_small(unsigned &s)
{
    s = s * 1664525u + 1013904223u;
    return (float)((int)((s >> 9) % 17) - 8) * 0.25f;
}

// Element (r, c) of a matrix stored row- or column-major with leading dimension ld.
static inline size_t at(int r, int c, bool col, int ld)
{
    return col ? (size_t)c * ld + r : (size_t)r * ld + c;
}

template <int M, int N, int K, typename LA, typename LB, typename Acc>
static void run_f16(const char *what, bool shared, bool c_col, bool d_col)
{
    const bool a_col = std::is_same<LA, wmma::col_major>::value, b_col = std::is_same<LB, wmma::col_major>::value;
    const int lda = (a_col ? M : K) + 8, ldb = (b_col ? K : N) + 8, ldc = (c_col ? M : N) + 4, ldd = (d_col ? M : N) + 4;
    std::vector<half> ha(32 * 40), hb(32 * 40);
    std::vector<Acc> hc(32 * 40), hd(32 * 40, (Acc)0.0f);
    std::vector<float> fa(32 * 40), fb(32 * 40), fc(32 * 40);
    unsigned s = 12345u + M * 7 + N;
    for (int i = 0; i < 32 * 40; i++) {
        fa[i] = rnd_small(s);
        fb[i] = rnd_small(s);
        fc[i] = rnd_small(s) * 4.0f;
        ha[i] = __float2half(fa[i]);
        hb[i] = __float2half(fb[i]);
        hc[i] = (Acc)fc[i];
    }
    half *da, *db;
    Acc *dc, *dd;
    CHECK(cudaMalloc(&da, ha.size() * sizeof(half)));
    CHECK(cudaMalloc(&db, hb.size() * sizeof(half)));
    CHECK(cudaMalloc(&dc, hc.size() * sizeof(Acc)));
    CHECK(cudaMalloc(&dd, hd.size() * sizeof(Acc)));
    CHECK(cudaMemcpy(da, ha.data(), ha.size() * sizeof(half), cudaMemcpyHostToDevice));
    CHECK(cudaMemcpy(db, hb.data(), hb.size() * sizeof(half), cudaMemcpyHostToDevice));
    CHECK(cudaMemcpy(dc, hc.data(), hc.size() * sizeof(Acc), cudaMemcpyHostToDevice));
    CHECK(cudaMemset(dd, 0, hd.size() * sizeof(Acc)));
    tile_f16<M, N, K, LA, LB, Acc><<<1, 32>>>(da, lda, db, ldb, dc, ldc, dd, ldd, c_col, d_col, shared, 2.0f);
    CHECK(cudaGetLastError());
    CHECK(cudaMemcpy(hd.data(), dd, hd.size() * sizeof(Acc), cudaMemcpyDeviceToHost));
    int bad = 0;
    for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++) {
            double want = fc[at(i, j, c_col, ldc)];
            for (int k = 0; k < K; k++)
                want += (double)fa[at(i, k, a_col, lda)] * fb[at(k, j, b_col, ldb)];
            want *= 2.0; // small integers and quarters: exact in f16 and f32
            double got = (double)(float)hd[at(i, j, d_col, ldd)];
            if (got != want && bad++ < 4)
                fprintf(stderr, "%s: D[%d][%d] = %g, expected %g\n", what, i, j, got, want);
        }
    // what lies between the rows (the leading dimension's padding) is untouched
    for (int i = 0; i < (d_col ? N : M); i++)
        for (int j = d_col ? M : N; j < ldd; j++)
            if ((float)hd[(size_t)i * ldd + j] != 0.0f && bad++ < 4)
                fprintf(stderr, "%s: padding at %d,%d written\n", what, i, j);
    EXPECT(bad == 0);
    CHECK(cudaFree(da));
    CHECK(cudaFree(db));
    CHECK(cudaFree(dc));
    CHECK(cudaFree(dd));
}

template <int M, int N, int K, typename T, typename LA, typename LB>
static void run_int(const char *what, bool satf)
{
    const bool a_col = std::is_same<LA, wmma::col_major>::value, b_col = std::is_same<LB, wmma::col_major>::value;
    const bool sgn = std::is_same<T, signed char>::value;
    const int lda = (a_col ? M : K) + 16, ldb = (b_col ? K : N) + 16, ldc = N, ldd = N;
    std::vector<T> ha(48 * 48), hb(48 * 48);
    std::vector<int> hc(M * N), hd(M * N);
    unsigned s = 777u + M;
    for (size_t i = 0; i < ha.size(); i++) {
        s = s * 1664525u + 1013904223u;
        ha[i] = (T)(s >> 24);
        s = s * 1664525u + 1013904223u;
        hb[i] = (T)(s >> 24);
    }
    for (int i = 0; i < M * N; i++)
        hc[i] = satf ? (i % 2 ? 2147483000 : -2147483000) : (int)(i * 1000003u);
    T *da, *db;
    int *dc, *dd;
    CHECK(cudaMalloc(&da, ha.size()));
    CHECK(cudaMalloc(&db, hb.size()));
    CHECK(cudaMalloc(&dc, hc.size() * 4));
    CHECK(cudaMalloc(&dd, hd.size() * 4));
    CHECK(cudaMemcpy(da, ha.data(), ha.size(), cudaMemcpyHostToDevice));
    CHECK(cudaMemcpy(db, hb.data(), hb.size(), cudaMemcpyHostToDevice));
    CHECK(cudaMemcpy(dc, hc.data(), hc.size() * 4, cudaMemcpyHostToDevice));
    tile_int<M, N, K, T, LA, LB><<<1, 32>>>(da, lda, db, ldb, dc, ldc, dd, ldd, satf);
    CHECK(cudaGetLastError());
    CHECK(cudaMemcpy(hd.data(), dd, hd.size() * 4, cudaMemcpyDeviceToHost));
    int bad = 0;
    for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++) {
            long long want = hc[i * ldc + j];
            for (int k = 0; k < K; k++) {
                long long x = sgn ? (long long)(signed char)ha[at(i, k, a_col, lda)] : (long long)(unsigned char)ha[at(i, k, a_col, lda)];
                long long y = sgn ? (long long)(signed char)hb[at(k, j, b_col, ldb)] : (long long)(unsigned char)hb[at(k, j, b_col, ldb)];
                want += x * y;
            }
            if (satf)
                want = want > 2147483647LL ? 2147483647LL : want < -2147483648LL ? -2147483648LL : want;
            else
                want = (int)(unsigned)(unsigned long long)want; // the accumulator wraps
            if (hd[i * ldd + j] != want && bad++ < 4)
                fprintf(stderr, "%s: D[%d][%d] = %d, expected %lld\n", what, i, j, hd[i * ldd + j], want);
        }
    EXPECT(bad == 0);
    CHECK(cudaFree(da));
    CHECK(cudaFree(db));
    CHECK(cudaFree(dc));
    CHECK(cudaFree(dd));
}

static void run_fill()
{
    const int warps = 4;
    std::vector<half> ha(warps * 256), hb(warps * 256);
    std::vector<float> fa(warps * 256), fb(warps * 256), hd(warps * 256);
    unsigned s = 99u;
    for (int i = 0; i < warps * 256; i++) {
        fa[i] = rnd_small(s);
        fb[i] = rnd_small(s);
        ha[i] = __float2half(fa[i]);
        hb[i] = __float2half(fb[i]);
    }
    half *da, *db;
    float *dd;
    CHECK(cudaMalloc(&da, ha.size() * 2));
    CHECK(cudaMalloc(&db, hb.size() * 2));
    CHECK(cudaMalloc(&dd, hd.size() * 4));
    CHECK(cudaMemcpy(da, ha.data(), ha.size() * 2, cudaMemcpyHostToDevice));
    CHECK(cudaMemcpy(db, hb.data(), hb.size() * 2, cudaMemcpyHostToDevice));
    fill_and_multiply<<<1, 32 * warps>>>(da, db, dd);
    CHECK(cudaGetLastError());
    CHECK(cudaMemcpy(hd.data(), dd, hd.size() * 4, cudaMemcpyDeviceToHost));
    int bad = 0;
    for (int w = 0; w < warps; w++)
        for (int i = 0; i < 16; i++)
            for (int j = 0; j < 16; j++) {
                double want = 0.5 * w;
                for (int k = 0; k < 16; k++)
                    want += (double)fa[w * 256 + i * 16 + k] * fb[w * 256 + k * 16 + j];
                if (hd[w * 256 + i * 16 + j] != (float)want && bad++ < 4)
                    fprintf(stderr, "fill: warp %d D[%d][%d] = %g, expected %g\n", w, i, j, hd[w * 256 + i * 16 + j], want);
            }
    EXPECT(bad == 0);
    CHECK(cudaFree(da));
    CHECK(cudaFree(db));
    CHECK(cudaFree(dd));
}

int main()
{
    using R = wmma::row_major;
    using C = wmma::col_major;
    run_f16<16, 16, 16, R, C, float>("m16n16k16 row.col f32", false, false, false);
    run_f16<16, 16, 16, R, C, float>("m16n16k16 row.col f32 shared", true, false, false);
    run_f16<16, 16, 16, C, R, float>("m16n16k16 col.row f32, C col", false, true, false);
    run_f16<16, 16, 16, R, R, float>("m16n16k16 row.row f32, D col", false, false, true);
    run_f16<16, 16, 16, C, C, half>("m16n16k16 col.col f16", true, false, false);
    run_f16<32, 8, 16, R, C, float>("m32n8k16 f32", false, false, false);
    run_f16<32, 8, 16, C, R, half>("m32n8k16 f16, C col", true, true, true);
    run_f16<8, 32, 16, R, C, float>("m8n32k16 f32", true, false, true);
    run_f16<8, 32, 16, R, R, half>("m8n32k16 f16", false, false, false);
    run_int<16, 16, 16, unsigned char, R, C>("m16n16k16 u8", false);
    run_int<16, 16, 16, signed char, C, R>("m16n16k16 s8", false);
    run_int<16, 16, 16, signed char, R, C>("m16n16k16 s8 satfinite", true);
    run_int<32, 8, 16, unsigned char, R, R>("m32n8k16 u8", false);
    run_int<8, 32, 16, signed char, C, C>("m8n32k16 s8", false);
    run_fill();
    return finish("tensor_core");
}
