/* test_lab4.c — Lab 4's checker (lessons/04-memory/check) grades the memory
 * half of the monitor built into traplab (composed relocation, shadow page
 * tables), on guests it invents from a fresh seed.  This suite runs it as a
 * student does:
 *
 *   - on this tree's traplab (TRAPLAB_BIN, as `make test` sets it): full
 *     marks, exit status 0, and a seed printed for replay;
 *   - with an argument, or without a traplab to grade: a usage error (2);
 *   - on a handout copy: the tree with the LAB 4 regions of monitor/vmm/vm.c
 *     (vm_compose_translation) and monitor/vmm/shadow.c (shadow_enter,
 *     shadow_fill, shadow_emulate_pt_store, shadow_handle_fault) replaced by
 *     their stubs (by tools-build/handout.sh when it is there, else by the
 *     same substitution in awk), built with the house's warnings (make -j2
 *     build/traplab): it fails, every one of its 16 checks fails (the stubs
 *     give every mode the supervisor's relocation and ignore paging, so even
 *     detect.s and the nested VMM see it), and its seed is not the first
 *     run's (the random guests are fresh on every run).
 *
 * Everything the suite makes (the handout copy, the guests the checker keeps
 * for the student) is in one scratch folder, removed at the end however the
 * tests ended (lab_support.h).
 *
 * The stubbed build takes most of this suite's time (about half a minute).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lab_support.h"
#include "support.h"

#define LAB4_CHECK "lessons/04-memory/check"

/* the full-marks run: its random guests (FUZZ), and how many checks it passes */
enum { LAB4_FUZZ = 4, LAB4_CHECKS = 16 };

static char first_seed[LAB_SEED_LEN];

static void
test_lab4_checker_passes_on_the_tree(void)
{
	char *out = lab_expect_full_marks(LAB4_CHECK, LAB4_FUZZ, LAB4_CHECKS, first_seed,
					  sizeof first_seed);
	free(out);
}

static void
test_lab4_checker_rejects_arguments(void)
{
	char *out;
	CU_ASSERT_EQUAL(lab_sh(&out, "%s guests/pg32/hello.s", LAB4_CHECK), 2);
	free(out);
	CU_ASSERT_EQUAL(lab_sh(&out, "TRAPLAB_BIN=/nonexistent %s", LAB4_CHECK), 2);
	free(out);
	CU_ASSERT_EQUAL(lab_sh(&out, "SEED=x %s", LAB4_CHECK), 2);
	free(out);
	/* --help is the manual: every check named, exit 0 */
	CU_ASSERT_EQUAL(lab_sh(&out, "%s --help", LAB4_CHECK), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "EXIT STATUS"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "16  differential fuzzing"));
	free(out);
}

static void
test_lab4_checker_fails_on_the_stubbed_handout(void)
{
	static const struct lab_stubbed_file stubbed[] = {
		{ "monitor/vmm/vm.c", 1 },
		{ "monitor/vmm/shadow.c", 4 },
	};
	char traplab[LAB_PATH_LEN];
	CU_ASSERT_EQUAL_FATAL(lab_build_stubbed_handout(4, stubbed, ARRAY_SIZE(stubbed), traplab,
							 sizeof traplab), 0);

	/* each check is meant to catch the stubs: the fixed guests (detect.s,
	 * minios, the nested VMM, nanobench), relocation and clamping, paging
	 * from both modes, ptbr switches, paging off and on, page-table stores
	 * with and without tlbflush, frames and tables past the guest's memory,
	 * the trap storm, fuzzing */
	static const char *const must_fail[] = {
		"FAIL 1  hello.s and detect.s", "FAIL 2  minios", "FAIL 3  the nested PG32 VMM",
		"FAIL 4  nanobench", "FAIL 5  user-mode relocation", "FAIL 6  relocation clamped",
		"FAIL 7  paging from the guest kernel", "FAIL 8  paging from guest user mode",
		"FAIL 9  two address spaces", "FAIL 10  paging off and on",
		"FAIL 11  stores to live page tables", "FAIL 12  stores to live page tables with no tlbflush",
		"FAIL 13  page-table entries naming frames outside", "FAIL 14  page tables in the last frames",
		"FAIL 15  trap storm", "FAIL 16  differential fuzzing",
	};
	char *out = lab_expect_stubbed_fails(LAB4_CHECK, traplab, must_fail, ARRAY_SIZE(must_fail),
						 first_seed);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "FAIL: 16 of 16 checks failed"));
	/* a failing generated guest is kept for the student, with its options,
	 * in $TMPDIR/lab4-check.SEED/ (here the suite's scratch folder) */
	char kept[LAB_PATH_LEN];
	snprintf(kept, sizeof kept, "guest kept in %s/lab4-check.", lab_scratch());
	CU_ASSERT_PTR_NOT_NULL(strstr(out, kept));
	free(out);
}

static CU_TestInfo tests[] = {
	{ "lab 4: the checker gives full marks to this tree", test_lab4_checker_passes_on_the_tree },
	{ "lab 4: arguments and a missing traplab are usage errors (2)", test_lab4_checker_rejects_arguments },
	{ "lab 4: the stubbed handout builds and fails every check",
	  test_lab4_checker_fails_on_the_stubbed_handout },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_lessons_lab4 = {
	"lessons: lab 4 checker", lab_suite_init, lab_suite_cleanup, NULL, NULL, tests
};
