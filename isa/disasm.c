/* disasm.c — the PG32 disassembler: one print helper per operand format,
 * picked through opcodes.def's format column, so there is no per-opcode
 * switch (isa/SPEC.md §7).  Its output re-assembles to the
 * same bytes.  `traplab disasm`, the monitor's `disassemble` and traces
 * use it; Lab 1 reads it next to asm_insn.c.
 */
#include "disasm.h"

#include <ctype.h>
#include <stdarg.h>
#include <string.h>

#include "isa.h"

enum {
	MNEMONIC_COLUMN = 8,   /* operands start here: "add     r1, r2, r3" */
	COMMENT_COLUMN = 32,   /* "; ADDRESS: WORD" starts here */
	LINE_MAX_LEN = 160,
	ZERO_RUN_MIN = 2,      /* this many zero words or more become .org */
};

/* snprintf-style output that keeps counting after the buffer is full. */
struct disasm_out {
	char *buf;
	size_t len;
	size_t n;
};

static void
disasm_add(struct disasm_out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
disasm_add(struct disasm_out *o, const char *fmt, ...)
{
	size_t room = o->n < o->len ? o->len - o->n : 0;
	va_list ap;
	va_start(ap, fmt);
	int k = vsnprintf(room ? o->buf + o->n : NULL, room, fmt, ap);
	va_end(ap);
	if (k > 0)
		o->n += (size_t)k;
}

static const char *const gpr_names[ISA_NUM_GPRS] = {
	[ISA_REG_ZERO] = "zero", "r1", "r2", "r3", "r4", "r5", "r6", "r7",
	"r8", "r9", "r10", "r11", "r12", "r13", [ISA_REG_SP] = "sp", [ISA_REG_LR] = "lr",
};

/* Only a name the assembler accepts as a label may stand for an address. */
static bool
disasm_name_ok(const char *name)
{
	if (!(isalpha((unsigned char)name[0]) || name[0] == '_' || name[0] == '.') ||
	    strcmp(name, ".") == 0 || isa_register_by_name(name) >= 0)
		return false;
	for (const char *p = name + 1; *p; p++)
		if (!(isalnum((unsigned char)*p) || strchr("_.$", *p)))
			return false;
	return true;
}

static void
disasm_target(struct disasm_out *o, uint32_t addr, const struct symtab *syms)
{
	const struct symbol *s = syms ? symtab_label_at(syms, addr) : NULL;
	if (s && disasm_name_ok(s->name))
		disasm_add(o, "%s", s->name);
	else
		disasm_add(o, "0x%08x", addr);
}

/* ===== One helper per format (isa.h PG32_FORMATS) ======================== */
struct disasm_args {
	struct disasm_out *o;
	const struct isa_insn *in;
	uint32_t pc;
	const struct symtab *syms;
};

typedef void disasm_fmt_fn(const struct disasm_args *a);

#define GPR(field) gpr_names[a->in->field]

static void
fmt_rrr(const struct disasm_args *a)
{
	disasm_add(a->o, "%s, %s, %s", GPR(rd), GPR(rs), GPR(rt));
}

static void
fmt_rri(const struct disasm_args *a)
{
	disasm_add(a->o, "%s, %s, %d", GPR(rd), GPR(rs), a->in->imm);
}

static void
fmt_rru(const struct disasm_args *a)
{
	disasm_add(a->o, "%s, %s, 0x%x", GPR(rd), GPR(rs), (unsigned)a->in->imm);
}

static void
fmt_ru(const struct disasm_args *a)
{
	disasm_add(a->o, "%s, 0x%x", GPR(rd), (unsigned)a->in->imm);
}

static void
fmt_mem(const struct disasm_args *a)
{
	disasm_add(a->o, "%s, %d(%s)", GPR(rd), a->in->imm, GPR(rs));
}

/* adr: the word holds the distance from pc + 4 in bytes. */
static void
fmt_adr(const struct disasm_args *a)
{
	disasm_add(a->o, "%s, ", GPR(rd));
	disasm_target(a->o, a->pc + ISA_WORD + (uint32_t)a->in->imm, a->syms);
}

static void
fmt_cmp(const struct disasm_args *a)
{
	disasm_add(a->o, "%s, %s", GPR(rs), GPR(rt));
}

static void
fmt_cmpi(const struct disasm_args *a)
{
	disasm_add(a->o, "%s, %d", GPR(rs), a->in->imm);
}

static void
fmt_br(const struct disasm_args *a)
{
	disasm_target(a->o, isa_branch_target(a->pc, a->in->imm), a->syms);
}

static void
fmt_r(const struct disasm_args *a)
{
	disasm_add(a->o, "%s", GPR(rs));
}

static void
fmt_d(const struct disasm_args *a)
{
	disasm_add(a->o, "%s", GPR(rd));
}

static void
fmt_none(const struct disasm_args *a)
{
	(void)a;
}

/* The control register sits in rs for mfcr and in rd for mtcr (SPEC §7.3). */
static void
fmt_crr(const struct disasm_args *a)
{
	disasm_add(a->o, "%s, %s", GPR(rd), isa_control_reg_name(a->in->rs));
}

static void
fmt_crw(const struct disasm_args *a)
{
	disasm_add(a->o, "%s, %s", isa_control_reg_name(a->in->rd), GPR(rs));
}

static void
fmt_in(const struct disasm_args *a)
{
	disasm_add(a->o, "%s, 0x%x", GPR(rd), (unsigned)a->in->imm);
}

static void
fmt_out(const struct disasm_args *a)
{
	disasm_add(a->o, "0x%x, %s", (unsigned)a->in->imm, GPR(rs));
}

#undef GPR

static disasm_fmt_fn *const format_printers[FMT_COUNT] = {
	[FMT_RRR] = fmt_rrr, [FMT_RRI] = fmt_rri, [FMT_RRU] = fmt_rru, [FMT_RU] = fmt_ru,
	[FMT_MEM] = fmt_mem, [FMT_ADR] = fmt_adr, [FMT_CMP] = fmt_cmp, [FMT_CMPI] = fmt_cmpi,
	[FMT_BR] = fmt_br,   [FMT_R] = fmt_r,     [FMT_D] = fmt_d,     [FMT_NONE] = fmt_none,
	[FMT_CRR] = fmt_crr, [FMT_CRW] = fmt_crw, [FMT_IN] = fmt_in,   [FMT_OUT] = fmt_out,
};

int
disasm_insn(uint32_t word, uint32_t pc, const struct symtab *syms, char *buf, size_t len)
{
	struct disasm_out o = { buf, len, 0 };
	struct isa_insn in;
	if (len > 0)
		buf[0] = '\0';
	if (!isa_decode(word, &in)) {
		disasm_add(&o, ".word 0x%08x", word);
		return (int)o.n;
	}
	const struct isa_op_info *info = isa_op_info(in.op);
	if (info->format == FMT_NONE) {
		disasm_add(&o, "%s", info->name);
		return (int)o.n;
	}
	disasm_add(&o, "%-*s", MNEMONIC_COLUMN, info->name);
	format_printers[info->format](&(struct disasm_args){ &o, &in, pc, syms });
	return (int)o.n;
}

/* ===== Whole images ====================================================== */

/* The first printable label at addr, or NULL. */
static const struct symbol *
disasm_label_at(const struct symtab *syms, uint32_t addr)
{
	const struct symbol *s = syms ? symtab_label_at(syms, addr) : NULL;
	const struct symbol *end = syms ? syms->entries + syms->count : NULL;
	for (; s && s < end && s->value == addr; s++)
		if (s->kind == SYMBOL_LABEL && disasm_name_ok(s->name))
			return s;
	return NULL;
}

static void
disasm_print_labels(FILE *out, const struct symtab *syms, uint64_t addr)
{
	const struct symbol *s = addr <= UINT32_MAX ? disasm_label_at(syms, (uint32_t)addr) : NULL;
	for (; s && s < syms->entries + syms->count && s->value == addr; s++)
		if (s->kind == SYMBOL_LABEL && disasm_name_ok(s->name))
			fprintf(out, "%s:\n", s->name);
}

static bool
disasm_label_inside(const struct symtab *syms, uint64_t from, uint64_t to)
{
	for (uint64_t a = from; a < to; a++)
		if (disasm_label_at(syms, (uint32_t)a))
			return true;
	return false;
}

static uint32_t
disasm_word(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Zero words from addr on that no label interrupts: where the run ends. */
static uint64_t
disasm_zero_run(const uint8_t *image, size_t size, const struct symtab *syms, uint64_t addr)
{
	uint64_t end = addr;
	while (end + ISA_WORD <= size && disasm_word(image + end) == 0 &&
	       (end == addr || !disasm_label_inside(syms, end, end + ISA_WORD)) &&
	       !disasm_label_inside(syms, end + 1, end + ISA_WORD))
		end += ISA_WORD;
	return end;
}

void
disasm_image(FILE *out, const uint8_t *image, size_t size, const struct symtab *syms)
{
	char text[LINE_MAX_LEN];
	for (size_t i = 0; syms && i < syms->count; i++)
		if (syms->entries[i].kind == SYMBOL_CONSTANT && disasm_name_ok(syms->entries[i].name))
			fprintf(out, "\t.equ %s, 0x%08x\n", syms->entries[i].name, syms->entries[i].value);

	uint64_t addr = 0;
	while (addr < size) {
		disasm_print_labels(out, syms, addr);
		uint64_t end = disasm_zero_run(image, size, syms, addr);
		if (end - addr >= ZERO_RUN_MIN * ISA_WORD) {
			/* .org only moves the location: the gap is zero because
			 * something follows it.  At the very end, emit the zeros. */
			if (end < size)
				fprintf(out, "\t.org 0x%08llx\n", (unsigned long long)end);
			else
				fprintf(out, "\t.space %llu\n", (unsigned long long)(end - addr));
			addr = end;
			continue;
		}
		if (addr + ISA_WORD > size || disasm_label_inside(syms, addr + 1, addr + ISA_WORD)) {
			/* A partial word, or a label inside the word: byte by byte. */
			uint64_t stop = addr + ISA_WORD < size ? addr + ISA_WORD : size;
			for (uint64_t b = addr; b < stop; b++) {
				if (b != addr)
					disasm_print_labels(out, syms, b);
				snprintf(text, sizeof(text), ".byte 0x%02x", image[b]);
				fprintf(out, "\t%-*s; %08llx\n", COMMENT_COLUMN, text, (unsigned long long)b);
			}
			addr = stop;
			continue;
		}
		uint32_t word = disasm_word(image + addr);
		disasm_insn(word, (uint32_t)addr, syms, text, sizeof(text));
		fprintf(out, "\t%-*s; %08llx: %08x\n", COMMENT_COLUMN, text, (unsigned long long)addr, word);
		addr += ISA_WORD;
	}
	/* Labels past the last byte (an `end:` label, say) need a .org, which
	 * moves the location without emitting anything. */
	for (size_t i = 0; syms && i < syms->count; i++) {
		const struct symbol *s = &syms->entries[i];
		if (s->kind != SYMBOL_LABEL || s->value < size || !disasm_name_ok(s->name))
			continue;
		if (s->value > addr) {
			fprintf(out, "\t.org 0x%08x\n", s->value);
			addr = s->value;
		}
		fprintf(out, "%s:\n", s->name);
	}
}
