/* test_pv.c — paravirtualization (monitor/vmm/pv.c, monitor/PV.md; Lab 9, D13):
 * minios-pv prints what minios prints, with at most a fifth of the exits;
 * batched page-table updates beat trapped ones; every hypercall refuses
 * hostile arguments with -1 and changes nothing; the guest's header of
 * numbers and names agrees with the monitor's (hypercalls.def); and the nanobenchmarks run the same
 * bare, trapped and interpreted.  All runs are real.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asm.h"
#include "equiv.h"
#include "pv.h"
#include "support.h"
#include "vm.h"

#define PV_BUDGET UINT64_C(20000000)

/* ===== running a guest under a mode, with its console captured ============= */

struct pv_run {
	char out[8192];
	size_t len;
	struct machine_stop_info stop;
	struct vm_stats stats;
	struct cpu_state state;
	uint32_t words[64];             /* guest memory at `watch`, after the run */
	bool outside_zero;              /* real memory outside the guest still all 0 */
};

static void
pv_sink(void *ctx, uint8_t byte)
{
	struct pv_run *run = ctx;
	if (run->len + 1 < sizeof run->out)
		run->out[run->len++] = (char)byte;
}

static void
run_image(const struct asm_result *r, enum isa_variant v, enum vm_mode mode, uint32_t watch,
	  struct pv_run *run)
{
	char err[256];
	memset(run, 0, sizeof *run);
	struct vm_config cfg = { .mode = mode, .variant = v, .guest_memory = MACHINE_DEFAULT_MEMORY };
	struct vm *vm = vm_create(&cfg, err, sizeof err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(vm);
	CU_ASSERT_EQUAL_FATAL(vm_load_image(vm, r->image, r->size, err, sizeof err), 0);
	vm_set_console(vm, pv_sink, run);
	vm_run(vm, PV_BUDGET);
	run->stop = *vm_last_stop(vm);
	vm_get_stats(vm, &run->stats);
	vm_guest_state(vm, &run->state);
	vm_read_guest_phys(vm, watch, run->words, sizeof run->words);
	/* Resource control: the monitor's own memory, never given to the guest. */
	run->outside_zero = true;
	uint32_t base = vm_guest_base(vm), end = base + vm_guest_memory_size(vm);
	for (uint32_t a = 0; a < vm_real_memory_size(vm); a += ISA_WORD) {
		uint32_t w = 0;
		if (a >= base && a < end)
			continue;
		vm_read_real_phys(vm, a, &w, sizeof w);
		if (w != 0) {
			run->outside_zero = false;
			break;
		}
	}
	vm_destroy(vm);
}

static void
run_file(const char *relpath, enum isa_variant v, enum vm_mode mode, struct pv_run *run)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/%s", test_top(), relpath);
	struct asm_result r;
	int rc = asm_assemble_file(path, &r);
	for (size_t i = 0; i < r.nerrors; i++)
		fprintf(stderr, "%s", r.errors[i]);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	run_image(&r, v, mode, 0, run);
	asm_result_free(&r);
}

/* ===== D13: the same console, a fraction of the exits ======================= */

static void
test_minios_pv_prints_what_minios_prints(void)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/guests/pg32/minios/expected.txt", test_top());
	size_t want_len;
	char *want = test_read_file(path, &want_len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(want);

	static struct pv_run run;
	run_file("guests/pg32/minios-pv/minios-pv.s", ISA_LEGACY, MODE_PV, &run);
	CU_ASSERT_EQUAL(run.stop.reason, STOP_POWER_OFF);
	CU_ASSERT_EQUAL(run.stop.exit_status, 0);
	CU_ASSERT_EQUAL(run.len, want_len);
	CU_ASSERT(run.len == want_len && memcmp(run.out, want, want_len) == 0);
	if (run.len != want_len || memcmp(run.out, want, want_len) != 0)
		fprintf(stderr, "\n--- minios-pv printed:\n%.*s", (int)run.len, run.out);
	/* It really is paravirtual: hypercalls of every kind it needs. */
	CU_ASSERT(run.stats.hypercalls_by_number[HC_IRET] > 100);
	CU_ASSERT(run.stats.hypercalls_by_number[HC_CONSOLE_WRITE] > 20);
	CU_ASSERT_EQUAL(run.stats.hypercalls_by_number[HC_PTE_BATCH], 5);   /* kernel + 4 tasks */
	CU_ASSERT_EQUAL(run.stats.hypercalls_by_number[HC_REGISTER_SHARED], 1);
	free(want);
}

static void
test_minios_pv_exits_a_fifth_of_trap(void)
{
	static struct pv_run trap, pv;
	run_file("guests/pg32/minios/minios.s", ISA_STRICT, MODE_TRAP, &trap);
	run_file("guests/pg32/minios-pv/minios-pv.s", ISA_STRICT, MODE_PV, &pv);
	CU_ASSERT_EQUAL(trap.stop.reason, STOP_POWER_OFF);
	CU_ASSERT_EQUAL(pv.stop.reason, STOP_POWER_OFF);
	CU_ASSERT(trap.stats.transitions > 0);
	CU_ASSERT(pv.stats.transitions * 5 <= trap.stats.transitions);
	fprintf(stderr, "\n      transitions: minios trap %llu, minios-pv pv %llu ",
		(unsigned long long)trap.stats.transitions, (unsigned long long)pv.stats.transitions);
	/* Same output on strict too. */
	CU_ASSERT_EQUAL(trap.len, pv.len);
	CU_ASSERT(trap.len == pv.len && memcmp(trap.out, pv.out, pv.len) == 0);
}

static void
test_ptemod_batched_beats_trapped(void)
{
	static struct pv_run trap, pv;
	run_file("guests/pg32/nanobench/ptemod.s", ISA_STRICT, MODE_TRAP, &trap);
	run_file("guests/pg32/nanobench/ptemod-pv.s", ISA_STRICT, MODE_PV, &pv);
	CU_ASSERT_EQUAL(trap.stop.reason, STOP_POWER_OFF);
	CU_ASSERT_EQUAL(trap.stop.exit_status, 0);
	CU_ASSERT_EQUAL(pv.stop.reason, STOP_POWER_OFF);
	CU_ASSERT_EQUAL(pv.stop.exit_status, 0);
	CU_ASSERT(pv.stats.transitions * 5 <= trap.stats.transitions);
	fprintf(stderr, "\n      transitions: ptemod trap %llu, ptemod-pv pv %llu ",
		(unsigned long long)trap.stats.transitions, (unsigned long long)pv.stats.transitions);
	/* The same updates, ending with the same mapping. */
	const char *tail = " page-table updates; the page reads 0xaaaaaaaa\n";
	CU_ASSERT_PTR_NOT_NULL(strstr(trap.out, "ptemod: 0x00004e20"));
	CU_ASSERT_PTR_NOT_NULL(strstr(pv.out, "ptemod-pv: 0x00004e20"));
	CU_ASSERT_PTR_NOT_NULL(strstr(trap.out, tail));
	CU_ASSERT_PTR_NOT_NULL(strstr(pv.out, tail));
}

/* ===== hostile arguments ====================================================== */

/* Each call stores its r1 in the results table; the test reads them back.
 * Paging stays off, so the monitor's memory (shadow tables) is never used:
 * it must still be all zero at the end. */
static const char hostile_guest[] =
	"        .include \"%s/guests/pg32/lib/hypercalls.s\"\n"
	"        .equ RESULTS, 0x8000\n"
	"        .equ TABLE,   0x9000      ; a would-be page table, with a sentinel\n"
	"        .equ SENTINEL, 0x5a5a5a5a\n"
	"        li    r10, RESULTS\n"
	"        li    r1, SENTINEL\n"
	"        li    r2, TABLE\n"
	"        stw   r1, 0(r2)\n"
	"        stw   r1, 4(r2)\n"
	"        la    r9, calls\n"
	"next:   ldw   r1, 0(r9)           ; {number, r2, r3}; number 0xff ends\n"
	"        cmpi  r1, 0xff\n"
	"        beq   end\n"
	"        ldw   r2, 4(r9)\n"
	"        ldw   r3, 8(r9)\n"
	"        hcall\n"
	"        stw   r1, 0(r10)\n"
	"        addi  r10, r10, 4\n"
	"        addi  r9, r9, 12\n"
	"        b     next\n"
	"end:    li    r1, HC_CONSOLE_WRITE  ; one good call: it prints\n"
	"        la    r2, ok\n"
	"        li    r3, 3\n"
	"        hcall\n"
	"        stw   r1, 0(r10)\n"
	"        li    r1, HC_POWER_OFF\n"
	"        li    r2, 0\n"
	"        hcall\n"
	"        .align 4\n"
	"calls:  .word HC_CONSOLE_WRITE, 0x00fffff0, 4          ; buffer past memory\n"
	"        .word HC_CONSOLE_WRITE, 0x000ffff0, 0x20       ; runs off the end\n"
	"        .word HC_CONSOLE_WRITE, 0xfffffff0, 0x20       ; wraps around\n"
	"        .word HC_CONSOLE_WRITE, ok, 0x7fffffff         ; absurd length\n"
	"        .word HC_PTE_BATCH, bad_frame, 2               ; 2nd maps outside memory\n"
	"        .word HC_PTE_BATCH, bad_place, 2               ; 2nd PTE outside memory\n"
	"        .word HC_PTE_BATCH, bad_frame, 0x7fffffff      ; absurd count\n"
	"        .word HC_PTE_BATCH, 0x00fffff8, 1              ; list past memory\n"
	"        .word HC_PTE_BATCH, good_then_misaligned, 2    ; a misaligned PTE\n"
	"        .word HC_PTE_UPDATE, TABLE, 0x00200000 | 1     ; frame outside memory\n"
	"        .word HC_PTE_UPDATE, 0x00100000, 0             ; PTE past memory\n"
	"        .word HC_SET_PTBR, 0x00100000, 0               ; table past memory\n"
	"        .word HC_SET_PTBR, TABLE + 4, 0                ; not page-aligned\n"
	"        .word HC_REGISTER_SHARED, 0x00100000, 0        ; page past memory\n"
	"        .word HC_REGISTER_SHARED, 0x000ff800, 0        ; not page-aligned\n"
	"        .word HC_IRET, 0x00fffff0, 0                   ; frame past memory\n"
	"        .word HC_SET_TVEC, 0x1002, 0                   ; misaligned vector\n"
	"        .word 0, 0, 0                                  ; number 0\n"
	"        .word 99, 0, 0                                 ; unknown number\n"
	"        .word HC_COUNT, 0, 0                           ; one past the last\n"
	"        .word 0x108, 0, 0                              ; a known number plus 0x100\n"
	"        .word 0x80000008, 0, 0                         ; ... plus 2^31\n"
	"        .word 0xffffffff, 0, 0                         ; -1\n"
	"        .word 0xff\n"
	"bad_frame:\n"
	"        .word TABLE, 0x1000 | 1                        ; fine on its own\n"
	"        .word TABLE + 4, 0x00100000 | 1                ; the frame at 1 MiB: outside\n"
	"bad_place:\n"
	"        .word TABLE, 0x1000 | 1\n"
	"        .word 0x00100000, 0x1000 | 1\n"
	"good_then_misaligned:\n"
	"        .word TABLE, 0x1000 | 1\n"
	"        .word TABLE + 2, 0x1000 | 1\n"
	"ok:     .ascii \"ok\\n\"\n";

enum { HOSTILE_CALLS = 23, RESULTS = 0x8000, TABLE = 0x9000, SENTINEL = 0x5a5a5a5a };

static void
test_hostile_hypercalls_refused(void)
{
	static char text[sizeof hostile_guest + 1024];
	snprintf(text, sizeof text, hostile_guest, test_top());
	struct asm_result r;
	int rc = asm_assemble_string("<hostile-pv>", text, &r);
	for (size_t i = 0; i < r.nerrors; i++)
		fprintf(stderr, "%s", r.errors[i]);
	CU_ASSERT_EQUAL_FATAL(rc, 0);

	static struct pv_run run;
	run_image(&r, ISA_STRICT, MODE_PV, RESULTS, &run);
	CU_ASSERT_EQUAL(run.stop.reason, STOP_POWER_OFF);
	CU_ASSERT_EQUAL(run.stop.exit_status, 0);
	for (int i = 0; i < HOSTILE_CALLS; i++) {
		if (run.words[i] != 0xffffffff)
			fprintf(stderr, "\n      hostile call %d answered 0x%08x ", i, run.words[i]);
		CU_ASSERT_EQUAL(run.words[i], 0xffffffff);
	}
	CU_ASSERT_EQUAL(run.words[HOSTILE_CALLS], 3);    /* the good write */
	CU_ASSERT_EQUAL(run.len, 3);                      /* nothing else printed */
	CU_ASSERT_NSTRING_EQUAL(run.out, "ok\n", 3);
	CU_ASSERT(run.outside_zero);                      /* the monitor's memory untouched */
	CU_ASSERT_EQUAL(run.state.cr[CR_ptbr], 0);
	CU_ASSERT_EQUAL(run.state.cr[CR_tvec], 0);
	CU_ASSERT_EQUAL(run.stats.hypercalls, HOSTILE_CALLS + 2);
	CU_ASSERT_EQUAL(run.stats.hypercalls_by_number[0], 0);    /* no hypercall 0 ... */
	CU_ASSERT_EQUAL(run.stats.hypercalls_unknown, 6);         /* ... it is one of the unknown */
	CU_ASSERT_EQUAL(run.stats.hypercalls_by_number[HC_PTE_BATCH], 5);
	/* PV.md: the parts add up to the whole. */
	uint64_t parts = run.stats.hypercalls_unknown;
	for (size_t n = 0; n < sizeof run.stats.hypercalls_by_number / sizeof run.stats.hypercalls_by_number[0]; n++)
		parts += run.stats.hypercalls_by_number[n];
	CU_ASSERT_EQUAL(parts, run.stats.hypercalls);
	asm_result_free(&r);
}

/* PV.md §1: an hcall is one retired guest instruction, as on bare
 * hardware (SPEC §8.4, §12), served or refused.  It was once counted twice
 * (by the real machine that retired it, and again by the monitor), which
 * moved the virtual timer.  Each guest reads TIMER_COUNT after 8
 * instructions and powers off with how many retired (SPEC §10.2). */
static void
test_an_hcall_is_one_guest_instruction(void)
{
	static const char *const calls[] = {
		"        li    r1, 0x108\n",                      /* unknown: refused */
		"        li    r1, HC_CONSOLE_WRITE\n",           /* served: length 0 */
	};
	for (size_t i = 0; i < ARRAY_SIZE(calls); i++) {
		char text[1024];
		snprintf(text, sizeof text,
			 "        .include \"%s/guests/pg32/lib/hypercalls.s\"\n"
			 "        li    r6, 1000\n"
			 "        out   0x10, r6\n"        /* TIMER_INTERVAL: count from here */
			 "%s"
			 "        li    r2, 0\n"
			 "        li    r3, 0\n"
			 "        hcall\n"
			 "        in    r5, 0x11\n"        /* TIMER_COUNT: 1000 - 4 retired */
			 "        li    r6, 1000\n"
			 "        sub   r5, r6, r5\n"
			 "        out   0x20, r5\n", test_top(), calls[i]);
		struct asm_result r;
		CU_ASSERT_EQUAL_FATAL(asm_assemble_string("<one hcall>", text, &r), 0);
		struct pv_run pv;
		run_image(&r, ISA_STRICT, MODE_PV, 0, &pv);
		CU_ASSERT_EQUAL(pv.stop.reason, STOP_POWER_OFF);
		CU_ASSERT_EQUAL(pv.stop.exit_status, 4);     /* li, li, li, hcall; then in reads */
		CU_ASSERT_EQUAL(pv.stats.hypercalls, 1);
		CU_ASSERT_EQUAL(pv.stats.guest_instructions, 10);
		asm_result_free(&r);
	}
}

/* The batch applied nothing: read the would-be table after the run. */
static void
test_refused_batch_applies_none(void)
{
	static char text[sizeof hostile_guest + 1024];
	snprintf(text, sizeof text, hostile_guest, test_top());
	struct asm_result r;
	CU_ASSERT_EQUAL_FATAL(asm_assemble_string("<hostile-pv>", text, &r), 0);
	static struct pv_run run;
	run_image(&r, ISA_STRICT, MODE_PV, TABLE, &run);
	CU_ASSERT_EQUAL(run.words[0], SENTINEL);
	CU_ASSERT_EQUAL(run.words[1], SENTINEL);
	asm_result_free(&r);

	/* ... and a good batch is applied, all of it. */
	char good[1024];
	snprintf(good, sizeof good,
		 "        .include \"%s/guests/pg32/lib/hypercalls.s\"\n"
		 "        li    r1, HC_PTE_BATCH\n"
		 "        la    r2, list\n"
		 "        li    r3, 2\n"
		 "        hcall\n"
		 "        li    r2, 0x90f0\n"
		 "        stw   r1, 0(r2)\n"
		 "        li    r1, HC_POWER_OFF\n"
		 "        li    r2, 0\n"
		 "        hcall\n"
		 "list:   .word 0x9000, 0x1000 | 1, 0x9004, 0x2000 | 3\n", test_top());
	CU_ASSERT_EQUAL_FATAL(asm_assemble_string("<good-pv>", good, &r), 0);
	run_image(&r, ISA_STRICT, MODE_PV, TABLE, &run);
	CU_ASSERT_EQUAL(run.words[0xf0 / 4], 2);          /* both entries written */
	CU_ASSERT_EQUAL(run.words[0], 0x1001);
	CU_ASSERT_EQUAL(run.words[1], 0x2003);
	asm_result_free(&r);
}

/* A hypercall from the guest's user mode is not served: it goes to the
 * guest kernel's vector as a HYPERCALL trap, as on bare hardware. */
static void
test_user_mode_hypercall_goes_to_the_kernel(void)
{
	char text[2048];
	snprintf(text, sizeof text,
		 "        .include \"%s/guests/pg32/lib/hypercalls.s\"\n"
		 "        la    r1, handler\n"
		 "        mtcr  tvec, r1\n"
		 "        li    r1, 0x10000\n"
		 "        mtcr  rbound, r1\n"
		 "        la    r1, user\n"
		 "        mtcr  epc, r1\n"
		 "        mtcr  epsw, zero\n"
		 "        rti\n"
		 "user:   li    r1, HC_POWER_OFF    ; would end the run if it were served\n"
		 "        li    r2, 7\n"
		 "        hcall\n"
		 "handler:\n"
		 "        mfcr  r2, cause           ; the kernel sees cause 9 and stops with it\n"
		 "        li    r1, HC_POWER_OFF\n"
		 "        hcall\n", test_top());
	struct asm_result r;
	CU_ASSERT_EQUAL_FATAL(asm_assemble_string("<user-hcall>", text, &r), 0);
	static struct pv_run run;
	run_image(&r, ISA_STRICT, MODE_PV, 0, &run);
	CU_ASSERT_EQUAL(run.stop.reason, STOP_POWER_OFF);
	CU_ASSERT_EQUAL(run.stop.exit_status, CAUSE_HYPERCALL);
	CU_ASSERT_EQUAL(run.stats.hypercalls, 1);         /* only the kernel's */
	asm_result_free(&r);
}

/* ===== the guest's header agrees with the monitor ============================== */

/* The rest of the header: the shared page, the frame, the limits. */
static const struct pv_constant {
	const char *name;
	uint32_t value;
} pv_layout[] = {
#define C(name) { #name, (uint32_t)(name) }
	C(HC_COUNT), C(SH_MASK), C(SH_PENDING), C(SH_CAUSE), C(SH_EPC), C(SH_EPSW),
	C(SH_BADADDR), C(SH_SIZE), C(FRAME_PC), C(FRAME_PSW), C(FRAME_SIZE), C(PV_BATCH_MAX),
	C(PV_CONSOLE_MAX),
#undef C
	{ "HC_ERROR", 0xffffffff },
};

/* Every hypercall of hypercalls.def: its HC_ name in hypercalls.s, its
 * number, and the name the monitor's figures give it. */
static const struct pv_call {
	const char *symbol, *name;
	uint32_t number;
} pv_calls[] = {
#define PG32_HYPERCALL(NAME, name, number, doc) { "HC_" #NAME, #name, number },
#include "hypercalls.def"
#undef PG32_HYPERCALL
};

/* Is `symbol` = `value` in hypercalls.s?  (One assertion, with a note if not.) */
static void
check_symbol(const struct asm_result *r, const char *symbol, uint32_t value)
{
	const struct symbol *s = symtab_find(&r->symbols, symbol);
	if (!s || s->value != value)
		fprintf(stderr, "\n      %s: hypercalls.s and pv.h disagree ", symbol);
	CU_ASSERT(s && s->value == value);
}

/* The figures' name of a call is its HC_ name in hypercalls.s, in lower case. */
static bool
name_matches_symbol(const char *name, const char *symbol)
{
	const char *suffix = symbol + strlen("HC_");
	if (strlen(name) != strlen(suffix))
		return false;
	for (size_t i = 0; name[i]; i++)
		if (name[i] != (char)tolower((unsigned char)suffix[i]))
			return false;
	return true;
}

static void
test_hypercalls_s_matches_pv_h(void)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/guests/pg32/lib/hypercalls.s", test_top());
	struct asm_result r;
	CU_ASSERT_EQUAL_FATAL(asm_assemble_file(path, &r), 0);
	CU_ASSERT_EQUAL(r.size, 0);                         /* constants only */
	CU_ASSERT_EQUAL(ARRAY_SIZE(pv_calls), HC_COUNT - 1);
	for (size_t i = 0; i < ARRAY_SIZE(pv_calls); i++) {
		const struct pv_call *c = &pv_calls[i];
		check_symbol(&r, c->symbol, c->number);
		if (strcmp(pv_hypercall_name(c->number), c->name) != 0 ||
		    !name_matches_symbol(c->name, c->symbol))
			fprintf(stderr, "\n      hypercall %u: named %s, %s in hypercalls.s ",
				c->number, pv_hypercall_name(c->number), c->symbol);
		CU_ASSERT_STRING_EQUAL(pv_hypercall_name(c->number), c->name);
		CU_ASSERT(name_matches_symbol(c->name, c->symbol));
	}
	for (size_t i = 0; i < ARRAY_SIZE(pv_layout); i++)
		check_symbol(&r, pv_layout[i].name, pv_layout[i].value);
	/* ... and says nothing pv.h does not: every name is in one list above. */
	for (size_t i = 0; i < r.symbols.count; i++) {
		const char *name = r.symbols.entries[i].name;
		bool known = false;
		for (size_t k = 0; k < ARRAY_SIZE(pv_calls); k++)
			known |= strcmp(name, pv_calls[k].symbol) == 0;
		for (size_t k = 0; k < ARRAY_SIZE(pv_layout); k++)
			known |= strcmp(name, pv_layout[k].name) == 0;
		if (!known)
			fprintf(stderr, "\n      hypercalls.s defines %s, pv.h does not ", name);
		CU_ASSERT(known);
	}
	CU_ASSERT_STRING_EQUAL(pv_hypercall_name(0), "?");
	CU_ASSERT_STRING_EQUAL(pv_hypercall_name(HC_COUNT), "?");
	asm_result_free(&r);
}

/* ===== the nanobenchmarks (after Adams & Agesen) ================================ */

static void
test_nanobench_equivalent_everywhere(void)
{
	static const char *const guests[] = {
		"syscall", "io", "ieflag", "ptemod", "pgfault", "callret", "compute",
	};
	static const enum isa_variant variants[] = { ISA_STRICT, ISA_LEGACY };
	static const enum vm_mode modes[] = { MODE_TRAP, MODE_HYBRID };
	for (size_t g = 0; g < ARRAY_SIZE(guests); g++) {
		char path[1024], err[256];
		snprintf(path, sizeof path, "%s/guests/pg32/nanobench/%s.s", test_top(), guests[g]);
		struct asm_result r;
		CU_ASSERT_EQUAL_FATAL(asm_assemble_file(path, &r), 0);
		for (size_t v = 0; v < ARRAY_SIZE(variants); v++) {
			struct equiv_config cfg = { .image = r.image, .image_size = r.size,
						    .variant = variants[v],
						    .guest_memory = MACHINE_DEFAULT_MEMORY,
						    .placement = PLACE_RELOCATED, .budget = PV_BUDGET };
			struct equiv_run bare;
			CU_ASSERT_EQUAL_FATAL(equiv_run_bare(&cfg, &bare, err, sizeof err), 0);
			CU_ASSERT_EQUAL(bare.stop.reason, STOP_POWER_OFF);
			CU_ASSERT_EQUAL(bare.stop.exit_status, 0);
			/* one line, starting with the guest's name, of 10^5..10^6 instructions */
			CU_ASSERT_EQUAL(strncmp(bare.output, guests[g], strlen(guests[g])), 0);
			CU_ASSERT_PTR_NOT_NULL(strchr(bare.output, '\n'));
			CU_ASSERT(bare.stats.guest_instructions >= 100000);
			CU_ASSERT(bare.stats.guest_instructions <= 1000000);
			for (size_t m = 0; m < ARRAY_SIZE(modes); m++) {
				struct equiv_result res;
				CU_ASSERT_EQUAL(equiv_check(&cfg, modes[m], &res, err, sizeof err), 0);
				if (!res.equivalent)
					fprintf(stderr, "\n      %s under %s: %s ", guests[g],
						vm_mode_name(modes[m]), res.divergence.what);
				CU_ASSERT(res.equivalent);
				CU_ASSERT_EQUAL(res.run.stop.reason, STOP_POWER_OFF);
				CU_ASSERT_STRING_EQUAL(res.run.output, bare.output);
				equiv_run_free(&res.run);
			}
			equiv_run_free(&bare);
		}
		asm_result_free(&r);
	}
}

static CU_TestInfo tests[] = {
	{ "minios-pv (pv, legacy) prints expected.txt, status 0", test_minios_pv_prints_what_minios_prints },
	{ "minios-pv exits <= 0.2x minios under trap (D13)", test_minios_pv_exits_a_fifth_of_trap },
	{ "ptemod-pv: >= 5x fewer exits than ptemod", test_ptemod_batched_beats_trapped },
	{ "hostile hypercalls: -1, nothing changed, host intact", test_hostile_hypercalls_refused },
	{ "an hcall is one guest instruction, served or refused", test_an_hcall_is_one_guest_instruction },
	{ "a refused batch applies none; a good one all", test_refused_batch_applies_none },
	{ "hcall from user mode goes to the guest kernel", test_user_mode_hypercall_goes_to_the_kernel },
	{ "hypercalls.s agrees with pv.h", test_hypercalls_s_matches_pv_h },
	{ "nanobench: bare = trap = hybrid, status 0", test_nanobench_equivalent_everywhere },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_monitor_pv = { "monitor: paravirtualization", NULL, NULL, NULL, NULL, tests };
