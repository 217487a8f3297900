/* test_system_insns.c — the system instructions on the bare machine
 * (isa/SPEC.md §8.5, §3.3): what each does in supervisor mode, the variant
 * holes of legacy and hybrid in user mode, srr with paging on, and mtcr's
 * masking of ptbr and mmu.  Serves Lab 1 and Lab 2; the monitor's vCPU
 * routines (Lab 3) share these semantics through isa.h.  Part of the
 * "machine: semantics" suite (test_semantics.c).
 */
#include <stdbool.h>
#include <string.h>

#include "isa.h"
#include "machine.h"
#include "rig.h"
#include "system_insn_tests.h"

/* ===== system instructions (SPEC §8.5) ==================================== */

/* One row: variant, starting PSW and relocation, a program, and what the PSW,
 * r1 and the brk's address must be at the end. */
struct sys_case {
	const char *name;
	enum isa_variant variant;
	uint32_t psw, rbase, epc, epsw;
	struct isa_insn prog[4];
	uint32_t r1, r2;
	uint32_t want_psw, want_r1, want_where;
};

enum { USER_BASE = 0x4000 };   /* where user code sits physically, rbase */

static const struct sys_case sys_cases[] = {
	/* wrpsw: supervisor writes S, IE and flags; unwritable bits drop. */
	{ "wrpsw in supervisor writes all", ISA_STRICT, PSW_S, 0, 0, 0, { R1(wrpsw, 1) },
	  0xffffffffu, 0, PSW_WRITABLE, 0xffffffffu, RIG_PC + 4 },
	/* legacy user mode: flags written, S and IE kept (the POPF hole). */
	{ "legacy user wrpsw keeps S=0 and IE=0", ISA_LEGACY, 0, USER_BASE, 0, 0, { R1(wrpsw, 1) },
	  PSW_S | PSW_IE | PSW_FLAGS, 0, PSW_FLAGS, PSW_S | PSW_IE | PSW_FLAGS, 4 },
	{ "legacy user wrpsw keeps IE=1", ISA_LEGACY, PSW_IE | PSW_Z, USER_BASE, 0, 0,
	  { R1(wrpsw, 1) }, PSW_N, 0, PSW_IE | PSW_N, PSW_N, 4 },
	/* rdpsw reads the whole PSW; in user mode S reads 0. */
	{ "rdpsw in supervisor", ISA_STRICT, PSW_S | PSW_IE | PSW_Z, 0, 0, 0, { D1(rdpsw, 1) },
	  0, 0, PSW_S | PSW_IE | PSW_Z, PSW_S | PSW_IE | PSW_Z, RIG_PC + 4 },
	{ "legacy user rdpsw shows S=0", ISA_LEGACY, PSW_N | PSW_C, USER_BASE, 0, 0,
	  { D1(rdpsw, 1) }, 0x77, 0, PSW_N | PSW_C, PSW_N | PSW_C, 4 },
	/* srr with paging off returns rbase (the SGDT hole on legacy). */
	{ "legacy user srr returns rbase", ISA_LEGACY, 0, USER_BASE, 0, 0, { D1(srr, 1) },
	  0, 0, 0, USER_BASE, 4 },
	{ "supervisor srr returns rbase", ISA_STRICT, PSW_S, 0x12345000, 0, 0, { D1(srr, 1) },
	  0, 0, PSW_S, 0x12345000, RIG_PC + 4 },
	/* juser: supervisor enters user mode (IE and flags kept) at rs. */
	{ "juser in supervisor enters user mode", ISA_STRICT, PSW_S | PSW_IE | PSW_Z, USER_BASE, 0, 0,
	  { R1(juser, 2) }, 0, 8, PSW_IE | PSW_Z, 0, 8 },
	{ "hybrid juser in user mode is a jump", ISA_HYBRID, PSW_Z, USER_BASE, 0, 0,
	  { R1(juser, 2) }, 0, 0x20, PSW_Z, 0, 0x20 },
	/* rti: pc := epc, psw := epsw with unwritable bits dropped. */
	{ "rti restores supervisor pc and psw", ISA_STRICT, PSW_S, 0, 0x300, 0xffffffffu,
	  { NONE(rti) }, 0, 0, PSW_WRITABLE, 0, 0x300 },
	{ "rti returns to user mode", ISA_STRICT, PSW_S, USER_BASE, 0x8, PSW_IE | PSW_N,
	  { NONE(rti) }, 0, 0, PSW_IE | PSW_N, 0, 0x8 },
	/* di / ei flip IE only. */
	{ "di clears IE only", ISA_STRICT, PSW_S | PSW_IE | PSW_V, 0, 0, 0, { NONE(di) },
	  0, 0, PSW_S | PSW_V, 0, RIG_PC + 4 },
	{ "ei sets IE only", ISA_STRICT, PSW_S | PSW_C, 0, 0, 0, { NONE(ei) },
	  0, 0, PSW_S | PSW_IE | PSW_C, 0, RIG_PC + 4 },
};

void
test_system_instructions_and_variant_holes(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(sys_cases); i++) {
		const struct sys_case *c = &sys_cases[i];
		struct rig r;
		open_filled(&r, c->variant);
		bool user = !(c->psw & PSW_S);
		/* User code runs at virtual 0 = physical USER_BASE; fill with brk. */
		uint32_t brk = ENC(NONE(brk));
		for (uint32_t a = 0; a < 0x100; a += ISA_WORD)
			rig_put(&r, USER_BASE + a, brk);
		rig_code(&r, user ? USER_BASE : RIG_PC, c->prog, ARRAY_SIZE(c->prog));
		r.s.pc = user ? 0 : RIG_PC;
		r.s.psw = c->psw;
		r.s.cr[CR_rbase] = c->rbase;
		r.s.cr[CR_rbound] = 0x1000;
		r.s.cr[CR_epc] = c->epc;
		r.s.cr[CR_epsw] = c->epsw;
		r.s.r[1] = c->r1;
		r.s.r[2] = c->r2;
		rig_run(&r, 10);
		uint32_t at = 0;
		CHECKF(rig_ended_at_brk(&r, &at) && at == c->want_where,
		       "%s: ended at 0x%x (stop %d, cause %u), want brk at 0x%x", c->name, at,
		       (int)r.reason, r.ntraps ? r.trap[0].cause : 0, c->want_where);
		CHECKF(r.out.psw == c->want_psw, "%s: psw 0x%02x, want 0x%02x", c->name,
		       r.out.psw, c->want_psw);
		CHECKF(r.out.r[1] == c->want_r1, "%s: r1 0x%08x, want 0x%08x", c->name,
		       r.out.r[1], c->want_r1);
		rig_close(&r);
	}
}

/* SPEC §8.5 srr and §5.2: with paging on, srr returns ptbr, in user mode on
 * legacy as in supervisor mode. */
void
test_srr_returns_ptbr_with_paging_on(void)
{
	enum { PTBR = 0x8000, L2 = 0x9000, FRAME = 0xa000 };
	for (int user = 0; user <= 1; user++) {
		struct rig r;
		open_filled(&r, user ? ISA_LEGACY : ISA_STRICT);
		uint32_t l1 = L2 | PTE_V;
		uint32_t leaf = FRAME | PTE_V | PTE_X | PTE_U;
		rig_put(&r, PTBR, l1);              /* L1[0] -> L2 */
		rig_put(&r, L2, leaf);              /* va page 0 -> FRAME */
		struct isa_insn prog[] = { D1(srr, 1), NONE(brk) };
		rig_code(&r, FRAME, prog, ARRAY_SIZE(prog));
		r.s.pc = 0;
		r.s.psw = user ? 0 : PSW_S;
		r.s.cr[CR_ptbr] = PTBR;
		r.s.cr[CR_mmu] = MMU_PG;
		r.s.cr[CR_rbase] = 0x4000;
		rig_run(&r, 10);
		CHECKF(rig_ended_at_brk(&r, NULL), "srr with paging (%s): did not reach brk",
		       user ? "user" : "supervisor");
		CHECKF(r.out.r[1] == PTBR, "srr with paging (%s): r1 0x%x, want ptbr 0x%x",
		       user ? "user" : "supervisor", r.out.r[1], PTBR);
		rig_close(&r);
	}
}

/* SPEC §3.3: mtcr then mfcr gives back what was written, except ptbr (low 12
 * bits read 0) and mmu (only bit 0). */
void
test_mtcr_mfcr_round_trip_and_masking(void)
{
	static const struct {
		unsigned cr;
		uint32_t write, want;
	} cases[] = {
		{ CR_tvec, 0x12345678, 0x12345678 },
		{ CR_epc, 0xdeadbeef, 0xdeadbeef },
		{ CR_epsw, 0xdeadbeef, 0xdeadbeef },
		{ CR_cause, 0xdeadbeef, 0xdeadbeef },
		{ CR_badaddr, 0xdeadbeef, 0xdeadbeef },
		{ CR_rbase, 0xdeadbeef, 0xdeadbeef },
		{ CR_rbound, 0xdeadbeef, 0xdeadbeef },
		{ CR_ptbr, 0xdeadbeef, 0xdeadb000 },
		{ CR_mmu, 0xfffffffe, 0 },
		{ CR_scratch, 0xcafef00d, 0xcafef00d },
	};
	_Static_assert(ARRAY_SIZE(cases) == ISA_NUM_CRS, "one row per control register");
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct rig r;
		open_filled(&r, ISA_STRICT);
		struct isa_insn prog[] = { MTCR(cases[i].cr, 1), MFCR(2, cases[i].cr) };
		rig_code(&r, RIG_PC, prog, ARRAY_SIZE(prog));
		r.s.r[1] = cases[i].write;
		rig_run(&r, 2);
		CHECKF(r.out.r[2] == cases[i].want && r.out.cr[cases[i].cr] == cases[i].want,
		       "mtcr/mfcr %s: wrote 0x%08x, read 0x%08x (cr 0x%08x), want 0x%08x",
		       isa_control_reg_name(cases[i].cr), cases[i].write, r.out.r[2],
		       r.out.cr[cases[i].cr], cases[i].want);
		rig_close(&r);
	}
	/* mmu: all ones written keeps bit 0 only (and turns paging on). */
	struct rig r;
	open_filled(&r, ISA_STRICT);
	struct isa_insn prog[] = { MTCR(CR_mmu, 1) };
	rig_code(&r, RIG_PC, prog, 1);
	r.s.r[1] = 0xffffffffu;
	rig_run(&r, 1);
	CU_ASSERT_EQUAL(r.out.cr[CR_mmu], MMU_PG);
	rig_close(&r);
}
