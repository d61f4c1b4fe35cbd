/*
 * exports.c - the exported CUDA runtime entry points, generated from api_table.def.
 *
 * Each export is a trampoline (the Vulkan loader's model): call the active dispatch table's
 * slot, and for functions returning cudaError_t record a failure as the calling thread's last
 * error, as NVIDIA's runtime does for every call.  Group ERROR reads the last error and so
 * never records; cudaErrorNotReady is a status, not an error, and is never recorded.
 * These are the only symbols the libraries export (see the generated version script).
 */
#include "api.h"
#include "runtime.h"

#define CUSHIM_EXPORT __attribute__((visibility("default")))

/* Whether a group's failures become the last error; every group must be listed. */
#define CUSHIM_RECORDS(group) CUSHIM_CAT(CUSHIM_RECORDS_IN_, group)
#define CUSHIM_RECORDS_IN_ERROR 0
#define CUSHIM_RECORDS_IN_REGISTRATION 1
#define CUSHIM_RECORDS_IN_DEVICE 1
#define CUSHIM_RECORDS_IN_STREAM 1
#define CUSHIM_RECORDS_IN_EVENT 1
#define CUSHIM_RECORDS_IN_EXTERNAL 1
#define CUSHIM_RECORDS_IN_EXECUTION 1
#define CUSHIM_RECORDS_IN_OCCUPANCY 1
#define CUSHIM_RECORDS_IN_MEMORY 1
#define CUSHIM_RECORDS_IN_MEMPOOL 1
#define CUSHIM_RECORDS_IN_UNIFIED 1
#define CUSHIM_RECORDS_IN_PEER 1
#define CUSHIM_RECORDS_IN_TEXTURE 1
#define CUSHIM_RECORDS_IN_VERSION 1
#define CUSHIM_RECORDS_IN_LOGS 1
#define CUSHIM_RECORDS_IN_GRAPH 1
#define CUSHIM_RECORDS_IN_ENTRYPOINT 1
#define CUSHIM_RECORDS_IN_LIBRARY 1
#define CUSHIM_RECORDS_IN_DRIVER 1
#define CUSHIM_RECORDS_IN_PROFILER 1
#define CUSHIM_RECORDS_IN_INTEROP 1

#define CUDART_FN(name, group, status, n, ...)                                                    \
    CUSHIM_EXPORT cudaError_t name(CUSHIM_DECLS(n, __VA_ARGS__))                                  \
    {                                                                                             \
        cudaError_t result = cushim_api->name(CUSHIM_ARGS(n, __VA_ARGS__));                       \
        if (CUSHIM_RECORDS(group) && result != cudaSuccess && result != cudaErrorNotReady)        \
            cushim_set_last_error(result);                                                        \
        return result;                                                                            \
    }
#define CUDART_RET(ret, name, group, n, ...)                                                      \
    CUSHIM_EXPORT ret name(CUSHIM_DECLS(n, __VA_ARGS__))                                          \
    {                                                                                             \
        return cushim_api->name(CUSHIM_ARGS(n, __VA_ARGS__));                                     \
    }
#define CUDART_VOID(name, group, n, ...)                                                          \
    CUSHIM_EXPORT void name(CUSHIM_DECLS(n, __VA_ARGS__))                                         \
    {                                                                                             \
        cushim_api->name(CUSHIM_ARGS(n, __VA_ARGS__));                                            \
    }
#include "api_table.def"
#undef CUDART_FN
#undef CUDART_RET
#undef CUDART_VOID
