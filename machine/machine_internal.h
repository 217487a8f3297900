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
 * indexes the interpreter's dispatch table: HANDLER_DIRECT + the opcode, or
 * HANDLER_PRIVILEGED + the opcode when this variant makes it privileged
 * (then the handler checks the mode first), or one of the two specials.
 * DECODE_EMPTY -- zero, so that fresh zeroed memory from the system is an
 * empty cache with nothing to fill -- until the word is first fetched; a
 * store to the word sets it back, so self-modifying code is always seen.
 * Eight bytes, so the cache is twice the size of memory, but only the
 * pages of it where code ran are ever touched. */
enum {
	DECODE_EMPTY = 0,
	DECODE_ILLEGAL = 1,
	HANDLER_DIRECT = 2,
	HANDLER_PRIVILEGED = HANDLER_DIRECT + OP_COUNT,
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

/* What stores into memory must tell, per chunk of CODE_WATCH_GRAIN bytes,
 * shared by a machine and its views: the chunks the binary translator has
 * translated code from (machine_watch_code) or walked its code's page-table
 * words in (machine_translate_watched), those a TLB walked page-table
 * words in (tlb.c), those an instruction was decoded in.  Finer than a page,
 * because kernels keep data beside their code. */
enum { CODE_WATCH_GRAIN = 64, CHUNKS_PER_PAGE = PAGE_SIZE / CODE_WATCH_GRAIN };
enum { WATCH_CODE = 1, WATCH_PAGE_TABLE = 2 };   /* what a chunk of pages[] holds */
struct code_watch {
	uint8_t *pages;                 /* one byte per chunk of the parent's memory: WATCH_* */
	uint32_t npages;
	bool written;                   /* a WATCH_CODE chunk was stored to */
	bool any;                       /* some chunk is watched (fast check) */
	uint64_t page_table_stores;     /* stores to WATCH_PAGE_TABLE chunks */
	bool pristine;                  /* nothing ran or wrote since creation: all zero */
	/* The TLBs' side (tlb.c): a chunk holds a page-table word some TLB
	 * used when its mark equals pt_epoch; a store there starts a new
	 * epoch and counts one more pt_change, which every TLB sharing this
	 * memory sees at its next look-up. */
	uint8_t *pt_marks;              /* one byte per chunk, like pages */
	/* A chunk some decoded[] entry of may hold an instruction (set when one
	 * is decoded there), so that clearing memory that never held code --
	 * shadow tables -- skips the decoded words (machine_clear_phys). */
	uint8_t *decoded_seen;
	/* One byte per chunk: written since the memory was created or last
	 * cleared, so may not be zero; 0 means all zero.  What lets a wipe, a
	 * snapshot and a comparison touch only the pages a guest used, and
	 * clearing a shadow table page only its few entries. */
	uint8_t *dirty;
	uint8_t pt_epoch;
	uint64_t pt_changes;
};

/* The software TLB (tlb.c; Lab 4): one translation per virtual page, with
 * the leaf entry's permission bits, direct-mapped.  Invisible by design:
 * SPEC §5.3's reference machine behaves as if it cached nothing, so an entry lives only as
 * long as the ptbr it was walked under and the page-table words it was
 * walked from -- a store to either word, from this machine, a view or the
 * monitor, drops every entry. */
enum { TLB_ENTRIES = 256 };
struct tlb_entry {
	uint32_t tag;                   /* tlb_tag(): the generation and the page */
	uint32_t leaf;                  /* the level-2 entry: frame and V/W/X/U */
};
/* A flush starts a new generation instead of clearing 256 entries (a
 * monitor's shadow tables change on every world switch that rebuilds
 * them): an entry is valid only if its tag has the current generation.  The
 * tag is the generation above the virtual page number plus one (so 0, what
 * memset leaves, is never valid); when the generations run out, the
 * entries are cleared once and counting starts again. */
enum {
	TLB_VPN_BITS = 32 - PAGE_SHIFT + 1,            /* vpn + 1 needs one more bit */
	TLB_GENERATIONS = 1u << (32 - TLB_VPN_BITS),
};

static inline uint32_t
tlb_tag(uint32_t generation, uint32_t va)
{
	return generation << TLB_VPN_BITS | ((va >> PAGE_SHIFT) + 1);
}

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

	struct tlb_entry tlb[TLB_ENTRIES];
	bool tlb_off;                   /* TRAPLAB_NO_TLB: walk every access (bench/interp) */
	uint32_t tlb_generation;        /* of the valid entries: 1 .. TLB_GENERATIONS - 1 */
	uint32_t tlb_ptbr;              /* the ptbr its entries were walked under */
	uint64_t tlb_changes;           /* watch->pt_changes when they were */
};

/* cpu.c: the one place a trap is raised.  Consults the hook, then either
 * delivers it (SPEC §6.2) or stops the machine with STOP_HOOK. */
enum machine_trap_action cpu_raise_trap(struct machine *m, const struct machine_trap *trap);
void cpu_stop(struct machine *m, enum machine_stop_reason reason);

/* mmu.c: the paging walk (SPEC §5.2), the slow path of mmu_translate.
 * mmu_walk_traced also says what it read, for the TLB's fill: the physical
 * addresses of the two page-table words (UINT64_MAX: not read) and the
 * leaf, when it was read. */
struct mmu_walk_trace {
	uint64_t l1_at, l2_at;
	uint32_t leaf;
	bool leaf_read;
};
unsigned mmu_walk(const struct machine *m, uint32_t va, enum isa_access access,
		  uint32_t *pa);
unsigned mmu_walk_traced(const struct machine *m, uint32_t va, enum isa_access access,
			 uint32_t *pa, struct mmu_walk_trace *t);

/* tlb.c: empty the TLB for the current ptbr; walk and remember one page. */
void tlb_flush(struct machine *m);
unsigned tlb_fill(struct machine *m, uint32_t va, enum isa_access access, uint32_t *pa);

/* The permission bits a leaf needs for this access (SPEC §5.2 step 2). */
static inline uint32_t
mmu_needed_bits(const struct machine *m, enum isa_access access)
{
	uint32_t need = PTE_V;
	if (access == ACCESS_STORE)
		need |= PTE_W;
	if (access == ACCESS_FETCH)
		need |= PTE_X;
	if (!(m->s.psw & PSW_S))
		need |= PTE_U;
	return need;
}

/* A paged translation through the TLB: what mmu_walk would say, from the
 * entry when there is one. */
static inline unsigned
tlb_translate(struct machine *m, uint32_t va, enum isa_access access, uint32_t *pa)
{
	if (unlikely(m->tlb_changes != m->watch->pt_changes || m->tlb_ptbr != m->s.cr[CR_ptbr]))
		tlb_flush(m);
	const struct tlb_entry *e = &m->tlb[(va >> PAGE_SHIFT) & (TLB_ENTRIES - 1)];
	if (likely(e->tag == tlb_tag(m->tlb_generation, va))) {
		uint32_t need = mmu_needed_bits(m, access);
		if ((e->leaf & need) != need)
			return CAUSE_PAGE;
		*pa = (e->leaf & PTE_FRAME_MASK) | (va & (PAGE_SIZE - 1));
		return 0;
	}
	return tlb_fill(m, va, access, pa);
}

/* Translate one access (SPEC §5): alignment, then relocation–bounds or
 * paging, then the physical bound.  Returns 0 or the CAUSE_* to raise.
 * Paging goes through `tlb`'s TLB, or walks when `tlb` is NULL (a look from
 * outside that must not change the machine).  Inline because every fetch,
 * load and store of the interpreter calls it. */
static inline unsigned
mmu_translate_in(const struct machine *m, struct machine *tlb, uint32_t va, unsigned size,
		 enum isa_access access, uint32_t *pa)
{
	if (unlikely(va & (size - 1)))
		return CAUSE_MISALIGNED;
	uint64_t addr = va;
	if (unlikely(m->s.cr[CR_mmu] & MMU_PG)) {
		uint32_t walked;
		unsigned cause = tlb ? tlb_translate(tlb, va, access, &walked)
				     : mmu_walk(m, va, access, &walked);
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

static inline unsigned
mmu_translate(struct machine *m, uint32_t va, unsigned size, enum isa_access access,
	      uint32_t *pa)
{
	return mmu_translate_in(m, m->tlb_off ? NULL : m, va, size, access, pa);
}

/* A store hit a chunk the translator watches (machine.c; out of line, so
 * that the interpreter's inlined store path stays small). */
void machine_note_watched_store(struct code_watch *w, uint32_t chunk);

/* A store changed chunk `chunk` (in the shared code_watch's numbering):
 * mark it dirty, note it if the binary translator watches the chunk,
 * and if a walk read a page-table word there, start a new epoch, which
 * drops every TLB on this memory.  True in that case. */
static inline bool
machine_note_chunk_store(struct code_watch *w, uint32_t chunk)
{
	w->dirty[chunk] = 1;
	if (unlikely(w->any) && w->pages[chunk])
		machine_note_watched_store(w, chunk);
	if (likely(w->pt_marks[chunk] != w->pt_epoch))
		return false;
	w->pt_epoch++;
	w->pt_changes++;
	return true;
}

/* A store changed memory: forget any decoded instruction in that word, and
 * note the store for the translator and the TLBs (machine_note_chunk_store,
 * whose answer this passes on).  Only a chunk where an instruction was ever
 * decoded can hold one: a store to data leaves the decode cache untouched,
 * so a guest that fills its memory does not make us hold a decode cache
 * twice its size. */
static inline bool
machine_invalidate_word(struct machine *m, uint32_t pa)
{
	uint32_t chunk = m->watch_first_page + pa / CODE_WATCH_GRAIN;
	if (m->watch->decoded_seen[chunk])
		m->decoded[pa / ISA_WORD].handler = DECODE_EMPTY;
	return machine_note_chunk_store(m->watch, chunk);
}

/* A store of `size` bytes at pa changed memory: forget the decoded word it
 * starts in and, when it is unaligned (an rbase that is not a multiple of
 * 4, SPEC §5.1) and runs into the next word, that one too.  One compare on
 * the interpreter's store path.  True if it changed a page-table word a
 * walk used (the caller's TLB is stale). */
static ALWAYS_INLINE bool
machine_invalidate_store(struct machine *m, uint32_t pa, unsigned size)
{
	bool pt = machine_invalidate_word(m, pa & ~(uint32_t)(ISA_WORD - 1));
	if (unlikely((pa & (ISA_WORD - 1)) + size > ISA_WORD))
		pt |= machine_invalidate_word(m, (pa + size - 1) & ~(uint32_t)(ISA_WORD - 1));
	return pt;
}

#endif
