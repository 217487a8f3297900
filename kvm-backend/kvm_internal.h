/* kvm_internal.h — struct kvm_guest, shared by the files of kvm-backend/
 * that touch the VM's file descriptors: vm.c, exit_loop.c, kick.c, stats.c,
 * debug.c, halt_watch.c and boot_flat.c (and nothing outside kvm-backend/:
 * kvm.h is the interface).  Lab 10.
 */
#ifndef TRAPLAB_KVM_INTERNAL_H
#define TRAPLAB_KVM_INTERNAL_H

#include <pthread.h>
#include <sys/types.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>

#include "bus.h"
#include "kvm.h"
#include "test_devices.h"
#include "uart.h"

/* Guest-physical layout (KVM-NOTES §3.1): RAM from 0, then nothing (MMIO
 * exits) up to KVM's private pages just below 4 GiB. */
#define KVM_TSS_ADDR          0xfffbd000u   /* 3 pages, KVM_SET_TSS_ADDR (kvmtool, Firecracker) */
#define KVM_IDENTITY_MAP_ADDR 0xfffbc000u   /* 1 page, KVM_SET_IDENTITY_MAP_ADDR, below the TSS */
#define KVM_MAX_MEMORY        (3072ull << 20)  /* below the PCI hole; no split slots */
/* The top of RAM a protected- or long-mode flat guest (and a Multiboot
 * kernel) leaves to the GDT and page tables (boot_flat.c). */
#define KVM_FLAT_TOP_RESERVED 0x4000u

/* The i8042 keyboard controller, only as far as rebooting goes (KVM-NOTES
 * §3.6): status (port 0x64) reads 0, "input buffer empty", so Linux's
 * kb_wait() returns at once; command 0xFE pulses the CPU reset line. */
#define I8042_DATA       0x60
#define I8042_COMMAND    0x64
#define I8042_CMD_RESET  0xfe

struct kvm_guest {
	int kvm_fd;                 /* /dev/kvm: system ioctls */
	int vm_fd;                  /* KVM_CREATE_VM: VM ioctls */
	int vcpu_fd;                /* KVM_CREATE_VCPU: vCPU ioctls */
	struct kvm_run *run;        /* mmap of vcpu_fd: the exit's details */
	size_t run_size;
	uint8_t *ram;               /* guest RAM at guest-physical 0 */
	size_t ram_size;
	enum kvm_host_kind host;

	/* devices: the port bus with the UART and the i8042's reset line */
	struct bus bus;
	struct uart uart;
	pthread_mutex_t dev_lock;   /* kvm_guest_console_input may come from another thread */
	bool reset_requested;       /* 0xFE written to port 0x64 */
	void (*sink)(void *ctx, uint8_t byte);
	void *sink_ctx;
	/* a test kernel's devices (test_devices.h), on the bus once have_test_devices */
	bool have_test_devices;
	struct debug_exit debug_exit;
	struct fw_cfg fw_cfg;
	struct pc_testdev testdev;
	unsigned io_size;           /* bytes of the port access being handled, for pc-testdev */

	/* running */
	struct kvm_exit_counts counts;
	pthread_t vcpu_thread;      /* the thread inside kvm_guest_run */
	atomic_bool running;
	atomic_bool interrupt;      /* kvm_guest_interrupt() was called */
	int stats_fd;               /* KVM_GET_STATS_FD, opened on first use (-1) */
	/* power-off detection: a backing-off kick timer (kick.c), then, for a
	 * guest that runs on, the watcher thread of halt_watch.c */
	pthread_t watch_thread;
	pthread_mutex_t watch_lock;
	pthread_cond_t watch_wake;  /* halt_watch_stop wakes the watcher's sleep */
	bool watch_stop;            /* under watch_lock */
	bool have_watch;
	off_t stat_blocking, stat_halt_wakeup, stat_halt_exits;   /* byte offsets in stats_fd */
	timer_t kick_timer;         /* periodic, backing off */
	bool have_kick_timer;
	long kick_ns;               /* the delay the kick timer was last armed with */

	/* debugging (debug.c) */
	uint32_t debug_caps;        /* KVM_CAP_SET_GUEST_DEBUG2: the KVM_GUESTDBG_* KVM accepts */
	uint64_t hw_bp[4];          /* DR0-DR3 */
	uint8_t hw_bp_rw[4];        /* their DR7 R/W fields: enum kvm_hw_watch (0: instruction) */
	uint8_t hw_bp_len[4];       /* their lengths in bytes: 1, 2, 4 or 8 (1 for instructions) */
	unsigned hw_bp_mask;        /* which slots are set */
	uint64_t bp_hit_rip;        /* rip of the last hardware-breakpoint stop (resume over it) */
	bool bp_hit;
	bool stepping;              /* inside kvm_guest_step */
	bool run_start_seen;        /* this run began at run_start_pc (linear) ... */
	uint64_t run_start_pc;
	struct kvm_regs run_start_regs;   /* ... with these registers (debug.c) */
	bool sw_bp;                 /* int3 exits to us (kvm_guest_set_sw_breakpoints) */
};

/* debug.c, for the exit loop (exit_loop.c) */
/* KVM_SET_GUEST_DEBUG with the breakpoints set and, if asked, single-step. */
int kvm_guest_set_debug(struct kvm_guest *g, bool single_step);
/* A KVM_EXIT_DEBUG: which kind of stop (step or breakpoint slot). */
void kvm_guest_debug_stop(struct kvm_guest *g, struct kvm_stop *stop);
/* Where a run begins, while debugging: for kvm_guest_debug_nothing_ran */
void kvm_guest_debug_note_start(struct kvm_guest *g);
/* Is this debug exit, the run's first exit, a single-step trap before any
 * instruction ran (Bochs's VT-x)? */
bool kvm_guest_debug_nothing_ran(struct kvm_guest *g);
/* Before resuming at a hardware breakpoint that just hit: step over it with
 * the breakpoints out.  True if that ended the run (stop filled in). */
bool kvm_guest_resume_over_breakpoint(struct kvm_guest *g, struct kvm_stop *stop);
/* stats.c: the byte offset of KVM's per-vCPU statistic `name` in the stats fd
 * (opened on first use), or -1 if KVM has no such statistic. */
off_t kvm_guest_stat_offset(struct kvm_guest *g, const char *name);

/* A signal to the vCPU thread makes KVM_RUN return EINTR (kick.c installs it). */
#define VM_KICK_SIGNAL SIGUSR2

/* kick.c, around kvm_guest_run's exit loop: kick_run_begin makes this thread
 * the one to kick and starts the backing-off kick timer; kick_run_end stops
 * the timer (or the watcher) again.  kick_back_off: a kick found the guest
 * running; kick less often, and past the short phase hand over to the
 * watcher of halt_watch.c. */
void kick_run_begin(struct kvm_guest *g);
void kick_run_end(struct kvm_guest *g);
void kick_back_off(struct kvm_guest *g);

/* halt_watch.c: a thread that kicks the vCPU when it has stayed blocked in
 * KVM (a guest's hlt), so the exit loop can tell power-off; -1 if KVM's
 * stats lack what it needs (the caller falls back to a kick timer). */
int halt_watch_start(struct kvm_guest *g);
void halt_watch_stop(struct kvm_guest *g);

/* exit_loop.c: the exit loop alone, without kvm_guest_run's set-up (kick
 * timer, resume). */
void kvm_guest_run_loop(struct kvm_guest *g, uint64_t max_exits, struct kvm_stop *stop);
/* vm.c: CPUID again, now with TSC-deadline where KVM has it (a Multiboot
 * kernel's, boot_multiboot.c); before the first run only.  0 for a
 * detached guest. */
int kvm_guest_offer_tsc_deadline(struct kvm_guest *g, char *err, size_t errlen);
/* vm.c: the port bus's devices (COM1, the i8042), for kvm_guest_create and
 * kvm_guest_create_detached. */
int kvm_guest_add_devices(struct kvm_guest *g, char *err, size_t errlen);
/* Read up to `len` bytes at linear address `gva` through the guest's page
 * tables (KVM_TRANSLATE); returns how many were readable. */
unsigned kvm_guest_read_virt(struct kvm_guest *g, uint64_t gva, uint8_t *buf, unsigned len);

#endif /* TRAPLAB_KVM_INTERNAL_H */
