/* test_traps.c — how the bare machine raises and delivers traps
 * (isa/SPEC.md §6, §7.3, §12): what lands in epc/epsw/cause/badaddr, precise
 * traps, which trapping instructions retire, illegal words, no handler, trap
 * storms and the instruction budget; the trap hook's tests are in
 * test_trap_hook.c, in this suite.  Serves Lab 1 (the trap path) and
 * Labs 3–5 (monitors install the hook).
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "isa.h"
#include "machine.h"
#include "rig.h"
#include "support.h"
#include "trap_hook_tests.h"

/* ===== the rig ============================================================ */

enum {
	RIG_TVEC = 0x800,        /* the guest's handler, when there is one */
	USER_BASE = 0x4000,      /* rbase for user-mode rows: user 0 = physical 0x4000 */
	USER_BOUND = 0x2000,
	BADADDR_BEFORE = 0xbadbad00u,
};

/* The shared rig, with badaddr preset so a trap that must not set it shows. */
static void
open_rig(struct rig *r, enum isa_variant v)
{
	rig_open(r, v);
	r->s.cr[CR_badaddr] = BADADDR_BEFORE;
}

/* ===== delivery (SPEC §6.1, §6.2) ========================================= */

/* One trap, delivered to a handler at RIG_TVEC whose first instruction is
 * `addi r9, r0, 7` and second a brk the hook stops on. */
struct delivery_case {
	const char *name;
	enum isa_variant variant;
	bool user;               /* user mode: code at virtual 0, rbase USER_BASE */
	uint32_t psw;
	uint32_t insn;
	uint32_t r2;
	unsigned cause;
	enum isa_access access;
	uint32_t epc;            /* virtual */
	uint32_t badaddr;        /* for the memory causes */
};

static void
delivery_cases(struct delivery_case *c, size_t *n)
{
	const struct delivery_case rows[] = {
		{ "supervisor load beyond memory", ISA_STRICT, false, PSW_S | PSW_IE | PSW_Z | PSW_C,
		  ENC(MEMI(ldw, 1, 0, 2)), RIG_MEMORY, CAUSE_MEMORY, ACCESS_LOAD, RIG_PC, RIG_MEMORY },
		{ "user store at the bound", ISA_STRICT, true, PSW_IE | PSW_N,
		  ENC(MEMI(stw, 1, 0, 2)), USER_BOUND, CAUSE_MEMORY, ACCESS_STORE, 0, USER_BOUND },
		{ "user misaligned halfword load", ISA_STRICT, true, PSW_V,
		  ENC(MEMI(ldh, 1, 0, 2)), 0x101, CAUSE_MISALIGNED, ACCESS_LOAD, 0, 0x101 },
		{ "supervisor misaligned word store", ISA_STRICT, false, PSW_S,
		  ENC(MEMI(stw, 1, 2, 2)), 0x1000, CAUSE_MISALIGNED, ACCESS_STORE, RIG_PC, 0x1002 },
		{ "jump beyond memory faults the fetch", ISA_STRICT, false, PSW_S | PSW_Z,
		  ENC(R1(jr, 2)), RIG_MEMORY, CAUSE_MEMORY, ACCESS_FETCH, RIG_MEMORY, RIG_MEMORY },
		{ "jump to a misaligned pc", ISA_STRICT, false, PSW_S,
		  ENC(R1(jr, 2)), 0x102, CAUSE_MISALIGNED, ACCESS_FETCH, 0x102, 0x102 },
		{ "user jump past the bound", ISA_STRICT, true, PSW_IE,
		  ENC(R1(jr, 2)), USER_BOUND, CAUSE_MEMORY, ACCESS_FETCH, USER_BOUND, USER_BOUND },
		{ "sys", ISA_STRICT, true, PSW_IE | PSW_C, ENC(NONE(sys)), 0, CAUSE_SYSCALL, 0, 0, 0 },
		{ "brk", ISA_LEGACY, false, PSW_S | PSW_N, ENC(NONE(brk)), 0, CAUSE_BREAKPOINT, 0,
		  RIG_PC, 0 },
		{ "hcall", ISA_HYBRID, true, 0, ENC(NONE(hcall)), 0, CAUSE_HYPERCALL, 0, 0, 0 },
		{ "privileged di in user mode", ISA_STRICT, true, PSW_IE | PSW_Z, ENC(NONE(di)), 0,
		  CAUSE_PRIVILEGED, 0, 0, 0 },
		{ "illegal all-zero word", ISA_STRICT, false, PSW_S | PSW_IE, 0, 0, CAUSE_ILLEGAL, 0,
		  RIG_PC, 0 },
		{ "divide by zero", ISA_STRICT, true, PSW_V, ENC(RRR(div, 1, 2, 3)), 9, CAUSE_DIVIDE,
		  0, 0, 0 },
	};
	memcpy(c, rows, sizeof rows);
	*n = ARRAY_SIZE(rows);
}

/* SPEC §6.2 steps 1–5 and the "traps are precise" paragraph. */
static void
test_trap_delivery_sets_epc_epsw_cause_badaddr_psw_and_pc(void)
{
	struct delivery_case cases[16];
	size_t n;
	delivery_cases(cases, &n);
	for (size_t i = 0; i < n; i++) {
		const struct delivery_case *c = &cases[i];
		struct rig r;
		open_rig(&r, c->variant);
		r.action[0] = TRAP_DELIVER;
		r.action[1] = TRAP_STOP;
		r.nactions = 2;
		rig_put(&r, c->user ? USER_BASE : RIG_PC, c->insn);
		rig_put(&r, RIG_TVEC, ENC(RRI(addi, 9, 0, 7)));
		rig_put(&r, RIG_TVEC + 4, ENC(NONE(brk)));
		r.s.pc = c->user ? 0 : RIG_PC;
		r.s.psw = c->psw;
		r.s.cr[CR_tvec] = RIG_TVEC;
		r.s.cr[CR_rbase] = c->user ? USER_BASE : 0;
		r.s.cr[CR_rbound] = c->user ? USER_BOUND : RIG_MEMORY;
		r.s.r[1] = 0x11111111;
		r.s.r[2] = c->r2;
		rig_run(&r, 10);

		const uint32_t *cr = r.out.cr;
		uint32_t want_cause = c->cause | (isa_cause_has_address(c->cause)
						  ? (uint32_t)c->access << CAUSE_ACCESS_SHIFT : 0);
		uint32_t want_badaddr = isa_cause_has_address(c->cause) ? c->badaddr : BADADDR_BEFORE;
		CHECKF(r.ntraps == 2 && r.trap[1].cause == CAUSE_BREAKPOINT &&
		       r.trap[1].epc == RIG_TVEC + 4,
		       "%s: the handler at tvec did not run to its brk (%u traps)", c->name, r.ntraps);
		CHECKF(r.trap[0].cause == c->cause && r.trap[0].epc == c->epc,
		       "%s: hook saw cause %u epc 0x%x, want %u at 0x%x", c->name,
		       r.trap[0].cause, r.trap[0].epc, c->cause, c->epc);
		CHECKF(cr[CR_epc] == c->epc, "%s: epc 0x%x, want 0x%x", c->name, cr[CR_epc], c->epc);
		CHECKF(cr[CR_epsw] == c->psw, "%s: epsw 0x%x, want 0x%x", c->name, cr[CR_epsw], c->psw);
		CHECKF(cr[CR_cause] == want_cause, "%s: cause 0x%x, want 0x%x", c->name,
		       cr[CR_cause], want_cause);
		CHECKF(cr[CR_badaddr] == want_badaddr, "%s: badaddr 0x%x, want 0x%x", c->name,
		       cr[CR_badaddr], want_badaddr);
		CHECKF(r.out.psw == (PSW_S | (c->psw & PSW_FLAGS)),
		       "%s: psw in the handler 0x%x, want S with the flags kept (0x%x)", c->name,
		       r.out.psw, PSW_S | (c->psw & PSW_FLAGS));
		CHECKF(r.out.r[9] == 7 && r.out.pc == RIG_TVEC + 4, "%s: pc 0x%x r9 %u: handler "
		       "not entered at tvec", c->name, r.out.pc, r.out.r[9]);
		CHECKF(r.out.r[1] == 0x11111111, "%s: the faulting instruction wrote r1", c->name);
		rig_close(&r);
	}
}

/* SPEC §6.4: a fault inside the handler is an ordinary trap and overwrites
 * epc and epsw. */
static void
test_fault_in_handler_overwrites_epc_and_epsw(void)
{
	struct rig r;
	open_rig(&r, ISA_STRICT);
	r.action[0] = TRAP_DELIVER;
	r.action[1] = TRAP_DELIVER;
	r.action[2] = TRAP_STOP;
	r.nactions = 3;
	rig_put(&r, RIG_PC, ENC(NONE(sys)));
	rig_put(&r, RIG_TVEC, ENC(MEMI(ldw, 1, 0, 2)));     /* the handler faults */
	r.s.psw = PSW_S | PSW_IE | PSW_N;
	r.s.cr[CR_tvec] = RIG_TVEC;
	r.s.r[2] = RIG_MEMORY + 0x100;
	rig_run(&r, 10);
	CU_ASSERT_EQUAL(r.reason, STOP_HOOK);
	CU_ASSERT_EQUAL(r.ntraps, 3);
	CU_ASSERT_EQUAL(r.trap[1].cause, CAUSE_MEMORY);
	CU_ASSERT_EQUAL(r.out.cr[CR_epc], RIG_TVEC);
	CU_ASSERT_EQUAL(r.out.cr[CR_epsw], PSW_S | PSW_N);     /* IE was cleared by the sys */
	CU_ASSERT_EQUAL(r.out.cr[CR_cause], CAUSE_MEMORY | ACCESS_LOAD << CAUSE_ACCESS_SHIFT);
	CU_ASSERT_EQUAL(r.out.cr[CR_badaddr], RIG_MEMORY + 0x100);
	rig_close(&r);
}

/* ===== precise traps and retirement (SPEC §6.2, §12) ====================== */

/* A faulting instruction changes nothing: registers, PSW, control registers
 * and memory are as before, and it does not retire. */
static void
test_faulting_instruction_has_no_effect_and_does_not_retire(void)
{
	static const struct {
		const char *name;
		bool user;
		enum isa_opcode op;
		unsigned rd, rs;
		int32_t imm;
		uint32_t r2;
		unsigned cause;
	} cases[] = {
		{ "ldw beyond memory", false, OP_ldw, 1, 2, 0, RIG_MEMORY, CAUSE_MEMORY },
		{ "stw straddling the bound", true, OP_stw, 1, 2, 0, USER_BOUND, CAUSE_MEMORY },
		{ "sth misaligned", false, OP_sth, 1, 2, 1, 0x1000, CAUSE_MISALIGNED },
		{ "ldb past the bound", true, OP_ldb, 1, 2, 0, USER_BOUND + 2, CAUSE_MEMORY },
		{ "mtcr in user mode", true, OP_mtcr, CR_tvec, 1, 0, 0, CAUSE_PRIVILEGED },
		{ "wrpsw in user mode (strict)", true, OP_wrpsw, 0, 1, 0, 0, CAUSE_PRIVILEGED },
		{ "juser in user mode (strict)", true, OP_juser, 0, 2, 0, 0x40, CAUSE_PRIVILEGED },
		{ "divu by zero", false, OP_divu, 1, 2, 0, 5, CAUSE_DIVIDE },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct rig r;
		open_rig(&r, ISA_STRICT);
		struct isa_insn in = { .op = cases[i].op, .rd = (uint8_t)cases[i].rd,
				       .rs = (uint8_t)cases[i].rs, .rt = 3, .imm = cases[i].imm };
		rig_put(&r, cases[i].user ? USER_BASE : RIG_PC, rig_enc(in));
		/* Memory around the bound holds a pattern a partial store would change. */
		uint32_t pattern[2] = { 0xa5a5a5a5u, 0x5a5a5a5au };
		rig_put_words(&r, USER_BASE + USER_BOUND - 4, pattern, 2);
		r.s.pc = cases[i].user ? 0 : RIG_PC;
		r.s.psw = (cases[i].user ? 0 : PSW_S) | PSW_Z;
		r.s.cr[CR_rbase] = USER_BASE;
		/* For the straddling store the bound sits in the middle of a word. */
		r.s.cr[CR_rbound] = cases[i].user ? USER_BOUND + 2 : RIG_MEMORY;
		r.s.cr[CR_tvec] = RIG_TVEC;
		r.s.r[1] = 0xffffffffu;
		r.s.r[2] = cases[i].r2;
		r.s.r[ISA_REG_LR] = 0x1234;
		rig_run(&r, 1);
		uint32_t after[2];
		CU_ASSERT_EQUAL(machine_read_phys(r.m, USER_BASE + USER_BOUND - 4, after, sizeof after), 0);
		CHECKF(r.ntraps == 1 && r.trap[0].cause == cases[i].cause,
		       "%s: %u traps, cause %u, want %u", cases[i].name, r.ntraps,
		       r.ntraps ? r.trap[0].cause : 0, cases[i].cause);
		CHECKF(memcmp(&r.out, &r.s, sizeof r.s) == 0, "%s: the state changed", cases[i].name);
		CHECKF(memcmp(after, pattern, sizeof after) == 0, "%s: memory changed "
		       "(%08x %08x)", cases[i].name, after[0], after[1]);
		CHECKF(machine_retired(r.m) == 0, "%s: retired %llu", cases[i].name,
		       (unsigned long long)machine_retired(r.m));
		rig_close(&r);
	}
}

/* SPEC §6.1 and §12: sys, brk and hcall retire and put their own address in
 * epc; faulting instructions do not retire. */
static void
test_sys_brk_hcall_retire_and_faults_do_not(void)
{
	const struct {
		const char *name;
		uint32_t word;
		unsigned cause;
		uint64_t retired;
	} rows[] = {
		{ "sys", ENC(NONE(sys)), CAUSE_SYSCALL, 1 },
		{ "brk", ENC(NONE(brk)), CAUSE_BREAKPOINT, 1 },
		{ "hcall", ENC(NONE(hcall)), CAUSE_HYPERCALL, 1 },
		{ "ldw fault", ENC(MEMI(ldw, 1, 0, 2)), CAUSE_MEMORY, 0 },
		{ "illegal", 0xff000000u, CAUSE_ILLEGAL, 0 },
		{ "divide", ENC(RRR(rem, 1, 2, 0)), CAUSE_DIVIDE, 0 },
	};
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		struct rig r;
		open_rig(&r, ISA_STRICT);
		/* two ordinary instructions, then the one under test */
		uint32_t prog[] = { ENC(RRI(addi, 3, 3, 1)), ENC(RRI(addi, 3, 3, 1)), rows[i].word };
		rig_put_words(&r, RIG_PC, prog, ARRAY_SIZE(prog));
		r.s.r[2] = RIG_MEMORY;
		rig_run(&r, 100);
		CHECKF(r.ntraps == 1 && r.trap[0].cause == rows[i].cause &&
		       r.trap[0].epc == RIG_PC + 8,
		       "%s: cause %u epc 0x%x, want %u at 0x%x", rows[i].name, r.trap[0].cause,
		       r.trap[0].epc, rows[i].cause, RIG_PC + 8);
		CHECKF(r.trap[0].insn == rows[i].word, "%s: trap.insn 0x%08x, want 0x%08x",
		       rows[i].name, r.trap[0].insn, rows[i].word);
		CHECKF(machine_retired(r.m) == 2 + rows[i].retired, "%s: retired %llu, want %llu",
		       rows[i].name, (unsigned long long)machine_retired(r.m),
		       (unsigned long long)(2 + rows[i].retired));
		struct machine_stats st;
		machine_get_stats(r.m, &st);
		CHECKF(st.retired == 2 + rows[i].retired && st.traps[rows[i].cause] == 1,
		       "%s: stats retired %llu traps[%u] %llu", rows[i].name,
		       (unsigned long long)st.retired, rows[i].cause,
		       (unsigned long long)st.traps[rows[i].cause]);
		rig_close(&r);
	}
}

/* SPEC §8.3: "a jump to an address that is not 4-aligned raises MISALIGNED
 * (fetch) at the target" — for every way of setting the pc from a register.
 * The jump itself retires; epc and badaddr are the target. */
static void
test_jump_to_misaligned_target_faults_misaligned_fetch(void)
{
	static const struct {
		const char *name;
		struct isa_insn insn;
		uint32_t target;
		bool user_after;     /* the target is fetched in user mode */
	} cases[] = {
		{ "jr",    { .op = OP_jr, .rs = 2 },    0x102, false },
		{ "jr +1", { .op = OP_jr, .rs = 2 },    0x201, false },
		{ "callr", { .op = OP_callr, .rs = 2 }, 0x303, false },
		{ "rti",   { .op = OP_rti },            0x106, false },
		{ "juser", { .op = OP_juser, .rs = 2 }, 0x0a, true },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct rig r;
		open_rig(&r, ISA_STRICT);
		rig_put(&r, RIG_PC, rig_enc(cases[i].insn));
		r.s.r[2] = cases[i].target;
		r.s.cr[CR_epc] = cases[i].target;
		r.s.cr[CR_epsw] = PSW_S;
		r.s.cr[CR_rbase] = USER_BASE;
		r.s.cr[CR_rbound] = USER_BOUND;
		r.s.cr[CR_tvec] = RIG_TVEC;
		rig_run(&r, 10);
		CHECKF(r.ntraps == 1 && r.trap[0].cause == CAUSE_MISALIGNED &&
		       r.trap[0].access == ACCESS_FETCH && r.trap[0].epc == cases[i].target &&
		       r.trap[0].badaddr == cases[i].target,
		       "%s to 0x%x: %u traps (cause %u, epc 0x%x), stop %d, retired %llu, pc 0x%x; "
		       "want MISALIGNED fetch at the target", cases[i].name, cases[i].target,
		       r.ntraps, r.ntraps ? r.trap[0].cause : 0, r.ntraps ? r.trap[0].epc : 0,
		       (int)r.reason, (unsigned long long)machine_retired(r.m), r.out.pc);
		CHECKF(machine_retired(r.m) == 1, "%s to 0x%x: retired %llu, want 1 (the jump)",
		       cases[i].name, cases[i].target, (unsigned long long)machine_retired(r.m));
		CHECKF(!(r.out.psw & PSW_S) == cases[i].user_after, "%s: wrong mode at the fault",
		       cases[i].name);
		rig_close(&r);
	}
}

/* ===== illegal words (SPEC §7.3) ========================================== */

static void
test_illegal_words_trap_illegal_in_both_modes(void)
{
	uint32_t words[32];
	const char *names[32];
	size_t n = 0;
#define ADD(name_, word_) do { names[n] = (name_); words[n] = (word_); n++; } while (0)
	ADD("all-zero word", 0);
	ADD("opcode 0xff", 0xff000000u);
	ADD("opcode 0x0e (a gap)", 0x0e000000u);
	ADD("opcode 0x43 (after hcall)", 0x43000000u);
	ADD("add with low 12 bits set", ENC(RRR(add, 1, 2, 3)) | 0x001);
	ADD("add with bit 11 set", ENC(RRR(add, 1, 2, 3)) | 0x800);
	ADD("lui with rs set", ENC({ .op = OP_lui, .rd = 1 }) | 1u << ISA_RS_POS);
	ADD("sys with bit 0 set", ENC(NONE(sys)) | 1);
	ADD("jr with rd set", ENC(R1(jr, 2)) | 1u << ISA_RD_POS);
	ADD("cmp with rd set", ENC(CMP(1, 2)) | 1u << ISA_RD_POS);
	ADD("rti with an immediate", ENC(NONE(rti)) | 0x10);
	for (unsigned cr = ISA_NUM_CRS; cr < 16; cr++) {
		static const char *const mf[] = { "mfcr cr10", "mfcr cr11", "mfcr cr12",
						  "mfcr cr13", "mfcr cr14", "mfcr cr15" };
		static const char *const mt[] = { "mtcr cr10", "mtcr cr11", "mtcr cr12",
						  "mtcr cr13", "mtcr cr14", "mtcr cr15" };
		uint32_t mfcr = (uint32_t)isa_op_info(OP_mfcr)->code << ISA_OPCODE_POS |
				1u << ISA_RD_POS | cr << ISA_RS_POS;
		uint32_t mtcr = (uint32_t)isa_op_info(OP_mtcr)->code << ISA_OPCODE_POS |
				cr << ISA_RD_POS | 1u << ISA_RS_POS;
		ADD(mf[cr - ISA_NUM_CRS], mfcr);
		ADD(mt[cr - ISA_NUM_CRS], mtcr);
	}
#undef ADD
	for (size_t i = 0; i < n; i++) {
		for (int user = 0; user <= 1; user++) {
			struct rig r;
			open_rig(&r, ISA_STRICT);
			rig_put(&r, user ? USER_BASE : RIG_PC, words[i]);
			r.s.pc = user ? 0 : RIG_PC;
			r.s.psw = user ? 0 : PSW_S;
			r.s.cr[CR_rbase] = USER_BASE;
			r.s.cr[CR_rbound] = USER_BOUND;
			r.s.r[1] = 0x42;
			rig_run(&r, 1);
			CHECKF(r.ntraps == 1 && r.trap[0].cause == CAUSE_ILLEGAL &&
			       r.trap[0].epc == r.s.pc && r.trap[0].insn == words[i],
			       "%s (0x%08x) in %s mode: %u traps, cause %u, insn 0x%08x", names[i],
			       words[i], user ? "user" : "supervisor", r.ntraps,
			       r.ntraps ? r.trap[0].cause : 0, r.trap[0].insn);
			CHECKF(memcmp(&r.out, &r.s, sizeof r.s) == 0 && machine_retired(r.m) == 0,
			       "%s: an illegal word had an effect", names[i]);
			rig_close(&r);
		}
	}
}

/* The last control register, 9, is legal: the illegal range starts at 10. */
static void
test_control_register_9_is_legal(void)
{
	struct rig r;
	open_rig(&r, ISA_STRICT);
	uint32_t prog[] = { ENC(MTCR(CR_scratch, 1)), ENC(MFCR(2, CR_scratch)) };
	rig_put_words(&r, RIG_PC, prog, ARRAY_SIZE(prog));
	r.s.r[1] = 0x600d;
	rig_run(&r, 2);
	CU_ASSERT_EQUAL(r.ntraps, 0);
	CU_ASSERT_EQUAL(r.out.r[2], 0x600d);
	rig_close(&r);
}

/* ===== no handler, trap storms, budgets (SPEC §6.4, §12) ================== */

static void
test_unhandled_trap_stops_and_describe_names_cause_pc_and_insn(void)
{
	static const struct {
		uint32_t pc;
		const char *cause_name;
		const char *mnemonic;
		unsigned cause;
	} cases[] = {
		{ 0x100, "DIVIDE", "div", CAUSE_DIVIDE },
		{ 0x204, "SYSCALL", "sys", CAUSE_SYSCALL },
		{ 0x3f0, "MEMORY", "ldw", CAUSE_MEMORY },
		{ 0x120, "ILLEGAL", NULL, CAUSE_ILLEGAL },
	};
	const uint32_t words[] = { ENC(RRR(div, 1, 2, 3)), ENC(NONE(sys)), ENC(MEMI(ldw, 4, 0, 5)),
				   0xfe000000u };
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct rig r;
		rig_open(&r, ISA_STRICT);
		machine_set_trap_hook(r.m, NULL, NULL);    /* the bare machine, from reset */
		rig_put(&r, cases[i].pc, words[i]);
		machine_get_state(r.m, &r.s);
		r.s.pc = cases[i].pc;
		r.s.r[5] = RIG_MEMORY;     /* ldw beyond memory */
		rig_run(&r, 1000);
		enum machine_stop_reason why = r.reason;
		const struct machine_stop_info *st = machine_last_stop(r.m);
		char text[512];
		machine_describe_stop(r.m, text, sizeof text);
		char pc_text[32];
		snprintf(pc_text, sizeof pc_text, "0x%08x", cases[i].pc);
		CHECKF(why == STOP_UNHANDLED_TRAP && st->reason == STOP_UNHANDLED_TRAP,
		       "%s with tvec = 0: stop %d", cases[i].cause_name, (int)why);
		CHECKF(st->trap.cause == cases[i].cause && st->pc == cases[i].pc,
		       "%s: stop info cause %u pc 0x%x", cases[i].cause_name, st->trap.cause, st->pc);
		CHECKF(strstr(text, cases[i].cause_name) != NULL, "describe does not name %s: \"%.150s\"",
		       cases[i].cause_name, text);
		CHECKF(strstr(text, pc_text) != NULL, "describe does not give pc %s: \"%.150s\"",
		       pc_text, text);
		if (cases[i].mnemonic)
			CHECKF(strstr(text, cases[i].mnemonic) != NULL,
			       "describe does not show the instruction %s: \"%.150s\"",
			       cases[i].mnemonic, text);
		rig_close(&r);
	}
}

/* A handler that itself faults must not hang the host: the machine stops
 * with STOP_TRAP_STORM (machine.h) even with a huge budget. */
static void
test_trap_storm_stops_and_does_not_hang(void)
{
	static const struct {
		const char *name;
		uint32_t tvec;
		bool paging;         /* page 0 mapped (code), nothing else */
	} cases[] = {
		{ "tvec beyond memory", RIG_MEMORY + 0x1000, false },
		{ "tvec misaligned", RIG_TVEC + 2, false },
		{ "tvec on an illegal word", RIG_TVEC, false },
		{ "tvec at the last byte", 0xfffffffcu, false },
		{ "tvec on an unmapped page", 0x5000, true },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct rig r;
		rig_open(&r, ISA_STRICT);
		machine_set_trap_hook(r.m, NULL, NULL);    /* the bare machine, from reset */
		rig_put(&r, RIG_PC, ENC(NONE(sys)));
		machine_get_state(r.m, &r.s);
		r.s.pc = RIG_PC;
		r.s.cr[CR_tvec] = cases[i].tvec;
		if (cases[i].paging) {
			rig_put(&r, 0x8000, 0x9000 | PTE_V);            /* L1[0] */
			rig_put(&r, 0x9000, 0x0000 | PTE_V | PTE_X);    /* va page 0 -> frame 0 */
			r.s.cr[CR_ptbr] = 0x8000;
			r.s.cr[CR_mmu] = MMU_PG;
		}
		rig_run(&r, UINT64_C(1) << 40);
		enum machine_stop_reason why = r.reason;
		CHECKF(why == STOP_TRAP_STORM, "%s: stop %d, want STOP_TRAP_STORM", cases[i].name,
		       (int)why);
		CHECKF(machine_retired(r.m) == 1, "%s: retired %llu (only the sys)", cases[i].name,
		       (unsigned long long)machine_retired(r.m));
		char text[512];
		machine_describe_stop(r.m, text, sizeof text);
		CHECKF(strlen(text) > 0, "%s: empty description", cases[i].name);
		rig_close(&r);
	}
}

/* machine_run(m, n) stops with STOP_NONE after exactly n more retired
 * instructions, traps and handlers included (SPEC §12). */
static void
test_budget_stops_after_exactly_n_retired(void)
{
	struct rig r;
	open_rig(&r, ISA_STRICT);
	r.action[0] = TRAP_DELIVER;
	r.nactions = 1;
	/* main: sys; b main      handler: epc += 4; rti  -> 6 retired per round */
	uint32_t main_loop[] = { ENC(NONE(sys)), ENC(BR(b, -2)) };
	uint32_t handler[] = { ENC(MFCR(1, CR_epc)), ENC(RRI(addi, 1, 1, 4)), ENC(MTCR(CR_epc, 1)),
			       ENC(NONE(rti)) };
	rig_put_words(&r, RIG_PC, main_loop, ARRAY_SIZE(main_loop));
	rig_put_words(&r, RIG_TVEC, handler, ARRAY_SIZE(handler));
	r.s.cr[CR_tvec] = RIG_TVEC;
	rig_run(&r, 600);
	CU_ASSERT_EQUAL(r.reason, STOP_NONE);
	CU_ASSERT_EQUAL(machine_retired(r.m), 600);
	CU_ASSERT_EQUAL(r.ntraps, 100);
	CU_ASSERT_EQUAL(r.out.pc, RIG_PC);
	/* Continue one instruction at a time, then zero. */
	CU_ASSERT_EQUAL(machine_run(r.m, 1), STOP_NONE);
	CU_ASSERT_EQUAL(machine_retired(r.m), 601);
	CU_ASSERT_EQUAL(machine_run(r.m, 0), STOP_NONE);
	CU_ASSERT_EQUAL(machine_retired(r.m), 601);
	CU_ASSERT_EQUAL(machine_run(r.m, 5), STOP_NONE);
	CU_ASSERT_EQUAL(machine_retired(r.m), 606);
	struct cpu_state s;
	machine_get_state(r.m, &s);
	CU_ASSERT_EQUAL(s.pc, RIG_PC);        /* the 4 handler instructions, then b */
	struct machine_stats st;
	machine_get_stats(r.m, &st);
	CU_ASSERT_EQUAL(st.traps[CAUSE_SYSCALL], 101);
	rig_close(&r);
}

/* A tight loop with no traps: n retired, state says where it is. */
static void
test_budget_on_a_plain_loop(void)
{
	static const uint64_t budgets[] = { 1, 2, 3, 1000, 99999 };
	for (size_t i = 0; i < ARRAY_SIZE(budgets); i++) {
		struct rig r;
		open_rig(&r, ISA_STRICT);
		uint32_t prog[] = { ENC(RRI(addi, 1, 1, 1)), ENC(BR(b, -2)) };
		rig_put_words(&r, RIG_PC, prog, ARRAY_SIZE(prog));
		rig_run(&r, budgets[i]);
		CHECKF(r.reason == STOP_NONE && machine_retired(r.m) == budgets[i],
		       "budget %llu: stop %d retired %llu", (unsigned long long)budgets[i],
		       (int)r.reason, (unsigned long long)machine_retired(r.m));
		CHECKF(r.out.r[1] == (budgets[i] + 1) / 2 &&
		       r.out.pc == (budgets[i] % 2 ? RIG_PC + 4 : RIG_PC),
		       "budget %llu: r1 %u pc 0x%x", (unsigned long long)budgets[i], r.out.r[1], r.out.pc);
		rig_close(&r);
	}
}

/* SPEC §6.4: a trap storm is traps with NO instruction retired in between.
 * A handler that retires a few instructions and then faults again is not
 * one: the budget ends it.  (Found by the differential fuzzer: the bare
 * machine used to stop such a guest, the monitor modes did not.) */
static void
test_faulting_handler_that_retires_is_not_a_trap_storm(void)
{
	static const char src[] =
		"        la   r1, handler\n"
		"        mtcr tvec, r1\n"
		"handler:\n"
		"        addi r9, r9, 1\n"
		"        lui  r10, 1\n"
		"        ori  r10, r10, 2\n"     /* 0x10002: misaligned */
		"        jr   r10\n";
	struct test_run run;
	CU_ASSERT_EQUAL_FATAL(test_run_source_text(src, ISA_STRICT, 1000, &run), 0);
	CU_ASSERT_EQUAL(run.stop.reason, STOP_BUDGET);
	CU_ASSERT_EQUAL(run.retired, 1000);
	CU_ASSERT_TRUE(run.final.r[9] >= 200);   /* it kept faulting and handling */
	test_run_free(&run);
}

static CU_TestInfo tests[] = {
	{ "a faulting handler that retires is not a trap storm",
	  test_faulting_handler_that_retires_is_not_a_trap_storm },
	{ "test_trap_delivery_sets_epc_epsw_cause_badaddr_psw_and_pc",
	  test_trap_delivery_sets_epc_epsw_cause_badaddr_psw_and_pc },
	{ "test_fault_in_handler_overwrites_epc_and_epsw", test_fault_in_handler_overwrites_epc_and_epsw },
	{ "test_faulting_instruction_has_no_effect_and_does_not_retire",
	  test_faulting_instruction_has_no_effect_and_does_not_retire },
	{ "test_sys_brk_hcall_retire_and_faults_do_not", test_sys_brk_hcall_retire_and_faults_do_not },
	{ "test_jump_to_misaligned_target_faults_misaligned_fetch",
	  test_jump_to_misaligned_target_faults_misaligned_fetch },
	{ "test_illegal_words_trap_illegal_in_both_modes", test_illegal_words_trap_illegal_in_both_modes },
	{ "test_control_register_9_is_legal", test_control_register_9_is_legal },
	{ "test_unhandled_trap_stops_and_describe_names_cause_pc_and_insn",
	  test_unhandled_trap_stops_and_describe_names_cause_pc_and_insn },
	{ "test_trap_storm_stops_and_does_not_hang", test_trap_storm_stops_and_does_not_hang },
	{ "test_budget_stops_after_exactly_n_retired", test_budget_stops_after_exactly_n_retired },
	{ "test_budget_on_a_plain_loop", test_budget_on_a_plain_loop },
	/* the trap hook: test_trap_hook.c */
	{ "test_hook_sees_every_trap_first_then_deliver_runs_guest_handler",
	  test_hook_sees_every_trap_first_then_deliver_runs_guest_handler },
	{ "test_hook_stop_then_emulate_leaves_guest_trap_state_alone",
	  test_hook_stop_then_emulate_leaves_guest_trap_state_alone },
	{ "test_hook_stop_returns_stop_hook_with_state_untouched",
	  test_hook_stop_returns_stop_hook_with_state_untouched },
	{ "test_hook_stop_then_machine_deliver_trap_equals_deliver",
	  test_hook_stop_then_machine_deliver_trap_equals_deliver },
	{ "test_hook_emulated_retires_the_instruction_and_runs_on",
	  test_hook_emulated_retires_the_instruction_and_runs_on },
	{ "test_hook_emulated_counts_against_the_budget",
	  test_hook_emulated_counts_against_the_budget },
	{ "test_hook_retry_runs_the_faulting_instruction_again",
	  test_hook_retry_runs_the_faulting_instruction_again },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_machine_traps = { "machine: traps", NULL, NULL, NULL, NULL, tests };
