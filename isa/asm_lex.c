/* asm_lex.c — the assembler's lexer: splits one source line into tokens
 * (identifiers, numbers, character and string literals, punctuation).
 * A malformed token becomes a TOK_BAD carrying its message, so errors are
 * reported left to right as the parser reaches them (ASSEMBLER.md §2, §4).
 */
#include "asm_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum { NUMBER_MAX = 0xffffffffu };  /* literals are 32-bit values */

static bool
lex_is_ident_start(int ch)
{
	return isalpha(ch) || ch == '_' || ch == '.';
}

static bool
lex_is_ident_char(int ch)
{
	return isalnum(ch) || ch == '_' || ch == '.' || ch == '$';
}

static void
lex_bad(struct asm_token *t, const char *text, size_t len, unsigned col, const char *fmt)
{
	t->kind = TOK_BAD;
	t->text = text;
	t->len = len;
	t->col = col;
	t->error = fmt;
}

static int
lex_digit(int ch, unsigned base)
{
	int d = isdigit(ch) ? ch - '0' : isxdigit(ch) ? tolower(ch) - 'a' + 10 : -1;
	return d >= 0 && (unsigned)d < base ? d : -1;
}

/* Decimal, 0x hex or 0b binary: the whole alphanumeric run is the number. */
static void
lex_number(struct asm_token *t, const char *p, size_t len)
{
	unsigned base = 10;
	size_t i = 0;
	if (len >= 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		i = 2;
	} else if (len >= 2 && p[0] == '0' && (p[1] == 'b' || p[1] == 'B')) {
		base = 2;
		i = 2;
	}
	if (i == len) {
		lex_bad(t, p, len, t->col, "bad number '%.*s'");
		return;
	}
	uint64_t v = 0;
	for (; i < len; i++) {
		int d = lex_digit((unsigned char)p[i], base);
		if (d < 0) {
			lex_bad(t, p, len, t->col, "bad number '%.*s'");
			return;
		}
		v = v * base + (unsigned)d;
		if (v > NUMBER_MAX) {
			lex_bad(t, p, len, t->col, "number '%.*s' does not fit in 32 bits");
			return;
		}
	}
	t->kind = TOK_NUMBER;
	t->value = (int64_t)v;
}

/* One character of a literal at *p (an escape or a plain character).
 * Returns the byte, or -1 for an unknown escape (left at *p). */
static int
lex_char(const char **p)
{
	const char *s = *p;
	if (*s != '\\') {
		*p = s + 1;
		return (unsigned char)*s;
	}
	int ch;
	switch (s[1]) {
	case 'n':  ch = '\n'; break;
	case 't':  ch = '\t'; break;
	case 'r':  ch = '\r'; break;
	case '0':  ch = '\0'; break;
	case '\\': ch = '\\'; break;
	case '\'': ch = '\''; break;
	case '"':  ch = '"';  break;
	default:   return -1;
	}
	*p = s + 2;
	return ch;
}

/* 'c' or '\n': returns where scanning goes on. */
static const char *
lex_char_literal(struct asm_line *l, struct asm_token *t, const char *p)
{
	const char *s = p + 1;
	if (*s == '\0' || (*s == '\\' && s[1] == '\0')) {
		lex_bad(t, p, strlen(p), t->col, "unterminated character literal");
		return p + strlen(p);
	}
	if (*s == '\'') {
		lex_bad(t, p, 2, t->col, "empty character literal");
		return s + 1;
	}
	int ch = lex_char(&s);
	if (ch < 0) {
		lex_bad(t, s, 2, (unsigned)(s - l->text) + 1, "unknown escape '%.*s'");
		const char *close = strchr(s + 2, '\'');
		return close ? close + 1 : s + strlen(s);
	}
	if (*s != '\'') {
		const char *close = strchr(s, '\'');
		if (!close) {
			lex_bad(t, p, strlen(p), t->col, "unterminated character literal");
			return p + strlen(p);
		}
		lex_bad(t, p, (size_t)(close + 1 - p), t->col,
			"character literal %.*s holds more than one character");
		return close + 1;
	}
	t->kind = TOK_NUMBER;
	t->value = ch;
	t->len = (size_t)(s + 1 - p);
	return s + 1;
}

/* "..." with escapes, decoded into l->strbuf. */
static const char *
lex_string(struct asm_line *l, struct asm_token *t, const char *p, size_t *used)
{
	char *out = l->strbuf + *used;
	size_t n = 0;
	const char *s = p + 1;
	while (*s && *s != '"') {
		int ch = lex_char(&s);
		if (ch < 0 && s[1] == '\0') {
			lex_bad(t, p, strlen(p), t->col, "unterminated string");
			return s + 1;
		}
		if (ch < 0) {
			lex_bad(t, s, 2, (unsigned)(s - l->text) + 1, "unknown escape '%.*s'");
			const char *close = strchr(s + 2, '"');
			return close ? close + 1 : s + strlen(s);
		}
		out[n++] = (char)ch;
	}
	if (*s != '"') {
		lex_bad(t, p, strlen(p), t->col, "unterminated string");
		return s;
	}
	t->kind = TOK_STRING;
	t->str = out;
	t->str_len = n;
	t->len = (size_t)(s + 1 - p);
	*used += n;
	return s + 1;
}

int
asm_lex_line(struct asm_line *l, const char *src, size_t len)
{
	memset(l, 0, sizeof(*l));
	while (len > 0 && src[len - 1] == '\r')
		len--;
	l->text = malloc(len + 1);
	/* At most one token per character, plus the end marker. */
	l->toks = calloc(len + 1, sizeof(*l->toks));
	l->strbuf = malloc(len + 1);
	if (!l->text || !l->toks || !l->strbuf) {
		asm_line_free(l);
		return -1;
	}
	memcpy(l->text, src, len);
	l->text[len] = '\0';
	l->len = len;

	size_t used = 0;
	const char *p = l->text;
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\v' || *p == '\f')
			p++;
		struct asm_token *t = &l->toks[l->ntoks++];
		t->col = (unsigned)(p - l->text) + 1;
		t->text = p;
		if (*p == '\0' || *p == ';') {
			t->kind = TOK_END;
			break;
		}
		if (lex_is_ident_start((unsigned char)*p)) {
			const char *s = p;
			while (lex_is_ident_char((unsigned char)*s))
				s++;
			t->kind = TOK_IDENT;
			t->len = (size_t)(s - p);
			p = s;
		} else if (isdigit((unsigned char)*p)) {
			const char *s = p;
			while (isalnum((unsigned char)*s) || *s == '_')
				s++;
			t->len = (size_t)(s - p);
			lex_number(t, p, t->len);
			p = s;
		} else if (*p == '\'') {
			p = lex_char_literal(l, t, p);
		} else if (*p == '"') {
			p = lex_string(l, t, p, &used);
		} else if ((p[0] == '<' && p[1] == '<') || (p[0] == '>' && p[1] == '>')) {
			t->kind = TOK_PUNCT;
			t->punct = p[0] == '<' ? PUNCT_SHL : PUNCT_SHR;
			t->len = 2;
			p += 2;
		} else if (strchr(",:()+-*/%&|^~=", *p)) {
			t->kind = TOK_PUNCT;
			t->punct = *p;
			t->len = 1;
			p++;
		} else {
			lex_bad(t, p, 1, t->col, "unexpected character '%.*s'");
			p++;
		}
	}
	return 0;
}

void
asm_line_free(struct asm_line *l)
{
	free(l->text);
	free(l->toks);
	free(l->strbuf);
	memset(l, 0, sizeof(*l));
}

const char *
asm_tok_show(const struct asm_token *t, char *buf, size_t size)
{
	if (t->kind == TOK_END)
		return "end of line";
	if (t->len > ASM_SHOW_MAX)
		snprintf(buf, size, "'%.*s...'", (int)ASM_SHOW_MAX, t->text);
	else
		snprintf(buf, size, "'%.*s'", (int)t->len, t->text);
	return buf;
}

bool
asm_tok_is(const struct asm_token *t, int punct)
{
	return t->kind == TOK_PUNCT && t->punct == punct;
}

bool
asm_tok_equals(const struct asm_token *t, const char *name)
{
	return t->kind == TOK_IDENT && strlen(name) == t->len &&
	       strncasecmp(t->text, name, t->len) == 0;
}

bool
asm_tok_copy(const struct asm_token *t, char *buf, size_t size)
{
	if (t->len >= size)
		return false;
	memcpy(buf, t->text, t->len);
	buf[t->len] = '\0';
	return true;
}
