/* test_test_devices.c — a test kernel's devices (kvm-backend/test_devices.h,
 * issue 18) as the exit handler meets them, with no KVM: exits written into
 * a detached guest's exit page (kvm-backend/detached.c) as KVM writes them
 * (Linux Documentation/virt/kvm/api.rst, KVM_EXIT_IO, KVM_EXIT_MMIO).
 * isa-debug-exit ends the run with QEMU's status, fw_cfg gives its items as
 * QEMU docs/specs/fw_cfg.rst says, pc-testdev's scratch register, IRQ lines,
 * page flush and scratch memory behave as QEMU's hw/misc/pc-testdev.c, and
 * a guest that was not loaded as a Multiboot kernel has none of them.
 * Runs on every machine: no SKIPPED.
 */
#include <CUnit/CUnit.h>
#include <stdlib.h>
#include <string.h>

#include "kvm.h"
#include "support.h"
#include "test_devices.h"

enum {
	MEMORY = 1 << 20,
	IO_DATA_OFFSET = 4096,    /* where KVM puts I/O data: after struct kvm_run */
	RAM_SIZE_BYTES = 8,       /* fw_cfg's RAM size item, u64 */
};

static struct kvm_guest *
guest_with_devices(bool devices)
{
	char err[256];
	struct kvm_guest *g = kvm_guest_create_detached(MEMORY, err, sizeof err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(g);
	if (devices)
		CU_ASSERT_EQUAL_FATAL(kvm_guest_add_test_devices(g, err, sizeof err), 0);
	return g;
}

/* One port access of `size` bytes; returns the value read (for `in`) and
 * whether the run ends. */
static uint32_t
port(struct kvm_guest *g, uint16_t p, bool out, unsigned size, uint32_t value, bool *ends,
     struct kvm_stop *stop)
{
	size_t page;
	struct kvm_run *run = kvm_guest_exit_page(g, &page);
	run->exit_reason = KVM_EXIT_IO;
	run->io.direction = out ? KVM_EXIT_IO_OUT : KVM_EXIT_IO_IN;
	run->io.size = (uint8_t)size;
	run->io.port = p;
	run->io.count = 1;
	run->io.data_offset = IO_DATA_OFFSET;
	uint8_t *data = (uint8_t *)run + IO_DATA_OFFSET;
	memset(data, 0, sizeof value);
	if (out)
		memcpy(data, &value, size);
	struct kvm_stop local;
	bool end = kvm_guest_handle_exit(g, stop ? stop : &local);
	if (ends)
		*ends = end;
	uint32_t got = 0;
	memcpy(&got, data, size);
	return got;
}

static void
test_a_write_to_port_0xf4_ends_the_run_with_qemus_status(void)
{
	struct kvm_guest *g = guest_with_devices(true);
	uint32_t code = 1 + (uint32_t)rand() % 100;
	struct kvm_stop stop;
	bool ends = false;
	port(g, DEBUG_EXIT_PORT, true, 4, code, &ends, &stop);
	CU_ASSERT_TRUE(ends);
	CU_ASSERT_EQUAL(stop.kind, KVM_STOP_DEBUG_EXIT);
	CU_ASSERT_EQUAL(stop.exit_code, code);
	CU_ASSERT_PTR_NOT_NULL(strstr(stop.message, "0xf4"));
	CU_ASSERT_EQUAL(kvm_debug_exit_status(code), ((code << 1) | 1) & 0xff);
	CU_ASSERT_EQUAL(kvm_debug_exit_status(0), 1);     /* kvm-unit-tests' pass */
	CU_ASSERT_EQUAL(kvm_debug_exit_status(1), 3);     /* and its failure */
	/* the run goes on after the stop was reported: the next exit is ordinary */
	port(g, DEBUG_EXIT_PORT, false, 1, 0, &ends, &stop);
	CU_ASSERT_FALSE(ends);
	kvm_guest_destroy(g);
}

/* Item `key`, `len` bytes, through the selector and data ports. */
static void
fw_cfg_read_item(struct kvm_guest *g, uint16_t key, uint8_t *out, size_t len)
{
	port(g, FW_CFG_PORT_SELECTOR, true, 2, key, NULL, NULL);
	for (size_t i = 0; i < len; i++)
		out[i] = (uint8_t)port(g, FW_CFG_PORT_DATA, false, 1, 0, NULL, NULL);
}

static void
test_fw_cfg_gives_signature_ram_size_and_one_cpu(void)
{
	struct kvm_guest *g = guest_with_devices(true);
	uint8_t sig[4], ram[RAM_SIZE_BYTES], cpus[2], past[2], unknown[4];
	fw_cfg_read_item(g, FW_CFG_KEY_SIGNATURE, sig, sizeof sig);
	CU_ASSERT_EQUAL(memcmp(sig, "QEMU", 4), 0);
	fw_cfg_read_item(g, FW_CFG_KEY_RAM_SIZE, ram, sizeof ram);
	uint64_t size;
	memcpy(&size, ram, sizeof size);
	CU_ASSERT_EQUAL(size, kvm_guest_ram_size(g));
	fw_cfg_read_item(g, FW_CFG_KEY_NB_CPUS, cpus, sizeof cpus);
	CU_ASSERT_EQUAL(cpus[0] | cpus[1] << 8, 1);
	/* past the item's end, and a key with no item: zeros, never all ones */
	for (size_t i = 0; i < sizeof past; i++)
		past[i] = (uint8_t)port(g, FW_CFG_PORT_DATA, false, 1, 0, NULL, NULL);
	CU_ASSERT_EQUAL(past[0] | past[1], 0);
	fw_cfg_read_item(g, 0x7777, unknown, sizeof unknown);
	CU_ASSERT_EQUAL(unknown[0] | unknown[1] | unknown[2] | unknown[3], 0);
	/* selecting again rewinds */
	fw_cfg_read_item(g, FW_CFG_KEY_SIGNATURE, sig, 1);
	CU_ASSERT_EQUAL(sig[0], 'Q');
	kvm_guest_destroy(g);
}

static void
test_the_testdev_scratch_register_keeps_bytes_by_access_size(void)
{
	struct kvm_guest *g = guest_with_devices(true);
	uint32_t v = 0x11000000u | ((uint32_t)rand() & 0xffffff);
	port(g, PC_TESTDEV_PORT, true, 4, v, NULL, NULL);
	CU_ASSERT_EQUAL(port(g, PC_TESTDEV_PORT, false, 4, 0, NULL, NULL), v);
	CU_ASSERT_EQUAL(port(g, PC_TESTDEV_PORT + 1, false, 1, 0, NULL, NULL), (v >> 8) & 0xff);
	CU_ASSERT_EQUAL(port(g, PC_TESTDEV_PORT + 2, false, 2, 0, NULL, NULL), v >> 16);
	/* a byte written at 0xe3 changes that byte alone */
	port(g, PC_TESTDEV_PORT + 3, true, 1, 0x99, NULL, NULL);
	CU_ASSERT_EQUAL(port(g, PC_TESTDEV_PORT, false, 4, 0, NULL, NULL),
			(v & 0x00ffffffu) | 0x99000000u);
	/* 0xe8 is the same register (QEMU's byte-wise view of it) */
	CU_ASSERT_EQUAL(port(g, PC_TESTDEV_PORT + PC_TESTDEV_BYTE_ALIAS, false, 4, 0, NULL, NULL),
			(v & 0x00ffffffu) | 0x99000000u);
	port(g, PC_TESTDEV_PORT + PC_TESTDEV_BYTE_ALIAS + 1, true, 1, 0x42, NULL, NULL);
	CU_ASSERT_EQUAL(port(g, PC_TESTDEV_PORT + 1, false, 1, 0, NULL, NULL), 0x42);
	kvm_guest_destroy(g);
}

static void
mmio(struct kvm_guest *g, uint64_t gpa, bool write, uint32_t *value)
{
	size_t page;
	struct kvm_run *run = kvm_guest_exit_page(g, &page);
	run->exit_reason = KVM_EXIT_MMIO;
	run->mmio.phys_addr = gpa;
	run->mmio.len = sizeof *value;
	run->mmio.is_write = write;
	memcpy(run->mmio.data, value, sizeof *value);
	struct kvm_stop stop;
	CU_ASSERT_FALSE(kvm_guest_handle_exit(g, &stop));
	if (!write)
		memcpy(value, run->mmio.data, sizeof *value);
}

static void
test_the_testdev_scratch_memory_keeps_what_is_written_and_nothing_else_does(void)
{
	struct kvm_guest *g = guest_with_devices(true);
	uint32_t v = (uint32_t)rand(), got = 0;
	uint64_t last = PC_TESTDEV_IOMEM + PC_TESTDEV_IOMEM_SIZE - sizeof v;
	mmio(g, last, true, &v);
	mmio(g, last, false, &got);
	CU_ASSERT_EQUAL(got, v);
	/* just past it: no device, all ones */
	uint32_t past = 0x12345678;
	mmio(g, PC_TESTDEV_IOMEM + PC_TESTDEV_IOMEM_SIZE, true, &past);
	mmio(g, PC_TESTDEV_IOMEM + PC_TESTDEV_IOMEM_SIZE, false, &past);
	CU_ASSERT_EQUAL(past, 0xffffffffu);
	/* an access straddling its end keeps its inside bytes only */
	uint32_t straddle = 0xaabbccdd;
	mmio(g, PC_TESTDEV_IOMEM + PC_TESTDEV_IOMEM_SIZE - 2, true, &straddle);
	mmio(g, PC_TESTDEV_IOMEM + PC_TESTDEV_IOMEM_SIZE - 2, false, &straddle);
	CU_ASSERT_EQUAL(straddle, 0xccddu);
	kvm_guest_destroy(g);
}

struct lines {
	unsigned irq;
	int level;
	uint64_t flushed;
	unsigned calls;
};

static void
record_irq(void *ctx, unsigned irq, int level)
{
	struct lines *l = ctx;
	l->irq = irq;
	l->level = level;
	l->calls++;
}

static void
record_flush(void *ctx, uint64_t gpa)
{
	struct lines *l = ctx;
	l->flushed = gpa;
}

static void
test_the_testdev_irq_ports_set_lines_and_0xe4_flushes_a_page(void)
{
	static struct pc_testdev t;   /* 64 KiB: not on the stack */
	struct lines l = { 0 };
	unsigned size = 4;
	pc_testdev_init(&t, &size, record_irq, record_flush, &l);
	unsigned irq = (unsigned)rand() % PC_TESTDEV_IRQS;
	pc_testdev_irq_ops.write(&t, (uint16_t)irq, 0x80);
	CU_ASSERT_EQUAL(l.irq, irq);
	CU_ASSERT_EQUAL(l.level, 1);        /* any nonzero value raises it */
	CU_ASSERT_EQUAL(t.irq_level[irq], 1);
	pc_testdev_irq_ops.write(&t, (uint16_t)irq, 0);
	CU_ASSERT_EQUAL(l.level, 0);
	pc_testdev_irq_ops.write(&t, PC_TESTDEV_IRQS, 1);   /* past line 23: ignored */
	CU_ASSERT_EQUAL(l.calls, 2);
	uint64_t gpa = 0x3000 + (uint64_t)rand() % 0x1000;
	pc_testdev_ops.write(&t, PC_TESTDEV_FLUSH, (uint32_t)gpa);
	CU_ASSERT_EQUAL(l.flushed, gpa);
	CU_ASSERT_EQUAL(t.scratch, 0);      /* the flush port is not the scratch register */
}

static void
test_a_guest_not_loaded_as_multiboot_has_none_of_them(void)
{
	struct kvm_guest *g = guest_with_devices(false);
	bool ends = true;
	port(g, DEBUG_EXIT_PORT, true, 4, 0, &ends, NULL);
	CU_ASSERT_FALSE(ends);
	CU_ASSERT_EQUAL(port(g, FW_CFG_PORT_DATA, false, 1, 0, NULL, NULL), 0xff);
	CU_ASSERT_EQUAL(port(g, PC_TESTDEV_PORT, false, 4, 0, NULL, NULL), 0xffffffffu);
	uint32_t v = 0;
	mmio(g, PC_TESTDEV_IOMEM, false, &v);
	CU_ASSERT_EQUAL(v, 0xffffffffu);
	kvm_guest_destroy(g);
}

static CU_TestInfo tests[] = {
	{ "0xf4 ends the run with (code << 1) | 1", test_a_write_to_port_0xf4_ends_the_run_with_qemus_status },
	{ "fw_cfg: signature, RAM size, one CPU", test_fw_cfg_gives_signature_ram_size_and_one_cpu },
	{ "pc-testdev scratch register by access size", test_the_testdev_scratch_register_keeps_bytes_by_access_size },
	{ "pc-testdev scratch memory at 0xff000000", test_the_testdev_scratch_memory_keeps_what_is_written_and_nothing_else_does },
	{ "pc-testdev IRQ lines and page flush", test_the_testdev_irq_ports_set_lines_and_0xe4_flushes_a_page },
	{ "a non-Multiboot guest has none of them", test_a_guest_not_loaded_as_multiboot_has_none_of_them },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_kvm_test_devices = { "kvm: test kernel devices (no KVM)", NULL, NULL, NULL,
					NULL, tests };
