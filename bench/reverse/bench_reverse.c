/* bench_reverse.c — how long a student waits for `reverse-step`, and what
 * the checkpoints cost (bench/reverse; issue #17, item 3; monitor/MONITOR.md
 * "Going back").  It drives the real `traplab monitor --batch` through a
 * pipe, as a student's terminal would, on two guests under trap mode:
 *   minios (about 1.2 x 10^5 instructions) and bench/reverse/long.s (about
 *   10^8 instructions, changing a 64 KiB table all the way).
 * Each guest first runs to its end (`continue`: checkpoints are taken on
 * the way); then, at POINTS points chosen at random (seed printed, or
 * argv[3]), `goto P` and then `reverse-step`, whose wall time from the
 * command written to its answer read is the latency.  `info record` gives
 * the checkpoints' memory against the guest's.
 * Targets: reverse-step <= 20 ms on minios, <= 100 ms on the long guest
 * (the worst of the points, not the median); checkpoint memory <= 2 x the
 * guest's.  A command that does not answer is a failure, not a figure.
 */
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

enum { POINTS = 25, OUT_MAX = 1 << 20, CMD_MAX = 256 };
#define MARK "0x5eed0000"
static const double MINIOS_TARGET_MS = 20.0, LONG_TARGET_MS = 100.0, MEMORY_TARGET = 2.0;

struct monitor {
	pid_t pid;
	int in, out;
	char buf[OUT_MAX];
	size_t len;
};

static double
now_seconds(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void
start(struct monitor *m, const char *traplab, const char *guest)
{
	int to[2], from[2];
	if (pipe(to) < 0 || pipe(from) < 0)
		exit(1);
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, to[0], 0);
	posix_spawn_file_actions_adddup2(&fa, from[1], 1);
	posix_spawn_file_actions_adddup2(&fa, from[1], 2);
	posix_spawn_file_actions_addclose(&fa, to[1]);
	posix_spawn_file_actions_addclose(&fa, from[0]);
	char *argv[] = { (char *)traplab, "monitor", "--batch", "--mode=trap", (char *)guest,
			 NULL };
	if (posix_spawn(&m->pid, traplab, &fa, NULL, argv, environ) != 0) {
		fprintf(stderr, "bench/reverse: cannot start %s\n", traplab);
		exit(1);
	}
	posix_spawn_file_actions_destroy(&fa);
	close(to[0]);
	close(from[1]);
	m->in = to[1];
	m->out = from[0];
}

/* Send one command and a marker; read until the marker.  Seconds taken;
 * the command's answer is left in m->buf. */
static double
command(struct monitor *m, const char *cmd)
{
	char line[CMD_MAX];
	int n = snprintf(line, sizeof line, "%s\nprint " MARK "\n", cmd);
	m->len = 0;
	double t0 = now_seconds();
	if (write(m->in, line, (size_t)n) != n)
		exit(1);
	for (;;) {
		ssize_t got = read(m->out, m->buf + m->len, sizeof m->buf - 1 - m->len);
		if (got <= 0) {
			fprintf(stderr, "bench/reverse: the monitor stopped answering `%s`\n", cmd);
			exit(1);
		}
		m->len += (size_t)got;
		m->buf[m->len] = '\0';
		if (strstr(m->buf, MARK))
			return now_seconds() - t0;
		if (m->len + 1 >= sizeof m->buf)
			m->len = 0;         /* a long answer (console): keep reading */
	}
}

static void
stop(struct monitor *m)
{
	close(m->in);
	close(m->out);
	waitpid(m->pid, NULL, 0);
}

static unsigned long long
number_after(const char *text, const char *prefix)
{
	const char *p = strstr(text, prefix);
	return p ? strtoull(p + strlen(prefix), NULL, 10) : 0;
}

static int
by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static uint32_t
next_random(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* One guest: its run, the latencies at random points, the memory. */
static bool
bench_guest(const char *traplab, const char *guest, const char *name, double target_ms,
	    uint32_t *rng)
{
	struct monitor *m = calloc(1, sizeof *m);
	start(m, traplab, guest);
	double run = command(m, "continue");
	command(m, "info record");
	unsigned long long end = number_after(m->buf, "At guest instruction ");
	unsigned long long checkpoints = number_after(m->buf, "Checkpoints: ");
	const char *share = strstr(m->buf, "bytes, ");
	double ratio = share ? strtod(share + strlen("bytes, "), NULL) : 0;
	double ms[POINTS];
	for (int i = 0; i < POINTS; i++) {
		char cmd[CMD_MAX];
		snprintf(cmd, sizeof cmd, "goto %llu", 1 + next_random(rng) % end);
		command(m, cmd);
		ms[i] = command(m, "reverse-step") * 1e3;
		if (!strstr(m->buf, "=> ")) {
			fprintf(stderr, "bench/reverse: reverse-step answered: %s\n", m->buf);
			exit(1);
		}
	}
	stop(m);
	free(m);
	qsort(ms, POINTS, sizeof ms[0], by_value);
	bool met = ms[POINTS - 1] <= target_ms && ratio <= MEMORY_TARGET;
	printf("%-8s %12llu instructions, run with checkpoints %.0f ms, %llu checkpoints\n", name,
	       end, run * 1e3, checkpoints);
	printf("         reverse-step: median %.2f ms, worst %.2f ms of %d points (target <= %.0f "
	       "ms): %s\n", ms[POINTS / 2], ms[POINTS - 1], POINTS, target_ms,
	       ms[POINTS - 1] <= target_ms ? "MET" : "MISSED");
	printf("         checkpoint memory: %.2f x the guest's (target <= %.0f x): %s\n", ratio,
	       MEMORY_TARGET, ratio <= MEMORY_TARGET ? "MET" : "MISSED");
	return met;
}

int
main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: bench_reverse TOP TRAPLAB [SEED]\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	uint32_t seed = argc > 3 ? (uint32_t)strtoul(argv[3], NULL, 0) : (uint32_t)time(NULL);
	uint32_t rng = seed ? seed : 1;
	char minios[4096], longs[4096];
	snprintf(minios, sizeof minios, "%s/guests/pg32/minios/minios.s", argv[1]);
	snprintf(longs, sizeof longs, "%s/bench/reverse/long.s", argv[1]);
	printf("bench/reverse: reverse-step latency and checkpoint memory, trap mode (seed %u)\n",
	       seed);
	bool met = bench_guest(argv[2], minios, "minios", MINIOS_TARGET_MS, &rng);
	met &= bench_guest(argv[2], longs, "long.s", LONG_TARGET_MS, &rng);
	printf("%s\n", met ? "all targets met" : "some targets missed");
	return 0;
}
