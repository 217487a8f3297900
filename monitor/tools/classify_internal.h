/* classify_internal.h — what the classifier's files share: its fixed
 * constants, the fixed-seed generator, the engine that runs one instruction
 * and the instance list.  classify_plan.c chooses the states and encodings;
 * classify_engine.c runs them; classify.c judges them (classify.h).  Lab 2.
 */
#ifndef TRAPLAB_CLASSIFY_INTERNAL_H
#define TRAPLAB_CLASSIFY_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "classify.h"
#include "machine.h"

enum {
	CLASSIFY_SEED_STATES = 0x50473332u,  /* "PG32": the fixed seeds */
	CLASSIFY_SEED_MEMORY = 0x4d454d30u,  /* "MEM0" */
	RANDOM_BASES = 32,                   /* random states, each with 3 partners */
	EDGE_PC = 0x104,                     /* inside every edge window, not a PTE word */
	EDGE_TVEC = 0x200,
	EDGE_EPC = 0x204,
	EDGE_SP = 0x800,
	EDGE_LR = 0x108,
	EDGE_TIMER_INTERVAL = 100,
	IN_BOUNDS_ADDR = 0x100,
	LOW_CODE_LIMIT = PAGE_SIZE,          /* sampled PCs stay in virtual page 0 */
	UNOWNED_PORT = 0x40,                 /* no device answers here (SPEC §10) */
	TEMPLATE_PTE_FRAME = 0,              /* word 0 of each period maps page 0 here */
	DELTA_MAX = 8,                       /* one store changes at most 4 bytes */
	DIFF_CHUNK = 64,
	MAX_INSTANCES = 64,
	TEXT_MAX = 96,
};
#define PSW_MODE_BITS (PSW_S | PSW_IE)   /* P&G's M, with IE (SPEC §3.2) */
#define DELTA_OUTSIDE (UINT32_C(1) << 31)  /* marks a changed byte outside the view */

/* ===== a fixed-seed generator (splitmix64) ================================== */

struct classify_rng {
	uint64_t state;
};

static inline uint32_t
rng_next(struct classify_rng *g)
{
	uint64_t z = (g->state += UINT64_C(0x9e3779b97f4a7c15));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return (uint32_t)((z ^ (z >> 31)) >> 16);
}

static inline uint32_t
rng_below(struct classify_rng *g, uint32_t n)
{
	return rng_next(g) % n;
}

#define RNG_PICK(g, table) ((table)[rng_below((g), ARRAY_SIZE(table))])

/* ===== one instruction from one state (classify_engine.c) =================== */

/* What one run left behind, compared later with its partner's. */
struct mem_delta {
	unsigned n;
	bool overflow;
	uint32_t where[DELTA_MAX];      /* offset in the view, or address | DELTA_OUTSIDE */
	uint8_t value[DELTA_MAX];
};

struct outcome {
	bool valid;                     /* false: an interrupt came first */
	bool trapped;
	unsigned cause;
	struct cpu_state after;
	const char *device;             /* how it touched a device, or NULL */
	struct mem_delta mem;
	uint32_t view_base, view_size;  /* physical window of the memory under R */
};

struct engine {
	struct machine *m;
	const struct classify_plan *plan;
	enum isa_variant variant;
	uint8_t period[CLASSIFY_PERIOD];    /* the template the memory repeats */
	uint8_t image[CLASSIFY_MEMORY];     /* what memory holds between runs */
	uint8_t now[CLASSIFY_MEMORY];       /* read back after a run */
	bool placed;
	uint32_t placed_word, placed_phase;
	uint64_t trials;
	struct outcome out[CLASSIFY_MAX_SAMPLES];
};

/* The machine's trap hook during a trial: stop, keeping the trap. */
enum machine_trap_action classify_trap_hook(void *ctx, struct machine *m,
					    const struct machine_trap *trap);
/* Fill memory with the template every trial starts from. */
void engine_load_template(struct engine *e);
/* Run `word` once from sample si of the plan, into e->out[si]. */
void engine_trial(struct engine *e, uint32_t word, size_t si);

/* The encodings tried for an opcode (classify_plan.c). */
size_t classify_instances(enum isa_opcode op, struct isa_insn *out, size_t max);

#endif
