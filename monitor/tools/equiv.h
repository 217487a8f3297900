/* equiv.h — Popek and Goldberg's equivalence property, checked bit for bit:
 * run a guest bare and under a monitor mode and compare everything the guest
 * can observe; on a difference, find the first instruction where the two
 * runs part (REFERENCES §2, D1–D7; Labs 3, 6, 7).
 */
#ifndef TRAPLAB_EQUIV_H
#define TRAPLAB_EQUIV_H

#include <signal.h>
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
	/* Control-C (the monitor's `equiv`): when not NULL, runs go in slices
	 * of EQUIV_INTERRUPT_SLICE instructions, and once *interrupted is set
	 * the check stops with -1 and "interrupted" in err, between probes of
	 * the search or inside a long run */
	const volatile sig_atomic_t *interrupted;
};
enum { EQUIV_INTERRUPT_SLICE = 100000 };

/* When no budget is given.  A monitor mode that is equivalent retires
 * exactly bare's guest instructions, so one still running after twice as
 * many has gone astray: that ends it quickly (a runaway minios under trap
 * on legacy would otherwise spin through millions of exits), while the
 * report still shows it ran on.  A guest compared with a reference (a
 * paravirtual one) legitimately runs a different count: more room. */
#define EQUIV_AUTO_BUDGET(bare_instructions) (2 * (bare_instructions) + UINT64_C(1000))
#define EQUIV_REFERENCE_BUDGET(reference_instructions) \
	(20 * (reference_instructions) + UINT64_C(1000000))

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

/* The verdict.  Two runs are equivalent only when both ended by themselves
 * (power-off, an unhandled trap, halted forever) in the same way with the
 * same everything.  When the budget stopped the bare run, every mode is
 * compared after that same number of guest instructions (SPEC §12), and
 * no difference there is no verdict: inconclusive, never equivalent. */
struct equiv_result {
	bool equivalent;
	bool inconclusive;             /* the same up to the budget, which ended both */
	struct equiv_run run;          /* the mode's run */
	struct equiv_divergence divergence;   /* when neither of the above */
	/* equiv_check_reference() only: the runs compared are of two guests */
	bool by_reference;
};

/* Did the run end by itself (not by the budget)? */
bool equiv_run_finished(const struct equiv_run *run);
/* The budget for the monitor modes after the bare run `bare`, made with
 * `bare_budget`: EQUIV_AUTO_BUDGET when bare finished (by_reference: bare
 * was the reference's run, EQUIV_REFERENCE_BUDGET), else the same budget,
 * so that every run stops at the same guest instruction. */
uint64_t equiv_mode_budget(const struct equiv_run *bare, uint64_t bare_budget, bool by_reference);

/* Run the reference (bare) once; returns 0, or -1 with a message. */
int equiv_run_bare(const struct equiv_config *cfg, struct equiv_run *bare,
		   char *err, size_t errlen);
/* Run `mode`, compare with `bare`, and locate the first divergence. */
int equiv_check(const struct equiv_config *cfg, enum vm_mode mode,
		struct equiv_result *out, char *err, size_t errlen);
/* A paravirtual guest cannot run bare (its hcalls trap there): compare its
 * run under `mode` with an unmodified reference guest's bare run, by what
 * both can show — the console output and how the run ended. */
int equiv_check_reference(const struct equiv_config *cfg, enum vm_mode mode,
			  const uint8_t *ref_image, size_t ref_size,
			  struct equiv_result *out, char *err, size_t errlen);
/* A guest whose run stopped on a HYPERCALL trap that nobody served: the pc
 * of that hcall in *pc, and true (the guest needs a PV monitor). */
bool equiv_died_on_hcall(const struct equiv_run *run, uint32_t *pc);
void equiv_run_free(struct equiv_run *run);
/* Two or four lines for people: the verdict, and where and why it parted. */
void equiv_print_result(FILE *out, const struct equiv_result *r);

#endif
