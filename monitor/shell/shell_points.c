/* shell_points.c — breakpoints and watchpoints in the monitor: break,
 * watch, delete and `info breakpoints`, numbered as GDB numbers them (one
 * sequence for both, never reused).  The backend keeps the addresses; the
 * shell keeps the numbers and hit counts.  Every lab uses them (MONITOR.md
 * "Breakpoints and watchpoints").
 */
#include <stdlib.h>
#include <string.h>

#include "shell_cmds.h"

enum { POINTS_FIRST_CAP = 8 };

struct shell_point *
shell_point_by_addr(struct shell *sh, enum shell_point_kind kind, uint64_t addr)
{
	for (size_t i = 0; i < sh->npoints; i++)
		if (sh->points[i].kind == kind && sh->points[i].addr == addr)
			return &sh->points[i];
	return NULL;
}

static struct shell_point *
shell_point_add(struct shell *sh, enum shell_point_kind kind, uint64_t addr)
{
	if (sh->npoints == sh->points_cap) {
		size_t cap = sh->points_cap ? sh->points_cap * 2 : POINTS_FIRST_CAP;
		struct shell_point *bigger = realloc(sh->points, cap * sizeof *bigger);
		if (!bigger)
			return NULL;
		sh->points = bigger;
		sh->points_cap = cap;
	}
	struct shell_point *p = &sh->points[sh->npoints++];
	*p = (struct shell_point){ .number = sh->next_point_number++, .kind = kind, .addr = addr };
	return p;
}

void
shell_cmd_break(struct shell *sh, const struct shell_argv *a)
{
	uint64_t addr = a->arg[0].value;
	char err[SHELL_ERR_MAX], place[SHELL_PLACE_MAX];
	if (B(sh)->ops->add_breakpoint(B(sh), addr, err, sizeof err) < 0) {
		shell_error(sh, a->cmd, "%s", err);
		return;
	}
	struct shell_point *p = shell_point_add(sh, POINT_BREAK, addr);
	if (!p) {
		B(sh)->ops->remove_breakpoint(B(sh), addr);
		shell_error(sh, a->cmd, "out of memory");
		return;
	}
	shell_format_place(sh, addr, place, sizeof place);
	fprintf(sh->out, "Breakpoint %d at %s\n", p->number, place);
	/* Kept all the same: the guest may map the address later (minios's
	 * user code is mapped only once its kernel has built the page tables),
	 * but a typo such as 0x12345678 deserves a word. */
	uint8_t probe;
	if (B(sh)->ops->read_memory(B(sh), addr, false, &probe, sizeof probe, err, sizeof err) < 0)
		fprintf(sh->out, "note: %s now; the breakpoint takes effect once the guest "
			"maps it\n", err);
}

void
shell_cmd_watch(struct shell *sh, const struct shell_argv *a)
{
	uint64_t addr = a->arg[0].value;
	char err[SHELL_ERR_MAX], place[SHELL_PLACE_MAX];
	if (shell_point_by_addr(sh, POINT_WATCH, addr)) {
		shell_error(sh, a->cmd, "already watching 0x%llx", (unsigned long long)addr);
		return;
	}
	if (B(sh)->ops->add_watchpoint(B(sh), addr, err, sizeof err) < 0) {
		shell_error(sh, a->cmd, "%s", err);
		return;
	}
	struct shell_point *p = shell_point_add(sh, POINT_WATCH, addr);
	if (!p) {
		B(sh)->ops->remove_watchpoint(B(sh), addr);
		shell_error(sh, a->cmd, "out of memory");
		return;
	}
	shell_format_place(sh, addr, place, sizeof place);
	fprintf(sh->out, "Watchpoint %d at %s (stops when the word there changes)\n", p->number,
		place);
}

static void
shell_point_remove(struct shell *sh, size_t i)
{
	struct shell_point *p = &sh->points[i];
	if (p->kind == POINT_BREAK)
		B(sh)->ops->remove_breakpoint(B(sh), p->addr);
	else
		B(sh)->ops->remove_watchpoint(B(sh), p->addr);
	memmove(p, p + 1, (sh->npoints - i - 1) * sizeof *p);
	sh->npoints--;
}

void
shell_cmd_delete(struct shell *sh, const struct shell_argv *a)
{
	const struct shell_value *v = &a->arg[0];
	if (!v->given || strcmp(v->text, "all") == 0) {
		size_t n = sh->npoints;
		while (sh->npoints)
			shell_point_remove(sh, sh->npoints - 1);
		fprintf(sh->out, "Deleted all breakpoints and watchpoints (%zu)\n", n);
		return;
	}
	for (int w = v->first; w < v->first + v->words; w++) {
		const char *word = a->argv[w];
		char *end;
		long number = strtol(word, &end, 10);
		size_t i = 0;
		while (i < sh->npoints && sh->points[i].number != number)
			i++;
		if (*end || end == word || i == sh->npoints) {
			shell_error(sh, a->cmd, "no breakpoint or watchpoint number '%s' "
				    "(see: info breakpoints)", word);
			return;
		}
		bool watch = sh->points[i].kind == POINT_WATCH;
		shell_point_remove(sh, i);
		fprintf(sh->out, "Deleted %s %ld\n", watch ? "watchpoint" : "breakpoint", number);
	}
}

void
shell_cmd_info_breakpoints(struct shell *sh, const struct shell_argv *a)
{
	(void)a;
	if (sh->npoints == 0) {
		fprintf(sh->out, "No breakpoints or watchpoints.\n");
		return;
	}
	fprintf(sh->out, "Num  Type        Address     Hits  What\n");
	for (size_t i = 0; i < sh->npoints; i++) {
		const struct shell_point *p = &sh->points[i];
		char addr[SHELL_ADDR_MAX], sym[SHELL_SYMBOL_MAX];
		shell_format_addr(sh, p->addr, addr, sizeof addr);
		shell_symbolize(sh, p->addr, sym, sizeof sym);
		shell_line(sh, "%-4d %-11s %-11s %-5llu %s", p->number,
			p->kind == POINT_BREAK ? "breakpoint" : "watchpoint", addr,
			(unsigned long long)p->hits, sym);
	}
}
