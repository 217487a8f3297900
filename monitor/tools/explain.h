/* explain.h — one PG32 instruction explained for a student: what it does
 * (isa/opcodes.def's meaning), how it is encoded (format, opcode, fields),
 * its Popek–Goldberg class on each variant with the witness that shows it
 * (derived by running it, classify.h), and the isa/SPEC.md sections to read.
 * `traplab disasm --explain` and the monitor's `explain` use it (Labs 1, 2).
 */
#ifndef TRAPLAB_EXPLAIN_H
#define TRAPLAB_EXPLAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Explain `what`: a mnemonic ("srr", any case) or an instruction word
 * ("0x5b100000", or the eight hex digits disasm prints).  Returns 0, or -1
 * with one line in err naming what is wrong (for a near-miss mnemonic, the
 * closest one).  The first call derives every variant's classes by running
 * every instruction (classify_run, under a second); later calls reuse them. */
int explain_instruction(FILE *out, const char *what, char *err, size_t errlen);

/* The same for a word in hand, without the heading line (the caller has
 * printed the instruction already), every line starting with `prefix`:
 * how `traplab disasm --explain` annotates an image.  -1 if the word is
 * not a legal instruction (err says why, SPEC §7.3). */
int explain_word(FILE *out, uint32_t word, const char *prefix, char *err, size_t errlen);

/* Is `what` written as an instruction word ("0x" and 1-8 hex digits, or
 * exactly 8 hex digits)?  Then *word is its value. */
bool explain_parse_word(const char *what, uint32_t *word);

#endif /* TRAPLAB_EXPLAIN_H */
