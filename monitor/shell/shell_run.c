/* shell_run.c — the monitor's commands that load and run the guest: load,
 * reset, continue, step and next, and the one line each stop prints (why
 * it stopped, then the current instruction, as GDB does).  Every lab uses
 * them; MONITOR.md "The guest" is their manual.
 */
#include <errno.h>
#include <string.h>

#include "shell_timeline.h"

enum { DESCRIBE_MAX = 512 };

/* After run, step or next: one line for the stop, then where the guest is. */
void
shell_report_stop(struct shell *sh, const char *cmd, const struct backend_stop *stop)
{
	char place[SHELL_PLACE_MAX], oldv[SHELL_ADDR_MAX], newv[SHELL_ADDR_MAX];
	struct shell_point *p;
	switch (stop->kind) {
	case BSTOP_ERROR:
		shell_error(sh, cmd, "%s", stop->message);
		return;
	case BSTOP_BREAKPOINT:
		shell_format_place(sh, stop->addr, place, sizeof place);
		p = shell_point_by_addr(sh, POINT_BREAK, stop->addr);
		if (p) {
			p->hits++;
			fprintf(sh->out, "Breakpoint %d, %s\n", p->number, place);
		} else {
			fprintf(sh->out, "%s\n", stop->message);
		}
		break;
	case BSTOP_WATCHPOINT:
		shell_format_place(sh, stop->addr, place, sizeof place);
		shell_format_addr(sh, stop->old_value, oldv, sizeof oldv);
		shell_format_addr(sh, stop->new_value, newv, sizeof newv);
		p = shell_point_by_addr(sh, POINT_WATCH, stop->addr);
		if (p)
			p->hits++;
		fprintf(sh->out, "Watchpoint %d, %s: old %s, new %s\n", p ? p->number : 0, place,
			oldv, newv);
		break;
	case BSTOP_EXITED:
		fprintf(sh->out, "%s\n", stop->message);
		return;       /* nothing runs any more: no current instruction */
	case BSTOP_STEPPED:
	case BSTOP_INTERRUPTED:
	case BSTOP_BUDGET:
		if (stop->message[0])
			fprintf(sh->out, "%s\n", stop->message);
		break;
	}
	shell_print_insn(sh, stop->pc, true, 0);
}

void
shell_cmd_load(struct shell *sh, const struct shell_argv *a)
{
	const char *path = a->arg[0].text;
	char err[SHELL_ERR_MAX], what[DESCRIBE_MAX];
	/* a missing file is one line here, not the backend's several */
	FILE *f = fopen(path, "r");
	if (!f) {
		shell_error(sh, a->cmd, "%s: %s", path, strerror(errno));
		return;
	}
	fclose(f);
	fflush(sh->out);
	if (B(sh)->ops->load(B(sh), path, err, sizeof err) < 0) {
		shell_error(sh, a->cmd, "%s", err);
		return;
	}
	/* a new guest: the backend forgot its breakpoints, and so do we */
	sh->npoints = 0;
	shell_events_clear(sh);
	shell_diverge_end(sh);
	shell_timeline_forget(sh);
	B(sh)->ops->describe(B(sh), what, sizeof what);
	fprintf(sh->out, "Loaded %s\n", what);
}

void
shell_cmd_reset(struct shell *sh, const struct shell_argv *a)
{
	char err[SHELL_ERR_MAX];
	if (B(sh)->ops->reset(B(sh), err, sizeof err) < 0) {
		shell_error(sh, a->cmd, "%s", err);
		return;
	}
	shell_events_clear(sh);
	shell_diverge_end(sh);
	shell_timeline_forget(sh);
	fprintf(sh->out, "The guest starts again from the beginning\n");
	shell_print_insn(sh, B(sh)->ops->pc(B(sh)), true, 0);
}

/* A run that the setting, not a count of its own, ended: say which. */
static void
shell_explain_limit(struct shell *sh, bool counted, struct backend_stop *stop)
{
	if (counted || !sh->max_instructions || stop->kind != BSTOP_BUDGET)
		return;
	snprintf(stop->message, sizeof stop->message,
		 "stopped after %llu instructions (set %s)",
		 (unsigned long long)sh->max_instructions, SHELL_MAX_INSNS_SETTING);
}

void
shell_cmd_continue(struct shell *sh, const struct shell_argv *a)
{
	uint64_t budget = a->arg[0].given ? a->arg[0].value : shell_run_budget(sh);
	struct backend_stop stop;
	shell_forward(sh, FORWARD_RUN, budget, SHELL_NO_BREAK, &stop);
	if (stop.kind == BSTOP_STEPPED) {
		/* run() ends in BUDGET, never STEPPED; backend_pg32.c does when its
		 * not-runnable check clears the stop: say what happened anyway */
		stop.kind = BSTOP_BUDGET;
		snprintf(stop.message, sizeof stop.message,
			 "stopped after the budget of %llu instructions", (unsigned long long)budget);
	}
	shell_explain_limit(sh, a->arg[0].given, &stop);
	shell_report_stop(sh, a->cmd, &stop);
}

void
shell_cmd_step(struct shell *sh, const struct shell_argv *a)
{
	struct backend_stop stop;
	shell_forward(sh, FORWARD_STEP, a->arg[0].given ? a->arg[0].value : 1, SHELL_NO_BREAK,
		      &stop);
	shell_report_stop(sh, a->cmd, &stop);
}

/* Over a call: a temporary breakpoint where it returns, then run. */
void
shell_cmd_next(struct shell *sh, const struct shell_argv *a)
{
	struct backend *b = B(sh);
	struct backend_stop stop;
	uint64_t ret;
	if (!b->ops->call_return_address(b, &ret)) {
		shell_forward(sh, FORWARD_STEP, 1, SHELL_NO_BREAK, &stop);
		shell_report_stop(sh, a->cmd, &stop);
		return;
	}
	char err[SHELL_ERR_MAX];
	bool temporary = !shell_point_by_addr(sh, POINT_BREAK, ret);
	if (temporary && b->ops->add_breakpoint(b, ret, err, sizeof err) < 0) {
		shell_error(sh, a->cmd, "%s", err);
		return;
	}
	shell_forward(sh, FORWARD_RUN, shell_run_budget(sh), ret, &stop);
	if (temporary) {
		b->ops->remove_breakpoint(b, ret);
		if (stop.kind == BSTOP_BREAKPOINT && stop.addr == ret) {
			stop.kind = BSTOP_STEPPED;     /* arrived: not a user breakpoint */
			stop.message[0] = '\0';
		}
	}
	shell_explain_limit(sh, false, &stop);
	shell_report_stop(sh, a->cmd, &stop);
}
