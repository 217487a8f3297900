/* bench_vm.c — how long a student waits for a VM, and how much memory it
 * holds (bench/vm; issue "Fast where a student waits", items 4 and 5).
 *
 * (a) In one process: creating, loading and destroying a VM, bare and under
 *     trap, with 1 MiB and 16 MiB of guest memory, beside running minios
 *     bare -- a VM should cost less than the guest it runs.
 * (b) Whole commands, wall time from spawn to exit (median of REPS): `traplab
 *     run` of hello beside /bin/true, the floor for starting any process on
 *     this machine; `traplab equiv --isa=legacy` of minios, and of diverge.s
 *     (1,000 instructions, then an rdpsw that trap mode gets wrong: a binary
 *     search over its run).  Targets: run of hello <= 5 ms, equiv of minios
 *     <= 150 ms, equiv of diverge.s <= 50 ms.
 * (c) Peak resident memory (wait4's ru_maxrss) of `traplab run
 *     --memory=16384` in every mode, on minios and on touch_all.s, which
 *     writes every page of its 16 MiB.  Target: <= 2 x guest memory + 10 MiB.
 *
 * Every command must exit as expected (equiv's 84: not equivalent) or the
 * benchmark fails: a fast wrong answer is not a figure.
 */
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>

#include "asm.h"
#include "common.h"
#include "vm.h"

extern char **environ;

enum {
	REPS = 15,                     /* spawned commands: median of this many */
	LIFECYCLE_REPS = 20,           /* in-process create/load/destroy: best of */
	EXIT_NOT_EQUIVALENT = 84,      /* traplab equiv's status (its --help) */
	BIG_GUEST_KIB = 16 * 1024,     /* (c): 16 MiB of guest memory */
	KIB = 1024,
};

static const double HELLO_TARGET_MS = 5.0;
static const double EQUIV_MINIOS_TARGET_MS = 150.0;
static const double EQUIV_DIVERGE_TARGET_MS = 50.0;
static const double MEMORY_SLACK_MIB = 10.0;      /* (c): 2 x guest + this */

static double
now_seconds(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int
by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* One command, its output thrown away: wall seconds, peak RSS in KiB.
 * Exits the benchmark if it does not end with `want_status`. */
static double
spawn_once(char *const argv[], int want_status, long *max_rss_kib)
{
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	double t0 = now_seconds();
	pid_t pid;
	if (posix_spawn(&pid, argv[0], &fa, NULL, argv, environ) != 0) {
		fprintf(stderr, "bench/vm: cannot start %s\n", argv[0]);
		exit(1);
	}
	int status;
	struct rusage ru;
	if (wait4(pid, &status, 0, &ru) != pid) {
		fprintf(stderr, "bench/vm: lost %s\n", argv[0]);
		exit(1);
	}
	double t = now_seconds() - t0;
	posix_spawn_file_actions_destroy(&fa);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != want_status) {
		fprintf(stderr, "bench/vm: `%s", argv[0]);
		for (int i = 1; argv[i]; i++)
			fprintf(stderr, " %s", argv[i]);
		fprintf(stderr, "` ended with status %d, not %d\n",
			WIFEXITED(status) ? WEXITSTATUS(status) : -1, want_status);
		exit(1);
	}
	if (max_rss_kib)
		*max_rss_kib = ru.ru_maxrss;
	return t;
}

/* The median wall time of REPS runs, in milliseconds. */
static double
spawn_median_ms(char *const argv[], int want_status)
{
	double t[REPS];
	for (int i = 0; i < REPS; i++)
		t[i] = spawn_once(argv, want_status, NULL);
	qsort(t, REPS, sizeof t[0], by_value);
	return t[REPS / 2] * 1e3;
}

static const char *
verdict(bool met)
{
	return met ? "MET" : "MISSED";
}

static void
ignore_console(void *ctx, uint8_t byte)
{
	(void)ctx;
	(void)byte;
}

/* (a): best time of create + load + destroy, and of a whole bare minios run. */
static double
lifecycle_best_us(const struct asm_result *image, enum vm_mode mode, uint32_t memory,
		  bool run)
{
	double best = 1e30;
	for (int i = 0; i < LIFECYCLE_REPS; i++) {
		char err[256];
		struct vm_config cfg = { .mode = mode, .variant = ISA_STRICT, .guest_memory = memory };
		double t0 = now_seconds();
		struct vm *vm = vm_create(&cfg, err, sizeof err);
		if (!vm || vm_load_image(vm, image->image, image->size, err, sizeof err) < 0) {
			fprintf(stderr, "bench/vm: %s\n", err);
			exit(1);
		}
		vm_set_console(vm, ignore_console, NULL);
		if (run && vm_run(vm, UINT64_MAX) != STOP_POWER_OFF) {
			fprintf(stderr, "bench/vm: minios did not power off\n");
			exit(1);
		}
		vm_destroy(vm);
		double t = now_seconds() - t0;
		if (t < best)
			best = t;
	}
	return best * 1e6;
}

static void
part_lifecycle(const char *top)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/guests/pg32/minios/minios.s", top);
	struct asm_result minios;
	if (asm_assemble_file(path, &minios) < 0) {
		fprintf(stderr, "bench/vm: cannot assemble %s\n", path);
		exit(1);
	}
	double run_us = lifecycle_best_us(&minios, MODE_BARE, MACHINE_DEFAULT_MEMORY, true);
	printf("bench/vm (a): a VM's life in one process, best of %d\n", LIFECYCLE_REPS);
	printf("  %-44s %9.1f us\n", "minios, bare: create, load, run, destroy", run_us);
	static const struct { enum vm_mode mode; uint32_t memory; } cases[] = {
		{ MODE_BARE, MACHINE_DEFAULT_MEMORY }, { MODE_TRAP, MACHINE_DEFAULT_MEMORY },
		{ MODE_BARE, BIG_GUEST_KIB * KIB },    { MODE_TRAP, BIG_GUEST_KIB * KIB },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		double us = lifecycle_best_us(&minios, cases[i].mode, cases[i].memory, false);
		char what[64];
		snprintf(what, sizeof what, "create, load, destroy: %s, %u MiB",
			 vm_mode_name(cases[i].mode), cases[i].memory / (KIB * KIB));
		printf("  %-44s %9.1f us  (%.2fx the minios run above)\n", what, us, us / run_us);
	}
	asm_result_free(&minios);
}

static bool
part_commands(const char *traplab, const char *top)
{
	char hello[1024], minios[1024], diverge[1024];
	snprintf(hello, sizeof hello, "%s/guests/pg32/hello.s", top);
	snprintf(minios, sizeof minios, "%s/guests/pg32/minios/minios.s", top);
	snprintf(diverge, sizeof diverge, "%s/bench/vm/diverge.s", top);
	char *true_argv[] = { "/bin/true", NULL };
	char *hello_argv[] = { (char *)traplab, "run", hello, NULL };
	char *equiv_minios[] = { (char *)traplab, "equiv", "--isa=legacy", minios, NULL };
	char *equiv_diverge[] = { (char *)traplab, "equiv", "--isa=legacy", diverge, NULL };

	double t_true = spawn_median_ms(true_argv, 0);
	double t_hello = spawn_median_ms(hello_argv, 0);
	double t_minios = spawn_median_ms(equiv_minios, EXIT_NOT_EQUIVALENT);
	double t_diverge = spawn_median_ms(equiv_diverge, EXIT_NOT_EQUIVALENT);
	bool ok_hello = t_hello <= HELLO_TARGET_MS, ok_minios = t_minios <= EQUIV_MINIOS_TARGET_MS,
	     ok_diverge = t_diverge <= EQUIV_DIVERGE_TARGET_MS;
	printf("\nbench/vm (b): whole commands, wall time from spawn to exit, median of %d\n", REPS);
	printf("  %-44s %8.2f ms\n", "/bin/true (starting any process)", t_true);
	printf("  %-44s %8.2f ms  %.2fx /bin/true  (target <= %.0f ms) %s\n",
	       "traplab run guests/pg32/hello.s", t_hello, t_hello / t_true, HELLO_TARGET_MS,
	       verdict(ok_hello));
	printf("  %-44s %8.2f ms  (target <= %.0f ms) %s\n",
	       "traplab equiv --isa=legacy minios", t_minios, EQUIV_MINIOS_TARGET_MS,
	       verdict(ok_minios));
	printf("  %-44s %8.2f ms  (target <= %.0f ms) %s\n",
	       "traplab equiv --isa=legacy bench/vm/diverge.s", t_diverge, EQUIV_DIVERGE_TARGET_MS,
	       verdict(ok_diverge));
	return ok_hello && ok_minios && ok_diverge;
}

static bool
part_memory(const char *traplab, const char *top)
{
	static const char *const guests[] = { "guests/pg32/minios/minios.s", "bench/vm/touch_all.s" };
	static const char *const modes[] = { "bare", "trap", "hybrid", "bt", "pv" };
	double limit_mib = 2.0 * BIG_GUEST_KIB / KIB + MEMORY_SLACK_MIB;
	char *version_argv[] = { (char *)traplab, "--version", NULL };
	long base_kib;
	spawn_once(version_argv, 0, &base_kib);
	printf("\nbench/vm (c): peak resident memory of traplab run --memory=%d (16 MiB guest)\n",
	       BIG_GUEST_KIB);
	printf("  %-30s %-7s %10s\n", "guest", "mode", "peak MiB");
	printf("  %-30s %-7s %10.1f\n", "(traplab --version)", "-", base_kib / (double)KIB);
	bool ok = true;
	double worst = 0;
	for (size_t g = 0; g < ARRAY_SIZE(guests); g++)
		for (size_t m = 0; m < ARRAY_SIZE(modes); m++) {
			char path[1024], mode[32], memory[32];
			snprintf(path, sizeof path, "%s/%s", top, guests[g]);
			snprintf(mode, sizeof mode, "--mode=%s", modes[m]);
			snprintf(memory, sizeof memory, "--memory=%d", BIG_GUEST_KIB);
			char *argv[] = { (char *)traplab, "run", mode, memory, path, NULL };
			long kib;
			spawn_once(argv, 0, &kib);
			double mib = kib / (double)KIB;
			printf("  %-30s %-7s %10.1f\n", guests[g], modes[m], mib);
			if (mib > worst)
				worst = mib;
			ok &= mib <= limit_mib;
		}
	printf("  worst %.1f MiB (target <= 2 x 16 + %.0f = %.0f MiB) %s\n", worst, MEMORY_SLACK_MIB,
	       limit_mib, verdict(ok));
	return ok;
}

int
main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: bench_vm TOP TRAPLAB\n");
		return 2;
	}
	part_lifecycle(argv[1]);
	bool ok = part_commands(argv[2], argv[1]);
	ok &= part_memory(argv[2], argv[1]);
	printf("\nbench/vm: targets %s\n", ok ? "all MET" : "MISSED (see above)");
	return 0;
}
