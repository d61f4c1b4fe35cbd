# tools/tools.mk - the user-facing tools and `make coverage`.

TOOLS_BIN := $(BUILD)/bin
TOOLS := $(TOOLS_BIN)/cushim-run $(TOOLS_BIN)/cushim-ptx $(TOOLS_BIN)/cushim-info

.PHONY: tools
tools: $(TOOLS)

$(TOOLS_BIN)/cushim-run: tools/cushim-run
	@mkdir -p $(dir $@)
	cp $< $@ && chmod +x $@

# cushim-ptx reads binaries from disk; it shares the container reader with the runtime.
$(TOOLS_BIN)/cushim-ptx: $(BUILD)/obj/tools/cushim-ptx.o $(BUILD)/obj/shim/fatbin.o
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $^ -lzstd

# cushim-info talks to the library only through the runtime API, like any program.
$(TOOLS_BIN)/cushim-info: $(BUILD)/obj/tools/cushim-info.o $(LIB13) $(LIBDIR)/libcudart.so
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< -L$(LIBDIR) -l:libcudart.so.13 -Wl,-rpath,'$$ORIGIN/../lib' -ldl

coverage: shim/api_table.def shim/api_table_12.def
	@sh tools/coverage.sh $< shim/api_table_12.def

# The demo: a CUDA program built by nvcc with -cudart shared, run on the cpu backend.
DEMO := $(BUILD)/demo/vector_add
$(DEMO): tests/demo/vector_add.cu
	@mkdir -p $(dir $@)
	$(NVCC) -cudart shared -O2 -o $@ $<

.PHONY: demo
demo: all $(DEMO)
	$(TOOLS_BIN)/cushim-run --backend cpu $(DEMO)

# make install PREFIX=... / make uninstall PREFIX=...
VERSION := 0.1.0
INSTALLED_TOOLS := cushim-run cushim-ptx cushim-info
.PHONY: install uninstall
install: all
	install -d $(DESTDIR)$(PREFIX)/lib $(DESTDIR)$(PREFIX)/bin \
	    $(DESTDIR)$(PREFIX)/include/cushim $(DESTDIR)$(PREFIX)/lib/pkgconfig
	install -m 755 $(LIB13) $(LIB12) $(DESTDIR)$(PREFIX)/lib/
	ln -sf libcudart.so.13 $(DESTDIR)$(PREFIX)/lib/libcudart.so
	install -m 755 $(addprefix $(TOOLS_BIN)/,$(INSTALLED_TOOLS)) $(DESTDIR)$(PREFIX)/bin/
	install -m 644 include/cushim/*.h include/cushim/*.def $(DESTDIR)$(PREFIX)/include/cushim/
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(VERSION)|' tools/cushim.pc.in \
	    > $(DESTDIR)$(PREFIX)/lib/pkgconfig/cushim.pc

uninstall:
	rm -f $(addprefix $(DESTDIR)$(PREFIX)/lib/,libcudart.so.13 libcudart.so.12 libcudart.so)
	rm -f $(addprefix $(DESTDIR)$(PREFIX)/bin/,$(INSTALLED_TOOLS))
	rm -rf $(DESTDIR)$(PREFIX)/include/cushim
	rm -f $(DESTDIR)$(PREFIX)/lib/pkgconfig/cushim.pc

# make samples-report CUDA_SAMPLES=<path to a cuda-samples checkout>: rebuild the table of
# NVIDIA's runtime-only samples on the cpu backend and put it in README.md between the markers.
.PHONY: samples-report
samples-report: all
	@test -n "$(CUDA_SAMPLES)" || { echo "usage: make samples-report CUDA_SAMPLES=<checkout>"; exit 2; }
	sh tools/samples-report.sh $(CUDA_SAMPLES) $(BUILD) | tee $(BUILD)/samples-report.md
	python3 tools/update-readme-table.py README.md $(BUILD)/samples-report.md
