/* test_course_kit.c — the course kit's machinery (lessons/README.md, "How a lab
 * is handed out and graded"), driven as a teacher and a student drive it:
 *
 *     make handout LAB=1 DEST=DIR     tools-build/handout.sh
 *     make grade [LAB=N SOLUTION=1]   tools-build/grade.sh, grade-results.json
 *     make handin                     tools-build/handin.sh
 *
 * The handout tree is a full copy of this repository, so grading it builds it
 * once (~20-30 s; the longest part of this suite).  Every other lab with a
 * checker is handed out and graded too: below full marks, and its solution
 * full; Lab 3's handout (stubbed C) is built on a copy of that build/, the
 * others are graded with this tree's traplab (TRAPLAB_BIN), not rebuilt.  The lab regions of C
 * sources are tested on a small git repository made here (TRAPLAB_SRC), with
 * a lab 9 region and a lab 4 region.  Everything lives under one /tmp folder,
 * removed at the end: the commands' TMPDIR too, so the guests a checker keeps
 * for the student go with it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support.h"

enum { KIT_PATH = 4096, KIT_CMD = 16384 };

static char kit_dir[256];          /* /tmp/traplab-kit-XXXXXX */
static char hand[512];             /* kit_dir/h: the Lab 1 handout */
static char kit_tmp[512];          /* kit_dir/tmp: TMPDIR of every command */
static int handout_ok;

/* Run `cmd` with /bin/sh (in `dir`, NULL: the top), stdout and stderr into
 * *out (malloc'd).  MAKEFLAGS & co. of the make running the tests are not
 * passed on: they are not the inner make's.  Returns the exit status or -1. */
static int
kit_sh(const char *dir, char **out, const char *fmt, ...)
{
	char cmd[KIT_CMD], out_path[] = "/tmp/traplab-kit-out-XXXXXX";
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	*out = NULL;
	int fd = mkstemp(out_path);
	if (fd < 0)
		return -1;
	pid_t pid = fork();
	if (pid < 0) {
		close(fd);
		unlink(out_path);
		return -1;
	}
	if (pid == 0) {
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		unsetenv("MAKEFLAGS");
		unsetenv("MFLAGS");
		unsetenv("MAKELEVEL");
		unsetenv("SAN");        /* `make SAN=1 test` exports it; a student's make has none */
		unsetenv("GRADE_RESULTS");
		unsetenv("TRAPLAB_SRC");
		unsetenv("TRAPLAB_BIN");  /* `make test` sets it; grade.sh would then not build */
		/* what a checker keeps for the student ($TMPDIR/labN-check.SEED/, the
		 * failing guests of a handout's grade) goes with kit_dir */
		if (kit_tmp[0])
			setenv("TMPDIR", kit_tmp, 1);
		if (chdir(dir ? dir : test_top()) != 0)
			_exit(126);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	close(fd);
	int status;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	char *text = test_read_file(out_path, NULL);
	unlink(out_path);
	*out = text ? text : strdup("");
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Show a command's output when an assertion about it fails. */
#define KIT_EXPECT(cond, out) do { int ok_ = (cond); CU_ASSERT_TRUE(ok_); \
	if (!ok_) fprintf(stderr, "\n  %s:%d: not (%s); output:\n%s\n", __FILE__, __LINE__, #cond, out); \
	} while (0)

/* ---- a small JSON checker: valid JSON, and the score fields ------------------------- */
struct kit_json {
	const char *p;
	int bad;
	double score, max_score;          /* the top object's */
	double tests_score, tests_max;    /* sums over "tests" */
	int ntests, have_score, have_max;
};

static void json_value(struct kit_json *j, int depth, const char *key, int in_tests);

static void
json_ws(struct kit_json *j)
{
	while (*j->p == ' ' || *j->p == '\n' || *j->p == '\t' || *j->p == '\r')
		j->p++;
}

static void
json_string(struct kit_json *j, char *buf, size_t size)
{
	size_t n = 0;
	if (*j->p != '"') {
		j->bad = 1;
		return;
	}
	j->p++;
	while (*j->p != '"') {
		unsigned char c = (unsigned char)*j->p;
		if (c == 0 || c < 0x20) {
			j->bad = 1;
			return;
		}
		if (c == '\\') {
			j->p++;
			if (*j->p == 'u') {
				for (int i = 1; i <= 4; i++)
					if (!strchr("0123456789abcdefABCDEF", j->p[i]) || !j->p[i]) {
						j->bad = 1;
						return;
					}
				j->p += 4;
			} else if (!*j->p || !strchr("\"\\/bfnrt", *j->p)) {
				j->bad = 1;
				return;
			}
		}
		if (buf && n + 1 < size)
			buf[n++] = (char)c;
		j->p++;
	}
	j->p++;
	if (buf)
		buf[n] = 0;
}

static void
json_value(struct kit_json *j, int depth, const char *key, int in_tests)
{
	json_ws(j);
	if (j->bad)
		return;
	if (*j->p == '{') {
		j->p++;
		if (depth == 2 && in_tests)
			j->ntests++;
		json_ws(j);
		if (*j->p == '}') {
			j->p++;
			return;
		}
		for (;;) {
			char k[64];
			json_ws(j);
			json_string(j, k, sizeof k);
			json_ws(j);
			if (j->bad || *j->p != ':') {
				j->bad = 1;
				return;
			}
			j->p++;
			json_value(j, depth + 1, k, in_tests || (depth == 0 && !strcmp(k, "tests")));
			json_ws(j);
			if (j->bad)
				return;
			if (*j->p == ',') {
				j->p++;
				continue;
			}
			if (*j->p == '}') {
				j->p++;
				return;
			}
			j->bad = 1;
			return;
		}
	} else if (*j->p == '[') {
		j->p++;
		json_ws(j);
		if (*j->p == ']') {
			j->p++;
			return;
		}
		for (;;) {
			json_value(j, depth + 1, NULL, in_tests);
			json_ws(j);
			if (j->bad)
				return;
			if (*j->p == ',') {
				j->p++;
				continue;
			}
			if (*j->p == ']') {
				j->p++;
				return;
			}
			j->bad = 1;
			return;
		}
	} else if (*j->p == '"') {
		json_string(j, NULL, 0);
	} else if (!strncmp(j->p, "true", 4) || !strncmp(j->p, "null", 4)) {
		j->p += 4;
	} else if (!strncmp(j->p, "false", 5)) {
		j->p += 5;
	} else {
		char *end;
		double v = strtod(j->p, &end);
		if (end == j->p) {
			j->bad = 1;
			return;
		}
		j->p = end;
		if (key && depth == 1 && !strcmp(key, "score"))
			j->score = v, j->have_score = 1;
		if (key && depth == 1 && !strcmp(key, "max_score"))
			j->max_score = v, j->have_max = 1;
		if (key && depth == 3 && in_tests && !strcmp(key, "score"))
			j->tests_score += v;
		if (key && depth == 3 && in_tests && !strcmp(key, "max_score"))
			j->tests_max += v;
	}
}

/* Read and check a grade-results.json; 0 if valid with the score fields. */
static int
kit_json_read(const char *path, struct kit_json *j)
{
	memset(j, 0, sizeof *j);
	char *text = test_read_file(path, NULL);
	if (!text)
		return -1;
	j->p = text;
	json_value(j, 0, NULL, 0);
	json_ws(j);
	int ok = !j->bad && *j->p == 0 && j->have_score && j->have_max;
	if (!ok)
		fprintf(stderr, "\n  %s: not valid grade JSON near: %.60s\n", path, j->p ? j->p : "");
	free(text);
	return ok ? 0 : -1;
}

/* "Score: P/T" in a grade's output. */
static int
kit_score(const char *out, int *p, int *t)
{
	const char *s = strstr(out, "Score: ");
	return s && sscanf(s, "Score: %d/%d", p, t) == 2 ? 0 : -1;
}

/* ---- suite setup: one folder for everything ------------------------------------------- */
static int
kit_init(void)
{
	snprintf(kit_dir, sizeof kit_dir, "/tmp/traplab-kit-XXXXXX");
	if (!mkdtemp(kit_dir))
		return -1;
	snprintf(hand, sizeof hand, "%s/h", kit_dir);
	snprintf(kit_tmp, sizeof kit_tmp, "%s/tmp", kit_dir);
	return mkdir(kit_tmp, S_IRWXU) == 0 ? 0 : -1;
}

static int
kit_cleanup(void)
{
	char *out;
	if (kit_dir[0])
		kit_sh("/", &out, "rm -rf '%s'", kit_dir), free(out);
	return 0;
}

/* (a) a Lab 1 handout: no solution/, the starter in place, answers and time */
static void
test_handout_lab1(void)
{
	char *out;
	int rc = kit_sh(NULL, &out, "make -s handout LAB=1 DEST='%s'", hand);
	KIT_EXPECT(rc == 0, out);
	free(out);
	rc = kit_sh(hand, &out, "find . -path ./.git -prune -o -name solution -print");
	KIT_EXPECT(rc == 0 && out[0] == 0, out);
	free(out);
	rc = kit_sh(hand, &out, "cmp lessons/01-machine/lab1.s '%s/lessons/01-machine/starter/lab1.s' && "
		    "grep -q 'Pre-lab answers:' answers-lab1.txt && grep -q 'Closing answers:' answers-lab1.txt && "
		    "grep -q 'hours spent:' time.txt && [ \"$(cat .handout-lab)\" = 1 ] && "
		    "[ -x tools-build/grade.sh ] && git log --oneline | grep -q 'Lab 1 handout' && "
		    "[ -z \"$(git status --porcelain)\" ]", test_top());
	KIT_EXPECT(rc == 0, out);
	free(out);
	handout_ok = rc == 0;

	/* refusals: an existing non-empty DEST, a lab without a folder */
	rc = kit_sh(NULL, &out, "make -s handout LAB=1 DEST='%s'", hand);
	KIT_EXPECT(rc != 0 && strstr(out, "not empty"), out);
	free(out);
	rc = kit_sh(NULL, &out, "make -s handout LAB=99 DEST='%s/none'", kit_dir);
	KIT_EXPECT(rc != 0 && strstr(out, "no lab 99"), out);
	free(out);
}

/* (b) grading the untouched handout: a partial score and valid JSON */
static void
test_grade_handout(void)
{
	if (!handout_ok) {
		CU_FAIL("no handout tree (see the handout test)");
		return;
	}
	char *out, json[KIT_PATH];
	int rc = kit_sh(hand, &out, "make -s grade");
	int p = -1, t = -1;
	KIT_EXPECT(rc != 0 && kit_score(out, &p, &t) == 0 && p < t && t > 0, out);
	KIT_EXPECT(strstr(out, "FAIL") != NULL, out);
	free(out);
	snprintf(json, sizeof json, "%s/grade-results.json", hand);
	struct kit_json j;
	CU_ASSERT_EQUAL_FATAL(kit_json_read(json, &j), 0);
	CU_ASSERT_EQUAL(j.score, p);
	CU_ASSERT_EQUAL(j.max_score, t);
	CU_ASSERT_EQUAL(j.tests_score, j.score);
	CU_ASSERT_EQUAL(j.tests_max, j.max_score);
	CU_ASSERT_TRUE(j.ntests >= 2);
}

/* (c) the reference solution, in this tree, gets full marks */
static void
test_grade_solution(void)
{
	char *out, json[KIT_PATH];
	snprintf(json, sizeof json, "%s/solution.json", kit_dir);
	int rc = kit_sh(NULL, &out, "GRADE_RESULTS='%s' make -s grade LAB=1 SOLUTION=1", json);
	int p = -1, t = -2;
	KIT_EXPECT(rc == 0 && kit_score(out, &p, &t) == 0 && p == t && t > 0, out);
	free(out);
	struct kit_json j;
	CU_ASSERT_EQUAL_FATAL(kit_json_read(json, &j), 0);
	CU_ASSERT_EQUAL(j.score, j.max_score);
	CU_ASSERT_EQUAL(j.tests_score, j.score);
}

/* (d) handin: refused untouched, unbuilt or without hours; then written */
static void
test_handin(void)
{
	if (!handout_ok) {
		CU_FAIL("no handout tree (see the handout test)");
		return;
	}
	char *out;
	int rc = kit_sh(hand, &out, "make -s handin");
	KIT_EXPECT(rc != 0 && strstr(out, "unchanged"), out);
	free(out);

	rc = kit_sh(hand, &out, "printf 'Pre-lab answers:\\n1. the PSW\\n' >>answers-lab1.txt && make -s handin");
	KIT_EXPECT(rc != 0 && strstr(out, "time.txt"), out);
	free(out);

	rc = kit_sh(hand, &out, "echo 'hours spent: 4' >time.txt && echo '#error not C' >monitor/vmm/kit_broken.c && "
		    "make -s handin");
	KIT_EXPECT(rc != 0 && strstr(out, "does not build"), out);
	free(out);
	rc = kit_sh(hand, &out, "[ ! -e handin-lab1.tar.gz ]");
	KIT_EXPECT(rc == 0, out);
	free(out);

	/* a scratch file new since the handout is handed in, and named */
	rc = kit_sh(hand, &out, "rm monitor/vmm/kit_broken.c && cp '%s/lessons/01-machine/solution/lab1.s' "
		    "lessons/01-machine/lab1.s && echo scratch >notes.txt && make -s handin", test_top());
	KIT_EXPECT(rc == 0 && strstr(out, "handin-lab1.tar.gz") && strstr(out, "new since the handout") &&
		   strstr(out, "notes.txt"), out);
	free(out);
	rc = kit_sh(hand, &out, "rm notes.txt && make -s handin");
	KIT_EXPECT(rc == 0 && !strstr(out, "new since the handout"), out);
	free(out);
	rc = kit_sh(hand, &out, "tar -tzf handin-lab1.tar.gz | sort | tr '\\n' ' '; "
		    "tar -xzOf handin-lab1.tar.gz lab1.patch | grep '^diff --git'");
	KIT_EXPECT(rc == 0 && strstr(out, "answers-lab1.txt lab1.patch time.txt") &&
		   strstr(out, "lessons/01-machine/lab1.s") && !strstr(out, "kit_broken") &&
		   !strstr(out, "b/answers-lab1.txt"), out);
	free(out);

	/* and the finished lab grades full */
	rc = kit_sh(hand, &out, "make -s grade");
	int p = -1, t = -2;
	KIT_EXPECT(rc == 0 && kit_score(out, &p, &t) == 0 && p == t, out);
	free(out);
}

/* ---- (e) every lab with a checker: its handout grades below full, its solution full -- */

/* The program this suite drives (build/ or build-san/), for grade.sh's TRAPLAB_BIN. */
static const char *
kit_bin(void)
{
	static char bin[KIT_PATH];
	const char *e = getenv("TRAPLAB_BIN");
	if (e && *e)
		return e;
	snprintf(bin, sizeof bin, "%s/build/traplab", test_top());
	return bin;
}

/* The lab numbers of lessons/NN-*\/check, into labs[]; their count. */
static int
kit_labs(int *labs, int max)
{
	char *out;
	int n = 0;
	if (kit_sh(NULL, &out, "for c in lessons/[0-9][0-9]-*/check; do [ -x \"$c\" ] && "
		   "echo \"${c#lessons/}\" | cut -c1-2; done") == 0) {
		for (char *p = out; *p && n < max; ) {
			labs[n++] = atoi(p);
			p = strchr(p, '\n');
			if (!p)
				break;
			p++;
		}
	}
	free(out);
	CU_ASSERT_TRUE(n >= 5);
	return n;
}

/* LAB10_REPS for the Lab 10 checker: 1 under `make SAN=1 test`, where traplab is slow */
static const char *
kit_reps(void)
{
	const char *san = getenv("SAN");
	return san && !strcmp(san, "1") ? "LAB10_REPS=1 " : "";
}

/* Each lab but 1 (the tests above): `make handout LAB=N`, then its `make grade`
 * gives less than full marks.  A lab whose handout stubs C regions (Lab 3) is
 * built there, with the house's -Werror, on a copy of the Lab 1 handout's
 * build/ (so only the stubbed files compile); the others are graded with this
 * tree's traplab (TRAPLAB_BIN: grade.sh then builds nothing). */
static void
test_grade_every_handout(void)
{
	int labs[32], n = kit_labs(labs, 32);
	for (int i = 0; i < n; i++) {
		int lab = labs[i];
		if (lab == 1)
			continue;
		char dest[512], *out;
		snprintf(dest, sizeof dest, "%s/h%d", kit_dir, lab);
		int rc = kit_sh(NULL, &out, "make -s handout LAB=%d DEST='%s'", lab, dest);
		KIT_EXPECT(rc == 0, out);
		free(out);
		if (rc != 0)
			continue;
		int c_lab = kit_sh(dest, &out, "grep -rlq --include='*.c' --include='*.h' "
				   "'TODO (Lab %d)' .", lab) == 0;
		free(out);
		if (c_lab) {
			if (handout_ok)
				kit_sh(NULL, &out, "[ ! -d '%s/build' ] || cp -a '%s/build' '%s/'", hand, hand, dest),
					free(out);
			rc = kit_sh(dest, &out, "FUZZ=2 make -s grade");
		} else {
			rc = kit_sh(dest, &out, "%sTRAPLAB_BIN='%s' make -s grade", kit_reps(), kit_bin());
		}
		int p = -1, t = -1;
		KIT_EXPECT(rc != 0 && kit_score(out, &p, &t) == 0 && p < t && t > 0, out);
		if (c_lab)
			KIT_EXPECT(!strstr(out, "build: FAILED") && !strstr(out, "build: skipped"), out);
		else
			KIT_EXPECT(strstr(out, "build: skipped") != NULL, out);
		if (rc == 0 || p >= t)
			fprintf(stderr, "\n  lab %d: its handout is not graded below full marks\n", lab);
		free(out);
		char json[KIT_PATH];
		struct kit_json j;
		snprintf(json, sizeof json, "%s/grade-results.json", dest);
		CU_ASSERT_EQUAL(kit_json_read(json, &j), 0);
		CU_ASSERT_EQUAL(j.score, p);
		CU_ASSERT_EQUAL(j.max_score, t);
	}
}

/* Each lab but 1: its reference solution gets full marks (a lab without a
 * starter, whose work is in the monitor's source, grades this tree), graded
 * in this tree (with its traplab).  solution/<the starter's name> is graded with
 * SOLUTION=1; a starter S whose solution is a generator, solution/make-<S without
 * its extension> (Lab 10: make-ranking, host times are this machine's), is
 * generated into a folder with solution/'s other files (Lab 10's answers).
 * The generator's measurement is saved and graded again (LAB10_COMPARE_DIR,
 * lessons/10-compare/check), so a ranking of host times is graded against the
 * measurement it was made from, not against the machine's load a minute later. */
static void
test_grade_every_solution(void)
{
	int labs[32], n = kit_labs(labs, 32);
	for (int i = 0; i < n; i++) {
		int lab = labs[i];
		if (lab == 1)
			continue;
		char *out, json[KIT_PATH], gen[KIT_PATH];
		snprintf(json, sizeof json, "%s/solution%d.json", kit_dir, lab);
		snprintf(gen, sizeof gen, "%s/gen%d", kit_dir, lab);
		/* "file" for solution/S, "gen S" for a generator, nothing: no starter */
		int rc = kit_sh(NULL, &out,
				"d=$(ls -d lessons/%02d-*/ | head -n1); for s in \"$d\"starter/*; do "
				"[ -f \"$s\" ] || continue; b=${s##*/}; "
				"if [ -f \"$d\"solution/$b ]; then echo file; exit 0; fi; "
				"if [ -x \"$d\"solution/make-${b%%.*} ]; then mkdir -p '%s/measured' && "
				"cp \"$d\"solution/* '%s'/ && %sLAB10_COMPARE_DIR='%s/measured' TRAPLAB_BIN='%s' "
				"\"$d\"solution/make-${b%%.*} >'%s'/$b && echo \"gen $b\"; exit; fi; done",
				lab, gen, gen, kit_reps(), gen, kit_bin(), gen);
		char kind[256] = "", name[200] = "";
		sscanf(out, "%255s %199s", kind, name);
		KIT_EXPECT(rc == 0, out);
		free(out);
		if (rc != 0)
			continue;
		if (!kind[0])           /* no starter (Labs 3-5): the reference is this tree */
			rc = kit_sh(NULL, &out, "GRADE_RESULTS='%s' FUZZ=2 TRAPLAB_BIN='%s' make -s grade LAB=%d",
				    json, kit_bin(), lab);
		else if (!strcmp(kind, "file"))
			rc = kit_sh(NULL, &out, "GRADE_RESULTS='%s' TRAPLAB_BIN='%s' make -s grade LAB=%d SOLUTION=1",
				    json, kit_bin(), lab);
		else
			rc = kit_sh(NULL, &out, "GRADE_RESULTS='%s' %sLAB10_COMPARE_DIR='%s/measured' TRAPLAB_BIN='%s' "
				    "make -s grade LAB=%d FILE='%s/%s'", json, kit_reps(), gen, kit_bin(), lab, gen, name);
		int p = -1, t = -2;
		KIT_EXPECT(rc == 0 && kit_score(out, &p, &t) == 0 && p == t && t > 0, out);
		if (rc != 0)
			fprintf(stderr, "\n  lab %d: its solution does not get full marks\n", lab);
		free(out);
		struct kit_json j;
		CU_ASSERT_EQUAL(kit_json_read(json, &j), 0);
		CU_ASSERT_EQUAL(j.score, j.max_score);
	}
}

/* (f) lab regions in C and assembly, points and JSON escapes, on a fixture repository */
static const char fixture_c[] =
	"int f(int x)\n"
	"{\n"
	"\t/* LAB 9: f doubles x (SPEC §9) */\n"
	"\t/* STUB: (void)x; */\n"
	"\t/* STUB: return 0; */\n"
	"\treturn 2 * x;\n"
	"\t/* END LAB 9 */\n"
	"}\n"
	"\n"
	"int g(void)\n"
	"{\n"
	"    /* LAB 4: g is four */\n"
	"    /* STUB: return 0; */\n"
	"    return 4;\n"
	"    /* END LAB 4 */\n"
	"}\n";

static const char fixture_c_lab9[] =
	"int f(int x)\n"
	"{\n"
	"\t/* TODO (Lab 9): f doubles x (SPEC §9) */\n"
	"\t(void)x;\n"
	"\treturn 0;\n"
	"}\n"
	"\n"
	"int g(void)\n"
	"{\n"
	"    return 4;\n"
	"}\n";

/* the same in PG32 assembly: markers are whole-line ";" comments */
static const char fixture_s[] =
	"start:\n"
	"        ; LAB 9: r1 := the answer (SPEC §8.2)\n"
	"        ; STUB: li r1, 0\n"
	"        li    r1, 42\n"
	"        ; END LAB 9\n"
	"        ; a comment that is no marker: LAB 9: stays\n"
	"        ; LAB 4: power off\n"
	"        halt\n"
	"        ; END LAB 4\n";

static const char fixture_s_lab9[] =
	"start:\n"
	"        ; TODO (Lab 9): r1 := the answer (SPEC §8.2)\n"
	"        li r1, 0\n"
	"        ; a comment that is no marker: LAB 9: stays\n"
	"        halt\n";

static const char fixture_check[] =
	"#!/bin/sh\n"
	"echo 'Lab 9 check'\n"
	"echo 'ok   1  f is there'\n"
	"echo 'FAIL 2  f doubles: f(2) = \"0\" \\\\ expected 4 -- hint: read SPEC §9'\n"
	"printf '         a\\tcontinued line\\n'\n"
	"echo 'ok   3  g is four'\n"
	"echo 'ok   an unnumbered line is not a check'\n"
	"echo 'FAIL: 1 of 3 checks failed'\n"
	"exit 1\n";

static void
write_text(const char *dir, const char *name, const char *text, mode_t mode)
{
	char path[KIT_PATH];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs(text, f);
	fclose(f);
	chmod(path, mode);
}

static void
test_regions_fixture(void)
{
	char src[512], dest[512], *out;
	snprintf(src, sizeof src, "%s/src", kit_dir);
	snprintf(dest, sizeof dest, "%s/fixture9", kit_dir);
	int rc = kit_sh(NULL, &out, "mkdir -p '%s/lessons/09-x/starter' '%s/lessons/09-x/solution' '%s/tools-build'",
			src, src, src);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	free(out);
	write_text(src, "f.c", fixture_c, 0644);
	write_text(src, "g.s", fixture_s, 0644);
	write_text(src, "Makefile", "all:\n\t@true\n", 0644);
	write_text(src, "lessons/09-x/check", fixture_check, 0755);
	write_text(src, "lessons/09-x/points", "# check points [name]\n1 3\n2 5 f doubles x\n4 2 h is there\n", 0644);
	write_text(src, "lessons/09-x/answers.txt", "Pre-lab answers:\nQ1.\n", 0644);
	write_text(src, "lessons/09-x/starter/lab9.txt", "starter\n", 0644);
	write_text(src, "lessons/09-x/solution/lab9.txt", "solution\n", 0644);
	rc = kit_sh(src, &out, "git init -q && cp '%s/tools-build/grade.sh' tools-build/ && git add -A && "
		    "git -c user.name=t -c user.email=t@t.invalid -c commit.gpgsign=false commit -q -m fixture",
		    test_top());
	KIT_EXPECT(rc == 0, out);
	free(out);

	rc = kit_sh(NULL, &out, "TRAPLAB_SRC='%s' tools-build/handout.sh 9 '%s'", src, dest);
	KIT_EXPECT(rc == 0, out);
	free(out);
	char path[KIT_PATH];
	snprintf(path, sizeof path, "%s/f.c", dest);
	char *c = test_read_file(path, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	KIT_EXPECT(!strcmp(c, fixture_c_lab9), c);
	free(c);
	snprintf(path, sizeof path, "%s/g.s", dest);
	c = test_read_file(path, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	KIT_EXPECT(!strcmp(c, fixture_s_lab9), c);
	free(c);
	rc = kit_sh(dest, &out, "[ ! -e lessons/09-x/solution ] && [ \"$(cat lessons/09-x/lab9.txt)\" = starter ] && "
		    "grep -q Q1. answers-lab9.txt && [ \"$(cat .handout-lab)\" = 9 ]");
	KIT_EXPECT(rc == 0, out);
	free(out);

	/* grading there: points from the file, the FAIL's text and hint, escapes;
	 * check 4, listed but never printed (the checker stopped), scores 0 of its 2 */
	rc = kit_sh(dest, &out, "tools-build/grade.sh");
	KIT_EXPECT(rc == 1 && strstr(out, "Score: 4/11") && strstr(out, "f doubles x ") &&
		   strstr(out, "0/5") && strstr(out, "hint: read SPEC") && strstr(out, "continued line") &&
		   strstr(out, "h is there ") && strstr(out, "0/2") && strstr(out, "did not run"), out);
	free(out);
	snprintf(path, sizeof path, "%s/grade-results.json", dest);
	struct kit_json j;
	CU_ASSERT_EQUAL_FATAL(kit_json_read(path, &j), 0);
	CU_ASSERT_EQUAL(j.score, 4);
	CU_ASSERT_EQUAL(j.max_score, 11);
	CU_ASSERT_EQUAL(j.tests_score, 4);
	CU_ASSERT_EQUAL(j.tests_max, 11);
	CU_ASSERT_EQUAL(j.ntests, 4);
	char *js = test_read_file(path, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(js);
	KIT_EXPECT(strstr(js, "\\\"0\\\" \\\\ expected") && strstr(js, "a\\tcontinued"), js);
	free(js);

	/* lab 4 of the same fixture: its region stubbed, lab 9's reference kept */
	snprintf(dest, sizeof dest, "%s/fixture4", kit_dir);
	rc = kit_sh(NULL, &out, "mkdir -p '%s/lessons/04-y' && cd '%s' && git add -A && "
		    "git -c user.name=t -c user.email=t@t.invalid -c commit.gpgsign=false commit -q -m y "
		    "--allow-empty; touch lessons/04-y/README.md; cd '%s' && "
		    "TRAPLAB_SRC='%s' tools-build/handout.sh 4 '%s' && grep -n . '%s/f.c' '%s/g.s'",
		    src, src, test_top(), src, dest, dest, dest);
	KIT_EXPECT(rc == 0 && strstr(out, "\treturn 2 * x;") && strstr(out, "/* TODO (Lab 4): g is four */") &&
		   strstr(out, ":    return 0;") && !strstr(out, "; LAB 9: r1") && !strstr(out, "/* LAB 9") && !strstr(out, "END LAB") && !strstr(out, "return 4;") &&
		   strstr(out, "li    r1, 42") && strstr(out, "; TODO (Lab 4): power off") &&
		   !strstr(out, "halt"), out);
	free(out);

	/* an unbalanced region is refused */
	write_text(src, "bad.c", "/* LAB 9: x */\nint x;\n", 0644);
	snprintf(dest, sizeof dest, "%s/fixture-bad", kit_dir);
	rc = kit_sh(NULL, &out, "TRAPLAB_SRC='%s' tools-build/handout.sh 9 '%s'", src, dest);
	KIT_EXPECT(rc != 0 && strstr(out, "never ends"), out);
	free(out);
}

static CU_TestInfo tests[] = {
	{ "make handout LAB=1: no solution/, the starter, answers, time", test_handout_lab1 },
	{ "make grade on the handout: a partial score, valid JSON", test_grade_handout },
	{ "make grade LAB=1 SOLUTION=1: full marks", test_grade_solution },
	{ "make handin: refusals, then the tarball", test_handin },
	{ "every lab's handout (make handout LAB=N): make grade below full marks", test_grade_every_handout },
	{ "every lab's solution (SOLUTION=1, or its generator): full marks", test_grade_every_solution },
	{ "lab regions in C and assembly, points and JSON escapes (a fixture repository)",
	  test_regions_fixture },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_lessons_course_kit = { "lessons: course kit", kit_init, kit_cleanup, NULL, NULL, tests };
