/*
 * api12.h - the CUDA 12 dispatch table generated from api_table_12.def, and the prototypes of
 * the CUDA 12 adapters it names.  Part of libcudart.so.12 only.
 *
 * Each CUDA 12 entry point of exports_12.c calls through `cushim_api12`: normally
 * `cushim_impl12_table`, or trace_12.c's table when tracing is on.  A slot runs an adapter
 * (compat12_<name>, for IMPL and ADAPT lines), the implementation of a CUDA 13 function under a
 * CUDA 12 name (ALIAS), a per-thread-stream wrapper (PT) or the not-supported default (TODO).
 * Adapters reach CUDA 13 through `cushim_impl_table`, never through the exported names, which
 * in libcudart.so.12 may carry CUDA 12's ABI.
 */
#ifndef CUSHIM_API12_H
#define CUSHIM_API12_H

#include "cushim/cuda_types_12.h"

#include "api_macros.h"

struct cushim_api12_table {
#define CUDART12_ABSENT(name)
#define CUDART12_ALIAS(name, group, base, n, ...) cudaError_t (*name)(CUSHIM_DECLS(n, __VA_ARGS__));
#define CUDART12_FN(name, group, status, n, ...) cudaError_t (*name)(CUSHIM_DECLS(n, __VA_ARGS__));
#include "api_table_12.def"
#undef CUDART12_ABSENT
#undef CUDART12_ALIAS
#undef CUDART12_FN
};

extern const struct cushim_api12_table cushim_impl12_table;
extern const struct cushim_api12_table *cushim_api12;

/* Prototypes of the adapters shim/compat12_*.c must define. */
#define CUSHIM12_PROTO_IMPL(base, name, n, ...)                                                   \
    cudaError_t compat12_##name(CUSHIM_DECLS(n, __VA_ARGS__));
#define CUSHIM12_PROTO_ADAPT CUSHIM12_PROTO_IMPL
#define CUSHIM12_PROTO_TODO(base, name, n, ...)
#define CUSHIM12_PROTO_PT(base, name, n, ...)
#define CUDART12_ABSENT(name)
#define CUDART12_ALIAS(name, group, base, n, ...)
#define CUDART12_FN(name, group, status, n, ...)                                                  \
    CUSHIM_BY_STATUS(CUSHIM12_PROTO_, status, name, n, __VA_ARGS__)
#include "api_table_12.def"
#undef CUDART12_ABSENT
#undef CUDART12_ALIAS
#undef CUDART12_FN

/* Every CUDA 12 entry's position, CUSHIM12_IDX_<name>, for per-function state. */
enum cushim_api12_index {
#define CUDART12_ABSENT(name)
#define CUDART12_ALIAS(name, group, base, n, ...) CUSHIM12_IDX_##name,
#define CUDART12_FN(name, group, status, n, ...) CUSHIM12_IDX_##name,
#include "api_table_12.def"
#undef CUDART12_ABSENT
#undef CUDART12_ALIAS
#undef CUDART12_FN
    CUSHIM_API12_COUNT
};

/* Identity of every CUDA 12 entry (struct cushim_api_entry, from api.h), in table order. */
struct cushim_api_entry;
extern const struct cushim_api_entry *const cushim_api12_entries;

#endif
