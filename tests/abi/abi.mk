# tests/abi/abi.mk -- `make test-abi`: prove include/cushim/cuda_types.h has NVIDIA's ABI.
#
# Included by the top-level Makefile; paths are relative to the repository root.  Builds
# tests/abi/abi_probe.c twice -- against cushim's header and against the CUDA toolkit's --
# runs both and compares their outputs (tests/abi/abi_compare.sh), failing on any difference.
# Without a toolkit there is nothing to compare against, so the target skips and succeeds.

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

.PHONY: test-abi

ifeq ($(ABI_TOOLKIT),)
test-abi:
	@echo "SKIP: toolkit headers not found at $(CUDA_HOME)/include"
else
test-abi: $(ABI_DIR)/probe_cushim $(ABI_DIR)/probe_nvidia tests/abi/abi_compare.sh
	$(ABI_DIR)/probe_cushim > $(ABI_DIR)/cushim.txt
	$(ABI_DIR)/probe_nvidia > $(ABI_DIR)/nvidia.txt
	sh tests/abi/abi_compare.sh $(ABI_DIR)/cushim.txt $(ABI_DIR)/nvidia.txt
endif

$(ABI_DIR)/probe_cushim: $(ABI_PROBE_SRC) $(ABI_CHECKS) $(ABI_OUR_HEADERS)
	@mkdir -p $(@D)
	$(CC) $(ABI_CFLAGS) -I include -o $@ $(ABI_PROBE_SRC)

# -isystem: the toolkit's own headers are not ours to hold to -Werror.
$(ABI_DIR)/probe_nvidia: $(ABI_PROBE_SRC) $(ABI_CHECKS) $(ABI_TOOLKIT)
	@mkdir -p $(@D)
	$(CC) $(ABI_CFLAGS) -DABI_PROBE_NVIDIA -isystem $(CUDA_HOME)/include -o $@ $(ABI_PROBE_SRC)
