/* cmd_disasm.c — `traplab disasm`: turn a PG32 image back into assembly
 * that `traplab asm` turns into the same bytes, with labels from the
 * symbol file beside it (isa/disasm.c does the work; SPEC.md §7).
 * Lab 1 uses it to read what the assembler made; with --explain it says
 * what each instruction does and why it is or is not sensitive (explain.h),
 * for Lab 2.
 * Try: traplab asm guests/pg32/hello.s && traplab disasm guests/pg32/hello.img
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_options.h"
#include "commands.h"
#include "disasm.h"
#include "explain.h"
#include "guest_file.h"
#include "image.h"
#include "isa.h"

enum { DISASM_ERR_MAX = 512 };

/* Each explanation line of an image's listing: a comment, so the listing
 * still re-assembles. */
#define EXPLAIN_PREFIX "\t;   "

void
cmd_disasm_usage(FILE *out)
{
	fprintf(out,
		"NAME\n"
		"    traplab disasm - disassemble a PG32 image back into assembly\n"
		"\n"
		"SYNOPSIS\n"
		"    traplab disasm [--explain] [--symbols FILE.sym | --no-symbols] [-o OUT.s]\n"
		"                   FILE.img\n"
		"    traplab disasm --explain WORD|MNEMONIC...\n"
		"\n"
		"DESCRIPTION\n"
		"    Prints FILE.img as assembly source: one instruction per word, each with\n"
		"    a \"; ADDRESS: WORD\" comment; a word that is no instruction as .word;\n"
		"    runs of zero words as .org; a trailing partial word as .byte. Labels\n"
		"    from the symbol file are printed as \"name:\" lines and stand for branch\n"
		"    and adr targets; .equ constants are printed first.\n"
		"    The output re-assembles with `traplab asm` to exactly the same bytes.\n"
		"    Without --symbols, FILE.sym beside the image is used if it exists.\n"
		"\n"
		"    With --explain, each instruction is followed by comment lines that\n"
		"    explain it: its meaning (isa/opcodes.def), its encoding field by field,\n"
		"    its Popek-Goldberg class on each variant (strict, legacy, hybrid) with\n"
		"    the witness found by running it, as traplab classify does, and the\n"
		"    isa/SPEC.md sections to read. An opcode is explained in full where it\n"
		"    first appears, later in one line; the listing still re-assembles.\n"
		"    Given instruction words (0x5b100000, or the eight hex digits of the\n"
		"    listing's comments) or mnemonics (srr) instead of an image, it explains\n"
		"    each of them. Deriving the classes takes about a second.\n"
		"\n"
		"OPTIONS\n"
		"    --explain             explain every instruction (see above)\n"
		"    --symbols=FILE.sym    read the symbols from FILE.sym\n"
		"    --no-symbols          print addresses only, even if FILE.sym exists\n"
		"    -o, --output=OUT.s    write to OUT.s instead of standard output\n"
		"    -h, --help            show this manual\n"
		"\n"
		"EXIT STATUS\n");
	cli_print_exit_statuses(out, EXIT_BIT(OK) | EXIT_BIT(USAGE) | EXIT_BIT(DATAERR) |
				EXIT_BIT(NOINPUT) | EXIT_BIT(SOFTWARE) | EXIT_BIT(CANTCREAT));
	fprintf(out,
		"\n"
		"EXAMPLES\n"
		"    traplab disasm guests/pg32/hello.img\n"
		"    traplab disasm --no-symbols -o /tmp/hello.s guests/pg32/hello.img\n"
		"    traplab asm /tmp/hello.s -o /tmp/again.img   # the same bytes again\n"
		"    traplab disasm --explain srr 0x01123000\n"
		"    traplab disasm --explain build/guests/minios.img | less\n");
}


/* The symbols to print with: the named file, else IMAGE.sym if present.
 * Returns 0, or the exit status that says why not (message printed). */
static int
disasm_load_symbols(const struct cli_file_options *o, struct symtab *syms)
{
	char err[DISASM_ERR_MAX];
	if (o->no_symbols)
		return 0;
	const char *path = o->symbols;
	char *guess = NULL;
	if (!path) {
		size_t len = strlen(o->input);
		const char *ext = ".img";
		if (len > strlen(ext) && strcmp(o->input + len - strlen(ext), ext) == 0)
			len -= strlen(ext);
		if (asprintf(&guess, "%.*s.sym", (int)len, o->input) < 0) {
			fprintf(stderr, "traplab disasm: out of memory\n");
			return EXIT_SOFTWARE;
		}
		if (access(guess, F_OK) != 0) {
			free(guess);
			return 0;
		}
		path = guess;
	}
	int status = guest_file_probe("disasm", path);
	if (status == 0 && symtab_load(syms, path, err, sizeof(err)) < 0) {
		fprintf(stderr, "traplab disasm: %s\n", err);
		status = EXIT_DATAERR;     /* it was read: a line is wrong */
	}
	free(guess);
	return status;
}

/* --explain is disasm's alone: take it out of argv (compacted in place)
 * before the options asm and disasm share are parsed. */
static bool
disasm_take_explain(int *argc, char **argv)
{
	bool found = false, options_ended = false;
	int kept = 1;
	for (int i = 1; i < *argc; i++) {
		if (!options_ended && strcmp(argv[i], "--explain") == 0) {
			found = true;
			continue;
		}
		options_ended |= strcmp(argv[i], "--") == 0;
		argv[kept++] = argv[i];
	}
	argv[kept] = NULL;
	*argc = kept;
	return found;
}

/* Is `arg` a word or mnemonic to explain rather than an image?  A name that
 * is no file and no path counts too, so a mistyped mnemonic gets explain's
 * suggestion rather than "No such file". */
static bool
disasm_is_explain_target(const char *arg)
{
	uint32_t word;
	if (explain_parse_word(arg, &word) || isa_opcode_by_name(arg) >= 0)
		return true;
	return arg[0] != '-' && !strchr(arg, '/') && !strchr(arg, '.') && access(arg, F_OK) != 0;
}

/* `disasm --explain WORD|MNEMONIC...`: each explained, a blank line between. */
static int
disasm_explain_targets(int argc, char **argv)
{
	int status = EXIT_OK;
	bool explained = false;
	for (int i = 1; i < argc; i++) {
		char err[DISASM_ERR_MAX];
		uint32_t word;
		if (explained)
			putchar('\n');
		explained = explain_instruction(stdout, argv[i], err, sizeof err) == 0;
		if (!explained) {
			fflush(stdout);
			fprintf(stderr, "traplab disasm: %s\n", err);
			if (status == EXIT_OK)
				status = explain_parse_word(argv[i], &word) ? EXIT_DATAERR : EXIT_USAGE;
		}
	}
	if (fflush(stdout) != 0)
		return EXIT_CANTCREAT;
	return status;
}

/* After one line of the listing: if it shows a word ("; ADDRESS: WORD"),
 * its explanation; in full the first time its opcode appears. */
static int
disasm_explain_line(FILE *out, const char *line, int64_t first_seen[OP_COUNT])
{
	const char *comment = strrchr(line, ';');
	unsigned addr, word;
	struct isa_insn insn;
	char err[DISASM_ERR_MAX];
	if (!comment || sscanf(comment, "; %8x: %8x", &addr, &word) != 2)
		return 0;
	if (!isa_decode(word, &insn)) {
		explain_word(out, word, EXPLAIN_PREFIX, err, sizeof err);
		fprintf(out, EXPLAIN_PREFIX "%s\n", err);
		return 0;
	}
	const struct isa_op_info *info = isa_op_info(insn.op);
	if (first_seen[insn.op] >= 0) {
		fprintf(out, EXPLAIN_PREFIX "%s: %s (explained at %08llx)\n", info->name,
			info->meaning, (unsigned long long)first_seen[insn.op]);
		return 0;
	}
	first_seen[insn.op] = addr;
	if (explain_word(out, word, EXPLAIN_PREFIX, err, sizeof err) < 0) {
		fprintf(stderr, "traplab disasm: %s\n", err);
		return -1;
	}
	return 0;
}

/* The listing, each instruction followed by its explanation: the plain
 * listing first (disasm_image), then read back line by line. */
static int
disasm_explain_image(FILE *out, const uint8_t *image, size_t size, const struct symtab *syms)
{
	char *text = NULL;
	size_t len = 0;
	FILE *listing = open_memstream(&text, &len);
	if (!listing)
		return -1;
	disasm_image(listing, image, size, syms);
	if (fclose(listing) != 0) {
		free(text);
		return -1;
	}
	int64_t first_seen[OP_COUNT];
	for (size_t op = 0; op < OP_COUNT; op++)
		first_seen[op] = -1;
	int rc = 0;
	for (char *line = text, *end; rc == 0 && *line; line = end + 1) {
		end = strchr(line, '\n');
		*end = '\0';     /* disasm_image ends every line */
		fprintf(out, "%s\n", line);
		rc = disasm_explain_line(out, line, first_seen);
	}
	free(text);
	return rc;
}

int
cmd_disasm(int argc, char **argv)
{
	bool explain = disasm_take_explain(&argc, argv);
	bool targets_only = explain && argc > 1;
	for (int i = 1; i < argc; i++)
		targets_only &= disasm_is_explain_target(argv[i]);
	if (targets_only)
		return disasm_explain_targets(argc, argv);
	struct cli_file_options o;
	int parsed = cli_parse_file_options("disasm", "image", cmd_disasm_usage, argc, argv, &o);
	if (parsed != 0)
		return parsed > 0 ? EXIT_OK : EXIT_USAGE;
	char err[DISASM_ERR_MAX];
	uint8_t *image = NULL;
	size_t size = 0;
	int rc = image_read_file(o.input, &image, &size, err, sizeof(err));
	if (rc < 0) {
		fprintf(stderr, "traplab disasm: %s\n", err);
		return rc == IMAGE_ERR_TOO_LARGE ? EXIT_DATAERR
		     : rc == IMAGE_ERR_MEMORY ? EXIT_SOFTWARE : EXIT_NOINPUT;
	}
	struct symtab syms;
	symtab_init(&syms);
	FILE *out = stdout;
	int status = disasm_load_symbols(&o, &syms);
	if (status != 0)
		goto done;
	status = EXIT_CANTCREAT;
	if (o.output && !(out = fopen(o.output, "w"))) {
		perror(o.output);
		out = NULL;
		goto done;
	}
	fprintf(out, "; %s: %zu bytes, disassembled by traplab disasm\n", o.input, size);
	status = EXIT_OK;
	if (!explain)
		disasm_image(out, image, size, &syms);
	else if (disasm_explain_image(out, image, size, &syms) < 0)
		status = EXIT_SOFTWARE;
	if (status != EXIT_OK) {
		if (out != stdout)
			fclose(out);
	} else if (out != stdout && fclose(out) != 0) {
		perror(o.output);
		status = EXIT_CANTCREAT;
	} else if (out == stdout && fflush(out) != 0) {
		status = EXIT_CANTCREAT;
	}
done:
	symtab_free(&syms);
	free(image);
	return status;
}
