/* zeropage.c — what kvm_guest_load_linux writes into guest RAM, without
 * /dev/kvm: kernel, initrd, zero page (struct boot_params), e820, command
 * line, GDT and identity page tables, the MP table (mptable.c), and the
 * 64-bit entry state (Linux
 * Documentation/arch/x86/boot.rst "64-bit Boot Protocol"; KVM-NOTES
 * §3.2-3.3; the layout is in boot_linux.h and kvm-backend/README.md); the
 * payload is decompressed through kernel_cache.c when the caller gives one.
 * Lab 10.  tests/kvm/test_linux.c drives it on a plain buffer. */
#include "boot_linux.h"
#include "kvm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MiB (1024ull * 1024)
#define LINUX_PAYLOAD_MAX (512 * MiB)   /* a decompressed vmlinux is ~60 MiB */

/* The most the payload may decompress to in a guest of ram_size bytes.  The
 * kernel's own decompressor writes its vmlinux ELF below init_size from the
 * load address (Debian 6.1: 65,906,612 bytes of ELF, init_size 66,682,880),
 * so one larger than guest memory cannot be a kernel that fits in it. */
static size_t
payload_limit(size_t ram_size)
{
	return ram_size < LINUX_PAYLOAD_MAX ? ram_size : LINUX_PAYLOAD_MAX;
}

size_t
linux_e820_layout(uint64_t ram_size, struct linux_e820_entry *out, size_t max)
{
	const struct linux_e820_entry map[LINUX_E820_COUNT] = {
		{ 0, 0x9fc00, LINUX_E820_RAM },                   /* conventional memory */
		{ 0x9fc00, 0x100000 - 0x9fc00, LINUX_E820_RESERVED }, /* EBDA, VGA, BIOS */
		{ 0x100000, ram_size - 0x100000, LINUX_E820_RAM },
	};
	size_t n = 0;
	for (; n < LINUX_E820_COUNT && n < max; n++)
		out[n] = map[n];
	return n;
}

/* The initrd goes at the highest 1 MiB boundary that leaves it below
 * min(initrd_addr_max + 1, RAM end) and above everything the kernel needs. */
static int
place_initrd(struct linux_boot *lb, uint64_t ram_size, uint64_t kernel_end, uint64_t size,
	     char *err, size_t errlen)
{
	uint64_t top = (uint64_t)lb->bz.initrd_addr_max + 1;
	if (top > ram_size)
		top = ram_size;
	uint64_t addr = size <= top ? (top - size) & ~(MiB - 1) : 0;
	if (size > top || addr < kernel_end) {
		snprintf(err, errlen, "initrd of %llu bytes does not fit between the kernel's end 0x%llx "
			 "and 0x%llx (min of initrd_addr_max + 1 and guest memory); use --memory",
			 (unsigned long long)size, (unsigned long long)kernel_end,
			 (unsigned long long)top);
		return -1;
	}
	lb->initrd_addr = addr;
	lb->initrd_size = size;
	return 0;
}

/* GDT: code 0x10 (64-bit, L=1) and data 0x18, as Linux's __BOOT_CS/__BOOT_DS.
 * Page tables: identity map of 0..4 GiB with 2 MiB pages (Intel SDM Vol. 3A
 * §4.5): the kernel, init_size, zero page and command line are all in it. */
static void
write_gdt_and_page_tables(uint8_t *ram)
{
	memset(ram + LINUX_GDT_ADDR, 0, 4 * 8);
	linux_put_le(ram + LINUX_GDT_ADDR + LINUX_BOOT_CS, 0x00af9b000000ffffull, 8);
	linux_put_le(ram + LINUX_GDT_ADDR + LINUX_BOOT_DS, 0x00cf93000000ffffull, 8);
	memset(ram + LINUX_PML4_ADDR, 0, 6 * 4096);
	linux_put_le(ram + LINUX_PML4_ADDR, LINUX_PDPT_ADDR | 0x3, 8);             /* P|RW */
	for (uint64_t i = 0; i < 4; i++) {
		linux_put_le(ram + LINUX_PDPT_ADDR + 8 * i, (LINUX_PD_ADDR + 4096 * i) | 0x3, 8);
		for (uint64_t j = 0; j < 512; j++)
			linux_put_le(ram + LINUX_PD_ADDR + 4096 * i + 8 * j, ((i * 512 + j) << 21) | 0x83, 8);
	}
}

static void
write_zero_page(uint8_t *ram, const uint8_t *kernel, const struct linux_boot *lb)
{
	uint8_t *bp = ram + LINUX_ZERO_PAGE;
	memset(bp, 0, 4096);
	memcpy(bp + BP_SETUP_SECTS, kernel + BP_SETUP_SECTS, lb->bz.hdr_end - BP_SETUP_SECTS);
	linux_put_le(bp + BP_VID_MODE, 0xffff, 2);                   /* "normal" */
	bp[BP_TYPE_OF_LOADER] = 0xff;                       /* no assigned loader id */
	bp[BP_LOADFLAGS] = lb->bz.loadflags | CAN_USE_HEAP;
	linux_put_le(bp + BP_HEAP_END_PTR, 0xfe00, 2);
	linux_put_le(bp + BP_CMD_LINE_PTR, LINUX_CMDLINE_ADDR, 4);
	linux_put_le(bp + BP_RAMDISK_IMAGE, lb->initrd_addr, 4);
	linux_put_le(bp + BP_RAMDISK_SIZE, lb->initrd_size, 4);
	bp[BP_E820_ENTRIES] = (uint8_t)lb->e820_count;
	for (size_t i = 0; i < lb->e820_count; i++) {
		uint8_t *e = bp + BP_E820_TABLE + 20 * i;
		linux_put_le(e, lb->e820[i].addr, 8);
		linux_put_le(e + 8, lb->e820[i].size, 8);
		linux_put_le(e + 16, lb->e820[i].type, 4);
	}
}

/* Before decompressing (from the header) and after (from the PT_LOADs): does
 * the kernel, from `start` to `end`, fit in guest memory? */
static int
kernel_fits(uint64_t start, uint32_t init_size, uint64_t end, size_t ram_size, char *err,
	    size_t errlen)
{
	if (end >= start && end <= ram_size)
		return 0;
	/* a hostile pref_address near 2^64 wraps `end`: count from `start` then */
	uint64_t need_mib = end >= start ? (end + MiB - 1) / MiB
					 : start / MiB + (end - start + MiB - 1) / MiB;
	snprintf(err, errlen, "kernel needs %llu MiB (load address 0x%llx + init_size 0x%x) "
		 "but guest memory is %zu MiB; use --memory", (unsigned long long)need_mib,
		 (unsigned long long)start, init_size, (size_t)(ram_size / MiB));
	return -1;
}

int
linux_kernel_image(const uint8_t *kernel, size_t kernel_size, struct kernel_cache *kc,
		   uint8_t **elf, size_t *elf_size, char *err, size_t errlen)
{
	struct bzimage bz;
	*elf = NULL;
	*elf_size = 0;
	if (bzimage_parse(kernel, kernel_size, &bz, err, errlen) < 0)
		return -1;
	return kernel_cache_decompress(&bz, LINUX_PAYLOAD_MAX, kc, elf, elf_size, err, errlen);
}

int
linux_boot_build(uint8_t *ram, size_t ram_size, const uint8_t *kernel, size_t kernel_size,
		 const uint8_t *initrd, size_t initrd_size, const char *cmdline,
		 struct linux_boot *lb, char *err, size_t errlen)
{
	return linux_boot_build_cached(ram, ram_size, kernel, kernel_size, initrd, initrd_size,
				       cmdline, NULL, lb, err, errlen);
}

int
linux_boot_build_cached(uint8_t *ram, size_t ram_size, const uint8_t *kernel,
			size_t kernel_size, const uint8_t *initrd, size_t initrd_size,
			const char *cmdline, struct kernel_cache *kc, struct linux_boot *lb,
			char *err, size_t errlen)
{
	memset(lb, 0, sizeof *lb);
	if (!cmdline)
		cmdline = "";
	if (bzimage_parse(kernel, kernel_size, &lb->bz, err, errlen) < 0)
		return -1;
	bzimage_kernel_version(kernel, &lb->bz, lb->kernel_version, sizeof lb->kernel_version);
	lb->cmdline_len = strlen(cmdline);
	if (lb->cmdline_len > lb->bz.cmdline_size) {
		snprintf(err, errlen, "command line is %zu bytes, longer than the kernel's cmdline_size %u",
			 lb->cmdline_len, lb->bz.cmdline_size);
		return -1;
	}
	if (lb->cmdline_len >= LINUX_CMDLINE_MAX) {
		snprintf(err, errlen, "command line is %zu bytes, longer than the %u bytes at 0x%x "
			 "below the EBDA", lb->cmdline_len, LINUX_CMDLINE_MAX - 1, LINUX_CMDLINE_ADDR);
		return -1;
	}
	if (ram_size > LINUX_MMIO_HOLE) {
		snprintf(err, errlen, "guest memory of %zu MiB reaches the MMIO hole at 0x%llx "
			 "(IOAPIC, LAPIC); use --memory of at most %llu MiB", (size_t)(ram_size / MiB),
			 LINUX_MMIO_HOLE, LINUX_MMIO_HOLE / MiB);
		return -1;
	}
	/* init_size counts from the kernel's run-time start: pref_address (2.10+). */
	if (kernel_fits(lb->bz.pref_address, lb->bz.init_size,
			lb->bz.pref_address + lb->bz.init_size, ram_size, err, errlen) < 0)
		return -1;
	uint8_t *elf;
	size_t elf_size;
	if (kernel_cache_decompress(&lb->bz, payload_limit(ram_size), kc, &elf, &elf_size, err,
				    errlen) < 0)
		return -1;
	lb->payload_format = bzimage_payload_format(lb->bz.payload, lb->bz.payload_length);
	lb->vmlinux_size = elf_size;
	int rc = vmlinux_load(elf, elf_size, ram, ram_size, &lb->vmlinux, err, errlen);
	kernel_cache_release(kc, elf);
	if (rc < 0)
		return -1;
	uint64_t kernel_end = lb->vmlinux.start + lb->bz.init_size;
	if (kernel_end < lb->vmlinux.end)
		kernel_end = lb->vmlinux.end;
	if (kernel_fits(lb->vmlinux.start, lb->bz.init_size, kernel_end, ram_size, err, errlen) < 0)
		return -1;
	lb->kernel_end = kernel_end;
	if (initrd) {
		if (place_initrd(lb, ram_size, kernel_end, initrd_size, err, errlen) < 0)
			return -1;
		memcpy(ram + lb->initrd_addr, initrd, initrd_size);
	}
	lb->e820_count = linux_e820_layout(ram_size, lb->e820, LINUX_E820_COUNT);
	write_zero_page(ram, kernel, lb);
	memcpy(ram + LINUX_CMDLINE_ADDR, cmdline, lb->cmdline_len + 1);
	write_gdt_and_page_tables(ram);
	lb->mptable_size = linux_mptable_write(ram, ram_size);
	return 0;
}

static void
segment(struct kvm_segment *s, uint16_t selector, uint8_t type, uint8_t l, uint8_t db)
{
	*s = (struct kvm_segment){ .base = 0, .limit = 0xffffffff, .selector = selector,
		.type = type, .present = 1, .dpl = 0, .db = db, .s = 1, .l = l, .g = 1 };
}

void
linux_boot_entry_state(const struct linux_boot *lb, struct kvm_regs *regs, struct kvm_sregs *sregs)
{
	memset(regs, 0, sizeof *regs);
	regs->rip = lb->vmlinux.entry;
	regs->rsi = LINUX_ZERO_PAGE;          /* boot.rst: %rsi holds the boot_params address */
	regs->rsp = LINUX_STACK_TOP;
	regs->rflags = X86_RFLAGS_FIXED;      /* IF = 0: interrupts off */

	segment(&sregs->cs, LINUX_BOOT_CS, 0xb, 1, 0);  /* execute/read, accessed; L=1 D=0 */
	segment(&sregs->ds, LINUX_BOOT_DS, 0x3, 0, 1);  /* read/write, accessed */
	sregs->es = sregs->fs = sregs->gs = sregs->ss = sregs->ds;
	sregs->tr = (struct kvm_segment){ .limit = 0xffff, .type = 0xb, .present = 1 };
	sregs->ldt = (struct kvm_segment){ .limit = 0xffff, .type = 0x2, .present = 1 };
	sregs->gdt.base = LINUX_GDT_ADDR;
	sregs->gdt.limit = 4 * 8 - 1;
	sregs->idt.base = 0;                  /* none: the kernel loads its own */
	sregs->idt.limit = 0;
	sregs->cr0 = X86_CR0_PG | X86_CR0_ET | X86_CR0_PE;
	sregs->cr3 = LINUX_PML4_ADDR;
	sregs->cr4 = X86_CR4_PAE;
	sregs->efer = X86_EFER_LMA | X86_EFER_LME;   /* both, or KVM_SET_SREGS fails */
}
