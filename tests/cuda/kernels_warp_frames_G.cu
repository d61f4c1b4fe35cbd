// nvcc-flags: -G
// kernels_warp_frames.cu built for device debugging: every __device__ function, warp collective
// and cooperative-groups sync is a real call, so lanes that diverge before one meet inside it.
#define TEST_NAME "kernels_warp_frames_G"
#include "kernels_warp_frames.cu"
