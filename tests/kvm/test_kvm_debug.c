/* test_kvm_debug.c — single-step and hardware breakpoints on /dev/kvm
 * (KVM_SET_GUEST_DEBUG, KVM-NOTES §3.8): a breakpoint stops at the right
 * rip, stepping modes.bin across its labels shows CR0.PE and then EFER.LMA
 * turn on exactly after those instructions, resuming from a breakpoint makes
 * progress, stepping onto `hlt` with interrupts off reports power-off.
 */
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <string.h>

#include "../../guests/x86/guest.h"
#include "kvm_support.h"

#define EFER_LMA (1u << 10)


static bool
set_bp(struct kvm_test_vm *vm, unsigned slot, uint64_t linear)
{
	char err[200];
	if (kvm_guest_set_hw_breakpoint(vm->g, slot, linear, err, sizeof err) < 0) {
		fprintf(stderr, "%s\n", err);
		CU_FAIL("kvm_guest_set_hw_breakpoint failed");
		return false;
	}
	return true;
}

static void
test_hw_breakpoint_stops_at_its_rip(void)
{
	if (!kvm_test_available() || kvm_test_breakpoints_unarmed())
		return;
	uint64_t halt = kvm_test_symbol("realmode", "halt");
	CU_ASSERT_FATAL(halt != UINT64_MAX);
	struct kvm_test_vm vm;
	if (kvm_test_start(&vm, "realmode") < 0)
		return;
	struct kvm_stop stop;
	if (set_bp(&vm, 2, LOAD + halt)) {
		kvm_test_run(&vm, &stop);
		CU_ASSERT_EQUAL(stop.kind, KVM_STOP_DEBUG);
		CU_ASSERT_EQUAL(stop.rip, halt);                 /* IP; CS base is LOAD */
		CU_ASSERT_PTR_NOT_NULL(strstr(stop.message, "hardware breakpoint 2"));
		CU_ASSERT_STRING_EQUAL(vm.out, REALMODE_LINE);   /* all it did before */
		/* stepping onto hlt with IF = 0: power-off, and rip stays */
		kvm_guest_step(vm.g, &stop);
		CU_ASSERT_EQUAL(stop.kind, KVM_STOP_POWER_OFF);
		CU_ASSERT_EQUAL(stop.rip, halt);
	}
	kvm_test_end(&vm);
}

static void
test_single_step_moves_one_instruction(void)
{
	if (!kvm_test_available())
		return;
	struct kvm_test_vm vm;
	if (kvm_test_start(&vm, "realmode") < 0)
		return;
	struct kvm_stop stop;
	struct kvm_regs regs;
	kvm_guest_step(vm.g, &stop);   /* mov $msg, %esi: 66 be imm32 */
	CU_ASSERT_EQUAL(stop.kind, KVM_STOP_DEBUG);
	CU_ASSERT_EQUAL(stop.rip, 6);
	CU_ASSERT_EQUAL(kvm_guest_get_regs(vm.g, &regs, NULL), 0);
	CU_ASSERT_EQUAL(regs.rsi, kvm_test_symbol("realmode", "msg"));
	CU_ASSERT_EQUAL(regs.rflags & (1u << 8), 0);   /* no TF left behind */
	kvm_guest_step(vm.g, &stop);   /* lodsb */
	CU_ASSERT_EQUAL(stop.rip, 7);
	CU_ASSERT_EQUAL(kvm_guest_get_regs(vm.g, &regs, NULL), 0);
	CU_ASSERT_EQUAL(regs.rax & 0xff, REALMODE_LINE[0]);
	/* and then it runs to its end as if never stopped */
	kvm_test_run(&vm, &stop);
	CU_ASSERT_EQUAL(stop.kind, KVM_STOP_POWER_OFF);
	CU_ASSERT_STRING_EQUAL(vm.out, REALMODE_LINE);
	kvm_test_end(&vm);
}

static void
test_stepping_modes_shows_pe_then_lma(void)
{
	if (!kvm_test_available())
		return;
	uint64_t set_pe = kvm_test_symbol("modes", "set_pe");
	uint64_t set_pg = kvm_test_symbol("modes", "set_pg");
	CU_ASSERT_FATAL(set_pe != UINT64_MAX && set_pg != UINT64_MAX);
	struct kvm_test_vm vm;
	if (kvm_test_start(&vm, "modes") < 0)
		return;
	struct kvm_stop stop;
	struct kvm_regs regs;
	struct kvm_sregs sregs;

	/* real mode: the breakpoint is a linear address, rip an offset from CS = 0x07c0 */
	if (!set_bp(&vm, 0, LOAD + set_pe))
		goto out;
	kvm_test_run(&vm, &stop);
	CU_ASSERT_EQUAL_FATAL(stop.kind, KVM_STOP_DEBUG);
	CU_ASSERT_EQUAL(stop.rip, set_pe);
	CU_ASSERT_EQUAL(kvm_guest_get_regs(vm.g, &regs, &sregs), 0);
	CU_ASSERT_EQUAL(sregs.cr0 & 1, 0);
	CU_ASSERT_EQUAL(regs.rax & 1, 1);       /* about to be written to CR0 */
	CU_ASSERT_STRING_EQUAL(vm.out, MODES_LINE_REAL);
	kvm_guest_step(vm.g, &stop);            /* mov %eax, %cr0 */
	CU_ASSERT_EQUAL(stop.kind, KVM_STOP_DEBUG);
	CU_ASSERT_EQUAL(kvm_guest_get_regs(vm.g, &regs, &sregs), 0);
	CU_ASSERT_EQUAL(sregs.cr0 & 1, 1);      /* PE, exactly after that instruction */
	CU_ASSERT_EQUAL(regs.rip, set_pe + 3);
	CU_ASSERT_EQUAL(sregs.efer & EFER_LMA, 0);
	CU_ASSERT_EQUAL(kvm_guest_clear_hw_breakpoint(vm.g, 0), 0);

	/* protected mode, flat: rip is linear now */
	if (!set_bp(&vm, 1, LOAD + set_pg))
		goto out;
	kvm_test_run(&vm, &stop);
	CU_ASSERT_EQUAL_FATAL(stop.kind, KVM_STOP_DEBUG);
	CU_ASSERT_EQUAL(stop.rip, LOAD + set_pg);
	CU_ASSERT_EQUAL(kvm_guest_get_regs(vm.g, &regs, &sregs), 0);
	CU_ASSERT(sregs.efer & EFER_LME);
	CU_ASSERT_EQUAL(sregs.efer & EFER_LMA, 0);
	CU_ASSERT_EQUAL(sregs.cr0 & CR0_PG, 0);
	CU_ASSERT_STRING_EQUAL(vm.out, MODES_LINE_REAL MODES_LINE_PROT);
	kvm_guest_step(vm.g, &stop);            /* mov %eax, %cr0 with PG */
	CU_ASSERT_EQUAL(stop.kind, KVM_STOP_DEBUG);
	CU_ASSERT_EQUAL(kvm_guest_get_regs(vm.g, &regs, &sregs), 0);
	CU_ASSERT(sregs.efer & EFER_LMA);       /* long mode is active ... */
	CU_ASSERT_EQUAL(sregs.cs.l, 0);         /* ... in compatibility mode until the far jump */
	CU_ASSERT_EQUAL(regs.rip, LOAD + set_pg + 3);
	kvm_guest_step(vm.g, &stop);            /* ljmp to 64-bit code */
	CU_ASSERT_EQUAL(kvm_guest_get_regs(vm.g, &regs, &sregs), 0);
	CU_ASSERT_EQUAL(sregs.cs.l, 1);

	/* leave the breakpoint set: resuming must not stop there again */
	kvm_test_run(&vm, &stop);
	CU_ASSERT_EQUAL(stop.kind, KVM_STOP_POWER_OFF);
	CU_ASSERT_STRING_EQUAL(vm.out, MODES_LINE_REAL MODES_LINE_PROT MODES_LINE_LONG);
out:
	kvm_test_end(&vm);
}

/* Continue from a breakpoint without clearing it: RFLAGS.RF lets the
 * instruction run once, so the guest makes progress and finishes. */
static void
test_resume_from_a_breakpoint_makes_progress(void)
{
	if (!kvm_test_available())
		return;
	uint64_t set_pe = kvm_test_symbol("modes", "set_pe");
	struct kvm_test_vm vm;
	if (kvm_test_start(&vm, "modes") < 0)
		return;
	struct kvm_stop stop;
	if (set_bp(&vm, 3, LOAD + set_pe)) {
		kvm_test_run(&vm, &stop);
		CU_ASSERT_EQUAL(stop.kind, KVM_STOP_DEBUG);
		CU_ASSERT_EQUAL(stop.rip, set_pe);
		kvm_test_run(&vm, &stop);
		CU_ASSERT_EQUAL(stop.kind, KVM_STOP_POWER_OFF);
		CU_ASSERT_STRING_EQUAL(vm.out, MODES_LINE_REAL MODES_LINE_PROT MODES_LINE_LONG);
	}
	char err[200];
	CU_ASSERT_EQUAL(kvm_guest_set_hw_breakpoint(vm.g, 4, 0, err, sizeof err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "slot 4"));
	kvm_test_end(&vm);
}

/* A string instruction with a REP prefix traps after each iteration at its
 * own address (SDM vol. 3B §18.3.1.4): a step is one iteration, CX one less,
 * the pc unchanged until the last.  Guards kvm_guest_debug_nothing_ran,
 * which passes over a trap at the same pc only when nothing changed. */
static void
test_step_of_rep_stosb_is_one_iteration(void)
{
	if (!kvm_test_available())
		return;
	/* mov cx, 3; mov di, 0x200; rep stosb; cli; hlt */
	static const uint8_t code[] = { 0xb9, 0x03, 0x00, 0xbf, 0x00, 0x02, 0xf3, 0xaa, 0xfa, 0xf4 };
	enum { REP_AT = 6, AFTER_REP = 8, COUNT = 3 };
	struct kvm_test_vm vm;
	if (kvm_test_start_bytes(&vm, code, sizeof code, LOAD, KVM_MODE_REAL) < 0)
		return;
	struct kvm_stop stop;
	struct kvm_regs regs;
	struct kvm_sregs sregs;
	kvm_guest_step(vm.g, &stop);
	kvm_guest_step(vm.g, &stop);
	CU_ASSERT_EQUAL(kvm_guest_get_regs(vm.g, &regs, &sregs), 0);
	CU_ASSERT_EQUAL(regs.rip, REP_AT);
	for (unsigned left = COUNT - 1; left + 1 > 0; left--) {
		kvm_guest_step(vm.g, &stop);
		CU_ASSERT_EQUAL(stop.kind, KVM_STOP_DEBUG);
		CU_ASSERT_EQUAL(kvm_guest_get_regs(vm.g, &regs, &sregs), 0);
		CU_ASSERT_EQUAL(regs.rcx & 0xffff, left);
		CU_ASSERT_EQUAL(regs.rip, left ? REP_AT : AFTER_REP);
	}
	kvm_test_run(&vm, &stop);
	CU_ASSERT_EQUAL(stop.kind, KVM_STOP_POWER_OFF);
	kvm_test_end(&vm);
}

static CU_TestInfo tests[] = {
	{ "a hardware breakpoint stops at its rip; hlt with IF=0 steps to power-off", test_hw_breakpoint_stops_at_its_rip },
	{ "single step moves one instruction", test_single_step_moves_one_instruction },
	{ "a step of rep stosb is one iteration", test_step_of_rep_stosb_is_one_iteration },
	{ "modes.bin stepped: CR0.PE after set_pe, EFER.LMA after set_pg", test_stepping_modes_shows_pe_then_lma },
	{ "resuming from a breakpoint makes progress", test_resume_from_a_breakpoint_makes_progress },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_kvm_debug = { "kvm: debugging", NULL, NULL, NULL, NULL, tests };
