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
	CU_ASSERT_TRUE(before.inconclusive);    /* the same, but the budget ended both */
	CU_ASSERT_FALSE(before.equivalent);
	cfg.budget = n;
	CU_ASSERT_EQUAL(equiv_check(&cfg, MODE_TRAP, &at, err, sizeof err), 0);
	CU_ASSERT_FALSE(at.equivalent);
	equiv_run_free(&before.run);
	equiv_run_free(&at.run);
	asm_result_free(&g.r);
}

/* SPEC §5.1: rbase need not be a multiple of 4.  An aligned virtual
 * address then names unaligned physical bytes, and a fetch runs the bytes
 * that are there.  The reference machine once ran the decoded word of the
 * aligned address below instead (its cache is per aligned word), and a
 * user store across two words left the second one's decoding stale. */
static const char user_fetch_at_an_unaligned_base[] =
	"        la   r1, handler\n"
	"        mtcr tvec, r1\n"
	"        li   r1, 0x8000\n"          /* first with an aligned base ... */
	"        mtcr rbase, r1\n"
	"        li   r1, 0x100\n"
	"        mtcr rbound, r1\n"
	"        li   r10, 0\n"
	"        li   r1, 0\n"
	"        mtcr epc, zero\n"
	"        mtcr epsw, zero\n"
	"        rti\n"                      /* user: addi r1, r1, 1, then ILLEGAL */
	"handler:\n"
	"        addi r10, r10, 1\n"
	"        cmpi r10, 1\n"
	"        bne  second\n"
	"        li   r3, 0x8002\n"          /* ... then two bytes further on */
	"        mtcr rbase, r3\n"
	"        mtcr epc, zero\n"
	"        mtcr epsw, zero\n"
	"        rti\n"                      /* user: addi r2, zero, 0x1011, then sys */
	"second:\n"
	"        out  0x20, r2\n"            /* 0x11 */
	"        .org 0x8000\n"
	"        .word 0x10110001\n"         /* at 0x8000: addi r1, r1, 1 */
	"        .word 0x00001020\n"         /* at 0x8002: 0x10201011, addi r2, zero, 0x1011 */
	"        .word 0x00004000\n";        /* at 0x8006: 0x40000000, sys */
static const char user_store_across_two_words_at_an_unaligned_base[] =
	"        la   r1, handler\n"
	"        mtcr tvec, r1\n"
	"        li   r7, 0\n"
	"        call kernel_sub\n"          /* runs (and so decodes) 0x800c: r7 = 1 */
	"        la   r1, user_code\n"       /* copy the user program to 0x7002 */
	"        li   r2, 0x7002\n"
	"        la   r3, user_end\n"
	"copy:   ldb  r4, 0(r1)\n"
	"        stb  r4, 0(r2)\n"
	"        addi r1, r1, 1\n"
	"        addi r2, r2, 1\n"
	"        cmp  r1, r3\n"
	"        bne  copy\n"
	"        li   r1, 0x7002\n"
	"        mtcr rbase, r1\n"
	"        li   r1, 0x1100\n"
	"        mtcr rbound, r1\n"
	"        mtcr epc, zero\n"
	"        mtcr epsw, zero\n"
	"        rti\n"
	"handler:\n"
	"        call kernel_sub\n"          /* the user's store made it addi r7, r7, 5 */
	"        out  0x20, r7\n"            /* 6 */
	"user_code:\n"
	"        li   r1, 0x00050000\n"
	"        li   r2, 0x1008\n"          /* physical 0x800a: bytes 0x800a-0x800d */
	"        stw  r1, 0(r2)\n"
	"        sys\n"
	"user_end:\n"
	"        .org 0x800c\n"
	"kernel_sub:\n"
	"        addi r7, r7, 1\n"
	"        ret\n";

static void
test_an_unaligned_rbase_runs_the_bytes_there_in_every_mode(void)
{
	static const struct { const char *what, *src; int exit_status; } cases[] = {
		{ "user fetch", user_fetch_at_an_unaligned_base, 0x11 },
		{ "user store across two words", user_store_across_two_words_at_an_unaligned_base, 6 },
	};
	static const enum vm_mode modes[] = { MODE_TRAP, MODE_HYBRID, MODE_BT };
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		for (enum isa_variant v = 0; v < ISA_VARIANT_COUNT; v++) {
			struct asm_result a;
			CU_ASSERT_EQUAL_FATAL(asm_assemble_string("<unaligned rbase>", cases[i].src, &a), 0);
			struct equiv_config cfg = { .image = a.image, .image_size = a.size,
						    .variant = v, .guest_memory = MACHINE_DEFAULT_MEMORY,
						    .placement = PLACE_RELOCATED, .budget = DEMO_BUDGET };
			char err[256];
			struct equiv_run bare;
			CU_ASSERT_EQUAL_FATAL(equiv_run_bare(&cfg, &bare, err, sizeof err), 0);
			if (bare.stop.exit_status != cases[i].exit_status)
				fprintf(stderr, "\n  %s on %s: bare powered off with 0x%x, SPEC says 0x%x\n",
					cases[i].what, isa_variant_name(v), bare.stop.exit_status,
					cases[i].exit_status);
			CU_ASSERT_EQUAL(bare.stop.reason, STOP_POWER_OFF);
			CU_ASSERT_EQUAL(bare.stop.exit_status, cases[i].exit_status);
			equiv_run_free(&bare);
			for (size_t m = 0; m < sizeof modes / sizeof modes[0]; m++) {
				struct equiv_result r;
				CU_ASSERT_EQUAL(equiv_check(&cfg, modes[m], &r, err, sizeof err), 0);
				if (!r.equivalent)
					equiv_print_result(stderr, &r);
				CU_ASSERT_TRUE(r.equivalent);
				equiv_run_free(&r.run);
			}
			asm_result_free(&a);
		}
}

/* SPEC §12: every mode stops at the same guest instruction.  A run the
 * budget ended is compared at that count, and an equal state there proves
 * nothing about the rest: "inconclusive", never "equivalent".  A mode that
 * ends by itself where bare was still running is simply different. */
static const char loops_forever[] =
	"loop:   addi r1, r1, 1\n"
	"        b    loop\n";
static const char powers_off_only_when_it_sees_user_mode[] =
	"        rdpsw r1\n"                 /* legacy: not privileged, shows the real S */
	"        andi  r1, r1, 1\n"
	"        cmpi  r1, 0\n"
	"        beq   seen_user\n"
	"loop:   b     loop\n"               /* bare: supervisor, forever */
	"seen_user:\n"
	"        out   0x20, zero\n";        /* trap: real user mode, powers off */

static void
check_text(const char *src, enum isa_variant v, enum vm_mode mode, uint64_t budget,
	   struct equiv_result *r)
{
	struct asm_result a;
	CU_ASSERT_EQUAL_FATAL(asm_assemble_string("<budget>", src, &a), 0);
	struct equiv_config cfg = { .image = a.image, .image_size = a.size, .variant = v,
				    .guest_memory = MACHINE_DEFAULT_MEMORY,
				    .placement = PLACE_RELOCATED, .budget = budget };
	char err[256];
	CU_ASSERT_EQUAL(equiv_check(&cfg, mode, r, err, sizeof err), 0);
	asm_result_free(&a);
}

static void
test_a_run_the_budget_ended_is_inconclusive_never_equivalent(void)
{
	static const enum vm_mode modes[] = { MODE_TRAP, MODE_HYBRID, MODE_BT };
	for (size_t m = 0; m < sizeof modes / sizeof modes[0]; m++) {
		struct equiv_result r;
		check_text(loops_forever, ISA_STRICT, modes[m], 100000, &r);
		CU_ASSERT_FALSE(r.equivalent);
		CU_ASSERT_TRUE(r.inconclusive);
		CU_ASSERT_EQUAL(r.run.stats.guest_instructions, 100000);   /* the same count */
		CU_ASSERT_FALSE(equiv_run_finished(&r.run));
		equiv_run_free(&r.run);
	}
	/* A guest that finished is still equivalent. */
	struct equiv_result r;
	CU_ASSERT_TRUE(check("guests/pg32/hello.s", ISA_STRICT, MODE_TRAP, PLACE_RELOCATED, &r));
	CU_ASSERT_FALSE(r.inconclusive);
	equiv_run_free(&r.run);
}

static void
test_a_mode_that_ends_where_bare_ran_on_is_not_equivalent(void)
{
	struct equiv_result r;
	check_text(powers_off_only_when_it_sees_user_mode, ISA_LEGACY, MODE_TRAP, 100000, &r);
	CU_ASSERT_FALSE(r.equivalent);
	CU_ASSERT_FALSE(r.inconclusive);
	CU_ASSERT_EQUAL(r.run.stop.reason, STOP_POWER_OFF);
	CU_ASSERT_EQUAL(divergent_op(&r), OP_rdpsw);
	equiv_run_free(&r.run);
}

/* The budget a monitor mode gets after the bare run: generous when bare
 * finished, the very same when the budget ended it. */
static void
test_modes_get_the_bare_runs_budget_when_it_did_not_finish(void)
{
	struct equiv_run finished = { .stop = { .reason = STOP_POWER_OFF } };
	finished.stats.guest_instructions = 1000;
	CU_ASSERT_EQUAL(equiv_mode_budget(&finished, 5000, false), EQUIV_AUTO_BUDGET(1000));
	CU_ASSERT(EQUIV_AUTO_BUDGET(1000) > 1000);     /* room for an equivalent run */
	CU_ASSERT_EQUAL(equiv_mode_budget(&finished, 5000, true), EQUIV_REFERENCE_BUDGET(1000));
	struct equiv_run stopped = { .stop = { .reason = STOP_BUDGET } };
	stopped.stats.guest_instructions = 5000;
	CU_ASSERT_EQUAL(equiv_mode_budget(&stopped, 5000, false), 5000);
	CU_ASSERT_EQUAL(equiv_mode_budget(&stopped, 5000, true), 5000);
	CU_ASSERT_FALSE(equiv_run_finished(&stopped));
	CU_ASSERT_TRUE(equiv_run_finished(&finished));
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
	{ "an unaligned rbase runs the bytes there, in every mode (SPEC 5.1)",
	  test_an_unaligned_rbase_runs_the_bytes_there_in_every_mode },
	{ "a run the budget ended is inconclusive, never equivalent (SPEC 12)",
	  test_a_run_the_budget_ended_is_inconclusive_never_equivalent },
	{ "a mode that ends where bare ran on is not equivalent",
	  test_a_mode_that_ends_where_bare_ran_on_is_not_equivalent },
	{ "modes get the bare run's budget when it did not finish",
	  test_modes_get_the_bare_runs_budget_when_it_did_not_finish },
	{ "the divergence found is the first one",
	  test_divergence_is_the_first_differing_instruction },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_monitor_equiv = { "monitor: equivalence", NULL, NULL, NULL, NULL, tests };
