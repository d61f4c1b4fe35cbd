/*
 * eng_op_half.c - f16, f16x2, bf16 and bf16x2 arithmetic, comparisons and selects.
 */
#include "eng_fp.h"
#include "eng_ops.h"

int eng_lower_half(eng_lower *L, const ptx_insn *pi)
{
    (void)pi;
    return eng_unsupported(L);
}
