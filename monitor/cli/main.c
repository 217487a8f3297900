/* main.c — the `traplab` program: one command table, git style
 * (`traplab asm`, `traplab run`, ...), and the top-level --help.  Every lab
 * starts from one of these commands; a new command is one row below plus
 * its cmd_*.c file.
 */
#include <stdio.h>
#include <string.h>

#include "cli_options.h"
#include "commands.h"

#define TRAPLAB_VERSION "0.1"

struct command {
	const char *name;
	const char *summary;
	int (*run)(int argc, char **argv);
	void (*usage)(FILE *out);
};

static const struct command commands[] = {
	{ "monitor", "the interactive monitor: step, inspect, compare (default)", cmd_monitor, cmd_monitor_usage },
	{ "asm",    "assemble PG32 source into an image and a symbol file", cmd_asm,    cmd_asm_usage },
	{ "disasm", "disassemble a PG32 image back into assembly",          cmd_disasm, cmd_disasm_usage },
	{ "run",    "run a PG32 guest, bare or under the monitor",          cmd_run,    cmd_run_usage },
	{ "equiv",  "check that the monitor's modes are equivalent to bare", cmd_equiv, cmd_equiv_usage },
	{ "fuzz",   "generated guests from a seed, each checked as equiv does", cmd_fuzz, cmd_fuzz_usage },
	{ "classify", "derive every instruction's Popek-Goldberg class",    cmd_classify, cmd_classify_usage },
	{ "compare", "one guest under every approach, side by side",      cmd_compare, cmd_compare_usage },
	{ "bt",     "run a guest under binary translation; its translation cache", cmd_bt, cmd_bt_usage },
	{ "kvm", "run a real x86 guest on /dev/kvm", cmd_kvm, cmd_kvm_usage },
};
enum { NCOMMANDS = ARRAY_SIZE(commands) };

static void
traplab_usage(FILE *out)
{
	fprintf(out,
		"NAME\n"
		"    traplab - an educational hypervisor: watch Popek and Goldberg's theorems\n"
		"    hold and fail on the PG32 instruction set\n"
		"\n"
		"SYNOPSIS\n"
		"    traplab                      (the monitor on minios)\n"
		"    traplab COMMAND [OPTIONS] [ARGS]\n"
		"    traplab help [COMMAND]\n"
		"    traplab --version\n"
		"\n"
		"COMMANDS\n");
	for (int i = 0; i < NCOMMANDS; i++)
		fprintf(out, "    %-9s %s\n", commands[i].name, commands[i].summary);
	fprintf(out,
		"\n"
		"    `traplab COMMAND --help` shows the manual of one command.\n"
		"\n"
		"EXIT STATUS\n"
		"    One table for every command, one meaning per number; each command's\n"
		"    manual lists the statuses it can return.\n");
	cli_print_exit_statuses(out, EXIT_ALL_BITS);
	fprintf(out,
		"\n"
		"FILES\n"
		"    isa/SPEC.md         the PG32 architecture manual\n"
		"    isa/ASSEMBLER.md    the assembly language\n"
		"    guests/pg32/        guests: hello.s, minios/ (the default guest)\n"
		"\n"
		"EXAMPLES\n"
		"    traplab run guests/pg32/hello.s\n"
		"    traplab run --trace --max-instructions 50 guests/pg32/minios/minios.s\n"
		"    traplab asm guests/pg32/hello.s -o hello.img && traplab disasm hello.img\n");
}

static const struct command *
find_command(const char *name)
{
	for (int i = 0; i < NCOMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

int
main(int argc, char **argv)
{
	if (argc < 2) {
		/* plain `traplab`: the monitor on the default guest, minios */
		char *monitor_argv[] = { "monitor", NULL };
		return cmd_monitor(1, monitor_argv);
	}
	const char *name = argv[1];
	if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0) {
		traplab_usage(stdout);
		return EXIT_OK;
	}
	if (strcmp(name, "--version") == 0) {
		printf("traplab %s\n", TRAPLAB_VERSION);
		return EXIT_OK;
	}
	if (strcmp(name, "help") == 0) {
		if (argc < 3) {
			traplab_usage(stdout);
			return EXIT_OK;
		}
		const struct command *cmd = find_command(argv[2]);
		if (!cmd) {
			fprintf(stderr, "traplab: help: no command '%s' (see 'traplab --help')\n", argv[2]);
			return EXIT_USAGE;
		}
		cmd->usage(stdout);
		return EXIT_OK;
	}
	const struct command *cmd = find_command(name);
	if (!cmd) {
		fprintf(stderr, "traplab: '%s' is not a command (see 'traplab --help')\n", name);
		return EXIT_USAGE;
	}
	return cmd->run(argc - 1, argv + 1);
}
