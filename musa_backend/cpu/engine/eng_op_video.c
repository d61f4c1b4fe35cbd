/*
 * eng_op_video.c - SIMD video instructions on packed bytes and halves: vabsdiff4 vadd4 vsub4
 * vmin4 vmax4 and the 2-way forms, with .sat and the .add reduction (what __vabsdiffu4,
 * __vadd4, __vmaxs2 and friends compile to).
 *
 * Owns: per-element semantics (operands sign- or zero-extended by their type, saturation to
 * the destination element range, .add summing the elements into c, otherwise the elements
 * replace c's).  The scalar video forms with byte selectors (vadd, vshl, vmad, ...) are not
 * emitted by CUDA's intrinsics and stay unsupported.
 */
#include "eng_ops.h"

enum { V_ABSDIFF, V_ADD, V_SUB, V_MIN, V_MAX };

/* mode: op | elem bytes << 4 | a signed << 8 | b signed << 9 | d signed << 10 | sat << 11 |
 * add << 12 */
ENG_H(h_video)
{
    const uint32_t *A = ENG_SLOT(const uint32_t, w, in->a), *B = ENG_SLOT(const uint32_t, w, in->b);
    const uint32_t *C = ENG_SLOT(const uint32_t, w, in->c);
    unsigned op = in->mode & 15, eb = (in->mode >> 4) & 15, n = 4 / eb, bits = 8 * eb;
    int sa = (in->mode >> 8) & 1, sb = (in->mode >> 9) & 1, sd = (in->mode >> 10) & 1;
    int sat = (in->mode >> 11) & 1, add = (in->mode >> 12) & 1;
    uint32_t emask = eb == 1 ? 0xffu : 0xffffu;
    int64_t lo = sd ? -(1ll << (bits - 1)) : 0, hi = sd ? (1ll << (bits - 1)) - 1 : (1ll << bits) - 1;
    uint32_t r[ENG_LANES];
    for (int l = 0; l < ENG_LANES; l++) {
        int64_t sum = 0;
        uint32_t packed = 0;
        for (unsigned i = 0; i < n; i++) {
            uint32_t ua = (A[l] >> (bits * i)) & emask, ub = (B[l] >> (bits * i)) & emask;
            int64_t x = sa && (ua >> (bits - 1)) ? (int64_t)ua - (1ll << bits) : (int64_t)ua;
            int64_t y = sb && (ub >> (bits - 1)) ? (int64_t)ub - (1ll << bits) : (int64_t)ub;
            int64_t v;
            switch (op) {
            case V_ABSDIFF: v = x > y ? x - y : y - x; break;
            case V_ADD: v = x + y; break;
            case V_SUB: v = x - y; break;
            case V_MIN: v = x < y ? x : y; break;
            default: v = x > y ? x : y; break;
            }
            if (sat)
                v = v < lo ? lo : v > hi ? hi : v;
            sum += v;
            packed |= ((uint32_t)v & emask) << (bits * i);
        }
        r[l] = add ? (uint32_t)((uint64_t)sum + C[l]) : packed;
    }
    eng_store32(w->regs + in->d, r, m);
    return ENG_OK;
}

int eng_lower_video(eng_lower *L, const ptx_insn *pi)
{
    unsigned op, eb;
    switch (pi->op) {
    case PTX_OP_VABSDIFF4: op = V_ABSDIFF; eb = 1; break;
    case PTX_OP_VADD4: op = V_ADD; eb = 1; break;
    case PTX_OP_VSUB4: op = V_SUB; eb = 1; break;
    case PTX_OP_VMIN4: op = V_MIN; eb = 1; break;
    case PTX_OP_VMAX4: op = V_MAX; eb = 1; break;
    case PTX_OP_VABSDIFF2: op = V_ABSDIFF; eb = 2; break;
    case PTX_OP_VADD2: op = V_ADD; eb = 2; break;
    case PTX_OP_VSUB2: op = V_SUB; eb = 2; break;
    case PTX_OP_VMIN2: op = V_MIN; eb = 2; break;
    case PTX_OP_VMAX2: op = V_MAX; eb = 2; break;
    default: return eng_unsupported(L);
    }
    ptx_type dt = eng_type(pi, 0), at = eng_type(pi, 1), bt = eng_type(pi, 2);
    if (pi->ntypes != 3 || pi->nopnds != 4)
        return eng_unsupported(L);
    for (unsigned i = 0; i < 3; i++) {
        ptx_type t = eng_type(pi, i);
        if (t != PTX_T_U32 && t != PTX_T_S32)
            return eng_unsupported(L);
    }
    for (unsigned i = 0; i < 4; i++)
        if (!eng_width_ok(L, eng_op(L, i), PTX_T_U32) || eng_op(L, i)->kind == PTX_OPND_VEC)
            return eng_unsupported(L);
    unsigned mode = op | eb << 4 | (at == PTX_T_S32) << 8 | (bt == PTX_T_S32) << 9 | (dt == PTX_T_S32) << 10 |
                    (unsigned)eng_has(pi, PTX_MOD_SAT) << 11 | (unsigned)eng_has(pi, PTX_MOD_ADD) << 12;
    if (eng_has(pi, PTX_MOD_MIN) || eng_has(pi, PTX_MOD_MAX))
        return eng_unsupported(L); /* secondary min/max merges: not emitted by CUDA */
    if (eng_lower_dabc(L, h_video, PTX_T_U32, PTX_T_U32))
        return -1;
    eng_last(L)->mode = (uint16_t)mode;
    return 0;
}
