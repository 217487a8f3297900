/* support.c — shared helpers for the CUnit suites (see support.h). */
#include "support.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

double
test_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static unsigned skipped_tests;
static const void *last_skipped_test;

void
test_note_skip(void)
{
	const void *now = CU_get_current_test();
	if (now && now == last_skipped_test)
		return;
	last_skipped_test = now;
	skipped_tests++;
}

unsigned
test_skipped(void)
{
	return skipped_tests;
}

const char *
test_top(void)
{
	/* Absolute, once: tests run commands in other directories too. */
	static char top[PATH_MAX];
	if (!top[0]) {
		const char *given = getenv("TRAPLAB_TOP");
		if (!realpath(given ? given : ".", top))
			snprintf(top, sizeof top, "%s", given ? given : ".");
	}
	return top;
}

char *
test_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);
	size_t got;
	while (buf && (got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
		n += got;
		if (cap - n - 1 == 0) {
			char *bigger = realloc(buf, cap * 2);
			if (!bigger) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = bigger;
			cap *= 2;
		}
	}
	fclose(f);
	if (!buf)
		return NULL;
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

/* ---- running guests ----------------------------------------------------- */

#include <string.h>

#include "asm.h"

void
test_console_byte(void *ctx, uint8_t byte)
{
	struct test_console *c = ctx;
	if (c->len + 2 > c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 256;
		char *bigger = realloc(c->buf, cap);
		if (!bigger)
			return;
		c->buf = bigger;
		c->cap = cap;
	}
	c->buf[c->len++] = (char)byte;
	c->buf[c->len] = '\0';
}

static int
test_run_assembled(struct asm_result *r, int rc, enum isa_variant variant, uint64_t budget,
		   struct test_run *out)
{
	memset(out, 0, sizeof *out);
	if (rc != 0) {
		for (size_t i = 0; i < r->nerrors; i++)
			fprintf(stderr, "%s\n", r->errors[i]);
		asm_result_free(r);
		return -1;
	}
	char err[256];
	struct machine_config cfg = { .variant = variant, .memory_size = MACHINE_DEFAULT_MEMORY };
	struct machine *m = machine_create(&cfg, err, sizeof err);
	if (!m || machine_load_image(m, r->image, r->size, err, sizeof err) < 0) {
		fprintf(stderr, "test_run: %s\n", err);
		machine_destroy(m);
		asm_result_free(r);
		return -1;
	}
	struct test_console cap = { 0 };
	machine_set_console(m, test_console_byte, &cap);
	machine_run(m, budget);
	out->stop = *machine_last_stop(m);
	if (out->stop.reason == STOP_NONE)
		out->stop.reason = STOP_BUDGET;
	out->retired = machine_retired(m);
	machine_get_state(m, &out->final);
	out->output = cap.buf ? cap.buf : calloc(1, 1);
	out->output_len = cap.len;
	machine_destroy(m);
	asm_result_free(r);
	return 0;
}

int
test_run_source_file(const char *path, enum isa_variant variant, uint64_t budget,
		     struct test_run *out)
{
	char full[PATH_MAX + 1024];
	snprintf(full, sizeof full, "%s/%s", test_top(), path);
	struct asm_result r;
	int rc = asm_assemble_file(full, &r);
	return test_run_assembled(&r, rc, variant, budget, out);
}

int
test_run_source_text(const char *text, enum isa_variant variant, uint64_t budget,
		     struct test_run *out)
{
	struct asm_result r;
	int rc = asm_assemble_string("<test>", text, &r);
	return test_run_assembled(&r, rc, variant, budget, out);
}

void
test_run_free(struct test_run *run)
{
	free(run->output);
	run->output = NULL;
}

int
test_cheat_from_patch(const char *patch, char *out, size_t len)
{
	/* The original is the one the patch names ("--- a/PATH"), so a cheat
	 * follows the reference solution it is cut from. */
	char path[2 * PATH_MAX], original[PATH_MAX] = "";
	snprintf(path, sizeof path, "%s/%s", test_top(), patch);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	char line[PATH_MAX];
	while (fgets(line, sizeof line, f)) {
		if (!strncmp(line, "--- a/", 6)) {
			line[strcspn(line, "\t\n")] = '\0';
			snprintf(original, sizeof original, "%s", line + 6);
			break;
		}
	}
	fclose(f);
	if (!original[0])
		return -1;
	const char *base = strrchr(original, '/') ? strrchr(original, '/') + 1 : original;
	snprintf(out, len, "%s/traplab-cheat-%d-%s", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp",
		 (int)getpid(), base);
	char cmd[4 * PATH_MAX];
	snprintf(cmd, sizeof cmd, "patch -s -o '%s' '%s/%s' <'%s' >/dev/null 2>&1", out, test_top(),
		 original, path);
	return system(cmd) == 0 ? 0 : -1;
}

uint32_t
test_random_next(uint32_t *state)
{
	uint32_t x = *state;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *state = x;
}
