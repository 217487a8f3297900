/* image.c — read a raw PG32 image file (isa/SPEC.md §11.2), for every loader
 * of guests (Lab 1 on). */
#include "image.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "machine.h"

/* The buffer starts this large and doubles: most guests fit at once. */
enum { IMAGE_FIRST_BUFFER = 64 * 1024 };

int
image_read_file(const char *path, uint8_t **data, size_t *size, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return IMAGE_ERR_READ;
	}
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0;
	int rc = IMAGE_ERR_READ;
	for (;;) {
		if (len == cap) {
			if (cap >= MACHINE_MAX_MEMORY) {
				snprintf(err, errlen, "%s: larger than the largest machine (%u bytes)",
					 path, MACHINE_MAX_MEMORY);
				rc = IMAGE_ERR_TOO_LARGE;
				goto fail;
			}
			cap = cap ? cap * 2 : IMAGE_FIRST_BUFFER;
			uint8_t *bigger = realloc(buf, cap);
			if (!bigger) {
				snprintf(err, errlen, "%s: out of memory", path);
				rc = IMAGE_ERR_MEMORY;
				goto fail;
			}
			buf = bigger;
		}
		size_t got = fread(buf + len, 1, cap - len, f);
		len += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		snprintf(err, errlen, "%s: read error: %s", path, strerror(errno));
		goto fail;
	}
	fclose(f);
	*data = buf;
	*size = len;
	return 0;
fail:
	fclose(f);
	free(buf);
	return rc;
}
