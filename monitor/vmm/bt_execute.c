/* bt_execute.c — binary translation of the guest kernel, the executor
 * (Lab 8): it runs the translation cache's ops (bt_translate.c) on the
 * vCPU, one handler per op kind, and follows chained exits from block to
 * block as chained translations jump to each other.  It counts every guest
 * instruction, so the virtual timer and equivalence stay exact.  Sensitive
 * instructions are callouts into the monitor's routines (vcpu.c); faults
 * and traps in translated code are reflected into the guest (trap.c), whose
 * handler is supervisor code and runs translated too.  Virtual-user code
 * still runs directly, as in trap mode — which is why the user-mode srr
 * (the Red Pill) still shows.  Lab 8's region (lessons/08-bt/README.md):
 * invalidation, in do_store.
 */
#include <string.h>

#include "bt_internal.h"
#include "vcpu.h"

/* The executor's state between blocks. */
struct bt_run {
	struct vm *vm;
	struct bt_cache *bt;
	struct cpu_state g;         /* the vCPU, while blocks run */
	uint64_t pending;           /* retired here, not yet counted on the VM */
	uint64_t translated;        /* of those, run from the cache (not callouts) */
	uint64_t left;              /* guest instructions we may still run */
	const uint8_t *mem;         /* guest physical memory, for loads */
	bool tracing;               /* someone watches every instruction (run --trace) */
	uint32_t window;            /* with paging off, [0, window) is guest physical */
};

/* Hand the vCPU back to the virtual machine, and count what ran. */
static void
bt_sync_out(struct bt_run *r)
{
	machine_set_state(r->vm->virt, &r->g);
	machine_account(r->vm->virt, r->pending);
	r->bt->stats.translated_instructions += r->translated;
	r->pending = 0;
	r->translated = 0;
}

/* With paging off, supervisor data addresses are guest-physical. */
static void
bt_set_window(struct bt_run *r)
{
	r->window = (r->g.cr[CR_mmu] & MMU_PG) ? 0 : machine_memory_size(r->vm->virt);
}

static void
bt_sync_in(struct bt_run *r)
{
	machine_get_state(r->vm->virt, &r->g);
	bt_set_window(r);
}

/* The guest faults or traps in translated code: deliver it as the bare
 * machine would (the handler is supervisor code: it runs translated too). */
static void
bt_trap(struct bt_run *r, unsigned cause, enum isa_access access, uint32_t pc, uint32_t badaddr,
	uint32_t word)
{
	r->g.pc = pc;
	bt_sync_out(r);
	struct machine_trap t = { .cause = cause, .access = access, .epc = pc,
				  .badaddr = badaddr, .insn = word };
	trap_reflect(r->vm, &t);
	bt_sync_in(r);
}

/* Translate a data access of translated code as the guest's own would be:
 * unrelocated supervisor memory with paging off, the guest's tables with it
 * on.  Returns 0 or the cause. */
static inline unsigned
bt_data_address(const struct bt_run *r, uint32_t va, unsigned size, enum isa_access access,
		uint32_t *pa)
{
	if (r->window >= size && va <= r->window - size && !(va & (size - 1))) {
		*pa = va;
		return 0;
	}
	return vm_guest_translate(r->vm, va, size, access, pa);
}

/* Did a store of `size` bytes at pa change an entry block b's page was
 * found through? */
static bool
bt_maps_block(const struct bt_block *b, uint32_t pa, unsigned size)
{
	uint32_t word = pa & ~(uint32_t)(ISA_WORD - 1);
	(void)size;        /* stores are aligned (SPEC §4): never two words */
	return word == b->mapped_by.l1 || word == b->mapped_by.l2;
}

/* Run translated code from block *bp, following chained exits straight into
 * the next block, as chained translations jump to each other.  Returns the
 * exit by which the last block (left in *bp) was left, when the next one is
 * not chained yet (the caller looks it up and chains it), or -1.  The
 * guest's PC is left in r->g.pc, and what retired in r->pending.
 *
 * Two ways to run a block:
 *   - fast, when the whole block fits in what is left of the budget and
 *     nobody traces: the budget is checked once, as the block is entered,
 *     not per op; ops go straight from one to the next (fused ones two
 *     instructions at a time), and an exit into a chained block that fits
 *     too goes straight on into it (a block that loops on itself too);
 *   - checked, otherwise: every op first passes do_checked, which stops
 *     before the op that would exceed the budget, traces it (run --trace),
 *     and runs one guest instruction per op.
 * Either way every guest instruction is counted: an op is one instruction
 * (BT_FALLTHROUGH, which is none, is never counted), and the count of ops
 * run in a block is taken from `op - first` as it is left. */
static int
bt_run_block(struct bt_run *r, struct bt_block **bp)
{
	static void *const fast[BT_KINDS] = {
#define PG32_ALU(name, expr) [OP_##name] = &&do_##name,
#include "alu.def"
#undef PG32_ALU
		[BT_DIVIDE] = &&do_divide,
		[BT_COMPARE] = &&do_cmp, [BT_COMPARE_IMM] = &&do_cmpi,
		[BT_LOAD] = &&do_load, [BT_STORE] = &&do_store,
		[BT_LOAD_CONST] = &&do_load_const,
		[BT_JUMP] = &&do_jump, [BT_BRANCH] = &&do_branch, [BT_CALL] = &&do_call,
		[BT_JUMP_REG] = &&do_jump_reg,
		[BT_SET_IE] = &&do_set_ie,
		[BT_CALLOUT] = &&do_callout,
		[BT_TRAP] = &&do_trap,
		[BT_ILLEGAL] = &&do_illegal,
		[BT_FALLTHROUGH] = &&do_fallthrough,
		[BT_COPIED] = &&do_copied,
		[BT_NOP] = &&do_nop,
		[BT_COMPARE_BRANCH] = &&do_cmp_branch,
		[BT_COMPARE_IMM_BRANCH] = &&do_cmpi_branch,
		[BT_JUMP_ON] = &&do_jump_on, [BT_CALL_ON] = &&do_call_on,
		[BT_RETURN_ON] = &&do_jump_on,
	};
	/* Checked running sends every op through do_checked first (as the
	 * machine's decode-every-time table does): no cost on the fast path. */
	static void *const checked[BT_KINDS] = { [0 ... BT_KINDS - 1] = &&do_checked };
	struct bt_cache *const bt = r->bt;
	const bool tracing = r->tracing;
	uint32_t *const R = r->g.r;
	struct bt_block *b = *bp;
	void *const *table;
	const struct bt_op *first, *op;
	/* The counts, in locals while blocks run: `left` is how many guest
	 * instructions may still run from `first` on.  r's counts are brought
	 * up to date (SETTLE) only before anything outside the executor looks,
	 * and on return; what ran from the cache since is `settled - left` (an
	 * instruction run as a callout counts itself). */
	uint64_t left = r->left, settled = r->left, chain_jumps = 0;
	uint32_t pa, v, flags, next_pc;
	int exit = -1;

/* The ops from `first` up to `op` retired: count them. */
#define COUNT_RUN() do {                                                     \
		left -= (uint64_t)(op - first);                                   \
		first = op;                                                       \
	} while (0)
/* Bring r's counts up to date (before a callout, a trap or a return). */
#define SETTLE() do {                                                        \
		COUNT_RUN();                                                      \
		r->pending += settled - left;                                     \
		r->translated += settled - left;                                  \
		r->left = settled = left;                                         \
		bt->stats.chain_jumps += chain_jumps;                             \
		chain_jumps = 0;                                                  \
	} while (0)
/* The op retired: next one. */
#define NEXT() do {                                                          \
		op++;                                                             \
		goto *table[op->kind];                                            \
	} while (0)
/* The ops up to `op` (not included) retired and the guest goes on at pc_,
 * by exit exit_: straight into the block chained there when it is still
 * the code at pc_ in this address space and the budget covers all of it
 * (a block that loops on itself is: a callout that moves code or the
 * address space ends the block, or checks it again, bt_still_there) —
 * run as this one was: fast, or checked if someone traces (a block run
 * checked for the budget never gets this far: the budget ends inside it).
 * Inline in every exit, so the host predicts each exit's successor on
 * its own (as threaded code does); anything else takes leave_slowly. */
#define FOLLOW(pc_, exit_) do {                                              \
		next_pc = (pc_);                                                  \
		exit = (exit_);                                                   \
		COUNT_RUN();                                                      \
		struct bt_block *const next_ = b->chain[exit_];                   \
		if (likely(next_ && next_->guest_pc == next_pc &&                 \
			   (next_ == b || next_->epoch == bt->epoch) &&           \
			   next_->count <= left)) {                               \
			chain_jumps++;                                            \
			b = next_;                                                \
			b->runs++;                                                \
			first = op = b->ops;                                      \
			goto *table[op->kind];                                    \
		}                                                                 \
		goto leave_slowly;                                                \
	} while (0)
/* `op` retired: leave the block by exit exit_, at guest address pc_. */
#define LEAVE(pc_, exit_) do {                                               \
		next_pc = (pc_);              /* before op moves on */            \
		op++;                                                             \
		FOLLOW(next_pc, exit_);                                           \
	} while (0)
/* `op` retired: leave the block for bt_execute, which looks again. */
#define LEAVE_TO_LOOK(pc_) do {                                              \
		next_pc = (pc_);                                                  \
		op++;                                                             \
		exit = -1;                                                        \
		COUNT_RUN();                                                      \
		goto leave_slowly;                                                \
	} while (0)
/* `op` (a branch) retired: taken or not, with flags psw_. */
#define BRANCH(psw_) do {                                                    \
		if (bt_branch_taken(op, (psw_)))                                  \
			LEAVE((uint32_t)op->imm, EXIT_TAKEN);                     \
		LEAVE(op->guest_pc + ISA_WORD, EXIT_FALLTHROUGH);                 \
	} while (0)

enter:
	b->runs++;
	first = op = b->ops;
	if (likely(!tracing && b->count <= left)) {
		table = fast;
		goto *fast[op->kind];
	}
	/* The budget ends inside this block, or someone traces. */
	table = checked;
	goto do_checked;

do_checked:
	if ((uint64_t)(op - first) == left)     /* this one would exceed the budget */
		goto budget;
	if (tracing && op->kind != BT_FALLTHROUGH)      /* not a guest instruction */
		vm_trace_translated(r->vm, machine_retired(r->vm->virt) + r->pending + (settled - left) +
				    (uint64_t)(op - first), op->guest_pc, op->word);
	/* One guest instruction per op here: a fused compare runs as the
	 * compare alone, and its branch is checked (and traced) in turn. */
	if (op->kind == BT_COMPARE_BRANCH)
		goto do_cmp;
	if (op->kind == BT_COMPARE_IMM_BRANCH)
		goto do_cmpi;
	goto *fast[op->kind];

/* rd is never r0 here (bt_specialise_block made those ops BT_NOP), so r0
 * stays zero without being written back after every op. */
#define PG32_ALU(name, expr)                                                 \
do_##name: {                                                                 \
		const uint32_t A = R[op->rs], B = R[op->rt];                      \
		const int32_t IMM = op->imm;                                      \
		(void)A; (void)B; (void)IMM;                                      \
		R[op->rd] = (expr);                                               \
		NEXT();                                                           \
	}
#include "alu.def"
#undef PG32_ALU

do_nop:
	NEXT();
do_divide:
	if (R[op->rt] == 0)
		goto fault_divide;
	R[op->rd] = isa_divide((enum isa_opcode)op->opcode, R[op->rs], R[op->rt]);
	R[ISA_REG_ZERO] = 0;          /* in case rd was r0: the write is discarded */
	NEXT();
do_cmp:
	r->g.psw = (r->g.psw & ~PSW_FLAGS) | isa_compare_flags(R[op->rs], R[op->rt]);
	NEXT();
do_cmpi:
	r->g.psw = (r->g.psw & ~PSW_FLAGS) | isa_compare_flags(R[op->rs], (uint32_t)op->imm);
	NEXT();
do_cmp_branch:
	flags = isa_compare_flags(R[op->rs], R[op->rt]);
	r->g.psw = (r->g.psw & ~PSW_FLAGS) | flags;
	op++;                         /* the branch, which the fused op runs too */
	BRANCH(flags);
do_cmpi_branch:
	flags = isa_compare_flags(R[op->rs], (uint32_t)op->imm);
	r->g.psw = (r->g.psw & ~PSW_FLAGS) | flags;
	op++;
	BRANCH(flags);
do_load: {
	unsigned size = isa_mem_access_size((enum isa_opcode)op->opcode);
	uint32_t va = R[op->rs] + (uint32_t)op->imm;
	if (unlikely(bt_data_address(r, va, size, ACCESS_LOAD, &pa)))
		goto fault_memory;
	v = 0;
	memcpy(&v, r->mem + pa, size);                 /* little-endian host */
	R[op->rd] = isa_load_result((enum isa_opcode)op->opcode, v);
	R[ISA_REG_ZERO] = 0;          /* in case rd was r0 (the load still faults) */
	NEXT();
}
do_store: {
	unsigned size = isa_mem_access_size((enum isa_opcode)op->opcode);
	uint32_t va = R[op->rs] + (uint32_t)op->imm;
	v = R[op->rd];
	if (unlikely(bt_data_address(r, va, size, ACCESS_STORE, &pa)))
		goto fault_memory;
	machine_write_phys(r->vm->virt, pa, &v, size);
	/* LAB 8: invalidation: a store into code the cache translated (machine_code_written says so: the code watch, set by bt_translate) must not leave the old translation to run — flush, count it, leave after the store (SPEC §8.2; REFERENCES §5) */
	if (unlikely(machine_code_written(r->vm->virt))) {
		/* The guest wrote code we translated (maybe this very block):
		 * finish this instruction, then start over from a clean cache. */
		bt_flush(bt);
		bt->stats.invalidations++;
		LEAVE_TO_LOOK(op->guest_pc + ISA_WORD);
	}
	/* END LAB 8 */
	if (unlikely(machine_page_table_changes(r->vm->virt) != bt->pt_changes)) {
		/* A store near a page-table word some block's code was found
		 * through.  SPEC §5.3 would let us keep blocks until tlbflush,
		 * but the bare machine caches nothing, and neither do we: every
		 * other block is checked again before it next runs, and this
		 * one stops now if the word is one its own page is found
		 * through.  It goes on otherwise (ptemod's loop rewrites an
		 * entry beside its own), its entries still watched. */
		bt->pt_changes = machine_page_table_changes(r->vm->virt);
		bt->epoch++;
		if (bt_maps_block(b, pa, size))
			LEAVE_TO_LOOK(op->guest_pc + ISA_WORD);
	}
	NEXT();
}
do_load_const:
	R[op->rd] = (uint32_t)op->imm;
	NEXT();
do_jump:
	LEAVE((uint32_t)op->imm, EXIT_TAKEN);
do_call:
	R[ISA_REG_LR] = op->guest_pc + ISA_WORD;
	LEAVE((uint32_t)op->imm, EXIT_TAKEN);
do_branch:
	BRANCH(r->g.psw);
do_jump_on:                   /* b or a return: the next op is its target's */
	NEXT();
do_call_on:
	R[ISA_REG_LR] = op->guest_pc + ISA_WORD;
	NEXT();
do_jump_reg: {
	uint32_t target = R[op->rs];     /* read before lr is written */
	if (op->opcode == OP_callr)
		R[ISA_REG_LR] = op->guest_pc + ISA_WORD;
	LEAVE(target, EXIT_INDIRECT);   /* a misaligned target faults at its fetch */
}
do_set_ie:
	/* di, ei inline: vcpu.IE := 0/1 on the executor's copy, no callout.
	 * An interrupt pending when ei retires is taken right after it
	 * (SPEC §6.3): leave, and bt_execute's loop hands it to vm.c. */
	if (op->imm) {
		r->g.psw |= PSW_IE;
		if (unlikely(machine_interrupt_pending(r->vm->virt)))
			LEAVE_TO_LOOK(op->guest_pc + ISA_WORD);
	} else {
		r->g.psw &= ~PSW_IE;
	}
	NEXT();
do_callout: {
	/* The monitor's routine for this instruction (vcpu.c) does to the
	 * vCPU what the instruction means — in place, on the executor's own
	 * copy of the vCPU, counting itself as retired. */
	const struct bt_op *const callout = op;
	struct isa_insn insn = { .op = (enum isa_opcode)op->opcode, .rd = op->rd, .rs = op->rs,
				 .rt = op->rt, .imm = op->imm };
	SETTLE();                        /* the ops before it */
	r->left = settled = --left;      /* ... and itself */
	first = op = callout + 1;        /* counted, so the block goes on after it */
	r->g.pc = callout->guest_pc;
	struct vcpu vc = { .vm = r->vm->virt, .s = &r->g, .unaccounted = &r->pending };
	vcpu_emulate(&vc, &insn);
	bt->stats.callouts++;
	bt->stats.callouts_by_op[insn.op]++;
	r->vm->stats.emulated++;
	r->vm->stats.transitions++;
	/* The guest goes on at the vCPU's pc (the virtual machine's copy is
	 * not synced while blocks run). */
	if (r->vm->event_hook)
		vm_emit_to(r->vm, VM_EVENT_CALLOUT, &(struct machine_trap){
			.cause = CAUSE_PRIVILEGED, .epc = callout->guest_pc, .insn = callout->word },
			r->g.pc);
	bool leave = bt_callout_ends_block(&insn) || !(r->g.psw & PSW_S) ||
		     ((r->g.psw & PSW_IE) && machine_interrupt_pending(r->vm->virt));
	if (insn.op == OP_tlbflush || (insn.op == OP_mtcr && leave)) {
		r->vm->shadow.next_free = 0;     /* the guest's tables may have changed */
		bt->epoch++;                     /* ... and so may where code is */
		bt_set_window(r);                /* ... and how data is translated */
		if (insn.op == OP_tlbflush && !leave && !bt_still_there(r->vm, bt, b))
			leave = true;            /* this very block's code moved */
	}
	if (!leave)      /* the routine left the PC after it: the block goes on */
		goto *table[op->kind];
	/* It may have changed the mode, R or the page tables: the virtual
	 * machine, which translates for us, must see the vCPU as it is now. */
	machine_set_state(r->vm->virt, &r->g);
	exit = -1;
	goto out;
}
do_trap:
	/* These retire, then trap (§8.4). */
	op++;
	SETTLE();
	r->vm->stats.transitions++;
	bt_trap(r, isa_trap_instruction_cause((enum isa_opcode)op[-1].opcode), ACCESS_FETCH,
		op[-1].guest_pc, 0, op[-1].word);
	exit = -1;
	goto out;
do_illegal:
	SETTLE();
	bt_trap(r, CAUSE_ILLEGAL, ACCESS_FETCH, op->guest_pc, 0, op->word);
	exit = -1;
	goto out;
fault_divide:
	SETTLE();
	bt_trap(r, CAUSE_DIVIDE, ACCESS_FETCH, op->guest_pc, 0, op->word);
	exit = -1;
	goto out;
fault_memory: {
	/* Which fault the guest's own access would raise: ask again, slowly. */
	uint32_t va = R[op->rs] + (uint32_t)op->imm;
	enum isa_opcode mem_op = (enum isa_opcode)op->opcode;
	enum isa_access access = isa_mem_access_kind(mem_op);
	unsigned cause = vm_guest_translate(r->vm, va, isa_mem_access_size(mem_op), access, &pa);
	SETTLE();
	bt_trap(r, cause, access, op->guest_pc, va, op->word);
	exit = -1;
	goto out;
}
do_copied:
	/* A system instruction copied as itself (only Lab 8's handout makes
	 * one): translated code runs deprivileged, so it does what it does in
	 * user mode (SPEC §8.5, §9.2).  A privileged one traps, and with no
	 * callout to catch it the guest's own handler gets the trap; rdpsw
	 * reads S = 0; wrpsw keeps S and IE; srr reads the real relocation,
	 * not the guest's; hybrid's user-mode juser is a plain jump. */
	if (isa_is_privileged((enum isa_opcode)op->opcode, machine_variant(r->vm->virt)))
		goto fault_privileged;
	if (op->opcode == OP_rdpsw)
		R[op->rd] = r->g.psw & ~(uint32_t)PSW_S;
	else if (op->opcode == OP_wrpsw)
		r->g.psw = isa_wrpsw_result(r->g.psw & ~(uint32_t)PSW_S, R[op->rs]) |
			   (r->g.psw & PSW_S);
	else if (op->opcode == OP_srr)
		R[op->rd] = isa_srr_value(machine_state(r->vm->real)->cr);
	else if (op->opcode == OP_juser)
		LEAVE_TO_LOOK(R[op->rs]);
	R[ISA_REG_ZERO] = 0;          /* in case rd was r0 */
	NEXT();
fault_privileged:
	SETTLE();
	bt_trap(r, CAUSE_PRIVILEGED, ACCESS_FETCH, op->guest_pc, 0, op->word);
	exit = -1;
	goto out;
do_fallthrough:
	/* The fall-through op itself is not an instruction: not counted. */
	FOLLOW((uint32_t)op->imm, EXIT_FALLTHROUGH);
budget:
	COUNT_RUN();
	r->g.pc = op->guest_pc;
	exit = -1;
	goto out;
leave_slowly:
	/* Not straight into a chained block that fits: one that does not fit
	 * (entered checked), or none (bt_execute looks it up). */
	r->g.pc = next_pc;
	if (exit >= 0 && left > 0) {
		struct bt_block *next = b->chain[exit];
		if (next && next->guest_pc == next_pc && next->epoch == bt->epoch) {
			chain_jumps++;
			b = next;
			goto enter;
		}
	}
out:
	SETTLE();
	*bp = b;
	return exit;
#undef COUNT_RUN
#undef SETTLE
#undef NEXT
#undef FOLLOW
#undef LEAVE
#undef LEAVE_TO_LOOK
#undef BRANCH
}
void
bt_execute(struct vm *vm, uint64_t budget)
{
	struct bt_cache *bt = vm->bt;
	struct bt_run r = { .vm = vm, .bt = bt, .mem = machine_phys_memory(vm->virt),
			    .tracing = vm->insn_hook != NULL };
	bt_sync_in(&r);

	/* Translations are of one address space and of unchanged code. */
	if (machine_code_written(vm->virt)) {
		bt_flush(bt);
		bt->stats.invalidations++;
	}
	uint64_t pt_changes = machine_page_table_changes(vm->virt);
	if (r.g.cr[CR_ptbr] != bt->built_ptbr || r.g.cr[CR_mmu] != bt->built_mmu ||
	    pt_changes != bt->pt_changes) {
		/* Another address space, or a page-table word of this one
		 * changed: blocks are checked again when entered. */
		bt->epoch++;
		bt->built_ptbr = r.g.cr[CR_ptbr];
		bt->built_mmu = r.g.cr[CR_mmu];
		bt->pt_changes = pt_changes;
	}

	uint64_t start = machine_retired(vm->virt);
	struct bt_block *prev = NULL;
	int exit = -1;
	while (!vm->stopped && (r.g.psw & PSW_S)) {
		/* Count what ran, and see how far we may go: the budget, and the
		 * virtual timer (an interrupt is injected by the caller, vm.c). */
		machine_account(vm->virt, r.pending);
		bt->stats.translated_instructions += r.translated;
		r.pending = 0;
		r.translated = 0;
		uint64_t now = machine_retired(vm->virt);
		uint64_t deadline = machine_timer_deadline(vm->virt);
		if (now - start >= budget || now >= deadline)
			break;
		if ((r.g.psw & PSW_IE) && machine_interrupt_pending(vm->virt))
			break;      /* deliverable now: vm.c injects it (after ei, halt, ...) */
		r.left = budget - (now - start);
		if (deadline - now < r.left)
			r.left = deadline - now;

		struct bt_block *b = bt_lookup(bt, r.g.pc);
		if (!b) {
			struct machine_trap fault;
			b = bt_translate(vm, bt, r.g.pc, &fault);
			if (!b) {
				bt_trap(&r, fault.cause, fault.access, fault.epc, fault.badaddr, 0);
				prev = NULL;
				continue;
			}
		}
		if (bt->chaining && prev && exit >= 0 &&
		    (exit == EXIT_INDIRECT || prev->target[exit] == b->guest_pc)) {
			prev->chain[exit] = b;
			bt->stats.chained++;
		}
		/* Run blocks, following chains, until an exit needs a look-up or
		 * anything else needs the checks above. */
		uint32_t flushes = bt->stats.flushes;
		for (;;) {
			if (b->epoch != bt->epoch && !bt_still_there(vm, bt, b)) {
				exit = -1;
				break;  /* its code moved: look it up (and translate) again */
			}
			exit = bt_run_block(&r, &b);
			break;
		}
		prev = bt->stats.flushes == flushes ? b : NULL;
		if (machine_stopped(vm->virt)) {
			vm->stop = *machine_last_stop(vm->virt);
			vm->stopped = true;
		}
	}
	bt_sync_out(&r);
	/* Progress is a retired guest instruction, as for direct execution: a
	 * return with none (an interrupt deliverable but never injected, a
	 * reflected fault) counts toward the run loop's livelock limit. */
	if (machine_retired(vm->virt) != start)
		vm->events_without_progress = 0;
}
