/* guest_file.h — load a guest file named on the command line (.s or .img),
 * printing what went wrong as "traplab CMD: ..." (the loading itself is
 * monitor/backends/guest_image.h's); every command that takes a GUEST. */
#ifndef TRAPLAB_GUEST_FILE_H
#define TRAPLAB_GUEST_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "symbols.h"

/* Assemble (.s) or read (.img, with the .sym beside it if there) the guest.
 * Returns 0 with a malloc'd image and the symbols (always initialized, free
 * them either way), or, after printing "traplab COMMAND: ..." messages, the
 * exit status that says why not (commands.h): EXIT_NOINPUT (the file could
 * not be opened or read), EXIT_DATAERR (it does not assemble, or is larger
 * than any machine) or EXIT_SOFTWARE (out of memory). */
int guest_file_read(const char *command, const char *path, uint8_t **image, size_t *size,
		    struct symtab *syms);
/* Can PATH be opened and read?  0, or EXIT_NOINPUT after printing
 * "traplab COMMAND: PATH: why not". */
int guest_file_probe(const char *command, const char *path);

/* Does an image of `size` bytes fit in `memory` bytes of guest memory?  0,
 * or EXIT_DATAERR after printing "traplab COMMAND: PATH: ..." with the advice
 * to give --memory. */
int guest_file_fits(const char *command, const char *path, size_t size, uint32_t memory);

/* guest_file_read, then guest_file_fits: 0, or the exit status with
 * nothing left to free. */
int guest_file_read_fitting(const char *command, const char *path, uint32_t memory,
			    uint8_t **image, size_t *size, struct symtab *syms);

#endif
