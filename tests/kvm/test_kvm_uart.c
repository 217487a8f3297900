/* test_kvm_uart.c — the 16550A of kvm-backend/uart.c driven directly, no
 * /dev/kvm: the register accesses Linux makes on COM1 (8250_port.c
 * autoconfig and serial8250_do_startup, early_printk.c; KVM-NOTES §3.4),
 * through the same struct bus the KVM run loop uses.  And the names
 * kvm-backend/stats.c gives exits and port classes, which need no VM either.
 * Lab 10.
 */
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <string.h>

#include "bus.h"
#include "kvm.h"
#include "uart.h"

enum { RBR = 0, THR = 0, DLL = 0, IER = 1, DLM = 1, IIR = 2, FCR = 2, LCR = 3, MCR = 4,
       LSR = 5, MSR = 6, SCR = 7 };

struct rig {
	struct bus bus;
	struct uart uart;
	char sent[64];
	size_t nsent;
	int irq;
	unsigned irq_changes;
};

static void
rig_transmit(void *ctx, uint8_t byte)
{
	struct rig *r = ctx;
	if (r->nsent < sizeof r->sent - 1)
		r->sent[r->nsent++] = (char)byte;
}

static void
rig_irq(void *ctx, int level)
{
	struct rig *r = ctx;
	r->irq = level;
	r->irq_changes++;
}

static void
rig_init(struct rig *r)
{
	memset(r, 0, sizeof *r);
	uart_init(&r->uart, rig_transmit, rig_irq, r);
	CU_ASSERT_EQUAL(bus_register(&r->bus, &uart_ops, &r->uart, UART_COM1_BASE, UART_NPORTS), 0);
}

static uint8_t in(struct rig *r, unsigned reg) { return (uint8_t)bus_in(&r->bus, (uint16_t)(UART_COM1_BASE + reg)); }
static void out(struct rig *r, unsigned reg, uint8_t v) { bus_out(&r->bus, (uint16_t)(UART_COM1_BASE + reg), v); }

static void
test_ier_test_of_autoconfig(void)
{
	struct rig r;
	rig_init(&r);
	out(&r, IER, 0);
	CU_ASSERT_EQUAL(in(&r, IER) & 0x0f, 0);
	out(&r, IER, 0x0f);
	CU_ASSERT_EQUAL(in(&r, IER) & 0x0f, 0x0f);
	out(&r, IER, 0);
}

static void
test_iir_reports_16550a_fifos(void)
{
	struct rig r;
	rig_init(&r);
	out(&r, FCR, 0x01);                      /* UART_FCR_ENABLE_FIFO */
	CU_ASSERT_EQUAL(in(&r, IIR) >> 6, 3);    /* 3: the 16550A path */
	CU_ASSERT_EQUAL(in(&r, IIR), 0xc1);      /* FIFOs, no interrupt pending */
}

static void
test_lsr_and_msr_idle_values(void)
{
	struct rig r;
	rig_init(&r);
	CU_ASSERT_EQUAL(in(&r, LSR), 0x60);      /* THRE | TEMT, never 0xff */
	CU_ASSERT_EQUAL(in(&r, MSR), 0xb0);      /* DCD | DSR | CTS */
	/* loopback, as autoconfig's (skipped for COM ports) test expects: MCR 0x1a -> MSR 0x90 */
	out(&r, MCR, 0x10 | 0x0a);
	CU_ASSERT_EQUAL(in(&r, MSR) & 0xf0, 0x90);
	out(&r, THR, 'L');                       /* loopback: back into RBR, not out */
	CU_ASSERT_EQUAL(r.nsent, 0);
	CU_ASSERT_EQUAL(in(&r, LSR), 0x61);
	CU_ASSERT_EQUAL(in(&r, RBR), 'L');
}

static void
test_thre_interrupt_reasserts(void)
{
	struct rig r;
	rig_init(&r);
	/* serial8250_do_startup's THRE test: enable, read IIR, disable, enable, read IIR */
	out(&r, IER, 0x02);
	CU_ASSERT_EQUAL(r.irq, 1);
	CU_ASSERT_EQUAL(in(&r, IIR), 0xc2);      /* THRE interrupt */
	CU_ASSERT_EQUAL(r.irq, 0);               /* reading IIR that reports THRE clears it */
	CU_ASSERT_EQUAL(in(&r, IIR), 0xc1);
	out(&r, IER, 0);
	out(&r, IER, 0x02);
	CU_ASSERT_EQUAL(in(&r, IIR) & 0x0f, 0x02);   /* re-asserted: no UART_BUG_THRE */
	/* each byte sent makes THR empty again: the interrupt comes back */
	out(&r, THR, 'x');
	CU_ASSERT_EQUAL(r.irq, 1);
	CU_ASSERT_EQUAL(in(&r, IIR), 0xc2);
	out(&r, IER, 0);
	CU_ASSERT_EQUAL(r.irq, 0);
	CU_ASSERT_STRING_EQUAL(r.sent, "x");
}

static void
test_dlab_divisor_and_early_printk(void)
{
	struct rig r;
	rig_init(&r);
	/* early_serial_init: LCR=3, IER=0, FCR=0, MCR=3, DLAB on, divisor 1 (115200), DLAB off */
	out(&r, LCR, 0x03);
	out(&r, IER, 0);
	out(&r, FCR, 0);
	out(&r, MCR, 0x03);
	out(&r, LCR, 0x83);
	out(&r, DLL, 0x01);
	out(&r, DLM, 0x00);
	CU_ASSERT_EQUAL(in(&r, DLL), 0x01);
	CU_ASSERT_EQUAL(in(&r, DLM), 0x00);
	CU_ASSERT_EQUAL(r.nsent, 0);             /* divisor writes are not data */
	out(&r, LCR, 0x03);
	CU_ASSERT_EQUAL(in(&r, IER), 0);         /* IER again, not DLM */
	CU_ASSERT_EQUAL(in(&r, LCR), 0x03);
	CU_ASSERT_EQUAL(in(&r, MCR), 0x03);
	/* early_serial_putc: poll LSR for THRE, write THR */
	for (const char *p = "ok\n"; *p; p++) {
		CU_ASSERT(in(&r, LSR) & 0x20);
		out(&r, THR, (uint8_t)*p);
	}
	CU_ASSERT_STRING_EQUAL(r.sent, "ok\n");
	out(&r, LCR, 0x80);                      /* divisor latch survives */
	CU_ASSERT_EQUAL(in(&r, DLL), 0x01);
}

static void
test_scratch_register(void)
{
	struct rig r;
	rig_init(&r);
	out(&r, SCR, 0x5a);
	CU_ASSERT_EQUAL(in(&r, SCR), 0x5a);
	out(&r, SCR, 0xa5);
	CU_ASSERT_EQUAL(in(&r, SCR), 0xa5);
}

static void
test_receive_raises_rx_interrupt(void)
{
	struct rig r;
	rig_init(&r);
	CU_ASSERT_EQUAL(uart_receive(&r.uart, (const uint8_t *)"ab", 2), 2);
	CU_ASSERT_EQUAL(in(&r, LSR), 0x61);      /* DR */
	CU_ASSERT_NOT_EQUAL(r.irq, 1);           /* RDI not enabled yet */
	out(&r, IER, 0x01);
	CU_ASSERT_EQUAL(r.irq, 1);
	CU_ASSERT_EQUAL(in(&r, IIR), 0xc4);      /* received data available */
	CU_ASSERT_EQUAL(in(&r, RBR), 'a');
	CU_ASSERT_EQUAL(r.irq, 1);
	CU_ASSERT_EQUAL(in(&r, RBR), 'b');
	CU_ASSERT_EQUAL(r.irq, 0);
	CU_ASSERT_EQUAL(in(&r, LSR), 0x60);
	CU_ASSERT_EQUAL(in(&r, IIR), 0xc1);
	/* FCR bit 1 empties the receive FIFO */
	uart_receive(&r.uart, (const uint8_t *)"zz", 2);
	out(&r, FCR, 0x03);
	CU_ASSERT_EQUAL(in(&r, LSR), 0x60);
	CU_ASSERT_EQUAL(r.irq, 0);
}

static void
test_bus_routes_only_its_ports(void)
{
	struct rig r;
	rig_init(&r);
	CU_ASSERT_EQUAL(bus_in(&r.bus, 0x3f7), BUS_UNOWNED_READ);
	CU_ASSERT_EQUAL(bus_in(&r.bus, 0x400), BUS_UNOWNED_READ);
	CU_ASSERT_EQUAL(r.bus.unowned_accesses, 2);
	CU_ASSERT_EQUAL(bus_register(&r.bus, &uart_ops, &r.uart, 0x3fc, 2), -1);   /* overlap */
	bus_reset(&r.bus);
	CU_ASSERT_EQUAL(in(&r, LSR), 0x60);
	CU_ASSERT_STRING_EQUAL(uart_ops.name, "uart 16550A (COM1)");
}

/* A reason the table has no name for is shown by its number, never "?". */
static void
test_exit_reason_names_and_unknown_exits(void)
{
	char buf[KVM_EXIT_NAME_MAX];
	CU_ASSERT_STRING_EQUAL(kvm_exit_reason_name(KVM_EXIT_IO, buf, sizeof buf), "IO");
	CU_ASSERT_STRING_EQUAL(kvm_exit_reason_name(KVM_EXIT_MMIO, buf, sizeof buf), "MMIO");
	CU_ASSERT_STRING_EQUAL(kvm_exit_reason_name(KVM_EXIT_INTERNAL_ERROR, buf, sizeof buf),
			       "INTERNAL_ERROR");
	CU_ASSERT_STRING_EQUAL(kvm_exit_reason_name(KVM_EXIT_NOTIFY, buf, sizeof buf), "NOTIFY");
	/* past the table, and a gap in it (no KVM_EXIT_ is numbered 63) */
	CU_ASSERT_STRING_EQUAL(kvm_exit_reason_name(KVM_EXIT_REASONS, buf, sizeof buf),
			       "unknown exit 64");
	CU_ASSERT_STRING_EQUAL(kvm_exit_reason_name(KVM_EXIT_REASONS - 1, buf, sizeof buf),
			       "unknown exit 63");
	CU_ASSERT_STRING_EQUAL(kvm_exit_reason_name(4000000000u, buf, sizeof buf),
			       "unknown exit 4000000000");
	/* a short buffer is truncated, not overrun */
	char tiny[8];
	CU_ASSERT_STRING_EQUAL(kvm_exit_reason_name(77, tiny, sizeof tiny), "unknown");
}

static void
test_port_classes_and_their_names(void)
{
	CU_ASSERT_EQUAL(kvm_port_class(UART_COM1_BASE), KVM_PORTS_UART);
	CU_ASSERT_EQUAL(kvm_port_class(UART_COM1_BASE + UART_NPORTS - 1), KVM_PORTS_UART);
	CU_ASSERT_EQUAL(kvm_port_class(UART_COM1_BASE + UART_NPORTS), KVM_PORTS_UNOWNED);
	CU_ASSERT_EQUAL(kvm_port_class(UART_COM1_BASE - 1), KVM_PORTS_UNOWNED);
	CU_ASSERT_EQUAL(kvm_port_class(0x60), KVM_PORTS_I8042);   /* data */
	CU_ASSERT_EQUAL(kvm_port_class(0x64), KVM_PORTS_I8042);   /* command/status */
	CU_ASSERT_EQUAL(kvm_port_class(0x61), KVM_PORTS_UNOWNED); /* the PC speaker: not ours */
	const char *expected[KVM_PORT_CLASSES] = { "uart", "i8042", "unowned", "other" };
	for (unsigned c = 0; c < KVM_PORT_CLASSES; c++)
		CU_ASSERT_STRING_EQUAL(kvm_port_class_name(c), expected[c]);
}

static CU_TestInfo tests[] = {
	{ "IER test: 0 reads 0, 0x0F reads 0x0F", test_ier_test_of_autoconfig },
	{ "IIR bits 7:6 = 3 after FCR (16550A)", test_iir_reports_16550a_fifos },
	{ "LSR 0x60, MSR 0xB0, loopback MSR 0x90", test_lsr_and_msr_idle_values },
	{ "THRE interrupt re-asserted (startup's THRE test)", test_thre_interrupt_reasserts },
	{ "DLAB/divisor and early_printk's sequence", test_dlab_divisor_and_early_printk },
	{ "scratch register", test_scratch_register },
	{ "input raises the RX interrupt; FCR clears it", test_receive_raises_rx_interrupt },
	{ "the bus routes only COM1's ports", test_bus_routes_only_its_ports },
	{ "exit names; an unknown exit by its number", test_exit_reason_names_and_unknown_exits },
	{ "port classes and their names", test_port_classes_and_their_names },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_kvm_uart = { "kvm: uart, exit and port names (no /dev/kvm needed)", NULL, NULL, NULL, NULL, tests };
