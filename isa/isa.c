/* isa.c — encode, decode and name look-ups for PG32, all expanded from
 * opcodes.def and the tables in isa.h (isa/SPEC.md §7).  Used by every
 * other part of TrapLab; Lab 1 and Lab 2 read it.
 */
#include "isa.h"

#include <string.h>
#include <strings.h>

static const struct isa_op_info op_table[OP_COUNT] = {
#define PG32_OP(name_, code_, fmt_, strict_, legacy_, hybrid_, meaning_) \
	[OP_##name_] = { .name = #name_, .code = code_, .format = fmt_,    \
			 .cls = { strict_, legacy_, hybrid_ }, .meaning = meaning_ },
#include "opcodes.def"
#undef PG32_OP
};

/* Opcode byte -> OP_x + 1, so that 0 means "no such instruction". */
static const uint8_t op_by_code[1u << ISA_OPCODE_WIDTH] = {
#define PG32_OP(name_, code_, fmt_, strict_, legacy_, hybrid_, meaning_) \
	[code_] = OP_##name_ + 1,
#include "opcodes.def"
#undef PG32_OP
};

static const struct isa_format_info format_table[FMT_COUNT] = {
#define X(name_, fields_, imm_, syntax_) \
	[name_] = { .name = #name_, .fields = fields_, .imm = imm_, .syntax = syntax_ },
	PG32_FORMATS(X)
#undef X
};

static const char *const control_reg_names[ISA_NUM_CRS] = {
#define X(name_, num_, desc_) [num_] = #name_,
	PG32_CONTROL_REGS(X)
#undef X
};

static const char *const variant_names[ISA_VARIANT_COUNT] = {
	[ISA_STRICT] = "strict",
	[ISA_LEGACY] = "legacy",
	[ISA_HYBRID] = "hybrid",
};

const struct isa_op_info *
isa_op_info(enum isa_opcode op)
{
	return (unsigned)op < OP_COUNT ? &op_table[op] : NULL;
}

const struct isa_format_info *
isa_format_info(enum isa_format fmt)
{
	return (unsigned)fmt < FMT_COUNT ? &format_table[fmt] : NULL;
}

static int32_t
sign_extend(uint32_t value, unsigned width)
{
	uint32_t sign = 1u << (width - 1);
	return (int32_t)((value ^ sign) - sign);
}

/* The bits of a word that a format leaves unused (and so must be zero). */
static uint32_t
unused_bits(unsigned fields)
{
	uint32_t used = ISA_PUT(~0u, ISA_OPCODE_POS, ISA_OPCODE_WIDTH);
	if (fields & FIELD_RD)
		used |= ISA_PUT(~0u, ISA_RD_POS, ISA_REG_WIDTH);
	if (fields & FIELD_RS)
		used |= ISA_PUT(~0u, ISA_RS_POS, ISA_REG_WIDTH);
	if (fields & FIELD_RT)
		used |= ISA_PUT(~0u, ISA_RT_POS, ISA_REG_WIDTH);
	if (fields & FIELD_IMM16)
		used |= ISA_PUT(~0u, ISA_IMM16_POS, ISA_IMM16_WIDTH);
	if (fields & FIELD_OFF24)
		used |= ISA_PUT(~0u, ISA_OFF24_POS, ISA_OFF24_WIDTH);
	return ~used;
}

bool
isa_decode(uint32_t word, struct isa_insn *out)
{
	unsigned slot = op_by_code[ISA_GET(word, ISA_OPCODE_POS, ISA_OPCODE_WIDTH)];
	if (slot == 0)
		return false;
	const struct isa_op_info *info = &op_table[slot - 1];
	const struct isa_format_info *fmt = &format_table[info->format];
	if (word & unused_bits(fmt->fields))
		return false;

	out->op = (enum isa_opcode)(slot - 1);
	out->rd = (uint8_t)ISA_GET(word, ISA_RD_POS, ISA_REG_WIDTH);
	out->rs = (uint8_t)ISA_GET(word, ISA_RS_POS, ISA_REG_WIDTH);
	out->rt = (uint8_t)ISA_GET(word, ISA_RT_POS, ISA_REG_WIDTH);
	if (!(fmt->fields & FIELD_RD))
		out->rd = 0;
	if (!(fmt->fields & FIELD_RS))
		out->rs = 0;
	if (!(fmt->fields & FIELD_RT))
		out->rt = 0;

	uint32_t imm16 = ISA_GET(word, ISA_IMM16_POS, ISA_IMM16_WIDTH);
	switch (fmt->imm) {
	case IMM_NONE:       out->imm = 0; break;
	case IMM_SIGNED16:   out->imm = sign_extend(imm16, ISA_IMM16_WIDTH); break;
	case IMM_UNSIGNED16: out->imm = (int32_t)imm16; break;
	case IMM_BRANCH24:
		out->imm = sign_extend(ISA_GET(word, ISA_OFF24_POS, ISA_OFF24_WIDTH),
				       ISA_OFF24_WIDTH);
		break;
	}

	/* The control-register operand lives in a register field (SPEC §7.3). */
	if (info->format == FMT_CRR && out->rs >= ISA_NUM_CRS)
		return false;
	if (info->format == FMT_CRW && out->rd >= ISA_NUM_CRS)
		return false;
	return true;
}

uint32_t
isa_encode(const struct isa_insn *insn)
{
	const struct isa_op_info *info = &op_table[insn->op];
	unsigned fields = format_table[info->format].fields;
	uint32_t word = ISA_PUT(info->code, ISA_OPCODE_POS, ISA_OPCODE_WIDTH);
	if (fields & FIELD_RD)
		word |= ISA_PUT(insn->rd, ISA_RD_POS, ISA_REG_WIDTH);
	if (fields & FIELD_RS)
		word |= ISA_PUT(insn->rs, ISA_RS_POS, ISA_REG_WIDTH);
	if (fields & FIELD_RT)
		word |= ISA_PUT(insn->rt, ISA_RT_POS, ISA_REG_WIDTH);
	if (fields & FIELD_IMM16)
		word |= ISA_PUT(insn->imm, ISA_IMM16_POS, ISA_IMM16_WIDTH);
	if (fields & FIELD_OFF24)
		word |= ISA_PUT(insn->imm, ISA_OFF24_POS, ISA_OFF24_WIDTH);
	return word;
}

int
isa_opcode_by_name(const char *name)
{
	for (int op = 0; op < OP_COUNT; op++)
		if (strcasecmp(op_table[op].name, name) == 0)
			return op;
	return -1;
}

int
isa_register_by_name(const char *name)
{
	if (strcasecmp(name, "zero") == 0)
		return ISA_REG_ZERO;
	if (strcasecmp(name, "sp") == 0)
		return ISA_REG_SP;
	if (strcasecmp(name, "lr") == 0)
		return ISA_REG_LR;
	if ((name[0] != 'r' && name[0] != 'R') || name[1] < '0' || name[1] > '9')
		return -1;
	int n = name[1] - '0';
	if (name[2] == '\0')
		return n;
	if (n == 1 && name[2] >= '0' && name[2] <= '5' && name[3] == '\0')
		return 10 + (name[2] - '0');
	return -1;
}

int
isa_control_reg_by_name(const char *name)
{
	for (unsigned i = 0; i < ISA_NUM_CRS; i++)
		if (strcasecmp(control_reg_names[i], name) == 0)
			return (int)i;
	return -1;
}

const char *
isa_control_reg_name(unsigned num)
{
	return num < ISA_NUM_CRS ? control_reg_names[num] : NULL;
}

const char *
isa_cause_name(unsigned code)
{
	switch (code) {
#define X(name_, code_, desc_) case code_: return #name_;
	PG32_CAUSES(X)
#undef X
	}
	return NULL;
}

const char *
isa_cause_description(unsigned code)
{
	switch (code) {
#define X(name_, code_, desc_) case code_: return desc_;
	PG32_CAUSES(X)
#undef X
	}
	return NULL;
}

const char *
isa_access_name(enum isa_access access)
{
	switch (access) {
	case ACCESS_FETCH: return "fetch";
	case ACCESS_LOAD:  return "load";
	case ACCESS_STORE: return "store";
	}
	return "?";
}

const char *
isa_variant_name(enum isa_variant v)
{
	return (unsigned)v < ISA_VARIANT_COUNT ? variant_names[v] : "?";
}

int
isa_variant_by_name(const char *name)
{
	for (int v = 0; v < ISA_VARIANT_COUNT; v++)
		if (strcmp(variant_names[v], name) == 0)
			return v;
	return -1;
}

unsigned
isa_class(enum isa_opcode op, enum isa_variant v)
{
	return op_table[op].cls[v];
}
