/*
 * test_cpu_copy.c - copies and fills of the cpu backend: 1-D, 2-D and 3-D pitched, sync and
 * async, peer, and the pointer checks that keep bad copies from crashing.
 *
 * Owns: tests of cpu_copy.c.
 * Must not: leave memory allocated (tests run in one process under CK_FORK=no).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "test_cpu_fake.h"

static MUstream legacy(int dev)
{
    MUstream s;
    ck_assert_int_eq(D->muStreamGetLegacy(&s, dev), MU_SUCCESS);
    return s;
}

static struct mu_copy3d linear(void *dst, const void *src, size_t bytes, enum cudaMemcpyKind kind)
{
    struct mu_copy3d c = {kind, dst, src, bytes, 1, bytes, 1, bytes, 1, 1};
    return c;
}

START_TEST(linear_copies_sync_and_async)
{
    cpu_test_env();
    enum { N = 100000 };
    MUstream s = legacy(0);
    MUdeviceptr a, b;
    ck_assert_int_eq(D->muMemAlloc(&a, N, 0), MU_SUCCESS);
    ck_assert_int_eq(D->muMemAlloc(&b, N, 0), MU_SUCCESS);
    unsigned char *src = malloc(N), *dst = malloc(N);
    for (int i = 0; i < N; i++)
        src[i] = (unsigned char)(i * 7 + 3);
    struct mu_copy3d c = linear((void *)(uintptr_t)a, src, N, cudaMemcpyHostToDevice);
    ck_assert_int_eq(D->muMemcpy3D(&c, s, MU_OP_SYNC), MU_SUCCESS);
    c = linear((void *)(uintptr_t)b, (void *)(uintptr_t)a, N, cudaMemcpyDeviceToDevice);
    ck_assert_int_eq(D->muMemcpy3D(&c, s, 0), MU_SUCCESS); /* async, device to device */
    c = linear(dst, (void *)(uintptr_t)b, N, cudaMemcpyDeviceToHost);
    ck_assert_int_eq(D->muMemcpy3D(&c, s, 0), MU_SUCCESS); /* pageable: done on return */
    ck_assert_mem_eq(dst, src, N);

    /* Pinned memory copies asynchronously; a stream sync makes it visible. */
    void *pinned;
    ck_assert_int_eq(D->muMemAllocHost(&pinned, N, 0), MU_SUCCESS);
    c = linear(pinned, (void *)(uintptr_t)a, N, cudaMemcpyDeviceToHost);
    ck_assert_int_eq(D->muMemcpy3D(&c, s, 0), MU_SUCCESS);
    ck_assert_int_eq(D->muStreamSynchronize(s), MU_SUCCESS);
    ck_assert_mem_eq(pinned, src, N);

    ck_assert_int_eq(D->muMemFreeHost(pinned), MU_SUCCESS);
    ck_assert_int_eq(D->muMemFree(a), MU_SUCCESS);
    ck_assert_int_eq(D->muMemFree(b), MU_SUCCESS);
    free(src);
    free(dst);
}
END_TEST

START_TEST(pitched_2d_copy)
{
    cpu_test_env();
    enum { W = 100, H = 50, DPITCH = 512, HPITCH = 128 };
    MUstream s = legacy(0);
    MUdeviceptr d;
    ck_assert_int_eq(D->muMemAlloc(&d, DPITCH * H, 0), MU_SUCCESS);
    ck_assert_int_eq(D->muMemset3D(d, DPITCH, H, 0xee, DPITCH, H, 1, s, MU_OP_SYNC), MU_SUCCESS);
    unsigned char *host = malloc(W * H), *back = malloc(HPITCH * H);
    for (int i = 0; i < W * H; i++)
        host[i] = (unsigned char)(i % 251);
    struct mu_copy3d up = {cudaMemcpyHostToDevice, (void *)(uintptr_t)d, host, DPITCH, H, W, H,
                           W, H, 1};
    ck_assert_int_eq(D->muMemcpy3D(&up, s, MU_OP_SYNC), MU_SUCCESS);
    unsigned char *dev = (unsigned char *)(uintptr_t)d;
    for (int y = 0; y < H; y++) {
        ck_assert_mem_eq(dev + y * DPITCH, host + y * W, W);
        for (int x = W; x < DPITCH; x++)
            ck_assert_int_eq(dev[y * DPITCH + x], 0xee); /* padding untouched */
    }
    memset(back, 0, HPITCH * H);
    struct mu_copy3d down = {cudaMemcpyDeviceToHost, back, (void *)(uintptr_t)d, HPITCH, H,
                             DPITCH, H, W, H, 1};
    ck_assert_int_eq(D->muMemcpy3D(&down, s, MU_OP_SYNC), MU_SUCCESS);
    for (int y = 0; y < H; y++) {
        ck_assert_mem_eq(back + y * HPITCH, host + y * W, W);
        ck_assert_int_eq(back[y * HPITCH + W], 0);
    }
    ck_assert_int_eq(D->muMemFree(d), MU_SUCCESS);
    free(host);
    free(back);
}
END_TEST

START_TEST(pitched_3d_copy_and_fill)
{
    cpu_test_env();
    enum { W = 50, H = 10, Z = 4, PITCH = 128, ROWS = 20 };
    MUstream s;
    ck_assert_int_eq(D->muStreamCreate(&s, 0, 0, 0), MU_SUCCESS);
    MUdeviceptr d;
    ck_assert_int_eq(D->muMemAlloc(&d, PITCH * ROWS * Z, 0), MU_SUCCESS);
    ck_assert_int_eq(D->muMemset3D(d, PITCH, ROWS, 0x1211, PITCH, ROWS, Z, s, 0), MU_SUCCESS);
    unsigned char *host = malloc(W * H * Z), *back = calloc(W * H * Z, 1);
    for (int i = 0; i < W * H * Z; i++)
        host[i] = (unsigned char)(i % 253 + 1);
    struct mu_copy3d up = {cudaMemcpyHostToDevice, (void *)(uintptr_t)d, host, PITCH, ROWS, W, H,
                           W, H, Z};
    ck_assert_int_eq(D->muMemcpy3D(&up, s, 0), MU_SUCCESS);
    ck_assert_int_eq(D->muStreamSynchronize(s), MU_SUCCESS);
    const unsigned char *dev = (const unsigned char *)(uintptr_t)d;
    for (int z = 0; z < Z; z++)
        for (int y = 0; y < ROWS; y++)
            for (int x = 0; x < PITCH; x++) {
                int inside = x < W && y < H;
                int want = inside ? host[z * W * H + y * W + x] : 0x11; /* low byte of value */
                ck_assert_int_eq(dev[(z * ROWS + y) * PITCH + x], want);
            }
    struct mu_copy3d down = {cudaMemcpyDeviceToHost, back, (void *)(uintptr_t)d, W, H, PITCH,
                             ROWS, W, H, Z};
    ck_assert_int_eq(D->muMemcpy3D(&down, s, 0), MU_SUCCESS);
    ck_assert_mem_eq(back, host, W * H * Z);
    /* A 3-D fill of a sub-box: exactly the box changes. */
    ck_assert_int_eq(D->muMemset3D(d + PITCH + 2, PITCH, ROWS, 0x55, 5, 3, 2, s, MU_OP_SYNC),
                     MU_SUCCESS);
    for (int z = 0; z < Z; z++)
        for (int y = 0; y < ROWS; y++)
            for (int x = 0; x < PITCH; x++) {
                int in_box = z < 2 && y >= 1 && y < 4 && x >= 2 && x < 7;
                int inside = x < W && y < H;
                int want = in_box ? 0x55 : inside ? host[z * W * H + y * W + x] : 0x11;
                ck_assert_int_eq(dev[(z * ROWS + y) * PITCH + x], want);
            }
    ck_assert_int_eq(D->muStreamDestroy(s), MU_SUCCESS);
    ck_assert_int_eq(D->muMemFree(d), MU_SUCCESS);
    free(host);
    free(back);
}
END_TEST

START_TEST(bad_pointers_fail_without_copying)
{
    cpu_test_env();
    MUstream s = legacy(0);
    MUdeviceptr d, freed;
    ck_assert_int_eq(D->muMemAlloc(&d, 1000, 0), MU_SUCCESS);
    ck_assert_int_eq(D->muMemAlloc(&freed, 1000, 0), MU_SUCCESS);
    ck_assert_int_eq(D->muMemFree(freed), MU_SUCCESS);
    char host[2000];
    memset(host, 1, sizeof host);
    void *dptr = (void *)(uintptr_t)d;
    ck_assert_int_eq(D->muMemset3D(d, 1000, 1, 9, 1000, 1, 1, s, MU_OP_SYNC), MU_SUCCESS);

    struct mu_copy3d c = linear(dptr, host, 1001, cudaMemcpyHostToDevice); /* one too many */
    ck_assert_int_eq(D->muMemcpy3D(&c, s, MU_OP_SYNC), MU_ERROR_INVALID_VALUE);
    c = linear((char *)dptr + 1, host, 1000, cudaMemcpyHostToDevice);
    ck_assert_int_eq(D->muMemcpy3D(&c, s, 0), MU_ERROR_INVALID_VALUE);
    c = linear((void *)(uintptr_t)freed, host, 10, cudaMemcpyHostToDevice);
    ck_assert_int_eq(D->muMemcpy3D(&c, s, MU_OP_SYNC), MU_ERROR_INVALID_VALUE);
    c = linear(host, (void *)(uintptr_t)freed, 10, cudaMemcpyDeviceToHost);
    ck_assert_int_eq(D->muMemcpy3D(&c, s, MU_OP_SYNC), MU_ERROR_INVALID_VALUE);
    c = linear(NULL, dptr, 10, cudaMemcpyDeviceToHost);
    ck_assert_int_eq(D->muMemcpy3D(&c, s, MU_OP_SYNC), MU_ERROR_INVALID_VALUE);
    c = linear(dptr, (void *)64, 10, cudaMemcpyHostToDevice);
    ck_assert_int_eq(D->muMemcpy3D(&c, s, MU_OP_SYNC), MU_ERROR_INVALID_VALUE);
    void *hole = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    munmap(hole, 4096);
    c = linear(hole, dptr, 100, cudaMemcpyDeviceToHost);
    ck_assert_int_eq(D->muMemcpy3D(&c, s, 0), MU_ERROR_INVALID_VALUE);
    ck_assert_int_eq(D->muMemset3D(d, 1000, 1, 0, 1001, 1, 1, s, 0), MU_ERROR_INVALID_VALUE);
    ck_assert_int_eq(D->muMemset3D(freed, 1000, 1, 0, 8, 1, 1, s, 0), MU_ERROR_INVALID_VALUE);
    ck_assert_int_eq(D->muMemset3D(0, 0, 1, 0, 8, 1, 1, s, 0), MU_ERROR_INVALID_VALUE);
    /* Shapes: rows wider than the pitch; a 2-D box running past the allocation. */
    struct mu_copy3d wide = {cudaMemcpyHostToDevice, dptr, host, 10, 5, 20, 5, 20, 2, 1};
    ck_assert_int_eq(D->muMemcpy3D(&wide, s, 0), MU_ERROR_INVALID_VALUE);
    struct mu_copy3d tall = {cudaMemcpyHostToDevice, dptr, host, 100, 11, 100, 11, 100, 11, 1};
    ck_assert_int_eq(D->muMemcpy3D(&tall, s, 0), MU_ERROR_INVALID_VALUE);
    struct mu_copy3d huge = {cudaMemcpyHostToDevice, dptr, host, SIZE_MAX / 2, 4, 10,
                             4, 10, 4, 4};
    ck_assert_int_eq(D->muMemcpy3D(&huge, s, 0), MU_ERROR_INVALID_VALUE);
    c = linear(dptr, host, 10, (enum cudaMemcpyKind)9);
    ck_assert_int_eq(D->muMemcpy3D(&c, s, 0), MU_ERROR_INVALID_MEMCPY_DIRECTION);
    ck_assert_int_eq(D->muMemcpy3D(NULL, s, 0), MU_ERROR_INVALID_VALUE);
    c = linear(dptr, host, 10, cudaMemcpyHostToDevice);
    ck_assert_int_eq(D->muMemcpy3D(&c, s, 0x80), MU_ERROR_INVALID_VALUE);
    ck_assert_int_eq(D->muMemcpy3D(&c, NULL, 0), MU_ERROR_INVALID_RESOURCE_HANDLE);
    /* Nothing was written by the failed calls. */
    for (int i = 0; i < 1000; i++)
        ck_assert_int_eq(((unsigned char *)dptr)[i], 9);
    /* Zero-sized copies and fills are no-ops, whatever the pointers. */
    c = linear(NULL, NULL, 0, cudaMemcpyHostToDevice);
    ck_assert_int_eq(D->muMemcpy3D(&c, s, MU_OP_SYNC), MU_SUCCESS);
    ck_assert_int_eq(D->muMemset3D(0, 0, 0, 0, 0, 0, 0, s, 0), MU_SUCCESS);
    ck_assert_int_eq(D->muMemFree(d), MU_SUCCESS);
}
END_TEST

START_TEST(peer_copy_between_devices)
{
    cpu_test_env();
    int count;
    ck_assert_int_eq(D->muDeviceGetCount(&count), MU_SUCCESS);
    if (count < 2)
        return; /* one device: nothing to test */
    MUdeviceptr a, b;
    ck_assert_int_eq(D->muMemAlloc(&a, 4096, 0), MU_SUCCESS);
    ck_assert_int_eq(D->muMemAlloc(&b, 4096, 1), MU_SUCCESS);
    ck_assert_int_eq(D->muMemset3D(a, 4096, 1, 0x3c, 4096, 1, 1, legacy(0), MU_OP_SYNC),
                     MU_SUCCESS);
    struct mu_copy3d c = linear((void *)(uintptr_t)b, (void *)(uintptr_t)a, 4096,
                                cudaMemcpyDeviceToDevice);
    ck_assert_int_eq(D->muMemcpy3D(&c, legacy(1), 0), MU_SUCCESS);
    ck_assert_int_eq(D->muDeviceSynchronize(1), MU_SUCCESS);
    ck_assert_int_eq(((unsigned char *)(uintptr_t)b)[4095], 0x3c);
    ck_assert_int_eq(D->muMemFree(a), MU_SUCCESS);
    ck_assert_int_eq(D->muMemFree(b), MU_SUCCESS);
}
END_TEST

Suite *suite_cpu_copy(void)
{
    Suite *s = suite_create("cpu_copy");
    TCase *t = tcase_create("copy");
    tcase_add_test(t, linear_copies_sync_and_async);
    tcase_add_test(t, pitched_2d_copy);
    tcase_add_test(t, pitched_3d_copy_and_fill);
    tcase_add_test(t, bad_pointers_fail_without_copying);
    tcase_add_test(t, peer_copy_between_devices);
    suite_add_tcase(s, t);
    return s;
}
