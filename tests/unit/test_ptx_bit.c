/*
 * test_ptx_bit.c - conformance of logic and bit-field instructions (tests/ptx/bit.ptx).
 *
 * References follow the PTX ISA pseudo-code: shifts by the width or more give 0 (sign fill
 * for shr.s), bfe/bfi clamp position and length to 8 bits and stop at the msb, bfind and
 * clz of 0, prmt's selector and mode tables, funnel-shift wrap and clamp, bmsk, szext,
 * lop3 truth tables, predicate logic.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "../ptx/harness.h"

static engine_module *bit_mod;

static void bit_setup(void)
{
    bit_mod = th_load("bit.ptx");
}

static void bit_teardown(void)
{
    engine_module_unload(bit_mod);
}

static uint64_t mask_of(unsigned bits)
{
    return bits == 64 ? ~0ull : (1ull << bits) - 1;
}

typedef uint64_t (*ref_fn)(uint64_t a, uint64_t b, uint64_t c, uint64_t e, unsigned bits);

static unsigned values(unsigned bits, uint64_t *v)
{
    uint64_t m = mask_of(bits);
    uint64_t base[] = {0, 1, 2, 0x80, 0x8000, m, m >> 1, (m >> 1) + 1, 0xf0f0f0f0f0f0f0f0ull & m,
                       0x123456789abcdef0ull & m, 0x8000000100000001ull & m, 7, 8, 15, 16, 31, 32, 33, 63, 64,
                       65, 255, 256, 0xffffffe0u & m};
    unsigned n = sizeof base / sizeof base[0];
    memcpy(v, base, sizeof base);
    uint64_t x = 88172645463325252ull;
    while (n < 32) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        v[n++] = x & m;
    }
    return n;
}

static void check(const char *kernel, unsigned bits, unsigned bbits, unsigned out_bits, ref_fn ref)
{
    uint64_t va[40], vb[40];
    unsigned na = values(bits, va), nb = values(bbits, vb);
    th_rec_in in[1024];
    th_rec_out out[1024];
    unsigned n = 0;
    for (unsigned i = 0; i < na; i++)
        for (unsigned j = 0; j < nb && n < 1024; j++) {
            in[n].a = va[i];
            in[n].b = vb[j];
            in[n].c = vb[(i * 5 + j) % nb] & 0xffffffffu;
            in[n].e = va[(i + 3 * j) % na] & 0xffffffffu;
            n++;
        }
    ck_assert_int_eq(th_run(bit_mod, kernel, in, out, n), MU_SUCCESS);
    for (unsigned i = 0; i < n; i++) {
        uint64_t want = ref(in[i].a, in[i].b, in[i].c, in[i].e, bits) & mask_of(out_bits);
        uint64_t got = out[i].d & mask_of(out_bits);
        ck_assert_msg(got == want, "%s(a=%#llx, b=%#llx, c=%#llx, e=%#llx) = %#llx, want %#llx", kernel,
                      (unsigned long long)in[i].a, (unsigned long long)in[i].b, (unsigned long long)in[i].c,
                      (unsigned long long)in[i].e, (unsigned long long)got, (unsigned long long)want);
    }
}

#define R(name) static uint64_t name(uint64_t a, uint64_t b, uint64_t c, uint64_t e, unsigned bits)
#define UNUSED4 (void)a, (void)b, (void)c, (void)e, (void)bits

R(r_and) { UNUSED4; return a & b; }
R(r_or) { UNUSED4; return a | b; }
R(r_xor) { UNUSED4; return a ^ b; }
R(r_not) { UNUSED4; return ~a; }
R(r_cnot) { UNUSED4; return (a & mask_of(bits)) == 0; }
R(r_shl)
{
    UNUSED4;
    uint32_t n = (uint32_t)b;
    return n >= bits ? 0 : a << n;
}
R(r_shru)
{
    UNUSED4;
    uint32_t n = (uint32_t)b;
    a &= mask_of(bits);
    return n >= bits ? 0 : a >> n;
}
R(r_shrs)
{
    UNUSED4;
    uint32_t n = (uint32_t)b;
    a &= mask_of(bits);
    int neg = (a >> (bits - 1)) & 1;
    if (n >= bits)
        return neg ? ~0ull : 0;
    uint64_t r = a >> n;
    if (neg && n)
        r |= mask_of(bits) & ~(mask_of(bits) >> n);
    return r;
}
R(r_popc)
{
    UNUSED4;
    a &= mask_of(bits);
    uint64_t n = 0;
    for (; a; a &= a - 1)
        n++;
    return n;
}
R(r_clz)
{
    UNUSED4;
    a &= mask_of(bits);
    uint64_t n = 0;
    for (int i = (int)bits - 1; i >= 0 && !((a >> i) & 1); i--)
        n++;
    return n;
}
R(r_brev)
{
    UNUSED4;
    uint64_t r = 0;
    for (unsigned i = 0; i < bits; i++)
        if ((a >> i) & 1)
            r |= 1ull << (bits - 1 - i);
    return r;
}
static uint64_t bfind(uint64_t a, unsigned bits, int sgn, int sh)
{
    a &= mask_of(bits);
    if (sgn && ((a >> (bits - 1)) & 1))
        a = ~a & mask_of(bits);
    for (int i = (int)bits - 1; i >= 0; i--)
        if ((a >> i) & 1)
            return sh ? bits - 1 - (unsigned)i : (unsigned)i;
    return 0xffffffffu;
}
R(r_bfind_u) { UNUSED4; return bfind(a, bits, 0, 0); }
R(r_bfind_s) { UNUSED4; return bfind(a, bits, 1, 0); }
R(r_bfindsh_u) { UNUSED4; return bfind(a, bits, 0, 1); }
R(r_bfindsh_s) { UNUSED4; return bfind(a, bits, 1, 1); }
static uint64_t bfe(uint64_t a, uint64_t b, uint64_t c, unsigned bits, int sgn)
{
    unsigned msb = bits - 1, pos = (unsigned)(b & 0xff), len = (unsigned)(c & 0xff);
    uint64_t sbit = 0;
    if (sgn && len) {
        unsigned i = pos + len - 1 < msb ? pos + len - 1 : msb;
        sbit = (a >> i) & 1;
    }
    uint64_t d = 0;
    for (unsigned i = 0; i <= msb; i++) {
        uint64_t bit = (i < len && pos + i <= msb) ? (a >> (pos + i)) & 1 : sbit;
        d |= bit << i;
    }
    return d;
}
R(r_bfe_u) { UNUSED4; return bfe(a, b, c, bits, 0); }
R(r_bfe_s) { UNUSED4; return bfe(a, b, c, bits, 1); }
R(r_bfi)
{
    UNUSED4;
    unsigned msb = bits - 1, pos = (unsigned)(c & 0xff), len = (unsigned)(e & 0xff);
    uint64_t d = b;
    for (unsigned i = 0; i < len && pos + i <= msb; i++)
        d = (d & ~(1ull << (pos + i))) | (((a >> i) & 1) << (pos + i));
    return d;
}
static uint64_t shf(uint64_t a, uint64_t b, uint64_t c, int right, int clamp)
{
    uint32_t n = clamp ? ((uint32_t)c > 32 ? 32 : (uint32_t)c) : (uint32_t)c & 31;
    uint64_t v = (b & 0xffffffffu) << 32 | (a & 0xffffffffu);
    return right ? (v >> n) & 0xffffffffu : (v << n) >> 32;
}
R(r_shf_l_wrap) { UNUSED4; return shf(a, b, c, 0, 0); }
R(r_shf_r_wrap) { UNUSED4; return shf(a, b, c, 1, 0); }
R(r_shf_l_clamp) { UNUSED4; return shf(a, b, c, 0, 1); }
R(r_shf_r_clamp) { UNUSED4; return shf(a, b, c, 1, 1); }

static uint64_t prmt(uint64_t a, uint64_t b, uint64_t c, int mode)
{
    /* mode tables from the PTX ISA, written as d.b3 d.b2 d.b1 d.b0 per c[1:0] */
    static const char *tables[6][4] = {
        {"3210", "4321", "5432", "6543"}, /* f4e */
        {"5670", "6701", "7012", "0123"}, /* b4e */
        {"0000", "1111", "2222", "3333"}, /* rc8 */
        {"3210", "3211", "3222", "3333"}, /* ecl */
        {"0000", "1110", "2210", "3210"}, /* ecr */
        {"1010", "3232", "1010", "3232"}, /* rc16 */
    };
    uint64_t src = (b & 0xffffffffu) << 32 | (a & 0xffffffffu);
    uint32_t d = 0;
    for (int i = 0; i < 4; i++) {
        uint32_t byte;
        if (mode == 0) {
            uint32_t sel = (uint32_t)(c >> (4 * i)) & 0xf;
            byte = (uint32_t)(src >> (8 * (sel & 7))) & 0xff;
            if (sel & 8)
                byte = (byte & 0x80) ? 0xff : 0;
        } else {
            int sel = tables[mode - 1][c & 3][3 - i] - '0';
            byte = (uint32_t)(src >> (8 * sel)) & 0xff;
        }
        d |= byte << (8 * i);
    }
    return d;
}
R(r_prmt) { UNUSED4; return prmt(a, b, c, 0); }
R(r_prmt_f4e) { UNUSED4; return prmt(a, b, c, 1); }
R(r_prmt_b4e) { UNUSED4; return prmt(a, b, c, 2); }
R(r_prmt_rc8) { UNUSED4; return prmt(a, b, c, 3); }
R(r_prmt_ecl) { UNUSED4; return prmt(a, b, c, 4); }
R(r_prmt_ecr) { UNUSED4; return prmt(a, b, c, 5); }
R(r_prmt_rc16) { UNUSED4; return prmt(a, b, c, 6); }
static uint64_t bmsk(uint64_t a, uint64_t b, int clamp)
{
    uint32_t pos = (uint32_t)a, len = (uint32_t)b;
    if (clamp) {
        pos = pos > 32 ? 32 : pos;
        len = len > 32 ? 32 : len;
    } else {
        pos &= 31;
        len &= 31;
    }
    uint64_t m = 0;
    for (uint32_t i = 0; i < len; i++)
        if (pos + i < 32)
            m |= 1ull << (pos + i);
    return m;
}
R(r_bmsk_clamp) { UNUSED4; return bmsk(a, b, 1); }
R(r_bmsk_wrap) { UNUSED4; return bmsk(a, b, 0); }
R(r_szext_clamp_s)
{
    UNUSED4;
    uint32_t n = (uint32_t)b > 32 ? 32 : (uint32_t)b;
    if (n == 0)
        return 0;
    uint64_t v = a & mask_of(n);
    if ((v >> (n - 1)) & 1)
        v |= ~mask_of(n);
    return v;
}
R(r_szext_wrap_u)
{
    UNUSED4;
    uint32_t n = (uint32_t)b & 31;
    return n ? a & mask_of(n) : 0;
}
R(r_lop3_ca) { UNUSED4; return (a & b) | (~a & c); }
R(r_lop3_96) { UNUSED4; return a ^ b ^ c; }

START_TEST(bit_logic_and_shifts)
{
    static const unsigned widths[] = {16, 32, 64};
    char name[64];
    for (int i = 0; i < 3; i++) {
        unsigned b = widths[i];
        snprintf(name, sizeof name, "and_b%u", b);
        check(name, b, b, b, r_and);
        snprintf(name, sizeof name, "or_b%u", b);
        check(name, b, b, b, r_or);
        snprintf(name, sizeof name, "xor_b%u", b);
        check(name, b, b, b, r_xor);
        snprintf(name, sizeof name, "not_b%u", b);
        check(name, b, b, b, r_not);
        snprintf(name, sizeof name, "cnot_b%u", b);
        check(name, b, b, b, r_cnot);
        snprintf(name, sizeof name, "shl_b%u", b);
        check(name, b, 32, b, r_shl);
        snprintf(name, sizeof name, "shr_u%u", b);
        check(name, b, 32, b, r_shru);
        snprintf(name, sizeof name, "shr_s%u", b);
        check(name, b, 32, b, r_shrs);
    }
}
END_TEST

START_TEST(bit_counts_and_fields)
{
    char name[64];
    for (unsigned b = 32; b <= 64; b += 32) {
        snprintf(name, sizeof name, "popc_b%u", b);
        check(name, b, b, 32, r_popc);
        snprintf(name, sizeof name, "clz_b%u", b);
        check(name, b, b, 32, r_clz);
        snprintf(name, sizeof name, "brev_b%u", b);
        check(name, b, b, b, r_brev);
        snprintf(name, sizeof name, "bfind_u%u", b);
        check(name, b, b, 32, r_bfind_u);
        snprintf(name, sizeof name, "bfind_s%u", b);
        check(name, b, b, 32, r_bfind_s);
        snprintf(name, sizeof name, "bfindsh_u%u", b);
        check(name, b, b, 32, r_bfindsh_u);
        snprintf(name, sizeof name, "bfindsh_s%u", b);
        check(name, b, b, 32, r_bfindsh_s);
        snprintf(name, sizeof name, "bfe_u%u", b);
        check(name, b, 32, b, r_bfe_u);
        snprintf(name, sizeof name, "bfe_s%u", b);
        check(name, b, 32, b, r_bfe_s);
        snprintf(name, sizeof name, "bfi_b%u", b);
        check(name, b, b, b, r_bfi);
    }
}
END_TEST

START_TEST(bit_funnel_permute_masks)
{
    check("shf_l_wrap", 32, 32, 32, r_shf_l_wrap);
    check("shf_r_wrap", 32, 32, 32, r_shf_r_wrap);
    check("shf_l_clamp", 32, 32, 32, r_shf_l_clamp);
    check("shf_r_clamp", 32, 32, 32, r_shf_r_clamp);
    check("prmt", 32, 32, 32, r_prmt);
    check("prmt_f4e", 32, 32, 32, r_prmt_f4e);
    check("prmt_b4e", 32, 32, 32, r_prmt_b4e);
    check("prmt_rc8", 32, 32, 32, r_prmt_rc8);
    check("prmt_ecl", 32, 32, 32, r_prmt_ecl);
    check("prmt_ecr", 32, 32, 32, r_prmt_ecr);
    check("prmt_rc16", 32, 32, 32, r_prmt_rc16);
    check("bmsk_clamp", 32, 32, 32, r_bmsk_clamp);
    check("bmsk_wrap", 32, 32, 32, r_bmsk_wrap);
    check("szext_clamp_s32", 32, 32, 32, r_szext_clamp_s);
    check("szext_wrap_u32", 32, 32, 32, r_szext_wrap_u);
    check("lop3_ca", 32, 32, 32, r_lop3_ca);
    check("lop3_96", 32, 32, 32, r_lop3_96);
}
END_TEST

START_TEST(bit_predicates)
{
    th_rec_in in[4];
    th_rec_out out[4];
    static const char *k[] = {"and_pred", "or_pred", "xor_pred", "not_pred"};
    for (int op = 0; op < 4; op++) {
        for (int i = 0; i < 4; i++) {
            in[i].a = (uint64_t)(i & 1);
            in[i].b = (uint64_t)(i >> 1);
        }
        ck_assert_int_eq(th_run(bit_mod, k[op], in, out, 4), MU_SUCCESS);
        for (int i = 0; i < 4; i++) {
            int a = i & 1, b = i >> 1;
            int want = op == 0 ? (a & b) : op == 1 ? (a | b) : op == 2 ? (a ^ b) : !a;
            ck_assert_msg((int)(out[i].d & 0xffffffffu) == want, "%s(%d,%d)", k[op], a, b);
        }
    }
}
END_TEST

Suite *suite_ptx_bit(void)
{
    Suite *s = suite_create("ptx_bit");
    TCase *tc = tcase_create("bit");
    tcase_add_checked_fixture(tc, bit_setup, bit_teardown);
    tcase_add_test(tc, bit_logic_and_shifts);
    tcase_add_test(tc, bit_counts_and_fields);
    tcase_add_test(tc, bit_funnel_permute_masks);
    tcase_add_test(tc, bit_predicates);
    suite_add_tcase(s, tc);
    return s;
}
