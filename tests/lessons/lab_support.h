/* lab_support.h — what the monitor labs' checker suites (test_lab3.c,
 * test_lab4.c, test_lab5.c) share: a scratch folder per suite, shell
 * commands run as a student's shell runs them, the seed a checker printed,
 * and the lab's stubbed handout, built.
 *
 * Every command runs at the top of the tree with TMPDIR set to the suite's
 * scratch folder, so what a checker leaves there on purpose (the failing
 * guests it keeps for the student in $TMPDIR/labN-check.SEED/) goes when
 * the suite's cleanup removes the folder, however its tests ended. */
#ifndef TRAPLAB_TESTS_LAB_SUPPORT_H
#define TRAPLAB_TESTS_LAB_SUPPORT_H

#include <stddef.h>

enum {
	LAB_FUZZ_STUBBED = 2,      /* random guests for a stubbed run: its checks fail anyway */
	LAB_CMD_LEN = 8192,        /* a command line, with the tree's paths in it */
	LAB_SCRATCH_LEN = 64,      /* the scratch folder's path: short, in /tmp */
	LAB_PATH_LEN = 512,        /* a path under the scratch folder */
	LAB_SEED_LEN = 64,         /* a checker's seed, as text */
	LAB_TODOS_UNCOUNTED = -1,  /* a stubbed file whose TODOs are not counted */
};

/* The suite's init and cleanup (its CU_SuiteInfo's): make the scratch
 * folder, and remove it with all under it.  0, or -1 (CUnit's convention). */
int lab_suite_init(void);
int lab_suite_cleanup(void);
/* The scratch folder (TMPDIR of every command run by lab_sh). */
const char *lab_scratch(void);

/* Run the printf-formatted command with sh -c at the top of the tree, stdout
 * and stderr into *output (malloc'd, never NULL).  SAN and MAKEFLAGS & co. of
 * the make running the tests are not passed on: the copies built here are
 * plain builds, as a student's are.  Returns the exit status, or -1. */
int lab_sh(char **output, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The seed a checker printed ("seed N (replay ..."), into buf ("" if none). */
void lab_seed_of(const char *out, char *buf, size_t len);

/* A file of the monitor with lab regions, and how many "TODO (Lab N)" stubs
 * its handout must have (LAB_TODOS_UNCOUNTED: not counted). */
struct lab_stubbed_file {
	const char *path;       /* relative to the top */
	int todos;
};

/* Hand out lab N into the scratch folder (tools-build/handout.sh when it is
 * there, else the same substitution of the LAB N regions of `files` in awk),
 * check the stubs are there, and build it with the house's warnings (make
 * -j2 build/traplab).  The built traplab's path goes to traplab; returns 0,
 * or -1 when the handout could not be made or did not build (why, on
 * stderr; the caller asserts it).  A missing stub fails the test. */
int lab_build_stubbed_handout(int lab, const struct lab_stubbed_file *files, size_t nfiles,
			      char *traplab, size_t len);

/* Copy this tree's build/ (objects and programs, not the test, fuzzing and
 * KVM-host images) into tree/build with its times, so that `make` there
 * compiles only the sources that differ: those a handout rewrote. */
void lab_seed_build(const char *tree);

/* Run `check` (a checker's path from the top) with FUZZ=fuzz on this tree's
 * traplab: it must give full marks (exit 0, "PASS: all N checks", N =
 * checks) and print a seed for replay, which goes to seed ("" if none).
 * Returns its output (malloc'd) for the lab's own asserts. */
char *lab_expect_full_marks(const char *check, int fuzz, int checks, char *seed, size_t len);

/* Run `check` on the stubbed handout's traplab: it must fail (exit 1, no
 * PASS), print every one of `must_fail` (n lines, each naming a check meant
 * to catch a stub: "FAIL 5  rti"), and a fresh seed: not first_seed, the
 * suite's first run's.  Returns its output (malloc'd) for the lab's own
 * asserts. */
char *lab_expect_stubbed_fails(const char *check, const char *traplab, const char *const *must_fail,
			       size_t n, const char *first_seed);

#endif
