/* shell_dot.c — pictures of what the monitor has seen, as Graphviz graphs.
 * `dot FILE` draws the trap flow of the run so far: every guest instruction
 * that trapped, the handler it went to, and how often, by cause and action
 * (Labs 3–7: where does trap-and-emulate spend its traps?).  The shell
 * counts every backend_event from the moment the guest starts; `trace traps`
 * only decides whether they are printed.  See it run:
 *     (traplab) continue 60000
 *     (traplab) dot traps.svg
 */
#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "shell.h"

extern char **environ;

enum { FLOWS_INITIAL = 64, PATH_MAX_LEN = 4096 };

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
	{ "shadow-fill", "color=gray40, style=dotted", false },
	{ "pt-write", "color=orange, style=dotted", false },
};

static size_t
dot_style(const char *action)
{
	for (size_t i = 0; i < sizeof dot_styles / sizeof dot_styles[0]; i++)
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

/* Is there an executable `dot` on the PATH? */
static bool
dot_installed(void)
{
	const char *path = getenv("PATH");
	char dir[PATH_MAX_LEN];
	for (const char *p = path ? path : "/usr/bin:/bin"; *p;) {
		size_t n = strcspn(p, ":");
		snprintf(dir, sizeof dir, "%.*s/dot", (int)n, p);
		if (n && access(dir, X_OK) == 0)
			return true;
		p += n;
		p += strspn(p, ":");
	}
	return false;
}

static const char *
dot_render_format(const char *path)
{
	static const char *const formats[] = { "png", "svg", "pdf" };
	const char *dot = strrchr(path, '.');
	for (size_t i = 0; dot && i < sizeof formats / sizeof formats[0]; i++)
		if (strcmp(dot + 1, formats[i]) == 0)
			return formats[i];
	return NULL;
}

/* Pipe the graph through `dot -Tformat -o path`. */
static int
dot_render(struct shell *sh, const char *cmd, const char *format, const char *path)
{
	int fds[2];
	if (pipe(fds) < 0) {
		shell_error(sh, cmd, "pipe: %s", strerror(errno));
		return -1;
	}
	char flag[16];
	snprintf(flag, sizeof flag, "-T%s", format);
	char *argv[] = { "dot", flag, "-o", (char *)path, NULL };
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fds[0], STDIN_FILENO);
	posix_spawn_file_actions_addclose(&fa, fds[1]);
	posix_spawn_file_actions_addclose(&fa, fds[0]);
	pid_t pid;
	int rc = posix_spawnp(&pid, "dot", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(fds[0]);
	if (rc != 0) {
		close(fds[1]);
		shell_error(sh, cmd, "cannot run dot: %s", strerror(rc));
		return -1;
	}
	FILE *out = fdopen(fds[1], "w");
	if (!out) {
		close(fds[1]);
		waitpid(pid, NULL, 0);
		shell_error(sh, cmd, "fdopen: %s", strerror(errno));
		return -1;
	}
	/* if dot dies early, a write fails: that must not kill the monitor */
	struct sigaction ignore = { .sa_handler = SIG_IGN }, old;
	sigemptyset(&ignore.sa_mask);
	sigaction(SIGPIPE, &ignore, &old);
	dot_write_graph(sh, out);
	fclose(out);
	sigaction(SIGPIPE, &old, NULL);
	int status;
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		shell_error(sh, cmd, "dot -T%s failed to render %s", format, path);
		return -1;
	}
	return 0;
}

int
shell_dot_write(struct shell *sh, const char *cmd, const char *path)
{
	const char *format = dot_render_format(path);
	fflush(sh->out);
	if (format && dot_installed()) {
		if (dot_render(sh, cmd, format, path) < 0)
			return -1;
		fprintf(sh->out, "Wrote %s: the trap flow of %llu events (%zu edges)\n", path,
			(unsigned long long)sh->events, sh->nflows);
		return 0;
	}
	/* plain text: to FILE itself, or to FILE.dot when FILE wanted a picture */
	char textpath[PATH_MAX_LEN];
	if (format)
		snprintf(textpath, sizeof textpath, "%.*s.dot",
			 (int)(strrchr(path, '.') - path), path);
	else
		snprintf(textpath, sizeof textpath, "%s", path);
	FILE *out = fopen(textpath, "w");
	if (!out) {
		shell_error(sh, cmd, "%s: %s", textpath, strerror(errno));
		return -1;
	}
	dot_write_graph(sh, out);
	if (fclose(out) != 0) {
		shell_error(sh, cmd, "%s: %s", textpath, strerror(errno));
		return -1;
	}
	fprintf(sh->out, "Wrote %s: the trap flow of %llu events (%zu edges)\n", textpath,
		(unsigned long long)sh->events, sh->nflows);
	if (format)
		fprintf(sh->out, "Graphviz is not installed: render it with "
			"dot -T%s %s -o %s\n", format, textpath, path);
	else
		fprintf(sh->out, "Render it with: dot -Tsvg %s -o picture.svg\n", textpath);
	return 0;
}
