/* test_trap_hook.c — the machine's trap hook (machine.h), the way Labs 3–5
 * use it: it sees every trap first and answers DELIVER (the bare machine's
 * delivery, SPEC §6.2) or STOP (machine_run returns STOP_HOOK, nothing
 * delivered).  After a STOP the monitor does the rest itself — emulates
 * and runs on, or reflects with machine_deliver_trap() — and these tests
 * check that both end where the bare machine would.  A monitor may also
 * do its work inside the hook and answer EMULATED (the instruction
 * retired, the run goes on) or RETRY (the cause is gone: run it again), as
 * trap mode does with its cheapest exits (monitor/vmm/trap.c).  Part of
 * the "machine: traps" suite (test_traps.c).
 */
#include <string.h>

#include "isa.h"
#include "machine.h"
#include "rig.h"
#include "trap_hook_tests.h"

enum {
	HOOK_TVEC = 0x800,          /* the guest's handler */
	HOOK_RUN = 100,             /* budget of one run: far more than any test needs */
	EMULATED_R1 = 42,           /* what the "monitor" writes for the guest's sys */
};

/* DELIVER: the hook sees each trap first, then the guest's handler gets it. */
void
test_hook_sees_every_trap_first_then_deliver_runs_guest_handler(void)
{
	struct rig r;
	rig_open(&r, ISA_STRICT);
	r.action[0] = TRAP_DELIVER;
	r.nactions = 1;
	uint32_t prog[] = { ENC(NONE(sys)), ENC(NONE(brk)), ENC(NONE(hcall)), 0, ENC(RRR(div, 1, 2, 0)),
			    ENC(MEMI(ldw, 1, 0, 3)), ENC(OUT(0x20, 4)) };
	/* handler: count in r10; epc += 4; rti */
	uint32_t handler[] = { ENC(RRI(addi, 10, 10, 1)), ENC(MFCR(1, CR_epc)), ENC(RRI(addi, 1, 1, 4)),
			       ENC(MTCR(CR_epc, 1)), ENC(NONE(rti)) };
	rig_put_words(&r, RIG_PC, prog, ARRAY_SIZE(prog));
	rig_put_words(&r, HOOK_TVEC, handler, ARRAY_SIZE(handler));
	r.s.cr[CR_tvec] = HOOK_TVEC;
	r.s.r[3] = RIG_MEMORY;
	r.s.r[4] = 0x2a;
	rig_run(&r, 10 * HOOK_RUN);
	static const unsigned want[] = { CAUSE_SYSCALL, CAUSE_BREAKPOINT, CAUSE_HYPERCALL,
					 CAUSE_ILLEGAL, CAUSE_DIVIDE, CAUSE_MEMORY };
	CU_ASSERT_EQUAL(r.reason, STOP_POWER_OFF);
	CU_ASSERT_EQUAL(machine_last_stop(r.m)->exit_status, 0x2a);
	CU_ASSERT_EQUAL(r.ntraps, ARRAY_SIZE(want));
	CU_ASSERT_EQUAL(r.out.r[10], ARRAY_SIZE(want));
	for (size_t i = 0; i < ARRAY_SIZE(want) && i < r.ntraps; i++) {
		CHECKF(r.trap[i].cause == want[i] && r.trap[i].epc == RIG_PC + 4 * i,
		       "trap %zu: cause %u epc 0x%x, want %u at 0x%x", i, r.trap[i].cause,
		       r.trap[i].epc, want[i], RIG_PC + 4 * (unsigned)i);
	}
	CU_ASSERT_EQUAL(r.trap[5].access, ACCESS_LOAD);
	CU_ASSERT_EQUAL(r.trap[5].badaddr, RIG_MEMORY);
	rig_close(&r);
}

/* STOP, then emulate: what trap-and-emulate does with a trap it serves
 * itself.  Nothing was delivered, so the guest's trap registers and PSW are
 * as they were; the monitor's own change of state stands, and the machine
 * runs on from where the monitor put the PC. */
void
test_hook_stop_then_emulate_leaves_guest_trap_state_alone(void)
{
	struct rig r;
	rig_open(&r, ISA_STRICT);
	uint32_t prog[] = { ENC(NONE(sys)), ENC(RRI(addi, 3, 1, 1)), ENC(NONE(brk)) };
	rig_put_words(&r, RIG_PC, prog, ARRAY_SIZE(prog));
	rig_put(&r, HOOK_TVEC, ENC(RRI(addi, 2, 0, 99)));   /* must not run */
	r.s.cr[CR_tvec] = HOOK_TVEC;
	r.s.cr[CR_epc] = 0x1111;
	r.s.cr[CR_epsw] = 0x2222;
	r.s.cr[CR_cause] = 0x3333;
	r.s.psw = PSW_S | PSW_IE | PSW_C;
	rig_run(&r, HOOK_RUN);
	CU_ASSERT_EQUAL(r.reason, STOP_HOOK);
	CU_ASSERT_EQUAL(machine_last_stop(r.m)->trap.cause, CAUSE_SYSCALL);
	CU_ASSERT_EQUAL(r.out.pc, RIG_PC);                 /* at the sys, which retired */
	CU_ASSERT_EQUAL(machine_retired(r.m), 1);

	/* The "monitor" emulates the sys: r1 := 42, on to the next instruction. */
	struct cpu_state s = r.out;
	s.r[1] = EMULATED_R1;
	s.pc = machine_last_stop(r.m)->trap.epc + ISA_WORD;
	machine_set_state(r.m, &s);
	CU_ASSERT_EQUAL(machine_run(r.m, HOOK_RUN), STOP_HOOK);
	machine_get_state(r.m, &r.out);
	CU_ASSERT_EQUAL(r.ntraps, 2);
	CU_ASSERT_EQUAL(machine_last_stop(r.m)->trap.cause, CAUSE_BREAKPOINT);
	CU_ASSERT_EQUAL(r.out.r[1], EMULATED_R1);
	CU_ASSERT_EQUAL(r.out.r[3], EMULATED_R1 + 1);
	CU_ASSERT_EQUAL(r.out.r[2], 0);
	CU_ASSERT_EQUAL(r.out.cr[CR_epc], 0x1111);
	CU_ASSERT_EQUAL(r.out.cr[CR_epsw], 0x2222);
	CU_ASSERT_EQUAL(r.out.cr[CR_cause], 0x3333);
	CU_ASSERT_EQUAL(r.out.psw, PSW_S | PSW_IE | PSW_C);
	CU_ASSERT_EQUAL(r.out.pc, RIG_PC + 8);
	CHECKF(machine_retired(r.m) == 3, "emulated sys: retired %llu, want 3 (sys, addi, brk)",
	       (unsigned long long)machine_retired(r.m));
	rig_close(&r);
}

/* STOP: machine_run returns STOP_HOOK with the trap in the stop info and the
 * machine exactly as it was before the faulting instruction. */
void
test_hook_stop_returns_stop_hook_with_state_untouched(void)
{
	struct rig r;
	rig_open(&r, ISA_STRICT);
	rig_put(&r, RIG_PC, ENC(MEMI(stw, 1, 4, 2)));
	r.s.cr[CR_tvec] = HOOK_TVEC;
	r.s.r[2] = RIG_MEMORY - 4;
	r.s.psw = PSW_S | PSW_IE;
	rig_run(&r, HOOK_RUN);
	const struct machine_stop_info *st = machine_last_stop(r.m);
	CU_ASSERT_EQUAL(r.reason, STOP_HOOK);
	CU_ASSERT_EQUAL(st->reason, STOP_HOOK);
	CU_ASSERT_EQUAL(st->trap.cause, CAUSE_MEMORY);
	CU_ASSERT_EQUAL(st->trap.access, ACCESS_STORE);
	CU_ASSERT_EQUAL(st->trap.badaddr, RIG_MEMORY);
	CU_ASSERT_EQUAL(st->trap.epc, RIG_PC);
	CU_ASSERT_EQUAL(st->pc, RIG_PC);
	CU_ASSERT(memcmp(&r.out, &r.s, sizeof r.s) == 0);
	CU_ASSERT_EQUAL(machine_retired(r.m), 0);
	/* Running again re-executes the same instruction and stops again. */
	CU_ASSERT_EQUAL(machine_run(r.m, HOOK_RUN), STOP_HOOK);
	CU_ASSERT_EQUAL(r.ntraps, 2);
	rig_close(&r);
}

/* STOP, then machine_deliver_trap() — how a monitor reflects a trap into
 * its guest — ends up exactly where DELIVER would have. */
void
test_hook_stop_then_machine_deliver_trap_equals_deliver(void)
{
	struct cpu_state end[2];
	for (int way = 0; way < 2; way++) {
		struct rig r;
		rig_open(&r, ISA_STRICT);
		r.action[0] = way == 0 ? TRAP_DELIVER : TRAP_STOP;
		r.action[1] = TRAP_STOP;
		r.nactions = 2;
		rig_put(&r, RIG_PC, ENC(MEMI(ldh, 1, 1, 2)));
		rig_put(&r, HOOK_TVEC, ENC(NONE(brk)));
		r.s.cr[CR_tvec] = HOOK_TVEC;
		r.s.r[2] = 0x1000;
		r.s.psw = PSW_S | PSW_IE | PSW_V;
		rig_run(&r, HOOK_RUN);
		if (way == 1) {
			CU_ASSERT_EQUAL(r.reason, STOP_HOOK);
			struct machine_trap t = machine_last_stop(r.m)->trap;
			machine_deliver_trap(r.m, &t);
			CU_ASSERT_EQUAL(machine_run(r.m, HOOK_RUN), STOP_HOOK);
			machine_get_state(r.m, &r.out);
		}
		CU_ASSERT_EQUAL(r.ntraps, 2);
		CU_ASSERT_EQUAL(machine_last_stop(r.m)->trap.cause, CAUSE_BREAKPOINT);
		end[way] = r.out;
		rig_close(&r);
	}
	CU_ASSERT_EQUAL(end[1].cr[CR_cause], CAUSE_MISALIGNED | ACCESS_LOAD << CAUSE_ACCESS_SHIFT);
	CU_ASSERT(memcmp(&end[0], &end[1], sizeof end[0]) == 0);
}

/* ===== EMULATED and RETRY: a monitor's work inside the hook ===================== */

enum {
	USER_BOUND = 0x1000,        /* the user code's relocation bound */
	RETRY_ADDR = 0x1800,        /* a load past it, until the hook raises the bound */
};

/* The hook of a monitor that emulates a user-mode `mfcr` there and then
 * (r1 := EMULATED_R1, on to the next instruction), raises the bound of a
 * MEMORY fault and has it retried, and stops for anything else. */
struct in_place {
	unsigned emulated, retried, stopped;
	unsigned causes[RIG_MAX_TRAPS];
};

static enum machine_trap_action
in_place_hook(void *ctx, struct machine *m, const struct machine_trap *t)
{
	struct in_place *h = ctx;
	struct cpu_state s;
	machine_get_state(m, &s);
	if (h->emulated + h->retried + h->stopped < RIG_MAX_TRAPS)
		h->causes[h->emulated + h->retried + h->stopped] = t->cause;
	if (t->cause == CAUSE_PRIVILEGED) {
		s.r[1] = EMULATED_R1;
		s.pc = t->epc + ISA_WORD;
		machine_set_state(m, &s);
		h->emulated++;
		return TRAP_EMULATED;
	}
	if (t->cause == CAUSE_MEMORY && s.cr[CR_rbound] == USER_BOUND) {
		s.cr[CR_rbound] = RIG_MEMORY;
		machine_set_state(m, &s);
		h->retried++;
		return TRAP_RETRY;
	}
	h->stopped++;
	return TRAP_STOP;
}

/* User code under relocation (rbase 0) with the in-place hook installed. */
static void
in_place_open(struct rig *r, struct in_place *h, const uint32_t *prog, size_t n)
{
	rig_open(r, ISA_STRICT);
	memset(h, 0, sizeof *h);
	machine_set_trap_hook(r->m, in_place_hook, h);
	rig_put_words(r, RIG_PC, prog, n);
	r->s.psw = 0;
	r->s.cr[CR_rbase] = 0;
	r->s.cr[CR_rbound] = USER_BOUND;
}

/* EMULATED: the instruction counts as retired, nothing is delivered, and
 * the run goes on at the PC the hook set, with what it wrote. */
void
test_hook_emulated_retires_the_instruction_and_runs_on(void)
{
	struct rig r;
	struct in_place h;
	uint32_t prog[] = { ENC(MFCR(1, CR_epc)), ENC(RRI(addi, 3, 1, 1)), ENC(MFCR(1, CR_cause)),
			    ENC(RRI(addi, 3, 3, 1)), ENC(NONE(brk)) };
	in_place_open(&r, &h, prog, ARRAY_SIZE(prog));
	r.s.cr[CR_epc] = 0x1111;
	rig_run(&r, HOOK_RUN);
	CU_ASSERT_EQUAL(r.reason, STOP_HOOK);
	CU_ASSERT_EQUAL(machine_last_stop(r.m)->trap.cause, CAUSE_BREAKPOINT);
	CU_ASSERT_EQUAL(h.emulated, 2);
	CU_ASSERT_EQUAL(h.stopped, 1);
	CU_ASSERT_EQUAL(r.out.r[3], EMULATED_R1 + 2);
	CU_ASSERT_EQUAL(r.out.r[1], EMULATED_R1);
	CU_ASSERT_EQUAL(r.out.cr[CR_epc], 0x1111);       /* nothing was delivered */
	CU_ASSERT_EQUAL(r.out.psw & PSW_S, 0);
	CHECKF(machine_retired(r.m) == 5, "retired %llu, want 5 (two emulated, two addi, brk)",
	       (unsigned long long)machine_retired(r.m));
	rig_close(&r);
}

/* An emulated instruction counts against the run's budget like any other:
 * a budget of 2 ends after the first mfcr and its addi. */
void
test_hook_emulated_counts_against_the_budget(void)
{
	struct rig r;
	struct in_place h;
	uint32_t prog[] = { ENC(MFCR(1, CR_epc)), ENC(RRI(addi, 3, 1, 1)), ENC(MFCR(2, CR_cause)),
			    ENC(NONE(brk)) };
	in_place_open(&r, &h, prog, ARRAY_SIZE(prog));
	rig_run(&r, 2);
	CU_ASSERT_EQUAL(r.reason, STOP_NONE);            /* the count ran out */
	CU_ASSERT_EQUAL(h.emulated, 1);
	CU_ASSERT_EQUAL(r.out.pc, RIG_PC + 2 * ISA_WORD);
	CU_ASSERT_EQUAL(r.out.r[3], EMULATED_R1 + 1);
	CU_ASSERT_EQUAL(machine_retired(r.m), 2);
	rig_close(&r);
}

/* RETRY: nothing retires for the faulting attempt; the instruction runs
 * again under the translation the hook changed, and succeeds. */
void
test_hook_retry_runs_the_faulting_instruction_again(void)
{
	struct rig r;
	struct in_place h;
	uint32_t prog[] = { ENC(MEMI(ldw, 4, 0, 5)), ENC(RRI(addi, 3, 4, 1)), ENC(NONE(brk)) };
	in_place_open(&r, &h, prog, ARRAY_SIZE(prog));
	rig_put(&r, RETRY_ADDR, 0x41);
	r.s.r[5] = RETRY_ADDR;
	rig_run(&r, HOOK_RUN);
	CU_ASSERT_EQUAL(r.reason, STOP_HOOK);
	CU_ASSERT_EQUAL(h.retried, 1);
	CU_ASSERT_EQUAL(h.causes[0], CAUSE_MEMORY);
	CU_ASSERT_EQUAL(h.causes[1], CAUSE_BREAKPOINT);
	CU_ASSERT_EQUAL(r.out.r[4], 0x41);
	CU_ASSERT_EQUAL(r.out.r[3], 0x42);
	CU_ASSERT_EQUAL(r.out.cr[CR_rbound], RIG_MEMORY);
	CHECKF(machine_retired(r.m) == 3, "retired %llu, want 3 (ldw once, addi, brk)",
	       (unsigned long long)machine_retired(r.m));
	rig_close(&r);
}

