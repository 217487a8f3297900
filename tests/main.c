/* main.c — the CUnit runner: registers every suite in tests/suites.def and
 * runs them in basic mode (or only those named on the command line:
 * `build/tests/run-tests 'isa: round trip'`).  After CUnit's table, the five
 * slowest tests, the names of those that failed, and one last line: "N
 * passed, N failed, N skipped (of T tests) in S s", the wall time measured
 * here (CUnit's "Elapsed time" counts CPU time, not the waits on child
 * processes) — run_report.c.  A test that runs past its limit is stopped
 * by name (run_watchdog.c).  Exit status 1 if any failed.
 *
 * The tests that need /dev/kvm run where there is a hardware-assisted one:
 * here, or else in the SVM host and some of them in the VMX host too
 * (tests/kvm/kvm_delegate.h), started in the background one after the other
 * while the others run here; their consoles follow and their counts are in
 * the last line.  There this runner runs as `run-tests --in-svm-host=N,...`
 * (`--vmx-host-too`: but for the VMX host's own) or `--in-vmx-host=N,...`:
 * only those tests of the suites numbered N (their places in suites.def).
 * What it chooses, and where, is kvm/run_plan.c's (tested there); this
 * file registers, runs and counts. */
#include <CUnit/Basic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kvm/kvm_delegate.h"
#include "kvm/run_plan.h"
#include "run_report.h"
#include "run_watchdog.h"
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

/* TRAPLAB_RUN_FIXTURE set: this runner's only suite is the watchdog's
 * fixture, a test that hangs (tests/runner/test_runner.c runs it so). */
extern CU_SuiteInfo suite_runner_hang_fixture;
static CU_SuiteInfo *const fixture_suites[] = { &suite_runner_hang_fixture, NULL };

const CU_SuiteInfo *const *
test_all_suites(void)
{
	if (getenv("TRAPLAB_RUN_FIXTURE"))
		return (const CU_SuiteInfo *const *)fixture_suites;
	return (const CU_SuiteInfo *const *)all_suites;
}

/* The hosts started in the background, for the watchdog to stop. */
static struct kvm_delegate *svm, *vmx_run;

static bool
stop_hosts(void)
{
	kvm_delegate_abandon(svm);
	kvm_delegate_abandon(vmx_run);
	return svm || vmx_run;
}

int
main(int argc, char **argv)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	struct run_args args;
	run_parse_args(argc, argv, &args);
	const CU_SuiteInfo *const *suites = test_all_suites();
	size_t count = 0;
	while (suites[count])
		count++;
	bool chosen[count];
	char err[600];
	if (args.inside && !kvm_delegate_inside_ok())
		return 2;
	if (run_choose_suites(suites, count, argc, argv, &args, chosen, err, sizeof err) < 0) {
		fprintf(stderr, "run-tests: %s\n", err);
		return 2;
	}

	/* The tests that need /dev/kvm among those chosen: where do they run?
	 * Where they move, the VMX host takes its own share once the SVM host is
	 * done, if it can. */
	enum kvm_delegate_plan plan = KVM_DELEGATE_HERE;
	char why[1024] = "", vmx_why[512] = "";
	struct run_split split;
	run_split_hosts(suites, chosen, count, false, &split);
	if (!args.inside && split.kvm_tests)
		plan = kvm_delegate_plan(why, sizeof why);
	bool moving = plan == KVM_DELEGATE_MOVE || plan == KVM_DELEGATE_BOTH;
	bool vmx = moving && kvm_delegate_vmx_ready(vmx_why, sizeof vmx_why);
	if (vmx)
		run_split_hosts(suites, chosen, count, true, &split);
	unsigned kvm_tests = split.kvm_tests;

	CU_SuiteInfo list[count + 1];
	size_t n = 0;
	for (size_t i = 0; i < count; i++) {
		if (!chosen[i])
			continue;
		enum kvm_pick pick = args.inside                ? args.inside_pick
				   : plan == KVM_DELEGATE_MOVE ? KVM_PICK_NOT_KVM
				   : plan == KVM_DELEGATE_BOTH ? KVM_PICK_NOT_HARDWARE
				   : KVM_PICK_ALL;
		if (run_pick_tests(suites[i], pick, NULL))
			run_pick_tests(suites[i], pick, &list[n++]);
	}
	list[n] = (CU_SuiteInfo)CU_SUITE_INFO_NULL;
	if (CU_register_suites(list) != CUE_SUCCESS) {
		fprintf(stderr, "run-tests: %s\n", CU_get_error_msg());
		return 2;
	}

	double start = test_seconds();
	double limit = run_watchdog_limit(args.inside ? RUN_TEST_LIMIT_IN_HOST_S : RUN_TEST_LIMIT_S);
	if (!limit)
		return 2;
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
			       split.vmx_tests, kvm_tests - split.svm_tests);
		else
			printf("run-tests: none in the VMX host: %s\n", vmx_why);
		svm = kvm_delegate_start(KVM_TEST_SVM_HOST, split.svm_suites, split.svm_tests, vmx, NULL);
		if (vmx)
			vmx_run = kvm_delegate_start(KVM_TEST_VMX_HOST, split.vmx_suites, split.vmx_tests,
						     false, svm);
	}
	run_watchdog_start(limit, CU_get_registry()->uiNumberOfTests, start, stop_hosts);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	run_watchdog_finish();
	run_report_failures_from_cunit(&run_report_failures);
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
		delegated = kvm_delegate_finish(svm, KVM_TEST_SVM_HOST, split.svm_tests, &c,
						&run_report_failures);
	if (vmx)
		delegated |= kvm_delegate_finish(vmx_run, KVM_TEST_VMX_HOST, split.vmx_tests, &c,
						  &run_report_failures);
	if (plan == KVM_DELEGATE_UNABLE)
		printf("\nrun-tests: the %u tests that need /dev/kvm ran here, not in the SVM host: %s\n",
		       kvm_tests, why);
	run_report_print_slowest(&run_report_slowest, stdout);
	run_report_print_failures(&run_report_failures, stdout);
	run_report_last_line(c.passed, c.failed, c.skipped, c.ran, suites_failed,
			     test_seconds() - start);
	return (c.failed || suites_failed || delegated) ? 1 : 0;
}
