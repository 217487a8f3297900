/* test_kvm_detached.c — the exits a hostile guest controls, handled by the
 * KVM backend's own exit handler with no KVM at all (kvm-backend/detached.c;
 * issue 15, Lab 10): port I/O of every size, string I/O of a full page, the
 * UART's bytes and interrupt line, the i8042 reset, MMIO reads and writes,
 * and exit reasons KVM never gives.  The exits are written into the exit
 * page as KVM writes them (Linux Documentation/virt/kvm/api.rst,
 * KVM_EXIT_IO and KVM_EXIT_MMIO).  These run on every machine: no SKIPPED.
 */
#include <CUnit/CUnit.h>
#include <stdlib.h>
#include <string.h>

#include "kvm.h"
#include "support.h"

enum {
	DETACHED_MEMORY = 1 << 20,
	COM1 = 0x3f8,
	COM1_IER = COM1 + 1,
	COM1_LSR = COM1 + 5,
	COM1_MCR = COM1 + 4,
	LSR_THRE = 0x20,
	IER_THRI = 0x02,          /* "transmitter empty" interrupt enable */
	MCR_OUT2 = 0x08,          /* gates the UART's IRQ line on a PC */
	I8042_COMMAND = 0x64,
	I8042_RESET = 0xfe,
	UNOWNED_PORT = 0x510,
	IO_DATA_OFFSET = 4096,    /* where KVM puts I/O data: after struct kvm_run */
	STRING_COUNT = 4096,      /* rep outsb: a page, the most one exit carries */
	MMIO_ADDR = 0xd0000000,
};

struct captured {
	char bytes[2 * STRING_COUNT];
	size_t len;
};

static void
capture(void *ctx, uint8_t byte)
{
	struct captured *c = ctx;
	if (c->len < sizeof c->bytes)
		c->bytes[c->len++] = (char)byte;
}

static struct kvm_guest *
detached(struct captured *c)
{
	char err[256];
	struct kvm_guest *g = kvm_guest_create_detached(DETACHED_MEMORY, err, sizeof err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(g);
	if (c) {
		memset(c, 0, sizeof *c);
		kvm_guest_set_console(g, capture, c);
	}
	return g;
}

/* One KVM_EXIT_IO as KVM writes it; the data (count * size bytes) at
 * IO_DATA_OFFSET.  Returns whether the run would end. */
static bool
io_exit(struct kvm_guest *g, uint16_t port, bool out, unsigned size, uint32_t count,
	const void *data, struct kvm_stop *stop)
{
	size_t page;
	struct kvm_run *run = kvm_guest_exit_page(g, &page);
	CU_ASSERT_FATAL(IO_DATA_OFFSET + (size_t)size * count <= page);
	run->exit_reason = KVM_EXIT_IO;
	run->io.direction = out ? KVM_EXIT_IO_OUT : KVM_EXIT_IO_IN;
	run->io.size = (uint8_t)size;
	run->io.port = port;
	run->io.count = count;
	run->io.data_offset = IO_DATA_OFFSET;
	if (out && data)
		memcpy((uint8_t *)run + IO_DATA_OFFSET, data, (size_t)size * count);
	return kvm_guest_handle_exit(g, stop);
}

static uint8_t *
io_data(struct kvm_guest *g)
{
	size_t page;
	return (uint8_t *)kvm_guest_exit_page(g, &page) + IO_DATA_OFFSET;
}

static void
test_string_out_of_a_page_reaches_the_uart_byte_for_byte(void)
{
	struct captured c;
	struct kvm_guest *g = detached(&c);
	struct kvm_stop stop;
	uint8_t text[STRING_COUNT];
	for (size_t i = 0; i < sizeof text; i++)
		text[i] = (uint8_t)('a' + i % 26);
	CU_ASSERT_FALSE(io_exit(g, COM1, true, 1, STRING_COUNT, text, &stop));
	CU_ASSERT_EQUAL(c.len, STRING_COUNT);
	CU_ASSERT_EQUAL(memcmp(c.bytes, text, STRING_COUNT), 0);
	/* and the line status still says "ready": a polling guest goes on */
	CU_ASSERT_FALSE(io_exit(g, COM1_LSR, false, 1, 1, NULL, &stop));
	CU_ASSERT(io_data(g)[0] & LSR_THRE);
	kvm_guest_destroy(g);
}

static void
test_string_in_from_an_empty_uart_fills_the_page_and_nothing_else(void)
{
	struct kvm_guest *g = detached(NULL);
	struct kvm_stop stop;
	size_t page;
	uint8_t *base = (uint8_t *)kvm_guest_exit_page(g, &page);
	memset(base + IO_DATA_OFFSET, 0x77, page - IO_DATA_OFFSET);
	CU_ASSERT_FALSE(io_exit(g, COM1, false, 1, STRING_COUNT, NULL, &stop));
	/* an empty receive buffer reads 0, every time */
	for (size_t i = 0; i < STRING_COUNT; i++)
		if (base[IO_DATA_OFFSET + i] != 0) {
			CU_FAIL("a byte read from the empty UART was not 0");
			break;
		}
	kvm_guest_destroy(g);
}

static void
test_a_port_no_device_owns_reads_all_ones_at_every_size(void)
{
	struct kvm_guest *g = detached(NULL);
	struct kvm_stop stop;
	static const unsigned sizes[] = { 1, 2, 4 };
	static const uint32_t ones[] = { 0xff, 0xffff, 0xffffffff };
	for (size_t i = 0; i < 3; i++) {
		uint32_t v = 0;
		CU_ASSERT_FALSE(io_exit(g, UNOWNED_PORT, false, sizes[i], 1, NULL, &stop));
		memcpy(&v, io_data(g), sizes[i]);
		CU_ASSERT_EQUAL(v, ones[i]);
		uint32_t w = 0x12345678;
		CU_ASSERT_FALSE(io_exit(g, UNOWNED_PORT, true, sizes[i], 1, &w, &stop));
	}
	struct kvm_exit_counts counts;
	kvm_guest_exit_counts(g, &counts);
	CU_ASSERT_EQUAL(counts.by_reason[KVM_EXIT_IO], 6);
	CU_ASSERT_EQUAL(counts.io_by_port_class[KVM_PORTS_UNOWNED], 6);
	kvm_guest_destroy(g);
}

static void
test_the_uart_raises_its_line_when_the_guest_enables_it(void)
{
	struct kvm_guest *g = detached(NULL);
	struct kvm_stop stop;
	uint8_t v = MCR_OUT2;
	io_exit(g, COM1_MCR, true, 1, 1, &v, &stop);
	v = IER_THRI;                 /* THR is empty: the interrupt is due at once */
	io_exit(g, COM1_IER, true, 1, 1, &v, &stop);
	uint8_t iir = 0;
	io_exit(g, COM1 + 2, false, 1, 1, NULL, &stop);
	iir = io_data(g)[0];
	CU_ASSERT_EQUAL(iir & 0x0f, 0x02);    /* IIR: "THR empty" pending (8250 datasheet) */
	kvm_guest_destroy(g);
}

static void
test_0xfe_to_the_i8042_ends_the_run_as_a_reset(void)
{
	struct kvm_guest *g = detached(NULL);
	struct kvm_stop stop;
	uint8_t v = I8042_RESET;
	CU_ASSERT_TRUE(io_exit(g, I8042_COMMAND, true, 1, 1, &v, &stop));
	CU_ASSERT_EQUAL(stop.kind, KVM_STOP_RESET);
	CU_ASSERT_PTR_NOT_NULL(strstr(stop.message, "reset"));
	kvm_guest_destroy(g);
}

static void
test_mmio_reads_all_ones_and_writes_vanish(void)
{
	struct kvm_guest *g = detached(NULL);
	struct kvm_stop stop;
	size_t page;
	struct kvm_run *run = kvm_guest_exit_page(g, &page);
	run->exit_reason = KVM_EXIT_MMIO;
	run->mmio.phys_addr = MMIO_ADDR;
	run->mmio.len = 8;
	run->mmio.is_write = 1;
	memset(run->mmio.data, 0x5a, sizeof run->mmio.data);
	CU_ASSERT_FALSE(kvm_guest_handle_exit(g, &stop));
	run->mmio.is_write = 0;
	memset(run->mmio.data, 0, sizeof run->mmio.data);
	CU_ASSERT_FALSE(kvm_guest_handle_exit(g, &stop));
	for (size_t i = 0; i < sizeof run->mmio.data; i++)
		CU_ASSERT_EQUAL(run->mmio.data[i], 0xff);
	kvm_guest_destroy(g);
}

/* A reason KVM never gives, and the ones that end a run: one stop each,
 * with a message, never a crash. */
static void
test_every_exit_reason_ends_or_goes_on_cleanly(void)
{
	struct kvm_guest *g = detached(NULL);
	size_t page;
	struct kvm_run *run = kvm_guest_exit_page(g, &page);
	static const uint32_t reasons[] = { KVM_EXIT_HLT, KVM_EXIT_SHUTDOWN, KVM_EXIT_FAIL_ENTRY,
					    KVM_EXIT_INTERNAL_ERROR, KVM_EXIT_SYSTEM_EVENT, 0xdead };
	for (size_t i = 0; i < sizeof reasons / sizeof reasons[0]; i++) {
		struct kvm_stop stop;
		memset((uint8_t *)run, 0, page);
		run->exit_reason = reasons[i];
		CU_ASSERT_TRUE(kvm_guest_handle_exit(g, &stop));
		CU_ASSERT(stop.message[0] != '\0');
	}
	kvm_guest_destroy(g);
}

static CU_TestInfo tests[] = {
	{ "rep outsb of a page reaches the UART byte for byte", test_string_out_of_a_page_reaches_the_uart_byte_for_byte },
	{ "rep insb from the empty UART reads zeros", test_string_in_from_an_empty_uart_fills_the_page_and_nothing_else },
	{ "an unowned port reads all ones at sizes 1, 2, 4", test_a_port_no_device_owns_reads_all_ones_at_every_size },
	{ "the UART's THR-empty interrupt when enabled", test_the_uart_raises_its_line_when_the_guest_enables_it },
	{ "0xFE to the i8042 ends the run as a reset", test_0xfe_to_the_i8042_ends_the_run_as_a_reset },
	{ "MMIO reads all ones, writes vanish", test_mmio_reads_all_ones_and_writes_vanish },
	{ "every exit reason ends or goes on cleanly", test_every_exit_reason_ends_or_goes_on_cleanly },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_kvm_detached = { "kvm: exits without KVM (detached)", NULL, NULL, NULL, NULL,
				    tests };
