/* vcpu.h — the virtual CPU: what a guest believes it is running on, and the
 * monitor's interpreter routines, one per privileged instruction (Popek &
 * Goldberg 1974: the control program's "interpreters" v_i).  Lab 3.
 *
 * The vCPU's state is a struct cpu_state (machine.h) held by the virtual
 * machine vm->virt: general registers and PC, the *virtual* PSW (its S bit
 * is the guest's mode, not the real one), the virtual control registers
 * (tvec, epc, rbase, ptbr, ...), and the virtual devices with the virtual
 * timer, which counts guest instructions.  While guest code runs directly,
 * the registers and flags live in the real machine; the monitor copies them
 * back before anything below runs.
 *
 * Each routine (vcpu.c) emulates one instruction the guest executed in
 * virtual supervisor mode — one that trapped because the real machine ran it
 * in user mode (trap.c), or a callout from translated code (bt_execute.c).  It does to the
 * vCPU exactly what SPEC §8.5 says the instruction does to a real CPU,
 * advances the guest's PC and counts it as retired in *unaccounted; the
 * caller stores the state back and settles the count.
 */
#ifndef TRAPLAB_VCPU_H
#define TRAPLAB_VCPU_H

#include "isa.h"
#include "machine.h"

struct vcpu {
	struct machine *vm;       /* the virtual machine: devices, timer, memory */
	struct cpu_state *s;      /* the state being emulated on */
	uint64_t *unaccounted;    /* guest instructions retired but not yet counted
				     on vm (its timer needs them before any device
				     access: vcpu routines settle them then) */
};

void vcpu_emulate_rti(struct vcpu *v, const struct isa_insn *insn);
void vcpu_emulate_mfcr(struct vcpu *v, const struct isa_insn *insn);
void vcpu_emulate_mtcr(struct vcpu *v, const struct isa_insn *insn);
void vcpu_emulate_di(struct vcpu *v, const struct isa_insn *insn);
void vcpu_emulate_ei(struct vcpu *v, const struct isa_insn *insn);
void vcpu_emulate_halt(struct vcpu *v, const struct isa_insn *insn);
void vcpu_emulate_tlbflush(struct vcpu *v, const struct isa_insn *insn);
void vcpu_emulate_in(struct vcpu *v, const struct isa_insn *insn);
void vcpu_emulate_out(struct vcpu *v, const struct isa_insn *insn);
void vcpu_emulate_rdpsw(struct vcpu *v, const struct isa_insn *insn);
void vcpu_emulate_wrpsw(struct vcpu *v, const struct isa_insn *insn);
void vcpu_emulate_srr(struct vcpu *v, const struct isa_insn *insn);
void vcpu_emulate_juser(struct vcpu *v, const struct isa_insn *insn);

/* Run the routine for insn's opcode; false if there is none (the
 * instruction is not one the monitor emulates).  Binary translation's
 * callouts (bt_execute.c) come here too. */
bool vcpu_emulate(struct vcpu *v, const struct isa_insn *insn);

#endif /* TRAPLAB_VCPU_H */
