/* test_fuzz.c — differential fuzzing of the monitor against bare hardware
 * (Popek & Goldberg's equivalence, checked by equiv_check; Labs 3–8: trap,
 * hybrid, shadow paging, bt).  Seeded generators encode PG32 guests with
 * isa_encode: valid random kernels and user programs (every opcode, paging
 * or relocation, timer interrupts, self-modifying code) that every required
 * mode must run bit for bit like bare, and supervisor-mode garbage that
 * every mode must survive, and on strict still match bare.
 *   TRAPLAB_FUZZ_SEEDS=N  seeds per generator;  TRAPLAB_FUZZ_FIRST=S  first
 *   seed (replay one: FIRST=S SEEDS=1);  TRAPLAB_FUZZ_DUMP=1  disassemble a
 *   failing guest.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "disasm.h"
#include "equiv.h"
#include "support.h"
#include "vm.h"

/* ===== seeds and time =========================================================== */

/* Default seed counts keep the suite around two seconds; the sanitizer
 * build is about ten times slower, so it runs a quarter as many. */
#if defined(__SANITIZE_ADDRESS__)
enum { DEFAULT_GUEST_SEEDS = 40, DEFAULT_HOSTILE_SEEDS = 20 };
#else
enum { DEFAULT_GUEST_SEEDS = 160, DEFAULT_HOSTILE_SEEDS = 80 };
#endif

enum { FUZZ_MEMORY = 64 * 1024 };       /* guest memory, bytes */
#define WATCHDOG_SECONDS 120            /* an equivalence check this long has hung */
#define STRINGIFY_(x) #x
#define STRINGIFY(x) STRINGIFY_(x)
#define GUEST_BUDGET   UINT64_C(400000)
#define HOSTILE_BUDGET UINT64_C(20000)

static unsigned
env_unsigned(const char *name, unsigned fallback)
{
	const char *s = getenv(name);
	if (!s || !*s)
		return fallback;
	char *end;
	unsigned long v = strtoul(s, &end, 0);
	return *end ? fallback : (unsigned)v;
}

/* A hang must not hang `make test` silently: name what was running, and go. */
static char watchdog_note[200];

static void
watchdog_fire(int sig)
{
	(void)sig;
	static const char head[] = "\nmonitor fuzz: WATCHDOG: no end after "
				   STRINGIFY(WATCHDOG_SECONDS) " s: ";
	ssize_t rc = write(2, head, sizeof head - 1);
	rc = write(2, watchdog_note, strlen(watchdog_note));
	(void)rc;
	_exit(3);
}

/* ===== a deterministic random source (splitmix64) ============================= */

struct rng {
	uint64_t s;
};

static uint32_t
rnd(struct rng *r)
{
	uint64_t z = (r->s += UINT64_C(0x9e3779b97f4a7c15));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return (uint32_t)((z ^ (z >> 31)) >> 32);
}

static uint32_t
below(struct rng *r, uint32_t n)
{
	return n ? rnd(r) % n : 0;
}

static bool
chance(struct rng *r, unsigned percent)
{
	return below(r, 100) < percent;
}

/* ===== the guest's layout (guest-physical; paging maps it 1:1) ================= */

enum {
	KCODE = 0x0000,       /* boot, then the random kernel body */
	KCODE_END = 0x1f00,
	PATCHF = 0x1f00,      /* a two-word function the kernel rewrites: insn; jr lr */
	HANDLER1 = 0x2000,    /* the trap handler (paging: a read-only page) */
	HANDLER2 = 0x2400,    /* a second one (without the PATCHF call), for mtcr tvec */
	TRAPLOG = 0x3000,     /* trap count, then 16 records of cause, epc, badaddr, epsw */
	KDATA = 0x3400,       /* kernel data the random kernel code uses */
	L1_TABLE = 0x4000,
	L2_TABLE = 0x5000,
	UCODE = 0x6000,       /* user code (relocation: user virtual 0) */
	UDATA = 0x7000,
	U_RO = 0x8000,        /* user read-only */
	U_NX = 0x9000,        /* user, not executable */
	HOLE = 0xa000,        /* not mapped */
	K_ONLY = 0xb000,      /* supervisor-only data */
	L1_TABLE2 = 0xc000,   /* a second address space: the same kernel, */
	L2_TABLE2 = 0xd000,   /* user data and ALT_DATA swapped */
	ALT_DATA = 0xe000,
	ALT_FUNC = 0xef00,    /* a second PATCHF-like function, in ALT_DATA */
	ALIAS_FUNC = 0xff00,  /* paging: PATCHF or ALT_FUNC, as page 15 maps */
	MAPPED_PAGES = 17,    /* page 16 maps a frame beyond memory (MEMORY fault) */
};

/* Register roles: r10 is the data base, r11 a base near the end of the
 * address space, r12/r13 belong to the trap handler, r7 counts loops and
 * r8/r9 are the scratch of multi-word constructs. */
enum { REG_LOOP = 7, REG_S1 = 8, REG_S2 = 9, REG_BASE = 10, REG_EDGE = 11 };
static const uint8_t writable_regs[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 14, 15 };

static uint32_t
enc(enum isa_opcode op, unsigned rd, unsigned rs, unsigned rt, int32_t imm)
{
	struct isa_insn in = { .op = op, .rd = (uint8_t)rd, .rs = (uint8_t)rs, .rt = (uint8_t)rt,
			       .imm = imm };
	return isa_encode(&in);
}

/* ===== emitting a body of code, with forward fix-ups =========================== */

enum { MAX_MARKS = 4096, MAX_FIXES = 2048 };

struct fixup {
	uint32_t pa;
	enum isa_opcode op;       /* a branch (FMT_BR) or adr */
	uint8_t rd;
	unsigned mark;            /* which construct it lands on */
};

/* A stretch of code: a construct starts at each mark, and branches and
 * computed jumps only ever go forward to a later mark, so runs end. */
struct body {
	uint32_t *img;
	uint32_t pa, end;
	uint32_t va_minus_pa;     /* virtual = physical + this (relocated user code) */
	bool sup;
	uint32_t marks[MAX_MARKS];
	unsigned nmarks;
	struct fixup fix[MAX_FIXES];
	unsigned nfix;
};

static uint32_t
va_of(const struct body *b, uint32_t pa)
{
	return pa + b->va_minus_pa;
}

static void
put(struct body *b, uint32_t word)
{
	if (b->pa + ISA_WORD > b->end)
		return;                 /* cannot happen: bodies stop with room to spare */
	b->img[b->pa / ISA_WORD] = word;
	b->pa += ISA_WORD;
}

static void
mark(struct body *b)
{
	if (b->nmarks < MAX_MARKS)
		b->marks[b->nmarks++] = va_of(b, b->pa);
}

/* A forward branch or adr to the construct `ahead` constructs later. */
static void
put_forward(struct body *b, enum isa_opcode op, unsigned rd, unsigned ahead)
{
	if (b->nfix < MAX_FIXES)
		b->fix[b->nfix++] = (struct fixup){ .pa = b->pa, .op = op, .rd = (uint8_t)rd,
						    .mark = b->nmarks - 1 + ahead };
	put(b, 0);
}

static void
resolve(struct body *b)
{
	for (unsigned i = 0; i < b->nfix; i++) {
		const struct fixup *f = &b->fix[i];
		unsigned m = f->mark < b->nmarks ? f->mark : b->nmarks - 1;
		uint32_t at = va_of(b, f->pa), target = b->marks[m];
		int32_t delta = (int32_t)(target - at - ISA_WORD);
		bool branch = isa_op_info(f->op)->format == FMT_BR;
		b->img[f->pa / ISA_WORD] = enc(f->op, f->rd, 0, 0, branch ? delta / ISA_WORD : delta);
	}
}

static void
put_const(struct body *b, unsigned rd, uint32_t v)
{
	if ((int32_t)v >= -32768 && (int32_t)v <= 32767) {
		put(b, enc(OP_addi, rd, 0, 0, (int32_t)v));
		return;
	}
	put(b, enc(OP_lui, rd, 0, 0, (int32_t)(v >> 16)));
	if (v & 0xffff)
		put(b, enc(OP_ori, rd, rd, 0, (int32_t)(v & 0xffff)));
}

/* ===== the generator ============================================================ */

struct guest {
	struct rng rng;
	uint32_t img[FUZZ_MEMORY / ISA_WORD];
	bool paging;              /* two-level paging from boot on */
	bool timer;               /* the timer runs from boot on */
	bool user_srr;            /* user code may run srr (then legacy is not checked) */
	bool pt_writable;         /* paging: the kernel edits its page tables as it runs */
	bool user_sees_kernel;    /* relocation with rbase 0: user code can patch PATCHF */
	enum vm_placement placement;
	unsigned trap_limit;      /* K: the handler powers off at the K-th trap */
	uint32_t rbound;          /* the user region's bound (relocation) */
	uint32_t u_va;            /* virtual address of UCODE in user mode */
};

static uint32_t
rand_value(struct rng *r)
{
	static const uint32_t edges[] = { 0, 1, 2, 0xffffffff, 0x7fffffff, 0x80000000, 31, 32,
					  0x8000, 0xffff, 0x10000, 0xfffffffe };
	switch (below(r, 4)) {
	case 0:  return edges[below(r, sizeof edges / sizeof edges[0])];
	case 1:  return below(r, 64);
	default: return rnd(r);
	}
}

static int32_t
rand_imm(struct rng *r, enum isa_imm_kind kind)
{
	uint32_t v;
	switch (below(r, 4)) {
	case 0:  v = (uint32_t)((int32_t)below(r, 33) - 16); break;
	case 1:  v = below(r, 256); break;
	case 2: {
		static const uint32_t edges[] = { 0, 1, 0xffff, 0x7fff, 0x8000, 31, 32, 0xfffc };
		v = edges[below(r, sizeof edges / sizeof edges[0])];
		break;
	}
	default: v = rnd(r); break;
	}
	return kind == IMM_SIGNED16 ? (int32_t)(int16_t)(v & 0xffff) : (int32_t)(v & 0xffff);
}

static unsigned
wreg(struct rng *r)
{
	return writable_regs[below(r, sizeof writable_regs)];
}

/* Ports: the console and the timer (reading any is harmless), power-off
 * (reads 0), and ports no device owns. */
static uint16_t
rand_port(struct rng *r)
{
	static const uint16_t ports[] = { 0x00, 0x01, 0x10, 0x11, 0x12, 0x20, 0x30, 0x13, 0xffff };
	return ports[below(r, sizeof ports / sizeof ports[0])];
}

/* Any legal encoding of `op` with random operands, from its format alone;
 * the destination is r1..r<rd_max> (or any writable register if 0). */
static uint32_t
gen_operands(struct rng *r, enum isa_opcode op, unsigned rd_max)
{
	const struct isa_op_info *oi = isa_op_info(op);
	const struct isa_format_info *fi = isa_format_info(oi->format);
	struct isa_insn in = { .op = op };
	if (fi->fields & FIELD_RD)
		in.rd = (uint8_t)(rd_max ? 1 + below(r, rd_max) : wreg(r));
	if (fi->fields & FIELD_RS)
		in.rs = (uint8_t)below(r, ISA_NUM_GPRS);
	if (fi->fields & FIELD_RT)
		in.rt = (uint8_t)below(r, ISA_NUM_GPRS);
	if (fi->fields & FIELD_IMM16)
		in.imm = rand_imm(r, fi->imm);
	if (fi->fields & FIELD_OFF24)
		in.imm = (int32_t)below(r, 4);
	switch (oi->format) {
	case FMT_CRR: in.rs = (uint8_t)below(r, ISA_NUM_CRS); break;
	case FMT_CRW: in.rd = (uint8_t)below(r, ISA_NUM_CRS); break;
	case FMT_IN:
	case FMT_OUT: in.imm = rand_port(r); break;
	default: break;
	}
	return isa_encode(&in);
}

/* One instruction that does not transfer control, wait or write a control
 * register, so it can sit in a loop or be patched in: formats without a
 * target, and the format-less ones except rti and halt.  `quiet`: also no
 * traps of its own (no NONE format, no register-register division). */
static uint32_t
gen_simple(struct guest *g, bool sup, unsigned rd_max, bool quiet)
{
	for (;;) {
		enum isa_opcode op = (enum isa_opcode)below(&g->rng, OP_COUNT);
		enum isa_format f = isa_op_info(op)->format;
		switch (f) {
		case FMT_RRR:
			if (quiet)
				continue;
			break;
		case FMT_RRI: case FMT_RRU: case FMT_RU: case FMT_ADR: case FMT_CMP:
		case FMT_CMPI: case FMT_CRR: case FMT_IN:
			break;
		case FMT_D:
			if (op == OP_srr && !sup && !g->user_srr)
				continue;
			break;
		case FMT_NONE:
			if (quiet || op == OP_rti || op == OP_halt)
				continue;
			break;
		default:
			continue;
		}
		return gen_operands(&g->rng, op, rd_max);
	}
}

static uint32_t
rand_illegal(struct rng *r)
{
	for (;;) {
		uint32_t w = rnd(r);
		if (chance(r, 50))
			w &= 0x00ffffffu;          /* opcode 0: never an instruction */
		struct isa_insn in;
		if (!isa_decode(w, &in))
			return w;
	}
}

/* A load or store: mostly inside the region r10 points at, sometimes at
 * the pages around it (read-only, no-execute, unmapped, supervisor-only),
 * misaligned, past the end of memory, or through a random register. */
static void
emit_memory(struct guest *g, struct body *b, enum isa_opcode op, unsigned rd_max)
{
	struct rng *r = &g->rng;
	unsigned rd = rd_max ? 1 + below(r, rd_max) : wreg(r);
	unsigned base = REG_BASE;
	int32_t off = (int32_t)(below(r, 0xb00) & ~3u);
	unsigned pick = below(r, 100);
	if (pick < 8) {
		off += 1 + (int32_t)below(r, 3);                   /* misaligned for some sizes */
	} else if (pick < 18) {
		static const int32_t near_user[] = { 0x1000, 0x1ffc, 0x2000, 0x3000, 0x4000, 0x6000,
						     0x7000, -0x7000 };
		static const int32_t near_kernel[] = { 0x4c00, 0x5c00, 0x6c00, 0x7c00, 0x7ffc };
		off = b->sup ? near_kernel[below(r, 5)] : near_user[below(r, 8)];
	} else if (pick < 26) {
		base = REG_EDGE;                                   /* the end of the space */
		static const int32_t edge[] = { 0, 0xc, 0x10, 0x14, 0x1010, -0x10 };
		off = edge[below(r, 6)];
	} else if (pick < 30) {
		/* wild: from the edge in supervisor mode (never code or page
		 * tables), through a random register in user mode */
		if (b->sup || g->user_sees_kernel) {
			base = REG_EDGE;
			off = (int32_t)below(r, 0x9000) - 0x1000;
		} else {
			base = 1 + below(r, 6);
			off = rand_imm(r, IMM_SIGNED16);
		}
	}
	put(b, enc(op, rd, base, 0, off));
}

static enum isa_opcode
rand_op_of_format(struct rng *r, enum isa_format f)
{
	for (;;) {
		enum isa_opcode op = (enum isa_opcode)below(r, OP_COUNT);
		if (isa_op_info(op)->format == f)
			return op;
	}
}

static uint32_t
kernel_psw(struct rng *r)
{
	return PSW_S | (chance(r, 50) ? PSW_IE : 0) | (rnd(r) & PSW_FLAGS);
}

/* One instruction of `op` as a construct in the body: the instruction with
 * operands its format allows, plus whatever makes it safe to run here
 * (a target for jumps, a valid handler for tvec, a timer for halt...). */
static void
emit_op(struct guest *g, struct body *b, enum isa_opcode op)
{
	struct rng *r = &g->rng;
	const struct isa_op_info *oi = isa_op_info(op);
	mark(b);
	if (oi->format == FMT_BR) {
		put_forward(b, op, 0, 1 + below(r, 4));
		return;
	}
	if (oi->format == FMT_MEM) {
		emit_memory(g, b, op, 0);
		return;
	}
	if (op == OP_srr && !b->sup && !g->user_srr)
		return;
	if (oi->format == FMT_R && op != OP_wrpsw && (op != OP_juser || !b->sup)) {
		/* jr, callr (and juser from user mode, a jump on `hybrid`): forward */
		put_forward(b, OP_adr, REG_S2, 1 + below(r, 4));
		put(b, enc(op, 0, REG_S2, 0, 0));
		return;
	}
	if (!b->sup) {
		/* user mode: anything with any operands (privileged ones trap) */
		put(b, gen_operands(r, op, 0));
		return;
	}
	switch (op) {
	case OP_juser:
		return;                 /* supervisor juser: how the kernel may enter user mode */
	case OP_wrpsw:
		put_const(b, REG_S2, kernel_psw(r));
		put(b, enc(op, 0, REG_S2, 0, 0));
		return;
	case OP_rti:
		/* rti that stays in supervisor mode, with random IE and flags */
		put(b, enc(OP_di, 0, 0, 0, 0));
		put(b, enc(OP_adr, REG_S2, 0, 0, 16));     /* the word after the rti */
		put_const(b, REG_S1, kernel_psw(r));
		put(b, enc(OP_mtcr, CR_epc, REG_S2, 0, 0));
		put(b, enc(OP_mtcr, CR_epsw, REG_S1, 0, 0));
		put(b, enc(op, 0, 0, 0, 0));
		return;
	case OP_halt:
		/* only with something to wake it */
		put_const(b, REG_S2, 40 + below(r, 200));
		put(b, enc(OP_out, 0, REG_S2, 0, 0x10));
		put(b, enc(OP_ei, 0, 0, 0, 0));
		put(b, enc(op, 0, 0, 0, 0));
		return;
	case OP_out: {
		static const uint16_t ports[] = { 0x00, 0x00, 0x10, 0x11, 0x12, 0x01, 0x30, 0x1234 };
		uint16_t port = ports[below(r, sizeof ports / sizeof ports[0])];
		if (port == 0x10)
			put_const(b, REG_S2, chance(r, 10) ? 0 : 40 + below(r, 300));
		put(b, enc(op, 0, port == 0x10 ? REG_S2 : below(r, ISA_NUM_GPRS), 0, port));
		return;
	}
	case OP_mtcr: {
		unsigned cr = below(r, ISA_NUM_CRS);
		uint32_t v;
		switch (cr) {
		case CR_tvec:   v = chance(r, 50) ? HANDLER1 : HANDLER2; break;
		case CR_rbase:
		case CR_rbound: v = below(r, FUZZ_MEMORY); break;
		case CR_ptbr:   /* an address-space switch (the kernel is in both) */
			v = g->paging ? (chance(r, 50) ? L1_TABLE : L1_TABLE2)
				      : below(r, FUZZ_MEMORY) & ~0xfffu;
			break;
		case CR_mmu:
			if (g->paging) {
				/* paging off and on again around a few instructions:
				 * the kernel is mapped 1:1, so it keeps running */
				put(b, enc(OP_mtcr, CR_mmu, 0, 0, 0));
				for (unsigned i = below(r, 4); i > 0; i--)
					put(b, gen_simple(g, true, 6, false));
				put_const(b, REG_S2, MMU_PG);
				put(b, enc(OP_mtcr, CR_mmu, REG_S2, 0, 0));
				return;
			}
			v = 0;
			break;
		default:        v = rand_value(r); break;
		}
		put_const(b, REG_S2, v);
		put(b, enc(op, cr, REG_S2, 0, 0));
		return;
	}
	default:
		put(b, gen_operands(r, op, 0));
		return;
	}
}

/* A bounded loop (the only backward branch): r7 counts down. */
static void
emit_loop(struct guest *g, struct body *b)
{
	struct rng *r = &g->rng;
	mark(b);
	put_const(b, REG_LOOP, 2 + below(r, 10));
	uint32_t top = b->pa;
	for (unsigned i = 1 + below(r, 5); i > 0; i--) {
		if (chance(r, 30))
			emit_memory(g, b, rand_op_of_format(r, FMT_MEM), 6);
		else
			put(b, gen_simple(g, b->sup, 6, false));
	}
	put(b, enc(OP_addi, REG_LOOP, REG_LOOP, 0, -1));
	put(b, enc(OP_cmpi, 0, REG_LOOP, 0, 0));
	put(b, enc(OP_bne, 0, 0, 0, (int32_t)(top - b->pa - ISA_WORD) / ISA_WORD));
}

/* Self-modifying code: store a new instruction over the next one (or the
 * one after), which the store's own block has already translated. */
static void
emit_patch_ahead(struct guest *g, struct body *b)
{
	struct rng *r = &g->rng;
	mark(b);
	bool gap = chance(r, 40);
	put_const(b, REG_S1, gen_simple(g, b->sup, 6, false));
	put(b, enc(OP_adr, REG_S2, 0, 0, gap ? 8 : 4));
	put(b, enc(OP_stw, REG_S1, REG_S2, 0, 0));
	if (gap)
		put(b, gen_simple(g, b->sup, 6, false));
	put(b, gen_simple(g, b->sup, 6, false));            /* the word that is replaced */
}

/* Rewrite PATCHF, which already ran (the handler calls it too). */
static void
emit_patch_function(struct guest *g, struct body *b)
{
	mark(b);
	put_const(b, REG_S1, gen_simple(g, true, 6, true));
	put_const(b, REG_S2, PATCHF);
	put(b, enc(OP_stw, REG_S1, REG_S2, 0, 0));
}

/* Edit a user page's entry in one of the level-2 tables — another frame,
 * other permissions — then tlbflush, as SPEC §5.3 requires. */
static void
emit_remap(struct guest *g, struct body *b)
{
	struct rng *r = &g->rng;
	static const uint8_t pages[] = { 7, 8, 9, 14, 15 };
	static const uint32_t frames[] = { UDATA, U_RO, U_NX, ALT_DATA, 0xf000 };
	mark(b);
	uint32_t table = chance(r, 50) ? L2_TABLE : L2_TABLE2;
	unsigned page = pages[below(r, sizeof pages)];
	uint32_t pte = frames[below(r, 5)] | PTE_V | (rnd(r) & (PTE_W | PTE_X | PTE_U));
	if (page == ALIAS_FUNC / PAGE_SIZE)   /* the alias: code moves under the kernel */
		pte = (chance(r, 50) ? PATCHF : ALT_FUNC) & PTE_FRAME_MASK;
	if (page == ALIAS_FUNC / PAGE_SIZE)
		pte |= PTE_V | PTE_X | (rnd(r) & (PTE_W | PTE_U));
	put_const(b, REG_S1, pte);
	put_const(b, REG_S2, table);
	put(b, enc(OP_stw, REG_S1, REG_S2, 0, (int32_t)(page * ISA_WORD)));
	if (chance(r, 50))
		put(b, gen_simple(g, true, 6, false));
	put(b, enc(OP_tlbflush, 0, 0, 0, 0));
}

static void
emit_call_function(struct body *b, uint32_t fn)
{
	mark(b);
	uint32_t at = va_of(b, b->pa);
	put(b, enc(OP_call, 0, 0, 0, (int32_t)(fn - at - ISA_WORD) / ISA_WORD));
}

/* User code (in the second address space, where its data page is the
 * frame of ALT_FUNC) rewrites kernel code the handler runs. */
static void
emit_user_patch_alt(struct guest *g, struct body *b)
{
	mark(b);
	put_const(b, REG_S1, gen_simple(g, true, 6, true));
	put(b, enc(OP_stw, REG_S1, REG_BASE, 0, ALT_FUNC % PAGE_SIZE));
}

/* Each body runs every opcode once, in a random order, then `extra` more. */
static void
emit_body(struct guest *g, struct body *b, unsigned extra)
{
	struct rng *r = &g->rng;
	enum isa_opcode order[OP_COUNT];
	for (unsigned i = 0; i < OP_COUNT; i++)
		order[i] = (enum isa_opcode)i;
	for (unsigned i = OP_COUNT - 1; i > 0; i--) {
		unsigned j = below(r, i + 1);
		enum isa_opcode t = order[i];
		order[i] = order[j];
		order[j] = t;
	}
	for (unsigned n = 0; n < OP_COUNT + extra && b->pa + 256 < b->end; n++) {
		unsigned pick = below(r, 100);
		if (pick < 5)
			emit_loop(g, b);
		else if (pick < 9)
			emit_patch_ahead(g, b);
		else if (pick < 11) {
			mark(b);
			put(b, rand_illegal(r));
		} else if ((b->sup || g->user_sees_kernel) && pick < 14)
			emit_patch_function(g, b);
		else if (b->sup && pick < 18)
			emit_call_function(b, g->paging && chance(r, 50) ? ALIAS_FUNC : PATCHF);
		else if (!b->sup && g->paging && pick < 16)
			emit_user_patch_alt(g, b);
		else if (b->sup && g->pt_writable && pick < 22)
			emit_remap(g, b);
		emit_op(g, b, n < OP_COUNT ? order[n] : (enum isa_opcode)below(r, OP_COUNT));
	}
}

/* The trap handler: count the trap, log it, print a letter for it, call
 * PATCHF (handler 1 only), acknowledge a timer interrupt or step over the
 * faulting instruction, return with rti — or at the K-th trap power off
 * with a checksum of the registers as the exit status. */
static void
emit_handler(struct guest *g, uint32_t at, uint32_t fn)
{
	struct body hb = { .img = g->img, .pa = at, .end = at + 0x400, .sup = true };
	struct body *b = &hb;
	put(b, enc(OP_addi, 13, 0, 0, TRAPLOG));
	put(b, enc(OP_ldw, 12, 13, 0, 0));
	put(b, enc(OP_addi, 12, 12, 0, 1));
	put(b, enc(OP_stw, 12, 13, 0, 0));
	put(b, enc(OP_cmpi, 0, 12, 0, (int32_t)g->trap_limit));
	uint32_t to_poweroff = b->pa;
	put(b, 0);
	put(b, enc(OP_andi, 12, 12, 0, 15));
	put(b, enc(OP_shli, 12, 12, 0, 4));
	put(b, enc(OP_add, 12, 12, 13, 0));
	put(b, enc(OP_mfcr, 13, CR_cause, 0, 0));
	put(b, enc(OP_stw, 13, 12, 0, 16));
	put(b, enc(OP_addi, 13, 13, 0, 'A'));
	put(b, enc(OP_out, 0, 13, 0, 0x00));
	put(b, enc(OP_mfcr, 13, CR_epc, 0, 0));
	put(b, enc(OP_stw, 13, 12, 0, 20));
	put(b, enc(OP_mfcr, 13, CR_badaddr, 0, 0));
	put(b, enc(OP_stw, 13, 12, 0, 24));
	put(b, enc(OP_mfcr, 13, CR_epsw, 0, 0));
	put(b, enc(OP_stw, 13, 12, 0, 28));
	if (fn) {
		/* lr is saved: the trap may have come in the middle of PATCHF */
		put(b, enc(OP_addi, 13, 0, 0, TRAPLOG));
		put(b, enc(OP_stw, ISA_REG_LR, 13, 0, 8));
		put(b, enc(OP_call, 0, 0, 0, (int32_t)(fn - b->pa - ISA_WORD) / ISA_WORD));
		put(b, enc(OP_addi, 13, 0, 0, TRAPLOG));
		put(b, enc(OP_ldw, ISA_REG_LR, 13, 0, 8));
	}
	put(b, enc(OP_mfcr, 13, CR_cause, 0, 0));
	put(b, enc(OP_cmpi, 0, 13, 0, CAUSE_TIMER));
	put(b, enc(OP_bne, 0, 0, 0, 2));
	put(b, enc(OP_out, 0, 0, 0, 0x12));                 /* acknowledge the timer */
	put(b, enc(OP_rti, 0, 0, 0, 0));
	put(b, enc(OP_mfcr, 13, CR_epc, 0, 0));              /* step over the instruction */
	put(b, enc(OP_addi, 13, 13, 0, ISA_WORD));
	put(b, enc(OP_mtcr, CR_epc, 13, 0, 0));
	put(b, enc(OP_rti, 0, 0, 0, 0));
	g->img[to_poweroff / ISA_WORD] =
		enc(OP_bge, 0, 0, 0, (int32_t)(b->pa - to_poweroff - ISA_WORD) / ISA_WORD);
	static const uint8_t sum[] = { 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 14, 15 };
	put(b, enc(OP_add, 12, 1, 0, 0));
	for (unsigned i = 0; i < sizeof sum; i++)
		put(b, enc(OP_add, 12, 12, sum[i], 0));
	put(b, enc(OP_out, 0, 12, 0, 0x00));
	put(b, enc(OP_out, 0, 12, 0, 0x20));                 /* power off: exit status */
	put(b, enc(OP_b, 0, 0, 0, -1));
}

static uint32_t
page_perm(struct guest *g, unsigned page)
{
	switch (page) {
	case 0: case 1: return PTE_V | PTE_W | PTE_X;           /* kernel code (patched) */
	case 2:  return PTE_V | PTE_X;                          /* the trap handlers */
	case 3:  return PTE_V | PTE_W;                          /* trap log, kernel data */
	case 4: case 5: case 12: case 13:                       /* the page tables */
		return PTE_V | (g->pt_writable ? PTE_W : 0);
	case 6:  return PTE_V | PTE_W | PTE_X | PTE_U;          /* user code */
	case 7:  return PTE_V | PTE_W | PTE_U;
	case 8:  return PTE_V | PTE_U;
	case 9:  return PTE_V | PTE_W | PTE_U;
	case 10: return 0;
	case 11: return PTE_V | PTE_W;
	case 14: return PTE_V | PTE_W | PTE_U;
	default: return PTE_V | (rnd(&g->rng) & (PTE_W | PTE_X | PTE_U));
	}
}

/* Build a whole guest from a seed. */
static void
guest_generate(struct guest *g, unsigned seed)
{
	memset(g, 0, sizeof *g);
	g->rng.s = UINT64_C(0x747261706c6162) ^ ((uint64_t)seed * UINT64_C(0x100000001b3));
	struct rng *r = &g->rng;
	g->paging = chance(r, 45);
	g->timer = chance(r, 55);
	g->user_srr = chance(r, 50);
	g->trap_limit = 100 + below(r, 300);
	static const uint32_t bounds[] = { 0x2000, 0x4000, 0x8000, 0xa000, 0xc000, 0xffffffff };
	g->rbound = bounds[below(r, sizeof bounds / sizeof bounds[0])];
	g->pt_writable = g->paging && chance(r, 50);
	g->user_sees_kernel = !g->paging && chance(r, 25);
	if (g->user_sees_kernel)
		g->rbound = chance(r, 50) ? FUZZ_MEMORY : 0xffffffff;
	g->u_va = g->paging || g->user_sees_kernel ? UCODE : 0;
	g->placement = chance(r, 30) ? PLACE_IDENTITY : PLACE_RELOCATED;

	/* PATCHF and ALT_FUNC: one quiet instruction, then return */
	g->img[PATCHF / ISA_WORD] = gen_simple(g, true, 6, true);
	g->img[PATCHF / ISA_WORD + 1] = enc(OP_jr, 0, ISA_REG_LR, 0, 0);
	g->img[ALT_FUNC / ISA_WORD] = gen_simple(g, true, 6, true);
	g->img[ALT_FUNC / ISA_WORD + 1] = enc(OP_jr, 0, ISA_REG_LR, 0, 0);
	emit_handler(g, HANDLER1, g->paging ? ALIAS_FUNC : PATCHF);
	emit_handler(g, HANDLER2, 0);

	/* ---- the kernel: boot ---- */
	struct body *k = calloc(1, sizeof *k);
	struct body *u = calloc(1, sizeof *u);
	if (!k || !u)
		abort();
	*k = (struct body){ .img = g->img, .pa = KCODE, .end = KCODE_END, .sup = true };
	put(k, enc(OP_addi, 1, 0, 0, HANDLER1));
	put(k, enc(OP_mtcr, CR_tvec, 1, 0, 0));
	if (g->paging) {
		/* two address spaces: 1:1, and 1:1 with UDATA and ALT_DATA swapped */
		for (int space = 0; space < 2; space++) {
			put_const(k, 2, space ? L2_TABLE2 : L2_TABLE);
			for (unsigned page = 0; page < MAPPED_PAGES; page++) {
				uint32_t frame = page < FUZZ_MEMORY / PAGE_SIZE ? page * PAGE_SIZE : 0x80000;
				uint32_t perm = page_perm(g, page);
				if (space && page == UDATA / PAGE_SIZE)
					frame = ALT_DATA;
				if (space && page == ALT_DATA / PAGE_SIZE)
					frame = UDATA;
				if (page == ALIAS_FUNC / PAGE_SIZE) {
					frame = (space ? ALT_FUNC : PATCHF) & PTE_FRAME_MASK;
					perm = PTE_V | PTE_X;
				}
				if (perm) {
					put_const(k, 1, frame | perm);
					put(k, enc(OP_stw, 1, 2, 0, (int32_t)(page * ISA_WORD)));
				}
			}
			put_const(k, 2, space ? L1_TABLE2 : L1_TABLE);
			put_const(k, 1, (space ? L2_TABLE2 : L2_TABLE) | PTE_V);
			put(k, enc(OP_stw, 1, 2, 0, 0));
		}
		put_const(k, 2, chance(r, 50) ? L1_TABLE : L1_TABLE2);
		put(k, enc(OP_mtcr, CR_ptbr, 2, 0, 0));
		put(k, enc(OP_addi, 1, 0, 0, MMU_PG));
		put(k, enc(OP_mtcr, CR_mmu, 1, 0, 0));
	}
	if (g->timer) {
		put(k, enc(OP_addi, 1, 0, 0, (int32_t)(40 + below(r, 400))));
		put(k, enc(OP_out, 0, 1, 0, 0x10));
	}
	for (unsigned i = 0; i < sizeof writable_regs; i++)
		put_const(k, writable_regs[i], rand_value(r));
	put_const(k, REG_BASE, KDATA);
	put_const(k, REG_EDGE, FUZZ_MEMORY - 0x10);

	/* ---- the kernel body, then into user mode ---- */
	emit_body(g, k, below(r, 60));
	mark(k);
	put(k, enc(OP_di, 0, 0, 0, 0));
	put_const(k, REG_S2, g->user_sees_kernel ? 0 : UCODE);
	put(k, enc(OP_mtcr, CR_rbase, REG_S2, 0, 0));
	put_const(k, REG_S2, g->rbound);
	put(k, enc(OP_mtcr, CR_rbound, REG_S2, 0, 0));
	uint32_t user_space = g->user_sees_kernel ? FUZZ_MEMORY : FUZZ_MEMORY - UCODE;
	uint32_t user_end = g->paging ? FUZZ_MEMORY : g->rbound < user_space ? g->rbound : user_space;
	put_const(k, REG_BASE, g->u_va + (UDATA - UCODE));
	put_const(k, REG_EDGE, user_end - 0x10);
	put_const(k, REG_S2, g->u_va);
	if (g->user_sees_kernel && chance(r, 30)) {
		/* drop to user mode with wrpsw: the next instruction already
		 * runs in user mode (rbase 0: the kernel's code is the user's) */
		put_const(k, REG_S1, (chance(r, 70) ? PSW_IE : 0) | (rnd(r) & PSW_FLAGS));
		put(k, enc(OP_wrpsw, 0, REG_S1, 0, 0));
		put(k, enc(OP_jr, 0, REG_S2, 0, 0));
	} else if (chance(r, 60)) {
		put_const(k, REG_S1, (chance(r, 70) ? PSW_IE : 0) | (rnd(r) & PSW_FLAGS));
		put(k, enc(OP_mtcr, CR_epc, REG_S2, 0, 0));
		put(k, enc(OP_mtcr, CR_epsw, REG_S1, 0, 0));
		put(k, enc(OP_rti, 0, 0, 0, 0));
	} else {
		if (chance(r, 60))
			put(k, enc(OP_ei, 0, 0, 0, 0));
		put(k, enc(OP_juser, 0, REG_S2, 0, 0));
	}
	resolve(k);

	/* ---- the user body, ending in a system-call loop (or a wild jump) ---- */
	*u = (struct body){ .img = g->img, .pa = UCODE, .end = UCODE + PAGE_SIZE, .sup = false,
			    .va_minus_pa = g->u_va - UCODE };
	emit_body(g, u, below(r, 80));
	mark(u);
	if (chance(r, 8)) {
		/* jump into the no-execute page (relocation: past the bound, maybe) */
		put_const(u, REG_S2, g->u_va + (U_NX - UCODE));
		put(u, enc(OP_jr, 0, REG_S2, 0, 0));
	}
	put(u, enc(OP_sys, 0, 0, 0, 0));
	put(u, enc(OP_b, 0, 0, 0, -2));
	resolve(u);
	free(k);
	free(u);
}

/* ===== checking =================================================================== */

static void
dump_guest(const uint32_t *img, size_t words)
{
	if (!getenv("TRAPLAB_FUZZ_DUMP"))
		return;
	for (size_t i = 0; i < words; i++) {
		if (!img[i])
			continue;
		char text[96];
		disasm_insn(img[i], (uint32_t)(i * ISA_WORD), NULL, text, sizeof text);
		fprintf(stderr, "  %08zx: %08x  %s\n", i * ISA_WORD, img[i], text);
	}
}

/* What one check runs: a guest image and how. */
struct target {
	const char *what;         /* "guest" or "hostile" */
	unsigned seed;
	const uint32_t *img;
	size_t bytes;
	uint32_t memory;
	enum vm_placement placement;
};

/* One equivalence check; on a divergence, an assertion naming the seed,
 * the variant, the mode and where the runs parted. */
static bool
check_equiv(const struct target *t, enum isa_variant v, enum vm_mode mode, uint64_t budget,
	    bool must_match)
{
	const char *what = t->what;
	unsigned seed = t->seed;
	struct equiv_config cfg = { .image = (const uint8_t *)t->img, .image_size = t->bytes,
				    .variant = v, .guest_memory = t->memory,
				    .placement = t->placement, .budget = budget };
	struct equiv_result res;
	char err[256] = "";
	snprintf(watchdog_note, sizeof watchdog_note, "%s seed %u, variant %s, mode %s\n", what,
		 seed, isa_variant_name(v), vm_mode_name(mode));
	alarm(WATCHDOG_SECONDS);
	int rc = equiv_check(&cfg, mode, &res, err, sizeof err);
	alarm(0);
	char msg[900];
	if (rc != 0) {
		snprintf(msg, sizeof msg, "%s seed %u, %s/%s: equiv_check failed: %s", what, seed,
			 isa_variant_name(v), vm_mode_name(mode), err);
		CU_assertImplementation(CU_FALSE, __LINE__, msg, __FILE__, "", CU_FALSE);
		return false;
	}
	bool ok = true;
	if (res.run.stats.guest_instructions > budget) {
		snprintf(msg, sizeof msg, "%s seed %u, %s/%s: ran %llu guest instructions, budget %llu",
			 what, seed, isa_variant_name(v), vm_mode_name(mode),
			 (unsigned long long)res.run.stats.guest_instructions,
			 (unsigned long long)budget);
		CU_assertImplementation(CU_FALSE, __LINE__, msg, __FILE__, "", CU_FALSE);
		ok = false;
	}
	/* A guest the budget stopped is compared at that same instruction:
	 * "inconclusive" there means no difference was found. */
	if (must_match && !res.equivalent && !res.inconclusive) {
		const struct equiv_divergence *d = &res.divergence;
		snprintf(msg, sizeof msg,
			 "%s seed %u, variant %s, mode %s%s, budget %llu: NOT equivalent to bare: "
			 "first divergence after instruction %llu, pc 0x%08x [%08x] `%s`: %s (why: %s)",
			 what, seed, isa_variant_name(v), vm_mode_name(mode),
			 t->placement == PLACE_IDENTITY ? " (identity placement)" : "",
			 (unsigned long long)budget, (unsigned long long)d->instruction, d->pc, d->word,
			 d->insn_text, d->what, d->why);
		fprintf(stderr, "\n%s\n", msg);
		dump_guest(t->img, t->bytes / ISA_WORD);
		CU_assertImplementation(CU_FALSE, __LINE__, msg, __FILE__, "", CU_FALSE);
		ok = false;
	}
	equiv_run_free(&res.run);
	return ok;
}

/* Which opcodes the bare runs executed, in each mode (an instruction that
 * traps counts: it was executed by the machine). */
static unsigned long executed[OP_COUNT][2];

static void
note_insn(void *ctx, const struct machine *m, uint32_t pc, uint32_t word)
{
	(void)ctx;
	(void)pc;
	struct isa_insn in;
	struct cpu_state s;
	if (!isa_decode(word, &in))
		return;
	machine_get_state(m, &s);
	executed[in.op][(s.psw & PSW_S) ? 1 : 0]++;
}

/* Run the guest bare on strict, noting what executed; returns how many
 * instructions it took to power off. */
static uint64_t
record_coverage(const struct guest *g, unsigned seed)
{
	char err[256];
	struct vm_config vc = { .mode = MODE_BARE, .variant = ISA_STRICT,
				.guest_memory = FUZZ_MEMORY };
	struct vm *vm = vm_create(&vc, err, sizeof err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(vm);
	CU_ASSERT_EQUAL(vm_load_image(vm, (const uint8_t *)g->img, sizeof g->img, err,
				      sizeof err), 0);
	vm_set_tracer(vm, &(struct machine_tracer){ .insn = note_insn });
	vm_run(vm, GUEST_BUDGET);
	/* a generated guest ends by powering off */
	if (vm_last_stop(vm)->reason != STOP_POWER_OFF) {
		char msg[160];
		snprintf(msg, sizeof msg, "guest seed %u does not power off on bare (stop reason %d)",
			 seed, (int)vm_last_stop(vm)->reason);
		CU_assertImplementation(CU_FALSE, __LINE__, msg, __FILE__, "", CU_FALSE);
	}
	uint64_t n = vm_guest_instructions(vm);
	vm_destroy(vm);
	return n;
}

/* ===== the tests ================================================================== */

/* Random valid guests: every monitor mode that must be equivalent is. */
static void
test_random_guests_are_equivalent_to_bare_in_every_required_mode(void)
{
	unsigned first = env_unsigned("TRAPLAB_FUZZ_FIRST", 1);
	unsigned n = env_unsigned("TRAPLAB_FUZZ_SEEDS", DEFAULT_GUEST_SEEDS);
	struct sigaction sa = { .sa_handler = watchdog_fire }, old;
	sigaction(SIGALRM, &sa, &old);
	struct guest *g = malloc(sizeof *g);
	CU_ASSERT_PTR_NOT_NULL_FATAL(g);
	memset(executed, 0, sizeof executed);
	unsigned failures = 0;
	for (unsigned seed = first; seed < first + n && failures < 5; seed++) {
		guest_generate(g, seed);
		uint64_t length = record_coverage(g, seed);
		struct target t = { "guest", seed, g->img, sizeof g->img, FUZZ_MEMORY, g->placement };
		bool ok = true;
		for (enum vm_mode m = MODE_TRAP; m <= MODE_BT; m++)
			ok &= check_equiv(&t, ISA_STRICT, m, GUEST_BUDGET, true);
		for (enum vm_mode m = MODE_HYBRID; m <= MODE_BT; m++)
			ok &= check_equiv(&t, ISA_HYBRID, m, GUEST_BUDGET, true);
		if (!g->user_srr)
			for (enum vm_mode m = MODE_HYBRID; m <= MODE_BT; m++)
				ok &= check_equiv(&t, ISA_LEGACY, m, GUEST_BUDGET, true);
		/* and stopped by the budget anywhere — in a block, between a trap
		 * and its handler — every mode is where bare is (SPEC §12) */
		struct rng r = { seed };
		ok &= check_equiv(&t, ISA_STRICT, (enum vm_mode)(MODE_TRAP + seed % 3),
				  1 + below(&r, (uint32_t)length), true);
		failures += !ok;
	}
	/* the generator did its job: every opcode ran in both modes */
	if (n >= 20 && !failures)
		for (unsigned op = 0; op < OP_COUNT; op++)
			for (int sup = 0; sup < 2; sup++)
				if (!executed[op][sup]) {
					char msg[160];
					snprintf(msg, sizeof msg, "no generated guest executed %s in %s mode",
						 isa_op_info((enum isa_opcode)op)->name,
						 sup ? "supervisor" : "user");
					CU_assertImplementation(CU_FALSE, __LINE__, msg, __FILE__, "",
								CU_FALSE);
				}
	free(g);
	sigaction(SIGALRM, &old, NULL);
}

/* Garbage in supervisor mode: random words, legal instructions with random
 * operands, wild jumps, a random trap vector. */
static void
hostile_generate(struct rng *r, uint32_t *img, size_t words)
{
	size_t i = 0;
	if (chance(r, 75)) {
		uint32_t tvec = below(r, (uint32_t)words) * ISA_WORD;
		if (chance(r, 5))
			tvec |= 2;
		img[i++] = enc(OP_addi, 1, 0, 0, (int32_t)tvec);
		img[i++] = enc(OP_mtcr, CR_tvec, 1, 0, 0);
	}
	while (i < words) {
		unsigned pick = below(r, 100);
		if (pick < 30) {
			img[i++] = rnd(r);
		} else if (pick < 85) {
			enum isa_opcode op = (enum isa_opcode)below(r, OP_COUNT);
			uint32_t w = gen_operands(r, op, 0);
			struct isa_insn in;
			isa_decode(w, &in);
			in.rd = (uint8_t)below(r, isa_op_info(op)->format == FMT_CRW ? ISA_NUM_CRS
										: ISA_NUM_GPRS);
			if (isa_op_info(op)->format == FMT_BR)
				in.imm = chance(r, 80) ? (int32_t)below(r, 17) - 8
						       : (int32_t)(rnd(r) << 8) >> 8;
			img[i++] = isa_encode(&in);
		} else if (i + 2 <= words) {
			/* a wild jump: anywhere, into the image, or misaligned */
			static const enum isa_opcode jumps[] = { OP_jr, OP_callr, OP_juser, OP_rti };
			unsigned reg = 1 + below(r, 13);
			uint32_t target = chance(r, 50) ? rnd(r) : below(r, (uint32_t)words * ISA_WORD);
			img[i++] = enc(OP_lui, reg, 0, 0, (int32_t)(target >> 16));
			img[i++] = enc(OP_ori, reg, reg, 0, (int32_t)(target & 0xffff));
			enum isa_opcode j = jumps[below(r, 4)];
			if (j == OP_rti && i < words)
				img[i++] = enc(OP_mtcr, CR_epc, reg, 0, 0);
			if (i < words)
				img[i++] = enc(j, 0, j == OP_rti ? 0 : reg, 0, 0);
		} else {
			img[i++] = rnd(r);
		}
	}
}

/* Every mode ends on garbage, within the budget, and strict (and hybrid's
 * hybrid and bt) stay equivalent to bare even then. */
static void
test_hostile_guests_end_and_stay_equivalent(void)
{
	unsigned first = env_unsigned("TRAPLAB_FUZZ_FIRST", 1);
	unsigned n = env_unsigned("TRAPLAB_FUZZ_SEEDS", DEFAULT_HOSTILE_SEEDS);
	struct sigaction sa = { .sa_handler = watchdog_fire }, old;
	sigaction(SIGALRM, &sa, &old);
	enum { MAX_WORDS = 2048 };
	uint32_t *img = calloc(MAX_WORDS, sizeof *img);
	CU_ASSERT_PTR_NOT_NULL_FATAL(img);
	unsigned failures = 0;
	for (unsigned seed = first; seed < first + n && failures < 5; seed++) {
		struct rng r = { UINT64_C(0x686f7374696c65) ^ ((uint64_t)seed << 20) };
		size_t words = 64 + below(&r, MAX_WORDS / 2 - 64);
		memset(img, 0, MAX_WORDS * sizeof *img);
		hostile_generate(&r, img, words);
		struct target t = { "hostile", seed, img, words * ISA_WORD,
				    chance(&r, 25) ? 16 * 1024 : FUZZ_MEMORY,
				    chance(&r, 30) ? PLACE_IDENTITY : PLACE_RELOCATED };
		bool ok = true;
		for (enum vm_mode m = MODE_TRAP; m <= MODE_BT; m++)
			ok &= check_equiv(&t, ISA_STRICT, m, HOSTILE_BUDGET, true);
		for (enum vm_mode m = MODE_HYBRID; m <= MODE_BT; m++)
			ok &= check_equiv(&t, ISA_HYBRID, m, HOSTILE_BUDGET, true);
		/* the rest need only end: trap on hybrid (juser), legacy (its holes) */
		ok &= check_equiv(&t, ISA_HYBRID, MODE_TRAP, HOSTILE_BUDGET, false);
		for (enum vm_mode m = MODE_TRAP; m <= MODE_BT; m++)
			ok &= check_equiv(&t, ISA_LEGACY, m, HOSTILE_BUDGET, false);
		failures += !ok;
	}
	free(img);
	sigaction(SIGALRM, &old, NULL);
}

/* The smallest guest the hostile fuzzer reduced to: a handler that retires
 * an instruction, then faults again.  SPEC §6.4: only traps "with no
 * instruction retired" make a storm, so every mode runs to the budget. */
static void
test_a_handler_that_retires_instructions_is_not_a_trap_storm(void)
{
	const uint32_t img[] = {
		enc(OP_addi, 1, 0, 0, 8),           /* 0x0: tvec := 8 */
		enc(OP_mtcr, CR_tvec, 1, 0, 0),
		enc(OP_addi, 2, 2, 0, 1),           /* 0x8: the handler retires this... */
		0x00000000,                         /* 0xc: ...then traps ILLEGAL to 0x8 */
	};
	enum { BUDGET = 1000 };
	struct target t = { "minimal", 0, img, sizeof img, FUZZ_MEMORY, PLACE_RELOCATED };
	char err[256];
	struct vm_config vc = { .mode = MODE_BARE, .variant = ISA_STRICT, .guest_memory = FUZZ_MEMORY };
	struct vm *vm = vm_create(&vc, err, sizeof err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(vm);
	CU_ASSERT_EQUAL(vm_load_image(vm, (const uint8_t *)img, sizeof img, err, sizeof err), 0);
	vm_run(vm, BUDGET);
	if (vm_last_stop(vm)->reason == STOP_TRAP_STORM)
		fprintf(stderr, "\nbare reports a trap storm after %llu instructions, with one "
			"retired between any two traps\n",
			(unsigned long long)vm_guest_instructions(vm));
	CU_ASSERT_NOT_EQUAL(vm_last_stop(vm)->reason, STOP_TRAP_STORM);
	CU_ASSERT_EQUAL(vm_guest_instructions(vm), BUDGET);
	vm_destroy(vm);
	for (enum vm_mode m = MODE_TRAP; m <= MODE_BT; m++)
		check_equiv(&t, ISA_STRICT, m, BUDGET, true);
}

static CU_TestInfo tests[] = {
	{ "random guests are equivalent to bare in every required mode",
	  test_random_guests_are_equivalent_to_bare_in_every_required_mode },
	{ "hostile guests end and stay equivalent", test_hostile_guests_end_and_stay_equivalent },
	{ "a handler that retires instructions is not a trap storm",
	  test_a_handler_that_retires_instructions_is_not_a_trap_storm },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_monitor_fuzz = { "monitor: differential fuzzing", NULL, NULL, NULL, NULL, tests };
