/*
 * test_cpu_fake.c - the fake engine of test_cpu_fake.h.
 *
 * Owns: fake modules and kernels and the shared test helpers.
 * Must not: define suites (it is linked into the one test runner with all the others).
 */
#include "test_cpu_fake.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cpu/cpu_engine.h"

atomic_int fake_launches;
atomic_int fake_modules_live;
uint64_t fake_last_workspace;

struct engine_module {
    const struct engine_host *host;
    int *counter; /* the module global */
};

struct engine_kernel {
    const char *name;
    int nparams;
    size_t sizes[4];
    int max_threads;
    size_t static_shared;
    int regs;
};

static const struct engine_kernel kernels[] = {
    {"fill", 3, {8, 4, 4}, 1024, 0, 16},
    {"add", 3, {8, 4, 4}, 1024, 0, 16},
    {"sleep_ms", 1, {4}, 1024, 0, 16},
    {"mixed", 4, {1, 8, 12, 8}, 1024, 0, 16},
    {"fault", 0, {0}, 1024, 0, 16},
    {"assert", 0, {0}, 1024, 0, 16},
    {"oops", 0, {0}, 1024, 0, 16},
    {"unsupported", 0, {0}, 1024, 0, 16},
    {"bounded", 0, {0}, 128, 40000, 64},
    {"coop", 0, {0}, 1024, 0, 16},
};

/* Which module a kernel belongs to is not needed by the fakes, except for find_range: the
 * last loaded module's host stands in (all devices share one tracker). */
static const struct engine_host *last_host;

static MUresult fake_module_load(engine_module **module, const char *ptx, size_t len,
                                 const struct engine_host *host, const char *what)
{
    (void)what;
    if (ptx == NULL || len == 0 || strncmp(ptx, "//fake", 6) != 0)
        return MU_ERROR_INVALID_PTX;
    struct engine_module *m = calloc(1, sizeof *m);
    if (m == NULL)
        return MU_ERROR_MEMORY_ALLOCATION;
    m->host = host;
    m->counter = host->alloc(host->ctx, sizeof(int), 4);
    if (m->counter == NULL) {
        free(m);
        return MU_ERROR_MEMORY_ALLOCATION;
    }
    last_host = host;
    atomic_fetch_add(&fake_modules_live, 1);
    *module = m;
    return MU_SUCCESS;
}

static void fake_module_unload(engine_module *m)
{
    m->host->free(m->host->ctx, m->counter);
    atomic_fetch_sub(&fake_modules_live, 1);
    free(m);
}

static const engine_kernel *fake_module_kernel(const engine_module *m, const char *name)
{
    (void)m;
    for (size_t i = 0; i < sizeof kernels / sizeof kernels[0]; i++)
        if (strcmp(kernels[i].name, name) == 0)
            return &kernels[i];
    return NULL;
}

static int fake_module_global(const engine_module *m, const char *name, void **addr,
                              size_t *bytes)
{
    if (strcmp(name, "counter") != 0)
        return 0;
    *addr = m->counter;
    *bytes = sizeof(int);
    return 1;
}

static void fake_kernel_info(const engine_kernel *k, struct mu_func_info *info)
{
    memset(info, 0, sizeof *info);
    info->max_threads_per_block = k->max_threads;
    info->shared_size_bytes = k->static_shared;
    info->num_regs = k->regs;
    info->num_params = k->nparams;
    info->ptx_version = 80;
    info->binary_version = 80;
    for (int i = 0; i < k->nparams; i++)
        info->params_bytes += k->sizes[i];
}

static const char *fake_kernel_name(const engine_kernel *k)
{
    return k->name;
}

static size_t fake_param_size(const engine_kernel *k, int index)
{
    return k->sizes[index];
}

static MUresult fake_kernel_check(const engine_kernel *k)
{
    return strcmp(k->name, "unsupported") == 0 ? MU_ERROR_NOT_SUPPORTED : MU_SUCCESS;
}

static int tracked(uint64_t addr, uint64_t bytes)
{
    uint64_t base, size;
    return last_host != NULL && last_host->find_range(last_host->ctx, addr, &base, &size) &&
           addr + bytes - base <= size;
}

static MUresult fake_launch_kernel(const engine_kernel *k, const struct engine_launch *l)
{
    atomic_fetch_add(&fake_launches, 1);
    void **a = l->args;
    if (strcmp(k->name, "fill") == 0 || strcmp(k->name, "add") == 0) {
        int *p = *(int **)a[0];
        int x = *(int *)a[1], n = *(int *)a[2];
        if (strcmp(k->name, "add") == 0) {
            int t = x; /* add(p, n, delta) */
            x = n;
            n = t;
        }
        if (!tracked((uint64_t)(uintptr_t)p, (uint64_t)n * sizeof(int)))
            return MU_ERROR_ILLEGAL_ADDRESS;
        for (int i = 0; i < n; i++)
            p[i] = strcmp(k->name, "fill") == 0 ? x : p[i] + x;
        return MU_SUCCESS;
    }
    if (strcmp(k->name, "sleep_ms") == 0) {
        cpu_test_sleep_ms(*(int *)a[0]);
        return MU_SUCCESS;
    }
    if (strcmp(k->name, "mixed") == 0) {
        int *out = *(int **)a[3];
        out[0] = *(char *)a[0];
        out[1] = (int)*(double *)a[1];
        memcpy(&out[2], a[2], 12);
        return MU_SUCCESS;
    }
    if (strcmp(k->name, "coop") == 0) {
        /* The grid workspace of a cooperative launch, as cooperative_groups reads it. */
        uint64_t ws = (uint64_t)l->envreg[1] << 32 | l->envreg[2];
        fake_last_workspace = ws;
        if (ws == 0)
            return MU_SUCCESS; /* not cooperative: this_grid().is_valid() is false */
        const uint32_t *w = (const uint32_t *)(uintptr_t)ws;
        return tracked(ws, 8) && w[0] == 8 && w[1] == 0 ? MU_SUCCESS : MU_ERROR_LAUNCH_FAILURE;
    }
    if (strcmp(k->name, "fault") == 0)
        return MU_ERROR_ILLEGAL_ADDRESS;
    if (strcmp(k->name, "assert") == 0)
        return MU_ERROR_ASSERT;
    if (strcmp(k->name, "oops") == 0)
        return MU_ERROR_LAUNCH_OUT_OF_RESOURCES;
    if (strcmp(k->name, "unsupported") == 0)
        return MU_ERROR_NOT_SUPPORTED;
    return MU_SUCCESS;
}

atomic_int fake_host_releases;

static void fake_host_release(const struct engine_host *host)
{
    (void)host;
    atomic_fetch_add(&fake_host_releases, 1);
}

static const struct cpu_engine_ops fake_ops = {
    .module_load = fake_module_load,
    .module_unload = fake_module_unload,
    .module_kernel = fake_module_kernel,
    .module_global = fake_module_global,
    .kernel_info = fake_kernel_info,
    .kernel_name = fake_kernel_name,
    .kernel_param_size = fake_param_size,
    .kernel_check = fake_kernel_check,
    .launch = fake_launch_kernel,
    .host_release = fake_host_release,
};

static const struct cpu_engine_ops fake_ops_sync = {
    .module_load = fake_module_load,
    .module_unload = fake_module_unload,
    .module_kernel = fake_module_kernel,
    .module_global = fake_module_global,
    .kernel_info = fake_kernel_info,
    .kernel_name = fake_kernel_name,
    .kernel_param_size = NULL,
    .kernel_check = NULL,
    .launch = fake_launch_kernel,
    .host_release = fake_host_release,
};

void fake_engine_install(void)
{
    cpu_engine_set_ops_for_testing(&fake_ops);
}

void fake_engine_install_without_param_sizes(void)
{
    cpu_engine_set_ops_for_testing(&fake_ops_sync);
}

void fake_engine_remove(void)
{
    cpu_engine_set_ops_for_testing(NULL);
}

MUmodule fake_module(int dev)
{
    static const char ptx[] = "//fake module\n";
    struct mu_image images[2] = {
        {.kind = MU_IMAGE_CUBIN, .unit = 0, .sm = 80, .data = "\177ELF", .size = 4},
        {.kind = MU_IMAGE_PTX, .unit = 0, .sm = 80, .ptx_version = 80, .data = ptx,
         .size = sizeof ptx - 1},
    };
    MUmodule module = NULL;
    if (D->muModuleLoad(&module, dev, images, 2, "fake") != MU_SUCCESS)
        return NULL;
    return module;
}

MUresult fake_launch(MUmodule module, const char *name, MUstream stream, void **args)
{
    MUfunction fn;
    MUresult r = D->muModuleGetFunction(&fn, module, name);
    if (r != MU_SUCCESS)
        return r;
    struct mu_launch_config config = {{1, 1, 1}, {1, 1, 1}, 0, stream, 0};
    return D->muLaunchKernel(fn, &config, args);
}

void cpu_test_env(void)
{
    const char *fork_mode = getenv("CK_FORK");
    if (fork_mode != NULL && strcmp(fork_mode, "no") == 0)
        return; /* one process for all tests: whatever the backend started with */
    setenv("CUSHIM_CPU_DEVICES", "2", 0);
    setenv("CUSHIM_CPU_MEMORY", "256M", 0);
}

double cpu_test_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

void cpu_test_sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0)
        ;
}
