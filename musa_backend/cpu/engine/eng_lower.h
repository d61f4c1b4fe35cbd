/*
 * eng_lower.h - how an instruction family turns a ptx_insn into eng_insn records.
 *
 * Owns: the interface between the lowering driver (eng_lower.c: frame layout, operands,
 * constants, labels) and the family files (eng_op_*.c), each of which exports one
 * eng_lower_<family>() that picks handlers for its opcodes.  Adding an instruction family is a
 * new eng_op_<family>.c with its handlers and lowering function, and one line in the family
 * switch of eng_lower.c.
 */
#ifndef CUSHIM_ENG_LOWER_H
#define CUSHIM_ENG_LOWER_H

#include "eng_internal.h"

typedef struct eng_lower eng_lower;

/* The module and function being lowered. */
const ptx_module *eng_l_ptx(const eng_lower *L);
struct engine_module *eng_l_mod(const eng_lower *L);
const ptx_func *eng_l_func(const eng_lower *L);
int eng_l_is_entry(const eng_lower *L);

/* Append an instruction for the current ptx insn (guard already filled in); fn must be set. */
eng_insn *eng_emit(eng_lower *L, eng_fn fn);
/* The instruction emitted last (valid until the next emit). */
eng_insn *eng_last(eng_lower *L);
/* pc the next emitted instruction will have. */
uint32_t eng_next_pc(const eng_lower *L);
/* Record that insn `pc`'s imm holds a function-local ptx insn index to turn into a pc. */
void eng_fix_label(eng_lower *L, uint32_t pc);

/* Operand i of the current insn. */
const ptx_operand *eng_op(const eng_lower *L, unsigned i);
const ptx_operand *eng_elem(const eng_lower *L, const ptx_operand *v, unsigned i);

/* Register width of an operand in bytes per lane: 2, 4 or 8; 1 for a predicate; 0 when the
 * operand is not a register. */
unsigned eng_reg_width(const eng_lower *L, const ptx_operand *o);
/* Width in bytes per lane a slot of type t has (2 for 8/16-bit types, 1 for .pred). */
unsigned eng_type_width(ptx_type t);

/* Frame offset of a source operand read as type `as` (registers as they are; immediates,
 * symbol addresses and special registers become constant or temporary slots).  ENG_NONE and
 * the instruction is marked unsupported when the operand cannot be read that way. */
uint32_t eng_src(eng_lower *L, const ptx_operand *o, ptx_type as);
/* Frame offset of a destination register (a sink `_` writes to scratch). */
uint32_t eng_dst(eng_lower *L, const ptx_operand *o);
/* A constant slot holding `bits` (width 2, 4 or 8 bytes per lane; 1 = predicate word). */
uint32_t eng_const(eng_lower *L, uint64_t bits, unsigned width);
/* A fresh temporary slot of `width` bytes per lane. */
uint32_t eng_temp(eng_lower *L, unsigned width);
/* A vector-slot record; returns its index (eng_insn.x). */
uint32_t eng_vslots_add(eng_lower *L, const uint32_t *slots, unsigned n);
/* A new range-cache index for a memory instruction. */
uint32_t eng_range_index(eng_lower *L);
/* Mark the current instruction unsupported (it is still emitted as a trap). */
int eng_unsupported(eng_lower *L);

/* Integer value of an immediate operand (for shapes like bar ids, bfe lengths). */
int eng_imm(const ptx_operand *o, int64_t *v);

/* Modifier helpers over the current insn. */
int eng_has(const ptx_insn *pi, ptx_mod m);
ptx_type eng_type(const ptx_insn *pi, unsigned i); /* PTX_T_NONE when absent */
int eng_rounding(const ptx_insn *pi);               /* ENG_RND_* */

enum eng_rnd { ENG_RND_DEFAULT = 0, ENG_RND_RN, ENG_RND_RZ, ENG_RND_RM, ENG_RND_RP, ENG_RND_RNA };

/* The family lowerings: 0 handled, -1 unsupported. */
int eng_lower_int(eng_lower *L, const ptx_insn *pi);
int eng_lower_bit(eng_lower *L, const ptx_insn *pi);
int eng_lower_float(eng_lower *L, const ptx_insn *pi);
int eng_lower_half(eng_lower *L, const ptx_insn *pi);
int eng_lower_cmp(eng_lower *L, const ptx_insn *pi);
int eng_lower_cvt(eng_lower *L, const ptx_insn *pi);
/* The narrow conversions (eng_op_cvt8.c): is this cvt one of them, and its lowering. */
int eng_cvt_narrow_form(const ptx_insn *pi);
int eng_lower_cvt_narrow(eng_lower *L, const ptx_insn *pi);
int eng_lower_mov(eng_lower *L, const ptx_insn *pi);
int eng_lower_mem(eng_lower *L, const ptx_insn *pi);
int eng_lower_stack(eng_lower *L, const ptx_insn *pi);
int eng_lower_atom(eng_lower *L, const ptx_insn *pi);
int eng_lower_ctrl(eng_lower *L, const ptx_insn *pi);
int eng_lower_sync(eng_lower *L, const ptx_insn *pi);
int eng_lower_warp(eng_lower *L, const ptx_insn *pi);
int eng_lower_video(eng_lower *L, const ptx_insn *pi);
int eng_lower_tex(eng_lower *L, const ptx_insn *pi); /* eng_op_tex.c, eng_op_surf.c */
int eng_lower_mma(eng_lower *L, const ptx_insn *pi);   /* eng_op_mma.c */
int eng_lower_async(eng_lower *L, const ptx_insn *pi); /* eng_op_async.c */

/* The address operand of a memory instruction (eng_op_mem.c): fills the base slot, offset
 * and the space bits of mode (eng_mem.h); space is the ENG_SP_* the suffix names.  -1 when the
 * address cannot be handled. */
int eng_lower_address(eng_lower *L, const ptx_operand *ad, int space, uint16_t *mode, uint32_t *a,
                      int64_t *imm);
int eng_space_of(const ptx_insn *pi);

/* Special-register reads (eng_op_mov.c), used by eng_src for sregs in any operand. */
void eng_emit_sreg(eng_lower *L, uint32_t dst, unsigned width, const ptx_operand *o);
/* Local-symbol address into dst (eng_op_mov.c), for frames whose local base is not 0. */
void eng_emit_local_addr(eng_lower *L, uint32_t dst, unsigned width, uint64_t off);
/* A temporary holding the generic address of the kernel parameter at offset off (eng_op_mem.c). */
uint32_t eng_kparam_addr(eng_lower *L, uint64_t off);

#endif
