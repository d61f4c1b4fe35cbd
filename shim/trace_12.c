/*
 * trace_12.c - the trace layer of libcudart.so.12's CUDA 12 entry points: a second
 * cushim_api12_table, generated from api_table_12.def, whose every slot logs the call under its
 * CUDA 12 name and then runs the CUDA 12 implementation.  Line format, argument decoding and
 * the summary are trace.c's.  Part of libcudart.so.12 only.
 *
 * An adapter's inner call of a CUDA 13 implementation is not logged again: the trace shows what
 * the program called.
 */
#include "api12.h"
#include "trace.h"

static struct cushim_trace_stats stats12[CUSHIM_API12_COUNT];

#define TRACE12_ARG(type, name) cushim_trace_arg(&l, #type, #name, &name, sizeof name);
#define TRACE12(name, n, ...)                                                                     \
    static cudaError_t trace12_##name(CUSHIM_DECLS(n, __VA_ARGS__))                               \
    {                                                                                             \
        uint64_t t0 = cushim_trace_now();                                                         \
        cudaError_t result = cushim_impl12_table.name(CUSHIM_ARGS(n, __VA_ARGS__));               \
        uint64_t t1 = cushim_trace_now();                                                         \
        struct cushim_trace_line l;                                                               \
        cushim_trace_begin(&l, #name);                                                            \
        CUSHIM_EACH(n, TRACE12_ARG, __VA_ARGS__)                                                  \
        cushim_trace_result(&l, result);                                                          \
        cushim_trace_finish(&l, &stats12[CUSHIM12_IDX_##name], t1 - t0);                          \
        return result;                                                                            \
    }
#define CUDART12_ABSENT(name)
#define CUDART12_ALIAS(name, group, base, n, ...) TRACE12(name, n, __VA_ARGS__)
#define CUDART12_FN(name, group, status, n, ...) TRACE12(name, n, __VA_ARGS__)
#include "api_table_12.def"
#undef CUDART12_ABSENT
#undef CUDART12_ALIAS
#undef CUDART12_FN

static const struct cushim_api12_table trace12_table = {
#define CUDART12_ABSENT(name)
#define CUDART12_ALIAS(name, group, base, n, ...) .name = trace12_##name,
#define CUDART12_FN(name, group, status, n, ...) .name = trace12_##name,
#include "api_table_12.def"
#undef CUDART12_ABSENT
#undef CUDART12_ALIAS
#undef CUDART12_FN
};

__attribute__((constructor)) static void trace12_start(void)
{
    if (cushim_trace_enabled()) {
        cushim_api12 = &trace12_table;
        cushim_trace_add_summary(cushim_api12_entries, stats12, CUSHIM_API12_COUNT);
    }
}
