/* rig.h — the test rig the machine suites share: a machine with a recording
 * trap hook, the CPU state a run starts from and the state it ended in, and
 * small helpers to put code and data in physical memory, build page tables,
 * capture the console and check with a message.  Used by tests/machine/
 * test_privilege.c, test_semantics.c, test_traps.c, test_trap_hook.c,
 * test_memory.c and test_timer.c (isa/SPEC.md is what they test; this file
 * only sets up).
 *
 * A test's life:
 *     struct rig r;
 *     rig_open(&r, ISA_STRICT);              (or rig_open_config for more)
 *     rig_put(&r, RIG_PC, ENC(RRI(addi, 1, 1, 1)));
 *     r.s.r[2] = ...;                        (r.s is the starting state)
 *     rig_run(&r, budget);                   (r.out, r.reason, r.trap[], r.ntraps)
 *     CHECKF(r.out.r[1] == 1, "r1 = %u", r.out.r[1]);
 *     rig_close(&r);
 *
 * The trap hook rig_open() installs records each trap in r.trap[] and by
 * default answers TRAP_STOP; r.deliver_timer and r.action[]
 * change the answer to TRAP_DELIVER where a test wants the guest's handler
 * to run (see struct rig).  A test of the bare machine removes it with
 * machine_set_trap_hook(r.m, NULL, NULL).  (ARRAY_SIZE is isa.h's.)
 *
 * Each helper below says how many CUnit assertions it makes: the suites'
 * assertion totals are part of what they promise, so keep those counts. */
#ifndef TRAPLAB_TESTS_MACHINE_RIG_H
#define TRAPLAB_TESTS_MACHINE_RIG_H

#include <CUnit/CUnit.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "isa.h"
#include "machine.h"

enum {
	RIG_MEMORY = 64 * 1024,   /* default physical memory size */
	RIG_PC = 0x100,           /* where rig_open() puts the pc (supervisor code) */
	RIG_MAX_TRAPS = 16,       /* traps recorded per run (more are only counted) */
	RIG_MAX_ACTIONS = 4,
	RIG_CONSOLE = 64,         /* console bytes captured (the last one stays NUL) */
};

/* What differs between suites' rigs; zero fields take the defaults. */
struct rig_config {
	enum isa_variant variant;  /* ISA_STRICT is 0 */
	uint32_t memory_size;      /* bytes; 0: RIG_MEMORY */
	uint32_t tvec;             /* s.cr[CR_tvec] at open; 0: none */
	uint32_t brk_below;        /* fill physical [0, brk_below) with brk; 0: no fill */
	bool console;              /* capture console output in r->console */
	uint32_t pt_l1;            /* rig_map(): physical address of the level-1 table */
	uint32_t l2_pool;          /* rig_map(): where level-2 tables are allocated */
};

struct rig {
	struct machine *m;
	uint32_t memory_size;
	struct cpu_state s;        /* the state rig_run() starts from */
	struct cpu_state out;      /* ... and the state it ended in */
	enum machine_stop_reason reason;   /* what machine_run() returned */

	/* What the hook saw in the last rig_run() (or since the last reset of
	 * ntraps): trap i and machine_retired() when it came. */
	struct machine_trap trap[RIG_MAX_TRAPS];
	uint64_t retired_at[RIG_MAX_TRAPS];
	unsigned ntraps;

	/* How the hook answers, in this order: TRAP_DELIVER for
	 * a TIMER trap while deliver_timer > 0 (counting it down); action[i] for
	 * trap number i (past the end, the last one) if nactions > 0; else
	 * TRAP_STOP. */
	unsigned deliver_timer;
	enum machine_trap_action action[RIG_MAX_ACTIONS];
	unsigned nactions;

	/* rig_map()'s page-table builder. */
	uint32_t pt_l1;
	uint32_t next_l2;

	/* Console output, when the config asked for it. */
	char console[RIG_CONSOLE];
	size_t console_len;
};

/* Create a machine of variant `v` with RIG_MEMORY bytes, the recording hook
 * installed, and r->s = supervisor mode at RIG_PC with rbound = memory size
 * (everything else zero).  Asserts (fatally) that the machine was created. */
void rig_open(struct rig *r, enum isa_variant v);

/* The same with the choices of `cfg` (see struct rig_config).  The brk fill,
 * if asked for, is one more fatal assertion. */
void rig_open_config(struct rig *r, const struct rig_config *cfg);

/* Load r->s into the machine without running it (for machine_translate). */
void rig_apply(struct rig *r);

/* Reset ntraps, load r->s, run up to `budget` instructions, store the stop
 * reason in r->reason and the final state in r->out. */
void rig_run(struct rig *r, uint64_t budget);

/* Did the last run stop on exactly one trap, a brk (and where: *where = its
 * epc when where is not NULL)? */
bool rig_ended_at_brk(const struct rig *r, uint32_t *where);

/* Destroy the machine. */
void rig_close(struct rig *r);

/* Encode one instruction (isa_encode by value). */
uint32_t rig_enc(struct isa_insn in);

/* Write one word at physical `pa` (one fatal assertion). */
void rig_put(struct rig *r, uint32_t pa, uint32_t word);

/* Write `n` words at physical `pa` in one go (one fatal assertion). */
void rig_put_words(struct rig *r, uint32_t pa, const uint32_t *words, size_t n);

/* Read the word at physical `pa` (one assertion; 0 if it fails). */
uint32_t rig_get(struct rig *r, uint32_t pa);

/* Encode and write a program at `pa`, one rig_put per instruction; trailing
 * all-zero entries (add r0, r0, r0) are table padding and are left out. */
void rig_code(struct rig *r, uint32_t pa, const struct isa_insn *prog, size_t n);

/* Map the 4 KiB page at `va` to the level-2 entry `leaf` in the tables at
 * r->pt_l1, allocating a level-2 table from r->next_l2 on first use of a
 * level-1 slot.  One rig_get, then one or two rig_put. */
void rig_map(struct rig *r, uint32_t va, uint32_t leaf);

/* CU_ASSERT with a printf-style message naming the case, so a failure inside
 * a loop says which row it was. */
#define CHECKF(cond, ...) do {                                               \
		char msg_[240];                                               \
		bool ok_ = (cond);                                            \
		msg_[0] = '\0';                                               \
		if (!ok_)                                                     \
			snprintf(msg_, sizeof msg_, __VA_ARGS__);             \
		CU_assertImplementation(ok_, __LINE__, msg_, __FILE__, "", CU_FALSE); \
	} while (0)

/* Instruction initializers, by format (SPEC §7.1), for tables of struct
 * isa_insn; ENC(...) of one is its encoded word. */
#define RRR(o, d, s, t)   { .op = OP_##o, .rd = (d), .rs = (s), .rt = (t) }
#define RRI(o, d, s, i)   { .op = OP_##o, .rd = (d), .rs = (s), .imm = (i) }
#define RUI(o, d, i)      { .op = OP_##o, .rd = (d), .imm = (i) }
#define MEMI(o, d, i, s)  { .op = OP_##o, .rd = (d), .rs = (s), .imm = (i) }
#define CMP(s, t)         { .op = OP_cmp, .rs = (s), .rt = (t) }
#define CMPI(s, i)        { .op = OP_cmpi, .rs = (s), .imm = (i) }
#define BR(o, off)        { .op = OP_##o, .imm = (off) }
#define R1(o, s)          { .op = OP_##o, .rs = (s) }
#define D1(o, d)          { .op = OP_##o, .rd = (d) }
#define NONE(o)           { .op = OP_##o }
#define MFCR(d, cr)       { .op = OP_mfcr, .rd = (d), .rs = (cr) }
#define MTCR(cr, s)       { .op = OP_mtcr, .rd = (cr), .rs = (s) }
#define IN(d, port)       { .op = OP_in, .rd = (d), .imm = (port) }
#define OUT(port, s)      { .op = OP_out, .rs = (s), .imm = (port) }
#define ENC(...)          rig_enc((struct isa_insn)__VA_ARGS__)

#endif
