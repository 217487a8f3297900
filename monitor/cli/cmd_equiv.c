/* cmd_equiv.c — `traplab equiv`: is the guest's behaviour under each monitor
 * mode the same as on bare hardware?  Popek and Goldberg's equivalence
 * property as a command (Labs 3, 6, 7; REFERENCES §2 D1–D7).  Exit status 0
 * when every mode is equivalent, EXIT_NOT_EQUIVALENT when one is not.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_options.h"
#include "commands.h"
#include "equiv.h"
#include "guest_file.h"
#include "report.h"

struct equiv_options {
	struct equiv_config cfg;
	bool budget_given;
	bool modes[MODE_COUNT];
	enum cli_format format;
	const char *path;
	const char *reference;         /* --reference: compare with this guest's bare run */
	bool explore;                  /* --explore: the monitor's divergence explorer */
	char isa_arg[32], memory_arg[32], place_arg[32];
};

void
cmd_equiv_usage(FILE *out)
{
	char modes[CLI_MODE_LIST_LEN];
	cli_mode_list(modes, sizeof modes, MODE_TRAP, ", ", ", ");
	fprintf(out,
		"NAME\n"
		"    traplab equiv - check Popek and Goldberg's equivalence property\n"
		"\n"
		"SYNOPSIS\n"
		"    traplab equiv [--isa=strict|legacy|hybrid] [--modes=trap,hybrid]\n"
		"                  [--memory=KiB] [--max-instructions=N] [--place=relocated|identity]\n"
		"                  [--reference=GUEST] [--format=text|json] GUEST\n"
		"\n"
		"DESCRIPTION\n"
		"    Runs GUEST on the bare machine and under each monitor mode, and compares\n"
		"    everything the guest can observe: its console output, its registers, PC,\n"
		"    PSW and control registers as it believes them, all of its memory, and how\n"
		"    the run ended. A VMM has the equivalence property when these are the same.\n"
		"\n"
		"    Runs are deterministic (the timer counts instructions), so when a mode is\n"
		"    not equivalent the checker finds the first guest instruction after which\n"
		"    the two runs differ, by binary search over the instruction count, and\n"
		"    names it: its number, PC and disassembly, what differed first, and the\n"
		"    Popek-Goldberg class that explains it (isa/SPEC.md section 9): on the\n"
		"    legacy variant, a sensitive instruction that is not privileged.\n"
		"\n"
		"    Only runs that ended by themselves (power-off, an unhandled trap, halted\n"
		"    forever) can be equivalent. When the budget stops the bare run, every mode\n"
		"    runs to the same guest instruction count and is compared there; if\n"
		"    nothing differs the verdict is \"inconclusive\", not equivalent.\n"
		"\n"
		"    A paravirtual guest (minios-pv) cannot run bare: its first hcall traps\n"
		"    there with nobody to serve it. Check it with --modes=pv and --reference\n"
		"    naming the unmodified guest: then the console output and the way the run\n"
		"    ended are compared with the reference's bare run. Without --reference,\n"
		"    --modes=pv on such a guest is refused as a bad command line.\n"
		"\n"
		"OPTIONS\n"
		"    --isa=VARIANT         strict (default), legacy or hybrid\n"
		"    --modes=LIST          comma-separated monitor modes to check\n"
		"                          (%s; default trap,hybrid,bt;\n"
		"                          pv is for guests built to use hypercalls, such as\n"
		"                          minios-pv)\n"
		"    --memory=KiB          guest memory (default %u, at most %u)\n"
		"    --max-instructions=N  budget of each run, in guest instructions (default:\n"
		"                          %" PRIu64 " for the bare run, then, if it finished,\n"
		"                          twice what it took plus a thousand for the others\n"
		"                          (an equivalent mode retires exactly as many; with\n"
		"                          --reference, 20 times plus a million); if it did\n"
		"                          not, the same %" PRIu64 ")\n"
		"    --reference=GUEST     compare each mode's run with GUEST's bare run, by\n"
		"                          console output and how it ended (for a paravirtual\n"
		"                          guest, whose hcalls cannot run bare)\n"
		"    --place=PLACE         relocated (default) or identity: where the guest's\n"
		"                          memory sits in real memory (REFERENCES D7)\n"
		"    --format=FORMAT       text (default) or json (fields in monitor/REPORTS.md)\n"
		"    --explore             instead of a verdict, open the monitor on the first\n"
		"                          mode of --modes (trap by default) with a bare twin,\n"
		"                          both stopped just before the first divergent\n"
		"                          instruction: step, continue and reverse-step move\n"
		"                          both, info vcpu shows them side by side, diff lists\n"
		"                          what differs (the monitor's `diverge`, MONITOR.md)\n"
		"    -h, --help            show this manual\n"
		"\n"
		"EXIT STATUS\n",
		modes, MACHINE_DEFAULT_MEMORY / 1024, VM_MAX_GUEST_MEMORY / 1024, MACHINE_DEFAULT_BUDGET,
		MACHINE_DEFAULT_BUDGET);
	cli_print_exit_statuses(out, EXIT_BIT(OK) | EXIT_BIT(USAGE) | EXIT_BIT(DATAERR) |
				EXIT_BIT(NOINPUT) | EXIT_BIT(SOFTWARE) | EXIT_BIT(NOT_EQUIVALENT) |
				EXIT_BIT(INCONCLUSIVE));
	fprintf(out,
		"\n"
		"EXAMPLES\n"
		"    traplab equiv guests/pg32/minios/minios.s\n"
		"    traplab equiv --isa=legacy guests/pg32/detect.s\n"
		"    traplab equiv --explore --isa=legacy guests/pg32/detect.s\n"
		"    traplab equiv --isa=hybrid --format=json guests/pg32/minios/minios.s\n"
		"    traplab equiv --isa=legacy --modes=pv --reference=guests/pg32/minios/minios.s \\\n"
		"                  guests/pg32/minios-pv/minios-pv.s\n");
}

static bool
equiv_parse_modes(const char *arg, bool modes[MODE_COUNT])
{
	char list[128];
	snprintf(list, sizeof list, "%s", arg);
	memset(modes, 0, MODE_COUNT * sizeof modes[0]);
	for (char *save = NULL, *tok = strtok_r(list, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		enum vm_mode m;
		if (!cli_parse_mode("equiv", tok, &m))
			return false;
		if (m == MODE_BARE) {
			fprintf(stderr, "traplab equiv: --modes: bare is the reference, "
				"not a mode to check\n");
			return false;
		}
		modes[m] = true;
	}
	return true;
}

/* Returns -1 for a bad command line, 1 for --help, 0 to run. */
static int
equiv_parse_options(int argc, char **argv, struct equiv_options *o)
{
	enum { OPT_ISA = 256, OPT_MODES, OPT_MEMORY, OPT_MAX, OPT_PLACE, OPT_FORMAT, OPT_REFERENCE,
	       OPT_EXPLORE };
	static const struct option longopts[] = {
		{ "isa", required_argument, NULL, OPT_ISA },
		{ "modes", required_argument, NULL, OPT_MODES },
		{ "memory", required_argument, NULL, OPT_MEMORY },
		{ "max-instructions", required_argument, NULL, OPT_MAX },
		{ "place", required_argument, NULL, OPT_PLACE },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "reference", required_argument, NULL, OPT_REFERENCE },
		{ "explore", no_argument, NULL, OPT_EXPLORE },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	memset(o, 0, sizeof *o);
	o->cfg.variant = ISA_STRICT;
	o->cfg.guest_memory = MACHINE_DEFAULT_MEMORY;
	o->cfg.budget = MACHINE_DEFAULT_BUDGET;
	o->modes[MODE_TRAP] = o->modes[MODE_HYBRID] = o->modes[MODE_BT] = true;
	optind = 1;
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		bool ok = true;
		switch (c) {
		case OPT_ISA:    ok = cli_parse_variant("equiv", optarg, &o->cfg.variant); break;
		case OPT_MODES:  ok = equiv_parse_modes(optarg, o->modes); break;
		case OPT_MEMORY: ok = cli_parse_memory("equiv", optarg, &o->cfg.guest_memory); break;
		case OPT_MAX:
			ok = cli_parse_budget("equiv", optarg, &o->cfg.budget);
			o->budget_given = true;
			break;
		case OPT_PLACE:  ok = cli_parse_place("equiv", optarg, &o->cfg.placement); break;
		case OPT_REFERENCE: o->reference = optarg; break;
		case OPT_EXPLORE: o->explore = true; break;
		case OPT_FORMAT:
			ok = cli_parse_format("equiv", optarg, 1u << FORMAT_TEXT | 1u << FORMAT_JSON,
					      &o->format);
			break;
		case 'h':
			cmd_equiv_usage(stdout);
			return 1;
		default:
			cli_report_bad_option("equiv", c, argv);
			return -1;
		}
		if (!ok)
			return -1;
	}
	o->path = cli_guest_operand("equiv", argc, argv);
	if (!o->path)
		return -1;
	for (int m = 0; m < MODE_COUNT; m++)
		if (o->modes[m] && !cli_check_monitor_memory("equiv", (enum vm_mode)m,
							      o->cfg.guest_memory))
			return -1;
	return 0;
}

static void
equiv_print_text(const struct equiv_options *o, const struct equiv_run *bare,
		 const struct equiv_result *results)
{
	const char *end = bare->stop.reason == STOP_POWER_OFF ? "powered off"
			: !equiv_run_finished(bare) ? "stopped by the budget, not finished"
			: "did not power off";
	if (o->reference)
		printf("%s on the %s variant, compared with %s on bare (%" PRIu64
		       " instructions, %s)\n", o->path, isa_variant_name(o->cfg.variant),
		       o->reference, bare->stats.guest_instructions, end);
	else
		printf("%s on the %s variant, compared with bare (%" PRIu64 " instructions, %s)\n",
		       o->path, isa_variant_name(o->cfg.variant), bare->stats.guest_instructions,
		       end);
	uint32_t hcall_pc;
	if (!o->reference && equiv_died_on_hcall(bare, &hcall_pc))
		printf("  note: on bare hardware the guest stopped at its first hcall (pc 0x%08x):\n"
		       "        it is paravirtual; check it with --modes=pv --reference=UNMODIFIED\n",
		       hcall_pc);
	for (int m = 0; m < MODE_COUNT; m++)
		if (o->modes[m])
			equiv_print_result(stdout, &results[m]);
}

static void
equiv_print_json(const struct equiv_options *o, const struct equiv_run *bare,
		 const struct equiv_result *results, bool all)
{
	struct json j;
	json_init(&j, stdout);
	json_begin_object(&j, NULL);
	json_string(&j, "guest", o->path);
	json_string(&j, "variant", isa_variant_name(o->cfg.variant));
	json_bool(&j, "equivalent", all);
	json_bool(&j, "bare_finished", equiv_run_finished(bare));
	if (o->reference)
		json_string(&j, "reference", o->reference);
	report_stats_json(&j, "bare", &bare->stats);
	json_begin_array(&j, "modes");
	for (int m = 0; m < MODE_COUNT; m++) {
		if (!o->modes[m])
			continue;
		const struct equiv_result *r = &results[m];
		json_begin_object(&j, NULL);
		json_string(&j, "mode", vm_mode_name(m));
		json_bool(&j, "equivalent", r->equivalent);
		json_string(&j, "verdict", r->equivalent ? "equivalent"
					   : r->inconclusive ? "inconclusive" : "not-equivalent");
		json_bool(&j, "by_reference", r->by_reference);
		report_stats_json(&j, "stats", &r->run.stats);
		if (r->equivalent || r->inconclusive || r->by_reference) {
			if (r->by_reference && !r->equivalent && !r->inconclusive)
				json_string(&j, "what", r->divergence.what);
			json_null(&j, "divergence");
		} else {
			const struct equiv_divergence *d = &r->divergence;
			json_begin_object(&j, "divergence");
			json_uint(&j, "instruction", d->instruction);
			json_uint(&j, "pc", d->pc);
			json_uint(&j, "word", d->word);
			json_string(&j, "disassembly", d->insn_text);
			json_begin_array(&j, "class");
			static const struct { unsigned flag; const char *name; } names[] = {
				{ CLS_PRIV, "PRIV" }, { CLS_TRAP, "TRAP" }, { CLS_CTRL, "CTRL" },
				{ CLS_CTRLU, "CTRLU" }, { CLS_MODE, "MODE" }, { CLS_LOC, "LOC" },
				{ CLS_LOCU, "LOCU" },
			};
			for (size_t i = 0; i < ARRAY_SIZE(names); i++)
				if (d->cls & names[i].flag)
					json_string(&j, NULL, names[i].name);
			json_end_array(&j);
			json_string(&j, "what", d->what);
			json_string(&j, "why", d->why);
			json_end_object(&j);
		}
		json_end_object(&j);
	}
	json_end_array(&j);
	json_end_object(&j);
	json_finish(&j);
}

/* --explore: the monitor, on the first mode asked for, in the explorer. */
static int
equiv_explore(struct equiv_options *o)
{
	int mode = MODE_TRAP;
	while (mode < MODE_COUNT && !o->modes[mode])
		mode++;
	char mode_arg[64];
	snprintf(mode_arg, sizeof mode_arg, "--mode=%s", vm_mode_name((enum vm_mode)mode));
	snprintf(o->isa_arg, sizeof o->isa_arg, "--isa=%s", isa_variant_name(o->cfg.variant));
	snprintf(o->memory_arg, sizeof o->memory_arg, "--memory=%u", o->cfg.guest_memory / 1024);
	snprintf(o->place_arg, sizeof o->place_arg, "--place=%s",
		 o->cfg.placement == PLACE_IDENTITY ? "identity" : "relocated");
	char *argv[] = { "monitor", o->isa_arg, mode_arg, o->memory_arg, o->place_arg,
			 "--diverge", (char *)o->path, NULL };
	return cmd_monitor((int)ARRAY_SIZE(argv) - 1, argv);
}

int
cmd_equiv(int argc, char **argv)
{
	struct equiv_options o;
	int rc = equiv_parse_options(argc, argv, &o);
	if (rc != 0)
		return rc > 0 ? EXIT_OK : EXIT_USAGE;
	if (o.explore)
		return equiv_explore(&o);

	uint8_t *image = NULL, *ref_image = NULL;
	size_t size = 0, ref_size = 0;
	struct symtab syms, ref_syms;
	int status = guest_file_read_fitting("equiv", o.path, o.cfg.guest_memory, &image, &size,
					     &syms);
	if (status != 0)
		return status;
	o.cfg.image = image;
	o.cfg.image_size = size;

	symtab_init(&ref_syms);
	char err[256];
	struct equiv_run bare = { 0 };
	struct equiv_result results[MODE_COUNT];
	memset(results, 0, sizeof results);
	bool all = true, any_different = false;
	if (o.reference) {
		status = guest_file_read_fitting("equiv", o.reference, o.cfg.guest_memory,
						 &ref_image, &ref_size, &ref_syms);
		if (status != 0)
			goto out;
	}
	/* the command line and the images were checked: what is left is memory */
	status = EXIT_SOFTWARE;
	/* The reference run: the guest's own bare run, or the reference's. */
	struct equiv_config bare_cfg = o.cfg;
	if (o.reference) {
		bare_cfg.image = ref_image;
		bare_cfg.image_size = ref_size;
	}
	if (equiv_run_bare(&bare_cfg, &bare, err, sizeof err) < 0) {
		fprintf(stderr, "traplab equiv: %s: %s\n", o.reference ? o.reference : o.path, err);
		goto out;
	}
	uint32_t hcall_pc;
	if (!o.reference && o.modes[MODE_PV] && equiv_died_on_hcall(&bare, &hcall_pc)) {
		fprintf(stderr, "traplab equiv: %s: on bare hardware the guest stops at its first "
			"hcall (pc 0x%08x): a paravirtual guest has no bare run to compare pv "
			"with; give --reference=UNMODIFIED, the guest it was changed from (for "
			"minios-pv: --reference=guests/pg32/minios/minios.s)\n", o.path, hcall_pc);
		status = EXIT_USAGE;
		goto out;
	}
	if (!o.budget_given)
		o.cfg.budget = equiv_mode_budget(&bare, o.cfg.budget, o.reference != NULL);
	for (int m = 0; m < MODE_COUNT; m++) {
		if (!o.modes[m])
			continue;
		int checked = o.reference
			? equiv_check_reference(&o.cfg, (enum vm_mode)m, ref_image, ref_size,
						&results[m], err, sizeof err)
			: equiv_check(&o.cfg, (enum vm_mode)m, &results[m], err, sizeof err);
		if (checked < 0) {
			fprintf(stderr, "traplab equiv: %s: %s\n", o.path, err);
			goto out;
		}
		all &= results[m].equivalent;
		any_different |= !results[m].equivalent && !results[m].inconclusive;
	}
	if (o.format == FORMAT_JSON)
		equiv_print_json(&o, &bare, results, all);
	else
		equiv_print_text(&o, &bare, results);
	status = all ? EXIT_OK : any_different ? EXIT_NOT_EQUIVALENT : EXIT_INCONCLUSIVE;
out:
	equiv_run_free(&bare);
	for (int m = 0; m < MODE_COUNT; m++)
		equiv_run_free(&results[m].run);
	free(image);
	free(ref_image);
	symtab_free(&syms);
	symtab_free(&ref_syms);
	return status;
}
