/* gdbstub.h — a GDB remote stub for a KVM guest (Lab 10): GDB connects over
 * TCP on localhost and drives the one vCPU — registers, memory through the
 * guest's page tables, software and hardware breakpoints, watchpoints in the
 * debug registers (or, stepping, by comparing memory), stepi, continue,
 * Control-C, detach and kill.  gdbstub.c serves the commands; gdbstub_proto.c
 * is the wire (packets, checksums, hex, the target description).
 * The protocol: GDB manual, appendix "Remote Serial Protocol".
 */
#ifndef TRAPLAB_GDBSTUB_H
#define TRAPLAB_GDBSTUB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kvm.h"

/* How a session ended. */
enum gdbstub_end {
	GDBSTUB_DETACHED,       /* `detach` (D) or GDB went away: the guest runs on */
	GDBSTUB_KILLED,         /* `kill` (k): the guest is to be stopped */
	GDBSTUB_GUEST_ENDED,    /* the guest powered off, reset or failed: *stop says how */
	GDBSTUB_FAILED,         /* the socket failed (err says why) */
};

/* A listening socket on 127.0.0.1:port, or -1 with err. */
int gdbstub_listen(uint16_t port, char *err, size_t errlen);
/* Wait for GDB on `listen_fd` (closed here), then serve it until detach,
 * kill or the guest's end.  The guest does not run before GDB says so. */
enum gdbstub_end gdbstub_serve(struct kvm_guest *g, int listen_fd, struct kvm_stop *stop,
			       char *err, size_t errlen);

/* ---- the wire (gdbstub_proto.c), without KVM: tests use these ---------------- */
struct gdb_conn {
	int fd;
	bool no_ack;            /* QStartNoAckMode */
	char in[4096 + 8];      /* the last packet's data, NUL-terminated */
	size_t in_len;
};
enum { GDB_PACKET_SIZE = 4096 };
/* The modulo-256 sum of the packet data ("Overview"). */
uint8_t gdb_checksum(const char *data, size_t len);
/* Reads one packet into c->in, acknowledging it.  Returns 1 for a packet,
 * 3 for a bare Control-C (0x03) byte, 0 when GDB closed, -1 on error. */
int gdb_read_packet(struct gdb_conn *c);
/* Sends $data#cs and (unless no_ack) waits for '+'.  0 or -1. */
int gdb_send_packet(struct gdb_conn *c, const char *data);
/* Hex: bytes to text (NUL-terminated; 2*len+1 bytes of out), text to bytes
 * (returns bytes decoded, -1 on a bad digit). */
void gdb_hex_encode(char *out, const uint8_t *in, size_t len);
long gdb_hex_decode(uint8_t *out, size_t max, const char *in, size_t digits);
/* "1f,20" style numbers: reads hex up to a non-hex char, *end after it. */
uint64_t gdb_parse_hex(const char *s, const char **end);

/* The registers, in the order of the target description.  GDB_REG_* index
 * gdb_regs[]. */
struct gdb_reg { const char *name; unsigned size; };
enum { GDB_NREGS = 48 };
extern const struct gdb_reg gdb_regs[GDB_NREGS];
enum { GDB_REG_RIP = 16, GDB_REG_EFLAGS = 17, GDB_REG_CS = 18, GDB_REG_ST0 = 24,
       GDB_REG_FCTRL = 32, GDB_REG_FS_BASE = 40, GDB_REG_CR0 = 42, GDB_REG_EFER = 47 };
/* target.xml, generated from gdb_regs[]; answers qXfer:features:read:target.xml:OFF,LEN
 * into `out` (m... or l...). */
const char *gdb_target_xml(void);
void gdb_xfer_chunk(char *out, size_t outlen, const char *doc, uint64_t off, uint64_t len);

#endif /* TRAPLAB_GDBSTUB_H */
