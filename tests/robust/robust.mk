# tests/robust/robust.mk - robustness (issue 7) beyond what `make test` runs:
#   make test-valgrind   memcheck over a representative subset: a few .cu programs and unit
#                        suites, no errors and no leaks from the library
#   make soak            the mixed-operation stress program for SOAK_SECONDS (default 300)
# and two things `make test` needs: the bad-input programs depend on their shared header, and
# the test runner is linked with the allocation hook of tests/unit/test_fault_sweep.c.

BAD_INPUT_PROGRAMS := $(patsubst tests/cuda/%.cu,$(CUDA_TEST_DIR)/%,$(wildcard tests/cuda/bad_input_*.cu))
$(if $(HAVE_NVCC),$(BAD_INPUT_PROGRAMS)): tests/cuda/bad_input.h

# The library's own calls to these go to the __wrap_ versions in test_fault_sweep.c.
FAULT_WRAPPED := malloc calloc realloc strdup strndup aligned_alloc posix_memalign
$(RUNNER): LDLIBS += $(foreach f,$(FAULT_WRAPPED),-Wl,--wrap=$(f))

# ---- make test-valgrind ----
VALGRIND ?= valgrind
# Errors, and leaks the library could have freed (definitely or indirectly lost).  Memory still
# reachable at exit (tables that live as long as the process) and "possibly lost" blocks (the
# thread-local storage of threads still running at exit) are not leaks.
VALGRIND_FLAGS := --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect \
                  --errors-for-leak-kinds=definite,indirect --track-origins=yes --num-callers=30 \
                  --suppressions=tests/robust/valgrind.supp
VALGRIND_PROGRAMS := foundation memory streams_events threads_stress kernels_reduce_scan \
                     bad_input_memory bad_input_handles bad_input_kernels bad_input_images \
                     stress_mixed
VALGRIND_SUITES := api_table cpu_stream cpu_event cpu_memory cpu_reset cpu_fault fatbin \
                   ptx_parse engine_ctrl engine_watchdog engine_limits fuzz_corpus fault_sweep

.PHONY: test-valgrind
test-valgrind: all test-programs $(RUNNER)
	@set -e; status=0; \
	for p in $(VALGRIND_PROGRAMS); do \
	    env $$(grep -v '^#' tests/cuda/$$p.env 2>/dev/null) STRESS_OPS=2000 \
	        LD_LIBRARY_PATH=$(abspath $(LIBDIR)) $(VALGRIND) -q $(VALGRIND_FLAGS) \
	        $(CUDA_TEST_DIR)/$$p > $(TEST_DIR)/valgrind-$$p.log 2>&1 \
	        && echo "valgrind: $$p clean" \
	        || { status=1; echo "valgrind: $$p FAILED"; grep -v '^[a-z_]*: ' $(TEST_DIR)/valgrind-$$p.log | head -60; }; \
	done; \
	for s in $(VALGRIND_SUITES); do \
	    CK_FORK=no CK_RUN_SUITE=$$s CUSHIM_TEST_PROGRAMS= $(VALGRIND) -q $(VALGRIND_FLAGS) \
	        $(RUNNER) > $(TEST_DIR)/valgrind-suite-$$s.log 2>&1 \
	        && echo "valgrind: suite $$s clean" \
	        || { status=1; echo "valgrind: suite $$s FAILED"; tail -60 $(TEST_DIR)/valgrind-suite-$$s.log; }; \
	done; \
	exit $$status

# ---- make soak ----
SOAK_SECONDS ?= 300
.PHONY: soak
soak: all $(CUDA_TEST_DIR)/stress_mixed
	STRESS_SECONDS=$(SOAK_SECONDS) LD_LIBRARY_PATH=$(abspath $(LIBDIR)) $(CUDA_TEST_DIR)/stress_mixed
