/* tlb.c — the software TLB behind mmu_translate (machine_internal.h; Lab 4):
 * with paging on, every fetch, load and store would walk two levels of page
 * tables (SPEC §5.2); this remembers, per virtual page, the leaf entry a walk
 * found, so the next access to the page costs one compare.
 *
 * SPEC §5.3 lets a monitor cache translations until tlbflush, but the
 * reference machine behaves as if it cached nothing, and every monitor mode
 * is held to it -- a guest that forgets its tlbflush on data is never told
 * apart.  So this TLB is invisible: an entry is kept only while nothing it was walked from
 * changes.  It was walked under one ptbr (a new ptbr empties the TLB), from
 * two page-table words, whose 64-byte chunks a fill marks in the memory's
 * code_watch; a store to a marked chunk, through any machine sharing that
 * memory or the monitor's machine_write_phys, empties every TLB on it
 * (machine_invalidate_word).  Leaves are kept with their permission bits,
 * checked per access against the access kind and the current mode; a walk
 * that fails caches nothing.
 */
#include <string.h>

#include "machine_internal.h"

void
tlb_flush(struct machine *m)
{
	if (++m->tlb_generation == TLB_GENERATIONS) {
		memset(m->tlb, 0, sizeof m->tlb);
		m->tlb_generation = 1;
	}
	m->tlb_ptbr = m->s.cr[CR_ptbr];
	m->tlb_changes = m->watch->pt_changes;
}

/* Mark the chunk of a page-table word this machine's walk read. */
static void
tlb_mark(struct machine *m, uint64_t pa)
{
	struct code_watch *w = m->watch;
	w->pt_marks[m->watch_first_page + pa / CODE_WATCH_GRAIN] = w->pt_epoch;
}

unsigned
tlb_fill(struct machine *m, uint32_t va, enum isa_access access, uint32_t *pa)
{
	struct mmu_walk_trace t;
	unsigned cause = mmu_walk_traced(m, va, access, pa, &t);
	/* A valid leaf is cached whether or not this access may use it (a later
	 * one may); a walk that read no leaf, or an invalid one, caches nothing. */
	if (!t.leaf_read || !(t.leaf & PTE_V))
		return cause;
	tlb_mark(m, t.l1_at);
	tlb_mark(m, t.l2_at);
	struct tlb_entry *e = &m->tlb[(va >> PAGE_SHIFT) & (TLB_ENTRIES - 1)];
	e->tag = tlb_tag(m->tlb_generation, va);
	e->leaf = t.leaf;
	return cause;
}
