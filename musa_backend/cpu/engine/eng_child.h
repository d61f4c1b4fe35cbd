/*
 * eng_child.h - work a grid's threads hand to the device runtime (dynamic parallelism): child
 * grids, stream-ordered copies and sets, and the parameter buffers and handles they use.
 *
 * Owns: the interface between the device runtime's calls (eng_devrt.c, which decodes
 * arguments and checks them) and the queue of a launch's children (eng_child.c, which keeps
 * them and runs them when the launching grid's own blocks are done).  Return values of the
 * queueing functions are cudaError_t numbers (the device code sees them).
 */
#ifndef CUSHIM_ENG_CHILD_H
#define CUSHIM_ENG_CHILD_H

#include "eng_internal.h"

/* Nesting depth NVIDIA's devices allow (the host's grids are at depth 0): a grid at this
 * depth cannot launch. */
#define ENG_CDP_MAX_DEPTH 24

/* The special streams of device code (cuda_device_runtime_api.h). */
#define ENG_STREAM_TAIL_LAUNCH 0x3u
#define ENG_STREAM_FIRE_AND_FORGET 0x4u

/* A parameter buffer of `bytes` (aligned to `align`) in device memory, for kernel k (NULL:
 * not known until cudaLaunchDevice) with this configuration; 0 when out of memory. */
uint64_t eng_child_buffer(eng_job *job, const struct engine_kernel *k, dim3 grid, dim3 block, uint32_t smem,
                          size_t bytes, size_t align);

/* Queue a child grid.  buf is a buffer from eng_child_buffer (0: none, for a kernel without
 * parameters).  With k NULL the kernel and configuration are the buffer's (cudaLaunchDeviceV2);
 * otherwise they are given here (cudaLaunchDevice). */
int eng_child_launch(eng_job *job, uint64_t buf, const struct engine_kernel *k, const dim3 *grid, const dim3 *block,
                     uint32_t smem, uint64_t stream);

/* Queue a 2-D copy (src != 0) or set (of byte `value`): height rows of width bytes, pitches
 * apart.  Addresses are checked when the operation runs. */
int eng_child_copy(eng_job *job, uint64_t dst, uint64_t dpitch, uint64_t src, uint64_t spitch, int value,
                   uint64_t width, uint64_t height, uint64_t stream);

/* A new stream or event handle (never one of the special values). */
uint64_t eng_child_handle(eng_job *job);

/* The last error of the grid's device-runtime calls: record `err` (when not 0), and read it
 * (resetting it to 0 when `reset`). */
void eng_child_set_error(eng_job *job, int err);
int eng_child_last_error(eng_job *job, int reset);

/* The device address of a NUL-terminated copy of a runtime string (error names and texts),
 * kept until the launch ends; 0 when out of memory. */
uint64_t eng_child_string(eng_job *job, const char *text);

/* Called once the grid's own blocks are done (rc: their result): runs its children in order,
 * each with its own children, then frees the state; the result of the whole tree. */
MUresult eng_children_finish(eng_job *job, MUresult rc);

#endif
