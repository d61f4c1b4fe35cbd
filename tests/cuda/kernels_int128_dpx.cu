// nvcc-variants: sm_90
// Wide and packed integer arithmetic: __int128 division and remainder (nvcc expands them into
// sub.cc/subc.cc chains whose final carry, read back with addc, must be the hardware's "no
// borrow" flag), the carry flag of sub.cc read directly, and on sm_90 the DPX intrinsics, which
// compile to max/min .relu and the packed .s16x2/.u16x2 forms.  Expected values come from the
// host's own __int128 arithmetic and a per-halfword reference.
#include "common.h"

typedef unsigned __int128 u128;

__global__ void divide(const __int128 *a, const __int128 *b, __int128 *q, __int128 *r, u128 *uq,
                       u128 *ur, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) {
        q[i] = a[i] / b[i];
        r[i] = a[i] % b[i];
        uq[i] = (u128)a[i] / (u128)b[i];
        ur[i] = (u128)a[i] % (u128)b[i];
    }
}

__global__ void borrow_flag(const unsigned *a, const unsigned *b, unsigned *diff, unsigned *flag,
                            int n)
{
    int i = threadIdx.x;
    if (i < n)
        asm("sub.cc.u32 %0, %2, %3;\n\taddc.u32 %1, 0, 0;"
            : "=r"(diff[i]), "=r"(flag[i])
            : "r"(a[i]), "r"(b[i]));
}

__global__ void dpx(const unsigned *x, unsigned *out, int n)
{
    int i = threadIdx.x;
    if (i >= n)
        return;
    unsigned a = x[3 * i], b = x[3 * i + 1], c = x[3 * i + 2];
    unsigned *o = out + 8 * i;
    o[0] = (unsigned)__vimax3_s32((int)a, (int)b, (int)c);
    o[1] = (unsigned)__vimin_s32_relu((int)a, (int)b);
    o[2] = (unsigned)__vimax_s32_relu((int)a, (int)b);
    o[3] = (unsigned)__viaddmax_s32((int)a, (int)b, (int)c);
    o[4] = __vimax3_s16x2(a, b, c);
    o[5] = __vimin_s16x2_relu(a, b);
    o[6] = __vimax3_u16x2(a, b, c);
    o[7] = __viaddmin_u16x2(a, b, c);
}

static unsigned long long next_random(unsigned long long *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

// The per-halfword reference: op 0 max3 signed, 1 min relu signed, 2 max3 unsigned,
// 3 (a+b) then min unsigned.
static unsigned halves(unsigned a, unsigned b, unsigned c, int op)
{
    unsigned r = 0;
    for (int h = 0; h < 32; h += 16) {
        int sa = (short)(a >> h), sb = (short)(b >> h), sc = (short)(c >> h);
        unsigned ua = (a >> h) & 0xffff, ub = (b >> h) & 0xffff, uc = (c >> h) & 0xffff;
        int v;
        switch (op) {
        case 0: v = sa > sb ? sa : sb; v = v > sc ? v : sc; break;
        case 1: v = sa < sb ? sa : sb; v = v < 0 ? 0 : v; break;
        case 2: v = (int)(ua > ub ? ua : ub); v = v > (int)uc ? v : (int)uc; break;
        default: v = (int)((ua + ub) & 0xffff); v = v < (int)uc ? v : (int)uc; break;
        }
        r |= ((unsigned)v & 0xffff) << h;
    }
    return r;
}

int main()
{
    const int n = 256;
    static __int128 a[n], b[n], q[n], r[n];
    static u128 uq[n], ur[n];
    unsigned long long seed = 0x9e3779b97f4a7c15ull;
    for (int i = 0; i < n; i++) {
        // widths from 1 to 127 bits, both signs, small and huge divisors
        int abits = 1 + (int)(next_random(&seed) % 127), bbits = 1 + (int)(next_random(&seed) % 127);
        u128 ra = ((u128)next_random(&seed) << 64 | next_random(&seed)) >> (128 - abits);
        u128 rb = ((u128)next_random(&seed) << 64 | next_random(&seed)) >> (128 - bbits);
        a[i] = (__int128)ra * ((i & 1) ? -1 : 1);
        b[i] = rb == 0 ? 7 : (__int128)rb * ((i & 2) ? -1 : 1);
    }
    a[0] = 0, b[0] = 5;
    a[1] = 100, b[1] = 7;
    a[2] = -100, b[2] = 7;
    a[3] = (__int128)1 << 70, b[3] = 3;
    __int128 *da, *db, *dq, *dr;
    u128 *duq, *dur;
    CHECK(cudaMalloc(&da, sizeof a));
    CHECK(cudaMalloc(&db, sizeof b));
    CHECK(cudaMalloc(&dq, sizeof q));
    CHECK(cudaMalloc(&dr, sizeof r));
    CHECK(cudaMalloc(&duq, sizeof uq));
    CHECK(cudaMalloc(&dur, sizeof ur));
    CHECK(cudaMemcpy(da, a, sizeof a, cudaMemcpyHostToDevice));
    CHECK(cudaMemcpy(db, b, sizeof b, cudaMemcpyHostToDevice));
    divide<<<(n + 63) / 64, 64>>>(da, db, dq, dr, duq, dur, n);
    CHECK(cudaGetLastError());
    CHECK(cudaMemcpy(q, dq, sizeof q, cudaMemcpyDeviceToHost));
    CHECK(cudaMemcpy(r, dr, sizeof r, cudaMemcpyDeviceToHost));
    CHECK(cudaMemcpy(uq, duq, sizeof uq, cudaMemcpyDeviceToHost));
    CHECK(cudaMemcpy(ur, dur, sizeof ur, cudaMemcpyDeviceToHost));
    int bad = 0;
    for (int i = 0; i < n; i++) {
        int wrong = q[i] != a[i] / b[i] || r[i] != a[i] % b[i] || uq[i] != (u128)a[i] / (u128)b[i] ||
                    ur[i] != (u128)a[i] % (u128)b[i];
        if (wrong && bad++ < 3)
            fprintf(stderr, "int128 case %d: a %016llx%016llx b %016llx%016llx\n", i,
                    (unsigned long long)((u128)a[i] >> 64), (unsigned long long)a[i],
                    (unsigned long long)((u128)b[i] >> 64), (unsigned long long)b[i]);
    }
    EXPECT_EQ_LL(bad, 0);

    // sub.cc's carry: 1 when no borrow happened
    unsigned ha[4] = {5, 3, 0, 0xffffffffu}, hb[4] = {3, 5, 0, 0}, *dd, *dflag, *dha, *dhb;
    unsigned diff[4], flag[4];
    CHECK(cudaMalloc(&dha, sizeof ha));
    CHECK(cudaMalloc(&dhb, sizeof hb));
    CHECK(cudaMalloc(&dd, sizeof diff));
    CHECK(cudaMalloc(&dflag, sizeof flag));
    CHECK(cudaMemcpy(dha, ha, sizeof ha, cudaMemcpyHostToDevice));
    CHECK(cudaMemcpy(dhb, hb, sizeof hb, cudaMemcpyHostToDevice));
    borrow_flag<<<1, 4>>>(dha, dhb, dd, dflag, 4);
    CHECK(cudaMemcpy(diff, dd, sizeof diff, cudaMemcpyDeviceToHost));
    CHECK(cudaMemcpy(flag, dflag, sizeof flag, cudaMemcpyDeviceToHost));
    for (int i = 0; i < 4; i++) {
        EXPECT_EQ_LL(diff[i], (unsigned)(ha[i] - hb[i]));
        EXPECT_EQ_LL(flag[i], ha[i] >= hb[i] ? 1 : 0);
    }

    // DPX
    const int m = 128;
    static unsigned x[3 * m], out[8 * m];
    for (int i = 0; i < 3 * m; i++)
        x[i] = (unsigned)next_random(&seed);
    x[0] = 3, x[1] = (unsigned)-4, x[2] = 9;
    unsigned *dx, *dout;
    CHECK(cudaMalloc(&dx, sizeof x));
    CHECK(cudaMalloc(&dout, sizeof out));
    CHECK(cudaMemcpy(dx, x, sizeof x, cudaMemcpyHostToDevice));
    dpx<<<1, m>>>(dx, dout, m);
    CHECK(cudaGetLastError());
    CHECK(cudaMemcpy(out, dout, sizeof out, cudaMemcpyDeviceToHost));
    int dbad = 0;
    for (int i = 0; i < m; i++) {
        int sa = (int)x[3 * i], sb = (int)x[3 * i + 1], sc = (int)x[3 * i + 2];
        unsigned a3 = x[3 * i], b3 = x[3 * i + 1], c3 = x[3 * i + 2];
        int mx = sa > sb ? sa : sb, mn = sa < sb ? sa : sb, sum = (int)(a3 + b3);
        unsigned want[8] = {(unsigned)(mx > sc ? mx : sc), (unsigned)(mn < 0 ? 0 : mn),
                            (unsigned)(mx < 0 ? 0 : mx), (unsigned)(sum > sc ? sum : sc),
                            halves(a3, b3, c3, 0), halves(a3, b3, 0, 1), halves(a3, b3, c3, 2),
                            halves(a3, b3, c3, 3)};
        for (int k = 0; k < 8; k++)
            if (out[8 * i + k] != want[k] && dbad++ < 3)
                fprintf(stderr, "dpx %d of case %d: %08x, expected %08x\n", k, i, out[8 * i + k],
                        want[k]);
    }
    EXPECT_EQ_LL(dbad, 0);
    return finish("kernels_int128_dpx");
}
