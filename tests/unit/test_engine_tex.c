/*
 * test_engine_tex.c - texture instructions (tests/ptx/tex.ptx): tex in every geometry, tld4,
 * txq, istypep, against expectations from NVIDIA's description of texture fetching (CUDA C++
 * Programming Guide, "Texture Fetching" and "Texture Memory"; PTX ISA for the instructions).
 *
 * The sweeps compare the engine with a reference sampler written here, in double precision,
 * from that description: point sampling reads T[floor(x)]; linear filtering reads T[i] and
 * T[i+1] for i = floor(x - 0.5) weighted by the fraction rounded to 1/256 (a 1.8 fixed-point
 * weight); normalised coordinates are scaled by the size; out-of-range texel indices follow the
 * address mode.  Coordinates are chosen exactly representable so that float and double agree on
 * every index; only the weighted sums differ by rounding.  The other cases check values worked
 * out by hand: formats, layers, cube faces, mipmap levels, gathers, queries and faults.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tex_util.h"

static engine_module *tex_mod;

static void tex_setup(void)
{
    tex_mod = th_load("tex.ptx");
}

static void tex_teardown(void)
{
    engine_module_unload(tex_mod);
}

enum { WRAP = 0, CLAMP = 1, MIRROR = 2, BORDER = 3 };

/* ---- the reference ---- */

/* IEEE half to double, from its fields. */
static double ref_half(uint16_t h)
{
    int sign = h >> 15, e = (h >> 10) & 31, m = h & 1023;
    double v = e == 0 ? ldexp(m, -24) : e == 31 ? (m ? NAN : INFINITY) : ldexp(1024 + m, e - 25);
    return sign ? -v : v;
}

/* Channel c of the element at p, as the read mode delivers it (double). */
static double ref_channel(const struct mu_texture *t, const uint8_t *p, unsigned c, int as_float)
{
    const struct mu_format *f = &t->format;
    if (c >= f->channels)
        return c == 3 ? 1.0 : 0.0;
    unsigned bytes = f->bits / 8;
    uint64_t raw = 0;
    memcpy(&raw, p + c * bytes, bytes);
    if (f->kind == MU_FORMAT_FLOAT) {
        if (f->bits == 16)
            return ref_half((uint16_t)raw);
        float x;
        memcpy(&x, &raw, 4);
        return x;
    }
    int64_t value = (int64_t)raw;
    if (f->kind == MU_FORMAT_SIGNED && (raw >> (f->bits - 1)) & 1)
        value -= (int64_t)1 << f->bits;
    if (!as_float)
        return (double)value;
    if (f->kind == MU_FORMAT_UNSIGNED)
        return (double)value / (double)((1 << f->bits) - 1);
    double s = (double)value / (double)((1 << (f->bits - 1)) - 1);
    return s < -1 ? -1 : s;
}

/* Texel index i of a dimension of n under an address mode, or -1 for the border colour. */
static long ref_address(long i, long n, int mode)
{
    if (i >= 0 && i < n)
        return i;
    switch (mode) {
    case WRAP:
        return ((i % n) + n) % n;
    case MIRROR: {
        long p = ((i % (2 * n)) + 2 * n) % (2 * n);
        return p >= n ? 2 * n - 1 - p : p;
    }
    case CLAMP:
        return i < 0 ? 0 : n - 1;
    default:
        return -1;
    }
}

static void ref_texel(const struct mu_texture *t, const long *idx, unsigned dims, long slice,
                      int as_float, double v[4])
{
    long i[3] = {0, 0, slice};
    for (unsigned d = 0; d < dims; d++) {
        long n = d == 0 ? t->level[0].width : d == 1 ? t->level[0].height : t->level[0].depth;
        i[d] = ref_address(idx[d], n, t->sampler.address[d]);
        if (i[d] < 0) {
            for (int c = 0; c < 4; c++)
                v[c] = t->sampler.border[c];
            return;
        }
    }
    const uint8_t *p = tu_elem(t, 0, (uint32_t)i[0], (uint32_t)i[1], (uint32_t)i[2]);
    for (unsigned c = 0; c < 4; c++)
        v[c] = ref_channel(t, p, c, as_float);
}

/* tex at coordinates x (dims of them) of slice `slice`: float results. */
static void ref_sample(const struct mu_texture *t, const float *x, unsigned dims, long slice,
                       double out[4])
{
    const struct mu_level *lv = &t->level[0];
    double u[3];
    for (unsigned d = 0; d < dims; d++) {
        double n = d == 0 ? lv->width : d == 1 ? lv->height : lv->depth;
        u[d] = t->sampler.normalized_coords ? x[d] * n : x[d];
    }
    if (t->sampler.filter == 0) {
        long idx[3];
        for (unsigned d = 0; d < dims; d++)
            idx[d] = (long)floor(u[d]);
        ref_texel(t, idx, dims, slice, 1, out);
        return;
    }
    long base[3];
    double alpha[3];
    for (unsigned d = 0; d < dims; d++) {
        double b = u[d] - 0.5;
        base[d] = (long)floor(b);
        alpha[d] = floor((b - floor(b)) * 256.0 + 0.5) / 256.0;
    }
    for (int c = 0; c < 4; c++)
        out[c] = 0;
    for (unsigned corner = 0; corner < (1u << dims); corner++) {
        long idx[3];
        double weight = 1;
        for (unsigned d = 0; d < dims; d++) {
            int high = (corner >> d) & 1;
            idx[d] = base[d] + high;
            weight *= high ? alpha[d] : 1 - alpha[d];
        }
        double v[4];
        ref_texel(t, idx, dims, slice, 1, v);
        for (int c = 0; c < 4; c++)
            out[c] += weight * v[c];
    }
}

static void expect_near(float got, double want, const char *what, int i, int c)
{
    double tol = 4e-6 * (fabs(want) > 1 ? fabs(want) : 1);
    ck_assert_msg(fabs((double)got - want) <= tol, "%s: record %d channel %d: %.9g, expected %.9g",
                  what, i, c, (double)got, want);
}

static void fill_f32x1(struct mu_texture *t)
{
    const struct mu_level *lv = &t->level[0];
    for (uint32_t z = 0; z < lv->depth; z++)
        for (uint32_t y = 0; y < lv->height; y++)
            for (uint32_t x = 0; x < lv->width; x++) {
                float v = (float)x + 10.0f * (float)y + 100.0f * (float)z + 0.25f;
                memcpy(tu_elem(t, 0, x, y, z), &v, 4);
            }
}

/* ---- sweeps against the reference ---- */

/* 2-D f32: every address mode, point and linear, normalised and not. */
START_TEST(tex_2d_modes_match_reference)
{
    struct mu_texture t = tu_object(tu_format(MU_FORMAT_FLOAT, 1, 32, 0), 2, 8, 4, 1);
    fill_f32x1(&t);
    t.sampler.border[0] = 7.5f;
    t.sampler.border[3] = 0.5f;
    tu_rec in[1024], out[1024];
    for (int norm = 0; norm < 2; norm++)
        for (int mode = WRAP; mode <= BORDER; mode++)
            for (int filter = 0; filter < 2; filter++) {
                t.sampler.address[0] = t.sampler.address[1] = (uint8_t)mode;
                t.sampler.filter = (uint8_t)filter;
                t.sampler.normalized_coords = (uint8_t)norm;
                uint64_t h = th_texture_add(&t, 0);
                unsigned n = 0;
                /* steps of 1/8 texel from 1.5 sizes before to 1.5 after, x and y apart */
                for (int k = -96; k < 160 && n < 1024; k += 1)
                    for (int q = 0; q < 4 && n < 1024; q++) {
                        float x = (float)k / 8.0f, y = (float)(k * 3 + q * 7 - 40) / 16.0f;
                        if (norm) {
                            x /= 8.0f;
                            y /= 4.0f;
                        }
                        in[n++] = (tu_rec){{tu_f(x), tu_f(y), 0, 0}};
                    }
                ck_assert_int_eq(tu_run(tex_mod, "tex_2d", h, in, out, n), MU_SUCCESS);
                for (unsigned i = 0; i < n; i++) {
                    float xy[2] = {th_u2f(in[i].v[0]), th_u2f(in[i].v[1])};
                    double want[4];
                    ref_sample(&t, xy, 2, 0, want);
                    for (int c = 0; c < 4; c++) {
                        char what[64];
                        snprintf(what, sizeof what, "norm %d mode %d filter %d", norm, mode,
                                 filter);
                        if (filter == 0)
                            ck_assert_msg(th_u2f(out[i].v[c]) == (float)want[c],
                                          "%s: record %u channel %d: %g, expected %g", what, i, c,
                                          (double)th_u2f(out[i].v[c]), want[c]);
                        else
                            expect_near(th_u2f(out[i].v[c]), want[c], what, (int)i, c);
                    }
                }
                th_texture_remove(h);
            }
}
END_TEST

/* 1-D wrap and mirror, and 3-D trilinear, normalised. */
START_TEST(tex_1d_3d_match_reference)
{
    struct mu_texture t1 = tu_object(tu_format(MU_FORMAT_FLOAT, 1, 32, 0), 1, 16, 1, 1);
    fill_f32x1(&t1);
    struct mu_texture t3 = tu_object(tu_format(MU_FORMAT_FLOAT, 1, 32, 0), 3, 4, 4, 4);
    fill_f32x1(&t3);
    tu_rec in[512], out[512];
    for (int mode = WRAP; mode <= MIRROR; mode++) {
        t1.sampler = t3.sampler = (struct mu_sampler){{(uint8_t)mode, (uint8_t)mode, (uint8_t)mode},
                                                      1, 0, 1, 0, 0, 1, {0, 0, 0, 0}, 0, 0, 0};
        uint64_t h1 = th_texture_add(&t1, 0), h3 = th_texture_add(&t3, 0);
        for (unsigned i = 0; i < 512; i++) {
            float x = ((float)i - 200.0f) / 256.0f, y = ((float)(i * 7 % 512) - 100.0f) / 256.0f;
            float z = ((float)(i * 13 % 512) - 150.0f) / 256.0f;
            in[i] = (tu_rec){{tu_f(x), tu_f(y), tu_f(z), 0}};
        }
        ck_assert_int_eq(tu_run(tex_mod, "tex_1d", h1, in, out, 512), MU_SUCCESS);
        for (unsigned i = 0; i < 512; i++) {
            float x = th_u2f(in[i].v[0]);
            double want[4];
            ref_sample(&t1, &x, 1, 0, want);
            for (int c = 0; c < 4; c++)
                expect_near(th_u2f(out[i].v[c]), want[c], "1d", (int)i, c);
        }
        ck_assert_int_eq(tu_run(tex_mod, "tex_3d", h3, in, out, 512), MU_SUCCESS);
        for (unsigned i = 0; i < 512; i++) {
            float xyz[3] = {th_u2f(in[i].v[0]), th_u2f(in[i].v[1]), th_u2f(in[i].v[2])};
            double want[4];
            ref_sample(&t3, xyz, 3, 0, want);
            for (int c = 0; c < 4; c++)
                expect_near(th_u2f(out[i].v[c]), want[c], "3d", (int)i, c);
        }
        th_texture_remove(h1);
        th_texture_remove(h3);
    }
}
END_TEST

/* The filter weight is a 1.8 fixed-point number: fractions are rounded to 1/256. */
START_TEST(tex_linear_weights_have_8_fraction_bits)
{
    struct mu_texture t = tu_object(tu_format(MU_FORMAT_FLOAT, 1, 32, 0), 2, 4, 1, 1);
    float texels[4] = {0.0f, 1.0f, 3.0f, 7.0f};
    memcpy(tu_elem(&t, 0, 0, 0, 0), texels, sizeof texels);
    t.sampler.filter = 1;
    uint64_t h = th_texture_add(&t, 0);
    /* x - 0.5 = 1 + f: between texels 1 and 2 with fraction f */
    const float f[] = {1.0f / 1024, 3.0f / 1024, 0.5f, 1.0f - 1.0f / 1024, 0.25f + 1.0f / 2048};
    const float weight[] = {0.0f, 1.0f / 256, 0.5f, 1.0f, 0.25f};
    tu_rec in[5], out[5];
    for (int i = 0; i < 5; i++)
        in[i] = (tu_rec){{tu_f(1.5f + f[i]), tu_f(0.5f), 0, 0}};
    ck_assert_int_eq(tu_run(tex_mod, "tex_2d", h, in, out, 5), MU_SUCCESS);
    for (int i = 0; i < 5; i++) {
        float want = (1.0f - weight[i]) * 1.0f + weight[i] * 3.0f;
        ck_assert_msg(fabsf(th_u2f(out[i].v[0]) - want) < 1e-6f, "fraction %g: %g, expected %g",
                      (double)f[i], (double)th_u2f(out[i].v[0]), (double)want);
    }
    th_texture_remove(h);
}
END_TEST

/* ---- formats and read modes ---- */

START_TEST(tex_formats_and_read_modes)
{
    tu_rec in[1] = {{{tu_f(0.5f), tu_f(0.5f), 0, 0}}}, out[1];
    /* unsigned 8-bit x4, normalised read, then element-type read */
    struct mu_texture t = tu_object(tu_format(MU_FORMAT_UNSIGNED, 4, 8, 0), 2, 1, 1, 1);
    memcpy(tu_elem(&t, 0, 0, 0, 0), (uint8_t[4]){0, 255, 128, 7}, 4);
    t.sampler.read_normalized = 1;
    uint64_t h = th_texture_add(&t, 0);
    ck_assert_int_eq(tu_run(tex_mod, "tex_2d", h, in, out, 1), MU_SUCCESS);
    ck_assert(th_u2f(out[0].v[0]) == 0.0f && th_u2f(out[0].v[1]) == 1.0f);
    ck_assert(th_u2f(out[0].v[2]) == 128.0f / 255.0f && th_u2f(out[0].v[3]) == 7.0f / 255.0f);
    th_texture_remove(h);
    t.sampler.read_normalized = 0;
    h = th_texture_add(&t, 0);
    ck_assert_int_eq(tu_run(tex_mod, "tex_2d_u", h, in, out, 1), MU_SUCCESS);
    ck_assert(out[0].v[0] == 0 && out[0].v[1] == 255 && out[0].v[2] == 128 && out[0].v[3] == 7);
    th_texture_remove(h);
    /* sRGB: colour channels to linear, alpha as is */
    t.sampler.read_normalized = 1;
    t.sampler.srgb = 1;
    h = th_texture_add(&t, 0);
    ck_assert_int_eq(tu_run(tex_mod, "tex_2d", h, in, out, 1), MU_SUCCESS);
    double c2 = 128.0 / 255.0, c3 = 7.0 / 255.0;
    ck_assert(fabs(th_u2f(out[0].v[2]) - pow((c2 + 0.055) / 1.055, 2.4)) < 1e-6);
    ck_assert(fabs(th_u2f(out[0].v[1]) - 1.0) < 1e-6 && th_u2f(out[0].v[0]) == 0.0f);
    ck_assert(fabs(th_u2f(out[0].v[3]) - c3) < 1e-7); /* alpha is not converted */
    th_texture_remove(h);

    /* signed 8-bit, normalised: -128 and -127 are both -1; absent channels read (0, 0, 1) */
    struct mu_texture s = tu_object(tu_format(MU_FORMAT_SIGNED, 1, 8, 0), 2, 4, 1, 1);
    memcpy(tu_elem(&s, 0, 0, 0, 0), (int8_t[4]){-128, -127, 127, -64}, 4);
    s.sampler.read_normalized = 1;
    h = th_texture_add(&s, 0);
    tu_rec in4[4], out4[4];
    for (int i = 0; i < 4; i++)
        in4[i] = (tu_rec){{tu_f((float)i + 0.5f), tu_f(0.5f), 0, 0}};
    ck_assert_int_eq(tu_run(tex_mod, "tex_2d", h, in4, out4, 4), MU_SUCCESS);
    const float want_s8[4] = {-1.0f, -1.0f, 1.0f, -64.0f / 127.0f};
    for (int i = 0; i < 4; i++) {
        ck_assert(th_u2f(out4[i].v[0]) == want_s8[i]);
        ck_assert(th_u2f(out4[i].v[1]) == 0.0f && th_u2f(out4[i].v[2]) == 0.0f);
        ck_assert(th_u2f(out4[i].v[3]) == 1.0f);
    }
    th_texture_remove(h);
    /* element type: sign-extended integers, absent alpha reads 1 */
    s.sampler.read_normalized = 0;
    h = th_texture_add(&s, 0);
    ck_assert_int_eq(tu_run(tex_mod, "tex_2d_s", h, in4, out4, 4), MU_SUCCESS);
    ck_assert_int_eq((int32_t)out4[0].v[0], -128);
    ck_assert_int_eq((int32_t)out4[3].v[0], -64);
    ck_assert_uint_eq(out4[0].v[3], 1);
    th_texture_remove(h);

    /* half floats: always read as float */
    struct mu_texture hf = tu_object(tu_format(MU_FORMAT_FLOAT, 2, 16, 0), 2, 1, 1, 1);
    memcpy(tu_elem(&hf, 0, 0, 0, 0), (uint16_t[2]){0x3e00 /* 1.5 */, 0xfbff /* -65504 */}, 4);
    h = th_texture_add(&hf, 0);
    ck_assert_int_eq(tu_run(tex_mod, "tex_2d", h, in, out, 1), MU_SUCCESS);
    ck_assert(th_u2f(out[0].v[0]) == 1.5f && th_u2f(out[0].v[1]) == -65504.0f);
    ck_assert(th_u2f(out[0].v[2]) == 0.0f && th_u2f(out[0].v[3]) == 1.0f);
    th_texture_remove(h);

    /* 16-bit unorm and a 32-bit integer format, which normalised reads do not promote */
    struct mu_texture u16 = tu_object(tu_format(MU_FORMAT_UNSIGNED, 1, 16, 1), 2, 1, 1, 1);
    memcpy(tu_elem(&u16, 0, 0, 0, 0), (uint16_t[1]){65535}, 2);
    h = th_texture_add(&u16, 0); /* a normalised format reads as float in element mode too */
    ck_assert_int_eq(tu_run(tex_mod, "tex_2d", h, in, out, 1), MU_SUCCESS);
    ck_assert(th_u2f(out[0].v[0]) == 1.0f);
    th_texture_remove(h);
    struct mu_texture u32 = tu_object(tu_format(MU_FORMAT_UNSIGNED, 1, 32, 0), 2, 1, 1, 1);
    memcpy(tu_elem(&u32, 0, 0, 0, 0), (uint32_t[1]){0xdeadbeef}, 4);
    u32.sampler.read_normalized = 1;
    u32.sampler.filter = 1; /* integer results are never filtered */
    h = th_texture_add(&u32, 0);
    ck_assert_int_eq(tu_run(tex_mod, "tex_2d_u", h, in, out, 1), MU_SUCCESS);
    ck_assert_uint_eq(out[0].v[0], 0xdeadbeef);
    th_texture_remove(h);
}
END_TEST

/* The border colour of an integer format is the bits of the floats it was given. */
START_TEST(tex_integer_border_is_bits)
{
    struct mu_texture t = tu_object(tu_format(MU_FORMAT_UNSIGNED, 1, 32, 0), 2, 2, 2, 1);
    t.sampler.address[0] = t.sampler.address[1] = BORDER;
    t.sampler.border[0] = th_u2f(42);
    t.sampler.border[3] = th_u2f(7);
    uint64_t h = th_texture_add(&t, 0);
    tu_rec in[1] = {{{tu_f(-0.5f), tu_f(0.5f), 0, 0}}}, out[1];
    ck_assert_int_eq(tu_run(tex_mod, "tex_2d_u", h, in, out, 1), MU_SUCCESS);
    ck_assert(out[0].v[0] == 42 && out[0].v[3] == 7);
    th_texture_remove(h);
}
END_TEST

/* ---- geometries ---- */

START_TEST(tex_layers_are_clamped)
{
    struct mu_texture t1 = tu_object(tu_format(MU_FORMAT_FLOAT, 1, 32, 0), 1, 8, 1, 3);
    struct mu_texture t2 = tu_object(tu_format(MU_FORMAT_FLOAT, 1, 32, 0), 2, 4, 4, 3);
    fill_f32x1(&t1);
    fill_f32x1(&t2);
    t1.layered = t2.layered = 1;
    uint64_t h1 = th_texture_add(&t1, 0), h2 = th_texture_add(&t2, 0);
    tu_rec in[4], out[4];
    const uint32_t layer[4] = {0, 1, 2, 7}; /* 7 reads the last layer */
    for (int i = 0; i < 4; i++)
        in[i] = (tu_rec){{tu_f(3.5f), tu_f(2.5f), 0, layer[i]}};
    ck_assert_int_eq(tu_run(tex_mod, "tex_a1d", h1, in, out, 4), MU_SUCCESS);
    for (int i = 0; i < 4; i++)
        ck_assert(th_u2f(out[i].v[0]) == 3.25f + 100.0f * (float)(layer[i] > 2 ? 2 : layer[i]));
    ck_assert_int_eq(tu_run(tex_mod, "tex_a2d", h2, in, out, 4), MU_SUCCESS);
    for (int i = 0; i < 4; i++)
        ck_assert(th_u2f(out[i].v[0]) ==
                  23.25f + 100.0f * (float)(layer[i] > 2 ? 2 : layer[i]));
    th_texture_remove(h1);
    th_texture_remove(h2);
}
END_TEST

/* Cubemaps: the major axis picks the face; the other two, over its magnitude, the texel. */
START_TEST(tex_cube_faces)
{
    struct mu_texture t = tu_object(tu_format(MU_FORMAT_FLOAT, 1, 32, 0), 2, 4, 4, 12);
    fill_f32x1(&t); /* face f of cube c: 100 * (6c + f) + i + 10 j + 0.25 */
    t.cubemap = t.layered = 1;
    t.sampler.normalized_coords = 1;
    uint64_t h = th_texture_add(&t, 0);
    /* direction, and the face and texel (i, j) NVIDIA's table gives for it */
    const struct {
        float v[3];
        int face, i, j;
    } cases[] = {
        {{1.0f, -0.6f, 0.3f}, 0, 1, 3},  /* +x: s = -z, t = -y */
        {{-1.0f, 0.6f, 0.3f}, 1, 2, 0},  /* -x: s = z, t = -y */
        {{0.3f, 1.0f, -0.6f}, 2, 2, 0},  /* +y: s = x, t = z */
        {{0.3f, -1.0f, -0.6f}, 3, 2, 3}, /* -y: s = x, t = -z */
        {{-0.6f, 0.3f, 1.0f}, 4, 0, 1},  /* +z: s = x, t = -y */
        {{-0.6f, 0.3f, -1.0f}, 5, 3, 1}, /* -z: s = -x, t = -y */
        {{0.0f, 0.0f, 2.0f}, 4, 2, 2},   /* the centre of +z */
    };
    const int n = (int)(sizeof cases / sizeof cases[0]);
    tu_rec in[8], out[8];
    for (int k = 0; k < n; k++)
        in[k] = (tu_rec){{tu_f(cases[k].v[0]), tu_f(cases[k].v[1]), tu_f(cases[k].v[2]), 1}};
    ck_assert_int_eq(tu_run(tex_mod, "tex_cube", h, in, out, (unsigned)n), MU_SUCCESS);
    for (int k = 0; k < n; k++) {
        float want = 100.0f * (float)cases[k].face + (float)cases[k].i +
                     10.0f * (float)cases[k].j + 0.25f;
        ck_assert_msg(th_u2f(out[k].v[0]) == want, "case %d: %g, expected %g", k,
                      (double)th_u2f(out[k].v[0]), (double)want);
    }
    ck_assert_int_eq(tu_run(tex_mod, "tex_acube", h, in, out, (unsigned)n), MU_SUCCESS);
    for (int k = 0; k < n; k++) /* cube 1: six layers further */
        ck_assert(th_u2f(out[k].v[0]) == 600.0f + 100.0f * (float)cases[k].face +
                                             (float)cases[k].i + 10.0f * (float)cases[k].j +
                                             0.25f);
    th_texture_remove(h);
}
END_TEST

/* tex1Dfetch of linear memory: integer index, zero outside. */
START_TEST(tex_linear_memory_fetch)
{
    struct mu_texture t = tu_object(tu_format(MU_FORMAT_FLOAT, 1, 32, 0), 1, 10, 1, 1);
    fill_f32x1(&t);
    t.resource = MU_RESOURCE_LINEAR;
    uint64_t h = th_texture_add(&t, 0);
    const int32_t idx[4] = {-1, 0, 9, 10};
    tu_rec in[4], out[4];
    for (int i = 0; i < 4; i++)
        in[i] = (tu_rec){{(uint32_t)idx[i], 0, 0, 0}};
    ck_assert_int_eq(tu_run(tex_mod, "tex_1d_fetch", h, in, out, 4), MU_SUCCESS);
    for (int c = 0; c < 4; c++) {
        ck_assert(out[0].v[c] == 0 && out[3].v[c] == 0);
    }
    ck_assert(th_u2f(out[1].v[0]) == 0.25f && th_u2f(out[2].v[0]) == 9.25f);
    ck_assert(th_u2f(out[2].v[3]) == 1.0f);
    th_texture_remove(h);
}
END_TEST

/* Integer coordinates are texel indices (no scaling, no filtering); offsets move in texels. */
START_TEST(tex_integer_coordinates_and_offsets)
{
    struct mu_texture t = tu_object(tu_format(MU_FORMAT_UNSIGNED, 1, 32, 0), 2, 4, 4, 1);
    for (uint32_t y = 0; y < 4; y++)
        for (uint32_t x = 0; x < 4; x++)
            memcpy(tu_elem(&t, 0, x, y, 0), &(uint32_t){x + 10 * y}, 4);
    t.sampler.address[0] = t.sampler.address[1] = WRAP;
    t.sampler.normalized_coords = 1; /* ignored by integer coordinates */
    t.sampler.filter = 1;
    uint64_t h = th_texture_add(&t, 0);
    tu_rec in[3] = {{{1, 2, 0, 0}}, {{(uint32_t)-1, 5, 0, 0}}, {{4, (uint32_t)-4, 0, 0}}};
    tu_rec out[3];
    ck_assert_int_eq(tu_run(tex_mod, "tex_2d_ii", h, in, out, 3), MU_SUCCESS);
    ck_assert_uint_eq(out[0].v[0], 21);
    ck_assert_uint_eq(out[1].v[0], 13);
    ck_assert_uint_eq(out[2].v[0], 0);
    th_texture_remove(h);

    struct mu_texture f = tu_object(tu_format(MU_FORMAT_FLOAT, 1, 32, 0), 2, 4, 4, 1);
    fill_f32x1(&f);
    h = th_texture_add(&f, 0);
    tu_rec fin[1] = {{{tu_f(1.5f), tu_f(1.5f), 0, 0}}}, fout[1];
    ck_assert_int_eq(tu_run(tex_mod, "tex_offset_2d", h, fin, fout, 1), MU_SUCCESS);
    ck_assert(th_u2f(fout[0].v[0]) == 2.25f); /* texel (2, 0) */
    ck_assert_int_eq(tu_run(tex_mod, "tex_2d_pred", h, fin, fout, 1), MU_SUCCESS);
    ck_assert(th_u2f(fout[0].v[0]) == 11.25f && th_u2f(fout[0].v[3]) == 1.0f); /* resident */
    th_texture_remove(h);
}
END_TEST

/* ---- mipmaps ---- */

/* Three levels 8x8, 4x4, 2x2 holding 1, 2 and 3 everywhere. */
static struct mu_texture mip3(void)
{
    struct mu_texture t = tu_object(tu_format(MU_FORMAT_FLOAT, 1, 32, 0), 2, 8, 8, 1);
    uint8_t *mem = th_alloc(4 * (64 + 16 + 4));
    t.span_base = t.level[0].base = (uint64_t)(uintptr_t)mem;
    t.span_bytes = 4 * (64 + 16 + 4);
    t.levels = 3;
    uint64_t offset = 0;
    for (uint32_t l = 0, n = 8; l < 3; l++, n /= 2) {
        t.level[l] = (struct mu_level){t.span_base + offset, n, n, 1, 4u * n, 4u * n * n};
        for (uint32_t i = 0; i < n * n; i++)
            memcpy(mem + offset + 4 * i, &(float){(float)(l + 1)}, 4);
        offset += 4u * n * n;
    }
    t.sampler.normalized_coords = 1;
    t.sampler.max_lod = 100.0f;
    return t;
}

static float sample_lod(struct mu_texture *t, const char *kernel, float a, float b)
{
    uint64_t h = th_texture_add(t, 0);
    tu_rec in[1] = {{{tu_f(0.3f), tu_f(0.6f), tu_f(a), tu_f(b)}}}, out[1];
    ck_assert_int_eq(tu_run(tex_mod, kernel, h, in, out, 1), MU_SUCCESS);
    th_texture_remove(h);
    return th_u2f(out[0].v[0]);
}

START_TEST(tex_mipmap_levels)
{
    struct mu_texture t = mip3();
    /* nearest level: round the level of detail; clamp to the levels there are */
    ck_assert(sample_lod(&t, "tex_level_2d", 0.0f, 0) == 1.0f);
    ck_assert(sample_lod(&t, "tex_level_2d", 1.4f, 0) == 2.0f);
    ck_assert(sample_lod(&t, "tex_level_2d", 1.6f, 0) == 3.0f);
    ck_assert(sample_lod(&t, "tex_level_2d", 9.0f, 0) == 3.0f);
    ck_assert(sample_lod(&t, "tex_level_2d", -3.0f, 0) == 1.0f);
    /* linear between levels */
    t.sampler.mip_filter = 1;
    ck_assert(sample_lod(&t, "tex_level_2d", 0.5f, 0) == 1.5f);
    ck_assert(sample_lod(&t, "tex_level_2d", 1.25f, 0) == 2.25f);
    t.sampler.mip_filter = 0;
    /* bias, then the clamps (a zeroed maximum keeps every lookup on level 0) */
    t.sampler.lod_bias = 1.0f;
    ck_assert(sample_lod(&t, "tex_level_2d", 0.0f, 0) == 2.0f);
    t.sampler.lod_bias = 0.0f;
    t.sampler.min_lod = 2.0f;
    ck_assert(sample_lod(&t, "tex_level_2d", 0.0f, 0) == 3.0f);
    t.sampler.min_lod = 0.0f;
    t.sampler.max_lod = 0.0f;
    ck_assert(sample_lod(&t, "tex_level_2d", 2.0f, 0) == 1.0f);
    t.sampler.max_lod = 100.0f;
    /* gradients: a step of 2 texels of level 0 per pixel is level of detail 1 */
    ck_assert(sample_lod(&t, "tex_grad_2d", 2.0f / 8.0f, 1.0f / 8.0f) == 2.0f);
    ck_assert(sample_lod(&t, "tex_grad_2d", 4.0f / 8.0f, 1.0f / 8.0f) == 3.0f);
    ck_assert(sample_lod(&t, "tex_grad_2d", 1.0f / 8.0f, 1.0f / 8.0f) == 1.0f);
    /* plain tex reads level 0 (plus bias); tex.base always level 0 */
    t.sampler.lod_bias = 1.0f;
    ck_assert(sample_lod(&t, "tex_2d", 0, 0) == 2.0f);
    ck_assert(sample_lod(&t, "tex_base_2d", 0, 0) == 1.0f);
}
END_TEST

/* ---- tld4, txq, istypep ---- */

START_TEST(tex_gather_order)
{
    struct mu_texture t = tu_object(tu_format(MU_FORMAT_FLOAT, 4, 32, 0), 2, 4, 4, 1);
    for (uint32_t y = 0; y < 4; y++)
        for (uint32_t x = 0; x < 4; x++)
            for (int c = 0; c < 4; c++) {
                float v = 1000.0f * (float)c + (float)x + 10.0f * (float)y;
                memcpy(tu_elem(&t, 0, x, y, 0) + 4 * c, &v, 4);
            }
    t.sampler.address[0] = t.sampler.address[1] = BORDER;
    t.sampler.border[0] = -1.0f;
    uint64_t h = th_texture_add(&t, 0);
    tu_rec in[2] = {{{tu_f(1.6f), tu_f(1.6f), 0, 0}}, {{tu_f(0.2f), tu_f(3.9f), 0, 0}}};
    tu_rec out[2];
    const char *kernels[4] = {"tld4_r", "tld4_g", "tld4_b", "tld4_a"};
    for (int c = 0; c < 4; c++) {
        ck_assert_int_eq(tu_run(tex_mod, kernels[c], h, in, out, 2), MU_SUCCESS);
        /* footprint (1, 1)-(2, 2): (i, j+1), (i+1, j+1), (i+1, j), (i, j) */
        float base = 1000.0f * (float)c;
        ck_assert(th_u2f(out[0].v[0]) == base + 21.0f && th_u2f(out[0].v[1]) == base + 22.0f);
        ck_assert(th_u2f(out[0].v[2]) == base + 12.0f && th_u2f(out[0].v[3]) == base + 11.0f);
        /* footprint (-1, 3)-(0, 4): outside texels give the border colour's component */
        float border = c == 0 ? -1.0f : 0.0f;
        ck_assert(th_u2f(out[1].v[0]) == border && th_u2f(out[1].v[1]) == border);
        ck_assert(th_u2f(out[1].v[2]) == base + 30.0f && th_u2f(out[1].v[3]) == border);
    }
    th_texture_remove(h);
}
END_TEST

START_TEST(tex_queries)
{
    struct mu_texture t = mip3();
    t.sampler.filter = 1;
    t.sampler.address[0] = MIRROR;
    uint64_t h = th_texture_add(&t, 0);
    tu_rec in[2] = {{{1, 0, 0, 0}}, {{5, 0, 0, 0}}}, out[2];
    ck_assert_int_eq(tu_run(tex_mod, "txq_size", h, in, out, 1), MU_SUCCESS);
    ck_assert(out[0].v[0] == 8 && out[0].v[1] == 8 && out[0].v[2] == 0 && out[0].v[3] == 3);
    ck_assert_int_eq(tu_run(tex_mod, "txq_sampler", h, in, out, 1), MU_SUCCESS);
    ck_assert(out[0].v[0] == 1 && out[0].v[1] == 1 && out[0].v[2] == MIRROR && out[0].v[3] == 0);
    ck_assert_int_eq(tu_run(tex_mod, "txq_format", h, in, out, 2), MU_SUCCESS);
    ck_assert(out[0].v[0] == 0x20 && out[0].v[1] == 1); /* CU_AD_FORMAT_FLOAT, one channel */
    ck_assert(out[0].v[2] == 4 && out[0].v[3] == 4);    /* level 1 */
    ck_assert(out[1].v[2] == 0 && out[1].v[3] == 0);    /* no level 5 */
    ck_assert_int_eq(tu_run(tex_mod, "istypep", h, in, out, 1), MU_SUCCESS);
    ck_assert(out[0].v[0] == 1 && out[0].v[1] == 1 && out[0].v[2] == 0);
    th_texture_remove(h);
    uint64_t s = th_texture_add(&t, 1);
    ck_assert_int_eq(tu_run(tex_mod, "istypep", s, in, out, 1), MU_SUCCESS);
    ck_assert(out[0].v[0] == 0 && out[0].v[1] == 0 && out[0].v[2] == 1);
    th_texture_remove(s);
}
END_TEST

/* ---- faults ---- */

struct fault_case {
    uint64_t handle;
    MUresult result;
};

static void run_fault(void *arg)
{
    struct fault_case *f = arg;
    tu_rec in[1] = {{{tu_f(0.5f), tu_f(0.5f), 0, 0}}};
    f->result = tu_run(tex_mod, "tex_2d", f->handle, in, NULL, 1);
}

START_TEST(tex_bad_handles_fault_the_kernel)
{
    struct fault_case f = {12345678, MU_SUCCESS};
    char *msg = th_capture(2, run_fault, &f);
    ck_assert_int_eq(f.result, MU_ERROR_ILLEGAL_ADDRESS);
    ck_assert_msg(strstr(msg, "texture object 12345678 does not exist") != NULL, "%s", msg);
    ck_assert_msg(strstr(msg, "tex.2d.v4.f32.f32") != NULL, "%s", msg);
    free(msg);
    /* a surface is not a texture */
    struct mu_texture t = tu_object(tu_format(MU_FORMAT_FLOAT, 1, 32, 0), 2, 2, 2, 1);
    f.handle = th_texture_add(&t, 1);
    free(th_capture(2, run_fault, &f));
    ck_assert_int_eq(f.result, MU_ERROR_ILLEGAL_ADDRESS);
    th_texture_remove(f.handle);
    /* memory freed under a live texture (large enough to be given back to the system, so the
     * launch's own allocations cannot take its place) */
    t = tu_object(tu_format(MU_FORMAT_FLOAT, 1, 32, 0), 2, 1024, 1024, 1);
    f.handle = th_texture_add(&t, 0);
    th_free((void *)(uintptr_t)t.span_base);
    msg = th_capture(2, run_fault, &f);
    ck_assert_int_eq(f.result, MU_ERROR_ILLEGAL_ADDRESS);
    ck_assert_msg(strstr(msg, "has been freed") != NULL, "%s", msg);
    free(msg);
    th_texture_remove(f.handle);
}
END_TEST

Suite *suite_engine_tex(void)
{
    Suite *s = suite_create("engine_tex");
    TCase *tc = tcase_create("tex");
    tcase_add_checked_fixture(tc, tex_setup, tex_teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, tex_2d_modes_match_reference);
    tcase_add_test(tc, tex_1d_3d_match_reference);
    tcase_add_test(tc, tex_linear_weights_have_8_fraction_bits);
    tcase_add_test(tc, tex_formats_and_read_modes);
    tcase_add_test(tc, tex_integer_border_is_bits);
    tcase_add_test(tc, tex_layers_are_clamped);
    tcase_add_test(tc, tex_cube_faces);
    tcase_add_test(tc, tex_linear_memory_fetch);
    tcase_add_test(tc, tex_integer_coordinates_and_offsets);
    tcase_add_test(tc, tex_mipmap_levels);
    tcase_add_test(tc, tex_gather_order);
    tcase_add_test(tc, tex_queries);
    tcase_add_test(tc, tex_bad_handles_fault_the_kernel);
    suite_add_tcase(s, tc);
    return s;
}
