/* test_check_kernel.c — the Linux loader as an untrusted surface (issue 15;
 * Lab 10, kvm-backend/linux/, kvm-backend/README.md "Checking a kernel").
 * (1) Hostile payload headers -- a .lzma header declaring a 4 GiB
 * dictionary, an xz block header declaring one, a zstd frame declaring a
 * 2 GiB window -- inside a minimal bzImage give one error naming the field
 * and value, and allocate nothing large (checked under an address-space
 * limit where the build allows one); the limit follows guest memory.
 * (2) `traplab kvm --check-kernel`, driven as a program, on Debian's kernel
 * (build/linux/vmlinuz, skipped only when absent), truncated and bad-magic
 * kernels, an over-long --append, initrds too large for guest memory or
 * for initrd_addr_max, and the hostile payloads: each its exact output and
 * exit status.  Nothing here opens /dev/kvm. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include "boot_linux.h"
#include "cli/cli_support.h"
#include "common.h"
#include "support.h"

#define MiB (1024ull * 1024)
enum {
	SYN_PADDR = 0x1000000,          /* the synthetic vmlinux's PT_LOAD: 16 MiB */
	SYN_INIT_SIZE = 0x200000,
	SYN_CMDLINE_SIZE = 255,
	SYN_MEMORY_MIB = 32,
	SYN_SETUP_SIZE = 1024,          /* setup_sects 1: boot sector + one sector */
	SYN_PAYLOAD_OFFSET = 0x40,
	SYN_ELF_CODE = 0x1000,          /* p_offset of the one PT_LOAD */
	EXIT_DATAERR_STATUS = 65,       /* commands.h EXIT_DATAERR, as a script sees it */
	EXIT_NOINPUT_STATUS = 66,
	HEADROOM = 512 * MiB,
	DEBIAN_WAIT_MS = 60000,         /* a 60 MiB xz decompression, on a busy machine */           /* address space a child may add: far below 4 GiB */
};
#define SYN_RAM ((size_t)(SYN_MEMORY_MIB * MiB))
#define DECODER_LIMIT_MSG(limit) "the larger of 128 MiB and the " limit \
	"-byte limit on the decompressed kernel)"

static void
wr(uint8_t *p, uint64_t v, unsigned bytes)
{
	for (unsigned i = 0; i < bytes; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* A vmlinux of one PT_LOAD at 16 MiB holding `cli; hlt`. */
static size_t
syn_elf(uint8_t *out)
{
	static const uint8_t code[] = { 0xfa, 0xf4 };
	memset(out, 0, SYN_ELF_CODE + sizeof code);
	memcpy(out, "\x7f" "ELF\x02\x01\x01", 7);
	wr(out + 16, 2, 2);                     /* e_type EXEC */
	wr(out + 18, 62, 2);                    /* EM_X86_64 */
	wr(out + 20, 1, 4);
	wr(out + 24, SYN_PADDR, 8);             /* e_entry */
	wr(out + 32, 64, 8);                    /* e_phoff */
	wr(out + 52, 64, 2);
	wr(out + 54, 56, 2);                    /* e_phentsize */
	wr(out + 56, 1, 2);                     /* e_phnum */
	uint8_t *ph = out + 64;
	wr(ph, 1, 4);                           /* PT_LOAD */
	wr(ph + 8, SYN_ELF_CODE, 8);
	wr(ph + 16, SYN_PADDR, 8);
	wr(ph + 24, SYN_PADDR, 8);
	wr(ph + 32, sizeof code, 8);
	wr(ph + 40, sizeof code, 8);
	memcpy(out + SYN_ELF_CODE, code, sizeof code);
	return SYN_ELF_CODE + sizeof code;
}

/* A bzImage (protocol 2.15, 64-bit entry) around `payload`, which ends with
 * the 4-byte size_append the x86 build adds (0 here: no hint). */
static uint8_t *
syn_bzimage(const uint8_t *payload, size_t plen, size_t *size)
{
	*size = SYN_SETUP_SIZE + SYN_PAYLOAD_OFFSET + plen + 4;
	uint8_t *img = calloc(1, *size);
	CU_ASSERT_PTR_NOT_NULL_FATAL(img);
	memcpy(img + SYN_SETUP_SIZE + SYN_PAYLOAD_OFFSET, payload, plen);
	img[BP_SETUP_SECTS] = 1;
	wr(img + BP_BOOT_FLAG, 0xaa55, 2);
	img[BP_JUMP] = 0xeb, img[BP_JUMP + 1] = 0x6a;   /* the header ends at 0x26c */
	memcpy(img + BP_HEADER, "HdrS", 4);
	wr(img + BP_VERSION, 0x020f, 2);
	img[BP_LOADFLAGS] = LOADED_HIGH;
	wr(img + BP_CODE32_START, 0x100000, 4);
	wr(img + BP_INITRD_ADDR_MAX, 0x7fffffff, 4);
	wr(img + BP_KERNEL_ALIGNMENT, 0x200000, 4);
	img[BP_RELOCATABLE] = 1;
	wr(img + BP_XLOADFLAGS, XLF_KERNEL_64, 2);
	wr(img + BP_CMDLINE_SIZE, SYN_CMDLINE_SIZE, 4);
	wr(img + BP_PAYLOAD_OFFSET, SYN_PAYLOAD_OFFSET, 4);
	wr(img + BP_PAYLOAD_LENGTH, plen + 4, 4);
	wr(img + BP_PREF_ADDRESS, SYN_PADDR, 8);
	wr(img + BP_INIT_SIZE, SYN_INIT_SIZE, 4);
	return img;
}

static uint8_t *
syn_kernel(size_t *size)
{
	uint8_t elf[SYN_ELF_CODE + 16];
	return syn_bzimage(elf, syn_elf(elf), size);
}

/* ---- hostile payload headers ------------------------------------------------------ */
/* .lzma: properties 0x5d, dict_size (bytes 1-4), unknown size, then data.
 * The format is recognized by "5d 00 00", so the largest dictionary a
 * payload can declare is 0xffff0000. */
static size_t
lzma_huge_dict(uint8_t *out, uint32_t dict)
{
	memset(out, 0, 32);
	out[0] = 0x5d;
	wr(out + 1, dict, 4);
	memset(out + 5, 0xff, 8);               /* uncompressed size unknown */
	return 32;
}

/* xz: stream header (CRC32 check), then a block header whose one filter is
 * LZMA2 with properties byte 40: a dictionary of 0xffffffff bytes. */
static size_t
xz_huge_dict(uint8_t *out)
{
	static const uint8_t stream[] = { 0xfd, '7', 'z', 'X', 'Z', 0x00, 0x00, 0x01 };
	memset(out, 0, 48);
	memcpy(out, stream, sizeof stream);
	wr(out + 8, crc32(0, out + 6, 2), 4);
	uint8_t *block = out + 12;
	static const uint8_t header[] = { 0x02, 0x00, 0x21, 0x01, 40, 0x00, 0x00, 0x00 };
	memcpy(block, header, sizeof header);  /* size (2+1)*4, 1 filter, LZMA2, 1 byte of props */
	wr(block + sizeof header, crc32(0, block, sizeof header), 4);
	return 48;
}

/* zstd: a frame header whose Window_Descriptor asks 2^31 bytes (exponent
 * 21), then one empty raw last block. */
static size_t
zstd_huge_window(uint8_t *out)
{
	static const uint8_t frame[] = { 0x28, 0xb5, 0x2f, 0xfd, 0x00, 21 << 3, 0x01, 0x00, 0x00 };
	memcpy(out, frame, sizeof frame);
	return sizeof frame;
}

static const char lzma_msg_32[] = "lzma header: dictionary of 4294901760 bytes exceeds the "
	"decoder limit of 134217728 bytes (" DECODER_LIMIT_MSG("33554432");
static const char xz_msg_32[] = "xz block header: LZMA2 dictionary of 4294967295 bytes exceeds "
	"the decoder limit of 134217728 bytes (" DECODER_LIMIT_MSG("33554432");
static const char zstd_msg_32[] = "zstd frame header: window of 2147483648 bytes exceeds the "
	"decoder limit of 134217728 bytes (" DECODER_LIMIT_MSG("33554432");

/* linux_boot_build of the hostile bzImage in a guest of ram_size: the error. */
static bool
build_fails_with(const uint8_t *payload, size_t plen, size_t ram_size, const char *want)
{
	size_t size;
	uint8_t *img = syn_bzimage(payload, plen, &size);
	uint8_t *ram = calloc(1, ram_size);
	struct linux_boot lb;
	char err[320] = "";
	int rc = ram ? linux_boot_build(ram, ram_size, img, size, NULL, 0, "", &lb, err, sizeof err) : 0;
	bool same = rc == -1 && strcmp(err, want) == 0;
	if (!same)
		fprintf(stderr, "\n  got:  %s\n  want: %s\n", rc ? err : "(success)", want);
	free(ram);
	free(img);
	return same;
}

static bool
all_hostile_headers_refused(void)
{
	uint8_t p[64];
	return build_fails_with(p, lzma_huge_dict(p, 0xffff0000u), SYN_RAM, lzma_msg_32) &&
	       build_fails_with(p, xz_huge_dict(p), SYN_RAM, xz_msg_32) &&
	       build_fails_with(p, zstd_huge_window(p), SYN_RAM, zstd_msg_32);
}

static void
test_hostile_headers_name_field_and_value(void)
{
	CU_ASSERT(all_hostile_headers_refused());
}

/* The same in a child whose address space may grow by HEADROOM only: a
 * decoder that allocated what the header asks would fail differently.
 * AddressSanitizer reserves terabytes of shadow up front, so under it the
 * child runs without the limit (libFuzzer's -malloc_limit_mb covers it). */
#if defined(__SANITIZE_ADDRESS__)
enum { ADDRESS_SPACE_LIMITABLE = 0 };
#else
enum { ADDRESS_SPACE_LIMITABLE = 1 };
#endif

static unsigned long long
address_space_now(void)
{
	unsigned long long kib = 0;
	char line[256];
	FILE *f = fopen("/proc/self/status", "r");
	while (f && fgets(line, sizeof line, f))
		if (sscanf(line, "VmSize: %llu kB", &kib) == 1)
			break;
	if (f)
		fclose(f);
	return kib * 1024;
}

static void
test_hostile_headers_allocate_little(void)
{
	fflush(NULL);
	pid_t pid = fork();
	CU_ASSERT_FATAL(pid >= 0);
	if (pid == 0) {
		struct rlimit lim = { address_space_now() + HEADROOM, RLIM_INFINITY };
		lim.rlim_max = lim.rlim_cur;
		if (ADDRESS_SPACE_LIMITABLE && setrlimit(RLIMIT_AS, &lim) < 0)
			_exit(2);
		_exit(all_hostile_headers_refused() ? 0 : 1);
	}
	int st = 0;
	CU_ASSERT_EQUAL(waitpid(pid, &st, 0), pid);
	CU_ASSERT(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	if (!ADDRESS_SPACE_LIMITABLE)
		fprintf(stderr, "(no RLIMIT_AS under AddressSanitizer) ");
}

/* The limit follows guest memory: in 512 MiB, a 1 GiB dictionary is
 * refused with 512 MiB as the limit, and the zstd window of 2 GiB too. */
static void
test_limit_follows_guest_memory(void)
{
	uint8_t p[64];
	size_t big = 512 * MiB;
	CU_ASSERT(build_fails_with(p, lzma_huge_dict(p, 0x40000000u), big,
				   "lzma header: dictionary of 1073741824 bytes exceeds the decoder "
				   "limit of 536870912 bytes (" DECODER_LIMIT_MSG("536870912")));
	CU_ASSERT(build_fails_with(p, zstd_huge_window(p), big, "zstd frame header: window of "
				   "2147483648 bytes exceeds the decoder limit of 536870912 bytes ("
				   DECODER_LIMIT_MSG("536870912")));
}

/* ---- traplab kvm --check-kernel, as a program ------------------------------------- */
static char *tmp;

static char *
tmp_path(const char *name)
{
	if (!tmp)
		tmp = cli_tempdir();
	CU_ASSERT_PTR_NOT_NULL_FATAL(tmp);
	char *path = malloc(strlen(tmp) + strlen(name) + 2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(path);
	sprintf(path, "%s/%s", tmp, name);
	return path;
}

static char *
write_tmp(const char *name, const uint8_t *data, size_t size)
{
	char *path = tmp_path(name);
	FILE *f = fopen(path, "wb");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(fwrite(data, 1, size, f), size);
	fclose(f);
	return path;
}

/* A file of `size` bytes, all holes: an initrd that costs no disk. */
static char *
sparse_tmp(const char *name, size_t size)
{
	char *path = write_tmp(name, (const uint8_t *)"", 0);
	CU_ASSERT_EQUAL(truncate(path, (off_t)size), 0);
	return path;
}

/* Run `traplab kvm --check-kernel KERNEL EXTRA...`; its status, and its whole
 * output (stdout and stderr) in *out. */
static int
check_kernel(const char *kernel, const char *const *extra, char **out)
{
	const char *args[16] = { "kvm", "--check-kernel", kernel, "--no-kernel-cache" };
	size_t n = 4;
	for (; extra && *extra && n < 15; extra++)
		args[n++] = *extra;
	args[n] = NULL;
	return cli_run(args, "", out);
}

/* The status is `status` and the output exactly "traplab kvm: KERNEL: want\n". */
static void
expect_refusal(const char *kernel, const char *const *extra, int status, const char *want)
{
	char *out = NULL, line[4608];
	int got = check_kernel(kernel, extra, &out);
	snprintf(line, sizeof line, "traplab kvm: %s: %s\n", kernel, want);
	CU_ASSERT_EQUAL(got, status);
	CU_ASSERT_STRING_EQUAL(out ? out : "", line);
	if (got != status || !out || strcmp(out, line) != 0)
		fprintf(stderr, "\n  status %d, got:  %s  want: %s", got, out ? out : "", line);
	free(out);
}

static const char *const no_extra[] = { NULL };

static void
test_cli_synthetic_layout(void)
{
	size_t size;
	uint8_t *img = syn_kernel(&size);
	char *kernel = write_tmp("syn.bzImage", img, size), *out = NULL;
	const char *const extra[] = { "--memory=32", "--append=console=ttyS0 quiet", NULL };
	CU_ASSERT_EQUAL(check_kernel(kernel, extra, &out), 0);
	char first[4200];
	snprintf(first, sizeof first, "%s: loads into 32 MiB of guest memory (checked without "
		 "/dev/kvm)\n", kernel);
	static const char *const lines[] = {
		"  protocol version   2.15 (0x020f)\n",
		"  kernel_version     (none)\n",
		"  payload            ELF, 4102 bytes at 0x440 in the file, 4102 bytes decompressed "
		"(vmlinux ELF)\n",      /* an uncompressed payload is copied, size_append too */
		"  cmdline_size       255 bytes\n",
		"  0x00007000 - 0x00007fff         4096  zero page (struct boot_params); RSI at entry\n",
		"  0x00020000 - 0x00020013           20  command line: 19 of cmdline_size 255 bytes, "
		"and its NUL\n",
		"  0x000f0000 - 0x000f00ef          240  MP table: 1 CPU, ISA bus, IOAPIC 0xfec00000, "
		"LAPIC 0xfee00000\n",
		"  0x01000000 - 0x01000001            2  kernel: 1 PT_LOAD segment, entered at 0x1000000\n",
		"  rip 0x1000000  rsi 0x7000  rsp 0x8ff0  cr0 0x80000011  cr3 0x9000  cr4 0x20  "
		"efer 0x500  cs 0x10  ds 0x18\n",
		"  0x0000000000100000 - 0x0000000001ffffff  usable\n",
		"command line at 0x20000\n  console=ttyS0 quiet\n",
		"\nno initrd (--initrd=FILE adds one)\n",
	};
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	CU_ASSERT_EQUAL(strncmp(out, first, strlen(first)), 0);
	for (size_t i = 0; i < ARRAY_SIZE(lines); i++) {
		CU_ASSERT_PTR_NOT_NULL(strstr(out, lines[i]));
		if (!strstr(out, lines[i]))
			fprintf(stderr, "\n  missing: %s", lines[i]);
	}
	free(out);
	free(kernel);
	free(img);
}

static void
test_cli_bad_kernels(void)
{
	size_t size;
	uint8_t *img = syn_kernel(&size);
	char *kernel = write_tmp("truncated.bzImage", img, size - 100), msg[320];
	snprintf(msg, sizeof msg, "payload_offset 0x40 + payload_length 0x%zx at 0x248 do not fit in "
		 "the %zu-byte file (kernel code starts at 0x400): truncated or not a bzImage",
		 size - SYN_SETUP_SIZE - SYN_PAYLOAD_OFFSET, size - 100);
	expect_refusal(kernel, no_extra, EXIT_DATAERR_STATUS, msg);
	free(kernel);
	kernel = write_tmp("short.bzImage", img, 300);
	expect_refusal(kernel, no_extra, EXIT_DATAERR_STATUS, "not a bzImage: file is 300 bytes, "
		       "shorter than its 512-byte boot sector");
	free(kernel);
	wr(img + BP_BOOT_FLAG, 0x1234, 2);
	kernel = write_tmp("bootflag.bzImage", img, size);
	expect_refusal(kernel, no_extra, EXIT_DATAERR_STATUS,
		       "not a bzImage: boot_flag at 0x1fe is 0x1234, expected 0xaa55");
	free(kernel);
	wr(img + BP_BOOT_FLAG, 0xaa55, 2);
	memcpy(img + BP_HEADER, "HdrX", 4);
	kernel = write_tmp("magic.bzImage", img, size);
	expect_refusal(kernel, no_extra, EXIT_DATAERR_STATUS, "not a bzImage: header at 0x202 is "
		       "0x58726448, expected 0x53726448 (\"HdrS\")");
	free(kernel);
	kernel = tmp_path("absent.bzImage");
	expect_refusal(kernel, no_extra, EXIT_NOINPUT_STATUS, "No such file or directory");
	free(kernel);
	free(img);
}

static void
test_cli_append_longer_than_cmdline_size(void)
{
	size_t size;
	uint8_t *img = syn_kernel(&size);
	char *kernel = write_tmp("append.bzImage", img, size);
	char append[16 + SYN_CMDLINE_SIZE + 1] = "--append=";
	memset(append + strlen(append), 'a', SYN_CMDLINE_SIZE + 1);
	const char *const extra[] = { "--memory=32", append, NULL };
	expect_refusal(kernel, extra, EXIT_DATAERR_STATUS,
		       "command line is 256 bytes, longer than the kernel's cmdline_size 255");
	append[strlen(append) - 1] = '\0';     /* exactly cmdline_size: accepted */
	char *out = NULL;
	CU_ASSERT_EQUAL(check_kernel(kernel, extra, &out), 0);
	free(out);
	free(kernel);
	free(img);
}

static void
test_cli_initrd_too_large(void)
{
	size_t size;
	uint8_t *img = syn_kernel(&size);
	char *kernel = write_tmp("initrd.bzImage", img, size), msg[4400];
	char *huge = sparse_tmp("huge.cpio", SYN_RAM + 1), arg[4200];
	snprintf(arg, sizeof arg, "--initrd=%s", huge);
	const char *const extra[] = { "--memory=32", arg, NULL };
	snprintf(msg, sizeof msg, "initrd %s: %zu bytes, more than the %zu bytes of guest memory "
		 "(32 MiB); use --memory", huge, SYN_RAM + 1, (size_t)SYN_RAM);
	expect_refusal(kernel, extra, EXIT_DATAERR_STATUS, msg);
	/* fits in memory, but not between the kernel's end (16 + 2 MiB) and 32 MiB */
	char *big = sparse_tmp("big.cpio", 20 * MiB);
	snprintf(arg, sizeof arg, "--initrd=%s", big);
	expect_refusal(kernel, extra, EXIT_DATAERR_STATUS, "initrd of 20971520 bytes does not fit "
		       "between the kernel's end 0x1200000 and 0x2000000 (min of initrd_addr_max + 1 "
		       "and guest memory); use --memory");
	/* 8 MiB would fit below 32 MiB, not below initrd_addr_max 0x17fffff */
	char *mid = sparse_tmp("mid.cpio", 8 * MiB);
	snprintf(arg, sizeof arg, "--initrd=%s", mid);
	wr(img + BP_INITRD_ADDR_MAX, 0x17fffff, 4);
	free(kernel);
	kernel = write_tmp("initrd-max.bzImage", img, size);
	expect_refusal(kernel, extra, EXIT_DATAERR_STATUS, "initrd of 8388608 bytes does not fit "
		       "between the kernel's end 0x1200000 and 0x1800000 (min of initrd_addr_max + 1 "
		       "and guest memory); use --memory");
	free(mid);
	free(big);
	free(huge);
	free(kernel);
	free(img);
}

static void
test_cli_hostile_payloads(void)
{
	uint8_t p[64];
	const char *const extra[] = { "--memory=32", NULL };
	static const char *const names[] = { "lzma.bzImage", "xz.bzImage", "zstd.bzImage" };
	const char *const msgs[] = { lzma_msg_32, xz_msg_32, zstd_msg_32 };
	for (int i = 0; i < 3; i++) {
		size_t plen = i == 0 ? lzma_huge_dict(p, 0xffff0000u) : i == 1 ? xz_huge_dict(p)
									: zstd_huge_window(p), size;
		uint8_t *img = syn_bzimage(p, plen, &size);
		char *kernel = write_tmp(names[i], img, size);
		expect_refusal(kernel, extra, EXIT_DATAERR_STATUS, msgs[i]);
		free(kernel);
		free(img);
	}
}

/* ---- Debian's kernel ------------------------------------------------------------------ */
static void
test_cli_debian_kernel(void)
{
	char path[4200];
	const char *env = getenv("TRAPLAB_VMLINUZ");
	snprintf(path, sizeof path, "%s/build/linux/vmlinuz", test_top());
	if (env)
		snprintf(path, sizeof path, "%s", env);
	size_t size;
	uint8_t *real = (uint8_t *)test_read_file(path, &size);
	if (!real) {
		TEST_SKIP("%.400s is missing: `make linux` fetches Debian's kernel", path);
		return;
	}
	/* what the header says, read here independently of bzimage.c */
	unsigned version_at = 0x200u + real[0x20e] + (real[0x20f] << 8);
	unsigned setup = (real[BP_SETUP_SECTS] + 1u) * 512;
	uint32_t poff, plen;
	memcpy(&poff, real + BP_PAYLOAD_OFFSET, 4);
	memcpy(&plen, real + BP_PAYLOAD_LENGTH, 4);
	char want[3][512], first[4400];
	snprintf(first, sizeof first, "%s: loads into 256 MiB of guest memory (checked without "
		 "/dev/kvm)\n", path);
	snprintf(want[0], sizeof want[0], "  kernel_version     %.200s\n", (char *)real + version_at);
	snprintf(want[1], sizeof want[1], "  payload            xz, %u bytes at 0x%x in the file, ",
		 plen, setup + poff);
	static const char append[] = "console=ttyS0 quiet";
	snprintf(want[2], sizeof want[2], "  0x%08x - 0x%08zx %12zu  command line: %zu of "
		 "cmdline_size 2047 bytes, and its NUL\n", LINUX_CMDLINE_ADDR,
		 LINUX_CMDLINE_ADDR + strlen(append), strlen(append) + 1, strlen(append));
	/* decompressing 60 MiB takes seconds on a loaded machine: more than
	 * cli_run's wait, so the end of the output is awaited here */
	const char *const args[] = { "kvm", "--check-kernel", path, "--no-kernel-cache",
				     "--append=console=ttyS0 quiet", NULL };
	struct cli_proc p;
	char *out = NULL;
	size_t len = 0;
	CU_ASSERT_EQUAL_FATAL(cli_spawn(&p, args), 0);
	CU_ASSERT(cli_read_until(&p, &out, &len, "adds one)\n", DEBIAN_WAIT_MS));
	CU_ASSERT_EQUAL(cli_finish(&p, &out, &len), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	CU_ASSERT_EQUAL(strncmp(out, first, strlen(first)), 0);
	for (int i = 0; i < 3; i++)
		CU_ASSERT_PTR_NOT_NULL(strstr(out, want[i]));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "  protocol version   2.15 (0x020f)\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "  rip 0x1000000  rsi 0x7000  rsp 0x8ff0"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "  0x0000000000100000 - 0x000000000fffffff  usable\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\ncommand line at 0x20000\n  console=ttyS0 quiet\n"));
	free(out);
	/* truncated inside the payload */
	char *cut = write_tmp("vmlinuz-cut", real, 4 * MiB);
	char msg[512];
	snprintf(msg, sizeof msg, "payload_offset 0x%x + payload_length 0x%x at 0x248 do not fit in "
		 "the %llu-byte file (kernel code starts at 0x%x): truncated or not a bzImage", poff,
		 plen, 4 * MiB, setup);
	expect_refusal(cut, no_extra, EXIT_DATAERR_STATUS, msg);
	free(cut);
	free(real);
}

static void
test_cli_help_names_check_kernel(void)
{
	const char *args[] = { "kvm", "--help", NULL };
	char *out = NULL;
	CU_ASSERT_EQUAL(cli_run(args, "", &out), 0);
	CU_ASSERT_PTR_NOT_NULL(out && strstr(out, "    traplab kvm --check-kernel=FILE [--initrd=FILE] [--append=ARGS]"));
	CU_ASSERT_PTR_NOT_NULL(out && strstr(out, "    --check-kernel=FILE  load the bzImage FILE"));
	free(out);
}

static int
clean_up(void)
{
	if (tmp)
		cli_rmtree(tmp);
	free(tmp);
	tmp = NULL;
	return 0;
}

static CU_TestInfo tests[] = {
	{ "hostile lzma/xz/zstd headers: one error naming field and value",
	  test_hostile_headers_name_field_and_value },
	{ "hostile headers allocate nothing large (RLIMIT_AS)", test_hostile_headers_allocate_little },
	{ "the decoder limit follows guest memory", test_limit_follows_guest_memory },
	{ "--check-kernel: synthetic kernel's layout", test_cli_synthetic_layout },
	{ "--check-kernel: truncated, bad magic, missing: 65/66", test_cli_bad_kernels },
	{ "--check-kernel: --append over cmdline_size", test_cli_append_longer_than_cmdline_size },
	{ "--check-kernel: initrd over memory or initrd_addr_max", test_cli_initrd_too_large },
	{ "--check-kernel: hostile lzma/xz/zstd payloads", test_cli_hostile_payloads },
	{ "--check-kernel: Debian's kernel", test_cli_debian_kernel },
	{ "--check-kernel: in traplab kvm --help", test_cli_help_names_check_kernel },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_kvm_check_kernel = { "kvm: --check-kernel and hostile payloads (no /dev/kvm)",
					NULL, clean_up, NULL, NULL, tests };
