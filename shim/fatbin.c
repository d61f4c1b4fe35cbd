/*
 * fatbin.c - the fatbinary container reader (see fatbin.h).  Layout, little-endian, as measured
 * on nvcc 13 output (shared/FACTS.md):
 *   wrapper: u32 magic 0x466243B1, u32 version, u64 fatbin address, u64 extra
 *   header:  u32 magic 0xBA55ED50, u16 version, u16 header size, u64 bytes of entries
 *   entry:   u16 kind @0, u32 header size @4, u64 payload size @8, u32 compressed size @16,
 *            u16 PTX minor @24, u16 PTX major @26, u32 arch @28, u64 flags @40,
 *            u64 uncompressed size @56 (entries with an 80-byte header and up)
 */
#include "fatbin.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#define ENTRY_MIN_HEADER 64u
/* No real PTX or cubin comes near this; it keeps a corrupt entry from exhausting memory. */
#define MAX_PLAIN_SIZE (1ull << 28)

static void say(char *why, size_t why_len, const char *fmt, ...)
{
    if (why == NULL || why_len == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, why_len, fmt, ap);
    va_end(ap);
}

static uint16_t u16_at(const uint8_t *p)
{
    return (uint16_t)(p[0] | (p[1] << 8));
}

static uint32_t u32_at(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
           ((uint32_t)p[3] << 24);
}

static uint64_t u64_at(const uint8_t *p)
{
    return (uint64_t)u32_at(p) | ((uint64_t)u32_at(p + 4) << 32);
}

int fatbin_read_wrapper(const void *wrapper, size_t readable, struct fatbin_wrapper *out,
                        char *why, size_t why_len)
{
    const uint8_t *w = wrapper;
    if (w == NULL || readable < 24) {
        say(why, why_len, "fatbinary wrapper is missing or truncated");
        return -1;
    }
    if (u32_at(w) != FATBIN_WRAPPER_MAGIC) {
        say(why, why_len, "fatbinary wrapper has magic 0x%08x, expected 0x%08x", u32_at(w),
            FATBIN_WRAPPER_MAGIC);
        return -1;
    }
    out->version = u32_at(w + 4);
    out->fatbin = (const void *)(uintptr_t)u64_at(w + 8);
    out->extra = (const void *)(uintptr_t)u64_at(w + 16);
    if (out->fatbin == NULL) {
        say(why, why_len, "fatbinary wrapper names no fatbinary");
        return -1;
    }
    return 0;
}

size_t fatbin_total_size(const void *data, size_t readable, char *why, size_t why_len)
{
    const uint8_t *p = data;
    if (p == NULL || readable < 16) {
        say(why, why_len, "fatbinary header is truncated (%zu bytes readable)", readable);
        return 0;
    }
    if (u32_at(p) != FATBIN_MAGIC) {
        say(why, why_len, "fatbinary has magic 0x%08x, expected 0x%08x", u32_at(p),
            FATBIN_MAGIC);
        return 0;
    }
    uint16_t header = u16_at(p + 6);
    uint64_t body = u64_at(p + 8);
    if (header < 16 || header > readable || body > readable - header) {
        say(why, why_len, "fatbinary claims %u + %llu bytes but only %zu are readable",
            (unsigned)header, (unsigned long long)body, readable);
        return 0;
    }
    return header + (size_t)body;
}

int fatbin_for_each_entry(const void *data, size_t readable,
                          int (*visit)(const struct fatbin_entry *entry, void *ctx), void *ctx,
                          char *why, size_t why_len)
{
    size_t total = fatbin_total_size(data, readable, why, why_len);
    if (total == 0)
        return -1;
    const uint8_t *base = data;
    size_t at = u16_at(base + 6);
    while (at < total) {
        const uint8_t *e = base + at;
        size_t left = total - at;
        if (left < ENTRY_MIN_HEADER) {
            say(why, why_len, "fatbinary entry at offset %zu is truncated", at);
            return -1;
        }
        uint32_t header = u32_at(e + 4);
        uint64_t payload = u64_at(e + 8);
        if (header < ENTRY_MIN_HEADER || header > left || payload > left - header) {
            say(why, why_len,
                "fatbinary entry at offset %zu claims %u + %llu bytes, %zu remain", at,
                (unsigned)header, (unsigned long long)payload, left);
            return -1;
        }
        struct fatbin_entry entry = {
            .kind = (enum fatbin_kind)u16_at(e),
            .sm = u32_at(e + 28),
            .ptx_minor = u16_at(e + 24),
            .ptx_major = u16_at(e + 26),
            .flags = u64_at(e + 40),
            .payload = e + header,
            .payload_size = (size_t)payload,
            .stored_size = (size_t)payload,
            .plain_size = header >= 64 ? (size_t)u64_at(e + 56) : 0,
        };
        if (entry.flags & (FATBIN_FLAG_COMPRESSED_ZSTD | FATBIN_FLAG_COMPRESSED_LZ4)) {
            uint32_t stored = u32_at(e + 16);
            if (stored == 0 || stored > payload) {
                say(why, why_len,
                    "fatbinary entry at offset %zu: compressed size %u outside its %llu-byte "
                    "payload",
                    at, (unsigned)stored, (unsigned long long)payload);
                return -1;
            }
            entry.stored_size = stored;
        }
        if (visit != NULL && visit(&entry, ctx) != 0)
            return 0;
        at += header + (size_t)payload;
    }
    return 0;
}

static char *copy_plain(const struct fatbin_entry *entry, size_t *len)
{
    size_t n = entry->stored_size;
    /* PTX text is NUL-terminated inside its padded payload; stop there. */
    if (entry->kind == FATBIN_KIND_PTX) {
        const void *nul = memchr(entry->payload, '\0', n);
        if (nul != NULL)
            n = (size_t)((const uint8_t *)nul - entry->payload);
    }
    char *out = malloc(n + 1);
    if (out == NULL)
        return NULL;
    memcpy(out, entry->payload, n);
    out[n] = '\0';
    *len = n;
    return out;
}

/* Streams the frame into a buffer that grows with the output actually produced, so a header
 * that lies about sizes cannot make us allocate more than the data really expands to. */
static char *decompress_zstd(const struct fatbin_entry *entry, size_t *len, char *why,
                             size_t why_len)
{
    ZSTD_DCtx *dctx = ZSTD_createDCtx();
    size_t cap = entry->plain_size > 0 && entry->plain_size < (1u << 20) ? entry->plain_size + 1
                                                                        : (1u << 20);
    char *out = malloc(cap);
    if (dctx == NULL || out == NULL) {
        say(why, why_len, "out of memory decompressing an entry");
        goto fail;
    }
    ZSTD_inBuffer in = {entry->payload, entry->stored_size, 0};
    size_t used = 0;
    for (;;) {
        if (cap - used < 4096) {
            if (cap >= MAX_PLAIN_SIZE) {
                say(why, why_len, "zstd entry expands beyond %llu bytes",
                    (unsigned long long)MAX_PLAIN_SIZE);
                goto fail;
            }
            char *bigger = realloc(out, cap * 2);
            if (bigger == NULL) {
                say(why, why_len, "out of memory decompressing an entry");
                goto fail;
            }
            out = bigger;
            cap *= 2;
        }
        ZSTD_outBuffer o = {out, cap - 1, used};
        size_t rc = ZSTD_decompressStream(dctx, &o, &in);
        used = o.pos;
        if (ZSTD_isError(rc)) {
            say(why, why_len, "zstd entry does not decompress: %s", ZSTD_getErrorName(rc));
            goto fail;
        }
        if (rc == 0)
            break; /* frame complete */
        if (in.pos == in.size && o.pos < o.size) {
            say(why, why_len, "zstd entry is truncated");
            goto fail;
        }
    }
    ZSTD_freeDCtx(dctx);
    out[used] = '\0';
    /* The decompressed PTX carries its own NUL; report the text length. */
    *len = entry->kind == FATBIN_KIND_PTX ? strlen(out) : used;
    return out;
fail:
    ZSTD_freeDCtx(dctx);
    free(out);
    return NULL;
}

/* An LZ4 length: the 4-bit field of the token, and when that is 15, further bytes added to it
 * up to and including the first that is not 255.  0, or -1 when the input ends first. */
static int lz4_length(const uint8_t **ip, const uint8_t *end, size_t *n)
{
    if (*n != 15)
        return 0;
    unsigned b;
    do {
        if (*ip >= end)
            return -1;
        b = *(*ip)++;
        *n += b;
    } while (b == 255);
    return 0;
}

/* An LZ4 block (no frame), as nvcc 13 writes with --compress-mode=speed and CUDA 12 by
 * default; the entry header gives the plain size, which bounds the output. */
static char *decompress_lz4(const struct fatbin_entry *entry, size_t *len, char *why,
                            size_t why_len)
{
    size_t plain = entry->plain_size;
    if (plain == 0 || plain > MAX_PLAIN_SIZE) {
        say(why, why_len, "LZ4 entry gives no usable uncompressed size (%zu)", plain);
        return NULL;
    }
    uint8_t *out = malloc(plain + 1);
    if (out == NULL) {
        say(why, why_len, "out of memory decompressing an entry");
        return NULL;
    }
    const uint8_t *ip = entry->payload, *end = ip + entry->stored_size;
    size_t op = 0;
    for (;;) {
        if (ip >= end)
            goto bad;
        unsigned token = *ip++;
        size_t lit = token >> 4;
        if (lz4_length(&ip, end, &lit) != 0 || lit > (size_t)(end - ip) || lit > plain - op)
            goto bad;
        memcpy(out + op, ip, lit);
        ip += lit;
        op += lit;
        if (ip == end)
            break; /* the last sequence is literals only */
        if (end - ip < 2)
            goto bad;
        size_t off = (size_t)ip[0] | ((size_t)ip[1] << 8);
        ip += 2;
        size_t match = token & 15u;
        if (lz4_length(&ip, end, &match) != 0)
            goto bad;
        match += 4; /* the shortest match LZ4 encodes */
        if (off == 0 || off > op || match > plain - op)
            goto bad;
        for (size_t k = 0; k < match; k++, op++) /* the source may overlap the output */
            out[op] = out[op - off];
    }
    out[op] = '\0';
    *len = entry->kind == FATBIN_KIND_PTX ? strlen((char *)out) : op;
    return (char *)out;
bad:
    say(why, why_len, "LZ4 entry is damaged at byte %zu of %zu",
        (size_t)(ip - (const uint8_t *)entry->payload), entry->stored_size);
    free(out);
    return NULL;
}

char *fatbin_entry_contents(const struct fatbin_entry *entry, size_t *len, char *why,
                            size_t why_len)
{
    size_t ignored;
    if (len == NULL)
        len = &ignored;
    if (entry->flags & FATBIN_FLAG_COMPRESSED_ZSTD)
        return decompress_zstd(entry, len, why, why_len);
    if (entry->flags & FATBIN_FLAG_COMPRESSED_LZ4)
        return decompress_lz4(entry, len, why, why_len);
    char *out = copy_plain(entry, len);
    if (out == NULL)
        say(why, why_len, "out of memory copying a %zu-byte entry", entry->stored_size);
    return out;
}

void fatbin_entry_target(const struct fatbin_entry *entry, char *buf, size_t len)
{
    snprintf(buf, len, "%s_%u", entry->kind == FATBIN_KIND_PTX ? "compute" : "sm", entry->sm);
}
