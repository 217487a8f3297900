/* test_explore.c — the monitor's reverse execution and the divergence
 * explorer, driven through the real `traplab monitor` and `traplab equiv
 * --explore` (monitor/MONITOR.md "Going back" and "The divergence
 * explorer"; Lab 6's "going further").
 *
 * Reverse execution: in every mode, at points chosen at random (seed
 * printed; set TRAPLAB_TEST_SEED to replay), reverse-step then step comes
 * back to exactly the same registers (every group), memory and console,
 * and so does a long way forward and back; goto N is N steps from the
 * start; reverse-continue stops at the previous hit of a watchpoint or a
 * breakpoint; reverse-next steps back over a whole call; typed input is
 * replayed where it was typed, and `record` / `replay` give the same run.
 *
 * The explorer: on legacy detect.s under trap it stops both runs at the
 * first probe's rdpsw, at the very instruction `traplab equiv` names, with
 * the two states the same there and the PSW the guest reads different one
 * step later; step, reverse-step and continue keep both at the same guest
 * instruction; an equivalent guest has nothing to explore.
 */
#include <CUnit/CUnit.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_support.h"
#include "support.h"

enum {
	PATH_LEN = 4200,
	SCRIPT_MAX = 16384,
	POINTS_PER_MODE = 2,
	MAX_BACK = 3000,               /* how far a test goes forward, then back */
	DUMP_WORDS = 4096,             /* one xp: 16 KiB of physical memory */
	DUMP_CHUNKS = 4,               /* ... times this: the first 64 KiB */
	WATCH_HITS = 3,
};
#define MARK "print 0x5eed0000"
#define MARK_TEXT "0x5eed0000"
#define END_MARK "print 0x5eed0001"
#define END_MARK_TEXT "0x5eed0001"

static const struct {
	const char *mode, *isa, *guest;
} modes[] = {
	{ "bare", "strict", "guests/pg32/minios/minios.s" },
	{ "trap", "strict", "guests/pg32/minios/minios.s" },
	{ "hybrid", "legacy", "guests/pg32/minios/minios.s" },
	{ "bt", "legacy", "guests/pg32/minios/minios.s" },
	{ "pv", "strict", "guests/pg32/minios-pv/minios-pv.s" },
};
enum { MODES = sizeof modes / sizeof modes[0] };

static uint32_t
test_seed(void)
{
	const char *s = getenv("TRAPLAB_TEST_SEED");
	uint32_t seed = s ? (uint32_t)strtoul(s, NULL, 0) : (uint32_t)(test_seconds() * 1e6);
	return seed ? seed : 1;
}

/* `traplab monitor --mode=M --isa=V GUEST` with this script on stdin. */
static char *
monitor(int m, const char *guest, const char *script)
{
	char path[PATH_LEN], mode[64], isa[64];
	if (guest && guest[0] == '/')
		snprintf(path, sizeof path, "%s", guest);
	else
		snprintf(path, sizeof path, "%s/%s", test_top(), guest ? guest : modes[m].guest);
	snprintf(mode, sizeof mode, "--mode=%s", modes[m].mode);
	snprintf(isa, sizeof isa, "--isa=%s", modes[m].isa);
	const char *args[] = { "monitor", mode, isa, path, NULL };
	char *out = NULL;
	cli_run(args, script, &out);
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	return out;
}

/* Commands that print everything the guest sees and the real machine
 * holds: registers of every group, where it is, the console's count, and
 * the first 64 KiB of physical memory (all of it: tests/monitor/test_reverse.c). */
static void
add_dump(char *script, size_t len)
{
	size_t used = strlen(script);
	used += (size_t)snprintf(script + used, len - used, MARK "\ninfo registers all\ninfo record\n");
	for (int i = 0; i < DUMP_CHUNKS; i++)
		used += (size_t)snprintf(script + used, len - used, "xp/%dw %d\n", DUMP_WORDS,
					 i * DUMP_WORDS * 4);
	snprintf(script + used, len - used, END_MARK "\n");
}

/* The n-th dump (from 1) of an output, without the lines about
 * checkpoints (how many there are may change as the run goes back). */
static char *
dump(const char *out, int n)
{
	const char *at = out;
	for (int i = 0; i < n && at; i++) {
		at = strstr(at, MARK_TEXT);
		if (at)
			at += strlen(MARK_TEXT);
	}
	if (!at)
		return strdup("");
	const char *end = strstr(at, END_MARK_TEXT);
	size_t len = end ? (size_t)(end - at) : strlen(at);
	char *copy = malloc(len + 1), *w = copy;
	for (const char *line = at; line < at + len;) {
		const char *nl = memchr(line, '\n', (size_t)(at + len - line));
		size_t l = nl ? (size_t)(nl - line + 1) : (size_t)(at + len - line);
		if (strncmp(line, "Checkpoint", strlen("Checkpoint")) != 0) {
			memcpy(w, line, l);
			w += l;
		}
		line += l;
	}
	*w = '\0';
	return copy;
}

/* How many instructions the guest runs in this mode, to its end. */
static uint64_t
guest_length(int m)
{
	char *out = monitor(m, NULL, "continue\ninfo record\n");
	const char *at = strstr(out, "At guest instruction ");
	uint64_t n = at ? strtoull(at + strlen("At guest instruction "), NULL, 10) : 0;
	free(out);
	CU_ASSERT(n > MAX_BACK);
	return n;
}

static bool
same_dumps(const char *out, int a, int b, const char *what, int m, uint64_t at)
{
	char *x = dump(out, a), *y = dump(out, b);
	bool same = strcmp(x, y) == 0 && strlen(x) > 0;
	if (!same)
		fprintf(stderr, "\n  %s, mode %s, at %llu: the states differ\n", what, modes[m].mode,
			(unsigned long long)at);
	free(x);
	free(y);
	return same;
}

static void
test_reverse_step_then_step_returns_to_the_same_state_in_every_mode(void)
{
	uint32_t seed = test_seed(), rng = seed;
	fprintf(stderr, "\n  seed %u (TRAPLAB_TEST_SEED replays) ", seed);
	for (int m = 0; m < MODES; m++) {
		uint64_t n = guest_length(m);
		for (int i = 0; i < POINTS_PER_MODE && n > MAX_BACK; i++) {
			uint64_t at = 1 + test_random_next(&rng) % (n - MAX_BACK);
			uint64_t back = 1 + test_random_next(&rng) % MAX_BACK;
			char *script = calloc(1, SCRIPT_MAX);
			size_t used = (size_t)snprintf(script, SCRIPT_MAX, "step %llu\n",
						       (unsigned long long)at);
			add_dump(script, SCRIPT_MAX);                    /* 1: there */
			used = strlen(script);
			snprintf(script + used, SCRIPT_MAX - used, "reverse-step\nstep\n");
			add_dump(script, SCRIPT_MAX);                    /* 2: back one, forward one */
			used = strlen(script);
			snprintf(script + used, SCRIPT_MAX - used, "step %llu\nreverse-step %llu\n",
				 (unsigned long long)back, (unsigned long long)back);
			add_dump(script, SCRIPT_MAX);                    /* 3: forward, all the way back */
			used = strlen(script);
			snprintf(script + used, SCRIPT_MAX - used, "reset\ngoto %llu\n",
				 (unsigned long long)at);
			add_dump(script, SCRIPT_MAX);                    /* 4: goto from a fresh start */
			used = strlen(script);
			snprintf(script + used, SCRIPT_MAX - used, "reset\ngoto %llu\nstep\n",
				 (unsigned long long)(at - 1));
			add_dump(script, SCRIPT_MAX);                    /* 5: a fresh run, split before */
			char *out = monitor(m, NULL, script);
			/* in every mode, pv too: a run cut just before `at` is one that
			 * is not (isa/SPEC.md §12; pv looks at its guest's mask only at
			 * events, monitor/vmm/pv.c) */
			CU_ASSERT(same_dumps(out, 1, 2, "reverse-step, step", m, at));
			CU_ASSERT(same_dumps(out, 5, 2, "reverse-step, step (split)", m, at));
			CU_ASSERT(same_dumps(out, 1, 3, "step N, reverse-step N", m, at));
			CU_ASSERT(same_dumps(out, 1, 4, "goto N", m, at));
			free(out);
			free(script);
		}
	}
}

/* The place of each "At guest instruction N" line, in order. */
static size_t
places(const char *out, uint64_t *at, size_t max)
{
	size_t n = 0;
	for (const char *p = strstr(out, "At guest instruction "); p && n < max;
	     p = strstr(p + 1, "At guest instruction "))
		at[n++] = strtoull(p + strlen("At guest instruction "), NULL, 10);
	return n;
}

/* The line after the n-th (from 0) line starting with `prefix`. */
static char *
nth_line(const char *out, const char *prefix, int n)
{
	const char *p = out;
	for (int i = 0; p; p = strstr(p + 1, prefix)) {
		if ((p == out || p[-1] == '\n') && strncmp(p, prefix, strlen(prefix)) == 0 && i++ == n)
			return strndup(p, strcspn(p, "\n"));
	}
	return strdup("");
}

/* Three hits forward, then back: each reverse-continue lands on the
 * previous hit -- the same place, the same "old, new" line. */
static void
check_previous_hits(int m, const char *set, const char *prefix)
{
	char script[SCRIPT_MAX];
	snprintf(script, sizeof script,
		 "%s\ncontinue\ninfo record\ncontinue\ninfo record\ncontinue\ninfo record\n"
		 "reverse-continue\ninfo record\nreverse-continue\ninfo record\n", set);
	char *out = monitor(m, NULL, script);
	uint64_t at[2 * WATCH_HITS];
	size_t n = places(out, at, 2 * WATCH_HITS);
	CU_ASSERT_EQUAL(n, 5);
	if (n == 5) {
		CU_ASSERT(at[0] < at[1] && at[1] < at[2]);
		CU_ASSERT_EQUAL(at[3], at[1]);
		CU_ASSERT_EQUAL(at[4], at[0]);
	}
	for (int i = 0; i < 2; i++) {
		char *forward = nth_line(out, prefix, 1 - i), *back = nth_line(out, prefix, 3 + i);
		CU_ASSERT_STRING_EQUAL(forward, back);
		CU_ASSERT(strlen(forward) > 0);
		free(forward);
		free(back);
	}
	free(out);
}

static void
test_reverse_continue_stops_at_the_previous_watchpoint_hit_in_every_mode(void)
{
	for (int m = 0; m < MODES; m++)
		check_previous_hits(m, "watch current_task", "Watchpoint 1,");
}

static void
test_reverse_continue_stops_at_the_previous_breakpoint_hit(void)
{
	check_previous_hits(1, "break minios_syscall", "Breakpoint 1,");
	check_previous_hits(3, "break minios_syscall", "Breakpoint 1,");
}

/* An echo guest: it waits for console input, prints each byte, and powers
 * off with the count after a '.'. */
static const char echo_guest[] =
	"        .equ CONSOLE_DATA, 0x00\n"
	"        .equ CONSOLE_STATUS, 0x01\n"
	"        .equ POWER_OFF, 0x20\n"
	"start:  li    r5, 0\n"
	"loop:   in    r1, CONSOLE_STATUS\n"
	"        andi  r1, r1, 1\n"
	"        cmpi  r1, 0\n"
	"        beq   loop\n"
	"        in    r2, CONSOLE_DATA\n"
	"        out   CONSOLE_DATA, r2\n"
	"        addi  r5, r5, 1\n"
	"        cmpi  r2, 0x2e\n"
	"        bne   loop\n"
	"        out   POWER_OFF, r5\n";

static int
occurrences(const char *text, const char *what)
{
	int n = 0;
	for (const char *p = strstr(text, what); p; p = strstr(p + 1, what))
		n++;
	return n;
}

static void
test_typed_input_is_replayed_where_it_was_typed(void)
{
	char *dir = cli_tempdir(), guest[PATH_LEN], rec[PATH_LEN], script[SCRIPT_MAX];
	snprintf(guest, sizeof guest, "%s/echo.s", dir);
	snprintf(rec, sizeof rec, "%s/run.rec", dir);
	CU_ASSERT_EQUAL_FATAL(cli_write_file(guest, echo_guest), 0);
	/* typed at 100 and 250; back to 180, and on to the end: "qz" then "jw." */
	snprintf(script, sizeof script,
		 "step 100\ninput qz\nstep 150\ninput jw.\nstep 10\n"
		 "goto 180\ninfo registers\ncontinue\nrecord %s\n", rec);
	char *out = monitor(1, guest, script);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "powered off with status 5"));
	/* each byte is printed once: going back and on again does not print it again */
	CU_ASSERT_EQUAL(occurrences(out, "qz"), 1);
	CU_ASSERT_EQUAL(occurrences(out, "w."), 1);
	free(out);
	/* the record, replayed in a new session: the same run */
	snprintf(script, sizeof script, "replay %s\ncontinue\ninfo record\n", rec);
	out = monitor(1, guest, script);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "qzjw."));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "powered off with status 5"));
	free(out);
	/* typed in the past, input starts a new future */
	out = monitor(1, guest, "step 100\ninput ab.\nstep 20\ngoto 50\ninput x.\ncontinue\n");
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "powered off with status 2"));
	free(out);
	cli_rmtree(dir);
	free(dir);
}

static void
test_reverse_commands_have_short_forms_and_an_empty_history_says_so(void)
{
	char *out = monitor(1, NULL, "rs\nstep 5\nrsi 2\nrni\nrc\ninfo record\n");
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "No more reverse-execution history."));
	uint64_t at[1];
	CU_ASSERT_EQUAL(places(out, at, 1), 1);
	CU_ASSERT_EQUAL(at[0], 0);
	free(out);
}

/* minios starts with `call frame_alloc`: next runs the whole call (some
 * 1,800 instructions), reverse-next comes back to the call, not into it;
 * after a plain step it goes back one instruction. */
static void
test_reverse_next_goes_back_over_a_whole_call(void)
{
	char *out = monitor(1, NULL, "next\ninfo record\nreverse-next\ninfo record\n"
				     "next\nstep\nreverse-next\ninfo record\n");
	uint64_t at[3];
	CU_ASSERT_EQUAL_FATAL(places(out, at, 3), 3);
	CU_ASSERT(at[0] > 1);              /* the whole call ran */
	CU_ASSERT_EQUAL(at[1], 0);         /* back at the call */
	CU_ASSERT_EQUAL(at[2], at[0]);     /* one instruction back from the one after */
	char *second = nth_line(out, "=> ", 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(second, "call    frame_alloc"));
	free(second);
	free(out);
}

/* ===== the divergence explorer ===================================================== */

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
	CU_ASSERT_EQUAL(occurrences(out, "trap: "), occurrences(out, "bare: => "));
	CU_ASSERT(occurrences(out, "bare: => ") >= 4);
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
	CU_ASSERT_EQUAL(occurrences(out, "bare: => "), 0);
	CU_ASSERT_EQUAL(status, 87);    /* diff without a twin is an error */
	free(out);
}

static CU_TestInfo tests[] = {
	{ "reverse-step then step returns to the same state, in every mode",
	  test_reverse_step_then_step_returns_to_the_same_state_in_every_mode },
	{ "reverse-continue stops at the previous watchpoint hit, in every mode",
	  test_reverse_continue_stops_at_the_previous_watchpoint_hit_in_every_mode },
	{ "reverse-continue stops at the previous breakpoint hit",
	  test_reverse_continue_stops_at_the_previous_breakpoint_hit },
	{ "typed input is replayed where it was typed; record and replay",
	  test_typed_input_is_replayed_where_it_was_typed },
	{ "reverse-next goes back over a whole call",
	  test_reverse_next_goes_back_over_a_whole_call },
	{ "reverse commands have short forms; an empty history says so",
	  test_reverse_commands_have_short_forms_and_an_empty_history_says_so },
	{ "the explorer on legacy detect.s stops both runs at the first rdpsw",
	  test_explorer_on_legacy_detect_stops_both_runs_at_the_first_rdpsw },
	{ "step, reverse-step and continue move both runs in lock-step",
	  test_step_reverse_step_and_continue_move_both_runs_in_lock_step },
	{ "an equivalent guest has nothing to explore",
	  test_an_equivalent_guest_has_nothing_to_explore },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_cli_explore = { "cli: reverse execution and the divergence explorer", NULL, NULL,
				   NULL, NULL, tests };
