/*
 * test_ptx_parse.c - the PTX front end: literals, declarations, scopes, labels, operands,
 * initialisers, the tables' classification of opcodes and suffixes, messages for malformed
 * text (naming the right line), and robustness: every truncation and many byte mutations of
 * a real module parse or fail cleanly, never crash.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/ptx/ptx.h"

#include "../ptx/harness.h"

static ptx_module *parse_ok(const char *text)
{
    ptx_module *m = NULL;
    char err[256];
    int rc = ptx_parse(text, strlen(text), &m, err, sizeof err);
    ck_assert_msg(rc == 0, "parse failed: %s", err);
    return m;
}

static const ptx_insn *insn_of(const ptx_module *m, const char *func, unsigned i)
{
    uint32_t f = ptx_find_func(m, func);
    ck_assert(f != PTX_NONE);
    ck_assert_uint_lt(i, m->funcs[f].ninsns);
    return &m->insns[m->funcs[f].insns + i];
}

START_TEST(parse_literals_and_operands)
{
    ptx_module *m = parse_ok(".version 6.4\n.target sm_52\n.address_size 64\n"
                             ".visible .entry k(.param .u64 p)\n{\n"
                             ".reg .b32 %r<5>; .reg .f32 %f<3>; .reg .f64 %fd1; .reg .pred %p1;\n"
                             "mov.u32 %r1, 0x1F;\n"          /* 0 */
                             "mov.u32 %r2, 017;\n"           /* 1: octal */
                             "mov.u32 %r3, 0b101;\n"         /* 2: binary */
                             "mov.u32 %r4, -42;\n"           /* 3 */
                             "mov.f32 %f1, 0f3F800000;\n"    /* 4 */
                             "mov.f64 %fd1, 0d4000000000000000;\n" /* 5 */
                             "mov.f64 %fd1, 1.5;\n"          /* 6: decimal float is f64 */
                             "mov.u32 %r1, WARP_SZ;\n"       /* 7 */
                             "mov.u32 %r1, %tid.y;\n"        /* 8 */
                             "mov.u32 %r1, %envreg3;\n"      /* 9 */
                             "ld.param.u64 %r1, [p+-8];\n"   /* 10 */
                             "setp.lt.s32 %p1|%p1, %r1, %r2;\n" /* 11 */
                             "tex.2d.v4.f32.f32 {%f1, %f2, %f1, %f2}, [%r1, {%f1, %f2}];\n" /* 12 */
                             "ret;\n}\n");
    ck_assert_uint_eq(m->version, 64);
    ck_assert_uint_eq(m->target_sm, 52);
    ck_assert_int_eq(ptx_opnd(m, insn_of(m, "k", 0), 1)->imm, 0x1f);
    ck_assert_int_eq(ptx_opnd(m, insn_of(m, "k", 1), 1)->imm, 15);
    ck_assert_int_eq(ptx_opnd(m, insn_of(m, "k", 2), 1)->imm, 5);
    ck_assert_int_eq(ptx_opnd(m, insn_of(m, "k", 3), 1)->imm, -42);
    const ptx_operand *o = ptx_opnd(m, insn_of(m, "k", 4), 1);
    ck_assert(o->kind == PTX_OPND_F32 && o->imm == 0x3f800000);
    o = ptx_opnd(m, insn_of(m, "k", 5), 1);
    ck_assert(o->kind == PTX_OPND_F64 && (uint64_t)o->imm == 0x4000000000000000ull);
    o = ptx_opnd(m, insn_of(m, "k", 6), 1);
    ck_assert(o->kind == PTX_OPND_F64 && th_u2d((uint64_t)o->imm) == 1.5);
    o = ptx_opnd(m, insn_of(m, "k", 7), 1);
    ck_assert(o->kind == PTX_OPND_IMM && o->imm == 32);
    o = ptx_opnd(m, insn_of(m, "k", 8), 1);
    ck_assert(o->kind == PTX_OPND_SREG && o->index == PTX_SREG_TID && o->comp == 1);
    o = ptx_opnd(m, insn_of(m, "k", 9), 1);
    ck_assert(o->kind == PTX_OPND_SREG && o->index == PTX_SREG_ENVREG && o->comp == 3);
    o = ptx_opnd(m, insn_of(m, "k", 10), 1);
    ck_assert(o->kind == PTX_OPND_ADDR && o->base_kind == PTX_OPND_SYM && o->imm == -8);
    o = ptx_opnd(m, insn_of(m, "k", 11), 0);
    ck_assert(o->kind == PTX_OPND_PAIR && o->comp == 2);
    const ptx_insn *tex = insn_of(m, "k", 12);
    ck_assert_int_eq(tex->op, PTX_OP_TEX);
    ck_assert_int_eq(tex->unknown, 0);
    o = ptx_opnd(m, tex, 1);
    ck_assert(o->kind == PTX_OPND_LIST && (o->flags & PTX_OPND_F_BRACKET) && o->comp == 2);
    ck_assert_int_eq(ptx_elem(m, o, 1)->kind, PTX_OPND_VEC);
    char buf[128];
    ptx_insn_format(m, NULL, insn_of(m, "k", 11), buf, sizeof buf);
    ck_assert_str_eq(buf, "setp.lt.s32 %p1|%p1, %r1, %r2;");
    ptx_module_free(m);
}
END_TEST

START_TEST(parse_declarations_scopes_labels)
{
    ptx_module *m = parse_ok(
        "//\n// comment\n/* block\n comment */\n.version 9.0\n.target sm_90a, debug\n.address_size 64\n"
        ".extern .func (.param .b32 r) vprintf(.param .b64 f, .param .b64 a);\n"
        ".func (.param .b32 r) f(.param .b32 x);\n"
        ".global .align 4 .b8 arr[2][3] = {{1, 2, 3}, {4, 5, 6}};\n"
        ".global .u64 p = generic(arr)+4;\n"
        ".extern .shared .align 16 .b8 dyn[];\n"
        ".const .f32 c[2] = {1.0, -0f40000000};\n"
        ".func (.param .b32 r) f(.param .b32 x)\n{\n.reg .b32 %r<2>;\nld.param.u32 %r1, [x];\nst.param.b32 [r], %r1;\nret;\n}\n"
        ".visible .entry k(.param .u32 n) .maxntid 128, 1, 1 .minnctapersm 2\n{\n"
        "\t.reg .b32 %r<4>;\n\t.reg .pred %p<2>;\n"
        "\tbra FWD;\n"
        "\t{ .reg .b32 t; mov.u32 t, 1; }\n"
        "\t{ .reg .b32 t; mov.u32 t, 2; }\n"
        "FWD:\n\t.pragma \"nounroll\";\n\t.loc 1 2 3\n"
        "\t@!%p1 bra FWD;\n"
        "\tfoo.bar.baz %r1, %r2;\n"
        "\tadd.s32.qqq %r1, %r2, %r3;\n"
        "\tadd.s32 %r1, %r2;\n"
        "\tret;\n}\n");
    ck_assert_uint_eq(m->version, 90);
    ck_assert_uint_eq(m->target_sm, 90);
    uint32_t f = ptx_find_func(m, "f");
    ck_assert(f != PTX_NONE && (m->funcs[f].flags & PTX_FUNC_F_BODY));
    ck_assert_uint_eq(m->funcs[f].nparams, 1);
    ck_assert_uint_eq(m->funcs[f].nrets, 1);
    uint32_t k = ptx_find_func(m, "k");
    ck_assert(m->funcs[k].flags & PTX_FUNC_F_ENTRY);
    ck_assert_uint_eq(m->funcs[k].maxntid[0], 128);
    ck_assert_uint_eq(m->funcs[k].minnctapersm, 2);
    uint32_t arr = ptx_find_var(m, "arr");
    ck_assert_uint_eq(m->vars[arr].size, 6);
    ck_assert_uint_eq(m->data[m->vars[arr].init + 5], 6);
    uint32_t p = ptx_find_var(m, "p");
    ck_assert_uint_eq(m->vars[p].nrelocs, 1);
    const ptx_reloc *r = &m->relocs[m->vars[p].relocs];
    ck_assert(r->sym == arr && r->addend == 4 && r->generic && r->width == 8);
    uint32_t dyn = ptx_find_var(m, "dyn");
    ck_assert(m->vars[dyn].flags & PTX_VAR_F_UNSIZED);
    uint32_t c = ptx_find_var(m, "c");
    float cv[2];
    memcpy(cv, m->data + m->vars[c].init, 8);
    ck_assert(cv[0] == 1.0f && cv[1] == -2.0f);
    /* forward label resolved; the two scoped t registers are distinct */
    ck_assert_uint_eq(ptx_opnd(m, insn_of(m, "k", 0), 0)->index, 3);
    ck_assert_uint_ne(ptx_opnd(m, insn_of(m, "k", 1), 0)->index, ptx_opnd(m, insn_of(m, "k", 2), 0)->index);
    ck_assert(insn_of(m, "k", 3)->guard_neg);
    /* unknown opcode, unknown suffix and a wrong operand count are kept, flagged */
    ck_assert(insn_of(m, "k", 4)->unknown && insn_of(m, "k", 4)->op == PTX_OP_UNKNOWN);
    ck_assert(insn_of(m, "k", 5)->unknown && insn_of(m, "k", 5)->op == PTX_OP_ADD);
    ck_assert(insn_of(m, "k", 6)->unknown);
    ptx_module_free(m);
}
END_TEST

static void parse_fails_at(const char *text, unsigned line, const char *what)
{
    ptx_module *m = NULL;
    char err[256], want[32];
    int rc = ptx_parse(text, strlen(text), &m, err, sizeof err);
    ck_assert_msg(rc == -1, "parsed malformed PTX (%s)", what);
    ck_assert_ptr_null(m);
    snprintf(want, sizeof want, "line %u: ", line);
    ck_assert_msg(strncmp(err, want, strlen(want)) == 0, "%s: '%s' should start with '%s'", what, err, want);
}

#define HEAD ".version 8.0\n.target sm_80\n.address_size 64\n"

START_TEST(parse_errors_name_the_line)
{
    parse_fails_at(HEAD ".entry k()\n{\nbra NOWHERE;\n}\n", 6, "undefined label");
    parse_fails_at(HEAD ".entry k()\n{\n.reg .b32 %r<2>;\nmov.u32 %r1, 1\nret;\n}\n", 7, "missing semicolon");
    parse_fails_at(HEAD ".bogus 1;\n", 4, "unknown directive");
    parse_fails_at(HEAD ".entry k()\n{\n.reg .b32 %r<2>;\nmov.u32 %r7, 1;\n}\n", 7, "register out of range");
    parse_fails_at(HEAD ".entry k()\n{\n.reg .b32 %r<2>;\n@%r1 ret;\n}\n", 7, "guard not a predicate");
    parse_fails_at(HEAD ".entry k()\n{\nL:\nL:\nret;\n}\n", 7, "label defined twice");
    parse_fails_at(HEAD ".entry k()\n{\nret;\n", 7, "missing closing brace");
    parse_fails_at(".target sm_80\n", 1, "missing .version");
    parse_fails_at(HEAD ".global .u32 x = {1, 2};\n", 4, "too many initialisers");
    parse_fails_at(HEAD ".entry k()\n{\n.reg .b32 %r<2>;\nmov.u32 %r1, 0fZZ;\n}\n", 7, "bad float literal");
    parse_fails_at(HEAD ".entry k()\n{\n#\n}\n", 6, "stray character");
    parse_fails_at(HEAD ".global .u32 x = missing;\n", 4, "initialiser naming an unknown symbol");
}
END_TEST

START_TEST(parse_never_crashes)
{
    size_t len;
    char *text = th_read_ptx("programs_sm75.ptx", &len);
    if (len > 12000)
        len = 12000; /* the first kernels are enough and keep the test quick */
    char *copy = malloc(len + 1);
    ck_assert(copy != NULL);
    /* every prefix */
    for (size_t n = 0; n <= len; n += 7) {
        ptx_module *m = NULL;
        char err[128];
        if (ptx_parse(text, n, &m, err, sizeof err) == 0)
            ptx_module_free(m);
    }
    /* byte mutations */
    uint32_t x = 2463534242u;
    for (int iter = 0; iter < 400; iter++) {
        memcpy(copy, text, len);
        for (int k = 0; k < 8; k++) {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            size_t at = x % len;
            static const char pool[] = "{}()[];,.%@!|<>+-0123456789abcdefxyz_$\n\t \"/*";
            copy[at] = pool[(x >> 8) % (sizeof pool - 1)];
            if ((x >> 20) % 5 == 0)
                copy[at] = (char)(x >> 24);
        }
        ptx_module *m = NULL;
        char err[128];
        if (ptx_parse(copy, len, &m, err, sizeof err) == 0)
            ptx_module_free(m);
    }
    free(copy);
    free(text);
}
END_TEST

START_TEST(parse_tables)
{
    ck_assert_int_eq(ptx_op_lookup("shfl", 4), PTX_OP_SHFL);
    ck_assert_int_eq(ptx_op_lookup("nosuchop", 8), PTX_OP_UNKNOWN);
    ck_assert_int_eq(ptx_op_family(PTX_OP_WMMA), PTX_FAM_MMA);
    ck_assert_int_eq(ptx_type_lookup("f16x2", 5), PTX_T_F16X2);
    ck_assert_uint_eq(ptx_type_bytes(PTX_T_F16X2), 4);
    ck_assert_int_eq(ptx_mod_lookup("shared::cta", 11), PTX_MOD_SHARED_CTA);
    ck_assert_int_eq(ptx_sreg_lookup("%clock64", 8), PTX_SREG_CLOCK64);
    ck_assert_str_eq(ptx_op_name(PTX_OP_MAD), "mad");
    /* every opcode row has a name the look-up finds again */
    for (int op = 1; op < PTX_OP_COUNT; op++) {
        const char *n = ptx_op_name((ptx_op)op);
        ck_assert_int_eq(ptx_op_lookup(n, strlen(n)), op);
    }
    for (int t = 1; t < PTX_T_COUNT; t++) {
        const char *n = ptx_type_name((ptx_type)t);
        ck_assert_int_eq(ptx_type_lookup(n, strlen(n)), t);
    }
    for (int md = 1; md < PTX_MOD_COUNT; md++) {
        const char *n = ptx_mod_name((ptx_mod)md);
        ck_assert_int_eq(ptx_mod_lookup(n, strlen(n)), md);
    }
}
END_TEST

Suite *suite_ptx_parse(void)
{
    Suite *s = suite_create("ptx_parse");
    TCase *tc = tcase_create("parse");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, parse_literals_and_operands);
    tcase_add_test(tc, parse_declarations_scopes_labels);
    tcase_add_test(tc, parse_errors_name_the_line);
    tcase_add_test(tc, parse_never_crashes);
    tcase_add_test(tc, parse_tables);
    suite_add_tcase(s, tc);
    return s;
}
