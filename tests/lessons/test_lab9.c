/* test_lab9.c — Lab 9's checker (lessons/09-pv/check) grades both sides of
 * the batched page-table hypercall: minios's PARAVIRT branches in
 * guests/pg32/minios/paging.s (PG32 assembly) and pv_pte_ok/hc_pte_batch in
 * monitor/vmm/pv.c, with hostile guests it generates from a fresh seed.
 * This suite runs it as a student does:
 *
 *   - on this tree's traplab (TRAPLAB_BIN, as `make test` sets it): full
 *     marks, exit status 0, and a seed printed for replay;
 *   - on a handout copy: the tree with the LAB 9 regions of pv.c and
 *     paging.s replaced by their stubs (tools-build/handout.sh), built (make
 *     -j2 build/traplab), and graded by the copy's own checker, so that the
 *     copy's minios-pv (assembled from its stubbed paging.s) is the guest:
 *     it fails, the batching check (2), the transitions check (3) and every
 *     hostile check (4-12) fail, and its seed is not the first run's.
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

#define LAB9_CHECK "lessons/09-pv/check"
#define LAB9_BUILT_TRAPLAB "/build/traplab"

/* the full-marks run: no fuzzing (FUZZ is not read), and how many checks */
enum { LAB9_FUZZ = 0, LAB9_CHECKS = 12 };

static char first_seed[LAB_SEED_LEN];

static void
test_lab9_checker_passes_on_the_tree(void)
{
	char *out = lab_expect_full_marks(LAB9_CHECK, LAB9_FUZZ, LAB9_CHECKS, first_seed,
					  sizeof first_seed);
	/* the transitions check names both real figures, not a fixed text */
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "transitions under pv"));
	free(out);
}

static void
test_lab9_checker_rejects_arguments(void)
{
	char *out;
	CU_ASSERT_EQUAL(lab_sh(&out, "%s paging.s", LAB9_CHECK), 2);
	free(out);
	CU_ASSERT_EQUAL(lab_sh(&out, "TRAPLAB_BIN=/nonexistent %s", LAB9_CHECK), 2);
	free(out);
	CU_ASSERT_EQUAL(lab_sh(&out, "SEED=twelve %s", LAB9_CHECK), 2);
	free(out);
}

static void
test_lab9_replays_a_seed(void)
{
	char *first, *again;
	CU_ASSERT_EQUAL(lab_sh(&first, "SEED=4242 %s", LAB9_CHECK), 0);
	CU_ASSERT_EQUAL(lab_sh(&again, "SEED=4242 %s", LAB9_CHECK), 0);
	/* the same generated guests, so the same lines (their sizes, positions) */
	CU_ASSERT_STRING_EQUAL(first, again);
	free(first);
	free(again);
}

static void
test_lab9_checker_fails_on_the_stubbed_handout(void)
{
	static const struct lab_stubbed_file stubbed[] = {
		{ "monitor/vmm/pv.c", 2 },
		{ "guests/pg32/minios/paging.s", 2 },
	};
	char traplab[LAB_PATH_LEN];
	CU_ASSERT_EQUAL_FATAL(lab_build_stubbed_handout(9, stubbed, ARRAY_SIZE(stubbed), traplab,
							 sizeof traplab), 0);
	/* the copy's own checker: its top is the copy, its minios-pv the stubbed one */
	char check[LAB_PATH_LEN];
	size_t top_len = strlen(traplab) - strlen(LAB9_BUILT_TRAPLAB);
	CU_ASSERT_FATAL(strlen(traplab) > strlen(LAB9_BUILT_TRAPLAB) &&
			strcmp(traplab + top_len, LAB9_BUILT_TRAPLAB) == 0);
	snprintf(check, sizeof check, "%.*s/%s", (int)top_len, traplab, LAB9_CHECK);

	static const char *const must_fail[] = {
		"FAIL 2  ", "FAIL 3  ", "FAIL 4  ", "FAIL 5  ", "FAIL 6  ", "FAIL 7  ",
		"FAIL 8  ", "FAIL 9  ", "FAIL 10  ", "FAIL 11  ", "FAIL 12  ",
	};
	char *out = lab_expect_stubbed_fails(check, traplab, must_fail, ARRAY_SIZE(must_fail),
						 first_seed);
	/* the stubs are right but unbatched: minios-pv still does minios's work */
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "ok   1  "));
	free(out);
}

static CU_TestInfo tests[] = {
	{ "lab 9: the checker gives full marks to this tree", test_lab9_checker_passes_on_the_tree },
	{ "lab 9: arguments, a bad SEED and a missing traplab are usage errors (2)",
	  test_lab9_checker_rejects_arguments },
	{ "lab 9: SEED=n replays the same generated guests", test_lab9_replays_a_seed },
	{ "lab 9: the stubbed handout builds and fails the batching, transitions and hostile checks",
	  test_lab9_checker_fails_on_the_stubbed_handout },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_lessons_lab9 = {
	"lessons: lab 9 checker", lab_suite_init, lab_suite_cleanup, NULL, NULL, tests
};
