/* dev_power.h — the power-off port 0x20 (isa/SPEC.md §10.3): writing it
 * stops the machine, and the low 8 bits become `traplab run`'s exit status. */
#ifndef TRAPLAB_DEV_POWER_H
#define TRAPLAB_DEV_POWER_H

#include "bus.h"

enum {
	POWER_PORT_BASE  = 0x20,
	POWER_OFF        = 0,
	POWER_PORT_COUNT = 1,
	POWER_STATUS_MASK = 0xff,
};

/* The device's state is the machine itself: it stops it. */
extern const struct dev_ops power_dev_ops;

#endif
