/* backend_kvm.c — the x86 world behind backend.h: a flat binary on the real
 * CPU through /dev/kvm (kvm-backend/kvm.h), so `step`, `info registers` and
 * `x` work on x86 as they do on PG32.  Lab 10 (hardware assist); MONITOR.md
 * "The KVM backend" is the manual:  traplab monitor --backend=kvm
 * build/guests/x86/modes.bin, then `step`, `info registers control`, `stats`.
 *
 * Addresses: "virtual" here is what x86 calls linear, the address KVM's
 * debug registers and KVM_TRANSLATE take.  The PC the shell sees ("pc") is
 * CS.base + RIP, so `break`, `x` and `disassemble` agree in real mode too
 * (KVM-NOTES §3.8: real mode = CS<<4 + IP); in flat protected and long mode
 * pc = rip.  Breakpoints are the four debug registers DR0-DR3 (software
 * breakpoints fail on kvm_pvm hosts, KVM-NOTES §0); watchpoints, as on PG32,
 * single-step the guest and compare the watched word after each instruction.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include <capstone/capstone.h>

#include "backend_common.h"
#include "kvm.h"

enum {
	KVM_HW_BREAKPOINTS = 4,        /* DR0-DR3 */
	KVM_ADDR_DIGITS = 1,           /* addresses in stop messages: 0x%llx, unpadded */
	X86_MAX_INSN = 15,             /* longest x86 instruction, in bytes */
	X86_PAGE = 4096,
	MIB = 1024 * 1024,
	DEFAULT_MEMORY_MIB = 16,
	MAX_MEMORY_MIB = 3072,          /* below the PCI hole, as `traplab kvm` */
	DEFAULT_LOAD_ADDRESS = 0x7c00,  /* as `traplab kvm`: CS = 0x07c0, IP = 0 (guests/x86/guest.h) */
	MAX_EVENTS_PER_EXIT = 16,      /* events reported for one reason after one run */
};

/* x86 architectural bits (Intel SDM vol. 3, §2.5 and §2.2.1) */
#define X86_CR0_PE (1ull << 0)
#define X86_CR0_PG (1ull << 31)
#define X86_EFER_LMA (1ull << 10)

/* The port I/O opcodes (SDM vol. 2, IN/OUT/INS/OUTS): bit 1 set = out. */
enum {
	X86_IO_IMM_FIRST = 0xe4,       /* E4-E7 ib: in/out with an 8-bit port */
	X86_IO_IMM_LAST = 0xe7,
	X86_IO_DX_FIRST = 0xec,        /* EC-EF: in/out, port in DX */
	X86_IO_DX_LAST = 0xef,
	X86_IO_STRING_FIRST = 0x6c,    /* 6C-6F: ins/outs, port in DX */
	X86_IO_STRING_LAST = 0x6f,
	X86_IO_OUT_BIT = 0x02,
};                                     /* prefixes: Capstone's X86_PREFIX_* */

struct kvm_backend {
	struct backend base;
	/* settings */
	enum kvm_cpu_mode cpu_mode;
	uint64_t load_address;
	size_t memory_mib;
	char host_note[256];           /* kvm_host_probe()'s line */
	/* the guest */
	char *path;
	uint8_t *image;
	size_t size;
	struct symtab image_syms;      /* the .sym beside it: offsets in the image */
	struct symtab syms;            /* the same at the load address (linear) */
	struct kvm_guest *g;
	bool ended;
	char end_message[320];
	uint64_t steps;                /* single steps the monitor took */
	bool last_io_valid;            /* the last IO event's PC (kvmb_find_io) */
	bool last_io_behind;
	uint64_t last_io_pc;
	/* debugging */
	bool bp_used[KVM_HW_BREAKPOINTS];
	uint64_t bp_addr[KVM_HW_BREAKPOINTS];
	struct backend_watch_table watches;
	volatile sig_atomic_t interrupted;
	backend_event_fn event_fn;
	void *event_ctx;
	/* Capstone, one handle per code size */
	csh cs16, cs32, cs64;
	bool cs_open;
};

static struct kvm_backend *
kvmb(const struct backend *b)
{
	return (struct kvm_backend *)b;
}

static const char *
kvmb_mode_name(enum kvm_cpu_mode m)
{
	switch (m) {
	case KVM_MODE_REAL: return "real";
	case KVM_MODE_PROTECTED: return "protected";
	case KVM_MODE_LONG: return "long";
	}
	return "?";
}

/* ===== the vCPU's state ============================================================ */

struct kvmb_state {
	struct kvm_regs regs;
	struct kvm_sregs sregs;
};

static int
kvmb_get(const struct kvm_backend *k, struct kvmb_state *s)
{
	memset(s, 0, sizeof *s);
	if (!k->g)
		return -1;
	return kvm_guest_get_regs(k->g, &s->regs, &s->sregs) < 0 ? -1 : 0;
}

/* 64-bit code: long mode active and a code segment with L set. */
static bool
kvmb_code64(const struct kvmb_state *s)
{
	return (s->sregs.efer & X86_EFER_LMA) && s->sregs.cs.l;
}

/* The linear address of the next instruction (CS.base + RIP). */
static uint64_t
kvmb_linear_pc(const struct kvmb_state *s)
{
	if (kvmb_code64(s))
		return s->regs.rip;
	return (s->sregs.cs.base + s->regs.rip) & 0xffffffffull;
}

static unsigned
kvmb_addr_bits(const struct kvmb_state *s)
{
	return kvmb_code64(s) ? 64 : 32;
}

static uint64_t
kvmb_guest_pc(const struct kvm_backend *k)
{
	struct kvmb_state s;
	return kvmb_get(k, &s) < 0 ? 0 : kvmb_linear_pc(&s);
}

/* ===== memory ====================================================================== */

/* Visit [addr, addr + len) a page at a time: physical is guest RAM, virtual
 * (linear) goes through KVM_TRANSLATE first. */
static int
kvmb_memory(struct kvm_backend *k, uint64_t addr, bool physical, void *buf, size_t len,
	    bool write, char *err, size_t errlen)
{
	if (!k->g)
		return backend_no_guest(err, errlen);
	uint8_t *bytes = buf;
	for (size_t done = 0; done < len;) {
		uint64_t va = addr + done, pa = va;
		size_t piece = len - done;
		if (!physical) {
			if (kvm_guest_translate(k->g, va, &pa) < 0) {
				snprintf(err, errlen, "0x%llx: not mapped for the guest "
					 "(KVM_TRANSLATE; xp reads physical memory)",
					 (unsigned long long)va);
				return -1;
			}
			size_t to_page_end = X86_PAGE - (va & (X86_PAGE - 1));
			if (piece > to_page_end)
				piece = to_page_end;
		}
		uint8_t *ram = kvm_guest_ram(k->g, pa, piece);
		if (!ram) {
			snprintf(err, errlen, "0x%llx: outside the guest's %zu MiB of RAM",
				 (unsigned long long)pa, kvm_guest_ram_size(k->g) / MIB);
			return -1;
		}
		if (write)
			memcpy(ram, bytes + done, piece);
		else
			memcpy(bytes + done, ram, piece);
		done += piece;
	}
	return 0;
}

static int
kvmb_read_memory(struct backend *b, uint64_t addr, bool physical, void *buf, size_t len,
		 char *err, size_t errlen)
{
	return kvmb_memory(kvmb(b), addr, physical, buf, len, false, err, errlen);
}

static int
kvmb_write_memory(struct backend *b, uint64_t addr, bool physical, const void *buf,
		  size_t len, char *err, size_t errlen)
{
	return kvmb_memory(kvmb(b), addr, physical, (void *)buf, len, true, err, errlen);
}

/* The watched word at a linear address, for setting and checking watchpoints. */
static int
kvmb_read_word(void *ctx, uint64_t addr, uint32_t *value, char *err, size_t errlen)
{
	return kvmb_memory(ctx, addr, false, value, BACKEND_WATCH_BYTES, false, err, errlen);
}

/* Up to `max` bytes of code at a linear address; how many could be read. */
static size_t
kvmb_fetch(struct kvm_backend *k, uint64_t addr, uint8_t *buf, size_t max)
{
	char err[160];
	size_t n = 0;
	while (n < max && kvmb_memory(k, addr + n, false, buf + n, 1, false, err, sizeof err) == 0)
		n++;
	return n;
}

/* ===== events: one per VM exit ===================================================== */

/* Which in/out instruction caused an IO exit?  kvm.h reports only the
 * reason and a port class, so the instruction is found from the vCPU state.
 * Stepping, it is the one that began at the old PC.  Running, KVM leaves an
 * `in` unfinished at the PC until the next entry, while an `out` has been
 * retired by KVM's emulator and ends just before the PC [measured here,
 * kvm_pvm; on VMX a fast-path `out` waits at the PC too].  Candidates must
 * match the port class that was counted; when an `out` just before and an
 * `in` at the PC both fit (same state, two exits), the first exit there was
 * the `out` and the next the `in`. */
struct kvmb_io {
	uint64_t at;                   /* linear address of the instruction */
	uint16_t port;
	bool out, string;
};

static unsigned
kvmb_port_class(uint16_t port)
{
	if (port >= 0x3f8 && port <= 0x3ff)
		return 0;                  /* uart (COM1) */
	if (port == 0x60 || port == 0x64)
		return 1;                  /* i8042 */
	return 2;                      /* unowned or other */
}

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

static bool
kvmb_find_io(struct kvm_backend *k, const struct kvmb_state *s, bool stepped, uint64_t pc,
	     int io_class, struct kvmb_io *io)
{
	struct kvmb_io behind, at;
	bool class_known = io_class >= 0;
	bool has_at = kvmb_io_at(k, s, pc, &at) &&
		      (!class_known || kvmb_port_class(at.port) == (unsigned)io_class);
	if (stepped) {
		*io = at;
		return has_at;
	}
	bool has_behind = kvmb_out_before(k, s, pc, &behind) &&
			  (!class_known || kvmb_port_class(behind.port) == (unsigned)io_class);
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

static const char *const io_class_names[4] = { "uart", "i8042", "unowned", "other" };

/* After a run or a step: one event per exit that reached user space since
 * `before` (the monitor's own DEBUG and INTR exits left out).  `stepped`:
 * the instruction began at `pc_before`, so its address is exact. */
static void
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
		const char *name = kvm_exit_reason_name(r);
		if (r == KVM_EXIT_IO) {
			int io_class = -1;
			for (unsigned c = 0; c < 4; c++)
				if (now.io_by_port_class[c] != before->io_by_port_class[c])
					io_class = c < 2 ? (int)c : 2;
			struct kvmb_io io;
			if (kvmb_find_io(k, &s, stepped, stepped ? pc_before : pc, io_class, &io)) {
				e.pc = io.at;
				snprintf(e.what, sizeof e.what, "IO %s%s 0x%x", io.out ? "out" : "in",
					 io.string ? "s" : "", io.port);
			} else {
				snprintf(e.what, sizeof e.what, "IO (%s port)",
					 io_class < 0 ? "unknown" : io_class_names[io_class]);
			}
		} else if (name) {
			snprintf(e.what, sizeof e.what, "%s", name);
		} else {
			snprintf(e.what, sizeof e.what, "exit %u", r);
		}
		for (uint64_t i = 0; i < delta && i < MAX_EVENTS_PER_EXIT; i++)
			k->event_fn(k->event_ctx, &e);
	}
}

/* ===== the guest =================================================================== */

/* In a new VM a watched word that cannot be read counts as 0. */
static void
kvmb_watch_refresh(struct kvm_backend *k)
{
	char err[160];
	for (size_t i = 0; i < k->watches.count; i++) {
		struct backend_watchpoint *w = &k->watches.entries[i];
		if (kvmb_read_word(k, w->addr, &w->value, err, sizeof err) < 0)
			w->value = 0;
	}
}

/* (Re)create the VM with the current settings and load the image into it;
 * the breakpoints go into the new vCPU's debug registers. */
static int
kvmb_start(struct kvm_backend *k, char *err, size_t errlen)
{
	kvm_guest_destroy(k->g);
	k->g = NULL;
	k->ended = false;
	k->end_message[0] = '\0';
	k->steps = 0;
	k->last_io_valid = false;
	struct kvm_config cfg = { .memory = k->memory_mib * MIB };
	struct kvm_guest *g = kvm_guest_create(&cfg, err, errlen);
	if (!g)
		return -1;
	if (kvm_guest_load_flat(g, k->image, k->size, k->load_address, k->load_address,
				k->cpu_mode, err, errlen) < 0) {
		kvm_guest_destroy(g);
		return -1;
	}
	kvm_guest_set_console(g, backend_console_byte, NULL);
	for (unsigned i = 0; i < KVM_HW_BREAKPOINTS; i++)
		if (k->bp_used[i] &&
		    kvm_guest_set_hw_breakpoint(g, i, k->bp_addr[i], err, errlen) < 0) {
			kvm_guest_destroy(g);
			return -1;
		}
	k->g = g;
	kvmb_watch_refresh(k);
	/* labels move with the load address; constants stay */
	symtab_free(&k->syms);
	symtab_init(&k->syms);
	for (size_t i = 0; i < k->image_syms.count; i++) {
		const struct symbol *sym = &k->image_syms.entries[i];
		uint64_t v = sym->value + (sym->kind == SYMBOL_LABEL ? k->load_address : 0);
		symtab_add(&k->syms, sym->name, (uint32_t)v, sym->kind);
	}
	return 0;
}

/* "dir/modes.bin" -> "dir/modes.sym" */
static void
kvmb_sym_path(const char *path, char *buf, size_t len)
{
	const char *slash = strrchr(path, '/'), *dot = strrchr(path, '.');
	size_t stem = dot && (!slash || dot > slash) ? (size_t)(dot - path) : strlen(path);
	snprintf(buf, len, "%.*s.sym", (int)stem, path);
}

/* The guest's symbols, as `nm -n` lists them beside a flat binary linked
 * at 0 (the Makefile's build/guests/x86/NAME.sym): "VALUE TYPE NAME".  Text
 * and data symbols are labels (offsets in the image); absolute ones are
 * constants; the linker's own (__bss_start, _edata, _end) are left out. */
static int
kvmb_read_syms(const char *path, struct symtab *t, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;                  /* no .sym: no symbols */
	char line[512];
	unsigned lineno = 0;
	int rc = 0;
	while (rc == 0 && fgets(line, sizeof line, f)) {
		lineno++;
		unsigned long long value;
		char type, name[256];
		if (line[0] == '\n' || line[0] == '#')
			continue;
		if (sscanf(line, "%llx %c %255s", &value, &type, name) != 3 || value > UINT32_MAX) {
			snprintf(err, errlen, "%s:%u: expected 'VALUE TYPE NAME' as nm prints it",
				 path, lineno);
			rc = -1;
		} else if (strcmp(name, "__bss_start") == 0 || strcmp(name, "_edata") == 0 ||
			   strcmp(name, "_end") == 0 || !strchr("tTdDbBrRaA", type)) {
			continue;
		} else if (symtab_add(t, name, (uint32_t)value, (type == 'a' || type == 'A')
					  ? SYMBOL_CONSTANT : SYMBOL_LABEL) < 0) {
			snprintf(err, errlen, "out of memory");
			rc = -1;
		}
	}
	fclose(f);
	return rc;
}

static int
kvmb_load(struct backend *b, const char *path, char *err, size_t errlen)
{
	struct kvm_backend *k = kvmb(b);
	uint8_t *image;
	size_t size;
	struct symtab syms;
	char sym_path[4096];
	if (backend_read_file(path, &image, &size, err, errlen) < 0)
		return -1;
	symtab_init(&syms);
	kvmb_sym_path(path, sym_path, sizeof sym_path);
	if (kvmb_read_syms(sym_path, &syms, err, errlen) < 0) {
		symtab_free(&syms);
		free(image);
		return -1;
	}
	char *copy = strdup(path);
	if (!copy) {
		symtab_free(&syms);
		free(image);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	free(k->image);
	symtab_free(&k->image_syms);
	free(k->path);
	k->image = image;
	k->size = size;
	k->image_syms = syms;
	k->path = copy;
	memset(k->bp_used, 0, sizeof k->bp_used);
	k->watches.count = 0;
	return kvmb_start(k, err, errlen);
}

static bool
kvmb_loaded(const struct backend *b)
{
	return kvmb(b)->g != NULL;
}

static int
kvmb_reset(struct backend *b, char *err, size_t errlen)
{
	struct kvm_backend *k = kvmb(b);
	if (!k->image)
		return backend_no_guest(err, errlen);
	return kvmb_start(k, err, errlen);
}

static void
kvmb_describe(const struct backend *b, char *buf, size_t len)
{
	const struct kvm_backend *k = kvmb(b);
	snprintf(buf, len, "%s on KVM, %s mode at 0x%llx, %zu MiB%s; %s",
		 k->path ? k->path : "(no guest)", kvmb_mode_name(k->cpu_mode),
		 (unsigned long long)k->load_address, k->memory_mib, k->ended ? " (ended)" : "",
		 k->host_note);
}

static void
kvmb_destroy(struct backend *b)
{
	struct kvm_backend *k = kvmb(b);
	kvm_guest_destroy(k->g);
	free(k->image);
	free(k->path);
	symtab_free(&k->image_syms);
	symtab_free(&k->syms);
	csh *handles[] = { &k->cs16, &k->cs32, &k->cs64 };
	for (size_t i = 0; i < sizeof handles / sizeof handles[0]; i++)
		if (*handles[i])
			cs_close(handles[i]);
	free(k);
}

/* ===== running ===================================================================== */

static bool
kvmb_not_runnable(struct kvm_backend *k, struct backend_stop *stop)
{
	if (!k->g) {
		backend_stop_no_guest(stop);
		return true;
	}
	if (k->ended) {
		stop->kind = BSTOP_EXITED;
		snprintf(stop->message, sizeof stop->message,
			 "the guest has ended (%.200s); `reset` starts it again", k->end_message);
		return true;
	}
	return false;
}

/* A stop of kvm.h that ends this run: say what it means in *stop.  Returns
 * false for the stops the caller handles (DEBUG, EXIT_LIMIT). */
static bool
kvmb_translate_stop(struct kvm_backend *k, const struct kvm_stop *ks, struct backend_stop *stop)
{
	const char *msg = ks->message;
	char fallback[160];
	switch (ks->kind) {
	case KVM_STOP_DEBUG:
	case KVM_STOP_EXIT_LIMIT:
		return false;
	case KVM_STOP_INTERRUPTED:
		backend_stop_interrupted(stop);
		return true;
	case KVM_STOP_POWER_OFF:
		stop->kind = BSTOP_EXITED;
		stop->exit_status = 0;
		snprintf(fallback, sizeof fallback, "the guest powered off");
		break;
	case KVM_STOP_RESET:
		stop->kind = BSTOP_EXITED;
		snprintf(fallback, sizeof fallback, "the guest reset the machine");
		break;
	case KVM_STOP_EMULATION:
		stop->kind = BSTOP_EXITED;
		snprintf(fallback, sizeof fallback, "KVM could not emulate the instruction at 0x%llx",
			 (unsigned long long)ks->rip);
		break;
	case KVM_STOP_FAIL_ENTRY:
	case KVM_STOP_ERROR:
		stop->kind = BSTOP_ERROR;
		snprintf(fallback, sizeof fallback, "KVM_RUN failed at 0x%llx",
			 (unsigned long long)ks->rip);
		break;
	}
	if (!msg[0])
		msg = fallback;
	k->ended = true;
	snprintf(k->end_message, sizeof k->end_message, "%s", msg);
	snprintf(stop->message, sizeof stop->message, "%s", msg);
	return true;
}

static int
kvmb_breakpoint_slot(const struct kvm_backend *k, uint64_t addr)
{
	for (int i = 0; i < KVM_HW_BREAKPOINTS; i++)
		if (k->bp_used[i] && k->bp_addr[i] == addr)
			return i;
	return -1;
}

/* One instruction.  Returns true when *stop is final (the guest ended, an
 * error, Control-C). */
static bool
kvmb_step_one(struct kvm_backend *k, struct backend_stop *stop)
{
	struct kvm_exit_counts before;
	struct kvm_stop ks;
	uint64_t pc = kvmb_guest_pc(k);
	kvm_guest_exit_counts(k->g, &before);
	/* A step from a breakpoint of ours would end at once in the breakpoint's
	 * own debug exit, before the instruction: RFLAGS.RF, the architecture's
	 * way over it, is not honoured on kvm_pvm hosts [measured here].  So do
	 * what GDB does: take the breakpoint out for the one step. */
	int slot = kvmb_breakpoint_slot(k, pc);
	if (slot >= 0)
		kvm_guest_clear_hw_breakpoint(k->g, (unsigned)slot);
	kvm_guest_step(k->g, &ks);
	if (slot >= 0) {
		char err[160];
		if (kvm_guest_set_hw_breakpoint(k->g, (unsigned)slot, pc, err, sizeof err) < 0)
			k->bp_used[slot] = false;      /* it was set before: cannot happen */
	}
	k->steps++;
	bool final = kvmb_translate_stop(k, &ks, stop);
	kvmb_report_exits(k, &before, true, pc, final && stop->kind != BSTOP_INTERRUPTED);
	return final;
}

/* Single-step up to n instructions, stopping at watchpoints, and with
 * `at_breakpoints` before a breakpoint (never before the first). */
static void
kvmb_steps(struct kvm_backend *k, uint64_t n, bool at_breakpoints, struct backend_stop *stop)
{
	for (uint64_t done = 0; done < n; done++) {
		if (k->interrupted) {
			backend_stop_interrupted(stop);
			return;
		}
		uint64_t pc = kvmb_guest_pc(k);
		if (at_breakpoints && done > 0 && kvmb_breakpoint_slot(k, pc) >= 0) {
			backend_stop_breakpoint(stop, pc, KVM_ADDR_DIGITS);
			return;
		}
		if (kvmb_step_one(k, stop) ||
		    backend_watch_fired(&k->watches, kvmb_read_word, k, KVM_ADDR_DIGITS, stop))
			return;
	}
}

/* Full speed until a hardware breakpoint, the end, or Control-C.  Exits are
 * taken one kvm_guest_run at a time when someone listens for events. */
static void
kvmb_run_free(struct kvm_backend *k, struct backend_stop *stop)
{
	/* from a breakpoint, move on first: DR0-3 would fire again at once
	 * (stepping takes the breakpoint out for that instruction) */
	if (kvmb_breakpoint_slot(k, kvmb_guest_pc(k)) >= 0 && kvmb_step_one(k, stop))
		return;
	for (;;) {
		if (k->interrupted) {
			backend_stop_interrupted(stop);
			return;
		}
		struct kvm_exit_counts before;
		struct kvm_stop ks;
		kvm_guest_exit_counts(k->g, &before);
		kvm_guest_run(k->g, k->event_fn ? 1 : 0, &ks);
		bool final = kvmb_translate_stop(k, &ks, stop);
		kvmb_report_exits(k, &before, false, 0, final && stop->kind != BSTOP_INTERRUPTED);
		if (final)
			return;
		if (ks.kind == KVM_STOP_DEBUG) {
			/* any debug exit stops as a breakpoint would; say so when
			 * none of ours is there */
			uint64_t pc = kvmb_guest_pc(k);
			backend_stop_breakpoint(stop, pc, KVM_ADDR_DIGITS);
			if (kvmb_breakpoint_slot(k, pc) < 0)
				snprintf(stop->message, sizeof stop->message,
					 "debug exit at 0x%llx (no breakpoint of ours there)",
					 (unsigned long long)pc);
			return;
		}
	}
}

static void
kvmb_run(struct backend *b, uint64_t max_instructions, struct backend_stop *stop)
{
	struct kvm_backend *k = kvmb(b);
	backend_stop_begin(stop, BSTOP_BUDGET);
	if (kvmb_not_runnable(k, stop))
		return;
	k->interrupted = 0;
	if (max_instructions == UINT64_MAX && k->watches.count == 0) {
		kvmb_run_free(k, stop);
	} else {
		/* KVM counts no instructions: a budget (or a watchpoint) means
		 * stepping one instruction at a time */
		kvmb_steps(k, max_instructions, true, stop);
		backend_stop_explain_budget(stop, max_instructions);
	}
	stop->pc = kvmb_guest_pc(k);
}

static void
kvmb_step(struct backend *b, uint64_t n, struct backend_stop *stop)
{
	struct kvm_backend *k = kvmb(b);
	backend_stop_begin(stop, BSTOP_STEPPED);
	if (kvmb_not_runnable(k, stop))
		return;
	k->interrupted = 0;
	kvmb_steps(k, n, false, stop);
	stop->pc = kvmb_guest_pc(k);
}

/* From the SIGINT handler: a flag, and KVM's own immediate exit. */
static void
kvmb_interrupt(struct backend *b)
{
	struct kvm_backend *k = kvmb(b);
	k->interrupted = 1;
	if (k->g)
		kvm_guest_interrupt(k->g);
}

/* ===== disassembly ================================================================= */

static csh
kvmb_capstone(const struct kvm_backend *k, const struct kvmb_state *s)
{
	if (kvmb_code64(s))
		return k->cs64;
	if ((s->sregs.cr0 & X86_CR0_PE) && s->sregs.cs.db)
		return k->cs32;
	return k->cs16;
}

/* Decode one instruction at a linear address with the current code size.
 * Returns its length (0: nothing readable there). */
static size_t
kvmb_decode(struct kvm_backend *k, uint64_t addr, cs_insn **insn)
{
	struct kvmb_state s;
	uint8_t code[X86_MAX_INSN];
	*insn = NULL;
	if (!k->cs_open || kvmb_get(k, &s) < 0)
		return 0;
	size_t n = kvmb_fetch(k, addr, code, sizeof code);
	if (n == 0)
		return 0;
	if (cs_disasm(kvmb_capstone(k, &s), code, n, addr, 1, insn) != 1) {
		*insn = NULL;
		return 1;               /* readable, but not an instruction */
	}
	return (*insn)->size;
}

static size_t
kvmb_disassemble(struct backend *b, uint64_t addr, char *buf, size_t len)
{
	struct kvm_backend *k = kvmb(b);
	cs_insn *insn;
	size_t size = kvmb_decode(k, addr, &insn);
	if (size == 0) {
		snprintf(buf, len, "(cannot read 0x%08llx)", (unsigned long long)addr);
		return 0;
	}
	if (!insn) {
		uint8_t byte = 0;
		kvmb_fetch(k, addr, &byte, 1);
		snprintf(buf, len, "(bad) .byte 0x%02x", byte);
		return 1;
	}
	snprintf(buf, len, "%s%s%s", insn->mnemonic, insn->op_str[0] ? " " : "", insn->op_str);
	cs_free(insn, 1);
	return size;
}

static bool
kvmb_call_return_address(struct backend *b, uint64_t *addr)
{
	struct kvm_backend *k = kvmb(b);
	if (!k->g)
		return false;
	uint64_t pc = kvmb_guest_pc(k);
	cs_insn *insn;
	size_t size = kvmb_decode(k, pc, &insn);
	if (!insn)
		return false;
	bool call = insn->id == X86_INS_CALL || insn->id == X86_INS_LCALL;
	cs_free(insn, 1);
	if (call)
		*addr = pc + size;
	return call;
}

/* ===== registers =================================================================== */

static uint64_t
kvmb_pc(const struct backend *b)
{
	return kvmb_guest_pc(kvmb(b));
}

/* "ZF IF" from a bit mask and a name per bit (NULL: not shown). */
static const char *
kvmb_flag_note(uint64_t value, const char *const *names, unsigned count, const char *lead,
	       char *buf, size_t len)
{
	size_t n = (size_t)snprintf(buf, len, "%s", lead ? lead : "");
	for (unsigned i = 0; i < count && n < len; i++)
		if (names[i] && (value >> i & 1))
			n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? " " : "", names[i]);
	return buf;
}

static const char *const rflags_names[] = {
	"CF", NULL, "PF", NULL, "AF", NULL, "ZF", "SF", "TF", "IF", "DF", "OF", NULL, NULL,
	"NT", NULL, "RF", "VM", "AC", "VIF", "VIP", "ID",
};
static const char *const cr0_names[] = {
	"PE", "MP", "EM", "TS", "ET", "NE", [16] = "WP", [18] = "AM", [29] = "NW", [30] = "CD",
	[31] = "PG",
};
static const char *const cr4_names[] = {
	"VME", "PVI", "TSD", "DE", "PSE", "PAE", "MCE", "PGE", "PCE", "OSFXSR", "OSXMMEXCPT",
	"UMIP", "LA57", "VMXE", "SMXE", [16] = "FSGSBASE", [17] = "PCIDE", [18] = "OSXSAVE",
	[20] = "SMEP", [21] = "SMAP", [22] = "PKE",
};
static const char *const efer_names[] = {
	"SCE", [8] = "LME", [10] = "LMA", [11] = "NXE", [12] = "SVME", [13] = "LMSLE",
	[14] = "FFXSR",
};
#define NAMES(a) a, (unsigned)(sizeof a / sizeof a[0])

/* The mode the vCPU is in, as the first word of CR0's note (`info vcpu`). */
static const char *
kvmb_cpu_mode_word(const struct kvmb_state *s)
{
	if (s->sregs.efer & X86_EFER_LMA)
		return kvmb_code64(s) ? "long" : "compatibility";
	return (s->sregs.cr0 & X86_CR0_PE) ? "protected" : "real";
}

static size_t
kvmb_registers(struct backend *b, enum backend_reg_group group, struct backend_reg *out,
	       size_t max)
{
	struct kvm_backend *k = kvmb(b);
	struct kvmb_state s;
	if (kvmb_get(k, &s) < 0)
		return 0;
	/* notes point into static buffers valid until the next call */
	static char flags_note[96], cr0_note[96], cr4_note[128], efer_note[64], pc_note[64];
	static char seg_notes[8][80];
	size_t n = 0;
	const struct kvm_regs *r = &s.regs;
	switch (group) {
	case REGS_GENERAL: {
		const struct { const char *name; uint64_t value; } gprs[] = {
			{ "rax", r->rax }, { "rbx", r->rbx }, { "rcx", r->rcx }, { "rdx", r->rdx },
			{ "rsi", r->rsi }, { "rdi", r->rdi }, { "rbp", r->rbp }, { "rsp", r->rsp },
			{ "r8", r->r8 },   { "r9", r->r9 },   { "r10", r->r10 }, { "r11", r->r11 },
			{ "r12", r->r12 }, { "r13", r->r13 }, { "r14", r->r14 }, { "r15", r->r15 },
			{ "rip", r->rip },
		};
		for (size_t i = 0; i < sizeof gprs / sizeof gprs[0]; i++)
			backend_reg_put(out, max, &n, gprs[i].name, gprs[i].value, 64, NULL);
		uint64_t iopl = r->rflags >> 12 & 3;
		kvmb_flag_note(r->rflags, NAMES(rflags_names), NULL, flags_note, sizeof flags_note);
		if (iopl) {
			size_t used = strlen(flags_note);
			snprintf(flags_note + used, sizeof flags_note - used, "%sIOPL=%llu",
				 used ? " " : "", (unsigned long long)iopl);
		}
		backend_reg_put(out, max, &n, "rflags", r->rflags, 32, flags_note);
		snprintf(pc_note, sizeof pc_note, "linear: cs.base + rip");
		backend_reg_put(out, max, &n, "pc", kvmb_linear_pc(&s), kvmb_addr_bits(&s), pc_note);
		break;
	}
	case REGS_CONTROL:
		kvmb_flag_note(s.sregs.cr0, NAMES(cr0_names), kvmb_cpu_mode_word(&s), cr0_note,
			       sizeof cr0_note);
		backend_reg_put(out, max, &n, "cr0", s.sregs.cr0, 32, cr0_note);
		backend_reg_put(out, max, &n, "cr2", s.sregs.cr2, 64, NULL);
		backend_reg_put(out, max, &n, "cr3", s.sregs.cr3, 64, NULL);
		backend_reg_put(out, max, &n, "cr4", s.sregs.cr4, 32,
			kvmb_flag_note(s.sregs.cr4, NAMES(cr4_names), NULL, cr4_note, sizeof cr4_note));
		backend_reg_put(out, max, &n, "efer", s.sregs.efer, 32,
			kvmb_flag_note(s.sregs.efer, NAMES(efer_names), NULL, efer_note,
				       sizeof efer_note));
		break;
	case REGS_SEGMENT: {
		const struct { const char *name; const struct kvm_segment *seg; } segs[] = {
			{ "cs", &s.sregs.cs }, { "ds", &s.sregs.ds }, { "es", &s.sregs.es },
			{ "fs", &s.sregs.fs }, { "gs", &s.sregs.gs }, { "ss", &s.sregs.ss },
		};
		for (size_t i = 0; i < sizeof segs / sizeof segs[0]; i++) {
			const struct kvm_segment *sg = segs[i].seg;
			snprintf(seg_notes[i], sizeof seg_notes[i], "base=0x%llx limit=0x%x%s%s%s",
				 (unsigned long long)sg->base, sg->limit, sg->l ? " L" : "",
				 sg->db ? " DB" : "", sg->unusable ? " unusable" : "");
			backend_reg_put(out, max, &n, segs[i].name, sg->selector, 16, seg_notes[i]);
		}
		snprintf(seg_notes[6], sizeof seg_notes[6], "limit=0x%x", s.sregs.gdt.limit);
		backend_reg_put(out, max, &n, "gdtr", s.sregs.gdt.base, 64, seg_notes[6]);
		snprintf(seg_notes[7], sizeof seg_notes[7], "limit=0x%x", s.sregs.idt.limit);
		backend_reg_put(out, max, &n, "idtr", s.sregs.idt.base, 64, seg_notes[7]);
		break;
	}
	case REGS_REAL:
		/* What the host CPU holds while the guest runs is KVM's secret (the
		 * VMCS host state, or PVM's shadow page tables): nothing to show. */
	case REG_GROUPS:
		break;
	}
	return n;
}

static __u64 *
kvmb_gpr(struct kvm_regs *r, const char *name)
{
	struct { const char *name; __u64 *p; } gprs[] = {
		{ "rax", &r->rax }, { "rbx", &r->rbx }, { "rcx", &r->rcx }, { "rdx", &r->rdx },
		{ "rsi", &r->rsi }, { "rdi", &r->rdi }, { "rbp", &r->rbp }, { "rsp", &r->rsp },
		{ "r8", &r->r8 },   { "r9", &r->r9 },   { "r10", &r->r10 }, { "r11", &r->r11 },
		{ "r12", &r->r12 }, { "r13", &r->r13 }, { "r14", &r->r14 }, { "r15", &r->r15 },
		{ "rip", &r->rip }, { "rflags", &r->rflags },
	};
	for (size_t i = 0; i < sizeof gprs / sizeof gprs[0]; i++)
		if (strcmp(gprs[i].name, name) == 0)
			return gprs[i].p;
	return NULL;
}

static int
kvmb_set_register(struct backend *b, const char *name, uint64_t value, char *err, size_t errlen)
{
	struct kvm_backend *k = kvmb(b);
	struct kvmb_state s;
	if (kvmb_get(k, &s) < 0)
		return backend_no_guest(err, errlen);
	struct kvm_sregs *sr = &s.sregs;
	struct kvm_segment *seg = NULL;
	__u64 *p = kvmb_gpr(&s.regs, name);
	if (p)
		*p = value;
	else if (strcmp(name, "pc") == 0)
		s.regs.rip = kvmb_code64(&s) ? value : value - sr->cs.base;
	else if (strcmp(name, "cr0") == 0)
		sr->cr0 = value;
	else if (strcmp(name, "cr2") == 0)
		sr->cr2 = value;
	else if (strcmp(name, "cr3") == 0)
		sr->cr3 = value;
	else if (strcmp(name, "cr4") == 0)
		sr->cr4 = value;
	else if (strcmp(name, "efer") == 0)
		sr->efer = value;
	else if (strcmp(name, "cs") == 0) seg = &sr->cs;
	else if (strcmp(name, "ds") == 0) seg = &sr->ds;
	else if (strcmp(name, "es") == 0) seg = &sr->es;
	else if (strcmp(name, "fs") == 0) seg = &sr->fs;
	else if (strcmp(name, "gs") == 0) seg = &sr->gs;
	else if (strcmp(name, "ss") == 0) seg = &sr->ss;
	else {
		snprintf(err, errlen, "no register '%s' (general: rax-rdx rsi rdi rbp rsp r8-r15 "
			 "rip rflags pc; control: cr0 cr2 cr3 cr4 efer; segment: cs ds es fs gs ss)",
			 name);
		return -1;
	}
	if (seg) {
		/* real mode only: there the selector is the base (selector << 4);
		 * elsewhere it names a descriptor the guest must load itself */
		if (sr->cr0 & X86_CR0_PE) {
			snprintf(err, errlen, "%s: segment registers can be set in real mode only "
				 "(in protected mode the guest loads the descriptor)", name);
			return -1;
		}
		seg->selector = (uint16_t)value;
		seg->base = (value & 0xffff) << 4;
	}
	if (kvm_guest_set_regs(k->g, &s.regs, &s.sregs) < 0) {
		snprintf(err, errlen, "%s: KVM_SET_REGS/KVM_SET_SREGS refused the value", name);
		return -1;
	}
	return 0;
}

static const struct symtab *
kvmb_symbols(const struct backend *b)
{
	return &kvmb(b)->syms;
}

/* ===== breakpoints and watchpoints ================================================= */

static int
kvmb_add_breakpoint(struct backend *b, uint64_t addr, char *err, size_t errlen)
{
	struct kvm_backend *k = kvmb(b);
	if (kvmb_breakpoint_slot(k, addr) >= 0) {
		snprintf(err, errlen, "there is already a breakpoint at 0x%llx",
			 (unsigned long long)addr);
		return -1;
	}
	int slot = -1;
	for (int i = 0; i < KVM_HW_BREAKPOINTS && slot < 0; i++)
		if (!k->bp_used[i])
			slot = i;
	if (slot < 0) {
		snprintf(err, errlen, "all %d hardware breakpoints are in use; delete one",
			 KVM_HW_BREAKPOINTS);
		return -1;
	}
	if (k->g && kvm_guest_set_hw_breakpoint(k->g, (unsigned)slot, addr, err, errlen) < 0)
		return -1;
	k->bp_used[slot] = true;
	k->bp_addr[slot] = addr;
	return 0;
}

static int
kvmb_remove_breakpoint(struct backend *b, uint64_t addr)
{
	struct kvm_backend *k = kvmb(b);
	int slot = kvmb_breakpoint_slot(k, addr);
	if (slot < 0)
		return -1;
	k->bp_used[slot] = false;
	if (k->g)
		kvm_guest_clear_hw_breakpoint(k->g, (unsigned)slot);
	return 0;
}

/* kvm.h offers execution breakpoints only, so a watchpoint single-steps
 * the guest and compares the word after each instruction, as PG32 does. */
static int
kvmb_add_watchpoint(struct backend *b, uint64_t addr, char *err, size_t errlen)
{
	return backend_watch_add(&kvmb(b)->watches, addr, kvmb_read_word, kvmb(b), err, errlen);
}

static int
kvmb_remove_watchpoint(struct backend *b, uint64_t addr)
{
	return backend_watch_remove(&kvmb(b)->watches, addr);
}

/* ===== figures and events ========================================================== */

enum { KVM_STATS_MAX = 96 };

/* Exits that reached TrapLab, by reason, beside KVM's own per-vCPU counters
 * (which count the exits KVM handled without us too: KVM-NOTES §3.8). */
static size_t
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
		const char *name = kvm_exit_reason_name(r);
		char num[16];
		snprintf(num, sizeof num, "%u", r);
		backend_stat_put(out, max, &n, "exits.", name ? name : num, c.by_reason[r]);
	}
	for (unsigned i = 0; i < 4; i++)
		if (c.io_by_port_class[i])
			backend_stat_put(out, max, &n, "io.", io_class_names[i], c.io_by_port_class[i]);
	backend_stat_put(out, max, &n, "", "monitor.steps", k->steps);
	static char names[KVM_STATS_MAX][48];
	static uint64_t values[KVM_STATS_MAX];
	size_t nk = kvm_guest_kernel_stats(k->g, names, values, KVM_STATS_MAX);
	for (size_t i = 0; i < nk; i++)
		if (values[i] || strcmp(names[i], "exits") == 0)
			backend_stat_put(out, max, &n, "kvm.", names[i], values[i]);
	return n;
}

static void
kvmb_set_event_hook(struct backend *b, backend_event_fn fn, void *ctx)
{
	struct kvm_backend *k = kvmb(b);
	k->event_fn = fn;
	k->event_ctx = ctx;
}

/* ===== settings and tools ========================================================== */

static const struct backend_option kvmb_option_list[] = {
	{ "cpu-mode", "real protected long", "the mode the guest starts in: real (CS = "
	  "load-address >> 4), protected (flat 32-bit segments) or long (flat, identity-paged) "
	  "(restarts the guest)" },
	{ "load-address", NULL, "the guest-physical address the binary is loaded at and "
	  "entered at (restarts the guest)" },
	{ "memory", NULL, "guest RAM in MiB (restarts the guest)" },
	{ NULL, NULL, NULL },
};

static const struct backend_option *
kvmb_options(const struct backend *b)
{
	(void)b;
	return kvmb_option_list;
}

static int
kvmb_get_option(const struct backend *b, const char *name, char *buf, size_t len)
{
	const struct kvm_backend *k = kvmb(b);
	if (strcmp(name, "cpu-mode") == 0)
		snprintf(buf, len, "%s", kvmb_mode_name(k->cpu_mode));
	else if (strcmp(name, "load-address") == 0)
		snprintf(buf, len, "0x%llx", (unsigned long long)k->load_address);
	else if (strcmp(name, "memory") == 0)
		snprintf(buf, len, "%zu", k->memory_mib);
	else
		return -1;
	return 0;
}

static int
kvmb_set_option(struct backend *b, const char *name, const char *value, char *err, size_t errlen)
{
	struct kvm_backend *k = kvmb(b);
	char *end;
	if (strcmp(name, "cpu-mode") == 0) {
		if (strcmp(value, "real") == 0)
			k->cpu_mode = KVM_MODE_REAL;
		else if (strcmp(value, "protected") == 0)
			k->cpu_mode = KVM_MODE_PROTECTED;
		else if (strcmp(value, "long") == 0)
			k->cpu_mode = KVM_MODE_LONG;
		else {
			snprintf(err, errlen, "no cpu-mode '%s' (choose real, protected or long)", value);
			return -1;
		}
	} else if (strcmp(name, "load-address") == 0) {
		errno = 0;
		unsigned long long a = strtoull(value, &end, 0);
		if (!*value || *end || errno || a >= (unsigned long long)k->memory_mib * MIB) {
			snprintf(err, errlen, "load-address %s: expected an address below the "
				 "guest's %zu MiB (0x1000, 0x100000)", value, k->memory_mib);
			return -1;
		}
		k->load_address = a;
	} else if (strcmp(name, "memory") == 0) {
		errno = 0;
		unsigned long mib = strtoul(value, &end, 0);
		if (!*value || *end || errno || mib == 0 || mib > MAX_MEMORY_MIB ||
		    k->load_address >= (uint64_t)mib * MIB) {
			snprintf(err, errlen, "memory %s: expected MiB, 1 to %d, above the "
				 "load-address 0x%llx", value, MAX_MEMORY_MIB,
				 (unsigned long long)k->load_address);
			return -1;
		}
		k->memory_mib = mib;
	} else {
		return backend_no_option(kvmb_option_list, name, err, errlen);
	}
	return k->image ? kvmb_start(k, err, errlen) : 0;
}

static const struct backend_tool *
kvmb_tools(const struct backend *b)
{
	(void)b;
	static const struct backend_tool none[] = { { NULL, NULL, NULL } };
	return none;
}

static int
kvmb_run_tool(struct backend *b, int argc, char **argv, FILE *out, char *err, size_t errlen)
{
	(void)b;
	(void)argc;
	(void)out;
	snprintf(err, errlen, "no tool '%s' (the kvm backend has none)", argv[0]);
	return -1;
}

/* ===== the table =================================================================== */

static const struct backend_ops kvm_ops = {
	.name = "kvm",
	.destroy = kvmb_destroy,
	.load = kvmb_load,
	.loaded = kvmb_loaded,
	.reset = kvmb_reset,
	.describe = kvmb_describe,
	.run = kvmb_run,
	.step = kvmb_step,
	.interrupt = kvmb_interrupt,
	.call_return_address = kvmb_call_return_address,
	.pc = kvmb_pc,
	.registers = kvmb_registers,
	.set_register = kvmb_set_register,
	.read_memory = kvmb_read_memory,
	.write_memory = kvmb_write_memory,
	.disassemble = kvmb_disassemble,
	.symbols = kvmb_symbols,
	.add_breakpoint = kvmb_add_breakpoint,
	.remove_breakpoint = kvmb_remove_breakpoint,
	.add_watchpoint = kvmb_add_watchpoint,
	.remove_watchpoint = kvmb_remove_watchpoint,
	.stats = kvmb_stats,
	.set_event_hook = kvmb_set_event_hook,
	.options = kvmb_options,
	.get_option = kvmb_get_option,
	.set_option = kvmb_set_option,
	.tools = kvmb_tools,
	.run_tool = kvmb_run_tool,
};

struct backend *
backend_kvm_create(char *err, size_t errlen)
{
	char line[256];
	if (kvm_host_probe(line, sizeof line) == KVM_HOST_NONE) {
		snprintf(err, errlen, "%s", line);
		return NULL;
	}
	struct kvm_backend *k = calloc(1, sizeof *k);
	if (!k) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	k->base.ops = &kvm_ops;
	k->cpu_mode = KVM_MODE_REAL;
	k->load_address = DEFAULT_LOAD_ADDRESS;
	k->memory_mib = DEFAULT_MEMORY_MIB;
	snprintf(k->host_note, sizeof k->host_note, "%s", line);
	symtab_init(&k->image_syms);
	symtab_init(&k->syms);
	if (cs_open(CS_ARCH_X86, CS_MODE_16, &k->cs16) != CS_ERR_OK ||
	    cs_open(CS_ARCH_X86, CS_MODE_32, &k->cs32) != CS_ERR_OK ||
	    cs_open(CS_ARCH_X86, CS_MODE_64, &k->cs64) != CS_ERR_OK) {
		snprintf(err, errlen, "Capstone: cannot open the x86 disassembler");
		kvmb_destroy(&k->base);
		return NULL;
	}
	k->cs_open = true;
	return &k->base;
}
