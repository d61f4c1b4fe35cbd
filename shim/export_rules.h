/*
 * export_rules.h - what every exported entry point does around its call, shared by the CUDA 13
 * trampolines (exports.c) and the CUDA 12 ones (exports_12.c): the export attribute, and which
 * API groups record a failure as the calling thread's last error.
 *
 * Group ERROR reads the last error and so never records; cudaErrorNotReady is a status, not an
 * error, and is never recorded.  Every group of either table must be listed.
 */
#ifndef CUSHIM_EXPORT_RULES_H
#define CUSHIM_EXPORT_RULES_H

#include "api_macros.h"

#define CUSHIM_EXPORT __attribute__((visibility("default")))

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

/* Record a cudaError_t result the way NVIDIA's runtime does for a call in group: the calling
 * thread's last error, and a line in the error log. */
#define CUSHIM_RECORD_RESULT(name, group, result)                                                \
    do {                                                                                          \
        if (CUSHIM_RECORDS(group) && (result) != cudaSuccess && (result) != cudaErrorNotReady) { \
            cushim_set_last_error(result);                                                        \
            cushim_log_failure(#name, result);                                                    \
        }                                                                                         \
    } while (0)

#endif
