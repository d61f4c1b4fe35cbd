/*
 * exports.c - the exported CUDA runtime entry points, generated from api_table.def.
 *
 * Each export is a trampoline (the Vulkan loader's model): call the active dispatch table's
 * slot, and for functions returning cudaError_t record a failure as the calling thread's last
 * error, as NVIDIA's runtime does for every call (export_rules.h says which groups record).
 * These are the only symbols the libraries export (see the generated version scripts).
 *
 * Compiled twice.  For libcudart.so.13 every table line becomes an export.  For libcudart.so.12
 * (CUSHIM_CUDA12) the names api_table_12.def marks absent or gives a CUDA 12 ABI are skipped,
 * through a preprocessor probe on the generated cuda12_replaced.h, which defines
 * CUSHIM12_REPLACED_<name> for each; exports_12.c defines the CUDA 12 entry points instead.
 */
#include "api.h"
#include "export_rules.h"
#include "runtime.h"

#ifdef CUSHIM_CUDA12
#include "cuda12_replaced.h"
/* CUSHIM_PROBE_(x) is 1 when x expands to "~, 1" (a CUSHIM12_REPLACED_ name), else 0. */
#define CUSHIM_PROBE_SECOND_(a, b, ...) b
#define CUSHIM_PROBE_(...) CUSHIM_PROBE_SECOND_(__VA_ARGS__, 0, ~)
#define CUSHIM_EXPORTED(name) CUSHIM_CAT(CUSHIM_NOT_, CUSHIM_PROBE_(CUSHIM12_REPLACED_##name))
#define CUSHIM_NOT_0 1
#define CUSHIM_NOT_1 0
#else
#define CUSHIM_EXPORTED(name) 1
#endif
#define CUSHIM_IF(condition) CUSHIM_CAT(CUSHIM_IF_, condition)
#define CUSHIM_IF_1(...) __VA_ARGS__
#define CUSHIM_IF_0(...)

#define CUDART_FN(name, group, status, n, ...)                                                    \
    CUSHIM_IF(CUSHIM_EXPORTED(name))(                                                             \
        CUSHIM_EXPORT cudaError_t name(CUSHIM_DECLS(n, __VA_ARGS__))                              \
        {                                                                                         \
            cudaError_t result = cushim_api->name(CUSHIM_ARGS(n, __VA_ARGS__));                   \
            CUSHIM_RECORD_RESULT(name, group, result);                                                  \
            return result;                                                                        \
        })
#define CUDART_RET(ret, name, group, n, ...)                                                      \
    CUSHIM_IF(CUSHIM_EXPORTED(name))(                                                             \
        CUSHIM_EXPORT ret name(CUSHIM_DECLS(n, __VA_ARGS__))                                      \
        {                                                                                         \
            return cushim_api->name(CUSHIM_ARGS(n, __VA_ARGS__));                                 \
        })
#define CUDART_VOID(name, group, n, ...)                                                          \
    CUSHIM_IF(CUSHIM_EXPORTED(name))(                                                             \
        CUSHIM_EXPORT void name(CUSHIM_DECLS(n, __VA_ARGS__))                                     \
        {                                                                                         \
            cushim_api->name(CUSHIM_ARGS(n, __VA_ARGS__));                                        \
        })
#include "api_table.def"
#undef CUDART_FN
#undef CUDART_RET
#undef CUDART_VOID
