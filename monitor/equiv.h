/* equiv.h — Popek and Goldberg's equivalence property, checked bit for bit:
 * run a guest bare and under a monitor mode and compare everything the guest
 * can observe; on a difference, find the first instruction where the two
 * runs part (REFERENCES §2, D1–D7; Labs 3, 6, 7).
 */
#ifndef TRAPLAB_EQUIV_H
#define TRAPLAB_EQUIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "machine.h"
#include "vm.h"

struct equiv_config {
	const uint8_t *image;
	size_t image_size;
	enum isa_variant variant;
	uint32_t guest_memory;
	enum vm_placement placement;
	uint64_t budget;               /* guest instructions per run */
};

/* When no budget is given: enough for any mode that behaves like bare (a
 * monitor mode retires exactly bare's guest instructions when it is
 * equivalent), and a quick end for one that has gone astray. */
#define EQUIV_AUTO_BUDGET(bare_instructions) (20 * (bare_instructions) + UINT64_C(1000000))

/* One complete run, as the guest would see its results. */
struct equiv_run {
	enum vm_mode mode;
	char *output;                  /* console bytes, NUL-terminated */
	size_t output_len;
	struct cpu_state state;        /* final state as the guest believes it */
	struct machine_stop_info stop;
	struct vm_stats stats;
	double host_seconds;
};

struct equiv_divergence {
	uint64_t instruction;          /* 1-based: the n-th guest instruction */
	uint32_t pc;                   /* where it was (guest virtual) */
	uint32_t word;                 /* the instruction */
	char insn_text[96];            /* disassembled */
	unsigned cls;                  /* its CLS_* flags on the variant */
	char what[256];                /* what differed first, bare vs mode */
	char why[256];                 /* the Popek–Goldberg reason, in words */
};

struct equiv_result {
	bool equivalent;
	struct equiv_run run;          /* the mode's run */
	struct equiv_divergence divergence;   /* when !equivalent */
};

/* Run the reference (bare) once; returns 0, or -1 with a message. */
int equiv_run_bare(const struct equiv_config *cfg, struct equiv_run *bare,
		   char *err, size_t errlen);
/* Run `mode`, compare with `bare`, and locate the first divergence. */
int equiv_check(const struct equiv_config *cfg, enum vm_mode mode,
		struct equiv_result *out, char *err, size_t errlen);
void equiv_run_free(struct equiv_run *run);
/* Two or four lines for people: the verdict, and where and why it parted. */
void equiv_print_result(FILE *out, const struct equiv_result *r);

#endif
