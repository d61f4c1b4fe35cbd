/*
 * eng_builtin.h - the functions a CUDA device provides without PTX: vprintf, malloc, free and
 * __assertfail, called from PTX through `call`.
 *
 * Owns: the interface between the call handler (eng_op_ctrl.c) and their implementations
 * (eng_builtin.c for argument passing, assert and malloc/free; eng_printf.c for printf;
 * eng_heap.c for the device heap).
 */
#ifndef CUSHIM_ENG_BUILTIN_H
#define CUSHIM_ENG_BUILTIN_H

#include "eng_internal.h"

/* Run builtin `which` for the lanes of m with the call site's arguments. */
int eng_builtin_call(eng_warp *w, const eng_insn *in, uint32_t m, const eng_callsite *cs, unsigned which);

/* Argument i of lane l's call as an integer of its declared size (0 when absent); its bytes
 * (aggregates such as dim3) and their count, or NULL; and setting the call's result. */
uint64_t eng_builtin_arg(eng_warp *w, const eng_callsite *cs, uint32_t i, int l);
uint8_t *eng_builtin_arg_bytes(eng_warp *w, const eng_callsite *cs, uint32_t i, int l, uint32_t *size);
void eng_builtin_ret(eng_warp *w, const eng_callsite *cs, int l, uint64_t v);

/* The device runtime (eng_devrt.c): the ENG_BUILTIN_* number of an external function it
 * provides (ENG_BUILTIN_UNKNOWN for others), and a call of one. */
uint32_t eng_devrt_lookup(const char *name);
int eng_devrt_call(eng_warp *w, const eng_insn *in, uint32_t m, const eng_callsite *cs, unsigned which);

/* printf of one lane: format and argument buffer are device addresses.  Returns the number
 * of arguments printed, or -1 when the format cannot be read. */
int eng_vprintf(eng_warp *w, int lane, uint64_t fmt, uint64_t args);

/* Host memory the lane may read at device address a: pointer and bytes up to the end of the
 * allocation (or shared/local area) holding it, or NULL. */
const uint8_t *eng_dev_bytes(eng_warp *w, int lane, uint64_t a, size_t *avail);

/* The device heap of the device owning `host` (created with heap_size bytes on first use). */
uint64_t eng_heap_malloc(const struct engine_host *host, size_t heap_size, uint64_t bytes);
void eng_heap_free(const struct engine_host *host, uint64_t ptr);

#endif
