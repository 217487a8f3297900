/* guest_image.c — load a PG32 guest file, .s or .img (guest_image.h), for
 * the PG32 backend and the command line alike, printing nothing. */
#include "guest_image.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "asm.h"
#include "image.h"

static bool
has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* Only a regular file is a guest: a FIFO would block the open (hence
 * O_NONBLOCK) and the read, and a device such as /dev/zero never ends
 * (issue 15).  A directory keeps its own message ("Is a directory"). */
enum guest_image_status
guest_image_probe(const char *path, char *err, size_t errlen)
{
	const char *why = NULL;
	struct stat st;
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0)
		why = strerror(errno);
	else if (S_ISDIR(st.st_mode))
		why = strerror(EISDIR);
	else if (!S_ISREG(st.st_mode))
		why = "not a regular file";
	if (fd >= 0)
		close(fd);
	if (!why)
		return GUEST_IMAGE_LOADED;
	snprintf(err, errlen, "%s: %s", path, why);
	return GUEST_IMAGE_UNREADABLE;
}

static enum guest_image_status
guest_image_assemble(const char *path, struct guest_image *g)
{
	struct asm_result r;
	enum guest_image_status status = GUEST_IMAGE_LOADED;
	if (asm_assemble_file(path, &r) == 0) {
		g->bytes = r.image;
		g->size = r.size;
		g->syms = r.symbols;
		r.image = NULL;
		symtab_init(&r.symbols);
	} else if (r.nerrors == 0) {
		snprintf(g->message, sizeof g->message, "%s: out of memory", path);
		status = GUEST_IMAGE_NO_MEMORY;
	} else {
		snprintf(g->message, sizeof g->message, "%s: %zu error%s", path, r.nerrors,
			 r.nerrors == 1 ? "" : "s");
		g->errors = r.errors;           /* handed over, so not freed below */
		g->nerrors = r.nerrors;
		r.errors = NULL;
		r.nerrors = 0;
		status = GUEST_IMAGE_INVALID;
	}
	asm_result_free(&r);
	return status;
}

/* guest.img -> guest.sym, if it is there (only traces and the monitor use
 * it, so a missing or bad one is no error). */
static void
guest_image_symbols(const char *path, struct symtab *syms)
{
	size_t n = strlen(path);
	char sympath[n + sizeof ".sym"];
	char err[GUEST_IMAGE_MESSAGE_MAX];
	memcpy(sympath, path, n + 1);
	if (has_suffix(path, ".img"))
		sympath[n - strlen(".img")] = '\0';
	strcat(sympath, ".sym");
	symtab_load(syms, sympath, err, sizeof err);
}

enum guest_image_status
guest_image_load(const char *path, struct guest_image *g)
{
	*g = (struct guest_image){ 0 };
	symtab_init(&g->syms);
	enum guest_image_status status = guest_image_probe(path, g->message, sizeof g->message);
	if (status != GUEST_IMAGE_LOADED)
		return status;
	if (has_suffix(path, ".s"))
		return guest_image_assemble(path, g);
	switch (image_read_file(path, &g->bytes, &g->size, g->message, sizeof g->message)) {
	case 0:
		guest_image_symbols(path, &g->syms);
		return GUEST_IMAGE_LOADED;
	case IMAGE_ERR_TOO_LARGE:
		return GUEST_IMAGE_INVALID;
	case IMAGE_ERR_MEMORY:
		return GUEST_IMAGE_NO_MEMORY;
	default:
		return GUEST_IMAGE_UNREADABLE;
	}
}

void
guest_image_take(struct guest_image *g, uint8_t **bytes, size_t *size, struct symtab *syms)
{
	*bytes = g->bytes;
	*size = g->size;
	*syms = g->syms;
	g->bytes = NULL;
	g->size = 0;
	symtab_init(&g->syms);
}

void
guest_image_free(struct guest_image *g)
{
	free(g->bytes);
	g->bytes = NULL;
	symtab_free(&g->syms);
	for (size_t i = 0; i < g->nerrors; i++)
		free(g->errors[i]);
	free(g->errors);
	g->errors = NULL;
	g->nerrors = 0;
}
