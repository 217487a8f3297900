/* vm.c — one VM with one vCPU on /dev/kvm: creation in the order of
 * KVM-NOTES §3.1 (RAM before the irqchip), CPUID, guest RAM, the devices on
 * the port bus (COM1 UART, the i8042's reset line), the KVM_RUN exit loop
 * (one switch, one case per exit reason, as kvmtool's kvm-cpu.c), the kicks
 * that notice power-off (with halt_watch.c) and KVM's own statistics.
 * Lab 10, hardware assist.
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
#include <time.h>
#include <unistd.h>

#include "kvm_internal.h"

#ifndef sigev_notify_thread_id
#define sigev_notify_thread_id _sigev_un._tid   /* glibc 2.36 has no name for it */
#endif

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
	if (ioctl(g->vm_fd, KVM_IRQ_LINE, &irq) < 0)
		fprintf(stderr, "traplab kvm: KVM_IRQ_LINE %u: %s\n", irq.irq, strerror(errno));
}

/* The i8042 keyboard controller, only as far as rebooting goes (KVM-NOTES
 * §3.6): status (port 0x64) reads 0, "input buffer empty", so Linux's
 * kb_wait() returns at once; command 0xFE pulses the CPU reset line. */
#define I8042_DATA       0x60
#define I8042_COMMAND    0x64
#define I8042_CMD_RESET  0xfe

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
	for (size_t i = 0; i < sizeof required / sizeof required[0]; i++)
		if (ioctl(g->kvm_fd, KVM_CHECK_EXTENSION, required[i].cap) <= 0)
			return vm_error(err, errlen, "KVM_CHECK_EXTENSION: this kernel lacks %s",
					required[i].name);
	int dbg = ioctl(g->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_SET_GUEST_DEBUG2);
	g->debug_caps = dbg > 0 ? (uint32_t)dbg :
			ioctl(g->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_SET_GUEST_DEBUG) > 0 ?
			KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_SINGLESTEP | KVM_GUESTDBG_USE_HW_BP : 0;
	return 0;
}

/* KVM_GET_SUPPORTED_CPUID -> KVM_SET_CPUID2: the guest sees what KVM offers. */
/* KVM_GET_SUPPORTED_CPUID leaves CPUID.1:ECX.HYPERVISOR (bit 31) clear, as the
 * host CPU has it; QEMU and kvmtool set it, and so do we.  Without it Linux
 * never looks at KVM's leaves (0x40000000: "KVMKVMKVM"), boots "on bare
 * hardware", has no kvm-clock and must calibrate its TSC and LAPIC timer
 * against the PIT -- which under nested or emulated hardware can stall the
 * boot for good at "tsc: Marking TSC unstable" (guests/x86/svm-host/). */
enum { CPUID_LEAF_FEATURES = 1, CPUID_1_ECX_HYPERVISOR = 1u << 31 };

static void
vm_cpuid_say_hypervisor(struct kvm_cpuid2 *c)
{
	for (unsigned i = 0; i < c->nent; i++)
		if (c->entries[i].function == CPUID_LEAF_FEATURES && c->entries[i].index == 0)
			c->entries[i].ecx |= CPUID_1_ECX_HYPERVISOR;
}

static int
vm_set_cpuid(struct kvm_guest *g, char *err, size_t errlen)
{
	for (unsigned nent = 128; nent <= 4096; nent *= 2) {
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
		vm_cpuid_say_hypervisor(c);
		int r = ioctl(g->vcpu_fd, KVM_SET_CPUID2, c);
		int e = errno;
		free(c);
		if (r < 0)
			return vm_error(err, errlen, "KVM_SET_CPUID2: %s", strerror(e));
		return 0;
	}
	return vm_error(err, errlen, "KVM_GET_SUPPORTED_CPUID: more than 4096 entries");
}

struct kvm_guest *
kvm_guest_create(const struct kvm_config *cfg, char *err, size_t errlen)
{
	size_t memory = (cfg->memory + 4095) & ~(size_t)4095;
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
	g->vm_fd = g->vcpu_fd = g->stats_fd = -1;
	g->ram = MAP_FAILED;
	g->run = MAP_FAILED;
	char line[256];
	g->host = kvm_host_probe(line, sizeof line);
	pthread_mutex_init(&g->dev_lock, NULL);

	/* 1. the system: API version and the extensions we rely on */
	g->kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (g->kvm_fd < 0) {
		vm_error(err, errlen, "open /dev/kvm: %s", strerror(errno));
		goto fail;
	}
	int version = ioctl(g->kvm_fd, KVM_GET_API_VERSION, 0);
	if (version != KVM_API_VERSION) {
		vm_error(err, errlen, "KVM_GET_API_VERSION: %d, expected %d", version, KVM_API_VERSION);
		goto fail;
	}
	if (vm_check_extensions(g, err, errlen) < 0)
		goto fail;

	/* 2. the VM and KVM's private pages below 4 GiB (must precede the vCPU) */
	g->vm_fd = ioctl(g->kvm_fd, KVM_CREATE_VM, 0);
	if (g->vm_fd < 0) {
		vm_error(err, errlen, "KVM_CREATE_VM: %s", strerror(errno));
		goto fail;
	}
	if (ioctl(g->vm_fd, KVM_SET_TSS_ADDR, (unsigned long)KVM_TSS_ADDR) < 0) {
		vm_error(err, errlen, "KVM_SET_TSS_ADDR 0x%x: %s", KVM_TSS_ADDR, strerror(errno));
		goto fail;
	}
	if (ioctl(g->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_SET_IDENTITY_MAP_ADDR) > 0) {
		uint64_t map = KVM_IDENTITY_MAP_ADDR;
		if (ioctl(g->vm_fd, KVM_SET_IDENTITY_MAP_ADDR, &map) < 0) {
			vm_error(err, errlen, "KVM_SET_IDENTITY_MAP_ADDR 0x%" PRIx64 ": %s", map,
				 strerror(errno));
			goto fail;
		}
	}

	/* 3. guest RAM: our anonymous memory, guest-physical 0..memory.  Before
	 * the irqchip, unlike KVM-NOTES §3.1 (any order before the vCPU is
	 * legal): once an in-kernel irqchip exists, every memslot change waits
	 * for a grace period, which on kvm_pvm made this one ioctl take 6.5 ms
	 * of a 12 ms tiny-guest run; first, it takes 0.04 ms (bench/kvm (b)). */
	g->ram = mmap(NULL, memory, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (g->ram == MAP_FAILED) {
		vm_error(err, errlen, "mmap %zu bytes of guest RAM: %s", memory, strerror(errno));
		goto fail;
	}
	g->ram_size = memory;
	struct kvm_userspace_memory_region region = {
		.slot = 0, .guest_phys_addr = 0, .memory_size = memory,
		.userspace_addr = (uint64_t)(uintptr_t)g->ram,
	};
	if (ioctl(g->vm_fd, KVM_SET_USER_MEMORY_REGION, &region) < 0) {
		vm_error(err, errlen, "KVM_SET_USER_MEMORY_REGION slot 0, %zu bytes: %s", memory,
			 strerror(errno));
		goto fail;
	}

	/* 4. interrupt controllers and the PIT in the kernel; irqchip before vCPUs */
	if (ioctl(g->vm_fd, KVM_CREATE_IRQCHIP, 0) < 0) {
		vm_error(err, errlen, "KVM_CREATE_IRQCHIP: %s", strerror(errno));
		goto fail;
	}
	struct kvm_pit_config pit = { .flags = KVM_PIT_SPEAKER_DUMMY };
	if (ioctl(g->vm_fd, KVM_CREATE_PIT2, &pit) < 0) {
		vm_error(err, errlen, "KVM_CREATE_PIT2: %s", strerror(errno));
		goto fail;
	}

	/* 5. the vCPU and its shared kvm_run page */
	g->vcpu_fd = ioctl(g->vm_fd, KVM_CREATE_VCPU, 0);
	if (g->vcpu_fd < 0) {
		vm_error(err, errlen, "KVM_CREATE_VCPU: %s", strerror(errno));
		goto fail;
	}
	int size = ioctl(g->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (size < (int)sizeof(struct kvm_run)) {
		vm_error(err, errlen, "KVM_GET_VCPU_MMAP_SIZE: %s", size < 0 ? strerror(errno) : "too small");
		goto fail;
	}
	g->run_size = (size_t)size;
	g->run = mmap(NULL, g->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, g->vcpu_fd, 0);
	if (g->run == MAP_FAILED) {
		vm_error(err, errlen, "mmap kvm_run (vcpu fd): %s", strerror(errno));
		goto fail;
	}

	/* 6. CPUID as KVM supports it */
	if (vm_set_cpuid(g, err, errlen) < 0)
		goto fail;

	/* devices */
	uart_init(&g->uart, vm_uart_transmit, vm_uart_set_irq, g);
	if (bus_register(&g->bus, &uart_ops, &g->uart, UART_COM1_BASE, UART_NPORTS) < 0 ||
	    bus_register(&g->bus, &i8042_data_ops, g, I8042_DATA, 1) < 0 ||
	    bus_register(&g->bus, &i8042_command_ops, g, I8042_COMMAND, 1) < 0) {
		vm_error(err, errlen, "bus_register: the port bus is full");
		goto fail;
	}
	return g;

fail:
	kvm_guest_destroy(g);
	return NULL;
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

/* ---- kicking the vCPU out of KVM_RUN ------------------------------------------------ */

/* A signal to the vCPU thread makes KVM_RUN return EINTR (KVM_EXIT_INTR);
 * the handler also sets immediate_exit, which closes the race with a signal
 * that lands just before the ioctl (api.rst, "immediate_exit"). */

static __thread struct kvm_run *vm_kick_run;   /* this thread's running vCPU */

static void
vm_kick_handler(int sig)
{
	(void)sig;
	struct kvm_run *run = vm_kick_run;
	if (run)
		run->immediate_exit = 1;
}

static void
vm_kick_install(void)
{
	static atomic_bool installed;
	if (atomic_exchange(&installed, true))
		return;
	struct sigaction sa = { .sa_handler = vm_kick_handler, .sa_flags = SA_RESTART };
	sigemptyset(&sa.sa_mask);
	/* SA_RESTART: other system calls of this thread (the console's write)
	 * resume; KVM_RUN itself returns EINTR regardless. */
	sigaction(VM_KICK_SIGNAL, &sa, NULL);
}

/* Async-signal-safe: two stores and pthread_kill. */
void
kvm_guest_interrupt(struct kvm_guest *g)
{
	atomic_store(&g->interrupt, true);
	g->run->immediate_exit = 1;
	if (atomic_load(&g->running))
		pthread_kill(g->vcpu_thread, VM_KICK_SIGNAL);
}

/* Power-off detection, part 1 (part 2 is halt_watch.c): with the in-kernel
 * LAPIC a guest's `cli; hlt` never exits to us, so we kick the vCPU out of
 * KVM_RUN on a timer and look.  How often is a trade: a guest that halts at
 * time T is noticed at the next kick, and each kick costs an exit.  So the
 * kicks back off, 0.1 ms, 0.2 ms, ... 3.2 ms: most of our flat guests are
 * done within them, noticed within about 2T.  A guest still running then
 * is handed to halt_watch.c's thread, which looks without kicking; only
 * then, because on our host merely having had a second thread made the
 * process's VM teardown take 28 ms instead of 12 in 9 runs of 15 (bench/kvm
 * (b)).  Where KVM lacks the statistic the watcher reads (Linux < 5.16),
 * the timer goes on every 5 ms.  It stays periodic at each step: a kick
 * that lands between KVM_RUN's return and our clearing immediate_exit is
 * lost, and the next period must still come. */
enum { VM_KICK_FIRST_NS = 100000, VM_KICK_MAX_NS = 5000000 };

static void
vm_kick_timer_arm(struct kvm_guest *g, long ns)
{
	g->kick_ns = ns;
	struct timespec period = { ns / 1000000000L, ns % 1000000000L };
	struct itimerspec its = { .it_value = period, .it_interval = period };
	timer_settime(g->kick_timer, 0, &its, NULL);
}

static void
vm_kick_timer_start(struct kvm_guest *g)
{
	struct sigevent sev = { .sigev_notify = SIGEV_THREAD_ID, .sigev_signo = VM_KICK_SIGNAL };
	sev.sigev_notify_thread_id = gettid();
	g->have_kick_timer = timer_create(CLOCK_MONOTONIC, &sev, &g->kick_timer) == 0;
	if (g->have_kick_timer)
		vm_kick_timer_arm(g, VM_KICK_FIRST_NS);
}

static void
vm_kick_timer_stop(struct kvm_guest *g)
{
	if (g->have_kick_timer)
		timer_delete(g->kick_timer);
	g->have_kick_timer = false;
}

/* After a kick that found the guest running: the next ones less often, and
 * past the short phase, the watcher instead of kicks. */
static void
vm_kick_timer_back_off(struct kvm_guest *g)
{
	if (!g->have_kick_timer || g->kick_ns >= VM_KICK_MAX_NS)
		return;
	long next = g->kick_ns * 2;
	if (next >= VM_KICK_MAX_NS && !g->have_watch && halt_watch_start(g) == 0) {
		g->have_watch = true;
		vm_kick_timer_stop(g);
		return;
	}
	vm_kick_timer_arm(g, next < VM_KICK_MAX_NS ? next : VM_KICK_MAX_NS);
}

/* ---- the exit loop ----------------------------------------------------------------- */

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
kvm_exit_reason_name(unsigned reason)
{
	if (reason < KVM_EXIT_REASONS && exit_reason_names[reason])
		return exit_reason_names[reason];
	return "?";
}

void
kvm_guest_exit_counts(const struct kvm_guest *g, struct kvm_exit_counts *out)
{
	*out = g->counts;
}

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

	unsigned class = port >= UART_COM1_BASE && port < UART_COM1_BASE + UART_NPORTS ?
			 KVM_PORTS_UART :
			 port == I8042_DATA || port == I8042_COMMAND ? KVM_PORTS_I8042 :
			 g->bus.unowned_accesses != unowned ? KVM_PORTS_UNOWNED : KVM_PORTS_OTHER;
	g->counts.io_by_port_class[class]++;
}

/* Nothing but RAM is mapped: MMIO reads see all ones (an empty bus), writes vanish. */
static void
vm_handle_mmio(struct kvm_guest *g)
{
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
	uint64_t linear = (s.efer & EFER_LMA_BIT) && s.cs.l ? r.rip : s.cs.base + r.rip;
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
	    s.idt.limit == 0 && (s.cr0 & 1)) {
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

void
kvm_guest_run_loop(struct kvm_guest *g, uint64_t max_exits, struct kvm_stop *stop)
{
	memset(stop, 0, sizeof *stop);
	for (uint64_t exits = 0;; exits++) {
		if (max_exits && exits >= max_exits) {
			vm_stop(g, stop, KVM_STOP_EXIT_LIMIT, "stopped after %" PRIu64 " exits", exits);
			break;
		}
		if (atomic_exchange(&g->interrupt, false)) {
			g->run->immediate_exit = 0;   /* consumed with the flag */
			vm_stop(g, stop, KVM_STOP_INTERRUPTED, "interrupted");
			break;
		}
		int r = ioctl(g->vcpu_fd, KVM_RUN, 0);
		int e = errno;
		/* clear before the next interrupt check: see kvm_guest_interrupt */
		g->run->immediate_exit = 0;
		unsigned reason = g->run->exit_reason;
		if (r < 0) {
			if (e == EINTR) {
				reason = KVM_EXIT_INTR;
			} else if (e == EAGAIN) {
				continue;
			} else {
				vm_stop(g, stop, KVM_STOP_ERROR, "KVM_RUN: %s", strerror(e));
				break;
			}
		}
		g->counts.by_reason[reason < KVM_EXIT_REASONS ? reason : KVM_EXIT_UNKNOWN]++;

		bool done = true;
		switch (reason) {
		case KVM_EXIT_IO:
			vm_handle_io(g);
			done = g->reset_requested;
			if (done) {
				g->reset_requested = false;
				vm_stop(g, stop, KVM_STOP_RESET, "reset: 0x%02x written to i8042 port 0x%02x",
					I8042_CMD_RESET, I8042_COMMAND);
			}
			break;
		case KVM_EXIT_MMIO:
			vm_handle_mmio(g);
			done = false;
			break;
		case KVM_EXIT_HLT:
			/* only without the in-kernel irqchip, which we always create */
			vm_stop(g, stop, KVM_STOP_POWER_OFF, "powered off: hlt (KVM_EXIT_HLT)");
			break;
		case KVM_EXIT_SHUTDOWN:
			vm_stop(g, stop, KVM_STOP_RESET, "reset: triple fault (KVM_EXIT_SHUTDOWN)");
			break;
		case KVM_EXIT_FAIL_ENTRY: {
			char regs[200];
			vm_format_regs(g, regs, sizeof regs);
			vm_stop(g, stop, KVM_STOP_FAIL_ENTRY,
				"KVM_EXIT_FAIL_ENTRY: the CPU refused the vCPU state "
				"(hardware_entry_failure_reason 0x%llx); %s",
				(unsigned long long)g->run->fail_entry.hardware_entry_failure_reason,
				regs);
			break;
		}
		case KVM_EXIT_INTERNAL_ERROR:
			vm_internal_error(g, stop);
			break;
		case KVM_EXIT_DEBUG:
			kvm_guest_debug_stop(g, stop);
			break;
		case KVM_EXIT_INTR:
			/* our kick, kvm_guest_interrupt, or another signal */
			done = vm_powered_off(g);
			if (done)
				vm_stop(g, stop, KVM_STOP_POWER_OFF,
					"powered off: halted with interrupts off");
			else
				vm_kick_timer_back_off(g);
			break;
		case KVM_EXIT_SYSTEM_EVENT:
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
			break;
		default:
			vm_stop(g, stop, KVM_STOP_ERROR, "unexpected exit %u (KVM_EXIT_%s)", reason,
				kvm_exit_reason_name(reason));
		}
		if (done)
			break;
	}
}

void
kvm_guest_run(struct kvm_guest *g, uint64_t max_exits, struct kvm_stop *stop)
{
	memset(stop, 0, sizeof *stop);
	vm_kick_install();
	g->vcpu_thread = pthread_self();
	vm_kick_run = g->run;
	atomic_store(&g->running, true);
	g->have_watch = false;
	vm_kick_timer_start(g);
	if (!g->have_kick_timer)   /* no timer: the watcher from the start */
		g->have_watch = halt_watch_start(g) == 0;

	if (!kvm_guest_resume_over_breakpoint(g, stop))
		kvm_guest_run_loop(g, max_exits, stop);

	if (g->have_watch)
		halt_watch_stop(g);
	g->have_watch = false;
	vm_kick_timer_stop(g);
	atomic_store(&g->running, false);
	vm_kick_run = NULL;
	/* a kick that landed after the loop's last KVM_RUN must not cut the next
	 * run short; an interrupt request lives on in g->interrupt */
	g->run->immediate_exit = 0;
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
