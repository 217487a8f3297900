/* image.h — reading a PG32 image file (isa/SPEC.md §11.2) into memory the
 * caller owns; `traplab run`, the monitor's `load` and the tests use it. */
#ifndef TRAPLAB_IMAGE_H
#define TRAPLAB_IMAGE_H

#include <stddef.h>
#include <stdint.h>

/* Returns 0 and a malloc'd buffer, or -1 with "PATH: reason" in err. */
int image_read_file(const char *path, uint8_t **data, size_t *size, char *err, size_t errlen);

#endif
