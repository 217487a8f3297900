/* fuzzgen_emit.c — the random constructs of a generated guest (fuzzgen.h):
 * one instruction of any opcode with whatever makes it safe to run there,
 * bounded loops, self-modifying code, page-table edits, and the trap
 * handler.  Labs 3–8 (trap, shadow paging, hybrid, bt) are graded on what
 * it makes, through traplab fuzz.  Each draw from the random source is a
 * statement of its own, in the seed's order (fuzzgen_internal.h).
 */
#include <stddef.h>

#include "fuzzgen_internal.h"

const uint8_t fz_writable_regs[11] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 14, 15 };

#define NELEMS(a) (sizeof (a) / sizeof (a)[0])

/* ===== operands ================================================================= */

uint32_t
fz_rand_value(struct fuzzgen_rng *r)
{
	static const uint32_t edges[] = { 0, 1, 2, 0xffffffff, 0x7fffffff, 0x80000000, 31, 32,
					  0x8000, 0xffff, 0x10000, 0xfffffffe };
	switch (fz_below(r, 4)) {
	case 0:  return edges[fz_below(r, NELEMS(edges))];
	case 1:  return fz_below(r, 64);
	default: return fz_rnd(r);
	}
}

/* An immediate for its kind (SPEC §7.2): small, a byte, an edge, or any. */
static int32_t
rand_imm(struct fuzzgen_rng *r, enum isa_imm_kind kind)
{
	enum { SMALL_SPAN = 33, SMALL_BIAS = 16, BYTE_SPAN = 256 };
	uint32_t v;
	switch (fz_below(r, 4)) {
	case 0:  v = (uint32_t)((int32_t)fz_below(r, SMALL_SPAN) - SMALL_BIAS); break;
	case 1:  v = fz_below(r, BYTE_SPAN); break;
	case 2: {
		static const uint32_t edges[] = { 0, 1, 0xffff, 0x7fff, 0x8000, 31, 32, 0xfffc };
		v = edges[fz_below(r, NELEMS(edges))];
		break;
	}
	default: v = fz_rnd(r); break;
	}
	return kind == IMM_SIGNED16 ? (int32_t)(int16_t)(v & 0xffff) : (int32_t)(v & 0xffff);
}

static unsigned
wreg(struct fuzzgen_rng *r)
{
	return fz_writable_regs[fz_below(r, sizeof fz_writable_regs)];
}

/* Ports: the console and the timer (reading any is harmless), power-off
 * (reads 0), and ports no device owns (SPEC §10). */
static uint16_t
rand_port(struct fuzzgen_rng *r)
{
	static const uint16_t ports[] = { PORT_CONSOLE_DATA, PORT_CONSOLE_STATUS,
					  PORT_TIMER_INTERVAL, PORT_TIMER_COUNT, PORT_TIMER_ACK,
					  PORT_POWER_OFF, 0x30, 0x13, 0xffff };
	return ports[fz_below(r, NELEMS(ports))];
}

/* Any legal encoding of `op` with random operands, from its format alone
 * (SPEC §7.1); the destination is r1..r<rd_max> (any writable one if 0). */
uint32_t
fz_gen_operands(struct fuzzgen_rng *r, enum isa_opcode op, unsigned rd_max)
{
	enum { OFF24_SPAN = 4 };   /* targets a few words on: inside the body */
	const struct isa_op_info *oi = isa_op_info(op);
	const struct isa_format_info *fi = isa_format_info(oi->format);
	struct isa_insn in = { .op = op };
	if (fi->fields & FIELD_RD)
		in.rd = (uint8_t)(rd_max ? 1 + fz_below(r, rd_max) : wreg(r));
	if (fi->fields & FIELD_RS)
		in.rs = (uint8_t)fz_below(r, ISA_NUM_GPRS);
	if (fi->fields & FIELD_RT)
		in.rt = (uint8_t)fz_below(r, ISA_NUM_GPRS);
	if (fi->fields & FIELD_IMM16)
		in.imm = rand_imm(r, fi->imm);
	if (fi->fields & FIELD_OFF24)
		in.imm = (int32_t)fz_below(r, OFF24_SPAN);
	switch (oi->format) {
	case FMT_CRR: in.rs = (uint8_t)fz_below(r, ISA_NUM_CRS); break;
	case FMT_CRW: in.rd = (uint8_t)fz_below(r, ISA_NUM_CRS); break;
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
uint32_t
fz_gen_simple(struct fz_guest *g, bool sup, unsigned rd_max, bool quiet)
{
	for (;;) {
		enum isa_opcode op = (enum isa_opcode)fz_below(&g->rng, OP_COUNT);
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
		return fz_gen_operands(&g->rng, op, rd_max);
	}
}

/* A word that is no instruction (SPEC §7.3): random, or with opcode 0. */
static uint32_t
rand_illegal(struct fuzzgen_rng *r)
{
	for (;;) {
		uint32_t w = fz_rnd(r);
		if (fz_chance(r, 50))
			w &= 0x00ffffffu;          /* opcode 0: never an instruction */
		struct isa_insn in;
		if (!isa_decode(w, &in))
			return w;
	}
}

/* ===== constructs =============================================================== */

/* A load or store: mostly inside the region r10 points at, sometimes at
 * the pages around it (read-only, no-execute, unmapped, supervisor-only),
 * misaligned, past the end of memory, or through a random register. */
static void
emit_memory(struct fz_guest *g, struct fz_body *b, enum isa_opcode op, unsigned rd_max)
{
	enum { DATA_SPAN = 0xb00, WILD_SPAN = 0x9000, WILD_BIAS = 0x1000, WILD_BASE_REGS = 6 };
	static const int32_t near_user[] = { 0x1000, 0x1ffc, 0x2000, 0x3000, 0x4000, 0x6000,
					     0x7000, -0x7000 };
	static const int32_t near_kernel[] = { 0x4c00, 0x5c00, 0x6c00, 0x7c00, 0x7ffc };
	static const int32_t edge[] = { 0, 0xc, 0x10, 0x14, 0x1010, -0x10 };
	struct fuzzgen_rng *r = &g->rng;
	unsigned rd = rd_max ? 1 + fz_below(r, rd_max) : wreg(r);
	unsigned base = REG_BASE;
	int32_t off = (int32_t)(fz_below(r, DATA_SPAN) & ~3u);
	unsigned pick = fz_below(r, 100);
	if (pick < 8) {
		off += 1 + (int32_t)fz_below(r, 3);                /* misaligned for some sizes */
	} else if (pick < 18) {
		off = b->sup ? near_kernel[fz_below(r, NELEMS(near_kernel))]
			     : near_user[fz_below(r, NELEMS(near_user))];
	} else if (pick < 26) {
		base = REG_EDGE;                                   /* the end of the space */
		off = edge[fz_below(r, NELEMS(edge))];
	} else if (pick < 30) {
		/* wild: from the edge in supervisor mode (never code or page
		 * tables), through a random register in user mode */
		if (b->sup || g->user_sees_kernel) {
			base = REG_EDGE;
			off = (int32_t)fz_below(r, WILD_SPAN) - WILD_BIAS;
		} else {
			base = 1 + fz_below(r, WILD_BASE_REGS);
			off = rand_imm(r, IMM_SIGNED16);
		}
	}
	fz_put(b, fz_enc(op, rd, base, 0, off));
}

static enum isa_opcode
rand_op_of_format(struct fuzzgen_rng *r, enum isa_format f)
{
	for (;;) {
		enum isa_opcode op = (enum isa_opcode)fz_below(r, OP_COUNT);
		if (isa_op_info(op)->format == f)
			return op;
	}
}

/* A supervisor PSW (SPEC §3.2): S, IE half the time, random flags. */
static uint32_t
kernel_psw(struct fuzzgen_rng *r)
{
	uint32_t ie = fz_chance(r, 50) ? PSW_IE : 0;
	uint32_t flags = fz_rnd(r) & PSW_FLAGS;
	return PSW_S | ie | flags;
}

/* Timer intervals (SPEC §10.2): long enough for a handler to return. */
enum { TIMER_MIN = 40, HALT_TIMER_SPAN = 200, OUT_TIMER_SPAN = 300 };

/* mtcr of a random control register with a value that keeps the guest
 * running (SPEC §3.3): a real handler for tvec, a table for ptbr, paging
 * off and on again around a few instructions for mmu. */
static void
emit_mtcr(struct fz_guest *g, struct fz_body *b)
{
	enum { MMU_OFF_MAX = 4 };
	struct fuzzgen_rng *r = &g->rng;
	unsigned cr = fz_below(r, ISA_NUM_CRS);
	uint32_t v;
	switch (cr) {
	case CR_tvec:   v = fz_chance(r, 50) ? HANDLER1 : HANDLER2; break;
	case CR_rbase:
	case CR_rbound: v = fz_below(r, FUZZGEN_MEMORY); break;
	case CR_ptbr:   /* an address-space switch (the kernel is in both) */
		v = g->paging ? (fz_chance(r, 50) ? L1_TABLE : L1_TABLE2)
			      : fz_below(r, FUZZGEN_MEMORY) & PTE_FRAME_MASK;
		break;
	case CR_mmu:
		if (g->paging) {
			/* the kernel is mapped 1:1, so it keeps running */
			fz_put(b, fz_enc(OP_mtcr, CR_mmu, 0, 0, 0));
			for (unsigned i = fz_below(r, MMU_OFF_MAX); i > 0; i--)
				fz_put(b, fz_gen_simple(g, true, LOOP_RD_MAX, false));
			fz_put_const(b, REG_S2, MMU_PG);
			fz_put(b, fz_enc(OP_mtcr, CR_mmu, REG_S2, 0, 0));
			return;
		}
		v = 0;
		break;
	default:        v = fz_rand_value(r); break;
	}
	fz_put_const(b, REG_S2, v);
	fz_put(b, fz_enc(OP_mtcr, cr, REG_S2, 0, 0));
}

/* A supervisor-mode instruction of `op` that may stop, return or reprogram
 * the machine, with what makes it safe (SPEC §8.5). */
static void
emit_system_op(struct fz_guest *g, struct fz_body *b, enum isa_opcode op)
{
	static const uint16_t out_ports[] = { PORT_CONSOLE_DATA, PORT_CONSOLE_DATA,
					      PORT_TIMER_INTERVAL, PORT_TIMER_COUNT, PORT_TIMER_ACK,
					      PORT_CONSOLE_STATUS, 0x30, 0x1234 };
	struct fuzzgen_rng *r = &g->rng;
	switch (op) {
	case OP_wrpsw:
		fz_put_const(b, REG_S2, kernel_psw(r));
		fz_put(b, fz_enc(op, 0, REG_S2, 0, 0));
		return;
	case OP_rti:
		/* rti that stays in supervisor mode, with random IE and flags */
		fz_put(b, fz_enc(OP_di, 0, 0, 0, 0));
		fz_put(b, fz_enc(OP_adr, REG_S2, 0, 0, 4 * ISA_WORD));   /* the word after the rti */
		fz_put_const(b, REG_S1, kernel_psw(r));
		fz_put(b, fz_enc(OP_mtcr, CR_epc, REG_S2, 0, 0));
		fz_put(b, fz_enc(OP_mtcr, CR_epsw, REG_S1, 0, 0));
		fz_put(b, fz_enc(op, 0, 0, 0, 0));
		return;
	case OP_halt:
		/* only with something to wake it */
		fz_put_const(b, REG_S2, TIMER_MIN + fz_below(r, HALT_TIMER_SPAN));
		fz_put(b, fz_enc(OP_out, 0, REG_S2, 0, PORT_TIMER_INTERVAL));
		fz_put(b, fz_enc(OP_ei, 0, 0, 0, 0));
		fz_put(b, fz_enc(op, 0, 0, 0, 0));
		return;
	case OP_out: {
		/* never power-off; the timer at 0 (stopped) one time in ten */
		uint16_t port = out_ports[fz_below(r, NELEMS(out_ports))];
		if (port == PORT_TIMER_INTERVAL)
			fz_put_const(b, REG_S2,
				     fz_chance(r, 10) ? 0 : TIMER_MIN + fz_below(r, OUT_TIMER_SPAN));
		fz_put(b, fz_enc(op, 0, port == PORT_TIMER_INTERVAL ? REG_S2
				 : fz_below(r, ISA_NUM_GPRS), 0, port));
		return;
	}
	case OP_mtcr:
		emit_mtcr(g, b);
		return;
	default:
		fz_put(b, fz_gen_operands(r, op, 0));
		return;
	}
}

/* One instruction of `op` as a construct in the body: the instruction with
 * operands its format allows, plus whatever makes it safe to run here
 * (a target for jumps, a valid handler for tvec, a timer for halt...). */
static void
emit_op(struct fz_guest *g, struct fz_body *b, enum isa_opcode op)
{
	enum { AHEAD_MAX = 4 };
	struct fuzzgen_rng *r = &g->rng;
	const struct isa_op_info *oi = isa_op_info(op);
	fz_mark(b);
	if (oi->format == FMT_BR) {
		fz_put_forward(b, op, 0, 1 + fz_below(r, AHEAD_MAX));
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
		fz_put_forward(b, OP_adr, REG_S2, 1 + fz_below(r, AHEAD_MAX));
		fz_put(b, fz_enc(op, 0, REG_S2, 0, 0));
		return;
	}
	if (!b->sup) {
		/* user mode: anything with any operands (privileged ones trap) */
		fz_put(b, fz_gen_operands(r, op, 0));
		return;
	}
	if (op == OP_juser)
		return;                 /* supervisor juser: how the kernel may enter user mode */
	emit_system_op(g, b, op);
}

/* A bounded loop (the only backward branch): r7 counts down. */
static void
emit_loop(struct fz_guest *g, struct fz_body *b)
{
	enum { TRIPS_MIN = 2, TRIPS_SPAN = 10, LENGTH_SPAN = 5 };
	struct fuzzgen_rng *r = &g->rng;
	fz_mark(b);
	fz_put_const(b, REG_LOOP, TRIPS_MIN + fz_below(r, TRIPS_SPAN));
	uint32_t top = b->pa;
	for (unsigned i = 1 + fz_below(r, LENGTH_SPAN); i > 0; i--) {
		if (fz_chance(r, 30))
			emit_memory(g, b, rand_op_of_format(r, FMT_MEM), LOOP_RD_MAX);
		else
			fz_put(b, fz_gen_simple(g, b->sup, LOOP_RD_MAX, false));
	}
	fz_put(b, fz_enc(OP_addi, REG_LOOP, REG_LOOP, 0, -1));
	fz_put(b, fz_enc(OP_cmpi, 0, REG_LOOP, 0, 0));
	fz_put(b, fz_enc(OP_bne, 0, 0, 0, (int32_t)(top - b->pa - ISA_WORD) / ISA_WORD));
}

/* Self-modifying code: store a new instruction over the next one (or the
 * one after), which the store's own block has already translated. */
static void
emit_patch_ahead(struct fz_guest *g, struct fz_body *b)
{
	struct fuzzgen_rng *r = &g->rng;
	fz_mark(b);
	bool gap = fz_chance(r, 40);
	fz_put_const(b, REG_S1, fz_gen_simple(g, b->sup, LOOP_RD_MAX, false));
	fz_put(b, fz_enc(OP_adr, REG_S2, 0, 0, gap ? 2 * ISA_WORD : ISA_WORD));
	fz_put(b, fz_enc(OP_stw, REG_S1, REG_S2, 0, 0));
	if (gap)
		fz_put(b, fz_gen_simple(g, b->sup, LOOP_RD_MAX, false));
	fz_put(b, fz_gen_simple(g, b->sup, LOOP_RD_MAX, false));    /* the word that is replaced */
}

/* Rewrite PATCHF, which already ran (the handler calls it too). */
static void
emit_patch_function(struct fz_guest *g, struct fz_body *b)
{
	fz_mark(b);
	fz_put_const(b, REG_S1, fz_gen_simple(g, true, LOOP_RD_MAX, true));
	fz_put_const(b, REG_S2, PATCHF);
	fz_put(b, fz_enc(OP_stw, REG_S1, REG_S2, 0, 0));
}

/* Edit a user page's entry in one of the level-2 tables — another frame,
 * other permissions — then tlbflush, as SPEC §5.3 requires, before anything
 * runs through the page: interrupts off first, and between the store and the
 * tlbflush at most one quiet instruction, so no trap or interrupt handler
 * can fetch through the edited entry before the flush.  (A monitor may rely
 * on the rule, SPEC §5.3; bt once did, and fuzz_modes found a guest whose
 * sys came in between.  TrapLab's monitors no longer rely on it, but the
 * generator keeps it: valid guests are written as the SPEC asks.) */
static void
emit_remap(struct fz_guest *g, struct fz_body *b)
{
	struct fuzzgen_rng *r = &g->rng;
	static const uint8_t pages[] = { UDATA / PAGE_SIZE, U_RO / PAGE_SIZE, U_NX / PAGE_SIZE,
					 ALT_DATA / PAGE_SIZE, ALIAS_PAGE };
	static const uint32_t frames[] = { UDATA, U_RO, U_NX, ALT_DATA, ALIAS_PAGE * PAGE_SIZE };
	fz_mark(b);
	fz_put(b, fz_enc(OP_di, 0, 0, 0, 0));
	uint32_t table = fz_chance(r, 50) ? L2_TABLE : L2_TABLE2;
	unsigned page = pages[fz_below(r, NELEMS(pages))];
	uint32_t frame = frames[fz_below(r, NELEMS(frames))];
	uint32_t pte = frame | PTE_V | (fz_rnd(r) & (PTE_W | PTE_X | PTE_U));
	if (page == ALIAS_PAGE) {   /* the alias: code moves under the kernel */
		pte = (fz_chance(r, 50) ? PATCHF : ALT_FUNC) & PTE_FRAME_MASK;
		pte |= PTE_V | PTE_X | (fz_rnd(r) & (PTE_W | PTE_U));
	}
	fz_put_const(b, REG_S1, pte);
	fz_put_const(b, REG_S2, table);
	fz_put(b, fz_enc(OP_stw, REG_S1, REG_S2, 0, (int32_t)(page * ISA_WORD)));
	if (fz_chance(r, 50))
		fz_put(b, fz_gen_simple(g, true, LOOP_RD_MAX, true));
	fz_put(b, fz_enc(OP_tlbflush, 0, 0, 0, 0));
}

static void
emit_call_function(struct fz_body *b, uint32_t fn)
{
	fz_mark(b);
	uint32_t at = fz_va_of(b, b->pa);
	fz_put(b, fz_enc(OP_call, 0, 0, 0, (int32_t)(fn - at - ISA_WORD) / ISA_WORD));
}

/* User code (in the second address space, where its data page is the
 * frame of ALT_FUNC) rewrites kernel code the handler runs. */
static void
emit_user_patch_alt(struct fz_guest *g, struct fz_body *b)
{
	fz_mark(b);
	fz_put_const(b, REG_S1, fz_gen_simple(g, true, LOOP_RD_MAX, true));
	fz_put(b, fz_enc(OP_stw, REG_S1, REG_BASE, 0, ALT_FUNC % PAGE_SIZE));
}

/* Each body runs every opcode once, in a random order, then `extra` more;
 * before each, one time in five or so, a loop, a patch or a page-table
 * edit.  It stops with room for the longest construct and the body's end. */
void
fz_emit_body(struct fz_guest *g, struct fz_body *b, unsigned extra)
{
	enum { ROOM = 256 };
	struct fuzzgen_rng *r = &g->rng;
	enum isa_opcode order[OP_COUNT];
	for (unsigned i = 0; i < OP_COUNT; i++)
		order[i] = (enum isa_opcode)i;
	for (unsigned i = OP_COUNT - 1; i > 0; i--) {
		unsigned j = fz_below(r, i + 1);
		enum isa_opcode t = order[i];
		order[i] = order[j];
		order[j] = t;
	}
	for (unsigned n = 0; n < OP_COUNT + extra && b->pa + ROOM < b->end; n++) {
		unsigned pick = fz_below(r, 100);
		if (pick < 5) {
			emit_loop(g, b);
		} else if (pick < 9) {
			emit_patch_ahead(g, b);
		} else if (pick < 11) {
			fz_mark(b);
			fz_put(b, rand_illegal(r));
		} else if ((b->sup || g->user_sees_kernel) && pick < 14) {
			emit_patch_function(g, b);
		} else if (b->sup && pick < 18) {
			bool alias = g->paging && fz_chance(r, 50);
			emit_call_function(b, alias ? ALIAS_FUNC : PATCHF);
		} else if (!b->sup && g->paging && pick < 16) {
			emit_user_patch_alt(g, b);
		} else if (b->sup && g->pt_writable && pick < 22) {
			emit_remap(g, b);
		}
		enum isa_opcode op = n < OP_COUNT ? order[n] : (enum isa_opcode)fz_below(r, OP_COUNT);
		emit_op(g, b, op);
	}
}

/* The handler's power-off: a checksum of the registers as the exit status
 * (SPEC §10.3), so a register a mode got wrong shows in how the run ends. */
static void
emit_power_off(struct fz_body *b)
{
	static const uint8_t sum[] = { 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 14, 15 };
	fz_put(b, fz_enc(OP_add, REG_H1, 1, 0, 0));
	for (unsigned i = 0; i < sizeof sum; i++)
		fz_put(b, fz_enc(OP_add, REG_H1, REG_H1, sum[i], 0));
	fz_put(b, fz_enc(OP_out, 0, REG_H1, 0, PORT_CONSOLE_DATA));
	fz_put(b, fz_enc(OP_out, 0, REG_H1, 0, PORT_POWER_OFF));
	fz_put(b, fz_enc(OP_b, 0, 0, 0, -1));
}

/* The trap handler (SPEC §6.2): count the trap, log it, print a letter for
 * it, call PATCHF (handler 1 only), acknowledge a timer interrupt or step
 * over the faulting instruction, return with rti — or at the K-th trap
 * power off.  The log: a count, then 16-byte records (cause, epc,
 * badaddr, epsw) in a ring of 16 after it. */
void
fz_emit_handler(struct fz_guest *g, uint32_t at, uint32_t fn)
{
	enum { LOG_RING_MASK = 15, LOG_RECORD_SHIFT = 4, LOG_CAUSE = 16, LOG_EPC = 20,
	       LOG_BADADDR = 24, LOG_EPSW = 28, LOG_SAVED_LR = 8 };
	struct fz_body hb = { .img = g->img, .pa = at, .end = at + HANDLER_SIZE, .sup = true };
	struct fz_body *b = &hb;
	fz_put(b, fz_enc(OP_addi, REG_H2, 0, 0, TRAPLOG));
	fz_put(b, fz_enc(OP_ldw, REG_H1, REG_H2, 0, 0));
	fz_put(b, fz_enc(OP_addi, REG_H1, REG_H1, 0, 1));
	fz_put(b, fz_enc(OP_stw, REG_H1, REG_H2, 0, 0));
	fz_put(b, fz_enc(OP_cmpi, 0, REG_H1, 0, (int32_t)g->trap_limit));
	uint32_t to_poweroff = b->pa;
	fz_put(b, 0);
	fz_put(b, fz_enc(OP_andi, REG_H1, REG_H1, 0, LOG_RING_MASK));
	fz_put(b, fz_enc(OP_shli, REG_H1, REG_H1, 0, LOG_RECORD_SHIFT));
	fz_put(b, fz_enc(OP_add, REG_H1, REG_H1, REG_H2, 0));
	fz_put(b, fz_enc(OP_mfcr, REG_H2, CR_cause, 0, 0));
	fz_put(b, fz_enc(OP_stw, REG_H2, REG_H1, 0, LOG_CAUSE));
	fz_put(b, fz_enc(OP_addi, REG_H2, REG_H2, 0, 'A'));
	fz_put(b, fz_enc(OP_out, 0, REG_H2, 0, PORT_CONSOLE_DATA));
	fz_put(b, fz_enc(OP_mfcr, REG_H2, CR_epc, 0, 0));
	fz_put(b, fz_enc(OP_stw, REG_H2, REG_H1, 0, LOG_EPC));
	fz_put(b, fz_enc(OP_mfcr, REG_H2, CR_badaddr, 0, 0));
	fz_put(b, fz_enc(OP_stw, REG_H2, REG_H1, 0, LOG_BADADDR));
	fz_put(b, fz_enc(OP_mfcr, REG_H2, CR_epsw, 0, 0));
	fz_put(b, fz_enc(OP_stw, REG_H2, REG_H1, 0, LOG_EPSW));
	if (fn) {
		/* lr is saved: the trap may have come in the middle of PATCHF */
		fz_put(b, fz_enc(OP_addi, REG_H2, 0, 0, TRAPLOG));
		fz_put(b, fz_enc(OP_stw, ISA_REG_LR, REG_H2, 0, LOG_SAVED_LR));
		fz_put(b, fz_enc(OP_call, 0, 0, 0, (int32_t)(fn - b->pa - ISA_WORD) / ISA_WORD));
		fz_put(b, fz_enc(OP_addi, REG_H2, 0, 0, TRAPLOG));
		fz_put(b, fz_enc(OP_ldw, ISA_REG_LR, REG_H2, 0, LOG_SAVED_LR));
	}
	fz_put(b, fz_enc(OP_mfcr, REG_H2, CR_cause, 0, 0));
	fz_put(b, fz_enc(OP_cmpi, 0, REG_H2, 0, CAUSE_TIMER));
	fz_put(b, fz_enc(OP_bne, 0, 0, 0, 2));                        /* over the next two */
	fz_put(b, fz_enc(OP_out, 0, 0, 0, PORT_TIMER_ACK));           /* acknowledge the timer */
	fz_put(b, fz_enc(OP_rti, 0, 0, 0, 0));
	fz_put(b, fz_enc(OP_mfcr, REG_H2, CR_epc, 0, 0));              /* step over the instruction */
	fz_put(b, fz_enc(OP_addi, REG_H2, REG_H2, 0, ISA_WORD));
	fz_put(b, fz_enc(OP_mtcr, CR_epc, REG_H2, 0, 0));
	fz_put(b, fz_enc(OP_rti, 0, 0, 0, 0));
	g->img[to_poweroff / ISA_WORD] =
		fz_enc(OP_bge, 0, 0, 0, (int32_t)(b->pa - to_poweroff - ISA_WORD) / ISA_WORD);
	emit_power_off(b);
}
