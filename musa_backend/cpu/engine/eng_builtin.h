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
