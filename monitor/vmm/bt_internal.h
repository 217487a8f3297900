/* bt_internal.h — the inside of binary translation (Lab 8), shared by its
 * two halves: bt_translate.c (the translation cache: look-up, translation,
 * invalidation, its picture) and bt_execute.c (running translated code).
 * Outside them, bt.h is the whole interface.
 */
#ifndef TRAPLAB_BT_INTERNAL_H
#define TRAPLAB_BT_INTERNAL_H

#include "bt.h"
#include "vm_internal.h"

enum {
	BT_BLOCK_MAX = 24,          /* guest instructions per block */
	BT_CACHE_OPS = 16384,       /* ops the cache holds before it is flushed */
	BT_CACHE_BLOCKS = 2048,
	BT_HASH_SIZE = 1024,        /* buckets, a power of two */
};

/* What a translated op does.  An innocuous register-only op (isa/alu.def)
 * is its opcode itself, so the executor has one handler per ALU
 * instruction; every other op is one of the translator's own kinds, with
 * the guest's opcode in bt_op.opcode where the kind needs it. */
enum bt_kind {
	BT_DIVIDE = OP_COUNT,       /* div, divu, rem, remu: as themselves, may trap */
	BT_COMPARE,                 /* cmp: flags from two registers */
	BT_COMPARE_IMM,             /* cmpi: flags from a register and the immediate */
	BT_LOAD,                    /* a load, as itself (size and widening by opcode) */
	BT_STORE,                   /* a store, as itself; watches for code being written */
	BT_LOAD_CONST,              /* adr, fixed up: rd := the address it meant */
	BT_JUMP,                    /* b: leave to target */
	BT_BRANCH,                  /* conditional: leave to target or fall through */
	BT_CALL,                    /* lr := guest return address; leave to target */
	BT_JUMP_REG,                /* jr, callr: leave to a register (look-up) */
	BT_SET_IE,                  /* di, ei: vcpu.IE := imm, inline (no callout);
				     * ei leaves if it lets a pending interrupt in */
	BT_CALLOUT,                 /* sensitive: the monitor emulates it; leave */
	BT_TRAP,                    /* sys, brk, hcall: retire and trap; leave */
	BT_ILLEGAL,                 /* a word that does not decode: trap; leave */
	BT_FALLTHROUGH,             /* the block ends without a branch: leave */
	BT_COPIED,                  /* a system instruction copied as itself, as a
				     * translator that missed it would: it runs as
				     * deprivileged code runs it (bt_execute.c,
				     * do_copied).  The translator never makes one;
				     * Lab 8's handout does, until the student's
				     * decision (bt_translate_one) is written */
	/* Kinds bt_specialise_block gives ops once their block is whole: */
	BT_NOP,                     /* an ALU op or adr whose rd is r0: no effect, since
				     * writes to r0 are discarded (SPEC §3.1) */
	BT_COMPARE_BRANCH,          /* cmp whose next op is a conditional branch: */
	BT_COMPARE_IMM_BRANCH,      /* ... or cmpi: both in one dispatch (the branch op
				     * stays, for running one instruction at a time) */
	/* Kinds of jumps through which the block goes on at their target
	 * (bt_translate.c, bt_goes_on_at_target): no exit. */
	BT_JUMP_ON,                 /* b: nothing more to do */
	BT_CALL_ON,                 /* call: lr := guest return address */
	BT_RETURN_ON,               /* jr lr, returning from a BT_CALL_ON in the
				     * block: nothing more to do */
	BT_KINDS
};

/* The PSW's flags Z, N, C, V are its bits 4-7 (SPEC §3.2): shifted down,
 * a number below BT_FLAG_COMBINATIONS, which picks a bit of a conditional
 * branch's taken_when. */
enum { BT_FLAGS_SHIFT = 4, BT_FLAG_COMBINATIONS = 16 };
_Static_assert(PSW_FLAGS >> BT_FLAGS_SHIFT == BT_FLAG_COMBINATIONS - 1,
	       "the flags are four adjacent PSW bits");

/* Exits, for chaining: where a block can go next without a look-up.  An
 * indirect exit (jr, callr) has no fixed target; its chain slot caches the
 * block it went to last, used when the guest goes there again (returns
 * usually do). */
enum { EXIT_TAKEN, EXIT_FALLTHROUGH, EXIT_INDIRECT, EXITS };

/* 32-byte aligned, so that its size is a power of two and counting the ops
 * run (`op - first`, as the executor does at every block exit) is a shift,
 * not a division. */
struct __attribute__((aligned(32))) bt_op {
	uint16_t kind;              /* an ALU opcode or enum bt_kind */
	uint8_t rd, rs, rt;
	uint8_t opcode;             /* the guest instruction's opcode */
	uint16_t taken_when;        /* conditional branch: bit f set when it is taken
				     * with flags f (isa_branch_taken, tabulated) */
	int32_t imm;                /* operand; for exits and adr: the guest address */
	uint32_t guest_pc;
	uint32_t word;              /* the guest instruction (callouts, traps) */
};

struct bt_block {
	uint32_t guest_pc;          /* BT_DEAD once its code has moved away */
	uint32_t guest_pa;          /* where its code was, guest-physical */
	uint32_t epoch;             /* the address-space epoch it was checked in */
	struct machine_walk_words mapped_by;  /* the page-table entries its page was found through */
	struct bt_op *ops;          /* its ops, in the cache's array ... */
	uint32_t count;             /* ... this many */
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
	uint64_t pt_changes;              /* machine_page_table_changes() as last seen */
	struct bt_stats stats;
};

/* Is the conditional branch `op` taken with these PSW flags?  One shift
 * and mask instead of isa_branch_taken's switch, with the same answers
 * (bt_translate.c tabulates them from it). */
static inline bool
bt_branch_taken(const struct bt_op *op, uint32_t psw)
{
	return (op->taken_when >> ((psw & PSW_FLAGS) >> BT_FLAGS_SHIFT)) & 1u;
}

/* A block whose code is no longer at its address (another address space
 * maps something else there): no guest PC is misaligned, so none matches. */
#define BT_DEAD 0xffffffffu

/* bt_translate.c: the cache. */
void bt_flush(struct bt_cache *bt);
struct bt_block *bt_lookup(struct bt_cache *bt, uint32_t guest_pc);
/* Translate the block at guest_pc.  Returns NULL with *fault set when even
 * its first instruction cannot be fetched (the guest takes that fault). */
struct bt_block *bt_translate(struct vm *vm, struct bt_cache *bt, uint32_t guest_pc,
			      struct machine_trap *fault);
/* Does this callout end its block (the executor must look again)? */
bool bt_callout_ends_block(const struct isa_insn *insn);
/* Since the address space may have changed: is the block's code still
 * where the block's guest PC now leads?  If not, the block is dead. */
bool bt_still_there(struct vm *vm, struct bt_cache *bt, struct bt_block *b);

#endif /* TRAPLAB_BT_INTERNAL_H */
