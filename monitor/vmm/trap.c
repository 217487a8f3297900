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
 * The cheapest of these traps (a few emulations, shadow misses) are handled
 * in place, inside the real machine's trap hook, with no world switch: the
 * last section below.
 */
#include <string.h>

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

/* Emulate a privileged instruction of the guest's kernel on vCPU state *g
 * (the caller makes it the virtual machine's).  False if no routine
 * emulates it. */
static bool
trap_emulate_on(struct vm *vm, const struct machine_trap *trap, const struct isa_insn *insn,
		struct cpu_state *g)
{
	uint64_t retired = 0;
	struct vcpu v = { .vm = vm->virt, .s = g, .unaccounted = &retired };
	if (!vcpu_emulate(&v, insn))
		return false;
	machine_account(vm->virt, retired);
	vm->stats.emulated++;
	vm_emit_to(vm, VM_EVENT_EMULATED, trap, g->pc);
	vm->events_without_progress = 0;
	return true;
}

static void
trap_emulate(struct vm *vm, const struct machine_trap *trap)
{
	struct isa_insn insn;
	struct cpu_state g = *machine_state(vm->virt);
	if (!isa_decode(trap->insn, &insn) || !trap_emulate_on(vm, trap, &insn, &g)) {
		/* cannot happen for a PRIVILEGED trap; reflect rather than guess */
		trap_reflect(vm, trap);
		return;
	}
	machine_set_state(vm->virt, &g);
	if (machine_stopped(vm->virt)) {     /* power-off, or halted forever */
		vm->stop = *machine_last_stop(vm->virt);
		vm->stopped = true;
	}
}

static void
trap_count(struct vm *vm, const struct machine_trap *trap)
{
	if (trap->cause < MACHINE_CAUSE_SLOTS)
		vm->stats.real_traps[trap->cause]++;
	vm->stats.transitions++;
}

void
trap_handle(struct vm *vm, const struct machine_trap *trap)
{
	const struct cpu_state *g = machine_state(vm->virt);
	trap_count(vm, trap);

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

/* ===== exits handled in place ================================================= */

/* May this privileged instruction of the guest's kernel be emulated
 * without leaving direct execution?  Yes when all it changes is registers,
 * the PC, the flags or IE being cleared, and control registers the world
 * switch does not compose the real translation from (vm.c: mmu and ptbr;
 * rbase and rbound matter only to user mode, which is entered by rti), and
 * it touches no device whose port counts time.  Then nothing the run loop
 * checks between two entries (the mode, the translation, the virtual
 * timer, a deliverable interrupt, a stop) can have changed, and the real
 * machine may go straight on -- as KVM handles its cheapest exits in its
 * inner loop, without a return to QEMU.  Trap mode only: the other modes
 * interpret or translate kernel code. */
static bool
trap_in_place_ok(const struct isa_insn *insn)
{
	switch (insn->op) {
	case OP_mfcr:
	case OP_rdpsw:
	case OP_di:
	case OP_tlbflush:       /* the shadows never go stale (shadow.c): nothing to drop */
		return true;
	case OP_mtcr:
		return insn->rd != CR_mmu && insn->rd != CR_ptbr;
	case OP_in:
	case OP_out:
		return !machine_port_affects_time((uint16_t)insn->imm);
	default:
		return false;
	}
}

static bool
trap_emulate_in_place(struct vm *vm, struct machine *real, const struct machine_trap *trap)
{
	struct isa_insn insn;
	const struct cpu_state *r = machine_state(real);
	if (trap->cause != CAUSE_PRIVILEGED || !(machine_state(vm->virt)->psw & PSW_S) ||
	    !isa_decode(trap->insn, &insn) || !trap_in_place_ok(&insn))
		return false;
	/* the vCPU: the virtual machine's, with what direct execution changed */
	struct cpu_state g = *machine_state(vm->virt);
	memcpy(g.r, r->r, sizeof g.r);
	g.pc = r->pc;
	g.psw = (g.psw & ~PSW_FLAGS) | (r->psw & PSW_FLAGS);
	trap_count(vm, trap);
	if (!trap_emulate_on(vm, trap, &insn, &g))
		return false;
	/* Registers, PC and flags live on the real CPU while the guest runs
	 * directly (the virtual machine's copy is synced at the next exit the
	 * long way); what only the virtual machine holds -- a control
	 * register, IE -- changes with mtcr and di alone. */
	if (insn.op == OP_mtcr || insn.op == OP_di)
		machine_set_state(vm->virt, &g);
	struct cpu_state back = *r;      /* and back to the real CPU */
	memcpy(back.r, g.r, sizeof back.r);
	back.pc = g.pc;
	back.psw = (back.psw & ~(PSW_FLAGS | PSW_IE)) | (g.psw & (PSW_FLAGS | PSW_IE));
	machine_set_state(real, &back);
	return true;
}

/* A shadow miss (Lab 4's fill) needs no world switch either: the entry is
 * added and the real machine runs the instruction again.  At most
 * IN_PLACE_FILLS_MAX in a row with nothing retired: a fill that does not
 * help goes the long way, where the run loop's livelock limit applies. */
enum { IN_PLACE_FILLS_MAX = 4 };

static bool
trap_fill_in_place(struct vm *vm, struct machine *real, const struct machine_trap *trap)
{
	if (trap->cause != CAUSE_PAGE || !(machine_state(vm->virt)->cr[CR_mmu] & MMU_PG))
		return false;
	uint64_t now = machine_retired(real);
	if (now != vm->in_place_fill_at) {
		vm->in_place_fill_at = now;
		vm->in_place_fills_in_a_row = 0;
	}
	if (vm->in_place_fills_in_a_row == IN_PLACE_FILLS_MAX ||
	    !shadow_fill_if_miss(&vm->shadow, real, vm->virt, trap))
		return false;
	vm->in_place_fills_in_a_row++;
	trap_count(vm, trap);
	vm_emit_to(vm, VM_EVENT_SHADOW_FILL, trap, trap->epc);
	return true;
}

enum machine_trap_action
trap_handle_in_place(struct vm *vm, struct machine *real, const struct machine_trap *trap)
{
	if (!vm->in_place)
		return TRAP_STOP;
	if (trap_emulate_in_place(vm, real, trap)) {
		vm->stats.handled_in_place++;
		return TRAP_EMULATED;
	}
	if (trap_fill_in_place(vm, real, trap)) {
		vm->stats.handled_in_place++;
		return TRAP_RETRY;
	}
	return TRAP_STOP;
}
