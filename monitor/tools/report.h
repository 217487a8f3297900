/* report.h — machine-readable reports: a small streaming JSON writer and the
 * one place the run figures (struct vm_stats) become JSON, so `run --stats`,
 * `equiv` and later `compare` use the same field names (monitor/REPORTS.md).
 * Labs and autograders parse these. */
#ifndef TRAPLAB_REPORT_H
#define TRAPLAB_REPORT_H

#include <stdbool.h>
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

/* The figures of one run as a JSON object named `key` (NULL in arrays). */
void report_stats_json(struct json *j, const char *key, const struct vm_stats *st);
/* The same figures for people, on `out`. */
void report_stats_text(FILE *out, enum vm_mode mode, const struct vm_stats *st);

#endif
