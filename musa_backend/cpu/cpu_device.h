/*
 * cpu_device.h - the cpu backend's devices: their table, capacity, limits and error state.
 *
 * Owns: the fixed array of devices (CUSHIM_CPU_DEVICES of them), start-up (reading the
 * environment and reserving each device's address-space slice), the per-device limits, and the
 * sticky error a faulted kernel leaves behind.  Streams, events, modules and memory keep their
 * own state in their own files; this header only gives them the device they hang off.
 * Must not: run work or touch the engine (streams and launches do), or allocate while starting
 * up: a failure there could not be retried.
 */
#ifndef CUSHIM_CPU_DEVICE_H
#define CUSHIM_CPU_DEVICE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "cpu_arena.h"
#include "cpu/engine/engine.h"
#include "mu.h"

#define CPU_MAX_DEVICES 64
#define CPU_LIMIT_COUNT 7 /* enum cudaLimit values 0..6 */

/* What every device reports (sm_80-class values where a CPU has no answer of its own). */
#define CPU_CC_MAJOR 8
#define CPU_CC_MINOR 0
#define CPU_MAX_PTX_SM 121   /* newest PTX target the engine executes */
#define CPU_PREFER_PTX_SM 90 /* next newest target chosen while any unit has PTX up to it */
#define CPU_MAX_THREADS_PER_BLOCK 1024
#define CPU_SHARED_PER_BLOCK 49152
#define CPU_SHARED_PER_BLOCK_OPTIN 232448
#define CPU_SHARED_PER_SM 233472
#define CPU_RESERVED_SHARED_PER_BLOCK 1024
#define CPU_REGS_PER_SM 65536
#define CPU_THREADS_PER_SM 2048
#define CPU_BLOCKS_PER_SM 32
#define CPU_STREAM_PRIORITY_LEAST 0
#define CPU_STREAM_PRIORITY_GREATEST (-5)

struct mu_stream;
struct mu_event;
struct mu_module;

struct cpu_device {
    int ordinal;
    size_t total_mem;
    atomic_size_t used_mem; /* page-rounded bytes of live device, managed and engine memory */
    struct cpu_arena arena;
    /* Guards the three lists below, and orders submissions to the legacy stream against
     * submissions to blocking streams (see cpu_stream.c): held only for bookkeeping. */
    pthread_mutex_t lock;
    struct mu_stream *legacy;
    struct mu_stream *streams; /* created streams, destroyed ones included until drained */
    struct mu_event *events;
    struct mu_module *modules;
    atomic_int sticky;      /* MUresult of the fault that poisoned the device, or 0 */
    atomic_int async_error; /* non-sticky error of an asynchronous launch, reported once */
    atomic_size_t limits[CPU_LIMIT_COUNT];
    struct engine_host engine_host; /* what modules of this device give the engine */
    cudaUUID_t uuid;
};

/* Start the backend once (every entry point calls it; cheap after the first time). */
MUresult cpu_init(void);
int cpu_device_count(void);
/* The device of that ordinal: MU_ERROR_INVALID_DEVICE if there is none. */
MUresult cpu_device_lookup(int ordinal, struct cpu_device **dev);
/* Device i of [0, cpu_device_count()). */
struct cpu_device *cpu_device_at(int i);
int cpu_host_cores(void);
/* Blocks of a kernel (its attributes) with block_size threads and dynamic_smem bytes of
 * dynamic shared memory that fit one multiprocessor (cpu_launch.c). */
int cpu_occupancy(const struct mu_func_info *info, int block_size, size_t dynamic_smem);
/* CUSHIM_KERNEL_TIMEOUT: seconds a kernel may run before the watchdog stops it with
 * MU_ERROR_LAUNCH_TIMEOUT (cudaErrorLaunchTimeout); 0 when unset (no watchdog). */
double cpu_kernel_timeout_s(void);

/* The device's sticky error, or MU_SUCCESS. */
MUresult cpu_device_status(struct cpu_device *dev);
/* A kernel's result, from the thread that ran it: sticky errors poison the device, others are
 * kept to be reported once by the next synchronising call. */
void cpu_device_record_result(struct cpu_device *dev, MUresult result);
/* What a synchronising call returns after waiting: the sticky error, else a pending
 * asynchronous error (consumed), else MU_SUCCESS. */
MUresult cpu_device_sync_result(struct cpu_device *dev);
int cpu_error_is_sticky(MUresult result);
size_t cpu_device_limit(struct cpu_device *dev, enum cudaLimit limit);

/* "512M", "4G", "1073741824", "2GiB": 1 and *bytes, or 0 when the text is not a size. */
int cpu_parse_size(const char *text, uint64_t *bytes);

#endif
