/* report.c — the JSON writer and the figures of a run, in JSON and in text
 * (report.h; field names documented in monitor/REPORTS.md). */
#include "report.h"

#include <inttypes.h>

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

static double
report_direct_share(const struct vm_stats *st)
{
	return st->guest_instructions ? (double)st->direct / (double)st->guest_instructions : 0.0;
}

void
report_stats_json(struct json *j, const char *key, const struct vm_stats *st)
{
	json_begin_object(j, key);
	json_uint(j, "guest_instructions", st->guest_instructions);
	json_uint(j, "direct", st->direct);
	json_uint(j, "emulated", st->emulated);
	json_uint(j, "interpreted", st->interpreted);
	json_uint(j, "translated", st->translated);
	json_uint(j, "transitions", st->transitions);
	json_uint(j, "hypercalls", st->hypercalls);
	json_double(j, "direct_share", report_direct_share(st));
	json_begin_object(j, "traps");
	for (unsigned c = 0; c < MACHINE_CAUSE_SLOTS; c++)
		if (st->real_traps[c] && isa_cause_name(c))
			json_uint(j, isa_cause_name(c), st->real_traps[c]);
	json_end_object(j);
	json_uint(j, "reflected", st->reflected);
	json_begin_object(j, "reflected_by_cause");
	for (unsigned c = 0; c < MACHINE_CAUSE_SLOTS; c++)
		if (st->reflected_by_cause[c] && isa_cause_name(c))
			json_uint(j, isa_cause_name(c), st->reflected_by_cause[c]);
	json_end_object(j);
	json_uint(j, "injected_interrupts", st->injected_interrupts);
	json_uint(j, "world_switches", st->world_switches);
	json_begin_object(j, "shadow");
	json_uint(j, "fills", st->shadow.fills);
	json_uint(j, "flushes", st->shadow.flushes);
	json_uint(j, "pt_writes", st->shadow.pt_writes);
	json_uint(j, "guest_faults", st->shadow.guest_faults);
	json_end_object(j);
	json_begin_object(j, "bt");
	json_uint(j, "blocks_translated", st->bt.blocks_translated);
	json_uint(j, "lookups", st->bt.lookups);
	json_uint(j, "hits", st->bt.hits);
	json_uint(j, "misses", st->bt.misses);
	json_uint(j, "chained", st->bt.chained);
	json_uint(j, "chain_jumps", st->bt.chain_jumps);
	json_uint(j, "flushes", st->bt.flushes);
	json_uint(j, "invalidations", st->bt.invalidations);
	json_uint(j, "callouts", st->bt.callouts);
	json_begin_object(j, "callouts_by_instruction");
	for (unsigned op = 0; op < OP_COUNT; op++)
		if (st->bt.callouts_by_op[op])
			json_uint(j, isa_op_info((enum isa_opcode)op)->name, st->bt.callouts_by_op[op]);
	json_end_object(j);
	json_end_object(j);
	json_begin_object(j, "hypercalls_by_number");
	for (unsigned n = 0; n < sizeof st->hypercalls_by_number / sizeof st->hypercalls_by_number[0]; n++)
		if (st->hypercalls_by_number[n]) {
			char number[16];
			snprintf(number, sizeof number, "%u", n);
			json_uint(j, number, st->hypercalls_by_number[n]);
		}
	if (st->hypercalls_unknown)
		json_uint(j, "unknown", st->hypercalls_unknown);
	json_end_object(j);
	json_end_object(j);
}

void
report_stats_text(FILE *out, enum vm_mode mode, const struct vm_stats *st)
{
	fprintf(out, "--- figures (%s) ---\n", vm_mode_name(mode));
	fprintf(out, "guest instructions     %12" PRIu64 "\n", st->guest_instructions);
	fprintf(out, "  executed directly    %12" PRIu64 "   (%.2f%%)\n", st->direct,
		100.0 * report_direct_share(st));
	fprintf(out, "  emulated             %12" PRIu64 "\n", st->emulated);
	fprintf(out, "  interpreted          %12" PRIu64 "\n", st->interpreted);
	fprintf(out, "  translated           %12" PRIu64 "\n", st->translated);
	for (unsigned c = 0; c < MACHINE_CAUSE_SLOTS; c++)
		if (st->real_traps[c] && isa_cause_name(c))
			fprintf(out, "traps %-16s %12" PRIu64 "\n", isa_cause_name(c), st->real_traps[c]);
	if (mode == MODE_BARE)
		return;
	fprintf(out, "reflected to the guest %12" PRIu64 "\n", st->reflected);
	fprintf(out, "interrupts injected    %12" PRIu64 "\n", st->injected_interrupts);
	fprintf(out, "world switches         %12" PRIu64 "\n", st->world_switches);
	fprintf(out, "shadow fills           %12" PRIu64 "\n", st->shadow.fills);
	fprintf(out, "shadow flushes         %12" PRIu64 "\n", st->shadow.flushes);
	fprintf(out, "page-table writes      %12" PRIu64 "\n", st->shadow.pt_writes);
	fprintf(out, "transitions to monitor %12" PRIu64 "\n", st->transitions);
	if (mode == MODE_BT) {
		fprintf(out, "blocks translated      %12" PRIu64 "\n", st->bt.blocks_translated);
		fprintf(out, "cache look-ups         %12" PRIu64 "   (hits %" PRIu64 ", misses %" PRIu64 ")\n",
			st->bt.lookups, st->bt.hits, st->bt.misses);
		fprintf(out, "chained exits          %12" PRIu64 "   (followed %" PRIu64 " times)\n",
			st->bt.chained, st->bt.chain_jumps);
		fprintf(out, "cache flushes          %12" PRIu64 "   (%" PRIu64 " for written code)\n",
			st->bt.flushes, st->bt.invalidations);
		fprintf(out, "callouts               %12" PRIu64 "\n", st->bt.callouts);
		for (unsigned op = 0; op < OP_COUNT; op++)
			if (st->bt.callouts_by_op[op])
				fprintf(out, "  callouts %-11s %12" PRIu64 "\n",
					isa_op_info((enum isa_opcode)op)->name, st->bt.callouts_by_op[op]);
	}
	if (mode == MODE_PV) {
		fprintf(out, "hypercalls             %12" PRIu64 "\n", st->hypercalls);
		for (unsigned n = 0; n < sizeof st->hypercalls_by_number / sizeof st->hypercalls_by_number[0]; n++)
			if (st->hypercalls_by_number[n])
				fprintf(out, "  hypercall %-2u %-13s%7" PRIu64 "\n", n,
					pv_hypercall_name(n), st->hypercalls_by_number[n]);
		if (st->hypercalls_unknown)
			fprintf(out, "  hypercall unknown %15" PRIu64 "\n", st->hypercalls_unknown);
	}
}
