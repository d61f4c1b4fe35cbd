#!/bin/sh
# check_exports.sh LIBDIR - each library exports exactly the function list of NVIDIA's library of
# the same name, every symbol in that library's version node, and nothing else.
#   tests/exports/nvidia-libcudart.so.13.txt: the 422 names `nm -D` lists for NVIDIA's CUDA 13.0
#   library, checked against the toolkit's library whenever the toolkit is installed.
#   tests/exports/nvidia-libcudart.so.12.txt: the 435 names of NVIDIA's CUDA 12.8 library (pip
#   wheel nvidia-cuda-runtime-cu12 12.8.90), checked against it when CUDA12_LIBDIR names the
#   directory holding it.
set -eu
export LC_ALL=C
libdir=$1
here=$(cd "$(dirname "$0")" && pwd)
cuda=${CUDA_HOME:-/usr/local/cuda}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

nvidia_names() {
    nm -D --defined-only "$1" | awk '$2 == "T" { sub(/@.*/, "", $3); print $3 }' | sort
}
for reference in "$cuda/lib64/libcudart.so.13" "${CUDA12_LIBDIR:-/nonexistent}/libcudart.so.12"; do
    [ -e "$reference" ] || continue
    expected=$here/nvidia-$(basename "$reference").txt
    nvidia_names "$reference" > "$tmp/nvidia"
    if ! cmp -s "$tmp/nvidia" "$expected"; then
        echo "exports: NVIDIA's $reference differs from $expected:"
        diff "$expected" "$tmp/nvidia" | sed 's/^/  /'
        fail=1
    fi
done

for major in 13 12; do
    lib=$libdir/libcudart.so.$major
    expected=$here/nvidia-libcudart.so.$major.txt
    soname=$(readelf -d "$lib" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
    if [ "$soname" != "libcudart.so.$major" ]; then
        echo "exports: $lib has SONAME '$soname', expected libcudart.so.$major"
        fail=1
    fi
    nm -D --defined-only "$lib" > "$tmp/all"
    awk '$2 == "T" { print $3 }' "$tmp/all" > "$tmp/functions"
    if grep -v "@@libcudart.so.$major\$" "$tmp/functions" > "$tmp/wrong"; then
        echo "exports: $lib has functions outside version node libcudart.so.$major:"
        sed 's/^/  /' "$tmp/wrong"
        fail=1
    fi
    sed 's/@.*//' "$tmp/functions" | sort > "$tmp/names"
    if ! cmp -s "$tmp/names" "$expected"; then
        echo "exports: $lib's functions differ from NVIDIA's list (< missing, > extra):"
        diff "$expected" "$tmp/names" | grep '^[<>]' | sed 's/^/  /'
        fail=1
    fi
    # Nothing else but the version node's own symbol.
    if awk -v node="libcudart.so.$major" '$2 != "T" && $3 != node' "$tmp/all" | grep . > "$tmp/extra"; then
        echo "exports: $lib exports non-API symbols:"
        sed 's/^/  /' "$tmp/extra"
        fail=1
    fi
    if [ $fail -eq 0 ]; then
        echo "exports: libcudart.so.$major exports NVIDIA's $(wc -l < "$expected") functions, versioned, nothing else"
    fi
done
exit $fail
