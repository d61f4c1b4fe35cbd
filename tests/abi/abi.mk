# tests/abi/abi.mk -- `make test-abi`: prove include/cushim/cuda_types.h has NVIDIA's ABI.
#
# Included by the top-level Makefile; paths are relative to the repository root.  Builds
# tests/abi/abi_probe.c twice -- against cushim's header and against the CUDA toolkit's --
# runs both and compares their outputs (tests/abi/abi_compare.sh), failing on any difference.
# Without a toolkit there is nothing to compare against, so the target skips and succeeds.
# With CUDA12_INCLUDE naming CUDA 12's include directory (e.g. the nvidia-cuda-runtime-cu12
# wheel's), tests/abi/abi_probe12.c compares include/cushim/cuda_types_12.h with it the same way;
# without it that part says SKIP.

CC ?= gcc
BUILD ?= build
CUDA_HOME ?= /usr/local/cuda

ABI_DIR := $(BUILD)/tests/abi
ABI_PROBE_SRC := tests/abi/abi_probe.c
ABI_CHECKS := tests/abi/abi_checks.def
# Same flags for both builds: any difference in output must come from the headers alone.
ABI_CFLAGS := -std=c11 -Wall -Wextra -Werror
ABI_OUR_HEADERS := $(wildcard include/cushim/cuda_types*.h) include/cushim/cuda_errors.def
ABI_TOOLKIT := $(wildcard $(CUDA_HOME)/include/cuda_runtime_api.h)
CUDA12_INCLUDE ?=
ABI_TOOLKIT12 := $(if $(CUDA12_INCLUDE),$(wildcard $(CUDA12_INCLUDE)/cuda_runtime_api.h))

.PHONY: test-abi test-abi12
test-abi: test-abi12

ifeq ($(ABI_TOOLKIT),)
test-abi:
	@echo "SKIP: toolkit headers not found at $(CUDA_HOME)/include"
else
test-abi: $(ABI_DIR)/probe_cushim $(ABI_DIR)/probe_nvidia tests/abi/abi_compare.sh
	$(ABI_DIR)/probe_cushim > $(ABI_DIR)/cushim.txt
	$(ABI_DIR)/probe_nvidia > $(ABI_DIR)/nvidia.txt
	sh tests/abi/abi_compare.sh $(ABI_DIR)/cushim.txt $(ABI_DIR)/nvidia.txt
endif

ifeq ($(ABI_TOOLKIT12),)
test-abi12:
	@echo "SKIP: CUDA 12 ABI not compared: set CUDA12_INCLUDE to CUDA 12's include directory$(if $(CUDA12_INCLUDE), ($(CUDA12_INCLUDE) has no cuda_runtime_api.h))"
else
test-abi12: $(ABI_DIR)/probe12_cushim $(ABI_DIR)/probe12_nvidia tests/abi/abi_compare.sh
	$(ABI_DIR)/probe12_cushim > $(ABI_DIR)/cushim12.txt
	$(ABI_DIR)/probe12_nvidia > $(ABI_DIR)/nvidia12.txt
	sh tests/abi/abi_compare.sh $(ABI_DIR)/cushim12.txt $(ABI_DIR)/nvidia12.txt
endif

$(ABI_DIR)/probe12_cushim: tests/abi/abi_probe12.c tests/abi/abi_checks_12.def $(ABI_OUR_HEADERS)
	@mkdir -p $(@D)
	$(CC) $(ABI_CFLAGS) -I include -o $@ tests/abi/abi_probe12.c

$(ABI_DIR)/probe12_nvidia: tests/abi/abi_probe12.c tests/abi/abi_checks_12.def $(ABI_TOOLKIT12)
	@mkdir -p $(@D)
	$(CC) $(ABI_CFLAGS) -DABI_PROBE_NVIDIA -isystem $(CUDA12_INCLUDE) -o $@ tests/abi/abi_probe12.c

$(ABI_DIR)/probe_cushim: $(ABI_PROBE_SRC) $(ABI_CHECKS) $(ABI_OUR_HEADERS)
	@mkdir -p $(@D)
	$(CC) $(ABI_CFLAGS) -I include -o $@ $(ABI_PROBE_SRC)

# -isystem: the toolkit's own headers are not ours to hold to -Werror.
$(ABI_DIR)/probe_nvidia: $(ABI_PROBE_SRC) $(ABI_CHECKS) $(ABI_TOOLKIT)
	@mkdir -p $(@D)
	$(CC) $(ABI_CFLAGS) -DABI_PROBE_NVIDIA -isystem $(CUDA_HOME)/include -o $@ $(ABI_PROBE_SRC)
