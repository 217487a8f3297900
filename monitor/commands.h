/* commands.h — the traplab subcommands, one function each (monitor/main.c
 * keeps the table).  Each takes argc/argv with argv[0] = the command's name
 * and returns the process exit status; each has a usage printer that is the
 * command's manual page (`traplab CMD --help`). */
#ifndef TRAPLAB_COMMANDS_H
#define TRAPLAB_COMMANDS_H

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
void cmd_kvm_usage(FILE *out);
void cmd_asm_usage(FILE *out);
void cmd_disasm_usage(FILE *out);
void cmd_run_usage(FILE *out);
void cmd_classify_usage(FILE *out);
void cmd_equiv_usage(FILE *out);
void cmd_monitor_usage(FILE *out);
void cmd_compare_usage(FILE *out);
void cmd_bt_usage(FILE *out);

/* Exit statuses shared by the commands (documented in each --help). */
enum {
	EXIT_OK = 0,
	EXIT_ERROR = 1,          /* bad input file: assembly errors, unreadable image */
	EXIT_USAGE = 2,          /* bad command line */
	EXIT_GUEST_FAULT = 3,    /* the guest trapped with no handler, or its handler faults */
	EXIT_BUDGET = 4,         /* the instruction budget ran out */
	EXIT_HALTED = 5,         /* the guest halted with nothing to wake it */
	EXIT_INCONCLUSIVE = 6,   /* equiv: no difference, but the budget ended the runs */
};

#endif
