/*
 * cpu_copy.c - stream-ordered copies and fills (muMemcpy3D, muMemset3D).
 *
 * Owns: checking that both sides of a copy (and the target of a fill) are memory the copy may
 * touch, the copy and fill operations, and when they run synchronously.
 * Must not: trust the runtime's validation to keep the process alive: every range is checked
 * again here (it is cheap next to the copy) so that a bad pointer is MU_ERROR_INVALID_VALUE
 * and never a crash or a partial copy.
 *
 * Pageable host memory (not pinned, not registered) makes a copy synchronous whatever the
 * caller asked, as NVIDIA documents for cudaMemcpyAsync: the program may reuse or free a
 * pageable buffer as soon as the call returns (unless the caller says with MU_OP_ASYNC_PAGEABLE
 * that the buffer outlives the copy, as a graph's copy node does).  Pinned and registered
 * memory and device memory are copied asynchronously on the stream's worker.
 */
#include <string.h>

#include "cpu_alloc.h"
#include "cpu_entry.h"
#include "cpu_memory.h"
#include "cpu_stream.h"

/* Bytes from the first to one past the last byte of a pitched region; 0 on overflow. */
static uint64_t span(size_t pitch, size_t slice_rows, size_t width, size_t height, size_t depth)
{
    uint64_t slice, rows, bytes;
    if (__builtin_mul_overflow((uint64_t)pitch, (uint64_t)slice_rows, &slice) ||
        __builtin_mul_overflow(slice, (uint64_t)(depth - 1), &bytes) ||
        __builtin_mul_overflow((uint64_t)pitch, (uint64_t)(height - 1), &rows) ||
        __builtin_add_overflow(bytes, rows, &bytes) ||
        __builtin_add_overflow(bytes, (uint64_t)width, &bytes))
        return 0;
    return bytes;
}

/* Rows of a region must fit their pitch, and slices their rows. */
static int shape_ok(size_t pitch, size_t slice_rows, size_t width, size_t height, size_t depth)
{
    if (height > 1 && width > pitch)
        return 0;
    if (depth > 1 && (width > pitch || height > slice_rows))
        return 0;
    return 1;
}

/* ---- copy ---- */

struct copy_op {
    struct cpu_op op;
    struct mu_copy3d copy;
};

static void copy_execute(const struct mu_copy3d *c)
{
    unsigned char *dst = c->dst;
    const unsigned char *src = c->src;
    size_t dst_slice = c->dst_pitch * c->dst_height, src_slice = c->src_pitch * c->src_height;
    int dense = c->width_bytes == c->dst_pitch && c->width_bytes == c->src_pitch &&
                (c->depth == 1 || (c->height == c->dst_height && c->height == c->src_height));
    if (dense || (c->height == 1 && c->depth == 1)) {
        memmove(dst, src, c->width_bytes * c->height * c->depth);
        return;
    }
    for (size_t z = 0; z < c->depth; z++)
        for (size_t y = 0; y < c->height; y++)
            memmove(dst + z * dst_slice + y * c->dst_pitch, src + z * src_slice + y * c->src_pitch,
                    c->width_bytes);
}

static void copy_run(struct cpu_op *op, struct mu_stream *s)
{
    if (cpu_device_status(s->dev) != MU_SUCCESS)
        return; /* a faulted device does no more work */
    copy_execute(&((struct copy_op *)op)->copy);
}

static void copy_release(struct cpu_op *op)
{
    cpu_free(op);
}

static void stack_release(struct cpu_op *op)
{
    (void)op; /* a synchronous operation on its submitter's stack */
}

static const struct cpu_op_class copy_class = {"copy", copy_run, copy_release, 1};
static const struct cpu_op_class copy_sync_class = {"copy", copy_run, stack_release, 1};

MUresult cpu_muMemcpy3D(const struct mu_copy3d *copy, MUstream stream, unsigned flags)
{
    if (stream == NULL)
        return MU_ERROR_INVALID_RESOURCE_HANDLE;
    if (copy == NULL || (flags & ~(MU_OP_SYNC | MU_OP_ASYNC_PAGEABLE)) != 0)
        return MU_ERROR_INVALID_VALUE;
    if ((unsigned)copy->kind > cudaMemcpyDeviceToDevice)
        return MU_ERROR_INVALID_MEMCPY_DIRECTION;
    MUresult r = cpu_device_status(stream->dev);
    if (r != MU_SUCCESS)
        return r;
    const struct mu_copy3d *c = copy;
    if (c->width_bytes == 0 || c->height == 0 || c->depth == 0)
        return MU_SUCCESS;
    if (!shape_ok(c->dst_pitch, c->dst_height, c->width_bytes, c->height, c->depth) ||
        !shape_ok(c->src_pitch, c->src_height, c->width_bytes, c->height, c->depth))
        return MU_ERROR_INVALID_VALUE;
    uint64_t dst_bytes = span(c->dst_pitch, c->dst_height, c->width_bytes, c->height, c->depth);
    uint64_t src_bytes = span(c->src_pitch, c->src_height, c->width_bytes, c->height, c->depth);
    if (dst_bytes == 0 || src_bytes == 0 || dst_bytes > SIZE_MAX || src_bytes > SIZE_MAX)
        return MU_ERROR_INVALID_VALUE;
    int dst_pageable, src_pageable;
    if (cpu_memory_check(c->dst, dst_bytes, &dst_pageable) != MU_SUCCESS ||
        cpu_memory_check(c->src, src_bytes, &src_pageable) != MU_SUCCESS)
        return MU_ERROR_INVALID_VALUE;
    int pageable = (dst_pageable || src_pageable) && !(flags & MU_OP_ASYNC_PAGEABLE);
    if (!(flags & MU_OP_SYNC) && pageable && src_pageable && !dst_pageable) {
        /* An async copy from pageable memory to device or pinned memory: copy the source to a
         * staging buffer now and return without waiting for the stream, as NVIDIA documents
         * ("copied to a staging buffer immediately (no device synchronization is performed)");
         * the caller may reuse its buffer at once, and a kernel queued before the copy may be
         * waiting for the host to act after this call returns. */
        struct copy_op *op = cpu_malloc(sizeof *op + src_bytes);
        if (op != NULL) {
            memcpy(op + 1, c->src, src_bytes);
            op->op.cls = &copy_class;
            op->copy = *c;
            op->copy.src = op + 1;
            return cpu_stream_submit(stream, &op->op, NULL, 0, CPU_SUBMIT_ASYNC);
        }
    }
    if ((flags & MU_OP_SYNC) || pageable) {
        struct copy_op op = {.op.cls = &copy_sync_class, .copy = *c};
        r = cpu_stream_submit(stream, &op.op, NULL, 0, CPU_SUBMIT_SYNC);
        return r != MU_SUCCESS ? r : cpu_device_status(stream->dev);
    }
    struct copy_op *op = cpu_malloc(sizeof *op);
    if (op == NULL)
        return MU_ERROR_MEMORY_ALLOCATION;
    op->op.cls = &copy_class;
    op->copy = *c;
    return cpu_stream_submit(stream, &op->op, NULL, 0, CPU_SUBMIT_ASYNC);
}

/* ---- fill ---- */

struct fill_op {
    struct cpu_op op;
    unsigned char *dst;
    size_t pitch, slice_rows, width, height, depth;
    int value;
};

static void fill_run(struct cpu_op *op, struct mu_stream *s)
{
    if (cpu_device_status(s->dev) != MU_SUCCESS)
        return;
    const struct fill_op *f = (const struct fill_op *)op;
    if (f->width == f->pitch && (f->depth == 1 || f->height == f->slice_rows)) {
        memset(f->dst, f->value, f->width * f->height * f->depth);
        return;
    }
    for (size_t z = 0; z < f->depth; z++)
        for (size_t y = 0; y < f->height; y++)
            memset(f->dst + z * f->pitch * f->slice_rows + y * f->pitch, f->value, f->width);
}

static void fill_release(struct cpu_op *op)
{
    cpu_free(op);
}

static const struct cpu_op_class fill_class = {"fill", fill_run, fill_release, 1};
static const struct cpu_op_class fill_sync_class = {"fill", fill_run, stack_release, 1};

MUresult cpu_muMemset3D(MUdeviceptr dst, size_t pitch, size_t height_per_slice, int value,
                        size_t width_bytes, size_t height, size_t depth, MUstream stream,
                        unsigned flags)
{
    if (stream == NULL)
        return MU_ERROR_INVALID_RESOURCE_HANDLE;
    if ((flags & ~MU_OP_SYNC) != 0)
        return MU_ERROR_INVALID_VALUE;
    MUresult r = cpu_device_status(stream->dev);
    if (r != MU_SUCCESS)
        return r;
    if (width_bytes == 0 || height == 0 || depth == 0)
        return MU_SUCCESS;
    if (height == 1 && depth == 1 && pitch < width_bytes)
        pitch = width_bytes; /* a 1-D fill may leave the pitch unset */
    if (!shape_ok(pitch, height_per_slice, width_bytes, height, depth))
        return MU_ERROR_INVALID_VALUE;
    uint64_t bytes = span(pitch, height_per_slice, width_bytes, height, depth);
    int pageable;
    if (bytes == 0 || bytes > SIZE_MAX ||
        cpu_memory_check((void *)(uintptr_t)dst, bytes, &pageable) != MU_SUCCESS)
        return MU_ERROR_INVALID_VALUE;
    struct fill_op fill = {
        .dst = (unsigned char *)(uintptr_t)dst,
        .pitch = pitch,
        .slice_rows = height_per_slice,
        .width = width_bytes,
        .height = height,
        .depth = depth,
        .value = (unsigned char)value,
    };
    if ((flags & MU_OP_SYNC) || pageable) {
        fill.op.cls = &fill_sync_class;
        r = cpu_stream_submit(stream, &fill.op, NULL, 0, CPU_SUBMIT_SYNC);
        return r != MU_SUCCESS ? r : cpu_device_status(stream->dev);
    }
    struct fill_op *op = cpu_malloc(sizeof *op);
    if (op == NULL)
        return MU_ERROR_MEMORY_ALLOCATION;
    *op = fill;
    op->op.cls = &fill_class;
    return cpu_stream_submit(stream, &op->op, NULL, 0, CPU_SUBMIT_ASYNC);
}
