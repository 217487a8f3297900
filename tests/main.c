/* main.c — the CUnit runner: registers every suite in tests/suites.def and
 * runs them in basic mode (or only those named on the command line:
 * `build/tests/run-tests 'isa: round trip'`).  After CUnit's table, one last
 * line: "N passed, N failed, N skipped (of T tests) in S s", the wall time
 * measured here (CUnit's "Elapsed time" counts CPU time, not the waits on
 * child processes).  Exit status 1 if any failed.
 *
 * The tests that need /dev/kvm run where there is a hardware-assisted one:
 * here, or else in the SVM host (tests/kvm/kvm_delegate.h), started in the
 * background while the others run here; its console follows theirs and its
 * counts are in the last line.  There this runner runs as
 * `run-tests --in-svm-host=N,...`: only those tests of the suites numbered N
 * (their places in suites.def). */
#include <CUnit/Basic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kvm/kvm_delegate.h"
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

static const char inside_flag[] = "--in-svm-host=";

static int
wanted(const char *suite, int argc, char **argv)
{
	int filters = 0;
	for (int i = 1; i < argc; i++) {
		if (strncmp(argv[i], inside_flag, strlen(inside_flag)) == 0)
			continue;
		filters++;
		if (strstr(suite, argv[i]))
			return 1;
	}
	return filters == 0;
}

/* Which of a suite's tests to register. */
enum pick {
	PICK_ALL,
	PICK_KVM,             /* those that need /dev/kvm (in the SVM host) */
	PICK_NOT_KVM,         /* the others (here, when they moved) */
	PICK_NOT_HARDWARE,    /* all but those that need hardware assist (here, on kvm_pvm) */
};

static bool
picked(const char *suite, const char *test, enum pick pick)
{
	switch (pick) {
	case PICK_KVM:          return kvm_delegate_needs_kvm(suite, test);
	case PICK_NOT_KVM:      return !kvm_delegate_needs_kvm(suite, test);
	case PICK_NOT_HARDWARE: return !kvm_delegate_needs_hardware(suite, test);
	default:                return true;
	}
}

/* How many of the suite's tests `pick` takes; with `out`, the suite with only
 * those (its test list malloc'd). */
static unsigned
pick_tests(const CU_SuiteInfo *s, enum pick pick, CU_SuiteInfo *out)
{
	unsigned n = 0, all = 0;
	for (const CU_TestInfo *t = s->pTests; t && t->pName; t++, all++)
		n += picked(s->pName, t->pName, pick);
	if (out) {
		CU_TestInfo *tests = calloc(all + 1, sizeof *tests), *next = tests;
		for (const CU_TestInfo *t = s->pTests; t && t->pName; t++)
			if (picked(s->pName, t->pName, pick))
				*next++ = *t;
		*next = (CU_TestInfo)CU_TEST_INFO_NULL;
		*out = *s;
		out->pTests = tests;
	}
	return n;
}

int
main(int argc, char **argv)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	const char *inside = NULL;   /* --in-svm-host=N,...: the KVM tests of those suites */
	for (int i = 1; i < argc; i++)
		if (strncmp(argv[i], inside_flag, strlen(inside_flag)) == 0)
			inside = argv[i] + strlen(inside_flag);
	size_t count = 0;
	while (all_suites[count])
		count++;
	bool chosen[count];
	for (size_t i = 0; i < count; i++)
		chosen[i] = false;
	if (inside) {
		if (!kvm_delegate_inside_ok())
			return 2;
		for (const char *p = inside; *p; p += strspn(p, ",")) {
			char *end;
			unsigned long i = strtoul(p, &end, 10);
			if (end == p || i >= count) {
				fprintf(stderr, "run-tests: %s%s: no suite %.*s\n", inside_flag, inside,
					(int)strcspn(p, ","), p);
				return 2;
			}
			chosen[i] = true;
			p = end;
		}
	} else {
		for (size_t i = 0; i < count; i++)
			chosen[i] = wanted(all_suites[i]->pName, argc, argv);
	}

	/* The tests that need /dev/kvm among those chosen: where do they run? */
	unsigned kvm_tests = 0;
	char moved[512] = "", why[1024] = "";
	for (size_t i = 0; i < count; i++) {
		unsigned n = chosen[i] ? pick_tests(all_suites[i], PICK_KVM, NULL) : 0;
		kvm_tests += n;
		if (n && strlen(moved) + 8 < sizeof moved)
			snprintf(moved + strlen(moved), sizeof moved - strlen(moved), "%s%zu",
				 *moved ? "," : "", i);
	}
	enum kvm_delegate_plan plan = KVM_DELEGATE_HERE;
	if (!inside && kvm_tests)
		plan = kvm_delegate_plan(why, sizeof why);

	CU_SuiteInfo list[count + 1];
	size_t n = 0;
	for (size_t i = 0; i < count; i++) {
		if (!chosen[i])
			continue;
		enum pick pick = inside                     ? PICK_KVM
			       : plan == KVM_DELEGATE_MOVE ? PICK_NOT_KVM
			       : plan == KVM_DELEGATE_BOTH ? PICK_NOT_HARDWARE
			       : PICK_ALL;
		if (pick_tests(all_suites[i], pick, NULL))
			pick_tests(all_suites[i], pick, &list[n++]);
	}
	list[n] = (CU_SuiteInfo)CU_SUITE_INFO_NULL;
	if (CU_register_suites(list) != CUE_SUCCESS) {
		fprintf(stderr, "run-tests: %s\n", CU_get_error_msg());
		return 2;
	}

	double start = test_seconds();
	struct kvm_delegate *svm = NULL;
	if (plan == KVM_DELEGATE_UNABLE)
		printf("run-tests: the %u tests that need /dev/kvm run here, not in the SVM host: %s\n",
		       kvm_tests, why);
	if (plan == KVM_DELEGATE_MOVE || plan == KVM_DELEGATE_BOTH) {
		printf("run-tests: %s\nrun-tests: so the %u tests that need /dev/kvm run in the SVM host "
		       "(guests/x86/svm-host/: QEMU's software AMD-V, /dev/kvm from kvm_amd)%s\n",
		       why, kvm_tests, plan == KVM_DELEGATE_BOTH ? ", and here as well but for those "
		       "that need hardware assist" : "");
		svm = kvm_delegate_start(moved, kvm_tests);
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	struct kvm_delegate_counts c = {
		.ran = CU_get_number_of_tests_run(),
		.failed = CU_get_number_of_tests_failed(),
		.skipped = test_skipped(),
	};
	unsigned suites_failed = CU_get_number_of_suites_failed();
	CU_cleanup_registry();
	for (size_t i = 0; i < n; i++)
		free((void *)list[i].pTests);
	c.passed = c.ran - c.failed >= c.skipped ? c.ran - c.failed - c.skipped : 0;
	int delegated = 0;
	if (plan == KVM_DELEGATE_MOVE || plan == KVM_DELEGATE_BOTH)
		delegated = kvm_delegate_finish(svm, kvm_tests, &c);
	else if (plan == KVM_DELEGATE_UNABLE)
		printf("\nrun-tests: the %u tests that need /dev/kvm ran here, not in the SVM host: %s\n",
		       kvm_tests, why);
	printf("\nrun-tests: %u passed, %u failed, %u skipped (of %u tests", c.passed, c.failed,
	       c.skipped, c.ran);
	if (suites_failed)
		printf("; %u suites could not start", suites_failed);
	printf(") in %.0f s\n", test_seconds() - start);
	return (c.failed || suites_failed || delegated) ? 1 : 0;
}
