/* cmd_classify.c — `traplab classify`: derive every instruction's
 * Popek–Goldberg class by running it (monitor/tools/classify.c), print the table
 * beside opcodes.def's, and give the verdicts of Theorems 1 and 3 (P&G
 * 1974; isa/SPEC.md §9; lessons/REFERENCES.md §2, D14).  Lab 2 starts here.
 * Try: traplab classify --isa=legacy --witnesses
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify.h"
#include "cli_options.h"
#include "commands.h"

enum { CLASSIFY_ERR_MAX = 256, FLAGS_TEXT_MAX = 96 };

enum classify_format { CLASSIFY_TEXT, CLASSIFY_JSON };

struct classify_options {
	bool variants[ISA_VARIANT_COUNT];   /* which to classify */
	bool all;                           /* --isa=all: JSON is an array */
	enum classify_format format;
	bool witnesses;
};

/* The classes that break each theorem when not privileged. */
#define T1_CLASSES (CLS_CTRL | CLS_MODE | CLS_LOC)   /* CTRLU/LOCU imply these */
#define T3_CLASSES CLS_USER_SENSITIVE

void
cmd_classify_usage(FILE *out)
{
	fprintf(out,
		"NAME\n"
		"    traplab classify - derive every instruction's Popek-Goldberg class by running it\n"
		"\n"
		"SYNOPSIS\n"
		"    traplab classify [--isa=strict|legacy|hybrid|all] [--format=text|json] [--witnesses]\n"
		"\n"
		"DESCRIPTION\n"
		"    Runs every PG32 instruction, one at a time, on a real PG32 machine of each\n"
		"    requested variant, from a few hundred sampled machine states and state pairs\n"
		"    (the first line of each table says how many), and reads its classes off the\n"
		"    results (Popek & Goldberg 1974, section 3; isa/SPEC.md section 9.1).\n"
		"    Nothing is read from the class columns of isa/opcodes.def: they are only\n"
		"    compared with the derived table afterwards, and a difference is marked.\n"
		"    Results that are memory traps (MEMORY, PAGE, MISALIGNED) never count, as in\n"
		"    the paper. M is the pair (PSW.S, PSW.IE); R is (rbase, rbound), or ptbr with\n"
		"    paging on.\n"
		"\n"
		"    P  privileged: for every sampled pair of states that differ only in PSW.S,\n"
		"       the user-mode run traps and the supervisor-mode run does not. A for-all\n"
		"       property: one counterexample disproves it.\n"
		"\n"
		"    T  always traps: both runs of every such pair trap, with the same cause\n"
		"       every time (sys, brk, hcall). Not a virtualization hazard.\n"
		"\n"
		"    C  control-sensitive: from some state, without trapping, it changes M\n"
		"       (S or IE), R (rbase, rbound, ptbr, mmu), the trap-vector words (tvec,\n"
		"       epc, epsw) or a device (console output or input, the timer's interval or\n"
		"       pending interrupt, power-off). Cu: it does so from a user-mode state.\n"
		"\n"
		"    M  mode-sensitive: two states that differ only in S, or only in IE, with\n"
		"       the same memory under R, give different registers, PC or memory under R\n"
		"       (the new M itself aside). A PRIVILEGED trap is not a result, so\n"
		"       privileged instructions are judged from supervisor states.\n"
		"\n"
		"    L  location-sensitive: two states in the same mode whose R differs by a\n"
		"       shift x, with the same memory under R, give different registers, PC or\n"
		"       memory under R. Lu: both states are in user mode.\n"
		"\n"
		"    Sensitive means C, Cu, M, L or Lu; user-sensitive means Cu or Lu.\n"
		"    Theorem 1 (a trap-and-emulate monitor exists) holds when every sensitive\n"
		"    instruction is privileged; Theorem 3 (a hybrid monitor exists) holds when\n"
		"    every user-sensitive instruction is. Each failing verdict names the\n"
		"    instructions that break it.\n"
		"\n"
		"    Every sensitive finding comes with a witness: the state, or the pair of\n"
		"    states, that proved it. Sampling can prove that an instruction is sensitive\n"
		"    or not privileged, never the converse: \"no witness found\" is not a proof of\n"
		"    innocuousness. The fixed edge states are always among the samples (every M,\n"
		"    three relocations and a paging state, tvec zero and not, each with its\n"
		"    S-flip, IE-flip and R-shift); the rest come from a fixed seed, so every run\n"
		"    prints the same. monitor/CLASSIFY.md describes the method and the JSON.\n"
		"\n"
		"OPTIONS\n"
		"    --isa=VARIANT       strict, legacy, hybrid, or all (default): which variants\n"
		"    --format=FORMAT     text (default): a table per variant, then the verdicts;\n"
		"                        json: one object per variant (an array for --isa=all),\n"
		"                        always with the witnesses (monitor/CLASSIFY.md)\n"
		"    --witnesses         text: under each instruction, one line per class with its\n"
		"                        witness, counterexample, or \"no witness found\"\n"
		"    -h, --help          show this manual\n"
		"\n"
		"    In the table, x = derived and declared, . = neither, + = derived but not\n"
		"    declared in opcodes.def, - = declared but not derived; a row that differs\n"
		"    ends with \"<- differs\".\n"
		"\n"
		"EXIT STATUS\n");
	cli_print_exit_statuses(out, EXIT_BIT(OK) | EXIT_BIT(USAGE) | EXIT_BIT(SOFTWARE) |
				EXIT_BIT(CLASSES_DIFFER));
	fprintf(out,
		"\n"
		"EXAMPLES\n"
		"    traplab classify --isa=strict            # Theorems 1 and 3 hold\n"
		"    traplab classify --isa=legacy --witnesses\n"
		"    traplab classify --format=json | jq '.[] | {variant, theorem1}'\n");
}

/* Returns -1 for a bad command line (message printed), 1 for --help, 0 to go on. */
static int
classify_parse_options(int argc, char **argv, struct classify_options *o)
{
	enum { OPT_ISA = 256, OPT_FORMAT, OPT_WITNESSES };
	static const struct option longopts[] = {
		{ "isa", required_argument, NULL, OPT_ISA },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "witnesses", no_argument, NULL, OPT_WITNESSES },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	*o = (struct classify_options){ .all = true, .format = CLASSIFY_TEXT };
	for (int v = 0; v < ISA_VARIANT_COUNT; v++)
		o->variants[v] = true;
	optind = 0;  /* 0, not 1: glibc then forgets any earlier getopt run */
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_ISA:
			if (strcmp(optarg, "all") == 0) {
				o->all = true;
				for (int v = 0; v < ISA_VARIANT_COUNT; v++)
					o->variants[v] = true;
				break;
			}
			int v = isa_variant_by_name(optarg);
			if (v < 0) {
				fprintf(stderr, "traplab classify: --isa=%s: not a variant "
					"(strict, legacy, hybrid or all)\n", optarg);
				return -1;
			}
			o->all = false;
			memset(o->variants, 0, sizeof o->variants);
			o->variants[v] = true;
			break;
		case OPT_FORMAT:
			if (strcmp(optarg, "text") == 0) {
				o->format = CLASSIFY_TEXT;
			} else if (strcmp(optarg, "json") == 0) {
				o->format = CLASSIFY_JSON;
			} else {
				fprintf(stderr, "traplab classify: --format=%s: not a format "
					"(text or json)\n", optarg);
				return -1;
			}
			break;
		case OPT_WITNESSES:
			o->witnesses = true;
			break;
		case 'h':
			return 1;
		default:
			cli_report_bad_option("classify", c, argv);
			return -1;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "traplab classify: unexpected argument '%s' "
			"(see 'traplab classify --help')\n", argv[optind]);
		return -1;
	}
	return 0;
}

/* ===== text ================================================================== */

/* One table cell: x both, . neither, + derived only, - declared only. */
static char
classify_cell(unsigned derived, unsigned declared, unsigned flag)
{
	bool d = derived & flag, c = declared & flag;
	return d && c ? 'x' : d ? '+' : c ? '-' : '.';
}

/* "rdpsw (mode-sensitive), srr (location-sensitive)" for one theorem. */
static void
classify_print_verdict(FILE *out, const struct classify_result *r, int theorem,
		       unsigned mask, unsigned classes, const char *inclusion)
{
	enum isa_opcode breakers[OP_COUNT];
	size_t n = classify_theorem_breakers(r, mask, breakers);
	fprintf(out, "Theorem %d (%s): %s", theorem, inclusion, n ? "fails: " : "holds");
	for (size_t i = 0; i < n; i++) {
		unsigned d = r->ops[breakers[i]].derived & classes;
		fprintf(out, "%s%s (", i ? ", " : "", isa_op_info(breakers[i])->name);
		bool first = true;
		for (unsigned fi = 0; fi < CLASSIFY_FLAG_COUNT; fi++) {
			if (!(d & classify_flags[fi].flag))
				continue;
			fprintf(out, "%s%s", first ? "" : ", ", classify_flags[fi].meaning);
			first = false;
		}
		fputc(')', out);
	}
	fputc('\n', out);
}

static void
classify_print_text(FILE *out, const struct classify_result *r, bool witnesses)
{
	unsigned agreeing = 0, instances = 0;
	for (int op = 0; op < OP_COUNT; op++)
		instances += r->ops[op].instances;
	fprintf(out, "variant %s: %d instructions, %u encodings, %zu sampled states each, "
		"%llu runs\n\n", isa_variant_name(r->variant), OP_COUNT, instances, r->samples,
		(unsigned long long)r->trials);
	fprintf(out, "%-10s", "instr");
	for (unsigned fi = 0; fi < CLASSIFY_FLAG_COUNT; fi++)
		fprintf(out, fi + 1 < CLASSIFY_FLAG_COUNT ? " %-2s" : " %s", classify_flags[fi].column);
	fputc('\n', out);
	for (int op = 0; op < OP_COUNT; op++) {
		const struct classify_op_result *o = &r->ops[op];
		fprintf(out, "%-10s", isa_op_info((enum isa_opcode)op)->name);
		for (unsigned fi = 0; fi < CLASSIFY_FLAG_COUNT; fi++)
			fprintf(out, " %c%s", classify_cell(o->derived, o->declared, classify_flags[fi].flag),
				fi + 1 < CLASSIFY_FLAG_COUNT ? " " : "");
		if (o->derived != o->declared) {
			char d[FLAGS_TEXT_MAX], c[FLAGS_TEXT_MAX];
			classify_flags_format(o->derived, "|", d, sizeof d);
			classify_flags_format(o->declared, "|", c, sizeof c);
			fprintf(out, " <- differs: derived %s, declared %s", d, c);
		} else {
			agreeing++;
		}
		fputc('\n', out);
		if (!witnesses)
			continue;
		for (unsigned fi = 0; fi < CLASSIFY_FLAG_COUNT; fi++)
			fprintf(out, "    %-2s %s\n", classify_flags[fi].column, o->witness[fi]);
	}
	fprintf(out, "\nlegend: x derived and declared, . neither, + derived only, "
		"- declared only (opcodes.def)\n");
	fprintf(out, "derived table equals opcodes.def: %s (%u of %d instructions agree)\n",
		agreeing == OP_COUNT ? "yes" : "NO", agreeing, OP_COUNT);
	classify_print_verdict(out, r, 1, CLASSIFY_THEOREM1_MASK, T1_CLASSES,
			       "sensitive \u2286 privileged");
	classify_print_verdict(out, r, 3, CLASSIFY_THEOREM3_MASK, T3_CLASSES,
			       "user-sensitive \u2286 privileged");
}

/* ===== JSON ================================================================== */

static void
json_put_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == '"' || ch == '\\')
			fprintf(out, "\\%c", ch);
		else if (ch < 0x20)
			fprintf(out, "\\u%04x", ch);
		else
			fputc(ch, out);
	}
	fputc('"', out);
}

static void
json_put_flags(FILE *out, unsigned flags)
{
	fputc('[', out);
	bool first = true;
	for (unsigned fi = 0; fi < CLASSIFY_FLAG_COUNT; fi++) {
		if (!(flags & classify_flags[fi].flag))
			continue;
		fprintf(out, "%s", first ? "" : ", ");
		json_put_string(out, classify_flags[fi].name);
		first = false;
	}
	fputc(']', out);
}

static int
classify_name_cmp(const void *a, const void *b)
{
	return strcmp(isa_op_info(*(const enum isa_opcode *)a)->name,
		      isa_op_info(*(const enum isa_opcode *)b)->name);
}

static void
json_put_theorem(FILE *out, const struct classify_result *r, const char *key, unsigned mask)
{
	enum isa_opcode breakers[OP_COUNT];
	size_t n = classify_theorem_breakers(r, mask, breakers);
	qsort(breakers, n, sizeof breakers[0], classify_name_cmp);
	fprintf(out, "  \"%s\": {\"holds\": %s, \"broken_by\": [", key, n ? "false" : "true");
	for (size_t i = 0; i < n; i++) {
		fprintf(out, "%s", i ? ", " : "");
		json_put_string(out, isa_op_info(breakers[i])->name);
	}
	fprintf(out, "]},\n");
}

static void
classify_print_json(FILE *out, const struct classify_result *r)
{
	bool equal = true;
	fprintf(out, "{\n  \"variant\": \"%s\",\n  \"samples\": %zu,\n  \"trials\": %llu,\n"
		"  \"instructions\": [\n", isa_variant_name(r->variant), r->samples,
		(unsigned long long)r->trials);
	for (int op = 0; op < OP_COUNT; op++) {
		const struct classify_op_result *o = &r->ops[op];
		const struct isa_op_info *info = isa_op_info((enum isa_opcode)op);
		equal = equal && o->derived == o->declared;
		fprintf(out, "    {\"name\": \"%s\", \"opcode\": %u, \"encodings\": %u, \"derived\": ",
			info->name, info->code, o->instances);
		json_put_flags(out, o->derived);
		fprintf(out, ", \"declared\": ");
		json_put_flags(out, o->declared);
		fprintf(out, ", \"matches\": %s,\n     \"witnesses\": {",
			o->derived == o->declared ? "true" : "false");
		for (unsigned fi = 0; fi < CLASSIFY_FLAG_COUNT; fi++) {
			fprintf(out, "%s\n       ", fi ? "," : "");
			json_put_string(out, classify_flags[fi].name);
			fprintf(out, ": ");
			json_put_string(out, o->witness[fi]);
		}
		fprintf(out, "}}%s\n", op + 1 < OP_COUNT ? "," : "");
	}
	fprintf(out, "  ],\n");
	json_put_theorem(out, r, "theorem1", CLASSIFY_THEOREM1_MASK);
	json_put_theorem(out, r, "theorem3", CLASSIFY_THEOREM3_MASK);
	fprintf(out, "  \"derived_equals_declared\": %s\n}", equal ? "true" : "false");
}

/* ===== the command ============================================================== */

int
cmd_classify(int argc, char **argv)
{
	struct classify_options o;
	int rc = classify_parse_options(argc, argv, &o);
	if (rc < 0)
		return EXIT_USAGE;
	if (rc > 0) {
		cmd_classify_usage(stdout);
		return EXIT_OK;
	}
	struct classify_plan *plan = malloc(sizeof *plan);
	struct classify_result *r = malloc(sizeof *r);
	if (!plan || !r) {
		fprintf(stderr, "traplab classify: out of memory\n");
		free(plan);
		free(r);
		return EXIT_SOFTWARE;
	}
	classify_plan_build(plan);
	bool equal = true, first = true;
	int status = EXIT_OK;
	if (o.format == CLASSIFY_JSON && o.all)
		printf("[\n");
	for (int v = 0; v < ISA_VARIANT_COUNT; v++) {
		if (!o.variants[v])
			continue;
		char err[CLASSIFY_ERR_MAX];
		if (classify_run((enum isa_variant)v, plan, r, err, sizeof err) < 0) {
			fprintf(stderr, "traplab classify: %s: %s\n", isa_variant_name(v), err);
			status = EXIT_SOFTWARE;
			break;
		}
		enum isa_opcode mismatches[OP_COUNT];
		unsigned declared[OP_COUNT];
		classify_declared_table((enum isa_variant)v, declared);
		equal = equal && classify_mismatches(r, declared, mismatches) == 0;
		if (o.format == CLASSIFY_JSON) {
			printf("%s", first ? "" : ",\n");
			classify_print_json(stdout, r);
		} else {
			printf("%s", first ? "" : "\n");
			classify_print_text(stdout, r, o.witnesses);
		}
		first = false;
	}
	if (o.format == CLASSIFY_JSON)
		printf(o.all ? "\n]\n" : "\n");
	else if (status == EXIT_OK)
		printf("\nnote: \"no witness found\" is not a proof of innocuousness: sampling "
		       "states proves an instruction\nsensitive or not privileged, never the "
		       "converse (lessons/REFERENCES.md section 0.1).\n");
	free(plan);
	free(r);
	if (status != EXIT_OK)
		return status;
	return equal ? EXIT_OK : EXIT_CLASSES_DIFFER;
}
