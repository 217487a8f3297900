/* test_asm_errors.c — the assembler on programs that are wrong: each
 * malformed input must give exactly the first line of the documented
 * message (file:line:col: error: message, ASSEMBLER.md §9), every error of
 * a run must be reported in source order, and the count is capped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "asm.h"
#include "support.h"

/* One bad program and the first line of its first error. */
static const struct {
	const char *src;
	const char *first;
} bad_inputs[] = {
	{ "\tadd r1, r16, r2\n",        "bad.s:1:10: error: unknown register 'r16'" },
	{ "\tadd r1, foo, r2\n",        "bad.s:1:10: error: expected register, found 'foo'" },
	{ "  foo r1\n",                 "bad.s:1:3: error: unknown mnemonic 'foo'" },
	{ "\tadd r1, r2\n",             "bad.s:1:2: error: 'add' takes 3 operands (rd, rs, rt), found 2" },
	{ "\tsys r1\n",                 "bad.s:1:2: error: 'sys' takes no operands, found 1" },
	{ "\taddi r1, r2, 70000\n",     "bad.s:1:15: error: immediate 70000 out of range for 'addi' (-32768..32767)" },
	{ "\tandi r1, r2, -1\n",        "bad.s:1:15: error: immediate -1 out of range for 'andi' (0..65535)" },
	{ "\tin r1, 65536\n",           "bad.s:1:9: error: port 65536 out of range for 'in' (0..65535)" },
	{ "\tb nowhere\n",              "bad.s:1:4: error: undefined symbol 'nowhere'" },
	{ "x: nop\nx: nop\n",           "bad.s:2:1: error: duplicate label 'x' (first defined at line 1)" },
	{ "N = 1\n.equ N, 2\n",         "bad.s:2:6: error: duplicate symbol 'N' (first defined at line 1)" },
	{ "\tb 0x4000000\n",            "bad.s:1:4: error: branch target 0x04000000 out of range" },
	{ "\tb 6\n",                    "bad.s:1:4: error: branch target 0x00000006 is not word-aligned" },
	{ "\t.foo 1\n",                 "bad.s:1:2: error: unknown directive '.foo'" },
	{ "\t.ascii \"abc\n",           "bad.s:1:9: error: unterminated string" },
	{ ".org 8\nnop\n.org 4\n",      "bad.s:3:6: error: '.org' moves backwards from 0x0000000c to 0x00000004" },
	{ ".include \"/nonexistent/x.s\"\n",
	  "bad.s:1:10: error: cannot open include file '/nonexistent/x.s': No such file or directory" },
	/* fuzz_asm: an escape in the path must not break the message's one line */
	{ ".include \"a\\nb\"\n",
	  "bad.s:1:10: error: cannot open include file 'a\\nb': No such file or directory" },
	{ ".include \"a\\0b\"\n",     "bad.s:1:10: error: include file name contains a NUL byte" },
	{ ".word 1 / (2 - 2)\n",        "bad.s:1:9: error: division by zero" },
	{ "\tli r1, 0x\n",              "bad.s:1:9: error: bad number '0x'" },
	{ "\tadd r1, r2, r3 r4\n",      "bad.s:1:17: error: unexpected 'r4' after operands" },
	{ "\tldw r1, 4(r2\n",           "bad.s:1:14: error: expected ')', found end of line" },
	{ "\t.word (1 + 2\n",           "bad.s:1:14: error: expected ')', found end of line" },
	{ "\tmfcr r1, foo\n",           "bad.s:1:11: error: unknown control register 'foo'" },
	{ "\tmtcr cr10, r1\n",          "bad.s:1:7: error: unknown control register 'cr10'" },
	{ ".byte 1\n\tnop\n",           "bad.s:2:2: error: instruction at unaligned address 0x00000001; add .align 4" },
	{ ".byte 1\n.word 2\n",         "bad.s:2:1: error: '.word' at unaligned address 0x00000001; add .align 4" },
	{ "\taddi r1, r2, r3\n",        "bad.s:1:15: error: expected expression, found register 'r3'" },
	{ "r1: nop\n",                  "bad.s:1:1: error: 'r1' is a register name and cannot be a label" },
	{ ".space later\nlater:\n",     "bad.s:1:8: error: 'later' must be defined before '.space' uses it" },
	{ ".align 3\n",                 "bad.s:1:8: error: '.align' needs a power of two, found 3" },
	{ ".byte 256\n",                "bad.s:1:7: error: value 256 out of range for '.byte' (-128..255)" },
	{ "\tli r1, 'ab'\n",            "bad.s:1:9: error: character literal 'ab' holds more than one character" },
	{ ".byte '\\q'\n",              "bad.s:1:8: error: unknown escape '\\q'" },
	{ "\tadd r1, r2, @\n",          "bad.s:1:14: error: unexpected character '@'" },
	{ ".word 1 << 64\n",            "bad.s:1:9: error: shift count 64 out of range (0..63)" },
	{ ".word 0x100000000\n",        "bad.s:1:7: error: number '0x100000000' does not fit in 32 bits" },
	{ "\tadr r1, 0x10000\n",        "bad.s:1:10: error: target 0x00010000 out of range for 'adr' (-32768..32767 bytes from pc + 4)" },
	{ "A = B\nB = A\n.word A\n",    "bad.s:1:5: error: 'B' has no value: its .equ depends on itself or on an undefined symbol" },
	{ ".org 0x1000000\n.byte 1\n",  "bad.s:2:7: error: image too large: address 0x01000000 is past the 16 MiB limit" },
	{ "\tli r1, 0x1 + 0xffffffff\n", "bad.s:1:9: error: value 4294967296 out of range for 'li' (-2147483648..4294967295)" },
	{ "5: nop\n",                   "bad.s:1:1: error: expected a label, instruction or directive, found '5'" },
	{ "nop\n.else\n",               "bad.s:2:1: error: '.else' without '.if'" },
	{ "nop\n  .endif\n",            "bad.s:2:3: error: '.endif' without '.if'" },
	{ "\n  .if 1\nnop\n",           "bad.s:2:3: error: '.if' without '.endif'" },
	{ ".if 1\n.if 0\n.endif\n",     "bad.s:1:1: error: '.if' without '.endif'" },
	{ ".ifdef X\n",                 "bad.s:1:1: error: '.ifdef' without '.endif'" },
	{ ".if 1\n.else\n.else\n.endif\n", "bad.s:3:1: error: second '.else' for the '.if' at line 1" },
	{ ".if LATER\n.endif\nLATER = 1\n", "bad.s:1:5: error: 'LATER' must be defined before '.if' uses it" },
	{ ".if 1 2\n.endif\n",          "bad.s:1:7: error: unexpected '2' after operands" },
	{ "x: .if 1\n.endif\n",         "bad.s:1:1: error: '.if' cannot have a label" },
	{ ".ifdef 5\n.endif\n",         "bad.s:1:8: error: expected symbol name, found '5'" },
};

/* The first line of an error message, for comparing. */
static void
first_line(const char *msg, char *buf, size_t size)
{
	size_t n = strcspn(msg, "\n");
	snprintf(buf, size, "%.*s", (int)n, msg);
}

static void
test_each_bad_input_gives_its_message(void)
{
	size_t n = sizeof(bad_inputs) / sizeof(bad_inputs[0]);
	CU_ASSERT_TRUE(n >= 16);
	for (size_t i = 0; i < n; i++) {
		struct asm_result r;
		char line[256];
		int rc = asm_assemble_string("bad.s", bad_inputs[i].src, &r);
		CU_ASSERT_EQUAL(rc, -1);
		CU_ASSERT_PTR_NULL(r.image);
		if (r.nerrors == 0) {
			fprintf(stderr, "\n  no error for: %s", bad_inputs[i].src);
			CU_FAIL("no error reported");
		} else {
			first_line(r.errors[0], line, sizeof(line));
			if (strcmp(line, bad_inputs[i].first) != 0)
				fprintf(stderr, "\n  got:  %s\n  want: %s\n", line, bad_inputs[i].first);
			CU_ASSERT_STRING_EQUAL(line, bad_inputs[i].first);
		}
		asm_result_free(&r);
	}
}

static void
test_message_shows_line_and_caret(void)
{
	struct asm_result r;
	CU_ASSERT_EQUAL(asm_assemble_string("bad.s", "\n\n    add r1, r16, r2\n", &r), -1);
	CU_ASSERT_EQUAL_FATAL(r.nerrors, 1);
	CU_ASSERT_STRING_EQUAL(r.errors[0],
		"bad.s:3:13: error: unknown register 'r16'\n"
		"        add r1, r16, r2\n"
		"                ^\n");
	asm_result_free(&r);

	/* tabs in the source are copied into the caret line so it lines up */
	CU_ASSERT_EQUAL(asm_assemble_string("bad.s", "\tfoo\n", &r), -1);
	CU_ASSERT_EQUAL_FATAL(r.nerrors, 1);
	CU_ASSERT_STRING_EQUAL(r.errors[0],
		"bad.s:1:2: error: unknown mnemonic 'foo'\n"
		"    \tfoo\n"
		"    \t^\n");
	asm_result_free(&r);
}

static void
test_all_errors_reported_in_order(void)
{
	/* Pass 1 finds lines 2, 3 and 6; pass 2 finds lines 1 and 5: the
	 * report must still read top to bottom, one error per line. */
	const char *src =
		"        b     missing            ; 1: pass 2\n"
		"        frob  r1                 ; 2: pass 1\n"
		"        add   r1, r2             ; 3: pass 1\n"
		"ok:     nop                      ; 4: fine\n"
		"        .word ok, nothere, 2     ; 5: pass 2\n"
		"ok:     nop                      ; 6: pass 1\n";
	static const char *const want[] = {
		"bad.s:1:15: error: undefined symbol 'missing'",
		"bad.s:2:9: error: unknown mnemonic 'frob'",
		"bad.s:3:9: error: 'add' takes 3 operands (rd, rs, rt), found 2",
		"bad.s:5:19: error: undefined symbol 'nothere'",
		"bad.s:6:1: error: duplicate label 'ok' (first defined at line 4)",
	};
	size_t n = sizeof(want) / sizeof(want[0]);
	struct asm_result r;
	CU_ASSERT_EQUAL(asm_assemble_string("bad.s", src, &r), -1);
	CU_ASSERT_EQUAL_FATAL(r.nerrors, n);
	for (size_t i = 0; i < n; i++) {
		char line[256];
		first_line(r.errors[i], line, sizeof(line));
		CU_ASSERT_STRING_EQUAL(line, want[i]);
	}
	asm_result_free(&r);
}

static void
test_too_many_errors(void)
{
	enum { BAD_LINES = 70, SHOWN = 50 };
	char src[BAD_LINES * 8 + 1] = "";
	for (int i = 0; i < BAD_LINES; i++)
		strcat(src, "  frob\n");
	struct asm_result r;
	CU_ASSERT_EQUAL(asm_assemble_string("bad.s", src, &r), -1);
	CU_ASSERT_EQUAL_FATAL(r.nerrors, SHOWN + 1);
	CU_ASSERT_EQUAL(strncmp(r.errors[SHOWN - 1], "bad.s:50:3: error:", strlen("bad.s:50:3: error:")), 0);
	CU_ASSERT_STRING_EQUAL(r.errors[SHOWN], "bad.s: error: too many errors\n");
	asm_result_free(&r);
}

static void
test_missing_file(void)
{
	struct asm_result r;
	CU_ASSERT_EQUAL(asm_assemble_file("/nonexistent/prog.s", &r), -1);
	CU_ASSERT_EQUAL_FATAL(r.nerrors, 1);
	CU_ASSERT_STRING_EQUAL(r.errors[0], "/nonexistent/prog.s: error: cannot open "
			       "'/nonexistent/prog.s': No such file or directory\n");
	asm_result_free(&r);
}


/* Conditional assembly's structure is checked in every file: an .if opened
 * in an included file must be closed there, and the error names the .if's
 * own line even though it is found at the end of the file. */
static void
test_conditional_errors(void)
{
	struct asm_result r;
	CU_ASSERT_EQUAL(asm_assemble_string("bad.s",
		"        .if 1\n"           /* 1: closed by line 6 */
		"        .if 0\n"           /* 2: closed by line 5 */
		"        frob\n"            /* skipped: no error */
		"        .else\n"
		"        .endif\n"
		"        .endif\n"
		"        .endif\n"          /* 7: no .if left to close */
		"        .if 1\n"           /* 8: never closed either */
		"        frob\n",           /* 9: assembled: an error */
		&r), -1);
	static const char *const want[] = {
		"bad.s:7:9: error: '.endif' without '.if'",
		"bad.s:8:9: error: '.if' without '.endif'",
		"bad.s:9:9: error: unknown mnemonic 'frob'",
	};
	size_t n = sizeof(want) / sizeof(want[0]);
	CU_ASSERT_EQUAL_FATAL(r.nerrors, n);
	for (size_t i = 0; i < n; i++) {
		char line[256];
		first_line(r.errors[i], line, sizeof(line));
		CU_ASSERT_STRING_EQUAL(line, want[i]);
	}
	asm_result_free(&r);
}

/* Issue 15: a source is read whole, so only a regular file of at most
 * 256 MiB is read at all.  `.include "/dev/zero"` used to read 2.1 GB and
 * then fail to allocate; a FIFO blocked forever.  Each must now give one
 * error at the .include, quickly. */
static double
seconds_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Assemble `.include "PATH"` and expect exactly one error, `want`'s first line. */
static void
check_include_refused(const char *path, const char *why)
{
	char src[512], want[768], line[768];
	struct asm_result r;
	snprintf(src, sizeof(src), "\tnop\n  .include \"%s\"\n\tnop\n", path);
	snprintf(want, sizeof(want), "bad.s:2:12: error: cannot open include file '%s': %s", path, why);
	double start = seconds_now();
	CU_ASSERT_EQUAL(asm_assemble_string("bad.s", src, &r), -1);
	CU_ASSERT_TRUE(seconds_now() - start < 2.0);
	CU_ASSERT_EQUAL_FATAL(r.nerrors, 1);
	first_line(r.errors[0], line, sizeof(line));
	CU_ASSERT_STRING_EQUAL(line, want);
	asm_result_free(&r);
}

/* The top-level file goes through the same reader (`traplab asm`). */
static void
check_file_refused(const char *path, const char *why)
{
	char want[768];
	struct asm_result r;
	snprintf(want, sizeof(want), "%s: error: cannot open '%s': %s\n", path, path, why);
	CU_ASSERT_EQUAL(asm_assemble_file(path, &r), -1);
	CU_ASSERT_EQUAL_FATAL(r.nerrors, 1);
	CU_ASSERT_STRING_EQUAL(r.errors[0], want);
	asm_result_free(&r);
}

static void
test_include_only_regular_files(void)
{
	check_include_refused("/dev/zero", "not a regular file");
	check_file_refused("/dev/zero", "not a regular file");

	char dir[] = "/tmp/traplab-asm-XXXXXX";
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	check_include_refused(dir, "not a regular file");
	check_file_refused(dir, "not a regular file");

	/* Nobody ever writes to it: opening it for reading used to wait forever. */
	char fifo[sizeof(dir) + 8];
	snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
	CU_ASSERT_EQUAL_FATAL(mkfifo(fifo, 0600), 0);
	check_include_refused(fifo, "not a regular file");
	check_file_refused(fifo, "not a regular file");

	/* A sparse regular file one byte past the cap: refused before any read. */
	char big[sizeof(dir) + 8];
	snprintf(big, sizeof(big), "%s/big.s", dir);
	FILE *f = fopen(big, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(ftruncate(fileno(f), (256l << 20) + 1), 0);
	fclose(f);
	check_include_refused(big, "larger than 256 MiB");

	/* An ordinary include still works, with a path given absolutely. */
	char ok[sizeof(dir) + 8], src[256];
	snprintf(ok, sizeof(ok), "%s/ok.s", dir);
	f = fopen(ok, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs("\tnop\n", f);
	fclose(f);
	snprintf(src, sizeof(src), ".include \"%s\"\n", ok);
	struct asm_result r;
	CU_ASSERT_EQUAL(asm_assemble_string("good.s", src, &r), 0);
	CU_ASSERT_EQUAL(r.size, 4);
	asm_result_free(&r);

	unlink(ok);
	unlink(big);
	unlink(fifo);
	rmdir(dir);
}

/* Issue 15: asm_expr.c recursed once per '(' and unary operator without
 * bound, so `.word -(-(-(...` 300,000 deep overflowed the stack.  Past 256
 * levels it is now one error at the first token too deep. */
enum { DEPTH_LIMIT = 256, DEPTH_HOSTILE = 300000 };

/* ".word " + `open` n times + "1" + `close` n times + "\n" (malloc'd). */
static char *
nested_word(const char *open, const char *close, size_t n)
{
	size_t lo = strlen(open), lc = strlen(close);
	char *src = malloc(sizeof(".word 1\n") + n * (lo + lc));
	CU_ASSERT_PTR_NOT_NULL_FATAL(src);
	char *p = src + sprintf(src, ".word ");
	for (size_t i = 0; i < n; i++, p += lo)
		memcpy(p, open, lo);
	*p++ = '1';
	for (size_t i = 0; i < n; i++, p += lc)
		memcpy(p, close, lc);
	strcpy(p, "\n");
	return src;
}

/* Too deep: exactly one error, at column `col`. */
static void
check_too_deep(const char *open, const char *close, size_t n, unsigned col)
{
	char *src = nested_word(open, close, n), want[128], line[128];
	struct asm_result r;
	snprintf(want, sizeof(want), "deep.s:1:%u: error: expression nested deeper than %d levels",
		 col, DEPTH_LIMIT);
	CU_ASSERT_EQUAL(asm_assemble_string("deep.s", src, &r), -1);
	CU_ASSERT_EQUAL_FATAL(r.nerrors, 1);
	first_line(r.errors[0], line, sizeof(line));
	CU_ASSERT_STRING_EQUAL(line, want);
	asm_result_free(&r);
	free(src);
}

/* At the limit: assembles to the one word `want`. */
static void
check_deep_ok(const char *open, const char *close, size_t n, uint32_t want)
{
	char *src = nested_word(open, close, n);
	struct asm_result r;
	CU_ASSERT_EQUAL(asm_assemble_string("deep.s", src, &r), 0);
	CU_ASSERT_EQUAL_FATAL(r.size, 4);
	uint32_t got = (uint32_t)r.image[0] | (uint32_t)r.image[1] << 8 |
		       (uint32_t)r.image[2] << 16 | (uint32_t)r.image[3] << 24;
	CU_ASSERT_EQUAL(got, want);
	asm_result_free(&r);
	free(src);
}

static void
test_expression_depth_limit(void)
{
	/* ".word " is 6 columns: the 257th nesting token is at column 7 + 256. */
	unsigned col = 7 + DEPTH_LIMIT;
	check_too_deep("(", ")", DEPTH_HOSTILE, col);
	check_too_deep("-", "", DEPTH_HOSTILE, col);
	check_too_deep("~", "", DEPTH_LIMIT + 1, col);
	check_too_deep("-(", ")", DEPTH_HOSTILE, col);   /* two levels each */
	check_too_deep("(", ")", DEPTH_LIMIT + 1, col);
	check_deep_ok("(", ")", DEPTH_LIMIT, 1);
	check_deep_ok("-", "", DEPTH_LIMIT, 1);
	check_deep_ok("-(", ")", DEPTH_LIMIT / 2, 1);
	check_deep_ok("~(1+", ")", DEPTH_LIMIT / 2, 1);  /* ~(1 + ~(1 + 1)) ... */
}

static CU_TestInfo tests[] = {
	{ "each malformed input: its exact message", test_each_bad_input_gives_its_message },
	{ "message, source line and caret", test_message_shows_line_and_caret },
	{ "every error of a run, in source order", test_all_errors_reported_in_order },
	{ "at most 50, then 'too many errors'", test_too_many_errors },
	{ "missing source file", test_missing_file },
	{ ".if structure: unclosed, unmatched, per file", test_conditional_errors },
	{ ".include and sources: regular files of at most 256 MiB", test_include_only_regular_files },
	{ "expressions nested past 256 levels: one error", test_expression_depth_limit },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_isa_asm_errors = { "isa: assembler errors", NULL, NULL, NULL, NULL, tests };
