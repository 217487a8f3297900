/* test_lab7.c — Lab 7's checker (lessons/07-hybrid/check) grades the hybrid
 * monitor built into traplab (Popek & Goldberg's Theorem 3: vm_run's choice
 * in monitor/vmm/vm.c and hybrid_interpret in monitor/vmm/hybrid.c) and the
 * answers file, on guests it partly invents from a fresh seed.  This suite
 * runs it as a student does:
 *
 *   - on this tree's traplab (TRAPLAB_BIN, as `make test` sets it) with the
 *     reference answers (solution/answers-lab7.txt): full marks, exit
 *     status 0, and a seed printed for replay;
 *   - with bad arguments, a missing answers file or no traplab: a usage
 *     error (2);
 *   - with answers that quote a figure the checker does not measure now, or
 *     that list numbers instead of quoting them: check 12 fails;
 *   - on a handout copy (make handout LAB=7), built on this tree's
 *     objects so that only the stubbed files compile (make -j2
 *     build/traplab, the house's warnings): every monitor check but fuzzing (1-9) and
 *     the cost check fail, trap mode's divergence is still reported, the
 *     handout's own answers template fails both answer checks, and the seed
 *     is not the first run's (the random guests are fresh on every run).
 *
 * Everything the suite makes is in one scratch folder, removed at the end
 * however the tests ended (lab_support.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lab_support.h"
#include "support.h"

#define LAB7_DIR "lessons/07-hybrid"
#define LAB7_ANSWERS LAB7_DIR "/solution/answers-lab7.txt"
/* the checker, graded against the reference answers whatever is at the top */
#define LAB7_CHECK "LAB7_ANSWERS=" LAB7_ANSWERS " " LAB7_DIR "/check"

/* the full-marks run: its random guests (FUZZ), and how many checks it passes */
enum { LAB7_FUZZ = 8, LAB7_CHECKS = 12, LAB7_TODOS_HYBRID = 2, LAB7_TODOS_VM = 1 };

static char first_seed[LAB_SEED_LEN];

static void
test_lab7_checker_passes_on_the_tree(void)
{
	char *out = lab_expect_full_marks(LAB7_CHECK, LAB7_FUZZ, LAB7_CHECKS, first_seed,
					  sizeof first_seed);
	/* the lesson is shown, not only graded: trap mode's divergence at juser */
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "(trap: after instruction"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "juser"));
	free(out);
}

static void
test_lab7_checker_rejects_arguments(void)
{
	char *out;
	CU_ASSERT_EQUAL(lab_sh(&out, "%s/check a.txt b.txt", LAB7_DIR), 2);
	free(out);
	CU_ASSERT_EQUAL(lab_sh(&out, "%s/check %s/no-such-answers.txt", LAB7_DIR, lab_scratch()), 2);
	free(out);
	CU_ASSERT_EQUAL(lab_sh(&out, "TRAPLAB_BIN=/nonexistent %s", LAB7_CHECK), 2);
	free(out);
	CU_ASSERT_EQUAL(lab_sh(&out, "SEED=abc %s", LAB7_CHECK), 2);
	free(out);
}

/* Copy the reference answers to the scratch folder with `sed_script` applied
 * to the Cost section, grade them (FUZZ=1), and return the output. */
static char *
lab7_grade_edited_answers(const char *sed_script, int *rc)
{
	char *out;
	*rc = lab_sh(&out, "sed '/^Cost:/,/^[0-9][0-9]*\\./%s' %s >%s/edited.txt && FUZZ=1 %s/check %s/edited.txt",
		     sed_script, LAB7_ANSWERS, lab_scratch(), LAB7_DIR, lab_scratch());
	return out;
}

static void
test_lab7_cost_check_wants_the_figures_measured_now(void)
{
	int rc;
	/* the figures taken out of Cost: its words are still there, its figures are not */
	char *out = lab7_grade_edited_answers("s/[0-9]//g", &rc);
	CU_ASSERT_EQUAL(rc, 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "FAIL 12  "));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "ok   11  "));
	free(out);
	/* every number below 100,000, one a line, under the heading: the
	 * measured figures are among them, and the check still fails */
	rc = lab_sh(&out, "{ sed -n '1,/^Cost:/p' %s; seq 1 99999; sed -n '/^Cost:/,$p' %s | sed 1d; } "
		    ">%s/list.txt && FUZZ=1 %s/check %s/list.txt",
		    LAB7_ANSWERS, LAB7_ANSWERS, lab_scratch(), LAB7_DIR, lab_scratch());
	CU_ASSERT_EQUAL(rc, 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "FAIL 12  "));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "different numbers"));
	free(out);
}

/* Hand out Lab 7 into the scratch folder (lab_build_stubbed_handout: seeded
 * with this tree's objects, so only the stubbed files compile), check its
 * stubs, build it; the tree's path to tree, its traplab's to traplab.  0, or
 * -1 (why, on stderr). */
static int
lab7_build_handout(char *tree, size_t tree_len, char *traplab, size_t len)
{
	static const struct lab_stubbed_file stubbed[] = {
		{ "monitor/vmm/hybrid.c", LAB7_TODOS_HYBRID },
		{ "monitor/vmm/vm.c", LAB7_TODOS_VM },
	};
	snprintf(tree, tree_len, "%s/tree", lab_scratch());
	return lab_build_stubbed_handout(7, stubbed, ARRAY_SIZE(stubbed), traplab, len);
}

static void
test_lab7_checker_fails_on_the_stubbed_handout(void)
{
	char tree[LAB_PATH_LEN], traplab[LAB_PATH_LEN];
	CU_ASSERT_EQUAL_FATAL(lab7_build_handout(tree, sizeof tree, traplab, sizeof traplab), 0);

	/* the stubbed monitor, with the reference answers: every monitor check
	 * fails, and the cost check, since the monitor interprets nothing; but
	 * check 10: the stub is trap mode, which the fuzzer's guests catch only
	 * when one runs juser in its kernel, and a stubbed run draws only
	 * LAB_FUZZ_STUBBED of them (the CI run of this suite saw it pass) */
	static const char *const must_fail[] = {
		"FAIL 1  the split", "FAIL 2  detect.s", "FAIL 3  juser", "FAIL 4  minios on legacy",
		"FAIL 5  rdpsw", "FAIL 6  wrpsw", "FAIL 7  srr", "FAIL 8  the shadows",
		"FAIL 9  the budget", "FAIL 12  ",
	};
	char *out = lab_expect_stubbed_fails(LAB7_CHECK, traplab, must_fail, ARRAY_SIZE(must_fail),
					     first_seed);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "ok   11  "));
	free(out);

	/* the handout's own checker, on its answers template: both answer checks fail */
	int rc = lab_sh(&out, "cd '%s' && FUZZ=%d TRAPLAB_BIN='%s' %s/check", tree, LAB_FUZZ_STUBBED,
			traplab, LAB7_DIR);
	CU_ASSERT_EQUAL(rc, 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "FAIL 11  "));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "FAIL 12  "));
	free(out);
}

static CU_TestInfo tests[] = {
	{ "lab 7: the checker gives full marks to this tree", test_lab7_checker_passes_on_the_tree },
	{ "lab 7: bad arguments, no answers file and a missing traplab are usage errors (2)",
	  test_lab7_checker_rejects_arguments },
	{ "lab 7: the cost check wants the figures measured now, not other numbers",
	  test_lab7_cost_check_wants_the_figures_measured_now },
	{ "lab 7: the stubbed handout builds and fails every monitor check",
	  test_lab7_checker_fails_on_the_stubbed_handout },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_lessons_lab7 = {
	"lessons: lab 7 checker", lab_suite_init, lab_suite_cleanup, NULL, NULL, tests
};
