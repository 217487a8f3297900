/* shell_args.c — a command line checked against its row of the table
 * (shell_table.c) before the command runs, as QEMU's monitor does with
 * args_type: which words are which argument, what is missing or too much,
 * the x/4w format, and every expression and count evaluated.  So each
 * command gets values, not words, and every command says "missing ADDR
 * (usage: ...)" the same way.  Every lab uses the monitor (MONITOR.md).
 */
#include <stdlib.h>
#include <string.h>

#include "shell_cmds.h"

enum { SYNOPSIS_MAX = 160 };

static void
shell_arg_synopsis(const struct shell_arg *args, char *buf, size_t len)
{
	size_t used = 0;
	int open = 0;
	buf[0] = '\0';
	for (int i = 0; i < SHELL_CMD_ARGS && args[i].name && used < len; i++) {
		const struct shell_arg *g = &args[i];
		bool optional = g->flags & ARG_OPTIONAL;
		used += (size_t)snprintf(buf + used, len - used, "%s%s%s%s", i ? " " : "",
					 optional ? "[" : "", g->name, g->flags & ARG_MANY ? "..." : "");
		/* "[ADDR [N]]": an optional argument only after the one before it */
		open += optional;
		if (g->flags & ARG_MANY && optional && used < len) {
			used += (size_t)snprintf(buf + used, len - used, "]");
			open--;
		}
	}
	while (open-- > 0 && used < len)
		used += (size_t)snprintf(buf + used, len - used, "]");
}

void
shell_cmd_synopsis(const struct shell_cmd *cmd, const char *prefix, char *buf, size_t len)
{
	char args[SYNOPSIS_MAX] = "", format[SYNOPSIS_MAX] = "";
	if (cmd->sub) {
		size_t used = 0;
		for (const struct shell_cmd *t = cmd->sub; t->name && used < sizeof args; t++)
			used += (size_t)snprintf(args + used, sizeof args - used, "%s%s",
						 t == cmd->sub ? "" : "|", t->name);
	} else {
		shell_arg_synopsis(cmd->args, args, sizeof args);
	}
	if (cmd->format) {          /* "[/N{b|h|w|g|i}]" */
		size_t used = (size_t)snprintf(format, sizeof format, "[/N{");
		for (const char *u = cmd->format; *u && used < sizeof format; u++)
			used += (size_t)snprintf(format + used, sizeof format - used, "%s%c",
						 u == cmd->format ? "" : "|", *u);
		snprintf(format + used, sizeof format - used, "}]");
	}
	snprintf(buf, len, "%s%s%s%s%s", prefix, cmd->name, format, *args ? " " : "", args);
}

static void
shell_usage_error(struct shell *sh, const struct shell_cmd *cmd, const char *prefix,
		  const char *cmdname, const char *what, const char *hint)
{
	char synopsis[SYNOPSIS_MAX];
	shell_cmd_synopsis(cmd, prefix, synopsis, sizeof synopsis);
	shell_error(sh, cmdname, "%s (usage: %s%s%s)", what, synopsis, *hint ? "; " : "", hint);
}

/* "x/4w": count and unit letter after the slash. */
static bool
shell_parse_format(struct shell *sh, const struct shell_cmd *cmd, struct shell_argv *a)
{
	const char *slash = strchr(a->argv[0], '/');
	a->count = 1;
	a->unit = 'w';
	if (!slash)
		return true;
	const char *p = slash + 1;
	if (*p >= '0' && *p <= '9') {
		char *end;
		a->count = strtoull(p, &end, 10);
		p = end;
	}
	if (*p && strchr(cmd->format, *p) && p[1] == '\0')
		a->unit = *p;
	else if (*p) {
		/* xp/i is refused by xp itself, which says why */
		if (*p == 'i' && p[1] == '\0')
			a->unit = 'i';
		else {
			shell_error(sh, a->cmd, "bad format '%s' (use /N followed by b, h, w, g or i)",
				    slash);
			return false;
		}
	}
	if (a->count == 0 || a->count > EXAMINE_MAX_UNITS) {
		shell_error(sh, a->cmd, "count %llu out of range (1 to %d)",
			    (unsigned long long)a->count, EXAMINE_MAX_UNITS);
		return false;
	}
	return true;
}

/* Which words are which argument; false after "missing ..." or "too many". */
static bool
shell_assign_words(struct shell *sh, const struct shell_cmd *cmd, const char *prefix,
		   struct shell_argv *a)
{
	int w = 1;
	for (int i = 0; i < SHELL_CMD_ARGS && cmd->args[i].name; i++) {
		const struct shell_arg *g = &cmd->args[i];
		struct shell_value *v = &a->arg[i];
		if (w >= a->argc) {
			if (g->flags & ARG_OPTIONAL)
				continue;
			char what[SYNOPSIS_MAX];
			snprintf(what, sizeof what, "missing %s", g->name);
			shell_usage_error(sh, cmd, prefix, a->cmd, what, "");
			return false;
		}
		v->given = true;
		v->first = w;
		v->text = a->argv[w];
		v->words = g->flags & (ARG_SPACES | ARG_MANY) ? a->argc - w : 1;
		w += v->words;
	}
	if (w >= a->argc)
		return true;
	/* the likely slip: a file name or an expression with spaces in it */
	char hint[SYNOPSIS_MAX] = "";
	for (int i = 0; i < SHELL_CMD_ARGS && cmd->args[i].name && !*hint; i++)
		if (cmd->args[i].kind == ARG_FILE)
			snprintf(hint, sizeof hint, "quote a name with spaces");
		else if (cmd->args[i].kind == ARG_EXPR && !(cmd->args[i].flags & ARG_SPACES))
			snprintf(hint, sizeof hint, "write %s without spaces", cmd->args[i].name);
	shell_usage_error(sh, cmd, prefix, a->cmd, "too many arguments", hint);
	return false;
}

/* "on or off", "breakpoints, registers or vcpu" */
static void
shell_choice_list(const char *words, char *buf, size_t len)
{
	size_t used = 0, n = 0, total = 0;
	for (const char *p = words; *p; p += strspn(p, " "), total++)
		p += strcspn(p, " ");
	buf[0] = '\0';
	for (const char *p = words; *p && used < len; n++) {
		size_t w = strcspn(p, " ");
		const char *sep = n == 0 ? "" : n + 1 == total ? " or " : ", ";
		used += (size_t)snprintf(buf + used, len - used, "%s%.*s", sep, (int)w, p);
		p += w;
		p += strspn(p, " ");
	}
}

/* Evaluate expressions and counts, check words against their choices. */
static bool
shell_check_values(struct shell *sh, const struct shell_cmd *cmd, const char *prefix,
		   struct shell_argv *a)
{
	char err[SHELL_ERR_MAX], what[SHELL_ERR_MAX], choices[SYNOPSIS_MAX];
	for (int i = 0; i < SHELL_CMD_ARGS && cmd->args[i].name; i++) {
		const struct shell_arg *g = &cmd->args[i];
		struct shell_value *v = &a->arg[i];
		if (!v->given)
			continue;
		switch (g->kind) {
		case ARG_EXPR:
		case ARG_COUNT:
			if (shell_expr_eval_args(sh, v->words, a->argv + v->first, &v->value, err,
						 sizeof err) < 0) {
				shell_error(sh, a->cmd, "%s", err);
				return false;
			}
			if (g->kind == ARG_COUNT && v->value == 0) {
				shell_error(sh, a->cmd, "the count must be at least 1");
				return false;
			}
			break;
		case ARG_WORD:
			if (shell_words_have(g->choices, v->text))
				break;
			shell_choice_list(g->choices, choices, sizeof choices);
			snprintf(what, sizeof what, "'%s' is not %s", v->text, choices);
			shell_usage_error(sh, cmd, prefix, a->cmd, what, "");
			return false;
		default:
			break;             /* the command reads it */
		}
	}
	return true;
}

/* `info registers`: the topic picked from the sub-table, by unambiguous prefix. */
static const struct shell_cmd *
shell_pick_topic(struct shell *sh, const struct shell_cmd *cmd, struct shell_argv *a)
{
	char topics[SYNOPSIS_MAX] = "";
	size_t used = 0;
	for (const struct shell_cmd *t = cmd->sub; t->name && used < sizeof topics; t++)
		used += (size_t)snprintf(topics + used, sizeof topics - used, "%s%s",
					 t == cmd->sub ? "" : " ", t->name);
	if (a->argc < 2) {
		shell_usage_error(sh, cmd, "", a->cmd, "missing TOPIC", "");
		return NULL;
	}
	const struct shell_cmd *topic = shell_cmd_find_prefix(cmd->sub, a->argv[1]);
	if (!topic) {
		char choices[SYNOPSIS_MAX];
		shell_choice_list(topics, choices, sizeof choices);
		shell_error(sh, a->cmd, "no topic '%s' (choose %s)", a->argv[1], choices);
		return NULL;
	}
	used = strlen(a->name);            /* "info" -> "info registers" */
	snprintf(a->name + used, sizeof a->name - used, " %s", topic->name);
	a->argc--;
	a->argv++;
	return topic;
}

const struct shell_cmd *
shell_cmd_prepare(struct shell *sh, const struct shell_cmd *cmd, int argc, char **argv,
		  struct shell_argv *a)
{
	char prefix[SYNOPSIS_MAX] = "";
	*a = (struct shell_argv){ .argc = argc, .argv = argv, .count = 1, .unit = 'w' };
	/* "x" for x/4w */
	snprintf(a->name, sizeof a->name, "%.*s", (int)strcspn(argv[0], "/"), argv[0]);
	a->cmd = a->name;
	if (cmd->sub) {
		snprintf(prefix, sizeof prefix, "%s ", cmd->name);
		cmd = shell_pick_topic(sh, cmd, a);
		if (!cmd)
			return NULL;
	}
	if (!shell_assign_words(sh, cmd, prefix, a))
		return NULL;
	if ((cmd->flags & CMD_GUEST) && !shell_need_guest(sh, a->cmd))
		return NULL;
	if (cmd->format && !shell_parse_format(sh, cmd, a))
		return NULL;
	if (!shell_check_values(sh, cmd, prefix, a))
		return NULL;
	return cmd;
}
