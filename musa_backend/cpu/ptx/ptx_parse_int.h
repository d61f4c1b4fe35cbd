/*
 * ptx_parse_int.h - the parser's private state, shared by the files of the PTX front end.
 *
 * Owns: the growable arrays the module is built in, string interning, the scoped symbol table
 * and the error exit (a longjmp back to ptx_parse, which frees everything).  Not part of the
 * front end's interface.
 */
#ifndef CUSHIM_PTX_PARSE_INT_H
#define CUSHIM_PTX_PARSE_INT_H

#include <setjmp.h>
#include <stdint.h>

#include "ptx.h"
#include "ptx_lex.h"

/* Symbol kinds in the scoped table. */
enum ptx_sym_kind { SYM_REG = 1, SYM_REGRANGE, SYM_VAR, SYM_FUNC };

struct ptx_sym {
    uint32_t name;
    uint32_t prev; /* entry this one shadows (PTX_NONE for none) */
    uint32_t index; /* register / first register of a range / variable / function */
    uint32_t count; /* registers in a range */
    uint8_t kind;
};

/* uint32 -> uint32 open-addressing map (keys are string offsets). */
struct ptx_map {
    uint32_t *keys, *vals;
    uint32_t cap, count;
};

struct pending_label {
    uint32_t opnd; /* operand to patch */
    uint32_t name;
    uint32_t line;
};

#define GROW(ps, arr, n, cap) \
    ((n) >= (cap) ? ptx_grow((ps), (void **)&(arr), &(cap), sizeof *(arr), (n) + 1) : (void)0)

struct ptx_parser {
    ptx_lexer lx;
    ptx_tok tok;  /* current token */
    ptx_tok ahead; /* one token of look-ahead */
    int have_ahead;
    jmp_buf fail;
    char *err;
    size_t errlen;
    int oom;

    ptx_module *m;
    uint32_t cap_funcs, cap_vars, cap_insns, cap_opnds, cap_regs, cap_data, cap_relocs, cap_str;
    char *str;
    struct ptx_map strmap; /* hash -> offset, collision-checked */

    struct ptx_sym *syms;
    uint32_t nsyms, cap_syms;
    struct ptx_map symmap; /* name -> top entry */
    uint32_t scope_mark[256];
    int depth;

    /* the function whose body is being parsed */
    uint32_t cur_func;
    struct ptx_map labels; /* name -> instruction index within the function */
    struct pending_label *pend;
    uint32_t npend, cap_pend;
    /* an operand of the instruction being parsed has a form we do not know (a register with a
     * video byte/half selector): the instruction is kept, marked unknown */
    int opnd_unknown;
};

typedef struct ptx_parser ptx_parser;

/* errors: never return */
_Noreturn void ptx_fail(ptx_parser *ps, uint32_t line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
_Noreturn void ptx_oom(ptx_parser *ps);
void ptx_grow(ptx_parser *ps, void **arr, uint32_t *cap, size_t elem, uint32_t need);

/* strings */
uint32_t ptx_intern(ptx_parser *ps, const char *s, size_t len);
uint32_t ptx_intern_find(ptx_parser *ps, const char *s, size_t len); /* PTX_NONE if absent */

/* maps */
void ptx_map_free(struct ptx_map *m);
uint32_t ptx_map_get(const struct ptx_map *m, uint32_t key); /* PTX_NONE if absent */
void ptx_map_put(ptx_parser *ps, struct ptx_map *m, uint32_t key, uint32_t val);
void ptx_map_clear(struct ptx_map *m);

/* scoped symbols */
void ptx_scope_push(ptx_parser *ps, uint32_t line);
void ptx_scope_pop(ptx_parser *ps);
void ptx_sym_add(ptx_parser *ps, uint32_t name, int kind, uint32_t index, uint32_t count);
const struct ptx_sym *ptx_sym_find(ptx_parser *ps, uint32_t name);
/* A register by name, expanding %r<N> ranges: register index or PTX_NONE. */
uint32_t ptx_reg_find(ptx_parser *ps, const char *s, size_t len);

/* tokens */
void ptx_next(ptx_parser *ps);
const ptx_tok *ptx_peek(ptx_parser *ps);
int ptx_is_punct(const ptx_tok *t, char c);
int ptx_is_dir(const ptx_tok *t, const char *name);
void ptx_expect_punct(ptx_parser *ps, char c);
uint64_t ptx_expect_int(ptx_parser *ps);
void ptx_skip_line(ptx_parser *ps);
void ptx_skip_to_semicolon(ptx_parser *ps);

/* module pieces */
uint32_t ptx_new_var(ptx_parser *ps);
uint32_t ptx_new_opnd(ptx_parser *ps);
uint32_t ptx_new_reg(ptx_parser *ps);
/* Parse a variable declaration whose state-space directive is the current token. */
void ptx_parse_var_decl(ptx_parser *ps, uint16_t flags, uint32_t owner);
/* Parse `.reg ...;` with the current token on .reg. */
void ptx_parse_reg_decl(ptx_parser *ps);
/* Parse a function body; the current token is '{'. */
void ptx_parse_body(ptx_parser *ps, uint32_t func);

#endif
