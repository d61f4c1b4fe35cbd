/*
 * ptx_parse.c - the module-level grammar of PTX: .version/.target/.address_size, variable
 * declarations with their initialisers, function and kernel headers, and the entry point
 * ptx_parse.
 *
 * Owns: everything outside function bodies (ptx_parse_body.c has those).  Debug sections,
 * .file/.loc and pragmas are read and dropped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ptx_parse_int.h"

/* --- variables --- */

static ptx_space space_of_dir(const ptx_tok *t)
{
    if (ptx_is_dir(t, ".global"))
        return PTX_SPACE_GLOBAL;
    if (ptx_is_dir(t, ".const"))
        return PTX_SPACE_CONST;
    if (ptx_is_dir(t, ".shared"))
        return PTX_SPACE_SHARED;
    if (ptx_is_dir(t, ".local"))
        return PTX_SPACE_LOCAL;
    if (ptx_is_dir(t, ".param"))
        return PTX_SPACE_PARAM;
    if (ptx_is_dir(t, ".tex"))
        return PTX_SPACE_TEX;
    return PTX_SPACE_NONE;
}

static ptx_type type_of_dir(const ptx_tok *t)
{
    if (t->kind != PTX_TK_DIR || t->len < 2)
        return PTX_T_NONE;
    return ptx_type_lookup(t->s + 1, t->len - 1);
}

/* Skip a parenthesised group such as .attribute(.managed); current token is '('. */
static void skip_parens(ptx_parser *ps, uint16_t *flags)
{
    int depth = 0;
    do {
        if (ps->tok.kind == PTX_TK_EOF)
            ptx_fail(ps, ps->tok.line, "unbalanced '('");
        if (ptx_is_punct(&ps->tok, '('))
            depth++;
        else if (ptx_is_punct(&ps->tok, ')'))
            depth--;
        else if (flags && ptx_is_dir(&ps->tok, ".managed"))
            *flags |= PTX_VAR_F_MANAGED;
        ptx_next(ps);
    } while (depth > 0);
}

/* Constant integer expression in an array dimension: n, n*m, n+m. */
static uint64_t parse_const_expr(ptx_parser *ps)
{
    uint64_t v = ptx_expect_int(ps);
    while (ptx_is_punct(&ps->tok, '*') || ptx_is_punct(&ps->tok, '+') || ptx_is_punct(&ps->tok, '-')) {
        char op = ps->tok.c;
        ptx_next(ps);
        uint64_t w = ptx_expect_int(ps);
        v = op == '*' ? v * w : op == '+' ? v + w : v - w;
    }
    return v;
}

struct init_state {
    ptx_var *v;        /* re-fetched after any growth of the var array: use index */
    uint32_t var;
    uint64_t cursor;   /* byte offset of the next element */
    unsigned esize;    /* element size */
    ptx_type etype;
};

static void put_bytes(ptx_parser *ps, struct init_state *st, uint64_t bits, uint32_t line)
{
    ptx_var *v = &ps->m->vars[st->var];
    if (st->cursor + st->esize > v->size)
        ptx_fail(ps, line, "too many initialisers for '%s'", ps->str + v->name);
    memcpy(ps->m->data + v->init + st->cursor, &bits, st->esize); /* little-endian host */
    st->cursor += st->esize;
}

static void put_reloc(ptx_parser *ps, struct init_state *st, uint32_t sym, int is_func,
                      int generic, int64_t addend, uint32_t line)
{
    ptx_module *m = ps->m;
    ptx_var *v = &m->vars[st->var];
    if (st->esize != 4 && st->esize != 8)
        ptx_fail(ps, line, "an address initialiser needs a 32- or 64-bit element");
    if (st->cursor + st->esize > v->size)
        ptx_fail(ps, line, "too many initialisers for '%s'", ps->str + v->name);
    GROW(ps, m->relocs, m->nrelocs, ps->cap_relocs);
    ptx_reloc *r = &m->relocs[m->nrelocs];
    memset(r, 0, sizeof *r);
    r->offset = st->cursor;
    r->sym = sym;
    r->width = (uint8_t)st->esize;
    r->is_func = (uint8_t)is_func;
    r->generic = (uint8_t)generic;
    r->addend = addend;
    v = &m->vars[st->var];
    if (v->nrelocs == 0)
        v->relocs = m->nrelocs;
    v->nrelocs++;
    m->nrelocs++;
    st->cursor += st->esize;
}

static uint64_t float_bits_for(ptx_type t, int is_float, uint64_t bits, int64_t ival)
{
    /* convert a literal to the representation of the element type */
    if (t == PTX_T_F32) {
        float f;
        if (is_float == 32) {
            return bits;
        } else if (is_float == 64) {
            double d;
            memcpy(&d, &bits, 8);
            f = (float)d;
        } else {
            f = (float)ival;
        }
        uint32_t u;
        memcpy(&u, &f, 4);
        return u;
    }
    if (t == PTX_T_F64) {
        double d;
        if (is_float == 64) {
            return bits;
        } else if (is_float == 32) {
            float f;
            uint32_t u = (uint32_t)bits;
            memcpy(&f, &u, 4);
            d = f;
        } else {
            d = (double)ival;
        }
        uint64_t u;
        memcpy(&u, &d, 8);
        return u;
    }
    return is_float ? bits : (uint64_t)ival;
}

static void parse_init_scalar(ptx_parser *ps, struct init_state *st)
{
    uint32_t line = ps->tok.line;
    int neg = 0;
    if (ptx_is_punct(&ps->tok, '-')) {
        neg = 1;
        ptx_next(ps);
    }
    if (ps->tok.kind == PTX_TK_INT || ps->tok.kind == PTX_TK_F32 || ps->tok.kind == PTX_TK_F64) {
        int is_float = ps->tok.kind == PTX_TK_F32 ? 32 : ps->tok.kind == PTX_TK_F64 ? 64 : 0;
        uint64_t bits = ps->tok.u;
        int64_t ival = (int64_t)bits;
        if (neg) {
            if (is_float == 32)
                bits ^= 0x80000000u;
            else if (is_float == 64)
                bits ^= 0x8000000000000000ull;
            else
                ival = (int64_t)(0 - (uint64_t)ival);
        }
        ptx_next(ps);
        put_bytes(ps, st, float_bits_for(st->etype, is_float, bits, ival), line);
        return;
    }
    if (neg)
        ptx_fail(ps, line, "'-' before a non-number in an initialiser");
    int generic = 0;
    if (ps->tok.kind == PTX_TK_IDENT && ps->tok.len == 7 && memcmp(ps->tok.s, "generic", 7) == 0 &&
        ptx_is_punct(ptx_peek(ps), '(')) {
        generic = 1;
        ptx_next(ps);
        ptx_next(ps);
    }
    if (ps->tok.kind != PTX_TK_IDENT)
        ptx_fail(ps, line, "bad initialiser");
    uint32_t name = ptx_intern(ps, ps->tok.s, ps->tok.len);
    const struct ptx_sym *sym = ptx_sym_find(ps, name);
    if (!sym || (sym->kind != SYM_VAR && sym->kind != SYM_FUNC))
        ptx_fail(ps, line, "initialiser names unknown symbol '%s'", ps->str + name);
    ptx_next(ps);
    if (generic)
        ptx_expect_punct(ps, ')');
    int64_t addend = 0;
    while (ptx_is_punct(&ps->tok, '+') || ptx_is_punct(&ps->tok, '-')) {
        int sub = ps->tok.c == '-';
        ptx_next(ps);
        uint64_t v = ptx_expect_int(ps);
        addend += sub ? -(int64_t)v : (int64_t)v;
    }
    put_reloc(ps, st, sym->index, sym->kind == SYM_FUNC, generic, addend, line);
}

static void parse_init_list(ptx_parser *ps, struct init_state *st, int depth)
{
    if (ptx_is_punct(&ps->tok, '{')) {
        if (depth > 32) /* arrays have a few dimensions; deeper nesting is an attack */
            ptx_fail(ps, ps->tok.line, "initialiser nested too deeply");
        ptx_next(ps);
        if (!ptx_is_punct(&ps->tok, '}')) {
            for (;;) {
                parse_init_list(ps, st, depth + 1);
                if (!ptx_is_punct(&ps->tok, ','))
                    break;
                ptx_next(ps);
            }
        }
        ptx_expect_punct(ps, '}');
    } else {
        parse_init_scalar(ps, st);
    }
}

void ptx_parse_var_decl(ptx_parser *ps, uint16_t flags, uint32_t owner)
{
    ptx_module *m = ps->m;
    uint32_t line = ps->tok.line;
    ptx_space space = space_of_dir(&ps->tok);
    ptx_next(ps);
    uint32_t align = 0;
    unsigned vec = 1;
    ptx_type type = PTX_T_NONE;
    /* attributes, alignment, vector and type, in any order */
    for (;;) {
        if (ptx_is_dir(&ps->tok, ".align")) {
            ptx_next(ps);
            align = (uint32_t)ptx_expect_int(ps);
        } else if (ptx_is_dir(&ps->tok, ".attribute")) {
            ptx_next(ps);
            if (ptx_is_punct(&ps->tok, '('))
                skip_parens(ps, &flags);
        } else if (ptx_is_dir(&ps->tok, ".v2")) {
            vec = 2;
            ptx_next(ps);
        } else if (ptx_is_dir(&ps->tok, ".v4")) {
            vec = 4;
            ptx_next(ps);
        } else if (ptx_is_dir(&ps->tok, ".v8")) {
            vec = 8;
            ptx_next(ps);
        } else if (ptx_is_dir(&ps->tok, ".ptr")) {
            ptx_next(ps); /* kernel parameter attributes: .ptr .global .align N */
            while (ps->tok.kind == PTX_TK_DIR && space_of_dir(&ps->tok) != PTX_SPACE_NONE)
                ptx_next(ps);
            if (ptx_is_dir(&ps->tok, ".align")) {
                ptx_next(ps);
                ptx_expect_int(ps);
            }
        } else if (ps->tok.kind == PTX_TK_DIR && type_of_dir(&ps->tok) != PTX_T_NONE) {
            type = type_of_dir(&ps->tok);
            ptx_next(ps);
        } else {
            break;
        }
    }
    if (type == PTX_T_NONE)
        ptx_fail(ps, line, "variable declaration without a type");
    for (;;) {
        if (ps->tok.kind != PTX_TK_IDENT)
            ptx_fail(ps, ps->tok.line, "expected a variable name");
        uint32_t name = ptx_intern(ps, ps->tok.s, ps->tok.len);
        ptx_next(ps);
        uint64_t esize = (uint64_t)ptx_type_bytes(type) * vec;
        uint64_t size = esize;
        uint16_t vflags = flags;
        while (ptx_is_punct(&ps->tok, '[')) {
            ptx_next(ps);
            if (ptx_is_punct(&ps->tok, ']')) {
                vflags |= PTX_VAR_F_UNSIZED;
                size = 0;
            } else {
                uint64_t n = parse_const_expr(ps);
                if (n && size > (((uint64_t)1 << 40) / n))
                    ptx_fail(ps, line, "array too large");
                size *= n;
            }
            ptx_expect_punct(ps, ']');
        }
        /* a redeclaration of an .extern variable at module scope is the same variable */
        uint32_t vi = PTX_NONE;
        if (owner == PTX_NONE) {
            const struct ptx_sym *old = ptx_sym_find(ps, name);
            if (old && old->kind == SYM_VAR && m->vars[old->index].owner == PTX_NONE &&
                ((m->vars[old->index].flags & (PTX_VAR_F_EXTERN | PTX_VAR_F_WEAK)) ||
                 (vflags & (PTX_VAR_F_EXTERN | PTX_VAR_F_WEAK))))
                vi = old->index;
        }
        int fresh = vi == PTX_NONE;
        /* a second definition of a weak variable keeps the first (and its initialiser) */
        int keep_old = !fresh && !(m->vars[vi].flags & PTX_VAR_F_EXTERN) && !(vflags & PTX_VAR_F_EXTERN);
        if (fresh)
            vi = ptx_new_var(ps);
        if (keep_old) {
            uint32_t spare = ptx_new_var(ps); /* parse the duplicate into a spare record */
            vi = spare;
        }
        ptx_var *v = &m->vars[vi];
        if (fresh || keep_old || !(vflags & PTX_VAR_F_EXTERN)) {
            v->name = name;
            v->space = (uint8_t)space;
            v->type = (uint8_t)type;
            v->flags = vflags;
            v->align = align ? align : (uint32_t)(esize ? (esize > 16 ? 16 : esize) : 1);
            v->size = size;
            v->owner = owner;
            v->line = line;
        }
        if (fresh)
            ptx_sym_add(ps, name, SYM_VAR, vi, 0);
        if (keep_old)
            m->vars[vi].name = 0; /* unnamed: engine_module_global finds the first */
        if (ptx_is_punct(&ps->tok, '=')) {
            ptx_next(ps);
            if (size > ((uint64_t)1 << 30))
                ptx_fail(ps, line, "initialised variable too large");
            GROW(ps, m->data, m->ndata + (uint32_t)size + 8, ps->cap_data);
            v = &m->vars[vi];
            v->init = m->ndata;
            memset(m->data + m->ndata, 0, (size_t)size);
            m->ndata += (uint32_t)size;
            struct init_state st = {NULL, vi, 0, (unsigned)(ptx_type_bytes(type)), type};
            if (st.esize == 0)
                ptx_fail(ps, line, "cannot initialise this type");
            parse_init_list(ps, &st, 0);
        }
        if (!ptx_is_punct(&ps->tok, ','))
            break;
        ptx_next(ps);
    }
    ptx_expect_punct(ps, ';');
}

/* --- functions --- */

/* Parameter list "( .param ... , ... )"; current token is '('.  Creates consecutive variables. */
static void parse_params(ptx_parser *ps, uint32_t func, uint16_t role, uint32_t *first, uint32_t *count)
{
    ptx_expect_punct(ps, '(');
    *first = ps->m->nvars;
    *count = 0;
    if (ptx_is_punct(&ps->tok, ')')) {
        ptx_next(ps);
        return;
    }
    for (;;) {
        /* old-style .reg parameters behave like .param ones for us */
        if (!ptx_is_dir(&ps->tok, ".param") && !ptx_is_dir(&ps->tok, ".reg"))
            ptx_fail(ps, ps->tok.line, "expected .param in a parameter list");
        ptx_module *m = ps->m;
        uint32_t line = ps->tok.line;
        ptx_next(ps);
        uint32_t align = 0;
        unsigned vec = 1;
        ptx_type type = PTX_T_NONE;
        for (;;) {
            if (ptx_is_dir(&ps->tok, ".align")) {
                ptx_next(ps);
                align = (uint32_t)ptx_expect_int(ps);
            } else if (ptx_is_dir(&ps->tok, ".attribute")) {
                ptx_next(ps);
                if (ptx_is_punct(&ps->tok, '('))
                    skip_parens(ps, NULL);
            } else if (ptx_is_dir(&ps->tok, ".v2") || ptx_is_dir(&ps->tok, ".v4")) {
                vec = ps->tok.s[2] - '0';
                ptx_next(ps);
            } else if (ptx_is_dir(&ps->tok, ".ptr")) {
                ptx_next(ps);
                while (ps->tok.kind == PTX_TK_DIR && space_of_dir(&ps->tok) != PTX_SPACE_NONE)
                    ptx_next(ps);
                if (ptx_is_dir(&ps->tok, ".align")) {
                    ptx_next(ps);
                    ptx_expect_int(ps);
                }
            } else if (ps->tok.kind == PTX_TK_DIR && type_of_dir(&ps->tok) != PTX_T_NONE) {
                type = type_of_dir(&ps->tok);
                ptx_next(ps);
            } else {
                break;
            }
        }
        if (type == PTX_T_NONE)
            ptx_fail(ps, line, "parameter without a type");
        if (ps->tok.kind != PTX_TK_IDENT)
            ptx_fail(ps, ps->tok.line, "expected a parameter name");
        uint32_t name = ptx_intern(ps, ps->tok.s, ps->tok.len);
        ptx_next(ps);
        uint64_t size = (uint64_t)ptx_type_bytes(type) * vec;
        while (ptx_is_punct(&ps->tok, '[')) {
            ptx_next(ps);
            uint64_t n = ptx_is_punct(&ps->tok, ']') ? 0 : parse_const_expr(ps);
            if (n && size > (((uint64_t)1 << 32) / n))
                ptx_fail(ps, line, "parameter too large");
            size *= n;
            ptx_expect_punct(ps, ']');
        }
        uint32_t vi = ptx_new_var(ps);
        ptx_var *v = &m->vars[vi];
        v->name = name;
        v->space = PTX_SPACE_PARAM;
        v->type = (uint8_t)type;
        v->flags = role;
        v->size = size;
        uint64_t es = (uint64_t)ptx_type_bytes(type) * vec;
        v->align = align ? align : (uint32_t)(es > 16 ? 16 : (es ? es : 1));
        v->owner = func;
        v->line = line;
        (*count)++;
        if (ptx_is_punct(&ps->tok, ',')) {
            ptx_next(ps);
            continue;
        }
        ptx_expect_punct(ps, ')');
        return;
    }
}

static uint32_t parse_uint_list(ptx_parser *ps, uint32_t *out, int max)
{
    int n = 0;
    for (;;) {
        uint64_t v = ptx_expect_int(ps);
        if (n < max)
            out[n] = (uint32_t)v;
        n++;
        if (!ptx_is_punct(&ps->tok, ','))
            break;
        ptx_next(ps);
    }
    return (uint32_t)n;
}

static void parse_function(ptx_parser *ps, uint32_t linkage)
{
    ptx_module *m = ps->m;
    uint32_t line = ps->tok.line;
    int entry = ptx_is_dir(&ps->tok, ".entry");
    ptx_next(ps);
    uint32_t flags = linkage | (entry ? PTX_FUNC_F_ENTRY : 0);
    while (ptx_is_dir(&ps->tok, ".attribute")) {
        ptx_next(ps);
        if (ptx_is_punct(&ps->tok, '('))
            skip_parens(ps, NULL);
    }
    if (ptx_is_dir(&ps->tok, ".noreturn")) {
        flags |= PTX_FUNC_F_NORETURN;
        ptx_next(ps);
    }
    /* the function index is needed by its parameters: reserve it now, merge later */
    GROW(ps, m->funcs, m->nfuncs, ps->cap_funcs);
    uint32_t fi = m->nfuncs++;
    ptx_func *f = &m->funcs[fi];
    memset(f, 0, sizeof *f);
    f->line = line;
    uint32_t rets = m->nvars, nrets = 0;
    if (!entry && ptx_is_punct(&ps->tok, '('))
        parse_params(ps, fi, PTX_VAR_F_RETVAL, &rets, &nrets);
    if (ps->tok.kind != PTX_TK_IDENT)
        ptx_fail(ps, ps->tok.line, "expected a function name");
    uint32_t name = ptx_intern(ps, ps->tok.s, ps->tok.len);
    ptx_next(ps);
    uint32_t params = m->nvars, nparams = 0;
    if (ptx_is_punct(&ps->tok, '('))
        parse_params(ps, fi, PTX_VAR_F_PARAM, &params, &nparams);
    f = &m->funcs[fi];
    f->name = name;
    f->rets = rets;
    f->nrets = nrets;
    f->params = params;
    f->nparams = nparams;
    /* performance directives and attributes before the body */
    for (;;) {
        if (ptx_is_dir(&ps->tok, ".maxntid") || ptx_is_dir(&ps->tok, ".reqntid")) {
            int req = ps->tok.s[1] == 'r';
            ptx_next(ps);
            uint32_t v[3] = {1, 1, 1};
            parse_uint_list(ps, v, 3);
            memcpy(req ? m->funcs[fi].reqntid : m->funcs[fi].maxntid, v, sizeof v);
        } else if (ptx_is_dir(&ps->tok, ".minnctapersm") || ptx_is_dir(&ps->tok, ".maxnreg") ||
                   ptx_is_dir(&ps->tok, ".maxnctapersm") || ptx_is_dir(&ps->tok, ".maxclusterrank")) {
            int which = ps->tok.s[3] == 'n' ? 0 : ps->tok.s[4] == 'n' && ps->tok.s[5] == 'r' ? 1 : 2;
            ptx_next(ps);
            uint32_t v = 0;
            parse_uint_list(ps, &v, 1);
            if (which == 0)
                m->funcs[fi].minnctapersm = v;
            else if (which == 1)
                m->funcs[fi].maxnreg = v;
        } else if (ptx_is_dir(&ps->tok, ".reqnctapercluster")) {
            ptx_next(ps);
            uint32_t v[3];
            parse_uint_list(ps, v, 3);
        } else if (ptx_is_dir(&ps->tok, ".noreturn") || ptx_is_dir(&ps->tok, ".explicitcluster") ||
                   ptx_is_dir(&ps->tok, ".blocksareclusters")) {
            if (ptx_is_dir(&ps->tok, ".noreturn"))
                flags |= PTX_FUNC_F_NORETURN;
            ptx_next(ps);
        } else if (ptx_is_dir(&ps->tok, ".pragma")) {
            ptx_next(ps);
            while (ps->tok.kind == PTX_TK_STRING || ptx_is_punct(&ps->tok, ','))
                ptx_next(ps);
            if (ptx_is_punct(&ps->tok, ';'))
                ptx_next(ps);
        } else if (ptx_is_dir(&ps->tok, ".attribute")) {
            ptx_next(ps);
            if (ptx_is_punct(&ps->tok, '('))
                skip_parens(ps, NULL);
        } else {
            break;
        }
    }
    /* a prototype followed by a definition (or repeated prototypes) is one function */
    const struct ptx_sym *old = ptx_sym_find(ps, name);
    uint32_t target = fi;
    if (old && old->kind == SYM_FUNC && (m->funcs[old->index].flags & PTX_FUNC_F_BODY) &&
        ptx_is_punct(&ps->tok, '{') && ((m->funcs[old->index].flags | flags) & PTX_FUNC_F_WEAK)) {
        /* a weak function defined again (several -rdc units concatenated): the first
         * definition stays; this body is parsed into a slot nothing refers to */
        m->funcs[fi].flags = flags | PTX_FUNC_F_BODY;
        m->funcs[fi].line = line;
        ptx_parse_body(ps, fi);
        return;
    }
    if (old && old->kind == SYM_FUNC) {
        target = old->index;
        ptx_func *o = &m->funcs[target];
        if ((o->flags & PTX_FUNC_F_BODY) && ptx_is_punct(&ps->tok, '{'))
            ptx_fail(ps, line, "function '%s' defined twice", ps->str + name);
        /* the newest parameter list wins; its variables must name the kept function */
        for (uint32_t i = 0; i < nrets; i++)
            m->vars[rets + i].owner = target;
        for (uint32_t i = 0; i < nparams; i++)
            m->vars[params + i].owner = target;
        o->rets = rets;
        o->nrets = nrets;
        o->params = params;
        o->nparams = nparams;
        o->flags |= flags & ~PTX_FUNC_F_EXTERN;
        if (!(flags & PTX_FUNC_F_EXTERN) && ptx_is_punct(&ps->tok, '{'))
            o->flags &= ~PTX_FUNC_F_EXTERN;
        memcpy(o->maxntid, m->funcs[fi].maxntid, sizeof o->maxntid);
        memcpy(o->reqntid, m->funcs[fi].reqntid, sizeof o->reqntid);
        o->minnctapersm = m->funcs[fi].minnctapersm;
        o->maxnreg = m->funcs[fi].maxnreg;
        m->nfuncs--; /* drop the reserved slot */
    } else {
        m->funcs[fi].flags = flags;
        ptx_sym_add(ps, name, SYM_FUNC, fi, 0);
    }
    if (ptx_is_punct(&ps->tok, ';')) {
        ptx_next(ps);
        return;
    }
    if (!ptx_is_punct(&ps->tok, '{'))
        ptx_fail(ps, ps->tok.line, "expected '{' or ';' after the header of '%s'", ps->str + name);
    m->funcs[target].flags |= PTX_FUNC_F_BODY;
    m->funcs[target].line = line;
    ptx_parse_body(ps, target);
}

/* --- module --- */

static void parse_version(ptx_parser *ps)
{
    uint32_t line = ps->tok.line;
    ptx_next(ps);
    /* "9.0" lexes as a float literal: read the text */
    if (ps->tok.kind != PTX_TK_F64 && ps->tok.kind != PTX_TK_INT)
        ptx_fail(ps, line, "bad .version");
    unsigned major = 0, minor = 0;
    const char *s = ps->tok.s, *e = s + ps->tok.len;
    while (s < e && *s >= '0' && *s <= '9')
        major = major * 10 + (unsigned)(*s++ - '0');
    if (s < e && *s == '.')
        s++;
    while (s < e && *s >= '0' && *s <= '9')
        minor = minor * 10 + (unsigned)(*s++ - '0');
    if (major < 1 || major > 99 || minor > 9)
        ptx_fail(ps, line, "bad .version");
    ps->m->version = major * 10 + minor;
    ptx_next(ps);
}

static void parse_target(ptx_parser *ps)
{
    uint32_t line = ps->tok.line;
    ptx_next(ps);
    for (;;) {
        if (ps->tok.kind != PTX_TK_IDENT)
            ptx_fail(ps, line, "bad .target");
        if (ps->tok.len > 3 && memcmp(ps->tok.s, "sm_", 3) == 0) {
            unsigned sm = 0;
            for (uint32_t i = 3; i < ps->tok.len && ps->tok.s[i] >= '0' && ps->tok.s[i] <= '9'; i++)
                sm = sm * 10 + (unsigned)(ps->tok.s[i] - '0');
            ps->m->target_sm = sm;
        }
        ptx_next(ps);
        if (!ptx_is_punct(&ps->tok, ','))
            break;
        ptx_next(ps);
    }
}

static void skip_section(ptx_parser *ps)
{
    ptx_next(ps);
    while (ps->tok.kind != PTX_TK_EOF && !ptx_is_punct(&ps->tok, '{'))
        ptx_next(ps);
    int depth = 0;
    do {
        if (ps->tok.kind == PTX_TK_EOF)
            ptx_fail(ps, ps->tok.line, "unterminated .section");
        if (ptx_is_punct(&ps->tok, '{'))
            depth++;
        else if (ptx_is_punct(&ps->tok, '}'))
            depth--;
        ptx_next(ps);
    } while (depth > 0);
}

static void parse_module(ptx_parser *ps)
{
    ptx_next(ps);
    while (ps->tok.kind != PTX_TK_EOF) {
        uint32_t line = ps->tok.line;
        if (ps->tok.kind != PTX_TK_DIR) {
            if (ps->tok.kind == PTX_TK_BAD)
                ptx_fail(ps, line, "unexpected character '%.*s'", (int)(ps->tok.len ? ps->tok.len : 1), ps->tok.s);
            ptx_fail(ps, line, "unexpected '%.*s' at module scope", (int)(ps->tok.len > 40 ? 40 : ps->tok.len),
                     ps->tok.s);
        }
        if (ptx_is_dir(&ps->tok, ".version")) {
            parse_version(ps);
            continue;
        }
        if (ptx_is_dir(&ps->tok, ".target")) {
            parse_target(ps);
            continue;
        }
        if (ptx_is_dir(&ps->tok, ".address_size")) {
            ptx_next(ps);
            ps->m->address_size = (unsigned)ptx_expect_int(ps);
            continue;
        }
        if (ptx_is_dir(&ps->tok, ".file") || ptx_is_dir(&ps->tok, ".loc")) {
            ptx_skip_line(ps);
            continue;
        }
        if (ptx_is_dir(&ps->tok, ".section")) {
            skip_section(ps);
            continue;
        }
        if (ptx_is_dir(&ps->tok, ".pragma")) {
            ptx_skip_to_semicolon(ps);
            continue;
        }
        if (ptx_is_dir(&ps->tok, ".alias")) {
            /* .alias alias, aliasee; */
            ptx_next(ps);
            if (ps->tok.kind != PTX_TK_IDENT)
                ptx_fail(ps, line, "bad .alias");
            uint32_t a = ptx_intern(ps, ps->tok.s, ps->tok.len);
            ptx_next(ps);
            ptx_expect_punct(ps, ',');
            if (ps->tok.kind != PTX_TK_IDENT)
                ptx_fail(ps, line, "bad .alias");
            const struct ptx_sym *t = ptx_sym_find(ps, ptx_intern(ps, ps->tok.s, ps->tok.len));
            if (!t || t->kind != SYM_FUNC)
                ptx_fail(ps, line, ".alias of an unknown function");
            uint32_t target = t->index;
            ptx_next(ps);
            ptx_expect_punct(ps, ';');
            const struct ptx_sym *old = ptx_sym_find(ps, a);
            if (old && old->kind == SYM_FUNC) {
                /* the alias was declared: make calls to it reach the aliasee's body */
                ptx_func *af = &ps->m->funcs[old->index], *tf = &ps->m->funcs[target];
                uint32_t keep_name = af->name;
                *af = *tf;
                af->name = keep_name;
            } else {
                ptx_sym_add(ps, a, SYM_FUNC, target, 0);
            }
            continue;
        }
        uint32_t flinkage = 0;
        uint16_t vflags = 0;
        for (;;) {
            if (ptx_is_dir(&ps->tok, ".visible")) {
                flinkage |= PTX_FUNC_F_VISIBLE;
                vflags |= PTX_VAR_F_VISIBLE;
            } else if (ptx_is_dir(&ps->tok, ".extern")) {
                flinkage |= PTX_FUNC_F_EXTERN;
                vflags |= PTX_VAR_F_EXTERN;
            } else if (ptx_is_dir(&ps->tok, ".weak") || ptx_is_dir(&ps->tok, ".common")) {
                flinkage |= PTX_FUNC_F_WEAK;
                vflags |= PTX_VAR_F_WEAK;
            } else {
                break;
            }
            ptx_next(ps);
        }
        if (ptx_is_dir(&ps->tok, ".entry") || ptx_is_dir(&ps->tok, ".func")) {
            parse_function(ps, flinkage);
        } else if (space_of_dir(&ps->tok) != PTX_SPACE_NONE) {
            if (ptx_is_dir(&ps->tok, ".param"))
                ptx_fail(ps, line, ".param variable at module scope");
            ptx_parse_var_decl(ps, vflags, PTX_NONE);
        } else {
            ptx_fail(ps, line, "unknown directive '%.*s'", (int)(ps->tok.len > 40 ? 40 : ps->tok.len), ps->tok.s);
        }
    }
}

/* The part of a parse that can fail: kept apart so that nothing it changes lives in a local
 * of the function that called setjmp. */
static int run_parser(ptx_parser *ps)
{
    if (setjmp(ps->fail) != 0)
        return ps->oom ? -2 : -1;
    ptx_module *m = ps->m;
    /* offset 0 of the string pool is the empty string */
    GROW(ps, ps->str, 1, ps->cap_str);
    ps->str[0] = 0;
    m->nstrings = 1;
    m->strings = ps->str;
    parse_module(ps);
    if (!m->version)
        ptx_fail(ps, 1, "missing .version");
    return 0;
}

int ptx_parse(const char *text, size_t len, ptx_module **out, char *err, size_t errlen)
{
    *out = NULL;
    if (err && errlen)
        err[0] = 0;
    ptx_parser *ps = calloc(1, sizeof *ps);
    ptx_module *m = calloc(1, sizeof *m);
    if (!ps || !m) {
        free(ps);
        free(m);
        if (err && errlen)
            snprintf(err, errlen, "out of memory while parsing PTX");
        return -2;
    }
    ps->m = m;
    ps->err = err;
    ps->errlen = errlen;
    ps->cur_func = PTX_NONE;
    ptx_lex_init(&ps->lx, text, len);
    int rc = run_parser(ps);
    ptx_map_free(&ps->strmap);
    ptx_map_free(&ps->symmap);
    ptx_map_free(&ps->labels);
    free(ps->syms);
    free(ps->pend);
    m->strings = ps->str;
    free(ps);
    if (rc) {
        ptx_module_free(m);
        return rc;
    }
    *out = m;
    return 0;
}
