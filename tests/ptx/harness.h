/*
 * harness.h - what the engine and PTX tests share: a device-services stand-in and helpers to
 * load the conformance modules in tests/ptx/ and run their kernels.
 *
 * The conformance kernels follow one convention so a test needs no glue code: a kernel takes
 * (.param .u64 in, .param .u64 out); thread i reads its operands from in[i] (four 8-byte
 * slots a, b, c, e at byte offsets 0, 8, 16, 24 of a 32-byte record) and writes its results to
 * out[i] (two 8-byte slots at offsets 0 and 8 of a 16-byte record).  Narrower values sit in the
 * low bytes of a slot; predicates are written as 0/1.
 *
 * Implemented in tests/unit/test_engine_harness.c.
 */
#ifndef CUSHIM_TESTS_PTX_HARNESS_H
#define CUSHIM_TESTS_PTX_HARNESS_H

#include <stddef.h>
#include <stdint.h>

#include "cpu/engine/engine.h"

typedef struct th_rec_in {
    uint64_t a, b, c, e;
} th_rec_in;

typedef struct th_rec_out {
    uint64_t d, p;
} th_rec_out;

/* The device-services stand-in: a registry of live allocations. */
const struct engine_host *th_host(void);
void *th_alloc(size_t bytes);
void th_free(void *p);

/* Texture and surface objects the stand-in resolves (engine_host.resolve_texture): a handle
 * for a description whose memory comes from th_alloc, and forgetting it again. */
uint64_t th_texture_add(const struct mu_texture *t, int surface);
void th_texture_remove(uint64_t handle);

/* Read tests/ptx/<name> (malloc'ed, NUL-terminated). */
char *th_read_ptx(const char *name, size_t *len);
/* Load a module from tests/ptx/<name> or from text; fails the test on error. */
engine_module *th_load(const char *name);
MUresult th_load_text(const char *text, engine_module **m);

/* Launch kernel `name` of m. */
MUresult th_launch(engine_module *m, const char *name, dim3 grid, dim3 block, size_t smem, void **args);
/* Run a record kernel with n threads in one block (n <= 1024). */
MUresult th_run(engine_module *m, const char *name, const th_rec_in *in, th_rec_out *out, unsigned n);

/* Run fn(arg) with file descriptor fd (1 or 2) redirected; returns what it wrote (malloc'ed). */
char *th_capture(int fd, void (*fn)(void *), void *arg);
/* Launch kernel `name` of m as one warp (one block of 32) and return what it wrote to stderr
 * (malloc'ed); the launch's result goes to *r. */
char *th_launch_warp_stderr(engine_module *m, const char *name, void **args, MUresult *r);

static inline dim3 th_dim(unsigned x, unsigned y, unsigned z)
{
    dim3 d = {x, y, z};
    return d;
}

/* bit helpers for expectations */
static inline uint32_t th_f2u(float f)
{
    uint32_t u;
    __builtin_memcpy(&u, &f, 4);
    return u;
}
static inline float th_u2f(uint32_t u)
{
    float f;
    __builtin_memcpy(&f, &u, 4);
    return f;
}
static inline uint64_t th_d2u(double d)
{
    uint64_t u;
    __builtin_memcpy(&u, &d, 8);
    return u;
}
static inline double th_u2d(uint64_t u)
{
    double d;
    __builtin_memcpy(&d, &u, 8);
    return d;
}

#endif
