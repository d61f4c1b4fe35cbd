/*
 * streams.h - the runtime's stream handles.  A cudaStream_t a user holds is 0, one of the
 * special values cudaStreamLegacy / cudaStreamPerThread, or a handle this runtime created;
 * every handle is looked up in a handle map before use, so a destroyed or foreign handle is
 * answered with cudaErrorInvalidResourceHandle instead of being dereferenced.
 */
#ifndef CUSHIM_STREAMS_H
#define CUSHIM_STREAMS_H

#include "runtime.h"

struct cushim_stream_ref {
    MUstream stream;
    int device;
    unsigned flags;
    int priority;
    unsigned long long id;
};

/* Resolve a user's stream handle: 0 is the legacy default stream of the current device (or,
 * inside a _ptsz/_ptds call, the calling thread's per-thread stream). */
cudaError_t cushim_stream_resolve(cudaStream_t handle, struct cushim_stream_ref *out);

#endif
