/* cmd_bt.c — `traplab bt`: run a guest under binary translation and show
 * what the translator did: its figures and, with --dot, the translation
 * cache as a graph (blocks, chains, callouts).  Lab 8.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_options.h"
#include "commands.h"
#include "graphviz.h"
#include "guest_file.h"
#include "report.h"
#include "vm.h"

void
cmd_bt_usage(FILE *out)
{
	fprintf(out,
		"NAME\n"
		"    traplab bt - run a guest under binary translation, and show its\n"
		"    translation cache\n"
		"\n"
		"SYNOPSIS\n"
		"    traplab bt [--isa=strict|legacy|hybrid] [--memory=KiB] [--max-instructions=N]\n"
		"               [--cache-blocks=N] [--no-chaining] [--dot=FILE] GUEST\n"
		"\n"
		"DESCRIPTION\n"
		"    Runs GUEST as `traplab run --mode=bt` does: the guest's supervisor code is\n"
		"    translated block by block into a translation cache, where innocuous\n"
		"    instructions are copied, every sensitive instruction becomes a callout\n"
		"    into the monitor, and branches, calls and adr are fixed up to the guest\n"
		"    addresses they mean; user code runs directly (monitor/vmm/bt_translate.c).\n"
		"    The guest's console goes to standard output; the translator's figures\n"
		"    (blocks, look-ups, chains, flushes, callouts by instruction) to standard\n"
		"    error.\n"
		"\n"
		"OPTIONS\n"
		"    --isa=VARIANT         strict (default), legacy or hybrid\n"
		"    --memory=KiB          guest memory (default %u, at most %u)\n"
		"    --max-instructions=N  budget (default %" PRIu64 ")\n"
		"    --cache-blocks=N      translation-cache size in blocks (default 2048);\n"
		"                          a small cache shows flushes\n"
		"    --no-chaining         never chain blocks: every exit is a look-up\n"
		"    --dot=FILE            write the translation cache as a Graphviz graph:\n"
		"                          blocks as nodes (callouts in red), chained exits as\n"
		"                          edges; FILE.png/.svg/.pdf is rendered if Graphviz\n"
		"                          is installed\n"
		"    -h, --help            show this manual\n"
		"\n"
		"EXIT STATUS\n",
		MACHINE_DEFAULT_MEMORY / 1024, VM_MAX_GUEST_MEMORY / 1024, MACHINE_DEFAULT_BUDGET);
	cli_print_exit_statuses(out, EXIT_BITS_GUEST_END | EXIT_BIT(USAGE) | EXIT_BIT(DATAERR) |
				EXIT_BIT(NOINPUT) | EXIT_BIT(SOFTWARE) | EXIT_BIT(CANTCREAT));
	fprintf(out,
		"\n"
		"EXAMPLES\n"
		"    traplab bt --isa=legacy --dot=tc.svg guests/pg32/minios/minios.s\n"
		"    traplab bt --no-chaining guests/pg32/nanobench/callret.s\n");
}

/* The largest translation cache --cache-blocks may ask for. */
enum { BT_MAX_CACHE_BLOCKS = 65536 };

struct bt_dot {
	const struct vm *vm;
	const struct symtab *syms;
};

static void
bt_dot_write(void *ctx, FILE *out)
{
	struct bt_dot *d = ctx;
	vm_write_translation_dot(d->vm, d->syms, out);
}

static void
bt_console(void *ctx, uint8_t byte)
{
	(void)ctx;
	putchar(byte);
}

/* --dot=FILE: the translation cache as a graph (rendered if FILE says so).
 * 0, or -1 after saying why not. */
static int
bt_write_dot_file(const struct vm *vm, const struct symtab *syms, const char *dot)
{
	struct bt_dot d = { vm, syms };
	char note[GRAPHVIZ_NOTE], err[256];
	if (graphviz_write(dot, bt_dot_write, &d, note, sizeof note, err, sizeof err) < 0) {
		fprintf(stderr, "traplab bt: --dot: %s\n", err);
		return -1;
	}
	fprintf(stderr, "wrote the translation cache: %s\n", note);
	return 0;
}

int
cmd_bt(int argc, char **argv)
{
	enum { OPT_ISA = 256, OPT_MEMORY, OPT_MAX, OPT_BLOCKS, OPT_NO_CHAIN, OPT_DOT };
	static const struct option longopts[] = {
		{ "isa", required_argument, NULL, OPT_ISA },
		{ "memory", required_argument, NULL, OPT_MEMORY },
		{ "max-instructions", required_argument, NULL, OPT_MAX },
		{ "cache-blocks", required_argument, NULL, OPT_BLOCKS },
		{ "no-chaining", no_argument, NULL, OPT_NO_CHAIN },
		{ "dot", required_argument, NULL, OPT_DOT },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct vm_config cfg = { .mode = MODE_BT, .variant = ISA_STRICT,
				 .guest_memory = MACHINE_DEFAULT_MEMORY };
	uint64_t budget = MACHINE_DEFAULT_BUDGET;
	const char *dot = NULL;
	optind = 1;
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		bool ok = true;
		switch (c) {
		case OPT_ISA:    ok = cli_parse_variant("bt", optarg, &cfg.variant); break;
		case OPT_MEMORY: ok = cli_parse_memory("bt", optarg, &cfg.guest_memory); break;
		case OPT_MAX:    ok = cli_parse_budget("bt", optarg, &budget); break;
		case OPT_NO_CHAIN: cfg.bt_no_chaining = true; break;
		case OPT_DOT:    dot = optarg; break;
		case OPT_BLOCKS:
			ok = cli_parse_count("bt", "cache-blocks", optarg, 1, BT_MAX_CACHE_BLOCKS,
					     &cfg.bt_cache_blocks);
			break;
		case 'h':
			cmd_bt_usage(stdout);
			return EXIT_OK;
		default:
			cli_report_bad_option("bt", c, argv);
			return EXIT_USAGE;
		}
		if (!ok)
			return EXIT_USAGE;
	}
	const char *path = cli_guest_operand("bt", argc, argv);
	if (!path || !cli_check_monitor_memory("bt", cfg.mode, cfg.guest_memory))
		return EXIT_USAGE;
	uint8_t *image = NULL;
	size_t size = 0;
	struct symtab syms;
	int status = guest_file_read_fitting("bt", path, cfg.guest_memory, &image, &size, &syms);
	if (status != 0)
		return status;
	/* the command line and the image were checked: what is left is memory */
	char err[256];
	status = EXIT_SOFTWARE;
	struct vm *vm = vm_create(&cfg, err, sizeof err);
	if (!vm || vm_load_image(vm, image, size, err, sizeof err) < 0) {
		fprintf(stderr, "traplab bt: %s: %s\n", path, err);
		goto out;
	}
	vm_set_console(vm, bt_console, NULL);
	enum machine_stop_reason why = vm_run(vm, budget);
	fflush(stdout);
	status = cli_guest_exit_status("bt", path, vm, why);
	struct vm_stats st;
	vm_get_stats(vm, &st);
	report_stats_text(stderr, MODE_BT, &st);
	if (dot && bt_write_dot_file(vm, &syms, dot) < 0)
		status = EXIT_CANTCREAT;
out:
	vm_destroy(vm);
	free(image);
	symtab_free(&syms);
	return status;
}
