#!/bin/sh
# regen.sh - rebuild the nvcc seeds of the PTX and launch fuzzers from seeds.cu: one module per
# SEED_* kernel for nvcc's default target (compute_75), and for compute_90 where nvcc emits
# different code (not just another .target line).
# Run from the repository root: sh tests/fuzz/seeds/regen.sh
set -eu
NVCC=${NVCC:-/usr/local/cuda/bin/nvcc}
src=tests/fuzz/seeds/seeds.cu
mkdir -p tests/fuzz/corpus/ptx tests/fuzz/corpus/launch
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for seed in $(sed -n 's/^#ifdef SEED_//p' "$src"); do
    "$NVCC" -ptx -arch=compute_75 -DSEED_$seed -o "$tmp/75.ptx" "$src"
    "$NVCC" -ptx -arch=compute_90 -DSEED_$seed -o "$tmp/90.ptx" "$src"
    for target in ptx launch; do
        cp "$tmp/75.ptx" tests/fuzz/corpus/$target/nvcc-$seed-sm75.ptx
        if ! sed 's/^\.target sm_90$/.target sm_75/' "$tmp/90.ptx" | cmp -s - "$tmp/75.ptx"; then
            cp "$tmp/90.ptx" tests/fuzz/corpus/$target/nvcc-$seed-sm90.ptx
        fi
    done
done
