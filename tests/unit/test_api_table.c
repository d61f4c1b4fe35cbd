/*
 * test_api_table.c - the API table and what it generates: 422 unique entries, every dispatch
 * slot filled, per-thread variants pointing at real functions, and the not-supported default
 * answering cudaErrorNotSupported, recording the last error and saying so once on stderr.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api.h"
#include "runtime.h"

START_TEST(table_has_every_function_once)
{
    ck_assert_int_eq(CUSHIM_API_COUNT, 422);
    for (int i = 0; i < CUSHIM_API_COUNT; i++)
        for (int j = i + 1; j < CUSHIM_API_COUNT; j++)
            ck_assert_msg(strcmp(cushim_api_entries[i].name, cushim_api_entries[j].name) != 0,
                          "%s listed twice", cushim_api_entries[i].name);
}
END_TEST

START_TEST(every_slot_is_filled)
{
    const void *const *slots = (const void *const *)&cushim_impl_table;
    size_t n = sizeof cushim_impl_table / sizeof(void *);
    ck_assert_uint_eq(n, CUSHIM_API_COUNT);
    for (size_t i = 0; i < n; i++)
        ck_assert_msg(slots[i] != NULL, "%s has no slot", cushim_api_entries[i].name);
}
END_TEST

START_TEST(per_thread_variants_name_their_base)
{
    int variants = 0;
    for (int i = 0; i < CUSHIM_API_COUNT; i++) {
        const struct cushim_api_entry *e = &cushim_api_entries[i];
        if (e->status != CUSHIM_API_PT)
            continue;
        variants++;
        size_t len = strlen(e->base);
        ck_assert_msg(strncmp(e->name, e->base, len) == 0 &&
                          (strcmp(e->name + len, "_ptsz") == 0 ||
                           strcmp(e->name + len, "_ptds") == 0),
                      "%s does not name its base %s", e->name, e->base);
        int found = 0;
        for (int j = 0; j < CUSHIM_API_COUNT; j++)
            found |= strcmp(cushim_api_entries[j].name, e->base) == 0 &&
                     cushim_api_entries[j].status != CUSHIM_API_PT;
        ck_assert_msg(found, "%s: base %s is not in the table", e->name, e->base);
    }
    ck_assert_int_eq(variants, 69);
}
END_TEST

/* Runs fn with stderr captured into buf. */
static void capture_stderr(void (*fn)(void), char *buf, size_t len)
{
    fflush(stderr);
    int saved = dup(2);
    char path[] = "/tmp/cushim-stderr-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    dup2(fd, 2);
    fn();
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    lseek(fd, 0, SEEK_SET);
    ssize_t got = read(fd, buf, len - 1);
    buf[got > 0 ? got : 0] = '\0';
    close(fd);
    unlink(path);
}

static cudaError_t first, second, last_error;

static void call_unsupported_twice(void)
{
    first = cudaImportExternalSemaphore(NULL, NULL);
    second = cudaImportExternalSemaphore(NULL, NULL);
    last_error = cudaGetLastError();
}

START_TEST(unsupported_function_says_so_once)
{
    char out[512];
    capture_stderr(call_unsupported_twice, out, sizeof out);
    ck_assert_int_eq(first, cudaErrorNotSupported);
    ck_assert_int_eq(second, cudaErrorNotSupported);
    ck_assert_int_eq(last_error, cudaErrorNotSupported);
    const char *notice = "cushim: cudaImportExternalSemaphore is not supported yet\n";
    ck_assert_str_eq(out, notice);
    ck_assert_int_eq(cudaGetLastError(), cudaSuccess);
}
END_TEST

START_TEST(error_group_does_not_record)
{
    cushim_set_last_error(cudaErrorInvalidValue);
    ck_assert_int_eq(cudaPeekAtLastError(), cudaErrorInvalidValue);
    ck_assert_int_eq(cudaPeekAtLastError(), cudaErrorInvalidValue);
    ck_assert_int_eq(cudaGetLastError(), cudaErrorInvalidValue);
    ck_assert_int_eq(cudaGetLastError(), cudaSuccess);
    ck_assert_str_eq(cudaGetErrorName(cudaErrorLaunchTimeout), "cudaErrorLaunchTimeout");
    ck_assert_str_eq(cudaGetErrorString((cudaError_t)-7), "unrecognized error code");
}
END_TEST

Suite *suite_api_table(void)
{
    Suite *s = suite_create("api_table");
    TCase *tc = tcase_create("table");
    tcase_add_test(tc, table_has_every_function_once);
    tcase_add_test(tc, every_slot_is_filled);
    tcase_add_test(tc, per_thread_variants_name_their_base);
    tcase_add_test(tc, unsupported_function_says_so_once);
    tcase_add_test(tc, error_group_does_not_record);
    suite_add_tcase(s, tc);
    return s;
}
