/*
 * main.c - the one test runner `make test` ends with: every unit suite found in tests/unit
 * (generated list) and the suite that runs the .cu programs under the shim, in one Check
 * SRunner, so the last line is Check's summary and the exit status says whether all passed.
 */
#include <check.h>
#include <stdlib.h>

#define CUSHIM_SUITE(name) Suite *name(void);
#include "suites.h"
#undef CUSHIM_SUITE
Suite *suite_programs(void);

int main(void)
{
    /* Check's default of 4 s per test is too short for nvcc-built programs on 2 cores. */
    setenv("CK_DEFAULT_TIMEOUT", "120", 0);
    SRunner *runner = srunner_create(NULL);
#define CUSHIM_SUITE(name) srunner_add_suite(runner, name());
#include "suites.h"
#undef CUSHIM_SUITE
    srunner_add_suite(runner, suite_programs());
    srunner_run_all(runner, CK_ENV);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
