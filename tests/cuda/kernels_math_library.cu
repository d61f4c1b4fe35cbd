// Single- and double-precision math library functions on the device, each compared with the
// host's libm (computed in higher precision) against the maximum error NVIDIA's CUDA Math API
// documentation promises for it.  The device computes them from the PTX nvcc emitted (libdevice
// sequences and the .approx instructions), so this checks the engine's arithmetic end to end.
#include "common.h"
#include <cmath>

#define NF 29
#define ND 14
#define COUNT 4096

__global__ void eval_float(const float *x, const float *y, float *out, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n)
        return;
    float a = x[i], b = y[i];
    float *o = out + (size_t)i * NF;
    o[0] = sinf(a);
    o[1] = cosf(a);
    o[2] = tanf(a);
    o[3] = expf(a * 0.1f);
    o[4] = exp2f(a * 0.1f);
    o[5] = exp10f(a * 0.05f);
    o[6] = logf(fabsf(a) + 1e-3f);
    o[7] = log2f(fabsf(a) + 1e-3f);
    o[8] = log10f(fabsf(a) + 1e-3f);
    o[9] = log1pf(fabsf(a));
    o[10] = expm1f(a * 0.1f);
    o[11] = powf(fabsf(a) + 0.5f, b * 0.25f);
    o[12] = sqrtf(fabsf(a));
    o[13] = cbrtf(a);
    o[14] = rsqrtf(fabsf(a) + 1e-3f);
    o[15] = erff(a * 0.2f);
    o[16] = erfcf(a * 0.2f);
    o[17] = tgammaf(fabsf(a) * 0.2f + 0.1f);
    o[18] = lgammaf(fabsf(a) * 0.5f + 0.1f);
    o[19] = atan2f(a, b);
    o[20] = asinf(fmodf(a, 1.0f));
    o[21] = acosf(fmodf(a, 1.0f));
    o[22] = atanf(a);
    o[23] = sinhf(a * 0.1f);
    o[24] = coshf(a * 0.1f);
    o[25] = tanhf(a * 0.1f);
    o[26] = hypotf(a, b);
    o[27] = fmodf(a, b);
    o[28] = a / b;
}

__global__ void eval_double(const double *x, const double *y, double *out, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n)
        return;
    double a = x[i], b = y[i];
    double *o = out + (size_t)i * ND;
    o[0] = sin(a);
    o[1] = cos(a);
    o[2] = exp(a * 0.1);
    o[3] = log(fabs(a) + 1e-3);
    o[4] = pow(fabs(a) + 0.5, b * 0.25);
    o[5] = sqrt(fabs(a));
    o[6] = erf(a * 0.2);
    o[7] = atan2(a, b);
    o[8] = tanh(a * 0.1);
    o[9] = cbrt(a);
    o[10] = a / b;
    o[11] = lgamma(fabs(a) * 0.5 + 0.1);
    o[12] = log1p(fabs(a));
    o[13] = rsqrt(fabs(a) + 1e-3);
}

static long double ulp_f(float v)
{
    if (v == 0 || !std::isfinite(v))
        return std::ldexp(1.0L, -149);
    int e;
    std::frexp(v, &e);
    return std::ldexp(1.0L, e - 24 < -149 ? -149 : e - 24);
}

static long double ulp_d(double v)
{
    if (v == 0 || !std::isfinite(v))
        return std::ldexp(1.0L, -1074);
    int e;
    std::frexp(v, &e);
    return std::ldexp(1.0L, e - 53 < -1074 ? -1074 : e - 53);
}

int main()
{
    static float xf[COUNT], yf[COUNT], of[COUNT * NF];
    static double xd[COUNT], yd[COUNT], od[COUNT * ND];
    unsigned s = 12345;
    for (int i = 0; i < COUNT; i++) {
        s = s * 1664525u + 1013904223u;
        xf[i] = ((int)(s >> 8) - (1 << 23)) / (float)(1 << 23) * 20.0f; // [-20, 20)
        s = s * 1664525u + 1013904223u;
        yf[i] = ((int)(s >> 8) - (1 << 23)) / (float)(1 << 23) * 8.0f;
        if (yf[i] == 0)
            yf[i] = 1;
        xd[i] = xf[i] * 1.0000001;
        yd[i] = yf[i];
    }
    float *dxf, *dyf, *dof;
    double *dxd, *dyd, *dod;
    CHECK(cudaMalloc(&dxf, sizeof xf));
    CHECK(cudaMalloc(&dyf, sizeof yf));
    CHECK(cudaMalloc(&dof, sizeof of));
    CHECK(cudaMalloc(&dxd, sizeof xd));
    CHECK(cudaMalloc(&dyd, sizeof yd));
    CHECK(cudaMalloc(&dod, sizeof od));
    CHECK(cudaMemcpy(dxf, xf, sizeof xf, cudaMemcpyHostToDevice));
    CHECK(cudaMemcpy(dyf, yf, sizeof yf, cudaMemcpyHostToDevice));
    CHECK(cudaMemcpy(dxd, xd, sizeof xd, cudaMemcpyHostToDevice));
    CHECK(cudaMemcpy(dyd, yd, sizeof yd, cudaMemcpyHostToDevice));
    eval_float<<<COUNT / 128, 128>>>(dxf, dyf, dof, COUNT);
    eval_double<<<COUNT / 128, 128>>>(dxd, dyd, dod, COUNT);
    CHECK(cudaGetLastError());
    CHECK(cudaMemcpy(of, dof, sizeof of, cudaMemcpyDeviceToHost));
    CHECK(cudaMemcpy(od, dod, sizeof od, cudaMemcpyDeviceToHost));

    // Maximum ulp error from the CUDA Math API documentation (single precision).
    static const char *fname[NF] = {"sinf", "cosf", "tanf", "expf", "exp2f", "exp10f", "logf", "log2f",
                                    "log10f", "log1pf", "expm1f", "powf", "sqrtf", "cbrtf", "rsqrtf",
                                    "erff", "erfcf", "tgammaf", "lgammaf", "atan2f", "asinf", "acosf",
                                    "atanf", "sinhf", "coshf", "tanhf", "hypotf", "fmodf", "div"};
    static const double fulp[NF] = {2, 2, 4, 2, 2, 2, 1, 1, 2, 1, 1, 4, 0.5, 1, 2, 2, 4, 5, 6,
                                    3, 2, 2, 2, 3, 2, 2, 3, 0, 0.5};
    double worst[NF] = {};
    for (int i = 0; i < COUNT; i++) {
        long double a = xf[i], b = yf[i];
        long double ref[NF] = {
            sinl(a), cosl(a), tanl(a), expl((long double)(float)(xf[i] * 0.1f)),
            exp2l((long double)(float)(xf[i] * 0.1f)), powl(10.0L, (long double)(float)(xf[i] * 0.05f)),
            logl((long double)(float)(fabsf(xf[i]) + 1e-3f)), log2l((long double)(float)(fabsf(xf[i]) + 1e-3f)),
            log10l((long double)(float)(fabsf(xf[i]) + 1e-3f)), log1pl(fabsl(a)),
            expm1l((long double)(float)(xf[i] * 0.1f)),
            powl((long double)(float)(fabsf(xf[i]) + 0.5f), (long double)(float)(yf[i] * 0.25f)),
            sqrtl(fabsl(a)), cbrtl(a), 1.0L / sqrtl((long double)(float)(fabsf(xf[i]) + 1e-3f)),
            erfl((long double)(float)(xf[i] * 0.2f)), erfcl((long double)(float)(xf[i] * 0.2f)),
            tgammal((long double)(float)(fabsf(xf[i]) * 0.2f + 0.1f)),
            lgammal((long double)(float)(fabsf(xf[i]) * 0.5f + 0.1f)), atan2l(a, b),
            asinl((long double)fmodf(xf[i], 1.0f)), acosl((long double)fmodf(xf[i], 1.0f)), atanl(a),
            sinhl((long double)(float)(xf[i] * 0.1f)), coshl((long double)(float)(xf[i] * 0.1f)),
            tanhl((long double)(float)(xf[i] * 0.1f)), hypotl(a, b), fmodl(a, b), a / b};
        for (int f = 0; f < NF; f++) {
            float got = of[i * NF + f];
            long double err = fabsl((long double)got - ref[f]) / ulp_f((float)ref[f]);
            if (!(err <= fulp[f] + 0.5)) { // +0.5: the reference's own rounding to float
                if (worst[f] <= fulp[f] + 0.5)
                    fprintf(stderr, "%s(%.9g, %.9g) = %.9g, host %.9Lg (%.1Lf ulp)\n", fname[f], xf[i], yf[i],
                            got, ref[f], err);
            }
            if (err > worst[f])
                worst[f] = (double)err;
        }
    }
    for (int f = 0; f < NF; f++)
        EXPECT(worst[f] <= fulp[f] + 0.5);

    static const char *dname[ND] = {"sin", "cos", "exp", "log", "pow", "sqrt", "erf",
                                    "atan2", "tanh", "cbrt", "div", "lgamma", "log1p", "rsqrt"};
    static const double dulp[ND] = {2, 2, 1, 1, 2, 0.5, 2, 2, 2, 1, 0.5, 4, 1, 1};
    // +0.5 as for floats, except rsqrt: the engine's own rsqrt.approx.f64 must be rounded once
    // (1.0 / sqrt(a) in double rounds twice and reaches 1.4 ulp, over the documented 1).
    const double DSLACK = 0.5, RSQRT_SLACK = 0.01;
    double dworst[ND] = {};
    for (int i = 0; i < COUNT; i++) {
        long double a = xd[i], b = yd[i];
        long double ref[ND] = {sinl(a), cosl(a), expl((long double)(xd[i] * 0.1)),
                               logl((long double)(fabs(xd[i]) + 1e-3)),
                               powl((long double)(fabs(xd[i]) + 0.5), (long double)(yd[i] * 0.25)),
                               sqrtl(fabsl(a)), erfl((long double)(xd[i] * 0.2)), atan2l(a, b),
                               tanhl((long double)(xd[i] * 0.1)), cbrtl(a), a / b,
                               lgammal((long double)(fabs(xd[i]) * 0.5 + 0.1)), log1pl(fabsl(a)),
                               1.0L / sqrtl((long double)(fabs(xd[i]) + 1e-3))};
        for (int f = 0; f < ND; f++) {
            double got = od[i * ND + f];
            long double err = fabsl((long double)got - ref[f]) / ulp_d((double)ref[f]);
            if (!(err <= dulp[f] + DSLACK) && dworst[f] <= dulp[f] + DSLACK)
                fprintf(stderr, "%s(%.17g, %.17g) = %.17g, host %.17Lg (%.1Lf ulp)\n", dname[f], xd[i], yd[i],
                        got, ref[f], err);
            if (err > dworst[f])
                dworst[f] = (double)err;
        }
    }
    for (int f = 0; f < ND - 1; f++)
        EXPECT(dworst[f] <= dulp[f] + DSLACK);
    EXPECT(dworst[ND - 1] <= dulp[ND - 1] + RSQRT_SLACK); // rsqrt
    for (int f = 0; f < NF; f++)
        printf("%s: %.2f ulp\n", fname[f], worst[f]);
    for (int f = 0; f < ND; f++)
        printf("%s: %.2f ulp\n", dname[f], dworst[f]);
    return finish("kernels_math_library");
}
