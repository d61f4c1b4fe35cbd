#!/bin/sh
# build.sh WORKDIR - rebuild abi12 and abi12_ptsz from abi12.cu with a CUDA 12 toolchain put
# together in WORKDIR from PyPI wheels and the installed CUDA 13 nvcc (README.md says why both).
# Needs the network for pip; `make test` never runs this, it runs the committed binaries.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
work=$(mkdir -p "$1" && cd "$1" && pwd)
cuda13=${CUDA13_HOME:-/usr/local/cuda}

cd "$work"
pip download --no-deps -q -d wheels nvidia-cuda-runtime-cu12==12.8.90 \
    nvidia-cuda-nvcc-cu12==12.8.93 nvidia-cuda-cccl-cu12==12.8.90
rm -rf unpacked toolkit
mkdir -p unpacked
for wheel in wheels/nvidia_cuda_runtime_cu12-12.8.90-*.whl wheels/nvidia_cuda_nvcc_cu12-12.8.93-*.whl \
             wheels/nvidia_cuda_cccl_cu12-12.8.90-*.whl; do
    unzip -q -o "$wheel" -d unpacked
done
runtime=unpacked/nvidia/cuda_runtime
nvcc12=unpacked/nvidia/cuda_nvcc
cccl=unpacked/nvidia/cuda_cccl

# The toolkit layout nvcc expects: bin/, nvvm/, targets/x86_64-linux/{include,lib}.
t=toolkit
inc=$t/targets/x86_64-linux/include
lib=$t/targets/x86_64-linux/lib
mkdir -p $t/bin $t/nvvm/bin "$inc/cccl" "$lib"
# CUDA 12's wheels ship no compiler driver, front end or NVVM compiler: CUDA 13's run here.
for tool in nvcc nvcc.profile cudafe++ fatbinary nvlink bin2c; do cp "$cuda13/bin/$tool" $t/bin/; done
cp -r "$cuda13/bin/crt" $t/bin/crt
cp "$cuda13/nvvm/bin/cicc" $t/nvvm/bin/
# Everything else is CUDA 12.8's: ptxas, libdevice, the crt headers, the runtime headers and
# library (which the programs link against), and CCCL.
cp "$nvcc12/bin/ptxas" $t/bin/ptxas-12.8
chmod +x $t/bin/ptxas-12.8
cp -r "$nvcc12/nvvm/libdevice" $t/nvvm/libdevice
cp -r "$runtime/include/." "$inc/"
cp -r "$nvcc12/include/crt" "$inc/crt"
cp -r "$cccl/include/." "$inc/cccl/"
cp "$runtime/lib/libcudart.so.12" "$lib/"
ln -s libcudart.so.12 "$lib/libcudart.so"
find $t -name __init__.py -delete
# CUDA 13's cudafe++ writes kernel launch stubs as __cudaLaunch(fun, isTileKernel), so its own
# crt/host_runtime.h must go with it; the stubs call the same runtime entry points either way.
cp "$cuda13/include/crt/host_runtime.h" "$inc/crt/host_runtime.h"
# CUDA 13's cicc writes PTX ISA 9.0, which CUDA 12.8's ptxas rejects: lower the version line of
# each .ptx in place (the kernels use nothing newer), so the SASS and the PTX fatbinary embeds
# are both CUDA 12.8's.
cat > $t/bin/ptxas <<'SCRIPT'
#!/bin/sh
for a in "$@"; do
  case $a in *.ptx) sed -i 's/^\.version 9\.[0-9]*$/.version 8.7/' "$a";; esac
done
exec "$(dirname "$0")/ptxas-12.8" "$@"
SCRIPT
chmod +x $t/bin/ptxas

cd "$here"
"$work/$t/bin/nvcc" -cudart shared -O2 -o abi12 abi12.cu
"$work/$t/bin/nvcc" -cudart shared -O2 --default-stream per-thread -o abi12_ptsz abi12.cu
echo "built $here/abi12 and $here/abi12_ptsz"
