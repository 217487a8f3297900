/* mmu.c — two-level paging, the walk behind mmu_translate()'s TLB
 * (machine_internal.h, tlb.c); isa/SPEC.md §5.2.  Lab 4 shadows these tables.
 *
 * The walk reads page-table words from physical memory with bounds checks:
 * a table that lies beyond memory makes the walk fail with a page fault, so
 * no guest value can make the machine read outside its own memory.
 */
#include <string.h>

#include "machine_internal.h"

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "TrapLab reads PG32's little-endian memory directly; port mmu.c and cpu.c first"
#endif

/* Read one page-table word, or return false if it is outside memory. */
static bool
mmu_read_pte(const struct machine *m, uint64_t addr, uint32_t *pte)
{
	if (addr + sizeof *pte > m->mem_size)
		return false;
	memcpy(pte, m->mem + addr, sizeof *pte);
	return true;
}

unsigned
mmu_walk(const struct machine *m, uint32_t va, enum isa_access access, uint32_t *pa)
{
	struct mmu_walk_trace unused;
	return mmu_walk_traced(m, va, access, pa, &unused);
}

unsigned
mmu_walk_traced(const struct machine *m, uint32_t va, enum isa_access access, uint32_t *pa,
		struct mmu_walk_trace *t)
{
	const uint32_t index_mask = PT_ENTRIES - 1;
	uint32_t l1_index = va >> L1_SHIFT;
	uint32_t l2_index = (va >> PAGE_SHIFT) & index_mask;
	*t = (struct mmu_walk_trace){ .l1_at = UINT64_MAX, .l2_at = UINT64_MAX };

	uint32_t l1;
	t->l1_at = (uint64_t)(m->s.cr[CR_ptbr] & PTE_FRAME_MASK) + l1_index * sizeof l1;
	if (!mmu_read_pte(m, t->l1_at, &l1) || !(l1 & PTE_V))
		return CAUSE_PAGE;

	/* Only the level-1 entry's V bit and frame matter (SPEC §5.2 step 1). */
	uint32_t leaf;
	t->l2_at = (uint64_t)(l1 & PTE_FRAME_MASK) + l2_index * sizeof leaf;
	if (!mmu_read_pte(m, t->l2_at, &leaf))
		return CAUSE_PAGE;
	t->leaf = leaf;
	t->leaf_read = true;

	uint32_t need = mmu_needed_bits(m, access);
	if ((leaf & need) != need)
		return CAUSE_PAGE;

	*pa = (leaf & PTE_FRAME_MASK) | (va & (PAGE_SIZE - 1));
	return 0;
}
