/*
 * eng_tex_sample.c - the texture sampler: what one lane's tex or tld4 returns, following the
 * texture fetching rules of NVIDIA's CUDA programming guide.
 *
 * Owns: element decoding (8/16/32-bit integers as element type or normalised to [0,1] /
 * [-1,1], half and single floats, sRGB to linear), coordinates (normalised coordinates are
 * multiplied by the level's size; offsets are in texels), addressing modes on texel indices
 * (wrap, clamp, mirror, border), point filtering (texel floor(x)) and linear filtering
 * (texels floor(x - 0.5) and the next, weighted by the fraction held as 1.8 fixed point, i.e.
 * rounded to 1/256, as the hardware does), cubemap face selection, layer clamping, level of
 * detail (explicit, from gradients, bias and clamps) and mipmap filtering.
 * Must not: read outside a level: every texel index is in range by construction, and the level
 * lies in the object's span (checked when the object was made and, for liveness, by
 * eng_tex_resolve before each use).
 */
#include <math.h>

#include "eng_fp.h"
#include "eng_tex.h"

int eng_tex_returns_float(const struct mu_texture *t)
{
    const struct mu_format *f = &t->format;
    return f->kind == MU_FORMAT_FLOAT ||
           (f->bits <= 16 && (f->normalized || t->sampler.read_normalized));
}

/* ---- elements ---- */

static uint32_t load_bits(const uint8_t *p, unsigned bits)
{
    if (bits == 8)
        return *p;
    if (bits == 16) {
        uint16_t v;
        memcpy(&v, p, 2);
        return v;
    }
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

static int32_t sign_extend(uint32_t v, unsigned bits)
{
    if (bits >= 32)
        return (int32_t)v;
    uint32_t top = 1u << (bits - 1);
    return (int32_t)((v ^ top) - top);
}

static float srgb_to_linear(float c)
{
    return c <= 0.04045f ? c / 12.92f : powf((c + 0.055f) / 1.055f, 2.4f);
}

/* One element: floats when as_float, else integers; absent channels read (0, 0, 0, 1). */
static void decode(const struct mu_format *f, const uint8_t *p, int as_float, int srgb,
                   eng_texel *out)
{
    unsigned bytes = f->bits / 8u;
    for (unsigned c = 0; c < 4; c++) {
        if (c >= f->channels) {
            if (as_float)
                out->f[c] = c == 3 ? 1.0f : 0.0f;
            else
                out->u[c] = c == 3 ? 1u : 0u;
            continue;
        }
        uint32_t raw = load_bits(p + c * bytes, f->bits);
        if (f->kind == MU_FORMAT_FLOAT) {
            out->f[c] = f->bits == 16 ? eng_f16_to_f32((uint16_t)raw) : eng_u2f(raw);
        } else if (as_float) {
            if (f->kind == MU_FORMAT_UNSIGNED) {
                out->f[c] = (float)raw / (float)((1ull << f->bits) - 1u);
                if (srgb && f->bits == 8 && c < 3)
                    out->f[c] = srgb_to_linear(out->f[c]);
            } else {
                float v = (float)sign_extend(raw, f->bits) / (float)((1ull << (f->bits - 1)) - 1u);
                out->f[c] = v < -1.0f ? -1.0f : v;
            }
        } else {
            out->u[c] = f->kind == MU_FORMAT_SIGNED ? (uint32_t)sign_extend(raw, f->bits) : raw;
        }
    }
}

void eng_tex_decode(const struct mu_format *f, const uint8_t *p, eng_texel *out)
{
    decode(f, p, f->kind == MU_FORMAT_FLOAT || f->normalized, 0, out);
}

static uint32_t saturate_u(uint32_t v, unsigned bits)
{
    uint32_t max = bits >= 32 ? 0xffffffffu : (1u << bits) - 1u;
    return v > max ? max : v;
}

static uint32_t saturate_s(int32_t v, unsigned bits)
{
    if (bits >= 32)
        return (uint32_t)v;
    int32_t max = (1 << (bits - 1)) - 1, min = -max - 1;
    return (uint32_t)(v > max ? max : v < min ? min : v);
}

/* A float to an n-bit normalised integer: clamp, scale, round to nearest even. */
static uint32_t to_norm(float v, unsigned bits, int is_signed)
{
    if (v != v)
        return 0;
    if (is_signed) {
        float max = (float)((1u << (bits - 1)) - 1u);
        v = v < -1.0f ? -1.0f : v > 1.0f ? 1.0f : v;
        return (uint32_t)(int32_t)rintf(v * max);
    }
    float max = (float)((1u << bits) - 1u);
    v = v < 0.0f ? 0.0f : v > 1.0f ? 1.0f : v;
    return (uint32_t)rintf(v * max);
}

void eng_tex_encode(const struct mu_format *f, const eng_texel *in, uint8_t *p)
{
    unsigned bytes = f->bits / 8u;
    for (unsigned c = 0; c < f->channels; c++) {
        uint32_t bits;
        if (f->kind == MU_FORMAT_FLOAT)
            bits = f->bits == 16 ? eng_f32_to_f16(in->f[c], 1 /* rn */) : in->u[c];
        else if (f->normalized)
            bits = to_norm(in->f[c], f->bits, f->kind == MU_FORMAT_SIGNED);
        else if (f->kind == MU_FORMAT_SIGNED)
            bits = saturate_s((int32_t)in->u[c], f->bits);
        else
            bits = saturate_u(in->u[c], f->bits);
        memcpy(p + c * bytes, &bits, bytes); /* little-endian: the low bytes */
    }
}

/* ---- addressing ---- */

/* A texel index along a dimension of n texels under an address mode; -1 means the border. */
static inline int64_t address(int64_t i, int64_t n, unsigned mode)
{
    switch (mode) {
    case cudaAddressModeWrap:
        i %= n;
        return i < 0 ? i + n : i;
    case cudaAddressModeMirror: {
        int64_t period = 2 * n, m = i % period;
        if (m < 0)
            m += period;
        return m < n ? m : period - 1 - m;
    }
    case cudaAddressModeBorder:
        return i < 0 || i >= n ? -1 : i;
    default: /* clamp */
        return i < 0 ? 0 : i >= n ? n - 1 : i;
    }
}

/* floor(x) as an index, kept far from overflow (NaN reads texel 0).  Truncation then a step
 * down for negative fractions: exact for every float in range, and no libm call. */
static inline int64_t floor_index(float x)
{
    if (!(x == x))
        return 0;
    if (x > 1e12f)
        return (int64_t)1e12;
    if (x < -1e12f)
        return -(int64_t)1e12;
    int64_t i = (int64_t)x;
    return (float)i > x ? i - 1 : i;
}

/* floorf(x) for the finite values filtering meets (the same value floor_index gives). */
static inline float floor_float(float x)
{
    return x == x && x <= 1e12f && x >= -1e12f ? (float)floor_index(x) : floorf(x);
}

/* The fraction of a filter weight as the hardware keeps it: 8 fractional bits. */
static inline float weight8(float frac)
{
    float v = frac * 256.0f + 0.5f;
    if (!(v >= 0.0f)) /* NaN coordinates */
        return 0.0f;
    return (float)(int)(v > 256.0f ? 256.0f : v) / 256.0f;
}

/* ---- one level ---- */

/* What a lookup in one level needs. */
struct lookup {
    const struct mu_texture *t;
    const struct mu_level *lv;
    unsigned dims;      /* coordinates used: 1, 2 or 3 */
    uint32_t slice;     /* the layer (or cube face) for layered lookups */
    int as_float, srgb;
    unsigned address[3];
};

static void border(const struct lookup *k, eng_texel *out)
{
    for (int c = 0; c < 4; c++)
        out->f[c] = k->t->sampler.border[c]; /* integer formats: the same bits */
}

/* The texel at indices already mapped by the address modes (-1: border). */
static void texel(const struct lookup *k, const int64_t *idx, eng_texel *out)
{
    for (unsigned d = 0; d < k->dims; d++)
        if (idx[d] < 0) {
            border(k, out);
            return;
        }
    const struct mu_level *lv = k->lv;
    uint64_t x = (uint64_t)idx[0], y = k->dims >= 2 ? (uint64_t)idx[1] : 0;
    uint64_t z = k->dims == 3 ? (uint64_t)idx[2] : k->slice;
    const uint8_t *p = (const uint8_t *)(uintptr_t)(lv->base + z * lv->slice + y * lv->pitch +
                                                     x * mu_format_bytes(&k->t->format));
    decode(&k->t->format, p, k->as_float, k->srgb, out);
}

static int64_t level_size(const struct lookup *k, unsigned d)
{
    return d == 0 ? k->lv->width : d == 1 ? k->lv->height : k->lv->depth;
}

/* Point sampling at texel-space position u. */
static void point(const struct lookup *k, const float *u, eng_texel *out)
{
    int64_t idx[3];
    for (unsigned d = 0; d < k->dims; d++)
        idx[d] = address(floor_index(u[d]), level_size(k, d), k->address[d]);
    texel(k, idx, out);
}

/* Linear filtering at texel-space position u: 2, 4 or 8 texels. */
static void linear(const struct lookup *k, const float *u, eng_texel *out)
{
    int64_t base[3];
    float a[3];
    for (unsigned d = 0; d < k->dims; d++) {
        float b = u[d] - 0.5f;
        base[d] = floor_index(b);
        a[d] = weight8(b - floor_float(b));
    }
    float sum[4] = {0, 0, 0, 0};
    for (unsigned corner = 0; corner < (1u << k->dims); corner++) {
        int64_t idx[3];
        float w = 1.0f;
        for (unsigned d = 0; d < k->dims; d++) {
            unsigned up = (corner >> d) & 1u;
            idx[d] = address(base[d] + up, level_size(k, d), k->address[d]);
            w *= up ? a[d] : 1.0f - a[d];
        }
        eng_texel t;
        texel(k, idx, &t);
        for (int c = 0; c < 4; c++)
            sum[c] += w * t.f[c];
    }
    for (int c = 0; c < 4; c++)
        out->f[c] = sum[c];
}

/* Texel-space position of coordinate d in level lv. */
static float position(const struct mu_level *lv, unsigned d, float x, int32_t offset,
                      int normalized)
{
    float n = (float)(d == 0 ? lv->width : d == 1 ? lv->height : lv->depth);
    return (normalized ? x * n : x) + (float)offset;
}

/* ---- the whole lookup ---- */

static unsigned dims_of(unsigned geom)
{
    switch (geom) {
    case ENG_TG_1D:
    case ENG_TG_A1D:
        return 1;
    case ENG_TG_3D:
        return 3;
    default:
        return 2;
    }
}

/* Cubemap: which face a direction hits, and the normalised (s, t) on it. */
static unsigned cube_face(const float *v, float *s, float *t)
{
    float ax = fabsf(v[0]), ay = fabsf(v[1]), az = fabsf(v[2]), ma, sc, tc;
    unsigned face;
    if (ax >= ay && ax >= az) {
        face = v[0] >= 0 ? 0 : 1;
        ma = ax;
        sc = v[0] >= 0 ? -v[2] : v[2];
        tc = -v[1];
    } else if (ay >= az) {
        face = v[1] >= 0 ? 2 : 3;
        ma = ay;
        sc = v[0];
        tc = v[1] >= 0 ? v[2] : -v[2];
    } else {
        face = v[2] >= 0 ? 4 : 5;
        ma = az;
        sc = v[2] >= 0 ? v[0] : -v[0];
        tc = -v[1];
    }
    if (!(ma > 0)) { /* a zero (or NaN) direction: the face's centre */
        *s = *t = 0.5f;
        return face;
    }
    *s = (sc / ma + 1.0f) * 0.5f;
    *t = (tc / ma + 1.0f) * 0.5f;
    return face;
}

/* The layer (slice) a layered or cubemap lookup reads, and the 2-D coordinates for cubes. */
static uint32_t layer_of(const struct mu_level *lv, const struct eng_tex_coord *c, float *u)
{
    uint32_t layers = lv->depth;
    switch (c->geom) {
    case ENG_TG_A1D:
    case ENG_TG_A2D:
        return c->layer < layers ? c->layer : layers - 1;
    case ENG_TG_CUBE:
    case ENG_TG_ACUBE: {
        uint32_t cubes = layers / 6 ? layers / 6 : 1;
        uint32_t cube = c->geom == ENG_TG_ACUBE ? (c->layer < cubes ? c->layer : cubes - 1) : 0;
        unsigned face = cube_face(c->f, &u[0], &u[1]);
        uint32_t slice = cube * 6 + face;
        return slice < layers ? slice : layers - 1;
    }
    default:
        return 0;
    }
}

static int is_cube(const struct eng_tex_coord *c)
{
    return c->geom == ENG_TG_CUBE || c->geom == ENG_TG_ACUBE;
}

/* Sample level l at c. */
static void sample_level(const struct mu_texture *t, uint32_t l, const struct eng_tex_coord *c,
                         eng_texel *out)
{
    const struct mu_level *lv = &t->level[l];
    struct lookup k = {t, lv, dims_of(c->geom), 0, eng_tex_returns_float(t), t->sampler.srgb,
                       {t->sampler.address[0], t->sampler.address[1], t->sampler.address[2]}};
    if (t->resource == MU_RESOURCE_LINEAR) { /* tex1Dfetch: zero outside, no sampling */
        int64_t i = c->int_coords ? (int64_t)c->i[0] + c->offset[0] : floor_index(c->f[0]);
        if (i < 0 || i >= lv->width) {
            memset(out, 0, sizeof *out);
            return;
        }
        int64_t idx[1] = {i};
        k.dims = 1;
        texel(&k, idx, out);
        return;
    }
    float u[3] = {c->f[0], c->f[1], c->f[2]};
    k.slice = layer_of(lv, c, u);
    int normalized = t->sampler.normalized_coords || is_cube(c);
    if (is_cube(c))
        k.address[0] = k.address[1] = cudaAddressModeClamp;
    if (c->int_coords && !is_cube(c)) { /* texel indices: no scaling, no filtering */
        int64_t idx[3];
        for (unsigned d = 0; d < k.dims; d++)
            idx[d] = address((int64_t)c->i[d] + c->offset[d], level_size(&k, d), k.address[d]);
        texel(&k, idx, out);
        return;
    }
    for (unsigned d = 0; d < k.dims; d++)
        u[d] = position(lv, d, u[d], is_cube(c) ? 0 : c->offset[d], normalized);
    if (t->sampler.filter == cudaFilterModeLinear && k.as_float)
        linear(&k, u, out);
    else
        point(&k, u, out);
}

/* The level of detail a lookup asks for, before bias and clamps. */
static float raw_lod(const struct mu_texture *t, const struct eng_tex_coord *c)
{
    switch (c->lod_mode) {
    case ENG_LOD_LEVEL:
        return c->lod;
    case ENG_LOD_GRAD: {
        unsigned dims = is_cube(c) ? 2 : dims_of(c->geom);
        float px = 0, py = 0;
        for (unsigned d = 0; d < dims; d++) {
            float n = (float)(d == 0 ? t->level[0].width
                              : d == 1 ? t->level[0].height : t->level[0].depth);
            float sx = t->sampler.normalized_coords ? c->dpdx[d] * n : c->dpdx[d];
            float sy = t->sampler.normalized_coords ? c->dpdy[d] * n : c->dpdy[d];
            px += sx * sx;
            py += sy * sy;
        }
        float rho = sqrtf(px > py ? px : py);
        return rho > 0 ? log2f(rho) : -INFINITY;
    }
    default:
        return 0.0f;
    }
}

void eng_tex_sample(const struct mu_texture *t, const struct eng_tex_coord *c, eng_texel *out)
{
    if (t->levels <= 1 || c->lod_mode == ENG_LOD_BASE || t->resource != MU_RESOURCE_ARRAY) {
        sample_level(t, 0, c, out);
        return;
    }
    const struct mu_sampler *s = &t->sampler;
    float lod = raw_lod(t, c) + s->lod_bias;
    if (lod < s->min_lod)
        lod = s->min_lod;
    if (lod > s->max_lod)
        lod = s->max_lod;
    float top = (float)(t->levels - 1);
    if (!(lod > 0))
        lod = 0;
    if (lod > top)
        lod = top;
    if (s->mip_filter != cudaFilterModeLinear || !eng_tex_returns_float(t)) {
        sample_level(t, (uint32_t)floorf(lod + 0.5f), c, out);
        return;
    }
    uint32_t l0 = (uint32_t)floorf(lod);
    float f = weight8(lod - (float)l0);
    if (f == 0.0f || l0 + 1 >= t->levels) {
        sample_level(t, l0, c, out);
        return;
    }
    eng_texel a, b;
    sample_level(t, l0, c, &a);
    sample_level(t, l0 + 1, c, &b);
    for (int i = 0; i < 4; i++)
        out->f[i] = (1.0f - f) * a.f[i] + f * b.f[i];
}

void eng_tex_gather(const struct mu_texture *t, const struct eng_tex_coord *c, unsigned comp,
                    eng_texel *out)
{
    const struct mu_level *lv = &t->level[0];
    struct lookup k = {t, lv, 2, 0, eng_tex_returns_float(t), t->sampler.srgb,
                       {t->sampler.address[0], t->sampler.address[1], t->sampler.address[2]}};
    float u[3] = {c->f[0], c->f[1], c->f[2]};
    k.slice = layer_of(lv, c, u);
    int normalized = t->sampler.normalized_coords || is_cube(c);
    if (is_cube(c))
        k.address[0] = k.address[1] = cudaAddressModeClamp;
    int64_t base[2];
    for (unsigned d = 0; d < 2; d++) {
        float p = c->int_coords ? (float)c->i[d] + 0.5f
                                : position(lv, d, u[d], is_cube(c) ? 0 : c->offset[d],
                                           normalized);
        base[d] = floor_index(p - 0.5f);
    }
    /* counter-clockwise from the lower left: (i, j+1), (i+1, j+1), (i+1, j), (i, j) */
    static const int di[4] = {0, 1, 1, 0}, dj[4] = {1, 1, 0, 0};
    for (int n = 0; n < 4; n++) {
        int64_t idx[2] = {address(base[0] + di[n], lv->width, k.address[0]),
                          address(base[1] + dj[n], lv->height, k.address[1])};
        eng_texel v;
        texel(&k, idx, &v);
        out->u[n] = v.u[comp & 3];
    }
}

/* ---- the 2-D fast path ---- */

/* Decoders the fast path has inline (the rest go through decode()). */
enum { DEC_FLOAT, DEC_INT, DEC_F32X1, DEC_F32X2, DEC_F32X4, DEC_UNORM8X1, DEC_UNORM8X4,
       DEC_U8X1, DEC_U8X2, DEC_U8X4, DEC_B32X1 };

int eng_tex_plan_2d(const struct mu_texture *t, struct eng_tex_plan *plan)
{
    const struct mu_format *f = &t->format;
    if (t->resource == MU_RESOURCE_LINEAR || t->levels != 1 || t->sampler.srgb)
        return 0;
    const struct mu_level *lv = &t->level[0];
    int as_float = eng_tex_returns_float(t), norm = t->sampler.normalized_coords;
    *plan = (struct eng_tex_plan){
        .t = t,
        .base = lv->base,
        .pitch = lv->pitch,
        .w = lv->width,
        .h = lv->height,
        .es = mu_format_bytes(f),
        .ax = t->sampler.address[0],
        .ay = t->sampler.address[1],
        .linear = t->sampler.filter == cudaFilterModeLinear && as_float,
        .as_float = as_float,
        .sx = norm ? (float)lv->width : 1.0f,
        .sy = norm ? (float)lv->height : 1.0f,
        .decoder = as_float ? DEC_FLOAT : DEC_INT,
    };
    unsigned n = f->channels;
    if (f->kind == MU_FORMAT_FLOAT && f->bits == 32)
        plan->decoder = n == 1 ? DEC_F32X1 : n == 2 ? DEC_F32X2 : DEC_F32X4;
    else if (f->kind == MU_FORMAT_UNSIGNED && f->bits == 8 && as_float && n != 2)
        plan->decoder = n == 1 ? DEC_UNORM8X1 : DEC_UNORM8X4;
    else if (f->kind == MU_FORMAT_UNSIGNED && f->bits == 8 && !as_float)
        plan->decoder = n == 1 ? DEC_U8X1 : n == 2 ? DEC_U8X2 : DEC_U8X4;
    else if (!as_float && f->bits == 32 && n == 1)
        plan->decoder = DEC_B32X1;
    return 1;
}

/* The texel at (i, j) after addressing (-1: the border) into v[0..3].  Written channel by
 * channel into the caller's array (no union passed through memory), so that after inlining the
 * values stay in registers. */
static inline __attribute__((always_inline)) void fetch_2d(const struct eng_tex_plan *p,
                                                           int64_t i, int64_t j, uint32_t *v,
                                                           size_t stride)
{
    if (i < 0 || j < 0) {
        for (int c = 0; c < 4; c++)
            memcpy(&v[c * stride], &p->t->sampler.border[c], 4);
        return;
    }
    const uint8_t *q =
        (const uint8_t *)(uintptr_t)(p->base + (uint64_t)j * p->pitch + (uint64_t)i * p->es);
    const uint32_t zero = 0, one = 0x3f800000u; /* 0.0f, 1.0f */
    switch (p->decoder) {
    case DEC_F32X1:
        memcpy(&v[0], q, 4);
        v[1 * stride] = v[2 * stride] = zero;
        v[3 * stride] = one;
        return;
    case DEC_F32X2:
        memcpy(&v[0], q, 4);
        memcpy(&v[1 * stride], q + 4, 4);
        v[2 * stride] = zero;
        v[3 * stride] = one;
        return;
    case DEC_F32X4:
        for (int c = 0; c < 4; c++)
            memcpy(&v[c * stride], q + 4 * c, 4);
        return;
    case DEC_UNORM8X1:
        v[0] = eng_f2u((float)q[0] / 255.0f);
        v[1 * stride] = v[2 * stride] = zero;
        v[3 * stride] = one;
        return;
    case DEC_UNORM8X4:
        for (int c = 0; c < 4; c++)
            v[c * stride] = eng_f2u((float)q[c] / 255.0f);
        return;
    case DEC_U8X1:
        v[0] = q[0];
        v[1 * stride] = v[2 * stride] = 0;
        v[3 * stride] = 1;
        return;
    case DEC_U8X2:
        v[0] = q[0];
        v[1 * stride] = q[1];
        v[2 * stride] = 0;
        v[3 * stride] = 1;
        return;
    case DEC_U8X4:
        for (int c = 0; c < 4; c++)
            v[c * stride] = q[c];
        return;
    case DEC_B32X1:
        memcpy(&v[0], q, 4);
        v[1 * stride] = v[2 * stride] = 0;
        v[3 * stride] = 1;
        return;
    default: {
        eng_texel t;
        decode(&p->t->format, q, p->decoder == DEC_FLOAT, 0, &t);
        for (int c = 0; c < 4; c++)
            v[c * stride] = t.u[c];
        return;
    }
    }
}

void eng_tex_fetch_2d(const struct eng_tex_plan *p, float x, float y, uint32_t (*r)[ENG_LANES],
                      int lane)
{
    float u = x * p->sx, v = y * p->sy;
    if (!p->linear) { /* straight into the result registers: nothing is read back */
        fetch_2d(p, address(floor_index(u), p->w, p->ax), address(floor_index(v), p->h, p->ay),
                 &r[0][lane], ENG_LANES);
        return;
    }
    /* the same arithmetic, in the same order, as linear() */
    float bu = u - 0.5f, bv = v - 0.5f;
    int64_t i = floor_index(bu), j = floor_index(bv);
    float a = weight8(bu - floor_float(bu)), b = weight8(bv - floor_float(bv));
    int64_t i0 = address(i, p->w, p->ax), i1 = address(i + 1, p->w, p->ax);
    int64_t j0 = address(j, p->h, p->ay), j1 = address(j + 1, p->h, p->ay);
    float w00 = (1.0f - a) * (1.0f - b), w10 = a * (1.0f - b), w01 = (1.0f - a) * b, w11 = a * b;
    if (p->decoder == DEC_F32X1 && (i0 | i1 | j0 | j1) >= 0) {
        /* single floats inside the texture: scalar code, nothing through memory; the other
         * channels are the weighted sums of constant 0s and 1s */
        const uint8_t *r0 = (const uint8_t *)(uintptr_t)(p->base + (uint64_t)j0 * p->pitch);
        const uint8_t *r1 = (const uint8_t *)(uintptr_t)(p->base + (uint64_t)j1 * p->pitch);
        float v00, v10, v01, v11;
        memcpy(&v00, r0 + 4 * i0, 4);
        memcpy(&v10, r0 + 4 * i1, 4);
        memcpy(&v01, r1 + 4 * i0, 4);
        memcpy(&v11, r1 + 4 * i1, 4);
        float sum = 0.0f, ones = 0.0f;
        sum += w00 * v00;
        sum += w10 * v10;
        sum += w01 * v01;
        sum += w11 * v11;
        ones += w00;
        ones += w10;
        ones += w01;
        ones += w11;
        r[0][lane] = eng_f2u(sum);
        r[1][lane] = r[2][lane] = 0; /* weights are not negative: every product is +0 */
        r[3][lane] = eng_f2u(ones);
        return;
    }
    uint32_t t00[4], t10[4], t01[4], t11[4];
    fetch_2d(p, i0, j0, t00, 1);
    fetch_2d(p, i1, j0, t10, 1);
    fetch_2d(p, i0, j1, t01, 1);
    fetch_2d(p, i1, j1, t11, 1);
    for (int c = 0; c < 4; c++) {
        float sum = 0.0f;
        sum += w00 * eng_u2f(t00[c]);
        sum += w10 * eng_u2f(t10[c]);
        sum += w01 * eng_u2f(t01[c]);
        sum += w11 * eng_u2f(t11[c]);
        r[c][lane] = eng_f2u(sum);
    }
}

/* ---- queries ---- */

/* NVIDIA's array format codes (CUarray_format) for txq/suq .channel_data_type. */
static uint32_t format_code(const struct mu_format *f)
{
    if (f->kind == MU_FORMAT_FLOAT)
        return f->bits == 16 ? 0x10 : 0x20;
    if (f->normalized) /* CU_AD_FORMAT_UNORM_INT8X1 = 0xc0 ... SNORM_INT16X4 = 0xcb */
        return 0xc0u + (f->kind == MU_FORMAT_SIGNED ? 6u : 0u) + (f->bits == 16 ? 3u : 0u) +
               (f->channels == 4 ? 2u : f->channels - 1u);
    uint32_t size = f->bits == 8 ? 0 : f->bits == 16 ? 1 : 2;
    return (f->kind == MU_FORMAT_SIGNED ? 0x08u : 0x01u) + size;
}

uint32_t eng_tex_query(const struct mu_texture *t, unsigned query, uint32_t level)
{
    const struct mu_level *lv = &t->level[level < t->levels ? level : 0];
    const struct mu_sampler *s = &t->sampler;
    switch (query) {
    case ENG_TQ_WIDTH:
        return lv->width;
    case ENG_TQ_HEIGHT:
        return t->dims >= 2 ? lv->height : 0;
    case ENG_TQ_DEPTH:
        return t->dims == 3 && !t->layered && !t->cubemap ? lv->depth : 0;
    case ENG_TQ_CHANNEL_DATA_TYPE:
        return format_code(&t->format);
    case ENG_TQ_CHANNEL_ORDER:
        return t->format.channels;
    case ENG_TQ_NORMALIZED_COORDS:
        return s->normalized_coords;
    case ENG_TQ_FORCE_UNNORMALIZED_COORDS:
        return !s->normalized_coords;
    case ENG_TQ_FILTER_MODE:
        return s->filter;
    case ENG_TQ_ADDR_MODE_0:
    case ENG_TQ_ADDR_MODE_1:
    case ENG_TQ_ADDR_MODE_2:
        return s->address[query - ENG_TQ_ADDR_MODE_0];
    case ENG_TQ_ARRAY_SIZE:
        return !t->layered ? 0 : t->cubemap ? lv->depth / 6 : lv->depth;
    case ENG_TQ_NUM_MIPMAP_LEVELS:
        return t->levels;
    default: /* samples, memory layout: single-sample, linear */
        return 0;
    }
}

int eng_tex_query_of(const ptx_insn *pi)
{
    static const struct {
        ptx_mod mod;
        int query;
    } names[] = {
        {PTX_MOD_WIDTH, ENG_TQ_WIDTH},
        {PTX_MOD_HEIGHT, ENG_TQ_HEIGHT},
        {PTX_MOD_DEPTH, ENG_TQ_DEPTH},
        {PTX_MOD_CHANNEL_DATA_TYPE, ENG_TQ_CHANNEL_DATA_TYPE},
        {PTX_MOD_CHANNEL_ORDER, ENG_TQ_CHANNEL_ORDER},
        {PTX_MOD_NORMALIZED_COORDS, ENG_TQ_NORMALIZED_COORDS},
        {PTX_MOD_FORCE_UNNORMALIZED_COORDS, ENG_TQ_FORCE_UNNORMALIZED_COORDS},
        {PTX_MOD_FILTER_MODE, ENG_TQ_FILTER_MODE},
        {PTX_MOD_ADDR_MODE_0, ENG_TQ_ADDR_MODE_0},
        {PTX_MOD_ADDR_MODE_1, ENG_TQ_ADDR_MODE_1},
        {PTX_MOD_ADDR_MODE_2, ENG_TQ_ADDR_MODE_2},
        {PTX_MOD_ARRAY_SIZE, ENG_TQ_ARRAY_SIZE},
        {PTX_MOD_NUM_MIPMAP_LEVELS, ENG_TQ_NUM_MIPMAP_LEVELS},
        {PTX_MOD_NUM_SAMPLES, ENG_TQ_NUM_SAMPLES},
        {PTX_MOD_MEMORY_LAYOUT, ENG_TQ_MEMORY_LAYOUT},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (ptx_has_mod(pi, names[i].mod))
            return names[i].query;
    return -1;
}
