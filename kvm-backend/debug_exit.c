/* debug_exit.c — QEMU's isa-debug-exit as kvm-unit-tests configures it
 * (`-device isa-debug-exit,iobase=0xf4,iosize=0x4`): a write of CODE to
 * port 0xf4 ends the run, and QEMU exits with status (CODE << 1) | 1, so a
 * test kernel's exit(0) is status 1 and no status it gives is 0 (QEMU
 * hw/misc/debugexit.c, debug_exit_write: `exit((val << 1) | 1)`).  Reads
 * give nothing (QEMU's read handler returns 0).  test_devices.h; Lab 10.
 */
#include "kvm.h"
#include "test_devices.h"

enum { EXIT_STATUS_BITS = 0xff };   /* exit(3) keeps the status's low 8 bits */

static uint32_t
debug_exit_read(void *dev, uint16_t port)
{
	(void)dev;
	(void)port;
	return 0;
}

static void
debug_exit_write(void *dev, uint16_t port, uint32_t value)
{
	struct debug_exit *d = dev;
	(void)port;                 /* any of the four ports, as iosize=4 maps them */
	if (d->requested)
		return;                 /* the first code counts (QEMU has exited by then) */
	d->requested = true;
	d->code = value;
}

static void
debug_exit_reset(void *dev)
{
	struct debug_exit *d = dev;
	d->requested = false;
	d->code = 0;
}

const struct dev_ops debug_exit_ops = {
	.name = "isa-debug-exit", .read = debug_exit_read, .write = debug_exit_write,
	.reset = debug_exit_reset,
};

unsigned
kvm_debug_exit_status(uint32_t code)
{
	return ((code << 1) | 1) & EXIT_STATUS_BITS;
}
