/* support.h — what every CUnit test file shares: the suite declaration
 * convention and small helpers that assemble source text and run it on a
 * fresh machine.  Tests use the real assembler and the real machine. */
#ifndef TRAPLAB_TESTS_SUPPORT_H
#define TRAPLAB_TESTS_SUPPORT_H

#include <CUnit/CUnit.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

/* A test file ends with
 *     static CU_TestInfo tests[] = { { "name", fn }, CU_TEST_INFO_NULL };
 *     CU_SuiteInfo suite_xxx = { "folder: what", NULL, NULL, NULL, NULL, tests };
 * and adds SUITE(suite_xxx) to tests/suites.def. */

/* Path of the source tree's top (where the Makefile is): tests run from there. */
const char *test_top(void);
/* Seconds on the monotonic clock (for budgets in long tests, never for asserts). */
double test_seconds(void);
/* Every suite the runner has (tests/suites.def), NULL-terminated. */
struct CU_SuiteInfo;
const struct CU_SuiteInfo *const *test_all_suites(void);
/* Pass a test that cannot run here, saying why on stderr ("SKIPPED: why"),
 * and count it: the runner's last line says how many tests skipped. */
#define TEST_SKIP(...) do { char why_[512]; snprintf(why_, sizeof why_, __VA_ARGS__); \
	fprintf(stderr, "\n  SKIPPED: %s\n", why_); test_note_skip(); CU_PASS("SKIPPED"); } while (0)
/* The current test skipped (counted once however often it says so). */
void test_note_skip(void);
/* How many tests skipped so far. */
unsigned test_skipped(void);

/* A cheat fixture kept as a patch to a reference solution (tests/lessons/cheats/
 * NAME.patch, whose "--- a/PATH" names it): apply it to a temporary copy,
 * whose path goes to out.  Returns 0, or -1 if the patch no longer applies. */
int test_cheat_from_patch(const char *patch, char *out, size_t len);
/* Read a whole file into a NUL-terminated malloc'd buffer (NULL on error). */
char *test_read_file(const char *path, size_t *len);

/* A console sink for tests: every byte a guest prints, in a growing
 * NUL-terminated buffer (free `buf`).  machine_set_console, vm_set_console
 * and a backend's set_console all take test_console_byte. */
struct test_console {
	char *buf;
	size_t len, cap;
};
void test_console_byte(void *ctx, uint8_t byte);

/* Assemble a source file (path relative to the top) and run it on a fresh
 * bare machine of the given variant with the default memory size, until it
 * stops or `budget` instructions have retired.  Console output is captured.
 * Returns 0, or -1 if the source did not assemble (messages on stderr). */
#include "machine.h"
struct test_run {
	char *output;                   /* console bytes, NUL-terminated */
	size_t output_len;
	struct machine_stop_info stop;
	uint64_t retired;
	struct cpu_state final;         /* architectural state at the stop */
};
int test_run_source_file(const char *path, enum isa_variant variant, uint64_t budget,
			 struct test_run *out);
/* The same for source text given inline (".include" is relative to the top). */
int test_run_source_text(const char *text, enum isa_variant variant, uint64_t budget,
			 struct test_run *out);
void test_run_free(struct test_run *run);

/* xorshift32 (Marsaglia, 2003): small, seeded, the same sequence on every
 * machine, so a test that draws random inputs can be replayed. */
uint32_t test_random_next(uint32_t *state);

#endif
