/* shell_cmds.h — what the shell's command files share, inside the shell
 * room only: one function per command (shell_cmd_<name>, named in the table
 * of shell_table.c) and the helpers they have in common (shell_util.c).
 * Every lab uses the monitor; MONITOR.md documents each command.
 */
#ifndef TRAPLAB_SHELL_CMDS_H
#define TRAPLAB_SHELL_CMDS_H

#include "isa.h"
#include "shell.h"

enum {
	DISAS_DEFAULT_COUNT = 10,      /* `disassemble` with no N */
	EXAMINE_MAX_UNITS = 4096,      /* `x/N`, `disassemble ADDR N`: at most this many */
	BITS_PER_HEX_DIGIT = 4,
	HEX_DIGITS_PER_BYTE = 2,
	SHELL_PLACE_MAX = 200,         /* "0x00000040 <minios_trap_entry+8>" */
	SHELL_ADDR_MAX = 32,           /* "0x00000040" */
	SHELL_SYMBOL_MAX = 160,        /* "<minios_trap_entry+8>" */
};

/* While the guest runs or a tool works (equiv): Control-C asks the
 * backend to stop (its interrupt op) instead of ending the program; off
 * again after.  shell.c. */
void shell_catch_interrupt(struct shell *sh, bool on);
/* Did Control-C come since shell_catch_interrupt(sh, true)? */
bool shell_interrupt_pending(void);

/* A run without a count of its own: what `set max-instructions` allows. */
static inline uint64_t
shell_run_budget(const struct shell *sh)
{
	return sh->max_instructions ? sh->max_instructions : UINT64_MAX;
}

static inline struct backend *
B(struct shell *sh)
{
	return sh->backend;
}

/* ---- shell_util.c ----------------------------------------------------------------- */

/* "0x00000040 <minios_trap_entry>" */
void shell_format_place(struct shell *sh, uint64_t addr, char *buf, size_t len);
/* Print one line without trailing blanks (columns padded with %-*s). */
void shell_line(struct shell *sh, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* true when a guest is loaded; else one error line. */
bool shell_need_guest(struct shell *sh, const char *cmd);
/* The backend's message, without a leading "CMD: " it may have added. */
const char *shell_strip_prefix(const char *cmd, const char *msg);
/* One instruction: "=> 0x00000040 <minios_trap_entry>:  stw r1, ..." with
 * the "<...>:" part padded to `width`. Returns its length (0: unreadable). */
size_t shell_print_insn(struct shell *sh, uint64_t addr, bool mark, int width);
/* Call add(ctx, word) for each word of a space-separated list. */
void shell_add_words(const char *words, void (*add)(void *ctx, const char *name), void *ctx);
/* Is `name` one of the space-separated `words`? */
bool shell_words_have(const char *words, const char *name);

/* ---- shell_run.c: the guest ------------------------------------------------------- */
void shell_cmd_load(struct shell *sh, const struct shell_argv *a);
void shell_cmd_reset(struct shell *sh, const struct shell_argv *a);
void shell_cmd_continue(struct shell *sh, const struct shell_argv *a);
void shell_cmd_step(struct shell *sh, const struct shell_argv *a);
void shell_cmd_next(struct shell *sh, const struct shell_argv *a);
/* After run, step or next: one line for the stop, then where the guest is. */
void shell_report_stop(struct shell *sh, const char *cmd, const struct backend_stop *stop);

/* ---- shell_reverse.c: going back ------------------------------------------------------ */
void shell_cmd_reverse_step(struct shell *sh, const struct shell_argv *a);
void shell_cmd_reverse_next(struct shell *sh, const struct shell_argv *a);
void shell_cmd_reverse_continue(struct shell *sh, const struct shell_argv *a);
void shell_cmd_goto(struct shell *sh, const struct shell_argv *a);
void shell_cmd_input(struct shell *sh, const struct shell_argv *a);
void shell_cmd_record(struct shell *sh, const struct shell_argv *a);
void shell_cmd_replay(struct shell *sh, const struct shell_argv *a);
void shell_cmd_info_record(struct shell *sh, const struct shell_argv *a);

/* ---- shell_diverge.c: the divergence explorer ------------------------------------------ */
void shell_cmd_diverge(struct shell *sh, const struct shell_argv *a);
void shell_cmd_diff(struct shell *sh, const struct shell_argv *a);
/* `info vcpu` while exploring: the two runs side by side. */
void shell_diverge_side_by_side(struct shell *sh);
/* After a command that ran the guest: the bare twin to the same place. */
void shell_diverge_follow(struct shell *sh);
/* Before one: the label of this run's lines ("trap: "). */
void shell_diverge_label(struct shell *sh);
/* The guest restarted or the shell ends: no twin any more. */
void shell_diverge_end(struct shell *sh);

/* ---- shell_points.c: breakpoints and watchpoints --------------------------------------- */
struct shell_point *shell_point_by_addr(struct shell *sh, enum shell_point_kind kind,
					uint64_t addr);
void shell_cmd_break(struct shell *sh, const struct shell_argv *a);
void shell_cmd_watch(struct shell *sh, const struct shell_argv *a);
void shell_cmd_delete(struct shell *sh, const struct shell_argv *a);
void shell_cmd_info_breakpoints(struct shell *sh, const struct shell_argv *a);

/* ---- shell_inspect.c: registers, the vCPU, values ------------------------------------- */
#define SHELL_REG_GROUPS "general control real segment all"
void shell_cmd_info_registers(struct shell *sh, const struct shell_argv *a);
void shell_cmd_info_vcpu(struct shell *sh, const struct shell_argv *a);
void shell_cmd_print(struct shell *sh, const struct shell_argv *a);
void shell_add_registers(struct shell *sh, bool dollar, void (*add)(void *ctx, const char *name),
			 void *ctx);

/* ---- shell_memory.c: memory and instructions --------------------------------------- */
void shell_cmd_x(struct shell *sh, const struct shell_argv *a);
void shell_cmd_xp(struct shell *sh, const struct shell_argv *a);
void shell_cmd_disassemble(struct shell *sh, const struct shell_argv *a);

/* ---- shell_settings.c: the backend's settings ------------------------------------------ */
const struct backend_option *shell_option(struct shell *sh, const char *name);
/* "strict|legacy|hybrid" (or "VALUE" for a setting without choices). */
void shell_option_choices(const struct backend_option *o, char *buf, size_t len);
void shell_cmd_set(struct shell *sh, const struct shell_argv *a);
void shell_cmd_show(struct shell *sh, const struct shell_argv *a);

/* ---- shell_trace.c: traps traced, counted, drawn ----------------------------------------- */
void shell_cmd_trace(struct shell *sh, const struct shell_argv *a);
void shell_cmd_stats(struct shell *sh, const struct shell_argv *a);
void shell_cmd_dot(struct shell *sh, const struct shell_argv *a);

/* ---- shell_session.c: scripts, quitting, explaining ----------------------------------------- */
void shell_cmd_source(struct shell *sh, const struct shell_argv *a);
void shell_cmd_quit(struct shell *sh, const struct shell_argv *a);
void shell_cmd_explain(struct shell *sh, const struct shell_argv *a);
void shell_add_mnemonics(void (*add)(void *ctx, const char *name), void *ctx);

/* ---- shell_help.c ------------------------------------------------------------------ */
void shell_cmd_help(struct shell *sh, const struct shell_argv *a);

#endif /* TRAPLAB_SHELL_CMDS_H */
