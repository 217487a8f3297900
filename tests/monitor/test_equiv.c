/* test_equiv.c — Popek and Goldberg's theorems on real runs: the
 * equivalence checker against bare, for every variant and monitor mode
 * (REFERENCES §2: D1 Theorem 1 on strict, D2–D4 the legacy holes, D5 the
 * hybrid variant's juser, D7 the identity placement).  Labs 3, 6 and 7.
 * Every verdict here comes from comparing two real runs.
 */
#include <stdlib.h>
#include <string.h>

#include "asm.h"
#include "equiv.h"
#include "support.h"

/* Small budgets keep a broken monitor from running for long. */
#define DEMO_BUDGET UINT64_C(2000000)

struct guest {
	struct asm_result r;
	bool ok;
};

static struct guest
guest_assemble(const char *relpath)
{
	struct guest g;
	char path[1024];
	snprintf(path, sizeof path, "%s/%s", test_top(), relpath);
	g.ok = asm_assemble_file(path, &g.r) == 0;
	return g;
}

static struct equiv_config
guest_config(const struct guest *g, enum isa_variant v)
{
	return (struct equiv_config){ .image = g->r.image, .image_size = g->r.size,
				      .variant = v, .guest_memory = MACHINE_DEFAULT_MEMORY,
				      .placement = PLACE_RELOCATED, .budget = DEMO_BUDGET };
}

/* Check one guest under one mode; returns whether it was equivalent. */
static bool
check(const char *relpath, enum isa_variant v, enum vm_mode mode, enum vm_placement place,
      struct equiv_result *out)
{
	struct guest g = guest_assemble(relpath);
	CU_ASSERT_FATAL(g.ok);
	struct equiv_config cfg = guest_config(&g, v);
	cfg.placement = place;
	char err[256];
	int rc = equiv_check(&cfg, mode, out, err, sizeof err);
	CU_ASSERT_EQUAL(rc, 0);
	asm_result_free(&g.r);
	return out->equivalent;
}

static enum isa_opcode
divergent_op(const struct equiv_result *r)
{
	struct isa_insn insn;
	return isa_decode(r->divergence.word, &insn) ? insn.op : OP_COUNT;
}

/* D1: on strict, sensitive ⊆ privileged, so every guest is equivalent. */
static void
test_strict_every_guest_is_equivalent_under_trap_and_hybrid(void)
{
	static const char *const guests[] = {
		"guests/pg32/hello.s", "guests/pg32/minios/minios.s", "guests/pg32/detect.s",
	};
	for (size_t i = 0; i < sizeof guests / sizeof guests[0]; i++)
		for (enum vm_mode m = MODE_TRAP; m <= MODE_BT; m++) {
			struct equiv_result r;
			bool same = check(guests[i], ISA_STRICT, m, PLACE_RELOCATED, &r);
			if (!same)
				fprintf(stderr, "\n%s under %s: %s (%s)\n", guests[i], vm_mode_name(m),
					r.divergence.what, r.divergence.insn_text);
			CU_ASSERT_TRUE(same);
			equiv_run_free(&r.run);
		}
}

/* D2/D3: minios's rdpsw/di/wrpsw critical section breaks trap-and-emulate. */
static void
test_legacy_minios_diverges_under_trap_at_a_sensitive_unprivileged_instruction(void)
{
	struct equiv_result r;
	CU_ASSERT_FALSE(check("guests/pg32/minios/minios.s", ISA_LEGACY, MODE_TRAP,
			      PLACE_RELOCATED, &r));
	enum isa_opcode op = divergent_op(&r);
	CU_ASSERT_TRUE(op == OP_rdpsw || op == OP_wrpsw);
	CU_ASSERT_FALSE(r.divergence.cls & CLS_PRIV);
	CU_ASSERT_TRUE(r.divergence.cls & CLS_SENSITIVE);
	CU_ASSERT_TRUE(r.divergence.instruction > 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.divergence.why, "not privileged on legacy"));
	equiv_run_free(&r.run);
}

/* Theorem 3: the kernel's holes are interpreted away by the hybrid monitor. */
static void
test_legacy_minios_is_equivalent_under_hybrid(void)
{
	struct equiv_result r;
	CU_ASSERT_TRUE(check("guests/pg32/minios/minios.s", ISA_LEGACY, MODE_HYBRID,
			     PLACE_RELOCATED, &r));
	equiv_run_free(&r.run);
}

/* D4: srr from user mode is user-location-sensitive: hybrid is not enough. */
static void
test_legacy_detect_diverges_under_hybrid_at_the_user_mode_srr(void)
{
	struct equiv_result r;
	CU_ASSERT_FALSE(check("guests/pg32/detect.s", ISA_LEGACY, MODE_HYBRID,
			      PLACE_RELOCATED, &r));
	CU_ASSERT_EQUAL(divergent_op(&r), OP_srr);
	CU_ASSERT_TRUE(r.divergence.cls & CLS_LOCU);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.divergence.why, "location-sensitive"));
	equiv_run_free(&r.run);
}

/* D5: on the hybrid variant juser is unprivileged: trap mode misses the
 * switch to user mode, the hybrid monitor does not. */
static void
test_hybrid_variant_detect_diverges_under_trap_at_juser_and_not_under_hybrid(void)
{
	struct equiv_result r;
	CU_ASSERT_FALSE(check("guests/pg32/detect.s", ISA_HYBRID, MODE_TRAP, PLACE_RELOCATED, &r));
	CU_ASSERT_EQUAL(divergent_op(&r), OP_juser);
	CU_ASSERT_TRUE(r.divergence.cls & CLS_CTRL);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.divergence.what, "PSW"));
	equiv_run_free(&r.run);
	CU_ASSERT_TRUE(check("guests/pg32/detect.s", ISA_HYBRID, MODE_HYBRID, PLACE_RELOCATED, &r));
	equiv_run_free(&r.run);
}

/* detect.s's own report, line by line, for each variant and mode. */
static void
detect_lines(enum isa_variant v, enum vm_mode mode, enum vm_placement place, char *verdicts,
	     size_t n)
{
	struct equiv_result r;
	check("guests/pg32/detect.s", v, mode, place, &r);
	/* one letter a probe: b(are), v(irtualized), t(rapped) */
	size_t k = 0;
	for (const char *line = r.run.output; line && *line && k + 1 < n;) {
		const char *q = strchr(line, '?');
		const char *end = strchr(line, '\n');
		if (!end)
			break;
		if (q && q < end) {
			const char *word = q + 1;
			while (*word == ' ')
				word++;
			verdicts[k++] = *word;
		}
		line = end + 1;
	}
	verdicts[k] = '\0';
	equiv_run_free(&r.run);
}

static void
test_detect_reports_each_hole_where_the_theory_says(void)
{
	char got[16];
	detect_lines(ISA_STRICT, MODE_TRAP, PLACE_RELOCATED, got, sizeof got);
	CU_ASSERT_STRING_EQUAL(got, "bbbttb");        /* D1: nothing shows */
	detect_lines(ISA_LEGACY, MODE_BARE, PLACE_RELOCATED, got, sizeof got);
	CU_ASSERT_STRING_EQUAL(got, "bbbbbb");
	detect_lines(ISA_LEGACY, MODE_TRAP, PLACE_RELOCATED, got, sizeof got);
	CU_ASSERT_STRING_EQUAL(got, "vvvvbb");        /* D2, D3, D4 kernel+user */
	detect_lines(ISA_LEGACY, MODE_HYBRID, PLACE_RELOCATED, got, sizeof got);
	CU_ASSERT_STRING_EQUAL(got, "bbbvbb");        /* only the Red Pill */
	detect_lines(ISA_HYBRID, MODE_TRAP, PLACE_RELOCATED, got, sizeof got);
	CU_ASSERT_STRING_EQUAL(got, "bbbttv");        /* D5 */
	detect_lines(ISA_HYBRID, MODE_HYBRID, PLACE_RELOCATED, got, sizeof got);
	CU_ASSERT_STRING_EQUAL(got, "bbbttb");
}

/* D7: with the guest unrelocated (monitor high), location-sensitive reads
 * show nothing: P&G's escape — the theorem is sufficient, not necessary. */
static void
test_identity_placement_hides_the_location_sensitive_probes(void)
{
	char got[16];
	detect_lines(ISA_LEGACY, MODE_TRAP, PLACE_IDENTITY, got, sizeof got);
	CU_ASSERT_STRING_EQUAL(got, "vvbbbb");
	detect_lines(ISA_LEGACY, MODE_HYBRID, PLACE_IDENTITY, got, sizeof got);
	CU_ASSERT_STRING_EQUAL(got, "bbbbbb");
	struct equiv_result r;
	CU_ASSERT_TRUE(check("guests/pg32/detect.s", ISA_LEGACY, MODE_HYBRID, PLACE_IDENTITY, &r));
	equiv_run_free(&r.run);
}

/* The located divergence really is the first: one instruction earlier the
 * two runs agree, at the divergence they do not. */
static void
test_divergence_is_the_first_differing_instruction(void)
{
	struct guest g = guest_assemble("guests/pg32/detect.s");
	CU_ASSERT_FATAL(g.ok);
	struct equiv_config cfg = guest_config(&g, ISA_LEGACY);
	char err[256];
	struct equiv_result r;
	CU_ASSERT_EQUAL_FATAL(equiv_check(&cfg, MODE_TRAP, &r, err, sizeof err), 0);
	CU_ASSERT_FALSE_FATAL(r.equivalent);
	uint64_t n = r.divergence.instruction;
	equiv_run_free(&r.run);

	struct equiv_result before, at;
	cfg.budget = n - 1;
	CU_ASSERT_EQUAL(equiv_check(&cfg, MODE_TRAP, &before, err, sizeof err), 0);
	CU_ASSERT_TRUE(before.equivalent);
	cfg.budget = n;
	CU_ASSERT_EQUAL(equiv_check(&cfg, MODE_TRAP, &at, err, sizeof err), 0);
	CU_ASSERT_FALSE(at.equivalent);
	equiv_run_free(&before.run);
	equiv_run_free(&at.run);
	asm_result_free(&g.r);
}

static CU_TestInfo tests[] = {
	{ "strict: every guest equivalent under trap and hybrid (D1)",
	  test_strict_every_guest_is_equivalent_under_trap_and_hybrid },
	{ "legacy: minios diverges under trap at rdpsw/wrpsw (D2, D3)",
	  test_legacy_minios_diverges_under_trap_at_a_sensitive_unprivileged_instruction },
	{ "legacy: minios equivalent under hybrid (Theorem 3)",
	  test_legacy_minios_is_equivalent_under_hybrid },
	{ "legacy: detect diverges under hybrid at user srr (D4)",
	  test_legacy_detect_diverges_under_hybrid_at_the_user_mode_srr },
	{ "hybrid variant: trap misses juser, hybrid does not (D5)",
	  test_hybrid_variant_detect_diverges_under_trap_at_juser_and_not_under_hybrid },
	{ "detect reports each hole where the theory says",
	  test_detect_reports_each_hole_where_the_theory_says },
	{ "identity placement hides location-sensitive probes (D7)",
	  test_identity_placement_hides_the_location_sensitive_probes },
	{ "the divergence found is the first one",
	  test_divergence_is_the_first_differing_instruction },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_monitor_equiv = { "monitor: equivalence", NULL, NULL, NULL, NULL, tests };
