/* gdbstub_proto.c — the wire of the GDB remote stub (gdbstub.h): packet
 * framing, checksums and acknowledgments, hex, and the target description
 * GDB reads with qXfer:features:read.  No KVM here; tests drive it alone.
 *
 * From the GDB manual, appendix E "Remote Serial Protocol": E.1 Overview
 * ($data#cs, the modulo-256 checksum, '+'/'-' acknowledgments, the '}'
 * escape, the 0x03 interrupt byte of E.10 "Interrupts"), E.11 "Packet
 * Acknowledgment" (QStartNoAckMode), E.4 "General Query Packets"
 * (qXfer:features:read: 'm' more data, 'l' last); appendix G "Target
 * Descriptions": G.2 format, G.5.12 "i386 Features".
 *
 * Target description: an i386:x86-64 target, for every mode.  GDB (13)
 * accepts an amd64 description only if org.gnu.gdb.i386.core has the 16
 * general registers, rip, eflags, the six segment selectors and the x87
 * registers (st0-st7 and the eight control words; sse is optional), so
 * those come first, in GDB's order, as in QEMU's i386-64bit.xml.  Then
 * org.gnu.gdb.i386.segments (fs_base, gs_base, which GDB knows) and
 * org.gnu.gdb.i386.sys with cr0, cr2, cr3, cr4, cr8 and efer: GDB does not
 * interpret that feature but shows its registers by name, so `info
 * registers cr0` and `p $efer` work, as against QEMU.  One description for
 * all modes means GDB always decodes 64-bit instructions: `x/i` in real or
 * protected mode needs `set architecture i8086` / `i386` by hand.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "gdbstub.h"

const struct gdb_reg gdb_regs[GDB_NREGS] = {
	{ "rax", 8 }, { "rbx", 8 }, { "rcx", 8 }, { "rdx", 8 },
	{ "rsi", 8 }, { "rdi", 8 }, { "rbp", 8 }, { "rsp", 8 },
	{ "r8", 8 }, { "r9", 8 }, { "r10", 8 }, { "r11", 8 },
	{ "r12", 8 }, { "r13", 8 }, { "r14", 8 }, { "r15", 8 },
	{ "rip", 8 }, { "eflags", 4 },
	{ "cs", 4 }, { "ss", 4 }, { "ds", 4 }, { "es", 4 }, { "fs", 4 }, { "gs", 4 },
	{ "st0", 10 }, { "st1", 10 }, { "st2", 10 }, { "st3", 10 },
	{ "st4", 10 }, { "st5", 10 }, { "st6", 10 }, { "st7", 10 },
	{ "fctrl", 4 }, { "fstat", 4 }, { "ftag", 4 }, { "fiseg", 4 },
	{ "fioff", 4 }, { "foseg", 4 }, { "fooff", 4 }, { "fop", 4 },
	{ "fs_base", 8 }, { "gs_base", 8 },
	{ "cr0", 8 }, { "cr2", 8 }, { "cr3", 8 }, { "cr4", 8 }, { "cr8", 8 }, { "efer", 8 },
};

/* GDB's type for register i (G.4 "Predefined Target Types"). */
static const char *
reg_type(unsigned i)
{
	if (i == GDB_REG_RIP)
		return "code_ptr";
	if (i == 6 || i == 7)
		return "data_ptr";
	if (i >= GDB_REG_ST0 && i < GDB_REG_FCTRL)
		return "i387_ext";
	return gdb_regs[i].size == 8 ? "int64" : "int32";
}

static size_t
xml_feature(char *out, size_t len, const char *name, unsigned from, unsigned to)
{
	size_t n = (size_t)snprintf(out, len, "<feature name=\"%s\">", name);
	for (unsigned i = from; i < to && n < len; i++)
		n += (size_t)snprintf(out + n, len - n,
				      "<reg name=\"%s\" bitsize=\"%u\" type=\"%s\" regnum=\"%u\"%s/>",
				      gdb_regs[i].name, gdb_regs[i].size * 8, reg_type(i), i,
				      i >= GDB_REG_FCTRL && i < GDB_REG_FS_BASE ? " group=\"float\"" : "");
	if (n < len)
		n += (size_t)snprintf(out + n, len - n, "</feature>");
	return n;
}

const char *
gdb_target_xml(void)
{
	static char xml[8192];
	if (xml[0])
		return xml;
	size_t n = (size_t)snprintf(xml, sizeof xml,
				    "<?xml version=\"1.0\"?><!DOCTYPE target SYSTEM \"gdb-target.dtd\">"
				    "<target version=\"1.0\"><architecture>i386:x86-64</architecture>");
	n += xml_feature(xml + n, sizeof xml - n, "org.gnu.gdb.i386.core", 0, GDB_REG_FS_BASE);
	n += xml_feature(xml + n, sizeof xml - n, "org.gnu.gdb.i386.segments", GDB_REG_FS_BASE,
			 GDB_REG_CR0);
	n += xml_feature(xml + n, sizeof xml - n, "org.gnu.gdb.i386.sys", GDB_REG_CR0, GDB_NREGS);
	snprintf(xml + n, sizeof xml - n, "</target>");
	return xml;
}

void
gdb_xfer_chunk(char *out, size_t outlen, const char *doc, uint64_t off, uint64_t len)
{
	size_t total = strlen(doc);
	if (off >= total) {
		snprintf(out, outlen, "l");
		return;
	}
	size_t n = total - off;
	if (n > len)
		n = len;
	if (n > outlen - 2)
		n = outlen - 2;
	out[0] = off + n < total ? 'm' : 'l';
	memcpy(out + 1, doc + off, n);   /* the XML has none of $ # } * */
	out[1 + n] = 0;
}

/* ---- the socket: 127.0.0.1 only ------------------------------------------------ */

int
gdbstub_listen(uint16_t port, char *err, size_t errlen)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0 || listen(fd, 1) < 0) {
		snprintf(err, errlen, "127.0.0.1:%u: %s", port, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* ---- numbers and hex ---------------------------------------------------------- */

static int
hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

uint64_t
gdb_parse_hex(const char *s, const char **end)
{
	uint64_t v = 0;
	int d;
	while ((d = hex_digit(*s)) >= 0) {
		v = v << 4 | (uint64_t)d;
		s++;
	}
	if (end)
		*end = *s ? s + 1 : s;
	return v;
}

void
gdb_hex_encode(char *out, const uint8_t *in, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < len; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * len] = 0;
}

long
gdb_hex_decode(uint8_t *out, size_t max, const char *in, size_t digits)
{
	size_t n = 0;
	for (; n < max && 2 * n + 1 < digits; n++) {
		int hi = hex_digit(in[2 * n]), lo = hex_digit(in[2 * n + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		out[n] = (uint8_t)(hi << 4 | lo);
	}
	return (long)n;
}

uint8_t
gdb_checksum(const char *data, size_t len)
{
	uint8_t sum = 0;
	for (size_t i = 0; i < len; i++)
		sum = (uint8_t)(sum + (uint8_t)data[i]);
	return sum;
}

/* ---- packets ------------------------------------------------------------------- */

static int
read_byte(int fd)
{
	unsigned char b;
	for (;;) {
		ssize_t n = read(fd, &b, 1);
		if (n == 1)
			return b;
		if (n == 0)
			return -2;
		if (errno != EINTR)
			return -1;
	}
}

static int
write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* The data after '$' up to '#', unescaped ('}' x -> x ^ 0x20); then the
 * checksum's two digits.  1 if the checksum matched, 0 if not, <0 on EOF. */
static int
read_packet_body(struct gdb_conn *c)
{
	uint8_t sum = 0;
	c->in_len = 0;
	int b;
	while ((b = read_byte(c->fd)) >= 0 && b != '#') {
		sum = (uint8_t)(sum + b);
		if (b == '}') {
			if ((b = read_byte(c->fd)) < 0)
				break;
			sum = (uint8_t)(sum + b);
			b ^= 0x20;
		}
		if (c->in_len < sizeof c->in - 1)
			c->in[c->in_len++] = (char)b;
	}
	if (b < 0)
		return b;
	c->in[c->in_len] = 0;
	int hi = read_byte(c->fd), lo = hi < 0 ? hi : read_byte(c->fd);
	if (lo < 0)
		return lo;
	return hex_digit((char)hi) * 16 + hex_digit((char)lo) == sum;
}

int
gdb_read_packet(struct gdb_conn *c)
{
	for (;;) {
		int b = read_byte(c->fd);
		if (b < 0)
			return b == -2 ? 0 : -1;
		if (b == 0x03)
			return 3;
		if (b != '$')
			continue;           /* acks, noise */
		int ok = read_packet_body(c);
		if (ok < 0)
			return ok == -2 ? 0 : -1;
		if (c->no_ack && ok)
			return 1;
		if (write_all(c->fd, ok ? "+" : "-", 1) < 0)
			return -1;
		if (ok)
			return 1;
	}
}

int
gdb_send_packet(struct gdb_conn *c, const char *data)
{
	size_t len = strlen(data);
	char tail[4];
	snprintf(tail, sizeof tail, "#%02x", gdb_checksum(data, len));
	for (int tries = 0; tries < 5; tries++) {
		if (write_all(c->fd, "$", 1) < 0 || write_all(c->fd, data, len) < 0 ||
		    write_all(c->fd, tail, 3) < 0)
			return -1;
		if (c->no_ack)
			return 0;
		int b;
		while ((b = read_byte(c->fd)) >= 0 && b != '+' && b != '-')
			;
		if (b < 0)
			return -1;
		if (b == '+')
			return 0;
	}
	return -1;
}
