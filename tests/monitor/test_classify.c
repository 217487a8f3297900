/* test_classify.c — the Popek–Goldberg classes derived by running every
 * instruction (monitor/tools/classify.c) against opcodes.def, the theorem verdicts
 * of isa/SPEC.md §9.2, and the classifier's own guarantees: its predicates
 * can fail, its edge states are always sampled, its answers are repeatable.
 * Lab 2 (lessons/REFERENCES.md §2, D14).  Run: build/tests/run-tests classify
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify.h"
#include "support.h"

enum {
	MSG_MAX = 512, ERR_MAX = 256, FLAGS_MAX = 96,
	EDGE_COMBOS = 1 << 4,       /* S x IE x (tvec = 0 or not) x (paging or not) */
};
#define NO_WITNESS "no witness found"
#define COUNTEREXAMPLE "counterexample: "

/* One classification per variant, made on first use and shared. */
static struct classify_result *results[ISA_VARIANT_COUNT];

static const struct classify_result *
classified(enum isa_variant v)
{
	if (!results[v]) {
		char err[ERR_MAX] = "";
		results[v] = malloc(sizeof *results[v]);
		CU_ASSERT_PTR_NOT_NULL_FATAL(results[v]);
		if (classify_run(v, NULL, results[v], err, sizeof err) < 0) {
			free(results[v]);
			results[v] = NULL;
			CU_FAIL_FATAL(err);
		}
	}
	return results[v];
}

static int
classify_suite_cleanup(void)
{
	for (int v = 0; v < ISA_VARIANT_COUNT; v++) {
		free(results[v]);
		results[v] = NULL;
	}
	return 0;
}

/* The names of a set of opcodes, "rdpsw wrpsw srr", for messages. */
static void
op_names(const enum isa_opcode *ops, size_t n, char *buf, size_t len)
{
	size_t used = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < n && used < len; i++) {
		int w = snprintf(buf + used, len - used, "%s%s", i ? " " : "", isa_op_info(ops[i])->name);
		if (w > 0)
			used += (size_t)w;
	}
}

/* Is {ops[0..n)} exactly the set named in want (NULL-terminated)? */
static void
assert_exactly(const char *what, const enum isa_opcode *ops, size_t n, const char *const *want)
{
	size_t nwant = 0;
	bool ok = true;
	for (; want[nwant]; nwant++) {
		bool found = false;
		for (size_t i = 0; i < n; i++)
			found = found || strcmp(isa_op_info(ops[i])->name, want[nwant]) == 0;
		ok = ok && found;
	}
	ok = ok && n == nwant;
	char names[MSG_MAX], msg[MSG_MAX + 64];
	op_names(ops, n, names, sizeof names);
	snprintf(msg, sizeof msg, "%s: got {%s}", what, names);
	CU_assertImplementation(ok, __LINE__, msg, __FILE__, "", CU_FALSE);
}

/* ===== D14: derived == declared, opcode by opcode ============================ */

static void
assert_derived_equals_declared(enum isa_variant v)
{
	const struct classify_result *r = classified(v);
	for (int op = 0; op < OP_COUNT; op++) {
		const struct classify_op_result *o = &r->ops[op];
		char d[FLAGS_MAX], c[FLAGS_MAX], msg[MSG_MAX];
		classify_flags_format(o->derived, "|", d, sizeof d);
		classify_flags_format(isa_class((enum isa_opcode)op, v), "|", c, sizeof c);
		snprintf(msg, sizeof msg, "%s on %s: derived %s, opcodes.def says %s",
			 isa_op_info((enum isa_opcode)op)->name, isa_variant_name(v), d, c);
		CU_assertImplementation(o->derived == isa_class((enum isa_opcode)op, v), __LINE__,
					msg, __FILE__, "", CU_FALSE);
	}
}

static void
test_strict_derived_table_equals_opcodes_def(void)
{
	assert_derived_equals_declared(ISA_STRICT);
}

static void
test_legacy_derived_table_equals_opcodes_def(void)
{
	assert_derived_equals_declared(ISA_LEGACY);
}

static void
test_hybrid_derived_table_equals_opcodes_def(void)
{
	assert_derived_equals_declared(ISA_HYBRID);
}

/* ===== the verdicts of SPEC §9.2 =============================================== */

static void
test_strict_satisfies_theorems_1_and_3(void)
{
	enum isa_opcode ops[OP_COUNT];
	static const char *const none[] = { NULL };
	size_t n = classify_theorem_breakers(classified(ISA_STRICT), CLASSIFY_THEOREM1_MASK, ops);
	assert_exactly("strict, Theorem 1", ops, n, none);
	n = classify_theorem_breakers(classified(ISA_STRICT), CLASSIFY_THEOREM3_MASK, ops);
	assert_exactly("strict, Theorem 3", ops, n, none);
}

static void
test_legacy_theorem1_fails_by_rdpsw_wrpsw_srr_and_theorem3_by_srr(void)
{
	enum isa_opcode ops[OP_COUNT];
	static const char *const t1[] = { "rdpsw", "wrpsw", "srr", NULL };
	static const char *const t3[] = { "srr", NULL };
	size_t n = classify_theorem_breakers(classified(ISA_LEGACY), CLASSIFY_THEOREM1_MASK, ops);
	assert_exactly("legacy, Theorem 1", ops, n, t1);
	n = classify_theorem_breakers(classified(ISA_LEGACY), CLASSIFY_THEOREM3_MASK, ops);
	assert_exactly("legacy, Theorem 3", ops, n, t3);
}

static void
test_hybrid_theorem1_fails_by_juser_only_and_theorem3_holds(void)
{
	enum isa_opcode ops[OP_COUNT];
	static const char *const t1[] = { "juser", NULL };
	static const char *const none[] = { NULL };
	size_t n = classify_theorem_breakers(classified(ISA_HYBRID), CLASSIFY_THEOREM1_MASK, ops);
	assert_exactly("hybrid, Theorem 1", ops, n, t1);
	n = classify_theorem_breakers(classified(ISA_HYBRID), CLASSIFY_THEOREM3_MASK, ops);
	assert_exactly("hybrid, Theorem 3", ops, n, none);
}

/* ===== the checks can fail ======================================================== */

/* A wrong expectation — a local copy of opcodes.def's column with one flag
 * flipped — is reported, and only that one. */
static void
test_a_flipped_expectation_is_reported_as_a_mismatch(void)
{
	unsigned expected[OP_COUNT];
	enum isa_opcode ops[OP_COUNT];
	static const char *const srr[] = { "srr", NULL };
	static const char *const add[] = { "add", NULL };
	static const char *const none[] = { NULL };
	const struct classify_result *r = classified(ISA_LEGACY);
	classify_declared_table(ISA_LEGACY, expected);
	assert_exactly("legacy vs its own column", ops, classify_mismatches(r, expected, ops), none);
	expected[OP_srr] ^= CLS_LOCU;       /* "srr is not user-location-sensitive" */
	assert_exactly("srr without LOCU", ops, classify_mismatches(r, expected, ops), srr);
	classify_declared_table(ISA_LEGACY, expected);
	expected[OP_add] |= CLS_PRIV;       /* "add is privileged" */
	assert_exactly("add with PRIV", ops, classify_mismatches(r, expected, ops), add);
}

/* The predicates see the machine, not the table: the strict machine's
 * derived classes differ from the other variants' columns exactly where
 * the variants differ (SPEC §9.2). */
static void
test_strict_machine_does_not_match_the_other_variants_columns(void)
{
	unsigned expected[OP_COUNT];
	enum isa_opcode ops[OP_COUNT];
	static const char *const legacy_holes[] = { "rdpsw", "wrpsw", "srr", NULL };
	static const char *const hybrid_holes[] = { "juser", NULL };
	const struct classify_result *r = classified(ISA_STRICT);
	classify_declared_table(ISA_LEGACY, expected);
	assert_exactly("strict machine vs legacy column", ops,
		       classify_mismatches(r, expected, ops), legacy_holes);
	classify_declared_table(ISA_HYBRID, expected);
	assert_exactly("strict machine vs hybrid column", ops,
		       classify_mismatches(r, expected, ops), hybrid_holes);
}

/* Every sensitive finding carries a witness; every miss says so plainly. */
static void
test_every_finding_has_a_witness_and_every_miss_says_none_found(void)
{
	for (int v = 0; v < ISA_VARIANT_COUNT; v++) {
		const struct classify_result *r = classified((enum isa_variant)v);
		for (int op = 0; op < OP_COUNT; op++)
			for (unsigned fi = 0; fi < CLASSIFY_FLAG_COUNT; fi++) {
				const char *w = r->ops[op].witness[fi];
				bool derived = r->ops[op].derived & classify_flags[fi].flag;
				bool none = strcmp(w, NO_WITNESS) == 0;
				bool counter = strncmp(w, COUNTEREXAMPLE, strlen(COUNTEREXAMPLE)) == 0;
				char msg[MSG_MAX];
				snprintf(msg, sizeof msg, "%s %s on %s: \"%s\"", isa_op_info((enum isa_opcode)op)->name,
					 classify_flags[fi].name, isa_variant_name((enum isa_variant)v), w);
				bool ok = derived ? (w[0] && !none && !counter)
					: (classify_flags[fi].flag & (CLS_PRIV | CLS_TRAP) ? counter : none);
				CU_assertImplementation(ok, __LINE__, msg, __FILE__, "", CU_FALSE);
			}
	}
}

/* ===== the samples ================================================================ */

static bool
sample_is(const struct classify_sample *s, bool sup, bool ie, bool tvec_set, bool paging)
{
	return !(s->cpu.psw & PSW_S) == !sup && !(s->cpu.psw & PSW_IE) == !ie &&
	       !s->cpu.cr[CR_tvec] == !tvec_set && !(s->cpu.cr[CR_mmu] & MMU_PG) == !paging;
}

/* lessons/REFERENCES.md §0.1: the states that change M, R, IE or the trap-vector
 * words are always tried — every (S, IE, tvec, paging) combination, each
 * with its S-flip, IE-flip and R-shift, and registers able to switch M. */
static void
test_edge_states_are_always_in_the_sample_set(void)
{
	struct classify_plan *plan = malloc(sizeof *plan);
	CU_ASSERT_PTR_NOT_NULL_FATAL(plan);
	classify_plan_build(plan);
	for (unsigned combo = 0; combo < EDGE_COMBOS; combo++) {
		bool sup = combo & 1, ie = combo & 2, tvec = combo & 4, paging = combo & 8;
		bool found = false;
		for (size_t i = 0; i < plan->nsamples && !found; i++) {
			const struct classify_sample *s = &plan->samples[i];
			if (!s->edge || !sample_is(s, sup, ie, tvec, paging))
				continue;
			bool flip_s = false, flip_ie = false, shift = false;
			for (size_t k = 0; k < plan->npairs; k++) {
				const struct classify_pair *p = &plan->pairs[k];
				if (p->a != i && p->b != i)
					continue;
				flip_s = flip_s || p->kind == PAIR_FLIP_S;
				flip_ie = flip_ie || p->kind == PAIR_FLIP_IE;
				shift = shift || p->kind == PAIR_SHIFT_R;
			}
			bool regs = s->cpu.r[1] == PSW_S && s->cpu.r[2] == PSW_IE &&
				    s->cpu.r[3] == (PSW_S | PSW_IE) && s->cpu.r[0] == 0;
			found = flip_s && flip_ie && shift && regs &&
				s->cpu.cr[CR_epsw] != (s->cpu.psw & (PSW_S | PSW_IE));
		}
		char msg[MSG_MAX];
		snprintf(msg, sizeof msg, "no edge state with S=%d IE=%d tvec%s paging=%d and all "
			 "its partners", sup, ie, tvec ? "!=0" : "=0", paging);
		CU_assertImplementation(found, __LINE__, msg, __FILE__, "", CU_FALSE);
	}
	free(plan);
}

/* Each pair differs in exactly the one thing its predicate varies. */
static void
test_sample_pairs_differ_in_exactly_one_thing(void)
{
	struct classify_plan *plan = malloc(sizeof *plan);
	CU_ASSERT_PTR_NOT_NULL_FATAL(plan);
	classify_plan_build(plan);
	CU_ASSERT(plan->npairs > 0);
	for (size_t k = 0; k < plan->npairs; k++) {
		const struct classify_pair *p = &plan->pairs[k];
		struct classify_sample a = plan->samples[p->a], b = plan->samples[p->b];
		bool ok;
		switch (p->kind) {
		case PAIR_FLIP_S:
		case PAIR_FLIP_IE: {
			uint32_t bit = p->kind == PAIR_FLIP_S ? PSW_S : PSW_IE;
			ok = (a.cpu.psw ^ b.cpu.psw) == bit;
			b.cpu.psw = a.cpu.psw;
			break;
		}
		case PAIR_SHIFT_R: {
			unsigned r = (a.cpu.cr[CR_mmu] & MMU_PG) ? CR_ptbr : CR_rbase;
			uint32_t x = b.cpu.cr[r] - a.cpu.cr[r];
			ok = x != 0 && x % CLASSIFY_PERIOD == 0;
			b.cpu.cr[r] = a.cpu.cr[r];
			break;
		}
		default:
			ok = false;
		}
		ok = ok && memcmp(&a.cpu, &b.cpu, sizeof a.cpu) == 0 &&
		     a.timer_interval == b.timer_interval && a.timer_pending == b.timer_pending &&
		     a.console_input == b.console_input && a.edge == b.edge;
		char msg[MSG_MAX];
		snprintf(msg, sizeof msg, "pair %zu (kind %d) differs in more than one thing", k, (int)p->kind);
		CU_assertImplementation(ok, __LINE__, msg, __FILE__, "", CU_FALSE);
	}
	free(plan);
}

/* ===== determinism ================================================================= */

static void
test_two_runs_give_identical_results(void)
{
	char err[ERR_MAX] = "";
	struct classify_result *again = malloc(sizeof *again);
	CU_ASSERT_PTR_NOT_NULL_FATAL(again);
	for (int v = 0; v < ISA_VARIANT_COUNT; v++) {
		const struct classify_result *first = classified((enum isa_variant)v);
		CU_ASSERT_EQUAL_FATAL(classify_run((enum isa_variant)v, NULL, again, err, sizeof err), 0);
		CU_ASSERT_EQUAL(again->trials, first->trials);
		CU_ASSERT_EQUAL(again->samples, first->samples);
		for (int op = 0; op < OP_COUNT; op++) {
			CU_ASSERT_EQUAL(again->ops[op].derived, first->ops[op].derived);
			for (unsigned fi = 0; fi < CLASSIFY_FLAG_COUNT; fi++)
				CU_ASSERT_STRING_EQUAL(again->ops[op].witness[fi], first->ops[op].witness[fi]);
		}
	}
	free(again);
}

static CU_TestInfo tests[] = {
	{ "strict: derived table equals opcodes.def", test_strict_derived_table_equals_opcodes_def },
	{ "legacy: derived table equals opcodes.def", test_legacy_derived_table_equals_opcodes_def },
	{ "hybrid: derived table equals opcodes.def", test_hybrid_derived_table_equals_opcodes_def },
	{ "strict satisfies Theorems 1 and 3", test_strict_satisfies_theorems_1_and_3 },
	{ "legacy: T1 broken by rdpsw, wrpsw, srr; T3 by srr",
	  test_legacy_theorem1_fails_by_rdpsw_wrpsw_srr_and_theorem3_by_srr },
	{ "hybrid: T1 broken by juser only; T3 holds",
	  test_hybrid_theorem1_fails_by_juser_only_and_theorem3_holds },
	{ "a flipped expectation is reported", test_a_flipped_expectation_is_reported_as_a_mismatch },
	{ "strict machine differs from other columns",
	  test_strict_machine_does_not_match_the_other_variants_columns },
	{ "every finding has a witness", test_every_finding_has_a_witness_and_every_miss_says_none_found },
	{ "edge states are always sampled", test_edge_states_are_always_in_the_sample_set },
	{ "sample pairs differ in one thing", test_sample_pairs_differ_in_exactly_one_thing },
	{ "two runs give identical results", test_two_runs_give_identical_results },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_monitor_classify = {
	"monitor: classify", NULL, classify_suite_cleanup, NULL, NULL, tests
};
