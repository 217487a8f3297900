/* shell_cmds.c — every command of the interactive monitor, one function
 * each (shell_cmd_<name>), in ONE table at the end: `help` and completion
 * are generated from it (STYLE.md §3.12, after xv6's syscalls[]).  Settings
 * (`mode trap`) and tools (`equiv`) come from the backend's own lists, so a
 * new backend brings its own.  Each command reports failure on exactly one
 * line "CMD: why" and the session goes on.  MONITOR.md documents them all.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "shell.h"

enum {
	DISAS_DEFAULT_COUNT = 10,      /* `disassemble` with no N */
	EXAMINE_MAX_UNITS = 4096,      /* `x/N`: at most this many units */
	SYMBOL_REACH = 0x10000,        /* "<sym+off>" only when off is below 64 KiB */
	VCPU_LEFT_COLUMN = 46,         /* width of "guest believes" in `info vcpu` */
	HEX_DIGITS_PER_BYTE = 2,
	BITS_PER_HEX_DIGIT = 4,
	DEFAULT_ADDR_BITS = 32,
};

/* ===== helpers ======================================================================== */

static struct backend *
B(struct shell *sh)
{
	return sh->backend;
}

static unsigned
shell_addr_bits(struct shell *sh)
{
	struct backend_reg regs[SHELL_MAX_REGS];
	size_t n = B(sh)->ops->registers(B(sh), REGS_GENERAL, regs, SHELL_MAX_REGS);
	for (size_t i = 0; i < n; i++)
		if (strcmp(regs[i].name, "pc") == 0 && regs[i].bits)
			return regs[i].bits;
	return DEFAULT_ADDR_BITS;
}

void
shell_format_addr(struct shell *sh, uint64_t addr, char *buf, size_t len)
{
	snprintf(buf, len, "0x%0*llx", (int)(shell_addr_bits(sh) / BITS_PER_HEX_DIGIT),
		 (unsigned long long)addr);
}

void
shell_symbolize(struct shell *sh, uint64_t addr, char *buf, size_t len)
{
	buf[0] = '\0';
	const struct symtab *syms = B(sh)->ops->symbols(B(sh));
	if (!syms || addr > UINT32_MAX)
		return;
	const struct symbol *s = symtab_label_before(syms, (uint32_t)addr);
	if (!s || addr - s->value >= SYMBOL_REACH)
		return;
	if (addr == s->value)
		snprintf(buf, len, "<%s>", s->name);
	else
		snprintf(buf, len, "<%s+%llu>", s->name, (unsigned long long)(addr - s->value));
}

/* "0x00000040 <minios_trap_entry>" */
static void
shell_format_place(struct shell *sh, uint64_t addr, char *buf, size_t len)
{
	char a[32], s[160];
	shell_format_addr(sh, addr, a, sizeof a);
	shell_symbolize(sh, addr, s, sizeof s);
	snprintf(buf, len, "%s%s%s", a, *s ? " " : "", s);
}

/* Print one line without trailing blanks (columns padded with %-*s). */
static void
shell_line(struct shell *sh, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
shell_line(struct shell *sh, const char *fmt, ...)
{
	char line[SHELL_LINE_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	size_t n = strlen(line);
	while (n && line[n - 1] == ' ')
		line[--n] = '\0';
	fprintf(sh->out, "%s\n", line);
}

static const struct shell_cmd *shell_cmd_self(const char *name);

/* "break ADDR|SYMBOL", "x[/N{b|h|w|g|i}] ADDR": the format sticks to the name. */
static void
shell_synopsis(const char *name, const struct shell_cmd *c, char *buf, size_t len)
{
	const char *gap = (c->flags & CMD_FORMAT) || !*c->args ? "" : " ";
	snprintf(buf, len, "%s%s%s", name, gap, c->args);
}

/* "break: missing ADDR (usage: break ADDR|SYMBOL)" */
static void
shell_missing(struct shell *sh, const char *cmd, const char *what)
{
	const struct shell_cmd *c = shell_cmd_self(cmd);
	char usage[160];
	if (c)
		shell_synopsis(c->name, c, usage, sizeof usage);
	else
		snprintf(usage, sizeof usage, "%s", cmd);
	shell_error(sh, cmd, "missing %s (usage: %s)", what, usage);
}

static bool
shell_need_guest(struct shell *sh, const char *cmd)
{
	if (B(sh)->ops->loaded(B(sh)))
		return true;
	shell_error(sh, cmd, "no guest loaded (use: load FILE)");
	return false;
}

static bool
shell_eval(struct shell *sh, const char *cmd, int argc, char **argv, uint64_t *value)
{
	char err[SHELL_ERR_MAX];
	if (shell_expr_eval_args(sh, argc, argv, value, err, sizeof err) == 0)
		return true;
	shell_error(sh, cmd, "%s", err);
	return false;
}

/* The backend's message, without a leading "CMD: " it may have added. */
static const char *
shell_strip_prefix(const char *cmd, const char *msg)
{
	size_t n = strlen(cmd);
	if (strncmp(msg, cmd, n) == 0 && msg[n] == ':' && msg[n + 1] == ' ')
		return msg + n + 2;
	return msg;
}

/* One instruction: "=> 0x00000040 <minios_trap_entry>:  stw r1, ..." with the
 * "<...>:" part padded to `width`. Returns its length (0: unreadable). */
static size_t
shell_print_insn(struct shell *sh, uint64_t addr, bool mark, int width)
{
	char text[160], a[32], s[160], where[200];
	size_t len = B(sh)->ops->disassemble(B(sh), addr, text, sizeof text);
	shell_format_addr(sh, addr, a, sizeof a);
	shell_symbolize(sh, addr, s, sizeof s);
	snprintf(where, sizeof where, "%s%s%s:", a, *s ? " " : "", s);
	shell_line(sh, "%s %-*s  %s", mark ? "=>" : "  ", width, where, text);
	return len;
}

static struct shell_point *
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
		size_t cap = sh->points_cap ? sh->points_cap * 2 : 8;
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

/* After run, step or next: one line for the stop, then where the guest is. */
static void
shell_report_stop(struct shell *sh, const char *cmd, const struct backend_stop *stop)
{
	char place[200], oldv[32], newv[32];
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

/* `run 1000`, `step 5`: an optional count (an expression). */
static bool
shell_count(struct shell *sh, const char *cmd, int argc, char **argv, uint64_t dflt,
	    uint64_t *count)
{
	*count = dflt;
	if (argc < 2)
		return true;
	if (!shell_eval(sh, cmd, argc - 1, argv + 1, count))
		return false;
	if (*count == 0) {
		shell_error(sh, cmd, "the count must be at least 1");
		return false;
	}
	return true;
}

/* ===== the guest ======================================================================= */

static void
shell_cmd_load(struct shell *sh, int argc, char **argv)
{
	if (argc < 2) {
		shell_missing(sh, argv[0], "FILE");
		return;
	}
	if (argc > 2) {
		shell_error(sh, argv[0], "one FILE only (quote a name with spaces)");
		return;
	}
	char err[SHELL_ERR_MAX], what[512];
	/* a missing file is one line here, not the backend's several */
	FILE *f = fopen(argv[1], "r");
	if (!f) {
		shell_error(sh, argv[0], "%s: %s", argv[1], strerror(errno));
		return;
	}
	fclose(f);
	fflush(sh->out);
	if (B(sh)->ops->load(B(sh), argv[1], err, sizeof err) < 0) {
		shell_error(sh, argv[0], "%s", err);
		return;
	}
	/* a new guest: the backend forgot its breakpoints, and so do we */
	sh->npoints = 0;
	shell_events_clear(sh);
	B(sh)->ops->describe(B(sh), what, sizeof what);
	fprintf(sh->out, "Loaded %s\n", what);
}

static void
shell_cmd_reset(struct shell *sh, int argc, char **argv)
{
	(void)argc;
	char err[SHELL_ERR_MAX];
	if (!shell_need_guest(sh, argv[0]))
		return;
	if (B(sh)->ops->reset(B(sh), err, sizeof err) < 0) {
		shell_error(sh, argv[0], "%s", err);
		return;
	}
	shell_events_clear(sh);
	fprintf(sh->out, "The guest starts again from the beginning\n");
	shell_print_insn(sh, B(sh)->ops->pc(B(sh)), true, 0);
}

static void
shell_cmd_continue(struct shell *sh, int argc, char **argv)
{
	uint64_t budget;
	if (!shell_need_guest(sh, argv[0]) ||
	    !shell_count(sh, argv[0], argc, argv, UINT64_MAX, &budget))
		return;
	struct backend_stop stop;
	B(sh)->ops->run(B(sh), budget, &stop);
	if (stop.kind == BSTOP_STEPPED) {
		/* run() ends in BUDGET, never STEPPED; backend_pg32.c does when its
		 * not-runnable check clears the stop: say what happened anyway */
		stop.kind = BSTOP_BUDGET;
		snprintf(stop.message, sizeof stop.message,
			 "stopped after the budget of %llu instructions", (unsigned long long)budget);
	}
	shell_report_stop(sh, argv[0], &stop);
}

static void
shell_cmd_step(struct shell *sh, int argc, char **argv)
{
	uint64_t n;
	if (!shell_need_guest(sh, argv[0]) || !shell_count(sh, argv[0], argc, argv, 1, &n))
		return;
	struct backend_stop stop;
	B(sh)->ops->step(B(sh), n, &stop);
	shell_report_stop(sh, argv[0], &stop);
}

/* Over a call: a temporary breakpoint where it returns, then run. */
static void
shell_cmd_next(struct shell *sh, int argc, char **argv)
{
	(void)argc;
	if (!shell_need_guest(sh, argv[0]))
		return;
	struct backend *b = B(sh);
	struct backend_stop stop;
	uint64_t ret;
	if (!b->ops->call_return_address(b, &ret)) {
		b->ops->step(b, 1, &stop);
		shell_report_stop(sh, argv[0], &stop);
		return;
	}
	char err[SHELL_ERR_MAX];
	bool temporary = !shell_point_by_addr(sh, POINT_BREAK, ret);
	if (temporary && b->ops->add_breakpoint(b, ret, err, sizeof err) < 0) {
		shell_error(sh, argv[0], "%s", err);
		return;
	}
	b->ops->run(b, UINT64_MAX, &stop);
	if (temporary) {
		b->ops->remove_breakpoint(b, ret);
		if (stop.kind == BSTOP_BREAKPOINT && stop.addr == ret) {
			stop.kind = BSTOP_STEPPED;     /* arrived: not a user breakpoint */
			stop.message[0] = '\0';
		}
	}
	shell_report_stop(sh, argv[0], &stop);
}

/* ===== breakpoints and watchpoints ============================================================== */

static void
shell_cmd_break(struct shell *sh, int argc, char **argv)
{
	uint64_t addr;
	char err[SHELL_ERR_MAX], place[200];
	if (argc < 2) {
		shell_missing(sh, argv[0], "ADDR");
		return;
	}
	if (!shell_need_guest(sh, argv[0]) || !shell_eval(sh, argv[0], argc - 1, argv + 1, &addr))
		return;
	if (B(sh)->ops->add_breakpoint(B(sh), addr, err, sizeof err) < 0) {
		shell_error(sh, argv[0], "%s", err);
		return;
	}
	struct shell_point *p = shell_point_add(sh, POINT_BREAK, addr);
	if (!p) {
		B(sh)->ops->remove_breakpoint(B(sh), addr);
		shell_error(sh, argv[0], "out of memory");
		return;
	}
	shell_format_place(sh, addr, place, sizeof place);
	fprintf(sh->out, "Breakpoint %d at %s\n", p->number, place);
}

static void
shell_cmd_watch(struct shell *sh, int argc, char **argv)
{
	uint64_t addr;
	char err[SHELL_ERR_MAX], place[200];
	if (argc < 2) {
		shell_missing(sh, argv[0], "ADDR");
		return;
	}
	if (!shell_need_guest(sh, argv[0]) || !shell_eval(sh, argv[0], argc - 1, argv + 1, &addr))
		return;
	if (shell_point_by_addr(sh, POINT_WATCH, addr)) {
		shell_error(sh, argv[0], "already watching 0x%llx", (unsigned long long)addr);
		return;
	}
	if (B(sh)->ops->add_watchpoint(B(sh), addr, err, sizeof err) < 0) {
		shell_error(sh, argv[0], "%s", err);
		return;
	}
	struct shell_point *p = shell_point_add(sh, POINT_WATCH, addr);
	if (!p) {
		B(sh)->ops->remove_watchpoint(B(sh), addr);
		shell_error(sh, argv[0], "out of memory");
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

static void
shell_cmd_delete(struct shell *sh, int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "all") == 0) {
		size_t n = sh->npoints;
		while (sh->npoints)
			shell_point_remove(sh, sh->npoints - 1);
		fprintf(sh->out, "Deleted all breakpoints and watchpoints (%zu)\n", n);
		return;
	}
	for (int a = 1; a < argc; a++) {
		char *end;
		long number = strtol(argv[a], &end, 10);
		size_t i = 0;
		while (i < sh->npoints && sh->points[i].number != number)
			i++;
		if (*end || end == argv[a] || i == sh->npoints) {
			shell_error(sh, argv[0], "no breakpoint or watchpoint number '%s' "
				    "(see: info breakpoints)", argv[a]);
			return;
		}
		bool watch = sh->points[i].kind == POINT_WATCH;
		shell_point_remove(sh, i);
		fprintf(sh->out, "Deleted %s %ld\n", watch ? "watchpoint" : "breakpoint", number);
	}
}

/* ===== looking at the guest ==================================================================== */

static const struct {
	const char *name;
	enum backend_reg_group group;
	const char *title;
} reg_groups[] = {
	{ "general", REGS_GENERAL, "general registers" },
	{ "control", REGS_CONTROL, "control registers (as the guest believes them)" },
	{ "real", REGS_REAL, "the real machine (what it holds right now)" },
	{ "segment", REGS_SEGMENT, "segment registers" },
};
enum { NREG_GROUPS = sizeof reg_groups / sizeof reg_groups[0] };

static void
shell_print_regs(struct shell *sh, enum backend_reg_group group)
{
	struct backend_reg regs[SHELL_MAX_REGS];
	size_t n = B(sh)->ops->registers(B(sh), group, regs, SHELL_MAX_REGS);
	for (size_t i = 0; i < n; i++) {
		const struct backend_reg *r = &regs[i];
		int digits = (int)(r->bits / BITS_PER_HEX_DIGIT);
		char hex[32];
		snprintf(hex, sizeof hex, "0x%0*llx", digits, (unsigned long long)r->value);
		shell_line(sh, "%-8s %-12s %-12llu %s", r->name, hex, (unsigned long long)r->value,
			   r->note ? r->note : "");
	}
}

static void
shell_cmd_info_registers(struct shell *sh, const char *cmd, int argc, char **argv)
{
	if (!shell_need_guest(sh, cmd))
		return;
	const char *which = argc > 0 ? argv[0] : "general";
	if (strcmp(which, "all") == 0) {
		for (size_t g = 0; g < NREG_GROUPS; g++) {
			struct backend_reg probe[SHELL_MAX_REGS];
			if (B(sh)->ops->registers(B(sh), reg_groups[g].group, probe, SHELL_MAX_REGS) == 0)
				continue;
			fprintf(sh->out, "%s%s:\n", g ? "\n" : "", reg_groups[g].title);
			shell_print_regs(sh, reg_groups[g].group);
		}
		return;
	}
	for (size_t g = 0; g < NREG_GROUPS; g++)
		if (strcmp(which, reg_groups[g].name) == 0) {
			shell_print_regs(sh, reg_groups[g].group);
			return;
		}
	shell_error(sh, cmd, "no register group '%s' (choose general, control, real, segment "
		    "or all)", which);
}

/* The mode word of a status register's note: "supervisor IE" -> "supervisor". */
static void
shell_mode_word(const char *note, char *buf, size_t len)
{
	snprintf(buf, len, "%.*s", (int)strcspn(note, " "), note);
}

static const struct backend_reg *
shell_reg_named(const struct backend_reg *regs, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(regs[i].name, name) == 0)
			return &regs[i];
	return NULL;
}

static void
shell_vcpu_cell(const struct backend_reg *r, char *buf, size_t len)
{
	if (!r) {
		buf[0] = '\0';
		return;
	}
	snprintf(buf, len, "%-8.*s 0x%0*llx%s%.64s", BACKEND_REG_NAME - 1, r->name,
		 (int)(r->bits / BITS_PER_HEX_DIGIT), (unsigned long long)r->value,
		 r->note ? "  " : "", r->note ? r->note : "");
}

/* The picture of trap-and-emulate: what the guest believes beside what the
 * real machine holds, and the mode of each spelled out. */
static void
shell_cmd_info_vcpu(struct shell *sh, const char *cmd)
{
	if (!shell_need_guest(sh, cmd))
		return;
	struct backend *b = B(sh);
	struct backend_reg gen[SHELL_MAX_REGS], ctl[SHELL_MAX_REGS], real[SHELL_MAX_REGS];
	size_t ngen = b->ops->registers(b, REGS_GENERAL, gen, SHELL_MAX_REGS);
	size_t nctl = b->ops->registers(b, REGS_CONTROL, ctl, SHELL_MAX_REGS);
	size_t nreal = b->ops->registers(b, REGS_REAL, real, SHELL_MAX_REGS);
	char what[512], left[160], right[160];
	b->ops->describe(b, what, sizeof what);
	fprintf(sh->out, "guest: %s\n", what);

	/* the status word is the first control register with a note */
	const struct backend_reg *status = NULL;
	for (size_t i = 0; i < nctl && !status; i++)
		if (ctl[i].note)
			status = &ctl[i];
	if (status) {
		char gm[64], rm[64];
		shell_mode_word(status->note, gm, sizeof gm);
		const struct backend_reg *rs = shell_reg_named(real, nreal, status->name);
		if (rs && rs->note) {
			shell_mode_word(rs->note, rm, sizeof rm);
			fprintf(sh->out, "mode:  guest thinks %s; machine runs it in %s mode\n", gm, rm);
		} else {
			fprintf(sh->out, "mode:  guest thinks %s; no monitor underneath\n", gm);
		}
	}
	fputc('\n', sh->out);
	shell_line(sh, "   %-*s  %s", VCPU_LEFT_COLUMN, "guest believes (vCPU)",
		"real machine holds");
	/* rows: pc, the control registers, then what only the real side has */
	const struct backend_reg *pc = shell_reg_named(gen, ngen, "pc");
	shell_vcpu_cell(pc, left, sizeof left);
	shell_vcpu_cell(pc ? shell_reg_named(real, nreal, "pc") : NULL, right, sizeof right);
	if (pc)
		shell_line(sh, "   %-*s  %s", VCPU_LEFT_COLUMN, left, right);
	for (size_t i = 0; i < nctl; i++) {
		shell_vcpu_cell(&ctl[i], left, sizeof left);
		shell_vcpu_cell(shell_reg_named(real, nreal, ctl[i].name), right, sizeof right);
		shell_line(sh, "   %-*s  %s", VCPU_LEFT_COLUMN, left, right);
	}
	for (size_t i = 0; i < nreal; i++) {
		if (shell_reg_named(ctl, nctl, real[i].name) ||
		    (pc && strcmp(real[i].name, "pc") == 0))
			continue;
		shell_vcpu_cell(&real[i], right, sizeof right);
		shell_line(sh, "   %-*s  %s", VCPU_LEFT_COLUMN, "", right);
	}
}

static void
shell_cmd_info_breakpoints(struct shell *sh)
{
	if (sh->npoints == 0) {
		fprintf(sh->out, "No breakpoints or watchpoints.\n");
		return;
	}
	fprintf(sh->out, "Num  Type        Address     Hits  What\n");
	for (size_t i = 0; i < sh->npoints; i++) {
		const struct shell_point *p = &sh->points[i];
		char a[32], s[160];
		shell_format_addr(sh, p->addr, a, sizeof a);
		shell_symbolize(sh, p->addr, s, sizeof s);
		shell_line(sh, "%-4d %-11s %-11s %-5llu %s", p->number,
			p->kind == POINT_BREAK ? "breakpoint" : "watchpoint", a,
			(unsigned long long)p->hits, s);
	}
}

static const char *const info_topics[] = { "breakpoints", "registers", "vcpu", NULL };

static void
shell_cmd_info(struct shell *sh, int argc, char **argv)
{
	if (argc < 2) {
		shell_missing(sh, argv[0], "WHAT");
		return;
	}
	/* unambiguous prefixes are enough: `info b`, `info reg` */
	const char *topic = NULL;
	for (int i = 0; info_topics[i]; i++)
		if (strncmp(info_topics[i], argv[1], strlen(argv[1])) == 0) {
			if (topic) {
				topic = NULL;
				break;
			}
			topic = info_topics[i];
		}
	if (!topic) {
		shell_error(sh, argv[0], "no topic '%s' (choose breakpoints, registers or vcpu)",
			    argv[1]);
		return;
	}
	if (strcmp(topic, "breakpoints") == 0)
		shell_cmd_info_breakpoints(sh);
	else if (strcmp(topic, "registers") == 0)
		shell_cmd_info_registers(sh, "info registers", argc - 2, argv + 2);
	else
		shell_cmd_info_vcpu(sh, "info vcpu");
}

static void
shell_cmd_regs(struct shell *sh, int argc, char **argv)
{
	shell_cmd_info_registers(sh, argv[0], argc - 1, argv + 1);
}

/* "x/4w": count and unit letter after the slash. */
static bool
shell_parse_format(struct shell *sh, const char *cmd, const char *word, uint64_t *count,
		   char *unit)
{
	const char *slash = strchr(word, '/');
	*count = 1;
	*unit = 'w';
	if (!slash)
		return true;
	const char *p = slash + 1;
	if (*p >= '0' && *p <= '9') {
		char *end;
		*count = strtoull(p, &end, 10);
		p = end;
	}
	if (*p && strchr("bhwgi", *p) && p[1] == '\0')
		*unit = *p;
	else if (*p) {
		shell_error(sh, cmd, "bad format '%s' (use /N followed by b, h, w, g or i)", slash);
		return false;
	}
	if (*count == 0 || *count > EXAMINE_MAX_UNITS) {
		shell_error(sh, cmd, "count %llu out of range (1 to %d)",
			    (unsigned long long)*count, EXAMINE_MAX_UNITS);
		return false;
	}
	return true;
}

static size_t
shell_unit_size(char unit)
{
	switch (unit) {
	case 'b': return 1;
	case 'h': return 2;
	case 'g': return 8;
	default:  return 4;
	}
}

enum { BYTES_PER_ROW = 16, WORDS_PER_ROW = 4 };

/* Multi-byte values are little-endian (PG32 SPEC §2, and x86). */
static uint64_t
shell_le_value(const uint8_t *p, size_t size)
{
	uint64_t v = 0;
	for (size_t i = size; i-- > 0;)
		v = v << 8 | p[i];
	return v;
}

static void shell_disassemble_range(struct shell *sh, const char *cmd, uint64_t addr,
				    uint64_t count);

/* `x/Nw ADDR` (virtual) and `xp/Nw ADDR` (physical). */
static void
shell_examine(struct shell *sh, int argc, char **argv, bool physical)
{
	const char *cmd = argv[0];
	char name[8];
	snprintf(name, sizeof name, "%.*s", (int)strcspn(cmd, "/"), cmd);
	uint64_t count, addr;
	char unit;
	if (argc < 2) {
		shell_missing(sh, name, "ADDR");
		return;
	}
	if (!shell_need_guest(sh, name) || !shell_parse_format(sh, name, cmd, &count, &unit) ||
	    !shell_eval(sh, name, argc - 1, argv + 1, &addr))
		return;
	if (unit == 'i') {
		if (physical)
			shell_error(sh, name, "/i disassembles virtual addresses: use x/Ni");
		else
			shell_disassemble_range(sh, name, addr, count);
		return;
	}
	size_t size = shell_unit_size(unit), total = (size_t)count * size;
	uint8_t *buf = malloc(total);
	char err[SHELL_ERR_MAX];
	if (!buf) {
		shell_error(sh, name, "out of memory");
		return;
	}
	if (B(sh)->ops->read_memory(B(sh), addr, physical, buf, total, err, sizeof err) < 0) {
		shell_error(sh, name, "%s", err);
		free(buf);
		return;
	}
	size_t per_row = size == 1 ? BYTES_PER_ROW / 2 : BYTES_PER_ROW / size;
	if (size == 4)
		per_row = WORDS_PER_ROW;
	for (size_t i = 0; i < count; i += per_row) {
		char place[200];
		uint64_t at = addr + i * size;
		if (physical)
			shell_format_addr(sh, at, place, sizeof place);
		else
			shell_format_place(sh, at, place, sizeof place);
		fprintf(sh->out, "%s:", place);
		for (size_t j = i; j < count && j < i + per_row; j++)
			fprintf(sh->out, "  0x%0*llx", (int)(size * HEX_DIGITS_PER_BYTE),
				(unsigned long long)shell_le_value(buf + j * size, size));
		fputc('\n', sh->out);
	}
	sh->next_examine = addr + total;
	free(buf);
}

static void
shell_cmd_x(struct shell *sh, int argc, char **argv)
{
	shell_examine(sh, argc, argv, false);
}

static void
shell_cmd_xp(struct shell *sh, int argc, char **argv)
{
	shell_examine(sh, argc, argv, true);
}

static void
shell_disassemble_range(struct shell *sh, const char *cmd, uint64_t addr, uint64_t count)
{
	struct backend *b = B(sh);
	uint64_t pc = b->ops->pc(b);
	char text[160], err[SHELL_ERR_MAX];
	uint8_t probe;
	if (b->ops->disassemble(b, addr, text, sizeof text) == 0) {
		if (b->ops->read_memory(b, addr, false, &probe, 1, err, sizeof err) < 0)
			shell_error(sh, cmd, "%s", err);
		else
			shell_error(sh, cmd, "%s", text);
		return;
	}
	/* first pass: the width of the "address <symbol+off>:" column */
	int width = 0;
	uint64_t at = addr;
	for (uint64_t i = 0; i < count; i++) {
		char a[32], s[160];
		size_t len = b->ops->disassemble(b, at, text, sizeof text);
		shell_format_addr(sh, at, a, sizeof a);
		shell_symbolize(sh, at, s, sizeof s);
		int w = (int)(strlen(a) + (*s ? 1 + strlen(s) : 0) + 1);
		if (w > width)
			width = w;
		if (len == 0)
			break;
		at += len;
	}
	const struct symtab *syms = b->ops->symbols(b);
	at = addr;
	for (uint64_t i = 0; i < count; i++) {
		const struct symbol *label = syms && at <= UINT32_MAX
						     ? symtab_label_at(syms, (uint32_t)at) : NULL;
		if (label)
			fprintf(sh->out, "%s:\n", label->name);
		size_t len = shell_print_insn(sh, at, at == pc, width);
		if (len == 0)
			break;
		at += len;
	}
	sh->next_disassemble = at;
}

static void
shell_cmd_disassemble(struct shell *sh, int argc, char **argv)
{
	uint64_t addr, count = DISAS_DEFAULT_COUNT;
	if (!shell_need_guest(sh, argv[0]))
		return;
	if (argc > 3) {
		shell_error(sh, argv[0], "too many arguments (usage: disassemble [ADDR] [N]; "
			    "write ADDR without spaces)");
		return;
	}
	if (argc < 2)
		addr = B(sh)->ops->pc(B(sh));
	else if (!shell_eval(sh, argv[0], 1, argv + 1, &addr))
		return;
	if (argc == 3 && !shell_count(sh, argv[0], 2, argv + 1, DISAS_DEFAULT_COUNT, &count))
		return;
	if (count > EXAMINE_MAX_UNITS) {
		shell_error(sh, argv[0], "count %llu out of range (1 to %d)",
			    (unsigned long long)count, EXAMINE_MAX_UNITS);
		return;
	}
	shell_disassemble_range(sh, argv[0], addr, count);
}

static void
shell_cmd_print(struct shell *sh, int argc, char **argv)
{
	uint64_t v;
	char a[32], s[160];
	if (argc < 2) {
		shell_missing(sh, argv[0], "EXPR");
		return;
	}
	if (!shell_eval(sh, argv[0], argc - 1, argv + 1, &v))
		return;
	shell_format_addr(sh, v, a, sizeof a);
	shell_symbolize(sh, v, s, sizeof s);
	if (strchr(s, '+'))
		s[0] = '\0';   /* a number is not an address: name exact labels only */
	fprintf(sh->out, "%s  %llu%s%s\n", a, (unsigned long long)v, *s ? "  " : "", s);
}

static void
shell_cmd_stats(struct shell *sh, int argc, char **argv)
{
	(void)argc;
	if (!shell_need_guest(sh, argv[0]))
		return;
	struct backend_stat st[SHELL_MAX_STATS];
	size_t n = B(sh)->ops->stats(B(sh), st, SHELL_MAX_STATS);
	int name_w = 0, value_w = 0;
	for (size_t i = 0; i < n; i++) {
		char v[32];
		int w = snprintf(v, sizeof v, "%llu", (unsigned long long)st[i].value);
		if ((int)strlen(st[i].name) > name_w)
			name_w = (int)strlen(st[i].name);
		if (w > value_w)
			value_w = w;
	}
	for (size_t i = 0; i < n; i++)
		fprintf(sh->out, "%-*s  %*llu\n", name_w, st[i].name, value_w,
			(unsigned long long)st[i].value);
}

static void
shell_cmd_trace(struct shell *sh, int argc, char **argv)
{
	if (argc < 2) {
		fprintf(sh->out, "trace traps: %s\n", sh->trace_traps ? "on" : "off");
		return;
	}
	if (strcmp(argv[1], "traps") != 0 && strcmp(argv[1], "exits") != 0) {
		shell_error(sh, argv[0], "cannot trace '%s' (usage: trace traps on|off)", argv[1]);
		return;
	}
	if (argc < 3) {
		fprintf(sh->out, "trace traps: %s\n", sh->trace_traps ? "on" : "off");
		return;
	}
	if (strcmp(argv[2], "on") == 0)
		sh->trace_traps = true;
	else if (strcmp(argv[2], "off") == 0)
		sh->trace_traps = false;
	else {
		shell_error(sh, argv[0], "'%s' is not on or off (usage: trace traps on|off)", argv[2]);
		return;
	}
	fprintf(sh->out, "trace traps: %s\n", sh->trace_traps ? "on" : "off");
}

/* ===== settings =============================================================================== */

static const struct backend_option *
shell_option(struct shell *sh, const char *name)
{
	const struct backend_option *o = B(sh)->ops->options(B(sh));
	for (; o && o->name; o++)
		if (strcmp(o->name, name) == 0)
			return o;
	return NULL;
}

static void
shell_option_show(struct shell *sh, const struct backend_option *o)
{
	char value[128];
	if (B(sh)->ops->get_option(B(sh), o->name, value, sizeof value) < 0)
		snprintf(value, sizeof value, "?");
	fprintf(sh->out, "%s: %s", o->name, value);
	if (o->choices)
		fprintf(sh->out, " (choices: %s)", o->choices);
	fputc('\n', sh->out);
}

/* Change a setting: the backend restarts the guest, and we say so. */
static void
shell_option_set(struct shell *sh, const char *cmd, const struct backend_option *o,
		 const char *value)
{
	char before[128], after[128], err[SHELL_ERR_MAX];
	if (B(sh)->ops->get_option(B(sh), o->name, before, sizeof before) < 0)
		before[0] = '\0';
	if (B(sh)->ops->set_option(B(sh), o->name, value, err, sizeof err) < 0) {
		shell_error(sh, cmd, "%s", err);
		return;
	}
	if (B(sh)->ops->get_option(B(sh), o->name, after, sizeof after) < 0)
		snprintf(after, sizeof after, "%s", value);
	shell_events_clear(sh);
	fprintf(sh->out, "%s: %s -> %s%s\n", o->name, before, after,
		B(sh)->ops->loaded(B(sh)) ? " (the guest restarted from the beginning)" : "");
}

static void
shell_settings_list(struct shell *sh)
{
	const struct backend_option *o = B(sh)->ops->options(B(sh));
	for (; o && o->name; o++)
		shell_option_show(sh, o);
}

static void
shell_set_register(struct shell *sh, const char *cmd, const char *lhs, const char *rhs)
{
	char err[SHELL_ERR_MAX], hex[32];
	uint64_t v, addr;
	if (!shell_need_guest(sh, cmd))
		return;
	if (*rhs == '\0') {
		shell_missing(sh, cmd, "a value after '='");
		return;
	}
	if (shell_expr_eval(sh, rhs, &v, err, sizeof err) < 0) {
		shell_error(sh, cmd, "%s", err);
		return;
	}
	if (lhs[0] == '*') {        /* set *ADDR = VALUE: one little-endian word */
		enum { WORD_BYTES = 4 };
		uint8_t bytes[WORD_BYTES];
		if (shell_expr_eval(sh, lhs + 1, &addr, err, sizeof err) < 0) {
			shell_error(sh, cmd, "%s", err);
			return;
		}
		for (int i = 0; i < WORD_BYTES; i++)
			bytes[i] = (uint8_t)(v >> (8 * i));
		if (B(sh)->ops->write_memory(B(sh), addr, false, bytes, WORD_BYTES, err,
					     sizeof err) < 0) {
			shell_error(sh, cmd, "%s", err);
			return;
		}
		shell_format_addr(sh, v, hex, sizeof hex);
		fprintf(sh->out, "*0x%llx = %s\n", (unsigned long long)addr, hex);
		return;
	}
	const char *name = lhs[0] == '$' ? lhs + 1 : lhs;
	if (B(sh)->ops->set_register(B(sh), name, v, err, sizeof err) < 0) {
		shell_error(sh, cmd, "%s", err);
		return;
	}
	shell_format_addr(sh, v, hex, sizeof hex);
	fprintf(sh->out, "%s = %s\n", name, hex);
}

static void
shell_trim(char *s)
{
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
	size_t lead = strspn(s, " \t");
	memmove(s, s + lead, strlen(s + lead) + 1);
}

static void
shell_cmd_set(struct shell *sh, int argc, char **argv)
{
	if (argc < 2) {
		shell_missing(sh, argv[0], "REG = VALUE or OPTION VALUE");
		return;
	}
	char text[SHELL_LINE_MAX];
	size_t len = 0;
	text[0] = '\0';
	for (int i = 1; i < argc && len < sizeof text; i++)
		len += (size_t)snprintf(text + len, sizeof text - len, "%s%s", i > 1 ? " " : "",
					argv[i]);
	char *eq = strchr(text, '=');
	if (eq) {
		*eq = '\0';
		char *lhs = text, *rhs = eq + 1;
		shell_trim(lhs);
		shell_trim(rhs);
		const struct backend_option *o = shell_option(sh, lhs);
		if (o)
			shell_option_set(sh, argv[0], o, rhs);
		else
			shell_set_register(sh, argv[0], lhs, rhs);
		return;
	}
	const struct backend_option *o = shell_option(sh, argv[1]);
	if (!o) {
		shell_error(sh, argv[0], "no setting '%s' (see: show; registers: set REG = VALUE)",
			    argv[1]);
		return;
	}
	if (argc != 3) {
		shell_missing(sh, argv[0], "VALUE");
		return;
	}
	shell_option_set(sh, argv[0], o, argv[2]);
}

static void
shell_cmd_show(struct shell *sh, int argc, char **argv)
{
	if (argc < 2) {
		shell_settings_list(sh);
		return;
	}
	const struct backend_option *o = shell_option(sh, argv[1]);
	if (!o) {
		shell_error(sh, argv[0], "no setting '%s' (see: show)", argv[1]);
		return;
	}
	shell_option_show(sh, o);
}

/* ===== pictures, scripts, help, quit ========================================================= */

static void
shell_cmd_dot(struct shell *sh, int argc, char **argv)
{
	if (argc < 2) {
		shell_missing(sh, argv[0], "FILE");
		return;
	}
	if (!shell_need_guest(sh, argv[0]))
		return;
	shell_dot_write(sh, argv[0], argv[1]);
}

static void
shell_cmd_source(struct shell *sh, int argc, char **argv)
{
	if (argc < 2) {
		shell_missing(sh, argv[0], "FILE");
		return;
	}
	shell_run_script(sh, argv[1]);
}

static void
shell_cmd_quit(struct shell *sh, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	sh->quit = true;
}

/* The first sentence of a help paragraph. */
static void
shell_summary(const char *help, char *buf, size_t len)
{
	const char *end = strstr(help, ". ");
	size_t n = end ? (size_t)(end - help) : strlen(help);
	if (n && help[n - 1] == '.')
		n--;
	snprintf(buf, len, "%.*s", (int)n, help);
}

/* Wrap a paragraph at `width` columns, indented; the first line goes on
 * from column `col` (0: a fresh line). */
static void
shell_print_paragraph(FILE *out, const char *text, int indent, int width, int col)
{
	const char *p = text;
	while (*p) {
		size_t word = strcspn(p, " ");
		if (col > indent && col + 1 + (int)word > width) {
			fputc('\n', out);
			col = 0;
		}
		if (col < indent)
			col += fprintf(out, "%*s", indent - col, "");
		else
			col += fprintf(out, " ");
		col += fprintf(out, "%.*s", (int)word, p);
		p += word;
		while (*p == ' ')
			p++;
	}
	fputc('\n', out);
}

enum { HELP_INDENT = 4, HELP_WIDTH = 78, SYNOPSIS_WIDTH = 28 };

static void
shell_help_row(struct shell *sh, const char *name, const char *args, const char *help,
	       bool glued)
{
	char synopsis[128], summary[256];
	snprintf(synopsis, sizeof synopsis, "%s%s%s", name, *args && !glued ? " " : "", args);
	shell_summary(help, summary, sizeof summary);
	int col = 0;
	if ((int)strlen(synopsis) > SYNOPSIS_WIDTH)
		fprintf(sh->out, "  %s\n", synopsis);      /* the summary goes below */
	else
		col = fprintf(sh->out, "  %-*s", SYNOPSIS_WIDTH, synopsis);
	shell_print_paragraph(sh->out, summary, SYNOPSIS_WIDTH + 3, HELP_WIDTH, col);
}

static void
shell_cmd_help(struct shell *sh, int argc, char **argv)
{
	struct backend *b = B(sh);
	if (argc < 2) {
		fprintf(sh->out, "Commands ('help CMD' tells more; ADDR, N and VALUE are "
			"expressions: 'help expressions'):\n");
		for (const struct shell_cmd *c = shell_cmds; c->name; c++) {
			char names[64], *p = names;
			/* "continue, c, run" */
			p += snprintf(names, sizeof names, "%s", c->name);
			for (const char *a = c->aliases; *a && p < names + sizeof names - 4;) {
				size_t w = strcspn(a, " ");
				p += snprintf(p, (size_t)(names + sizeof names - p), ", %.*s", (int)w, a);
				a += w;
				a += strspn(a, " ");
			}
			shell_help_row(sh, names, c->args, c->help, c->flags & CMD_FORMAT);
		}
		fprintf(sh->out, "Settings of the %s backend (NAME shows one, NAME VALUE "
			"changes it; also set/show):\n", b->ops->name);
		for (const struct backend_option *o = b->ops->options(b); o && o->name; o++) {
			char args[128];
			snprintf(args, sizeof args, "[%s]", o->choices ? o->choices : "VALUE");
			for (char *p = args; *p; p++)
				if (*p == ' ')
					*p = '|';
			shell_help_row(sh, o->name, args, o->help, false);
		}
		fprintf(sh->out, "Tools of the %s backend:\n", b->ops->name);
		for (const struct backend_tool *t = b->ops->tools(b); t && t->name; t++) {
			const char *args = strncmp(t->usage, t->name, strlen(t->name)) == 0
						   ? t->usage + strlen(t->name) : t->usage;
			shell_help_row(sh, t->name, args + strspn(args, " "), t->help, false);
		}
		return;
	}
	if (strcmp(argv[1], "expressions") == 0) {
		fprintf(sh->out, "Expressions (ADDR, N, VALUE):\n");
		shell_print_paragraph(sh->out, "numbers: 42, 0x2a, 0b101010; symbols of the guest: "
				      "minios_syscall, task_a; registers: $r1 $sp $pc $psw (or a plain "
				      "name such as pc when no symbol has it); operators, loosest "
				      "first: | ^ & << >> + - * / %, unary - ~, and parentheses. "
				      "Examples: minios_syscall+8, $sp-16, (1<<4)|3.",
				      HELP_INDENT, HELP_WIDTH, 0);
		return;
	}
	const struct shell_cmd *c = shell_cmd_find(argv[1]);
	if (c) {
		char synopsis[160];
		shell_synopsis(c->name, c, synopsis, sizeof synopsis);
		fprintf(sh->out, "%s\n", synopsis);
		if (*c->aliases)
			fprintf(sh->out, "  (also: %s)\n", c->aliases);
		shell_print_paragraph(sh->out, c->help, HELP_INDENT, HELP_WIDTH, 0);
		return;
	}
	const struct backend_option *o = shell_option(sh, argv[1]);
	if (o) {
		char args[128];
		snprintf(args, sizeof args, "%s", o->choices ? o->choices : "VALUE");
		for (char *p = args; *p; p++)
			if (*p == ' ')
				*p = '|';
		fprintf(sh->out, "%s [%s]\n", o->name, args);
		shell_print_paragraph(sh->out, o->help, HELP_INDENT, HELP_WIDTH, 0);
		return;
	}
	for (const struct backend_tool *t = b->ops->tools(b); t && t->name; t++)
		if (strcmp(t->name, argv[1]) == 0) {
			fprintf(sh->out, "%s\n", t->usage);
			shell_print_paragraph(sh->out, t->help, HELP_INDENT, HELP_WIDTH, 0);
			return;
		}
	shell_error(sh, argv[0], "no command '%s' (try 'help')", argv[1]);
}

/* ===== the table ============================================================================= */

const struct shell_cmd shell_cmds[] = {
	{ "help", "h", "[CMD]",
	  "Lists the commands, or explains one. 'help expressions' explains ADDR, N and VALUE.",
	  shell_cmd_help, 0 },
	{ "load", "", "FILE",
	  "Loads a guest. A .s file is assembled, a .img is read with the .sym beside it. "
	  "Breakpoints, watchpoints and the trap flow are forgotten; the settings stay.",
	  shell_cmd_load, 0 },
	{ "continue", "c run", "[N]",
	  "Runs the guest until something stops it. It stops at a breakpoint, a watchpoint, "
	  "its end, Control-C, or after N instructions when N is given. From a breakpoint "
	  "it moves on first.",
	  shell_cmd_continue, CMD_RUNS },
	{ "step", "s stepi si", "[N]",
	  "Executes one instruction, or N. Breakpoints do not stop it; watchpoints do. "
	  "An empty line repeats it.",
	  shell_cmd_step, CMD_RUNS | CMD_REPEAT },
	{ "next", "n nexti ni", "",
	  "Executes one instruction, or a whole call. At a call it runs until the "
	  "instruction after it (a temporary breakpoint there). An empty line repeats it.",
	  shell_cmd_next, CMD_RUNS | CMD_REPEAT },
	{ "break", "b", "ADDR|SYMBOL",
	  "Stops the guest before the instruction at ADDR. ADDR is an expression "
	  "(minios_syscall, minios_trap_entry+8, 0x00400028), a virtual address as the "
	  "guest's PC is.",
	  shell_cmd_break, 0 },
	{ "watch", "", "ADDR",
	  "Stops the guest when the word at ADDR changes. ADDR is virtual; the stop shows the "
	  "old and new values. Watching makes the guest run one instruction at a time.",
	  shell_cmd_watch, 0 },
	{ "delete", "d", "[N|all]",
	  "Deletes breakpoint or watchpoint N, or all of them. 'info breakpoints' lists "
	  "their numbers.",
	  shell_cmd_delete, 0 },
	{ "info", "i", "breakpoints|registers [GROUP]|vcpu",
	  "Shows breakpoints, registers or the vCPU. 'info registers GROUP' shows a group "
	  "(general, control, real, segment or all); 'info vcpu' shows what the guest "
	  "believes beside what the real machine holds, with each one's mode spelled out.",
	  shell_cmd_info, 0 },
	{ "regs", "", "[general|control|real|segment|all]",
	  "Shows the registers, as 'info registers' does.",
	  shell_cmd_regs, 0 },
	{ "x", "", "[/N{b|h|w|g|i}] ADDR",
	  "Examines memory at a virtual address. ADDR is translated as the guest would; "
	  "x shows N bytes, halfwords, words (the default) or 8-byte giants; /i disassembles. "
	  "Example: x/4w current_task.",
	  shell_cmd_x, CMD_FORMAT },
	{ "xp", "", "[/N{b|h|w|g}] ADDR",
	  "Examines the guest's physical memory. It works as x does, without translation.",
	  shell_cmd_xp, CMD_FORMAT },
	{ "disassemble", "disas", "[ADDR] [N]",
	  "Disassembles N instructions from ADDR. N is 10 and ADDR the PC unless given; the "
	  "PC is marked '=>' and each address labelled with the nearest symbol.",
	  shell_cmd_disassemble, 0 },
	{ "print", "p", "EXPR",
	  "Prints the value of an expression. It shows hex, decimal and the nearest symbol.",
	  shell_cmd_print, 0 },
	{ "set", "", "REG = VALUE | *ADDR = VALUE | OPTION VALUE",
	  "Changes a register, a memory word or a setting. Registers are the guest's, as it "
	  "believes them; *ADDR is a word of its memory (virtual); a setting of the backend "
	  "(mode, isa, ...) restarts the guest.",
	  shell_cmd_set, 0 },
	{ "show", "", "[OPTION]",
	  "Shows the backend's settings, or one of them. The choices are listed too.",
	  shell_cmd_show, 0 },
	{ "trace", "", "traps on|off",
	  "Prints each trap as it happens, or stops printing. One line each: the guest PC, "
	  "what trapped, what the monitor did, and where the guest went.",
	  shell_cmd_trace, 0 },
	{ "stats", "", "",
	  "Shows the figures of the run so far. Instructions (direct, emulated, "
	  "interpreted), traps by cause, reflections, injections, world switches.",
	  shell_cmd_stats, 0 },
	{ "dot", "", "FILE",
	  "Writes the trap flow as a Graphviz graph. Each trapping instruction, the handler "
	  "it went to, and how often, by cause and action, since the guest started. A FILE "
	  "ending in .png, .svg or .pdf is rendered with dot(1).",
	  shell_cmd_dot, 0 },
	{ "reset", "", "",
	  "Starts the guest again from the beginning. Breakpoints and settings stay.",
	  shell_cmd_reset, 0 },
	{ "source", "", "FILE",
	  "Runs the commands in FILE. One command a line; '#' starts a comment.",
	  shell_cmd_source, 0 },
	{ "quit", "q exit", "",
	  "Leaves the monitor (so does Control-D).",
	  shell_cmd_quit, 0 },
	{ NULL, NULL, NULL, NULL, NULL, 0 },
};

static bool
shell_alias_has(const char *aliases, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = aliases; *p;) {
		size_t w = strcspn(p, " ");
		if (w == n && strncmp(p, name, n) == 0)
			return true;
		p += w;
		p += strspn(p, " ");
	}
	return false;
}

const struct shell_cmd *
shell_cmd_find(const char *name)
{
	for (const struct shell_cmd *c = shell_cmds; c->name; c++)
		if (strcmp(c->name, name) == 0 || shell_alias_has(c->aliases, name))
			return c;
	return NULL;
}

/* The row for an error message: argv[0] may be an alias or "x/4w". */
static const struct shell_cmd *
shell_cmd_self(const char *name)
{
	char base[64];
	snprintf(base, sizeof base, "%.*s", (int)strcspn(name, "/"), name);
	return shell_cmd_find(base);
}

bool
shell_cmd_backend(struct shell *sh, int argc, char **argv)
{
	struct backend *b = B(sh);
	const struct backend_option *o = shell_option(sh, argv[0]);
	if (o) {
		if (argc == 1)
			shell_option_show(sh, o);
		else if (argc == 2)
			shell_option_set(sh, argv[0], o, argv[1]);
		else
			shell_error(sh, argv[0], "one VALUE only (usage: %s [%s])", o->name,
				    o->choices ? o->choices : "VALUE");
		return true;
	}
	for (const struct backend_tool *t = b->ops->tools(b); t && t->name; t++) {
		if (strcmp(t->name, argv[0]) != 0)
			continue;
		char err[SHELL_ERR_MAX];
		if (!shell_need_guest(sh, argv[0]))
			return true;
		fflush(sh->out);
		if (b->ops->run_tool(b, argc, argv, sh->out, err, sizeof err) < 0)
			shell_error(sh, argv[0], "%s", shell_strip_prefix(argv[0], err));
		return true;
	}
	return false;
}

/* ===== completion ============================================================================ */

static void
shell_add_words(const char *words, void (*add)(void *ctx, const char *name), void *ctx)
{
	char word[64];
	for (const char *p = words; p && *p;) {
		size_t w = strcspn(p, " ");
		snprintf(word, sizeof word, "%.*s", (int)w, p);
		if (w)
			add(ctx, word);
		p += w;
		p += strspn(p, " ");
	}
}

void
shell_cmd_names(struct shell *sh, void (*add)(void *ctx, const char *name), void *ctx)
{
	struct backend *b = B(sh);
	/* names only: an alias that is a prefix of its name ("disas") would
	 * stop Tab short of the whole word */
	for (const struct shell_cmd *c = shell_cmds; c->name; c++)
		add(ctx, c->name);
	for (const struct backend_option *o = b->ops->options(b); o && o->name; o++)
		add(ctx, o->name);
	for (const struct backend_tool *t = b->ops->tools(b); t && t->name; t++)
		add(ctx, t->name);
}

static void
shell_add_registers(struct shell *sh, bool dollar, void (*add)(void *ctx, const char *name),
		    void *ctx)
{
	static const enum backend_reg_group groups[] = { REGS_GENERAL, REGS_CONTROL,
							 REGS_SEGMENT };
	struct backend_reg regs[SHELL_MAX_REGS];
	for (size_t g = 0; g < sizeof groups / sizeof groups[0]; g++) {
		size_t n = B(sh)->ops->registers(B(sh), groups[g], regs, SHELL_MAX_REGS);
		for (size_t i = 0; i < n; i++) {
			char name[BACKEND_REG_NAME + 2];
			snprintf(name, sizeof name, "%s%.*s", dollar ? "$" : "",
				 BACKEND_REG_NAME - 1, regs[i].name);
			add(ctx, name);
		}
	}
}

static void
shell_add_symbols(struct shell *sh, void (*add)(void *ctx, const char *name), void *ctx)
{
	const struct symtab *syms = B(sh)->ops->symbols(B(sh));
	for (size_t i = 0; syms && i < syms->count; i++)
		add(ctx, syms->entries[i].name);
}

static void
shell_add_options(struct shell *sh, void (*add)(void *ctx, const char *name), void *ctx)
{
	for (const struct backend_option *o = B(sh)->ops->options(B(sh)); o && o->name; o++)
		add(ctx, o->name);
}

bool
shell_cmd_complete(struct shell *sh, int argc, char **argv, int argi,
		   void (*add)(void *ctx, const char *name), void *ctx)
{
	const struct shell_cmd *c = shell_cmd_self(argv[0]);
	const struct backend_option *o = shell_option(sh, argv[0]);
	if (o) {
		if (argi == 1)
			shell_add_words(o->choices, add, ctx);
		return true;
	}
	if (!c)
		return true;            /* a tool, or nothing known: no candidates */
	if (c->fn == shell_cmd_load || c->fn == shell_cmd_dot || c->fn == shell_cmd_source)
		return false;           /* file names */
	if (c->fn == shell_cmd_help) {
		if (argi == 1) {
			shell_cmd_names(sh, add, ctx);
			add(ctx, "expressions");
		}
	} else if (c->fn == shell_cmd_info) {
		if (argi == 1)
			for (int i = 0; info_topics[i]; i++)
				add(ctx, info_topics[i]);
		else if (argi == 2 && strncmp("registers", argv[1], strlen(argv[1])) == 0)
			for (size_t g = 0; g < NREG_GROUPS; g++)
				add(ctx, reg_groups[g].name);
		if (argi == 2)
			add(ctx, "all");
	} else if (c->fn == shell_cmd_regs) {
		for (size_t g = 0; argi == 1 && g < NREG_GROUPS; g++)
			add(ctx, reg_groups[g].name);
		if (argi == 1)
			add(ctx, "all");
	} else if (c->fn == shell_cmd_show) {
		if (argi == 1)
			shell_add_options(sh, add, ctx);
	} else if (c->fn == shell_cmd_set) {
		const struct backend_option *so = argc > 1 ? shell_option(sh, argv[1]) : NULL;
		if (argi == 1) {
			shell_add_options(sh, add, ctx);
			shell_add_registers(sh, false, add, ctx);
		} else if (so && argi == 2) {
			shell_add_words(so->choices, add, ctx);
		} else {
			shell_add_symbols(sh, add, ctx);
			shell_add_registers(sh, true, add, ctx);
		}
	} else if (c->fn == shell_cmd_trace) {
		if (argi == 1)
			add(ctx, "traps");
		else if (argi == 2) {
			add(ctx, "on");
			add(ctx, "off");
		}
	} else if (c->fn == shell_cmd_delete) {
		if (argi == 1)
			add(ctx, "all");
		for (size_t i = 0; i < sh->npoints; i++) {
			char n[16];
			snprintf(n, sizeof n, "%d", sh->points[i].number);
			add(ctx, n);
		}
	} else if (c->fn == shell_cmd_break || c->fn == shell_cmd_watch || c->fn == shell_cmd_x ||
		   c->fn == shell_cmd_xp || c->fn == shell_cmd_disassemble ||
		   c->fn == shell_cmd_print) {
		shell_add_symbols(sh, add, ctx);
		shell_add_registers(sh, true, add, ctx);
	}
	return true;
}
