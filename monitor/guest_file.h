/* guest_file.h — load a guest file named on the command line (.s or .img). */
#ifndef TRAPLAB_GUEST_FILE_H
#define TRAPLAB_GUEST_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "symbols.h"

/* Assemble (.s) or read (.img, with the .sym beside it if there) the guest.
 * Returns 0 with a malloc'd image and the symbols (always initialized, free
 * them either way), or -1 after printing "traplab COMMAND: ..." messages. */
int guest_file_load(const char *command, const char *path, uint8_t **image, size_t *size,
		    struct symtab *syms);

#endif
