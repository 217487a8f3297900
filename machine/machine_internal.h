/* machine_internal.h — the inside of struct machine, shared only by the
 * files in machine/.  Everything outside machine/ goes through machine.h;
 * that boundary is what lets a monitor say it "never reaches into the
 * machine".  Lab 1 reads this to see what a CPU really holds.
 */
#ifndef TRAPLAB_MACHINE_INTERNAL_H
#define TRAPLAB_MACHINE_INTERNAL_H

#include "bus.h"
#include "dev_console.h"
#include "dev_timer.h"
#include "machine.h"


/* A decoded instruction, cached per physical word (cpu.c).  `handler`
 * indexes the interpreter's dispatch table: the opcode itself, or
 * HANDLER_PRIVILEGED + opcode when this variant makes it privileged (then
 * the handler checks the mode first), or one of the two specials below.
 * DECODE_EMPTY until the word is first fetched; a store to the word sets it
 * back, so self-modifying code is always seen.  Eight bytes, so the cache is
 * twice the size of memory. */
enum {
	DECODE_EMPTY = OP_COUNT,
	DECODE_ILLEGAL = OP_COUNT + 1,
	HANDLER_PRIVILEGED = OP_COUNT + 2,
	HANDLER_COUNT = HANDLER_PRIVILEGED + OP_COUNT,
};
_Static_assert(HANDLER_COUNT <= 256, "handler indexes must fit in a byte");
struct decoded {
	uint8_t handler;
	uint8_t rd, rs, rt;
	int32_t imm;
};

/* A run of traps with no instruction retired in between means the handler
 * itself faults (say, tvec points at an unmapped page).  The budget counts
 * retired instructions, so without this limit such a guest would hang us. */
enum { TRAP_STORM_LIMIT = 64 };

/* Memory the binary translator has translated code from (machine_watch_code),
 * in chunks of CODE_WATCH_GRAIN bytes, shared by a machine and its views.
 * Finer than a page, because kernels keep data beside their code. */
enum { CODE_WATCH_GRAIN = 64 };
struct code_watch {
	uint8_t *pages;                 /* one byte per chunk of the parent's memory */
	uint32_t npages;
	bool written;                   /* a watched page was stored to */
	bool any;                       /* some page is watched (fast check) */
};

struct machine {
	struct cpu_state s;             /* what the program sees (SPEC §3) */
	uint8_t *mem;                   /* physical memory E[0..q-1] */
	bool is_view;                   /* mem, decoded and watch belong to a parent */
	struct code_watch *watch;
	uint32_t watch_first_page;      /* this machine's chunk 0 in watch->pages */
	bool stop_on_user;
	bool decode_every_time;         /* interpreter mode: no use of decoded[] */
	uint32_t mem_size;
	struct decoded *decoded;        /* one per word of memory */
	enum isa_variant variant;
	bool privileged[OP_COUNT];      /* this variant's PRIV column */

	uint64_t retired;               /* instructions retired since reset */
	uint64_t idle_ticks;            /* timer ticks skipped by halt */
	unsigned traps_in_a_row;        /* for TRAP_STORM_LIMIT ... */
	uint64_t retired_at_last_trap;  /* ... counted while this stays the same */
	uint64_t traps[MACHINE_CAUSE_SLOTS];   /* raised, by cause */

	struct bus bus;                 /* port-mapped devices (SPEC §10) */
	struct console_dev console;
	struct timer_dev timer;

	struct machine_tracer tracer;   /* .insn / .trap NULL when not tracing */
	machine_trap_hook trap_hook;
	void *trap_hook_ctx;

	bool stopped;
	struct machine_stop_info stop;
};

/* cpu.c: the one place a trap is raised.  Consults the hook, then either
 * delivers it (SPEC §6.2) or stops the machine with STOP_HOOK. */
void cpu_raise_trap(struct machine *m, const struct machine_trap *trap);
void cpu_stop(struct machine *m, enum machine_stop_reason reason);

/* mmu.c: the paging walk (SPEC §5.2), the slow path of mmu_translate. */
unsigned mmu_walk(const struct machine *m, uint32_t va, enum isa_access access,
		  uint32_t *pa);

/* Translate one access (SPEC §5): alignment, then relocation–bounds or
 * paging, then the physical bound.  Returns 0 or the CAUSE_* to raise.
 * Inline because every fetch, load and store of the interpreter calls it. */
static inline unsigned
mmu_translate(const struct machine *m, uint32_t va, unsigned size,
	      enum isa_access access, uint32_t *pa)
{
	if (unlikely(va & (size - 1)))
		return CAUSE_MISALIGNED;
	uint64_t addr = va;
	if (unlikely(m->s.cr[CR_mmu] & MMU_PG)) {
		uint32_t walked;
		unsigned cause = mmu_walk(m, va, access, &walked);
		if (cause)
			return cause;
		addr = walked;
	} else if (!(m->s.psw & PSW_S)) {
		/* P&G's relocation: a -> a + l, trap when a >= b (b is a size) */
		if (addr + size > m->s.cr[CR_rbound])
			return CAUSE_MEMORY;
		addr += m->s.cr[CR_rbase];
	}
	if (unlikely(addr + size > m->mem_size))
		return CAUSE_MEMORY;
	*pa = (uint32_t)addr;
	return 0;
}

/* A store changed memory: forget any decoded instruction in that word, and
 * note it if the binary translator watches the page. */
static inline void
machine_invalidate_word(struct machine *m, uint32_t pa)
{
	m->decoded[pa / ISA_WORD].handler = DECODE_EMPTY;
	if (unlikely(m->watch->any) && m->watch->pages[m->watch_first_page + pa / CODE_WATCH_GRAIN])
		m->watch->written = true;
}

/* A store of `size` bytes at pa changed memory: forget the decoded word it
 * starts in and, when it is unaligned (an rbase that is not a multiple of
 * 4, SPEC §5.1) and runs into the next word, that one too.  One compare on
 * the interpreter's store path. */
static inline void
machine_invalidate_store(struct machine *m, uint32_t pa, unsigned size)
{
	machine_invalidate_word(m, pa & ~(uint32_t)(ISA_WORD - 1));
	if (unlikely((pa & (ISA_WORD - 1)) + size > ISA_WORD))
		machine_invalidate_word(m, (pa + size - 1) & ~(uint32_t)(ISA_WORD - 1));
}

#endif /* TRAPLAB_MACHINE_INTERNAL_H */
