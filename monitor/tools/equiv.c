/* equiv.c — the equivalence checker (equiv.h).  Labs 3, 6 and 7 run it.
 *
 * Popek and Goldberg compare a real machine and a virtual one "at halts":
 * same final state, same outputs.  PG32 runs are deterministic (the timer
 * counts instructions), so we can do better than halts: the state after the
 * n-th guest instruction is a function of n alone, in every mode.  When the
 * final states differ, a binary search over n finds the first instruction
 * after which bare and the monitor disagree — and that instruction, with its
 * class from opcodes.def, is the explanation.
 */
#include "equiv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "disasm.h"

/* What a guest can observe after n instructions: console, state, memory.
 * Memory is kept a page at a time, and only the pages the guest wrote: the
 * others are zero (vm_guest_page_written), so a snapshot of a guest that
 * used 30 pages of 16 MiB costs 30 pages. */
struct snapshot {
	char *output;
	size_t len, cap;
	struct cpu_state state;
	uint8_t **pages;               /* [memory_size / PAGE_SIZE]; NULL: all zero */
	uint32_t memory_size;
	struct machine_stop_info stop;
	uint64_t instructions;
	struct vm_stats stats;
	double seconds;
	/* the last instruction executed, for naming the divergence */
	uint32_t last_pc, last_word;
};

static void
snapshot_console(void *ctx, uint8_t byte)
{
	struct snapshot *s = ctx;
	if (s->len + 2 > s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 1024;
		char *bigger = realloc(s->output, cap);
		if (!bigger)
			return;
		s->output = bigger;
		s->cap = cap;
	}
	s->output[s->len++] = (char)byte;
	s->output[s->len] = '\0';
}

static void
snapshot_trace_insn(void *ctx, const struct machine *m, uint32_t pc, uint32_t word)
{
	(void)m;
	struct snapshot *s = ctx;
	s->last_pc = pc;
	s->last_word = word;
}

static void
snapshot_free(struct snapshot *s)
{
	free(s->output);
	if (s->pages)
		for (uint32_t i = 0; i < s->memory_size / PAGE_SIZE; i++)
			free(s->pages[i]);
	free(s->pages);
	memset(s, 0, sizeof *s);
}

/* Copy the pages of guest memory the guest wrote. */
static int
snapshot_memory(struct snapshot *s, const struct vm *vm)
{
	s->memory_size = vm_guest_memory_size(vm);
	s->pages = calloc(s->memory_size / PAGE_SIZE, sizeof *s->pages);
	if (!s->pages)
		return -1;
	for (uint32_t i = 0; i < s->memory_size / PAGE_SIZE; i++) {
		if (!vm_guest_page_written(vm, i * PAGE_SIZE))
			continue;
		if (!(s->pages[i] = malloc(PAGE_SIZE)))
			return -1;
		vm_read_guest_phys(vm, i * PAGE_SIZE, s->pages[i], PAGE_SIZE);
	}
	return 0;
}

static double
seconds_now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Run n guest instructions (or to the end); with cfg->interrupted, a
 * slice at a time, giving up when it is set.  0, or -1 interrupted. */
static int
snapshot_run(const struct equiv_config *cfg, struct vm *vm, uint64_t n, char *err,
	     size_t errlen)
{
	if (!cfg->interrupted) {
		vm_run(vm, n);
		return 0;
	}
	for (;;) {
		if (*cfg->interrupted) {
			snprintf(err, errlen, "interrupted (Control-C): no verdict");
			return -1;
		}
		uint64_t before = vm_guest_instructions(vm);
		enum machine_stop_reason why = vm_run(vm, n < EQUIV_INTERRUPT_SLICE ? n
							 : EQUIV_INTERRUPT_SLICE);
		uint64_t ran = vm_guest_instructions(vm) - before;
		n -= ran < n ? ran : n;
		if (n == 0 || ran == 0 || (why != STOP_NONE && why != STOP_BUDGET))
			return 0;
	}
}

/* Run `mode` for n guest instructions (or to the end) from a fresh load. */
static int
snapshot_take(const struct equiv_config *cfg, enum vm_mode mode, uint64_t n, bool trace,
	      struct snapshot *s, char *err, size_t errlen)
{
	memset(s, 0, sizeof *s);
	struct vm_config vc = { .mode = mode, .variant = cfg->variant,
				.guest_memory = cfg->guest_memory, .placement = cfg->placement };
	struct vm *vm = vm_create(&vc, err, errlen);
	if (!vm)
		return -1;
	if (vm_load_image(vm, cfg->image, cfg->image_size, err, errlen) < 0) {
		vm_destroy(vm);
		return -1;
	}
	vm_set_console(vm, snapshot_console, s);
	if (trace)
		vm_set_tracer(vm, &(struct machine_tracer){ .insn = snapshot_trace_insn, .ctx = s });
	double t0 = seconds_now();
	if (snapshot_run(cfg, vm, n, err, errlen) < 0) {
		vm_destroy(vm);
		snapshot_free(s);
		return -1;
	}
	s->seconds = seconds_now() - t0;
	vm_guest_state(vm, &s->state);
	s->stop = *vm_last_stop(vm);
	s->instructions = vm_guest_instructions(vm);
	vm_get_stats(vm, &s->stats);
	if (snapshot_memory(s, vm) < 0) {
		snprintf(err, errlen, "out of memory");
		vm_destroy(vm);
		snapshot_free(s);
		return -1;
	}
	if (!s->output)
		s->output = calloc(1, 1);
	vm_destroy(vm);
	return 0;
}

/* Did the run end by itself?  Only then can it be called equivalent. */
static bool
stop_finished(const struct machine_stop_info *st)
{
	return st->reason != STOP_BUDGET && st->reason != STOP_NONE;
}

static const char *
stop_words(const struct machine_stop_info *st)
{
	switch (st->reason) {
	case STOP_NONE:
	case STOP_BUDGET:         return "stopped by the budget";
	case STOP_POWER_OFF:      return "powered off";
	case STOP_UNHANDLED_TRAP: return "stopped on an unhandled trap";
	case STOP_HALTED_FOREVER: return "halted forever";
	case STOP_TRAP_STORM:     return "stopped in a trap storm";
	default:                  return "still running";
	}
}

/* Compare two snapshots; on a difference, describe the first one found. */
static bool
snapshot_differ(const struct snapshot *a, const struct snapshot *b, const char *bname,
		char *what, size_t len)
{
	if (a->len != b->len || memcmp(a->output, b->output, a->len) != 0) {
		snprintf(what, len, "console output differs (bare printed %zu bytes, %s %zu)",
			 a->len, bname, b->len);
		return true;
	}
	for (int i = 0; i < ISA_NUM_GPRS; i++)
		if (a->state.r[i] != b->state.r[i]) {
			snprintf(what, len, "r%d differs: bare 0x%08x, %s 0x%08x", i,
				 a->state.r[i], bname, b->state.r[i]);
			return true;
		}
	if (a->state.pc != b->state.pc) {
		snprintf(what, len, "pc differs: bare 0x%08x, %s 0x%08x", a->state.pc, bname,
			 b->state.pc);
		return true;
	}
	if (a->state.psw != b->state.psw) {
		snprintf(what, len, "PSW differs: bare 0x%08x (S=%d IE=%d), %s 0x%08x (S=%d IE=%d)",
			 a->state.psw, !!(a->state.psw & PSW_S), !!(a->state.psw & PSW_IE), bname,
			 b->state.psw, !!(b->state.psw & PSW_S), !!(b->state.psw & PSW_IE));
		return true;
	}
	for (unsigned i = 0; i < ISA_NUM_CRS; i++)
		if (a->state.cr[i] != b->state.cr[i]) {
			snprintf(what, len, "control register %s differs: bare 0x%08x, %s 0x%08x",
				 isa_control_reg_name(i), a->state.cr[i], bname, b->state.cr[i]);
			return true;
		}
	static const uint8_t zero_page[PAGE_SIZE];
	for (uint32_t i = 0; i < a->memory_size / PAGE_SIZE; i++) {
		const uint8_t *pa = a->pages[i] ? a->pages[i] : zero_page;
		const uint8_t *pb = b->pages[i] ? b->pages[i] : zero_page;
		if (pa == pb || memcmp(pa, pb, PAGE_SIZE) == 0)
			continue;
		for (uint32_t off = 0; off < PAGE_SIZE; off += ISA_WORD) {
			uint32_t x, y;
			memcpy(&x, pa + off, sizeof x);
			memcpy(&y, pb + off, sizeof y);
			if (x != y) {
				snprintf(what, len, "guest memory differs at 0x%08x: bare 0x%08x, "
					 "%s 0x%08x", i * PAGE_SIZE + off, x, bname, y);
				return true;
			}
		}
	}
	bool a_ran_on = !stop_finished(&a->stop), b_ran_on = !stop_finished(&b->stop);
	if (a_ran_on != b_ran_on || (!a_ran_on && (a->stop.reason != b->stop.reason ||
						     a->stop.exit_status != b->stop.exit_status))) {
		snprintf(what, len, "the end differs: bare %s, %s %s", stop_words(&a->stop),
			 bname, stop_words(&b->stop));
		return true;
	}
	return false;
}

/* The Popek–Goldberg reason an instruction of class `cls` diverged. */
static void
equiv_explain(const struct isa_op_info *info, unsigned cls, enum isa_variant variant,
	      enum vm_mode mode, char *why, size_t len)
{
	const char *v = isa_variant_name(variant);
	bool priv = cls & CLS_PRIV;
	if (!priv && (cls & (CLS_LOC | CLS_LOCU)))
		snprintf(why, len, "%s is location-sensitive%s and not privileged on %s: "
			 "run directly, it revealed the real relocation, not the guest's",
			 info->name, (cls & CLS_LOCU) ? " (even from user mode)" : "", v);
	else if (!priv && (cls & CLS_MODE))
		snprintf(why, len, "%s is mode-sensitive and not privileged on %s: run "
			 "directly in real user mode, it saw the real mode, not the guest's",
			 info->name, v);
	else if (!priv && (cls & (CLS_CTRL | CLS_CTRLU)))
		snprintf(why, len, "%s is control-sensitive and not privileged on %s: run "
			 "directly in real user mode, its change of mode or interrupt bit "
			 "never reached the monitor", info->name, v);
	else
		snprintf(why, len, "%s is %s on %s; under %s the difference comes from state "
			 "the monitor did not virtualize", info->name,
			 priv ? "privileged" : "innocuous", v, vm_mode_name(mode));
}

static void
run_from_snapshot(struct equiv_run *run, enum vm_mode mode, struct snapshot *s)
{
	run->mode = mode;
	run->output = s->output;
	run->output_len = s->len;
	s->output = NULL;
	run->state = s->state;
	run->stop = s->stop;
	run->stats = s->stats;
	run->host_seconds = s->seconds;
}

int
equiv_run_bare(const struct equiv_config *cfg, struct equiv_run *bare, char *err, size_t errlen)
{
	struct snapshot s;
	memset(bare, 0, sizeof *bare);
	if (snapshot_take(cfg, MODE_BARE, cfg->budget, false, &s, err, errlen) < 0)
		return -1;
	run_from_snapshot(bare, MODE_BARE, &s);
	snapshot_free(&s);
	return 0;
}

/* An instruction count after which two whole runs that differ are known to
 * differ: the upper end of the binary search.  After the longer run's count
 * both snapshots are the final states, which differ.  But when one run
 * finished (powered off, say) before the other, they already differ after
 * the shorter one's count -- one has ended, the other is still running --
 * and searching below it spares every probe the instructions a runaway
 * monitor ran on (minios under trap on legacy: 3.4 million, against bare's
 * 118 thousand). */
static uint64_t
equiv_search_end(const struct snapshot *a, const struct snapshot *b)
{
	const struct snapshot *shorter = a->instructions < b->instructions ? a : b;
	uint64_t end = a->instructions > b->instructions ? a->instructions : b->instructions;
	if (a->instructions != b->instructions && stop_finished(&shorter->stop))
		end = shorter->instructions;
	return end ? end : 1;
}

/* Binary search for the first n after which the runs differ.  Invariant:
 * equal after lo instructions, different after hi. */
static int
equiv_locate(const struct equiv_config *cfg, enum vm_mode mode, uint64_t hi,
	     struct equiv_divergence *d, char *err, size_t errlen)
{
	uint64_t lo = 0;
	const char *name = vm_mode_name(mode);
	while (hi - lo > 1) {
		uint64_t mid = lo + (hi - lo) / 2;
		struct snapshot a, b;
		if (snapshot_take(cfg, MODE_BARE, mid, false, &a, err, errlen) < 0)
			return -1;
		if (snapshot_take(cfg, mode, mid, false, &b, err, errlen) < 0) {
			snapshot_free(&a);
			return -1;
		}
		char what[256];
		if (snapshot_differ(&a, &b, name, what, sizeof what))
			hi = mid;
		else
			lo = mid;
		snapshot_free(&a);
		snapshot_free(&b);
	}
	struct snapshot a, b;
	if (snapshot_take(cfg, MODE_BARE, hi, true, &a, err, errlen) < 0)
		return -1;
	if (snapshot_take(cfg, mode, hi, false, &b, err, errlen) < 0) {
		snapshot_free(&a);
		return -1;
	}
	snapshot_differ(&a, &b, name, d->what, sizeof d->what);
	d->instruction = hi;
	d->pc = a.last_pc;
	d->word = a.last_word;
	disasm_insn(d->word, d->pc, NULL, d->insn_text, sizeof d->insn_text);
	struct isa_insn insn;
	if (isa_decode(d->word, &insn)) {
		d->cls = isa_class(insn.op, cfg->variant);
		equiv_explain(isa_op_info(insn.op), d->cls, cfg->variant, mode, d->why, sizeof d->why);
	} else {
		snprintf(d->why, sizeof d->why, "the word does not decode");
	}
	snapshot_free(&a);
	snapshot_free(&b);
	return 0;
}

int
equiv_check(const struct equiv_config *cfg, enum vm_mode mode, struct equiv_result *out,
	    char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	struct snapshot ref, s;
	if (snapshot_take(cfg, MODE_BARE, cfg->budget, false, &ref, err, errlen) < 0)
		return -1;
	if (snapshot_take(cfg, mode, cfg->budget, false, &s, err, errlen) < 0) {
		snapshot_free(&ref);
		return -1;
	}
	char what[256];
	bool same = !snapshot_differ(&ref, &s, vm_mode_name(mode), what, sizeof what);
	bool bare_finished = stop_finished(&ref.stop);
	out->equivalent = same && bare_finished;
	out->inconclusive = same && !bare_finished;
	uint64_t hi = equiv_search_end(&ref, &s);
	run_from_snapshot(&out->run, mode, &s);
	snapshot_free(&ref);
	snapshot_free(&s);
	if (same)
		return 0;
	return equiv_locate(cfg, mode, hi, &out->divergence, err, errlen);
}

bool
equiv_run_finished(const struct equiv_run *run)
{
	return stop_finished(&run->stop);
}

uint64_t
equiv_mode_budget(const struct equiv_run *bare, uint64_t bare_budget, bool by_reference)
{
	uint64_t n = bare->stats.guest_instructions;
	if (!equiv_run_finished(bare))
		return bare_budget;
	return by_reference ? EQUIV_REFERENCE_BUDGET(n) : EQUIV_AUTO_BUDGET(n);
}

bool
equiv_died_on_hcall(const struct equiv_run *run, uint32_t *pc)
{
	const struct machine_stop_info *st = &run->stop;
	bool hcall = (st->reason == STOP_UNHANDLED_TRAP || st->reason == STOP_TRAP_STORM) &&
		     st->trap.cause == CAUSE_HYPERCALL;
	if (hcall && pc)
		*pc = st->trap.epc;
	return hcall;
}

int
equiv_check_reference(const struct equiv_config *cfg, enum vm_mode mode,
		      const uint8_t *ref_image, size_t ref_size,
		      struct equiv_result *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	out->by_reference = true;
	struct equiv_config ref_cfg = *cfg;
	ref_cfg.image = ref_image;
	ref_cfg.image_size = ref_size;
	struct snapshot ref, s;
	if (snapshot_take(&ref_cfg, MODE_BARE, cfg->budget, false, &ref, err, errlen) < 0)
		return -1;
	if (snapshot_take(cfg, mode, cfg->budget, false, &s, err, errlen) < 0) {
		snapshot_free(&ref);
		return -1;
	}
	struct equiv_divergence *d = &out->divergence;
	size_t common = ref.len < s.len ? ref.len : s.len, at = 0;
	while (at < common && ref.output[at] == s.output[at])
		at++;
	bool same_output = at == ref.len && at == s.len;
	bool same_end = ref.stop.reason == s.stop.reason &&
			ref.stop.exit_status == s.stop.exit_status;
	bool finished = stop_finished(&ref.stop);
	out->equivalent = same_output && same_end && finished;
	out->inconclusive = same_output && same_end && !finished;
	if (!same_output)
		snprintf(d->what, sizeof d->what, "console output differs from byte %zu on "
			 "(the reference printed %zu bytes, %s %zu)", at, ref.len,
			 vm_mode_name(mode), s.len);
	else if (!same_end)
		snprintf(d->what, sizeof d->what, "the end differs: the reference %s, %s %s",
			 stop_words(&ref.stop), vm_mode_name(mode), stop_words(&s.stop));
	snprintf(d->why, sizeof d->why, "a paravirtual guest is compared with its unmodified "
		 "reference by what both show: console output and how the run ended");
	run_from_snapshot(&out->run, mode, &s);
	snapshot_free(&ref);
	snapshot_free(&s);
	return 0;
}

void
equiv_run_free(struct equiv_run *run)
{
	free(run->output);
	run->output = NULL;
}

void
equiv_print_result(FILE *out, const struct equiv_result *r)
{
	const struct vm_stats *st = &r->run.stats;
	double share = st->guest_instructions
			       ? 100.0 * (double)st->direct / (double)st->guest_instructions : 0;
	const char *verdict = r->equivalent ? "equivalent    "
			    : r->inconclusive ? "inconclusive  " : "NOT equivalent";
	if (r->by_reference)
		verdict = r->equivalent ? "same as reference"
			: r->inconclusive ? "inconclusive  " : "differs from reference";
	fprintf(out, "  %-7s %s  %llu instructions, %.1f%% direct\n", vm_mode_name(r->run.mode),
		verdict, (unsigned long long)st->guest_instructions, share);
	if (r->equivalent)
		return;
	if (r->inconclusive) {
		fprintf(out, "          the same after all %llu instructions, but the budget ended "
			"%s before the guest finished: raise --max-instructions\n",
			(unsigned long long)st->guest_instructions,
			r->by_reference ? "the reference's run" : "the bare run");
		return;
	}
	const struct equiv_divergence *d = &r->divergence;
	if (r->by_reference) {
		fprintf(out, "          %s\n", d->what);
		return;
	}
	fprintf(out, "          first divergence after instruction %llu, pc 0x%08x: %s\n",
		(unsigned long long)d->instruction, d->pc, d->insn_text);
	fprintf(out, "          %s\n", d->what);
	fprintf(out, "          why: %s\n", d->why);
}
