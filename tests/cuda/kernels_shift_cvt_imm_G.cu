// nvcc-flags: -G
// kernels_shift_cvt_imm.cu built for device debugging: the shifts and conversions stay as
// written (nothing folded), and every address goes through cvta.shared/.local and generic loads.
#define TEST_NAME "kernels_shift_cvt_imm_G"
#include "kernels_shift_cvt_imm.cu"
