/*
 * eng_op_tex.c - texture instructions: tex (1d 2d 3d a1d a2d cube acube; implicit, .base,
 * .level and .grad level of detail; .v4 f32/s32/u32 results; f32 or s32 coordinates; texel
 * offsets; the residency predicate), tld4 (gather of .r .g .b .a), txq and istypep; and
 * eng_tex_resolve, which every texture and surface instruction uses to find its object.
 *
 * Owns: the operand shapes of these instructions and the lane loop: a warp's lanes are grouped
 * by the handle they name (in practice one), the object is resolved once per group, and each
 * lane's lookup is handed to the sampler (eng_tex_sample.c).  Texture objects are unified
 * texture+sampler handles (CUDA's); the independent form with a separate sampler operand and
 * .texref/.samplerref variables are reported as unsupported.  The depth-compare operand and
 * the f16 result forms are too.
 */
#include <inttypes.h>

#include "eng_ops.h"
#include "eng_tex.h"

/* ---- resolving handles ---- */

static const struct engine_host *host_of(eng_warp *w)
{
    const struct engine_host *h = w->blk->job->cfg.host;
    return h != NULL ? h : &w->blk->mod->host;
}

int eng_tex_resolve(eng_warp *w, const eng_insn *in, int lane, uint64_t handle, int surface,
                    uint32_t range, struct mu_texture *t)
{
    const struct engine_host *h = host_of(w);
    const char *what = surface ? "surface" : "texture";
    if (h->resolve_texture == NULL || !h->resolve_texture(h->ctx, handle, surface, t))
        return eng_fault(w, in, lane, MU_ERROR_ILLEGAL_ADDRESS,
                         "%s object %" PRIu64 " does not exist (never created, or destroyed)",
                         what, handle);
    /* Its memory must still be allocated: cudaFree of an array or of a texture's linear memory
     * does not destroy the objects that read it. */
    eng_range *rc = &w->ranges[range];
    uint64_t lo = t->span_base, bytes = t->span_bytes;
    if (!(lo >= rc->lo && lo - rc->lo <= rc->hi - rc->lo && bytes <= rc->hi - lo)) {
        uint64_t base = 0, size = 0;
        if (!h->find_range(h->ctx, lo, &base, &size) || lo - base > size ||
            bytes > size - (lo - base))
            return eng_fault(w, in, lane, MU_ERROR_ILLEGAL_ADDRESS,
                             "the memory of %s object %" PRIu64 " at 0x%" PRIx64
                             " has been freed",
                             what, handle, lo);
        rc->lo = base;
        rc->hi = base + size;
    }
    return ENG_OK;
}

/* Lanes of m that name the same handle as lane l. */
static uint32_t same_handle(const uint64_t *H, uint32_t m, int l)
{
    uint32_t same = 0;
    for (uint32_t mm = m; mm; mm &= mm - 1)
        if (H[eng_ctz(mm)] == H[l])
            same |= eng_lanebit[eng_ctz(mm)];
    return same;
}

/* ---- tex and tld4 ---- */

/* mode: bits 0-2 geometry, bit 3 integer coordinates, bits 4-5 level-of-detail mode, bit 6
 * writes the residency predicate (in->d), bit 7 gather, bits 8-9 gather component.
 * in->a: handle; vslots in->x: results 0-3, coordinates x y z and layer 4-7; vslots in->c:
 * dPdx 0-2, lod 3, dPdy 4-6; vslots in->b: texel offsets 0-2; in->imm: range-cache entry. */
#define TM_GEOM(m) ((m) & 7u)
#define TM_INT 8u
#define TM_LOD(m) (((m) >> 4) & 3u)
#define TM_PRED 64u
#define TM_GATHER 128u
#define TM_COMP(m) (((m) >> 8) & 3u)
#define TM_SIMPLE2D 0x800u /* 2-D, float coordinates, no offsets, no level: eng_tex_fetch_2d */

static void lane_coord(eng_warp *w, const eng_insn *in, int l, struct eng_tex_coord *c)
{
    const eng_vslots *v = &w->blk->mod->vslots[in->x];
    const eng_vslots *x = &w->blk->mod->vslots[in->c];
    const eng_vslots *o = &w->blk->mod->vslots[in->b];
    c->geom = (uint8_t)TM_GEOM(in->mode);
    c->int_coords = (in->mode & TM_INT) != 0;
    c->lod_mode = (uint8_t)TM_LOD(in->mode);
    for (int d = 0; d < 3; d++) {
        c->f[d] = ENG_SLOT(const float, w, v->s[4 + d])[l];
        c->i[d] = ENG_SLOT(const int32_t, w, v->s[4 + d])[l];
        c->offset[d] = ENG_SLOT(const int32_t, w, o->s[d])[l];
        c->dpdx[d] = ENG_SLOT(const float, w, x->s[d])[l];
        c->dpdy[d] = ENG_SLOT(const float, w, x->s[4 + d])[l];
    }
    c->layer = ENG_SLOT(const uint32_t, w, v->s[7])[l];
    c->lod = c->int_coords ? (float)ENG_SLOT(const int32_t, w, x->s[3])[l]
                           : ENG_SLOT(const float, w, x->s[3])[l];
}

ENG_H(h_tex)
{
    const uint64_t *H = ENG_SLOT(const uint64_t, w, in->a);
    uint32_t r[4][ENG_LANES];
    memset(r, 0, sizeof r);
    for (uint32_t todo = m; todo;) {
        int first = eng_ctz(todo);
        uint32_t group = same_handle(H, todo, first);
        struct mu_texture t;
        if (eng_tex_resolve(w, in, first, H[first], 0, (uint32_t)in->imm, &t) != ENG_OK)
            return ENG_FAULT;
        struct eng_tex_plan plan;
        if ((in->mode & TM_SIMPLE2D) && eng_tex_plan_2d(&t, &plan)) {
            const eng_vslots *v = &w->blk->mod->vslots[in->x];
            const float *X = ENG_SLOT(const float, w, v->s[4]);
            const float *Y = ENG_SLOT(const float, w, v->s[5]);
            for (uint32_t g = group; g; g &= g - 1) {
                int l = eng_ctz(g);
                eng_tex_fetch_2d(&plan, X[l], Y[l], r, l);
            }
            todo &= ~group;
            continue;
        }
        for (uint32_t g = group; g; g &= g - 1) {
            int l = eng_ctz(g);
            struct eng_tex_coord c;
            eng_texel v;
            lane_coord(w, in, l, &c);
            if (in->mode & TM_GATHER)
                eng_tex_gather(&t, &c, TM_COMP(in->mode), &v);
            else
                eng_tex_sample(&t, &c, &v);
            for (int i = 0; i < 4; i++)
                r[i][l] = v.u[i];
        }
        todo &= ~group;
    }
    const eng_vslots *v = &w->blk->mod->vslots[in->x];
    for (int i = 0; i < 4; i++)
        eng_store32(w->regs + v->s[i], r[i], m);
    if (in->mode & TM_PRED) /* all memory is resident here */
        eng_set_pred(w, in->d, ENG_FULL, m);
    return ENG_OK;
}

static int geom_of(const ptx_insn *pi)
{
    static const struct {
        ptx_mod mod;
        int geom;
    } geoms[] = {{PTX_MOD_G1D, ENG_TG_1D},   {PTX_MOD_G2D, ENG_TG_2D},
                 {PTX_MOD_G3D, ENG_TG_3D},   {PTX_MOD_A1D, ENG_TG_A1D},
                 {PTX_MOD_A2D, ENG_TG_A2D},  {PTX_MOD_CUBE, ENG_TG_CUBE},
                 {PTX_MOD_ACUBE, ENG_TG_ACUBE}};
    for (size_t i = 0; i < sizeof geoms / sizeof geoms[0]; i++)
        if (eng_has(pi, geoms[i].mod))
            return geoms[i].geom;
    return -1; /* 2dms/a2dms and anything unknown */
}

static int is_array_geom(int geom)
{
    return geom == ENG_TG_A1D || geom == ENG_TG_A2D || geom == ENG_TG_ACUBE;
}

/* Coordinates each geometry reads (array index first for the array forms), and the most the
 * coordinate vector may have (3-D, cube and 2-D array coordinates are padded to four). */
static void coord_counts(int geom, unsigned *need, unsigned *most)
{
    static const unsigned n[] = {1, 2, 3, 2, 3, 3, 4}, max[] = {1, 2, 4, 2, 4, 4, 4};
    *need = n[geom];
    *most = max[geom];
}

/* A 32-bit register or immediate read as t into *slot; -1 when it cannot be. */
static int src32(eng_lower *L, const ptx_operand *o, ptx_type t, uint32_t *slot)
{
    unsigned width = eng_reg_width(L, o);
    if (o->kind == PTX_OPND_REG ? width != 4 : o->kind == PTX_OPND_SREG || o->kind == PTX_OPND_SYM)
        return -1;
    *slot = eng_src(L, o, t);
    return 0;
}

/* Up to n elements of a vector (or one scalar) into slots[0..n), the rest zero. */
static int src_vector(eng_lower *L, const ptx_operand *o, ptx_type t, unsigned n, uint32_t *slots)
{
    unsigned count = o->kind == PTX_OPND_VEC ? o->comp : 1;
    for (unsigned i = 0; i < n; i++) {
        slots[i] = ENG_F_ZERO;
        if (i < count && src32(L, o->kind == PTX_OPND_VEC ? eng_elem(L, o, i) : o, t, &slots[i]))
            return -1;
    }
    return 0;
}

/* The destination {d0, d1, d2, d3} or {..}|p of tex and tld4. */
static int lower_results(eng_lower *L, uint32_t *slots, uint32_t *pred, uint16_t *mode)
{
    const ptx_operand *d = eng_op(L, 0);
    if (d->kind == PTX_OPND_PAIR) {
        const ptx_operand *p = eng_elem(L, d, 1);
        if (eng_reg_width(L, p) != 1)
            return -1;
        *pred = eng_dst(L, p);
        *mode |= TM_PRED;
        d = eng_elem(L, d, 0);
    }
    if (d->kind != PTX_OPND_VEC || d->comp != 4)
        return -1;
    for (unsigned i = 0; i < 4; i++) {
        const ptx_operand *el = eng_elem(L, d, i);
        if (el->kind != PTX_OPND_SINK && eng_reg_width(L, el) != 4)
            return -1;
        slots[i] = eng_dst(L, el);
    }
    return 0;
}

static int lower_tex(eng_lower *L, const ptx_insn *pi, int gather)
{
    int geom = geom_of(pi);
    ptx_type dt = eng_type(pi, 0), ct = eng_type(pi, 1);
    if (geom < 0 || !eng_has(pi, PTX_MOD_V4) || pi->ntypes != 2 ||
        (dt != PTX_T_F32 && dt != PTX_T_S32 && dt != PTX_T_U32) ||
        (ct != PTX_T_F32 && ct != PTX_T_S32) || eng_has(pi, PTX_MOD_UNKNOWN))
        return eng_unsupported(L);
    uint16_t mode = (uint16_t)geom;
    if (ct == PTX_T_S32)
        mode |= TM_INT;
    int lod = eng_has(pi, PTX_MOD_LEVEL)  ? ENG_LOD_LEVEL
              : eng_has(pi, PTX_MOD_GRAD) ? ENG_LOD_GRAD
              : eng_has(pi, PTX_MOD_BASE) ? ENG_LOD_BASE
                                          : ENG_LOD_IMPLICIT;
    mode |= (uint16_t)(lod << 4);
    if (gather) {
        int comp = eng_has(pi, PTX_MOD_R)   ? 0
                   : eng_has(pi, PTX_MOD_G) ? 1
                   : eng_has(pi, PTX_MOD_B) ? 2
                   : eng_has(pi, PTX_MOD_A) ? 3
                                            : -1;
        if (comp < 0 || lod != ENG_LOD_IMPLICIT || geom == ENG_TG_1D || geom == ENG_TG_3D ||
            geom == ENG_TG_A1D)
            return eng_unsupported(L);
        mode |= (uint16_t)(TM_GATHER | comp << 8);
    }
    uint32_t res[8], pred = ENG_F_SCRATCH;
    if (lower_results(L, res, &pred, &mode))
        return eng_unsupported(L);
    /* [handle, coordinates]: a sampler operand between them is the independent mode */
    const ptx_operand *ad = eng_op(L, 1);
    if (ad->kind != PTX_OPND_LIST || !(ad->flags & PTX_OPND_F_BRACKET) || ad->comp != 2)
        return eng_unsupported(L);
    const ptx_operand *h = eng_elem(L, ad, 0), *cv = eng_elem(L, ad, 1);
    if (h->kind != PTX_OPND_REG || eng_reg_width(L, h) != 8)
        return eng_unsupported(L);
    unsigned need, most, count = cv->kind == PTX_OPND_VEC ? cv->comp : 1;
    coord_counts(geom, &need, &most);
    if (count < need || count > most)
        return eng_unsupported(L);
    /* res[4..6] = x y z, res[7] = array index */
    uint32_t coords[4];
    if (src_vector(L, cv, ct, 4, coords))
        return eng_unsupported(L);
    int arr = is_array_geom(geom);
    if (arr && cv->kind == PTX_OPND_VEC && src32(L, eng_elem(L, cv, 0), PTX_T_U32, &coords[0]))
        return eng_unsupported(L);
    for (unsigned d = 0; d < 3; d++)
        res[4 + d] = arr ? (d + 1 < 4 ? coords[d + 1] : ENG_F_ZERO) : coords[d];
    res[7] = arr ? coords[0] : ENG_F_ZERO;
    /* the level of detail, then an optional offset vector; a scalar is a depth compare */
    uint32_t extra[8] = {ENG_F_ZERO, ENG_F_ZERO, ENG_F_ZERO, ENG_F_ZERO,
                         ENG_F_ZERO, ENG_F_ZERO, ENG_F_ZERO, ENG_F_ZERO};
    uint32_t offs[3] = {ENG_F_ZERO, ENG_F_ZERO, ENG_F_ZERO};
    unsigned k = 2;
    if (lod == ENG_LOD_LEVEL && src32(L, eng_op(L, k++), ct, &extra[3]))
        return eng_unsupported(L);
    if (lod == ENG_LOD_GRAD) {
        if (k + 2 > pi->nopnds || src_vector(L, eng_op(L, k), PTX_T_F32, 3, &extra[0]) ||
            src_vector(L, eng_op(L, k + 1), PTX_T_F32, 3, &extra[4]))
            return eng_unsupported(L);
        k += 2;
    }
    if (k < pi->nopnds) {
        const ptx_operand *e = eng_op(L, k++);
        if (e->kind != PTX_OPND_VEC || src_vector(L, e, PTX_T_S32, 3, offs))
            return eng_unsupported(L);
    }
    if (k < pi->nopnds)
        return eng_unsupported(L); /* depth compare */
    if (geom == ENG_TG_2D && ct == PTX_T_F32 && !gather &&
        (lod == ENG_LOD_IMPLICIT || lod == ENG_LOD_BASE) && offs[0] == ENG_F_ZERO &&
        offs[1] == ENG_F_ZERO)
        mode |= TM_SIMPLE2D;
    uint32_t a = eng_src(L, h, PTX_T_U64);
    eng_insn *e = eng_emit(L, h_tex);
    e->a = a;
    e->d = pred;
    e->mode = mode;
    e->x = eng_vslots_add(L, res, 8);
    e->c = eng_vslots_add(L, extra, 8);
    e->b = eng_vslots_add(L, offs, 3);
    e->imm = (int64_t)eng_range_index(L);
    return 0;
}

/* ---- txq ---- */

/* mode: the query (ENG_TQ_*); mode2: 1 for txq.level (in->b: the level). */
ENG_H(h_txq)
{
    const uint64_t *H = ENG_SLOT(const uint64_t, w, in->a);
    const int32_t *LOD = ENG_SLOT(const int32_t, w, in->b);
    uint32_t r[ENG_LANES] = {0};
    for (uint32_t todo = m; todo;) {
        int first = eng_ctz(todo);
        uint32_t group = same_handle(H, todo, first);
        struct mu_texture t;
        if (eng_tex_resolve(w, in, first, H[first], 0, (uint32_t)in->imm, &t) != ENG_OK)
            return ENG_FAULT;
        for (uint32_t g = group; g; g &= g - 1) {
            int l = eng_ctz(g);
            uint32_t level = in->mode2 ? (uint32_t)LOD[l] : 0;
            r[l] = level < t.levels ? eng_tex_query(&t, in->mode, level) : 0;
        }
        todo &= ~group;
    }
    eng_store32(w->regs + in->d, r, m);
    return ENG_OK;
}

/* The handle operand [a] of txq and suq (tests and eng_op_surf.c share the shape). */
static int handle_operand(eng_lower *L, const ptx_operand *ad, uint32_t *slot)
{
    if (ad->kind != PTX_OPND_ADDR || ad->base_kind != PTX_OPND_REG || ad->imm != 0)
        return -1;
    ptx_operand reg = *ad;
    reg.kind = PTX_OPND_REG;
    if (eng_reg_width(L, &reg) != 8)
        return -1;
    *slot = eng_src(L, &reg, PTX_T_U64);
    return 0;
}

static int lower_txq(eng_lower *L, const ptx_insn *pi)
{
    int query = eng_tex_query_of(pi);
    const ptx_operand *d = eng_op(L, 0);
    int level = eng_has(pi, PTX_MOD_LEVEL);
    uint32_t a, lod = ENG_F_ZERO;
    if (query < 0 || eng_type(pi, 0) != PTX_T_B32 || eng_reg_width(L, d) != 4 ||
        handle_operand(L, eng_op(L, 1), &a) || pi->nopnds != (level ? 3 : 2) ||
        (level && src32(L, eng_op(L, 2), PTX_T_S32, &lod)))
        return eng_unsupported(L);
    uint32_t ds = eng_dst(L, d);
    eng_insn *e = eng_emit(L, h_txq);
    e->a = a;
    e->b = lod;
    e->d = ds;
    e->mode = (uint16_t)query;
    e->mode2 = (uint16_t)level;
    e->imm = (int64_t)eng_range_index(L);
    return 0;
}

/* ---- istypep ---- */

/* mode: 1 asks about surfaces (.surfref), 0 about textures (.texref, .samplerref: a texture
 * object is its own sampler). */
ENG_H(h_istypep)
{
    const uint64_t *H = ENG_SLOT(const uint64_t, w, in->a);
    const struct engine_host *h = host_of(w);
    uint32_t p = 0;
    for (uint32_t mm = m; mm; mm &= mm - 1) {
        int l = eng_ctz(mm);
        struct mu_texture t;
        if (h->resolve_texture != NULL && h->resolve_texture(h->ctx, H[l], in->mode, &t))
            p |= eng_lanebit[l];
    }
    eng_set_pred(w, in->d, p, m);
    return ENG_OK;
}

static int lower_istypep(eng_lower *L, const ptx_insn *pi)
{
    ptx_type t = eng_type(pi, 0);
    const ptx_operand *d = eng_op(L, 0), *a = eng_op(L, 1);
    if ((t != PTX_T_TEXREF && t != PTX_T_SAMPLERREF && t != PTX_T_SURFREF) ||
        eng_reg_width(L, d) != 1 || a->kind != PTX_OPND_REG || eng_reg_width(L, a) != 8)
        return eng_unsupported(L);
    uint32_t ds = eng_dst(L, d), as = eng_src(L, a, PTX_T_U64);
    eng_insn *e = eng_emit(L, h_istypep);
    e->d = ds;
    e->a = as;
    e->mode = t == PTX_T_SURFREF;
    return 0;
}

int eng_lower_tex(eng_lower *L, const ptx_insn *pi)
{
    switch (pi->op) {
    case PTX_OP_TEX:
        return lower_tex(L, pi, 0);
    case PTX_OP_TLD4:
        return lower_tex(L, pi, 1);
    case PTX_OP_TXQ:
        return lower_txq(L, pi);
    case PTX_OP_ISTYPEP:
        return lower_istypep(L, pi);
    default:
        return eng_lower_surf(L, pi);
    }
}
