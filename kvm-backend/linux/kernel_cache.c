/* kernel_cache.c — the decompressed-kernel cache of `traplab kvm --linux`
 * (kvm-backend/README.md "Linux"; Lab 10).  Decompressing Debian's xz
 * payload (decompress.c) is most of what traplab does before the guest's
 * first instruction: ~0.9 s natively, several under the SVM host's software
 * CPU (bench/kvm (c)).
 * The second boot of the same kernel reads the vmlinux back instead.
 *
 * An entry is one file, named by its key: the payload's format, length and
 * 64-bit checksum (checksum64 below).  It starts with a header repeating that
 * key and giving the vmlinux's size and checksum,
 * so a truncated, corrupted or misnamed entry is caught and never booted.
 * Entries are written to a temporary file and renamed into place, so a reader
 * sees a whole entry or none, and at most KERNEL_CACHE_MAX_ENTRIES are kept
 * (the least recently used go; a hit counts as a use).  Every failure of the
 * cache (no directory, read-only, disk full) only costs the decompression: the
 * boot goes on.  tests/kvm/test_kernel_cache.c drives it without /dev/kvm. */
#include "boot_linux.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum {
	KERNEL_CACHE_MAX_ENTRIES = 4,          /* ~60 MiB each for Debian's kernel */
	KERNEL_CACHE_STALE_TEMP_S = 3600,      /* a temporary file this old lost its writer */
	KERNEL_CACHE_DIR_MODE = 0700,          /* the XDG base directory spec's mode */
	/* the header: 16 bytes of magic, the payload's length and checksum, its format's
	 * name (NUL-padded), the vmlinux's size and checksum; numbers are little-endian u64 */
	HDR_MAGIC = 0, HDR_PAYLOAD_LENGTH = 16, HDR_PAYLOAD_SUM = 24, HDR_FORMAT = 32,
	HDR_IMAGE_SIZE = 40, HDR_IMAGE_SUM = 48, HDR_SIZE = 64,
	HDR_FORMAT_MAX = 8,                    /* "xz", "lzma", "gzip", "zstd", "ELF" and a NUL */
};
static const char header_magic[16] = "TrapLab vmlinux";   /* 15 chars and the NUL: 16 bytes */
static const char entry_prefix[] = "vmlinux-";
static const char temp_infix[] = ".tmp.";

static uint64_t
get_le64(const uint8_t *p)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < 8; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

/* The checksum of a payload (the key) and of a vmlinux (the check): XXH64's
 * round (multiply, rotate, multiply) in four independent lanes of 8 bytes,
 * then the tail byte by byte and a final mix.  Not a CRC: any change is
 * caught with probability 1 - 2^-64, at ~2.5x the speed of liblzma's CRC-64
 * (16 ms vs 41 ms for a 66 MB vmlinux here), which counts under the SVM
 * host's emulated CPU, where every warm boot checks the whole vmlinux. */
#define HASH_PRIME_1 0x9e3779b185ebca87ull
#define HASH_PRIME_2 0xc2b2ae3d27d4eb4full
#define HASH_PRIME_3 0x165667b19e3779f9ull
enum { HASH_LANES = 4, HASH_WORD = 8, HASH_STRIPE = HASH_LANES * HASH_WORD };

static uint64_t
rotl64(uint64_t x, unsigned r)
{
	return x << r | x >> (64 - r);
}

static uint64_t
hash_round(uint64_t acc, uint64_t word)
{
	return rotl64(acc + word * HASH_PRIME_2, 31) * HASH_PRIME_1;
}

static uint64_t
checksum64(const uint8_t *p, size_t n)
{
	uint64_t lane[HASH_LANES] = { HASH_PRIME_1 + HASH_PRIME_2, HASH_PRIME_2, 0, -HASH_PRIME_1 };
	size_t i = 0;
	for (; i + HASH_STRIPE <= n; i += HASH_STRIPE)
		for (unsigned l = 0; l < HASH_LANES; l++) {
			uint64_t word;
			memcpy(&word, p + i + HASH_WORD * l, HASH_WORD);   /* x86: little-endian */
			lane[l] = hash_round(lane[l], word);
		}
	uint64_t h = rotl64(lane[0], 1) + rotl64(lane[1], 7) + rotl64(lane[2], 12) +
		     rotl64(lane[3], 18) + (uint64_t)n;
	for (; i < n; i++)
		h = rotl64(h ^ (p[i] * HASH_PRIME_3), 11) * HASH_PRIME_1;
	h ^= h >> 33;
	h *= HASH_PRIME_2;
	h ^= h >> 29;
	h *= HASH_PRIME_3;
	return h ^ h >> 32;
}

int
kernel_cache_dir(char *out, size_t len)
{
	const char *dir = getenv("TRAPLAB_CACHE_DIR");
	const char *xdg = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");
	int n;
	if (dir && *dir)
		n = snprintf(out, len, "%s", dir);
	else if (xdg && *xdg == '/')           /* the XDG spec: a relative value is ignored */
		n = snprintf(out, len, "%s/traplab", xdg);
	else if (home && *home)
		n = snprintf(out, len, "%s/.cache/traplab", strcmp(home, "/") == 0 ? "" : home);
	else
		return -1;
	return n > 0 && (size_t)n < len ? 0 : -1;
}

/* mkdir -p, each new directory 0700.  0, or -1 with errno. */
static int
make_dirs(const char *path)
{
	char buf[KERNEL_CACHE_PATH_MAX];
	if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (char *p = buf + 1; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char c = *p;
		*p = '\0';
		if (mkdir(buf, KERNEL_CACHE_DIR_MODE) < 0 && errno != EEXIST)
			return -1;
		*p = c;
		if (c == '\0')
			break;
	}
	struct stat st;
	if (stat(buf, &st) < 0)
		return -1;
	if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return -1;
	}
	return 0;
}

static void
notice(struct kernel_cache *kc, const char *fmt, const char *path, const char *why)
{
	snprintf(kc->notice, sizeof kc->notice, fmt, path, why);
}

/* The whole of `path` if it is a sound entry for `key`: its vmlinux in *out.
 * A missing file is a plain miss; anything else wrong is a notice. */
static int
read_entry(struct kernel_cache *kc, const uint8_t key[HDR_SIZE], size_t limit, uint8_t **out,
	   size_t *outlen)
{
	int fd = open(kc->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno != ENOENT && errno != ENOTDIR)   /* those are plain misses */
			notice(kc, "%s: %s; decompressing instead", kc->path, strerror(errno));
		return -1;
	}
	struct stat st;
	uint8_t hdr[HDR_SIZE];
	uint8_t *map = MAP_FAILED;
	const char *why = NULL;
	if (fstat(fd, &st) < 0 || pread(fd, hdr, HDR_SIZE, 0) != HDR_SIZE)
		why = "shorter than its header";
	else if (memcmp(hdr, key, HDR_IMAGE_SIZE) != 0)
		why = "its header names another payload";
	uint64_t size = why ? 0 : get_le64(hdr + HDR_IMAGE_SIZE);
	if (!why && (size == 0 || size > limit))
		why = "its header gives an impossible size";
	else if (!why && (uint64_t)st.st_size != HDR_SIZE + size)
		why = "its size is not the one its header gives (truncated?)";
	/* mapped, not read: the page cache's pages themselves, where reading into
	 * fresh memory faulted in and copied all of it (0.2 s of a 0.3 s hit here).
	 * Entries are replaced by rename and evicted by unlink, never rewritten in
	 * place, so the pages checked are the pages loaded. */
	if (!why && (map = mmap(NULL, HDR_SIZE + size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd,
				0)) == MAP_FAILED)
		why = "it cannot be mapped";
	if (!why && checksum64(map + HDR_SIZE, size) != get_le64(hdr + HDR_IMAGE_SUM))
		why = "the checksum of its vmlinux does not match (corrupted)";
	close(fd);
	if (why) {
		if (map != MAP_FAILED)
			munmap(map, HDR_SIZE + size);
		notice(kc, "%s: %s; ignored, decompressing instead", kc->path, why);
		return -1;
	}
	utimensat(AT_FDCWD, kc->path, NULL, 0);   /* a use: the last to be evicted */
	kc->mapping = map;
	kc->mapping_size = HDR_SIZE + size;
	*out = map + HDR_SIZE;
	*outlen = (size_t)size;
	return 0;
}

void
kernel_cache_release(struct kernel_cache *kc, uint8_t *image)
{
	if (kc && kc->mapping && image == (uint8_t *)kc->mapping + HDR_SIZE) {
		munmap(kc->mapping, kc->mapping_size);
		kc->mapping = NULL;
		return;
	}
	free(image);
}

/* One entry in the directory, for eviction. */
struct entry {
	char name[NAME_MAX + 1];
	struct timespec mtime;
};

static int
newest_first(const void *a, const void *b)
{
	const struct timespec *x = &((const struct entry *)a)->mtime;
	const struct timespec *y = &((const struct entry *)b)->mtime;
	if (x->tv_sec != y->tv_sec)
		return x->tv_sec > y->tv_sec ? -1 : 1;
	return x->tv_nsec > y->tv_nsec ? -1 : x->tv_nsec < y->tv_nsec;
}

/* Past KERNEL_CACHE_MAX_ENTRIES, the least recently used entries go; so do
 * temporary files whose writer died long ago.  Best effort, silent. */
static void
evict(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct entry *entries = NULL;
	size_t n = 0, cap = 0;
	time_t now = time(NULL);
	for (struct dirent *e; (e = readdir(d));) {
		struct stat st;
		if (strncmp(e->d_name, entry_prefix, strlen(entry_prefix)) != 0 ||
		    fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode))
			continue;
		if (strstr(e->d_name, temp_infix)) {
			if (now - st.st_mtim.tv_sec > KERNEL_CACHE_STALE_TEMP_S)
				unlinkat(dirfd(d), e->d_name, 0);
			continue;
		}
		if (n == cap) {
			struct entry *more = realloc(entries, (cap = cap ? 2 * cap : 8) * sizeof *more);
			if (!more)
				break;
			entries = more;
		}
		snprintf(entries[n].name, sizeof entries[n].name, "%s", e->d_name);
		entries[n++].mtime = st.st_mtim;
	}
	if (n > KERNEL_CACHE_MAX_ENTRIES) {
		qsort(entries, n, sizeof *entries, newest_first);
		for (size_t i = KERNEL_CACHE_MAX_ENTRIES; i < n; i++)
			unlinkat(dirfd(d), entries[i].name, 0);
	}
	free(entries);
	closedir(d);
}

/* Store the vmlinux under kc->path: a temporary file in the same directory,
 * written whole and renamed over the entry.  Silent on failure (only speed is
 * lost); the temporary file goes with it. */
static bool
write_entry(struct kernel_cache *kc, const char *dir, const uint8_t key[HDR_SIZE],
	    const uint8_t *image, size_t size)
{
	char temp[KERNEL_CACHE_PATH_MAX + 16];
	if (snprintf(temp, sizeof temp, "%s%sXXXXXX", kc->path, temp_infix) >= (int)sizeof temp)
		return false;
	int fd = mkostemp(temp, O_CLOEXEC);
	if (fd < 0)
		return false;
	uint8_t hdr[HDR_SIZE];
	memcpy(hdr, key, HDR_SIZE);
	linux_put_le(hdr + HDR_IMAGE_SIZE, size, 8);
	linux_put_le(hdr + HDR_IMAGE_SUM, checksum64(image, size), 8);
	bool ok = write(fd, hdr, HDR_SIZE) == HDR_SIZE;
	for (size_t done = 0; ok && done < size;) {
		ssize_t n = write(fd, image + done, size - done);
		ok = n > 0;
		done += ok ? (size_t)n : 0;
	}
	/* fsync is left out on purpose: a crash can only leave a short or zeroed
	 * entry, and read_entry's size and checksum reject those */
	ok = close(fd) == 0 && ok;
	if (ok && rename(temp, kc->path) == 0) {
		evict(dir);
		return true;
	}
	unlink(temp);
	return false;
}

int
kernel_cache_decompress(const struct bzimage *bz, size_t limit, struct kernel_cache *kc,
			uint8_t **out, size_t *outlen, char *err, size_t errlen)
{
	const uint8_t *payload = bz->payload;
	size_t length = bz->payload_length;
	if (!kc || kc->off) {
		if (kc) {
			kc->outcome = KERNEL_CACHE_OFF;
			kc->mapping = NULL;
		}
		return bzimage_decompress(payload, length, limit, out, outlen, err, errlen);
	}
	kc->outcome = KERNEL_CACHE_OFF;
	kc->stored = false;
	kc->mapping = NULL;
	kc->notice[0] = kc->path[0] = '\0';
	char dir[KERNEL_CACHE_PATH_MAX];
	const char *format = bzimage_payload_format(payload, length);
	/* an uncompressed payload ("ELF") is only copied: nothing to save */
	bool usable = format && strlen(format) < HDR_FORMAT_MAX && strcmp(format, "ELF") != 0 &&
		      (kc->dir ? *kc->dir && snprintf(dir, sizeof dir, "%s", kc->dir) < (int)sizeof dir
			       : kernel_cache_dir(dir, sizeof dir) == 0);
	uint8_t key[HDR_SIZE] = { 0 };
	if (usable) {
		uint64_t sum = checksum64(payload, length);
		memcpy(key + HDR_MAGIC, header_magic, sizeof header_magic);
		linux_put_le(key + HDR_PAYLOAD_LENGTH, length, 8);
		linux_put_le(key + HDR_PAYLOAD_SUM, sum, 8);
		memcpy(key + HDR_FORMAT, format, strlen(format));
		usable = snprintf(kc->path, sizeof kc->path, "%s/%s%s-%zu-%016llx", dir, entry_prefix,
				  format, length, (unsigned long long)sum) < (int)sizeof kc->path;
		if (!usable)
			kc->path[0] = '\0';
	}
	if (usable && read_entry(kc, key, limit, out, outlen) == 0) {
		kc->outcome = KERNEL_CACHE_HIT;
		return 0;
	}
	if (bzimage_decompress(payload, length, limit, out, outlen, err, errlen) < 0)
		return -1;
	if (usable) {
		kc->outcome = KERNEL_CACHE_MISS;
		kc->stored = make_dirs(dir) == 0 && write_entry(kc, dir, key, *out, *outlen);
	}
	return 0;
}
