/* run_watchdog.c — the runner's per-test watchdog (run_watchdog.h): a
 * thread that looks ten times a second at which test CUnit is running and
 * how many have ended (and so also times them, for the slowest).  CUnit
 * runs each test in the runner's own thread with no limit, and a hang
 * anywhere under it stalls everything after; nothing in the test can be
 * trusted to end it, so this thread does, from outside. */
#include "run_watchdog.h"

#include <CUnit/CUnit.h>
#include <CUnit/TestRun.h>
#include <dirent.h>
#include <pthread.h>
#include <stdatomic.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "run_report.h"
#include "support.h"

static struct {
	double limit, start;
	unsigned total;
	run_watchdog_stop_fn *stop;
	pthread_t thread;
	bool started;
	atomic_bool finishing;   /* the run is over: one more look, then end */
} watch;

double
run_watchdog_limit(double fallback)
{
	const char *env = getenv("TRAPLAB_TEST_TIMEOUT");
	if (!env || !*env) {   /* `make valgrind` says its programs run 20 times slower */
		const char *scale = getenv("TRAPLAB_TEST_SLOWDOWN");
		long factor = scale ? strtol(scale, NULL, 10) : 1;
		return fallback * (factor > 1 ? (double)factor : 1);
	}
	char *end;
	double s = strtod(env, &end);
	if (*end || !(s > 0)) {
		fprintf(stderr, "run-tests: TRAPLAB_TEST_TIMEOUT=%s: not a number of seconds above 0\n",
			env);
		return 0;
	}
	return s;
}

enum { RUN_MAX_PROCS = 4096, RUN_STOP_GRACE_S = 3 };

/* SIGKILL every process descended from this one: what the hung test started
 * (a traplab, a make, a gdb) must not outlive the run.  From /proc's
 * parent links, a few rounds (a process may fork while we look). */
static void
kill_descendants(void)
{
	static pid_t pids[RUN_MAX_PROCS], parents[RUN_MAX_PROCS];
	for (int round = 0; round < 3; round++) {
		DIR *dir = opendir("/proc");
		if (!dir)
			return;
		size_t n = 0;
		struct dirent *e;
		while ((e = readdir(dir)) != NULL && n < RUN_MAX_PROCS) {
			char path[300], line[512];
			snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
			FILE *f = fopen(path, "r");
			if (!f)
				continue;
			/* "pid (comm) state ppid": comm may hold spaces, so after the last ')' */
			char *close_paren = fgets(line, sizeof line, f) ? strrchr(line, ')') : NULL;
			int ppid;
			if (close_paren && sscanf(close_paren + 1, " %*c %d", &ppid) == 1) {
				pids[n] = atoi(e->d_name);
				parents[n++] = ppid;
			}
			fclose(f);
		}
		closedir(dir);
		bool mine[RUN_MAX_PROCS] = { false }, grew = true, any = false;
		while (grew) {   /* the children of this process, then theirs, ... */
			grew = false;
			for (size_t i = 0; i < n; i++)
				if (!mine[i] && pids[i] != getpid()) {
					bool child = parents[i] == getpid();
					for (size_t j = 0; j < n && !child; j++)
						child = mine[j] && pids[j] == parents[i];
					if (child)
						mine[i] = grew = any = true;
				}
		}
		for (size_t i = 0; i < n; i++)
			if (mine[i])
				kill(pids[i], SIGKILL);
		if (!any)
			return;
		usleep(100 * 1000);
	}
}

/* The test has run past the limit: name it, count it and the ones not run
 * as failed, stop what the runner started, exit. */
static void
watchdog_fire(CU_pTest test, double ran_for)
{
	CU_pSuite suite = CU_get_current_suite();
	char name[300];
	snprintf(name, sizeof name, "%s: %s (did not end within %.0f s: stopped)",
		 suite ? suite->pName : "?", test->pName, ran_for);
	printf("\n\nrun-tests: the test \"%s: %s\" has run for %.0f s, past the limit of %.0f s "
	       "(TRAPLAB_TEST_TIMEOUT): stopped; it and the tests after it count as failed\n",
	       suite ? suite->pName : "?", test->pName, ran_for, watch.limit);
	fflush(stdout);
	if (watch.stop && watch.stop())
		sleep(RUN_STOP_GRACE_S);   /* the hosts clean up on SIGTERM */
	kill_descendants();
	unsigned done = CU_get_number_of_tests_run(), failed = CU_get_number_of_tests_failed();
	unsigned skipped = test_skipped(), not_run = watch.total > done ? watch.total - done : 1;
	run_report_failures_from_cunit(&run_report_failures);
	run_report_note_failure(&run_report_failures, "", name);
	run_report_print_failures(&run_report_failures, stdout);
	run_report_last_line(done - failed >= skipped ? done - failed - skipped : 0, failed + not_run,
			     skipped, done + not_run, 0, test_seconds() - watch.start);
	fflush(stderr);
	_exit(1);
}

enum { WATCH_PERIOD_US = 100 * 1000 };

static void *
watchdog_thread(void *arg)
{
	(void)arg;
	CU_pTest seen = NULL;
	CU_pSuite seen_suite = NULL;
	unsigned seen_done = 0;
	double since = test_seconds();
	for (bool last = false; !last;) {
		usleep(WATCH_PERIOD_US);
		last = atomic_load(&watch.finishing);
		CU_pTest now = CU_get_current_test();
		CU_pSuite suite = CU_get_current_suite();
		unsigned done = CU_get_number_of_tests_run();
		if (now != seen || done != seen_done) {   /* another test, or the same one again */
			if (seen && seen_suite)   /* how long it took, to a period */
				run_report_note_duration(&run_report_slowest, seen_suite->pName, seen->pName,
							 test_seconds() - since);
			seen = now;
			seen_suite = suite;
			seen_done = done;
			since = test_seconds();
			continue;
		}
		if (now && test_seconds() - since > watch.limit)
			watchdog_fire(now, test_seconds() - since);
	}
	return NULL;
}

void
run_watchdog_start(double limit_s, unsigned total, double start, run_watchdog_stop_fn *stop)
{
	watch.limit = limit_s;
	watch.total = total;
	watch.start = start;
	watch.stop = stop;
	watch.started = pthread_create(&watch.thread, NULL, watchdog_thread, NULL) == 0;
	if (!watch.started)
		fprintf(stderr, "run-tests: no per-test watchdog: pthread_create failed\n");
}

void
run_watchdog_finish(void)
{
	if (!watch.started)
		return;
	atomic_store(&watch.finishing, true);
	pthread_join(watch.thread, NULL);
	watch.started = false;
}
