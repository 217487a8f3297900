/* test_devices.h — the three devices QEMU gives a test kernel such as
 * kvm-unit-tests' (its x86/run: `-device pc-testdev -device
 * isa-debug-exit,iobase=0xf4,iosize=0x4`, and every PC's fw_cfg), each a
 * struct dev_ops on the port bus beside the UART (machine/bus.h):
 *
 *   debug_exit.c  isa-debug-exit: CODE written to port 0xf4 ends the run
 *   fw_cfg.c      QEMU's firmware configuration, ports 0x510 (selector)
 *                 and 0x511 (data): signature, RAM size, CPU count
 *   pc_testdev.c  pc-testdev: a scratch register at 0xe0 (and 0xe8), page
 *                 flush at 0xe4, IRQ lines at 0x2000, 64 KiB of scratch
 *                 MMIO at 0xff000000
 *
 * kvm_guest_load_multiboot puts them on the bus (vm.c's
 * kvm_guest_add_test_devices): a flat guest or Linux sees none of them,
 * so their ports stay unowned (reading all ones) as before.  Lab 10;
 * KVM-NOTES.md §3.11 has the protocols and where each is specified.
 */
#ifndef TRAPLAB_TEST_DEVICES_H
#define TRAPLAB_TEST_DEVICES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bus.h"

/* ---- isa-debug-exit (QEMU hw/misc/debugexit.c) ---------------------------- */
enum { DEBUG_EXIT_PORT = 0xf4, DEBUG_EXIT_NPORTS = 4 };
struct debug_exit {
	bool requested;             /* the guest wrote: end the run */
	uint32_t code;              /* what it wrote */
};
extern const struct dev_ops debug_exit_ops;

/* ---- fw_cfg (QEMU docs/specs/fw_cfg.rst) ------------------------------------ */
enum {
	FW_CFG_PORT_SELECTOR = 0x510,     /* 16-bit write: the item's key */
	FW_CFG_PORT_DATA = 0x511,         /* 8-bit read: the item's next byte */
	FW_CFG_NPORTS = 2,
	FW_CFG_KEY_SIGNATURE = 0x00,      /* "QEMU" */
	FW_CFG_KEY_ID = 0x01,             /* u32 feature bits: 1 = the traditional interface */
	FW_CFG_KEY_RAM_SIZE = 0x03,       /* u64, bytes */
	FW_CFG_KEY_NB_CPUS = 0x05,        /* u16 */
	FW_CFG_KEY_MAX_CPUS = 0x0f,       /* u16 */
};
struct fw_cfg {
	uint16_t key;               /* the selected item */
	uint32_t offset;            /* the next byte of it to read */
	uint64_t ram_size;
	uint16_t cpus;
};
extern const struct dev_ops fw_cfg_ops;
void fw_cfg_init(struct fw_cfg *f, uint64_t ram_size, uint16_t cpus);

/* ---- pc-testdev (QEMU hw/misc/pc-testdev.c) -------------------------------------- */
enum {
	PC_TESTDEV_PORT = 0xe0,           /* 0xe0-0xe3: a 32-bit scratch register */
	PC_TESTDEV_FLUSH = 0x04,          /* 0xe4 (relative 4): drop a page's mapping */
	PC_TESTDEV_BYTE_ALIAS = 0x08,     /* 0xe8-0xeb: the scratch register again */
	PC_TESTDEV_NPORTS = 12,
	PC_TESTDEV_IRQ_PORT = 0x2000,     /* 0x2000 + n: set ISA IRQ line n to (value != 0) */
	PC_TESTDEV_IRQS = 24,
};
#define PC_TESTDEV_IOMEM      0xff000000u   /* guest-physical scratch MMIO */
#define PC_TESTDEV_IOMEM_SIZE 0x10000u      /* 64 KiB */
struct pc_testdev {
	uint32_t scratch;
	const unsigned *access_size;   /* bytes of the port access being handled (1, 2 or 4) */
	void (*set_irq)(void *ctx, unsigned irq, int level);
	void (*flush_page)(void *ctx, uint64_t gpa);
	void *ctx;
	int irq_level[PC_TESTDEV_IRQS];   /* last level set by the guest (-1: never) */
	uint8_t iomem[PC_TESTDEV_IOMEM_SIZE];
};
extern const struct dev_ops pc_testdev_ops;       /* 0xe0-0xeb */
extern const struct dev_ops pc_testdev_irq_ops;   /* 0x2000-0x2017 */
void pc_testdev_init(struct pc_testdev *t, const unsigned *access_size,
		     void (*set_irq)(void *ctx, unsigned irq, int level),
		     void (*flush_page)(void *ctx, uint64_t gpa), void *ctx);
/* An MMIO access of `len` bytes (1-8) at guest-physical `gpa`: true if it
 * falls in the scratch memory (then done: `data` read or written). */
bool pc_testdev_mmio(struct pc_testdev *t, uint64_t gpa, uint8_t *data, unsigned len,
		     bool is_write);

#endif /* TRAPLAB_TEST_DEVICES_H */
