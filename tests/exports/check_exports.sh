#!/bin/sh
# check_exports.sh LIBDIR - the libraries export exactly NVIDIA's libcudart.so.13 function list,
# every symbol in the right version node, and nothing else.
#   tests/exports/nvidia-libcudart.so.13.txt: the 422 names `nm -D` lists for NVIDIA's library,
#   checked against the toolkit's library whenever the toolkit is installed.
set -eu
export LC_ALL=C
libdir=$1
here=$(cd "$(dirname "$0")" && pwd)
expected=$here/nvidia-libcudart.so.13.txt
cuda=${CUDA_HOME:-/usr/local/cuda}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

if [ -e "$cuda/lib64/libcudart.so.13" ]; then
    nm -D --defined-only "$cuda/lib64/libcudart.so.13" |
        awk '$2 == "T" { sub(/@.*/, "", $3); print $3 }' | sort > "$tmp/nvidia"
    if ! cmp -s "$tmp/nvidia" "$expected"; then
        echo "exports: NVIDIA's installed libcudart.so.13 differs from $expected:"
        diff "$expected" "$tmp/nvidia" | sed 's/^/  /'
        fail=1
    fi
fi

for major in 13 12; do
    lib=$libdir/libcudart.so.$major
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
done
if [ $fail -eq 0 ]; then
    echo "exports: libcudart.so.13 and .so.12 export NVIDIA's $(wc -l < "$expected") functions, versioned, nothing else"
fi
exit $fail
