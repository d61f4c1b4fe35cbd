// The batch calls of CUDA 12.8/13: cudaMemcpyBatchAsync with attribute runs (a stream-ordered
// source and a stack source read during the call), cudaMemPrefetchBatchAsync and the discard
// calls on managed memory, and the argument checks NVIDIA documents for each.
#include "common.h"

int main()
{
    const size_t n = 4096;
    cudaStream_t s;
    CHECK(cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking));
    int *host = (int *)malloc(n * sizeof(int)), *back = (int *)malloc(n * sizeof(int));
    for (size_t i = 0; i < n; i++)
        host[i] = (int)(i * 2654435761u % 1000003u);
    int *a, *b;
    CHECK(cudaMalloc(&a, n * sizeof(int)));
    CHECK(cudaMalloc(&b, n * sizeof(int)));
    int stack_value[4] = {11, 22, 33, 44};

    // Two copies in stream order, then one whose source is a stack array read during the call.
    {
        void *dsts[] = {a, b, b + n - 4};
        const void *srcs[] = {host, host + n / 2, stack_value};
        size_t sizes[] = {n * sizeof(int), n / 2 * sizeof(int), sizeof stack_value};
        cudaMemcpyAttributes attrs[2] = {};
        attrs[0].srcAccessOrder = cudaMemcpySrcAccessOrderStream;
        attrs[1].srcAccessOrder = cudaMemcpySrcAccessOrderDuringApiCall;
        size_t idxs[2] = {0, 2};
        CHECK(cudaMemcpyBatchAsync(dsts, srcs, sizes, 3, attrs, idxs, 2, s));
        stack_value[0] = -1; // read during the call: this change must not reach the device
        CHECK(cudaStreamSynchronize(s));
        CHECK(cudaMemcpy(back, b, n * sizeof(int), cudaMemcpyDeviceToHost));
        for (size_t i = 0; i < n / 2; i++)
            if (back[i] != host[n / 2 + i]) {
                fprintf(stderr, "batch copy: b[%zu] = %d, expected %d\n", i, back[i], host[n / 2 + i]);
                g_failures++;
                break;
            }
        EXPECT_EQ_LL(back[n - 4], 11);
        EXPECT_EQ_LL(back[n - 1], 44);
        CHECK(cudaMemcpy(back, a, n * sizeof(int), cudaMemcpyDeviceToHost));
        EXPECT(memcmp(back, host, n * sizeof(int)) == 0);
    }

    // Argument checks: every copy needs attributes, runs start at 0 and increase, orders are
    // valid, and the legacy stream is refused.
    {
        void *dsts[] = {a, b};
        const void *srcs[] = {host, host};
        size_t sizes[] = {16, 16};
        cudaMemcpyAttributes attrs[2] = {};
        attrs[0].srcAccessOrder = attrs[1].srcAccessOrder = cudaMemcpySrcAccessOrderStream;
        size_t from1[1] = {1}, dup[2] = {0, 0}, idx0[1] = {0};
        EXPECT_ERR(cudaMemcpyBatchAsync(dsts, srcs, sizes, 0, attrs, idx0, 1, s), cudaErrorInvalidValue);
        EXPECT_ERR(cudaMemcpyBatchAsync(dsts, srcs, sizes, 2, attrs, from1, 1, s), cudaErrorInvalidValue);
        EXPECT_ERR(cudaMemcpyBatchAsync(dsts, srcs, sizes, 2, attrs, dup, 2, s), cudaErrorInvalidValue);
        EXPECT_ERR(cudaMemcpyBatchAsync(dsts, srcs, sizes, 2, attrs, idx0, 3, s), cudaErrorInvalidValue);
        EXPECT_ERR(cudaMemcpyBatchAsync(dsts, srcs, sizes, 2, attrs, idx0, 1, cudaStreamLegacy),
                   cudaErrorInvalidValue);
        attrs[0].srcAccessOrder = cudaMemcpySrcAccessOrderInvalid;
        EXPECT_ERR(cudaMemcpyBatchAsync(dsts, srcs, sizes, 2, attrs, idx0, 1, s), cudaErrorInvalidValue);
        (void)cudaGetLastError();
    }

    // Prefetches and discards of managed memory.
    {
        int *m1, *m2;
        CHECK(cudaMallocManaged(&m1, n * sizeof(int)));
        CHECK(cudaMallocManaged(&m2, n * sizeof(int)));
        for (size_t i = 0; i < n; i++)
            m1[i] = m2[i] = (int)i;
        void *ptrs[] = {m1, m2};
        size_t sizes[] = {n * sizeof(int), n * sizeof(int)};
        cudaMemLocation locs[2] = {{cudaMemLocationTypeDevice, 0}, {cudaMemLocationTypeHost, 0}};
        size_t idxs[2] = {0, 1};
        CHECK(cudaMemPrefetchBatchAsync(ptrs, sizes, 2, locs, idxs, 2, 0, s));
        CHECK(cudaStreamSynchronize(s));
        EXPECT_EQ_LL(m1[n - 1], n - 1); // a prefetch moves data, never changes it
        EXPECT_EQ_LL(m2[7], 7);
        CHECK(cudaMemDiscardBatchAsync(ptrs, sizes, 2, 0, s));
        CHECK(cudaMemDiscardAndPrefetchBatchAsync(ptrs, sizes, 2, locs, idxs, 1, 0, s));
        CHECK(cudaStreamSynchronize(s));
        void *device_only[] = {a};
        EXPECT_ERR(cudaMemPrefetchBatchAsync(device_only, sizes, 1, locs, idxs, 1, 0, s), cudaErrorInvalidValue);
        EXPECT_ERR(cudaMemPrefetchBatchAsync(ptrs, sizes, 2, locs, idxs, 2, 1, s), cudaErrorInvalidValue);
        cudaMemLocation bad = {cudaMemLocationTypeDevice, 99};
        EXPECT_ERR(cudaMemPrefetchBatchAsync(ptrs, sizes, 2, &bad, idxs, 1, 0, s), cudaErrorInvalidValue);
        EXPECT_ERR(cudaMemDiscardBatchAsync(ptrs, sizes, 2, 1, s), cudaErrorInvalidValue);
        (void)cudaGetLastError();
        CHECK(cudaFree(m1));
        CHECK(cudaFree(m2));
    }
    CHECK(cudaFree(a));
    CHECK(cudaFree(b));
    CHECK(cudaStreamDestroy(s));
    free(host);
    free(back);
    return finish("memcpy_batch");
}
