/* kvm.h — TrapLab's x86 world: one guest on the real CPU through /dev/kvm,
 * with TrapLab doing the part QEMU does for KVM — owning guest memory,
 * loading the guest, emulating its devices (an 8250 UART, the i8042 reset
 * line, power-off) and handling VM exits.  Lab 10 (hardware assist).
 * kvm-backend/KVM-NOTES.md is the recipe; kvm-backend/README.md the map.
 *
 *   vm.c          VM and vCPU life cycle, CPUID, guest memory, the devices
 *   exit_loop.c   kvm_guest_run: the KVM_RUN exit loop, one case per exit reason
 *   kick.c        kicking the vCPU out of KVM_RUN: kvm_guest_interrupt, the
 *                 backing-off kick timer that notices power-off
 *   halt_watch.c  noticing a long-running guest's power-off without kicking it
 *   stats.c       exit counts and their names, port classes, KVM's stats fd
 *   uart.c        the 8250/16550 on COM1 (machine/bus.h's struct dev_ops)
 *   boot_flat.c   flat binaries in real, protected or long mode
 *   multiboot.c   Multiboot v1 kernels (multiboot.h); boot_multiboot.c enters them
 *   debug_exit.c, fw_cfg.c, pc_testdev.c  the devices of a test kernel
 *                 (test_devices.h): QEMU's isa-debug-exit, fw_cfg, pc-testdev
 *   linux/        Linux: boot_linux.c (kvm_guest_load_linux), bzimage.c (the
 *                 setup header), decompress.c (the payload, on the host),
 *                 vmlinux.c (ELF), zeropage.c (boot_params, e820, command
 *                 line, entry state), mptable.c (the IOAPIC, for Linux)
 *   debug.c       single step, hardware breakpoints, address translation
 *   gdbstub.c     a GDB remote stub on localhost (gdbstub.h; gdbstub_proto.c the wire)
 *   detached.c    a guest without KVM, whose exits tests and fuzzers hand in
 *
 * Every function that can fail returns a negative number or NULL and puts
 * one line in `err` naming the ioctl (or the field and value of a bad
 * image); none exits the process.
 */
#ifndef TRAPLAB_KVM_H
#define TRAPLAB_KVM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/kvm.h>

struct kvm_guest;   /* one VM with one vCPU */

/* ---- x86 architectural bits, for reading and writing kvm_regs/kvm_sregs
 * (Intel SDM vol. 3A §2.5 control registers, §2.2.1 EFER; vol. 1 §3.4.3 RFLAGS) -- */
#define X86_CR0_PE        (1ull << 0)    /* protected mode */
#define X86_CR0_ET        (1ull << 4)    /* extension type: hard-wired 1 since the 486 */
#define X86_CR0_PG        (1ull << 31)   /* paging */
#define X86_CR4_PAE       (1ull << 5)    /* physical address extension: long mode needs it */
#define X86_EFER_LME      (1ull << 8)    /* long mode enable */
#define X86_EFER_LMA      (1ull << 10)   /* long mode active */
#define X86_RFLAGS_FIXED  (1ull << 1)    /* reserved, always 1 */
#define X86_RFLAGS_TF     (1ull << 8)    /* trap (single step) */
#define X86_RFLAGS_IF     (1ull << 9)    /* interrupts enabled */
#define X86_RFLAGS_RF     (1ull << 16)   /* resume: no instruction breakpoint this once */

/* ---- what this host offers -------------------------------------------- */
enum kvm_host_kind {
	KVM_HOST_NONE,       /* no usable /dev/kvm (message says why) */
	KVM_HOST_HARDWARE,   /* VT-x / AMD-V: guests run on the CPU */
	KVM_HOST_PVM,        /* kvm_pvm: unmodified guests go through KVM's instruction
				emulator (~1 µs/instruction); no int n / int3 outside
				real mode (kvm-backend/KVM-NOTES.md §0) */
};
/* One line for people: what this host is and what works on it. */
enum kvm_host_kind kvm_host_probe(char *line, size_t len);

/* ---- life cycle ------------------------------------------------------------- */
struct kvm_config {
	size_t memory;              /* bytes of guest RAM at guest-physical 0 */
};
struct kvm_guest *kvm_guest_create(const struct kvm_config *cfg, char *err, size_t errlen);
void kvm_guest_destroy(struct kvm_guest *g);
/* Guest RAM, for loaders and for `xp`.  NULL past the end. */
uint8_t *kvm_guest_ram(struct kvm_guest *g, uint64_t gpa, size_t len);
size_t kvm_guest_ram_size(const struct kvm_guest *g);

/* ---- loading (boot_flat.c, linux/boot_linux.c) ----------------------------------------- */
enum kvm_cpu_mode { KVM_MODE_REAL, KVM_MODE_PROTECTED, KVM_MODE_LONG };
/* A flat binary at `gpa`, entered at `entry` in the given mode (real mode:
 * CS = entry >> 4 ... as the loader documents; protected/long: flat
 * segments, identity paging for long mode). */
int kvm_guest_load_flat(struct kvm_guest *g, const uint8_t *image, size_t size, uint64_t gpa,
			uint64_t entry, enum kvm_cpu_mode mode, char *err, size_t errlen);
struct kvm_linux_config {
	const char *kernel;         /* bzImage path */
	const char *initrd;         /* NULL: none */
	const char *cmdline;
	bool no_kernel_cache;       /* decompress every time (kvm-backend/linux/kernel_cache.c) */
};
/* Linux through the x86 boot protocol: the bzImage's payload decompressed
 * on the host and entered at its 64-bit entry with boot_params, e820 and
 * the command line.  Bad images: an error naming the field and value. */
int kvm_guest_load_linux(struct kvm_guest *g, const struct kvm_linux_config *lc,
			 char *err, size_t errlen);

/* A Multiboot v1 kernel (Multiboot Specification 0.6.96), as QEMU's
 * `-kernel FILE -append ARGS -initrd MODULE` loads one (multiboot.h): a
 * 32-bit ELF or an a.out-kludge image, its bss zeroed, entered in 32-bit
 * protected mode with paging off, flat segments, EAX = 0x2BADB002 and EBX
 * at the information structure (memory, memory map, command line, the one
 * module).  It also puts a test kernel's devices on the port bus: QEMU's
 * isa-debug-exit at 0xf4, fw_cfg at 0x510 and pc-testdev (test_devices.h).
 * The top 16 KiB of RAM hold the GDT, as for flat guests. */
struct kvm_multiboot_config {
	const uint8_t *image;       /* the kernel file's bytes */
	size_t image_size;
	const char *cmdline;        /* the whole command line: its first word is the program */
	const uint8_t *module;      /* the module's bytes, or NULL: none */
	size_t module_size;
	const char *module_name;    /* its string in the module list */
};
int kvm_guest_load_multiboot(struct kvm_guest *g, const struct kvm_multiboot_config *mc,
			     char *err, size_t errlen);
/* Does the image carry a valid Multiboot header (magic and checksum) in its
 * first 8 KiB?  The monitor's KVM backend boots such an image so. */
bool kvm_image_is_multiboot(const uint8_t *image, size_t size);
/* The exit status QEMU gives when a guest writes `code` to isa-debug-exit:
 * (code << 1) | 1, its low 8 bits (debug_exit.c). */
unsigned kvm_debug_exit_status(uint32_t code);
/* The test kernel's devices alone (kvm_guest_load_multiboot adds them);
 * 0, or -1 with why.  Adding them twice is harmless. */
int kvm_guest_add_test_devices(struct kvm_guest *g, char *err, size_t errlen);

/* ---- running (exit_loop.c, kick.c) ------------------------------------------------------------------ */
enum kvm_stop_kind {
	KVM_STOP_POWER_OFF,     /* the guest powered off (halted with IF=0, or the ACPI register) */
	KVM_STOP_RESET,         /* i8042 reset (0xFE to port 0x64) or triple fault (SHUTDOWN) */
	KVM_STOP_DEBUG,         /* a single step or a hardware breakpoint */
	KVM_STOP_INTERRUPTED,   /* kvm_guest_interrupt() */
	KVM_STOP_EMULATION,     /* KVM_EXIT_INTERNAL_ERROR: the instruction KVM could not run */
	KVM_STOP_FAIL_ENTRY,    /* KVM_EXIT_FAIL_ENTRY: bad vCPU state */
	KVM_STOP_ERROR,         /* KVM_RUN itself failed, or an unknown exit */
	KVM_STOP_EXIT_LIMIT,    /* the exit budget of kvm_guest_run ran out */
	KVM_STOP_DEBUG_EXIT,    /* the guest wrote exit_code to isa-debug-exit (port 0xf4) */
};
struct kvm_stop {
	enum kvm_stop_kind kind;
	uint64_t rip;
	uint8_t insn[16];           /* the bytes at rip, for emulation failures */
	unsigned insn_len;
	char message[320];          /* one line for people, registers included on failures */
	unsigned dr_hit;            /* KVM_STOP_DEBUG: the slots whose condition was met (DR6.B0-B3) */
	uint32_t exit_code;         /* KVM_STOP_DEBUG_EXIT: the value written; QEMU's exit
				       status for it is (exit_code << 1) | 1 */
};
/* Run until a stop, or until `max_exits` exits to user space (0: no limit). */
void kvm_guest_run(struct kvm_guest *g, uint64_t max_exits, struct kvm_stop *stop);
/* From another thread or a signal handler: make kvm_guest_run return. */
void kvm_guest_interrupt(struct kvm_guest *g);

/* ---- without KVM (detached.c): for tests and fuzzing ----------------------------------- */
/* RAM and the devices, no VM: nothing runs, exits are handed in.  Works on
 * any machine; kvm_guest_destroy frees it. */
struct kvm_guest *kvm_guest_create_detached(size_t memory, char *err, size_t errlen);
/* The exit page to fill as KVM would (exit_reason, io/mmio, data at
 * io.data_offset), and its size in bytes. */
struct kvm_run *kvm_guest_exit_page(struct kvm_guest *g, size_t *size);
/* Handle the exit in the page exactly as kvm_guest_run does; true if it
 * ends the run (*stop says how). */
bool kvm_guest_handle_exit(struct kvm_guest *g, struct kvm_stop *stop);

/* The console (UART output) goes here, byte by byte. */
void kvm_guest_set_console(struct kvm_guest *g, void (*sink)(void *ctx, uint8_t byte), void *ctx);
/* Bytes the guest can read from the UART (interrupt-driven input). */
void kvm_guest_console_input(struct kvm_guest *g, const char *text, size_t len);

/* ---- state and debugging (debug.c) ------------------------------------------------------ */
int kvm_guest_get_regs(struct kvm_guest *g, struct kvm_regs *regs, struct kvm_sregs *sregs);
int kvm_guest_set_regs(struct kvm_guest *g, const struct kvm_regs *regs,
		       const struct kvm_sregs *sregs);
/* Single-step one instruction (interrupts blocked; HLT special-cased). */
void kvm_guest_step(struct kvm_guest *g, struct kvm_stop *stop);
/* Hardware breakpoints: slots 0..3 (DR0-DR3); -1 with err if unsupported. */
int kvm_guest_set_hw_breakpoint(struct kvm_guest *g, unsigned slot, uint64_t gva,
				char *err, size_t errlen);
int kvm_guest_clear_hw_breakpoint(struct kvm_guest *g, unsigned slot);
/* Data breakpoints (watchpoints) in the same four slots: DR7's R/W field
 * (Intel SDM vol. 3B §18.2.4).  x86 has no read-only condition; I/O (10b)
 * needs CR4.DE and is not offered.  `len` is 1, 2, 4 or 8 and `gva` a
 * multiple of it (the CPU ignores the low address bits, §18.2.5).  A hit
 * stops the run after the access (a trap) as KVM_STOP_DEBUG with the slot
 * in stop->dr_hit. */
enum kvm_hw_watch { KVM_HW_EXEC = 0, KVM_HW_WRITE = 1, KVM_HW_ACCESS = 3 };
int kvm_guest_set_hw_watchpoint(struct kvm_guest *g, unsigned slot, uint64_t gva,
				enum kvm_hw_watch rw, unsigned len, char *err, size_t errlen);
/* Software breakpoints: with `on`, an int3 the guest executes stops the run
 * (KVM_STOP_DEBUG, rip at the int3) instead of raising #BP in the guest
 * (KVM_GUESTDBG_USE_SW_BP).  Writing the 0xCC is the caller's (gdbstub.c).
 * Hardware-assisted KVM only: kvm_pvm cannot run int3 outside real mode. */
int kvm_guest_set_sw_breakpoints(struct kvm_guest *g, bool on);
/* Guest-virtual to guest-physical through the guest's page tables. */
int kvm_guest_translate(struct kvm_guest *g, uint64_t gva, uint64_t *gpa);

/* ---- figures (stats.c) ----------------------------------------------------------------- */
/* Port I/O exits, by the device behind the port: our UART (COM1), our
 * i8042, a port no device owns, or another device on the bus. */
enum kvm_port_class {
	KVM_PORTS_UART, KVM_PORTS_I8042, KVM_PORTS_UNOWNED, KVM_PORTS_OTHER,
	KVM_PORT_CLASSES
};
/* From the port number alone: UART, I8042, or UNOWNED for every other port
 * (none of our devices sits there). */
enum kvm_port_class kvm_port_class(uint16_t port);
/* "uart", "i8042", "unowned", "other" */
const char *kvm_port_class_name(enum kvm_port_class c);

/* Exits that reached user space, by reason, and KVM's own per-vCPU counters
 * (KVM_GET_STATS_FD: exits that never reach user space too). */
enum { KVM_EXIT_REASONS = 64 };
struct kvm_exit_counts {
	uint64_t by_reason[KVM_EXIT_REASONS];   /* indexed by KVM_EXIT_*; >= 64 counts as UNKNOWN */
	uint64_t io_by_port_class[KVM_PORT_CLASSES];
};
void kvm_guest_exit_counts(const struct kvm_guest *g, struct kvm_exit_counts *out);
/* KVM_EXIT_* without its prefix ("IO", "MMIO"); for a reason this build has
 * no name for, "unknown exit N", written into `buf` (KVM_EXIT_NAME_MAX bytes do). */
enum { KVM_EXIT_NAME_MAX = 32 };
const char *kvm_exit_reason_name(unsigned reason, char *buf, size_t len);
/* Fills up to `max` name/value pairs of KVM's stats; returns how many. */
size_t kvm_guest_kernel_stats(struct kvm_guest *g, char (*names)[48], uint64_t *values, size_t max);

#endif /* TRAPLAB_KVM_H */
