# cushim - a drop-in CUDA runtime (libcudart.so.13 / .12) in C.
#
#   make                  build build/lib/libcudart.so.13, libcudart.so.12, libcudart.so and tools
#   make test             build everything, the test programs, and run every test
#   make demo             build and run a small CUDA program on the cpu backend
#   make bench            speed of the cpu engine against plain C
#   make coverage         implemented / not supported per API group
#   make install PREFIX=/usr/local   (and make uninstall)

ifeq ($(origin CC),default)
CC := gcc
endif
BUILD ?= build
PREFIX ?= /usr/local
CUDA_HOME ?= /usr/local/cuda
NVCC ?= $(CUDA_HOME)/bin/nvcc
OPT ?= -O2
SANITIZE ?=

# uthash's default when it cannot allocate is exit(-1), which would end the user's program: built
# non-fatal, an add that fails leaves the item out (its handle's tbl stays NULL), and every
# HASH_ADD in shim/ checks that and answers cudaErrorMemoryAllocation.
CPPFLAGS += -D_GNU_SOURCE -DHASH_NONFATAL_OOM=1 -Iinclude -Ishim -Imusa_backend
CFLAGS += -std=c11 $(OPT) -g -Wall -Wextra -Werror -fPIC -fvisibility=hidden -pthread $(SANITIZE)
LDLIBS += -lzstd -lffi -ldl -lm -pthread
CHECK_LIBS := $(shell pkg-config --libs check 2>/dev/null || echo -lcheck -lsubunit -lrt -lm)

# libcudart.so.12 alone: its CUDA 12 entry points, dispatch, trace layer and adapters.
SHIM12_SRC := $(wildcard shim/*_12.c shim/compat12_*.c)
SHIM_SRC := $(filter-out shim/version.c $(SHIM12_SRC),$(wildcard shim/*.c))
BACKEND_SRC := $(wildcard musa_backend/*.c musa_backend/cpu/*.c musa_backend/cpu/engine/*.c \
                          musa_backend/cpu/ptx/*.c musa_backend/gpu/*.c)
LIB_OBJ := $(patsubst %.c,$(BUILD)/obj/%.o,$(SHIM_SRC) $(BACKEND_SRC))
# Both libraries share every object but the exports: .12 compiles shim/exports.c again without
# the names shim/api_table_12.def replaces, and adds its own CUDA 12 objects.
LIB13_OBJ := $(LIB_OBJ) $(BUILD)/obj/version13.o
LIB12_OBJ := $(filter-out $(BUILD)/obj/shim/exports.o,$(LIB_OBJ)) \
             $(BUILD)/obj/cuda12/exports.o $(patsubst %.c,$(BUILD)/obj/%.o,$(SHIM12_SRC)) \
             $(BUILD)/obj/version12.o
DEPS := $(LIB_OBJ:.o=.d) $(patsubst %.c,$(BUILD)/obj/%.d,$(SHIM12_SRC)) \
        $(BUILD)/obj/cuda12/exports.d

LIBDIR := $(BUILD)/lib
LIB13 := $(LIBDIR)/libcudart.so.13
LIB12 := $(LIBDIR)/libcudart.so.12
INTERNAL := $(LIBDIR)/libcushim_internal.a

.PHONY: all test demo bench coverage install uninstall clean
all: $(LIB13) $(LIB12) $(LIBDIR)/libcudart.so tools

# The Debian packages the build needs are checked (and installed when missing) once per build
# directory, before anything compiles, so the README's two commands work on a fresh machine.
$(BUILD)/.deps-ok: tools/install-deps.sh
	@mkdir -p $(dir $@)
	sh tools/install-deps.sh
	@touch $@

$(BUILD)/obj/%.o: %.c | $(BUILD)/.deps-ok
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c $< -o $@

# The exported names and the version scripts come from the API tables, like the exports:
# .13 exports api_table.def; .12 the same less what api_table_12.def drops or replaces, plus
# what it adds.
$(BUILD)/gen/exports13.txt: shim/api_table.def
	@mkdir -p $(dir $@)
	$(CC) -E -P -x c -D'CUDART_FN(name,...)=name' -D'CUDART_RET(ret,name,...)=name' \
	    -D'CUDART_VOID(name,...)=name' $< | tr -s ' \n' '\n' | sed '/^$$/d' > $@

$(BUILD)/gen/exports12.txt: shim/api_table_12.def $(BUILD)/gen/exports13.txt
	$(CC) -E -P -x c -D'CUDART12_ABSENT(name)=DROP name' \
	    -D'CUDART12_FN(name,...)=DROP name ADD name' -D'CUDART12_ALIAS(name,...)=ADD name' $< | \
	    tr -s ' \n' '\n' | \
	    awk '/^(DROP|ADD)$$/ { op = $$0; next } op == "DROP" { drop[$$0] = 1 } \
	         op == "ADD" { add[++n] = $$0 } { op = "" } \
	         END { while ((getline name < "$(BUILD)/gen/exports13.txt") > 0) \
	                   if (!(name in drop)) print name; \
	               for (i = 1; i <= n; i++) print add[i] }' > $@

$(BUILD)/gen/libcudart%.map: $(BUILD)/gen/exports%.txt
	{ echo "libcudart.so.$* {"; echo "  global:"; sed 's/.*/    &;/' $<; \
	  echo "  local: *;"; echo "};"; } > $@

# CUSHIM12_REPLACED_<name> for each name .12's exports.c must leave out (see shim/exports.c).
$(BUILD)/gen/cuda12_replaced.h: shim/api_table_12.def
	@mkdir -p $(dir $@)
	{ echo "/* generated from shim/api_table_12.def: the CUDA 13 exports .12 leaves out */"; \
	  $(CC) -E -P -x c -D'CUDART12_ABSENT(name)=REPLACED name' \
	      -D'CUDART12_FN(name,...)=REPLACED name' -D'CUDART12_ALIAS(...)=' $< | \
	      tr -s ' \n' '\n' | \
	      awk 'last == "REPLACED" { print "#define CUSHIM12_REPLACED_" $$0 " ~, 1" } { last = $$0 }'; \
	} > $@

$(BUILD)/obj/cuda12/exports.o: shim/exports.c $(BUILD)/gen/cuda12_replaced.h | $(BUILD)/.deps-ok
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -I$(BUILD)/gen -DCUSHIM_CUDA12 $(CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/obj/version%.o: shim/version.c | $(BUILD)/.deps-ok
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -DCUSHIM_RUNTIME_VERSION=$(if $(filter 13,$*),13000,12080) \
	    -MMD -MP -c $< -o $@

# -z nodelete: the runtime's worker threads outlive any dlclose.  A plugin built with
# -cudart shared may be the only user of libcudart; unloading the plugin must not unmap the
# code those threads run.
LINK_CUDART = $(CC) -shared $(CFLAGS) -Wl,-soname,libcudart.so.$(1) -Wl,--no-undefined -Wl,-z,nodelete \
	    -Wl,--version-script=$(BUILD)/gen/libcudart$(1).map -o $@ $(2) $(LDLIBS)
$(LIB13): $(LIB13_OBJ) $(BUILD)/gen/libcudart13.map
	@mkdir -p $(dir $@)
	$(call LINK_CUDART,13,$(LIB13_OBJ))
$(LIB12): $(LIB12_OBJ) $(BUILD)/gen/libcudart12.map
	@mkdir -p $(dir $@)
	$(call LINK_CUDART,12,$(LIB12_OBJ))

$(LIBDIR)/libcudart.so: $(LIB13)
	ln -sf libcudart.so.13 $@

# Everything, unexported, for unit tests that drive internals directly.
$(INTERNAL): $(LIB_OBJ) $(BUILD)/obj/version13.o
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

include tools/tools.mk
include tests/tests.mk
-include tests/abi/abi.mk
-include tests/bench/bench.mk
include tests/fuzz/fuzz.mk
include tests/robust/robust.mk

# Generated maps and per-library objects are kept between runs, so nothing relinks needlessly.
.SECONDARY:

clean:
	rm -rf $(BUILD)

# Tests and tools are compiled with -MMD too: without their dependency files a changed header
# (engine.h, mu.h) would leave stale test objects linked against the new library.
-include $(DEPS) $(wildcard $(BUILD)/obj/tests/*/*.d $(BUILD)/obj/tools/*.d)
