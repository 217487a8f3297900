/* asm_dir.c — the assembler's directives: .org .word .half .byte .ascii
 * .asciz .space .align .equ (and `name = expr`) and .include, one small
 * function each, found through one table (ASSEMBLER.md §5); then
 * conditional assembly, .if/.ifdef/.ifndef/.else/.endif (§5.1), which
 * decides whether a line is assembled at all.  A directive that moves the
 * location counter needs its value in pass 1, because pass 1 is where
 * addresses are decided.
 */
#include "asm_internal.h"

#include <stdio.h>

struct directive;
/* tok is the directive's name, l->pos just past it. */
typedef void directive_fn(struct asm_ctx *c, struct asm_line *l, const struct asm_token *tok,
			  const struct directive *d);

struct directive {
	const char *name;
	directive_fn *run;
	unsigned arg;  /* .word/.half/.byte: bytes per value; .ascii/.asciz: NULs added */
};

int
asm_expect_end(struct asm_ctx *c, struct asm_line *l)
{
	const struct asm_token *t = &l->toks[l->pos];
	char buf[ASM_SHOW_MAX + 8];
	if (t->kind == TOK_END)
		return 0;
	if (t->kind == TOK_BAD)
		asm_error_token(c, t);
	else
		asm_error(c, t->col, "unexpected %s after operands", asm_tok_show(t, buf, sizeof(buf)));
	return -1;
}

int
asm_check_range(struct asm_ctx *c, const struct asm_value *v, unsigned col, const char *what,
		const char *user, int64_t lo, int64_t hi)
{
	if (!v->known || (v->v >= lo && v->v <= hi))
		return 0;
	asm_error(c, col, "%s %lld out of range for '%s' (%lld..%lld)", what, (long long)v->v, user,
		  (long long)lo, (long long)hi);
	return -1;
}

static bool
dir_accept(struct asm_line *l, int punct)
{
	if (!asm_tok_is(&l->toks[l->pos], punct))
		return false;
	l->pos++;
	return true;
}

/* A value that decides addresses: it must be known in pass 1. */
static int
dir_layout_value(struct asm_ctx *c, struct asm_line *l, const struct directive *d,
		 struct asm_value *v, unsigned *col)
{
	*col = l->toks[l->pos].col;
	if (asm_expr(c, l, v) < 0)
		return -1;
	if (!v->known) {
		asm_error(c, v->unknown->col, "'%.*s' must be defined before '%s' uses it",
			  (int)v->unknown->len, v->unknown->text, d->name);
		return -1;
	}
	return 0;
}

static void
dir_org(struct asm_ctx *c, struct asm_line *l, const struct asm_token *tok,
	 const struct directive *d)
{
	struct asm_value v;
	unsigned col;
	(void)tok;
	if (dir_layout_value(c, l, d, &v, &col) < 0 ||
	    asm_check_range(c, &v, col, "address", d->name, 0, UINT32_MAX) < 0 ||
	    asm_expect_end(c, l) < 0)
		return;
	if ((uint64_t)v.v < c->loc) {
		asm_error(c, col, "'.org' moves backwards from 0x%08llx to 0x%08llx",
			  (unsigned long long)c->loc, (unsigned long long)v.v);
		return;
	}
	/* Nothing is emitted: the gap reads as zero if anything follows. */
	c->loc = (uint64_t)v.v;
}

static void
dir_data(struct asm_ctx *c, struct asm_line *l, const struct asm_token *tok,
	  const struct directive *d)
{
	unsigned size = d->arg;
	/* The lowest signed and highest unsigned value of `size` bytes. */
	int64_t lo = -((int64_t)1 << (8 * size - 1)), hi = ((int64_t)1 << (8 * size)) - 1;
	if (c->loc % size) {
		asm_error(c, tok->col, "'%s' at unaligned address 0x%08llx; add .align %u", d->name,
			  (unsigned long long)c->loc, size);
		return;
	}
	do {
		unsigned col = l->toks[l->pos].col;
		struct asm_value v;
		uint8_t b[ISA_WORD];
		if (asm_expr(c, l, &v) < 0 ||
		    asm_check_range(c, &v, col, "value", d->name, lo, hi) < 0)
			return;
		for (unsigned i = 0; i < size; i++)  /* little-endian */
			b[i] = (uint8_t)((uint64_t)v.v >> (8 * i));
		if (asm_emit(c, b, 0, size, col) < 0)
			return;
	} while (dir_accept(l, ','));
	asm_expect_end(c, l);
}

static void
dir_ascii(struct asm_ctx *c, struct asm_line *l, const struct asm_token *tok,
	   const struct directive *d)
{
	(void)tok;
	do {
		const struct asm_token *t = &l->toks[l->pos];
		if (t->kind != TOK_STRING) {
			asm_error_expected(c, t, "string");
			return;
		}
		l->pos++;
		if (asm_emit(c, (const uint8_t *)t->str, 0, t->str_len, t->col) < 0 ||
		    asm_emit(c, NULL, 0, d->arg, t->col) < 0)
			return;
	} while (dir_accept(l, ','));
	asm_expect_end(c, l);
}

static void
dir_space(struct asm_ctx *c, struct asm_line *l, const struct asm_token *tok,
	   const struct directive *d)
{
	struct asm_value n, fill = { .known = true };
	unsigned col, fill_col = 0;
	if (dir_layout_value(c, l, d, &n, &col) < 0 ||
	    asm_check_range(c, &n, col, "size", d->name, 0, ASM_MAX_IMAGE) < 0)
		return;
	if (dir_accept(l, ',')) {
		fill_col = l->toks[l->pos].col;
		if (asm_expr(c, l, &fill) < 0 ||
		    asm_check_range(c, &fill, fill_col, "fill", d->name, INT8_MIN, UINT8_MAX) < 0)
			return;
	}
	if (asm_expect_end(c, l) == 0)
		asm_emit(c, NULL, (uint8_t)fill.v, (uint64_t)n.v, tok->col);
}

static void
dir_align(struct asm_ctx *c, struct asm_line *l, const struct asm_token *tok,
	   const struct directive *d)
{
	struct asm_value n;
	unsigned col;
	if (dir_layout_value(c, l, d, &n, &col) < 0)
		return;
	/* n & (n - 1) clears the lowest set bit: zero only for a power of two. */
	if (n.v <= 0 || n.v > ASM_MAX_IMAGE || (n.v & (n.v - 1)) != 0) {
		asm_error(c, col, "'.align' needs a power of two, found %lld", (long long)n.v);
		return;
	}
	uint64_t pad = ((uint64_t)n.v - c->loc % (uint64_t)n.v) % (uint64_t)n.v;
	if (asm_expect_end(c, l) == 0)
		asm_emit(c, NULL, 0, pad, tok->col);
}

/* An .equ pass 1 could not evaluate: retried between the passes (asm.c). */
int
asm_pending_add(struct asm_ctx *c, size_t sym, size_t expr_tok)
{
	if (asm_grow(&c->pending, &c->cap_pending, c->npending + 1, sizeof(*c->pending)) < 0) {
		c->out_of_memory = true;
		return -1;
	}
	c->pending[c->npending++] = (struct asm_pending){
		.sym = sym, .src = c->at.src, .len = c->at.len, .expr_tok = expr_tok, .loc = c->stmt_loc,
	};
	return 0;
}

void
asm_equ(struct asm_ctx *c, struct asm_line *l, const struct asm_token *name)
{
	size_t expr_tok = l->pos;
	unsigned col = l->toks[l->pos].col;
	struct asm_value v;
	if (c->pass == 2) {
		/* Defined in pass 1 or between the passes: nothing left to do.
		 * Still pending: evaluating it again reports why. */
		struct asm_sym *s = asm_sym_find(c, name->text, name->len);
		if (!s || s->state == SYM_DEFINED || asm_expr(c, l, &v) < 0 ||
		    asm_check_range(c, &v, col, "value", ".equ", INT32_MIN, UINT32_MAX) < 0)
			return;
		s->value = v.v;
		s->state = SYM_DEFINED;
		return;
	}
	if (asm_expr(c, l, &v) < 0 || asm_expect_end(c, l) < 0 ||
	    asm_check_range(c, &v, col, "value", ".equ", INT32_MIN, UINT32_MAX) < 0)
		return;
	long sym = asm_sym_define(c, name, SYMBOL_CONSTANT, v.v,
				  v.known ? SYM_DEFINED : SYM_PENDING);
	if (sym >= 0 && !v.known)
		asm_pending_add(c, (size_t)sym, expr_tok);
}

static void
dir_equ(struct asm_ctx *c, struct asm_line *l, const struct asm_token *tok,
	const struct directive *d)
{
	const struct asm_token *name = &l->toks[l->pos];
	(void)tok;
	(void)d;
	if (name->kind != TOK_IDENT) {
		asm_error_expected(c, name, "symbol name");
		return;
	}
	l->pos++;
	if (!dir_accept(l, ',')) {
		asm_error_expected(c, &l->toks[l->pos], "','");
		return;
	}
	asm_equ(c, l, name);
}

static void
dir_include(struct asm_ctx *c, struct asm_line *l, const struct asm_token *tok,
	    const struct directive *d)
{
	const struct asm_token *name = &l->toks[l->pos];
	(void)tok;
	(void)d;
	if (name->kind != TOK_STRING) {
		asm_error_expected(c, name, "file name in quotes");
		return;
	}
	l->pos++;
	if (asm_expect_end(c, l) < 0)
		return;
	/* Pass 1 reads the file once; pass 2 reuses what pass 1 read. */
	long index = asm_stmt_current(c)->include;
	if (c->pass == 1) {
		index = asm_source_include(c, name);
		asm_stmt_current(c)->include = (int)index;
	}
	if (index < 0)
		return;
	struct asm_where saved = c->at;
	c->depth++;
	asm_source_run(c, (size_t)index);
	c->depth--;
	c->at = saved;
}

static const struct directive directives[] = {
	{ ".org",     dir_org,     0 },
	{ ".word",    dir_data,    4 },
	{ ".half",    dir_data,    2 },
	{ ".byte",    dir_data,    1 },
	{ ".ascii",   dir_ascii,   0 },
	{ ".asciz",   dir_ascii,   1 },
	{ ".space",   dir_space,   0 },
	{ ".align",   dir_align,   0 },
	{ ".equ",     dir_equ,     0 },
	{ ".include", dir_include, 0 },
};

void
asm_directive(struct asm_ctx *c, struct asm_line *l, const struct asm_token *tok)
{
	for (size_t i = 0; i < sizeof(directives) / sizeof(directives[0]); i++) {
		if (asm_tok_equals(tok, directives[i].name)) {
			directives[i].run(c, l, tok, &directives[i]);
			return;
		}
	}
	asm_error(c, tok->col, "unknown directive '%.*s'", (int)tok->len, tok->text);
}

/* ===== Conditional assembly (ASSEMBLER.md §5.1) ========================== */

enum cond_kind { COND_NONE, COND_IF, COND_IFDEF, COND_IFNDEF, COND_ELSE, COND_ENDIF };

static const struct {
	const char *name;
	enum cond_kind kind;
} cond_directives[] = {
	{ ".if", COND_IF }, { ".ifdef", COND_IFDEF }, { ".ifndef", COND_IFNDEF },
	{ ".else", COND_ELSE }, { ".endif", COND_ENDIF },
};

static bool
cond_active(const struct asm_ctx *c)
{
	if (c->nconds == 0)
		return true;
	const struct asm_cond *top = &c->conds[c->nconds - 1];
	return top->outer_active && (top->in_else ? !top->taken : top->taken);
}

/* The innermost conditional opened in the current file, or NULL. */
static struct asm_cond *
cond_top(struct asm_ctx *c)
{
	if (c->nconds == 0 || c->conds[c->nconds - 1].depth != c->depth)
		return NULL;
	return &c->conds[c->nconds - 1];
}

/* Pass 1 decides a condition; pass 2 reuses the verdict, so both passes
 * assemble the same lines whatever was defined in between. */
static bool
cond_evaluate(struct asm_ctx *c, struct asm_line *l, enum cond_kind kind, const char *name)
{
	struct asm_stmt *st = asm_stmt_current(c);
	if (c->pass == 2)
		return st->cond;
	st->cond = false;             /* after an error, the branch is left out */
	if (kind == COND_IF) {
		struct asm_value v;
		c->stmt_loc = c->loc;
		if (asm_expr(c, l, &v) < 0)
			return false;
		if (!v.known) {
			asm_error(c, v.unknown->col, "'%.*s' must be defined before '%s' uses it",
				  (int)v.unknown->len, v.unknown->text, name);
			return false;
		}
		if (asm_expect_end(c, l) < 0)
			return false;
		st->cond = v.v != 0;
		return st->cond;
	}
	const struct asm_token *sym = &l->toks[l->pos];
	if (sym->kind != TOK_IDENT) {
		asm_error_expected(c, sym, "symbol name");
		return false;
	}
	l->pos++;
	if (asm_expect_end(c, l) < 0)
		return false;
	/* Defined on an earlier line: a label, or an .equ (even one whose
	 * value waits for a later label). */
	bool defined = asm_sym_find(c, sym->text, sym->len) != NULL;
	st->cond = kind == COND_IFDEF ? defined : !defined;
	return st->cond;
}

bool
asm_cond_line(struct asm_ctx *c, struct asm_line *l)
{
	size_t i = 0;
	const struct asm_token *t = l->toks;
	while (t[i].kind == TOK_IDENT && asm_tok_is(&t[i + 1], ':'))
		i += 2;
	enum cond_kind kind = COND_NONE;
	const char *name = NULL;
	size_t n = sizeof(cond_directives) / sizeof(cond_directives[0]);
	for (size_t k = 0; k < n && t[i].kind == TOK_IDENT; k++) {
		if (asm_tok_equals(&t[i], cond_directives[k].name)) {
			kind = cond_directives[k].kind;
			name = cond_directives[k].name;
		}
	}
	bool active = cond_active(c);
	if (kind == COND_NONE)
		return !active;                 /* an ordinary line: skipped or not */

	/* Every complaint is made in pass 1; pass 2 only follows the structure. */
	bool report = c->pass == 1 && active;
	if (i > 0 && report)
		asm_error(c, t[0].col, "'%s' cannot have a label", name);
	l->pos = i + 1;
	struct asm_cond *top = cond_top(c);
	switch (kind) {
	case COND_IF:
	case COND_IFDEF:
	case COND_IFNDEF:
		if (asm_grow(&c->conds, &c->cap_conds, c->nconds + 1, sizeof(*c->conds)) < 0) {
			c->out_of_memory = true;
			return true;
		}
		c->conds[c->nconds] = (struct asm_cond){
			.at = c->at, .col = t[i].col, .name = name, .depth = c->depth,
			.outer_active = active,
			/* inside a branch that is left out, the condition is not even read */
			.taken = active && cond_evaluate(c, l, kind, name),
		};
		c->nconds++;
		break;
	case COND_ELSE:
		if (!top) {
			if (report)
				asm_error(c, t[i].col, "'.else' without '.if'");
		} else if (top->in_else) {
			if (c->pass == 1 && top->outer_active)
				asm_error(c, t[i].col, "second '.else' for the '%s' at line %u",
					  top->name, top->at.line);
		} else {
			top->in_else = true;
			if (c->pass == 1 && top->outer_active)
				asm_expect_end(c, l);
		}
		break;
	case COND_ENDIF:
		if (!top) {
			if (report)
				asm_error(c, t[i].col, "'.endif' without '.if'");
		} else {
			if (c->pass == 1 && top->outer_active)
				asm_expect_end(c, l);
			c->nconds--;
		}
		break;
	case COND_NONE:
		break;
	}
	return true;
}

void
asm_cond_close(struct asm_ctx *c, size_t base)
{
	while (c->nconds > base) {
		const struct asm_cond *open = &c->conds[--c->nconds];
		if (c->pass == 1 && open->outer_active) {
			struct asm_where saved = c->at;
			c->at = open->at;       /* the message shows the .if's own line */
			asm_error(c, open->col, "'%s' without '.endif'", open->name);
			c->at = saved;
		}
	}
}
