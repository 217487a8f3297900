/* test_house.c — the shape of the source tree, checked (monitor/README.md):
 * includes go one way only, isa <- machine <- monitor/vmm <- tools <-
 * backends <- shell <- cli (kvm-backend/ beside vmm, under backends), no
 * source file is longer than a student can hold in mind, and no function
 * is longer than a screen or two — except the interpreters' dispatch loops,
 * which are long on purpose (one label per instruction).
 */
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "isa.h"
#include "support.h"

/* The rooms, lowest first: a file may include headers of its own room and
 * of rooms below it.  kvm-backend/ and its linux/ folder sit at vmm's
 * height: the backends use them, nothing below does. */
static const struct room {
	const char *dir;
	int level;
} rooms[] = {
	{ "isa", 0 },
	{ "machine", 1 },
	{ "kvm-backend", 2 },
	{ "kvm-backend/linux", 2 },
	{ "monitor/vmm", 2 },
	{ "monitor/tools", 3 },
	{ "monitor/backends", 4 },
	{ "monitor/shell", 5 },
	{ "monitor/cli", 6 },
};

enum { HOUSE_MAX_FILE_LINES = 600, HOUSE_MAX_FUNCTION_LINES = 80, PATH_MAX_LEN = 1024 };

/* Functions allowed to be long: one label per instruction, generated from
 * isa/opcodes.def (threaded code). */
static const char *const long_on_purpose[] = {
	"machine/cpu.c:machine_run",
	"monitor/vmm/bt_execute.c:bt_run_block",
};

/* Which room holds header `name`?  Its index in rooms[], or -1 (a system
 * header, or a .def file beside the includer). */
static int
room_of_header(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(rooms); i++) {
		char path[PATH_MAX_LEN];
		struct stat st;
		snprintf(path, sizeof path, "%s/%s/%s", test_top(), rooms[i].dir, name);
		if (stat(path, &st) == 0)
			return (int)i;
	}
	return -1;
}

typedef void (*file_visitor)(const char *relpath, size_t room, void *ctx);

static void
for_each_source(file_visitor visit, void *ctx)
{
	for (size_t i = 0; i < ARRAY_SIZE(rooms); i++) {
		char dir[PATH_MAX_LEN];
		snprintf(dir, sizeof dir, "%s/%s", test_top(), rooms[i].dir);
		DIR *d = opendir(dir);
		if (!d)
			continue;
		for (struct dirent *e; (e = readdir(d)); ) {
			size_t n = strlen(e->d_name);
			if (n < 3 || e->d_name[n - 2] != '.' ||
			    (e->d_name[n - 1] != 'c' && e->d_name[n - 1] != 'h'))
				continue;
			char rel[PATH_MAX_LEN];
			snprintf(rel, sizeof rel, "%s/%s", rooms[i].dir, e->d_name);
			visit(rel, i, ctx);
		}
		closedir(d);
	}
}

static char *
read_source(const char *relpath)
{
	char path[PATH_MAX_LEN];
	snprintf(path, sizeof path, "%s/%s", test_top(), relpath);
	return test_read_file(path, NULL);
}

struct counts {
	unsigned files, violations;
};

static void
check_includes(const char *relpath, size_t room, void *ctx)
{
	struct counts *c = ctx;
	char *text = read_source(relpath);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	c->files++;
	for (char *line = text; line && *line; ) {
		char *next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		char name[256];
		if (sscanf(line, " #include \"%255[^\"]\"", name) == 1) {
			int r = room_of_header(name);
			/* A header of the includer's own room wins over a same-named one. */
			char own[PATH_MAX_LEN];
			struct stat st;
			snprintf(own, sizeof own, "%s/%s/%s", test_top(), rooms[room].dir, name);
			if (stat(own, &st) == 0)
				r = (int)room;
			if (r >= 0 && rooms[r].level > rooms[room].level) {
				fprintf(stderr, "\n  %s includes %s, from %s above it", relpath, name,
					rooms[r].dir);
				c->violations++;
			}
			if (r >= 0 && rooms[r].level == rooms[room].level && (size_t)r != room &&
			    strncmp(rooms[r].dir, "kvm-backend", 11) != 0) {
				fprintf(stderr, "\n  %s includes %s, from %s beside it", relpath, name,
					rooms[r].dir);
				c->violations++;
			}
		}
		line = next;
	}
	free(text);
}

static void
test_includes_go_one_way(void)
{
	struct counts c = { 0, 0 };
	for_each_source(check_includes, &c);
	CU_ASSERT_TRUE(c.files > 50);
	CU_ASSERT_EQUAL(c.violations, 0);
}

static void
check_file_length(const char *relpath, size_t room, void *ctx)
{
	(void)room;
	struct counts *c = ctx;
	char *text = read_source(relpath);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	c->files++;
	unsigned lines = 0;
	for (const char *p = text; *p; p++)
		lines += *p == '\n';
	if (lines > HOUSE_MAX_FILE_LINES) {
		fprintf(stderr, "\n  %s has %u lines (at most %d)", relpath, lines,
			HOUSE_MAX_FILE_LINES);
		c->violations++;
	}
	free(text);
}

static void
test_no_file_is_over_600_lines(void)
{
	struct counts c = { 0, 0 };
	for_each_source(check_file_length, &c);
	CU_ASSERT_TRUE(c.files > 50);
	CU_ASSERT_EQUAL(c.violations, 0);
}

/* The change in brace depth over one line of C, not counting braces in
 * comments (*in_comment carries a block comment across lines), string or
 * character literals. */
static int
brace_delta(const char *line, bool *in_comment)
{
	int delta = 0;
	for (const char *p = line; *p; p++) {
		if (*in_comment) {
			if (p[0] == '*' && p[1] == '/')
				*in_comment = false, p++;
		} else if (p[0] == '/' && p[1] == '*') {
			*in_comment = true, p++;
		} else if (p[0] == '/' && p[1] == '/') {
			break;
		} else if (*p == '"' || *p == '\'') {
			char quote = *p;
			while (p[1] && p[1] != quote)
				p += (p[1] == '\\' && p[2]) ? 2 : 1;
			if (p[1])
				p++;
		} else if (*p == '{') {
			delta++;
		} else if (*p == '}') {
			delta--;
		}
	}
	return delta;
}

/* A function, in this tree's style: its name starts a line and is followed
 * by '(' (the return type is on the line above), its body opens with '{' at
 * the start of a line, and it ends where the braces balance again (a block
 * with a label at column 0, such as machine_run's `slow_fetch: {`, does not
 * end it). */
static void
check_function_lengths(const char *relpath, size_t room, void *ctx)
{
	(void)room;
	struct counts *c = ctx;
	size_t n = strlen(relpath);
	if (relpath[n - 1] != 'c')
		return;
	char *text = read_source(relpath);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	c->files++;
	char name[128] = "";
	unsigned line_no = 0, start = 0;
	bool in_body = false, in_comment = false;
	int depth = 0;
	for (char *line = text; line && *line; ) {
		char *next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		line_no++;
		if (!in_body && (isalpha((unsigned char)line[0]) || line[0] == '_') &&
		    strchr(line, '(') && !strchr(line, ';') && !strchr(line, '=')) {
			size_t len = strcspn(line, "( ");
			if (line[len] == '(' && len < sizeof name)
				snprintf(name, sizeof name, "%.*s", (int)len, line);
		} else if (!in_body && line[0] == '{' && *name) {
			in_body = true;
			start = line_no;
			in_comment = false;
			depth = brace_delta(line, &in_comment);
		} else if (in_body && (depth += brace_delta(line, &in_comment)) <= 0) {
			in_body = false;
			unsigned length = line_no - start - 1;
			char who[PATH_MAX_LEN];
			snprintf(who, sizeof who, "%s:%s", relpath, name);
			bool exempt = false;
			for (size_t i = 0; i < ARRAY_SIZE(long_on_purpose); i++)
				exempt |= strcmp(who, long_on_purpose[i]) == 0;
			if (length > HOUSE_MAX_FUNCTION_LINES && !exempt) {
				fprintf(stderr, "\n  %s is %u lines (at most %d)", who, length,
					HOUSE_MAX_FUNCTION_LINES);
				c->violations++;
			}
			name[0] = '\0';
		}
		line = next;
	}
	free(text);
}

static void
test_no_function_is_over_80_lines_but_the_dispatch_loops(void)
{
	struct counts c = { 0, 0 };
	for_each_source(check_function_lengths, &c);
	CU_ASSERT_TRUE(c.files > 40);
	CU_ASSERT_EQUAL(c.violations, 0);
}

static CU_TestInfo tests[] = {
	{ "includes go one way: isa, machine, vmm, tools, backends, shell, cli",
	  test_includes_go_one_way },
	{ "no source file is over 600 lines", test_no_file_is_over_600_lines },
	{ "no function is over 80 lines but the interpreters' dispatch loops",
	  test_no_function_is_over_80_lines_but_the_dispatch_loops },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_house = { "house: rooms, one-way includes, sizes", NULL, NULL, NULL, NULL, tests };
