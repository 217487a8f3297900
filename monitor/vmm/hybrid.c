/* hybrid.c — the hybrid virtual machine monitor (Popek & Goldberg 1974,
 * Theorem 3; Lab 7).  Every instruction the guest executes in virtual
 * supervisor mode is interpreted; only virtual-user code runs directly.
 *
 * The interpreter is a PG32 machine: the virtual machine itself
 * (vm->virt, a view of the guest's memory with the guest's own registers,
 * control registers and devices).  Interpreting is running it with
 * stop-on-user set, so it hands control back the moment the guest enters
 * user mode — through rti, wrpsw, or the PDP-10-style juser that trap mode
 * misses on the `hybrid` variant.  That is why a hybrid monitor needs only
 * user-sensitive instructions to be privileged: supervisor code never runs
 * on the real machine at all.
 *
 * The interpreter decodes every instruction each time it runs it, as a
 * software interpreter does: the machine's cache of decoded instructions is
 * in effect a translation cache, and translating is bt_translate.c's approach, not
 * this one's.  That is the cost the hybrid monitor pays, and what binary
 * translation saves (bench/compare).
 */
#include "vm_internal.h"

void
hybrid_interpret(struct vm *vm, uint64_t budget)
{
	machine_set_stop_on_user(vm->virt, true);
	machine_set_decode_every_time(vm->virt, true);
	uint64_t before = machine_retired(vm->virt);
	enum machine_stop_reason why = machine_run(vm->virt, budget);
	uint64_t ran = machine_retired(vm->virt) - before;
	vm->stats.interpreted += ran;
	if (ran) {
		vm->events_without_progress = 0;
		/* The interpreted kernel may have edited its page tables without
		 * trapping (its stores went straight to guest memory): rebuild
		 * the shadows before user code runs on them again. */
		vm->shadow.next_free = 0;
	}
	switch (why) {
	case STOP_NONE:             /* budget */
	case STOP_USER_MODE:        /* time for direct execution */
		break;
	default:
		vm->stop = *machine_last_stop(vm->virt);
		vm->stopped = true;
		break;
	}
}
