/* test_lab3.c — Lab 3's checker (lessons/03-trap/check) grades the monitor
 * built into traplab, on guests it partly invents from a fresh seed.  This
 * suite runs it as a student does:
 *
 *   - on this tree's traplab (TRAPLAB_BIN, as `make test` sets it): full
 *     marks, exit status 0, and a seed printed for replay;
 *   - on a handout copy: the tree with the LAB 3 regions of
 *     monitor/vmm/vcpu.c and trap.c replaced by their stubs (by
 *     tools-build/handout.sh when it is there, else by the same substitution
 *     in awk), built (make -j2 build/traplab): it fails, each per-instruction
 *     check (5-17) and both reflection checks (18, 19) fail, and its seed is
 *     not the first run's (the random guests are fresh on every run).
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

#define LAB3_CHECK "lessons/03-trap/check"

/* the full-marks run: its random guests (FUZZ), and how many checks it passes */
enum { LAB3_FUZZ = 6, LAB3_CHECKS = 22 };

static char first_seed[LAB_SEED_LEN];

static void
test_lab3_checker_passes_on_the_tree(void)
{
	char *out = lab_expect_full_marks(LAB3_CHECK, LAB3_FUZZ, LAB3_CHECKS, first_seed,
					  sizeof first_seed);
	free(out);
}

static void
test_lab3_checker_rejects_arguments(void)
{
	char *out;
	CU_ASSERT_EQUAL(lab_sh(&out, "%s lab3.s", LAB3_CHECK), 2);
	free(out);
	CU_ASSERT_EQUAL(lab_sh(&out, "TRAPLAB_BIN=/nonexistent %s", LAB3_CHECK), 2);
	free(out);
}

static void
test_lab3_checker_fails_on_the_stubbed_handout(void)
{
	static const struct lab_stubbed_file stubbed[] = {
		{ "monitor/vmm/vcpu.c", 13 },
		{ "monitor/vmm/trap.c", LAB_TODOS_UNCOUNTED },
	};
	char traplab[LAB_PATH_LEN];
	CU_ASSERT_EQUAL_FATAL(lab_build_stubbed_handout(3, stubbed, ARRAY_SIZE(stubbed), traplab,
							 sizeof traplab), 0);

	static const char *const must_fail[] = {
		"FAIL 5  rti", "FAIL 6  mfcr", "FAIL 7  mtcr", "FAIL 8  di", "FAIL 9  ei",
		"FAIL 10  halt", "FAIL 11  tlbflush", "FAIL 12  in", "FAIL 13  out",
		"FAIL 14  rdpsw", "FAIL 15  wrpsw", "FAIL 16  srr", "FAIL 17  juser",
		"FAIL 18  ", "FAIL 19  ", "FAIL 20  ", "FAIL 21  ", "FAIL 22  ",
	};
	char *out = lab_expect_stubbed_fails(LAB3_CHECK, traplab, must_fail, ARRAY_SIZE(must_fail),
						 first_seed);
	free(out);
}

static CU_TestInfo tests[] = {
	{ "lab 3: the checker gives full marks to this tree", test_lab3_checker_passes_on_the_tree },
	{ "lab 3: arguments and a missing traplab are usage errors (2)", test_lab3_checker_rejects_arguments },
	{ "lab 3: the stubbed handout builds and fails every routine's check",
	  test_lab3_checker_fails_on_the_stubbed_handout },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_lessons_lab3 = {
	"lessons: lab 3 checker", lab_suite_init, lab_suite_cleanup, NULL, NULL, tests
};
