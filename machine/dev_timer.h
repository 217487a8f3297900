/* dev_timer.h — the interval timer: ports 0x10–0x12 (isa/SPEC.md §10.2).
 * It counts retired instructions, never host time, so every run is exactly
 * repeatable (SPEC §12) — Lab 5's virtual timer starts from this one. */
#ifndef TRAPLAB_DEV_TIMER_H
#define TRAPLAB_DEV_TIMER_H

#include <stdbool.h>
#include <stdint.h>

#include "bus.h"

enum {
	TIMER_PORT_BASE  = 0x10,
	TIMER_INTERVAL   = 0,   /* r/w: instructions between interrupts, 0 = off */
	TIMER_COUNT      = 1,   /* r: instructions left until the next expiry */
	TIMER_ACK        = 2,   /* r: pending?  w: clear the pending interrupt */
	TIMER_PORT_COUNT = 3,
};

struct timer_dev {
	uint32_t interval;
	uint32_t count;
	bool pending;
	uint64_t expiries;
};

extern const struct dev_ops timer_dev_ops;

/* One instruction retired: count down, and at zero raise the interrupt and
 * reload.  Inline: the interpreter calls it for every instruction. */
static inline void
timer_retire(struct timer_dev *t)
{
	if (t->interval && --t->count == 0) {
		t->pending = true;
		t->count = t->interval;
		t->expiries++;
	}
}

/* `halt`: skip the idle ticks up to the next expiry; returns how many. */
uint32_t timer_skip_to_expiry(struct timer_dev *t);

#endif
