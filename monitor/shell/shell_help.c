/* shell_help.c — `help`, generated from the command table (shell_table.c)
 * and the backend's lists: plain `help` is one screen, the commands by
 * class; `help CLASS` gives each command of a class its line; `help CMD`
 * the long help; `help all` everything; `help expressions` the syntax of
 * ADDR, N and VALUE.  Every lab uses the monitor (MONITOR.md "Commands").
 */
#include <ctype.h>
#include <string.h>

#include "shell_cmds.h"

enum {
	HELP_INDENT = 4,               /* long help, under its synopsis */
	HELP_WIDTH = 78,               /* wrap before this column */
	SYNOPSIS_WIDTH = 28,           /* `help CLASS`: the synopsis column */
	CLASS_WIDTH = 13,              /* plain `help`: the class column */
	HELP_CLASS_INDENT = 2,
	HELP_TEXT_MAX = 512,
	NAMES_MAX = 64,
	HELP_ITEMS_MAX = 24,           /* commands in one class, at most */
};

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

/* "continue, c, run" */
static void
shell_names(const struct shell_cmd *c, char *buf, size_t len)
{
	size_t used = (size_t)snprintf(buf, len, "%s", c->name);
	for (const char *a = c->aliases; *a && used < len;) {
		size_t w = strcspn(a, " ");
		used += (size_t)snprintf(buf + used, len - used, ", %.*s", (int)w, a);
		a += w;
		a += strspn(a, " ");
	}
}

/* "  continue, c, run [N]        Runs the guest until something stops it" */
static void
shell_help_row(struct shell *sh, const char *names, const char *args, const char *summary)
{
	char synopsis[HELP_TEXT_MAX];
	snprintf(synopsis, sizeof synopsis, "%s%s", names, args);
	int col = 0;
	if ((int)strlen(synopsis) > SYNOPSIS_WIDTH)
		fprintf(sh->out, "  %s\n", synopsis);      /* the summary goes below */
	else
		col = fprintf(sh->out, "  %-*s", SYNOPSIS_WIDTH, synopsis);
	shell_print_paragraph(sh->out, summary, SYNOPSIS_WIDTH + 3, HELP_WIDTH, col);
}

static void
shell_help_cmd_row(struct shell *sh, const struct shell_cmd *c, const char *prefix)
{
	char names[NAMES_MAX], synopsis[HELP_TEXT_MAX], full[NAMES_MAX];
	shell_names(c, names, sizeof names);
	shell_cmd_synopsis(c, "", synopsis, sizeof synopsis);
	snprintf(full, sizeof full, "%s%s", prefix, names);
	shell_help_row(sh, full, synopsis + strlen(c->name), c->summary);
}

static void
shell_help_class(struct shell *sh, enum shell_cmd_class cls)
{
	struct backend *b = B(sh);
	fprintf(sh->out, "%c%s:\n", toupper((unsigned char)shell_classes[cls].title[0]),
		shell_classes[cls].title + 1);
	for (const struct shell_cmd *c = shell_cmds; c->name; c++)
		if (c->cls == cls)
			shell_help_cmd_row(sh, c, "");
	if (cls == CLASS_SETTINGS)
		for (const struct backend_option *o = b->ops->options(b); o && o->name; o++) {
			char args[HELP_TEXT_MAX], choices[HELP_TEXT_MAX - NAMES_MAX];
			shell_option_choices(o, choices, sizeof choices);
			snprintf(args, sizeof args, " [%s]", choices);
			shell_help_row(sh, o->name, args, o->help);
		}
	if (cls == CLASS_COMPARING)
		for (const struct backend_tool *t = b->ops->tools(b); t && t->name; t++) {
			const char *args = strncmp(t->usage, t->name, strlen(t->name)) == 0
						   ? t->usage + strlen(t->name) : t->usage;
			shell_help_row(sh, t->name, args, t->help);
		}
}

/* Plain `help`, one class: its commands, "name (aliases)" each, wrapped
 * between them, never inside one. */
struct help_items {
	char text[HELP_ITEMS_MAX][NAMES_MAX];
	size_t count;
};

static void
help_item(struct help_items *items, const char *name, const char *aliases)
{
	if (items->count == HELP_ITEMS_MAX)
		return;
	char *text = items->text[items->count++];
	size_t used = (size_t)snprintf(text, NAMES_MAX, "%s", name);
	for (const char *a = aliases; *a && used < NAMES_MAX;) {   /* "continue (c, run)" */
		size_t w = strcspn(a, " ");
		used += (size_t)snprintf(text + used, NAMES_MAX - used, "%s%.*s",
					 a == aliases ? " (" : ", ", (int)w, a);
		a += w;
		a += strspn(a, " ");
	}
	if (*aliases && used < NAMES_MAX)
		snprintf(text + used, NAMES_MAX - used, ")");
}

static void
shell_help_class_line(FILE *out, struct backend *b, enum shell_cmd_class cls, int indent)
{
	struct help_items items = { .count = 0 };
	for (const struct shell_cmd *c = shell_cmds; c->name; c++)
		if (c->cls == cls)
			help_item(&items, c->name, c->aliases);
	for (const struct backend_option *o = b ? b->ops->options(b) : NULL;
	     cls == CLASS_SETTINGS && o && o->name; o++)
		help_item(&items, o->name, "");
	for (const struct backend_tool *t = b ? b->ops->tools(b) : NULL;
	     cls == CLASS_COMPARING && t && t->name; t++)
		help_item(&items, t->name, "");
	if (!items.count)
		return;                /* a backend with no tools */
	int col = fprintf(out, "%*s%-*s", indent, "", CLASS_WIDTH, shell_classes[cls].name);
	for (size_t i = 0; i < items.count; i++) {
		bool last = i + 1 == items.count;
		int len = (int)strlen(items.text[i]) + (last ? 0 : 1);
		if (i && col + 1 + len > HELP_WIDTH)
			col = fprintf(out, "\n%*s", indent + CLASS_WIDTH, "") - 1;
		else if (i)
			col += fprintf(out, " ");
		col += fprintf(out, "%s%s", items.text[i], last ? "" : ",");
	}
	fputc('\n', out);
}

void
shell_help_classes(FILE *out, struct backend *b, int indent)
{
	for (int cls = 0; cls < CLASS_COUNT; cls++)
		shell_help_class_line(out, b, (enum shell_cmd_class)cls, indent);
}

/* Plain `help`: one screen. */
static void
shell_help_overview(struct shell *sh)
{
	fprintf(sh->out, "Commands by class (aliases in brackets); Tab completes them:\n");
	shell_help_classes(sh->out, B(sh), HELP_CLASS_INDENT);
	fprintf(sh->out, "'help CLASS' gives each command of a class its line, 'help CMD' tells "
		"all\nabout one, 'help all' lists every command. ADDR, N and VALUE are "
		"expressions:\n'help expressions'.\n");
}

static void
shell_help_command(struct shell *sh, const struct shell_cmd *c, const char *prefix)
{
	char synopsis[HELP_TEXT_MAX];
	shell_cmd_synopsis(c, prefix, synopsis, sizeof synopsis);
	fprintf(sh->out, "%s\n", synopsis);
	if (*c->aliases)
		fprintf(sh->out, "  (also: %s)\n", c->aliases);
	shell_print_paragraph(sh->out, c->help, HELP_INDENT, HELP_WIDTH, 0);
	if (c->sub) {
		char sub_prefix[NAMES_MAX];
		snprintf(sub_prefix, sizeof sub_prefix, "%s ", c->name);
		fprintf(sh->out, "Topics:\n");
		for (const struct shell_cmd *t = c->sub; t->name; t++)
			shell_help_cmd_row(sh, t, sub_prefix);
	}
}

/* A setting or tool of the backend; false if `name` is neither. */
static bool
shell_help_backend(struct shell *sh, const char *name)
{
	struct backend *b = B(sh);
	const struct backend_option *o = shell_option(sh, name);
	if (o) {
		char choices[HELP_TEXT_MAX];
		shell_option_choices(o, choices, sizeof choices);
		fprintf(sh->out, "%s [%s]\n", o->name, choices);
		shell_print_paragraph(sh->out, o->help, HELP_INDENT, HELP_WIDTH, 0);
		return true;
	}
	for (const struct backend_tool *t = b->ops->tools(b); t && t->name; t++)
		if (strcmp(t->name, name) == 0) {
			fprintf(sh->out, "%s\n", t->usage);
			shell_print_paragraph(sh->out, t->help, HELP_INDENT, HELP_WIDTH, 0);
			return true;
		}
	return false;
}

static void
shell_help_expressions(struct shell *sh)
{
	fprintf(sh->out, "Expressions (ADDR, N, VALUE):\n");
	shell_print_paragraph(sh->out, "numbers: 42, 0x2a, 0b101010; symbols of the guest: "
			      "minios_syscall, task_a; registers: $r1 $sp $pc $psw (or a plain "
			      "name such as pc when no symbol has it); operators, loosest "
			      "first: | ^ & << >> + - * / %, unary - ~, and parentheses. "
			      "Examples: minios_syscall+8, $sp-16, (1<<4)|3.",
			      HELP_INDENT, HELP_WIDTH, 0);
}

void
shell_cmd_help(struct shell *sh, const struct shell_argv *a)
{
	const struct shell_value *v = &a->arg[0];
	if (!v->given) {
		shell_help_overview(sh);
		return;
	}
	const char *what = v->text;
	const struct shell_cmd *c = shell_cmd_find(what);
	const struct shell_cmd *topic = c && c->sub && v->words > 1
						? shell_cmd_find_prefix(c->sub, a->argv[v->first + 1])
						: NULL;
	if (v->words > 1 && !topic) {
		shell_error(sh, a->cmd, "no topic '%s' of '%s' (try 'help %s')",
			    a->argv[v->first + 1], what, what);
		return;
	}
	char prefix[NAMES_MAX];
	if (topic) {
		snprintf(prefix, sizeof prefix, "%s ", c->name);
		shell_help_command(sh, topic, prefix);
	} else if (c) {
		shell_help_command(sh, c, "");
	} else if (shell_class_find(what) != CLASS_COUNT) {
		shell_help_class(sh, shell_class_find(what));
	} else if (strcmp(what, "all") == 0) {
		for (int cls = 0; cls < CLASS_COUNT; cls++)
			shell_help_class(sh, (enum shell_cmd_class)cls);
	} else if (strcmp(what, "expressions") == 0) {
		shell_help_expressions(sh);
	} else if (!shell_help_backend(sh, what)) {
		shell_error(sh, a->cmd, "no command '%s' (try 'help')", what);
	}
}
