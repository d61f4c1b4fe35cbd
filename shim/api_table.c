/*
 * api_table.c - generates, from api_table.def, the implementation table the exports dispatch
 * through, the not-supported default of every TODO function, the per-thread-default-stream
 * wrappers of the _ptsz/_ptds variants, and the table's self-description.
 *
 * Nothing here is written by hand per function: changing a function's status in the table is
 * the whole of "implementing" or "un-implementing" it as far as dispatch is concerned.
 */
#include "api.h"
#include "runtime.h"

/* TODO: answer cudaErrorNotSupported, say so once on stderr, and record the last error (the
 * export does the recording, as for any failing call). */
#define CUSHIM_UNUSED_(type, name) (void)name;
#define CUSHIM_GEN_TODO(base, name, n, ...)                                                       \
    static cudaError_t unsupported_##name(CUSHIM_DECLS(n, __VA_ARGS__))                          \
    {                                                                                             \
        CUSHIM_EACH(n, CUSHIM_UNUSED_, __VA_ARGS__)                                               \
        return cushim_not_supported(CUSHIM_IDX_##name, #name);                                    \
    }
/* PT(base): run base with the legacy default stream meaning this thread's own stream. */
#define CUSHIM_GEN_PT(base, name, n, ...)                                                         \
    static cudaError_t per_thread_##name(CUSHIM_DECLS(n, __VA_ARGS__))                            \
    {                                                                                             \
        int saved = cushim_enter_per_thread_stream();                                             \
        cudaError_t result = cushim_impl_table.base(CUSHIM_ARGS(n, __VA_ARGS__));                 \
        cushim_leave_per_thread_stream(saved);                                                    \
        return result;                                                                            \
    }
#define CUSHIM_GEN_IMPL(base, name, n, ...)
#define CUDART_FN(name, group, status, n, ...) CUSHIM_BY_STATUS(CUSHIM_GEN_, status, name, n, __VA_ARGS__)
#define CUDART_RET(ret, name, group, n, ...)
#define CUDART_VOID(name, group, n, ...)
#include "api_table.def"
#undef CUDART_FN
#undef CUDART_RET
#undef CUDART_VOID

#define CUSHIM_SLOT_IMPL(base, name, n, ...) impl_##name
#define CUSHIM_SLOT_TODO(base, name, n, ...) unsupported_##name
#define CUSHIM_SLOT_PT(base, name, n, ...) per_thread_##name
const struct cushim_api_table cushim_impl_table = {
#define CUDART_FN(name, group, status, n, ...)                                                    \
    .name = CUSHIM_BY_STATUS(CUSHIM_SLOT_, status, name, n, __VA_ARGS__),
#define CUDART_RET(ret, name, group, n, ...) .name = impl_##name,
#define CUDART_VOID(name, group, n, ...) .name = impl_##name,
#include "api_table.def"
#undef CUDART_FN
#undef CUDART_RET
#undef CUDART_VOID
};

#define CUSHIM_ENTRY_IMPL(base, name, n, ...) CUSHIM_API_IMPL, NULL
#define CUSHIM_ENTRY_TODO(base, name, n, ...) CUSHIM_API_TODO, NULL
#define CUSHIM_ENTRY_PT(base, name, n, ...) CUSHIM_API_PT, #base
const struct cushim_api_entry cushim_api_entries[CUSHIM_API_COUNT] = {
#define CUDART_FN(name, group, status, n, ...)                                                    \
    {#name, #group, CUSHIM_BY_STATUS(CUSHIM_ENTRY_, status, name, n, __VA_ARGS__)},
#define CUDART_RET(ret, name, group, n, ...) {#name, #group, CUSHIM_API_IMPL, NULL},
#define CUDART_VOID(name, group, n, ...) {#name, #group, CUSHIM_API_IMPL, NULL},
#include "api_table.def"
#undef CUDART_FN
#undef CUDART_RET
#undef CUDART_VOID
};

/* The exports call through this; the trace layer swaps in its own table at start-up. */
const struct cushim_api_table *cushim_api = &cushim_impl_table;
