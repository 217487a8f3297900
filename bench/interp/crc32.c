/* crc32.c — the native twin of guests/pg32/crc32.s: the same LCG fill, the
 * same bitwise CRC-32, the same rounds, the same output line.  bench/interp
 * compiles it with -O2 and times it beside `traplab run` of the guest. */
#include <stdint.h>
#include <stdio.h>

enum { BUFFER_SIZE = 0x10000, ROUNDS = 64 };
#define LCG_MUL 1103515245u
#define LCG_ADD 12345u
#define CRC_POLY 0xEDB88320u

static uint8_t buffer[BUFFER_SIZE];

int
main(void)
{
	uint32_t x = 1;
	for (int i = 0; i < BUFFER_SIZE; i++) {
		x = x * LCG_MUL + LCG_ADD;
		buffer[i] = (uint8_t)(x >> 16);
	}
	uint32_t crc = 0xffffffffu;
	for (int r = 0; r < ROUNDS; r++) {
		for (int i = 0; i < BUFFER_SIZE; i++) {
			crc ^= buffer[i];
			for (int k = 0; k < 8; k++)
				crc = (crc >> 1) ^ (CRC_POLY & -(crc & 1));
		}
	}
	printf("crc32 = %08x\n", crc ^ 0xffffffffu);
	return 0;
}
