/*
 * test_cpu_engine.c - the device services with the real engine behind them: PTX modules
 * loaded through muModuleLoad, asynchronous launches whose arguments die before they run,
 * module globals with initial values, a fault turned sticky, and unsupported PTX failing the
 * launch call itself.
 *
 * Owns: the integration of cpu_module.c/cpu_launch.c/cpu_memory.c with engine.h.
 * Must not: test the engine's instruction semantics (tests/unit/test_engine_*.c do).
 */
#include <check.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "test_cpu_fake.h"

static const char ptx[] =
    ".version 8.0\n"
    ".target sm_80\n"
    ".address_size 64\n"
    ".visible .global .u32 counter = 5;\n"
    ".visible .entry scale(.param .u64 p, .param .u32 n, .param .f32 k)\n"
    "{\n"
    "\t.reg .pred %p<2>;\n"
    "\t.reg .b32 %r<7>;\n"
    "\t.reg .f32 %f<3>;\n"
    "\t.reg .b64 %rd<4>;\n"
    "\tld.param.u64 %rd1, [p];\n"
    "\tld.param.u32 %r1, [n];\n"
    "\tld.param.f32 %f1, [k];\n"
    "\tmov.u32 %r2, %ctaid.x;\n"
    "\tmov.u32 %r3, %ntid.x;\n"
    "\tmov.u32 %r4, %tid.x;\n"
    "\tmad.lo.s32 %r5, %r2, %r3, %r4;\n"
    "\tsetp.ge.u32 %p1, %r5, %r1;\n"
    "\t@%p1 bra DONE;\n"
    "\tcvta.to.global.u64 %rd2, %rd1;\n"
    "\tmul.wide.u32 %rd3, %r5, 4;\n"
    "\tadd.s64 %rd2, %rd2, %rd3;\n"
    "\tld.global.f32 %f2, [%rd2];\n"
    "\tmul.f32 %f2, %f2, %f1;\n"
    "\tst.global.f32 [%rd2], %f2;\n"
    "\tatom.global.add.u32 %r6, [counter], 1;\n"
    "DONE:\n"
    "\tret;\n"
    "}\n"
    ".visible .entry wild()\n"
    "{\n"
    "\t.reg .b64 %rd<2>;\n"
    "\t.reg .b32 %r<2>;\n"
    "\tmov.u64 %rd1, 16;\n"
    "\tmov.u32 %r1, 1;\n"
    "\tst.global.u32 [%rd1], %r1;\n"
    "\tret;\n"
    "}\n"
    ".visible .entry texture(.param .u64 t)\n"
    "{\n"
    "\t.reg .f32 %f<6>;\n"
    "\t.reg .b64 %rd<2>;\n"
    "\tld.param.u64 %rd1, [t];\n"
    "\ttex.2dms.v4.f32.s32 {%f1, %f2, %f3, %f4}, [%rd1, {%f5, %f5, %f5, %f5}];\n"
    "\tret;\n"
    "}\n";

static MUmodule load(void)
{
    struct mu_image images[] = {
        {.kind = MU_IMAGE_CUBIN, .unit = 0, .sm = 80, .data = "E", .size = 1},
        {.kind = MU_IMAGE_PTX, .unit = 0, .sm = 80, .ptx_version = 80, .data = ptx,
         .size = sizeof ptx - 1},
    };
    MUmodule m = NULL;
    ck_assert_int_eq(D->muModuleLoad(&m, 0, images, 2, "test_cpu_engine"), MU_SUCCESS);
    return m;
}

static void setup(void)
{
    cpu_test_env();
    fake_engine_remove(); /* the real one */
}

/* Queue scale(p, n, k) with argument values that live only in this frame. */
static void queue_scale(MUfunction fn, MUstream s, float *p, unsigned n, float k)
{
    void *args[] = {&p, &n, &k};
    struct mu_launch_config c = {{(n + 127) / 128, 1, 1}, {128, 1, 1}, 0, s, 0};
    ck_assert_int_eq(D->muLaunchKernel(fn, &c, args), MU_SUCCESS);
    memset(args, 0, sizeof args);
    p = NULL;
    n = 0;
    k = 0;
}

static atomic_int gate;

static void gate_fn(void *unused)
{
    (void)unused;
    while (!atomic_load(&gate))
        cpu_test_sleep_ms(1);
}

START_TEST(real_kernels_run_asynchronously)
{
    MUmodule m = load();
    MUfunction scale;
    ck_assert_int_eq(D->muModuleGetFunction(&scale, m, "scale"), MU_SUCCESS);
    size_t offset, size;
    ck_assert_int_eq(D->muFuncGetParamInfo(scale, 2, &offset, &size), MU_SUCCESS);
    ck_assert_uint_eq(size, 4);
    ck_assert_int_eq(D->muFuncGetParamInfo(scale, 3, &offset, &size), MU_ERROR_INVALID_VALUE);
    MUdeviceptr counter;
    size_t bytes;
    ck_assert_int_eq(D->muModuleGetGlobal(&counter, &bytes, m, "counter"), MU_SUCCESS);
    ck_assert_uint_eq(bytes, 4);
    ck_assert_uint_eq(*(unsigned *)(uintptr_t)counter, 5); /* the module's initial value */

    enum { N = 1000 };
    MUdeviceptr d;
    ck_assert_int_eq(D->muMemAlloc(&d, N * sizeof(float), 0), MU_SUCCESS);
    float *p = (float *)(uintptr_t)d;
    for (int i = 0; i < N; i++)
        p[i] = (float)i;
    MUstream s;
    ck_assert_int_eq(D->muStreamCreate(&s, 0, 0, 0), MU_SUCCESS);
    atomic_store(&gate, 0);
    ck_assert_int_eq(D->muLaunchHostFunc(s, gate_fn, NULL), MU_SUCCESS);
    queue_scale(scale, s, p, N, 2.0f);
    queue_scale(scale, s, p, N, 1.5f);
    ck_assert_float_eq(p[10], 10.0f); /* nothing ran yet */
    atomic_store(&gate, 1);
    ck_assert_int_eq(D->muStreamSynchronize(s), MU_SUCCESS);
    for (int i = 0; i < N; i++)
        ck_assert_float_eq(p[i], (float)i * 3.0f);
    ck_assert_uint_eq(*(unsigned *)(uintptr_t)counter, 5 + 2 * N);
    ck_assert_int_eq(D->muStreamDestroy(s), MU_SUCCESS);
    ck_assert_int_eq(D->muMemFree(d), MU_SUCCESS);
    ck_assert_int_eq(D->muModuleUnload(m), MU_SUCCESS);
}
END_TEST

START_TEST(engine_faults_are_sticky)
{
    MUmodule m = load();
    MUfunction wild;
    ck_assert_int_eq(D->muModuleGetFunction(&wild, m, "wild"), MU_SUCCESS);
    MUstream legacy;
    ck_assert_int_eq(D->muStreamGetLegacy(&legacy, 0), MU_SUCCESS);
    struct mu_launch_config c = {{1, 1, 1}, {1, 1, 1}, 0, legacy, 0};
    fflush(stderr);
    int saved = dup(2); /* the engine names the fault on stderr: keep the test output clean */
    FILE *sink = tmpfile();
    dup2(fileno(sink), 2);
    ck_assert_int_eq(D->muLaunchKernel(wild, &c, NULL), MU_SUCCESS);
    MUresult r = D->muDeviceSynchronize(0);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    fclose(sink);
    ck_assert_int_eq(r, MU_ERROR_ILLEGAL_ADDRESS);
    MUdeviceptr d;
    ck_assert_int_eq(D->muMemAlloc(&d, 16, 0), MU_ERROR_ILLEGAL_ADDRESS);
    ck_assert_int_eq(D->muDeviceReset(0), MU_SUCCESS);
    ck_assert_int_eq(D->muMemAlloc(&d, 16, 0), MU_SUCCESS);
    ck_assert_int_eq(D->muMemFree(d), MU_SUCCESS);
}
END_TEST

START_TEST(unsupported_ptx_fails_the_launch_call)
{
    MUmodule m = load();
    MUfunction tex;
    ck_assert_int_eq(D->muModuleGetFunction(&tex, m, "texture"), MU_SUCCESS);
    MUstream legacy;
    ck_assert_int_eq(D->muStreamGetLegacy(&legacy, 0), MU_SUCCESS);
    unsigned long long t = 0;
    void *args[] = {&t};
    struct mu_launch_config c = {{1, 1, 1}, {1, 1, 1}, 0, legacy, 0};
    fflush(stderr);
    int saved = dup(2);
    FILE *sink = tmpfile();
    dup2(fileno(sink), 2);
    MUresult r = D->muLaunchKernel(tex, &c, args);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    rewind(sink);
    char msg[512] = "";
    size_t got = fread(msg, 1, sizeof msg - 1, sink);
    msg[got] = '\0';
    fclose(sink);
    ck_assert_int_eq(r, MU_ERROR_NOT_SUPPORTED);
    ck_assert_ptr_nonnull(strstr(msg, "unsupported PTX"));
    ck_assert_int_eq(D->muDeviceSynchronize(0), MU_SUCCESS); /* not sticky */
    ck_assert_int_eq(D->muModuleUnload(m), MU_SUCCESS);
}
END_TEST

Suite *suite_cpu_engine(void)
{
    Suite *s = suite_create("cpu_engine");
    TCase *t = tcase_create("engine");
    tcase_set_timeout(t, 60);
    tcase_add_checked_fixture(t, setup, NULL);
    tcase_add_test(t, real_kernels_run_asynchronously);
    tcase_add_test(t, engine_faults_are_sticky);
    tcase_add_test(t, unsupported_ptx_fails_the_launch_call);
    suite_add_tcase(s, t);
    return s;
}
