/* test_semantics.c — what every PG32 instruction does when it executes
 * (isa/SPEC.md §7.2, §8): arithmetic and its edge cases, loads and stores of
 * each width, branches, calls; the system instructions and the variant
 * behaviours of §8.5 are in test_system_insns.c, in this suite.  Serves Lab 1 (the interpreter) and Lab 2 (legacy's and
 * hybrid's holes).  Programs are built with isa_encode, run on the bare machine
 * and end at a `brk` that the trap hook stops on; most checks are tables.
 */
#include <stdbool.h>
#include <string.h>

#include "isa.h"
#include "machine.h"
#include "rig.h"
#include "support.h"
#include "system_insn_tests.h"

/* ===== the rig: code at RIG_PC, brk everywhere else ====================== */

/* The shared rig with [0, RIG_CODE_END) filled with brk, so every program
 * ends at a brk the hook stops on (system_insn_tests.h). */
void
open_filled(struct rig *r, enum isa_variant v)
{
	rig_open_config(r, &(struct rig_config){ .variant = v, .brk_below = RIG_CODE_END });
}

/* ===== one register after a short program ================================ */

struct reg_case {
	const char *name;
	struct isa_insn prog[RIG_MAX_PROG];
	uint32_t r2, r3;          /* inputs */
	unsigned reg;             /* the register to look at */
	uint32_t want;
};

#define M31 0x80000000u       /* -2^31 */

static const struct reg_case alu_cases[] = {
	/* SPEC §8.1, RRR forms: rd := rs op rt, 32-bit wrap-around */
	{ "add wraps",              { RRR(add, 1, 2, 3) }, 0xffffffffu, 2, 1, 1 },
	{ "sub borrows",            { RRR(sub, 1, 2, 3) }, 1, 2, 1, 0xffffffffu },
	{ "and",                    { RRR(and, 1, 2, 3) }, 0xf0f0, 0xff00, 1, 0xf000 },
	{ "or",                     { RRR(or, 1, 2, 3) }, 0xf0f0, 0x0f00, 1, 0xfff0 },
	{ "xor",                    { RRR(xor, 1, 2, 3) }, 0xff00, 0x0ff0, 1, 0xf0f0 },
	{ "shl 31",                 { RRR(shl, 1, 2, 3) }, 1, 31, 1, M31 },
	{ "shl masks 33 to 1",      { RRR(shl, 1, 2, 3) }, 1, 33, 1, 2 },
	{ "shl masks 32 to 0",      { RRR(shl, 1, 2, 3) }, 1, 32, 1, 1 },
	{ "shr zero fills",         { RRR(shr, 1, 2, 3) }, M31, 31, 1, 1 },
	{ "shr masks 36 to 4",      { RRR(shr, 1, 2, 3) }, M31, 36, 1, 0x08000000 },
	{ "sra sign fills",         { RRR(sra, 1, 2, 3) }, M31, 31, 1, 0xffffffffu },
	{ "sra masks 32 to 0",      { RRR(sra, 1, 2, 3) }, M31, 32, 1, M31 },
	{ "sra of a positive",      { RRR(sra, 1, 2, 3) }, 0x40000000, 30, 1, 1 },
	{ "mul keeps low 32 bits",  { RRR(mul, 1, 2, 3) }, 0x10000, 0x10000, 1, 0 },
	{ "mul signed operands",    { RRR(mul, 1, 2, 3) }, (uint32_t)-3, 5, 1, (uint32_t)-15 },
	{ "mul -1 * -1",            { RRR(mul, 1, 2, 3) }, 0xffffffffu, 0xffffffffu, 1, 1 },
	{ "div 7 / 2",              { RRR(div, 1, 2, 3) }, 7, 2, 1, 3 },
	{ "div -7 / 2 toward zero", { RRR(div, 1, 2, 3) }, (uint32_t)-7, 2, 1, (uint32_t)-3 },
	{ "div 7 / -2",             { RRR(div, 1, 2, 3) }, 7, (uint32_t)-2, 1, (uint32_t)-3 },
	{ "div -7 / -2",            { RRR(div, 1, 2, 3) }, (uint32_t)-7, (uint32_t)-2, 1, 3 },
	{ "div -2^31 / -1",         { RRR(div, 1, 2, 3) }, M31, 0xffffffffu, 1, M31 },
	{ "div -2^31 / 1",          { RRR(div, 1, 2, 3) }, M31, 1, 1, M31 },
	{ "divu is unsigned",       { RRR(divu, 1, 2, 3) }, 0xffffffffu, 2, 1, 0x7fffffff },
	{ "divu 2^31 / (2^32-1)",   { RRR(divu, 1, 2, 3) }, M31, 0xffffffffu, 1, 0 },
	{ "rem 7 % 2",              { RRR(rem, 1, 2, 3) }, 7, 2, 1, 1 },
	{ "rem -7 % 2 sign of rs",  { RRR(rem, 1, 2, 3) }, (uint32_t)-7, 2, 1, (uint32_t)-1 },
	{ "rem 7 % -2 sign of rs",  { RRR(rem, 1, 2, 3) }, 7, (uint32_t)-2, 1, 1 },
	{ "rem -7 % -2",            { RRR(rem, 1, 2, 3) }, (uint32_t)-7, (uint32_t)-2, 1, (uint32_t)-1 },
	{ "rem -2^31 % -1",         { RRR(rem, 1, 2, 3) }, M31, 0xffffffffu, 1, 0 },
	{ "remu is unsigned",       { RRR(remu, 1, 2, 3) }, 0xffffffffu, 10, 1, 5 },
	{ "remu 2^31 % (2^32-1)",   { RRR(remu, 1, 2, 3) }, M31, 0xffffffffu, 1, M31 },
	/* RRI / RRU / RU forms: sign or zero extension of imm16 (SPEC §7.2) */
	{ "addi sign-extends",      { RRI(addi, 1, 2, -6) }, 5, 0, 1, 0xffffffffu },
	{ "addi largest positive",  { RRI(addi, 1, 2, 0x7fff) }, 5, 0, 1, 0x8004 },
	{ "addi most negative",     { RRI(addi, 1, 0, -32768) }, 0, 0, 1, 0xffff8000u },
	{ "andi zero-extends",      { RRI(andi, 1, 2, 0xffff) }, 0xffffffffu, 0, 1, 0xffff },
	{ "andi 0x8000 no sign",    { RRI(andi, 1, 2, 0x8000) }, 0xffffffffu, 0, 1, 0x8000 },
	{ "ori zero-extends",       { RRI(ori, 1, 2, 0x8001) }, 0x12340000, 0, 1, 0x12348001 },
	{ "xori zero-extends",      { RRI(xori, 1, 2, 0xffff) }, 0xffffffffu, 0, 1, 0xffff0000u },
	{ "shli 31",                { RRI(shli, 1, 2, 31) }, 1, 0, 1, M31 },
	{ "shli masks 33 to 1",     { RRI(shli, 1, 2, 33) }, 1, 0, 1, 2 },
	{ "shri masks 63 to 31",    { RRI(shri, 1, 2, 63) }, M31, 0, 1, 1 },
	{ "srai sign fills",        { RRI(srai, 1, 2, 4) }, M31, 0, 1, 0xf8000000u },
	{ "srai of a positive",     { RRI(srai, 1, 2, 30) }, 0x7fffffff, 0, 1, 1 },
	{ "lui",                    { RUI(lui, 1, 0x1234) }, 0, 0, 1, 0x12340000 },
	{ "lui 0xffff",             { RUI(lui, 1, 0xffff) }, 0, 0, 1, 0xffff0000u },
	{ "lui then ori",           { RUI(lui, 1, 0x1234), RRI(ori, 1, 1, 0x5678) }, 0, 0, 1, 0x12345678 },
	/* r0 reads as zero; writes are discarded (SPEC §3.1) */
	{ "addi into r0 discarded", { RRI(addi, 0, 0, 5), RRR(add, 1, 0, 0) }, 0, 0, 1, 0 },
	{ "r0 stays 0 after lui",   { RUI(lui, 0, 0x1234) }, 0, 0, 0, 0 },
	{ "r0 stays 0 after load",  { MEMI(ldw, 0, 0, 2) }, RIG_PC, 0, 0, 0 },
	{ "r0 as rs reads 0",       { RRR(or, 1, 0, 2) }, 0x77, 0, 1, 0x77 },
	/* adr: pc + 4 + sext(imm16), the instruction's own address (SPEC §7.2) */
	{ "adr forward",            { RUI(adr, 1, 8) }, 0, 0, 1, RIG_PC + 12 },
	{ "adr of itself",          { RUI(adr, 1, -4) }, 0, 0, 1, RIG_PC },
	{ "adr in second slot",     { NONE(tlbflush), RUI(adr, 1, 0) }, 0, 0, 1, RIG_PC + 8 },
	{ "adr back to 0",          { RUI(adr, 1, -(RIG_PC + 4)) }, 0, 0, 1, 0 },
};

static void
run_reg_cases(const struct reg_case *cases, size_t n, const uint8_t *data, size_t data_len)
{
	for (size_t i = 0; i < n; i++) {
		const struct reg_case *c = &cases[i];
		struct rig r;
		open_filled(&r, ISA_STRICT);
		rig_code(&r, RIG_PC, c->prog, RIG_MAX_PROG);
		if (data)
			CU_ASSERT_EQUAL(machine_write_phys(r.m, RIG_DATA, data, data_len), 0);
		r.s.r[2] = c->r2;
		r.s.r[3] = c->r3;
		rig_run(&r, 100);
		CHECKF(rig_ended_at_brk(&r, NULL), "%s: did not reach the final brk "
		       "(stop %d, %u traps, cause %u)", c->name, (int)r.reason, r.ntraps,
		       r.ntraps ? r.trap[0].cause : 0);
		CHECKF(r.out.r[c->reg] == c->want, "%s: r%u = 0x%08x, want 0x%08x", c->name,
		       c->reg, r.out.r[c->reg], c->want);
		rig_close(&r);
	}
}

/* SPEC §8.1, §7.2, §3.1. */
static void
test_arithmetic_logic_and_immediates_per_spec(void)
{
	run_reg_cases(alu_cases, ARRAY_SIZE(alu_cases), NULL, 0);
}

/* SPEC §2 (little-endian), §8.2: sign and zero extension of every load width. */
static const uint8_t load_data[] = { 0x81, 0x82, 0x83, 0x84, 0x7f, 0x00, 0xff, 0x7f };

static const struct reg_case load_cases[] = {
	{ "ldw is little-endian",   { MEMI(ldw, 1, 0, 2) }, RIG_DATA, 0, 1, 0x84838281u },
	{ "ldw negative offset",    { MEMI(ldw, 1, -8, 2) }, RIG_DATA + 8, 0, 1, 0x84838281u },
	{ "ldw second word",        { MEMI(ldw, 1, 4, 2) }, RIG_DATA, 0, 1, 0x7fff007fu },
	{ "ldh sign-extends",       { MEMI(ldh, 1, 0, 2) }, RIG_DATA, 0, 1, 0xffff8281u },
	{ "ldh high half",          { MEMI(ldh, 1, 2, 2) }, RIG_DATA, 0, 1, 0xffff8483u },
	{ "ldh positive",           { MEMI(ldh, 1, 6, 2) }, RIG_DATA, 0, 1, 0x00007fffu },
	{ "ldhu zero-extends",      { MEMI(ldhu, 1, 0, 2) }, RIG_DATA, 0, 1, 0x00008281u },
	{ "ldb sign-extends",       { MEMI(ldb, 1, 0, 2) }, RIG_DATA, 0, 1, 0xffffff81u },
	{ "ldb byte 3",             { MEMI(ldb, 1, 3, 2) }, RIG_DATA, 0, 1, 0xffffff84u },
	{ "ldb positive",           { MEMI(ldb, 1, 4, 2) }, RIG_DATA, 0, 1, 0x7f },
	{ "ldbu zero-extends",      { MEMI(ldbu, 1, 6, 2) }, RIG_DATA, 0, 1, 0xff },
	{ "ldbu odd address",       { MEMI(ldbu, 1, 1, 2) }, RIG_DATA, 0, 1, 0x82 },
};

static void
test_loads_extend_and_are_little_endian(void)
{
	run_reg_cases(load_cases, ARRAY_SIZE(load_cases), load_data, sizeof load_data);
}

/* SPEC §8.2: stores of each width write exactly their bytes, little-endian. */
static void
test_stores_write_exactly_their_bytes(void)
{
	static const struct {
		const char *name;
		struct isa_insn insn;
		uint8_t want[8];
	} cases[] = {
		{ "stw",          MEMI(stw, 1, 0, 2), { 0x44, 0x33, 0x22, 0x11, 0xaa, 0xaa, 0xaa, 0xaa } },
		{ "stw offset 4", MEMI(stw, 1, 4, 2), { 0xaa, 0xaa, 0xaa, 0xaa, 0x44, 0x33, 0x22, 0x11 } },
		{ "sth low half", MEMI(sth, 1, 0, 2), { 0x44, 0x33, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa } },
		{ "sth at 6",     MEMI(sth, 1, 6, 2), { 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0x44, 0x33 } },
		{ "stb at 0",     MEMI(stb, 1, 0, 2), { 0x44, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa } },
		{ "stb at 5",     MEMI(stb, 1, 5, 2), { 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0x44, 0xaa, 0xaa } },
		{ "stb at -1+4",  MEMI(stb, 1, -1, 3), { 0xaa, 0xaa, 0xaa, 0x44, 0xaa, 0xaa, 0xaa, 0xaa } },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct rig r;
		open_filled(&r, ISA_STRICT);
		uint8_t fill[8];
		memset(fill, 0xaa, sizeof fill);
		CU_ASSERT_EQUAL(machine_write_phys(r.m, RIG_DATA, fill, sizeof fill), 0);
		rig_code(&r, RIG_PC, &cases[i].insn, 1);
		r.s.r[1] = 0x11223344;
		r.s.r[2] = RIG_DATA;
		r.s.r[3] = RIG_DATA + 4;
		rig_run(&r, 10);
		uint8_t got[8];
		CU_ASSERT_EQUAL(machine_read_phys(r.m, RIG_DATA, got, sizeof got), 0);
		CHECKF(rig_ended_at_brk(&r, NULL), "%s: did not reach brk", cases[i].name);
		CHECKF(memcmp(got, cases[i].want, sizeof got) == 0,
		       "%s: memory %02x %02x %02x %02x %02x %02x %02x %02x", cases[i].name,
		       got[0], got[1], got[2], got[3], got[4], got[5], got[6], got[7]);
		rig_close(&r);
	}
}

/* SPEC §8.1: a zero divisor raises DIVIDE and the instruction has no effect. */
static void
test_divide_by_zero_traps_divide_with_no_side_effect(void)
{
	static const enum isa_opcode ops[] = { OP_div, OP_divu, OP_rem, OP_remu };
	for (size_t i = 0; i < ARRAY_SIZE(ops); i++) {
		struct rig r;
		open_filled(&r, ISA_STRICT);
		rig_code(&r, RIG_PC, &(struct isa_insn){ .op = ops[i], .rd = 1, .rs = 2, .rt = 3 }, 1);
		r.s.r[1] = 0x5555;
		r.s.r[2] = 7;
		r.s.psw = PSW_S | PSW_Z | PSW_C;
		rig_run(&r, 10);
		const char *name = isa_op_info(ops[i])->name;
		CHECKF(r.ntraps == 1 && r.trap[0].cause == CAUSE_DIVIDE && r.trap[0].epc == RIG_PC,
		       "%s by zero: %u traps, cause %u", name, r.ntraps, r.trap[0].cause);
		CHECKF(memcmp(&r.out, &r.s, sizeof r.s) == 0, "%s by zero changed the state", name);
		CHECKF(machine_retired(r.m) == 0, "%s by zero retired", name);
		rig_close(&r);
	}
}

/* ===== flags and branches (SPEC §3.2, §8.1, §8.3) ========================= */

/* compare(x, y): Z = (d = 0), N = d bit 31, C = x < y unsigned, V = overflow. */
static void
test_cmp_sets_exactly_the_four_flags(void)
{
	static const struct {
		uint32_t x, y, flags;
	} cases[] = {
		{ 5, 5, PSW_Z },
		{ 1, 2, PSW_N | PSW_C },
		{ 2, 1, 0 },
		{ 0xffffffffu, 1, PSW_N },
		{ 1, 0xffffffffu, PSW_C },
		{ M31, 1, PSW_V },
		{ 0x7fffffff, 0xffffffffu, PSW_N | PSW_C | PSW_V },
		{ 0, M31, PSW_N | PSW_C | PSW_V },
		{ 0, 0, PSW_Z },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		for (int old = 0; old <= 1; old++) {   /* old flags all clear / all set */
			struct rig r;
			open_filled(&r, ISA_STRICT);
			struct isa_insn prog[] = { CMP(2, 3) };
			rig_code(&r, RIG_PC, prog, ARRAY_SIZE(prog));
			r.s.r[2] = cases[i].x;
			r.s.r[3] = cases[i].y;
			r.s.psw = PSW_S | (old ? PSW_FLAGS : 0);
			rig_run(&r, 10);
			CHECKF(rig_ended_at_brk(&r, NULL), "cmp did not reach brk");
			CHECKF(r.out.psw == (PSW_S | cases[i].flags),
			       "cmp 0x%08x, 0x%08x (old flags %s): psw 0x%02x, want 0x%02x",
			       cases[i].x, cases[i].y, old ? "set" : "clear", r.out.psw,
			       PSW_S | cases[i].flags);
			rig_close(&r);
		}
	}
}

static void
test_cmpi_sign_extends_its_immediate(void)
{
	static const struct {
		uint32_t x;
		int32_t imm;
		uint32_t flags;
	} cases[] = {
		{ 0xffffffffu, -1, PSW_Z },
		{ 0, -1, PSW_C },                    /* 0 - 0xffffffff = 1, borrow */
		{ 0xffff8000u, -32768, PSW_Z },
		{ 10, 11, PSW_N | PSW_C },
		{ 0x7fff, 0x7fff, PSW_Z },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct rig r;
		open_filled(&r, ISA_STRICT);
		struct isa_insn prog[] = { CMPI(2, cases[i].imm) };
		rig_code(&r, RIG_PC, prog, ARRAY_SIZE(prog));
		r.s.r[2] = cases[i].x;
		rig_run(&r, 10);
		CHECKF((r.out.psw & PSW_FLAGS) == cases[i].flags,
		       "cmpi 0x%08x, %d: flags 0x%02x, want 0x%02x", cases[i].x, cases[i].imm,
		       r.out.psw & PSW_FLAGS, cases[i].flags);
		rig_close(&r);
	}
}

/* Every branch condition, taken and not taken, on pairs that include signed
 * overflow; the expectation is plain C comparison, not the flag formulas. */
static void
test_every_branch_condition_taken_and_not_taken(void)
{
	static const struct {
		uint32_t x, y;
	} pairs[] = {
		{ 1, 2 }, { 2, 1 }, { 5, 5 }, { 0xffffffffu, 1 }, { 1, 0xffffffffu },
		{ M31, 1 }, { 1, M31 }, { 0x7fffffff, 0xffffffffu }, { 0xffffffffu, 0x7fffffff },
		{ M31, 0x7fffffff }, { 0x7fffffff, M31 }, { 0, 0 },
	};
	static const enum isa_opcode branches[] = {
		OP_b, OP_beq, OP_bne, OP_blt, OP_bge, OP_bgt, OP_ble, OP_bltu, OP_bgeu,
	};
	struct rig r;
	open_filled(&r, ISA_STRICT);
	for (size_t p = 0; p < ARRAY_SIZE(pairs); p++) {
		uint32_t x = pairs[p].x, y = pairs[p].y;
		int32_t sx = (int32_t)x, sy = (int32_t)y;
		for (size_t b = 0; b < ARRAY_SIZE(branches); b++) {
			enum isa_opcode op = branches[b];
			bool want;
			switch (op) {
			case OP_beq:  want = x == y; break;
			case OP_bne:  want = x != y; break;
			case OP_blt:  want = sx < sy; break;
			case OP_bge:  want = sx >= sy; break;
			case OP_bgt:  want = sx > sy; break;
			case OP_ble:  want = sx <= sy; break;
			case OP_bltu: want = x < y; break;
			case OP_bgeu: want = x >= y; break;
			default:      want = true; break;
			}
			/* cmp; bXX +1; addi r4, r0, 1; brk  -> r4 = 0 iff taken */
			struct isa_insn prog[] = {
				CMP(2, 3), BR(b, 1), RRI(addi, 4, 0, 1), NONE(brk),
			};
			prog[1].op = op;
			rig_code(&r, RIG_PC, prog, ARRAY_SIZE(prog));
			r.s.r[2] = x;
			r.s.r[3] = y;
			r.s.r[4] = 0;
			rig_run(&r, 10);
			uint32_t at = 0;
			CHECKF(rig_ended_at_brk(&r, &at) && at == RIG_PC + 12,
			       "%s after cmp 0x%08x, 0x%08x: did not reach the brk", isa_op_info(op)->name, x, y);
			CHECKF((r.out.r[4] == 0) == want, "%s after cmp 0x%08x, 0x%08x: %s, want %s",
			       isa_op_info(op)->name, x, y, r.out.r[4] == 0 ? "taken" : "not taken",
			       want ? "taken" : "not taken");
		}
	}
	rig_close(&r);
}

/* SPEC §3.2: only cmp and cmpi change the flags.  Every other instruction
 * (bar wrpsw and rti, which write the whole PSW) leaves them alone. */
static void
test_flags_change_only_on_cmp_and_cmpi(void)
{
	for (int op = 0; op < OP_COUNT; op++) {
		if (op == OP_cmp || op == OP_cmpi || op == OP_wrpsw || op == OP_rti)
			continue;
		for (int set = 0; set <= 1; set++) {
			struct rig r;
			open_filled(&r, ISA_STRICT);
			rig_code(&r, RIG_PC, &(struct isa_insn){ .op = (enum isa_opcode)op, .rd = 1,
				 .rs = 2, .rt = 3 }, 1);
			r.s.r[1] = r.s.r[2] = r.s.r[3] = RIG_DATA;
			r.s.psw = PSW_S | (set ? PSW_FLAGS : 0);
			rig_run(&r, 1);
			CHECKF((r.out.psw & PSW_FLAGS) == (set ? PSW_FLAGS : 0u),
			       "%s changed the flags from 0x%02x to 0x%02x", isa_op_info((enum isa_opcode)op)->name,
			       set ? PSW_FLAGS : 0u, r.out.psw & PSW_FLAGS);
			rig_close(&r);
		}
	}
}

/* ===== calls and jumps (SPEC §8.3) ======================================== */

struct flow_case {
	const char *name;
	struct isa_insn prog[RIG_MAX_PROG];
	uint32_t r2, lr;          /* inputs */
	uint32_t where;           /* the brk the program must end on */
	uint32_t want_lr;
};

static const struct flow_case flow_cases[] = {
	{ "b forward",        { BR(b, 2) }, 0, 0x55, RIG_PC + 12, 0x55 },
	{ "b backward",       { BR(b, 2), NONE(brk), NONE(brk), BR(b, -3) }, 0, 0x55, RIG_PC + 4, 0x55 },
	{ "call forward sets lr", { BR(call, 2) }, 0, 0, RIG_PC + 12, RIG_PC + 4 },
	{ "call backward",    { BR(b, 2), NONE(brk), NONE(brk), BR(call, -3) }, 0, 0, RIG_PC + 4,
	  RIG_PC + 16 },
	{ "jr leaves lr",     { R1(jr, 2) }, 0x300, 0x55, 0x300, 0x55 },
	{ "callr sets lr",    { R1(callr, 2) }, 0x300, 0, 0x300, RIG_PC + 4 },
	{ "callr lr reads rs first", { R1(callr, 15) }, 0, 0x300, 0x300, RIG_PC + 4 },
	{ "call then jr lr returns", { BR(call, 1), NONE(brk), R1(jr, 15) }, 0, 0, RIG_PC + 4,
	  RIG_PC + 4 },
};

static void
test_branches_calls_and_jumps_reach_their_targets(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(flow_cases); i++) {
		const struct flow_case *c = &flow_cases[i];
		struct rig r;
		open_filled(&r, ISA_STRICT);
		rig_code(&r, RIG_PC, c->prog, RIG_MAX_PROG);
		r.s.r[2] = c->r2;
		r.s.r[ISA_REG_LR] = c->lr;
		rig_run(&r, 20);
		uint32_t at = 0;
		CHECKF(rig_ended_at_brk(&r, &at) && at == c->where, "%s: ended at 0x%x, want 0x%x",
		       c->name, at, c->where);
		CHECKF(r.out.r[ISA_REG_LR] == c->want_lr, "%s: lr 0x%x, want 0x%x", c->name,
		       r.out.r[ISA_REG_LR], c->want_lr);
		rig_close(&r);
	}
}

/* SPEC §1/§2 (instructions are words in memory): a store over an instruction
 * that already ran is seen the next time it is fetched. */
static void
test_self_modifying_code_runs_the_new_instruction(void)
{
	static const struct {
		const char *name;
		struct isa_insn store;
		uint32_t r5;     /* what the store writes */
		uint32_t want;   /* r1 at the end: 1 + the new increment */
	} cases[] = {
		{ "stw a whole new word", MEMI(stw, 5, 0, 6), 0, 1 + 0x100 },
		{ "sth the immediate",    MEMI(sth, 5, 0, 6), 0x0040, 1 + 0x40 },
		{ "stb the low byte",     MEMI(stb, 5, 0, 6), 0x07, 1 + 0x07 },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct rig r;
		open_filled(&r, ISA_STRICT);
		/*  0x100: addi r1, r1, 1     <- overwritten after its first run
		 *  0x104: addi r7, r7, 1
		 *  0x108: cmpi r7, 2
		 *  0x10c: beq +2             -> 0x118
		 *  0x110: <store r5 over 0x100>
		 *  0x114: b -6               -> 0x100
		 *  0x118: brk */
		struct isa_insn prog[] = {
			RRI(addi, 1, 1, 1), RRI(addi, 7, 7, 1), CMPI(7, 2), BR(beq, 2),
			cases[i].store, BR(b, -6), NONE(brk),
		};
		rig_code(&r, RIG_PC, prog, ARRAY_SIZE(prog));
		r.s.r[5] = cases[i].r5 ? cases[i].r5
				       : ENC(RRI(addi, 1, 1, 0x100));
		r.s.r[6] = RIG_PC;
		rig_run(&r, 20);
		uint32_t at = 0;
		CHECKF(rig_ended_at_brk(&r, &at) && at == RIG_PC + 24, "%s: did not end at brk",
		       cases[i].name);
		CHECKF(r.out.r[1] == cases[i].want, "%s: r1 = 0x%x, want 0x%x (stale decode?)",
		       cases[i].name, r.out.r[1], cases[i].want);
		rig_close(&r);
	}
}

/* The host writing memory (machine_write_phys) is seen too: a debugger's
 * breakpoint patch must take effect. */
static void
test_host_write_over_executed_code_is_seen(void)
{
	struct rig r;
	open_filled(&r, ISA_STRICT);
	struct isa_insn prog[] = { RRI(addi, 1, 1, 1), BR(b, -2) };   /* loop: r1++ */
	rig_code(&r, RIG_PC, prog, ARRAY_SIZE(prog));
	rig_run(&r, 10);
	CU_ASSERT_EQUAL(r.reason, STOP_NONE);
	CU_ASSERT_EQUAL(r.out.r[1], 5);
	rig_put(&r, RIG_PC, ENC(RRI(addi, 1, 1, 0x10)));
	r.s = r.out;
	rig_run(&r, 2);
	CU_ASSERT_EQUAL(r.out.r[1], 5 + 0x10);
	rig_close(&r);
}

static CU_TestInfo tests[] = {
	{ "test_arithmetic_logic_and_immediates_per_spec", test_arithmetic_logic_and_immediates_per_spec },
	{ "test_loads_extend_and_are_little_endian", test_loads_extend_and_are_little_endian },
	{ "test_stores_write_exactly_their_bytes", test_stores_write_exactly_their_bytes },
	{ "test_divide_by_zero_traps_divide_with_no_side_effect",
	  test_divide_by_zero_traps_divide_with_no_side_effect },
	{ "test_cmp_sets_exactly_the_four_flags", test_cmp_sets_exactly_the_four_flags },
	{ "test_cmpi_sign_extends_its_immediate", test_cmpi_sign_extends_its_immediate },
	{ "test_every_branch_condition_taken_and_not_taken",
	  test_every_branch_condition_taken_and_not_taken },
	{ "test_flags_change_only_on_cmp_and_cmpi", test_flags_change_only_on_cmp_and_cmpi },
	{ "test_branches_calls_and_jumps_reach_their_targets",
	  test_branches_calls_and_jumps_reach_their_targets },
	{ "test_system_instructions_and_variant_holes", test_system_instructions_and_variant_holes },
	{ "test_srr_returns_ptbr_with_paging_on", test_srr_returns_ptbr_with_paging_on },
	{ "test_mtcr_mfcr_round_trip_and_masking", test_mtcr_mfcr_round_trip_and_masking },
	{ "test_self_modifying_code_runs_the_new_instruction",
	  test_self_modifying_code_runs_the_new_instruction },
	{ "test_host_write_over_executed_code_is_seen", test_host_write_over_executed_code_is_seen },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_machine_semantics = { "machine: semantics", NULL, NULL, NULL, NULL, tests };
