/* test_citations.c — every document the tree cites is in the tree (issue 12).
 *
 * Scans every text file git knows (tracked, or new and not ignored: .md .c .h
 * .s .S .dot .sh, and the scripts under lessons/) for citations and fails on
 * any that does not resolve to a file of the repository:
 *
 *   - markdown links `[text](path)` to relative paths (URLs and #anchors are
 *     skipped; build/ outputs only through the allow-list below);
 *   - names ending in .md in prose, resolved next to the citing file, one
 *     folder up (a starter/ or solution/ file speaks of its lab's folder), at
 *     the top, or as the one file of that name in the tree (the manuals are
 *     cited by name: SPEC, ASSEMBLER); the project's references and the KVM
 *     notes must be reachable as written;
 *   - paths like monitor/tools/classify.c whose first folder is one of the
 *     tree's top-level folders, resolved at the top or next to the citing file
 *     (a student's own file, such as lessons/01-machine/lab1.s, counts when
 *     the lab ships it as starter/lab1.s);
 *   - any mention of the sibling folder "shared" (../ + shared), where the
 *     notes used to live, outside the repository.
 *
 * In C files only comments (and, outside tests/, string literals) are read:
 * a test's fixture paths are not citations.
 *
 * Globs (such as kvm-backend/ *.c), format strings, absolute paths and upstream
 * paths (arch/x86/..., Documentation/...) are not citations of ours.
 * Run: build/tests/run-tests citations
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* paths here are short; a truncated one simply does not resolve and is reported */
#pragma GCC diagnostic ignored "-Wformat-truncation"

#include "common.h"
#include "support.h"

/* Generated files a text may link to: `make lessons` renders them. */
static const char *const generated[] = {
	"build/lessons/labs.svg",
	"build/lessons/*/diagram.svg",
};

/* Names that must resolve as written, never by name alone. */
static const char *const strict_names[] = { "REFERENCES.md", "KVM-NOTES.md" };

/* Extensions a prose path must have to be taken for a citation. */
static const char *const doc_exts[] = {
	"md", "c", "h", "s", "S", "dot", "sh", "def", "json", "txt", "inc", "rst",
};

struct scan {
	char **files;           /* from git, relative to the top */
	size_t nfiles;
	char tops[64][64];      /* the tree's top-level folders */
	size_t ntops;
	unsigned citations, bad;
};

static bool
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcmp(s + n - m, suffix) == 0;
}

static bool
is_scanned(const char *path)
{
	static const char *const exts[] = { ".md", ".c", ".h", ".s", ".S", ".dot", ".sh" };
	for (size_t i = 0; i < ARRAY_SIZE(exts); i++)
		if (ends_with(path, exts[i]))
			return true;
	/* scripts under lessons/: files without a dot in their name (check, make-ranking) */
	const char *base = strrchr(path, '/');
	return strncmp(path, "lessons/", 8) == 0 && base && !strchr(base, '.');
}

/* Normalize "a/b/../c/./d" in place; false if it climbs above the top. */
static bool
normalize(char *p)
{
	char *parts[128];
	size_t n = 0;
	for (char *tok = strtok(p, "/"); tok; tok = strtok(NULL, "/")) {
		if (strcmp(tok, ".") == 0)
			continue;
		if (strcmp(tok, "..") == 0) {
			if (n == 0)
				return false;
			n--;
			continue;
		}
		if (n < ARRAY_SIZE(parts))
			parts[n++] = tok;
	}
	char out[1024] = "";
	for (size_t i = 0; i < n; i++) {
		if (i)
			strncat(out, "/", sizeof out - strlen(out) - 1);
		strncat(out, parts[i], sizeof out - strlen(out) - 1);
	}
	strcpy(p, out);
	return true;
}

/* `dir` + `rel`, normalized, relative to the top; false if it leaves the tree. */
static bool
join(const char *dir, const char *rel, char *out, size_t len)
{
	snprintf(out, len, "%s%s%s", dir, *dir ? "/" : "", rel);
	return normalize(out);
}

static bool
exists(const char *rel)
{
	char full[2048];
	struct stat st;
	snprintf(full, sizeof full, "%s/%s", test_top(), rel);
	return *rel && stat(full, &st) == 0;
}

static bool
glob_match(const char *pat, const char *s)
{
	if (*pat == '\0')
		return *s == '\0';
	if (*pat == '*') {
		for (;; s++) {
			if (glob_match(pat + 1, s))
				return true;
			if (*s == '\0' || *s == '/')
				return false;
		}
	}
	return *s == *pat && glob_match(pat + 1, s + 1);
}

static bool
is_generated(const char *rel)
{
	for (size_t i = 0; i < ARRAY_SIZE(generated); i++)
		if (glob_match(generated[i], rel))
			return true;
	return false;
}

/* A lab's student file: lessons/NN-x/F is fine when lessons/NN-x/starter/F is there. */
static bool
is_student_file(const char *rel)
{
	const char *slash = strrchr(rel, '/');
	if (!slash || strncmp(rel, "lessons/", 8) != 0)
		return false;
	char starter[1024];
	snprintf(starter, sizeof starter, "%.*s/starter%s", (int)(slash - rel), rel, slash);
	return exists(starter);
}

static void
report(struct scan *sc, const char *file, unsigned line, const char *what, const char *cited)
{
	sc->bad++;
	if (sc->bad <= 40)
		fprintf(stderr, "\n  %s:%u: %s: %s", file, line, what, cited);
}

static const struct scan *the_scan;   /* for by_name: the files git listed */

/* A bare name that is the name of exactly one file of the tree. */
static bool
by_name(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(strict_names); i++)
		if (strcmp(name, strict_names[i]) == 0)
			return false;
	unsigned found = 0;
	for (size_t i = 0; i < the_scan->nfiles; i++) {
		const char *base = strrchr(the_scan->files[i], '/');
		found += strcmp(base ? base + 1 : the_scan->files[i], name) == 0;
	}
	return found == 1;
}

/* Resolve against the citing file's folder, its parent, and the top. */
static bool
resolves(const char *dir, const char *cited, bool parent_too)
{
	char buf[1024];
	if (join(dir, cited, buf, sizeof buf) && (exists(buf) || is_student_file(buf)))
		return true;
	if (parent_too && *dir) {
		char up[1024];
		snprintf(up, sizeof up, "%s/..", dir);
		if (join(up, cited, buf, sizeof buf) && exists(buf))
			return true;
	}
	snprintf(buf, sizeof buf, "%s", cited);
	if (normalize(buf) && (exists(buf) || is_student_file(buf)))
		return true;
	return parent_too && by_name(cited);
}

static void
check_link(struct scan *sc, const char *file, const char *dir, unsigned line, const char *target)
{
	if (!*target || *target == '#' || strstr(target, "://") || strncmp(target, "mailto:", 7) == 0 ||
	    strpbrk(target, ", "))
		return;
	char t[1024];
	snprintf(t, sizeof t, "%s", target);
	t[strcspn(t, "# \"")] = '\0';
	if (!*t || *t == '/')
		return;
	sc->citations++;
	char rel[1024];
	if (!join(dir, t, rel, sizeof rel)) {
		report(sc, file, line, "link leaves the repository", target);
		return;
	}
	if (strncmp(rel, "build/", 6) == 0 ? !is_generated(rel) : !exists(rel))
		report(sc, file, line, "link to a missing file", target);
}

static bool
is_top_folder(const struct scan *sc, const char *tok)
{
	size_t n = strcspn(tok, "/");
	for (size_t i = 0; i < sc->ntops; i++)
		if (strlen(sc->tops[i]) == n && strncmp(sc->tops[i], tok, n) == 0)
			return true;
	return false;
}

static bool
has_doc_ext(const char *tok)
{
	const char *base = strrchr(tok, '/');
	const char *dot = strrchr(base ? base : tok, '.');
	if (!dot)
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(doc_exts); i++)
		if (strcmp(dot + 1, doc_exts[i]) == 0)
			return true;
	return false;
}

/* One word of prose: a path-like token, trailing punctuation stripped. */
static void
check_token(struct scan *sc, const char *file, const char *dir, unsigned line, char *tok)
{
	size_t n = strlen(tok);
	while (n && (tok[n - 1] == '.' || tok[n - 1] == '-' || tok[n - 1] == '/'))
		tok[--n] = '\0';
	if (n < 4 || *tok == '/' || strchr(tok, '*') || !has_doc_ext(tok))
		return;
	const char *base = strrchr(tok, '/');
	base = base ? base + 1 : tok;
	if (base[0] && base[1] == '.')              /* x.s, a.c: an example, not a file */
		return;
	bool relative = strncmp(tok, "./", 2) == 0 || strncmp(tok, "../", 3) == 0;
	bool bare_md = !strchr(tok, '/') && ends_with(tok, ".md");
	if (!relative && !bare_md && !is_top_folder(sc, tok))
		return;
	if (strncmp(tok, "build/", 6) == 0 || strncmp(tok, "build-san/", 10) == 0)
		return;
	sc->citations++;
	if (!resolves(dir, tok, bare_md))
		report(sc, file, line, "cites a file that is not in the repository", tok);
}

static bool
is_path_char(int c)
{
	return isalnum(c) || c == '_' || c == '.' || c == '/' || c == '-' || c == '*';
}

static void
scan_text(struct scan *sc, const char *file, const char *text)
{
	char dir[1024];
	snprintf(dir, sizeof dir, "%s", file);
	char *slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	else
		dir[0] = '\0';
	bool is_md = ends_with(file, ".md");
	unsigned line = 1;
	for (const char *p = text; *p; p++) {
		if (*p == '\n')
			line++;
		if (strncmp(p, "../shared", 9) == 0)
			report(sc, file, line, "cites the notes outside the repository", "../shared");
		if (is_md && p[0] == ']' && p[1] == '(') {
			const char *end = strchr(p + 2, ')');
			if (end && end - p < 512) {
				char target[512];
				snprintf(target, sizeof target, "%.*s", (int)(end - p - 2), p + 2);
				check_link(sc, file, dir, line, target);
			}
		}
		if (is_path_char((unsigned char)*p) && (p == text || !is_path_char((unsigned char)p[-1]))
		    && (p == text || (p[-1] != '%' && p[-1] != '$' && p[-1] != ':'))) {
			size_t n = 0;
			while (is_path_char((unsigned char)p[n]) && n < 511)
				n++;
			char tok[512];
			snprintf(tok, sizeof tok, "%.*s", (int)n, p);
			if (!(p[n] == ']' && p[n + 1] == '('))   /* link text: the link is checked */
				check_token(sc, file, dir, line, tok);
		}
	}
}

/* C: keep comments (and string literals unless `strings_too`), blank the rest
 * but newlines, so line numbers stay right. */
static void
blank_code(char *t, bool strings_too)
{
	enum { CODE, BLOCK, LINE, STR, CHR } st = CODE;
	for (char *p = t; *p; p++) {
		char c = *p;
		switch (st) {
		case CODE:
			if (c == '/' && p[1] == '*') { st = BLOCK; p++; continue; }
			if (c == '/' && p[1] == '/') { st = LINE; p++; continue; }
			if (c == '"') st = STR;
			else if (c == '\'') st = CHR;
			if (c != '\n') *p = ' ';
			break;
		case BLOCK:
			if (c == '*' && p[1] == '/') { st = CODE; p[0] = p[1] = ' '; p++; }
			break;
		case LINE:
			if (c == '\n') st = CODE;
			break;
		case STR: case CHR:
			if (c == '\\' && p[1]) { if (strings_too) p[0] = p[1] = ' '; p++; break; }
			if ((st == STR && c == '"') || (st == CHR && c == '\'') || c == '\n') st = CODE;
			if (strings_too && c != '\n') *p = ' ';
			break;
		}
	}
}

static bool
list_files(struct scan *sc)
{
	char cmd[2048];
	snprintf(cmd, sizeof cmd,
		 "git -C '%s' ls-files --cached --others --exclude-standard 2>/dev/null", test_top());
	FILE *f = popen(cmd, "r");
	if (!f)
		return false;
	char line[2048];
	size_t cap = 0;
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!exists(line))          /* deleted in the work tree */
			continue;
		size_t n = strcspn(line, "/");
		if (line[n] == '/' && sc->ntops < ARRAY_SIZE(sc->tops) && n < sizeof sc->tops[0]) {
			bool seen = false;
			for (size_t i = 0; i < sc->ntops; i++)
				seen |= strlen(sc->tops[i]) == n && strncmp(sc->tops[i], line, n) == 0;
			if (!seen)
				snprintf(sc->tops[sc->ntops++], sizeof sc->tops[0], "%.*s", (int)n, line);
		}
		if (!is_scanned(line))
			continue;
		if (sc->nfiles == cap) {
			cap = cap ? 2 * cap : 256;
			sc->files = realloc(sc->files, cap * sizeof *sc->files);
		}
		sc->files[sc->nfiles++] = strdup(line);
	}
	return pclose(f) == 0 && sc->nfiles > 0;
}

static void
test_every_citation_resolves(void)
{
	struct scan sc = { 0 };
	the_scan = &sc;
	if (!list_files(&sc)) {
		TEST_SKIP("no git work tree at %s", test_top());
		return;
	}
	for (size_t i = 0; i < sc.nfiles; i++) {
		char path[2048];
		snprintf(path, sizeof path, "%s/%s", test_top(), sc.files[i]);
		char *text = test_read_file(path, NULL);
		if (text && (ends_with(sc.files[i], ".c") || ends_with(sc.files[i], ".h")))
			blank_code(text, strncmp(sc.files[i], "tests/", 6) == 0);
		if (text)
			scan_text(&sc, sc.files[i], text);
		free(text);
	}
	for (size_t i = 0; i < sc.nfiles; i++)
		free(sc.files[i]);
	free(sc.files);
	if (sc.bad)
		fprintf(stderr, "\n  %u of %u citations do not resolve\n", sc.bad, sc.citations);
	CU_ASSERT_TRUE(sc.citations > 100);
	CU_ASSERT_EQUAL(sc.bad, 0);
}

/* The two documents the issue found missing are there, with the sections cited. */
static void
test_the_references_exist(void)
{
	static const char *const refs[] = {
		"## §0", "### §0.1", "### §0.6", "## §1", "## §2", "Classifier recipe", "## §3",
		"## §4", "## §5", "## §6", "## §8", "Theorem 1", "Theorem 2", "Theorem 3",
		"| D1 |", "| D7 |", "| D8 |", "| D11 |", "| D12 |", "| D13 |", "| D14 |",
	};
	static const char *const notes[] = {
		"## §0", "### §3.1", "### §3.2", "### §3.3", "### §3.4", "### §3.6", "### §3.8",
		"### §3.9", "api.rst", "boot.rst",
	};
	char path[2048];
	snprintf(path, sizeof path, "%s/lessons/REFERENCES.md", test_top());
	char *text = test_read_file(path, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	for (size_t i = 0; i < ARRAY_SIZE(refs); i++)
		CU_ASSERT_PTR_NOT_NULL(strstr(text, refs[i]));
	free(text);
	snprintf(path, sizeof path, "%s/kvm-backend/KVM-NOTES.md", test_top());
	text = test_read_file(path, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	for (size_t i = 0; i < ARRAY_SIZE(notes); i++)
		CU_ASSERT_PTR_NOT_NULL(strstr(text, notes[i]));
	free(text);
}

static CU_TestInfo tests[] = {
	{ "every cited document and path is in the repository", test_every_citation_resolves },
	{ "lessons/REFERENCES.md and kvm-backend/KVM-NOTES.md have the cited sections",
	  test_the_references_exist },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_lessons_citations = { "lessons: citations resolve inside the repository",
					 NULL, NULL, NULL, NULL, tests };
