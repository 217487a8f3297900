/* cpu.c — the PG32 fetch–decode–execute loop and the one place traps are
 * raised (isa/SPEC.md §4–§8, §12).  Lab 1 steps through it; Labs 3–5 hook
 * cpu_raise_trap() to take the guest's traps before the guest does.
 *
 * Speed comes from decoding each word once: machine->decoded[] caches the
 * decoded form of every word of physical memory, and a store to a word
 * empties its slot, so self-modifying code is still exact.  The loop keeps
 * the PC in a local; every path that leaves the loop or raises a trap
 * writes it back first.
 */
#include <string.h>

#include "machine_internal.h"

/* ===== helpers ============================================================ */

static inline uint32_t
mem_load32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, sizeof v);
	return v;
}

static inline uint16_t
mem_load16(const uint8_t *p)
{
	uint16_t v;
	memcpy(&v, p, sizeof v);
	return v;
}

/* cmp and cmpi: flags of x - y (SPEC §8.1). */
static inline uint32_t
cpu_compare(uint32_t x, uint32_t y)
{
	uint32_t d = x - y;
	uint32_t flags = 0;
	if (d == 0)
		flags |= PSW_Z;
	if (d >> 31)
		flags |= PSW_N;
	if (x < y)
		flags |= PSW_C;
	if (((x ^ y) & (x ^ d)) >> 31)
		flags |= PSW_V;
	return flags;
}

/* The branch conditions of SPEC §8.3, read from the PSW flags. */
static inline bool
cpu_condition(enum isa_opcode op, uint32_t psw)
{
	bool z = psw & PSW_Z, n = psw & PSW_N, c = psw & PSW_C, v = psw & PSW_V;
	switch (op) {
	case OP_beq:  return z;
	case OP_bne:  return !z;
	case OP_blt:  return n != v;
	case OP_bge:  return n == v;
	case OP_bgt:  return !z && n == v;
	case OP_ble:  return z || n != v;
	case OP_bltu: return c;
	case OP_bgeu: return !c;
	default:      return true;    /* b, call */
	}
}

static void
cpu_predecode(struct machine *m, uint32_t pa, struct decoded *d)
{
	struct isa_insn insn;
	if (!isa_decode(mem_load32(m->mem + pa), &insn)) {
		d->op = DECODE_ILLEGAL;
		return;
	}
	d->op = (uint8_t)insn.op;
	d->rd = insn.rd;
	d->rs = insn.rs;
	d->rt = insn.rt;
	d->imm = insn.imm;
	/* Branch offsets count words; keep them in bytes, ready to add. */
	if (isa_op_info(insn.op)->format == FMT_BR)
		d->imm = (int32_t)((uint32_t)insn.imm * ISA_WORD);
}

/* ===== traps (SPEC §6) ======================================================= */

void
cpu_stop(struct machine *m, enum machine_stop_reason reason)
{
	m->stopped = true;
	m->stop.reason = reason;
	m->stop.pc = m->s.pc;
}

void
machine_deliver_trap(struct machine *m, const struct machine_trap *trap)
{
	if (m->s.cr[CR_tvec] == 0) {
		m->stop.trap = *trap;
		m->s.pc = trap->epc;
		cpu_stop(m, STOP_UNHANDLED_TRAP);
		return;
	}
	/* Counted here, where the guest's own handler is entered: traps a
	 * monitor emulates itself (TRAP_HANDLED) are the monitor's business. */
	if (++m->traps_in_a_row > TRAP_STORM_LIMIT) {
		m->stop.trap = *trap;
		m->s.pc = trap->epc;
		cpu_stop(m, STOP_TRAP_STORM);
		return;
	}
	m->s.cr[CR_epc] = trap->epc;
	m->s.cr[CR_epsw] = m->s.psw;
	m->s.cr[CR_cause] = trap->cause;
	if (trap->cause == CAUSE_MEMORY || trap->cause == CAUSE_PAGE ||
	    trap->cause == CAUSE_MISALIGNED) {
		m->s.cr[CR_cause] |= (uint32_t)trap->access << CAUSE_ACCESS_SHIFT;
		m->s.cr[CR_badaddr] = trap->badaddr;
	}
	m->s.psw = (m->s.psw & PSW_FLAGS) | PSW_S;
	m->s.pc = m->s.cr[CR_tvec];
}

void
cpu_raise_trap(struct machine *m, const struct machine_trap *trap)
{
	if (trap->cause < MACHINE_CAUSE_SLOTS)
		m->traps[trap->cause]++;
	if (m->tracer.trap)
		m->tracer.trap(m->tracer.ctx, m, trap);
	enum machine_trap_action action = TRAP_DELIVER;
	if (m->trap_hook)
		action = m->trap_hook(m->trap_hook_ctx, m, trap);
	switch (action) {
	case TRAP_DELIVER:
		machine_deliver_trap(m, trap);
		break;
	case TRAP_HANDLED:
		break;
	case TRAP_STOP:
		m->stop.trap = *trap;
		cpu_stop(m, STOP_HOOK);
		break;
	}
}

/* ===== the loop ================================================================ */

enum machine_stop_reason
machine_run(struct machine *m, uint64_t max_instructions)
{
	uint32_t *const R = m->s.r;
	uint8_t *const mem = m->mem;
	const uint64_t limit = max_instructions > UINT64_MAX - m->retired
				       ? UINT64_MAX : m->retired + max_instructions;
	uint32_t pc = m->s.pc;
	struct machine_trap trap;

	m->stopped = false;
	m->stop.reason = STOP_NONE;

/* Local to this loop (clox's READ_BYTE style): raise a trap at this pc. */
#define RAISE(cause_, access_, badaddr_, word_) do {                       \
		trap = (struct machine_trap){ .cause = (cause_), .access = (access_), \
			.epc = pc, .badaddr = (badaddr_), .insn = (word_) };      \
		goto raise;                                                       \
	} while (0)
#define WORD() mem_load32(mem + fetch_pa)
#define LOAD_ADDR(size_, dst_) do {                                          \
		uint32_t va_ = R[d->rs] + (uint32_t)d->imm;                       \
		unsigned c_ = mmu_translate(m, va_, (size_), ACCESS_LOAD, &(dst_)); \
		if (unlikely(c_))                                                 \
			RAISE(c_, ACCESS_LOAD, va_, WORD());                      \
	} while (0)
#define STORE_ADDR(size_, dst_) do {                                         \
		uint32_t va_ = R[d->rs] + (uint32_t)d->imm;                       \
		unsigned c_ = mmu_translate(m, va_, (size_), ACCESS_STORE, &(dst_)); \
		if (unlikely(c_))                                                 \
			RAISE(c_, ACCESS_STORE, va_, WORD());                     \
		machine_invalidate_word(m, (dst_));                               \
	} while (0)

	while (likely(m->retired < limit)) {
		/* Interrupts are taken between instructions (SPEC §6.3). */
		if (unlikely(m->timer.pending && (m->s.psw & PSW_IE)))
			RAISE(CAUSE_TIMER, ACCESS_FETCH, 0, 0);

		uint32_t fetch_pa;
		unsigned cause = mmu_translate(m, pc, ISA_WORD, ACCESS_FETCH, &fetch_pa);
		if (unlikely(cause))
			RAISE(cause, ACCESS_FETCH, pc, 0);
		struct decoded *d = &m->decoded[fetch_pa / ISA_WORD];
		if (unlikely(d->op == DECODE_EMPTY))
			cpu_predecode(m, fetch_pa, d);
		if (unlikely(m->tracer.insn)) {
			m->s.pc = pc;
			m->tracer.insn(m->tracer.ctx, m, pc, WORD());
		}
		if (unlikely(d->op == DECODE_ILLEGAL))
			RAISE(CAUSE_ILLEGAL, ACCESS_FETCH, 0, WORD());
		if (unlikely(!(m->s.psw & PSW_S) && m->privileged[d->op]))
			RAISE(CAUSE_PRIVILEGED, ACCESS_FETCH, 0, WORD());

		uint32_t next = pc + ISA_WORD;
		uint32_t a = R[d->rs], b = R[d->rt], pa;
		switch ((enum isa_opcode)d->op) {
		/* --- arithmetic and logic (SPEC §8.1) --- */
		case OP_add:  R[d->rd] = a + b; break;
		case OP_sub:  R[d->rd] = a - b; break;
		case OP_and:  R[d->rd] = a & b; break;
		case OP_or:   R[d->rd] = a | b; break;
		case OP_xor:  R[d->rd] = a ^ b; break;
		case OP_shl:  R[d->rd] = a << (b & 31); break;
		case OP_shr:  R[d->rd] = a >> (b & 31); break;
		case OP_sra:  R[d->rd] = (uint32_t)((int32_t)a >> (b & 31)); break;
		case OP_mul:  R[d->rd] = a * b; break;
		case OP_div:
		case OP_rem:
			if (b == 0)
				RAISE(CAUSE_DIVIDE, ACCESS_FETCH, 0, WORD());
			if (a == 0x80000000u && b == 0xffffffffu)   /* -2^31 / -1 */
				R[d->rd] = d->op == OP_div ? a : 0;
			else
				R[d->rd] = (uint32_t)(d->op == OP_div ? (int32_t)a / (int32_t)b
								       : (int32_t)a % (int32_t)b);
			break;
		case OP_divu:
		case OP_remu:
			if (b == 0)
				RAISE(CAUSE_DIVIDE, ACCESS_FETCH, 0, WORD());
			R[d->rd] = d->op == OP_divu ? a / b : a % b;
			break;
		case OP_addi: R[d->rd] = a + (uint32_t)d->imm; break;
		case OP_andi: R[d->rd] = a & (uint32_t)d->imm; break;
		case OP_ori:  R[d->rd] = a | (uint32_t)d->imm; break;
		case OP_xori: R[d->rd] = a ^ (uint32_t)d->imm; break;
		case OP_shli: R[d->rd] = a << (d->imm & 31); break;
		case OP_shri: R[d->rd] = a >> (d->imm & 31); break;
		case OP_srai: R[d->rd] = (uint32_t)((int32_t)a >> (d->imm & 31)); break;
		case OP_lui:  R[d->rd] = (uint32_t)d->imm << 16; break;
		case OP_cmp:
			m->s.psw = (m->s.psw & ~PSW_FLAGS) | cpu_compare(a, b);
			break;
		case OP_cmpi:
			m->s.psw = (m->s.psw & ~PSW_FLAGS) | cpu_compare(a, (uint32_t)d->imm);
			break;

		/* --- memory (SPEC §8.2) --- */
		case OP_ldw:  LOAD_ADDR(4, pa); R[d->rd] = mem_load32(mem + pa); break;
		case OP_ldh:  LOAD_ADDR(2, pa); R[d->rd] = (uint32_t)(int16_t)mem_load16(mem + pa); break;
		case OP_ldhu: LOAD_ADDR(2, pa); R[d->rd] = mem_load16(mem + pa); break;
		case OP_ldb:  LOAD_ADDR(1, pa); R[d->rd] = (uint32_t)(int8_t)mem[pa]; break;
		case OP_ldbu: LOAD_ADDR(1, pa); R[d->rd] = mem[pa]; break;
		case OP_stw: {
			uint32_t v = R[d->rd];
			STORE_ADDR(4, pa);
			memcpy(mem + pa, &v, sizeof v);
			break;
		}
		case OP_sth: {
			uint16_t v = (uint16_t)R[d->rd];
			STORE_ADDR(2, pa);
			memcpy(mem + pa, &v, sizeof v);
			break;
		}
		case OP_stb:
			STORE_ADDR(1, pa);
			mem[pa] = (uint8_t)R[d->rd];
			break;
		case OP_adr:  R[d->rd] = next + (uint32_t)d->imm; break;

		/* --- control flow (SPEC §8.3) --- */
		case OP_b: case OP_beq: case OP_bne: case OP_blt: case OP_bge:
		case OP_bgt: case OP_ble: case OP_bltu: case OP_bgeu:
			if (cpu_condition((enum isa_opcode)d->op, m->s.psw))
				next += (uint32_t)d->imm;
			break;
		case OP_call:
			R[ISA_REG_LR] = next;
			next += (uint32_t)d->imm;
			break;
		case OP_jr:    next = a; break;
		case OP_callr: R[ISA_REG_LR] = next; next = a; break;

		/* --- always trap (SPEC §8.4): they retire, then trap --- */
		case OP_sys: case OP_brk: case OP_hcall: {
			static const unsigned cause_of[] = {
				[OP_sys] = CAUSE_SYSCALL, [OP_brk] = CAUSE_BREAKPOINT,
				[OP_hcall] = CAUSE_HYPERCALL,
			};
			m->retired++;
			timer_retire(&m->timer);
			m->traps_in_a_row = 0;
			RAISE(cause_of[d->op], ACCESS_FETCH, 0, WORD());
		}

		/* --- system instructions (SPEC §8.5) --- */
		case OP_rti:
			next = m->s.cr[CR_epc];
			m->s.psw = m->s.cr[CR_epsw] & PSW_WRITABLE;
			break;
		case OP_mfcr: R[d->rd] = m->s.cr[d->rs]; break;
		case OP_mtcr:
			switch (d->rd) {
			case CR_ptbr: m->s.cr[CR_ptbr] = a & PTE_FRAME_MASK; break;
			case CR_mmu:  m->s.cr[CR_mmu] = a & MMU_PG; break;
			default:      m->s.cr[d->rd] = a; break;
			}
			break;
		case OP_di: m->s.psw &= ~PSW_IE; break;
		case OP_ei: m->s.psw |= PSW_IE; break;
		case OP_halt:
			break;              /* the waiting happens after it retires */
		case OP_tlbflush:
			break;              /* this machine caches no translations (§5.3) */
		case OP_in:
			R[d->rd] = bus_in(&m->bus, (uint16_t)d->imm);
			break;
		case OP_out:
			m->s.pc = pc;       /* power-off records where it stopped */
			bus_out(&m->bus, (uint16_t)d->imm, a);
			break;
		case OP_rdpsw: R[d->rd] = m->s.psw; break;
		case OP_wrpsw:
			if (m->s.psw & PSW_S)
				m->s.psw = a & PSW_WRITABLE;
			else    /* reachable only where wrpsw is unprivileged: legacy's POPF hole */
				m->s.psw = (m->s.psw & ~PSW_FLAGS) | (a & PSW_FLAGS);
			break;
		case OP_srr:
			R[d->rd] = (m->s.cr[CR_mmu] & MMU_PG) ? m->s.cr[CR_ptbr] : m->s.cr[CR_rbase];
			break;
		case OP_juser:
			next = a;
			m->s.psw &= ~PSW_S;
			break;
		case OP_COUNT:
			break;              /* not an instruction; DECODE_* never get here */
		}

		/* The instruction retired (SPEC §12). */
		R[ISA_REG_ZERO] = 0;
		pc = next;
		m->retired++;
		timer_retire(&m->timer);
		m->traps_in_a_row = 0;

		if (unlikely(d->op == OP_halt) && !m->timer.pending) {
			if ((m->s.psw & PSW_IE) && m->timer.interval) {
				m->idle_ticks += timer_skip_to_expiry(&m->timer);
			} else {
				m->s.pc = pc;
				cpu_stop(m, STOP_HALTED_FOREVER);
			}
		}
		if (unlikely(m->stopped))
			break;
		continue;

	raise:
		m->s.pc = pc;
		cpu_raise_trap(m, &trap);
		pc = m->s.pc;
		if (m->stopped)
			break;
	}
#undef RAISE
#undef WORD
#undef LOAD_ADDR
#undef STORE_ADDR

	if (!m->stopped)
		m->s.pc = pc;
	else if (m->stop.reason == STOP_POWER_OFF || m->stop.reason == STOP_HALTED_FOREVER)
		m->s.pc = pc;
	m->stop.pc = m->s.pc;
	return m->stop.reason;
}
