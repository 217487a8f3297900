/* test_minios.c — minios (guests/pg32/minios), the default guest of every
 * lab, run bare with the real assembler and machine: its exact output
 * (expected.txt), power-off status, determinism, each task's lines in
 * order, the hostile task killed without harm to the others, the same run on
 * every variant, and a clean stop when the instruction budget runs out.
 * README.md next to minios.s explains the interleaving these tests pin down.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asm.h"
#include "machine.h"
#include "support.h"

#define MINIOS_PATH   "guests/pg32/minios/minios.s"
#define EXPECTED_PATH "guests/pg32/minios/expected.txt"

enum {
	MINIOS_BUDGET = 2000000,       /* generous: a run needs about 120 000 */
	MINIOS_MAX_RETIRED = 1000000,  /* the design limit: tests must stay fast */
	TINY_BUDGET = 1000,            /* still booting */
	MIDWAY_BUDGET = 60000,         /* some tasks have printed, none has exited */
	MAX_LINES = 128,
	WELL_BEHAVED_TASKS = 3,        /* pids 1..3; pid 4 is the hostile one */
	HOSTILE_PID = 4,
};

static const char all_done_line[] = "minios: all tasks done, powering off";
static const char survived_text[] = "the kernel let me write to it!";

/* ---- helpers ---------------------------------------------------------------- */

static void
run_minios(enum isa_variant variant, uint64_t budget, struct test_run *run)
{
	CU_ASSERT_EQUAL_FATAL(test_run_source_file(MINIOS_PATH, variant, budget, run), 0);
}

/* Split text into lines, in place (newlines become NULs).  Returns the count. */
static size_t
split_lines(char *text, char **lines, size_t max)
{
	size_t n = 0;
	char *p = text;
	while (*p && n < max) {
		lines[n++] = p;
		char *nl = strchr(p, '\n');
		if (!nl)
			break;
		*nl = '\0';
		p = nl + 1;
	}
	return n;
}

/* Index of the first line equal to `want` at or after `from`, or -1. */
static long
find_line(char **lines, size_t n, size_t from, const char *want)
{
	for (size_t i = from; i < n; i++)
		if (strcmp(lines[i], want) == 0)
			return (long)i;
	return -1;
}

static bool
line_is_from_task(const char *line, int pid)
{
	char prefix[32];
	snprintf(prefix, sizeof prefix, "task %d: ", pid);
	return strncmp(line, prefix, strlen(prefix)) == 0;
}

/* ---- the whole output ---------------------------------------------------- */

static void
test_minios_output_matches_expected_txt(void)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/%s", test_top(), EXPECTED_PATH);
	size_t len = 0;
	char *expected = test_read_file(path, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(expected);

	struct test_run run;
	run_minios(ISA_STRICT, MINIOS_BUDGET, &run);
	CU_ASSERT_EQUAL(run.output_len, len);
	CU_ASSERT_STRING_EQUAL(run.output, expected);
	test_run_free(&run);
	free(expected);
}

static void
test_minios_powers_off_with_status_0_after_the_all_done_line(void)
{
	struct test_run run;
	run_minios(ISA_STRICT, MINIOS_BUDGET, &run);
	CU_ASSERT_EQUAL(run.stop.reason, STOP_POWER_OFF);
	CU_ASSERT_EQUAL(run.stop.exit_status, 0);
	CU_ASSERT(run.retired < MINIOS_MAX_RETIRED);

	char *lines[MAX_LINES];
	size_t n = split_lines(run.output, lines, MAX_LINES);
	CU_ASSERT_FATAL(n > 0);
	CU_ASSERT_STRING_EQUAL(lines[n - 1], all_done_line);
	CU_ASSERT_EQUAL(find_line(lines, n, 0, all_done_line), (long)(n - 1));  /* once, last */
	test_run_free(&run);
}

/* SPEC §12: nothing depends on host time, so two runs agree to the instruction. */
static void
test_minios_two_runs_are_identical(void)
{
	struct test_run a, b;
	run_minios(ISA_STRICT, MINIOS_BUDGET, &a);
	run_minios(ISA_STRICT, MINIOS_BUDGET, &b);
	CU_ASSERT_STRING_EQUAL(a.output, b.output);
	CU_ASSERT_EQUAL(a.retired, b.retired);
	CU_ASSERT_EQUAL(a.stop.pc, b.stop.pc);
	CU_ASSERT_EQUAL(memcmp(&a.final, &b.final, sizeof a.final), 0);
	test_run_free(&a);
	test_run_free(&b);
}

/* ---- the well-behaved tasks --------------------------------------------------- */

/* What tasks 1-3 compute (user.s), line by line, and how they exit. */
static const char *const task_lines[WELL_BEHAVED_TASKS][6] = {
	{ "task 1: step 1: 1+2+...+200 = 20100",
	  "task 1: step 2: 1+2+...+400 = 80200",
	  "task 1: step 3: 1+2+...+600 = 180300",
	  "task 1: step 4: 1+2+...+800 = 320400",
	  "task 1: step 5: 1+2+...+1000 = 500500",
	  "minios: task 1 exited with status 10" },
	{ "task 2: step 1: 15 primes below 50",
	  "task 2: step 2: 25 primes below 100",
	  "task 2: step 3: 35 primes below 150",
	  "task 2: step 4: 46 primes below 200",
	  "task 2: step 5: 53 primes below 250",
	  "minios: task 2 exited with status 20" },
	{ "task 3: step 1: 7 reaches 1 after 16 steps",
	  "task 3: step 2: 27 reaches 1 after 111 steps",
	  "task 3: step 3: 97 reaches 1 after 118 steps",
	  "task 3: step 4: 871 reaches 1 after 178 steps",
	  "task 3: step 5: 6171 reaches 1 after 261 steps",
	  "minios: task 3 exited with status 30" },
};

static void
test_minios_each_task_prints_its_lines_in_order_then_exits(void)
{
	struct test_run run;
	run_minios(ISA_STRICT, MINIOS_BUDGET, &run);
	char *lines[MAX_LINES];
	size_t n = split_lines(run.output, lines, MAX_LINES);

	for (int t = 0; t < WELL_BEHAVED_TASKS; t++) {
		long at = 0;
		size_t own = 0;
		for (int k = 0; k < 6; k++) {
			long found = find_line(lines, n, (size_t)at, task_lines[t][k]);
			CU_ASSERT(found >= 0);
			if (found < 0)
				break;
			at = found + 1;
		}
		for (size_t i = 0; i < n; i++)
			own += line_is_from_task(lines[i], t + 1);
		CU_ASSERT_EQUAL(own, 5);   /* nothing else in its name */
	}
	test_run_free(&run);
}

/* Preemption really interleaves: between task 1's first and last lines,
 * both other well-behaved tasks print. */
static void
test_minios_output_interleaves(void)
{
	struct test_run run;
	run_minios(ISA_STRICT, MINIOS_BUDGET, &run);
	char *lines[MAX_LINES];
	size_t n = split_lines(run.output, lines, MAX_LINES);
	long first = find_line(lines, n, 0, task_lines[0][0]);
	long last = find_line(lines, n, 0, task_lines[0][4]);
	CU_ASSERT_FATAL(first >= 0 && last > first);
	bool seen2 = false, seen3 = false;
	for (long i = first + 1; i < last; i++) {
		seen2 |= line_is_from_task(lines[i], 2);
		seen3 |= line_is_from_task(lines[i], 3);
	}
	CU_ASSERT(seen2);
	CU_ASSERT(seen3);
	test_run_free(&run);
}

/* ---- the hostile task -------------------------------------------------------- */

static void
test_minios_kills_the_faulting_task_and_only_it(void)
{
	/* Task 4 stores to the kernel's trap entry: the kill line names it. */
	char path[1024];
	snprintf(path, sizeof path, "%s/%s", test_top(), MINIOS_PATH);
	struct asm_result r;
	CU_ASSERT_EQUAL_FATAL(asm_assemble_file(path, &r), 0);
	const struct symbol *entry = symtab_find(&r.symbols, "minios_trap_entry");
	CU_ASSERT_PTR_NOT_NULL_FATAL(entry);
	char kill_line[128], write_line[128];
	snprintf(kill_line, sizeof kill_line,
		 "minios: killed task %d (page fault, store at 0x%08x)", HOSTILE_PID, entry->value);
	snprintf(write_line, sizeof write_line, "task %d: write(0x%08x, 16) = -1", HOSTILE_PID,
		 entry->value);
	asm_result_free(&r);

	struct test_run run;
	run_minios(ISA_STRICT, MINIOS_BUDGET, &run);
	CU_ASSERT_PTR_NULL(strstr(run.output, survived_text));
	char *lines[MAX_LINES];
	size_t n = split_lines(run.output, lines, MAX_LINES);

	/* Its hostile system calls all failed cleanly, in order, before the kill. */
	long at = find_line(lines, n, 0, write_line);
	CU_ASSERT(at >= 0);
	at = find_line(lines, n, (size_t)(at + 1), "task 4: write(0x00500000, 65536) = -1");
	CU_ASSERT(at >= 0);
	at = find_line(lines, n, (size_t)(at + 1), "task 4: system call 99 = -1");
	CU_ASSERT(at >= 0);
	long killed = find_line(lines, n, 0, kill_line);
	CU_ASSERT_FATAL(killed >= 0);
	CU_ASSERT(killed > at);
	CU_ASSERT_EQUAL(find_line(lines, n, (size_t)killed + 1, kill_line), -1);  /* killed once */

	/* Nothing of task 4 after its death, and no other task was killed. */
	for (size_t i = (size_t)killed + 1; i < n; i++) {
		CU_ASSERT(!line_is_from_task(lines[i], HOSTILE_PID));
		CU_ASSERT(strncmp(lines[i], "minios: killed", strlen("minios: killed")) != 0);
	}
	/* ... while the others still had work to do afterwards. */
	for (int t = 0; t < WELL_BEHAVED_TASKS; t++)
		CU_ASSERT(find_line(lines, n, (size_t)killed + 1, task_lines[t][5]) > killed);
	test_run_free(&run);
}

/* The minios kernel with four programs of our own, each hostile in another
 * way: the kernel must kill the three that fault, with the right cause and
 * address, answer every bad system call of the fourth with -1 (it exits with
 * the number of -1s it got), and still power off cleanly. */
static const char hostile_programs[] =
	"        .align PAGE_SIZE\n"
	"user_text_start:\n"
	"        .include \"%s/guests/pg32/minios/ulib.s\"\n"
	"task_a:                             ; a privileged instruction\n"
	"        nop\n"
	"hostile_a_fault:\n"
	"        di\n"
	"        li    r2, 1\n"
	"        call  u_exit\n"
	"task_b:                             ; jump into the kernel\n"
	"        la    r1, minios_trap_entry\n"
	"        jr    r1\n"
	"task_c:                             ; bad system calls: count the -1s\n"
	"        li    r5, 0\n"
	"        li    r2, 0xfffff000         ; a range that wraps around\n"
	"        li    r3, 0x2000\n"
	"        call  u_write\n"
	"        call  count\n"
	"        la    r2, USER_DATA_VA       ; a length of -1\n"
	"        li    r3, -1\n"
	"        call  u_write\n"
	"        call  count\n"
	"        la    r2, USER_TEXT_VA + PAGE_SIZE - 2   ; runs off the text page\n"
	"        li    r3, 4\n"
	"        call  u_write\n"
	"        call  count\n"
	"        la    r2, current_task       ; kernel data\n"
	"        li    r3, 4\n"
	"        call  u_write\n"
	"        call  count\n"
	"        li    r1, -5                 ; negative system-call number\n"
	"        sys\n"
	"        call  count\n"
	"        li    r1, 0                  ; number 0\n"
	"        sys\n"
	"        call  count\n"
	"        li    r1, SYS_COUNT          ; one past the last\n"
	"        sys\n"
	"        call  count\n"
	"        adr   r2, ok                 ; and one good write\n"
	"        li    r3, 3\n"
	"        call  u_write\n"
	"        mov   r2, r5\n"
	"        call  u_exit\n"
	"count:  cmpi  r1, -1\n"
	"        bne   count_done\n"
	"        addi  r5, r5, 1\n"
	"count_done:\n"
	"        ret\n"
	"task_d:                             ; a misaligned store\n"
	"        la    r13, USER_DATA_VA\n"
	"hostile_d_fault:\n"
	"        stw   r13, 2(r13)\n"
	"        li    r2, 4\n"
	"        call  u_exit\n"
	"ok:     .asciz \"ok\\n\"\n"
	"        .align PAGE_SIZE\n"
	"user_text_end:\n"
	"image_end:\n";

enum { HOSTILE_BAD_CALLS = 7, USER_TEXT_VA = 0x00400000 };

/* The virtual address a label of the user text runs at (minios.s). */
static uint32_t
user_va(const struct symtab *syms, const char *label)
{
	const struct symbol *start = symtab_find(syms, "user_text_start");
	const struct symbol *sym = symtab_find(syms, label);
	CU_ASSERT_PTR_NOT_NULL_FATAL(start);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sym);
	return USER_TEXT_VA + (sym->value - start->value);
}

static void
test_minios_survives_hostile_programs(void)
{
	static char text[sizeof hostile_programs + 4096];
	const char *top = test_top();
	int len = snprintf(text, sizeof text,
			   "        .include \"%s/guests/pg32/minios/defs.s\"\n"
			   "        .include \"%s/guests/pg32/minios/kernel.s\"\n", top, top);
	CU_ASSERT_FATAL(len > 0 && (size_t)len < sizeof text);
	snprintf(text + len, sizeof text - (size_t)len, hostile_programs, top);

	struct asm_result r;
	CU_ASSERT_EQUAL_FATAL(asm_assemble_string("<hostile>", text, &r), 0);
	char want[4][128];
	snprintf(want[0], sizeof want[0], "minios: killed task 1 (privileged instruction at 0x%08x)",
		 user_va(&r.symbols, "hostile_a_fault"));
	snprintf(want[1], sizeof want[1], "minios: killed task 2 (page fault, fetch at 0x%08x)",
		 symtab_find(&r.symbols, "minios_trap_entry")->value);
	snprintf(want[2], sizeof want[2], "minios: task 3 exited with status %d", HOSTILE_BAD_CALLS);
	snprintf(want[3], sizeof want[3], "minios: killed task 4 (misaligned access, store at 0x%08x)",
		 0x00500000 + 2);
	asm_result_free(&r);

	struct test_run run;
	CU_ASSERT_EQUAL_FATAL(test_run_source_text(text, ISA_STRICT, MINIOS_BUDGET, &run), 0);
	CU_ASSERT_EQUAL(run.stop.reason, STOP_POWER_OFF);
	CU_ASSERT_EQUAL(run.stop.exit_status, 0);
	char *lines[MAX_LINES];
	size_t n = split_lines(run.output, lines, MAX_LINES);
	for (int i = 0; i < 4; i++) {
		CU_ASSERT(find_line(lines, n, 0, want[i]) >= 0);
		if (find_line(lines, n, 0, want[i]) < 0)
			fprintf(stderr, "\nmissing: %s\n--- output ---\n%s", want[i], run.output);
	}
	CU_ASSERT(find_line(lines, n, 0, "ok") >= 0);   /* the good write still works */
	CU_ASSERT(n > 0 && strcmp(lines[n - 1], all_done_line) == 0);
	test_run_free(&run);
}

/* ---- variants and budgets -------------------------------------------------- */

/* minios's kernel runs in real supervisor mode on the bare machine, where
 * every instruction does the same on every variant (SPEC §4). */
static void
test_minios_runs_the_same_on_every_variant(void)
{
	struct test_run ref;
	run_minios(ISA_STRICT, MINIOS_BUDGET, &ref);
	for (int v = 0; v < ISA_VARIANT_COUNT; v++) {
		struct test_run run;
		run_minios((enum isa_variant)v, MINIOS_BUDGET, &run);
		CU_ASSERT_EQUAL(run.stop.reason, STOP_POWER_OFF);
		CU_ASSERT_EQUAL(run.stop.exit_status, 0);
		CU_ASSERT_STRING_EQUAL(run.output, ref.output);
		CU_ASSERT_EQUAL(run.retired, ref.retired);
		test_run_free(&run);
	}
	test_run_free(&ref);
}

static void
test_minios_too_small_a_budget_stops_cleanly(void)
{
	struct test_run full, run;
	run_minios(ISA_STRICT, MINIOS_BUDGET, &full);

	run_minios(ISA_STRICT, TINY_BUDGET, &run);
	CU_ASSERT_EQUAL(run.stop.reason, STOP_BUDGET);
	CU_ASSERT_EQUAL(run.retired, TINY_BUDGET);
	CU_ASSERT_EQUAL(run.output_len, 0);   /* still zeroing frames at boot */
	test_run_free(&run);

	/* Stopped midway, the output so far is exactly the start of a full run. */
	run_minios(ISA_STRICT, MIDWAY_BUDGET, &run);
	CU_ASSERT_EQUAL(run.stop.reason, STOP_BUDGET);
	CU_ASSERT_EQUAL(run.retired, MIDWAY_BUDGET);
	CU_ASSERT(run.output_len > 0 && run.output_len < full.output_len);
	CU_ASSERT_EQUAL(strncmp(run.output, full.output, run.output_len), 0);
	test_run_free(&run);
	test_run_free(&full);
}

static CU_TestInfo tests[] = {
	{ "test_minios_output_matches_expected_txt", test_minios_output_matches_expected_txt },
	{ "test_minios_powers_off_with_status_0_after_the_all_done_line",
	  test_minios_powers_off_with_status_0_after_the_all_done_line },
	{ "test_minios_two_runs_are_identical", test_minios_two_runs_are_identical },
	{ "test_minios_each_task_prints_its_lines_in_order_then_exits",
	  test_minios_each_task_prints_its_lines_in_order_then_exits },
	{ "test_minios_output_interleaves", test_minios_output_interleaves },
	{ "test_minios_kills_the_faulting_task_and_only_it",
	  test_minios_kills_the_faulting_task_and_only_it },
	{ "test_minios_survives_hostile_programs", test_minios_survives_hostile_programs },
	{ "test_minios_runs_the_same_on_every_variant", test_minios_runs_the_same_on_every_variant },
	{ "test_minios_too_small_a_budget_stops_cleanly", test_minios_too_small_a_budget_stops_cleanly },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_minios = { "guests: minios", NULL, NULL, NULL, NULL, tests };
