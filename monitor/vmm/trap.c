/* trap.c — trap-and-emulate (Popek & Goldberg 1974, Theorem 1; Lab 3).
 *
 * The guest's kernel runs in the real machine's user mode, so each of its
 * privileged instructions traps to us.  The dispatcher below decides, for
 * every trap of the real machine, between three answers:
 *   - a shadow-paging miss or page-table write: memory virtualization (shadow.c);
 *   - a privileged instruction from the guest's *supervisor* code: emulate it
 *     against the vCPU with the routine for that instruction (vcpu.h);
 *   - anything else: it is the guest's own trap (a system call, a fault, a
 *     privileged instruction in its user code): reflect it into the guest's
 *     own trap vector, as the bare machine would have delivered it.
 * On the strict variant every sensitive instruction lands here, which is why
 * the result is equivalent to bare.  On legacy, rdpsw, wrpsw and srr run
 * directly without trapping — and `traplab equiv` shows what goes wrong.
 */
#include <string.h>

#include "vcpu.h"
#include "vm_internal.h"

/* ===== the interpreter routines (SPEC §8.5), one per instruction ========== */

/* The instruction retired: the guest's PC moves to `next`, and one more
 * guest instruction is owed to the virtual machine's count. */
static void
vcpu_retire(struct vcpu *v, uint32_t next)
{
	v->s->r[ISA_REG_ZERO] = 0;
	v->s->pc = next;
	(*v->unaccounted)++;
}

/* Before the virtual devices see anything: count what retired, so the
 * virtual timer is exact (SPEC §12). */
static void
vcpu_settle_time(struct vcpu *v)
{
	machine_account(v->vm, *v->unaccounted);
	*v->unaccounted = 0;
}

static uint32_t
vcpu_next_pc(const struct vcpu *v)
{
	return v->s->pc + ISA_WORD;
}

void
vcpu_emulate_rti(struct vcpu *v, const struct isa_insn *insn)
{
	(void)insn;
	/* Back to where the guest's trap came from, in the mode it was in:
	 * the next entry to the guest composes R for that mode (vm.c). */
	uint32_t epc = v->s->cr[CR_epc];
	v->s->psw = v->s->cr[CR_epsw] & PSW_WRITABLE;
	vcpu_retire(v, epc);
}

void
vcpu_emulate_mfcr(struct vcpu *v, const struct isa_insn *insn)
{
	/* The guest reads its *virtual* control register: its own rbase, not
	 * the composed one the real machine uses. */
	v->s->r[insn->rd] = v->s->cr[insn->rs];
	vcpu_retire(v, vcpu_next_pc(v));
}

void
vcpu_emulate_mtcr(struct vcpu *v, const struct isa_insn *insn)
{
	/* P&G's allocator: a new rbase/rbound/ptbr/mmu only changes the
	 * virtual register; the next entry to the guest recomputes the real
	 * ones from it, clamped to the guest's memory (resource control). */
	uint32_t value = v->s->r[insn->rs];
	switch (insn->rd) {
	case CR_ptbr: value &= PTE_FRAME_MASK; break;
	case CR_mmu:  value &= MMU_PG; break;
	}
	v->s->cr[insn->rd] = value;
	vcpu_retire(v, vcpu_next_pc(v));
}

void
vcpu_emulate_di(struct vcpu *v, const struct isa_insn *insn)
{
	(void)insn;
	v->s->psw &= ~PSW_IE;
	vcpu_retire(v, vcpu_next_pc(v));
}

void
vcpu_emulate_ei(struct vcpu *v, const struct isa_insn *insn)
{
	(void)insn;
	/* A pending virtual interrupt is injected by the run loop right after
	 * this retires, exactly where the bare machine would take it (§6.3). */
	v->s->psw |= PSW_IE;
	vcpu_retire(v, vcpu_next_pc(v));
}

void
vcpu_emulate_halt(struct vcpu *v, const struct isa_insn *insn)
{
	(void)insn;
	vcpu_retire(v, vcpu_next_pc(v));
	vcpu_settle_time(v);
	machine_set_state(v->vm, v->s);    /* the wait looks at the IE bit */
	machine_halt_wait(v->vm);          /* skip to the virtual timer, or stop */
}

void
vcpu_emulate_tlbflush(struct vcpu *v, const struct isa_insn *insn)
{
	(void)insn;
	/* The shadows are dropped by the caller: the guest promised it
	 * changed its tables (SPEC §5.3). */
	vcpu_retire(v, vcpu_next_pc(v));
}

void
vcpu_emulate_in(struct vcpu *v, const struct isa_insn *insn)
{
	/* Virtual devices: the guest's console, its timer (counting guest
	 * instructions), its power switch — never the real ones. */
	vcpu_settle_time(v);
	v->s->r[insn->rd] = machine_port_in(v->vm, (uint16_t)insn->imm);
	vcpu_retire(v, vcpu_next_pc(v));
}

void
vcpu_emulate_out(struct vcpu *v, const struct isa_insn *insn)
{
	uint32_t value = v->s->r[insn->rs];
	vcpu_retire(v, vcpu_next_pc(v));   /* retires first, as on bare (§10.3) */
	vcpu_settle_time(v);
	machine_port_out(v->vm, (uint16_t)insn->imm, value);
}

void
vcpu_emulate_rdpsw(struct vcpu *v, const struct isa_insn *insn)
{
	v->s->r[insn->rd] = v->s->psw;       /* the virtual PSW: S = 1 */
	vcpu_retire(v, vcpu_next_pc(v));
}

void
vcpu_emulate_wrpsw(struct vcpu *v, const struct isa_insn *insn)
{
	v->s->psw = v->s->r[insn->rs] & PSW_WRITABLE;
	vcpu_retire(v, vcpu_next_pc(v));
}

void
vcpu_emulate_srr(struct vcpu *v, const struct isa_insn *insn)
{
	v->s->r[insn->rd] = (v->s->cr[CR_mmu] & MMU_PG) ? v->s->cr[CR_ptbr] : v->s->cr[CR_rbase];
	vcpu_retire(v, vcpu_next_pc(v));
}

void
vcpu_emulate_juser(struct vcpu *v, const struct isa_insn *insn)
{
	uint32_t target = v->s->r[insn->rs];
	v->s->psw &= ~PSW_S;
	vcpu_retire(v, target);
}

/* The table of interpreters, indexed by opcode.  An opcode that a variant
 * makes privileged but that has no routine here is a monitor bug, caught by
 * tests/monitor (every privileged instruction of every variant is run). */
static void (*const vcpu_emulators[OP_COUNT])(struct vcpu *, const struct isa_insn *) = {
	[OP_rti] = vcpu_emulate_rti,
	[OP_mfcr] = vcpu_emulate_mfcr,
	[OP_mtcr] = vcpu_emulate_mtcr,
	[OP_di] = vcpu_emulate_di,
	[OP_ei] = vcpu_emulate_ei,
	[OP_halt] = vcpu_emulate_halt,
	[OP_tlbflush] = vcpu_emulate_tlbflush,
	[OP_in] = vcpu_emulate_in,
	[OP_out] = vcpu_emulate_out,
	[OP_rdpsw] = vcpu_emulate_rdpsw,
	[OP_wrpsw] = vcpu_emulate_wrpsw,
	[OP_srr] = vcpu_emulate_srr,
	[OP_juser] = vcpu_emulate_juser,
};

bool
vcpu_emulate(struct vcpu *v, const struct isa_insn *insn)
{
	if ((unsigned)insn->op >= OP_COUNT || !vcpu_emulators[insn->op])
		return false;
	vcpu_emulators[insn->op](v, insn);
	return true;
}

/* ===== the dispatcher ======================================================== */

void
trap_reflect(struct vm *vm, const struct machine_trap *trap)
{
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
	struct cpu_state g;
	machine_get_state(vm->virt, &g);
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

	if (trap->cause == CAUSE_PAGE && (g.cr[CR_mmu] & MMU_PG)) {
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
	if (trap->cause == CAUSE_PRIVILEGED && (g.psw & PSW_S))
		trap_emulate(vm, trap);
	else
		trap_reflect(vm, trap);
}
