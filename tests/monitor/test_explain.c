/* test_explain.c — monitor/tools/explain.c, the explanation of one
 * instruction behind `traplab disasm --explain` and the monitor's `explain`:
 * srr is location-sensitive on legacy with a witness and a counterexample
 * to privilege, add is innocuous everywhere, every opcode explains itself,
 * words are decoded field by field, bad input gives one clear line with a
 * suggestion; and `disasm --explain` on a small image still re-assembles.
 * Labs 1 and 2.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_support.h"
#include "explain.h"
#include "isa.h"
#include "support.h"

enum { ERR_LEN = 512, PATH_LEN = 4096 };

/* explain_instruction's output as a string (malloc'd), and its result. */
static char *
explain_text(const char *what, int *rc, char *err)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	CU_ASSERT_FATAL(out != NULL);
	err[0] = '\0';
	*rc = explain_instruction(out, what, err, ERR_LEN);
	fclose(out);
	return text;
}

/* The part of `text` from the line of variant `name` to the next variant
 * line or the end (malloc'd). */
static char *
variant_part(const char *text, const char *name)
{
	char heading[32];
	snprintf(heading, sizeof heading, "\n  %s:", name);
	const char *from = strstr(text, heading);
	if (!from)
		return strdup("");
	const char *to = from + 1;
	for (int v = 0; v < ISA_VARIANT_COUNT; v++) {
		char next[32];
		snprintf(next, sizeof next, "\n  %s:", isa_variant_name((enum isa_variant)v));
		const char *at = strstr(from + 1, next);
		if (at && (to == from + 1 || at < to))
			to = at;
	}
	if (to == from + 1)
		to = strstr(from + 1, "\n  read:");
	return strndup(from, to ? (size_t)(to - from) : strlen(from));
}

static void
test_srr_location_sensitive_on_legacy(void)
{
	char err[ERR_LEN];
	int rc;
	char *text = explain_text("srr", &rc, err);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "meaning:   rd := mmu.PG ? ptbr : rbase"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "format D"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "opcode 0x5b"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "isa/SPEC.md §8.5"));
	char *legacy = variant_part(text, "legacy");
	CU_ASSERT_PTR_NOT_NULL(strstr(legacy, "L Lu: location-sensitive"));
	CU_ASSERT_PTR_NOT_NULL(strstr(legacy, "L  `srr r"));          /* the witness */
	CU_ASSERT_PTR_NOT_NULL(strstr(legacy, "not P: counterexample"));
	CU_ASSERT_PTR_NOT_NULL(strstr(legacy, "Theorem 3 fails"));
	CU_ASSERT_PTR_NULL(strstr(legacy, "privileged,"));
	char *strict = variant_part(text, "strict");
	CU_ASSERT_PTR_NOT_NULL(strstr(strict, "P L: privileged, location-sensitive"));
	CU_ASSERT_PTR_NULL(strstr(strict, "Theorem"));
	free(strict);
	free(legacy);
	free(text);
}

static void
test_add_innocuous_everywhere(void)
{
	char err[ERR_LEN];
	int rc;
	char *text = explain_text("ADD", &rc, err);     /* any case */
	CU_ASSERT_EQUAL(rc, 0);
	for (int v = 0; v < ISA_VARIANT_COUNT; v++) {
		char *part = variant_part(text, isa_variant_name((enum isa_variant)v));
		CU_ASSERT_PTR_NOT_NULL(strstr(part, "innocuous"));
		free(part);
	}
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "isa/SPEC.md §8.1"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "bits 11..0   zero"));
	free(text);
}

/* Every opcode: its own meaning, and its SPEC §8 section derived from its
 * group (memory §8.2, control flow §8.3, always traps §8.4). */
static void
test_every_opcode_explains(void)
{
	static const struct { const char *name, *section; } groups[] = {
		{ "ldw", "§8.2" }, { "adr", "§8.2" }, { "beq", "§8.3" }, { "callr", "§8.3" },
		{ "sys", "§8.4" }, { "hcall", "§8.4" }, { "juser", "§8.5" }, { "cmpi", "§8.1" },
	};
	for (int op = 0; op < OP_COUNT; op++) {
		char err[ERR_LEN];
		int rc;
		const struct isa_op_info *info = isa_op_info((enum isa_opcode)op);
		char *text = explain_text(info->name, &rc, err);
		CU_ASSERT_EQUAL(rc, 0);
		CU_ASSERT_PTR_NOT_NULL(strstr(text, info->meaning));
		free(text);
	}
	for (size_t i = 0; i < ARRAY_SIZE(groups); i++) {
		char err[ERR_LEN];
		int rc;
		char *text = explain_text(groups[i].name, &rc, err);
		CU_ASSERT_PTR_NOT_NULL(strstr(text, groups[i].section));
		free(text);
	}
}

static void
test_word_fields(void)
{
	char err[ERR_LEN];
	int rc;
	char *text = explain_text("0x5b100000", &rc, err);      /* srr r1 */
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "0x5b100000: srr"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "rd      r1"));
	free(text);
	text = explain_text("51150000", &rc, err);              /* mfcr r1, rbase */
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "cr      5 (rbase)"));
	free(text);
}

/* One line, nothing on the output, and the nearest mnemonic named. */
static void
test_bad_input_one_clear_error(void)
{
	static const struct { const char *what, *says; } cases[] = {
		{ "srrr", "did you mean 'srr'?" },
		{ "rdpws", "did you mean 'rdpsw'?" },
		{ "xyzzy", "neither a PG32 mnemonic nor an instruction word" },
		{ "0x00000bad", "no PG32 instruction has opcode 0x00" },
		{ "0x5b100001", "needs bits 19..0 zero" },
		{ "0x511c0000", "control register that does not exist" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char err[ERR_LEN];
		int rc;
		char *text = explain_text(cases[i].what, &rc, err);
		CU_ASSERT_EQUAL(rc, -1);
		CU_ASSERT_STRING_EQUAL(text, "");
		CU_ASSERT_PTR_NOT_NULL(strstr(err, cases[i].says));
		CU_ASSERT_PTR_NULL(strchr(err, '\n'));
		if (!strstr(err, cases[i].says))
			fprintf(stderr, "\n  %s: %s\n", cases[i].what, err);
		free(text);
	}
}

/* `traplab ARGS... > out` (args NULL-terminated): its exit status, and its
 * output in *text (malloc'd).  Through a file, not a pipe: deriving the
 * classes takes seconds under the sanitizers, longer than cli_command waits
 * for output, and then it waits for the exit alone. */
static int
traplab_to_file(const char *out, const char *const *args, char **text)
{
	const char *argv[16] = { "/bin/sh", "-c", "out=$1; shift; exec \"$0\" \"$@\" > \"$out\"",
				 cli_traplab(), out };
	size_t n = 5, len = 0;
	for (size_t i = 0; args[i] && n + 1 < ARRAY_SIZE(argv); i++)
		argv[n++] = args[i];
	int rc = cli_command(argv, NULL);
	*text = test_read_file(out, &len);
	if (!*text)
		*text = strdup("");
	return rc;
}

/* `traplab disasm --explain` on a small image: each instruction explained
 * (in full once per opcode), and the listing assembles to the same bytes. */
static void
test_disasm_explain_image(void)
{
	char *dir = cli_tempdir();
	CU_ASSERT_FATAL(dir != NULL);
	char src[PATH_LEN], img[PATH_LEN], listing[PATH_LEN], again[PATH_LEN];
	snprintf(src, sizeof src, "%s/small.s", dir);
	snprintf(img, sizeof img, "%s/small.img", dir);
	snprintf(listing, sizeof listing, "%s/listing.s", dir);
	snprintf(again, sizeof again, "%s/again.img", dir);
	CU_ASSERT_FATAL(cli_write_file(src, "start:  srr   r1\n        add   r2, r1, r1\n"
				       "        add   r3, r2, r2\n        b     start\n") == 0);
	const char *bin = cli_traplab();
	CU_ASSERT_EQUAL(cli_command((const char *const[]){ bin, "asm", src, "-o", img, NULL },
				    NULL), 0);
	char *out = NULL;
	CU_ASSERT_EQUAL(traplab_to_file(listing, (const char *const[]){ "disasm", "--explain", img,
							  NULL }, &out), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "srr     r1"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\t;   meaning:   rd := mmu.PG ? ptbr : rbase"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\t;   legacy:    L Lu: location-sensitive"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\t;   add: rd := rs + rt (explained at 00000004)"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\t;   read:      isa/SPEC.md §8.3"));
	free(out);
	CU_ASSERT_EQUAL(cli_command((const char *const[]){ bin, "asm", listing, "-o", again,
							   NULL }, NULL), 0);
	size_t a_len = 0, b_len = 0;
	char *a = test_read_file(img, &a_len), *b = test_read_file(again, &b_len);
	CU_ASSERT_FATAL(a && b);
	CU_ASSERT_EQUAL(a_len, b_len);
	CU_ASSERT(a_len == b_len && memcmp(a, b, a_len) == 0);
	free(a);
	free(b);
	/* words and mnemonics on the command line; a typo is a bad command line */
	CU_ASSERT_EQUAL(traplab_to_file(listing, (const char *const[]){ "disasm", "--explain",
							"0x5b100000", "juser", NULL }, &out), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\njuser\n"));
	free(out);
	CU_ASSERT_EQUAL(traplab_to_file(listing, (const char *const[]){ "disasm", "--explain", "srrr",
							NULL }, &out), 64);
	free(out);
	cli_rmtree(dir);
	free(dir);
}

static CU_TestInfo tests[] = {
	{ "srr: location-sensitive on legacy, with a witness", test_srr_location_sensitive_on_legacy },
	{ "add: innocuous on every variant", test_add_innocuous_everywhere },
	{ "every opcode: meaning and SPEC section", test_every_opcode_explains },
	{ "a word: decoded field by field", test_word_fields },
	{ "bad input: one clear line, a suggestion", test_bad_input_one_clear_error },
	{ "disasm --explain on a small image", test_disasm_explain_image },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_monitor_explain = { "monitor: explain", NULL, NULL, NULL, NULL, tests };
