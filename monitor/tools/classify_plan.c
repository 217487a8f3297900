/* classify_plan.c — the states and encodings the classifier tries
 * (classify.h): the edge states of REFERENCES §0.1 first — every change of
 * M, R, the interrupt bit and the trap-vector words — then states from a
 * fixed-seed generator, so every run gives the same answer; and for each
 * opcode, encodings whose operands meet those states.  Lab 2.
 */
#include <stdlib.h>
#include <string.h>

#include "classify_internal.h"
#include "dev_console.h"
#include "dev_power.h"
#include "dev_timer.h"

/* ===== the sample plan ======================================================= */

/* The relocations every edge state is tried with, and how far each is
 * shifted for the location pair (a multiple of CLASSIFY_PERIOD, so the
 * memory under R stays the same).  The last one pages: R is then ptbr. */
struct edge_reloc {
	uint32_t rbase, rbound;
	bool paging;
	uint32_t ptbr;
	uint32_t shift;
};
static const struct edge_reloc edge_relocs[] = {
	{ 0x0000, 0x1000, false, 0, 0x400 },
	{ 0x1000, 0x0800, false, 0, 0x800 },
	{ 0x2c00, 0x1000, false, 0, 0x400 },
	{ 0x0400, 0x0800, true, PAGE_SIZE, 2 * PAGE_SIZE },
};
enum { EDGE_RELOCS = ARRAY_SIZE(edge_relocs) };
/* The saved PSW of the edge states: user with IE off, and supervisor with
 * IE on, so that from every mode some `rti` changes M. */
static const uint32_t edge_epsws[] = { PSW_Z, PSW_S | PSW_IE | PSW_C };
static const uint32_t edge_tvecs[] = { 0, EDGE_TVEC };

/* Make a sample exactly what machine_set_state() will hold. */
static void
sample_normalize(struct classify_sample *s)
{
	s->cpu.r[ISA_REG_ZERO] = 0;
	s->cpu.psw &= PSW_WRITABLE;
	s->cpu.cr[CR_ptbr] &= PTE_FRAME_MASK;
	s->cpu.cr[CR_mmu] &= MMU_PG;
}

static uint16_t
plan_add(struct classify_plan *plan, const struct classify_sample *s)
{
	if (plan->nsamples >= CLASSIFY_MAX_SAMPLES)
		abort();        /* a broken invariant of the fixed plan */
	plan->samples[plan->nsamples] = *s;
	sample_normalize(&plan->samples[plan->nsamples]);
	return (uint16_t)plan->nsamples++;
}

static void
plan_pair(struct classify_plan *plan, uint16_t a, uint16_t b, enum classify_pair_kind kind)
{
	if (plan->npairs >= CLASSIFY_MAX_PAIRS)
		abort();
	plan->pairs[plan->npairs++] = (struct classify_pair){ a, b, kind };
}

/* R shifted by x: rbase, or ptbr when paging.  Registers, PC and the
 * memory under R stay the same (P&G's S2 = (e|r+x, m, p, r+x)). */
static void
sample_shift(struct classify_sample *s, uint32_t x)
{
	if (s->cpu.cr[CR_mmu] & MMU_PG)
		s->cpu.cr[CR_ptbr] += x;
	else
		s->cpu.cr[CR_rbase] += x;
}

/* Registers of the edge states: the four (S, IE) settings in r0..r3, so a
 * PSW write can change M every way; addresses inside, at and beyond R. */
static void
edge_registers(struct classify_sample *s, uint32_t rbase, uint32_t rbound)
{
	uint32_t *r = s->cpu.r;
	r[0] = 0;
	r[1] = PSW_S;
	r[2] = PSW_IE;
	r[3] = PSW_S | PSW_IE;
	r[4] = 0xffffffffu;
	r[5] = rbase;
	r[6] = IN_BOUNDS_ADDR;
	r[7] = rbound;                  /* the first address out of bounds */
	r[8] = rbound - ISA_WORD;       /* the last word in bounds */
	r[9] = 0x80000000u;
	r[10] = EDGE_TVEC;
	r[11] = PSW_FLAGS;
	r[12] = 0x7fffffffu;
	r[13] = rbase + rbound;         /* the physical end of the window */
	r[ISA_REG_SP] = EDGE_SP;
	r[ISA_REG_LR] = EDGE_LR;
}

/* Every combination of M (S, IE), R (three relocations and one paging
 * state), tvec zero or not, and a saved PSW; each paired with its S-flip,
 * its IE-flip and its R-shift (REFERENCES §0.1: the edge states). */
static void
plan_edge_states(struct classify_plan *plan)
{
	uint16_t idx[EDGE_RELOCS][2][2][2][2];   /* [reloc][tvec][epsw][S][IE] */
	for (unsigned ri = 0; ri < EDGE_RELOCS; ri++)
	for (unsigned ti = 0; ti < 2; ti++)
	for (unsigned ei = 0; ei < 2; ei++)
	for (unsigned sup = 0; sup < 2; sup++)
	for (unsigned ie = 0; ie < 2; ie++) {
		const struct edge_reloc *rl = &edge_relocs[ri];
		struct classify_sample s = { .edge = true };
		edge_registers(&s, rl->rbase, rl->rbound);
		s.cpu.pc = EDGE_PC;
		s.cpu.psw = (sup ? PSW_S : 0) | (ie ? PSW_IE : 0);
		s.cpu.cr[CR_tvec] = edge_tvecs[ti];
		s.cpu.cr[CR_epc] = EDGE_EPC;
		s.cpu.cr[CR_epsw] = edge_epsws[ei];
		s.cpu.cr[CR_rbase] = rl->rbase;
		s.cpu.cr[CR_rbound] = rl->rbound;
		if (rl->paging) {
			s.cpu.cr[CR_mmu] = MMU_PG;
			s.cpu.cr[CR_ptbr] = rl->ptbr;
		}
		/* With a handler set, the devices are busy: a running timer
		 * and console input waiting, so that `in`/`out` can touch them. */
		if (edge_tvecs[ti]) {
			s.timer_interval = EDGE_TIMER_INTERVAL;
			s.console_input = true;
		}
		idx[ri][ti][ei][sup][ie] = plan_add(plan, &s);
	}
	for (unsigned ri = 0; ri < EDGE_RELOCS; ri++)
	for (unsigned ti = 0; ti < 2; ti++)
	for (unsigned ei = 0; ei < 2; ei++)
	for (unsigned k = 0; k < 2; k++) {
		plan_pair(plan, idx[ri][ti][ei][1][k], idx[ri][ti][ei][0][k], PAIR_FLIP_S);
		plan_pair(plan, idx[ri][ti][ei][k][0], idx[ri][ti][ei][k][1], PAIR_FLIP_IE);
		for (unsigned ie = 0; ie < 2; ie++) {
			uint16_t a = idx[ri][ti][ei][k][ie];
			struct classify_sample s = plan->samples[a];
			sample_shift(&s, edge_relocs[ri].shift);
			plan_pair(plan, a, plan_add(plan, &s), PAIR_SHIFT_R);
		}
	}
}

/* A register value: an edge value of this state, or anything at all. */
static uint32_t
random_register(struct classify_rng *g, const struct cpu_state *c)
{
	uint32_t l = c->cr[CR_rbase], b = c->cr[CR_rbound];
	const uint32_t pool[] = {
		0, PSW_S, PSW_IE, PSW_S | PSW_IE, 0xffffffffu, 0x80000000u, 0x7fffffffu,
		l, b, b - ISA_WORD, l + b, IN_BOUNDS_ADDR, c->pc, c->pc + ISA_WORD,
	};
	switch (rng_below(g, 3)) {
	case 0:  return rng_next(g);
	case 1:  return rng_next(g) & (LOW_CODE_LIMIT - ISA_WORD);
	default: return RNG_PICK(g, pool);
	}
}

static void
plan_random_sample(struct classify_rng *g, struct classify_sample *s)
{
	static const uint32_t bases[] = {
		0, 0x400, 0x800, 0x1000, 0x2000, 0x3c00, 0x10, CLASSIFY_MEMORY, 0xfffffc00u,
	};
	static const uint32_t bounds[] = { 0, 0x100, 0x400, 0x1000, CLASSIFY_MEMORY, 0xffffffffu };
	static const uint32_t ptbrs[] = { PAGE_SIZE, 2 * PAGE_SIZE };
	static const uint32_t intervals[] = { 0, 1, EDGE_TIMER_INTERVAL };
	struct cpu_state *c = &s->cpu;
	*s = (struct classify_sample){ 0 };
	c->cr[CR_rbase] = RNG_PICK(g, bases);
	c->cr[CR_rbound] = RNG_PICK(g, bounds);
	bool paging = rng_below(g, 8) == 0;
	if (paging) {
		c->cr[CR_mmu] = MMU_PG;
		c->cr[CR_ptbr] = RNG_PICK(g, ptbrs);
	}
	c->psw = rng_next(g) & PSW_WRITABLE;
	const uint32_t pcs[] = { 0, ISA_WORD, EDGE_PC, CLASSIFY_PERIOD - ISA_WORD,
				 LOW_CODE_LIMIT - ISA_WORD, rng_next(g) & (LOW_CODE_LIMIT - ISA_WORD) };
	c->pc = RNG_PICK(g, pcs);
	if (paging && c->pc % CLASSIFY_PERIOD == 0)
		c->pc += ISA_WORD;       /* word 0 of each period is the page-table entry */
	const uint32_t tvecs[] = { 0, EDGE_TVEC, rng_next(g) & ~(uint32_t)(ISA_WORD - 1) };
	c->cr[CR_tvec] = RNG_PICK(g, tvecs);
	c->cr[CR_epc] = rng_next(g) & (LOW_CODE_LIMIT - ISA_WORD);
	c->cr[CR_epsw] = rng_next(g) & PSW_WRITABLE;
	c->cr[CR_cause] = rng_below(g, CAUSE_HYPERCALL + 1);
	c->cr[CR_badaddr] = rng_next(g);
	c->cr[CR_scratch] = rng_next(g);
	for (unsigned i = 1; i < ISA_NUM_GPRS; i++)
		c->r[i] = random_register(g, c);
	s->timer_interval = RNG_PICK(g, intervals);
	/* A pending interrupt with IE on would be taken before the
	 * instruction; such a partner is skipped, so keep the base runnable. */
	s->timer_pending = !(c->psw & PSW_IE) && rng_below(g, 2);
	s->console_input = rng_below(g, 2);
}

static void
plan_random_states(struct classify_plan *plan)
{
	struct classify_rng g = { CLASSIFY_SEED_STATES };
	for (unsigned i = 0; i < RANDOM_BASES; i++) {
		struct classify_sample s, t;
		plan_random_sample(&g, &s);
		uint16_t a = plan_add(plan, &s);
		t = s;
		t.cpu.psw ^= PSW_S;
		plan_pair(plan, a, plan_add(plan, &t), PAIR_FLIP_S);
		t = s;
		t.cpu.psw ^= PSW_IE;
		plan_pair(plan, a, plan_add(plan, &t), PAIR_FLIP_IE);
		t = s;
		uint32_t x;
		if (s.cpu.cr[CR_mmu] & MMU_PG)
			x = PAGE_SIZE;
		else if (s.cpu.cr[CR_rbase] >= CLASSIFY_MEMORY)
			x = -(uint32_t)CLASSIFY_PERIOD;     /* no wrap past 2^32 */
		else
			x = CLASSIFY_PERIOD * (1 + rng_below(&g, 2));
		sample_shift(&t, x);
		plan_pair(plan, a, plan_add(plan, &t), PAIR_SHIFT_R);
	}
}

void
classify_plan_build(struct classify_plan *plan)
{
	plan->nsamples = 0;
	plan->npairs = 0;
	plan_edge_states(plan);
	plan_random_states(plan);
}

/* ===== instances: the encodings tried for each opcode ========================= */

/* The operands tried, by instruction format: registers, immediates at their
 * edges, addresses in and out of bounds, every device port. */
static const uint8_t rrr[][3] = {
	{ 1, 2, 3 }, { 5, 6, 7 }, { 10, 4, 0 }, { 0, 1, 2 }, { 2, 9, 4 }, { 8, 12, 11 }, { 13, 4, 1 },
};
static const int32_t simm[] = { 0, -1, 0x7fff, -0x8000, 1 };
static const int32_t uimm[] = { 0, 0xffff, 1, 0x8000, 31 };
static const struct { uint8_t rd, rs; int32_t imm; } mem[] = {
	{ 1, 0, IN_BOUNDS_ADDR }, { 2, 6, 0 }, { 3, 6, 4 }, { 4, 8, 0 }, { 5, 7, 0 },
	{ 6, 5, 0 }, { 7, 6, 2 }, { 9, 13, -4 }, { 10, 0, -4 }, { 1, 6, 1 },
};
static const int32_t offs[] = { 0, 1, -1, 64, -0x800000, 0x7fffff };
static const uint8_t jump_regs[] = { 0, 6, 8, 7, 4, 15, 14 };
static const uint8_t dest_regs[] = { 1, 5, 15 };
static const uint8_t crw_regs[] = { 0, 3, 4, 6 };
static const uint16_t ports[] = {
	CONSOLE_PORT_BASE + CONSOLE_DATA, CONSOLE_PORT_BASE + CONSOLE_STATUS,
	TIMER_PORT_BASE + TIMER_INTERVAL, TIMER_PORT_BASE + TIMER_COUNT,
	TIMER_PORT_BASE + TIMER_ACK, POWER_PORT_BASE + POWER_OFF, UNOWNED_PORT,
};
static const uint8_t out_regs[] = { 1, 4, 0 };

/* Operands chosen to meet the edge registers above: r0 is 0, r1..r3 are
 * PSW values, r4 is -1, r5..r8 and r13 are addresses around R. */
size_t
classify_instances(enum isa_opcode op, struct isa_insn *out, size_t max)
{
#define ADD(...) do { if (n < max) out[n++] = (struct isa_insn){ .op = op, __VA_ARGS__ }; } while (0)
	size_t n = 0;
	switch (isa_op_info(op)->format) {
	case FMT_RRR:
		for (size_t i = 0; i < ARRAY_SIZE(rrr); i++)
			ADD(.rd = rrr[i][0], .rs = rrr[i][1], .rt = rrr[i][2]);
		break;
	case FMT_RRI:
	case FMT_CMPI:
	case FMT_ADR:
		for (size_t i = 0; i < ARRAY_SIZE(simm); i++)
			ADD(.rd = rrr[i][0], .rs = rrr[i][1], .imm = simm[i]);
		break;
	case FMT_RRU:
	case FMT_RU:
		for (size_t i = 0; i < ARRAY_SIZE(uimm); i++)
			ADD(.rd = rrr[i][0], .rs = rrr[i][1], .imm = uimm[i]);
		break;
	case FMT_MEM:
		for (size_t i = 0; i < ARRAY_SIZE(mem); i++)
			ADD(.rd = mem[i].rd, .rs = mem[i].rs, .imm = mem[i].imm);
		break;
	case FMT_CMP:
		for (size_t i = 0; i < ARRAY_SIZE(rrr); i++)
			ADD(.rs = rrr[i][1], .rt = rrr[i][2]);
		break;
	case FMT_BR:
		for (size_t i = 0; i < ARRAY_SIZE(offs); i++)
			ADD(.imm = offs[i]);
		break;
	case FMT_R:
		for (size_t i = 0; i < ARRAY_SIZE(jump_regs); i++)
			ADD(.rs = jump_regs[i]);
		break;
	case FMT_D:
		for (size_t i = 0; i < ARRAY_SIZE(dest_regs); i++)
			ADD(.rd = dest_regs[i]);
		break;
	case FMT_NONE:
		ADD(.rd = 0);
		break;
	case FMT_CRR:       /* every control register, SPEC §3.3 */
		for (uint8_t cr = 0; cr < ISA_NUM_CRS; cr++)
			for (size_t i = 0; i < 2; i++)
				ADD(.rd = dest_regs[i], .rs = cr);
		break;
	case FMT_CRW:
		for (uint8_t cr = 0; cr < ISA_NUM_CRS; cr++)
			for (size_t i = 0; i < ARRAY_SIZE(crw_regs); i++)
				ADD(.rd = cr, .rs = crw_regs[i]);
		break;
	case FMT_IN:        /* every device port and one nobody owns, SPEC §10 */
		for (size_t i = 0; i < ARRAY_SIZE(ports); i++)
			ADD(.rd = 1, .imm = ports[i]);
		break;
	case FMT_OUT:
		for (size_t i = 0; i < ARRAY_SIZE(ports); i++)
			for (size_t k = 0; k < ARRAY_SIZE(out_regs); k++)
				ADD(.rs = out_regs[k], .imm = ports[i]);
		break;
	case FMT_COUNT:
		break;
	}
#undef ADD
	return n;
}

