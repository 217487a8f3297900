/* test_explore.c — the divergence explorer (monitor/shell/shell_diverge.c,
 * `traplab equiv --explore`, the monitor's `diverge` and `diff`; MONITOR.md
 * "The divergence explorer"; Lab 6's "going further"): on legacy detect.s
 * under trap it stops both runs at the first probe's rdpsw, at the very
 * instruction `traplab equiv` names, with the two states the same there and
 * the PSW the guest reads different one step later; step, reverse-step and
 * continue keep both at the same guest instruction; an equivalent guest has
 * nothing to explore.
 */
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_support.h"
#include "support.h"

enum { PATH_LEN = 4200 };
#define DETECT "guests/pg32/detect.s"

static char *
explore(const char *isa, const char *guest, const char *script, int *status)
{
	char path[PATH_LEN];
	snprintf(path, sizeof path, "%s/%s", test_top(), guest);
	const char *args[] = { "equiv", "--explore", isa, path, NULL };
	char *out = NULL;
	*status = cli_run(args, script, &out);
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	return out;
}

/* The number after `prefix` in out, or 0. */
static unsigned long long
number_after(const char *out, const char *prefix)
{
	const char *p = strstr(out, prefix);
	return p ? strtoull(p + strlen(prefix), NULL, 10) : 0;
}

static int
count(const char *text, const char *what)
{
	int n = 0;
	for (const char *p = strstr(text, what); p; p = strstr(p + 1, what))
		n++;
	return n;
}

static void
test_explorer_on_legacy_detect_stops_both_runs_at_the_first_rdpsw(void)
{
	int status;
	char *out = explore("--isa=legacy", DETECT, "diff\nstep\ndiff\n", &status);
	CU_ASSERT_EQUAL(status, 0);
	/* equiv names the same instruction */
	char path[PATH_LEN], *verdict = NULL;
	snprintf(path, sizeof path, "%s/%s", test_top(), DETECT);
	const char *args[] = { "equiv", "--isa=legacy", "--modes=trap", path, NULL };
	cli_run(args, "", &verdict);
	CU_ASSERT_PTR_NOT_NULL_FATAL(verdict);
	unsigned long long first = number_after(out, "parts from bare at guest instruction ");
	CU_ASSERT(first > 0);
	char named[64];
	snprintf(named, sizeof named, "%llu", first);
	CU_ASSERT_PTR_NOT_NULL(strstr(verdict, named));
	/* both stopped before it: at the first probe's rdpsw, the same state */
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "trap: => 0x00000068 <start+28>:  rdpsw"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "bare: => 0x00000068 <start+28>:  rdpsw"));
	CU_ASSERT_EQUAL(number_after(out, "guest instruction "), first);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "0 registers and 0 memory words differ: the same state"));
	/* side by side: the real machine runs the guest's kernel in user mode */
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "user Z"));
	/* one step later the PSW it read differs: r1, trap's without S */
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "1 register and 0 memory words differ"));
	const char *r1 = strstr(out, "\n   r1       0x00000010                0x00000011");
	CU_ASSERT_PTR_NOT_NULL(r1);
	CU_ASSERT(r1 && strstr(r1, "<-- differs") < strchr(r1 + 1, '\n') + 1);
	free(out);
	free(verdict);
}

static void
test_step_reverse_step_and_continue_move_both_runs_in_lock_step(void)
{
	int status;
	char *out = explore("--isa=legacy", DETECT,
			    "step 3\nreverse-step 2\nbreak verdict\ncontinue\ninfo record\n", &status);
	CU_ASSERT_EQUAL(status, 0);
	/* every move prints both runs' instruction, the same place here */
	CU_ASSERT_EQUAL(count(out, "trap: "), count(out, "bare: => "));
	CU_ASSERT(count(out, "bare: => ") >= 4);
	const char *last_trap = NULL, *last_bare = NULL;
	for (const char *p = strstr(out, "trap: "); p; p = strstr(p + 1, "trap: "))
		last_trap = p;
	for (const char *p = strstr(out, "bare: => "); p; p = strstr(p + 1, "bare: => "))
		last_bare = p;
	CU_ASSERT_PTR_NOT_NULL_FATAL(last_trap);
	CU_ASSERT_PTR_NOT_NULL_FATAL(last_bare);
	CU_ASSERT_PTR_NOT_NULL(strstr(last_bare, "<verdict>"));
	free(out);
}

static void
test_an_equivalent_guest_has_nothing_to_explore(void)
{
	int status;
	char *out = explore("--isa=strict", DETECT, "diff\n", &status);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "equivalent to the bare machine on this guest"));
	CU_ASSERT_EQUAL(count(out, "bare: => "), 0);
	CU_ASSERT_EQUAL(status, 87);    /* diff without a twin is an error */
	free(out);
}

static CU_TestInfo tests[] = {
	{ "the explorer on legacy detect.s stops both runs at the first rdpsw",
	  test_explorer_on_legacy_detect_stops_both_runs_at_the_first_rdpsw },
	{ "step, reverse-step and continue move both runs in lock-step",
	  test_step_reverse_step_and_continue_move_both_runs_in_lock_step },
	{ "an equivalent guest has nothing to explore",
	  test_an_equivalent_guest_has_nothing_to_explore },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_cli_explore = { "cli: divergence explorer", NULL, NULL, NULL, NULL, tests };
