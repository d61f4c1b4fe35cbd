/*
 * eng_devrt.c - the CUDA device runtime as the engine provides it: the external functions
 * device code calls for dynamic parallelism (__cudaCDP2GetParameterBuffer[V2],
 * __cudaCDP2LaunchDevice[V2], streams, events, errors, device malloc/free, stream-ordered
 * copies and sets, function attributes, limits) and cudaGraphSetConditional.
 *
 * Owns: each function's arguments (read from the calling lane's .param area), their checks,
 * and their results as cudaError_t numbers, one lane at a time.  Programs built with
 * -rdc=true link NVIDIA's libcudadevrt, whose definitions exist only as machine code, so the
 * cpu backend loads the program's own PTX and leaves these names to the engine.  What is
 * queued (grids, copies) is eng_child.c's.  Streams and events are names only: every child
 * runs in launch order after its parent (eng_child.c), which orders everything an event
 * could.  The last error is kept per launch, not per thread.
 * Must not: run child work itself or block the calling warp.
 */
#include <stdio.h>
#include <stdlib.h>

#include "eng_builtin.h"
#include "eng_child.h"

enum devrt_fn {
    D_GET_PARAM_BUFFER_V2,
    D_GET_PARAM_BUFFER,
    D_LAUNCH_V2,
    D_LAUNCH,
    D_STREAM_CREATE,
    D_STREAM_DESTROY,
    D_STREAM_WAIT_EVENT,
    D_EVENT_CREATE,
    D_EVENT_RECORD,
    D_EVENT_DESTROY,
    D_GET_LAST_ERROR,
    D_PEEK_LAST_ERROR,
    D_ERROR_STRING,
    D_ERROR_NAME,
    D_DEVICE_LIMIT,
    D_CACHE_CONFIG,
    D_SHMEM_CONFIG,
    D_FUNC_ATTRIBUTES,
    D_MALLOC,
    D_FREE,
    D_MEMCPY,
    D_MEMCPY_2D,
    D_MEMSET,
    D_MEMSET_2D,
    D_RUNTIME_VERSION,
    D_GET_DEVICE,
    D_GET_DEVICE_COUNT,
    D_DEVICE_ATTRIBUTE,
    D_OCCUPANCY,
    D_NOT_SUPPORTED, /* answered cudaErrorNotSupported: device queries the engine cannot make */
    D_SET_CONDITIONAL,
    D_COUNT
};

/* CDP2 names (with their per-thread-stream twins) and the older names device code of CUDA 11
 * calls for the same functions. */
static const struct {
    const char *name;
    uint8_t fn;
} names[] = {
    {"GetParameterBufferV2", D_GET_PARAM_BUFFER_V2},
    {"GetParameterBuffer", D_GET_PARAM_BUFFER},
    {"LaunchDeviceV2", D_LAUNCH_V2},
    {"LaunchDeviceV2_ptsz", D_LAUNCH_V2},
    {"LaunchDevice", D_LAUNCH},
    {"LaunchDevice_ptsz", D_LAUNCH},
    {"StreamCreateWithFlags", D_STREAM_CREATE},
    {"StreamDestroy", D_STREAM_DESTROY},
    {"StreamWaitEvent", D_STREAM_WAIT_EVENT},
    {"StreamWaitEvent_ptsz", D_STREAM_WAIT_EVENT},
    {"EventCreateWithFlags", D_EVENT_CREATE},
    {"EventRecord", D_EVENT_RECORD},
    {"EventRecord_ptsz", D_EVENT_RECORD},
    {"EventRecordWithFlags", D_EVENT_RECORD},
    {"EventRecordWithFlags_ptsz", D_EVENT_RECORD},
    {"EventDestroy", D_EVENT_DESTROY},
    {"GetLastError", D_GET_LAST_ERROR},
    {"PeekAtLastError", D_PEEK_LAST_ERROR},
    {"GetErrorString", D_ERROR_STRING},
    {"GetErrorName", D_ERROR_NAME},
    {"DeviceGetLimit", D_DEVICE_LIMIT},
    {"DeviceGetCacheConfig", D_CACHE_CONFIG},
    {"DeviceGetSharedMemConfig", D_SHMEM_CONFIG},
    {"FuncGetAttributes", D_FUNC_ATTRIBUTES},
    {"Malloc", D_MALLOC},
    {"Free", D_FREE},
    {"MemcpyAsync", D_MEMCPY},
    {"MemcpyAsync_ptsz", D_MEMCPY},
    {"Memcpy2DAsync", D_MEMCPY_2D},
    {"Memcpy2DAsync_ptsz", D_MEMCPY_2D},
    {"MemsetAsync", D_MEMSET},
    {"MemsetAsync_ptsz", D_MEMSET},
    {"Memset2DAsync", D_MEMSET_2D},
    {"Memset2DAsync_ptsz", D_MEMSET_2D},
    {"RuntimeGetVersion", D_RUNTIME_VERSION},
    {"GetDevice", D_GET_DEVICE},
    {"GetDeviceCount", D_GET_DEVICE_COUNT},
    {"DeviceGetAttribute", D_DEVICE_ATTRIBUTE},
    {"OccupancyMaxActiveBlocksPerMultiprocessor", D_OCCUPANCY},
    {"OccupancyMaxActiveBlocksPerMultiprocessorWithFlags", D_OCCUPANCY},
    {"Memcpy3DAsync", D_NOT_SUPPORTED},
    {"Memcpy3DAsync_ptsz", D_NOT_SUPPORTED},
    {"Memset3DAsync", D_NOT_SUPPORTED},
    {"Memset3DAsync_ptsz", D_NOT_SUPPORTED},
};

uint32_t eng_devrt_lookup(const char *name)
{
    if (strcmp(name, "cudaGraphSetConditional") == 0)
        return ENG_BUILTIN_DEVRT + D_SET_CONDITIONAL;
    const char *rest = NULL;
    if (strncmp(name, "__cudaCDP2", 10) == 0)
        rest = name + 10;
    else if (strncmp(name, "cuda", 4) == 0)
        rest = name + 4;
    if (rest)
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
            if (strcmp(rest, names[i].name) == 0)
                return ENG_BUILTIN_DEVRT + names[i].fn;
    return ENG_BUILTIN_UNKNOWN;
}

/* --- the runtime's strings --- */

static const struct {
    int value;
    const char *name, *text;
} errors[] = {
#define CUDA_ERROR(value, runtime_name, mu_name, text) {value, #runtime_name, text},
#include "cushim/cuda_errors.def"
#undef CUDA_ERROR
};

static const char *error_text(int e, int name)
{
    for (size_t i = 0; i < sizeof errors / sizeof errors[0]; i++)
        if (errors[i].value == e)
            return name ? errors[i].name : errors[i].text;
    return name ? "cudaErrorUnknown" : "unrecognized error code";
}

/* --- arguments --- */

#define ARG(i) eng_builtin_arg(w, cs, (i), l)

static dim3 arg_dim3(eng_warp *w, const eng_callsite *cs, uint32_t i, int l)
{
    dim3 d = {0, 0, 0};
    uint32_t n = 0;
    const uint8_t *p = eng_builtin_arg_bytes(w, cs, i, l, &n);
    if (p && n >= sizeof d)
        memcpy(&d, p, sizeof d);
    return d;
}

/* Store `bytes` at device address a for lane l; 0 when a is not writable memory. */
static int put(eng_warp *w, int l, uint64_t a, const void *v, size_t bytes)
{
    size_t avail = 0;
    uint8_t *p = (uint8_t *)(uintptr_t)eng_dev_bytes(w, l, a, &avail);
    if (!p || avail < bytes)
        return 0;
    memcpy(p, v, bytes);
    return 1;
}

static const struct engine_kernel *kernel_at(const struct engine_module *mod, uint64_t f)
{
    if (!ENG_IS_FUNC_ADDR(f) || ENG_FUNC_MODULE(f) != mod->serial)
        return NULL;
    uint32_t idx = ENG_FUNC_INDEX(f);
    for (uint32_t i = 0; i < mod->nkernels; i++)
        if (mod->kernels[i].func == idx)
            return &mod->kernels[i];
    return NULL;
}

static int limit_value(const eng_job *job, unsigned limit, size_t *v)
{
    switch (limit) {
    case cudaLimitStackSize: *v = job->cfg.stack_size ? job->cfg.stack_size : 1024; return 1;
    case cudaLimitMallocHeapSize: *v = job->cfg.heap_size ? job->cfg.heap_size : (size_t)8 << 20; return 1;
    default: return 0;
    }
}

/* One lane's call: its result (a cudaError_t, or the pointer of the functions returning one). */
static uint64_t call_one(eng_warp *w, const eng_insn *in, const eng_callsite *cs, unsigned fn, int l, int *fault)
{
    eng_job *job = w->blk->job;
    const struct engine_module *mod = w->blk->mod;
    const struct engine_launch *cfg = &job->cfg;
    const struct engine_host *host = cfg->host ? cfg->host : &mod->host;
    switch (fn) {
    case D_GET_PARAM_BUFFER_V2: {
        const struct engine_kernel *k = kernel_at(mod, ARG(0));
        if (!k) {
            eng_child_set_error(job, MU_ERROR_INVALID_DEVICE_FUNCTION);
            return 0;
        }
        uint64_t b = eng_child_buffer(job, k, arg_dim3(w, cs, 1, l), arg_dim3(w, cs, 2, l), (uint32_t)ARG(3),
                                      k->params_bytes, 64);
        if (!b)
            eng_child_set_error(job, MU_ERROR_MEMORY_ALLOCATION);
        return b;
    }
    case D_GET_PARAM_BUFFER: {
        uint64_t align = ARG(0), size = ARG(1);
        dim3 none = {0, 0, 0};
        if (align & (align - 1) || align > 4096) {
            eng_child_set_error(job, MU_ERROR_INVALID_VALUE);
            return 0;
        }
        uint64_t b = eng_child_buffer(job, NULL, none, none, 0, (size_t)size, (size_t)align);
        if (!b)
            eng_child_set_error(job, MU_ERROR_MEMORY_ALLOCATION);
        return b;
    }
    case D_LAUNCH_V2:
    case D_LAUNCH: {
        int err;
        if (fn == D_LAUNCH_V2) {
            err = eng_child_launch(job, ARG(0), NULL, NULL, NULL, 0, ARG(1));
        } else {
            const struct engine_kernel *k = kernel_at(mod, ARG(0));
            dim3 g = arg_dim3(w, cs, 2, l), b = arg_dim3(w, cs, 3, l);
            err = k ? eng_child_launch(job, ARG(1), k, &g, &b, (uint32_t)ARG(4), ARG(5))
                    : MU_ERROR_INVALID_DEVICE_FUNCTION;
        }
        eng_child_set_error(job, err);
        return (uint64_t)err;
    }
    case D_STREAM_CREATE:
    case D_EVENT_CREATE: {
        uint64_t h = eng_child_handle(job);
        int err = !h ? MU_ERROR_MEMORY_ALLOCATION : put(w, l, ARG(0), &h, 8) ? 0 : MU_ERROR_INVALID_VALUE;
        eng_child_set_error(job, err);
        return (uint64_t)err;
    }
    case D_STREAM_DESTROY:
    case D_STREAM_WAIT_EVENT:
    case D_EVENT_RECORD:
    case D_EVENT_DESTROY:
        return 0; /* names only: children run in launch order, which every event respects */
    case D_GET_LAST_ERROR:
        return (uint64_t)eng_child_last_error(job, 1);
    case D_PEEK_LAST_ERROR:
        return (uint64_t)eng_child_last_error(job, 0);
    case D_ERROR_STRING:
    case D_ERROR_NAME:
        return eng_child_string(job, error_text((int)(int32_t)ARG(0), fn == D_ERROR_NAME));
    case D_DEVICE_LIMIT: {
        size_t v;
        int err = !limit_value(job, (unsigned)ARG(1), &v) ? MU_ERROR_UNSUPPORTED_LIMIT
                  : put(w, l, ARG(0), &v, sizeof v)        ? 0
                                                           : MU_ERROR_INVALID_VALUE;
        eng_child_set_error(job, err);
        return (uint64_t)err;
    }
    case D_CACHE_CONFIG:
    case D_SHMEM_CONFIG: {
        int v = fn == D_CACHE_CONFIG ? cudaFuncCachePreferNone : cudaSharedMemBankSizeFourByte;
        int err = put(w, l, ARG(0), &v, sizeof v) ? 0 : MU_ERROR_INVALID_VALUE;
        eng_child_set_error(job, err);
        return (uint64_t)err;
    }
    case D_FUNC_ATTRIBUTES: {
        const struct engine_kernel *k = kernel_at(mod, ARG(1));
        int err = MU_ERROR_INVALID_DEVICE_FUNCTION;
        if (k) {
            struct mu_func_info info;
            struct cudaFuncAttributes a;
            engine_kernel_info(k, &info);
            memset(&a, 0, sizeof a);
            a.sharedSizeBytes = info.shared_size_bytes;
            a.constSizeBytes = info.const_size_bytes;
            a.localSizeBytes = info.local_size_bytes;
            a.maxThreadsPerBlock = info.max_threads_per_block;
            a.numRegs = info.num_regs;
            a.ptxVersion = info.ptx_version;
            a.binaryVersion = info.binary_version;
            a.maxDynamicSharedSizeBytes = info.max_dynamic_shared_size_bytes;
            a.preferredShmemCarveout = info.preferred_shmem_carveout;
            err = put(w, l, ARG(0), &a, sizeof a) ? 0 : MU_ERROR_INVALID_VALUE;
        }
        eng_child_set_error(job, err);
        return (uint64_t)err;
    }
    case D_MALLOC: {
        uint64_t p = eng_heap_malloc(host, cfg->heap_size, ARG(1));
        int err = !p ? MU_ERROR_MEMORY_ALLOCATION : put(w, l, ARG(0), &p, 8) ? 0 : MU_ERROR_INVALID_VALUE;
        if (err && p)
            eng_heap_free(host, p);
        eng_child_set_error(job, err);
        return (uint64_t)err;
    }
    case D_FREE:
        eng_heap_free(host, ARG(0));
        return 0;
    case D_MEMCPY:
    case D_MEMSET: {
        uint64_t n = ARG(2);
        int err = fn == D_MEMCPY ? eng_child_copy(job, ARG(0), n, ARG(1), n, 0, n, 1, ARG(4))
                                 : eng_child_copy(job, ARG(0), n, 0, 0, (int)(uint8_t)ARG(1), n, 1, ARG(3));
        eng_child_set_error(job, err);
        return (uint64_t)err;
    }
    case D_MEMCPY_2D:
    case D_MEMSET_2D: {
        int err = fn == D_MEMCPY_2D ? eng_child_copy(job, ARG(0), ARG(1), ARG(2), ARG(3), 0, ARG(4), ARG(5), ARG(7))
                                    : eng_child_copy(job, ARG(0), ARG(1), 0, 0, (int)(uint8_t)ARG(2), ARG(3), ARG(4), ARG(5));
        eng_child_set_error(job, err);
        return (uint64_t)err;
    }
    case D_GET_DEVICE:
    case D_GET_DEVICE_COUNT: {
        int ordinal = 0, count = 0, err = MU_ERROR_NOT_SUPPORTED;
        if (host->device_ids) {
            host->device_ids(host->ctx, &ordinal, &count);
            int v = fn == D_GET_DEVICE ? ordinal : count;
            err = put(w, l, ARG(0), &v, sizeof v) ? 0 : MU_ERROR_INVALID_VALUE;
        }
        eng_child_set_error(job, err);
        return (uint64_t)err;
    }
    case D_DEVICE_ATTRIBUTE: {
        int v = 0, err = MU_ERROR_NOT_SUPPORTED;
        if (host->attribute && (err = host->attribute(host->ctx, &v, (int)(int32_t)ARG(1),
                                                      (int)(int32_t)ARG(2))) == 0)
            err = put(w, l, ARG(0), &v, sizeof v) ? 0 : MU_ERROR_INVALID_VALUE;
        eng_child_set_error(job, err);
        return (uint64_t)err;
    }
    case D_OCCUPANCY: { /* (int *blocks, func, int block_size, size_t smem[, flags]) */
        const struct engine_kernel *k = kernel_at(mod, ARG(1));
        int err = !host->occupancy ? MU_ERROR_NOT_SUPPORTED
                  : !k               ? MU_ERROR_INVALID_DEVICE_FUNCTION
                  : (int32_t)ARG(2) <= 0 ? MU_ERROR_INVALID_VALUE
                                         : 0;
        if (!err) {
            struct mu_func_info info;
            engine_kernel_info(k, &info);
            int blocks = host->occupancy(&info, (int)(int32_t)ARG(2), (size_t)ARG(3));
            err = put(w, l, ARG(0), &blocks, sizeof blocks) ? 0 : MU_ERROR_INVALID_VALUE;
        }
        eng_child_set_error(job, err);
        return (uint64_t)err;
    }
    case D_RUNTIME_VERSION: {
        int v = 13000;
        int err = put(w, l, ARG(0), &v, sizeof v) ? 0 : MU_ERROR_INVALID_VALUE;
        eng_child_set_error(job, err);
        return (uint64_t)err;
    }
    case D_SET_CONDITIONAL: {
        /* the contract of shim/graph_cond.c: one 32-bit global store of the value at the
         * handle's address */
        uint64_t a = ARG(0), base, size;
        uint32_t v = (uint32_t)ARG(1);
        if ((a & 3) || !host->find_range(host->ctx, a, &base, &size) || a < base || a + 4 > base + size) {
            *fault = eng_fault(w, in, l, MU_ERROR_ILLEGAL_ADDRESS,
                               "cudaGraphSetConditional with a handle that is not a conditional node's (0x%llx)",
                               (unsigned long long)a);
            return 0;
        }
        __atomic_store_n((uint32_t *)(uintptr_t)a, v, __ATOMIC_RELEASE);
        return 0;
    }
    default:
        eng_child_set_error(job, MU_ERROR_NOT_SUPPORTED);
        return MU_ERROR_NOT_SUPPORTED;
    }
}

int eng_devrt_call(eng_warp *w, const eng_insn *in, uint32_t m, const eng_callsite *cs, unsigned which)
{
    unsigned fn = which - ENG_BUILTIN_DEVRT;
    if (fn >= D_COUNT)
        return eng_fault(w, in, eng_ctz(m), MU_ERROR_NOT_SUPPORTED, "call of an external function the device does not provide");
    for (uint32_t mm = m; mm; mm &= mm - 1) {
        int l = eng_ctz(mm), fault = ENG_OK;
        uint64_t r = call_one(w, in, cs, fn, l, &fault);
        if (fault != ENG_OK)
            return fault;
        eng_builtin_ret(w, cs, l, r);
    }
    return ENG_OK;
}
