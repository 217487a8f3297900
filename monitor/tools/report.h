/* report.h — machine-readable reports: a small streaming JSON writer and the
 * one place the run figures (struct vm_stats) become JSON, so `run --stats`,
 * `equiv` and later `compare` use the same field names (monitor/REPORTS.md).
 * Labs and autograders parse these. */
#ifndef TRAPLAB_REPORT_H
#define TRAPLAB_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "vm.h"

enum { JSON_MAX_DEPTH = 16 };

struct json {
	FILE *out;
	int depth;
	bool need_comma[JSON_MAX_DEPTH];
};

void json_init(struct json *j, FILE *out);
void json_begin_object(struct json *j, const char *key);   /* key NULL inside arrays */
void json_end_object(struct json *j);
void json_begin_array(struct json *j, const char *key);
void json_end_array(struct json *j);
void json_string(struct json *j, const char *key, const char *value);
void json_uint(struct json *j, const char *key, uint64_t value);
void json_double(struct json *j, const char *key, double value);
void json_bool(struct json *j, const char *key, bool value);
void json_null(struct json *j, const char *key);
/* End the document with a newline. */
void json_finish(struct json *j);

/* The figures of a run, one per row of vm_stats.def (its comment says what
 * each column means), for every printer of them: the reports below, the
 * interactive monitor's `stats` (backend_pg32) and `traplab compare`. */
enum report_kind {
	REPORT_COUNT, REPORT_SHARE, REPORT_BY_CAUSE, REPORT_BY_OP, REPORT_BY_NUMBER,
};
enum report_shown { REPORT_ALWAYS, REPORT_MONITOR, REPORT_BT, REPORT_PV };
struct report_figure {
	enum report_kind kind;
	const char *group;        /* NULL, or the JSON object it is in: "shadow", "bt" */
	const char *json;
	size_t offset;            /* in struct vm_stats (not for REPORT_SHARE) */
	enum report_shown shown;
	unsigned line;            /* in the text report; 0: not there */
	const char *text;         /* that line's printf format */
	bool in_stats;            /* listed by the monitor's `stats` */
	unsigned column;          /* in `traplab compare`; 0: not there */
	const char *heading;
	int width;
};
extern const struct report_figure report_figures[];
extern const size_t report_nfigures;
/* Is the figure shown for a run in this mode? */
bool report_figure_shown(const struct report_figure *f, enum vm_mode mode);
/* A count's value; a list's total (for a hypercall list, with the unknown
 * ones); for the share, 0 (see report_direct_share). */
uint64_t report_figure_total(const struct report_figure *f, const struct vm_stats *st);
double report_direct_share(const struct vm_stats *st);
/* A list figure's length, and its entry i: the count, and in *name the
 * cause or mnemonic (NULL for a cause with no name, and for hypercalls,
 * whose entries are named by their numbers). */
size_t report_list_length(const struct report_figure *f);
uint64_t report_list_count(const struct report_figure *f, const struct vm_stats *st, size_t i,
			   const char **name);

/* The figures of one run as a JSON object named `key` (NULL in arrays). */
void report_stats_json(struct json *j, const char *key, const struct vm_stats *st);
/* The same figures for people, on `out`. */
void report_stats_text(FILE *out, enum vm_mode mode, const struct vm_stats *st);

#endif
