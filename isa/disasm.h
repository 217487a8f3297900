/* disasm.h — the PG32 disassembler: one print helper per operand format,
 * chosen by opcodes.def, so there is no per-opcode switch (isa/SPEC.md §7).
 * `traplab disasm`, the monitor's `disassemble` and traces use it.
 */
#ifndef TRAPLAB_DISASM_H
#define TRAPLAB_DISASM_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "symbols.h"

/* Format the instruction `word` found at address `pc` as assembly text
 * that the assembler accepts and encodes back to `word` (branch and adr
 * targets are printed as a label when `syms` has one there, else as an
 * absolute hex address).  An illegal word is printed as ".word 0x........".
 * Returns the length written (as snprintf). syms may be NULL. */
int disasm_insn(uint32_t word, uint32_t pc, const struct symtab *syms, char *buf, size_t len);

/* Print a whole image as re-assemblable source: labels as "name:" lines,
 * each instruction with a "; ADDRESS: WORD" comment, runs of zero words as
 * .org, a trailing partial word as .byte. */
void disasm_image(FILE *out, const uint8_t *image, size_t size, const struct symtab *syms);

#endif /* TRAPLAB_DISASM_H */
