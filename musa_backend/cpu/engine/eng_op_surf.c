/*
 * eng_op_surf.c - surface instructions: suld.b, sust.b, sust.p, sured.b, sured.p and suq, over
 * 1d, 2d, 3d, a1d and a2d surfaces, with the .trap, .clamp and .zero out-of-bounds modes.
 *
 * Owns: surface addressing.  In the unformatted (.b) forms the x coordinate is a byte offset
 * into the row and the access is as wide as the data operand; in the formatted (.p) forms x
 * counts elements and the data is converted to the surface's format (eng_tex_encode).  An
 * access that does not lie wholly inside the surface (or a layer index past the last layer)
 * faults the kernel with MU_ERROR_ILLEGAL_ADDRESS under .trap (the default), is moved to the
 * nearest position inside under .clamp, and reads zero or writes nothing under .zero; an x
 * that is not a multiple of the access size faults with MU_ERROR_MISALIGNED_ADDRESS.  The
 * process never touches memory outside the surface.
 */
#include <inttypes.h>

#include "eng_ops.h"
#include "eng_tex.h"

/* mode: bits 0-2 geometry (enum eng_tex_geom), bits 3-4 out-of-bounds mode, bit 5 formatted
 * (.p), bits 6-8 element count of the data vector; mode2: bits 0-3 bytes per data element,
 * bits 4-7 register width, bits 8-10 reduction, bit 11 signed reduction.
 * in->a: handle; vslots in->x: data 0-3, coordinates x y z 4-6, layer 7; in->imm: range entry. */
enum { OOB_TRAP, OOB_CLAMP, OOB_ZERO };
enum { RED_ADD, RED_MIN, RED_MAX, RED_AND, RED_OR };
#define SM_GEOM(m) ((m) & 7u)
#define SM_OOB(m) (((m) >> 3) & 3u)
#define SM_FORMATTED 32u
#define SM_COUNT(m) (((m) >> 6) & 7u)
#define S2_ES(m) ((m) & 15u)
#define S2_RW(m) (((m) >> 4) & 15u)
#define S2_RED(m) (((m) >> 8) & 7u)
#define S2_SIGNED 0x800u

static const char *const geom_names[] = {"1d", "2d", "3d", "a1d", "a2d", "cube", "acube"};

/* Where lane l's access of `access` bytes goes: ENG_OK and *p, 1 when .zero drops it, or
 * ENG_FAULT. */
static int locate(eng_warp *w, const eng_insn *in, const struct mu_texture *t, uint64_t handle,
                  int l, unsigned access, uint8_t **p)
{
    const eng_vslots *v = &w->blk->mod->vslots[in->x];
    const struct mu_level *lv = &t->level[0];
    unsigned geom = SM_GEOM(in->mode), es = mu_format_bytes(&t->format);
    int arr = geom == ENG_TG_A1D || geom == ENG_TG_A2D;
    int64_t x = ENG_SLOT(const int32_t, w, v->s[4])[l];
    int64_t y = geom == ENG_TG_1D || geom == ENG_TG_A1D ? 0 : ENG_SLOT(const int32_t, w, v->s[5])[l];
    int64_t z = geom == ENG_TG_3D ? ENG_SLOT(const int32_t, w, v->s[6])[l] : 0;
    int64_t layer = arr ? (int64_t)ENG_SLOT(const uint32_t, w, v->s[7])[l] : 0;
    if (in->mode & SM_FORMATTED)
        x *= es; /* formatted accesses count elements */
    int64_t row = (int64_t)lv->width * es, rows = lv->height;
    int64_t slices = geom == ENG_TG_3D ? lv->depth : 1, layers = arr ? lv->depth : 1;
    if (x % access != 0)
        return eng_fault(w, in, l, MU_ERROR_MISALIGNED_ADDRESS,
                         "misaligned surface access: x = %" PRId64 " bytes is not a multiple of "
                         "the %u-byte access (surface %" PRIu64 ")",
                         x, access, handle);
    int inside = x >= 0 && x + access <= row && y >= 0 && y < rows && z >= 0 && z < slices &&
                 layer < layers;
    if (!inside) {
        switch (SM_OOB(in->mode)) {
        case OOB_ZERO:
            return 1;
        case OOB_CLAMP: {
            int64_t last = row >= access ? (row - access) / access * access : 0;
            x = x < 0 ? 0 : x > last ? last : x;
            y = y < 0 ? 0 : y >= rows ? rows - 1 : y;
            z = z < 0 ? 0 : z >= slices ? slices - 1 : z;
            layer = layer >= layers ? layers - 1 : layer;
            if (row < access)
                return 1; /* not even one access fits a row: nothing to clamp to */
            break;
        }
        default:
            return eng_fault(w, in, l, MU_ERROR_ILLEGAL_ADDRESS,
                             "surface access out of bounds (.trap): %s x = %" PRId64
                             " bytes, y = %" PRId64 ", z = %" PRId64 ", layer = %" PRId64
                             " on surface %" PRIu64 " of %u x %u x %u elements of %u bytes",
                             geom_names[geom], x, y, z, layer, handle, lv->width, lv->height,
                             lv->depth, es);
        }
    }
    uint64_t slice = (uint64_t)(geom == ENG_TG_3D ? z : layer);
    *p = (uint8_t *)(uintptr_t)(lv->base + slice * lv->slice + (uint64_t)y * lv->pitch +
                                (uint64_t)x);
    return ENG_OK;
}

static uint64_t read_slot(eng_warp *w, uint32_t slot, unsigned width, int l)
{
    switch (width) {
    case 2:
        return ENG_SLOT(const uint16_t, w, slot)[l];
    case 4:
        return ENG_SLOT(const uint32_t, w, slot)[l];
    default:
        return ENG_SLOT(const uint64_t, w, slot)[l];
    }
}

/* ---- suld and sust ---- */

static int surface_access(eng_warp *w, const eng_insn *in, uint32_t m, int store)
{
    const uint64_t *H = ENG_SLOT(const uint64_t, w, in->a);
    const eng_vslots *v = &w->blk->mod->vslots[in->x];
    unsigned n = SM_COUNT(in->mode), es = S2_ES(in->mode2), rw = S2_RW(in->mode2);
    uint64_t vals[4][ENG_LANES];
    memset(vals, 0, sizeof vals);
    for (uint32_t todo = m; todo;) {
        int first = eng_ctz(todo);
        uint32_t group = 0;
        for (uint32_t mm = todo; mm; mm &= mm - 1)
            if (H[eng_ctz(mm)] == H[first])
                group |= eng_lanebit[eng_ctz(mm)];
        struct mu_texture t;
        if (eng_tex_resolve(w, in, first, H[first], 1, (uint32_t)in->imm, &t) != ENG_OK)
            return ENG_FAULT;
        int formatted = (in->mode & SM_FORMATTED) != 0;
        unsigned access = formatted ? mu_format_bytes(&t.format) : n * es;
        for (uint32_t g = group; g; g &= g - 1) {
            int l = eng_ctz(g);
            uint8_t *p;
            int r = locate(w, in, &t, H[first], l, access, &p);
            if (r == ENG_FAULT)
                return ENG_FAULT;
            if (r != ENG_OK)
                continue; /* .zero: loads read zero, stores are dropped */
            if (formatted) { /* sust.p: 32-bit values converted to the element format */
                eng_texel tx = {{0}};
                for (unsigned i = 0; i < n; i++)
                    tx.u[i] = (uint32_t)read_slot(w, v->s[i], 4, l);
                eng_tex_encode(&t.format, &tx, p);
                continue;
            }
            for (unsigned i = 0; i < n; i++) {
                if (store) {
                    uint64_t x = read_slot(w, v->s[i], rw, l);
                    memcpy(p + i * es, &x, es); /* little-endian: the low bytes */
                } else {
                    uint64_t x = 0;
                    memcpy(&x, p + i * es, es);
                    vals[i][l] = x;
                }
            }
        }
        todo &= ~group;
    }
    if (store)
        return ENG_OK;
    for (unsigned i = 0; i < n; i++) {
        uint8_t packed[8 * ENG_LANES];
        for (int l = 0; l < ENG_LANES; l++)
            memcpy(packed + (size_t)l * rw, &vals[i][l], rw);
        eng_store_w(w->regs + v->s[i], packed, m, rw);
    }
    return ENG_OK;
}

ENG_H(h_suld)
{
    return surface_access(w, in, m, 0);
}

ENG_H(h_sust)
{
    return surface_access(w, in, m, 1);
}

/* ---- sured ---- */

/* One compare-and-swap loop per width: sured's operations on a surface element. */
#define DEF_REDUCE(bits)                                                                          \
    static void reduce##bits(uint##bits##_t *p, uint##bits##_t v, unsigned op, int sgn)           \
    {                                                                                             \
        uint##bits##_t old = __atomic_load_n(p, __ATOMIC_RELAXED), want;                          \
        do {                                                                                      \
            switch (op) {                                                                         \
            case RED_ADD: want = old + v; break;                                                  \
            case RED_MIN:                                                                         \
                want = sgn ? ((int##bits##_t)v < (int##bits##_t)old ? v : old) : (v < old ? v : old); \
                break;                                                                            \
            case RED_MAX:                                                                         \
                want = sgn ? ((int##bits##_t)v > (int##bits##_t)old ? v : old) : (v > old ? v : old); \
                break;                                                                            \
            case RED_AND: want = old & v; break;                                                  \
            default: want = old | v; break;                                                       \
            }                                                                                     \
        } while (!__atomic_compare_exchange_n(p, &old, want, 1, __ATOMIC_RELAXED, __ATOMIC_RELAXED)); \
    }
DEF_REDUCE(32)
DEF_REDUCE(64)

ENG_H(h_sured)
{
    const uint64_t *H = ENG_SLOT(const uint64_t, w, in->a);
    const eng_vslots *v = &w->blk->mod->vslots[in->x];
    unsigned es = S2_ES(in->mode2), op = S2_RED(in->mode2);
    for (uint32_t mm = m; mm; mm &= mm - 1) {
        int l = eng_ctz(mm);
        struct mu_texture t;
        if (eng_tex_resolve(w, in, l, H[l], 1, (uint32_t)in->imm, &t) != ENG_OK)
            return ENG_FAULT;
        int sgn = (in->mode2 & S2_SIGNED) != 0;
        if (in->mode & SM_FORMATTED) /* sured.p: the format says signed or not */
            sgn = t.format.kind == MU_FORMAT_SIGNED;
        uint8_t *p;
        int r = locate(w, in, &t, H[l], l, es, &p);
        if (r == ENG_FAULT)
            return ENG_FAULT;
        if (r != ENG_OK)
            continue;
        uint64_t x = read_slot(w, v->s[0], es, l);
        if (es == 4)
            reduce32((uint32_t *)(void *)p, (uint32_t)x, op, sgn);
        else
            reduce64((uint64_t *)(void *)p, x, op, sgn);
    }
    return ENG_OK;
}

/* ---- suq ---- */

ENG_H(h_suq)
{
    const uint64_t *H = ENG_SLOT(const uint64_t, w, in->a);
    uint32_t r[ENG_LANES] = {0};
    for (uint32_t mm = m; mm; mm &= mm - 1) {
        int l = eng_ctz(mm);
        struct mu_texture t;
        if (eng_tex_resolve(w, in, l, H[l], 1, (uint32_t)in->imm, &t) != ENG_OK)
            return ENG_FAULT;
        r[l] = in->mode == ENG_TQ_ARRAY_SIZE && !t.layered ? 0 : eng_tex_query(&t, in->mode, 0);
    }
    eng_store32(w->regs + in->d, r, m);
    return ENG_OK;
}

/* ---- lowering ---- */

static int surface_geom(const ptx_insn *pi)
{
    if (eng_has(pi, PTX_MOD_G1D))
        return ENG_TG_1D;
    if (eng_has(pi, PTX_MOD_G2D))
        return ENG_TG_2D;
    if (eng_has(pi, PTX_MOD_G3D))
        return ENG_TG_3D;
    if (eng_has(pi, PTX_MOD_A1D))
        return ENG_TG_A1D;
    if (eng_has(pi, PTX_MOD_A2D))
        return ENG_TG_A2D;
    return -1;
}

static int oob_mode(const ptx_insn *pi)
{
    return eng_has(pi, PTX_MOD_CLAMP) ? OOB_CLAMP : eng_has(pi, PTX_MOD_ZERO) ? OOB_ZERO : OOB_TRAP;
}

/* [handle, coordinates] into *handle and slots[4..7] (x y z, layer). */
static int lower_target(eng_lower *L, const ptx_operand *ad, int geom, uint32_t *handle,
                        uint32_t *slots)
{
    if (ad->kind != PTX_OPND_LIST || !(ad->flags & PTX_OPND_F_BRACKET) || ad->comp != 2)
        return -1;
    const ptx_operand *h = eng_elem(L, ad, 0), *cv = eng_elem(L, ad, 1);
    if (h->kind != PTX_OPND_REG || eng_reg_width(L, h) != 8)
        return -1;
    static const unsigned need[] = {1, 2, 3, 2, 3}, most[] = {1, 2, 4, 2, 4};
    unsigned count = cv->kind == PTX_OPND_VEC ? cv->comp : 1;
    if (count < need[geom] || count > most[geom])
        return -1;
    uint32_t c[4] = {ENG_F_ZERO, ENG_F_ZERO, ENG_F_ZERO, ENG_F_ZERO};
    for (unsigned i = 0; i < count; i++) {
        const ptx_operand *el = cv->kind == PTX_OPND_VEC ? eng_elem(L, cv, i) : cv;
        if ((el->kind == PTX_OPND_REG && eng_reg_width(L, el) != 4) ||
            (el->kind != PTX_OPND_REG && el->kind != PTX_OPND_IMM))
            return -1;
        c[i] = eng_src(L, el, PTX_T_S32);
    }
    if (geom == ENG_TG_A1D || geom == ENG_TG_A2D) { /* {layer, x[, y, unused]} */
        slots[4] = c[1];
        slots[5] = geom == ENG_TG_A2D ? c[2] : ENG_F_ZERO;
        slots[6] = ENG_F_ZERO;
        slots[7] = c[0];
    } else {
        slots[4] = c[0];
        slots[5] = c[1];
        slots[6] = c[2];
        slots[7] = ENG_F_ZERO;
    }
    *handle = eng_src(L, h, PTX_T_U64);
    return 0;
}

/* The data operand: n elements (a vector, or one value) of registers at least es wide (a
 * store may also name immediates); their common register width in *rw. */
static int lower_data(eng_lower *L, const ptx_operand *o, unsigned n, unsigned es, int store,
                      uint32_t *slots, unsigned *rw)
{
    unsigned count = o->kind == PTX_OPND_VEC ? o->comp : 1;
    unsigned want = es < 2 ? 2 : es;
    ptx_type as = es <= 2 ? PTX_T_B16 : es == 4 ? PTX_T_B32 : PTX_T_B64;
    if (count != n)
        return -1;
    *rw = 0;
    for (unsigned i = 0; i < n; i++) {
        const ptx_operand *el = o->kind == PTX_OPND_VEC ? eng_elem(L, o, i) : o;
        unsigned width = want;
        if (el->kind == PTX_OPND_REG) {
            width = eng_reg_width(L, el);
            if (width < want || width == 1)
                return -1;
        } else if (!(store ? el->kind == PTX_OPND_IMM : el->kind == PTX_OPND_SINK)) {
            return -1;
        }
        if (*rw != 0 && width != *rw)
            return -1;
        *rw = width;
        slots[i] = store ? eng_src(L, el, as) : eng_dst(L, el);
    }
    return 0;
}

static int lower_access(eng_lower *L, const ptx_insn *pi, int store)
{
    int geom = surface_geom(pi), formatted = eng_has(pi, PTX_MOD_P);
    ptx_type t = eng_type(pi, 0);
    unsigned es = ptx_type_bytes(t);
    unsigned n = eng_has(pi, PTX_MOD_V4) ? 4 : eng_has(pi, PTX_MOD_V2) ? 2 : 1;
    if (geom < 0 || pi->ntypes != 1 || ptx_type_cls(t) != PTX_TC_B || es == 0 || es > 8 ||
        eng_has(pi, PTX_MOD_UNKNOWN) || (!formatted && !eng_has(pi, PTX_MOD_B)) ||
        (formatted && (!store || es != 4)))
        return eng_unsupported(L);
    uint32_t slots[8], handle;
    unsigned rw;
    if (lower_target(L, eng_op(L, store ? 0 : 1), geom, &handle, slots) ||
        lower_data(L, eng_op(L, store ? 1 : 0), n, es, store, slots, &rw))
        return eng_unsupported(L);
    eng_insn *e = eng_emit(L, store ? h_sust : h_suld);
    e->a = handle;
    e->mode = (uint16_t)(geom | oob_mode(pi) << 3 | (formatted ? SM_FORMATTED : 0) | n << 6);
    e->mode2 = (uint16_t)(es | rw << 4);
    e->x = eng_vslots_add(L, slots, 8);
    e->imm = (int64_t)eng_range_index(L);
    return 0;
}

static int lower_sured(eng_lower *L, const ptx_insn *pi)
{
    int geom = surface_geom(pi), formatted = eng_has(pi, PTX_MOD_P);
    ptx_type t = eng_type(pi, 0);
    unsigned es = ptx_type_bytes(t);
    int op = eng_has(pi, PTX_MOD_ADD)   ? RED_ADD
             : eng_has(pi, PTX_MOD_MIN) ? RED_MIN
             : eng_has(pi, PTX_MOD_MAX) ? RED_MAX
             : eng_has(pi, PTX_MOD_AND) ? RED_AND
             : eng_has(pi, PTX_MOD_OR)  ? RED_OR
                                        : -1;
    if (geom < 0 || geom > ENG_TG_3D || op < 0 || pi->ntypes != 1 || (es != 4 && es != 8) ||
        (!formatted && !eng_has(pi, PTX_MOD_B)) || eng_has(pi, PTX_MOD_UNKNOWN))
        return eng_unsupported(L);
    uint32_t slots[8], handle;
    unsigned rw;
    const ptx_operand *c = eng_op(L, 1);
    if (c->kind != PTX_OPND_REG && c->kind != PTX_OPND_IMM)
        return eng_unsupported(L);
    if (lower_target(L, eng_op(L, 0), geom, &handle, slots) ||
        lower_data(L, c, 1, es, 1, slots, &rw) || rw != es)
        return eng_unsupported(L);
    eng_insn *e = eng_emit(L, h_sured);
    e->a = handle;
    e->mode = (uint16_t)(geom | oob_mode(pi) << 3 | (formatted ? SM_FORMATTED : 0) | 1u << 6);
    e->mode2 = (uint16_t)(es | rw << 4 | (unsigned)op << 8 |
                          (ptx_type_cls(t) == PTX_TC_S ? S2_SIGNED : 0));
    e->x = eng_vslots_add(L, slots, 8);
    e->imm = (int64_t)eng_range_index(L);
    return 0;
}

static int lower_suq(eng_lower *L, const ptx_insn *pi)
{
    int query = eng_tex_query_of(pi);
    const ptx_operand *d = eng_op(L, 0), *ad = eng_op(L, 1);
    if (query < 0 || eng_type(pi, 0) != PTX_T_B32 || eng_reg_width(L, d) != 4 ||
        ad->kind != PTX_OPND_ADDR || ad->base_kind != PTX_OPND_REG || ad->imm != 0)
        return eng_unsupported(L);
    ptx_operand reg = *ad;
    reg.kind = PTX_OPND_REG;
    if (eng_reg_width(L, &reg) != 8)
        return eng_unsupported(L);
    uint32_t a = eng_src(L, &reg, PTX_T_U64), ds = eng_dst(L, d);
    eng_insn *e = eng_emit(L, h_suq);
    e->a = a;
    e->d = ds;
    e->mode = (uint16_t)query;
    e->imm = (int64_t)eng_range_index(L);
    return 0;
}

int eng_lower_surf(eng_lower *L, const ptx_insn *pi)
{
    switch (pi->op) {
    case PTX_OP_SULD:
        return lower_access(L, pi, 0);
    case PTX_OP_SUST:
        return lower_access(L, pi, 1);
    case PTX_OP_SURED:
        return lower_sured(L, pi);
    case PTX_OP_SUQ:
        return lower_suq(L, pi);
    default:
        return eng_unsupported(L);
    }
}
