// nvcc-flags: -arch=sm_90
// Inline PTX forms nvcc itself rarely emits: selp with a negated predicate, min/max.xorsign.abs,
// vector atomics of sm_90 (atomicAdd on float2/float4, red.global.add.v2.f32),
// cvt.rn.satfinite to f16/bf16 (one value and packed pairs), lop3 with a predicate result,
// createpolicy in its fractional and range forms (the policy then feeds a cache-hinted load),
// and a video instruction with byte selectors, which cushim does not run: that kernel fails
// with cudaErrorNotSupported while the other kernels of the module still load and run.
// Expected values are computed on the host from the PTX ISA's definitions.
#include <cmath>
#include <cstdint>
#include <cstring>

#include "common.h"

__global__ void selp_not(const float *x, float *out)
{
    int i = threadIdx.x;
    float d;
    asm("{.reg .pred p; setp.lt.f32 p, %1, %2; selp.f32 %0, %1, %2, !p;}" : "=f"(d) : "f"(x[i]), "f"(x[i + 1]));
    out[i] = d;
}

__global__ void xorsign(const float *x, float *mn, float *mx, float *mnnan)
{
    int i = threadIdx.x;
    float a = x[i], b = x[31 - i], d, e, f;
    asm("min.xorsign.abs.f32 %0, %1, %2;" : "=f"(d) : "f"(a), "f"(b));
    asm("max.xorsign.abs.f32 %0, %1, %2;" : "=f"(e) : "f"(a), "f"(b));
    asm("min.NaN.xorsign.abs.f32 %0, %1, %2;" : "=f"(f) : "f"(a), "f"(b));
    mn[i] = d;
    mx[i] = e;
    mnnan[i] = f;
}

__global__ void satfinite(const float *x, unsigned short *h, unsigned short *bf, unsigned *h2)
{
    int i = threadIdx.x;
    unsigned short a, b;
    unsigned c;
    asm("cvt.rn.satfinite.f16.f32 %0, %1;" : "=h"(a) : "f"(x[i]));
    asm("cvt.rn.satfinite.bf16.f32 %0, %1;" : "=h"(b) : "f"(x[i]));
    asm("cvt.rn.satfinite.f16x2.f32 %0, %1, %2;" : "=r"(c) : "f"(x[i]), "f"(x[31 - i]));
    h[i] = a;
    bf[i] = b;
    h2[i] = c;
}

__global__ void lop3_pred(const unsigned *x, unsigned *d, unsigned *p)
{
    int i = threadIdx.x;
    unsigned r, q1, q2;
    asm("{.reg .pred q, t; setp.ne.u32 t, %4, 0;"
        " lop3.or.b32 %0|q, %3, %4, %5, 0x80, t; selp.u32 %1, 1, 0, q;"
        " lop3.and.b32 _|q, %3, %4, %5, 0xfe, !t; selp.u32 %2, 1, 0, q;}"
        : "=r"(r), "=r"(q1), "=r"(q2)
        : "r"(x[i]), "r"(x[(i + 1) & 31]), "r"(x[(i + 2) & 31]));
    d[i] = r;
    p[i] = q1 | q2 << 1;
}

__global__ void policy_load(const int *in, int *out)
{
    int i = threadIdx.x, v, w;
    unsigned long long pol, pol2;
    asm volatile("createpolicy.fractional.L2::evict_last.L2::evict_unchanged.b64 %0, 0.5;" : "=l"(pol));
    asm volatile("createpolicy.range.L2::evict_last.L2::evict_first.b64 %0, [%1], 64, 128;" : "=l"(pol2) : "l"(in));
    asm volatile("ld.global.L2::cache_hint.b32 %0, [%1], %2;" : "=r"(v) : "l"(in + i), "l"(pol));
    asm volatile("ld.global.L2::cache_hint.b32 %0, [%1], %2;" : "=r"(w) : "l"(in + 31 - i), "l"(pol2));
    out[i] = v * 100 + w;
}

// every thread adds (i, 2i) and (1, i, -i, 0.5) to one slot; the old values come back too
__global__ void vector_atomics(float2 *p2, float4 *p4, float2 *red2, float *olds)
{
    float i = (float)threadIdx.x;
    float2 old = atomicAdd(p2, make_float2(i, 2 * i));
    atomicAdd(p4, make_float4(1.f, i, -i, 0.5f));
    asm volatile("red.global.add.v2.f32 [%0], {%1, %2};" ::"l"(red2), "f"(i), "f"(1.f) : "memory");
    olds[threadIdx.x] = old.x;
}

__global__ void video_selectors(unsigned *out, unsigned a, unsigned b)
{
    unsigned d;
    asm("vabsdiff4.u32.u32.u32.add %0, %1.b0123, %2.b3210, %3;" : "=r"(d) : "r"(a), "r"(b), "r"(0u));
    out[0] = d;
}

static uint32_t f2u(float f)
{
    uint32_t u;
    memcpy(&u, &f, 4);
    return u;
}

// min/max of magnitudes (a NaN operand yields the other one, both NaN the canonical NaN;
// with .NaN any NaN gives it), the sign the XOR of the operands' signs
static uint32_t xorsign_ref(float a, float b, int max, int nan)
{
    float fa = fabsf(a), fb = fabsf(b), r;
    if (fa != fa || fb != fb) {
        if (nan || (fa != fa && fb != fb))
            return 0x7fffffffu;
        r = fa != fa ? fb : fa;
    } else {
        r = max ? (fa > fb ? fa : fb) : (fa < fb ? fa : fb);
    }
    return (f2u(r) & 0x7fffffffu) | ((f2u(a) ^ f2u(b)) & 0x80000000u);
}

// round-to-nearest-even f32 -> f16 with finite saturation (NaN stays the canonical NaN)
static uint16_t f16_satfinite(float f)
{
    if (f != f)
        return 0x7fff;
    uint16_t sign = (f2u(f) >> 16) & 0x8000;
    double a = fabs((double)f);
    if (a >= 65520.0) // rounds past the largest half (65504)
        return sign | 0x7bff;
    if (a < ldexp(1.0, -25) || a == 0)
        return a > ldexp(1.0, -25) ? sign | 1 : sign; // below half the smallest subnormal
    int e;
    frexp(a, &e);                         // a = m * 2^e, m in [0.5, 1)
    int exp = e - 1 < -14 ? -14 : e - 1;  // subnormals share the exponent -14
    double q = ldexp(a, 10 - exp), fl = floor(q), rem = q - fl;
    long mant = (long)fl + (rem > 0.5 || (rem == 0.5 && ((long)fl & 1)));
    if (mant >= 2048) {
        mant >>= 1;
        exp++;
    }
    if (exp > 15)
        return sign | 0x7bff;
    return mant < 1024 ? sign | (uint16_t)mant : sign | (uint16_t)((exp + 15) << 10 | (mant - 1024));
}

static uint16_t bf16_satfinite(float f)
{
    if (f != f)
        return 0x7fff;
    uint32_t u = f2u(f);
    uint32_t r = u + 0x7fff + ((u >> 16) & 1); // nearest even on the low 16 bits
    uint16_t h = (uint16_t)(r >> 16);
    if ((h & 0x7fff) == 0x7f80) // an infinity (from overflow or the input)
        h = (h & 0x8000) | 0x7f7f;
    return h;
}

int main()
{
    const int n = 32;
    float hx[n + 1];
    const float specials[] = {1e6f, -1e6f, 65504.f, 65519.f, 65520.f, -65536.f, INFINITY, -INFINITY, NAN,
                              3.4e38f, -3.39e38f, 0.f, -0.f, 1e-8f, -3.f, 2.f, -2.f, 3.f};
    for (int i = 0; i <= n; i++)
        hx[i] = i < (int)(sizeof specials / sizeof specials[0]) ? specials[i] : (float)(i * 37 % 19) - 9.25f;
    float *x, *f1, *f2, *f3;
    CHECK(cudaMalloc(&x, sizeof hx));
    CHECK(cudaMalloc(&f1, n * sizeof(float)));
    CHECK(cudaMalloc(&f2, n * sizeof(float)));
    CHECK(cudaMalloc(&f3, n * sizeof(float)));
    CHECK(cudaMemcpy(x, hx, sizeof hx, cudaMemcpyHostToDevice));
    float r1[n], r2[n], r3[n];
    int bad = 0;

    selp_not<<<1, n>>>(x, f1);
    CHECK(cudaMemcpy(r1, f1, sizeof r1, cudaMemcpyDeviceToHost));
    for (int i = 0; i < n; i++) {
        float want = hx[i] < hx[i + 1] ? hx[i + 1] : hx[i]; // !p picks the first when p is false
        bad += f2u(r1[i]) != f2u(want);
    }
    EXPECT_EQ_LL(bad, 0);

    xorsign<<<1, n>>>(x, f1, f2, f3);
    CHECK(cudaMemcpy(r1, f1, sizeof r1, cudaMemcpyDeviceToHost));
    CHECK(cudaMemcpy(r2, f2, sizeof r2, cudaMemcpyDeviceToHost));
    CHECK(cudaMemcpy(r3, f3, sizeof r3, cudaMemcpyDeviceToHost));
    bad = 0;
    for (int i = 0; i < n; i++) {
        float a = hx[i], b = hx[31 - i];
        bad += f2u(r1[i]) != xorsign_ref(a, b, 0, 0) || f2u(r2[i]) != xorsign_ref(a, b, 1, 0) ||
               f2u(r3[i]) != xorsign_ref(a, b, 0, 1);
    }
    EXPECT_EQ_LL(bad, 0);

    unsigned short *h, *bf, hh[n], hb[n];
    unsigned *h2, hh2[n];
    CHECK(cudaMalloc(&h, n * 2));
    CHECK(cudaMalloc(&bf, n * 2));
    CHECK(cudaMalloc(&h2, n * 4));
    satfinite<<<1, n>>>(x, h, bf, h2);
    CHECK(cudaMemcpy(hh, h, sizeof hh, cudaMemcpyDeviceToHost));
    CHECK(cudaMemcpy(hb, bf, sizeof hb, cudaMemcpyDeviceToHost));
    CHECK(cudaMemcpy(hh2, h2, sizeof hh2, cudaMemcpyDeviceToHost));
    bad = 0;
    for (int i = 0; i < n; i++) {
        uint32_t pair = (uint32_t)f16_satfinite(hx[i]) << 16 | f16_satfinite(hx[31 - i]);
        if (hh[i] != f16_satfinite(hx[i]) || hb[i] != bf16_satfinite(hx[i]) || hh2[i] != pair) {
            if (bad++ < 3)
                fprintf(stderr, "satfinite %g: f16 %04x/%04x bf16 %04x/%04x pair %08x/%08x\n", hx[i], hh[i],
                        f16_satfinite(hx[i]), hb[i], bf16_satfinite(hx[i]), hh2[i], pair);
        }
    }
    EXPECT_EQ_LL(bad, 0);

    unsigned hu[n], *u, *ud, *up, rd[n], rp[n];
    for (int i = 0; i < n; i++)
        hu[i] = i % 5 == 0 ? 0 : 0x9e3779b9u * (unsigned)(i + 1);
    CHECK(cudaMalloc(&u, sizeof hu));
    CHECK(cudaMalloc(&ud, sizeof rd));
    CHECK(cudaMalloc(&up, sizeof rp));
    CHECK(cudaMemcpy(u, hu, sizeof hu, cudaMemcpyHostToDevice));
    lop3_pred<<<1, n>>>(u, ud, up);
    CHECK(cudaMemcpy(rd, ud, sizeof rd, cudaMemcpyDeviceToHost));
    CHECK(cudaMemcpy(rp, up, sizeof rp, cudaMemcpyDeviceToHost));
    bad = 0;
    for (int i = 0; i < n; i++) {
        unsigned a = hu[i], b = hu[(i + 1) & 31], c = hu[(i + 2) & 31];
        unsigned and3 = a & b & c, or3 = a | b | c; // luts 0x80 and 0xfe
        int t = b != 0;
        unsigned want_p = (unsigned)((and3 != 0) || t) | (unsigned)((or3 != 0) && !t) << 1;
        bad += rd[i] != and3 || rp[i] != want_p;
    }
    EXPECT_EQ_LL(bad, 0);

    int hi[n], *di, *dout, ho[n];
    for (int i = 0; i < n; i++)
        hi[i] = i * 3 + 1;
    CHECK(cudaMalloc(&di, sizeof hi));
    CHECK(cudaMalloc(&dout, sizeof ho));
    CHECK(cudaMemcpy(di, hi, sizeof hi, cudaMemcpyHostToDevice));
    policy_load<<<1, n>>>(di, dout);
    CHECK(cudaGetLastError());
    CHECK(cudaMemcpy(ho, dout, sizeof ho, cudaMemcpyDeviceToHost));
    bad = 0;
    for (int i = 0; i < n; i++)
        bad += ho[i] != hi[i] * 100 + hi[31 - i];
    EXPECT_EQ_LL(bad, 0);

    float2 *p2, *rv2, hp2, hrv2;
    float4 *p4, hp4;
    float *olds, old_h[64];
    CHECK(cudaMalloc(&p2, sizeof(float2)));
    CHECK(cudaMalloc(&rv2, sizeof(float2)));
    CHECK(cudaMalloc(&p4, sizeof(float4)));
    CHECK(cudaMalloc(&olds, sizeof old_h));
    CHECK(cudaMemset(p2, 0, sizeof(float2)));
    CHECK(cudaMemset(rv2, 0, sizeof(float2)));
    CHECK(cudaMemset(p4, 0, sizeof(float4)));
    vector_atomics<<<1, 64>>>(p2, p4, rv2, olds);
    CHECK(cudaDeviceSynchronize());
    CHECK(cudaMemcpy(&hp2, p2, sizeof hp2, cudaMemcpyDeviceToHost));
    CHECK(cudaMemcpy(&hrv2, rv2, sizeof hrv2, cudaMemcpyDeviceToHost));
    CHECK(cudaMemcpy(&hp4, p4, sizeof hp4, cudaMemcpyDeviceToHost));
    CHECK(cudaMemcpy(old_h, olds, sizeof old_h, cudaMemcpyDeviceToHost));
    const float tri = 63 * 64 / 2; // 0 + 1 + ... + 63, exact in float
    EXPECT(hp2.x == tri && hp2.y == 2 * tri);
    EXPECT(hrv2.x == tri && hrv2.y == 64);
    EXPECT(hp4.x == 64 && hp4.y == tri && hp4.z == -tri && hp4.w == 32);
    int seen_zero = 0; // the old values are distinct partial sums; one thread saw the start
    for (int i = 0; i < 64; i++)
        seen_zero += old_h[i] == 0;
    EXPECT(seen_zero >= 1);

    // not supported: a clear error for that kernel, nothing else affected
    video_selectors<<<1, 1>>>(u, 1, 2);
    EXPECT_ERR(cudaGetLastError(), cudaErrorNotSupported);
    selp_not<<<1, n>>>(x, f1);
    CHECK(cudaDeviceSynchronize());
    return finish("kernels_inline_asm");
}
