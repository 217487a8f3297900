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
 *     hostile check (4-12) fail, and its seed is not the first run's; graded
 *     with this tree's monitor instead, only checks 2 and 3 fail;
 *   - on a guest that stores its entries itself and sends the same batches
 *     (the counts right, the work right): check 2 sees the store.
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
static char *first_output;     /* the full-marks run's, for the replay */

static void
test_lab9_checker_passes_on_the_tree(void)
{
	char *out = lab_expect_full_marks(LAB9_CHECK, LAB9_FUZZ, LAB9_CHECKS, first_seed,
					  sizeof first_seed);
	/* the transitions check names both real figures, not a fixed text */
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "transitions under pv"));
	free(first_output);
	first_output = out;
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
	CU_ASSERT_PTR_NOT_NULL_FATAL(first_output);
	CU_ASSERT_NOT_EQUAL_FATAL(first_seed[0], '\0');
	char *again;
	CU_ASSERT_EQUAL(lab_sh(&again, "SEED=%s %s", first_seed, LAB9_CHECK), 0);
	/* the same generated guests, so the same lines (their sizes, positions) */
	CU_ASSERT_STRING_EQUAL(first_output, again);
	free(again);
}

static int
lab9_suite_cleanup(void)
{
	free(first_output);
	first_output = NULL;
	return lab_suite_cleanup();
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

	/* The guest's stubs alone, under this tree's monitor: the batching and
	 * transitions checks fail, the monitor's hostile checks pass. */
	int rc = lab_sh(&out, "TRAPLAB_BIN=\"${TRAPLAB_BIN:-$PWD/build/traplab}\" %s", check);
	CU_ASSERT_EQUAL(rc, 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "ok   1  "));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "FAIL 2  "));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "FAIL 3  "));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "FAIL: 2 of 12 checks failed"));
	if (rc != 1)
		fprintf(stderr, "\n%s\n", out);
	free(out);
}

/* A guest that cheats: it stores every entry to its tables itself and then
 * sends the same batches, so the counts are right and minios-pv still
 * works.  Check 2 watches sampled page-table words from boot and sees the
 * store first.  The copy holds only what the checker reads: its own folder
 * and the guests'. */
static void
test_lab9_a_guest_that_stores_to_its_tables_fails(void)
{
	char *out;
	int rc = lab_sh(&out,
			"set -e; c='%s/cheat'; mkdir -p \"$c/lessons\" \"$c/guests/pg32\"; "
			"cp -R lessons/09-pv \"$c/lessons/\"; "
			"cp -R guests/pg32/minios guests/pg32/minios-pv guests/pg32/lib \"$c/guests/pg32/\"; "
			"sed -i 's/^pv_batch_add:.*$/&\\n        stw   r3, 0(r2)/' "
			"\"$c/guests/pg32/minios/paging.s\"; "
			"grep -c '^        stw   r3, 0(r2)$' \"$c/guests/pg32/minios/paging.s\"; "
			"TRAPLAB_BIN=\"${TRAPLAB_BIN:-$PWD/build/traplab}\" \"$c/lessons/09-pv/check\"",
			lab_scratch());
	CU_ASSERT_EQUAL(rc, 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "ok   1  "));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "FAIL 2  "));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "first written by 'stw"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "FAIL: 1 of 12 checks failed"));
	if (rc != 1)
		fprintf(stderr, "\n%s\n", out);
	free(out);
}

static CU_TestInfo tests[] = {
	{ "lab 9: the checker gives full marks to this tree", test_lab9_checker_passes_on_the_tree },
	{ "lab 9: arguments, a bad SEED and a missing traplab are usage errors (2)",
	  test_lab9_checker_rejects_arguments },
	{ "lab 9: SEED=n replays the full-marks run's generated guests", test_lab9_replays_a_seed },
	{ "lab 9: the stubbed handout builds and fails the batching, transitions and hostile checks",
	  test_lab9_checker_fails_on_the_stubbed_handout },
	{ "lab 9: a guest that stores to its own page tables fails the batching check",
	  test_lab9_a_guest_that_stores_to_its_tables_fails },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_lessons_lab9 = {
	"lessons: lab 9 checker", lab_suite_init, lab9_suite_cleanup, NULL, NULL, tests
};
