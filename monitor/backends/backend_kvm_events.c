/* backend_kvm_events.c — what the KVM backend (backend_kvm.c) tells about
 * VM exits: one event per exit that reached TrapLab (`trace exits`), with
 * the in/out instruction that caused an IO exit found from the vCPU state,
 * and the figures of `stats`: our exit counts beside KVM's own.  Lab 10.
 */
#include <string.h>

#include "backend_kvm_internal.h"

enum { MAX_EVENTS_PER_EXIT = 16 };     /* events reported for one reason after one run */

/* The port I/O opcodes (SDM vol. 2, IN/OUT/INS/OUTS): bit 1 set = out. */
enum {
	X86_IO_IMM_FIRST = 0xe4,       /* E4-E7 ib: in/out with an 8-bit port */
	X86_IO_IMM_LAST = 0xe7,
	X86_IO_DX_FIRST = 0xec,        /* EC-EF: in/out, port in DX */
	X86_IO_DX_LAST = 0xef,
	X86_IO_STRING_FIRST = 0x6c,    /* 6C-6F: ins/outs, port in DX */
	X86_IO_STRING_LAST = 0x6f,
	X86_IO_OUT_BIT = 0x02,
};

/* The prefixes an in/out may carry (SDM vol. 2, 2.1.1). */
enum {
	X86_PREFIX_OPSIZE = 0x66,
	X86_PREFIX_ADDRSIZE = 0x67,
	X86_PREFIX_REPNE = 0xf2,
	X86_PREFIX_REP = 0xf3,
};

/* ===== events: one per VM exit ===================================================== */

/* Which in/out instruction caused an IO exit?  kvm.h reports only the
 * reason and a port class, so the instruction is found from the vCPU state.
 * Stepping, it is the one that began at the old PC.  Running, KVM leaves an
 * `in` unfinished at the PC until the next entry, while an `out` has been
 * retired by KVM's emulator and ends just before the PC [measured here,
 * kvm_pvm].  With hardware assist both wait at the PC [measured on kvm_amd,
 * the SVM host; on VMX a fast-path `out` waits there too], but for the `out`
 * that requested a reset, which exit_loop.c completes.  Candidates must
 * match the port class that was counted; under kvm_pvm, when an `out` just
 * before and an `in` at the PC both fit (same state, two exits), the first
 * exit there was the `out` and the next the `in`. */
struct kvmb_io {
	uint64_t at;                   /* linear address of the instruction */
	uint16_t port;
	bool out, string;
};

/* An in/out instruction starting at addr, prefixes allowed. */
static bool
kvmb_io_at(struct kvm_backend *k, const struct kvmb_state *s, uint64_t addr, struct kvmb_io *io)
{
	uint8_t code[X86_MAX_INSN];
	size_t n = kvmb_fetch(k, addr, code, sizeof code), i = 0;
	while (i < n && (code[i] == X86_PREFIX_OPSIZE || code[i] == X86_PREFIX_ADDRSIZE ||
			 code[i] == X86_PREFIX_REP || code[i] == X86_PREFIX_REPNE))
		i++;
	if (i >= n)
		return false;
	uint8_t op = code[i];
	*io = (struct kvmb_io){ .at = addr, .port = (uint16_t)s->regs.rdx,
				.out = op & X86_IO_OUT_BIT };
	if (op >= X86_IO_IMM_FIRST && op <= X86_IO_IMM_LAST && i + 1 < n)
		io->port = code[i + 1];
	else if (op >= X86_IO_STRING_FIRST && op <= X86_IO_STRING_LAST)
		io->string = true;
	else if (!(op >= X86_IO_DX_FIRST && op <= X86_IO_DX_LAST))
		return false;
	return true;
}

/* An `out` that ends just before addr: "E6/E7 ib" two bytes back, "EE/EF" one. */
static bool
kvmb_out_before(struct kvm_backend *k, const struct kvmb_state *s, uint64_t addr,
		struct kvmb_io *io)
{
	uint8_t b[2];
	if (addr < 2 || kvmb_fetch(k, addr - 2, b, 2) != 2)
		return false;
	if ((b[0] == X86_IO_IMM_FIRST + X86_IO_OUT_BIT || b[0] == X86_IO_IMM_LAST)) {
		*io = (struct kvmb_io){ .at = addr - 2, .port = b[1], .out = true };
		return true;
	}
	if (b[1] == X86_IO_DX_FIRST + X86_IO_OUT_BIT || b[1] == X86_IO_DX_LAST) {
		*io = (struct kvmb_io){ .at = addr - 1, .port = (uint16_t)s->regs.rdx, .out = true };
		return true;
	}
	return false;
}

/* `io_class`: the kvm_port_class counted for the exit, or -1 if unknown. */
static bool
kvmb_find_io(struct kvm_backend *k, const struct kvmb_state *s, bool stepped, uint64_t pc,
	     int io_class, struct kvmb_io *io)
{
	struct kvmb_io behind, at;
	bool class_known = io_class >= 0;
	bool has_at = kvmb_io_at(k, s, pc, &at) &&
		      (!class_known || kvm_port_class(at.port) == (enum kvm_port_class)io_class);
	if (stepped) {
		*io = at;
		return has_at;
	}
	if (k->host == KVM_HOST_HARDWARE && has_at) {
		*io = at;
		return true;
	}
	bool has_behind = kvmb_out_before(k, s, pc, &behind) &&
			  (!class_known ||
			   kvm_port_class(behind.port) == (enum kvm_port_class)io_class);
	bool use_at = has_at && (!has_behind || (k->last_io_valid && k->last_io_pc == pc &&
						 k->last_io_behind));
	if (!use_at && !has_behind)
		return false;
	*io = use_at ? at : behind;
	k->last_io_valid = true;
	k->last_io_pc = pc;
	k->last_io_behind = !use_at;
	return true;
}

/* The port class an IO exit was counted in, as kvm_port_class would give
 * it from the port number (which cannot tell OTHER from UNOWNED); -1 if no
 * class changed. */
static int
kvmb_io_class(const struct kvm_exit_counts *now, const struct kvm_exit_counts *before)
{
	int io_class = -1;
	for (unsigned c = 0; c < KVM_PORT_CLASSES; c++)
		if (now->io_by_port_class[c] != before->io_by_port_class[c])
			io_class = c == KVM_PORTS_OTHER ? KVM_PORTS_UNOWNED : (int)c;
	return io_class;
}

/* After a run or a step: one event per exit that reached user space since
 * `before` (the monitor's own DEBUG and INTR exits left out).  `stepped`:
 * the instruction began at `pc_before`, so its address is exact. */
void
kvmb_report_exits(struct kvm_backend *k, const struct kvm_exit_counts *before, bool stepped,
		  uint64_t pc_before, bool stopped)
{
	if (!k->event_fn || !k->g)
		return;
	struct kvm_exit_counts now;
	struct kvmb_state s;
	kvm_guest_exit_counts(k->g, &now);
	kvmb_get(k, &s);
	uint64_t pc = kvmb_linear_pc(&s);
	for (unsigned r = 0; r < KVM_EXIT_REASONS; r++) {
		uint64_t delta = now.by_reason[r] - before->by_reason[r];
		if (delta == 0 || r == KVM_EXIT_DEBUG || r == KVM_EXIT_INTR)
			continue;
		struct backend_event e = { .pc = stepped ? pc_before : pc, .handler = pc };
		snprintf(e.action, sizeof e.action, "%s", stopped ? "stopped" : "handled");
		if (r == KVM_EXIT_IO) {
			int io_class = kvmb_io_class(&now, before);
			struct kvmb_io io;
			if (kvmb_find_io(k, &s, stepped, stepped ? pc_before : pc, io_class, &io)) {
				e.pc = io.at;
				snprintf(e.what, sizeof e.what, "IO %s%s 0x%x", io.out ? "out" : "in",
					 io.string ? "s" : "", io.port);
			} else {
				snprintf(e.what, sizeof e.what, "IO (%s port)",
					 io_class < 0 ? "unknown" : kvm_port_class_name(io_class));
			}
		} else {
			char unknown[KVM_EXIT_NAME_MAX];
			snprintf(e.what, sizeof e.what, "%s",
				 kvm_exit_reason_name(r, unknown, sizeof unknown));
		}
		for (uint64_t i = 0; i < delta && i < MAX_EVENTS_PER_EXIT; i++)
			k->event_fn(k->event_ctx, &e);
	}
}

/* ===== figures ===================================================================== */

enum { KVM_STATS_MAX = 96 };

/* Exits that reached TrapLab, by reason, beside KVM's own per-vCPU counters
 * (which count the exits KVM handled without us too: KVM-NOTES §3.8). */
size_t
kvmb_stats(struct backend *b, struct backend_stat *out, size_t max)
{
	struct kvm_backend *k = kvmb(b);
	if (!k->g)
		return 0;
	size_t n = 0;
	struct kvm_exit_counts c;
	kvm_guest_exit_counts(k->g, &c);
	for (unsigned r = 0; r < KVM_EXIT_REASONS; r++) {
		if (!c.by_reason[r])
			continue;
		char unknown[KVM_EXIT_NAME_MAX];
		backend_stat_put(out, max, &n, "exits.",
				 kvm_exit_reason_name(r, unknown, sizeof unknown), c.by_reason[r]);
	}
	for (unsigned i = 0; i < KVM_PORT_CLASSES; i++)
		if (c.io_by_port_class[i])
			backend_stat_put(out, max, &n, "io.", kvm_port_class_name(i),
					 c.io_by_port_class[i]);
	backend_stat_put(out, max, &n, "", "monitor.steps", k->steps);
	static char names[KVM_STATS_MAX][48];
	static uint64_t values[KVM_STATS_MAX];
	size_t nk = kvm_guest_kernel_stats(k->g, names, values, KVM_STATS_MAX);
	for (size_t i = 0; i < nk; i++)
		if (values[i] || strcmp(names[i], "exits") == 0)
			backend_stat_put(out, max, &n, "kvm.", names[i], values[i]);
	return n;
}

void
kvmb_set_event_hook(struct backend *b, backend_event_fn fn, void *ctx)
{
	struct kvm_backend *k = kvmb(b);
	k->event_fn = fn;
	k->event_ctx = ctx;
}
