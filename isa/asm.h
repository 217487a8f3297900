/* asm.h — the PG32 assembler: two passes, labels, directives, constant
 * expressions and pseudo-instructions (isa/ASSEMBLER.md is the manual).
 * `traplab asm` and every test and guest build use it; Lab 1 starts here.
 */
#ifndef TRAPLAB_ASM_H
#define TRAPLAB_ASM_H

#include <stddef.h>
#include <stdint.h>

#include "symbols.h"

enum { ASM_MAX_IMAGE = 16u << 20 };  /* no image may exceed 16 MiB */

struct asm_result {
	uint8_t *image;         /* the bytes from address 0 to the last one emitted */
	size_t size;
	struct symtab symbols;  /* labels and .equ constants */
	/* Every error, in source order, each "file:line:col: error: message"
	 * followed by the source line and a caret line. */
	char **errors;
	size_t nerrors;
};

/* Assemble a file (path as given is used in messages) or a string (name
 * is used in messages as the file name; .include is relative to the
 * current directory).  Both return 0 on success, or -1 when there were
 * errors (then image is NULL and errors lists them all).  The result must
 * be released with asm_result_free() either way. */
int asm_assemble_file(const char *path, struct asm_result *out);
int asm_assemble_string(const char *name, const char *text, struct asm_result *out);
void asm_result_free(struct asm_result *r);

#endif /* TRAPLAB_ASM_H */
