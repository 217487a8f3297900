/* kvm_time_limit.h — `traplab kvm --timeout=SECONDS`: a guest that never
 * stops by itself (one spinning with interrupts off, a hostile one) is
 * stopped after so much wall time, as Control-C would stop it, and says so.
 * Issue 15's hostile guests and any script that must not hang use it. */
#ifndef TRAPLAB_KVM_TIME_LIMIT_H
#define TRAPLAB_KVM_TIME_LIMIT_H

#include <stdbool.h>

#include "kvm.h"

/* Parse "2", "0.5": seconds, more than 0 and at most a day.  False, with a
 * message on stderr, if not. */
bool kvm_time_limit_parse(const char *text, double *seconds);
/* Stop `g` (kvm_guest_interrupt) after `seconds` from now; 0: never.
 * Returns 0, or -1 with errno when the system has no timer for it. */
int kvm_time_limit_start(struct kvm_guest *g, double seconds);
/* Disarm; true if the limit was what stopped the guest. */
bool kvm_time_limit_stop(void);

#endif
