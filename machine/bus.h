/* bus.h — a port-mapped I/O bus: devices register a range of ports and a
 * struct dev_ops; `in` and `out` find the owner (isa/SPEC.md §10).  The
 * KVM backend's UART uses the same dev_ops.  Lab 1 reads it with the devices.
 */
#ifndef TRAPLAB_BUS_H
#define TRAPLAB_BUS_H

#include <stdint.h>

/* What a device answers on its ports.  `port` is relative to its base. */
struct dev_ops {
	const char *name;
	uint32_t (*read)(void *dev, uint16_t port);
	void (*write)(void *dev, uint16_t port, uint32_t value);
	void (*reset)(void *dev);
};

enum { BUS_MAX_DEVICES = 8 };
#define BUS_UNOWNED_READ 0xffffffffu   /* what a port with no device reads */

struct bus_slot {
	const struct dev_ops *ops;
	void *dev;
	uint16_t base, count;
};

struct bus {
	struct bus_slot slots[BUS_MAX_DEVICES];
	unsigned nslots;
	uint64_t unowned_accesses;      /* in/out to ports nobody owns */
};

/* Returns 0, or -1 if the bus is full or the range overlaps another. */
int bus_register(struct bus *bus, const struct dev_ops *ops, void *dev,
		 uint16_t base, uint16_t count);
uint32_t bus_in(struct bus *bus, uint16_t port);
void bus_out(struct bus *bus, uint16_t port, uint32_t value);
void bus_reset(struct bus *bus);

#endif /* TRAPLAB_BUS_H */
