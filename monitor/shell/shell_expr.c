/* shell_expr.c — the monitor's expressions: `break minios_syscall+8`,
 * `x/4w $sp`, `set r1 = (1 << 4) | 3`.  A tokenizer and a recursive-descent
 * parser with C's precedence; values are 64-bit unsigned and wrap.  Names
 * come from the backend only (symbols(), registers()), so the same syntax
 * works on every backend.  MONITOR.md "Expressions" is the user's side.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "shell.h"
#include "common.h"

enum { TOKEN_MAX = 64 };

enum token_kind { TOK_END, TOK_NUMBER, TOK_NAME, TOK_REGISTER, TOK_OP };

struct expr {
	struct shell *sh;
	const char *text;
	const char *p;                 /* next character */
	/* the current token */
	enum token_kind kind;
	char tok[TOKEN_MAX];           /* its text, for messages */
	uint64_t number;
	char *err;
	size_t errlen;
	bool failed;
};

static void
expr_fail(struct expr *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
expr_fail(struct expr *e, const char *fmt, ...)
{
	if (e->failed)
		return;        /* the first error is the one to report */
	e->failed = true;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e->err, e->errlen, fmt, ap);
	va_end(ap);
}

static bool
is_name_start(int c)
{
	return isalpha(c) || c == '_' || c == '.';
}

static bool
is_name_char(int c)
{
	return isalnum(c) || c == '_' || c == '.';
}

/* Copy [start, end) into the token text, truncated for messages. */
static void
expr_set_text(struct expr *e, const char *start, const char *end)
{
	size_t n = (size_t)(end - start);
	if (n >= sizeof e->tok)
		n = sizeof e->tok - 1;
	memcpy(e->tok, start, n);
	e->tok[n] = '\0';
}

static void
expr_number(struct expr *e, const char *start, const char *end)
{
	int base = 10;
	const char *digits = start;
	if (end - start > 2 && start[0] == '0' && (start[1] == 'x' || start[1] == 'X')) {
		base = 16;
		digits += 2;
	} else if (end - start > 2 && start[0] == '0' && (start[1] == 'b' || start[1] == 'B')) {
		base = 2;
		digits += 2;
	}
	char buf[TOKEN_MAX];
	size_t n = (size_t)(end - digits);
	if (n >= sizeof buf) {
		expr_fail(e, "number '%s' is too long", e->tok);
		return;
	}
	memcpy(buf, digits, n);
	buf[n] = '\0';
	char *stop;
	errno = 0;
	unsigned long long v = strtoull(buf, &stop, base);
	if (n == 0 || *stop != '\0' || buf[0] == '-' || buf[0] == '+') {
		expr_fail(e, "bad number '%s'", e->tok);
		return;
	}
	if (errno == ERANGE) {
		expr_fail(e, "number '%s' is too large", e->tok);
		return;
	}
	e->number = v;
}

/* Read the next token into e->kind / e->tok. */
static void
expr_next(struct expr *e)
{
	static const char *const two_char_ops[] = { "<<", ">>" };
	while (isspace((unsigned char)*e->p))
		e->p++;
	const char *start = e->p;
	if (*start == '\0') {
		e->kind = TOK_END;
		snprintf(e->tok, sizeof e->tok, "%s", "end");
		return;
	}
	if (isdigit((unsigned char)*start)) {
		const char *end = start;
		while (isalnum((unsigned char)*end) || *end == '_')
			end++;
		e->p = end;
		e->kind = TOK_NUMBER;
		expr_set_text(e, start, end);
		expr_number(e, start, end);
		return;
	}
	if (*start == '$' || is_name_start((unsigned char)*start)) {
		const char *end = start + 1;
		while (is_name_char((unsigned char)*end))
			end++;
		e->p = end;
		e->kind = *start == '$' ? TOK_REGISTER : TOK_NAME;
		expr_set_text(e, start, end);
		return;
	}
	for (size_t i = 0; i < ARRAY_SIZE(two_char_ops); i++)
		if (strncmp(start, two_char_ops[i], 2) == 0) {
			e->p = start + 2;
			e->kind = TOK_OP;
			expr_set_text(e, start, start + 2);
			return;
		}
	if (strchr("+-*/%&|^~()", *start)) {
		e->p = start + 1;
		e->kind = TOK_OP;
		expr_set_text(e, start, start + 1);
		return;
	}
	e->p = start + 1;
	e->kind = TOK_OP;
	expr_set_text(e, start, start + 1);
	expr_fail(e, "unexpected '%s' in '%s'", e->tok, e->text);
}

static bool
expr_is_op(const struct expr *e, const char *op)
{
	return e->kind == TOK_OP && strcmp(e->tok, op) == 0;
}

bool
shell_register_value(struct shell *sh, const char *name, uint64_t *value)
{
	static const enum backend_reg_group groups[] = { REGS_GENERAL, REGS_CONTROL,
							 REGS_SEGMENT };
	struct backend *b = sh->backend;
	struct backend_reg regs[SHELL_MAX_REGS];
	for (size_t g = 0; g < ARRAY_SIZE(groups); g++) {
		size_t n = b->ops->registers(b, groups[g], regs, SHELL_MAX_REGS);
		for (size_t i = 0; i < n; i++)
			if (strcmp(regs[i].name, name) == 0) {
				*value = regs[i].value;
				return true;
			}
	}
	return false;
}

static uint64_t
expr_register(struct expr *e, const char *name, const char *shown)
{
	struct backend *b = e->sh->backend;
	uint64_t v = 0;
	if (!b->ops->loaded(b))
		expr_fail(e, "no guest loaded (use: load FILE)");
	else if (!shell_register_value(e->sh, name, &v))
		expr_fail(e, "no register '%s' (see: info registers all)", shown);
	return v;
}

static uint64_t expr_or(struct expr *e);

/* primary: NUMBER | NAME | $REGISTER | ( expr ) | unary-op primary */
static uint64_t
expr_unary(struct expr *e)
{
	if (e->failed)
		return 0;
	uint64_t v = 0;
	switch (e->kind) {
	case TOK_NUMBER:
		v = e->number;
		expr_next(e);
		return v;
	case TOK_REGISTER:
		v = expr_register(e, e->tok + 1, e->tok);
		expr_next(e);
		return v;
	case TOK_NAME: {
		struct backend *b = e->sh->backend;
		const struct symtab *syms = b->ops->symbols(b);
		const struct symbol *s = syms ? symtab_find(syms, e->tok) : NULL;
		if (s)
			v = s->value;
		else if (b->ops->loaded(b) && shell_register_value(e->sh, e->tok, &v))
			;       /* a plain register name, when no symbol has it */
		else
			expr_fail(e, "no symbol '%s' (try tab completion)", e->tok);
		expr_next(e);
		return v;
	}
	case TOK_END:
		expr_fail(e, "missing a value at the end of '%s'", e->text);
		return 0;
	case TOK_OP:
		break;
	}
	if (expr_is_op(e, "(")) {
		expr_next(e);
		v = expr_or(e);
		if (!e->failed && !expr_is_op(e, ")"))
			expr_fail(e, e->kind == TOK_END ? "missing ')' at the end of '%s'"
						      : "missing ')' before '%s'", e->kind == TOK_END
						      ? e->text : e->tok);
		expr_next(e);
		return v;
	}
	if (expr_is_op(e, "-")) {
		expr_next(e);
		return -expr_unary(e);
	}
	if (expr_is_op(e, "+")) {
		expr_next(e);
		return expr_unary(e);
	}
	if (expr_is_op(e, "~")) {
		expr_next(e);
		return ~expr_unary(e);
	}
	expr_fail(e, "unexpected '%s' in '%s'", e->tok, e->text);
	return 0;
}

static uint64_t
expr_mul(struct expr *e)
{
	uint64_t v = expr_unary(e);
	while (!e->failed && (expr_is_op(e, "*") || expr_is_op(e, "/") || expr_is_op(e, "%"))) {
		char op = e->tok[0];
		expr_next(e);
		uint64_t r = expr_unary(e);
		if (e->failed)
			break;
		if (op != '*' && r == 0) {
			expr_fail(e, "division by zero in '%s'", e->text);
			break;
		}
		v = op == '*' ? v * r : op == '/' ? v / r : v % r;
	}
	return v;
}

static uint64_t
expr_add(struct expr *e)
{
	uint64_t v = expr_mul(e);
	while (!e->failed && (expr_is_op(e, "+") || expr_is_op(e, "-"))) {
		char op = e->tok[0];
		expr_next(e);
		uint64_t r = expr_mul(e);
		v = op == '+' ? v + r : v - r;
	}
	return v;
}

static uint64_t
expr_shift(struct expr *e)
{
	enum { VALUE_BITS = 64 };
	uint64_t v = expr_add(e);
	while (!e->failed && (expr_is_op(e, "<<") || expr_is_op(e, ">>"))) {
		bool left = e->tok[0] == '<';
		expr_next(e);
		uint64_t r = expr_add(e);
		if (r >= VALUE_BITS)
			v = 0;
		else
			v = left ? v << r : v >> r;
	}
	return v;
}

static uint64_t
expr_and(struct expr *e)
{
	uint64_t v = expr_shift(e);
	while (!e->failed && expr_is_op(e, "&")) {
		expr_next(e);
		v &= expr_shift(e);
	}
	return v;
}

static uint64_t
expr_xor(struct expr *e)
{
	uint64_t v = expr_and(e);
	while (!e->failed && expr_is_op(e, "^")) {
		expr_next(e);
		v ^= expr_and(e);
	}
	return v;
}

static uint64_t
expr_or(struct expr *e)
{
	uint64_t v = expr_xor(e);
	while (!e->failed && expr_is_op(e, "|")) {
		expr_next(e);
		v |= expr_xor(e);
	}
	return v;
}

int
shell_expr_eval(struct shell *sh, const char *text, uint64_t *value, char *err, size_t errlen)
{
	struct expr e = { .sh = sh, .text = text, .p = text, .err = err, .errlen = errlen };
	expr_next(&e);
	if (e.kind == TOK_END && !e.failed) {
		snprintf(err, errlen, "missing expression");
		return -1;
	}
	uint64_t v = expr_or(&e);
	if (!e.failed && e.kind != TOK_END)
		expr_fail(&e, "unexpected '%s' in '%s'", e.tok, text);
	if (e.failed)
		return -1;
	*value = v;
	return 0;
}

int
shell_expr_eval_args(struct shell *sh, int argc, char **argv, uint64_t *value, char *err,
		     size_t errlen)
{
	char text[SHELL_LINE_MAX];
	size_t len = 0;
	text[0] = '\0';
	for (int i = 0; i < argc; i++) {
		int n = snprintf(text + len, sizeof text - len, "%s%s", i ? " " : "", argv[i]);
		if (n < 0 || (size_t)n >= sizeof text - len) {
			snprintf(err, errlen, "expression too long");
			return -1;
		}
		len += (size_t)n;
	}
	return shell_expr_eval(sh, text, value, err, errlen);
}
