/* report.c — the JSON writer and the figures of a run, in JSON and in text
 * (report.h; field names documented in monitor/REPORTS.md). */
#include "report.h"

#include <inttypes.h>
#include <stddef.h>

#include "isa.h"
#include "pv.h"

void
json_init(struct json *j, FILE *out)
{
	j->out = out;
	j->depth = 0;
	j->need_comma[0] = false;
}

static void
json_escaped(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", out);
		else if (c == '\t')
			fputs("\\t", out);
		else if (c < 0x20)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

/* Comma, newline and indentation before a value; then its key, if any. */
static void
json_prefix(struct json *j, const char *key)
{
	if (j->need_comma[j->depth])
		fputc(',', j->out);
	if (j->depth > 0)
		fprintf(j->out, "\n%*s", 2 * j->depth, "");
	j->need_comma[j->depth] = true;
	if (key) {
		json_escaped(j->out, key);
		fputs(": ", j->out);
	}
}

static void
json_open(struct json *j, const char *key, char bracket)
{
	json_prefix(j, key);
	fputc(bracket, j->out);
	if (j->depth + 1 < JSON_MAX_DEPTH)
		j->depth++;
	j->need_comma[j->depth] = false;
}

static void
json_close(struct json *j, char bracket)
{
	bool had_items = j->need_comma[j->depth];
	if (j->depth > 0)
		j->depth--;
	if (had_items)
		fprintf(j->out, "\n%*s", 2 * j->depth, "");
	fputc(bracket, j->out);
}

void json_begin_object(struct json *j, const char *key) { json_open(j, key, '{'); }
void json_end_object(struct json *j) { json_close(j, '}'); }
void json_begin_array(struct json *j, const char *key) { json_open(j, key, '['); }
void json_end_array(struct json *j) { json_close(j, ']'); }

void
json_string(struct json *j, const char *key, const char *value)
{
	json_prefix(j, key);
	json_escaped(j->out, value);
}

void
json_uint(struct json *j, const char *key, uint64_t value)
{
	json_prefix(j, key);
	fprintf(j->out, "%" PRIu64, value);
}

void
json_double(struct json *j, const char *key, double value)
{
	json_prefix(j, key);
	fprintf(j->out, "%.6g", value);
}

void
json_bool(struct json *j, const char *key, bool value)
{
	json_prefix(j, key);
	fputs(value ? "true" : "false", j->out);
}

void
json_null(struct json *j, const char *key)
{
	json_prefix(j, key);
	fputs("null", j->out);
}

void
json_finish(struct json *j)
{
	fputc('\n', j->out);
}

/* ===== the figures (vm_stats.def) ====================================================== */

#define REPORT_GROUP_top     NULL
#define REPORT_GROUP_shadow  "shadow"
#define REPORT_GROUP_bt      "bt"
#define REPORT_PATH_top(field)     field
#define REPORT_PATH_shadow(field)  shadow.field
#define REPORT_PATH_bt(field)      bt.field
#define REPORT_OFFSET_COUNT(path)     offsetof(struct vm_stats, path)
#define REPORT_OFFSET_BY_CAUSE(path)  offsetof(struct vm_stats, path)
#define REPORT_OFFSET_BY_OP(path)     offsetof(struct vm_stats, path)
#define REPORT_OFFSET_BY_NUMBER(path) offsetof(struct vm_stats, path)
#define REPORT_OFFSET_SHARE(path)     0

const struct report_figure report_figures[] = {
#define VM_STAT(kind, group, field, json, shown, line, text, in_stats, column, heading, width) \
	{ REPORT_##kind, REPORT_GROUP_##group, json,                                           \
	  REPORT_OFFSET_##kind(REPORT_PATH_##group(field)), REPORT_##shown, line, text,       \
	  in_stats, column, heading, width },
#include "vm_stats.def"
#undef VM_STAT
};
const size_t report_nfigures = ARRAY_SIZE(report_figures);

bool
report_figure_shown(const struct report_figure *f, enum vm_mode mode)
{
	switch (f->shown) {
	case REPORT_ALWAYS:  return true;
	case REPORT_MONITOR: return mode != MODE_BARE;
	case REPORT_BT:      return mode == MODE_BT;
	case REPORT_PV:      return mode == MODE_PV;
	}
	return false;
}

static const uint64_t *
report_counts(const struct report_figure *f, const struct vm_stats *st)
{
	return (const uint64_t *)(const void *)((const char *)st + f->offset);
}

size_t
report_list_length(const struct report_figure *f)
{
	switch (f->kind) {
	case REPORT_BY_CAUSE:  return MACHINE_CAUSE_SLOTS;
	case REPORT_BY_OP:     return OP_COUNT;
	case REPORT_BY_NUMBER: return VM_HYPERCALL_SLOTS;
	case REPORT_COUNT:
	case REPORT_SHARE:
		break;
	}
	return 0;
}

uint64_t
report_list_count(const struct report_figure *f, const struct vm_stats *st, size_t i,
		  const char **name)
{
	*name = f->kind == REPORT_BY_CAUSE ? isa_cause_name((unsigned)i)
	      : f->kind == REPORT_BY_OP ? isa_op_info((enum isa_opcode)i)->name : NULL;
	return report_counts(f, st)[i];
}

uint64_t
report_figure_total(const struct report_figure *f, const struct vm_stats *st)
{
	if (f->kind == REPORT_SHARE)
		return 0;
	if (f->kind == REPORT_COUNT)
		return report_counts(f, st)[0];
	uint64_t total = f->kind == REPORT_BY_NUMBER ? st->hypercalls_unknown : 0;
	for (size_t i = 0; i < report_list_length(f); i++)
		total += report_counts(f, st)[i];
	return total;
}

double
report_direct_share(const struct vm_stats *st)
{
	return st->guest_instructions ? (double)st->direct / (double)st->guest_instructions : 0.0;
}

/* ===== JSON ============================================================================= */

static void
report_list_json(struct json *j, const struct report_figure *f, const struct vm_stats *st)
{
	json_begin_object(j, f->json);
	for (size_t i = 0; i < report_list_length(f); i++) {
		const char *name;
		uint64_t count = report_list_count(f, st, i, &name);
		char number[sizeof "18446744073709551615"];   /* any size_t */
		if (f->kind == REPORT_BY_NUMBER) {
			snprintf(number, sizeof number, "%zu", i);
			name = number;
		}
		if (count && name)
			json_uint(j, name, count);
	}
	if (f->kind == REPORT_BY_NUMBER && st->hypercalls_unknown)
		json_uint(j, "unknown", st->hypercalls_unknown);
	json_end_object(j);
}

void
report_stats_json(struct json *j, const char *key, const struct vm_stats *st)
{
	json_begin_object(j, key);
	const char *group = NULL;       /* the sub-object open now */
	for (size_t i = 0; i < report_nfigures; i++) {
		const struct report_figure *f = &report_figures[i];
		if (f->group != group) {
			if (group)
				json_end_object(j);
			if (f->group)
				json_begin_object(j, f->group);
			group = f->group;
		}
		if (f->kind == REPORT_COUNT)
			json_uint(j, f->json, report_figure_total(f, st));
		else if (f->kind == REPORT_SHARE)
			json_double(j, f->json, report_direct_share(st));
		else
			report_list_json(j, f, st);
	}
	if (group)
		json_end_object(j);
	json_end_object(j);
}

/* ===== text ============================================================================= */

static void
report_list_text(FILE *out, const struct report_figure *f, const struct vm_stats *st)
{
	for (size_t i = 0; i < report_list_length(f); i++) {
		const char *name;
		uint64_t count = report_list_count(f, st, i, &name);
		if (!count)
			continue;
		if (f->kind == REPORT_BY_NUMBER)
			fprintf(out, f->text, (unsigned)i, pv_hypercall_name((uint32_t)i), count);
		else if (name)
			fprintf(out, f->text, name, count);
		else
			continue;
		fputc('\n', out);
	}
	if (f->kind == REPORT_BY_NUMBER && st->hypercalls_unknown)
		fprintf(out, "  hypercall unknown %15" PRIu64 "\n", st->hypercalls_unknown);
}

/* Line `line` of the text report: a list, or a figure and then the others
 * on the line as its details, in parentheses. */
static void
report_line_text(FILE *out, unsigned line, const struct vm_stats *st)
{
	unsigned on_line = 0;
	for (size_t i = 0; i < report_nfigures; i++) {
		const struct report_figure *f = &report_figures[i];
		if (f->line != line)
			continue;
		if (f->kind != REPORT_COUNT && f->kind != REPORT_SHARE) {
			report_list_text(out, f, st);
			return;
		}
		fputs(on_line == 0 ? "" : on_line == 1 ? "   (" : ", ", out);
		if (f->kind == REPORT_SHARE)
			fprintf(out, f->text, 100.0 * report_direct_share(st));
		else
			fprintf(out, f->text, report_figure_total(f, st));
		on_line++;
	}
	fputs(on_line > 1 ? ")\n" : "\n", out);
}

/* The figures in the order of their lines, each line shown or not as its
 * first figure is. */
void
report_stats_text(FILE *out, enum vm_mode mode, const struct vm_stats *st)
{
	fprintf(out, "--- figures (%s) ---\n", vm_mode_name(mode));
	unsigned last = 0;
	for (size_t i = 0; i < report_nfigures; i++)
		if (report_figures[i].line > last)
			last = report_figures[i].line;
	for (unsigned line = 1; line <= last; line++)
		for (size_t i = 0; i < report_nfigures; i++)
			if (report_figures[i].line == line) {
				if (report_figure_shown(&report_figures[i], mode))
					report_line_text(out, line, st);
				break;
			}
}
