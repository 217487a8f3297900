/* vm_checkpoint.c — checkpoints of a VM in every mode (vm_checkpoint.h),
 * for the monitor's reverse execution and the divergence explorer (Lab 6
 * "going further").  The real machine is saved with its memory, which
 * holds the guest's memory and the shadow page tables; the virtual machine
 * (the vCPU, a view of that memory) without.  What the monitor keeps
 * beside them is copied field by field; the translation cache is flushed.
 */
#include <stdlib.h>
#include <string.h>

#include "bt_internal.h"
#include "machine_snapshot.h"
#include "vm_checkpoint.h"
#include "vm_internal.h"

struct vm_checkpoint {
	struct machine_snapshot *real, *virt;   /* virt NULL in bare mode */
	uint64_t position, console_bytes;
	struct shadow shadow;                   /* its pt_frame points into ... */
	uint8_t *pt_frame;                      /* ... this copy */
	struct vm_stats stats;
	struct bt_stats bt_stats;
	struct machine_stop_info stop;
	bool stopped, in_place;
	unsigned events_without_progress, in_place_fills_in_a_row;
	uint64_t real_retired_at_entry, in_place_fill_at;
	struct pv_state pv;
};

static void
vm_checkpoint_save_monitor(struct vm_checkpoint *cp, const struct vm *vm)
{
	cp->shadow = vm->shadow;
	cp->stats = vm->stats;
	if (vm->bt)
		cp->bt_stats = vm->bt->stats;
	cp->stop = vm->stop;
	cp->stopped = vm->stopped;
	cp->in_place = vm->in_place;
	cp->events_without_progress = vm->events_without_progress;
	cp->in_place_fills_in_a_row = vm->in_place_fills_in_a_row;
	cp->real_retired_at_entry = vm->real_retired_at_entry;
	cp->in_place_fill_at = vm->in_place_fill_at;
	cp->pv = vm->pv;
}

struct vm_checkpoint *
vm_checkpoint_save(const struct vm *vm, const struct vm_checkpoint *previous)
{
	struct vm_checkpoint *cp = calloc(1, sizeof *cp);
	if (!cp)
		return NULL;
	cp->real = machine_snapshot_save(vm->real, true, previous ? previous->real : NULL);
	if (vm->virt != vm->real)
		cp->virt = machine_snapshot_save(vm->virt, false, NULL);
	if (vm->shadow.pt_frame) {
		cp->pt_frame = malloc(vm->shadow.guest_frames);
		if (cp->pt_frame)
			memcpy(cp->pt_frame, vm->shadow.pt_frame, vm->shadow.guest_frames);
	}
	if (!cp->real || (vm->virt != vm->real && !cp->virt) ||
	    (vm->shadow.pt_frame && !cp->pt_frame)) {
		vm_checkpoint_free(cp);
		return NULL;
	}
	vm_checkpoint_save_monitor(cp, vm);
	cp->position = vm_guest_instructions(vm);
	cp->console_bytes = vm_console_bytes(vm);
	return cp;
}

void
vm_checkpoint_restore(struct vm *vm, const struct vm_checkpoint *cp)
{
	machine_snapshot_restore(vm->real, cp->real);
	if (cp->virt)
		machine_snapshot_restore(vm->virt, cp->virt);
	uint8_t *pt_frame = vm->shadow.pt_frame;
	vm->shadow = cp->shadow;
	vm->shadow.pt_frame = pt_frame;
	if (pt_frame && cp->pt_frame)
		memcpy(pt_frame, cp->pt_frame, vm->shadow.guest_frames);
	vm->stats = cp->stats;
	vm->stop = cp->stop;
	vm->stopped = cp->stopped;
	vm->in_place = cp->in_place;
	vm->events_without_progress = cp->events_without_progress;
	vm->in_place_fills_in_a_row = cp->in_place_fills_in_a_row;
	vm->real_retired_at_entry = cp->real_retired_at_entry;
	vm->in_place_fill_at = cp->in_place_fill_at;
	vm->pv = cp->pv;
	if (vm->bt) {
		/* a cache: emptied, and rebuilt as the guest runs again */
		bt_reset(vm->bt);
		vm->bt->stats = cp->bt_stats;
	}
}

void
vm_checkpoint_free(struct vm_checkpoint *cp)
{
	if (!cp)
		return;
	machine_snapshot_free(cp->real);
	machine_snapshot_free(cp->virt);
	free(cp->pt_frame);
	free(cp);
}

size_t
vm_checkpoint_bytes(const struct vm_checkpoint *cp)
{
	size_t bytes = sizeof *cp + machine_snapshot_bytes(cp->real) + cp->shadow.guest_frames;
	if (cp->virt)
		bytes += machine_snapshot_bytes(cp->virt);
	return bytes;
}

uint64_t
vm_checkpoint_position(const struct vm_checkpoint *cp)
{
	return cp->position;
}

uint64_t
vm_checkpoint_console_bytes(const struct vm_checkpoint *cp)
{
	return cp->console_bytes;
}

uint64_t
vm_console_bytes(const struct vm *vm)
{
	struct machine_stats ms;
	machine_get_stats(vm->virt, &ms);
	return ms.console_bytes;
}
