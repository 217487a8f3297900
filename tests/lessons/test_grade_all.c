/* test_grade_all.c — `make grade-all HANDINS=DIR` (tools-build/grade-all.sh),
 * the teacher's bulk grading (lessons/INSTRUCTORS.md), on a folder of Lab 1
 * hand-ins made here as `make handin` makes them (a patch against the
 * handout, the answers, the time):
 *
 *   alice   the reference solution                 full marks
 *   bob     the starter and one comment            some checks, not all
 *   carol   Lab 3: a vcpu.c that does not compile  0, the compiler's error
 *           (in carol/handin-lab3.tar.gz: a folder per student)
 *   dave    the solution, and a checker that       the real checker runs: the
 *           prints "ok" for everything             change is undone and named
 *   eve     not a tarball                          a row that says so
 *   frank   the solution, and a GNUmakefile        full marks: the new file,
 *           (make would build it, not Makefile)    not beside the lab's, removed
 *
 * Every score is compared with what `make grade` gives the same input in this
 * tree (not typed in here), and each row's checks must add up to its score.
 * About 25 s: two handout builds (Labs 1 and 3, seeded with this tree's
 * build/), six grades.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lab_support.h"
#include "support.h"

enum { CSV_FIELDS = 64, CSV_FIELD_LEN = 512, CSV_ROWS = 16 };

struct csv_row {
	int nfields;
	char field[CSV_FIELDS][CSV_FIELD_LEN];
};

/* One RFC 4180 record from *p (quoted fields may hold commas and quotes);
 * *p moves past it.  Returns false at the end of the text. */
static bool
csv_next_row(const char **p, struct csv_row *row)
{
	const char *s = *p;
	if (!*s)
		return false;
	memset(row, 0, sizeof *row);
	for (;;) {
		char *out = row->field[row->nfields];
		size_t n = 0;
		if (*s == '"') {
			for (s++; *s && !(*s == '"' && s[1] != '"'); s++) {
				if (*s == '"')
					s++;            /* "" is one quote */
				if (n + 1 < CSV_FIELD_LEN)
					out[n++] = *s;
			}
			if (*s == '"')
				s++;
		} else {
			for (; *s && *s != ',' && *s != '\n'; s++)
				if (n + 1 < CSV_FIELD_LEN)
					out[n++] = *s;
		}
		if (row->nfields + 1 < CSV_FIELDS)
			row->nfields++;
		if (*s == ',') {
			s++;
			continue;
		}
		if (*s == '\n')
			s++;
		break;
	}
	*p = s;
	return true;
}

/* The score `make grade LAB=1 FILE=...` gives a Lab 1 input in this tree. */
static int
grade_here(const char *file, int *max)
{
	char *out;
	int p = -1, t = -1;
	lab_sh(&out, "TRAPLAB_BIN='%s/build/traplab' make -s grade LAB=1 FILE='%s' "
	       "GRADE_RESULTS=\"$TMPDIR/here.json\"", test_top(), file);
	const char *score = strstr(out, "Score: ");
	if (!score || sscanf(score, "Score: %d/%d", &p, &t) != 2)
		fprintf(stderr, "\n  make grade printed no score:\n%s\n", out);
	free(out);
	*max = t;
	return p;
}

static const struct csv_row *
find_row(const struct csv_row *rows, int n, const char *name)
{
	for (int i = 1; i < n; i++)
		if (!strcmp(rows[i].field[0], name))
			return &rows[i];
	return NULL;
}

static void
test_grade_all_grades_a_folder_of_handins(void)
{
	char *out;
	/* the hand-ins: diffs against a Lab 1 handout, tarred as handin.sh does */
	int rc = lab_sh(&out,
		"set -e; d=\"$TMPDIR/ga\"; rm -rf \"$d\"; mkdir -p \"$d/in/carol\"; "
		"tools-build/handout.sh 1 \"$d/h\" >/dev/null; cd \"$d/h\"; "
		"pack() { git add -A; git diff --cached --binary HEAD >\"$d/lab1.patch\"; "
		"  git reset -q --hard HEAD; git clean -qfd; "
		"  echo 'Pre-lab answers: the PSW' >\"$d/answers-lab1.txt\"; echo 'hours spent: 2' >\"$d/time.txt\"; "
		"  tar -czf \"$1\" -C \"$d\" lab1.patch answers-lab1.txt time.txt; }; "
		"sol=%s/lessons/01-machine/solution/lab1.s; lab=lessons/01-machine/lab1.s; "
		"cp \"$sol\" $lab; pack \"$d/in/alice.tar.gz\"; "
		"echo '; my first try' >>$lab; cp $lab \"$d/bob.s\"; pack \"$d/in/bob.tar.gz\"; "
		"cp \"$sol\" $lab; printf '#!/bin/sh\\necho \"ok   1  all\"\\necho PASS: all 1 checks\\n' "
		">lessons/01-machine/check; pack \"$d/in/dave.tar.gz\"; "
		"cp \"$sol\" $lab; printf 'all:\\n\\t@true\\n' >GNUmakefile; pack \"$d/in/frank.tar.gz\"; "
		"echo 'not a tarball' >\"$d/in/eve.tar.gz\"; "
		"tools-build/handout.sh 3 \"$d/h3\" >/dev/null; cd \"$d/h3\"; "
		"echo 'int broken(void) { return }' >>monitor/vmm/vcpu.c; "
		"git add -A; git diff --cached --binary HEAD >\"$d/lab3.patch\"; "
		"tar -czf \"$d/in/carol/handin-lab3.tar.gz\" -C \"$d\" lab3.patch time.txt", test_top());
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	free(out);

	rc = lab_sh(&out, "make -s grade-all HANDINS=\"$TMPDIR/ga/in\" OUT=\"$TMPDIR/ga/grades.csv\"");
	CU_ASSERT_NOT_EQUAL(rc, 0);            /* eve's is not a hand-in */
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "[1/6] alice"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "[5/6] eve"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "[6/6] frank"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "wrote"));
	free(out);

	char path[LAB_PATH_LEN];
	snprintf(path, sizeof path, "%s/ga/grades.csv", lab_scratch());
	char *text = test_read_file(path, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	static struct csv_row rows[CSV_ROWS];
	int n = 0;
	for (const char *p = text; n < CSV_ROWS && csv_next_row(&p, &rows[n]); n++)
		;
	CU_ASSERT_EQUAL(n, 7);                 /* the header and six rows, sorted by name */
	CU_ASSERT_STRING_EQUAL(rows[0].field[0], "name");
	CU_ASSERT_STRING_EQUAL(rows[0].field[6], "check 1");
	CU_ASSERT_STRING_EQUAL(rows[1].field[0], "alice");
	CU_ASSERT_STRING_EQUAL(rows[5].field[0], "eve");
	CU_ASSERT_STRING_EQUAL(rows[6].field[0], "frank");

	char sol[LAB_PATH_LEN], bob_file[LAB_PATH_LEN];
	snprintf(sol, sizeof sol, "%s/lessons/01-machine/solution/lab1.s", test_top());
	snprintf(bob_file, sizeof bob_file, "%s/ga/bob.s", lab_scratch());
	int max = 0, full = grade_here(sol, &max), max_bob = 0, bob_here = grade_here(bob_file, &max_bob);
	CU_ASSERT(full == max && max > 0);
	CU_ASSERT(bob_here > 0 && bob_here < max_bob);

	const struct csv_row *alice = find_row(rows, n, "alice"), *bob = find_row(rows, n, "bob"),
			     *carol = find_row(rows, n, "carol"), *dave = find_row(rows, n, "dave"),
			     *eve = find_row(rows, n, "eve"), *frank = find_row(rows, n, "frank");
	CU_ASSERT_FATAL(alice && bob && carol && dave && eve && frank);
	CU_ASSERT_STRING_EQUAL(alice->field[1], "1");
	CU_ASSERT_EQUAL(atoi(alice->field[2]), full);
	CU_ASSERT_EQUAL(atoi(alice->field[3]), max);
	CU_ASSERT_STRING_EQUAL(alice->field[4], "");
	CU_ASSERT_EQUAL(atoi(bob->field[2]), bob_here);
	CU_ASSERT_STRING_EQUAL(carol->field[1], "3");
	CU_ASSERT_EQUAL(atoi(carol->field[2]), 0);
	CU_ASSERT(atoi(carol->field[3]) > 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(carol->field[4], "vcpu.c"));
	CU_ASSERT_PTR_NOT_NULL(strstr(carol->field[4], "error"));
	CU_ASSERT_EQUAL(atoi(dave->field[2]), full);           /* the real checker ran */
	CU_ASSERT_PTR_NOT_NULL(strstr(dave->field[5], "lessons/01-machine/check"));
	CU_ASSERT_PTR_NOT_NULL(strstr(eve->field[5], "not a hand-in"));
	CU_ASSERT_EQUAL(atoi(frank->field[2]), full);
	CU_ASSERT_PTR_NOT_NULL(strstr(frank->field[5], "new files outside the lab removed: GNUmakefile"));

	/* each graded row's checks add up to its score; bob's are not all full */
	const struct csv_row *graded[] = { alice, bob, dave, frank };
	for (size_t i = 0; i < ARRAY_SIZE(graded); i++) {
		int sum = 0, checks = 0;
		for (int f = 6; f < graded[i]->nfields; f++)
			if (graded[i]->field[f][0])
				sum += atoi(graded[i]->field[f]), checks++;
		CU_ASSERT_EQUAL(sum, atoi(graded[i]->field[2]));
		CU_ASSERT(checks > 1);
	}
	free(text);
}

static void
test_grade_all_refuses_a_missing_folder(void)
{
	char *out;
	CU_ASSERT_EQUAL(lab_sh(&out, "tools-build/grade-all.sh"), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "HANDINS"));
	free(out);
	CU_ASSERT_EQUAL(lab_sh(&out, "tools-build/grade-all.sh /nonexistent"), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "not a folder"));
	free(out);
	CU_ASSERT_EQUAL(lab_sh(&out, "mkdir -p \"$TMPDIR/empty\" && tools-build/grade-all.sh \"$TMPDIR/empty\""), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "no hand-ins"));
	free(out);
}

static CU_TestInfo tests[] = {
	{ "grade-all: a folder of hand-ins -> one CSV row each, scored as make grade scores",
	  test_grade_all_grades_a_folder_of_handins },
	{ "grade-all: no folder, a missing one, an empty one are usage errors (2)",
	  test_grade_all_refuses_a_missing_folder },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_lessons_grade_all = {
	"lessons: grade-all", lab_suite_init, lab_suite_cleanup, NULL, NULL, tests
};
