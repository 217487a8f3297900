/* explain.c — everything the tree knows about one PG32 instruction, in one
 * place (explain.h): `traplab disasm --explain` and the monitor's `explain`.
 * The meaning and the declared classes come from isa/opcodes.def through
 * isa.h; the witnesses come from running the instruction (classify.h), so a
 * student sees why an instruction is sensitive, not only that it is.  The
 * SPEC section is derived from the opcode's group, never listed per
 * instruction.  Labs 1 (the encoding) and 2 (the classes).
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "classify.h"
#include "disasm.h"
#include "explain.h"
#include "isa.h"

enum {
	WORD_HEX_DIGITS = 8,      /* an instruction word, as disasm prints it */
	NAME_MAX_LEN = 15,        /* longer than any mnemonic: too far to suggest one */
	SUGGEST_MAX_EDITS = 2,    /* a near miss is at most this many edits away */
	TEXT_LEN = 256,
	SLOT_MAX = 6,             /* opcode, rd, rs, rt, immediate, unused bits */
	OFF24_SIGN_SHIFT = 32 - ISA_OFF24_WIDTH,
};

static const char zero_slot[] = "zero";     /* bits the format leaves unused */
static const char format_prefix[] = "FMT_"; /* isa.h's spelling; SPEC §7.1 drops it */

/* The SPEC §8 groups, by the opcode's first code: opcodes.def assigns the
 * codes of a group from one block (0x00 arithmetic ... 0x50 system). */
static const struct spec_group {
	uint8_t first_code;
	const char *section;
	const char *title;
} spec_groups[] = {
	{ 0x00, "8.1", "arithmetic and logic" },
	{ 0x20, "8.2", "memory" },
	{ 0x30, "8.3", "control flow" },
	{ 0x40, "8.4", "instructions that always trap" },
	{ 0x50, "8.5", "system instructions" },
};

/* Where the text goes: every line starts with `prefix`. */
struct explain_out {
	FILE *file;
	const char *prefix;
};

static void emit(const struct explain_out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
emit(const struct explain_out *o, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs(o->prefix, o->file);
	vfprintf(o->file, fmt, ap);
	fputc('\n', o->file);
	va_end(ap);
}

static const char *
format_name(enum isa_format fmt)
{
	const char *name = isa_format_info(fmt)->name;
	size_t n = strlen(format_prefix);
	return strncmp(name, format_prefix, n) == 0 ? name + n : name;
}

/* ===== the encoding: which bits hold what (SPEC §7.1) ===================== */

struct slot {
	unsigned hi, lo;          /* bit numbers, hi >= lo */
	const char *name;         /* "opcode", "rd", "cr", ..., or zero_slot */
};

/* Slots come from the high bits down; neighbouring unused slots merge. */
static size_t
layout_add(struct slot *s, size_t n, unsigned pos, unsigned width, const char *name)
{
	if (n > 0 && name == zero_slot && s[n - 1].name == zero_slot) {
		s[n - 1].lo = pos;
		return n;
	}
	s[n] = (struct slot){ pos + width - 1, pos, name };
	return n + 1;
}

/* The fields of a format, opcode first.  The control register of mfcr
 * sits in rs, that of mtcr in rd (SPEC §7.1). */
static size_t
layout(enum isa_format fmt, struct slot s[SLOT_MAX])
{
	unsigned fields = isa_format_info(fmt)->fields;
	size_t n = layout_add(s, 0, ISA_OPCODE_POS, ISA_OPCODE_WIDTH, "opcode");
	if (fields & FIELD_OFF24)
		return layout_add(s, n, ISA_OFF24_POS, ISA_OFF24_WIDTH, "off24");
	n = layout_add(s, n, ISA_RD_POS, ISA_REG_WIDTH, !(fields & FIELD_RD) ? zero_slot
		       : fmt == FMT_CRW ? "cr" : "rd");
	n = layout_add(s, n, ISA_RS_POS, ISA_REG_WIDTH, !(fields & FIELD_RS) ? zero_slot
		       : fmt == FMT_CRR ? "cr" : "rs");
	if (fields & FIELD_IMM16)
		return layout_add(s, n, ISA_IMM16_POS, ISA_IMM16_WIDTH, "imm16");
	n = layout_add(s, n, ISA_RT_POS, ISA_REG_WIDTH, (fields & FIELD_RT) ? "rt" : zero_slot);
	return layout_add(s, n, 0, ISA_RT_POS, zero_slot);
}

static uint32_t
slot_bits(const struct slot *s, uint32_t word)
{
	return ISA_GET(word, s->lo, s->hi - s->lo + 1);
}

/* What a field holds in general (no word in hand). */
static const char *
slot_role(enum isa_format fmt, const char *name)
{
	enum isa_imm_kind imm = isa_format_info(fmt)->imm;
	if (name == zero_slot)
		return "must be zero, else the word is illegal (SPEC §7.3)";
	if (strcmp(name, "cr") == 0)
		return "control-register number, 0-9 (SPEC §3.3)";
	if (strcmp(name, "off24") == 0)
		return "signed word offset: target = pc + 4 + 4 * off24 (SPEC §7.2)";
	if (strcmp(name, "imm16") != 0)
		return "register number, 0-15";
	if (fmt == FMT_IN || fmt == FMT_OUT)
		return "port number (SPEC §10)";
	if (fmt == FMT_ADR)
		return "signed byte offset from pc + 4 (SPEC §7.2)";
	return imm == IMM_SIGNED16 ? "signed: sign-extended, sext(imm16)"
				   : "unsigned: zero-extended, zext(imm16)";
}

/* What a field of `word` holds. */
static void
slot_value(enum isa_format fmt, const struct slot *s, uint32_t word, char *buf, size_t len)
{
	uint32_t v = slot_bits(s, word);
	if (strcmp(s->name, "rd") == 0 || strcmp(s->name, "rs") == 0 || strcmp(s->name, "rt") == 0)
		snprintf(buf, len, "r%u", v);
	else if (strcmp(s->name, "cr") == 0)
		snprintf(buf, len, "%u (%s)", v, isa_control_reg_name(v));
	else if (strcmp(s->name, "off24") == 0)
		snprintf(buf, len, "%d words from pc + 4",
			 (int32_t)(v << OFF24_SIGN_SHIFT) >> OFF24_SIGN_SHIFT);
	else if (strcmp(s->name, "imm16") == 0 && isa_format_info(fmt)->imm == IMM_SIGNED16)
		snprintf(buf, len, "%d (0x%04x)", (int16_t)v, v);
	else if (strcmp(s->name, "imm16") == 0)
		snprintf(buf, len, "0x%x (%u)", v, v);
	else
		snprintf(buf, len, "0x%x", v);
}

static void
explain_encoding(const struct explain_out *o, const struct isa_op_info *info, const uint32_t *word)
{
	struct slot s[SLOT_MAX];
	size_t n = layout(info->format, s);
	emit(o, "encoding:  format %s (SPEC §7.1), opcode 0x%02x", format_name(info->format),
	     info->code);
	for (size_t i = 0; i < n; i++) {
		char value[TEXT_LEN];
		if (i == 0)
			snprintf(value, sizeof value, "0x%02x (%s)", info->code, info->name);
		else if (word)
			slot_value(info->format, &s[i], *word, value, sizeof value);
		else
			snprintf(value, sizeof value, "%s", slot_role(info->format, s[i].name));
		emit(o, "           bits %2u..%-2u  %-6s  %s", s[i].hi, s[i].lo, s[i].name, value);
	}
}

/* ===== the classes, derived by running (classify.h) ======================== */

/* Every variant's derived classes, computed on the first explanation:
 * classify_run classifies every opcode at once, so one run serves all. */
static struct classify_result *derived[ISA_VARIANT_COUNT];

static int
explain_derive(char *err, size_t errlen)
{
	if (derived[ISA_VARIANT_COUNT - 1])
		return 0;
	struct classify_plan *plan = malloc(sizeof *plan);
	if (!plan) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	classify_plan_build(plan);
	int rc = 0;
	for (int v = 0; v < ISA_VARIANT_COUNT && rc == 0; v++) {
		if (derived[v])
			continue;
		derived[v] = malloc(sizeof *derived[v]);
		if (!derived[v]) {
			snprintf(err, errlen, "out of memory");
			rc = -1;
		} else if (classify_run((enum isa_variant)v, plan, derived[v], err, errlen) < 0) {
			free(derived[v]);
			derived[v] = NULL;
			rc = -1;
		}
	}
	free(plan);
	return rc;
}

/* Append to buf, which holds *used characters; output past the end is cut. */
static void append(char *buf, size_t len, size_t *used, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void
append(char *buf, size_t len, size_t *used, const char *fmt, ...)
{
	if (*used + 1 >= len)
		return;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf + *used, len - *used, fmt, ap);
	va_end(ap);
	if (n > 0)
		*used = *used + (size_t)n < len ? *used + (size_t)n : len - 1;
}

/* "P L: privileged, location-sensitive", or "innocuous". */
static void
class_summary(unsigned flags, char *buf, size_t len)
{
	size_t used = 0;
	buf[0] = '\0';
	if (!flags) {
		append(buf, len, &used, "innocuous: no sampled state shows it sensitive");
		return;
	}
	for (size_t fi = 0; fi < CLASSIFY_FLAG_COUNT; fi++)
		if (flags & classify_flags[fi].flag)
			append(buf, len, &used, "%s%s", used ? " " : "", classify_flags[fi].column);
	const char *sep = ": ";
	for (size_t fi = 0; fi < CLASSIFY_FLAG_COUNT; fi++)
		if (flags & classify_flags[fi].flag) {
			append(buf, len, &used, "%s%s", sep, classify_flags[fi].meaning);
			sep = ", ";
		}
	if (!(flags & CLS_SENSITIVE))
		append(buf, len, &used, " (not sensitive)");
}

/* Where a flag's witness is kept (classify_flags order). */
static size_t
flag_index(unsigned flag)
{
	size_t fi = 0;
	while (fi + 1 < CLASSIFY_FLAG_COUNT && classify_flags[fi].flag != flag)
		fi++;
	return fi;
}

/* What a class means for a monitor (SPEC §9.1, §9.2). */
static void
explain_verdict(const struct explain_out *o, const struct classify_op_result *r)
{
	const char *pad = "             ";
	if ((r->derived & CLS_SENSITIVE) && !(r->derived & CLS_PRIV)) {
		emit(o, "%snot P: %s", pad, r->witness[flag_index(CLS_PRIV)]);
		emit(o, "%ssensitive but not privileged: it never traps to a trap-and-emulate "
		     "monitor (Theorem 1 fails)", pad);
	}
	if ((r->derived & CLS_USER_SENSITIVE) && !(r->derived & CLS_PRIV))
		emit(o, "%suser-sensitive too: no monitor that runs user code directly can "
		     "hide it (Theorem 3 fails)", pad);
}

static void
explain_variant(const struct explain_out *o, enum isa_opcode op, enum isa_variant v)
{
	const struct classify_op_result *r = &derived[v]->ops[op];
	char summary[TEXT_LEN], name[TEXT_LEN];
	class_summary(r->declared, summary, sizeof summary);
	snprintf(name, sizeof name, "%s:", isa_variant_name(v));
	emit(o, "%-10s %s", name, summary);
	for (size_t fi = 0; fi < CLASSIFY_FLAG_COUNT; fi++) {
		unsigned flag = classify_flags[fi].flag;
		if (!((r->declared | r->derived) & flag))
			continue;
		const char *note = !(r->derived & flag) ? " (declared in opcodes.def, not derived)"
				 : !(r->declared & flag) ? " (derived, not declared in opcodes.def)" : "";
		emit(o, "             %-2s %s%s", classify_flags[fi].column, r->witness[fi], note);
	}
	explain_verdict(o, r);
}

/* ===== the whole explanation ================================================ */

static const struct spec_group *
spec_group_of(uint8_t code)
{
	const struct spec_group *g = &spec_groups[0];
	for (size_t i = 0; i < ARRAY_SIZE(spec_groups); i++)
		if (spec_groups[i].first_code <= code)
			g = &spec_groups[i];
	return g;
}

static int
explain_body(const struct explain_out *o, enum isa_opcode op, const uint32_t *word,
	     char *err, size_t errlen)
{
	if (explain_derive(err, errlen) < 0)
		return -1;
	const struct isa_op_info *info = isa_op_info(op);
	const char *syntax = isa_format_info(info->format)->syntax;
	emit(o, "meaning:   %s", info->meaning);
	emit(o, "syntax:    %s%s%s", info->name, syntax[0] ? " " : "", syntax);
	explain_encoding(o, info, word);
	emit(o, "class:     Popek-Goldberg, per variant (opcodes.def), each flag with the "
	     "witness found by running it");
	for (int v = 0; v < ISA_VARIANT_COUNT; v++)
		explain_variant(o, op, (enum isa_variant)v);
	const struct spec_group *g = spec_group_of(info->code);
	emit(o, "read:      isa/SPEC.md §%s (%s), §9.1 (the classes), §9.2 (the variants)",
	     g->section, g->title);
	return 0;
}

/* Why `word` is not a legal instruction (SPEC §7.3). */
static void
word_error(uint32_t word, char *err, size_t errlen)
{
	unsigned code = ISA_GET(word, ISA_OPCODE_POS, ISA_OPCODE_WIDTH);
	const struct isa_op_info *info = NULL;
	for (int op = 0; op < OP_COUNT && !info; op++)
		if (isa_op_info((enum isa_opcode)op)->code == code)
			info = isa_op_info((enum isa_opcode)op);
	if (!info) {
		snprintf(err, errlen, "0x%08x is not an instruction: no PG32 instruction has "
			 "opcode 0x%02x (SPEC §7.3)", word, code);
		return;
	}
	struct slot s[SLOT_MAX];
	size_t n = layout(info->format, s);
	for (size_t i = 0; i < n; i++)
		if (s[i].name == zero_slot && slot_bits(&s[i], word) != 0) {
			snprintf(err, errlen, "0x%08x is not an instruction: %s (format %s) needs "
				 "bits %u..%u zero (SPEC §7.3)", word, info->name,
				 format_name(info->format), s[i].hi, s[i].lo);
			return;
		}
	snprintf(err, errlen, "0x%08x is not an instruction: %s names a control register "
		 "that does not exist, only 0-%d do (SPEC §7.3)", word, info->name, ISA_NUM_CRS - 1);
}

bool
explain_parse_word(const char *what, uint32_t *word)
{
	const char *digits = what;
	bool prefixed = what[0] == '0' && (what[1] == 'x' || what[1] == 'X');
	if (prefixed)
		digits += 2;
	size_t n = strspn(digits, "0123456789abcdefABCDEF");
	if (n == 0 || digits[n] != '\0' || n > WORD_HEX_DIGITS || (!prefixed && n != WORD_HEX_DIGITS))
		return false;
	*word = (uint32_t)strtoul(digits, NULL, 16);
	return true;
}

int
explain_word(FILE *out, uint32_t word, const char *prefix, char *err, size_t errlen)
{
	struct isa_insn insn;
	if (!isa_decode(word, &insn)) {
		word_error(word, err, errlen);
		return -1;
	}
	return explain_body(&(struct explain_out){ out, prefix }, insn.op, &word, err, errlen);
}

/* Edit distance (Levenshtein), case-insensitive; both at most NAME_MAX_LEN. */
static size_t
edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), row[NAME_MAX_LEN + 1];
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diagonal = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t above = row[j];
			size_t change = diagonal + (tolower((unsigned char)a[i - 1]) != b[j - 1]);
			size_t best = above + 1 < row[j - 1] + 1 ? above + 1 : row[j - 1] + 1;
			row[j] = change < best ? change : best;
			diagonal = above;
		}
	}
	return row[lb];
}

/* The mnemonics closest to `what` ("'srr'", or "'sra' or 'srr'" for a
 * tie), if it is a near miss; false if none is near. */
static bool
closest_mnemonics(const char *what, char *buf, size_t len)
{
	size_t n = strlen(what), best = SUGGEST_MAX_EDITS + 1, used = 0;
	if (n > NAME_MAX_LEN)
		return false;
	for (int op = 0; op < OP_COUNT; op++) {
		size_t d = edit_distance(what, isa_op_info((enum isa_opcode)op)->name);
		if (d < n && d < best)
			best = d;
	}
	for (int op = 0; op < OP_COUNT && best <= SUGGEST_MAX_EDITS; op++) {
		const char *name = isa_op_info((enum isa_opcode)op)->name;
		if (edit_distance(what, name) == best)
			append(buf, len, &used, "%s'%s'", used ? " or " : "", name);
	}
	return used > 0;
}

int
explain_instruction(FILE *out, const char *what, char *err, size_t errlen)
{
	struct explain_out o = { out, "  " };
	int op = isa_opcode_by_name(what);
	if (op >= 0) {
		fprintf(out, "%s\n", isa_op_info((enum isa_opcode)op)->name);
		return explain_body(&o, (enum isa_opcode)op, NULL, err, errlen);
	}
	uint32_t word;
	if (explain_parse_word(what, &word)) {
		struct isa_insn insn;
		char text[TEXT_LEN];
		if (!isa_decode(word, &insn)) {
			word_error(word, err, errlen);
			return -1;
		}
		disasm_insn(word, 0, NULL, text, sizeof text);
		bool relative = isa_op_info(insn.op)->format == FMT_BR ||
				isa_op_info(insn.op)->format == FMT_ADR;
		fprintf(out, "0x%08x: %s%s\n", word, text, relative ? "    (as if at address 0)" : "");
		return explain_body(&o, insn.op, &word, err, errlen);
	}
	char near[TEXT_LEN];
	if (closest_mnemonics(what, near, sizeof near))
		snprintf(err, errlen, "'%s' is not a PG32 instruction; did you mean %s?", what, near);
	else
		snprintf(err, errlen, "'%s' is neither a PG32 mnemonic nor an instruction word "
			 "(such as srr or 0x5b100000)", what);
	return -1;
}
