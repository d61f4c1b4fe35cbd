/*
 * fuzz_ptx_one.h - what one input of the PTX parser fuzzer does, shared by the libFuzzer target
 * (fuzz_ptx.c) and the corpus replay in `make test` (tests/unit/test_fuzz_corpus.c), so the
 * replay runs exactly what the fuzzer ran.
 *
 * Any bytes are offered as PTX text (NUL-terminated copy of exactly `size` bytes).  A module
 * that parses is walked: every instruction is formatted back to text and every operand, string
 * and variable index the IR holds is checked to lie inside the module, so a parser that builds
 * a dangling index is caught here, not later in the engine.  Returns 1 when the text parsed.
 */
#ifndef CUSHIM_FUZZ_PTX_ONE_H
#define CUSHIM_FUZZ_PTX_ONE_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/ptx/ptx.h"

/* A broken IR invariant: abort, which the fuzzer reports as a crash with the input. */
#define FUZZ_REQUIRE(cond) \
    do {                   \
        if (!(cond))       \
            abort();       \
    } while (0)

static void fuzz_ptx_check_operand(const ptx_module *m, const ptx_operand *o, int depth)
{
    FUZZ_REQUIRE(depth < 4);
    switch (o->kind) {
    case PTX_OPND_REG:
        FUZZ_REQUIRE(o->index < m->nregs);
        break;
    case PTX_OPND_SYM:
        FUZZ_REQUIRE(o->index < m->nvars);
        break;
    case PTX_OPND_FUNC:
        FUZZ_REQUIRE(o->index < m->nfuncs);
        break;
    case PTX_OPND_ADDR:
        if (o->base_kind == PTX_OPND_REG)
            FUZZ_REQUIRE(o->index < m->nregs);
        else if (o->base_kind == PTX_OPND_SYM)
            FUZZ_REQUIRE(o->index < m->nvars);
        break;
    case PTX_OPND_VEC:
    case PTX_OPND_PAIR:
    case PTX_OPND_LIST:
        FUZZ_REQUIRE((uint64_t)o->index + o->comp <= m->nopnds);
        for (unsigned i = 0; i < o->comp; i++)
            fuzz_ptx_check_operand(m, ptx_elem(m, o, i), depth + 1);
        break;
    default:
        break;
    }
}

static int fuzz_ptx_one(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (text == NULL)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    ptx_module *m = NULL;
    char err[256];
    int ok = ptx_parse(text, size, &m, err, sizeof err) == 0 && m != NULL;
    if (!ok) {
        FUZZ_REQUIRE(m == NULL && memchr(err, '\0', sizeof err) != NULL);
        free(text);
        return 0;
    }
    for (uint32_t f = 0; f < m->nfuncs; f++) {
        const ptx_func *fn = &m->funcs[f];
        FUZZ_REQUIRE(fn->name < m->nstrings);
        FUZZ_REQUIRE((uint64_t)fn->insns + fn->ninsns <= m->ninsns);
        FUZZ_REQUIRE((uint64_t)fn->params + fn->nparams <= m->nvars);
        FUZZ_REQUIRE((uint64_t)fn->rets + fn->nrets <= m->nvars);
        FUZZ_REQUIRE((uint64_t)fn->regs + fn->nregs <= m->nregs);
        for (uint32_t i = fn->insns; i < fn->insns + fn->ninsns; i++) {
            const ptx_insn *in = &m->insns[i];
            FUZZ_REQUIRE(in->form < m->nstrings);
            FUZZ_REQUIRE(in->guard == PTX_NONE || in->guard < m->nregs);
            FUZZ_REQUIRE((uint64_t)in->opnds + in->nopnds <= m->nopnds);
            for (unsigned k = 0; k < in->nopnds; k++) {
                const ptx_operand *o = ptx_opnd(m, in, k);
                fuzz_ptx_check_operand(m, o, 0);
                if (o->kind == PTX_OPND_LABEL)
                    FUZZ_REQUIRE(o->index <= fn->ninsns);
            }
            char buf[512];
            size_t n = ptx_insn_format(m, fn, in, buf, sizeof buf);
            /* snprintf's rule: the length it wanted, the text cut to the buffer */
            FUZZ_REQUIRE(strlen(buf) == (n < sizeof buf ? n : sizeof buf - 1));
        }
    }
    for (uint32_t v = 0; v < m->nvars; v++) {
        const ptx_var *var = &m->vars[v];
        FUZZ_REQUIRE(var->name < m->nstrings);
        FUZZ_REQUIRE(var->owner == PTX_NONE || var->owner < m->nfuncs);
        FUZZ_REQUIRE(var->init == PTX_NONE || (uint64_t)var->init + var->size <= m->ndata);
        FUZZ_REQUIRE((uint64_t)var->relocs + var->nrelocs <= m->nrelocs);
    }
    ptx_module_free(m);
    free(text);
    return 1;
}

#endif
