/*
 * test_engine_mem.c - memory instructions and address spaces (tests/ptx/mem.ptx): vectors,
 * sub-word extension and truncation, shared and local memory through generic addresses,
 * cvta/isspacep, module variables with initialisers (including address initialisers) and
 * engine_module_global, ordered accesses, and the faults: misaligned, out of bounds in each
 * space, use after free -- each stops the launch with the right error and leaves the process
 * and the next launch intact.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../ptx/harness.h"

static engine_module *mem_mod;

static void mem_setup(void)
{
    mem_mod = th_load("mem.ptx");
}

static void mem_teardown(void)
{
    engine_module_unload(mem_mod);
}

START_TEST(mem_vectors_and_subwords)
{
    uint32_t *in = th_alloc(32 * 8), *out = th_alloc(32 * 8);
    for (int t = 0; t < 8; t++) {
        for (int k = 0; k < 4; k++)
            in[t * 8 + k] = (uint32_t)(t * 100 + k);
        double d[2] = {t + 0.5, -t - 0.25};
        memcpy(&in[t * 8 + 4], d, 16);
    }
    void *a[] = {&in, &out};
    ck_assert_int_eq(th_launch(mem_mod, "vectors", th_dim(1, 1, 1), th_dim(8, 1, 1), 0, a), MU_SUCCESS);
    for (int t = 0; t < 8; t++) {
        for (int k = 0; k < 4; k++)
            ck_assert_uint_eq(out[t * 8 + k], (uint32_t)(t * 100 + 3 - k));
        double d[2];
        memcpy(d, &out[t * 8 + 4], 16);
        ck_assert(d[0] == -t - 0.25 && d[1] == t + 0.5);
    }
    uint8_t *bin = th_alloc(8), *bout = th_alloc(32);
    bin[0] = 0xf6; /* -10 */
    bin[1] = 0;
    bin[2] = 0x34;
    bin[3] = 0x92; /* 0x9234 */
    memset(bout, 0xcc, 32);
    void *b[] = {&bin, &bout};
    ck_assert_int_eq(th_launch(mem_mod, "subword", th_dim(1, 1, 1), th_dim(1, 1, 1), 0, b), MU_SUCCESS);
    int32_t r32[3];
    memcpy(r32, bout, 12);
    ck_assert_int_eq(r32[0], -10);
    ck_assert_int_eq(r32[1], 0xf6);
    ck_assert_int_eq(r32[2], (int16_t)0x9234);
    uint16_t h;
    memcpy(&h, bout + 12, 2);
    ck_assert_uint_eq(h, 0x9234);
    int64_t r64;
    memcpy(&r64, bout + 16, 8);
    ck_assert(r64 == -10);
    ck_assert_uint_eq(bout[24], 0x34);
    ck_assert_uint_eq(bout[25], 0xcc);
    memcpy(&h, bout + 26, 2);
    ck_assert_uint_eq(h, 0xfff6);
    th_free(in);
    th_free(out);
    th_free(bin);
    th_free(bout);
}
END_TEST

START_TEST(mem_generic_spaces)
{
    uint32_t *out = th_alloc(64 * 16);
    void *a[] = {&out};
    ck_assert_int_eq(th_launch(mem_mod, "generic_shared", th_dim(2, 1, 1), th_dim(64, 1, 1), 0, a), MU_SUCCESS);
    for (int t = 0; t < 64; t++) {
        ck_assert_uint_eq(out[t * 4 + 0], (uint32_t)t * 3);
        ck_assert_uint_eq(out[t * 4 + 1], 1); /* isspacep.shared */
        ck_assert_uint_eq(out[t * 4 + 2], 0); /* not global */
        ck_assert_uint_eq(out[t * 4 + 3], 0); /* cvta.to.shared undoes cvta.shared */
    }
    ck_assert_int_eq(th_launch(mem_mod, "generic_local", th_dim(3, 1, 1), th_dim(40, 1, 1), 0, a), MU_SUCCESS);
    for (int t = 0; t < 40; t++) {
        ck_assert_uint_eq(out[t * 3 + 0], (uint32_t)t + 100);
        ck_assert_uint_eq(out[t * 3 + 1], (uint32_t)t);
        ck_assert_uint_eq(out[t * 3 + 2], 1);
    }
    th_free(out);
}
END_TEST

START_TEST(mem_module_variables)
{
    void *addr;
    size_t bytes;
    ck_assert(engine_module_global(mem_mod, "counter", &addr, &bytes));
    ck_assert_uint_eq(bytes, 4);
    ck_assert_uint_eq(*(uint32_t *)addr, 5);
    void *pa;
    ck_assert(engine_module_global(mem_mod, "counter_ptr", &pa, &bytes));
    ck_assert_ptr_eq(*(void **)pa, addr); /* the address initialiser resolved */
    void *ta;
    ck_assert(engine_module_global(mem_mod, "table", &ta, &bytes));
    ck_assert_uint_eq(bytes, 16);
    ck_assert(((float *)ta)[3] == 4.0f);
    ck_assert(!engine_module_global(mem_mod, "no_such_symbol", &addr, &bytes));
    ck_assert(!engine_module_global(mem_mod, "module_shared", &addr, &bytes)); /* shared: no host address */
    uint32_t *out = th_alloc(16);
    void *a[] = {&out};
    ck_assert_int_eq(th_launch(mem_mod, "globals", th_dim(1, 1, 1), th_dim(1, 1, 1), 0, a), MU_SUCCESS);
    ck_assert_uint_eq(out[0], 5);
    ck_assert_uint_eq(out[1], 250);
    float f;
    memcpy(&f, &out[2], 4);
    ck_assert(f == 5.0f);
    ck_assert_uint_eq(*(uint32_t *)addr, 15);
    /* the host writes the variable (cudaMemcpyToSymbol) and kernels see it */
    *(uint32_t *)addr = 1000;
    ck_assert_int_eq(th_launch(mem_mod, "globals", th_dim(1, 1, 1), th_dim(1, 1, 1), 0, a), MU_SUCCESS);
    ck_assert_uint_eq(out[0], 1000);
    th_free(out);
}
END_TEST

START_TEST(mem_ordered_and_params)
{
    uint32_t *p = th_alloc(32);
    p[0] = 1;
    p[1] = 2;
    p[2] = 3;
    void *a[] = {&p};
    ck_assert_int_eq(th_launch(mem_mod, "ordered", th_dim(1, 1, 1), th_dim(1, 1, 1), 0, a), MU_SUCCESS);
    ck_assert_uint_eq(p[3], 6);
    ck_assert_uint_eq(p[4], 6);
    ck_assert_uint_eq(p[5], 6);
    uint32_t big[16];
    for (int i = 0; i < 16; i++)
        big[i] = (uint32_t)i * 11;
    uint32_t *out = th_alloc(4);
    void *b[] = {big, &out};
    ck_assert_int_eq(th_launch(mem_mod, "param_address", th_dim(1, 1, 1), th_dim(1, 1, 1), 0, b), MU_SUCCESS);
    ck_assert_uint_eq(*out, 11 + 15 * 11);
    th_free(p);
    th_free(out);
    uint32_t *neg = th_alloc(32 * 4);
    void *c[] = {&neg};
    ck_assert_int_eq(th_launch(mem_mod, "negative_offsets", th_dim(1, 1, 1), th_dim(32, 1, 1), 0, c), MU_SUCCESS);
    for (uint32_t t = 0; t < 32; t++)
        ck_assert_uint_eq(neg[t], t);
    th_free(neg);
}
END_TEST

struct fault_ctx {
    const char *kernel;
    void **args;
    MUresult r;
};

static void run_fault(void *p)
{
    struct fault_ctx *c = p;
    c->r = th_launch(mem_mod, c->kernel, th_dim(1, 1, 1), th_dim(32, 1, 1), 0, c->args);
}

static char *expect_fault(const char *kernel, void **args, MUresult want)
{
    struct fault_ctx c = {kernel, args, 0};
    char *err = th_capture(2, run_fault, &c);
    ck_assert_msg(c.r == want, "%s returned %d, want %d (%s)", kernel, (int)c.r, (int)want, err);
    char head[128];
    snprintf(head, sizeof head, "cushim: kernel %s: ", kernel);
    ck_assert_msg(strstr(err, head) && strstr(err, "block (0,0,0)") && strstr(err, "PTX line "), "message: %s", err);
    return err;
}

START_TEST(mem_faults)
{
    uint32_t *p = th_alloc(16);
    void *a[] = {&p};
    free(expect_fault("misaligned", a, MU_ERROR_MISALIGNED_ADDRESS));
    uint32_t off = 16; /* one past the 4-element shared array */
    void *b[] = {&off};
    free(expect_fault("shared_oob", b, MU_ERROR_ILLEGAL_ADDRESS));
    uint64_t loff = 1u << 20;
    void *c[] = {&loff};
    char *msg = expect_fault("local_oob", c, MU_ERROR_ILLEGAL_ADDRESS);
    ck_assert_msg(strstr(msg, "local"), "%s", msg);
    free(msg);
    uint32_t *gone = th_alloc(64);
    th_free(gone);
    void *d[] = {&gone};
    msg = expect_fault("use_after_free", d, MU_ERROR_ILLEGAL_ADDRESS);
    ck_assert_msg(strstr(msg, "illegal address 0x"), "%s", msg);
    free(msg);
    uint32_t *null = NULL;
    void *e[] = {&null};
    free(expect_fault("use_after_free", e, MU_ERROR_ILLEGAL_ADDRESS));
    /* still usable afterwards */
    off = 4;
    ck_assert_int_eq(th_launch(mem_mod, "shared_oob", th_dim(1, 1, 1), th_dim(32, 1, 1), 0, b), MU_SUCCESS);
    th_free(p);
}
END_TEST

Suite *suite_engine_mem(void)
{
    Suite *s = suite_create("engine_mem");
    TCase *tc = tcase_create("mem");
    tcase_add_checked_fixture(tc, mem_setup, mem_teardown);
    tcase_add_test(tc, mem_vectors_and_subwords);
    tcase_add_test(tc, mem_generic_spaces);
    tcase_add_test(tc, mem_module_variables);
    tcase_add_test(tc, mem_ordered_and_params);
    tcase_add_test(tc, mem_faults);
    suite_add_tcase(s, tc);
    return s;
}
