/* fuzz_support.c — helpers of the libFuzzer targets (fuzz_support.h). */
#include "fuzz_support.h"

uint32_t
fuzz_read_le(const uint8_t *p, size_t n)
{
	uint32_t v = 0;
	for (size_t i = 0; i < n; i++)
		v |= (uint32_t)p[i] << (8 * i);
	return v;
}
