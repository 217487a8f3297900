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
 * The stubbed build takes most of this suite's time (about a minute).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support.h"

enum { CMD_LEN = 8192, PATH_LEN = 512 };

#define LAB5_CHECK "lessons/05-interrupts/check"

static char first_seed[64];

/* Run `cmd` with sh -c, stdout and stderr into *output (malloc'd).  Returns
 * the exit status, or -1. */
static int
run_sh(const char *cmd, char **output)
{
	char out_path[] = "/tmp/traplab-lab5-XXXXXX";
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
test_lab5_checker_passes_on_the_tree(void)
{
	char cmd[CMD_LEN], *out;
	snprintf(cmd, sizeof cmd, "cd '%s' && FUZZ=6 %s", test_top(), LAB5_CHECK);
	int rc = run_sh(cmd, &out);
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "PASS: all 15 checks"));
	CU_ASSERT_PTR_NULL(strstr(out, "FAIL"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "replay this run: SEED="));
	seed_of(out, first_seed, sizeof first_seed);
	CU_ASSERT_NOT_EQUAL(first_seed[0], '\0');
	if (rc != 0)
		fprintf(stderr, "\n%s\n", out);
	free(out);
}

static void
test_lab5_checker_rejects_arguments(void)
{
	char cmd[CMD_LEN], *out;
	snprintf(cmd, sizeof cmd, "cd '%s' && %s guest.s", test_top(), LAB5_CHECK);
	CU_ASSERT_EQUAL(run_sh(cmd, &out), 2);
	free(out);
	snprintf(cmd, sizeof cmd, "cd '%s' && TRAPLAB_BIN=/nonexistent %s", test_top(), LAB5_CHECK);
	CU_ASSERT_EQUAL(run_sh(cmd, &out), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "cannot run traplab"));
	free(out);
	snprintf(cmd, sizeof cmd, "cd '%s' && SEED=twelve %s", test_top(), LAB5_CHECK);
	CU_ASSERT_EQUAL(run_sh(cmd, &out), 2);
	free(out);
	snprintf(cmd, sizeof cmd, "cd '%s' && FUZZ=0 %s", test_top(), LAB5_CHECK);
	CU_ASSERT_EQUAL(run_sh(cmd, &out), 2);
	free(out);
	/* --help is the manual, and not an error */
	snprintf(cmd, sizeof cmd, "cd '%s' && %s --help", test_top(), LAB5_CHECK);
	CU_ASSERT_EQUAL(run_sh(cmd, &out), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "EXIT STATUS"));
	free(out);
}

/* The LAB 5 regions, stubbed, as the handout does it (the fallback when
 * tools-build/handout.sh is not in the tree). */
static const char stub_awk[] =
	"/^[ \\t]*\\/\\* LAB 5: .*\\*\\/[ \\t]*$/ { r = 1; ind = $0; sub(/[^ \\t].*/, \"\", ind);"
	" print ind \"/* TODO (Lab 5) */\"; next }\n"
	"r && /^[ \\t]*\\/\\* END LAB 5 \\*\\/[ \\t]*$/ { r = 0; next }\n"
	"r && /^[ \\t]*\\/\\* STUB: .*\\*\\/[ \\t]*$/ { s = $0; sub(/^[ \\t]*\\/\\* STUB: /, \"\", s);"
	" sub(/ *\\*\\/[ \\t]*$/, \"\", s); print ind s; next }\n"
	"r { next }\n"
	"{ print }\n";

static void
test_lab5_checker_fails_on_the_stubbed_handout(void)
{
	char dir[] = "/tmp/traplab-lab5-handout-XXXXXX";
	if (!mkdtemp(dir)) {
		CU_FAIL("mkdtemp");
		return;
	}
	char tree[PATH_LEN], cmd[CMD_LEN], *out;
	snprintf(tree, sizeof tree, "%s/tree", dir);
	char handout[PATH_LEN];
	snprintf(handout, sizeof handout, "%s/tools-build/handout.sh", test_top());
	if (access(handout, X_OK) == 0) {
		snprintf(cmd, sizeof cmd, "'%s' 5 '%s'", handout, tree);
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
			 "for f in monitor/vmm/vcpu.c monitor/vmm/vm.c; do "
			 "awk -f '%s' $f >$f.new && mv $f.new $f; done",
			 tree, test_top(), tree, tree, awk_path);
	}
	int rc = run_sh(cmd, &out);
	if (rc != 0)
		fprintf(stderr, "\n  making the handout failed (%d):\n%s\n", rc, out);
	free(out);
	CU_ASSERT_EQUAL_FATAL(rc, 0);

	/* the three stubs must be there, and compile with the house's warnings */
	snprintf(cmd, sizeof cmd, "grep -c 'TODO (Lab 5)' '%s/monitor/vmm/vcpu.c'", tree);
	rc = run_sh(cmd, &out);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_EQUAL(atoi(out), 1);
	free(out);
	snprintf(cmd, sizeof cmd, "grep -c 'TODO (Lab 5)' '%s/monitor/vmm/vm.c'", tree);
	rc = run_sh(cmd, &out);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_EQUAL(atoi(out), 2);
	free(out);
	snprintf(cmd, sizeof cmd, "cd '%s' && make -j2 build/traplab", tree);
	rc = run_sh(cmd, &out);
	if (rc != 0)
		fprintf(stderr, "\n  the stubbed tree does not build:\n%s\n", out);
	free(out);
	CU_ASSERT_EQUAL_FATAL(rc, 0);

	snprintf(cmd, sizeof cmd, "cd '%s' && FUZZ=2 TRAPLAB_BIN='%s/build/traplab' %s",
		 test_top(), tree, LAB5_CHECK);
	rc = run_sh(cmd, &out);
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	CU_ASSERT_EQUAL(rc, 1);
	CU_ASSERT_PTR_NULL(strstr(out, "PASS"));
	/* hello.s has no timer: nothing to inject, so the stubs keep it equivalent */
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\nok   1  "));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "FAIL: 14 of 15 checks failed"));
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
	for (size_t i = 0; i < ARRAY_SIZE(must_fail); i++) {
		if (!strstr(out, must_fail[i])) {
			fprintf(stderr, "\n  no \"%s\" in the stubbed run's output\n", must_fail[i]);
			CU_FAIL("a check meant to catch a stub passed");
		}
	}
	/* a fresh seed: not the guests of the first run */
	char seed[64];
	seed_of(out, seed, sizeof seed);
	CU_ASSERT_NOT_EQUAL(seed[0], '\0');
	if (first_seed[0])
		CU_ASSERT_STRING_NOT_EQUAL(seed, first_seed);
	if (rc != 1)
		fprintf(stderr, "\n%s\n", out);
	free(out);

	snprintf(cmd, sizeof cmd, "rm -rf '%s' /tmp/lab5-check.%s", dir, seed[0] ? seed : "none");
	CU_ASSERT_EQUAL(system(cmd), 0);
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
	"lessons: lab 5 checker", NULL, NULL, NULL, NULL, tests
};
