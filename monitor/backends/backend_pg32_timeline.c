/* backend_pg32_timeline.c — the PG32 backend's timeline
 * (backend_timeline.h): checkpoints of its VM in any mode
 * (monitor/vmm/vm_checkpoint.h) plus what the backend keeps beside the VM
 * (has the guest ended?).  The shell's reverse execution moves along it
 * (shell_reverse.c); Lab 6's "going further" uses it.
 */
#include <stdlib.h>
#include <string.h>

#include "backend_pg32_internal.h"
#include "backend_timeline.h"
#include "vm_checkpoint.h"

struct backend_checkpoint {
	struct vm_checkpoint *vm;
	bool ended;
	/* what it belongs to: the guest's image and the VM's settings */
	const uint8_t *image;
	size_t image_size;
	struct vm_config cfg;
};

bool
timeline_supported(const struct backend *b)
{
	return strcmp(b->ops->name, "pg32") == 0 && pg32(b)->vm != NULL;
}

uint64_t
timeline_position(const struct backend *b)
{
	return vm_guest_instructions(pg32(b)->vm);
}

uint64_t
timeline_console_bytes(const struct backend *b)
{
	return vm_console_bytes(pg32(b)->vm);
}

uint64_t
timeline_guest_bytes(const struct backend *b)
{
	return vm_guest_memory_size(pg32(b)->vm);
}

struct backend_checkpoint *
timeline_save(struct backend *b, const struct backend_checkpoint *previous)
{
	struct pg32_backend *p = pg32(b);
	struct backend_checkpoint *cp = calloc(1, sizeof *cp);
	if (!cp)
		return NULL;
	cp->vm = vm_checkpoint_save(p->vm, previous ? previous->vm : NULL);
	if (!cp->vm) {
		free(cp);
		return NULL;
	}
	cp->ended = p->ended;
	cp->image = p->image;
	cp->image_size = p->size;
	cp->cfg = p->vm_cfg;
	return cp;
}

bool
timeline_compatible(const struct backend *b, const struct backend_checkpoint *cp)
{
	const struct pg32_backend *p = pg32(b);
	const struct vm_config *a = &p->vm_cfg, *c = &cp->cfg;
	return p->vm && p->image == cp->image && p->size == cp->image_size &&
	       a->mode == c->mode && a->variant == c->variant &&
	       a->guest_memory == c->guest_memory && a->placement == c->placement &&
	       a->bt_cache_blocks == c->bt_cache_blocks && a->bt_no_chaining == c->bt_no_chaining;
}

void
timeline_restore(struct backend *b, const struct backend_checkpoint *cp)
{
	struct pg32_backend *p = pg32(b);
	vm_checkpoint_restore(p->vm, cp->vm);
	p->ended = cp->ended;
	/* the watched words as they were there: a watchpoint fires on a
	 * change from the value the guest had at that point of the run */
	for (size_t i = 0; i < p->watches.count; i++) {
		struct backend_watchpoint *w = &p->watches.entries[i];
		uint32_t pa;
		if (vm_guest_translate(p->vm, (uint32_t)w->addr, ISA_WORD, ACCESS_LOAD, &pa) == 0)
			vm_read_guest_phys(p->vm, pa, &w->value, sizeof w->value);
	}
}

void
timeline_free(struct backend_checkpoint *cp)
{
	if (!cp)
		return;
	vm_checkpoint_free(cp->vm);
	free(cp);
}

size_t
timeline_checkpoint_bytes(const struct backend_checkpoint *cp)
{
	return sizeof *cp + vm_checkpoint_bytes(cp->vm);
}

uint64_t
timeline_checkpoint_position(const struct backend_checkpoint *cp)
{
	return vm_checkpoint_position(cp->vm);
}

uint64_t
timeline_checkpoint_console_bytes(const struct backend_checkpoint *cp)
{
	return vm_checkpoint_console_bytes(cp->vm);
}

void
timeline_console_input(struct backend *b, const char *text, size_t len)
{
	vm_console_input(pg32(b)->vm, text, len);
}
