/* fuzzgen.c — the differential fuzzer's guest generator (fuzzgen.h): a whole
 * valid guest from a seed (boot, page tables or relocation, the timer, a
 * random kernel body, the way into user mode, a random user body ending in
 * a system-call loop) and the hostile garbage.  `traplab fuzz` and
 * tests/monitor/test_fuzz.c run what it makes; Labs 3–8 are graded on it.
 * The constructs themselves are fuzzgen_emit.c's.
 */
#include "fuzzgen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzzgen_internal.h"

#define NELEMS(a) (sizeof (a) / sizeof (a)[0])

/* ===== a deterministic random source (splitmix64) ============================= */

uint32_t
fuzzgen_random(struct fuzzgen_rng *r)
{
	uint64_t z = (r->s += UINT64_C(0x9e3779b97f4a7c15));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return (uint32_t)((z ^ (z >> 31)) >> 32);
}

uint32_t
fuzzgen_below(struct fuzzgen_rng *r, uint32_t n)
{
	return n ? fuzzgen_random(r) % n : 0;
}

bool
fz_chance(struct fuzzgen_rng *r, unsigned percent)
{
	return fuzzgen_below(r, 100) < percent;
}

/* ===== emitting a body of code, with forward fix-ups =========================== */

uint32_t
fz_enc(enum isa_opcode op, unsigned rd, unsigned rs, unsigned rt, int32_t imm)
{
	struct isa_insn in = { .op = op, .rd = (uint8_t)rd, .rs = (uint8_t)rs, .rt = (uint8_t)rt,
			       .imm = imm };
	return isa_encode(&in);
}

uint32_t
fz_va_of(const struct fz_body *b, uint32_t pa)
{
	return pa + b->va_minus_pa;
}

void
fz_put(struct fz_body *b, uint32_t word)
{
	if (b->pa + ISA_WORD > b->end)
		return;                 /* cannot happen: bodies stop with room to spare */
	b->img[b->pa / ISA_WORD] = word;
	b->pa += ISA_WORD;
}

void
fz_mark(struct fz_body *b)
{
	if (b->nmarks < MAX_MARKS)
		b->marks[b->nmarks++] = fz_va_of(b, b->pa);
}

/* A forward branch or adr to the construct `ahead` constructs later. */
void
fz_put_forward(struct fz_body *b, enum isa_opcode op, unsigned rd, unsigned ahead)
{
	if (b->nfix < MAX_FIXES)
		b->fix[b->nfix++] = (struct fz_fixup){ .pa = b->pa, .op = op, .rd = (uint8_t)rd,
						       .mark = b->nmarks - 1 + ahead };
	fz_put(b, 0);
}

/* Fill in the forward references; one past the last construct lands on
 * the last mark, which every body sets at its end. */
void
fz_resolve(struct fz_body *b)
{
	for (unsigned i = 0; i < b->nfix; i++) {
		const struct fz_fixup *f = &b->fix[i];
		unsigned m = f->mark < b->nmarks ? f->mark : b->nmarks - 1;
		uint32_t at = fz_va_of(b, f->pa), target = b->marks[m];
		int32_t delta = (int32_t)(target - at - ISA_WORD);
		bool branch = isa_op_info(f->op)->format == FMT_BR;
		b->img[f->pa / ISA_WORD] = fz_enc(f->op, f->rd, 0, 0,
						  branch ? delta / ISA_WORD : delta);
	}
}

/* A 32-bit constant: addi when it fits the signed 16-bit immediate, else
 * lui and, for a non-zero low half, ori (SPEC §8.1). */
void
fz_put_const(struct fz_body *b, unsigned rd, uint32_t v)
{
	if ((int32_t)v >= INT16_MIN && (int32_t)v <= INT16_MAX) {
		fz_put(b, fz_enc(OP_addi, rd, 0, 0, (int32_t)v));
		return;
	}
	fz_put(b, fz_enc(OP_lui, rd, 0, 0, (int32_t)(v >> 16)));
	if (v & 0xffff)
		fz_put(b, fz_enc(OP_ori, rd, rd, 0, (int32_t)(v & 0xffff)));
}

/* ===== a valid guest ============================================================= */

/* Each page's permissions in both address spaces (SPEC §5.2); the alias
 * page (ALIAS_PAGE) is set by the caller, and the page after it maps a
 * frame beyond memory: both take random ones here, as drawn always. */
#define PAGE_OF(pa) ((pa) / PAGE_SIZE)
static uint32_t
page_perm(struct fz_guest *g, unsigned page)
{
	switch (page) {
	case PAGE_OF(KCODE): case PAGE_OF(KCODE) + 1:          /* kernel code (patched) */
		return PTE_V | PTE_W | PTE_X;
	case PAGE_OF(HANDLER1): return PTE_V | PTE_X;          /* the trap handlers */
	case PAGE_OF(TRAPLOG):  return PTE_V | PTE_W;          /* trap log, kernel data */
	case PAGE_OF(L1_TABLE): case PAGE_OF(L2_TABLE):        /* the page tables */
	case PAGE_OF(L1_TABLE2): case PAGE_OF(L2_TABLE2):
		return PTE_V | (g->pt_writable ? PTE_W : 0);
	case PAGE_OF(UCODE):    return PTE_V | PTE_W | PTE_X | PTE_U;
	case PAGE_OF(UDATA):    return PTE_V | PTE_W | PTE_U;
	case PAGE_OF(U_RO):     return PTE_V | PTE_U;
	case PAGE_OF(U_NX):     return PTE_V | PTE_W | PTE_U;
	case PAGE_OF(HOLE):     return 0;
	case PAGE_OF(K_ONLY):   return PTE_V | PTE_W;
	case PAGE_OF(ALT_DATA): return PTE_V | PTE_W | PTE_U;
	default: return PTE_V | (fz_rnd(&g->rng) & (PTE_W | PTE_X | PTE_U));
	}
}

/* The guest's choices, before any code: the order of these draws is the
 * seed's meaning (fuzzgen_internal.h). */
static void
draw_guest(struct fz_guest *g, unsigned seed)
{
	/* "traplab" in ASCII, and the FNV prime, so seeds 0, 1, 2... start far apart */
	static const uint64_t salt = UINT64_C(0x747261706c6162), spread = UINT64_C(0x100000001b3);
	static const uint32_t bounds[] = { 0x2000, 0x4000, 0x8000, 0xa000, 0xc000, 0xffffffff };
	enum { TRAP_LIMIT_MIN = 100, TRAP_LIMIT_SPAN = 300 };
	g->rng.s = salt ^ ((uint64_t)seed * spread);
	struct fuzzgen_rng *r = &g->rng;
	g->paging = fz_chance(r, 45);
	g->timer = fz_chance(r, 55);
	g->user_srr = fz_chance(r, 50);
	g->trap_limit = TRAP_LIMIT_MIN + fz_below(r, TRAP_LIMIT_SPAN);
	g->rbound = bounds[fz_below(r, NELEMS(bounds))];
	g->pt_writable = g->paging && fz_chance(r, 50);
	g->user_sees_kernel = !g->paging && fz_chance(r, 25);
	if (g->user_sees_kernel)
		g->rbound = fz_chance(r, 50) ? FUZZGEN_MEMORY : 0xffffffff;
	g->u_va = g->paging || g->user_sees_kernel ? UCODE : 0;
	g->placement = fz_chance(r, 30) ? PLACE_IDENTITY : PLACE_RELOCATED;
}

/* Boot's scratch registers: a value, and the address it is stored at. */
enum { REG_VALUE = 1, REG_ADDR = 2 };

/* Boot, paging: two address spaces, 1:1, and 1:1 with UDATA and ALT_DATA
 * swapped; page 15 aliases PATCHF in one and ALT_FUNC in the other. */
static void
emit_page_tables(struct fz_guest *g, struct fz_body *k)
{
	for (int space = 0; space < 2; space++) {
		fz_put_const(k, REG_ADDR, space ? L2_TABLE2 : L2_TABLE);
		for (unsigned page = 0; page < MAPPED_PAGES; page++) {
			uint32_t frame = page < FUZZGEN_MEMORY / PAGE_SIZE ? page * PAGE_SIZE
									   : BEYOND_MEMORY;
			uint32_t perm = page_perm(g, page);
			if (space && page == UDATA / PAGE_SIZE)
				frame = ALT_DATA;
			if (space && page == ALT_DATA / PAGE_SIZE)
				frame = UDATA;
			if (page == ALIAS_PAGE) {
				frame = (space ? ALT_FUNC : PATCHF) & PTE_FRAME_MASK;
				perm = PTE_V | PTE_X;
			}
			if (perm) {
				fz_put_const(k, REG_VALUE, frame | perm);
				fz_put(k, fz_enc(OP_stw, REG_VALUE, REG_ADDR, 0,
						 (int32_t)(page * ISA_WORD)));
			}
		}
		/* one level-1 entry: the first 4 MiB, all the guest uses */
		fz_put_const(k, REG_ADDR, space ? L1_TABLE2 : L1_TABLE);
		fz_put_const(k, REG_VALUE, (space ? L2_TABLE2 : L2_TABLE) | PTE_V);
		fz_put(k, fz_enc(OP_stw, REG_VALUE, REG_ADDR, 0, 0));
	}
	fz_put_const(k, REG_ADDR, fz_chance(&g->rng, 50) ? L1_TABLE : L1_TABLE2);
	fz_put(k, fz_enc(OP_mtcr, CR_ptbr, REG_ADDR, 0, 0));
	fz_put(k, fz_enc(OP_addi, REG_VALUE, 0, 0, MMU_PG));
	fz_put(k, fz_enc(OP_mtcr, CR_mmu, REG_VALUE, 0, 0));
}

/* Boot: the trap vector, paging, the timer, random registers, the bases. */
static void
emit_boot(struct fz_guest *g, struct fz_body *k)
{
	enum { TIMER_MIN = 40, TIMER_SPAN = 400 };
	struct fuzzgen_rng *r = &g->rng;
	fz_put(k, fz_enc(OP_addi, REG_VALUE, 0, 0, HANDLER1));
	fz_put(k, fz_enc(OP_mtcr, CR_tvec, REG_VALUE, 0, 0));
	if (g->paging)
		emit_page_tables(g, k);
	if (g->timer) {
		fz_put(k, fz_enc(OP_addi, REG_VALUE, 0, 0,
				 (int32_t)(TIMER_MIN + fz_below(r, TIMER_SPAN))));
		fz_put(k, fz_enc(OP_out, 0, REG_VALUE, 0, PORT_TIMER_INTERVAL));
	}
	for (unsigned i = 0; i < sizeof fz_writable_regs; i++)
		fz_put_const(k, fz_writable_regs[i], fz_rand_value(r));
	fz_put_const(k, REG_BASE, KDATA);
	fz_put_const(k, REG_EDGE, FUZZGEN_MEMORY - EDGE_GAP);
}

/* A user PSW for rti or wrpsw (SPEC §3.2): IE most of the time, random flags. */
static uint32_t
user_psw(struct fuzzgen_rng *r)
{
	uint32_t ie = fz_chance(r, 70) ? PSW_IE : 0;
	uint32_t flags = fz_rnd(r) & PSW_FLAGS;
	return ie | flags;
}

/* The end of the kernel: the user region, the user's bases, and into user
 * mode by one of the three ways (SPEC §8.5): rti, juser, or wrpsw. */
static unsigned
emit_enter_user(struct fz_guest *g, struct fz_body *k)
{
	struct fuzzgen_rng *r = &g->rng;
	fz_mark(k);
	fz_put(k, fz_enc(OP_di, 0, 0, 0, 0));
	fz_put_const(k, REG_S2, g->user_sees_kernel ? 0 : UCODE);
	fz_put(k, fz_enc(OP_mtcr, CR_rbase, REG_S2, 0, 0));
	fz_put_const(k, REG_S2, g->rbound);
	fz_put(k, fz_enc(OP_mtcr, CR_rbound, REG_S2, 0, 0));
	uint32_t user_space = g->user_sees_kernel ? FUZZGEN_MEMORY : FUZZGEN_MEMORY - UCODE;
	uint32_t user_end = g->paging ? FUZZGEN_MEMORY
			  : g->rbound < user_space ? g->rbound : user_space;
	fz_put_const(k, REG_BASE, g->u_va + (UDATA - UCODE));
	fz_put_const(k, REG_EDGE, user_end - EDGE_GAP);
	fz_put_const(k, REG_S2, g->u_va);
	if (g->user_sees_kernel && fz_chance(r, 30)) {
		/* the next instruction already runs in user mode (rbase 0:
		 * the kernel's code is the user's) */
		fz_put_const(k, REG_S1, user_psw(r));
		fz_put(k, fz_enc(OP_wrpsw, 0, REG_S1, 0, 0));
		fz_put(k, fz_enc(OP_jr, 0, REG_S2, 0, 0));
		return FUZZGEN_ENTER_WRPSW;
	}
	if (fz_chance(r, 60)) {
		fz_put_const(k, REG_S1, user_psw(r));
		fz_put(k, fz_enc(OP_mtcr, CR_epc, REG_S2, 0, 0));
		fz_put(k, fz_enc(OP_mtcr, CR_epsw, REG_S1, 0, 0));
		fz_put(k, fz_enc(OP_rti, 0, 0, 0, 0));
		return FUZZGEN_ENTER_RTI;
	}
	if (fz_chance(r, 60))
		fz_put(k, fz_enc(OP_ei, 0, 0, 0, 0));
	fz_put(k, fz_enc(OP_juser, 0, REG_S2, 0, 0));
	return FUZZGEN_ENTER_JUSER;
}

/* The user body, ending in a system-call loop (or a wild jump first). */
static unsigned
emit_user(struct fz_guest *g, struct fz_body *u)
{
	enum { EXTRA_SPAN = 80 };
	struct fuzzgen_rng *r = &g->rng;
	unsigned wild = 0;
	*u = (struct fz_body){ .img = g->img, .pa = UCODE, .end = UCODE + PAGE_SIZE, .sup = false,
			       .va_minus_pa = g->u_va - UCODE };
	fz_emit_body(g, u, fz_below(r, EXTRA_SPAN));
	fz_mark(u);
	if (fz_chance(r, 8)) {
		/* into the no-execute page (relocation: past the bound, maybe) */
		fz_put_const(u, REG_S2, g->u_va + (U_NX - UCODE));
		fz_put(u, fz_enc(OP_jr, 0, REG_S2, 0, 0));
		wild = FUZZGEN_WILD_JUMP;
	}
	fz_put(u, fz_enc(OP_sys, 0, 0, 0, 0));
	fz_put(u, fz_enc(OP_b, 0, 0, 0, -2));
	fz_resolve(u);
	return wild;
}

static unsigned
guest_features(const struct fz_guest *g)
{
	return (g->paging ? FUZZGEN_PAGING : 0) | (g->timer ? FUZZGEN_TIMER : 0) |
	       FUZZGEN_USER_MODE | (g->user_srr ? FUZZGEN_USER_SRR : 0) |
	       (g->pt_writable ? FUZZGEN_PT_EDITS : 0) |
	       (g->user_sees_kernel ? FUZZGEN_USER_SEES_KERNEL : 0) |
	       (g->placement == PLACE_IDENTITY ? FUZZGEN_IDENTITY : 0);
}

void
fuzzgen_guest(unsigned seed, struct fuzzgen_image *out)
{
	enum { KERNEL_EXTRA_SPAN = 60 };
	memset(out, 0, sizeof *out);
	struct fz_guest g = { .img = out->words };
	draw_guest(&g, seed);
	/* PATCHF and ALT_FUNC: one quiet instruction, then return */
	out->words[PATCHF / ISA_WORD] = fz_gen_simple(&g, true, LOOP_RD_MAX, true);
	out->words[PATCHF / ISA_WORD + 1] = fz_enc(OP_jr, 0, ISA_REG_LR, 0, 0);
	out->words[ALT_FUNC / ISA_WORD] = fz_gen_simple(&g, true, LOOP_RD_MAX, true);
	out->words[ALT_FUNC / ISA_WORD + 1] = fz_enc(OP_jr, 0, ISA_REG_LR, 0, 0);
	fz_emit_handler(&g, HANDLER1, g.paging ? ALIAS_FUNC : PATCHF);
	fz_emit_handler(&g, HANDLER2, 0);

	/* a body is 24 KiB of marks and fix-ups: on the heap */
	struct fz_body *k = calloc(1, sizeof *k);
	struct fz_body *u = calloc(1, sizeof *u);
	if (!k || !u)
		abort();
	*k = (struct fz_body){ .img = out->words, .pa = KCODE, .end = KCODE_END, .sup = true };
	emit_boot(&g, k);
	fz_emit_body(&g, k, fz_below(&g.rng, KERNEL_EXTRA_SPAN));
	unsigned entry = emit_enter_user(&g, k);
	fz_resolve(k);
	unsigned wild = emit_user(&g, u);
	free(k);
	free(u);

	out->seed = seed;
	out->size = FUZZGEN_MEMORY;
	out->memory = FUZZGEN_MEMORY;
	out->placement = g.placement;
	out->budget = FUZZGEN_GUEST_BUDGET;
	out->features = guest_features(&g) | entry | wild;
	out->trap_limit = g.trap_limit;
}

/* ===== hostile guests ============================================================ */

/* A wild jump: anywhere, into the image, or misaligned; rti goes there
 * through epc.  Returns the words written (at most 4, fewer at the end). */
static size_t
hostile_jump(struct fuzzgen_rng *r, uint32_t *img, size_t i, size_t words)
{
	static const enum isa_opcode jumps[] = { OP_jr, OP_callr, OP_juser, OP_rti };
	enum { JUMP_REG_SPAN = 13 };
	size_t at = i;
	unsigned reg = 1 + fz_below(r, JUMP_REG_SPAN);
	uint32_t target = fz_chance(r, 50) ? fz_rnd(r) : fz_below(r, (uint32_t)words * ISA_WORD);
	img[i++] = fz_enc(OP_lui, reg, 0, 0, (int32_t)(target >> 16));
	img[i++] = fz_enc(OP_ori, reg, reg, 0, (int32_t)(target & 0xffff));
	enum isa_opcode j = jumps[fz_below(r, NELEMS(jumps))];
	if (j == OP_rti && i < words)
		img[i++] = fz_enc(OP_mtcr, CR_epc, reg, 0, 0);
	if (i < words)
		img[i++] = fz_enc(j, 0, j == OP_rti ? 0 : reg, 0, 0);
	return i - at;
}

/* Any opcode with any operands, its destination any register (a control
 * register for mtcr), branches mostly near. */
static uint32_t
hostile_insn(struct fuzzgen_rng *r)
{
	enum { NEAR_SPAN = 17, NEAR_BIAS = 8, OFF24_SHIFT = 8 };
	enum isa_opcode op = (enum isa_opcode)fz_below(r, OP_COUNT);
	uint32_t w = fz_gen_operands(r, op, 0);
	struct isa_insn in;
	isa_decode(w, &in);
	in.rd = (uint8_t)fz_below(r, isa_op_info(op)->format == FMT_CRW ? ISA_NUM_CRS
									: ISA_NUM_GPRS);
	if (isa_op_info(op)->format == FMT_BR) {
		if (fz_chance(r, 80))
			in.imm = (int32_t)fz_below(r, NEAR_SPAN) - NEAR_BIAS;
		else
			in.imm = (int32_t)(fz_rnd(r) << OFF24_SHIFT) >> OFF24_SHIFT;
	}
	return isa_encode(&in);
}

/* Garbage in supervisor mode: random words, legal instructions with random
 * operands, wild jumps, a random trap vector (misaligned one time in 20). */
static unsigned
hostile_generate(struct fuzzgen_rng *r, uint32_t *img, size_t words)
{
	enum { MISALIGN = 2 };
	size_t i = 0;
	unsigned features = 0;
	if (fz_chance(r, 75)) {
		uint32_t tvec = fz_below(r, (uint32_t)words) * ISA_WORD;
		if (fz_chance(r, 5))
			tvec |= MISALIGN;
		img[i++] = fz_enc(OP_addi, 1, 0, 0, (int32_t)tvec);
		img[i++] = fz_enc(OP_mtcr, CR_tvec, 1, 0, 0);
		features |= FUZZGEN_TVEC;
	}
	while (i < words) {
		unsigned pick = fz_below(r, 100);
		if (pick < 30)
			img[i++] = fz_rnd(r);
		else if (pick < 85)
			img[i++] = hostile_insn(r);
		else if (i + 2 <= words)
			i += hostile_jump(r, img, i, words);
		else
			img[i++] = fz_rnd(r);
	}
	return features;
}

void
fuzzgen_hostile(unsigned seed, struct fuzzgen_image *out)
{
	/* "hostile" in ASCII; the seed above its low 20 bits */
	static const uint64_t salt = UINT64_C(0x686f7374696c65);
	enum { SEED_SHIFT = 20, MIN_WORDS = 64, MAX_WORDS = 1024 };
	memset(out, 0, sizeof *out);
	struct fuzzgen_rng r = { salt ^ ((uint64_t)seed << SEED_SHIFT) };
	size_t words = MIN_WORDS + fz_below(&r, MAX_WORDS - MIN_WORDS);
	unsigned features = FUZZGEN_HOSTILE | hostile_generate(&r, out->words, words);
	bool small = fz_chance(&r, 25);
	bool identity = fz_chance(&r, 30);
	out->seed = seed;
	out->hostile = true;
	out->size = words * ISA_WORD;
	out->memory = small ? FUZZGEN_HOSTILE_SMALL_MEMORY : FUZZGEN_MEMORY;
	out->placement = identity ? PLACE_IDENTITY : PLACE_RELOCATED;
	out->budget = FUZZGEN_HOSTILE_BUDGET;
	out->features = features | (small ? FUZZGEN_SMALL_MEMORY : 0) |
			(identity ? FUZZGEN_IDENTITY : 0);
}

/* ===== naming what was made ====================================================== */

static const char *const feature_names[FUZZGEN_FEATURE_COUNT] = {
	"paging", "timer", "user mode", "user srr", "page-table edits", "user sees kernel",
	"enters user mode by rti", "enters user mode by juser", "enters user mode by wrpsw",
	"wild jump", "hostile", "trap vector", "16 KiB", "identity placement",
};

const char *
fuzzgen_feature_name(unsigned feature)
{
	for (unsigned i = 0; i < FUZZGEN_FEATURE_COUNT; i++)
		if (feature == 1u << i)
			return feature_names[i];
	return NULL;
}

char *
fuzzgen_describe(const struct fuzzgen_image *img, char *buf, size_t len)
{
	size_t used = 0;
	buf[0] = '\0';
	if (!img->hostile && !(img->features & FUZZGEN_PAGING))
		used += (size_t)snprintf(buf, len, "relocation");
	for (unsigned i = 0; i < FUZZGEN_FEATURE_COUNT && used < len; i++)
		if (img->features & (1u << i))
			used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? ", " : "",
						 feature_names[i]);
	return buf;
}

int
fuzzgen_symbols(const struct fuzzgen_image *img, struct symtab *syms)
{
	static const struct { const char *name; uint32_t at; } layout[] = {
		{ "boot", KCODE }, { "patchf", PATCHF }, { "handler1", HANDLER1 },
		{ "handler2", HANDLER2 }, { "traplog", TRAPLOG }, { "kdata", KDATA },
		{ "l1_table", L1_TABLE }, { "l2_table", L2_TABLE }, { "user_code", UCODE },
		{ "user_data", UDATA }, { "user_read_only", U_RO }, { "user_no_execute", U_NX },
		{ "hole", HOLE }, { "kernel_only", K_ONLY }, { "l1_table2", L1_TABLE2 },
		{ "l2_table2", L2_TABLE2 }, { "alt_data", ALT_DATA }, { "alt_func", ALT_FUNC },
	};
	if (img->hostile)
		return symtab_add(syms, "start", 0, SYMBOL_LABEL);
	for (size_t i = 0; i < NELEMS(layout); i++)
		if (symtab_add(syms, layout[i].name, layout[i].at, SYMBOL_LABEL) < 0)
			return -1;
	return 0;
}
