/* test_lab5.c — Lab 5's checker (lessons/05-interrupts/check) grades the
 * virtual timer and interrupt injection built into traplab, on guests it
 * invents from a fresh seed with random timer periods.  This suite runs it
 * as a student does:
 *
 *   - on this tree's traplab (TRAPLAB_BIN, as `make test` sets it): full
 *     marks, exit status 0, and a seed printed for replay;
 *   - with bad arguments, a bad FUZZ or no traplab: a usage error (2);
 *   - on a handout copy: the tree with the LAB 5 regions of
 *     monitor/vmm/vcpu.c (vcpu_settle_time) and monitor/vmm/vm.c (the
 *     deadline in vm_run_direct, vm_inject_interrupts) replaced by their
 *     stubs (by tools-build/handout.sh when it is there, else by the same
 *     substitution in awk), built with the house's warnings (make -j2
 *     build/traplab): it fails, every check meant to catch a stub (2-15)
 *     fails, check 1 (hello.s, no timer) still passes, and its seed is not
 *     the first run's (the random guests are fresh on every run).
 *
 * Everything the suite makes (the handout copy, the guests the checker keeps
 * for the student) is in one scratch folder, removed at the end however the
 * tests ended (lab_support.h).
 *
 * The stubbed build takes most of this suite's time (about a minute).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lab_support.h"
#include "support.h"

#define LAB5_CHECK "lessons/05-interrupts/check"

/* the full-marks run: its random guests (FUZZ), and how many checks it passes */
enum { LAB5_FUZZ = 6, LAB5_CHECKS = 15 };

static char first_seed[LAB_SEED_LEN];

static void
test_lab5_checker_passes_on_the_tree(void)
{
	char *out = lab_expect_full_marks(LAB5_CHECK, LAB5_FUZZ, LAB5_CHECKS, first_seed,
					  sizeof first_seed);
	CU_ASSERT_PTR_NULL(strstr(out, "FAIL"));
	free(out);
}

static void
test_lab5_checker_rejects_arguments(void)
{
	char *out;
	CU_ASSERT_EQUAL(lab_sh(&out, "%s guest.s", LAB5_CHECK), 2);
	free(out);
	CU_ASSERT_EQUAL(lab_sh(&out, "TRAPLAB_BIN=/nonexistent %s", LAB5_CHECK), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "cannot run traplab"));
	free(out);
	CU_ASSERT_EQUAL(lab_sh(&out, "SEED=twelve %s", LAB5_CHECK), 2);
	free(out);
	CU_ASSERT_EQUAL(lab_sh(&out, "FUZZ=0 %s", LAB5_CHECK), 2);
	free(out);
	/* --help is the manual, and not an error */
	CU_ASSERT_EQUAL(lab_sh(&out, "%s --help", LAB5_CHECK), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "EXIT STATUS"));
	free(out);
}

static void
test_lab5_checker_fails_on_the_stubbed_handout(void)
{
	static const struct lab_stubbed_file stubbed[] = {
		{ "monitor/vmm/vcpu.c", 1 },
		{ "monitor/vmm/vm.c", 2 },
	};
	char traplab[LAB_PATH_LEN];
	CU_ASSERT_EQUAL_FATAL(lab_build_stubbed_handout(5, stubbed, ARRAY_SIZE(stubbed), traplab,
							 sizeof traplab), 0);

	/* every check meant to catch a stub: the fixed guests with a timer (2
	 * minios, 3 detect), the count (4: vcpu_settle_time), the exact points
	 * (5-8: the deadline and the injection), the IE bit and halt (9-12:
	 * the injection, and the count their handlers log), the fuzzer (13),
	 * the books (14: injected, counted, traced), minios-pv (15) */
	static const char *const must_fail[] = {
		"FAIL 2  minios", "FAIL 3  detect", "FAIL 4  ", "FAIL 5  ", "FAIL 6  ",
		"FAIL 7  ", "FAIL 8  ", "FAIL 9  ", "FAIL 10  ", "FAIL 11  ", "FAIL 12  ",
		"FAIL 13  ", "FAIL 14  the monitor's books", "FAIL 15  minios-pv",
	};
	char *out = lab_expect_stubbed_fails(LAB5_CHECK, traplab, must_fail, ARRAY_SIZE(must_fail),
						 first_seed);
	/* hello.s has no timer: nothing to inject, so the stubs keep it equivalent */
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\nok   1  "));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "FAIL: 14 of 15 checks failed"));
	free(out);
}

static CU_TestInfo tests[] = {
	{ "lab 5: the checker gives full marks to this tree", test_lab5_checker_passes_on_the_tree },
	{ "lab 5: arguments, SEED, FUZZ and a missing traplab are usage errors (2)",
	  test_lab5_checker_rejects_arguments },
	{ "lab 5: the stubbed handout builds and fails every check meant to catch a stub",
	  test_lab5_checker_fails_on_the_stubbed_handout },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_lessons_lab5 = {
	"lessons: lab 5 checker", lab_suite_init, lab_suite_cleanup, NULL, NULL, tests
};
