/*
 * ptx_parse_body.c - the grammar inside a function body: register and variable declarations,
 * { } scopes, labels, guards, instructions and their operands.
 *
 * Owns: turning one function's statements into ptx_insn/ptx_operand records with every name
 * resolved.  Opcodes and suffixes are classified through the tables; an unknown one marks the
 * instruction (insn->unknown) instead of failing, so the engine can report it at launch.
 */
#include <string.h>

#include "ptx_parse_int.h"

#define MAX_TOP_OPNDS 8
#define MAX_ELEMS 64

void ptx_parse_reg_decl(ptx_parser *ps)
{
    uint32_t line = ps->tok.line;
    ptx_next(ps);
    unsigned vec = 1;
    if (ptx_is_dir(&ps->tok, ".v2") || ptx_is_dir(&ps->tok, ".v4") || ptx_is_dir(&ps->tok, ".v8")) {
        vec = (unsigned)(ps->tok.s[2] - '0');
        ptx_next(ps);
    }
    ptx_type type = PTX_T_NONE;
    if (ps->tok.kind == PTX_TK_DIR && ps->tok.len > 1)
        type = ptx_type_lookup(ps->tok.s + 1, ps->tok.len - 1);
    if (type == PTX_T_NONE)
        ptx_fail(ps, line, "register declaration without a type");
    ptx_next(ps);
    for (;;) {
        if (ps->tok.kind != PTX_TK_IDENT)
            ptx_fail(ps, ps->tok.line, "expected a register name");
        uint32_t name = ptx_intern(ps, ps->tok.s, ps->tok.len);
        ptx_next(ps);
        if (ptx_is_punct(&ps->tok, '<')) {
            ptx_next(ps);
            uint64_t n = ptx_expect_int(ps);
            ptx_expect_punct(ps, '>');
            if (n > 1000000)
                ptx_fail(ps, line, "too many registers");
            uint32_t first = ps->m->nregs;
            for (uint32_t i = 0; i < (uint32_t)n; i++) {
                uint32_t r = ptx_new_reg(ps);
                ps->m->regs[r].name = name;
                ps->m->regs[r].num = i;
                ps->m->regs[r].type = (uint8_t)type;
                ps->m->regs[r].vec = (uint8_t)vec;
            }
            ptx_sym_add(ps, name, SYM_REGRANGE, first, (uint32_t)n);
        } else {
            uint32_t r = ptx_new_reg(ps);
            ps->m->regs[r].name = name;
            ps->m->regs[r].num = PTX_NONE;
            ps->m->regs[r].type = (uint8_t)type;
            ps->m->regs[r].vec = (uint8_t)vec;
            ptx_sym_add(ps, name, SYM_REG, r, 0);
        }
        if (!ptx_is_punct(&ps->tok, ','))
            break;
        ptx_next(ps);
    }
    ptx_expect_punct(ps, ';');
}

/* Append operands to the pool contiguously; returns the index of the first. */
static uint32_t append_opnds(ptx_parser *ps, const ptx_operand *ops, unsigned n)
{
    uint32_t first = ps->m->nopnds;
    for (unsigned i = 0; i < n; i++) {
        uint32_t k = ptx_new_opnd(ps);
        ps->m->opnds[k] = ops[i];
    }
    return first;
}

static const char comp_names[] = "xyzw";

/* An identifier in operand position: special register, register, variable, function, or a
 * label to be resolved when the function ends. */
static void resolve_ident(ptx_parser *ps, const char *s, uint32_t len, ptx_operand *o, uint32_t line)
{
    if (len > 1 && s[0] == '%') {
        const char *dot = memchr(s, '.', len);
        uint32_t blen = dot ? (uint32_t)(dot - s) : len;
        ptx_sreg sr = ptx_sreg_lookup(s, blen);
        unsigned comp = 0;
        if (sr == PTX_SREG_NONE) {
            /* numbered families: %envreg3, %pm0, %pm0_64 */
            uint32_t d = blen;
            int is64 = blen > 3 && memcmp(s + blen - 3, "_64", 3) == 0;
            if (is64)
                d -= 3;
            uint32_t e = d;
            while (d > 0 && s[d - 1] >= '0' && s[d - 1] <= '9')
                d--;
            if (d < e && e - d <= 2) {
                ptx_sreg fam = ptx_sreg_lookup(s, d);
                if (fam == PTX_SREG_ENVREG || fam == PTX_SREG_PM || fam == PTX_SREG_RESERVED_SMEM_OFFSET) {
                    sr = is64 && fam == PTX_SREG_PM ? PTX_SREG_PM64 : fam;
                    for (uint32_t i = d; i < e; i++)
                        comp = comp * 10 + (unsigned)(s[i] - '0');
                }
            }
        }
        if (sr != PTX_SREG_NONE) {
            if (ptx_sreg_is_vector(sr)) {
                if (!dot || len - blen != 2 || !memchr(comp_names, s[blen + 1], 4))
                    ptx_fail(ps, line, "special register '%.*s' needs .x, .y or .z", (int)len, s);
                comp = (unsigned)((const char *)memchr(comp_names, s[blen + 1], 4) - comp_names);
            } else if (dot) {
                ptx_fail(ps, line, "bad special register '%.*s'", (int)len, s);
            }
            o->kind = PTX_OPND_SREG;
            o->index = sr;
            o->comp = (uint8_t)comp;
            return;
        }
    }
    if (len == 7 && memcmp(s, "WARP_SZ", 7) == 0) { /* PTX's predefined warp size */
        o->kind = PTX_OPND_IMM;
        o->imm = 32;
        return;
    }
    uint32_t r = ptx_reg_find(ps, s, len);
    if (r != PTX_NONE) {
        o->kind = PTX_OPND_REG;
        o->index = r;
        return;
    }
    uint32_t name = ptx_intern(ps, s, len);
    const struct ptx_sym *sym = ptx_sym_find(ps, name);
    if (sym && sym->kind == SYM_VAR) {
        o->kind = PTX_OPND_SYM;
        o->index = sym->index;
        return;
    }
    if (sym && sym->kind == SYM_FUNC) {
        o->kind = PTX_OPND_FUNC;
        o->index = sym->index;
        return;
    }
    if (sym && sym->kind == SYM_REGRANGE)
        ptx_fail(ps, line, "register '%.*s' is outside its declared range", (int)len, s);
    const char *sel = memchr(s, '.', len);
    if (sel) {
        /* %r.b0123, %r.h1: a video instruction's byte/half selector on a register */
        uint32_t rl = (uint32_t)(sel - s), ok = len - rl >= 3 && (sel[1] == 'b' || sel[1] == 'h');
        for (uint32_t i = rl + 2; ok && i < len; i++)
            ok = s[i] >= '0' && s[i] <= (sel[1] == 'b' ? '7' : '1');
        uint32_t base = ok ? ptx_reg_find(ps, s, rl) : PTX_NONE;
        if (base == PTX_NONE)
            ptx_fail(ps, line, "unknown name '%.*s'", (int)len, s);
        o->kind = PTX_OPND_REG;
        o->index = base;
        ps->opnd_unknown = 1;
        return;
    }
    /* a label, maybe defined further down: patched in resolve_labels */
    o->kind = PTX_OPND_LABEL;
    o->index = name;
    o->flags = 0x80; /* unresolved */
}

static int64_t parse_offset_terms(ptx_parser *ps)
{
    int64_t off = 0;
    while (ptx_is_punct(&ps->tok, '+') || ptx_is_punct(&ps->tok, '-')) {
        int neg = ps->tok.c == '-';
        ptx_next(ps);
        if (ptx_is_punct(&ps->tok, '-')) { /* [%rd1+-4] */
            neg = !neg;
            ptx_next(ps);
        }
        uint64_t v = ptx_expect_int(ps);
        off += neg ? -(int64_t)v : (int64_t)v;
    }
    return off;
}

static void parse_operand(ptx_parser *ps, ptx_operand *o);

/* [a, b, ...]: the coordinate form of texture and surface instructions.  The current token is
 * the ',' after the first element, which is already in el[0]. */
static void parse_bracket_list(ptx_parser *ps, ptx_operand *o, const ptx_operand *first)
{
    ptx_operand el[8];
    unsigned n = 1;
    uint32_t line = ps->tok.line;
    el[0] = *first;
    while (ptx_is_punct(&ps->tok, ',')) {
        ptx_next(ps);
        if (n == 8)
            ptx_fail(ps, line, "too many elements in [...]");
        parse_operand(ps, &el[n++]);
    }
    ptx_expect_punct(ps, ']');
    memset(o, 0, sizeof *o);
    o->kind = PTX_OPND_LIST;
    o->flags = PTX_OPND_F_BRACKET;
    o->comp = (uint8_t)n;
    o->index = append_opnds(ps, el, n);
}

/* An operand that is not a vector or pair. */
static void parse_simple(ptx_parser *ps, ptx_operand *o)
{
    uint32_t line = ps->tok.line;
    memset(o, 0, sizeof *o);
    if (ptx_is_punct(&ps->tok, '!')) {
        o->flags |= PTX_OPND_F_NEG;
        ptx_next(ps);
    }
    if (ptx_is_punct(&ps->tok, '[')) {
        ptx_next(ps);
        o->kind = PTX_OPND_ADDR;
        o->base_kind = PTX_OPND_NONE;
        if (ps->tok.kind == PTX_TK_IDENT) {
            ptx_operand b;
            memset(&b, 0, sizeof b);
            resolve_ident(ps, ps->tok.s, ps->tok.len, &b, line);
            if (b.kind != PTX_OPND_REG && b.kind != PTX_OPND_SYM)
                ptx_fail(ps, line, "bad address base '%.*s'", (int)ps->tok.len, ps->tok.s);
            o->base_kind = b.kind;
            o->index = b.index;
            ptx_next(ps);
            o->imm = parse_offset_terms(ps);
            if (ptx_is_punct(&ps->tok, ',')) {
                ptx_operand first = b;
                if (o->imm)
                    ptx_fail(ps, line, "bad texture operand");
                parse_bracket_list(ps, o, &first);
                return;
            }
        } else if (ps->tok.kind == PTX_TK_INT) {
            o->imm = (int64_t)ps->tok.u;
            ptx_next(ps);
            o->imm += parse_offset_terms(ps);
        } else {
            ptx_fail(ps, line, "bad address");
        }
        ptx_expect_punct(ps, ']');
        return;
    }
    int neg = 0;
    if (ptx_is_punct(&ps->tok, '-')) {
        neg = 1;
        ptx_next(ps);
    }
    switch (ps->tok.kind) {
    case PTX_TK_INT:
        o->kind = PTX_OPND_IMM;
        o->imm = neg ? (int64_t)(0 - ps->tok.u) : (int64_t)ps->tok.u;
        ptx_next(ps);
        return;
    case PTX_TK_F32:
        o->kind = PTX_OPND_F32;
        o->imm = (int64_t)(ps->tok.u ^ (neg ? 0x80000000u : 0));
        ptx_next(ps);
        return;
    case PTX_TK_F64:
        o->kind = PTX_OPND_F64;
        o->imm = (int64_t)(ps->tok.u ^ (neg ? 0x8000000000000000ull : 0));
        ptx_next(ps);
        return;
    case PTX_TK_IDENT:
        if (neg)
            ptx_fail(ps, line, "'-' before a name");
        if (ps->tok.len == 1 && ps->tok.s[0] == '_') {
            o->kind = PTX_OPND_SINK;
            ptx_next(ps);
            return;
        }
        resolve_ident(ps, ps->tok.s, ps->tok.len, o, line);
        ptx_next(ps);
        if (o->kind == PTX_OPND_SYM && (ptx_is_punct(&ps->tok, '+') || ptx_is_punct(&ps->tok, '-')))
            o->imm = parse_offset_terms(ps);
        return;
    default:
        break;
    }
    ptx_fail(ps, line, "bad operand '%.*s'", (int)(ps->tok.len > 40 ? 40 : ps->tok.len), ps->tok.s);
}

/* A parenthesised list "(a, b, ...)" of call operands. */
static void parse_list(ptx_parser *ps, ptx_operand *o)
{
    ptx_operand el[MAX_ELEMS];
    unsigned n = 0;
    uint32_t line = ps->tok.line;
    ptx_expect_punct(ps, '(');
    if (!ptx_is_punct(&ps->tok, ')')) {
        for (;;) {
            if (n == MAX_ELEMS)
                ptx_fail(ps, line, "too many call arguments");
            parse_simple(ps, &el[n++]);
            if (!ptx_is_punct(&ps->tok, ','))
                break;
            ptx_next(ps);
        }
    }
    ptx_expect_punct(ps, ')');
    memset(o, 0, sizeof *o);
    o->kind = PTX_OPND_LIST;
    o->comp = (uint8_t)n;
    o->index = append_opnds(ps, el, n);
}

static void parse_operand(ptx_parser *ps, ptx_operand *o)
{
    uint32_t line = ps->tok.line;
    if (ptx_is_punct(&ps->tok, '{')) {
        ptx_operand el[8];
        unsigned n = 0;
        ptx_next(ps);
        for (;;) {
            if (n == 8)
                ptx_fail(ps, line, "vector operand too long");
            parse_simple(ps, &el[n++]);
            if (!ptx_is_punct(&ps->tok, ','))
                break;
            ptx_next(ps);
        }
        ptx_expect_punct(ps, '}');
        memset(o, 0, sizeof *o);
        o->kind = PTX_OPND_VEC;
        o->comp = (uint8_t)n;
        o->index = append_opnds(ps, el, n);
        /* {d0, d1, d2, d3}|p: a vector result and a predicate (tex, tld4 residency) */
        if (!ptx_is_punct(&ps->tok, '|'))
            return;
    } else {
        parse_simple(ps, o);
    }
    if (ptx_is_punct(&ps->tok, '|')) {
        ptx_operand el[2];
        el[0] = *o;
        ptx_next(ps);
        parse_simple(ps, &el[1]);
        memset(o, 0, sizeof *o);
        o->kind = PTX_OPND_PAIR;
        o->comp = 2;
        o->index = append_opnds(ps, el, 2);
    }
}

/* Split "op.sfx.sfx" into the instruction's opcode, types and modifiers. */
static void classify_opcode(ptx_parser *ps, ptx_insn *in, const char *s, uint32_t len)
{
    const char *dot = memchr(s, '.', len);
    uint32_t n = dot ? (uint32_t)(dot - s) : len;
    in->op = (uint16_t)ptx_op_lookup(s, n);
    if (in->op == PTX_OP_UNKNOWN)
        in->unknown = 1;
    uint32_t i = n;
    while (i < len) {
        uint32_t start = i + 1, e = start;
        while (e < len && s[e] != '.')
            e++;
        uint32_t sl = e - start;
        ptx_type t = ptx_type_lookup(s + start, sl);
        if (t != PTX_T_NONE) {
            if (in->ntypes < PTX_MAX_TYPES)
                in->types[in->ntypes++] = (uint8_t)t;
            else
                in->unknown = 1;
        } else {
            ptx_mod m = ptx_mod_lookup(s + start, sl);
            if (m == PTX_MOD_UNKNOWN)
                in->unknown = 1;
            if (in->nmods < PTX_MAX_MODS)
                in->mods[in->nmods++] = (uint8_t)m;
            else
                in->unknown = 1;
        }
        i = e;
    }
    (void)ps;
}

static void parse_call(ptx_parser *ps, ptx_operand *top, unsigned *n)
{
    ptx_operand rets;
    memset(&rets, 0, sizeof rets);
    rets.kind = PTX_OPND_LIST;
    if (ptx_is_punct(&ps->tok, '(')) {
        parse_list(ps, &rets);
        ptx_expect_punct(ps, ',');
    }
    top[0] = rets;
    parse_simple(ps, &top[1]);
    if (top[1].kind != PTX_OPND_FUNC && top[1].kind != PTX_OPND_REG)
        ptx_fail(ps, ps->tok.line, "call of something that is not a function");
    memset(&top[2], 0, sizeof top[2]);
    top[2].kind = PTX_OPND_LIST;
    *n = 3;
    if (ptx_is_punct(&ps->tok, ',')) {
        ptx_next(ps);
        if (ptx_is_punct(&ps->tok, '(')) {
            parse_list(ps, &top[2]);
            if (ptx_is_punct(&ps->tok, ',')) {
                ptx_next(ps);
                parse_simple(ps, &top[3]); /* prototype or target list: a label */
                *n = 4;
            }
        } else {
            parse_simple(ps, &top[3]);
            *n = 4;
        }
    }
}

static void parse_insn(ptx_parser *ps, uint32_t func, uint32_t guard, int guard_neg)
{
    ptx_module *m = ps->m;
    ptx_insn in;
    memset(&in, 0, sizeof in);
    in.line = ps->tok.line;
    in.guard = guard;
    in.guard_neg = (uint8_t)guard_neg;
    in.form = ptx_intern(ps, ps->tok.s, ps->tok.len);
    classify_opcode(ps, &in, ps->tok.s, ps->tok.len);
    ptx_next(ps);
    ptx_operand top[MAX_TOP_OPNDS];
    unsigned n = 0;
    if (in.op == PTX_OP_CALL) {
        parse_call(ps, top, &n);
    } else if (!ptx_is_punct(&ps->tok, ';')) {
        for (;;) {
            if (n == MAX_TOP_OPNDS)
                ptx_fail(ps, in.line, "too many operands");
            parse_operand(ps, &top[n++]);
            if (!ptx_is_punct(&ps->tok, ','))
                break;
            ptx_next(ps);
        }
    }
    if (!ptx_is_punct(&ps->tok, ';'))
        ptx_fail(ps, in.line, "expected ';' after '%s'", ps->str + in.form);
    ptx_next(ps);
    if (in.op != PTX_OP_UNKNOWN &&
        ((int)n < ptx_op_min_operands(in.op) || (int)n > ptx_op_max_operands(in.op)))
        in.unknown = 1; /* a form we do not know: reported if reached, not a parse error */
    if (ps->opnd_unknown)
        in.unknown = 1;
    ps->opnd_unknown = 0;
    in.nopnds = (uint8_t)n;
    in.opnds = append_opnds(ps, top, n);
    GROW(ps, m->insns, m->ninsns, ps->cap_insns);
    m->insns[m->ninsns++] = in;
    (void)func;
}

static void resolve_labels(ptx_parser *ps, ptx_func *f)
{
    ptx_module *m = ps->m;
    for (uint32_t i = f->insns; i < f->insns + f->ninsns; i++) {
        ptx_insn *in = &m->insns[i];
        for (unsigned k = 0; k < in->nopnds; k++) {
            ptx_operand *o = &m->opnds[in->opnds + k];
            if (o->kind == PTX_OPND_LABEL && (o->flags & 0x80)) {
                uint32_t at = ptx_map_get(&ps->labels, o->index);
                if (at == PTX_NONE)
                    ptx_fail(ps, in->line, "undefined name '%s'", ps->str + o->index);
                o->index = at;
                o->flags = 0;
            }
        }
    }
}

void ptx_parse_body(ptx_parser *ps, uint32_t fi)
{
    ptx_module *m = ps->m;
    uint32_t line = ps->tok.line;
    ps->cur_func = fi;
    ptx_map_clear(&ps->labels);
    m->funcs[fi].insns = m->ninsns;
    m->funcs[fi].regs = m->nregs;
    int base = ps->depth;
    ptx_scope_push(ps, line);
    ptx_func *f = &m->funcs[fi];
    for (uint32_t i = 0; i < f->nrets; i++)
        ptx_sym_add(ps, m->vars[f->rets + i].name, SYM_VAR, f->rets + i, 0);
    for (uint32_t i = 0; i < f->nparams; i++)
        ptx_sym_add(ps, m->vars[f->params + i].name, SYM_VAR, f->params + i, 0);
    ptx_expect_punct(ps, '{');
    ptx_scope_push(ps, line);
    for (;;) {
        ptx_tok *t = &ps->tok;
        if (t->kind == PTX_TK_EOF)
            ptx_fail(ps, t->line, "missing '}' at the end of function '%s'", ps->str + m->funcs[fi].name);
        if (ptx_is_punct(t, '}')) {
            ptx_scope_pop(ps);
            ptx_next(ps);
            if (ps->depth == base + 1)
                break;
            continue;
        }
        if (ptx_is_punct(t, '{')) {
            ptx_scope_push(ps, t->line);
            ptx_next(ps);
            continue;
        }
        if (t->kind == PTX_TK_DIR) {
            if (ptx_is_dir(t, ".reg")) {
                ptx_parse_reg_decl(ps);
            } else if (ptx_is_dir(t, ".local") || ptx_is_dir(t, ".shared") || ptx_is_dir(t, ".const") ||
                       ptx_is_dir(t, ".global")) {
                ptx_parse_var_decl(ps, 0, fi);
            } else if (ptx_is_dir(t, ".param")) {
                ptx_parse_var_decl(ps, PTX_VAR_F_CALLARG, fi);
            } else if (ptx_is_dir(t, ".pragma")) {
                ptx_skip_to_semicolon(ps);
            } else if (ptx_is_dir(t, ".loc") || ptx_is_dir(t, ".file")) {
                ptx_skip_line(ps);
            } else {
                ptx_fail(ps, t->line, "unexpected '%.*s' in a function body", (int)(t->len > 40 ? 40 : t->len), t->s);
            }
            continue;
        }
        if (ptx_is_punct(t, '@')) {
            uint32_t gl = t->line;
            ptx_next(ps);
            int neg = 0;
            if (ptx_is_punct(&ps->tok, '!')) {
                neg = 1;
                ptx_next(ps);
            }
            if (ps->tok.kind != PTX_TK_IDENT)
                ptx_fail(ps, gl, "bad guard predicate");
            uint32_t r = ptx_reg_find(ps, ps->tok.s, ps->tok.len);
            if (r == PTX_NONE || m->regs[r].type != PTX_T_PRED)
                ptx_fail(ps, gl, "guard '%.*s' is not a predicate register", (int)ps->tok.len, ps->tok.s);
            ptx_next(ps);
            if (ps->tok.kind != PTX_TK_IDENT)
                ptx_fail(ps, gl, "expected an instruction after the guard");
            parse_insn(ps, fi, r, neg);
            continue;
        }
        if (t->kind == PTX_TK_IDENT) {
            if (ptx_is_punct(ptx_peek(ps), ':')) {
                uint32_t name = ptx_intern(ps, t->s, t->len);
                uint32_t at = m->ninsns - m->funcs[fi].insns;
                if (ptx_map_get(&ps->labels, name) != PTX_NONE)
                    ptx_fail(ps, t->line, "label '%s' defined twice", ps->str + name);
                ptx_map_put(ps, &ps->labels, name, at);
                ptx_next(ps);
                ptx_next(ps);
                /* prototype and branch-target declarations hang off a label */
                if (ptx_is_dir(&ps->tok, ".callprototype") || ptx_is_dir(&ps->tok, ".branchtargets") ||
                    ptx_is_dir(&ps->tok, ".calltargets"))
                    ptx_skip_to_semicolon(ps);
                continue;
            }
            parse_insn(ps, fi, PTX_NONE, 0);
            continue;
        }
        if (t->kind == PTX_TK_BAD)
            ptx_fail(ps, t->line, "unexpected character '%.*s'", (int)(t->len ? t->len : 1), t->s);
        ptx_fail(ps, t->line, "unexpected '%.*s' in a function body", (int)(t->len > 40 ? 40 : t->len), t->s);
    }
    ptx_scope_pop(ps); /* parameters */
    f = &m->funcs[fi];
    f->ninsns = m->ninsns - f->insns;
    f->nregs = m->nregs - f->regs;
    resolve_labels(ps, f);
    ps->cur_func = PTX_NONE;
}
