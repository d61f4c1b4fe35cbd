/*
 * eng_mem.h - turning a lane's PTX address into a checked host pointer.
 *
 * Owns: the address spaces as the engine implements them.  Device memory is host memory, so a
 * global address is a host address that must lie inside a live allocation; each memory
 * instruction caches the allocation it touched last (w->ranges[in->x]) so the common check is
 * one subtraction and compare per lane.  Shared addresses are offsets into the block's shared
 * buffer; local addresses are offsets into the lane's own local area; generic addresses are
 * host addresses and are sorted into shared / local / global by range.  Misaligned addresses
 * fault like on the GPU.  Used by eng_op_mem.c and eng_op_atom.c.
 */
#ifndef CUSHIM_ENG_MEM_H
#define CUSHIM_ENG_MEM_H

#include "eng_internal.h"

enum eng_space {
    ENG_SP_GENERIC = 0,
    ENG_SP_GLOBAL = 1,
    ENG_SP_SHARED = 2,
    ENG_SP_LOCAL = 3,
    ENG_SP_KPARAM = 4, /* the kernel's parameter buffer (uniform) */
    ENG_SP_CONST = 5
};

/* mode bits of memory instructions */
#define ENG_M_SPACE 7u
#define ENG_M_SIGN 8u       /* sign-extend loads */
#define ENG_M_ORDERED 16u   /* .volatile / .relaxed: single-copy atomic access */
#define ENG_M_ACQREL 32u    /* .acquire loads / .release stores */
#define ENG_M_FRAME 64u     /* add the frame's local base (local symbols of called functions) */
#define ENG_M_BASE32 128u   /* the address register is 32 bits wide */
#define ENG_M_POLL 256u     /* a .volatile/.relaxed/.acquire load of shared memory: watched for spins */

/* Look up the allocation holding [a, a+size) through the host; 1 when found. */
int eng_find_global(eng_warp *w, uint64_t a, unsigned size, eng_range *r);

/* Fault for lane l's access at address a (illegal or misaligned). */
int eng_mem_fault(eng_warp *w, const eng_insn *in, int lane, uint64_t a, unsigned size, int store,
                  const char *space);

/* The address operand of lane l before any space translation. */
static inline uint64_t eng_lane_addr(const eng_warp *w, const eng_insn *in, int l)
{
    uint64_t base;
    if (in->mode & ENG_M_BASE32)
        base = ((const uint32_t *)(const void *)(w->regs + in->a))[l];
    else
        base = ((const uint64_t *)(const void *)(w->regs + in->a))[l];
    return base + (uint64_t)in->imm;
}

/* A kernel parameter's address is either its offset in the launch's parameter buffer or the
 * buffer's generic (host) address plus that offset: nvcc hands the address of a parameter on
 * with and without cvta.param.  No host address is as small as a parameter buffer. */
static inline uint64_t kparam_generic(const eng_block *b, uint64_t a)
{
    uint64_t base = (uint64_t)(uintptr_t)b->job->params;
    return a < b->k->params_bytes ? a + base : a;
}

static inline uint64_t kparam_offset(const eng_block *b, uint64_t a)
{
    uint64_t base = (uint64_t)(uintptr_t)b->job->params;
    return a - base < b->k->params_bytes ? a - base : a;
}

/* One lane's access of `bytes` contiguous bytes at a (an address of `space`, ENG_SP_*; shared
 * and local addresses are offsets, a called function's local ones from its frame when in->mode
 * has ENG_M_FRAME), aligned to `align`: the host pointer, or ENG_FAULT (already reported).  For
 * the instructions that move whole blocks (matrix fragments, asynchronous copies); global
 * look-ups go through in->x's range cache. */
int eng_resolve_span(eng_warp *w, const eng_insn *in, int lane, unsigned space, uint64_t a, uint64_t bytes,
                     unsigned align, int store, uint8_t **p);

/* Resolve every lane of m to a host pointer.  Returns ENG_OK or ENG_FAULT (already reported). */
int eng_resolve(eng_warp *w, const eng_insn *in, uint32_t m, unsigned size, int store, uint8_t **p);

/* A spin-wait re-reads a flag that has not changed.  An ordered load (or an atomic) that sees
 * what it saw last time at the same instruction marks the warp as polling; its next backward
 * branch then lets the block's other warps run (h_bra), and its block tells the launch it spins
 * (eng_launch.c may then start the block it waits for), instead of spinning through a whole
 * time slice while whoever would set the flag waits. */
static inline void eng_note_poll(eng_warp *w, const eng_insn *in, uint64_t sig)
{
    uint32_t pc = eng_pc_of(w, in);
    if (w->poll_pc == pc && w->poll_sig == sig)
        w->polling = 1;
    w->poll_pc = pc;
    w->poll_sig = sig;
}

#endif
