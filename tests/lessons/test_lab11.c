/* test_lab11.c — Lab 11's checker (lessons/11-nested/check) grades the two
 * routines a student writes in the PG32-written VMM,
 * guests/pg32/nested/vmm.s (em_wrpsw, em_srr), by comparing real runs of the
 * same guest at depth 0, 1 and 2 (Popek and Goldberg's Theorem 2,
 * lessons/REFERENCES.md §1, §2 D11), and the student's account of the
 * watchdog VMM.  This suite runs it as a student does:
 *
 *   - on this tree (TRAPLAB_BIN, as `make test` sets it): full marks, exit
 *     status 0, and a seed printed for replay;
 *   - with two arguments, an unknown option, a missing answers file, a bad
 *     seed, or without a traplab to grade: a usage error (2);
 *   - on a handout copy (tools-build/handout.sh 11): vmm.s has its two
 *     `; TODO (Lab 11)` stubs, and the handout's own checker, run on this
 *     tree's traplab (the work is assembly: nothing to build), fails every
 *     check, with a fresh seed and the failing guests kept for the student;
 *   - the same copy with the tree's vmm.s and the reference answers gets full
 *     marks: the checker reads answers-lab11.txt at the top of a handout;
 *   - cheats fail: an em_srr that runs the real srr (the tempting mistake:
 *     the VMM's own rbase) fails the srr checks and nothing else, and a
 *     "VMM" that is the guest itself (it prints guest.s's lines) fails every
 *     check of checks 1-5.
 *
 * Everything the suite makes lives in one scratch folder, removed at the end
 * however the tests ended (lab_support.h).  A few seconds in all.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lab_support.h"
#include "support.h"

#define LAB11_CHECK "lessons/11-nested/check"
#define LAB11_VMM "guests/pg32/nested/vmm.s"
#define LAB11_ANSWERS "lessons/11-nested/solution/answers-lab11.txt"

enum { LAB11_CHECKS = 7, LAB11_NO_FUZZ = 0, LAB11_STUBS = 2 };

static char first_seed[LAB_SEED_LEN];

/* The traplab the checker drives: `make test`'s (TRAPLAB_BIN), else build/'s. */
static const char *
lab11_traplab(void)
{
	static char bin[LAB_PATH_LEN];
	const char *e = getenv("TRAPLAB_BIN");
	if (e && *e)
		return e;
	snprintf(bin, sizeof bin, "%s/build/traplab", test_top());
	return bin;
}

/* The handout of Lab 11 in the scratch folder (made once): its path, or NULL. */
static const char *
lab11_handout(void)
{
	static char tree[LAB_PATH_LEN];
	static int made;
	char *out;
	if (made)
		return made > 0 ? tree : NULL;
	snprintf(tree, sizeof tree, "%s/tree", lab_scratch());
	int rc = lab_sh(&out, "tools-build/handout.sh 11 '%s'", tree);
	if (rc != 0)
		fprintf(stderr, "\n  the Lab 11 handout failed (%d):\n%s\n", rc, out);
	free(out);
	made = rc == 0 ? 1 : -1;
	return made > 0 ? tree : NULL;
}

/* Run the handout's checker on this tree's traplab; its exit status, output in *out. */
static int
lab11_check_handout(const char *tree, char **out)
{
	return lab_sh(out, "TRAPLAB_BIN='%s' '%s/" LAB11_CHECK "'", lab11_traplab(), tree);
}

static void
test_lab11_checker_passes_on_the_tree(void)
{
	char *out = lab_expect_full_marks(LAB11_CHECK, LAB11_NO_FUZZ, LAB11_CHECKS, first_seed,
					  sizeof first_seed);
	/* check 7 quoted the figures it measured, and they are the reference answers' */
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "ok   7  answers Q6"));
	free(out);
}

static void
test_lab11_checker_rejects_bad_usage(void)
{
	char *out;
	CU_ASSERT_EQUAL(lab_sh(&out, "%s a.txt b.txt", LAB11_CHECK), 2);
	free(out);
	CU_ASSERT_EQUAL(lab_sh(&out, "%s --verbose", LAB11_CHECK), 2);
	free(out);
	CU_ASSERT_EQUAL(lab_sh(&out, "%s /nonexistent/answers.txt", LAB11_CHECK), 2);
	free(out);
	CU_ASSERT_EQUAL(lab_sh(&out, "TRAPLAB_BIN=/nonexistent %s", LAB11_CHECK), 2);
	free(out);
	CU_ASSERT_EQUAL(lab_sh(&out, "SEED=x %s", LAB11_CHECK), 2);
	free(out);
	/* --help is the manual: every check named, exit 0 */
	CU_ASSERT_EQUAL(lab_sh(&out, "%s --help", LAB11_CHECK), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "EXIT STATUS"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "7  answers Q6"));
	free(out);
}

static void
test_lab11_handout_fails_every_check(void)
{
	const char *tree = lab11_handout();
	CU_ASSERT_PTR_NOT_NULL_FATAL(tree);
	char *out;
	/* the two stubs are in the handout's vmm.s, and the TODOs name them */
	CU_ASSERT_EQUAL(lab_sh(&out, "grep -c '; TODO (Lab 11): em_' '%s/" LAB11_VMM "'", tree), 0);
	CU_ASSERT_EQUAL(atoi(out), LAB11_STUBS);
	free(out);

	char check[LAB_CMD_LEN];
	snprintf(check, sizeof check, "'%s/" LAB11_CHECK "'", tree);
	static const char *const must_fail[] = {
		"FAIL 1  depth 1", "FAIL 2  depth 2", "FAIL 3  wrpsw", "FAIL 4  srr",
		"FAIL 5  depth 2 on a generated guest", "FAIL 6  answers Q5", "FAIL 7  answers Q6",
	};
	out = lab_expect_stubbed_fails(check, lab11_traplab(), must_fail, ARRAY_SIZE(must_fail),
				       first_seed);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "FAIL: 7 of 7 checks failed"));
	/* a failing generated guest is kept for the student, both depths, in
	 * $TMPDIR/lab11-check.SEED/ (here the suite's scratch folder) */
	char kept[LAB_PATH_LEN];
	snprintf(kept, sizeof kept, "kept in %s/lab11-check.", lab_scratch());
	CU_ASSERT_PTR_NOT_NULL(strstr(out, kept));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "-alone.s and "));
	free(out);
}

static void
test_lab11_handout_with_the_work_done_gets_full_marks(void)
{
	const char *tree = lab11_handout();
	CU_ASSERT_PTR_NOT_NULL_FATAL(tree);
	char *out;
	int rc = lab_sh(&out, "cp " LAB11_VMM " '%s/" LAB11_VMM "' && cp " LAB11_ANSWERS
			" '%s/answers-lab11.txt'", tree, tree);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	free(out);
	rc = lab11_check_handout(tree, &out);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "PASS: all 7 checks"));
	if (rc != 0)
		fprintf(stderr, "\n%s\n", out);
	free(out);
}

/* The tempting mistake: em_srr runs the real srr, which reads the rbase the
 * VMM set for its guest (GUEST_BASE), not the guest's own.  guest.s never
 * runs srr, so checks 1-3 pass; the generated guests catch it. */
static void
test_lab11_real_srr_fails_the_srr_checks(void)
{
	const char *tree = lab11_handout();
	CU_ASSERT_PTR_NOT_NULL_FATAL(tree);
	char *out;
	int rc = lab_sh(&out, "sed 's/^\\( *\\)ldw   r1, vcr+4\\*CR_RBASE(zero)  ; what the guest.*/\\1srr   r1/' "
			LAB11_VMM " >'%s/" LAB11_VMM "' && ! cmp -s " LAB11_VMM " '%s/" LAB11_VMM "' && "
			"cp " LAB11_ANSWERS " '%s/answers-lab11.txt'", tree, tree, tree);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	free(out);
	rc = lab11_check_handout(tree, &out);
	CU_ASSERT_EQUAL(rc, 1);
	static const char *const expected[] = {
		"ok   1  depth 1", "ok   2  depth 2", "ok   3  wrpsw", "FAIL 4  srr",
		"FAIL 5  depth 2 on a generated guest", "ok   6  answers Q5", "ok   7  answers Q6",
	};
	for (size_t i = 0; i < ARRAY_SIZE(expected); i++)
		CU_ASSERT_PTR_NOT_NULL(strstr(out, expected[i]));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "FAIL: 2 of 7 checks failed"));
	free(out);
}

/* A "VMM" that is the guest itself, run bare: it prints guest.s's lines
 * (check 1's output) without virtualizing anything. */
static void
test_lab11_guest_posing_as_the_vmm_fails(void)
{
	const char *tree = lab11_handout();
	CU_ASSERT_PTR_NOT_NULL_FATAL(tree);
	char *out;
	int rc = lab_sh(&out, "printf '        .ifndef NESTED_OTHER_GUEST\\n        .include \"guest-alone.s\"\\n"
			"        .endif\\n' >'%s/" LAB11_VMM "'", tree);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	free(out);
	rc = lab11_check_handout(tree, &out);
	CU_ASSERT_EQUAL(rc, 1);
	static const char *const must_fail[] = {
		"FAIL 1  depth 1", "FAIL 2  depth 2", "FAIL 3  wrpsw", "FAIL 4  srr", "FAIL 5  depth 2",
	};
	for (size_t i = 0; i < ARRAY_SIZE(must_fail); i++)
		CU_ASSERT_PTR_NOT_NULL(strstr(out, must_fail[i]));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "did not run deprivileged"));
	free(out);
}

static CU_TestInfo tests[] = {
	{ "lab 11: the checker gives full marks to this tree", test_lab11_checker_passes_on_the_tree },
	{ "lab 11: bad arguments, answers, seed or traplab are usage errors (2)",
	  test_lab11_checker_rejects_bad_usage },
	{ "lab 11: the handout (vmm.s stubbed, answers blank) fails every check",
	  test_lab11_handout_fails_every_check },
	{ "lab 11: the handout with vmm.s written and answers given gets full marks",
	  test_lab11_handout_with_the_work_done_gets_full_marks },
	{ "lab 11: an em_srr that runs the real srr fails the srr checks only",
	  test_lab11_real_srr_fails_the_srr_checks },
	{ "lab 11: the guest posing as the VMM fails checks 1-5", test_lab11_guest_posing_as_the_vmm_fails },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_lessons_lab11 = {
	"lessons: lab 11 checker", lab_suite_init, lab_suite_cleanup, NULL, NULL, tests
};
