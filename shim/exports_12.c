/*
 * exports_12.c - the CUDA 12 entry points of libcudart.so.12, generated from api_table_12.def:
 * the CUDA 12-only names and the names whose CUDA 12 ABI differs from CUDA 13's.  Every other
 * export of libcudart.so.12 is exports.c's CUDA 13 trampoline, compiled with those names left
 * out.  Part of libcudart.so.12 only.
 *
 * Each is a trampoline like exports.c's: call the CUDA 12 dispatch table's slot and record a
 * failure as the calling thread's last error by the same group rules (export_rules.h).
 */
#define CUSHIM_DEFINES_CUDA12_EXPORTS /* api.h: leave out CUDA 13's declarations of these names */
#include "api.h"
#include "api12.h"
#include "export_rules.h"
#include "runtime.h"

#define CUSHIM12_EXPORT(name, group, n, ...)                                                      \
    CUSHIM_EXPORT cudaError_t name(CUSHIM_DECLS(n, __VA_ARGS__))                                  \
    {                                                                                             \
        cudaError_t result = cushim_api12->name(CUSHIM_ARGS(n, __VA_ARGS__));                     \
        CUSHIM_RECORD_RESULT(name, group, result);                                                \
        return result;                                                                            \
    }
#define CUDART12_ABSENT(name)
#define CUDART12_ALIAS(name, group, base, n, ...) CUSHIM12_EXPORT(name, group, n, __VA_ARGS__)
#define CUDART12_FN(name, group, status, n, ...) CUSHIM12_EXPORT(name, group, n, __VA_ARGS__)
#include "api_table_12.def"
#undef CUDART12_ABSENT
#undef CUDART12_ALIAS
#undef CUDART12_FN
