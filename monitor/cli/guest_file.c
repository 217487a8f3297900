/* guest_file.c — load a guest named on the command line: assembly source
 * (assembled on the fly) or an image with its symbol file beside it.  Every
 * command that takes a GUEST (run, bt, equiv, compare, the monitor) uses it,
 * and tells "cannot read it" (EXIT_NOINPUT) from "cannot use it"
 * (EXIT_DATAERR) by its exit status. */
#include "guest_file.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asm.h"
#include "commands.h"
#include "image.h"

static bool
has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && strcmp(s + n - k, suffix) == 0;
}

int
guest_file_probe(const char *command, const char *path)
{
	int e = 0;
	FILE *f = fopen(path, "rb");
	if (!f) {
		e = errno;
	} else {
		errno = 0;
		(void)fgetc(f);           /* a directory opens, but does not read */
		if (ferror(f))
			e = errno ? errno : EIO;
		fclose(f);
	}
	if (e == 0)
		return 0;
	fprintf(stderr, "traplab %s: %s: %s\n", command, path, strerror(e));
	return EXIT_NOINPUT;
}

int
guest_file_fits(const char *command, const char *path, size_t size, uint32_t memory)
{
	if (size <= memory)
		return 0;
	fprintf(stderr, "traplab %s: %s: the image is %zu bytes but guest memory is only %u "
		"bytes (use --memory to give the guest more)\n", command, path, size, memory);
	return EXIT_DATAERR;
}

int
guest_file_read(const char *command, const char *path, uint8_t **image, size_t *size,
		struct symtab *syms)
{
	char err[512];
	symtab_init(syms);
	int status = guest_file_probe(command, path);
	if (status != 0)
		return status;
	if (has_suffix(path, ".s")) {
		struct asm_result r;
		int rc = asm_assemble_file(path, &r);
		for (size_t i = 0; i < r.nerrors; i++)
			fprintf(stderr, "%s\n", r.errors[i]);
		if (rc == 0) {
			*image = r.image;
			*size = r.size;
			*syms = r.symbols;
			r.image = NULL;
			symtab_init(&r.symbols);
		} else if (r.nerrors == 0) {
			fprintf(stderr, "traplab %s: %s: out of memory\n", command, path);
			status = EXIT_SOFTWARE;
		} else {
			fprintf(stderr, "traplab %s: %s: %zu error%s; nothing was run\n",
				command, path, r.nerrors, r.nerrors == 1 ? "" : "s");
			status = EXIT_DATAERR;
		}
		asm_result_free(&r);
		return status;
	}
	int rc = image_read_file(path, image, size, err, sizeof err);
	if (rc < 0) {
		fprintf(stderr, "traplab %s: %s\n", command, err);
		return rc == IMAGE_ERR_TOO_LARGE ? EXIT_DATAERR
		     : rc == IMAGE_ERR_MEMORY ? EXIT_SOFTWARE : EXIT_NOINPUT;
	}
	/* guest.img -> guest.sym, if it is there (only --trace uses it) */
	size_t n = strlen(path);
	char sympath[n + 8];
	memcpy(sympath, path, n + 1);
	if (has_suffix(path, ".img"))
		sympath[n - 4] = '\0';
	strcat(sympath, ".sym");
	symtab_load(syms, sympath, err, sizeof err);
	return 0;
}

int
guest_file_load(const char *command, const char *path, uint8_t **image, size_t *size,
		struct symtab *syms)
{
	return guest_file_read(command, path, image, size, syms) == 0 ? 0 : -1;
}
