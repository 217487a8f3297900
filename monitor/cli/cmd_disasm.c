/* cmd_disasm.c — `traplab disasm`: turn a PG32 image back into assembly
 * that `traplab asm` turns into the same bytes, with labels from the
 * symbol file beside it (isa/disasm.c does the work; SPEC.md §7).
 * Lab 1 uses it to read what the assembler made.
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
#include "guest_file.h"
#include "image.h"

enum { DISASM_ERR_MAX = 512 };

void
cmd_disasm_usage(FILE *out)
{
	fprintf(out,
		"NAME\n"
		"    traplab disasm - disassemble a PG32 image back into assembly\n"
		"\n"
		"SYNOPSIS\n"
		"    traplab disasm [--symbols FILE.sym | --no-symbols] [-o OUT.s] FILE.img\n"
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
		"OPTIONS\n"
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
		"    traplab asm /tmp/hello.s -o /tmp/again.img   # the same bytes again\n");
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

int
cmd_disasm(int argc, char **argv)
{
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
	disasm_image(out, image, size, &syms);
	status = EXIT_OK;
	if (out != stdout && fclose(out) != 0) {
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
