/* asm_internal.h — what the assembler's files share, private to isa/asm*.c:
 * asm.c runs the two passes and owns sources, symbols, the image and the
 * error list; asm_lex.c splits a line into tokens; asm_expr.c evaluates
 * constant expressions; asm_dir.c runs directives; asm_insn.c encodes
 * instructions and pseudo-instructions.  isa/ASSEMBLER.md is the manual.
 */
#ifndef TRAPLAB_ASM_INTERNAL_H
#define TRAPLAB_ASM_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "asm.h"
#include "isa.h"

enum {
	ASM_MAX_ERRORS = 50,         /* then one "too many errors" line */
	ASM_MAX_INCLUDE_DEPTH = 16,  /* .include inside .include ... */
	ASM_SHOW_MAX = 40,           /* longest token text quoted in a message */
};

/* ===== Tokens (asm_lex.c) ================================================ */
enum asm_tok_kind {
	TOK_END,     /* end of line or start of a ';' comment */
	TOK_IDENT,   /* label, symbol, mnemonic, register or directive */
	TOK_NUMBER,  /* number or character literal: value */
	TOK_STRING,  /* "...": str, str_len (escapes decoded) */
	TOK_PUNCT,   /* punct: the character, or PUNCT_SHL / PUNCT_SHR */
	TOK_BAD,     /* a lexical error, reported when the parser reaches it */
};

enum { PUNCT_SHL = 256, PUNCT_SHR };  /* "<<" and ">>": above every char */

struct asm_token {
	enum asm_tok_kind kind;
	unsigned col;         /* 1-based column of the first character */
	const char *text;     /* the token as written, not NUL-terminated */
	size_t len;
	int punct;
	int64_t value;
	const char *str;
	size_t str_len;
	const char *error;    /* TOK_BAD: printf format taking (int len, text) */
};

/* One source line, split into tokens; the parsers move `pos` along it. */
struct asm_line {
	char *text;               /* NUL-terminated copy of the line */
	size_t len;
	struct asm_token *toks;   /* always ends with a TOK_END */
	size_t ntoks, pos;
	char *strbuf;             /* decoded string literals live here */
};

int asm_lex_line(struct asm_line *l, const char *src, size_t len);
void asm_line_free(struct asm_line *l);
/* "'text'" (shortened if long) or "end of line", for messages. */
const char *asm_tok_show(const struct asm_token *t, char *buf, size_t size);
bool asm_tok_is(const struct asm_token *t, int punct);
/* Case-insensitive compare of an identifier token with a name. */
bool asm_tok_equals(const struct asm_token *t, const char *name);
/* Copy an identifier into buf as a C string; false if it does not fit. */
bool asm_tok_copy(const struct asm_token *t, char *buf, size_t size);

/* ===== The assembly run (asm.c) ========================================== */
struct asm_source {       /* a file, read once and kept for both passes */
	char *name;           /* as shown in messages */
	char *dir;            /* where its .include paths start ("" = cwd) */
	char *text;
	size_t len;
};

struct asm_stmt {         /* what pass 1 decided about one source line */
	uint64_t loc_after;   /* pass 2 continues from here, whatever happens */
	bool failed;          /* pass 1 reported an error: pass 2 skips the line */
	bool li_long;         /* `li` needs lui + ori */
	int include;          /* `.include`: index into sources, else -1 */
	bool cond;            /* `.if`/`.ifdef`/`.ifndef`: pass 1's verdict, reused in pass 2 */
};

enum asm_sym_state { SYM_PENDING, SYM_DEFINED };

struct asm_sym {
	char *name;
	int64_t value;
	enum symbol_kind kind;
	enum asm_sym_state state;  /* PENDING: an .equ pass 1 could not evaluate */
	size_t seq;                /* the statement that defines it */
	size_t source;             /* where, for "first defined at" */
	unsigned line;
};

struct asm_pending {      /* an .equ to retry once every label is known */
	size_t sym;
	const char *src;      /* the line, inside its source's text */
	size_t len;
	size_t expr_tok;      /* where the expression starts */
	uint64_t loc;         /* the value of '.' on that line */
};

struct asm_where {        /* the statement being assembled, for messages */
	size_t source;
	unsigned line;
	const char *src;
	size_t len;
	size_t seq;
};

/* One open `.if` (ASSEMBLER.md §5.1).  Lines are assembled only while every
 * open conditional is in its taken branch; pass 2 takes the branches pass 1
 * took, so both passes see the same lines. */
struct asm_cond {
	struct asm_where at;      /* the `.if` line: "'.if' without '.endif'" names it */
	unsigned col;             /* column of the directive */
	const char *name;         /* ".if", ".ifdef" or ".ifndef" */
	int depth;                /* the .include depth it was opened at */
	bool outer_active;        /* the lines around the `.if` are assembled */
	bool taken;               /* its condition held */
	bool in_else;             /* past its `.else` */
};

struct asm_message {
	size_t seq;           /* the statement it is about: sorts the two passes */
	char *text;
};

struct asm_error_list {   /* one pass's messages, in statement order */
	struct asm_message *items;
	size_t count, cap;
	size_t total;         /* including those not kept */
};

struct asm_ctx {
	int pass;                 /* 1: lay out and define labels; 2: encode */
	bool quiet;               /* between the passes: no messages */
	uint64_t loc;             /* the location counter */
	uint64_t stmt_loc;        /* where the current statement starts: '.' */
	struct asm_where at;
	size_t next_seq;          /* statements are numbered the same in both passes */
	int depth;                /* .include nesting */
	struct asm_source *sources;
	size_t nsources, cap_sources;
	struct asm_stmt *stmts;
	size_t nstmts, cap_stmts;
	struct asm_sym *syms;
	size_t nsyms, cap_syms;
	struct asm_pending *pending;
	size_t npending, cap_pending;
	struct asm_cond *conds;   /* open conditionals, innermost last */
	size_t nconds, cap_conds;
	uint8_t *image;
	size_t size, cap_image;
	struct asm_error_list errors[2];
	bool out_of_memory;
};

/* Grow *array (of elem-sized items, *cap of them) to hold `need`. */
int asm_grow(void *array, size_t *cap, size_t need, size_t elem);

void asm_error(struct asm_ctx *c, unsigned col, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Report the error a TOK_BAD token carries. */
void asm_error_token(struct asm_ctx *c, const struct asm_token *t);
/* Report "expected WHAT, found X" at t (or t's own error if it is TOK_BAD). */
void asm_error_expected(struct asm_ctx *c, const struct asm_token *t, const char *what);

/* Put n bytes (or n copies of fill when bytes is NULL) at the location
 * counter and advance it.  -1 (reported at col) past ASM_MAX_IMAGE. */
int asm_emit(struct asm_ctx *c, const uint8_t *bytes, uint8_t fill, uint64_t n, unsigned col);
int asm_emit_word(struct asm_ctx *c, uint32_t word, unsigned col);

struct asm_sym *asm_sym_find(struct asm_ctx *c, const char *name, size_t len);
/* Define NAME (a label at the location counter, or an .equ) in pass 1;
 * reports duplicates and register names.  Returns the index or -1. */
long asm_sym_define(struct asm_ctx *c, const struct asm_token *name, enum symbol_kind kind,
		    int64_t value, enum asm_sym_state state);
/* Run every line of sources[index] (used again by .include). */
void asm_source_run(struct asm_ctx *c, size_t index);
/* Read an .include file relative to the current one: its index, or -1. */
long asm_source_include(struct asm_ctx *c, const struct asm_token *name);
struct asm_stmt *asm_stmt_current(struct asm_ctx *c);

/* ===== Expressions (asm_expr.c) ========================================== */
struct asm_value {
	int64_t v;
	bool known;                       /* false: a symbol has no value yet */
	const struct asm_token *unknown;  /* the first such symbol */
};

/* Parse and evaluate the expression at l->pos.  In pass 1 an undefined
 * symbol gives known = false; in pass 2 it is an error.  -1 on error. */
int asm_expr(struct asm_ctx *c, struct asm_line *l, struct asm_value *out);
/* The value of the symbol token `name` (asm.c). */
int asm_symbol_value(struct asm_ctx *c, const struct asm_token *name, struct asm_value *out);

/* ===== Statements (asm_dir.c, asm_insn.c) ================================ */
/* l->pos is just past the directive or mnemonic token `name`. */
void asm_directive(struct asm_ctx *c, struct asm_line *l, const struct asm_token *name);
void asm_instruction(struct asm_ctx *c, struct asm_line *l, const struct asm_token *name);
/* Conditional assembly (asm_dir.c): true if the line belongs to it — a
 * `.if`/`.ifdef`/`.ifndef`/`.else`/`.endif`, or a line in a branch that is
 * not assembled — and must not be assembled as a statement. */
bool asm_cond_line(struct asm_ctx *c, struct asm_line *l);
/* At the end of a source: report and close the conditionals it left open
 * (those above `base`). */
void asm_cond_close(struct asm_ctx *c, size_t base);
/* `.equ name, expr` and `name = expr`: l->pos is at the expression. */
void asm_equ(struct asm_ctx *c, struct asm_line *l, const struct asm_token *name);
/* An .equ pass 1 could not evaluate, kept to retry between the passes
 * (asm_dir.c, beside asm_equ, its only caller). */
int asm_pending_add(struct asm_ctx *c, size_t sym, size_t expr_tok);
/* Expect the end of the statement: else "unexpected 'x' after operands". */
int asm_expect_end(struct asm_ctx *c, struct asm_line *l);
/* Check v (if known) against lo..hi: "WHAT V out of range for 'USER' (LO..HI)". */
int asm_check_range(struct asm_ctx *c, const struct asm_value *v, unsigned col, const char *what,
		    const char *user, int64_t lo, int64_t hi);

#endif /* TRAPLAB_ASM_INTERNAL_H */
