/* test_privilege.c — which instructions trap PRIVILEGED in user mode, on each
 * variant (isa/SPEC.md §4, §8.4, §8.5, §9.2).  Serves Lab 2 (the Popek–Goldberg
 * classes): one loop walks opcodes.def × variants × modes and checks the machine
 * against the table's PRIV column, and hand-written lists check the table
 * itself, so a wrong column cannot hide behind a machine that copies it.
 */
#include <stdbool.h>
#include <string.h>

#include "isa.h"
#include "machine.h"
#include "rig.h"
#include "support.h"

/* ===== one instruction on the shared rig ================================= */

enum {
	SAFE = 0x1000,         /* r1..r3: aligned, inside memory, non-zero */
};

/* One legal instance of `op`: rd = 1, rs = 2, rt = 3, imm = 0 (for mfcr and
 * mtcr the register fields name epsw and epc; fields a format does not use
 * are dropped by the encoder). */
static uint32_t
legal_instance(enum isa_opcode op)
{
	return ENC({ .op = op, .rd = 1, .rs = 2, .rt = 3, .imm = 0 });
}

struct outcome {
	unsigned ntraps;
	struct machine_trap trap;
	uint64_t retired;
	bool state_unchanged;
};

/* Execute `word` at RIG_PC once, in user (psw 0, rbase 0, rbound = memory,
 * paging off) or supervisor mode (psw S); the rig's hook stops on any trap. */
static struct outcome
step_one(struct rig *r, uint32_t word, bool user)
{
	machine_reset(r->m);
	rig_put(r, RIG_PC, word);
	memset(&r->s, 0, sizeof r->s);
	r->s.pc = RIG_PC;
	r->s.psw = user ? 0 : PSW_S;
	r->s.r[1] = r->s.r[2] = r->s.r[3] = SAFE;
	r->s.cr[CR_rbase] = 0;
	r->s.cr[CR_rbound] = r->memory_size;
	rig_run(r, 1);

	struct outcome o = { .ntraps = r->ntraps, .retired = machine_retired(r->m) };
	if (r->ntraps)
		o.trap = r->trap[0];
	o.state_unchanged = memcmp(&r->out, &r->s, sizeof r->s) == 0;
	return o;
}

/* The always-trapping instructions and their causes (SPEC §6.1, §8.4),
 * written out by hand rather than read from the table. */
static const struct {
	const char *name;
	unsigned cause;
} always_trap[] = {
	{ "sys",   CAUSE_SYSCALL },
	{ "brk",   CAUSE_BREAKPOINT },
	{ "hcall", CAUSE_HYPERCALL },
};

static int
always_trap_cause(enum isa_opcode op)
{
	for (size_t i = 0; i < ARRAY_SIZE(always_trap); i++)
		if (isa_opcode_by_name(always_trap[i].name) == (int)op)
			return (int)always_trap[i].cause;
	return -1;
}

/* ===== the table-driven walk ============================================= */

/* SPEC §4: in user mode an instruction traps PRIVILEGED exactly when its class
 * on the running variant includes P, with no other effect; §9.1: a privileged
 * instruction never traps in supervisor mode. */
static void
test_user_mode_traps_privileged_iff_table_says_privileged(void)
{
	for (int v = 0; v < ISA_VARIANT_COUNT; v++) {
		struct rig r;
		rig_open(&r, (enum isa_variant)v);
		for (int op = 0; op < OP_COUNT; op++) {
			const char *name = isa_op_info((enum isa_opcode)op)->name;
			const char *vname = isa_variant_name((enum isa_variant)v);
			uint32_t word = legal_instance((enum isa_opcode)op);
			struct isa_insn back;
			CHECKF(isa_decode(word, &back) && back.op == (enum isa_opcode)op,
			       "%s: the legal instance %08x does not decode", name, word);

			bool priv = isa_is_privileged((enum isa_opcode)op, (enum isa_variant)v);
			struct outcome o = step_one(&r, word, true);
			bool trapped_priv = o.ntraps == 1 && o.trap.cause == CAUSE_PRIVILEGED;
			CHECKF(trapped_priv == priv,
			       "%s on %s in user mode: PRIVILEGED trap %s, table says %sprivileged",
			       name, vname, trapped_priv ? "taken" : "not taken", priv ? "" : "not ");
			if (trapped_priv) {
				CHECKF(o.trap.epc == RIG_PC && o.trap.insn == word,
				       "%s on %s: PRIVILEGED epc %08x insn %08x", name, vname,
				       o.trap.epc, o.trap.insn);
				CHECKF(o.retired == 0 && o.state_unchanged,
				       "%s on %s: a PRIVILEGED trap must have no effect "
				       "(retired %llu)", name, vname, (unsigned long long)o.retired);
			}
		}
		rig_close(&r);
	}
}

static void
test_supervisor_mode_never_traps_privileged(void)
{
	for (int v = 0; v < ISA_VARIANT_COUNT; v++) {
		struct rig r;
		rig_open(&r, (enum isa_variant)v);
		for (int op = 0; op < OP_COUNT; op++) {
			const char *name = isa_op_info((enum isa_opcode)op)->name;
			struct outcome o = step_one(&r, legal_instance((enum isa_opcode)op), false);
			CHECKF(!(o.ntraps > 0 && o.trap.cause == CAUSE_PRIVILEGED),
			       "%s on %s in supervisor mode trapped PRIVILEGED", name,
			       isa_variant_name((enum isa_variant)v));
			/* Only sys, brk and hcall trap at all from these safe states. */
			bool traps = always_trap_cause((enum isa_opcode)op) >= 0;
			CHECKF((o.ntraps > 0) == traps,
			       "%s on %s in supervisor mode: %u traps (cause %u)", name,
			       isa_variant_name((enum isa_variant)v), o.ntraps, o.trap.cause);
		}
		rig_close(&r);
	}
}

/* SPEC §8.4: sys, brk and hcall trap in both modes on every variant, each
 * with its own cause, epc = the instruction itself; they are class T only. */
static void
test_sys_brk_hcall_trap_with_their_cause_in_both_modes(void)
{
	for (int v = 0; v < ISA_VARIANT_COUNT; v++) {
		struct rig r;
		rig_open(&r, (enum isa_variant)v);
		for (size_t i = 0; i < ARRAY_SIZE(always_trap); i++) {
			int op = isa_opcode_by_name(always_trap[i].name);
			CU_ASSERT_FATAL(op >= 0);
			CHECKF(isa_class((enum isa_opcode)op, (enum isa_variant)v) == CLS_TRAP,
			       "%s: class on %s is %#x, want T only", always_trap[i].name,
			       isa_variant_name((enum isa_variant)v),
			       isa_class((enum isa_opcode)op, (enum isa_variant)v));
			for (int user = 0; user <= 1; user++) {
				struct outcome o = step_one(&r, legal_instance((enum isa_opcode)op), user);
				CHECKF(o.ntraps == 1 && o.trap.cause == always_trap[i].cause &&
				       o.trap.epc == RIG_PC,
				       "%s on %s, %s mode: %u traps, cause %u, epc %08x",
				       always_trap[i].name, isa_variant_name((enum isa_variant)v),
				       user ? "user" : "supervisor", o.ntraps, o.trap.cause, o.trap.epc);
			}
		}
		/* ... and no other opcode carries the T class. */
		for (int op = 0; op < OP_COUNT; op++)
			CHECKF(((isa_class((enum isa_opcode)op, (enum isa_variant)v) & CLS_TRAP) != 0) ==
			       (always_trap_cause((enum isa_opcode)op) >= 0),
			       "%s: unexpected T class on %s", isa_op_info((enum isa_opcode)op)->name,
			       isa_variant_name((enum isa_variant)v));
		rig_close(&r);
	}
}

/* ===== hand-written expectations, independent of opcodes.def ============= */

/* The system instructions of SPEC §8.5; on each variant, exactly the listed
 * ones execute in user mode (§9.2) and every other one traps PRIVILEGED. */
static const char *const system_insns[] = {
	"rti", "mfcr", "mtcr", "di", "ei", "halt", "tlbflush",
	"in", "out", "rdpsw", "wrpsw", "srr", "juser",
};

static const struct {
	enum isa_variant variant;
	const char *unprivileged[4];   /* system instructions user mode may run */
} variant_holes[] = {
	{ ISA_STRICT, { NULL } },
	{ ISA_LEGACY, { "rdpsw", "wrpsw", "srr", NULL } },
	{ ISA_HYBRID, { "juser", NULL } },
};

static bool
is_hole(size_t row, const char *name)
{
	for (const char *const *p = variant_holes[row].unprivileged; *p; p++)
		if (strcmp(*p, name) == 0)
			return true;
	return false;
}

static bool
is_system_insn(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(system_insns); i++)
		if (strcmp(system_insns[i], name) == 0)
			return true;
	return false;
}

static void
test_user_mode_privileged_set_matches_spec_per_variant(void)
{
	for (size_t row = 0; row < ARRAY_SIZE(variant_holes); row++) {
		enum isa_variant v = variant_holes[row].variant;
		struct rig r;
		rig_open(&r, v);
		/* Every system instruction exists, and traps unless it is a hole. */
		for (size_t i = 0; i < ARRAY_SIZE(system_insns); i++) {
			int op = isa_opcode_by_name(system_insns[i]);
			CHECKF(op >= 0, "no instruction named %s", system_insns[i]);
			if (op < 0)
				continue;
			struct outcome o = step_one(&r, legal_instance((enum isa_opcode)op), true);
			bool want = !is_hole(row, system_insns[i]);
			bool got = o.ntraps == 1 && o.trap.cause == CAUSE_PRIVILEGED;
			CHECKF(got == want, "%s on %s in user mode: PRIVILEGED %s, SPEC §9.2 says %s",
			       system_insns[i], isa_variant_name(v), got ? "taken" : "not taken",
			       want ? "it traps" : "it runs");
			CHECKF(isa_is_privileged((enum isa_opcode)op, v) == want,
			       "opcodes.def: %s on %s is %sprivileged, SPEC §9.2 says otherwise",
			       system_insns[i], isa_variant_name(v),
			       isa_is_privileged((enum isa_opcode)op, v) ? "" : "not ");
		}
		/* No instruction outside §8.5 is privileged (so "exactly" holds). */
		for (int op = 0; op < OP_COUNT; op++) {
			const char *name = isa_op_info((enum isa_opcode)op)->name;
			if (is_system_insn(name))
				continue;
			struct outcome o = step_one(&r, legal_instance((enum isa_opcode)op), true);
			CHECKF(!(o.ntraps && o.trap.cause == CAUSE_PRIVILEGED),
			       "%s on %s: trapped PRIVILEGED in user mode but is not a "
			       "system instruction", name, isa_variant_name(v));
		}
		rig_close(&r);
	}
}

/* The count of privileged instructions per variant, from SPEC §8.5's table:
 * 13 on strict, 10 on legacy, 12 on hybrid. */
static void
test_privileged_count_per_variant_matches_spec(void)
{
	static const unsigned want[ISA_VARIANT_COUNT] = {
		[ISA_STRICT] = 13, [ISA_LEGACY] = 10, [ISA_HYBRID] = 12,
	};
	for (int v = 0; v < ISA_VARIANT_COUNT; v++) {
		unsigned n = 0;
		for (int op = 0; op < OP_COUNT; op++)
			n += isa_is_privileged((enum isa_opcode)op, (enum isa_variant)v);
		CHECKF(n == want[v], "%s: %u privileged instructions, SPEC §8.5 lists %u",
		       isa_variant_name((enum isa_variant)v), n, want[v]);
	}
}

static CU_TestInfo tests[] = {
	{ "test_user_mode_traps_privileged_iff_table_says_privileged",
	  test_user_mode_traps_privileged_iff_table_says_privileged },
	{ "test_supervisor_mode_never_traps_privileged", test_supervisor_mode_never_traps_privileged },
	{ "test_sys_brk_hcall_trap_with_their_cause_in_both_modes",
	  test_sys_brk_hcall_trap_with_their_cause_in_both_modes },
	{ "test_user_mode_privileged_set_matches_spec_per_variant",
	  test_user_mode_privileged_set_matches_spec_per_variant },
	{ "test_privileged_count_per_variant_matches_spec",
	  test_privileged_count_per_variant_matches_spec },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_machine_privilege = { "machine: privilege", NULL, NULL, NULL, NULL, tests };
