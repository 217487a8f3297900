/* test_roundtrip.c — the one test that walks the whole opcode table:
 * for every instruction in opcodes.def, encode → decode →
 * disassemble → assemble must give back the same word, and random words
 * either decode and re-encode to themselves or are printed as .word.
 * A new row in opcodes.def is covered here without writing a test.
 */
#include <stdio.h>
#include <string.h>

#include "asm.h"
#include "disasm.h"
#include "isa.h"
#include "support.h"

enum {
	TEST_PC = 0x1000,        /* where each instruction is assembled */
	COMBOS = 5,              /* operand combinations per opcode */
	RANDOM_PER_OPCODE = 80,  /* 256 opcode bytes x 80 = 20480 random words */
	RANDOM_SEED = 0x5eed1234,
	TEXT_MAX = 128,
};

/* Register numbers tried, and immediates per kind: the extremes and 0. */
static const uint8_t test_regs[COMBOS] = { 0, 1, 9, ISA_REG_SP, ISA_REG_LR };
static const int32_t test_imms[][COMBOS] = {
	[IMM_NONE]       = { 0, 0, 0, 0, 0 },
	[IMM_SIGNED16]   = { INT16_MIN, -1, 0, 1, INT16_MAX },
	[IMM_UNSIGNED16] = { 0, 1, INT16_MAX, INT16_MAX + 1, UINT16_MAX },
	[IMM_BRANCH24]   = { -(1 << (ISA_OFF24_WIDTH - 1)), -1, 0, 1, (1 << (ISA_OFF24_WIDTH - 1)) - 1 },
};

static uint32_t
read_word(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Assemble `text` at pc; true if it gives exactly `word` there. */
static bool
reassembles_to(const char *text, uint32_t pc, uint32_t word)
{
	char src[TEXT_MAX + 32];
	struct asm_result r;
	snprintf(src, sizeof(src), "\t.org 0x%x\n\t%s\n", pc, text);
	int rc = asm_assemble_string("roundtrip.s", src, &r);
	bool ok = rc == 0 && r.size == pc + ISA_WORD && read_word(r.image + pc) == word;
	if (!ok)
		fprintf(stderr, "\n  '%s' at 0x%x: %s", text, pc, r.nerrors ? r.errors[0] : "wrong word\n");
	asm_result_free(&r);
	return ok;
}

/* The control-register operand lives in a register field: keep it < 10. */
static uint8_t
field_value(enum isa_format fmt, unsigned field, uint8_t reg)
{
	if ((fmt == FMT_CRR && field == FIELD_RS) || (fmt == FMT_CRW && field == FIELD_RD))
		return reg % ISA_NUM_CRS;
	return reg;
}

static void
test_every_opcode_round_trips(void)
{
	unsigned checked = 0;
	for (int op = 0; op < OP_COUNT; op++) {
		const struct isa_op_info *info = isa_op_info((enum isa_opcode)op);
		const struct isa_format_info *fmt = isa_format_info(info->format);
		for (unsigned i = 0; i < COMBOS; i++) {
			struct isa_insn in = { .op = (enum isa_opcode)op };
			if (fmt->fields & FIELD_RD)
				in.rd = field_value(info->format, FIELD_RD, test_regs[i]);
			if (fmt->fields & FIELD_RS)
				in.rs = field_value(info->format, FIELD_RS, test_regs[(i + 1) % COMBOS]);
			if (fmt->fields & FIELD_RT)
				in.rt = test_regs[(i + 2) % COMBOS];
			in.imm = test_imms[fmt->imm][i];

			uint32_t word = isa_encode(&in);
			struct isa_insn back;
			CU_ASSERT_FATAL(isa_decode(word, &back));
			CU_ASSERT_EQUAL(back.op, in.op);
			CU_ASSERT_EQUAL(back.rd, in.rd);
			CU_ASSERT_EQUAL(back.rs, in.rs);
			CU_ASSERT_EQUAL(back.rt, in.rt);
			CU_ASSERT_EQUAL(back.imm, in.imm);

			char text[TEXT_MAX];
			int n = disasm_insn(word, TEST_PC, NULL, text, sizeof(text));
			CU_ASSERT_EQUAL(n, (int)strlen(text));
			CU_ASSERT_EQUAL(strncmp(text, info->name, strlen(info->name)), 0);
			CU_ASSERT_TRUE(reassembles_to(text, TEST_PC, word));
			checked++;
		}
	}
	CU_ASSERT_EQUAL(checked, OP_COUNT * COMBOS);
}

/* The bits a format uses, so that some random words are legal. */
static uint32_t
used_bits(unsigned fields)
{
	uint32_t used = 0;
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
	return used;
}

static void
test_random_words_decode_or_print_as_word(void)
{
	uint32_t state = RANDOM_SEED;
	unsigned legal = 0, illegal = 0;
	for (unsigned code = 0; code < (1u << ISA_OPCODE_WIDTH); code++) {
		/* Half the words keep only the fields of the opcode's format. */
		uint32_t mask = ISA_FIELD_MASK(ISA_OPCODE_POS);
		for (int op = 0; op < OP_COUNT; op++)
			if (isa_op_info((enum isa_opcode)op)->code == code)
				mask = used_bits(isa_format_info(isa_op_info((enum isa_opcode)op)->format)->fields);
		for (unsigned k = 0; k < RANDOM_PER_OPCODE; k++) {
			uint32_t bits = test_random_next(&state) & ISA_FIELD_MASK(ISA_OPCODE_POS);
			if (k % 2)
				bits &= mask;
			uint32_t word = ISA_PUT(code, ISA_OPCODE_POS, ISA_OPCODE_WIDTH) | bits;
			struct isa_insn in;
			char text[TEXT_MAX];
			bool decodes = isa_decode(word, &in);
			disasm_insn(word, TEST_PC, NULL, text, sizeof(text));
			bool printed_as_word = strncmp(text, ".word", strlen(".word")) == 0;
			CU_ASSERT_NOT_EQUAL(decodes, printed_as_word);
			if (decodes) {
				CU_ASSERT_EQUAL(isa_encode(&in), word);
				legal++;
			} else {
				illegal++;
			}
			/* Either way the text must give the word back. */
			if (decodes || k % 16 == 0)
				CU_ASSERT_TRUE(reassembles_to(text, TEST_PC, word));
		}
	}
	/* Both outcomes must actually have been exercised. */
	CU_ASSERT_TRUE(legal > 1000);
	CU_ASSERT_TRUE(illegal > 1000);
}

static CU_TestInfo tests[] = {
	{ "every opcode: encode, decode, disassemble, assemble", test_every_opcode_round_trips },
	{ "random words: decode and re-encode, or print as .word", test_random_words_decode_or_print_as_word },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_isa_roundtrip = { "isa: round trip", NULL, NULL, NULL, NULL, tests };
