/* shell_reverse.c — the monitor's commands that go back in time, with
 * GDB's names: reverse-step, reverse-next, reverse-continue, and goto N
 * (to guest instruction N); `input` types at the guest's console, `record
 * FILE` and `replay FILE` save and reload a run's typing, `info record`
 * shows the checkpoints.  The engine is shell_timeline.c; MONITOR.md
 * "Going back" is the manual; Lab 6's "going further" uses it.
 */
#include <string.h>

#include "shell_timeline.h"

/* Guest instructions, where a reverse command checks it can go back. */
static bool
shell_reverse_ready(struct shell *sh, const char *cmd)
{
	if (shell_timeline_on(sh))
		return true;
	shell_error(sh, cmd, "this backend cannot go back (only PG32 guests can)");
	return false;
}

/* At the start of the record: as GDB says it, and where the guest is. */
static void
shell_no_history(struct shell *sh)
{
	fprintf(sh->out, "No more reverse-execution history.\n");
	shell_print_insn(sh, B(sh)->ops->pc(B(sh)), true, 0);
}

static void
shell_reverse_to(struct shell *sh, const char *cmd, uint64_t target)
{
	struct backend_stop stop;
	shell_timeline_goto(sh, target, &stop);
	shell_report_stop(sh, cmd, &stop);
}

void
shell_cmd_reverse_step(struct shell *sh, const struct shell_argv *a)
{
	if (!shell_reverse_ready(sh, a->cmd))
		return;
	uint64_t n = a->arg[0].given ? a->arg[0].value : 1;
	uint64_t pos = shell_timeline_position(sh);
	struct backend_stop stop;
	shell_timeline_goto(sh, pos > n ? pos - n : 0, &stop);
	if (shell_timeline_position(sh) == pos && stop.kind == BSTOP_STEPPED) {
		shell_no_history(sh);
		return;
	}
	shell_report_stop(sh, a->cmd, &stop);
}

/* Back one instruction -- unless that was the return of a call made just
 * before here: then back to the call, as GDB's reverse-next does. */
void
shell_cmd_reverse_next(struct shell *sh, const struct shell_argv *a)
{
	struct backend *b = B(sh);
	if (!shell_reverse_ready(sh, a->cmd))
		return;
	uint64_t pos = shell_timeline_position(sh), pc = b->ops->pc(b);
	if (pos == 0) {
		shell_no_history(sh);
		return;
	}
	struct backend_stop stop;
	shell_timeline_goto(sh, pos - 1, &stop);
	char text[SHELL_PLACE_MAX];
	uint64_t call = pc - ISA_WORD;
	bool after_call = pc >= ISA_WORD && b->ops->pc(b) != call &&
			  b->ops->disassemble(b, call, text, sizeof text) &&
			  strncmp(text, "call", strlen("call")) == 0;
	uint64_t where;
	struct backend_stop hit;
	if (after_call && shell_timeline_last_hit(sh, pos, call, &where, &hit))
		shell_timeline_goto(sh, where, &stop);
	else if (after_call)
		shell_timeline_goto(sh, pos - 1, &stop);
	shell_report_stop(sh, a->cmd, &stop);
}

/* Back to the last breakpoint or watchpoint hit before here. */
void
shell_cmd_reverse_continue(struct shell *sh, const struct shell_argv *a)
{
	if (!shell_reverse_ready(sh, a->cmd))
		return;
	uint64_t pos = shell_timeline_position(sh), where;
	struct backend_stop hit, stop;
	if (!shell_timeline_last_hit(sh, pos, SHELL_NO_BREAK, &where, &hit)) {
		shell_timeline_goto(sh, 0, &stop);
		shell_no_history(sh);
		return;
	}
	shell_timeline_goto(sh, where, &stop);
	if (stop.kind != BSTOP_STEPPED) {
		shell_report_stop(sh, a->cmd, &stop);
		return;
	}
	hit.pc = stop.pc;
	shell_report_stop(sh, a->cmd, &hit);
}

void
shell_cmd_goto(struct shell *sh, const struct shell_argv *a)
{
	if (!shell_reverse_ready(sh, a->cmd))
		return;
	shell_reverse_to(sh, a->cmd, a->arg[0].value);
	fprintf(sh->out, "At guest instruction %llu\n",
		(unsigned long long)shell_timeline_position(sh));
}

/* "hi\n" in the command's words: \n \r \t \\ and \xHH are the bytes. */
static size_t
shell_unescape(const char *in, char *out, size_t max)
{
	size_t n = 0;
	for (const char *p = in; *p && n < max; p++) {
		if (*p != '\\' || !p[1]) {
			out[n++] = *p;
			continue;
		}
		switch (*++p) {
		case 'n': out[n++] = '\n'; break;
		case 'r': out[n++] = '\r'; break;
		case 't': out[n++] = '\t'; break;
		case 'x': {
			unsigned v = 0;
			for (int digits = 0; digits < HEX_DIGITS_PER_BYTE && shell_hex_digit(p[1]) >= 0;
			     digits++)
				v = v << BITS_PER_HEX_DIGIT | (unsigned)shell_hex_digit(*++p);
			out[n++] = (char)v;
			break;
		}
		default: out[n++] = *p; break;
		}
	}
	return n;
}

void
shell_cmd_input(struct shell *sh, const struct shell_argv *a)
{
	if (!shell_reverse_ready(sh, a->cmd))
		return;
	char joined[SHELL_LINE_MAX] = "", text[SHELL_INPUT_MAX];
	for (int i = a->arg[0].first; i < a->argc; i++) {
		if (i > a->arg[0].first)
			strncat(joined, " ", sizeof joined - strlen(joined) - 1);
		strncat(joined, a->argv[i], sizeof joined - strlen(joined) - 1);
	}
	size_t len = shell_unescape(joined, text, sizeof text);
	shell_timeline_input(sh, text, len);
	fprintf(sh->out, "Typed %zu byte%s at guest instruction %llu\n", len, len == 1 ? "" : "s",
		(unsigned long long)shell_timeline_position(sh));
}

void
shell_cmd_record(struct shell *sh, const struct shell_argv *a)
{
	char err[SHELL_ERR_MAX];
	if (shell_timeline_save_inputs(sh, a->arg[0].text, err, sizeof err) < 0) {
		shell_error(sh, a->cmd, "%s", err);
		return;
	}
	fprintf(sh->out, "The run's console input is in %s\n", a->arg[0].text);
}

void
shell_cmd_replay(struct shell *sh, const struct shell_argv *a)
{
	char err[SHELL_ERR_MAX];
	if (!shell_reverse_ready(sh, a->cmd))
		return;
	if (B(sh)->ops->reset(B(sh), err, sizeof err) < 0) {
		shell_error(sh, a->cmd, "%s", err);
		return;
	}
	shell_events_clear(sh);
	shell_diverge_end(sh);
	shell_timeline_forget(sh);
	if (shell_timeline_load_inputs(sh, a->arg[0].text, err, sizeof err) < 0) {
		shell_error(sh, a->cmd, "%s", err);
		return;
	}
	fprintf(sh->out, "The guest starts again; the input of %s is typed where it was\n",
		a->arg[0].text);
	shell_print_insn(sh, B(sh)->ops->pc(B(sh)), true, 0);
}

void
shell_cmd_info_record(struct shell *sh, const struct shell_argv *a)
{
	(void)a;
	shell_timeline_describe(sh);
}
