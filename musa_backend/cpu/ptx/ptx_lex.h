/*
 * ptx_lex.h - the PTX tokenizer.
 *
 * Owns: turning bytes into tokens with line numbers.  An identifier token keeps the suffixes
 * written against it ("ld.global.v4.u32", "%tid.x") so the parser splits opcodes without
 * caring about spacing; a directive token is a '.' word on its own (".reg", ".b32").  Numbers
 * are decoded here (decimal/hex/octal/binary integers, 0f/0d float bit patterns, decimal
 * floats).  Comments and whitespace are skipped.  No allocation, no global state.
 */
#ifndef CUSHIM_PTX_LEX_H
#define CUSHIM_PTX_LEX_H

#include <stddef.h>
#include <stdint.h>

typedef enum ptx_tok_kind {
    PTX_TK_EOF = 0,
    PTX_TK_IDENT,  /* identifier, maybe with .suffixes */
    PTX_TK_DIR,    /* .directive */
    PTX_TK_INT,    /* integer literal: u holds the value */
    PTX_TK_F32,    /* 0fXXXXXXXX: u holds the bits */
    PTX_TK_F64,    /* 0dXXXXXXXXXXXXXXXX or decimal float: u holds the bits */
    PTX_TK_STRING, /* "..." without the quotes */
    PTX_TK_PUNCT,  /* one character in c */
    PTX_TK_BAD     /* a character or literal that cannot start a token */
} ptx_tok_kind;

typedef struct ptx_tok {
    ptx_tok_kind kind;
    char c;          /* PUNCT */
    const char *s;   /* text of the token */
    uint32_t len;
    uint32_t line;
    uint64_t u;      /* INT / F32 / F64 */
} ptx_tok;

typedef struct ptx_lexer {
    const char *p, *end;
    uint32_t line;
} ptx_lexer;

void ptx_lex_init(ptx_lexer *lx, const char *text, size_t len);
/* The next token; never fails (bad input gives PTX_TK_BAD). */
ptx_tok ptx_lex_next(ptx_lexer *lx);

#endif
