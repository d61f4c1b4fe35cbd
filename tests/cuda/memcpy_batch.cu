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
    // cudaMemcpy3DBatchAsync: a sub-box of a padded host volume to tightly packed device memory,
    // that to a 2-D float array and back to a padded host buffer, and array to array; extents
    // in elements (bytes between pointers), rows and layers given in elements.
    {
        const size_t W = 7, H = 5, D = 3, ROW = 11, LAYER = 9; // copy box and host padding
        static unsigned char vol[LAYER * ROW * (D + 1)], flat[W * H * D];
        for (size_t i = 0; i < sizeof vol; i++)
            vol[i] = (unsigned char)(i * 37 + 5);
        unsigned char *dev;
        CHECK(cudaMalloc(&dev, W * H * D));
        cudaMemcpy3DBatchOp op = {};
        op.src.type = cudaMemcpyOperandTypePointer;
        op.src.op.ptr.ptr = vol + ROW + 2; // starting at row 1, column 2 of layer 0
        op.src.op.ptr.rowLength = ROW;
        op.src.op.ptr.layerHeight = LAYER;
        op.dst.type = cudaMemcpyOperandTypePointer;
        op.dst.op.ptr.ptr = dev; // rowLength and layerHeight 0: tightly packed
        op.extent = make_cudaExtent(W, H, D);
        op.srcAccessOrder = cudaMemcpySrcAccessOrderStream;
        CHECK(cudaMemcpy3DBatchAsync(1, &op, 0, s));
        CHECK(cudaStreamSynchronize(s));
        CHECK(cudaMemcpy(flat, dev, sizeof flat, cudaMemcpyDeviceToHost));
        int bad = 0;
        for (size_t z = 0; z < D; z++)
            for (size_t y = 0; y < H; y++)
                for (size_t x = 0; x < W; x++) {
                    size_t from = z * LAYER * ROW + (y + 1) * ROW + x + 2;
                    bad += flat[(z * H + y) * W + x] != vol[from];
                }
        EXPECT_EQ_LL(bad, 0);

        // floats into a 2-D array at offset (1, 2), back out into rows of 6 floats, and array to
        // array; two copies in one batch
        const size_t AW = 8, AH = 6, CW = 4, CH = 3;
        float src[CH][CW], out[CH][6] = {}, out2[CH][CW] = {};
        for (size_t y = 0; y < CH; y++)
            for (size_t x = 0; x < CW; x++)
                src[y][x] = (float)(y * 10 + x) + 0.5f;
        cudaChannelFormatDesc fdesc = cudaCreateChannelDesc<float>();
        cudaArray_t arr, arr2, bytes_arr;
        CHECK(cudaMallocArray(&arr, &fdesc, AW, AH));
        CHECK(cudaMallocArray(&arr2, &fdesc, AW, AH));
        cudaChannelFormatDesc bdesc = cudaCreateChannelDesc<unsigned char>();
        CHECK(cudaMallocArray(&bytes_arr, &bdesc, AW, AH));
        cudaMemcpy3DBatchOp ops[2] = {};
        ops[0].src.type = cudaMemcpyOperandTypePointer;
        ops[0].src.op.ptr.ptr = src;
        ops[0].dst.type = cudaMemcpyOperandTypeArray;
        ops[0].dst.op.array.array = arr;
        ops[0].dst.op.array.offset = {1, 2, 0};
        ops[0].extent = make_cudaExtent(CW, CH, 1);
        ops[0].srcAccessOrder = cudaMemcpySrcAccessOrderDuringApiCall;
        CHECK(cudaMemcpy3DBatchAsync(1, ops, 0, s));
        src[0][0] = -1.0f; // read during the call: the array keeps 0.5
        ops[0].src = ops[0].dst;
        ops[0].dst = cudaMemcpy3DOperand{};
        ops[0].dst.type = cudaMemcpyOperandTypePointer;
        ops[0].dst.op.ptr.ptr = out;
        ops[0].dst.op.ptr.rowLength = 6;
        ops[0].srcAccessOrder = cudaMemcpySrcAccessOrderStream;
        ops[1].src = ops[0].src;
        ops[1].dst.type = cudaMemcpyOperandTypeArray;
        ops[1].dst.op.array.array = arr2;
        ops[1].extent = ops[0].extent;
        ops[1].srcAccessOrder = cudaMemcpySrcAccessOrderAny;
        CHECK(cudaMemcpy3DBatchAsync(2, ops, 0, s));
        CHECK(cudaStreamSynchronize(s));
        CHECK(cudaMemcpy2DFromArray(out2, CW * sizeof(float), arr2, 0, 0, CW * sizeof(float), CH,
                                    cudaMemcpyDeviceToHost));
        bad = 0;
        for (size_t y = 0; y < CH; y++)
            for (size_t x = 0; x < CW; x++) {
                float want = (float)(y * 10 + x) + 0.5f;
                bad += out[y][x] != want;
                bad += out2[y][x] != want;
            }
        EXPECT_EQ_LL(bad, 0);

        // argument checks
        EXPECT_ERR(cudaMemcpy3DBatchAsync(0, ops, 0, s), cudaErrorInvalidValue);
        EXPECT_ERR(cudaMemcpy3DBatchAsync(1, NULL, 0, s), cudaErrorInvalidValue);
        EXPECT_ERR(cudaMemcpy3DBatchAsync(1, ops, 1, s), cudaErrorInvalidValue);
        EXPECT_ERR(cudaMemcpy3DBatchAsync(1, ops, 0, cudaStreamLegacy), cudaErrorInvalidValue);
        cudaMemcpy3DBatchOp badop = ops[0];
        badop.extent.height = 0;
        EXPECT_ERR(cudaMemcpy3DBatchAsync(1, &badop, 0, s), cudaErrorInvalidValue);
        badop = ops[0];
        badop.dst.op.ptr.rowLength = CW - 1; // shorter than a row of the copy
        EXPECT_ERR(cudaMemcpy3DBatchAsync(1, &badop, 0, s), cudaErrorInvalidValue);
        badop = ops[0];
        badop.srcAccessOrder = cudaMemcpySrcAccessOrderInvalid;
        EXPECT_ERR(cudaMemcpy3DBatchAsync(1, &badop, 0, s), cudaErrorInvalidValue);
        badop = ops[1];
        badop.dst.op.array.array = bytes_arr; // 1-byte elements against 4-byte ones
        EXPECT_ERR(cudaMemcpy3DBatchAsync(1, &badop, 0, s), cudaErrorInvalidValue);
        cudaGetLastError();
        CHECK(cudaFreeArray(arr));
        CHECK(cudaFreeArray(arr2));
        CHECK(cudaFreeArray(bytes_arr));
        CHECK(cudaFree(dev));
    }

    CHECK(cudaFree(a));
    CHECK(cudaFree(b));
    CHECK(cudaStreamDestroy(s));
    free(host);
    free(back);
    return finish("memcpy_batch");
}
