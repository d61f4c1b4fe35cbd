/*
 * api_table_12.c - generates, from api_table_12.def, the CUDA 12 dispatch table the CUDA 12
 * entry points call through: an alias's call of its CUDA 13 implementation, the per-thread
 * wrappers, the not-supported defaults, and the table's self-description.  Part of
 * libcudart.so.12 only.
 *
 * Nothing here is written per function.  The compiler checks what the table claims: an alias
 * has exactly its CUDA 13 base's signature, and an adapter's base is a CUDA 13 function.
 */
#include <stdatomic.h>
#include <stdio.h>

#include "api.h"
#include "api12.h"
#include "mu_log.h"
#include "runtime.h"

/* errors.c keeps the first-use notices of the CUDA 13 table; these are the CUDA 12 ones. */
static cudaError_t not_supported12(int index, const char *name)
{
    static atomic_flag told[CUSHIM_API12_COUNT];
    if (!atomic_flag_test_and_set(&told[index]))
        mu_report("%s is not supported yet", name);
    return cudaErrorNotSupported;
}

#define CUSHIM_UNUSED_(type, name) (void)name;
#define CUSHIM12_GEN_TODO(base, name, n, ...)                                                     \
    static cudaError_t unsupported12_##name(CUSHIM_DECLS(n, __VA_ARGS__))                        \
    {                                                                                             \
        CUSHIM_EACH(n, CUSHIM_UNUSED_, __VA_ARGS__)                                               \
        return not_supported12(CUSHIM12_IDX_##name, #name);                                       \
    }
#define CUSHIM12_GEN_PT(base, name, n, ...)                                                       \
    static cudaError_t per_thread12_##name(CUSHIM_DECLS(n, __VA_ARGS__))                          \
    {                                                                                             \
        int saved = cushim_enter_per_thread_stream();                                             \
        cudaError_t result = cushim_impl12_table.base(CUSHIM_ARGS(n, __VA_ARGS__));               \
        cushim_leave_per_thread_stream(saved);                                                    \
        return result;                                                                            \
    }
#define CUSHIM12_GEN_ADAPT(base, name, n, ...)                                                    \
    _Static_assert(CUSHIM_IDX_##base < CUSHIM_API_COUNT, #name " adapts a CUDA 13 function");
#define CUSHIM12_GEN_IMPL(base, name, n, ...)
#define CUDART12_ABSENT(name)                                                                     \
    _Static_assert(CUSHIM_IDX_##name < CUSHIM_API_COUNT, #name " is a CUDA 13 function");
#define CUDART12_ALIAS(name, group, base, n, ...)                                                 \
    _Static_assert(__builtin_types_compatible_p(                                                  \
                       __typeof__(((struct cushim_api_table *)0)->base),                          \
                       cudaError_t (*)(CUSHIM_DECLS(n, __VA_ARGS__))),                            \
                   #name " has the signature of " #base);                                         \
    static cudaError_t alias12_##name(CUSHIM_DECLS(n, __VA_ARGS__))                              \
    {                                                                                             \
        return cushim_impl_table.base(CUSHIM_ARGS(n, __VA_ARGS__));                               \
    }
#define CUDART12_FN(name, group, status, n, ...)                                                  \
    CUSHIM_BY_STATUS(CUSHIM12_GEN_, status, name, n, __VA_ARGS__)
#include "api_table_12.def"
#undef CUDART12_ABSENT
#undef CUDART12_ALIAS
#undef CUDART12_FN

#define CUSHIM12_SLOT_IMPL(base, name, n, ...) compat12_##name
#define CUSHIM12_SLOT_ADAPT(base, name, n, ...) compat12_##name
#define CUSHIM12_SLOT_TODO(base, name, n, ...) unsupported12_##name
#define CUSHIM12_SLOT_PT(base, name, n, ...) per_thread12_##name
const struct cushim_api12_table cushim_impl12_table = {
#define CUDART12_ABSENT(name)
#define CUDART12_ALIAS(name, group, base, n, ...) .name = alias12_##name,
#define CUDART12_FN(name, group, status, n, ...)                                                  \
    .name = CUSHIM_BY_STATUS(CUSHIM12_SLOT_, status, name, n, __VA_ARGS__),
#include "api_table_12.def"
#undef CUDART12_ABSENT
#undef CUDART12_ALIAS
#undef CUDART12_FN
};

#define CUSHIM12_ENTRY_IMPL(base, name, n, ...) CUSHIM_API_IMPL, NULL
#define CUSHIM12_ENTRY_TODO(base, name, n, ...) CUSHIM_API_TODO, NULL
#define CUSHIM12_ENTRY_PT(base, name, n, ...) CUSHIM_API_PT, #base
#define CUSHIM12_ENTRY_ADAPT(base, name, n, ...) CUSHIM_API_ADAPT, #base
static const struct cushim_api_entry entries[CUSHIM_API12_COUNT] = {
#define CUDART12_ABSENT(name)
#define CUDART12_ALIAS(name, group, base, n, ...) {#name, #group, CUSHIM_API_ALIAS, #base},
#define CUDART12_FN(name, group, status, n, ...)                                                  \
    {#name, #group, CUSHIM_BY_STATUS(CUSHIM12_ENTRY_, status, name, n, __VA_ARGS__)},
#include "api_table_12.def"
#undef CUDART12_ABSENT
#undef CUDART12_ALIAS
#undef CUDART12_FN
};
const struct cushim_api_entry *const cushim_api12_entries = entries;

/* The CUDA 12 exports call through this; trace_12.c swaps in its own table at start-up. */
const struct cushim_api12_table *cushim_api12 = &cushim_impl12_table;
