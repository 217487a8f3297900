/* test_monitor_table.c — the monitor's one command table
 * (monitor/shell/shell_table.c), seen from outside: every command has a
 * class that `help CLASS` lists it under and a long help that `help CMD`
 * prints; `traplab monitor --help` lists the same classes; `explain`
 * answers for an instruction; and a guest that cannot be read is one line
 * on the command line.  Lab 1 on (MONITOR.md "Commands").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_support.h"
#include "isa.h"
#include "support.h"

#define MINIOS "guests/pg32/minios/minios.s"

enum { LINE_MAX_LEN = 256, EXIT_NOINPUT_STATUS = 66, EXIT_COMMAND_FAILED_STATUS = 87 };

/* Each command of the table and the class `help CLASS` lists it under. */
static const struct {
	const char *name, *cls;
} commands[] = {
	{ "load", "running" },        { "reset", "running" },       { "continue", "running" },
	{ "step", "running" },        { "next", "running" },        { "break", "breakpoints" },
	{ "watch", "breakpoints" },   { "delete", "breakpoints" },  { "info", "inspecting" },
	{ "regs", "inspecting" },     { "x", "inspecting" },        { "xp", "inspecting" },
	{ "disassemble", "inspecting" }, { "print", "inspecting" }, { "explain", "inspecting" },
	{ "set", "settings" },        { "show", "settings" },       { "trace", "tracing" },
	{ "stats", "tracing" },       { "dot", "tracing" },         { "help", "session" },
	{ "source", "session" },      { "quit", "session" },
};

static int
count_lines(const char *text)
{
	int n = 0;
	for (const char *p = text; *p; p++)
		n += *p == '\n';
	return n;
}

/* help CMD: the synopsis starts with the name, a long help follows, and
 * nothing goes wrong (exit status 0). */
static void
test_help_every_command(void)
{
	const char *args[] = { "monitor", MINIOS, NULL };
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
		char input[LINE_MAX_LEN], *out;
		snprintf(input, sizeof input, "help %s\n", commands[i].name);
		CU_ASSERT_EQUAL(cli_run(args, input, &out), 0);
		size_t n = strlen(commands[i].name);
		bool named = strncmp(out, commands[i].name, n) == 0 && strchr(" [\n", out[n]);
		if (!named || count_lines(out) < 2)
			fprintf(stderr, "\n  help %s:\n%s\n", commands[i].name, out);
		CU_ASSERT(named);
		CU_ASSERT(count_lines(out) >= 2);
		free(out);
	}
}

/* help CLASS: a row for each command of the class, under its title. */
static void
test_help_every_class(void)
{
	const char *args[] = { "monitor", MINIOS, NULL };
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
		char input[LINE_MAX_LEN], row[LINE_MAX_LEN], *out;
		snprintf(input, sizeof input, "help %s\n", commands[i].cls);
		CU_ASSERT_EQUAL(cli_run(args, input, &out), 0);
		snprintf(row, sizeof row, "\n  %s", commands[i].name);
		if (!strstr(out, row))
			fprintf(stderr, "\n  help %s has no row for %s:\n%s\n", commands[i].cls,
				commands[i].name, out);
		CU_ASSERT_PTR_NOT_NULL(strstr(out, row));
		free(out);
	}
}

/* `traplab monitor --help` lists the commands from the same table. */
static void
test_usage_from_the_table(void)
{
	const char *args[] = { "monitor", "--help", NULL };
	char *out;
	CU_ASSERT_EQUAL(cli_run(args, "", &out), 0);
	const char *section = strstr(out, "COMMANDS");
	CU_ASSERT_PTR_NOT_NULL_FATAL(section);
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
		char item[LINE_MAX_LEN];
		snprintf(item, sizeof item, "    %s ", commands[i].cls);
		CU_ASSERT_PTR_NOT_NULL(strstr(section, item));
		snprintf(item, sizeof item, " %s", commands[i].name);
		CU_ASSERT_PTR_NOT_NULL(strstr(section, item));
	}
	free(out);
}

/* explain srr: what it is, from monitor/tools/explain.c; a mnemonic that
 * does not exist is one error line. */
static void
test_explain(void)
{
	const char *args[] = { "monitor", "--no-guest", NULL };
	char *out;
	int rc = cli_run(args, "explain srr\n", &out);
	if (strstr(out, "not in this build")) {
		CU_PASS("SKIPPED: explain.h is not in this build");
		fprintf(stderr, "\n  SKIPPED: explain.h is not in this build\n");
		free(out);
		return;
	}
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "srr"));
	free(out);
	CU_ASSERT_EQUAL(cli_run(args, "explain nosuchop\n", &out), EXIT_COMMAND_FAILED_STATUS);
	CU_ASSERT_EQUAL(count_lines(out), 1);
	CU_ASSERT_EQUAL(strncmp(out, "explain: ", strlen("explain: ")), 0);
	free(out);
}

/* A guest that is not there: one line, naming it, and status 66. */
static void
test_missing_guest_one_line(void)
{
	const char *args[] = { "monitor", "/no/such.s", NULL };
	char *out;
	CU_ASSERT_EQUAL(cli_run(args, "", &out), EXIT_NOINPUT_STATUS);
	if (count_lines(out) != 1)
		fprintf(stderr, "\n  traplab monitor /no/such.s said:\n%s\n", out);
	CU_ASSERT_EQUAL(count_lines(out), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "/no/such.s"));
	free(out);
}

static CU_TestInfo tests[] = {
	{ "help CMD: every command has its synopsis and long help", test_help_every_command },
	{ "help CLASS: every command under its class", test_help_every_class },
	{ "monitor --help lists the table's classes and commands", test_usage_from_the_table },
	{ "explain srr; explain of no instruction is one line", test_explain },
	{ "monitor /no/such.s: one line, status 66", test_missing_guest_one_line },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_cli_monitor_table = { "cli: monitor command table", NULL, NULL, NULL, NULL,
					 tests };
