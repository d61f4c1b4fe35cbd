/*
 * test_cuda12.c - real CUDA 12 programs under libcudart.so.12.  tests/data/cuda12/ holds
 * programs built by a CUDA 12 toolchain with -cudart shared (how, in its README.md), committed
 * so that every machine runs them: each must exit 0 printing "abi12: PASS" with
 * $CUSHIM_LIBDIR/libcudart.so.12 found on the library path, and the trace layer must log their
 * CUDA 12 calls under their CUDA 12 names.  tests/data/cuda12/check_binding.sh checks, before
 * this, that they import CUDA 12's versioned symbols.
 */
#include <check.h>
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cushim/cuda_types.h"

#define CUDA12_DIR "tests/data/cuda12"

static const char *const programs[] = {"abi12", "abi12_ptsz"};

/* Runs a program with libcudart.so.12 from $CUSHIM_LIBDIR and extra environment settings
 * (NAME=VALUE or NULL); its stdout and stderr go to out_path.  Returns its exit status. */
static int run(const char *program, const char *setting, const char *out_path)
{
    pid_t pid = fork();
    if (pid == 0) {
        const char *libdir = getenv("CUSHIM_LIBDIR");
        const char *preload = getenv("CUSHIM_TEST_PRELOAD"); /* sanitizer runtime, if any */
        if (libdir != NULL)
            setenv("LD_LIBRARY_PATH", libdir, 1);
        if (preload != NULL && preload[0] != '\0')
            setenv("LD_PRELOAD", preload, 1);
        if (setting != NULL)
            putenv((char *)setting);
        if (freopen(out_path, "w", stdout) == NULL || dup2(fileno(stdout), 2) < 0)
            _exit(126);
        execl(program, program, (char *)NULL);
        _exit(127);
    }
    int status = -1;
    if (pid < 0 || waitpid(pid, &status, 0) != pid)
        return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 1000 + WTERMSIG(status);
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return NULL;
    static char text[1 << 20];
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    return text;
}

START_TEST(cuda12_program_passes)
{
    char program[256];
    snprintf(program, sizeof program, "%s/%s", CUDA12_DIR, programs[_i]);
    ck_assert_msg(access(program, X_OK) == 0, "%s is missing or not executable", program);
    char out_path[] = "/tmp/cushim-cuda12-XXXXXX";
    int fd = mkstemp(out_path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    int rc = run(program, NULL, out_path);
    const char *out = slurp(out_path);
    unlink(out_path);
    ck_assert_msg(rc == 0 && out != NULL && strstr(out, "abi12: PASS") != NULL,
                  "%s under libcudart.so.12: exit %d, output:\n%s", program, rc,
                  out != NULL ? out : "");
}
END_TEST

START_TEST(cuda12_calls_are_traced_by_their_names)
{
    char out_path[] = "/tmp/cushim-cuda12-trace-XXXXXX";
    int fd = mkstemp(out_path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    int rc = run(CUDA12_DIR "/abi12", "CUSHIM_TRACE=1", out_path);
    const char *out = slurp(out_path);
    unlink(out_path);
    ck_assert_int_eq(rc, 0);
    ck_assert(out != NULL);
    /* A CUDA 12-only alias, a same-name adapter and a CUDA 12-only adapter, each once. */
    ck_assert_msg(strstr(out, "] cudaThreadSynchronize() = cudaSuccess") != NULL, "%s", out);
    ck_assert(strstr(out, "] cudaMemAdvise(devPtr=") != NULL);
    ck_assert(strstr(out, ", device=-1) = cudaSuccess") != NULL);
    ck_assert(strstr(out, "] cudaGetDeviceProperties_v2(prop=") != NULL);
    ck_assert(strstr(out, "cushim-trace: cudaLaunchCooperativeKernelMultiDevice ") != NULL);
}
END_TEST

/* CUDA 12.8's batch copies take a failIdx CUDA 13's do not: called through their CUDA 12
 * signatures in libcudart.so.12 (in a child process, beside this runner's own copy of the
 * runtime), a copy between host buffers lands, and a failure names the copy it belongs to, or
 * SIZE_MAX for one that belongs to none.  The child's exit status is the number of the first
 * check that failed. */
typedef cudaError_t (*batch12_fn)(void **, void **, size_t *, size_t,
                                  struct cudaMemcpyAttributes *, size_t *, size_t, size_t *,
                                  cudaStream_t);
typedef cudaError_t (*batch3d12_fn)(size_t, struct cudaMemcpy3DBatchOp *, size_t *,
                                    unsigned long long, cudaStream_t);
typedef cudaError_t (*stream_create_fn)(cudaStream_t *);
typedef cudaError_t (*stream_sync_fn)(cudaStream_t);

static int batch12_child(void)
{
    char path[512];
    const char *libdir = getenv("CUSHIM_LIBDIR");
    snprintf(path, sizeof path, "%s/libcudart.so.12", libdir ? libdir : "build/lib");
    void *lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (lib == NULL)
        return 1;
    batch12_fn batch = (batch12_fn)dlsym(lib, "cudaMemcpyBatchAsync");
    batch3d12_fn batch3d = (batch3d12_fn)dlsym(lib, "cudaMemcpy3DBatchAsync");
    stream_create_fn create = (stream_create_fn)dlsym(lib, "cudaStreamCreate");
    stream_sync_fn sync = (stream_sync_fn)dlsym(lib, "cudaStreamSynchronize");
    cudaStream_t s;
    if (!batch || !batch3d || !create || !sync || create(&s) != cudaSuccess)
        return 2;
    char a[64], b[64], c[64];
    for (int i = 0; i < 64; i++)
        a[i] = (char)(i * 7 + 1), b[i] = c[i] = 0;
    void *dsts[2] = {b, c}, *srcs[2] = {a, a + 32};
    size_t sizes[2] = {64, 32}, idx0 = 0, fail = 12345;
    struct cudaMemcpyAttributes attr;
    memset(&attr, 0, sizeof attr);
    attr.srcAccessOrder = cudaMemcpySrcAccessOrderStream;
    if (batch(dsts, srcs, sizes, 2, &attr, &idx0, 1, &fail, s) != cudaSuccess ||
        sync(s) != cudaSuccess || memcmp(a, b, 64) != 0 || memcmp(a + 32, c, 32) != 0 ||
        fail != 12345)
        return 3;
    attr.srcAccessOrder = cudaMemcpySrcAccessOrderInvalid;
    if (batch(dsts, srcs, sizes, 2, &attr, &idx0, 1, &fail, s) != cudaErrorInvalidValue ||
        fail != SIZE_MAX)
        return 4;

    struct cudaMemcpy3DBatchOp ops[2];
    memset(ops, 0, sizeof ops);
    for (int i = 0; i < 2; i++) {
        ops[i].src.type = ops[i].dst.type = cudaMemcpyOperandTypePointer;
        ops[i].src.op.ptr.ptr = a;
        ops[i].dst.op.ptr.ptr = c;
        ops[i].extent = (struct cudaExtent){8, 4, 1};
        ops[i].srcAccessOrder = cudaMemcpySrcAccessOrderStream;
    }
    ops[1].extent.depth = 0;
    fail = 12345;
    if (batch3d(2, ops, &fail, 0, s) != cudaErrorInvalidValue || fail != 1)
        return 5;
    memset(c, 0, sizeof c);
    if (batch3d(1, ops, &fail, 0, s) != cudaSuccess || sync(s) != cudaSuccess ||
        memcmp(a, c, 32) != 0)
        return 6;
    return 0;
}

START_TEST(cuda12_batch_copies_report_the_failing_copy)
{
    pid_t pid = fork();
    if (pid == 0)
        _exit(batch12_child());
    int status = -1;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "check %d failed (status %d)",
                  WIFEXITED(status) ? WEXITSTATUS(status) : -1, status);
}
END_TEST

Suite *suite_cuda12(void)
{
    Suite *s = suite_create("cuda12");
    TCase *tc = tcase_create("programs");
    tcase_set_timeout(tc, 300);
    tcase_add_loop_test(tc, cuda12_program_passes, 0, (int)(sizeof programs / sizeof *programs));
    tcase_add_test(tc, cuda12_calls_are_traced_by_their_names);
    tcase_add_test(tc, cuda12_batch_copies_report_the_failing_copy);
    suite_add_tcase(s, tc);
    return s;
}
