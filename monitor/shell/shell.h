/* shell.h — the interactive monitor's shell: a readline loop (history,
 * completion, Control-C) or a batch reader for scripts; ONE command table
 * (shell_table.c: names, classes, argument kinds, help) that checks,
 * completes and documents every command; the commands themselves
 * (shell_run.c, shell_points.c, shell_inspect.c, shell_memory.c,
 * shell_settings.c, shell_trace.c, shell_session.c); expressions
 * (shell_expr.c) and Graphviz pictures (shell_dot.c).  It drives one struct backend and knows nothing else
 * (monitor/MONITOR.md is its manual).
 * Every lab uses it: `traplab` with no arguments starts it on minios.
 */
#ifndef TRAPLAB_SHELL_H
#define TRAPLAB_SHELL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "backend.h"

enum {
	SHELL_MAX_ARGS = 32,           /* words on one command line */
	SHELL_LINE_MAX = 4096,         /* longest command line accepted */
	SHELL_MAX_REGS = 64,           /* registers in one group, at most */
	SHELL_MAX_STATS = 128,         /* figures from backend stats(), at most */
	SHELL_ERR_MAX = 320,           /* one error line */
	SHELL_HISTORY_MAX = 1000,      /* lines kept in ~/.traplab_history */
	SHELL_SCRIPT_DEPTH = 8,        /* `source` inside `source`, at most */
};

/* A breakpoint or watchpoint, numbered as GDB does (1, 2, ... never reused). */
enum shell_point_kind { POINT_BREAK, POINT_WATCH };
struct shell_point {
	int number;
	enum shell_point_kind kind;
	uint64_t addr;
	uint64_t hits;
};

/* One edge of the trap-flow graph: this trap, at this PC, handled this way,
 * went there, `count` times (shell_dot.c). */
struct shell_flow {
	struct backend_event event;    /* pc, what, action, handler */
	uint64_t count;
};

struct shell_timeline;
struct shell {
	struct backend *backend;
	FILE *out;                     /* results (stdout) */
	FILE *err;                     /* one-line errors (stderr) */
	bool interactive;              /* readline, prompt, banner */
	bool quit;                     /* `quit` or end of input */
	bool failed;                   /* some command failed: exit status 87 */
	bool trace_traps;              /* `trace traps on` */
	/* `set max-instructions N`: a `continue` or `next` without a count of
	 * its own stops after this many instructions (0: no limit, as GDB's
	 * "unlimited"), so that no script -- nor a fuzzer's input -- runs for
	 * ever on a guest that loops */
	uint64_t max_instructions;
	int script_depth;
	/* breakpoints and watchpoints */
	struct shell_point *points;
	size_t npoints, points_cap;
	int next_point_number;
	/* every backend event since the guest was (re)started, aggregated */
	struct shell_flow *flows;
	size_t nflows, flows_cap;
	uint64_t events;
	/* where the last `x` or `disassemble` ended, for a bare repeat */
	uint64_t next_examine, next_disassemble;
	char history_path[1024];       /* "" = no history file (HOME unset) */
	/* the run's checkpoints and typed input, for going back (shell_timeline.c) */
	struct shell_timeline *timeline;
	/* the divergence explorer (shell_diverge.c): the bare run beside this
	 * one, moved in lock-step, and its own record; NULL when off */
	struct backend *twin;
	struct shell_timeline *twin_timeline;
	bool console_mid_line;         /* the guest's last console byte was not '\n' */
};

/* ---- shell.c: the loop ----------------------------------------------------- */

/* Takes the backend (destroyed by shell_destroy).  Installs the event hook. */
struct shell *shell_create(struct backend *backend, bool interactive);
void shell_destroy(struct shell *sh);
/* Read and execute commands until quit or end of input: from readline when
 * the shell is interactive, else from `in` (one command a line, '#' comments). */
void shell_loop(struct shell *sh, FILE *in);
/* Run every command of a script file (`-x FILE`, `source FILE`). Returns 0,
 * or -1 if the file cannot be read (reported on one line). */
int shell_run_script(struct shell *sh, const char *path);
/* Split and execute one command line. */
void shell_execute(struct shell *sh, char *line);
/* Print the interactive banner: what is loaded, how, and "type help". */
void shell_banner(struct shell *sh);

/* One error line "CMD: message", flushed after the results printed so far;
 * marks the session as failed. */
void shell_error(struct shell *sh, const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Forget the trap flow (the guest restarted). */
void shell_events_clear(struct shell *sh);
/* The shell's own setting, beside the backend's (MONITOR.md "Settings and
 * tools"): `set max-instructions N|unlimited`, `show max-instructions`. */
#define SHELL_MAX_INSNS_SETTING "max-instructions"

/* ---- shell_table.c: the command table ------------------------------------------ */

/* The classes `help` groups the commands by (`help CLASS` lists one). */
enum shell_cmd_class {
	CLASS_RUNNING,                 /* load, reset, continue, step, next */
	CLASS_BREAKPOINTS,             /* break, watch, delete */
	CLASS_INSPECTING,              /* info, regs, x, xp, disassemble, print, explain */
	CLASS_SETTINGS,                /* set, show, and the backend's settings */
	CLASS_TRACING,                 /* trace, stats, dot */
	CLASS_COMPARING,               /* the backend's tools (equiv) */
	CLASS_SESSION,                 /* help, source, quit */
	CLASS_COUNT
};
struct shell_class {
	const char *name;              /* "running": the word `help CLASS` takes */
	const char *title;             /* "running the guest" */
};
extern const struct shell_class shell_classes[CLASS_COUNT];

/* What an argument is, as QEMU's HMP args_type says it: the checker
 * (shell_args.c) evaluates or checks it before the command runs, and the
 * completer (shell_complete.c) offers what fits it, as GDB's per-command
 * completers do. */
enum shell_arg_kind {
	ARG_EXPR,                      /* an address or value expression */
	ARG_COUNT,                     /* how many: an expression, at least 1 */
	ARG_FILE,                      /* a file name (readline completes it) */
	ARG_WORD,                      /* one of `choices`: a mode, a register group */
	ARG_COMMAND,                   /* a command, class or topic (help) */
	ARG_OPTION,                    /* a setting of the backend (show) */
	ARG_ASSIGNMENT,                /* REG = VALUE, *ADDR = VALUE, OPTION VALUE (set) */
	ARG_POINT,                     /* a breakpoint or watchpoint number, or all */
	ARG_MNEMONIC,                  /* an instruction mnemonic or word (explain) */
	ARG_TEXT,                      /* words taken as they are (input) */
};
enum shell_arg_flags {
	ARG_OPTIONAL = 1 << 0,         /* may be left out (and so may all after it) */
	ARG_SPACES = 1 << 1,           /* the rest of the line, spaces and all: task_a + 8 */
	ARG_MANY = 1 << 2,             /* the rest of the words, one value each */
};
struct shell_arg {
	enum shell_arg_kind kind;
	const char *name;              /* in the synopsis: ADDR, N, FILE, on|off */
	unsigned flags;
	const char *choices;           /* ARG_WORD: the words it takes, space-separated */
};
enum { SHELL_CMD_ARGS = 3 };      /* arguments of one command, at most */

/* What the checker made of a command line, handed to the command. */
struct shell_value {
	bool given;
	int first, words;              /* which words of argv it spans */
	uint64_t value;                /* ARG_EXPR, ARG_COUNT: evaluated */
	const char *text;              /* its first word */
};
enum { SHELL_CMD_NAME_MAX = 64 };
struct shell_argv {
	const char *cmd;               /* the name for messages: "x", "info registers" */
	char name[SHELL_CMD_NAME_MAX]; /* ... kept here */
	int argc;
	char **argv;                   /* the words; argv[0] is the command word */
	struct shell_value arg[SHELL_CMD_ARGS];
	uint64_t count;                /* a format "/4w": 4 (1 without one) */
	char unit;                     /* ... and 'w' (the default) */
};

typedef void (*shell_cmd_fn)(struct shell *sh, const struct shell_argv *a);
enum shell_cmd_flags {
	CMD_REPEAT = 1 << 0,           /* an empty line repeats it (interactive) */
	CMD_RUNS = 1 << 1,             /* runs the guest: Control-C interrupts it */
	CMD_GUEST = 1 << 2,            /* needs a loaded guest */
};
struct shell_cmd {
	const char *name;
	const char *aliases;           /* space-separated, or "" */
	enum shell_cmd_class cls;
	struct shell_arg args[SHELL_CMD_ARGS];
	const char *format;            /* "bhwgi": takes "/N{b|h|w|g|i}" glued on (x/4w), or NULL */
	const char *summary;           /* one line, for `help` and `help CLASS` */
	const char *help;              /* the long help, for `help CMD` */
	shell_cmd_fn fn;
	unsigned flags;
	const struct shell_cmd *sub;   /* `info`: its topics, a table of the same kind */
};
/* The table, ending with a NULL name. */
extern const struct shell_cmd shell_cmds[];
/* By name or alias ("c" finds continue), or NULL. */
const struct shell_cmd *shell_cmd_find(const char *name);
/* In a sub-table: by name, alias or unambiguous prefix ("reg"), or NULL. */
const struct shell_cmd *shell_cmd_find_prefix(const struct shell_cmd *table, const char *name);
/* The class `name` ("running"), or CLASS_COUNT. */
enum shell_cmd_class shell_class_find(const char *name);

/* ---- shell_args.c: checking a command line against the table --------------------- */

/* Resolve a sub-table (`info registers`), check the words against the
 * arguments' kinds, evaluate expressions and counts, and fill `a`.
 * Returns the entry to run, or NULL after one error line. */
const struct shell_cmd *shell_cmd_prepare(struct shell *sh, const struct shell_cmd *cmd,
					  int argc, char **argv, struct shell_argv *a);
/* "x[/N{b|h|w|g|i}] ADDR", "disassemble [ADDR [N]]"; `prefix` goes before
 * the name ("info "), or "". */
void shell_cmd_synopsis(const struct shell_cmd *cmd, const char *prefix, char *buf,
			size_t len);

/* ---- shell_help.c ------------------------------------------------------------------ */

/* The commands by class, one line per class (wrapped), as plain `help`
 * shows them: `b` adds its settings and tools (NULL: the table only, for
 * `traplab monitor --help`). */
void shell_help_classes(FILE *out, struct backend *b, int indent);

/* ---- shell_settings.c, shell_complete.c: the backend's commands, Tab -------------- */

/* Not in the table: a backend setting (`mode trap`) or tool (`equiv`)?
 * Runs it and returns true, or returns false. */
bool shell_cmd_backend(struct shell *sh, int argc, char **argv);
/* Names for completion after a command word (argument `argi` of `cmd`):
 * calls add(ctx, name) for each candidate; returns false when the argument
 * is a file name (readline completes those itself). */
bool shell_cmd_complete(struct shell *sh, int argc, char **argv, int argi,
			void (*add)(void *ctx, const char *name), void *ctx);
/* Every command word: table names, aliases, settings and tools. */
void shell_cmd_names(struct shell *sh, void (*add)(void *ctx, const char *name), void *ctx);

/* ---- shell_util.c: places and numbers ------------------------------------------------- */

/* "<sym>" or "<sym+0x1c>" for an address, or "" when no label is near. */
void shell_symbolize(struct shell *sh, uint64_t addr, char *buf, size_t len);
/* "0x00000040" in the width of the backend's PC. */
void shell_format_addr(struct shell *sh, uint64_t addr, char *buf, size_t len);

/* ---- shell_expr.c: expressions ------------------------------------------------ */

/* Evaluate an address or value expression (MONITOR.md "Expressions"):
 *   numbers 42 0x2a 0b101010, symbols (task_a), registers ($r1 $pc $sp, or a
 *   plain register name when no symbol has it), unary - ~, binary
 *   * / % + - << >> & ^ | with C's precedence, and parentheses.
 * Returns 0, or -1 with one line in err naming the bad token. */
int shell_expr_eval(struct shell *sh, const char *text, uint64_t *value, char *err,
		    size_t errlen);
/* Join argv[0..argc) with spaces and evaluate (for "break task_a + 8"). */
int shell_expr_eval_args(struct shell *sh, int argc, char **argv, uint64_t *value, char *err,
			 size_t errlen);
/* The value of a register in any group the guest believes (GENERAL,
 * CONTROL, SEGMENT), by name; false if there is none. */
bool shell_register_value(struct shell *sh, const char *name, uint64_t *value);

/* ---- shell_dot.c: pictures ------------------------------------------------------ */

/* Count one backend event into the trap-flow graph. */
void shell_dot_record(struct shell *sh, const struct backend_event *event);
/* Write the trap flow so far as a Graphviz digraph to `path`, rendering it
 * with dot(1) when the name ends in .png, .svg or .pdf and dot is there.
 * Returns 0, or -1 after one error line. */
int shell_dot_write(struct shell *sh, const char *cmd, const char *path);

#endif /* TRAPLAB_SHELL_H */
