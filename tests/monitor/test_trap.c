/* test_trap.c — the trap-and-emulate and hybrid monitors themselves: every
 * interpreter routine against bare (Lab 3), resource control against
 * hostile guests (D8), the efficiency figures (D9), and that every guest
 * instruction is counted exactly once.  All runs are real.
 */
#include <stdlib.h>
#include <string.h>

#include "asm.h"
#include "equiv.h"
#include "support.h"
#include "vm.h"

#define TEST_BUDGET UINT64_C(2000000)

static bool
equiv_text(const char *src, enum isa_variant v, enum vm_mode mode, struct equiv_result *out)
{
	struct asm_result r;
	int rc = asm_assemble_string("<test>", src, &r);
	for (size_t i = 0; i < r.nerrors; i++)
		fprintf(stderr, "%s", r.errors[i]);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	struct equiv_config cfg = { .image = r.image, .image_size = r.size, .variant = v,
				    .guest_memory = MACHINE_DEFAULT_MEMORY,
				    .placement = PLACE_RELOCATED, .budget = TEST_BUDGET };
	char err[256];
	CU_ASSERT_EQUAL(equiv_check(&cfg, mode, out, err, sizeof err), 0);
	asm_result_free(&r);
	if (!out->equivalent)
		fprintf(stderr, "\n  %s: %s at %s\n", vm_mode_name(mode), out->divergence.what,
			out->divergence.insn_text);
	return out->equivalent;
}

/* Runs a guest file under a mode and returns its figures. */
static struct vm_stats
stats_of(const char *relpath, enum isa_variant v, enum vm_mode mode, uint64_t budget,
	 struct machine_stop_info *stop)
{
	char path[1024], err[256];
	snprintf(path, sizeof path, "%s/%s", test_top(), relpath);
	struct asm_result r;
	CU_ASSERT_EQUAL_FATAL(asm_assemble_file(path, &r), 0);
	struct vm_config cfg = { .mode = mode, .variant = v,
				 .guest_memory = MACHINE_DEFAULT_MEMORY };
	struct vm *vm = vm_create(&cfg, err, sizeof err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(vm);
	CU_ASSERT_EQUAL(vm_load_image(vm, r.image, r.size, err, sizeof err), 0);
	vm_run(vm, budget);
	struct vm_stats st;
	vm_get_stats(vm, &st);
	if (stop)
		*stop = *vm_last_stop(vm);
	vm_destroy(vm);
	asm_result_free(&r);
	return st;
}

/* Every privileged instruction executed once in (virtual) supervisor mode:
 * each interpreter routine of vcpu.c must do what the bare machine does. */
static const char every_privileged_instruction[] =
	"        la   r1, handler\n"
	"        mtcr tvec, r1\n"
	"        li   r2, 0x1234\n"
	"        mtcr scratch, r2\n"
	"        mfcr r3, scratch\n"
	"        mfcr r4, tvec\n"
	"        li   r2, 0x3000\n"
	"        mtcr rbase, r2\n"
	"        li   r2, 0x800\n"
	"        mtcr rbound, r2\n"
	"        srr  r5\n"               /* rbase, as the guest set it */
	"        rdpsw r6\n"
	"        ei\n"
	"        di\n"
	"        li   r2, 0x13\n"          /* S, IE, Z */
	"        wrpsw r2\n"
	"        rdpsw r7\n"
	"        di\n"
	"        tlbflush\n"
	"        in   r8, 0x01\n"          /* console status */
	"        li   r2, 'x'\n"
	"        out  0x00, r2\n"
	"        li   r2, 50\n"
	"        out  0x10, r2\n"          /* timer: interval 50 */
	"        in   r9, 0x11\n"          /* its count, in guest instructions */
	"        ei\n"
	"        halt\n"                   /* skip to the tick */
	"        out  0x10, zero\n"
	"        la   r2, user\n"
	"        li   r12, 0\n"
	"        mtcr rbase, zero\n"
	"        li   r2, 0x10000\n"
	"        mtcr rbound, r2\n"
	"        la   r2, user\n"
	"        juser r2\n"               /* enter user mode: sys comes back */
	"back:   out  0x20, r12\n"
	"user:   addi r12, r12, 7\n"
	"        sys\n"
	"handler:\n"
	"        mfcr r10, cause\n"
	"        mfcr r11, epc\n"
	"        andi r13, r10, 0xff\n"
	"        cmpi r13, 1\n"            /* SYSCALL from the user code */
	"        beq  from_user\n"
	"        out  0x12, zero\n"        /* ack the tick */
	"        rti\n"
	"from_user:\n"
	"        la   r13, back\n"
	"        mtcr epc, r13\n"
	"        li   r13, 1\n"
	"        mtcr epsw, r13\n"
	"        rti\n";

static void
test_every_interpreter_routine_matches_bare(void)
{
	for (enum isa_variant v = 0; v < ISA_VARIANT_COUNT; v++) {
		if (v == ISA_LEGACY)
			continue;   /* its holes are the point of other tests */
		for (enum vm_mode m = MODE_TRAP; m <= MODE_BT; m++) {
			struct equiv_result r;
			CU_ASSERT_TRUE(equiv_text(every_privileged_instruction, v, m, &r));
			CU_ASSERT_EQUAL(r.run.stop.reason, STOP_POWER_OFF);
			CU_ASSERT_EQUAL(r.run.stop.exit_status, 7);
			CU_ASSERT_STRING_EQUAL(r.run.output, "x");
			if (m == MODE_TRAP)   /* in trap mode they were emulated, not run */
				CU_ASSERT_TRUE(r.run.stats.emulated >= 20);
			equiv_run_free(&r.run);
		}
	}
}

/* D9: the efficiency property as a number. */
static void
test_efficiency_direct_share_under_trap(void)
{
	struct vm_stats minios = stats_of("guests/pg32/minios/minios.s", ISA_STRICT, MODE_TRAP,
					  TEST_BUDGET, NULL);
	CU_ASSERT_TRUE(minios.direct * 100 >= minios.guest_instructions * 90);
	struct vm_stats crc = stats_of("guests/pg32/user_crc32.s", ISA_STRICT, MODE_TRAP,
				       MACHINE_DEFAULT_BUDGET, NULL);
	CU_ASSERT_TRUE(crc.direct * 100 >= crc.guest_instructions * 99);
	/* the hybrid monitor interprets the kernel, so its share is lower */
	struct vm_stats hybrid = stats_of("guests/pg32/minios/minios.s", ISA_STRICT, MODE_HYBRID,
					  TEST_BUDGET, NULL);
	CU_ASSERT_TRUE(hybrid.direct < minios.direct);
	CU_ASSERT_TRUE(hybrid.interpreted > 0);
}

/* Every guest instruction is counted once (monitor/REPORTS.md):
 * direct + emulated + interpreted + translated == guest_instructions, in
 * every mode, on guests that reach every kind of work (paging, legacy's
 * callouts, hypercalls — an hcall retires on the real machine, like sys,
 * and is direct). */
static void
test_every_guest_instruction_is_counted_once(void)
{
	static const struct { const char *guest; enum isa_variant variant; } more[] = {
		{ "guests/pg32/detect.s", ISA_LEGACY },
		{ "guests/pg32/detect.s", ISA_HYBRID },
		{ "guests/pg32/minios/minios.s", ISA_LEGACY },
		{ "guests/pg32/minios-pv/minios-pv.s", ISA_LEGACY },
		{ "guests/pg32/nanobench/ptemod.s", ISA_STRICT },
	};
	for (size_t g = 0; g < ARRAY_SIZE(more); g++)
		for (enum vm_mode m = MODE_BARE; m < MODE_COUNT; m++) {
			struct machine_stop_info stop;
			struct vm_stats st = stats_of(more[g].guest, more[g].variant, m,
						      TEST_BUDGET, &stop);
			uint64_t parts = st.direct + st.emulated + st.interpreted + st.translated;
			if (parts != st.guest_instructions)
				fprintf(stderr, "\n  %s on %s under %s: %llu + %llu + %llu + %llu != %llu\n",
					more[g].guest, isa_variant_name(more[g].variant),
					vm_mode_name(m), (unsigned long long)st.direct,
					(unsigned long long)st.emulated,
					(unsigned long long)st.interpreted,
					(unsigned long long)st.translated,
					(unsigned long long)st.guest_instructions);
			CU_ASSERT_TRUE(st.guest_instructions > 0);
			CU_ASSERT_EQUAL(parts, st.guest_instructions);
			if (m == MODE_BT)
				CU_ASSERT_TRUE(st.translated > 0);
		}
	for (enum vm_mode m = MODE_BARE; m < MODE_COUNT; m++) {
		struct machine_stop_info stop;
		struct vm_stats st = stats_of("guests/pg32/minios/minios.s", ISA_STRICT, m,
					      TEST_BUDGET, &stop);
		CU_ASSERT_EQUAL(stop.reason, STOP_POWER_OFF);
		CU_ASSERT_EQUAL(st.direct + st.emulated + st.interpreted + st.translated,
				st.guest_instructions);
		if (m == MODE_TRAP) {
			CU_ASSERT_TRUE(st.shadow.fills > 0);          /* minios pages */
			CU_ASSERT_TRUE(st.injected_interrupts > 0);   /* and is preempted */
			CU_ASSERT_TRUE(st.reflected > 0);             /* and makes system calls */
		}
	}
}

/* D8: a hostile guest raises its bound past its memory and reaches for
 * the monitor's: the accesses fault exactly as on a machine of the guest's
 * size, and real memory outside the guest is untouched. */
static const char hostile_relocation[] =
	"        la   r1, handler\n"
	"        mtcr tvec, r1\n"
	"        li   r1, -1\n"
	"        mtcr rbound, r1\n"            /* bound 4 GiB: the allocator must clamp */
	"        li   r1, 0x1000\n"
	"        mtcr rbase, r1\n"
	"        mtcr epsw, zero\n"
	"        la   r1, user - 0x1000\n"
	"        mtcr epc, r1\n"
	"        rti\n"
	"        .org 0x1000\n"
	"user:   li   r2, 0xff000 - 0x1000\n"      /* user address of the last guest page */
	"        li   r3, 0x5a5a5a5a\n"
	"        stw  r3, 0xffc(r2)\n"                /* the guest's last word: fine */
	"        addi r2, r2, 0x1000\n"
	"        stw  r3, 0(r2)\n"                  /* one past the end of the guest */
	"        li   r2, -4\n"
	"        stw  r3, 0(r2)\n"                  /* the top of the address space */
	"        sys\n"
	"handler:\n"
	"        mfcr r4, cause\n"
	"        mfcr r5, badaddr\n"
	"        addi r6, r6, 1\n"
	"        andi r4, r4, 0xff\n"
	"        cmpi r4, 1\n"
	"        beq  done\n"
	"        mfcr r7, epc\n"
	"        addi r7, r7, 4\n"
	"        mtcr epc, r7\n"
	"        rti\n"
	"done:   out  0x20, r6\n";

static void
test_hostile_guest_cannot_reach_outside_its_memory(void)
{
	struct equiv_result r;
	CU_ASSERT_TRUE(equiv_text(hostile_relocation, ISA_STRICT, MODE_TRAP, &r));
	CU_ASSERT_EQUAL(r.run.stop.reason, STOP_POWER_OFF);
	CU_ASSERT_EQUAL(r.run.stop.exit_status, 3);     /* two faults and the sys */
	equiv_run_free(&r.run);

	/* And the monitor's own memory is as it was: all zero (no paging here). */
	struct asm_result a;
	CU_ASSERT_EQUAL_FATAL(asm_assemble_string("<hostile>", hostile_relocation, &a), 0);
	char err[256];
	struct vm_config cfg = { .mode = MODE_TRAP, .variant = ISA_STRICT,
				 .guest_memory = MACHINE_DEFAULT_MEMORY };
	struct vm *vm = vm_create(&cfg, err, sizeof err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(vm);
	CU_ASSERT_EQUAL(vm_load_image(vm, a.image, a.size, err, sizeof err), 0);
	vm_run(vm, TEST_BUDGET);
	uint32_t base = vm_guest_base(vm);
	CU_ASSERT_TRUE(base > 0);
	uint8_t *below = malloc(base);
	CU_ASSERT_EQUAL(vm_read_real_phys(vm, 0, below, base), 0);
	bool untouched = true;
	for (uint32_t i = 0; i < base; i++)
		untouched &= below[i] == 0;
	CU_ASSERT_TRUE(untouched);
	free(below);
	vm_destroy(vm);
	asm_result_free(&a);
}

/* D8 with paging: a page-table entry naming a frame beyond the guest's
 * memory faults as on bare; the shadow never maps it. */
static const char hostile_paging[] =
	"        .equ L1, 0x10000\n"
	"        .equ L2, 0x11000\n"
	"        la   r1, handler\n"
	"        mtcr tvec, r1\n"
	"        li   r1, L2 | 1\n"
	"        li   r2, L1\n"
	"        stw  r1, 0(r2)\n"                 /* L1[0] -> L2 */
	"        li   r1, 0 | 0xf\n"               /* page 0: code, identity, VWXU */
	"        li   r2, L2\n"
	"        stw  r1, 0(r2)\n"
	"        li   r1, 0x00800000 | 0x3\n"      /* page 1 -> frame at 8 MiB: not ours */
	"        stw  r1, 4(r2)\n"
	"        li   r1, 0x11000 | 0x3\n"         /* page 2 -> the L2 table itself */
	"        stw  r1, 8(r2)\n"
	"        li   r1, L1\n"
	"        mtcr ptbr, r1\n"
	"        li   r1, 1\n"
	"        mtcr mmu, r1\n"
	"        li   r3, 0x1000\n"
	"        ldw  r4, 0(r3)\n"                 /* frame beyond memory: MEMORY */
	"        li   r3, 0x2000\n"
	"        li   r5, 0x00900000 | 0xf\n"
	"        stw  r5, 4(r3)\n"                 /* a page-table write, traced */
	"        tlbflush\n"
	"        li   r3, 0x1000\n"
	"        ldw  r4, 0(r3)\n"                 /* still beyond memory */
	"        out  0x20, r6\n"
	"handler:\n"
	"        addi r6, r6, 1\n"
	"        mfcr r7, epc\n"
	"        addi r7, r7, 4\n"
	"        mtcr epc, r7\n"
	"        rti\n";

static void
test_hostile_page_tables_fault_as_on_bare(void)
{
	for (enum vm_mode m = MODE_TRAP; m <= MODE_BT; m++) {
		struct equiv_result r;
		CU_ASSERT_TRUE(equiv_text(hostile_paging, ISA_STRICT, m, &r));
		CU_ASSERT_EQUAL(r.run.stop.exit_status, 2);
		if (m == MODE_TRAP)
			CU_ASSERT_TRUE(r.run.stats.shadow.pt_writes >= 1);
		equiv_run_free(&r.run);
	}
}

/* A handler that faults forever ends the run cleanly, in every mode. */
static void
test_trap_storm_ends_the_run_in_every_mode(void)
{
	static const char storm[] =
		"        li   r1, 0xfff02\n"     /* a misaligned trap vector: every */
		"                             \n"  /* fetch there faults again */
		"        mtcr tvec, r1\n"
		"        sys\n";
	for (enum vm_mode m = MODE_TRAP; m <= MODE_BT; m++) {
		struct equiv_result r;
		CU_ASSERT_TRUE(equiv_text(storm, ISA_STRICT, m, &r));
		CU_ASSERT_EQUAL(r.run.stop.reason, STOP_TRAP_STORM);
		equiv_run_free(&r.run);
	}
}

static CU_TestInfo tests[] = {
	{ "every interpreter routine matches bare", test_every_interpreter_routine_matches_bare },
	{ "efficiency: direct share under trap (D9)", test_efficiency_direct_share_under_trap },
	{ "every guest instruction counted once", test_every_guest_instruction_is_counted_once },
	{ "hostile guest cannot reach outside its memory (D8)",
	  test_hostile_guest_cannot_reach_outside_its_memory },
	{ "hostile page tables fault as on bare (D8)", test_hostile_page_tables_fault_as_on_bare },
	{ "a trap storm ends the run in every mode", test_trap_storm_ends_the_run_in_every_mode },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_monitor_trap = { "monitor: trap-and-emulate", NULL, NULL, NULL, NULL, tests };
