/* classify.c — Popek & Goldberg 1974 §3's definitions as executable
 * predicates: each encoding of each opcode runs, one instruction at a time,
 * on a real PG32 machine from many sampled states and state pairs, and its
 * classes are read off the results (lessons/REFERENCES.md §2 "Classifier recipe";
 * isa/SPEC.md §9.1).  opcodes.def's class columns are only compared with
 * afterwards.  Lab 2: `traplab classify --witnesses` (monitor/CLASSIFY.md).
 */
#include "classify.h"
#include "classify_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dev_console.h"
#include "dev_power.h"
#include "dev_timer.h"
#include "disasm.h"

const struct classify_flag_info classify_flags[CLASSIFY_FLAG_COUNT] = {
	{ CLS_PRIV,  "PRIV",  "P",  "privileged" },
	{ CLS_TRAP,  "TRAP",  "T",  "always traps" },
	{ CLS_CTRL,  "CTRL",  "C",  "control-sensitive" },
	{ CLS_CTRLU, "CTRLU", "Cu", "user-control-sensitive" },
	{ CLS_MODE,  "MODE",  "M",  "mode-sensitive" },
	{ CLS_LOC,   "LOC",   "L",  "location-sensitive" },
	{ CLS_LOCU,  "LOCU",  "Lu", "user-location-sensitive" },
};
/* Indexes into classify_flags and classify_op_result.witness. */
enum { FI_PRIV, FI_TRAP, FI_CTRL, FI_CTRLU, FI_MODE, FI_LOC, FI_LOCU };

#define NO_WITNESS "no witness found"


/* snprintf for witness lines: a long line is cut, never overrun. */
static int text_printf(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int
text_printf(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	return n;
}

/* ===== describing states and differences (witness lines) ====================== */

static void
describe_sample(const struct classify_sample *s, char *buf, size_t len)
{
	const struct cpu_state *c = &s->cpu;
	char r[48];
	if (c->cr[CR_mmu] & MMU_PG)
		text_printf(r, sizeof r, "paging ptbr=0x%x", c->cr[CR_ptbr]);
	else
		text_printf(r, sizeof r, "R=(0x%x,0x%x)", c->cr[CR_rbase], c->cr[CR_rbound]);
	text_printf(buf, len, "S=%u IE=%u %s pc=0x%x", (c->psw & PSW_S) ? 1u : 0u,
		 (c->psw & PSW_IE) ? 1u : 0u, r, c->pc);
}

static void
describe_insn(uint32_t word, const struct classify_sample *s, char *buf, size_t len)
{
	char text[TEXT_MAX];
	disasm_insn(word, s->cpu.pc, NULL, text, sizeof text);
	/* one line: the disassembler's column padding becomes one space */
	size_t j = 0;
	for (size_t i = 0; text[i]; i++)
		if (!((text[i] == ' ' || text[i] == '\t') && j && text[j - 1] == ' '))
			text[j++] = text[i] == '\t' ? ' ' : text[i];
	text[j] = '\0';
	text_printf(buf, len, "`%s`", text);
}

static const char *
cause_name(unsigned cause)
{
	const char *name = isa_cause_name(cause);
	return name ? name : "?";
}

/* What changed M, R, the trap-vector words or a device; NULL if nothing.
 * The trap-vector words are P&G's E[0]/E[1]: PG32's tvec, epc and epsw. */
static bool
control_change(const struct classify_sample *s, const struct outcome *o, char *buf, size_t len)
{
	static const unsigned watched[] = {
		CR_rbase, CR_rbound, CR_ptbr, CR_mmu, CR_tvec, CR_epc, CR_epsw,
	};
	uint32_t before = s->cpu.psw, after = o->after.psw;
	if ((before ^ after) & PSW_S) {
		text_printf(buf, len, "PSW.S %u->%u", (before & PSW_S) ? 1u : 0u, (after & PSW_S) ? 1u : 0u);
		return true;
	}
	if ((before ^ after) & PSW_IE) {
		text_printf(buf, len, "PSW.IE %u->%u", (before & PSW_IE) ? 1u : 0u, (after & PSW_IE) ? 1u : 0u);
		return true;
	}
	for (size_t i = 0; i < ARRAY_SIZE(watched); i++) {
		unsigned cr = watched[i];
		if (s->cpu.cr[cr] != o->after.cr[cr]) {
			text_printf(buf, len, "%s 0x%x->0x%x", isa_control_reg_name(cr),
				 s->cpu.cr[cr], o->after.cr[cr]);
			return true;
		}
	}
	if (o->device) {
		text_printf(buf, len, "%s", o->device);
		return true;
	}
	return false;
}

/* Do two runs' results differ?  Registers, PC, PSW under psw_mask, the
 * control registers not in cr_skip, the memory under R, and the trap.
 * A trap is precise (SPEC §6.2), so two equal traps are equal results. */
static bool
outcome_differ(const struct outcome *a, const struct outcome *b, uint32_t psw_mask,
	       unsigned cr_skip, char *buf, size_t len)
{
	if (a->trapped || b->trapped) {
		if (a->trapped && b->trapped && a->cause == b->cause)
			return false;
		text_printf(buf, len, "trap %s vs %s", a->trapped ? cause_name(a->cause) : "none",
			 b->trapped ? cause_name(b->cause) : "none");
		return true;
	}
	for (unsigned i = 1; i < ISA_NUM_GPRS; i++)
		if (a->after.r[i] != b->after.r[i]) {
			text_printf(buf, len, "r%u 0x%x vs 0x%x", i, a->after.r[i], b->after.r[i]);
			return true;
		}
	if (a->after.pc != b->after.pc) {
		text_printf(buf, len, "pc 0x%x vs 0x%x", a->after.pc, b->after.pc);
		return true;
	}
	if ((a->after.psw ^ b->after.psw) & psw_mask) {
		text_printf(buf, len, "psw 0x%x vs 0x%x", a->after.psw & psw_mask, b->after.psw & psw_mask);
		return true;
	}
	for (unsigned cr = 0; cr < ISA_NUM_CRS; cr++)
		if (!(cr_skip & (1u << cr)) && a->after.cr[cr] != b->after.cr[cr]) {
			text_printf(buf, len, "%s 0x%x vs 0x%x", isa_control_reg_name(cr),
				 a->after.cr[cr], b->after.cr[cr]);
			return true;
		}
	const struct mem_delta *x = &a->mem, *y = &b->mem;
	bool same = !x->overflow && !y->overflow && x->n == y->n;
	for (unsigned i = 0; same && i < x->n; i++)
		same = x->where[i] == y->where[i] && x->value[i] == y->value[i];
	if (!same) {
		text_printf(buf, len, "memory under R: %u vs %u bytes changed%s", x->n, y->n,
			 x->n && x->n == y->n ? " (different places or values)" : "");
		return true;
	}
	return false;
}

/* ===== the predicates ========================================================== */

struct op_tally {
	uint64_t priv_pairs, trap_pairs;
	bool priv_failed, trap_failed;
	unsigned priv_cause, trap_cause;
};

static void
witness_set(struct classify_op_result *r, unsigned fi, const char *fmt_insn,
	    const char *what)
{
	if (r->witness[fi][0])
		return;
	text_printf(r->witness[fi], CLASSIFY_WITNESS_MAX, "%s%s", fmt_insn, what);
}

/* Privileged and always-traps, one S/U pair at a time (P&G's for-all:
 * pairs where either side memory-traps say nothing). */
static void
judge_priv_trap(struct engine *e, uint32_t word, const struct classify_pair *p,
		struct op_tally *t, struct classify_op_result *r)
{
	const struct classify_plan *plan = e->plan;
	size_t si = (plan->samples[p->a].cpu.psw & PSW_S) ? p->a : p->b;
	size_t ui = si == p->a ? p->b : p->a;
	const struct outcome *so = &e->out[si], *uo = &e->out[ui];
	if (!so->valid || !uo->valid)
		return;
	if ((so->trapped && isa_cause_has_address(so->cause)) || (uo->trapped && isa_cause_has_address(uo->cause)))
		return;
	char insn[TEXT_MAX + 4], ustate[TEXT_MAX], sstate[TEXT_MAX];
	char *w;
	describe_insn(word, &plan->samples[ui], insn, sizeof insn);
	describe_sample(&plan->samples[ui], ustate, sizeof ustate);
	describe_sample(&plan->samples[si], sstate, sizeof sstate);
	/* privileged: user traps, supervisor does not */
	t->priv_pairs++;
	w = r->witness[FI_PRIV];
	if (!t->priv_failed && !uo->trapped)
		text_printf(w, CLASSIFY_WITNESS_MAX, "counterexample: %s runs without trapping "
			    "in user mode (%s)", insn, ustate);
	else if (!t->priv_failed && so->trapped)
		text_printf(w, CLASSIFY_WITNESS_MAX, "counterexample: %s traps %s in supervisor "
			    "mode too (%s)", insn, cause_name(so->cause), sstate);
	t->priv_failed = t->priv_failed || !uo->trapped || so->trapped;
	if (t->priv_pairs == 1 && uo->trapped)
		t->priv_cause = uo->cause;
	/* always traps: both modes, the same cause every time */
	t->trap_pairs++;
	w = r->witness[FI_TRAP];
	if (t->trap_pairs == 1 && uo->trapped)
		t->trap_cause = uo->cause;
	if (t->trap_failed)
		return;
	t->trap_failed = true;
	if (!uo->trapped)
		text_printf(w, CLASSIFY_WITNESS_MAX, "counterexample: %s runs without trapping "
			    "in user mode (%s)", insn, ustate);
	else if (!so->trapped)
		text_printf(w, CLASSIFY_WITNESS_MAX, "counterexample: %s traps %s in user mode "
			    "but runs in supervisor mode (%s)", insn, cause_name(uo->cause), sstate);
	else if (uo->cause != so->cause)
		text_printf(w, CLASSIFY_WITNESS_MAX, "counterexample: %s traps %s in user mode "
			    "but %s in supervisor mode (%s)", insn, cause_name(uo->cause),
			    cause_name(so->cause), sstate);
	else if (uo->cause != t->trap_cause)
		text_printf(w, CLASSIFY_WITNESS_MAX, "counterexample: %s traps %s here but %s "
			    "elsewhere (%s)", insn, cause_name(uo->cause),
			    cause_name(t->trap_cause), ustate);
	else
		t->trap_failed = false;
}

/* Control-sensitive: from some state, without a trap, it changes M, R,
 * the trap-vector words or a device.  From a user state: CTRLU too. */
static void
judge_control(struct engine *e, uint32_t word, struct classify_op_result *r)
{
	const struct classify_plan *plan = e->plan;
	for (size_t i = 0; i < plan->nsamples; i++) {
		const struct outcome *o = &e->out[i];
		const struct classify_sample *s = &plan->samples[i];
		bool user = !(s->cpu.psw & PSW_S);
		if (!o->valid || o->trapped)
			continue;
		if ((r->derived & CLS_CTRL) && (!user || (r->derived & CLS_CTRLU)))
			continue;
		char what[TEXT_MAX], insn[TEXT_MAX + 4], state[TEXT_MAX], line[CLASSIFY_WITNESS_MAX];
		if (!control_change(s, o, what, sizeof what))
			continue;
		describe_insn(word, s, insn, sizeof insn);
		describe_sample(s, state, sizeof state);
		text_printf(line, sizeof line, " from %s: %s", state, what);
		r->derived |= CLS_CTRL;
		witness_set(r, FI_CTRL, insn, line);
		if (user) {
			r->derived |= CLS_CTRLU;
			witness_set(r, FI_CTRLU, insn, line);
		}
	}
}

/* Is this pair a P&G pair for behaviour: both ran (or trapped the same
 * way), no memory trap, and the same memory under R? */
static bool
pair_comparable(const struct outcome *a, const struct outcome *b)
{
	if (!a->valid || !b->valid)
		return false;
	if ((a->trapped && isa_cause_has_address(a->cause)) || (b->trapped && isa_cause_has_address(b->cause)))
		return false;
	return a->view_base % CLASSIFY_PERIOD == b->view_base % CLASSIFY_PERIOD;
}

/* Mode-sensitive: flip M (S or IE), same R and memory under R; do the
 * results differ, apart from M itself?  A PRIVILEGED trap is not a result:
 * privileged instructions are judged from supervisor states (SPEC §9.1). */
static void
judge_mode(struct engine *e, uint32_t word, const struct classify_pair *p,
	   struct classify_op_result *r)
{
	const struct outcome *a = &e->out[p->a], *b = &e->out[p->b];
	if (r->derived & CLS_MODE)
		return;
	if (!pair_comparable(a, b))
		return;
	if ((a->trapped && a->cause == CAUSE_PRIVILEGED) || (b->trapped && b->cause == CAUSE_PRIVILEGED))
		return;
	char what[TEXT_MAX], insn[TEXT_MAX + 4], line[CLASSIFY_WITNESS_MAX];
	if (!outcome_differ(a, b, ~(uint32_t)PSW_MODE_BITS, 0, what, sizeof what))
		return;
	const struct cpu_state *cb = &e->plan->samples[p->b].cpu;
	uint32_t bit = p->kind == PAIR_FLIP_S ? PSW_S : PSW_IE;
	char state[TEXT_MAX];
	describe_insn(word, &e->plan->samples[p->a], insn, sizeof insn);
	describe_sample(&e->plan->samples[p->a], state, sizeof state);
	text_printf(line, sizeof line, ": %s vs %s=%u (all else equal, same memory under R): %s",
		    state, bit == PSW_S ? "S" : "IE", (cb->psw & bit) ? 1u : 0u, what);
	r->derived |= CLS_MODE;
	witness_set(r, FI_MODE, insn, line);
}

/* Location-sensitive: shift R by x in the same mode, with the same memory
 * under R; do registers, PC or memory under R differ?  Both in user mode:
 * LOCU as well. */
static void
judge_location(struct engine *e, uint32_t word, const struct classify_pair *p,
	       struct classify_op_result *r)
{
	const struct classify_sample *sa = &e->plan->samples[p->a], *sb = &e->plan->samples[p->b];
	const struct outcome *a = &e->out[p->a], *b = &e->out[p->b];
	bool user = !(sa->cpu.psw & PSW_S);
	if ((r->derived & CLS_LOC) && (!user || (r->derived & CLS_LOCU)))
		return;
	if (!pair_comparable(a, b))
		return;
	unsigned cr_skip = 0;          /* R itself differs by construction */
	for (unsigned cr = 0; cr < ISA_NUM_CRS; cr++)
		if (sa->cpu.cr[cr] != sb->cpu.cr[cr])
			cr_skip |= 1u << cr;
	char what[TEXT_MAX], insn[TEXT_MAX + 4], ra[TEXT_MAX], rb[TEXT_MAX], line[CLASSIFY_WITNESS_MAX];
	if (!outcome_differ(a, b, ~0u, cr_skip, what, sizeof what))
		return;
	describe_insn(word, sa, insn, sizeof insn);
	describe_sample(sa, ra, sizeof ra);
	describe_sample(sb, rb, sizeof rb);
	text_printf(line, sizeof line, ": %s vs %s, same memory under R: %s", ra, rb, what);
	r->derived |= CLS_LOC;
	witness_set(r, FI_LOC, insn, line);
	if (user) {
		r->derived |= CLS_LOCU;
		witness_set(r, FI_LOCU, insn, line);
	}
}

static void
engine_judge(struct engine *e, uint32_t word, struct op_tally *t, struct classify_op_result *r)
{
	judge_control(e, word, r);
	for (size_t i = 0; i < e->plan->npairs; i++) {
		const struct classify_pair *p = &e->plan->pairs[i];
		switch (p->kind) {
		case PAIR_FLIP_S:
			judge_priv_trap(e, word, p, t, r);
			judge_mode(e, word, p, r);
			break;
		case PAIR_FLIP_IE:
			judge_mode(e, word, p, r);
			break;
		case PAIR_SHIFT_R:
			judge_location(e, word, p, r);
			break;
		}
	}
}

/* The for-all verdicts, once every encoding has run. */
static void
engine_finish(struct op_tally *t, struct classify_op_result *r)
{
	if (t->priv_pairs && !t->priv_failed) {
		r->derived |= CLS_PRIV;
		text_printf(r->witness[FI_PRIV], CLASSIFY_WITNESS_MAX,
			 "traps %s in user mode and runs in supervisor mode in all %llu sampled "
			 "pairs differing only in S", cause_name(t->priv_cause),
			 (unsigned long long)t->priv_pairs);
	}
	if (t->trap_pairs && !t->trap_failed) {
		r->derived |= CLS_TRAP;
		text_printf(r->witness[FI_TRAP], CLASSIFY_WITNESS_MAX,
			 "traps %s in both modes in all %llu sampled pairs differing only in S",
			 cause_name(t->trap_cause), (unsigned long long)t->trap_pairs);
	}
	for (unsigned fi = 0; fi < CLASSIFY_FLAG_COUNT; fi++)
		if (!r->witness[fi][0])
			text_printf(r->witness[fi], CLASSIFY_WITNESS_MAX, "%s", NO_WITNESS);
}

static int
engine_classify_op(struct engine *e, enum isa_opcode op, struct classify_op_result *r,
		   char *err, size_t errlen)
{
	struct isa_insn insns[MAX_INSTANCES];
	size_t n = classify_instances(op, insns, MAX_INSTANCES);
	struct op_tally t = { 0 };
	memset(r, 0, sizeof *r);
	for (size_t i = 0; i < n; i++) {
		uint32_t word = isa_encode(&insns[i]);
		struct isa_insn back;
		if (!isa_decode(word, &back) || back.op != op) {
			text_printf(err, errlen, "internal error: sample encoding 0x%08x of %s "
				 "does not decode", word, isa_op_info(op)->name);
			return -1;
		}
		for (size_t s = 0; s < e->plan->nsamples; s++)
			engine_trial(e, word, s);
		engine_judge(e, word, &t, r);
	}
	engine_finish(&t, r);
	r->instances = (unsigned)n;
	r->declared = isa_class(op, e->variant);
	return 0;
}

int
classify_run(enum isa_variant variant, const struct classify_plan *plan,
	     struct classify_result *out, char *err, size_t errlen)
{
	struct classify_plan *own = NULL;
	struct engine *e = NULL;
	int rc = -1;
	if (!plan) {
		own = malloc(sizeof *own);
		if (!own) {
			text_printf(err, errlen, "out of memory");
			goto out;
		}
		classify_plan_build(own);
		plan = own;
	}
	e = calloc(1, sizeof *e);
	if (!e) {
		text_printf(err, errlen, "out of memory");
		goto out;
	}
	struct machine_config cfg = { .variant = variant, .memory_size = CLASSIFY_MEMORY };
	e->m = machine_create(&cfg, err, errlen);
	if (!e->m)
		goto out;
	e->plan = plan;
	e->variant = variant;
	machine_set_trap_hook(e->m, classify_trap_hook, NULL);
	engine_load_template(e);
	memset(out, 0, sizeof *out);
	out->variant = variant;
	out->samples = plan->nsamples;
	for (int op = 0; op < OP_COUNT; op++)
		if (engine_classify_op(e, (enum isa_opcode)op, &out->ops[op], err, errlen) < 0)
			goto out;
	out->trials = e->trials;
	rc = 0;
out:
	if (e)
		machine_destroy(e->m);
	free(e);
	free(own);
	return rc;
}

/* ===== comparisons and the theorems ============================================== */

void
classify_declared_table(enum isa_variant variant, unsigned table[OP_COUNT])
{
	for (int op = 0; op < OP_COUNT; op++)
		table[op] = isa_class((enum isa_opcode)op, variant);
}

size_t
classify_mismatches(const struct classify_result *r, const unsigned expected[OP_COUNT],
		    enum isa_opcode out[OP_COUNT])
{
	size_t n = 0;
	for (int op = 0; op < OP_COUNT; op++)
		if (r->ops[op].derived != expected[op])
			out[n++] = (enum isa_opcode)op;
	return n;
}

size_t
classify_theorem_breakers(const struct classify_result *r, unsigned mask,
			  enum isa_opcode out[OP_COUNT])
{
	size_t n = 0;
	for (int op = 0; op < OP_COUNT; op++) {
		unsigned d = r->ops[op].derived;
		if ((d & mask) && !(d & CLS_PRIV))
			out[n++] = (enum isa_opcode)op;
	}
	return n;
}

void
classify_flags_format(unsigned flags, const char *sep, char *buf, size_t len)
{
	size_t used = 0;
	if (len)
		buf[0] = '\0';
	for (unsigned fi = 0; fi < CLASSIFY_FLAG_COUNT; fi++) {
		if (!(flags & classify_flags[fi].flag))
			continue;
		int w = text_printf(buf + used, len > used ? len - used : 0, "%s%s",
				 used ? sep : "", classify_flags[fi].name);
		if (w > 0)
			used += (size_t)w;
	}
	if (!used)
		text_printf(buf, len, "-");
}
