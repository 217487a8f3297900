/* kvm_delegate.c — see kvm_delegate.h. */
#include "kvm_delegate.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli_support.h"
#include "kvm.h"
#include "support.h"

enum {
	/* The watchdog on the whole SVM host run.  It takes ~1 min here, plain
	 * or SAN=1 (guests/x86/svm-host/README.md); a run that has not ended
	 * by then is stuck, and every test in it counts as failed.
	 * TRAPLAB_SVM_HOST_TIMEOUT=seconds sets another. */
	DELEGATE_TIMEOUT_S = 900,
	DELEGATE_OUTPUT_MAX = 8 << 20,   /* its console is ~60 KiB; keep the tail beyond */
};

/* The tests that need /dev/kvm: a whole suite, or its tests whose names start
 * with `prefix`.  A new KVM test belongs to one of these, or it says SKIPPED
 * where there is no /dev/kvm, and the runner's last line counts it. */
static const struct {
	const char *suite, *prefix;
} kvm_tests[] = {
	{ "kvm: x86 guests", NULL },
	{ "kvm: debugging", NULL },
	{ "kvm: monitor --backend=kvm", NULL },
	{ "kvm: Linux boot protocol", "kvm: " },
	{ "kvm: gdb remote stub", "kvm: " },
};

/* Of those, the ones that need hardware assist: under kvm_pvm they run in the
 * SVM host only (here they could only say SKIPPED). */
static const struct {
	const char *suite, *test;
} hardware_tests[] = {
	{ "kvm: Linux boot protocol", "kvm: initramfs shell and poweroff (hardware KVM)" },
	{ "kvm: Linux boot protocol", "kvm: initramfs shell and reboot resets (hardware KVM)" },
};

#define COUNT(a) (sizeof (a) / sizeof (a)[0])

bool
kvm_delegate_needs_kvm(const char *suite, const char *test)
{
	for (size_t i = 0; i < COUNT(kvm_tests); i++)
		if (strcmp(suite, kvm_tests[i].suite) == 0)
			return !kvm_tests[i].prefix ||
			       strncmp(test, kvm_tests[i].prefix, strlen(kvm_tests[i].prefix)) == 0;
	return false;
}

bool
kvm_delegate_needs_hardware(const char *suite, const char *test)
{
	for (size_t i = 0; i < COUNT(hardware_tests); i++)
		if (strcmp(suite, hardware_tests[i].suite) == 0 && strcmp(test, hardware_tests[i].test) == 0)
			return true;
	return false;
}

/* The build directory of this runner (TOP/build/tests/run-tests -> "build"),
 * or "" if the runner is not in the tree's build directory. */
static const char *
build_name(void)
{
	static char name[256];
	char exe[PATH_MAX], dir[PATH_MAX + 300], real[PATH_MAX], top[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n <= 0)
		return "";
	exe[n] = '\0';
	char *build = dirname(dirname(exe));   /* .../BUILD */
	snprintf(name, sizeof name, "%s", basename(build));
	snprintf(dir, sizeof dir, "%s/%s", test_top(), name);
	if (!realpath(dir, real) || !realpath(build, top) || strcmp(real, top) != 0)
		return "";
	return name;
}

static double
mtime(const char *path)
{
	struct stat st;
	if (stat(path, &st) != 0)
		return -1;
	return st.st_mtim.tv_sec + st.st_mtim.tv_nsec / 1e9;
}

enum kvm_delegate_plan
kvm_delegate_plan(char *why, size_t len)
{
	char line[320];
	enum kvm_host_kind kind = kvm_host_probe(line, sizeof line);
	if (kind == KVM_HOST_HARDWARE) {
		snprintf(why, len, "%s", line);
		return KVM_DELEGATE_HERE;
	}
	const char *off = getenv("TRAPLAB_SVM_HOST");
	if (off && strcmp(off, "0") == 0) {
		snprintf(why, len, "%s; TRAPLAB_SVM_HOST=0 keeps them out of the SVM host", line);
		return KVM_DELEGATE_UNABLE;
	}
	if (!cli_have("qemu-system-x86_64")) {
		snprintf(why, len, "%s, and qemu-system-x86_64, the SVM host's CPU, is not installed: "
			 "apt-get install qemu-system-x86 (make test does it as root)", line);
		return KVM_DELEGATE_UNABLE;
	}
	const char *build = build_name();
	if (!*build) {
		snprintf(why, len, "%s, and this runner is not in %s's build directory, where the SVM "
			 "host's image is made", line, test_top());
		return KVM_DELEGATE_UNABLE;
	}
	char image[PATH_MAX + 300], kernel[PATH_MAX + 300], traplab[PATH_MAX + 300];
	const char *san = strcmp(build, "build-san") == 0 ? "SAN=1 " : "";
	snprintf(image, sizeof image, "%s/%s/svm-host/with-tests.cpio.gz", test_top(), build);
	snprintf(kernel, sizeof kernel, "%s/build/linux/vmlinuz", test_top());
	snprintf(traplab, sizeof traplab, "%s/%s/traplab", test_top(), build);
	if (access(kernel, R_OK) != 0 || access(image, R_OK) != 0) {
		snprintf(why, len, "%s, and %s/svm-host/with-tests.cpio.gz, the SVM host's image with this "
			 "runner, is not built: make %ssvm-host-tests", line, build, san);
		return KVM_DELEGATE_UNABLE;
	}
	if (mtime(image) < mtime("/proc/self/exe") || mtime(image) < mtime(traplab)) {
		snprintf(why, len, "%s, and %s/svm-host/with-tests.cpio.gz is older than this runner or "
			 "traplab: make %ssvm-host-tests", line, build, san);
		return KVM_DELEGATE_UNABLE;
	}
	snprintf(why, len, "%s", line);
	return kind == KVM_HOST_PVM ? KVM_DELEGATE_BOTH : KVM_DELEGATE_MOVE;
}

struct kvm_delegate {
	pid_t pid;
	int fd;            /* the host's console, an unlinked file */
	double t0, timeout;   /* the watchdog, seconds */
	struct timespec started;   /* CLOCK_REALTIME, against the file's mtime */
};

struct kvm_delegate *
kvm_delegate_start(const char *suites, unsigned tests)
{
	char script[PATH_MAX + 64], tmpl[] = "/tmp/traplab-svm-host-XXXXXX";
	snprintf(script, sizeof script, "%s/guests/x86/svm-host/run", test_top());
	int fd = mkstemp(tmpl);
	if (fd < 0) {
		fprintf(stderr, "run-tests: the SVM host's console file: %s\n", strerror(errno));
		return NULL;
	}
	unlink(tmpl);
	char build[256];
	snprintf(build, sizeof build, "%s", build_name());
	char *argv[] = { script, build, "tests", (char *)suites, NULL };
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, fd, STDOUT_FILENO);
	posix_spawn_file_actions_adddup2(&fa, fd, STDERR_FILENO);
	posix_spawn_file_actions_addclose(&fa, fd);
	extern char **environ;
	struct kvm_delegate *d = calloc(1, sizeof *d);
	int r = posix_spawn(&d->pid, script, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (r != 0) {
		fprintf(stderr, "run-tests: cannot start %s: %s\n", script, strerror(r));
		close(fd);
		free(d);
		return NULL;
	}
	d->fd = fd;
	d->t0 = test_seconds();
	const char *env = getenv("TRAPLAB_SVM_HOST_TIMEOUT");
	d->timeout = env && atof(env) > 0 ? atof(env) : DELEGATE_TIMEOUT_S;
	clock_gettime(CLOCK_REALTIME, &d->started);
	printf("run-tests: the SVM host started on %u tests (guests/x86/svm-host/run %s tests %s)\n",
	       tests, build, suites);
	fflush(stdout);
	return d;
}

/* The console as it comes: kept whole in `all`, and printed line by line,
 * indented, from the host's first line on ("svm-host: ..."; the firmware's
 * lines before it are printed only if the run fails), terminal escapes left
 * out. */
struct console {
	char *all;
	size_t len, cap;
	char line[1024];
	size_t line_len;
	bool started;      /* the host's first line came */
	int escape;        /* 0; 1 after ESC; 2 inside ESC [ ... */
};

static void
console_put(struct console *con, char c)
{
	if (con->len + 2 > con->cap) {
		if (con->cap < DELEGATE_OUTPUT_MAX) {
			con->cap *= 2;
			con->all = realloc(con->all, con->cap);
		} else {
			con->len = 0;   /* runaway output: keep the tail */
		}
	}
	if (c != '\r')
		con->all[con->len++] = c;
	con->all[con->len] = '\0';
	if (con->escape == 1) {
		con->escape = c == '[' ? 2 : 0;
		return;
	}
	if (con->escape == 2) {
		if (c >= 0x40 && c <= 0x7e)
			con->escape = 0;
		return;
	}
	if (c == 0x1b) {
		con->escape = 1;
		return;
	}
	if (c == '\r')
		return;
	if (c == '\n' || con->line_len + 1 >= sizeof con->line) {
		con->line[con->line_len] = '\0';
		if (!con->started && strncmp(con->line, "svm-host: ", 10) == 0)
			con->started = true;
		if (con->started)
			printf("  svm | %s\n", con->line);
		con->line_len = 0;
		if (c == '\n')
			return;
	}
	con->line[con->line_len++] = c;
}

int
kvm_delegate_finish(struct kvm_delegate *d, unsigned tests, struct kvm_delegate_counts *c)
{
	if (!d) {
		printf("run-tests: the SVM host did not start: its %u tests count as failed\n", tests);
		c->failed += tests;
		c->ran += tests;
		return -1;
	}
	printf("\nrun-tests: the SVM host's console (its tests' output is indented there too):\n");
	struct console con = { .cap = 65536 };
	con.all = malloc(con.cap);
	con.all[0] = '\0';
	char buf[4096];
	off_t off = 0;
	bool exited = false, timed_out = false;
	int status = 0;
	for (;;) {
		ssize_t n = pread(d->fd, buf, sizeof buf, off);
		if (n > 0) {
			off += n;
			for (ssize_t i = 0; i < n; i++)
				console_put(&con, buf[i]);
			fflush(stdout);
			continue;
		}
		if (exited)
			break;
		pid_t w = waitpid(d->pid, &status, WNOHANG);
		if (w == d->pid || (w < 0 && errno == ECHILD)) {
			if (w < 0)    /* reaped by someone else: its last lines tell */
				status = 0;
			exited = true;   /* one more read for what came last */
			continue;
		}
		if (test_seconds() - d->t0 > d->timeout) {
			kill(d->pid, SIGKILL);
			waitpid(d->pid, &status, 0);
			timed_out = exited = true;
			continue;
		}
		nanosleep(&(struct timespec){ .tv_nsec = 100 * 1000 * 1000 }, NULL);
	}
	if (con.line_len)
		console_put(&con, '\n');
	char *all = con.all;
	/* how long it ran: until its console's last line (the rest of this run
	 * may have gone on for longer) */
	double took = test_seconds() - d->t0;
	struct stat st;
	if (!timed_out && fstat(d->fd, &st) == 0)
		took = (double)(st.st_mtim.tv_sec - d->started.tv_sec) +
		       (st.st_mtim.tv_nsec - d->started.tv_nsec) / 1e9;
	double d_timeout = d->timeout;
	close(d->fd);
	free(d);

	/* The runner's last line there, then init's line with its exit status. */
	struct kvm_delegate_counts in = { 0, 0, 0, 0 };
	const char *last = NULL, *status_line = NULL;
	for (const char *p = all; (p = strstr(p, "run-tests: ")) != NULL; p++)
		if (sscanf(p, "run-tests: %u passed, %u failed, %u skipped (of %u tests", &in.passed,
			   &in.failed, &in.skipped, &in.ran) == 4)
			last = p;
	int inner_rc = -1;
	for (const char *p = all; (p = strstr(p, "svm-host: run-tests exit status ")) != NULL; p++)
		if (sscanf(p, "svm-host: run-tests exit status %d", &inner_rc) == 1)
			status_line = p;
	char why[200] = "";
	if (timed_out)
		snprintf(why, sizeof why, "no end within %.0f s: QEMU killed", d_timeout);
	else if (!last)
		snprintf(why, sizeof why, "no \"run-tests: N passed, ...\" line from the runner there");
	else if (!status_line)
		snprintf(why, sizeof why, "no \"svm-host: run-tests exit status\" line");
	else if (in.ran != tests)
		snprintf(why, sizeof why, "%u tests ran there, not %u (a stale image? make svm-host-tests)",
			 in.ran, tests);
	else if (inner_rc != 0 && in.failed == 0)
		snprintf(why, sizeof why, "the runner there exited with %d", inner_rc);
	else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		snprintf(why, sizeof why, "QEMU exited with status %d", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	if (*why && !con.started)
		printf("  svm | (the host never started; its console, last 3000 bytes:)\n%s\n",
		       con.len > 3000 ? all + con.len - 3000 : all);
	free(all);
	if (*why) {
		printf("run-tests: the SVM host run FAILED after %.0f s: %s; its %u tests count as failed\n",
		       took, why, tests);
		c->failed += tests;
		c->ran += tests;
		return -1;
	}
	printf("run-tests: in the SVM host: %u passed, %u failed, %u skipped (of %u tests) in %.0f s\n",
	       in.passed, in.failed, in.skipped, in.ran, took);
	c->passed += in.passed;
	c->failed += in.failed;
	c->skipped += in.skipped;
	c->ran += in.ran;
	return 0;
}

bool
kvm_delegate_inside_ok(void)
{
	char line[320];
	enum kvm_host_kind kind = kvm_host_probe(line, sizeof line);
	if (kind != KVM_HOST_HARDWARE) {
		fprintf(stderr, "run-tests: --in-svm-host wants hardware-assisted KVM, and this is: %s\n", line);
		return false;
	}
	printf("run-tests: %s\n", line);
	return true;
}
