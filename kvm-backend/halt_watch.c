/* halt_watch.c — noticing that a guest has powered off, without disturbing
 * a guest that runs (Lab 10; kvm-backend/README.md, "noticing the end").
 *
 * With the in-kernel irqchip a guest's `cli; hlt` is handled inside KVM: the
 * vCPU blocks there and KVM_RUN never returns to us.  Linux's `poweroff`
 * without ACPI ends exactly so (KVM-NOTES §3.6 b), and so do our flat guests.
 * Someone must look.  A watcher thread reads the vCPU's own "blocking"
 * statistic (KVM_GET_STATS_FD; Linux >= 5.16) — a pread, not an exit — and
 * only when the vCPU has stayed blocked for a whole period, with no wake-up
 * in between and a `hlt` it has not yet kicked, kicks it out of KVM_RUN; the
 * vCPU thread then asks KVM_GET_MP_STATE and RFLAGS.IF (exit_loop.c).  A
 * running guest is never interrupted, and an idle one (halted with IF set)
 * once per sleep: a kick does not wake it, so the same sleep is not kicked
 * twice.
 *
 * kick.c starts it once a guest has outlived a few backing-off kicks (~6 ms;
 * tiny guests never need it), and it looks every 5 ms.  Where the statistic
 * is missing (Linux < 5.16) kick.c goes on kicking on a timer instead.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include "kvm_internal.h"

enum { HALT_WATCH_PERIOD_NS = 5000000, NS_PER_S = 1000000000 };

static bool
halt_watch_read(const struct kvm_guest *g, off_t offset, uint64_t *value)
{
	return pread(g->stats_fd, value, sizeof *value, offset) == (ssize_t)sizeof *value;
}

/* Sleep `ns`, or less if halt_watch_stop says so; true if told to stop. */
static bool
halt_watch_sleep(struct kvm_guest *g, long ns)
{
	struct timespec until;
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_nsec += ns;
	until.tv_sec += until.tv_nsec / NS_PER_S;
	until.tv_nsec %= NS_PER_S;
	pthread_mutex_lock(&g->watch_lock);
	while (!g->watch_stop &&
	       pthread_cond_timedwait(&g->watch_wake, &g->watch_lock, &until) != ETIMEDOUT)
		;
	bool stop = g->watch_stop;
	pthread_mutex_unlock(&g->watch_lock);
	return stop;
}

static void *
halt_watch_thread(void *arg)
{
	struct kvm_guest *g = arg;
	bool was_blocking = false;
	uint64_t last_wakeups = 0, halts_kicked = UINT64_MAX;
	while (!halt_watch_sleep(g, HALT_WATCH_PERIOD_NS)) {
		uint64_t blocking, wakeups, halts;
		if (!halt_watch_read(g, g->stat_blocking, &blocking) ||
		    !halt_watch_read(g, g->stat_halt_wakeup, &wakeups) ||
		    !halt_watch_read(g, g->stat_halt_exits, &halts)) {
			pthread_kill(g->vcpu_thread, VM_KICK_SIGNAL);   /* cannot tell: look */
			continue;
		}
		/* blocked at both looks, never woken between, in a hlt not yet
		 * kicked (a kick does not count as a wake-up, nor re-runs hlt) */
		if (blocking && was_blocking && wakeups == last_wakeups && halts != halts_kicked) {
			pthread_kill(g->vcpu_thread, VM_KICK_SIGNAL);
			halts_kicked = halts;
		}
		was_blocking = blocking != 0;
		last_wakeups = wakeups;
	}
	return NULL;
}

int
halt_watch_start(struct kvm_guest *g)
{
	if (g->stat_blocking == 0) {   /* not looked up yet (data follows the header: never 0) */
		g->stat_blocking = kvm_guest_stat_offset(g, "blocking");
		g->stat_halt_wakeup = kvm_guest_stat_offset(g, "halt_wakeup");
		g->stat_halt_exits = kvm_guest_stat_offset(g, "halt_exits");
	}
	if (g->stat_blocking < 0 || g->stat_halt_wakeup < 0 || g->stat_halt_exits < 0)
		return -1;
	g->watch_stop = false;
	pthread_condattr_t attr;   /* timed waits on the monotonic clock */
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_mutex_init(&g->watch_lock, NULL);
	pthread_cond_init(&g->watch_wake, &attr);
	pthread_condattr_destroy(&attr);
	if (pthread_create(&g->watch_thread, NULL, halt_watch_thread, g) != 0) {
		pthread_cond_destroy(&g->watch_wake);
		pthread_mutex_destroy(&g->watch_lock);
		return -1;
	}
	return 0;
}

/* Wakes the watcher at once (a tiny guest's run should not wait out its sleep). */
void
halt_watch_stop(struct kvm_guest *g)
{
	pthread_mutex_lock(&g->watch_lock);
	g->watch_stop = true;
	pthread_cond_signal(&g->watch_wake);
	pthread_mutex_unlock(&g->watch_lock);
	pthread_join(g->watch_thread, NULL);
	pthread_cond_destroy(&g->watch_wake);
	pthread_mutex_destroy(&g->watch_lock);
}
