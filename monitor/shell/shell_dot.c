/* shell_dot.c — pictures of what the monitor has seen, as Graphviz graphs.
 * `dot FILE` draws the trap flow of the run so far: every guest instruction
 * that trapped, the handler it went to, and how often, by cause and action
 * (Labs 3–7: where does trap-and-emulate spend its traps?).  The shell
 * counts every backend_event from the moment the guest starts; `trace traps`
 * only decides whether they are printed.  See it run:
 *     (traplab) continue 60000
 *     (traplab) dot traps.svg
 */
#include <stdlib.h>
#include <string.h>

#include "graphviz.h"
#include "shell.h"
#include "common.h"

enum { FLOWS_INITIAL = 64 };

void
shell_dot_record(struct shell *sh, const struct backend_event *event)
{
	for (size_t i = sh->nflows; i-- > 0;) {
		struct shell_flow *f = &sh->flows[i];
		if (f->event.pc == event->pc && f->event.handler == event->handler &&
		    strcmp(f->event.what, event->what) == 0 &&
		    strcmp(f->event.action, event->action) == 0) {
			f->count++;
			return;
		}
	}
	if (sh->nflows == sh->flows_cap) {
		size_t cap = sh->flows_cap ? sh->flows_cap * 2 : FLOWS_INITIAL;
		struct shell_flow *bigger = realloc(sh->flows, cap * sizeof *bigger);
		if (!bigger)
			return;        /* the picture misses an edge; the guest runs on */
		sh->flows = bigger;
		sh->flows_cap = cap;
	}
	sh->flows[sh->nflows].event = *event;
	sh->flows[sh->nflows].count = 1;
	sh->nflows++;
}

/* How each action is drawn.  Actions are the backend's words; an unknown
 * one is drawn plainly. */
static const struct {
	const char *action;
	const char *style;
	bool moves;          /* the guest went to a handler (else it stayed put) */
} dot_styles[] = {
	{ "delivered", "color=black", true },
	{ "reflected", "color=blue, penwidth=2", true },
	{ "injected", "color=red, style=bold", true },
	{ "emulated", "color=darkgreen, style=dashed", false },
	{ "callout", "color=darkgreen, style=dotted", false },
	{ "shadow-fill", "color=gray40, style=dotted", false },
	{ "pt-write", "color=orange, style=dotted", false },
};

static size_t
dot_style(const char *action)
{
	for (size_t i = 0; i < ARRAY_SIZE(dot_styles); i++)
		if (strcmp(dot_styles[i].action, action) == 0)
			return i;
	return SIZE_MAX;
}

/* Graphviz string contents: escape quotes and backslashes. */
static void
dot_escape(FILE *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', out);
		fputc(*s, out);
	}
}

/* A node for a code address: "<sym+off>\n mnemonic" for a trapping
 * instruction, the handler's symbol for a handler. */
static void
dot_node(struct shell *sh, FILE *out, uint64_t addr, bool handler)
{
	char a[32], s[160], text[160];
	shell_format_addr(sh, addr, a, sizeof a);
	shell_symbolize(sh, addr, s, sizeof s);
	fprintf(out, "  \"n%llx\" [label=\"", (unsigned long long)addr);
	if (handler) {
		dot_escape(out, *s ? s : a);
		fprintf(out, "\\n%s\", shape=box, style=\"rounded,filled\", fillcolor=lightyellow];\n",
			a);
		return;
	}
	size_t len = sh->backend->ops->disassemble(sh->backend, addr, text, sizeof text);
	dot_escape(out, *s ? s : a);
	if (*s)
		fprintf(out, "\\n%s", a);
	if (len) {
		fputs("\\n", out);
		text[strcspn(text, " \t")] = '\0';     /* the mnemonic */
		dot_escape(out, text);
	}
	fputs("\", shape=box];\n", out);
}

static bool
dot_seen(const uint64_t *list, size_t n, uint64_t addr)
{
	for (size_t i = 0; i < n; i++)
		if (list[i] == addr)
			return true;
	return false;
}

static void
dot_write_graph(struct shell *sh, FILE *out)
{
	char what[512];
	sh->backend->ops->describe(sh->backend, what, sizeof what);
	fprintf(out, "// The trap flow of a TrapLab run: written by the monitor's `dot` command.\n"
		"// Render it with: dot -Tsvg FILE.dot -o FILE.svg\n"
		"digraph trapflow {\n"
		"  rankdir=LR;\n"
		"  node [fontname=\"monospace\", fontsize=10];\n"
		"  edge [fontname=\"monospace\", fontsize=9];\n"
		"  labelloc=t;\n  label=\"Trap flow: ");
	dot_escape(out, what);
	fprintf(out, "\\n%llu events. Boxes: guest instructions that trapped; yellow: "
		"handlers the guest went to.\\nEdges: cause, action x count. blue = reflected "
		"to the guest's vector, red bold = interrupt injected,\\nblack = delivered by "
		"the machine (bare), green dashed = emulated by the monitor (a loop: the guest "
		"stayed put),\\ngray/orange dotted = shadow page tables (fill, page-table "
		"write).\";\n", (unsigned long long)sh->events);

	/* nodes once each: trapping instructions, then handlers */
	uint64_t *done = calloc(2 * sh->nflows + 1, sizeof *done);
	size_t ndone = 0;
	for (size_t i = 0; done && i < sh->nflows; i++) {
		uint64_t pc = sh->flows[i].event.pc;
		if (!dot_seen(done, ndone, pc)) {
			done[ndone++] = pc;
			dot_node(sh, out, pc, false);
		}
	}
	for (size_t i = 0; done && i < sh->nflows; i++) {
		const struct backend_event *e = &sh->flows[i].event;
		size_t st = dot_style(e->action);
		bool moves = st == SIZE_MAX || dot_styles[st].moves;
		if (moves && !dot_seen(done, ndone, e->handler)) {
			done[ndone++] = e->handler;
			dot_node(sh, out, e->handler, true);
		}
	}
	free(done);
	for (size_t i = 0; i < sh->nflows; i++) {
		const struct shell_flow *f = &sh->flows[i];
		size_t st = dot_style(f->event.action);
		bool moves = st == SIZE_MAX || dot_styles[st].moves;
		fprintf(out, "  \"n%llx\" -> \"n%llx\" [label=\"",
			(unsigned long long)f->event.pc,
			(unsigned long long)(moves ? f->event.handler : f->event.pc));
		dot_escape(out, f->event.what);
		fputs("\\n", out);
		dot_escape(out, f->event.action);
		fprintf(out, " x%llu\"%s%s];\n", (unsigned long long)f->count,
			st == SIZE_MAX ? "" : ", ", st == SIZE_MAX ? "" : dot_styles[st].style);
	}
	/* Later (binary translation): `dot` will also draw the translation cache
	 * — blocks and their chaining — as a second graph; it belongs here. */
	fputs("}\n", out);
}

static void
dot_write_trap_flow(void *ctx, FILE *out)
{
	dot_write_graph(ctx, out);
}

int
shell_dot_write(struct shell *sh, const char *cmd, const char *path)
{
	char note[GRAPHVIZ_NOTE], err[GRAPHVIZ_NOTE];
	fflush(sh->out);
	if (graphviz_write(path, dot_write_trap_flow, sh, note, sizeof note, err, sizeof err) < 0) {
		shell_error(sh, cmd, "%s", err);
		return -1;
	}
	fprintf(sh->out, "Wrote the trap flow of %llu events (%zu edges): %s\n",
		(unsigned long long)sh->events, sh->nflows, note);
	return 0;
}
