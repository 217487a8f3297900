/* guest_file.c — the command line's side of loading a guest (every command
 * that takes a GUEST: run, bt, equiv, compare, monitor, kvm): the backends'
 * loader (guest_image.h) does the work and says what went wrong; this
 * prints it as "traplab CMD: ..." and tells "cannot read it" (EXIT_NOINPUT)
 * from "cannot use it" (EXIT_DATAERR) by the exit status. */
#include "guest_file.h"

#include <stdio.h>
#include <stdlib.h>

#include "commands.h"
#include "guest_image.h"

static int
guest_file_status(enum guest_image_status status)
{
	switch (status) {
	case GUEST_IMAGE_LOADED:     return EXIT_OK;
	case GUEST_IMAGE_UNREADABLE: return EXIT_NOINPUT;
	case GUEST_IMAGE_INVALID:    return EXIT_DATAERR;
	case GUEST_IMAGE_NO_MEMORY:  return EXIT_SOFTWARE;
	}
	return EXIT_SOFTWARE;
}

int
guest_file_probe(const char *command, const char *path)
{
	char err[GUEST_IMAGE_MESSAGE_MAX];
	enum guest_image_status status = guest_image_probe(path, err, sizeof err);
	if (status != GUEST_IMAGE_LOADED)
		fprintf(stderr, "traplab %s: %s\n", command, err);
	return guest_file_status(status);
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
	struct guest_image g;
	enum guest_image_status status = guest_image_load(path, &g);
	for (size_t i = 0; i < g.nerrors; i++)
		fprintf(stderr, "%s\n", g.errors[i]);
	if (status != GUEST_IMAGE_LOADED)
		fprintf(stderr, "traplab %s: %s%s\n", command, g.message,
			g.nerrors ? "; nothing was run" : "");
	guest_image_take(&g, image, size, syms);
	guest_image_free(&g);
	return guest_file_status(status);
}

int
guest_file_read_fitting(const char *command, const char *path, uint32_t memory, uint8_t **image,
			size_t *size, struct symtab *syms)
{
	int status = guest_file_read(command, path, image, size, syms);
	if (status == 0)
		status = guest_file_fits(command, path, *size, memory);
	if (status != 0) {
		free(*image);
		*image = NULL;
		symtab_free(syms);
	}
	return status;
}
