/*
 * array_shape.h - the shapes a CUDA array may have (array_shape.c).
 */
#ifndef CUSHIM_ARRAY_SHAPE_H
#define CUSHIM_ARRAY_SHAPE_H

#include "arrays.h"

struct cushim_array_shape {
    unsigned dims;                 /* 1, 2 or 3 (layered and cubemap arrays are 1 or 2) */
    uint32_t width, height, depth; /* storage: 1 for an absent dimension; depth counts slices,
                                      layers or cube faces */
    int depth_is_layers;
};

/* Check an extent and flags against the device's limits (as cudaMalloc3DArray documents them,
 * with the mipmapped limits when mipmapped) and give the storage shape.  cudaErrorInvalidValue
 * for a shape the device cannot have, cudaErrorNotSupported for sparse and deferred-mapping
 * arrays (they need cuMemMapArrayAsync, which this runtime does not have). */
cudaError_t cushim_array_shape(int device, struct cudaExtent extent, unsigned flags,
                               int mipmapped, struct cushim_array_shape *out);

/* Levels a full mipmap chain of that shape has: 1 + floor(log2(largest dimension)). */
unsigned cushim_array_max_levels(const struct cushim_array_shape *shape);

#endif
