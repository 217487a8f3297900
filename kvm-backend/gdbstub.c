/* gdbstub.c — the GDB remote stub for a KVM guest (gdbstub.h): one TCP
 * connection on 127.0.0.1, one vCPU ("thread 1"), served between runs.
 * Lab 10: GDB sees the real CPU's state through KVM_GET_REGS/SREGS.
 *
 * Packets served (GDB manual, appendix E "Remote Serial Protocol", E.2
 * "Packets", E.3 "Stop Reply Packets", E.4 "General Query Packets"):
 *   ?  g G p P  m M  c s vCont? vCont;c/s  Z0-Z4 z0-z4  D k  H T
 *   qSupported (PacketSize, qXfer:features:read+, swbreak+, hwbreak+,
 *   QStartNoAckMode+), qXfer:features:read:target.xml, qAttached, qC,
 *   qfThreadInfo/qsThreadInfo, qRcmd (`monitor phys on|off`, `monitor help`),
 *   and the 0x03 byte while the guest runs (E.10 "Interrupts").
 * Stop replies: T05thread:01; (with swbreak:/hwbreak: when a breakpoint
 * of ours is at the pc, watch:/rwatch:/awatch:ADDR; for a watchpoint, E.3),
 * T02thread:01; after Control-C, W00 when the guest powers off, W01 when it
 * resets or fails.
 *
 * Addresses: m/M/Z take guest-virtual (linear) addresses, translated
 * through the guest's page tables (KVM_TRANSLATE) page by page; after
 * `monitor phys on` they are guest-physical.  In real mode $pc is the
 * linear address CS*16+IP, not IP, so that a breakpoint on a linear
 * address is recognised when it hits (writing $pc sets IP = $pc - CS*16).
 *
 * Z1 (hardware breakpoints) and Z2-Z4 (write, read, access watchpoints)
 * share the four debug registers DR0-DR3 (Intel SDM vol. 3B §18.2).  A
 * register watches 1, 2, 4 or 8 bytes at a multiple of that, so a watch of
 * another length or alignment takes several (as GDB's own x86 code splits
 * them); when they run out the Z packet gets E28 and GDB says it could not
 * insert the watchpoint (`set remote hardware-watchpoint-limit 4` makes it
 * use software watchpoints beyond four instead).  x86 has no read-only
 * condition (R/W = 10b is I/O): Z3 is a read/write watch whose hits we pass
 * on only when the watched bytes did not change — a changed value was a
 * write (GDB reasons the same way about an access watchpoint standing in for
 * a read one).  Under `monitor step-breakpoints on` (for CPUs where DR7 does
 * not fire, QEMU's software AMD-V) write watchpoints are also checked by
 * comparing the watched bytes after every step; reads cannot be seen so.
 * Breakpoints and watchpoints are gdbstub_points.c's.
 */
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "gdbstub_internal.h"

/* ---- registers ------------------------------------------------------------------ */

static bool
real_mode(const struct kvm_sregs *s)
{
	return !(s->cr0 & X86_CR0_PE);
}

static uint64_t
reg_get(unsigned i, const struct kvm_regs *r, const struct kvm_sregs *s)
{
	const uint64_t gpr[16] = { r->rax, r->rbx, r->rcx, r->rdx, r->rsi, r->rdi, r->rbp, r->rsp,
				   r->r8, r->r9, r->r10, r->r11, r->r12, r->r13, r->r14, r->r15 };
	const struct kvm_segment *seg[6] = { &s->cs, &s->ss, &s->ds, &s->es, &s->fs, &s->gs };
	if (i < 16)
		return gpr[i];
	if (i == GDB_REG_RIP)
		return real_mode(s) ? s->cs.base + r->rip : r->rip;
	if (i == GDB_REG_EFLAGS)
		return r->rflags;
	if (i >= GDB_REG_CS && i < GDB_REG_CS + 6)
		return seg[i - GDB_REG_CS]->selector;
	switch (i) {
	case GDB_REG_FS_BASE: return s->fs.base;
	case GDB_REG_FS_BASE + 1: return s->gs.base;
	case GDB_REG_CR0: return s->cr0;
	case GDB_REG_CR0 + 1: return s->cr2;
	case GDB_REG_CR0 + 2: return s->cr3;
	case GDB_REG_CR0 + 3: return s->cr4;
	case GDB_REG_CR0 + 4: return s->cr8;
	case GDB_REG_EFER: return s->efer;
	}
	return 0;                       /* the x87 registers: not read from KVM */
}

int
gdbstub_pc(struct stub *st, uint64_t *pc)
{
	struct kvm_regs r;
	struct kvm_sregs s;
	if (kvm_guest_get_regs(st->g, &r, &s) < 0)
		return -1;
	*pc = reg_get(GDB_REG_RIP, &r, &s);
	return 0;
}

/* Sets register i from `v`; false for one that cannot be written here. */
static bool
reg_set(unsigned i, uint64_t v, struct kvm_regs *r, struct kvm_sregs *s)
{
	__u64 *gpr[16] = { &r->rax, &r->rbx, &r->rcx, &r->rdx, &r->rsi, &r->rdi, &r->rbp,
			      &r->rsp, &r->r8, &r->r9, &r->r10, &r->r11, &r->r12, &r->r13,
			      &r->r14, &r->r15 };
	if (i < 16)
		*gpr[i] = v;
	else if (i == GDB_REG_RIP)
		r->rip = real_mode(s) ? v - s->cs.base : v;
	else if (i == GDB_REG_EFLAGS)
		r->rflags = v | X86_RFLAGS_FIXED;
	else if (i == GDB_REG_CR0 + 1)
		s->cr2 = v;
	else
		return false;           /* segments, control registers: not from GDB */
	return true;
}

static void
put_le(uint8_t *p, uint64_t v, unsigned size)
{
	memset(p, 0, size);
	for (unsigned b = 0; b < size && b < 8; b++)
		p[b] = (uint8_t)(v >> (8 * b));
}

static uint64_t
get_le(const uint8_t *p, unsigned size)
{
	uint64_t v = 0;
	for (unsigned b = 0; b < size && b < 8; b++)
		v |= (uint64_t)p[b] << (8 * b);
	return v;
}

static void
cmd_read_regs(struct stub *st)
{
	struct kvm_regs r;
	struct kvm_sregs s;
	if (kvm_guest_get_regs(st->g, &r, &s) < 0) {
		snprintf(st->out, sizeof st->out, "E01");
		return;
	}
	char *o = st->out;
	for (unsigned i = 0; i < GDB_NREGS; i++) {
		uint8_t b[16];
		put_le(b, reg_get(i, &r, &s), gdb_regs[i].size);
		gdb_hex_encode(o, b, gdb_regs[i].size);
		o += 2 * gdb_regs[i].size;
	}
}

/* G (all) or P (one, "n=value"): only what reg_set takes is written. */
static void
cmd_write_regs(struct stub *st, const char *p, bool one)
{
	struct kvm_regs r;
	struct kvm_sregs s;
	snprintf(st->out, sizeof st->out, "E01");
	if (kvm_guest_get_regs(st->g, &r, &s) < 0)
		return;
	unsigned from = 0, to = GDB_NREGS;
	if (one) {
		from = (unsigned)gdb_parse_hex(p, &p);
		to = from + 1;
		if (from >= GDB_NREGS)
			return;
	}
	for (unsigned i = from; i < to; i++) {
		uint8_t b[16];
		unsigned size = gdb_regs[i].size;
		if (gdb_hex_decode(b, size, p, strlen(p)) != (long)size)
			return;
		p += 2 * size;
		uint64_t v = get_le(b, size);
		if (!reg_set(i, v, &r, &s) && one && v != reg_get(i, &r, &s))
			return;         /* a register we cannot change: E01 */
	}
	if (kvm_guest_set_regs(st->g, &r, &s) == 0)
		snprintf(st->out, sizeof st->out, "OK");
}

static void
cmd_read_reg(struct stub *st, const char *p)
{
	unsigned i = (unsigned)gdb_parse_hex(p, NULL);
	struct kvm_regs r;
	struct kvm_sregs s;
	if (i >= GDB_NREGS || kvm_guest_get_regs(st->g, &r, &s) < 0) {
		snprintf(st->out, sizeof st->out, "E01");
		return;
	}
	uint8_t b[16];
	put_le(b, reg_get(i, &r, &s), gdb_regs[i].size);
	gdb_hex_encode(st->out, b, gdb_regs[i].size);
}

/* ---- memory ------------------------------------------------------------------------- */

size_t
gdbstub_mem_access(struct stub *st, uint64_t addr, uint8_t *buf, size_t len, bool write)
{
	size_t done = 0;
	while (done < len) {
		uint64_t gpa = addr + done;
		if (!st->phys && kvm_guest_translate(st->g, addr + done, &gpa) < 0)
			break;
		size_t chunk = 4096 - (size_t)((addr + done) & 4095);
		if (chunk > len - done)
			chunk = len - done;
		uint8_t *p = kvm_guest_ram(st->g, gpa, chunk);
		if (!p)
			break;
		if (write)
			memcpy(p, buf + done, chunk);
		else
			memcpy(buf + done, p, chunk);
		done += chunk;
	}
	return done;
}

static void
cmd_memory(struct stub *st, const char *p, bool write)
{
	static uint8_t buf[GDB_PACKET_SIZE];
	uint64_t addr = gdb_parse_hex(p, &p);
	uint64_t len = gdb_parse_hex(p, &p);
	if (len > (write ? sizeof buf : sizeof buf / 2 - 8))
		len = write ? sizeof buf : sizeof buf / 2 - 8;
	if (write) {
		if (gdb_hex_decode(buf, len, p, strlen(p)) != (long)len ||
		    gdbstub_mem_access(st, addr, buf, len, true) != len)
			snprintf(st->out, sizeof st->out, "E14");
		else
			snprintf(st->out, sizeof st->out, "OK");
		return;
	}
	size_t got = gdbstub_mem_access(st, addr, buf, len, false);
	if (got == 0 && len)
		snprintf(st->out, sizeof st->out, "E14");
	else
		gdb_hex_encode(st->out, buf, got);
}

/* ---- running -------------------------------------------------------------------------- */

/* While the guest runs, a thread watches the socket for GDB's 0x03 (or its
 * going away) and interrupts the run. */
struct ctrl_c_watch {
	struct stub *st;
	atomic_bool done;
	atomic_bool closed;
	atomic_bool fired;              /* 0x03 came (or GDB went away) */
};

static void *
ctrl_c_thread(void *arg)
{
	struct ctrl_c_watch *w = arg;
	while (!atomic_load(&w->done)) {
		struct pollfd p = { .fd = w->st->c.fd, .events = POLLIN };
		if (poll(&p, 1, 50) <= 0)
			continue;
		unsigned char b;
		ssize_t n = read(w->st->c.fd, &b, 1);
		if (n == 1 && b != 0x03)
			continue;
		if (n <= 0)
			atomic_store(&w->closed, true);
		atomic_store(&w->fired, true);
		kvm_guest_interrupt(w->st->g);
		return NULL;
	}
	return NULL;
}

/* The stop reply for st->stop; true if the guest has ended. */
static bool
stop_reply(struct stub *st)
{
	const struct kvm_stop *s = st->stop;
	if (s->kind == KVM_STOP_POWER_OFF || s->kind == KVM_STOP_RESET ||
	    s->kind == KVM_STOP_EMULATION || s->kind == KVM_STOP_FAIL_ENTRY ||
	    s->kind == KVM_STOP_ERROR) {
		snprintf(st->out, sizeof st->out, s->kind == KVM_STOP_POWER_OFF ? "W00" : "W01");
		return true;
	}
	if (s->kind == KVM_STOP_INTERRUPTED || s->kind == KVM_STOP_EXIT_LIMIT) {
		snprintf(st->out, sizeof st->out, "T02thread:01;");
		return false;
	}
	if (st->watch_hit != NO_WATCH) {
		/* E.3: "watch", "rwatch" or "awatch", then the data address; GDB
		 * finds its watchpoint by the address falling in its range */
		const struct hw_slot *h = &st->hw[st->watch_hit];
		const char *kind = h->type == Z_WRITE ? "watch" : h->type == Z_READ ? "rwatch" : "awatch";
		snprintf(st->out, sizeof st->out, "T05thread:01;%s:%" PRIx64 ";", kind, h->addr);
		return false;
	}
	snprintf(st->out, sizeof st->out, "T05thread:01;%s", gdbstub_stop_why(st));
	return false;
}

/* `monitor step-breakpoints on`: continue as single steps until the pc is at
 * a breakpoint, for CPUs that do not stop at int3 for KVM (QEMU's software
 * AMD-V before 9.x delivers int3 to the guest instead of the #BP intercept)
 * nor arm DR7.  About one exit per instruction. */
static void
step_to_breakpoint(struct stub *st, struct ctrl_c_watch *w)
{
	do {
		kvm_guest_step(st->g, st->stop);
		if (atomic_load(&w->fired)) {
			st->stop->kind = KVM_STOP_INTERRUPTED;
			return;
		}
	} while (st->stop->kind == KVM_STOP_DEBUG && !gdbstub_watch_check(st, true) && !gdbstub_at_breakpoint(st));
}

/* c or s; true if the guest has ended (or GDB went away). */
static bool
cmd_resume(struct stub *st, bool step, bool *gone)
{
	memset(st->stop, 0, sizeof *st->stop);
	gdbstub_watch_refresh(st);
	st->watch_hit = NO_WATCH;
	if (step) {
		kvm_guest_step(st->g, st->stop);
		gdbstub_watch_check(st, st->step_bps);
		return stop_reply(st);
	}
	struct ctrl_c_watch w = { .st = st };
	pthread_t t;
	bool have_thread = pthread_create(&t, NULL, ctrl_c_thread, &w) == 0;
	if (st->step_bps)
		step_to_breakpoint(st, &w);
	else
		do
			kvm_guest_run(st->g, 0, st->stop);
		while (!gdbstub_watch_check(st, false) && gdbstub_only_filtered_reads(st) && !atomic_load(&w.fired));
	atomic_store(&w.done, true);
	if (have_thread)
		pthread_join(t, NULL);
	*gone = atomic_load(&w.closed);
	return stop_reply(st);
}

/* ---- queries ---------------------------------------------------------------------------- */

/* qRcmd: `monitor phys on|off`, `monitor help`; output as O packets. */
static void
cmd_monitor(struct stub *st, const char *hex)
{
	char cmd[128] = "";
	long n = gdb_hex_decode((uint8_t *)cmd, sizeof cmd - 1, hex, strlen(hex));
	cmd[n > 0 ? n : 0] = 0;
	const char *text;
	if (strcmp(cmd, "phys on") == 0) {
		st->phys = true;
		text = "memory addresses are guest-physical\n";
	} else if (strcmp(cmd, "phys off") == 0) {
		st->phys = false;
		text = "memory addresses are guest-virtual (through the page tables)\n";
	} else if (strcmp(cmd, "step-breakpoints on") == 0 ||
		   strcmp(cmd, "step-breakpoints off") == 0) {
		bool on = cmd[strlen(cmd) - 1] == 'n';
		for (int i = 0; i < MAX_SW_BP; i++)     /* move the breakpoints over */
			if (st->sw[i].used && on != st->step_bps) {
				gdbstub_sw_breakpoint(st, st->sw[i].addr, false);
				st->step_bps = on;
				gdbstub_sw_breakpoint(st, st->sw[i].addr, true);
				st->step_bps = !on;
			}
		st->step_bps = on;
		text = on ? "breakpoints by single-stepping (no int3)\n" : "breakpoints by int3\n";
	} else {
		text = "traplab gdb stub: monitor phys on|off (memory addresses physical or "
		       "virtual), monitor step-breakpoints on|off\n";
	}
	char line[2 * 128 + 2] = "O";
	gdb_hex_encode(line + 1, (const uint8_t *)text, strlen(text));
	gdb_send_packet(&st->c, line);
	snprintf(st->out, sizeof st->out, "OK");
}

static void
cmd_query(struct stub *st, const char *p)
{
	const char *xfer = "qXfer:features:read:target.xml:";
	if (strncmp(p, "qSupported", 10) == 0)
		snprintf(st->out, sizeof st->out, "PacketSize=%x;qXfer:features:read+;swbreak+;"
			 "hwbreak+;QStartNoAckMode+;vContSupported+", GDB_PACKET_SIZE);
	else if (strncmp(p, xfer, strlen(xfer)) == 0) {
		const char *q = p + strlen(xfer);
		uint64_t off = gdb_parse_hex(q, &q);
		uint64_t len = gdb_parse_hex(q, &q);
		gdb_xfer_chunk(st->out, GDB_PACKET_SIZE - 4, gdb_target_xml(), off, len);
	} else if (strncmp(p, "qXfer:", 6) == 0)
		snprintf(st->out, sizeof st->out, "E00");
	else if (strcmp(p, "qAttached") == 0)
		snprintf(st->out, sizeof st->out, "1");
	else if (strcmp(p, "qC") == 0)
		snprintf(st->out, sizeof st->out, "QC01");
	else if (strcmp(p, "qfThreadInfo") == 0)
		snprintf(st->out, sizeof st->out, "m01");
	else if (strcmp(p, "qsThreadInfo") == 0)
		snprintf(st->out, sizeof st->out, "l");
	else if (strncmp(p, "qRcmd,", 6) == 0)
		cmd_monitor(st, p + 6);
	else if (strcmp(p, "QStartNoAckMode") == 0)
		snprintf(st->out, sizeof st->out, "OK");
	else
		st->out[0] = 0;         /* unknown: the empty reply */
}

/* ---- the session ------------------------------------------------------------------------- */

/* One packet: the reply in st->out.  Returns -1 to go on, else how the session ends. */
static int
dispatch(struct stub *st, const char *p)
{
	bool gone = false, ended = false;
	snprintf(st->out, sizeof st->out, "OK");
	switch (p[0]) {
	case '?': snprintf(st->out, sizeof st->out, "T05thread:01;"); break;
	case 'g': cmd_read_regs(st); break;
	case 'G': cmd_write_regs(st, p + 1, false); break;
	case 'p': cmd_read_reg(st, p + 1); break;
	case 'P': cmd_write_regs(st, p + 1, true); break;
	case 'm': cmd_memory(st, p + 1, false); break;
	case 'M': cmd_memory(st, p + 1, true); break;
	case 'Z': gdbstub_cmd_breakpoint(st, p + 1, true); break;
	case 'z': gdbstub_cmd_breakpoint(st, p + 1, false); break;
	case 'H': case 'T': break;
	case 'c': case 's': ended = cmd_resume(st, p[0] == 's', &gone); break;
	case 'q': case 'Q': cmd_query(st, p); break;
	case 'D':
		gdbstub_remove_all(st);
		gdb_send_packet(&st->c, "OK");
		return GDBSTUB_DETACHED;
	case 'k':
		return GDBSTUB_KILLED;
	case 'v':
		if (strcmp(p, "vCont?") == 0)
			snprintf(st->out, sizeof st->out, "vCont;c;C;s;S");
		else if (strncmp(p, "vCont;", 6) == 0)
			ended = cmd_resume(st, p[6] == 's' || p[6] == 'S', &gone);
		else if (strncmp(p, "vKill", 5) == 0) {
			gdb_send_packet(&st->c, "OK");
			return GDBSTUB_KILLED;
		} else
			st->out[0] = 0;
		break;
	default: st->out[0] = 0; break;
	}
	if (gone)
		return GDBSTUB_DETACHED;
	if (gdb_send_packet(&st->c, st->out) < 0)
		return GDBSTUB_DETACHED;
	if (strcmp(p, "QStartNoAckMode") == 0)
		st->c.no_ack = true;
	return ended ? GDBSTUB_GUEST_ENDED : -1;
}

enum gdbstub_end
gdbstub_serve(struct kvm_guest *g, int listen_fd, struct kvm_stop *stop, char *err,
	      size_t errlen)
{
	int fd;
	while ((fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC)) < 0 && errno == EINTR)
		;
	close(listen_fd);
	if (fd < 0) {
		snprintf(err, errlen, "accept: %s", strerror(errno));
		return GDBSTUB_FAILED;
	}
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	static struct stub st;
	memset(&st, 0, sizeof st);
	st.c.fd = fd;
	st.g = g;
	st.stop = stop;
	st.watch_hit = NO_WATCH;
	memset(stop, 0, sizeof *stop);
	int end = -1;
	while (end < 0) {
		int got = gdb_read_packet(&st.c);
		if (got <= 0) {
			gdbstub_remove_all(&st);
			end = GDBSTUB_DETACHED;         /* GDB went away: the guest runs on */
		} else if (got == 3) {
			gdb_send_packet(&st.c, "T02thread:01;");   /* already stopped */
		} else {
			end = dispatch(&st, st.c.in);
		}
	}
	if (end == GDBSTUB_DETACHED)
		gdbstub_remove_all(&st);
	close(fd);
	return (enum gdbstub_end)end;
}
