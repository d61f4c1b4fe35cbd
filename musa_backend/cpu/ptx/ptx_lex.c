/*
 * ptx_lex.c - the PTX tokenizer (see ptx_lex.h).
 *
 * Owns: character classes, comment skipping and literal decoding.  Must not: know about
 * directives or opcodes (that is the parser's job) or allocate.
 */
#include "ptx_lex.h"

#include <locale.h>
#include <stdlib.h>
#include <string.h>

void ptx_lex_init(ptx_lexer *lx, const char *text, size_t len)
{
    lx->p = text;
    lx->end = text + len;
    lx->line = 1;
}

static int is_start(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$' || c == '%';
}

static int is_follow(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '$';
}

/* Suffix characters also take ':' for ".shared::cta" and "L2::cache_hint". */
static int is_suffix(char c)
{
    return is_follow(c) || c == ':';
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static void skip_space(ptx_lexer *lx)
{
    while (lx->p < lx->end) {
        char c = *lx->p;
        if (c == '\n') {
            lx->line++;
            lx->p++;
        } else if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v' || c == '\0') {
            lx->p++;
        } else if (c == '/' && lx->p + 1 < lx->end && lx->p[1] == '/') {
            while (lx->p < lx->end && *lx->p != '\n')
                lx->p++;
        } else if (c == '/' && lx->p + 1 < lx->end && lx->p[1] == '*') {
            lx->p += 2;
            while (lx->p < lx->end && !(*lx->p == '*' && lx->p + 1 < lx->end && lx->p[1] == '/')) {
                if (*lx->p == '\n')
                    lx->line++;
                lx->p++;
            }
            lx->p = lx->p + 2 <= lx->end ? lx->p + 2 : lx->end;
        } else {
            break;
        }
    }
}

/* A decimal float literal such as 1.5, 2e10 or 1.0e-3: PTX reads it as an f64. */
static int lex_decimal_float(ptx_lexer *lx, ptx_tok *t)
{
    const char *q = lx->p;
    int seen_dot = 0, seen_exp = 0, digits = 0;
    while (q < lx->end) {
        char c = *q;
        if (c >= '0' && c <= '9') {
            digits++;
            q++;
        } else if (c == '.' && !seen_dot && !seen_exp) {
            seen_dot = 1;
            q++;
        } else if ((c == 'e' || c == 'E') && !seen_exp && digits) {
            seen_exp = 1;
            q++;
            if (q < lx->end && (*q == '+' || *q == '-'))
                q++;
        } else {
            break;
        }
    }
    if (!(seen_dot || seen_exp) || !digits)
        return 0;
    char buf[64];
    size_t n = (size_t)(q - lx->p);
    if (n >= sizeof buf)
        return 0;
    memcpy(buf, lx->p, n);
    buf[n] = 0;
    /* strtod reads the decimal point of the process locale; the program we run inside may
     * have called setlocale, so write the locale's point in place of PTX's '.'. */
    const char *dp = localeconv()->decimal_point;
    if (dp && dp[0] && dp[0] != '.' && dp[1] == 0) {
        char *dot = strchr(buf, '.');
        if (dot)
            *dot = dp[0];
    }
    double v = strtod(buf, NULL);
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    t->kind = PTX_TK_F64;
    t->u = bits;
    lx->p = q;
    return 1;
}

static void lex_number(ptx_lexer *lx, ptx_tok *t)
{
    const char *p = lx->p;
    if (p + 1 < lx->end && p[0] == '0' && (p[1] == 'f' || p[1] == 'F' || p[1] == 'd' || p[1] == 'D')) {
        int want = (p[1] == 'f' || p[1] == 'F') ? 8 : 16;
        uint64_t v = 0;
        int n = 0;
        const char *q = p + 2;
        while (q < lx->end && hexval(*q) >= 0 && n < want) {
            v = v << 4 | (uint64_t)hexval(*q);
            q++;
            n++;
        }
        if (n == want && !(q < lx->end && is_follow(*q))) {
            t->kind = want == 8 ? PTX_TK_F32 : PTX_TK_F64;
            t->u = v;
            lx->p = q;
            return;
        }
        t->kind = PTX_TK_BAD;
        lx->p = q;
        return;
    }
    if (lex_decimal_float(lx, t))
        return;
    uint64_t v = 0;
    int base = 10, digits = 0, overflow = 0;
    const char *q = p;
    if (q + 1 < lx->end && q[0] == '0' && (q[1] == 'x' || q[1] == 'X')) {
        base = 16;
        q += 2;
    } else if (q + 1 < lx->end && q[0] == '0' && (q[1] == 'b' || q[1] == 'B')) {
        base = 2;
        q += 2;
    } else if (q + 1 < lx->end && q[0] == '0' && q[1] >= '0' && q[1] <= '7') {
        base = 8;
        q += 1;
    }
    for (; q < lx->end; q++) {
        int d = hexval(*q);
        if (d < 0 || d >= base)
            break;
        if (v > (UINT64_MAX - (uint64_t)d) / (uint64_t)base)
            overflow = 1;
        v = v * (uint64_t)base + (uint64_t)d;
        digits++;
    }
    if (q < lx->end && (*q == 'U' || *q == 'u'))
        q++;
    if (!digits || overflow || (q < lx->end && is_follow(*q))) {
        while (q < lx->end && is_follow(*q))
            q++;
        t->kind = PTX_TK_BAD;
        lx->p = q;
        return;
    }
    t->kind = PTX_TK_INT;
    t->u = v;
    lx->p = q;
}

ptx_tok ptx_lex_next(ptx_lexer *lx)
{
    ptx_tok t;
    memset(&t, 0, sizeof t);
    skip_space(lx);
    t.line = lx->line;
    t.s = lx->p;
    if (lx->p >= lx->end) {
        t.kind = PTX_TK_EOF;
        return t;
    }
    char c = *lx->p;
    if (is_start(c)) {
        const char *q = lx->p + 1;
        while (q < lx->end && is_follow(*q))
            q++;
        /* attached suffixes: ".global", ".v4", ".shared::cta" */
        while (q + 1 < lx->end && *q == '.' && is_suffix(q[1])) {
            q++;
            while (q < lx->end && is_suffix(*q))
                q++;
        }
        t.kind = PTX_TK_IDENT;
        lx->p = q;
    } else if (c == '.' && lx->p + 1 < lx->end && is_suffix(lx->p[1])) {
        const char *q = lx->p + 1;
        while (q < lx->end && is_suffix(*q))
            q++;
        t.kind = PTX_TK_DIR;
        lx->p = q;
    } else if (c >= '0' && c <= '9') {
        lex_number(lx, &t);
    } else if (c == '"') {
        const char *q = lx->p + 1;
        while (q < lx->end && *q != '"' && *q != '\n') {
            if (*q == '\\' && q + 1 < lx->end)
                q++;
            q++;
        }
        if (q >= lx->end || *q != '"') {
            t.kind = PTX_TK_BAD;
            lx->p = q;
        } else {
            t.kind = PTX_TK_STRING;
            t.s = lx->p + 1;
            t.len = (uint32_t)(q - t.s);
            lx->p = q + 1;
            return t;
        }
    } else if (strchr(";,{}()[]:+-@!|<>=*/~", c)) {
        t.kind = PTX_TK_PUNCT;
        t.c = c;
        lx->p++;
    } else {
        t.kind = PTX_TK_BAD;
        lx->p++;
    }
    t.len = (uint32_t)(lx->p - t.s);
    return t;
}
