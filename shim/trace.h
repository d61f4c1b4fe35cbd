/*
 * trace.h - the pieces of the trace layer (trace.c) that a second dispatch table's trace layer
 * (trace_12.c, for libcudart.so.12's CUDA 12 entry points) shares: the on/off decision, the
 * line format, argument decoding and the end-of-run summary.
 */
#ifndef CUSHIM_TRACE_H
#define CUSHIM_TRACE_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "cushim/cuda_types.h"

struct cushim_api_entry;

struct cushim_trace_stats {
    atomic_ullong calls;
    atomic_ullong total_ns;
};

struct cushim_trace_line {
    char text[1024];
    size_t len;
    int args;
};

/* Whether CUSHIM_TRACE asks for tracing; the first call opens the output. */
int cushim_trace_enabled(void);
uint64_t cushim_trace_now(void);
/* One call's line: begin, each argument decoded by its table type, the result, then finish,
 * which counts the call in *counter and writes the line. */
void cushim_trace_begin(struct cushim_trace_line *l, const char *name);
void cushim_trace_arg(struct cushim_trace_line *l, const char *type, const char *name,
                      const void *value, size_t size);
void cushim_trace_result(struct cushim_trace_line *l, cudaError_t result);
void cushim_trace_finish(struct cushim_trace_line *l, struct cushim_trace_stats *counter,
                         uint64_t ns);
/* Adds a table's rows (entries[i] counted in counters[i]) to the summary printed at exit. */
void cushim_trace_add_summary(const struct cushim_api_entry *entries,
                              struct cushim_trace_stats *counters, int count);

#endif
