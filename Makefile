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

CPPFLAGS += -D_GNU_SOURCE -Iinclude -Ishim -Imusa_backend
CFLAGS += -std=c11 $(OPT) -g -Wall -Wextra -Werror -fPIC -fvisibility=hidden -pthread $(SANITIZE)
LDLIBS += -lzstd -lffi -ldl -lm -pthread
CHECK_LIBS := $(shell pkg-config --libs check 2>/dev/null || echo -lcheck -lsubunit -lrt -lm)

SHIM_SRC := $(filter-out shim/version.c,$(wildcard shim/*.c))
BACKEND_SRC := $(wildcard musa_backend/*.c musa_backend/cpu/*.c musa_backend/cpu/engine/*.c \
                          musa_backend/cpu/ptx/*.c musa_backend/gpu/*.c)
LIB_OBJ := $(patsubst %.c,$(BUILD)/obj/%.o,$(SHIM_SRC) $(BACKEND_SRC))
DEPS := $(LIB_OBJ:.o=.d)

LIBDIR := $(BUILD)/lib
LIB13 := $(LIBDIR)/libcudart.so.13
LIB12 := $(LIBDIR)/libcudart.so.12
INTERNAL := $(LIBDIR)/libcushim_internal.a

.PHONY: all test demo bench coverage install uninstall clean
all: $(LIB13) $(LIB12) $(LIBDIR)/libcudart.so tools

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c $< -o $@

# The exported names and the version scripts come from the API table, like the exports.
$(BUILD)/gen/exports.txt: shim/api_table.def
	@mkdir -p $(dir $@)
	$(CC) -E -P -x c -D'CUDART_FN(name,...)=name' -D'CUDART_RET(ret,name,...)=name' \
	    -D'CUDART_VOID(name,...)=name' $< | tr -s ' \n' '\n' | sed '/^$$/d' > $@

$(BUILD)/gen/libcudart%.map: $(BUILD)/gen/exports.txt
	{ echo "libcudart.so.$* {"; echo "  global:"; sed 's/.*/    &;/' $<; \
	  echo "  local: *;"; echo "};"; } > $@

$(BUILD)/obj/version%.o: shim/version.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -DCUSHIM_RUNTIME_VERSION=$(if $(filter 13,$*),13000,12080) \
	    -MMD -MP -c $< -o $@

$(LIBDIR)/libcudart.so.%: $(LIB_OBJ) $(BUILD)/obj/version%.o $(BUILD)/gen/libcudart%.map
	@mkdir -p $(dir $@)
	$(CC) -shared $(CFLAGS) -Wl,-soname,libcudart.so.$* -Wl,--no-undefined \
	    -Wl,--version-script=$(BUILD)/gen/libcudart$*.map -o $@ \
	    $(LIB_OBJ) $(BUILD)/obj/version$*.o $(LDLIBS)

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

# Generated maps and per-library objects are kept between runs, so nothing relinks needlessly.
.SECONDARY:

clean:
	rm -rf $(BUILD)

# Tests and tools are compiled with -MMD too: without their dependency files a changed header
# (engine.h, mu.h) would leave stale test objects linked against the new library.
-include $(DEPS) $(wildcard $(BUILD)/obj/tests/*/*.d $(BUILD)/obj/tools/*.d)
