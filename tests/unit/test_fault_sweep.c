/*
 * test_fault_sweep.c - host allocation failure anywhere in the library, through the public API
 * (issue 7): a representative sequence of runtime calls (streams, events, device and pinned
 * memory, fills, a kernel from a registered PTX fatbinary, cross-stream waits, copies, a host
 * function, stream capture into a graph and its launch, a CUDA array filled from device memory,
 * a mipmapped array and a texture object over the array) runs with the Nth host allocation made
 * to fail, for every N the sequence reaches.  The first call that fails must say
 * cudaErrorMemoryAllocation (or the sequence succeeds with correct data when the failure was
 * absorbed); afterwards nothing is left behind (device memory back to its level) and the same
 * sequence runs cleanly.
 *
 * Two hooks are swept: the cpu backend's own (cpu_fault_fail_nth_alloc, CUSHIM_FAIL_HOST_ALLOC
 * for real programs), and a link-time one that fails any malloc/calloc/realloc/strdup/
 * aligned_alloc the shim, the backend or the engine makes: tests/robust/robust.mk links the test
 * runner with -Wl,--wrap for those functions, so their calls from the library's objects come
 * here (calls inside libc and other libraries do not).
 *
 * Owns: the public-API fault sweep and the link-time allocation hook (disarmed, it only counts).
 */
#include <check.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "cpu/cpu_alloc.h"

/* ---- the link-time hook ------------------------------------------------------------------ */

static atomic_long wrap_countdown; /* 0: off; n: the nth allocation from now fails */

static int wrap_fails(void)
{
    long left = atomic_load_explicit(&wrap_countdown, memory_order_relaxed);
    while (left > 0) {
        if (atomic_compare_exchange_weak_explicit(&wrap_countdown, &left, left - 1,
                                                  memory_order_relaxed, memory_order_relaxed))
            return left == 1;
    }
    return 0;
}

void *__real_malloc(size_t size);
void *__real_calloc(size_t count, size_t size);
void *__real_realloc(void *ptr, size_t size);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);
void *__real_aligned_alloc(size_t align, size_t size);
int __real_posix_memalign(void **out, size_t align, size_t size);
void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t count, size_t size);
void *__wrap_realloc(void *ptr, size_t size);
char *__wrap_strdup(const char *s);
char *__wrap_strndup(const char *s, size_t n);
void *__wrap_aligned_alloc(size_t align, size_t size);
int __wrap_posix_memalign(void **out, size_t align, size_t size);

void *__wrap_malloc(size_t size)
{
    return wrap_fails() ? NULL : __real_malloc(size);
}
void *__wrap_calloc(size_t count, size_t size)
{
    return wrap_fails() ? NULL : __real_calloc(count, size);
}
void *__wrap_realloc(void *ptr, size_t size)
{
    return wrap_fails() ? NULL : __real_realloc(ptr, size);
}
char *__wrap_strdup(const char *s)
{
    return wrap_fails() ? NULL : __real_strdup(s);
}
char *__wrap_strndup(const char *s, size_t n)
{
    return wrap_fails() ? NULL : __real_strndup(s, n);
}
void *__wrap_aligned_alloc(size_t align, size_t size)
{
    return wrap_fails() ? NULL : __real_aligned_alloc(align, size);
}
int __wrap_posix_memalign(void **out, size_t align, size_t size)
{
    return wrap_fails() ? 12 /* ENOMEM */ : __real_posix_memalign(out, align, size);
}

static void wrap_arm(long n)
{
    atomic_store(&wrap_countdown, n);
}
static int wrap_pending(void)
{
    return atomic_load(&wrap_countdown) > 0;
}
static void cpu_arm(long n)
{
    cpu_fault_fail_nth_alloc(n);
}

/* ---- a kernel, registered the way nvcc's start-up code does ---------------------------- */

void **__cudaRegisterFatBinary(void *fatCubin);
void __cudaRegisterFatBinaryEnd(void **fatCubinHandle);
void __cudaRegisterFunction(void **fatCubinHandle, const char *hostFun, char *deviceFun,
                            const char *deviceName, int thread_limit, uint3 *tid, uint3 *bid,
                            dim3 *bDim, dim3 *gDim, int *wSize);

static const char add_ptx[] =
    ".version 8.0\n.target sm_80\n.address_size 64\n"
    ".visible .entry add(.param .u64 p, .param .u32 n, .param .u32 delta)\n{\n"
    " .reg .b32 %r<8>; .reg .b64 %rd<4>; .reg .pred %q<2>;\n"
    " ld.param.u64 %rd1, [p]; ld.param.u32 %r1, [n]; ld.param.u32 %r2, [delta];\n"
    " mov.u32 %r3, %ctaid.x; mov.u32 %r4, %ntid.x; mov.u32 %r5, %tid.x;\n"
    " mad.lo.s32 %r6, %r3, %r4, %r5; setp.ge.s32 %q1, %r6, %r1; @%q1 bra $END;\n"
    " cvta.to.global.u64 %rd2, %rd1; mul.wide.s32 %rd3, %r6, 4; add.s64 %rd2, %rd2, %rd3;\n"
    " ld.global.u32 %r7, [%rd2]; add.s32 %r7, %r7, %r2; st.global.u32 [%rd2], %r7;\n"
    "$END: ret;\n}\n";

/* A fatbinary with one uncompressed PTX entry (shared/FACTS.md), and nvcc's 24-byte wrapper. */
static unsigned char fatbin[16 + 80 + sizeof add_ptx + 8] __attribute__((aligned(8)));
static struct {
    uint32_t magic, version;
    const void *fatbin, *extra;
} wrapper = {0x466243B1u, 1, fatbin, NULL};

static void add_stub(void)
{
}

static void register_kernel(void)
{
    size_t payload = (sizeof add_ptx + 7) & ~(size_t)7;
    uint64_t size = 80 + payload;
    uint32_t magic = 0xBA55ED50u, header_size = 80, sm = 80;
    uint16_t version = 1, fatbin_header = 16, kind = 1, entry_version = 0x101, major = 8;
    memcpy(fatbin, &magic, 4);
    memcpy(fatbin + 4, &version, 2);
    memcpy(fatbin + 6, &fatbin_header, 2);
    memcpy(fatbin + 8, &size, 8);
    unsigned char *e = fatbin + 16;
    memcpy(e, &kind, 2);
    memcpy(e + 2, &entry_version, 2);
    memcpy(e + 4, &header_size, 4);
    memcpy(e + 8, &payload, 8);
    memcpy(e + 26, &major, 2);
    memcpy(e + 28, &sm, 4);
    uint64_t flags = 0x11; /* as nvcc writes for an uncompressed entry */
    memcpy(e + 40, &flags, 8);
    memcpy(e + 80, add_ptx, sizeof add_ptx);
    void **handle = __cudaRegisterFatBinary(&wrapper);
    __cudaRegisterFunction(handle, (const char *)add_stub, (char *)"add", "add", -1, NULL, NULL,
                           NULL, NULL, NULL);
    __cudaRegisterFatBinaryEnd(handle);
}

/* ---- the sequence ------------------------------------------------------------------------ */

#define N 1024

static void count_fn(void *p)
{
    atomic_fetch_add((atomic_int *)p, 1);
}

#define STEP(call)                                       \
    do {                                                 \
        if ((r = (call)) != cudaSuccess) {               \
            snprintf(failed_call, sizeof failed_call, "%s", #call); \
            goto out;                                    \
        }                                                \
    } while (0)

static char failed_call[256];

/* Runs the sequence with the hook armed by arm(n) (n = 0: not armed); disarms before cleaning
 * up, so clean-up never meets the injected failure.  Returns the first failing call's error. */
static int consumed; /* the armed failure happened during the last sequence */

static cudaError_t sequence(void (*arm)(long), int (*pending)(void), long n)
{
    cudaError_t r = cudaSuccess;
    cudaStream_t s = NULL;
    cudaEvent_t e = NULL;
    cudaGraph_t g = NULL;
    cudaGraphExec_t ge = NULL;
    int *d = NULL, *h = NULL;
    cudaArray_t arr = NULL;
    cudaMipmappedArray_t mip = NULL;
    cudaTextureObject_t tex = 0;
    int *back = NULL;
    atomic_int counter = 0;
    int capturing = 0, wrong = -1, callbacks = 0;
    failed_call[0] = '\0';
    arm(n);
    STEP(cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking));
    STEP(cudaEventCreate(&e));
    STEP(cudaMalloc((void **)&d, N * sizeof(int)));
    STEP(cudaMallocHost((void **)&h, N * sizeof(int)));
    STEP(cudaMemsetAsync(d, 0, N * sizeof(int), s));
    int count = N, delta = 5;
    void *args[] = {&d, &count, &delta};
    STEP(cudaLaunchKernel((const void *)add_stub, (dim3){4, 1, 1}, (dim3){256, 1, 1}, args, 0, s));
    STEP(cudaEventRecord(e, s));
    STEP(cudaStreamWaitEvent(0, e, 0));
    STEP(cudaLaunchHostFunc(s, count_fn, &counter));
    /* capture: two more additions, replayed twice through a graph */
    STEP(cudaStreamBeginCapture(s, cudaStreamCaptureModeThreadLocal));
    capturing = 1;
    delta = 3;
    STEP(cudaLaunchKernel((const void *)add_stub, (dim3){4, 1, 1}, (dim3){256, 1, 1}, args, 0, s));
    STEP(cudaLaunchHostFunc(s, count_fn, &counter));
    capturing = 0;
    STEP(cudaStreamEndCapture(s, &g));
    STEP(cudaGraphInstantiate(&ge, g, 0));
    STEP(cudaGraphLaunch(ge, s));
    STEP(cudaGraphLaunch(ge, s));
    STEP(cudaMemcpyAsync(h, d, N * sizeof(int), cudaMemcpyDeviceToHost, s));
    STEP(cudaStreamSynchronize(s));
    STEP(cudaDeviceSynchronize());
    /* images: the result through a 64x16 array and back, a mipmap, a texture over the array */
    struct cudaChannelFormatDesc fd = {32, 0, 0, 0, cudaChannelFormatKindSigned};
    STEP(cudaMallocArray(&arr, &fd, 64, 16, 0));
    STEP(cudaMemcpy2DToArray(arr, 0, 0, d, 64 * sizeof(int), 64 * sizeof(int), 16, cudaMemcpyDeviceToDevice));
    STEP(cudaMallocMipmappedArray(&mip, &fd, (struct cudaExtent){32, 32, 0}, 3, 0));
    struct cudaResourceDesc rd;
    memset(&rd, 0, sizeof rd);
    rd.resType = cudaResourceTypeArray;
    rd.res.array.array = arr;
    struct cudaTextureDesc td;
    memset(&td, 0, sizeof td);
    td.readMode = cudaReadModeElementType;
    STEP(cudaCreateTextureObject(&tex, &rd, &td, NULL));
    STEP(cudaMallocHost((void **)&back, N * sizeof(int)));
    STEP(cudaMemcpy2DFromArray(back, 64 * sizeof(int), arr, 0, 0, 64 * sizeof(int), 16, cudaMemcpyDeviceToHost));
    /* wrong data is never an acceptable way to fail (checked once disarmed: Check's own
     * bookkeeping allocates, and the test runner is linked with the hook too) */
    for (int i = 0; i < N && wrong < 0; i++)
        if (h[i] != 5 + 3 + 3 || back[i] != h[i])
            wrong = i;
    callbacks = atomic_load(&counter);
out:
    consumed = n > 0 && !pending();
    arm(0);
    if (r == cudaSuccess) {
        ck_assert_msg(wrong < 0, "n=%ld: element %d is %d", n, wrong, wrong < 0 ? 0 : h[wrong]);
        ck_assert_int_eq(callbacks, 3);
    }
    if (capturing) {
        cudaGraph_t partial = NULL;
        cudaStreamEndCapture(s, &partial);
        if (partial != NULL)
            cudaGraphDestroy(partial);
    }
    cudaDeviceSynchronize();
    if (ge != NULL)
        ck_assert_int_eq(cudaGraphExecDestroy(ge), cudaSuccess);
    if (g != NULL)
        ck_assert_int_eq(cudaGraphDestroy(g), cudaSuccess);
    if (tex != 0)
        ck_assert_int_eq(cudaDestroyTextureObject(tex), cudaSuccess);
    if (mip != NULL)
        ck_assert_int_eq(cudaFreeMipmappedArray(mip), cudaSuccess);
    if (arr != NULL)
        ck_assert_int_eq(cudaFreeArray(arr), cudaSuccess);
    if (back != NULL)
        ck_assert_int_eq(cudaFreeHost(back), cudaSuccess);
    if (h != NULL)
        ck_assert_int_eq(cudaFreeHost(h), cudaSuccess);
    if (d != NULL)
        ck_assert_int_eq(cudaFree(d), cudaSuccess);
    if (e != NULL)
        ck_assert_int_eq(cudaEventDestroy(e), cudaSuccess);
    if (s != NULL)
        ck_assert_int_eq(cudaStreamDestroy(s), cudaSuccess);
    return r;
}

/* Every allocation point of the sequence, in turn. */
static void sweep(void (*arm)(long), int (*pending)(void), const char *hook)
{
    ck_assert_int_eq(sequence(arm, pending, 0), cudaSuccess); /* warm up: lazy state exists */
    size_t free0, total;
    ck_assert_int_eq(cudaMemGetInfo(&free0, &total), cudaSuccess);
    int failed = 0, points = 0;
    for (long n = 1; n < 5000; n++) {
        cudaError_t r = sequence(arm, pending, n);
        int hit = consumed;
        ck_assert_msg(r == cudaSuccess || r == cudaErrorMemoryAllocation,
                      "%s hook, allocation %ld failing: %s returned %s", hook, n, failed_call,
                      cudaGetErrorName(r));
        failed += r == cudaErrorMemoryAllocation;
        /* Nothing sticks: the error is the thread's last error at most once, the device is
         * fine, its memory is back, and the same work succeeds. */
        cudaGetLastError();
        ck_assert_int_eq(cudaGetLastError(), cudaSuccess);
        ck_assert_msg(cudaDeviceSynchronize() == cudaSuccess, "%s hook, n=%ld", hook, n);
        size_t free1;
        ck_assert_int_eq(cudaMemGetInfo(&free1, &total), cudaSuccess);
        ck_assert_msg(free1 == free0, "%s hook, allocation %ld failing (%s): %zu bytes of device "
                      "memory left behind", hook, n, failed_call, free0 - free1);
        ck_assert_msg(sequence(arm, pending, 0) == cudaSuccess, "%s hook, after allocation %ld failed "
                      "(%s): the sequence fails at %s", hook, n, failed_call, failed_call);
        if (!hit) {
            points = (int)n - 1;
            break;
        }
    }
    fprintf(stderr, "fault sweep, %s hook: %d allocation points, %d surfaced as "
                    "cudaErrorMemoryAllocation\n", hook, points, failed);
    ck_assert_int_gt(points, 10);
    ck_assert_int_gt(failed, 0);
}

START_TEST(every_library_allocation_can_fail)
{
    register_kernel();
    sweep(wrap_arm, wrap_pending, "link-time");
}
END_TEST

START_TEST(every_backend_allocation_can_fail)
{
    register_kernel();
    sweep(cpu_arm, cpu_fault_pending, "backend");
}
END_TEST

Suite *suite_fault_sweep(void)
{
    Suite *s = suite_create("fault_sweep");
    TCase *tc = tcase_create("sweep");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, every_library_allocation_can_fail);
    tcase_add_test(tc, every_backend_allocation_can_fail);
    suite_add_tcase(s, tc);
    return s;
}
