/* cpu.c — the PG32 fetch–decode–execute loop and the one place traps are
 * raised (isa/SPEC.md §4–§8, §12).  Lab 1 steps through it.  The monitors
 * of Labs 3–5 run the guest on a machine with a trap hook
 * (machine_set_trap_hook) that stops machine_run() at every trap, before
 * the guest's handler would see it; the monitor then emulates, reflects
 * with machine_deliver_trap(), or fixes its shadow tables, and runs again.
 * The system instructions' effects come from isa.h (isa_rti_psw, ...), the
 * same functions the monitor's vCPU routines use.
 *
 * Speed comes from decoding each word once: machine->decoded[] caches the
 * decoded form of every word of physical memory, and a store to a word
 * empties its slot (both slots, for a store that spans two words), so
 * self-modifying code is still exact.  A fetch at an unaligned physical
 * address (an rbase that is not a multiple of 4, SPEC §5.1) has no slot and
 * is decoded afresh every time.  The loop keeps
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

static void
cpu_predecode(struct machine *m, uint32_t pa, struct decoded *d)
{
	struct isa_insn insn;
	if (!isa_decode(mem_load32(m->mem + pa), &insn)) {
		*d = (struct decoded){ .handler = DECODE_ILLEGAL };
		return;
	}
	d->handler = (uint8_t)((m->privileged[insn.op] ? HANDLER_PRIVILEGED : HANDLER_DIRECT) + insn.op);
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
	 * monitor stops for and emulates itself are the monitor's business.
	 * "In a row" means with no instruction retired since the last one;
	 * comparing counts keeps the interpreter's hot path free of it. */
	if (m->retired != m->retired_at_last_trap) {
		m->retired_at_last_trap = m->retired;
		m->traps_in_a_row = 0;
	}
	if (++m->traps_in_a_row > TRAP_STORM_LIMIT) {
		m->stop.trap = *trap;
		m->s.pc = trap->epc;
		cpu_stop(m, STOP_TRAP_STORM);
		return;
	}
	m->s.cr[CR_epc] = trap->epc;
	m->s.cr[CR_epsw] = m->s.psw;
	m->s.cr[CR_cause] = trap->cause;
	if (isa_cause_has_address(trap->cause)) {
		m->s.cr[CR_cause] |= (uint32_t)trap->access << CAUSE_ACCESS_SHIFT;
		m->s.cr[CR_badaddr] = trap->badaddr;
	}
	m->s.psw = isa_trap_entry_psw(m->s.psw);
	m->s.pc = m->s.cr[CR_tvec];
}

enum machine_trap_action
cpu_raise_trap(struct machine *m, const struct machine_trap *trap)
{
	if (trap->cause < MACHINE_CAUSE_SLOTS)
		m->traps[trap->cause]++;
	if (m->tracer.trap)
		m->tracer.trap(m->tracer.ctx, m, trap);
	enum machine_trap_action action =
		m->trap_hook ? m->trap_hook(m->trap_hook_ctx, m, trap) : TRAP_DELIVER;
	if (action == TRAP_STOP) {
		m->stop.trap = *trap;
		cpu_stop(m, STOP_HOOK);
	} else if (action == TRAP_DELIVER) {
		machine_deliver_trap(m, trap);
	}
	return action;
}

/* ===== the loop ================================================================ */

/* Where the fast paths need no MMU: a window [start, start + end) of the
 * address space that maps to [start + delta, ...) physically.  With paging
 * off it is the whole space, [0, end) (SPEC §5.1), for fetches and data
 * alike; recomputed whenever the mode or R may change.  With paging on
 * there are three, each one page that the last slow access translated
 * (SPEC §5.2): fetches (the page was executable), loads, and stores (it was
 * writable) -- dropped with the TLB, when a page-table word changes or the
 * mode, ptbr or mmu may have.  `fetch_end` is end - 3, so
 * `pc - start < fetch_end` says a whole word fits. */
struct window {
	uint32_t start;
	uint32_t end;        /* its length; 0 = no window: every access asks mmu_translate() */
	uint32_t fetch_end;
	uint32_t delta;
};

/* The page of virtual `va`, which mmu_translate just mapped to `pa`. */
static struct window
cpu_page_window(uint32_t va, uint32_t pa)
{
	uint32_t page = va & ~(uint32_t)(PAGE_SIZE - 1);
	return (struct window){ .start = page, .end = PAGE_SIZE, .fetch_end = PAGE_SIZE - (ISA_WORD - 1),
				.delta = (pa & ~(uint32_t)(PAGE_SIZE - 1)) - page };
}

static struct window
cpu_window(const struct machine *m, uint32_t psw)
{
	struct window w = { 0, 0, 0, 0 };
	if (m->s.cr[CR_mmu] & MMU_PG)
		return w;
	if (psw & PSW_S) {
		w.end = m->mem_size;
	} else {
		uint32_t base = m->s.cr[CR_rbase], bound = m->s.cr[CR_rbound];
		if (base >= m->mem_size)
			return w;
		w.end = bound < m->mem_size - base ? bound : m->mem_size - base;
		w.delta = base;
	}
	w.fetch_end = w.end >= ISA_WORD ? w.end - (ISA_WORD - 1) : 0;
	/* An rbase that is not a multiple of 4 puts every fetch at an
	 * unaligned physical address, which no slot of decoded[] describes
	 * (SPEC §5.1): such fetches all take the slow path, which decodes the
	 * bytes that are really there. */
	if (w.delta & (ISA_WORD - 1))
		w.fetch_end = 0;
	return w;
}

/* Can [va, va + size) use the window?  (end >= size keeps end - size from
 * wrapping; va - start wraps to a large number below start.) */
#define IN_WINDOW(w, va, size) ((w).end >= (size) && (va) - (w).start <= (w).end - (size))

enum machine_stop_reason
machine_run(struct machine *m, uint64_t max_instructions)
{
	uint32_t *const R = m->s.r;
	uint8_t *const mem = m->mem;
	struct decoded *const decoded = m->decoded;
	const uint64_t limit = max_instructions > UINT64_MAX - m->retired
				       ? UINT64_MAX : m->retired + max_instructions;

	/* The hot state lives in locals; SYNC_OUT/SYNC_IN move it to and from
	 * *m around anything that looks at the machine from outside. */
	uint32_t pc, psw;
	uint64_t icount;
	uint64_t event_at;      /* run the slow checks when icount reaches this */
	struct window fwin, lwin, swin;     /* fetches, loads, stores */
	struct machine_trap trap;
	const struct decoded *d;
	struct decoded unaligned;      /* an instruction at an unaligned physical address */
	uint32_t fetch_pa = 0, pa;

	/* One label per instruction, generated from opcodes.def: a new
	 * instruction without a do_<name> handler does not compile. */
	static void *const dispatch[HANDLER_COUNT] = {
#define PG32_OP(name, code, fmt, strict, legacy, hybrid, meaning) \
		[HANDLER_DIRECT + OP_##name] = &&do_##name, \
		[HANDLER_PRIVILEGED + OP_##name] = &&do_privileged,
#include "opcodes.def"
#undef PG32_OP
		[DECODE_EMPTY] = &&do_predecode,
		[DECODE_ILLEGAL] = &&do_illegal,
	};

#define SYNC_OUT() do {                                                      \
		m->s.pc = pc;                                                     \
		m->s.psw = psw;                                                   \
		m->retired = icount;                                              \
		timer_advance(&m->timer, icount);                                 \
	} while (0)
#define SYNC_IN() do {                                                       \
		pc = m->s.pc;                                                     \
		psw = m->s.psw;                                                   \
		fwin = lwin = swin = cpu_window(m, psw);                          \
		event_at = icount;     /* re-check interrupts, timer, budget */    \
	} while (0)
#define RAISE(cause_, access_, badaddr_) do {                                \
		trap = (struct machine_trap){ .cause = (cause_), .access = (access_), \
			.epc = pc, .badaddr = (badaddr_), .insn = 0 };            \
		goto raise;                                                       \
	} while (0)
/* Fetch and dispatch the next instruction.  Every handler ends with its
 * own copy, so the host's branch predictor learns per-instruction
 * successors (threaded code). */
#define DISPATCH() do {                                                      \
		if (unlikely(icount >= event_at))                                 \
			goto slow_checks;                                         \
		if (unlikely(pc - fwin.start >= fwin.fetch_end))                  \
			goto slow_fetch;                                          \
		fetch_pa = pc + fwin.delta;                                       \
		d = &decoded[fetch_pa / ISA_WORD];                                \
		goto *table[d->handler];                                          \
	} while (0)
/* Translate a data access: the window when it covers it, else the MMU
 * (with paging on, the page it translated becomes the window: a store's
 * for loads too, since a writable page is readable). */
#define DATA_ADDR(size_, access_, win_) do {                                 \
		uint32_t va_ = R[d->rs] + (uint32_t)d->imm;                       \
		if (likely(IN_WINDOW(win_, va_, (size_)) && !(va_ & ((size_) - 1)))) { \
			pa = va_ + (win_).delta;                                  \
		} else {                                                          \
			m->s.psw = psw;                                           \
			unsigned c_ = mmu_translate(m, va_, (size_), (access_), &pa); \
			if (unlikely(c_))                                         \
				RAISE(c_, (access_), va_);                        \
			if ((m->s.cr[CR_mmu] & MMU_PG) && !m->tlb_off) {          \
				win_ = cpu_page_window(va_, pa);                  \
				if ((access_) == ACCESS_STORE)                    \
					lwin = win_;                              \
			}                                                         \
		}                                                                 \
	} while (0)
#define LOAD_ADDR(size_) DATA_ADDR(size_, ACCESS_LOAD, lwin)
/* A store into a page-table word some walk used drops the TLB and with it
 * the paged windows (machine_invalidate_store says so). */
#define STORE(size_, value_) do {                                            \
		uint32_t v_ = (value_);                                           \
		DATA_ADDR(size_, ACCESS_STORE, swin);                             \
		bool pt_ = machine_invalidate_store(m, pa, (size_));              \
		memcpy(mem + pa, &v_, (size_));   /* little-endian host */        \
		if (unlikely(pt_)) {                                              \
			tlb_flush(m);                                             \
			fwin = lwin = swin = cpu_window(m, psw);                  \
		}                                                                 \
	} while (0)
/* The instruction retired (SPEC §12) and the next one begins at `next_`. */
#define RETIRE_TO(next_) do {                                                \
		R[ISA_REG_ZERO] = 0;                                              \
		pc = (next_);                                                     \
		icount++;                                                         \
		DISPATCH();                                                       \
	} while (0)
#define RETIRE() RETIRE_TO(pc + ISA_WORD)
/* jr and callr can leave the PC misaligned (branch targets never are): the
 * slow path's fetch raises MISALIGNED at the target (SPEC §8.3). */
#define JUMP_TO(target_) do {                                                \
		R[ISA_REG_ZERO] = 0;                                              \
		pc = (target_);                                                   \
		icount++;                                                         \
		if (unlikely(pc & (ISA_WORD - 1)))                                \
			goto slow_checks;                                         \
		DISPATCH();                                                       \
	} while (0)
#define BRANCH_IF(cond_) RETIRE_TO(pc + ISA_WORD + ((cond_) ? (uint32_t)d->imm : 0))
/* Instructions that change the mode, R, the IE bit or a device retire
 * through the slow path, which re-reads everything. */
#define RETIRE_SLOW(next_) do {                                              \
		R[ISA_REG_ZERO] = 0;                                              \
		pc = (next_);                                                     \
		icount++;                                                         \
		SYNC_OUT();                                                       \
		goto after_slow;                                                  \
	} while (0)

	/* Decoding every time (an interpreter's way) sends every instruction
	 * through do_redecode first; otherwise the decoded cache is trusted. */
	static void *redecode_all[HANDLER_COUNT];
	if (!redecode_all[0])
		for (unsigned i = 0; i < HANDLER_COUNT; i++)
			redecode_all[i] = &&do_redecode;
	void *const *const table = m->decode_every_time ? redecode_all : dispatch;

	m->stopped = false;
	m->stop.reason = STOP_NONE;
	m->watch->pristine = false;     /* its stores mark chunks dirty from here on */
	icount = m->retired;
	SYNC_IN();
	DISPATCH();

do_redecode:
	cpu_predecode(m, fetch_pa, &decoded[fetch_pa / ISA_WORD]);
	m->watch->decoded_seen[m->watch_first_page + fetch_pa / CODE_WATCH_GRAIN] = 1;
	goto *dispatch[d->handler];

slow_checks:
	/* In SPEC order: budget, then interrupts (§6.3), then the next deadline. */
	SYNC_OUT();
	if (icount >= limit)
		goto out;
	if (m->timer.pending && (psw & PSW_IE))
		RAISE(CAUSE_TIMER, ACCESS_FETCH, 0);
	if (m->stop_on_user && !(psw & PSW_S)) {
		cpu_stop(m, STOP_USER_MODE);
		goto out;
	}
	event_at = limit;
	if (timer_deadline(&m->timer) < event_at)
		event_at = timer_deadline(&m->timer);
	if (m->tracer.insn) {
		event_at = icount + 1;
		uint32_t tpa;
		if (mmu_translate(m, pc, ISA_WORD, ACCESS_FETCH, &tpa) == 0)
			m->tracer.insn(m->tracer.ctx, m, pc, mem_load32(mem + tpa));
	}
	/* fall through: fetch through the MMU once */
slow_fetch: {
	m->s.psw = psw;
	unsigned cause = mmu_translate(m, pc, ISA_WORD, ACCESS_FETCH, &fetch_pa);
	if (unlikely(cause))
		RAISE(cause, ACCESS_FETCH, pc);
	if ((m->s.cr[CR_mmu] & MMU_PG) && !m->tlb_off)
		fwin = cpu_page_window(pc, fetch_pa);
	if (unlikely(fetch_pa & (ISA_WORD - 1))) {
		/* Relocated by an unaligned rbase: decode the bytes at fetch_pa
		 * afresh, every time; the cache is indexed by aligned words. */
		cpu_predecode(m, fetch_pa, &unaligned);
		d = &unaligned;
		goto *dispatch[d->handler];
	}
	d = &decoded[fetch_pa / ISA_WORD];
	goto *table[d->handler];
}

do_predecode:
	cpu_predecode(m, fetch_pa, &decoded[fetch_pa / ISA_WORD]);
	m->watch->decoded_seen[m->watch_first_page + fetch_pa / CODE_WATCH_GRAIN] = 1;
	goto *dispatch[d->handler];
do_illegal:
	RAISE(CAUSE_ILLEGAL, ACCESS_FETCH, 0);
do_privileged:
	/* Privileged on this variant (SPEC §4): user mode traps, supervisor runs it. */
	if (!(psw & PSW_S))
		RAISE(CAUSE_PRIVILEGED, ACCESS_FETCH, 0);
	goto *dispatch[d->handler - HANDLER_PRIVILEGED + HANDLER_DIRECT];

	/* --- arithmetic and logic (SPEC §8.1): the register-only ones from
	 * isa/alu.def, one handler each --- */
#define PG32_ALU(name, expr) \
do_##name: { \
		const uint32_t A = R[d->rs], B = R[d->rt]; \
		const int32_t IMM = d->imm; \
		(void)A; (void)B; (void)IMM; \
		R[d->rd] = (expr); \
		RETIRE(); \
	}
#include "alu.def"
#undef PG32_ALU
do_div: do_divu: do_rem: do_remu:
	if (R[d->rt] == 0)
		RAISE(CAUSE_DIVIDE, ACCESS_FETCH, 0);
	/* the opcode, whether or not this variant made it privileged */
	R[d->rd] = isa_divide((enum isa_opcode)((d->handler - HANDLER_DIRECT) % OP_COUNT),
			      R[d->rs], R[d->rt]);
	RETIRE();
do_cmp:  psw = (psw & ~PSW_FLAGS) | isa_compare_flags(R[d->rs], R[d->rt]); RETIRE();
do_cmpi: psw = (psw & ~PSW_FLAGS) | isa_compare_flags(R[d->rs], (uint32_t)d->imm); RETIRE();

	/* --- memory (SPEC §8.2): sizes and widening from isa.h, folded to
	 * constants by the compiler --- */
#define LOAD(op_, raw_) do {                                                 \
		LOAD_ADDR(isa_mem_access_size(op_));                              \
		R[d->rd] = isa_load_result((op_), (raw_));                        \
		RETIRE();                                                         \
	} while (0)
do_ldw:  LOAD(OP_ldw, mem_load32(mem + pa));
do_ldh:  LOAD(OP_ldh, mem_load16(mem + pa));
do_ldhu: LOAD(OP_ldhu, mem_load16(mem + pa));
do_ldb:  LOAD(OP_ldb, mem[pa]);
do_ldbu: LOAD(OP_ldbu, mem[pa]);
#undef LOAD
do_stw:  STORE(isa_mem_access_size(OP_stw), R[d->rd]); RETIRE();
do_sth:  STORE(isa_mem_access_size(OP_sth), R[d->rd]); RETIRE();
do_stb:  STORE(isa_mem_access_size(OP_stb), R[d->rd]); RETIRE();
do_adr:  R[d->rd] = pc + ISA_WORD + (uint32_t)d->imm; RETIRE();

	/* --- control flow (SPEC §8.3): d->imm is already in bytes --- */
do_b:    BRANCH_IF(true);
do_beq: BRANCH_IF(isa_branch_taken(OP_beq, psw));
do_bne: BRANCH_IF(isa_branch_taken(OP_bne, psw));
do_blt: BRANCH_IF(isa_branch_taken(OP_blt, psw));
do_bge: BRANCH_IF(isa_branch_taken(OP_bge, psw));
do_bgt: BRANCH_IF(isa_branch_taken(OP_bgt, psw));
do_ble: BRANCH_IF(isa_branch_taken(OP_ble, psw));
do_bltu: BRANCH_IF(isa_branch_taken(OP_bltu, psw));
do_bgeu: BRANCH_IF(isa_branch_taken(OP_bgeu, psw));
do_call: R[ISA_REG_LR] = pc + ISA_WORD; BRANCH_IF(true);
do_jr:   JUMP_TO(R[d->rs]);
do_callr: {
	uint32_t target = R[d->rs];      /* read before lr is written (SPEC §8.3) */
	R[ISA_REG_LR] = pc + ISA_WORD;
	JUMP_TO(target);
}

	/* --- always trap (SPEC §8.4): they retire, then trap at themselves --- */
do_sys:   trap.cause = isa_trap_instruction_cause(OP_sys); goto retire_and_trap;
do_brk:   trap.cause = isa_trap_instruction_cause(OP_brk); goto retire_and_trap;
do_hcall: trap.cause = isa_trap_instruction_cause(OP_hcall); goto retire_and_trap;
retire_and_trap:
	icount++;
	m->traps_in_a_row = 0;
	trap = (struct machine_trap){ .cause = trap.cause, .epc = pc };
	goto raise;

	/* --- system instructions (SPEC §8.5), their effects from isa.h --- */
do_rti:
	psw = isa_rti_psw(m->s.cr[CR_epsw]);
	RETIRE_SLOW(m->s.cr[CR_epc]);
do_mfcr: R[d->rd] = m->s.cr[d->rs]; RETIRE();
do_mtcr:
	m->s.cr[d->rd] = isa_cr_written_value(d->rd, R[d->rs]);
	RETIRE_SLOW(pc + ISA_WORD);
do_di: psw &= ~PSW_IE; RETIRE_SLOW(pc + ISA_WORD);
do_ei: psw |= PSW_IE; RETIRE_SLOW(pc + ISA_WORD);
do_halt:
	R[ISA_REG_ZERO] = 0;
	pc += ISA_WORD;
	icount++;
	SYNC_OUT();
	if (!machine_halt_wait(m))      /* the waiting half (machine.c, SPEC §10.2) */
		goto out;
	goto after_slow;
do_tlbflush:
	RETIRE();           /* this machine caches no translations (SPEC §5.3) */
do_in: {
	SYNC_OUT();         /* the timer's count must be exact when read */
	uint32_t value = bus_in(&m->bus, (uint16_t)d->imm);
	R[d->rd] = value;
	RETIRE_SLOW(pc + ISA_WORD);
}
do_out: {
	uint32_t value = R[d->rs];
	pc += ISA_WORD;     /* power-off stops after the out retires (SPEC §10.3) */
	icount++;
	SYNC_OUT();
	bus_out(&m->bus, (uint16_t)d->imm, value);
	goto after_slow;
}
do_rdpsw: R[d->rd] = psw; RETIRE();
do_wrpsw:
	/* in user mode only where wrpsw is unprivileged: legacy's POPF hole */
	psw = isa_wrpsw_result(psw, R[d->rs]);
	RETIRE_SLOW(pc + ISA_WORD);
do_srr:
	R[d->rd] = isa_srr_value(m->s.cr);
	RETIRE();
do_juser:
	psw = isa_juser_psw(psw);
	RETIRE_SLOW(R[d->rs]);

after_slow:
	m->traps_in_a_row = 0;
	if (m->stopped)
		goto out;
	SYNC_IN();
	DISPATCH();

raise:
	/* Record the instruction word for messages and monitors — except for
	 * interrupts and fetch faults, where there is no instruction. */
	if (trap.cause < CAUSE_FIRST_INTERRUPT &&
	    !(trap.access == ACCESS_FETCH && trap.badaddr == pc &&
	      isa_cause_has_address(trap.cause))) {
		uint32_t tpa;
		m->s.psw = psw;
		if (mmu_translate(m, pc, ISA_WORD, ACCESS_FETCH, &tpa) == 0)
			trap.insn = mem_load32(mem + tpa);
	}
	SYNC_OUT();
	if (cpu_raise_trap(m, &trap) == TRAP_EMULATED) {
		/* The monitor carried it out: it retired, and the mode and the
		 * translation are as they were (machine.h), so the windows stand. */
		if (isa_cause_is_fault(trap.cause))
			icount++;
		pc = m->s.pc;
		psw = m->s.psw;
		event_at = icount;
		DISPATCH();
	}
	if (m->stopped)
		goto out;
	SYNC_IN();
	DISPATCH();

out:
#undef SYNC_OUT
#undef SYNC_IN
#undef RAISE
#undef DISPATCH
#undef DATA_ADDR
#undef STORE
#undef RETIRE_TO
#undef RETIRE
#undef JUMP_TO
#undef BRANCH_IF
#undef RETIRE_SLOW
	m->stop.pc = m->s.pc;
	return m->stop.reason;
}
