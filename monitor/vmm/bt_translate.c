/* bt_translate.c — binary translation of the guest kernel, the translator
 * and its cache (VMware's approach; Adams & Agesen, ASPLOS 2006; REFERENCES
 * §5).  Lab 8.
 *
 * Virtual-supervisor code never runs from guest memory.  The monitor reads
 * it a block at a time (up to BT_BLOCK_MAX instructions, ending at a
 * control transfer or a page end; a jump whose target the translator knows
 * it goes on through, within the page: bt_goes_on_at_target) and
 * translates it into the translation cache, where it is kept pre-decoded:
 *   - innocuous instructions are copied as they are (the ALU, divide,
 *     compare, load and store groups of isa.h);
 *   - every sensitive instruction — privileged or not, so also legacy's
 *     rdpsw, wrpsw and srr, and hybrid's juser — becomes a CALLOUT into the
 *     monitor's interpreter routine for it (vcpu.c), which works on the vCPU;
 *     except di and ei, which the translation does itself, inline, on the
 *     executor's copy of the vCPU (VMware's "cli -> vcpu.IF = 0"): no
 *     callout, no transition;
 *   - instructions whose meaning depends on where they are — branches, call,
 *     adr (the PC read) — are fixed up to the guest addresses they mean.
 * Which of these an instruction gets follows from its group (isa.h's
 * isa_op_group) and its class: a new instruction cannot slip past the
 * translator, because both switches name every case.  Stores into pages
 * that code was translated from (by the guest kernel, by its user programs,
 * or by the monitor) are noticed by the machine's code watch and flush the
 * cache, as does a full cache.  A finished block's ops are made cheaper to
 * run (bt_specialise_block).  Running the translations, and chaining
 * blocks to each other, is bt_execute.c's job.
 *
 * Lab 8's regions (lessons/08-bt/README.md): the decision in
 * bt_translate_one and the fix-up in bt_translate_plain.
 */
#include <stdlib.h>
#include <string.h>

#include "bt_internal.h"
#include "disasm.h"

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

void
bt_reset(struct bt_cache *bt)
{
	bt_flush(bt);
	memset(&bt->stats, 0, sizeof bt->stats);
	bt->built_ptbr = bt->built_mmu = 0;
	bt->epoch = 0;
}

void
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

struct bt_block *
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

/* The conditional branch `branch` as a table: bit f is set when it is
 * taken with PSW flags f (SPEC §8.3), as isa_branch_taken answers.  The
 * executor then decides with a shift (bt_branch_taken). */
static uint16_t
bt_taken_when(enum isa_opcode branch)
{
	uint16_t taken = 0;
	for (uint32_t f = 0; f < BT_FLAG_COMBINATIONS; f++)
		if (isa_branch_taken(branch, f << BT_FLAGS_SHIFT))
			taken |= (uint16_t)(1u << f);
	return taken;
}

/* Translate an innocuous or location-dependent instruction (not sensitive,
 * not trapping) by its group; returns true if it ends the block. */
static bool
bt_translate_plain(const struct isa_insn *insn, uint32_t pc, struct bt_op *op,
		   struct bt_block *block)
{
	/* LAB 8: the fix-up: the guest addresses a branch or call (target) and adr (address) mean, from their pc-relative offsets (SPEC §8.2, §8.3) */
	/* STUB: uint32_t target = (uint32_t)insn->imm, address = (uint32_t)insn->imm; */
	uint32_t target = isa_branch_target(pc, insn->imm);
	uint32_t address = pc + ISA_WORD + (uint32_t)insn->imm;
	/* END LAB 8 */
	switch (isa_op_group(insn->op)) {
	case ISA_GROUP_ALU:             /* its own handler, from alu.def */
		op->kind = (uint16_t)insn->op;
		return false;
	case ISA_GROUP_DIVIDE:
		op->kind = BT_DIVIDE;
		return false;
	case ISA_GROUP_COMPARE:
		op->kind = (isa_format_info(isa_op_info(insn->op)->format)->fields & FIELD_IMM16)
			   ? BT_COMPARE_IMM : BT_COMPARE;
		return false;
	case ISA_GROUP_LOAD:
		op->kind = BT_LOAD;
		return false;
	case ISA_GROUP_STORE:
		op->kind = BT_STORE;
		return false;
	case ISA_GROUP_PC_RELATIVE:
		op->kind = BT_LOAD_CONST;
		op->imm = (int32_t)address;
		return false;
	case ISA_GROUP_BRANCH:
		op->kind = insn->op == OP_b ? BT_JUMP : insn->op == OP_call ? BT_CALL : BT_BRANCH;
		op->imm = (int32_t)target;
		block->target[EXIT_TAKEN] = target;
		if (op->kind == BT_BRANCH) {
			op->taken_when = bt_taken_when(insn->op);
			block->target[EXIT_FALLTHROUGH] = pc + ISA_WORD;
		}
		return true;
	case ISA_GROUP_JUMP_REG:
		op->kind = BT_JUMP_REG;
		return true;
	case ISA_GROUP_TRAP:
		op->kind = BT_TRAP;
		return true;
	case ISA_GROUP_SYSTEM:          /* sensitive on every variant: a callout */
		op->kind = BT_CALLOUT;
		return true;
	}
	op->kind = BT_ILLEGAL;
	return true;
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
	op->opcode = (uint8_t)insn.op;
	unsigned cls = isa_class(insn.op, variant);
	if (cls & CLS_TRAP) {
		op->kind = BT_TRAP;
		return true;
	}
	/* LAB 8: the decision: nothing privileged or sensitive on the variant (cls) runs as itself: a callout (BT_CALLOUT; bt_callout_ends_block says if it ends the block), but di and ei inline (BT_SET_IE, imm = the new IE); the rest: bt_translate_plain (SPEC §8.5, §9.1; REFERENCES §5) */
	/* STUB: if (isa_op_group(insn.op) == ISA_GROUP_SYSTEM) { */
	/* STUB: 	op->kind = BT_COPIED; */
	/* STUB: 	return false; */
	/* STUB: } */
	if (cls & (CLS_PRIV | CLS_SENSITIVE)) {
		/* The heart of it: nothing sensitive runs as itself. */
		if (insn.op == OP_di || insn.op == OP_ei) {
			/* Only vcpu.IE changes: done inline.  The block goes
			 * on; the executor leaves after an ei that lets a
			 * pending interrupt in (SPEC §6.3). */
			op->kind = BT_SET_IE;
			op->imm = insn.op == OP_ei;
			return false;
		}
		op->kind = BT_CALLOUT;
		return bt_callout_ends_block(&insn);
	}
	/* END LAB 8 */
	return bt_translate_plain(&insn, pc, op, block);
}

/* Which callouts end their block, so the executor looks again before
 * running more: those that may change the mode, the address space, the
 * timer or the machine's life.  The others are emulated in place and the
 * block goes on.  `wrpsw` goes on unless, run, it lets a pending interrupt
 * in or leaves supervisor mode (checked as it runs, in bt_execute.c).  (di
 * and ei are no callouts at all: BT_SET_IE, inline.) */
bool
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

/* Does the op only write rd (an ALU op, or adr's constant)?  With rd =
 * r0 it then does nothing at all. */
static bool
bt_only_writes_rd(const struct bt_op *op)
{
	return op->kind < OP_COUNT || op->kind == BT_LOAD_CONST;
}

/* Once a block is whole, make its ops cheaper to run — still one op per
 * guest instruction, since the executor counts instructions by ops:
 *   - an op that only writes r0 becomes BT_NOP (writes to r0 are
 *     discarded, SPEC §3.1), so that the executor's ALU handlers never
 *     write r0 and need not put its zero back after every op;
 *   - a compare followed by a conditional branch (SPEC §8.1, §8.3) becomes
 *     one fused op for the executor's fast path, which runs both and sets
 *     the flags exactly as cmp does; the branch op stays as it is, for
 *     when the executor runs a block one checked instruction at a time
 *     (tracing, or a budget that ends between the two). */
static void
bt_specialise_block(const struct bt_block *b)
{
	struct bt_op *ops = b->ops;
	for (uint32_t i = 0; i < b->count; i++) {
		if (bt_only_writes_rd(&ops[i]) && ops[i].rd == ISA_REG_ZERO)
			ops[i].kind = BT_NOP;
		bool branch_next = i + 1 < b->count && ops[i + 1].kind == BT_BRANCH;
		if (branch_next && ops[i].kind == BT_COMPARE)
			ops[i].kind = BT_COMPARE_BRANCH;
		else if (branch_next && ops[i].kind == BT_COMPARE_IMM)
			ops[i].kind = BT_COMPARE_IMM_BRANCH;
	}
}

/* What a block being translated knows lr holds (SPEC §3.1: call writes
 * the return address there): after a call it went on through, until an op
 * that may write lr. */
struct bt_known_lr {
	bool known;
	uint32_t value;
};

/* Can the op write lr?  Only the kinds listed write no register at all;
 * the others write rd (or, callouts, whatever the routine does). */
static bool
bt_may_write_lr(const struct bt_op *op)
{
	switch (op->kind) {
	case BT_COMPARE: case BT_COMPARE_IMM: case BT_STORE: case BT_SET_IE:
	case BT_JUMP_ON: case BT_RETURN_ON:
		return false;
	case BT_DIVIDE: case BT_LOAD: case BT_LOAD_CONST:
		return op->rd == ISA_REG_LR;
	default:
		return op->kind >= OP_COUNT || op->rd == ISA_REG_LR;   /* ALU: rd */
	}
}

static void
bt_track_lr(const struct bt_op *op, struct bt_known_lr *lr)
{
	if (op->kind == BT_CALL_ON)
		*lr = (struct bt_known_lr){ .known = true, .value = op->guest_pc + ISA_WORD };
	else if (bt_may_write_lr(op))
		lr->known = false;
}

static bool
bt_block_has(const struct bt_block *block, uint32_t guest_pc)
{
	for (uint32_t k = 0; k < block->count; k++)
		if (block->ops[k].guest_pc == guest_pc)
			return true;
	return false;
}

/* A block may go on through a jump whose target it knows (SPEC §8.3): `b`,
 * `call`, and a `jr lr` that returns from a call the block went on
 * through, lr unchanged since — rather than end there: fewer chained
 * exits to follow each time it runs (a loop that calls a leaf runs as one
 * block, which chains to itself).  Only to an instruction not yet in the
 * block, so that none is translated twice into one block, and only within
 * the page of the block's first instruction, since that is the page whose
 * mapping the executor checks (bt_still_there).  The op stays in the
 * block, as BT_JUMP_ON, BT_CALL_ON or BT_RETURN_ON: it is a guest
 * instruction, counted, traced, and a place a budget can stop. */
static bool
bt_goes_on_at_target(struct bt_op *op, struct bt_block *block, const struct bt_known_lr *lr,
		     uint32_t *target)
{
	enum bt_kind on;
	if (op->kind == BT_JUMP || op->kind == BT_CALL) {
		*target = (uint32_t)op->imm;
		on = op->kind == BT_CALL ? BT_CALL_ON : BT_JUMP_ON;
	} else if (op->kind == BT_JUMP_REG && op->opcode == OP_jr && op->rs == ISA_REG_LR &&
		   lr->known) {
		*target = lr->value;
		on = BT_RETURN_ON;
	} else {
		return false;
	}
	if (*target / PAGE_SIZE != block->guest_pc / PAGE_SIZE || bt_block_has(block, *target))
		return false;
	op->kind = (uint16_t)on;
	block->target[EXIT_TAKEN] = 0;          /* it is no exit */
	return true;
}

struct bt_block *
bt_translate(struct vm *vm, struct bt_cache *bt, uint32_t guest_pc, struct machine_trap *fault)
{
	if (bt->nblocks == bt->max_blocks || bt->nops + BT_BLOCK_MAX + 1 > bt->max_ops)
		bt_flush(bt);
	bt->stats.misses++;
	struct bt_block *b = &bt->blocks[bt->nblocks];
	*b = (struct bt_block){ .guest_pc = guest_pc, .ops = &bt->ops[bt->nops], .epoch = bt->epoch };
	enum isa_variant variant = machine_variant(vm->virt);
	uint32_t pc = guest_pc;
	struct bt_known_lr lr = { .known = false };
	for (unsigned i = 0; i < BT_BLOCK_MAX; i++) {
		uint32_t pa, word;
		struct machine_walk_words words;
		unsigned cause = machine_translate_watched(vm->virt, pc, ISA_WORD, ACCESS_FETCH, &pa,
							   &words);
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
		if (i == 0) {
			b->guest_pa = pa;
			b->mapped_by = words;
		}
		struct bt_op *op = &bt->ops[bt->nops++];
		b->count++;
		if (bt_translate_one(bt, variant, pc, word, op, b)) {
			if (!bt_goes_on_at_target(op, b, &lr, &pc))
				goto done;
			bt_track_lr(op, &lr);
			continue;
		}
		bt_track_lr(op, &lr);
		pc += ISA_WORD;
		if (pc % PAGE_SIZE == 0)
			break;  /* blocks do not cross pages: fall through to the
				 * next page's first word, which may fault (SPEC §5, §6.2) */
	}
	/* The block ended without a control transfer: fall through. */
	bt->ops[bt->nops++] = (struct bt_op){ .kind = BT_FALLTHROUGH, .imm = (int32_t)pc,
					      .guest_pc = pc };
	b->count++;
	b->target[EXIT_FALLTHROUGH] = pc;
done:
	bt_specialise_block(b);
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
	case BT_SET_IE:
		return BT_INLINE;
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

bool
bt_still_there(struct vm *vm, struct bt_cache *bt, struct bt_block *b)
{
	uint32_t pa;
	if (machine_translate_watched(vm->virt, b->guest_pc, ISA_WORD, ACCESS_FETCH, &pa,
				      &b->mapped_by) == 0 && pa == b->guest_pa) {
		b->epoch = bt->epoch;
		return true;
	}
	b->guest_pc = BT_DEAD;
	return false;
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
			const struct bt_op *op = &b->ops[k];
			if (op->kind == BT_FALLTHROUGH)
				continue;
			char text[96];
			disasm_insn(op->word, op->guest_pc, syms, text, sizeof text);
			const char *tag = op->kind == BT_CALLOUT ? "  [callout]"
					: op->kind == BT_COPIED ? "  [copied: runs deprivileged]"
					: op->kind == BT_SET_IE ? "  [inline]"
					: op->kind == BT_LOAD_CONST || op->kind == BT_JUMP ||
					  op->kind == BT_BRANCH || op->kind == BT_CALL ? "  [fixed up]"
					: op->kind == BT_JUMP_ON || op->kind == BT_CALL_ON ||
					  op->kind == BT_RETURN_ON
					? "  [fixed up, block goes on at its target]" : "";
			callout |= op->kind == BT_CALLOUT;
			if (op->kind == BT_COMPARE_BRANCH || op->kind == BT_COMPARE_IMM_BRANCH)
				tag = "  [fused with the branch]";
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
