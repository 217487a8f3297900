/* test_lab8.c — Lab 8's checker (lessons/08-bt/check) grades the binary
 * translator built into traplab, on guests it partly invents from a fresh
 * seed, and the hand-in's answers and cache graph.  This suite runs it as a
 * student does:
 *
 *   - on this tree's traplab (TRAPLAB_BIN, as `make test` sets it), with the
 *     reference answers and cache graph (lessons/08-bt/solution/): full
 *     marks, exit status 0, and a seed printed for replay;
 *   - with the hand-in left as handed out (the answers template, the
 *     starter cache.dot) and with answers that cheat (the Red Pill question
 *     answered by its own words, figures that are not this build's): the
 *     checks that read them (8, 9, 10, run alone with ONLY) fail, however
 *     good the translator;
 *   - on a handout copy: the tree with the three LAB 8 regions of
 *     monitor/vmm/bt_translate.c and bt_execute.c replaced by their stubs,
 *     built (make -j2 build/traplab): every check fails, and its seed is not
 *     the first run's.
 *
 * Everything the suite makes is in one scratch folder, removed at the end
 * however the tests ended (lab_support.h).  The stubbed build takes most of
 * this suite's time (about a minute).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lab_support.h"
#include "support.h"

#define LAB8_CHECK "lessons/08-bt/check"
#define LAB8_SOLUTION_ANSWERS "lessons/08-bt/solution/answers.txt"

/* the full-marks run: its fuzzed guests (FUZZ), and how many checks it passes */
enum { LAB8_FUZZ = 4, LAB8_CHECKS = 10 };

static char first_seed[LAB_SEED_LEN];

static void
test_lab8_checker_passes_on_the_tree(void)
{
	char *out = lab_expect_full_marks(LAB8_CHECK, LAB8_FUZZ, LAB8_CHECKS, first_seed,
					  sizeof first_seed);
	/* the table check found its instructions in classify's output, not none */
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "privileged or sensitive instructions of the 3 variants"));
	free(out);
}

static void
test_lab8_checker_rejects_arguments(void)
{
	char *out;
	CU_ASSERT_EQUAL(lab_sh(&out, "%s a.dot b.dot", LAB8_CHECK), 2);
	free(out);
	CU_ASSERT_EQUAL(lab_sh(&out, "%s --bogus", LAB8_CHECK), 2);
	free(out);
	CU_ASSERT_EQUAL(lab_sh(&out, "%s /nonexistent/cache.dot", LAB8_CHECK), 2);
	free(out);
	CU_ASSERT_EQUAL(lab_sh(&out, "TRAPLAB_BIN=/nonexistent %s", LAB8_CHECK), 2);
	free(out);
	CU_ASSERT_EQUAL(lab_sh(&out, "%s --help", LAB8_CHECK), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "EXIT STATUS"));
	free(out);
}

/* The hand-in checks, run alone (ONLY: the translator's checks are the
 * full-marks run's): each must fail. */
#define LAB8_HAND_IN_CHECKS "ONLY=8,9,10"

static void
expect_hand_in_checks_fail(const char *out)
{
	static const char *const must_fail[] = { "FAIL 8  ", "FAIL 9  ", "FAIL 10  ",
						 "FAIL: 3 of 3 checks failed" };
	for (size_t i = 0; i < ARRAY_SIZE(must_fail); i++) {
		if (!strstr(out, must_fail[i])) {
			fprintf(stderr, "\n  no \"%s\" in:\n%s\n", must_fail[i], out);
			CU_FAIL("a check that reads the hand-in did not judge it");
		}
	}
}

static void
test_lab8_hand_in_left_as_handed_out_fails(void)
{
	char *out;
	int rc = lab_sh(&out, LAB8_HAND_IN_CHECKS " ANSWERS=lessons/08-bt/answers.txt %s "
			"lessons/08-bt/starter/cache.dot", LAB8_CHECK);
	CU_ASSERT_EQUAL(rc, 1);
	expect_hand_in_checks_fail(out);
	free(out);
}

static void
test_lab8_cheating_answers_fail(void)
{
	/* question 7 answered with the keywords alone, and a figure that is
	 * not this build's (one more look-up); the cache of another guest */
	char answers[LAB_PATH_LEN], dot[LAB_PATH_LEN], *out;
	snprintf(answers, sizeof answers, "%s/cheat-answers.txt", lab_scratch());
	snprintf(dot, sizeof dot, "%s/cheat.dot", lab_scratch());
	int rc = lab_sh(&out,
			"awk '/^7\\./ { print; print \"user direct user direct\"; skip = 1; next } "
			"/^8\\./ { skip = 0 } skip { next } "
			"/^look-ups with chaining:/ { $NF = $NF + 1 } { print }' %s >'%s' && "
			"\"${TRAPLAB_BIN:-build/traplab}\" bt --isa=legacy --dot='%s' guests/pg32/hello.s "
			">/dev/null 2>&1",
			LAB8_SOLUTION_ANSWERS, answers, dot);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	free(out);
	rc = lab_sh(&out, LAB8_HAND_IN_CHECKS " ANSWERS='%s' %s '%s'", answers, LAB8_CHECK, dot);
	CU_ASSERT_EQUAL(rc, 1);
	expect_hand_in_checks_fail(out);
	free(out);
}

static void
test_lab8_checker_fails_on_the_stubbed_handout(void)
{
	static const struct lab_stubbed_file stubbed[] = {
		{ "monitor/vmm/bt_translate.c", 2 },
		{ "monitor/vmm/bt_execute.c", 1 },
	};
	char traplab[LAB_PATH_LEN];
	CU_ASSERT_EQUAL_FATAL(lab_build_stubbed_handout(8, stubbed, ARRAY_SIZE(stubbed), traplab,
							 sizeof traplab), 0);
	static const char *const must_fail[] = {
		"FAIL 1  ", "FAIL 2  ", "FAIL 3  ", "FAIL 4  ", "FAIL 5  ",
		"FAIL 6  ", "FAIL 7  ", "FAIL 8  ", "FAIL 9  ", "FAIL 10  ",
	};
	char *out = lab_expect_stubbed_fails(LAB8_CHECK, traplab, must_fail, ARRAY_SIZE(must_fail),
					     first_seed);
	/* the stubbed decision copies system instructions: the table says so */
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "copied"));
	free(out);
}

static CU_TestInfo tests[] = {
	{ "lab 8: the checker gives full marks to this tree", test_lab8_checker_passes_on_the_tree },
	{ "lab 8: arguments, an unreadable cache.dot and a missing traplab are usage errors (2)",
	  test_lab8_checker_rejects_arguments },
	{ "lab 8: the hand-in left as handed out fails the answers and cache checks",
	  test_lab8_hand_in_left_as_handed_out_fails },
	{ "lab 8: answers of keywords alone, figures and a cache not this build's fail",
	  test_lab8_cheating_answers_fail },
	{ "lab 8: the stubbed handout builds and fails every check",
	  test_lab8_checker_fails_on_the_stubbed_handout },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_lessons_lab8 = {
	"lessons: lab 8 checker", lab_suite_init, lab_suite_cleanup, NULL, NULL, tests
};
