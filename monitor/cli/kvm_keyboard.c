/* kvm_keyboard.c — see kvm_keyboard.h.  Lab 10: the guest's UART input. */
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "kvm_keyboard.h"

enum { CTRL_A = 0x01, POLL_MS = 100, READ_CHUNK = 256 };

static void *
kvm_keyboard_thread(void *arg)
{
	struct kvm_keyboard *k = arg;
	bool ctrl_a = false;
	while (!atomic_load(&k->stop)) {
		struct pollfd p = { .fd = STDIN_FILENO, .events = POLLIN };
		if (poll(&p, 1, POLL_MS) <= 0)
			continue;
		char buf[READ_CHUNK];
		ssize_t n = read(STDIN_FILENO, buf, sizeof buf);
		if (n <= 0)
			break;
		for (ssize_t i = 0; i < n; i++) {
			if (k->raw && ctrl_a && buf[i] == 'x') {
				kvm_guest_interrupt(k->g);
				return NULL;
			}
			ctrl_a = k->raw && buf[i] == CTRL_A && !ctrl_a;
			if (!ctrl_a)
				kvm_guest_console_input(k->g, &buf[i], 1);
		}
	}
	return NULL;
}

void
kvm_keyboard_start(struct kvm_keyboard *kb, struct kvm_guest *g, const char *input)
{
	memset(kb, 0, sizeof *kb);
	kb->g = g;
	atomic_init(&kb->stop, false);
	bool use_stdin = (input && strcmp(input, "-") == 0) || (!input && isatty(STDIN_FILENO));
	if (input && strcmp(input, "-") != 0)
		kvm_guest_console_input(g, input, strlen(input));
	if (use_stdin && isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &kb->saved) == 0) {
		struct termios raw = kb->saved;
		cfmakeraw(&raw);
		raw.c_oflag |= OPOST;   /* keep \n -> \r\n on our side */
		kb->raw = tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0;
		if (kb->raw)
			fprintf(stderr, "traplab kvm: keys go to the guest; Ctrl-A x stops it\r\n");
	}
	kb->running = use_stdin && pthread_create(&kb->thread, NULL, kvm_keyboard_thread, kb) == 0;
}

void
kvm_keyboard_stop(struct kvm_keyboard *kb)
{
	if (kb->running) {
		atomic_store(&kb->stop, true);
		pthread_join(kb->thread, NULL);
	}
	if (kb->raw)
		tcsetattr(STDIN_FILENO, TCSANOW, &kb->saved);
}
