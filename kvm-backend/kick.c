/* kick.c — kicking the vCPU out of KVM_RUN (Lab 10, hardware assist): a
 * signal to the vCPU thread, for kvm_guest_interrupt and for noticing that
 * a guest has powered off, on a backing-off timer (kvm-backend/README.md
 * "Creating the VM, and noticing the end"; halt_watch.c takes over from the
 * timer for a guest that runs on).  Linux Documentation/virt/kvm/api.rst,
 * "immediate_exit", is the contract.
 */
#include <stdatomic.h>
#include <time.h>
#include <unistd.h>

#include "kvm_internal.h"

#ifndef sigev_notify_thread_id
#define sigev_notify_thread_id _sigev_un._tid   /* glibc 2.36 has no name for it */
#endif

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
enum { VM_KICK_FIRST_NS = 100000, VM_KICK_MAX_NS = 5000000, NS_PER_S = 1000000000 };

static void
vm_kick_timer_arm(struct kvm_guest *g, long ns)
{
	g->kick_ns = ns;
	struct timespec period = { ns / NS_PER_S, ns % NS_PER_S };
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
void
kick_back_off(struct kvm_guest *g)
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

void
kick_run_begin(struct kvm_guest *g)
{
	vm_kick_install();
	g->vcpu_thread = pthread_self();
	vm_kick_run = g->run;
	atomic_store(&g->running, true);
	g->have_watch = false;
	vm_kick_timer_start(g);
	if (!g->have_kick_timer)   /* no timer: the watcher from the start */
		g->have_watch = halt_watch_start(g) == 0;
}

void
kick_run_end(struct kvm_guest *g)
{
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
