# tests/bench/bench.mk - `make bench`: the engine's speed against plain C (gcc -O2) on the
# kernels of tests/bench/bench_kernels.cu.  Included from the top-level Makefile.
#
# With cushim's libcudart built (CUSHIM_LIB_DIR holds libcudart.so.13) and nvcc at hand, the
# kernels run as an unmodified CUDA program (bench_cuda.cu, nvcc -cudart shared) under the
# shim.  Otherwise the same nvcc PTX (or the checked-in copy when there is no nvcc) runs
# through the engine API (bench_engine.c).  Both print each kernel's time, the ratio shim/C
# and, last, "geomean shim/C: <ratio>x".  BENCH_SCALE scales the problem sizes.

BENCH_DIR ?= tests/bench
BENCH_OUT ?= $(or $(BUILD),build)/bench
BENCH_SCALE ?= 1
NVCC ?= $(firstword $(wildcard /usr/local/cuda/bin/nvcc) nvcc)
CUSHIM_LIB_DIR ?= $(or $(LIBDIR),build/lib)
BENCH_CC ?= $(CC)
BENCH_CFLAGS ?= -std=c11 -O2 -Wall -Wextra -Werror
BENCH_ENGINE_SRCS := $(wildcard musa_backend/cpu/engine/*.c) $(wildcard musa_backend/cpu/ptx/*.c) \
                     musa_backend/mu_log.c
BENCH_ENGINE_HDRS := $(wildcard musa_backend/cpu/engine/*.h musa_backend/cpu/ptx/*.h \
                     musa_backend/cpu/ptx/*.def musa_backend/*.h include/cushim/*.h)

.PHONY: bench
bench: $(LIB13) $(BENCH_OUT)/bench_engine $(BENCH_OUT)/bench_kernels.ptx $(BENCH_OUT)/bench_ref.o
	@if [ -e "$(CUSHIM_LIB_DIR)/libcudart.so.13" ] && command -v "$(NVCC)" >/dev/null 2>&1; then \
	  "$(NVCC)" -O2 -cudart shared -I $(BENCH_DIR) $(BENCH_DIR)/bench_cuda.cu $(BENCH_OUT)/bench_ref.o \
	    -o $(BENCH_OUT)/bench_cuda -lpthread && \
	  LD_LIBRARY_PATH="$(abspath $(CUSHIM_LIB_DIR)):$$LD_LIBRARY_PATH" $(BENCH_OUT)/bench_cuda $(BENCH_SCALE); \
	else \
	  $(BENCH_OUT)/bench_engine $(BENCH_OUT)/bench_kernels.ptx $(BENCH_SCALE); \
	fi

$(BENCH_OUT)/bench_kernels.ptx: $(BENCH_DIR)/bench_kernels.cu $(BENCH_DIR)/bench_kernels.ptx
	@mkdir -p $(@D)
	@if command -v "$(NVCC)" >/dev/null 2>&1; then "$(NVCC)" -ptx $< -o $@; \
	else cp $(BENCH_DIR)/bench_kernels.ptx $@; fi

$(BENCH_OUT)/bench_ref.o: $(BENCH_DIR)/bench_ref.c $(BENCH_DIR)/bench.h
	@mkdir -p $(@D)
	$(BENCH_CC) $(BENCH_CFLAGS) -c $< -o $@

$(BENCH_OUT)/bench_engine: $(BENCH_DIR)/bench_engine.c $(BENCH_OUT)/bench_ref.o $(BENCH_ENGINE_SRCS) $(BENCH_ENGINE_HDRS)
	@mkdir -p $(@D)
	$(BENCH_CC) $(BENCH_CFLAGS) -I include -I musa_backend $(BENCH_DIR)/bench_engine.c $(BENCH_OUT)/bench_ref.o \
	  $(BENCH_ENGINE_SRCS) -o $@ -lffi -lpthread -lm
