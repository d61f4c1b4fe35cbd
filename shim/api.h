/*
 * api.h - the dispatch table generated from api_table.def, and the prototypes of every
 * implementation the table names.
 *
 * Each exported entry point is a trampoline that calls through `cushim_api`, the active table:
 * normally `cushim_impl_table` (the implementations), or the trace layer's table when tracing is
 * on (which logs and then calls the implementation).  A function whose status is IMPL must be
 * defined as impl_<name> with exactly the table's signature somewhere in shim/; the prototypes
 * below make the compiler check that.
 */
#ifndef CUSHIM_API_H
#define CUSHIM_API_H

#include "cushim/cuda_types.h"

#include "api_macros.h"

struct cushim_api_table {
#define CUDART_FN(name, group, status, n, ...) cudaError_t (*name)(CUSHIM_DECLS(n, __VA_ARGS__));
#define CUDART_RET(ret, name, group, n, ...) ret (*name)(CUSHIM_DECLS(n, __VA_ARGS__));
#define CUDART_VOID(name, group, n, ...) void (*name)(CUSHIM_DECLS(n, __VA_ARGS__));
#include "api_table.def"
#undef CUDART_FN
#undef CUDART_RET
#undef CUDART_VOID
};

/* The implementations: one table, filled from the status column. */
extern const struct cushim_api_table cushim_impl_table;
/* The table the exports call through: cushim_impl_table, or the trace layer's. */
extern const struct cushim_api_table *cushim_api;

/* Prototypes of the implementations shim/ must define. */
#define CUSHIM_PROTO_IMPL(base, name, n, ...)                                                     \
    cudaError_t impl_##name(CUSHIM_DECLS(n, __VA_ARGS__));
#define CUSHIM_PROTO_TODO(base, name, n, ...)
#define CUSHIM_PROTO_PT(base, name, n, ...)
#define CUDART_FN(name, group, status, n, ...)                                                    \
    CUSHIM_BY_STATUS(CUSHIM_PROTO_, status, name, n, __VA_ARGS__)
#define CUDART_RET(ret, name, group, n, ...) ret impl_##name(CUSHIM_DECLS(n, __VA_ARGS__));
#define CUDART_VOID(name, group, n, ...) void impl_##name(CUSHIM_DECLS(n, __VA_ARGS__));
#include "api_table.def"
#undef CUDART_FN
#undef CUDART_RET
#undef CUDART_VOID

/* The exported entry points themselves (exports.c), for code that calls the API by name.
 * exports_12.c defines CUDA 12 entry points some of which CUDA 13 declares with other
 * signatures, so it asks for these to be left out. */
#ifndef CUSHIM_DEFINES_CUDA12_EXPORTS
#define CUDART_FN(name, group, status, n, ...) cudaError_t name(CUSHIM_DECLS(n, __VA_ARGS__));
#define CUDART_RET(ret, name, group, n, ...) ret name(CUSHIM_DECLS(n, __VA_ARGS__));
#define CUDART_VOID(name, group, n, ...) void name(CUSHIM_DECLS(n, __VA_ARGS__));
#include "api_table.def"
#undef CUDART_FN
#undef CUDART_RET
#undef CUDART_VOID
#endif

/* Every table entry's position, CUSHIM_IDX_<name>, for per-function state (trace counters,
 * first-use notices). */
enum cushim_api_index {
#define CUDART_FN(name, group, status, n, ...) CUSHIM_IDX_##name,
#define CUDART_RET(ret, name, group, n, ...) CUSHIM_IDX_##name,
#define CUDART_VOID(name, group, n, ...) CUSHIM_IDX_##name,
#include "api_table.def"
#undef CUDART_FN
#undef CUDART_RET
#undef CUDART_VOID
    CUSHIM_API_COUNT
};

/* Identity of every table entry, in table order, for the trace layer and the coverage report. */
enum cushim_api_status {
    CUSHIM_API_IMPL,
    CUSHIM_API_TODO,
    CUSHIM_API_PT,
    CUSHIM_API_ADAPT, /* api_table_12.def only: translates to a CUDA 13 function */
    CUSHIM_API_ALIAS  /* api_table_12.def only: another name for a CUDA 13 function */
};
struct cushim_api_entry {
    const char *name;
    const char *group;
    enum cushim_api_status status;
    const char *base; /* for PT, ADAPT and ALIAS entries: the function they run */
};
extern const struct cushim_api_entry cushim_api_entries[];

#endif
