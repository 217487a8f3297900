/* cli_options.h — parsers for the options several traplab commands share
 * (--isa, --mode, --memory, --max-instructions, --place, --format).  Each
 * prints one line "traplab CMD: --opt=VALUE: what is wrong" and returns
 * false on bad input. */
#ifndef TRAPLAB_CLI_OPTIONS_H
#define TRAPLAB_CLI_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>

#include "isa.h"
#include "vm.h"

enum cli_format { FORMAT_TEXT, FORMAT_JSON, FORMAT_CSV, FORMAT_MARKDOWN };

bool cli_parse_variant(const char *cmd, const char *arg, enum isa_variant *out);
bool cli_parse_mode(const char *cmd, const char *arg, enum vm_mode *out);
bool cli_parse_memory(const char *cmd, const char *arg, uint32_t *bytes);
bool cli_parse_budget(const char *cmd, const char *arg, uint64_t *budget);
bool cli_parse_place(const char *cmd, const char *arg, enum vm_placement *out);
/* `allowed` is a mask of 1 << FORMAT_* the command supports. */
bool cli_parse_format(const char *cmd, const char *arg, unsigned allowed, enum cli_format *out);

/* `traplab asm` and `traplab disasm` take the same options besides their
 * one input file: -o/--output FILE, --symbols FILE, --no-symbols. */
struct cli_file_options {
	const char *input;
	const char *output;       /* NULL: the command's default */
	const char *symbols;      /* NULL: the command's default */
	bool no_symbols;
};
/* `what` names the input in messages ("source", "image").  Returns -1 for a
 * bad command line (one line printed), 1 for --help, 0 to go on. */
int cli_parse_file_options(const char *cmd, const char *what, int argc, char **argv,
			   struct cli_file_options *o);

#endif
