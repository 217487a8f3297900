/* machine_snapshot.c — checkpoints of a machine for reverse execution
 * (machine_snapshot.h; the monitor's `reverse-step`, `goto`, and the
 * divergence explorer; Lab 6 "going further").  Only pages a guest wrote
 * (the dirty marks of machine_internal.h) are copied, and a page equal to
 * the previous checkpoint's is shared, counted by reference, so that a
 * checkpoint of a guest that changed a few pages costs a few pages.
 */
#include <stdlib.h>
#include <string.h>

#include "machine_internal.h"
#include "machine_snapshot.h"

struct snapshot_page {
	unsigned refs;
	uint8_t data[PAGE_SIZE];
};

struct machine_snapshot {
	struct cpu_state s;
	uint64_t retired, idle_ticks, retired_at_last_trap;
	unsigned traps_in_a_row;
	uint64_t traps[MACHINE_CAUSE_SLOTS];
	uint64_t unowned_accesses;
	struct console_dev console;     /* its sink is not restored */
	struct timer_dev timer;
	bool stopped, stop_on_user, decode_every_time;
	struct machine_stop_info stop;
	/* memory: one entry per page, NULL for a page never written */
	bool has_memory;
	uint32_t npages;
	struct snapshot_page **pages;
};

static struct snapshot_page *
snapshot_page_of(const struct machine *m, uint32_t page, const struct machine_snapshot *previous)
{
	const uint8_t *data = m->mem + (size_t)page * PAGE_SIZE;
	if (previous && previous->has_memory && page < previous->npages) {
		struct snapshot_page *old = previous->pages[page];
		if (old && memcmp(old->data, data, PAGE_SIZE) == 0) {
			old->refs++;
			return old;
		}
	}
	struct snapshot_page *p = malloc(sizeof *p);
	if (!p)
		return NULL;
	p->refs = 1;
	memcpy(p->data, data, PAGE_SIZE);
	return p;
}

static bool
snapshot_save_memory(struct machine_snapshot *snap, const struct machine *m,
		     const struct machine_snapshot *previous)
{
	snap->has_memory = true;
	snap->npages = m->mem_size / PAGE_SIZE;
	snap->pages = calloc(snap->npages, sizeof *snap->pages);
	if (!snap->pages)
		return false;
	for (uint32_t page = 0; page < snap->npages; page++) {
		if (!machine_page_written(m, page * PAGE_SIZE))
			continue;
		snap->pages[page] = snapshot_page_of(m, page, previous);
		if (!snap->pages[page])
			return false;
	}
	return true;
}

struct machine_snapshot *
machine_snapshot_save(const struct machine *m, bool memory,
		      const struct machine_snapshot *previous)
{
	struct machine_snapshot *snap = calloc(1, sizeof *snap);
	if (!snap)
		return NULL;
	snap->s = m->s;
	snap->retired = m->retired;
	snap->idle_ticks = m->idle_ticks;
	snap->retired_at_last_trap = m->retired_at_last_trap;
	snap->traps_in_a_row = m->traps_in_a_row;
	memcpy(snap->traps, m->traps, sizeof snap->traps);
	snap->unowned_accesses = m->bus.unowned_accesses;
	snap->console = m->console;
	snap->timer = m->timer;
	snap->stopped = m->stopped;
	snap->stop_on_user = m->stop_on_user;
	snap->decode_every_time = m->decode_every_time;
	snap->stop = m->stop;
	if (memory && !snapshot_save_memory(snap, m, previous)) {
		machine_snapshot_free(snap);
		return NULL;
	}
	return snap;
}

/* Write back only the 64-byte chunks that differ: each write empties the
 * decoded words and TLB entries of its chunk, and most chunks are equal. */
static void
snapshot_restore_page(struct machine *m, uint32_t page, const struct snapshot_page *p)
{
	uint32_t base = page * PAGE_SIZE;
	if (!p) {
		if (machine_page_written(m, base))
			machine_clear_phys(m, base, PAGE_SIZE);
		return;
	}
	for (uint32_t off = 0; off < PAGE_SIZE; off += CODE_WATCH_GRAIN)
		if (memcmp(m->mem + base + off, p->data + off, CODE_WATCH_GRAIN) != 0)
			machine_write_phys(m, base + off, p->data + off, CODE_WATCH_GRAIN);
}

void
machine_snapshot_restore(struct machine *m, const struct machine_snapshot *snap)
{
	if (snap->has_memory)
		for (uint32_t page = 0; page < snap->npages; page++)
			snapshot_restore_page(m, page, snap->pages[page]);
	m->s = snap->s;
	m->retired = snap->retired;
	m->idle_ticks = snap->idle_ticks;
	m->retired_at_last_trap = snap->retired_at_last_trap;
	m->traps_in_a_row = snap->traps_in_a_row;
	memcpy(m->traps, snap->traps, sizeof m->traps);
	m->bus.unowned_accesses = snap->unowned_accesses;
	void (*sink)(void *, uint8_t) = m->console.sink;
	void *sink_ctx = m->console.sink_ctx;
	m->console = snap->console;
	m->console.sink = sink;
	m->console.sink_ctx = sink_ctx;
	m->timer = snap->timer;
	m->stopped = snap->stopped;
	m->stop_on_user = snap->stop_on_user;
	m->decode_every_time = snap->decode_every_time;
	m->stop = snap->stop;
	m->watch->pt_changes++;         /* no TLB entry survives a jump in time */
	tlb_flush(m);
}

void
machine_snapshot_free(struct machine_snapshot *snap)
{
	if (!snap)
		return;
	for (uint32_t page = 0; snap->pages && page < snap->npages; page++) {
		struct snapshot_page *p = snap->pages[page];
		if (p && --p->refs == 0)
			free(p);
	}
	free(snap->pages);
	free(snap);
}

size_t
machine_snapshot_bytes(const struct machine_snapshot *snap)
{
	size_t bytes = sizeof *snap + snap->npages * sizeof *snap->pages;
	for (uint32_t page = 0; page < snap->npages; page++)
		if (snap->pages[page])
			bytes += sizeof *snap->pages[page] / snap->pages[page]->refs;
	return bytes;
}

uint64_t
machine_snapshot_console_bytes(const struct machine_snapshot *snap)
{
	return snap->console.bytes_written;
}
