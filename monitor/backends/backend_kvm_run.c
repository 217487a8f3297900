/* backend_kvm_run.c — running the KVM backend's guest (backend_kvm.c):
 * `continue` at full speed through kvm_guest_run, `step` and instruction
 * budgets by single-stepping, breakpoints in the four debug registers
 * DR0-DR3 (software breakpoints fail on kvm_pvm hosts, KVM-NOTES §0), and
 * watchpoints that, as on PG32, single-step the guest and compare the
 * watched word after each instruction.  Lab 10.
 */
#include <string.h>

#include "backend_kvm_internal.h"

/* ===== running ===================================================================== */

static bool
kvmb_not_runnable(struct kvm_backend *k, struct backend_stop *stop)
{
	if (!k->g) {
		backend_stop_no_guest(stop);
		return true;
	}
	if (k->ended) {
		stop->kind = BSTOP_EXITED;
		snprintf(stop->message, sizeof stop->message,
			 "the guest has ended (%.200s); `reset` starts it again", k->end_message);
		return true;
	}
	return false;
}


/* A stop of kvm.h that ends this run: say what it means in *stop.  Returns
 * false for the stops the caller handles (DEBUG, EXIT_LIMIT). */
static bool
kvmb_translate_stop(struct kvm_backend *k, const struct kvm_stop *ks, struct backend_stop *stop)
{
	const char *msg = ks->message;
	char fallback[160];
	switch (ks->kind) {
	case KVM_STOP_DEBUG:
	case KVM_STOP_EXIT_LIMIT:
		return false;
	case KVM_STOP_INTERRUPTED:
		backend_stop_interrupted(stop);
		return true;
	case KVM_STOP_POWER_OFF:
		stop->kind = BSTOP_EXITED;
		stop->exit_status = 0;
		snprintf(fallback, sizeof fallback, "the guest powered off");
		break;
	case KVM_STOP_RESET:
		stop->kind = BSTOP_EXITED;
		snprintf(fallback, sizeof fallback, "the guest reset the machine");
		break;
	case KVM_STOP_DEBUG_EXIT:   /* a Multiboot test kernel's exit(code), port 0xf4 */
		stop->kind = BSTOP_EXITED;
		stop->exit_status = kvm_debug_exit_status(ks->exit_code);
		snprintf(fallback, sizeof fallback, "the guest wrote 0x%x to port 0xf4", ks->exit_code);
		break;
	case KVM_STOP_EMULATION:
		stop->kind = BSTOP_EXITED;
		snprintf(fallback, sizeof fallback, "KVM could not emulate the instruction at 0x%llx",
			 (unsigned long long)ks->rip);
		break;
	case KVM_STOP_FAIL_ENTRY:
	case KVM_STOP_ERROR:
		stop->kind = BSTOP_ERROR;
		snprintf(fallback, sizeof fallback, "KVM_RUN failed at 0x%llx",
			 (unsigned long long)ks->rip);
		break;
	}
	if (!msg[0])
		msg = fallback;
	k->ended = true;
	snprintf(k->end_message, sizeof k->end_message, "%s", msg);
	snprintf(stop->message, sizeof stop->message, "%s", msg);
	return true;
}

static int
kvmb_breakpoint_slot(const struct kvm_backend *k, uint64_t addr)
{
	for (int i = 0; i < KVM_HW_BREAKPOINTS; i++)
		if (k->bp_used[i] && k->bp_addr[i] == addr)
			return i;
	return -1;
}

/* One instruction.  Returns true when *stop is final (the guest ended, an
 * error, Control-C). */
static bool
kvmb_step_one(struct kvm_backend *k, struct backend_stop *stop)
{
	struct kvm_exit_counts before;
	struct kvm_stop ks;
	uint64_t pc = kvmb_guest_pc(k);
	kvm_guest_exit_counts(k->g, &before);
	/* A step from a breakpoint of ours would end at once in the breakpoint's
	 * own debug exit, before the instruction: RFLAGS.RF, the architecture's
	 * way over it, is not honoured on kvm_pvm hosts [measured here].  So do
	 * what GDB does: take the breakpoint out for the one step. */
	int slot = kvmb_breakpoint_slot(k, pc);
	if (slot >= 0)
		kvm_guest_clear_hw_breakpoint(k->g, (unsigned)slot);
	kvm_guest_step(k->g, &ks);
	if (slot >= 0) {
		char err[160];
		if (kvm_guest_set_hw_breakpoint(k->g, (unsigned)slot, pc, err, sizeof err) < 0)
			k->bp_used[slot] = false;      /* it was set before: cannot happen */
	}
	k->steps++;
	bool final = kvmb_translate_stop(k, &ks, stop);
	kvmb_report_exits(k, &before, true, pc, final && stop->kind != BSTOP_INTERRUPTED);
	return final;
}

/* Single-step up to n instructions, stopping at watchpoints, and with
 * `at_breakpoints` before a breakpoint (never before the first). */
static void
kvmb_steps(struct kvm_backend *k, uint64_t n, bool at_breakpoints, struct backend_stop *stop)
{
	for (uint64_t done = 0; done < n; done++) {
		if (k->interrupted) {
			backend_stop_interrupted(stop);
			return;
		}
		uint64_t pc = kvmb_guest_pc(k);
		if (at_breakpoints && done > 0 && kvmb_breakpoint_slot(k, pc) >= 0) {
			backend_stop_breakpoint(stop, pc, KVM_ADDR_DIGITS);
			return;
		}
		if (kvmb_step_one(k, stop) ||
		    backend_watch_fired(&k->watches, kvmb_read_word, k, KVM_ADDR_DIGITS, stop))
			return;
	}
}

/* Full speed until a hardware breakpoint, the end, or Control-C.  Exits are
 * taken one kvm_guest_run at a time when someone listens for events. */
static void
kvmb_run_free(struct kvm_backend *k, struct backend_stop *stop)
{
	/* from a breakpoint, move on first: DR0-3 would fire again at once
	 * (stepping takes the breakpoint out for that instruction) */
	if (kvmb_breakpoint_slot(k, kvmb_guest_pc(k)) >= 0 && kvmb_step_one(k, stop))
		return;
	for (;;) {
		if (k->interrupted) {
			backend_stop_interrupted(stop);
			return;
		}
		struct kvm_exit_counts before;
		struct kvm_stop ks;
		kvm_guest_exit_counts(k->g, &before);
		kvm_guest_run(k->g, k->event_fn ? 1 : 0, &ks);
		bool final = kvmb_translate_stop(k, &ks, stop);
		kvmb_report_exits(k, &before, false, 0, final && stop->kind != BSTOP_INTERRUPTED);
		if (final)
			return;
		if (ks.kind == KVM_STOP_DEBUG) {
			/* any debug exit stops as a breakpoint would; say so when
			 * none of ours is there */
			uint64_t pc = kvmb_guest_pc(k);
			backend_stop_breakpoint(stop, pc, KVM_ADDR_DIGITS);
			if (kvmb_breakpoint_slot(k, pc) < 0)
				snprintf(stop->message, sizeof stop->message,
					 "debug exit at 0x%llx (no breakpoint of ours there)",
					 (unsigned long long)pc);
			return;
		}
	}
}

void
kvmb_run(struct backend *b, uint64_t max_instructions, struct backend_stop *stop)
{
	struct kvm_backend *k = kvmb(b);
	backend_stop_begin(stop, BSTOP_BUDGET);
	if (kvmb_not_runnable(k, stop))
		return;
	k->interrupted = 0;
	if (max_instructions == UINT64_MAX && k->watches.count == 0) {
		kvmb_run_free(k, stop);
	} else {
		/* KVM counts no instructions: a budget (or a watchpoint) means
		 * stepping one instruction at a time */
		kvmb_steps(k, max_instructions, true, stop);
		backend_stop_explain_budget(stop, max_instructions);
	}
	stop->pc = kvmb_guest_pc(k);
}

void
kvmb_step(struct backend *b, uint64_t n, struct backend_stop *stop)
{
	struct kvm_backend *k = kvmb(b);
	backend_stop_begin(stop, BSTOP_STEPPED);
	if (kvmb_not_runnable(k, stop))
		return;
	k->interrupted = 0;
	kvmb_steps(k, n, false, stop);
	stop->pc = kvmb_guest_pc(k);
}

/* From the SIGINT handler: a flag, and KVM's own immediate exit. */
void
kvmb_interrupt(struct backend *b)
{
	struct kvm_backend *k = kvmb(b);
	k->interrupted = 1;
	if (k->g)
		kvm_guest_interrupt(k->g);
}

/* ===== breakpoints and watchpoints ================================================= */

int
kvmb_add_breakpoint(struct backend *b, uint64_t addr, char *err, size_t errlen)
{
	struct kvm_backend *k = kvmb(b);
	if (kvmb_breakpoint_slot(k, addr) >= 0) {
		snprintf(err, errlen, "there is already a breakpoint at 0x%llx",
			 (unsigned long long)addr);
		return -1;
	}
	int slot = -1;
	for (int i = 0; i < KVM_HW_BREAKPOINTS && slot < 0; i++)
		if (!k->bp_used[i])
			slot = i;
	if (slot < 0) {
		snprintf(err, errlen, "all %d hardware breakpoints are in use; delete one",
			 KVM_HW_BREAKPOINTS);
		return -1;
	}
	if (k->g && kvm_guest_set_hw_breakpoint(k->g, (unsigned)slot, addr, err, errlen) < 0)
		return -1;
	k->bp_used[slot] = true;
	k->bp_addr[slot] = addr;
	return 0;
}

int
kvmb_remove_breakpoint(struct backend *b, uint64_t addr)
{
	struct kvm_backend *k = kvmb(b);
	int slot = kvmb_breakpoint_slot(k, addr);
	if (slot < 0)
		return -1;
	k->bp_used[slot] = false;
	if (k->g)
		kvm_guest_clear_hw_breakpoint(k->g, (unsigned)slot);
	return 0;
}

/* kvm.h offers execution breakpoints only, so a watchpoint single-steps
 * the guest and compares the word after each instruction, as PG32 does. */
int
kvmb_add_watchpoint(struct backend *b, uint64_t addr, char *err, size_t errlen)
{
	return backend_watch_add(&kvmb(b)->watches, addr, kvmb_read_word, kvmb(b), err, errlen);
}

int
kvmb_remove_watchpoint(struct backend *b, uint64_t addr)
{
	return backend_watch_remove(&kvmb(b)->watches, addr);
}
