/* dev_power.c — power-off: the guest's way to end a run with a status
 * (isa/SPEC.md §10.3).  Its device state is the machine it stops. */
#include "dev_power.h"

#include "machine_internal.h"

static uint32_t
power_read(void *dev, uint16_t port)
{
	(void)dev;
	(void)port;
	return 0;
}

static void
power_write(void *dev, uint16_t port, uint32_t value)
{
	struct machine *m = dev;
	if (port != POWER_OFF)
		return;
	m->stop.exit_status = (int)(value & POWER_STATUS_MASK);
	cpu_stop(m, STOP_POWER_OFF);
}

const struct dev_ops power_dev_ops = {
	.name = "power",
	.read = power_read,
	.write = power_write,
	.reset = NULL,
};
