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
 * The stubbed build takes most of this suite's time (about half a minute).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support.h"

enum { CMD_LEN = 8192, PATH_LEN = 512 };

#define LAB4_CHECK "lessons/04-memory/check"

static char first_seed[64];

/* Run `cmd` with sh -c, stdout and stderr into *output (malloc'd).  Returns
 * the exit status, or -1. */
static int
run_sh(const char *cmd, char **output)
{
	char out_path[] = "/tmp/traplab-lab4-XXXXXX";
	int fd = mkstemp(out_path);
	*output = NULL;
	if (fd < 0)
		return -1;
	close(fd);
	char full[CMD_LEN];
	/* `make SAN=1 test` exports SAN and MAKEFLAGS: the copies this test
	 * builds are plain builds, as a student's are. */
	snprintf(full, sizeof full, "(unset SAN MAKEFLAGS MFLAGS MAKELEVEL; %s) >'%s' 2>&1", cmd,
		 out_path);
	int status = system(full);
	*output = test_read_file(out_path, NULL);
	unlink(out_path);
	if (!*output)
		*output = strdup("");
	return (status != -1 && WIFEXITED(status)) ? WEXITSTATUS(status) : -1;
}

/* The seed the checker printed ("seed N (replay ..."), into buf. */
static void
seed_of(const char *out, char *buf, size_t len)
{
	const char *at = strstr(out, "\nseed ");
	buf[0] = '\0';
	if (at)
		sscanf(at + 6, "%63[0-9]", buf);
	(void)len;
}

static void
test_lab4_checker_passes_on_the_tree(void)
{
	char cmd[CMD_LEN], *out;
	snprintf(cmd, sizeof cmd, "cd '%s' && FUZZ=4 %s", test_top(), LAB4_CHECK);
	int rc = run_sh(cmd, &out);
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "PASS: all 16 checks"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "replay this run: SEED="));
	seed_of(out, first_seed, sizeof first_seed);
	CU_ASSERT_NOT_EQUAL(first_seed[0], '\0');
	if (rc != 0)
		fprintf(stderr, "\n%s\n", out);
	free(out);
	if (first_seed[0]) {
		snprintf(cmd, sizeof cmd, "rm -rf /tmp/lab4-check.%s", first_seed);
		CU_ASSERT_EQUAL(system(cmd), 0);
	}
}

static void
test_lab4_checker_rejects_arguments(void)
{
	char cmd[CMD_LEN], *out;
	snprintf(cmd, sizeof cmd, "cd '%s' && %s guests/pg32/hello.s", test_top(), LAB4_CHECK);
	CU_ASSERT_EQUAL(run_sh(cmd, &out), 2);
	free(out);
	snprintf(cmd, sizeof cmd, "cd '%s' && TRAPLAB_BIN=/nonexistent %s", test_top(), LAB4_CHECK);
	CU_ASSERT_EQUAL(run_sh(cmd, &out), 2);
	free(out);
	snprintf(cmd, sizeof cmd, "cd '%s' && SEED=x %s", test_top(), LAB4_CHECK);
	CU_ASSERT_EQUAL(run_sh(cmd, &out), 2);
	free(out);
	/* --help is the manual: every check named, exit 0 */
	snprintf(cmd, sizeof cmd, "cd '%s' && %s --help", test_top(), LAB4_CHECK);
	CU_ASSERT_EQUAL(run_sh(cmd, &out), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "EXIT STATUS"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "16  differential fuzzing"));
	free(out);
}

/* The LAB 4 regions, stubbed, as the handout does it (the fallback when
 * tools-build/handout.sh is not in the tree). */
static const char stub_awk[] =
	"/^[ \\t]*\\/\\* LAB 4: .*\\*\\/[ \\t]*$/ { r = 1; ind = $0; sub(/[^ \\t].*/, \"\", ind);"
	" print ind \"/* TODO (Lab 4) */\"; next }\n"
	"r && /^[ \\t]*\\/\\* END LAB 4 \\*\\/[ \\t]*$/ { r = 0; next }\n"
	"r && /^[ \\t]*\\/\\* STUB: .*\\*\\/[ \\t]*$/ { s = $0; sub(/^[ \\t]*\\/\\* STUB: /, \"\", s);"
	" sub(/ *\\*\\/[ \\t]*$/, \"\", s); print ind s; next }\n"
	"r { next }\n"
	"{ print }\n";

static void
test_lab4_checker_fails_on_the_stubbed_handout(void)
{
	char dir[] = "/tmp/traplab-lab4-handout-XXXXXX";
	if (!mkdtemp(dir)) {
		CU_FAIL("mkdtemp");
		return;
	}
	char tree[PATH_LEN], cmd[CMD_LEN], *out;
	snprintf(tree, sizeof tree, "%s/tree", dir);
	char handout[PATH_LEN];
	snprintf(handout, sizeof handout, "%s/tools-build/handout.sh", test_top());
	if (access(handout, X_OK) == 0) {
		snprintf(cmd, sizeof cmd, "'%s' 4 '%s'", handout, tree);
	} else {
		char awk_path[PATH_LEN];
		snprintf(awk_path, sizeof awk_path, "%s/stub.awk", dir);
		FILE *f = fopen(awk_path, "w");
		CU_ASSERT_PTR_NOT_NULL_FATAL(f);
		fputs(stub_awk, f);
		fclose(f);
		snprintf(cmd, sizeof cmd,
			 "mkdir -p '%s' && cd '%s' && git ls-files -co --exclude-standard | "
			 "while read -r p; do [ -f \"$p\" ] && printf '%%s\\n' \"$p\"; done | "
			 "cpio -pdm --quiet '%s' && cd '%s' && "
			 "for f in monitor/vmm/vm.c monitor/vmm/shadow.c; do "
			 "awk -f '%s' $f >$f.new && mv $f.new $f; done",
			 tree, test_top(), tree, tree, awk_path);
	}
	int rc = run_sh(cmd, &out);
	if (rc != 0)
		fprintf(stderr, "\n  making the handout failed (%d):\n%s\n", rc, out);
	free(out);
	CU_ASSERT_EQUAL_FATAL(rc, 0);

	/* the stubs must be there (four in shadow.c, one in vm.c), and compile
	 * with the house's warnings */
	snprintf(cmd, sizeof cmd, "grep -c 'TODO (Lab 4)' '%s/monitor/vmm/shadow.c'", tree);
	rc = run_sh(cmd, &out);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_EQUAL(atoi(out), 4);
	free(out);
	snprintf(cmd, sizeof cmd, "grep -c 'TODO (Lab 4)' '%s/monitor/vmm/vm.c'", tree);
	rc = run_sh(cmd, &out);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_EQUAL(atoi(out), 1);
	free(out);
	snprintf(cmd, sizeof cmd, "cd '%s' && make -j2 build/traplab", tree);
	rc = run_sh(cmd, &out);
	if (rc != 0)
		fprintf(stderr, "\n  the stubbed tree does not build:\n%s\n", out);
	free(out);
	CU_ASSERT_EQUAL_FATAL(rc, 0);

	snprintf(cmd, sizeof cmd, "cd '%s' && FUZZ=2 TRAPLAB_BIN='%s/build/traplab' %s",
		 test_top(), tree, LAB4_CHECK);
	rc = run_sh(cmd, &out);
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	CU_ASSERT_EQUAL(rc, 1);
	CU_ASSERT_PTR_NULL(strstr(out, "PASS"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "FAIL: 16 of 16 checks failed"));
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
	for (size_t i = 0; i < ARRAY_SIZE(must_fail); i++) {
		if (!strstr(out, must_fail[i])) {
			fprintf(stderr, "\n  no \"%s\" in the stubbed run's output\n", must_fail[i]);
			CU_FAIL("a check meant to catch a stub passed");
		}
	}
	/* a failing generated guest is kept for the student, with its options */
	char seed[64];
	seed_of(out, seed, sizeof seed);
	CU_ASSERT_NOT_EQUAL(seed[0], '\0');
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "guest kept in /tmp/lab4-check."));
	/* a fresh seed: not the guests of the first run */
	if (first_seed[0])
		CU_ASSERT_STRING_NOT_EQUAL(seed, first_seed);
	if (rc != 1)
		fprintf(stderr, "\n%s\n", out);
	free(out);

	snprintf(cmd, sizeof cmd, "rm -rf '%s' /tmp/lab4-check.%s", dir, seed[0] ? seed : "none");
	CU_ASSERT_EQUAL(system(cmd), 0);
}

static CU_TestInfo tests[] = {
	{ "lab 4: the checker gives full marks to this tree", test_lab4_checker_passes_on_the_tree },
	{ "lab 4: arguments and a missing traplab are usage errors (2)", test_lab4_checker_rejects_arguments },
	{ "lab 4: the stubbed handout builds and fails every check",
	  test_lab4_checker_fails_on_the_stubbed_handout },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_lessons_lab4 = {
	"lessons: lab 4 checker", NULL, NULL, NULL, NULL, tests
};
