/* cmd_kvm_check.c — `traplab kvm --check-kernel FILE`: Lab 10's Linux
 * loader (kvm-backend/linux/) run exactly as `traplab kvm --linux` runs it
 * -- bzImage header, payload decompressed, vmlinux loaded, zero page, e820,
 * command line, initrd, page tables, MP table, entry registers -- into a
 * plain buffer instead of a VM, then the layout printed.  No /dev/kvm, so
 * it works on any machine, and a hostile image meets the same checks a boot
 * does (issue 15; tests/kvm/test_check_kernel.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boot_linux.h"
#include "cmd_kvm_check.h"
#include "commands.h"
#include "guest_file.h"
#include "kvm.h"

#define MiB (1024ull * 1024)
enum {
	CHECK_ERR_MAX = 4096 + 320,     /* a message may name a whole path */
	CHECK_REGIONS_MAX = 10,
	PAGE_TABLE_PAGES = 6,           /* PML4, PDPT, four PDs (boot_linux.h) */
	GDT_ENTRIES = 4,
	MPTABLE_LAPIC = 0xfee00000u,
	MPTABLE_IOAPIC = 0xfec00000u,
	PROTOCOL_MINOR_MASK = 0xff,
};

/* One row of the guest-memory table: [start, end) and what lies there. */
struct region {
	uint64_t start, end;
	char what[160];
};

static int
by_start(const void *a, const void *b)
{
	const struct region *x = a, *y = b;
	return x->start < y->start ? -1 : x->start > y->start;
}

static size_t
add_region(struct region *r, size_t n, uint64_t start, uint64_t end, const char *what)
{
	if (n < CHECK_REGIONS_MAX && end > start) {
		r[n].start = start;
		r[n].end = end;
		snprintf(r[n].what, sizeof r[n].what, "%s", what);
		n++;
	}
	return n;
}

static void
print_header(const char *kernel, const struct linux_boot *lb, size_t ram_size)
{
	const struct bzimage *bz = &lb->bz;
	printf("%s: loads into %zu MiB of guest memory (checked without /dev/kvm)\n\n", kernel,
	       (size_t)(ram_size / MiB));
	printf("setup header\n");
	printf("  %-18s %u.%02u (0x%04x)\n", "protocol version", bz->version >> 8,
	       bz->version & PROTOCOL_MINOR_MASK, bz->version);
	printf("  %-18s %s\n", "kernel_version", lb->kernel_version[0] ? lb->kernel_version
								       : "(none)");
	printf("  %-18s %u (setup code 0x0-0x%zx; protected-mode code from 0x%zx)\n", "setup_sects",
	       bz->setup_sects, bz->setup_size - 1, bz->setup_size);
	printf("  %-18s %s, %u bytes at 0x%zx in the file, %zu bytes decompressed (vmlinux ELF)\n",
	       "payload", lb->payload_format ? lb->payload_format : "?", bz->payload_length,
	       (size_t)bz->setup_size + bz->payload_offset, lb->vmlinux_size);
	printf("  %-18s 0x%llx\n", "pref_address", (unsigned long long)bz->pref_address);
	printf("  %-18s 0x%x (%.1f MiB)\n", "init_size", bz->init_size, bz->init_size / (double)MiB);
	printf("  %-18s 0x%x%s\n", "kernel_alignment", bz->kernel_alignment,
	       bz->relocatable ? " (relocatable)" : "");
	printf("  %-18s %u bytes\n", "cmdline_size", bz->cmdline_size);
	printf("  %-18s 0x%x\n", "initrd_addr_max", bz->initrd_addr_max);
	printf("  %-18s 0x%02x, xloadflags 0x%04x\n", "loadflags", bz->loadflags, bz->xloadflags);
}

static void
print_memory(const struct linux_boot *lb)
{
	struct region r[CHECK_REGIONS_MAX];
	char what[160];
	size_t n = 0;
	n = add_region(r, n, LINUX_GDT_ADDR, LINUX_GDT_ADDR + GDT_ENTRIES * 8,
		       "GDT: null, null, code 0x10, data 0x18");
	n = add_region(r, n, LINUX_ZERO_PAGE, LINUX_ZERO_PAGE + 4096,
		       "zero page (struct boot_params); RSI at entry");
	n = add_region(r, n, LINUX_STACK_TOP & ~0xfffull, LINUX_STACK_TOP,
		       "boot stack, below RSP at entry (startup_64 sets its own)");
	n = add_region(r, n, LINUX_PML4_ADDR, LINUX_PML4_ADDR + PAGE_TABLE_PAGES * 4096,
		       "page tables: PML4, PDPT, 4 PDs (0-4 GiB identity, 2 MiB pages)");
	snprintf(what, sizeof what, "command line: %zu of cmdline_size %u bytes, and its NUL",
		 lb->cmdline_len, lb->bz.cmdline_size);
	n = add_region(r, n, LINUX_CMDLINE_ADDR, LINUX_CMDLINE_ADDR + lb->cmdline_len + 1, what);
	snprintf(what, sizeof what, "MP table: 1 CPU, ISA bus, IOAPIC 0x%x, LAPIC 0x%x",
		 MPTABLE_IOAPIC, MPTABLE_LAPIC);
	n = add_region(r, n, LINUX_MPTABLE_ADDR, LINUX_MPTABLE_ADDR + lb->mptable_size, what);
	snprintf(what, sizeof what, "kernel: %u PT_LOAD segment%s, entered at 0x%llx",
		 lb->vmlinux.segments, lb->vmlinux.segments == 1 ? "" : "s",
		 (unsigned long long)lb->vmlinux.entry);
	n = add_region(r, n, lb->vmlinux.start, lb->vmlinux.end, what);
	n = add_region(r, n, lb->vmlinux.end, lb->kernel_end,
		       "kernel's init_size beyond its segments (bss, decompression room)");
	n = add_region(r, n, lb->initrd_addr, lb->initrd_addr + lb->initrd_size,
		       "initrd (zero page ramdisk_image, ramdisk_size)");
	qsort(r, n, sizeof r[0], by_start);
	printf("\nguest memory\n");
	printf("  %-10s   %-10s %12s  %s\n", "start", "end", "bytes", "what");
	for (size_t i = 0; i < n; i++)
		printf("  0x%08llx - 0x%08llx %12llu  %s\n", (unsigned long long)r[i].start,
		       (unsigned long long)r[i].end - 1, (unsigned long long)(r[i].end - r[i].start),
		       r[i].what);
}

static void
print_entry_and_e820(const struct linux_boot *lb)
{
	struct kvm_regs regs;
	struct kvm_sregs sregs;
	memset(&sregs, 0, sizeof sregs);
	linux_boot_entry_state(lb, &regs, &sregs);
	printf("\n64-bit entry\n");
	printf("  rip 0x%llx  rsi 0x%llx  rsp 0x%llx  cr0 0x%llx  cr3 0x%llx  cr4 0x%llx  "
	       "efer 0x%llx  cs 0x%x  ds 0x%x\n", (unsigned long long)regs.rip,
	       (unsigned long long)regs.rsi, (unsigned long long)regs.rsp,
	       (unsigned long long)sregs.cr0, (unsigned long long)sregs.cr3,
	       (unsigned long long)sregs.cr4, (unsigned long long)sregs.efer, sregs.cs.selector,
	       sregs.ds.selector);
	printf("\ne820 map (zero page 0x%x: %zu entries)\n", BP_E820_TABLE, lb->e820_count);
	for (size_t i = 0; i < lb->e820_count; i++)
		printf("  0x%016llx - 0x%016llx  %s\n", (unsigned long long)lb->e820[i].addr,
		       (unsigned long long)(lb->e820[i].addr + lb->e820[i].size - 1),
		       lb->e820[i].type == LINUX_E820_RAM ? "usable" : "reserved");
}

int
cmd_kvm_check_kernel(const char *kernel, const char *initrd, const char *cmdline,
		     unsigned memory_mib, bool no_kernel_cache)
{
	int status = guest_file_probe("kvm", kernel);
	if (status == 0 && initrd)
		status = guest_file_probe("kvm", initrd);
	if (status != 0)
		return status;
	size_t ram_size = (size_t)memory_mib * MiB;
	uint8_t *ram = calloc(1, ram_size);  /* untouched pages cost nothing: a boot's, not more */
	if (!ram) {
		fprintf(stderr, "traplab kvm: no memory for a %u MiB guest\n", memory_mib);
		return EXIT_SOFTWARE;
	}
	struct kvm_linux_config lc = { .kernel = kernel, .initrd = initrd, .cmdline = cmdline,
				       .no_kernel_cache = no_kernel_cache };
	struct linux_boot lb;
	char *err = malloc(CHECK_ERR_MAX);
	if (!err || linux_boot_files(ram, ram_size, &lc, &lb, err, CHECK_ERR_MAX) < 0) {
		fprintf(stderr, "traplab kvm: %s: %s\n", kernel, err ? err : "out of memory");
		free(err);
		free(ram);
		return err ? EXIT_DATAERR : EXIT_SOFTWARE;
	}
	print_header(kernel, &lb, ram_size);
	print_memory(&lb);
	print_entry_and_e820(&lb);
	printf("\ncommand line at 0x%x\n  %s\n", LINUX_CMDLINE_ADDR, (const char *)ram + LINUX_CMDLINE_ADDR);
	if (!initrd)
		printf("\nno initrd (--initrd=FILE adds one)\n");
	free(err);
	free(ram);
	return EXIT_OK;
}
