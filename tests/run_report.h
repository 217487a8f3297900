/* run_report.h — the test runner's last lines (tests/main.c): the names of
 * the tests that failed, here and in the KVM hosts, then the count line.
 * The tail of a long log is all a CI page may show, so the tail says which
 * tests failed, not only how many. */
#ifndef TRAPLAB_TESTS_RUN_REPORT_H
#define TRAPLAB_TESTS_RUN_REPORT_H

#include <stdio.h>

/* The tests that failed, once each: "suite: test", or what stands for
 * several ("all 45 tests (...)"), each with where: "" for this run, else
 * the host ("svm-host").  The runner's own is run_report_failures. */
enum { RUN_FAILURES_KEPT = 256, RUN_TEST_NAME = 240, RUN_FAILURE_WHERE = 24 };
struct run_failures {
	struct {
		char where[RUN_FAILURE_WHERE];
		char what[RUN_TEST_NAME];
	} tests[RUN_FAILURES_KEPT];
	unsigned count, beyond;   /* kept; noted past RUN_FAILURES_KEPT, only counted */
};
extern struct run_failures run_report_failures;

/* Note one (the same name from the same place only once). */
void run_report_note_failure(struct run_failures *f, const char *where, const char *what);

/* Every test CUnit has seen fail in this run so far. */
void run_report_failures_from_cunit(struct run_failures *f);

/* A host's console: each "run-tests: failed: NAME" line its runner printed,
 * at a line's start, noted as failed in `where`.  Returns how many. */
unsigned run_report_failures_from_console(struct run_failures *f, const char *where,
					  const char *console);

/* The lines "run-tests: failed: NAME" ("failed in the svm-host: NAME"), at
 * most RUN_FAILURES_SHOWN (30) of them and how many more. */
void run_report_print_failures(const struct run_failures *f, FILE *out);

/* The slowest few tests, for one line above the failures ("run-tests: the
 * slowest: 41 s SUITE: TEST; ..."): where the suite's time goes.  The
 * runner's own is run_report_slowest; run_watchdog.c times the tests. */
enum { RUN_SLOWEST_SHOWN = 5 };
struct run_slowest {
	struct {
		char name[RUN_TEST_NAME];
		double seconds;
	} tests[RUN_SLOWEST_SHOWN];   /* the slowest first */
	unsigned count;
};
extern struct run_slowest run_report_slowest;
void run_report_note_duration(struct run_slowest *s, const char *suite, const char *test,
			      double seconds);
void run_report_print_slowest(const struct run_slowest *s, FILE *out);

/* The runner's last line: "run-tests: P passed, F failed, S skipped (of N
 * tests) in T s" — the KVM hosts' runs are read by it (kvm_delegate.c). */
void run_report_last_line(unsigned passed, unsigned failed, unsigned skipped, unsigned ran,
			  unsigned suites_failed, double seconds);

#endif
