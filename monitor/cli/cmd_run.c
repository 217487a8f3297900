/* cmd_run.c — `traplab run`: run a PG32 guest on the bare machine (the
 * reference run every monitor mode is compared against, Lab 1) or under the
 * monitor in one of its modes (Labs 3–9).
 * The console goes to stdout; the exit status is the guest's power-off
 * value below 64, or one of commands.h's statuses (exit_status.def).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asm.h"
#include "cli_options.h"
#include "commands.h"
#include "disasm.h"
#include "guest_file.h"
#include "machine.h"
#include "report.h"
#include "vm.h"

struct run_options {
	enum isa_variant variant;
	enum vm_mode mode;
	enum vm_placement placement;
	uint64_t budget;
	uint32_t memory_size;
	bool trace;
	bool stats;
	bool json;
	const char *input;
	const char *path;
};

/* Every status `traplab run` can return. */
#define CMD_RUN_EXIT_BITS (EXIT_BITS_GUEST_END | EXIT_BIT(USAGE) | EXIT_BIT(DATAERR) | \
			   EXIT_BIT(NOINPUT) | EXIT_BIT(SOFTWARE))

void
cmd_run_usage(FILE *out)
{
	char modes[CLI_MODE_LIST_LEN];
	cli_mode_list(modes, sizeof modes, MODE_BARE, "|", "|");
	fprintf(out,
		"NAME\n"
		"    traplab run - run a PG32 guest on the bare machine or under the monitor\n"
		"\n"
		"SYNOPSIS\n"
		"    traplab run [--isa=strict|legacy|hybrid] [--mode=%s]\n"
		"                [--max-instructions=N] [--memory=KiB] [--place=relocated|identity]\n"
		"                [--trace] [--stats [--format=text|json]] [--input=TEXT] GUEST\n"
		"\n"
		"DESCRIPTION\n"
		"    Loads GUEST at physical address 0 and runs it in supervisor mode, either on\n"
		"    the bare machine (the reference run of isa/SPEC.md) or under the virtual\n"
		"    machine monitor in one of its modes. GUEST is either\n"
		"    assembly source (.s, assembled on the fly) or an image from `traplab asm`\n"
		"    (symbols are read from the .sym file beside it, for --trace).\n"
		"    The guest's console output goes to standard output. Messages from traplab\n"
		"    itself (why the guest stopped, the trace, the figures) go to standard error.\n"
		"\n"
		"OPTIONS\n"
		"    --isa=VARIANT         strict (default), legacy or hybrid: which instructions\n"
		"                          are privileged (isa/SPEC.md section 9)\n"
		"    --mode=MODE           bare (default): no monitor; trap: trap-and-emulate,\n"
		"                          all guest code runs in real user mode and the monitor\n"
		"                          emulates what traps (Theorem 1); hybrid: the monitor\n"
		"                          interprets the guest's supervisor code and runs its\n"
		"                          user code directly (Theorem 3); bt: the guest's\n"
		"                          supervisor code is binary-translated, sensitive\n"
		"                          instructions becoming callouts (VMware); pv: a guest\n"
		"                          changed to make hypercalls (Xen; monitor/PV.md)\n"
		"    --place=PLACE         where a monitored guest's memory sits in real memory:\n"
		"                          relocated (default: above the monitor's) or identity\n"
		"                          (at real address 0, the monitor above it)\n"
		"    --max-instructions=N  the instruction budget: stop after N retired\n"
		"                          instructions (default %" PRIu64 "); 0 means no limit\n"
		"    --memory=KiB          physical memory size in KiB, a multiple of 4 up to\n"
		"                          %u (bare), %u in the monitor's modes, which keep\n"
		"                          %u KiB for themselves (default %u)\n"
		"    --trace               print every guest instruction and every trap to stderr,\n"
		"                          as the guest sees them: the count retired before it,\n"
		"                          S or U (the mode the guest believes it is in), in a\n"
		"                          monitor mode D, I or T (run directly, interpreted,\n"
		"                          translated), address, word, disassembly; each trap\n"
		"                          or callout with what became of it (delivered,\n"
		"                          emulated, reflected, injected, callout, ...) and\n"
		"                          where the guest goes on; an instruction the monitor\n"
		"                          restarts after a trap the guest never sees (a shadow\n"
		"                          fill) shows twice, with the same count\n"
		"    --stats               print the run's figures to stderr at the end: guest\n"
		"                          instructions retired, executed directly, emulated,\n"
		"                          interpreted; traps by cause; shadow page-table work\n"
		"    --format=FORMAT       text (default) or json: the figures' format; the\n"
		"                          JSON field names are documented in monitor/REPORTS.md\n"
		"    --input=TEXT          bytes the guest can read from the console port\n"
		"    -h, --help            show this manual\n"
		"\n"
		"EXIT STATUS\n",
		modes, MACHINE_DEFAULT_BUDGET, MACHINE_MAX_MEMORY / 1024, VM_MAX_GUEST_MEMORY / 1024,
		VM_MONITOR_MEMORY / 1024, MACHINE_DEFAULT_MEMORY / 1024);
	cli_print_exit_statuses(out, CMD_RUN_EXIT_BITS);
	fprintf(out,
		"\n"
		"EXAMPLES\n"
		"    traplab run guests/pg32/hello.s\n"
		"    traplab run --stats guests/pg32/minios/minios.s\n"
		"    traplab run --trace --max-instructions=40 guests/pg32/minios/minios.s\n");
}

/* Returns -1 for a bad command line (message printed), 1 for --help, 0 to run. */
static int
run_parse_options(int argc, char **argv, struct run_options *o)
{
	enum { OPT_ISA = 256, OPT_MODE, OPT_PLACE, OPT_MAX, OPT_MEMORY, OPT_TRACE, OPT_STATS,
	       OPT_INPUT, OPT_FORMAT };
	static const struct option longopts[] = {
		{ "isa", required_argument, NULL, OPT_ISA },
		{ "mode", required_argument, NULL, OPT_MODE },
		{ "place", required_argument, NULL, OPT_PLACE },
		{ "max-instructions", required_argument, NULL, OPT_MAX },
		{ "memory", required_argument, NULL, OPT_MEMORY },
		{ "trace", no_argument, NULL, OPT_TRACE },
		{ "stats", no_argument, NULL, OPT_STATS },
		{ "input", required_argument, NULL, OPT_INPUT },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	*o = (struct run_options){ .variant = ISA_STRICT, .budget = MACHINE_DEFAULT_BUDGET,
				   .memory_size = MACHINE_DEFAULT_MEMORY };
	optind = 1;
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_ISA:
			if (!cli_parse_variant("run", optarg, &o->variant))
				return -1;
			break;
		case OPT_MODE:
			if (!cli_parse_mode("run", optarg, &o->mode))
				return -1;
			break;
		case OPT_PLACE:
			if (!cli_parse_place("run", optarg, &o->placement))
				return -1;
			break;
		case OPT_MAX:
			if (!cli_parse_budget("run", optarg, &o->budget))
				return -1;
			break;
		case OPT_MEMORY:
			if (!cli_parse_memory("run", optarg, &o->memory_size))
				return -1;
			break;
		case OPT_TRACE: o->trace = true; break;
		case OPT_STATS: o->stats = true; break;
		case OPT_INPUT: o->input = optarg; break;
		case OPT_FORMAT: {
			enum cli_format f;
			if (!cli_parse_format("run", optarg, 1u << FORMAT_TEXT | 1u << FORMAT_JSON, &f))
				return -1;
			o->json = f == FORMAT_JSON;
			break;
		}
		case 'h':
			cmd_run_usage(stdout);
			return 1;
		default:
			cli_report_bad_option("run", c, argv);
			return -1;
		}
	}
	o->path = cli_guest_operand("run", argc, argv);
	if (!o->path || !cli_check_monitor_memory("run", o->mode, o->memory_size))
		return -1;
	return 0;
}

/* ---- --trace ------------------------------------------------------------------ */

struct run_trace {
	const struct symtab *syms;
	bool monitored;                 /* a monitor mode: say what ran each instruction */
};

/* One line per guest instruction, as the guest sees it: how many retired
 * before it, the mode it believes it is in (S or U), in a monitor mode who
 * runs it (D directly, I interpreted, T translated), address, word, text. */
static void
run_trace_insn(void *ctx, const struct vm_insn *insn)
{
	static const char runner_letter[] = {
		[VM_RUN_BARE] = ' ', [VM_RUN_DIRECT] = 'D',
		[VM_RUN_INTERPRETED] = 'I', [VM_RUN_TRANSLATED] = 'T',
	};
	struct run_trace *t = ctx;
	const struct symbol *label = symtab_label_at(t->syms, insn->pc);
	if (label)
		fprintf(stderr, "%s:\n", label->name);
	char text[96];
	disasm_insn(insn->word, insn->pc, t->syms, text, sizeof text);
	if (t->monitored)
		fprintf(stderr, "%10" PRIu64 " %c %c %08x: %08x  %s\n", insn->retired,
			insn->supervisor ? 'S' : 'U', runner_letter[insn->runner], insn->pc,
			insn->word, text);
	else
		fprintf(stderr, "%10" PRIu64 " %c %08x: %08x  %s\n", insn->retired,
			insn->supervisor ? 'S' : 'U', insn->pc, insn->word, text);
}

/* One line per trap, and per callout, with what became of it: delivered by
 * the machine (bare), emulated, reflected into the guest's own trap
 * vector, injected, ... and where the guest goes on. */
static void
run_trace_event(void *ctx, const struct vm_event *e)
{
	struct run_trace *t = ctx;
	const char *name = isa_cause_name(e->trap.cause);
	struct isa_insn insn;
	bool callout = e->kind == VM_EVENT_CALLOUT && isa_decode(e->trap.insn, &insn);
	if (callout)
		fprintf(stderr, "           callout %s at pc=0x%08x", isa_op_info(insn.op)->name,
			e->trap.epc);
	else
		fprintf(stderr, "           trap %s at pc=0x%08x", name ? name : "?", e->trap.epc);
	if (isa_cause_has_address(e->trap.cause))
		fprintf(stderr, " (%s at 0x%08x)", isa_access_name(e->trap.access), e->trap.badaddr);
	const struct symbol *to = symtab_label_at(t->syms, e->handler);
	fprintf(stderr, "%s%s -> 0x%08x%s%s%s\n", callout ? "" : ": ",
		callout ? "" : vm_event_name(e->kind), e->handler, to ? " <" : "",
		to ? to->name : "", to ? ">" : "");
}

/* The console goes to stdout; remember whether its last line is complete,
 * so traplab's own message about the stop starts on a line of its own. */
static void
run_console_to_stdout(void *ctx, uint8_t byte)
{
	bool *line_open = ctx;
	putchar(byte);
	*line_open = byte != '\n';
	if (byte == '\n')
		fflush(stdout);
}

int
cmd_run(int argc, char **argv)
{
	struct run_options o;
	int rc = run_parse_options(argc, argv, &o);
	if (rc != 0)
		return rc > 0 ? EXIT_OK : EXIT_USAGE;

	uint8_t *image = NULL;
	size_t size = 0;
	struct symtab syms;
	int status = guest_file_read("run", o.path, &image, &size, &syms);
	if (status == 0)
		status = guest_file_fits("run", o.path, size, o.memory_size);
	if (status != 0) {
		free(image);
		symtab_free(&syms);
		return status;
	}

	/* the command line and the image were checked: what is left is memory */
	char err[256];
	struct vm_config cfg = { .mode = o.mode, .variant = o.variant,
				 .guest_memory = o.memory_size, .placement = o.placement };
	struct vm *vm = vm_create(&cfg, err, sizeof err);
	status = EXIT_SOFTWARE;
	if (!vm) {
		fprintf(stderr, "traplab run: %s\n", err);
		goto out;
	}
	if (vm_load_image(vm, image, size, err, sizeof err) < 0) {
		fprintf(stderr, "traplab run: %s: %s\n", o.path, err);
		goto out;
	}
	bool line_open = false;
	vm_set_console(vm, run_console_to_stdout, &line_open);
	if (o.input)
		vm_console_input(vm, o.input, strlen(o.input));
	struct run_trace trace = { .syms = &syms, .monitored = o.mode != MODE_BARE };
	if (o.trace) {
		vm_set_insn_hook(vm, run_trace_insn, &trace);
		vm_set_event_hook(vm, run_trace_event, &trace);
	}

	enum machine_stop_reason why = vm_run(vm, o.budget);
	if (line_open && cli_guest_exit_speaks(vm, why))
		putchar('\n');
	fflush(stdout);

	status = cli_guest_exit_status("run", o.path, vm, why);
	if (o.stats) {
		struct vm_stats st;
		vm_get_stats(vm, &st);
		if (o.json) {
			struct json j;
			json_init(&j, stderr);
			report_stats_json(&j, NULL, &st);
			json_finish(&j);
		} else {
			report_stats_text(stderr, vm_mode(vm), &st);
		}
	}
out:
	vm_destroy(vm);
	free(image);
	symtab_free(&syms);
	return status;
}
