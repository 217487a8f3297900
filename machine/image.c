/* image.c — read a raw PG32 image file (isa/SPEC.md §11.2), for every loader
 * of guests (Lab 1 on). */
#include "image.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "machine.h"

/* The buffer starts this large and doubles: most guests fit at once. */
enum { IMAGE_FIRST_BUFFER = 64 * 1024 };

/* Open PATH for image_read_file: only a regular file no larger than the
 * largest machine, checked before reading a byte (/dev/zero used to be read
 * for 256 MiB before it was refused, and a FIFO blocked the open: issue 15).
 * The stream, or NULL with *rc and "PATH: why" in err. */
static FILE *
image_open(const char *path, int *rc, char *err, size_t errlen)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	FILE *f = NULL;
	*rc = IMAGE_ERR_READ;
	if (fd < 0 || fstat(fd, &st) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
	} else if (S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s: %s", path, strerror(EISDIR));
	} else if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
	} else if ((uintmax_t)st.st_size > MACHINE_MAX_MEMORY) {
		snprintf(err, errlen, "%s: larger than the largest machine (%u bytes)", path,
			 MACHINE_MAX_MEMORY);
		*rc = IMAGE_ERR_TOO_LARGE;
	} else if (!(f = fdopen(fd, "rb"))) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		*rc = errno == ENOMEM ? IMAGE_ERR_MEMORY : IMAGE_ERR_READ;
	}
	if (!f && fd >= 0)
		close(fd);
	return f;
}

int
image_read_file(const char *path, uint8_t **data, size_t *size, char *err, size_t errlen)
{
	int rc;
	FILE *f = image_open(path, &rc, err, errlen);
	if (!f)
		return rc;
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0;
	rc = IMAGE_ERR_READ;
	/* Still capped while reading: the file may grow after the fstat. */
	for (;;) {
		if (len == cap) {
			/* exactly the largest machine fits; one byte more does not */
			if (cap >= MACHINE_MAX_MEMORY) {
				if (fgetc(f) == EOF)
					break;          /* the end, or an error: see below */
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
