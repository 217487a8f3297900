/* lab_support.c — the monitor labs' checker suites' shared helpers
 * (test_lab3.c, test_lab4.c, test_lab5.c; see lab_support.h). */
#include "lab_support.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support.h"

/* The scratch folder of the suite that is running (suites run one at a time). */
static char scratch[LAB_SCRATCH_LEN];

int
lab_suite_init(void)
{
	snprintf(scratch, sizeof scratch, "/tmp/traplab-lab-XXXXXX");
	return mkdtemp(scratch) ? 0 : -1;
}

int
lab_suite_cleanup(void)
{
	if (!scratch[0])
		return 0;
	char cmd[LAB_CMD_LEN];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", scratch);
	int status = system(cmd);
	scratch[0] = '\0';
	return status == 0 ? 0 : -1;
}

const char *
lab_scratch(void)
{
	return scratch;
}

int
lab_sh(char **output, const char *fmt, ...)
{
	char cmd[LAB_CMD_LEN], out_path[LAB_PATH_LEN], full[2 * LAB_CMD_LEN];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	/* the output file is in the scratch folder too: nothing outside it */
	snprintf(out_path, sizeof out_path, "%s/out-XXXXXX", scratch);
	int fd = mkstemp(out_path);
	*output = NULL;
	if (fd < 0) {
		*output = strdup("");
		return -1;
	}
	close(fd);
	/* `make SAN=1 test` exports SAN and MAKEFLAGS: the copies a suite
	 * builds are plain builds, as a student's are. */
	snprintf(full, sizeof full,
		 "(unset SAN MAKEFLAGS MFLAGS MAKELEVEL; TMPDIR='%s'; export TMPDIR; cd '%s' && %s) "
		 ">'%s' 2>&1",
		 scratch, test_top(), cmd, out_path);
	int status = system(full);
	*output = test_read_file(out_path, NULL);
	unlink(out_path);
	if (!*output)
		*output = strdup("");
	return (status != -1 && WIFEXITED(status)) ? WEXITSTATUS(status) : -1;
}

void
lab_seed_of(const char *out, char *buf, size_t len)
{
	static const char mark[] = "\nseed ";
	const char *at = strstr(out, mark);
	buf[0] = '\0';
	if (!at || len == 0)
		return;
	at += strlen(mark);
	size_t digits = strspn(at, "0123456789");
	if (digits > len - 1)
		digits = len - 1;
	memcpy(buf, at, digits);
	buf[digits] = '\0';
}

/* The handout's substitution of the LAB N regions, in awk (the fallback when
 * tools-build/handout.sh is not in the tree): a region becomes its TODO line
 * and its STUB lines, uncommented, at the marker's indentation. */
static void
stub_awk(int lab, char *buf, size_t len)
{
	snprintf(buf, len,
		 "/^[ \\t]*\\/\\* LAB %d: .*\\*\\/[ \\t]*$/ { r = 1; ind = $0; sub(/[^ \\t].*/, \"\", ind);"
		 " print ind \"/* TODO (Lab %d) */\"; next }\n"
		 "r && /^[ \\t]*\\/\\* END LAB %d \\*\\/[ \\t]*$/ { r = 0; next }\n"
		 "r && /^[ \\t]*\\/\\* STUB: .*\\*\\/[ \\t]*$/ { s = $0; sub(/^[ \\t]*\\/\\* STUB: /, \"\", s);"
		 " sub(/ *\\*\\/[ \\t]*$/, \"\", s); print ind s; next }\n"
		 "r { next }\n"
		 "{ print }\n",
		 lab, lab, lab);
}

/* Write the handout of lab N into tree: 0, or -1 (why, on stderr). */
static int
make_handout(int lab, const struct lab_stubbed_file *files, size_t nfiles, const char *tree)
{
	char handout[LAB_PATH_LEN], cmd[LAB_CMD_LEN], *out;
	snprintf(handout, sizeof handout, "%s/tools-build/handout.sh", test_top());
	if (access(handout, X_OK) == 0) {
		snprintf(cmd, sizeof cmd, "'%s' %d '%s'", handout, lab, tree);
	} else {
		char awk_path[LAB_PATH_LEN], awk[LAB_CMD_LEN], paths[LAB_PATH_LEN] = "";
		snprintf(awk_path, sizeof awk_path, "%s/stub.awk", scratch);
		FILE *f = fopen(awk_path, "w");
		if (!f) {
			fprintf(stderr, "\n  cannot write %s\n", awk_path);
			return -1;
		}
		stub_awk(lab, awk, sizeof awk);
		fputs(awk, f);
		fclose(f);
		for (size_t i = 0; i < nfiles; i++) {
			size_t used = strlen(paths);
			snprintf(paths + used, sizeof paths - used, "%s%s", i ? " " : "", files[i].path);
		}
		snprintf(cmd, sizeof cmd,
			 "mkdir -p '%s' && git ls-files -co --exclude-standard | "
			 "while read -r p; do [ -f \"$p\" ] && printf '%%s\\n' \"$p\"; done | "
			 "cpio -pdm --quiet '%s' && cd '%s' && "
			 "for f in %s; do awk -f '%s' $f >$f.new && mv $f.new $f; done",
			 tree, tree, tree, paths, awk_path);
	}
	int rc = lab_sh(&out, "%s", cmd);
	if (rc != 0)
		fprintf(stderr, "\n  making the handout failed (%d):\n%s\n", rc, out);
	free(out);
	return rc == 0 ? 0 : -1;
}

void
lab_seed_build(const char *tree)
{
	char *out;
	int rc = lab_sh(&out, "[ ! -d build ] || tar -cf - --exclude=build/svm-host --exclude=build/vmx-host "
			"--exclude=build/fuzz --exclude=build/linux --exclude=build/tests --exclude=build/valgrind "
			"--exclude=build/bench build | (cd '%s' && tar -xf -)", tree);
	if (rc != 0)
		fprintf(stderr, "\n  seeding %s/build failed (it builds from nothing):\n%s\n", tree, out);
	free(out);
}

int
lab_build_stubbed_handout(int lab, const struct lab_stubbed_file *files, size_t nfiles,
			  char *traplab, size_t len)
{
	char tree[LAB_PATH_LEN], *out;
	snprintf(tree, sizeof tree, "%s/tree", scratch);
	if (make_handout(lab, files, nfiles, tree) != 0)
		return -1;

	/* the stubs must be there, and compile with the house's warnings */
	for (size_t i = 0; i < nfiles; i++) {
		if (files[i].todos == LAB_TODOS_UNCOUNTED)
			continue;
		int rc = lab_sh(&out, "grep -c 'TODO (Lab %d)' '%s/%s'", lab, tree, files[i].path);
		CU_ASSERT_EQUAL(rc, 0);
		CU_ASSERT_EQUAL(atoi(out), files[i].todos);
		free(out);
	}
	/* Seeded with this tree's objects (their times kept): only the files
	 * the handout rewrote, the ones with lab regions, compile again.  The
	 * course kit's Lab 1 handout still builds a tree from nothing. */
	lab_seed_build(tree);
	int rc = lab_sh(&out, "cd '%s' && make -j2 build/traplab", tree);
	if (rc != 0)
		fprintf(stderr, "\n  the stubbed tree does not build:\n%s\n", out);
	free(out);
	snprintf(traplab, len, "%s/build/traplab", tree);
	return rc == 0 ? 0 : -1;
}

char *
lab_expect_full_marks(const char *check, int fuzz, int checks, char *seed, size_t len)
{
	char *out, pass[LAB_PATH_LEN];
	int rc = lab_sh(&out, "FUZZ=%d %s", fuzz, check);
	CU_ASSERT_EQUAL(rc, 0);
	snprintf(pass, sizeof pass, "PASS: all %d checks", checks);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, pass));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "replay this run: SEED="));
	lab_seed_of(out, seed, len);
	CU_ASSERT_NOT_EQUAL(seed[0], '\0');
	if (rc != 0)
		fprintf(stderr, "\n%s\n", out);
	return out;
}

char *
lab_expect_stubbed_fails(const char *check, const char *traplab, const char *const *must_fail,
			 size_t n, const char *first_seed)
{
	char *out;
	int rc = lab_sh(&out, "FUZZ=%d TRAPLAB_BIN='%s' %s", LAB_FUZZ_STUBBED, traplab, check);
	CU_ASSERT_EQUAL(rc, 1);
	CU_ASSERT_PTR_NULL(strstr(out, "PASS"));
	for (size_t i = 0; i < n; i++) {
		if (!strstr(out, must_fail[i])) {
			fprintf(stderr, "\n  no \"%s\" in the stubbed run's output\n", must_fail[i]);
			CU_FAIL("a check meant to catch a stub passed");
		}
	}
	/* a fresh seed: not the guests of the first run */
	char seed[LAB_SEED_LEN];
	lab_seed_of(out, seed, sizeof seed);
	CU_ASSERT_NOT_EQUAL(seed[0], '\0');
	if (first_seed[0])
		CU_ASSERT_STRING_NOT_EQUAL(seed, first_seed);
	if (rc != 1)
		fprintf(stderr, "\n%s\n", out);
	return out;
}
