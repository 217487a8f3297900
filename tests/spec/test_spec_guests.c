/* test_spec_guests.c — an outsider's suite: PG32 guests written from the
 * manuals alone (isa/SPEC.md, isa/ASSEMBLER.md, monitor/PV.md and the
 * commands' --help), never from the implementation.  Each guest under
 * tests/spec/guests/ checks one topic, prints "ok N ..." or "FAIL N ..."
 * per check and powers off with status 0 when every check passed.
 *
 * For every guest and every variant it applies to, this suite drives the
 * real traplab binary:
 *   1. `traplab run --isa=V GUEST` (bare; `--mode=pv` for the paravirtual
 *      guest): the expected exit status, no "FAIL", exactly the expected
 *      number of "ok" lines, and any text the table names;
 *   2. `traplab run --isa=V --mode=M GUEST` for each monitor mode M the table
 *      expects to be equivalent: the same — so a mode that loops or stops
 *      early is caught even if equiv were to miss it;
 *   3. `traplab equiv --isa=V --format=json GUEST` (and with
 *      --place=identity where the table says so): every mode reported
 *      equivalent, except those the table names as expected NOT
 *      equivalent, and the exit status that follows (0, or 84 when some
 *      mode is not).
 * The table below is the whole specification of the suite.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_support.h"
#include "support.h"

/* Variants a guest applies to. */
enum { V_STRICT = 1, V_LEGACY = 2, V_HYBRID = 4, V_ALL = 7 };
/* Monitor modes (bits index mode_names). */
enum { M_TRAP = 1, M_HYB = 2, M_BT = 4, M_PV = 8, M_NONE = 0 };
/* Flags. */
enum {
	F_PV = 1,       /* a paravirtual guest: run under --mode=pv, equiv --modes=pv */
	F_IDENTITY = 2, /* check equivalence with --place=identity too */
};

static const char *const variant_names[] = { "strict", "legacy", "hybrid" };
static const char *const mode_names[] = { "trap", "hybrid", "bt", "pv" };

/* traplab's own exit statuses, as isa/SPEC.md (§6.4, §10.2) and
 * `traplab run --help` / `traplab equiv --help` give them. */
enum {
	EXIT_NO_HANDLER = 81,   /* no trap vector, or a trap storm (SPEC §6.4) */
	EXIT_HALTED = 83,       /* halted with nothing that could wake it (§10.2) */
	EXIT_NOT_EQUIV = 84,    /* equiv: at least one mode is not equivalent */
};

/* Small guests: no run needs more than ~1.1 million instructions (the
 * longest equiv, juser_kernel.s on hybrid under trap, loops on purpose). */
#define SPEC_BUDGET "--max-instructions=3000000"

struct spec_guest {
	const char *file;       /* under tests/spec/guests/ */
	unsigned variants;      /* V_* */
	int oks;                /* "ok" lines a full run prints */
	int status;             /* its exit status */
	const char *expect;     /* text the output must contain, or NULL */
	const char *forbid;     /* text it must not contain, or NULL */
	unsigned diverge[3];    /* per variant (strict, legacy, hybrid): modes
				   expected NOT equivalent to bare */
	unsigned flags;         /* F_* */
};

/* X(id, file, test name, variants, oks, status, expect, forbid,
 *   NOT equivalent on strict, on legacy, on hybrid, flags) */
#define SPEC_GUESTS(X) \
	X(arith, "arith.s", \
	  "arith: add/sub/logic/mul wrap, immediates extend as specified, r0 discards", \
	  V_ALL, 18, 0, NULL, NULL, M_NONE, M_NONE, M_NONE, 0) \
	X(shifts, "shifts.s", \
	  "shifts use the low 5 bits of the amount (32, 33, 0xffffffff), fill as specified", \
	  V_ALL, 17, 0, NULL, NULL, M_NONE, M_NONE, M_NONE, 0) \
	X(divide, "divide.s", \
	  "div/rem round toward zero, INT_MIN/-1, a zero divisor traps DIVIDE precisely", \
	  V_ALL, 23, 0, NULL, NULL, M_NONE, M_NONE, M_NONE, 0) \
	X(flags, "flags.s", \
	  "cmp/cmpi set Z N C V exactly; nothing else changes them; rti restores them", \
	  V_ALL, 13, 0, NULL, NULL, M_NONE, M_NONE, M_NONE, 0) \
	X(branches, "branches.s", \
	  "every branch condition, call/callr/jr/adr, a misaligned jump faults at the target", \
	  V_ALL, 17, 0, NULL, NULL, M_NONE, M_NONE, M_NONE, 0) \
	X(loadstore, "loadstore.s", \
	  "loads and stores of every size are little-endian and extend as specified", \
	  V_ALL, 20, 0, NULL, NULL, M_NONE, M_NONE, M_NONE, 0) \
	X(misaligned, "misaligned.s", \
	  "misaligned loads and stores fault MISALIGNED with badaddr, before the bound", \
	  V_ALL, 16, 0, NULL, NULL, M_NONE, M_NONE, M_NONE, 0) \
	X(physbound, "physbound.s", \
	  "supervisor accesses at q fault MEMORY; no wrap-around at 2^32", \
	  V_ALL, 15, 0, NULL, NULL, M_NONE, M_NONE, M_NONE, 0) \
	X(traps, "traps.s", \
	  "every synchronous trap cause: epc, epsw, cause, badaddr; a trap in a handler", \
	  V_ALL, 23, 0, NULL, NULL, M_NONE, M_NONE, M_NONE, 0) \
	X(illegal, "illegal.s", \
	  "undecodable words (unused opcodes, non-zero unused fields, cr10-15) trap ILLEGAL", \
	  V_ALL, 32, 0, NULL, NULL, M_NONE, M_NONE, M_NONE, 0) \
	X(rti, "rti.s", \
	  "rti restores PC and PSW, drops unwritable bits, enters user mode, faults at a bad epc", \
	  V_ALL, 9, 0, NULL, NULL, M_NONE, M_NONE, M_NONE, 0) \
	X(ctrlregs, "ctrlregs.s", \
	  "control registers hold what is written; ptbr and mmu drop their reserved bits", \
	  V_ALL, 13, 0, NULL, NULL, M_NONE, M_NONE, M_NONE, 0) \
	X(reloc_bounds, "reloc_bounds.s", \
	  "user relocation-bounds: the bound exactly at the end, wrap-around, physical bound", \
	  V_ALL, 25, 0, NULL, NULL, M_NONE, M_NONE, M_NONE, 0) \
	X(reloc_fetch_end, "reloc_fetch_end.s", \
	  "user code running to the last word within rbound or memory retires, then faults", \
	  V_ALL, 13, 0, NULL, NULL, M_NONE, M_NONE, M_NONE, F_IDENTITY) \
	X(reloc_unaligned, "reloc_unaligned.s", \
	  "relocation with an unaligned rbase fetches, loads and stores the bytes there, every mode", \
	  V_ALL, 15, 0, NULL, NULL, M_NONE, M_NONE, M_NONE, F_IDENTITY) \
	X(reloc_unaligned_alias, "reloc_unaligned_alias.s", \
	  "the bytes at 0x8000 run at rbase 0x8002 as their unaligned view, not a cached aligned decode", \
	  V_ALL, 13, 0, NULL, NULL, M_NONE, M_NONE, M_NONE, F_IDENTITY) \
	X(sup_fetch_end, "sup_fetch_end.s", \
	  "supervisor code running to the last word of memory retires, then faults at q, every mode", \
	  V_ALL, 11, 0, NULL, NULL, M_NONE, M_NONE, M_NONE, F_IDENTITY) \
	X(paging, "paging.s", \
	  "paging from supervisor: V W X U bits, L1 bits ignored, invalid L1, tables and frames beyond memory", \
	  V_ALL, 27, 0, NULL, NULL, M_NONE, M_NONE, M_NONE, 0) \
	X(paging_user, "paging_user.s", \
	  "paging from user mode: the U bit, W for stores, X for fetches", \
	  V_ALL, 16, 0, NULL, NULL, M_NONE, M_NONE, M_NONE, 0) \
	X(tlbflush, "tlbflush.s", \
	  "page-table changes take effect after tlbflush, a ptbr write or an mmu write", \
	  V_ALL, 14, 0, NULL, NULL, M_NONE, M_NONE, M_NONE, 0) \
	X(no_tlbflush, "no_tlbflush.s", \
	  "data page-table changes with no tlbflush take effect at once (the reference caches nothing), every mode", \
	  V_ALL, 7, 0, NULL, NULL, M_NONE, M_NONE, M_NONE, F_IDENTITY) \
	X(no_tlbflush_code, "no_tlbflush_code.s", \
	  "the running code's page remapped or made non-executable with no tlbflush: the next fetch sees it, every mode (bt too)", \
	  V_ALL, 5, 0, NULL, NULL, M_NONE, M_NONE, M_NONE, F_IDENTITY) \
	X(tlb_generations, "tlb_generations.s", \
	  "6,000 page-table changes, each used at once, with and without tlbflush, every mode", \
	  V_ALL, 1, 0, NULL, NULL, M_NONE, M_NONE, M_NONE, F_IDENTITY) \
	X(paging_fetch_end, "paging_fetch_end.s", \
	  "code running to the end of an executable page retires, then faults on the next page, every mode", \
	  V_ALL, 17, 0, NULL, NULL, M_NONE, M_NONE, M_NONE, F_IDENTITY) \
	X(smc, "smc.s", \
	  "self-modifying supervisor code runs the stored words, both placements", \
	  V_ALL, 14, 0, NULL, NULL, M_NONE, M_NONE, M_NONE, F_IDENTITY) \
	X(smc_user, "smc_user.s", \
	  "self-modifying user code under relocation runs the stored words, both placements", \
	  V_ALL, 9, 0, NULL, NULL, M_NONE, M_NONE, M_NONE, F_IDENTITY) \
	X(smc_alias, "smc_alias.s", \
	  "code patched through a writable alias page runs the new words, both placements", \
	  V_ALL, 7, 0, NULL, NULL, M_NONE, M_NONE, M_NONE, F_IDENTITY) \
	X(timer, "timer.s", \
	  "the timer counts retired instructions exactly: delivery point, reload, ack, ei, di", \
	  V_ALL, 25, 0, NULL, NULL, M_NONE, M_NONE, M_NONE, 0) \
	X(timer_user, "timer_user.s", \
	  "timer interrupts in relocated user code land at the same instruction, every mode", \
	  V_ALL, 10, 0, NULL, NULL, M_NONE, M_NONE, M_NONE, 0) \
	X(halt, "halt.s", \
	  "halt skips to the timer expiry, or returns at once with an interrupt pending", \
	  V_ALL, 9, 0, NULL, NULL, M_NONE, M_NONE, M_NONE, 0) \
	X(ports, "ports.s", \
	  "ports: unowned ports read 0xffffffff, device registers read as specified", \
	  V_ALL, 15, 0, "console: B!\n", NULL, M_NONE, M_NONE, M_NONE, 0) \
	X(priv_user, "priv_user.s", \
	  "system instructions privileged on every variant trap in user mode with no effect", \
	  V_ALL, 18, 0, NULL, NULL, M_NONE, M_NONE, M_NONE, 0) \
	X(user_holes_strict, "user_holes_strict.s", \
	  "strict: user rdpsw, wrpsw, srr and juser trap PRIVILEGED", \
	  V_STRICT, 7, 0, NULL, NULL, M_NONE, M_NONE, M_NONE, 0) \
	X(user_holes_legacy, "user_holes_legacy.s", \
	  "legacy: user rdpsw reads the PSW, user wrpsw writes only the flags, every mode", \
	  V_LEGACY, 9, 0, NULL, NULL, M_NONE, M_NONE, M_NONE, 0) \
	X(user_holes_hybrid, "user_holes_hybrid.s", \
	  "hybrid: user juser is an ordinary jump; rdpsw, wrpsw, srr trap", \
	  V_HYBRID, 11, 0, NULL, NULL, M_NONE, M_NONE, M_NONE, 0) \
	X(legacy_srr_user, "legacy_srr_user.s", \
	  "legacy: user srr reveals rbase (bare), so no monitor mode is equivalent", \
	  V_LEGACY, 3, 0, NULL, NULL, M_NONE, M_TRAP | M_HYB | M_BT, M_NONE, 0) \
	X(holes_kernel, "holes_kernel.s", \
	  "kernel rdpsw, wrpsw, srr behave alike on every variant; legacy is not equivalent under trap only", \
	  V_ALL, 11, 0, NULL, NULL, M_NONE, M_TRAP, M_NONE, 0) \
	X(juser_kernel, "juser_kernel.s", \
	  "kernel juser enters user mode keeping IE and flags; hybrid is not equivalent under trap only", \
	  V_ALL, 7, 0, NULL, NULL, M_NONE, M_NONE, M_TRAP, 0) \
	X(hcall, "hcall.s", \
	  "without pv, hcall traps HYPERCALL to the guest's vector whatever r1 holds", \
	  V_ALL, 16, 0, NULL, "BAD!", M_NONE, M_NONE, M_NONE, 0) \
	X(hcall_pv, "hcall_pv.s", \
	  "pv: unknown hypercall numbers (0x108, 0x80000008, -1, ...) answer -1; an hcall retires once", \
	  V_ALL, 29, 0, "[pv] console write\n", "BAD!", M_PV, M_PV, M_PV, F_PV) \
	X(nohandler, "nohandler.s", \
	  "a trap with tvec = 0 stops the machine (no handler), every mode", \
	  V_ALL, 2, EXIT_NO_HANDLER, "DIVIDE", NULL, M_NONE, M_NONE, M_NONE, 0) \
	X(trapstorm, "trapstorm.s", \
	  "a faulting trap vector ends in a trap storm, every mode", \
	  V_ALL, 1, EXIT_NO_HANDLER, "trap storm", NULL, M_NONE, M_NONE, M_NONE, 0) \
	X(halt_forever, "halt_forever.s", \
	  "halt with the timer stopped halts forever, every mode", \
	  V_ALL, 2, EXIT_HALTED, "halted forever", NULL, M_NONE, M_NONE, M_NONE, 0)

#define SPEC_ENUM(id, ...) G_##id,
enum { SPEC_GUESTS(SPEC_ENUM) G_COUNT };
#undef SPEC_ENUM

#define SPEC_ROW(id, file, name, variants, oks, status, expect, forbid, ds, dl, dh, flags) \
	[G_##id] = { file, variants, oks, status, expect, forbid, { ds, dl, dh }, flags },
static const struct spec_guest spec_guests[G_COUNT] = { SPEC_GUESTS(SPEC_ROW) };
#undef SPEC_ROW

/* ---- helpers ------------------------------------------------------------------ */

static int
count_ok_lines(const char *out)
{
	int n = 0;
	for (const char *p = out; p && *p;) {
		if (strncmp(p, "ok ", 3) == 0)
			n++;
		const char *nl = strchr(p, '\n');
		p = nl ? nl + 1 : NULL;
	}
	return n;
}

/* Print what a failing run said: every line that is not "ok ...". */
static void
show_run(const char *what, const char *out)
{
	fprintf(stderr, "\n  %s:\n", what);
	int shown = 0;
	for (const char *p = out; p && *p && shown < 20;) {
		const char *nl = strchr(p, '\n');
		int len = nl ? (int)(nl - p) : (int)strlen(p);
		if (strncmp(p, "ok ", 3) != 0) {
			fprintf(stderr, "    | %.*s\n", len, p);
			shown++;
		}
		p = nl ? nl + 1 : NULL;
	}
}

/* One `traplab run`: the guest's exit status, its "ok" lines, no FAIL. */
static void
check_run(const struct spec_guest *g, const char *path, const char *variant, const char *mode)
{
	char isa[32], mode_opt[32];
	snprintf(isa, sizeof isa, "--isa=%s", variant);
	snprintf(mode_opt, sizeof mode_opt, "--mode=%s", mode);
	const char *args[] = { "run", isa, mode_opt, SPEC_BUDGET, path, NULL };
	char *out = NULL;
	int status = cli_run(args, "", &out);
	int oks = count_ok_lines(out);
	bool fail = strstr(out, "FAIL") != NULL;
	bool expect_ok = !g->expect || strstr(out, g->expect);
	bool forbid_ok = !g->forbid || !strstr(out, g->forbid);
	bool good = status == g->status && oks == g->oks && !fail && expect_ok && forbid_ok;
	if (!good) {
		char what[512];
		snprintf(what, sizeof what,
			 "traplab run %s %s %s: status %d (want %d), %d ok lines (want %d)%s%s%s",
			 isa, mode_opt, path, status, g->status, oks, g->oks,
			 fail ? ", FAIL lines" : "", expect_ok ? "" : ", expected text missing",
			 forbid_ok ? "" : ", forbidden text printed");
		show_run(what, out);
	}
	CU_ASSERT_EQUAL(status, g->status);
	CU_ASSERT_EQUAL(oks, g->oks);
	CU_ASSERT_FALSE(fail);
	CU_ASSERT_TRUE(expect_ok);
	CU_ASSERT_TRUE(forbid_ok);
	free(out);
}

/* The "equivalent" verdict of one mode in equiv's JSON (monitor/REPORTS.md):
 * 1, 0, or -1 when the mode is missing. */
static int
json_verdict(const char *json, const char *mode)
{
	char key[64];
	snprintf(key, sizeof key, "\"%s\"", mode);
	for (const char *p = strstr(json, "\"mode\""); p; p = strstr(p + 1, "\"mode\"")) {
		const char *v = p + strlen("\"mode\"");
		while (*v == ' ' || *v == ':')
			v++;
		if (strncmp(v, key, strlen(key)) != 0)
			continue;
		const char *e = strstr(v, "\"equivalent\"");
		if (!e)
			return -1;
		e += strlen("\"equivalent\"");
		while (*e == ' ' || *e == ':')
			e++;
		if (strncmp(e, "true", 4) == 0)
			return 1;
		if (strncmp(e, "false", 5) == 0)
			return 0;
		return -1;
	}
	return -1;
}

/* One `traplab equiv`: each mode's verdict as the table expects. */
static void
check_equiv(const struct spec_guest *g, const char *path, int v, bool identity)
{
	char isa[32];
	snprintf(isa, sizeof isa, "--isa=%s", variant_names[v]);
	unsigned modes = (g->flags & F_PV) ? M_PV : (M_TRAP | M_HYB | M_BT);
	const char *modes_opt = (g->flags & F_PV) ? "--modes=pv" : "--modes=trap,hybrid,bt";
	const char *place = identity ? "--place=identity" : "--place=relocated";
	const char *args[] = { "equiv", isa, modes_opt, place, SPEC_BUDGET, "--format=json",
			       path, NULL };
	char *out = NULL;
	int status = cli_run(args, "", &out);
	bool all_same = true;
	for (int m = 0; m < 4; m++) {
		if (!(modes & (1u << m)))
			continue;
		bool want = !(g->diverge[v] & (1u << m));
		all_same = all_same && want;
		int got = json_verdict(out, mode_names[m]);
		if (got != (int)want) {
			char what[512];
			snprintf(what, sizeof what,
				 "traplab equiv %s %s %s %s: %s is %s, expected %s", isa, modes_opt,
				 place, path, mode_names[m],
				 got < 0 ? "missing" : got ? "equivalent" : "NOT equivalent",
				 want ? "equivalent" : "NOT equivalent");
			show_run(what, "");
			/* the text form names the first divergence */
			const char *targs[] = { "equiv", isa, modes_opt, place, SPEC_BUDGET, path,
						NULL };
			char *text = NULL;
			cli_run(targs, "", &text);
			show_run("its report", text);
			free(text);
		}
		CU_ASSERT_EQUAL(got, (int)want);
	}
	if (status != (all_same ? 0 : EXIT_NOT_EQUIV))
		fprintf(stderr, "\n  traplab equiv %s %s %s %s: exit status %d, expected %d\n", isa,
			modes_opt, place, path, status, all_same ? 0 : EXIT_NOT_EQUIV);
	CU_ASSERT_EQUAL(status, all_same ? 0 : EXIT_NOT_EQUIV);
	free(out);
}

static void
spec_guest_check(const struct spec_guest *g)
{
	char path[256];
	snprintf(path, sizeof path, "tests/spec/guests/%s", g->file);
	for (int v = 0; v < 3; v++) {
		if (!(g->variants & (1u << v)))
			continue;
		if (g->flags & F_PV) {
			check_run(g, path, variant_names[v], "pv");
		} else {
			check_run(g, path, variant_names[v], "bare");
			for (int m = 0; m < 3; m++)
				if (!(g->diverge[v] & (1u << m)))
					check_run(g, path, variant_names[v], mode_names[m]);
		}
		check_equiv(g, path, v, false);
		if (g->flags & F_IDENTITY)
			check_equiv(g, path, v, true);
	}
}

#define SPEC_TEST_FN(id, ...) \
	static void test_spec_##id(void) { spec_guest_check(&spec_guests[G_##id]); }
SPEC_GUESTS(SPEC_TEST_FN)
#undef SPEC_TEST_FN

/* Every guest file in tests/spec/guests/ is in the table, and the other way. */
static void
test_every_guest_file_is_in_the_table(void)
{
	char *out = NULL;
	char dir[1024];
	snprintf(dir, sizeof dir, "%s/tests/spec/guests", test_top());
	const char *argv[] = { "ls", dir, NULL };
	CU_ASSERT_EQUAL_FATAL(cli_command(argv, &out), 0);
	int files = 0;
	for (char *line = strtok(out, "\n"); line; line = strtok(NULL, "\n")) {
		size_t n = strlen(line);
		if (n < 3 || strcmp(line + n - 2, ".s") != 0)
			continue;
		files++;
		bool found = false;
		for (int i = 0; i < G_COUNT; i++)
			found = found || strcmp(spec_guests[i].file, line) == 0;
		if (!found)
			fprintf(stderr, "\n  tests/spec/guests/%s is not in the table\n", line);
		CU_ASSERT_TRUE(found);
	}
	CU_ASSERT_EQUAL(files, G_COUNT);
	free(out);
}

#define SPEC_TEST_INFO(id, file, name, ...) { name, test_spec_##id },
static CU_TestInfo tests[] = {
	SPEC_GUESTS(SPEC_TEST_INFO)
	{ "every guest in tests/spec/guests is in the table", test_every_guest_file_is_in_the_table },
	CU_TEST_INFO_NULL,
};
#undef SPEC_TEST_INFO

CU_SuiteInfo suite_spec_guests = { "spec: guests written from isa/SPEC.md", NULL, NULL, NULL, NULL,
				   tests };
