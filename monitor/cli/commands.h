/* commands.h — the traplab subcommands, one function each (monitor/cli/main.c
 * keeps the table).  Each takes argc/argv with argv[0] = the command's name
 * and returns the process exit status (EXIT_* below); each has a usage
 * printer that is the command's manual page (`traplab CMD --help`). */
#ifndef TRAPLAB_COMMANDS_H
#define TRAPLAB_COMMANDS_H

#include <stdint.h>
#include <stdio.h>

int cmd_asm(int argc, char **argv);
int cmd_disasm(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_classify(int argc, char **argv);
int cmd_equiv(int argc, char **argv);
int cmd_monitor(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_bt(int argc, char **argv);
int cmd_kvm(int argc, char **argv);
int cmd_fuzz(int argc, char **argv);
void cmd_kvm_usage(FILE *out);
void cmd_asm_usage(FILE *out);
void cmd_disasm_usage(FILE *out);
void cmd_run_usage(FILE *out);
void cmd_classify_usage(FILE *out);
void cmd_equiv_usage(FILE *out);
void cmd_monitor_usage(FILE *out);
void cmd_compare_usage(FILE *out);
void cmd_bt_usage(FILE *out);
void cmd_fuzz_usage(FILE *out);

/* Exit statuses: one table for every command, one meaning per number
 * (exit_status.def; `traplab --help` prints it, README.md "Exit statuses").
 * EXIT_GUEST_VALUE..EXIT_GUEST_VALUE_MAX: the guest's own power-off value. */
enum {
#define EXIT_STATUS(value, name, meaning) EXIT_##name = value,
#include "exit_status.def"
#undef EXIT_STATUS
	EXIT_GUEST_VALUE_MAX = 63,
};

/* Each status's row in the table, for the masks of cli_print_exit_statuses:
 * EXIT_BIT(BUDGET) | EXIT_BIT(HALTED). */
enum {
#define EXIT_STATUS(value, name, meaning) EXIT_ROW_##name,
#include "exit_status.def"
#undef EXIT_STATUS
	EXIT_ROWS
};
#define EXIT_BIT(name) (UINT64_C(1) << EXIT_ROW_##name)
#define EXIT_ALL_BITS ((UINT64_C(1) << EXIT_ROWS) - 1)

/* What every command that runs a PG32 guest to its end returns for the way
 * it ended (cli_guest_exit_status): run and bt. */
#define EXIT_BITS_GUEST_END (EXIT_BIT(OK) | EXIT_BIT(GUEST_VALUE) | EXIT_BIT(GUEST_VALUE_HIGH) | \
			     EXIT_BIT(GUEST_FAULT) | EXIT_BIT(BUDGET) | EXIT_BIT(HALTED))

#endif
