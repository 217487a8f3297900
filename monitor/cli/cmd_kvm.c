/* cmd_kvm.c — `traplab kvm`: run a real x86 guest on /dev/kvm (Lab 10,
 * hardware assist): a flat binary in real, protected or long mode, or Linux.
 * The guest's COM1 goes to stdout; traplab's own messages go to stderr.
 * kvm-backend/kvm.h does the work; this file is options and reporting.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend_common.h"
#include "cli_options.h"
#include "cmd_kvm_check.h"
#include "cmd_kvm_internal.h"
#include "commands.h"
#include "guest_file.h"
#include "gdbstub.h"
#include "kvm.h"
#include "kvm_keyboard.h"
#include "kvm_time_limit.h"
#include "svm_host.h"

struct kvm_options {
	unsigned memory_mib;
	bool linux_boot;
	bool multiboot;             /* --kernel without --linux: a Multiboot kernel */
	bool no_kernel_cache;       /* --no-kernel-cache */
	const char *kernel, *initrd, *append, *check_kernel;
	enum kvm_cpu_mode mode;
	uint64_t load_address;
	bool stats;
	const char *input;          /* --input=TEXT; "-" = standard input */
	bool svm_host;              /* --svm-host: the same command in the SVM host */
	unsigned gdb_port;          /* --gdb=PORT: a GDB remote stub first (0: none) */
	double timeout;             /* --timeout=SECONDS (0: none) */
	const char *path;
};

static bool
kvm_parse_u64(const char *opt, const char *arg, uint64_t *out)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(arg, &end, 0);
	if (errno || end == arg || *end || arg[0] == '-') {
		fprintf(stderr, "traplab kvm: --%s=%s: expected a number (0x... for hex)\n", opt, arg);
		return false;
	}
	*out = v;
	return true;
}

static bool
kvm_parse_memory(const char *arg, unsigned *mib)
{
	uint64_t v;
	if (!kvm_parse_u64("memory", arg, &v))
		return false;
	if (v == 0 || v > 3072) {
		fprintf(stderr, "traplab kvm: --memory=%s: expected 1 to 3072 MiB\n", arg);
		return false;
	}
	*mib = (unsigned)v;
	return true;
}

static bool
kvm_parse_mode(const char *arg, enum kvm_cpu_mode *mode)
{
	if (strcmp(arg, "real") == 0) {
		*mode = KVM_MODE_REAL;
	} else if (strcmp(arg, "protected") == 0) {
		*mode = KVM_MODE_PROTECTED;
	} else if (strcmp(arg, "long") == 0) {
		*mode = KVM_MODE_LONG;
	} else {
		fprintf(stderr, "traplab kvm: --mode=%s: expected real, protected or long\n", arg);
		return false;
	}
	return true;
}

/* After the options: the flat guest's path (--linux and --check-kernel take
 * none) and the default memory.  0, or -1 with the message printed. */
static int
kvm_take_operands(int argc, char **argv, struct kvm_options *o)
{
	o->multiboot = o->kernel && !o->linux_boot;
	if (o->linux_boot || o->multiboot) {        /* --check-kernel too */
		if (optind != argc) {
			fprintf(stderr, "traplab kvm: --linux, --kernel and --check-kernel take no "
				"GUEST (use --kernel=FILE or --check-kernel=FILE)\n");
			return -1;
		}
	} else if (optind != argc - 1) {
		fprintf(stderr, "traplab kvm: %s (see 'traplab kvm --help')\n",
			optind == argc ? "which guest? give a flat binary" : "give exactly one guest");
		return -1;
	} else {
		o->path = argv[optind];
	}
	if (!o->memory_mib)
		o->memory_mib = o->linux_boot ? KVM_DEFAULT_LINUX_MEMORY_MIB :
				o->multiboot ? KVM_DEFAULT_MULTIBOOT_MEMORY_MIB : KVM_DEFAULT_MEMORY_MIB;
	return 0;
}

/* Returns -1 for a bad command line (message printed), 1 for --help, 0 to run. */
static int
kvm_parse_options(int argc, char **argv, struct kvm_options *o)
{
	enum { OPT_MEMORY = 256, OPT_LINUX, OPT_KERNEL, OPT_INITRD, OPT_APPEND, OPT_MODE,
	       OPT_LOAD, OPT_STATS, OPT_INPUT, OPT_GDB, OPT_NO_KERNEL_CACHE, OPT_TIMEOUT,
	       OPT_CHECK_KERNEL };
	static const struct option longopts[] = {
		{ "memory", required_argument, NULL, OPT_MEMORY },
		{ "linux", no_argument, NULL, OPT_LINUX },
		{ "kernel", required_argument, NULL, OPT_KERNEL },
		{ "initrd", required_argument, NULL, OPT_INITRD },
		{ "append", required_argument, NULL, OPT_APPEND },
		{ "no-kernel-cache", no_argument, NULL, OPT_NO_KERNEL_CACHE },
		{ "check-kernel", required_argument, NULL, OPT_CHECK_KERNEL },
		{ "mode", required_argument, NULL, OPT_MODE },
		{ "load-address", required_argument, NULL, OPT_LOAD },
		{ "stats", no_argument, NULL, OPT_STATS },
		{ "input", required_argument, NULL, OPT_INPUT },
		{ "gdb", required_argument, NULL, OPT_GDB },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "svm-host", no_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	*o = (struct kvm_options){ .load_address = KVM_DEFAULT_LOAD };
	uint64_t v;
	optind = 1;
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_MEMORY:
			if (!kvm_parse_memory(optarg, &o->memory_mib))
				return -1;
			break;
		case OPT_LINUX: o->linux_boot = true; break;
		case OPT_KERNEL: o->kernel = optarg; break;
		case OPT_INITRD: o->initrd = optarg; break;
		case OPT_APPEND: o->append = optarg; break;
		case OPT_NO_KERNEL_CACHE: o->no_kernel_cache = true; break;
		case OPT_CHECK_KERNEL: o->check_kernel = optarg, o->linux_boot = true; break;
		case OPT_MODE:
			if (!kvm_parse_mode(optarg, &o->mode))
				return -1;
			break;
		case OPT_LOAD:
			if (!kvm_parse_u64("load-address", optarg, &o->load_address))
				return -1;
			break;
		case OPT_STATS: o->stats = true; break;
		case OPT_INPUT: o->input = optarg; break;
		case OPT_GDB:
			if (!kvm_parse_u64("gdb", optarg, &v))
				return -1;
			if (v == 0 || v > 65535) {
				fprintf(stderr, "traplab kvm: --gdb=%s: expected a TCP port, 1 to 65535\n",
					optarg);
				return -1;
			}
			o->gdb_port = (unsigned)v;
			break;
		case OPT_TIMEOUT:
			if (!kvm_time_limit_parse(optarg, &o->timeout))
				return -1;
			break;
		case 'S': o->svm_host = true; break;
		case 'h':
			cmd_kvm_usage(stdout);
			return 1;
		default:
			fprintf(stderr, "traplab kvm: unknown option '%s' (see 'traplab kvm --help')\n",
				argv[optind - 1]);
			return -1;
		}
	}
	return kvm_take_operands(argc, argv, o);
}

/* ---- the console ------------------------------------------------------------------- */

static void
kvm_console_sink(void *ctx, uint8_t byte)
{
	(void)ctx;
	fputc(byte, stdout);
	if (byte == '\n' || isatty(STDOUT_FILENO))
		fflush(stdout);
}

static struct kvm_guest *kvm_sigint_guest;

static void
kvm_sigint(int sig)
{
	(void)sig;
	if (kvm_sigint_guest)
		kvm_guest_interrupt(kvm_sigint_guest);
}

/* ---- reporting ----------------------------------------------------------------------- */

static void
kvm_print_stats(struct kvm_guest *g)
{
	struct kvm_exit_counts c;
	kvm_guest_exit_counts(g, &c);
	fprintf(stderr, "exits that reached traplab, by reason:\n");
	for (unsigned r = 0; r < KVM_EXIT_REASONS; r++) {
		char unknown[KVM_EXIT_NAME_MAX];
		if (c.by_reason[r])
			fprintf(stderr, "    %-16s %10" PRIu64 "\n",
				kvm_exit_reason_name(r, unknown, sizeof unknown), c.by_reason[r]);
	}
	fprintf(stderr, "I/O exits by port:\n");
	for (unsigned i = 0; i < KVM_PORT_CLASSES; i++)
		fprintf(stderr, "    %-16s %10" PRIu64 "\n", kvm_port_class_name(i),
			c.io_by_port_class[i]);
	static char names[KVM_STATS_MAX][48];
	uint64_t values[KVM_STATS_MAX];
	size_t n = kvm_guest_kernel_stats(g, names, values, KVM_STATS_MAX);
	fprintf(stderr, "KVM's per-vCPU counters (KVM_GET_STATS_FD; zeros left out):\n");
	for (size_t i = 0; i < n; i++)
		if (values[i])
			fprintf(stderr, "    %-28s %14" PRIu64 "\n", names[i], values[i]);
}

static int
kvm_report_stop(const struct kvm_stop *stop, bool timed_out)
{
	switch (stop->kind) {
	case KVM_STOP_POWER_OFF:
		fprintf(stderr, "traplab kvm: %s\n", stop->message);
		return EXIT_OK;
	case KVM_STOP_RESET:
		fprintf(stderr, "traplab kvm: %s\n", stop->message);
		return EXIT_RESET;
	case KVM_STOP_INTERRUPTED:
		if (timed_out) {
			fprintf(stderr, "traplab kvm: stopped by --timeout at rip=0x%" PRIx64 "\n",
				stop->rip);
			return EXIT_TIMED_OUT;
		}
		fprintf(stderr, "traplab kvm: stopped at rip=0x%" PRIx64 "\n", stop->rip);
		return EXIT_INTERRUPTED;
	case KVM_STOP_EMULATION:
	case KVM_STOP_FAIL_ENTRY:
		fprintf(stderr, "traplab kvm: the guest stopped at rip=0x%" PRIx64 ": %s\n", stop->rip,
			stop->message);
		return EXIT_KVM_REFUSED;
	case KVM_STOP_DEBUG_EXIT:
		/* silent, as QEMU: kvm-unit-tests' runner counts any standard
		 * error beside status 1 as a failure (scripts/vmm.bash) */
		return (int)kvm_debug_exit_status(stop->exit_code);
	case KVM_STOP_DEBUG:
	case KVM_STOP_EXIT_LIMIT:
	case KVM_STOP_ERROR:
		break;
	}
	fprintf(stderr, "traplab kvm: %s\n", stop->message);
	return EXIT_SOFTWARE;
}

/* Before KVM is asked for anything: can the input files be read?  The flat
 * guest is read into *image here.  0, or the exit status that says why not
 * (message printed). */
static int
kvm_read_inputs(const struct kvm_options *o, const char **initrd, uint8_t **image,
		size_t *size)
{
	*initrd = NULL;
	*image = NULL;
	if (o->linux_boot) {
		*initrd = o->initrd;
		if (!*initrd && access(KVM_DEFAULT_INITRD, R_OK) == 0)
			*initrd = KVM_DEFAULT_INITRD;
		int status = guest_file_probe("kvm", o->kernel ? o->kernel : KVM_DEFAULT_KERNEL);
		if (status == 0 && *initrd)
			status = guest_file_probe("kvm", *initrd);
		return status;
	}
	if (o->multiboot) {         /* cmd_kvm_load_multiboot reads them */
		*initrd = o->initrd;
		int status = guest_file_probe("kvm", o->kernel);
		return status == 0 && o->initrd ? guest_file_probe("kvm", o->initrd) : status;
	}
	int status = guest_file_probe("kvm", o->path);
	if (status != 0)
		return status;
	char read_err[PATH_MAX + 64];      /* the message names the whole path */
	int got = backend_read_file(o->path, image, size, read_err, sizeof read_err);
	if (got < 0) {
		/* it could be read (probed above): empty, or no memory for it */
		fprintf(stderr, "traplab kvm: %s\n", read_err);
		return got == BACKEND_READ_NO_MEMORY ? EXIT_SOFTWARE : EXIT_DATAERR;
	}
	return 0;
}

/* 0, or EXIT_DATAERR: the guest is not a kernel image, or does not fit. */
static int
kvm_load(struct kvm_guest *g, const struct kvm_options *o, const char *initrd,
	 const uint8_t *image, size_t size)
{
	char err[320];
	if (o->linux_boot) {
		struct kvm_linux_config lc = {
			.kernel = o->kernel ? o->kernel : KVM_DEFAULT_KERNEL,
			.initrd = initrd,
			.cmdline = o->append ? o->append : KVM_DEFAULT_APPEND,
			.no_kernel_cache = o->no_kernel_cache,
		};
		if (kvm_guest_load_linux(g, &lc, err, sizeof err) < 0) {
			fprintf(stderr, "traplab kvm: %s: %s\n", lc.kernel, err);
			return EXIT_DATAERR;
		}
		return 0;
	}
	if (o->multiboot)
		return cmd_kvm_load_multiboot(g, o->kernel, initrd, o->append);
	if (kvm_guest_load_flat(g, image, size, o->load_address, o->load_address, o->mode,
				err, sizeof err) < 0) {
		fprintf(stderr, "traplab kvm: %s: %s\n", o->path, err);
		return EXIT_DATAERR;
	}
	return 0;
}

/* --gdb=PORT: GDB drives the guest first; after `detach` (or GDB's going
 * away) it runs on as without --gdb.  `kill` stops it as Ctrl-C does. */
static void
kvm_run_with_gdb(struct kvm_guest *g, unsigned port, struct kvm_stop *stop)
{
	char err[256];
	int fd = gdbstub_listen((uint16_t)port, err, sizeof err);
	if (fd >= 0) {
		fprintf(stderr, "traplab kvm: waiting for gdb on localhost:%u \u2014 target remote :%u\n",
			port, port);
		switch (gdbstub_serve(g, fd, stop, err, sizeof err)) {
		case GDBSTUB_DETACHED:
			fprintf(stderr, "traplab kvm: gdb detached; the guest runs on\n");
			kvm_guest_run(g, 0, stop);
			return;
		case GDBSTUB_KILLED:
			stop->kind = KVM_STOP_INTERRUPTED;
			fprintf(stderr, "traplab kvm: killed from gdb\n");
			return;
		case GDBSTUB_GUEST_ENDED:
			return;
		case GDBSTUB_FAILED:
			break;
		}
	}
	stop->kind = KVM_STOP_ERROR;
	snprintf(stop->message, sizeof stop->message, "--gdb=%u: %s", port, err);
}

/* --svm-host: the same command in the SVM host (svm_host.h), the guest's
 * files carried in. */
static int
kvm_in_svm_host(int argc, char **argv, const struct kvm_options *o, const char *initrd,
		uint8_t *image)
{
	free(image);
	if (o->gdb_port) {          /* the stub would listen inside QEMU, out of reach */
		fprintf(stderr, "traplab kvm: --gdb and --svm-host: GDB cannot reach a stub in "
			"the SVM host; choose one\n");
		return EXIT_USAGE;
	}
	const char *files[] = { o->linux_boot ? (o->kernel ? o->kernel : KVM_DEFAULT_KERNEL) :
				o->multiboot ? o->kernel : o->path, initrd };
	return svm_host_run(argc, argv, files, initrd ? 2 : 1);
}

int
cmd_kvm(int argc, char **argv)
{
	struct kvm_options o;
	int r = kvm_parse_options(argc, argv, &o);
	if (r != 0)
		return r > 0 ? EXIT_OK : EXIT_USAGE;
	if (o.check_kernel)
		return cmd_kvm_check_kernel(o.check_kernel, o.initrd, o.append ? o.append :
					    KVM_DEFAULT_APPEND, o.memory_mib, o.no_kernel_cache);

	/* the inputs first, then the facility that runs them */
	const char *initrd;
	uint8_t *image;
	size_t size = 0;
	r = kvm_read_inputs(&o, &initrd, &image, &size);
	if (r != 0 || o.svm_host)
		return r != 0 ? r : kvm_in_svm_host(argc, argv, &o, initrd, image);
	char line[320];
	enum kvm_host_kind host = kvm_host_probe(line, sizeof line);
	if (host == KVM_HOST_NONE) {
		svm_host_suggest(line, argc, argv);
		free(image);
		return EXIT_UNAVAILABLE;
	}
	if (host == KVM_HOST_PVM)
		fprintf(stderr, "traplab kvm: %s\n", line);

	char err[320];
	struct kvm_config cfg = { .memory = (size_t)o.memory_mib << 20 };
	struct kvm_guest *g = kvm_guest_create(&cfg, err, sizeof err);
	if (!g) {
		fprintf(stderr, "traplab kvm: %s\n", err);
		free(image);
		return EXIT_SOFTWARE;
	}
	r = kvm_load(g, &o, initrd, image, size);
	free(image);
	if (r != 0) {
		kvm_guest_destroy(g);
		return r;
	}
	kvm_guest_set_console(g, kvm_console_sink, NULL);

	struct kvm_keyboard kb;
	kvm_keyboard_start(&kb, g, o.input);

	kvm_sigint_guest = g;
	struct sigaction sa = { .sa_handler = kvm_sigint }, old_sa;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_sa);

	struct kvm_stop stop;
	if (kvm_time_limit_start(g, o.timeout) < 0)
		fprintf(stderr, "traplab kvm: --timeout: no timer (%s); running without one\n",
			strerror(errno));
	if (o.gdb_port)
		kvm_run_with_gdb(g, o.gdb_port, &stop);
	else
		kvm_guest_run(g, 0, &stop);
	bool timed_out = kvm_time_limit_stop();

	sigaction(SIGINT, &old_sa, NULL);
	kvm_sigint_guest = NULL;
	kvm_keyboard_stop(&kb);
	fflush(stdout);
	int status = kvm_report_stop(&stop, timed_out);
	if (o.stats)
		kvm_print_stats(g);
	kvm_guest_destroy(g);
	return status;
}
