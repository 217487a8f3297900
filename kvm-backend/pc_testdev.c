/* pc_testdev.c — QEMU's pc-testdev, the device kvm-unit-tests' emulator,
 * realmode, ioapic and eventinj tests drive (QEMU hw/misc/pc-testdev.c):
 *   0xe0-0xe3  a 32-bit scratch register: an access of N bytes at 0xe0 + k
 *              writes or reads bytes k..k+N-1 of it (test_ioport_write/read)
 *   0xe4       a 32-bit write of a guest-physical address drops that page's
 *              mapping, so the guest's next touch faults into KVM again
 *              (test_flush_page: mprotect(PROT_NONE), then back)
 *   0xe8-0xeb  the same scratch register, which QEMU reaches byte by byte
 *              (test_ioport_byte_ops): the same bytes in the end
 *   0x2000+n   a write sets ISA IRQ line n (0-23) to (value != 0)
 *              (test_irq_line), here through KVM_IRQ_LINE
 *   0xff000000 64 KiB of memory that is MMIO, not RAM: every access exits
 *              to us and KVM's instruction emulator runs the instruction
 *              (test_iomem_read/write)
 * test_devices.h; Lab 10.
 */
#include <string.h>

#include "test_devices.h"

enum { BITS_PER_BYTE = 8, SCRATCH_BYTES = 4, SCRATCH_ALIAS = 8 /* 0xe8 */ };

void
pc_testdev_init(struct pc_testdev *t, const unsigned *access_size,
		void (*set_irq)(void *ctx, unsigned irq, int level),
		void (*flush_page)(void *ctx, uint64_t gpa), void *ctx)
{
	memset(t, 0, sizeof *t);
	t->access_size = access_size;
	t->set_irq = set_irq;
	t->flush_page = flush_page;
	t->ctx = ctx;
	for (unsigned i = 0; i < PC_TESTDEV_IRQS; i++)
		t->irq_level[i] = -1;
}

/* The bytes an access of the current size at scratch offset `k` covers. */
static uint32_t
pc_testdev_mask(const struct pc_testdev *t, unsigned k)
{
	unsigned size = t->access_size && *t->access_size ? *t->access_size : SCRATCH_BYTES;
	if (size >= SCRATCH_BYTES)
		return UINT32_MAX << (k * BITS_PER_BYTE);
	return ((1u << (size * BITS_PER_BYTE)) - 1) << (k * BITS_PER_BYTE);
}

static uint32_t
pc_testdev_read(void *dev, uint16_t port)
{
	struct pc_testdev *t = dev;
	if (port >= SCRATCH_ALIAS)
		port -= SCRATCH_ALIAS;
	else if (port >= SCRATCH_BYTES)
		return 0;
	return (t->scratch & pc_testdev_mask(t, port)) >> (port * BITS_PER_BYTE);
}

static void
pc_testdev_write(void *dev, uint16_t port, uint32_t value)
{
	struct pc_testdev *t = dev;
	if (port == PC_TESTDEV_FLUSH) {
		if (t->flush_page)
			t->flush_page(t->ctx, value);
		return;
	}
	if (port >= SCRATCH_ALIAS)
		port -= SCRATCH_ALIAS;
	else if (port >= SCRATCH_BYTES)
		return;
	uint32_t mask = pc_testdev_mask(t, port);
	t->scratch = (t->scratch & ~mask) | ((value << (port * BITS_PER_BYTE)) & mask);
}

static void
pc_testdev_reset(void *dev)
{
	struct pc_testdev *t = dev;
	t->scratch = 0;
}

const struct dev_ops pc_testdev_ops = {
	.name = "pc-testdev", .read = pc_testdev_read, .write = pc_testdev_write,
	.reset = pc_testdev_reset,
};

static uint32_t
pc_testdev_irq_read(void *dev, uint16_t port)
{
	(void)dev;
	(void)port;
	return 0;
}

static void
pc_testdev_irq_write(void *dev, uint16_t port, uint32_t value)
{
	struct pc_testdev *t = dev;
	if (port >= PC_TESTDEV_IRQS)
		return;
	t->irq_level[port] = value != 0;
	if (t->set_irq)
		t->set_irq(t->ctx, port, value != 0);
}

const struct dev_ops pc_testdev_irq_ops = {
	.name = "pc-testdev irq", .read = pc_testdev_irq_read, .write = pc_testdev_irq_write,
};

bool
pc_testdev_mmio(struct pc_testdev *t, uint64_t gpa, uint8_t *data, unsigned len, bool is_write)
{
	if (gpa < PC_TESTDEV_IOMEM || gpa - PC_TESTDEV_IOMEM >= PC_TESTDEV_IOMEM_SIZE)
		return false;
	uint64_t off = gpa - PC_TESTDEV_IOMEM;
	unsigned n = len;
	if (off + n > PC_TESTDEV_IOMEM_SIZE)
		n = (unsigned)(PC_TESTDEV_IOMEM_SIZE - off);   /* the rest of a straddling access */
	if (is_write) {
		memcpy(t->iomem + off, data, n);
	} else {
		memset(data, 0, len);
		memcpy(data, t->iomem + off, n);
	}
	return true;
}
