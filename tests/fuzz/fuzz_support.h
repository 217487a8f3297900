/* fuzz_support.h — what the libFuzzer targets share (tests/fuzz/fuzz.mk
 * links fuzz_support.c into every one; issue 15). */
#ifndef TRAPLAB_FUZZ_SUPPORT_H
#define TRAPLAB_FUZZ_SUPPORT_H

#include <stddef.h>
#include <stdint.h>

/* n (at most 4) bytes of the input as a little-endian number. */
uint32_t fuzz_read_le(const uint8_t *p, size_t n);

#endif
