/*
 * cpu_launch.c - muLaunchKernel and the occupancy calculator.
 *
 * Owns: the launch checks that keep the engine safe (the shim checks first, with NVIDIA's
 * codes; this is the safety net), copying the argument values when a launch is queued, the
 * grid workspace cooperative launches hand the kernel through %envreg1/%envreg2, the
 * launch operation that calls engine_launch on the stream's worker, and turning the engine's
 * result into the device's error state (sticky faults poison the device until muDeviceReset).
 * Must not: run a kernel in the caller's thread while the stream is asynchronous (except when
 * the engine cannot size the parameters, see below), or hold any lock across engine_launch.
 */
#include <string.h>

#include "cpu_alloc.h"
#include "cpu_engine.h"
#include "cpu_entry.h"
#include "cpu_module.h"
#include "cpu_stream.h"

/* Blocks of a kernel with block_size threads and dynamic_smem bytes that fit one
 * multiprocessor. */
int cpu_occupancy(const struct mu_func_info *info, int block_size, size_t dynamic_smem)
{
    int max_threads = info->max_threads_per_block > 0 ? info->max_threads_per_block
                                                      : CPU_MAX_THREADS_PER_BLOCK;
    if (block_size > max_threads || block_size > CPU_MAX_THREADS_PER_BLOCK)
        return 0;
    size_t shared = info->shared_size_bytes + dynamic_smem;
    if (shared > CPU_SHARED_PER_BLOCK_OPTIN)
        return 0;
    int warps = (block_size + 31) / 32;
    int blocks = CPU_BLOCKS_PER_SM;
    int by_threads = CPU_THREADS_PER_SM / (warps * 32);
    if (by_threads < blocks)
        blocks = by_threads;
    if (shared > 0) {
        int by_shared = (int)(CPU_SHARED_PER_SM / (shared + CPU_RESERVED_SHARED_PER_BLOCK));
        if (by_shared < blocks)
            blocks = by_shared;
    }
    if (info->num_regs > 0) {
        /* Registers are allocated per warp in units of 256. */
        int per_warp = (info->num_regs * 32 + 255) / 256 * 256;
        int by_regs = CPU_REGS_PER_SM / per_warp / warps;
        if (by_regs < 1) /* a block size the kernel accepts always has one block resident */
            by_regs = 1;
        if (by_regs < blocks)
            blocks = by_regs;
    }
    return blocks;
}

MUresult cpu_muOccupancyMaxActiveBlocksPerMultiprocessor(int *blocks, MUfunction fn,
                                                         int block_size, size_t dynamic_smem)
{
    if (fn == NULL)
        return MU_ERROR_INVALID_RESOURCE_HANDLE;
    if (blocks == NULL || block_size <= 0)
        return MU_ERROR_INVALID_VALUE;
    *blocks = cpu_occupancy(&fn->info, block_size, dynamic_smem);
    return MU_SUCCESS;
}

/* ---- the grid workspace of cooperative launches ----
 *
 * cooperative_groups::this_grid() finds the driver's grid workspace at the 64-bit address in
 * %envreg1 (high half) and %envreg2 (low half) (CUDA's cooperative_groups/details/
 * driver_abi.h); grid.sync() counts arrivals in its barrier word with atomics, which starts at
 * zero.  A non-cooperative launch leaves the registers zero: is_valid() is false there, as on
 * a GPU.  Each cooperative launch gets its own workspace, in device memory the engine reaches. */
struct grid_workspace {
    uint32_t ws_size;
    uint32_t barrier;
};

static MUresult workspace_create(struct cpu_device *dev, struct engine_launch *launch,
                                 struct grid_workspace **out)
{
    struct grid_workspace *ws = dev->engine_host.alloc(dev->engine_host.ctx, sizeof *ws, 8);
    if (ws == NULL)
        return MU_ERROR_MEMORY_ALLOCATION;
    ws->ws_size = sizeof *ws; /* zeroed memory: the barrier starts at 0 */
    uint64_t addr = (uint64_t)(uintptr_t)ws;
    launch->envreg[1] = (uint32_t)(addr >> 32);
    launch->envreg[2] = (uint32_t)addr;
    *out = ws;
    return MU_SUCCESS;
}

static void workspace_destroy(struct mu_function *fn, struct grid_workspace *ws)
{
    if (ws != NULL) {
        struct cpu_device *dev = fn->module->dev;
        dev->engine_host.free(dev->engine_host.ctx, ws);
    }
}

/* ---- the launch operation ---- */

struct launch_op {
    struct cpu_op op;
    struct mu_function *fn; /* its module is referenced until the operation is released */
    struct grid_workspace *workspace; /* cooperative launches only */
    struct engine_launch launch;
    /* queued launches: void *argv[nparams], then the argument values */
};

static void launch_run(struct cpu_op *op, struct mu_stream *s)
{
    struct launch_op *l = (struct launch_op *)op;
    if (cpu_device_status(s->dev) != MU_SUCCESS)
        return; /* a faulted device runs no more kernels */
    MUresult r = cpu_engine()->launch(l->fn->kernel, &l->launch);
    cpu_device_record_result(s->dev, r);
}

static void launch_release(struct cpu_op *op)
{
    struct launch_op *l = (struct launch_op *)op;
    workspace_destroy(l->fn, l->workspace);
    cpu_module_unref(l->fn->module);
    cpu_free(l);
}

static void launch_sync_release(struct cpu_op *op)
{
    struct launch_op *l = (struct launch_op *)op; /* on the caller's stack */
    workspace_destroy(l->fn, l->workspace);
    cpu_module_unref(l->fn->module);
}

static const struct cpu_op_class launch_class = {"launch", launch_run, launch_release, 1};
static const struct cpu_op_class launch_sync_class = {"launch", launch_run, launch_sync_release, 1};

/* The checks whose failure could hurt the engine or that NVIDIA makes at launch. */
static MUresult check_config(const struct mu_function *fn, const struct mu_launch_config *c)
{
    const dim3 g = c->grid, b = c->block;
    if (g.x == 0 || g.y == 0 || g.z == 0 || b.x == 0 || b.y == 0 || b.z == 0)
        return MU_ERROR_INVALID_VALUE;
    if (b.x > 1024 || b.y > 1024 || b.z > 64 || g.x > 2147483647u || g.y > 65535 || g.z > 65535)
        return MU_ERROR_INVALID_VALUE;
    uint64_t threads = (uint64_t)b.x * b.y * b.z;
    if (threads > CPU_MAX_THREADS_PER_BLOCK)
        return MU_ERROR_INVALID_VALUE;
    /* Fewer threads than 1024 declared by the kernel (__launch_bounds__, .maxntid). */
    if (fn->info.max_threads_per_block > 0 && threads > (uint64_t)fn->info.max_threads_per_block)
        return MU_ERROR_LAUNCH_OUT_OF_RESOURCES;
    if (c->shared_mem_bytes > (size_t)atomic_load(&fn->max_dynamic_shared) ||
        c->shared_mem_bytes + fn->info.shared_size_bytes > CPU_SHARED_PER_BLOCK_OPTIN)
        return MU_ERROR_INVALID_VALUE;
    if (c->cooperative) {
        uint64_t blocks = (uint64_t)g.x * g.y * g.z;
        uint64_t resident =
            (uint64_t)cpu_occupancy(&fn->info, (int)threads, c->shared_mem_bytes) *
            (uint64_t)cpu_host_cores();
        if (blocks > resident)
            return MU_ERROR_COOPERATIVE_LAUNCH_TOO_LARGE;
    }
    return MU_SUCCESS;
}

MUresult cpu_muLaunchKernel(MUfunction fn, const struct mu_launch_config *config, void **args)
{
    if (fn == NULL || config == NULL || config->stream == NULL)
        return MU_ERROR_INVALID_RESOURCE_HANDLE;
    struct mu_stream *s = config->stream;
    struct cpu_device *dev = fn->module->dev;
    if (s->dev != dev) /* a kernel runs on the device its module was loaded on */
        return MU_ERROR_INVALID_RESOURCE_HANDLE;
    MUresult r = cpu_device_status(dev);
    if (r != MU_SUCCESS)
        return r;
    if ((r = check_config(fn, config)) != MU_SUCCESS)
        return r;
    if (fn->nparams > 0 && args == NULL)
        return MU_ERROR_INVALID_VALUE;
    for (int i = 0; i < fn->nparams; i++)
        if (args[i] == NULL)
            return MU_ERROR_INVALID_VALUE;
    const struct cpu_engine_ops *engine = cpu_engine();
    if (engine->kernel_check != NULL && (r = engine->kernel_check(fn->kernel)) != MU_SUCCESS)
        return r;

    struct engine_launch launch = {
        .grid = config->grid,
        .block = config->block,
        .dynamic_smem_bytes = config->shared_mem_bytes,
        .cooperative = config->cooperative,
        .args = args,
        .stack_size = cpu_device_limit(dev, cudaLimitStackSize),
        .heap_size = cpu_device_limit(dev, cudaLimitMallocHeapSize),
        .host = &dev->engine_host,
        .device_fault = &dev->sticky,
        .timeout_s = cpu_kernel_timeout_s(),
        .resident_blocks = (uint64_t)cpu_occupancy(&fn->info,
                                                   (int)(config->block.x * config->block.y *
                                                         config->block.z),
                                                   config->shared_mem_bytes) *
                           (uint64_t)cpu_host_cores(),
    };
    struct grid_workspace *ws = NULL;
    if (config->cooperative && (r = workspace_create(dev, &launch, &ws)) != MU_SUCCESS)
        return r;
    if (fn->param_size == NULL) {
        /* The engine cannot say how big the arguments are, so they cannot be copied: run the
         * launch before returning, while the caller's argument pointers are still valid. */
        struct launch_op op = {
            .op.cls = &launch_sync_class, .fn = fn, .workspace = ws, .launch = launch};
        cpu_module_ref(fn->module);
        r = cpu_stream_submit(s, &op.op, NULL, 0, CPU_SUBMIT_SYNC);
        return r != MU_SUCCESS ? r : cpu_device_status(dev);
    }

    /* The caller's arguments may die as soon as this returns: copy the values now. */
    size_t argv_bytes = (size_t)fn->nparams * sizeof(void *);
    size_t values_at = (sizeof(struct launch_op) + argv_bytes + 15) & ~(size_t)15;
    struct launch_op *op = cpu_malloc(values_at + fn->args_bytes);
    if (op == NULL) {
        workspace_destroy(fn, ws);
        return MU_ERROR_MEMORY_ALLOCATION;
    }
    void **argv = (void **)(op + 1);
    unsigned char *values = (unsigned char *)op + values_at;
    for (int i = 0; i < fn->nparams; i++) {
        argv[i] = values + fn->param_offset[i];
        memcpy(argv[i], args[i], fn->param_size[i]);
    }
    op->op.cls = &launch_class;
    op->fn = fn;
    op->workspace = ws;
    op->launch = launch;
    op->launch.args = fn->nparams > 0 ? argv : NULL;
    cpu_module_ref(fn->module);
    return cpu_stream_submit(s, &op->op, NULL, 0, CPU_SUBMIT_ASYNC);
}
