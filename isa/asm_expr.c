/* asm_expr.c — constant expressions for the assembler: numbers, symbols,
 * '.', parentheses and C's operators with C's precedence, computed in
 * 64 bits so that a field's range check sees the true value
 * (ASSEMBLER.md §4).  Precedence climbing: one function per level would
 * be six nearly identical functions; the table below is the grammar.
 */
#include "asm_internal.h"

#include <stdio.h>

enum { SHIFT_MAX = 63 };  /* shifting an int64 further is undefined in C */

/* The parser recurses once per '(' and per unary operator, so hostile input
 * ('-(' repeated 300,000 times) would overflow the stack.  No real program
 * nests anywhere near this deep; past it the expression is one error. */
enum { EXPR_MAX_DEPTH = 256 };

/* Binary operators, loosest first, as in C. */
static const struct {
	int punct;
	int prec;
} expr_binops[] = {
	{ '|', 1 },
	{ '^', 2 },
	{ '&', 3 },
	{ PUNCT_SHL, 4 }, { PUNCT_SHR, 4 },
	{ '+', 5 }, { '-', 5 },
	{ '*', 6 }, { '/', 6 }, { '%', 6 },
};

static int
expr_prec(const struct asm_token *t)
{
	if (t->kind != TOK_PUNCT)
		return 0;
	for (size_t i = 0; i < sizeof(expr_binops) / sizeof(expr_binops[0]); i++)
		if (expr_binops[i].punct == t->punct)
			return expr_binops[i].prec;
	return 0;
}

/* Combine two values: known only if both are, first unknown symbol kept. */
static void
expr_merge(struct asm_value *a, const struct asm_value *b)
{
	if (a->known && !b->known)
		a->unknown = b->unknown;
	a->known = a->known && b->known;
}

static int
expr_apply(struct asm_ctx *c, const struct asm_token *op, struct asm_value *a,
	   const struct asm_value *b)
{
	/* Wrap-around arithmetic goes through uint64_t: signed overflow is UB. */
	uint64_t x = (uint64_t)a->v, y = (uint64_t)b->v;
	bool known = a->known && b->known;
	expr_merge(a, b);
	switch (op->punct) {
	case '+': a->v = (int64_t)(x + y); return 0;
	case '-': a->v = (int64_t)(x - y); return 0;
	case '*': a->v = (int64_t)(x * y); return 0;
	case '&': a->v = (int64_t)(x & y); return 0;
	case '|': a->v = (int64_t)(x | y); return 0;
	case '^': a->v = (int64_t)(x ^ y); return 0;
	}
	if (op->punct == '/' || op->punct == '%') {
		if (!known) {
			a->v = 0;
			return 0;
		}
		if (b->v == 0) {
			asm_error(c, op->col, "division by zero");
			return -1;
		}
		if (b->v == -1)  /* INT64_MIN / -1 overflows */
			a->v = op->punct == '/' ? (int64_t)(0 - x) : 0;
		else
			a->v = op->punct == '/' ? a->v / b->v : a->v % b->v;
		return 0;
	}
	/* << and >> */
	if (known && (b->v < 0 || b->v > SHIFT_MAX)) {
		asm_error(c, op->col, "shift count %lld out of range (0..%d)",
			  (long long)b->v, SHIFT_MAX);
		return -1;
	}
	if (!known)
		a->v = 0;
	else if (op->punct == PUNCT_SHL)
		a->v = (int64_t)(x << y);
	else
		a->v = a->v >> y;  /* arithmetic: the sign is kept */
	return 0;
}

static int expr_binary(struct asm_ctx *c, struct asm_line *l, int min_prec, int depth,
		       struct asm_value *out);

/* `depth` counts the '(' and unary operators around the token at l->pos. */
static int
expr_unary(struct asm_ctx *c, struct asm_line *l, int depth, struct asm_value *out)
{
	const struct asm_token *t = &l->toks[l->pos];
	bool nests = asm_tok_is(t, '-') || asm_tok_is(t, '+') || asm_tok_is(t, '~')
		|| asm_tok_is(t, '(');
	if (nests && depth >= EXPR_MAX_DEPTH) {
		asm_error(c, t->col, "expression nested deeper than %d levels", EXPR_MAX_DEPTH);
		return -1;
	}
	if (nests && !asm_tok_is(t, '(')) {
		l->pos++;
		if (expr_unary(c, l, depth + 1, out) < 0)
			return -1;
		uint64_t x = (uint64_t)out->v;
		if (t->punct == '-')
			out->v = (int64_t)(0 - x);
		else if (t->punct == '~')
			out->v = (int64_t)~x;
		return 0;
	}
	if (asm_tok_is(t, '(')) {
		l->pos++;
		if (expr_binary(c, l, 1, depth + 1, out) < 0)
			return -1;
		if (!asm_tok_is(&l->toks[l->pos], ')')) {
			asm_error_expected(c, &l->toks[l->pos], "')'");
			return -1;
		}
		l->pos++;
		return 0;
	}
	if (t->kind == TOK_NUMBER) {
		l->pos++;
		*out = (struct asm_value){ .v = t->value, .known = true };
		return 0;
	}
	if (t->kind == TOK_IDENT) {
		char name[ASM_SHOW_MAX];
		if (asm_tok_copy(t, name, sizeof(name)) && isa_register_by_name(name) >= 0) {
			asm_error(c, t->col, "expected expression, found register '%s'", name);
			return -1;
		}
		l->pos++;
		return asm_symbol_value(c, t, out);
	}
	asm_error_expected(c, t, "expression");
	return -1;
}

static int
expr_binary(struct asm_ctx *c, struct asm_line *l, int min_prec, int depth,
	    struct asm_value *out)
{
	if (expr_unary(c, l, depth, out) < 0)
		return -1;
	for (;;) {
		const struct asm_token *op = &l->toks[l->pos];
		int prec = expr_prec(op);
		if (prec == 0 || prec < min_prec)
			return 0;
		l->pos++;
		struct asm_value rhs;
		/* prec + 1: operators of one level group to the left */
		if (expr_binary(c, l, prec + 1, depth, &rhs) < 0)
			return -1;
		if (expr_apply(c, op, out, &rhs) < 0)
			return -1;
	}
}

int
asm_expr(struct asm_ctx *c, struct asm_line *l, struct asm_value *out)
{
	*out = (struct asm_value){ .known = true };
	return expr_binary(c, l, 1, 0, out);
}
