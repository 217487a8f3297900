/* kvm_internal.h — struct kvm_guest, shared by vm.c, debug.c, halt_watch.c
 * and boot_flat.c (and nothing outside kvm-backend/: kvm.h is the interface).
 * Lab 10.
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
#include "uart.h"

/* Guest-physical layout (KVM-NOTES §3.1): RAM from 0, then nothing (MMIO
 * exits) up to KVM's private pages just below 4 GiB. */
#define KVM_TSS_ADDR          0xfffbd000u   /* 3 pages, KVM_SET_TSS_ADDR (kvmtool, Firecracker) */
#define KVM_IDENTITY_MAP_ADDR 0xfffbc000u   /* 1 page, KVM_SET_IDENTITY_MAP_ADDR, below the TSS */
#define KVM_MAX_MEMORY        (3072ull << 20)  /* below the PCI hole; no split slots */

/* I/O port classes for kvm_exit_counts.io_by_port_class */
enum { KVM_PORTS_UART, KVM_PORTS_I8042, KVM_PORTS_UNOWNED, KVM_PORTS_OTHER };

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

	/* running */
	struct kvm_exit_counts counts;
	pthread_t vcpu_thread;      /* the thread inside kvm_guest_run */
	atomic_bool running;
	atomic_bool interrupt;      /* kvm_guest_interrupt() was called */
	int stats_fd;               /* KVM_GET_STATS_FD, opened on first use (-1) */
	/* power-off detection: a backing-off kick timer (vm.c), then, for a
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
	unsigned hw_bp_mask;        /* which slots are set */
	uint64_t bp_hit_rip;        /* rip of the last hardware-breakpoint stop (resume over it) */
	bool bp_hit;
	bool stepping;              /* inside kvm_guest_step */
};

/* architectural bits the backend tests (Intel SDM vol. 3A §2.5, §2.2.1) */
#define X86_CR0_PE        (1ull << 0)
#define X86_CR0_ET        (1ull << 4)
#define X86_CR0_PG        (1ull << 31)
#define X86_CR4_PAE       (1ull << 5)
#define EFER_LME_BIT      (1ull << 8)
#define EFER_LMA_BIT      (1ull << 10)
#define X86_RFLAGS_TF     (1ull << 8)
#define X86_RFLAGS_IF     (1ull << 9)
#define X86_RFLAGS_RF     (1ull << 16)

/* debug.c, for the run loop in vm.c */
/* KVM_SET_GUEST_DEBUG with the breakpoints set and, if asked, single-step. */
int kvm_guest_set_debug(struct kvm_guest *g, bool single_step);
/* A KVM_EXIT_DEBUG: which kind of stop (step or breakpoint slot). */
void kvm_guest_debug_stop(struct kvm_guest *g, struct kvm_stop *stop);
/* Before resuming at a hardware breakpoint that just hit: step over it with
 * the breakpoints out.  True if that ended the run (stop filled in). */
bool kvm_guest_resume_over_breakpoint(struct kvm_guest *g, struct kvm_stop *stop);
/* vm.c: the byte offset of KVM's per-vCPU statistic `name` in the stats fd
 * (opened on first use), or -1 if KVM has no such statistic. */
off_t kvm_guest_stat_offset(struct kvm_guest *g, const char *name);

/* A signal to the vCPU thread makes KVM_RUN return EINTR (vm.c installs it). */
#define VM_KICK_SIGNAL SIGUSR2

/* halt_watch.c: a thread that kicks the vCPU when it has stayed blocked in
 * KVM (a guest's hlt), so vm.c can tell power-off; -1 if KVM's stats lack
 * what it needs (the caller falls back to a kick timer). */
int halt_watch_start(struct kvm_guest *g);
void halt_watch_stop(struct kvm_guest *g);

/* vm.c: the exit loop alone, without kvm_guest_run's set-up (kick timer, resume). */
void kvm_guest_run_loop(struct kvm_guest *g, uint64_t max_exits, struct kvm_stop *stop);
/* Read up to `len` bytes at linear address `gva` through the guest's page
 * tables (KVM_TRANSLATE); returns how many were readable. */
unsigned kvm_guest_read_virt(struct kvm_guest *g, uint64_t gva, uint8_t *buf, unsigned len);

#endif /* TRAPLAB_KVM_INTERNAL_H */
