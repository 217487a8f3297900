/* test_lab_checkers.c — every lab ships a checker that must FAIL on its
 * starter and PASS on its solution (lessons/README.md).  This suite runs the
 * checkers of Labs 1 and 2 exactly as a student does, as programs:
 *
 *     lessons/01-machine/check FILE.s          (bash; drives traplab run)
 *     lessons/02-classify/check ANSWERS.json   (sh + awk; drives traplab classify)
 *
 * with the traplab under test in TRAPLAB_BIN (the Makefile's test target sets
 * it, so `make SAN=1 test` grades with build-san/traplab), and checks the exit
 * status (0 pass, 1 fail, 2 usage) and the summary line.  One broken answer per
 * lab checks that a failure names its criterion and gives a hint.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support.h"

enum { PATH_LEN = 4096 };

#define LAB1 "lessons/01-machine"
#define LAB2 "lessons/02-classify"

/* Run TOP/checker with one argument; stdout and stderr
 * merged into *output (malloc'd, NUL-terminated).  Returns the exit status, or
 * -1 if the checker could not be run or did not exit normally. */
static int
run_checker(const char *checker, const char *arg, char **output)
{
	char path[PATH_LEN], out_path[] = "/tmp/traplab-labcheck-XXXXXX";
	snprintf(path, sizeof path, "%s/%s", test_top(), checker);
	*output = NULL;
	int fd = mkstemp(out_path);
	if (fd < 0)
		return -1;
	pid_t pid = fork();
	if (pid < 0) {
		close(fd);
		unlink(out_path);
		return -1;
	}
	if (pid == 0) {
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		close(fd);
		char *const argv[] = { path, (char *)arg, NULL };
		execv(path, argv);
		fprintf(stderr, "cannot run %s: %s\n", path, strerror(errno));
		_exit(127);
	}
	close(fd);
	int status;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	*output = test_read_file(out_path, NULL);
	unlink(out_path);
	if (!*output)
		*output = strdup("");
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Run a checker on `arg` (a path relative to the top of the tree, or an
 * absolute path or option as is) and require its exit status and a substring
 * of its output; on a mismatch, show the output (the checker's own words say
 * what broke). */
static void
expect(const char *checker, const char *arg, int status, const char *needle)
{
	char full[PATH_LEN];
	if (arg[0] != '/' && arg[0] != '-') {     /* a file of the tree */
		snprintf(full, sizeof full, "%s/%s", test_top(), arg);
		arg = full;
	}
	char *out;
	int rc = run_checker(checker, arg, &out);
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	int found = strstr(out, needle) != NULL;
	if (rc != status || !found)
		fprintf(stderr, "\n  %s %s: exit status %d (expected %d), looked for \"%s\"; output:\n%s\n",
			checker, arg, rc, status, needle, out);
	CU_ASSERT_EQUAL(rc, status);
	CU_ASSERT_TRUE(found);
	free(out);
}

/* Write TOP/src with the first `from` replaced by `to` to a temporary file;
 * returns 0 and the file's path in tmp_path, or -1. */
static int
write_edited_copy(const char *src, const char *from, const char *to, const char *suffix,
		  char *tmp_path, size_t len)
{
	char path[PATH_LEN];
	snprintf(path, sizeof path, "%s/%s", test_top(), src);
	char *text = test_read_file(path, NULL);
	if (!text)
		return -1;
	char *at = strstr(text, from);
	if (!at) {
		fprintf(stderr, "\n  %s no longer contains \"%s\"\n", src, from);
		free(text);
		return -1;
	}
	snprintf(tmp_path, len, "/tmp/traplab-labedit-XXXXXX%s", suffix);
	int fd = mkstemps(tmp_path, (int)strlen(suffix));
	if (fd < 0) {
		free(text);
		return -1;
	}
	FILE *f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		free(text);
		return -1;
	}
	fprintf(f, "%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
	fclose(f);
	free(text);
	return 0;
}

/* ---- Lab 1 ---------------------------------------------------------------------- */

static void
test_lab1_checker_fails_on_the_starter(void)
{
	/* the starter prints a line and powers off: no SYSCALL, no memory trap */
	expect(LAB1 "/check", LAB1 "/starter/lab1.s", 1, "FAIL 3  the trace shows no SYSCALL trap");
	expect(LAB1 "/check", LAB1 "/starter/lab1.s", 1, "FAIL: 8 of 10 checks failed");
}

static void
test_lab1_checker_passes_on_the_solution(void)
{
	expect(LAB1 "/check", LAB1 "/solution/lab1.s", 0, "PASS: all 10 checks");
}

static void
test_lab1_checker_names_a_handler_that_forgets_epc_plus_4(void)
{
	/* without `addi r1, r1, 4` the handler returns to the sys, forever */
	char tmp[PATH_LEN];
	CU_ASSERT_EQUAL_FATAL(write_edited_copy(LAB1 "/solution/lab1.s", "        addi  r1, r1, 4\n", "",
						".s", tmp, sizeof tmp), 0);
	char *out;
	int rc = run_checker(LAB1 "/check", tmp, &out);
	unlink(tmp);
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	CU_ASSERT_EQUAL(rc, 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "FAIL 2  it ran 100000 instructions without powering off"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "add 4 to epc"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "ok   7  the console prints 'syscall 7'"));
	if (rc != 1)
		fprintf(stderr, "\n%s\n", out);
	free(out);
}

/* A power-off value that was once also traplab's own status for the budget
 * (4) is reported as the value it is, not as a budget that ran out. */
static void
test_lab1_checker_reports_a_power_off_value_as_such(void)
{
	char tmp[PATH_LEN];
	CU_ASSERT_EQUAL_FATAL(write_edited_copy(LAB1 "/solution/lab1.s",
						"        out   POWER_OFF, zero",
						"        li    r1, 4\n        out   POWER_OFF, r1",
						".s", tmp, sizeof tmp), 0);
	char *out;
	int rc = run_checker(LAB1 "/check", tmp, &out);
	unlink(tmp);
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	CU_ASSERT_EQUAL(rc, 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "FAIL 2  it powered off with status 4, expected 0"));
	CU_ASSERT_PTR_NULL(strstr(out, "without powering off"));
	if (rc != 1)
		fprintf(stderr, "\n%s\n", out);
	free(out);
}

/* ---- Lab 2 ---------------------------------------------------------------------- */

static void
test_lab2_checker_fails_on_the_starter(void)
{
	expect(LAB2 "/check", LAB2 "/starter/answers.json", 1,
	       "FAIL: 9 of 9 checks failed (answers: 0 wrong, 124 unanswered)");
	expect(LAB2 "/check", LAB2 "/starter/answers.json", 1,
	       "FAIL 5  witness: rdpsw on legacy: no witness");
}

static void
test_lab2_checker_passes_on_the_solution(void)
{
	/* every random draw: the solution's states are all its own */
	for (int seed = 1; seed <= 6; seed++) {
		char env[32];
		snprintf(env, sizeof env, "%d", seed);
		setenv("LAB2_SEED", env, 1);
		expect(LAB2 "/check", LAB2 "/solution/answers.json", 0,
		       "PASS: all 9 checks (124 answers, 4 witnesses replayed, 4 explanations)");
	}
	unsetenv("LAB2_SEED");
}

static void
test_lab2_checker_gives_the_witness_for_a_wrong_flag(void)
{
	/* say legacy's srr is not location-sensitive: the classifier's witness
	 * (two user states, R shifted, r1 differs) must come back as the hint */
	char tmp[PATH_LEN];
	const char *row = "\"srr\":   {\"privileged\": false, \"control-sensitive\": false, "
			  "\"mode-sensitive\": false, \"location-sensitive\": true";
	const char *edit = "\"srr\":   {\"privileged\": false, \"control-sensitive\": false, "
			   "\"mode-sensitive\": false, \"location-sensitive\": false";
	CU_ASSERT_EQUAL_FATAL(write_edited_copy(LAB2 "/solution/answers.json", row, edit, ".json",
						tmp, sizeof tmp), 0);
	char *out;
	int rc = run_checker(LAB2 "/check", tmp, &out);
	unlink(tmp);
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	CU_ASSERT_EQUAL(rc, 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "wrong  srr    location-sensitive: you said false, "
					   "the classifier derived true"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "why: `srr r1`: S=0"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "FAIL 3  legacy: the 60 flags: 1 wrong, 0 unanswered"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "FAIL: 1 of 9 checks failed (answers: 1 wrong, 0 unanswered)"));
	if (rc != 1)
		fprintf(stderr, "\n%s\n", out);
	free(out);
}

/* a witness whose claimed result is not what the replay shows fails, with both */
static void
test_lab2_checker_replays_a_witness(void)
{
	char tmp[PATH_LEN];
	CU_ASSERT_EQUAL_FATAL(write_edited_copy(LAB2 "/solution/answers.json",
						"\"a_result\": \"0x8000\"", "\"a_result\": \"0x9000\"",
						".json", tmp, sizeof tmp), 0);
	char *out;
	int rc = run_checker(LAB2 "/check", tmp, &out);
	unlink(tmp);
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	CU_ASSERT_EQUAL(rc, 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "FAIL 7  witness: srr on legacy: from state a you claim "
					   "r1 0x9000, the replay shows 0x8000"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "FAIL: 1 of 9 checks failed"));
	free(out);
}

/* a state of the classifier's own (srr's a: S=0 IE=0 R=(0x0,0x1000)) fails
 * when its hole is drawn, and passes when it is not */
static void
test_lab2_checker_rejects_a_classifier_state_when_drawn(void)
{
	char tmp[PATH_LEN];
	const char *from = "\"a\": {\"S\": 0, \"IE\": 1, \"rbase\": \"0x8000\", \"rbound\": \"0x2000\", "
			   "\"r1\": \"0x0\"},\n        \"b\": {\"S\": 0, \"IE\": 1, \"rbase\": \"0x10000\", "
			   "\"rbound\": \"0x2000\", \"r1\": \"0x0\"},\n        \"shows\": \"r1\", "
			   "\"a_result\": \"0x8000\"";
	const char *to = "\"a\": {\"S\": 0, \"IE\": 0, \"rbase\": \"0x0\", \"rbound\": \"0x1000\", "
			 "\"r1\": \"0x0\"},\n        \"b\": {\"S\": 0, \"IE\": 0, \"rbase\": \"0x10000\", "
			 "\"rbound\": \"0x1000\", \"r1\": \"0x0\"},\n        \"shows\": \"r1\", "
			 "\"a_result\": \"0x0\"";
	CU_ASSERT_EQUAL_FATAL(write_edited_copy(LAB2 "/solution/answers.json", from, to, ".json",
						tmp, sizeof tmp), 0);
	int drawn = 0, free_runs = 0;
	for (int seed = 1; seed <= 12; seed++) {
		char env[32], *out;
		snprintf(env, sizeof env, "%d", seed);
		setenv("LAB2_SEED", env, 1);
		int rc = run_checker(LAB2 "/check", tmp, &out);
		CU_ASSERT_PTR_NOT_NULL_FATAL(out);
		if (strstr(out, "drew legacy.srr") || strstr(out, "and legacy.srr")) {
			drawn++;
			CU_ASSERT_EQUAL(rc, 1);
			CU_ASSERT_PTR_NOT_NULL(strstr(out, "FAIL 7  witness: srr on legacy: drawn this run"));
		} else {
			free_runs++;
			CU_ASSERT_EQUAL(rc, 0);
		}
		free(out);
	}
	unsetenv("LAB2_SEED");
	unlink(tmp);
	CU_ASSERT(drawn > 0 && free_runs > 0);
}

/* the cheat: copy `traplab classify --format=json` into answers.json, flags,
 * witness states and all.  The flags pass; the witnesses and explanations do not. */
static void
test_lab2_checker_fails_a_copy_of_classify(void)
{
	char out_json[PATH_LEN], cmd[PATH_LEN * 2];
	snprintf(out_json, sizeof out_json, "%s/lab2-cheat-%d.json",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (int)getpid());
	snprintf(cmd, sizeof cmd, "cd '%s' && tests/lessons/cheats/lab2-copy-classify.sh '%s' >/dev/null 2>&1",
		 test_top(), out_json);
	/* python3 is one of the build's Debian packages (Makefile DEPS) */
	int rc = system(cmd);
	CU_ASSERT_EQUAL(rc, 0);
	if (rc != 0) {
		unlink(out_json);
		return;
	}
	expect(LAB2 "/check", out_json, 1, "ok   3  legacy: the 60 flags");
	expect(LAB2 "/check", out_json, 1, "FAIL 7  witness: srr on legacy: both states are the classifier's");
	expect(LAB2 "/check", out_json, 1, "FAIL: 5 of 9 checks failed");
	unlink(out_json);
}

/* ---- both ------------------------------------------------------------------------ */

static void
test_checkers_exit_2_on_usage_errors(void)
{
	expect(LAB1 "/check", "/nonexistent/lab1.s", 2, "no such file");
	expect(LAB2 "/check", "/nonexistent/answers.json", 2, "no such file");
	expect(LAB1 "/check", "--bogus", 2, "unknown option");
	expect(LAB2 "/check", "--bogus", 2, "unknown option");
}

/* Cheats (tests/lessons/cheats/, patches applied to the solution): a handler that prints a hard-coded
 * number and address fails the grader's own inputs (check 10); a route
 * that never enters user mode fails check 9. */
static void
test_lab1_checker_fails_a_hard_coded_handler(void)
{
	char cheat[PATH_LEN];
	CU_ASSERT_EQUAL_FATAL(test_cheat_from_patch("tests/lessons/cheats/lab1-hardcoded.patch",
						    cheat, sizeof cheat), 0);
	expect("lessons/01-machine/check", cheat, 1, "FAIL 10  with SYSCALL_NUMBER = ");
	expect("lessons/01-machine/check", cheat, 1, "FAIL: 1 of 10 checks failed");
	unlink(cheat);
}

static void
test_lab1_checker_fails_a_route_without_user_mode(void)
{
	char cheat[PATH_LEN];
	CU_ASSERT_EQUAL_FATAL(test_cheat_from_patch("tests/lessons/cheats/lab1-supervisor.patch",
						    cheat, sizeof cheat), 0);
	expect("lessons/01-machine/check", cheat, 1, "FAIL 9  the sys ran in supervisor mode");
	unlink(cheat);
}

static CU_TestInfo tests[] = {
	{ "lab 1: the checker fails on the starter (no sys, no memory trap)",
	  test_lab1_checker_fails_on_the_starter },
	{ "lab 1: the checker passes the solution", test_lab1_checker_passes_on_the_solution },
	{ "lab 1: a handler that forgets epc + 4 fails the power-off check, with the hint",
	  test_lab1_checker_names_a_handler_that_forgets_epc_plus_4 },
	{ "lab 1: a power-off value of 4 is reported as the value, not as the budget",
	  test_lab1_checker_reports_a_power_off_value_as_such },
	{ "lab 1: cheat: a hard-coded handler fails the grader's inputs",
	  test_lab1_checker_fails_a_hard_coded_handler },
	{ "lab 1: cheat: a sys and a store from supervisor mode fail",
	  test_lab1_checker_fails_a_route_without_user_mode },
	{ "lab 2: a witness is replayed: a wrong claimed result fails",
	  test_lab2_checker_replays_a_witness },
	{ "lab 2: a classifier state fails when its hole is drawn at random",
	  test_lab2_checker_rejects_a_classifier_state_when_drawn },
	{ "lab 2: cheat: a copy of traplab classify --format=json fails",
	  test_lab2_checker_fails_a_copy_of_classify },
	{ "lab 2: the checker fails on the starter (124 unanswered, no witnesses)",
	  test_lab2_checker_fails_on_the_starter },
	{ "lab 2: the checker passes the solution", test_lab2_checker_passes_on_the_solution },
	{ "lab 2: a wrong flag comes back with the classifier's witness",
	  test_lab2_checker_gives_the_witness_for_a_wrong_flag },
	{ "both: a missing file or an unknown option is exit status 2",
	  test_checkers_exit_2_on_usage_errors },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_lessons_checkers = { "lessons: checkers", NULL, NULL, NULL, NULL, tests };
