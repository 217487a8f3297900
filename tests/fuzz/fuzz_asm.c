/* fuzz_asm.c — libFuzzer target "asm" (issue 15; tests/fuzz/README.md):
 * the input is a PG32 source file, assembled as `traplab asm` would.  Any
 * input may be wrong -- errors are fine -- but the assembler must never
 * crash, leak, hang or read without bound, and what it returns must keep
 * its promises (isa/asm.h, isa/ASSEMBLER.md §9):
 *   - failure: at least one error, each "NAME:LINE:COL: error: MESSAGE\n"
 *     then the source line and a caret line (both indented 4), or a
 *     plain "NAME: error: MESSAGE\n"; at most 50 + "too many errors";
 *   - success: no errors, an image of at most ASM_MAX_IMAGE bytes, and
 *     every word of it disassembles (disasm_insn, snprintf's contract
 *     when a label is too long for the buffer), as .word only if illegal.
 * A broken promise is abort(): libFuzzer keeps the input as a crash.
 *
 * .include paths in the input are relative to the current directory, so
 * the target runs at the top of the tree (TRAPLAB_TOP, else two levels
 * above build/fuzz/asm) and seeds name includes from there, such as
 * "guests/pg32/lib/print.s".  An input with a NUL byte cannot be a C
 * string: it is written to a memfd and assembled as a file, so NULs reach
 * the lexer too (its includes then resolve under /proc/self/fd/).
 *
 * Inputs stay under 4 KiB: enough for every directive, nesting and a long
 * line, and for an expression past asm_expr.c's nesting limit (256 levels,
 * ~520 bytes); longer inputs halve the executions a second.
 */
/* fuzz-options: -max_len=4096 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "asm.h"
#include "disasm.h"
#include "isa.h"

enum {
	MAX_ERRORS = 50,          /* isa/asm_internal.h's ASM_MAX_ERRORS */
	DISASM_TEXT = 128,        /* small: a long label's text must be cut, not overrun */
};

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int memfd = -1;
static char memfd_path[64];

static void
die(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz_asm: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
	abort();
}

/* The top of the tree, where .include "guests/..." resolves. */
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	const char *top = getenv("TRAPLAB_TOP");
	char exe[PATH_MAX];
	if (!top) {
		ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
		if (n > 0) {
			exe[n] = '\0';
			/* .../build/fuzz/asm -> ... */
			for (int up = 0; up < 3; up++) {
				char *slash = strrchr(exe, '/');
				if (slash)
					*slash = '\0';
			}
			top = exe;
		}
	}
	if (top && chdir(top) < 0)
		fprintf(stderr, "fuzz_asm: cannot chdir to %s: %s\n", top, strerror(errno));
	memfd = memfd_create("fuzz_asm.s", MFD_CLOEXEC);
	if (memfd < 0)
		die("memfd_create", strerror(errno));
	snprintf(memfd_path, sizeof(memfd_path), "/proc/self/fd/%d", memfd);
	return 0;
}

static bool
skip_digits(const char **p)
{
	const char *s = *p;
	if (*s < '1' || *s > '9')   /* lines and columns count from 1 */
		return false;
	while (*s >= '0' && *s <= '9')
		s++;
	*p = s;
	return true;
}

/* One error message's shape (see the top of the file). */
static void
check_error(const char *msg)
{
	if (!msg)
		die("NULL error message", NULL);
	/* Find ": error: " after a non-empty name; the name may hold ':'
	 * (an include path), so try every ':' from the left. */
	for (const char *colon = strchr(msg, ':'); colon; colon = strchr(colon + 1, ':')) {
		if (colon == msg || memchr(msg, '\n', (size_t)(colon - msg)))
			break;
		if (strncmp(colon, ": error: ", 9) == 0) {
			/* plain: one line, nothing after it */
			const char *nl = strchr(colon + 9, '\n');
			if (!nl || nl[1] != '\0' || nl == colon + 9)
				die("plain error is not one line", msg);
			return;
		}
		const char *p = colon + 1;
		if (!skip_digits(&p) || *p++ != ':' || !skip_digits(&p) || strncmp(p, ": error: ", 9) != 0)
			continue;
		/* "MESSAGE\n    SOURCE\n    CARET^\n" */
		const char *m = p + 9;
		const char *nl1 = strchr(m, '\n');
		if (!nl1 || nl1 == m)
			die("error without a message line", msg);
		const char *src = nl1 + 1;
		const char *nl2 = strchr(src, '\n');
		if (!nl2 || strncmp(src, "    ", 4) != 0)
			die("error without its source line", msg);
		const char *caret = nl2 + 1;
		size_t clen = strlen(caret);
		if (strncmp(caret, "    ", 4) != 0 || clen < 6 || strcmp(caret + clen - 2, "^\n") != 0 ||
		    strchr(caret, '\n') != caret + clen - 1)
			die("error without a caret line at its end", msg);
		return;
	}
	die("error does not start 'NAME:LINE:COL: error:' or 'NAME: error:'", msg);
}

static void
check_result(int rc, const struct asm_result *r)
{
	if (rc != 0 && rc != -1)
		die("assembler returned neither 0 nor -1", NULL);
	if (r->nerrors > MAX_ERRORS + 1)
		die("more than 50 errors + 'too many errors'", NULL);
	for (size_t i = 0; i < r->nerrors; i++)
		check_error(r->errors[i]);
	if (rc == -1) {
		if (r->image || r->size)
			die("failed, but returned an image", NULL);
		return;   /* nerrors == 0 only when out of memory */
	}
	if (r->nerrors)
		die("succeeded, but reported errors", r->errors[0]);
	if (!r->image)
		die("succeeded without an image", NULL);
	if (r->size > ASM_MAX_IMAGE)
		die("image larger than ASM_MAX_IMAGE", NULL);

	/* Every word must disassemble.  A zero word is always the same
	 * (illegal, ".word 0x00000000"): checked once, skipped after. */
	bool zero_done = false;
	for (size_t pc = 0; pc + ISA_WORD <= r->size; pc += ISA_WORD) {
		const uint8_t *b = r->image + pc;
		uint32_t word = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
				(uint32_t)b[3] << 24;
		if (word == 0 && zero_done)
			continue;
		zero_done |= word == 0;
		char text[DISASM_TEXT];
		int n = disasm_insn(word, (uint32_t)pc, &r->symbols, text, sizeof(text));
		/* snprintf's contract: the full length, the text cut to fit. */
		size_t want = (size_t)n < sizeof(text) ? (size_t)n : sizeof(text) - 1;
		if (n <= 0 || strlen(text) != want)
			die("disasm_insn's length is not snprintf's", text);
		struct isa_insn in;
		bool decodes = isa_decode(word, &in);
		if (decodes == (strncmp(text, ".word", 5) == 0))
			die("a legal word printed as .word, or an illegal one not", text);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct asm_result r;
	int rc;
	if (memchr(data, '\0', size)) {
		/* NUL bytes: through a file (its name in messages is the memfd's). */
		if (ftruncate(memfd, 0) < 0 || pwrite(memfd, data, size, 0) != (ssize_t)size)
			die("writing the memfd", strerror(errno));
		rc = asm_assemble_file(memfd_path, &r);
	} else {
		char *text = malloc(size + 1);
		if (!text)
			return 0;
		memcpy(text, data, size);
		text[size] = '\0';
		rc = asm_assemble_string("fuzz.s", text, &r);
		free(text);
	}
	check_result(rc, &r);
	asm_result_free(&r);
	return 0;
}
