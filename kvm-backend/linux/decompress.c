/* decompress.c — the bzImage payload, decompressed on the host (a stock
 * kernel's own XZ decompressor runs >9 min under kvm_pvm's emulator,
 * KVM-NOTES §3.9).  The payload's magic picks the library: xz and lzma
 * (liblzma), gzip (zlib), zstd (libzstd).  Lab 10.  The x86 build appends
 * the decompressed size as 4 little-endian bytes (scripts/Makefile.lib
 * size_append); it is only a hint for the first buffer.
 * The payload is untrusted (issue 15): no header field may make the decoder
 * allocate more than decoder_limit() below (tests/kvm/test_check_kernel.c). */
#define ZSTD_STATIC_LINKING_ONLY        /* ZSTD_getFrameHeader: the window size */
#include "boot_linux.h"
#include "common.h"

#include <lzma.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>
#include <zstd_errors.h>

static const struct {
	const char *name;
	uint8_t magic[6];
	size_t len;
} formats[] = {
	{ "xz",    { 0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00 }, 6 },
	{ "lzma",  { 0x5d, 0x00, 0x00 }, 3 },
	{ "gzip",  { 0x1f, 0x8b }, 2 },
	{ "zstd",  { 0x28, 0xb5, 0x2f, 0xfd }, 4 },
	{ "bzip2", { 'B', 'Z', 'h' }, 3 },
	{ "lzo",   { 0x89, 'L', 'Z', 'O' }, 4 },
	{ "lz4",   { 0x02, 0x21, 0x4c, 0x18 }, 4 },
	{ "ELF",   { 0x7f, 'E', 'L', 'F' }, 4 },
};

const char *
bzimage_payload_format(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < ARRAY_SIZE(formats); i++)
		if (n >= formats[i].len && memcmp(p, formats[i].magic, formats[i].len) == 0)
			return formats[i].name;
	return NULL;
}

/* The output buffer: grows by doubling up to `limit`. */
struct outbuf {
	uint8_t *data;
	size_t len, cap, limit;
};

static int
outbuf_grow(struct outbuf *o, const char *fmt, char *err, size_t errlen)
{
	if (o->cap >= o->limit) {
		snprintf(err, errlen, "%s payload decompresses to more than %zu bytes (the kernel's "
			 "init_size or guest memory)", fmt, o->limit);
		return -1;
	}
	size_t cap = o->cap ? o->cap * 2 : 1 << 20;
	if (cap > o->limit)
		cap = o->limit;
	uint8_t *bigger = realloc(o->data, cap);
	if (!bigger) {
		snprintf(err, errlen, "%s payload: out of memory for %zu bytes", fmt, cap);
		return -1;
	}
	o->data = bigger;
	o->cap = cap;
	return 0;
}

/* How much a decoder's window may take: the LZMA dictionary (lzma, xz) or
 * the zstd window, both sizes the payload's header declares and the
 * library allocates whole, before a byte is decoded (a .lzma header saying
 * 4 GiB made liblzma ask for 4,284,284,928 bytes).  A window holds output
 * already written, so one larger than the whole output is never filled: the
 * limit follows the output's, `limit` (guest memory, capped -- zeropage.c).
 * Encoders still write the window they were told for input of unknown size
 * (kbuild pipes the kernel in): Debian's 6.1 kernel declares 32 MiB
 * (scripts/xz_wrap.sh), `lzma -9` writes 64 MiB and `zstd -22 --ultra`
 * 128 MiB, so a small kernel in a small guest is allowed the largest of
 * those, KBUILD_WINDOW_MAX.  gzip needs no bound: deflate's window is
 * 32 KiB whatever the header says (zlib allocates it so). */
#define KBUILD_WINDOW_MAX (128ull << 20)
#define LZMA_DECODER_STATE (1ull << 20) /* liblzma's own tables beside the dictionary (~60 KiB) */

static uint64_t
decoder_limit(size_t limit)
{
	return limit > KBUILD_WINDOW_MAX ? limit : KBUILD_WINDOW_MAX;
}

/* "...exceeds the decoder limit of N bytes (...)": one sentence for all formats. */
static void
window_error(char *err, size_t errlen, const char *field, uint64_t value, size_t limit)
{
	snprintf(err, errlen, "%s of %llu bytes exceeds the decoder limit of %llu bytes (the larger "
		 "of 128 MiB and the %zu-byte limit on the decompressed kernel)", field,
		 (unsigned long long)value, (unsigned long long)decoder_limit(limit), limit);
}

static const char *
lzma_name(lzma_ret r)
{
	switch (r) {
	case LZMA_UNSUPPORTED_CHECK: return "LZMA_UNSUPPORTED_CHECK: unsupported integrity check";
	case LZMA_MEM_ERROR:         return "LZMA_MEM_ERROR: out of memory";
	case LZMA_MEMLIMIT_ERROR:    return "LZMA_MEMLIMIT_ERROR: memory limit";
	case LZMA_FORMAT_ERROR:      return "LZMA_FORMAT_ERROR: not the expected format";
	case LZMA_OPTIONS_ERROR:     return "LZMA_OPTIONS_ERROR: unsupported options";
	case LZMA_DATA_ERROR:        return "LZMA_DATA_ERROR: data corrupt";
	case LZMA_BUF_ERROR:         return "LZMA_BUF_ERROR: input truncated";
	default:                     return "unexpected";
	}
}

/* The dictionary size the first xz block header's LZMA2 filter declares
 * (xz file format 1.0.4 §3.1: the block header follows the 12-byte stream
 * header), or 0 if it cannot be read. */
static uint64_t
xz_first_dict_size(const uint8_t *p, size_t n)
{
	enum { XZ_STREAM_HEADER = LZMA_STREAM_HEADER_SIZE };
	if (n <= XZ_STREAM_HEADER || p[XZ_STREAM_HEADER] == 0)  /* 0: the index, no block */
		return 0;
	lzma_filter filters[LZMA_FILTERS_MAX + 1];
	lzma_block block = { .version = 0, .check = (lzma_check)(p[7] & 0x0f), .filters = filters };
	block.header_size = lzma_block_header_size_decode(p[XZ_STREAM_HEADER]);
	if (n - XZ_STREAM_HEADER < block.header_size ||
	    lzma_block_header_decode(&block, NULL, p + XZ_STREAM_HEADER) != LZMA_OK)
		return 0;
	uint64_t dict = 0;
	for (size_t i = 0; filters[i].id != LZMA_VLI_UNKNOWN; i++) {
		if (filters[i].id == LZMA_FILTER_LZMA2)
			dict = ((const lzma_options_lzma *)filters[i].options)->dict_size;
		free(filters[i].options);      /* liblzma's malloc: no allocator given */
	}
	return dict;
}

/* LZMA_MEMLIMIT_ERROR as the header field that caused it: a .lzma header's
 * dict_size (bytes 1-4, the dictionary liblzma allocates whole), an xz
 * block's LZMA2 dictionary, or, if the first block's is not too large (a
 * later block's is), what liblzma adds up over the filter chain. */
static void
lzma_memlimit_error(lzma_stream *s, const uint8_t *p, size_t n, bool alone, size_t limit,
		    char *err, size_t errlen)
{
	enum { LZMA_DICT_SIZE_OFFSET = 1, LZMA_DICT_SIZE_BYTES = 4 };
	uint64_t dict = 0;
	if (alone && n >= LZMA_DICT_SIZE_OFFSET + LZMA_DICT_SIZE_BYTES) {
		for (unsigned i = 0; i < LZMA_DICT_SIZE_BYTES; i++)
			dict |= (uint64_t)p[LZMA_DICT_SIZE_OFFSET + i] << (8 * i);
		window_error(err, errlen, "lzma header: dictionary", dict, limit);
	} else if (!alone && (dict = xz_first_dict_size(p, n)) > decoder_limit(limit)) {
		window_error(err, errlen, "xz block header: LZMA2 dictionary", dict, limit);
	} else {
		window_error(err, errlen, "xz block header: the filter chain's memory",
			     lzma_memusage(s), limit);
	}
}

static int
run_lzma(const uint8_t *p, size_t n, bool alone, struct outbuf *o, char *err, size_t errlen)
{
	const char *fmt = alone ? "lzma" : "xz";
	uint64_t memlimit = decoder_limit(o->limit) + LZMA_DECODER_STATE;
	lzma_stream s = LZMA_STREAM_INIT;
	lzma_ret r = alone ? lzma_alone_decoder(&s, memlimit) : lzma_stream_decoder(&s, memlimit, 0);
	if (r != LZMA_OK) {
		snprintf(err, errlen, "%s decoder: lzma error %d (%s)", fmt, (int)r, lzma_name(r));
		return -1;
	}
	s.next_in = p;
	s.avail_in = n;
	for (;;) {
		if (o->len == o->cap && outbuf_grow(o, fmt, err, errlen) < 0)
			break;
		s.next_out = o->data + o->len;
		s.avail_out = o->cap - o->len;
		r = lzma_code(&s, LZMA_FINISH);
		o->len = o->cap - s.avail_out;
		if (r == LZMA_STREAM_END) {
			lzma_end(&s);
			return 0;
		}
		if (r == LZMA_MEMLIMIT_ERROR) {
			lzma_memlimit_error(&s, p, n, alone, o->limit, err, errlen);
			break;
		}
		if (r != LZMA_OK) {
			snprintf(err, errlen, "%s payload does not decompress: lzma error %d (%s)", fmt,
				 (int)r, lzma_name(r));
			break;
		}
	}
	lzma_end(&s);
	return -1;
}

static const char *
zlib_name(int r)
{
	switch (r) {
	case Z_DATA_ERROR: return "Z_DATA_ERROR";
	case Z_BUF_ERROR:  return "Z_BUF_ERROR";
	case Z_MEM_ERROR:  return "Z_MEM_ERROR";
	default:           return "unexpected";
	}
}

static int
run_gzip(const uint8_t *p, size_t n, struct outbuf *o, char *err, size_t errlen)
{
	z_stream z;
	memset(&z, 0, sizeof z);
	if (n > UINT32_MAX || inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) {
		snprintf(err, errlen, "gzip decoder: inflateInit2 failed");
		return -1;
	}
	z.next_in = (Bytef *)p;
	z.avail_in = (uInt)n;
	for (;;) {
		if (o->len == o->cap && outbuf_grow(o, "gzip", err, errlen) < 0)
			break;
		size_t room = o->cap - o->len;
		z.next_out = o->data + o->len;
		z.avail_out = room > UINT32_MAX ? UINT32_MAX : (uInt)room;
		uInt before = z.avail_out;
		int r = inflate(&z, Z_NO_FLUSH);
		o->len += before - z.avail_out;
		if (r == Z_STREAM_END) {
			inflateEnd(&z);
			return 0;
		}
		if (r == Z_OK || (r == Z_BUF_ERROR && z.avail_out == 0))
			continue;           /* more output room needed (the loop grows it) */
		snprintf(err, errlen, "gzip payload does not decompress: zlib error %d (%s: %s)", r,
			 zlib_name(r), r == Z_BUF_ERROR ? "input truncated" : z.msg ? z.msg : "?");
		break;
	}
	inflateEnd(&z);
	return -1;
}

/* The frame header's window (Window_Descriptor, or the content size of a
 * single-segment frame), checked before libzstd sizes its buffers by it;
 * ZSTD_d_windowLogMax holds any later frame to the same bound. */
static int
zstd_bound_window(ZSTD_DCtx *d, const uint8_t *p, size_t n, size_t limit, char *err,
		  size_t errlen)
{
	ZSTD_frameHeader h;
	if (ZSTD_getFrameHeader(&h, p, n) == 0 && h.windowSize > decoder_limit(limit)) {
		window_error(err, errlen, "zstd frame header: window", h.windowSize, limit);
		return -1;
	}
	int log = 0;
	while ((2ull << log) <= decoder_limit(limit) && log < ZSTD_WINDOWLOG_MAX)
		log++;
	if (ZSTD_isError(ZSTD_DCtx_setParameter(d, ZSTD_d_windowLogMax, log))) {
		snprintf(err, errlen, "zstd decoder: cannot bound the window to 2^%d bytes", log);
		return -1;
	}
	return 0;
}

static int
run_zstd(const uint8_t *p, size_t n, struct outbuf *o, char *err, size_t errlen)
{
	ZSTD_DCtx *d = ZSTD_createDCtx();
	if (!d) {
		snprintf(err, errlen, "zstd decoder: ZSTD_createDCtx failed");
		return -1;
	}
	if (zstd_bound_window(d, p, n, o->limit, err, errlen) < 0) {
		ZSTD_freeDCtx(d);
		return -1;
	}
	ZSTD_inBuffer in = { p, n, 0 };
	for (;;) {
		if (o->len == o->cap && outbuf_grow(o, "zstd", err, errlen) < 0)
			break;
		ZSTD_outBuffer out = { o->data, o->cap, o->len };
		size_t r = ZSTD_decompressStream(d, &out, &in);
		o->len = out.pos;
		if (ZSTD_isError(r)) {
			snprintf(err, errlen, "zstd payload does not decompress: zstd error %u (%s)",
				 (unsigned)ZSTD_getErrorCode(r), ZSTD_getErrorName(r));
			break;
		}
		if (r == 0) {               /* the frame is complete; the size trailer follows */
			ZSTD_freeDCtx(d);
			return 0;
		}
		if (in.pos == in.size && out.pos < out.size) {
			snprintf(err, errlen, "zstd payload does not decompress: input truncated");
			break;
		}
	}
	ZSTD_freeDCtx(d);
	return -1;
}

int
bzimage_decompress(const uint8_t *p, size_t n, size_t limit, uint8_t **out, size_t *outlen,
		   char *err, size_t errlen)
{
	*out = NULL;
	*outlen = 0;
	const char *fmt = bzimage_payload_format(p, n);
	if (!fmt) {
		snprintf(err, errlen, "payload starts %02x %02x %02x %02x: no compression TrapLab knows "
			 "(xz, lzma, gzip, zstd)", n > 0 ? p[0] : 0, n > 1 ? p[1] : 0, n > 2 ? p[2] : 0,
			 n > 3 ? p[3] : 0);
		return -1;
	}
	struct outbuf o = { NULL, 0, 0, limit };
	uint32_t hint = n >= 4 ? (uint32_t)p[n - 4] | (uint32_t)p[n - 3] << 8 |
				 (uint32_t)p[n - 2] << 16 | (uint32_t)p[n - 1] << 24 : 0;
	/* the right size at once, plus room to see the end; a hostile hint gets no
	 * more than 64 bytes per payload byte (vmlinux.xz: ~8) */
	if (hint > 0 && hint <= limit && hint / 64 <= n) {
		o.cap = (size_t)hint + 1 < limit ? (size_t)hint + 1 : limit;
		o.data = malloc(o.cap);
		if (!o.data)
			o.cap = 0;
	}
	int rc;
	if (strcmp(fmt, "xz") == 0 || strcmp(fmt, "lzma") == 0) {
		rc = run_lzma(p, n, strcmp(fmt, "lzma") == 0, &o, err, errlen);
	} else if (strcmp(fmt, "gzip") == 0) {
		rc = run_gzip(p, n, &o, err, errlen);
	} else if (strcmp(fmt, "zstd") == 0) {
		rc = run_zstd(p, n, &o, err, errlen);
	} else if (strcmp(fmt, "ELF") == 0) {  /* CONFIG_KERNEL_UNCOMPRESSED */
		uint8_t *copy = n <= limit ? malloc(n) : NULL;
		rc = copy ? 0 : -1;
		if (n > limit)
			snprintf(err, errlen, "uncompressed payload is %zu bytes, more than %zu", n, limit);
		else if (!copy)
			snprintf(err, errlen, "payload: out of memory for %zu bytes", n);
		else {
			memcpy(copy, p, n);
			free(o.data);
			o.data = copy;
			o.len = n;
		}
	} else {
		snprintf(err, errlen, "payload is %s-compressed (magic %02x %02x %02x); TrapLab decompresses "
			 "xz, lzma, gzip and zstd", fmt, p[0], p[1], p[2]);
		rc = -1;
	}
	if (rc < 0) {
		free(o.data);
		return -1;
	}
	*out = o.data;
	*outlen = o.len;
	return 0;
}
