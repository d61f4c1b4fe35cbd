#!/bin/sh
# samples-report.sh CUDA_SAMPLES BUILD - builds every runtime-only NVIDIA cuda-sample listed in
# tools/samples.list from the user's checkout (never part of this repository) with
# `nvcc -cudart shared`, runs each under cushim's cpu backend, and prints a markdown table:
# builds / runs / passes, with the reason for each that does not.  `make samples-report`
# puts the table into README.md.  SAMPLES_TIMEOUT (seconds per sample, default 900) and
# SAMPLES_ONLY (a grep pattern of sample names) narrow a run.
set -u
samples=$(cd "$1" && pwd)
build=$(cd "$2" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
nvcc=${NVCC:-/usr/local/cuda/bin/nvcc}
limit=${SAMPLES_TIMEOUT:-900}
only=${SAMPLES_ONLY:-.}
work=$build/samples
mkdir -p "$work"
[ -d "$samples/Samples" ] || { echo "samples-report: $samples is not a cuda-samples checkout" >&2; exit 2; }

echo "| sample | builds | runs | passes | notes |"
echo "|---|---|---|---|---|"
grep -v '^#' "$here/samples.list" | grep -e "$only" | while IFS='|' read -r name check flags env; do
    name=$(echo "$name" | xargs)
    check=$(echo "$check" | sed 's/^ *//; s/ *$//')
    flags=$(echo "${flags:-}" | xargs)
    env=$(echo "${env:-}" | xargs)
    dir=$samples/Samples/$name
    exe=$work/$(basename "$name")
    log=$work/$(basename "$name").log
    srcs=$(ls "$dir"/*.cu "$dir"/*.cpp "$dir"/*.c "$dir"/src/*.cu "$dir"/src/*.cpp 2>/dev/null)
    # shellcheck disable=SC2086
    if ! "$nvcc" -O2 -std=c++17 -cudart shared --extended-lambda -I "$samples/Common" \
        -I "$dir" -I "$dir/inc" $srcs $flags -o "$exe" > "$log.build" 2>&1; then
        echo "| $name | no | - | - | $(grep -m1 -i error "$log.build" | cut -c1-120 | tr '|' '/') |"
        continue
    fi
    start=$(date +%s)
    # shellcheck disable=SC2086
    (cd "$dir" && env $env timeout "$limit" "$build/bin/cushim-run" --backend cpu "$exe") \
        > "$log" 2> "$log.err"
    rc=$?
    secs=$(( $(date +%s) - start ))
    runs=yes
    [ $rc -eq 124 ] && runs="timeout (${limit}s)"
    [ $rc -ge 128 ] && [ $rc -ne 124 ] && runs="crashed (signal $((rc - 128)))"
    case "$check" in
    text:*) want=${check#text:}
        if [ $rc -eq 0 ] && grep -qF -- "$want" "$log"; then ok=yes; else ok=no; fi ;;
    *) if [ $rc -eq 0 ]; then ok=yes; else ok=no; fi ;;
    esac
    note="${secs}s"
    if [ "$ok" = no ]; then
        why=$(grep -m1 'cushim:' "$log.err")
        [ -n "$why" ] || why=$(tail -n 1 "$log.err")
        [ -n "$why" ] || why="exit status $rc; $(tail -n 1 "$log")"
        note="$note; $(echo "$why" | cut -c1-140 | tr '|' '/')"
    fi
    echo "| $name | yes | $runs | $ok | $note |"
done
