/* hybrid.c — the hybrid virtual machine monitor (Popek & Goldberg 1974,
 * Theorem 3; Lab 7, lessons/07-hybrid/README.md).  Every instruction the
 * guest executes in virtual supervisor mode is interpreted; only
 * virtual-user code runs directly (vm.c's run loop decides which).
 *
 * The interpreter is a PG32 machine: the virtual machine itself
 * (vm->virt, a view of the guest's memory with the guest's own registers,
 * control registers and devices).  Interpreting is running it with
 * stop-on-user set, so it hands control back the moment the guest enters
 * user mode — through rti, wrpsw, or the PDP-10-style juser that trap mode
 * misses on the `hybrid` variant.  That is why a hybrid monitor needs only
 * user-sensitive instructions to be privileged (isa/SPEC.md §9.1):
 * supervisor code never runs on the real machine at all.
 *
 * The interpreter decodes every instruction each time it runs it, as a
 * software interpreter does: the machine's cache of decoded instructions is
 * in effect a translation cache, and translating is bt_translate.c's approach, not
 * this one's.  That is the cost the hybrid monitor pays, and what binary
 * translation saves (bench/compare).
 */
#include "vm_internal.h"

/* A stop of the interpreter that is the guest's own end (power-off, an
 * unhandled trap, a halt nothing will wake) is the monitor's stop too; the
 * budget and the switch to user mode only hand control back to the loop. */
static void
hybrid_pass_on_stop(struct vm *vm, enum machine_stop_reason why)
{
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

void
hybrid_interpret(struct vm *vm, uint64_t budget)
{
	/* LAB 7: hybrid_interpret: run the virtual machine itself (vm->virt) as the interpreter, for at most `budget` guest instructions: it must stop where the guest enters user mode and decode every instruction afresh; count what it ran in vm->stats.interpreted (and as progress), and pass its stop on with hybrid_pass_on_stop (P&G Theorem 3; isa/SPEC.md §9.1, machine/machine.h) */
	/* STUB: (void)budget; */
	/* STUB: uint64_t ran = 0; */
	/* STUB: hybrid_pass_on_stop(vm, STOP_NONE); */
	machine_set_stop_on_user(vm->virt, true);
	machine_set_decode_every_time(vm->virt, true);
	uint64_t before = machine_retired(vm->virt);
	enum machine_stop_reason why = machine_run(vm->virt, budget);
	uint64_t ran = machine_retired(vm->virt) - before;
	vm->stats.interpreted += ran;
	if (ran)
		vm->events_without_progress = 0;
	hybrid_pass_on_stop(vm, why);
	/* END LAB 7 */

	/* LAB 7: hybrid_interpret: the interpreted kernel's stores went straight to guest memory, page-table stores too, and none trapped: drop the shadow page tables (vm->shadow) before user code runs on them again (isa/SPEC.md §5.2, §5.3; monitor/vmm/shadow.h) */
	/* STUB: (void)ran; */
	if (ran)
		vm->shadow.next_free = 0;
	/* END LAB 7 */
}
