/* fuzz_modes.c — libFuzzer target: the machine and every monitor mode,
 * differentially (issue 15, "hostile input everywhere"; the equivalence of
 * Labs 3–8: trap, hybrid, shadow paging, bt).  Each input becomes one PG32
 * guest -- raw words, or a guest of monitor/tools/fuzzgen.c (a valid kernel
 * or supervisor garbage) with words patched in from the input -- which runs
 * bare and under trap, hybrid and bt for a small budget, on VMs kept from
 * one input to the next (vm_load_image resets one).  Everything the guest
 * can observe is compared with bare's (console, registers, PSW, control
 * registers, memory, how the run ended).  On strict every mode must match;
 * on legacy and hybrid a difference is allowed only where equiv.c's first
 * divergence is a Popek–Goldberg hole of that variant the mode cannot
 * close (a sensitive instruction that is not privileged: any in trap mode;
 * in hybrid and bt, which interpret or translate all virtual-supervisor
 * code, only one run in virtual-user mode).  Anything else abort()s: a
 * finding, like a crash.  Every 32nd input also runs one mode on a
 * fresh VM, and a reused VM must give the same run (the reload is exact).
 *
 * Budgets are small (at most a few thousand instructions): under libFuzzer's
 * comparison tracing the interpreter retires only a few million a second.
 *
 * Input: byte 0 chooses (CTL_*), bytes 1-2 the budget, then either
 * the image (raw) or a 4-byte seed and 6-byte patches (offset, word).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "disasm.h"
#include "equiv.h"
#include "fuzzgen.h"
#include "fuzz_support.h"
#include "vm.h"

enum {
	CTL_VARIANT_MASK = 0x03,       /* strict, legacy, hybrid (3: strict) */
	CTL_KIND_SHIFT = 2,            /* 0, 1: raw words; 2: valid guest; 3: hostile */
	CTL_KIND_MASK = 0x03,
	CTL_IDENTITY = 1u << 4,        /* raw: --place=identity */
	CTL_SMALL = 1u << 5,           /* raw: the small memory */
	CTL_MODE_SHIFT = 6,            /* 0: trap, hybrid and bt; 1-3: that mode alone */
	KIND_VALID = 2,
	KIND_HOSTILE = 3,
	HEADER_BYTES = 3,              /* control, budget (2) */
	SEED_BYTES = 4,
	PATCH_BYTES = 6,               /* offset (2), word (4) */
	/* Budgets: enough for a valid guest to boot, take traps and reach its
	 * user program, small enough for thousands of inputs a second. */
	RAW_BUDGET_MIN = 32,
	RAW_BUDGET_RANGE = 1024,
	GUEST_BUDGET_MIN = 256,
	GUEST_BUDGET_RANGE = 4096,
	OUTPUT_MAX = 64 * 1024,        /* console bytes kept per run (more: counted only) */
	MEMORY_PAGES = FUZZGEN_MEMORY / PAGE_SIZE,
	FRESH_CHECK_EVERY = 32,        /* one input in this many: a fresh VM too */
	MODES = MODE_BT + 1,           /* bare, trap, hybrid, bt */
	MEMORY_SIZES = 2,
	PLACEMENTS = 2,
};

/* What one run showed: what equiv.c's snapshots hold, in fixed buffers. */
struct run {
	char output[OUTPUT_MAX];
	size_t len;                    /* bytes printed (may exceed OUTPUT_MAX) */
	struct cpu_state state;
	struct machine_stop_info stop;
	uint64_t instructions;
	bool written[MEMORY_PAGES];
	uint8_t memory[FUZZGEN_MEMORY];
};

/* One guest and how to run it. */
struct guest {
	const uint8_t *image;
	size_t size;
	enum isa_variant variant;
	uint32_t memory;
	enum vm_placement placement;
	uint64_t budget;
	enum vm_mode only;             /* MODE_BARE: every mode; else this one alone */
};

/* The first instruction after which a mode and bare differ (locate()). */
struct divergence {
	uint64_t instruction;          /* 1-based */
	uint32_t pc, word;
	unsigned cls;                  /* CLS_* of the word on the variant (0: no decode) */
	bool supervisor;               /* the guest's mode when it ran (bare shows it) */
};

static struct vm *vms[MODES][ISA_VARIANT_COUNT][MEMORY_SIZES][PLACEMENTS];
static struct run runs[MODES], fresh_run, probe_runs[2];
static struct fuzzgen_image generated;

static void
console_into_run(void *ctx, uint8_t byte)
{
	struct run *r = ctx;
	if (r->len < OUTPUT_MAX)
		r->output[r->len] = (char)byte;
	r->len++;
}

static struct vm *
make_vm(enum vm_mode mode, const struct guest *g)
{
	char err[256];
	struct vm_config cfg = { .mode = mode, .variant = g->variant, .guest_memory = g->memory,
				 .placement = g->placement };
	struct vm *vm = vm_create(&cfg, err, sizeof err);
	if (!vm) {
		fprintf(stderr, "fuzz_modes: vm_create(%s): %s\n", vm_mode_name(mode), err);
		abort();
	}
	return vm;
}

/* The VM for this mode and guest, made the first time and kept. */
static struct vm *
kept_vm(enum vm_mode mode, const struct guest *g)
{
	struct vm **slot = &vms[mode][g->variant][g->memory == FUZZGEN_MEMORY][g->placement];
	if (!*slot)
		*slot = make_vm(mode, g);
	return *slot;
}

static void
run_guest(struct vm *vm, const struct guest *g, struct run *r)
{
	char err[256];
	if (vm_load_image(vm, g->image, g->size, err, sizeof err) < 0) {
		fprintf(stderr, "fuzz_modes: vm_load_image: %s\n", err);
		abort();
	}
	r->len = 0;
	vm_set_console(vm, console_into_run, r);
	vm_run(vm, g->budget);
	vm_set_console(vm, NULL, NULL);
	vm_guest_state(vm, &r->state);
	r->stop = *vm_last_stop(vm);
	r->instructions = vm_guest_instructions(vm);
	for (uint32_t i = 0; i < g->memory / PAGE_SIZE; i++) {
		r->written[i] = vm_guest_page_written(vm, i * PAGE_SIZE);
		if (r->written[i])
			vm_read_guest_phys(vm, i * PAGE_SIZE, r->memory + i * PAGE_SIZE, PAGE_SIZE);
	}
}

static bool
run_finished(const struct run *r)
{
	return r->stop.reason != STOP_NONE && r->stop.reason != STOP_BUDGET;
}

/* Do two runs differ in anything the guest can observe?  (equiv.c's
 * snapshot_differ, which it must agree with.) */
static bool
runs_differ(const struct run *a, const struct run *b, uint32_t memory, const char **what)
{
	size_t kept = a->len < OUTPUT_MAX ? a->len : OUTPUT_MAX;
	static const uint8_t zero_page[PAGE_SIZE];
	*what = "console output";
	if (a->len != b->len || memcmp(a->output, b->output, kept) != 0)
		return true;
	*what = "registers, PSW or control registers";
	if (memcmp(&a->state, &b->state, sizeof a->state) != 0)
		return true;
	*what = "guest memory";
	for (uint32_t i = 0; i < memory / PAGE_SIZE; i++) {
		const uint8_t *pa = a->written[i] ? a->memory + i * PAGE_SIZE : zero_page;
		const uint8_t *pb = b->written[i] ? b->memory + i * PAGE_SIZE : zero_page;
		if (memcmp(pa, pb, PAGE_SIZE) != 0)
			return true;
	}
	*what = "the end";
	if (run_finished(a) != run_finished(b))
		return true;
	return run_finished(a) && (a->stop.reason != b->stop.reason ||
				   a->stop.exit_status != b->stop.exit_status);
}

/* ===== a difference: is it a hole the variant has? ================================ */

/* The variant's Popek–Goldberg hole explains the divergence in this mode. */
static bool
hole_explains(const struct guest *g, enum vm_mode mode, const struct divergence *d)
{
	if (g->variant == ISA_STRICT || (d->cls & CLS_PRIV) || !(d->cls & CLS_SENSITIVE))
		return false;
	if (mode == MODE_TRAP)
		return true;          /* all guest code runs directly, deprivileged */
	return !d->supervisor;   /* only virtual-user code runs directly */
}

static void
report(const char *what, const struct guest *g, enum vm_mode mode, const char *detail)
{
	fprintf(stderr, "\nfuzz_modes: %s: variant %s, mode %s, %u KiB, %s placement, budget "
		"%llu, image %zu bytes: %s\n", what, isa_variant_name(g->variant),
		vm_mode_name(mode), g->memory / 1024,
		g->placement == PLACE_IDENTITY ? "identity" : "relocated",
		(unsigned long long)g->budget, g->size, detail);
}

/* The first divergence, found as equiv.c finds it (a binary search over
 * the instruction count: the state after n instructions is a function of
 * n in every mode) but on the kept VMs: equiv_check makes two fresh VMs
 * for each of its probes, which on legacy, where differences are common,
 * cost the fuzzer nine tenths of its time. */

static void
note_last_insn(void *ctx, const struct machine *m, uint32_t pc, uint32_t word)
{
	struct divergence *d = ctx;
	struct cpu_state s;
	machine_get_state(m, &s);      /* bare: the real machine is the guest's */
	d->pc = pc;
	d->word = word;
	d->supervisor = (s.psw & PSW_S) != 0;
}

static bool
differ_after(const struct guest *g, enum vm_mode mode, uint64_t n)
{
	struct guest probe = *g;
	const char *what;
	probe.budget = n;
	run_guest(kept_vm(MODE_BARE, g), &probe, &probe_runs[0]);
	run_guest(kept_vm(mode, g), &probe, &probe_runs[1]);
	return runs_differ(&probe_runs[0], &probe_runs[1], g->memory, &what);
}

static void
locate(const struct guest *g, enum vm_mode mode, struct divergence *d)
{
	const struct run *a = &runs[MODE_BARE], *b = &runs[mode];
	const struct run *shorter = a->instructions < b->instructions ? a : b;
	uint64_t hi = a->instructions > b->instructions ? a->instructions : b->instructions;
	if (a->instructions != b->instructions && run_finished(shorter))
		hi = shorter->instructions;
	uint64_t lo = 0;
	hi = hi ? hi : 1;
	while (hi - lo > 1) {
		uint64_t mid = lo + (hi - lo) / 2;
		*(differ_after(g, mode, mid) ? &hi : &lo) = mid;
	}
	memset(d, 0, sizeof *d);
	d->instruction = hi;
	struct vm *vm = kept_vm(MODE_BARE, g);
	struct guest probe = *g;
	probe.budget = hi;
	vm_set_tracer(vm, &(struct machine_tracer){ .insn = note_last_insn, .ctx = d });
	run_guest(vm, &probe, &probe_runs[0]);
	vm_set_tracer(vm, NULL);
	struct isa_insn insn;
	if (isa_decode(d->word, &insn))
		d->cls = isa_class(insn.op, g->variant);
}

/* One difference in this many is also put to equiv_check itself, which
 * must find the same first divergence on fresh VMs (rarely: two fresh VMs
 * per probe made it three fifths of the fuzzer's time at 1 in 64). */
enum { EQUIV_CROSS_CHECK_EVERY = 512 };

static void
cross_check(const struct guest *g, enum vm_mode mode, const struct divergence *d)
{
	struct equiv_config cfg = { .image = g->image, .image_size = g->size,
				    .variant = g->variant, .guest_memory = g->memory,
				    .placement = g->placement, .budget = g->budget };
	struct equiv_result res;
	char err[256], detail[300];
	if (equiv_check(&cfg, mode, &res, err, sizeof err) < 0) {
		report("equiv_check failed", g, mode, err);
		abort();
	}
	equiv_run_free(&res.run);
	if (res.equivalent || res.inconclusive || res.divergence.instruction != d->instruction) {
		snprintf(detail, sizeof detail, "the kept VMs part after instruction %llu, "
			 "equiv_check (fresh VMs) says %s %llu",
			 (unsigned long long)d->instruction,
			 res.equivalent || res.inconclusive ? "no difference, or" : "after",
			 (unsigned long long)res.divergence.instruction);
		report("kept VMs and fresh ones disagree", g, mode, detail);
		abort();
	}
}

/* The runs differ: find the first divergence and judge it. */
static void
judge_difference(const struct guest *g, enum vm_mode mode, const char *what, uint32_t hash)
{
	struct divergence d;
	locate(g, mode, &d);
	if (hash % EQUIV_CROSS_CHECK_EVERY == 0)
		cross_check(g, mode, &d);
	if (hole_explains(g, mode, &d))
		return;
	char text[96], detail[400];
	disasm_insn(d.word, d.pc, NULL, text, sizeof text);
	snprintf(detail, sizeof detail, "%s differs; first after instruction %llu, pc 0x%08x "
		 "[%08x] `%s`, class 0x%x", what, (unsigned long long)d.instruction, d.pc, d.word,
		 text, d.cls);
	report("a difference no hole explains", g, mode, detail);
	abort();
}

/* ===== from input to guest ========================================================= */

/* A generated guest, seeded and patched by the input. */
static void
guest_generated(const uint8_t *data, size_t size, bool hostile, struct guest *g)
{
	unsigned seed = size >= SEED_BYTES ? fuzz_read_le(data, SEED_BYTES) : 0;
	(hostile ? fuzzgen_hostile : fuzzgen_guest)(seed, &generated);
	size_t words = generated.size / ISA_WORD;
	for (size_t at = SEED_BYTES; words && at + PATCH_BYTES <= size; at += PATCH_BYTES)
		generated.words[fuzz_read_le(data + at, 2) % words] = fuzz_read_le(data + at + 2, 4);
	g->image = (const uint8_t *)generated.words;
	g->size = generated.size;
	g->memory = generated.memory;
	g->placement = generated.placement;
}

/* 0, or -1 for an input too short to be a guest. */
static int
guest_from_input(const uint8_t *data, size_t size, struct guest *g)
{
	if (size < HEADER_BYTES)
		return -1;
	unsigned ctl = data[0];
	unsigned kind = (ctl >> CTL_KIND_SHIFT) & CTL_KIND_MASK;
	unsigned budget = fuzz_read_le(data + 1, 2);
	g->only = (enum vm_mode)(ctl >> CTL_MODE_SHIFT);   /* 0 is MODE_BARE: all */
	g->variant = (ctl & CTL_VARIANT_MASK) < ISA_VARIANT_COUNT
			     ? (enum isa_variant)(ctl & CTL_VARIANT_MASK) : ISA_STRICT;
	data += HEADER_BYTES;
	size -= HEADER_BYTES;
	if (kind == KIND_VALID || kind == KIND_HOSTILE) {
		guest_generated(data, size, kind == KIND_HOSTILE, g);
		g->budget = GUEST_BUDGET_MIN + budget % GUEST_BUDGET_RANGE;
		return 0;
	}
	g->memory = (ctl & CTL_SMALL) ? FUZZGEN_HOSTILE_SMALL_MEMORY : FUZZGEN_MEMORY;
	g->placement = (ctl & CTL_IDENTITY) ? PLACE_IDENTITY : PLACE_RELOCATED;
	g->image = data;
	g->size = size < g->memory ? size : g->memory;
	g->budget = RAW_BUDGET_MIN + budget % RAW_BUDGET_RANGE;
	return 0;
}

static bool
chosen(const struct guest *g, enum vm_mode m)
{
	return m == MODE_BARE || g->only == MODE_BARE || g->only == m;
}

static uint32_t
input_hash(const uint8_t *data, size_t size)
{
	uint32_t h = 2166136261u;              /* FNV-1a, 32 bits */
	for (size_t i = 0; i < size; i++)
		h = (h ^ data[i]) * 16777619u;
	return h;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* FUZZ_MODES_SAVE=FILE: write each input's guest image to FILE, with its
 * settings on stderr, so a finding can be replayed with `traplab equiv`. */
static void
save_guest(const struct guest *g)
{
	const char *path = getenv("FUZZ_MODES_SAVE");
	if (!path || !*path)
		return;
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(g->image, 1, g->size, f) != g->size || fclose(f) != 0) {
		fprintf(stderr, "fuzz_modes: cannot write %s\n", path);
		abort();
	}
	fprintf(stderr, "fuzz_modes: %s: traplab equiv --isa=%s --memory=%u --place=%s "
		"--max-instructions=%llu%s%s %s\n", path, isa_variant_name(g->variant),
		g->memory / 1024, g->placement == PLACE_IDENTITY ? "identity" : "relocated",
		(unsigned long long)g->budget, g->only == MODE_BARE ? "" : " --modes=",
		g->only == MODE_BARE ? "" : vm_mode_name(g->only), path);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct guest g;
	const char *what;
	if (guest_from_input(data, size, &g) < 0)
		return 0;
	save_guest(&g);
	for (enum vm_mode m = MODE_BARE; m <= MODE_BT; m++) {
		if (!chosen(&g, m))
			continue;
		run_guest(kept_vm(m, &g), &g, &runs[m]);
		if (runs[m].instructions > g.budget) {
			report("ran past the budget", &g, m, "more guest instructions than allowed");
			abort();
		}
	}
	uint32_t h = input_hash(data, size);
	if (h % FRESH_CHECK_EVERY == 0) {
		enum vm_mode m = chosen(&g, (enum vm_mode)(h / FRESH_CHECK_EVERY % MODES))
				 ? (enum vm_mode)(h / FRESH_CHECK_EVERY % MODES) : MODE_BARE;
		struct vm *vm = make_vm(m, &g);
		run_guest(vm, &g, &fresh_run);
		vm_destroy(vm);
		if (runs_differ(&fresh_run, &runs[m], g.memory, &what)) {
			report("a reused VM runs the guest unlike a fresh one", &g, m, what);
			abort();
		}
	}
	for (enum vm_mode m = MODE_TRAP; m <= MODE_BT; m++)
		if (chosen(&g, m) && runs_differ(&runs[MODE_BARE], &runs[m], g.memory, &what))
			judge_difference(&g, m, what, h);
	return 0;
}
