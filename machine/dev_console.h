/* dev_console.h — the console device: ports 0x00 (data) and 0x01 (status),
 * isa/SPEC.md §10.1.  Lab 1's first program writes to it. */
#ifndef TRAPLAB_DEV_CONSOLE_H
#define TRAPLAB_DEV_CONSOLE_H

#include <stddef.h>
#include <stdint.h>

#include "bus.h"

enum {
	CONSOLE_PORT_BASE   = 0x00,
	CONSOLE_DATA        = 0,     /* read: next input byte; write: print a byte */
	CONSOLE_STATUS      = 1,     /* read: bit 0 = input available */
	CONSOLE_PORT_COUNT  = 2,
	CONSOLE_STATUS_INPUT_READY = 1u << 0,
	CONSOLE_INPUT_MAX   = 4096,
};
#define CONSOLE_NO_INPUT 0xffffffffu

struct console_dev {
	void (*sink)(void *ctx, uint8_t byte);   /* where output goes */
	void *sink_ctx;
	uint8_t input[CONSOLE_INPUT_MAX];
	size_t input_len, input_pos;
	uint64_t bytes_written;
};

extern const struct dev_ops console_dev_ops;
/* Queue host-supplied input; returns how many bytes fit. */
size_t console_push_input(struct console_dev *c, const char *text, size_t len);

#endif
