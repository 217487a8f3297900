/* test_gdbstub.c — the GDB remote stub of `traplab kvm --gdb=PORT`
 * (kvm-backend/gdbstub*.c).  The wire (checksums, framing, hex, the target
 * description) is tested here without KVM; the sessions run Debian's own
 * gdb in batch mode against the real `traplab kvm --gdb` on modes.bin and
 * need /dev/kvm (the runner moves the "kvm: " tests into the SVM host where
 * this machine has none; tests/kvm/kvm_delegate.c).
 */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli_support.h"
#include "gdbstub.h"
#include "kvm.h"
#include "kvm_support.h"
#include "support.h"

extern char **environ;

enum { GDB_WAIT_MS = 180000,          /* gdb under the SVM host's TCG is slow to start */
       MODES_LOAD = 0x7c00 };

#define ASSERT_HAS(text, needle)                                                        \
	do {                                                                            \
		if (!strstr((text), (needle)))                                          \
			fprintf(stderr, "\n  expected \"%s\" in:\n%s\n", (needle), (text)); \
		CU_ASSERT_PTR_NOT_NULL(strstr((text), (needle)));                      \
	} while (0)

/* ---- the wire, without KVM ------------------------------------------------------- */

static void
test_wire(void)
{
	CU_ASSERT_EQUAL(gdb_checksum("OK", 2), 0x9a);
	char hex[16];
	gdb_hex_encode(hex, (const uint8_t *)"\x01\xab\xff", 3);
	CU_ASSERT_STRING_EQUAL(hex, "01abff");
	uint8_t b[4];
	CU_ASSERT_EQUAL(gdb_hex_decode(b, sizeof b, "01ABff", 6), 3);
	CU_ASSERT(b[0] == 1 && b[1] == 0xab && b[2] == 0xff);
	CU_ASSERT_EQUAL(gdb_hex_decode(b, sizeof b, "zz", 2), -1);
	const char *end;
	CU_ASSERT_EQUAL(gdb_parse_hex("7c2b,1", &end), 0x7c2b);
	CU_ASSERT_STRING_EQUAL(end, "1");

	int sv[2];
	CU_ASSERT_EQUAL_FATAL(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	struct gdb_conn c = { .fd = sv[0] };
	/* a packet with a bad checksum is refused ('-'), a good one taken ('+'),
	 * an escaped '}' undone, and a bare 0x03 is the interrupt */
	const char wire[] = "$m0,4#00$m0,4#fd$X}]#32\x03";
	CU_ASSERT_EQUAL(write(sv[1], wire, sizeof wire - 1), (ssize_t)sizeof wire - 1);
	CU_ASSERT_EQUAL(gdb_read_packet(&c), 1);
	CU_ASSERT_STRING_EQUAL(c.in, "m0,4");
	CU_ASSERT_EQUAL(gdb_read_packet(&c), 1);
	CU_ASSERT_STRING_EQUAL(c.in, "X}");
	CU_ASSERT_EQUAL(gdb_read_packet(&c), 3);
	char acks[8] = "";
	CU_ASSERT_EQUAL(read(sv[1], acks, sizeof acks - 1), 3);
	CU_ASSERT_STRING_EQUAL(acks, "-++");
	CU_ASSERT_EQUAL(write(sv[1], "+", 1), 1);      /* GDB's ack of our reply */
	CU_ASSERT_EQUAL(gdb_send_packet(&c, "OK"), 0);
	char got[16] = "";
	CU_ASSERT_EQUAL(read(sv[1], got, sizeof got - 1), 6);
	CU_ASSERT_STRING_EQUAL(got, "$OK#9a");
	close(sv[1]);
	CU_ASSERT_EQUAL(gdb_read_packet(&c), 0);        /* GDB went away */
	close(sv[0]);
}

static void
test_target_xml(void)
{
	const char *xml = gdb_target_xml();
	ASSERT_HAS(xml, "<architecture>i386:x86-64</architecture>");
	ASSERT_HAS(xml, "<feature name=\"org.gnu.gdb.i386.core\">");
	ASSERT_HAS(xml, "<reg name=\"rip\" bitsize=\"64\" type=\"code_ptr\" regnum=\"16\"/>");
	ASSERT_HAS(xml, "<reg name=\"st0\" bitsize=\"80\" type=\"i387_ext\"");
	ASSERT_HAS(xml, "<reg name=\"cr0\" bitsize=\"64\" type=\"int64\" regnum=\"42\"/>");
	ASSERT_HAS(xml, "<reg name=\"efer\" bitsize=\"64\" type=\"int64\" regnum=\"47\"/>");
	/* qXfer: 'm' while more follows, 'l' with the last piece, "l" past the end */
	char out[64];
	gdb_xfer_chunk(out, sizeof out, xml, 0, 5);
	CU_ASSERT_STRING_EQUAL(out, "m<?xml");
	size_t n = strlen(xml);
	gdb_xfer_chunk(out, sizeof out, xml, n - 9, 100);
	CU_ASSERT_STRING_EQUAL(out, "l</target>");
	gdb_xfer_chunk(out, sizeof out, xml, n, 100);
	CU_ASSERT_STRING_EQUAL(out, "l");
	/* the g packet: 16 GPRs, rip, eflags, 6 segments, x87, fs/gs base, 6 system */
	unsigned bytes = 0;
	for (unsigned i = 0; i < GDB_NREGS; i++)
		bytes += gdb_regs[i].size;
	CU_ASSERT_EQUAL(bytes, 340);
}

/* ---- sessions with Debian's gdb ------------------------------------------------------ */

/* Runs argv with stdout and stderr captured, for at most GDB_WAIT_MS; with
 * `sigint_after` > 0, sends it SIGINT (Control-C) once, that many seconds after
 * `needle` appeared in its output. */
static int
run_capture_int(const char *const *argv, char **out, const char *needle, int sigint_after)
{
	int fds[2];
	*out = calloc(1, 1);
	if (pipe(fds) < 0)
		return -1;
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fds[1], STDOUT_FILENO);
	posix_spawn_file_actions_adddup2(&fa, fds[1], STDERR_FILENO);
	posix_spawn_file_actions_addclose(&fa, fds[0]);
	pid_t pid;
	int rc = posix_spawnp(&pid, argv[0], &fa, NULL, (char *const *)argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(fds[1]);
	if (rc != 0) {
		close(fds[0]);
		return -1;
	}
	size_t len = 0;
	time_t deadline = time(NULL) + GDB_WAIT_MS / 1000, when = 0;
	for (;;) {
		struct pollfd p = { .fd = fds[0], .events = POLLIN };
		if (sigint_after > 0 && !when && needle && strstr(*out, needle))
			when = time(NULL) + sigint_after;
		if (when && time(NULL) >= when) {
			kill(pid, SIGINT);
			sigint_after = 0;
			when = 0;
		}
		if (time(NULL) > deadline) {
			kill(pid, SIGKILL);
			break;
		}
		if (poll(&p, 1, 1000) <= 0)
			continue;
		char chunk[4096];
		ssize_t n = read(fds[0], chunk, sizeof chunk);
		if (n <= 0)
			break;
		*out = realloc(*out, len + (size_t)n + 1);
		memcpy(*out + len, chunk, (size_t)n);
		len += (size_t)n;
		(*out)[len] = 0;
	}
	close(fds[0]);
	int status;
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int
run_capture(const char *const *argv, char **out)
{
	return run_capture_int(argv, out, NULL, 0);
}

/* Skips (with the reason) where there is no /dev/kvm or no gdb. */
static bool
gdb_session_unavailable(void)
{
	char line[256];
	if (kvm_host_probe(line, sizeof line) != KVM_HOST_HARDWARE) {
		TEST_SKIP("%s (int3 needs hardware-assisted KVM)", line);
		return true;
	}
	if (!cli_have("gdb")) {
		TEST_SKIP("no gdb on PATH");
		return true;
	}
	return false;
}

/* `traplab kvm --gdb=PORT modes.bin` until it says it waits. */
static int
start_traplab(struct cli_proc *p, unsigned port, char **buf, size_t *len)
{
	char opt[32];
	snprintf(opt, sizeof opt, "--gdb=%u", port);
	const char *args[] = { "kvm", opt, kvm_test_guest_path("modes", "bin"), NULL };
	if (cli_spawn(p, args) != 0)
		return -1;
	char needle[64];
	snprintf(needle, sizeof needle, "target remote :%u\n", port);
	return cli_read_until(p, buf, len, needle, GDB_WAIT_MS) ? 0 : -1;
}

/* modes.bin: break at set_pe, stepi: CR0.PE; continue to set_pg, stepi:
 * EFER.LMA; continue: the guest powers off and gdb sees it exit. */
static void
test_modes_session(void)
{
	if (gdb_session_unavailable())
		return;
	uint64_t set_pe = kvm_test_symbol("modes", "set_pe"), set_pg = kvm_test_symbol("modes", "set_pg");
	CU_ASSERT_FATAL(set_pe != UINT64_MAX && set_pg != UINT64_MAX);
	unsigned port = 20000 + (unsigned)getpid() % 20000;
	struct cli_proc p;
	char *tl = NULL;
	size_t tl_len = 0;
	CU_ASSERT_EQUAL_FATAL(start_traplab(&p, port, &tl, &tl_len), 0);
	char target[64], bpe[64], bpg[64];
	snprintf(target, sizeof target, "target remote 127.0.0.1:%u", port);
	snprintf(bpe, sizeof bpe, "break *0x%llx", (unsigned long long)(MODES_LOAD + set_pe));
	snprintf(bpg, sizeof bpg, "break *0x%llx", (unsigned long long)(MODES_LOAD + set_pg));
	/* QEMU's software AMD-V (the SVM host) gives int3 to the guest instead of
	 * KVM's #BP intercept, and does not arm DR7: breakpoints by stepping. */
	const char *argv[] = { "gdb", "-batch", "-nx", "-ex", target,
			       "-ex", "monitor step-breakpoints on", "-ex", bpe, "-ex", "continue",
			       "-ex", "stepi", "-ex", "info registers cr0", "-ex", "p $cr0 & 1",
			       "-ex", bpg, "-ex", "continue", "-ex", "stepi",
			       "-ex", "info registers efer", "-ex", "p ($efer >> 10) & 1",
			       "-ex", "continue", NULL };
	char *out;
	int rc = run_capture(argv, &out);
	fprintf(stderr, "\n---- gdb session ----\n%s---- end ----\n", out);
	CU_ASSERT_EQUAL(rc, 0);
	ASSERT_HAS(out, "Breakpoint 1, 0x");
	ASSERT_HAS(out, "$1 = 1");              /* CR0.PE after the mov at set_pe */
	ASSERT_HAS(out, "Breakpoint 2, 0x");
	ASSERT_HAS(out, "$2 = 1");              /* EFER.LMA after the mov at set_pg */
	ASSERT_HAS(out, "exited normally");
	int status = cli_finish(&p, &tl, &tl_len);
	fprintf(stderr, "---- traplab ----\n%s---- end ----\n", tl ? tl : "");
	CU_ASSERT_EQUAL(status, 0);
	ASSERT_HAS(tl ? tl : "", "waiting for gdb on localhost:");
	free(out);
	free(tl);
}

/* Control-C: `continue &`, then `interrupt` (GDB sends 0x03) stops a guest
 * that loops forever; $pc and the bytes there read back; kill ends traplab. */
static void
test_interrupt_session(void)
{
	if (gdb_session_unavailable())
		return;
	char *dir = cli_tempdir();
	CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
	char guest[1024];
	snprintf(guest, sizeof guest, "%s/loop.bin", dir);
	FILE *f = fopen(guest, "wb");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fwrite("\x90\xeb\xfe", 1, 3, f);        /* nop; jmp $ */
	fclose(f);
	unsigned port = 20000 + ((unsigned)getpid() + 7) % 20000;
	char opt[32], needle[64], target[64];
	snprintf(opt, sizeof opt, "--gdb=%u", port);
	snprintf(needle, sizeof needle, "target remote :%u\n", port);
	snprintf(target, sizeof target, "target remote 127.0.0.1:%u", port);
	const char *args[] = { "kvm", opt, guest, NULL };
	struct cli_proc p;
	char *tl = NULL;
	size_t tl_len = 0;
	CU_ASSERT_EQUAL_FATAL(cli_spawn(&p, args), 0);
	CU_ASSERT_FATAL(cli_read_until(&p, &tl, &tl_len, needle, GDB_WAIT_MS));
	const char *argv[] = { "gdb", "-batch", "-nx", "-ex", target, "-ex", "continue",
			       "-ex", "p/x $pc", "-ex", "x/2xb $pc", "-ex", "kill", NULL };
	char *out;
	int rc = run_capture_int(argv, &out, "in ?? ()", 2);   /* Control-C 2 s into continue */
	fprintf(stderr, "\n---- gdb session ----\n%s---- end ----\n", out);
	CU_ASSERT_EQUAL(rc, 0);
	ASSERT_HAS(out, "received signal SIGINT");
	ASSERT_HAS(out, "$1 = 0x7c01");
	ASSERT_HAS(out, "0xeb\t0xfe");
	cli_finish(&p, &tl, &tl_len);
	ASSERT_HAS(tl ? tl : "", "killed from gdb");
	free(out);
	free(tl);
	cli_rmtree(dir);
	free(dir);
}

/* The monitor's `gdbserver PORT` (--backend=kvm): GDB drives the guest to
 * set_pe and one step on, detaches, and the monitor's next command works. */
static void
test_monitor_gdbserver(void)
{
	if (gdb_session_unavailable())
		return;
	uint64_t set_pe = kvm_test_symbol("modes", "set_pe");
	CU_ASSERT_FATAL(set_pe != UINT64_MAX);
	unsigned port = 20000 + ((unsigned)getpid() + 13) % 20000;
	const char *args[] = { "monitor", "--backend=kvm", kvm_test_guest_path("modes", "bin"), NULL };
	struct cli_proc p;
	char *tl = NULL;
	size_t tl_len = 0;
	CU_ASSERT_EQUAL_FATAL(cli_spawn(&p, args), 0);
	char cmd[64], needle[64], target[64], bpe[64];
	snprintf(cmd, sizeof cmd, "gdbserver %u\n", port);
	snprintf(needle, sizeof needle, "target remote :%u\n", port);
	snprintf(target, sizeof target, "target remote 127.0.0.1:%u", port);
	snprintf(bpe, sizeof bpe, "break *0x%llx", (unsigned long long)(MODES_LOAD + set_pe));
	CU_ASSERT_EQUAL(write(p.in, cmd, strlen(cmd)), (ssize_t)strlen(cmd));
	CU_ASSERT_FATAL(cli_read_until(&p, &tl, &tl_len, needle, GDB_WAIT_MS));
	const char *argv[] = { "gdb", "-batch", "-nx", "-ex", target,
			       "-ex", "monitor step-breakpoints on", "-ex", bpe, "-ex", "continue",
			       "-ex", "stepi", "-ex", "p $cr0 & 1", "-ex", "detach", NULL };
	char *out;
	int rc = run_capture(argv, &out);
	fprintf(stderr, "\n---- gdb session ----\n%s---- end ----\n", out);
	CU_ASSERT_EQUAL(rc, 0);
	ASSERT_HAS(out, "Breakpoint 1, 0x");
	ASSERT_HAS(out, "$1 = 1");
	const char after[] = "print 6*7\nquit\n";
	CU_ASSERT_EQUAL(write(p.in, after, strlen(after)), (ssize_t)strlen(after));
	cli_finish(&p, &tl, &tl_len);
	fprintf(stderr, "---- monitor ----\n%s---- end ----\n", tl ? tl : "");
	ASSERT_HAS(tl ? tl : "", "gdb detached");
	ASSERT_HAS(tl ? tl : "", "0x0000002a");
	free(out);
	free(tl);
}

static CU_TestInfo tests[] = {
	{ "packets: checksums, acks, escapes, 0x03, hex", test_wire },
	{ "target.xml: amd64 core, segments, cr0-cr8 and efer; qXfer chunks", test_target_xml },
	{ "kvm: gdb on modes.bin: set_pe, stepi, PE; set_pg, stepi, LMA; exit",
	  test_modes_session },
	{ "kvm: monitor --backend=kvm: gdbserver PORT, then detach", test_monitor_gdbserver },
	{ "kvm: gdb interrupts a looping guest (Control-C), reads $pc, kills", test_interrupt_session },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_kvm_gdbstub = { "kvm: gdb remote stub", NULL, NULL, NULL, NULL, tests };
