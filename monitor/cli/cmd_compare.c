/* cmd_compare.c — `traplab compare`: one guest under every approach, one
 * table (compare.h; Lab 10).  bench/compare runs it over the nanobenchmarks.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_options.h"
#include "commands.h"
#include "compare.h"
#include "guest_file.h"

void
cmd_compare_usage(FILE *out)
{
	fprintf(out,
		"NAME\n"
		"    traplab compare - one guest under every approach to virtualization\n"
		"\n"
		"SYNOPSIS\n"
		"    traplab compare [--isa=strict|legacy|hybrid] [--memory=KiB]\n"
		"                    [--max-instructions=N] [--reps=N] [--reference=GUEST]\n"
		"                    [--format=text|csv|markdown|json] GUEST\n"
		"\n"
		"DESCRIPTION\n"
		"    Runs GUEST bare, under trap-and-emulate, under the hybrid monitor and under\n"
		"    binary translation - and, if the guest is paravirtual (its source defines\n"
		"    PARAVIRT = 1), under paravirtualization - and prints one row per mode:\n"
		"    guest instructions; how many ran directly, were emulated, interpreted or\n"
		"    run from the translation cache; real traps; binary-translation callouts;\n"
		"    hypercalls; guest-to-monitor transitions; the best host time of --reps\n"
		"    runs and its ratio to bare; and whether the mode is equivalent to bare\n"
		"    (Popek and Goldberg), with the reason when it is not. A row that is not\n"
		"    equivalent (\"no\", or a console that differs from the reference's) sets\n"
		"    the exit status; an inconclusive one does not.\n"
		"\n"
		"    A paravirtual guest gives up equivalence on purpose; with --reference its\n"
		"    console output is compared with the reference guest's bare run instead.\n"
		"    All runs happen in this one process, on this machine, one after another:\n"
		"    compare ratios, not absolute times, across machines.\n"
		"\n"
		"OPTIONS\n"
		"    --isa=VARIANT         strict (default), legacy or hybrid\n"
		"    --memory=KiB          guest memory (default %u, at most %u)\n"
		"    --max-instructions=N  budget of each run (default: %" PRIu64 " for the bare\n"
		"                          run, then twice what it took, plus a thousand)\n"
		"    --reps=N              timed runs per mode, the best counts (default 3)\n"
		"    --reference=GUEST     for a paravirtual guest: whose bare console output\n"
		"                          its own must equal\n"
		"    --format=FORMAT       text (default), csv, markdown or json (the JSON\n"
		"                          fields are those of monitor/REPORTS.md)\n"
		"    -h, --help            show this manual\n"
		"\n"
		"EXIT STATUS\n",
		MACHINE_DEFAULT_MEMORY / 1024, VM_MAX_GUEST_MEMORY / 1024, MACHINE_DEFAULT_BUDGET);
	cli_print_exit_statuses(out, EXIT_BIT(OK) | EXIT_BIT(USAGE) | EXIT_BIT(DATAERR) |
				EXIT_BIT(NOINPUT) | EXIT_BIT(SOFTWARE) | EXIT_BIT(NOT_EQUIVALENT));
	fprintf(out,
		"\n"
		"EXAMPLES\n"
		"    traplab compare --isa=legacy guests/pg32/minios/minios.s\n"
		"    traplab compare --isa=legacy --reference=guests/pg32/minios/minios.s \\\n"
		"        guests/pg32/minios-pv/minios-pv.s\n"
		"    traplab compare --format=markdown guests/pg32/nanobench/syscall.s\n");
}

/* What compare's command line asked for. */
struct compare_options {
	struct compare_config cfg;
	enum cli_format format;
	const char *path, *reference;
	bool budget_given;
};

enum { DEFAULT_REPS = 3, MAX_REPS = 100 };

/* Returns -1 for a bad command line (message printed), 1 for --help, 0 to go on. */
static int
compare_parse_options(int argc, char **argv, struct compare_options *o)
{
	enum { OPT_ISA = 256, OPT_MEMORY, OPT_MAX, OPT_REPS, OPT_REFERENCE, OPT_FORMAT };
	static const struct option longopts[] = {
		{ "isa", required_argument, NULL, OPT_ISA },
		{ "memory", required_argument, NULL, OPT_MEMORY },
		{ "max-instructions", required_argument, NULL, OPT_MAX },
		{ "reps", required_argument, NULL, OPT_REPS },
		{ "reference", required_argument, NULL, OPT_REFERENCE },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	*o = (struct compare_options){ .cfg = { .repetitions = DEFAULT_REPS }, .format = FORMAT_TEXT };
	struct compare_config *cfg = &o->cfg;
	cfg->run.variant = ISA_STRICT;
	cfg->run.guest_memory = MACHINE_DEFAULT_MEMORY;
	cfg->run.budget = MACHINE_DEFAULT_BUDGET;
	optind = 1;
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		bool ok = true;
		switch (c) {
		case OPT_ISA:    ok = cli_parse_variant("compare", optarg, &cfg->run.variant); break;
		case OPT_MEMORY: ok = cli_parse_memory("compare", optarg, &cfg->run.guest_memory); break;
		case OPT_MAX:
			ok = cli_parse_budget("compare", optarg, &cfg->run.budget);
			o->budget_given = true;
			break;
		case OPT_REFERENCE: o->reference = optarg; break;
		case OPT_REPS:
			ok = cli_parse_count("compare", "reps", optarg, 1, MAX_REPS, &cfg->repetitions);
			break;
		case OPT_FORMAT:
			ok = cli_parse_format("compare", optarg, 1u << FORMAT_TEXT | 1u << FORMAT_CSV |
					      1u << FORMAT_MARKDOWN | 1u << FORMAT_JSON, &o->format);
			break;
		case 'h':
			cmd_compare_usage(stdout);
			return 1;
		default:
			cli_report_bad_option("compare", c, argv);
			return -1;
		}
		if (!ok)
			return -1;
	}
	o->path = cli_guest_operand("compare", argc, argv);
	if (!o->path || !cli_check_monitor_memory("compare", MODE_TRAP, cfg->run.guest_memory))
		return -1;
	return 0;
}

/* Every mode on the loaded guest, and the table: the exit status. */
static int
compare_guest(struct compare_options *o)
{
	struct compare_config *cfg = &o->cfg;
	struct compare_result r;
	char err[256];
	if (!o->budget_given && !cfg->paravirtual) {
		struct equiv_run bare;
		if (equiv_run_bare(&cfg->run, &bare, err, sizeof err) < 0) {
			fprintf(stderr, "traplab compare: %s: %s\n", o->path, err);
			return EXIT_SOFTWARE;
		}
		cfg->run.budget = equiv_mode_budget(&bare, cfg->run.budget, false);
		equiv_run_free(&bare);
	}
	if (compare_run(cfg, &r, err, sizeof err) < 0) {
		fprintf(stderr, "traplab compare: %s: %s\n", o->path, err);
		return EXIT_SOFTWARE;
	}
	static const enum compare_format formats[] = {
		[FORMAT_TEXT] = COMPARE_TEXT, [FORMAT_JSON] = COMPARE_JSON,
		[FORMAT_CSV] = COMPARE_CSV, [FORMAT_MARKDOWN] = COMPARE_MARKDOWN,
	};
	compare_print(stdout, formats[o->format], o->path, cfg->run.variant, &r);
	int status = EXIT_OK;
	for (size_t i = 0; i < r.nrows; i++)
		if (r.rows[i].verdict == EQUIV_NO || r.rows[i].verdict == EQUIV_CONSOLE_DIFFERS)
			status = EXIT_NOT_EQUIVALENT;
	return status;
}

int
cmd_compare(int argc, char **argv)
{
	struct compare_options o;
	int rc = compare_parse_options(argc, argv, &o);
	if (rc != 0)
		return rc > 0 ? EXIT_OK : EXIT_USAGE;
	uint8_t *image = NULL, *ref_image = NULL;
	size_t size = 0, ref_size = 0;
	struct symtab syms, ref_syms;
	symtab_init(&ref_syms);
	int status = guest_file_read_fitting("compare", o.path, o.cfg.run.guest_memory, &image,
					     &size, &syms);
	if (status != 0)
		return status;
	if (o.reference)
		status = guest_file_read_fitting("compare", o.reference, o.cfg.run.guest_memory,
						 &ref_image, &ref_size, &ref_syms);
	if (status == 0) {
		/* the command line and the images were checked: what is left is memory */
		const struct symbol *pv = symtab_find(&syms, "PARAVIRT");
		o.cfg.paravirtual = pv && pv->value != 0;
		o.cfg.run.image = image;
		o.cfg.run.image_size = size;
		o.cfg.reference_image = ref_image;
		o.cfg.reference_size = ref_size;
		status = compare_guest(&o);
	}
	free(image);
	free(ref_image);
	symtab_free(&syms);
	symtab_free(&ref_syms);
	return status;
}
