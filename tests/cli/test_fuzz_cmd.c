/* test_fuzz_cmd.c — `traplab fuzz` through the real program: the same seed
 * prints the same guests; valid guests on strict are equivalent under
 * trap, hybrid and bt (exit 0); on legacy, trap-and-emulate trips on the
 * kernels' rdpsw, wrpsw and srr (exit 84), and --keep leaves exactly those
 * guests, as images that `traplab equiv` replays to the same divergence and
 * disassemblies that re-assemble to them; hostile garbage the budget stops
 * is inconclusive (85); bad command lines are one line and 64; the manual
 * has every section.  Labs 3–8 graders rely on all of it.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli_support.h"
#include "support.h"

enum {
	PATH_LEN = 4096,
	KEEP_LEN = 1024,          /* the --keep directory's path: room for its files' */
	FUZZ_WAIT_MS = 120000,    /* a run of a dozen guests, under the sanitizers, loaded */
	MAX_ARGS = 24,
};

static char *dir;                 /* the suite's temporary directory */

static int
suite_init(void)
{
	dir = cli_tempdir();
	return dir ? 0 : -1;
}

static int
suite_cleanup(void)
{
	cli_rmtree(dir);
	free(dir);
	dir = NULL;
	return 0;
}

/* `traplab ARGS...`: everything it printed (stdout and stderr) in *out,
 * its exit status returned.  Waits for the summary line (or the end) as
 * long as a fuzz run may take, not cli_run's few seconds. */
static int
traplab(const char *const *args, char **out)
{
	struct cli_proc p;
	size_t len = 0;
	*out = NULL;
	if (cli_spawn(&p, args) < 0) {
		*out = calloc(1, 1);
		return -1;
	}
	cli_read_until(&p, out, &len, "summary", FUZZ_WAIT_MS);
	int rc = cli_finish(&p, out, &len);
	if (!*out)
		*out = calloc(1, 1);
	return rc;
}

static void
show(const char *why, const char *const *args, int rc, const char *out)
{
	fprintf(stderr, "\n  %s: traplab", why);
	for (int i = 0; args[i]; i++)
		fprintf(stderr, " %s", args[i]);
	fprintf(stderr, " (exit %d):\n%s\n", rc, out);
}

/* The line of `out` that starts with `prefix`, copied into line; false if none. */
static bool
line_starting(const char *out, const char *prefix, char *line, size_t len)
{
	size_t n = strlen(prefix);
	for (const char *p = out; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (strncmp(p, prefix, n) == 0) {
			size_t l = strcspn(p, "\n");
			snprintf(line, len, "%.*s", (int)(l < len ? l : len - 1), p);
			return true;
		}
	return false;
}

static unsigned
count_of(const char *out, const char *needle)
{
	unsigned n = 0;
	for (const char *p = strstr(out, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

static bool
exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

/* ---- the same seed, the same guests --------------------------------------------- */

static void
test_the_same_seed_prints_the_same_output(void)
{
	const char *args[] = { "fuzz", "--seed=7", "--count=4", NULL };
	char *a, *b, *one;
	int ra = traplab(args, &a), rb = traplab(args, &b);
	CU_ASSERT_EQUAL(ra, 0);
	CU_ASSERT_EQUAL(rb, 0);
	CU_ASSERT_STRING_EQUAL(a, b);
	CU_ASSERT_EQUAL(count_of(a, ": equivalent (trap, hybrid, bt)"), 4);
	CU_ASSERT_PTR_NOT_NULL(strstr(a, "seed 7: "));
	CU_ASSERT_PTR_NOT_NULL(strstr(a, "seed 10: "));
	CU_ASSERT_PTR_NULL(strstr(a, "seed 11: "));
	/* a guest is its seed's, wherever the run starts */
	const char *single[] = { "fuzz", "--seed=9", "--count=1", NULL };
	CU_ASSERT_EQUAL(traplab(single, &one), 0);
	char from_run[512] = "", alone[512] = "";
	CU_ASSERT(line_starting(a, "seed 9: ", from_run, sizeof from_run));
	CU_ASSERT(line_starting(one, "seed 9: ", alone, sizeof alone));
	CU_ASSERT_STRING_EQUAL(from_run, alone);
	CU_ASSERT_PTR_NOT_NULL(strstr(alone, " instructions; "));
	free(a);
	free(b);
	free(one);
}

/* No --seed: a fresh one, printed, and that seed replays the guest. */
static void
test_a_fresh_seed_is_printed_and_replays(void)
{
	const char *args[] = { "fuzz", "--count=1", NULL };
	char *out, *again;
	CU_ASSERT_EQUAL(traplab(args, &out), 0);
	const char *head = strstr(out, " guest from seed ");
	unsigned seed = 0;
	CU_ASSERT_FATAL(head && sscanf(head, " guest from seed %u", &seed) == 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "drawn from /dev/urandom"));
	char opt[64], prefix[64], line[512] = "", replayed[512] = "";
	snprintf(opt, sizeof opt, "--seed=%u", seed);
	snprintf(prefix, sizeof prefix, "seed %u: ", seed);
	const char *replay[] = { "fuzz", opt, "--count=1", NULL };
	CU_ASSERT_EQUAL(traplab(replay, &again), 0);
	CU_ASSERT(line_starting(out, prefix, line, sizeof line));
	CU_ASSERT(line_starting(again, prefix, replayed, sizeof replayed));
	CU_ASSERT_STRING_EQUAL(line, replayed);
	CU_ASSERT_PTR_NULL(strstr(again, "drawn from /dev/urandom"));
	free(out);
	free(again);
}

/* ---- verdicts and exit statuses ----------------------------------------------- */

static void
test_strict_guests_are_equivalent_in_every_mode(void)
{
	const char *args[] = { "fuzz", "--isa=strict", "--modes=trap,hybrid,bt", "--seed=1",
			       "--count=8", NULL };
	char *out;
	int rc = traplab(args, &out);
	if (rc != 0)
		show("expected 0", args, rc, out);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_EQUAL(count_of(out, ": equivalent (trap, hybrid, bt) — "), 8);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "summary: 8 guests (seeds 1-8, --isa=strict "
				       "--modes=trap,hybrid,bt): 8 equivalent, 0 NOT equivalent, "
				       "0 inconclusive\n"));
	CU_ASSERT_PTR_NULL(strstr(out, "NOT equivalent under"));
	free(out);
}

/* Garbage the budget stops on bare: no mode differs, nothing is proved: 85. */
static void
test_hostile_guests_the_budget_stops_are_inconclusive(void)
{
	const char *stopped[] = { "fuzz", "--hostile", "--seed=1", "--count=1", NULL };
	const char *ended[] = { "fuzz", "--hostile", "--seed=3", "--count=1", NULL };
	char *out;
	CU_ASSERT_EQUAL(traplab(stopped, &out), 85);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "hostile seed 1: inconclusive (trap, hybrid, bt)"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "0 equivalent, 0 NOT equivalent, 1 inconclusive"));
	free(out);
	CU_ASSERT_EQUAL(traplab(ended, &out), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "hostile seed 3: equivalent (trap, hybrid, bt)"));
	free(out);
}

/* Split a replay line "traplab equiv ..." into arguments after "traplab". */
static int
split_replay(char *line, const char **args)
{
	int n = 0;
	char *save = NULL;
	char *word = strtok_r(line, " ", &save);
	if (!word || strcmp(word, "traplab") != 0)
		return 0;
	while ((word = strtok_r(NULL, " ", &save)) && n < MAX_ARGS - 1)
		args[n++] = word;
	args[n] = NULL;
	return n;
}

/* The kept guest of `seed`: `traplab equiv` on it (the printed command)
 * exits 84 at the same instruction, and its .s re-assembles to it. */
static void
check_kept_guest(const char *out, unsigned seed, const char *keep)
{
	char prefix[64], verdict[1024], replay[1024], image[PATH_LEN], source[PATH_LEN];
	snprintf(prefix, sizeof prefix, "seed %u: NOT equivalent under trap: ", seed);
	CU_ASSERT_FATAL(line_starting(out, prefix, verdict, sizeof verdict));
	const char *at = strstr(verdict, "after instruction ");
	CU_ASSERT_PTR_NOT_NULL_FATAL(at);
	char where[64];
	snprintf(where, sizeof where, "%.*s", (int)strcspn(at, ","), at);
	/* the replay line is the fourth after the verdict: why, guest, kept, replay */
	const char *p = strstr(out, verdict);
	p = p ? strstr(p, "\n    replay: ") : NULL;
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	snprintf(replay, sizeof replay, "%.*s", (int)strcspn(p + 13, "\n"), p + 13);
	snprintf(image, sizeof image, "%s/seed-%u.img", keep, seed);
	CU_ASSERT_PTR_NOT_NULL(strstr(replay, image));
	const char *args[MAX_ARGS];
	CU_ASSERT_FATAL(split_replay(replay, args) > 2);
	CU_ASSERT_STRING_EQUAL(args[0], "equiv");
	char *equiv;
	int rc = traplab(args, &equiv);
	if (rc != 84 || !strstr(equiv, where))
		show("the replay", args, rc, equiv);
	CU_ASSERT_EQUAL(rc, 84);
	CU_ASSERT_PTR_NOT_NULL(strstr(equiv, where));
	free(equiv);
	snprintf(source, sizeof source, "%s/seed-%u.s", keep, seed);
	char again[PATH_LEN + 16];
	snprintf(again, sizeof again, "%s/again-%u.img", keep, seed);
	const char *asm_args[] = { "asm", source, "-o", again, NULL };
	char *msg;
	CU_ASSERT_EQUAL(traplab(asm_args, &msg), 0);
	free(msg);
	size_t na = 0, nb = 0;
	char *a = test_read_file(image, &na), *b = test_read_file(again, &nb);
	CU_ASSERT(a && b && nb <= na && memcmp(a, b, nb) == 0);
	for (size_t i = nb; a && i < na; i++)     /* the assembler stops at the last word */
		CU_ASSERT_EQUAL_FATAL(a[i], 0);
	free(a);
	free(b);
	unlink(again);
}

/* The files of DIR, counted. */
static unsigned
files_in(const char *path)
{
	unsigned n = 0;
	DIR *d = opendir(path);
	for (struct dirent *e; d && (e = readdir(d)); )
		n += e->d_name[0] != '.';
	if (d)
		closedir(d);
	return n;
}

/* On legacy, trap-and-emulate lets the kernels' rdpsw, wrpsw and srr run
 * directly: some guests differ, some (whose result is overwritten before
 * the end) do not.  --keep writes exactly the ones that differ. */
static void
test_keep_writes_replayable_images_only_for_failures(void)
{
	enum { FIRST = 1, COUNT = 12 };
	char keep[KEEP_LEN], opt[KEEP_LEN + 8];
	snprintf(keep, sizeof keep, "%s/kept", dir);     /* made by traplab fuzz */
	snprintf(opt, sizeof opt, "--keep=%s", keep);
	const char *args[] = { "fuzz", "--isa=legacy", "--modes=trap", "--seed=1", "--count=12",
			       opt, NULL };
	char *out;
	int rc = traplab(args, &out);
	CU_ASSERT_EQUAL(rc, 84);
	unsigned failed = 0, passed = 0, first_failed = 0;
	for (unsigned seed = FIRST; seed < FIRST + COUNT; seed++) {
		char prefix[64], path[PATH_LEN], line[1024];
		snprintf(prefix, sizeof prefix, "seed %u: ", seed);
		CU_ASSERT_FATAL(line_starting(out, prefix, line, sizeof line));
		bool differs = strstr(line, "NOT equivalent under trap") != NULL;
		failed += differs;
		passed += !differs;
		if (differs && !first_failed)
			first_failed = seed;
		static const char *const ext[] = { "img", "sym", "s" };
		for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++) {
			snprintf(path, sizeof path, "%s/seed-%u.%s", keep, seed, ext[i]);
			if (exists(path) != differs)
				fprintf(stderr, "\n  seed %u: %s %s\n", seed, path,
					differs ? "missing" : "written, for an equivalent guest");
			CU_ASSERT_EQUAL(exists(path), differs);
		}
	}
	if (!failed || !passed)
		show("expected both verdicts", args, rc, out);
	CU_ASSERT(failed > 0);
	CU_ASSERT(passed > 0);
	CU_ASSERT_EQUAL(files_in(keep), 3 * failed);
	char summary[128];
	snprintf(summary, sizeof summary, "%u equivalent, %u NOT equivalent, 0 inconclusive",
		 passed, failed);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, summary));
	CU_ASSERT_EQUAL(count_of(out, "    kept: "), failed);
	if (first_failed)
		check_kept_guest(out, first_failed, keep);
	free(out);
}

/* -q: only the guests that differ, and the summary; without --keep, the
 * fuzz command that keeps one. */
static void
test_quiet_lists_only_the_guests_that_differ(void)
{
	const char *args[] = { "fuzz", "--isa=legacy", "--modes=trap", "--seed=3", "--count=3",
			       "-q", NULL };
	char *out;
	CU_ASSERT_EQUAL(traplab(args, &out), 84);
	CU_ASSERT_PTR_NULL(strstr(out, ": equivalent ("));
	CU_ASSERT_PTR_NULL(strstr(out, "fuzz: "));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, ": NOT equivalent under trap: "));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "    why: "));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "replay: traplab fuzz --isa=legacy --modes=trap --seed="));
	CU_ASSERT_PTR_NULL(strstr(out, "    kept: "));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "summary: 3 guests (seeds 3-5, "));
	free(out);
}

static void
test_json_is_one_document_with_every_guest(void)
{
	const char *args[] = { "fuzz", "--isa=legacy", "--modes=trap,bt", "--seed=3", "--count=3",
			       "--format=json", NULL };
	char *out;
	CU_ASSERT_EQUAL(traplab(args, &out), 84);
	CU_ASSERT_EQUAL(count_of(out, "\"seed\": "), 3);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"first_seed\": 3"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"verdict\": \"not-equivalent\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"divergence\": {"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"features\": ["));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"not_equivalent\": "));
	CU_ASSERT_PTR_NULL(strstr(out, "summary:"));
	if (cli_have("python3")) {
		char path[PATH_LEN];
		snprintf(path, sizeof path, "%s/fuzz.json", dir);
		CU_ASSERT_EQUAL_FATAL(cli_write_file(path, out), 0);
		const char *py[] = { "python3", "-m", "json.tool", path, NULL };
		CU_ASSERT_EQUAL(cli_command(py, NULL), 0);
	}
	free(out);
}

/* ---- the command line ----------------------------------------------------------- */

static void
test_bad_options_are_64_naming_the_option(void)
{
	char file[PATH_LEN], keep_file[PATH_LEN + 8];
	snprintf(file, sizeof file, "%s/a-file", dir);
	CU_ASSERT_EQUAL_FATAL(cli_write_file(file, "not a directory\n"), 0);
	snprintf(keep_file, sizeof keep_file, "--keep=%s", file);
	static const struct {
		const char *args[4];
		int status;
		const char *named;
	} cases[] = {
		{ { "--isa=x86" }, 64, "--isa=x86" },
		{ { "--modes=pv" }, 64, "--modes=pv" },
		{ { "--modes=bare" }, 64, "--modes=bare" },
		{ { "--modes=trap,warp" }, 64, "'warp'" },
		{ { "--seed=abc" }, 64, "--seed=abc" },
		{ { "--seed=-1" }, 64, "--seed=-1" },
		{ { "--seed=4294967296" }, 64, "--seed=4294967296" },
		{ { "--seed=4294967295", "--count=2" }, 64, "--count=2" },
		{ { "--count=0" }, 64, "--count=0" },
		{ { "--count=2x" }, 64, "--count=2x" },
		{ { "--format=csv" }, 64, "--format=csv" },
		{ { "--keep=" }, 64, "--keep=" },
		{ { "--bogus" }, 64, "--bogus" },
		{ { "--seed" }, 64, "--seed" },
		{ { "guest.s" }, 64, "guest.s" },
		{ { "KEEP_FILE" }, 73, "not a directory" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *args[8] = { "fuzz" };
		int n = 1;
		for (int k = 0; k < 4 && cases[i].args[k]; k++)
			args[n++] = strcmp(cases[i].args[k], "KEEP_FILE") == 0 ? keep_file
										: cases[i].args[k];
		char *out;
		int rc = traplab(args, &out);
		bool named = strstr(out, cases[i].named) && strncmp(out, "traplab fuzz: ", 14) == 0;
		if (rc != cases[i].status || !named || count_of(out, "\n") != 1)
			show("expected one line naming the option", args, rc, out);
		CU_ASSERT_EQUAL(rc, cases[i].status);
		CU_ASSERT(named);
		CU_ASSERT_EQUAL(count_of(out, "\n"), 1);
		free(out);
	}
}

static void
test_help_has_every_section(void)
{
	static const char *const needles[] = {
		"NAME\n    traplab fuzz - ", "\nSYNOPSIS\n    traplab fuzz ", "\nDESCRIPTION\n",
		"\nOPTIONS\n", "\nEXIT STATUS\n", "\nEXAMPLES\n", "--isa=", "--modes=", "--seed=",
		"--count=", "--hostile", "--keep=DIR", "--format=", "-q, --quiet", "-h, --help",
		"\n    0     ", "\n    64    ", "\n    73    ", "\n    84    ", "\n    85    ",
		"fuzzgen.c", "traplab equiv ",
	};
	const char *help[] = { "fuzz", "--help", NULL };
	const char *via_help[] = { "help", "fuzz", NULL };
	const char *top[] = { "--help", NULL };
	char *out, *same, *all;
	CU_ASSERT_EQUAL(traplab(help, &out), 0);
	for (size_t i = 0; i < sizeof needles / sizeof needles[0]; i++) {
		if (!strstr(out, needles[i]))
			fprintf(stderr, "\n  fuzz --help lacks \"%s\"\n", needles[i]);
		CU_ASSERT_PTR_NOT_NULL(strstr(out, needles[i]));
	}
	CU_ASSERT_PTR_NULL(strstr(out, "\n    66    "));     /* it reads no file */
	CU_ASSERT_EQUAL(traplab(via_help, &same), 0);
	CU_ASSERT_STRING_EQUAL(out, same);
	CU_ASSERT_EQUAL(traplab(top, &all), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(all, "\n    fuzz      "));
	free(out);
	free(same);
	free(all);
}

static CU_TestInfo tests[] = {
	{ "the same seed prints the same output", test_the_same_seed_prints_the_same_output },
	{ "a fresh seed is printed and replays", test_a_fresh_seed_is_printed_and_replays },
	{ "strict: guests equivalent in trap, hybrid, bt: 0",
	  test_strict_guests_are_equivalent_in_every_mode },
	{ "hostile guests the budget stops are inconclusive: 85",
	  test_hostile_guests_the_budget_stops_are_inconclusive },
	{ "--keep writes replayable images only for failures: 84",
	  test_keep_writes_replayable_images_only_for_failures },
	{ "-q lists only the guests that differ", test_quiet_lists_only_the_guests_that_differ },
	{ "--format=json: one document, every guest", test_json_is_one_document_with_every_guest },
	{ "bad options: 64, one line naming the option", test_bad_options_are_64_naming_the_option },
	{ "--help has every section", test_help_has_every_section },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_cli_fuzz_cmd = { "cli: traplab fuzz", suite_init, suite_cleanup, NULL, NULL,
				    tests };
