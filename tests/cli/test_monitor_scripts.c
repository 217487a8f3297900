/* test_monitor_scripts.c — the interactive monitor driven as scripts and
 * pipes use it: build/traplab monitor with commands on stdin, its whole
 * output compared with a transcript (tests/cli/sessions/NAME.cmd gives the
 * commands, NAME.expected what must come out, stdout and stderr merged),
 * plus the exit status, `dot` output that Graphviz accepts, and Control-C
 * during `continue`.  Regenerate a transcript after a deliberate change with
 *     TRAPLAB_REGEN=1 build/tests/run-tests cli
 * and read the diff line by line before committing it.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend.h"
#include "isa.h"
#include "cli_support.h"
#include "support.h"

enum {
	PATH_LEN = 4096,
	MAX_SESSION_ARGS = 8,
	HELP_SCREEN_LINES = 24,        /* plain `help` fits one terminal screen */
};

#define MINIOS "guests/pg32/minios/minios.s"

/* Run tests/cli/sessions/NAME.cmd through `traplab monitor ARGS...` and
 * compare with NAME.expected; the exit status must be `status`. */
static void
check_session(const char *name, const char *const *args, int status)
{
	char cmd_path[PATH_LEN], exp_path[PATH_LEN];
	snprintf(cmd_path, sizeof cmd_path, "%s/tests/cli/sessions/%s.cmd", test_top(), name);
	snprintf(exp_path, sizeof exp_path, "%s/tests/cli/sessions/%s.expected", test_top(), name);
	char *input = test_read_file(cmd_path, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(input);
	const char *argv[MAX_SESSION_ARGS + 2] = { "monitor" };
	int argc = 1;
	for (int i = 0; args[i] && argc < MAX_SESSION_ARGS; i++)
		argv[argc++] = args[i];
	argv[argc] = NULL;
	char *output;
	int rc = cli_run(argv, input, &output);
	free(input);
	CU_ASSERT_PTR_NOT_NULL_FATAL(output);
	if (getenv("TRAPLAB_REGEN")) {
		CU_ASSERT_EQUAL(cli_write_file(exp_path, output), 0);
		fprintf(stderr, "\n  wrote %s (exit status %d)\n", exp_path, rc);
	}
	char *expected = test_read_file(exp_path, NULL);
	CU_ASSERT_PTR_NOT_NULL(expected);
	if (expected && strcmp(expected, output) != 0) {
		/* name the first line that differs */
		const char *e = expected, *o = output;
		int line = 1;
		while (*e && *e == *o) {
			if (*e == '\n')
				line++;
			e++;
			o++;
		}
		fprintf(stderr, "\n  session %s, line %d differs:\n    expected: %.*s\n    got:      %.*s\n",
			name, line, (int)strcspn(e, "\n"), e, (int)strcspn(o, "\n"), o);
		CU_FAIL("the transcript differs from the .expected file");
	}
	if (rc != status)
		fprintf(stderr, "\n  session %s: exit status %d, expected %d\n", name, rc, status);
	CU_ASSERT_EQUAL(rc, status);
	free(expected);
	free(output);
}

/* minios in trap mode, stopped at its first `sys` (user mode), then one
 * step: the vCPU goes user -> supervisor, the real machine stays in user. */
static void
test_vcpu_syscall(void)
{
	const char *args[] = { MINIOS, NULL };
	check_session("vcpu_syscall", args, 0);
}

/* break minios_syscall, continue, then look around: x, disassemble,
 * registers, next over a call, stats, delete. */
static void
test_break_syscall(void)
{
	const char *args[] = { MINIOS, NULL };
	check_session("break_syscall", args, 0);
}

/* watch current_task: stops with the old and new values. */
static void
test_watch(void)
{
	const char *args[] = { MINIOS, NULL };
	check_session("watch", args, 0);
}

/* settings: mode hybrid interprets the kernel (stats show it), show, set. */
static void
test_settings(void)
{
	const char *args[] = { MINIOS, NULL };
	check_session("settings", args, 0);
}

/* equiv: detect.s is not equivalent on legacy, equivalent on strict. */
static void
test_equiv(void)
{
	const char *args[] = { "guests/pg32/detect.s", NULL };
	check_session("equiv", args, 0);
}

/* trace traps on: SYSCALL and TIMER lines (hybrid mode: no emulation noise). */
static void
test_trace(void)
{
	const char *args[] = { "--mode=hybrid", MINIOS, NULL };
	check_session("trace", args, 0);
}

/* every error message, exactly one line each, and exit status 87 (a
 * command failed). */
static void
test_errors(void)
{
	const char *args[] = { "--no-guest", NULL };
	check_session("errors", args, 87);
}

/* A newcomer's slips, each answered in one line: an unaligned address to
 * disassemble, a breakpoint outside the guest's memory (kept, with a
 * warning), words a command does not take; help CLASS, help info TOPIC. */
static void
test_newcomer(void)
{
	const char *args[] = { MINIOS, NULL };
	check_session("newcomer", args, 87);
}

/* help CMD and help expressions; a clean session exits 0. */
static void
test_help(void)
{
	const char *args[] = { MINIOS, NULL };
	check_session("help", args, 0);
}

/* Plain `help` names every command of the table with its aliases, by
 * class, and every setting and tool the backend names (asked of the backend
 * itself, so new ones are covered) — on one screen. */
static void
test_help_lists_all(void)
{
	static const char *const commands[] = {
		"load", "reset", "continue (c, run)", "step (s, stepi, si)", "next (n, nexti, ni)",
		"break (b)", "watch", "delete (d)", "info (i)", "regs", "x", "xp",
		"disassemble (disas)", "print (p)", "explain", "set", "show", "trace", "stats",
		"dot", "help (h)", "source", "quit (q, exit)",
	};
	static const char *const classes[] = {
		"\n  running ", "\n  breakpoints ", "\n  inspecting ", "\n  settings ",
		"\n  tracing ", "\n  comparing ", "\n  session ",
	};
	const char *args[] = { "monitor", MINIOS, NULL };
	char *out;
	CU_ASSERT_EQUAL(cli_run(args, "help\n", &out), 0);
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
		char word[64];
		snprintf(word, sizeof word, " %s", commands[i]);
		if (!strstr(out, word))
			fprintf(stderr, "\n  help does not list '%s'\n", commands[i]);
		CU_ASSERT_PTR_NOT_NULL(strstr(out, word));
	}
	for (size_t i = 0; i < ARRAY_SIZE(classes); i++)
		CU_ASSERT_PTR_NOT_NULL(strstr(out, classes[i]));
	int lines = 0;
	for (const char *p = out; *p; p++)
		lines += *p == '\n';
	if (lines > HELP_SCREEN_LINES)
		fprintf(stderr, "\n  plain help is %d lines:\n%s\n", lines, out);
	CU_ASSERT(lines <= HELP_SCREEN_LINES);
	char err[256];
	struct backend *b = backend_pg32_create(err, sizeof err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	for (const struct backend_option *o = b->ops->options(b); o->name; o++) {
		char word[64];
		snprintf(word, sizeof word, " %s", o->name);
		CU_ASSERT_PTR_NOT_NULL(strstr(out, word));
	}
	for (const struct backend_tool *t = b->ops->tools(b); t->name; t++) {
		char word[64];
		snprintf(word, sizeof word, " %s", t->name);
		CU_ASSERT_PTR_NOT_NULL(strstr(out, word));
	}
	b->ops->destroy(b);
	free(out);
}

/* The value of figure `name` in `stats` output after `from`, or -1. */
static long long
stat_value(const char *out, const char *from, const char *name)
{
	const char *p = strstr(out, from);
	char key[64];
	snprintf(key, sizeof key, "\n%s ", name);
	p = p ? strstr(p, key) : NULL;
	return p ? strtoll(p + strlen(key), NULL, 10) : -1;
}

/* stats: trap mode emulates, hybrid mode interprets (the kernel). */
static void
test_stats(void)
{
	const char *args[] = { "monitor", MINIOS, NULL };
	char *out;
	CU_ASSERT_EQUAL(cli_run(args, "continue 44000\nprint 1\nstats\nmode hybrid\n"
				"continue 50000\nprint 2\nstats\n", &out), 0);
	long long trap_emulated = stat_value(out, "0x00000001  1", "emulated");
	long long trap_interpreted = stat_value(out, "0x00000001  1", "interpreted");
	long long hybrid_interpreted = stat_value(out, "0x00000002  2", "interpreted");
	long long hybrid_total = stat_value(out, "0x00000002  2", "guest_instructions");
	if (trap_emulated <= 0 || hybrid_interpreted <= 0)
		fprintf(stderr, "\n  stats output:\n%s\n", out);
	CU_ASSERT(trap_emulated > 0);
	CU_ASSERT_EQUAL(trap_interpreted, 0);
	CU_ASSERT(hybrid_interpreted > 0);
	CU_ASSERT_EQUAL(hybrid_total, 50000);
	free(out);
}

/* The exit status alone: 0 when all went well, 87 (a command failed)
 * after any failure, also for -x scripts. */
static void
test_exit_status(void)
{
	char *out;
	const char *args[] = { "monitor", MINIOS, NULL };
	CU_ASSERT_EQUAL(cli_run(args, "step\nprint 1+1\n", &out), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "0x00000002  2"));
	free(out);
	CU_ASSERT_EQUAL(cli_run(args, "step\nbogus\nprint 1+1\n", &out), 87);
	/* the session went on after the error */
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "0x00000002  2"));
	free(out);

	char *dir = cli_tempdir();
	CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
	char script[PATH_LEN];
	snprintf(script, sizeof script, "%s/ok.cmd", dir);
	cli_write_file(script, "# a comment\nstep 2\nprint $pc\n");
	const char *xargs[] = { "monitor", "-x", script, MINIOS, NULL };
	CU_ASSERT_EQUAL(cli_run(xargs, "", &out), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "0x00000570  1392\n"));
	free(out);
	cli_write_file(script, "step 2\nx/4w nowhere\n");
	CU_ASSERT_EQUAL(cli_run(xargs, "", &out), 87);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "x: no symbol 'nowhere' (try tab completion)"));
	free(out);
	cli_rmtree(dir);
	free(dir);
}

/* `dot FILE` writes a graph that Graphviz accepts; .svg renders directly. */
static void
test_dot(void)
{
	char *dir = cli_tempdir();
	CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
	char input[3 * PATH_LEN], dotfile[PATH_LEN], svgfile[PATH_LEN];
	snprintf(dotfile, sizeof dotfile, "%s/flow.dot", dir);
	snprintf(svgfile, sizeof svgfile, "%s/flow.svg", dir);
	snprintf(input, sizeof input, "continue 44000\ndot %s\ndot %s\n", dotfile, svgfile);
	const char *args[] = { "monitor", MINIOS, NULL };
	char *out;
	CU_ASSERT_EQUAL(cli_run(args, input, &out), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "Wrote "));
	free(out);
	char *graph = test_read_file(dotfile, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(graph);
	CU_ASSERT_PTR_NOT_NULL(strstr(graph, "digraph trapflow {"));
	/* the first system call and the boot tick, with their handler */
	CU_ASSERT_PTR_NOT_NULL(strstr(graph, "SYSCALL\\nreflected x"));
	CU_ASSERT_PTR_NOT_NULL(strstr(graph, "TIMER\\ninjected x"));
	CU_ASSERT_PTR_NOT_NULL(strstr(graph, "<minios_trap_entry>"));
	free(graph);
	if (!cli_have("dot")) {
		CU_PASS("SKIPPED rendering: graphviz (dot) not installed");
		fprintf(stderr, "\n  SKIPPED rendering: graphviz (dot) not installed\n");
	} else {
		char svg2[PATH_LEN];
		snprintf(svg2, sizeof svg2, "%s/again.svg", dir);
		const char *dot[] = { "dot", "-Tsvg", dotfile, "-o", svg2, NULL };
		CU_ASSERT_EQUAL(cli_command(dot, NULL), 0);
		char *svg = test_read_file(svgfile, NULL);
		CU_ASSERT_PTR_NOT_NULL(svg);
		CU_ASSERT_PTR_NOT_NULL(svg ? strstr(svg, "<svg") : NULL);
		free(svg);
	}
	cli_rmtree(dir);
	free(dir);
}

/* Control-C (SIGINT) during `continue` on a guest that loops forever: the
 * run stops, and the next command works. */
static void
test_control_c(void)
{
	static const char loop_s[] =
		"; loops forever after one line (tests/cli: Control-C)\n"
		"        .equ CONSOLE_DATA, 0x00\n"
		"start:  la    r2, message\n"
		"next:   ldbu  r3, 0(r2)\n"
		"        cmpi  r3, 0\n"
		"        beq   spin\n"
		"        out   CONSOLE_DATA, r3\n"
		"        addi  r2, r2, 1\n"
		"        b     next\n"
		"spin:   b     spin\n"
		"message: .asciz \"looping\\n\"\n";
	char *dir = cli_tempdir();
	CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
	char guest[PATH_LEN];
	snprintf(guest, sizeof guest, "%s/loop.s", dir);
	CU_ASSERT_EQUAL_FATAL(cli_write_file(guest, loop_s), 0);
	const char *args[] = { "monitor", guest, NULL };
	struct cli_proc p;
	CU_ASSERT_EQUAL_FATAL(cli_spawn(&p, args), 0);
	char *buf = NULL;
	size_t len = 0;
	const char go[] = "continue\n";
	CU_ASSERT_EQUAL(write(p.in, go, strlen(go)), (ssize_t)strlen(go));
	bool running = cli_read_until(&p, &buf, &len, "looping\n", CLI_WAIT_MS);
	CU_ASSERT(running);
	kill(p.pid, SIGINT);
	CU_ASSERT(cli_read_until(&p, &buf, &len, "<spin>", CLI_WAIT_MS));
	const char after[] = "print 6*7\nquit\n";
	CU_ASSERT_EQUAL(write(p.in, after, strlen(after)), (ssize_t)strlen(after));
	int rc = cli_finish(&p, &buf, &len);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "interrupted\n=> 0x"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "0x0000002a  42"));
	free(buf);
	cli_rmtree(dir);
	free(dir);
}

/* The guest's console goes into the shell's output stream (issue 15):
 * in order with what the commands print, with stdout a pipe. */
static void
test_console_in_order(void)
{
	const char *args[] = { "monitor", MINIOS, NULL };
	char *out;
	int rc = cli_run(args, "print 1\ncontinue 60000\nprint 2\n", &out);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	const char *one = strstr(out, "0x00000001  1\n");
	const char *boot = strstr(out, "minios: booting");
	const char *stop = strstr(out, "stopped after the budget of 60000 instructions");
	const char *two = strstr(out, "0x00000002  2\n");
	CU_ASSERT(one && boot && stop && two && one < boot && boot < stop && stop < two);
	free(out);
}

/* The backend sends the console where it is told (set_console), never to
 * stdout; and a reset, which reloads the VM it keeps, runs the guest again
 * exactly as the first time. */
static void
test_backend_console_sink_and_reset(void)
{
	enum { BUDGET = 60000 };
	char err[320], path[PATH_LEN];
	snprintf(path, sizeof path, "%s/%s", test_top(), MINIOS);
	struct backend *b = backend_pg32_create(err, sizeof err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	struct test_console first = { 0 }, again = { 0 };
	b->ops->set_console(b, test_console_byte, &first);
	CU_ASSERT_EQUAL_FATAL(b->ops->load(b, path, err, sizeof err), 0);
	struct backend_stop stop;
	b->ops->run(b, BUDGET, &stop);
	uint64_t pc = b->ops->pc(b);
	CU_ASSERT_EQUAL(stop.kind, BSTOP_BUDGET);
	CU_ASSERT_PTR_NOT_NULL_FATAL(first.buf);
	CU_ASSERT_PTR_NOT_NULL(strstr(first.buf, "minios: booting"));
	b->ops->set_console(b, test_console_byte, &again);
	CU_ASSERT_EQUAL(b->ops->reset(b, err, sizeof err), 0);
	b->ops->run(b, BUDGET, &stop);
	CU_ASSERT_EQUAL(b->ops->pc(b), pc);
	CU_ASSERT(first.len == again.len && again.buf &&
		  memcmp(first.buf, again.buf, first.len) == 0);
	b->ops->destroy(b);
	free(first.buf);
	free(again.buf);
}

/* `set max-instructions N` ends a `continue` without a count after exactly
 * N instructions, with a stop line that names the setting. */
static void
test_max_instructions(void)
{
	const char *args[] = { "monitor", MINIOS, NULL };
	char *out;
	int rc = cli_run(args, "set max-instructions 1000\ncontinue\ncontinue\nstats\n"
			 "show max-instructions\nset max-instructions unlimited\n"
			 "show max-instructions\n", &out);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "max-instructions: 1000 (choices: N, unlimited)\n"
				      "stopped after 1000 instructions (set max-instructions)\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "guest_instructions   2000\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "max-instructions: unlimited"));
	free(out);
}

/* Control-C during `equiv` of a guest that loops forever: equiv stops with
 * one line, no verdict, and the session goes on. */
static void
test_control_c_equiv(void)
{
	enum { WHILE_EQUIV_RUNS_US = 300000 };
	char *dir = cli_tempdir();
	CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
	char guest[PATH_LEN];
	snprintf(guest, sizeof guest, "%s/spin.s", dir);
	CU_ASSERT_EQUAL_FATAL(cli_write_file(guest, "start:  b     start\n"), 0);
	const char *args[] = { "monitor", guest, NULL };
	struct cli_proc p;
	CU_ASSERT_EQUAL_FATAL(cli_spawn(&p, args), 0);
	const char go[] = "equiv\n";
	CU_ASSERT_EQUAL(write(p.in, go, strlen(go)), (ssize_t)strlen(go));
	usleep(WHILE_EQUIV_RUNS_US);
	kill(p.pid, SIGINT);
	char *buf = NULL;
	size_t len = 0;
	CU_ASSERT(cli_read_until(&p, &buf, &len, "equiv: interrupted (Control-C): no verdict\n",
				 CLI_WAIT_MS));
	const char after[] = "print 6*7\nquit\n";
	CU_ASSERT_EQUAL(write(p.in, after, strlen(after)), (ssize_t)strlen(after));
	int rc = cli_finish(&p, &buf, &len);
	CU_ASSERT_EQUAL(rc, 87);        /* a command failed: the interrupted equiv */
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "0x0000002a  42"));
	CU_ASSERT_PTR_NULL(strstr(buf, "equivalent"));
	free(buf);
	cli_rmtree(dir);
	free(dir);
}

/* A setting the guest cannot start with (minios in 4 KiB) is refused with
 * one line, and the guest goes on where it was (found by fuzz_shell). */
static void
test_refused_setting_keeps_the_guest(void)
{
	const char *args[] = { "monitor", MINIOS, NULL };
	char *out;
	int rc = cli_run(args, "continue 100\nmemory 4\nshow memory\ncontinue 100\nstats\n", &out);
	CU_ASSERT_EQUAL(rc, 87);
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "memory: image is 8192 bytes but guest memory is only "
				      "4096 bytes"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "memory: 1024\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "guest_instructions   200\n"));
	free(out);
}

static CU_TestInfo tests[] = {
	{ "vcpu: guest user -> supervisor at sys, machine stays user", test_vcpu_syscall },
	{ "break minios_syscall, continue, x, disassemble, next", test_break_syscall },
	{ "watch a kernel variable: old and new values", test_watch },
	{ "settings: mode hybrid interprets, show, set", test_settings },
	{ "equiv: legacy NOT equivalent, strict equivalent", test_equiv },
	{ "trace traps: SYSCALL and TIMER lines", test_trace },
	{ "every error: one line each, exit status 87", test_errors },
	{ "help CMD, help expressions", test_help },
	{ "a newcomer's slips: unaligned, outside memory, extra words", test_newcomer },
	{ "help: every command, setting and tool, by class, on one screen",
	  test_help_lists_all },
	{ "stats: trap emulates, hybrid interprets", test_stats },
	{ "exit status 0/87, also with -x", test_exit_status },
	{ "dot: a graph Graphviz renders", test_dot },
	{ "Control-C stops continue; the next command works", test_control_c },
	{ "the guest's console is in order with command output", test_console_in_order },
	{ "backend: console to its sink; reset runs the guest again alike",
	  test_backend_console_sink_and_reset },
	{ "set max-instructions: continue stops after exactly N", test_max_instructions },
	{ "Control-C stops equiv; the next command works", test_control_c_equiv },
	{ "a setting the guest cannot start with is refused; the guest goes on",
	  test_refused_setting_keeps_the_guest },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_cli_monitor_scripts = { "cli: monitor scripts", NULL, NULL, NULL, NULL, tests };
