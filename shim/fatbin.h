/*
 * fatbin.h - reading NVIDIA's fatbinary container: the wrapper nvcc passes to
 * __cudaRegisterFatBinary, the fatbin header, and its entries (PTX text and ELF cubins), with
 * zstd-compressed payloads (CUDA 13's default) decompressed.
 *
 * The reader trusts nothing: every offset and size is checked against the number of bytes the
 * caller says are readable, and a damaged container is reported with the reason, never read
 * past.  It does not interpret PTX or ELF.
 */
#ifndef CUSHIM_FATBIN_H
#define CUSHIM_FATBIN_H

#include <stddef.h>
#include <stdint.h>

#define FATBIN_WRAPPER_MAGIC 0x466243B1u
#define FATBIN_MAGIC 0xBA55ED50u

enum fatbin_kind { FATBIN_KIND_PTX = 1, FATBIN_KIND_ELF = 2 };

/* Entry flags seen in nvcc output. */
#define FATBIN_FLAG_COMPRESSED_LZ4 0x2000u
#define FATBIN_FLAG_COMPRESSED_ZSTD 0x8000u

struct fatbin_entry {
    enum fatbin_kind kind;
    unsigned sm;          /* 75 for sm_75 / compute_75 */
    unsigned ptx_major;   /* PTX ISA version, PTX entries only */
    unsigned ptx_minor;
    uint64_t flags;
    const uint8_t *payload; /* as stored (maybe compressed) */
    size_t payload_size;    /* bytes stored, including padding */
    size_t stored_size;     /* bytes of compressed data, or payload_size when not compressed */
    size_t plain_size;      /* bytes once decompressed (0 when the header does not say) */
};

/* The 24-byte wrapper: which fatbin it names, and its version (1, or 2 for -rdc builds). */
struct fatbin_wrapper {
    unsigned version;
    const void *fatbin;
    const void *extra; /* the wrapper's fourth field (a list for -rdc builds), may be NULL */
};
int fatbin_read_wrapper(const void *wrapper, size_t readable, struct fatbin_wrapper *out,
                        char *why, size_t why_len);

/* Size of the fatbin at `data` (header + entries), or 0 with *why set if it is not one. */
size_t fatbin_total_size(const void *data, size_t readable, char *why, size_t why_len);

/* Calls `visit` for each entry of the fatbin at `data`; stops early when visit returns
 * non-zero.  Returns 0 when the container is sound, -1 with *why set when it is damaged
 * (entries before the damage have been visited). */
int fatbin_for_each_entry(const void *data, size_t readable,
                          int (*visit)(const struct fatbin_entry *entry, void *ctx), void *ctx,
                          char *why, size_t why_len);

/* The entry's contents, decompressed into a new NUL-terminated buffer the caller frees.
 * Returns NULL with *why set for an unknown compression or damaged data. */
char *fatbin_entry_contents(const struct fatbin_entry *entry, size_t *len, char *why,
                            size_t why_len);

/* "sm_75", "compute_75" style name of the entry's target, for messages and tools. */
void fatbin_entry_target(const struct fatbin_entry *entry, char *buf, size_t len);

#endif
