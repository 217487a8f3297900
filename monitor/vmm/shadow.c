/* shadow.c — shadow page tables (shadow.h; isa/SPEC.md §5.2, REFERENCES §6).
 * Lab 4: the guest believes its tables are the ones in use; the real machine
 * walks these.  Every entry here maps a guest page to the real frame that
 * holds it — never a frame outside the guest's memory (resource control).
 *
 * The guest's walk is not re-implemented: machine_translate() on the virtual
 * machine *is* the walk the bare machine would do, with the guest's ptbr,
 * mode and memory.
 */
#include "shadow.h"

#include <stdlib.h>
#include <string.h>

/* The write of one page-table word of the real machine. */
static void
shadow_put(struct machine *real, uint32_t addr, uint32_t value)
{
	machine_write_phys(real, addr, &value, sizeof value);
}

static uint32_t
shadow_get(const struct machine *m, uint32_t addr)
{
	uint32_t value = 0;
	machine_read_phys(m, addr, &value, sizeof value);
	return value;
}

static void
shadow_zero_page(struct machine *real, uint32_t addr)
{
	machine_clear_phys(real, addr, PAGE_SIZE);
}

int
shadow_init(struct shadow *s, uint32_t region_base, uint32_t region_size,
	    uint32_t guest_base, uint32_t guest_size)
{
	memset(s, 0, sizeof *s);
	s->region_base = region_base;
	s->region_pages = region_size / PAGE_SIZE;
	s->guest_base = guest_base;
	s->guest_frames = guest_size / PAGE_SIZE;
	s->pt_frame = calloc(s->guest_frames, 1);
	return s->pt_frame && s->region_pages > SHADOW_SPACES ? 0 : -1;
}

void
shadow_free(struct shadow *s)
{
	free(s->pt_frame);
	s->pt_frame = NULL;
}

void
shadow_flush(struct shadow *s, struct machine *real)
{
	/* The roots are the first pages of the region; the rest is the pool. */
	for (unsigned i = 0; i < SHADOW_SPACES; i++) {
		s->root[i] = s->region_base + i * PAGE_SIZE;
		shadow_zero_page(real, s->root[i]);
	}
	s->next_free = SHADOW_SPACES;
	s->stats.flushes++;
}

uint32_t
shadow_enter(struct shadow *s, struct machine *real, const struct machine *virt,
	     enum shadow_space space)
{
	/* LAB 4: shadow_enter: start the shadows over when the guest's ptbr or mmu is not the one they were built from (SPEC §5.3) */
	/* STUB: (void)virt; */
	/* STUB: if (s->next_free == 0) */
	/* STUB: 	shadow_flush(s, real); */
	const struct cpu_state *g = machine_state(virt);
	if (s->next_free == 0 || g->cr[CR_ptbr] != s->built_ptbr || g->cr[CR_mmu] != s->built_mmu) {
		memset(s->pt_frame, 0, s->guest_frames);
		shadow_flush(s, real);
		s->built_ptbr = g->cr[CR_ptbr];
		s->built_mmu = g->cr[CR_mmu];
	}
	/* END LAB 4 */
	return s->root[space];
}

/* Note that a guest frame holds a page table; returns true if it is new
 * (then shadows made before may map it writable, and must go). */
static bool
shadow_mark_pt_frame(struct shadow *s, uint32_t gpa)
{
	uint32_t frame = gpa / PAGE_SIZE;
	if (frame >= s->guest_frames || s->pt_frame[frame])
		return false;
	s->pt_frame[frame] = 1;
	return true;
}

/* Fill the shadow entry for `va` from the guest's leaf entry. */
static enum shadow_result
shadow_fill(struct shadow *s, struct machine *real, const struct machine *virt,
	    enum shadow_space space, uint32_t va, uint32_t gpa)
{
	/* LAB 4: shadow_fill: map va to the real frame that holds guest-physical gpa, with the guest leaf's permissions; page-table frames read-only (SPEC §5.2) */
	/* STUB: (void)s; (void)real; (void)virt; (void)space; (void)va; (void)gpa; */
	/* STUB: (void)shadow_get; (void)shadow_put; (void)shadow_mark_pt_frame; */
	/* STUB: return SHADOW_FILLED; */
	struct cpu_state g;
	machine_get_state(virt, &g);
	uint32_t l1_gpa = (g.cr[CR_ptbr] & PTE_FRAME_MASK) + (va >> L1_SHIFT) * ISA_WORD;
	uint32_t guest_l1 = shadow_get(virt, l1_gpa);
	uint32_t l2_gpa = (guest_l1 & PTE_FRAME_MASK) +
			  ((va >> PAGE_SHIFT) & (PT_ENTRIES - 1)) * ISA_WORD;
	uint32_t guest_leaf = shadow_get(virt, l2_gpa);

	bool new_pt = shadow_mark_pt_frame(s, l1_gpa);
	new_pt |= shadow_mark_pt_frame(s, l2_gpa);
	if (new_pt || s->next_free >= s->region_pages) {
		/* A page just became a page table (it may be mapped writable in
		 * some shadow), or the pool is empty: start the shadows over. */
		shadow_flush(s, real);
	}

	uint32_t root = s->root[space];
	uint32_t l1_addr = root + (va >> L1_SHIFT) * ISA_WORD;
	uint32_t l1 = shadow_get(real, l1_addr);
	if (!(l1 & PTE_V)) {
		uint32_t table = s->region_base + s->next_free++ * PAGE_SIZE;
		shadow_zero_page(real, table);
		l1 = table | PTE_V;
		shadow_put(real, l1_addr, l1);
	}
	uint32_t frame = gpa & PTE_FRAME_MASK;
	/* The real machine runs the guest in user mode, so every shadow entry
	 * has U; which pages are there at all is what separates the spaces. */
	uint32_t leaf = (s->guest_base + frame) | PTE_V | PTE_U | (guest_leaf & PTE_X);
	if ((guest_leaf & PTE_W) && !s->pt_frame[frame / PAGE_SIZE])
		leaf |= PTE_W;
	uint32_t l2_addr = (l1 & PTE_FRAME_MASK) + ((va >> PAGE_SHIFT) & (PT_ENTRIES - 1)) * ISA_WORD;
	shadow_put(real, l2_addr, leaf);
	s->stats.fills++;
	return SHADOW_FILLED;
	/* END LAB 4 */
}

/* The guest stored into one of its page tables: do the store for it, then
 * drop the shadows, which may now be stale.  Returns false if the
 * instruction is not a store the monitor knows (it then reflects). */
static bool
shadow_emulate_pt_store(struct shadow *s, struct machine *real, struct machine *virt,
			uint32_t insn_word, uint32_t gpa)
{
	/* LAB 4: shadow_emulate_pt_store: do the guest's store into its page table for it (isa_decode, isa_mem_access_size), retire it, drop the shadows (SPEC §5.2, §8.2) */
	/* STUB: (void)s; (void)real; (void)virt; (void)insn_word; (void)gpa; */
	/* STUB: return false; */
	struct isa_insn insn;
	if (!isa_decode(insn_word, &insn))
		return false;
	if (!isa_op_is_store(insn.op))
		return false;
	unsigned size = isa_mem_access_size(insn.op);
	struct cpu_state g;
	machine_get_state(virt, &g);
	uint32_t value = g.r[insn.rd];
	machine_write_phys(virt, gpa, &value, size);     /* little-endian: low bytes */
	g.pc += ISA_WORD;
	machine_set_state(virt, &g);
	machine_account(virt, 1);
	memset(s->pt_frame, 0, s->guest_frames);
	shadow_flush(s, real);
	s->stats.pt_writes++;
	return true;
	/* END LAB 4 */
}

bool
shadow_fill_if_miss(struct shadow *s, struct machine *real, const struct machine *virt,
		    const struct machine_trap *fault)
{
	/* shadow_handle_fault's question, without the two other answers */
	uint32_t gpa;
	if (machine_translate(virt, fault->badaddr, 1, fault->access, &gpa) != 0)
		return false;                   /* the guest's own fault */
	if (fault->access == ACCESS_STORE && s->pt_frame[gpa / PAGE_SIZE])
		return false;                   /* a store into a page table */
	enum shadow_space space = (machine_state(virt)->psw & PSW_S) ? SHADOW_SUPERVISOR
								      : SHADOW_USER;
	return shadow_fill(s, real, virt, space, fault->badaddr, gpa) == SHADOW_FILLED;
}

enum shadow_result
shadow_handle_fault(struct shadow *s, struct machine *real, struct machine *virt,
		    const struct machine_trap *fault, struct machine_trap *reflect)
{
	/* LAB 4: shadow_handle_fault: what would the bare machine do? A guest fault (reflect), a page-table store (emulate) or a miss (fill) (SPEC §5.2, §6.1) */
	/* STUB: (void)s; (void)real; (void)virt; (void)shadow_fill; (void)shadow_emulate_pt_store; */
	/* STUB: *reflect = *fault; */
	/* STUB: return SHADOW_GUEST_FAULT; */
	struct cpu_state g;
	machine_get_state(virt, &g);
	enum shadow_space space = (g.psw & PSW_S) ? SHADOW_SUPERVISOR : SHADOW_USER;
	unsigned size = 1;   /* alignment was checked by the real machine already */

	/* What would the bare machine have done?  Ask the guest's own tables. */
	uint32_t gpa;
	unsigned cause = machine_translate(virt, fault->badaddr, size, fault->access, &gpa);
	if (cause) {
		*reflect = *fault;
		reflect->cause = cause;
		s->stats.guest_faults++;
		return SHADOW_GUEST_FAULT;
	}
	if (fault->access == ACCESS_STORE && s->pt_frame[gpa / PAGE_SIZE] &&
	    shadow_emulate_pt_store(s, real, virt, fault->insn, gpa))
		return SHADOW_EMULATED;
	return shadow_fill(s, real, virt, space, fault->badaddr, gpa);
	/* END LAB 4 */
}
