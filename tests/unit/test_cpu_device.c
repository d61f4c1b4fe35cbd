/*
 * test_cpu_device.c - the cpu backend's devices: attributes, identity, limits, peers, sizes.
 *
 * Owns: tests of cpu_device.c and cpu_attributes.c through mu_cpu_driver.
 * Must not: depend on the host (core count, RAM): compare with what the host says.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cpu/cpu_device.h"
#include "test_cpu_fake.h"

static int attr(enum cudaDeviceAttr a)
{
    int v = -12345;
    ck_assert_int_eq(D->muDeviceGetAttribute(&v, a, 0), MU_SUCCESS);
    return v;
}

START_TEST(every_attribute_is_answered)
{
    cpu_test_env();
    ck_assert_int_eq(D->muInit(), MU_SUCCESS);
    /* Every number the runtime's enum or the driver's defines, 1 .. cudaDevAttrMax-1. */
    for (int a = 1; a < cudaDevAttrMax; a++) {
        int v = -12345;
        ck_assert_msg(D->muDeviceGetAttribute(&v, (enum cudaDeviceAttr)a, 0) == MU_SUCCESS,
                      "attribute %d not answered", a);
        ck_assert_msg(v != -12345, "attribute %d left unset", a);
    }
    int v;
    ck_assert_int_eq(D->muDeviceGetAttribute(&v, (enum cudaDeviceAttr)0, 0),
                     MU_ERROR_INVALID_VALUE);
    ck_assert_int_eq(D->muDeviceGetAttribute(&v, cudaDevAttrMax, 0), MU_ERROR_INVALID_VALUE);
    ck_assert_int_eq(D->muDeviceGetAttribute(&v, (enum cudaDeviceAttr)100000, 0),
                     MU_ERROR_INVALID_VALUE);
    ck_assert_int_eq(D->muDeviceGetAttribute(NULL, cudaDevAttrWarpSize, 0), MU_ERROR_INVALID_VALUE);
    ck_assert_int_eq(D->muDeviceGetAttribute(&v, cudaDevAttrWarpSize, 99), MU_ERROR_INVALID_DEVICE);
    ck_assert_int_eq(D->muDeviceGetAttribute(&v, cudaDevAttrWarpSize, -1), MU_ERROR_INVALID_DEVICE);
}
END_TEST

START_TEST(attributes_describe_an_sm80_class_device)
{
    cpu_test_env();
    ck_assert_int_eq(attr(cudaDevAttrComputeCapabilityMajor), 8);
    ck_assert_int_eq(attr(cudaDevAttrComputeCapabilityMinor), 0);
    ck_assert_int_eq(attr(cudaDevAttrWarpSize), 32);
    ck_assert_int_eq(attr(cudaDevAttrMaxThreadsPerBlock), 1024);
    ck_assert_int_eq(attr(cudaDevAttrMaxBlockDimX), 1024);
    ck_assert_int_eq(attr(cudaDevAttrMaxBlockDimY), 1024);
    ck_assert_int_eq(attr(cudaDevAttrMaxBlockDimZ), 64);
    ck_assert_int_eq(attr(cudaDevAttrMaxGridDimX), 2147483647);
    ck_assert_int_eq(attr(cudaDevAttrMaxGridDimY), 65535);
    ck_assert_int_eq(attr(cudaDevAttrMaxGridDimZ), 65535);
    ck_assert_int_eq(attr(cudaDevAttrMaxSharedMemoryPerBlock), 49152);
    ck_assert_int_eq(attr(cudaDevAttrMaxSharedMemoryPerBlockOptin), 232448);
    ck_assert_int_eq(attr(cudaDevAttrMaxSharedMemoryPerMultiprocessor), 233472);
    ck_assert_int_eq(attr(cudaDevAttrMaxRegistersPerBlock), 65536);
    ck_assert_int_eq(attr(cudaDevAttrMaxRegistersPerMultiprocessor), 65536);
    ck_assert_int_eq(attr(cudaDevAttrMaxThreadsPerMultiProcessor), 2048);
    ck_assert_int_eq(attr(cudaDevAttrMaxBlocksPerMultiprocessor), 32);
    ck_assert_int_eq(attr(cudaDevAttrClockRate), 1000000);
    ck_assert_int_eq(attr(cudaDevAttrUnifiedAddressing), 1);
    ck_assert_int_eq(attr(cudaDevAttrManagedMemory), 1);
    ck_assert_int_eq(attr(cudaDevAttrConcurrentManagedAccess), 1);
    ck_assert_int_eq(attr(cudaDevAttrPageableMemoryAccess), 0);
    ck_assert_int_eq(attr(cudaDevAttrCanMapHostMemory), 1);
    ck_assert_int_eq(attr(cudaDevAttrConcurrentKernels), 1);
    ck_assert_int_eq(attr(cudaDevAttrCooperativeLaunch), 1);
    ck_assert_int_eq(attr(cudaDevAttrAsyncEngineCount), 2);
    ck_assert_int_eq(attr(cudaDevAttrIntegrated), 0);
    ck_assert_int_eq(attr(cudaDevAttrComputeMode), cudaComputeModeDefault);
    ck_assert_int_eq(attr(cudaDevAttrEccEnabled), 0);
    ck_assert_int_eq(attr(cudaDevAttrPciBusId), 1);
    ck_assert_int_eq(attr(cudaDevAttrGlobalL1CacheSupported), 1);
    ck_assert_int_eq(attr(cudaDevAttrStreamPrioritiesSupported), 1);
    ck_assert_int_eq(attr(cudaDevAttrClusterLaunch), 0);
    ck_assert_int_gt(attr(cudaDevAttrL2CacheSize), 0);
    ck_assert_int_gt(attr(cudaDevAttrMemoryClockRate), 0);
    ck_assert_int_gt(attr(cudaDevAttrGlobalMemoryBusWidth), 0);
    ck_assert_int_eq(attr(cudaDevAttrMultiProcessorCount), cpu_host_cores());
    ck_assert_int_le(attr(cudaDevAttrMultiProcessorCount), (int)sysconf(_SC_NPROCESSORS_ONLN));
}
END_TEST

/* Attributes that describe one limit two ways must agree with each other and the constants the
 * launch checks use. */
START_TEST(attributes_are_consistent)
{
    cpu_test_env();
    int block_x = attr(cudaDevAttrMaxBlockDimX), threads = attr(cudaDevAttrMaxThreadsPerBlock);
    ck_assert_int_le(threads, attr(cudaDevAttrMaxThreadsPerMultiProcessor));
    ck_assert_int_le(block_x, threads);
    ck_assert_int_le(attr(cudaDevAttrMaxSharedMemoryPerBlock),
                     attr(cudaDevAttrMaxSharedMemoryPerBlockOptin));
    ck_assert_int_le(attr(cudaDevAttrMaxSharedMemoryPerBlockOptin) +
                         attr(cudaDevAttrReservedSharedMemoryPerBlock),
                     attr(cudaDevAttrMaxSharedMemoryPerMultiprocessor));
    ck_assert_int_le(attr(cudaDevAttrMaxRegistersPerBlock),
                     attr(cudaDevAttrMaxRegistersPerMultiprocessor));
    ck_assert_int_le(attr(cudaDevAttrMaxPersistingL2CacheSize), attr(cudaDevAttrL2CacheSize));
    ck_assert_int_eq(attr(cudaDevAttrMaxThreadsPerBlock), CPU_MAX_THREADS_PER_BLOCK);
    ck_assert_int_eq(attr(cudaDevAttrMaxSharedMemoryPerBlockOptin), CPU_SHARED_PER_BLOCK_OPTIN);
    ck_assert_int_eq(attr(cudaDevAttrMaxSharedMemoryPerMultiprocessor), CPU_SHARED_PER_SM);
    /* The same answers on every call and (for device-independent ones) every device. */
    int count;
    ck_assert_int_eq(D->muDeviceGetCount(&count), MU_SUCCESS);
    for (int d = 0; d < count; d++) {
        int v;
        ck_assert_int_eq(D->muDeviceGetAttribute(&v, cudaDevAttrWarpSize, d), MU_SUCCESS);
        ck_assert_int_eq(v, 32);
        ck_assert_int_eq(D->muDeviceGetAttribute(&v, cudaDevAttrPciBusId, d), MU_SUCCESS);
        ck_assert_int_eq(v, d + 1);
    }
}
END_TEST

START_TEST(name_uuid_and_memory)
{
    cpu_test_env();
    char name[256];
    ck_assert_int_eq(D->muDeviceGetName(name, sizeof name, 0), MU_SUCCESS);
    ck_assert_str_eq(name, "cushim CPU device");
    char small[7];
    ck_assert_int_eq(D->muDeviceGetName(small, sizeof small, 0), MU_SUCCESS);
    ck_assert_str_eq(small, "cushim");
    ck_assert_int_eq(D->muDeviceGetName(name, 0, 0), MU_ERROR_INVALID_VALUE);

    cudaUUID_t a, b;
    ck_assert_int_eq(D->muDeviceGetUuid(&a, 0), MU_SUCCESS);
    ck_assert_int_eq(D->muDeviceGetUuid(&b, 0), MU_SUCCESS);
    ck_assert_mem_eq(a.bytes, b.bytes, 16);
    int count;
    ck_assert_int_eq(D->muDeviceGetCount(&count), MU_SUCCESS);
    if (count > 1) {
        ck_assert_int_eq(D->muDeviceGetUuid(&b, 1), MU_SUCCESS);
        ck_assert(memcmp(a.bytes, b.bytes, 16) != 0);
    }
    size_t total, free_bytes, total2;
    ck_assert_int_eq(D->muDeviceTotalMem(&total, 0), MU_SUCCESS);
    ck_assert_uint_gt(total, 0);
    ck_assert_int_eq(D->muMemGetInfo(&free_bytes, &total2, 0), MU_SUCCESS);
    ck_assert_uint_eq(total, total2);
    ck_assert_uint_le(free_bytes, total);
    ck_assert_int_eq(D->muDeviceTotalMem(&total, count), MU_ERROR_INVALID_DEVICE);
}
END_TEST

/* With CUSHIM_CPU_DEVICES=2 and CUSHIM_CPU_MEMORY=256M (fork mode), the environment wins. */
START_TEST(environment_sets_devices_and_memory)
{
    cpu_test_env();
    const char *devices = getenv("CUSHIM_CPU_DEVICES"), *memory = getenv("CUSHIM_CPU_MEMORY");
    int count;
    ck_assert_int_eq(D->muDeviceGetCount(&count), MU_SUCCESS);
    if (devices != NULL && strcmp(devices, "2") == 0)
        ck_assert_int_eq(count, 2);
    size_t total;
    ck_assert_int_eq(D->muDeviceTotalMem(&total, 0), MU_SUCCESS);
    if (memory != NULL && strcmp(memory, "256M") == 0)
        ck_assert_uint_eq(total, (size_t)256 << 20);
}
END_TEST

START_TEST(sizes_parse)
{
    uint64_t v;
    ck_assert(cpu_parse_size("1234", &v) && v == 1234);
    ck_assert(cpu_parse_size("4K", &v) && v == 4096);
    ck_assert(cpu_parse_size("4k", &v) && v == 4096);
    ck_assert(cpu_parse_size("512M", &v) && v == (uint64_t)512 << 20);
    ck_assert(cpu_parse_size("2G", &v) && v == (uint64_t)2 << 30);
    ck_assert(cpu_parse_size("2GiB", &v) && v == (uint64_t)2 << 30);
    ck_assert(cpu_parse_size("3gb", &v) && v == (uint64_t)3 << 30);
    ck_assert(cpu_parse_size("1T", &v) && v == (uint64_t)1 << 40);
    ck_assert(!cpu_parse_size("", &v));
    ck_assert(!cpu_parse_size("G", &v));
    ck_assert(!cpu_parse_size("-1G", &v));
    ck_assert(!cpu_parse_size("12Q", &v));
    ck_assert(!cpu_parse_size("1G ", &v));
    ck_assert(!cpu_parse_size("99999999999999999999", &v));
    ck_assert(!cpu_parse_size("20000000000T", &v));
}
END_TEST

START_TEST(limits)
{
    cpu_test_env();
    size_t v;
    ck_assert_int_eq(D->muDeviceGetLimit(&v, 0, cudaLimitStackSize), MU_SUCCESS);
    ck_assert_uint_eq(v, 1024);
    ck_assert_int_eq(D->muDeviceGetLimit(&v, 0, cudaLimitPrintfFifoSize), MU_SUCCESS);
    ck_assert_uint_eq(v, 1u << 20);
    ck_assert_int_eq(D->muDeviceGetLimit(&v, 0, cudaLimitMallocHeapSize), MU_SUCCESS);
    ck_assert_uint_eq(v, 8u << 20);
    ck_assert_int_eq(D->muDeviceSetLimit(0, cudaLimitStackSize, 4096), MU_SUCCESS);
    ck_assert_int_eq(D->muDeviceGetLimit(&v, 0, cudaLimitStackSize), MU_SUCCESS);
    ck_assert_uint_eq(v, 4096);
    ck_assert_int_eq(D->muDeviceSetLimit(0, cudaLimitStackSize, 1u << 30), MU_ERROR_INVALID_VALUE);
    ck_assert_int_eq(D->muDeviceSetLimit(0, cudaLimitMallocHeapSize, 64u << 20), MU_SUCCESS);
    ck_assert_int_eq(D->muDeviceGetLimit(&v, 0, cudaLimitMallocHeapSize), MU_SUCCESS);
    ck_assert_uint_eq(v, 64u << 20);
    ck_assert_int_eq(D->muDeviceSetLimit(0, (enum cudaLimit)99, 1), MU_ERROR_UNSUPPORTED_LIMIT);
    ck_assert_int_eq(D->muDeviceGetLimit(&v, 0, (enum cudaLimit)99), MU_ERROR_UNSUPPORTED_LIMIT);
    ck_assert_int_eq(D->muDeviceGetLimit(NULL, 0, cudaLimitStackSize), MU_ERROR_INVALID_VALUE);
    /* A reset puts the defaults back. */
    ck_assert_int_eq(D->muDeviceReset(0), MU_SUCCESS);
    ck_assert_int_eq(D->muDeviceGetLimit(&v, 0, cudaLimitStackSize), MU_SUCCESS);
    ck_assert_uint_eq(v, 1024);
}
END_TEST

START_TEST(peers)
{
    cpu_test_env();
    int count, can = -1;
    ck_assert_int_eq(D->muDeviceGetCount(&count), MU_SUCCESS);
    ck_assert_int_eq(D->muDeviceCanAccessPeer(&can, 0, 0), MU_SUCCESS);
    ck_assert_int_eq(can, 0);
    if (count > 1) {
        ck_assert_int_eq(D->muDeviceCanAccessPeer(&can, 0, 1), MU_SUCCESS);
        ck_assert_int_eq(can, 1);
        ck_assert_int_eq(D->muDeviceCanAccessPeer(&can, 1, 0), MU_SUCCESS);
        ck_assert_int_eq(can, 1);
    }
    ck_assert_int_eq(D->muDeviceCanAccessPeer(&can, 0, count), MU_ERROR_INVALID_DEVICE);
}
END_TEST

Suite *suite_cpu_device(void)
{
    Suite *s = suite_create("cpu_device");
    TCase *t = tcase_create("device");
    tcase_add_test(t, every_attribute_is_answered);
    tcase_add_test(t, attributes_describe_an_sm80_class_device);
    tcase_add_test(t, attributes_are_consistent);
    tcase_add_test(t, name_uuid_and_memory);
    tcase_add_test(t, environment_sets_devices_and_memory);
    tcase_add_test(t, sizes_parse);
    tcase_add_test(t, limits);
    tcase_add_test(t, peers);
    suite_add_tcase(s, t);
    return s;
}
