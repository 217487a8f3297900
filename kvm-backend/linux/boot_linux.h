/* boot_linux.h — the parts of kvm_guest_load_linux (kvm.h) that need no
 * /dev/kvm: bzImage setup header (bzimage.c), payload decompression
 * (decompress.c) and its cache (kernel_cache.c), vmlinux ELF loading
 * (vmlinux.c), the zero page, e820,
 * page tables and 64-bit entry state (zeropage.c) and the MP table
 * (mptable.c).  Linux's
 * Documentation/arch/x86/boot.rst is the contract; kvm-backend/README.md
 * "Linux" walks through it.  Tests drive these on a plain RAM buffer. */
#ifndef TRAPLAB_BOOT_LINUX_H
#define TRAPLAB_BOOT_LINUX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/kvm.h>

/* ---- guest-physical layout (kvm-backend/README.md "Linux") ---------------------- */
enum {
	LINUX_GDT_ADDR      = 0x500,     /* null, null, code 0x10, data 0x18 */
	LINUX_ZERO_PAGE     = 0x7000,    /* struct boot_params, 4 KiB */
	LINUX_STACK_TOP     = 0x8ff0,    /* RSP at entry (startup_64 sets its own) */
	LINUX_PML4_ADDR     = 0x9000,    /* PML4, PDPT at 0xa000, four PDs at 0xb000.. */
	LINUX_PDPT_ADDR     = 0xa000,
	LINUX_PD_ADDR       = 0xb000,    /* 4 x 512 x 2 MiB = identity map of 0..4 GiB */
	LINUX_CMDLINE_ADDR  = 0x20000,
	LINUX_CMDLINE_MAX   = 0x7f000,   /* 0x20000..0x9f000, below the EBDA hole */
	LINUX_MPTABLE_ADDR  = 0xf0000,   /* the MP table, where Linux scans the BIOS area */
	LINUX_KERNEL_MIN    = 0x100000,  /* PT_LOADs may not go below 1 MiB */
	LINUX_BOOT_CS       = 0x10,      /* Linux's __BOOT_CS / __BOOT_DS */
	LINUX_BOOT_DS       = 0x18,
};
#define LINUX_MMIO_HOLE 0xc0000000ull  /* guest RAM must end below (IOAPIC, LAPIC) */

/* ---- zero page (struct boot_params) offsets, boot.rst / KVM-NOTES §3.2 ---------- */
enum {
	BP_EXT_RAMDISK_IMAGE = 0x0c0, BP_EXT_RAMDISK_SIZE = 0x0c4, BP_EXT_CMD_LINE_PTR = 0x0c8,
	BP_E820_ENTRIES = 0x1e8, BP_SENTINEL = 0x1ef,
	BP_SETUP_SECTS = 0x1f1, BP_VID_MODE = 0x1fa, BP_BOOT_FLAG = 0x1fe, BP_JUMP = 0x200,
	BP_HEADER = 0x202, BP_VERSION = 0x206, BP_TYPE_OF_LOADER = 0x210, BP_LOADFLAGS = 0x211,
	BP_CODE32_START = 0x214, BP_RAMDISK_IMAGE = 0x218, BP_RAMDISK_SIZE = 0x21c,
	BP_HEAP_END_PTR = 0x224, BP_CMD_LINE_PTR = 0x228, BP_INITRD_ADDR_MAX = 0x22c,
	BP_KERNEL_ALIGNMENT = 0x230, BP_RELOCATABLE = 0x234, BP_XLOADFLAGS = 0x236,
	BP_CMDLINE_SIZE = 0x238, BP_PAYLOAD_OFFSET = 0x248, BP_PAYLOAD_LENGTH = 0x24c,
	BP_PREF_ADDRESS = 0x258, BP_INIT_SIZE = 0x260, BP_HDR_LIMIT = 0x290,
	BP_E820_TABLE = 0x2d0, BP_E820_MAX = 128,
};
enum { LOADED_HIGH = 0x01, CAN_USE_HEAP = 0x80, XLF_KERNEL_64 = 0x01 };

/* ---- the setup header, as parsed (bzimage.c) ---------------------------------- */
struct bzimage {
	unsigned setup_sects;           /* as in the file (0 stays 0) */
	size_t setup_size;              /* (setup_sects or 4, + 1) * 512: where the pm code starts */
	size_t hdr_end;                 /* 0x202 + byte at 0x201: end of the setup header */
	uint16_t version;               /* 0x020f is 2.15 */
	uint8_t loadflags, relocatable;
	uint16_t xloadflags;
	uint32_t code32_start, initrd_addr_max, kernel_alignment, cmdline_size;
	uint32_t payload_offset, payload_length, init_size;
	uint64_t pref_address;
	const uint8_t *payload;         /* points into the image */
};
/* 0, or -1 with err naming the field, its offset and value. */
int bzimage_parse(const uint8_t *img, size_t size, struct bzimage *bz, char *err, size_t errlen);
/* The kernel_version string of a parsed image ("6.1.0-57-amd64 (...) #1 SMP
 * ..."), "" if it has none inside the setup code; non-ASCII bytes as '?'. */
void bzimage_kernel_version(const uint8_t *img, const struct bzimage *bz, char *out,
			    size_t outlen);

/* ---- the payload (decompress.c) ----------------------------------------------- */
/* The compression the payload's magic names ("xz", "gzip", ..., "ELF" if none). */
const char *bzimage_payload_format(const uint8_t *p, size_t n);
/* Decompress into a malloc'd buffer (xz, lzma, gzip, zstd; an uncompressed
 * ELF is copied).  At most `limit` bytes of output.  0 or -1 with err. */
int bzimage_decompress(const uint8_t *p, size_t n, size_t limit, uint8_t **out, size_t *outlen,
		       char *err, size_t errlen);

/* ---- the decompressed-kernel cache (kernel_cache.c) --------------------------- */
enum { KERNEL_CACHE_PATH_MAX = 4096, KERNEL_CACHE_NOTICE_MAX = KERNEL_CACHE_PATH_MAX + 128 };
enum kernel_cache_outcome {
	KERNEL_CACHE_OFF,               /* not asked for, or no directory to keep it in */
	KERNEL_CACHE_HIT,               /* the vmlinux came from the cache, checked */
	KERNEL_CACHE_MISS,              /* decompressed; stored if the directory allowed */
};
struct kernel_cache {
	bool off;                       /* in: --no-kernel-cache, decompress and touch nothing */
	const char *dir;                /* in: NULL for kernel_cache_dir() */
	enum kernel_cache_outcome outcome;      /* out */
	bool stored;                    /* out: a miss whose entry was written */
	char path[KERNEL_CACHE_PATH_MAX];       /* out: the entry's file, "" if none */
	char notice[KERNEL_CACHE_NOTICE_MAX];   /* out: one line, or "": an entry ignored, and why */
	void *mapping;                  /* private: a hit's entry, mapped */
	size_t mapping_size;
};
/* Where the cache lives: $TRAPLAB_CACHE_DIR, else $XDG_CACHE_HOME/traplab,
 * else $HOME/.cache/traplab.  0, or -1 if none of them is set. */
int kernel_cache_dir(char *out, size_t len);
/* bzimage_decompress of bz's payload, through the cache when kc is not NULL
 * and not off.  Cache failures are not errors: -1 only if decompression fails. */
int kernel_cache_decompress(const struct bzimage *bz, size_t limit, struct kernel_cache *kc,
			    uint8_t **out, size_t *outlen, char *err, size_t errlen);
/* Give back what kernel_cache_decompress (or linux_kernel_image) returned:
 * a hit is the cache entry mapped read-only, anything else malloc'd. */
void kernel_cache_release(struct kernel_cache *kc, uint8_t *image);

/* ---- the vmlinux ELF (vmlinux.c) ---------------------------------------------- */
struct vmlinux {
	uint64_t start, end;            /* physical extent of the PT_LOADs, [start, end) */
	uint64_t entry;                 /* physical 64-bit entry (phys_startup_64) */
	unsigned segments;
};
/* Check the ELF and (if ram != NULL) copy its PT_LOADs to their p_paddr. */
int vmlinux_load(const uint8_t *elf, size_t size, uint8_t *ram, size_t ram_size,
		 struct vmlinux *vm, char *err, size_t errlen);

/* Store v little-endian in `bytes` bytes (x86 structures in guest memory). */
static inline void
linux_put_le(uint8_t *p, uint64_t v, unsigned bytes)
{
	for (unsigned i = 0; i < bytes; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* mptable.c: an MP 1.4 table at LINUX_MPTABLE_ADDR naming the IOAPIC, so Linux
 * routes ISA interrupts through it.  Returns its size, or 0 if RAM is too small. */
size_t linux_mptable_write(uint8_t *ram, size_t ram_size);

/* ---- the e820 map we hand the kernel ------------------------------------------ */
struct linux_e820_entry {
	uint64_t addr, size;
	uint32_t type;                  /* 1 RAM ("usable"), 2 reserved */
};
enum { LINUX_E820_RAM = 1, LINUX_E820_RESERVED = 2, LINUX_E820_COUNT = 3 };
/* RAM [0, 0x9fc00), reserved [0x9fc00, 1 MiB), RAM [1 MiB, ram_size).  Returns the count. */
size_t linux_e820_layout(uint64_t ram_size, struct linux_e820_entry *out, size_t max);

/* ---- everything together, on a RAM buffer (boot_linux.c) ---------------------- */
enum { LINUX_KERNEL_VERSION_MAX = 160 };
struct linux_boot {
	struct bzimage bz;
	char kernel_version[LINUX_KERNEL_VERSION_MAX];  /* bzimage_kernel_version */
	const char *payload_format;         /* "xz", ... (bzimage_payload_format) */
	size_t vmlinux_size;                /* the payload decompressed: the ELF's bytes */
	struct vmlinux vmlinux;
	uint64_t kernel_end;                /* max(PT_LOADs' end, start + init_size) */
	uint64_t initrd_addr, initrd_size;  /* 0, 0 without an initrd */
	size_t cmdline_len;
	struct linux_e820_entry e820[LINUX_E820_COUNT];
	size_t e820_count;
	size_t mptable_size;                /* bytes at LINUX_MPTABLE_ADDR */
};
/* Parse, decompress, load the kernel (and initrd), write zero page, command
 * line, GDT and page tables into `ram`.  0, or -1 with err. */
int linux_boot_build(uint8_t *ram, size_t ram_size, const uint8_t *kernel, size_t kernel_size,
		     const uint8_t *initrd, size_t initrd_size, const char *cmdline,
		     struct linux_boot *lb, char *err, size_t errlen);
/* The same, its payload decompressed through the cache `kc` (NULL: no cache). */
int linux_boot_build_cached(uint8_t *ram, size_t ram_size, const uint8_t *kernel,
			    size_t kernel_size, const uint8_t *initrd, size_t initrd_size,
			    const char *cmdline, struct kernel_cache *kc, struct linux_boot *lb,
			    char *err, size_t errlen);
/* A bzImage to its vmlinux ELF (kernel_cache_release gives it back), through
 * the cache `kc` (NULL: none): the step of linux_boot_build that the cache
 * saves.  0, or -1 with err. */
int linux_kernel_image(const uint8_t *kernel, size_t kernel_size, struct kernel_cache *kc,
		       uint8_t **elf, size_t *elf_size, char *err, size_t errlen);
/* The kernel and initrd files of `lc` (kvm.h) read and linux_boot_build_cached
 * into `ram`: a VM's memory, or any buffer (`traplab kvm --check-kernel`
 * needs no /dev/kvm).  Errors start with the file at fault ("initrd PATH:
 * ..."), a kernel's do not repeat its path.  0, or -1 with err. */
struct kvm_linux_config;
int linux_boot_files(uint8_t *ram, size_t ram_size, const struct kvm_linux_config *lc,
		     struct linux_boot *lb, char *err, size_t errlen);
/* The 64-bit entry state (KVM-NOTES §3.3) over `sregs` as KVM_GET_SREGS gave it. */
void linux_boot_entry_state(const struct linux_boot *lb, struct kvm_regs *regs,
			    struct kvm_sregs *sregs);

#endif
