/* guest_file.c — load a guest named on the command line: assembly source
 * (assembled on the fly) or an image with its symbol file beside it.  Every
 * command that takes a GUEST (run, equiv, compare, the monitor) uses it. */
#include "guest_file.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asm.h"
#include "image.h"

static bool
has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && strcmp(s + n - k, suffix) == 0;
}

int
guest_file_load(const char *command, const char *path, uint8_t **image, size_t *size,
		struct symtab *syms)
{
	char err[512];
	symtab_init(syms);
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
		} else {
			fprintf(stderr, "traplab %s: %s: %zu error%s; nothing was run\n",
				command, path, r.nerrors, r.nerrors == 1 ? "" : "s");
		}
		asm_result_free(&r);
		return rc;
	}
	if (image_read_file(path, image, size, err, sizeof err) < 0) {
		fprintf(stderr, "traplab %s: %s\n", command, err);
		return -1;
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

