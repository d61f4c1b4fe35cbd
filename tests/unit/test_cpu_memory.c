/*
 * test_cpu_memory.c - device, managed, pinned and registered memory of the cpu backend, the
 * allocation tracker, accounting and running out of memory.
 *
 * Owns: tests of cpu_memory.c, cpu_tracker.c and cpu_arena.c.
 * Must not: assume a device size: read it from the backend.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "cpu/cpu_device.h"
#include "cpu/cpu_memory.h"
#include "cpu/cpu_tracker.h"
#include "test_cpu_fake.h"

static struct cpu_device *dev0(void)
{
    struct cpu_device *dev;
    ck_assert_int_eq(cpu_device_lookup(0, &dev), MU_SUCCESS);
    return dev;
}

START_TEST(alloc_free_and_lookups)
{
    cpu_test_env();
    MUdeviceptr p;
    ck_assert_int_eq(D->muMemAlloc(&p, 1000, 0), MU_SUCCESS);
    ck_assert(p != 0);
    ck_assert_uint_eq(p % 256, 0);
    unsigned char *bytes = (unsigned char *)(uintptr_t)p;
    for (int i = 0; i < 1000; i++)
        ck_assert_int_eq(bytes[i], 0); /* fresh pages read as zero */
    memset(bytes, 0xab, 1000);

    struct cpu_range r;
    ck_assert(cpu_tracker_find(p, &r));
    ck_assert_uint_eq(r.base, p);
    ck_assert_uint_eq(r.size, 1000);
    ck_assert_uint_eq(r.kind, CPU_RANGE_DEVICE);
    ck_assert_int_eq(r.dev, 0);
    ck_assert(cpu_tracker_find(p + 500, &r) && r.base == p);
    ck_assert(cpu_tracker_find(p + 999, &r) && r.base == p);
    ck_assert(!cpu_tracker_find(p + 1000, &r)); /* one past the end */
    ck_assert(!cpu_tracker_find(p - 1, &r) || r.base != p);

    /* The engine sees the same through engine_host.find_range. */
    const struct engine_host *host = &dev0()->engine_host;
    uint64_t base, size;
    ck_assert(host->find_range(host->ctx, p + 10, &base, &size));
    ck_assert_uint_eq(base, p);
    ck_assert_uint_eq(size, 1000);
    ck_assert(!host->find_range(host->ctx, p + 1000, &base, &size));

    /* A whole-page allocation: one past its end is never inside it. */
    MUdeviceptr q;
    ck_assert_int_eq(D->muMemAlloc(&q, 4096, 0), MU_SUCCESS);
    ck_assert(!cpu_tracker_find(q + 4096, &r) || r.base != q);

    ck_assert_int_eq(D->muMemFree(p + 8), MU_ERROR_INVALID_VALUE); /* interior */
    ck_assert_int_eq(D->muMemFree(p), MU_SUCCESS);
    ck_assert(!cpu_tracker_find(p, &r));
    ck_assert(!host->find_range(host->ctx, p, &base, &size));
    ck_assert_int_eq(D->muMemFree(p), MU_ERROR_INVALID_VALUE); /* double free */
    int on_stack;
    ck_assert_int_eq(D->muMemFree((MUdeviceptr)(uintptr_t)&on_stack), MU_ERROR_INVALID_VALUE);
    ck_assert_int_eq(D->muMemFree(0), MU_SUCCESS);
    ck_assert_int_eq(D->muMemFree(q), MU_SUCCESS);
}
END_TEST

START_TEST(zero_bytes_and_bad_arguments)
{
    cpu_test_env();
    MUdeviceptr p = 123;
    ck_assert_int_eq(D->muMemAlloc(&p, 0, 0), MU_SUCCESS);
    ck_assert_uint_eq(p, 0);
    ck_assert_int_eq(D->muMemAlloc(NULL, 16, 0), MU_ERROR_INVALID_VALUE);
    ck_assert_int_eq(D->muMemAlloc(&p, 16, 77), MU_ERROR_INVALID_DEVICE);
    void *h = (void *)1;
    ck_assert_int_eq(D->muMemAllocHost(&h, 0, 0), MU_SUCCESS);
    ck_assert_ptr_null(h);
    ck_assert_int_eq(D->muMemAllocHost(&h, 16, 0x100), MU_ERROR_INVALID_VALUE);
}
END_TEST

START_TEST(accounting)
{
    cpu_test_env();
    size_t free0, total, free1, free2;
    ck_assert_int_eq(D->muMemGetInfo(&free0, &total, 0), MU_SUCCESS);
    MUdeviceptr p, m;
    ck_assert_int_eq(D->muMemAlloc(&p, 1 << 20, 0), MU_SUCCESS);
    ck_assert_int_eq(D->muMemAllocManaged(&m, 100, 0), MU_SUCCESS);
    ck_assert_int_eq(D->muMemGetInfo(&free1, &total, 0), MU_SUCCESS);
    ck_assert_uint_ge(free0 - free1, (1 << 20) + 100);
    ck_assert_uint_le(free0 - free1, (1 << 20) + 2 * cpu_page_size());
    struct cpu_range r;
    ck_assert(cpu_tracker_find(m, &r) && r.kind == CPU_RANGE_MANAGED);
    *(int *)(uintptr_t)m = 42; /* managed memory is host-accessible */
    int count;
    ck_assert_int_eq(D->muDeviceGetCount(&count), MU_SUCCESS);
    if (count > 1) { /* devices account separately */
        size_t other_before, other_after;
        ck_assert_int_eq(D->muMemGetInfo(&other_before, NULL, 1), MU_SUCCESS);
        MUdeviceptr o;
        ck_assert_int_eq(D->muMemAlloc(&o, 1 << 20, 1), MU_SUCCESS);
        ck_assert(cpu_tracker_find(o, &r) && r.dev == 1);
        ck_assert_int_eq(D->muMemGetInfo(&other_after, NULL, 1), MU_SUCCESS);
        ck_assert_uint_eq(other_before - other_after, 1 << 20);
        ck_assert_int_eq(D->muMemGetInfo(&free2, NULL, 0), MU_SUCCESS);
        ck_assert_uint_eq(free2, free1);
        ck_assert_int_eq(D->muMemFree(o), MU_SUCCESS);
    }
    ck_assert_int_eq(D->muMemFree(p), MU_SUCCESS);
    ck_assert_int_eq(D->muMemFree(m), MU_SUCCESS);
    ck_assert_int_eq(D->muMemGetInfo(&free2, &total, 0), MU_SUCCESS);
    ck_assert_uint_eq(free2, free0);
}
END_TEST

START_TEST(out_of_memory)
{
    cpu_test_env();
    size_t total, free0, free1;
    ck_assert_int_eq(D->muMemGetInfo(&free0, &total, 0), MU_SUCCESS);
    MUdeviceptr p;
    ck_assert_int_eq(D->muMemAlloc(&p, total + 1, 0), MU_ERROR_MEMORY_ALLOCATION);
    ck_assert_int_eq(D->muMemAlloc(&p, SIZE_MAX, 0), MU_ERROR_MEMORY_ALLOCATION);
    ck_assert_int_eq(D->muMemAllocManaged(&p, SIZE_MAX - 5, 0), MU_ERROR_MEMORY_ALLOCATION);
    /* Fill the device in quarters (reserved, never touched), then one page more fails.  Only
     * on a small device (CUSHIM_CPU_MEMORY, set in fork mode): committing the whole of a
     * host-sized device takes minutes under valgrind. */
    if (total <= ((size_t)1 << 30)) {
        size_t quarter = free0 / 4 / cpu_page_size() * cpu_page_size();
        MUdeviceptr q[4];
        for (int i = 0; i < 4; i++)
            ck_assert_int_eq(D->muMemAlloc(&q[i], quarter, 0), MU_SUCCESS);
        size_t left;
        ck_assert_int_eq(D->muMemGetInfo(&left, NULL, 0), MU_SUCCESS);
        ck_assert_int_eq(D->muMemAlloc(&p, left + 1, 0), MU_ERROR_MEMORY_ALLOCATION);
        /* The device is still fine: free one quarter and allocate it again. */
        ck_assert_int_eq(D->muMemFree(q[2]), MU_SUCCESS);
        ck_assert_int_eq(D->muMemAlloc(&q[2], quarter, 0), MU_SUCCESS);
        for (int i = 0; i < 4; i++)
            ck_assert_int_eq(D->muMemFree(q[i]), MU_SUCCESS);
    }
    ck_assert_int_eq(D->muMemGetInfo(&free1, NULL, 0), MU_SUCCESS);
    ck_assert_uint_eq(free1, free0);
}
END_TEST

/* Allocating and freeing over and over reuses the slice instead of running out of addresses. */
START_TEST(address_space_is_reused)
{
    cpu_test_env();
    size_t total, used = cpu_memory_used(dev0());
    ck_assert_int_eq(D->muDeviceTotalMem(&total, 0), MU_SUCCESS);
    size_t chunk = total / 3;
    if (chunk > ((size_t)256 << 20))
        chunk = (size_t)256 << 20; /* big devices: keep valgrind runs short */
    MUdeviceptr first = 0;
    for (int i = 0; i < 16; i++) {
        MUdeviceptr a, b;
        ck_assert_int_eq(D->muMemAlloc(&a, chunk, 0), MU_SUCCESS);
        if (i == 0)
            first = a;
        ck_assert_uint_eq(a, first); /* first fit: the freed range comes back */
        ck_assert_int_eq(D->muMemAlloc(&b, 1000 + (size_t)i * 4096, 0), MU_SUCCESS);
        ck_assert_int_eq(D->muMemFree(a), MU_SUCCESS);
        ck_assert_int_eq(D->muMemFree(b), MU_SUCCESS);
    }
    MUdeviceptr many[500];
    for (int i = 0; i < 500; i++)
        ck_assert_int_eq(D->muMemAlloc(&many[i], 1 + (size_t)i * 97, 0), MU_SUCCESS);
    for (int i = 0; i < 500; i += 2)
        ck_assert_int_eq(D->muMemFree(many[i]), MU_SUCCESS);
    for (int i = 1; i < 500; i += 2) {
        struct cpu_range r;
        ck_assert(cpu_tracker_find(many[i] + (uint64_t)i * 97, &r) && r.base == many[i]);
        ck_assert_int_eq(D->muMemFree(many[i]), MU_SUCCESS);
    }
    ck_assert_uint_eq(cpu_memory_used(dev0()), used);
}
END_TEST

START_TEST(pinned_host_memory)
{
    cpu_test_env();
    size_t used = cpu_memory_used(dev0());
    void *h;
    ck_assert_int_eq(D->muMemAllocHost(&h, 10000, 0x3), MU_SUCCESS);
    memset(h, 7, 10000);
    struct cpu_range r;
    ck_assert(cpu_tracker_find((uint64_t)(uintptr_t)h + 9999, &r));
    ck_assert_uint_eq(r.kind, CPU_RANGE_PINNED);
    ck_assert(!cpu_tracker_find((uint64_t)(uintptr_t)h + 10000, &r));
    MUdeviceptr d;
    ck_assert_int_eq(D->muMemHostGetDevicePointer(&d, h, 0), MU_SUCCESS);
    ck_assert_uint_eq(d, (uintptr_t)h);
    ck_assert_int_eq(D->muMemHostGetDevicePointer(&d, (char *)h + 100, 0), MU_SUCCESS);
    ck_assert_uint_eq(d, (uintptr_t)h + 100);
    ck_assert_int_eq(D->muMemHostGetDevicePointer(&d, h, 1), MU_ERROR_INVALID_VALUE);
    /* Pinned memory is host memory: it does not count against the device. */
    ck_assert_uint_eq(cpu_memory_used(dev0()), used);
    ck_assert_int_eq(D->muMemFree((uintptr_t)h), MU_ERROR_INVALID_VALUE);
    ck_assert_int_eq(D->muMemFreeHost((char *)h + 8), MU_ERROR_INVALID_VALUE);
    ck_assert_int_eq(D->muMemFreeHost(h), MU_SUCCESS);
    ck_assert_int_eq(D->muMemFreeHost(h), MU_ERROR_INVALID_VALUE);
    void *m = malloc(64);
    ck_assert_int_eq(D->muMemFreeHost(m), MU_ERROR_INVALID_VALUE);
    ck_assert_int_eq(D->muMemHostGetDevicePointer(&d, m, 0), MU_ERROR_INVALID_VALUE);
    free(m);
    ck_assert_int_eq(D->muMemFreeHost(NULL), MU_SUCCESS);
}
END_TEST

START_TEST(registered_host_memory)
{
    cpu_test_env();
    char *buf = malloc(1 << 16);
    ck_assert_int_eq(D->muMemHostRegister(buf, 1 << 16, 0), MU_SUCCESS);
    ck_assert_int_eq(D->muMemHostRegister(buf + 100, 10, 0),
                     MU_ERROR_HOST_MEMORY_ALREADY_REGISTERED);
    MUdeviceptr d;
    ck_assert_int_eq(D->muMemHostGetDevicePointer(&d, buf + 5, 0), MU_SUCCESS);
    ck_assert_uint_eq(d, (uintptr_t)(buf + 5));
    struct cpu_range r;
    ck_assert(cpu_tracker_find((uintptr_t)buf, &r) && r.kind == CPU_RANGE_REGISTERED);
    ck_assert_int_eq(D->muMemHostUnregister(buf + 1), MU_ERROR_HOST_MEMORY_NOT_REGISTERED);
    ck_assert_int_eq(D->muMemHostUnregister(buf), MU_SUCCESS);
    ck_assert_int_eq(D->muMemHostUnregister(buf), MU_ERROR_HOST_MEMORY_NOT_REGISTERED);
    free(buf);

    /* Pinned memory is already registered; device memory and holes cannot be. */
    void *h;
    ck_assert_int_eq(D->muMemAllocHost(&h, 4096, 0), MU_SUCCESS);
    ck_assert_int_eq(D->muMemHostRegister(h, 4096, 0), MU_ERROR_HOST_MEMORY_ALREADY_REGISTERED);
    ck_assert_int_eq(D->muMemFreeHost(h), MU_SUCCESS);
    MUdeviceptr p;
    ck_assert_int_eq(D->muMemAlloc(&p, 4096, 0), MU_SUCCESS);
    ck_assert_int_eq(D->muMemHostRegister((void *)(uintptr_t)p, 4096, 0), MU_ERROR_INVALID_VALUE);
    ck_assert_int_eq(D->muMemFree(p), MU_SUCCESS);
    void *hole = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ck_assert(hole != MAP_FAILED);
    munmap(hole, 8192);
    ck_assert_int_eq(D->muMemHostRegister(hole, 8192, 0), MU_ERROR_INVALID_VALUE);
    ck_assert_int_eq(D->muMemHostRegister(NULL, 8, 0), MU_ERROR_INVALID_VALUE);
    char small[16];
    ck_assert_int_eq(D->muMemHostRegister(small, 0, 0), MU_ERROR_INVALID_VALUE);
    ck_assert_int_eq(D->muMemHostRegister(small, 16, 0x100), MU_ERROR_INVALID_VALUE);
}
END_TEST

START_TEST(engine_memory_services)
{
    cpu_test_env();
    const struct engine_host *host = &dev0()->engine_host;
    size_t used = cpu_memory_used(dev0());
    char *g = host->alloc(host->ctx, 100, 64);
    ck_assert_ptr_nonnull(g);
    ck_assert_uint_eq((uintptr_t)g % 64, 0);
    for (int i = 0; i < 100; i++)
        ck_assert_int_eq(g[i], 0);
    uint64_t base, size;
    ck_assert(host->find_range(host->ctx, (uintptr_t)g + 99, &base, &size));
    ck_assert_uint_eq(base, (uintptr_t)g);
    ck_assert_uint_eq(size, 100);
    ck_assert_uint_gt(cpu_memory_used(dev0()), used);
    char *big = host->alloc(host->ctx, 3 * 4096, 1 << 16); /* stronger than page alignment */
    ck_assert_ptr_nonnull(big);
    ck_assert_uint_eq((uintptr_t)big % (1 << 16), 0);
    ck_assert_ptr_null(host->alloc(host->ctx, 16, 3)); /* not a power of two */
    /* muMemFree does not free the engine's memory. */
    ck_assert_int_eq(D->muMemFree((uintptr_t)g), MU_ERROR_INVALID_VALUE);
    host->free(host->ctx, g);
    host->free(host->ctx, big);
    host->free(host->ctx, NULL);
    ck_assert(!host->find_range(host->ctx, (uintptr_t)g, &base, &size));
    ck_assert_uint_eq(cpu_memory_used(dev0()), used);
}
END_TEST

START_TEST(copy_pointer_checks)
{
    cpu_test_env();
    MUdeviceptr p;
    ck_assert_int_eq(D->muMemAlloc(&p, 1000, 0), MU_SUCCESS);
    int pageable = -1;
    ck_assert_int_eq(cpu_memory_check((void *)(uintptr_t)p, 1000, &pageable), MU_SUCCESS);
    ck_assert_int_eq(pageable, 0);
    ck_assert_int_eq(cpu_memory_check((void *)(uintptr_t)(p + 10), 990, &pageable), MU_SUCCESS);
    ck_assert_int_eq(cpu_memory_check((void *)(uintptr_t)(p + 10), 991, &pageable),
                     MU_ERROR_INVALID_VALUE);
    char local[100];
    ck_assert_int_eq(cpu_memory_check(local, sizeof local, &pageable), MU_SUCCESS);
    ck_assert_int_eq(pageable, 1);
    ck_assert_int_eq(cpu_memory_check(NULL, 4, &pageable), MU_ERROR_INVALID_VALUE);
    ck_assert_int_eq(cpu_memory_check((void *)16, 4, &pageable), MU_ERROR_INVALID_VALUE);
    ck_assert_int_eq(D->muMemFree(p), MU_SUCCESS);
    ck_assert_int_eq(cpu_memory_check((void *)(uintptr_t)p, 4, &pageable), MU_ERROR_INVALID_VALUE);
}
END_TEST

START_TEST(tracker_rejects_overlaps)
{
    struct cpu_range a = {0x10000, 0x1000, 0, CPU_RANGE_REGISTERED, -1};
    struct cpu_range b = {0x10800, 0x1000, 0, CPU_RANGE_REGISTERED, -1};
    struct cpu_range c = {0x11000, 0x10, 0, CPU_RANGE_REGISTERED, -1};
    struct cpu_range z = {0x20000, 0, 0, CPU_RANGE_REGISTERED, -1};
    size_t before = cpu_tracker_count(-1, CPU_RANGE_ALL_KINDS);
    ck_assert_int_eq(cpu_tracker_insert(&a), MU_SUCCESS);
    ck_assert_int_eq(cpu_tracker_insert(&b), MU_ERROR_HOST_MEMORY_ALREADY_REGISTERED);
    ck_assert_int_eq(cpu_tracker_insert(&c), MU_SUCCESS); /* adjacent is fine */
    ck_assert_int_eq(cpu_tracker_insert(&z), MU_ERROR_INVALID_VALUE);
    struct cpu_range out;
    ck_assert(cpu_tracker_find(0x10fff, &out) && out.base == 0x10000);
    ck_assert(cpu_tracker_find(0x11000, &out) && out.base == 0x11000);
    ck_assert(!cpu_tracker_find(0x11010, &out));
    ck_assert(!cpu_tracker_remove(0x10000, CPU_RANGE_PINNED, &out)); /* wrong kind */
    ck_assert(cpu_tracker_remove(0x10000, CPU_RANGE_REGISTERED, &out));
    ck_assert(cpu_tracker_remove(0x11000, CPU_RANGE_REGISTERED, &out));
    ck_assert_uint_eq(cpu_tracker_count(-1, CPU_RANGE_ALL_KINDS), before);
}
END_TEST

/* The table moves entries on either side of a removal (cpu_tracker.c): lookups must find every
 * live range and no removed one whatever the order of inserts and removals. */
START_TEST(tracker_survives_any_removal_order)
{
    enum { N = 2000 };
    static unsigned char alive[N];
    memset(alive, 0, sizeof alive);
    const uint64_t base0 = 0x7e0000000000ull;
    size_t before = cpu_tracker_count(-1, CPU_RANGE_ALL_KINDS);
    uint32_t x = 12345;
    for (int round = 0; round < 4; round++) {
        for (int i = 0; i < N; i++) { /* insert the missing ones: even ascending, odd descending */
            int k = i < N / 2 ? 2 * i : N - 1 - 2 * (i - N / 2);
            if (!alive[k]) {
                struct cpu_range r = {base0 + (uint64_t)k * 0x100, 0x80, 0x80, CPU_RANGE_REGISTERED, -1};
                ck_assert_int_eq(cpu_tracker_insert(&r), MU_SUCCESS);
                alive[k] = 1;
            }
        }
        for (int i = 0; i < N; i++) {
            /* round 0: first in, first out; 1: last in, first out; 2: middle out; 3: random */
            int k = round == 0 ? i : round == 1 ? N - 1 - i : round == 2 ? (N / 2 + ((i & 1) ? i / 2 + 1 : -(i / 2))) : -1;
            if (round == 3) {
                x = x * 1664525u + 1013904223u;
                k = (int)(x % N);
            }
            if (k < 0 || k >= N || (round == 3 && !alive[k]) || i % 3 == 2)
                continue;
            struct cpu_range out;
            ck_assert(cpu_tracker_remove(base0 + (uint64_t)k * 0x100, CPU_RANGE_REGISTERED, &out));
            ck_assert_uint_eq(out.base, base0 + (uint64_t)k * 0x100);
            alive[k] = 0;
            if (i % 97 == 0)
                for (int j = 0; j < N; j++) {
                    int found = cpu_tracker_find(base0 + (uint64_t)j * 0x100 + 0x7f, &out);
                    ck_assert_int_eq(found, alive[j]);
                    ck_assert(!found || out.base == base0 + (uint64_t)j * 0x100);
                    ck_assert(!cpu_tracker_find(base0 + (uint64_t)j * 0x100 + 0x80, &out));
                }
        }
    }
    for (int k = 0; k < N; k++) {
        struct cpu_range out;
        ck_assert_int_eq(cpu_tracker_remove(base0 + (uint64_t)k * 0x100, CPU_RANGE_REGISTERED, &out), alive[k]);
    }
    ck_assert_uint_eq(cpu_tracker_count(-1, CPU_RANGE_ALL_KINDS), before);
}
END_TEST

Suite *suite_cpu_memory(void)
{
    Suite *s = suite_create("cpu_memory");
    TCase *t = tcase_create("memory");
    tcase_set_timeout(t, 120); /* valgrind: committing and releasing big ranges is slow */
    tcase_add_test(t, alloc_free_and_lookups);
    tcase_add_test(t, zero_bytes_and_bad_arguments);
    tcase_add_test(t, accounting);
    tcase_add_test(t, out_of_memory);
    tcase_add_test(t, address_space_is_reused);
    tcase_add_test(t, pinned_host_memory);
    tcase_add_test(t, registered_host_memory);
    tcase_add_test(t, engine_memory_services);
    tcase_add_test(t, copy_pointer_checks);
    tcase_add_test(t, tracker_rejects_overlaps);
    tcase_add_test(t, tracker_survives_any_removal_order);
    suite_add_tcase(s, t);
    return s;
}
