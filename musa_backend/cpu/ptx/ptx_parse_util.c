/*
 * ptx_parse_util.c - the parser's plumbing: error exit, growable arrays, string interning,
 * integer maps, the scoped symbol table and token helpers.
 *
 * Owns: everything the grammar files (ptx_parse.c, ptx_parse_body.c) share that is not
 * grammar.  Must not: know PTX syntax beyond single tokens.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ptx_parse_int.h"

void ptx_fail(ptx_parser *ps, uint32_t line, const char *fmt, ...)
{
    if (ps->err && ps->errlen) {
        int n = snprintf(ps->err, ps->errlen, "line %u: ", line);
        if (n < 0)
            n = 0;
        if ((size_t)n < ps->errlen) {
            va_list ap;
            va_start(ap, fmt);
            vsnprintf(ps->err + n, ps->errlen - (size_t)n, fmt, ap);
            va_end(ap);
        }
    }
    longjmp(ps->fail, 1);
}

void ptx_oom(ptx_parser *ps)
{
    ps->oom = 1;
    if (ps->err && ps->errlen)
        snprintf(ps->err, ps->errlen, "out of memory while parsing PTX");
    longjmp(ps->fail, 1);
}

void ptx_grow(ptx_parser *ps, void **arr, uint32_t *cap, size_t elem, uint32_t need)
{
    if (need <= *cap)
        return;
    uint64_t ncap = *cap ? (uint64_t)*cap * 2 : 16;
    while (ncap < need)
        ncap *= 2;
    if (ncap > 0x7fffffffu / 1u || ncap * elem > ((uint64_t)1 << 40))
        ptx_oom(ps);
    void *p = realloc(*arr, (size_t)(ncap * elem));
    if (!p)
        ptx_oom(ps);
    *arr = p;
    *cap = (uint32_t)ncap;
}

/* --- strings: one NUL-separated pool; offset 0 is the empty string --- */

static uint32_t hash_bytes(const char *s, size_t len)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < len; i++) {
        h ^= (uint8_t)s[i];
        h *= 16777619u;
    }
    return h;
}

static uint32_t *str_slot(ptx_parser *ps, const char *s, size_t len)
{
    struct ptx_map *t = &ps->strmap;
    uint32_t mask = t->cap - 1;
    uint32_t i = hash_bytes(s, len) & mask;
    for (;;) {
        uint32_t off = t->keys[i];
        if (off == PTX_NONE)
            return &t->keys[i];
        if (strncmp(ps->str + off, s, len) == 0 && ps->str[off + len] == 0)
            return &t->keys[i];
        i = (i + 1) & mask;
    }
}

static void str_rehash(ptx_parser *ps)
{
    struct ptx_map *t = &ps->strmap;
    uint32_t ncap = t->cap ? t->cap * 2 : 1024;
    uint32_t *old = t->keys, ocap = t->cap;
    t->keys = malloc(sizeof(uint32_t) * ncap);
    if (!t->keys) {
        t->keys = old;
        ptx_oom(ps);
    }
    memset(t->keys, 0xff, sizeof(uint32_t) * ncap);
    t->cap = ncap;
    for (uint32_t i = 0; i < ocap; i++) {
        if (old[i] == PTX_NONE)
            continue;
        const char *s = ps->str + old[i];
        *str_slot(ps, s, strlen(s)) = old[i];
    }
    free(old);
}

uint32_t ptx_intern_find(ptx_parser *ps, const char *s, size_t len)
{
    if (!ps->strmap.cap)
        return PTX_NONE;
    return *str_slot(ps, s, len);
}

uint32_t ptx_intern(ptx_parser *ps, const char *s, size_t len)
{
    if (len == 0)
        return 0;
    if (memchr(s, 0, len))
        ptx_fail(ps, ps->tok.line, "NUL byte in a name");
    if ((ps->strmap.count + 1) * 2 > ps->strmap.cap)
        str_rehash(ps);
    uint32_t *slot = str_slot(ps, s, len);
    if (*slot != PTX_NONE)
        return *slot;
    ptx_module *m = ps->m;
    if ((uint64_t)m->nstrings + len + 1 > 0x7fffffffu)
        ptx_oom(ps);
    GROW(ps, ps->str, m->nstrings + (uint32_t)len + 1, ps->cap_str);
    uint32_t off = m->nstrings;
    memcpy(ps->str + off, s, len);
    ps->str[off + len] = 0;
    m->nstrings += (uint32_t)len + 1;
    m->strings = ps->str;
    *slot = off;
    ps->strmap.count++;
    return off;
}

/* --- uint32 -> uint32 maps keyed by string offsets --- */

static uint32_t mix(uint32_t k)
{
    k ^= k >> 16;
    k *= 0x7feb352du;
    k ^= k >> 15;
    return k;
}

void ptx_map_free(struct ptx_map *m)
{
    free(m->keys);
    free(m->vals);
    memset(m, 0, sizeof *m);
}

void ptx_map_clear(struct ptx_map *m)
{
    if (m->cap) {
        memset(m->keys, 0xff, sizeof(uint32_t) * m->cap);
        m->count = 0;
    }
}

uint32_t ptx_map_get(const struct ptx_map *m, uint32_t key)
{
    if (!m->cap)
        return PTX_NONE;
    uint32_t mask = m->cap - 1, i = mix(key) & mask;
    while (m->keys[i] != PTX_NONE) {
        if (m->keys[i] == key)
            return m->vals[i];
        i = (i + 1) & mask;
    }
    return PTX_NONE;
}

void ptx_map_put(ptx_parser *ps, struct ptx_map *m, uint32_t key, uint32_t val)
{
    if ((m->count + 1) * 2 > m->cap) {
        uint32_t ncap = m->cap ? m->cap * 2 : 64;
        uint32_t *nk = malloc(sizeof(uint32_t) * ncap), *nv = malloc(sizeof(uint32_t) * ncap);
        if (!nk || !nv) {
            free(nk);
            free(nv);
            ptx_oom(ps);
        }
        memset(nk, 0xff, sizeof(uint32_t) * ncap);
        for (uint32_t i = 0; i < m->cap; i++) {
            if (m->keys[i] == PTX_NONE)
                continue;
            uint32_t j = mix(m->keys[i]) & (ncap - 1);
            while (nk[j] != PTX_NONE)
                j = (j + 1) & (ncap - 1);
            nk[j] = m->keys[i];
            nv[j] = m->vals[i];
        }
        free(m->keys);
        free(m->vals);
        m->keys = nk;
        m->vals = nv;
        m->cap = ncap;
    }
    uint32_t mask = m->cap - 1, i = mix(key) & mask;
    while (m->keys[i] != PTX_NONE && m->keys[i] != key)
        i = (i + 1) & mask;
    if (m->keys[i] == PTX_NONE) {
        m->keys[i] = key;
        m->count++;
    }
    m->vals[i] = val;
}

/* --- scoped symbols: the map holds the innermost entry; entries remember what they shadow --- */

void ptx_scope_push(ptx_parser *ps, uint32_t line)
{
    if (ps->depth >= (int)(sizeof ps->scope_mark / sizeof ps->scope_mark[0]))
        ptx_fail(ps, line, "blocks nested too deeply");
    ps->scope_mark[ps->depth++] = ps->nsyms;
}

void ptx_scope_pop(ptx_parser *ps)
{
    uint32_t mark = ps->scope_mark[--ps->depth];
    while (ps->nsyms > mark) {
        struct ptx_sym *s = &ps->syms[--ps->nsyms];
        ptx_map_put(ps, &ps->symmap, s->name, s->prev);
    }
}

void ptx_sym_add(ptx_parser *ps, uint32_t name, int kind, uint32_t index, uint32_t count)
{
    uint32_t prev = ptx_map_get(&ps->symmap, name);
    uint32_t mark = ps->depth ? ps->scope_mark[ps->depth - 1] : 0;
    if (prev != PTX_NONE && prev >= mark && kind != SYM_FUNC)
        ptx_fail(ps, ps->tok.line, "'%s' declared twice in the same scope", ps->str + name);
    GROW(ps, ps->syms, ps->nsyms, ps->cap_syms);
    struct ptx_sym *s = &ps->syms[ps->nsyms];
    s->name = name;
    s->prev = prev;
    s->index = index;
    s->count = count;
    s->kind = (uint8_t)kind;
    ptx_map_put(ps, &ps->symmap, name, ps->nsyms);
    ps->nsyms++;
}

const struct ptx_sym *ptx_sym_find(ptx_parser *ps, uint32_t name)
{
    uint32_t e = ptx_map_get(&ps->symmap, name);
    return e == PTX_NONE ? NULL : &ps->syms[e];
}

uint32_t ptx_reg_find(ptx_parser *ps, const char *s, size_t len)
{
    uint32_t name = ptx_intern_find(ps, s, len);
    if (name != PTX_NONE) {
        const struct ptx_sym *sym = ptx_sym_find(ps, name);
        if (sym && sym->kind == SYM_REG)
            return sym->index;
    }
    /* %r17 -> range %r<N> with 17 < N */
    size_t d = len;
    while (d > 0 && s[d - 1] >= '0' && s[d - 1] <= '9')
        d--;
    if (d == len || d == 0 || len - d > 9)
        return PTX_NONE;
    uint32_t prefix = ptx_intern_find(ps, s, d);
    if (prefix == PTX_NONE)
        return PTX_NONE;
    const struct ptx_sym *sym = ptx_sym_find(ps, prefix);
    if (!sym || sym->kind != SYM_REGRANGE)
        return PTX_NONE;
    uint32_t n = 0;
    for (size_t i = d; i < len; i++)
        n = n * 10 + (uint32_t)(s[i] - '0');
    if (len - d > 1 && s[d] == '0')
        return PTX_NONE; /* %r01 is not %r1 */
    return n < sym->count ? sym->index + n : PTX_NONE;
}

/* --- tokens --- */

void ptx_next(ptx_parser *ps)
{
    if (ps->have_ahead) {
        ps->tok = ps->ahead;
        ps->have_ahead = 0;
    } else {
        ps->tok = ptx_lex_next(&ps->lx);
    }
}

const ptx_tok *ptx_peek(ptx_parser *ps)
{
    if (!ps->have_ahead) {
        ps->ahead = ptx_lex_next(&ps->lx);
        ps->have_ahead = 1;
    }
    return &ps->ahead;
}

int ptx_is_punct(const ptx_tok *t, char c)
{
    return t->kind == PTX_TK_PUNCT && t->c == c;
}

int ptx_is_dir(const ptx_tok *t, const char *name)
{
    size_t n = strlen(name);
    return t->kind == PTX_TK_DIR && t->len == n && memcmp(t->s, name, n) == 0;
}

static const char *tok_desc(const ptx_tok *t, char *buf, size_t len)
{
    if (t->kind == PTX_TK_EOF)
        return "end of file";
    snprintf(buf, len, "'%.*s'", (int)(t->len > 40 ? 40 : t->len), t->s);
    return buf;
}

void ptx_expect_punct(ptx_parser *ps, char c)
{
    if (!ptx_is_punct(&ps->tok, c)) {
        char b[64];
        ptx_fail(ps, ps->tok.line, "expected '%c' but found %s", c, tok_desc(&ps->tok, b, sizeof b));
    }
    ptx_next(ps);
}

uint64_t ptx_expect_int(ptx_parser *ps)
{
    if (ps->tok.kind != PTX_TK_INT) {
        char b[64];
        ptx_fail(ps, ps->tok.line, "expected an integer but found %s", tok_desc(&ps->tok, b, sizeof b));
    }
    uint64_t v = ps->tok.u;
    ptx_next(ps);
    return v;
}

/* Skip the rest of the current token's line (for .loc / .file, which have no ';'). */
void ptx_skip_line(ptx_parser *ps)
{
    uint32_t line = ps->tok.line;
    while (ps->tok.kind != PTX_TK_EOF && ps->tok.line == line)
        ptx_next(ps);
}

void ptx_skip_to_semicolon(ptx_parser *ps)
{
    while (ps->tok.kind != PTX_TK_EOF && !ptx_is_punct(&ps->tok, ';'))
        ptx_next(ps);
    if (ps->tok.kind == PTX_TK_EOF)
        ptx_fail(ps, ps->tok.line, "missing ';' before end of file");
    ptx_next(ps);
}

uint32_t ptx_new_var(ptx_parser *ps)
{
    ptx_module *m = ps->m;
    GROW(ps, m->vars, m->nvars, ps->cap_vars);
    memset(&m->vars[m->nvars], 0, sizeof m->vars[0]);
    m->vars[m->nvars].owner = PTX_NONE;
    m->vars[m->nvars].init = PTX_NONE;
    return m->nvars++;
}

uint32_t ptx_new_opnd(ptx_parser *ps)
{
    ptx_module *m = ps->m;
    GROW(ps, m->opnds, m->nopnds, ps->cap_opnds);
    memset(&m->opnds[m->nopnds], 0, sizeof m->opnds[0]);
    return m->nopnds++;
}

uint32_t ptx_new_reg(ptx_parser *ps)
{
    ptx_module *m = ps->m;
    GROW(ps, m->regs, m->nregs, ps->cap_regs);
    memset(&m->regs[m->nregs], 0, sizeof m->regs[0]);
    return m->nregs++;
}
