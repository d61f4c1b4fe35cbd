/*
 * test_engine_limits.c - modules and launches beyond what any device has are refused, not run
 * with sizes cut to 32 bits (issue 7; inputs from the launch fuzzer's adversarial seeds):
 * a module with more than a gigabyte of shared memory does not load (MU_ERROR_INVALID_PTX, as
 * a GPU's JIT refuses it), nor one whose function frames need more than a GPU's 512 KiB of local
 * memory per thread; a launch asking for more dynamic shared memory than a gigabyte is
 * MU_ERROR_INVALID_VALUE.  Modules just inside the limits still load.
 *
 * Owns: tests of ENG_MAX_SHARED's checks in eng_module.c and eng_launch.c.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../ptx/harness.h"

#define HEADER ".version 8.0\n.target sm_80\n.address_size 64\n"

static MUresult load_with_shared(const char *decl)
{
    char text[1024];
    snprintf(text, sizeof text,
             HEADER "%s.visible .entry k()\n{\n%s .reg .b32 %%r<2>;\n mov.u32 %%r1, 7;\n"
                    " st.shared.u32 [s+8], %%r1;\n ret;\n}\n",
             strstr(decl, "module") ? ".shared .align 4 .b8 s[3000000000];\n" : "",
             strstr(decl, "module") ? "" : decl);
    engine_module *m = NULL;
    MUresult r = th_load_text(text, &m);
    if (m != NULL)
        engine_module_unload(m);
    return r;
}

START_TEST(too_much_shared_memory_does_not_load)
{
    /* 3 GB: more than the limit; 4 GB - 1 and 2^32 + 8 would wrap 32-bit sizes */
    ck_assert_int_eq(load_with_shared(" .shared .align 4 .b8 s[3000000000];\n"),
                     MU_ERROR_INVALID_PTX);
    ck_assert_int_eq(load_with_shared(" .shared .align 4 .b8 s[4294967295];\n"),
                     MU_ERROR_INVALID_PTX);
    ck_assert_int_eq(load_with_shared(" .shared .align 4 .b8 s[4294967304];\n"),
                     MU_ERROR_INVALID_PTX);
    ck_assert_int_eq(load_with_shared(" .shared .align 4 .b8 a[4294967200];\n"
                                      " .shared .align 4 .b8 s[1000];\n"),
                     MU_ERROR_INVALID_PTX);
    ck_assert_int_eq(load_with_shared("module"), MU_ERROR_INVALID_PTX);
    /* within the limit: loads */
    ck_assert_int_eq(load_with_shared(" .shared .align 4 .b8 s[1048576];\n"), MU_SUCCESS);
}
END_TEST

/* The launch fuzzer's first crash (tests/fuzz/corpus/launch/crash-16983ef...): 4 GB of local
 * memory per thread became a 256 GB allocation at launch. */
static MUresult load_with_local(unsigned long long bytes)
{
    char text[1024];
    snprintf(text, sizeof text,
             HEADER ".visible .entry k()\n{\n .local .align 4 .b8 a[%llu];\n"
                    " .local .align 4 .b8 b[1000];\n .reg .b32 %%r<2>;\n mov.u32 %%r1, 7;\n"
                    " st.local.u32 [b+8], %%r1;\n ret;\n}\n",
             bytes);
    engine_module *m = NULL;
    MUresult r = th_load_text(text, &m);
    if (m != NULL)
        engine_module_unload(m);
    return r;
}

START_TEST(too_much_local_memory_does_not_load)
{
    ck_assert_int_eq(load_with_local(4294390104ull), MU_ERROR_INVALID_PTX);
    ck_assert_int_eq(load_with_local(1ull << 40), MU_ERROR_INVALID_PTX);
    ck_assert_int_eq(load_with_local((512u << 10) - 1000 + 1), MU_ERROR_INVALID_PTX);
    ck_assert_int_eq(load_with_local((512u << 10) - 1000), MU_SUCCESS); /* exactly 512 KiB */
}
END_TEST

START_TEST(too_much_dynamic_shared_memory_is_refused)
{
    engine_module *m = NULL;
    ck_assert_int_eq(th_load_text(HEADER ".visible .entry k()\n{\n ret;\n}\n", &m), MU_SUCCESS);
    ck_assert_int_eq(th_launch(m, "k", th_dim(1, 1, 1), th_dim(32, 1, 1), (size_t)1 << 31, NULL),
                     MU_ERROR_INVALID_VALUE);
    ck_assert_int_eq(th_launch(m, "k", th_dim(1, 1, 1), th_dim(32, 1, 1), 1 << 12, NULL),
                     MU_SUCCESS);
    engine_module_unload(m);
}
END_TEST

Suite *suite_engine_limits(void)
{
    Suite *s = suite_create("engine_limits");
    TCase *tc = tcase_create("limits");
    tcase_add_test(tc, too_much_shared_memory_does_not_load);
    tcase_add_test(tc, too_much_local_memory_does_not_load);
    tcase_add_test(tc, too_much_dynamic_shared_memory_is_refused);
    suite_add_tcase(s, tc);
    return s;
}
