/* kvm_time_limit.c — the wall-time limit of `traplab kvm --timeout`
 * (kvm_time_limit.h; Lab 10, issue 15).  A POSIX timer raises SIGALRM once;
 * its handler does what Control-C's does -- kvm_guest_interrupt, which is
 * async-signal-safe -- and notes that it was the limit.  No thread: the
 * KVM backend's teardown is slower in a process that has had one
 * (kvm-backend/kick.c). */
#include "kvm_time_limit.h"

#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

enum { NS_PER_S = 1000000000, SECONDS_PER_DAY = 86400 };

static struct kvm_guest *limited_guest;
static atomic_bool limit_reached;
static timer_t limit_timer;
static bool limit_armed;
static struct sigaction old_alarm;

static void
kvm_time_limit_alarm(int sig)
{
	(void)sig;
	atomic_store(&limit_reached, true);
	if (limited_guest)
		kvm_guest_interrupt(limited_guest);
}

bool
kvm_time_limit_parse(const char *text, double *seconds)
{
	char *end;
	errno = 0;
	double v = strtod(text, &end);
	if (errno || end == text || *end || !(v > 0) || v > SECONDS_PER_DAY) {
		fprintf(stderr, "traplab kvm: --timeout=%s: expected seconds, more than 0 and at "
			"most %d (a day)\n", text, SECONDS_PER_DAY);
		return false;
	}
	*seconds = v;
	return true;
}

int
kvm_time_limit_start(struct kvm_guest *g, double seconds)
{
	atomic_store(&limit_reached, false);
	if (seconds <= 0)
		return 0;
	limited_guest = g;
	struct sigaction sa = { .sa_handler = kvm_time_limit_alarm };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, &old_alarm);
	struct sigevent ev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGALRM };
	if (timer_create(CLOCK_MONOTONIC, &ev, &limit_timer) < 0) {
		sigaction(SIGALRM, &old_alarm, NULL);
		return -1;
	}
	long long ns = (long long)(seconds * NS_PER_S);
	struct itimerspec when = { .it_value = { (time_t)(ns / NS_PER_S), (long)(ns % NS_PER_S) } };
	timer_settime(limit_timer, 0, &when, NULL);
	limit_armed = true;
	return 0;
}

bool
kvm_time_limit_stop(void)
{
	if (limit_armed) {
		timer_delete(limit_timer);
		sigaction(SIGALRM, &old_alarm, NULL);
		limit_armed = false;
	}
	limited_guest = NULL;
	return atomic_load(&limit_reached);
}
