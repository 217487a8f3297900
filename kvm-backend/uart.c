/* uart.c — the 8250/16550A on COM1, enough of it for Linux's 8250 driver
 * (drivers/tty/serial/8250/8250_port.c: autoconfig, serial8250_do_startup)
 * and its early console (arch/x86/kernel/early_printk.c).  Lab 10; the
 * answers follow KVM-NOTES §3.4 (what kvmtool's hw/serial.c and kvm-host's
 * serial.c answer).  Transmit is instant, so THR is always empty.
 *
 * Register map (TI PC16550D datasheet, table 2; Linux include/uapi/linux/serial_reg.h),
 * ports relative to the base 0x3f8:
 *
 *   off  DLAB=0 read   DLAB=0 write   DLAB=1
 *   0    RBR receive   THR transmit   DLL divisor low
 *   1    IER interrupt enable         DLM divisor high
 *   2    IIR interrupt ident          FCR FIFO control (write)
 *   3    LCR line control; bit 7 = DLAB
 *   4    MCR modem control; bit 4 = loopback
 *   5    LSR line status (read only)
 *   6    MSR modem status (read only)
 *   7    SCR scratch
 */
#include "uart.h"

#include <string.h>

enum {
	UART_RBR = 0, UART_THR = 0, UART_DLL = 0,
	UART_IER = 1, UART_DLM = 1,
	UART_IIR = 2, UART_FCR = 2,
	UART_LCR = 3, UART_MCR = 4, UART_LSR = 5, UART_MSR = 6, UART_SCR = 7,
};
/* IER: which sources may interrupt */
#define IER_RDI   0x01   /* receive data available */
#define IER_THRI  0x02   /* transmit holding register empty */
#define IER_RLSI  0x04   /* receiver line status (never raised here) */
#define IER_MSI   0x08   /* modem status (never raised here) */
/* IIR: bit 0 = no interrupt pending; bits 3:1 = the source; bits 7:6 = FIFOs
 * enabled.  Linux's autoconfig() reads bits 7:6 after writing FCR: 3 means a
 * 16550A, so every read carries 0xC0 (kvmtool, kvm-host do the same). */
#define IIR_NO_INT  0x01
#define IIR_THRI    0x02
#define IIR_RDI     0x04
#define IIR_FIFO    0xc0
/* FCR */
#define FCR_CLEAR_RX 0x02
/* LCR */
#define LCR_DLAB  0x80
/* MCR */
#define MCR_DTR   0x01
#define MCR_RTS   0x02
#define MCR_OUT1  0x04
#define MCR_OUT2  0x08   /* on a PC, gates the IRQ line; we do not gate (as QEMU) */
#define MCR_LOOP  0x10
/* LSR: transmitter always empty (THRE|TEMT = 0x60, what early_printk polls
 * for); DR while input waits.  Never 0xFF: serial8250_do_startup() takes that
 * for "no port" ("LSR safety check engaged"). */
#define LSR_DR    0x01
#define LSR_THRE  0x20
#define LSR_TEMT  0x40
/* MSR: carrier, data set ready, clear to send (0xB0), no delta bits */
#define MSR_CTS   0x10
#define MSR_DSR   0x20
#define MSR_RI    0x40
#define MSR_DCD   0x80

static void
uart_update_irq(struct uart *u)
{
	int level = ((u->ier & IER_RDI) && u->rx_count) ||
		    ((u->ier & IER_THRI) && u->thre_pending);
	if (level != u->irq_level) {
		u->irq_level = level;
		if (u->set_irq)
			u->set_irq(u->ctx, level);
	}
}

static void
uart_reset(void *dev)
{
	struct uart *u = dev;
	u->ier = u->lcr = u->scr = u->fcr = 0;
	u->mcr = MCR_OUT2;
	u->dll = 12;             /* 9600 baud from 1.8432 MHz, a common firmware choice */
	u->dlm = 0;
	u->thre_pending = false;
	u->rx_head = u->rx_count = 0;
	uart_update_irq(u);
}

void
uart_init(struct uart *u, void (*transmit)(void *ctx, uint8_t byte),
	  void (*set_irq)(void *ctx, int level), void *ctx)
{
	memset(u, 0, sizeof *u);
	u->transmit = transmit;
	u->set_irq = set_irq;
	u->ctx = ctx;
	u->irq_level = -1;
	uart_reset(u);
}

size_t
uart_receive(struct uart *u, const uint8_t *bytes, size_t len)
{
	size_t n = 0;
	for (; n < len && u->rx_count < UART_RX_QUEUE; n++)
		u->rx[(u->rx_head + u->rx_count++) % UART_RX_QUEUE] = bytes[n];
	uart_update_irq(u);
	return n;
}

/* Which interrupt IIR reports, highest priority first (datasheet table 4). */
static uint8_t
uart_read_iir(struct uart *u)
{
	uint8_t iir = IIR_NO_INT;
	if ((u->ier & IER_RDI) && u->rx_count) {
		iir = IIR_RDI;
	} else if ((u->ier & IER_THRI) && u->thre_pending) {
		iir = IIR_THRI;
		u->thre_pending = false;   /* reading IIR that reports THRE clears it */
		uart_update_irq(u);
	}
	return iir | IIR_FIFO;
}

static uint8_t
uart_read_msr(const struct uart *u)
{
	if (!(u->mcr & MCR_LOOP))
		return MSR_DCD | MSR_DSR | MSR_CTS;
	/* loopback: the modem outputs come back as its inputs */
	return (u->mcr & MCR_RTS ? MSR_CTS : 0) | (u->mcr & MCR_DTR ? MSR_DSR : 0) |
	       (u->mcr & MCR_OUT1 ? MSR_RI : 0) | (u->mcr & MCR_OUT2 ? MSR_DCD : 0);
}

static uint32_t
uart_read(void *dev, uint16_t port)
{
	struct uart *u = dev;
	bool dlab = u->lcr & LCR_DLAB;
	uint8_t byte = 0;
	switch (port) {
	case UART_RBR:
		if (dlab)
			return u->dll;
		if (u->rx_count) {
			byte = u->rx[u->rx_head];
			u->rx_head = (u->rx_head + 1) % UART_RX_QUEUE;
			u->rx_count--;
			uart_update_irq(u);
		}
		return byte;
	case UART_IER: return dlab ? u->dlm : u->ier;
	case UART_IIR: return uart_read_iir(u);
	case UART_LCR: return u->lcr;
	case UART_MCR: return u->mcr;
	case UART_LSR: return LSR_THRE | LSR_TEMT | (u->rx_count ? LSR_DR : 0);
	case UART_MSR: return uart_read_msr(u);
	case UART_SCR: return u->scr;
	}
	return 0;
}

static void
uart_write(void *dev, uint16_t port, uint32_t value)
{
	struct uart *u = dev;
	uint8_t byte = (uint8_t)value;
	bool dlab = u->lcr & LCR_DLAB;
	switch (port) {
	case UART_THR:
		if (dlab) {
			u->dll = byte;
			return;
		}
		if (u->mcr & MCR_LOOP)
			uart_receive(u, &byte, 1);
		else if (u->transmit)
			u->transmit(u->ctx, byte);
		u->thre_pending = true;    /* sent at once: THR is empty again */
		break;
	case UART_IER: {
		if (dlab) {
			u->dlm = byte;
			return;
		}
		uint8_t old = u->ier;
		u->ier = byte & (IER_RDI | IER_THRI | IER_RLSI | IER_MSI);
		/* Enabling THRI with THR empty asserts the THRE interrupt at
		 * once: Linux's startup "THRE test" toggles IER.THRI and
		 * expects IIR to show it again each time (QEMU serial.c). */
		if ((u->ier ^ old) & IER_THRI)
			u->thre_pending = u->ier & IER_THRI;
		break;
	}
	case UART_FCR:
		u->fcr = byte;
		if (byte & FCR_CLEAR_RX)
			u->rx_head = u->rx_count = 0;
		break;
	case UART_LCR: u->lcr = byte; return;
	case UART_MCR: u->mcr = byte & 0x1f; return;
	case UART_LSR: return;   /* read only (factory test on real parts) */
	case UART_MSR: return;
	case UART_SCR: u->scr = byte; return;
	}
	uart_update_irq(u);
}

const struct dev_ops uart_ops = {
	.name = "uart 16550A (COM1)",
	.read = uart_read,
	.write = uart_write,
	.reset = uart_reset,
};
