/* dev_console.c — the console: output byte by byte to a sink the host
 * chooses (stdout for `traplab run`, a buffer in tests), input from a small
 * queue the host fills (isa/SPEC.md §10.1). */
#include "dev_console.h"

#include <stdbool.h>
#include <string.h>

static uint32_t
console_read(void *dev, uint16_t port)
{
	struct console_dev *c = dev;
	bool ready = c->input_pos < c->input_len;
	switch (port) {
	case CONSOLE_DATA:
		return ready ? c->input[c->input_pos++] : CONSOLE_NO_INPUT;
	case CONSOLE_STATUS:
		return ready ? CONSOLE_STATUS_INPUT_READY : 0;
	}
	return 0;
}

static void
console_write(void *dev, uint16_t port, uint32_t value)
{
	struct console_dev *c = dev;
	if (port != CONSOLE_DATA)
		return;
	c->bytes_written++;
	if (c->sink)
		c->sink(c->sink_ctx, (uint8_t)value);
}

static void
console_reset(void *dev)
{
	struct console_dev *c = dev;
	c->input_pos = 0;
	c->bytes_written = 0;
}

const struct dev_ops console_dev_ops = {
	.name = "console",
	.read = console_read,
	.write = console_write,
	.reset = console_reset,
};

size_t
console_push_input(struct console_dev *c, const char *text, size_t len)
{
	if (c->input_pos == c->input_len)
		c->input_pos = c->input_len = 0;
	size_t room = CONSOLE_INPUT_MAX - c->input_len;
	size_t n = len < room ? len : room;
	memcpy(c->input + c->input_len, text, n);
	c->input_len += n;
	return n;
}
