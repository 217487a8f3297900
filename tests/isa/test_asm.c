/* test_asm.c — the assembler on programs that are right: labels and
 * forward references, every directive, expressions and precedence, the
 * pseudo-instructions and their exact expansions, .include, the symbol
 * table and the image's size (isa/ASSEMBLER.md is what they check).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "asm.h"
#include "isa.h"
#include "support.h"

enum { PATH_MAX_LEN = 256 };

static uint32_t
word_at(const struct asm_result *r, uint32_t addr)
{
	if (addr + ISA_WORD > r->size)
		return 0xdeadbeef;  /* no word there: never what a test expects */
	const uint8_t *p = r->image + addr;
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint32_t
enc(enum isa_opcode op, int rd, int rs, int rt, int32_t imm)
{
	struct isa_insn in = { .op = op, .rd = (uint8_t)rd, .rs = (uint8_t)rs, .rt = (uint8_t)rt, .imm = imm };
	return isa_encode(&in);
}

/* Assemble and insist on success (the first error is shown if not). */
static bool
assemble(const char *src, struct asm_result *r)
{
	int rc = asm_assemble_string("test.s", src, r);
	if (rc != 0)
		fprintf(stderr, "\n%s", r->nerrors ? r->errors[0] : "failed without a message\n");
	return rc == 0;
}

/* Two sources give the same bytes. */
static bool
same_bytes(const char *a, const char *b)
{
	struct asm_result ra, rb;
	bool ok = assemble(a, &ra) & assemble(b, &rb);
	ok = ok && ra.size == rb.size && memcmp(ra.image, rb.image, ra.size) == 0;
	asm_result_free(&ra);
	asm_result_free(&rb);
	return ok;
}

static void
test_labels_and_forward_references(void)
{
	struct asm_result r;
	CU_ASSERT_FATAL(assemble(
		"start:  b     ahead          ; forward\n"
		"back:   nop\n"
		"ahead:  beq   back           ; backward\n"
		"        call  start\n"
		"one: two:  adr r1, two       ; two labels, one statement\n",
		&r));
	CU_ASSERT_EQUAL(r.size, 5 * ISA_WORD);
	CU_ASSERT_EQUAL(word_at(&r, 0), enc(OP_b, 0, 0, 0, 1));         /* 8 = 0 + 4 + 4*1 */
	CU_ASSERT_EQUAL(word_at(&r, 8), enc(OP_beq, 0, 0, 0, -2));      /* 4 = 8 + 4 - 8 */
	CU_ASSERT_EQUAL(word_at(&r, 12), enc(OP_call, 0, 0, 0, -4));    /* 0 = 12 + 4 - 16 */
	CU_ASSERT_EQUAL(word_at(&r, 16), enc(OP_adr, 1, 0, 0, -4));     /* 16 = 16 + 4 - 4 */
	CU_ASSERT_EQUAL(symtab_find(&r.symbols, "one")->value, 16);
	CU_ASSERT_EQUAL(symtab_find(&r.symbols, "two")->value, 16);
	asm_result_free(&r);
}

static void
test_operand_forms_and_case(void)
{
	struct asm_result r;
	CU_ASSERT_FATAL(assemble(
		"        ADD   R1, r2, R3\n"
		"        ldw   r4, (sp)\n"
		"        StW   r4, -8(SP)\n"
		"        mfcr  r5, EPC\n"
		"        mtcr  cr9, r5\n"
		"        in    r6, 0xffff\n"
		"        out   0x11, lr\n"
		"        andi  r1, r1, 65535\n"
		"        lui   r2, 0xffff\n"
		"        cmpi  r1, -32768\n"
		"Loop:   b loop\n"
		"loop:   b Loop\n",
		&r));
	CU_ASSERT_EQUAL(word_at(&r, 0), enc(OP_add, 1, 2, 3, 0));
	CU_ASSERT_EQUAL(word_at(&r, 4), enc(OP_ldw, 4, ISA_REG_SP, 0, 0));
	CU_ASSERT_EQUAL(word_at(&r, 8), enc(OP_stw, 4, ISA_REG_SP, 0, -8));
	CU_ASSERT_EQUAL(word_at(&r, 12), enc(OP_mfcr, 5, CR_epc, 0, 0));
	CU_ASSERT_EQUAL(word_at(&r, 16), enc(OP_mtcr, CR_scratch, 5, 0, 0));
	CU_ASSERT_EQUAL(word_at(&r, 20), enc(OP_in, 6, 0, 0, 0xffff));
	CU_ASSERT_EQUAL(word_at(&r, 24), enc(OP_out, 0, ISA_REG_LR, 0, 0x11));
	CU_ASSERT_EQUAL(word_at(&r, 28), enc(OP_andi, 1, 1, 0, 0xffff));
	CU_ASSERT_EQUAL(word_at(&r, 32), enc(OP_lui, 2, 0, 0, 0xffff));
	CU_ASSERT_EQUAL(word_at(&r, 36), enc(OP_cmpi, 0, 1, 0, -32768));
	/* labels are case-sensitive: Loop and loop are two labels */
	CU_ASSERT_EQUAL(word_at(&r, 40), enc(OP_b, 0, 0, 0, 0));
	CU_ASSERT_EQUAL(word_at(&r, 44), enc(OP_b, 0, 0, 0, -2));
	asm_result_free(&r);
}

static void
test_data_directives(void)
{
	struct asm_result r;
	CU_ASSERT_FATAL(assemble(
		"        .word  0x11223344, -1\n"
		"        .half  0xbeef, -2\n"
		"        .byte  1, 255, -128, 'A'\n"
		"        .ascii \"ab\", \"\\n\\t\"\n"
		"        .asciz \"q\\\"\\\\\"\n"
		"        .byte  '\\0', '\\'', '\\r'\n",
		&r));
	static const uint8_t want[] = {
		0x44, 0x33, 0x22, 0x11, 0xff, 0xff, 0xff, 0xff,  /* .word, little-endian */
		0xef, 0xbe, 0xfe, 0xff,                          /* .half */
		1, 255, 0x80, 'A',                               /* .byte */
		'a', 'b', '\n', '\t',                            /* .ascii */
		'q', '"', '\\', 0,                               /* .asciz */
		0, '\'', '\r',
	};
	CU_ASSERT_EQUAL_FATAL(r.size, sizeof(want));
	CU_ASSERT_EQUAL(memcmp(r.image, want, sizeof(want)), 0);
	asm_result_free(&r);
}

static void
test_layout_directives(void)
{
	struct asm_result r;
	CU_ASSERT_FATAL(assemble(
		"        .byte  7\n"
		"        .align 4\n"
		"a4:     .space 3, 0xaa\n"
		"        .space 2\n"
		"        .align 8\n"
		"a8:     .org   0x20\n"
		"at20:   .byte  9\n"
		"        .org   0x40           ; nothing follows: the image ends at 0x21\n"
		"end:\n",
		&r));
	CU_ASSERT_EQUAL_FATAL(r.size, 0x21);
	static const uint8_t head[] = { 7, 0, 0, 0, 0xaa, 0xaa, 0xaa, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
	CU_ASSERT_EQUAL(memcmp(r.image, head, sizeof(head)), 0);
	for (unsigned i = sizeof(head); i < 0x20; i++)
		CU_ASSERT_EQUAL(r.image[i], 0);    /* the .org gap reads as zero */
	CU_ASSERT_EQUAL(r.image[0x20], 9);
	CU_ASSERT_EQUAL(symtab_find(&r.symbols, "a4")->value, 4);
	CU_ASSERT_EQUAL(symtab_find(&r.symbols, "a8")->value, 16);
	CU_ASSERT_EQUAL(symtab_find(&r.symbols, "at20")->value, 0x20);
	CU_ASSERT_EQUAL(symtab_find(&r.symbols, "end")->value, 0x40);
	asm_result_free(&r);

	CU_ASSERT_FATAL(assemble("; nothing but a comment\n", &r));
	CU_ASSERT_EQUAL(r.size, 0);
	CU_ASSERT_PTR_NOT_NULL(r.image);
	asm_result_free(&r);
}

/* Each .word holds one expression; the expected value follows it. */
static void
test_expressions_and_precedence(void)
{
	static const struct {
		const char *expr;
		uint32_t value;
	} cases[] = {
		{ "1 + 2 * 3", 7 },          { "(1 + 2) * 3", 9 },
		{ "1 << 2 + 1", 8 },         { "6 & 3 | 8", 10 },
		{ "1 | 2 ^ 3 & 1", 3 },      { "5 - 3 - 1", 1 },
		{ "2 * 3 % 4", 2 },          { "100 / 7", 14 },
		{ "-7 / 2", (uint32_t)-3 },  { "-7 % 2", (uint32_t)-1 },
		{ "~0", 0xffffffff },        { "-(3)", (uint32_t)-3 },
		{ "+5", 5 },                 { "0x10 ^ 0b11", 0x13 },
		{ "'A' + 1", 'B' },          { "0xffffffff >> 28", 0xf },
		{ "-16 >> 2", (uint32_t)-4 }, { "1 << 31", 0x80000000 },
		{ "~~5", 5 },                { "010", 10 },
		{ "N * 2 + M", 2 * 10 + 3 }, { ". + 4", 4 * 22 },
	};
	size_t n = sizeof(cases) / sizeof(cases[0]);
	char src[4096] = "N = 10\n        .equ M, N - 7\n";
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(src);
		snprintf(src + len, sizeof(src) - len, "        .word %s\n", cases[i].expr);
	}
	struct asm_result r;
	CU_ASSERT_FATAL(assemble(src, &r));
	CU_ASSERT_EQUAL_FATAL(r.size, n * ISA_WORD);
	for (size_t i = 0; i < n; i++) {
		if (word_at(&r, (uint32_t)(i * ISA_WORD)) != cases[i].value)
			fprintf(stderr, "\n  %s = 0x%x\n", cases[i].expr, word_at(&r, (uint32_t)(i * ISA_WORD)));
		CU_ASSERT_EQUAL(word_at(&r, (uint32_t)(i * ISA_WORD)), cases[i].value);
	}
	asm_result_free(&r);
}

static void
test_equ_forward_references(void)
{
	struct asm_result r;
	CU_ASSERT_FATAL(assemble(
		"        .equ  SIZE, end - start   ; end is not known yet\n"
		"        TWICE = SIZE * 2          ; nor is SIZE\n"
		"start:  .word SIZE, TWICE, LATER\n"
		"end:\n"
		"LATER = 0x1234\n",
		&r));
	CU_ASSERT_EQUAL(word_at(&r, 0), 12);
	CU_ASSERT_EQUAL(word_at(&r, 4), 24);
	CU_ASSERT_EQUAL(word_at(&r, 8), 0x1234);
	CU_ASSERT_EQUAL(symtab_find(&r.symbols, "TWICE")->kind, SYMBOL_CONSTANT);
	asm_result_free(&r);
}

static void
test_li_short_and_long(void)
{
	struct asm_result r;
	CU_ASSERT_FATAL(assemble(
		"SMALL = 100\n"
		"        li r1, 5                ; 0: addi\n"
		"        li r2, -32768           ; 4: addi\n"
		"        li r3, 32768            ; 8: lui + ori\n"
		"        li r4, 0xdeadbeef       ; 16: lui + ori\n"
		"        li r5, -40000           ; 24: lui + ori\n"
		"        li r6, SMALL            ; 32: known in pass 1: addi\n"
		"        li r7, later            ; 36: forward: lui + ori, even though it is small\n"
		"later:  li r8, LATE             ; 44: forward .equ: lui + ori\n"
		"LATE = 1\n",
		&r));
	CU_ASSERT_EQUAL_FATAL(r.size, 52);
	CU_ASSERT_EQUAL(word_at(&r, 0), enc(OP_addi, 1, 0, 0, 5));
	CU_ASSERT_EQUAL(word_at(&r, 4), enc(OP_addi, 2, 0, 0, -32768));
	CU_ASSERT_EQUAL(word_at(&r, 8), enc(OP_lui, 3, 0, 0, 0));
	CU_ASSERT_EQUAL(word_at(&r, 12), enc(OP_ori, 3, 3, 0, 0x8000));
	CU_ASSERT_EQUAL(word_at(&r, 16), enc(OP_lui, 4, 0, 0, 0xdead));
	CU_ASSERT_EQUAL(word_at(&r, 20), enc(OP_ori, 4, 4, 0, 0xbeef));
	CU_ASSERT_EQUAL(word_at(&r, 24), enc(OP_lui, 5, 0, 0, 0xffff));
	CU_ASSERT_EQUAL(word_at(&r, 28), enc(OP_ori, 5, 5, 0, 0x63c0));  /* -40000 = 0xffff63c0 */
	CU_ASSERT_EQUAL(word_at(&r, 32), enc(OP_addi, 6, 0, 0, 100));
	CU_ASSERT_EQUAL(word_at(&r, 36), enc(OP_lui, 7, 0, 0, 0));
	CU_ASSERT_EQUAL(word_at(&r, 40), enc(OP_ori, 7, 7, 0, 44));
	CU_ASSERT_EQUAL(word_at(&r, 44), enc(OP_lui, 8, 0, 0, 0));
	CU_ASSERT_EQUAL(word_at(&r, 48), enc(OP_ori, 8, 8, 0, 1));
	CU_ASSERT_EQUAL(symtab_find(&r.symbols, "later")->value, 44);
	asm_result_free(&r);
}

static void
test_pseudo_expansions(void)
{
	CU_ASSERT_TRUE(same_bytes("la r3, 8", "lui r3, 0\n ori r3, r3, 8"));
	CU_ASSERT_TRUE(same_bytes("la r3, 0x12345678", "lui r3, 0x1234\n ori r3, r3, 0x5678"));
	CU_ASSERT_TRUE(same_bytes("mov r1, r2", "add r1, r2, zero"));
	CU_ASSERT_TRUE(same_bytes("nop", "add zero, zero, zero"));
	CU_ASSERT_TRUE(same_bytes("ret", "jr lr"));
	CU_ASSERT_TRUE(same_bytes("neg r4, r5", "sub r4, zero, r5"));
	CU_ASSERT_TRUE(same_bytes("push r6", "addi sp, sp, -4\n stw r6, 0(sp)"));
	CU_ASSERT_TRUE(same_bytes("pop r7", "ldw r7, 0(sp)\n addi sp, sp, 4"));
	CU_ASSERT_TRUE(same_bytes("LI r1, 3", "addi r1, r0, 3"));
	/* and a wrong expansion is caught */
	CU_ASSERT_FALSE(same_bytes("mov r1, r2", "add r1, zero, r2"));
}

static char tmpdir[PATH_MAX_LEN];

static void
write_file(const char *rel, const char *text)
{
	char path[2 * PATH_MAX_LEN];
	snprintf(path, sizeof(path), "%s/%s", tmpdir, rel);
	FILE *f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs(text, f);
	fclose(f);
}

static void
remove_file(const char *rel)
{
	char path[2 * PATH_MAX_LEN];
	snprintf(path, sizeof(path), "%s/%s", tmpdir, rel);
	CU_ASSERT_EQUAL(remove(path), 0);
}

static void
test_include(void)
{
	char path[2 * PATH_MAX_LEN], sub[2 * PATH_MAX_LEN];
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/traplab-asm-XXXXXX");
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(tmpdir));
	snprintf(sub, sizeof(sub), "%s/lib", tmpdir);
	CU_ASSERT_EQUAL_FATAL(mkdir(sub, 0700), 0);
	write_file("main.s",
		   "start:  .word 1\n"
		   "        .include \"lib/defs.s\"\n"
		   "        .word VALUE, after\n"
		   "after:\n");
	/* relative to lib/, the directory of the file that includes it */
	write_file("lib/defs.s", "VALUE = 42\n        .include \"more.s\"\n");
	write_file("lib/more.s", "inner:  .word 7\n");
	write_file("self.s", "        .include \"self.s\"\n");
	write_file("broken.s", "        .word 1\n        .include \"lib/bad.s\"\n");
	write_file("lib/bad.s", "\n        frob r1\n");

	struct asm_result r;
	snprintf(path, sizeof(path), "%s/main.s", tmpdir);
	CU_ASSERT_EQUAL(asm_assemble_file(path, &r), 0);
	CU_ASSERT_EQUAL(r.size, 16);
	CU_ASSERT_EQUAL(word_at(&r, 4), 7);
	CU_ASSERT_EQUAL(word_at(&r, 8), 42);
	CU_ASSERT_EQUAL(word_at(&r, 12), 16);
	CU_ASSERT_PTR_NOT_NULL(symtab_find(&r.symbols, "inner"));
	asm_result_free(&r);

	/* an error in an included file names that file */
	char want[4 * PATH_MAX_LEN];
	snprintf(path, sizeof(path), "%s/broken.s", tmpdir);
	CU_ASSERT_EQUAL(asm_assemble_file(path, &r), -1);
	CU_ASSERT_EQUAL_FATAL(r.nerrors, 1);
	snprintf(want, sizeof(want), "%s/lib/bad.s:2:9: error: unknown mnemonic 'frob'\n", tmpdir);
	CU_ASSERT_EQUAL(strncmp(r.errors[0], want, strlen(want)), 0);
	asm_result_free(&r);

	/* a file that includes itself stops at the depth limit, once */
	snprintf(path, sizeof(path), "%s/self.s", tmpdir);
	CU_ASSERT_EQUAL(asm_assemble_file(path, &r), -1);
	CU_ASSERT_EQUAL_FATAL(r.nerrors, 1);
	snprintf(want, sizeof(want), "%s/self.s:1:18: error: include nesting too deep\n", tmpdir);
	CU_ASSERT_EQUAL(strncmp(r.errors[0], want, strlen(want)), 0);
	asm_result_free(&r);

	remove_file("main.s");
	remove_file("lib/defs.s");
	remove_file("lib/more.s");
	remove_file("lib/bad.s");
	remove_file("self.s");
	remove_file("broken.s");
	CU_ASSERT_EQUAL(rmdir(sub), 0);
	CU_ASSERT_EQUAL(rmdir(tmpdir), 0);
}

static void
test_symbol_table(void)
{
	struct asm_result r;
	CU_ASSERT_FATAL(assemble(
		"BIG = 0xffffffff\n"
		"zeta:   nop\n"
		"alpha:\n"
		"beta:   nop\n"
		"        .equ MINUS, -2\n"
		"        .equ FOUR, 4\n",
		&r));
	/* sorted by value, then name; .equ constants are kind A */
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	CU_ASSERT_EQUAL(symtab_write(&r.symbols, f), 0);
	fclose(f);
	CU_ASSERT_STRING_EQUAL(text,
		"00000000 L zeta\n"
		"00000004 A FOUR\n"
		"00000004 L alpha\n"
		"00000004 L beta\n"
		"fffffffe A MINUS\n"
		"ffffffff A BIG\n");
	CU_ASSERT_PTR_EQUAL(symtab_label_at(&r.symbols, 4), symtab_find(&r.symbols, "alpha"));
	CU_ASSERT_PTR_NULL(symtab_label_at(&r.symbols, 8));
	CU_ASSERT_PTR_EQUAL(symtab_label_before(&r.symbols, 7), symtab_find(&r.symbols, "alpha"));
	CU_ASSERT_PTR_EQUAL(symtab_label_before(&r.symbols, 3), symtab_find(&r.symbols, "zeta"));

	/* the file reads back to the same table */
	char path[] = "/tmp/traplab-sym-XXXXXX", err[256];
	int fd = mkstemp(path);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL(write(fd, text, len), (ssize_t)len);
	close(fd);
	struct symtab back;
	symtab_init(&back);
	CU_ASSERT_EQUAL(symtab_load(&back, path, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL_FATAL(back.count, r.symbols.count);
	for (size_t i = 0; i < back.count; i++) {
		CU_ASSERT_STRING_EQUAL(back.entries[i].name, r.symbols.entries[i].name);
		CU_ASSERT_EQUAL(back.entries[i].value, r.symbols.entries[i].value);
		CU_ASSERT_EQUAL(back.entries[i].kind, r.symbols.entries[i].kind);
	}
	symtab_free(&back);

	/* and a bad line is reported with its line number */
	f = fopen(path, "w");
	fputs("00000000 L ok\n00000004 Q what\n", f);
	fclose(f);
	symtab_init(&back);
	CU_ASSERT_EQUAL(symtab_load(&back, path, err, sizeof(err)), -1);
	char want[64];
	snprintf(want, sizeof(want), "%s:2: ", path);
	CU_ASSERT_EQUAL(strncmp(err, want, strlen(want)), 0);
	symtab_free(&back);
	remove(path);
	free(text);
	asm_result_free(&r);
}


/* .if/.else/.endif (ASSEMBLER.md §5.1): only the taken branch is
 * assembled, in both passes; branches nest; a branch that is left out is not
 * even read (its labels, .equs, .includes and garbage do not exist). */
static void
test_conditional_assembly(void)
{
	struct asm_result r;
	CU_ASSERT_FATAL(assemble(
		"        .equ ON, 1\n"
		"        .equ OFF, 0\n"
		"        .if ON\n"
		"        .word 1\n"
		"          .if OFF\n"
		"        .word 2\n"
		"hidden:   .include \"/nonexistent/never-read.s\"\n"
		"          @@@ not even tokens @@@\n"
		"          .if ON\n"                    /* nested inside a branch left out */
		"        .word 3\n"
		"          .endif\n"
		"          .else\n"
		"        .word 4\n"
		"          .endif\n"
		"        .else\n"
		"        .word 5\n"
		"        .endif\n"
		"        .if ON - 1\n"                  /* any expression: zero is false */
		"        .word 6\n"
		"        .endif\n"
		"        .ifdef ON\n"
		"        .word 7\n"
		"        .endif\n"
		"        .ifndef later\n"               /* defined further down: not yet */
		"        .word 8\n"
		"        .endif\n"
		"        .ifdef later\n"
		"        .word 9\n"
		"        .endif\n"
		"        .IF ON\n"                      /* directives are case-insensitive */
		"        .word after\n"                 /* labels after a .if still line up */
		"        .endif\n"
		"after:\n",
		&r));
	CU_ASSERT_EQUAL(r.size, 20);
	CU_ASSERT_EQUAL(word_at(&r, 0), 1);
	CU_ASSERT_EQUAL(word_at(&r, 4), 4);
	CU_ASSERT_EQUAL(word_at(&r, 8), 7);
	CU_ASSERT_EQUAL(word_at(&r, 12), 8);
	CU_ASSERT_EQUAL(word_at(&r, 16), 20);
	CU_ASSERT_PTR_NULL(symtab_find(&r.symbols, "hidden"));
	asm_result_free(&r);

	/* a switch chooses between two bodies of the same size or not */
	CU_ASSERT_TRUE(same_bytes(".equ PV, 1\n.if PV\n li r1, 5\n.else\n la r1, 5\n.endif\nx: .word x\n",
				  "li r1, 5\nx: .word x\n"));
	CU_ASSERT_TRUE(same_bytes(".equ PV, 0\n.if PV\n li r1, 5\n.else\n la r1, 5\n.endif\nx: .word x\n",
				  "la r1, 5\nx: .word x\n"));
	/* .equ in a taken branch is defined; in the other it is not */
	CU_ASSERT_TRUE(same_bytes(".if 0\nV = 1\n.else\nV = 2\n.endif\n.word V\n", ".word 2\n"));
}

static CU_TestInfo tests[] = {
	{ "labels and forward references", test_labels_and_forward_references },
	{ "operand forms, case rules", test_operand_forms_and_case },
	{ ".word .half .byte .ascii .asciz", test_data_directives },
	{ ".org .space .align, zero fill, image size", test_layout_directives },
	{ "expressions and C precedence", test_expressions_and_precedence },
	{ ".equ forward references", test_equ_forward_references },
	{ "li: short and long forms", test_li_short_and_long },
	{ "pseudo-instruction expansions", test_pseudo_expansions },
	{ ".include relative paths, depth, errors", test_include },
	{ "symbol table: order, write, load", test_symbol_table },
	{ ".if .ifdef .ifndef .else .endif", test_conditional_assembly },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_isa_asm = { "isa: assembler", NULL, NULL, NULL, NULL, tests };
