# tests/tests.mk - `make test`: unit tests (Check), the .cu programs built by nvcc with
# -cudart shared and run under the shim, and the ABI comparison.  Everything ends in one Check
# run, so the last line printed is Check's summary and the exit status is non-zero on failure.

TEST_DIR := $(BUILD)/tests
UNIT_SRC := $(wildcard tests/unit/*.c)
UNIT_OBJ := $(patsubst %.c,$(BUILD)/obj/%.o,$(UNIT_SRC))
RUNNER := $(TEST_DIR)/check_runner
CUDA_TEST_SRC := $(wildcard tests/cuda/*.cu)
HAVE_NVCC := $(shell test -x $(NVCC) && echo yes)
# The .cu programs do not depend on how the libraries were built, so sanitizer runs share them.
CUDA_TEST_DIR ?= $(TEST_DIR)/cuda
# A program naming "// nvcc-variants: sm_80 sm_90 sm_120" is also built with -arch for each
# (as NAME@sm_80, NAME@sm_90), so the engine runs the PTX of each target nvcc emits.
CUDA_VARIANTS := $(foreach f,$(CUDA_TEST_SRC),$(foreach v,$(shell sed -n 's|^// nvcc-variants:||p' $(f)),\
                   $(CUDA_TEST_DIR)/$(basename $(notdir $(f)))@$(v)))
CUDA_TESTS := $(if $(HAVE_NVCC),$(patsubst tests/cuda/%.cu,$(CUDA_TEST_DIR)/%,$(CUDA_TEST_SRC)) \
                                $(CUDA_VARIANTS))
NVCC_FLAGS ?= -cudart shared -O2 -std=c++17 -Xcompiler -Wall

.PHONY: test test-programs test-exports test-tools test-cuda12
test: all test-programs $(RUNNER) test-exports test-cuda12 test-tools \
      $(if $(wildcard tests/abi/abi.mk),test-abi)
	@$(if $(HAVE_NVCC),,echo "NOTE: nvcc not found at $(NVCC): the .cu test programs are not built or run")
	CUSHIM_TEST_PROGRAMS=$(if $(HAVE_NVCC),$(CUDA_TEST_DIR)) CUSHIM_LIBDIR=$(abspath $(LIBDIR)) \
	    $(RUNNER)

test-programs: $(CUDA_TESTS)

test-exports: $(LIB13) $(LIB12)
	sh tests/exports/check_exports.sh $(LIBDIR)

# The committed CUDA 12 programs bind to libcudart.so.12's CUDA 12 symbols; the runner's cuda12
# suite runs them.
test-cuda12: $(LIB12)
	sh tests/data/cuda12/check_binding.sh $(LIBDIR)

test-tools: all test-programs
	sh tests/tools/check_tools.sh $(BUILD) $(CUDA_TEST_DIR)

# The whole suite again with the libraries and tests built with AddressSanitizer and
# UndefinedBehaviorSanitizer.  nvcc's programs are not instrumented, so the sanitizer runtime is
# preloaded into them; leaks are valgrind's job (test-valgrind).
ASAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
.PHONY: test-asan
test-asan: test-programs
	ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
	CUSHIM_TEST_PRELOAD=$$($(CC) -print-file-name=libasan.so) \
	    $(MAKE) BUILD=$(BUILD)/asan CUDA_TEST_DIR=$(CUDA_TEST_DIR) OPT=-O1 \
	    SANITIZE="$(ASAN_FLAGS)" test

# A program may name extra nvcc flags on a line "// nvcc-flags: ...".
NVCC_EXTRA = $(shell sed -n 's|^// nvcc-flags:||p' $<)
define CUDA_VARIANT_RULE
$$(CUDA_TEST_DIR)/%@$(1): tests/cuda/%.cu tests/cuda/common.h
	@mkdir -p $$(dir $$@)
	$$(NVCC) $$(NVCC_FLAGS) $$(NVCC_EXTRA) -arch=$(1) -Itests/cuda -o $$@ $$<
endef
$(foreach a,sm_80 sm_90 sm_120,$(eval $(call CUDA_VARIANT_RULE,$(a))))
$(CUDA_TEST_DIR)/%: tests/cuda/%.cu tests/cuda/common.h
	@mkdir -p $(dir $@)
	$(NVCC) $(NVCC_FLAGS) $(NVCC_EXTRA) -Itests/cuda -o $@ $<

$(BUILD)/gen/suites.h: $(UNIT_SRC) tests/tests.mk
	@mkdir -p $(dir $@)
	{ echo "/* generated from the test files in tests/unit: every suite_NAME function */"; \
	  cat /dev/null $(UNIT_SRC) | sed -n 's/^Suite \*\(suite_[A-Za-z0-9_]*\)(void).*/CUSHIM_SUITE(\1)/p'; \
	} > $@

$(BUILD)/obj/tests/runner/main.o: $(BUILD)/gen/suites.h
$(BUILD)/obj/tests/runner/%.o: CPPFLAGS += -I$(BUILD)/gen
$(BUILD)/obj/tests/%.o: CFLAGS += $(shell pkg-config --cflags check 2>/dev/null)

$(RUNNER): $(BUILD)/obj/tests/runner/main.o $(BUILD)/obj/tests/runner/programs.o $(UNIT_OBJ) $(INTERNAL)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $^ $(CHECK_LIBS) $(LDLIBS)
