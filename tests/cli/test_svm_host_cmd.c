/* test_svm_host_cmd.c — `traplab kvm --svm-host` and `traplab monitor
 * --backend=kvm --svm-host` (monitor/cli/svm_host.c; guests/x86/svm-host/
 * README.md "For users without VT-x"), through the real build/traplab: the
 * guest's output and exit status come back from QEMU's software AMD-V, a
 * guest named by a relative path from another directory is carried in, a
 * missing file is reported before QEMU starts, the no-KVM message names
 * --svm-host, and a monitor session in a real terminal (tmux) takes
 * `info registers`, `step`, Control-C (readline clears the line) and `quit`
 * and ends.  The runs skip (counted)
 * only without QEMU or the SVM host's image (make svm-host).  Lab 10.
 */
#include <CUnit/CUnit.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../../guests/x86/guest.h"
#include "cli_support.h"
#include "support.h"

enum { PATH_LEN = 4096, SVM_WAIT_S = 240, POLL_MS = 100 };

#define STARTING "svm-host: starting the SVM host"

/* QEMU and the host's kernel and image, else skip (counted) and false. */
static bool
svm_available(void)
{
	char kernel[PATH_LEN], image[PATH_LEN], gz[PATH_LEN];
	snprintf(kernel, sizeof kernel, "%s/build/linux/vmlinuz", test_top());
	snprintf(image, sizeof image, "%s/build/svm-host/run.cpio", test_top());
	snprintf(gz, sizeof gz, "%s/build/svm-host/initramfs.cpio.gz", test_top());
	if (!cli_have("qemu-system-x86_64")) {
		TEST_SKIP("no qemu-system-x86_64 (sudo apt-get install qemu-system-x86)");
		return false;
	}
	if (access(kernel, R_OK) != 0 || (access(image, R_OK) != 0 && access(gz, R_OK) != 0)) {
		TEST_SKIP("no SVM host image or kernel (make linux svm-host)");
		return false;
	}
	return true;
}

struct svm_run {
	int status;                /* exit status, or -1 (killed, timed out) */
	char *out, *err;           /* stdout and stderr, apart */
	double seconds;
};

static char *
slurp_fd(int fd)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = fdopen(fd, "r");
	if (f) {
		char chunk[4096];
		size_t n;
		while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
			buf = realloc(buf, len + n + 1);
			memcpy(buf + len, chunk, n);
			len += n;
		}
		fclose(f);
	}
	if (!buf)
		buf = calloc(1, 1);
	else
		buf[len] = '\0';
	return buf;
}

/* `traplab ARGS` in `dir`, stdin /dev/null, stdout and stderr to unlinked
 * files, at most SVM_WAIT_S seconds. */
static void
svm_traplab(struct svm_run *r, const char *dir, const char *const *args)
{
	const char *argv[16] = { cli_traplab() };
	for (size_t i = 0; args[i] && i + 2 < sizeof argv / sizeof *argv; i++)
		argv[i + 1] = args[i];
	char out_name[] = "/tmp/svm-test-out-XXXXXX", err_name[] = "/tmp/svm-test-err-XXXXXX";
	int out = mkstemp(out_name), err = mkstemp(err_name);
	unlink(out_name);
	unlink(err_name);
	double start = test_seconds();
	pid_t pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY);
		if (chdir(dir) != 0 || null < 0)
			_exit(126);
		dup2(null, STDIN_FILENO);
		dup2(out, STDOUT_FILENO);
		dup2(err, STDERR_FILENO);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	int status = 0;
	pid_t done = 0;
	while (pid > 0 && (done = waitpid(pid, &status, WNOHANG)) == 0 &&
	       test_seconds() - start < SVM_WAIT_S)
		usleep(POLL_MS * 1000);
	if (pid > 0 && done == 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		fprintf(stderr, "\n  traplab did not end within %d s\n", SVM_WAIT_S);
	}
	r->seconds = test_seconds() - start;
	r->status = pid > 0 && done > 0 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	lseek(out, 0, SEEK_SET);
	lseek(err, 0, SEEK_SET);
	r->out = slurp_fd(out);
	r->err = slurp_fd(err);
}

static void
svm_run_free(struct svm_run *r)
{
	free(r->out);
	free(r->err);
}

/* The guest's line on stdout, traplab's on stderr, its status 0; and the
 * reset of exits.bin comes back as 88, with --stats on stderr. */
static void
test_kvm_svm_host_output_and_status(void)
{
	if (!svm_available())
		return;
	struct svm_run r;
	const char *realmode[] = { "kvm", "--svm-host", "build/guests/x86/realmode.bin", NULL };
	svm_traplab(&r, test_top(), realmode);
	CU_ASSERT_EQUAL(r.status, 0);
	CU_ASSERT_STRING_EQUAL(r.out, REALMODE_LINE);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, STARTING));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "traplab kvm: powered off"));
	fprintf(stderr, "\n  traplab kvm --svm-host realmode.bin: %.1f s from start to exit\n",
		r.seconds);
	svm_run_free(&r);

	const char *exits[] = { "kvm", "--svm-host", "--stats", "build/guests/x86/exits.bin", NULL };
	svm_traplab(&r, test_top(), exits);
	CU_ASSERT_EQUAL(r.status, 88);      /* the guest resets: as tests/kvm expects */
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "i8042 reset"));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "MMIO"));
	CU_ASSERT_PTR_NULL(strstr(r.out, "MMIO "));   /* stderr stays apart */
	svm_run_free(&r);
}

/* realmode.bin copied to a fresh directory, named relative to it: carried in
 * at the same absolute path, the command run from the same directory. */
static void
test_kvm_svm_host_relative_path(void)
{
	if (!svm_available())
		return;
	char *dir = cli_tempdir();
	CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
	char src[PATH_LEN], cmd[3 * PATH_LEN];
	snprintf(src, sizeof src, "%s/build/guests/x86/realmode.bin", test_top());
	snprintf(cmd, sizeof cmd, "mkdir -p '%s/sub' && cp '%s' '%s/sub/guest.bin'", dir, src, dir);
	const char *sh[] = { "sh", "-c", cmd, NULL };
	CU_ASSERT_EQUAL_FATAL(cli_command(sh, NULL), 0);
	struct svm_run r;
	const char *args[] = { "kvm", "--svm-host", "sub/guest.bin", NULL };
	svm_traplab(&r, dir, args);
	CU_ASSERT_EQUAL(r.status, 0);
	CU_ASSERT_STRING_EQUAL(r.out, REALMODE_LINE);
	svm_run_free(&r);
	cli_rmtree(dir);
	free(dir);
}

/* Needs neither QEMU nor the image: the file is checked first. */
static void
test_svm_host_missing_file_first(void)
{
	struct svm_run r;
	const char *kvm[] = { "kvm", "--svm-host", "no/such/guest.bin", NULL };
	svm_traplab(&r, test_top(), kvm);
	CU_ASSERT_EQUAL(r.status, 66);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "no/such/guest.bin"));
	CU_ASSERT_PTR_NULL(strstr(r.err, STARTING));
	svm_run_free(&r);
	const char *monitor[] = { "monitor", "--backend=kvm", "--svm-host", "no/such.bin", NULL };
	svm_traplab(&r, test_top(), monitor);
	CU_ASSERT_EQUAL(r.status, 66);
	CU_ASSERT_PTR_NULL(strstr(r.err, STARTING));
	svm_run_free(&r);
	const char *pg32[] = { "monitor", "--svm-host", NULL };   /* only with --backend=kvm */
	svm_traplab(&r, test_top(), pg32);
	CU_ASSERT_EQUAL(r.status, 64);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "--backend=kvm"));
	svm_run_free(&r);
}

/* Where /dev/kvm cannot be opened: one line, why, and the exact command. */
static void
test_no_kvm_suggests_svm_host(void)
{
	int fd = open("/dev/kvm", O_RDWR);
	if (fd >= 0) {
		close(fd);
		TEST_SKIP("/dev/kvm opens here: there is no no-KVM message to check");
		return;
	}
	struct svm_run r;
	const char *kvm[] = { "kvm", "build/guests/x86/realmode.bin", NULL };
	svm_traplab(&r, test_top(), kvm);
	CU_ASSERT_EQUAL(r.status, 69);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "/dev/kvm"));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "traplab kvm --svm-host build/guests/x86/realmode.bin"));
	const char *nl = strchr(r.err, '\n');
	CU_ASSERT(nl && nl[1] == '\0');               /* one line */
	svm_run_free(&r);
	const char *monitor[] = { "monitor", "--backend=kvm", "build/guests/x86/modes.bin", NULL };
	svm_traplab(&r, test_top(), monitor);
	CU_ASSERT_EQUAL(r.status, 69);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "traplab monitor --svm-host --backend=kvm "
					     "build/guests/x86/modes.bin"));
	svm_run_free(&r);
}

/* ---- a real terminal: tmux ---------------------------------------------------------- */

static char *
tmux_screen(const char *sock)
{
	char *out = NULL;
	const char *argv[] = { "tmux", "-L", sock, "capture-pane", "-p", "-t", sock, NULL };
	cli_command(argv, &out);
	return out;
}

static bool
tmux_wait(const char *sock, const char *needle, int seconds)
{
	double start = test_seconds();
	for (;;) {
		char *screen = tmux_screen(sock);
		bool seen = screen && strstr(screen, needle);
		if (seen || test_seconds() - start > seconds) {
			if (!seen)
				fprintf(stderr, "\n  waited for \"%s\"; the screen:\n%s\n", needle,
					screen ? screen : "(none)");
			free(screen);
			return seen;
		}
		free(screen);
		usleep(POLL_MS * 1000);
	}
}

static void
tmux_type(const char *sock, const char *line)
{
	const char *text[] = { "tmux", "-L", sock, "send-keys", "-t", sock, "-l", line, NULL };
	const char *enter[] = { "tmux", "-L", sock, "send-keys", "-t", sock, "Enter", NULL };
	cli_command(text, NULL);
	cli_command(enter, NULL);
}

static void
test_monitor_svm_host_in_terminal(void)
{
	if (!svm_available())
		return;
	if (!cli_have("tmux")) {
		TEST_SKIP("tmux not installed");
		return;
	}
	char sock[64], shell[3 * PATH_LEN], top[PATH_LEN];
	snprintf(sock, sizeof sock, "traplab-svm-test-%ld", (long)getpid());
	CU_ASSERT_PTR_NOT_NULL_FATAL(realpath(test_top(), top));
	snprintf(shell, sizeof shell, "cd '%s' && '%s' monitor --backend=kvm --svm-host "
		 "build/guests/x86/modes.bin; echo \"session ended: $?\"; sleep 60", top,
		 cli_traplab());
	const char *start[] = { "tmux", "-L", sock, "-f", "/dev/null", "new-session", "-d", "-s",
				sock, "-x", "120", "-y", "50", shell, NULL };
	CU_ASSERT_EQUAL_FATAL(cli_command(start, NULL), 0);
	CU_ASSERT(tmux_wait(sock, STARTING, 10));
	CU_ASSERT(tmux_wait(sock, "(traplab)", SVM_WAIT_S));   /* readline's prompt */
	tmux_type(sock, "info registers");
	CU_ASSERT(tmux_wait(sock, "rsp      0x000000000000fff0", 30));
	tmux_type(sock, "step");
	CU_ASSERT(tmux_wait(sock, "=> 0x00007c", 30));
	/* Control-C reaches readline there: it clears the line typed */
	const char *text[] = { "tmux", "-L", sock, "send-keys", "-t", sock, "-l", "garbage", NULL };
	const char *ctrl_c[] = { "tmux", "-L", sock, "send-keys", "-t", sock, "C-c", NULL };
	cli_command(text, NULL);
	CU_ASSERT(tmux_wait(sock, "(traplab) garbage", 30));
	cli_command(ctrl_c, NULL);
	tmux_type(sock, "print 6*7");
	CU_ASSERT(tmux_wait(sock, "2a  42", 30));    /* print: hex, then decimal */
	char *screen = tmux_screen(sock);
	CU_ASSERT_PTR_NULL(screen ? strstr(screen, "unknown command") : "no screen");
	free(screen);
	tmux_type(sock, "quit");
	CU_ASSERT(tmux_wait(sock, "session ended: 0", 60));
	const char *kill[] = { "sh", "-c", "tmux -L \"$0\" kill-server 2>/dev/null; true", sock,
			       NULL };
	cli_command(kill, NULL);
}

static CU_TestInfo tests[] = {
	{ "svm host: kvm --svm-host gives the guest's output and status", test_kvm_svm_host_output_and_status },
	{ "svm host: a relative guest path from another directory", test_kvm_svm_host_relative_path },
	{ "svm host: a missing file is reported before QEMU starts", test_svm_host_missing_file_first },
	{ "svm host: without /dev/kvm the message suggests --svm-host", test_no_kvm_suggests_svm_host },
	{ "svm host: monitor --backend=kvm --svm-host in a terminal (tmux)", test_monitor_svm_host_in_terminal },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_cli_svm_host_cmd = { "cli: svm host", NULL, NULL, NULL, NULL, tests };
