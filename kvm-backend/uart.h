/* uart.h — an 8250/16550A UART as Linux drives COM1 (KVM-NOTES §3.4), a
 * struct dev_ops on a machine/bus.h port bus.  It knows nothing of KVM: the
 * owner gives it two callbacks, one for transmitted bytes and one for the
 * interrupt line, so tests drive the state machine directly.  Lab 10.
 */
#ifndef TRAPLAB_UART_H
#define TRAPLAB_UART_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bus.h"

enum {
	UART_COM1_BASE = 0x3f8,    /* PC COM1: ports 0x3f8-0x3ff */
	UART_COM1_IRQ = 4,         /* ISA IRQ 4 = GSI 4 */
	UART_NPORTS = 8,
	UART_RX_QUEUE = 4096,      /* bytes of input the UART holds (more than a 16550's 16) */
};

struct uart {
	/* registers a program can read back (see the map in uart.c) */
	uint8_t ier, lcr, mcr, scr, fcr, dll, dlm;
	bool thre_pending;         /* the "THR empty" interrupt is asserted */
	int irq_level;             /* last level given to set_irq (-1: never) */
	/* receive queue: bytes waiting in RBR */
	uint8_t rx[UART_RX_QUEUE];
	size_t rx_head, rx_count;
	/* the owner's side */
	void (*transmit)(void *ctx, uint8_t byte);
	void (*set_irq)(void *ctx, int level);
	void *ctx;
};

extern const struct dev_ops uart_ops;

/* A UART in its reset state; either callback may be NULL. */
void uart_init(struct uart *u, void (*transmit)(void *ctx, uint8_t byte),
	       void (*set_irq)(void *ctx, int level), void *ctx);
/* Bytes arriving on the serial line (queued; raises the RX interrupt if
 * enabled).  Returns how many fit. */
size_t uart_receive(struct uart *u, const uint8_t *bytes, size_t len);

#endif /* TRAPLAB_UART_H */
