/*
 * engine.h - the SIMT execution engine of the cpu backend, as the rest of the backend sees it.
 *
 * The engine turns PTX text into an executable module (through the PTX front end in ../ptx/)
 * and runs kernels of it on the host's cores.  It knows nothing of streams, handles or the
 * runtime: the cpu backend's device services call it with everything a launch needs and give it
 * the few services it needs back (struct engine_host).  engine_launch is synchronous: it returns
 * when every block of the grid has finished or the grid has faulted.
 *
 * Errors are MUresult values; every failure also prints one line on stderr naming what failed
 * (kernel, instruction, address, block/thread), prefixed "cushim: ".
 */
#ifndef CUSHIM_CPU_ENGINE_H
#define CUSHIM_CPU_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "../../mu.h"

/* Services the device gives the engine. */
struct engine_host {
    void *ctx;
    /* The live allocation (device memory, module global, pinned/registered/mapped host
     * memory, device-heap block) that contains addr: returns 1 and its [base, base+size), or 0. */
    int (*find_range)(void *ctx, uint64_t addr, uint64_t *base, uint64_t *size);
    /* An address past the end of an allocation but inside the memory reserved behind it (its
     * last page): 1 and the allocation's base, size and reserved bytes, or 0.  A GPU hands out
     * memory in large pages, so a kernel that runs a few elements past the end of a buffer (a
     * missing bounds check) does not fault there.  NULL: every access past the end faults. */
    int (*find_padding)(void *ctx, uint64_t addr, uint64_t *base, uint64_t *size, uint64_t *reserved);
    /* Zeroed device memory for module-scope .global/.const variables and the device heap;
     * it must be found by find_range while live. */
    void *(*alloc)(void *ctx, size_t bytes, size_t align);
    void (*free)(void *ctx, void *ptr);
    /* The texture (surface == 0) or surface object behind a handle a kernel passed to
     * tex/tld4/txq (suld/sust/sured/suq): 1 and *out, or 0 for a handle that is not a live
     * object of that kind.  NULL: the device has no texture objects. */
    int (*resolve_texture)(void *ctx, uint64_t handle, int surface, struct mu_texture *out);
    /* The device runtime's queries (cudaGetDevice, cudaGetDeviceCount, cudaDeviceGetAttribute
     * in device code): the device's ordinal and the number of devices; one attribute of device
     * `device` (a MUresult).  NULL: those calls answer cudaErrorNotSupported. */
    void (*device_ids)(void *ctx, int *ordinal, int *count);
    int (*attribute)(void *ctx, int *value, int attr, int device);
    /* cudaOccupancyMaxActiveBlocksPerMultiprocessor in device code: blocks of a kernel with
     * these attributes that fit one multiprocessor.  NULL: cudaErrorNotSupported. */
    int (*occupancy)(const struct mu_func_info *info, int block_size, size_t dynamic_smem);
};

typedef struct engine_module engine_module;
typedef struct engine_kernel engine_kernel;

/* Parse and prepare a PTX module.  `what` names it in messages (e.g. the program's path).
 * MU_ERROR_INVALID_PTX for malformed text; an instruction the engine cannot run does not fail
 * the load: it fails the launch of any kernel that can reach it, with MU_ERROR_NOT_SUPPORTED
 * and the message "cushim: kernel NAME: unsupported PTX 'FORM' at line N". */
MUresult engine_module_load(engine_module **module, const char *ptx, size_t len,
                            const struct engine_host *host, const char *what);
void engine_module_unload(engine_module *module);

/* The .entry of that (mangled) name, or NULL. */
const engine_kernel *engine_module_kernel(const engine_module *module, const char *name);
/* Address and size of a module-scope .global/.const variable; 0 when there is none. */
int engine_module_global(const engine_module *module, const char *name, void **addr,
                         size_t *bytes);

void engine_kernel_info(const engine_kernel *kernel, struct mu_func_info *info);
const char *engine_kernel_name(const engine_kernel *kernel);
/* Bytes of parameter `index` (0 when there is no such parameter), so a launch can copy the
 * argument values when it is queued. */
size_t engine_kernel_param_size(const engine_kernel *kernel, int index);
/* Where parameter `index` starts in the kernel's parameter buffer, by the PTX's .align rules. */
size_t engine_kernel_param_offset(const engine_kernel *kernel, int index);
/* MU_SUCCESS when the kernel can run; otherwise the error its launch would end with, after
 * printing the same message (MU_ERROR_NOT_SUPPORTED: "cushim: kernel NAME: unsupported PTX
 * 'FORM' at line N"), so a launch can fail synchronously. */
MUresult engine_kernel_check(const engine_kernel *kernel);

struct engine_launch {
    dim3 grid;
    dim3 block;
    size_t dynamic_smem_bytes;
    int cooperative;   /* all blocks co-resident; grid-wide sync allowed: the engine keeps every
                          block going (a time slice each) and, unless envreg[1]/[2] are set,
                          gives the grid a sync word in device memory at %envreg1:%envreg2 */
    void **args;       /* args[i] points at the value of parameter i */
    size_t stack_size; /* cudaLimitStackSize, bytes per thread */
    size_t heap_size;  /* cudaLimitMallocHeapSize: size of the device heap if this launch is
                          the first to call malloc on this device (0: 8 MiB) */
    const struct engine_host *host; /* the device's services for the device heap and the grid
                          sync word; NULL: the services the module was loaded with */
    uint32_t envreg[32]; /* %envreg0..31 (cooperative launch data); zero when unused */
    uint32_t cdp_depth;  /* nesting depth of a grid launched from the device (dynamic
                            parallelism); 0 for launches from the host */
    double timeout_s;    /* watchdog: past this many seconds of running, the launch stops with
                            MU_ERROR_LAUNCH_TIMEOUT (0: no limit; CUSHIM_KERNEL_TIMEOUT) */
    uint64_t resident_blocks; /* blocks a GPU would hold at once (occupancy x multiprocessors):
                            an ordinary launch whose blocks spin, waiting for others, keeps up to
                            this many going at a time (0: one per thread) */
    const _Atomic int *device_fault; /* the device's fault word (a MUresult, 0 while fine): a
                            fault of another launch, or a reset, stops this one with it at its
                            next time slice, as a GPU context dies whole.  NULL: not watched */
    uint64_t branch_budget; /* the launch stops with MU_ERROR_LAUNCH_TIMEOUT once its warps have
                            taken about this many backward branches and calls (0: no limit): a
                            bound on work that does not depend on the machine (fuzzing).  It is
                            charged a time slice (4096) at a time, per warp */
};

/* %clock/%clock64 advance at this rate (kHz): the device reports it as its clock rate so that
 * programs timing loops with clock64() see the same units. */
#define ENGINE_CLOCK_RATE_KHZ 1000000

/* The device that owns these services is being reset or destroyed: drop the engine's state
 * for it (the device heap).  No launch of that device may be running. */
void engine_host_release(const struct engine_host *host);

/* 1 once a kernel of the device owning host has called device malloc (its heap exists and
 * can no longer be resized: cudaLimitMallocHeapSize is then refused), else 0. */
int engine_host_heap_created(const struct engine_host *host);

/* Threads the engine runs blocks on (CUSHIM_CPU_THREADS, default the number of cores). */
int engine_thread_count(void);

/* Run the grid to completion on the engine's thread pool (CUSHIM_CPU_THREADS threads, default
 * the number of host cores; the calling thread is one of them).  Several launches may run at
 * once from different threads.  Errors: MU_ERROR_INVALID_CONFIGURATION (an empty grid/block
 * or more than 1024 threads), MU_ERROR_INVALID_VALUE (missing arguments), MU_ERROR_NOT_SUPPORTED
 * (unsupported PTX reachable), and the kernel's own failures: MU_ERROR_ILLEGAL_ADDRESS,
 * MU_ERROR_MISALIGNED_ADDRESS, MU_ERROR_ASSERT, MU_ERROR_LAUNCH_FAILURE (trap, stack overflow,
 * barrier deadlock), MU_ERROR_ILLEGAL_INSTRUCTION, MU_ERROR_LAUNCH_TIMEOUT (timeout_s or
 * branch_budget ran out). */
MUresult engine_launch(const engine_kernel *kernel, const struct engine_launch *launch);

#endif
