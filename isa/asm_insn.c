/* asm_insn.c — instructions and pseudo-instructions for the assembler.
 * Operands are parsed by walking the format's syntax string from isa.h
 * ("rd, simm16(rs)", "cr, rs", ...), so a new format or instruction needs
 * no parser change; pseudo-instructions are a table of small expansions
 * into real instructions (ASSEMBLER.md §6 and §7, isa/SPEC.md §7).
 */
#include "asm_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum {
	MNEMONIC_MAX = 16,     /* longer than any mnemonic */
	SYNTAX_WORD_MAX = 16,  /* longer than any word of a syntax string */
	BRANCH_OFF_MIN = -(1 << (ISA_OFF24_WIDTH - 1)),
	BRANCH_OFF_MAX = (1 << (ISA_OFF24_WIDTH - 1)) - 1,
	HALF_BITS = 16,        /* li and la build a value from two halves */
	HALF_MASK = 0xffff,
};

/* The register slots a syntax string can name, and the field each fills. */
static const struct {
	const char *word;
	unsigned field;
} reg_slots[] = {
	{ "rd", FIELD_RD },
	{ "rs", FIELD_RS },
	{ "rt", FIELD_RT },
};
enum { REG_SLOTS = sizeof(reg_slots) / sizeof(reg_slots[0]) };

struct operands {
	int reg[REG_SLOTS];            /* -1: not named by the syntax */
	int cr;                        /* -1: none */
	struct asm_value imm;
	unsigned imm_col;
	char imm_word[SYNTAX_WORD_MAX]; /* "simm16", "uimm16", "port", "label", "imm32" */
};

static unsigned
insn_syntax_count(const char *syntax)
{
	unsigned n = *syntax ? 1 : 0;
	for (; *syntax; syntax++)
		n += *syntax == ',';
	return n;
}

/* Operands on the line: commas outside parentheses, plus one. */
static unsigned
insn_line_count(const struct asm_line *l)
{
	const struct asm_token *t = &l->toks[l->pos];
	unsigned n = t->kind == TOK_END ? 0 : 1;
	int depth = 0;
	for (; t->kind != TOK_END; t++) {
		depth += asm_tok_is(t, '(') - asm_tok_is(t, ')');
		n += depth == 0 && asm_tok_is(t, ',');
	}
	return n;
}

static int
insn_parse_reg(struct asm_ctx *c, struct asm_line *l, int *out)
{
	const struct asm_token *t = &l->toks[l->pos];
	char name[ASM_SHOW_MAX];
	if (t->kind == TOK_IDENT && asm_tok_copy(t, name, sizeof(name))) {
		*out = isa_register_by_name(name);
		if (*out >= 0) {
			l->pos++;
			return 0;
		}
		/* r16, R99: meant as a register, not as a symbol */
		if ((name[0] == 'r' || name[0] == 'R') && name[1] &&
		    strspn(name + 1, "0123456789") == strlen(name + 1)) {
			asm_error(c, t->col, "unknown register '%s'", name);
			return -1;
		}
	}
	asm_error_expected(c, t, "register");
	return -1;
}

/* A control register by name (tvec, epc, ...) or number (cr0..cr9). */
static int
insn_parse_cr(struct asm_ctx *c, struct asm_line *l, int *out)
{
	const struct asm_token *t = &l->toks[l->pos];
	char name[ASM_SHOW_MAX];
	if (t->kind != TOK_IDENT) {
		asm_error_expected(c, t, "control register");
		return -1;
	}
	if (asm_tok_copy(t, name, sizeof(name))) {
		*out = isa_control_reg_by_name(name);
		const char *digits = name + 2;
		if (*out < 0 && strncasecmp(name, "cr", 2) == 0 && *digits && strlen(digits) <= 2 &&
		    strspn(digits, "0123456789") == strlen(digits) && atoi(digits) < ISA_NUM_CRS)
			*out = atoi(digits);
		if (*out >= 0) {
			l->pos++;
			return 0;
		}
	}
	asm_error(c, t->col, "unknown control register '%.*s'", (int)t->len, t->text);
	return -1;
}

/* Walk the syntax string: register words, "cr", punctuation, and any other
 * word is an expression.  "simm16(rs)" also accepts "(rs)" for offset 0. */
static int
insn_parse_operands(struct asm_ctx *c, struct asm_line *l, const char *syntax, struct operands *o)
{
	for (unsigned i = 0; i < REG_SLOTS; i++)
		o->reg[i] = -1;
	o->cr = -1;
	o->imm = (struct asm_value){ .known = true };
	for (const char *s = syntax; *s;) {
		const struct asm_token *t = &l->toks[l->pos];
		if (*s == ' ') {
			s++;
			continue;
		}
		if (*s == ',' || *s == '(' || *s == ')') {
			char what[] = { '\'', *s, '\'', '\0' };
			if (!asm_tok_is(t, *s)) {
				asm_error_expected(c, t, what);
				return -1;
			}
			l->pos++;
			s++;
			continue;
		}
		char word[SYNTAX_WORD_MAX];
		size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789");
		snprintf(word, sizeof(word), "%.*s", (int)n, s);
		s += n;
		unsigned slot = 0;
		while (slot < REG_SLOTS && strcmp(word, reg_slots[slot].word) != 0)
			slot++;
		if (slot < REG_SLOTS) {
			if (insn_parse_reg(c, l, &o->reg[slot]) < 0)
				return -1;
		} else if (strcmp(word, "cr") == 0) {
			if (insn_parse_cr(c, l, &o->cr) < 0)
				return -1;
		} else {
			o->imm_col = t->col;
			memcpy(o->imm_word, word, sizeof(word));
			char reg[ASM_SHOW_MAX];
			bool bare = *s == '(' && asm_tok_is(t, '(') && t[1].kind == TOK_IDENT &&
				    asm_tok_copy(&t[1], reg, sizeof(reg)) && isa_register_by_name(reg) >= 0;
			if (!bare && asm_expr(c, l, &o->imm) < 0)
				return -1;
		}
	}
	return asm_expect_end(c, l);
}

static int
insn_emit(struct asm_ctx *c, enum isa_opcode op, int rd, int rs, int rt, int64_t imm, unsigned col)
{
	struct isa_insn in = {
		.op = op, .rd = (uint8_t)rd, .rs = (uint8_t)rs, .rt = (uint8_t)rt, .imm = (int32_t)imm,
	};
	return asm_emit_word(c, isa_encode(&in), col);
}

/* target - (pc + 4), wrapping at 4 GiB as the machine's pc does. */
static int64_t
insn_pc_offset(uint64_t pc, int64_t target)
{
	return (int32_t)((uint32_t)target - (uint32_t)(pc + ISA_WORD));
}

/* The immediate field of a real instruction, checked for its format. */
static int
insn_immediate(struct asm_ctx *c, const char *name, const struct isa_format_info *fmt,
	       const struct operands *o, int64_t *imm)
{
	const struct asm_value *v = &o->imm;
	*imm = v->v;
	if (strcmp(o->imm_word, "label") != 0) {
		const char *what = strcmp(o->imm_word, "port") == 0 ? "port" : "immediate";
		if (fmt->imm == IMM_SIGNED16)
			return asm_check_range(c, v, o->imm_col, what, name, INT16_MIN, INT16_MAX);
		return asm_check_range(c, v, o->imm_col, what, name, 0, UINT16_MAX);
	}
	/* A target address: the word holds its distance from pc + 4. */
	if (!v->known)
		return 0;
	if (asm_check_range(c, v, o->imm_col, "address", name, INT32_MIN, UINT32_MAX) < 0)
		return -1;
	uint32_t target = (uint32_t)v->v;
	int64_t off = insn_pc_offset(c->loc, v->v);
	if (fmt->imm == IMM_BRANCH24) {
		if (target % ISA_WORD) {
			asm_error(c, o->imm_col, "branch target 0x%08x is not word-aligned", target);
			return -1;
		}
		*imm = off / ISA_WORD;
		if (*imm < BRANCH_OFF_MIN || *imm > BRANCH_OFF_MAX) {
			asm_error(c, o->imm_col, "branch target 0x%08x out of range", target);
			return -1;
		}
		return 0;
	}
	*imm = off;
	if (off < INT16_MIN || off > INT16_MAX) {
		asm_error(c, o->imm_col, "target 0x%08x out of range for '%s' (%d..%d bytes from pc + 4)",
			  target, name, INT16_MIN, INT16_MAX);
		return -1;
	}
	return 0;
}

static void
insn_real(struct asm_ctx *c, enum isa_opcode op, const struct operands *o, unsigned col)
{
	const struct isa_op_info *info = isa_op_info(op);
	const struct isa_format_info *fmt = isa_format_info(info->format);
	int regs[REG_SLOTS];
	unsigned named = 0;
	for (unsigned i = 0; i < REG_SLOTS; i++) {
		regs[i] = o->reg[i] < 0 ? 0 : o->reg[i];
		named |= o->reg[i] < 0 ? 0 : reg_slots[i].field;
	}
	/* A control register sits in the register field the syntax leaves
	 * unnamed: rs for "rd, cr", rd for "cr, rs" (SPEC.md §7.3). */
	for (unsigned i = 0; i < REG_SLOTS && o->cr >= 0; i++)
		if ((fmt->fields & reg_slots[i].field) && !(named & reg_slots[i].field))
			regs[i] = o->cr;
	int64_t imm = 0;
	if (fmt->imm != IMM_NONE && insn_immediate(c, info->name, fmt, o, &imm) < 0)
		return;
	insn_emit(c, op, regs[0], regs[1], regs[2], imm, col);
}

/* ===== Pseudo-instructions =============================================== */

enum { RD, RS };  /* slots in struct operands, in reg_slots order */

/* lui rd, hi16; ori rd, rd, lo16 */
static void
pseudo_la(struct asm_ctx *c, const struct operands *o, unsigned col)
{
	uint32_t v = (uint32_t)o->imm.v;
	if (insn_emit(c, OP_lui, o->reg[RD], 0, 0, v >> HALF_BITS, col) == 0)
		insn_emit(c, OP_ori, o->reg[RD], o->reg[RD], 0, v & HALF_MASK, col);
}

/* addi rd, zero, v when pass 1 knows v fits in 16 signed bits, else as la.
 * Pass 1 decides and pass 2 obeys, so both passes agree on the size. */
static void
pseudo_li(struct asm_ctx *c, const struct operands *o, unsigned col)
{
	struct asm_stmt *st = asm_stmt_current(c);
	if (c->pass == 1)
		st->li_long = !(o->imm.known && o->imm.v >= INT16_MIN && o->imm.v <= INT16_MAX);
	if (st->li_long)
		pseudo_la(c, o, col);
	else
		insn_emit(c, OP_addi, o->reg[RD], ISA_REG_ZERO, 0, o->imm.v, col);
}

static void
pseudo_mov(struct asm_ctx *c, const struct operands *o, unsigned col)
{
	insn_emit(c, OP_add, o->reg[RD], o->reg[RS], ISA_REG_ZERO, 0, col);
}

static void
pseudo_nop(struct asm_ctx *c, const struct operands *o, unsigned col)
{
	(void)o;
	insn_emit(c, OP_add, ISA_REG_ZERO, ISA_REG_ZERO, ISA_REG_ZERO, 0, col);
}

static void
pseudo_ret(struct asm_ctx *c, const struct operands *o, unsigned col)
{
	(void)o;
	insn_emit(c, OP_jr, 0, ISA_REG_LR, 0, 0, col);
}

static void
pseudo_neg(struct asm_ctx *c, const struct operands *o, unsigned col)
{
	insn_emit(c, OP_sub, o->reg[RD], ISA_REG_ZERO, o->reg[RS], 0, col);
}

static void
pseudo_push(struct asm_ctx *c, const struct operands *o, unsigned col)
{
	if (insn_emit(c, OP_addi, ISA_REG_SP, ISA_REG_SP, 0, -ISA_WORD, col) == 0)
		insn_emit(c, OP_stw, o->reg[RS], ISA_REG_SP, 0, 0, col);
}

static void
pseudo_pop(struct asm_ctx *c, const struct operands *o, unsigned col)
{
	if (insn_emit(c, OP_ldw, o->reg[RD], ISA_REG_SP, 0, 0, col) == 0)
		insn_emit(c, OP_addi, ISA_REG_SP, ISA_REG_SP, 0, ISA_WORD, col);
}

/* "imm32" is any 32-bit value, signed or unsigned. */
static const struct pseudo {
	const char *name;
	const char *syntax;
	void (*expand)(struct asm_ctx *c, const struct operands *o, unsigned col);
} pseudos[] = {
	{ "li",   "rd, imm32", pseudo_li },
	{ "la",   "rd, imm32", pseudo_la },
	{ "mov",  "rd, rs",    pseudo_mov },
	{ "nop",  "",          pseudo_nop },
	{ "ret",  "",          pseudo_ret },
	{ "neg",  "rd, rs",    pseudo_neg },
	{ "push", "rs",        pseudo_push },
	{ "pop",  "rd",        pseudo_pop },
};

void
asm_instruction(struct asm_ctx *c, struct asm_line *l, const struct asm_token *tok)
{
	char name[MNEMONIC_MAX] = "";
	int op = asm_tok_copy(tok, name, sizeof(name)) ? isa_opcode_by_name(name) : -1;
	const struct pseudo *ps = NULL;
	for (size_t i = 0; op < 0 && i < sizeof(pseudos) / sizeof(pseudos[0]); i++)
		if (asm_tok_equals(tok, pseudos[i].name))
			ps = &pseudos[i];
	if (op < 0 && !ps) {
		asm_error(c, tok->col, "unknown mnemonic '%.*s'", (int)tok->len, tok->text);
		return;
	}
	const struct isa_op_info *info = ps ? NULL : isa_op_info((enum isa_opcode)op);
	const char *canon = ps ? ps->name : info->name;
	const char *syntax = ps ? ps->syntax : isa_format_info(info->format)->syntax;

	if (c->loc % ISA_WORD) {
		asm_error(c, tok->col, "instruction at unaligned address 0x%08llx; add .align %d",
			  (unsigned long long)c->loc, ISA_WORD);
		return;
	}
	/* A malformed token (bad number, unterminated string) explains more
	 * than an operand count that it threw off. */
	for (size_t i = l->pos; l->toks[i].kind != TOK_END; i++) {
		if (l->toks[i].kind == TOK_BAD) {
			asm_error_token(c, &l->toks[i]);
			return;
		}
	}
	unsigned want = insn_syntax_count(syntax), have = insn_line_count(l);
	if (want != have) {
		if (want == 0)
			asm_error(c, tok->col, "'%s' takes no operands, found %u", canon, have);
		else
			asm_error(c, tok->col, "'%s' takes %u operand%s (%s), found %u", canon, want,
				  want == 1 ? "" : "s", syntax, have);
		return;
	}
	struct operands o;
	if (insn_parse_operands(c, l, syntax, &o) < 0)
		return;
	if (ps) {
		if (asm_check_range(c, &o.imm, o.imm_col, "value", canon, INT32_MIN, UINT32_MAX) == 0)
			ps->expand(c, &o, tok->col);
	} else {
		insn_real(c, (enum isa_opcode)op, &o, tok->col);
	}
}
