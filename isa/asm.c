/* asm.c — the PG32 assembler's driver: reads sources, runs the two passes
 * (pass 1 lays out addresses and defines labels, pass 2 evaluates and
 * encodes), keeps the symbols, the image and the error list.  Lab 1
 * starts here; isa/ASSEMBLER.md is the manual, asm_internal.h the map of
 * the other asm_*.c files.
 */
#include "asm_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum {
	IMAGE_FIRST_CAP = 4096,  /* the image buffer starts here and doubles */
	ERROR_INDENT = 4,        /* source and caret lines are indented this much */
	ASM_MAX_SOURCE = 256 << 20,  /* bytes in a source file: the kernel reader's cap */
};

int
asm_grow(void *array, size_t *cap, size_t need, size_t elem)
{
	void **p = array;
	if (need <= *cap)
		return 0;
	size_t n = *cap ? *cap : 16;
	while (n < need)
		n *= 2;
	void *bigger = realloc(*p, n * elem);
	if (!bigger)
		return -1;
	*p = bigger;
	*cap = n;
	return 0;
}

/* ===== Errors ============================================================ */

static void
asm_error_push(struct asm_ctx *c, struct asm_error_list *list, size_t seq, char *msg)
{
	if (!msg || asm_grow(&list->items, &list->cap, list->count + 1, sizeof(*list->items)) < 0) {
		free(msg);
		c->out_of_memory = true;
		return;
	}
	/* Messages arrive in statement order, except an unclosed `.if`, found
	 * at the end of its file: slide it back to its own line. */
	size_t at = list->count++;
	for (; at > 0 && list->items[at - 1].seq > seq; at--)
		list->items[at] = list->items[at - 1];
	list->items[at] = (struct asm_message){ seq, msg };
}

void
asm_error(struct asm_ctx *c, unsigned col, const char *fmt, ...)
{
	if (c->quiet)
		return;
	if (c->pass == 1)
		c->stmts[c->at.seq].failed = true;
	struct asm_error_list *list = &c->errors[c->pass - 1];
	/* The merged list shows ASM_MAX_ERRORS: one more tells "too many". */
	if (list->total++ > ASM_MAX_ERRORS)
		return;

	char *msg = NULL, *out = NULL;
	va_list ap;
	va_start(ap, fmt);
	int n = vasprintf(&msg, fmt, ap);
	va_end(ap);
	/* The caret line copies the tabs of the source line so it lines up. */
	size_t pad = col > 0 ? col - 1 : 0;
	if (pad > c->at.len)
		pad = c->at.len;
	char *caret = malloc(pad + 1);
	if (n >= 0 && caret) {
		for (size_t i = 0; i < pad; i++)
			caret[i] = c->at.src[i] == '\t' ? '\t' : ' ';
		caret[pad] = '\0';
		if (asprintf(&out, "%s:%u:%u: error: %s\n%*s%.*s\n%*s%s^\n",
			     c->sources[c->at.source].name, c->at.line, col, msg,
			     ERROR_INDENT, "", (int)c->at.len, c->at.src, ERROR_INDENT, "", caret) < 0)
			out = NULL;
	}
	if (n < 0)
		msg = NULL;
	free(msg);
	free(caret);
	asm_error_push(c, list, c->at.seq, out);
}

void
asm_error_token(struct asm_ctx *c, const struct asm_token *t)
{
	asm_error(c, t->col, t->error, (int)t->len, t->text);
}

void
asm_error_expected(struct asm_ctx *c, const struct asm_token *t, const char *what)
{
	char buf[ASM_SHOW_MAX + 8];
	if (t->kind == TOK_BAD)
		asm_error_token(c, t);
	else
		asm_error(c, t->col, "expected %s, found %s", what, asm_tok_show(t, buf, sizeof(buf)));
}

/* An error that belongs to no line: "NAME: error: MESSAGE". */
static void
asm_error_plain(struct asm_ctx *c, const char *name, const char *msg)
{
	char *out;
	if (asprintf(&out, "%s: error: %s\n", name, msg) < 0)
		out = NULL;
	c->errors[0].total++;
	asm_error_push(c, &c->errors[0], 0, out);
}

/* ===== Sources =========================================================== */

/* Read a whole source: only a regular file of at most ASM_MAX_SOURCE, since
 * `.include "/dev/zero"` read until memory ran out and a FIFO blocked
 * forever (issue 15).  NULL on success, else why not (errno's text or why). */
static const char *
asm_read_file(const char *path, char **text, size_t *len, char *why, size_t whylen)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);  /* a FIFO: no waiting */
	struct stat st = { 0 };
	size_t cap = 0, n = 0;
	char *buf = NULL;
	const char *err = fd < 0 || fstat(fd, &st) < 0 ? strerror(errno)
			  : !S_ISREG(st.st_mode) ? "not a regular file" : NULL;
	snprintf(why, whylen, "larger than %d MiB", ASM_MAX_SOURCE >> 20);
	/* st_size is a hint: /proc files say 0, and a file may grow meanwhile. */
	for (size_t want = (size_t)st.st_size; !err; want = n) {
		ssize_t got = 0;
		if (want > ASM_MAX_SOURCE)
			err = why;
		else if (asm_grow(&buf, &cap, want + BUFSIZ + 1, 1) < 0)
			err = strerror(ENOMEM);
		else if ((got = read(fd, buf + n, cap - n - 1)) < 0 && errno != EINTR)
			err = strerror(errno);
		else if (got == 0)
			break;
		n += got > 0 ? (size_t)got : 0;
	}
	if (fd >= 0)
		close(fd);
	if (err) {
		free(buf);
		return err;
	}
	buf[n] = '\0';
	*text = buf;
	*len = n;
	return NULL;
}

/* Takes ownership of text; the directory is everything before the last '/'. */
static long
asm_source_add(struct asm_ctx *c, const char *name, char *text, size_t len)
{
	const char *slash = strrchr(name, '/');
	size_t dirlen = slash ? (size_t)(slash - name) : 0;
	char *dup = strdup(name), *dir = strndup(name, slash == name ? 1 : dirlen);
	if (!dup || !dir ||
	    asm_grow(&c->sources, &c->cap_sources, c->nsources + 1, sizeof(*c->sources)) < 0) {
		free(dup);
		free(dir);
		free(text);
		c->out_of_memory = true;
		return -1;
	}
	c->sources[c->nsources] = (struct asm_source){ dup, dir, text, len };
	return (long)c->nsources++;
}

long
asm_source_include(struct asm_ctx *c, const struct asm_token *name)
{
	if (c->depth >= ASM_MAX_INCLUDE_DEPTH) {
		asm_error(c, name->col, "include nesting too deep");
		return -1;
	}
	/* A path is a C string: "a\0b" would silently open "a". */
	if (memchr(name->str, '\0', name->str_len)) {
		asm_error(c, name->col, "include file name contains a NUL byte");
		return -1;
	}
	const char *dir = name->str[0] == '/' ? "" : c->sources[c->at.source].dir;
	char *path, *text, why[64];
	size_t len;
	if (asprintf(&path, "%s%s%.*s", dir, dir[0] ? "/" : "", (int)name->str_len, name->str) < 0) {
		c->out_of_memory = true;
		return -1;
	}
	const char *err = asm_read_file(path, &text, &len, why, sizeof(why));
	long index = -1;
	/* The name as written ("a\nb", not a line break): messages stay one line. */
	if (err)
		asm_error(c, name->col, "cannot open include file '%s%s%.*s': %s", dir,
			  dir[0] ? "/" : "", (int)name->len - 2, name->text + 1, err);
	else
		index = asm_source_add(c, path, text, len);
	free(path);
	return index;
}

/* ===== Symbols =========================================================== */

/* A linear search: guests have a few hundred symbols at most, and this is
 * the version a student can read at a glance. */
struct asm_sym *
asm_sym_find(struct asm_ctx *c, const char *name, size_t len)
{
	for (size_t i = 0; i < c->nsyms; i++)
		if (strlen(c->syms[i].name) == len && memcmp(c->syms[i].name, name, len) == 0)
			return &c->syms[i];
	return NULL;
}

long
asm_sym_define(struct asm_ctx *c, const struct asm_token *name, enum symbol_kind kind,
	       int64_t value, enum asm_sym_state state)
{
	const char *what = kind == SYMBOL_LABEL ? "label" : "symbol";
	char buf[ASM_SHOW_MAX];
	if (name->len == 1 && name->text[0] == '.') {
		asm_error(c, name->col, "'.' is the current address and cannot be defined");
		return -1;
	}
	if (asm_tok_copy(name, buf, sizeof(buf)) && isa_register_by_name(buf) >= 0) {
		asm_error(c, name->col, "'%s' is a register name and cannot be a %s", buf, what);
		return -1;
	}
	const struct asm_sym *old = asm_sym_find(c, name->text, name->len);
	if (old && old->source == c->at.source) {
		asm_error(c, name->col, "duplicate %s '%s' (first defined at line %u)",
			  what, old->name, old->line);
		return -1;
	}
	if (old) {
		asm_error(c, name->col, "duplicate %s '%s' (first defined at %s:%u)",
			  what, old->name, c->sources[old->source].name, old->line);
		return -1;
	}
	char *dup = strndup(name->text, name->len);
	if (!dup || asm_grow(&c->syms, &c->cap_syms, c->nsyms + 1, sizeof(*c->syms)) < 0) {
		free(dup);
		c->out_of_memory = true;
		return -1;
	}
	c->syms[c->nsyms] = (struct asm_sym){
		.name = dup, .value = value, .kind = kind, .state = state,
		.seq = c->at.seq, .source = c->at.source, .line = c->at.line,
	};
	return (long)c->nsyms++;
}

int
asm_symbol_value(struct asm_ctx *c, const struct asm_token *name, struct asm_value *out)
{
	if (name->len == 1 && name->text[0] == '.') {
		*out = (struct asm_value){ .v = (int64_t)c->stmt_loc, .known = true };
		return 0;
	}
	const struct asm_sym *s = asm_sym_find(c, name->text, name->len);
	if (s && s->state == SYM_DEFINED) {
		*out = (struct asm_value){ .v = s->value, .known = true };
		return 0;
	}
	/* Pass 1 has not seen every label yet: a forward reference is fine. */
	if (c->pass == 1 || c->quiet) {
		*out = (struct asm_value){ .known = false, .unknown = name };
		return 0;
	}
	if (!s)
		asm_error(c, name->col, "undefined symbol '%.*s'", (int)name->len, name->text);
	else
		asm_error(c, name->col,
			  "'%s' has no value: its .equ depends on itself or on an undefined symbol",
			  s->name);
	return -1;
}

/* Between the passes every label is known, so an .equ that named a later
 * label can be evaluated now.  An .equ may name another pending .equ, so
 * repeat until nothing changes; what is left is reported in pass 2. */
static void
asm_resolve_pending(struct asm_ctx *c)
{
	c->quiet = true;
	bool progress = true;
	while (progress) {
		progress = false;
		for (size_t i = 0; i < c->npending; i++) {
			struct asm_pending *p = &c->pending[i];
			struct asm_line l;
			struct asm_value v;
			if (c->syms[p->sym].state == SYM_DEFINED || asm_lex_line(&l, p->src, p->len) < 0)
				continue;
			l.pos = p->expr_tok;
			c->stmt_loc = p->loc;
			if (asm_expr(c, &l, &v) == 0 && v.known && v.v >= INT32_MIN && v.v <= UINT32_MAX) {
				c->syms[p->sym].value = v.v;
				c->syms[p->sym].state = SYM_DEFINED;
				progress = true;
			}
			asm_line_free(&l);
		}
	}
	c->quiet = false;
}

/* ===== The image ========================================================= */

int
asm_emit(struct asm_ctx *c, const uint8_t *bytes, uint8_t fill, uint64_t n, unsigned col)
{
	if (c->loc + n > ASM_MAX_IMAGE) {
		asm_error(c, col, "image too large: address 0x%08llx is past the %u MiB limit",
			  (unsigned long long)(c->loc > ASM_MAX_IMAGE ? c->loc : ASM_MAX_IMAGE),
			  ASM_MAX_IMAGE >> 20);
		return -1;
	}
	if (c->pass == 2 && n > 0) {
		size_t end = (size_t)(c->loc + n);
		if (end > c->cap_image) {
			size_t old = c->cap_image;
			size_t cap = old ? old : IMAGE_FIRST_CAP;
			while (cap < end)
				cap *= 2;
			uint8_t *bigger = realloc(c->image, cap);
			if (!bigger) {
				c->out_of_memory = true;
				return -1;
			}
			memset(bigger + old, 0, cap - old);  /* gaps read as zero */
			c->image = bigger;
			c->cap_image = cap;
		}
		if (bytes)
			memcpy(c->image + c->loc, bytes, (size_t)n);
		else
			memset(c->image + c->loc, fill, (size_t)n);
		if (end > c->size)
			c->size = end;
	}
	c->loc += n;
	return 0;
}

int
asm_emit_word(struct asm_ctx *c, uint32_t word, unsigned col)
{
	uint8_t b[ISA_WORD];
	for (unsigned i = 0; i < ISA_WORD; i++)  /* PG32 is little-endian */
		b[i] = (uint8_t)(word >> (8 * i));
	return asm_emit(c, b, 0, ISA_WORD, col);
}

/* ===== Statements ======================================================== */

struct asm_stmt *
asm_stmt_current(struct asm_ctx *c)
{
	return &c->stmts[c->at.seq];
}

/* [label:]... [name = expr | directive ... | mnemonic ...] */
static void
asm_statement(struct asm_ctx *c, struct asm_line *l)
{
	const struct asm_token *t = l->toks;
	c->stmt_loc = c->loc;
	while (t[l->pos].kind == TOK_IDENT && asm_tok_is(&t[l->pos + 1], ':')) {
		if (c->pass == 1 &&
		    asm_sym_define(c, &t[l->pos], SYMBOL_LABEL, (int64_t)c->loc, SYM_DEFINED) < 0)
			return;
		l->pos += 2;
	}
	const struct asm_token *first = &t[l->pos];
	if (first->kind == TOK_END)
		return;
	if (first->kind == TOK_IDENT && asm_tok_is(&t[l->pos + 1], '=')) {
		l->pos += 2;
		asm_equ(c, l, first);
	} else if (first->kind == TOK_IDENT) {
		l->pos++;
		if (first->text[0] == '.')
			asm_directive(c, l, first);
		else
			asm_instruction(c, l, first);
	} else {
		asm_error_expected(c, first, "a label, instruction or directive");
	}
}

static void
asm_line_run(struct asm_ctx *c, size_t source, unsigned lineno, const char *src, size_t len)
{
	size_t seq = c->next_seq++;
	if (c->pass == 1) {
		if (asm_grow(&c->stmts, &c->cap_stmts, seq + 1, sizeof(*c->stmts)) < 0) {
			c->out_of_memory = true;
			return;
		}
		c->stmts[seq] = (struct asm_stmt){ .include = -1 };
		c->nstmts = seq + 1;
	} else if (seq >= c->nstmts) {
		return;  /* pass 1 ran out of memory here */
	}
	while (len > 0 && src[len - 1] == '\r')
		len--;
	c->at = (struct asm_where){ source, lineno, src, len, seq };
	struct asm_line l;
	if (asm_lex_line(&l, src, len) < 0) {
		c->out_of_memory = true;
		return;
	}
	/* A conditional directive, or a line a `.if` leaves out, is handled
	 * first: it must be seen in both passes even if it failed in pass 1. */
	if (!asm_cond_line(c, &l) && !(c->pass == 2 && c->stmts[seq].failed))
		asm_statement(c, &l);       /* a failed line was reported once, in pass 1 */
	asm_line_free(&l);
	/* Whatever pass 2 did (even after an error), it ends where pass 1 did. */
	if (c->pass == 1)
		c->stmts[seq].loc_after = c->loc;
	else
		c->loc = c->stmts[seq].loc_after;
}

void
asm_source_run(struct asm_ctx *c, size_t index)
{
	/* Copy what we need: an .include may move c->sources. */
	const char *p = c->sources[index].text;
	const char *end = p + c->sources[index].len;
	unsigned lineno = 0;
	size_t conds = c->nconds;   /* a file must close the .ifs it opens */
	while (p < end && !c->out_of_memory) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		asm_line_run(c, index, ++lineno, p, len);
		p = nl ? nl + 1 : end;
	}
	asm_cond_close(c, conds);
}

/* ===== The two passes ==================================================== */

static void
asm_ctx_free(struct asm_ctx *c)
{
	for (size_t i = 0; i < c->nsources; i++) {
		free(c->sources[i].name);
		free(c->sources[i].dir);
		free(c->sources[i].text);
	}
	for (size_t i = 0; i < c->nsyms; i++)
		free(c->syms[i].name);
	for (int p = 0; p < 2; p++) {
		for (size_t i = 0; i < c->errors[p].count; i++)
			free(c->errors[p].items[i].text);
		free(c->errors[p].items);
	}
	free(c->sources);
	free(c->stmts);
	free(c->syms);
	free(c->pending);
	free(c->conds);
	free(c->image);
}

/* Both passes' errors, merged in statement order, at most ASM_MAX_ERRORS. */
static void
asm_collect_errors(struct asm_ctx *c, struct asm_result *out)
{
	struct asm_error_list *a = &c->errors[0], *b = &c->errors[1];
	size_t total = a->total + b->total, i = 0, j = 0;
	if (total == 0)
		return;
	out->errors = calloc(ASM_MAX_ERRORS + 1, sizeof(*out->errors));
	if (!out->errors) {
		c->out_of_memory = true;
		return;
	}
	while (out->nerrors < ASM_MAX_ERRORS && (i < a->count || j < b->count)) {
		bool take_a = j >= b->count || (i < a->count && a->items[i].seq <= b->items[j].seq);
		struct asm_message *from = take_a ? &a->items[i++] : &b->items[j++];
		out->errors[out->nerrors++] = from->text;
		from->text = NULL;
	}
	if (total > ASM_MAX_ERRORS &&
	    asprintf(&out->errors[out->nerrors], "%s: error: too many errors\n", c->sources[0].name) >= 0)
		out->nerrors++;
}

static int
asm_run(struct asm_ctx *c, struct asm_result *out)
{
	c->pass = 1;
	asm_source_run(c, 0);
	asm_resolve_pending(c);
	c->pass = 2;
	c->loc = 0;
	c->next_seq = 0;
	if (!c->out_of_memory)
		asm_source_run(c, 0);

	if (c->out_of_memory)
		asm_error_plain(c, c->sources[0].name, "out of memory");
	asm_collect_errors(c, out);
	if (out->nerrors == 0 && !c->out_of_memory) {
		for (size_t i = 0; i < c->nsyms; i++)
			if (symtab_add(&out->symbols, c->syms[i].name, (uint32_t)c->syms[i].value,
				       c->syms[i].kind) < 0)
				c->out_of_memory = true;
		/* A program that emits nothing still gets a (0-byte) image. */
		out->image = c->image ? c->image : calloc(1, 1);
		out->size = c->size;
		c->image = NULL;
	}
	asm_ctx_free(c);
	if (out->nerrors > 0 || !out->image) {
		free(out->image);
		out->image = NULL;
		out->size = 0;
		return -1;
	}
	return 0;
}

static void
asm_result_init(struct asm_result *out)
{
	memset(out, 0, sizeof(*out));
	symtab_init(&out->symbols);
}

int
asm_assemble_file(const char *path, struct asm_result *out)
{
	struct asm_ctx c = { 0 };
	char *text, why[64];
	size_t len;
	asm_result_init(out);
	const char *err = asm_read_file(path, &text, &len, why, sizeof(why));
	if (err) {
		char *msg;
		if (asprintf(&msg, "%s: error: cannot open '%s': %s\n", path, path, err) < 0)
			msg = NULL;
		c.errors[0].total++;
		asm_error_push(&c, &c.errors[0], 0, msg);
		asm_collect_errors(&c, out);
		asm_ctx_free(&c);
		return -1;
	}
	if (asm_source_add(&c, path, text, len) < 0)
		return -1;
	return asm_run(&c, out);
}

int
asm_assemble_string(const char *name, const char *text, struct asm_result *out)
{
	struct asm_ctx c = { 0 };
	asm_result_init(out);
	char *copy = strdup(text);
	/* .include in a string is relative to the current directory. */
	if (!copy || asm_source_add(&c, "", copy, strlen(text)) < 0)
		return -1;
	free(c.sources[0].name);
	c.sources[0].name = strdup(name);
	if (!c.sources[0].name) {
		asm_ctx_free(&c);
		return -1;
	}
	return asm_run(&c, out);
}

void
asm_result_free(struct asm_result *r)
{
	free(r->image);
	symtab_free(&r->symbols);
	for (size_t i = 0; i < r->nerrors; i++)
		free(r->errors[i]);
	free(r->errors);
	memset(r, 0, sizeof(*r));
}
