/* shell_session.c — the monitor's session commands: `source FILE`, `quit`,
 * and `explain MNEMONIC|WORD`, which asks monitor/tools/explain.c what an
 * instruction does and how each PG32 variant classes it (Lab 2's question,
 * at the prompt).  Every lab uses the monitor (MONITOR.md).
 */
#include <string.h>

#include "shell_cmds.h"

#if __has_include("explain.h")
#include "explain.h"
#define SHELL_HAVE_EXPLAIN 1
#else
#define SHELL_HAVE_EXPLAIN 0
#endif

void
shell_cmd_source(struct shell *sh, const struct shell_argv *a)
{
	shell_run_script(sh, a->arg[0].text);
}

void
shell_cmd_quit(struct shell *sh, const struct shell_argv *a)
{
	(void)a;
	sh->quit = true;
}

void
shell_cmd_explain(struct shell *sh, const struct shell_argv *a)
{
#if SHELL_HAVE_EXPLAIN
	char err[SHELL_ERR_MAX];
	fflush(sh->out);
	if (explain_instruction(sh->out, a->arg[0].text, err, sizeof err) < 0)
		shell_error(sh, a->cmd, "%s", shell_strip_prefix(a->cmd, err));
#else
	shell_error(sh, a->cmd, "not in this build (monitor/tools/explain.h is missing); "
		    "isa/SPEC.md describes '%s'", a->arg[0].text);
#endif
}

/* Every mnemonic of PG32, for Tab after `explain`. */
void
shell_add_mnemonics(void (*add)(void *ctx, const char *name), void *ctx)
{
	for (int op = 0; op < OP_COUNT; op++)
		add(ctx, isa_op_info((enum isa_opcode)op)->name);
}
