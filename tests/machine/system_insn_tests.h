/* system_insn_tests.h — what test_semantics.c and test_system_insns.c share
 * (the "machine: semantics" suite, Labs 1–2): the filled rig, and the
 * system-instruction tests the suite's table lists. */
#ifndef TRAPLAB_TESTS_MACHINE_SYSTEM_INSN_TESTS_H
#define TRAPLAB_TESTS_MACHINE_SYSTEM_INSN_TESTS_H

#include "rig.h"

enum {
	RIG_CODE_END = 0x1000,    /* [0, RIG_CODE_END) is filled with brk */
	RIG_DATA = 0x2000,
	RIG_MAX_PROG = 8,
};

/* The shared rig with [0, RIG_CODE_END) filled with brk, so every program
 * ends at a brk the hook stops on. */
void open_filled(struct rig *r, enum isa_variant v);

void test_system_instructions_and_variant_holes(void);
void test_srr_returns_ptbr_with_paging_on(void);
void test_mtcr_mfcr_round_trip_and_masking(void);

#endif
