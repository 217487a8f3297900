/* test_reverse.c — checkpoints of a whole VM (monitor/vmm/vm_checkpoint.h,
 * through the PG32 backend's timeline, backend_timeline.h) in every mode:
 * restoring one and running forward again gives exactly what a fresh run
 * gives -- every register of every group, every byte of guest physical
 * memory, the console -- at points chosen at random (seed printed, set
 * TRAPLAB_TEST_SEED to replay).  This is what the monitor's reverse-step,
 * goto and reverse-continue rest on (monitor/MONITOR.md "Going back";
 * Lab 6's "going further"); tests/cli/test_explore.c drives them.
 */
#include <CUnit/CUnit.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "backend_timeline.h"
#include "support.h"

enum { MAX_REGS = 64, POINTS_PER_MODE = 3 };

static const struct {
	const char *mode, *isa, *guest;
} modes[] = {
	{ "bare", "strict", "guests/pg32/minios/minios.s" },
	{ "trap", "strict", "guests/pg32/minios/minios.s" },
	{ "hybrid", "legacy", "guests/pg32/minios/minios.s" },
	{ "bt", "legacy", "guests/pg32/minios/minios.s" },
	{ "pv", "strict", "guests/pg32/minios-pv/minios-pv.s" },
};

/* Everything the guest can see, and what the real machine holds. */
struct seen {
	struct backend_reg regs[REG_GROUPS][MAX_REGS];
	size_t nregs[REG_GROUPS];
	uint8_t *memory;
	size_t memory_size;
	uint64_t position, console_bytes;
	struct test_console console;
};

static uint32_t
test_seed(void)
{
	const char *s = getenv("TRAPLAB_TEST_SEED");
	uint32_t seed = s ? (uint32_t)strtoul(s, NULL, 0) : (uint32_t)(test_seconds() * 1e6);
	return seed ? seed : 1;
}

static struct backend *
start(int m, struct test_console *console)
{
	char err[320], path[4200];
	struct backend *b = backend_pg32_create(err, sizeof err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	CU_ASSERT_EQUAL(b->ops->set_option(b, "isa", modes[m].isa, err, sizeof err), 0);
	CU_ASSERT_EQUAL(b->ops->set_option(b, "mode", modes[m].mode, err, sizeof err), 0);
	b->ops->set_console(b, test_console_byte, console);
	snprintf(path, sizeof path, "%s/%s", test_top(), modes[m].guest);
	int rc = b->ops->load(b, path, err, sizeof err);
	if (rc)
		fprintf(stderr, "\n  load %s: %s\n", path, err);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	return b;
}

static void
look(struct backend *b, struct seen *s)
{
	char err[320];
	for (int g = 0; g < REG_GROUPS; g++)
		s->nregs[g] = b->ops->registers(b, (enum backend_reg_group)g, s->regs[g], MAX_REGS);
	s->memory_size = timeline_guest_bytes(b);
	s->memory = malloc(s->memory_size);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s->memory);
	CU_ASSERT_EQUAL(b->ops->read_memory(b, 0, true, s->memory, s->memory_size, err,
					    sizeof err), 0);
	s->position = timeline_position(b);
	s->console_bytes = timeline_console_bytes(b);
}

/* Equal in every register (name and value), every byte, the console. */
static bool
same(const struct seen *a, const struct seen *b, const char *what)
{
	bool ok = a->position == b->position && a->console_bytes == b->console_bytes &&
		  a->memory_size == b->memory_size &&
		  memcmp(a->memory, b->memory, a->memory_size) == 0;
	for (int g = 0; g < REG_GROUPS; g++) {
		ok = ok && a->nregs[g] == b->nregs[g];
		for (size_t i = 0; ok && i < a->nregs[g]; i++)
			ok = strcmp(a->regs[g][i].name, b->regs[g][i].name) == 0 &&
			     a->regs[g][i].value == b->regs[g][i].value;
	}
	if (!ok)
		fprintf(stderr, "\n  %s: states differ at %llu / %llu\n", what,
			(unsigned long long)a->position, (unsigned long long)b->position);
	return ok;
}

static void
forget(struct seen *s)
{
	free(s->memory);
	s->memory = NULL;
}

static void
step(struct backend *b, uint64_t n)
{
	struct backend_stop stop;
	b->ops->step(b, n, &stop);
}

/* The guest's length in this mode: a full run's instruction count. */
static uint64_t
length(int m)
{
	struct test_console console = { 0 };
	struct backend *b = start(m, &console);
	struct backend_stop stop;
	b->ops->run(b, UINT64_MAX, &stop);
	uint64_t n = timeline_position(b);
	b->ops->destroy(b);
	free(console.buf);
	return n;
}

/* At `early` save a checkpoint, run on to `late`, restore, and compare
 * with what a fresh run sees at `early`; then run forward to `late`
 * again and compare with a fresh run there, console output included. */
static void
check_points(int m, uint64_t early, uint64_t late)
{
	struct test_console c1 = { 0 }, c2 = { 0 }, c3 = { 0 };
	struct backend *b = start(m, &c1), *fresh_early = start(m, &c2),
		       *fresh_late = start(m, &c3);
	struct seen want_early = { 0 }, want_late = { 0 }, got = { 0 };
	step(fresh_early, early);
	look(fresh_early, &want_early);
	step(fresh_late, late);
	look(fresh_late, &want_late);
	step(b, early);
	struct backend_checkpoint *cp = timeline_save(b, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cp);
	step(b, late - early);
	timeline_restore(b, cp);
	look(b, &got);
	CU_ASSERT(same(&got, &want_early, modes[m].mode));
	forget(&got);
	size_t printed = c1.len;
	step(b, late - early);
	look(b, &got);
	CU_ASSERT(same(&got, &want_late, modes[m].mode));
	/* re-executed output is the output a fresh run printed after `early` */
	CU_ASSERT_EQUAL(c1.len - printed, c3.len - c2.len);
	CU_ASSERT(c1.len - printed == c3.len - c2.len &&
		  (c1.len == printed ||
		   memcmp(c1.buf + printed, c3.buf + c2.len, c1.len - printed) == 0));
	forget(&got);
	forget(&want_early);
	forget(&want_late);
	timeline_free(cp);
	b->ops->destroy(b);
	fresh_early->ops->destroy(fresh_early);
	fresh_late->ops->destroy(fresh_late);
	free(c1.buf);
	free(c2.buf);
	free(c3.buf);
}

static void
test_restoring_a_checkpoint_and_running_again_is_a_fresh_run_in_every_mode(void)
{
	uint32_t seed = test_seed(), rng = seed;
	fprintf(stderr, "\n  seed %u (TRAPLAB_TEST_SEED replays) ", seed);
	for (int m = 0; m < (int)(sizeof modes / sizeof modes[0]); m++) {
		uint64_t n = length(m);
		CU_ASSERT(n > 1);
		for (int i = 0; i < POINTS_PER_MODE && n > 1; i++) {
			uint64_t a = test_random_next(&rng) % n, z = test_random_next(&rng) % n;
			if (a == z)
				z = a + 1;
			check_points(m, a < z ? a : z, a < z ? z : a);
		}
	}
}

/* A checkpoint taken after another shares the pages that did not change:
 * two at nearby points cost far less than twice one. */
static void
test_checkpoints_share_unchanged_pages(void)
{
	struct test_console console = { 0 };
	struct backend *b = start(1, &console);
	step(b, 20000);
	struct backend_checkpoint *first = timeline_save(b, NULL);
	size_t alone = timeline_checkpoint_bytes(first);
	step(b, 100);
	struct backend_checkpoint *second = timeline_save(b, first);
	size_t both = timeline_checkpoint_bytes(first) + timeline_checkpoint_bytes(second);
	CU_ASSERT(both < alone + alone / 2);
	CU_ASSERT_EQUAL(timeline_checkpoint_position(second) - timeline_checkpoint_position(first),
			100);
	/* and freeing the first leaves the second whole */
	timeline_free(first);
	timeline_restore(b, second);
	CU_ASSERT_EQUAL(timeline_position(b), 20100);
	timeline_free(second);
	b->ops->destroy(b);
	free(console.buf);
}

static CU_TestInfo tests[] = {
	{ "restoring a checkpoint and running again is a fresh run, in every mode",
	  test_restoring_a_checkpoint_and_running_again_is_a_fresh_run_in_every_mode },
	{ "checkpoints share unchanged pages", test_checkpoints_share_unchanged_pages },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_monitor_reverse = { "monitor: checkpoints for reverse execution", NULL, NULL,
				       NULL, NULL, tests };
