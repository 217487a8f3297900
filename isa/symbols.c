/* symbols.c — a guest's symbol table: kept sorted by address so the
 * disassembler and the monitor can find "the label at or below this pc"
 * by binary search; written and read as guest.sym, one symbol a line
 * (isa/ASSEMBLER.md §"Symbol files").  The assembler fills it; Lab 1's
 * `break minios_trap` reads it.
 */
#include "symbols.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

enum { VALUE_DIGITS_MAX = 8 };  /* a 32-bit value in hex */

void
symtab_init(struct symtab *t)
{
	memset(t, 0, sizeof(*t));
}

void
symtab_free(struct symtab *t)
{
	for (size_t i = 0; i < t->count; i++)
		free(t->entries[i].name);
	free(t->entries);
	symtab_init(t);
}

/* Order: by value, then by name. */
static int
symtab_cmp(uint32_t value, const char *name, const struct symbol *s)
{
	if (value != s->value)
		return value < s->value ? -1 : 1;
	return strcmp(name, s->name);
}

/* The first entry whose value is >= value (count if none). */
static size_t
symtab_lower_bound(const struct symtab *t, uint32_t value)
{
	size_t lo = 0, hi = t->count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (t->entries[mid].value < value)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int
symtab_add(struct symtab *t, const char *name, uint32_t value, enum symbol_kind kind)
{
	if (t->count == t->capacity) {
		size_t cap = t->capacity ? t->capacity * 2 : 64;
		struct symbol *bigger = realloc(t->entries, cap * sizeof(*bigger));
		if (!bigger)
			return -1;
		t->entries = bigger;
		t->capacity = cap;
	}
	char *dup = strdup(name);
	if (!dup)
		return -1;
	size_t at = symtab_lower_bound(t, value);
	while (at < t->count && symtab_cmp(value, name, &t->entries[at]) > 0)
		at++;
	memmove(&t->entries[at + 1], &t->entries[at], (t->count - at) * sizeof(*t->entries));
	t->entries[at] = (struct symbol){ .name = dup, .value = value, .kind = kind };
	t->count++;
	return 0;
}

const struct symbol *
symtab_find(const struct symtab *t, const char *name)
{
	for (size_t i = 0; i < t->count; i++)
		if (strcmp(t->entries[i].name, name) == 0)
			return &t->entries[i];
	return NULL;
}

const struct symbol *
symtab_label_at(const struct symtab *t, uint32_t addr)
{
	for (size_t i = symtab_lower_bound(t, addr); i < t->count && t->entries[i].value == addr; i++)
		if (t->entries[i].kind == SYMBOL_LABEL)
			return &t->entries[i];
	return NULL;
}

const struct symbol *
symtab_label_before(const struct symtab *t, uint32_t addr)
{
	/* Walk down from the last entry at or below addr to a label, then
	 * take the first label at that address (the same one label_at gives). */
	size_t i = addr == UINT32_MAX ? t->count : symtab_lower_bound(t, addr + 1);
	while (i-- > 0)
		if (t->entries[i].kind == SYMBOL_LABEL)
			return symtab_label_at(t, t->entries[i].value);
	return NULL;
}

int
symtab_write(const struct symtab *t, FILE *out)
{
	for (size_t i = 0; i < t->count; i++)
		fprintf(out, "%08x %c %s\n", t->entries[i].value, t->entries[i].kind, t->entries[i].name);
	return ferror(out) ? -1 : 0;
}

/* One "VALUE KIND NAME" line; 0 or -1 with the message in err. */
static int
symtab_parse_line(struct symtab *t, char *line, char *err, size_t errlen)
{
	char *p = line, *end;
	size_t digits = strspn(p, "0123456789abcdefABCDEF");
	if (digits == 0 || digits > VALUE_DIGITS_MAX || p[digits] != ' ') {
		snprintf(err, errlen, "expected 'VALUE KIND NAME', found '%s'", line);
		return -1;
	}
	uint32_t value = (uint32_t)strtoul(p, &end, 16);
	p = end + 1;
	if ((*p != SYMBOL_LABEL && *p != SYMBOL_CONSTANT) || p[1] != ' ') {
		snprintf(err, errlen, "unknown symbol kind in '%s' (expected %c or %c)", line,
			 SYMBOL_LABEL, SYMBOL_CONSTANT);
		return -1;
	}
	enum symbol_kind kind = (enum symbol_kind)*p;
	const char *name = p + 2;
	for (const char *s = name; *s; s++) {
		if (isspace((unsigned char)*s)) {
			snprintf(err, errlen, "symbol name '%s' contains a space", name);
			return -1;
		}
	}
	if (*name == '\0') {
		snprintf(err, errlen, "missing symbol name in '%s'", line);
		return -1;
	}
	if (symtab_add(t, name, value, kind) < 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

/* Adds to t (which the caller has initialised, and frees either way).
 * Blank lines are allowed, so a hand-edited file is forgiving. */
int
symtab_load(struct symtab *t, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	char *line = NULL, msg[256];
	size_t cap = 0;
	unsigned lineno = 0;
	int rc = 0;
	while (getline(&line, &cap, f) >= 0) {
		lineno++;
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '\0')
			continue;
		if (symtab_parse_line(t, line, msg, sizeof(msg)) < 0) {
			snprintf(err, errlen, "%s:%u: %s", path, lineno, msg);
			rc = -1;
			break;
		}
	}
	if (rc == 0 && ferror(f)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		rc = -1;
	}
	free(line);
	fclose(f);
	return rc;
}
