/* gdbstub_internal.h — what the GDB stub's files share (Lab 10): the state of
 * one session (struct stub) and the calls between gdbstub.c (registers,
 * memory, running, queries, the session) and gdbstub_points.c (breakpoints
 * and watchpoints).  Not for outside the stub: gdbstub.h is its interface.
 */
#ifndef TRAPLAB_GDBSTUB_INTERNAL_H
#define TRAPLAB_GDBSTUB_INTERNAL_H

#include "gdbstub.h"

enum { MAX_SW_BP = 64, OUT_SIZE = 2 * GDB_PACKET_SIZE + 16,
       NUM_DR = 4,              /* DR0-DR3 */
       MAX_DR_LEN = 8,          /* the longest a debug register covers (LEN = 10b) */
       NO_WATCH = -1 };

/* The Z packet types (E.2, "z type,addr,kind"). */
enum { Z_SW = '0', Z_HW = '1', Z_WRITE = '2', Z_READ = '3', Z_ACCESS = '4' };

/* One debug register as the stub uses it.  A Z2-Z4 may take several (its
 * aligned pieces); z finds them by the packet's own address and length. */
struct hw_slot {
	char type;                      /* Z_HW, Z_WRITE, Z_READ or Z_ACCESS */
	uint64_t addr;                  /* this piece: aligned to its length */
	unsigned len;
	uint64_t z_addr, z_len;         /* the Z packet's */
	uint8_t seen[MAX_DR_LEN];       /* the watched bytes as last seen */
	bool seen_ok;
};

struct stub {
	struct gdb_conn c;
	struct kvm_guest *g;
	struct kvm_stop *stop;
	bool phys;                      /* monitor phys on: m/M are guest-physical */
	bool step_bps;                  /* monitor step-breakpoints on: no int3, continue steps */
	struct { uint64_t addr; uint8_t orig; bool used; } sw[MAX_SW_BP];
	struct hw_slot hw[NUM_DR];
	unsigned hw_mask;               /* the slots in use */
	int watch_hit;                  /* the slot of the watchpoint the last stop was at */
	char out[OUT_SIZE];
};

/* gdbstub.c */
/* The pc as GDB sees it (linear: CS*16+IP in real mode); -1 if unreadable. */
int gdbstub_pc(struct stub *st, uint64_t *pc);
/* Bytes at `addr` (virtual, or physical after `monitor phys on`), page by
 * page; returns how many were reachable. */
size_t gdbstub_mem_access(struct stub *st, uint64_t addr, uint8_t *buf, size_t len, bool write);

/* gdbstub_points.c */
/* Z0/z0 (insert or remove); false when it cannot be done. */
bool gdbstub_sw_breakpoint(struct stub *st, uint64_t addr, bool insert);
/* Z/z: the packet after its letter; the reply in st->out. */
void gdbstub_cmd_breakpoint(struct stub *st, const char *p, bool insert);
/* Before detaching: the guest's own bytes back, the debug registers free. */
void gdbstub_remove_all(struct stub *st);
/* "swbreak:;", "hwbreak:;" or "" for the pc after a stop. */
const char *gdbstub_stop_why(struct stub *st);
/* True if the pc is at one of our breakpoints. */
bool gdbstub_at_breakpoint(struct stub *st);
/* Before a resume: the watched bytes as they are now. */
void gdbstub_watch_refresh(struct stub *st);
/* After a stop: st->watch_hit, from DR6 or (with `stepped`) by comparing
 * write watchpoints' bytes; true if there is one to report. */
bool gdbstub_watch_check(struct stub *st, bool stepped);
/* True if the stop was only a read watch's register firing at a write. */
bool gdbstub_only_filtered_reads(struct stub *st);

#endif /* TRAPLAB_GDBSTUB_INTERNAL_H */
