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
	uint32_t count;         /* exact as of `epoch` retired instructions */
	uint64_t epoch;
	bool pending;
	uint64_t expiries;
};

extern const struct dev_ops timer_dev_ops;

/* The CPU does not tick the timer once per instruction (that would cost
 * every instruction a memory write); it tells the timer how many have
 * retired whenever it matters — before any port access, at a trap, and when
 * the deadline below is reached.  The result is the same as ticking. */
static inline void
timer_advance(struct timer_dev *t, uint64_t retired)
{
	uint64_t elapsed = retired - t->epoch;
	t->epoch = retired;
	if (!t->interval)
		return;
	while (elapsed >= t->count) {
		elapsed -= t->count;
		t->pending = true;
		t->expiries++;
		t->count = t->interval;
	}
	t->count -= (uint32_t)elapsed;
}

/* The retired-instruction count at which the timer next expires. */
static inline uint64_t
timer_deadline(const struct timer_dev *t)
{
	return t->interval ? t->epoch + t->count : UINT64_MAX;
}

/* `halt`: skip the idle ticks up to the next expiry; returns how many. */
uint32_t timer_skip_to_expiry(struct timer_dev *t);

#endif
