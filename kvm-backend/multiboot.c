/* multiboot.c — a Multiboot v1 kernel into guest RAM (multiboot.h): find
 * and check the header (Multiboot Specification 0.6.96 §3.1), load a 32-bit
 * ELF's PT_LOAD segments at their physical addresses or the a.out kludge's
 * range, zero the bss, then put the module (--initrd) and the information
 * structure (§3.3) after the image, as QEMU's hw/i386/multiboot.c does.
 * Every size and address of the image is checked before it is used: a
 * hostile image gets an error naming the field and value, and nothing is
 * written outside the usable RAM.  Lab 10; KVM-NOTES.md §3.10.
 */
#include <elf.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "multiboot.h"

enum {
	MB_PAGE = 4096,
	MB_LOW_MEMORY = 640 << 10,          /* "lower memory": 0 to 640 KiB (§3.3 mem_lower) */
	MB_HIGH_MEMORY = 1 << 20,           /* "upper memory" starts at 1 MiB */
	MB_INFO_SIZE = 88,                  /* §3.3: flags ... vbe_interface_len */
	MB_MMAP_ENTRY = 24,                 /* size (4) + base (8) + length (8) + type (4) */
	MB_MMAP_AVAILABLE = 1,              /* type 1: available RAM */
	MB_MODULE_ENTRY = 16,               /* mod_start, mod_end, string, reserved */
	MB_BOOT_DEVICE_NONE = -1,           /* §3.3: drive 0xff..., "no partition" */
};
static const char mb_loader_name[] = "traplab";

/* The header's words (§3.1.1), as loaded from the image. */
struct mb_header {
	uint32_t offset;            /* where in the file it lies */
	uint32_t flags;
	uint32_t header_addr, load_addr, load_end_addr, bss_end_addr, entry_addr;
};

static int __attribute__((format(printf, 3, 4)))
mb_error(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

static uint32_t
mb_word(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, sizeof v);    /* little-endian, as x86 and this host */
	return v;
}

/* §3.1.1: the first magic word at a 4-byte boundary in the first 8 KiB
 * whose checksum holds.  A magic with a bad checksum is reported if no good
 * one follows. */
static int
mb_find_header(const uint8_t *image, size_t size, struct mb_header *h, char *err, size_t errlen)
{
	enum { WORDS = 8 };         /* magic, flags, checksum, then the five addresses */
	size_t limit = size < MULTIBOOT_SEARCH ? size : MULTIBOOT_SEARCH;
	long bad_at = -1;
	uint32_t bad_sum = 0;
	for (size_t off = 0; off + 3 * sizeof(uint32_t) <= limit; off += MULTIBOOT_ALIGN) {
		if (mb_word(image + off) != MULTIBOOT_HEADER_MAGIC)
			continue;
		uint32_t flags = mb_word(image + off + 4), sum = mb_word(image + off + 8);
		if ((uint32_t)(MULTIBOOT_HEADER_MAGIC + flags + sum) != 0) {
			if (bad_at < 0)
				bad_at = (long)off, bad_sum = sum;
			continue;
		}
		uint32_t w[WORDS] = { 0 };
		for (unsigned i = 0; i < WORDS && off + 4 * (i + 1) <= size; i++)
			w[i] = mb_word(image + off + 4 * i);
		*h = (struct mb_header){ .offset = (uint32_t)off, .flags = flags,
			.header_addr = w[3], .load_addr = w[4], .load_end_addr = w[5],
			.bss_end_addr = w[6], .entry_addr = w[7] };
		if ((flags & MULTIBOOT_FLAG_AOUT_KLUDGE) && off + 4 * WORDS > size)
			return mb_error(err, errlen, "multiboot header at offset 0x%zx: flags 0x%x "
					"ask for the a.out addresses, but the file ends at %zu bytes",
					off, flags, size);
		return 0;
	}
	if (bad_at >= 0)
		return mb_error(err, errlen, "multiboot header at offset 0x%lx: checksum 0x%08x: "
				"magic + flags + checksum is not 0", bad_at, bad_sum);
	return mb_error(err, errlen, "no multiboot header: magic 0x%08x not found in the first "
			"%d bytes (Multiboot Specification 0.6.96 section 3.1.1)",
			MULTIBOOT_HEADER_MAGIC, MULTIBOOT_SEARCH);
}

/* [addr, addr + len) inside [0, usable)? */
static bool
mb_fits(uint64_t addr, uint64_t len, size_t usable)
{
	return addr <= usable && len <= usable - addr;
}

/* One range of the image into RAM: `filesz` bytes from the file at `off`,
 * then zeros up to `memsz` (the bss). */
static int
mb_copy(uint8_t *ram, size_t usable, const uint8_t *image, size_t size, uint64_t off,
	uint64_t filesz, uint64_t paddr, uint64_t memsz, const char *what, char *err,
	size_t errlen)
{
	if (filesz > memsz)
		return mb_error(err, errlen, "%s: file size 0x%" PRIx64 " larger than its memory "
				"size 0x%" PRIx64, what, filesz, memsz);
	if (off > size || filesz > size - off)
		return mb_error(err, errlen, "%s: file offset 0x%" PRIx64 " + 0x%" PRIx64
				" bytes: past the end of the %zu-byte file", what, off, filesz, size);
	if (!mb_fits(paddr, memsz, usable))
		return mb_error(err, errlen, "%s: address 0x%" PRIx64 " + 0x%" PRIx64 " bytes: "
				"outside the guest's usable RAM (0 to 0x%zx); give more --memory",
				what, paddr, memsz, usable);
	memcpy(ram + paddr, image + off, filesz);
	memset(ram + paddr + filesz, 0, memsz - filesz);
	return 0;
}

/* §3.1.3 (a.out kludge): load_addr.. load_end_addr from the file, where the
 * header's own address gives the file offset; zeros to bss_end_addr. */
static int
mb_load_aout(uint8_t *ram, size_t usable, const uint8_t *image, size_t size,
	     const struct mb_header *h, struct multiboot_placed *out, char *err, size_t errlen)
{
	if (h->header_addr < h->load_addr || h->header_addr - h->load_addr > h->offset)
		return mb_error(err, errlen, "multiboot header_addr 0x%x: below load_addr 0x%x or "
				"before the file's start", h->header_addr, h->load_addr);
	uint64_t off = h->offset - (h->header_addr - h->load_addr);
	uint64_t end = h->load_end_addr ? h->load_end_addr : h->load_addr + (size - off);
	if (end < h->load_addr)
		return mb_error(err, errlen, "multiboot load_end_addr 0x%x: below load_addr 0x%x",
				h->load_end_addr, h->load_addr);
	uint64_t bss_end = h->bss_end_addr ? h->bss_end_addr : end;
	if (bss_end < end)
		return mb_error(err, errlen, "multiboot bss_end_addr 0x%x: below load_end_addr "
				"0x%" PRIx64, h->bss_end_addr, end);
	if (mb_copy(ram, usable, image, size, off, end - h->load_addr, h->load_addr,
		    bss_end - h->load_addr, "multiboot load_addr", err, errlen) < 0)
		return -1;
	out->entry = h->entry_addr;
	out->image_start = h->load_addr;
	out->image_end = (uint32_t)bss_end;
	return 0;
}

/* A 32-bit little-endian x86 ELF executable: its PT_LOAD segments at p_paddr. */
static int
mb_load_elf(uint8_t *ram, size_t usable, const uint8_t *image, size_t size,
	    struct multiboot_placed *out, char *err, size_t errlen)
{
	Elf32_Ehdr eh;
	if (size < sizeof eh || memcmp(image, ELFMAG, SELFMAG) != 0)
		return mb_error(err, errlen, "ELF e_ident: not an ELF file, and the multiboot "
				"header's flags lack bit 16 (a.out kludge addresses)");
	memcpy(&eh, image, sizeof eh);
	if (eh.e_ident[EI_CLASS] != ELFCLASS32 || eh.e_machine != EM_386)
		return mb_error(err, errlen, "ELF e_ident[EI_CLASS] %u, e_machine %u: expected a "
				"32-bit x86 ELF (class 1, machine 3), as QEMU's -kernel does",
				eh.e_ident[EI_CLASS], eh.e_machine);
	if (eh.e_phentsize != sizeof(Elf32_Phdr) || eh.e_phnum == 0 || eh.e_phoff > size ||
	    (uint64_t)eh.e_phnum * sizeof(Elf32_Phdr) > size - eh.e_phoff)
		return mb_error(err, errlen, "ELF e_phoff 0x%x, e_phnum %u, e_phentsize %u: the "
				"program headers are not in the %zu-byte file", eh.e_phoff,
				eh.e_phnum, eh.e_phentsize, size);
	uint64_t lo = UINT64_MAX, hi = 0;
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		Elf32_Phdr ph;
		memcpy(&ph, image + eh.e_phoff + i * sizeof ph, sizeof ph);
		if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
			continue;
		char what[48];
		snprintf(what, sizeof what, "ELF segment %u p_paddr", i);
		if (mb_copy(ram, usable, image, size, ph.p_offset, ph.p_filesz, ph.p_paddr,
			    ph.p_memsz, what, err, errlen) < 0)
			return -1;
		lo = ph.p_paddr < lo ? ph.p_paddr : lo;
		hi = (uint64_t)ph.p_paddr + ph.p_memsz > hi ? (uint64_t)ph.p_paddr + ph.p_memsz : hi;
	}
	if (hi == 0)
		return mb_error(err, errlen, "ELF e_phnum %u: no PT_LOAD segment to load", eh.e_phnum);
	out->entry = eh.e_entry;
	out->image_start = (uint32_t)lo;
	out->image_end = (uint32_t)hi;
	return 0;
}

static uint64_t
mb_page_up(uint64_t a)
{
	return (a + MB_PAGE - 1) & ~(uint64_t)(MB_PAGE - 1);
}

static void
mb_put(uint8_t *ram, uint64_t at, uint32_t v)
{
	memcpy(ram + at, &v, sizeof v);
}

/* The memory map (§3.3 mmap_*): low memory and RAM from 1 MiB to `usable`
 * (the top, with the GDT, left out).  Returns its length in bytes. */
static uint32_t
mb_put_mmap(uint8_t *ram, uint64_t at, size_t usable)
{
	uint64_t ranges[2][2] = {
		{ 0, usable < MB_LOW_MEMORY ? usable : MB_LOW_MEMORY },
		{ MB_HIGH_MEMORY, usable > MB_HIGH_MEMORY ? usable - MB_HIGH_MEMORY : 0 },
	};
	uint32_t len = 0;
	for (unsigned i = 0; i < 2; i++) {
		if (ranges[i][1] == 0)
			continue;
		mb_put(ram, at + len, MB_MMAP_ENTRY - sizeof(uint32_t));   /* "size" excludes itself */
		memcpy(ram + at + len + 4, &ranges[i][0], sizeof(uint64_t));
		memcpy(ram + at + len + 12, &ranges[i][1], sizeof(uint64_t));
		mb_put(ram, at + len + 20, MB_MMAP_AVAILABLE);
		len += MB_MMAP_ENTRY;
	}
	return len;
}

/* The information structure and what it points to, at `at` (§3.3): memory,
 * the boot device ("none"), the command line, the module list, the memory
 * map and the loader's name -- the fields QEMU fills. */
static int
mb_put_info(uint8_t *ram, size_t usable, uint64_t at, const struct kvm_multiboot_config *mc,
	    struct multiboot_placed *out, char *err, size_t errlen)
{
	enum { MMAP_AT = MB_INFO_SIZE, MODS_AT = MMAP_AT + 2 * MB_MMAP_ENTRY,
	       STRINGS_AT = MODS_AT + MB_MODULE_ENTRY };
	const char *cmdline = mc->cmdline ? mc->cmdline : "";
	const char *modname = mc->module_name ? mc->module_name : "";
	size_t cmd_len = strlen(cmdline) + 1, mod_len = strlen(modname) + 1;
	uint64_t need = STRINGS_AT + cmd_len + mod_len + sizeof mb_loader_name;
	if (!mb_fits(at, need, usable))
		return mb_error(err, errlen, "multiboot information: %" PRIu64 " bytes at 0x%" PRIx64
				" do not fit below 0x%zx; give more --memory", need, at, usable);
	memset(ram + at, 0, need);
	uint64_t cmd = at + STRINGS_AT, mod = cmd + cmd_len, name = mod + mod_len;
	memcpy(ram + cmd, cmdline, cmd_len);
	memcpy(ram + mod, modname, mod_len);
	memcpy(ram + name, mb_loader_name, sizeof mb_loader_name);
	uint32_t flags = MBI_MEMORY | MBI_BOOT_DEVICE | MBI_CMDLINE | MBI_MODS | MBI_MMAP |
			 MBI_LOADER_NAME;
	uint64_t low = usable < MB_LOW_MEMORY ? usable : MB_LOW_MEMORY;
	uint64_t high = usable > MB_HIGH_MEMORY ? usable - MB_HIGH_MEMORY : 0;
	mb_put(ram, at + 0, flags);
	mb_put(ram, at + 4, (uint32_t)(low >> 10));             /* mem_lower, KiB */
	mb_put(ram, at + 8, (uint32_t)(high >> 10));            /* mem_upper, KiB from 1 MiB */
	mb_put(ram, at + 12, (uint32_t)MB_BOOT_DEVICE_NONE);
	mb_put(ram, at + 16, (uint32_t)cmd);
	mb_put(ram, at + 20, mc->module ? 1 : 0);               /* mods_count */
	mb_put(ram, at + 24, (uint32_t)(at + MODS_AT));         /* mods_addr */
	mb_put(ram, at + 44, mb_put_mmap(ram, at + MMAP_AT, usable));   /* mmap_length */
	mb_put(ram, at + 48, (uint32_t)(at + MMAP_AT));         /* mmap_addr */
	mb_put(ram, at + 64, (uint32_t)name);                   /* boot_loader_name */
	if (mc->module) {
		mb_put(ram, at + MODS_AT, out->module_start);
		mb_put(ram, at + MODS_AT + 4, out->module_end);
		mb_put(ram, at + MODS_AT + 8, (uint32_t)mod);
	}
	out->info = (uint32_t)at;
	out->end = (uint32_t)(at + need);
	return 0;
}

int
multiboot_place(uint8_t *ram, size_t ram_size, size_t usable,
		const struct kvm_multiboot_config *mc, struct multiboot_placed *out,
		char *err, size_t errlen)
{
	*out = (struct multiboot_placed){ 0 };
	usable = usable < ram_size ? usable : ram_size;
	struct mb_header h = { 0 };
	if (mb_find_header(mc->image, mc->image_size, &h, err, errlen) < 0)
		return -1;
	uint32_t unknown = h.flags & MULTIBOOT_REQUIRED_MASK & ~(uint32_t)MULTIBOOT_REQUIRED_KNOWN;
	if (unknown)
		return mb_error(err, errlen, "multiboot flags 0x%08x: bits 0x%x ask for what this "
				"loader does not know (section 3.1.2: it must refuse)", h.flags, unknown);
	int r = (h.flags & MULTIBOOT_FLAG_AOUT_KLUDGE) ?
		mb_load_aout(ram, usable, mc->image, mc->image_size, &h, out, err, errlen) :
		mb_load_elf(ram, usable, mc->image, mc->image_size, out, err, errlen);
	if (r < 0)
		return -1;
	if (out->entry >= usable)
		return mb_error(err, errlen, "multiboot entry 0x%x: outside the guest's usable RAM "
				"(0 to 0x%zx)", out->entry, usable);
	uint64_t next = mb_page_up(out->image_end);
	if (mc->module) {
		if (!mb_fits(next, mc->module_size, usable))
			return mb_error(err, errlen, "initrd: %zu bytes at 0x%" PRIx64 " do not fit "
					"below 0x%zx; give more --memory", mc->module_size, next, usable);
		memcpy(ram + next, mc->module, mc->module_size);
		out->module_start = (uint32_t)next;
		out->module_end = (uint32_t)(next + mc->module_size);
		next = mb_page_up(out->module_end);
	}
	return mb_put_info(ram, usable, next, mc, out, err, errlen);
}

bool
kvm_image_is_multiboot(const uint8_t *image, size_t size)
{
	struct mb_header h;
	char err[8];
	return mb_find_header(image, size, &h, err, sizeof err) == 0;
}
