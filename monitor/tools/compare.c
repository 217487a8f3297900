/* compare.c — every approach on one guest, in one table (compare.h).
 * Lab 10 fills in its questions from this table.
 */
#include "compare.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "report.h"

static double
compare_now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

struct console {
	char *text;
	size_t len, cap;
};

static void
compare_console(void *ctx, uint8_t byte)
{
	struct console *c = ctx;
	if (!c)
		return;
	if (c->len + 2 > c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 1024;
		char *bigger = realloc(c->text, cap);
		if (!bigger)
			return;
		c->text = bigger;
		c->cap = cap;
	}
	c->text[c->len++] = (char)byte;
	c->text[c->len] = '\0';
}

/* One complete run of an image under a mode; the host time of vm_run. */
static int
compare_one_run(const struct equiv_config *run, const uint8_t *image, size_t size,
		enum vm_mode mode, struct vm_stats *stats, struct machine_stop_info *stop,
		struct console *console, double *seconds, char *err, size_t errlen)
{
	struct vm_config vc = { .mode = mode, .variant = run->variant,
				.guest_memory = run->guest_memory, .placement = run->placement };
	struct vm *vm = vm_create(&vc, err, errlen);
	if (!vm)
		return -1;
	if (vm_load_image(vm, image, size, err, errlen) < 0) {
		vm_destroy(vm);
		return -1;
	}
	vm_set_console(vm, compare_console, console);
	double t0 = compare_now();
	vm_run(vm, run->budget);
	*seconds = compare_now() - t0;
	if (stats)
		vm_get_stats(vm, stats);
	if (stop)
		*stop = *vm_last_stop(vm);
	vm_destroy(vm);
	return 0;
}

static int
compare_time(const struct compare_config *cfg, struct compare_row *row, char *err, size_t errlen)
{
	unsigned reps = cfg->repetitions ? cfg->repetitions : 1;
	row->host_seconds = 1e30;
	for (unsigned i = 0; i < reps; i++) {
		double t;
		if (compare_one_run(&cfg->run, cfg->run.image, cfg->run.image_size, row->mode,
				    &row->stats, &row->stop, NULL, &t, err, errlen) < 0)
			return -1;
		if (t < row->host_seconds)
			row->host_seconds = t;
	}
	return 0;
}

int
compare_run(const struct compare_config *cfg, struct compare_result *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	static const enum vm_mode plain[] = { MODE_BARE, MODE_TRAP, MODE_HYBRID, MODE_BT };
	for (size_t i = 0; i < ARRAY_SIZE(plain); i++) {
		struct compare_row *row = &out->rows[out->nrows++];
		row->mode = plain[i];
		if (compare_time(cfg, row, err, errlen) < 0)
			return -1;
		if (cfg->paravirtual) {
			/* A paravirtual guest is not meant to run without its monitor:
			 * say where it stopped, so that its short row is not a mystery. */
			row->verdict = EQUIV_NOT_CHECKED;
			if (row->stop.reason == STOP_UNHANDLED_TRAP &&
			    row->stop.trap.cause == CAUSE_HYPERCALL)
				snprintf(row->why, sizeof row->why, "paravirtual: stopped at its first "
					 "hcall (pc 0x%08x), which only pv serves", row->stop.trap.epc);
			else
				snprintf(row->why, sizeof row->why, "paravirtual: not meant to run "
					 "without a pv monitor");
			continue;
		}
		if (row->mode == MODE_BARE) {
			row->verdict = EQUIV_YES;
			snprintf(row->why, sizeof row->why, "the reference");
			continue;
		}
		struct equiv_result r;
		if (equiv_check(&cfg->run, row->mode, &r, err, errlen) < 0)
			return -1;
		row->verdict = r.equivalent ? EQUIV_YES : r.inconclusive ? EQUIV_INCONCLUSIVE : EQUIV_NO;
		if (r.inconclusive)
			snprintf(row->why, sizeof row->why, "the same after %" PRIu64 " instructions, "
				 "but the budget ended the bare run first", r.run.stats.guest_instructions);
		else if (!r.equivalent)
			snprintf(row->why, sizeof row->why, "after instruction %" PRIu64 " (pc 0x%08x, %s): %s",
				 r.divergence.instruction, r.divergence.pc, r.divergence.insn_text,
				 r.divergence.why);
		equiv_run_free(&r.run);
	}
	if (cfg->paravirtual) {
		struct compare_row *row = &out->rows[out->nrows++];
		row->mode = MODE_PV;
		if (compare_time(cfg, row, err, errlen) < 0)
			return -1;
		row->verdict = EQUIV_NOT_CHECKED;
		snprintf(row->why, sizeof row->why, "paravirtual: equivalence given up on purpose");
		if (cfg->reference_image) {
			struct console mine = { 0 }, ref = { 0 };
			double t;
			int rc = compare_one_run(&cfg->run, cfg->run.image, cfg->run.image_size, MODE_PV,
						 NULL, NULL, &mine, &t, err, errlen);
			if (rc == 0)
				rc = compare_one_run(&cfg->run, cfg->reference_image, cfg->reference_size,
						     MODE_BARE, NULL, NULL, &ref, &t, err, errlen);
			if (rc == 0) {
				bool same = mine.len == ref.len &&
					    (mine.len == 0 || memcmp(mine.text, ref.text, mine.len) == 0);
				row->verdict = same ? EQUIV_CONSOLE_SAME : EQUIV_CONSOLE_DIFFERS;
				snprintf(row->why, sizeof row->why, "console output %s the reference's "
					 "bare run", same ? "equals" : "differs from");
			}
			free(mine.text);
			free(ref.text);
			if (rc < 0)
				return -1;
		}
	}
	double bare = out->rows[0].host_seconds;
	for (size_t i = 0; i < out->nrows; i++)
		out->rows[i].ratio_to_bare = bare > 0 ? out->rows[i].host_seconds / bare : 0;
	return 0;
}

/* ===== printing ======================================================================= */

static const char *
compare_verdict_word(const struct compare_row *row, bool symbols)
{
	switch (row->verdict) {
	case EQUIV_YES:             return symbols ? "✓" : "yes";
	case EQUIV_NO:              return symbols ? "✗" : "no";
	case EQUIV_INCONCLUSIVE:    return symbols ? "?" : "inconclusive";
	case EQUIV_CONSOLE_SAME:    return symbols ? "console ✓" : "console-same";
	case EQUIV_CONSOLE_DIFFERS: return symbols ? "console ✗" : "console-differs";
	case EQUIV_NOT_CHECKED:     return symbols ? "-" : "not-checked";
	}
	return "?";
}

/* The figures the table shows (report.h), in the order of their columns. */
struct compare_columns {
	const struct report_figure *figures[MODE_COUNT * 4];
	size_t n;
};

static void
compare_columns(struct compare_columns *c)
{
	c->n = 0;
	for (unsigned column = 1; c->n < ARRAY_SIZE(c->figures); column++) {
		const struct report_figure *found = NULL;
		for (size_t i = 0; i < report_nfigures && !found; i++)
			if (report_figures[i].column == column)
				found = &report_figures[i];
		if (!found)
			return;
		c->figures[c->n++] = found;
	}
}

static void
compare_print_json(FILE *out, const char *guest, enum isa_variant variant,
		   const struct compare_result *r)
{
	struct json j;
	json_init(&j, out);
	json_begin_object(&j, NULL);
	json_string(&j, "guest", guest);
	json_string(&j, "variant", isa_variant_name(variant));
	json_begin_array(&j, "rows");
	for (size_t i = 0; i < r->nrows; i++) {
		const struct compare_row *row = &r->rows[i];
		json_begin_object(&j, NULL);
		json_string(&j, "mode", vm_mode_name(row->mode));
		report_stats_json(&j, "stats", &row->stats);
		json_double(&j, "host_seconds", row->host_seconds);
		json_double(&j, "ratio_to_bare", row->ratio_to_bare);
		json_string(&j, "equivalent", compare_verdict_word(row, false));
		json_string(&j, "why", row->why);
		json_end_object(&j);
	}
	json_end_array(&j);
	json_end_object(&j);
	json_finish(&j);
}

/* Widths of the text table's columns besides the figures'. */
enum { MODE_WIDTH = 7, MS_WIDTH = 9, RATIO_WIDTH = 6, WHY_INDENT = 8 };

static void
compare_print_header(FILE *out, enum compare_format format, const struct compare_columns *c)
{
	switch (format) {
	case COMPARE_CSV:
		fprintf(out, "mode");
		for (size_t i = 0; i < c->n; i++)
			fprintf(out, ",%s", c->figures[i]->heading);
		fprintf(out, ",host_ms,x_bare,equivalent,why\n");
		break;
	case COMPARE_MARKDOWN:
		fprintf(out, "| mode |");
		for (size_t i = 0; i < c->n; i++)
			fprintf(out, " %s |", c->figures[i]->heading);
		fprintf(out, " host ms | × bare | equivalent |\n|---|");
		for (size_t i = 0; i < c->n + 2; i++)
			fprintf(out, "--:|");
		fprintf(out, "---|\n");
		break;
	default:
		fprintf(out, "%-*s", MODE_WIDTH, "mode");
		for (size_t i = 0; i < c->n; i++)
			fprintf(out, " %*s", c->figures[i]->width, c->figures[i]->heading);
		fprintf(out, " %*s %*s  %s\n", MS_WIDTH, "host ms", RATIO_WIDTH + 1, "x bare",
			"equivalent");
		break;
	}
}

static void
compare_print_row(FILE *out, enum compare_format format, const struct compare_columns *c,
		  const struct compare_row *row)
{
	const char *name = vm_mode_name(row->mode);
	double ms = row->host_seconds * 1e3;
	bool why = row->verdict != EQUIV_YES && row->why[0];
	if (format == COMPARE_CSV)
		fprintf(out, "%s", name);
	else if (format == COMPARE_MARKDOWN)
		fprintf(out, "| %s", name);
	else
		fprintf(out, "%-*s", MODE_WIDTH, name);
	for (size_t i = 0; i < c->n; i++) {
		uint64_t value = report_figure_total(c->figures[i], &row->stats);
		if (format == COMPARE_CSV)
			fprintf(out, ",%" PRIu64, value);
		else if (format == COMPARE_MARKDOWN)
			fprintf(out, " | %" PRIu64, value);
		else
			fprintf(out, " %*" PRIu64, c->figures[i]->width, value);
	}
	switch (format) {
	case COMPARE_CSV:
		fprintf(out, ",%.3f,%.2f,%s,\"%s\"\n", ms, row->ratio_to_bare,
			compare_verdict_word(row, false), row->why);
		break;
	case COMPARE_MARKDOWN:
		fprintf(out, " | %.3f | %.2f | %s%s%s |\n", ms, row->ratio_to_bare,
			compare_verdict_word(row, true), why ? " " : "",
			row->verdict != EQUIV_YES ? row->why : "");
		break;
	default:
		fprintf(out, " %*.3f %*.2fx  %s\n", MS_WIDTH, ms, RATIO_WIDTH, row->ratio_to_bare,
			compare_verdict_word(row, true));
		if (why)
			fprintf(out, "%*s%s\n", WHY_INDENT, "", row->why);
		break;
	}
}

void
compare_print(FILE *out, enum compare_format format, const char *guest, enum isa_variant variant,
	      const struct compare_result *r)
{
	if (format == COMPARE_JSON) {
		compare_print_json(out, guest, variant, r);
		return;
	}
	struct compare_columns columns;
	compare_columns(&columns);
	if (format == COMPARE_TEXT)
		fprintf(out, "%s on the %s variant\n", guest, isa_variant_name(variant));
	compare_print_header(out, format, &columns);
	for (size_t i = 0; i < r->nrows; i++)
		compare_print_row(out, format, &columns, &r->rows[i]);
}
