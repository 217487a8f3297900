/* fuzzgen.h — the differential fuzzer's guest generator: from a seed, a PG32
 * guest encoded with isa_encode, the same guest for the same seed on every
 * machine and in every release.  Two kinds: valid random kernels with a
 * user program (every opcode in both modes, paging or relocation, timer
 * interrupts, self-modifying code), which every monitor mode that has no
 * excuse must run bit for bit like bare; and hostile supervisor-mode
 * garbage, which every mode must survive.  `traplab fuzz` and
 * tests/monitor/test_fuzz.c use it, and through them the graders of Labs
 * 3–8 (trap, shadow paging, hybrid, bt): guests made at grading time.
 */
#ifndef TRAPLAB_FUZZGEN_H
#define TRAPLAB_FUZZGEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "isa.h"
#include "symbols.h"
#include "vm.h"

/* Every generated guest is laid out in 64 KiB of guest memory: small
 * enough that the edges of memory (SPEC §2: MEMORY past the end) are a
 * few instructions away from the code, and that a whole guest fits in one
 * image the size of its memory. */
enum {
	FUZZGEN_MEMORY = 64 * 1024,
	FUZZGEN_MAX_WORDS = FUZZGEN_MEMORY / ISA_WORD,
	/* a hostile guest gets a quarter of this memory, one time in four */
	FUZZGEN_HOSTILE_SMALL_MEMORY = 16 * 1024,
};

/* The budgets, in guest instructions, for the bare run and every mode's.
 * A valid guest powers off at its K-th trap (K < 400; a handler is a few
 * dozen instructions, and every loop is bounded): seeds 1-300 take 3 600
 * to 14 400 on bare, so 400 000 is ample, and a mode that has gone astray
 * still ends soon.  Garbage may loop for ever; 20 000 keeps a check fast,
 * and a run the budget stops is compared there (SPEC §12) and judged
 * inconclusive, not wrong. */
#define FUZZGEN_GUEST_BUDGET   UINT64_C(400000)
#define FUZZGEN_HOSTILE_BUDGET UINT64_C(20000)

/* What a guest drew, for coverage accounting and for people.  The order is
 * the order fuzzgen_describe() names them in. */
enum fuzzgen_feature {
	FUZZGEN_PAGING = 1u << 0,           /* two-level paging from boot on (SPEC §5.2); else relocation */
	FUZZGEN_TIMER = 1u << 1,            /* the timer runs from boot on (SPEC §10.2) */
	FUZZGEN_USER_MODE = 1u << 2,        /* a user program runs after the kernel (SPEC §4) */
	FUZZGEN_USER_SRR = 1u << 3,         /* user code may run srr: legacy's unfixable hole */
	FUZZGEN_PT_EDITS = 1u << 4,         /* the kernel edits its page tables as it runs */
	FUZZGEN_USER_SEES_KERNEL = 1u << 5, /* relocation with rbase 0: user code can patch the kernel */
	FUZZGEN_ENTER_RTI = 1u << 6,        /* the kernel enters user mode with rti, */
	FUZZGEN_ENTER_JUSER = 1u << 7,      /* ... with juser, */
	FUZZGEN_ENTER_WRPSW = 1u << 8,      /* ... or by clearing PSW.S with wrpsw */
	FUZZGEN_WILD_JUMP = 1u << 9,        /* user code ends by jumping into a no-execute page */
	FUZZGEN_HOSTILE = 1u << 10,         /* supervisor-mode garbage (fuzzgen_hostile) */
	FUZZGEN_TVEC = 1u << 11,            /* hostile: it sets a (random) trap vector first */
	FUZZGEN_SMALL_MEMORY = 1u << 12,    /* hostile: 16 KiB of memory */
	FUZZGEN_IDENTITY = 1u << 13,        /* run with --place=identity (REFERENCES D7) */
	FUZZGEN_FEATURE_COUNT = 14,
};

/* One generated guest: the image (loaded at physical 0, SPEC §11.2) and
 * how to run it — every field is what an equivalence check needs. */
struct fuzzgen_image {
	unsigned seed;
	bool hostile;
	uint32_t words[FUZZGEN_MAX_WORDS];  /* the image, words in host order (as loaded) */
	size_t size;                        /* bytes of words[] that are the image */
	uint32_t memory;                    /* guest memory, bytes */
	enum vm_placement placement;
	uint64_t budget;                    /* guest instructions for every run */
	unsigned features;                  /* FUZZGEN_* */
	unsigned trap_limit;                /* valid guests: power off at this trap */
};

/* Build the valid guest, or the hostile one, of `seed` into *out (64 KiB:
 * allocate it, do not put it on the stack of a deep caller). */
void fuzzgen_guest(unsigned seed, struct fuzzgen_image *out);
void fuzzgen_hostile(unsigned seed, struct fuzzgen_image *out);

/* The name of one feature bit ("paging", "timer", ...), NULL if none. */
const char *fuzzgen_feature_name(unsigned feature);
/* The features of *img, named and joined by ", " ("relocation" when it did
 * not draw paging), into buf; returns buf. */
char *fuzzgen_describe(const struct fuzzgen_image *img, char *buf, size_t len);
/* The guest's layout as labels (handler, patchf, user code, page tables...)
 * for its disassembly and for `traplab equiv` on a kept image: 0, or -1
 * if out of memory.  A hostile guest has only "start". */
int fuzzgen_symbols(const struct fuzzgen_image *img, struct symtab *syms);

/* Write the guest as BASE.img (the image), BASE.sym (fuzzgen_symbols) and
 * BASE.s (its disassembly, which re-assembles to the image; `note`, if not
 * NULL, is a comment line at its top).  0, or -1 with "PATH: why" in err. */
enum { FUZZGEN_PATH_MAX = 4096 };
int fuzzgen_save(const struct fuzzgen_image *img, const char *base, const char *note, char *err,
		 size_t errlen);

/* The generator's random numbers (splitmix64), for callers that draw their
 * own from a seed the same way (the test's budget-stop point). */
struct fuzzgen_rng {
	uint64_t s;
};
uint32_t fuzzgen_random(struct fuzzgen_rng *r);
/* Uniform-ish in [0, n): rnd % n, 0 when n is 0. */
uint32_t fuzzgen_below(struct fuzzgen_rng *r, uint32_t n);

#endif
