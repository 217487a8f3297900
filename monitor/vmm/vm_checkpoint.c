/* vm_checkpoint.c — checkpoints of a VM in every mode (vm_checkpoint.h),
 * for the monitor's reverse execution and the divergence explorer (Lab 6
 * "going further").  The real machine is saved with its memory, which
 * holds the guest's memory and the shadow page tables; the virtual machine
 * (the vCPU, a view of that memory) without.  What the monitor keeps
 * beside them is copied by one list of fields (VM_RUN_STATE); the
 * translation cache is flushed.
 */
#include <stdlib.h>
#include <string.h>

#include "bt_internal.h"
#include "machine_snapshot.h"
#include "vm_checkpoint.h"
#include "vm_internal.h"

/* The monitor's own run state beside the machines, saved and restored as it
 * is: one list for the checkpoint's fields, the save and the restore.  A
 * field struct vm gains that a run changes belongs here (vm_internal.h). */
#define VM_RUN_STATE(X)                                         \
	X(struct vm_stats, stats)                               \
	X(struct machine_stop_info, stop)                       \
	X(bool, stopped)                                        \
	X(bool, in_place)                                       \
	X(unsigned, events_without_progress)                    \
	X(unsigned, in_place_fills_in_a_row)                    \
	X(uint64_t, real_retired_at_entry)                      \
	X(uint64_t, in_place_fill_at)                           \
	X(struct pv_state, pv)

struct vm_checkpoint {
	struct machine_snapshot *real, *virt;   /* virt NULL in bare mode */
	uint64_t position, console_bytes;
	struct shadow shadow;                   /* its pt_frame points into ... */
	uint8_t *pt_frame;                      /* ... this copy */
	struct bt_stats bt_stats;
#define VM_RUN_STATE_FIELD(type, name) type name;
	VM_RUN_STATE(VM_RUN_STATE_FIELD)
#undef VM_RUN_STATE_FIELD
};

static void
vm_checkpoint_save_monitor(struct vm_checkpoint *cp, const struct vm *vm)
{
	cp->shadow = vm->shadow;
	if (vm->bt)
		cp->bt_stats = vm->bt->stats;
#define VM_RUN_STATE_SAVE(type, name) cp->name = vm->name;
	VM_RUN_STATE(VM_RUN_STATE_SAVE)
#undef VM_RUN_STATE_SAVE
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
#define VM_RUN_STATE_RESTORE(type, name) vm->name = cp->name;
	VM_RUN_STATE(VM_RUN_STATE_RESTORE)
#undef VM_RUN_STATE_RESTORE
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
