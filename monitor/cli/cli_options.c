/* cli_options.c — what traplab's commands share on their command lines
 * (cli_options.h).  Every lab drives traplab through these. */
#include "cli_options.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend_common.h"
#include "commands.h"
#include "machine.h"

static bool
parse_u64(const char *text, uint64_t *out)
{
	char *end;
	if (text[0] == '-' || text[0] == '\0')
		return false;
	errno = 0;
	unsigned long long v = strtoull(text, &end, 0);
	if (errno || *end != '\0')
		return false;
	*out = v;
	return true;
}

bool
cli_parse_variant(const char *cmd, const char *arg, enum isa_variant *out)
{
	int v = isa_variant_by_name(arg);
	if (v < 0) {
		fprintf(stderr, "traplab %s: --isa=%s: no such variant (choose strict, legacy "
			"or hybrid)\n", cmd, arg);
		return false;
	}
	*out = (enum isa_variant)v;
	return true;
}

void
cli_mode_list(char *buf, size_t len, enum vm_mode first, const char *sep, const char *last)
{
	const char *names[MODE_COUNT];
	size_t n = 0;
	for (int m = first; m < MODE_COUNT; m++)
		names[n++] = vm_mode_name((enum vm_mode)m);
	backend_join_names(buf, len, names, n, sep, last);
}

bool
cli_parse_mode(const char *cmd, const char *arg, enum vm_mode *out)
{
	int mode = vm_mode_by_name(arg);
	if (mode < 0) {
		char modes[CLI_MODE_LIST_LEN];
		cli_mode_list(modes, sizeof modes, MODE_BARE, ", ", " or ");
		fprintf(stderr, "traplab %s: mode '%s': no such mode (choose %s)\n", cmd, arg,
			modes);
		return false;
	}
	*out = (enum vm_mode)mode;
	return true;
}

bool
cli_parse_memory(const char *cmd, const char *arg, uint32_t *bytes)
{
	uint64_t kib;
	const uint64_t page_kib = PAGE_SIZE / 1024;
	if (!parse_u64(arg, &kib) || kib == 0 || kib % page_kib ||
	    kib > MACHINE_MAX_MEMORY / 1024) {
		fprintf(stderr, "traplab %s: --memory=%s: expected KiB, a multiple of %u up "
			"to %u\n", cmd, arg, PAGE_SIZE / 1024, MACHINE_MAX_MEMORY / 1024);
		return false;
	}
	*bytes = (uint32_t)(kib * 1024);
	return true;
}

bool
cli_check_monitor_memory(const char *cmd, enum vm_mode mode, uint32_t bytes)
{
	if (mode == MODE_BARE || bytes <= VM_MAX_GUEST_MEMORY)
		return true;
	fprintf(stderr, "traplab %s: --memory=%u: mode %s leaves the guest at most %u KiB (the "
		"monitor keeps %u KiB of the machine's %u for itself)\n", cmd, bytes / 1024,
		vm_mode_name(mode), VM_MAX_GUEST_MEMORY / 1024, VM_MONITOR_MEMORY / 1024,
		MACHINE_MAX_MEMORY / 1024);
	return false;
}

bool
cli_parse_budget(const char *cmd, const char *arg, uint64_t *budget)
{
	uint64_t n;
	if (!parse_u64(arg, &n)) {
		fprintf(stderr, "traplab %s: --max-instructions=%s: expected a non-negative "
			"number (0 = no limit)\n", cmd, arg);
		return false;
	}
	*budget = n ? n : UINT64_MAX;
	return true;
}

bool
cli_parse_place(const char *cmd, const char *arg, enum vm_placement *out)
{
	if (strcmp(arg, "relocated") == 0) {
		*out = PLACE_RELOCATED;
	} else if (strcmp(arg, "identity") == 0) {
		*out = PLACE_IDENTITY;
	} else {
		fprintf(stderr, "traplab %s: --place=%s: choose relocated or identity\n", cmd, arg);
		return false;
	}
	return true;
}

bool
cli_parse_count(const char *cmd, const char *name, const char *arg, unsigned min,
		unsigned max, unsigned *out)
{
	char *end;
	unsigned long n = strtoul(arg, &end, 10);
	if (*end != '\0' || n < min || n > max) {
		fprintf(stderr, "traplab %s: --%s=%s: expected %u to %u\n", cmd, name, arg, min, max);
		return false;
	}
	*out = (unsigned)n;
	return true;
}

bool
cli_parse_format(const char *cmd, const char *arg, unsigned allowed, enum cli_format *out)
{
	static const char *const names[] = {
		[FORMAT_TEXT] = "text", [FORMAT_JSON] = "json",
		[FORMAT_CSV] = "csv", [FORMAT_MARKDOWN] = "markdown",
	};
	for (unsigned f = 0; f < ARRAY_SIZE(names); f++)
		if ((allowed & (1u << f)) && strcmp(arg, names[f]) == 0) {
			*out = (enum cli_format)f;
			return true;
		}
	fprintf(stderr, "traplab %s: --format=%s: choose one of", cmd, arg);
	for (unsigned f = 0; f < ARRAY_SIZE(names); f++)
		if (allowed & (1u << f))
			fprintf(stderr, " %s", names[f]);
	fputc('\n', stderr);
	return false;
}

void
cli_report_bad_option(const char *cmd, int c, char **argv)
{
	if (c == ':')
		fprintf(stderr, "traplab %s: option '%s' needs an argument\n", cmd, argv[optind - 1]);
	else
		fprintf(stderr, "traplab %s: unknown option '%s' (see 'traplab %s --help')\n",
			cmd, argv[optind - 1], cmd);
}

const char *
cli_guest_operand(const char *cmd, int argc, char **argv)
{
	if (optind != argc - 1) {
		fprintf(stderr, "traplab %s: %s (see 'traplab %s --help')\n", cmd,
			optind == argc ? "which guest? give a .s or .img file" : "give exactly one guest",
			cmd);
		return NULL;
	}
	return argv[optind];
}

int
cli_guest_exit_status(const char *cmd, const char *path, const struct vm *vm,
		      enum machine_stop_reason why)
{
	if (why == STOP_POWER_OFF) {
		int value = vm_last_stop(vm)->exit_status;
		if (value <= EXIT_GUEST_VALUE_MAX)
			return value;
		fprintf(stderr, "traplab %s: %s: the guest powered off with %d; a value of %d or "
			"more exits with %d\n", cmd, path, value, EXIT_GUEST_VALUE_MAX + 1,
			EXIT_GUEST_VALUE_HIGH);
		return EXIT_GUEST_VALUE_HIGH;
	}
	char msg[512];
	vm_describe_stop(vm, msg, sizeof msg);
	fprintf(stderr, "traplab %s: %s: %s\n", cmd, path, msg);
	/* every reason listed, no default: a new one must be given a status here */
	switch (why) {
	case STOP_NONE:
	case STOP_BUDGET:
		return EXIT_BUDGET;
	case STOP_HALTED_FOREVER:
		return EXIT_HALTED;
	case STOP_POWER_OFF:        /* returned above */
	case STOP_UNHANDLED_TRAP:
	case STOP_TRAP_STORM:
	case STOP_HOOK:
	case STOP_USER_MODE:        /* not set by run or bt; listed for completeness */
		break;
	}
	return EXIT_GUEST_FAULT;
}

bool
cli_guest_exit_speaks(const struct vm *vm, enum machine_stop_reason why)
{
	return why != STOP_POWER_OFF || vm_last_stop(vm)->exit_status > EXIT_GUEST_VALUE_MAX;
}

/* The meanings of exit_status.def, wrapped to the manual pages' width. */
void
cli_print_exit_statuses(FILE *out, uint64_t statuses)
{
	static const struct {
		int value;
		const char *meaning;
	} rows[] = {
#define EXIT_STATUS(value, name, meaning) { value, meaning },
#include "exit_status.def"
#undef EXIT_STATUS
	};
	enum { INDENT = 4, LABEL = 6, WIDTH = 79 };
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		if (!(statuses & (UINT64_C(1) << i)))
			continue;
		char label[16];
		if (rows[i].value == EXIT_GUEST_VALUE)
			snprintf(label, sizeof label, "%d-%d", EXIT_GUEST_VALUE, EXIT_GUEST_VALUE_MAX);
		else
			snprintf(label, sizeof label, "%d", rows[i].value);
		int col = fprintf(out, "%*s%-*s", INDENT, "", LABEL, label);
		const char *p = rows[i].meaning;
		bool first = true;
		while (*p) {
			size_t word = strcspn(p, " ");
			if (!first && col + 1 + (int)word > WIDTH) {
				col = fprintf(out, "\n%*s", INDENT + LABEL, "") - 1;
				first = true;
			}
			col += fprintf(out, "%s%.*s", first ? "" : " ", (int)word, p);
			first = false;
			p += word;
			p += strspn(p, " ");
		}
		fputc('\n', out);
	}
}

int
cli_parse_file_options(const char *cmd, const char *what, void (*usage)(FILE *out),
		       int argc, char **argv, struct cli_file_options *o)
{
	enum { OPT_SYMBOLS = 256, OPT_NO_SYMBOLS };
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "symbols", required_argument, NULL, OPT_SYMBOLS },
		{ "no-symbols", no_argument, NULL, OPT_NO_SYMBOLS },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	*o = (struct cli_file_options){ 0 };
	optind = 0;  /* 0, not 1: glibc then forgets any earlier getopt run */
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, ":o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':            o->output = optarg; break;
		case OPT_SYMBOLS:    o->symbols = optarg; break;
		case OPT_NO_SYMBOLS: o->no_symbols = true; break;
		case 'h':
			usage(stdout);
			return 1;
		default:
			cli_report_bad_option(cmd, c, argv);
			return -1;
		}
	}
	if (o->symbols && o->no_symbols) {
		fprintf(stderr, "traplab %s: --symbols and --no-symbols contradict each other\n", cmd);
		return -1;
	}
	if (argc - optind != 1) {
		fprintf(stderr, "traplab %s: expected one %s file, found %d (see 'traplab %s --help')\n",
			cmd, what, argc - optind, cmd);
		return -1;
	}
	o->input = argv[optind];
	return 0;
}
