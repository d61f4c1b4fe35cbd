/*
 * test_cpu_launch.c - modules, functions and launches of the cpu backend with a fake engine:
 * image choice, lookups, attributes, launch checks, argument copying, asynchrony, sticky and
 * non-sticky errors, occupancy.
 *
 * Owns: tests of cpu_module.c and cpu_launch.c.
 * Must not: need the real engine (test_cpu_fake.c stands in for it).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cpu/cpu_tracker.h"
#include "test_cpu_fake.h"

static void setup(void)
{
    cpu_test_env();
    fake_engine_install();
}

static void teardown(void)
{
    fake_engine_remove();
}

static MUstream legacy(int dev)
{
    MUstream s;
    ck_assert_int_eq(D->muStreamGetLegacy(&s, dev), MU_SUCCESS);
    return s;
}

static MUfunction function(MUmodule m, const char *name)
{
    MUfunction fn;
    ck_assert_int_eq(D->muModuleGetFunction(&fn, m, name), MU_SUCCESS);
    return fn;
}

static struct mu_launch_config config(unsigned grid, unsigned block, MUstream s)
{
    struct mu_launch_config c = {{grid, 1, 1}, {block, 1, 1}, 0, s, 0};
    return c;
}

/* muModuleLoad with stderr captured into buf. */
static MUresult load_capturing(MUmodule *m, const struct mu_image *images, int n, char *buf,
                               size_t len)
{
    fflush(stderr);
    FILE *tmp = tmpfile();
    int saved = dup(2);
    dup2(fileno(tmp), 2);
    MUresult r = D->muModuleLoad(m, 0, images, n, "prog");
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    rewind(tmp);
    size_t got = fread(buf, 1, len - 1, tmp);
    buf[got] = '\0';
    fclose(tmp);
    return r;
}

static const char fake_ptx[] = "//fake\n", bad_ptx[] = "//bad\n";
#define PTX(unit_, sm_, text) \
    {.kind = MU_IMAGE_PTX, .unit = (unit_), .sm = (sm_), .ptx_version = 80, .data = (text), \
     .size = sizeof(text) - 1}
#define SASS(unit_, sm_) \
    {.kind = MU_IMAGE_CUBIN, .unit = (unit_), .sm = (sm_), .data = "E", .size = 1}

START_TEST(module_image_choice)
{
    char msg[1024];
    MUmodule m;
    int live = atomic_load(&fake_modules_live);
    /* The newest PTX up to the device's compute capability (8.0) wins while there is one, as
     * a GPU's driver chooses (the others would fail to load) */
    struct mu_image mixed[] = {PTX(0, 75, bad_ptx), SASS(0, 90), PTX(0, 90, bad_ptx),
                               PTX(0, 120, bad_ptx), PTX(0, 80, fake_ptx)};
    ck_assert_int_eq(D->muModuleLoad(&m, 0, mixed, 5, "prog"), MU_SUCCESS);
    ck_assert_int_eq(atomic_load(&fake_modules_live), live + 1);
    ck_assert_int_eq(D->muModuleUnload(m), MU_SUCCESS);
    ck_assert_int_eq(atomic_load(&fake_modules_live), live);
    /* ...then the newest up to sm_90 (a program built for Hopper and newer) */
    struct mu_image hopper[] = {PTX(0, 100, bad_ptx), PTX(0, 86, bad_ptx), PTX(0, 90, fake_ptx)};
    ck_assert_int_eq(D->muModuleLoad(&m, 0, hopper, 3, "prog"), MU_SUCCESS);
    ck_assert_int_eq(D->muModuleUnload(m), MU_SUCCESS);
    /* ...and a program built for Blackwell alone runs its newest PTX up to sm_121. */
    struct mu_image blackwell[] = {PTX(0, 100, bad_ptx), SASS(0, 120), PTX(0, 120, fake_ptx)};
    ck_assert_int_eq(D->muModuleLoad(&m, 0, blackwell, 3, "prog"), MU_SUCCESS);
    ck_assert_int_eq(D->muModuleUnload(m), MU_SUCCESS);
    ck_assert_int_eq(atomic_load(&fake_modules_live), live);

    /* Only SASS: a message naming the architecture and the rebuild. */
    struct mu_image sass[] = {SASS(0, 86)};
    ck_assert_int_eq(load_capturing(&m, sass, 1, msg, sizeof msg),
                     MU_ERROR_NO_KERNEL_IMAGE_FOR_DEVICE);
    ck_assert_ptr_nonnull(strstr(msg, "cushim: prog:"));
    ck_assert_ptr_nonnull(strstr(msg, "SASS for sm_86"));
    ck_assert_ptr_nonnull(strstr(msg, "-gencode arch=compute_86,code=compute_86"));
    ck_assert_ptr_nonnull(strstr(msg, "-arch=sm_86"));
    /* Only PTX newer than the engine runs. */
    struct mu_image future[] = {PTX(0, 130, fake_ptx), SASS(0, 130)};
    ck_assert_int_eq(load_capturing(&m, future, 2, msg, sizeof msg),
                     MU_ERROR_NO_KERNEL_IMAGE_FOR_DEVICE);
    ck_assert_ptr_nonnull(strstr(msg, "compute_130"));
    ck_assert_ptr_nonnull(strstr(msg, "compute_121"));
    ck_assert_int_eq(load_capturing(&m, NULL, 0, msg, sizeof msg),
                     MU_ERROR_NO_KERNEL_IMAGE_FOR_DEVICE);
    /* The engine's verdict on the text is passed on. */
    struct mu_image broken[] = {PTX(0, 80, bad_ptx)};
    ck_assert_int_eq(D->muModuleLoad(&m, 0, broken, 1, "prog"), MU_ERROR_INVALID_PTX);
    ck_assert_int_eq(atomic_load(&fake_modules_live), live);

    /* -rdc=true: the units' PTX is linked into one engine module; the device-linked image
     * (unit 0, machine code only) is left to the engine's own definitions, silently... */
    struct mu_image units[] = {SASS(0, 80), PTX(1, 80, fake_ptx), PTX(2, 80, fake_ptx)};
    ck_assert_int_eq(load_capturing(&m, units, 3, msg, sizeof msg), MU_SUCCESS);
    ck_assert_int_eq(atomic_load(&fake_modules_live), live + 1);
    ck_assert_str_eq(msg, "");
    function(m, "fill");
    ck_assert_int_eq(D->muModuleUnload(m), MU_SUCCESS);
    /* ...while a translation unit built for machine code only is named with the rebuild, as
     * its kernels and functions are missing from the link */
    struct mu_image sass_unit[] = {PTX(0, 80, fake_ptx), SASS(1, 86), PTX(2, 80, fake_ptx)};
    ck_assert_int_eq(load_capturing(&m, sass_unit, 3, msg, sizeof msg), MU_SUCCESS);
    ck_assert_ptr_nonnull(strstr(msg, "SASS for sm_86"));
    ck_assert_ptr_nonnull(strstr(msg, "-gencode arch=compute_86,code=compute_86"));
    ck_assert_int_eq(D->muModuleUnload(m), MU_SUCCESS);
    struct mu_image half[] = {SASS(0, 80), PTX(1, 80, fake_ptx)};
    ck_assert_int_eq(D->muModuleLoad(&m, 0, half, 2, "prog"), MU_SUCCESS);
    ck_assert_int_eq(D->muModuleUnload(m), MU_SUCCESS);
    ck_assert_int_eq(atomic_load(&fake_modules_live), live);
    ck_assert_int_eq(D->muModuleLoad(&m, 0, NULL, 1, "prog"), MU_ERROR_INVALID_VALUE);
}
END_TEST

START_TEST(functions_globals_and_attributes)
{
    MUmodule m = fake_module(0);
    ck_assert_ptr_nonnull(m);
    MUfunction fill = function(m, "fill"), again = function(m, "fill");
    ck_assert_ptr_eq(fill, again);
    MUfunction fn;
    ck_assert_int_eq(D->muModuleGetFunction(&fn, m, "no_such_kernel"),
                     MU_ERROR_INVALID_DEVICE_FUNCTION);
    MUdeviceptr g;
    size_t bytes;
    ck_assert_int_eq(D->muModuleGetGlobal(&g, &bytes, m, "counter"), MU_SUCCESS);
    ck_assert_uint_eq(bytes, sizeof(int));
    struct cpu_range r;
    ck_assert(cpu_tracker_find(g, &r) && r.kind == CPU_RANGE_ENGINE);
    ck_assert_int_eq(D->muModuleGetGlobal(&g, &bytes, m, "no_such_symbol"),
                     MU_ERROR_INVALID_SYMBOL);

    size_t offset, size;
    ck_assert_int_eq(D->muFuncGetParamInfo(fill, 0, &offset, &size), MU_SUCCESS);
    ck_assert_uint_eq(offset, 0);
    ck_assert_uint_eq(size, 8);
    ck_assert_int_eq(D->muFuncGetParamInfo(fill, 2, &offset, &size), MU_SUCCESS);
    ck_assert_uint_eq(offset, 12);
    ck_assert_uint_eq(size, 4);
    ck_assert_int_eq(D->muFuncGetParamInfo(fill, 3, &offset, &size), MU_ERROR_INVALID_VALUE);
    ck_assert_int_eq(D->muFuncGetParamInfo(fill, -1, &offset, &size), MU_ERROR_INVALID_VALUE);
    struct mu_func_info info;
    ck_assert_int_eq(D->muFuncGetInfo(&info, fill), MU_SUCCESS);
    ck_assert_int_eq(info.num_params, 3);
    ck_assert_int_eq(info.max_dynamic_shared_size_bytes, 49152);
    ck_assert_int_eq(info.preferred_shmem_carveout, -1);
    ck_assert_int_eq(D->muFuncSetAttribute(fill, MU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES,
                                           232448), MU_SUCCESS);
    ck_assert_int_eq(D->muFuncGetInfo(&info, fill), MU_SUCCESS);
    ck_assert_int_eq(info.max_dynamic_shared_size_bytes, 232448);
    ck_assert_int_eq(D->muFuncSetAttribute(fill, MU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES,
                                           232449), MU_ERROR_INVALID_VALUE);
    ck_assert_int_eq(D->muFuncSetAttribute(fill, MU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES,
                                           -1), MU_ERROR_INVALID_VALUE);
    MUfunction bounded = function(m, "bounded"); /* 40000 bytes of static shared memory */
    ck_assert_int_eq(D->muFuncGetInfo(&info, bounded), MU_SUCCESS);
    ck_assert_int_eq(info.max_dynamic_shared_size_bytes, 49152 - 40000);
    ck_assert_int_eq(D->muFuncSetAttribute(bounded,
                                           MU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES,
                                           232448 - 40000), MU_SUCCESS);
    ck_assert_int_eq(D->muFuncSetAttribute(bounded,
                                           MU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES,
                                           232448 - 40000 + 1), MU_ERROR_INVALID_VALUE);
    ck_assert_int_eq(D->muFuncSetAttribute(fill, MU_FUNC_ATTRIBUTE_PREFERRED_SHARED_MEMORY_CARVEOUT,
                                           50), MU_SUCCESS);
    ck_assert_int_eq(D->muFuncSetAttribute(fill, MU_FUNC_ATTRIBUTE_PREFERRED_SHARED_MEMORY_CARVEOUT,
                                           101), MU_ERROR_INVALID_VALUE);
    ck_assert_int_eq(D->muFuncSetAttribute(fill, (enum mu_func_attribute)3, 1),
                     MU_ERROR_INVALID_VALUE);
    ck_assert_int_eq(D->muFuncGetInfo(&info, fill), MU_SUCCESS);
    ck_assert_int_eq(info.preferred_shmem_carveout, 50);
    ck_assert_int_eq(D->muModuleUnload(m), MU_SUCCESS);
    ck_assert(!cpu_tracker_find(g, &r)); /* the global went with the module */
}
END_TEST

static atomic_int gate;

static void gate_fn(void *p)
{
    (void)p;
    while (!atomic_load(&gate))
        cpu_test_sleep_ms(1);
}

struct three_ints {
    int a[3];
};

/* Queue a launch whose argument values live in this frame only. */
static void launch_mixed(MUfunction fn, MUstream s, int *out)
{
    char c = 'Q';
    double d = 1234.75;
    struct three_ints t = {{7, 8, 9}};
    void *args[] = {&c, &d, &t, &out};
    struct mu_launch_config cfg = config(1, 1, s);
    ck_assert_int_eq(D->muLaunchKernel(fn, &cfg, args), MU_SUCCESS);
    c = 'x'; /* too late to matter: the values were copied */
    d = 0;
    t.a[1] = 0;
    out = NULL;
    memset(args, 0, sizeof args);
}

START_TEST(launches_copy_arguments_and_run_async)
{
    atomic_store(&gate, 0);
    MUmodule m = fake_module(0);
    MUstream s;
    ck_assert_int_eq(D->muStreamCreate(&s, 0, 0, 0), MU_SUCCESS);
    MUdeviceptr out_d;
    ck_assert_int_eq(D->muMemAllocManaged(&out_d, 5 * sizeof(int), 0), MU_SUCCESS);
    int *out = (int *)(uintptr_t)out_d;
    int launched = atomic_load(&fake_launches);
    ck_assert_int_eq(D->muLaunchHostFunc(s, gate_fn, NULL), MU_SUCCESS);
    launch_mixed(function(m, "mixed"), s, out);
    /* fill(p, 77, 5) queued behind: nothing has run while the gate is shut. */
    int value = 77, n = 5;
    MUdeviceptr other;
    ck_assert_int_eq(D->muMemAlloc(&other, 5 * sizeof(int), 0), MU_SUCCESS);
    int *other_p = (int *)(uintptr_t)other;
    void *fill_other[] = {&other_p, &value, &n};
    struct mu_launch_config cfg = config(1, 1, s);
    ck_assert_int_eq(D->muLaunchKernel(function(m, "fill"), &cfg, fill_other), MU_SUCCESS);
    cpu_test_sleep_ms(20);
    ck_assert_int_eq(atomic_load(&fake_launches), launched);
    ck_assert_int_eq(D->muStreamQuery(s), MU_ERROR_NOT_READY);
    atomic_store(&gate, 1);
    ck_assert_int_eq(D->muStreamSynchronize(s), MU_SUCCESS);
    ck_assert_int_eq(atomic_load(&fake_launches), launched + 2);
    ck_assert_int_eq(out[0], 'Q');
    ck_assert_int_eq(out[1], 1234);
    ck_assert_int_eq(out[2], 7);
    ck_assert_int_eq(out[3], 8);
    ck_assert_int_eq(out[4], 9);
    for (int i = 0; i < 5; i++)
        ck_assert_int_eq(other_p[i], 77);
    ck_assert_int_eq(D->muStreamDestroy(s), MU_SUCCESS);
    ck_assert_int_eq(D->muMemFree(out_d), MU_SUCCESS);
    ck_assert_int_eq(D->muMemFree(other), MU_SUCCESS);
    ck_assert_int_eq(D->muModuleUnload(m), MU_SUCCESS);
}
END_TEST

START_TEST(launch_checks_are_not_sticky)
{
    MUmodule m = fake_module(0);
    MUfunction fill = function(m, "fill");
    MUstream s = legacy(0);
    MUdeviceptr d;
    ck_assert_int_eq(D->muMemAlloc(&d, 64, 0), MU_SUCCESS);
    int *p = (int *)(uintptr_t)d, v = 3, n = 16;
    void *args[] = {&p, &v, &n};
    struct mu_launch_config c;
    c = config(1, 0, s);
    ck_assert_int_eq(D->muLaunchKernel(fill, &c, args), MU_ERROR_INVALID_VALUE);
    c = config(0, 1, s);
    ck_assert_int_eq(D->muLaunchKernel(fill, &c, args), MU_ERROR_INVALID_VALUE);
    c = config(1, 1025, s);
    ck_assert_int_eq(D->muLaunchKernel(fill, &c, args), MU_ERROR_INVALID_VALUE);
    c = config(1, 32, s);
    c.block = (dim3){32, 32, 2};
    ck_assert_int_eq(D->muLaunchKernel(fill, &c, args), MU_ERROR_INVALID_VALUE);
    c.block = (dim3){1, 1, 65};
    ck_assert_int_eq(D->muLaunchKernel(fill, &c, args), MU_ERROR_INVALID_VALUE);
    c = config(1, 1, s);
    c.grid.y = 65536;
    ck_assert_int_eq(D->muLaunchKernel(fill, &c, args), MU_ERROR_INVALID_VALUE);
    c = config(1, 1, s);
    c.shared_mem_bytes = 49153; /* above the function's current maximum */
    ck_assert_int_eq(D->muLaunchKernel(fill, &c, args), MU_ERROR_INVALID_VALUE);
    c = config(1, 1, s);
    c.cooperative = 1;
    c.grid.x = 1u << 30; /* never co-resident */
    ck_assert_int_eq(D->muLaunchKernel(fill, &c, args), MU_ERROR_COOPERATIVE_LAUNCH_TOO_LARGE);
    c = config(1, 256, s); /* the kernel allows 128 threads */
    ck_assert_int_eq(D->muLaunchKernel(function(m, "bounded"), &c, NULL),
                     MU_ERROR_LAUNCH_OUT_OF_RESOURCES);
    c = config(1, 1, s);
    ck_assert_int_eq(D->muLaunchKernel(function(m, "unsupported"), &c, NULL),
                     MU_ERROR_NOT_SUPPORTED);
    ck_assert_int_eq(D->muLaunchKernel(fill, &c, NULL), MU_ERROR_INVALID_VALUE);
    void *holes[] = {&p, NULL, &n};
    ck_assert_int_eq(D->muLaunchKernel(fill, &c, holes), MU_ERROR_INVALID_VALUE);
    ck_assert_int_eq(D->muLaunchKernel(NULL, &c, args), MU_ERROR_INVALID_RESOURCE_HANDLE);
    int count;
    ck_assert_int_eq(D->muDeviceGetCount(&count), MU_SUCCESS);
    if (count > 1) {
        c = config(1, 1, legacy(1)); /* a stream of another device */
        ck_assert_int_eq(D->muLaunchKernel(fill, &c, args), MU_ERROR_INVALID_RESOURCE_HANDLE);
    }
    /* None of it stuck: a good launch works. */
    c = config(1, 1, s);
    ck_assert_int_eq(D->muLaunchKernel(fill, &c, args), MU_SUCCESS);
    ck_assert_int_eq(D->muDeviceSynchronize(0), MU_SUCCESS);
    ck_assert_int_eq(p[15], 3);
    ck_assert_int_eq(D->muMemFree(d), MU_SUCCESS);
    ck_assert_int_eq(D->muModuleUnload(m), MU_SUCCESS);
}
END_TEST

/* After a kernel faults, every device operation reports the fault until a reset. */
START_TEST(faults_are_sticky_until_reset)
{
    MUmodule m = fake_module(0);
    MUstream s;
    ck_assert_int_eq(D->muStreamCreate(&s, 0, 0, 0), MU_SUCCESS);
    MUevent e;
    ck_assert_int_eq(D->muEventCreate(&e, 0, 0), MU_SUCCESS);
    MUdeviceptr d;
    ck_assert_int_eq(D->muMemAlloc(&d, 64, 0), MU_SUCCESS);
    int *p = (int *)(uintptr_t)d, v = 5, n = 16;
    void *args[] = {&p, &v, &n};
    struct mu_launch_config c = config(1, 1, s);
    atomic_store(&gate, 0); /* hold the stream so both launches are queued before either runs */
    ck_assert_int_eq(D->muLaunchHostFunc(s, gate_fn, NULL), MU_SUCCESS);
    ck_assert_int_eq(D->muLaunchKernel(function(m, "fault"), &c, NULL), MU_SUCCESS); /* async */
    ck_assert_int_eq(D->muLaunchKernel(function(m, "fill"), &c, args), MU_SUCCESS);
    atomic_store(&gate, 1);
    ck_assert_int_eq(D->muStreamSynchronize(s), MU_ERROR_ILLEGAL_ADDRESS);
    ck_assert_int_eq(p[0], 0); /* work queued behind the fault did not run */

    const MUresult sticky = MU_ERROR_ILLEGAL_ADDRESS;
    MUdeviceptr q;
    ck_assert_int_eq(D->muMemAlloc(&q, 64, 0), sticky);
    ck_assert_int_eq(D->muMemAllocManaged(&q, 64, 0), sticky);
    ck_assert_int_eq(D->muLaunchKernel(function(m, "fill"), &c, args), sticky);
    ck_assert_int_eq(D->muStreamSynchronize(s), sticky);
    ck_assert_int_eq(D->muStreamSynchronize(legacy(0)), sticky);
    ck_assert_int_eq(D->muStreamQuery(s), sticky);
    ck_assert_int_eq(D->muDeviceSynchronize(0), sticky);
    ck_assert_int_eq(D->muEventRecord(e, s), sticky);
    ck_assert_int_eq(D->muEventQuery(e), sticky);
    ck_assert_int_eq(D->muEventSynchronize(e), sticky);
    ck_assert_int_eq(D->muMemset3D(d, 64, 1, 0, 64, 1, 1, s, 0), sticky);
    int host[16];
    struct mu_copy3d copy = {cudaMemcpyDeviceToHost, host, p, 64, 1, 64, 1, 64, 1, 1};
    ck_assert_int_eq(D->muMemcpy3D(&copy, s, MU_OP_SYNC), sticky);
    ck_assert_int_eq(D->muLaunchHostFunc(s, gate_fn, NULL), sticky);
    MUstream s2;
    ck_assert_int_eq(D->muStreamCreate(&s2, 0, 0, 0), sticky);
    MUevent e2;
    ck_assert_int_eq(D->muEventCreate(&e2, 0, 0), sticky);
    size_t free_bytes;
    ck_assert_int_eq(D->muMemGetInfo(&free_bytes, NULL, 0), sticky);
    MUmodule m2;
    struct mu_image im[] = {PTX(0, 80, fake_ptx)};
    ck_assert_int_eq(D->muModuleLoad(&m2, 0, im, 1, "again"), sticky);
    /* Queries that describe the device still answer. */
    int warp;
    ck_assert_int_eq(D->muDeviceGetAttribute(&warp, cudaDevAttrWarpSize, 0), MU_SUCCESS);
    /* Another device is not affected. */
    int count;
    ck_assert_int_eq(D->muDeviceGetCount(&count), MU_SUCCESS);
    if (count > 1) {
        ck_assert_int_eq(D->muMemAlloc(&q, 64, 1), MU_SUCCESS);
        ck_assert_int_eq(D->muDeviceSynchronize(1), MU_SUCCESS);
        ck_assert_int_eq(D->muMemFree(q), MU_SUCCESS);
    }
    /* A reset clears it and frees everything; the device works again. */
    ck_assert_int_eq(D->muDeviceReset(0), MU_SUCCESS);
    ck_assert_int_eq(D->muDeviceSynchronize(0), MU_SUCCESS);
    struct cpu_range r;
    ck_assert(!cpu_tracker_find(d, &r));
    m = fake_module(0);
    ck_assert_ptr_nonnull(m);
    ck_assert_int_eq(D->muMemAlloc(&d, 64, 0), MU_SUCCESS);
    p = (int *)(uintptr_t)d;
    c = config(1, 1, legacy(0));
    ck_assert_int_eq(D->muLaunchKernel(function(m, "fill"), &c, args), MU_SUCCESS);
    ck_assert_int_eq(D->muDeviceSynchronize(0), MU_SUCCESS);
    ck_assert_int_eq(p[15], 5);
    ck_assert_int_eq(D->muMemFree(d), MU_SUCCESS);
    ck_assert_int_eq(D->muModuleUnload(m), MU_SUCCESS);
}
END_TEST

/* The engine's own bounds check (find_range) turns a wild pointer into a sticky fault, and
 * assert() is sticky too. */
START_TEST(wild_pointer_and_assert_faults)
{
    MUmodule m = fake_module(0);
    int local[4];
    int *p = local, v = 1, n = 4;
    void *args[] = {&p, &v, &n};
    struct mu_launch_config c = config(1, 1, legacy(0));
    ck_assert_int_eq(D->muLaunchKernel(function(m, "fill"), &c, args), MU_SUCCESS);
    ck_assert_int_eq(D->muDeviceSynchronize(0), MU_ERROR_ILLEGAL_ADDRESS);
    ck_assert_int_eq(D->muDeviceReset(0), MU_SUCCESS);
    m = fake_module(0);
    ck_assert_int_eq(D->muLaunchKernel(function(m, "assert"), &c, NULL), MU_SUCCESS);
    ck_assert_int_eq(D->muDeviceSynchronize(0), MU_ERROR_ASSERT);
    ck_assert_int_eq(D->muDeviceSynchronize(0), MU_ERROR_ASSERT);
    ck_assert_int_eq(D->muDeviceReset(0), MU_SUCCESS);
}
END_TEST

/* A non-sticky error of an asynchronous launch is reported once, by the next synchronising
 * call; the device carries on. */
START_TEST(non_sticky_async_errors_are_reported_once)
{
    MUmodule m = fake_module(0);
    struct mu_launch_config c = config(1, 1, legacy(0));
    ck_assert_int_eq(D->muLaunchKernel(function(m, "oops"), &c, NULL), MU_SUCCESS);
    ck_assert_int_eq(D->muStreamSynchronize(legacy(0)), MU_ERROR_LAUNCH_OUT_OF_RESOURCES);
    ck_assert_int_eq(D->muStreamSynchronize(legacy(0)), MU_SUCCESS);
    ck_assert_int_eq(D->muDeviceSynchronize(0), MU_SUCCESS);
    MUdeviceptr d;
    ck_assert_int_eq(D->muMemAlloc(&d, 16, 0), MU_SUCCESS);
    ck_assert_int_eq(D->muMemFree(d), MU_SUCCESS);
    ck_assert_int_eq(D->muModuleUnload(m), MU_SUCCESS);
}
END_TEST

/* With an engine that cannot size parameters, launches complete before they return. */
START_TEST(launch_without_param_sizes_is_synchronous)
{
    fake_engine_install_without_param_sizes();
    MUmodule m = fake_module(0);
    size_t offset, size;
    ck_assert_int_eq(D->muFuncGetParamInfo(function(m, "fill"), 0, &offset, &size),
                     MU_ERROR_NOT_SUPPORTED);
    MUdeviceptr d;
    ck_assert_int_eq(D->muMemAlloc(&d, 64, 0), MU_SUCCESS);
    int *p = (int *)(uintptr_t)d, v = 9, n = 16;
    void *args[] = {&p, &v, &n};
    MUstream s;
    ck_assert_int_eq(D->muStreamCreate(&s, 0, 0, 0), MU_SUCCESS);
    struct mu_launch_config c = config(1, 1, s);
    ck_assert_int_eq(D->muLaunchHostFunc(s, gate_fn, NULL), MU_SUCCESS);
    atomic_store(&gate, 1);
    ck_assert_int_eq(D->muLaunchKernel(function(m, "fill"), &c, args), MU_SUCCESS);
    ck_assert_int_eq(p[15], 9); /* done on return */
    ck_assert_int_eq(D->muStreamDestroy(s), MU_SUCCESS);
    ck_assert_int_eq(D->muMemFree(d), MU_SUCCESS);
    ck_assert_int_eq(D->muModuleUnload(m), MU_SUCCESS);
}
END_TEST

START_TEST(occupancy)
{
    MUmodule m = fake_module(0);
    int blocks;
    MUfunction fill = function(m, "fill"), bounded = function(m, "bounded");
    /* 16 registers: threads limit first (2048 / 256 = 8 blocks). */
    ck_assert_int_eq(D->muOccupancyMaxActiveBlocksPerMultiprocessor(&blocks, fill, 256, 0),
                     MU_SUCCESS);
    ck_assert_int_eq(blocks, 8);
    ck_assert_int_eq(D->muOccupancyMaxActiveBlocksPerMultiprocessor(&blocks, fill, 32, 0),
                     MU_SUCCESS);
    ck_assert_int_eq(blocks, 32); /* the blocks-per-SM limit */
    /* Dynamic shared memory: 233472 / (100000 + 1024) = 2. */
    ck_assert_int_eq(D->muOccupancyMaxActiveBlocksPerMultiprocessor(&blocks, fill, 32, 100000),
                     MU_SUCCESS);
    ck_assert_int_eq(blocks, 2);
    /* 40000 static bytes: 233472 / 41024 = 5; 64 registers x 4 warps allow 8. */
    ck_assert_int_eq(D->muOccupancyMaxActiveBlocksPerMultiprocessor(&blocks, bounded, 128, 0),
                     MU_SUCCESS);
    ck_assert_int_eq(blocks, 5);
    ck_assert_int_eq(D->muOccupancyMaxActiveBlocksPerMultiprocessor(&blocks, bounded, 129, 0),
                     MU_SUCCESS);
    ck_assert_int_eq(blocks, 0); /* above the kernel's thread limit */
    ck_assert_int_eq(D->muOccupancyMaxActiveBlocksPerMultiprocessor(&blocks, fill, 2048, 0),
                     MU_SUCCESS);
    ck_assert_int_eq(blocks, 0);
    ck_assert_int_eq(D->muOccupancyMaxActiveBlocksPerMultiprocessor(&blocks, fill, 0, 0),
                     MU_ERROR_INVALID_VALUE);
    ck_assert_int_eq(D->muModuleUnload(m), MU_SUCCESS);
}
END_TEST

/* A cooperative launch hands the kernel a zeroed grid workspace through %envreg1 (high) and
 * %envreg2 (low), as cooperative_groups expects; it is freed with the launch. */
START_TEST(cooperative_launch_gets_a_grid_workspace)
{
    MUmodule m = fake_module(0);
    MUfunction coop = function(m, "coop");
    size_t engine_ranges = cpu_tracker_count(0, CPU_RANGE_ENGINE);
    struct mu_launch_config c = config(4, 64, legacy(0));
    c.cooperative = 1;
    ck_assert_int_eq(D->muLaunchKernel(coop, &c, NULL), MU_SUCCESS);
    ck_assert_int_eq(D->muDeviceSynchronize(0), MU_SUCCESS);
    ck_assert(fake_last_workspace != 0);
    ck_assert_uint_eq(cpu_tracker_count(0, CPU_RANGE_ENGINE), engine_ranges);
    c.cooperative = 0;
    ck_assert_int_eq(D->muLaunchKernel(coop, &c, NULL), MU_SUCCESS);
    ck_assert_int_eq(D->muDeviceSynchronize(0), MU_SUCCESS);
    ck_assert(fake_last_workspace == 0);
    ck_assert_int_eq(D->muModuleUnload(m), MU_SUCCESS);
}
END_TEST

/* A module unloaded while a launch of it is queued stays until the launch has run. */
START_TEST(unload_with_queued_launch)
{
    atomic_store(&gate, 0);
    int live = atomic_load(&fake_modules_live);
    MUmodule m = fake_module(0);
    MUdeviceptr d;
    ck_assert_int_eq(D->muMemAlloc(&d, 64, 0), MU_SUCCESS);
    int *p = (int *)(uintptr_t)d, v = 4, n = 16;
    void *args[] = {&p, &v, &n};
    MUstream s;
    ck_assert_int_eq(D->muStreamCreate(&s, 0, MU_STREAM_NON_BLOCKING, 0), MU_SUCCESS);
    ck_assert_int_eq(D->muLaunchHostFunc(s, gate_fn, NULL), MU_SUCCESS);
    struct mu_launch_config c = config(1, 1, s);
    ck_assert_int_eq(D->muLaunchKernel(function(m, "fill"), &c, args), MU_SUCCESS);
    ck_assert_int_eq(D->muModuleUnload(m), MU_SUCCESS);
    ck_assert_int_eq(atomic_load(&fake_modules_live), live + 1);
    atomic_store(&gate, 1);
    ck_assert_int_eq(D->muStreamSynchronize(s), MU_SUCCESS);
    ck_assert_int_eq(p[15], 4);
    ck_assert_int_eq(atomic_load(&fake_modules_live), live);
    ck_assert_int_eq(D->muStreamDestroy(s), MU_SUCCESS);
    ck_assert_int_eq(D->muMemFree(d), MU_SUCCESS);
}
END_TEST

Suite *suite_cpu_launch(void)
{
    Suite *s = suite_create("cpu_launch");
    TCase *t = tcase_create("launch");
    tcase_set_timeout(t, 60);
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_add_test(t, module_image_choice);
    tcase_add_test(t, functions_globals_and_attributes);
    tcase_add_test(t, launches_copy_arguments_and_run_async);
    tcase_add_test(t, launch_checks_are_not_sticky);
    tcase_add_test(t, faults_are_sticky_until_reset);
    tcase_add_test(t, wild_pointer_and_assert_faults);
    tcase_add_test(t, non_sticky_async_errors_are_reported_once);
    tcase_add_test(t, launch_without_param_sizes_is_synchronous);
    tcase_add_test(t, occupancy);
    tcase_add_test(t, unload_with_queued_launch);
    tcase_add_test(t, cooperative_launch_gets_a_grid_workspace);
    suite_add_tcase(s, t);
    return s;
}
