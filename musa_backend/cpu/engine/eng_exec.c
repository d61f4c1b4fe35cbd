/*
 * eng_exec.c - the interpreter loop: run one warp until it blocks, yields, finishes or faults.
 *
 * Owns: the hot loop and nothing else.  Per instruction it does one compare (does a parked
 * group need to run first?), one guard read and one indirect call; all decoding happened at
 * load time.  Handlers return ENG_OK to continue at w->pc, which the loop has already set to
 * the next instruction before the call (control-flow handlers overwrite it).
 */
#include "eng_internal.h"

int eng_warp_run(eng_warp *w)
{
    const eng_insn *code = w->code;
    for (;;) {
        uint32_t pc = w->pc;
        if (__builtin_expect(pc >= w->resched_pc, 0)) {
            int r = eng_resched(w);
            if (r != ENG_OK)
                return r;
            continue;
        }
        const eng_insn *in = &code[pc];
        uint32_t m = w->active & (*(const uint32_t *)(const void *)(w->regs + in->guard) ^ in->gneg);
        w->pc = pc + 1;
        if (m) {
            int r = in->fn(w, in, m);
            if (__builtin_expect(r != ENG_OK, 0))
                return r;
        }
    }
}
