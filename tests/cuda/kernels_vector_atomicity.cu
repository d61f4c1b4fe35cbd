// A .relaxed or .volatile vector access is one single-copy atomic access of its whole width
// on a GPU, and CUB's decoupled look-back (Thrust's scans, reduce_by_key, unique) relies on
// it: a tile's status and value travel together in one v2.u32.  One block writes matching
// halves while another reads; a reader must never see halves from two different writes.
#include "common.h"

#define ROUNDS 200000
#define SPIN_LIMIT 2000000

struct Torn {
    unsigned v2_u32, v4_u32, v2_u64, seen;
};

__global__ void race(unsigned *w2, unsigned *w4, unsigned long long *w64, Torn *torn)
{
    if (threadIdx.x != 0)
        return;
    if (blockIdx.x == 0) {
        for (unsigned i = 1; i <= ROUNDS; i++) {
            asm volatile("st.relaxed.gpu.global.v2.u32 [%0], {%1, %2};" ::"l"(w2), "r"(i), "r"(~i) : "memory");
            asm volatile("st.volatile.global.v4.u32 [%0], {%1, %2, %3, %4};" ::"l"(w4), "r"(i), "r"(i + 1),
                         "r"(i + 2), "r"(i + 3) : "memory");
            unsigned long long j = (unsigned long long)i << 32 | i;
            asm volatile("st.relaxed.gpu.global.v2.u64 [%0], {%1, %2};" ::"l"(w64), "l"(j), "l"(~j) : "memory");
        }
        return;
    }
    unsigned a, b, c, d, seen = 0, t2 = 0, t4 = 0, t64 = 0;
    for (int spin = 0; spin < SPIN_LIMIT; spin++) { // start once the writer has (if it runs alongside)
        asm volatile("ld.relaxed.gpu.global.v2.u32 {%0, %1}, [%2];" : "=r"(a), "=r"(b) : "l"(w2) : "memory");
        if (a != 0)
            break;
    }
    for (int r = 0; r < ROUNDS; r++) {
        asm volatile("ld.relaxed.gpu.global.v2.u32 {%0, %1}, [%2];" : "=r"(a), "=r"(b) : "l"(w2) : "memory");
        t2 += a != 0 && b != ~a;
        seen += a != 0;
        asm volatile("ld.volatile.global.v4.u32 {%0, %1, %2, %3}, [%4];"
                     : "=r"(a), "=r"(b), "=r"(c), "=r"(d) : "l"(w4) : "memory");
        t4 += a != 0 && (b != a + 1 || c != a + 2 || d != a + 3);
        unsigned long long x, y;
        asm volatile("ld.relaxed.gpu.global.v2.u64 {%0, %1}, [%2];" : "=l"(x), "=l"(y) : "l"(w64) : "memory");
        t64 += x != 0 && y != ~x;
    }
    torn->v2_u32 = t2;
    torn->v4_u32 = t4;
    torn->v2_u64 = t64;
    torn->seen = seen;
}

int main()
{
    unsigned *w2, *w4;
    unsigned long long *w64;
    Torn *torn;
    CHECK(cudaMalloc(&w2, 8));
    CHECK(cudaMalloc(&w4, 16));
    CHECK(cudaMalloc(&w64, 16));
    CHECK(cudaMallocManaged(&torn, sizeof(Torn)));
    CHECK(cudaMemset(w2, 0, 8));
    CHECK(cudaMemset(w4, 0, 16));
    CHECK(cudaMemset(w64, 0, 16));
    race<<<2, 32>>>(w2, w4, w64, torn);
    CHECK(cudaDeviceSynchronize());
    EXPECT_EQ_LL(torn->v2_u32, 0);
    EXPECT_EQ_LL(torn->v4_u32, 0);
    EXPECT_EQ_LL(torn->v2_u64, 0);
    printf("reads that saw a write: %u of %d\n", torn->seen, ROUNDS);
    unsigned final2[2];
    CHECK(cudaMemcpy(final2, w2, 8, cudaMemcpyDeviceToHost));
    EXPECT_EQ_LL(final2[0], ROUNDS);
    EXPECT_EQ_LL(final2[1], ~(unsigned)ROUNDS);
    return finish("kernels_vector_atomicity");
}
