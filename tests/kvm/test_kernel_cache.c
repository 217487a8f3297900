/* test_kernel_cache.c — the decompressed-kernel cache of `traplab kvm
 * --linux` (kvm-backend/linux/kernel_cache.c; issue 13 "Boot speed"; Lab 10),
 * through linux_kernel_image, the loader's step from a bzImage to its vmlinux,
 * on Debian's kernel (build/linux/vmlinuz, `make linux`).  Needs no /dev/kvm,
 * so this suite is not one kvm_delegate.c sends to the SVM host.  Each test
 * has its own temporary TRAPLAB_CACHE_DIR and removes it. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "boot_linux.h"
#include "cli/cli_support.h"
#include "support.h"

enum {
	EVICT_FAKES = 6,                 /* more than the cache keeps */
	CACHE_KEEPS = 4,                 /* KERNEL_CACHE_MAX_ENTRIES, as the docs promise */
	DAY_S = 24 * 3600,
};

/* ---- the kernel, and its vmlinux decompressed without the cache, once ------------ */
static uint8_t *kernel, *plain;
static size_t kernel_size, plain_size;
static char kernel_skip[480];   /* why the tests that need the kernel skip */

static bool
have_kernel(void)
{
	if (plain)
		return true;
	if (kernel_skip[0])
		return false;
	char path[4096];
	const char *env = getenv("TRAPLAB_VMLINUZ");
	snprintf(path, sizeof path, "%s", env ? env : "");
	if (!env)
		snprintf(path, sizeof path, "%s/build/linux/vmlinuz", test_top());
	char err[512];
	kernel = (uint8_t *)test_read_file(path, &kernel_size);
	if (!kernel)
		snprintf(kernel_skip, sizeof kernel_skip, "%.300s is missing (make linux)", path);
	else if (linux_kernel_image(kernel, kernel_size, NULL, &plain, &plain_size, err,
				    sizeof err) < 0)
		snprintf(kernel_skip, sizeof kernel_skip, "%.200s does not decompress: %.250s", path, err);
	return plain != NULL;
}

/* ---- a temporary cache directory per test ------------------------------------------ */
struct sandbox {
	char *top;                       /* cli_tempdir's, removed at the end */
	char dir[4200];                  /* top/cache/traplab: not there until the cache makes it */
	char *saved[3];                  /* TRAPLAB_CACHE_DIR, XDG_CACHE_HOME, HOME as they were */
};
static const char *const cache_env[] = { "TRAPLAB_CACHE_DIR", "XDG_CACHE_HOME", "HOME" };

static bool
sandbox_open(struct sandbox *s)
{
	s->top = cli_tempdir();
	if (!s->top) {
		CU_FAIL("cli_tempdir");
		return false;
	}
	snprintf(s->dir, sizeof s->dir, "%s/cache/traplab", s->top);
	for (size_t i = 0; i < 3; i++) {
		const char *v = getenv(cache_env[i]);
		s->saved[i] = v ? strdup(v) : NULL;
	}
	setenv("TRAPLAB_CACHE_DIR", s->dir, 1);
	return true;
}

/* The kernel the tests load (else SKIPPED, said once per test), and a sandbox. */
static bool
kernel_and_sandbox(struct sandbox *s)
{
	if (!have_kernel()) {
		TEST_SKIP("%.480s", kernel_skip);
		return false;
	}
	return sandbox_open(s);
}

static void
sandbox_close(struct sandbox *s)
{
	for (size_t i = 0; i < 3; i++) {
		if (s->saved[i])
			setenv(cache_env[i], s->saved[i], 1);
		else
			unsetenv(cache_env[i]);
		free(s->saved[i]);
	}
	cli_rmtree(s->top);
	CU_ASSERT_NOT_EQUAL(access(s->top, F_OK), 0);
	free(s->top);
}

/* One load through the cache: its vmlinux must be the plain one, whatever the cache did. */
static enum kernel_cache_outcome
load(struct kernel_cache *kc)
{
	uint8_t *elf = NULL;
	size_t size = 0;
	char err[512] = "";
	int rc = linux_kernel_image(kernel, kernel_size, kc, &elf, &size, err, sizeof err);
	CU_ASSERT_EQUAL(rc, 0);
	if (rc < 0)
		fprintf(stderr, "\n  linux_kernel_image: %s\n", err);
	CU_ASSERT_EQUAL(size, plain_size);
	CU_ASSERT(elf && size == plain_size && memcmp(elf, plain, size) == 0);
	kernel_cache_release(kc, elf);
	return kc->outcome;
}

static off_t
file_size(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? st.st_size : -1;
}

/* ------------------------------------------------------------------------------------ */

static void
test_miss_then_hit(void)
{
	struct sandbox s;
	if (!kernel_and_sandbox(&s))
		return;
	struct kernel_cache kc = { 0 };
	CU_ASSERT_EQUAL(load(&kc), KERNEL_CACHE_MISS);
	CU_ASSERT(kc.stored);
	CU_ASSERT_STRING_EQUAL(kc.notice, "");
	/* the entry is in the directory the environment named, made 0700 */
	CU_ASSERT_EQUAL(strncmp(kc.path, s.dir, strlen(s.dir)), 0);
	CU_ASSERT(file_size(kc.path) > (off_t)plain_size);
	struct stat st;
	CU_ASSERT(stat(s.dir, &st) == 0 && (st.st_mode & 0777) == 0700);

	struct kernel_cache again = { 0 };
	CU_ASSERT_EQUAL(load(&again), KERNEL_CACHE_HIT);   /* identical bytes: load() checks */
	CU_ASSERT_STRING_EQUAL(again.path, kc.path);
	CU_ASSERT_STRING_EQUAL(again.notice, "");
	CU_ASSERT(!again.stored);
	sandbox_close(&s);
}

/* Damage the entry with `damage`; the next load must notice, not use it, and
 * store a sound one again (the load after that is a hit). */
static void
damaged_entry_is_ignored(void (*damage)(const char *path), const char *expect)
{
	struct sandbox s;
	if (!kernel_and_sandbox(&s))
		return;
	struct kernel_cache kc = { 0 };
	CU_ASSERT_EQUAL(load(&kc), KERNEL_CACHE_MISS);
	damage(kc.path);
	struct kernel_cache bad = { 0 };
	CU_ASSERT_EQUAL(load(&bad), KERNEL_CACHE_MISS);    /* load() checks the bytes */
	CU_ASSERT_PTR_NOT_NULL(strstr(bad.notice, kc.path));
	CU_ASSERT_PTR_NOT_NULL(strstr(bad.notice, expect));
	CU_ASSERT_PTR_NULL(strchr(bad.notice, '\n'));      /* one line */
	if (!strstr(bad.notice, expect))
		fprintf(stderr, "\n  notice: \"%s\", expected \"%s\" in it\n", bad.notice, expect);
	CU_ASSERT(bad.stored);
	struct kernel_cache healed = { 0 };
	CU_ASSERT_EQUAL(load(&healed), KERNEL_CACHE_HIT);
	sandbox_close(&s);
}

static void
flip_middle_byte(const char *path)
{
	int fd = open(path, O_RDWR);
	off_t mid = file_size(path) / 2;
	uint8_t b = 0;
	CU_ASSERT(fd >= 0 && pread(fd, &b, 1, mid) == 1);
	b ^= 0x40;
	CU_ASSERT(pwrite(fd, &b, 1, mid) == 1);
	close(fd);
}

static void
truncate_by_a_page(const char *path)
{
	CU_ASSERT_EQUAL(truncate(path, file_size(path) - 4096), 0);
}

static void
flip_header_byte(const char *path)
{
	int fd = open(path, O_RDWR);
	uint8_t b = 0;
	const off_t payload_sum = 24;    /* the header's payload checksum (kernel_cache.c) */
	CU_ASSERT(fd >= 0 && pread(fd, &b, 1, payload_sum) == 1);
	b ^= 1;
	CU_ASSERT(pwrite(fd, &b, 1, payload_sum) == 1);
	close(fd);
}

static void
empty_file(const char *path)
{
	CU_ASSERT_EQUAL(truncate(path, 0), 0);
}

static void
test_corrupted_entry(void)
{
	damaged_entry_is_ignored(flip_middle_byte, "checksum");
}

static void
test_truncated_entry(void)
{
	damaged_entry_is_ignored(truncate_by_a_page, "truncated");
}

static void
test_wrong_header(void)
{
	damaged_entry_is_ignored(flip_header_byte, "another payload");
	damaged_entry_is_ignored(empty_file, "shorter than its header");
}

/* No usable directory costs the cache, never the load. */
static void
test_unusable_directory_still_loads(void)
{
	struct sandbox s;
	if (!kernel_and_sandbox(&s))
		return;
	/* under a regular file: mkdir fails even for root (who may write anywhere else) */
	char file[4200], under[4300];
	snprintf(file, sizeof file, "%s/a-file", s.top);
	snprintf(under, sizeof under, "%s/cache", file);
	FILE *f = fopen(file, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fclose(f);
	setenv("TRAPLAB_CACHE_DIR", under, 1);
	struct kernel_cache kc = { 0 };
	CU_ASSERT_EQUAL(load(&kc), KERNEL_CACHE_MISS);
	CU_ASSERT(!kc.stored);
	CU_ASSERT_STRING_EQUAL(kc.notice, "");

	/* a read-only file system (procfs refuses mkdir to root too) */
	setenv("TRAPLAB_CACHE_DIR", "/proc/traplab-kernel-cache", 1);
	struct kernel_cache ro = { 0 };
	CU_ASSERT_EQUAL(load(&ro), KERNEL_CACHE_MISS);
	CU_ASSERT(!ro.stored);
	CU_ASSERT_NOT_EQUAL(access("/proc/traplab-kernel-cache", F_OK), 0);

	/* the SVM host's case: no TRAPLAB_CACHE_DIR, XDG_CACHE_HOME or HOME at all */
	unsetenv("TRAPLAB_CACHE_DIR");
	unsetenv("XDG_CACHE_HOME");
	unsetenv("HOME");
	char dir[KERNEL_CACHE_PATH_MAX];
	CU_ASSERT_EQUAL(kernel_cache_dir(dir, sizeof dir), -1);
	struct kernel_cache none = { 0 };
	CU_ASSERT_EQUAL(load(&none), KERNEL_CACHE_OFF);
	CU_ASSERT_STRING_EQUAL(none.path, "");
	sandbox_close(&s);
}

/* Where it lives: TRAPLAB_CACHE_DIR, else XDG_CACHE_HOME/traplab, else ~/.cache/traplab. */
static void
test_directory_from_environment(void)
{
	struct sandbox s;
	if (!sandbox_open(&s))
		return;
	char dir[KERNEL_CACHE_PATH_MAX];
	CU_ASSERT(kernel_cache_dir(dir, sizeof dir) == 0 && strcmp(dir, s.dir) == 0);
	unsetenv("TRAPLAB_CACHE_DIR");
	setenv("XDG_CACHE_HOME", "/x/cache", 1);
	setenv("HOME", "/home/student", 1);
	CU_ASSERT(kernel_cache_dir(dir, sizeof dir) == 0 && strcmp(dir, "/x/cache/traplab") == 0);
	setenv("XDG_CACHE_HOME", "relative", 1);   /* the XDG spec: ignored */
	CU_ASSERT(kernel_cache_dir(dir, sizeof dir) == 0 &&
		  strcmp(dir, "/home/student/.cache/traplab") == 0);
	unsetenv("XDG_CACHE_HOME");
	setenv("HOME", "/", 1);                      /* the SVM host may have HOME=/ */
	CU_ASSERT(kernel_cache_dir(dir, sizeof dir) == 0 && strcmp(dir, "/.cache/traplab") == 0);
	sandbox_close(&s);
}

/* --no-kernel-cache: decompressed, nothing read or written. */
static void
test_off_touches_nothing(void)
{
	struct sandbox s;
	if (!kernel_and_sandbox(&s))
		return;
	struct kernel_cache kc = { .off = true };
	CU_ASSERT_EQUAL(load(&kc), KERNEL_CACHE_OFF);
	CU_ASSERT_NOT_EQUAL(access(s.dir, F_OK), 0);
	sandbox_close(&s);
}

/* Bounded: after a store, only the most recently used entries are left. */
static void
test_oldest_entries_evicted(void)
{
	struct sandbox s;
	if (!kernel_and_sandbox(&s))
		return;
	struct kernel_cache kc = { .dir = s.dir };
	CU_ASSERT_EQUAL(load(&kc), KERNEL_CACHE_MISS);
	/* other kernels' entries, fake i a day older than fake i - 1 */
	char path[EVICT_FAKES][4300];
	time_t now = time(NULL);
	for (int i = 0; i < EVICT_FAKES; i++) {
		snprintf(path[i], sizeof path[i], "%s/vmlinux-xz-%d-%016x", s.dir, i + 1, i);
		FILE *f = fopen(path[i], "w");
		CU_ASSERT_PTR_NOT_NULL_FATAL(f);
		fclose(f);
		struct timespec t[2] = { { now - (i + 1) * DAY_S, 0 }, { now - (i + 1) * DAY_S, 0 } };
		CU_ASSERT_EQUAL(utimensat(AT_FDCWD, path[i], t, 0), 0);
	}
	unlink(kc.path);                 /* the next load stores it anew: the newest */
	struct kernel_cache again = { .dir = s.dir };
	CU_ASSERT_EQUAL(load(&again), KERNEL_CACHE_MISS);
	CU_ASSERT(again.stored);
	CU_ASSERT_EQUAL(access(again.path, R_OK), 0);
	for (int i = 0; i < EVICT_FAKES; i++)   /* the 3 newest fakes stay, the older go */
		CU_ASSERT_EQUAL(access(path[i], F_OK) == 0, i < CACHE_KEEPS - 1);
	sandbox_close(&s);
}

/* The flag is there and documented. */
static void
test_flag_in_help(void)
{
	char *out = NULL;
	const char *args[] = { "kvm", "--help", NULL };
	CU_ASSERT_EQUAL(cli_run(args, "", &out), 0);
	CU_ASSERT_PTR_NOT_NULL(out && strstr(out, "--no-kernel-cache"));
	CU_ASSERT_PTR_NOT_NULL(out && strstr(out, "~/.cache/traplab"));
	free(out);
}

static CU_TestInfo tests[] = {
	{ "first load misses and stores, second hits with identical bytes", test_miss_then_hit },
	{ "a corrupted entry (a flipped byte) is named and not used", test_corrupted_entry },
	{ "a truncated entry is named and not used", test_truncated_entry },
	{ "an entry whose header names another payload, or empty, is not used", test_wrong_header },
	{ "an unusable cache directory, or none, still loads", test_unusable_directory_still_loads },
	{ "directory: TRAPLAB_CACHE_DIR, XDG_CACHE_HOME, HOME", test_directory_from_environment },
	{ "--no-kernel-cache reads and writes nothing", test_off_touches_nothing },
	{ "bounded: the least recently used entries are evicted", test_oldest_entries_evicted },
	{ "traplab kvm --help documents --no-kernel-cache", test_flag_in_help },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_kvm_kernel_cache = { "kvm: kernel cache (no /dev/kvm)", NULL, NULL, NULL, NULL,
					tests };
