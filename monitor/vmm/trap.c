/* trap.c — trap-and-emulate's dispatcher (Popek & Goldberg, Theorem 1; Lab 3).
 *
 * The guest's kernel runs in the real machine's user mode, so each of its
 * privileged instructions traps to us.  The dispatcher below decides, for
 * every trap of the real machine, between three answers:
 *   - a shadow-paging miss or page-table write: memory virtualization (shadow.c);
 *   - a privileged instruction from the guest's *supervisor* code: emulate it
 *     against the vCPU with the routine for that instruction (vcpu.c);
 *   - anything else: it is the guest's own trap (a system call, a fault, a
 *     privileged instruction in its user code): reflect it into the guest's
 *     own trap vector, as the bare machine would have delivered it.
 * On the strict variant every sensitive instruction lands here, which is why
 * the result is equivalent to bare.  On legacy, rdpsw, wrpsw and srr run
 * directly without trapping — and `traplab equiv` shows what goes wrong.
 */
#include "vcpu.h"
#include "vm_internal.h"

/* ===== the dispatcher ======================================================== */

void
trap_reflect(struct vm *vm, const struct machine_trap *trap)
{
	/* LAB 3: trap_reflect: deliver the guest's own trap to the *virtual* CPU, as the bare machine would (SPEC §6.1, §6.2, §6.4) */
	/* STUB: vm->stats.reflected++; */
	/* STUB: vm_emit(vm, VM_EVENT_REFLECTED, trap); */
	vm->stats.reflected++;
	if (trap->cause < MACHINE_CAUSE_SLOTS)
		vm->stats.reflected_by_cause[trap->cause]++;
	if (vm->cfg.mode != MODE_PV || !pv_deliver(vm, trap))
		machine_deliver_trap(vm->virt, trap);
	vm_emit(vm, VM_EVENT_REFLECTED, trap);
	if (machine_stopped(vm->virt)) {
		vm->stop = *machine_last_stop(vm->virt);
		vm->stopped = true;
	}
	/* END LAB 3 */
}

static void
trap_emulate(struct vm *vm, const struct machine_trap *trap)
{
	struct isa_insn insn;
	struct cpu_state g;
	uint64_t retired = 0;
	machine_get_state(vm->virt, &g);
	struct vcpu v = { .vm = vm->virt, .s = &g, .unaccounted = &retired };
	if (!isa_decode(trap->insn, &insn) || !vcpu_emulate(&v, &insn)) {
		/* cannot happen for a PRIVILEGED trap; reflect rather than guess */
		trap_reflect(vm, trap);
		return;
	}
	machine_set_state(vm->virt, &g);
	machine_account(vm->virt, retired);
	vm->stats.emulated++;
	vm_emit(vm, VM_EVENT_EMULATED, trap);
	vm->events_without_progress = 0;
	if (insn.op == OP_tlbflush && vm->shadow.next_free)
		shadow_flush(&vm->shadow, vm->real);
	if (machine_stopped(vm->virt)) {     /* power-off, or halted forever */
		vm->stop = *machine_last_stop(vm->virt);
		vm->stopped = true;
	}
}

void
trap_handle(struct vm *vm, const struct machine_trap *trap)
{
	const struct cpu_state *g = machine_state(vm->virt);
	if (trap->cause < MACHINE_CAUSE_SLOTS)
		vm->stats.real_traps[trap->cause]++;
	vm->stats.transitions++;

	if (vm->cfg.mode == MODE_PV && trap->cause == CAUSE_HYPERCALL) {
		pv_hypercall(vm, trap);
		vm->events_without_progress = 0;
		if (machine_stopped(vm->virt)) {
			vm->stop = *machine_last_stop(vm->virt);
			vm->stopped = true;
		}
		return;
	}

	if (trap->cause == CAUSE_PAGE && (g->cr[CR_mmu] & MMU_PG)) {
		struct machine_trap reflect;
		switch (shadow_handle_fault(&vm->shadow, vm->real, vm->virt, trap, &reflect)) {
		case SHADOW_FILLED:
			vm_emit(vm, VM_EVENT_SHADOW_FILL, trap);
			return;                 /* retry the instruction */
		case SHADOW_EMULATED:
			vm_emit(vm, VM_EVENT_PT_WRITE, trap);
			vm->stats.emulated++;
			vm->events_without_progress = 0;
			return;
		case SHADOW_GUEST_FAULT:
			trap_reflect(vm, &reflect);
			return;
		}
	}
	if (trap->cause == CAUSE_PRIVILEGED && (g->psw & PSW_S))
		trap_emulate(vm, trap);
	else
		trap_reflect(vm, trap);
}
