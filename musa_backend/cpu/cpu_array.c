/*
 * cpu_array.c - CUDA arrays on the cpu device (muArrayCreate, muArrayDestroy).
 *
 * Owns: the layout of an array: every level dense (rows of width * element bytes, slices of
 * height rows), levels one after another at 256-byte boundaries, all in one device allocation.
 * A dense linear layout is what the engine's texture sampler and surface instructions read, and
 * it lets the runtime copy to and from an array as ordinary pitched memory.
 * Must not: allocate by any other path than device memory (cpu_memory.c): the array's memory is
 * then counted against the device's capacity, freed by a device reset, and covered by the
 * engine's address checks like any allocation.
 */
#include "cpu_entry.h"

#define LEVEL_ALIGN 256u

static int format_ok(const struct mu_format *f)
{
    if (f->channels != 1 && f->channels != 2 && f->channels != 4)
        return 0;
    if (f->bits != 8 && f->bits != 16 && f->bits != 32)
        return 0;
    return f->kind <= MU_FORMAT_FLOAT && !(f->kind == MU_FORMAT_FLOAT && f->bits == 8) &&
           !(f->normalized && (f->bits > 16 || f->kind == MU_FORMAT_FLOAT));
}

/* Lay out the levels from offset 0; 0 and *bytes, or -1 when the sizes overflow. */
static int layout(struct mu_level *levels, uint64_t *bytes, const struct mu_array_desc *d)
{
    uint64_t offset = 0, es = mu_format_bytes(&d->format);
    uint32_t w = d->width, h = d->height, depth = d->depth;
    for (uint32_t l = 0; l < d->levels; l++) {
        uint64_t pitch, slice, size;
        if (__builtin_mul_overflow(es, (uint64_t)w, &pitch) ||
            __builtin_mul_overflow(pitch, (uint64_t)h, &slice) ||
            __builtin_mul_overflow(slice, (uint64_t)depth, &size))
            return -1;
        levels[l] = (struct mu_level){offset, w, h, depth, pitch, slice};
        if (__builtin_add_overflow(offset, size, &offset) ||
            __builtin_add_overflow(offset, (uint64_t)LEVEL_ALIGN - 1, &offset))
            return -1;
        offset &= ~(uint64_t)(LEVEL_ALIGN - 1);
        w = w > 1 ? w / 2 : 1;
        h = h > 1 ? h / 2 : 1;
        if (!d->depth_is_layers)
            depth = depth > 1 ? depth / 2 : 1;
    }
    *bytes = offset;
    return 0;
}

MUresult cpu_muArrayCreate(struct mu_level *levels, uint64_t *bytes,
                           const struct mu_array_desc *desc, int dev)
{
    if (levels == NULL || bytes == NULL || desc == NULL || !format_ok(&desc->format) ||
        desc->width == 0 || desc->height == 0 || desc->depth == 0 || desc->levels == 0 ||
        desc->levels > MU_MAX_LEVELS)
        return MU_ERROR_INVALID_VALUE;
    struct mu_level out[MU_MAX_LEVELS];
    uint64_t size;
    if (layout(out, &size, desc) != 0 || size > SIZE_MAX)
        return MU_ERROR_MEMORY_ALLOCATION;
    MUdeviceptr base;
    MUresult r = cpu_muMemAlloc(&base, (size_t)size, dev);
    if (r != MU_SUCCESS)
        return r;
    for (uint32_t l = 0; l < desc->levels; l++) {
        levels[l] = out[l];
        levels[l].base += base;
    }
    *bytes = size;
    return MU_SUCCESS;
}

/* The memory goes back as device memory does: once the work already queued is done. */
MUresult cpu_muArrayDestroy(uint64_t base)
{
    return base == 0 ? MU_ERROR_INVALID_VALUE : cpu_muMemFree(base);
}
