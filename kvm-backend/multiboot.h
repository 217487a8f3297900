/* multiboot.h — Multiboot v1 (the Multiboot Specification 0.6.96), the way
 * QEMU's `-kernel` loads a test kernel such as kvm-unit-tests' x86 .flat files:
 * the header found in the image's first 8 KiB, a 32-bit ELF's PT_LOAD
 * segments (or, with header flag 16, the "a.out kludge" addresses), the bss
 * zeroed, and after the image the modules and the information structure.
 * Lab 10; kvm-backend/KVM-NOTES.md §3.10 has the facts and their sources.
 *
 * The placement works on plain memory (no /dev/kvm), so the loader's checks
 * of hostile images are tested on any machine (tests/kvm/test_multiboot.c);
 * kvm_guest_load_multiboot (kvm.h) adds the entry state.
 */
#ifndef TRAPLAB_MULTIBOOT_H
#define TRAPLAB_MULTIBOOT_H

#include <stddef.h>
#include <stdint.h>

#include "kvm.h"

/* Spec §3.1.1, §3.2: the header's magic, and EAX's at entry. */
#define MULTIBOOT_HEADER_MAGIC     0x1badb002u
#define MULTIBOOT_BOOTLOADER_MAGIC 0x2badb002u
enum {
	MULTIBOOT_SEARCH = 8192,            /* §3.1.1: the header lies in the first 8 KiB, */
	MULTIBOOT_ALIGN = 4,                /* 32-bit aligned */
	MULTIBOOT_FLAG_PAGE_ALIGN = 1 << 0, /* modules on 4 KiB boundaries */
	MULTIBOOT_FLAG_MEMORY = 1 << 1,     /* mem_* and mmap_* wanted */
	MULTIBOOT_FLAG_VIDEO = 1 << 2,      /* a video mode wanted: QEMU ignores it, so do we */
	MULTIBOOT_FLAG_AOUT_KLUDGE = 1 << 16,   /* the address fields are valid */
	MULTIBOOT_REQUIRED_KNOWN = 0x7,     /* bits 0-15 a loader must understand (§3.1.2) */
	MULTIBOOT_REQUIRED_MASK = 0xffff,
};
/* The information structure's flags (§3.3): which fields are valid. */
enum {
	MBI_MEMORY = 1 << 0, MBI_BOOT_DEVICE = 1 << 1, MBI_CMDLINE = 1 << 2, MBI_MODS = 1 << 3,
	MBI_MMAP = 1 << 6, MBI_LOADER_NAME = 1 << 9,
};
/* Where everything went. */
struct multiboot_placed {
	uint32_t entry;             /* EIP */
	uint32_t info;              /* EBX: the information structure */
	uint32_t image_start, image_end;   /* [start, end): the image and its bss */
	uint32_t module_start, module_end; /* the --initrd module (0, 0: none) */
	uint32_t end;               /* the first byte past everything we wrote */
};
/* Load the image in mc into `ram` (ram_size bytes, of which the first
 * `usable` may be used: the rest holds the GDT) and build the information
 * structure.  0, or -1 with the field and value in err; nothing is written
 * outside [0, usable). */
int multiboot_place(uint8_t *ram, size_t ram_size, size_t usable,
		    const struct kvm_multiboot_config *mc, struct multiboot_placed *out,
		    char *err, size_t errlen);

#endif /* TRAPLAB_MULTIBOOT_H */
