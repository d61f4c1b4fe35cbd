// __fdividef (div.approx.f32): x * (1 / y), within 2 ulp of x / y for 2^-126 <= |y| <= 2^126;
// for 2^126 < |y| < 2^128 the reciprocal is flushed, so the result is 0 for finite x and NaN
// for infinite x, as CUDA's documentation of __fdividef says.
#include <cmath>

#include "common.h"

__global__ void fdiv(const float *x, const float *y, float *q, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n)
        q[i] = __fdividef(x[i], y[i]);
}

static double ulp_of(float v)
{
    int e;
    frexpf(v, &e);
    return ldexp(1.0, e - 24 < -149 ? -149 : e - 24);
}

int main()
{
    const int n = 4096;
    static float x[n], y[n], q[n];
    unsigned s = 12345;
    for (int i = 0; i < n; i++) {
        s = s * 1664525u + 1013904223u;
        float m = 1.0f + (s >> 8) * 0x1p-24f;
        s = s * 1664525u + 1013904223u;
        x[i] = ldexpf(m, (int)(s % 120) - 60) * ((s & 1) ? -1 : 1);
        s = s * 1664525u + 1013904223u;
        y[i] = ldexpf(1.0f + (s >> 8) * 0x1p-24f, (int)(s % 120) - 60);
    }
    // the flushed range, and its edges
    x[0] = 1.0f, y[0] = 0x1.8p126f;
    x[1] = INFINITY, y[1] = 0x1.8p126f;
    x[2] = 0x1p127f, y[2] = 0x1.8p126f;
    x[3] = -3.0f, y[3] = -0x1.fffffep127f;
    x[4] = 6.0f, y[4] = 0x1p126f; // the last divisor that is not flushed
    float *dx, *dy, *dq;
    CHECK(cudaMalloc(&dx, sizeof x));
    CHECK(cudaMalloc(&dy, sizeof y));
    CHECK(cudaMalloc(&dq, sizeof q));
    CHECK(cudaMemcpy(dx, x, sizeof x, cudaMemcpyHostToDevice));
    CHECK(cudaMemcpy(dy, y, sizeof y, cudaMemcpyHostToDevice));
    fdiv<<<n / 256, 256>>>(dx, dy, dq, n);
    CHECK(cudaMemcpy(q, dq, sizeof q, cudaMemcpyDeviceToHost));
    EXPECT(q[0] == 0.0f && !signbit(q[0]));
    EXPECT(std::isnan(q[1]));
    EXPECT(q[2] == 0.0f);
    EXPECT(q[3] == 0.0f && !signbit(q[3]));
    EXPECT(fabs((double)q[4] - 6.0 / 0x1p126) <= 2 * ulp_of(6.0f / 0x1p126f));
    int bad = 0;
    for (int i = 5; i < n; i++) {
        double exact = (double)x[i] / (double)y[i];
        if (fabs(q[i] - exact) > 2 * ulp_of((float)exact) && bad++ < 3)
            fprintf(stderr, "__fdividef(%a, %a) = %a, exact %a\n", x[i], y[i], q[i], exact);
    }
    EXPECT_EQ_LL(bad, 0);
    return finish("kernels_fast_divide");
}
