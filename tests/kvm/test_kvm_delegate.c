/* test_kvm_delegate.c — where the KVM tests run (kvm_delegate.c; Lab 10):
 * its tables name tests that exist, every KVM test runs in some host, the
 * VMX host's own are left out of the SVM host only when it runs, and a
 * host's console is read strictly (no last line, no exit status, a stale
 * image's count, the other host's lines: each a failed run).  Needs no KVM:
 * it runs here on every machine. */
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kvm/kvm_delegate.h"
#include "kvm/run_plan.h"
#include "support.h"

static const CU_TestInfo *
find_test(const char *suite, const char *prefix, unsigned *matches)
{
	const CU_TestInfo *found = NULL;
	*matches = 0;
	for (const CU_SuiteInfo *const *s = test_all_suites(); *s; s++) {
		if (strcmp((*s)->pName, suite) != 0)
			continue;
		for (const CU_TestInfo *t = (*s)->pTests; t && t->pName; t++)
			if (!prefix || strncmp(t->pName, prefix, strlen(prefix)) == 0) {
				found = t;
				++*matches;
			}
	}
	return found;
}

/* A renamed test must not drop silently out of a host: every entry of the
 * three tables names a suite with at least one test of that prefix. */
static void
test_tables_name_real_tests(void)
{
	unsigned entries = 0;
	for (int table = 0; table < 3; table++) {
		const char *suite, *prefix;
		for (size_t i = 0; kvm_delegate_table_entry(table, i, &suite, &prefix); i++) {
			unsigned matches;
			entries++;
			if (!find_test(suite, prefix, &matches)) {
				fprintf(stderr, "\n  table %d entry %zu: no test \"%s\" in suite \"%s\"\n", table,
					i, prefix ? prefix : "(any)", suite);
				CU_FAIL("a table entry names no test");
			}
		}
	}
	CU_ASSERT(entries >= 10);
	const char *suite, *prefix;
	CU_ASSERT_FALSE(kvm_delegate_table_entry(3, 0, &suite, &prefix));
}

/* Over every test the runner has: the VMX host takes KVM tests only; each KVM
 * test runs in the SVM host or, when left out of it, in the VMX host; the
 * tests that stay here are exactly the others. */
static void
test_every_kvm_test_runs_in_some_host(void)
{
	unsigned kvm = 0, vmx = 0, vmx_only = 0, here = 0, all = 0;
	for (const CU_SuiteInfo *const *s = test_all_suites(); *s; s++)
		for (const CU_TestInfo *t = (*s)->pTests; t && t->pName; t++) {
			const char *sn = (*s)->pName, *tn = t->pName;
			bool k = kvm_delegate_picks(sn, tn, KVM_PICK_KVM);
			bool v = kvm_delegate_picks(sn, tn, KVM_PICK_VMX);
			bool beside = kvm_delegate_picks(sn, tn, KVM_PICK_SVM_BESIDE_VMX);
			all++;
			kvm += k;
			vmx += v;
			vmx_only += k && !beside;
			here += kvm_delegate_picks(sn, tn, KVM_PICK_NOT_KVM);
			CU_ASSERT(kvm_delegate_picks(sn, tn, KVM_PICK_ALL));
			CU_ASSERT(!v || k);
			CU_ASSERT(!beside || k);
			CU_ASSERT(!k || beside || v);
			if (kvm_delegate_picks(sn, tn, KVM_PICK_NOT_HARDWARE) == false)
				CU_ASSERT(k);
		}
	CU_ASSERT_EQUAL(kvm + here, all);
	CU_ASSERT(vmx >= 8);
	CU_ASSERT(vmx_only >= 1 && vmx_only < vmx);
	CU_ASSERT(kvm > vmx);
	/* by name: one that spins with IF=0 stays out of the VMX host */
	CU_ASSERT_TRUE(kvm_delegate_picks("kvm: x86 guests", "kvm_guest_interrupt stops a spinning guest",
					  KVM_PICK_KVM));
	CU_ASSERT_FALSE(kvm_delegate_picks("kvm: x86 guests", "kvm_guest_interrupt stops a spinning guest",
					   KVM_PICK_VMX));
	CU_ASSERT_FALSE(kvm_delegate_picks("isa: round trip", "anything", KVM_PICK_VMX));
}

static const char good_svm[] =
	"SeaBIOS\nsvm-host: /dev/kvm from kvm_amd, npt=1\nrun-tests: KVM on AMD-V\n"
	"run-tests: 1 passed, 0 failed, 0 skipped (of 1 tests) in 3 s\n"   /* a nested line */
	"run-tests: 5 passed, 1 failed, 2 skipped (of 8 tests) in 40 s\n"
	"svm-host: run-tests exit status 1\n";

static void
test_console_counts_from_the_last_line(void)
{
	struct kvm_delegate_counts in;
	char why[200] = "";
	CU_ASSERT_TRUE(kvm_delegate_read_console(KVM_TEST_SVM_HOST, good_svm, 8, &in, why, sizeof why));
	CU_ASSERT_EQUAL(in.passed, 5);
	CU_ASSERT_EQUAL(in.failed, 1);
	CU_ASSERT_EQUAL(in.skipped, 2);
	CU_ASSERT_EQUAL(in.ran, 8);
	/* a stale image: another number of tests than were sent */
	CU_ASSERT_FALSE(kvm_delegate_read_console(KVM_TEST_SVM_HOST, good_svm, 9, &in, why, sizeof why));
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "8 tests ran there, not 9"));
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "make svm-host-tests"));
	/* the other host's status line is not this host's */
	CU_ASSERT_FALSE(kvm_delegate_read_console(KVM_TEST_VMX_HOST, good_svm, 8, &in, why, sizeof why));
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "vmx-host: run-tests exit status"));
}

static void
test_console_without_its_lines_fails(void)
{
	struct kvm_delegate_counts in;
	char why[200];
	static const struct {
		const char *console, *why;
	} bad[] = {
		{ "vmx-host: starting\nKernel panic - not syncing\n", "no \"run-tests: N passed" },
		{ "run-tests: 3 passed, 0 failed, 0 skipped (of 3 tests) in 9 s\n", "exit status" },
		/* the status line must come after the last line, not before */
		{ "vmx-host: run-tests exit status 0\nrun-tests: 3 passed, 0 failed, 0 skipped (of 3 tests) in 9 s\n",
		  "exit status" },
		/* a runner that failed without failing a test (it crashed after its line) */
		{ "run-tests: 3 passed, 0 failed, 0 skipped (of 3 tests) in 9 s\nvmx-host: run-tests exit status 139\n",
		  "exited with 139" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		why[0] = '\0';
		CU_ASSERT_FALSE(kvm_delegate_read_console(KVM_TEST_VMX_HOST, bad[i].console, 3, &in, why,
							  sizeof why));
		if (!strstr(why, bad[i].why))
			fprintf(stderr, "\n  console %zu: why \"%s\", expected \"%s\"\n", i, why, bad[i].why);
		CU_ASSERT_PTR_NOT_NULL(strstr(why, bad[i].why));
	}
	CU_ASSERT_TRUE(kvm_delegate_read_console(KVM_TEST_VMX_HOST,
		"run-tests: 3 passed, 0 failed, 0 skipped (of 3 tests) in 9 s\nvmx-host: run-tests exit status 0\n",
		3, &in, why, sizeof why));
}

/* The runner's arguments: which host it runs inside, and what it takes there. */
static void
test_runner_arguments(void)
{
	struct run_args a;
	char *plain[] = { "run-tests", "isa", NULL };
	run_parse_args(2, plain, &a);
	CU_ASSERT_PTR_NULL(a.inside);
	char *vmx[] = { "run-tests", "--in-vmx-host=3,5", NULL };
	run_parse_args(2, vmx, &a);
	CU_ASSERT_STRING_EQUAL(a.inside, "3,5");
	CU_ASSERT_EQUAL(a.inside_pick, KVM_PICK_VMX);
	char *svm[] = { "run-tests", "--vmx-host-too", "--in-svm-host=1", NULL };
	run_parse_args(3, svm, &a);
	CU_ASSERT_STRING_EQUAL(a.inside, "1");
	CU_ASSERT_EQUAL(a.inside_pick, KVM_PICK_SVM_BESIDE_VMX);
	char *svm_all[] = { "run-tests", "--in-svm-host=1", NULL };
	run_parse_args(2, svm_all, &a);
	CU_ASSERT_EQUAL(a.inside_pick, KVM_PICK_KVM);
}

static size_t
suite_count(void)
{
	size_t n = 0;
	while (test_all_suites()[n])
		n++;
	return n;
}

/* Filters choose by substring, a host's list by number; a bad number is an
 * error naming it. */
static void
test_runner_chooses_suites(void)
{
	size_t count = suite_count();
	bool chosen[count];
	char err[200] = "";
	struct run_args a;
	char *filter[] = { "run-tests", "kvm: where", NULL };
	run_parse_args(2, filter, &a);
	CU_ASSERT_EQUAL(run_choose_suites(test_all_suites(), count, 2, filter, &a, chosen, err, sizeof err), 0);
	unsigned n = 0;
	for (size_t i = 0; i < count; i++)
		n += chosen[i];
	CU_ASSERT_EQUAL(n, 1);
	char *none[] = { "run-tests", NULL };
	run_parse_args(1, none, &a);
	run_choose_suites(test_all_suites(), count, 1, none, &a, chosen, err, sizeof err);
	n = 0;
	for (size_t i = 0; i < count; i++)
		n += chosen[i];
	CU_ASSERT_EQUAL(n, count);
	char *inside[] = { "run-tests", "--in-svm-host=0,2", "isa", NULL };
	run_parse_args(3, inside, &a);
	CU_ASSERT_EQUAL(run_choose_suites(test_all_suites(), count, 3, inside, &a, chosen, err, sizeof err), 0);
	CU_ASSERT(chosen[0] && !chosen[1] && chosen[2]);
	char bad_flag[64];
	snprintf(bad_flag, sizeof bad_flag, "--in-vmx-host=1,%zu", count);
	char *bad[] = { "run-tests", bad_flag, NULL };
	run_parse_args(2, bad, &a);
	CU_ASSERT_EQUAL(run_choose_suites(test_all_suites(), count, 2, bad, &a, chosen, err, sizeof err), -1);
	char want[64];
	snprintf(want, sizeof want, "no suite %zu", count);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, want));
}

/* Over every suite: without the VMX host the SVM host takes every KVM test;
 * with it, all but the VMX host's own, and the lists name exactly the suites
 * that have tests for each host. */
static void
test_runner_splits_the_hosts(void)
{
	size_t count = suite_count();
	bool chosen[count];
	for (size_t i = 0; i < count; i++)
		chosen[i] = true;
	struct run_split alone, both;
	run_split_hosts(test_all_suites(), chosen, count, false, &alone);
	run_split_hosts(test_all_suites(), chosen, count, true, &both);
	CU_ASSERT(alone.kvm_tests > 0);
	CU_ASSERT_EQUAL(alone.svm_tests, alone.kvm_tests);
	CU_ASSERT_EQUAL(alone.vmx_tests, 0);
	CU_ASSERT_STRING_EQUAL(alone.vmx_suites, "");
	CU_ASSERT_EQUAL(both.kvm_tests, alone.kvm_tests);
	unsigned only_vmx = 0;
	char svm_list[512] = "", vmx_list[512] = "";
	for (size_t i = 0; i < count; i++) {
		const CU_SuiteInfo *s = test_all_suites()[i];
		unsigned k = run_pick_tests(s, KVM_PICK_KVM, NULL), b = run_pick_tests(s, KVM_PICK_SVM_BESIDE_VMX, NULL);
		unsigned v = run_pick_tests(s, KVM_PICK_VMX, NULL);
		only_vmx += k - b;
		if (b)
			snprintf(svm_list + strlen(svm_list), sizeof svm_list - strlen(svm_list), "%s%zu",
				 *svm_list ? "," : "", i);
		if (v)
			snprintf(vmx_list + strlen(vmx_list), sizeof vmx_list - strlen(vmx_list), "%s%zu",
				 *vmx_list ? "," : "", i);
	}
	CU_ASSERT(only_vmx > 0);
	CU_ASSERT_EQUAL(both.svm_tests + only_vmx, both.kvm_tests);
	CU_ASSERT(both.vmx_tests > only_vmx);
	CU_ASSERT_STRING_EQUAL(both.svm_suites, svm_list);
	CU_ASSERT_STRING_EQUAL(both.vmx_suites, vmx_list);
	/* none chosen: nothing to move */
	for (size_t i = 0; i < count; i++)
		chosen[i] = false;
	run_split_hosts(test_all_suites(), chosen, count, true, &both);
	CU_ASSERT_EQUAL(both.kvm_tests + both.svm_tests + both.vmx_tests, 0);
}

/* A registered suite holds exactly the tests a pick takes, in order. */
static void
test_runner_registers_the_picked_tests(void)
{
	for (const CU_SuiteInfo *const *s = test_all_suites(); *s; s++) {
		CU_SuiteInfo out;
		unsigned n = run_pick_tests(*s, KVM_PICK_NOT_KVM, &out);
		unsigned listed = 0;
		for (const CU_TestInfo *t = out.pTests; t->pName; t++, listed++)
			CU_ASSERT_FALSE(kvm_delegate_picks((*s)->pName, t->pName, KVM_PICK_KVM));
		CU_ASSERT_EQUAL(listed, n);
		CU_ASSERT_STRING_EQUAL(out.pName, (*s)->pName);
		free((void *)out.pTests);
	}
}

static CU_TestInfo tests[] = {
	{ "the tables name tests that exist", test_tables_name_real_tests },
	{ "every KVM test runs in some host; the VMX host's are KVM tests", test_every_kvm_test_runs_in_some_host },
	{ "a host's counts come from its runner's last line", test_console_counts_from_the_last_line },
	{ "a console without its lines is a failed run", test_console_without_its_lines_fails },
	{ "the runner's arguments: inside which host, taking what", test_runner_arguments },
	{ "the runner chooses suites by filter or by a host's numbers", test_runner_chooses_suites },
	{ "the runner splits the KVM tests between the hosts", test_runner_splits_the_hosts },
	{ "a registered suite holds exactly the picked tests", test_runner_registers_the_picked_tests },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_kvm_delegate = { "kvm: where the KVM tests run", NULL, NULL, NULL, NULL, tests };
