/*
 * channel.h - the element formats the runtime accepts for CUDA arrays and texture and surface
 * objects, and their translation into the backend's struct mu_format (channel.c).
 */
#ifndef CUSHIM_CHANNEL_H
#define CUSHIM_CHANNEL_H

#include "runtime.h"

/* A channel descriptor as a backend format: cudaSuccess, cudaErrorInvalidChannelDescriptor for
 * a shape no array can have (3 channels, mixed or odd sizes, a kind that does not match its
 * sizes), cudaErrorNotSupported for the formats this runtime does not implement (NV12, the
 * block-compressed and packed 10-10-10-2 kinds). */
cudaError_t cushim_channel_format(const struct cudaChannelFormatDesc *desc,
                                  struct mu_format *out);

/* The element size of a resource-view format and that format, or 0 for formats this runtime
 * does not implement (block-compressed views). */
unsigned cushim_view_format(enum cudaResourceViewFormat view, struct mu_format *out);

#endif
