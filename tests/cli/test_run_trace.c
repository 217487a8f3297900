/* test_run_trace.c — `traplab run --trace` and the monitor's `trace traps
 * on` show the guest's view in every mode (monitor/vmm/vm.h, struct vm_insn):
 * the instruction numbers, addresses and believed modes of a monitored run
 * are exactly the bare run's, translated kernel code is traced too, and a
 * trap or callout names where the guest really goes on.  Drives the real
 * binary.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_support.h"
#include "support.h"

#define DETECT "guests/pg32/detect.s"   /* user mode and traps within 3,000 instructions */
#define HELLO "guests/pg32/hello.s"

/* The guest's view of each traced instruction — "number S|U pc" — from
 * the trace lines of `traplab run --trace`, one per line, malloc'd.  The
 * runner letter (D, I, T) is left out: it is what differs between modes.
 * So is the second line of an instruction the real machine ran twice
 * because of a trap the guest never saw (a shadow fill): it retired once.
 * (On bare, an instruction that faults is followed by its handler, at
 * another address, so no line of a bare trace is dropped.) */
static char *
guest_view(const char *trace)
{
	size_t cap = strlen(trace) + 1, len = 0;
	char *view = malloc(cap);
	if (!view)
		return NULL;
	view[0] = '\0';
	char last[64] = "";
	for (const char *line = trace; *line; ) {
		const char *end = strchr(line, '\n');
		size_t n = end ? (size_t)(end - line) : strlen(line);
		unsigned long long number;
		char mode, runner;
		unsigned pc;
		char copy[256];
		snprintf(copy, sizeof copy, "%.*s", (int)(n < sizeof copy ? n : sizeof copy - 1), line);
		char entry[64] = "";
		if (sscanf(copy, "%llu %c %c %x:", &number, &mode, &runner, &pc) == 4 &&
		    (runner == 'D' || runner == 'I' || runner == 'T'))
			snprintf(entry, sizeof entry, "%llu %c %08x\n", number, mode, pc);
		else if (sscanf(copy, "%llu %c %x:", &number, &mode, &pc) == 3 &&
			 (mode == 'S' || mode == 'U'))
			snprintf(entry, sizeof entry, "%llu %c %08x\n", number, mode, pc);
		if (*entry && strcmp(entry, last) != 0)
			len += (size_t)snprintf(view + len, cap - len, "%s", entry);
		if (*entry)
			snprintf(last, sizeof last, "%s", entry);
		line += n + (end ? 1 : 0);
	}
	return view;
}

static char *
traced_run(const char *mode, const char *guest, const char *budget)
{
	char mode_opt[32], budget_opt[64];
	snprintf(mode_opt, sizeof mode_opt, "--mode=%s", mode);
	snprintf(budget_opt, sizeof budget_opt, "--max-instructions=%s", budget);
	const char *args[] = { "run", mode_opt, "--trace", budget_opt, guest, NULL };
	char *out = NULL;
	cli_run(args, "", &out);
	return out;
}

/* SPEC §12: every mode retires the same guest instructions in the same
 * order, so the traces agree line for line — in trap mode too, where the
 * real machine runs the guest's kernel in user mode (the trace says S, as
 * the guest believes), and in bt, whose translated kernel code is traced. */
static void
test_every_mode_traces_the_same_guest_instructions_as_bare(void)
{
	static const char *const modes[] = { "trap", "hybrid", "bt" };
	static const char *const guests[][2] = { { HELLO, "1000" }, { DETECT, "5000" } };
	for (size_t g = 0; g < sizeof guests / sizeof guests[0]; g++) {
		char *bare_out = traced_run("bare", guests[g][0], guests[g][1]);
		CU_ASSERT_PTR_NOT_NULL_FATAL(bare_out);
		char *bare = guest_view(bare_out);
		CU_ASSERT_PTR_NOT_NULL_FATAL(bare);
		CU_ASSERT_TRUE(strlen(bare) > 100);
		CU_ASSERT_PTR_NOT_NULL(strstr(bare, " S "));
		for (size_t m = 0; m < sizeof modes / sizeof modes[0]; m++) {
			char *out = traced_run(modes[m], guests[g][0], guests[g][1]);
			CU_ASSERT_PTR_NOT_NULL_FATAL(out);
			char *view = guest_view(out);
			CU_ASSERT_PTR_NOT_NULL_FATAL(view);
			if (strcmp(view, bare) != 0) {
				const char *a = bare, *b = view;
				while (*a && *a == *b)
					a++, b++;
				fprintf(stderr, "\n  %s under %s: the trace parts from bare at\n"
					"    bare: %.40s\n    %s: %.40s\n", guests[g][0], modes[m], a,
					modes[m], b);
			}
			CU_ASSERT_STRING_EQUAL(view, bare);
			free(view);
			free(out);
		}
		free(bare);
		free(bare_out);
	}
}

/* Who ran each instruction is part of the lesson: the kernel is T under
 * bt, I under hybrid, D under trap; user code is D under all three. */
static void
test_the_trace_names_what_ran_each_instruction(void)
{
	char *bt = traced_run("bt", DETECT, "5000");
	char *hybrid = traced_run("hybrid", DETECT, "5000");
	char *trap = traced_run("trap", DETECT, "5000");
	CU_ASSERT_PTR_NOT_NULL_FATAL(bt);
	CU_ASSERT_PTR_NOT_NULL_FATAL(hybrid);
	CU_ASSERT_PTR_NOT_NULL_FATAL(trap);
	CU_ASSERT_PTR_NOT_NULL(strstr(bt, " S T 000000"));
	CU_ASSERT_PTR_NOT_NULL(strstr(bt, " U D 000000"));  /* its user probes */
	CU_ASSERT_PTR_NULL(strstr(bt, " S D "));
	CU_ASSERT_PTR_NOT_NULL(strstr(hybrid, " S I 000000"));
	CU_ASSERT_PTR_NULL(strstr(hybrid, " S D "));
	CU_ASSERT_PTR_NOT_NULL(strstr(trap, " S D 000000"));
	CU_ASSERT_PTR_NULL(strstr(trap, " S I "));
	free(bt);
	free(hybrid);
	free(trap);
}

/* The line after a trapped (or called-out) `out` names where the guest
 * goes on — the next instruction — never the real machine's tvec. */
static void
test_a_trap_line_names_where_the_guest_goes_on(void)
{
	char *trap = traced_run("trap", HELLO, "1000");
	char *bt = traced_run("bt", HELLO, "1000");
	CU_ASSERT_PTR_NOT_NULL_FATAL(trap);
	CU_ASSERT_PTR_NOT_NULL_FATAL(bt);
	CU_ASSERT_PTR_NOT_NULL(strstr(trap, "trap PRIVILEGED at pc=0x00000014: emulated -> 0x00000018"));
	CU_ASSERT_PTR_NOT_NULL(strstr(bt, "callout out at pc=0x00000014 -> 0x00000018"));
	CU_ASSERT_PTR_NULL(strstr(trap, "tvec 0x00000000"));
	free(trap);
	free(bt);

	/* A privileged instruction from user mode is the guest's own trap: it
	 * goes to the guest's handler, at the same address in bare (delivered)
	 * and trap mode (reflected). */
	char *bare_m = traced_run("bare", DETECT, "5000");
	char *trap_m = traced_run("trap", DETECT, "5000");
	CU_ASSERT_PTR_NOT_NULL_FATAL(bare_m);
	CU_ASSERT_PTR_NOT_NULL_FATAL(trap_m);
	CU_ASSERT_PTR_NOT_NULL(strstr(bare_m, "trap PRIVILEGED at pc=0x00000000: delivered -> "
				   "0x00000238 <trap_entry>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(trap_m, "trap PRIVILEGED at pc=0x00000000: reflected -> "
				   "0x00000238 <trap_entry>"));
	free(bare_m);
	free(trap_m);
}

/* The monitor's `trace traps on`, under bt: a callout goes on at the
 * instruction after it, as the emulated trap does in trap mode. */
static void
test_the_monitor_traces_a_callout_to_the_next_instruction(void)
{
	const char *input = "trace traps on\ncontinue\n";
	const char *trap_args[] = { "monitor", "--mode=trap", HELLO, NULL };
	const char *bt_args[] = { "monitor", "--mode=bt", HELLO, NULL };
	char *trap = NULL, *bt = NULL;
	cli_run(trap_args, input, &trap);
	cli_run(bt_args, input, &bt);
	CU_ASSERT_PTR_NOT_NULL_FATAL(trap);
	CU_ASSERT_PTR_NOT_NULL_FATAL(bt);
	CU_ASSERT_PTR_NOT_NULL(strstr(trap, "PRIVILEGED out  emulated -> 0x00000018"));
	CU_ASSERT_PTR_NOT_NULL(strstr(bt, "sensitive out  callout -> 0x00000018"));
	CU_ASSERT_PTR_NULL(strstr(bt, "-> 0x00000000 <start>"));
	free(trap);
	free(bt);
}

static CU_TestInfo tests[] = {
	{ "every mode traces the same guest instructions as bare",
	  test_every_mode_traces_the_same_guest_instructions_as_bare },
	{ "the trace names what ran each instruction (D, I, T)",
	  test_the_trace_names_what_ran_each_instruction },
	{ "a trap line names where the guest goes on, not the real tvec",
	  test_a_trap_line_names_where_the_guest_goes_on },
	{ "the monitor traces a bt callout to the next instruction",
	  test_the_monitor_traces_a_callout_to_the_next_instruction },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_cli_run_trace = { "cli: run --trace and trace traps", NULL, NULL, NULL, NULL, tests };
