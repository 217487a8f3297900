/* stats.c — the figures of a KVM guest (Lab 10, hardware assist): the exits
 * that reached TrapLab by reason and their names, port I/O by the device
 * behind the port, and KVM's own per-vCPU counters from its binary stats fd
 * (KVM_GET_STATS_FD, Linux >= 5.14; api.rst "KVM_GET_STATS_FD"), which
 * count the exits KVM handled without us too (KVM-NOTES §3.8).  Try it:
 * `build/traplab kvm --stats build/guests/x86/exits.bin`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "isa.h"
#include "kvm_internal.h"

/* ---- exits that reached user space ------------------------------------------------- */

static const char *const exit_reason_names[KVM_EXIT_REASONS] = {
	[KVM_EXIT_UNKNOWN] = "UNKNOWN", [KVM_EXIT_EXCEPTION] = "EXCEPTION",
	[KVM_EXIT_IO] = "IO", [KVM_EXIT_HYPERCALL] = "HYPERCALL", [KVM_EXIT_DEBUG] = "DEBUG",
	[KVM_EXIT_HLT] = "HLT", [KVM_EXIT_MMIO] = "MMIO",
	[KVM_EXIT_IRQ_WINDOW_OPEN] = "IRQ_WINDOW_OPEN", [KVM_EXIT_SHUTDOWN] = "SHUTDOWN",
	[KVM_EXIT_FAIL_ENTRY] = "FAIL_ENTRY", [KVM_EXIT_INTR] = "INTR",
	[KVM_EXIT_SET_TPR] = "SET_TPR", [KVM_EXIT_TPR_ACCESS] = "TPR_ACCESS",
	[KVM_EXIT_NMI] = "NMI", [KVM_EXIT_INTERNAL_ERROR] = "INTERNAL_ERROR",
	[KVM_EXIT_WATCHDOG] = "WATCHDOG", [KVM_EXIT_EPR] = "EPR",
	[KVM_EXIT_SYSTEM_EVENT] = "SYSTEM_EVENT", [KVM_EXIT_IOAPIC_EOI] = "IOAPIC_EOI",
	[KVM_EXIT_HYPERV] = "HYPERV", [KVM_EXIT_X86_RDMSR] = "X86_RDMSR",
	[KVM_EXIT_X86_WRMSR] = "X86_WRMSR", [KVM_EXIT_DIRTY_RING_FULL] = "DIRTY_RING_FULL",
	[KVM_EXIT_AP_RESET_HOLD] = "AP_RESET_HOLD", [KVM_EXIT_X86_BUS_LOCK] = "X86_BUS_LOCK",
	[KVM_EXIT_XEN] = "XEN", [KVM_EXIT_NOTIFY] = "NOTIFY",
};


const char *
kvm_exit_reason_name(unsigned reason, char *buf, size_t len)
{
	if (reason < ARRAY_SIZE(exit_reason_names) && exit_reason_names[reason])
		return exit_reason_names[reason];
	/* newer than this build's table, or a gap in it */
	snprintf(buf, len, "unknown exit %u", reason);
	return buf;
}

void
kvm_guest_exit_counts(const struct kvm_guest *g, struct kvm_exit_counts *out)
{
	*out = g->counts;
}

/* ---- port I/O, by the device behind the port ---------------------------------------- */

enum kvm_port_class
kvm_port_class(uint16_t port)
{
	if (port >= UART_COM1_BASE && port < UART_COM1_BASE + UART_NPORTS)
		return KVM_PORTS_UART;
	if (port == I8042_DATA || port == I8042_COMMAND)
		return KVM_PORTS_I8042;
	return KVM_PORTS_UNOWNED;
}

const char *
kvm_port_class_name(enum kvm_port_class c)
{
	static const char *const names[KVM_PORT_CLASSES] = {
		[KVM_PORTS_UART] = "uart", [KVM_PORTS_I8042] = "i8042",
		[KVM_PORTS_UNOWNED] = "unowned", [KVM_PORTS_OTHER] = "other",
	};
	return (unsigned)c < KVM_PORT_CLASSES ? names[c] : "?";
}

/* ---- KVM's own counters: the binary stats fd (Linux >= 5.14) ----------------------- */

/* The vCPU's stats fd (opened on first use), its header and its descriptors
 * (malloc'd; each desc_size bytes); false if KVM has none (Linux < 5.14). */
static bool
vm_stats_descriptors(struct kvm_guest *g, struct kvm_stats_header *h, uint8_t **descs,
		     size_t *desc_size)
{
	if (g->stats_fd < 0)
		g->stats_fd = ioctl(g->vcpu_fd, KVM_GET_STATS_FD, NULL);
	if (g->stats_fd < 0 || pread(g->stats_fd, h, sizeof *h, 0) != (ssize_t)sizeof *h)
		return false;
	*desc_size = sizeof(struct kvm_stats_desc) + h->name_size;
	*descs = malloc((size_t)h->num_desc * *desc_size);
	if (!*descs)
		return false;
	if (pread(g->stats_fd, *descs, h->num_desc * *desc_size, h->desc_offset) !=
	    (ssize_t)(h->num_desc * *desc_size)) {
		free(*descs);
		return false;
	}
	return true;
}

size_t
kvm_guest_kernel_stats(struct kvm_guest *g, char (*names)[48], uint64_t *values, size_t max)
{
	struct kvm_stats_header h;
	uint8_t *descs;
	size_t desc_size, n = 0;
	if (!vm_stats_descriptors(g, &h, &descs, &desc_size))
		return 0;
	for (uint32_t i = 0; i < h.num_desc && n < max; i++) {
		const struct kvm_stats_desc *d = (const void *)(descs + i * desc_size);
		uint64_t value;
		/* the first value of each (histograms have more) */
		if (pread(g->stats_fd, &value, sizeof value, h.data_offset + d->offset) !=
		    (ssize_t)sizeof value)
			break;
		snprintf(names[n], sizeof names[n], "%.*s", (int)h.name_size, d->name);
		values[n++] = value;
	}
	free(descs);
	return n;
}

off_t
kvm_guest_stat_offset(struct kvm_guest *g, const char *name)
{
	struct kvm_stats_header h;
	uint8_t *descs;
	size_t desc_size;
	off_t found = -1;
	if (!vm_stats_descriptors(g, &h, &descs, &desc_size))
		return -1;
	for (uint32_t i = 0; i < h.num_desc && found < 0; i++) {
		const struct kvm_stats_desc *d = (const void *)(descs + i * desc_size);
		if (strncmp(d->name, name, h.name_size) == 0)
			found = (off_t)(h.data_offset + d->offset);
	}
	free(descs);
	return found;
}
