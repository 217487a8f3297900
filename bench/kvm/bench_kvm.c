/* bench_kvm.c — what does TrapLab's KVM run loop cost?  (bench/kvm; Lab 10)
 *
 * (a) One I/O exit round trip (guest `out` -> KVM_RUN returns -> we handle
 *     it -> KVM_RUN again) through kvm_guest_run, against a bare KVM_RUN loop
 *     written here in ~50 lines (no irqchip, no devices, no timer), same
 *     guest bytes: N `out`s to a port nobody owns, then 0xFE to port 0x64.
 *     Target: ours <= 1.2x bare.
 * (b) A tiny guest from process start to exit: `traplab kvm` against
 *     `qemu-system-x86_64 -enable-kvm -M microvm`, same guest bytes (QEMU gets
 *     them as a 64 KiB -bios image with a jump at the reset vector).  Target:
 *     ours <= 0.3x QEMU, as the median of alternating pairs.  Beside them,
 *     the floor: this program as the least VMM for the same guest, to show
 *     how much of a run is the kernel's (on kvm_pvm most of it: closing a
 *     VM with an in-kernel irqchip alone takes 6-27 ms there).
 * (c) Linux to its first line and its shell, traplab (without, cold and warm
 *     kernel cache) vs QEMU, is bench/kvm/run's: it needs the SVM host.
 * Usage: bench_kvm TOP TRAPLAB [QEMU]   (bench/kvm/run passes them)
 *        bench_kvm --floor GUEST        (the floor VMM, spawned by (b))
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kvm.h"

enum { IO_LOOPS = 20000, REPS = 7, PROC_REPS = 21, SETTLE_NS = 100000000, LOAD = 0x7c00, BARE_RAM = 1 << 20 };

/* (a) 16-bit real mode, CS = DS = 0x07c0:
 *  0: 66 b9 imm32   mov $IO_LOOPS, %ecx
 *  6: ba 10 05      mov $0x510, %dx
 *  9: ee            out %al, %dx          <- one exit per iteration
 * 10: 66 49         dec %ecx
 * 12: 75 fb         jnz 9
 * 14: b0 fe         mov $0xfe, %al
 * 16: e6 64         out %al, $0x64        i8042 reset: the end
 * 18: fa f4         cli; hlt */
static uint8_t io_guest[] = { 0x66, 0xb9, 0, 0, 0, 0, 0xba, 0x10, 0x05, 0xee, 0x66, 0x49,
			      0x75, 0xfb, 0xb0, 0xfe, 0xe6, 0x64, 0xfa, 0xf4 };

/* (b) real mode, any CS: DS = CS, print msg on COM1, 0 to port 0xf4
 * (QEMU's isa-debug-exit: QEMU exits; nobody owns it under traplab), cli; hlt
 * (traplab: power-off).
 *  0: 8c c8 8e d8   mov %cs, %ax; mov %ax, %ds
 *  4: be 18 00      mov $msg, %si
 *  7: ac            lodsb
 *  8: 84 c0 74 06   test %al, %al; jz 18
 * 12: ba f8 03 ee   mov $0x3f8, %dx; out %al, %dx
 * 16: eb f5         jmp 7
 * 18: b0 00 e6 f4   mov $0, %al; out %al, $0xf4
 * 22: fa f4         cli; hlt
 * 24: msg */
static const uint8_t tiny_guest[] = { 0x8c, 0xc8, 0x8e, 0xd8, 0xbe, 0x18, 0x00, 0xac, 0x84, 0xc0,
				      0x74, 0x06, 0xba, 0xf8, 0x03, 0xee, 0xeb, 0xf5, 0xb0, 0x00,
				      0xe6, 0xf4, 0xfa, 0xf4, 'b', 'e', 'n', 'c', 'h', '\n', 0 };

static double
now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* ---- the bare loop: the least a VMM can do ----------------------------------------------- */
struct bare_vm {
	int kvm, vm, vcpu;
	uint8_t *ram;
	struct kvm_run *run;
};

/* A VM with BARE_RAM of memory and one vCPU in real mode at CS = DS = LOAD >> 4,
 * running guest; with_irqchip adds the in-kernel PIC/IOAPIC/LAPIC and PIT
 * both traplab and QEMU create (their teardown is much of (b)'s time). */
static void
bare_vm_create(struct bare_vm *b, const uint8_t *guest, size_t len, bool with_irqchip)
{
	b->kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	b->vm = ioctl(b->kvm, KVM_CREATE_VM, 0);
	ioctl(b->vm, KVM_SET_TSS_ADDR, 0xfffbd000ul);
	b->ram = mmap(NULL, BARE_RAM, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct kvm_userspace_memory_region mem = {
		.memory_size = BARE_RAM, .userspace_addr = (uint64_t)(uintptr_t)b->ram,
	};
	struct kvm_pit_config pit = { .flags = KVM_PIT_SPEAKER_DUMMY };
	b->vcpu = -1;
	b->run = MAP_FAILED;
	if (b->kvm < 0 || b->vm < 0 || b->ram == MAP_FAILED ||
	    ioctl(b->vm, KVM_SET_USER_MEMORY_REGION, &mem) < 0 ||
	    (with_irqchip && (ioctl(b->vm, KVM_CREATE_IRQCHIP, 0) < 0 ||
			      ioctl(b->vm, KVM_CREATE_PIT2, &pit) < 0)) ||
	    (b->vcpu = ioctl(b->vm, KVM_CREATE_VCPU, 0)) < 0 ||
	    (b->run = mmap(NULL, (size_t)ioctl(b->kvm, KVM_GET_VCPU_MMAP_SIZE, 0),
			   PROT_READ | PROT_WRITE, MAP_SHARED, b->vcpu, 0)) == MAP_FAILED) {
		fprintf(stderr, "bench_kvm: bare VM set-up: %s\n", strerror(errno));
		exit(1);
	}
	memcpy(b->ram + LOAD, guest, len);
	struct kvm_sregs s;
	ioctl(b->vcpu, KVM_GET_SREGS, &s);
	s.cs.selector = s.ds.selector = s.es.selector = s.ss.selector = LOAD >> 4;
	s.cs.base = s.ds.base = s.es.base = s.ss.base = LOAD;
	ioctl(b->vcpu, KVM_SET_SREGS, &s);
	struct kvm_regs r = { .rip = 0, .rsp = 0xfff0, .rflags = 2 };
	ioctl(b->vcpu, KVM_SET_REGS, &r);
}

static void
bare_vm_destroy(struct bare_vm *b)
{
	munmap(b->run, (size_t)ioctl(b->kvm, KVM_GET_VCPU_MMAP_SIZE, 0));
	close(b->vcpu);
	close(b->vm);
	munmap(b->ram, BARE_RAM);
	close(b->kvm);
}

/* (a) the bare loop: no irqchip, no devices, no timer */
static double
bare_run(void)
{
	struct bare_vm b;
	bare_vm_create(&b, io_guest, sizeof io_guest, false);
	double t0 = now();
	for (;;) {
		if (ioctl(b.vcpu, KVM_RUN, 0) < 0 && errno != EINTR)
			break;
		if (b.run->exit_reason == KVM_EXIT_IO && b.run->io.port == 0x64)
			break;   /* the reset: done */
		if (b.run->exit_reason != KVM_EXIT_IO)
			break;
	}
	double t = now() - t0;
	bare_vm_destroy(&b);
	return t;
}

/* (b) the floor: `bench_kvm --floor GUEST`, a process that is the least VMM
 * for the tiny guest (irqchip and PIT included, as both real VMMs have):
 * COM1's bytes to stdout, and at the write to port 0xf4 the VM is closed,
 * vCPU first, as traplab does.  (Leaving it to the process's exit costs
 * several times as much on kvm_pvm: the address space goes first, and KVM
 * tears down its MMU from the notifier instead.) */
static int
floor_main(const char *path)
{
	static uint8_t guest[4096];
	FILE *f = fopen(path, "rb");
	size_t len = f ? fread(guest, 1, sizeof guest, f) : 0;
	if (f)
		fclose(f);
	if (len == 0) {
		fprintf(stderr, "bench_kvm --floor: cannot read %s\n", path);
		return 1;
	}
	struct bare_vm b;
	bare_vm_create(&b, guest, len, true);
	for (;;) {
		if (ioctl(b.vcpu, KVM_RUN, 0) < 0 && errno != EINTR)
			return 1;
		if (b.run->exit_reason != KVM_EXIT_IO)
			return 1;
		if (b.run->io.port == 0xf4) {
			bare_vm_destroy(&b);
			return 0;
		}
		if (b.run->io.port == 0x3f8 && b.run->io.direction == KVM_EXIT_IO_OUT)
			putchar(*((uint8_t *)b.run + b.run->io.data_offset));
	}
}

/* ---- (a) ours: kvm_guest_run with the UART, i8042, kick timer, counters ------------------ */
static double
ours_run(void)
{
	char err[320];
	struct kvm_config cfg = { .memory = 16 << 20 };
	struct kvm_guest *g = kvm_guest_create(&cfg, err, sizeof err);
	if (!g || kvm_guest_load_flat(g, io_guest, sizeof io_guest, LOAD, LOAD, KVM_MODE_REAL, err,
				      sizeof err) < 0) {
		fprintf(stderr, "bench_kvm: %s\n", err);
		exit(1);
	}
	struct kvm_stop stop;
	double t0 = now();
	kvm_guest_run(g, 0, &stop);
	double t = now() - t0;
	struct kvm_exit_counts c;
	kvm_guest_exit_counts(g, &c);
	if (stop.kind != KVM_STOP_RESET || c.io_by_port_class[KVM_PORTS_UNOWNED] != IO_LOOPS) {
		fprintf(stderr, "bench_kvm: the I/O guest did not run as expected: %s\n", stop.message);
		exit(1);
	}
	kvm_guest_destroy(g);
	return t;
}

/* ---- (b) processes ------------------------------------------------------------------------- */
static double
time_process(char *const argv[], int *status)
{
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	extern char **environ;
	pid_t pid;
	double t0 = now();
	if (posix_spawn(&pid, argv[0], &fa, NULL, argv, environ) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		return -1;
	}
	waitpid(pid, status, 0);
	double t = now() - t0;
	posix_spawn_file_actions_destroy(&fa);
	return t;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* One timed run of argv; -1 if it could not start or ended with another status. */
static double
timed_run(char *const argv[], int expect_status)
{
	int status = 0;
	double t = time_process(argv, &status);
	if (t < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != expect_status) {
		fprintf(stderr, "bench_kvm: %s exited with status %d, expected %d\n", argv[0],
			WIFEXITED(status) ? WEXITSTATUS(status) : -1, expect_status);
		return -1;
	}
	return t;
}

static double
median(double *t, int n)
{
	qsort(t, (size_t)n, sizeof t[0], cmp_double);
	return t[n / 2];
}

static int
write_file(const char *path, const uint8_t *bytes, size_t len)
{
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(bytes, 1, len, f) != len) {
		if (f)
			fclose(f);
		return -1;
	}
	return fclose(f);
}

int
main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "--floor") == 0)
		return floor_main(argv[2]);
	if (argc < 3) {
		fprintf(stderr, "usage: bench_kvm TOP TRAPLAB [QEMU]\n");
		return 2;
	}
	char host_line[320];
	enum kvm_host_kind host = kvm_host_probe(host_line, sizeof host_line);
	printf("# bench/kvm — TrapLab's KVM run loop\n\nhost: %s\n\n", host_line);
	if (host == KVM_HOST_NONE)
		return 0;

	/* (a) */
	uint32_t n = IO_LOOPS;
	memcpy(io_guest + 2, &n, 4);
	double best_bare = 1e9, best_ours = 1e9;
	for (int i = 0; i < REPS; i++) {   /* alternate, keep the best of each */
		double b = bare_run(), o = ours_run();
		best_bare = b < best_bare ? b : best_bare;
		best_ours = o < best_ours ? o : best_ours;
	}
	double us_bare = best_bare / IO_LOOPS * 1e6, us_ours = best_ours / IO_LOOPS * 1e6;
	printf("(a) one I/O exit round trip, %d exits, best of %d (alternating):\n", IO_LOOPS, REPS);
	printf("    bare KVM_RUN loop        %8.2f us/exit\n", us_bare);
	printf("    traplab kvm_guest_run    %8.2f us/exit\n", us_ours);
	printf("    ratio                    %8.2fx   (target <= 1.20x) %s\n\n", us_ours / us_bare,
	       us_ours / us_bare <= 1.2 ? "MET" : "MISSED");

	/* (b) */
	char bin[1024], bios[1024];
	snprintf(bin, sizeof bin, "%s/build/bench/kvm/tiny.bin", argv[1]);
	snprintf(bios, sizeof bios, "%s/build/bench/kvm/tiny-bios.bin", argv[1]);
	static uint8_t image[65536];
	memcpy(image, tiny_guest, sizeof tiny_guest);
	static const uint8_t reset_jump[] = { 0xea, 0x00, 0x00, 0x00, 0xf0 };   /* ljmp $0xf000, $0 */
	memcpy(image + 0xfff0, reset_jump, sizeof reset_jump);
	if (write_file(bin, tiny_guest, sizeof tiny_guest) < 0 || write_file(bios, image, sizeof image) < 0) {
		fprintf(stderr, "bench_kvm: cannot write %s: %s\n", bin, strerror(errno));
		return 1;
	}
	char *ours_argv[] = { argv[2], "kvm", bin, NULL };
	char *floor_argv[] = { argv[0], "--floor", bin, NULL };
	char bios_arg[1100];
	snprintf(bios_arg, sizeof bios_arg, "%s", bios);
	char *qemu_argv[] = { argv[3], "-enable-kvm", "-M", "microvm", "-nodefaults",
			      "-no-user-config", "-display", "none", "-serial", "stdio", "-m", "16",
			      "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04", "-bios", bios_arg,
			      NULL };
	bool have_qemu = argc >= 4 && argv[3][0];
	/* Alternate ours and QEMU's, so both meet the same machine, and the
	 * figure is the median of the paired ratios.  Much of each run is the
	 * kernel's own VM set-up and teardown, whose time swings with the host
	 * (on kvm_pvm, closing a VM with an irqchip takes 6-27 ms), and part of
	 * a teardown can finish after the process is gone (KVM releases irqfds
	 * from a workqueue), so each run starts after a pause that lets the
	 * previous one's tail settle instead of charging it to the next. */
	double t_floor[PROC_REPS], t_ours[PROC_REPS], t_qemu[PROC_REPS], ratio[PROC_REPS];
	const struct timespec settle = { 0, SETTLE_NS };
	for (int i = 0; i < PROC_REPS; i++) {
		nanosleep(&settle, NULL);
		if ((t_floor[i] = timed_run(floor_argv, 0)) < 0)
			return 1;
		nanosleep(&settle, NULL);
		if ((t_ours[i] = timed_run(ours_argv, 0)) < 0)
			return 1;
		if (have_qemu) {
			nanosleep(&settle, NULL);
			/* isa-debug-exit: QEMU exits with (0 << 1) | 1 */
			if ((t_qemu[i] = timed_run(qemu_argv, 1)) < 0)
				return 1;
			ratio[i] = t_ours[i] / t_qemu[i];
		}
	}
	double floor_ms = median(t_floor, PROC_REPS) * 1e3, ours_ms = median(t_ours, PROC_REPS) * 1e3;
	printf("(b) a tiny guest, process start to exit, %d runs of each, alternating:\n", PROC_REPS);
	printf("    the floor, a minimal VMM %8.1f ms (median: the kernel's VM set-up, run and\n"
	       "                                       teardown, which any VMM here pays)\n",
	       floor_ms);
	printf("    traplab kvm              %8.1f ms (median)\n", ours_ms);
	if (host == KVM_HOST_PVM)
		printf("    (kvm_pvm: both VMMs run through KVM's instruction emulator and its slow\n"
		       "     set-up and teardown; the target is for hardware KVM)\n");
	if (!have_qemu) {
		printf("    qemu -M microvm          not installed: apt-get install -y qemu-system-x86\n");
		return 0;
	}
	double qemu_ms = median(t_qemu, PROC_REPS) * 1e3;
	printf("    qemu -M microvm          %8.1f ms (median)\n", qemu_ms);
	double r = median(ratio, PROC_REPS);
	printf("    ratio, median of pairs   %8.2fx   (target <= 0.30x) %s\n", r,
	       r <= 0.3 ? "MET" : "MISSED");
	printf("    above the floor          traplab %+.1f ms, QEMU %+.1f ms\n", ours_ms - floor_ms,
	       qemu_ms - floor_ms);
	return 0;
}
