/* kvm_keyboard.h — the guest's keyboard under `traplab kvm` (Lab 10):
 * --input=TEXT given to the UART at once, or standard input copied to it by
 * a thread, a terminal in raw mode where Ctrl-A x stops the guest.  Out of
 * cmd_kvm.c so that file stays within the house limits (issue 15's
 * --check-kernel grew it). */
#ifndef TRAPLAB_KVM_KEYBOARD_H
#define TRAPLAB_KVM_KEYBOARD_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <termios.h>

#include "kvm.h"

struct kvm_keyboard {
	struct kvm_guest *g;
	bool raw;                   /* a terminal in raw mode: Ctrl-A x stops */
	bool running;               /* the thread was started */
	atomic_bool stop;
	pthread_t thread;
	struct termios saved;       /* the terminal as it was, when raw */
};
/* `input`: --input's TEXT, "-" for standard input, NULL for standard input
 * only if it is a terminal. */
void kvm_keyboard_start(struct kvm_keyboard *kb, struct kvm_guest *g, const char *input);
/* Stop the thread and give the terminal back. */
void kvm_keyboard_stop(struct kvm_keyboard *kb);

#endif
