/* fuzzgen_internal.h — what the generator's two files share (fuzzgen.h is
 * the interface): the guest's memory layout, the register roles, a body of
 * code being emitted with its forward fix-ups, and the emitters.
 * fuzzgen.c builds a whole guest (boot, page tables, user entry) and the
 * hostile ones; fuzzgen_emit.c writes the random constructs.  Labs 3–8
 * graders run what they make (traplab fuzz).
 *
 * Every draw from the random source is part of the seed's meaning: moving
 * one, or reordering two inside one expression, makes every seed another
 * guest.  So each draw is its own statement, in the order the original
 * generator (tests/monitor/test_fuzz.c) made them, and a test holds the
 * images of a few seeds to their recorded checksums.
 */
#ifndef TRAPLAB_FUZZGEN_INTERNAL_H
#define TRAPLAB_FUZZGEN_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "fuzzgen.h"
#include "isa.h"

/* The guest's layout, guest-physical (paging maps it 1:1; SPEC §5). */
enum {
	KCODE = 0x0000,       /* boot, then the random kernel body */
	KCODE_END = 0x1f00,
	PATCHF = 0x1f00,      /* a two-word function the kernel rewrites: insn; jr lr */
	HANDLER1 = 0x2000,    /* the trap handler (paging: a read-only page) */
	HANDLER2 = 0x2400,    /* a second one (without the PATCHF call), for mtcr tvec */
	HANDLER_SIZE = 0x400,
	TRAPLOG = 0x3000,     /* trap count, then 16 records of cause, epc, badaddr, epsw */
	KDATA = 0x3400,       /* kernel data the random kernel code uses */
	L1_TABLE = 0x4000,
	L2_TABLE = 0x5000,
	UCODE = 0x6000,       /* user code (relocation: user virtual 0) */
	UDATA = 0x7000,
	U_RO = 0x8000,        /* user read-only */
	U_NX = 0x9000,        /* user, not executable */
	HOLE = 0xa000,        /* not mapped */
	K_ONLY = 0xb000,      /* supervisor-only data */
	L1_TABLE2 = 0xc000,   /* a second address space: the same kernel, */
	L2_TABLE2 = 0xd000,   /* user data and ALT_DATA swapped */
	ALT_DATA = 0xe000,
	ALT_FUNC = 0xef00,    /* a second PATCHF-like function, in ALT_DATA */
	ALIAS_FUNC = 0xff00,  /* paging: PATCHF or ALT_FUNC, as page 15 maps */
	ALIAS_PAGE = ALIAS_FUNC / PAGE_SIZE,
	MAPPED_PAGES = 17,    /* page 16 maps a frame beyond memory (MEMORY fault) */
	BEYOND_MEMORY = 0x80000,   /* that frame: past FUZZGEN_MEMORY (SPEC §2) */
	EDGE_GAP = 0x10,      /* r11 points this far below the end of the space */
};

/* Register roles: r10 is the data base, r11 a base near the end of the
 * address space, r12/r13 belong to the trap handler, r7 counts loops and
 * r8/r9 are the scratch of multi-word constructs; r1..r6 are the registers
 * a loop or a patched instruction may write (LOOP_RD_MAX). */
enum {
	REG_LOOP = 7, REG_S1 = 8, REG_S2 = 9, REG_BASE = 10, REG_EDGE = 11,
	REG_H1 = 12, REG_H2 = 13,
	LOOP_RD_MAX = 6,
};
extern const uint8_t fz_writable_regs[11];

/* Ports (SPEC §10): the devices', and some no device owns. */
enum {
	PORT_CONSOLE_DATA = 0x00, PORT_CONSOLE_STATUS = 0x01,
	PORT_TIMER_INTERVAL = 0x10, PORT_TIMER_COUNT = 0x11, PORT_TIMER_ACK = 0x12,
	PORT_POWER_OFF = 0x20,
};

/* ---- random numbers (fuzzgen.c) ---- */
static inline uint32_t
fz_rnd(struct fuzzgen_rng *r)
{
	return fuzzgen_random(r);
}

static inline uint32_t
fz_below(struct fuzzgen_rng *r, uint32_t n)
{
	return fuzzgen_below(r, n);
}

/* true `percent` times in a hundred */
bool fz_chance(struct fuzzgen_rng *r, unsigned percent);

/* ---- a body of code, with forward fix-ups (fuzzgen.c) ---- */
enum { MAX_MARKS = 4096, MAX_FIXES = 2048 };

struct fz_fixup {
	uint32_t pa;
	enum isa_opcode op;       /* a branch (FMT_BR) or adr */
	uint8_t rd;
	unsigned mark;            /* which construct it lands on */
};

/* A stretch of code: a construct starts at each mark, and branches and
 * computed jumps only ever go forward to a later mark, so runs end. */
struct fz_body {
	uint32_t *img;
	uint32_t pa, end;
	uint32_t va_minus_pa;     /* virtual = physical + this (relocated user code) */
	bool sup;
	uint32_t marks[MAX_MARKS];
	unsigned nmarks;
	struct fz_fixup fix[MAX_FIXES];
	unsigned nfix;
};

uint32_t fz_enc(enum isa_opcode op, unsigned rd, unsigned rs, unsigned rt, int32_t imm);
uint32_t fz_va_of(const struct fz_body *b, uint32_t pa);
void fz_put(struct fz_body *b, uint32_t word);
void fz_mark(struct fz_body *b);
void fz_put_forward(struct fz_body *b, enum isa_opcode op, unsigned rd, unsigned ahead);
void fz_resolve(struct fz_body *b);
void fz_put_const(struct fz_body *b, unsigned rd, uint32_t v);

/* ---- the guest being generated ---- */
struct fz_guest {
	struct fuzzgen_rng rng;
	uint32_t *img;            /* FUZZGEN_MAX_WORDS words */
	bool paging;              /* two-level paging from boot on */
	bool timer;               /* the timer runs from boot on */
	bool user_srr;            /* user code may run srr (then legacy is not checked) */
	bool pt_writable;         /* paging: the kernel edits its page tables as it runs */
	bool user_sees_kernel;    /* relocation with rbase 0: user code can patch PATCHF */
	enum vm_placement placement;
	unsigned trap_limit;      /* K: the handler powers off at the K-th trap */
	uint32_t rbound;          /* the user region's bound (relocation) */
	uint32_t u_va;            /* virtual address of UCODE in user mode */
};

/* ---- the emitters (fuzzgen_emit.c) ---- */
uint32_t fz_rand_value(struct fuzzgen_rng *r);
uint32_t fz_gen_operands(struct fuzzgen_rng *r, enum isa_opcode op, unsigned rd_max);
uint32_t fz_gen_simple(struct fz_guest *g, bool sup, unsigned rd_max, bool quiet);
void fz_emit_body(struct fz_guest *g, struct fz_body *b, unsigned extra);
void fz_emit_handler(struct fz_guest *g, uint32_t at, uint32_t fn);

#endif
