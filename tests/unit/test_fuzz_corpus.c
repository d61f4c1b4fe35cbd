/*
 * test_fuzz_corpus.c - every input the PTX and launch fuzzers keep in the repository
 * (tests/fuzz/corpus/ptx, tests/fuzz/corpus/launch: nvcc's seeds and each crash found, fixed)
 * is replayed in every `make test` through the very code the fuzzer runs (fuzz_ptx_one.h and
 * fuzz_launch_one.h in tests/fuzz), so a fixed crash stays fixed without clang or libFuzzer.
 * The fatbin corpus is replayed by test_fatbin.c.
 *
 * Owns: the corpus replays.  A broken invariant aborts inside the replay, which Check reports
 * as this test dying.
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../fuzz/fuzz_launch_one.h"
#include "../fuzz/fuzz_ptx_one.h"

static uint8_t *read_input(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s (run from the repository root)", path);
    size_t cap = 1 << 16, n = 0, got;
    uint8_t *buf = malloc(cap);
    while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap)
            buf = realloc(buf, cap *= 2);
        ck_assert_ptr_nonnull(buf);
    }
    fclose(f);
    *len = n;
    return buf;
}

/* Calls one(data, size) on every file of the corpus; returns how many files there were and
 * counts in *seeds_ok the nvcc seeds (nvcc-*) for which one() returned non-zero. */
static int replay(const char *corpus, int (*one)(const uint8_t *, size_t), int *seeds, int *seeds_ok)
{
    char dir[256];
    snprintf(dir, sizeof dir, "tests/fuzz/corpus/%s", corpus);
    DIR *d = opendir(dir);
    ck_assert_msg(d != NULL, "cannot open %s (run from the repository root)", dir);
    int files = 0;
    *seeds = *seeds_ok = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        if (e->d_name[0] == '.')
            continue;
        char path[600];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        size_t len;
        uint8_t *data = read_input(path, &len);
        int r = one(data, len);
        if (strncmp(e->d_name, "nvcc-", 5) == 0) {
            (*seeds)++;
            *seeds_ok += r > 0;
        }
        free(data);
        files++;
    }
    closedir(d);
    return files;
}

START_TEST(ptx_corpus_replays_cleanly)
{
    int seeds, parsed;
    int files = replay("ptx", fuzz_ptx_one, &seeds, &parsed);
    ck_assert_int_ge(files, 12);
    /* nvcc's own output always parses: the seeds are worth fuzzing from */
    ck_assert_int_ge(seeds, 12);
    ck_assert_int_eq(parsed, seeds);
}
END_TEST

START_TEST(launch_corpus_replays_cleanly)
{
    int seeds, launched;
    int files = replay("launch", fuzz_launch_one, &seeds, &launched);
    ck_assert_int_ge(files, 12);
    /* every nvcc seed loads and has a kernel to run */
    ck_assert_int_ge(seeds, 12);
    ck_assert_int_eq(launched, seeds);
}
END_TEST

Suite *suite_fuzz_corpus(void)
{
    Suite *s = suite_create("fuzz_corpus");
    TCase *tc = tcase_create("replay");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, ptx_corpus_replays_cleanly);
    tcase_add_test(tc, launch_corpus_replays_cleanly);
    suite_add_tcase(s, tc);
    return s;
}
