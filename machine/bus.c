/* bus.c — the port bus: find the device that owns a port (isa/SPEC.md §10).
 * A port nobody owns reads all ones and ignores writes, as on a PC. */
#include "bus.h"

#include <stddef.h>

static struct bus_slot *
bus_find(struct bus *bus, uint16_t port)
{
	for (unsigned i = 0; i < bus->nslots; i++) {
		struct bus_slot *s = &bus->slots[i];
		if (port >= s->base && port - s->base < s->count)
			return s;
	}
	return NULL;
}

int
bus_register(struct bus *bus, const struct dev_ops *ops, void *dev,
	     uint16_t base, uint16_t count)
{
	if (bus->nslots == BUS_MAX_DEVICES || count == 0)
		return -1;
	for (unsigned i = 0; i < bus->nslots; i++) {
		const struct bus_slot *s = &bus->slots[i];
		if (base < s->base + s->count && s->base < base + count)
			return -1;
	}
	bus->slots[bus->nslots++] = (struct bus_slot){ ops, dev, base, count };
	return 0;
}

uint32_t
bus_in(struct bus *bus, uint16_t port)
{
	struct bus_slot *s = bus_find(bus, port);
	if (!s || !s->ops->read) {
		bus->unowned_accesses++;
		return BUS_UNOWNED_READ;
	}
	return s->ops->read(s->dev, (uint16_t)(port - s->base));
}

void
bus_out(struct bus *bus, uint16_t port, uint32_t value)
{
	struct bus_slot *s = bus_find(bus, port);
	if (!s || !s->ops->write) {
		bus->unowned_accesses++;
		return;
	}
	s->ops->write(s->dev, (uint16_t)(port - s->base), value);
}

void
bus_reset(struct bus *bus)
{
	for (unsigned i = 0; i < bus->nslots; i++)
		if (bus->slots[i].ops->reset)
			bus->slots[i].ops->reset(bus->slots[i].dev);
	bus->unowned_accesses = 0;
}
