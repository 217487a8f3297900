/* main.c — the CUnit runner: registers every suite in tests/suites.def and
 * runs them in basic mode (or only those named on the command line:
 * `build/tests/run-tests 'isa: round trip'`).  After CUnit's table, one last
 * line: "N passed, N failed, N skipped (of T tests) in S s", the wall time
 * measured here (CUnit's "Elapsed time" counts CPU time, not the waits on
 * child processes).  Exit status 1 if any failed. */
#include <CUnit/Basic.h>
#include <stdio.h>
#include <string.h>

#include "support.h"

#define SUITE(name) extern CU_SuiteInfo name;
#include "suites.def"
#undef SUITE

static CU_SuiteInfo *const all_suites[] = {
#define SUITE(name) &name,
#include "suites.def"
#undef SUITE
	NULL
};

static int
wanted(const char *suite, int argc, char **argv)
{
	if (argc < 2)
		return 1;
	for (int i = 1; i < argc; i++)
		if (strstr(suite, argv[i]))
			return 1;
	return 0;
}

int
main(int argc, char **argv)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	size_t n = 0;
	for (size_t i = 0; all_suites[i]; i++)
		if (wanted(all_suites[i]->pName, argc, argv))
			n++;
	CU_SuiteInfo list[n + 1];
	n = 0;
	for (size_t i = 0; all_suites[i]; i++)
		if (wanted(all_suites[i]->pName, argc, argv))
			list[n++] = *all_suites[i];
	list[n] = (CU_SuiteInfo)CU_SUITE_INFO_NULL;
	if (CU_register_suites(list) != CUE_SUCCESS) {
		fprintf(stderr, "run-tests: %s\n", CU_get_error_msg());
		return 2;
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	double start = test_seconds();
	CU_basic_run_tests();
	unsigned ran = CU_get_number_of_tests_run();
	unsigned failed = CU_get_number_of_tests_failed();
	unsigned suites_failed = CU_get_number_of_suites_failed();
	unsigned skipped = test_skipped();
	CU_cleanup_registry();
	unsigned passed = ran - failed >= skipped ? ran - failed - skipped : 0;
	printf("\nrun-tests: %u passed, %u failed, %u skipped (of %u tests", passed, failed, skipped, ran);
	if (suites_failed)
		printf("; %u suites could not start", suites_failed);
	printf(") in %.0f s\n", test_seconds() - start);
	return (failed || suites_failed) ? 1 : 0;
}
