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
#include "run_report.h"
#include "support.h"

/* The tests that need /dev/kvm: a whole suite, or its tests whose names start
 * with `prefix`.  A new KVM test belongs to one of these, or it says SKIPPED
 * where there is no /dev/kvm, and the runner's last line counts it. */
static const struct test_name {
	const char *suite, *test;
} kvm_tests[] = {
	{ "kvm: x86 guests", NULL },
	{ "kvm: hostile guests", NULL },
	{ "kvm: debugging", NULL },
	{ "kvm: monitor --backend=kvm", NULL },
	{ "kvm: Linux boot protocol", "kvm: " },
	{ "kvm: gdb remote stub", "kvm: " },
	{ "kvm: Multiboot kernels", NULL },
};

/* Of those, the ones that need hardware assist: under kvm_pvm they run in the
 * SVM host only (here they could only say SKIPPED). */
static const struct test_name hardware_tests[] = {
	{ "kvm: Linux boot protocol", "kvm: initramfs shell and poweroff (hardware KVM)" },
	{ "kvm: Linux boot protocol", "kvm: initramfs shell and reboot resets (hardware KVM)" },
};

/* What the VMX host runs: Bochs interprets every instruction, ~5x slower than
 * QEMU here, and an exit costs ~180 us there, so the list -- the demo
 * guests' proofs, the mode switch stepped (by the library, the monitor and
 * gdb), Debian to its shell and poweroff -- and the tests of the debug
 * registers, which fire there and not in the SVM host (QEMU before 9.1 arms
 * no DR7 breakpoint at VMRUN: tests/kvm/kvm_support.h), so run there only.
 * Not here: a guest that spins with IF=0 (kvm_guest_interrupt's test), which
 * Bochs 2.7 never leaves for the L1 kernel's timer interrupt, so kvm_intel
 * never regains the CPU (guests/x86/vmx-host/README.md). */
static const struct vmx_test {
	const char *suite, *test;
	bool only_there;
} vmx_tests[] = {
	{ "kvm: x86 guests", "realmode.bin: ", false },
	{ "kvm: x86 guests", "modes.bin: ", false },
	{ "kvm: x86 guests", "exits.bin: ", false },
	{ "kvm: x86 guests", "uartirq.bin: ", false },
	{ "kvm: debugging", "a hardware breakpoint stops at its rip", true },
	{ "kvm: debugging", "modes.bin stepped: ", false },
	{ "kvm: debugging", "a step of rep stosb", false },
	{ "kvm: monitor --backend=kvm", "modes.bin: break set_pe/set_pg", false },
	{ "kvm: monitor --backend=kvm", "next over a call", true },
	{ "kvm: gdb remote stub", "kvm: gdb on modes.bin: ", false },
	{ "kvm: gdb remote stub", "kvm: watchpoints from DR6", true },
	{ "kvm: Linux boot protocol", "kvm: initramfs shell and poweroff", false },
};

#define COUNT(a) (sizeof (a) / sizeof (a)[0])

static bool
names(const char *suite, const char *test, const char *t_suite, const char *t_prefix)
{
	return strcmp(suite, t_suite) == 0 && (!t_prefix || strncmp(test, t_prefix, strlen(t_prefix)) == 0);
}

static bool
needs_kvm(const char *suite, const char *test)
{
	for (size_t i = 0; i < COUNT(kvm_tests); i++)
		if (names(suite, test, kvm_tests[i].suite, kvm_tests[i].test))
			return true;
	return false;
}

static bool
needs_hardware(const char *suite, const char *test)
{
	for (size_t i = 0; i < COUNT(hardware_tests); i++)
		if (strcmp(suite, hardware_tests[i].suite) == 0 && strcmp(test, hardware_tests[i].test) == 0)
			return true;
	return false;
}

/* 0: not the VMX host's; 1: it runs there too; 2: there only */
static int
vmx_takes(const char *suite, const char *test)
{
	for (size_t i = 0; i < COUNT(vmx_tests); i++)
		if (names(suite, test, vmx_tests[i].suite, vmx_tests[i].test))
			return needs_kvm(suite, test) ? 1 + vmx_tests[i].only_there : 0;
	return 0;
}

bool
kvm_delegate_picks(const char *suite, const char *test, enum kvm_pick pick)
{
	switch (pick) {
	case KVM_PICK_ALL:            return true;
	case KVM_PICK_KVM:            return needs_kvm(suite, test);
	case KVM_PICK_NOT_KVM:        return !needs_kvm(suite, test);
	case KVM_PICK_NOT_HARDWARE:   return !needs_hardware(suite, test);
	case KVM_PICK_SVM_BESIDE_VMX: return needs_kvm(suite, test) && vmx_takes(suite, test) != 2;
	case KVM_PICK_VMX:            return vmx_takes(suite, test) != 0;
	}
	return false;
}

bool
kvm_delegate_table_entry(int table, size_t i, const char **suite, const char **test)
{
	const struct test_name *t = table == 0 ? kvm_tests : table == 1 ? hardware_tests : NULL;
	size_t n = table == 0 ? COUNT(kvm_tests) : table == 1 ? COUNT(hardware_tests) : COUNT(vmx_tests);
	if (table < 0 || table > 2 || i >= n)
		return false;
	*suite = t ? t[i].suite : vmx_tests[i].suite;
	*test = t ? t[i].test : vmx_tests[i].test;
	return true;
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

/* A host's image (`image`, under BUILD) is there and no older than this
 * runner and traplab; else why, with the make target that builds it. */
static bool
host_image_ready(const char *image, const char *what, const char *target, char *why, size_t len)
{
	const char *build = build_name();
	const char *san = strcmp(build, "build-san") == 0 ? "SAN=1 " : "";
	char path[PATH_MAX + 300], kernel[PATH_MAX + 300], traplab[PATH_MAX + 300];
	snprintf(path, sizeof path, "%s/%s/%s", test_top(), build, image);
	snprintf(kernel, sizeof kernel, "%s/build/linux/vmlinuz", test_top());
	snprintf(traplab, sizeof traplab, "%s/%s/traplab", test_top(), build);
	if (!*build) {
		snprintf(why, len, "this runner is not in %s's build directory, where %s is made",
			 test_top(), what);
		return false;
	}
	if (access(kernel, R_OK) != 0 || access(path, R_OK) != 0) {
		snprintf(why, len, "%s/%s, %s with this runner, is not built: make %s%s", build, image,
			 what, san, target);
		return false;
	}
	if (mtime(path) < mtime("/proc/self/exe") || mtime(path) < mtime(traplab)) {
		snprintf(why, len, "%s/%s is older than this runner or traplab: make %s%s", build, image,
			 san, target);
		return false;
	}
	return true;
}

enum kvm_delegate_plan
kvm_delegate_plan(char *why, size_t len)
{
	char line[320], not_ready[PATH_MAX + 600];
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
	if (!host_image_ready("svm-host/with-tests.cpio.gz", "the SVM host's image", "svm-host-tests",
			      not_ready, sizeof not_ready)) {
		snprintf(why, len, "%s, and %s", line, not_ready);
		return KVM_DELEGATE_UNABLE;
	}
	snprintf(why, len, "%s", line);
	return kind == KVM_HOST_PVM ? KVM_DELEGATE_BOTH : KVM_DELEGATE_MOVE;
}

bool
kvm_delegate_vmx_ready(char *why, size_t len)
{
	const char *off = getenv("TRAPLAB_VMX_HOST");
	if (off && strcmp(off, "0") == 0) {
		snprintf(why, len, "TRAPLAB_VMX_HOST=0 keeps the tests out of the VMX host");
		return false;
	}
	if (!cli_have("bochs")) {
		snprintf(why, len, "bochs, the VMX host's CPU, is not installed: apt-get install bochs "
			 "bochsbios vgabios bochs-term (make test does it as root)");
		return false;
	}
	return host_image_ready("vmx-host/disk.img", "the VMX host's disk", "vmx-host", why, len);
}

/* The two hosts, as this file starts and reads them. */
static const struct host_info {
	const char *name;      /* its console's prefix, "svm-host" */
	const char *script;    /* under the tree's top */
	const char *cpu;       /* what its CPU is, for the runner's lines */
	const char *timeout_env;
	double timeout;        /* seconds, the whole run's watchdog */
} hosts[] = {
	/* The SVM host takes ~1.5 min here, plain or SAN=1; the VMX host ~4 min
	 * (the hosts' READMEs); one that has not ended by then is stuck,
	 * and every test in it counts as failed.  The VMX host's watchdog covers
	 * its wait for the SVM host too. */
	[KVM_TEST_SVM_HOST] = { "svm-host", "guests/x86/svm-host/run", "QEMU's software AMD-V, kvm_amd",
				"TRAPLAB_SVM_HOST_TIMEOUT", 900 },
	[KVM_TEST_VMX_HOST] = { "vmx-host", "guests/x86/vmx-host/run", "Bochs's software VT-x, kvm_intel",
				"TRAPLAB_VMX_HOST_TIMEOUT", 1800 },
};

const char *
kvm_delegate_host_name(enum kvm_test_host host)
{
	return hosts[host].name;
}

enum {
	DELEGATE_OUTPUT_MAX = 8 << 20,   /* a console is ~60 KiB; keep the tail beyond */
	DELEGATE_GRACE_S = 5,            /* from SIGTERM (the run script cleans up) to SIGKILL */
	DELEGATE_POWEROFF_S = 60,        /* from the runner's exit status there to the emulator's end */
};

struct kvm_delegate {
	pid_t pid;
	int fd;            /* the host's console, an unlinked file */
	double t0, timeout;   /* the watchdog, seconds */
	double poweroff;      /* seconds from its runner's end to its power-off */
	struct timespec started;   /* CLOCK_REALTIME, against the file's mtime */
};

/* Start `script BUILD tests SUITES` in the background, its console to an
 * unlinked file, once `after` has ended. */
static struct kvm_delegate *
delegate_spawn(const struct host_info *h, const char *script, const char *suites, bool vmx_too,
	       const struct kvm_delegate *after)
{
	char tmpl[] = "/tmp/traplab-kvm-host-XXXXXX";
	int fd = mkstemp(tmpl);
	if (fd < 0) {
		fprintf(stderr, "run-tests: the %s's console file: %s\n", h->name, strerror(errno));
		return NULL;
	}
	unlink(tmpl);
	char build[256], wait_for[64];
	snprintf(build, sizeof build, "%s", build_name());
	snprintf(wait_for, sizeof wait_for, "%d", after ? (int)after->pid : 0);
	/* The wait for `after`: until its process is gone or a zombie (we reap it
	 * only in kvm_delegate_finish), then the run script in this process. */
	char *argv[] = {
		"/bin/sh", "-c",
		"while grep -qs '^State:[^Z]*$' /proc/$0/status; do sleep 1; done; exec \"$@\"",
		wait_for, (char *)script, build, "tests", (char *)suites, NULL
	};
	/* the SVM host's kernel command line: leave the VMX host's own tests to it */
	extern char **environ;
	size_t nenv = 0;
	while (environ[nenv])
		nenv++;
	char **envp = calloc(nenv + 2, sizeof *envp), append[512];
	memcpy(envp, environ, nenv * sizeof *envp);
	if (vmx_too) {
		const char *old = getenv("SVMHOST_APPEND");
		snprintf(append, sizeof append, "SVMHOST_APPEND=%s%ssvmhost.vmx=1", old ? old : "",
			 old ? " " : "");
		envp[nenv] = append;
	}
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, fd, STDOUT_FILENO);
	posix_spawn_file_actions_adddup2(&fa, fd, STDERR_FILENO);
	posix_spawn_file_actions_addclose(&fa, fd);
	struct kvm_delegate *d = calloc(1, sizeof *d);
	int r = posix_spawn(&d->pid, "/bin/sh", &fa, NULL, argv, envp);
	posix_spawn_file_actions_destroy(&fa);
	free(envp);
	if (r != 0) {
		fprintf(stderr, "run-tests: cannot start %s: %s\n", script, strerror(r));
		close(fd);
		free(d);
		return NULL;
	}
	d->fd = fd;
	d->t0 = test_seconds();
	clock_gettime(CLOCK_REALTIME, &d->started);
	return d;
}

struct kvm_delegate *
kvm_delegate_start(enum kvm_test_host host, const char *suites, unsigned tests, bool vmx_too,
		   const struct kvm_delegate *after)
{
	const struct host_info *h = &hosts[host];
	char script[PATH_MAX + 64];
	snprintf(script, sizeof script, "%s/%s", test_top(), h->script);
	struct kvm_delegate *d = delegate_spawn(h, script, suites, vmx_too, after);
	if (!d)
		return NULL;
	const char *env = getenv(h->timeout_env);
	d->timeout = env && atof(env) > 0 ? atof(env) : h->timeout;
	d->poweroff = DELEGATE_POWEROFF_S;
	printf("run-tests: the %s %s on %u tests (%s %s tests %s)\n", h->name,
	       after ? "starts when the SVM host is done," : "started", tests, h->script,
	       build_name(), suites);
	fflush(stdout);
	return d;
}

struct kvm_delegate *
kvm_delegate_start_script(enum kvm_test_host host, const char *script, double timeout_s,
			  double poweroff_s)
{
	struct kvm_delegate *d = delegate_spawn(&hosts[host], script, "0", false, NULL);
	if (d) {
		d->timeout = timeout_s;
		d->poweroff = poweroff_s;
	}
	return d;
}

/* The console as it comes: kept whole in `all`, and printed line by line,
 * indented, from the host's first line on ("svm-host: ..."; the firmware's
 * lines before it are printed only if the run fails), terminal escapes left
 * out. */
struct console {
	const char *host;  /* "svm-host" */
	const char *end_mark;   /* init's line after the runner (kvm_delegate_status_mark) */
	bool runner_ended;      /* that line came */
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
		size_t hl = strlen(con->host);
		if (!con->started && strncmp(con->line, con->host, hl) == 0 && con->line[hl] == ':')
			con->started = true;
		if (con->started)
			printf("  %.3s | %s\n", con->host, con->line);
		if (strstr(con->line, con->end_mark))
			con->runner_ended = true;
		con->line_len = 0;
		if (c == '\n')
			return;
	}
	con->line[con->line_len++] = c;
}

/* How a host's run ended, as delegate_follow saw it. */
enum delegate_end {
	DELEGATE_EXITED,        /* the emulator exited (its status says how) */
	DELEGATE_TIMED_OUT,     /* the watchdog stopped it */
	DELEGATE_NO_POWEROFF,   /* its runner ended, its last lines came, but it did not power
				   off: stopped, and its results stand */
};

/* Stop the emulator: SIGTERM, which the run scripts pass on to it; SIGKILL
 * if that did not end it. */
static void
delegate_stop(struct kvm_delegate *d, int *status)
{
	kill(d->pid, SIGTERM);
	double sent = test_seconds();
	while (waitpid(d->pid, status, WNOHANG) == 0) {
		if (test_seconds() - sent > DELEGATE_GRACE_S) {
			kill(d->pid, SIGKILL);
			waitpid(d->pid, status, 0);
			return;
		}
		nanosleep(&(struct timespec){ .tv_nsec = 100 * 1000 * 1000 }, NULL);
	}
}

/* Follow the host's console into *con until the emulator exits, its
 * watchdog stops it, or it has not powered off within d->poweroff seconds
 * of its runner's end (its init's exit-status line). */
static enum delegate_end
delegate_follow(struct kvm_delegate *d, struct console *con, int *status)
{
	char buf[4096];
	off_t off = 0;
	double runner_ended = 0;
	enum delegate_end end = DELEGATE_EXITED;
	*status = 0;
	for (bool exited = false;;) {
		ssize_t n = pread(d->fd, buf, sizeof buf, off);
		if (n > 0) {
			off += n;
			for (ssize_t i = 0; i < n; i++)
				console_put(con, buf[i]);
			fflush(stdout);
			if (!runner_ended && con->runner_ended)
				runner_ended = test_seconds();
			continue;
		}
		if (exited)
			break;
		pid_t w = waitpid(d->pid, status, WNOHANG);
		if (w == d->pid || (w < 0 && errno == ECHILD)) {
			if (w < 0)    /* reaped by someone else: its last lines tell */
				*status = 0;
			exited = true;   /* one more read for what came last */
			continue;
		}
		if (test_seconds() - d->t0 > d->timeout)
			end = DELEGATE_TIMED_OUT;
		else if (runner_ended && test_seconds() - runner_ended > d->poweroff)
			end = DELEGATE_NO_POWEROFF;
		if (end != DELEGATE_EXITED) {
			delegate_stop(d, status);
			exited = true;
			continue;
		}
		nanosleep(&(struct timespec){ .tv_nsec = 100 * 1000 * 1000 }, NULL);
	}
	if (con->line_len)
		console_put(con, '\n');
	return end;
}

/* The whole run failed: its tests count as failed, and the report says why
 * and where its console shows it had got to. */
static int
delegate_failed(const struct host_info *h, unsigned tests, const char *why, const char *console,
		double took, struct kvm_delegate_counts *c, struct run_failures *failures)
{
	char last[200] = "", what[400];
	if (console)
		kvm_delegate_last_test(console, last, sizeof last);
	snprintf(what, sizeof what, "all %u tests (%s; %s%s)", tests, why,
		 *last ? "the last test that started there: " : "no test started there", last);
	run_report_note_failure(failures, h->name, what);
	if (console)
		printf("run-tests: the %s run FAILED after %.0f s: %s; its %u tests count as failed\n",
		       h->name, took, why, tests);
	else
		printf("run-tests: the %s did not start: its %u tests count as failed\n", h->name,
		       tests);
	c->failed += tests;
	c->ran += tests;
	return -1;
}

int
kvm_delegate_finish(struct kvm_delegate *d, enum kvm_test_host host, unsigned tests,
		    struct kvm_delegate_counts *c, struct run_failures *failures)
{
	const struct host_info *h = &hosts[host];
	if (!d)
		return delegate_failed(h, tests, "it did not start", NULL, 0, c, failures);
	printf("\nrun-tests: the %s's console (its tests' output is indented there too):\n", h->name);
	char end_mark[KVM_DELEGATE_MARK_MAX];
	kvm_delegate_status_mark(host, end_mark, sizeof end_mark);
	struct console con = { .host = h->name, .end_mark = end_mark, .cap = 65536 };
	con.all = malloc(con.cap);
	con.all[0] = '\0';
	int status;
	enum delegate_end end = delegate_follow(d, &con, &status);
	char *all = con.all;
	/* how long it ran: until its console's last line (the rest of this run
	 * may have gone on for longer) */
	double took = test_seconds() - d->t0;
	struct stat st;
	if (end != DELEGATE_TIMED_OUT && fstat(d->fd, &st) == 0)
		took = (double)(st.st_mtim.tv_sec - d->started.tv_sec) +
		       (st.st_mtim.tv_nsec - d->started.tv_nsec) / 1e9;

	struct kvm_delegate_counts in;
	char why[200] = "";
	if (end == DELEGATE_TIMED_OUT)
		snprintf(why, sizeof why, "no end within %.0f s: stopped", d->timeout);
	else if (!kvm_delegate_read_console(host, all, tests, &in, why, sizeof why))
		;
	else if (end == DELEGATE_NO_POWEROFF)
		printf("run-tests: the %s did not power off within %.0f s of its runner's end: "
		       "stopped; its results stand\n", h->name, d->poweroff);
	else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		snprintf(why, sizeof why, "%s exited with status %d", h->script,
			 WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	close(d->fd);
	free(d);
	if (*why && !con.started)
		printf("  %.3s | (the host never started; its console, last 3000 bytes:)\n%s\n", h->name,
		       con.len > 3000 ? all + con.len - 3000 : all);
	int rc = 0;
	if (*why) {
		rc = delegate_failed(h, tests, why, all, took, c, failures);
	} else {
		run_report_failures_from_console(failures, h->name, all);
		printf("run-tests: in the %s (%s): %u passed, %u failed, %u skipped (of %u tests) in "
		       "%.0f s\n", h->name, h->cpu, in.passed, in.failed, in.skipped, in.ran, took);
		c->passed += in.passed;
		c->failed += in.failed;
		c->skipped += in.skipped;
		c->ran += in.ran;
	}
	free(all);
	return rc;
}

void
kvm_delegate_abandon(struct kvm_delegate *d)
{
	if (d)
		kill(d->pid, SIGTERM);
}

bool
kvm_delegate_inside_ok(void)
{
	char line[320];
	enum kvm_host_kind kind = kvm_host_probe(line, sizeof line);
	if (kind != KVM_HOST_HARDWARE) {
		fprintf(stderr, "run-tests: --in-svm-host and --in-vmx-host want hardware-assisted KVM, "
			"and this is: %s\n", line);
		return false;
	}
	printf("run-tests: %s\n", line);
	return true;
}
