/* fuzz_kernel.c — libFuzzer target (issue 15; Lab 10): any bytes as a Linux
 * kernel image, through the path `traplab kvm --check-kernel` and `--linux`
 * take -- setup header (bzimage.c), payload decompressed (decompress.c:
 * xz, lzma, gzip, zstd or a raw ELF), vmlinux loaded (vmlinux.c), zero
 * page, e820, command line, initrd, page tables, MP table (zeropage.c,
 * mptable.c) and the entry registers -- on a plain buffer of 16-64 MiB, no
 * files, no cache, no /dev/kvm.  Checks: no crash, no leak, no sanitizer
 * report, no allocation beyond the decoder limit (run with
 * -malloc_limit_mb=256: the limit is at most 128 MiB plus liblzma's state
 * for these guests), and a kernel that loads lies inside guest memory.
 *
 * An input is the kernel image, whole -- so any bzImage is a seed
 * (tests/fuzz/corpus/kernel/) -- unless it ends with an 8-byte trailer
 *   "TLKF", memory byte, command-line byte, initrd length (2 bytes, LE)
 * which picks the guest's memory (16 + byte % 49 MiB), a command line of
 * 2 * byte 'x's (past a kernel's cmdline_size of 255 too) and takes the
 * initrd from the bytes just before the trailer. */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "boot_linux.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FUZZ_KERNEL_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) && !defined(FUZZ_KERNEL_ASAN)
#define FUZZ_KERNEL_ASAN 1
#endif
#ifdef FUZZ_KERNEL_ASAN
#include <sanitizer/asan_interface.h>
#else
#define ASAN_POISON_MEMORY_REGION(addr, size) ((void)(addr), (void)(size))
#define ASAN_UNPOISON_MEMORY_REGION(addr, size) ((void)(addr), (void)(size))
#endif

#define MiB (1024u * 1024)
enum {
	FUZZ_MIN_MIB = 16,
	FUZZ_MAX_MIB = 64,
	FUZZ_DEFAULT_MIB = 32,
	TRAILER_SIZE = 8,
	CMDLINE_PER_UNIT = 2,
	CMDLINE_MAX = 255 * CMDLINE_PER_UNIT,
};
static const char trailer_magic[4] = { 'T', 'L', 'K', 'F' };
static const char default_cmdline[] = "console=ttyS0 nokaslr";

struct fuzz_input {
	const uint8_t *kernel, *initrd;     /* initrd NULL: none */
	size_t kernel_size, initrd_size;
	size_t ram_size;
	char cmdline[CMDLINE_MAX + 1];
};

static void
split_input(const uint8_t *data, size_t size, struct fuzz_input *in)
{
	memset(in, 0, sizeof *in);
	in->kernel = data;
	in->kernel_size = size;
	in->ram_size = (size_t)FUZZ_DEFAULT_MIB * MiB;
	memcpy(in->cmdline, default_cmdline, sizeof default_cmdline);
	if (size < TRAILER_SIZE || memcmp(data + size - TRAILER_SIZE, trailer_magic,
					  sizeof trailer_magic) != 0)
		return;
	const uint8_t *t = data + size - TRAILER_SIZE + sizeof trailer_magic;
	in->ram_size = (size_t)(FUZZ_MIN_MIB + t[0] % (FUZZ_MAX_MIB - FUZZ_MIN_MIB + 1)) * MiB;
	size_t cmdline_len = (size_t)t[1] * CMDLINE_PER_UNIT;
	memset(in->cmdline, 'x', cmdline_len);
	in->cmdline[cmdline_len] = '\0';
	size_t initrd_size = (size_t)t[2] | (size_t)t[3] << 8, body = size - TRAILER_SIZE;
	if (initrd_size > body)
		initrd_size = body;
	in->kernel_size = body - initrd_size;
	in->initrd = data + in->kernel_size;
	in->initrd_size = initrd_size;
}

/* What a kernel that loaded must satisfy, or the loader let a hostile image
 * place something outside the guest. */
static void
check_loaded(const struct linux_boot *lb, size_t ram_size)
{
	struct kvm_regs regs;
	struct kvm_sregs sregs;
	memset(&sregs, 0, sizeof sregs);
	linux_boot_entry_state(lb, &regs, &sregs);
	if (lb->vmlinux.start < LINUX_KERNEL_MIN || lb->vmlinux.end > ram_size ||
	    lb->kernel_end > ram_size || regs.rip < lb->vmlinux.start || regs.rip >= lb->vmlinux.end)
		abort();
	if (lb->initrd_size && (lb->initrd_addr < lb->kernel_end ||
				lb->initrd_addr + lb->initrd_size > ram_size))
		abort();
	if (lb->cmdline_len > lb->bz.cmdline_size || lb->e820_count != LINUX_E820_COUNT)
		abort();
}

/* Guest memory: one mapping of the largest size, made once -- a fresh
 * calloc of 32 MiB per input cost ~50 ms under ASan (shadow unpoisoned and
 * poisoned, pages faulted), 9 inputs a second.  The loader only writes
 * guest memory, never reads it, so what an earlier input left there cannot
 * change what this one does; the part past this input's guest is poisoned,
 * so a write beyond guest memory is still a sanitizer report. */
static uint8_t *
guest_memory(size_t ram_size)
{
	static uint8_t *ram;
	const size_t max = (size_t)FUZZ_MAX_MIB * MiB;
	if (!ram) {
		void *m = mmap(NULL, max, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (m == MAP_FAILED)
			abort();
		ram = m;
	}
	ASAN_UNPOISON_MEMORY_REGION(ram, ram_size);
	ASAN_POISON_MEMORY_REGION(ram + ram_size, max - ram_size);
	return ram;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in;
	split_input(data, size, &in);
	uint8_t *ram = guest_memory(in.ram_size);
	struct linux_boot lb;
	char err[512] = "";
	if (linux_boot_build(ram, in.ram_size, in.kernel, in.kernel_size, in.initrd,
			     in.initrd_size, in.cmdline, &lb, err, sizeof err) == 0)
		check_loaded(&lb, in.ram_size);
	else if (!err[0] || !memchr(err, '\0', sizeof err))
		abort();                        /* every refusal says why, in one string */
	return 0;
}
