/* test_memory.c — address translation (isa/SPEC.md §2, §5): relocation–bounds
 * in user mode, unrelocated supervisor mode, alignment, two-level paging with
 * its V/W/X/U bits, tables and frames beyond memory, and switching schemes
 * with mtcr.  Every row is checked twice: with machine_translate() and by
 * executing a real load, store or jump.  Serves Lab 1 (the MMU) and Lab 4
 * (shadow page tables copy these rules).
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "isa.h"
#include "machine.h"
#include "rig.h"
#include "support.h"

enum {
	MEM = 256 * 1024,
	SUP_PC = RIG_PC,          /* supervisor code with paging off */
	PTBR = 0x20000,           /* level-1 table (two-level paging, below) */
	L2_POOL = 0x21000,        /* level-2 tables, one page each */
};

/* ===== the rig ============================================================ */

/* The shared rig with more memory; rig_map() builds tables at PTBR. */
static const struct rig_config memory_rig = {
	.variant = ISA_STRICT,
	.memory_size = MEM,
	.pt_l1 = PTBR,
	.l2_pool = L2_POOL,
};

/* ===== one access, checked by translate and by execution ================= */

struct access {
	const char *name;
	bool user;
	enum isa_access access;
	unsigned size;            /* 1, 2 or 4 (fetches are 4) */
	uint32_t va;
	unsigned cause;           /* 0: it translates */
	uint32_t pa;              /* when it translates */
	bool exec;                /* also execute it (the rig can place the code) */
};

/* The instruction that performs `a` with its address in r2: a load or store
 * into/from r1, or `jr r2` for a fetch. */
static uint32_t
access_insn(const struct access *a)
{
	static const enum isa_opcode loads[5] = { [1] = OP_ldbu, [2] = OP_ldhu, [4] = OP_ldw };
	static const enum isa_opcode stores[5] = { [1] = OP_stb, [2] = OP_sth, [4] = OP_stw };
	switch (a->access) {
	case ACCESS_LOAD:  return ENC({ .op = loads[a->size], .rd = 1, .rs = 2 });
	case ACCESS_STORE: return ENC({ .op = stores[a->size], .rd = 1, .rs = 2 });
	case ACCESS_FETCH: break;
	}
	return ENC({ .op = OP_jr, .rs = 2 });
}

static const char *const access_names[] = { "fetch", "load", "store" };

/* Check `a` against the machine in r->s's mode and MMU state; the code that
 * executes it sits at virtual `code_va` = physical `code_pa`. */
static void
check_access(struct rig *r, const struct access *a, uint32_t code_va, uint32_t code_pa)
{
	const char *kind = access_names[a->access];
	r->s.psw = a->user ? 0 : PSW_S;
	rig_apply(r);
	uint32_t pa = 0xdeadbeef;
	unsigned cause = machine_translate(r->m, a->va, a->size, a->access, &pa);
	CHECKF(cause == a->cause, "%s: translate %s of %u at 0x%08x gave cause %u, want %u",
	       a->name, kind, a->size, a->va, cause, a->cause);
	if (cause == 0 && a->cause == 0)
		CHECKF(pa == a->pa, "%s: translate gave pa 0x%08x, want 0x%08x", a->name, pa, a->pa);
	if (!a->exec)
		return;

	/* Now for real. */
	static const uint8_t pattern[4] = { 0x5a, 0xc3, 0x96, 0x7e };
	uint32_t brk = ENC({ .op = OP_brk });
	if (a->cause == 0) {
		if (a->access == ACCESS_FETCH)
			rig_put(r, a->pa, brk);
		else
			CU_ASSERT_EQUAL(machine_write_phys(r->m, a->pa, pattern, a->size), 0);
	}
	rig_put(r, code_pa, access_insn(a));
	r->s.pc = code_va;
	r->s.r[1] = 0xa1b2c3d4u;
	r->s.r[2] = a->va;
	rig_run(r, 1 + (a->access == ACCESS_FETCH));

	if (a->cause) {
		uint32_t epc = a->access == ACCESS_FETCH ? a->va : code_va;
		CHECKF(r->ntraps == 1 && r->trap[0].cause == a->cause &&
		       r->trap[0].access == a->access && r->trap[0].badaddr == a->va &&
		       r->trap[0].epc == epc,
		       "%s: executing the %s gave %u traps (cause %u, access %u, badaddr 0x%x, "
		       "epc 0x%x), want cause %u badaddr 0x%x epc 0x%x", a->name, kind, r->ntraps,
		       r->trap[0].cause, r->trap[0].access, r->trap[0].badaddr, r->trap[0].epc,
		       a->cause, a->va, epc);
		CHECKF(r->out.r[1] == 0xa1b2c3d4u, "%s: faulting %s changed r1", a->name, kind);
		return;
	}
	switch (a->access) {
	case ACCESS_FETCH:
		CHECKF(r->ntraps == 1 && r->trap[0].cause == CAUSE_BREAKPOINT &&
		       r->trap[0].epc == a->va,
		       "%s: jump to 0x%x did not fetch the brk at pa 0x%x (%u traps, cause %u)",
		       a->name, a->va, a->pa, r->ntraps, r->trap[0].cause);
		break;
	case ACCESS_LOAD: {
		uint32_t want = 0;
		memcpy(&want, pattern, a->size);
		CHECKF(r->ntraps == 0 && r->out.r[1] == want,
		       "%s: load gave 0x%08x (%u traps, cause %u), want 0x%08x from pa 0x%x",
		       a->name, r->out.r[1], r->ntraps, r->trap[0].cause, want, a->pa);
		break;
	}
	case ACCESS_STORE: {
		uint8_t got[4] = { 0 };
		uint32_t v = 0xa1b2c3d4u;
		CU_ASSERT_EQUAL(machine_read_phys(r->m, a->pa, got, a->size), 0);
		CHECKF(r->ntraps == 0 && memcmp(got, &v, a->size) == 0,
		       "%s: store did not reach pa 0x%x (%u traps, cause %u)", a->name, a->pa,
		       r->ntraps, r->trap[0].cause);
		break;
	}
	}
}

/* ===== relocation–bounds (SPEC §5.1) ====================================== */

struct reloc_case {
	uint32_t rbase, rbound;
	struct access a;
};

#define L ACCESS_LOAD
#define S ACCESS_STORE
#define F ACCESS_FETCH

static const struct reloc_case reloc_cases[] = {
	/* user: a -> a + l, fault when a + size > b */
	{ 0x10000, 0x2000, { "user load near 0",             true, L, 4, 0x40,   0, 0x10040, true } },
	{ 0x10000, 0x2000, { "user word just under bound",   true, L, 4, 0x1ffc, 0, 0x11ffc, true } },
	{ 0x10000, 0x2000, { "user word at bound",           true, L, 4, 0x2000, CAUSE_MEMORY, 0, true } },
	{ 0x10000, 0x2000, { "user half just under bound",   true, L, 2, 0x1ffe, 0, 0x11ffe, true } },
	{ 0x10000, 0x2000, { "user half at bound",           true, L, 2, 0x2000, CAUSE_MEMORY, 0, true } },
	{ 0x10000, 0x2000, { "user byte just under bound",   true, L, 1, 0x1fff, 0, 0x11fff, true } },
	{ 0x10000, 0x2000, { "user byte at bound",           true, L, 1, 0x2000, CAUSE_MEMORY, 0, true } },
	{ 0x10000, 0x2000, { "user store word under bound",  true, S, 4, 0x1ffc, 0, 0x11ffc, true } },
	{ 0x10000, 0x2000, { "user store word at bound",     true, S, 4, 0x2000, CAUSE_MEMORY, 0, true } },
	{ 0x10000, 0x2000, { "user store half at bound",     true, S, 2, 0x2000, CAUSE_MEMORY, 0, true } },
	{ 0x10000, 0x2000, { "user store byte under bound",  true, S, 1, 0x1fff, 0, 0x11fff, true } },
	{ 0x10000, 0x2000, { "user store byte at bound",     true, S, 1, 0x2000, CAUSE_MEMORY, 0, true } },
	{ 0x10000, 0x2000, { "user fetch under bound",       true, F, 4, 0x1ffc, 0, 0x11ffc, true } },
	{ 0x10000, 0x2000, { "user fetch at bound",          true, F, 4, 0x2000, CAUSE_MEMORY, 0, true } },
	{ 0x10000, 0x2000, { "user word at top of 2^32",     true, L, 4, 0xfffffffcu, CAUSE_MEMORY, 0, true } },
	/* alignment comes first (SPEC §5: MISALIGNED, then translation) */
	{ 0x10000, 0x2000, { "user misaligned word",         true, L, 4, 0x2,    CAUSE_MISALIGNED, 0, true } },
	{ 0x10000, 0x2000, { "user misaligned half",         true, L, 2, 0x1,    CAUSE_MISALIGNED, 0, true } },
	{ 0x10000, 0x2000, { "misaligned beats out of bound", true, S, 4, 0x2001, CAUSE_MISALIGNED, 0, true } },
	{ 0x10000, 0x2000, { "user misaligned fetch",        true, F, 4, 0x6,    CAUSE_MISALIGNED, 0, true } },
	/* the bound passes but rbase + a runs off physical memory */
	{ MEM - 0x1000, 0x2000, { "user last word of memory", true, L, 4, 0xffc, 0, MEM - 4, true } },
	{ MEM - 0x1000, 0x2000, { "user beyond memory, inside bound", true, L, 4, 0x1000, CAUSE_MEMORY, 0, true } },
	{ MEM - 0x1000, 0x2000, { "user store beyond memory", true, S, 1, 0x1000, CAUSE_MEMORY, 0, true } },
	/* wrap-around cannot escape: a + l must not be taken mod 2^32 */
	{ 0xfffff000u, 0xffffffffu, { "wrapped sum to 0x1000",  true, L, 4, 0x2000, CAUSE_MEMORY, 0, false } },
	{ 0xfffff000u, 0xffffffffu, { "wrapped sum to 0",       true, L, 1, 0x1000, CAUSE_MEMORY, 0, false } },
	{ 0xfffff000u, 0xffffffffu, { "wrapped fetch",          true, F, 4, 0x1000, CAUSE_MEMORY, 0, false } },
	{ 0, 0xffffffffu, { "bound 2^32-1, word at the top",    true, L, 4, 0xfffffffcu, CAUSE_MEMORY, 0, true } },
	{ 0, 0xffffffffu, { "bound 2^32-1, last word of memory", true, L, 4, MEM - 4, 0, MEM - 4, true } },
	{ 0, 0xffffffffu, { "bound 2^32-1, first byte beyond",  true, L, 1, MEM, CAUSE_MEMORY, 0, true } },
	{ 0x10000, 0, { "bound 0 admits nothing",               true, L, 1, 0, CAUSE_MEMORY, 0, false } },
	/* supervisor: physical, ignores rbase and rbound */
	{ 0x10000, 0x10, { "supervisor unrelocated",           false, L, 4, 0x3000, 0, 0x3000, true } },
	{ 0x10000, 0x10, { "supervisor store unrelocated",     false, S, 2, 0x3002, 0, 0x3002, true } },
	{ 0x10000, 0x10, { "supervisor last word",             false, L, 4, MEM - 4, 0, MEM - 4, true } },
	{ 0x10000, 0x10, { "supervisor last byte",             false, L, 1, MEM - 1, 0, MEM - 1, true } },
	{ 0x10000, 0x10, { "supervisor beyond memory",         false, L, 1, MEM, CAUSE_MEMORY, 0, true } },
	{ 0x10000, 0x10, { "supervisor word at top of 2^32",   false, S, 4, 0xfffffffcu, CAUSE_MEMORY, 0, true } },
	{ 0x10000, 0x10, { "supervisor fetch beyond memory",   false, F, 4, MEM, CAUSE_MEMORY, 0, true } },
	{ 0x10000, 0x10, { "supervisor misaligned word",       false, L, 4, 0x3001, CAUSE_MISALIGNED, 0, true } },
};

static void
test_relocation_bounds_translate_and_execute(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(reloc_cases); i++) {
		const struct reloc_case *c = &reloc_cases[i];
		struct rig r;
		rig_open_config(&r, &memory_rig);
		r.s.cr[CR_rbase] = c->rbase;
		r.s.cr[CR_rbound] = c->rbound;
		/* User code at virtual 0 (= rbase); supervisor code at SUP_PC. */
		check_access(&r, &c->a, c->a.user ? 0 : SUP_PC, c->a.user ? c->rbase : SUP_PC);
		rig_close(&r);
	}
}

/* The cause register of a delivered MEMORY fault carries the access kind
 * (SPEC §6.1), for a user load, store and fetch past the bound. */
static void
test_user_fault_at_bound_sets_cause_access_and_badaddr(void)
{
	static const struct {
		enum isa_access access;
		struct isa_insn insn;
	} cases[] = {
		{ ACCESS_LOAD,  { .op = OP_ldw, .rd = 1, .rs = 2 } },
		{ ACCESS_STORE, { .op = OP_stw, .rd = 1, .rs = 2 } },
		{ ACCESS_FETCH, { .op = OP_jr, .rs = 2 } },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct rig r;
		rig_open_config(&r, &memory_rig);
		machine_set_trap_hook(r.m, NULL, NULL);    /* the bare machine, from reset */
		rig_put(&r, 0x10000 + 0x40, rig_enc(cases[i].insn));
		rig_put(&r, 0x800, ENC(RRI(addi, 9, 9, 1)));
		machine_get_state(r.m, &r.s);
		r.s.psw = 0;
		r.s.pc = 0x40;
		r.s.cr[CR_rbase] = 0x10000;
		r.s.cr[CR_rbound] = 0x3000;
		r.s.cr[CR_tvec] = 0x800;
		r.s.r[2] = 0x3000;
		/* The fault is delivered and the handler's first instruction retires
		 * (after the jr, for the fetch): then the budget stops the run. */
		rig_run(&r, 1 + (cases[i].access == ACCESS_FETCH));
		uint32_t want_cause = CAUSE_MEMORY | (uint32_t)cases[i].access << CAUSE_ACCESS_SHIFT;
		CHECKF(r.out.cr[CR_cause] == want_cause && r.out.cr[CR_badaddr] == 0x3000,
		       "%s past the bound: cause 0x%x badaddr 0x%x, want 0x%x and 0x3000",
		       access_names[cases[i].access], r.out.cr[CR_cause], r.out.cr[CR_badaddr], want_cause);
		CHECKF(r.out.cr[CR_epc] == (cases[i].access == ACCESS_FETCH ? 0x3000u : 0x40u),
		       "%s past the bound: epc 0x%x", access_names[cases[i].access], r.out.cr[CR_epc]);
		CHECKF(r.out.r[9] == 1 && r.out.pc == 0x804, "%s past the bound: handler not entered "
		       "(pc 0x%x)", access_names[cases[i].access], r.out.pc);
		rig_close(&r);
	}
}

/* ===== two-level paging (SPEC §5.2) ======================================= */

enum {
	SUP_CODE_VA = 0x800,      /* in page 0: V X W, no U */
	USER_CODE_VA = 0x3800,    /* in page 3: V X U */
	FAR_FRAME = 0x7ffff000u,  /* beyond memory */
};

/* The address space every paging row runs in. */
static void
build_address_space(struct rig *r)
{
	rig_map(r, 0x0000, 0x30000 | PTE_V | PTE_X | PTE_W);        /* supervisor code */
	rig_map(r, 0x1000, 0x31000 | PTE_V | PTE_W | PTE_U);        /* user data, rw */
	rig_map(r, 0x2000, 0x32000 | PTE_V | PTE_U);                /* user data, ro */
	rig_map(r, 0x3000, 0x33000 | PTE_V | PTE_X | PTE_U);        /* user code */
	rig_map(r, 0x4000, 0x34000 | PTE_V);                        /* supervisor ro */
	rig_map(r, 0x5000, 0);                                      /* invalid leaf */
	rig_map(r, 0x6000, FAR_FRAME | PTE_V | PTE_W | PTE_X | PTE_U);  /* frame beyond memory */
	rig_map(r, 0x7000, 0x35000 | PTE_W | PTE_X | PTE_U);        /* everything but V */
	rig_map(r, 0x8000, 0x37000 | 0xff0 | PTE_V | PTE_U);        /* ignored bits set */
	/* L1[1] stays invalid (va 0x00400000...). */
	rig_put(r, PTBR + 2 * 4, 0x7fff0000u | PTE_V);              /* L2 table beyond memory */
	/* L1[3]: the level-1 entry has V only, no W/X/U: they are ignored. */
	rig_put(r, PTBR + 3 * 4, 0x26000 | PTE_V | 0xff0);
	rig_put(r, 0x26000 + 0 * 4, 0x36000 | PTE_V | PTE_W | PTE_X | PTE_U);
}

static const struct access paging_cases[] = {
	{ "sup load code page",           false, L, 4, 0x0010, 0, 0x30010, true },
	{ "sup fetch code page",          false, F, 4, 0x0000, 0, 0x30000, true },
	{ "sup store code page (W)",      false, S, 4, 0x0020, 0, 0x30020, true },
	{ "user load non-U page",         true,  L, 4, 0x0010, CAUSE_PAGE, 0, true },
	{ "user fetch non-U page",        true,  F, 4, 0x0000, CAUSE_PAGE, 0, true },
	{ "user load rw page",            true,  L, 4, 0x1234, 0, 0x31234, true },
	{ "user store rw page",           true,  S, 4, 0x1ffc, 0, 0x31ffc, true },
	{ "user store byte rw page",      true,  S, 1, 0x1003, 0, 0x31003, true },
	{ "user store ro page (no W)",    true,  S, 4, 0x2000, CAUSE_PAGE, 0, true },
	{ "user load ro page",            true,  L, 2, 0x2006, 0, 0x32006, true },
	{ "user fetch non-X page",        true,  F, 4, 0x2000, CAUSE_PAGE, 0, true },
	{ "sup store ro page (no W)",     false, S, 1, 0x2000, CAUSE_PAGE, 0, true },
	{ "user fetch user code",         true,  F, 4, 0x3000, 0, 0x33000, true },
	{ "sup fetch U page",             false, F, 4, 0x3000, 0, 0x33000, true },
	{ "sup load U page",              false, L, 4, 0x1000, 0, 0x31000, true },
	{ "sup store U page",             false, S, 4, 0x1008, 0, 0x31008, true },
	{ "sup fetch non-X page",         false, F, 4, 0x4000, CAUSE_PAGE, 0, true },
	{ "sup load sup ro page",         false, L, 4, 0x4000, 0, 0x34000, true },
	{ "user load sup page",           true,  L, 4, 0x4000, CAUSE_PAGE, 0, true },
	{ "L2 entry invalid",             false, L, 4, 0x5000, CAUSE_PAGE, 0, true },
	{ "user L2 entry invalid",        true,  S, 4, 0x5000, CAUSE_PAGE, 0, true },
	{ "frame beyond memory",          false, L, 4, 0x6000, CAUSE_MEMORY, 0, true },
	{ "user frame beyond memory",     true,  S, 2, 0x6ffe, CAUSE_MEMORY, 0, true },
	{ "fetch frame beyond memory",    false, F, 4, 0x6000, CAUSE_MEMORY, 0, true },
	{ "leaf V clear",                 false, L, 4, 0x7000, CAUSE_PAGE, 0, true },
	{ "leaf ignored bits",            true,  L, 4, 0x8abc, 0, 0x37abc, true },
	{ "L1 entry invalid",             false, L, 4, 0x00400000, CAUSE_PAGE, 0, true },
	{ "L1 invalid, user fetch",       true,  F, 4, 0x00400000, CAUSE_PAGE, 0, true },
	{ "L2 table beyond memory",       false, L, 4, 0x00800000, CAUSE_PAGE, 0, true },
	{ "L1 W/X/U ignored: user store", true,  S, 4, 0x00c00010, 0, 0x36010, true },
	{ "L1 W/X/U ignored: user fetch", true,  F, 4, 0x00c00000, 0, 0x36000, true },
	{ "misaligned on unmapped page",  false, L, 4, 0x00400002, CAUSE_MISALIGNED, 0, true },
	{ "misaligned on ro page store",  true,  S, 2, 0x2001, CAUSE_MISALIGNED, 0, true },
	{ "top of the address space",     false, L, 4, 0xfffffffcu, CAUSE_PAGE, 0, true },
};

#undef L
#undef S
#undef F

static void
test_paging_translate_and_execute(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(paging_cases); i++) {
		const struct access *a = &paging_cases[i];
		struct rig r;
		rig_open_config(&r, &memory_rig);
		build_address_space(&r);
		r.s.cr[CR_ptbr] = PTBR;
		r.s.cr[CR_mmu] = MMU_PG;
		/* rbase/rbound are ignored with paging on (SPEC §5.2). */
		r.s.cr[CR_rbase] = 0x10000;
		r.s.cr[CR_rbound] = 0;
		check_access(&r, a, a->user ? USER_CODE_VA : SUP_CODE_VA,
			     a->user ? 0x33000 + (USER_CODE_VA & 0xfff) : 0x30000 + SUP_CODE_VA);
		rig_close(&r);
	}
}

/* A ptbr beyond memory: every walk fails with PAGE, never a host read out of
 * bounds (the sanitizer build would catch one). */
static void
test_page_table_beyond_memory_faults_page(void)
{
	static const uint32_t ptbrs[] = { MEM, 0x7ffff000u, 0xfffff000u };
	for (size_t i = 0; i < ARRAY_SIZE(ptbrs); i++) {
		struct rig r;
		rig_open_config(&r, &memory_rig);
		r.s.cr[CR_ptbr] = ptbrs[i];
		r.s.cr[CR_mmu] = MMU_PG;
		rig_apply(&r);
		static const uint32_t vas[] = { 0, 0x1000, 0x00400000, 0xfffff000u };
		for (size_t j = 0; j < ARRAY_SIZE(vas); j++) {
			for (unsigned acc = ACCESS_FETCH; acc <= ACCESS_STORE; acc++) {
				uint32_t pa;
				unsigned cause = machine_translate(r.m, vas[j], 4, (enum isa_access)acc, &pa);
				CHECKF(cause == CAUSE_PAGE, "ptbr 0x%x va 0x%x %s: cause %u, want PAGE",
				       ptbrs[i], vas[j], access_names[acc], cause);
			}
		}
		/* and the fetch of the first instruction faults PAGE */
		r.s.pc = 0;
		rig_run(&r, 10);
		CHECKF(r.ntraps == 1 && r.trap[0].cause == CAUSE_PAGE &&
		       r.trap[0].access == ACCESS_FETCH && r.trap[0].badaddr == 0,
		       "ptbr 0x%x: first fetch gave %u traps, cause %u", ptbrs[i], r.ntraps,
		       r.trap[0].cause);
		rig_close(&r);
	}
}

/* SPEC §3.3, §5: mtcr mmu switches schemes from the next fetch; writing ptbr
 * switches address spaces. */
static void
test_mtcr_mmu_and_ptbr_switch_translation(void)
{
	struct rig r;
	rig_open_config(&r, &memory_rig);
	/* Space A at PTBR: page 0 identity (code), va 0x5000 -> 0x38000.
	 * Space B at 0x24000: page 0 identity, va 0x5000 -> 0x39000. */
	rig_map(&r, 0x0000, 0x00000 | PTE_V | PTE_X | PTE_W);
	rig_map(&r, 0x5000, 0x38000 | PTE_V);
	rig_put(&r, 0x24000, 0x25000 | PTE_V);
	rig_put(&r, 0x25000 + 0 * 4, 0x00000 | PTE_V | PTE_X);
	rig_put(&r, 0x25000 + 5 * 4, 0x39000 | PTE_V);
	rig_put(&r, 0x38000, 0xcafe);
	rig_put(&r, 0x39000, 0xf00d);
	rig_put(&r, 0x05000, 0xbeef);
	const uint32_t prog[] = {
		ENC({ .op = OP_mtcr, .rd = CR_mmu, .rs = 1 }),    /* paging on */
		ENC({ .op = OP_ldw, .rd = 4, .rs = 3 }),
		ENC({ .op = OP_mtcr, .rd = CR_mmu, .rs = 0 }),    /* paging off */
		ENC({ .op = OP_ldw, .rd = 5, .rs = 3 }),
		ENC({ .op = OP_mtcr, .rd = CR_ptbr, .rs = 6 }),   /* space B */
		ENC({ .op = OP_mtcr, .rd = CR_mmu, .rs = 1 }),
		ENC({ .op = OP_ldw, .rd = 7, .rs = 3 }),
		ENC({ .op = OP_brk }),
	};
	CU_ASSERT_EQUAL(machine_write_phys(r.m, SUP_PC, prog, sizeof prog), 0);
	r.s.cr[CR_ptbr] = PTBR;
	r.s.r[1] = 1;
	r.s.r[3] = 0x5000;
	r.s.r[6] = 0x24000;
	rig_run(&r, 20);
	CU_ASSERT_EQUAL(r.ntraps, 1);
	CU_ASSERT_EQUAL(r.trap[0].cause, CAUSE_BREAKPOINT);
	CU_ASSERT_EQUAL(r.out.r[4], 0xcafe);
	CU_ASSERT_EQUAL(r.out.r[5], 0xbeef);
	CU_ASSERT_EQUAL(r.out.r[7], 0xf00d);
	CU_ASSERT_EQUAL(r.out.cr[CR_mmu], MMU_PG);
	CU_ASSERT_EQUAL(r.out.cr[CR_ptbr], 0x24000);
	rig_close(&r);
}

/* Turning paging on moves the very next fetch into the new space: code that
 * is not mapped there faults PAGE at the next pc. */
static void
test_paging_on_applies_from_the_next_fetch(void)
{
	struct rig r;
	rig_open_config(&r, &memory_rig);
	rig_map(&r, 0x5000, 0x38000 | PTE_V | PTE_X);      /* page 0 is NOT mapped */
	uint32_t prog = ENC({ .op = OP_mtcr, .rd = CR_mmu, .rs = 1 });
	rig_put(&r, SUP_PC, prog);
	r.s.cr[CR_ptbr] = PTBR;
	r.s.r[1] = 1;
	rig_run(&r, 5);
	CU_ASSERT_EQUAL(machine_retired(r.m), 1);
	CU_ASSERT_EQUAL(r.ntraps, 1);
	CU_ASSERT_EQUAL(r.trap[0].cause, CAUSE_PAGE);
	CU_ASSERT_EQUAL(r.trap[0].access, ACCESS_FETCH);
	CU_ASSERT_EQUAL(r.trap[0].epc, SUP_PC + 4);
	CU_ASSERT_EQUAL(r.trap[0].badaddr, SUP_PC + 4);
	rig_close(&r);
}

/* With paging on, user loads translate through the tables even though
 * rbase/rbound would forbid them, and a user store to a U+W page lands in
 * its frame (the physical view agrees). */
static void
test_user_paging_ignores_relocation_registers(void)
{
	struct rig r;
	rig_open_config(&r, &memory_rig);
	build_address_space(&r);
	const uint32_t prog[] = {
		ENC({ .op = OP_stw, .rd = 1, .rs = 2, .imm = 4 }),
		ENC({ .op = OP_ldw, .rd = 3, .rs = 2, .imm = 4 }),
		ENC({ .op = OP_brk }),
	};
	CU_ASSERT_EQUAL(machine_write_phys(r.m, 0x33000 + (USER_CODE_VA & 0xfff), prog, sizeof prog), 0);
	r.s.psw = 0;
	r.s.pc = USER_CODE_VA;
	r.s.cr[CR_ptbr] = PTBR;
	r.s.cr[CR_mmu] = MMU_PG;
	r.s.cr[CR_rbase] = 0x3f000;
	r.s.cr[CR_rbound] = 4;
	r.s.r[1] = 0x13572468;
	r.s.r[2] = 0x1100;
	rig_run(&r, 10);
	CU_ASSERT_EQUAL(r.ntraps, 1);
	CU_ASSERT_EQUAL(r.trap[0].cause, CAUSE_BREAKPOINT);
	CU_ASSERT_EQUAL(r.out.r[3], 0x13572468);
	CU_ASSERT_EQUAL(rig_get(&r, 0x31104), 0x13572468);
	rig_close(&r);
}

/* machine_read_phys / machine_write_phys refuse ranges outside memory. */
static void
test_phys_access_outside_memory_is_refused(void)
{
	struct rig r;
	rig_open_config(&r, &memory_rig);
	uint32_t v = 0;
	CU_ASSERT_EQUAL(machine_read_phys(r.m, MEM - 4, &v, 4), 0);
	CU_ASSERT_EQUAL(machine_read_phys(r.m, MEM - 3, &v, 4), -1);
	CU_ASSERT_EQUAL(machine_write_phys(r.m, MEM, &v, 1), -1);
	CU_ASSERT_EQUAL(machine_write_phys(r.m, 0xfffffffeu, &v, 4), -1);
	CU_ASSERT_EQUAL(machine_memory_size(r.m), MEM);
	rig_close(&r);
}

static CU_TestInfo tests[] = {
	{ "test_relocation_bounds_translate_and_execute", test_relocation_bounds_translate_and_execute },
	{ "test_user_fault_at_bound_sets_cause_access_and_badaddr",
	  test_user_fault_at_bound_sets_cause_access_and_badaddr },
	{ "test_paging_translate_and_execute", test_paging_translate_and_execute },
	{ "test_page_table_beyond_memory_faults_page", test_page_table_beyond_memory_faults_page },
	{ "test_mtcr_mmu_and_ptbr_switch_translation", test_mtcr_mmu_and_ptbr_switch_translation },
	{ "test_paging_on_applies_from_the_next_fetch", test_paging_on_applies_from_the_next_fetch },
	{ "test_user_paging_ignores_relocation_registers", test_user_paging_ignores_relocation_registers },
	{ "test_phys_access_outside_memory_is_refused", test_phys_access_outside_memory_is_refused },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_machine_memory = { "machine: memory", NULL, NULL, NULL, NULL, tests };
