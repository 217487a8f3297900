/* cli_options.h — what several traplab commands share on their command
 * lines: parsers for --isa, --mode, --memory, --max-instructions, --place,
 * --format and counts (each prints one line "traplab CMD: --opt=VALUE: what
 * is wrong" and returns false on bad input), the bad-option complaint, the
 * one guest operand, a run's exit status, the EXIT STATUS section of each
 * manual, and asm/disasm's file options. */
#ifndef TRAPLAB_CLI_OPTIONS_H
#define TRAPLAB_CLI_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "commands.h"
#include "isa.h"
#include "vm.h"

enum cli_format { FORMAT_TEXT, FORMAT_JSON, FORMAT_CSV, FORMAT_MARKDOWN };

bool cli_parse_variant(const char *cmd, const char *arg, enum isa_variant *out);
bool cli_parse_mode(const char *cmd, const char *arg, enum vm_mode *out);
/* The names of the modes from `first` on (vm_mode_name), joined: "bare|trap|..."
 * with sep = last = "|", "bare, trap, ... or pv" with ", " and " or ". */
enum { CLI_MODE_LIST_LEN = 64 };
void cli_mode_list(char *buf, size_t len, enum vm_mode first, const char *sep, const char *last);
bool cli_parse_memory(const char *cmd, const char *arg, uint32_t *bytes);
/* In every mode but bare the monitor keeps part of the machine's memory:
 * false (one line printed) if `bytes` of guest memory do not fit then. */
bool cli_check_monitor_memory(const char *cmd, enum vm_mode mode, uint32_t bytes);
bool cli_parse_budget(const char *cmd, const char *arg, uint64_t *budget);
bool cli_parse_place(const char *cmd, const char *arg, enum vm_placement *out);
/* A decimal count from `min` to `max` for the option --`name`
 * (--cache-blocks, --reps). */
bool cli_parse_count(const char *cmd, const char *name, const char *arg, unsigned min,
		     unsigned max, unsigned *out);
/* `allowed` is a mask of 1 << FORMAT_* the command supports. */
bool cli_parse_format(const char *cmd, const char *arg, unsigned allowed, enum cli_format *out);

/* After getopt_long returned '?' (an unknown option) or, for an optstring
 * starting with ':', ':' (a missing argument): the one-line complaint,
 * naming argv[optind - 1]. */
void cli_report_bad_option(const char *cmd, int c, char **argv);

/* bt, compare, equiv and run take exactly one operand, the guest file.  Call
 * after getopt_long: returns it, or prints why not and returns NULL. */
const char *cli_guest_operand(const char *cmd, int argc, char **argv);

/* How a guest run ended as an exit status (EXIT_BITS_GUEST_END): the
 * power-off value if below 64, else EXIT_GUEST_VALUE_HIGH; EXIT_GUEST_FAULT,
 * EXIT_BUDGET or EXIT_HALTED if it did not power off.  run and bt use it.
 * Unless the guest powered off below 64, first prints "traplab CMD: PATH:
 * why it stopped" (or the value) on stderr; cli_guest_exit_speaks() says
 * whether it will. */
int cli_guest_exit_status(const char *cmd, const char *path, const struct vm *vm,
			  enum machine_stop_reason why);
bool cli_guest_exit_speaks(const struct vm *vm, enum machine_stop_reason why);

/* The rows of exit_status.def whose EXIT_BIT is in `statuses`, one
 * "    STATUS  meaning" entry each, as the EXIT STATUS section of a manual. */
void cli_print_exit_statuses(FILE *out, uint64_t statuses);

/* `traplab asm` and `traplab disasm` take the same options besides their
 * one input file: -o/--output FILE, --symbols FILE, --no-symbols. */
struct cli_file_options {
	const char *input;
	const char *output;       /* NULL: the command's default */
	const char *symbols;      /* NULL: the command's default */
	bool no_symbols;
};
/* `what` names the input in messages ("source", "image").  Returns -1 for a
 * bad command line (one line printed), 1 for --help (`usage` printed on
 * stdout), 0 to go on. */
int cli_parse_file_options(const char *cmd, const char *what, void (*usage)(FILE *out),
			   int argc, char **argv, struct cli_file_options *o);

#endif
