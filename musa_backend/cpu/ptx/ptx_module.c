/*
 * ptx_module.c - queries over a parsed module and writing instructions back as text.
 *
 * Owns: ptx_module_free, name look-ups after parsing, and ptx_insn_format (used by dumps and
 * by the engine's messages).  Must not: parse.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ptx.h"

void ptx_module_free(ptx_module *m)
{
    if (!m)
        return;
    free(m->funcs);
    free(m->vars);
    free(m->insns);
    free(m->opnds);
    free(m->regs);
    free(m->data);
    free(m->relocs);
    free((void *)m->strings);
    free(m);
}

uint32_t ptx_find_func(const ptx_module *m, const char *name)
{
    for (uint32_t i = 0; i < m->nfuncs; i++)
        if (strcmp(ptx_str(m, m->funcs[i].name), name) == 0)
            return i;
    return PTX_NONE;
}

uint32_t ptx_find_var(const ptx_module *m, const char *name)
{
    for (uint32_t i = 0; i < m->nvars; i++)
        if (m->vars[i].owner == PTX_NONE && strcmp(ptx_str(m, m->vars[i].name), name) == 0)
            return i;
    return PTX_NONE;
}

struct out {
    char *buf;
    size_t len, pos;
};

static void put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(struct out *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t room = o->pos < o->len ? o->len - o->pos : 0;
    int n = vsnprintf(room ? o->buf + o->pos : NULL, room, fmt, ap);
    va_end(ap);
    if (n > 0)
        o->pos += (size_t)n;
}

static void put_reg(struct out *o, const ptx_module *m, uint32_t r)
{
    const ptx_reg *reg = &m->regs[r];
    if (reg->num == PTX_NONE)
        put(o, "%s", ptx_str(m, reg->name));
    else
        put(o, "%s%u", ptx_str(m, reg->name), reg->num);
}

static void put_opnd(struct out *o, const ptx_module *m, const ptx_operand *op)
{
    if (op->flags & PTX_OPND_F_NEG)
        put(o, "!");
    switch (op->kind) {
    case PTX_OPND_REG:
        put_reg(o, m, op->index);
        break;
    case PTX_OPND_SREG:
        if (ptx_sreg_is_vector((ptx_sreg)op->index))
            put(o, "%s.%c", ptx_sreg_name((ptx_sreg)op->index), "xyzw"[op->comp & 3]);
        else if (op->index == PTX_SREG_ENVREG || op->index == PTX_SREG_PM || op->index == PTX_SREG_RESERVED_SMEM_OFFSET)
            put(o, "%s%u", ptx_sreg_name((ptx_sreg)op->index), op->comp);
        else
            put(o, "%s", ptx_sreg_name((ptx_sreg)op->index));
        break;
    case PTX_OPND_IMM:
        put(o, "%" PRId64, op->imm);
        break;
    case PTX_OPND_F32:
        put(o, "0f%08" PRIX32, (uint32_t)op->imm);
        break;
    case PTX_OPND_F64:
        put(o, "0d%016" PRIX64, (uint64_t)op->imm);
        break;
    case PTX_OPND_SYM:
        put(o, "%s", ptx_str(m, m->vars[op->index].name));
        if (op->imm)
            put(o, "%+" PRId64, op->imm);
        break;
    case PTX_OPND_FUNC:
        put(o, "%s", ptx_str(m, m->funcs[op->index].name));
        break;
    case PTX_OPND_LABEL:
        put(o, "L%u", op->index);
        break;
    case PTX_OPND_ADDR:
        put(o, "[");
        if (op->base_kind == PTX_OPND_REG)
            put_reg(o, m, op->index);
        else if (op->base_kind == PTX_OPND_SYM)
            put(o, "%s", ptx_str(m, m->vars[op->index].name));
        if (op->base_kind == PTX_OPND_NONE)
            put(o, "%" PRId64, op->imm);
        else if (op->imm)
            put(o, "%+" PRId64, op->imm);
        put(o, "]");
        break;
    case PTX_OPND_VEC:
    case PTX_OPND_LIST: {
        /* {vector}, (call list), or [texture, coordinates] */
        int bracket = (op->flags & PTX_OPND_F_BRACKET) != 0;
        put(o, op->kind == PTX_OPND_VEC ? "{" : bracket ? "[" : "(");
        for (unsigned i = 0; i < op->comp; i++) {
            if (i)
                put(o, ", ");
            put_opnd(o, m, &m->opnds[op->index + i]);
        }
        put(o, op->kind == PTX_OPND_VEC ? "}" : bracket ? "]" : ")");
        break;
    }
    case PTX_OPND_PAIR:
        put_opnd(o, m, &m->opnds[op->index]);
        put(o, "|");
        put_opnd(o, m, &m->opnds[op->index + 1]);
        break;
    case PTX_OPND_SINK:
        put(o, "_");
        break;
    default:
        put(o, "?");
        break;
    }
}

size_t ptx_insn_format(const ptx_module *m, const ptx_func *f, const ptx_insn *in, char *buf, size_t len)
{
    struct out o = {buf, len, 0};
    (void)f;
    if (len)
        buf[0] = 0;
    if (in->guard != PTX_NONE) {
        put(&o, "@%s", in->guard_neg ? "!" : "");
        put_reg(&o, m, in->guard);
        put(&o, " ");
    }
    put(&o, "%s", ptx_str(m, in->form));
    for (unsigned i = 0; i < in->nopnds; i++) {
        put(&o, i ? ", " : " ");
        put_opnd(&o, m, ptx_opnd(m, in, i));
    }
    put(&o, ";");
    return o.pos;
}
