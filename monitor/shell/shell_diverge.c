/* shell_diverge.c — the divergence explorer: `diverge [MODE]` (and
 * `traplab equiv --explore`) finds where the guest under a monitor mode
 * first parts from the bare machine (equivalence, Popek & Goldberg 1974,
 * lessons/REFERENCES.md §1; monitor/tools/equiv.h finds it), and stops this
 * run and a bare twin of it just before that instruction.  From there
 * every command that runs the guest -- step, continue, reverse-step, goto
 * -- moves both to the same guest instruction; `info vcpu` shows the two
 * side by side and `diff` lists every register, control register and
 * memory word that differs.  MONITOR.md "The divergence explorer" has a
 * transcript; Lab 6's "going further" uses it.
 */
#include <stdlib.h>
#include <string.h>

#include "backend_timeline.h"
#include "shell_timeline.h"

enum {
	MODE_NAME_MAX = 32,
	DIFF_MAX_WORDS = 64,           /* memory words `diff` lists before "... more" */
	DIFF_WORD_BYTES = 4,
	WHAT_MAX = 256,
	SIDE_COLUMN = 24,              /* "0x00000042  supervisor IE" */
	NOTE_MAX = 48,                 /* "supervisor IE Z N" */
};
#define BARE_LABEL "bare"

/* The twin's console is not shown: the same bytes as this run's, or the
 * difference `diff` is for. */
static void
shell_twin_console(void *ctx, uint8_t byte)
{
	(void)ctx;
	(void)byte;
}

static void
shell_swap_twin(struct shell *sh)
{
	struct backend *b = sh->backend;
	struct shell_timeline *t = sh->timeline;
	sh->backend = sh->twin;
	sh->timeline = sh->twin_timeline;
	sh->twin = b;
	sh->twin_timeline = t;
}

void
shell_diverge_end(struct shell *sh)
{
	if (!sh->twin)
		return;
	shell_swap_twin(sh);
	shell_timeline_free(sh);
	shell_swap_twin(sh);
	sh->twin->ops->destroy(sh->twin);
	sh->twin = NULL;
	sh->twin_timeline = NULL;
}

static void
shell_mode_name(struct shell *sh, char *buf, size_t len)
{
	if (B(sh)->ops->get_option(B(sh), "mode", buf, len) < 0)
		snprintf(buf, len, "guest");
}

void
shell_diverge_label(struct shell *sh)
{
	char mode[MODE_NAME_MAX];
	if (!sh->twin)
		return;
	shell_mode_name(sh, mode, sizeof mode);
	fprintf(sh->out, "%s: ", mode);
}

void
shell_diverge_follow(struct shell *sh)
{
	if (!sh->twin)
		return;
	uint64_t pos = shell_timeline_position(sh);
	struct backend_stop stop;
	shell_swap_twin(sh);
	shell_timeline_goto(sh, pos, &stop);
	fprintf(sh->out, "%s: ", BARE_LABEL);
	if (stop.kind == BSTOP_EXITED)
		fprintf(sh->out, "%s\n", stop.message);
	else
		shell_print_insn(sh, B(sh)->ops->pc(B(sh)), true, 0);
	shell_swap_twin(sh);
}

/* A register by name in a list, or NULL. */
static const struct backend_reg *
shell_find_reg(const struct backend_reg *regs, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(regs[i].name, name) == 0)
			return &regs[i];
	return NULL;
}

static void
shell_side_cell(const struct backend_reg *r, char *buf, size_t len)
{
	if (!r)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "0x%08llx%s%.40s", (unsigned long long)r->value,
			 r->note ? "  " : "", r->note ? r->note : "");
}

/* One group, row by row: the register, this run's value, bare's, and a
 * mark where they differ.  With only_differing, the rows that do. */
static size_t
shell_side_group(struct shell *sh, enum backend_reg_group group, bool only_differing)
{
	struct backend_reg mine[SHELL_MAX_REGS], bare[SHELL_MAX_REGS];
	char notes[SHELL_MAX_REGS][NOTE_MAX];
	size_t n = B(sh)->ops->registers(B(sh), group, mine, SHELL_MAX_REGS);
	/* a note may live in the backend's own buffer, which the twin's call reuses */
	for (size_t i = 0; i < n; i++)
		if (mine[i].note) {
			snprintf(notes[i], sizeof notes[i], "%s", mine[i].note);
			mine[i].note = notes[i];
		}
	size_t m = sh->twin->ops->registers(sh->twin, group, bare, SHELL_MAX_REGS), shown = 0;
	for (size_t i = 0; i < n; i++) {
		const struct backend_reg *other = shell_find_reg(bare, m, mine[i].name);
		bool differs = !other || other->value != mine[i].value;
		if (only_differing && !differs)
			continue;
		char l[SHELL_PLACE_MAX], r[SHELL_PLACE_MAX];
		shell_side_cell(&mine[i], l, sizeof l);
		shell_side_cell(other, r, sizeof r);
		shell_line(sh, "   %-8s %-*s  %-*s%s", mine[i].name, SIDE_COLUMN, l, SIDE_COLUMN, r,
			   differs ? "  <-- differs" : "");
		shown++;
	}
	return shown;
}

void
shell_diverge_side_by_side(struct shell *sh)
{
	char mode[MODE_NAME_MAX], head[SHELL_PLACE_MAX];
	shell_mode_name(sh, mode, sizeof mode);
	fprintf(sh->out, "guest instruction %llu, %s beside the bare machine\n",
		(unsigned long long)shell_timeline_position(sh), mode);
	snprintf(head, sizeof head, "%s (vCPU)", mode);
	shell_line(sh, "   %-8s %-*s  %s", "", SIDE_COLUMN, head, BARE_LABEL);
	shell_side_group(sh, REGS_GENERAL, false);
	shell_side_group(sh, REGS_CONTROL, false);
	/* why they may part: what the real machine holds under the monitor */
	fprintf(sh->out, "the real machine (what it holds right now):\n");
	shell_side_group(sh, REGS_REAL, false);
}

/* The words of guest physical memory that differ, the first
 * DIFF_MAX_WORDS of them listed.  Returns how many differ. */
static size_t
shell_diff_memory(struct shell *sh, const char *mode)
{
	char err[SHELL_ERR_MAX];
	size_t size = timeline_guest_bytes(B(sh)), differ = 0;
	uint8_t *mine = malloc(size), *bare = malloc(size);
	if (!mine || !bare ||
	    B(sh)->ops->read_memory(B(sh), 0, true, mine, size, err, sizeof err) < 0 ||
	    sh->twin->ops->read_memory(sh->twin, 0, true, bare, size, err, sizeof err) < 0) {
		free(mine);
		free(bare);
		return 0;
	}
	for (size_t at = 0; at + DIFF_WORD_BYTES <= size; at += DIFF_WORD_BYTES) {
		uint32_t x, y;
		memcpy(&x, mine + at, sizeof x);
		memcpy(&y, bare + at, sizeof y);
		if (x == y)
			continue;
		if (differ++ < DIFF_MAX_WORDS) {
			char place[SHELL_PLACE_MAX];
			shell_format_place(sh, at, place, sizeof place);
			shell_line(sh, "   %s: %s 0x%08x, %s 0x%08x", place, mode, x, BARE_LABEL, y);
		}
	}
	if (differ > DIFF_MAX_WORDS)
		fprintf(sh->out, "   ... and %zu more words\n", differ - DIFF_MAX_WORDS);
	free(mine);
	free(bare);
	return differ;
}

void
shell_cmd_diff(struct shell *sh, const struct shell_argv *a)
{
	if (!sh->twin) {
		shell_error(sh, a->cmd, "nothing to compare: 'diverge MODE' starts the explorer");
		return;
	}
	char mode[MODE_NAME_MAX];
	shell_mode_name(sh, mode, sizeof mode);
	fprintf(sh->out, "%s against %s at guest instruction %llu:\n", mode, BARE_LABEL,
		(unsigned long long)shell_timeline_position(sh));
	size_t regs = shell_side_group(sh, REGS_GENERAL, true) +
		      shell_side_group(sh, REGS_CONTROL, true);
	size_t words = shell_diff_memory(sh, mode);
	uint64_t mine = timeline_console_bytes(B(sh)), bare = timeline_console_bytes(sh->twin);
	if (mine != bare)
		fprintf(sh->out, "   console: %s wrote %llu bytes, %s %llu\n", mode,
			(unsigned long long)mine, BARE_LABEL, (unsigned long long)bare);
	fprintf(sh->out, "%zu register%s and %zu memory word%s differ%s\n", regs,
		regs == 1 ? "" : "s", words, words == 1 ? "" : "s",
		regs + words == 0 && mine == bare ? ": the same state" : "");
}

/* `diverge MODE`: this run in MODE (restarted), else as it is. */
static bool
shell_diverge_mode(struct shell *sh, const struct shell_argv *a)
{
	char err[SHELL_ERR_MAX];
	if (!a->arg[0].given)
		return true;
	if (B(sh)->ops->set_option(B(sh), "mode", a->arg[0].text, err, sizeof err) < 0) {
		shell_error(sh, a->cmd, "%s", err);
		return false;
	}
	shell_events_clear(sh);
	shell_timeline_forget(sh);
	return true;
}

void
shell_cmd_diverge(struct shell *sh, const struct shell_argv *a)
{
	char err[SHELL_ERR_MAX], what[WHAT_MAX], mode[MODE_NAME_MAX];
	shell_diverge_end(sh);
	if (a->arg[0].given && strcmp(a->arg[0].text, "off") == 0) {
		fprintf(sh->out, "The explorer is off: one run again\n");
		return;
	}
	if (!shell_timeline_on(sh)) {
		shell_error(sh, a->cmd, "only PG32 guests can be explored");
		return;
	}
	if (!shell_diverge_mode(sh, a))
		return;
	shell_mode_name(sh, mode, sizeof mode);
	uint64_t first;
	int found = timeline_first_divergence(B(sh), &first, what, sizeof what, err, sizeof err);
	if (found < 0) {
		shell_error(sh, a->cmd, "%s", err);
		return;
	}
	if (found == 0) {
		fprintf(sh->out, "%s is equivalent to the bare machine on this guest: "
			"nothing to explore\n", mode);
		return;
	}
	sh->twin = timeline_bare_twin(B(sh), err, sizeof err);
	if (!sh->twin) {
		shell_error(sh, a->cmd, "%s", err);
		return;
	}
	sh->twin->ops->set_console(sh->twin, shell_twin_console, NULL);
	struct backend_stop stop;
	shell_timeline_goto(sh, first - 1, &stop);
	if (sh->console_mid_line)
		fputc('\n', sh->out);     /* after what the guest printed up to here */
	fprintf(sh->out, "%s parts from %s at guest instruction %llu: %s\n", mode, BARE_LABEL,
		(unsigned long long)first, what);
	fprintf(sh->out, "Both runs stop just before it; step, continue, reverse-step and goto "
		"move both, diff lists what differs.\n");
	shell_diverge_label(sh);
	shell_print_insn(sh, B(sh)->ops->pc(B(sh)), true, 0);
	shell_diverge_follow(sh);
	shell_diverge_side_by_side(sh);
}
