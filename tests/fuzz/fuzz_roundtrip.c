/* fuzz_roundtrip.c — libFuzzer target "roundtrip" (issue 15;
 * tests/fuzz/README.md): the ISA's one-to-one promise (isa/SPEC.md §7.3)
 * for any 32-bit word, which tests/isa/test_roundtrip.c checks on a fixed
 * sample.  The input is read 4 bytes at a time, little-endian; for each
 * word:
 *   - isa_decode() either fails, and disasm_insn() prints ".word 0x...",
 *     or succeeds, isa_encode() gives back exactly the word (decoding is
 *     one-to-one: an unused field that is non-zero makes a word illegal,
 *     so there is no other canonical form), and the text is not ".word";
 *   - the disassembly, assembled as a one-line source at the same address
 *     (".org PC" first, as test_roundtrip.c does, so branch and adr
 *     targets mean the same), gives exactly the word back -- legal or not.
 * The address: 0x1000 for the first word, then the previous word's low
 * 16 bits (word-aligned), so the fuzzer steers pc too -- below 64 KiB, not
 * the assembler's 16 MiB, since every .org zero-fills the image up to pc
 * (branch targets still wrap around 4 GiB both ways from there).
 * Inputs are short (16 words): each word is a whole assembly run.
 * Any mismatch is abort(): libFuzzer keeps the input.
 */
/* fuzz-options: -max_len=64 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asm.h"
#include "disasm.h"
#include "isa.h"

enum {
	FIRST_PC = 0x1000,
	PC_MASK = 0xfffc,        /* below 64 KiB, word-aligned */
	TEXT_MAX = 128,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
mismatch(uint32_t word, uint32_t pc, const char *text, const char *why)
{
	fprintf(stderr, "fuzz_roundtrip: word 0x%08x at pc 0x%x ('%s'): %s\n", word, pc, text, why);
	abort();
}

static void
round_trip(uint32_t word, uint32_t pc)
{
	char text[TEXT_MAX];
	struct isa_insn in;
	bool decodes = isa_decode(word, &in);
	int n = disasm_insn(word, pc, NULL, text, sizeof(text));
	if (n <= 0 || (size_t)n >= sizeof(text) || strlen(text) != (size_t)n)
		mismatch(word, pc, text, "disassembly length");
	bool as_word = strncmp(text, ".word", 5) == 0;
	if (decodes && isa_encode(&in) != word)
		mismatch(word, pc, text, "decodes, but encodes to another word");
	if (decodes == as_word)
		mismatch(word, pc, text, decodes ? "legal, printed as .word" : "illegal, not printed as .word");

	char src[TEXT_MAX + 32];
	snprintf(src, sizeof(src), "\t.org 0x%x\n\t%s\n", pc, text);
	struct asm_result r;
	if (asm_assemble_string("roundtrip.s", src, &r) != 0)
		mismatch(word, pc, text, r.nerrors ? r.errors[0] : "does not assemble");
	if (r.size != (size_t)pc + ISA_WORD)
		mismatch(word, pc, text, "assembles to another size");
	const uint8_t *b = r.image + pc;
	uint32_t back = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
	if (back != word)
		mismatch(word, pc, text, "assembles to another word");
	asm_result_free(&r);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t pc = FIRST_PC;
	for (size_t i = 0; i + 4 <= size; i += 4) {
		uint32_t word = (uint32_t)data[i] | (uint32_t)data[i + 1] << 8 |
				(uint32_t)data[i + 2] << 16 | (uint32_t)data[i + 3] << 24;
		round_trip(word, pc);
		pc = word & PC_MASK;
	}
	return 0;
}
