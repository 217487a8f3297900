/* cli_support.c — helpers for the command-line tests (cli_support.h). */
#include "cli_support.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <libgen.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "support.h"

extern char **environ;

enum { CLI_PATH = 4096, CLI_ARGS = 32, CLI_CHUNK = 4096, CLI_POLL_MS = 20,
       CLI_COMMAND_WAITS = 12 };   /* cli_command's deadline, in cli_wait_ms()s: a make, a tmux */

const char *
cli_traplab(void)
{
	static char path[CLI_PATH];
	const char *env = getenv("TRAPLAB_BIN");
	if (env && *env)
		return env;
	char exe[CLI_PATH];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = '\0';
		/* .../BUILD/tests/run-tests -> .../BUILD/traplab */
		char *tests = dirname(exe);
		char *build = dirname(tests);
		snprintf(path, sizeof path, "%s/traplab", build);
		if (access(path, X_OK) == 0)
			return path;
	}
	snprintf(path, sizeof path, "%s/build/traplab", test_top());
	return path;
}

static long
cli_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

int
cli_spawn(struct cli_proc *p, const char *const *args)
{
	int in[2], out[2];
	if (pipe(in) < 0)
		return -1;
	if (pipe(out) < 0) {
		close(in[0]);
		close(in[1]);
		return -1;
	}
	const char *argv[CLI_ARGS];
	int argc = 0;
	argv[argc++] = cli_traplab();
	for (int i = 0; args[i] && argc < CLI_ARGS - 1; i++)
		argv[argc++] = args[i];
	argv[argc] = NULL;
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in[0], STDIN_FILENO);
	posix_spawn_file_actions_adddup2(&fa, out[1], STDOUT_FILENO);
	posix_spawn_file_actions_adddup2(&fa, out[1], STDERR_FILENO);
	posix_spawn_file_actions_addclose(&fa, in[0]);
	posix_spawn_file_actions_addclose(&fa, in[1]);
	posix_spawn_file_actions_addclose(&fa, out[0]);
	posix_spawn_file_actions_addclose(&fa, out[1]);
	posix_spawn_file_actions_addchdir_np(&fa, test_top());
	int rc = posix_spawn(&p->pid, argv[0], &fa, NULL, (char *const *)argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(in[0]);
	close(out[1]);
	if (rc != 0) {
		fprintf(stderr, "cli_spawn %s: %s\n", argv[0], strerror(rc));
		close(in[1]);
		close(out[0]);
		return -1;
	}
	p->in = in[1];
	p->out = out[0];
	return 0;
}

/* Append whatever is readable within `timeout_ms`; false at end of file. */
static bool
cli_read_some(int fd, char **buf, size_t *len, int timeout_ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	if (poll(&pfd, 1, timeout_ms) <= 0)
		return true;
	char chunk[CLI_CHUNK];
	ssize_t n = read(fd, chunk, sizeof chunk);
	if (n <= 0)
		return false;
	char *bigger = realloc(*buf, *len + (size_t)n + 1);
	if (!bigger)
		return false;
	memcpy(bigger + *len, chunk, (size_t)n);
	*len += (size_t)n;
	bigger[*len] = '\0';
	*buf = bigger;
	return true;
}

bool
cli_read_until(struct cli_proc *p, char **buf, size_t *len, const char *needle, int timeout_ms)
{
	long deadline = cli_now_ms() + timeout_ms;
	while (!(*buf && strstr(*buf, needle))) {
		long left = deadline - cli_now_ms();
		if (left <= 0 || !cli_read_some(p->out, buf, len, (int)left))
			return *buf && strstr(*buf, needle);
	}
	return true;
}

/* Read `fd` to its end, then reap `pid`, both within `wait_ms`; killed
 * (and said, naming `what`) if it has not ended by then, so that a program
 * that hangs fails its test, not the run.  Its exit status, or -1. */
static int
cli_collect(pid_t pid, int fd, char **buf, size_t *len, long wait_ms, const char *what)
{
	long deadline = cli_now_ms() + wait_ms;
	while (cli_now_ms() < deadline && cli_read_some(fd, buf, len, CLI_POLL_MS * 10))
		;
	close(fd);
	int status = 0;
	pid_t done;
	while ((done = waitpid(pid, &status, WNOHANG)) == 0 && cli_now_ms() < deadline)
		usleep(CLI_POLL_MS * 1000);
	if (!*buf) {                    /* callers search it: never NULL */
		*buf = calloc(1, 1);
		*len = 0;
	}
	if (done == 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		fprintf(stderr, "%s did not finish within %ld ms: killed\n", what, wait_ms);
		return -1;
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int
cli_finish(struct cli_proc *p, char **buf, size_t *len)
{
	if (p->in >= 0)
		close(p->in);
	p->in = -1;
	return cli_collect(p->pid, p->out, buf, len, cli_wait_ms(), "traplab");
}

/* A sanitizer build's traplab runs several times slower: the paged CRC
 * without its TLB (tests/machine/test_tlb.c, 2 * 10^8 instructions) takes
 * ~5 s under ASan on a busy 2-core machine, where it takes 1 s plain. */
#if defined(__SANITIZE_ADDRESS__)
enum { CLI_SANITIZER_SLOWDOWN = 4 };
#else
enum { CLI_SANITIZER_SLOWDOWN = 1 };
#endif

long
cli_wait_ms(void)
{
	const char *scale = getenv("TRAPLAB_TEST_SLOWDOWN");
	long factor = scale ? strtol(scale, NULL, 10) : 1;
	return CLI_WAIT_MS * CLI_SANITIZER_SLOWDOWN * (factor > 1 ? factor : 1);
}

int
cli_run(const char *const *args, const char *input, char **output)
{
	struct cli_proc p;
	size_t len = 0;
	*output = NULL;
	if (cli_spawn(&p, args) < 0) {
		*output = calloc(1, 1);    /* callers search it: never NULL */
		return -1;
	}
	/* inputs are small: they fit in the pipe, so this cannot block on output */
	size_t n = strlen(input), done = 0;
	while (done < n) {
		ssize_t w = write(p.in, input + done, n - done);
		if (w <= 0)
			break;
		done += (size_t)w;
	}
	return cli_finish(&p, output, &len);
}

char *
cli_tempdir(void)
{
	char tmpl[] = "/tmp/traplab-test-XXXXXX";
	if (!mkdtemp(tmpl))
		return NULL;
	return strdup(tmpl);
}

static int
cli_rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

void
cli_rmtree(const char *dir)
{
	if (dir)
		nftw(dir, cli_rm_one, 8, FTW_DEPTH | FTW_PHYS);
}

bool
cli_have(const char *program)
{
	const char *path = getenv("PATH");
	char file[CLI_PATH];
	for (const char *p = path ? path : "/usr/bin:/bin"; *p;) {
		size_t n = strcspn(p, ":");
		snprintf(file, sizeof file, "%.*s/%s", (int)n, p, program);
		if (n && access(file, X_OK) == 0)
			return true;
		p += n;
		p += strspn(p, ":");
	}
	return false;
}

int
cli_write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f) == 0 ? 0 : -1;
}

int
cli_command(const char *const *argv, char **out)
{
	int fds[2];
	if (pipe(fds) < 0)
		return -1;
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fds[1], STDOUT_FILENO);
	posix_spawn_file_actions_addclose(&fa, fds[0]);
	posix_spawn_file_actions_addclose(&fa, fds[1]);
	pid_t pid;
	int rc = posix_spawnp(&pid, argv[0], &fa, NULL, (char *const *)argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(fds[1]);
	if (rc != 0) {
		close(fds[0]);
		return -1;
	}
	char *buf = NULL;
	size_t len = 0;
	rc = cli_collect(pid, fds[0], &buf, &len, cli_wait_ms() * CLI_COMMAND_WAITS, argv[0]);
	if (out)
		*out = buf;
	else
		free(buf);
	return rc;
}
