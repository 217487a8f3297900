/* cmd_asm.c — `traplab asm`: assemble PG32 source into an image and a
 * symbol file (isa/ASSEMBLER.md is the language; SPEC.md §11.2 the image).
 * Lab 1 starts with it; the Makefile builds every guest through it.
 * Try: traplab asm guests/pg32/hello.s && traplab disasm guests/pg32/hello.img
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asm.h"
#include "cli_options.h"
#include "commands.h"
#include "guest_file.h"

void
cmd_asm_usage(FILE *out)
{
	fprintf(out,
		"NAME\n"
		"    traplab asm - assemble PG32 source into an image and a symbol file\n"
		"\n"
		"SYNOPSIS\n"
		"    traplab asm [-o OUT.img] [--symbols OUT.sym | --no-symbols] FILE.s\n"
		"\n"
		"DESCRIPTION\n"
		"    Assembles FILE.s (and the files it .includes) in two passes and writes\n"
		"    the image: the bytes from address 0 to the last byte emitted, which\n"
		"    `traplab run` loads at physical address 0. Beside it goes a symbol file,\n"
		"    one \"VALUE KIND NAME\" line per label (L) and .equ constant (A), which\n"
		"    `traplab disasm` and the monitor use to print names.\n"
		"    Every error is reported, as FILE:LINE:COL: error: MESSAGE followed by\n"
		"    the source line and a caret under the offending text; then nothing is\n"
		"    written. The language is described in isa/ASSEMBLER.md.\n"
		"\n"
		"OPTIONS\n"
		"    -o, --output=OUT.img  where to write the image (default: FILE.s with .s\n"
		"                          replaced by .img, in the same directory)\n"
		"    --symbols=OUT.sym     where to write the symbols (default: OUT.img with\n"
		"                          .img replaced by .sym)\n"
		"    --no-symbols          do not write a symbol file\n"
		"    -h, --help            show this manual\n"
		"\n"
		"EXIT STATUS\n");
	cli_print_exit_statuses(out, EXIT_BIT(OK) | EXIT_BIT(USAGE) | EXIT_BIT(DATAERR) |
				EXIT_BIT(NOINPUT) | EXIT_BIT(SOFTWARE) | EXIT_BIT(CANTCREAT));
	fprintf(out,
		"\n"
		"EXAMPLES\n"
		"    traplab asm guests/pg32/hello.s\n"
		"        writes guests/pg32/hello.img and guests/pg32/hello.sym\n"
		"    traplab asm -o build/hello.img --no-symbols guests/pg32/hello.s\n"
		"    traplab asm guests/pg32/hello.s && traplab disasm guests/pg32/hello.img\n");
}

/* PATH with the suffix `from` replaced by `to` (or `to` appended). */
static char *
asm_path_with_suffix(const char *path, const char *from, const char *to)
{
	size_t len = strlen(path), flen = strlen(from);
	if (len > flen && strcmp(path + len - flen, from) == 0)
		len -= flen;
	char *out;
	if (asprintf(&out, "%.*s%s", (int)len, path, to) < 0)
		return NULL;
	return out;
}


static int
asm_write_image(const char *path, const struct asm_result *r)
{
	FILE *f = fopen(path, "wb");
	if (!f) {
		perror(path);
		return -1;
	}
	size_t put = fwrite(r->image, 1, r->size, f);
	if (fclose(f) != 0 || put != r->size) {
		perror(path);
		return -1;
	}
	return 0;
}

static int
asm_write_symbols(const char *path, const struct asm_result *r)
{
	FILE *f = fopen(path, "w");
	if (!f) {
		perror(path);
		return -1;
	}
	int rc = symtab_write(&r->symbols, f);
	if (fclose(f) != 0 || rc < 0) {
		perror(path);
		return -1;
	}
	return 0;
}

int
cmd_asm(int argc, char **argv)
{
	struct cli_file_options o;
	int parsed = cli_parse_file_options("asm", "source", cmd_asm_usage, argc, argv, &o);
	if (parsed != 0)
		return parsed > 0 ? EXIT_OK : EXIT_USAGE;
	char *output = o.output ? strdup(o.output) : asm_path_with_suffix(o.input, ".s", ".img");
	char *symbols = o.symbols ? strdup(o.symbols)
				  : asm_path_with_suffix(output ? output : "", ".img", ".sym");
	int status = EXIT_SOFTWARE;
	struct asm_result r;
	if (!output || !symbols) {
		fprintf(stderr, "traplab asm: out of memory\n");
	} else if ((status = guest_file_probe("asm", o.input)) != 0) {
		/* EXIT_NOINPUT: said why */
	} else if (asm_assemble_file(o.input, &r) < 0) {
		for (size_t i = 0; i < r.nerrors; i++)
			fputs(r.errors[i], stderr);
		if (r.nerrors == 0)
			fprintf(stderr, "traplab asm: %s: out of memory\n", o.input);
		status = r.nerrors ? EXIT_DATAERR : EXIT_SOFTWARE;
		asm_result_free(&r);
	} else {
		status = EXIT_CANTCREAT;
		if (asm_write_image(output, &r) == 0 &&
		    (o.no_symbols || asm_write_symbols(symbols, &r) == 0))
			status = EXIT_OK;
		asm_result_free(&r);
	}
	free(output);
	free(symbols);
	return status;
}
