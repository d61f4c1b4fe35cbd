/*
 * eng_tex.h - formatted memory as the engine reads and writes it: what eng_op_tex.c (tex, tld4,
 * txq, istypep) and eng_op_surf.c (suld, sust, sured, suq) share.
 *
 * Owns: finding the object behind a handle (eng_tex_resolve, which also checks that its memory
 * is still allocated), the sampler (eng_tex_sample.c: element formats, addressing modes,
 * point and linear filtering with 8-bit fractional weights, normalised coordinates, sRGB,
 * cubemap faces, layers and mipmap levels) and the element conversions surfaces need.
 * The sampler is plain functions of a struct mu_texture and coordinates, so that tests can
 * compare it with a reference written from NVIDIA's documentation.
 */
#ifndef CUSHIM_ENG_TEX_H
#define CUSHIM_ENG_TEX_H

#include "eng_internal.h"
#include "eng_lower.h"

/* What a fetch returns: four floats, or four 32-bit integers (element-type reads of integer
 * formats). */
typedef union eng_texel {
    float f[4];
    uint32_t u[4];
} eng_texel;

/* Texture geometry of an instruction (.1d .2d .3d .a1d .a2d .cube .acube). */
enum eng_tex_geom {
    ENG_TG_1D,
    ENG_TG_2D,
    ENG_TG_3D,
    ENG_TG_A1D,
    ENG_TG_A2D,
    ENG_TG_CUBE,
    ENG_TG_ACUBE,
};

/* How the level of detail is chosen. */
enum eng_tex_lod { ENG_LOD_IMPLICIT, ENG_LOD_BASE, ENG_LOD_LEVEL, ENG_LOD_GRAD };

/* One lane's lookup. */
struct eng_tex_coord {
    uint8_t geom;       /* enum eng_tex_geom */
    uint8_t int_coords; /* .s32 coordinates: texel indices, no filtering */
    uint8_t lod_mode;   /* enum eng_tex_lod */
    float f[3];         /* x, y, z (float coordinates) */
    int32_t i[3];       /* x, y, z (integer coordinates) */
    int32_t offset[3];  /* texel offsets (the optional e operand) */
    uint32_t layer;     /* array index of a1d/a2d/acube */
    float lod;          /* ENG_LOD_LEVEL */
    float dpdx[3], dpdy[3]; /* ENG_LOD_GRAD */
};

/* Whether fetches from t give floats (float formats, normalised formats, and 8/16-bit
 * integers read as normalised floats) rather than integers. */
int eng_tex_returns_float(const struct mu_texture *t);

/* tex: the filtered value at c. */
void eng_tex_sample(const struct mu_texture *t, const struct eng_tex_coord *c, eng_texel *out);
/* tld4: component comp (0..3) of the four texels of the bilinear footprint, in the order
 * (i, j+1), (i+1, j+1), (i+1, j), (i, j). */
void eng_tex_gather(const struct mu_texture *t, const struct eng_tex_coord *c, unsigned comp,
                    eng_texel *out);

/* The fast path of the commonest lookup: 2-D, float coordinates, one level, no offsets, no
 * sRGB.  eng_tex_plan_2d prepares it once per texture and instruction (0 when t does not
 * qualify); eng_tex_fetch_2d then gives exactly what eng_tex_sample would. */
struct eng_tex_plan {
    const struct mu_texture *t;
    uint64_t base, pitch;
    int64_t w, h;
    unsigned es, ax, ay, linear, as_float;
    float sx, sy;     /* texel-space scale of the coordinates */
    unsigned decoder; /* the element decoder (eng_tex_sample.c) */
};
int eng_tex_plan_2d(const struct mu_texture *t, struct eng_tex_plan *plan);
void eng_tex_fetch_2d(const struct eng_tex_plan *plan, float x, float y,
                      uint32_t (*r)[ENG_LANES], int lane); /* into r[channel][lane] */

/* Surfaces: decode one element at p into a texel (integers as element type, normalised and
 * float formats as floats), and encode a texel into an element (sust.p's conversions: f32 to
 * float, unorm and snorm formats, u32/s32 to integer formats with saturation). */
void eng_tex_decode(const struct mu_format *f, const uint8_t *p, eng_texel *out);
void eng_tex_encode(const struct mu_format *f, const eng_texel *in, uint8_t *p);

/* The object a kernel named by handle (surface: a surface object) for lane's instruction in,
 * with its memory checked to still be allocated (through w->ranges[range], a range-cache
 * entry).  ENG_OK and *t, or ENG_FAULT with a message naming the handle. */
int eng_tex_resolve(eng_warp *w, const eng_insn *in, int lane, uint64_t handle, int surface,
                    uint32_t range, struct mu_texture *t);

/* txq/suq: attribute query (an ENG_TQ_*) of level `level` of t. */
enum eng_tex_query {
    ENG_TQ_WIDTH,
    ENG_TQ_HEIGHT,
    ENG_TQ_DEPTH,
    ENG_TQ_CHANNEL_DATA_TYPE,
    ENG_TQ_CHANNEL_ORDER,
    ENG_TQ_NORMALIZED_COORDS,
    ENG_TQ_FORCE_UNNORMALIZED_COORDS,
    ENG_TQ_FILTER_MODE,
    ENG_TQ_ADDR_MODE_0,
    ENG_TQ_ADDR_MODE_1,
    ENG_TQ_ADDR_MODE_2,
    ENG_TQ_ARRAY_SIZE,
    ENG_TQ_NUM_MIPMAP_LEVELS,
    ENG_TQ_NUM_SAMPLES,
    ENG_TQ_MEMORY_LAYOUT,
};
uint32_t eng_tex_query(const struct mu_texture *t, unsigned query, uint32_t level);
/* The query a txq/suq instruction names, or -1. */
int eng_tex_query_of(const ptx_insn *pi);

/* The surface instructions' lowering (eng_op_surf.c), reached through eng_lower_tex. */
int eng_lower_surf(eng_lower *L, const ptx_insn *pi);

#endif
