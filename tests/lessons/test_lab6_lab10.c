/* test_lab6_lab10.c — the checkers of Lab 6 (lessons/06-holes) and Lab 10
 * (lessons/10-compare) must FAIL on their starters and PASS on a solution.
 * They run as a student runs them, as programs, with the traplab under test
 * in TRAPLAB_BIN (the Makefile's test target sets it; build-san/ for
 * `make SAN=1 test`):
 *
 *     lessons/06-holes/check PROBE.s            (bash; traplab run and equiv)
 *     lessons/10-compare/check RANKING.json     (bash + awk; traplab compare)
 *
 * Lab 10 has no static answer key: its rankings are of host times, so the
 * solution is generated here from a fresh measurement by
 * lessons/10-compare/solution/make-ranking, and the checker is given the same
 * measurement (LAB10_COMPARE_DIR), so the test does not depend on the load.
 * Both honour LAB10_REPS (compare's --reps).  This suite sets it to 2, or to
 * 1 when built with AddressSanitizer (traplab is ~5-10x slower there), unless
 * the environment already sets it.  The whole suite takes a few seconds
 * (about 15 under SAN=1).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support.h"

enum { LAB_PATH = 4096 };

#define LAB6  "lessons/06-holes"
#define LAB10 "lessons/10-compare"

#if defined(__SANITIZE_ADDRESS__)
#define LAB10_TEST_REPS "1"
#else
#define LAB10_TEST_REPS "2"
#endif

/* Run TOP/program with one argument (NULL: none).  Its stdout goes to
 * `stdout_path` if given, else with stderr into *output (malloc'd, may be
 * NULL when not wanted).  Returns the exit status, or -1. */
static int
lab_run(const char *program, const char *arg, const char *stdout_path, char **output)
{
	char path[LAB_PATH], out_path[] = "/tmp/traplab-lab610-XXXXXX";
	snprintf(path, sizeof path, "%s/%s", test_top(), program);
	if (output)
		*output = NULL;
	int fd = mkstemp(out_path);
	if (fd < 0)
		return -1;
	int to = -1;
	if (stdout_path) {
		to = open(stdout_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (to < 0) {
			close(fd);
			unlink(out_path);
			return -1;
		}
	}
	pid_t pid = fork();
	if (pid < 0) {
		close(fd);
		if (to >= 0)
			close(to);
		unlink(out_path);
		return -1;
	}
	if (pid == 0) {
		dup2(to >= 0 ? to : fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		char *const argv[] = { path, (char *)arg, NULL };
		execv(path, argv);
		fprintf(stderr, "cannot run %s: %s\n", path, strerror(errno));
		_exit(127);
	}
	close(fd);
	if (to >= 0)
		close(to);
	int status;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	char *text = test_read_file(out_path, NULL);
	unlink(out_path);
	if (output)
		*output = text ? text : strdup("");
	else
		free(text);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* A checker on `arg` (relative to the top unless absolute) must exit with
 * `status` and print every one of the strings that follow (NULL ends them);
 * otherwise show its output, whose lines say what broke. */
static void
expect_check(const char *checker, const char *arg, int status, ...)
{
	char full[LAB_PATH];
	if (arg[0] != '/') {
		snprintf(full, sizeof full, "%s/%s", test_top(), arg);
		arg = full;
	}
	char *out;
	int rc = lab_run(checker, arg, NULL, &out);
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	CU_ASSERT_EQUAL(rc, status);
	int shown = rc != status;
	va_list ap;
	va_start(ap, status);
	for (const char *needle; (needle = va_arg(ap, const char *)) != NULL;) {
		int found = strstr(out, needle) != NULL;
		CU_ASSERT_TRUE(found);
		if (!found) {
			fprintf(stderr, "\n  %s %s: no \"%s\" in its output", checker, arg, needle);
			shown = 1;
		}
	}
	va_end(ap);
	if (shown)
		fprintf(stderr, "\n  %s %s: exit status %d (expected %d); output:\n%s\n",
			checker, arg, rc, status, out);
	free(out);
}

static int
suite_init(void)
{
	/* The checkers find traplab through TRAPLAB_BIN (else ../../build/traplab). */
	setenv("LAB10_REPS", LAB10_TEST_REPS, 0);
	return 0;
}

/* ---- Lab 6 --------------------------------------------------------------- */

static void
test_lab6_starter_fails(void)
{
	/* It answers "bare" without looking: right bare, wrong under trap. */
	expect_check(LAB6 "/check", LAB6 "/starter/probe.s", 1,
		     "ok   1  bare legacy machine: all four lines say bare",
		     "FAIL 3  --isa=legacy --mode=trap: all four lines say virtualized",
		     "hint: under --mode=trap your kernel runs in real user mode",
		     "trap mode was equivalent to bare",
		     "FAIL 9  --isa=legacy --trace: 'kernel rdpsw' runs rdpsw in kernel mode (S): rdpsw never ran",
		     "FAIL 13  --isa=legacy --mode=trap --place=identity: rdpsw and wrpsw virtualized",
		     "FAIL 15  --isa=legacy --mode=bt: only 'user srr' says virtualized",
		     "FAIL: 13 of 16 checks failed", (char *)NULL);
}

static void
test_lab6_solution_passes(void)
{
	expect_check(LAB6 "/check", LAB6 "/solution/probe.s", 0,
		     "(it is rdpsw)",
		     "ok   9  --isa=legacy --trace: 'kernel rdpsw' runs rdpsw in kernel mode (S)",
		     "ok   10  --isa=legacy --trace: 'kernel wrpsw' runs wrpsw in kernel mode (S)",
		     "ok   11  --isa=legacy --trace: 'kernel srr' runs srr in kernel mode (S)",
		     "ok   12  --isa=legacy --trace: 'user srr' runs srr in user mode (U)",
		     "ok   14  --isa=legacy --mode=trap --place=identity: powers off with 2",
		     "ok   16  --isa=legacy --mode=bt: powers off with 1",
		     "PASS: 16 of 16 checks passed", (char *)NULL);
}

/* Cheat (tests/lessons/cheats/lab6-srr-only.patch to the solution): one kernel srr decides all
 * three kernel answers, no rdpsw or wrpsw.  It prints the right lines under
 * bare, trap and hybrid (checks 1-8 pass); the trace shows that rdpsw and
 * wrpsw never ran, and --place=identity, where srr sees nothing, gives it
 * away. */
static void
test_lab6_srr_only_cheat_fails(void)
{
	char cheat[LAB_PATH];
	CU_ASSERT_EQUAL_FATAL(test_cheat_from_patch("tests/lessons/cheats/lab6-srr-only.patch",
						    cheat, sizeof cheat), 0);
	expect_check(LAB6 "/check", cheat, 1,
		     "ok   3  --isa=legacy --mode=trap: all four lines say virtualized",
		     "ok   5  --isa=legacy --mode=hybrid: only 'user srr' says virtualized",
		     "FAIL 9  --isa=legacy --trace: 'kernel rdpsw' runs rdpsw in kernel mode (S): rdpsw never ran",
		     "FAIL 10  --isa=legacy --trace: 'kernel wrpsw' runs wrpsw in kernel mode (S): wrpsw never ran",
		     "ok   11  --isa=legacy --trace: 'kernel srr' runs srr in kernel mode (S)",
		     "FAIL 13  --isa=legacy --mode=trap --place=identity: rdpsw and wrpsw virtualized",
		     "FAIL: 4 of 16 checks failed", (char *)NULL);
	unlink(cheat);
}

static void
test_lab6_usage(void)
{
	expect_check(LAB6 "/check", "/nonexistent/probe.s", 2, "no probe at", (char *)NULL);
}

/* ---- Lab 10 -------------------------------------------------------------- */

static void
test_lab10_starter_fails(void)
{
	expect_check(LAB10 "/check", LAB10 "/starter/ranking.json", 1,
		     "syscall: trap, hybrid and bt ranked fastest first: the list is empty",
		     "FAIL 8  ptemod: transitions trap / bt",
		     "FAIL 9  the explanations", "FAIL: 10 of 10 checks failed", (char *)NULL);
}

static void
test_lab10_solution_passes(void)
{
	char json[] = "/tmp/traplab-ranking-XXXXXX";
	int fd = mkstemp(json);
	CU_ASSERT_FATAL(fd >= 0);
	close(fd);
	/* One measurement serves both: make-ranking saves it, check reads it
	 * back (LAB10_COMPARE_DIR), so this tests the checker's logic and not
	 * the machine's load at two different moments. */
	char dir[] = "/tmp/traplab-measured-XXXXXX";
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	setenv("LAB10_COMPARE_DIR", dir, 1);
	char *err;
	int rc = lab_run(LAB10 "/solution/make-ranking", NULL, json, &err);
	if (rc != 0)
		fprintf(stderr, "\n  make-ranking: exit status %d:\n%s\n", rc, err ? err : "");
	free(err);
	CU_ASSERT_EQUAL(rc, 0);
	char answers[LAB_PATH];
	snprintf(answers, sizeof answers, "%s/" LAB10 "/solution/answers-lab10.txt", test_top());
	setenv("LAB10_ANSWERS", answers, 1);
	if (rc == 0)
		expect_check(LAB10 "/check", json, 0, "ok   9  the explanations",
			     "ok   10  Closing quotes ptemod's transitions",
			     "PASS: 10 of 10 checks passed", (char *)NULL);
	unsetenv("LAB10_ANSWERS");
	unsetenv("LAB10_COMPARE_DIR");
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	CU_ASSERT_EQUAL(system(cmd), 0);
	unlink(json);
}

/* A clearly wrong order must fail: ptemod under trap is ~6x slower than bt
 * and ~3x slower than hybrid on every machine (three exits per page-table
 * store), so "trap fastest" is wrong whatever the noise.  The other lists are left out: only ptemod is
 * measured. */
static void
test_lab10_wrong_order_fails(void)
{
	char json[] = "/tmp/traplab-ranking-XXXXXX";
	int fd = mkstemp(json);
	CU_ASSERT_FATAL(fd >= 0);
	static const char text[] =
		"{\n  \"ranking\": {\n    \"ptemod\": [\"trap\", \"hybrid\", \"bt\"]\n  },\n"
		"  \"ptemod_transitions_trap_over_bt\": 3\n}\n";
	CU_ASSERT_FATAL(write(fd, text, sizeof text - 1) == (ssize_t)(sizeof text - 1));
	close(fd);
	expect_check(LAB10 "/check", json, 1,
		     "FAIL 4  ptemod: trap, hybrid and bt ranked fastest first: you put trap before",
		     "ok   8  ptemod: transitions trap / bt", (char *)NULL);
	unlink(json);
}

/* Cheat (tests/lessons/cheats/lab10-sort-by-time): a script that sorts
 * by host time passes the ranking, but writes no explanations; thin
 * one-line answers (lab10-answers-thin.txt) do not pass either, nor does a
 * closing answer without the transitions measured now. */
static void
test_lab10_sorting_by_host_time_is_not_enough(void)
{
	char json[] = "/tmp/traplab-ranking-XXXXXX";
	int fd = mkstemp(json);
	CU_ASSERT_FATAL(fd >= 0);
	close(fd);
	char dir[] = "/tmp/traplab-measured-XXXXXX";
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	setenv("LAB10_COMPARE_DIR", dir, 1);
	CU_ASSERT_EQUAL(lab_run(LAB10 "/solution/make-ranking", NULL, "/dev/null", NULL), 0);
	int rc = lab_run("tests/lessons/cheats/lab10-sort-by-time", NULL, json, NULL);
	CU_ASSERT_EQUAL(rc, 0);
	char answers[LAB_PATH];
	snprintf(answers, sizeof answers, "%s/nonexistent/answers-lab10.txt", test_top());
	setenv("LAB10_ANSWERS", answers, 1);
	expect_check(LAB10 "/check", json, 1, "ok   4  ptemod: trap, hybrid and bt ranked",
		     "FAIL 9  the explanations", "FAIL 10  Closing quotes", (char *)NULL);
	snprintf(answers, sizeof answers, "%s/tests/lessons/cheats/lab10-answers-thin.txt", test_top());
	setenv("LAB10_ANSWERS", answers, 1);
	expect_check(LAB10 "/check", json, 1, "FAIL 9  the explanations",
		     "Q1 (2 words, need 20)", "FAIL 10  Closing quotes", (char *)NULL);
	unsetenv("LAB10_ANSWERS");
	unsetenv("LAB10_COMPARE_DIR");
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	CU_ASSERT_EQUAL(system(cmd), 0);
	unlink(json);
}

/* LAB10_MONITORS: a finished Lab 3 tree's traplab measures trap.  The tree
 * here is a folder with .handout-lab = 3 and a build/traplab that logs each
 * call and runs the traplab under test (a student's finished Lab 3 is the
 * reference's code): the checker must say whose monitor measures trap, run
 * it on what it measures, and take trap's transitions from it (check 8).
 * Trees that are not Lab 3, 7, 8 or 9 handouts, or not built, are usage
 * errors. */
static void
test_lab10_measures_the_students_own_monitor(void)
{
	char dir[] = "/tmp/traplab-lab10-mine-XXXXXX";
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	const char *real = getenv("TRAPLAB_BIN");
	char real_path[LAB_PATH], cmd[3 * LAB_PATH];
	if (!real) {
		snprintf(real_path, sizeof real_path, "%s/build/traplab", test_top());
		real = real_path;
	}
	snprintf(cmd, sizeof cmd,
		 "mkdir -p '%s/lab3/build' '%s/lab6' '%s/lab7' && echo 3 >'%s/lab3/.handout-lab' && "
		 "echo 6 >'%s/lab6/.handout-lab' && echo 7 >'%s/lab7/.handout-lab' && "
		 "printf '#!/bin/sh\necho \"$*\" >>%s/calls\nexec %s \"$@\"\n' >'%s/lab3/build/traplab' && "
		 "chmod +x '%s/lab3/build/traplab'", dir, dir, dir, dir, dir, dir, dir, real, dir, dir);
	CU_ASSERT_EQUAL_FATAL(system(cmd), 0);

	char json[] = "/tmp/traplab-ranking-XXXXXX";
	int fd = mkstemp(json);
	CU_ASSERT_FATAL(fd >= 0);
	static const char text[] =
		"{\n  \"ranking\": {\n    \"ptemod\": [\"bt\", \"hybrid\", \"trap\"]\n  },\n"
		"  \"ptemod_transitions_trap_over_bt\": 3\n}\n";
	CU_ASSERT_FATAL(write(fd, text, sizeof text - 1) == (ssize_t)(sizeof text - 1));
	close(fd);

	char mine[LAB_PATH + 8];
	snprintf(mine, sizeof mine, "%s/lab3", dir);
	setenv("LAB10_MONITORS", mine, 1);
	expect_check(LAB10 "/check", json, 1, "trap is measured with your Lab 3 monitor",
		     "ok   8  ptemod: transitions trap / bt", (char *)NULL);
	snprintf(cmd, sizeof cmd, "%s/calls", dir);
	char *calls = test_read_file(cmd, NULL);
	CU_ASSERT_PTR_NOT_NULL(calls);
	CU_ASSERT_PTR_NOT_NULL(calls ? strstr(calls, "compare --isa=legacy") : NULL);
	CU_ASSERT_PTR_NOT_NULL(calls ? strstr(calls, "nanobench/ptemod.s") : NULL);
	free(calls);

	static const char *const refused[][2] = {
		{ "lab6", "only Labs 3, 7, 8 and 9 build a monitor" },
		{ "lab7", "is not built" },
		{ "nonexistent", "is not a handout tree" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(refused); i++) {
		snprintf(mine, sizeof mine, "%s/%s", dir, refused[i][0]);
		setenv("LAB10_MONITORS", mine, 1);
		expect_check(LAB10 "/check", json, 2, refused[i][1], (char *)NULL);
	}
	unsetenv("LAB10_MONITORS");
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	CU_ASSERT_EQUAL(system(cmd), 0);
	unlink(json);
}

static CU_TestInfo tests[] = {
	{ "lab 6: the starter fails", test_lab6_starter_fails },
	{ "lab 6: the solution passes", test_lab6_solution_passes },
	{ "lab 6: a missing probe is a usage error (2)", test_lab6_usage },
	{ "lab 6: cheat: one kernel srr for all three answers fails",
	  test_lab6_srr_only_cheat_fails },
	{ "lab 10: the starter fails", test_lab10_starter_fails },
	{ "lab 10: a freshly measured solution passes", test_lab10_solution_passes },
	{ "lab 10: a wrong order fails", test_lab10_wrong_order_fails },
	{ "lab 10: cheat: sorting by host time, no explanations, fails",
	  test_lab10_sorting_by_host_time_is_not_enough },
	{ "lab 10: LAB10_MONITORS measures trap with the student's Lab 3 traplab",
	  test_lab10_measures_the_students_own_monitor },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_lessons_holes_compare = {
	"lessons: lab 6 and lab 10 checkers", suite_init, NULL, NULL, NULL, tests
};
