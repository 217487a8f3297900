/* bt.h — binary translation of the guest kernel (Lab 8): the translation
 * cache, its figures, and its picture.  bt_translate.c translates,
 * bt_execute.c runs the translations; bt_internal.h is what they share. */
#ifndef TRAPLAB_BT_H
#define TRAPLAB_BT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "isa.h"
#include "symbols.h"

struct bt_stats {
	uint64_t blocks_translated;       /* blocks put into the translation cache */
	uint64_t instructions_translated; /* guest instructions translated */
	uint64_t translated_instructions; /* guest instructions executed from the cache */
	uint64_t lookups;                 /* block look-ups by guest PC */
	uint64_t hits, misses;            /* ... found, or translated anew */
	uint64_t chained;                 /* exits patched to lead straight to a block */
	uint64_t chain_jumps;             /* exits that followed a chain, no look-up */
	uint64_t flushes;                 /* the whole cache discarded */
	uint64_t invalidations;           /* ... because translated guest code was written */
	uint64_t callouts;                /* sensitive instructions run by the monitor */
	uint64_t callouts_by_op[OP_COUNT];
};

struct bt_cache;
struct vm;

/* max_blocks: the cache's size (0 = the default); chaining: patch block
 * exits to lead straight to the next block. */
struct bt_cache *bt_create(uint32_t max_blocks, bool chaining);
void bt_destroy(struct bt_cache *bt);
/* Empty it, as bt_create left it (no blocks, no figures): the cache of a VM
 * reloaded with a new guest, which keeps its allocation. */
void bt_reset(struct bt_cache *bt);
/* Run virtual-supervisor code from the translation cache for at most
 * `budget` guest instructions; returns when the guest leaves supervisor
 * mode, a virtual interrupt is due, the budget is spent or the guest ends. */
void bt_execute(struct vm *vm, uint64_t budget);
void bt_get_stats(const struct bt_cache *bt, struct bt_stats *out);
/* The cache as a Graphviz digraph: blocks as nodes, chains as edges,
 * blocks with callouts in red. */
void bt_write_dot(const struct bt_cache *bt, const struct symtab *syms, FILE *out);

/* How the translator treats one guest instruction word on a variant. */
enum bt_treatment {
	BT_AS_ITSELF,      /* innocuous: copied */
	BT_FIXED_UP,       /* location-dependent: branch, call, jump, adr */
	BT_AS_CALLOUT,     /* sensitive or privileged: the monitor runs it */
	BT_INLINE,         /* sensitive, emulated by the translation itself on the
			    * vCPU, no callout: di, ei (vcpu.IE := 0/1) */
	BT_AS_TRAP,        /* sys, brk, hcall, or a word that does not decode */
};
enum bt_treatment bt_treatment_of(enum isa_variant variant, uint32_t word);

#endif
