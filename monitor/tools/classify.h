/* classify.h — derive every PG32 instruction's Popek–Goldberg class by
 * differential execution on the real machine model: one predicate per
 * definition of P&G 1974 §3 (lessons/REFERENCES.md §1, §2 "Classifier recipe";
 * isa/SPEC.md §9.1), then Theorems 1 and 3 as set inclusions.  Lab 2 uses
 * it; `traplab classify --witnesses` shows it run (monitor/CLASSIFY.md).
 */
#ifndef TRAPLAB_CLASSIFY_H
#define TRAPLAB_CLASSIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "isa.h"
#include "machine.h"

enum {
	CLASSIFY_FLAG_COUNT = 7,         /* P T C Cu M L Lu */
	CLASSIFY_WITNESS_MAX = 240,      /* one line of text per flag */
	CLASSIFY_MAX_SAMPLES = 320,
	CLASSIFY_MAX_PAIRS = 256,
	/* The sample machine: 16 KiB whose contents repeat every
	 * CLASSIFY_PERIOD bytes, so a relocation by a multiple of the period
	 * sees the same "memory under R" (P&G's e|r) without copying. */
	CLASSIFY_MEMORY = 4 * PAGE_SIZE,
	CLASSIFY_PERIOD = 0x400,
};

/* The seven class flags, in the column order of SPEC §8 and opcodes.def. */
struct classify_flag_info {
	unsigned flag;          /* CLS_* */
	const char *name;       /* "PRIV": opcodes.def's spelling, used in JSON */
	const char *column;     /* "P": the SPEC §8 column heading */
	const char *meaning;    /* "privileged" */
};
extern const struct classify_flag_info classify_flags[CLASSIFY_FLAG_COUNT];

/* One sampled machine state: P&G's S = <E, M, P, R> plus the devices.
 * E is the periodic memory image (the same for every sample); M is
 * (PSW.S, PSW.IE); P is cpu.pc; R is (rbase, rbound), or ptbr with paging. */
struct classify_sample {
	struct cpu_state cpu;
	uint32_t timer_interval;    /* 0 = timer stopped */
	bool timer_pending;
	bool console_input;         /* a byte of console input is waiting */
	bool edge;                  /* one of the fixed edge states (always tried) */
};

/* Two samples that differ in exactly one thing. */
enum classify_pair_kind {
	PAIR_FLIP_S,     /* only PSW.S differs: privileged, always-traps, mode-sensitive */
	PAIR_FLIP_IE,    /* only PSW.IE differs (IE is part of M): mode-sensitive */
	PAIR_SHIFT_R,    /* R shifted by x, same mode, same memory under R: location-sensitive */
};
struct classify_pair {
	uint16_t a, b;              /* indexes into classify_plan.samples */
	enum classify_pair_kind kind;
};

/* Every state every instruction is run from: the edge states first, then
 * states from a fixed-seed generator, so every run gives the same answer. */
struct classify_plan {
	struct classify_sample samples[CLASSIFY_MAX_SAMPLES];
	size_t nsamples;
	struct classify_pair pairs[CLASSIFY_MAX_PAIRS];
	size_t npairs;
};
void classify_plan_build(struct classify_plan *plan);

/* What was derived for one instruction on one variant. */
struct classify_op_result {
	unsigned derived;           /* CLS_* found by running it */
	unsigned declared;          /* isa_class(): only for comparing, never used to derive */
	unsigned instances;         /* encodings tried */
	/* Per flag (classify_flags order): the witness that proved it, or for
	 * P and T a counterexample, or "no witness found". */
	char witness[CLASSIFY_FLAG_COUNT][CLASSIFY_WITNESS_MAX];
};

struct classify_result {
	enum isa_variant variant;
	size_t samples;             /* states per instruction encoding */
	uint64_t trials;            /* single instructions run */
	struct classify_op_result ops[OP_COUNT];
};

/* Classify every opcode of `variant` (plan NULL: build the standard plan).
 * Returns 0, or -1 with a message in err (no machine, a bad encoding). */
int classify_run(enum isa_variant variant, const struct classify_plan *plan,
		 struct classify_result *out, char *err, size_t errlen);

/* opcodes.def's class column for `variant`, as an expectation table. */
void classify_declared_table(enum isa_variant variant, unsigned table[OP_COUNT]);

/* Opcodes whose derived class differs from expected[]; returns how many,
 * writing them (in opcode order) to out, which has room for OP_COUNT. */
size_t classify_mismatches(const struct classify_result *r, const unsigned expected[OP_COUNT],
			   enum isa_opcode out[OP_COUNT]);

/* Theorem 1 (P&G): sensitive ⊆ privileged; Theorem 3: user-sensitive ⊆
 * privileged.  Returns how many derived-`mask` instructions are not
 * derived-privileged, writing them (in opcode order) to out. */
#define CLASSIFY_THEOREM1_MASK CLS_SENSITIVE
#define CLASSIFY_THEOREM3_MASK CLS_USER_SENSITIVE
size_t classify_theorem_breakers(const struct classify_result *r, unsigned mask,
				 enum isa_opcode out[OP_COUNT]);

/* "PRIV|CTRL"-style names of a flag set into buf ("-" for none). */
void classify_flags_format(unsigned flags, const char *sep, char *buf, size_t len);

#endif /* TRAPLAB_CLASSIFY_H */
