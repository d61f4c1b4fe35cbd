// nvcc-variants: sm_80 sm_90 sm_120
// Engine (issue 5): half precision as cuda_fp16.h emits it (scalar and half2 arithmetic, fma,
// comparisons, conversions with rounding) and double math from libdevice, against host
// computations of the same operations.
#include <cmath>
#include <cuda_fp16.h>
#include <vector>
#include "common.h"

__global__ void halves(const float *in, float *out, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n)
        return;
    __half a = __float2half(in[i]), b = __float2half(in[(i + 1) % n]);
    __half2 p = __halves2half2(a, b), q = __halves2half2(b, a);
    __half2 s = __hfma2(p, q, __float2half2_rn(1.0f));
    float *o = out + i * 6;
    o[0] = __half2float(__hadd(a, b));
    o[1] = __half2float(__hmul(a, b));
    o[2] = __low2float(s);
    o[3] = __high2float(s);
    o[4] = __hlt(a, b) ? 1.0f : 0.0f;
    o[5] = __half2float(__float2half_rz(in[i] * 3.3f));
}

__global__ void doubles(const double *in, double *out, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n)
        return;
    double x = in[i];
    double *o = out + i * 6;
    o[0] = sqrt(x);
    o[1] = exp(x / 10);
    o[2] = log(x + 1);
    o[3] = sin(x);
    o[4] = pow(x, 1.5);
    o[5] = fma(x, x, -x) / (x + 0.5);
}

// The host's half conversions: round to nearest even, or toward zero.
static float to_half(float f, bool toward_zero)
{
    return __half2float(toward_zero ? __float2half_rz(f) : __float2half_rn(f));
}

// An exact double result rounded once to half.
static float round_half(double d)
{
    return __half2float(__double2half(d));
}

int main()
{
    const int n = 512;
    std::vector<float> in(n);
    for (int i = 0; i < n; i++)
        in[i] = (float)((i * 37) % 200 - 100) / 8.0f + 0.001f * i;
    float *d_in, *d_out;
    CHECK(cudaMalloc(&d_in, n * sizeof(float)));
    CHECK(cudaMalloc(&d_out, n * 6 * sizeof(float)));
    CHECK(cudaMemcpy(d_in, in.data(), n * sizeof(float), cudaMemcpyHostToDevice));
    halves<<<(n + 127) / 128, 128>>>(d_in, d_out, n);
    CHECK(cudaGetLastError());
    std::vector<float> out(n * 6);
    CHECK(cudaMemcpy(out.data(), d_out, out.size() * sizeof(float), cudaMemcpyDeviceToHost));
    for (int i = 0; i < n; i++) {
        float a = to_half(in[i], false), b = to_half(in[(i + 1) % n], false);
        const float *o = &out[i * 6];
        // Each half operation is the exact result rounded once to half.
        EXPECT(o[0] == round_half((double)a + b));
        EXPECT(o[1] == round_half((double)a * b));
        EXPECT(o[2] == round_half(fma((double)a, b, 1.0)));
        EXPECT(o[3] == round_half(fma((double)b, a, 1.0)));
        EXPECT(o[4] == (a < b ? 1.0f : 0.0f));
        EXPECT(o[5] == to_half(in[i] * 3.3f, true));
    }

    std::vector<double> x(n);
    for (int i = 0; i < n; i++)
        x[i] = 0.1 + i * 0.37;
    double *dx, *dy;
    CHECK(cudaMalloc(&dx, n * sizeof(double)));
    CHECK(cudaMalloc(&dy, n * 6 * sizeof(double)));
    CHECK(cudaMemcpy(dx, x.data(), n * sizeof(double), cudaMemcpyHostToDevice));
    doubles<<<(n + 63) / 64, 64>>>(dx, dy, n);
    CHECK(cudaGetLastError());
    std::vector<double> y(n * 6);
    CHECK(cudaMemcpy(y.data(), dy, y.size() * sizeof(double), cudaMemcpyDeviceToHost));
    int bad = 0;
    for (int i = 0; i < n; i++) {
        double v = x[i];
        double want[6] = {sqrt(v), exp(v / 10), log(v + 1), sin(v), pow(v, 1.5),
                          fma(v, v, -v) / (v + 0.5)};
        for (int k = 0; k < 6; k++) {
            // sqrt, fma and division are correctly rounded on both sides; libdevice's and
            // glibc's exp/log/sin/pow are each within about an ulp of the true value.
            double tol = (k == 0 || k == 5) ? 0.0 : 1e-15 * fabs(want[k]);
            if (fabs(y[i * 6 + k] - want[k]) > tol && bad++ < 5)
                fprintf(stderr, "double op %d of %.17g: %.17g, expected %.17g\n", k, v,
                        y[i * 6 + k], want[k]);
        }
    }
    EXPECT_EQ_LL(bad, 0);
    CHECK(cudaFree(d_in));
    CHECK(cudaFree(d_out));
    CHECK(cudaFree(dx));
    CHECK(cudaFree(dy));
    return finish("kernels_fp16_double");
}
