/* shadow.h — memory virtualization for guests that page: shadow page tables
 * (isa/SPEC.md §5.2; REFERENCES §6).  The guest edits its own tables in its
 * own memory; the real machine walks the monitor's shadows, filled lazily
 * from the guest's tables on real page faults, and flushed when the guest
 * switches tables, flushes its TLB, or writes a page-table page (which the
 * shadows map read-only, so the write traps).  Lab 4 builds this.
 */
#ifndef TRAPLAB_SHADOW_H
#define TRAPLAB_SHADOW_H

#include <stdbool.h>
#include <stdint.h>

#include "machine.h"

struct shadow_stats {
	uint64_t fills;             /* shadow entries filled from the guest's tables */
	uint64_t flushes;           /* all shadows discarded (ptbr/mmu write, tlbflush, ...) */
	uint64_t pt_writes;         /* guest stores to its page tables, emulated */
	uint64_t guest_faults;      /* real page faults that were the guest's own */
};

/* The two address spaces the real machine can run a paging guest in. */
enum shadow_space {
	SHADOW_SUPERVISOR,   /* the guest kernel (trap mode): every valid page */
	SHADOW_USER,         /* guest user code: only the guest's U pages */
	SHADOW_SPACES
};

struct shadow {
	uint32_t region_base, region_pages;  /* real memory the tables live in */
	uint32_t next_free;                  /* pages of the region handed out */
	uint32_t root[SHADOW_SPACES];        /* real address of each level-1 table */
	uint32_t guest_base;                 /* real address of guest physical 0 */
	uint32_t guest_frames;
	uint8_t *pt_frame;                   /* guest frames used as page tables */
	uint32_t built_ptbr, built_mmu;      /* the guest state the shadows reflect */
	struct shadow_stats stats;
};

/* The outcome of a real page fault, as far as the shadow is concerned. */
enum shadow_result {
	SHADOW_FILLED,       /* a missing entry is now there: retry the instruction */
	SHADOW_EMULATED,     /* a store to a guest page table was done for the guest */
	SHADOW_GUEST_FAULT,  /* the guest's own tables fault: reflect *reflect */
};

int shadow_init(struct shadow *s, uint32_t region_base, uint32_t region_size,
		uint32_t guest_base, uint32_t guest_size);
void shadow_free(struct shadow *s);
/* Forget every shadow entry (the real machine's tables are emptied). */
void shadow_flush(struct shadow *s, struct machine *real);
/* The real ptbr for running `virt` in the given space; flushes first if the
 * guest's ptbr or mmu changed since the shadows were built. */
uint32_t shadow_enter(struct shadow *s, struct machine *real, const struct machine *virt,
		      enum shadow_space space);
/* A real PAGE fault while running `virt` directly.  `virt` holds the
 * guest's registers (already copied back from the real machine). */
enum shadow_result shadow_handle_fault(struct shadow *s, struct machine *real,
				       struct machine *virt, const struct machine_trap *fault,
				       struct machine_trap *reflect);
/* Fill the missing entry of a real PAGE fault if it is a plain miss (the
 * guest's tables allow the access, and it is no store into a page table);
 * false, with nothing done, otherwise.  For a fill without leaving direct
 * execution (monitor/vmm/trap.c): `virt` need not hold the registers. */
bool shadow_fill_if_miss(struct shadow *s, struct machine *real, const struct machine *virt,
			 const struct machine_trap *fault);

#endif /* TRAPLAB_SHADOW_H */
