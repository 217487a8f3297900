/* test_runner.c — the test runner's own behaviour that a CI log depends on
 * (tests/run_watchdog.c, tests/run_report.c): a test that hangs is stopped
 * by name, with what it started, and the run goes on to its last line; the
 * last lines name the tests that failed here and in a KVM host.  The
 * watchdog is tried on the real runner: this binary run again on its hang
 * fixture (below), with a limit of one second. */
#include <CUnit/CUnit.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli_support.h"
#include "kvm/kvm_delegate.h"
#include "run_report.h"
#include "run_watchdog.h"
#include "support.h"

enum {
	FIXTURE_HANG_S = 300,      /* the hanging test's sleep: far past any limit */
	FIXTURE_LIMIT_S = 1,       /* TRAPLAB_TEST_TIMEOUT for the fixture's run */
	FIXTURE_ENDS_WITHIN_S = 30,
};

/* ---- the fixture: only a runner started with TRAPLAB_RUN_FIXTURE has it ---- */

static void
fixture_passes(void)
{
	CU_ASSERT_EQUAL(1 + 1, 2);
}

/* Starts a child (`sleep`), leaves its pid where TRAPLAB_RUN_FIXTURE says,
 * and hangs. */
static void
fixture_hangs(void)
{
	char secs[16];
	snprintf(secs, sizeof secs, "%d", FIXTURE_HANG_S);
	char *argv[] = { "sleep", secs, NULL };
	extern char **environ;
	pid_t child;
	CU_ASSERT_EQUAL_FATAL(posix_spawnp(&child, "sleep", NULL, NULL, argv, environ), 0);
	FILE *f = fopen(getenv("TRAPLAB_RUN_FIXTURE"), "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fprintf(f, "%d\n", (int)child);
	fclose(f);
	sleep(FIXTURE_HANG_S);
	CU_FAIL("the watchdog did not stop this test");
}

static void
fixture_never_runs(void)
{
	CU_FAIL("a test after the hung one ran");
}

static CU_TestInfo fixture_tests[] = {
	{ "a test that passes", fixture_passes },
	{ "a test that hangs", fixture_hangs },
	{ "a test after it", fixture_never_runs },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_runner_hang_fixture = { "runner: hang fixture", NULL, NULL, NULL, NULL,
					   fixture_tests };

/* ---- the tests ---- */

/* Is `pid` gone (or a zombie no one has reaped yet)? */
static bool
process_gone(pid_t pid)
{
	char path[64], line[512];
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return true;
	char *end = fgets(line, sizeof line, f) ? strrchr(line, ')') : NULL;
	fclose(f);
	return end && end[1] == ' ' && end[2] == 'Z';
}

static void
test_a_hung_test_is_stopped_by_name_with_what_it_started(void)
{
	char *dir = cli_tempdir(), pidfile[512];
	CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
	snprintf(pidfile, sizeof pidfile, "%s/child.pid", dir);
	char limit[16];
	snprintf(limit, sizeof limit, "%d", FIXTURE_LIMIT_S);
	setenv("TRAPLAB_RUN_FIXTURE", pidfile, 1);
	setenv("TRAPLAB_TEST_TIMEOUT", limit, 1);
	char exe[4096];   /* this runner */
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	CU_ASSERT_FATAL(n > 0);
	exe[n] = '\0';
	const char *argv[] = { exe, NULL };
	double t0 = test_seconds();
	char *out;
	int rc = cli_command(argv, &out);
	double took = test_seconds() - t0;
	unsetenv("TRAPLAB_RUN_FIXTURE");
	unsetenv("TRAPLAB_TEST_TIMEOUT");

	CU_ASSERT_EQUAL(rc, 1);
	CU_ASSERT(took < FIXTURE_ENDS_WITHIN_S);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "run-tests: the test \"runner: hang fixture: a test that "
				      "hangs\" has run for"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\nrun-tests: failed: runner: hang fixture: a test that "
				      "hangs (did not end within"));
	CU_ASSERT_PTR_NULL(strstr(out, "a test after the hung one ran"));
	/* the last line: the hung test and the one after it count as failed */
	const char *last = "run-tests: 1 passed, 2 failed, 0 skipped (of 3 tests) in ";
	const char *at = strstr(out, last), *end = at ? strchr(at, '\n') : NULL;
	CU_ASSERT(end && end[1] == '\0');
	if (!end)
		fprintf(stderr, "\n    the fixture's run printed:\n%s\n", out);
	/* what the hung test started did not outlive it */
	char *pid_text = test_read_file(pidfile, NULL);
	CU_ASSERT_PTR_NOT_NULL(pid_text);
	if (pid_text) {
		pid_t child = (pid_t)atoi(pid_text);
		CU_ASSERT(child > 0 && process_gone(child));
		if (child > 0 && !process_gone(child))
			kill(child, SIGKILL);
		free(pid_text);
	}
	free(out);
	cli_rmtree(dir);
	free(dir);
}

/* What run_report_print_failures writes of *failures, in a malloc'd string. */
static char *
printed_failures(const struct run_failures *failures)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	run_report_print_failures(failures, f);
	fclose(f);
	return text;
}

/* A list of the tests' own (the runner's, run_report_failures, is not
 * touched), zeroed: free() it. */
static struct run_failures *
new_failures(void)
{
	struct run_failures *f = calloc(1, sizeof *f);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	return f;
}

static void
test_the_last_lines_name_failures_here_and_in_a_host_once_each(void)
{
	struct run_failures *f = new_failures();
	static const char console[] =
		"svm-host: /dev/kvm from kvm_amd\n"
		"run-tests: failed: kvm: Linux: boots to the shell\n"
		"  svm | not at a line's start: run-tests: failed: no\n"
		"run-tests: failed: kvm: gdb stub: breakpoints\n"
		"run-tests: failed: kvm: Linux: boots to the shell\n"
		"run-tests: 43 passed, 2 failed, 0 skipped (of 45 tests) in 70 s\n";
	CU_ASSERT_EQUAL(run_report_failures_from_console(f, "svm-host", console), 3);
	run_report_note_failure(f, "", "isa: round trip: every opcode");
	run_report_note_failure(f, "", "isa: round trip: every opcode");
	char *text = printed_failures(f);
	CU_ASSERT_STRING_EQUAL(text, "\n"
			       "run-tests: failed in the svm-host: kvm: Linux: boots to the shell\n"
			       "run-tests: failed in the svm-host: kvm: gdb stub: breakpoints\n"
			       "run-tests: failed: isa: round trip: every opcode\n");
	free(text);
	free(f);
	f = new_failures();   /* none: nothing printed */
	text = printed_failures(f);
	CU_ASSERT_STRING_EQUAL(text, "");
	free(text);
	free(f);
}

static void
test_a_long_list_of_failures_is_cut_with_a_count(void)
{
	struct run_failures *f = new_failures();
	char name[64];
	for (int i = 0; i < 40; i++) {
		snprintf(name, sizeof name, "suite: test %d", i);
		run_report_note_failure(f, "", name);
	}
	char *text = printed_failures(f);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "run-tests: failed: suite: test 29\n"));
	CU_ASSERT_PTR_NULL(strstr(text, "suite: test 30\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "run-tests: and 10 more failed\n"));
	free(text);
	free(f);
}

static void
test_a_stopped_host_is_reported_at_its_last_test(void)
{
	char last[200];
	kvm_delegate_last_test("svm-host: up\nSuite: kvm: Linux\n"
			       "  Test: boots to the shell ...passed\n"
			       "  Test: the shell answers ...", last, sizeof last);
	CU_ASSERT_STRING_EQUAL(last, "the shell answers");
	kvm_delegate_last_test("SeaBIOS\nsvm-host: up\n", last, sizeof last);
	CU_ASSERT_STRING_EQUAL(last, "");
}

static void
test_the_slowest_tests_are_kept_slowest_first(void)
{
	struct run_slowest s = { .count = 0 };
	static const double took[] = { 3, 41, 0.2, 7, 12, 5, 30, 1, 0.1 };
	char test[16];
	for (unsigned i = 0; i < sizeof took / sizeof took[0]; i++) {
		snprintf(test, sizeof test, "t%u", i);
		run_report_note_duration(&s, "suite", test, took[i]);
	}
	CU_ASSERT_EQUAL(s.count, RUN_SLOWEST_SHOWN);
	struct run_slowest quick = { .count = 0 };
	run_report_note_duration(&quick, "suite", "t", 0.2);   /* under half a second: not kept */
	CU_ASSERT_EQUAL(quick.count, 0);
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	run_report_print_slowest(&s, f);
	fclose(f);
	CU_ASSERT_STRING_EQUAL(text, "\nrun-tests: the slowest: 41 s suite: t1; 30 s suite: t6; "
			       "12 s suite: t4; 7 s suite: t3; 5 s suite: t5\n");
	free(text);
}

/* A stand-in for a host's run script (kvm_delegate_start_script): prints
 * `lines`, then sleeps as a host that never powers off would. */
static char *
host_script(const char *dir, const char *lines)
{
	static char path[600];
	snprintf(path, sizeof path, "%s/host", dir);
	char text[2048];
	snprintf(text, sizeof text, "#!/bin/sh\nprintf '%%s' '%s'\nexec sleep %d\n", lines,
		 FIXTURE_HANG_S);
	if (cli_write_file(path, text) < 0 || chmod(path, 0755) < 0)
		return NULL;
	return path;
}

/* Its runner ended and said so, then the host hung: the results stand, its
 * failure is named, and the wait is the power-off grace, not the watchdog. */
static void
test_a_host_that_does_not_power_off_keeps_its_results(void)
{
	char *dir = cli_tempdir();
	const char *script = host_script(dir, "svm-host: /dev/kvm from kvm_amd\n"
				       "run-tests: failed: kvm: x86 guests: one\n"
				       "run-tests: 1 passed, 1 failed, 0 skipped (of 2 tests) in 1 s\n"
				       "svm-host: run-tests exit status 1\n");
	CU_ASSERT_PTR_NOT_NULL_FATAL(script);
	struct run_failures *f = new_failures();
	double t0 = test_seconds();
	struct kvm_delegate *d = kvm_delegate_start_script(KVM_TEST_SVM_HOST, script, 60, 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	struct kvm_delegate_counts c = { 0, 0, 0, 0 };
	CU_ASSERT_EQUAL(kvm_delegate_finish(d, KVM_TEST_SVM_HOST, 2, &c, f), 0);
	CU_ASSERT(test_seconds() - t0 < 20);
	CU_ASSERT_EQUAL(c.passed, 1);
	CU_ASSERT_EQUAL(c.failed, 1);
	CU_ASSERT_EQUAL(c.ran, 2);
	char *text = printed_failures(f);
	CU_ASSERT_STRING_EQUAL(text, "\nrun-tests: failed in the svm-host: kvm: x86 guests: one\n");
	free(text);
	free(f);
	cli_rmtree(dir);
	free(dir);
}

/* No last line by the watchdog's time: every test counts as failed, and the
 * report names the test it was in. */
static void
test_a_stopped_host_counts_all_failed_and_names_its_last_test(void)
{
	char *dir = cli_tempdir();
	const char *script = host_script(dir, "svm-host: /dev/kvm from kvm_amd\n"
				       "Suite: kvm: x86 guests\n  Test: one ...passed\n"
				       "  Test: two ...");
	CU_ASSERT_PTR_NOT_NULL_FATAL(script);
	struct run_failures *f = new_failures();
	struct kvm_delegate *d = kvm_delegate_start_script(KVM_TEST_SVM_HOST, script, 2, 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	struct kvm_delegate_counts c = { 0, 0, 0, 0 };
	CU_ASSERT_EQUAL(kvm_delegate_finish(d, KVM_TEST_SVM_HOST, 2, &c, f), -1);
	CU_ASSERT_EQUAL(c.passed, 0);
	CU_ASSERT_EQUAL(c.failed, 2);
	char *text = printed_failures(f);
	CU_ASSERT_STRING_EQUAL(text, "\nrun-tests: failed in the svm-host: all 2 tests (no end within "
			       "2 s: stopped; the last test that started there: two)\n");
	free(text);
	free(f);
	cli_rmtree(dir);
	free(dir);
}

/* Set or unset (NULL) an environment variable. */
static void
set_env(const char *name, const char *value)
{
	if (value)
		setenv(name, value, 1);
	else
		unsetenv(name);
}

static void
test_the_limit_is_set_or_scaled_by_the_environment(void)
{
	char *timeout = getenv("TRAPLAB_TEST_TIMEOUT"), *slowdown = getenv("TRAPLAB_TEST_SLOWDOWN");
	timeout = timeout ? strdup(timeout) : NULL;
	slowdown = slowdown ? strdup(slowdown) : NULL;
	set_env("TRAPLAB_TEST_TIMEOUT", NULL);
	set_env("TRAPLAB_TEST_SLOWDOWN", NULL);
	CU_ASSERT_DOUBLE_EQUAL(run_watchdog_limit(600), 600, 1e-9);
	set_env("TRAPLAB_TEST_SLOWDOWN", "20");   /* make valgrind */
	CU_ASSERT_DOUBLE_EQUAL(run_watchdog_limit(600), 12000, 1e-9);
	set_env("TRAPLAB_TEST_TIMEOUT", "2.5");   /* said outright: as said */
	CU_ASSERT_DOUBLE_EQUAL(run_watchdog_limit(600), 2.5, 1e-9);
	static const char *const bad[] = { "0", "-3", "soon", "5s" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		set_env("TRAPLAB_TEST_TIMEOUT", bad[i]);
		CU_ASSERT_EQUAL(run_watchdog_limit(600), 0);
	}
	set_env("TRAPLAB_TEST_TIMEOUT", timeout);
	set_env("TRAPLAB_TEST_SLOWDOWN", slowdown);
	free(timeout);
	free(slowdown);
}

static CU_TestInfo tests[] = {
	{ "a hung test is stopped by name, with what it started", test_a_hung_test_is_stopped_by_name_with_what_it_started },
	{ "the limit is set, or scaled, by the environment", test_the_limit_is_set_or_scaled_by_the_environment },
	{ "the last lines name failures here and in a host, once each", test_the_last_lines_name_failures_here_and_in_a_host_once_each },
	{ "a long list of failures is cut with a count", test_a_long_list_of_failures_is_cut_with_a_count },
	{ "a stopped host is reported at its last test", test_a_stopped_host_is_reported_at_its_last_test },
	{ "the slowest tests are kept, slowest first", test_the_slowest_tests_are_kept_slowest_first },
	{ "a host that does not power off keeps its results", test_a_host_that_does_not_power_off_keeps_its_results },
	{ "a stopped host counts all failed and names its last test", test_a_stopped_host_counts_all_failed_and_names_its_last_test },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_runner = { "runner: watchdog and last lines", NULL, NULL, NULL, NULL, tests };
