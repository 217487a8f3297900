/* fw_cfg.c — QEMU's firmware configuration device, its traditional port
 * interface on x86 (QEMU docs/specs/fw_cfg.rst, "Selector (Control)
 * Register" and "Data Register"): a 16-bit write to port 0x510 selects an
 * item by key and rewinds it; each 8-bit read of port 0x511 gives the
 * item's next byte, 0 past its end, 0 for a key with no item.  Items are
 * little-endian, as QEMU's are for these legacy keys.  Ours: the signature
 * "QEMU", the ID (1: the traditional interface, no DMA), the RAM size and
 * the CPU count (and maximum).  kvm-unit-tests reads the CPU count first
 * thing (lib/x86/smp.c): from an unowned port it would read 0xffff CPUs
 * and wait for them forever.  test_devices.h; Lab 10.
 */
#include <string.h>

#include "test_devices.h"

enum { FW_CFG_ID_TRADITIONAL = 1 };
static const char fw_cfg_signature[4] = { 'Q', 'E', 'M', 'U' };

void
fw_cfg_init(struct fw_cfg *f, uint64_t ram_size, uint16_t cpus)
{
	*f = (struct fw_cfg){ .ram_size = ram_size, .cpus = cpus };
}

/* Byte `offset` of item `key`: 0 past its end or for an unknown key. */
static uint8_t
fw_cfg_byte(const struct fw_cfg *f, uint16_t key, uint32_t offset)
{
	uint8_t item[8] = { 0 };
	size_t len = 0;
	uint32_t id = FW_CFG_ID_TRADITIONAL;
	switch (key) {
	case FW_CFG_KEY_SIGNATURE:
		memcpy(item, fw_cfg_signature, len = sizeof fw_cfg_signature);
		break;
	case FW_CFG_KEY_ID:
		memcpy(item, &id, len = sizeof id);
		break;
	case FW_CFG_KEY_RAM_SIZE:
		memcpy(item, &f->ram_size, len = sizeof f->ram_size);
		break;
	case FW_CFG_KEY_NB_CPUS:
	case FW_CFG_KEY_MAX_CPUS:
		memcpy(item, &f->cpus, len = sizeof f->cpus);
		break;
	}
	return offset < len ? item[offset] : 0;
}

static uint32_t
fw_cfg_read(void *dev, uint16_t port)
{
	struct fw_cfg *f = dev;
	if (port != FW_CFG_PORT_DATA - FW_CFG_PORT_SELECTOR)
		return 0;               /* the selector is write-only */
	uint8_t b = fw_cfg_byte(f, f->key, f->offset);
	if (f->offset != UINT32_MAX)
		f->offset++;
	return b;
}

static void
fw_cfg_write(void *dev, uint16_t port, uint32_t value)
{
	struct fw_cfg *f = dev;
	if (port != 0)
		return;                 /* the data port is read-only without DMA */
	f->key = (uint16_t)value;
	f->offset = 0;
}

static void
fw_cfg_reset(void *dev)
{
	struct fw_cfg *f = dev;
	f->key = FW_CFG_KEY_SIGNATURE;
	f->offset = 0;
}

const struct dev_ops fw_cfg_ops = {
	.name = "fw_cfg", .read = fw_cfg_read, .write = fw_cfg_write, .reset = fw_cfg_reset,
};
