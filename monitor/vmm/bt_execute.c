/* bt_execute.c — binary translation of the guest kernel, the executor
 * (Lab 8): it runs the translation cache's ops (bt_translate.c) on the
 * vCPU, one handler per op kind, and follows chained exits from block to
 * block as chained translations jump to each other.  It counts every guest
 * instruction, so the virtual timer and equivalence stay exact.  Sensitive
 * instructions are callouts into the monitor's routines (vcpu.c); faults
 * and traps in translated code are reflected into the guest (trap.c), whose
 * handler is supervisor code and runs translated too.  Virtual-user code
 * still runs directly, as in trap mode — which is why the user-mode srr
 * (the Red Pill) still shows.
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

/* Run translated code from block *bp, following chained exits straight into
 * the next block, as chained translations jump to each other.  Returns the
 * exit by which the last block (left in *bp) was left, when the next one is
 * not chained yet (the caller looks it up and chains it), or -1.  The
 * guest's PC is left in r->g.pc, and what retired in r->pending. */
static int
bt_run_block(struct bt_run *r, struct bt_block **bp)
{
	static void *const dispatch[BT_KINDS] = {
#define PG32_ALU(name, expr) [OP_##name] = &&do_##name,
#include "alu.def"
#undef PG32_ALU
		[BT_DIVIDE] = &&do_divide,
		[BT_COMPARE] = &&do_cmp, [BT_COMPARE_IMM] = &&do_cmpi,
		[BT_LOAD] = &&do_load, [BT_STORE] = &&do_store,
		[BT_LOAD_CONST] = &&do_load_const,
		[BT_JUMP] = &&do_exit_branch, [BT_BRANCH] = &&do_exit_branch,
		[BT_CALL] = &&do_exit_branch,
		[BT_JUMP_REG] = &&do_jump_reg,
		[BT_SET_IE] = &&do_set_ie,
		[BT_CALLOUT] = &&do_callout,
		[BT_TRAP] = &&do_trap,
		[BT_ILLEGAL] = &&do_illegal,
		[BT_FALLTHROUGH] = &&do_fallthrough,
	};
	/* Tracing sends every op through do_trace first (as the machine's
	 * decode-every-time table does): no cost when nobody watches. */
	static void *traced[BT_KINDS];
	if (!traced[0])
		for (unsigned i = 0; i < BT_KINDS; i++)
			traced[i] = &&do_trace;
	void *const *const table = r->tracing ? traced : dispatch;
	uint32_t *const R = r->g.r;
	struct bt_block *b = *bp;
	const struct bt_op *first, *op, *stop;
	uint32_t pa, v;
	int exit = -1;
	/* b->runs is counted in a register while a block loops on itself (a
	 * store per iteration would cost a tight loop more than it runs). */
	uint64_t runs = 1;

enter:
	first = op = &r->bt->ops[b->first];
	/* Stop before the op that would exceed the budget: one compare per op.
	 * `first` moves past each in-place callout, which counts itself. */
	stop = b->count <= r->left ? first + b->count : first + r->left;

/* The op retired: next one (a fall-through op never counts: it is not a
 * guest instruction). */
#define NEXT() do {                                                          \
		R[ISA_REG_ZERO] = 0;                                              \
		op++;                                                             \
		if (unlikely(op == stop))                                         \
			goto budget;                                              \
		goto *table[op->kind];                                            \
	} while (0)
/* Leave the block after `op` retired, at guest address pc_. */
#define LEAVE(pc_, exit_) do {                                               \
		R[ISA_REG_ZERO] = 0;                                              \
		r->g.pc = (pc_);                                                  \
		exit = (exit_);                                                   \
		op++;                                                             \
		goto out;                                                         \
	} while (0)

	if (op == stop)
		goto budget;
	goto *table[op->kind];

do_trace:
	if (op->kind != BT_FALLTHROUGH)      /* not a guest instruction */
		vm_trace_translated(r->vm, machine_retired(r->vm->virt) + r->pending +
				    (uint64_t)(op - first), op->guest_pc, op->word);
	goto *dispatch[op->kind];

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

do_divide:
	if (R[op->rt] == 0)
		goto fault_divide;
	R[op->rd] = isa_divide((enum isa_opcode)op->opcode, R[op->rs], R[op->rt]);
	NEXT();
do_cmp:
	r->g.psw = (r->g.psw & ~PSW_FLAGS) | isa_compare_flags(R[op->rs], R[op->rt]);
	NEXT();
do_cmpi:
	r->g.psw = (r->g.psw & ~PSW_FLAGS) | isa_compare_flags(R[op->rs], (uint32_t)op->imm);
	NEXT();
do_load: {
	unsigned size = isa_mem_access_size((enum isa_opcode)op->opcode);
	uint32_t va = R[op->rs] + (uint32_t)op->imm;
	if (unlikely(bt_data_address(r, va, size, ACCESS_LOAD, &pa)))
		goto fault_memory;
	v = 0;
	memcpy(&v, r->mem + pa, size);                 /* little-endian host */
	R[op->rd] = isa_load_result((enum isa_opcode)op->opcode, v);
	NEXT();
}
do_store: {
	unsigned size = isa_mem_access_size((enum isa_opcode)op->opcode);
	uint32_t va = R[op->rs] + (uint32_t)op->imm;
	v = R[op->rd];
	if (unlikely(bt_data_address(r, va, size, ACCESS_STORE, &pa)))
		goto fault_memory;
	machine_write_phys(r->vm->virt, pa, &v, size);
	if (unlikely(machine_code_written(r->vm->virt))) {
		/* The guest wrote code we translated (maybe this very block):
		 * finish this instruction, then start over from a clean cache. */
		bt_flush(r->bt);
		r->bt->stats.invalidations++;
		LEAVE(op->guest_pc + ISA_WORD, -1);
	}
	NEXT();
}
do_load_const:
	R[op->rd] = (uint32_t)op->imm;
	NEXT();
do_exit_branch: {
	bool taken = op->kind != BT_BRANCH || isa_branch_taken((enum isa_opcode)op->opcode, r->g.psw);
	if (op->kind == BT_CALL)
		R[ISA_REG_LR] = op->guest_pc + ISA_WORD;
	if (taken)
		LEAVE((uint32_t)op->imm, EXIT_TAKEN);
	LEAVE(op->guest_pc + ISA_WORD, EXIT_FALLTHROUGH);
}
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
			LEAVE(op->guest_pc + ISA_WORD, -1);
	} else {
		r->g.psw &= ~PSW_IE;
	}
	NEXT();
do_callout: {
	/* The monitor's routine for this instruction (vcpu.c) does to the
	 * vCPU what the instruction means — in place, on the executor's own
	 * copy of the vCPU, counting itself as retired. */
	struct isa_insn insn = { .op = (enum isa_opcode)op->opcode, .rd = op->rd, .rs = op->rs,
				 .rt = op->rt, .imm = op->imm };
	r->pending += (uint64_t)(op - first);
	r->translated += (uint64_t)(op - first);
	r->left -= (uint64_t)(op - first) + 1;
	r->g.pc = op->guest_pc;
	struct vcpu vc = { .vm = r->vm->virt, .s = &r->g, .unaccounted = &r->pending };
	vcpu_emulate(&vc, &insn);
	r->bt->stats.callouts++;
	r->bt->stats.callouts_by_op[insn.op]++;
	r->vm->stats.emulated++;
	r->vm->stats.transitions++;
	/* The guest goes on at the vCPU's pc (the virtual machine's copy is
	 * not synced while blocks run). */
	if (r->vm->event_hook)
		vm_emit_to(r->vm, VM_EVENT_CALLOUT, &(struct machine_trap){
			.cause = CAUSE_PRIVILEGED, .epc = op->guest_pc, .insn = op->word },
			r->g.pc);
	bool leave = bt_callout_ends_block(&insn) || !(r->g.psw & PSW_S) ||
		     ((r->g.psw & PSW_IE) && machine_interrupt_pending(r->vm->virt));
	if (insn.op == OP_tlbflush || (insn.op == OP_mtcr && leave)) {
		r->vm->shadow.next_free = 0;     /* the guest's tables may have changed */
		r->bt->epoch++;                  /* ... and so may where code is */
		bt_set_window(r);                /* ... and how data is translated */
		if (insn.op == OP_tlbflush && !leave && !bt_still_there(r->vm, r->bt, b))
			leave = true;            /* this very block's code moved */
	}
	if (!leave) {
		first = op + 1;                  /* what retired so far is counted */
		if (unlikely(first == stop))
			return b->runs += runs, *bp = b, -1;               /* the routine left the PC after it */
		op = first;
		goto *table[op->kind];
	}
	/* It may have changed the mode, R or the page tables: the virtual
	 * machine, which translates for us, must see the vCPU as it is now. */
	machine_set_state(r->vm->virt, &r->g);
	return b->runs += runs, *bp = b, -1;
}
do_trap: {
	r->pending += (uint64_t)(op - first) + 1;     /* these retire, then trap (§8.4) */
	r->translated += (uint64_t)(op - first) + 1;
	r->left -= (uint64_t)(op - first) + 1;
	r->vm->stats.transitions++;
	bt_trap(r, isa_trap_instruction_cause((enum isa_opcode)op->opcode), ACCESS_FETCH,
		op->guest_pc, 0, op->word);
	return b->runs += runs, *bp = b, -1;
}
do_illegal:
	r->pending += (uint64_t)(op - first);
	r->translated += (uint64_t)(op - first);
	r->left -= (uint64_t)(op - first);
	bt_trap(r, CAUSE_ILLEGAL, ACCESS_FETCH, op->guest_pc, 0, op->word);
	return b->runs += runs, *bp = b, -1;
fault_divide:
	r->pending += (uint64_t)(op - first);
	r->translated += (uint64_t)(op - first);
	r->left -= (uint64_t)(op - first);
	bt_trap(r, CAUSE_DIVIDE, ACCESS_FETCH, op->guest_pc, 0, op->word);
	return b->runs += runs, *bp = b, -1;
fault_memory: {
	/* Which fault the guest's own access would raise: ask again, slowly. */
	uint32_t va = R[op->rs] + (uint32_t)op->imm;
	enum isa_opcode mem_op = (enum isa_opcode)op->opcode;
	enum isa_access access = isa_mem_access_kind(mem_op);
	unsigned cause = vm_guest_translate(r->vm, va, isa_mem_access_size(mem_op), access, &pa);
	r->pending += (uint64_t)(op - first);
	r->translated += (uint64_t)(op - first);
	r->left -= (uint64_t)(op - first);
	bt_trap(r, cause, access, op->guest_pc, va, op->word);
	return b->runs += runs, *bp = b, -1;
}
do_fallthrough:
	r->g.pc = (uint32_t)op->imm;
	exit = EXIT_FALLTHROUGH;
	goto count;      /* the fall-through op itself is not an instruction */
budget:
	r->g.pc = op->guest_pc;
	exit = -1;
	goto count;
out:
count:
	r->pending += (uint64_t)(op - first);
	r->translated += (uint64_t)(op - first);
	r->left -= (uint64_t)(op - first);
	if (exit >= 0 && r->left > 0) {
		struct bt_block *next = b->chain[exit];
		if (next && next->guest_pc == r->g.pc && next->epoch == r->bt->epoch) {
			r->bt->stats.chain_jumps++;
			if (next == b) {
				runs++;
			} else {
				b->runs += runs;
				runs = 1;
				b = next;
			}
			goto enter;
		}
	}
	b->runs += runs;
	*bp = b;
	return exit;
#undef NEXT
#undef LEAVE
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
	if (r.g.cr[CR_ptbr] != bt->built_ptbr || r.g.cr[CR_mmu] != bt->built_mmu) {
		/* Another address space: blocks are checked again when entered. */
		bt->epoch++;
		bt->built_ptbr = r.g.cr[CR_ptbr];
		bt->built_mmu = r.g.cr[CR_mmu];
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
