/* run_report.c — the runner's last lines (run_report.h): the slowest and
 * the failed tests' names, and the count line.  CUnit prints each failure where it happens and in
 * a table far up a long log; a run of 500 tests and two KVM hosts is read
 * from its tail, so the tail names them. */
#include "run_report.h"

#include <CUnit/CUnit.h>
#include <CUnit/TestRun.h>
#include <stdio.h>
#include <string.h>

enum { RUN_FAILURES_SHOWN = 30 };   /* printed; beyond, "and N more" */
static const double RUN_SLOWEST_MIN_S = 0.5;

struct run_failures run_report_failures;

void
run_report_note_failure(struct run_failures *f, const char *where, const char *what)
{
	for (unsigned i = 0; i < f->count; i++)
		if (strcmp(f->tests[i].where, where) == 0 && strcmp(f->tests[i].what, what) == 0)
			return;
	if (f->count == RUN_FAILURES_KEPT) {
		f->beyond++;
		return;
	}
	snprintf(f->tests[f->count].where, sizeof f->tests[0].where, "%s", where);
	snprintf(f->tests[f->count].what, sizeof f->tests[0].what, "%s", what);
	f->count++;
}

void
run_report_failures_from_cunit(struct run_failures *f)
{
	char name[RUN_TEST_NAME];
	for (CU_pFailureRecord r = CU_get_failure_list(); r; r = r->pNext) {
		snprintf(name, sizeof name, "%s: %s", r->pSuite ? r->pSuite->pName : "?",
			 r->pTest ? r->pTest->pName : "(the suite's set-up)");
		run_report_note_failure(f, "", name);
	}
}

void
run_report_print_failures(const struct run_failures *f, FILE *out)
{
	unsigned shown = f->count < RUN_FAILURES_SHOWN ? f->count : RUN_FAILURES_SHOWN;
	if (f->count)
		fprintf(out, "\n");
	for (unsigned i = 0; i < shown; i++) {
		if (f->tests[i].where[0])
			fprintf(out, "run-tests: failed in the %s: %s\n", f->tests[i].where,
				f->tests[i].what);
		else
			fprintf(out, "run-tests: failed: %s\n", f->tests[i].what);
	}
	if (f->count + f->beyond > shown)
		fprintf(out, "run-tests: and %u more failed\n", f->count + f->beyond - shown);
}

unsigned
run_report_failures_from_console(struct run_failures *f, const char *where, const char *console)
{
	static const char mark[] = "run-tests: failed: ";
	char name[RUN_TEST_NAME];
	unsigned found = 0;
	for (const char *p = console; (p = strstr(p, mark)) != NULL; p++) {
		if (p != console && p[-1] != '\n')
			continue;   /* only at a line's start */
		const char *start = p + strlen(mark);
		size_t len = strcspn(start, "\r\n");
		snprintf(name, sizeof name, "%.*s", (int)len, start);
		run_report_note_failure(f, where, name);
		found++;
	}
	return found;
}

struct run_slowest run_report_slowest;

void
run_report_note_duration(struct run_slowest *s, const char *suite, const char *test,
			 double seconds)
{
	if (seconds < RUN_SLOWEST_MIN_S)
		return;   /* "0 s" says nothing */
	unsigned at = s->count;   /* its place, the slowest first */
	while (at > 0 && s->tests[at - 1].seconds < seconds)
		at--;
	if (at == RUN_SLOWEST_SHOWN)
		return;
	unsigned moved = (s->count < RUN_SLOWEST_SHOWN ? s->count : RUN_SLOWEST_SHOWN - 1) - at;
	memmove(&s->tests[at + 1], &s->tests[at], moved * sizeof s->tests[0]);
	snprintf(s->tests[at].name, sizeof s->tests[at].name, "%s: %s", suite, test);
	s->tests[at].seconds = seconds;
	if (s->count < RUN_SLOWEST_SHOWN)
		s->count++;
}

void
run_report_print_slowest(const struct run_slowest *s, FILE *out)
{
	if (!s->count)
		return;
	fprintf(out, "\nrun-tests: the slowest:");
	for (unsigned i = 0; i < s->count; i++)
		fprintf(out, "%s %.0f s %s", i ? ";" : "", s->tests[i].seconds, s->tests[i].name);
	fprintf(out, "\n");
}

void
run_report_last_line(unsigned passed, unsigned failed, unsigned skipped, unsigned ran,
		     unsigned suites_failed, double seconds)
{
	printf("\nrun-tests: %u passed, %u failed, %u skipped (of %u tests", passed, failed, skipped,
	       ran);
	if (suites_failed)
		printf("; %u suites could not start", suites_failed);
	printf(") in %.0f s\n", seconds);
	fflush(stdout);
}
