/* vcpu.c — the monitor's interpreter routines, one per privileged
 * instruction (Popek & Goldberg 1974: the control program's "interpreters"
 * v_i; Lab 3).  Trap-and-emulate (trap.c) runs one when the guest's
 * supervisor code traps on a privileged instruction; binary translation
 * (bt_execute.c, Lab 8) runs one for each callout.  Each does to the vCPU
 * what SPEC §8.5 says the instruction does to a real CPU — with the very
 * functions of isa.h the interpreter (machine/cpu.c) uses, so the two
 * cannot disagree — advances the guest's PC and counts it as retired.
 */
#include "vcpu.h"

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
	/* LAB 5: vcpu_settle_time: account the retired-but-uncounted guest instructions to the virtual machine (machine_account) (SPEC §10.2, §12) */
	/* STUB: (void)v; */
	machine_account(v->vm, *v->unaccounted);
	*v->unaccounted = 0;
	/* END LAB 5 */
}

static uint32_t
vcpu_next_pc(const struct vcpu *v)
{
	return v->s->pc + ISA_WORD;
}

void
vcpu_emulate_rti(struct vcpu *v, const struct isa_insn *insn)
{
	/* LAB 3: vcpu_emulate_rti: pc := epc, PSW := epsw on the vCPU (SPEC §8.5, §6.2) */
	/* STUB: (void)insn; */
	/* STUB: vcpu_retire(v, vcpu_next_pc(v)); */
	(void)insn;
	/* Back to where the guest's trap came from, in the mode it was in:
	 * the next entry to the guest composes R for that mode (vm.c). */
	uint32_t epc = v->s->cr[CR_epc];
	v->s->psw = isa_rti_psw(v->s->cr[CR_epsw]);
	vcpu_retire(v, epc);
	/* END LAB 3 */
}

void
vcpu_emulate_mfcr(struct vcpu *v, const struct isa_insn *insn)
{
	/* LAB 3: vcpu_emulate_mfcr: rd := the guest's *virtual* control register numbered by insn->rs (SPEC §3.3, §7.1, §8.5) */
	/* STUB: (void)insn; */
	/* STUB: vcpu_retire(v, vcpu_next_pc(v)); */
	/* The guest reads its *virtual* control register: its own rbase, not
	 * the composed one the real machine uses. */
	v->s->r[insn->rd] = v->s->cr[insn->rs];
	vcpu_retire(v, vcpu_next_pc(v));
	/* END LAB 3 */
}

void
vcpu_emulate_mtcr(struct vcpu *v, const struct isa_insn *insn)
{
	/* LAB 3: vcpu_emulate_mtcr: the virtual control register numbered by insn->rd := rs, as isa_cr_written_value says (SPEC §3.3, §7.1, §8.5) */
	/* STUB: (void)insn; */
	/* STUB: vcpu_retire(v, vcpu_next_pc(v)); */
	/* P&G's allocator: a new rbase/rbound/ptbr/mmu only changes the
	 * virtual register; the next entry to the guest recomputes the real
	 * ones from it, clamped to the guest's memory (resource control). */
	v->s->cr[insn->rd] = isa_cr_written_value(insn->rd, v->s->r[insn->rs]);
	vcpu_retire(v, vcpu_next_pc(v));
	/* END LAB 3 */
}

void
vcpu_emulate_di(struct vcpu *v, const struct isa_insn *insn)
{
	/* LAB 3: vcpu_emulate_di: the virtual PSW.IE := 0 (SPEC §3.2, §8.5) */
	/* STUB: (void)insn; */
	/* STUB: vcpu_retire(v, vcpu_next_pc(v)); */
	(void)insn;
	v->s->psw &= ~PSW_IE;
	vcpu_retire(v, vcpu_next_pc(v));
	/* END LAB 3 */
}

void
vcpu_emulate_ei(struct vcpu *v, const struct isa_insn *insn)
{
	/* LAB 3: vcpu_emulate_ei: the virtual PSW.IE := 1 (SPEC §3.2, §6.3, §8.5) */
	/* STUB: (void)insn; */
	/* STUB: vcpu_retire(v, vcpu_next_pc(v)); */
	(void)insn;
	/* A pending virtual interrupt is injected by the run loop right after
	 * this retires, exactly where the bare machine would take it (§6.3). */
	v->s->psw |= PSW_IE;
	vcpu_retire(v, vcpu_next_pc(v));
	/* END LAB 3 */
}

void
vcpu_emulate_halt(struct vcpu *v, const struct isa_insn *insn)
{
	/* LAB 3: vcpu_emulate_halt: retire, settle the virtual time, wait for the virtual timer (SPEC §8.5, §10.2) */
	/* STUB: (void)insn; */
	/* STUB: vcpu_retire(v, vcpu_next_pc(v)); */
	(void)insn;
	vcpu_retire(v, vcpu_next_pc(v));
	vcpu_settle_time(v);
	machine_set_state(v->vm, v->s);    /* the wait looks at the IE bit */
	machine_halt_wait(v->vm);          /* skip to the virtual timer, or stop */
	/* END LAB 3 */
}

void
vcpu_emulate_tlbflush(struct vcpu *v, const struct isa_insn *insn)
{
	/* LAB 3: vcpu_emulate_tlbflush: retire it; the shadow tables are never stale, so nothing is dropped (SPEC §5.3, §8.5) */
	/* STUB: (void)insn; */
	/* STUB: vcpu_retire(v, v->s->pc); */
	(void)insn;
	/* Nothing to drop: shadow paging write-protects the guest's tables
	 * and rebuilds on every change (Lab 4), so no shadow is stale; the
	 * translator drops its blocks' checks itself (bt_execute.c). */
	vcpu_retire(v, vcpu_next_pc(v));
	/* END LAB 3 */
}

void
vcpu_emulate_in(struct vcpu *v, const struct isa_insn *insn)
{
	/* LAB 3: vcpu_emulate_in: rd := the *virtual* device's port, time settled first (SPEC §8.5, §10) */
	/* STUB: (void)insn; */
	/* STUB: vcpu_retire(v, vcpu_next_pc(v)); */
	/* Virtual devices: the guest's console, its timer (counting guest
	 * instructions), its power switch — never the real ones. */
	vcpu_settle_time(v);
	v->s->r[insn->rd] = machine_port_in(v->vm, (uint16_t)insn->imm);
	vcpu_retire(v, vcpu_next_pc(v));
	/* END LAB 3 */
}

void
vcpu_emulate_out(struct vcpu *v, const struct isa_insn *insn)
{
	/* LAB 3: vcpu_emulate_out: the *virtual* device's port := rs, retired first (SPEC §8.5, §10.3) */
	/* STUB: (void)insn; */
	/* STUB: vcpu_retire(v, vcpu_next_pc(v)); */
	/* STUB: vcpu_settle_time(v); */
	uint32_t value = v->s->r[insn->rs];
	vcpu_retire(v, vcpu_next_pc(v));   /* retires first, as on bare (§10.3) */
	vcpu_settle_time(v);
	machine_port_out(v->vm, (uint16_t)insn->imm, value);
	/* END LAB 3 */
}

void
vcpu_emulate_rdpsw(struct vcpu *v, const struct isa_insn *insn)
{
	/* LAB 3: vcpu_emulate_rdpsw: rd := the virtual PSW, S = 1 (SPEC §3.2, §8.5, §9.2 hole 1) */
	/* STUB: (void)insn; */
	/* STUB: vcpu_retire(v, vcpu_next_pc(v)); */
	v->s->r[insn->rd] = v->s->psw;       /* the virtual PSW: S = 1 */
	vcpu_retire(v, vcpu_next_pc(v));
	/* END LAB 3 */
}

void
vcpu_emulate_wrpsw(struct vcpu *v, const struct isa_insn *insn)
{
	/* LAB 3: vcpu_emulate_wrpsw: the virtual PSW := rs, S and IE included (SPEC §3.2, §8.5) */
	/* STUB: (void)insn; */
	/* STUB: vcpu_retire(v, vcpu_next_pc(v)); */
	/* Only the guest's supervisor code comes here (user mode's wrpsw
	 * traps to the guest, or on legacy runs directly), so this writes S
	 * and IE as well as the flags. */
	v->s->psw = isa_wrpsw_result(v->s->psw, v->s->r[insn->rs]);
	vcpu_retire(v, vcpu_next_pc(v));
	/* END LAB 3 */
}

void
vcpu_emulate_srr(struct vcpu *v, const struct isa_insn *insn)
{
	/* LAB 3: vcpu_emulate_srr: rd := the guest's own ptbr or rbase (SPEC §8.5, §9.2 hole 3) */
	/* STUB: (void)insn; */
	/* STUB: vcpu_retire(v, vcpu_next_pc(v)); */
	/* the guest's own ptbr or rbase, not the composed real ones */
	v->s->r[insn->rd] = isa_srr_value(v->s->cr);
	vcpu_retire(v, vcpu_next_pc(v));
	/* END LAB 3 */
}

void
vcpu_emulate_juser(struct vcpu *v, const struct isa_insn *insn)
{
	/* LAB 3: vcpu_emulate_juser: pc := rs, the virtual PSW.S := 0 (SPEC §4, §8.5) */
	/* STUB: (void)insn; */
	/* STUB: vcpu_retire(v, vcpu_next_pc(v)); */
	uint32_t target = v->s->r[insn->rs];
	v->s->psw = isa_juser_psw(v->s->psw);
	vcpu_retire(v, target);
	/* END LAB 3 */
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
