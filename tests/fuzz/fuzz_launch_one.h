/*
 * fuzz_launch_one.h - what one input of the module-load-and-launch fuzzer does, shared by the
 * libFuzzer target (fuzz_launch.c) and the corpus replay in `make test`
 * (tests/unit/test_fuzz_corpus.c), so the replay runs exactly what the fuzzer ran.
 *
 * Any bytes are offered as PTX text to engine_module_load; each kernel of a module that loads
 * (up to four) is launched on a small grid (2 blocks of 40 threads: a partial warp, two
 * warps) with a branch budget, so a fuzzed infinite loop ends with MU_ERROR_LAUNCH_TIMEOUT
 * instead of hanging the fuzzer.  Pointer-sized parameters point at fresh 4 KiB device buffers,
 * others hold small numbers.  Device memory comes from a registry standing in for the cpu
 * backend's device services: every byte the engine may touch must be inside a live entry, and
 * once the module is unloaded and the device released, nothing may be left in it (a leak of
 * device memory is a crash).  Returns the number of kernels launched.
 */
#ifndef CUSHIM_FUZZ_LAUNCH_ONE_H
#define CUSHIM_FUZZ_LAUNCH_ONE_H

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/engine/eng_internal.h"

#ifndef FUZZ_REQUIRE
#define FUZZ_REQUIRE(cond) \
    do {                   \
        if (!(cond))       \
            abort();       \
    } while (0)
#endif

/* Limits that keep one input cheap: a fuzzed `.global .b8 x[1000000000]` is refused like a
 * device out of memory, which the engine must handle. */
#define FUZZ_MAX_ALLOC (16u << 20)
#define FUZZ_MAX_TOTAL (64u << 20)
#define FUZZ_MAX_ALLOCS 1024
#define FUZZ_BRANCH_BUDGET (1u << 16)

static struct {
    pthread_mutex_t mu;
    struct {
        uint64_t base, size, rounded;
    } live[FUZZ_MAX_ALLOCS];
    int n;
    size_t total;
} fuzz_mem = {PTHREAD_MUTEX_INITIALIZER, {{0, 0, 0}}, 0, 0};

static int fuzz_find_range(void *ctx, uint64_t addr, uint64_t *base, uint64_t *size)
{
    (void)ctx;
    int found = 0;
    pthread_mutex_lock(&fuzz_mem.mu);
    for (int i = 0; i < fuzz_mem.n && !found; i++) {
        if (addr - fuzz_mem.live[i].base < fuzz_mem.live[i].size) {
            *base = fuzz_mem.live[i].base;
            *size = fuzz_mem.live[i].size;
            found = 1;
        }
    }
    pthread_mutex_unlock(&fuzz_mem.mu);
    return found;
}

static void *fuzz_alloc(void *ctx, size_t bytes, size_t align)
{
    (void)ctx;
    if (bytes == 0)
        bytes = 1;
    if (align < 16)
        align = 16;
    if (bytes > FUZZ_MAX_ALLOC || (align & (align - 1)) != 0 || align > 4096)
        return NULL;
    size_t rounded = (bytes + align - 1) / align * align;
    pthread_mutex_lock(&fuzz_mem.mu);
    void *p = NULL;
    if (fuzz_mem.n < FUZZ_MAX_ALLOCS && fuzz_mem.total + rounded <= FUZZ_MAX_TOTAL &&
        (p = aligned_alloc(align, rounded)) != NULL) {
        memset(p, 0, rounded);
        fuzz_mem.live[fuzz_mem.n].base = (uint64_t)(uintptr_t)p;
        fuzz_mem.live[fuzz_mem.n].size = bytes;
        fuzz_mem.live[fuzz_mem.n].rounded = rounded;
        fuzz_mem.n++;
        fuzz_mem.total += rounded;
    }
    pthread_mutex_unlock(&fuzz_mem.mu);
    return p;
}

static void fuzz_free(void *ctx, void *p)
{
    (void)ctx;
    if (p == NULL)
        return;
    pthread_mutex_lock(&fuzz_mem.mu);
    int i = 0;
    while (i < fuzz_mem.n && fuzz_mem.live[i].base != (uint64_t)(uintptr_t)p)
        i++;
    FUZZ_REQUIRE(i < fuzz_mem.n); /* the engine frees only what it allocated, once */
    fuzz_mem.total -= fuzz_mem.live[i].rounded;
    fuzz_mem.live[i] = fuzz_mem.live[--fuzz_mem.n];
    pthread_mutex_unlock(&fuzz_mem.mu);
    free(p);
}

static struct engine_host fuzz_host(void)
{
    struct engine_host h;
    memset(&h, 0, sizeof h); /* services not offered (textures) stay NULL */
    h.find_range = fuzz_find_range;
    h.alloc = fuzz_alloc;
    h.free = fuzz_free;
    return h;
}

#define FUZZ_MAX_PARAMS 64
#define FUZZ_MAX_PARAM_BYTES 4096

static MUresult fuzz_launch_kernel(const engine_kernel *k, const struct engine_host *host)
{
    uint32_t n = k->nparams;
    if (n > FUZZ_MAX_PARAMS)
        return MU_ERROR_INVALID_VALUE;
    void *args[FUZZ_MAX_PARAMS];
    void *buffers[FUZZ_MAX_PARAMS];
    uint8_t values[FUZZ_MAX_PARAMS][FUZZ_MAX_PARAM_BYTES];
    MUresult r = MU_SUCCESS;
    for (uint32_t i = 0; i < n; i++) {
        size_t size = engine_kernel_param_size(k, (int)i);
        buffers[i] = NULL;
        if (size > FUZZ_MAX_PARAM_BYTES)
            r = MU_ERROR_INVALID_VALUE;
        memset(values[i], 0, sizeof values[i]);
        if (size == 8 && r == MU_SUCCESS) {
            buffers[i] = host->alloc(host->ctx, 4096, 16);
            uint64_t a = (uint64_t)(uintptr_t)buffers[i];
            memcpy(values[i], &a, 8);
        } else {
            values[i][0] = 16; /* a small count, little-endian in any width */
        }
        args[i] = values[i];
    }
    if (r == MU_SUCCESS) {
        struct engine_launch l;
        memset(&l, 0, sizeof l);
        l.grid.x = 2, l.grid.y = 1, l.grid.z = 1;
        l.block.x = 40, l.block.y = 1, l.block.z = 1;
        l.dynamic_smem_bytes = 64;
        l.args = args;
        l.stack_size = 1024;
        l.heap_size = 1u << 20;
        l.host = host;
        l.branch_budget = FUZZ_BRANCH_BUDGET;
        r = engine_launch(k, &l);
    }
    for (uint32_t i = 0; i < n; i++)
        host->free(host->ctx, buffers[i]);
    return r;
}

static int fuzz_launch_one(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (text == NULL)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    struct engine_host host = fuzz_host();
    engine_module *m = NULL;
    int launched = 0;
    if (engine_module_load(&m, text, size, &host, "fuzz") == MU_SUCCESS) {
        for (uint32_t i = 0; i < m->nkernels && i < 4; i++) {
            const engine_kernel *k = &m->kernels[i];
            if (engine_kernel_check(k) != MU_SUCCESS)
                continue;
            fuzz_launch_kernel(k, &host);
            launched++;
        }
        engine_module_unload(m);
    }
    engine_host_release(&host);
    pthread_mutex_lock(&fuzz_mem.mu);
    int left = fuzz_mem.n;
    pthread_mutex_unlock(&fuzz_mem.mu);
    FUZZ_REQUIRE(left == 0); /* the module and the device heap gave back all device memory */
    free(text);
    return launched;
}

#endif
