/* test_tables.c — the lists written once (issue 11): the run figures of
 * vm_stats.def in every printer of them, the monitor modes in every list of
 * them, the guest loader that prints nothing, and the newcomer's rough
 * edges (`run --help`'s title, `info vcpu` in bt mode).  Labs 3–10 read
 * these outputs; REPORTS.md promises the JSON names.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "cli/cli_support.h"
#include "guest_image.h"
#include "report.h"
#include "support.h"

#define MINIOS "guests/pg32/minios/minios.s"

/* The stats object's keys, in order: REPORTS.md says they never change. */
static void
test_the_json_stats_object_keeps_its_names_and_order(void)
{
	static const char *const keys[] = {
		"guest_instructions", "direct", "emulated", "interpreted", "translated",
		"transitions", "hypercalls", "direct_share", "traps", "reflected",
		"reflected_by_cause", "injected_interrupts", "world_switches", "shadow", "fills",
		"flushes", "pt_writes", "guest_faults", "bt", "blocks_translated", "lookups",
		"hits", "misses", "chained", "chain_jumps", "flushes", "invalidations",
		"callouts", "callouts_by_instruction", "hypercalls_by_number", "handled_in_place",
	};
	struct vm_stats st = { .guest_instructions = 4, .direct = 3 };
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	struct json j;
	json_init(&j, out);
	report_stats_json(&j, NULL, &st);
	fclose(out);
	const char *at = text;
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		char quoted[64];
		snprintf(quoted, sizeof quoted, "\"%s\":", keys[i]);
		const char *found = strstr(at, quoted);
		CU_ASSERT_PTR_NOT_NULL(found);
		if (!found) {
			fprintf(stderr, "\n  %s missing or out of order\n", keys[i]);
			break;
		}
		at = found + strlen(quoted);
	}
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\"direct_share\": 0.75"));
	free(text);
}

/* compare's 13 columns: the figures' come from the table, in this order. */
static void
test_compare_columns_come_from_the_figure_table(void)
{
	static const char *const headings[] = { "instructions", "direct", "emulated",
		"interpreted", "translated", "traps", "callouts", "hypercalls", "transitions" };
	for (size_t c = 0; c < ARRAY_SIZE(headings); c++) {
		size_t found = 0;
		for (size_t i = 0; i < report_nfigures; i++)
			if (report_figures[i].column == c + 1) {
				CU_ASSERT_STRING_EQUAL(report_figures[i].heading, headings[c]);
				found++;
			}
		CU_ASSERT_EQUAL(found, 1);
	}
}

/* The text report: the same lines as ever, details in parentheses. */
static void
test_the_text_report_keeps_its_lines(void)
{
	struct vm_stats st = { .guest_instructions = 10, .direct = 5, .transitions = 7 };
	st.real_traps[CAUSE_PAGE] = 2;
	st.bt.lookups = 9;
	st.bt.hits = 8;
	st.bt.misses = 1;
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	report_stats_text(out, MODE_BT, &st);
	fclose(out);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "--- figures (bt) ---\n"
		"guest instructions               10\n"
		"  executed directly               5   (50.00%)\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "traps PAGE                        2\n"
		"reflected to the guest            0\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "page-table writes                 0\n"
		"transitions to monitor            7\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "cache look-ups                    9   "
		"(hits 8, misses 1)\n"));
	CU_ASSERT_PTR_NULL(strstr(text, "hypercalls"));       /* pv's lines only in pv */
	free(text);
}

static struct backend *
pg32_with_minios(const char *mode)
{
	char err[320];
	struct backend *b = backend_pg32_create(err, sizeof err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	CU_ASSERT_EQUAL(b->ops->set_option(b, "mode", mode, err, sizeof err), 0);
	CU_ASSERT_EQUAL(b->ops->load(b, MINIOS, err, sizeof err), 0);
	return b;
}

/* The settings' choices and messages are built from vm_mode_name. */
static void
test_the_mode_setting_lists_every_mode(void)
{
	char err[320];
	struct backend *b = backend_pg32_create(err, sizeof err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	const struct backend_option *o = b->ops->options(b);
	CU_ASSERT_STRING_EQUAL(o[0].name, "mode");
	CU_ASSERT_STRING_EQUAL(o[0].choices, "bare trap hybrid bt pv");
	CU_ASSERT_STRING_EQUAL(o[1].choices, "strict legacy hybrid");
	CU_ASSERT_EQUAL(b->ops->set_option(b, "mode", "vmware", err, sizeof err), -1);
	CU_ASSERT_STRING_EQUAL(err, "no mode 'vmware' (choose bare, trap, hybrid, bt or pv)");
	CU_ASSERT_EQUAL(b->ops->set_option(b, "place", "far", err, sizeof err), -1);
	CU_ASSERT_STRING_EQUAL(err, "no placement 'far' (choose relocated or identity)");
	CU_ASSERT_EQUAL(b->ops->set_option(b, "colour", "red", err, sizeof err), -1);
	CU_ASSERT_STRING_EQUAL(err, "no setting 'colour' (settings: mode isa place memory)");
	char value[32];
	CU_ASSERT_EQUAL(b->ops->set_option(b, "memory", "512", err, sizeof err), 0);
	CU_ASSERT_EQUAL(b->ops->get_option(b, "memory", value, sizeof value), 0);
	CU_ASSERT_STRING_EQUAL(value, "512");
	b->ops->destroy(b);
}

static const struct backend_reg *
reg_named(const struct backend_reg *regs, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(regs[i].name, name) == 0)
			return &regs[i];
	return NULL;
}

/* bt and hybrid never run the guest's kernel on the real machine: `info
 * vcpu` says so rather than show its idle pc and rbase as if they meant
 * something.  Trap mode's real machine does run it (in user mode). */
static void
test_info_vcpu_says_the_kernel_is_not_on_the_real_machine_in_bt(void)
{
	static const char *const modes[] = { "bt", "hybrid", "trap" };
	for (size_t m = 0; m < ARRAY_SIZE(modes); m++) {
		struct backend *b = pg32_with_minios(modes[m]);
		struct backend_stop stop;
		b->ops->step(b, 1, &stop);          /* the first instruction: kernel code */
		struct backend_reg real[16];
		size_t n = b->ops->registers(b, REGS_REAL, real, ARRAY_SIZE(real));
		const struct backend_reg *psw = reg_named(real, n, "psw");
		CU_ASSERT_PTR_NOT_NULL_FATAL(psw);
		CU_ASSERT_PTR_NOT_NULL_FATAL(psw->note);
		bool idle = strcmp(modes[m], "trap") != 0;
		CU_ASSERT_EQUAL(strstr(psw->note, "idle") != NULL, idle);
		CU_ASSERT_EQUAL(reg_named(real, n, "pc") == NULL, idle);
		CU_ASSERT_EQUAL(reg_named(real, n, "rbase") == NULL, idle);
		b->ops->destroy(b);
	}
}

/* `stats` lists the table's figures: traps by cause, and the monitor's
 * own only under a monitor. */
static void
test_stats_lists_the_tables_figures(void)
{
	struct backend *b = pg32_with_minios("trap");
	struct backend_stop stop;
	b->ops->run(b, 20000, &stop);
	struct backend_stat st[64];
	size_t n = b->ops->stats(b, st, ARRAY_SIZE(st));
	CU_ASSERT_TRUE_FATAL(n > 6);
	CU_ASSERT_STRING_EQUAL(st[0].name, "guest_instructions");
	CU_ASSERT_EQUAL(st[0].value, 20000);
	CU_ASSERT_STRING_EQUAL(st[4].name, "translated");
	CU_ASSERT_EQUAL(strncmp(st[5].name, "traps.", strlen("traps.")), 0);
	CU_ASSERT_STRING_EQUAL(st[n - 2].name, "shadow.pt_writes");
	CU_ASSERT_STRING_EQUAL(st[n - 1].name, "handled_in_place");
	b->ops->destroy(b);
}

/* The loader says what went wrong, as a kind and a message. */
static void
test_the_guest_loader_reports_without_printing(void)
{
	char *dir = cli_tempdir();
	char bad[512], missing[512];
	snprintf(bad, sizeof bad, "%s/bad.s", dir);
	snprintf(missing, sizeof missing, "%s/missing.img", dir);
	CU_ASSERT_EQUAL_FATAL(cli_write_file(bad, "\tfrobnicate r1\n\tnop\n\tbogus\n"), 0);
	struct guest_image g;
	CU_ASSERT_EQUAL(guest_image_load(bad, &g), GUEST_IMAGE_INVALID);
	CU_ASSERT_EQUAL(g.nerrors, 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(g.message, ": 2 errors"));
	CU_ASSERT_PTR_NULL(g.bytes);
	guest_image_free(&g);
	CU_ASSERT_EQUAL(guest_image_load(missing, &g), GUEST_IMAGE_UNREADABLE);
	CU_ASSERT_PTR_NOT_NULL(strstr(g.message, "No such file"));
	guest_image_free(&g);
	CU_ASSERT_EQUAL(guest_image_load(MINIOS, &g), GUEST_IMAGE_LOADED);
	CU_ASSERT_TRUE(g.size > 0);
	CU_ASSERT_PTR_NOT_NULL(symtab_find(&g.syms, "minios_trap_entry"));
	guest_image_free(&g);
	/* the monitor's `load` gets it as one line, with the first error */
	char err[320];
	struct backend *b = backend_pg32_create(err, sizeof err);
	CU_ASSERT_EQUAL(b->ops->load(b, bad, err, sizeof err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "2 errors; the first: "));
	CU_ASSERT_PTR_NULL(strchr(err, '\n'));
	b->ops->destroy(b);
	cli_rmtree(dir);
	free(dir);
}

/* `run --help` is titled for what run does, and --mode's complaint lists
 * the modes once each. */
static void
test_run_help_and_mode_errors_name_every_mode(void)
{
	char *output = NULL;
	const char *help[] = { "run", "--help", NULL };
	CU_ASSERT_EQUAL(cli_run(help, "", &output), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(output, "traplab run - run a PG32 guest on the bare "
				      "machine or under the monitor\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(output, "[--mode=bare|trap|hybrid|bt|pv]"));
	free(output);
	const char *bad[] = { "run", "--mode=vmware", MINIOS, NULL };
	CU_ASSERT_EQUAL(cli_run(bad, "", &output), 64);
	CU_ASSERT_PTR_NOT_NULL(strstr(output, "no such mode (choose bare, trap, hybrid, bt or pv)\n"));
	free(output);
}

static CU_TestInfo tests[] = {
	{ "the JSON stats object keeps its names and order (REPORTS.md)",
	  test_the_json_stats_object_keeps_its_names_and_order },
	{ "compare's columns come from the figure table", test_compare_columns_come_from_the_figure_table },
	{ "the text report keeps its lines", test_the_text_report_keeps_its_lines },
	{ "the mode setting lists every mode, from vm_mode_name", test_the_mode_setting_lists_every_mode },
	{ "info vcpu: bt and hybrid say the kernel is not on the real machine",
	  test_info_vcpu_says_the_kernel_is_not_on_the_real_machine_in_bt },
	{ "stats lists the table's figures", test_stats_lists_the_tables_figures },
	{ "the guest loader reports a kind and a message, printing nothing",
	  test_the_guest_loader_reports_without_printing },
	{ "run --help's title, and --mode's list of modes", test_run_help_and_mode_errors_name_every_mode },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_monitor_tables = { "monitor: tables written once", NULL, NULL, NULL, NULL,
				      tests };
