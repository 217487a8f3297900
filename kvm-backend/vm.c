/* vm.c — one VM with one vCPU on /dev/kvm: what this host offers, creation
 * in the order of KVM-NOTES §3.1 (RAM before the irqchip), CPUID, guest RAM
 * and the devices on the port bus (COM1 UART, the i8042's reset line).  The
 * exit loop is exit_loop.c, the kicks that notice power-off kick.c (with
 * halt_watch.c), the figures stats.c.  Lab 10, hardware assist.
 * Linux Documentation/virt/kvm/api.rst is the reference for every ioctl;
 * try it: `build/traplab kvm --stats build/guests/x86/exits.bin`.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kvm_internal.h"
#include "common.h"

/* ---- what this host offers ----------------------------------------------------- */

static bool
vm_cpuinfo_has_flag(const char *flag)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	if (!f)
		return false;
	char line[8192];
	bool found = false;
	size_t n = strlen(flag);
	while (!found && fgets(line, sizeof line, f)) {
		if (strncmp(line, "flags", 5) != 0)
			continue;
		for (char *p = strstr(line, flag); p; p = strstr(p + 1, flag))
			if (p[-1] == ' ' && (p[n] == ' ' || p[n] == '\n' || p[n] == '\0'))
				found = true;
	}
	fclose(f);
	return found;
}

enum kvm_host_kind
kvm_host_probe(char *line, size_t len)
{
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		snprintf(line, len, "no KVM: open /dev/kvm: %s", strerror(errno));
		return KVM_HOST_NONE;
	}
	int version = ioctl(fd, KVM_GET_API_VERSION, 0);
	close(fd);
	if (version != KVM_API_VERSION) {
		snprintf(line, len, "no KVM: KVM_GET_API_VERSION gave %d, not %d", version,
			 KVM_API_VERSION);
		return KVM_HOST_NONE;
	}
	if (access("/sys/module/kvm_pvm", F_OK) == 0) {
		snprintf(line, len,
			 "kvm_pvm host (no VT-x/AMD-V): guests run through KVM's instruction "
			 "emulator at ~1 us/instruction; flat guests, the UART, single-step and "
			 "hardware breakpoints work; int n/int3 outside real mode, software "
			 "breakpoints and stock Linux kernels do not");
		return KVM_HOST_PVM;
	}
	const char *what = vm_cpuinfo_has_flag("vmx") ? "Intel VT-x" :
			   vm_cpuinfo_has_flag("svm") ? "AMD-V" : "hardware KVM (no vmx/svm flag seen)";
	snprintf(line, len, "KVM on %s: guests run on the CPU", what);
	return KVM_HOST_HARDWARE;
}

/* ---- devices: what the port bus holds -------------------------------------------- */

static void
vm_uart_transmit(void *ctx, uint8_t byte)
{
	struct kvm_guest *g = ctx;
	if (g->sink)
		g->sink(g->sink_ctx, byte);
}

/* The UART's interrupt line is ISA IRQ 4 of the in-kernel PIC/IOAPIC. */
static void
vm_uart_set_irq(void *ctx, int level)
{
	struct kvm_guest *g = ctx;
	struct kvm_irq_level irq = { .irq = UART_COM1_IRQ, .level = (uint32_t)level };
	if (g->vm_fd < 0)
		return;         /* detached (detached.c): the level stays in uart.irq_level */
	if (ioctl(g->vm_fd, KVM_IRQ_LINE, &irq) < 0)
		fprintf(stderr, "traplab kvm: KVM_IRQ_LINE %u: %s\n", irq.irq, strerror(errno));
}

/* The i8042 keyboard controller, only as far as rebooting goes
 * (kvm_internal.h). */
static uint32_t
i8042_read(void *dev, uint16_t port)
{
	(void)dev;
	(void)port;
	return 0;
}

static void
i8042_write(void *dev, uint16_t port, uint32_t value)
{
	struct kvm_guest *g = dev;
	if (port == 0 && (value & 0xff) == I8042_CMD_RESET)   /* port is relative to 0x64 */
		g->reset_requested = true;
}

static const struct dev_ops i8042_data_ops = { .name = "i8042 data", .read = i8042_read };
static const struct dev_ops i8042_command_ops = {
	.name = "i8042 command/status", .read = i8042_read, .write = i8042_write,
};

/* ---- life cycle (KVM-NOTES §3.1) ---------------------------------------------------- */

enum { VM_PAGE_SIZE = 4096 };   /* guest RAM comes in whole pages */

static int
vm_error(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

static int
vm_check_extensions(struct kvm_guest *g, char *err, size_t errlen)
{
	static const struct { int cap; const char *name; } required[] = {
		{ KVM_CAP_IRQCHIP, "KVM_CAP_IRQCHIP" },
		{ KVM_CAP_PIT2, "KVM_CAP_PIT2" },
		{ KVM_CAP_SET_TSS_ADDR, "KVM_CAP_SET_TSS_ADDR" },
		{ KVM_CAP_USER_MEMORY, "KVM_CAP_USER_MEMORY" },
		{ KVM_CAP_EXT_CPUID, "KVM_CAP_EXT_CPUID" },
		{ KVM_CAP_IMMEDIATE_EXIT, "KVM_CAP_IMMEDIATE_EXIT" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(required); i++)
		if (ioctl(g->kvm_fd, KVM_CHECK_EXTENSION, required[i].cap) <= 0)
			return vm_error(err, errlen, "KVM_CHECK_EXTENSION: this kernel lacks %s",
					required[i].name);
	int dbg = ioctl(g->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_SET_GUEST_DEBUG2);
	g->debug_caps = dbg > 0 ? (uint32_t)dbg :
			ioctl(g->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_SET_GUEST_DEBUG) > 0 ?
			KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_SINGLESTEP | KVM_GUESTDBG_USE_HW_BP : 0;
	return 0;
}

/* 6. KVM_GET_SUPPORTED_CPUID -> KVM_SET_CPUID2: the guest sees what KVM offers. */
/* KVM_GET_SUPPORTED_CPUID leaves CPUID.1:ECX.HYPERVISOR (bit 31) clear, as the
 * host CPU has it; QEMU and kvmtool set it, and so do we.  Without it Linux
 * never looks at KVM's leaves (0x40000000: "KVMKVMKVM"), boots "on bare
 * hardware", has no kvm-clock and must calibrate its TSC and LAPIC timer
 * against the PIT -- which under nested or emulated hardware can stall the
 * boot for good at "tsc: Marking TSC unstable" (guests/x86/svm-host/). */
/* CPUID.1:ECX.TSC_DEADLINE (bit 24): KVM emulates the LAPIC's TSC-deadline
 * timer whenever KVM_CAP_TSC_DEADLINE_TIMER says so, but its
 * KVM_GET_SUPPORTED_CPUID leaves the bit clear (Debian 12's 6.1: the bit
 * depends on the in-kernel LAPIC, which that ioctl does not know of; QEMU
 * sets it the same way, target/i386/kvm/kvm.c).  kvm-unit-tests' apic and
 * tscdeadline tests need it, so a Multiboot kernel gets it
 * (kvm_guest_offer_tsc_deadline); flat guests and Linux do not: with it,
 * Linux skips the IOAPIC timer check the SVM host's boot test looks for
 * (tests/kvm/test_svm_host.c; KVM-NOTES §3.7). */
enum { CPUID_LEAF_FEATURES = 1, CPUID_1_ECX_HYPERVISOR = 1u << 31,
       CPUID_1_ECX_TSC_DEADLINE = 1u << 24 };
/* KVM says E2BIG until the array holds all its entries: grow it until then */
enum { VM_CPUID_FIRST_ENTRIES = 128, VM_CPUID_MAX_ENTRIES = 4096 };

static void
vm_cpuid_say_hypervisor(struct kvm_cpuid2 *c, bool tsc_deadline)
{
	for (unsigned i = 0; i < c->nent; i++)
		if (c->entries[i].function == CPUID_LEAF_FEATURES && c->entries[i].index == 0)
			c->entries[i].ecx |= CPUID_1_ECX_HYPERVISOR |
					     (tsc_deadline ? CPUID_1_ECX_TSC_DEADLINE : 0);
}

static int
vm_set_cpuid(struct kvm_guest *g, bool tsc_deadline, char *err, size_t errlen)
{
	for (unsigned nent = VM_CPUID_FIRST_ENTRIES; nent <= VM_CPUID_MAX_ENTRIES; nent *= 2) {
		struct kvm_cpuid2 *c = calloc(1, sizeof *c + nent * sizeof c->entries[0]);
		if (!c)
			return vm_error(err, errlen, "out of memory for %u CPUID entries", nent);
		c->nent = nent;
		if (ioctl(g->kvm_fd, KVM_GET_SUPPORTED_CPUID, c) < 0) {
			int e = errno;
			free(c);
			if (e == E2BIG)
				continue;
			return vm_error(err, errlen, "KVM_GET_SUPPORTED_CPUID: %s", strerror(e));
		}
		vm_cpuid_say_hypervisor(c, tsc_deadline && ioctl(g->kvm_fd, KVM_CHECK_EXTENSION,
								  KVM_CAP_TSC_DEADLINE_TIMER) > 0);
		int r = ioctl(g->vcpu_fd, KVM_SET_CPUID2, c);
		int e = errno;
		free(c);
		if (r < 0)
			return vm_error(err, errlen, "KVM_SET_CPUID2: %s", strerror(e));
		return 0;
	}
	return vm_error(err, errlen, "KVM_GET_SUPPORTED_CPUID: more than %u entries",
			VM_CPUID_MAX_ENTRIES);
}

/* Before the first KVM_RUN (KVM refuses CPUID changes after it). */
int
kvm_guest_offer_tsc_deadline(struct kvm_guest *g, char *err, size_t errlen)
{
	return g->vcpu_fd < 0 ? 0 : vm_set_cpuid(g, true, err, errlen);
}

/* 1. the system: API version and the extensions we rely on */
static int
vm_open_system(struct kvm_guest *g, char *err, size_t errlen)
{
	g->kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (g->kvm_fd < 0)
		return vm_error(err, errlen, "open /dev/kvm: %s", strerror(errno));
	int version = ioctl(g->kvm_fd, KVM_GET_API_VERSION, 0);
	if (version != KVM_API_VERSION)
		return vm_error(err, errlen, "KVM_GET_API_VERSION: %d, expected %d", version,
				KVM_API_VERSION);
	return vm_check_extensions(g, err, errlen);
}

/* 2. the VM and KVM's private pages below 4 GiB (must precede the vCPU) */
static int
vm_create_vm(struct kvm_guest *g, char *err, size_t errlen)
{
	g->vm_fd = ioctl(g->kvm_fd, KVM_CREATE_VM, 0);
	if (g->vm_fd < 0)
		return vm_error(err, errlen, "KVM_CREATE_VM: %s", strerror(errno));
	if (ioctl(g->vm_fd, KVM_SET_TSS_ADDR, (unsigned long)KVM_TSS_ADDR) < 0)
		return vm_error(err, errlen, "KVM_SET_TSS_ADDR 0x%x: %s", KVM_TSS_ADDR,
				strerror(errno));
	if (ioctl(g->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_SET_IDENTITY_MAP_ADDR) > 0) {
		uint64_t map = KVM_IDENTITY_MAP_ADDR;
		if (ioctl(g->vm_fd, KVM_SET_IDENTITY_MAP_ADDR, &map) < 0)
			return vm_error(err, errlen, "KVM_SET_IDENTITY_MAP_ADDR 0x%" PRIx64 ": %s",
					map, strerror(errno));
	}
	return 0;
}

/* 3. guest RAM: our anonymous memory, guest-physical 0..memory.  Before
 * the irqchip, unlike KVM-NOTES §3.1 (any order before the vCPU is
 * legal): once an in-kernel irqchip exists, every memslot change waits
 * for a grace period, which on kvm_pvm made this one ioctl take 6.5 ms
 * of a 12 ms tiny-guest run; first, it takes 0.04 ms (bench/kvm (b)). */
static int
vm_add_ram(struct kvm_guest *g, size_t memory, char *err, size_t errlen)
{
	g->ram = mmap(NULL, memory, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (g->ram == MAP_FAILED)
		return vm_error(err, errlen, "mmap %zu bytes of guest RAM: %s", memory,
				strerror(errno));
	g->ram_size = memory;
	struct kvm_userspace_memory_region region = {
		.slot = 0, .guest_phys_addr = 0, .memory_size = memory,
		.userspace_addr = (uint64_t)(uintptr_t)g->ram,
	};
	if (ioctl(g->vm_fd, KVM_SET_USER_MEMORY_REGION, &region) < 0)
		return vm_error(err, errlen, "KVM_SET_USER_MEMORY_REGION slot 0, %zu bytes: %s",
				memory, strerror(errno));
	return 0;
}

/* 4. interrupt controllers and the PIT in the kernel; irqchip before vCPUs */
static int
vm_create_irqchip(struct kvm_guest *g, char *err, size_t errlen)
{
	if (ioctl(g->vm_fd, KVM_CREATE_IRQCHIP, 0) < 0)
		return vm_error(err, errlen, "KVM_CREATE_IRQCHIP: %s", strerror(errno));
	struct kvm_pit_config pit = { .flags = KVM_PIT_SPEAKER_DUMMY };
	if (ioctl(g->vm_fd, KVM_CREATE_PIT2, &pit) < 0)
		return vm_error(err, errlen, "KVM_CREATE_PIT2: %s", strerror(errno));
	return 0;
}

/* 5. the vCPU and its shared kvm_run page */
static int
vm_create_vcpu(struct kvm_guest *g, char *err, size_t errlen)
{
	g->vcpu_fd = ioctl(g->vm_fd, KVM_CREATE_VCPU, 0);
	if (g->vcpu_fd < 0)
		return vm_error(err, errlen, "KVM_CREATE_VCPU: %s", strerror(errno));
	int size = ioctl(g->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (size < (int)sizeof(struct kvm_run))
		return vm_error(err, errlen, "KVM_GET_VCPU_MMAP_SIZE: %s",
				size < 0 ? strerror(errno) : "too small");
	g->run_size = (size_t)size;
	g->run = mmap(NULL, g->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, g->vcpu_fd, 0);
	if (g->run == MAP_FAILED)
		return vm_error(err, errlen, "mmap kvm_run (vcpu fd): %s", strerror(errno));
	return 0;
}

/* the devices on the port bus: COM1 and the i8042's two ports */
int
kvm_guest_add_devices(struct kvm_guest *g, char *err, size_t errlen)
{
	uart_init(&g->uart, vm_uart_transmit, vm_uart_set_irq, g);
	if (bus_register(&g->bus, &uart_ops, &g->uart, UART_COM1_BASE, UART_NPORTS) < 0 ||
	    bus_register(&g->bus, &i8042_data_ops, g, I8042_DATA, 1) < 0 ||
	    bus_register(&g->bus, &i8042_command_ops, g, I8042_COMMAND, 1) < 0)
		return vm_error(err, errlen, "bus_register: the port bus is full");
	return 0;
}

/* pc-testdev's IRQ lines are ISA IRQs of the in-kernel PIC/IOAPIC. */
static void
vm_testdev_set_irq(void *ctx, unsigned irq, int level)
{
	struct kvm_guest *g = ctx;
	struct kvm_irq_level line = { .irq = irq, .level = (uint32_t)level };
	if (g->vm_fd >= 0 && ioctl(g->vm_fd, KVM_IRQ_LINE, &line) < 0)
		fprintf(stderr, "traplab kvm: KVM_IRQ_LINE %u: %s\n", irq, strerror(errno));
}

/* pc-testdev's page flush, as QEMU does it: take the page away from the
 * process and give it back, so KVM's MMU notifier drops its mapping and the
 * guest's next access faults into KVM. */
static void
vm_testdev_flush_page(void *ctx, uint64_t gpa)
{
	struct kvm_guest *g = ctx;
	uint64_t page = gpa & ~(uint64_t)(VM_PAGE_SIZE - 1);
	if (page >= g->ram_size)
		return;
	mprotect(g->ram + page, VM_PAGE_SIZE, PROT_NONE);
	mprotect(g->ram + page, VM_PAGE_SIZE, PROT_READ | PROT_WRITE);
}

enum { VM_CPUS = 1 };   /* one vCPU, as fw_cfg tells */

/* a test kernel's devices (test_devices.h): isa-debug-exit, fw_cfg, pc-testdev */
int
kvm_guest_add_test_devices(struct kvm_guest *g, char *err, size_t errlen)
{
	if (g->have_test_devices)
		return 0;
	fw_cfg_init(&g->fw_cfg, g->ram_size, VM_CPUS);
	pc_testdev_init(&g->testdev, &g->io_size, vm_testdev_set_irq, vm_testdev_flush_page, g);
	if (bus_register(&g->bus, &debug_exit_ops, &g->debug_exit, DEBUG_EXIT_PORT,
			 DEBUG_EXIT_NPORTS) < 0 ||
	    bus_register(&g->bus, &fw_cfg_ops, &g->fw_cfg, FW_CFG_PORT_SELECTOR, FW_CFG_NPORTS) < 0 ||
	    bus_register(&g->bus, &pc_testdev_ops, &g->testdev, PC_TESTDEV_PORT,
			 PC_TESTDEV_NPORTS) < 0 ||
	    bus_register(&g->bus, &pc_testdev_irq_ops, &g->testdev, PC_TESTDEV_IRQ_PORT,
			 PC_TESTDEV_IRQS) < 0)
		return vm_error(err, errlen, "bus_register: the port bus is full");
	g->have_test_devices = true;
	return 0;
}

struct kvm_guest *
kvm_guest_create(const struct kvm_config *cfg, char *err, size_t errlen)
{
	size_t memory = (cfg->memory + VM_PAGE_SIZE - 1) & ~(size_t)(VM_PAGE_SIZE - 1);
	if (memory == 0 || memory > KVM_MAX_MEMORY) {
		vm_error(err, errlen, "memory: %zu bytes: expected 4 KiB to %llu MiB", cfg->memory,
			 KVM_MAX_MEMORY >> 20);
		return NULL;
	}
	struct kvm_guest *g = calloc(1, sizeof *g);
	if (!g) {
		vm_error(err, errlen, "out of memory for the VM");
		return NULL;
	}
	g->kvm_fd = g->vm_fd = g->vcpu_fd = g->stats_fd = -1;
	g->ram = MAP_FAILED;
	g->run = MAP_FAILED;
	char line[256];
	g->host = kvm_host_probe(line, sizeof line);
	pthread_mutex_init(&g->dev_lock, NULL);

	/* in the order of KVM-NOTES §3.1, but RAM before the irqchip (vm_add_ram) */
	if (vm_open_system(g, err, errlen) < 0 || vm_create_vm(g, err, errlen) < 0 ||
	    vm_add_ram(g, memory, err, errlen) < 0 || vm_create_irqchip(g, err, errlen) < 0 ||
	    vm_create_vcpu(g, err, errlen) < 0 || vm_set_cpuid(g, false, err, errlen) < 0 ||
	    kvm_guest_add_devices(g, err, errlen) < 0) {
		kvm_guest_destroy(g);
		return NULL;
	}
	return g;
}

void
kvm_guest_destroy(struct kvm_guest *g)
{
	if (!g)
		return;
	if (g->stats_fd >= 0)
		close(g->stats_fd);
	if (g->run != MAP_FAILED)
		munmap(g->run, g->run_size);
	if (g->vcpu_fd >= 0)
		close(g->vcpu_fd);
	if (g->vm_fd >= 0)
		close(g->vm_fd);
	if (g->ram != MAP_FAILED)
		munmap(g->ram, g->ram_size);
	if (g->kvm_fd >= 0)
		close(g->kvm_fd);
	pthread_mutex_destroy(&g->dev_lock);
	free(g);
}

uint8_t *
kvm_guest_ram(struct kvm_guest *g, uint64_t gpa, size_t len)
{
	if (gpa > g->ram_size || len > g->ram_size - gpa)
		return NULL;
	return g->ram + gpa;
}

size_t
kvm_guest_ram_size(const struct kvm_guest *g)
{
	return g->ram_size;
}

void
kvm_guest_set_console(struct kvm_guest *g, void (*sink)(void *ctx, uint8_t byte), void *ctx)
{
	pthread_mutex_lock(&g->dev_lock);
	g->sink = sink;
	g->sink_ctx = ctx;
	pthread_mutex_unlock(&g->dev_lock);
}

/* From any thread: the UART raises IRQ 4 through KVM_IRQ_LINE, and the
 * in-kernel irqchip wakes a halted vCPU by itself. */
void
kvm_guest_console_input(struct kvm_guest *g, const char *text, size_t len)
{
	pthread_mutex_lock(&g->dev_lock);
	uart_receive(&g->uart, (const uint8_t *)text, len);
	pthread_mutex_unlock(&g->dev_lock);
}
