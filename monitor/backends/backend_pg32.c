/* backend_pg32.c — the PG32 world behind backend.h: a guest on the bare
 * machine or under the monitor (vm.h), with breakpoints, watchpoints and the
 * settings `mode`, `isa`, `place` and `memory`.  The interactive monitor
 * (shell.c) drives it; Labs 1, 3 and 5–7 step through it.
 *
 * Breakpoints and watchpoints cost nothing until there is one: then the
 * guest runs one instruction at a time, and the PC and the watched words are
 * checked after each.  Guests here are small; clarity wins over speed.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "backend_common.h"
#include "disasm.h"
#include "equiv.h"
#include "guest_file.h"
#include "vm.h"

enum {
	MAX_BREAKPOINTS = 32,
	RUN_CHUNK = 100000,        /* instructions between checks for Control-C */
	PG32_ADDR_DIGITS = 8,      /* addresses in stop messages: 0x%08x */
};

struct pg32_backend {
	struct backend base;
	/* settings */
	enum isa_variant variant;
	enum vm_mode mode;
	enum vm_placement placement;
	uint32_t memory;
	/* the guest */
	char *path;
	uint8_t *image;
	size_t size;
	struct symtab syms;
	struct vm *vm;
	bool ended;
	/* debugging */
	uint32_t breakpoints[MAX_BREAKPOINTS];
	size_t nbreakpoints;
	struct backend_watch_table watches;
	volatile sig_atomic_t interrupted;
	backend_event_fn event_fn;
	void *event_ctx;
};

static struct pg32_backend *
pg32(const struct backend *b)
{
	return (struct pg32_backend *)b;
}

/* ===== the guest ================================================================= */

static void
pg32_forward_event(void *ctx, const struct vm_event *e)
{
	struct pg32_backend *p = ctx;
	if (!p->event_fn)
		return;
	struct backend_event be = { .pc = e->trap.epc, .handler = e->handler };
	const char *cause = isa_cause_name(e->trap.cause);
	struct isa_insn insn;
	if (e->kind == VM_EVENT_CALLOUT && isa_decode(e->trap.insn, &insn))
		/* no trap: binary translation called the routine for it */
		snprintf(be.what, sizeof be.what, "sensitive %s", isa_op_info(insn.op)->name);
	else if (e->trap.cause == CAUSE_PRIVILEGED && isa_decode(e->trap.insn, &insn))
		snprintf(be.what, sizeof be.what, "%s %s", cause, isa_op_info(insn.op)->name);
	else if (e->trap.cause == CAUSE_PAGE || e->trap.cause == CAUSE_MEMORY ||
		 e->trap.cause == CAUSE_MISALIGNED)
		snprintf(be.what, sizeof be.what, "%s %s 0x%08x", cause ? cause : "?",
			 isa_access_name(e->trap.access), e->trap.badaddr);
	else
		snprintf(be.what, sizeof be.what, "%s", cause ? cause : "?");
	snprintf(be.action, sizeof be.action, "%s", vm_event_name(e->kind));
	p->event_fn(p->event_ctx, &be);
}

/* The watched word at addr, as the checks after each instruction read it:
 * translated as a word load; a word the guest cannot reach now is skipped
 * (-1), without a reason. */
static int
pg32_watched_word(void *ctx, uint64_t addr, uint32_t *value, char *err, size_t errlen)
{
	struct pg32_backend *p = ctx;
	uint32_t pa;
	(void)err;
	(void)errlen;
	if (vm_guest_translate(p->vm, (uint32_t)addr, ISA_WORD, ACCESS_LOAD, &pa) != 0)
		return -1;
	vm_read_guest_phys(p->vm, pa, value, sizeof *value);
	return 0;
}

/* (Re)create the VM with the current settings and load the image into it. */
static int
pg32_start(struct pg32_backend *p, char *err, size_t errlen)
{
	vm_destroy(p->vm);
	p->vm = NULL;
	p->ended = false;
	struct vm_config cfg = { .mode = p->mode, .variant = p->variant,
				 .guest_memory = p->memory, .placement = p->placement };
	struct vm *vm = vm_create(&cfg, err, errlen);
	if (!vm)
		return -1;
	if (vm_load_image(vm, p->image, p->size, err, errlen) < 0) {
		vm_destroy(vm);
		return -1;
	}
	vm_set_console(vm, backend_console_byte, NULL);
	vm_set_event_hook(vm, p->event_fn ? pg32_forward_event : NULL, p);
	p->vm = vm;
	/* a word that cannot be read in the new VM keeps the value last seen */
	for (size_t i = 0; i < p->watches.count; i++) {
		struct backend_watchpoint *w = &p->watches.entries[i];
		pg32_watched_word(p, w->addr, &w->value, NULL, 0);
	}
	return 0;
}

static int
pg32_load(struct backend *b, const char *path, char *err, size_t errlen)
{
	struct pg32_backend *p = pg32(b);
	uint8_t *image;
	size_t size;
	struct symtab syms;
	/* guest_file_load prints assembly errors itself, one per line */
	if (guest_file_load("monitor", path, &image, &size, &syms) < 0) {
		symtab_free(&syms);
		snprintf(err, errlen, "%s: not loaded", path);
		return -1;
	}
	free(p->image);
	symtab_free(&p->syms);
	free(p->path);
	p->image = image;
	p->size = size;
	p->syms = syms;
	p->path = strdup(path);
	p->nbreakpoints = p->watches.count = 0;
	return pg32_start(p, err, errlen);
}

static bool
pg32_loaded(const struct backend *b)
{
	return pg32(b)->vm != NULL;
}

static int
pg32_reset(struct backend *b, char *err, size_t errlen)
{
	struct pg32_backend *p = pg32(b);
	if (!p->image)
		return backend_no_guest(err, errlen);
	return pg32_start(p, err, errlen);
}

static void
pg32_describe(const struct backend *b, char *buf, size_t len)
{
	const struct pg32_backend *p = pg32(b);
	snprintf(buf, len, "%s on PG32 %s, mode %s, %u KiB%s", p->path ? p->path : "(no guest)",
		 isa_variant_name(p->variant), vm_mode_name(p->mode), p->memory / 1024,
		 p->ended ? " (ended)" : "");
}

static void
pg32_destroy(struct backend *b)
{
	struct pg32_backend *p = pg32(b);
	vm_destroy(p->vm);
	free(p->image);
	free(p->path);
	symtab_free(&p->syms);
	free(p);
}

/* ===== running ==================================================================== */

/* Can the guest run?  If not, say why in *stop; if so, leave *stop (and
 * the kind the caller chose) alone. */
static bool
pg32_not_runnable(struct pg32_backend *p, struct backend_stop *stop)
{
	if (!p->vm) {
		backend_stop_no_guest(stop);
		return true;
	}
	if (p->ended) {
		stop->kind = BSTOP_EXITED;
		stop->exit_status = vm_last_stop(p->vm)->reason == STOP_POWER_OFF
					    ? vm_last_stop(p->vm)->exit_status : -1;
		snprintf(stop->message, sizeof stop->message,
			 "the guest has ended; `reset` starts it again");
		return true;
	}
	return false;
}

static uint32_t
pg32_guest_pc(const struct pg32_backend *p)
{
	struct cpu_state s;
	vm_guest_state(p->vm, &s);
	return s.pc;
}

/* After some instructions: did the guest end? */
static bool
pg32_check_end(struct pg32_backend *p, enum machine_stop_reason why, struct backend_stop *stop)
{
	if (why == STOP_NONE || why == STOP_BUDGET)
		return false;
	p->ended = true;
	stop->kind = BSTOP_EXITED;
	stop->exit_status = why == STOP_POWER_OFF ? vm_last_stop(p->vm)->exit_status : -1;
	vm_describe_stop(p->vm, stop->message, sizeof stop->message);
	return true;
}

static bool
pg32_at_breakpoint(const struct pg32_backend *p, uint32_t pc)
{
	for (size_t i = 0; i < p->nbreakpoints; i++)
		if (p->breakpoints[i] == pc)
			return true;
	return false;
}

/* Run up to n instructions; with `stop_at_breakpoints`, stop before one
 * (but never before the first: `continue` from a breakpoint moves on). */
static void
pg32_go(struct pg32_backend *p, uint64_t n, bool stop_at_breakpoints, struct backend_stop *stop)
{
	if (pg32_not_runnable(p, stop))
		return;
	p->interrupted = 0;
	bool careful = p->watches.count > 0 || (stop_at_breakpoints && p->nbreakpoints > 0);
	uint64_t done = 0;
	while (done < n) {
		if (p->interrupted) {
			backend_stop_interrupted(stop);
			break;
		}
		if (careful && done > 0 && stop_at_breakpoints &&
		    pg32_at_breakpoint(p, pg32_guest_pc(p))) {
			backend_stop_breakpoint(stop, pg32_guest_pc(p), PG32_ADDR_DIGITS);
			break;
		}
		uint64_t chunk = careful ? 1 : (n - done < RUN_CHUNK ? n - done : RUN_CHUNK);
		uint64_t before = vm_guest_instructions(p->vm);
		enum machine_stop_reason why = vm_run(p->vm, chunk);
		done += vm_guest_instructions(p->vm) - before;
		if (pg32_check_end(p, why, stop))
			break;
		if (careful && backend_watch_fired(&p->watches, pg32_watched_word, p,
						   PG32_ADDR_DIGITS, stop))
			break;
		if (vm_guest_instructions(p->vm) == before && why == STOP_NONE)
			break;      /* nothing moved: do not spin */
	}
	if (done >= n && stop->kind == BSTOP_STEPPED && n != UINT64_MAX)
		snprintf(stop->message, sizeof stop->message, "%s", "");
	stop->pc = pg32_guest_pc(p);
}

static void
pg32_run(struct backend *b, uint64_t max_instructions, struct backend_stop *stop)
{
	backend_stop_begin(stop, BSTOP_BUDGET);
	pg32_go(pg32(b), max_instructions, true, stop);
	backend_stop_explain_budget(stop, max_instructions);
}

static void
pg32_step(struct backend *b, uint64_t n, struct backend_stop *stop)
{
	backend_stop_begin(stop, BSTOP_STEPPED);
	pg32_go(pg32(b), n, false, stop);
}

static void
pg32_interrupt(struct backend *b)
{
	pg32(b)->interrupted = 1;
}

static bool
pg32_call_return_address(struct backend *b, uint64_t *addr)
{
	struct pg32_backend *p = pg32(b);
	if (!p->vm)
		return false;
	uint32_t pc = pg32_guest_pc(p), word;
	struct isa_insn insn;
	if (vm_guest_fetch(p->vm, pc, &word) != 0 || !isa_decode(word, &insn))
		return false;
	if (insn.op != OP_call && insn.op != OP_callr)
		return false;
	*addr = pc + ISA_WORD;
	return true;
}

/* ===== state ======================================================================= */

static uint64_t
pg32_pc(const struct backend *b)
{
	const struct pg32_backend *p = pg32(b);
	return p->vm ? pg32_guest_pc(p) : 0;
}

static const char *
pg32_psw_note(uint32_t psw, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s%s%s%s", (psw & PSW_S) ? "supervisor" : "user",
		 (psw & PSW_IE) ? " IE" : "", (psw & PSW_Z) ? " Z" : "", (psw & PSW_N) ? " N" : "",
		 (psw & PSW_C) ? " C" : "", (psw & PSW_V) ? " V" : "");
	return buf;
}

/* Every PG32 register is a 32-bit word. */
static void
reg_put(struct backend_reg *out, size_t max, size_t *n, const char *name, uint64_t value,
	const char *note)
{
	backend_reg_put(out, max, n, name, value, 32, note);
}

static size_t
pg32_registers(struct backend *b, enum backend_reg_group group, struct backend_reg *out,
	       size_t max)
{
	struct pg32_backend *p = pg32(b);
	if (!p->vm)
		return 0;
	/* notes point into static buffers valid until the next call */
	static char psw_note[64], real_note[64], cause_note[64];
	struct cpu_state s;
	size_t n = 0;
	static const char *const gpr_names[ISA_NUM_GPRS] = {
		"r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9", "r10", "r11",
		"r12", "r13", "sp", "lr",
	};
	switch (group) {
	case REGS_GENERAL:
		vm_guest_state(p->vm, &s);
		for (int i = 0; i < ISA_NUM_GPRS; i++)
			reg_put(out, max, &n, gpr_names[i], s.r[i], NULL);
		reg_put(out, max, &n, "pc", s.pc, NULL);
		break;
	case REGS_CONTROL:
		vm_guest_state(p->vm, &s);
		reg_put(out, max, &n, "psw", s.psw, pg32_psw_note(s.psw, psw_note, sizeof psw_note));
		for (unsigned i = 0; i < ISA_NUM_CRS; i++) {
			const char *note = NULL;
			if (i == CR_cause && isa_cause_name(s.cr[i] & CAUSE_CODE_MASK)) {
				snprintf(cause_note, sizeof cause_note, "%s",
					 isa_cause_name(s.cr[i] & CAUSE_CODE_MASK));
				note = cause_note;
			}
			reg_put(out, max, &n, isa_control_reg_name(i), s.cr[i], note);
		}
		break;
	case REGS_REAL:
		vm_real_state(p->vm, &s);
		reg_put(out, max, &n, "pc", s.pc, NULL);
		reg_put(out, max, &n, "psw", s.psw, pg32_psw_note(s.psw, real_note, sizeof real_note));
		reg_put(out, max, &n, "rbase", s.cr[CR_rbase], NULL);
		reg_put(out, max, &n, "rbound", s.cr[CR_rbound], NULL);
		reg_put(out, max, &n, "ptbr", s.cr[CR_ptbr], NULL);
		reg_put(out, max, &n, "mmu", s.cr[CR_mmu], NULL);
		break;
	case REGS_SEGMENT:
	case REG_GROUPS:
		break;
	}
	return n;
}

static int
pg32_set_register(struct backend *b, const char *name, uint64_t value, char *err, size_t errlen)
{
	struct pg32_backend *p = pg32(b);
	if (!p->vm)
		return backend_no_guest(err, errlen);
	struct cpu_state s;
	vm_guest_state(p->vm, &s);
	int r = isa_register_by_name(name), cr = isa_control_reg_by_name(name);
	if (r >= 0)
		s.r[r] = (uint32_t)value;
	else if (cr >= 0)
		s.cr[cr] = (uint32_t)value;
	else if (strcmp(name, "pc") == 0)
		s.pc = (uint32_t)value;
	else if (strcmp(name, "psw") == 0)
		s.psw = (uint32_t)value;
	else {
		snprintf(err, errlen, "no register '%s' (general: r0-r15 sp lr pc; "
			 "control: psw tvec epc epsw cause badaddr rbase rbound ptbr mmu scratch)",
			 name);
		return -1;
	}
	vm_set_guest_state(p->vm, &s);
	return 0;
}

/* Visit [addr, addr + len) a piece at a time, translating virtual addresses. */
static int
pg32_memory(struct pg32_backend *p, uint64_t addr, bool physical, void *buf, size_t len,
	    bool write, char *err, size_t errlen)
{
	if (!p->vm)
		return backend_no_guest(err, errlen);
	uint8_t *bytes = buf;
	for (size_t done = 0; done < len;) {
		uint64_t va = addr + done;
		uint32_t pa = (uint32_t)va;
		size_t piece = len - done;
		if (va > UINT32_MAX) {
			snprintf(err, errlen, "address 0x%llx is beyond 32 bits", (unsigned long long)va);
			return -1;
		}
		if (!physical) {
			unsigned cause = vm_guest_translate(p->vm, (uint32_t)va, 1,
							    write ? ACCESS_STORE : ACCESS_LOAD, &pa);
			if (cause) {
				snprintf(err, errlen, "0x%08x: %s for the guest (%s)", (uint32_t)va,
					 cause == CAUSE_PAGE ? "not mapped" : "outside its memory",
					 isa_cause_name(cause));
				return -1;
			}
			size_t to_page_end = PAGE_SIZE - (va & (PAGE_SIZE - 1));
			if (piece > to_page_end)
				piece = to_page_end;
		}
		int rc = write ? vm_write_guest_phys(p->vm, pa, bytes + done, piece)
			       : vm_read_guest_phys(p->vm, pa, bytes + done, piece);
		if (rc < 0) {
			snprintf(err, errlen, "0x%08x: outside the guest's %u KiB of memory", pa,
				 vm_guest_memory_size(p->vm) / 1024);
			return -1;
		}
		done += piece;
	}
	return 0;
}

static int
pg32_read_memory(struct backend *b, uint64_t addr, bool physical, void *buf, size_t len,
		 char *err, size_t errlen)
{
	return pg32_memory(pg32(b), addr, physical, buf, len, false, err, errlen);
}

static int
pg32_write_memory(struct backend *b, uint64_t addr, bool physical, const void *buf, size_t len,
		  char *err, size_t errlen)
{
	return pg32_memory(pg32(b), addr, physical, (void *)buf, len, true, err, errlen);
}

static size_t
pg32_disassemble(struct backend *b, uint64_t addr, char *buf, size_t len)
{
	struct pg32_backend *p = pg32(b);
	uint32_t word;
	if (!p->vm || addr > UINT32_MAX || vm_guest_fetch(p->vm, (uint32_t)addr, &word) != 0) {
		snprintf(buf, len, "(cannot read 0x%08llx)", (unsigned long long)addr);
		return 0;
	}
	disasm_insn(word, (uint32_t)addr, &p->syms, buf, len);
	return ISA_WORD;
}

static const struct symtab *
pg32_symbols(const struct backend *b)
{
	return &pg32(b)->syms;
}

/* ===== breakpoints and watchpoints =================================================== */

static int
pg32_add_breakpoint(struct backend *b, uint64_t addr, char *err, size_t errlen)
{
	struct pg32_backend *p = pg32(b);
	if (addr > UINT32_MAX || addr % ISA_WORD) {
		snprintf(err, errlen, "0x%llx is not an instruction address (4-aligned, 32 bits)",
			 (unsigned long long)addr);
		return -1;
	}
	if (pg32_at_breakpoint(p, (uint32_t)addr)) {
		snprintf(err, errlen, "there is already a breakpoint at 0x%08x", (uint32_t)addr);
		return -1;
	}
	if (p->nbreakpoints == MAX_BREAKPOINTS) {
		snprintf(err, errlen, "too many breakpoints (%d); delete one first", MAX_BREAKPOINTS);
		return -1;
	}
	p->breakpoints[p->nbreakpoints++] = (uint32_t)addr;
	return 0;
}

static int
pg32_remove_breakpoint(struct backend *b, uint64_t addr)
{
	struct pg32_backend *p = pg32(b);
	for (size_t i = 0; i < p->nbreakpoints; i++)
		if (p->breakpoints[i] == addr) {
			p->breakpoints[i] = p->breakpoints[--p->nbreakpoints];
			return 0;
		}
	return -1;
}

/* The word at addr when a watchpoint is set: read as `x` reads it, so a
 * word the guest cannot reach is refused with the reason. */
static int
pg32_read_word(void *ctx, uint64_t addr, uint32_t *value, char *err, size_t errlen)
{
	return pg32_memory(ctx, addr, false, value, sizeof *value, false, err, errlen);
}

static int
pg32_add_watchpoint(struct backend *b, uint64_t addr, char *err, size_t errlen)
{
	if (addr > UINT32_MAX || addr % ISA_WORD) {
		snprintf(err, errlen, "watchpoints watch a word: 0x%llx is not 4-aligned",
			 (unsigned long long)addr);
		return -1;
	}
	return backend_watch_add(&pg32(b)->watches, addr, pg32_read_word, pg32(b), err, errlen);
}

static int
pg32_remove_watchpoint(struct backend *b, uint64_t addr)
{
	return backend_watch_remove(&pg32(b)->watches, addr);
}

/* ===== figures and events ============================================================ */

static void
stat_put(struct backend_stat *out, size_t max, size_t *n, const char *name, uint64_t value)
{
	backend_stat_put(out, max, n, "", name, value);
}

static size_t
pg32_stats(struct backend *b, struct backend_stat *out, size_t max)
{
	struct pg32_backend *p = pg32(b);
	if (!p->vm)
		return 0;
	struct vm_stats st;
	vm_get_stats(p->vm, &st);
	size_t n = 0;
	stat_put(out, max, &n, "guest_instructions", st.guest_instructions);
	stat_put(out, max, &n, "direct", st.direct);
	stat_put(out, max, &n, "emulated", st.emulated);
	stat_put(out, max, &n, "interpreted", st.interpreted);
	stat_put(out, max, &n, "translated", st.translated);
	for (unsigned c = 0; c < MACHINE_CAUSE_SLOTS; c++)
		if (st.real_traps[c] && isa_cause_name(c))
			backend_stat_put(out, max, &n, "traps.", isa_cause_name(c), st.real_traps[c]);
	if (p->mode != MODE_BARE) {
		stat_put(out, max, &n, "reflected", st.reflected);
		stat_put(out, max, &n, "injected_interrupts", st.injected_interrupts);
		stat_put(out, max, &n, "world_switches", st.world_switches);
		stat_put(out, max, &n, "shadow.fills", st.shadow.fills);
		stat_put(out, max, &n, "shadow.flushes", st.shadow.flushes);
		stat_put(out, max, &n, "shadow.pt_writes", st.shadow.pt_writes);
	}
	return n;
}

static void
pg32_set_event_hook(struct backend *b, backend_event_fn fn, void *ctx)
{
	struct pg32_backend *p = pg32(b);
	p->event_fn = fn;
	p->event_ctx = ctx;
	if (p->vm)
		vm_set_event_hook(p->vm, fn ? pg32_forward_event : NULL, p);
}

/* ===== settings and tools ============================================================= */

static const struct backend_option pg32_option_list[] = {
	{ "mode", "bare trap hybrid bt pv", "how the guest runs: bare machine, trap-and-emulate, "
	  "the hybrid monitor, binary translation, or paravirtualized (changing it restarts "
	  "the guest)" },
	{ "isa", "strict legacy hybrid", "the PG32 variant (restarts the guest)" },
	{ "place", "relocated identity", "where the guest's memory sits in real memory "
	  "(restarts the guest)" },
	{ "memory", NULL, "guest memory in KiB (restarts the guest)" },
	{ NULL, NULL, NULL },
};

static const struct backend_option *
pg32_options(const struct backend *b)
{
	(void)b;
	return pg32_option_list;
}

static int
pg32_get_option(const struct backend *b, const char *name, char *buf, size_t len)
{
	const struct pg32_backend *p = pg32(b);
	if (strcmp(name, "mode") == 0)
		snprintf(buf, len, "%s", vm_mode_name(p->mode));
	else if (strcmp(name, "isa") == 0)
		snprintf(buf, len, "%s", isa_variant_name(p->variant));
	else if (strcmp(name, "place") == 0)
		snprintf(buf, len, "%s", p->placement == PLACE_IDENTITY ? "identity" : "relocated");
	else if (strcmp(name, "memory") == 0)
		snprintf(buf, len, "%u", p->memory / 1024);
	else
		return -1;
	return 0;
}

static int
pg32_set_option(struct backend *b, const char *name, const char *value, char *err, size_t errlen)
{
	struct pg32_backend *p = pg32(b);
	if (strcmp(name, "mode") == 0) {
		int m = vm_mode_by_name(value);
		if (m < 0) {
			snprintf(err, errlen, "no mode '%s' (choose bare, trap, hybrid, bt or pv)", value);
			return -1;
		}
		p->mode = (enum vm_mode)m;
	} else if (strcmp(name, "isa") == 0) {
		int v = isa_variant_by_name(value);
		if (v < 0) {
			snprintf(err, errlen, "no variant '%s' (choose strict, legacy or hybrid)", value);
			return -1;
		}
		p->variant = (enum isa_variant)v;
	} else if (strcmp(name, "place") == 0) {
		if (strcmp(value, "relocated") == 0) {
			p->placement = PLACE_RELOCATED;
		} else if (strcmp(value, "identity") == 0) {
			p->placement = PLACE_IDENTITY;
		} else {
			snprintf(err, errlen, "no placement '%s' (choose relocated or identity)", value);
			return -1;
		}
	} else if (strcmp(name, "memory") == 0) {
		char *end;
		unsigned long kib = strtoul(value, &end, 0);
		if (*end || kib == 0 || kib % (PAGE_SIZE / 1024) || kib > MACHINE_MAX_MEMORY / 2048) {
			snprintf(err, errlen, "memory %s: expected KiB, a multiple of %u up to %u",
				 value, PAGE_SIZE / 1024, MACHINE_MAX_MEMORY / 2048);
			return -1;
		}
		p->memory = (uint32_t)kib * 1024;
	} else {
		return backend_no_option(pg32_option_list, name, err, errlen);
	}
	return p->image ? pg32_start(p, err, errlen) : 0;
}

static const struct backend_tool pg32_tool_list[] = {
	{ "equiv", "equiv [trap|hybrid|bt|pv ...]",
	  "run the loaded guest bare and under each mode from the start, compare everything "
	  "it can observe, and name the first instruction where they part" },
	{ NULL, NULL, NULL },
};

static const struct backend_tool *
pg32_tools(const struct backend *b)
{
	(void)b;
	return pg32_tool_list;
}

static int
pg32_tool_equiv(struct pg32_backend *p, int argc, char **argv, FILE *out, char *err,
		size_t errlen)
{
	bool modes[MODE_COUNT] = { false };
	if (argc < 2) {
		modes[MODE_TRAP] = modes[MODE_HYBRID] = modes[MODE_BT] = true;
	}
	for (int i = 1; i < argc; i++) {
		int m = vm_mode_by_name(argv[i]);
		if (m <= MODE_BARE) {
			snprintf(err, errlen, "equiv: '%s' is not a monitor mode (trap, hybrid, bt, pv)", argv[i]);
			return -1;
		}
		modes[m] = true;
	}
	struct equiv_config cfg = { .image = p->image, .image_size = p->size,
				    .variant = p->variant, .guest_memory = p->memory,
				    .placement = p->placement, .budget = MACHINE_DEFAULT_BUDGET };
	struct equiv_run bare;
	if (equiv_run_bare(&cfg, &bare, err, errlen) < 0)
		return -1;
	cfg.budget = equiv_mode_budget(&bare, cfg.budget);
	equiv_run_free(&bare);
	bool all = true;
	for (int m = MODE_TRAP; m < MODE_COUNT; m++) {
		if (!modes[m])
			continue;
		struct equiv_result r;
		if (equiv_check(&cfg, (enum vm_mode)m, &r, err, errlen) < 0)
			return -1;
		equiv_print_result(out, &r);
		all &= r.equivalent;
		equiv_run_free(&r.run);
	}
	return all ? 0 : 1;
}

static int
pg32_run_tool(struct backend *b, int argc, char **argv, FILE *out, char *err, size_t errlen)
{
	struct pg32_backend *p = pg32(b);
	if (!p->image)
		return backend_no_guest(err, errlen);
	if (strcmp(argv[0], "equiv") == 0)
		return pg32_tool_equiv(p, argc, argv, out, err, errlen);
	snprintf(err, errlen, "no tool '%s'", argv[0]);
	return -1;
}

/* ===== the table ======================================================================== */

static const struct backend_ops pg32_ops = {
	.name = "pg32",
	.destroy = pg32_destroy,
	.load = pg32_load,
	.loaded = pg32_loaded,
	.reset = pg32_reset,
	.describe = pg32_describe,
	.run = pg32_run,
	.step = pg32_step,
	.interrupt = pg32_interrupt,
	.call_return_address = pg32_call_return_address,
	.pc = pg32_pc,
	.registers = pg32_registers,
	.set_register = pg32_set_register,
	.read_memory = pg32_read_memory,
	.write_memory = pg32_write_memory,
	.disassemble = pg32_disassemble,
	.symbols = pg32_symbols,
	.add_breakpoint = pg32_add_breakpoint,
	.remove_breakpoint = pg32_remove_breakpoint,
	.add_watchpoint = pg32_add_watchpoint,
	.remove_watchpoint = pg32_remove_watchpoint,
	.stats = pg32_stats,
	.set_event_hook = pg32_set_event_hook,
	.options = pg32_options,
	.get_option = pg32_get_option,
	.set_option = pg32_set_option,
	.tools = pg32_tools,
	.run_tool = pg32_run_tool,
};

struct backend *
backend_pg32_create(char *err, size_t errlen)
{
	struct pg32_backend *p = calloc(1, sizeof *p);
	if (!p) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	p->base.ops = &pg32_ops;
	p->variant = ISA_STRICT;
	p->mode = MODE_TRAP;
	p->placement = PLACE_RELOCATED;
	p->memory = MACHINE_DEFAULT_MEMORY;
	symtab_init(&p->syms);
	return &p->base;
}
