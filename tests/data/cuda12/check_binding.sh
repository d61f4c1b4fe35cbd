#!/bin/sh
# check_binding.sh - the committed CUDA 12 programs are what they claim: each needs
# libcudart.so.12, and every CUDA runtime symbol it imports is versioned @libcudart.so.12, and
# libcudart.so.12 in LIBDIR (if given) defines each of them.
#   usage: check_binding.sh [LIBDIR]
set -eu
export LC_ALL=C
here=$(cd "$(dirname "$0")" && pwd)
libdir=${1:-}
fail=0
for program in "$here/abi12" "$here/abi12_ptsz"; do
    name=$(basename "$program")
    if ! readelf -d "$program" | grep -q 'NEEDED.*\[libcudart\.so\.12\]'; then
        echo "cuda12: $name does not need libcudart.so.12"
        fail=1
    fi
    imports=$(nm -D --undefined-only "$program" | awk '$2 ~ /^_*cuda/ { print $2 }')
    wrong=$(printf '%s\n' "$imports" | grep -v '@libcudart\.so\.12$' || true)
    if [ -n "$wrong" ]; then
        echo "cuda12: $name imports runtime symbols outside libcudart.so.12's node: $wrong"
        fail=1
    fi
    if [ -n "$libdir" ]; then
        for symbol in $imports; do
            if ! nm -D --defined-only "$libdir/libcudart.so.12" | grep -q " T ${symbol%@*}@@libcudart.so.12\$"; then
                echo "cuda12: $name imports $symbol, which $libdir/libcudart.so.12 does not define"
                fail=1
            fi
        done
    fi
    [ $fail -eq 0 ] && echo "cuda12: $name imports $(printf '%s\n' "$imports" | wc -l) symbols, all @libcudart.so.12"
done
exit $fail
