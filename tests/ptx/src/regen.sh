#!/bin/sh
# Regenerate the nvcc PTX the engine tests load (needs nvcc; the results are checked in).
set -e
cd "$(dirname "$0")"
NVCC=${NVCC:-/usr/local/cuda/bin/nvcc}
"$NVCC" -ptx programs.cu -o ../programs_sm75.ptx
"$NVCC" -ptx -arch=sm_80 programs.cu -o ../programs_sm80.ptx
"$NVCC" -ptx -arch=sm_90 programs.cu -o ../programs_sm90.ptx
