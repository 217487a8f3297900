/* test_nested.c — Popek and Goldberg's Theorem 2 on real runs (REFERENCES §2
 * D11, SPEC §9.3): a trap-and-emulate VMM written in PG32
 * (guests/pg32/nested/vmm.s) runs a guest kernel (guest.s)
 *   depth 0  the guest alone on the bare machine (guest-alone.s): the reference
 *   depth 1  the PG32 VMM on the bare machine
 *   depth 2  the PG32 VMM under TrapLab's trap, hybrid and bt monitors
 * and every depth prints the same and powers off with the same status.  The
 * same VMM with a watchdog on the real timer (vmm-watchdog.s) does not: a
 * timing dependency breaks its guest's equivalence.  Every expectation is
 * computed from real runs; the only numbers taken from the sources are the
 * exit statuses and the watchdog's slice, read from the assembler's symbols.
 */
#include <stdlib.h>
#include <string.h>

#include "asm.h"
#include "equiv.h"
#include "support.h"

#define NESTED_BUDGET UINT64_C(2000000)

#define GUEST_ALONE "guests/pg32/nested/guest-alone.s"
#define VMM         "guests/pg32/nested/vmm.s"
#define VMM_WD      "guests/pg32/nested/vmm-watchdog.s"

/* Assemble a file under the top, or source text (whose .includes name files
 * by absolute path, built from test_top()). */
static bool
assemble_file(const char *relpath, struct asm_result *r)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/%s", test_top(), relpath);
	if (asm_assemble_file(path, r) == 0)
		return true;
	for (size_t i = 0; i < r->nerrors; i++)
		fprintf(stderr, "%s\n", r->errors[i]);
	return false;
}

static uint32_t
symbol(const struct asm_result *r, const char *name)
{
	const struct symbol *s = symtab_find(&r->symbols, name);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	return s->value;
}

static struct equiv_config
config_of(const struct asm_result *r)
{
	return (struct equiv_config){ .image = r->image, .image_size = r->size,
				      .variant = ISA_STRICT,
				      .guest_memory = MACHINE_DEFAULT_MEMORY,
				      .placement = PLACE_RELOCATED, .budget = NESTED_BUDGET };
}

/* Run an assembled image under `mode` through the equivalence checker: the
 * mode's run comes back in out->run, compared with bare. */
static void
check_mode(const struct asm_result *r, enum vm_mode mode, struct equiv_result *out)
{
	struct equiv_config cfg = config_of(r);
	char err[256] = "";
	int rc = equiv_check(&cfg, mode, out, err, sizeof err);
	if (rc != 0)
		fprintf(stderr, "\nequiv_check: %s\n", err);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
}

static void
run_bare(const char *relpath, struct test_run *out)
{
	CU_ASSERT_EQUAL_FATAL(test_run_source_file(relpath, ISA_STRICT, NESTED_BUDGET, out), 0);
}

/* Depth 0 ≡ depth 1: the PG32 VMM on bare PG32 gives its guest the bare
 * machine's behaviour, output and power-off status. */
static void
test_depth1_prints_what_the_guest_alone_prints(void)
{
	struct asm_result guest;
	CU_ASSERT_FATAL(assemble_file(GUEST_ALONE, &guest));
	uint32_t g_exit = symbol(&guest, "G_EXIT");
	asm_result_free(&guest);

	struct test_run alone, depth1;
	run_bare(GUEST_ALONE, &alone);
	run_bare(VMM, &depth1);
	CU_ASSERT_EQUAL(alone.stop.reason, STOP_POWER_OFF);
	CU_ASSERT_EQUAL(alone.stop.exit_status, (int)g_exit);
	/* the guest really ran: it saw supervisor mode and its user program */
	CU_ASSERT_PTR_NOT_NULL(strstr(alone.output, "(supervisor)"));
	CU_ASSERT_PTR_NOT_NULL(strstr(alone.output, "user: still running"));

	CU_ASSERT_EQUAL(depth1.stop.reason, STOP_POWER_OFF);
	CU_ASSERT_EQUAL(depth1.stop.exit_status, alone.stop.exit_status);
	CU_ASSERT_EQUAL(depth1.output_len, alone.output_len);
	CU_ASSERT_STRING_EQUAL(depth1.output, alone.output);
	/* ... and the VMM did real work for it: it retired many more instructions */
	CU_ASSERT_TRUE(depth1.retired > 2 * alone.retired);
	test_run_free(&alone);
	test_run_free(&depth1);
}

/* Depth 2 ≡ depth 1 ≡ depth 0: the PG32 VMM is an ordinary strict guest of
 * TrapLab's monitors, equivalent bit for bit, so its guest still prints what
 * it prints alone. */
static void
test_depth2_under_every_monitor_mode_is_equivalent(void)
{
	struct test_run alone;
	run_bare(GUEST_ALONE, &alone);
	struct asm_result vmm;
	CU_ASSERT_FATAL(assemble_file(VMM, &vmm));
	for (enum vm_mode m = MODE_TRAP; m <= MODE_BT; m++) {
		struct equiv_result r;
		check_mode(&vmm, m, &r);
		if (!r.equivalent)
			fprintf(stderr, "\nvmm.s under %s: %s (%s)\n", vm_mode_name(m),
				r.divergence.what, r.divergence.insn_text);
		CU_ASSERT_TRUE(r.equivalent);
		CU_ASSERT_EQUAL(r.run.stop.reason, STOP_POWER_OFF);
		CU_ASSERT_EQUAL(r.run.stop.exit_status, alone.stop.exit_status);
		CU_ASSERT_PTR_NOT_NULL_FATAL(r.run.output);
		CU_ASSERT_STRING_EQUAL(r.run.output, alone.output);
		if (m == MODE_TRAP) {
			/* depth 2 is real: the VMM's own privileged instructions
			 * and its guest's traps went through TrapLab's monitor */
			CU_ASSERT_TRUE(r.run.stats.emulated > 0);
			CU_ASSERT_TRUE(r.run.stats.reflected > 0);
		}
		equiv_run_free(&r.run);
	}
	asm_result_free(&vmm);
	test_run_free(&alone);
}

/* The timing dependency: the watchdog VMM's guest does not behave as it does
 * alone, although its slice is larger than everything the guest runs bare. */
static void
test_watchdog_vmm_diverges_from_the_guest_alone(void)
{
	struct asm_result wd;
	CU_ASSERT_FATAL(assemble_file(VMM_WD, &wd));
	uint32_t slice = symbol(&wd, "WATCHDOG_SLICE");
	uint32_t wd_exit = symbol(&wd, "VMM_EXIT_WATCHDOG");

	struct test_run alone, depth1, watchdog;
	run_bare(GUEST_ALONE, &alone);
	run_bare(VMM, &depth1);
	run_bare(VMM_WD, &watchdog);

	/* the slice is honest for the guest and too small for guest + VMM */
	CU_ASSERT_TRUE(alone.retired < slice);
	CU_ASSERT_TRUE(slice < depth1.retired);

	CU_ASSERT_STRING_NOT_EQUAL(watchdog.output, alone.output);
	CU_ASSERT_EQUAL(watchdog.stop.reason, STOP_POWER_OFF);
	CU_ASSERT_EQUAL(watchdog.stop.exit_status, (int)wd_exit);
	CU_ASSERT_NOT_EQUAL(watchdog.stop.exit_status, alone.stop.exit_status);
	/* the guest was cut short: what it printed is a strict prefix of its
	 * bare output, then the VMM's watchdog line */
	const char *vmm_line = strstr(watchdog.output, "\nvmm: watchdog");
	CU_ASSERT_PTR_NOT_NULL_FATAL(vmm_line);
	size_t guest_part = (size_t)(vmm_line - watchdog.output);
	CU_ASSERT_TRUE(guest_part < alone.output_len);
	CU_ASSERT_EQUAL(strncmp(watchdog.output, alone.output, guest_part), 0);

	fprintf(stderr, "\n      watchdog VMM diverges: the guest alone retires %llu instructions, "
		"fewer than the watchdog's slice of %u; but the real timer counts the VMM's "
		"own work too (vmm.s retires %llu real instructions for the same guest), so it "
		"fired after %zu of the guest's %zu output bytes\n    ",
		(unsigned long long)alone.retired, (unsigned)slice,
		(unsigned long long)depth1.retired, guest_part, alone.output_len);

	/* TrapLab's own monitor counts time in guest instructions, so the
	 * watchdog VMM itself is still equivalent at depth 2: it is its own
	 * guest that the timing dependency fails, at every depth. */
	struct equiv_result r;
	check_mode(&wd, MODE_TRAP, &r);
	CU_ASSERT_TRUE(r.equivalent);
	CU_ASSERT_STRING_EQUAL(r.run.output, watchdog.output);
	CU_ASSERT_EQUAL(r.run.stop.exit_status, watchdog.stop.exit_status);
	equiv_run_free(&r.run);

	asm_result_free(&wd);
	test_run_free(&alone);
	test_run_free(&depth1);
	test_run_free(&watchdog);
}

/* vmm.s with a guest of our own at GUEST_BASE (and the same guest alone). */
static bool
assemble_under_vmm(const char *guest_text, const char *defines, struct asm_result *r)
{
	size_t n = strlen(guest_text) + strlen(defines) + 4096;
	char *text = malloc(n);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	snprintf(text, n,
		 "%s\n"
		 "        .equ NESTED_OTHER_GUEST, 1\n"
		 "        .include \"%s/" VMM "\"\n"
		 "        .org GUEST_BASE\n"
		 "%s",
		 defines, test_top(), guest_text);
	int rc = asm_assemble_string("<nested>", text, r);
	for (size_t i = 0; rc != 0 && i < r->nerrors; i++)
		fprintf(stderr, "%s\n", r->errors[i]);
	free(text);
	return rc == 0;
}

/* The rest of the subset, which guest.s does not need: tlbflush, srr, juser,
 * a privileged instruction's trap from user mode with the flags in epsw,
 * in from the power port, halt.  Same output and the same end as alone. */
static const char subset_guest[] =
	"        .include \"%s/guests/pg32/nested/hw.s\"\n"
	"        .equ UB, 0x2000\n"
	"sub_origin:\n"
	"        adr   r1, sub_trap\n"
	"        mtcr  tvec, r1\n"
	"        tlbflush\n"
	"        srr   r5\n"
	"        li    r1, UB\n"
	"        mtcr  rbase, r1\n"
	"        li    r1, 0x100\n"
	"        mtcr  rbound, r1\n"
	"        srr   r6\n"
	"        in    r7, POWER_OFF\n"
	"        adr   r1, sub_back\n"
	"        mtcr  scratch, r1\n"
	"        li    r1, 8\n"
	"        juser r1\n"
	"sub_back:\n"
	"        mov r1, r5\n  call sub_hex\n"
	"        mov r1, r6\n  call sub_hex\n"
	"        mov r1, r7\n  call sub_hex\n"
	"        mov r1, r8\n  call sub_hex\n"
	"        mov r1, r9\n  call sub_hex\n"
	"        mov r1, r10\n call sub_hex\n"
	"        halt\n"
	"sub_hex:\n"
	"        mov   r12, lr\n"
	"        call  print_hex\n"
	"        li    r3, '\\n'\n"
	"        out   CONSOLE_DATA, r3\n"
	"        jr    r12\n"
	"sub_trap:\n"
	"        mfcr  r8, cause\n"
	"        mfcr  r9, epc\n"
	"        mfcr  r10, epsw\n"
	"        mfcr  r1, scratch\n"
	"        mtcr  epc, r1\n"
	"        li    r1, PSW_S\n"
	"        mtcr  epsw, r1\n"
	"        rti\n"
	"        .include \"%s/guests/pg32/lib/print.s\"\n"
	"        .org sub_origin + UB + 8\n"
	"        li    r2, 7\n"
	"        cmpi  r2, 7\n"
	"        di\n";

static void
test_the_rest_of_the_subset_matches_bare(void)
{
	char guest[4096];
	snprintf(guest, sizeof guest, subset_guest, test_top(), test_top());
	struct test_run alone;
	CU_ASSERT_EQUAL_FATAL(test_run_source_text(guest, ISA_STRICT, NESTED_BUDGET, &alone), 0);
	CU_ASSERT_EQUAL(alone.stop.reason, STOP_HALTED_FOREVER);
	/* the test guest's own check, on bare: srr 0, srr UB, the power port
	 * reads 0, PRIVILEGED at the di (user pc 0x10) with S = 0 and Z set in epsw */
	CU_ASSERT_STRING_EQUAL(alone.output, "00000000\n00002000\n00000000\n"
				"00000002\n00000010\n00000010\n");

	struct asm_result r;
	CU_ASSERT_FATAL(assemble_under_vmm(guest, "", &r));
	struct equiv_config cfg = config_of(&r);
	struct equiv_run bare;
	char err[256] = "";
	CU_ASSERT_EQUAL_FATAL(equiv_run_bare(&cfg, &bare, err, sizeof err), 0);
	CU_ASSERT_STRING_EQUAL(bare.output, alone.output);
	CU_ASSERT_EQUAL(bare.stop.reason, alone.stop.reason);
	equiv_run_free(&bare);

	struct equiv_result d2;
	check_mode(&r, MODE_TRAP, &d2);
	CU_ASSERT_TRUE(d2.equivalent);
	CU_ASSERT_STRING_EQUAL(d2.run.output, alone.output);
	CU_ASSERT_EQUAL(d2.run.stop.reason, STOP_HALTED_FOREVER);
	equiv_run_free(&d2.run);
	asm_result_free(&r);
	test_run_free(&alone);
}

/* Resource control, and the VMM's other stops: each reported with its own
 * status, at depth 1 and at depth 2 alike. */
static void
expect_vmm_stop(const char *guest_text, const char *defines, const char *status_name,
		const char *message)
{
	struct asm_result r;
	CU_ASSERT_FATAL(assemble_under_vmm(guest_text, defines, &r));
	uint32_t status = symbol(&r, status_name);
	for (enum vm_mode m = MODE_TRAP; m <= MODE_BT; m++) {
		struct equiv_result e;
		check_mode(&r, m, &e);
		CU_ASSERT_TRUE(e.equivalent);
		CU_ASSERT_EQUAL(e.run.stop.reason, STOP_POWER_OFF);
		CU_ASSERT_EQUAL(e.run.stop.exit_status, (int)status);
		CU_ASSERT_PTR_NOT_NULL(strstr(e.run.output, message));
		equiv_run_free(&e.run);
	}
	asm_result_free(&r);
}

static void
test_the_vmm_stops_a_guest_outside_its_memory_or_its_subset(void)
{
	char text[1024];
	/* guest.s's kernel stores at 0x20000, past its 64 KiB */
	snprintf(text, sizeof text, "        .include \"%s/guests/pg32/nested/guest.s\"\n",
		 test_top());
	expect_vmm_stop(text, "        .equ NESTED_GUEST_STRAY, 1", "VMM_EXIT_STRAY",
			"outside its 64 KiB: address 00020000");
	/* a trap with no vector (bare would stop: SPEC §6.4) */
	expect_vmm_stop("        sys\n", "", "VMM_EXIT_NO_VECTOR",
			"no trap vector: cause 00000001");
	/* paging is outside the subset */
	expect_vmm_stop("        li r1, 1\n        mtcr mmu, r1\n", "", "VMM_EXIT_UNSUPPORTED",
			"outside this VMM's subset: 52810000");
}

static CU_TestInfo tests[] = {
	{ "depth 1 (PG32 VMM on bare) prints what the guest alone prints",
	  test_depth1_prints_what_the_guest_alone_prints },
	{ "depth 2 (PG32 VMM under trap, hybrid, bt) is equivalent, same guest output",
	  test_depth2_under_every_monitor_mode_is_equivalent },
	{ "a watchdog VMM (timing dependency) makes its guest diverge",
	  test_watchdog_vmm_diverges_from_the_guest_alone },
	{ "tlbflush, srr, juser, user traps, in, halt: same as bare, depth 1 and 2",
	  test_the_rest_of_the_subset_matches_bare },
	{ "the VMM stops a stray guest, a vectorless trap and paging with its own status",
	  test_the_vmm_stops_a_guest_outside_its_memory_or_its_subset },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_monitor_nested = { "monitor: nested VMM (Theorem 2, D11)", NULL, NULL, NULL,
				      NULL, tests };
