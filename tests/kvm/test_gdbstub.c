/* test_gdbstub.c — the GDB remote stub of `traplab kvm --gdb=PORT`
 * (kvm-backend/gdbstub*.c).  The wire (checksums, framing, hex, the target
 * description) is tested here without KVM; the sessions run Debian's own
 * gdb in batch mode against the real `traplab kvm --gdb` on modes.bin and
 * Debian's kernel, or a tiny client of our own that sends the packets by
 * hand (to see the exact replies: Z1-Z4 sharing DR0-DR3), and need /dev/kvm
 * (the runner moves the "kvm: " tests into the SVM host where this machine
 * has none; tests/kvm/kvm_delegate.c).
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netinet/in.h>
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

#include "../../guests/x86/guest.h"
#include "cli/cli_support.h"
#include "gdbstub.h"
#include "kvm.h"
#include "kvm_support.h"
#include "support.h"

extern char **environ;

enum { GDB_WAIT_MS = 180000,          /* gdb under the SVM host's TCG is slow to start */
       MODES_LOAD = 0x7c00,
       MOVABS_LEN = 10, CLI_LEN = 1,  /* modes.S: the instructions between its store and halt */
       LINUX_RUN_S = 5 };             /* Linux runs this long before gdb interrupts it */
/* modes.S stores MODES_QWORD (guest.h) at PROOF_ADDR in long mode: its low
 * 32 bits, as `watch *(int*)0x600` prints them */
#define MODES_PROOF_INT "1432778632"      /* (int)MODES_QWORD = 0x55667788 */
#define KERNEL_TEXT_MIN 0xffffffff80000000ull   /* x86-64 Linux: the kernel's mapping */

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
	/* its output ended: its exit, by the same deadline */
	int status = 0;
	pid_t done;
	while ((done = waitpid(pid, &status, WNOHANG)) == 0 && time(NULL) <= deadline)
		usleep(100 * 1000);
	if (done == 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		return -1;
	}
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


/* ---- watchpoints ------------------------------------------------------------------- */

/* modes.bin, under `monitor step-breakpoints on` (the SVM host's DR7 never
 * fires): `watch *(int*)0x600` stops right after the long-mode store with
 * the old and new value; delete it, and the guest runs to its end. */
static void
test_watch_session(void)
{
	if (gdb_session_unavailable())
		return;
	uint64_t halt = kvm_test_symbol("modes", "halt");
	CU_ASSERT_FATAL(halt != UINT64_MAX);
	unsigned port = 20000 + ((unsigned)getpid() + 19) % 20000;
	struct cli_proc p;
	char *tl = NULL;
	size_t tl_len = 0;
	CU_ASSERT_EQUAL_FATAL(start_traplab(&p, port, &tl, &tl_len), 0);
	char target[64], watch[64], after[64];
	snprintf(target, sizeof target, "target remote 127.0.0.1:%u", port);
	snprintf(watch, sizeof watch, "watch *(int*)0x%x", PROOF_ADDR);
	/* the store is `mov %rax, PROOF_ADDR`; a watchpoint traps after it, at
	 * the movabs and cli before halt */
	snprintf(after, sizeof after, "$1 = 0x%llx",
		 (unsigned long long)(MODES_LOAD + halt - MOVABS_LEN - CLI_LEN));
	const char *argv[] = { "gdb", "-batch", "-nx", "-ex", target,
			       "-ex", "monitor step-breakpoints on", "-ex", watch, "-ex", "continue",
			       "-ex", "p/x $pc", "-ex", "delete", "-ex", "continue", NULL };
	char *out;
	int rc = run_capture(argv, &out);
	fprintf(stderr, "\n---- gdb session ----\n%s---- end ----\n", out);
	CU_ASSERT_EQUAL(rc, 0);
	ASSERT_HAS(out, "Hardware watchpoint 1: *(int*)0x600");
	ASSERT_HAS(out, "Old value = 0\nNew value = " MODES_PROOF_INT "\n");
	ASSERT_HAS(out, after);
	ASSERT_HAS(out, "exited normally");
	int status = cli_finish(&p, &tl, &tl_len);
	CU_ASSERT_EQUAL(status, 0);
	free(out);
	free(tl);
}

/* A client of our own: the packets by hand (E.1: $data#checksum, '+' acks). */
struct rsp {
	int fd;
	char reply[GDB_PACKET_SIZE + 8];
};

static bool
rsp_connect(struct rsp *r, unsigned port)
{
	r->fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	return r->fd >= 0 && connect(r->fd, (struct sockaddr *)&a, sizeof a) == 0;
}

static int
rsp_getc(struct rsp *r)
{
	struct pollfd p = { .fd = r->fd, .events = POLLIN };
	unsigned char b;
	if (poll(&p, 1, GDB_WAIT_MS) <= 0 || read(r->fd, &b, 1) != 1)
		return -1;
	return b;
}

/* Sends `data`, returns the stub's reply (console output, O packets, skipped). */
static const char *
rsp(struct rsp *r, const char *data)
{
	char pkt[GDB_PACKET_SIZE + 8];
	snprintf(pkt, sizeof pkt, "$%s#%02x", data, gdb_checksum(data, strlen(data)));
	r->reply[0] = 0;
	/* MSG_NOSIGNAL: a stub that has gone (a failure) must not kill the runner */
	if (send(r->fd, pkt, strlen(pkt), MSG_NOSIGNAL) != (ssize_t)strlen(pkt))
		return strcpy(r->reply, "(stub gone)");
	for (;;) {
		int c;
		while ((c = rsp_getc(r)) >= 0 && c != '$')
			;                       /* our packet's '+' */
		if (c < 0)
			return strcpy(r->reply, "(no reply)");
		size_t n = 0;
		while ((c = rsp_getc(r)) >= 0 && c != '#' && n < sizeof r->reply - 1)
			r->reply[n++] = (char)c;
		r->reply[n] = 0;
		rsp_getc(r);                    /* the checksum */
		rsp_getc(r);
		if (send(r->fd, "+", 1, MSG_NOSIGNAL) != 1)
			return r->reply;
		if (!(r->reply[0] == 'O' && r->reply[1] != 'K'))
			return r->reply;
	}
}

#define RSP_IS(r, packet, want)                                                          \
	do {                                                                             \
		const char *got_ = rsp((r), (packet));                                   \
		if (strcmp(got_, (want)) != 0)                                           \
			fprintf(stderr, "\n  %s: got \"%s\", want \"%s\"\n", (packet), got_, (want)); \
		CU_ASSERT_STRING_EQUAL(got_, (want));                                    \
	} while (0)

/* "monitor step-breakpoints on" as qRcmd sends it: hex */
static void
rsp_monitor(struct rsp *r, const char *cmd)
{
	char pkt[256] = "qRcmd,";
	gdb_hex_encode(pkt + strlen(pkt), (const uint8_t *)cmd, strlen(cmd));
	RSP_IS(r, pkt, "OK");
}

/* Z1-Z4 share DR0-DR3: watches of 1, 2, 4, 8 bytes take one, an unaligned
 * or longer one several; all or none, E28 when they run out, and z frees
 * them.  Then, by stepping, a write watchpoint's stop reply. */
static void
test_watch_registers(void)
{
	if (gdb_session_unavailable())
		return;
	unsigned port = 20000 + ((unsigned)getpid() + 23) % 20000;
	struct cli_proc p;
	char *tl = NULL;
	size_t tl_len = 0;
	CU_ASSERT_EQUAL_FATAL(start_traplab(&p, port, &tl, &tl_len), 0);
	struct rsp r;
	CU_ASSERT_FATAL(rsp_connect(&r, port));
	RSP_IS(&r, "Z2,600,8", "OK");           /* DR0 */
	RSP_IS(&r, "Z3,608,4", "OK");           /* DR1 */
	RSP_IS(&r, "Z4,601,2", "OK");           /* DR2 (601, 1 byte) and DR3 (602, 1 byte) */
	RSP_IS(&r, "Z1,7c00,1", "E28");         /* all four taken */
	RSP_IS(&r, "Z2,700,1", "E28");
	RSP_IS(&r, "Z3,608,4", "OK");           /* again: the same one (E.2, idempotent) */
	RSP_IS(&r, "z4,601,2", "OK");           /* frees two */
	RSP_IS(&r, "Z1,7c00,1", "OK");
	RSP_IS(&r, "Z2,700,3", "E28");          /* needs two (700/2, 702/1): none taken */
	RSP_IS(&r, "Z2,700,1", "OK");
	RSP_IS(&r, "Z5,600,1", "");             /* no such type: the empty reply */
	RSP_IS(&r, "z1,7c00,1", "OK");
	RSP_IS(&r, "z2,700,1", "OK");
	RSP_IS(&r, "z3,608,4", "OK");
	RSP_IS(&r, "z2,600,8", "OK");
	RSP_IS(&r, "Z2,600,0", "E28");
	RSP_IS(&r, "Z2,600,21", "E28");         /* 33 bytes: more than 4 x 8 */
	RSP_IS(&r, "Z2,600,20", "OK");          /* 32 bytes: all four */
	RSP_IS(&r, "z2,600,20", "OK");
	/* the store to 0x600, found by comparing after each step */
	rsp_monitor(&r, "step-breakpoints on");
	RSP_IS(&r, "Z2,600,4", "OK");
	RSP_IS(&r, "c", "T05thread:01;watch:600;");
	RSP_IS(&r, "m600,4", "88776655");
	RSP_IS(&r, "z2,600,4", "OK");
	RSP_IS(&r, "c", "W00");
	close(r.fd);
	int status = cli_finish(&p, &tl, &tl_len);
	CU_ASSERT_EQUAL(status, 0);
	if (status != 0)
		fprintf(stderr, "---- traplab ----\n%s---- end ----\n", tl ? tl : "");
	free(tl);
}

/* Where DR7 fires (hardware): a read watchpoint (Z3, read/write underneath)
 * on 0x600 and an access watchpoint on 0x604; modes.S's 8-byte store hits
 * both registers at once; the read one is passed over (its bytes changed: a
 * write), the access one reported from DR6. */
static void
test_watch_dr6(void)
{
	if (gdb_session_unavailable() || kvm_test_breakpoints_unarmed())
		return;
	unsigned port = 20000 + ((unsigned)getpid() + 29) % 20000;
	struct cli_proc p;
	char *tl = NULL;
	size_t tl_len = 0;
	CU_ASSERT_EQUAL_FATAL(start_traplab(&p, port, &tl, &tl_len), 0);
	struct rsp r;
	CU_ASSERT_FATAL(rsp_connect(&r, port));
	RSP_IS(&r, "Z3,600,4", "OK");
	RSP_IS(&r, "Z4,604,4", "OK");
	RSP_IS(&r, "c", "T05thread:01;awatch:604;");
	RSP_IS(&r, "m600,8", "8877665544332211");
	RSP_IS(&r, "z4,604,4", "OK");
	RSP_IS(&r, "c", "W00");
	close(r.fd);
	CU_ASSERT_EQUAL(cli_finish(&p, &tl, &tl_len), 0);
	free(tl);
}

/* ---- Linux ------------------------------------------------------------------------- */

/* `traplab kvm --linux --gdb`: gdb continues Debian's kernel, interrupts it
 * (Control-C) after LINUX_RUN_S seconds of running, finds the pc in the
 * kernel's mapping and disassembles there through the kernel's own page
 * tables, then kills it. */
static void
test_linux_interrupt(void)
{
	if (gdb_session_unavailable())
		return;
	char kernel[4096];
	snprintf(kernel, sizeof kernel, "%s/build/linux/vmlinuz", test_top());
	if (access(kernel, R_OK) != 0) {
		TEST_SKIP("%.400s is missing (make linux)", kernel);
		return;
	}
	double t0 = test_seconds();
	unsigned port = 20000 + ((unsigned)getpid() + 31) % 20000;
	char opt[32], needle[64], target[64];
	snprintf(opt, sizeof opt, "--gdb=%u", port);
	snprintf(needle, sizeof needle, "target remote :%u\n", port);
	snprintf(target, sizeof target, "target remote 127.0.0.1:%u", port);
	/* quiet: little console output, which nobody reads while gdb runs */
	const char *args[] = { "kvm", "--linux", "--kernel", kernel,
			       "--memory", "256", "--append", "console=ttyS0 quiet nokaslr", opt, NULL };
	struct cli_proc p;
	char *tl = NULL;
	size_t tl_len = 0;
	CU_ASSERT_EQUAL_FATAL(cli_spawn(&p, args), 0);
	CU_ASSERT_FATAL(cli_read_until(&p, &tl, &tl_len, needle, GDB_WAIT_MS));
	const char *argv[] = { "gdb", "-batch", "-nx", "-ex", target, "-ex", "continue",
			       "-ex", "p/x $pc", "-ex", "x/4i $pc", "-ex", "kill", NULL };
	char *out;
	/* "Continuing." stays in gdb's buffer while the target runs: the time
	 * counts from the line it prints on connecting */
	int rc = run_capture_int(argv, &out, "in ?? ()", LINUX_RUN_S);
	fprintf(stderr, "\n---- gdb session ----\n%s---- end ----\n", out);
	if (!strstr(out, "killed"))
		kill(p.pid, SIGKILL);           /* gdb did not get as far as `kill` */
	CU_ASSERT_EQUAL(rc, 0);
	ASSERT_HAS(out, "received signal SIGINT");
	const char *pc = strstr(out, "$1 = 0x");
	unsigned long long v = pc ? strtoull(pc + 5, NULL, 16) : 0;
	CU_ASSERT(v >= KERNEL_TEXT_MIN);
	/* four instructions decoded at the pc: "=> 0xffffffff...:\t" and three more */
	char at[64];
	snprintf(at, sizeof at, "=> 0x%llx", v);
	ASSERT_HAS(out, at);
	const char *x = strstr(out, at);
	unsigned lines = 0;
	for (const char *q = x; q && (q = strstr(q, "\n   0xffffffff")); q++)
		lines++;
	CU_ASSERT_EQUAL(lines, 3);
	CU_ASSERT_PTR_NULL(strstr(out, "Cannot access memory"));
	CU_ASSERT_PTR_NULL(strstr(out, "(bad)"));
	cli_finish(&p, &tl, &tl_len);
	ASSERT_HAS(tl ? tl : "", "killed from gdb");
	fprintf(stderr, "  Linux under gdb: %.1f s in all\n", test_seconds() - t0);
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
	{ "kvm: gdb watch *(int*)0x600 on modes.bin: old and new value (stepping)",
	  test_watch_session },
	{ "kvm: Z1-Z4 share DR0-DR3: pieces, E28 when full, z frees; watch: by stepping",
	  test_watch_registers },
	{ "kvm: watchpoints from DR6: awatch:, a read watch passes over a write (hardware)",
	  test_watch_dr6 },
	{ "kvm: gdb interrupts Debian's kernel: $pc in the kernel, x/4i, kill",
	  test_linux_interrupt },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_kvm_gdbstub = { "kvm: gdb remote stub", NULL, NULL, NULL, NULL, tests };
