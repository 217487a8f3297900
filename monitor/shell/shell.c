/* shell.c — the monitor's read–eval loop: readline with history in
 * ~/.traplab_history and completion of commands, registers, symbols,
 * settings and tools; or, for scripts and pipes, plain lines with no prompt.
 * Control-C interrupts a running guest and returns to the prompt.  Commands
 * live in the table of shell_table.c; this file only reads, splits and
 * dispatches them.
 * Every lab starts here: `traplab` (MONITOR.md has a worked session).
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "shell_timeline.h"

#define SHELL_PROMPT "(traplab) "
#define SHELL_HISTORY_FILE ".traplab_history"
/* Where readline splits words to complete: not '/', '-' or '.', which
 * occur in file names, nor '$', which starts a register. */
#define SHELL_WORD_BREAKS " \t\n\"'`=+*%&|^~()<>;"

/* ===== errors and events =========================================================== */

void
shell_error(struct shell *sh, const char *cmd, const char *fmt, ...)
{
	fflush(sh->out);
	if (cmd)
		fprintf(sh->err, "%s: ", cmd);
	va_list ap;
	va_start(ap, fmt);
	vfprintf(sh->err, fmt, ap);
	va_end(ap);
	fputc('\n', sh->err);
	fflush(sh->err);
	sh->failed = true;
}

void
shell_events_clear(struct shell *sh)
{
	sh->nflows = 0;
	sh->events = 0;
}

/* The backend's event hook: count every trap for `dot`, print it under
 * `trace traps on`, as one line:
 *   trap  pc=0x00400028  SYSCALL  reflected -> 0x00000040 <minios_trap_entry> */
static void
shell_on_event(void *ctx, const struct backend_event *event)
{
	struct shell *sh = ctx;
	if (shell_timeline_replaying(sh))
		return;                /* seen, counted and traced the first time */
	sh->events++;
	shell_dot_record(sh, event);
	if (!sh->trace_traps)
		return;
	char pc[32], pcsym[128], handler[32], hsym[128];
	shell_format_addr(sh, event->pc, pc, sizeof pc);
	shell_symbolize(sh, event->pc, pcsym, sizeof pcsym);
	shell_format_addr(sh, event->handler, handler, sizeof handler);
	shell_symbolize(sh, event->handler, hsym, sizeof hsym);
	fprintf(sh->out, "trap  pc=%s%s%s  %s  %s -> %s%s%s\n", pc, *pcsym ? " " : "", pcsym,
		event->what, event->action, handler, *hsym ? " " : "", hsym);
}

/* The guest's console output, into the shell's output stream: in order
 * with what the commands print, wherever sh->out goes; a line at a time,
 * so that it shows as it goes, even into a pipe. */
static void
shell_console_byte(void *ctx, uint8_t byte)
{
	struct shell *sh = ctx;
	if (!shell_timeline_console_new(sh))
		return;                /* shown before: the run is being re-executed */
	sh->console_mid_line = byte != '\n';
	fputc(byte, sh->out);
	if (byte == '\n')
		fflush(sh->out);
}

/* ===== create, destroy ================================================================ */

struct shell *
shell_create(struct backend *backend, bool interactive)
{
	struct shell *sh = calloc(1, sizeof *sh);
	if (!sh)
		return NULL;
	sh->backend = backend;
	sh->out = stdout;
	sh->err = stderr;
	sh->interactive = interactive;
	sh->next_point_number = 1;
	const char *home = getenv("HOME");
	if (home && *home)
		snprintf(sh->history_path, sizeof sh->history_path, "%s/%s", home,
			 SHELL_HISTORY_FILE);
	backend->ops->set_event_hook(backend, shell_on_event, sh);
	if (backend->ops->set_console)
		backend->ops->set_console(backend, shell_console_byte, sh);
	return sh;
}

void
shell_destroy(struct shell *sh)
{
	if (!sh)
		return;
	sh->backend->ops->set_event_hook(sh->backend, NULL, NULL);
	if (sh->backend->ops->set_console)
		sh->backend->ops->set_console(sh->backend, NULL, NULL);
	shell_diverge_end(sh);
	shell_timeline_free(sh);
	sh->backend->ops->destroy(sh->backend);
	free(sh->points);
	free(sh->flows);
	free(sh);
}

void
shell_banner(struct shell *sh)
{
	struct backend *b = sh->backend;
	char what[512];
	fprintf(sh->out, "TrapLab monitor (%s backend)\n", b->ops->name);
	if (b->ops->loaded(b)) {
		b->ops->describe(b, what, sizeof what);
		fprintf(sh->out, "Loaded: %s\n", what);
	} else {
		fprintf(sh->out, "No guest loaded: use 'load FILE' "
			"(for example: load guests/pg32/minios/minios.s)\n");
	}
	fprintf(sh->out, "Type 'help' for commands; Tab completes; Control-C stops the guest; "
		"Control-D quits.\n");
	fflush(sh->out);
}

/* ===== splitting and dispatching ======================================================== */

/* Split `line` in place into words: blanks separate them, "..." or '...'
 * quote them, and a word starting with '#' starts a comment.  Returns the
 * number of words, or -1 when there are more than `max`. */
static int
shell_split(char *line, char **argv, int max)
{
	int argc = 0;
	char *p = line;
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
			p++;
		if (*p == '\0' || *p == '#')
			break;
		if (argc == max)
			return -1;         /* more words than argv can hold */
		char *word = p, *w = p;
		char quote = 0;
		while (*p && (quote || (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r'))) {
			if (quote && *p == quote)
				quote = 0;
			else if (!quote && (*p == '"' || *p == '\''))
				quote = *p;
			else
				*w++ = *p;
			p++;
		}
		if (*p)
			p++;
		*w = '\0';
		argv[argc++] = word;
	}
	return argc;
}

/* Control-C while the guest runs: ask the backend to stop (async-signal-safe). */
static struct backend *running_backend;
/* ... and remember it: a run made of several backend runs (checkpoints on
 * the way, shell_timeline.c) must stop after the one it came in. */
static volatile sig_atomic_t interrupt_pending;

bool
shell_interrupt_pending(void)
{
	return interrupt_pending != 0;
}

static void
shell_sigint_running(int sig)
{
	(void)sig;
	interrupt_pending = 1;
	if (running_backend)
		running_backend->ops->interrupt(running_backend);
}

void
shell_catch_interrupt(struct shell *sh, bool on)
{
	static struct sigaction old;
	static int depth;              /* a tool inside a command that runs: catch once */
	if (!on) {
		if (--depth == 0) {
			sigaction(SIGINT, &old, NULL);
			running_backend = NULL;
		}
		return;
	}
	if (depth++ > 0)
		return;
	interrupt_pending = 0;
	struct sigaction sa = { .sa_handler = shell_sigint_running };
	sigemptyset(&sa.sa_mask);
	running_backend = sh->backend;
	sigaction(SIGINT, &sa, &old);
}

/* Check the words against the command's row of the table, then run it;
 * a command that runs the guest gives Control-C to the backend meanwhile. */
static void
shell_dispatch(struct shell *sh, const struct shell_cmd *cmd, int argc, char **argv)
{
	struct shell_argv args;
	cmd = shell_cmd_prepare(sh, cmd, argc, argv, &args);
	if (!cmd)
		return;
	if (!(cmd->flags & CMD_RUNS)) {
		cmd->fn(sh, &args);
		return;
	}
	/* exploring a divergence: the bare twin follows, in lock-step */
	bool lockstep = sh->twin && cmd->fn != shell_cmd_diverge;
	if (lockstep)
		shell_diverge_label(sh);
	shell_catch_interrupt(sh, true);
	cmd->fn(sh, &args);
	if (lockstep)
		shell_diverge_follow(sh);
	shell_catch_interrupt(sh, false);
}

void
shell_execute(struct shell *sh, char *line)
{
	char *argv[SHELL_MAX_ARGS + 1];
	int argc = shell_split(line, argv, SHELL_MAX_ARGS);
	if (argc < 0) {
		shell_error(sh, argv[0], "too many words (at most %d)", SHELL_MAX_ARGS);
		return;
	}
	if (argc == 0)
		return;
	argv[argc] = NULL;
	char name[SHELL_CMD_NAME_MAX];
	size_t len = strcspn(argv[0], "/");
	snprintf(name, sizeof name, "%.*s", (int)len, argv[0]);
	const struct shell_cmd *cmd = shell_cmd_find(name);
	if (cmd && (argv[0][len] != '/' || cmd->format))
		shell_dispatch(sh, cmd, argc, argv);
	else if (argv[0][len] == '/' || !shell_cmd_backend(sh, argc, argv))
		shell_error(sh, NULL, "unknown command '%s' (try 'help')", argv[0]);
	fflush(sh->out);
}

/* ===== scripts and pipes ============================================================== */

/* Commands from a stream: one a line, no prompt, no echo. */
static void
shell_read_stream(struct shell *sh, FILE *in)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	while (!sh->quit && (n = getline(&line, &cap, in)) >= 0) {
		if (n > SHELL_LINE_MAX) {
			shell_error(sh, NULL, "line too long (more than %d characters)", SHELL_LINE_MAX);
			continue;
		}
		shell_execute(sh, line);
	}
	free(line);
}

int
shell_run_script(struct shell *sh, const char *path)
{
	if (sh->script_depth >= SHELL_SCRIPT_DEPTH) {
		shell_error(sh, "source", "%s: scripts nested too deep (%d levels)", path,
			    SHELL_SCRIPT_DEPTH);
		return -1;
	}
	FILE *f = fopen(path, "r");
	if (!f) {
		shell_error(sh, "source", "%s: %s", path, strerror(errno));
		return -1;
	}
	sh->script_depth++;
	shell_read_stream(sh, f);
	sh->script_depth--;
	fclose(f);
	return 0;
}

/* ===== completion ======================================================================== */

/* Candidates for the word being completed, gathered before readline asks. */
static struct {
	char **names;
	size_t count, cap;
	size_t next;                   /* the generator's position */
	const char *prefix;
	struct shell *sh;
} completion;

static void
completion_add(void *ctx, const char *name)
{
	(void)ctx;
	if (strncmp(name, completion.prefix, strlen(completion.prefix)) != 0)
		return;
	for (size_t i = 0; i < completion.count; i++)
		if (strcmp(completion.names[i], name) == 0)
			return;
	if (completion.count == completion.cap) {
		size_t cap = completion.cap ? completion.cap * 2 : 64;
		char **bigger = realloc(completion.names, cap * sizeof *bigger);
		if (!bigger)
			return;
		completion.names = bigger;
		completion.cap = cap;
	}
	char *copy = strdup(name);
	if (copy)
		completion.names[completion.count++] = copy;
}

static void
completion_clear(void)
{
	for (size_t i = 0; i < completion.count; i++)
		free(completion.names[i]);
	completion.count = completion.next = 0;
}

static char *
completion_generate(const char *text, int state)
{
	(void)text;
	if (state == 0)
		completion.next = 0;
	if (completion.next < completion.count)
		return strdup(completion.names[completion.next++]);
	return NULL;
}

static char **
shell_complete(const char *text, int start, int end)
{
	(void)end;
	struct shell *sh = completion.sh;
	char before[SHELL_LINE_MAX];
	snprintf(before, sizeof before, "%.*s", start, rl_line_buffer);
	char *argv[SHELL_MAX_ARGS + 1];
	int argc = shell_split(before, argv, SHELL_MAX_ARGS);
	completion_clear();
	if (argc < 0)
		return NULL;
	argv[argc] = NULL;
	completion.prefix = text;
	rl_attempted_completion_over = 1;
	if (argc == 0) {
		shell_cmd_names(sh, completion_add, NULL);
	} else if (!shell_cmd_complete(sh, argc, argv, argc, completion_add, NULL)) {
		rl_attempted_completion_over = 0;      /* a file name: readline's own */
		return NULL;
	}
	if (completion.count == 0)
		return NULL;
	return rl_completion_matches(text, completion_generate);
}

/* ===== the interactive loop ================================================================ */

/* Control-C at the prompt.  Readline calls this from its own signal
 * handling (outside the signal handler proper), after freeing the line's
 * state and echoing ^C: start a fresh, empty line, as bash does. */
static volatile sig_atomic_t at_prompt;

static void
shell_sigint_prompt(int sig)
{
	(void)sig;
	if (!at_prompt)
		return;
	rl_replace_line("", 0);
	rl_crlf();
	rl_on_new_line();
	rl_redisplay();
}

static void
shell_history_add(struct shell *sh, const char *line)
{
	HIST_ENTRY *last = history_length > 0 ? history_get(history_base + history_length - 1)
					      : NULL;
	if (last && strcmp(last->line, line) == 0)
		return;
	add_history(line);
	if (sh->history_path[0])
		write_history(sh->history_path);   /* best effort: no file, no error */
}

static bool
shell_blank(const char *line)
{
	return line[strspn(line, " \t\r\n")] == '\0';
}

static void
shell_readline_loop(struct shell *sh)
{
	rl_readline_name = "traplab";
	rl_attempted_completion_function = shell_complete;
	rl_completer_word_break_characters = SHELL_WORD_BREAKS;
	completion.sh = sh;
	using_history();
	stifle_history(SHELL_HISTORY_MAX);
	if (sh->history_path[0])
		read_history(sh->history_path);
	struct sigaction sa = { .sa_handler = shell_sigint_prompt }, old;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old);

	char *repeat = NULL;           /* the last step or next, for an empty line */
	while (!sh->quit) {
		at_prompt = 1;
		char *line = readline(SHELL_PROMPT);
		at_prompt = 0;
		if (!line) {               /* Control-D */
			fputs("quit\n", sh->out);
			break;
		}
		if (shell_blank(line)) {
			free(line);
			if (!repeat)
				continue;
			line = strdup(repeat);
			if (!line)
				continue;
		} else {
			shell_history_add(sh, line);
			free(repeat);
			repeat = NULL;
			char word[64];
			if (sscanf(line, " %63s", word) == 1) {
				const struct shell_cmd *cmd = shell_cmd_find(word);
				if (cmd && (cmd->flags & CMD_REPEAT))
					repeat = strdup(line);
			}
		}
		shell_execute(sh, line);
		free(line);
	}
	free(repeat);
	sigaction(SIGINT, &old, NULL);
	if (sh->history_path[0])
		history_truncate_file(sh->history_path, SHELL_HISTORY_MAX);
	completion_clear();
	free(completion.names);
	completion.names = NULL;
	completion.cap = 0;
	rl_clear_history();
}

void
shell_loop(struct shell *sh, FILE *in)
{
	if (sh->interactive)
		shell_readline_loop(sh);
	else
		shell_read_stream(sh, in);
}
