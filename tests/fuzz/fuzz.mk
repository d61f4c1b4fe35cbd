# tests/fuzz/fuzz.mk - libFuzzer targets (clang): `make fuzz FUZZ_SECONDS=N` runs each for N
# seconds from its seed corpus in tests/fuzz/corpus/TARGET; crashes land in
# $(BUILD)/fuzz/TARGET-crashes and fail the run.  A crash found is fixed and its input added to
# the corpus, where every later run replays it.
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60
FUZZ_DIR := $(BUILD)/fuzz
FUZZ_FLAGS := -std=c11 -g -O1 -D_GNU_SOURCE -Iinclude -Ishim -Imusa_backend \
              -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
FUZZ_TARGETS := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))

# What each target links besides its own source, and extra libFuzzer options.
FUZZ_SRC_fatbin := shim/fatbin.c
FUZZ_LIBS_fatbin := -lzstd
FUZZ_SRC_ptx := $(wildcard musa_backend/cpu/ptx/*.c)
FUZZ_OPTS_ptx := -dict=$(FUZZ_DIR)/ptx.dict
FUZZ_SRC_launch := $(wildcard musa_backend/cpu/ptx/*.c musa_backend/cpu/engine/*.c) musa_backend/mu_log.c
FUZZ_LIBS_launch := -lffi -lm -pthread
# Fuzzed kernels printf whatever they like: stdout is closed (crash reports go to stderr).
FUZZ_OPTS_launch := -dict=$(FUZZ_DIR)/ptx.dict -close_fd_mask=1

# PTX words for mutations: every opcode, type, modifier and special register of the tables,
# so the dictionary cannot fall behind the front end, and the syntax in tests/fuzz/ptx.dict.
PTX_DEFS := $(addprefix musa_backend/cpu/ptx/ptx_,ops.def types.def mods.def sreg.def)
$(FUZZ_DIR)/ptx.dict: tests/fuzz/ptx.dict $(PTX_DEFS)
	@mkdir -p $(dir $@)
	{ grep -v '^#' tests/fuzz/ptx.dict; \
	  sed -n 's/^PTX_OP([A-Z0-9_]*, *"\([^"]*\)".*/"\1"/p' musa_backend/cpu/ptx/ptx_ops.def; \
	  sed -n 's/^PTX_\(TYPE\|MOD\)([A-Z0-9_]*, *"\([^"]*\)".*/".\2"/p' \
	      musa_backend/cpu/ptx/ptx_types.def musa_backend/cpu/ptx/ptx_mods.def; \
	  sed -n 's/^PTX_SREG([A-Z0-9_]*, *"\([^"]*\)".*/"\1"/p' musa_backend/cpu/ptx/ptx_sreg.def; \
	} > $@

$(FUZZ_DIR)/fuzz_%: tests/fuzz/fuzz_%.c $(wildcard tests/fuzz/*.h shim/*.c shim/*.h musa_backend/cpu/*/*.[ch] \
                                         musa_backend/cpu/*/*.def)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ $< $(FUZZ_SRC_$*) $(FUZZ_LIBS_$*)

.PHONY: fuzz
fuzz: $(addprefix $(FUZZ_DIR)/fuzz_,$(FUZZ_TARGETS)) $(FUZZ_DIR)/ptx.dict
	@set -e; $(foreach t,$(FUZZ_TARGETS),opts_$(t)='$(FUZZ_OPTS_$(t))';) \
	for t in $(FUZZ_TARGETS); do \
	    mkdir -p $(FUZZ_DIR)/$$t-corpus $(FUZZ_DIR)/$$t-crashes; \
	    echo "fuzz: $$t for $(FUZZ_SECONDS)s"; \
	    eval opts=\$$opts_$$t; \
	    $(FUZZ_DIR)/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=2048 -timeout=10 \
	        -artifact_prefix=$(FUZZ_DIR)/$$t-crashes/ -print_final_stats=1 $$opts \
	        $(FUZZ_DIR)/$$t-corpus tests/fuzz/corpus/$$t 2>&1 | \
	        grep -E 'stat::number_of_executed_units|ERROR|SUMMARY|Done' ; \
	    test -z "$$(ls $(FUZZ_DIR)/$$t-crashes)" || { echo "fuzz: $$t found crashes"; exit 1; }; \
	done
