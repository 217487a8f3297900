/* run_watchdog.h — the test runner's per-test watchdog (tests/main.c).
 * A test that has not ended within the limit (a guest spinning inside
 * KVM_RUN, a child that never answers) is named, the runner's last line
 * counts it and every test not run as failed, and the runner exits 1: a
 * hang fails by name instead of stalling the run until a host's watchdog,
 * or CI's, stops it without saying where. */
#ifndef TRAPLAB_TESTS_RUN_WATCHDOG_H
#define TRAPLAB_TESTS_RUN_WATCHDOG_H

#include <stdbool.h>

enum {
	RUN_TEST_LIMIT_S = 600,         /* here: the slowest test takes ~1 min (SAN=1) */
	RUN_TEST_LIMIT_IN_HOST_S = 300, /* in a KVM host: under its 900 s watchdog */
};

/* What the runner does just before it exits at a timeout: stop the hosts it
 * started; true if there were any (they are given a moment to clean up). */
typedef bool run_watchdog_stop_fn(void);

/* Watch CUnit's current test from now on: `limit_s` seconds each
 * (TRAPLAB_TEST_TIMEOUT overrides it), `total` tests registered, the run
 * started at `start` (test_seconds()). */
void run_watchdog_start(double limit_s, unsigned total, double start, run_watchdog_stop_fn *stop);

/* The tests are over: the last one timed, the watchdog ended. */
void run_watchdog_finish(void);

/* The limit TRAPLAB_TEST_TIMEOUT sets, or `fallback` times
 * TRAPLAB_TEST_SLOWDOWN (`make valgrind`'s 20); 0 for a bad value (said). */
double run_watchdog_limit(double fallback);

#endif
