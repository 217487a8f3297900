/* backend_pg32.c — the PG32 world behind backend.h: a guest on the bare
 * machine or under the monitor (vm.h), loaded, run and stepped.  The
 * interactive monitor (shell.c) drives it; Labs 1, 3 and 5–7 step through
 * it.  Its state (backend_pg32_state.c) and its figures, settings and tools
 * (backend_pg32_settings.c) are beside it.
 *
 * Breakpoints and watchpoints cost nothing until there is one: then the
 * guest runs one instruction at a time, and the PC and the watched words are
 * checked after each.  Guests here are small; clarity wins over speed.
 */
#include <stdlib.h>
#include <string.h>

#include "backend_pg32_internal.h"
#include "guest_image.h"

/* ===== the guest ================================================================= */

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

/* (Re)start the guest with the current settings: reload the VM there is
 * when the settings have not changed since it was made -- a machine is
 * mmap'd and a reload clears only the pages the last run wrote, so a reset
 * costs microseconds, not a new VM (tests/fuzz/fuzz_shell.c resets for
 * every input) -- else make a new one. */
int
pg32_start(struct pg32_backend *p, char *err, size_t errlen)
{
	struct vm_config cfg = { .mode = p->mode, .variant = p->variant,
				 .guest_memory = p->memory, .placement = p->placement };
	bool same = p->vm && cfg.mode == p->vm_cfg.mode && cfg.variant == p->vm_cfg.variant &&
		    cfg.guest_memory == p->vm_cfg.guest_memory &&
		    cfg.placement == p->vm_cfg.placement;
	/* a new VM replaces the old one only once the image is in it: a guest
	 * that cannot start so leaves the old one as it was */
	struct vm *vm = same ? p->vm : vm_create(&cfg, err, errlen);
	if (!vm)
		return -1;
	if (vm_load_image(vm, p->image, p->size, err, errlen) < 0) {
		if (vm == p->vm)
			p->vm = NULL;       /* its reload failed half-way: no guest */
		vm_destroy(vm);
		return -1;
	}
	if (vm != p->vm)
		vm_destroy(p->vm);
	p->ended = false;
	vm_set_console(vm, p->console_fn, p->console_ctx);
	vm_set_event_hook(vm, p->event_fn ? pg32_forward_event : NULL, p);
	p->vm = vm;
	p->vm_cfg = cfg;
	/* a word that cannot be read in the new VM keeps the value last seen */
	for (size_t i = 0; i < p->watches.count; i++) {
		struct backend_watchpoint *w = &p->watches.entries[i];
		pg32_watched_word(p, w->addr, &w->value, NULL, 0);
	}
	return 0;
}

/* The loader prints nothing: what went wrong becomes the one line of err,
 * with the assembler's first error when the source does not assemble. */
static int
pg32_load(struct backend *b, const char *path, char *err, size_t errlen)
{
	struct pg32_backend *p = pg32(b);
	struct guest_image g;
	if (guest_image_load(path, &g) != GUEST_IMAGE_LOADED) {
		const char *first = g.nerrors ? g.errors[0] : "";
		snprintf(err, errlen, "%s%s%.*s", g.message, g.nerrors ? "; the first: " : "",
			 (int)strcspn(first, "\n"), first);
		guest_image_free(&g);
		return -1;
	}
	free(p->image);
	symtab_free(&p->syms);
	free(p->path);
	guest_image_take(&g, &p->image, &p->size, &p->syms);
	guest_image_free(&g);
	p->path = strdup(path);
	p->nbreakpoints = p->watches.count = 0;
	vm_destroy(p->vm);             /* another guest: never the old one's VM */
	p->vm = NULL;
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

uint32_t
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

bool
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
	.set_console = pg32_set_console,
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
	p->console_fn = backend_console_byte;
	symtab_init(&p->syms);
	pg32_settings_init(p);
	return &p->base;
}

