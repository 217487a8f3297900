/* image.h — reading a PG32 image file (isa/SPEC.md §11.2) into memory the
 * caller owns (Lab 1 on).  The one reader of binary files: the guest loader
 * (monitor/backends/guest_image.c), the KVM backend's flat binaries
 * (backend_read_file) and `traplab disasm` all use it. */
#ifndef TRAPLAB_IMAGE_H
#define TRAPLAB_IMAGE_H

#include <stddef.h>
#include <stdint.h>

/* Returns 0 and a malloc'd buffer, or one of these with "PATH: reason" in
 * err: the file could not be opened or read or is not a regular file
 * ("not a regular file", "Is a directory"; checked before any read, and a
 * FIFO does not block), it is larger than the largest machine (its size is
 * checked first too), or there was no memory for it. */
enum { IMAGE_ERR_READ = -1, IMAGE_ERR_TOO_LARGE = -2, IMAGE_ERR_MEMORY = -3 };
int image_read_file(const char *path, uint8_t **data, size_t *size, char *err, size_t errlen);

#endif
