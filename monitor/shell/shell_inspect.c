/* shell_inspect.c — looking at the guest's registers in the monitor:
 * `info registers` (and `regs`), `info vcpu` — what the guest believes
 * beside what the real machine holds, the picture of trap-and-emulate —
 * and `print`.  Every lab uses them; Lab 3 lives in `info vcpu`
 * (MONITOR.md "Looking at the guest").
 */
#include <string.h>

#include "shell_cmds.h"

enum {
	VCPU_LEFT_COLUMN = 46,         /* width of "guest believes" in `info vcpu` */
	VCPU_CELL_MAX = 160,
	MODE_WORD_MAX = 64,
	DESCRIBE_MAX = 512,
};

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

static void
shell_print_regs(struct shell *sh, enum backend_reg_group group)
{
	struct backend_reg regs[SHELL_MAX_REGS];
	size_t n = B(sh)->ops->registers(B(sh), group, regs, SHELL_MAX_REGS);
	for (size_t i = 0; i < n; i++) {
		const struct backend_reg *r = &regs[i];
		int digits = (int)(r->bits / BITS_PER_HEX_DIGIT);
		char hex[SHELL_ADDR_MAX];
		snprintf(hex, sizeof hex, "0x%0*llx", digits, (unsigned long long)r->value);
		shell_line(sh, "%-8s %-12s %-12llu %s", r->name, hex, (unsigned long long)r->value,
			   r->note ? r->note : "");
	}
}

/* `info registers [GROUP]`, `regs [GROUP]`: the checker has checked GROUP
 * against SHELL_REG_GROUPS. */
void
shell_cmd_info_registers(struct shell *sh, const struct shell_argv *a)
{
	const char *which = a->arg[0].given ? a->arg[0].text : "general";
	bool all = strcmp(which, "all") == 0;
	bool first = true;
	for (size_t g = 0; g < ARRAY_SIZE(reg_groups); g++) {
		if (all) {
			struct backend_reg probe[SHELL_MAX_REGS];
			if (B(sh)->ops->registers(B(sh), reg_groups[g].group, probe,
						  SHELL_MAX_REGS) == 0)
				continue;
			fprintf(sh->out, "%s%s:\n", first ? "" : "\n", reg_groups[g].title);
			first = false;
		} else if (strcmp(which, reg_groups[g].name) != 0) {
			continue;
		}
		shell_print_regs(sh, reg_groups[g].group);
	}
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

static void
shell_vcpu_row(struct shell *sh, const struct backend_reg *left, const struct backend_reg *right)
{
	char l[VCPU_CELL_MAX], r[VCPU_CELL_MAX];
	shell_vcpu_cell(left, l, sizeof l);
	shell_vcpu_cell(right, r, sizeof r);
	shell_line(sh, "   %-*s  %s", VCPU_LEFT_COLUMN, l, r);
}

/* "mode:  guest thinks supervisor; machine runs it in user mode": the
 * status word is the first control register with a note. */
static void
shell_vcpu_modes(struct shell *sh, const struct backend_reg *ctl, size_t nctl,
		 const struct backend_reg *real, size_t nreal)
{
	const struct backend_reg *status = NULL;
	for (size_t i = 0; i < nctl && !status; i++)
		if (ctl[i].note)
			status = &ctl[i];
	if (!status)
		return;
	char gm[MODE_WORD_MAX], rm[MODE_WORD_MAX];
	shell_mode_word(status->note, gm, sizeof gm);
	const struct backend_reg *rs = shell_reg_named(real, nreal, status->name);
	if (rs && rs->note) {
		shell_mode_word(rs->note, rm, sizeof rm);
		fprintf(sh->out, "mode:  guest thinks %s; machine runs it in %s mode\n", gm, rm);
	} else {
		fprintf(sh->out, "mode:  guest thinks %s; no monitor underneath\n", gm);
	}
}

/* The picture of trap-and-emulate: what the guest believes beside what the
 * real machine holds, and the mode of each spelled out. */
void
shell_cmd_info_vcpu(struct shell *sh, const struct shell_argv *a)
{
	(void)a;
	if (sh->twin) {
		shell_diverge_side_by_side(sh);   /* exploring: the two runs instead */
		return;
	}
	struct backend *b = B(sh);
	struct backend_reg gen[SHELL_MAX_REGS], ctl[SHELL_MAX_REGS], real[SHELL_MAX_REGS];
	size_t ngen = b->ops->registers(b, REGS_GENERAL, gen, SHELL_MAX_REGS);
	size_t nctl = b->ops->registers(b, REGS_CONTROL, ctl, SHELL_MAX_REGS);
	size_t nreal = b->ops->registers(b, REGS_REAL, real, SHELL_MAX_REGS);
	char what[DESCRIBE_MAX];
	b->ops->describe(b, what, sizeof what);
	fprintf(sh->out, "guest: %s\n", what);
	shell_vcpu_modes(sh, ctl, nctl, real, nreal);
	fputc('\n', sh->out);
	shell_line(sh, "   %-*s  %s", VCPU_LEFT_COLUMN, "guest believes (vCPU)",
		   "real machine holds");
	/* rows: pc, the control registers, then what only the real side has */
	const struct backend_reg *pc = shell_reg_named(gen, ngen, "pc");
	if (pc)
		shell_vcpu_row(sh, pc, shell_reg_named(real, nreal, "pc"));
	for (size_t i = 0; i < nctl; i++)
		shell_vcpu_row(sh, &ctl[i], shell_reg_named(real, nreal, ctl[i].name));
	for (size_t i = 0; i < nreal; i++) {
		if (shell_reg_named(ctl, nctl, real[i].name) ||
		    (pc && strcmp(real[i].name, "pc") == 0))
			continue;
		shell_vcpu_row(sh, NULL, &real[i]);
	}
}

void
shell_cmd_print(struct shell *sh, const struct shell_argv *a)
{
	uint64_t v = a->arg[0].value;
	char addr[SHELL_ADDR_MAX], sym[SHELL_SYMBOL_MAX];
	shell_format_addr(sh, v, addr, sizeof addr);
	shell_symbolize(sh, v, sym, sizeof sym);
	if (strchr(sym, '+'))
		sym[0] = '\0';   /* a number is not an address: name exact labels only */
	fprintf(sh->out, "%s  %llu%s%s\n", addr, (unsigned long long)v, *sym ? "  " : "", sym);
}

void
shell_add_registers(struct shell *sh, bool dollar, void (*add)(void *ctx, const char *name),
		    void *ctx)
{
	static const enum backend_reg_group groups[] = { REGS_GENERAL, REGS_CONTROL,
							 REGS_SEGMENT };
	struct backend_reg regs[SHELL_MAX_REGS];
	for (size_t g = 0; g < ARRAY_SIZE(groups); g++) {
		size_t n = B(sh)->ops->registers(B(sh), groups[g], regs, SHELL_MAX_REGS);
		for (size_t i = 0; i < n; i++) {
			char name[BACKEND_REG_NAME + 2];
			snprintf(name, sizeof name, "%s%.*s", dollar ? "$" : "",
				 BACKEND_REG_NAME - 1, regs[i].name);
			add(ctx, name);
		}
	}
}
