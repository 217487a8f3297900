/* cmd_monitor.c — `traplab monitor` (and plain `traplab`): the interactive
 * monitor on a guest, minios by default.  Parses the options, makes the
 * PG32 backend, applies the settings before loading, and hands over to the
 * shell: readline on a terminal, plain lines from a script or a pipe.
 * Every lab starts here; monitor/MONITOR.md is the manual.
 */
#include <getopt.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend.h"
#include "cli_options.h"
#include "commands.h"
#include "data_dir.h"
#include "guest_file.h"
#include "kvm.h"
#include "shell.h"
#include "svm_host.h"

#define DEFAULT_GUEST "guests/pg32/minios/minios.s"

enum { PATH_LEN = 4096 };

static void
monitor_usage_description(FILE *out)
{
	fprintf(out,
		"NAME\n"
		"    traplab monitor - the interactive monitor: load, run, step, inspect and\n"
		"    compare a guest, in the spirit of QEMU's monitor and GDB\n"
		"\n"
		"SYNOPSIS\n"
		"    traplab monitor [--isa=V] [--mode=M] [--place=P] [--memory=KiB]\n"
		"                    [-x SCRIPT] [--batch] [--no-guest | GUEST]\n"
		"    traplab          (the same, on minios)\n"
		"    traplab monitor --backend=kvm [--svm-host] [-x SCRIPT] [--batch] [GUEST.bin]\n"
		"\n"
		"DESCRIPTION\n"
		"    Starts a shell on GUEST (a .s file, assembled on the spot, or a .img with its\n"
		"    .sym beside it). With no GUEST it loads minios, " DEFAULT_GUEST ",\n"
		"    found next to the traplab program (../" DEFAULT_GUEST " from its\n"
		"    directory) or under the current directory; if neither exists it starts\n"
		"    empty and `load FILE` loads one.\n"
		"\n"
		"    On a terminal the shell uses readline: a prompt \"(traplab) \", history\n"
		"    (Up, Control-R), Tab completion of commands, registers, symbols, settings\n"
		"    and file names. Control-C stops a running guest and returns to the prompt;\n"
		"    at the prompt it clears the line. Control-D or `quit` leaves.\n"
		"\n"
		"    When standard input is not a terminal (a pipe, a file), or with --batch,\n"
		"    commands are read one a line with no prompt and no banner, and only each\n"
		"    command's output is printed: one result per command. '#' starts a\n"
		"    comment. Errors are one line each on standard error, \"CMD: why\", and the\n"
		"    session goes on.\n"
		"\n"
		"    With --backend=kvm the guest is a flat x86 binary run on /dev/kvm (no\n"
		"    default guest); its settings are cpu-mode, load-address and memory (MiB),\n"
		"    set in the monitor (`cpu-mode long`). Breakpoints are the 4 hardware ones.\n"
		"    MONITOR.md \"The KVM backend\" tells what each command does there.\n"
		"\n");
}

static void
monitor_usage_options(FILE *out)
{
	fprintf(out,
		"OPTIONS\n"
		"    --backend=B    what runs the guest: pg32 (default), the PG32 machine and\n"
		"                   its monitors; or kvm, real x86 through /dev/kvm (which\n"
		"                   must be usable: else traplab says why, suggests\n"
		"                   --svm-host, and exits)\n"
		"    --svm-host     with --backend=kvm: run this same session inside the SVM\n"
		"                   host, a Linux on QEMU's software AMD-V whose /dev/kvm is\n"
		"                   kvm_amd (make svm-host; starts in ~5 s). The terminal,\n"
		"                   readline and Control-C pass through; GUEST and SCRIPT are\n"
		"                   carried in (not files named later, by `load`); output and\n"
		"                   the exit status come back (guests/x86/svm-host/)\n"
		"    --isa=V        PG32 variant: strict (default), legacy or hybrid\n"
		"    --mode=M       how the guest runs: bare, trap (default), hybrid, ...\n"
		"                   (`show mode` in the monitor lists every choice)\n"
		"    --place=P      guest memory placement: relocated (default) or identity\n"
		"    --memory=KiB   guest memory in KiB (default 1024; at most %u, or %u\n"
		"                   with --mode=bare)\n"
		"    -x SCRIPT      run the commands in SCRIPT, then exit\n"
		"    --batch        read commands from standard input without readline, even\n"
		"                   on a terminal\n"
		"    --no-guest     start with nothing loaded (then: load FILE)\n"
		"    --diverge      start in the divergence explorer: run `diverge` first,\n"
		"                   stopping this run and a bare twin just before they part\n"
		"                   (what `traplab equiv --explore` does)\n"
		"    -h, --help     this manual\n"
		"\n",
		VM_MAX_GUEST_MEMORY / 1024, MACHINE_MAX_MEMORY / 1024);
}

enum { USAGE_INDENT = 4 };

void
cmd_monitor_usage(FILE *out)
{
	monitor_usage_description(out);
	monitor_usage_options(out);
	/* from the shell's own table, so this list cannot fall behind it */
	fprintf(out, "COMMANDS (type `help` in the monitor; `help CMD` for one)\n");
	shell_help_classes(out, NULL, USAGE_INDENT);
	fprintf(out,
		"    and the backend's settings (PG32: mode, isa, place, memory) and tools\n"
		"    (PG32: equiv), each a command of its own: `mode hybrid`, `equiv trap`.\n"
		"\n"
		"    ADDR, N and VALUE are expressions: 0x40, minios_syscall+8, $sp-16, (1<<4)|3.\n"
		"    monitor/MONITOR.md is the full manual, with a worked session.\n"
		"\n"
		"FILES\n"
		"    ~/.traplab_history   the command history (none when HOME is unset)\n"
		"    " DEFAULT_GUEST "   the default guest\n"
		"\n"
		"EXIT STATUS\n"
		"    An interactive session always ends with 0.\n");
	cli_print_exit_statuses(out, EXIT_BIT(OK) | EXIT_BIT(USAGE) | EXIT_BIT(DATAERR) |
				EXIT_BIT(NOINPUT) | EXIT_BIT(UNAVAILABLE) | EXIT_BIT(SOFTWARE) |
				EXIT_BIT(COMMAND_FAILED));
	fprintf(out,
		"\n"
		"EXAMPLES\n"
		"    traplab                                   # minios, trap-and-emulate\n"
		"    traplab monitor --isa=legacy guests/pg32/minios/minios.s\n"
		"    echo 'break minios_syscall\n"
		"    continue\n"
		"    info vcpu' | traplab monitor             # a script on standard input\n"
		"    traplab monitor -x lab3.cmd guests/pg32/hello.s\n"
		"    traplab monitor --backend=kvm build/guests/x86/modes.bin\n"
		"    traplab monitor --backend=kvm --svm-host build/guests/x86/modes.bin\n");
}

struct monitor_options {
	bool kvm;                      /* --backend=kvm */
	bool svm_host;                 /* --svm-host: in the SVM host (svm_host.h) */
	const char *isa, *mode, *place;
	char memory[32];               /* KiB, as the backend's `memory` setting takes it */
	enum vm_mode mode_value;       /* what --mode says (the backend's default: trap) */
	uint32_t memory_bytes;
	const char *script;
	bool batch;
	bool no_guest;                 /* --no-guest: start empty */
	bool diverge;                  /* --diverge: start exploring (traplab equiv --explore) */
	const char *guest;
};

enum { OPT_ISA = 256, OPT_MODE, OPT_PLACE, OPT_MEMORY, OPT_BATCH, OPT_NO_GUEST, OPT_BACKEND,
       OPT_SVM_HOST, OPT_DIVERGE };

/* One option (getopt's `c`, with optarg): -1 when it is bad (message
 * printed), 1 for --help, 0 to go on. */
static int
monitor_parse_option(int c, char **argv, struct monitor_options *o)
{
	enum isa_variant variant;
	enum vm_placement place;
	uint32_t bytes;
	switch (c) {
	case OPT_BACKEND:
		if (strcmp(optarg, "pg32") != 0 && strcmp(optarg, "kvm") != 0) {
			fprintf(stderr, "traplab monitor: --backend=%s: choose pg32 or kvm\n", optarg);
			return -1;
		}
		o->kvm = strcmp(optarg, "kvm") == 0;
		return 0;
	case OPT_ISA:
		o->isa = optarg;
		return cli_parse_variant("monitor", optarg, &variant) ? 0 : -1;
	case OPT_MODE:
		o->mode = optarg;
		return cli_parse_mode("monitor", optarg, &o->mode_value) ? 0 : -1;
	case OPT_PLACE:
		o->place = optarg;
		return cli_parse_place("monitor", optarg, &place) ? 0 : -1;
	case OPT_MEMORY:
		if (!cli_parse_memory("monitor", optarg, &bytes))
			return -1;
		snprintf(o->memory, sizeof o->memory, "%u", bytes / 1024);
		o->memory_bytes = bytes;
		return 0;
	case OPT_BATCH:
		o->batch = true;
		return 0;
	case OPT_NO_GUEST:
		o->no_guest = true;
		return 0;
	case OPT_SVM_HOST:
		o->svm_host = true;
		return 0;
	case OPT_DIVERGE:
		o->diverge = true;
		return 0;
	case 'x':
		o->script = optarg;
		return 0;
	case 'h':
		cmd_monitor_usage(stdout);
		return 1;
	default:
		fprintf(stderr, "traplab monitor: %s '%s' (see 'traplab monitor --help')\n",
			optopt == 'x' ? "-x needs a SCRIPT:" : "unknown option", argv[optind - 1]);
		return -1;
	}
}

/* What the options say together: one guest at most, and PG32's settings
 * only on PG32.  -1 after one message, else 0. */
static int
monitor_check_options(int argc, char **argv, struct monitor_options *o)
{
	if (argc - optind > 1) {
		fprintf(stderr, "traplab monitor: give one guest at most (see 'traplab monitor "
			"--help')\n");
		return -1;
	}
	o->guest = optind < argc ? argv[optind] : NULL;
	if (o->guest && o->no_guest) {
		fprintf(stderr, "traplab monitor: --no-guest and a GUEST? choose one\n");
		return -1;
	}
	if (o->kvm && (o->isa || o->mode || o->place || o->memory[0])) {
		fprintf(stderr, "traplab monitor: --isa, --mode, --place and --memory are PG32 "
			"settings; with --backend=kvm set cpu-mode, load-address or memory (MiB) in "
			"the monitor\n");
		return -1;
	}
	if (o->svm_host && !o->kvm) {
		fprintf(stderr, "traplab monitor: --svm-host runs the KVM backend: add "
			"--backend=kvm\n");
		return -1;
	}
	if (o->memory[0] && !cli_check_monitor_memory("monitor", o->mode_value, o->memory_bytes))
		return -1;
	return 0;
}

/* Returns -1 for a bad command line (message printed), 1 for --help, 0 to go on. */
static int
monitor_parse_options(int argc, char **argv, struct monitor_options *o)
{
	static const struct option longopts[] = {
		{ "backend", required_argument, NULL, OPT_BACKEND },
		{ "isa", required_argument, NULL, OPT_ISA },
		{ "mode", required_argument, NULL, OPT_MODE },
		{ "place", required_argument, NULL, OPT_PLACE },
		{ "memory", required_argument, NULL, OPT_MEMORY },
		{ "batch", no_argument, NULL, OPT_BATCH },
		{ "no-guest", no_argument, NULL, OPT_NO_GUEST },
		{ "svm-host", no_argument, NULL, OPT_SVM_HOST },
		{ "diverge", no_argument, NULL, OPT_DIVERGE },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	*o = (struct monitor_options){ .mode_value = MODE_TRAP };
	optind = 1;
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, "+hx:", longopts, NULL)) != -1) {
		int rc = monitor_parse_option(c, argv, o);
		if (rc != 0)
			return rc;
	}
	return monitor_check_options(argc, argv, o);
}

/* minios in the tree, or where `make install` put it (data_dir.h). */
static bool
monitor_default_guest(char *path, size_t len)
{
	return data_dir_find(DEFAULT_GUEST, path, len);
}

static int
monitor_apply(struct backend *b, const char *name, const char *value)
{
	char err[SHELL_ERR_MAX];
	if (!value || b->ops->set_option(b, name, value, err, sizeof err) == 0)
		return 0;
	fprintf(stderr, "traplab monitor: --%s=%s: %s\n", name, value, err);
	return -1;
}

int
cmd_monitor(int argc, char **argv)
{
	struct monitor_options o;
	int rc = monitor_parse_options(argc, argv, &o);
	if (rc != 0)
		return rc > 0 ? EXIT_OK : EXIT_USAGE;

	/* the inputs first, then what runs them */
	int status = 0;
	if (o.script)
		status = guest_file_probe("monitor", o.script);
	if (status == 0 && o.guest)
		status = guest_file_probe("monitor", o.guest);
	if (status != 0)
		return status;
	if (o.svm_host) {
		const char *files[] = { o.guest ? o.guest : o.script, o.script };
		size_t n = (o.guest != NULL) + (o.script != NULL);
		return svm_host_run(argc, argv, files, n);
	}
	char err[SHELL_ERR_MAX];
	if (o.kvm && kvm_host_probe(err, sizeof err) == KVM_HOST_NONE) {
		svm_host_suggest(err, argc, argv);
		return EXIT_UNAVAILABLE;
	}
	struct backend *b = o.kvm ? backend_kvm_create(err, sizeof err)
				  : backend_pg32_create(err, sizeof err);
	if (!b) {
		fprintf(stderr, "traplab monitor: %s%s\n", o.kvm ? "--backend=kvm: " : "", err);
		return EXIT_SOFTWARE;
	}
	/* settings first: each one restarts a loaded guest */
	if (monitor_apply(b, "isa", o.isa) < 0 || monitor_apply(b, "mode", o.mode) < 0 ||
	    monitor_apply(b, "place", o.place) < 0 ||
	    monitor_apply(b, "memory", o.memory[0] ? o.memory : NULL) < 0) {
		b->ops->destroy(b);
		return EXIT_USAGE;
	}
	bool interactive = !o.script && !o.batch && isatty(STDIN_FILENO);
	struct shell *sh = shell_create(b, interactive);
	if (!sh) {
		b->ops->destroy(b);
		fprintf(stderr, "traplab monitor: out of memory\n");
		return EXIT_SOFTWARE;
	}

	char guest[PATH_LEN];
	bool have_guest = true;
	if (o.guest)
		snprintf(guest, sizeof guest, "%s", o.guest);
	else if (o.no_guest || o.kvm)
		have_guest = false;        /* minios is PG32: the kvm backend starts empty */
	else
		have_guest = monitor_default_guest(guest, sizeof guest);
	if (have_guest && b->ops->load(b, guest, err, sizeof err) < 0) {
		fprintf(stderr, "traplab monitor: %s\n", err);
		if (o.guest) {          /* the guest asked for cannot be used: stop */
			shell_destroy(sh);
			return EXIT_DATAERR;    /* it was readable (probed above) */
		}
	}

	if (interactive)
		shell_banner(sh);
	if (o.diverge && have_guest) {
		char command[] = "diverge";
		shell_execute(sh, command);
	}
	if (o.script)
		shell_run_script(sh, o.script);
	else
		shell_loop(sh, stdin);
	fflush(stdout);
	bool failed = sh->failed;
	shell_destroy(sh);
	return failed && !interactive ? EXIT_COMMAND_FAILED : EXIT_OK;
}
