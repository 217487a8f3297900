/* symbols.h — a guest's symbol table: names the assembler defined, written
 * beside the image as guest.sym so the monitor can say `break minios_trap`
 * and the disassembler can print labels (isa/ASSEMBLER.md §"Symbol files").
 */
#ifndef TRAPLAB_SYMBOLS_H
#define TRAPLAB_SYMBOLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum symbol_kind {
	SYMBOL_LABEL = 'L',     /* an address in the image */
	SYMBOL_CONSTANT = 'A',  /* a value from .equ: not an address */
};

struct symbol {
	char *name;
	uint32_t value;
	enum symbol_kind kind;
};

struct symtab {
	struct symbol *entries;  /* kept sorted by value, then name */
	size_t count, capacity;
};

void symtab_init(struct symtab *t);
void symtab_free(struct symtab *t);
/* Returns 0, or -1 if out of memory.  Duplicates are the caller's problem. */
int symtab_add(struct symtab *t, const char *name, uint32_t value, enum symbol_kind kind);
const struct symbol *symtab_find(const struct symtab *t, const char *name);
/* The label at exactly this address, or NULL. */
const struct symbol *symtab_label_at(const struct symtab *t, uint32_t addr);
/* The nearest label at or below addr (for "minios_trap+12"), or NULL. */
const struct symbol *symtab_label_before(const struct symtab *t, uint32_t addr);

/* Text format: one symbol a line, "%08x %c %s\n" (value, kind, name).
 * symtab_load returns 0, or -1 with a "file:line: message" in err. */
int symtab_write(const struct symtab *t, FILE *out);
int symtab_load(struct symtab *t, const char *path, char *err, size_t errlen);

#endif /* TRAPLAB_SYMBOLS_H */
