/* vm.c — one guest under the monitor: creating the two machines, the run
 * loop every mode shares, and the world switch into direct execution
 * (vm.h has the picture).  Labs 3–7 read vm_run() first.
 *
 * The run loop, whatever the mode:
 *   1. if the guest's virtual timer has an interrupt for it and its virtual
 *      PSW allows it (in pv mode: its shared-page mask), inject it;
 *   2. guest in virtual supervisor mode: in hybrid mode interpret it
 *      (hybrid.c), in bt mode run it from the translation cache (bt_*.c);
 *   3. otherwise run the guest directly on the real machine, in real user
 *      mode, until it traps or its virtual timer is due; then let trap.c
 *      decide what the trap means (in pv mode a hypercall goes to pv.c).
 * Every guest instruction is counted on the virtual machine exactly once —
 * run directly, emulated or interpreted — so the virtual timer and the
 * instruction budget see the same count as on bare hardware.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vm_internal.h"

static const char *const mode_names[MODE_COUNT] = {
	[MODE_BARE] = "bare",
	[MODE_TRAP] = "trap",
	[MODE_HYBRID] = "hybrid",
	[MODE_BT] = "bt",
	[MODE_PV] = "pv",
};

const char *
vm_mode_name(enum vm_mode mode)
{
	return (unsigned)mode < MODE_COUNT ? mode_names[mode] : "?";
}

int
vm_mode_by_name(const char *name)
{
	for (int i = 0; i < MODE_COUNT; i++)
		if (strcmp(mode_names[i], name) == 0)
			return i;
	return -1;
}

static const char *const event_names[VM_EVENT_KINDS] = {
	[VM_EVENT_DELIVERED] = "delivered",
	[VM_EVENT_EMULATED] = "emulated",
	[VM_EVENT_CALLOUT] = "callout",
	[VM_EVENT_REFLECTED] = "reflected",
	[VM_EVENT_INJECTED] = "injected",
	[VM_EVENT_SHADOW_FILL] = "shadow-fill",
	[VM_EVENT_PT_WRITE] = "pt-write",
};

const char *
vm_event_name(enum vm_event_kind kind)
{
	return (unsigned)kind < VM_EVENT_KINDS ? event_names[kind] : "?";
}

void
vm_emit_to(struct vm *vm, enum vm_event_kind kind, const struct machine_trap *trap,
	   uint32_t handler)
{
	if (!vm->event_hook)
		return;
	struct vm_event e = { .kind = kind, .trap = *trap, .handler = handler };
	vm->event_hook(vm->event_ctx, &e);
}

void
vm_emit(struct vm *vm, enum vm_event_kind kind, const struct machine_trap *trap)
{
	if (!vm->event_hook)
		return;
	vm_emit_to(vm, kind, trap, machine_state(vm->virt)->pc);
}

void
vm_trace_translated(struct vm *vm, uint64_t retired, uint32_t pc, uint32_t word)
{
	if (vm->insn_hook)
		vm->insn_hook(vm->insn_ctx, &(struct vm_insn){ .retired = retired, .pc = pc,
				.word = word, .supervisor = true, .runner = VM_RUN_TRANSLATED });
}

/* Every trap a machine raises passes here when someone watches: the
 * caller's tracer sees it, and when the virtual machine raised it — on bare
 * hardware, or while the hybrid monitor interprets — the machine delivers
 * it itself, so the event hook hears of it here. */
static void
vm_forward_trap(void *ctx, const struct machine *m, const struct machine_trap *trap)
{
	struct vm *vm = ctx;
	struct cpu_state s;
	machine_get_state(m, &s);
	if (vm->event_hook && m == vm->virt) {
		struct vm_event e = { .kind = VM_EVENT_DELIVERED, .trap = *trap,
				      .handler = s.cr[CR_tvec] };
		vm->event_hook(vm->event_ctx, &e);
	}
	if (vm->tracer.trap)
		vm->tracer.trap(vm->tracer.ctx, m, trap);
}

/* The real machine's trap hook: every trap comes to the monitor.  Most stop
 * the real machine (vm_run_direct handles them); the cheapest are handled
 * here and direct execution goes on (trap.c, exits handled in place). */
static enum machine_trap_action
vm_real_trap_hook(void *ctx, struct machine *m, const struct machine_trap *trap)
{
	struct vm *vm = ctx;
	enum machine_trap_action action = trap_handle_in_place(vm, m, trap);
	if (action == TRAP_EMULATED)
		vm->real_retired_at_entry++;   /* counted on the virtual machine already */
	return action;
}

struct vm *
vm_create(const struct vm_config *cfg, char *err, size_t errlen)
{
	struct vm *vm = calloc(1, sizeof *vm);
	if (!vm) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	vm->cfg = *cfg;
	struct machine_config real = { .variant = cfg->variant, .memory_size = cfg->guest_memory };
	if (cfg->mode == MODE_BARE) {
		vm->real = machine_create(&real, err, errlen);
		if (!vm->real)
			goto fail;
		vm->virt = vm->real;
		return vm;
	}
	if (cfg->guest_memory > MACHINE_MAX_MEMORY - MONITOR_MEMORY) {
		snprintf(err, errlen, "guest memory of %u bytes leaves no room for the monitor",
			 cfg->guest_memory);
		goto fail;
	}
	real.memory_size = cfg->guest_memory + MONITOR_MEMORY;
	vm->real = machine_create(&real, err, errlen);
	if (!vm->real)
		goto fail;
	if (cfg->placement == PLACE_IDENTITY) {
		vm->guest_base = 0;
		vm->monitor_base = cfg->guest_memory;
	} else {
		vm->monitor_base = 0;
		vm->guest_base = MONITOR_MEMORY;
	}
	vm->virt = machine_create_view(vm->real, vm->guest_base, cfg->guest_memory, err, errlen);
	if (!vm->virt)
		goto fail;
	if (shadow_init(&vm->shadow, vm->monitor_base, MONITOR_MEMORY, vm->guest_base,
			cfg->guest_memory) < 0) {
		snprintf(err, errlen, "out of memory for shadow page tables");
		goto fail;
	}
	machine_set_trap_hook(vm->real, vm_real_trap_hook, vm);
	/* TRAPLAB_NO_IN_PLACE=1: every exit goes the long way (trap.c), for
	 * the tests that both agree and for comparing the two (Lab 4). */
	const char *no_in_place = getenv("TRAPLAB_NO_IN_PLACE");
	vm->in_place = cfg->mode == MODE_TRAP &&
		       !(no_in_place && *no_in_place && strcmp(no_in_place, "0") != 0);
	pv_init(&vm->pv);
	if (cfg->mode == MODE_BT &&
	    !(vm->bt = bt_create(cfg->bt_cache_blocks, !cfg->bt_no_chaining))) {
		snprintf(err, errlen, "out of memory for the translation cache");
		goto fail;
	}
	return vm;
fail:
	vm_destroy(vm);
	return NULL;
}

void
vm_destroy(struct vm *vm)
{
	if (!vm)
		return;
	if (vm->virt != vm->real)
		machine_destroy(vm->virt);
	machine_destroy(vm->real);
	shadow_free(&vm->shadow);
	bt_destroy(vm->bt);
	free(vm);
}

int
vm_load_image(struct vm *vm, const uint8_t *image, size_t size, char *err, size_t errlen)
{
	if (vm->virt == vm->real)
		return machine_load_image(vm->real, image, size, err, errlen);
	if (size > vm->cfg.guest_memory) {
		snprintf(err, errlen, "image is %zu bytes but guest memory is only %u bytes "
			 "(use --memory to give the guest more)", size, vm->cfg.guest_memory);
		return -1;
	}
	/* Clear all of real memory (the pages the last run used), then load
	 * the guest at its base. */
	machine_wipe_memory(vm->real);
	machine_write_phys(vm->virt, 0, image, size);
	machine_reset(vm->real);
	machine_reset(vm->virt);
	memset(&vm->stats, 0, sizeof vm->stats);
	memset(&vm->shadow.stats, 0, sizeof vm->shadow.stats);
	vm->shadow.next_free = 0;   /* shadows are rebuilt on first use */
	pv_init(&vm->pv);
	if (vm->bt)
		bt_reset(vm->bt);       /* an empty cache for a fresh guest */
	vm->stopped = false;
	vm->events_without_progress = 0;
	memset(&vm->stop, 0, sizeof vm->stop);
	return 0;
}

void
vm_set_console(struct vm *vm, machine_console_sink sink, void *ctx)
{
	/* The guest's console is a virtual device: on the virtual machine. */
	machine_set_console(vm->virt, sink, ctx);
}

void
vm_console_input(struct vm *vm, const char *text, size_t len)
{
	machine_console_input(vm->virt, text, len);
}

/* Forwarders, with the vm as their context: the caller's tracer, plus (in
 * bare mode, where the machine delivers traps itself) the event hook. */
static void
vm_forward_insn(void *ctx, const struct machine *m, uint32_t pc, uint32_t word)
{
	struct vm *vm = ctx;
	if (vm->tracer.insn)
		vm->tracer.insn(vm->tracer.ctx, m, pc, word);
	if (!vm->insn_hook)
		return;
	/* The guest's view: on the real machine of a monitored mode, the count
	 * is the virtual machine's plus what ran since the world switch, and
	 * the mode is the vCPU's, which direct execution does not change. */
	struct cpu_state g;
	machine_get_state(vm->virt, &g);
	struct vm_insn insn = { .pc = pc, .word = word, .supervisor = g.psw & PSW_S };
	if (vm->cfg.mode == MODE_BARE) {
		insn.runner = VM_RUN_BARE;
		insn.retired = machine_retired(m);
	} else if (m == vm->real) {
		insn.runner = VM_RUN_DIRECT;
		insn.retired = machine_retired(vm->virt) + machine_retired(m) -
			       vm->real_retired_at_entry;
	} else {
		insn.runner = VM_RUN_INTERPRETED;
		insn.retired = machine_retired(m);
	}
	vm->insn_hook(vm->insn_ctx, &insn);
}

static void
vm_install_tracers(struct vm *vm)
{
	bool bare = vm->virt == vm->real;
	bool want_insn = vm->tracer.insn != NULL || vm->insn_hook != NULL;
	bool want_trap = vm->tracer.trap != NULL || vm->event_hook != NULL;
	struct machine_tracer t = {
		.insn = want_insn ? vm_forward_insn : NULL,
		.trap = want_trap ? vm_forward_trap : NULL,
		.ctx = vm,
	};
	machine_set_tracer(vm->real, (want_insn || want_trap) ? &t : NULL);
	if (!bare)
		machine_set_tracer(vm->virt, (want_insn || want_trap) ? &t : NULL);
}

void
vm_set_tracer(struct vm *vm, const struct machine_tracer *tracer)
{
	if (tracer)
		vm->tracer = *tracer;
	else
		memset(&vm->tracer, 0, sizeof vm->tracer);
	vm_install_tracers(vm);
}

void
vm_set_insn_hook(struct vm *vm, vm_insn_hook hook, void *ctx)
{
	vm->insn_hook = hook;
	vm->insn_ctx = ctx;
	vm_install_tracers(vm);
}

void
vm_set_event_hook(struct vm *vm, vm_event_hook hook, void *ctx)
{
	vm->event_hook = hook;
	vm->event_ctx = ctx;
	vm_install_tracers(vm);
}

/* ===== the world switch ========================================================== */

/* The real machine's translation for the guest's next stretch of direct
 * execution: P&G's f, composing the guest's R with the monitor's.  The
 * guest's memory is guest_memory bytes at guest_base in real memory; nothing
 * the guest writes into its control registers may reach past it (resource
 * control, SPEC §5.1's "difference from the paper", §5.2). */
static void
vm_compose_translation(struct vm *vm, const struct cpu_state *g, struct cpu_state *r)
{
	/* LAB 4: vm_compose_translation: the real mmu/rbase/rbound (or shadow ptbr) for the guest's mode, inside its memory; paging off makes the shadows stale (SPEC §5.1-§5.3) */
	/* STUB: (void)g; */
	/* STUB: r->cr[CR_mmu] = 0; */
	/* STUB: r->cr[CR_rbase] = vm->guest_base; */
	/* STUB: r->cr[CR_rbound] = vm->cfg.guest_memory; */
	uint32_t guest_size = vm->cfg.guest_memory;
	bool supervisor = g->psw & PSW_S;
	if (g->cr[CR_mmu] & MMU_PG) {
		/* the guest's tables, shadowed: one tree per guest mode */
		r->cr[CR_mmu] = MMU_PG;
		r->cr[CR_ptbr] = shadow_enter(&vm->shadow, vm->real, vm->virt,
					      supervisor ? SHADOW_SUPERVISOR : SHADOW_USER);
		return;
	}
	/* Paging off: the guest's stores reach its page tables without the
	 * write protection, so the shadows may go stale.  Drop them: they are
	 * rebuilt when paging is back on (SPEC §5.3: writing mmu discards
	 * cached translations, whatever value the guest writes back). */
	vm->shadow.next_free = 0;
	r->cr[CR_mmu] = 0;
	if (supervisor) {
		/* the guest's "physical" memory, all of it and nothing more */
		r->cr[CR_rbase] = vm->guest_base;
		r->cr[CR_rbound] = guest_size;
	} else {
		/* the guest's own relocation, inside the guest's memory */
		uint32_t l = g->cr[CR_rbase], b = g->cr[CR_rbound];
		r->cr[CR_rbase] = vm->guest_base + (l < guest_size ? l : 0);
		r->cr[CR_rbound] = l < guest_size ? (b < guest_size - l ? b : guest_size - l) : 0;
	}
	/* END LAB 4 */
}

/* Give the real machine the guest's registers, and a translation that
 * composes the guest's with the monitor's (P&G's f: R' = (l + k, b)). */
static void
vm_enter_guest(struct vm *vm)
{
	const struct cpu_state *g = machine_state(vm->virt);
	struct cpu_state r = *machine_state(vm->real);
	memcpy(r.r, g->r, sizeof r.r);
	r.pc = g->pc;
	/* Real user mode always; the guest's flags and IE bit as it set them
	 * (the real timer is never started, so IE lets no real interrupt in). */
	r.psw = g->psw & (PSW_FLAGS | PSW_IE);
	vm_compose_translation(vm, g, &r);
	machine_set_state(vm->real, &r);
	vm->stats.world_switches++;
}

/* Copy back what direct execution can change: registers, PC, flags. */
static void
vm_leave_guest(struct vm *vm)
{
	struct cpu_state g = *machine_state(vm->virt);
	const struct cpu_state *r = machine_state(vm->real);
	memcpy(g.r, r->r, sizeof g.r);
	g.pc = r->pc;
	g.psw = (g.psw & ~PSW_FLAGS) | (r->psw & PSW_FLAGS);
	machine_set_state(vm->virt, &g);
}

void
vm_run_direct(struct vm *vm, uint64_t budget)
{
	/* LAB 5: vm_run_direct: stop the real machine where the virtual timer is due (machine_timer_deadline), not later (SPEC §10.2, §12) */
	/* Stop when the virtual timer is due, so the interrupt is injected at
	 * exactly the guest instruction count where bare would take it. */
	uint64_t now = machine_retired(vm->virt);
	uint64_t deadline = machine_timer_deadline(vm->virt);
	if (deadline > now && deadline - now < budget)
		budget = deadline - now;
	/* END LAB 5 */

	vm_enter_guest(vm);
	vm->real_retired_at_entry = machine_retired(vm->real);
	enum machine_stop_reason why = machine_run(vm->real, budget);
	/* what ran directly: the emulated in place are counted already */
	uint64_t ran = machine_retired(vm->real) - vm->real_retired_at_entry;
	vm_leave_guest(vm);
	machine_account(vm->virt, ran);
	vm->stats.direct += ran;
	if (ran)
		vm->events_without_progress = 0;

	if (why == STOP_HOOK) {
		trap_handle(vm, &machine_last_stop(vm->real)->trap);
		if (vm->cfg.mode == MODE_PV)
			pv_note_exit(vm);
	}
}

/* ===== the loop ================================================================= */

/* Inject a virtual interrupt if one is due and the virtual PSW allows it. */
static void
vm_inject_interrupts(struct vm *vm)
{
	/* LAB 5: vm_inject_interrupts: if the *virtual* IE is 1 and the virtual timer's interrupt is pending, deliver it to the virtual CPU (SPEC §6.2, §6.3) */
	/* STUB: (void)vm; */
	const struct cpu_state *g = machine_state(vm->virt);
	bool enabled = vm->cfg.mode == MODE_PV ? pv_interrupts_enabled(vm) : (g->psw & PSW_IE);
	if (!enabled || !machine_interrupt_pending(vm->virt))
		return;
	/* the interrupt is taken before the next instruction: epc is it */
	struct machine_trap irq = { .cause = CAUSE_TIMER, .epc = g->pc };
	if (vm->cfg.mode != MODE_PV || !pv_deliver(vm, &irq))
		machine_deliver_trap(vm->virt, &irq);
	vm->stats.injected_interrupts++;
	vm_emit(vm, VM_EVENT_INJECTED, &irq);
	/* END LAB 5 */
}

enum machine_stop_reason
vm_run(struct vm *vm, uint64_t max_instructions)
{
	if (vm->cfg.mode == MODE_BARE) {
		enum machine_stop_reason why = machine_run(vm->real, max_instructions);
		vm->stop = *machine_last_stop(vm->real);
		vm->stats.direct = vm->stats.guest_instructions = machine_retired(vm->real);
		return why;
	}
	uint64_t start = machine_retired(vm->virt);
	uint64_t end = max_instructions > UINT64_MAX - start ? UINT64_MAX : start + max_instructions;
	vm->stop.reason = STOP_NONE;
	while (!vm->stopped) {
		uint64_t now = machine_retired(vm->virt);
		if (now >= end)
			break;
		if (++vm->events_without_progress > MONITOR_LIVELOCK_LIMIT) {
			vm->stop = (struct machine_stop_info){ .reason = STOP_TRAP_STORM,
							       .pc = machine_state(vm->virt)->pc };
			vm->stop.trap = machine_last_stop(vm->real)->trap;
			vm->stopped = true;
			break;
		}
		/* pv: only at events, never where a budget ended (pv.c) */
		if (vm->cfg.mode != MODE_PV || pv_interrupt_look_due(vm)) {
			vm_inject_interrupts(vm);
			vm->pv.pending_at_last_look = machine_interrupt_pending(vm->virt);
		}
		if (machine_stopped(vm->virt)) {
			vm->stop = *machine_last_stop(vm->virt);
			vm->stopped = true;
			break;
		}
		bool supervisor = machine_state(vm->virt)->psw & PSW_S;
		/* LAB 7: vm_run: in hybrid mode virtual-supervisor code is interpreted (hybrid_interpret) and never runs on the real machine; virtual-user code runs directly (P&G Theorem 3; isa/SPEC.md §9.1) */
		/* STUB: bool interpret = false; */
		bool interpret = vm->cfg.mode == MODE_HYBRID && supervisor;
		/* END LAB 7 */
		if (interpret)
			hybrid_interpret(vm, end - now);
		else if (vm->cfg.mode == MODE_BT && supervisor)
			bt_execute(vm, end - now);
		else
			vm_run_direct(vm, end - now);
	}
	vm->stats.guest_instructions = machine_retired(vm->virt);
	if (!vm->stopped)
		vm->stop.reason = STOP_NONE;
	vm->stop.pc = machine_state(vm->virt)->pc;
	return vm->stop.reason;
}
