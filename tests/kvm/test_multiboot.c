/* test_multiboot.c — the Multiboot v1 loader (kvm-backend/multiboot.c,
 * issue 18) on plain memory, no KVM: the test kernel guests/x86/multiboot/
 * mbcheck.S as an ELF and as an a.out-kludge image loaded where its headers
 * say with the bss zeroed over garbage, the information structure
 * (Multiboot Specification 0.6.96 §3.3) read back field by field, each bad
 * image refused with the field named, and mutated images that never make the
 * loader write past the usable RAM.  Runs on every machine: no SKIPPED.
 */
#include <CUnit/CUnit.h>
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../guests/x86/multiboot/multiboot.h"
#include "kvm_support.h"
#include "multiboot.h"
#include "support.h"

enum {
	RAM = 8 << 20,                 /* as the KVM tests give it */
	USABLE = RAM - 0x4000,         /* the top 16 KiB: the GDT (boot_flat.c) */
	GARBAGE = 0xa5,                /* what RAM holds before the load */
	MUTATIONS = 3000,              /* mutated images per run: ~0.2 s */
	MUTATED_BYTES = 4,             /* bytes changed in each */
	INFO_CMDLINE = 16, INFO_MODS_COUNT = 20, INFO_MODS_ADDR = 24,
	INFO_MMAP_LENGTH = 44, INFO_MMAP_ADDR = 48, INFO_LOADER_NAME = 64,
};

/* The whole file, malloc'd (NULL with a CUnit failure if unreadable). */
static uint8_t *
read_all(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	CU_ASSERT_PTR_NOT_NULL(f);
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	rewind(f);
	uint8_t *b = malloc(n > 0 ? (size_t)n : 1);
	*size = b && fread(b, 1, (size_t)n, f) == (size_t)n ? (size_t)n : 0;
	fclose(f);
	CU_ASSERT(*size > 0);
	return b;
}

static uint32_t
word_at(const uint8_t *ram, uint64_t at)
{
	uint32_t v;
	memcpy(&v, ram + at, sizeof v);
	return v;
}

/* RAM full of garbage, and the image placed in it. */
static int
place(uint8_t *ram, const uint8_t *image, size_t size, const char *cmdline,
      const char *module, struct multiboot_placed *out, char *err, size_t errlen)
{
	memset(ram, GARBAGE, RAM);
	struct kvm_multiboot_config mc = {
		.image = image, .image_size = size, .cmdline = cmdline,
		.module = (const uint8_t *)module, .module_size = module ? strlen(module) : 0,
		.module_name = module ? "the-module" : NULL,
	};
	return multiboot_place(ram, RAM, USABLE, &mc, out, err, errlen);
}

static void
test_an_elf_kernel_is_loaded_at_its_segments_with_the_bss_zeroed(void)
{
	size_t size;
	uint8_t *image = read_all(kvm_test_guest_path("multiboot/mbcheck", "elf"), &size);
	uint8_t *ram = malloc(RAM);
	CU_ASSERT_FATAL(image && ram);
	struct multiboot_placed p;
	char err[256] = "";
	CU_ASSERT_EQUAL_FATAL(place(ram, image, size, "k", NULL, &p, err, sizeof err), 0);
	Elf32_Ehdr eh;
	memcpy(&eh, image, sizeof eh);
	CU_ASSERT_EQUAL(p.entry, eh.e_entry);
	CU_ASSERT_EQUAL(p.entry, kvm_test_symbol("multiboot/mbcheck", "start"));
	unsigned loads = 0;
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		Elf32_Phdr ph;
		memcpy(&ph, image + eh.e_phoff + i * sizeof ph, sizeof ph);
		if (ph.p_type != PT_LOAD)
			continue;
		loads++;
		CU_ASSERT_EQUAL(memcmp(ram + ph.p_paddr, image + ph.p_offset, ph.p_filesz), 0);
		for (uint32_t b = ph.p_filesz; b < ph.p_memsz; b++)
			if (ram[ph.p_paddr + b] != 0) {
				CU_FAIL("a bss byte kept the garbage");
				break;
			}
	}
	CU_ASSERT(loads >= 2);   /* the code and the bss at least */
	uint64_t bss = kvm_test_symbol("multiboot/mbcheck", "bss_end");
	CU_ASSERT(p.image_end >= bss && p.image_start <= p.entry);
	free(ram);
	free(image);
}

static void
test_an_aout_kludge_image_is_loaded_at_load_addr_and_entered_at_entry_addr(void)
{
	size_t size;
	uint8_t *image = read_all(kvm_test_guest_path("multiboot/mbaout", "bin"), &size);
	uint8_t *ram = malloc(RAM);
	CU_ASSERT_FATAL(image && ram);
	struct multiboot_placed p;
	char err[256] = "";
	CU_ASSERT_EQUAL_FATAL(place(ram, image, size, "k", NULL, &p, err, sizeof err), 0);
	/* the header's own words say where: load_addr (word 4) ... entry_addr (word 7) */
	CU_ASSERT_EQUAL(p.image_start, word_at(image, 16));
	CU_ASSERT_EQUAL(p.image_start, MB_KERNEL_BASE);
	CU_ASSERT_EQUAL(p.entry, word_at(image, 28));
	CU_ASSERT_EQUAL(p.image_end, word_at(image, 24));   /* bss_end_addr */
	CU_ASSERT_EQUAL(memcmp(ram + MB_KERNEL_BASE, image, size), 0);
	uint32_t load_end = word_at(image, 20);
	CU_ASSERT(load_end < p.image_end);
	bool zero = true;
	for (uint32_t a = load_end; a < p.image_end; a++)
		zero = zero && ram[a] == 0;
	CU_ASSERT_TRUE(zero);
	free(ram);
	free(image);
}

static void
test_the_information_structure_has_memory_cmdline_module_and_map(void)
{
	size_t size;
	uint8_t *image = read_all(kvm_test_guest_path("multiboot/mbcheck", "elf"), &size);
	uint8_t *ram = malloc(RAM);
	CU_ASSERT_FATAL(image && ram);
	char cmdline[64], module[100];
	snprintf(cmdline, sizeof cmdline, "kernel.flat word%d", rand());
	snprintf(module, sizeof module, "module text %d", rand());
	struct multiboot_placed p;
	char err[256] = "";
	CU_ASSERT_EQUAL_FATAL(place(ram, image, size, cmdline, module, &p, err, sizeof err), 0);
	uint32_t flags = word_at(ram, p.info);
	CU_ASSERT_EQUAL(flags & (MBI_MEMORY | MBI_CMDLINE | MBI_MODS | MBI_MMAP),
			MBI_MEMORY | MBI_CMDLINE | MBI_MODS | MBI_MMAP);
	CU_ASSERT_EQUAL(word_at(ram, p.info + 4), 640);                      /* mem_lower, KiB */
	CU_ASSERT_EQUAL(word_at(ram, p.info + 8), (USABLE - (1 << 20)) >> 10); /* mem_upper */
	CU_ASSERT_STRING_EQUAL((char *)ram + word_at(ram, p.info + INFO_CMDLINE), cmdline);
	CU_ASSERT_EQUAL(word_at(ram, p.info + INFO_MODS_COUNT), 1);
	uint32_t mod = word_at(ram, p.info + INFO_MODS_ADDR);
	uint32_t start = word_at(ram, mod), end = word_at(ram, mod + 4);
	CU_ASSERT_EQUAL(end - start, strlen(module));
	CU_ASSERT_EQUAL(memcmp(ram + start, module, strlen(module)), 0);
	CU_ASSERT_EQUAL(start % 4096, 0);                        /* page-aligned, after the image */
	CU_ASSERT(start >= p.image_end);
	CU_ASSERT_STRING_EQUAL((char *)ram + word_at(ram, mod + 8), "the-module");
	CU_ASSERT_STRING_EQUAL((char *)ram + word_at(ram, p.info + INFO_LOADER_NAME), "traplab");
	/* the map: 640 KiB low, then 1 MiB up to the GDT's pages, both type 1 */
	uint32_t map = word_at(ram, p.info + INFO_MMAP_ADDR);
	CU_ASSERT_EQUAL(word_at(ram, p.info + INFO_MMAP_LENGTH), 48);
	CU_ASSERT_EQUAL(word_at(ram, map + 24 + 4), 1 << 20);
	CU_ASSERT_EQUAL(word_at(ram, map + 24 + 12), USABLE - (1 << 20));
	CU_ASSERT_EQUAL(word_at(ram, map + 24 + 20), 1);
	CU_ASSERT(p.end <= USABLE && p.info >= end);
	free(ram);
	free(image);
}

/* The image with `len` bytes at `off` replaced; err must name `field`. */
static void
expect_refused(const uint8_t *image, size_t size, size_t off, const void *bytes, size_t len,
	       const char *field)
{
	uint8_t *bad = malloc(size);
	uint8_t *ram = malloc(RAM);
	CU_ASSERT_FATAL(bad && ram);
	memcpy(bad, image, size);
	memcpy(bad + off, bytes, len);
	struct multiboot_placed p;
	char err[320] = "";
	CU_ASSERT_EQUAL(place(ram, bad, size, "k", NULL, &p, err, sizeof err), -1);
	if (!strstr(err, field))
		fprintf(stderr, "\n    expected \"%s\" in: %s\n", field, err);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, field));
	free(ram);
	free(bad);
}

static void
test_bad_images_are_refused_naming_the_field(void)
{
	size_t size, asize;
	uint8_t *image = read_all(kvm_test_guest_path("multiboot/mbcheck", "elf"), &size);
	uint8_t *aout = read_all(kvm_test_guest_path("multiboot/mbaout", "bin"), &asize);
	CU_ASSERT_FATAL(image && aout);
	/* the header: the ELF's code segment starts with it */
	size_t hdr = 0;
	while (hdr + 4 <= size && word_at(image, hdr) != MB_HEADER_MAGIC)
		hdr += 4;
	CU_ASSERT_FATAL(hdr + 12 <= size);
	uint32_t zero = 0, sum = word_at(image, hdr + 8) + 1, flags = MB_FLAG_MEMORY | 0x8;
	uint32_t fixed = -(MB_HEADER_MAGIC + flags), far = 0x7fff0000, low = MB_KERNEL_BASE + 4;
	expect_refused(image, size, hdr, &zero, 4, "no multiboot header");
	expect_refused(image, size, hdr + 8, &sum, 4, "checksum");
	uint32_t both[2] = { flags, fixed };
	expect_refused(image, size, hdr + 4, both, 8, "flags");
	uint8_t class64 = ELFCLASS64;
	expect_refused(image, size, EI_CLASS, &class64, 1, "EI_CLASS");
	uint32_t phoff = (uint32_t)size;
	expect_refused(image, size, offsetof(Elf32_Ehdr, e_phoff), &phoff, 4, "e_phoff");
	Elf32_Ehdr eh;
	memcpy(&eh, image, sizeof eh);
	expect_refused(image, size, eh.e_phoff + offsetof(Elf32_Phdr, p_paddr), &far, 4, "p_paddr");
	uint32_t edge = USABLE - 8;    /* straddles the end of the usable RAM */
	expect_refused(image, size, eh.e_phoff + offsetof(Elf32_Phdr, p_paddr), &edge, 4, "p_paddr");
	expect_refused(image, size, offsetof(Elf32_Ehdr, e_entry), &far, 4, "entry");
	expect_refused(aout, asize, 12, &low, 4, "header_addr");    /* past the header's place */
	expect_refused(aout, asize, 24, &low, 4, "bss_end_addr");   /* below load_end_addr */
	free(aout);
	free(image);
}

/* Mutated images (the headers' bytes and any others), seeded so a failure
 * replays: each is loaded or refused, and the RAM past the usable part
 * (the GDT's pages) keeps its canary.  Under ASan (make SAN=1 test) a read
 * past the image would stop the run too. */
static void
test_mutated_images_never_write_past_the_usable_ram(void)
{
	size_t sizes[2];
	uint8_t *images[2] = {
		read_all(kvm_test_guest_path("multiboot/mbcheck", "elf"), &sizes[0]),
		read_all(kvm_test_guest_path("multiboot/mbaout", "bin"), &sizes[1]),
	};
	uint8_t *ram = malloc(RAM), *bad = malloc(sizes[0] > sizes[1] ? sizes[0] : sizes[1]);
	CU_ASSERT_FATAL(images[0] && images[1] && ram && bad);
	uint32_t seed = (uint32_t)rand() | 1, state = seed;
	unsigned loaded = 0, overwritten = 0;
	for (unsigned m = 0; m < MUTATIONS; m++) {
		unsigned which = m & 1;
		size_t size = sizes[which];
		memcpy(bad, images[which], size);
		for (unsigned b = 0; b < MUTATED_BYTES; b++) {
			uint32_t r = test_random_next(&state);
			/* mostly the first 256 bytes: the ELF and Multiboot headers */
			size_t off = (r & 1) ? (r >> 8) % 256 % size : (r >> 8) % size;
			bad[off] = (uint8_t)(test_random_next(&state));
		}
		struct multiboot_placed p;
		char err[320];
		loaded += place(ram, bad, size, "k", "mod", &p, err, sizeof err) == 0;
		for (size_t a = USABLE; a < RAM; a++)
			if (ram[a] != GARBAGE) {
				overwritten++;
				break;
			}
	}
	if (overwritten)
		fprintf(stderr, "\n    seed %u: %u images wrote past the usable RAM\n", seed,
			overwritten);
	CU_ASSERT_EQUAL(overwritten, 0);
	CU_ASSERT(loaded > 0 && loaded < MUTATIONS);   /* both outcomes were seen */
	free(bad);
	free(ram);
	free(images[0]);
	free(images[1]);
}

static CU_TestInfo tests[] = {
	{ "an ELF kernel lands at its segments, bss zeroed", test_an_elf_kernel_is_loaded_at_its_segments_with_the_bss_zeroed },
	{ "an a.out-kludge image lands at load_addr", test_an_aout_kludge_image_is_loaded_at_load_addr_and_entered_at_entry_addr },
	{ "the information: memory, cmdline, module, map", test_the_information_structure_has_memory_cmdline_module_and_map },
	{ "bad images are refused naming the field", test_bad_images_are_refused_naming_the_field },
	{ "mutated images never write past the usable RAM", test_mutated_images_never_write_past_the_usable_ram },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_kvm_multiboot_loader = { "kvm: Multiboot loader (no KVM)", NULL, NULL, NULL,
					    NULL, tests };
