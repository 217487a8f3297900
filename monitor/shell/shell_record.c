/* shell_record.c — `record FILE` and `replay FILE`'s files: the console
 * input of a run, each typing with the place it was typed (guest
 * instructions retired), so that a run can be had again exactly; PG32 has
 * no other input from outside (isa/SPEC.md §12).  MONITOR.md "Going back";
 * Lab 6's "going further".
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "shell_timeline.h"

enum { INPUT_LINE_MAX = 2 * SHELL_INPUT_MAX + 64 };  /* "POSITION HEX...": two digits a byte */

/* One line per input: the place, then its bytes in hex (exact, any byte):
 *   1234 68690a          "hi\n" typed after 1234 instructions */
int
shell_timeline_save_inputs(struct shell *sh, const char *path, char *err, size_t errlen)
{
	if (!shell_timeline_on(sh)) {
		snprintf(err, errlen, "this backend keeps no record (only PG32 guests do)");
		return -1;
	}
	FILE *f = fopen(path, "w");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	fprintf(f, "# traplab input record: POSITION HEX-BYTES, one typing a line\n");
	uint64_t position;
	const char *text;
	size_t len;
	for (size_t i = 0; shell_timeline_typed(sh, i, &position, &text, &len); i++) {
		fprintf(f, "%llu ", (unsigned long long)position);
		for (size_t j = 0; j < len; j++)
			fprintf(f, "%02x", (unsigned char)text[j]);
		fputc('\n', f);
	}
	if (fclose(f) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* "1234 68690a" into a position and bytes; false if it is not that. */
static bool
tl_parse_input(const char *line, uint64_t *position, char *text, size_t *len)
{
	char *end;
	errno = 0;
	unsigned long long pos = strtoull(line, &end, 0);
	if (errno || end == line || (*end != ' ' && *end != '\n' && *end != '\0'))
		return false;
	*position = pos;
	*len = 0;
	for (const char *p = end + (*end == ' '); *p && *p != '\n'; p += 2) {
		int hi = shell_hex_digit(p[0]), lo = hi < 0 ? -1 : shell_hex_digit(p[1]);
		if (lo < 0 || *len == SHELL_INPUT_MAX)
			return false;
		text[(*len)++] = (char)(hi << 4 | lo);
	}
	return true;
}

int
shell_timeline_load_inputs(struct shell *sh, const char *path, char *err, size_t errlen)
{
	if (!shell_timeline_on(sh)) {
		snprintf(err, errlen, "this backend cannot replay (only PG32 guests can)");
		return -1;
	}
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	char line[INPUT_LINE_MAX], text[SHELL_INPUT_MAX];
	int lineno = 0, rc = 0;
	while (rc == 0 && fgets(line, sizeof line, f)) {
		lineno++;
		uint64_t position;
		size_t len;
		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (!tl_parse_input(line, &position, text, &len)) {
			snprintf(err, errlen, "%s:%d: not POSITION HEX-BYTES", path, lineno);
			rc = -1;
		} else if (shell_timeline_schedule(sh, position, text, len) < 0) {
			snprintf(err, errlen, "%s:%d: input before the guest's place now", path,
				 lineno);
			rc = -1;
		}
	}
	fclose(f);
	return rc;
}

