/* gdbstub_points.c — the GDB stub's breakpoints and watchpoints (Lab 10):
 * Z0 (an int3 written over the instruction, or only noted under `monitor
 * step-breakpoints on`), and Z1-Z4 in the debug registers DR0-DR3 (Intel SDM
 * vol. 3B §18.2), with what a stop was at: swbreak:, hwbreak:, or a
 * watchpoint found from DR6 or, stepping, by comparing memory.  The packets:
 * GDB manual, appendix E, E.2 ("z type,addr,kind") and E.3 (stop replies).
 * The reasons for the design are at the top of gdbstub.c.
 */
#include <stdio.h>
#include <string.h>

#include "gdbstub_internal.h"

/* ---- breakpoints -------------------------------------------------------------------- */

static int
sw_find(struct stub *st, uint64_t addr)
{
	for (int i = 0; i < MAX_SW_BP; i++)
		if (st->sw[i].used && st->sw[i].addr == addr)
			return i;
	return -1;
}

/* Z0/z0: an int3 written over the instruction's first byte, the byte kept. */
bool
gdbstub_sw_breakpoint(struct stub *st, uint64_t addr, bool insert)
{
	int i = sw_find(st, addr);
	if (!insert) {
		if (i < 0)
			return true;
		st->sw[i].used = false;
		return st->step_bps || gdbstub_mem_access(st, addr, &st->sw[i].orig, 1, true) == 1;
	}
	if (i >= 0)
		return true;
	for (i = 0; i < MAX_SW_BP && st->sw[i].used; i++)
		;
	uint8_t int3 = 0xcc;
	if (st->step_bps && i < MAX_SW_BP) {    /* only noted: continue steps to it */
		st->sw[i].addr = addr;
		st->sw[i].used = true;
		return true;
	}
	if (i == MAX_SW_BP || gdbstub_mem_access(st, addr, &st->sw[i].orig, 1, false) != 1 ||
	    kvm_guest_set_sw_breakpoints(st->g, true) < 0 ||
	    gdbstub_mem_access(st, addr, &int3, 1, true) != 1)
		return false;
	st->sw[i].addr = addr;
	st->sw[i].used = true;
	return true;
}

/* ---- debug registers: Z1-Z4 -------------------------------------------------------- */

static bool
slot_used(const struct stub *st, unsigned i)
{
	return st->hw_mask & (1u << i);
}

/* The watched bytes now, kept in the slot's `seen`; true if they differ from
 * what was seen before (false when they cannot be read). */
static bool
watch_changed(struct stub *st, struct hw_slot *h)
{
	uint8_t now[MAX_DR_LEN];
	if (gdbstub_mem_access(st, h->addr, now, h->len, false) != h->len) {
		h->seen_ok = false;
		return false;
	}
	bool changed = h->seen_ok && memcmp(now, h->seen, h->len) != 0;
	memcpy(h->seen, now, h->len);
	h->seen_ok = true;
	return changed;
}

/* Before each resume: GDB's own writes (M) are not the guest's. */
void
gdbstub_watch_refresh(struct stub *st)
{
	for (unsigned i = 0; i < NUM_DR; i++)
		if (slot_used(st, i) && st->hw[i].type != Z_HW)
			watch_changed(st, &st->hw[i]);
}

/* The largest piece a debug register can take at `addr` with `left` bytes
 * to go: 8, 4, 2 or 1, aligned (SDM §18.2.5: the low bits are ignored). */
static unsigned
piece_len(uint64_t addr, uint64_t left)
{
	unsigned len = MAX_DR_LEN;
	while (len > 1 && (addr % len != 0 || len > left))
		len /= 2;
	return len;
}

static bool
hw_remove(struct stub *st, char type, uint64_t addr, uint64_t len)
{
	bool ok = true;
	for (unsigned i = 0; i < NUM_DR; i++)
		if (slot_used(st, i) && st->hw[i].type == type && st->hw[i].z_addr == addr &&
		    (type == Z_HW || st->hw[i].z_len == len)) {
			st->hw_mask &= ~(1u << i);
			ok = kvm_guest_clear_hw_breakpoint(st->g, i) == 0 && ok;
		}
	return ok;                      /* one not there: nothing to do (idempotent, E.2) */
}

/* Z1-Z4: a breakpoint takes one register, a watchpoint one per aligned
 * piece; all or none.  False when there are not enough (or KVM refuses). */
static bool
hw_insert(struct stub *st, char type, uint64_t addr, uint64_t len)
{
	if (type == Z_HW)
		len = 1;                /* x86's kind is the instruction's size; DR7 wants LEN 00 */
	if (len == 0 || len > NUM_DR * MAX_DR_LEN)
		return false;
	hw_remove(st, type, addr, len);         /* a repeated packet: once (E.2) */
	const enum kvm_hw_watch rw = type == Z_HW ? KVM_HW_EXEC : type == Z_WRITE ? KVM_HW_WRITE
									: KVM_HW_ACCESS;
	char err[160];
	uint64_t at = addr;
	for (unsigned i = 0; i < NUM_DR && at < addr + len; i++) {
		if (slot_used(st, i))
			continue;
		unsigned piece = piece_len(at, addr + len - at);
		if (kvm_guest_set_hw_watchpoint(st->g, i, at, rw, piece, err, sizeof err) < 0)
			break;
		st->hw[i] = (struct hw_slot){ .type = type, .addr = at, .len = piece,
					      .z_addr = addr, .z_len = len };
		st->hw_mask |= 1u << i;
		if (type != Z_HW)
			watch_changed(st, &st->hw[i]);
		at += piece;
	}
	if (at < addr + len) {          /* out of registers: take back the pieces set */
		hw_remove(st, type, addr, len);
		return false;
	}
	return true;
}

void
gdbstub_cmd_breakpoint(struct stub *st, const char *p, bool insert)
{
	char type = p[0];
	const char *q = p + 2;
	uint64_t addr = gdb_parse_hex(q, &q);
	uint64_t len = gdb_parse_hex(q, &q);
	bool ok;
	if (type == Z_SW)
		ok = gdbstub_sw_breakpoint(st, addr, insert);
	else if (type >= Z_HW && type <= Z_ACCESS && p[1] == ',')
		ok = insert ? hw_insert(st, type, addr, len) : hw_remove(st, type, addr, len);
	else {
		st->out[0] = 0;         /* unknown type: the empty reply (E.2) */
		return;
	}
	/* E28 (ENOSPC): the registers are taken, or the range is too long */
	snprintf(st->out, sizeof st->out, ok ? "OK" : "E28");
}

/* Before detaching: the guest's own bytes back, the debug registers free. */
void
gdbstub_remove_all(struct stub *st)
{
	for (int i = 0; i < MAX_SW_BP; i++)
		if (st->sw[i].used)
			gdbstub_sw_breakpoint(st, st->sw[i].addr, false);
	for (unsigned i = 0; i < NUM_DR; i++)
		if (slot_used(st, i))
			kvm_guest_clear_hw_breakpoint(st->g, i);
	st->hw_mask = 0;
	kvm_guest_set_sw_breakpoints(st->g, false);
}

/* swbreak: or hwbreak: when the pc is at a breakpoint of ours (E.3). */
const char *
gdbstub_stop_why(struct stub *st)
{
	uint64_t pc;
	if (gdbstub_pc(st, &pc) < 0)
		return "";
	if (sw_find(st, pc) >= 0 && (st->step_bps || strstr(st->stop->message, "int3")))
		return "swbreak:;";
	for (unsigned i = 0; i < NUM_DR; i++)
		if (slot_used(st, i) && st->hw[i].type == Z_HW && st->hw[i].addr == pc)
			return "hwbreak:;";
	return "";
}

/* True if the pc is at one of our breakpoints. */
bool
gdbstub_at_breakpoint(struct stub *st)
{
	uint64_t pc;
	if (gdbstub_pc(st, &pc) < 0)
		return true;
	for (unsigned i = 0; i < NUM_DR; i++)
		if (slot_used(st, i) && st->hw[i].type == Z_HW && st->hw[i].addr == pc)
			return true;
	return sw_find(st, pc) >= 0;
}

/* After a stop: the watchpoint it is at, in st->watch_hit.  From DR6 (the
 * stop's dr_hit) where the CPU fired one, and with `stepped`, also by
 * comparing the bytes of write watchpoints, for CPUs whose DR7 never fires.
 * A read watchpoint (Z3, read/write underneath) whose bytes changed saw a
 * write: not a hit.  True if there is one to report. */
bool
gdbstub_watch_check(struct stub *st, bool stepped)
{
	st->watch_hit = NO_WATCH;
	if (st->stop->kind != KVM_STOP_DEBUG)
		return false;
	for (unsigned i = 0; i < NUM_DR && st->watch_hit == NO_WATCH; i++) {
		struct hw_slot *h = &st->hw[i];
		if (!slot_used(st, i) || h->type == Z_HW)
			continue;
		bool fired = st->stop->dr_hit & (1u << i);
		bool changed = watch_changed(st, h);
		if ((fired && !(h->type == Z_READ && changed)) ||
		    (stepped && h->type == Z_WRITE && changed))
			st->watch_hit = (int)i;
	}
	return st->watch_hit != NO_WATCH;
}

/* True if the stop was only a read watchpoint's register firing at a write
 * (see gdbstub_watch_check): the run should go on. */
bool
gdbstub_only_filtered_reads(struct stub *st)
{
	return st->stop->kind == KVM_STOP_DEBUG && st->stop->dr_hit &&
	       st->watch_hit == NO_WATCH && !gdbstub_at_breakpoint(st);
}

