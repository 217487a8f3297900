/* test_tlb.c — the software TLB and the paged windows are invisible
 * (machine/tlb.c, machine/cpu.c; Lab 4).  SPEC §5.3's reference machine
 * caches no translation; TRAPLAB_NO_TLB=1 makes traplab that machine again
 * (every access walks the tables).  Every guest that pages -- the SPEC
 * guests that change tables with and without tlbflush, patch code through
 * an alias, run to a page's end, minios, the paged CRC -- must print the
 * same, retire the same instructions and take the same traps with the TLB
 * and without, bare and under each monitor mode (whose shadow tables the
 * real machine's TLB caches). */
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_support.h"
#include "support.h"

static const char *const paged_guests[] = {
	"tests/spec/guests/paging.s",
	"tests/spec/guests/paging_user.s",
	"tests/spec/guests/tlbflush.s",
	"tests/spec/guests/no_tlbflush.s",
	"tests/spec/guests/no_tlbflush_code.s",
	"tests/spec/guests/tlb_generations.s",
	"tests/spec/guests/paging_fetch_end.s",
	"tests/spec/guests/smc_alias.s",
	"guests/pg32/minios/minios.s",
	"guests/pg32/crc32_paged.s",
};
static const char *const modes[] = { "--mode=bare", "--mode=trap", "--mode=hybrid", "--mode=bt" };
/* The paged CRC retires ~2*10^8 instructions; under hybrid and bt, which
 * interpret or translate all of its supervisor code, it is left to bare
 * and trap (the TLB is the real machine's either way). */
static const char crc_guest[] = "guests/pg32/crc32_paged.s";

/* Run one guest in one mode, with or without the TLB; status and output. */
static int
run_guest(const char *guest, const char *mode, bool tlb, char **out)
{
	char path[4200];
	snprintf(path, sizeof path, "%s/%s", test_top(), guest);
	const char *args[] = { "run", mode, "--stats", "--max-instructions=0", path, NULL };
	if (!tlb)
		setenv("TRAPLAB_NO_TLB", "1", 1);
	int status = cli_run(args, "", out);
	unsetenv("TRAPLAB_NO_TLB");
	return status;
}

static void
test_tlb_changes_nothing_a_guest_sees(void)
{
	unsigned compared = 0;
	for (size_t g = 0; g < sizeof paged_guests / sizeof *paged_guests; g++)
		for (size_t i = 0; i < sizeof modes / sizeof *modes; i++) {
			if (strcmp(paged_guests[g], crc_guest) == 0 && i >= 2)
				continue;
			char *with, *without;
			int s1 = run_guest(paged_guests[g], modes[i], true, &with);
			int s2 = run_guest(paged_guests[g], modes[i], false, &without);
			bool same = s1 == s2 && strcmp(with, without) == 0;
			if (!same)
				fprintf(stderr, "\n  %s %s: with the TLB (status %d):\n%.1500s\n  without "
					"(status %d):\n%.1500s\n", paged_guests[g], modes[i], s1, with, s2,
					without);
			CU_ASSERT(same);
			/* a run that did nothing would agree with itself */
			CU_ASSERT_PTR_NOT_NULL(strstr(with, "guest instructions"));
			CU_ASSERT(s1 >= 0);
			compared++;
			free(with);
			free(without);
		}
	CU_ASSERT_EQUAL(compared, sizeof paged_guests / sizeof *paged_guests * 4 - 2);
}

/* bench/interp times the paged CRC against the unpaged one: both must
 * compute the same checksum over the same bytes, or the comparison means
 * nothing (the speed itself is bench/interp's, never a timed test). */
static void
test_paged_crc_agrees_with_the_unpaged_one(void)
{
	char *paged, *flat;
	const char *p_args[] = { "run", "--max-instructions=0", NULL, NULL };
	char p1[4200], p2[4200];
	snprintf(p1, sizeof p1, "%s/guests/pg32/crc32_paged.s", test_top());
	snprintf(p2, sizeof p2, "%s/guests/pg32/crc32.s", test_top());
	p_args[2] = p1;
	int s1 = cli_run(p_args, "", &paged);
	p_args[2] = p2;
	int s2 = cli_run(p_args, "", &flat);
	CU_ASSERT_EQUAL(s1, 0);
	CU_ASSERT_EQUAL(s2, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(paged, "crc32 = "));
	CU_ASSERT_STRING_EQUAL(paged, flat);
	free(paged);
	free(flat);
}

static CU_TestInfo tests[] = {
	{ "the TLB changes nothing a paging guest sees, bare and in every mode",
	  test_tlb_changes_nothing_a_guest_sees },
	{ "the paged CRC prints the unpaged CRC's checksum", test_paged_crc_agrees_with_the_unpaged_one },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_machine_tlb = { "machine: the TLB is invisible", NULL, NULL, NULL, NULL, tests };
