/*
 * eng_fp.h - floating-point helpers shared by the float, half, compare and conversion files.
 *
 * Owns: how the engine reproduces GPU floating-point behaviour on the host: canonical NaNs
 * (an f32 operation whose result is NaN gives 0x7fffffff on NVIDIA GPUs, not the host's
 * 0xffc00000), flush-to-zero of subnormals (.ftz), directed rounding (.rz/.rm/.rp) through the
 * host's rounding mode for the span of one handler, and bit-exact f16/bf16 conversions.
 */
#ifndef CUSHIM_ENG_FP_H
#define CUSHIM_ENG_FP_H

#include <fenv.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#define ENG_NAN32 0x7fffffffu
#define ENG_NAN64 0x7fffffffffffffffull

static inline uint32_t eng_f2u(float f)
{
    uint32_t u;
    memcpy(&u, &f, 4);
    return u;
}
static inline float eng_u2f(uint32_t u)
{
    float f;
    memcpy(&f, &u, 4);
    return f;
}
static inline uint64_t eng_d2u(double d)
{
    uint64_t u;
    memcpy(&u, &d, 8);
    return u;
}
static inline double eng_u2d(uint64_t u)
{
    double d;
    memcpy(&d, &u, 8);
    return d;
}

/* NaN results become the GPU's canonical NaN. */
static inline float eng_canon32(float x)
{
    return x != x ? eng_u2f(ENG_NAN32) : x;
}
static inline double eng_canon64(double x)
{
    return x != x ? eng_u2d(ENG_NAN64) : x;
}

/* .ftz: subnormal inputs and results become zero of the same sign. */
static inline float eng_ftz32(float x)
{
    uint32_t u = eng_f2u(x);
    return (u & 0x7f800000u) == 0 ? eng_u2f(u & 0x80000000u) : x;
}

/* Rounding mode for the span of one handler: ENG_RND_* to the C mode. */
static inline int eng_fe_mode(int rnd)
{
    switch (rnd) {
    case 2:
        return FE_TOWARDZERO;
    case 3:
        return FE_DOWNWARD;
    case 4:
        return FE_UPWARD;
    default:
        return FE_TONEAREST;
    }
}

/* --- IEEE half and bfloat16 --- */

/* float -> half bits with rounding (ENG_RND_*: 1 rn, 2 rz, 3 rm, 4 rp); NaN -> 0x7fff. */
static inline uint16_t eng_f32_to_f16(float f, int rnd)
{
    uint32_t u = eng_f2u(f);
    uint32_t sign = (u >> 16) & 0x8000u;
    uint32_t exp = (u >> 23) & 0xff, man = u & 0x7fffffu;
    if (exp == 0xff)
        return man ? 0x7fffu : (uint16_t)(sign | 0x7c00u);
    if (exp == 0 && man == 0)
        return (uint16_t)sign;
    /* |f| = full * 2^(exp-150); keep the bits at or above the half's unit in the last place:
     * 2^(E-10) for normal halves (E = exp-127 >= -14), 2^-24 below */
    uint32_t full = exp ? (man | 0x800000u) : man;
    int32_t E = exp ? (int32_t)exp - 127 : -127;
    int shift = E >= -14 ? 13 : (exp ? 126 - (int)exp : 126);
    uint32_t q, rem_nonzero, above_half, at_half;
    if (shift >= 32) {
        q = 0;
        rem_nonzero = full != 0;
        above_half = 0; /* full < 2^24 <= 2^(shift-1) */
        at_half = 0;
    } else {
        q = full >> shift;
        uint32_t rem = full & ((1u << shift) - 1), halfway = 1u << (shift - 1);
        rem_nonzero = rem != 0;
        above_half = rem > halfway;
        at_half = rem == halfway;
    }
    uint32_t up;
    switch (rnd) {
    case 2:
        up = 0;
        break;
    case 3:
        up = sign && rem_nonzero;
        break;
    case 4:
        up = !sign && rem_nonzero;
        break;
    default:
        up = above_half || (at_half && (q & 1));
        break;
    }
    q += up;
    uint32_t h = E >= -14 ? ((uint32_t)(E + 14) << 10) + q : q;
    if (h >= 0x7c00u)
        h = (rnd == 2 || (rnd == 3 && !sign) || (rnd == 4 && sign)) ? 0x7bffu : 0x7c00u;
    return (uint16_t)(sign | h);
}

static inline float eng_f16_to_f32(uint16_t h)
{
    uint32_t sign = (uint32_t)(h & 0x8000u) << 16;
    uint32_t exp = (h >> 10) & 0x1f, man = h & 0x3ffu;
    uint32_t u;
    if (exp == 0x1f) {
        u = sign | 0x7f800000u | (man << 13);
        if (man)
            u |= 0x400000u;
    } else if (exp == 0) {
        if (!man) {
            u = sign;
        } else {
            /* subnormal: normalise */
            int e = -1;
            do {
                man <<= 1;
                e++;
            } while (!(man & 0x400u));
            u = sign | ((uint32_t)(127 - 15 - e) << 23) | ((man & 0x3ffu) << 13);
        }
    } else {
        u = sign | ((exp + 127 - 15) << 23) | (man << 13);
    }
    return eng_u2f(u);
}

/* float -> bfloat16 bits; NaN -> 0x7fff */
static inline uint16_t eng_f32_to_bf16(float f, int rnd)
{
    uint32_t u = eng_f2u(f);
    if ((u & 0x7fffffffu) > 0x7f800000u)
        return 0x7fffu;
    uint32_t sign = u >> 31, rem = u & 0xffffu, q = u >> 16;
    int up;
    switch (rnd) {
    case 2:
        up = 0;
        break;
    case 3:
        up = sign && rem;
        break;
    case 4:
        up = !sign && rem;
        break;
    default:
        up = rem > 0x8000u || (rem == 0x8000u && (q & 1));
        break;
    }
    uint32_t r = q + (uint32_t)up;
    if ((r & 0x7fffu) == 0x7f80u && (q & 0x7fffu) != 0x7f80u &&
        (rnd == 2 || (rnd == 3 && !sign) || (rnd == 4 && sign)))
        r--; /* directed rounding never rounds a finite value away to infinity */
    return (uint16_t)r;
}

static inline float eng_bf16_to_f32(uint16_t h)
{
    return eng_u2f((uint32_t)h << 16);
}

#endif
