/* test_disasm.c — the disassembler: single instructions print as the
 * manual shows them, and a whole image (code, data, strings, .org gaps,
 * labels in odd places, a trailing odd byte) prints as source that
 * assembles back to the very same bytes and labels.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asm.h"
#include "disasm.h"
#include "isa.h"
#include "support.h"

enum { TEXT_MAX = 128 };

static uint32_t
enc(enum isa_opcode op, int rd, int rs, int rt, int32_t imm)
{
	struct isa_insn in = { .op = op, .rd = (uint8_t)rd, .rs = (uint8_t)rs, .rt = (uint8_t)rt, .imm = imm };
	return isa_encode(&in);
}

static void
test_single_instructions(void)
{
	struct symtab syms;
	symtab_init(&syms);
	symtab_add(&syms, "start", 0x10, SYMBOL_LABEL);
	symtab_add(&syms, "TEN", 0x20, SYMBOL_CONSTANT);
	static const struct {
		uint32_t word, pc;
		bool with_syms;
		const char *text;
	} cases[] = {
		{ 0x01123000, 0, false, "add     r1, r2, r3" },
		{ 0, 0, false, ".word 0x00000000" },               /* opcode 0: illegal */
		{ 0x01123001, 0, false, ".word 0x01123001" },      /* unused bits set */
		{ 0x515a0000, 0, false, ".word 0x515a0000" },      /* mfcr of cr10 */
		{ 0x40000000, 0, false, "sys" },
	};
	char text[TEXT_MAX];
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		disasm_insn(cases[i].word, cases[i].pc, cases[i].with_syms ? &syms : NULL, text, sizeof(text));
		CU_ASSERT_STRING_EQUAL(text, cases[i].text);
	}
	disasm_insn(enc(OP_ldw, 4, ISA_REG_SP, 0, -8), 0, NULL, text, sizeof(text));
	CU_ASSERT_STRING_EQUAL(text, "ldw     r4, -8(sp)");
	disasm_insn(enc(OP_mfcr, 1, CR_cause, 0, 0), 0, NULL, text, sizeof(text));
	CU_ASSERT_STRING_EQUAL(text, "mfcr    r1, cause");
	disasm_insn(enc(OP_mtcr, CR_tvec, ISA_REG_LR, 0, 0), 0, NULL, text, sizeof(text));
	CU_ASSERT_STRING_EQUAL(text, "mtcr    tvec, lr");
	disasm_insn(enc(OP_out, 0, 3, 0, 0x11), 0, NULL, text, sizeof(text));
	CU_ASSERT_STRING_EQUAL(text, "out     0x11, r3");
	disasm_insn(enc(OP_andi, 1, 0, 0, 0xff), 0, NULL, text, sizeof(text));
	CU_ASSERT_STRING_EQUAL(text, "andi    r1, zero, 0xff");

	/* branch and adr targets: a label when there is one, else hex */
	disasm_insn(enc(OP_b, 0, 0, 0, 2), 4, &syms, text, sizeof(text));      /* 4 + 4 + 8 */
	CU_ASSERT_STRING_EQUAL(text, "b       start");
	disasm_insn(enc(OP_b, 0, 0, 0, 2), 4, NULL, text, sizeof(text));
	CU_ASSERT_STRING_EQUAL(text, "b       0x00000010");
	disasm_insn(enc(OP_b, 0, 0, 0, 6), 4, &syms, text, sizeof(text));      /* a constant is no label */
	CU_ASSERT_STRING_EQUAL(text, "b       0x00000020");
	disasm_insn(enc(OP_adr, 2, 0, 0, -4), 0x14, &syms, text, sizeof(text)); /* 0x14 + 4 - 4 */
	CU_ASSERT_STRING_EQUAL(text, "adr     r2, 0x00000014");
	disasm_insn(enc(OP_adr, 2, 0, 0, -8), 0x14, &syms, text, sizeof(text));
	CU_ASSERT_STRING_EQUAL(text, "adr     r2, start");

	/* snprintf rules: a short buffer is cut, the full length returned */
	char small[6];
	int n = disasm_insn(0x01123000, 0, NULL, small, sizeof(small));
	CU_ASSERT_EQUAL(n, (int)strlen("add     r1, r2, r3"));
	CU_ASSERT_STRING_EQUAL(small, "add  ");
	symtab_free(&syms);
}

/* Disassemble r's image, assemble the text, compare bytes and labels. */
static void
check_reassembles(const struct asm_result *r, const struct symtab *syms, char **listing)
{
	size_t len = 0;
	FILE *f = open_memstream(listing, &len);
	disasm_image(f, r->image, r->size, syms);
	fclose(f);
	struct asm_result again;
	int rc = asm_assemble_string("listing.s", *listing, &again);
	if (rc != 0)
		fprintf(stderr, "\n%s\n%s", *listing, again.nerrors ? again.errors[0] : "");
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	CU_ASSERT_EQUAL(again.size, r->size);
	CU_ASSERT_TRUE(again.size == r->size && memcmp(again.image, r->image, r->size) == 0);
	if (syms) {
		CU_ASSERT_EQUAL(again.symbols.count, syms->count);
		for (size_t i = 0; i < syms->count && i < again.symbols.count; i++) {
			CU_ASSERT_STRING_EQUAL(again.symbols.entries[i].name, syms->entries[i].name);
			CU_ASSERT_EQUAL(again.symbols.entries[i].value, syms->entries[i].value);
			CU_ASSERT_EQUAL(again.symbols.entries[i].kind, syms->entries[i].kind);
		}
	}
	asm_result_free(&again);
}

static const char *const program =
	"CONSOLE = 0x10\n"
	"start:  la    r2, message\n"
	"loop:   ldbu  r3, 0(r2)\n"
	"        cmpi  r3, 0\n"
	"        beq   done\n"
	"        out   CONSOLE, r3\n"
	"        addi  r2, r2, 1\n"
	"        b     loop\n"
	"done:   adr   r4, table\n"
	"        call  far\n"
	"        halt\n"
	"message: .asciz \"Hi!\\n\"\n"
	"odd:    .byte 0x41, 0\n"            /* a label at an odd address */
	"        .align 4\n"
	"table:  .word 0, 0, 0, 0x12345678\n"  /* zero words between labels */
	"        .half 0xbeef\n"
	"        .org  0x100\n"
	"far:    mfcr  r1, cause\n"
	"        ret\n"
	"        .word 0xffffffff\n"
	"        .space 12\n"                /* zeros at the very end */
	"        .byte 7\n"                  /* and a trailing odd byte */
	"end:\n"
	"        .org  0x200\n"
	"beyond:\n";                         /* a label past the last byte */

static void
test_image_reassembles_with_labels(void)
{
	struct asm_result r;
	char *listing = NULL;
	CU_ASSERT_EQUAL_FATAL(asm_assemble_string("prog.s", program, &r), 0);
	check_reassembles(&r, &r.symbols, &listing);
	/* labels are printed, and stand for targets */
	CU_ASSERT_PTR_NOT_NULL(strstr(listing, "\nloop:\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(listing, "\nodd:\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(listing, "\nbeyond:\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(listing, "b       loop"));
	CU_ASSERT_PTR_NOT_NULL(strstr(listing, "adr     r4, table"));
	CU_ASSERT_PTR_NOT_NULL(strstr(listing, ".equ CONSOLE, 0x00000010"));
	CU_ASSERT_PTR_NOT_NULL(strstr(listing, "; 00000100: 51130000"));   /* the address comment */
	CU_ASSERT_PTR_NOT_NULL(strstr(listing, ".org 0x00000100"));       /* the gap */
	free(listing);
	asm_result_free(&r);
}

static void
test_image_reassembles_without_labels(void)
{
	struct asm_result r;
	char *listing = NULL;
	CU_ASSERT_EQUAL_FATAL(asm_assemble_string("prog.s", program, &r), 0);
	check_reassembles(&r, NULL, &listing);
	CU_ASSERT_PTR_NULL(strstr(listing, "loop"));
	CU_ASSERT_PTR_NOT_NULL(strstr(listing, "b       0x00000008"));
	free(listing);
	asm_result_free(&r);
}

static void
test_zero_image_edges(void)
{
	/* all zeros; a single zero word; nothing at all */
	static const char *const sources[] = {
		".space 64\n",
		".word 0\n.byte 1\n",
		".org 8\n.word 0\n",
		"",
	};
	for (size_t i = 0; i < sizeof(sources) / sizeof(sources[0]); i++) {
		struct asm_result r;
		char *listing = NULL;
		CU_ASSERT_EQUAL_FATAL(asm_assemble_string("zeros.s", sources[i], &r), 0);
		check_reassembles(&r, &r.symbols, &listing);
		free(listing);
		asm_result_free(&r);
	}
}

static CU_TestInfo tests[] = {
	{ "single instructions, targets, truncation", test_single_instructions },
	{ "image with labels reassembles to the same bytes", test_image_reassembles_with_labels },
	{ "image without symbols reassembles too", test_image_reassembles_without_labels },
	{ "images of zeros", test_zero_image_edges },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_isa_disasm = { "isa: disassembler", NULL, NULL, NULL, NULL, tests };
