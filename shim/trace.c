/*
 * trace.c - the trace layer: with CUSHIM_TRACE=1 (stderr) or CUSHIM_TRACE=PATH, every runtime
 * call is logged as one line - name, arguments decoded by type, result, duration - and a summary
 * per function is printed at exit, in the style of ltrace and nsys's API trace.
 *
 * It is a layer in the Vulkan loader's sense: a second dispatch table, generated from
 * api_table.def like the first, whose every slot logs and then calls the implementation.  With
 * tracing off the exports never reach this file.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "api.h"
#include "runtime.h"
#include "trace.h"

static FILE *out;

static struct cushim_trace_stats stats[CUSHIM_API_COUNT];

/* Further tables' summaries (trace_12.c's), printed after this one's. */
static struct {
    const struct cushim_api_entry *entries;
    struct cushim_trace_stats *stats;
    int count;
} more_tables[2];
static int more_table_count;

uint64_t cushim_trace_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}


static void put(struct cushim_trace_line *l, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void put(struct cushim_trace_line *l, const char *fmt, ...)
{
    if (l->len >= sizeof l->text - 1)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(l->text + l->len, sizeof l->text - l->len, fmt, ap);
    va_end(ap);
    if (n > 0)
        l->len += (size_t)n < sizeof l->text - l->len ? (size_t)n : sizeof l->text - l->len - 1;
}

void cushim_trace_begin(struct cushim_trace_line *l, const char *name)
{
    l->len = 0;
    l->args = 0;
    put(l, "cushim-trace: [%ld] %s(", (long)syscall(SYS_gettid), name);
}

static const char *memcpy_kind(int kind)
{
    static const char *const names[] = {"cudaMemcpyHostToHost", "cudaMemcpyHostToDevice",
                                        "cudaMemcpyDeviceToHost", "cudaMemcpyDeviceToDevice",
                                        "cudaMemcpyDefault"};
    return kind >= 0 && kind <= 4 ? names[kind] : NULL;
}

/* One value, decoded by the type the API table gives it; name is its parameter's name. */
static void value_of(struct cushim_trace_line *l, const char *type, const char *name,
                     const void *value, size_t size)
{
    if (strcmp(type, "dim3") == 0 || strcmp(type, "uint3") == 0) {
        const unsigned *d = value;
        put(l, "(%u,%u,%u)", d[0], d[1], d[2]);
    } else if (strcmp(type, "cudaStream_t") == 0) {
        void *s = *(void *const *)value;
        if (s == NULL)
            put(l, "0");
        else if (s == (void *)cudaStreamLegacy)
            put(l, "cudaStreamLegacy");
        else if (s == (void *)cudaStreamPerThread)
            put(l, "cudaStreamPerThread");
        else
            put(l, "%p", s);
    } else if (strcmp(type, "enum cudaMemcpyKind") == 0 && memcpy_kind(*(const int *)value)) {
        put(l, "%s", memcpy_kind(*(const int *)value));
    } else if (strcmp(type, "cudaError_t") == 0) {
        put(l, "%s", impl_cudaGetErrorName(*(const cudaError_t *)value));
    } else if (strcmp(type, "const char *") == 0 &&
               (strcmp(name, "deviceName") == 0 || name[0] == '\0')) {
        const char *s = *(const char *const *)value;
        put(l, s != NULL ? "\"%s\"" : "%s", s != NULL ? s : "NULL");
    } else if (strcmp(type, "float") == 0) {
        put(l, "%g", (double)*(const float *)value);
    } else if (strcmp(type, "size_t") == 0 ||
               (strstr(type, "long long") != NULL && strchr(type, '*') == NULL)) {
        if (strstr(type, "unsigned") != NULL || type[0] == 's')
            put(l, "%llu", *(const unsigned long long *)value);
        else
            put(l, "%lld", *(const long long *)value);
    } else if (size == sizeof(int) && (strncmp(type, "enum ", 5) == 0 || strstr(type, "int") ||
                                       strcmp(type, "unsigned") == 0)) {
        if (strstr(type, "unsigned") != NULL)
            put(l, "%u", *(const unsigned *)value);
        else
            put(l, "%d", *(const int *)value);
    } else if (strchr(type, '*') != NULL || (strstr(type, "_t") != NULL &&
                                              size == sizeof(void *))) {
        /* Pointers and opaque handles: the address is what identifies them. */
        void *p = *(void *const *)value;
        put(l, p != NULL ? "%p" : "NULL", p);
    } else {
        put(l, "<%s, %zu bytes>", type, size);
    }
}

void cushim_trace_arg(struct cushim_trace_line *l, const char *type, const char *name,
                      const void *value, size_t size)
{
    put(l, "%s%s=", l->args++ ? ", " : "", name);
    value_of(l, type, name, value, size);
}

void cushim_trace_result(struct cushim_trace_line *l, cudaError_t result)
{
    put(l, ") = %s", impl_cudaGetErrorName(result));
}

void cushim_trace_finish(struct cushim_trace_line *l, struct cushim_trace_stats *counter,
                         uint64_t ns)
{
    atomic_fetch_add(&counter->calls, 1);
    atomic_fetch_add(&counter->total_ns, ns);
    put(l, " <%.3f us>\n", (double)ns / 1000.0);
    flockfile(out);
    fwrite(l->text, 1, l->len, out);
    funlockfile(out);
}

#define TRACE_ARG(type, name) cushim_trace_arg(&l, #type, #name, &name, sizeof name);
#define CUDART_FN(name, group, status, n, ...)                                                    \
    static cudaError_t trace_##name(CUSHIM_DECLS(n, __VA_ARGS__))                                 \
    {                                                                                             \
        uint64_t t0 = cushim_trace_now();                                                         \
        cudaError_t result = cushim_impl_table.name(CUSHIM_ARGS(n, __VA_ARGS__));                 \
        uint64_t t1 = cushim_trace_now();                                                         \
        struct cushim_trace_line l;                                                               \
        cushim_trace_begin(&l, #name);                                                            \
        CUSHIM_EACH(n, TRACE_ARG, __VA_ARGS__)                                                    \
        cushim_trace_result(&l, result);                                                          \
        cushim_trace_finish(&l, &stats[CUSHIM_IDX_##name], t1 - t0);                              \
        return result;                                                                            \
    }
#define CUDART_RET(ret, name, group, n, ...)                                                      \
    static ret trace_##name(CUSHIM_DECLS(n, __VA_ARGS__))                                         \
    {                                                                                             \
        uint64_t t0 = cushim_trace_now();                                                         \
        ret result = cushim_impl_table.name(CUSHIM_ARGS(n, __VA_ARGS__));                         \
        uint64_t t1 = cushim_trace_now();                                                         \
        struct cushim_trace_line l;                                                               \
        cushim_trace_begin(&l, #name);                                                            \
        CUSHIM_EACH(n, TRACE_ARG, __VA_ARGS__)                                                    \
        put(&l, ") = ");                                                                          \
        value_of(&l, #ret, "", &result, sizeof result);                                           \
        cushim_trace_finish(&l, &stats[CUSHIM_IDX_##name], t1 - t0);                              \
        return result;                                                                            \
    }
#define CUDART_VOID(name, group, n, ...)                                                          \
    static void trace_##name(CUSHIM_DECLS(n, __VA_ARGS__))                                        \
    {                                                                                             \
        uint64_t t0 = cushim_trace_now();                                                         \
        cushim_impl_table.name(CUSHIM_ARGS(n, __VA_ARGS__));                                      \
        uint64_t t1 = cushim_trace_now();                                                         \
        struct cushim_trace_line l;                                                               \
        cushim_trace_begin(&l, #name);                                                            \
        CUSHIM_EACH(n, TRACE_ARG, __VA_ARGS__)                                                    \
        put(&l, ")");                                                                             \
        cushim_trace_finish(&l, &stats[CUSHIM_IDX_##name], t1 - t0);                              \
    }
#include "api_table.def"
#undef CUDART_FN
#undef CUDART_RET
#undef CUDART_VOID

static const struct cushim_api_table trace_table = {
#define CUDART_FN(name, group, status, n, ...) .name = trace_##name,
#define CUDART_RET(ret, name, group, n, ...) .name = trace_##name,
#define CUDART_VOID(name, group, n, ...) .name = trace_##name,
#include "api_table.def"
#undef CUDART_FN
#undef CUDART_RET
#undef CUDART_VOID
};

static void print_rows(const struct cushim_api_entry *entries, struct cushim_trace_stats *counters,
                       int count)
{
    for (int i = 0; i < count; i++) {
        unsigned long long calls = atomic_load(&counters[i].calls);
        if (calls == 0)
            continue;
        double total = (double)atomic_load(&counters[i].total_ns) / 1000.0;
        fprintf(out, "cushim-trace: %-44s %8llu %14.3f %12.3f\n", entries[i].name, calls, total,
                total / (double)calls);
    }
}

static void print_summary(void)
{
    flockfile(out);
    fprintf(out, "cushim-trace: summary\n");
    fprintf(out, "cushim-trace: %-44s %8s %14s %12s\n", "function", "calls", "total (us)",
            "mean (us)");
    print_rows(cushim_api_entries, stats, CUSHIM_API_COUNT);
    for (int t = 0; t < more_table_count; t++)
        print_rows(more_tables[t].entries, more_tables[t].stats, more_tables[t].count);
    funlockfile(out);
    fflush(out);
}

void cushim_trace_add_summary(const struct cushim_api_entry *entries,
                              struct cushim_trace_stats *counters, int count)
{
    if (more_table_count < (int)(sizeof more_tables / sizeof more_tables[0])) {
        more_tables[more_table_count].entries = entries;
        more_tables[more_table_count].stats = counters;
        more_tables[more_table_count].count = count;
        more_table_count++;
    }
}

/* Decides once, for every table's constructor, whether and where to trace. */
static pthread_once_t start_once = PTHREAD_ONCE_INIT;
static void open_output(void)
{
    const char *setting = getenv("CUSHIM_TRACE");
    if (setting == NULL || setting[0] == '\0' || strcmp(setting, "0") == 0)
        return;
    if (strcmp(setting, "1") == 0 || strcmp(setting, "stderr") == 0) {
        out = stderr;
    } else {
        out = fopen(setting, "w");
        if (out == NULL) {
            fprintf(stderr, "cushim: cannot open trace file %s; tracing to stderr\n", setting);
            out = stderr;
        }
    }
    atexit(print_summary);
}

int cushim_trace_enabled(void)
{
    pthread_once(&start_once, open_output);
    return out != NULL;
}

/* Runs when the library is loaded, before the program's own constructors register modules. */
__attribute__((constructor)) static void trace_start(void)
{
    if (cushim_trace_enabled())
        cushim_api = &trace_table;
}
