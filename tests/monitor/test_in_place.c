/* test_in_place.c — exits handled in place are invisible (monitor/vmm/trap.c,
 * trap_handle_in_place; Labs 3 and 4).  Under trap mode the monitor emulates
 * its cheapest exits (mfcr, mtcr of a register the world switch does not
 * compose from, rdpsw, di, tlbflush, port I/O that does not count time) and
 * fills shadow misses inside the real machine's trap hook, without a world
 * switch; TRAPLAB_NO_IN_PLACE=1 sends every exit the long way.  A guest must
 * not tell them apart: the same output, instruction counts, traps, emulated
 * instructions, fills, flushes and transitions, and the same end -- only the
 * number of world switches may differ.  The guests are the ones whose
 * timing and paging would show a slip: timer interrupts at exact
 * instruction counts (kernel and user), halt, device ports, control
 * registers, page tables changed with and without tlbflush (code pages
 * too), and minios on both variants. */
#include <CUnit/CUnit.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_support.h"
#include "support.h"

static const struct {
	const char *guest;
	const char *isa;
} guests[] = {
	{ "guests/pg32/minios/minios.s", "--isa=strict" },
	{ "guests/pg32/minios/minios.s", "--isa=legacy" },
	{ "guests/pg32/nanobench/io.s", "--isa=strict" },
	{ "guests/pg32/nanobench/ptemod.s", "--isa=strict" },
	{ "tests/spec/guests/timer.s", "--isa=strict" },
	{ "tests/spec/guests/timer_user.s", "--isa=strict" },
	{ "tests/spec/guests/halt.s", "--isa=strict" },
	{ "tests/spec/guests/ports.s", "--isa=strict" },
	{ "tests/spec/guests/ctrlregs.s", "--isa=strict" },
	{ "tests/spec/guests/traps.s", "--isa=strict" },
	{ "tests/spec/guests/paging.s", "--isa=strict" },
	{ "tests/spec/guests/paging_user.s", "--isa=strict" },
	{ "tests/spec/guests/tlbflush.s", "--isa=strict" },
	{ "tests/spec/guests/no_tlbflush.s", "--isa=strict" },
	{ "tests/spec/guests/no_tlbflush_code.s", "--isa=strict" },
	{ "tests/spec/guests/holes_kernel.s", "--isa=legacy" },
};

/* Run a guest under trap mode, exits in place or not; status and output. */
static int
run_trap(const char *guest, const char *isa, bool in_place, char **out)
{
	char path[4200];
	snprintf(path, sizeof path, "%s/%s", test_top(), guest);
	const char *args[] = { "run", "--mode=trap", isa, "--stats", "--max-instructions=3000000",
			       path, NULL };
	if (!in_place)
		setenv("TRAPLAB_NO_IN_PLACE", "1", 1);
	int status = cli_run(args, "", out);
	unsetenv("TRAPLAB_NO_IN_PLACE");
	return status;
}

/* Cut the world-switch line (the one figure allowed to differ) out of a
 * run's output, keeping its count of exits handled in place in *in_place. */
static void
cut_world_switches(char *text, unsigned long long *in_place)
{
	*in_place = 0;
	char *line = strstr(text, "world switches");
	if (!line)
		return;
	char *detail = strchr(line, '(');
	char *end = strchr(line, '\n');
	if (detail && (!end || detail < end))
		*in_place = strtoull(detail + 1, NULL, 10);
	end = end ? end + 1 : line + strlen(line);
	memmove(line, end, strlen(end) + 1);
}

static void
test_exits_handled_in_place_change_nothing_a_guest_sees(void)
{
	unsigned long long minios_in_place = 0;
	for (size_t i = 0; i < sizeof guests / sizeof *guests; i++) {
		char *with, *without;
		int s1 = run_trap(guests[i].guest, guests[i].isa, true, &with);
		int s2 = run_trap(guests[i].guest, guests[i].isa, false, &without);
		unsigned long long on, off;
		cut_world_switches(with, &on);
		cut_world_switches(without, &off);
		bool same = s1 == s2 && strcmp(with, without) == 0;
		if (!same)
			fprintf(stderr, "\n  %s %s: exits in place (status %d):\n%.1500s\n  the long "
				"way (status %d):\n%.1500s\n", guests[i].guest, guests[i].isa, s1,
				with, s2, without);
		CU_ASSERT(same);
		if (!strstr(with, "guest instructions"))
			fprintf(stderr, "\n  %s: no figures in:\n%.800s\n", guests[i].guest, with);
		CU_ASSERT_PTR_NOT_NULL(strstr(with, "guest instructions"));
		CU_ASSERT_EQUAL(off, 0);           /* the switch works */
		if (i == 0)
			minios_in_place = on;
		free(with);
		free(without);
	}
	/* minios's console output, mfcr and fills are thousands of exits */
	if (minios_in_place <= 1000)
		fprintf(stderr, "\n  minios: %llu exits handled in place, want > 1000\n",
			minios_in_place);
	CU_ASSERT(minios_in_place > 1000);
}

/* Exits in place leave fewer world switches -- at most one fewer each (a
 * direct run the timer's deadline ends is a world switch either way). */
static void
test_exits_in_place_save_world_switches(void)
{
	char *with, *without;
	CU_ASSERT_EQUAL(run_trap("guests/pg32/minios/minios.s", "--isa=strict", true, &with), 0);
	CU_ASSERT_EQUAL(run_trap("guests/pg32/minios/minios.s", "--isa=strict", false, &without), 0);
	const char *a = strstr(with, "world switches"), *b = strstr(without, "world switches");
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	unsigned long long sw_with = strtoull(a + strlen("world switches"), NULL, 10);
	unsigned long long sw_without = strtoull(b + strlen("world switches"), NULL, 10);
	unsigned long long in_place;
	cut_world_switches(with, &in_place);
	if (!(sw_with < sw_without && sw_without - sw_with <= in_place))
		fprintf(stderr, "\n  world switches: %llu with %llu exits handled in place, %llu "
			"the long way\n", sw_with, in_place, sw_without);
	CU_ASSERT(sw_with < sw_without);
	CU_ASSERT(sw_without - sw_with <= in_place);
	CU_ASSERT(in_place > 0);
	free(with);
	free(without);
}

static CU_TestInfo tests[] = {
	{ "exits handled in place change nothing a guest sees (trap mode)",
	  test_exits_handled_in_place_change_nothing_a_guest_sees },
	{ "exits handled in place save world switches, at most one each",
	  test_exits_in_place_save_world_switches },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_monitor_in_place = { "monitor: exits handled in place", NULL, NULL, NULL, NULL,
					 tests };
