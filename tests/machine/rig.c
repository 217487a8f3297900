/* rig.c — the test rig the machine suites share: a machine with a recording
 * trap hook, a starting and a final CPU state, and helpers for memory, page
 * tables and the console.  The interface and its conventions are in rig.h. */
#include "rig.h"

#include <string.h>

_Static_assert(OP_add == 0, "table padding {0} must be add r0, r0, r0 (a no-op)");

/* The trap hook: record the trap, then answer as struct rig describes. */
static enum machine_trap_action
rig_hook(void *ctx, struct machine *m, const struct machine_trap *t)
{
	struct rig *r = ctx;
	unsigned i = r->ntraps++;
	if (i < RIG_MAX_TRAPS) {
		r->trap[i] = *t;
		r->retired_at[i] = machine_retired(m);
	}
	if (t->cause == CAUSE_TIMER && r->deliver_timer > 0) {
		r->deliver_timer--;
		return TRAP_DELIVER;
	}
	if (r->nactions > 0)
		return r->action[i < r->nactions ? i : r->nactions - 1];
	return TRAP_STOP;
}

static void
rig_sink(void *ctx, uint8_t byte)
{
	struct rig *r = ctx;
	if (r->console_len + 1 < sizeof r->console)
		r->console[r->console_len++] = (char)byte;
}

void
rig_open_config(struct rig *r, const struct rig_config *cfg)
{
	char err[160];
	uint32_t size = cfg->memory_size ? cfg->memory_size : RIG_MEMORY;
	struct machine_config mc = { .variant = cfg->variant, .memory_size = size };
	memset(r, 0, sizeof *r);
	r->m = machine_create(&mc, err, sizeof err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r->m);
	r->memory_size = size;
	machine_set_trap_hook(r->m, rig_hook, r);
	if (cfg->console)
		machine_set_console(r->m, rig_sink, r);
	if (cfg->brk_below) {
		uint32_t brks[256];
		uint32_t brk = ENC(NONE(brk));
		for (size_t i = 0; i < ARRAY_SIZE(brks); i++)
			brks[i] = brk;
		int rc = 0;
		for (uint32_t pa = 0; pa < cfg->brk_below && rc == 0; pa += sizeof brks) {
			uint32_t len = cfg->brk_below - pa < sizeof brks ? cfg->brk_below - pa
									 : (uint32_t)sizeof brks;
			rc = machine_write_phys(r->m, pa, brks, len);
		}
		CU_ASSERT_EQUAL_FATAL(rc, 0);
	}
	r->pt_l1 = cfg->pt_l1;
	r->next_l2 = cfg->l2_pool;
	r->s.pc = RIG_PC;
	r->s.psw = PSW_S;
	r->s.cr[CR_rbound] = size;
	r->s.cr[CR_tvec] = cfg->tvec;
}

void
rig_open(struct rig *r, enum isa_variant v)
{
	rig_open_config(r, &(struct rig_config){ .variant = v });
}

void
rig_apply(struct rig *r)
{
	machine_set_state(r->m, &r->s);
}

void
rig_run(struct rig *r, uint64_t budget)
{
	r->ntraps = 0;
	machine_set_state(r->m, &r->s);
	r->reason = machine_run(r->m, budget);
	machine_get_state(r->m, &r->out);
}

bool
rig_ended_at_brk(const struct rig *r, uint32_t *where)
{
	if (r->reason != STOP_HOOK || r->ntraps != 1 || r->trap[0].cause != CAUSE_BREAKPOINT)
		return false;
	if (where)
		*where = r->trap[0].epc;
	return true;
}

void
rig_close(struct rig *r)
{
	machine_destroy(r->m);
	r->m = NULL;
}

uint32_t
rig_enc(struct isa_insn in)
{
	return isa_encode(&in);
}

void
rig_put(struct rig *r, uint32_t pa, uint32_t word)
{
	CU_ASSERT_EQUAL_FATAL(machine_write_phys(r->m, pa, &word, sizeof word), 0);
}

void
rig_put_words(struct rig *r, uint32_t pa, const uint32_t *words, size_t n)
{
	CU_ASSERT_EQUAL_FATAL(machine_write_phys(r->m, pa, words, n * sizeof *words), 0);
}

uint32_t
rig_get(struct rig *r, uint32_t pa)
{
	uint32_t v = 0;
	CU_ASSERT_EQUAL(machine_read_phys(r->m, pa, &v, sizeof v), 0);
	return v;
}

void
rig_code(struct rig *r, uint32_t pa, const struct isa_insn *prog, size_t n)
{
	static const struct isa_insn pad;
	while (n > 0 && memcmp(&prog[n - 1], &pad, sizeof pad) == 0)
		n--;
	for (size_t i = 0; i < n; i++)
		rig_put(r, pa + (uint32_t)(i * ISA_WORD), rig_enc(prog[i]));
}

void
rig_map(struct rig *r, uint32_t va, uint32_t leaf)
{
	uint32_t l1_pa = r->pt_l1 + (va >> L1_SHIFT) * 4;
	uint32_t l1 = rig_get(r, l1_pa);
	if (!(l1 & PTE_V)) {
		l1 = r->next_l2 | PTE_V;
		r->next_l2 += PAGE_SIZE;
		rig_put(r, l1_pa, l1);
	}
	uint32_t l2_pa = (l1 & PTE_FRAME_MASK) + ((va >> PAGE_SHIFT) & (PT_ENTRIES - 1)) * 4;
	rig_put(r, l2_pa, leaf);
}
