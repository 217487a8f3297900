/* exit_loop.c — kvm_guest_run: KVM_RUN until the guest stops, one switch
 * with one case per exit reason (as kvmtool's kvm-cpu.c): port I/O to the
 * devices on the port bus, MMIO to nothing, power-off and reset noticed,
 * KVM's failures told with the registers and the instruction bytes.
 * Lab 10, hardware assist.  Linux Documentation/virt/kvm/api.rst, "struct
 * kvm_run", is the reference; try it: `build/traplab kvm --stats
 * build/guests/x86/exits.bin`.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "kvm_internal.h"

/* One KVM_EXIT_IO: `count` accesses of `size` bytes each (count > 1 for
 * rep ins/outs), data in the kvm_run page at data_offset. */
static void
vm_handle_io(struct kvm_guest *g)
{
	struct kvm_run *run = g->run;
	uint16_t port = run->io.port;
	unsigned size = run->io.size;
	uint8_t *data = (uint8_t *)run + run->io.data_offset;

	pthread_mutex_lock(&g->dev_lock);
	g->io_size = size;
	uint64_t unowned = g->bus.unowned_accesses;
	for (uint32_t i = 0; i < run->io.count; i++, data += size) {
		if (run->io.direction == KVM_EXIT_IO_OUT) {
			uint32_t value = 0;
			memcpy(&value, data, size);   /* x86 is little-endian, so is the host */
			bus_out(&g->bus, port, value);
		} else {
			uint32_t value = bus_in(&g->bus, port);
			memcpy(data, &value, size);
		}
	}
	pthread_mutex_unlock(&g->dev_lock);

	/* a port none of ours holds is unowned, unless some other device on
	 * the bus answered it */
	enum kvm_port_class class = kvm_port_class(port);
	if (class == KVM_PORTS_UNOWNED && g->bus.unowned_accesses == unowned)
		class = KVM_PORTS_OTHER;
	g->counts.io_by_port_class[class]++;
}

/* Nothing but RAM is mapped: MMIO reads see all ones (an empty bus), writes
 * vanish -- but for a test kernel's pc-testdev memory (pc_testdev.c). */
static void
vm_handle_mmio(struct kvm_guest *g)
{
	struct kvm_run *run = g->run;
	unsigned len = run->mmio.len <= sizeof run->mmio.data ? run->mmio.len : sizeof run->mmio.data;
	if (g->have_test_devices &&
	    pc_testdev_mmio(&g->testdev, run->mmio.phys_addr, run->mmio.data, len, run->mmio.is_write))
		return;
	if (!g->run->mmio.is_write)
		memset(g->run->mmio.data, 0xff, sizeof g->run->mmio.data);
}

static void
vm_stop(struct kvm_guest *g, struct kvm_stop *stop, enum kvm_stop_kind kind,
	 const char *fmt, ...)
{
	struct kvm_regs regs;
	stop->kind = kind;
	if (ioctl(g->vcpu_fd, KVM_GET_REGS, &regs) == 0)
		stop->rip = regs.rip;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(stop->message, sizeof stop->message, fmt, ap);
	va_end(ap);
}

/* Registers for a failure message, in a few words. */
static void
vm_format_regs(struct kvm_guest *g, char *out, size_t len)
{
	struct kvm_regs r;
	struct kvm_sregs s;
	if (ioctl(g->vcpu_fd, KVM_GET_REGS, &r) < 0 || ioctl(g->vcpu_fd, KVM_GET_SREGS, &s) < 0) {
		snprintf(out, len, "(KVM_GET_REGS/SREGS: %s)", strerror(errno));
		return;
	}
	typedef unsigned long long ull;   /* the __u64 of <linux/kvm.h> */
	snprintf(out, len,
		 "cs=%04x:%llx rax=%llx rbx=%llx rcx=%llx rdx=%llx rsp=%llx rflags=%llx "
		 "cr0=%llx cr3=%llx cr4=%llx efer=%llx",
		 s.cs.selector, (ull)r.rip, (ull)r.rax, (ull)r.rbx, (ull)r.rcx, (ull)r.rdx,
		 (ull)r.rsp, (ull)r.rflags, (ull)s.cr0, (ull)s.cr3, (ull)s.cr4, (ull)s.efer);
}

/* The instruction bytes at cs:rip, read from guest RAM through the guest's
 * own page tables (debug.c). */
static void
vm_fetch_insn(struct kvm_guest *g, struct kvm_stop *stop)
{
	struct kvm_sregs s;
	struct kvm_regs r;
	stop->insn_len = 0;
	if (ioctl(g->vcpu_fd, KVM_GET_REGS, &r) < 0 || ioctl(g->vcpu_fd, KVM_GET_SREGS, &s) < 0)
		return;
	uint64_t linear = (s.efer & X86_EFER_LMA) && s.cs.l ? r.rip : s.cs.base + r.rip;
	stop->rip = r.rip;
	stop->insn_len = kvm_guest_read_virt(g, linear, stop->insn, sizeof stop->insn);
}

static const char *
vm_internal_error_name(uint32_t suberror)
{
	switch (suberror) {
	case KVM_INTERNAL_ERROR_EMULATION: return "emulation failure: KVM's instruction emulator cannot run it";
	case KVM_INTERNAL_ERROR_SIMUL_EX: return "exception while delivering an exception";
	case KVM_INTERNAL_ERROR_DELIVERY_EV: return "exit while delivering an event";
	case KVM_INTERNAL_ERROR_UNEXPECTED_EXIT_REASON: return "unexpected hardware exit reason";
	}
	return "unknown suberror";
}

/* KVM_EXIT_INTERNAL_ERROR.  On kvm_pvm a guest's triple fault can arrive
 * here instead of as SHUTDOWN (KVM-NOTES §3.6): the emulator refuses the
 * `int3`/`int n` Linux uses to triple-fault on purpose (`idt_invalidate`
 * then int3, arch/x86/kernel/reboot.c).  An int with an empty IDT is that. */
static void
vm_internal_error(struct kvm_guest *g, struct kvm_stop *stop)
{
	uint32_t suberror = g->run->internal.suberror;
	vm_fetch_insn(g, stop);
	struct kvm_sregs s;
	bool is_int = stop->insn_len > 0 && (stop->insn[0] == 0xcc || stop->insn[0] == 0xcd);
	if (g->host == KVM_HOST_PVM && is_int && ioctl(g->vcpu_fd, KVM_GET_SREGS, &s) == 0 &&
	    s.idt.limit == 0 && (s.cr0 & X86_CR0_PE)) {
		vm_stop(g, stop, KVM_STOP_RESET,
			"reset: triple fault (int3/int n with an empty IDT; kvm_pvm reports "
			"it as KVM_EXIT_INTERNAL_ERROR suberror %u)", suberror);
		return;
	}
	char bytes[3 * sizeof stop->insn + 1] = "";
	for (unsigned i = 0; i < stop->insn_len; i++)
		snprintf(bytes + 3 * i, sizeof bytes - 3 * i, "%02x ", stop->insn[i]);
	if (stop->insn_len)
		bytes[3 * stop->insn_len - 1] = '\0';
	char regs[200];
	vm_format_regs(g, regs, sizeof regs);
	uint64_t rip = stop->rip;
	vm_stop(g, stop, KVM_STOP_EMULATION, "KVM_EXIT_INTERNAL_ERROR suberror %u (%s); "
		"bytes at rip: %s; %s", suberror, vm_internal_error_name(suberror),
		stop->insn_len ? bytes : "(not in RAM)", regs);
	stop->rip = rip;
}

/* Kicked out of KVM_RUN: is the guest "halted with interrupts off"? Only an
 * NMI or INIT could wake it and we send neither, so it has powered off
 * (KVM-NOTES §3.6 b; Linux's poweroff without ACPI ends exactly so). */
static bool
vm_powered_off(struct kvm_guest *g)
{
	struct kvm_mp_state mp;
	struct kvm_regs regs;
	if (ioctl(g->vcpu_fd, KVM_GET_MP_STATE, &mp) < 0 || mp.mp_state != KVM_MP_STATE_HALTED)
		return false;
	return ioctl(g->vcpu_fd, KVM_GET_REGS, &regs) == 0 && !(regs.rflags & X86_RFLAGS_IF);
}

static void
vm_fail_entry(struct kvm_guest *g, struct kvm_stop *stop)
{
	char regs[200];
	vm_format_regs(g, regs, sizeof regs);
	vm_stop(g, stop, KVM_STOP_FAIL_ENTRY,
		"KVM_EXIT_FAIL_ENTRY: the CPU refused the vCPU state "
		"(hardware_entry_failure_reason 0x%llx); %s",
		(unsigned long long)g->run->fail_entry.hardware_entry_failure_reason, regs);
}

static void
vm_system_event(struct kvm_guest *g, struct kvm_stop *stop)
{
	switch (g->run->system_event.type) {
	case KVM_SYSTEM_EVENT_SHUTDOWN:
		vm_stop(g, stop, KVM_STOP_POWER_OFF, "powered off (KVM_SYSTEM_EVENT_SHUTDOWN)");
		break;
	case KVM_SYSTEM_EVENT_RESET:
		vm_stop(g, stop, KVM_STOP_RESET, "reset (KVM_SYSTEM_EVENT_RESET)");
		break;
	default:
		vm_stop(g, stop, KVM_STOP_ERROR, "KVM_EXIT_SYSTEM_EVENT type %u",
			g->run->system_event.type);
	}
}

/* A reason no case handles: by its KVM_EXIT_ name where we know it. */
static void
vm_unexpected_exit(struct kvm_guest *g, unsigned reason, struct kvm_stop *stop)
{
	char unknown[KVM_EXIT_NAME_MAX];
	const char *name = kvm_exit_reason_name(reason, unknown, sizeof unknown);
	vm_stop(g, stop, KVM_STOP_ERROR, "unexpected exit %u (%s%s)", reason,
		name == unknown ? "" : "KVM_EXIT_", name);
}

/* Finish the instruction of the IO exit just handled, without running on:
 * KVM completes it only at the next KVM_RUN, which with immediate_exit set
 * returns at once (api.rst, "immediate_exit": "to complete pending
 * operations without allowing any further instructions to be executed").
 * With hardware assist an `out` waits unfinished at rip until then [measured
 * on kvm_amd, the SVM host]; kvm_pvm's emulator has retired it already. */
static void
vm_complete_pending(struct kvm_guest *g)
{
	g->run->immediate_exit = 1;
	ioctl(g->vcpu_fd, KVM_RUN, 0);   /* -1 with EINTR: nothing ran */
	g->run->immediate_exit = 0;
}

/* One exit, handled.  True if it ends the run (*stop filled in). */
static bool
vm_handle_exit(struct kvm_guest *g, unsigned reason, struct kvm_stop *stop)
{
	/* only before the run's first exit of its own can it be one (our kicks,
	 * KVM_EXIT_INTR, do not count: the guest's registers tell) */
	bool spurious = reason == KVM_EXIT_DEBUG && kvm_guest_debug_nothing_ran(g);
	if (reason != KVM_EXIT_INTR)
		g->run_start_seen = false;
	if (spurious)
		return false;
	switch (reason) {
	case KVM_EXIT_IO:
		vm_handle_io(g);
		if (g->debug_exit.requested) {
			vm_complete_pending(g);
			vm_stop(g, stop, KVM_STOP_DEBUG_EXIT, "debug exit: 0x%x written to port 0x%x "
				"(isa-debug-exit: exit status %u)", g->debug_exit.code, DEBUG_EXIT_PORT,
				kvm_debug_exit_status(g->debug_exit.code));
			stop->exit_code = g->debug_exit.code;
			g->debug_exit.requested = false;
			return true;
		}
		if (!g->reset_requested)
			return false;
		g->reset_requested = false;
		vm_complete_pending(g);   /* the state after the `out`, as a real reset sees it */
		vm_stop(g, stop, KVM_STOP_RESET, "reset: 0x%02x written to i8042 port 0x%02x",
			I8042_CMD_RESET, I8042_COMMAND);
		return true;
	case KVM_EXIT_MMIO:
		vm_handle_mmio(g);
		return false;
	case KVM_EXIT_HLT:
		/* only without the in-kernel irqchip, which we always create */
		vm_stop(g, stop, KVM_STOP_POWER_OFF, "powered off: hlt (KVM_EXIT_HLT)");
		return true;
	case KVM_EXIT_SHUTDOWN:
		vm_stop(g, stop, KVM_STOP_RESET, "reset: triple fault (KVM_EXIT_SHUTDOWN)");
		return true;
	case KVM_EXIT_FAIL_ENTRY:
		vm_fail_entry(g, stop);
		return true;
	case KVM_EXIT_INTERNAL_ERROR:
		vm_internal_error(g, stop);
		return true;
	case KVM_EXIT_DEBUG:
		kvm_guest_debug_stop(g, stop);
		return true;
	case KVM_EXIT_INTR:
		/* our kick, kvm_guest_interrupt, or another signal */
		if (!vm_powered_off(g)) {
			kick_back_off(g);
			return false;
		}
		vm_stop(g, stop, KVM_STOP_POWER_OFF, "powered off: halted with interrupts off");
		return true;
	case KVM_EXIT_SYSTEM_EVENT:
		vm_system_event(g, stop);
		return true;
	default:
		vm_unexpected_exit(g, reason, stop);
		return true;
	}
}

bool
kvm_guest_handle_exit(struct kvm_guest *g, struct kvm_stop *stop)
{
	memset(stop, 0, sizeof *stop);
	unsigned reason = g->run->exit_reason;
	g->counts.by_reason[reason < KVM_EXIT_REASONS ? reason : KVM_EXIT_UNKNOWN]++;
	return vm_handle_exit(g, reason, stop);
}

void
kvm_guest_run_loop(struct kvm_guest *g, uint64_t max_exits, struct kvm_stop *stop)
{
	memset(stop, 0, sizeof *stop);
	kvm_guest_debug_note_start(g);
	for (uint64_t exits = 0;; exits++) {
		if (max_exits && exits >= max_exits) {
			vm_stop(g, stop, KVM_STOP_EXIT_LIMIT, "stopped after %" PRIu64 " exits", exits);
			return;
		}
		if (atomic_exchange(&g->interrupt, false)) {
			g->run->immediate_exit = 0;   /* consumed with the flag */
			vm_stop(g, stop, KVM_STOP_INTERRUPTED, "interrupted");
			return;
		}
		int r = ioctl(g->vcpu_fd, KVM_RUN, 0);
		int e = errno;
		/* clear before the next interrupt check: see kvm_guest_interrupt */
		g->run->immediate_exit = 0;
		unsigned reason = g->run->exit_reason;
		if (r < 0) {
			if (e == EAGAIN)
				continue;
			if (e != EINTR) {
				vm_stop(g, stop, KVM_STOP_ERROR, "KVM_RUN: %s", strerror(e));
				return;
			}
			reason = KVM_EXIT_INTR;
		}
		g->counts.by_reason[reason < KVM_EXIT_REASONS ? reason : KVM_EXIT_UNKNOWN]++;
		if (vm_handle_exit(g, reason, stop))
			return;
	}
}

void
kvm_guest_run(struct kvm_guest *g, uint64_t max_exits, struct kvm_stop *stop)
{
	memset(stop, 0, sizeof *stop);
	kick_run_begin(g);
	if (!kvm_guest_resume_over_breakpoint(g, stop))
		kvm_guest_run_loop(g, max_exits, stop);
	kick_run_end(g);
}
