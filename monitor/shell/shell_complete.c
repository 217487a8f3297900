/* shell_complete.c — Tab completion in the monitor, chosen by the kind of
 * the argument being typed (shell_table.c), as GDB gives each command its
 * completer: symbols and $registers for an expression, the words of a
 * choice, the topics of `info`, mnemonics for `explain`, file names left
 * to readline.  Every lab uses the monitor (MONITOR.md "Using it at a
 * terminal").
 */
#include <string.h>

#include "shell_cmds.h"

typedef void (*shell_add_fn)(void *ctx, const char *name);

enum { POINT_NUMBER_MAX = 16 };

void
shell_cmd_names(struct shell *sh, shell_add_fn add, void *ctx)
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
shell_add_symbols(struct shell *sh, shell_add_fn add, void *ctx)
{
	const struct symtab *syms = B(sh)->ops->symbols(B(sh));
	for (size_t i = 0; syms && i < syms->count; i++)
		add(ctx, syms->entries[i].name);
}

static void
shell_add_options(struct shell *sh, shell_add_fn add, void *ctx)
{
	for (const struct backend_option *o = B(sh)->ops->options(B(sh)); o && o->name; o++)
		add(ctx, o->name);
	add(ctx, SHELL_MAX_INSNS_SETTING);
}

/* `set`: a setting or a register first, then the setting's choices, or
 * an expression after "REG =". */
static void
shell_complete_set(struct shell *sh, int argc, char **argv, int argi, shell_add_fn add,
		   void *ctx)
{
	const struct backend_option *o = argc > 1 ? shell_option(sh, argv[1]) : NULL;
	if (argi == 1) {
		shell_add_options(sh, add, ctx);
		shell_add_registers(sh, false, add, ctx);
	} else if (o && argi == 2) {
		shell_add_words(o->choices, add, ctx);
	} else {
		shell_add_symbols(sh, add, ctx);
		shell_add_registers(sh, true, add, ctx);
	}
}

/* `help`: commands, classes and the other topics; then `info`'s topics. */
static void
shell_complete_help(struct shell *sh, int argc, char **argv, int argi, shell_add_fn add,
		    void *ctx)
{
	if (argi == 1) {
		shell_cmd_names(sh, add, ctx);
		for (int i = 0; i < CLASS_COUNT; i++)
			add(ctx, shell_classes[i].name);
		add(ctx, "expressions");
		add(ctx, "all");
		return;
	}
	const struct shell_cmd *c = argc > 1 ? shell_cmd_find(argv[1]) : NULL;
	for (const struct shell_cmd *t = c && argi == 2 ? c->sub : NULL; t && t->name; t++)
		add(ctx, t->name);
}

static bool
shell_complete_kind(struct shell *sh, const struct shell_arg *g, int argc, char **argv,
		    int argi, shell_add_fn add, void *ctx)
{
	switch (g->kind) {
	case ARG_EXPR:
		shell_add_symbols(sh, add, ctx);
		shell_add_registers(sh, true, add, ctx);
		break;
	case ARG_COUNT:
		break;                 /* a number */
	case ARG_FILE:
		return false;          /* readline completes file names */
	case ARG_WORD:
		shell_add_words(g->choices, add, ctx);
		break;
	case ARG_COMMAND:
		shell_complete_help(sh, argc, argv, argi, add, ctx);
		break;
	case ARG_OPTION:
		shell_add_options(sh, add, ctx);
		break;
	case ARG_ASSIGNMENT:
		shell_complete_set(sh, argc, argv, argi, add, ctx);
		break;
	case ARG_POINT:
		add(ctx, "all");
		for (size_t i = 0; i < sh->npoints; i++) {
			char n[POINT_NUMBER_MAX];
			snprintf(n, sizeof n, "%d", sh->points[i].number);
			add(ctx, n);
		}
		break;
	case ARG_MNEMONIC:
		shell_add_mnemonics(add, ctx);
		break;
	case ARG_TEXT:
		break;                 /* anything */
	}
	return true;
}

/* The argument of `cmd` that word `argi` (1: the first after the command
 * word) is, or NULL past the last. */
static const struct shell_arg *
shell_arg_at(const struct shell_cmd *cmd, int argi)
{
	int w = 1;
	for (int i = 0; i < SHELL_CMD_ARGS && cmd->args[i].name; i++) {
		if (cmd->args[i].flags & (ARG_SPACES | ARG_MANY) || w == argi)
			return &cmd->args[i];
		w++;
	}
	return NULL;
}

bool
shell_cmd_complete(struct shell *sh, int argc, char **argv, int argi, shell_add_fn add,
		   void *ctx)
{
	const struct backend_option *o = shell_option(sh, argv[0]);
	if (o) {
		if (argi == 1)
			shell_add_words(o->choices, add, ctx);
		return true;
	}
	char name[SHELL_CMD_NAME_MAX];
	snprintf(name, sizeof name, "%.*s", (int)strcspn(argv[0], "/"), argv[0]);
	const struct shell_cmd *c = shell_cmd_find(name);
	if (c && c->sub) {            /* `info`: a topic, then the topic's arguments */
		if (argi == 1) {
			for (const struct shell_cmd *t = c->sub; t->name; t++)
				add(ctx, t->name);
			return true;
		}
		c = shell_cmd_find_prefix(c->sub, argv[1]);
		argi--;
		argc--;
		argv++;
	}
	const struct shell_arg *g = c ? shell_arg_at(c, argi) : NULL;
	if (!g)
		return true;            /* a tool, nothing known, or no more arguments */
	return shell_complete_kind(sh, g, argc, argv, argi, add, ctx);
}
