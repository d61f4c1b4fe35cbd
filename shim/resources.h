/*
 * resources.h - turning what a texture or surface object reads (a cudaResourceDesc, optionally
 * seen through a cudaResourceViewDesc) into the backend's struct mu_texture (resources.c).
 */
#ifndef CUSHIM_RESOURCES_H
#define CUSHIM_RESOURCES_H

#include "runtime.h"

enum cushim_resource_use { CUSHIM_FOR_TEXTURE, CUSHIM_FOR_SURFACE };

/* Check the resource (and the view, which may be NULL) and describe it: memory, layout,
 * format, dimensions; the sampler is left zero.  *device is the device the memory belongs to
 * (the calling thread's for host memory).  cudaErrorInvalidValue for anything NVIDIA
 * documents as invalid: an unknown array, memory not inside one allocation, misaligned
 * pointers or pitches, sizes past the device's limits, a surface over anything but an array
 * made for surface load/store, a view that changes the element size or reaches past the
 * resource's levels or layers. */
cudaError_t cushim_resource_resolve(const struct cudaResourceDesc *res,
                                    const struct cudaResourceViewDesc *view,
                                    enum cushim_resource_use use, struct mu_texture *out,
                                    int *device);

#endif
