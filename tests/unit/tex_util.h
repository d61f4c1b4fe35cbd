/*
 * tex_util.h - what the texture and surface tests share: objects over test memory (one level,
 * laid out densely) and running a kernel of tests/ptx/tex.ptx over 16-byte records.
 */
#ifndef CUSHIM_TESTS_TEX_UTIL_H
#define CUSHIM_TESTS_TEX_UTIL_H

#include <check.h>
#include <string.h>

#include "../ptx/harness.h"

typedef struct tu_rec {
    uint32_t v[4];
} tu_rec;

static inline struct mu_format tu_format(int kind, int channels, int bits, int normalized)
{
    struct mu_format f = {(uint8_t)kind, (uint8_t)channels, (uint8_t)bits, (uint8_t)normalized};
    return f;
}

/* An object of w x h x d elements (d: slices, layers or faces) over fresh zeroed memory. */
static inline struct mu_texture tu_object(struct mu_format f, unsigned dims, uint32_t w,
                                          uint32_t h, uint32_t d)
{
    struct mu_texture t;
    memset(&t, 0, sizeof t);
    unsigned es = mu_format_bytes(&f);
    uint64_t bytes = (uint64_t)es * w * h * d;
    void *mem = th_alloc((size_t)bytes);
    ck_assert(mem != NULL);
    memset(mem, 0, (size_t)bytes);
    t.resource = MU_RESOURCE_ARRAY;
    t.dims = (uint8_t)dims;
    t.format = f;
    t.levels = 1;
    t.span_base = (uint64_t)(uintptr_t)mem;
    t.span_bytes = bytes;
    t.level[0].base = t.span_base;
    t.level[0].width = w;
    t.level[0].height = h;
    t.level[0].depth = d;
    t.level[0].pitch = (uint64_t)es * w;
    t.level[0].slice = (uint64_t)es * w * h;
    t.sampler.address[0] = t.sampler.address[1] = t.sampler.address[2] = 1; /* clamp */
    return t;
}

static inline uint8_t *tu_elem(const struct mu_texture *t, unsigned level, uint32_t x, uint32_t y,
                               uint32_t z)
{
    const struct mu_level *lv = &t->level[level];
    return (uint8_t *)(uintptr_t)(lv->base + z * lv->slice + y * lv->pitch +
                                  x * mu_format_bytes(&t->format));
}

/* Run kernel over n records with object handle; out is filled with 0xa5 bytes first. */
static inline MUresult tu_run(engine_module *m, const char *kernel, uint64_t handle,
                              const tu_rec *in, tu_rec *out, unsigned n)
{
    tu_rec *din = th_alloc(sizeof *din * n), *dout = th_alloc(sizeof *dout * n);
    ck_assert(din != NULL && dout != NULL);
    memcpy(din, in, sizeof *din * n);
    memset(dout, 0xa5, sizeof *dout * n);
    void *args[3] = {&handle, &din, &dout};
    ck_assert(n >= 1 && n <= 1024); /* one block: the kernels do not check their index */
    MUresult r = th_launch(m, kernel, th_dim(1, 1, 1), th_dim(n, 1, 1), 0, args);
    if (out != NULL)
        memcpy(out, dout, sizeof *dout * n);
    th_free(din);
    th_free(dout);
    return r;
}

static inline uint32_t tu_f(float f)
{
    return th_f2u(f);
}

#endif
