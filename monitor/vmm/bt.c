/* bt.c — binary translation of the guest kernel (VMware's approach; Adams &
 * Agesen, ASPLOS 2006; REFERENCES §5).  Lab 8.
 *
 * Virtual-supervisor code never runs from guest memory.  The monitor reads
 * it a block at a time (up to BT_BLOCK_MAX instructions, ending at a
 * control transfer or a page end) and translates it into the translation
 * cache, where it is kept pre-decoded:
 *   - innocuous instructions are copied as they are (IDENT);
 *   - every sensitive instruction — privileged or not, so also legacy's
 *     rdpsw, wrpsw and srr, and hybrid's juser — becomes a CALLOUT into the
 *     monitor's interpreter routine for it (trap.c), which works on the vCPU;
 *   - instructions whose meaning depends on where they are — branches, call,
 *     adr (the PC read) — are fixed up to the guest addresses they mean.
 * A block's exits are chained to the blocks they lead to, so running hot
 * code follows pointers instead of looking up addresses.  Stores into pages
 * that code was translated from (by the guest kernel, by its user programs,
 * or by the monitor) are noticed by the machine's code watch and flush the
 * cache, as does a full cache.  Virtual-user code still runs directly, as in
 * trap mode — which is why the user-mode srr (the Red Pill) still shows.
 *
 * The translated ops run on the executor below, which counts every guest
 * instruction, so the virtual timer and equivalence stay exact.
 */
#include "bt.h"

#include <stdlib.h>
#include <string.h>

#include "disasm.h"
#include "vcpu.h"
#include "vm_internal.h"

enum {
	BT_BLOCK_MAX = 24,          /* guest instructions per block */
	BT_CACHE_OPS = 16384,       /* ops the cache holds before it is flushed */
	BT_CACHE_BLOCKS = 2048,
	BT_HASH_SIZE = 1024,        /* buckets, a power of two */
};

/* What a translated op does: an IDENT op is the opcode itself; the others
 * are the translator's own. */
enum bt_kind {
	BT_LOAD_CONST = OP_COUNT,   /* adr, fixed up: rd := the address it meant */
	BT_JUMP,                    /* b, or the taken side of nothing: leave to target */
	BT_BRANCH,                  /* conditional: leave to target or fall through */
	BT_CALL,                    /* lr := guest return address; leave to target */
	BT_JUMP_REG,                /* jr, callr: leave to a register (look-up) */
	BT_CALLOUT,                 /* sensitive: the monitor emulates it; leave */
	BT_TRAP,                    /* sys, brk, hcall: retire and trap; leave */
	BT_ILLEGAL,                 /* a word that does not decode: trap; leave */
	BT_FALLTHROUGH,             /* the block ends without a branch: leave */
	BT_KINDS
};

/* Exits, for chaining: where a block can go next without a look-up.  An
 * indirect exit (jr, callr) has no fixed target; its chain slot caches the
 * block it went to last, used when the guest goes there again (returns
 * usually do). */
enum { EXIT_TAKEN, EXIT_FALLTHROUGH, EXIT_INDIRECT, EXITS };

struct bt_op {
	uint16_t kind;              /* an opcode (IDENT) or enum bt_kind */
	uint8_t rd, rs, rt;
	uint8_t opcode;             /* the guest instruction's opcode (callouts) */
	int32_t imm;                /* operand; for exits and adr: the guest address */
	uint32_t guest_pc;
	uint32_t word;              /* the guest instruction (callouts, traps) */
};

struct bt_block {
	uint32_t guest_pc;          /* BT_DEAD once its code has moved away */
	uint32_t guest_pa;          /* where its code was, guest-physical */
	uint32_t epoch;             /* the address-space epoch it was checked in */
	uint32_t first, count;      /* its ops: cache->ops[first .. first + count) */
	uint32_t target[EXITS];     /* guest addresses of its fixed exits */
	struct bt_block *chain[EXITS];
	struct bt_block *hash_next;
	uint64_t runs;              /* for the translation-cache graph */
};

struct bt_cache {
	uint32_t max_blocks, max_ops;
	bool chaining;
	struct bt_op *ops;
	uint32_t nops;
	struct bt_block *blocks;
	uint32_t nblocks;
	struct bt_block *hash[BT_HASH_SIZE];
	uint32_t built_ptbr, built_mmu;   /* the address space last seen */
	uint32_t epoch;                   /* bumped when the address space may change */
	struct bt_stats stats;
};

/* A block whose code is no longer at its address (another address space
 * maps something else there): no guest PC is misaligned, so none matches. */
#define BT_DEAD 0xffffffffu

struct bt_cache *
bt_create(uint32_t max_blocks, bool chaining)
{
	struct bt_cache *bt = calloc(1, sizeof *bt);
	if (!bt)
		return NULL;
	bt->max_blocks = max_blocks ? max_blocks : BT_CACHE_BLOCKS;
	bt->max_ops = max_blocks ? max_blocks * (BT_BLOCK_MAX + 1) : BT_CACHE_OPS;
	bt->chaining = chaining;
	bt->ops = calloc(bt->max_ops, sizeof *bt->ops);
	bt->blocks = calloc(bt->max_blocks, sizeof *bt->blocks);
	if (!bt->ops || !bt->blocks) {
		bt_destroy(bt);
		return NULL;
	}
	return bt;
}

void
bt_destroy(struct bt_cache *bt)
{
	if (!bt)
		return;
	free(bt->ops);
	free(bt->blocks);
	free(bt);
}

void
bt_get_stats(const struct bt_cache *bt, struct bt_stats *out)
{
	*out = bt->stats;
}

static void
bt_flush(struct bt_cache *bt)
{
	bt->nops = 0;
	bt->nblocks = 0;
	memset(bt->hash, 0, sizeof bt->hash);
	bt->stats.flushes++;
}

static unsigned
bt_hash(uint32_t guest_pc)
{
	return (guest_pc / ISA_WORD) & (BT_HASH_SIZE - 1);
}

static struct bt_block *
bt_lookup(struct bt_cache *bt, uint32_t guest_pc)
{
	bt->stats.lookups++;
	for (struct bt_block *b = bt->hash[bt_hash(guest_pc)]; b; b = b->hash_next)
		if (b->guest_pc == guest_pc) {
			bt->stats.hits++;
			return b;
		}
	return NULL;
}

/* ===== translation =============================================================== */

/* Instructions the executor runs as themselves — everything innocuous
 * except control transfers and adr, which need fixing up: the
 * register-only ones of machine/alu.def, and these, with the executor's
 * handler for each.  The translator's test below and the executor's
 * dispatch table both expand alu.def and this list, so they cannot part.
 * X(opcode, handler) */
#define BT_MORE_IDENT_OPS(X)                                                   \
	X(OP_div, do_divide) X(OP_rem, do_divide) X(OP_divu, do_divide)        \
	X(OP_remu, do_divide) X(OP_cmp, do_cmp) X(OP_cmpi, do_cmpi)            \
	X(OP_ldw, do_load) X(OP_ldh, do_load) X(OP_ldhu, do_load)              \
	X(OP_ldb, do_load) X(OP_ldbu, do_load)                                 \
	X(OP_stw, do_store) X(OP_sth, do_store) X(OP_stb, do_store)

static bool
bt_is_ident(enum isa_opcode op)
{
	switch (op) {
#define PG32_ALU(name, expr) case OP_##name:
#include "alu.def"
#undef PG32_ALU
#define BT_CASE(op_, label) case op_:
	BT_MORE_IDENT_OPS(BT_CASE)
#undef BT_CASE
		return true;
	default:
		return false;
	}
}

/* Which callouts end their block, so the executor looks again before
 * running more: those that may change the mode, the address space, the
 * timer or the machine's life.  The others are emulated in place and the
 * block goes on — VMware's "cli -> vcpu.IF = 0".  `ei` and `wrpsw` go on
 * unless, run, they let a pending interrupt in or leave supervisor mode
 * (checked as they run: bt_callout_must_leave). */
static bool
bt_callout_ends_block(const struct isa_insn *insn)
{
	switch (insn->op) {
	case OP_di: case OP_rdpsw: case OP_srr: case OP_mfcr: case OP_in:
	case OP_ei: case OP_wrpsw:
		return false;
	case OP_tlbflush:
		return false;   /* goes on if this block's own code stayed put */
	case OP_out:
		return machine_port_affects_time((uint16_t)insn->imm);
	case OP_mtcr:       /* only the translation registers move code or data */
		return insn->rd == CR_ptbr || insn->rd == CR_mmu || insn->rd == CR_rbase ||
		       insn->rd == CR_rbound;
	default:
		return true;
	}
}

/* Translate one guest instruction into `op`; returns true if it ends the block. */
static bool
bt_translate_one(struct bt_cache *bt, enum isa_variant variant, uint32_t pc, uint32_t word,
		 struct bt_op *op, struct bt_block *block)
{
	struct isa_insn insn;
	*op = (struct bt_op){ .guest_pc = pc, .word = word };
	bt->stats.instructions_translated++;
	if (!isa_decode(word, &insn)) {
		op->kind = BT_ILLEGAL;
		return true;
	}
	op->rd = insn.rd;
	op->rs = insn.rs;
	op->rt = insn.rt;
	op->imm = insn.imm;
	unsigned cls = isa_class(insn.op, variant);
	if (cls & CLS_TRAP) {
		op->kind = BT_TRAP;
		return true;
	}
	if (cls & (CLS_PRIV | CLS_SENSITIVE)) {
		/* The heart of it: nothing sensitive runs as itself. */
		op->kind = BT_CALLOUT;
		op->opcode = (uint8_t)insn.op;
		return bt_callout_ends_block(&insn);
	}
	if (bt_is_ident(insn.op)) {
		op->kind = (uint16_t)insn.op;
		return false;
	}
	uint32_t target = isa_branch_target(pc, insn.imm);
	switch (insn.op) {
	case OP_adr:
		op->kind = BT_LOAD_CONST;
		op->imm = (int32_t)(pc + ISA_WORD + (uint32_t)insn.imm);
		return false;
	case OP_b:
		op->kind = BT_JUMP;
		op->imm = (int32_t)target;
		block->target[EXIT_TAKEN] = target;
		return true;
	case OP_call:
		op->kind = BT_CALL;
		op->imm = (int32_t)target;
		block->target[EXIT_TAKEN] = target;
		return true;
	case OP_jr:
	case OP_callr:
		op->kind = BT_JUMP_REG;
		return true;
	default:     /* the conditional branches */
		op->kind = BT_BRANCH;
		op->rt = (uint8_t)insn.op;              /* which condition */
		op->imm = (int32_t)target;
		block->target[EXIT_TAKEN] = target;
		block->target[EXIT_FALLTHROUGH] = pc + ISA_WORD;
		return true;
	}
}

/* Translate the block at guest_pc.  Returns NULL with *fault set when even
 * its first instruction cannot be fetched (the guest takes that fault). */
static struct bt_block *
bt_translate(struct vm *vm, struct bt_cache *bt, uint32_t guest_pc, struct machine_trap *fault)
{
	if (bt->nblocks == bt->max_blocks || bt->nops + BT_BLOCK_MAX + 1 > bt->max_ops)
		bt_flush(bt);
	bt->stats.misses++;
	struct bt_block *b = &bt->blocks[bt->nblocks];
	*b = (struct bt_block){ .guest_pc = guest_pc, .first = bt->nops, .epoch = bt->epoch };
	enum isa_variant variant = machine_variant(vm->virt);
	uint32_t pc = guest_pc;
	for (unsigned i = 0; i < BT_BLOCK_MAX; i++, pc += ISA_WORD) {
		uint32_t pa, word;
		unsigned cause = vm_guest_translate(vm, pc, ISA_WORD, ACCESS_FETCH, &pa);
		if (cause) {
			if (i == 0) {
				*fault = (struct machine_trap){ .cause = cause, .access = ACCESS_FETCH,
								.epc = pc, .badaddr = pc };
				return NULL;
			}
			break;          /* the fault belongs to the next block's first fetch */
		}
		vm_read_guest_phys(vm, pa, &word, sizeof word);
		machine_watch_code(vm->virt, pa);   /* a store here must flush us */
		if (i == 0)
			b->guest_pa = pa;
		struct bt_op *op = &bt->ops[bt->nops++];
		b->count++;
		if (bt_translate_one(bt, variant, pc, word, op, b))
			goto done;
		if ((pc + ISA_WORD) % PAGE_SIZE == 0) {
			/* Blocks do not cross pages: fall through to the next
			 * page's first word, which may fault (SPEC §5, §6.2). */
			pc += ISA_WORD;
			break;
		}
	}
	/* The block ended without a control transfer: fall through. */
	bt->ops[bt->nops++] = (struct bt_op){ .kind = BT_FALLTHROUGH, .imm = (int32_t)pc,
					      .guest_pc = pc };
	b->count++;
	b->target[EXIT_FALLTHROUGH] = pc;
done:
	bt->nblocks++;
	unsigned h = bt_hash(guest_pc);
	b->hash_next = bt->hash[h];
	bt->hash[h] = b;
	bt->stats.blocks_translated++;
	return b;
}

enum bt_treatment
bt_treatment_of(enum isa_variant variant, uint32_t word)
{
	struct bt_cache scratch = { 0 };
	struct bt_block block = { 0 };
	struct bt_op op;
	bt_translate_one(&scratch, variant, 0, word, &op, &block);
	switch (op.kind) {
	case BT_CALLOUT:
		return BT_AS_CALLOUT;
	case BT_TRAP:
	case BT_ILLEGAL:
		return BT_AS_TRAP;
	case BT_LOAD_CONST:
	case BT_JUMP:
	case BT_BRANCH:
	case BT_CALL:
	case BT_JUMP_REG:
		return BT_FIXED_UP;
	default:
		return BT_AS_ITSELF;
	}
}

/* ===== execution ===================================================================== */

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

static bool bt_still_there(struct vm *vm, struct bt_cache *bt, struct bt_block *b);

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
#define BT_HANDLER(op_, label) [op_] = &&label,
		BT_MORE_IDENT_OPS(BT_HANDLER)
#undef BT_HANDLER
		[BT_LOAD_CONST] = &&do_load_const,
		[BT_JUMP] = &&do_exit_branch, [BT_BRANCH] = &&do_exit_branch,
		[BT_CALL] = &&do_exit_branch,
		[BT_JUMP_REG] = &&do_jump_reg,
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
	R[op->rd] = isa_divide((enum isa_opcode)op->kind, R[op->rs], R[op->rt]);
	NEXT();
do_cmp:
	r->g.psw = (r->g.psw & ~PSW_FLAGS) | isa_compare_flags(R[op->rs], R[op->rt]);
	NEXT();
do_cmpi:
	r->g.psw = (r->g.psw & ~PSW_FLAGS) | isa_compare_flags(R[op->rs], (uint32_t)op->imm);
	NEXT();
do_load: {
	static const uint8_t size_of[OP_COUNT] = {
		[OP_ldw] = 4, [OP_ldh] = 2, [OP_ldhu] = 2, [OP_ldb] = 1, [OP_ldbu] = 1,
	};
	unsigned size = size_of[op->kind];
	uint32_t va = R[op->rs] + (uint32_t)op->imm;
	unsigned cause = bt_data_address(r, va, size, ACCESS_LOAD, &pa);
	if (unlikely(cause))
		goto fault_memory;
	v = 0;
	memcpy(&v, r->mem + pa, size);                 /* little-endian host */
	if (op->kind == OP_ldh)
		v = (uint32_t)(int16_t)v;
	else if (op->kind == OP_ldb)
		v = (uint32_t)(int8_t)v;
	R[op->rd] = v;
	NEXT();
}
do_store: {
	unsigned size = op->kind == OP_stw ? 4 : op->kind == OP_sth ? 2 : 1;
	uint32_t va = R[op->rs] + (uint32_t)op->imm;
	v = R[op->rd];
	unsigned cause = bt_data_address(r, va, size, ACCESS_STORE, &pa);
	if (unlikely(cause))
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
	bool taken = op->kind != BT_BRANCH || isa_branch_taken((enum isa_opcode)op->rt, r->g.psw);
	if (op->kind == BT_CALL)
		R[ISA_REG_LR] = op->guest_pc + ISA_WORD;
	if (taken)
		LEAVE((uint32_t)op->imm, EXIT_TAKEN);
	LEAVE(op->guest_pc + ISA_WORD, EXIT_FALLTHROUGH);
}
do_jump_reg: {
	uint32_t target = R[op->rs];     /* read before lr is written */
	if (op->word >> ISA_OPCODE_POS == isa_op_info(OP_callr)->code)
		R[ISA_REG_LR] = op->guest_pc + ISA_WORD;
	LEAVE(target, EXIT_INDIRECT);   /* a misaligned target faults at its fetch */
}
do_callout: {
	/* The monitor's routine for this instruction (trap.c) does to the
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
	static const unsigned cause_of[] = {
		[OP_sys] = CAUSE_SYSCALL, [OP_brk] = CAUSE_BREAKPOINT, [OP_hcall] = CAUSE_HYPERCALL,
	};
	struct isa_insn insn;
	isa_decode(op->word, &insn);
	r->pending += (uint64_t)(op - first) + 1;     /* these retire, then trap (§8.4) */
	r->translated += (uint64_t)(op - first) + 1;
	r->left -= (uint64_t)(op - first) + 1;
	r->vm->stats.transitions++;
	bt_trap(r, cause_of[insn.op], ACCESS_FETCH, op->guest_pc, 0, op->word);
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
	bool store = op->kind == OP_stw || op->kind == OP_sth || op->kind == OP_stb;
	unsigned size = (op->kind == OP_ldw || op->kind == OP_stw) ? 4
		      : (op->kind == OP_ldh || op->kind == OP_ldhu || op->kind == OP_sth) ? 2 : 1;
	unsigned cause = vm_guest_translate(r->vm, va, size, store ? ACCESS_STORE : ACCESS_LOAD, &pa);
	r->pending += (uint64_t)(op - first);
	r->translated += (uint64_t)(op - first);
	r->left -= (uint64_t)(op - first);
	bt_trap(r, cause, store ? ACCESS_STORE : ACCESS_LOAD, op->guest_pc, va, op->word);
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

/* Since the address space may have changed: is the block's code still
 * where the block's guest PC now leads?  If not, the block is dead. */
static bool
bt_still_there(struct vm *vm, struct bt_cache *bt, struct bt_block *b)
{
	uint32_t pa;
	if (vm_guest_translate(vm, b->guest_pc, ISA_WORD, ACCESS_FETCH, &pa) == 0 &&
	    pa == b->guest_pa) {
		b->epoch = bt->epoch;
		return true;
	}
	b->guest_pc = BT_DEAD;
	return false;
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
	vm->events_without_progress = 0;
}

/* ===== the translation cache as a graph (`traplab bt --dot`, the monitor's `dot`) ===== */

void
bt_write_dot(const struct bt_cache *bt, const struct symtab *syms, FILE *out)
{
	fprintf(out, "digraph translation_cache {\n"
		"  label=\"TrapLab translation cache: blocks of guest kernel code; "
		"edges = chained exits; red = callouts into the monitor\";\n"
		"  node [shape=box, fontname=monospace, fontsize=10];\n");
	for (uint32_t i = 0; i < bt->nblocks; i++) {
		const struct bt_block *b = &bt->blocks[i];
		const struct symbol *sym = syms ? symtab_label_before(syms, b->guest_pc) : NULL;
		fprintf(out, "  b%08x [label=\"0x%08x", b->guest_pc, b->guest_pc);
		if (sym)
			fprintf(out, " <%s+%u>", sym->name, b->guest_pc - sym->value);
		fprintf(out, "\\lruns %llu\\l", (unsigned long long)b->runs);
		bool callout = false;
		for (uint32_t k = 0; k < b->count; k++) {
			const struct bt_op *op = &bt->ops[b->first + k];
			if (op->kind == BT_FALLTHROUGH)
				continue;
			char text[96];
			disasm_insn(op->word, op->guest_pc, syms, text, sizeof text);
			const char *tag = op->kind == BT_CALLOUT ? "  [callout]"
					: op->kind == BT_LOAD_CONST || op->kind == BT_JUMP ||
					  op->kind == BT_BRANCH || op->kind == BT_CALL ? "  [fixed up]" : "";
			callout |= op->kind == BT_CALLOUT;
			fprintf(out, "%s%s\\l", text, tag);
		}
		fprintf(out, "\"%s];\n", callout ? ", color=red" : "");
	}
	static const char *const exit_names[EXITS] = {
		[EXIT_TAKEN] = "taken", [EXIT_FALLTHROUGH] = "next", [EXIT_INDIRECT] = "indirect (last)",
	};
	for (uint32_t i = 0; i < bt->nblocks; i++) {
		const struct bt_block *b = &bt->blocks[i];
		for (int e = 0; e < EXITS; e++)
			if (b->chain[e])
				fprintf(out, "  b%08x -> b%08x [label=\"%s\"%s];\n", b->guest_pc,
					b->chain[e]->guest_pc, exit_names[e],
					e == EXIT_INDIRECT ? ", style=dashed" : "");
	}
	fprintf(out, "}\n");
}
