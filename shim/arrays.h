/*
 * arrays.h - what the rest of the runtime asks of the CUDA array handles arrays.c keeps: the
 * memory and shape behind a cudaArray_t or cudaMipmappedArray_t, for copies (array_copy.c) and
 * for texture and surface objects (resources.c).
 */
#ifndef CUSHIM_ARRAYS_H
#define CUSHIM_ARRAYS_H

#include "runtime.h"

/* Memory-map flag of an array's storage (memory_map.h): device memory no pointer names. */
#define CUSHIM_MEM_FLAG_ARRAY 0x10000000u

/* A CUDA array (or one level of a mipmapped array), as a copy or a texture needs it. */
struct cushim_array_info {
    struct cudaChannelFormatDesc desc;
    struct mu_format format;
    struct cudaExtent extent; /* as NVIDIA reports it: 0 for an absent dimension */
    unsigned flags;           /* cudaArray* flags of the allocation */
    int device;
    struct mu_level level;    /* its memory (depth counts slices, layers or faces) */
    uint64_t span_base, span_bytes; /* the allocation it lies in */
    int is_level;             /* a level of a mipmapped array (freed with it) */
};

/* A mipmapped array. */
struct cushim_mipmap_info {
    struct cudaChannelFormatDesc desc;
    struct mu_format format;
    struct cudaExtent extent;
    unsigned flags;
    int device;
    unsigned levels;
    struct mu_level level[MU_MAX_LEVELS];
    uint64_t span_base, span_bytes;
};

/* 0 and *out for a live handle this runtime made; -1 for NULL, freed or foreign handles. */
int cushim_array_lookup(cudaArray_const_t array, struct cushim_array_info *out);
int cushim_mipmap_lookup(cudaMipmappedArray_const_t mipmap, struct cushim_mipmap_info *out);

/* Texture dimensions of an array of that extent and flags: 1, 2 or 3. */
static inline unsigned cushim_array_dims(struct cudaExtent e, unsigned flags)
{
    if (e.height == 0)
        return 1;
    if (e.depth == 0 || (flags & (cudaArrayLayered | cudaArrayCubemap)))
        return 2;
    return 3;
}

#endif
