/* cmd_fuzz.c — `traplab fuzz`: differential fuzzing as a command.  Generates
 * guests from seeds S, S+1, ... (monitor/tools/fuzzgen.h, the generator the
 * test suite uses) and puts each through the check `traplab equiv` makes,
 * Popek and Goldberg's equivalence (equiv.h).  Graders of Labs 3–8 run it
 * on guests made at grading time, from a fresh seed; --keep leaves every
 * failing guest as an image with the `traplab equiv` line that replays it.
 * Exit status 0 when every guest is equivalent in every mode, 84 when one
 * is not, 85 when none differs but the budget ended some bare run.  This
 * file: the manual, the command line, the run; cmd_fuzz_report.c: what is
 * printed and kept.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli_options.h"
#include "cmd_fuzz_internal.h"
#include "commands.h"
#include "equiv.h"
#include "fuzzgen.h"
#include "report.h"

void
cmd_fuzz_usage(FILE *out)
{
	fprintf(out,
		"NAME\n"
		"    traplab fuzz - differential fuzzing: generated guests, checked for equivalence\n"
		"\n"
		"SYNOPSIS\n"
		"    traplab fuzz [--isa=strict|legacy|hybrid] [--modes=trap,hybrid,bt|all]\n"
		"                 [--seed=S] [--count=N] [--hostile] [--keep=DIR]\n"
		"                 [--format=text|json] [-q]\n"
		"\n"
		"DESCRIPTION\n"
		"    Generates N PG32 guests from the seeds S, S+1, ..., S+N-1 and checks each\n"
		"    as `traplab equiv` does: it runs the guest on the bare machine and under\n"
		"    each monitor mode and compares everything the guest can observe; when a\n"
		"    mode differs, it names the first guest instruction after which it does.\n"
		"    The generator is the one the test suite's differential fuzzer uses\n"
		"    (monitor/tools/fuzzgen.c): the same seed makes the same guest, on every\n"
		"    machine. A guest is a random kernel and user program that runs every\n"
		"    opcode in both modes, with paging or relocation, timer interrupts,\n"
		"    self-modifying code and a trap handler that powers off after a few\n"
		"    hundred traps; or, with --hostile, random words and instructions run in\n"
		"    supervisor mode. Each runs in %u KiB of memory (hostile ones sometimes\n"
		"    %u KiB), with a budget of %" PRIu64 " guest instructions (hostile: %" PRIu64 ")\n"
		"    for the bare run and every mode's.\n"
		"\n"
		"    One line per guest: its seed, its verdict, the instructions bare ran and\n"
		"    what the generator drew (paging, timer, ...); for a guest that is not\n"
		"    equivalent, the first divergence, why, and the command that replays it.\n"
		"    Then a summary line. On strict every mode is equivalent on every valid\n"
		"    guest; on legacy the kernels' rdpsw, wrpsw and srr make trap differ.\n"
		"    A guest the budget stopped on bare (hostile ones often) is compared at\n"
		"    that instruction and is inconclusive, not equivalent. While it runs, a\n"
		"    progress line is shown on standard error when that is a terminal.\n"
		"\n"
		"OPTIONS\n"
		"    --isa=VARIANT   strict (default), legacy or hybrid\n"
		"    --modes=LIST    comma-separated monitor modes to check: trap, hybrid, bt,\n"
		"                    or all of them (the default); not pv: the guests are not\n"
		"                    paravirtual\n"
		"    --seed=S        the first seed, 0 to %u (default: a fresh one from\n"
		"                    /dev/urandom, printed)\n"
		"    --count=N       how many guests, 1 to %u (default %u)\n"
		"    --hostile       supervisor-mode garbage instead of valid guests\n"
		"    --keep=DIR      for each guest that is not equivalent, write DIR/seed-S.img\n"
		"                    (hostile: DIR/hostile-S.img; a PG32 image, isa/SPEC.md\n"
		"                    section 11.2), its symbols (.sym) and its disassembly (.s,\n"
		"                    which re-assembles to the image); DIR is made if missing\n"
		"    --format=FORMAT text (default) or json (fields in monitor/REPORTS.md)\n"
		"    -q, --quiet     text: list only the guests that are NOT equivalent (not\n"
		"                    the inconclusive ones), and the summary; no progress line\n"
		"    -h, --help      show this manual\n"
		"\n"
		"EXIT STATUS\n",
		FUZZGEN_MEMORY / 1024, FUZZGEN_HOSTILE_SMALL_MEMORY / 1024, FUZZGEN_GUEST_BUDGET,
		FUZZGEN_HOSTILE_BUDGET, UINT_MAX, FUZZ_MAX_COUNT, FUZZ_DEFAULT_COUNT);
	cli_print_exit_statuses(out, EXIT_BIT(OK) | EXIT_BIT(USAGE) | EXIT_BIT(SOFTWARE) |
				EXIT_BIT(CANTCREAT) | EXIT_BIT(NOT_EQUIVALENT) |
				EXIT_BIT(INCONCLUSIVE));
	fprintf(out,
		"\n"
		"EXAMPLES\n"
		"    traplab fuzz --count=50\n"
		"    traplab fuzz --isa=strict --modes=trap --seed=1 --count=200 -q\n"
		"    traplab fuzz --isa=legacy --modes=trap --seed=1 --count=3 --keep=failed\n"
		"    traplab equiv --isa=legacy --modes=trap --memory=64 \\\n"
		"                  --max-instructions=400000 failed/seed-1.img\n"
		"    traplab fuzz --hostile --count=100 --format=json\n");
}

/* ===== the command line ========================================================== */

static bool
fuzz_parse_modes(const char *arg, bool modes[MODE_COUNT])
{
	char list[128];
	snprintf(list, sizeof list, "%s", arg);
	memset(modes, 0, MODE_COUNT * sizeof modes[0]);
	bool any = false;
	for (char *save = NULL, *tok = strtok_r(list, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (strcmp(tok, "all") == 0) {
			modes[MODE_TRAP] = modes[MODE_HYBRID] = modes[MODE_BT] = any = true;
			continue;
		}
		int m = vm_mode_by_name(tok);
		const char *why = m < 0 ? "no such mode"
				: m == MODE_BARE ? "bare is the reference, not a mode to check"
				: m == MODE_PV ? "the generated guests are not paravirtual (their "
						 "hcall must trap to their own handler, as on bare)"
				: NULL;
		if (why) {
			fprintf(stderr, "traplab fuzz: --modes=%s: '%s': %s; choose from trap, "
				"hybrid, bt, all\n", arg, tok, why);
			return false;
		}
		modes[m] = any = true;
	}
	if (!any)
		fprintf(stderr, "traplab fuzz: --modes=%s: no mode given; choose from trap, "
			"hybrid, bt, all\n", arg);
	return any;
}

static bool
fuzz_parse_seed(const char *arg, unsigned *seed)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(arg, &end, 0);
	if (arg[0] == '-' || arg[0] == '\0' || *end || errno || v > UINT_MAX) {
		fprintf(stderr, "traplab fuzz: --seed=%s: expected a number from 0 to %u\n", arg,
			UINT_MAX);
		return false;
	}
	*seed = (unsigned)v;
	return true;
}

/* Returns -1 for a bad command line, 1 for --help, 0 to run. */
static int
fuzz_parse_options(int argc, char **argv, struct fuzz_options *o)
{
	enum { OPT_ISA = 256, OPT_MODES, OPT_SEED, OPT_COUNT, OPT_HOSTILE, OPT_KEEP, OPT_FORMAT };
	static const struct option longopts[] = {
		{ "isa", required_argument, NULL, OPT_ISA },
		{ "modes", required_argument, NULL, OPT_MODES },
		{ "seed", required_argument, NULL, OPT_SEED },
		{ "count", required_argument, NULL, OPT_COUNT },
		{ "hostile", no_argument, NULL, OPT_HOSTILE },
		{ "keep", required_argument, NULL, OPT_KEEP },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	memset(o, 0, sizeof *o);
	o->variant = ISA_STRICT;
	o->count = FUZZ_DEFAULT_COUNT;
	o->modes[MODE_TRAP] = o->modes[MODE_HYBRID] = o->modes[MODE_BT] = true;
	optind = 0;  /* 0, not 1: glibc then forgets any earlier getopt run */
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, "+:qh", longopts, NULL)) != -1) {
		bool ok = true;
		switch (c) {
		case OPT_ISA:     ok = cli_parse_variant("fuzz", optarg, &o->variant); break;
		case OPT_MODES:   ok = fuzz_parse_modes(optarg, o->modes); break;
		case OPT_SEED:    ok = o->seed_given = fuzz_parse_seed(optarg, &o->seed); break;
		case OPT_COUNT:
			ok = cli_parse_count("fuzz", "count", optarg, 1, FUZZ_MAX_COUNT, &o->count);
			break;
		case OPT_HOSTILE: o->hostile = true; break;
		case OPT_KEEP:
			o->keep = optarg;
			if (!*optarg) {
				fprintf(stderr, "traplab fuzz: --keep=: name a directory\n");
				ok = false;
			}
			break;
		case OPT_FORMAT:
			ok = cli_parse_format("fuzz", optarg, 1u << FORMAT_TEXT | 1u << FORMAT_JSON,
					      &o->format);
			break;
		case 'q':         o->quiet = true; break;
		case 'h':
			cmd_fuzz_usage(stdout);
			return 1;
		default:
			cli_report_bad_option("fuzz", c, argv);
			return -1;
		}
		if (!ok)
			return -1;
	}
	if (optind < argc) {
		fprintf(stderr, "traplab fuzz: '%s': fuzz takes no operand, it makes its guests "
			"(see 'traplab fuzz --help')\n", argv[optind]);
		return -1;
	}
	if (o->seed_given && o->count - 1 > UINT_MAX - o->seed) {
		fprintf(stderr, "traplab fuzz: --seed=%u --count=%u: the seeds would pass %u\n",
			o->seed, o->count, UINT_MAX);
		return -1;
	}
	return 0;
}

/* A seed nobody chose: from /dev/urandom, else from the clock and pid. */
static unsigned
fuzz_fresh_seed(void)
{
	unsigned seed = 0;
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	if (fd < 0 || read(fd, &seed, sizeof seed) != (ssize_t)sizeof seed)
		seed = (unsigned)time(NULL) ^ ((unsigned)getpid() << 16);
	if (fd >= 0)
		close(fd);
	return seed;
}

/* ===== checking one guest ======================================================== */

static void
fuzz_outcome_free(struct fuzz_outcome *r)
{
	equiv_run_free(&r->bare);
	for (int m = 0; m < MODE_COUNT; m++)
		equiv_run_free(&r->results[m].run);
}

/* The bare run, then each mode: what `traplab equiv --max-instructions=B
 * --memory=M [--place=identity]` checks.  0, or -1 with a message. */
static int
fuzz_check(const struct fuzz_options *o, const struct fuzzgen_image *img,
	   struct fuzz_outcome *r, char *err, size_t errlen)
{
	memset(r, 0, sizeof *r);
	struct equiv_config cfg = { .image = (const uint8_t *)img->words, .image_size = img->size,
				    .variant = o->variant, .guest_memory = img->memory,
				    .placement = img->placement, .budget = img->budget };
	if (equiv_run_bare(&cfg, &r->bare, err, errlen) < 0)
		return -1;
	r->equivalent = true;
	for (int m = 0; m < MODE_COUNT; m++) {
		if (!o->modes[m])
			continue;
		if (equiv_check(&cfg, (enum vm_mode)m, &r->results[m], err, errlen) < 0)
			return -1;
		r->equivalent &= r->results[m].equivalent;
		r->different |= !r->results[m].equivalent && !r->results[m].inconclusive;
	}
	return 0;
}

/* ===== the run =================================================================== */

/* --keep=DIR: made now, so a bad one stops the run before it starts. */
static int
fuzz_make_keep_dir(const char *dir)
{
	struct stat st;
	if (strlen(dir) > FUZZ_PATH_MAX - FUZZ_NAME_ROOM) {
		fprintf(stderr, "traplab fuzz: --keep=%.40s...: the name is too long\n", dir);
		return EXIT_CANTCREAT;
	}
	if (mkdir(dir, 0777) == 0 || (errno == EEXIST && stat(dir, &st) == 0 && S_ISDIR(st.st_mode)))
		return 0;
	fprintf(stderr, "traplab fuzz: --keep=%s: %s\n", dir,
		errno == EEXIST ? "exists and is not a directory" : strerror(errno));
	return EXIT_CANTCREAT;
}

/* One guest: make, check, keep, report.  0, or an exit status. */
static int
fuzz_one(const struct fuzz_options *o, unsigned seed, struct fuzzgen_image *img,
	 struct fuzz_tally *t, struct json *j)
{
	char err[FUZZ_ERR_MAX];
	struct fuzz_outcome *r = malloc(sizeof *r);
	if (!r) {
		fprintf(stderr, "traplab fuzz: out of memory\n");
		return EXIT_SOFTWARE;
	}
	(o->hostile ? fuzzgen_hostile : fuzzgen_guest)(seed, img);
	int status = 0;
	if (fuzz_check(o, img, r, err, sizeof err) < 0) {
		fuzz_clear_progress();
		fprintf(stderr, "traplab fuzz: seed %u: %s\n", seed, err);
		status = EXIT_SOFTWARE;
		goto out;
	}
	if (r->different) {
		fuzz_replay_line(o, img, r, NULL);
		if (o->keep && (status = fuzz_keep(o, img, r)) != 0)
			goto out;
	}
	t->equivalent += r->equivalent;
	t->different += r->different;
	t->inconclusive += !r->equivalent && !r->different;
	if (o->format == FORMAT_JSON)
		fuzz_print_json(j, o, img, r);
	else
		fuzz_print_text(o, img, r);
	fflush(stdout);
out:
	fuzz_outcome_free(r);
	free(r);
	return status;
}

int
cmd_fuzz(int argc, char **argv)
{
	struct fuzz_options o;
	int rc = fuzz_parse_options(argc, argv, &o);
	if (rc != 0)
		return rc > 0 ? EXIT_OK : EXIT_USAGE;
	if (!o.seed_given) {
		o.seed = fuzz_fresh_seed();
		if (o.count - 1 > UINT_MAX - o.seed)
			o.seed = UINT_MAX - (o.count - 1);
	}
	if (o.keep && (rc = fuzz_make_keep_dir(o.keep)) != 0)
		return rc;
	struct fuzzgen_image *img = malloc(sizeof *img);
	if (!img) {
		fprintf(stderr, "traplab fuzz: out of memory\n");
		return EXIT_SOFTWARE;
	}
	struct json j;
	json_init(&j, stdout);
	struct fuzz_tally t = { 0 };
	fuzz_print_head(&o, &j);
	for (unsigned i = 0; i < o.count && rc == 0; i++) {
		fuzz_progress(&o, i, o.seed + i);
		rc = fuzz_one(&o, o.seed + i, img, &t, &j);
	}
	fuzz_progress(&o, o.count, 0);
	free(img);
	if (rc != 0)
		return rc;
	fuzz_print_summary(&o, &t, &j);
	return t.different ? EXIT_NOT_EQUIVALENT : t.inconclusive ? EXIT_INCONCLUSIVE : EXIT_OK;
}
