/*
 * fuzz_fatbin.c - libFuzzer target for the fatbinary container reader: any bytes are offered
 * as a fatbinary, every entry found is decompressed.  The reader must report damage, never
 * crash, never read outside the buffer (ASan), never allocate without bound.
 * Seeds: tests/fuzz/corpus/fatbin (real nvcc output).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fatbin.h"

static int visit(const struct fatbin_entry *entry, void *ctx)
{
    (void)ctx;
    size_t len = 0;
    char why[256];
    char *contents = fatbin_entry_contents(entry, &len, why, sizeof why);
    if (contents != NULL && entry->kind == FATBIN_KIND_PTX && strlen(contents) != len)
        abort(); /* PTX text length must be exact */
    free(contents);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char why[256];
    /* A private copy so the reader sees exactly `size` readable bytes. */
    uint8_t *copy = malloc(size ? size : 1);
    if (copy == NULL)
        return 0;
    memcpy(copy, data, size);
    fatbin_for_each_entry(copy, size, visit, NULL, why, sizeof why);
    struct fatbin_wrapper w;
    fatbin_read_wrapper(copy, size, &w, why, sizeof why);
    free(copy);
    return 0;
}
