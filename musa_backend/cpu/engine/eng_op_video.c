/*
 * eng_op_video.c - SIMD video instructions (vabsdiff4 and friends).
 */
#include "eng_ops.h"

int eng_lower_video(eng_lower *L, const ptx_insn *pi)
{
    (void)pi;
    return eng_unsupported(L);
}
