/* fuzz_shell.c — libFuzzer target: the monitor's command line and its
 * expression parser, with minios loaded on the PG32 backend (issue 15,
 * "hostile input everywhere"; every lab types into this shell, MONITOR.md).
 * Each input is a script: its lines go to shell_execute() as `traplab
 * monitor` feeds a script's.  minios is assembled once; between inputs
 * the session is put back as it was (settings, breakpoints and
 * watchpoints, the shell's own state) and the guest reset, which reloads
 * the VM the backend keeps (backend_pg32.c).  The shell's output and the
 * guest's console (which goes into the shell's stream) are written to
 * /dev/null.  So that no input runs for long, `max-instructions` is held at
 * HARNESS_MAX_INSTRUCTIONS and a run with a larger count of its own is not
 * executed; so that none writes outside a temporary directory (the working
 * directory while an input runs, emptied after each input that wrote
 * there), a file argument
 * with a '/' in it is refused, as is a picture `dot` would run dot(1) for.
 * `explain` (which runs the classifier, ~80 ms) and `equiv` (bare and three
 * modes over the whole of minios, up to ~60 ms) would make every input
 * that reaches them a hundred times slower: they run only with
 * FUZZ_SHELL_SLOW=1 in the environment.
 */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shell.h"
#include "shell_cmds.h"
#include "shell_timeline.h"

enum {
	HARNESS_MAX_INSTRUCTIONS = 20000,  /* per run from the shell */
	MAX_LINES = 64,                    /* lines of one input that are executed */
	SETTING_VALUE_MAX = 128,
	MAX_SETTINGS = 16,
};

#define MINIOS "guests/pg32/minios/minios.s"

static struct shell *sh;
static char minios_path[PATH_MAX];
static char temp_dir[] = "/tmp/traplab-fuzz-shell-XXXXXX";
static int home_fd = -1, temp_fd = -1;    /* where libFuzzer runs; where inputs do */
/* the backend's settings as they were at the start, restored after each input */
static struct {
	char name[SETTING_VALUE_MAX], value[SETTING_VALUE_MAX];
} settings[MAX_SETTINGS];
static size_t nsettings;
static bool slow_commands;             /* FUZZ_SHELL_SLOW=1: explain, equiv too */
static const char *const slow_command_names[] = { "explain", "equiv" };

static void
fail(const char *what, const char *why)
{
	fprintf(stderr, "fuzz_shell: %s: %s\n", what, why);
	abort();
}

/* The tree: $TRAPLAB_TOP, else two levels up from this file's name as the
 * compiler saw it, else the working directory. */
static void
find_minios(void)
{
	char top[PATH_MAX];
	const char *env = getenv("TRAPLAB_TOP");
	if (env && *env) {
		snprintf(top, sizeof top, "%s", env);
	} else {
		snprintf(top, sizeof top, "%s", __FILE__);
		char *cut = strstr(top, "tests/fuzz/");
		if (cut)
			*cut = '\0';
		if (!top[0] || !cut)
			snprintf(top, sizeof top, ".");
	}
	char path[PATH_MAX + sizeof MINIOS + 1];
	snprintf(path, sizeof path, "%s/%s", top, MINIOS);
	if (!realpath(path, minios_path))
		fail(path, "minios not found (set TRAPLAB_TOP to the tree)");
}

static void empty_temp_dir(void);

/* At exit, the temporary directory goes: one is made per process. */
static void
remove_temp_dir(void)
{
	if (temp_fd < 0 || fchdir(temp_fd) != 0)
		return;
	empty_temp_dir();
	if (fchdir(home_fd) == 0)
		rmdir(temp_dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	char err[SHELL_ERR_MAX];
	find_minios();
	const char *slow = getenv("FUZZ_SHELL_SLOW");
	slow_commands = slow && strcmp(slow, "1") == 0;
	/* the working directory is the temporary one only while an input runs:
	 * libFuzzer reads its corpus and writes artifacts relative to the
	 * directory it was started in */
	if (!mkdtemp(temp_dir) || (home_fd = open(".", O_RDONLY | O_DIRECTORY)) < 0 ||
	    (temp_fd = open(temp_dir, O_RDONLY | O_DIRECTORY)) < 0)
		fail(temp_dir, "cannot make and open the temporary directory");
	atexit(remove_temp_dir);
	struct backend *b = backend_pg32_create(err, sizeof err);
	if (!b || !(sh = shell_create(b, false)))
		fail("backend_pg32_create", err);
	sh->out = fopen("/dev/null", "w");
	sh->err = fopen("/dev/null", "w");
	if (!sh->out || !sh->err)
		fail("/dev/null", "cannot open");
	if (b->ops->load(b, minios_path, err, sizeof err) < 0)
		fail(minios_path, err);
	for (const struct backend_option *o = b->ops->options(b); o && o->name; o++) {
		if (nsettings == MAX_SETTINGS)
			break;
		snprintf(settings[nsettings].name, SETTING_VALUE_MAX, "%s", o->name);
		b->ops->get_option(b, o->name, settings[nsettings].value, SETTING_VALUE_MAX);
		nsettings++;
	}
	return 0;
}

/* ===== between inputs ============================================================ */

static void
restore_settings(struct backend *b)
{
	char now[SETTING_VALUE_MAX], err[SHELL_ERR_MAX];
	/* last first: memory before mode, so that no step on the way back is a
	 * combination the guest cannot start in (16 MiB under a monitor) */
	for (size_t i = nsettings; i-- > 0;) {
		if (b->ops->get_option(b, settings[i].name, now, sizeof now) < 0 ||
		    strcmp(now, settings[i].value) == 0)
			continue;
		if (b->ops->set_option(b, settings[i].name, settings[i].value, err, sizeof err) < 0)
			fail(settings[i].name, err);
	}
}

static void
forget_points(struct backend *b)
{
	for (size_t i = 0; i < sh->npoints; i++) {
		if (sh->points[i].kind == POINT_BREAK)
			b->ops->remove_breakpoint(b, sh->points[i].addr);
		else
			b->ops->remove_watchpoint(b, sh->points[i].addr);
	}
	sh->npoints = 0;
	sh->next_point_number = 1;
}

/* What a fresh `traplab monitor minios.s` would be. */
static void
reset_session(void)
{
	struct backend *b = sh->backend;
	char what[PATH_MAX + 256], err[SHELL_ERR_MAX];
	/* an explorer's bare twin and a record started by one input end with it */
	shell_diverge_end(sh);
	shell_timeline_forget(sh);
	b->ops->describe(b, what, sizeof what);
	if (strncmp(what, minios_path, strlen(minios_path)) != 0 ||
	    what[strlen(minios_path)] != ' ') {
		forget_points(b);      /* another guest was loaded: minios again */
		if (b->ops->load(b, minios_path, err, sizeof err) < 0)
			fail(minios_path, err);
	}
	restore_settings(b);
	forget_points(b);
	if (b->ops->reset(b, err, sizeof err) < 0)
		fail("reset", err);
	shell_events_clear(sh);
	sh->quit = sh->failed = sh->trace_traps = false;
	sh->script_depth = 0;
	sh->next_examine = sh->next_disassemble = 0;
	sh->max_instructions = HARNESS_MAX_INSTRUCTIONS;
}

/* ===== what a line may do ========================================================== */

/* A run with a count of its own larger than the harness allows? */
static bool
runs_too_long(const struct shell_cmd *cmd, const char *line)
{
	if (!(cmd->flags & CMD_RUNS))
		return false;
	const char *rest = line + strcspn(line, " \t");
	rest += strspn(rest, " \t");
	uint64_t n;
	char err[SHELL_ERR_MAX];
	if (!*rest || shell_expr_eval(sh, rest, &n, err, sizeof err) < 0)
		return false;          /* no count, or one the shell will refuse */
	return n > HARNESS_MAX_INSTRUCTIONS;
}

/* Could the line write or read outside the temporary directory, or start
 * a program?  Only commands with a file argument can. */
static bool
touches_files(const struct shell_cmd *cmd, const char *line)
{
	if (cmd->args[0].kind != ARG_FILE)
		return false;
	return strchr(line, '/') || strstr(line, ".png") || strstr(line, ".svg") ||
	       strstr(line, ".pdf") || strstr(line, "..");
}

/* 1: executed; 0: refused; -1 as 1, and it may have written files. */
static int
execute_line(char *line)
{
	char word[SHELL_CMD_NAME_MAX];
	size_t lead = strspn(line, " \t");
	size_t len = strcspn(line + lead, " \t/");
	snprintf(word, sizeof word, "%.*s", (int)len, line + lead);
	enum { SLOW = sizeof slow_command_names / sizeof *slow_command_names };
	for (size_t i = 0; !slow_commands && i < SLOW; i++)
		if (strcmp(word, slow_command_names[i]) == 0)
			return 0;
	const struct shell_cmd *cmd = shell_cmd_find(word);
	if (cmd && (runs_too_long(cmd, line + lead) || touches_files(cmd, line)))
		return 0;
	shell_execute(sh, line);
	if (sh->max_instructions == 0 || sh->max_instructions > HARNESS_MAX_INSTRUCTIONS)
		sh->max_instructions = HARNESS_MAX_INSTRUCTIONS;
	return cmd && cmd->args[0].kind == ARG_FILE ? -1 : 1;
}

static void
empty_temp_dir(void)
{
	DIR *d = opendir(".");
	if (!d)
		return;
	for (struct dirent *e; (e = readdir(d)) != NULL;)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			unlink(e->d_name);
	closedir(d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char line[SHELL_LINE_MAX + 1];
	if (fchdir(temp_fd) != 0)
		fail(temp_dir, "cannot enter the temporary directory");
	reset_session();
	bool wrote = false;
	size_t at = 0;
	for (int lines = 0; at < size && lines < MAX_LINES && !sh->quit; lines++) {
		const uint8_t *nl = memchr(data + at, '\n', size - at);
		size_t n = nl ? (size_t)(nl - (data + at)) : size - at;
		if (n <= SHELL_LINE_MAX) {
			memcpy(line, data + at, n);
			line[n] = '\0';
			wrote |= execute_line(line) < 0;   /* up to a NUL, as the shell reads it */
		}
		at += n + 1;
	}
	if (wrote)
		empty_temp_dir();
	if (fchdir(home_fd) != 0)
		fail(".", "cannot go back to the starting directory");
	return 0;
}
