/* run_plan.h — the test runner's choices, apart from running them
 * (tests/main.c; tested in test_kvm_delegate.c): its arguments, the suites
 * they choose, which of a suite's tests a run takes, and how the tests that
 * need /dev/kvm split between the SVM and the VMX host (kvm_delegate.h). */
#ifndef TRAPLAB_TESTS_RUN_PLAN_H
#define TRAPLAB_TESTS_RUN_PLAN_H

#include <CUnit/CUnit.h>
#include <stdbool.h>
#include <stddef.h>

#include "kvm_delegate.h"

/* `--in-svm-host=N,...` (`--vmx-host-too`: but for the VMX host's own) or
 * `--in-vmx-host=N,...`: a run inside a host, on those suites; anything
 * else is a filter, a substring of the suites' names. */
struct run_args {
	const char *inside;        /* the N,... list, or NULL: not inside a host */
	enum kvm_pick inside_pick; /* what a run inside takes of each suite */
};
void run_parse_args(int argc, char **argv, struct run_args *a);

/* chosen[i] for each of the `count` suites: inside a host, those numbered in
 * the list; else those a filter names (all without one).  -1 with why in
 * `err` for a list naming no suite. */
int run_choose_suites(const CU_SuiteInfo *const *suites, size_t count, int argc, char **argv,
		      const struct run_args *a, bool *chosen, char *err, size_t errlen);

/* How many of the suite's tests `pick` takes; with `out`, the suite with only
 * those (its test list malloc'd). */
unsigned run_pick_tests(const CU_SuiteInfo *s, enum kvm_pick pick, CU_SuiteInfo *out);

/* The chosen tests that need /dev/kvm, and their shares of the two hosts:
 * the SVM host takes them all, or with `vmx` all but the VMX host's own. */
struct run_split {
	unsigned kvm_tests, svm_tests, vmx_tests;
	char svm_suites[512], vmx_suites[512];   /* "3,5,7": the suites' numbers */
};
void run_split_hosts(const CU_SuiteInfo *const *suites, const bool *chosen, size_t count,
		     bool vmx, struct run_split *out);

#endif
