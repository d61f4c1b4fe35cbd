/*
 * test_ptx_int.c - conformance of the integer arithmetic family (tests/ptx/int.ptx).
 *
 * Every kernel runs on edge-case operands (0, ±1, the extremes of the type, alternating bit
 * patterns, shift-sized values, pseudo-random values) and each result is checked against a
 * host reference written from the PTX ISA's definition: wrap-around arithmetic, .hi/.wide
 * product halves, .sat clamping, and the machine results for division by zero (quotient all
 * ones, remainder the dividend) and INT_MIN / -1.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../ptx/harness.h"

typedef unsigned __int128 u128;
typedef __int128 i128;

static engine_module *int_mod;

static void int_setup(void)
{
    int_mod = th_load("int.ptx");
}

static void int_teardown(void)
{
    engine_module_unload(int_mod);
}

static uint64_t mask_of(unsigned bits)
{
    return bits == 64 ? ~0ull : (1ull << bits) - 1;
}

static int64_t sx(uint64_t v, unsigned bits)
{
    if (bits == 64)
        return (int64_t)v;
    uint64_t top = 1ull << (bits - 1);
    v &= mask_of(bits);
    return (int64_t)((v ^ top) - top);
}

/* Edge values of a width, as bit patterns. */
static unsigned edge_values(unsigned bits, uint64_t *v)
{
    uint64_t m = mask_of(bits), smax = m >> 1, smin = smax + 1;
    uint64_t list[] = {0, 1, 2, 3, 7, m, m - 1, smax, smin, smax - 1, smin + 1, 0x5555555555555555ull & m,
                       0xaaaaaaaaaaaaaaaaull & m, bits - 1, bits, bits + 1, 100, m - 99};
    unsigned n = sizeof list / sizeof list[0];
    memcpy(v, list, sizeof list);
    uint64_t x = 0x9e3779b97f4a7c15ull;
    for (unsigned i = 0; i < 14; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        v[n++] = x & m;
    }
    return n; /* 32 */
}

typedef uint64_t (*ref_fn)(uint64_t a, uint64_t b, uint64_t c, unsigned bits, int sgn);

/* Run `kernel` on combinations of edge values (pairs for two operands, a sample of triples
 * for three) and compare to ref. out_bits is the result width. */
static void check(const char *kernel, unsigned bits, int sgn, unsigned nsrc, unsigned out_bits, ref_fn ref,
                  unsigned c_bits)
{
    uint64_t ev[40], cv[40];
    unsigned ne = edge_values(bits, ev);
    edge_values(c_bits ? c_bits : bits, cv);
    th_rec_in in[1024];
    th_rec_out out[1024];
    unsigned n = 0;
    for (unsigned i = 0; i < ne && n < 1024; i++) {
        for (unsigned j = 0; j < (nsrc > 1 ? ne : 1) && n < 1024; j++) {
            in[n].a = ev[i];
            in[n].b = ev[j];
            in[n].c = cv[(i * 7 + j * 3) % ne];
            in[n].e = 0;
            n++;
        }
    }
    ck_assert_int_eq(th_run(int_mod, kernel, in, out, n), MU_SUCCESS);
    uint64_t om = mask_of(out_bits);
    for (unsigned i = 0; i < n; i++) {
        uint64_t want = ref(in[i].a, in[i].b, in[i].c, bits, sgn) & om;
        uint64_t got = out[i].d & om;
        ck_assert_msg(got == want, "%s(a=%#llx, b=%#llx, c=%#llx) = %#llx, want %#llx", kernel,
                      (unsigned long long)in[i].a, (unsigned long long)in[i].b, (unsigned long long)in[i].c,
                      (unsigned long long)got, (unsigned long long)want);
    }
}

static uint64_t r_add(uint64_t a, uint64_t b, uint64_t c, unsigned bits, int s) { (void)c; (void)bits; (void)s; return a + b; }
static uint64_t r_sub(uint64_t a, uint64_t b, uint64_t c, unsigned bits, int s) { (void)c; (void)bits; (void)s; return a - b; }
static uint64_t r_mullo(uint64_t a, uint64_t b, uint64_t c, unsigned bits, int s) { (void)c; (void)bits; (void)s; return a * b; }
static uint64_t r_madlo(uint64_t a, uint64_t b, uint64_t c, unsigned bits, int s) { (void)bits; (void)s; return a * b + c; }

static u128 product(uint64_t a, uint64_t b, unsigned bits, int s)
{
    if (s)
        return (u128)((i128)sx(a, bits) * (i128)sx(b, bits));
    return (u128)(a & mask_of(bits)) * (u128)(b & mask_of(bits));
}

static uint64_t r_mulhi(uint64_t a, uint64_t b, uint64_t c, unsigned bits, int s)
{
    (void)c;
    return (uint64_t)(product(a, b, bits, s) >> bits);
}
static uint64_t r_madhi(uint64_t a, uint64_t b, uint64_t c, unsigned bits, int s)
{
    return (uint64_t)(product(a, b, bits, s) >> bits) + c;
}
static uint64_t r_mulwide(uint64_t a, uint64_t b, uint64_t c, unsigned bits, int s)
{
    (void)c;
    return (uint64_t)product(a, b, bits, s);
}
static uint64_t r_madwide(uint64_t a, uint64_t b, uint64_t c, unsigned bits, int s)
{
    return (uint64_t)product(a, b, bits, s) + c;
}

static uint64_t r_div(uint64_t a, uint64_t b, uint64_t c, unsigned bits, int s)
{
    (void)c;
    uint64_t m = mask_of(bits);
    if ((b & m) == 0)
        return m; /* all ones */
    if (s) {
        int64_t x = sx(a, bits), y = sx(b, bits);
        if (y == -1)
            return (uint64_t)0 - (uint64_t)x; /* INT_MIN / -1 wraps */
        return (uint64_t)(x / y);
    }
    return (a & m) / (b & m);
}
static uint64_t r_rem(uint64_t a, uint64_t b, uint64_t c, unsigned bits, int s)
{
    (void)c;
    uint64_t m = mask_of(bits);
    if ((b & m) == 0)
        return a;
    if (s) {
        int64_t x = sx(a, bits), y = sx(b, bits);
        if (y == -1)
            return 0;
        return (uint64_t)(x % y);
    }
    return (a & m) % (b & m);
}
static uint64_t r_min(uint64_t a, uint64_t b, uint64_t c, unsigned bits, int s)
{
    (void)c;
    if (s)
        return sx(a, bits) < sx(b, bits) ? a : b;
    return (a & mask_of(bits)) < (b & mask_of(bits)) ? a : b;
}
static uint64_t r_max(uint64_t a, uint64_t b, uint64_t c, unsigned bits, int s)
{
    (void)c;
    if (s)
        return sx(a, bits) > sx(b, bits) ? a : b;
    return (a & mask_of(bits)) > (b & mask_of(bits)) ? a : b;
}
static uint64_t r_sad(uint64_t a, uint64_t b, uint64_t c, unsigned bits, int s)
{
    uint64_t d;
    if (s)
        d = sx(a, bits) > sx(b, bits) ? (uint64_t)sx(a, bits) - (uint64_t)sx(b, bits)
                                      : (uint64_t)sx(b, bits) - (uint64_t)sx(a, bits);
    else
        d = (a & mask_of(bits)) > (b & mask_of(bits)) ? a - b : b - a;
    return d + c;
}
static uint64_t r_abs(uint64_t a, uint64_t b, uint64_t c, unsigned bits, int s)
{
    (void)b;
    (void)c;
    (void)s;
    int64_t x = sx(a, bits);
    return x < 0 ? (uint64_t)0 - (uint64_t)x : (uint64_t)x;
}
static uint64_t r_neg(uint64_t a, uint64_t b, uint64_t c, unsigned bits, int s)
{
    (void)b;
    (void)c;
    (void)bits;
    (void)s;
    return (uint64_t)0 - a;
}

static uint64_t clamp32(int64_t v)
{
    return (uint64_t)(v > INT32_MAX ? INT32_MAX : v < INT32_MIN ? INT32_MIN : v);
}
static uint64_t r_addsat(uint64_t a, uint64_t b, uint64_t c, unsigned bits, int s)
{
    (void)c;
    (void)s;
    return clamp32(sx(a, bits) + sx(b, bits));
}
static uint64_t r_subsat(uint64_t a, uint64_t b, uint64_t c, unsigned bits, int s)
{
    (void)c;
    (void)s;
    return clamp32(sx(a, bits) - sx(b, bits));
}
static uint64_t r_madhisat(uint64_t a, uint64_t b, uint64_t c, unsigned bits, int s)
{
    (void)s;
    int64_t hi = (sx(a, 32) * sx(b, 32)) >> 32; /* arithmetic: high word of the product */
    (void)bits;
    return clamp32(hi + sx(c, 32));
}
static uint64_t r_mul24lo_s(uint64_t a, uint64_t b, uint64_t c, unsigned bits, int s)
{
    (void)c;
    (void)bits;
    (void)s;
    return (uint64_t)(sx(a, 24) * sx(b, 24));
}
static uint64_t r_mul24hi_u(uint64_t a, uint64_t b, uint64_t c, unsigned bits, int s)
{
    (void)c;
    (void)bits;
    (void)s;
    return ((a & 0xffffff) * (b & 0xffffff)) >> 16;
}
static uint64_t r_mad24lo_u(uint64_t a, uint64_t b, uint64_t c, unsigned bits, int s)
{
    (void)bits;
    (void)s;
    return (a & 0xffffff) * (b & 0xffffff) + c;
}

struct case_ {
    const char *op;
    ref_fn ref;
    unsigned nsrc;
    int wide;     /* result twice as wide, c too for mad.wide */
    int signed_only;
};

static const struct case_ cases[] = {
    {"add", r_add, 2, 0, 0},     {"sub", r_sub, 2, 0, 0},       {"mullo", r_mullo, 2, 0, 0},
    {"madlo", r_madlo, 3, 0, 0}, {"mulhi", r_mulhi, 2, 0, 0},   {"madhi", r_madhi, 3, 0, 0},
    {"div", r_div, 2, 0, 0},     {"rem", r_rem, 2, 0, 0},       {"min", r_min, 2, 0, 0},
    {"max", r_max, 2, 0, 0},     {"sad", r_sad, 3, 0, 0},       {"mulwide", r_mulwide, 2, 1, 0},
    {"madwide", r_madwide, 3, 1, 0}, {"abs", r_abs, 1, 0, 1},   {"neg", r_neg, 1, 0, 1},
};

START_TEST(int_all_forms)
{
    static const unsigned widths[] = {16, 32, 64};
    char name[64];
    for (unsigned c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        for (unsigned wi = 0; wi < 3; wi++) {
            for (int s = 0; s < 2; s++) {
                unsigned bits = widths[wi];
                if (cases[c].wide && bits == 64)
                    continue;
                if (cases[c].signed_only && !s)
                    continue;
                snprintf(name, sizeof name, "%s_%c%u", cases[c].op, s ? 's' : 'u', bits);
                unsigned ob = cases[c].wide ? bits * 2 : bits;
                check(name, bits, s, cases[c].nsrc, ob, cases[c].ref, cases[c].wide ? bits * 2 : 0);
            }
        }
    }
}
END_TEST

START_TEST(int_saturating_and_24bit)
{
    check("addsat_s32", 32, 1, 2, 32, r_addsat, 0);
    check("subsat_s32", 32, 1, 2, 32, r_subsat, 0);
    check("madhisat_s32", 32, 1, 3, 32, r_madhisat, 0);
    check("mul24lo_s32", 32, 1, 2, 32, r_mul24lo_s, 0);
    check("mul24hi_u32", 32, 0, 2, 32, r_mul24hi_u, 0);
    check("mad24lo_u32", 32, 0, 3, 32, r_mad24lo_u, 0);
}
END_TEST

static uint64_t r_carry(uint64_t a, uint64_t b, uint64_t c, unsigned bits, int s)
{
    (void)c;
    (void)bits;
    (void)s;
    return ((a & 0xffffffffu) + (b & 0xffffffffu)) >> 32;
}
static uint64_t r_madcc(uint64_t a, uint64_t b, uint64_t c, unsigned bits, int s)
{
    (void)bits;
    (void)s;
    uint64_t p = (a & 0xffffffffu) * (b & 0xffffffffu);
    uint64_t lo = (p & 0xffffffffu) + (c & 0xffffffffu);
    return (p >> 32) + (lo >> 32);
}

START_TEST(int_carry_chains)
{
    check("add64_cc", 64, 0, 2, 64, r_add, 0);
    check("sub64_cc", 64, 0, 2, 64, r_sub, 0);
    check("carry_out", 32, 0, 2, 32, r_carry, 0);
    check("mad_cc_chain", 32, 0, 3, 32, r_madcc, 0);
}
END_TEST

static uint64_t dot4(uint64_t a, uint64_t b, uint64_t c, int sa, int sb)
{
    int64_t s = 0;
    for (int i = 0; i < 4; i++) {
        int64_t x = (a >> (8 * i)) & 0xff, y = (b >> (8 * i)) & 0xff;
        if (sa)
            x = (int8_t)x;
        if (sb)
            y = (int8_t)y;
        s += x * y;
    }
    return (uint64_t)s + c;
}
static uint64_t r_dp4a_s(uint64_t a, uint64_t b, uint64_t c, unsigned bits, int s)
{
    (void)bits;
    (void)s;
    return dot4(a, b, c, 1, 1);
}
static uint64_t r_dp4a_u(uint64_t a, uint64_t b, uint64_t c, unsigned bits, int s)
{
    (void)bits;
    (void)s;
    return dot4(a, b, c, 0, 0);
}
static uint64_t r_dp2a_lo(uint64_t a, uint64_t b, uint64_t c, unsigned bits, int s)
{
    (void)bits;
    (void)s;
    int64_t r = 0;
    for (int i = 0; i < 2; i++)
        r += (int64_t)(int16_t)((a >> (16 * i)) & 0xffff) * (int64_t)((b >> (8 * i)) & 0xff);
    return (uint64_t)r + c;
}
static uint64_t r_addimm(uint64_t a, uint64_t b, uint64_t c, unsigned bits, int s)
{
    (void)b;
    (void)c;
    (void)bits;
    (void)s;
    return a - 7;
}
static uint64_t r_mulimm(uint64_t a, uint64_t b, uint64_t c, unsigned bits, int s)
{
    (void)b;
    (void)c;
    (void)bits;
    (void)s;
    return a * 0x10001u;
}

START_TEST(int_dot_and_immediates)
{
    check("dp4a_s32", 32, 0, 3, 32, r_dp4a_s, 0);
    check("dp4a_u32", 32, 0, 3, 32, r_dp4a_u, 0);
    check("dp2a_lo", 32, 0, 3, 32, r_dp2a_lo, 0);
    check("add_imm", 32, 1, 1, 32, r_addimm, 0);
    check("mul_imm_hex", 32, 0, 1, 32, r_mulimm, 0);
}
END_TEST

Suite *suite_ptx_int(void)
{
    Suite *s = suite_create("ptx_int");
    TCase *tc = tcase_create("int");
    tcase_add_checked_fixture(tc, int_setup, int_teardown);
    tcase_add_test(tc, int_all_forms);
    tcase_add_test(tc, int_saturating_and_24bit);
    tcase_add_test(tc, int_carry_chains);
    tcase_add_test(tc, int_dot_and_immediates);
    suite_add_tcase(s, tc);
    return s;
}
