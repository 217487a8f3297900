/* shell_settings.c — what the backend brings to the monitor: its settings
 * (`mode trap`, `isa legacy`, also as `set OPTION VALUE` and `show`) and
 * its tools (`equiv`), each turned into a command; and `set` for the
 * guest's registers and memory.  Every lab uses them (MONITOR.md
 * "Settings and tools", "Changing the guest").
 */
#include <string.h>

#include "shell_timeline.h"

enum { OPTION_VALUE_MAX = 128, WORD_BYTES = 4, BITS_PER_BYTE = 8 };

/* ===== the shell's own setting: max-instructions ================================= */

#define UNLIMITED "unlimited"

static void
shell_max_insns_show(struct shell *sh)
{
	if (sh->max_instructions)
		fprintf(sh->out, "%s: %llu (choices: N, %s)\n", SHELL_MAX_INSNS_SETTING,
			(unsigned long long)sh->max_instructions, UNLIMITED);
	else
		fprintf(sh->out, "%s: %s (choices: N, %s)\n", SHELL_MAX_INSNS_SETTING, UNLIMITED,
			UNLIMITED);
}

/* `set max-instructions N|unlimited` (0 is unlimited too, as in GDB).  It
 * limits runs to come; the guest does not restart. */
static void
shell_max_insns_set(struct shell *sh, const char *cmd, const char *value)
{
	char err[SHELL_ERR_MAX];
	uint64_t n = 0;
	if (strcmp(value, UNLIMITED) != 0 && shell_expr_eval(sh, value, &n, err, sizeof err) < 0) {
		shell_error(sh, cmd, "%s: %s (usage: set %s N|%s)", SHELL_MAX_INSNS_SETTING, err,
			    SHELL_MAX_INSNS_SETTING, UNLIMITED);
		return;
	}
	sh->max_instructions = n;
	shell_max_insns_show(sh);
}

const struct backend_option *
shell_option(struct shell *sh, const char *name)
{
	const struct backend_option *o = B(sh)->ops->options(B(sh));
	for (; o && o->name; o++)
		if (strcmp(o->name, name) == 0)
			return o;
	return NULL;
}

void
shell_option_choices(const struct backend_option *o, char *buf, size_t len)
{
	snprintf(buf, len, "%s", o->choices ? o->choices : "VALUE");
	for (char *p = buf; *p; p++)
		if (*p == ' ')
			*p = '|';
}

static void
shell_option_show(struct shell *sh, const struct backend_option *o)
{
	char value[OPTION_VALUE_MAX];
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
	char before[OPTION_VALUE_MAX], after[OPTION_VALUE_MAX], err[SHELL_ERR_MAX];
	if (B(sh)->ops->get_option(B(sh), o->name, before, sizeof before) < 0)
		before[0] = '\0';
	if (B(sh)->ops->set_option(B(sh), o->name, value, err, sizeof err) < 0) {
		shell_error(sh, cmd, "%s", err);
		return;
	}
	if (B(sh)->ops->get_option(B(sh), o->name, after, sizeof after) < 0)
		snprintf(after, sizeof after, "%s", value);
	shell_events_clear(sh);
	shell_diverge_end(sh);
	shell_timeline_forget(sh);
	fprintf(sh->out, "%s: %s -> %s%s\n", o->name, before, after,
		B(sh)->ops->loaded(B(sh)) ? " (the guest restarted from the beginning)" : "");
}

/* set *ADDR = VALUE: one little-endian word of virtual memory. */
static void
shell_set_word(struct shell *sh, const char *cmd, const char *lhs, uint64_t v)
{
	char err[SHELL_ERR_MAX], hex[SHELL_ADDR_MAX];
	uint64_t addr;
	uint8_t bytes[WORD_BYTES];
	if (shell_expr_eval(sh, lhs, &addr, err, sizeof err) < 0) {
		shell_error(sh, cmd, "%s", err);
		return;
	}
	for (int i = 0; i < WORD_BYTES; i++)
		bytes[i] = (uint8_t)(v >> (BITS_PER_BYTE * i));
	if (B(sh)->ops->write_memory(B(sh), addr, false, bytes, WORD_BYTES, err, sizeof err) < 0) {
		shell_error(sh, cmd, "%s", err);
		return;
	}
	shell_timeline_edited(sh);   /* the run goes on from this new state */
	shell_format_addr(sh, v, hex, sizeof hex);
	fprintf(sh->out, "*0x%llx = %s\n", (unsigned long long)addr, hex);
}

static void
shell_set_register(struct shell *sh, const char *cmd, const char *lhs, const char *rhs)
{
	char err[SHELL_ERR_MAX], hex[SHELL_ADDR_MAX];
	uint64_t v;
	if (!shell_need_guest(sh, cmd))
		return;
	if (*rhs == '\0') {
		shell_error(sh, cmd, "missing a value after '=' (usage: set REG = VALUE)");
		return;
	}
	if (shell_expr_eval(sh, rhs, &v, err, sizeof err) < 0) {
		shell_error(sh, cmd, "%s", err);
		return;
	}
	if (lhs[0] == '*') {
		shell_set_word(sh, cmd, lhs + 1, v);
		return;
	}
	const char *name = lhs[0] == '$' ? lhs + 1 : lhs;
	if (B(sh)->ops->set_register(B(sh), name, v, err, sizeof err) < 0) {
		shell_error(sh, cmd, "%s", err);
		return;
	}
	shell_timeline_edited(sh);
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

void
shell_cmd_set(struct shell *sh, const struct shell_argv *a)
{
	const struct shell_value *v = &a->arg[0];
	char text[SHELL_LINE_MAX];
	size_t len = 0;
	text[0] = '\0';
	for (int i = v->first; i < a->argc && len < sizeof text; i++)
		len += (size_t)snprintf(text + len, sizeof text - len, "%s%s",
					i > v->first ? " " : "", a->argv[i]);
	char *eq = strchr(text, '=');
	if (eq) {
		*eq = '\0';
		char *lhs = text, *rhs = eq + 1;
		shell_trim(lhs);
		shell_trim(rhs);
		const struct backend_option *o = shell_option(sh, lhs);
		if (strcmp(lhs, SHELL_MAX_INSNS_SETTING) == 0)
			shell_max_insns_set(sh, a->cmd, rhs);
		else if (o)
			shell_option_set(sh, a->cmd, o, rhs);
		else
			shell_set_register(sh, a->cmd, lhs, rhs);
		return;
	}
	if (strcmp(v->text, SHELL_MAX_INSNS_SETTING) == 0) {
		if (v->words < 2)
			shell_error(sh, a->cmd, "missing VALUE (usage: set %s N|%s)",
				    SHELL_MAX_INSNS_SETTING, UNLIMITED);
		else
			shell_max_insns_set(sh, a->cmd, text + strlen(SHELL_MAX_INSNS_SETTING) + 1);
		return;
	}
	const struct backend_option *o = shell_option(sh, v->text);
	if (!o) {
		shell_error(sh, a->cmd, "no setting '%s' (see: show; registers: set REG = VALUE)",
			    v->text);
		return;
	}
	if (v->words != 2) {
		char choices[OPTION_VALUE_MAX];
		shell_option_choices(o, choices, sizeof choices);
		shell_error(sh, a->cmd, "%s (usage: set %s %s)",
			    v->words < 2 ? "missing VALUE" : "one VALUE only", o->name, choices);
		return;
	}
	shell_option_set(sh, a->cmd, o, a->argv[v->first + 1]);
}

void
shell_cmd_show(struct shell *sh, const struct shell_argv *a)
{
	if (!a->arg[0].given) {
		for (const struct backend_option *o = B(sh)->ops->options(B(sh)); o && o->name; o++)
			shell_option_show(sh, o);
		shell_max_insns_show(sh);
		return;
	}
	if (strcmp(a->arg[0].text, SHELL_MAX_INSNS_SETTING) == 0) {
		shell_max_insns_show(sh);
		return;
	}
	const struct backend_option *o = shell_option(sh, a->arg[0].text);
	if (!o) {
		shell_error(sh, a->cmd, "no setting '%s' (see: show)", a->arg[0].text);
		return;
	}
	shell_option_show(sh, o);
}

static void
shell_run_tool(struct shell *sh, int argc, char **argv)
{
	char err[SHELL_ERR_MAX];
	struct backend *b = B(sh);
	if (!shell_need_guest(sh, argv[0]))
		return;
	fflush(sh->out);
	/* a tool may run the guest many times (equiv): Control-C stops it too */
	shell_catch_interrupt(sh, true);
	int rc = b->ops->run_tool(b, argc, argv, sh->out, err, sizeof err);
	shell_catch_interrupt(sh, false);
	if (rc < 0)
		shell_error(sh, argv[0], "%s", shell_strip_prefix(argv[0], err));
}

bool
shell_cmd_backend(struct shell *sh, int argc, char **argv)
{
	struct backend *b = B(sh);
	const struct backend_option *o = shell_option(sh, argv[0]);
	if (o) {
		char choices[OPTION_VALUE_MAX];
		shell_option_choices(o, choices, sizeof choices);
		if (argc == 1)
			shell_option_show(sh, o);
		else if (argc == 2)
			shell_option_set(sh, argv[0], o, argv[1]);
		else
			shell_error(sh, argv[0], "one VALUE only (usage: %s [%s])", o->name, choices);
		return true;
	}
	for (const struct backend_tool *t = b->ops->tools(b); t && t->name; t++)
		if (strcmp(t->name, argv[0]) == 0) {
			shell_run_tool(sh, argc, argv);
			return true;
		}
	return false;
}
