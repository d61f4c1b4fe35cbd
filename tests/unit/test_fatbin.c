/*
 * test_fatbin.c - the fatbinary container reader against real nvcc output (tests/data), and
 * against every truncation and a spread of corruptions of it.  Damaged input must be reported,
 * never read past: each buffer under test ends at a page followed by an inaccessible guard page,
 * so an over-read crashes the test instead of passing silently.
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fatbin.h"

static unsigned char *read_data(const char *name, size_t *len)
{
    char path[256];
    snprintf(path, sizeof path, "tests/data/%s", name);
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s (run from the repository root)", path);
    unsigned char *buf = malloc(1 << 20);
    *len = fread(buf, 1, 1 << 20, f);
    fclose(f);
    return buf;
}

/* A copy of data placed so its last byte is the last readable byte before a guard page. */
struct guarded {
    unsigned char *map;
    size_t map_len;
    unsigned char *data;
};

static struct guarded guard(const unsigned char *data, size_t len)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t pages = (len + page - 1) / page + 1;
    struct guarded g;
    g.map_len = pages * page;
    g.map = mmap(NULL, g.map_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ck_assert(g.map != MAP_FAILED);
    ck_assert_int_eq(mprotect(g.map + (pages - 1) * page, page, PROT_NONE), 0);
    g.data = g.map + (pages - 1) * page - len;
    memcpy(g.data, data, len);
    return g;
}

static void unguard(struct guarded *g)
{
    munmap(g->map, g->map_len);
}

struct seen {
    int ptx, elf;
    unsigned ptx_sm, elf_sm;
    unsigned ptx_major;
    int zstd, lz4;
    char *ptx_text;
    size_t ptx_len;
    char why[256];
};

static int note_entry(const struct fatbin_entry *e, void *ctx)
{
    struct seen *s = ctx;
    if (e->kind == FATBIN_KIND_PTX) {
        s->ptx++;
        s->ptx_sm = e->sm;
        s->ptx_major = e->ptx_major;
        s->zstd = (e->flags & FATBIN_FLAG_COMPRESSED_ZSTD) != 0;
        s->lz4 = (e->flags & FATBIN_FLAG_COMPRESSED_LZ4) != 0;
        free(s->ptx_text);
        s->ptx_text = fatbin_entry_contents(e, &s->ptx_len, s->why, sizeof s->why);
    } else if (e->kind == FATBIN_KIND_ELF) {
        s->elf++;
        s->elf_sm = e->sm;
        size_t len;
        char *elf = fatbin_entry_contents(e, &len, s->why, sizeof s->why);
        ck_assert(elf != NULL);
        ck_assert(len > 4 && memcmp(elf, "\177ELF", 4) == 0);
        free(elf);
    }
    return 0;
}

START_TEST(reads_nvcc_default_output)
{
    size_t len;
    unsigned char *raw = read_data("default.fatbin", &len);
    struct guarded g = guard(raw, len);
    char why[256];
    ck_assert_uint_eq(fatbin_total_size(g.data, len, why, sizeof why), len);
    struct seen s = {0};
    ck_assert_int_eq(fatbin_for_each_entry(g.data, len, note_entry, &s, why, sizeof why), 0);
    ck_assert_int_eq(s.ptx, 1);
    ck_assert_int_eq(s.elf, 1);
    ck_assert_uint_eq(s.ptx_sm, 75);
    ck_assert_uint_eq(s.elf_sm, 75);
    ck_assert_uint_eq(s.ptx_major, 9);
    ck_assert(s.zstd);
    ck_assert_msg(s.ptx_text != NULL, "%s", s.why);
    ck_assert(strstr(s.ptx_text, ".entry _Z10scaled_addPKfS0_Pfi") != NULL);
    ck_assert(strstr(s.ptx_text, ".target sm_75") != NULL);
    ck_assert_uint_eq(strlen(s.ptx_text), s.ptx_len);
    free(s.ptx_text);
    unguard(&g);
    free(raw);
}
END_TEST

START_TEST(compressed_and_uncompressed_agree)
{
    size_t a_len, b_len;
    unsigned char *a = read_data("default.fatbin", &a_len);
    unsigned char *b = read_data("uncompressed.fatbin", &b_len);
    char why[256];
    struct seen sa = {0}, sb = {0};
    ck_assert_int_eq(fatbin_for_each_entry(a, a_len, note_entry, &sa, why, sizeof why), 0);
    ck_assert_int_eq(fatbin_for_each_entry(b, b_len, note_entry, &sb, why, sizeof why), 0);
    ck_assert(sa.zstd && !sb.zstd);
    ck_assert(sa.ptx_text != NULL && sb.ptx_text != NULL);
    ck_assert_str_eq(sa.ptx_text, sb.ptx_text);
    free(sa.ptx_text);
    free(sb.ptx_text);
    free(a);
    free(b);
}
END_TEST

/* nvcc 13 --compress-mode=speed (and CUDA 12's default) compress with LZ4: the same PTX. */
START_TEST(lz4_and_zstd_agree)
{
    size_t a_len, b_len;
    unsigned char *a = read_data("default.fatbin", &a_len);
    unsigned char *b = read_data("lz4.fatbin", &b_len);
    char why[256];
    struct seen sa = {0}, sb = {0};
    ck_assert_int_eq(fatbin_for_each_entry(a, a_len, note_entry, &sa, why, sizeof why), 0);
    ck_assert_int_eq(fatbin_for_each_entry(b, b_len, note_entry, &sb, why, sizeof why), 0);
    ck_assert(sa.zstd && sb.lz4);
    ck_assert_msg(sb.ptx_text != NULL, "%s", sb.why);
    ck_assert_str_eq(sa.ptx_text, sb.ptx_text);
    ck_assert_uint_eq(strlen(sb.ptx_text), sb.ptx_len);
    free(sa.ptx_text);
    free(sb.ptx_text);
    free(a);
    free(b);
}
END_TEST

START_TEST(sass_only_has_no_ptx)
{
    size_t len;
    unsigned char *raw = read_data("sass_only.fatbin", &len);
    char why[256];
    struct seen s = {0};
    ck_assert_int_eq(fatbin_for_each_entry(raw, len, note_entry, &s, why, sizeof why), 0);
    ck_assert_int_eq(s.ptx, 0);
    ck_assert_int_eq(s.elf, 1);
    ck_assert_uint_eq(s.elf_sm, 80);
    free(raw);
}
END_TEST

static int count_entry(const struct fatbin_entry *e, void *ctx)
{
    size_t len;
    char why[256];
    char *contents = fatbin_entry_contents(e, &len, why, sizeof why);
    free(contents);
    ++*(int *)ctx;
    return 0;
}

START_TEST(every_truncation_is_reported)
{
    size_t len;
    unsigned char *raw = read_data("default.fatbin", &len);
    for (size_t cut = 0; cut < len; cut++) {
        struct guarded g = guard(raw, cut);
        char why[256] = "";
        int entries = 0;
        int rc = fatbin_for_each_entry(g.data, cut, count_entry, &entries, why, sizeof why);
        ck_assert_msg(rc == -1, "truncation at %zu bytes was accepted", cut);
        ck_assert_msg(why[0] != '\0', "truncation at %zu bytes gave no reason", cut);
        unguard(&g);
    }
    free(raw);
}
END_TEST

START_TEST(corruptions_never_crash)
{
    size_t len;
    unsigned char *raw = read_data("default.fatbin", &len);
    unsigned char *copy = malloc(len);
    srand(1234);
    int rejected = 0;
    for (int round = 0; round < 3000; round++) {
        memcpy(copy, raw, len);
        /* The headers (first 200 bytes) get most of the damage: that is where sizes live. */
        int flips = 1 + rand() % 4;
        for (int i = 0; i < flips; i++) {
            size_t at = round % 2 ? (size_t)rand() % 200 : (size_t)rand() % len;
            copy[at] ^= (unsigned char)(1 + rand() % 255);
        }
        struct guarded g = guard(copy, len);
        char why[256];
        int entries = 0;
        if (fatbin_for_each_entry(g.data, len, count_entry, &entries, why, sizeof why) != 0)
            rejected++;
        unguard(&g);
    }
    ck_assert(rejected > 0);
    free(copy);
    free(raw);
}
END_TEST

/* Damage inside an LZ4 payload: decompressing reports it or yields some text, never reads or
 * writes out of bounds (ASan runs hold it to that). */
static int decompress_entry(const struct fatbin_entry *e, void *ctx)
{
    size_t len;
    char why[256] = "";
    char *text = fatbin_entry_contents(e, &len, why, sizeof why);
    if (text == NULL)
        ck_assert(why[0] != '\0');
    else
        (*(int *)ctx)++;
    free(text);
    return 0;
}

START_TEST(damaged_lz4_payload_never_crashes)
{
    size_t len;
    unsigned char *raw = read_data("lz4.fatbin", &len);
    unsigned char *copy = malloc(len);
    srand(4321);
    for (int round = 0; round < 2000; round++) {
        memcpy(copy, raw, len);
        int flips = 1 + rand() % 6;
        for (int i = 0; i < flips; i++) {
            size_t at = 200 + (size_t)rand() % (len - 200); /* past the headers */
            copy[at] ^= (unsigned char)(1 + rand() % 255);
        }
        struct guarded g = guard(copy, len);
        char why[256];
        int decoded = 0;
        fatbin_for_each_entry(g.data, len, decompress_entry, &decoded, why, sizeof why);
        unguard(&g);
    }
    free(copy);
    free(raw);
}
END_TEST

START_TEST(wrapper_is_checked)
{
    unsigned char w[24] = {0};
    char why[256];
    struct fatbin_wrapper out;
    ck_assert_int_eq(fatbin_read_wrapper(w, sizeof w, &out, why, sizeof why), -1);
    ck_assert(strstr(why, "magic") != NULL);
    ck_assert_int_eq(fatbin_read_wrapper(w, 10, &out, why, sizeof why), -1);
    ck_assert_int_eq(fatbin_read_wrapper(NULL, 24, &out, why, sizeof why), -1);
    const unsigned magic = FATBIN_WRAPPER_MAGIC;
    memcpy(w, &magic, 4);
    w[4] = 1;
    ck_assert_int_eq(fatbin_read_wrapper(w, sizeof w, &out, why, sizeof why), -1); /* no fatbin */
    const void *target = w;
    memcpy(w + 8, &target, sizeof target);
    ck_assert_int_eq(fatbin_read_wrapper(w, sizeof w, &out, why, sizeof why), 0);
    ck_assert_uint_eq(out.version, 1);
    ck_assert_ptr_eq(out.fatbin, w);
}
END_TEST

START_TEST(damaged_zstd_payload_is_reported)
{
    size_t len;
    unsigned char *raw = read_data("default.fatbin", &len);
    struct seen s = {0};
    char why[256];
    /* Find the PTX entry's payload and scramble its middle. */
    ck_assert_int_eq(fatbin_for_each_entry(raw, len, note_entry, &s, why, sizeof why), 0);
    free(s.ptx_text);
    unsigned char *ptx_entry = NULL;
    for (size_t at = 16; at + 8 < len; at += 8)
        if (raw[at] == 1 && raw[at + 1] == 0 && raw[at + 4] == 80) {
            ptx_entry = raw + at;
            break;
        }
    ck_assert(ptx_entry != NULL);
    for (int i = 0; i < 64; i++)
        ptx_entry[80 + 40 + i] ^= 0x5A;
    memset(&s, 0, sizeof s);
    ck_assert_int_eq(fatbin_for_each_entry(raw, len, note_entry, &s, why, sizeof why), 0);
    ck_assert_ptr_null(s.ptx_text);
    ck_assert(strstr(s.why, "zstd") != NULL);
    free(raw);
}
END_TEST

/* Every input the fuzzer ever kept (tests/fuzz/corpus/fatbin, crashes fixed included) is
 * replayed here, guarded, so a fixed crash stays fixed in every `make test`. */
START_TEST(fuzz_corpus_replays_cleanly)
{
    DIR *d = opendir("tests/fuzz/corpus/fatbin");
    ck_assert(d != NULL);
    struct dirent *e;
    int replayed = 0;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char name[300];
        snprintf(name, sizeof name, "../fuzz/corpus/fatbin/%s", e->d_name);
        size_t len;
        unsigned char *raw = read_data(name, &len);
        struct guarded g = guard(raw, len);
        char why[256];
        int entries = 0;
        fatbin_for_each_entry(g.data, len, count_entry, &entries, why, sizeof why);
        unguard(&g);
        free(raw);
        replayed++;
    }
    closedir(d);
    ck_assert_int_ge(replayed, 4);
}
END_TEST

Suite *suite_fatbin(void)
{
    Suite *s = suite_create("fatbin");
    TCase *tc = tcase_create("container");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, reads_nvcc_default_output);
    tcase_add_test(tc, compressed_and_uncompressed_agree);
    tcase_add_test(tc, lz4_and_zstd_agree);
    tcase_add_test(tc, damaged_lz4_payload_never_crashes);
    tcase_add_test(tc, sass_only_has_no_ptx);
    tcase_add_test(tc, every_truncation_is_reported);
    tcase_add_test(tc, corruptions_never_crash);
    tcase_add_test(tc, wrapper_is_checked);
    tcase_add_test(tc, damaged_zstd_payload_is_reported);
    tcase_add_test(tc, fuzz_corpus_replays_cleanly);
    suite_add_tcase(s, tc);
    return s;
}
