/*
 * api_macros.h - the preprocessor machinery that turns one line of api_table.def into code.
 *
 * A table line carries its parameters as (type, name) pairs after an explicit count, e.g.
 *   CUDART_FN(cudaMalloc, MEMORY, IMPL, 2, (void **, devPtr), (size_t, size))
 * CUSHIM_DECLS(n, ...) makes "void ** devPtr, size_t size" (or "void" when n is 0),
 * CUSHIM_ARGS(n, ...) makes "devPtr, size", and CUSHIM_EACH(n, F, ...) applies F(type, name)
 * to every pair with nothing between them.  The count keeps zero-parameter functions well formed
 * and lets the expansion pick a fixed-arity macro; the table never has more than 10 parameters.
 *
 * The status column (IMPL, TODO, PT(base), or ADAPT(base) in api_table_12.def) becomes a tuple
 * (kind, base) through CUSHIM_STATUS, so generators can dispatch on the kind and still reach the
 * base name.
 */
#ifndef CUSHIM_API_MACROS_H
#define CUSHIM_API_MACROS_H

#define CUSHIM_CAT(a, b) CUSHIM_CAT_(a, b)
#define CUSHIM_CAT_(a, b) a##b
#define CUSHIM_STR(x) CUSHIM_STR_(x)
#define CUSHIM_STR_(x) #x

#define CUSHIM_DECL_(type, name) type name
#define CUSHIM_ARG_(type, name) name
#define CUSHIM_DECL(pair) CUSHIM_DECL_ pair
#define CUSHIM_ARG(pair) CUSHIM_ARG_ pair

#define CUSHIM_LIST_0(F, ...)
#define CUSHIM_LIST_1(F, a) F(a)
#define CUSHIM_LIST_2(F, a, ...) F(a), CUSHIM_LIST_1(F, __VA_ARGS__)
#define CUSHIM_LIST_3(F, a, ...) F(a), CUSHIM_LIST_2(F, __VA_ARGS__)
#define CUSHIM_LIST_4(F, a, ...) F(a), CUSHIM_LIST_3(F, __VA_ARGS__)
#define CUSHIM_LIST_5(F, a, ...) F(a), CUSHIM_LIST_4(F, __VA_ARGS__)
#define CUSHIM_LIST_6(F, a, ...) F(a), CUSHIM_LIST_5(F, __VA_ARGS__)
#define CUSHIM_LIST_7(F, a, ...) F(a), CUSHIM_LIST_6(F, __VA_ARGS__)
#define CUSHIM_LIST_8(F, a, ...) F(a), CUSHIM_LIST_7(F, __VA_ARGS__)
#define CUSHIM_LIST_9(F, a, ...) F(a), CUSHIM_LIST_8(F, __VA_ARGS__)
#define CUSHIM_LIST_10(F, a, ...) F(a), CUSHIM_LIST_9(F, __VA_ARGS__)

#define CUSHIM_EACH_0(F, ...)
#define CUSHIM_EACH_1(F, a) F a
#define CUSHIM_EACH_2(F, a, ...) F a CUSHIM_EACH_1(F, __VA_ARGS__)
#define CUSHIM_EACH_3(F, a, ...) F a CUSHIM_EACH_2(F, __VA_ARGS__)
#define CUSHIM_EACH_4(F, a, ...) F a CUSHIM_EACH_3(F, __VA_ARGS__)
#define CUSHIM_EACH_5(F, a, ...) F a CUSHIM_EACH_4(F, __VA_ARGS__)
#define CUSHIM_EACH_6(F, a, ...) F a CUSHIM_EACH_5(F, __VA_ARGS__)
#define CUSHIM_EACH_7(F, a, ...) F a CUSHIM_EACH_6(F, __VA_ARGS__)
#define CUSHIM_EACH_8(F, a, ...) F a CUSHIM_EACH_7(F, __VA_ARGS__)
#define CUSHIM_EACH_9(F, a, ...) F a CUSHIM_EACH_8(F, __VA_ARGS__)
#define CUSHIM_EACH_10(F, a, ...) F a CUSHIM_EACH_9(F, __VA_ARGS__)

#define CUSHIM_DECLS(n, ...) CUSHIM_CAT(CUSHIM_DECLS_, n)(__VA_ARGS__)
#define CUSHIM_DECLS_0(...) void
#define CUSHIM_DECLS_1(...) CUSHIM_LIST_1(CUSHIM_DECL, __VA_ARGS__)
#define CUSHIM_DECLS_2(...) CUSHIM_LIST_2(CUSHIM_DECL, __VA_ARGS__)
#define CUSHIM_DECLS_3(...) CUSHIM_LIST_3(CUSHIM_DECL, __VA_ARGS__)
#define CUSHIM_DECLS_4(...) CUSHIM_LIST_4(CUSHIM_DECL, __VA_ARGS__)
#define CUSHIM_DECLS_5(...) CUSHIM_LIST_5(CUSHIM_DECL, __VA_ARGS__)
#define CUSHIM_DECLS_6(...) CUSHIM_LIST_6(CUSHIM_DECL, __VA_ARGS__)
#define CUSHIM_DECLS_7(...) CUSHIM_LIST_7(CUSHIM_DECL, __VA_ARGS__)
#define CUSHIM_DECLS_8(...) CUSHIM_LIST_8(CUSHIM_DECL, __VA_ARGS__)
#define CUSHIM_DECLS_9(...) CUSHIM_LIST_9(CUSHIM_DECL, __VA_ARGS__)
#define CUSHIM_DECLS_10(...) CUSHIM_LIST_10(CUSHIM_DECL, __VA_ARGS__)
#define CUSHIM_ARGS(n, ...) CUSHIM_CAT(CUSHIM_LIST_, n)(CUSHIM_ARG, __VA_ARGS__)
#define CUSHIM_EACH(n, F, ...) CUSHIM_CAT(CUSHIM_EACH_, n)(F, __VA_ARGS__)

/* Status column: IMPL -> (IMPL, _), TODO -> (TODO, _), PT(base) -> (PT, base),
 * ADAPT(base) -> (ADAPT, base). */
#define CUSHIM_STATUS(status) CUSHIM_STATUS_##status
#define CUSHIM_STATUS_IMPL (IMPL, _)
#define CUSHIM_STATUS_TODO (TODO, _)
#define CUSHIM_STATUS_PT(base) (PT, base)
#define CUSHIM_STATUS_ADAPT(base) (ADAPT, base)
#define CUSHIM_KIND_(kind, base) kind
#define CUSHIM_BASE_(kind, base) base
#define CUSHIM_KIND(tuple) CUSHIM_KIND_ tuple
#define CUSHIM_BASE(tuple) CUSHIM_BASE_ tuple

/* Apply GEN_<kind>(base, name, n, params...) for a table line's status. */
#define CUSHIM_BY_STATUS(GEN, status, name, n, ...)                                               \
    CUSHIM_BY_STATUS_(GEN, CUSHIM_STATUS(status), name, n, __VA_ARGS__)
#define CUSHIM_BY_STATUS_(GEN, tuple, name, n, ...)                                               \
    CUSHIM_BY_STATUS__(GEN, CUSHIM_KIND(tuple), CUSHIM_BASE(tuple), name, n, __VA_ARGS__)
#define CUSHIM_BY_STATUS__(GEN, kind, base, name, n, ...)                                         \
    CUSHIM_CAT(GEN, kind)(base, name, n, __VA_ARGS__)

#endif
