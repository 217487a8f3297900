/* bzimage.c — the bzImage's setup header (Linux Documentation/arch/x86/
 * boot.rst, "The Real-Mode Kernel Header"; KVM-NOTES §3).  Lab 10.
 * Every offset a hostile file gives is checked against the file's size
 * before it is used; errors name the field, its offset and its value. */
#include "boot_linux.h"

#include <stdio.h>
#include <string.h>

static uint32_t
le(const uint8_t *img, size_t off, unsigned bytes)
{
	uint32_t v = 0;
	for (unsigned i = 0; i < bytes; i++)
		v |= (uint32_t)img[off + i] << (8 * i);
	return v;
}

int
bzimage_parse(const uint8_t *img, size_t size, struct bzimage *bz, char *err, size_t errlen)
{
	memset(bz, 0, sizeof *bz);
	if (size < 0x200) {
		snprintf(err, errlen, "not a bzImage: file is %zu bytes, shorter than its 512-byte boot sector",
			 size);
		return -1;
	}
	uint32_t flag = le(img, BP_BOOT_FLAG, 2);
	if (flag != 0xaa55) {
		snprintf(err, errlen, "not a bzImage: boot_flag at 0x1fe is 0x%04x, expected 0xaa55", flag);
		return -1;
	}
	if (size < BP_INIT_SIZE + 4) {
		snprintf(err, errlen, "not a bzImage: file is %zu bytes, too short for the setup header "
			 "(init_size at 0x260)", size);
		return -1;
	}
	uint32_t magic = le(img, BP_HEADER, 4);
	if (magic != 0x53726448) {
		snprintf(err, errlen, "not a bzImage: header at 0x202 is 0x%08x, expected 0x53726448 (\"HdrS\")",
			 magic);
		return -1;
	}
	bz->version = (uint16_t)le(img, BP_VERSION, 2);
	if (bz->version < 0x020c) {
		snprintf(err, errlen, "protocol version 0x%04x is older than 2.12 (no 64-bit entry)",
			 bz->version);
		return -1;
	}
	bz->hdr_end = 0x202 + (size_t)img[0x201];
	if (bz->hdr_end < BP_INIT_SIZE + 4 || bz->hdr_end > BP_HDR_LIMIT) {
		snprintf(err, errlen, "setup header length byte at 0x201 is 0x%02x: the header would end "
			 "at 0x%zx, outside [0x264, 0x290]", img[0x201], bz->hdr_end);
		return -1;
	}
	bz->loadflags = img[BP_LOADFLAGS];
	if (!(bz->loadflags & LOADED_HIGH)) {
		snprintf(err, errlen, "loadflags at 0x211 is 0x%02x without LOADED_HIGH (0x01): a zImage, "
			 "not a bzImage", bz->loadflags);
		return -1;
	}
	bz->xloadflags = (uint16_t)le(img, BP_XLOADFLAGS, 2);
	if (!(bz->xloadflags & XLF_KERNEL_64)) {
		snprintf(err, errlen, "xloadflags at 0x236 is 0x%04x without XLF_KERNEL_64 (0x0001): "
			 "no 64-bit entry", bz->xloadflags);
		return -1;
	}
	bz->setup_sects = img[BP_SETUP_SECTS];
	bz->setup_size = ((size_t)(bz->setup_sects ? bz->setup_sects : 4) + 1) * 512;
	if (bz->setup_size >= size) {
		snprintf(err, errlen, "setup_sects at 0x1f1 is %u: the kernel would start at 0x%zx, "
			 "past the end of the %zu-byte file", bz->setup_sects, bz->setup_size, size);
		return -1;
	}
	bz->code32_start = le(img, BP_CODE32_START, 4);
	bz->initrd_addr_max = le(img, BP_INITRD_ADDR_MAX, 4);
	bz->kernel_alignment = le(img, BP_KERNEL_ALIGNMENT, 4);
	bz->relocatable = img[BP_RELOCATABLE];
	bz->cmdline_size = le(img, BP_CMDLINE_SIZE, 4);
	bz->payload_offset = le(img, BP_PAYLOAD_OFFSET, 4);
	bz->payload_length = le(img, BP_PAYLOAD_LENGTH, 4);
	bz->pref_address = (uint64_t)le(img, BP_PREF_ADDRESS, 4) |
			   (uint64_t)le(img, BP_PREF_ADDRESS + 4, 4) << 32;
	bz->init_size = le(img, BP_INIT_SIZE, 4);

	uint64_t pstart = (uint64_t)bz->setup_size + bz->payload_offset;
	if (bz->payload_length < 4 || pstart + bz->payload_length > size) {
		snprintf(err, errlen, "payload_offset 0x%x + payload_length 0x%x at 0x248 do not fit in the "
			 "%zu-byte file (kernel code starts at 0x%zx): truncated or not a bzImage",
			 bz->payload_offset, bz->payload_length, size, bz->setup_size);
		return -1;
	}
	bz->payload = img + pstart;
	if (bz->init_size == 0) {
		snprintf(err, errlen, "init_size at 0x260 is 0");
		return -1;
	}
	return 0;
}

/* boot.rst: kernel_version at 0x20e, if nonzero, is the string's offset
 * minus 0x200; the string lives in the setup code, so it must end there. */
void
bzimage_kernel_version(const uint8_t *img, const struct bzimage *bz, char *out, size_t outlen)
{
	enum { BP_KERNEL_VERSION = 0x20e, KERNEL_VERSION_BASE = 0x200 };
	out[0] = '\0';
	uint32_t ptr = le(img, BP_KERNEL_VERSION, 2);
	if (ptr == 0 || outlen == 0)
		return;
	size_t at = KERNEL_VERSION_BASE + (size_t)ptr;
	const uint8_t *nul = at < bz->setup_size ? memchr(img + at, 0, bz->setup_size - at) : NULL;
	if (!nul)
		return;
	size_t len = (size_t)(nul - (img + at));
	if (len >= outlen)
		len = outlen - 1;
	for (size_t i = 0; i < len; i++)     /* a hostile string prints as '?' where not ASCII */
		out[i] = img[at + i] >= ' ' && img[at + i] < 0x7f ? (char)img[at + i] : '?';
	out[len] = '\0';
}
