/* guest_image.h — load a PG32 guest file: assemble a .s on the fly, or read
 * an .img and the .sym beside it.  The PG32 backend's `load` (Labs 1 on)
 * and every traplab command that takes a GUEST (monitor/cli/guest_file.c)
 * use it.  It prints nothing: what went wrong comes back as a kind and a
 * message, and each caller says it in its own way (the command line also
 * turns the kind into an exit status).
 */
#ifndef TRAPLAB_GUEST_IMAGE_H
#define TRAPLAB_GUEST_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "symbols.h"

enum guest_image_status {
	GUEST_IMAGE_LOADED,
	GUEST_IMAGE_UNREADABLE,     /* the file cannot be opened or read */
	GUEST_IMAGE_INVALID,        /* it does not assemble, or is larger than any machine */
	GUEST_IMAGE_NO_MEMORY,      /* no memory to hold it */
};

enum { GUEST_IMAGE_MESSAGE_MAX = 512 };

struct guest_image {
	uint8_t *bytes;             /* malloc'd; loaded at guest physical 0 */
	size_t size;
	struct symtab syms;         /* the assembler's, or the .sym file's (maybe none) */
	/* When it went wrong: "PATH: what", and for a .s that does not
	 * assemble, the assembler's messages, one per error (each
	 * "file:line:col: error: ...", the source line and a caret line). */
	char message[GUEST_IMAGE_MESSAGE_MAX];
	char **errors;
	size_t nerrors;
};

/* Fills *g either way; guest_image_free() releases it either way. */
enum guest_image_status guest_image_load(const char *path, struct guest_image *g);
void guest_image_free(struct guest_image *g);
/* Hands the image and symbols over to the caller: *g keeps nothing. */
void guest_image_take(struct guest_image *g, uint8_t **bytes, size_t *size,
		      struct symtab *syms);

/* Is PATH a regular file that can be opened for reading (never waiting,
 * even on a FIFO)?  GUEST_IMAGE_LOADED, or GUEST_IMAGE_UNREADABLE with
 * "PATH: why" in err ("not a regular file", "Is a directory", errno's text). */
enum guest_image_status guest_image_probe(const char *path, char *err, size_t errlen);

#endif
