/*
 * eng_fault.c - stopping a launch and saying why.
 *
 * Owns: the one-line messages of kernel failures ("cushim: kernel NAME: what at block
 * (x,y,z) thread (x,y,z): PTX line N: instruction") and recording the launch's first error.
 * Only the first failure of a launch prints; later ones (other blocks hitting the same bug)
 * stay quiet.
 */
#include <stdarg.h>
#include <stdio.h>

#include "eng_internal.h"
#include "mu_log.h"

void eng_describe_insn(const struct engine_module *mod, uint32_t src, char *buf, size_t len,
                       uint32_t *line)
{
    const ptx_module *pm = mod->ptx;
    if (src >= pm->ninsns) {
        snprintf(buf, len, "(end of function)");
        *line = 0;
        return;
    }
    const ptx_insn *pi = &pm->insns[src];
    *line = pi->line;
    ptx_insn_format(pm, NULL, pi, buf, len);
}

int eng_fault(eng_warp *w, const eng_insn *in, int lane, MUresult err, const char *fmt, ...)
{
    eng_block *b = w->blk;
    eng_job *job = b->job;
    int expected = 0;
    atomic_compare_exchange_strong(&job->error, &expected, (int)err);
    int first = 0;
    if (atomic_exchange(&job->printed, 1) == 0)
        first = 1;
    if (first) {
        char what[256], insn[200];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(what, sizeof what, fmt, ap);
        va_end(ap);
        uint32_t line = 0;
        eng_describe_insn(b->mod, in ? in->src : ENG_NONE, insn, sizeof insn, &line);
        if (lane < 0 || lane >= ENG_LANES)
            lane = 0;
        mu_report_from_worker("kernel %s: %s at block (%u,%u,%u) thread (%u,%u,%u): PTX line %u: %s",
                              b->k->name, what, b->ctaid[0], b->ctaid[1], b->ctaid[2],
                              w->tid[0][lane], w->tid[1][lane], w->tid[2][lane], line, insn);
    }
    return ENG_FAULT;
}
