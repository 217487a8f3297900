/* pv.c — the hypercall service: what a paravirtual guest asks of the monitor
 * instead of executing privileged instructions (Xen, SOSP 2003, §2–3; Lab 9).
 * monitor/PV.md is the interface a guest programmer reads; hypercalls.def
 * has the numbers.  Try it:
 *     build/traplab run --mode=pv --isa=legacy --stats guests/pg32/minios-pv/minios-pv.s
 *
 * Three ideas from Xen, each a saving in guest -> monitor transitions:
 *   - a hypercall does a whole job (a line of output, a context switch)
 *     where the trapped guest paid one transition per instruction;
 *   - page-table updates come as one validated BATCH, not one trap per store;
 *   - the shared info page: the monitor writes the trap registers there and
 *     reads the guest's interrupt mask from there, so neither reading cause
 *     nor "disable interrupts" costs a transition at all.
 * Every argument is hostile: pointers are translated as the guest's own
 * access would be (vm_guest_translate), physical addresses are checked
 * against the guest's memory, and a refused call changes nothing.
 */
#include "pv.h"

#include <string.h>

#include "dev_console.h"
#include "dev_power.h"
#include "dev_timer.h"
#include "vm_internal.h"

enum {
	PV_NO_RESULT = -2,       /* HC_IRET: r1 comes from the frame, not a result */
	PV_PREFILL_MAX = 2048,   /* pages prefilled per space at a new page-table base */
};

static const char *const hypercall_names[HC_COUNT] = {
#define PG32_HYPERCALL(NAME, name, number, doc) [HC_##NAME] = #name,
#include "hypercalls.def"
#undef PG32_HYPERCALL
};

const char *
pv_hypercall_name(uint32_t number)
{
	return number < HC_COUNT && hypercall_names[number] ? hypercall_names[number] : "?";
}

void
pv_init(struct pv_state *pv)
{
	memset(pv, 0, sizeof *pv);
	pv->look_due = true;            /* the start is an event */
}

/* ===== checking what the guest hands us ==================================== */

/* Is [gpa, gpa + len) inside the guest's physical memory? */
static bool
pv_phys_ok(const struct vm *vm, uint32_t gpa, uint32_t len)
{
	uint32_t size = vm_guest_memory_size(vm);
	return len <= size && gpa <= size - len;
}

/* A word at a guest *virtual* address, read as the guest's own load would. */
static bool
pv_load_word(const struct vm *vm, uint32_t va, uint32_t *out)
{
	uint32_t gpa;
	return vm_guest_translate(vm, va, ISA_WORD, ACCESS_LOAD, &gpa) == 0 &&
	       vm_read_guest_phys(vm, gpa, out, sizeof *out) == 0;
}

/* The shared page: registration checked that all of it is guest memory. */
static uint32_t
shared_get(const struct vm *vm, uint32_t offset)
{
	uint32_t value = 0;
	vm_read_guest_phys(vm, vm->pv.shared_gpa + offset, &value, sizeof value);
	return value;
}

static void
shared_put(struct vm *vm, uint32_t offset, uint32_t value)
{
	machine_write_phys(vm->virt, vm->pv.shared_gpa + offset, &value, sizeof value);
}

/* A page-table entry the guest wants written.  The monitor's minimum (Xen
 * checks much more: frame types and reference counts): the entry sits in
 * guest memory, word-aligned, not in the shared page; and a valid entry
 * maps a frame that is entirely guest memory. */
static bool
pv_pte_ok(const struct vm *vm, uint32_t pte_gpa, uint32_t entry)
{
	/* LAB 9: pv_pte_ok: is this {PTE address, entry} pair safe to write? The PTE a word-aligned word of guest memory, not in the shared page; a valid entry's frame wholly guest memory (monitor/PV.md §2, "What the monitor checks") */
	/* STUB: (void)vm; (void)pte_gpa; (void)entry; */
	/* STUB: return true; */
	if (pte_gpa % ISA_WORD != 0 || !pv_phys_ok(vm, pte_gpa, ISA_WORD))
		return false;
	if (vm->pv.registered && pte_gpa - vm->pv.shared_gpa < PAGE_SIZE)
		return false;
	return !(entry & PTE_V) || pv_phys_ok(vm, entry & PTE_FRAME_MASK, PAGE_SIZE);
	/* END LAB 9 */
}

/* The guest changed its page tables or their base: the shadows (shadow.c)
 * are rebuilt from them the next time the guest runs. */
static void
pv_tables_changed(struct vm *vm)
{
	vm->shadow.next_free = 0;
}

/* Fill the shadow entry of every page the guest's tables map in `space`,
 * as if each had just faulted.  With `sample`, only the first page under
 * each level-2 table: that makes shadow.c note every page-table frame (and
 * flush) now, so that the full pass after it is never flushed. */
static void
pv_shadow_fill_space(struct vm *vm, uint32_t ptbr, enum shadow_space space, bool sample)
{
	unsigned filled = 0;
	for (uint32_t i = 0; i < PT_ENTRIES; i++) {
		/* Prefilling is an optimization: a hostile guest's huge tables
		 * (or a full shadow pool) end it, and faults fill the rest. */
		if (filled >= PV_PREFILL_MAX || vm->shadow.next_free + 1 >= vm->shadow.region_pages)
			return;
		uint32_t l1 = 0;
		vm_read_guest_phys(vm, ptbr + i * ISA_WORD, &l1, sizeof l1);
		if (!(l1 & PTE_V))
			continue;
		for (uint32_t j = 0; j < PT_ENTRIES; j++) {
			uint32_t leaf = 0;
			if (vm_read_guest_phys(vm, (l1 & PTE_FRAME_MASK) + j * ISA_WORD, &leaf,
					       sizeof leaf) < 0)
				break;          /* a table outside memory maps nothing */
			if (!(leaf & PTE_V) || (space == SHADOW_USER && !(leaf & PTE_U)))
				continue;
			struct machine_trap fault = {
				.cause = CAUSE_PAGE, .access = ACCESS_LOAD,
				.badaddr = i << L1_SHIFT | j << PAGE_SHIFT,
			}, reflect;
			shadow_handle_fault(&vm->shadow, vm->real, vm->virt, &fault, &reflect);
			filled++;
			if (sample)
				break;
		}
	}
}

/* Xen has no shadow tables: its guests' tables are validated and walked by
 * the MMU itself.  TrapLab's real machine needs real frame addresses, so the
 * monitor keeps shadows in pv mode too (shadow.c).  What PV changes is when
 * they are filled: the guest's tables change only through hypercalls the
 * monitor checks, so at each new base it fills the whole address space at
 * once, in both spaces, instead of taking one page fault per page later. */
static void
pv_shadow_prefill(struct vm *vm, const struct cpu_state *g)
{
	if (!(g->cr[CR_mmu] & MMU_PG))
		return;                 /* paging off: no shadows to fill */
	static const uint32_t mode_of[SHADOW_SPACES] = {
		[SHADOW_SUPERVISOR] = PSW_S, [SHADOW_USER] = 0,
	};
	for (int space = 0; space < SHADOW_SPACES; space++) {
		/* shadow.c fills a space by translating as the guest would in it */
		struct cpu_state as = *g;
		as.psw = (g->psw & ~PSW_S) | mode_of[space];
		machine_set_state(vm->virt, &as);
		shadow_enter(&vm->shadow, vm->real, vm->virt, space);
		uint32_t ptbr = g->cr[CR_ptbr] & PTE_FRAME_MASK;
		if (space == SHADOW_SUPERVISOR)
			pv_shadow_fill_space(vm, ptbr, space, true);
		pv_shadow_fill_space(vm, ptbr, space, false);
	}
	machine_set_state(vm->virt, g);
}

/* ===== the hypercalls, one function each ==================================== */
/* Each gets the guest's registers (pc already past the hcall) and returns
 * the result for r1: -1 refuses and must leave everything unchanged. */

static int64_t
hc_set_mask(struct vm *vm, struct cpu_state *g)
{
	bool mask = g->r[2] != 0;
	if (vm->pv.registered) {
		int64_t old = shared_get(vm, SH_MASK) != 0;
		shared_put(vm, SH_MASK, mask);
		return old;
	}
	/* No shared page yet: the mask is the virtual PSW's IE bit, inverted. */
	int64_t old = !(g->psw & PSW_IE);
	g->psw = mask ? g->psw & ~PSW_IE : g->psw | PSW_IE;
	return old;
}

static int64_t
hc_register_shared(struct vm *vm, struct cpu_state *g)
{
	uint32_t gpa = g->r[2];
	if (gpa % PAGE_SIZE != 0 || !pv_phys_ok(vm, gpa, PAGE_SIZE))
		return -1;
	vm->pv.registered = true;
	vm->pv.shared_gpa = gpa;
	uint8_t zero[SH_SIZE] = { 0 };
	machine_write_phys(vm->virt, gpa, zero, sizeof zero);
	/* From now on the mask is the interrupt flag: start from the PSW's. */
	shared_put(vm, SH_MASK, !(g->psw & PSW_IE));
	return 0;
}

static int64_t
hc_set_tvec(struct vm *vm, struct cpu_state *g)
{
	(void)vm;
	if (g->r[2] % ISA_WORD != 0)
		return -1;
	g->cr[CR_tvec] = g->r[2];
	return 0;
}

/* Back from a trap, in one step: every register, the pc and the PSW from
 * the guest's frame (Xen's iret hypercall pops a frame the same way). */
static int64_t
hc_iret(struct vm *vm, struct cpu_state *g)
{
	uint32_t frame[FRAME_SIZE / ISA_WORD];
	for (uint32_t i = 1; i < FRAME_SIZE / ISA_WORD; i++)
		if (!pv_load_word(vm, g->r[2] + i * ISA_WORD, &frame[i]))
			return -1;
	for (unsigned r = 1; r < ISA_NUM_GPRS; r++)
		g->r[r] = frame[r];
	g->pc = frame[FRAME_PC / ISA_WORD];
	g->psw = frame[FRAME_PSW / ISA_WORD] & PSW_WRITABLE;
	if (vm->pv.registered)    /* interrupts as the restored PSW says */
		shared_put(vm, SH_MASK, !(g->psw & PSW_IE));
	return PV_NO_RESULT;
}

static int64_t
hc_set_ptbr(struct vm *vm, struct cpu_state *g)
{
	uint32_t table = g->r[2];
	if (table % PAGE_SIZE != 0 || !pv_phys_ok(vm, table, PAGE_SIZE))
		return -1;
	g->cr[CR_ptbr] = table;
	pv_tables_changed(vm);     /* a new base, and a TLB flush */
	pv_shadow_prefill(vm, g);
	return 0;
}

static int64_t
hc_pte_update(struct vm *vm, struct cpu_state *g)
{
	uint32_t pte = g->r[2], entry = g->r[3];
	if (!pv_pte_ok(vm, pte, entry))
		return -1;
	machine_write_phys(vm->virt, pte, &entry, sizeof entry);
	pv_tables_changed(vm);
	return 0;
}

/* Xen's mmu_update: a list of {PTE address, new entry} pairs, validated
 * all together first, so that a bad entry anywhere means none is applied. */
static int64_t
hc_pte_batch(struct vm *vm, struct cpu_state *g)
{
	/* LAB 9: hc_pte_batch: r2 = list (virtual) of {PTE address, entry} pairs, r3 = count; check every pair (pv_load_word, pv_pte_ok) before writing any; all or nothing; -1 (HC_ERROR) or the count (monitor/PV.md §2, §4) */
	/* STUB: (void)vm; (void)g; */
	/* STUB: return -1; */
	uint32_t list = g->r[2], count = g->r[3];
	if (count > PV_BATCH_MAX)
		return -1;
	for (int pass = 0; pass < 2; pass++) {      /* 0: check all, 1: apply all */
		for (uint32_t i = 0; i < count; i++) {
			uint32_t pte, entry;
			uint32_t at = list + i * 2 * ISA_WORD;
			if (!pv_load_word(vm, at, &pte) || !pv_load_word(vm, at + ISA_WORD, &entry) ||
			    !pv_pte_ok(vm, pte, entry))
				return -1;          /* only possible in pass 0 */
			if (pass == 1)
				machine_write_phys(vm->virt, pte, &entry, sizeof entry);
		}
	}
	if (count > 0)
		pv_tables_changed(vm);
	return count;
	/* END LAB 9 */
}

static int64_t
hc_console_write(struct vm *vm, struct cpu_state *g)
{
	uint32_t buf = g->r[2], len = g->r[3];
	if (len > PV_CONSOLE_MAX || (len > 0 && buf + (len - 1) < buf))
		return -1;                  /* too long, or wraps around */
	uint8_t bytes[PV_CONSOLE_MAX];
	for (uint32_t i = 0; i < len; i++) {
		uint32_t gpa;
		if (vm_guest_translate(vm, buf + i, 1, ACCESS_LOAD, &gpa) != 0 ||
		    vm_read_guest_phys(vm, gpa, &bytes[i], 1) != 0)
			return -1;          /* nothing printed */
	}
	for (uint32_t i = 0; i < len; i++)
		machine_port_out(vm->virt, CONSOLE_PORT_BASE + CONSOLE_DATA, bytes[i]);
	return len;
}

static int64_t
hc_timer_set(struct vm *vm, struct cpu_state *g)
{
	machine_port_out(vm->virt, TIMER_PORT_BASE + TIMER_INTERVAL, g->r[2]);
	if (g->r[3])
		machine_port_out(vm->virt, TIMER_PORT_BASE + TIMER_ACK, 0);
	return 0;
}

static int64_t
hc_timer_ack(struct vm *vm, struct cpu_state *g)
{
	(void)g;
	machine_port_out(vm->virt, TIMER_PORT_BASE + TIMER_ACK, 0);
	return 0;
}

static int64_t
hc_halt(struct vm *vm, struct cpu_state *g)
{
	/* `halt` waits only if interrupts can wake it: let the machine see the
	 * guest's interrupt flag as the mask says (SPEC §10.2). */
	if (vm->pv.registered)
		g->psw = shared_get(vm, SH_MASK) ? g->psw & ~PSW_IE : g->psw | PSW_IE;
	machine_set_state(vm->virt, g);
	machine_halt_wait(vm->virt);    /* may stop the machine: halted forever */
	return 0;
}

static int64_t
hc_power_off(struct vm *vm, struct cpu_state *g)
{
	machine_port_out(vm->virt, POWER_PORT_BASE + POWER_OFF, g->r[2]);
	return 0;
}

/* Call <name> is served by hc_<name>: a row of hypercalls.def without its
 * function does not compile. */
static int64_t (*const hypercalls[HC_COUNT])(struct vm *, struct cpu_state *) = {
#define PG32_HYPERCALL(NAME, name, number, doc) [HC_##NAME] = hc_##name,
#include "hypercalls.def"
#undef PG32_HYPERCALL
};

/* ===== the entry points (trap.c and vm.c call them) ========================== */

void
pv_hypercall(struct vm *vm, const struct machine_trap *trap)
{
	struct cpu_state g;
	machine_get_state(vm->virt, &g);
	/* Only the guest's kernel may make hypercalls.  From its user mode the
	 * hcall is the kernel's business, exactly as on bare hardware. */
	if (!(g.psw & PSW_S)) {
		trap_reflect(vm, trap);
		return;
	}
	uint32_t number = g.r[1];
	vm->stats.hypercalls++;
	_Static_assert(HC_COUNT <= ARRAY_SIZE(vm->stats.hypercalls_by_number),
		       "every known hypercall has a counter");
	if (number < HC_COUNT && hypercalls[number])
		vm->stats.hypercalls_by_number[number]++;
	else
		vm->stats.hypercalls_unknown++;   /* answered -1 below; the parts still add up */

	/* The hcall retires first, like `out` (SPEC §10.3): a timer programmed
	 * by it counts from the next instruction, a power-off stops after it.
	 * The real machine retired it (SPEC §8.4: it retires, then traps), and
	 * vm_run_direct has counted it already: it is one guest instruction. */
	g.pc = trap->epc + ISA_WORD;
	machine_set_state(vm->virt, &g);

	int64_t result = -1;
	if (number < HC_COUNT && hypercalls[number])
		result = hypercalls[number](vm, &g);
	if (result == -1)
		vm->pv.refused++;
	if (result != PV_NO_RESULT)
		g.r[1] = (uint32_t)result;
	machine_set_state(vm->virt, &g);
}

bool
pv_deliver(struct vm *vm, const struct machine_trap *trap)
{
	if (!vm->pv.registered)
		return false;
	struct cpu_state before, after;
	machine_get_state(vm->virt, &before);
	bool masked = shared_get(vm, SH_MASK) != 0;
	machine_deliver_trap(vm->virt, trap);   /* epc, epsw, cause, S = 1, pc = tvec */
	if (machine_stopped(vm->virt))
		return true;                    /* no handler: the machine reports it */
	machine_get_state(vm->virt, &after);
	/* What the trap entry would read with mfcr, readable with ldw instead.
	 * Its IE bit says whether interrupts were unmasked, for HC_IRET. */
	shared_put(vm, SH_CAUSE, after.cr[CR_cause]);
	shared_put(vm, SH_EPC, after.cr[CR_epc]);
	shared_put(vm, SH_EPSW, (before.psw & ~PSW_IE) | (masked ? 0 : PSW_IE));
	shared_put(vm, SH_BADADDR, after.cr[CR_badaddr]);
	shared_put(vm, SH_MASK, 1);             /* the handler starts masked */
	if (trap->cause >= CAUSE_TIMER)
		shared_put(vm, SH_PENDING, 0);
	return true;
}

/* A paravirtual guest flips its mask with plain stores (PV.md), which the
 * monitor does not see when they happen.  So it looks at the mask only at
 * events — the start, an exit, the timer falling due — where it gets
 * control however the run is cut.  Were it also to look where a run was
 * cut (a budget ending: the monitor's `step N`, a checkpoint; a breakpoint
 * or watchpoint stop), it could deliver an interrupt earlier, or write
 * SH_PENDING, where an unbroken run does not: how a run is cut would change
 * what the guest sees (isa/SPEC.md §12). */
bool
pv_interrupt_look_due(struct vm *vm)
{
	bool due = vm->pv.look_due ||
		   (machine_interrupt_pending(vm->virt) && !vm->pv.pending_at_last_look);
	vm->pv.look_due = false;
	return due;
}

void
pv_note_exit(struct vm *vm)
{
	vm->pv.look_due = true;
}

bool
pv_interrupts_enabled(struct vm *vm)
{
	if (!vm->pv.registered) {
		struct cpu_state g;
		machine_get_state(vm->virt, &g);
		return g.psw & PSW_IE;
	}
	/* The monitor reads the mask; the guest flipped it with plain stores.
	 * If an interrupt has to wait for it, say so in SH_PENDING: a guest
	 * that unmasks checks it and makes any hypercall to take it. */
	bool masked = shared_get(vm, SH_MASK) != 0;
	uint32_t waiting = masked && machine_interrupt_pending(vm->virt);
	if (shared_get(vm, SH_PENDING) != waiting)
		shared_put(vm, SH_PENDING, waiting);
	return !masked;
}
