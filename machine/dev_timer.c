/* dev_timer.c — the interval timer's ports (isa/SPEC.md §10.2).  The
 * counting itself is timer_advance() in dev_timer.h, called by the CPU,
 * which brings the count up to date before any port access. */
#include "dev_timer.h"

static uint32_t
timer_read(void *dev, uint16_t port)
{
	struct timer_dev *t = dev;
	switch (port) {
	case TIMER_INTERVAL: return t->interval;
	case TIMER_COUNT:    return t->interval ? t->count : 0;
	case TIMER_ACK:      return t->pending;
	}
	return 0;
}

static void
timer_write(void *dev, uint16_t port, uint32_t value)
{
	struct timer_dev *t = dev;
	switch (port) {
	case TIMER_INTERVAL:
		t->interval = value;
		t->count = value;
		break;
	case TIMER_ACK:
		t->pending = false;
		break;
	}
}

static void
timer_reset(void *dev)
{
	*(struct timer_dev *)dev = (struct timer_dev){ 0 };
}


const struct dev_ops timer_dev_ops = {
	.name = "timer",
	.read = timer_read,
	.write = timer_write,
	.reset = timer_reset,
};

uint32_t
timer_skip_to_expiry(struct timer_dev *t)
{
	uint32_t skipped = t->count;
	t->pending = true;
	t->count = t->interval;
	t->expiries++;
	return skipped;
}
