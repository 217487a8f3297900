/* bench_trap.c — what does trap-and-emulate cost?  (bench/trap; Lab 3)
 *
 * Runs minios (kernel-heavy: system calls, timer, paging) and user_crc32
 * (user-heavy compute) under bare, trap and hybrid, in one process, modes
 * alternating, REPS times each, and reports the best host time of each,
 * the ratio to bare, and the share of guest instructions executed directly
 * — Popek and Goldberg's efficiency property as numbers.
 * Targets (issue "Trap-and-emulate"): user-heavy under trap <= 1.10x bare;
 * minios direct share >= 90%.  Issue "Fast where a student waits": minios
 * under trap <= 1.60x bare.  A fresh VM's memory comes untouched from the
 * system (machine/machine.c), so its runs include first-touch page faults,
 * the same for every mode; the monitor's own cost shows on a reused VM,
 * reloaded between runs with its pages already there: minios is also run
 * that way, and the target is judged there.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "asm.h"
#include "vm.h"
#include "common.h"

enum { REPS = 7 };

struct guest {
	const char *path;
	const char *kind;
	struct asm_result image;
};

static double
now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void
ignore_console(void *ctx, uint8_t byte)
{
	(void)ctx;
	(void)byte;
}

/* One complete run on *reuse (a fresh VM when NULL, destroyed after);
 * returns host seconds of vm_run alone. */
static double
run_on(const struct guest *g, enum vm_mode mode, struct vm_stats *st, struct vm **reuse)
{
	char err[256];
	struct vm_config cfg = { .mode = mode, .variant = ISA_STRICT,
				 .guest_memory = MACHINE_DEFAULT_MEMORY };
	struct vm *vm = reuse && *reuse ? *reuse : vm_create(&cfg, err, sizeof err);
	if (!vm || vm_load_image(vm, g->image.image, g->image.size, err, sizeof err) < 0) {
		fprintf(stderr, "bench/trap: %s\n", err);
		exit(1);
	}
	vm_set_console(vm, ignore_console, NULL);
	double t0 = now();
	enum machine_stop_reason why = vm_run(vm, UINT64_MAX);
	double t = now() - t0;
	if (why != STOP_POWER_OFF || vm_last_stop(vm)->exit_status != 0) {
		fprintf(stderr, "bench/trap: %s under %s did not power off cleanly\n", g->path,
			vm_mode_name(mode));
		exit(1);
	}
	vm_get_stats(vm, st);
	if (reuse)
		*reuse = vm;
	else
		vm_destroy(vm);
	return t;
}

static double
run_once(const struct guest *g, enum vm_mode mode, struct vm_stats *st)
{
	return run_on(g, mode, st, NULL);
}

int
main(int argc, char **argv)
{
	const char *top = argc > 1 ? argv[1] : ".";
	struct guest guests[] = {
		{ "guests/pg32/minios/minios.s", "kernel-heavy", { 0 } },
		{ "guests/pg32/user_crc32.s", "user-heavy", { 0 } },
	};
	enum { NGUESTS = ARRAY_SIZE(guests) };
	double best[NGUESTS][MODE_COUNT];
	struct vm_stats stats[NGUESTS][MODE_COUNT];
	for (int g = 0; g < NGUESTS; g++) {
		char path[1024];
		snprintf(path, sizeof path, "%s/%s", top, guests[g].path);
		if (asm_assemble_file(path, &guests[g].image) < 0) {
			for (size_t i = 0; i < guests[g].image.nerrors; i++)
				fprintf(stderr, "%s", guests[g].image.errors[i]);
			return 1;
		}
		for (int m = 0; m < MODE_COUNT; m++)
			best[g][m] = 1e30;
	}
	/* modes alternate within each repetition, so noise hits all alike */
	struct vm *reused[MODE_COUNT] = { NULL };
	double best_reused[MODE_COUNT];
	for (int m = 0; m < MODE_COUNT; m++)
		best_reused[m] = 1e30;
	for (int rep = 0; rep < REPS; rep++)
		for (int g = 0; g < NGUESTS; g++)
			for (int m = 0; m < MODE_COUNT; m++) {
				double t = run_once(&guests[g], (enum vm_mode)m, &stats[g][m]);
				if (t < best[g][m])
					best[g][m] = t;
				if (g != 0)
					continue;
				struct vm_stats again;
				t = run_on(&guests[g], (enum vm_mode)m, &again, &reused[m]);
				if (rep > 0 && t < best_reused[m])     /* the first run touched the pages */
					best_reused[m] = t;
			}
	for (int m = 0; m < MODE_COUNT; m++)
		vm_destroy(reused[m]);

	printf("bench/trap: best of %d runs each, strict variant, one process\n", REPS);
	printf("%-30s %-7s %12s %9s %10s %8s\n", "guest", "mode", "instructions", "direct%",
	       "host ms", "x bare");
	bool user_ok = true, share_ok = true;
	for (int g = 0; g < NGUESTS; g++)
		for (int m = 0; m < MODE_COUNT; m++) {
			const struct vm_stats *st = &stats[g][m];
			double share = 100.0 * (double)st->direct / (double)st->guest_instructions;
			double ratio = best[g][m] / best[g][MODE_BARE];
			printf("%-30s %-7s %12llu %8.2f%% %10.3f %7.2fx\n", guests[g].path,
			       vm_mode_name(m), (unsigned long long)st->guest_instructions, share,
			       best[g][m] * 1e3, ratio);
			if (g == 1 && m == MODE_TRAP && ratio > 1.10)
				user_ok = false;
			if (g == 0 && m == MODE_TRAP && share < 90.0)
				share_ok = false;
		}
	printf("target: user-heavy under trap <= 1.10x bare: %s (%.2fx)\n",
	       user_ok ? "met" : "MISSED", best[1][MODE_TRAP] / best[1][MODE_BARE]);
	printf("target: minios direct share under trap >= 90%%: %s (%.2f%%)\n",
	       share_ok ? "met" : "MISSED",
	       100.0 * (double)stats[0][MODE_TRAP].direct / (double)stats[0][MODE_TRAP].guest_instructions);
	printf("minios on a reused VM (pages already touched), host ms:");
	for (int m = 0; m < MODE_COUNT; m++)
		printf(" %s %.3f (%.2fx)", vm_mode_name(m), best_reused[m] * 1e3,
		       best_reused[m] / best_reused[MODE_BARE]);
	printf("\n");
	double trap_fresh = best[0][MODE_TRAP] / best[0][MODE_BARE];
	double trap_reused = best_reused[MODE_TRAP] / best_reused[MODE_BARE];
	printf("target: minios under trap <= 1.60x bare (reused VMs): %s (%.2fx; %.2fx on fresh VMs)\n",
	       trap_reused <= 1.60 ? "met" : "MISSED", trap_reused, trap_fresh);
	for (int g = 0; g < NGUESTS; g++)
		asm_result_free(&guests[g].image);
	return 0;
}
