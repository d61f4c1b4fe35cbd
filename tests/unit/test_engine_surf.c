/*
 * test_engine_surf.c - surface instructions (tests/ptx/tex.ptx): suld/sust.b in 1d, 2d, 3d,
 * a1d and a2d with scalar and vector data, the out-of-bounds modes (.trap faults the kernel with
 * an illegal address, .clamp moves the access to the nearest element, .zero reads zero and drops
 * stores), misaligned byte coordinates, sust.p's conversions to the surface format, sured and
 * suq.  Expectations follow the PTX ISA's description of these instructions.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tex_util.h"

static engine_module *surf_mod;

static void surf_setup(void)
{
    surf_mod = th_load("tex.ptx");
}

static void surf_teardown(void)
{
    engine_module_unload(surf_mod);
}

static uint32_t read_u32(const struct mu_texture *t, uint32_t x, uint32_t y, uint32_t z)
{
    uint32_t v;
    memcpy(&v, tu_elem(t, 0, x, y, z), 4);
    return v;
}

/* A 4 x 3 surface of 32-bit elements. */
static struct mu_texture surface_4x3(void)
{
    return tu_object(tu_format(MU_FORMAT_UNSIGNED, 1, 32, 0), 2, 4, 3, 1);
}

START_TEST(surf_store_and_load)
{
    struct mu_texture t = surface_4x3();
    uint64_t h = th_texture_add(&t, 1);
    tu_rec in[12], out[12];
    for (uint32_t i = 0; i < 12; i++) /* x in bytes */
        in[i] = (tu_rec){{4 * (i % 4), i / 4, 1000 + i, 0}};
    ck_assert_int_eq(tu_run(surf_mod, "sust_2d_trap", h, in, NULL, 12), MU_SUCCESS);
    for (uint32_t i = 0; i < 12; i++)
        ck_assert_uint_eq(read_u32(&t, i % 4, i / 4, 0), 1000 + i);
    ck_assert_int_eq(tu_run(surf_mod, "suld_2d_trap", h, in, out, 12), MU_SUCCESS);
    for (uint32_t i = 0; i < 12; i++)
        ck_assert_uint_eq(out[i].v[0], 1000 + i);
    th_texture_remove(h);
}
END_TEST

struct fault_run {
    const char *kernel;
    uint64_t handle;
    tu_rec in;
    MUresult result;
};

static void run_one(void *arg)
{
    struct fault_run *f = arg;
    tu_rec out[1];
    f->result = tu_run(surf_mod, f->kernel, f->handle, &f->in, out, 1);
}

static MUresult fault_with(const char *kernel, uint64_t h, tu_rec in, const char *text)
{
    struct fault_run f = {kernel, h, in, MU_SUCCESS};
    char *msg = th_capture(2, run_one, &f);
    ck_assert_msg(strstr(msg, text) != NULL, "%s: '%s' not in: %s", kernel, text, msg);
    ck_assert_msg(strstr(msg, "cushim: kernel ") != NULL, "%s", msg);
    free(msg);
    return f.result;
}

START_TEST(surf_out_of_bounds_modes)
{
    struct mu_texture t = surface_4x3();
    for (uint32_t y = 0; y < 3; y++)
        for (uint32_t x = 0; x < 4; x++)
            memcpy(tu_elem(&t, 0, x, y, 0), &(uint32_t){10 * y + x}, 4);
    uint64_t h = th_texture_add(&t, 1);
    /* .trap (and no mode at all): the kernel faults, naming the coordinates */
    ck_assert_int_eq(fault_with("suld_2d_trap", h, (tu_rec){{16, 0, 0, 0}}, "out of bounds"),
                     MU_ERROR_ILLEGAL_ADDRESS);
    ck_assert_int_eq(fault_with("suld_2d_default", h, (tu_rec){{0, 3, 0, 0}}, "y = 3"),
                     MU_ERROR_ILLEGAL_ADDRESS);
    ck_assert_int_eq(fault_with("sust_2d_trap", h, (tu_rec){{(uint32_t)-4, 0, 9, 0}}, "x = -4"),
                     MU_ERROR_ILLEGAL_ADDRESS);
    /* a byte coordinate that is not a multiple of the access size */
    ck_assert_int_eq(fault_with("suld_2d_zero", h, (tu_rec){{2, 0, 0, 0}}, "misaligned"),
                     MU_ERROR_MISALIGNED_ADDRESS);
    /* .zero reads zero and drops the store */
    tu_rec in[4] = {{{16, 0, 0, 0}}, {{0, (uint32_t)-1, 0, 0}}, {{4, 1, 0, 0}}, {{12, 2, 0, 0}}};
    tu_rec out[4];
    ck_assert_int_eq(tu_run(surf_mod, "suld_2d_zero", h, in, out, 4), MU_SUCCESS);
    ck_assert(out[0].v[0] == 0 && out[1].v[0] == 0 && out[2].v[0] == 11 && out[3].v[0] == 23);
    tu_rec st[2] = {{{16, 0, 77, 0}}, {{0, 5, 77, 0}}};
    ck_assert_int_eq(tu_run(surf_mod, "sust_2d_zero", h, st, NULL, 2), MU_SUCCESS);
    for (uint32_t y = 0; y < 3; y++)
        for (uint32_t x = 0; x < 4; x++)
            ck_assert_uint_eq(read_u32(&t, x, y, 0), 10 * y + x);
    /* .clamp moves the access to the nearest element */
    tu_rec cl[3] = {{{100, 7, 0, 0}}, {{(uint32_t)-8, 1, 0, 0}}, {{4, (uint32_t)-2, 0, 0}}};
    ck_assert_int_eq(tu_run(surf_mod, "suld_2d_clamp", h, cl, out, 3), MU_SUCCESS);
    ck_assert(out[0].v[0] == 23 && out[1].v[0] == 10 && out[2].v[0] == 1);
    tu_rec cs[1] = {{{400, 400, 99, 0}}};
    ck_assert_int_eq(tu_run(surf_mod, "sust_2d_clamp", h, cs, NULL, 1), MU_SUCCESS);
    ck_assert_uint_eq(read_u32(&t, 3, 2, 0), 99);
    th_texture_remove(h);
    /* a texture handle is not a surface */
    uint64_t tex = th_texture_add(&t, 0);
    ck_assert_int_eq(fault_with("suld_2d_trap", tex, (tu_rec){{0, 0, 0, 0}}, "surface object"),
                     MU_ERROR_ILLEGAL_ADDRESS);
    th_texture_remove(tex);
}
END_TEST

START_TEST(surf_vectors_layers_volumes)
{
    /* 1-D, v4 of 32 bits: 16 bytes at once */
    struct mu_texture s1 = tu_object(tu_format(MU_FORMAT_UNSIGNED, 1, 32, 0), 1, 8, 1, 1);
    for (uint32_t x = 0; x < 8; x++)
        memcpy(tu_elem(&s1, 0, x, 0, 0), &(uint32_t){x * 3}, 4);
    uint64_t h = th_texture_add(&s1, 1);
    tu_rec in[2] = {{{16, 0, 0, 0}}, {{0, 0, 0, 0}}}, out[2];
    ck_assert_int_eq(tu_run(surf_mod, "suld_1d_v4", h, in, out, 2), MU_SUCCESS);
    for (int k = 0; k < 4; k++) {
        ck_assert_uint_eq(out[0].v[k], (uint32_t)(4 + k) * 3);
        ck_assert_uint_eq(out[1].v[k], (uint32_t)k * 3);
    }
    ck_assert_int_eq(fault_with("suld_1d_v4", h, (tu_rec){{32, 0, 0, 0}}, "out of bounds"),
                     MU_ERROR_ILLEGAL_ADDRESS); /* bytes 32..47 of 32 */
    ck_assert_int_eq(fault_with("suld_1d_v4", h, (tu_rec){{8, 0, 0, 0}}, "misaligned"),
                     MU_ERROR_MISALIGNED_ADDRESS); /* 16-byte accesses at 16-byte offsets */
    th_texture_remove(h);

    /* 2-D layered, elements of two 32-bit channels: layer d, x in bytes */
    struct mu_texture s2 = tu_object(tu_format(MU_FORMAT_UNSIGNED, 2, 32, 0), 2, 4, 2, 3);
    for (uint32_t z = 0; z < 3; z++)
        for (uint32_t y = 0; y < 2; y++)
            for (uint32_t x = 0; x < 4; x++) {
                uint32_t v[2] = {100 * z + 10 * y + x, 7};
                memcpy(tu_elem(&s2, 0, x, y, z), v, 8);
            }
    s2.layered = 1;
    h = th_texture_add(&s2, 1);
    tu_rec la[2] = {{{8, 1, 0, 2}}, {{24, 0, 0, 1}}};
    ck_assert_int_eq(tu_run(surf_mod, "suld_a2d_v2", h, la, out, 2), MU_SUCCESS);
    ck_assert(out[0].v[0] == 211 && out[0].v[1] == 7 && out[1].v[0] == 103);
    ck_assert_int_eq(fault_with("suld_a2d_v2", h, (tu_rec){{0, 0, 0, 3}}, "layer = 3"),
                     MU_ERROR_ILLEGAL_ADDRESS);
    ck_assert_int_eq(tu_run(surf_mod, "suq", h, la, out, 1), MU_SUCCESS);
    ck_assert(out[0].v[0] == 4 && out[0].v[1] == 2 && out[0].v[2] == 0 && out[0].v[3] == 3);
    th_texture_remove(h);

    /* 1-D layered store */
    struct mu_texture s3 = tu_object(tu_format(MU_FORMAT_UNSIGNED, 1, 32, 0), 1, 4, 1, 2);
    s3.layered = 1;
    h = th_texture_add(&s3, 1);
    tu_rec a1[1] = {{{4, 0, 55, 1}}};
    ck_assert_int_eq(tu_run(surf_mod, "sust_a1d", h, a1, NULL, 1), MU_SUCCESS);
    ck_assert_uint_eq(read_u32(&s3, 1, 0, 1), 55);
    ck_assert_uint_eq(read_u32(&s3, 1, 0, 0), 0);
    th_texture_remove(h);

    /* 3-D bytes */
    struct mu_texture s4 = tu_object(tu_format(MU_FORMAT_UNSIGNED, 1, 8, 0), 3, 4, 4, 4);
    h = th_texture_add(&s4, 1);
    tu_rec b3[2] = {{{3, 2, 1, 0x1ab}}, {{0, 3, 3, 0x2cd}}};
    ck_assert_int_eq(tu_run(surf_mod, "sust_3d_b8", h, b3, NULL, 2), MU_SUCCESS);
    ck_assert(*tu_elem(&s4, 0, 3, 2, 1) == 0xab && *tu_elem(&s4, 0, 0, 3, 3) == 0xcd);
    ck_assert_int_eq(tu_run(surf_mod, "suld_3d_b8", h, b3, out, 2), MU_SUCCESS);
    ck_assert(out[0].v[0] == 0xab && out[1].v[0] == 0xcd);
    ck_assert_int_eq(fault_with("suld_3d_b8", h, (tu_rec){{0, 0, 4, 0}}, "z = 4"),
                     MU_ERROR_ILLEGAL_ADDRESS);
    th_texture_remove(h);
}
END_TEST

/* sust.p converts 32-bit values to the surface's format; x counts elements. */
START_TEST(surf_formatted_stores)
{
    struct mu_texture un = tu_object(tu_format(MU_FORMAT_UNSIGNED, 4, 8, 1), 2, 2, 1, 1);
    uint64_t h = th_texture_add(&un, 1);
    tu_rec in[2] = {{{1, 0, tu_f(0.5f), tu_f(1.5f)}}, {{0, 0, tu_f(-0.25f), tu_f(0.2f)}}};
    ck_assert_int_eq(tu_run(surf_mod, "sust_p_2d", h, in, NULL, 2), MU_SUCCESS);
    const uint8_t *e1 = tu_elem(&un, 0, 1, 0, 0), *e0 = tu_elem(&un, 0, 0, 0, 0);
    ck_assert(e1[0] == 128 && e1[1] == 255 && e1[2] == 128 && e1[3] == 255);
    ck_assert(e0[0] == 0 && e0[1] == 51 && e0[2] == 0 && e0[3] == 51);
    th_texture_remove(h);

    struct mu_texture hf = tu_object(tu_format(MU_FORMAT_FLOAT, 2, 16, 0), 2, 1, 1, 1);
    h = th_texture_add(&hf, 1);
    tu_rec hin[1] = {{{0, 0, tu_f(1.5f), tu_f(-2.0f)}}};
    ck_assert_int_eq(tu_run(surf_mod, "sust_p_2d", h, hin, NULL, 1), MU_SUCCESS);
    uint16_t halves[2];
    memcpy(halves, tu_elem(&hf, 0, 0, 0, 0), 4);
    ck_assert(halves[0] == 0x3e00 && halves[1] == 0xc000);
    th_texture_remove(h);

    /* integer formats saturate */
    struct mu_texture si = tu_object(tu_format(MU_FORMAT_SIGNED, 2, 8, 0), 2, 1, 1, 1);
    h = th_texture_add(&si, 1);
    tu_rec iin[1] = {{{0, 0, 300, (uint32_t)-300}}};
    ck_assert_int_eq(tu_run(surf_mod, "sust_p_2d", h, iin, NULL, 1), MU_SUCCESS);
    const int8_t *b = (const int8_t *)tu_elem(&si, 0, 0, 0, 0);
    ck_assert(b[0] == 127 && b[1] == -128);
    th_texture_remove(h);
}
END_TEST

START_TEST(surf_reductions)
{
    struct mu_texture t = surface_4x3();
    uint64_t h = th_texture_add(&t, 1);
    tu_rec in[64];
    for (int i = 0; i < 64; i++)
        in[i] = (tu_rec){{8, 2, (uint32_t)(i + 1), 0}};
    ck_assert_int_eq(tu_run(surf_mod, "sured_add", h, in, NULL, 64), MU_SUCCESS);
    ck_assert_uint_eq(read_u32(&t, 2, 2, 0), 64 * 65 / 2);
    const int32_t vals[3] = {-5, 3, -7};
    for (int i = 0; i < 3; i++)
        in[i] = (tu_rec){{4, 0, (uint32_t)vals[i], 0}};
    ck_assert_int_eq(tu_run(surf_mod, "sured_min_s", h, in, NULL, 3), MU_SUCCESS);
    ck_assert_int_eq((int32_t)read_u32(&t, 1, 0, 0), -7);
    th_texture_remove(h);
}
END_TEST

Suite *suite_engine_surf(void)
{
    Suite *s = suite_create("engine_surf");
    TCase *tc = tcase_create("surf");
    tcase_add_checked_fixture(tc, surf_setup, surf_teardown);
    tcase_add_test(tc, surf_store_and_load);
    tcase_add_test(tc, surf_out_of_bounds_modes);
    tcase_add_test(tc, surf_vectors_layers_volumes);
    tcase_add_test(tc, surf_formatted_stores);
    tcase_add_test(tc, surf_reductions);
    suite_add_tcase(s, tc);
    return s;
}
