/* main.c — the CUnit runner: registers every suite in tests/suites.def and
 * runs them in basic mode (or only those named on the command line:
 * `build/tests/run-tests 'isa: round trip'`).  After CUnit's table, one last
 * line: "N passed, N failed, N skipped (of T tests) in S s", the wall time
 * measured here (CUnit's "Elapsed time" counts CPU time, not the waits on
 * child processes).  Exit status 1 if any failed.
 *
 * The tests that need /dev/kvm run where there is a hardware-assisted one:
 * here, or else in the SVM host and some of them in the VMX host too
 * (tests/kvm/kvm_delegate.h), started in the background one after the other
 * while the others run here; their consoles follow and their counts are in
 * the last line.  There this runner runs as `run-tests --in-svm-host=N,...`
 * (`--vmx-host-too`: but for the VMX host's own) or `--in-vmx-host=N,...`:
 * only those tests of the suites numbered N (their places in suites.def). */
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

const CU_SuiteInfo *const *
test_all_suites(void)
{
	return (const CU_SuiteInfo *const *)all_suites;
}

static const char svm_flag[] = "--in-svm-host=", vmx_flag[] = "--in-vmx-host=",
		  beside_flag[] = "--vmx-host-too";

static bool
is_flag(const char *arg)
{
	return strncmp(arg, svm_flag, strlen(svm_flag)) == 0 ||
	       strncmp(arg, vmx_flag, strlen(vmx_flag)) == 0 || strcmp(arg, beside_flag) == 0;
}

static int
wanted(const char *suite, int argc, char **argv)
{
	int filters = 0;
	for (int i = 1; i < argc; i++) {
		if (is_flag(argv[i]))
			continue;
		filters++;
		if (strstr(suite, argv[i]))
			return 1;
	}
	return filters == 0;
}

/* How many of the suite's tests `pick` takes; with `out`, the suite with only
 * those (its test list malloc'd). */
static unsigned
pick_tests(const CU_SuiteInfo *s, enum kvm_pick pick, CU_SuiteInfo *out)
{
	unsigned n = 0, all = 0;
	for (const CU_TestInfo *t = s->pTests; t && t->pName; t++, all++)
		n += kvm_delegate_picks(s->pName, t->pName, pick);
	if (out) {
		CU_TestInfo *tests = calloc(all + 1, sizeof *tests), *next = tests;
		for (const CU_TestInfo *t = s->pTests; t && t->pName; t++)
			if (kvm_delegate_picks(s->pName, t->pName, pick))
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
	const char *inside = NULL;   /* --in-svm-host=N,... or --in-vmx-host=N,...: those suites' */
	enum kvm_pick inside_pick = KVM_PICK_KVM;
	for (int i = 1; i < argc; i++) {
		if (strncmp(argv[i], svm_flag, strlen(svm_flag)) == 0)
			inside = argv[i] + strlen(svm_flag);
		if (strncmp(argv[i], vmx_flag, strlen(vmx_flag)) == 0) {
			inside = argv[i] + strlen(vmx_flag);
			inside_pick = KVM_PICK_VMX;
		}
	}
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], beside_flag) == 0 && inside_pick == KVM_PICK_KVM)
			inside_pick = KVM_PICK_SVM_BESIDE_VMX;
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
				fprintf(stderr, "run-tests: %s: no suite %.*s\n", inside, (int)strcspn(p, ","), p);
				return 2;
			}
			chosen[i] = true;
			p = end;
		}
	} else {
		for (size_t i = 0; i < count; i++)
			chosen[i] = wanted(all_suites[i]->pName, argc, argv);
	}

	/* The tests that need /dev/kvm among those chosen: where do they run?
	 * Where they move, the VMX host takes its own share once the SVM host is
	 * done, if it can. */
	enum kvm_delegate_plan plan = KVM_DELEGATE_HERE;
	char why[1024] = "", vmx_why[512] = "";
	bool vmx = false;
	unsigned kvm_tests = 0;
	for (size_t i = 0; i < count; i++)
		kvm_tests += chosen[i] ? pick_tests(all_suites[i], KVM_PICK_KVM, NULL) : 0;
	if (!inside && kvm_tests)
		plan = kvm_delegate_plan(why, sizeof why);
	bool moving = plan == KVM_DELEGATE_MOVE || plan == KVM_DELEGATE_BOTH;
	if (moving)
		vmx = kvm_delegate_vmx_ready(vmx_why, sizeof vmx_why);
	char svm_suites[512] = "", vmx_suites[512] = "";
	unsigned svm_tests = 0, vmx_tests = 0;
	for (size_t i = 0; moving && i < count; i++) {
		unsigned ns = chosen[i] ? pick_tests(all_suites[i], vmx ? KVM_PICK_SVM_BESIDE_VMX : KVM_PICK_KVM, NULL) : 0;
		unsigned nv = chosen[i] && vmx ? pick_tests(all_suites[i], KVM_PICK_VMX, NULL) : 0;
		svm_tests += ns;
		vmx_tests += nv;
		if (ns && strlen(svm_suites) + 8 < sizeof svm_suites)
			snprintf(svm_suites + strlen(svm_suites), sizeof svm_suites - strlen(svm_suites),
				 "%s%zu", *svm_suites ? "," : "", i);
		if (nv && strlen(vmx_suites) + 8 < sizeof vmx_suites)
			snprintf(vmx_suites + strlen(vmx_suites), sizeof vmx_suites - strlen(vmx_suites),
				 "%s%zu", *vmx_suites ? "," : "", i);
	}

	CU_SuiteInfo list[count + 1];
	size_t n = 0;
	for (size_t i = 0; i < count; i++) {
		if (!chosen[i])
			continue;
		enum kvm_pick pick = inside                     ? inside_pick
				   : plan == KVM_DELEGATE_MOVE ? KVM_PICK_NOT_KVM
				   : plan == KVM_DELEGATE_BOTH ? KVM_PICK_NOT_HARDWARE
				   : KVM_PICK_ALL;
		if (pick_tests(all_suites[i], pick, NULL))
			pick_tests(all_suites[i], pick, &list[n++]);
	}
	list[n] = (CU_SuiteInfo)CU_SUITE_INFO_NULL;
	if (CU_register_suites(list) != CUE_SUCCESS) {
		fprintf(stderr, "run-tests: %s\n", CU_get_error_msg());
		return 2;
	}

	double start = test_seconds();
	struct kvm_delegate *svm = NULL, *vmx_run = NULL;
	if (plan == KVM_DELEGATE_UNABLE)
		printf("run-tests: the %u tests that need /dev/kvm run here, not in the SVM host: %s\n",
		       kvm_tests, why);
	if (moving) {
		printf("run-tests: %s\nrun-tests: so the %u tests that need /dev/kvm run in the SVM host "
		       "(guests/x86/svm-host/: QEMU's software AMD-V, /dev/kvm from kvm_amd)%s\n",
		       why, kvm_tests, plan == KVM_DELEGATE_BOTH ? ", and here as well but for those "
		       "that need hardware assist" : "");
		if (vmx)
			printf("run-tests: and %u of them in the VMX host (guests/x86/vmx-host/: Bochs's "
			       "software VT-x, /dev/kvm from kvm_intel), %u of those there only\n",
			       vmx_tests, kvm_tests - svm_tests);
		else
			printf("run-tests: none in the VMX host: %s\n", vmx_why);
		svm = kvm_delegate_start(KVM_TEST_SVM_HOST, svm_suites, svm_tests, vmx, NULL);
		if (vmx)
			vmx_run = kvm_delegate_start(KVM_TEST_VMX_HOST, vmx_suites, vmx_tests, false, svm);
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
	if (moving)
		delegated = kvm_delegate_finish(svm, KVM_TEST_SVM_HOST, svm_tests, &c);
	if (moving && vmx)
		delegated |= kvm_delegate_finish(vmx_run, KVM_TEST_VMX_HOST, vmx_tests, &c);
	if (plan == KVM_DELEGATE_UNABLE)
		printf("\nrun-tests: the %u tests that need /dev/kvm ran here, not in the SVM host: %s\n",
		       kvm_tests, why);
	printf("\nrun-tests: %u passed, %u failed, %u skipped (of %u tests", c.passed, c.failed,
	       c.skipped, c.ran);
	if (suites_failed)
		printf("; %u suites could not start", suites_failed);
	printf(") in %.0f s\n", test_seconds() - start);
	return (c.failed || suites_failed || delegated) ? 1 : 0;
}
