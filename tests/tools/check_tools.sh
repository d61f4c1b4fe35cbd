#!/bin/sh
# check_tools.sh BUILD - the user tools as a user runs them: cushim-info, cushim-run with
# --trace and --backend, cushim-ptx, and make install / uninstall into a temporary prefix.
# Uses the test programs in BUILD/tests/cuda when nvcc built them.
set -u
build=$1
bin=$build/bin
programs=${2:-$build/tests/cuda}
# In sanitizer runs the sanitizer runtime is preloaded into nvcc's (uninstrumented) programs.
preload=${CUSHIM_TEST_PRELOAD:-}
run() { LD_PRELOAD=$preload "$@"; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
# check DESCRIPTION COMMAND...: the command must succeed; its output is kept in $tmp/out
# for the checks that follow (so a check that reads $tmp/out writes elsewhere).
check() {
    what=$1
    shift
    if "$@" > "$tmp/check" 2>&1; then
        case "$1" in grep) ;; *) cp "$tmp/check" "$tmp/out" ;; esac
    else
        echo "tools: FAIL: $what"
        sed 's/^/  | /' "$tmp/check" | head -20
        fail=1
    fi
}

# cushim-info: library, backends, every device.
check "cushim-info runs" "$bin/cushim-info"
check "cushim-info names the cpu device" grep -q 'Device 0: "cushim CPU device"' "$tmp/out"
"$bin/cushim-info" > "$tmp/info" 2>&1
check "cushim-info lists the cpu backend with its device" grep -Eq '^  cpu +1 device$' "$tmp/info"
CUSHIM_CPU_DEVICES=3 "$bin/cushim-info" > "$tmp/info3" 2>&1
check "cushim-info shows every device" grep -q '^Device 2: ' "$tmp/info3"

# A bad backend name is a clear error listing the valid ones.
CUSHIM_BACKEND=tpu "$bin/cushim-info" > "$tmp/bad" 2>&1
check "CUSHIM_BACKEND=tpu names the valid backends" \
    grep -q "CUSHIM_BACKEND=tpu is not a backend of this build (valid: cpu" "$tmp/bad"

if [ -x "$programs/streams_events" ]; then
    # cushim-run --trace=FILE: one line per call in a fixed format, and a summary.
    check "cushim-run --trace runs a program" \
        run "$bin/cushim-run" --trace="$tmp/trace" "$programs/memory"
    line='^cushim-trace: \[[0-9]+\] cudaMalloc\(devPtr=0x[0-9a-f]+, size=[0-9]+\) = cudaSuccess <[0-9]+\.[0-9]{3} us>$'
    check "trace lines name call, decoded arguments, result and duration" grep -Eq "$line" "$tmp/trace"
    check "trace decodes copy kinds" grep -q 'kind=cudaMemcpyHostToDevice' "$tmp/trace"
    check "trace decodes dim3 and streams" \
        grep -Eq 'cudaMemcpy2D\(dst=0x[0-9a-f]+, dpitch=[0-9]+,' "$tmp/trace"
    check "trace reports failures by name" grep -q ') = cudaErrorInvalidValue <' "$tmp/trace"
    check "trace ends with a summary" grep -Eq '^cushim-trace: cudaMalloc +[0-9]+ +[0-9.]+ +[0-9.]+$' "$tmp/trace"
    check "--backend cpu is accepted" run "$bin/cushim-run" --backend cpu "$programs/foundation"
    if run "$bin/cushim-run" --backend tpu "$programs/foundation" > "$tmp/tpu" 2>&1; then
        echo "tools: FAIL: a program under --backend tpu must fail"
        fail=1
    fi
    check "--backend tpu explains itself" grep -q "valid: cpu" "$tmp/tpu"
    run env CUSHIM_KERNEL_TIMEOUT=soon "$bin/cushim-run" "$programs/kernels_reduce_scan" > "$tmp/timeout" 2>&1
    check "a bad CUSHIM_KERNEL_TIMEOUT is named" \
        grep -q "CUSHIM_KERNEL_TIMEOUT=soon is not a number of seconds above 0" "$tmp/timeout"

    # A program built with nvcc's default static runtime is named as such, with the fix.
    nvcc=$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)
    if [ -x "$nvcc" ]; then
        printf 'int main() { return cudaDeviceSynchronize() != cudaSuccess; }\n' > "$tmp/static.cu"
        "$nvcc" -o "$tmp/static" "$tmp/static.cu" > /dev/null 2>&1
        run "$bin/cushim-run" "$tmp/static" > "$tmp/static.out" 2>&1
        check "cushim-run names a static-runtime program and the rebuild" \
            grep -q "static CUDA runtime.*rebuild it with: nvcc -cudart shared" "$tmp/static.out"
        # An -rdc=true translation unit built for machine code only is named, with the rebuild
        # line, instead of its kernels silently missing from the link.
        printf '__global__ void ka(int *o) { *o = 1; }\nvoid run_b(int *o);\nint main() { int *o; cudaMalloc(&o, 4); ka<<<1, 1>>>(o); run_b(o); return cudaDeviceSynchronize() == cudaSuccess; }\n' > "$tmp/rdc_a.cu"
        printf '__global__ void kb(int *o) { *o = 2; }\nvoid run_b(int *o) { kb<<<1, 1>>>(o); }\n' > "$tmp/rdc_b.cu"
        if "$nvcc" -cudart shared -dc -arch=sm_80 "$tmp/rdc_a.cu" -o "$tmp/rdc_a.o" > /dev/null 2>&1 &&
            "$nvcc" -dc -gencode arch=compute_80,code=sm_80 "$tmp/rdc_b.cu" -o "$tmp/rdc_b.o" > /dev/null 2>&1 &&
            "$nvcc" -cudart shared -arch=sm_80 "$tmp/rdc_a.o" "$tmp/rdc_b.o" -o "$tmp/rdc" > /dev/null 2>&1; then
            run "$bin/cushim-run" "$tmp/rdc" > "$tmp/rdc.out" 2>&1
            check "an -rdc unit without PTX is named with the rebuild line" \
                grep -q "holds only SASS for sm_80 and no PTX.*arch=compute_80,code=compute_80" "$tmp/rdc.out"
        else
            echo "tools: FAIL: nvcc could not build the -rdc program"
            fail=1
        fi
        # A plugin built with -cudart shared, dlopened and dlclosed by a program that does not
        # use CUDA itself: closing it drops the last reference to libcudart, whose worker threads
        # must not be left running unmapped code (a crash once they woke, before -z nodelete).
        printf '__global__ void sq(int *p, int n) { int i = blockIdx.x * blockDim.x + threadIdx.x; if (i < n) p[i] = i * i; }\nextern "C" int plugin_run(int n) { int *d, h[256], bad = 0; if (cudaMalloc(&d, n * 4)) return -1; sq<<<(n + 63) / 64, 64>>>(d, n); cudaMemcpy(h, d, n * 4, cudaMemcpyDeviceToHost); cudaFree(d); for (int i = 0; i < n; i++) bad += h[i] != i * i; return bad; }\n' > "$tmp/plugin.cu"
        printf '#include <dlfcn.h>\n#include <stdio.h>\n#include <unistd.h>\nint main(int argc, char **argv) { for (int r = 0; r < 2; r++) { void *h = dlopen(argv[1], RTLD_NOW); if (!h) { printf("%%s\\n", dlerror()); return 1; } int (*f)(int) = (int (*)(int))dlsym(h, "plugin_run"); int bad = f(256); dlclose(h); if (bad) return 1; usleep(300000); } puts("plugin ok"); return 0; }\n' > "$tmp/plugin_host.c"
        if "$nvcc" -cudart shared -shared -Xcompiler -fPIC "$tmp/plugin.cu" -o "$tmp/libplugin.so" > /dev/null 2>&1 &&
            ${CC:-cc} "$tmp/plugin_host.c" -o "$tmp/plugin_host" -ldl > /dev/null 2>&1; then
            check "a CUDA plugin survives dlclose and a second dlopen" \
                run "$bin/cushim-run" "$tmp/plugin_host" "$tmp/libplugin.so"
            check "the plugin's kernels ran both times" grep -q "plugin ok" "$tmp/out"
        else
            echo "tools: FAIL: could not build the plugin program"
            fail=1
        fi
        run "$bin/cushim-run" "$programs/foundation" > "$tmp/shared.out" 2>&1
        if grep -q "static CUDA runtime" "$tmp/shared.out"; then
            echo "tools: FAIL: cushim-run took a -cudart shared program for a static one"
            fail=1
        fi
    fi

    # cushim-ptx lists entries and prints the decompressed PTX.
    check "cushim-ptx reads a program" "$bin/cushim-ptx" "$programs/launch_config"
    check "cushim-ptx lists the PTX entry" grep -Eq '^entry [0-9]+: PTX compute_75, .* compression zstd' "$tmp/out"
    "$bin/cushim-ptx" "$programs/launch_config" > "$tmp/ptx" 2>&1
    check "cushim-ptx prints kernels" grep -q '.entry _Z4markPii' "$tmp/ptx"
    if "$bin/cushim-ptx" /etc/hostname > /dev/null 2>&1; then
        echo "tools: FAIL: cushim-ptx accepted a file that is not ELF"
        fail=1
    fi
fi

# make install / uninstall into a temporary prefix.
prefix=$tmp/prefix
check "make install" make -s install PREFIX="$prefix" BUILD="$build"
for f in lib/libcudart.so.13 lib/libcudart.so.12 lib/libcudart.so bin/cushim-run \
    bin/cushim-info bin/cushim-ptx include/cushim/cuda_types.h lib/pkgconfig/cushim.pc; do
    [ -e "$prefix/$f" ] || { echo "tools: FAIL: make install did not install $f"; fail=1; }
done
check "installed pkg-config file" \
    env PKG_CONFIG_PATH="$prefix/lib/pkgconfig" pkg-config --libs --cflags cushim
check "pkg-config names the prefix" grep -q -- "-L$prefix/lib -lcudart" "$tmp/out"
check "installed cushim-info finds its library" "$prefix/bin/cushim-info"
check "installed cushim-info uses the installed library" grep -q "Runtime library:   $prefix/" "$tmp/out"
if [ -x "$programs/foundation" ]; then
    check "installed cushim-run runs a program" run "$prefix/bin/cushim-run" "$programs/foundation"
fi
check "make uninstall" make -s uninstall PREFIX="$prefix" BUILD="$build"
left=$(find "$prefix" -type f | wc -l)
[ "$left" -eq 0 ] || { echo "tools: FAIL: make uninstall left $left files"; find "$prefix" -type f; fail=1; }

[ $fail -eq 0 ] && echo "tools: cushim-info, cushim-run (--trace, --backend), cushim-ptx, install/uninstall: all checks passed"
exit $fail
