/* mptable.c — an Intel MultiProcessor Specification 1.4 table, so Linux
 * finds the in-kernel IOAPIC and routes ISA interrupts through it, as on
 * any PC since 1997 (Lab 10; kvm-backend/README.md, "Linux").
 *
 * Without ACPI or an MP table Linux sees no IOAPIC and runs the 8259 PIC in
 * "virtual wire" mode: every interrupt, the timer's and the UART's, reaches
 * the CPU as ExtINT through LINT0.  That works, but it is KVM's least-used
 * interrupt path, and on the SVM host (guests/x86/svm-host/) it stalled a
 * third of our boots.  kvmtool writes the same kind of table
 * (x86/mptable.c); we write the smallest one Linux accepts: one CPU, one ISA
 * bus, the IOAPIC KVM_CREATE_IRQCHIP made, ISA IRQ n on IOAPIC pin n (KVM's
 * default routing), LINT0 ExtINT and LINT1 NMI.
 *
 * Layout (MP spec 1.4, chapter 4): the 16-byte floating pointer "_MP_" in the
 * BIOS area Linux scans (0xf0000-0xfffff, e820-reserved by us), the
 * configuration table "PCMP" right after it.
 */
#include <string.h>

#include "boot_linux.h"

enum {
	MP_SPEC_REV = 4,                  /* 1.4 */
	MP_ENTRY_CPU = 0, MP_ENTRY_BUS = 1, MP_ENTRY_IOAPIC = 2, MP_ENTRY_IOINT = 3,
	MP_ENTRY_LOCALINT = 4,
	MP_INT_INT = 0, MP_INT_NMI = 1, MP_INT_EXTINT = 3,
	MP_CPU_ENABLED_BSP = 3,           /* CPU flags: enabled | bootstrap processor */
	MP_LAPIC_VERSION = 0x14,
	MP_IOAPIC_ID = 1,                 /* not the CPU's LAPIC id 0 */
	MP_IOAPIC_VERSION = 0x11,         /* what KVM's IOAPIC reports */
	MP_ISA_IRQS = 16,
	MP_HEADER_SIZE = 44, MP_CPU_SIZE = 20, MP_SMALL_ENTRY_SIZE = 8, MP_FLOATING_SIZE = 16,
};
#define MP_LAPIC_ADDR  0xfee00000u
#define MP_IOAPIC_ADDR 0xfec00000u

/* Each structure's bytes sum to 0 mod 256. */
static uint8_t
checksum(const uint8_t *p, size_t len)
{
	uint8_t sum = 0;
	for (size_t i = 0; i < len; i++)
		sum = (uint8_t)(sum + p[i]);
	return (uint8_t)-sum;
}

static uint8_t *
small_entry(uint8_t *e, uint8_t type, uint8_t int_type, uint8_t src_bus_irq, uint8_t dest,
	    uint8_t dest_pin)
{
	e[0] = type;
	e[1] = int_type;
	linux_put_le(e + 2, 0, 2);   /* polarity and trigger: conform to the bus (ISA: high, edge) */
	e[4] = 0;           /* source bus id */
	e[5] = src_bus_irq;
	e[6] = dest;
	e[7] = dest_pin;
	return e + MP_SMALL_ENTRY_SIZE;
}

size_t
linux_mptable_write(uint8_t *ram, size_t ram_size)
{
	size_t size = MP_FLOATING_SIZE + MP_HEADER_SIZE + MP_CPU_SIZE + 2 * MP_SMALL_ENTRY_SIZE +
		      (MP_ISA_IRQS + 2) * MP_SMALL_ENTRY_SIZE;
	if (ram_size < LINUX_MPTABLE_ADDR + size)
		return 0;
	uint8_t *fp = ram + LINUX_MPTABLE_ADDR;
	uint8_t *table = fp + MP_FLOATING_SIZE;
	memset(fp, 0, size);

	/* entries first, the header counts them */
	uint8_t *e = table + MP_HEADER_SIZE;
	e[0] = MP_ENTRY_CPU;
	e[1] = 0;                         /* LAPIC id */
	e[2] = MP_LAPIC_VERSION;
	e[3] = MP_CPU_ENABLED_BSP;
	e += MP_CPU_SIZE;                 /* signature and features 0: Linux uses CPUID */
	e[0] = MP_ENTRY_BUS;
	memcpy(e + 2, "ISA   ", 6);
	e += MP_SMALL_ENTRY_SIZE;
	e[0] = MP_ENTRY_IOAPIC;
	e[1] = MP_IOAPIC_ID;
	e[2] = MP_IOAPIC_VERSION;
	e[3] = 1;                         /* enabled */
	linux_put_le(e + 4, MP_IOAPIC_ADDR, 4);
	e += MP_SMALL_ENTRY_SIZE;
	for (uint8_t irq = 0; irq < MP_ISA_IRQS; irq++)
		e = small_entry(e, MP_ENTRY_IOINT, MP_INT_INT, irq, MP_IOAPIC_ID, irq);
	e = small_entry(e, MP_ENTRY_LOCALINT, MP_INT_EXTINT, 0, 0xff, 0);   /* all LAPICs, LINT0 */
	e = small_entry(e, MP_ENTRY_LOCALINT, MP_INT_NMI, 0, 0xff, 1);      /* all LAPICs, LINT1 */
	uint16_t entries = 1 + 2 + MP_ISA_IRQS + 2;
	size_t table_len = (size_t)(e - table);

	memcpy(table, "PCMP", 4);
	linux_put_le(table + 4, table_len, 2);
	table[6] = MP_SPEC_REV;
	memcpy(table + 8, "TRAPLAB ", 8);
	memcpy(table + 16, "KVM BACKEND ", 12);
	linux_put_le(table + 34, entries, 2);
	linux_put_le(table + 36, MP_LAPIC_ADDR, 4);
	table[7] = checksum(table, table_len);

	memcpy(fp, "_MP_", 4);
	linux_put_le(fp + 4, LINUX_MPTABLE_ADDR + MP_FLOATING_SIZE, 4);
	fp[8] = 1;                        /* length in 16-byte units */
	fp[9] = MP_SPEC_REV;
	fp[10] = checksum(fp, MP_FLOATING_SIZE);
	return size;
}
