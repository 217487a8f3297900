/* test_kvm_monitor.c — the interactive monitor on real x86 through /dev/kvm
 * (monitor/backends/backend_kvm*.c): scripted sessions of `traplab monitor
 * --backend=kvm` on the demo guests of guests/x86/ (their .sym gives the
 * labels, guest.h the proofs), checking registers, the real -> protected ->
 * long mode switch at hardware breakpoints, x/xp, Capstone's disassembly,
 * stats, the exit trace, budgets, Control-C and one-line errors.  Every test
 * says SKIPPED with the reason when /dev/kvm is unusable.  Guests are tiny:
 * on kvm_pvm hosts each instruction costs ~1 µs (KVM-NOTES §0).
 */
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli_support.h"
#include "kvm.h"
#include "kvm_support.h"
#include "support.h"

enum { PATH_LEN = 4096 };

/* No usable /dev/kvm: say why, and pass. */
static bool
kvm_unusable(void)
{
	char line[256];
	if (kvm_host_probe(line, sizeof line) != KVM_HOST_NONE)
		return false;
	TEST_SKIP("%s", line);
	return true;
}

/* build/guests/x86/NAME.bin beside the traplab under test (build/ or build-san/). */
static const char *
guest_path(const char *name)
{
	static char path[PATH_LEN];
	char bin[PATH_LEN];
	snprintf(bin, sizeof bin, "%s", cli_traplab());
	snprintf(path, sizeof path, "%s/guests/x86/%s.bin", dirname(bin), name);
	if (access(path, R_OK) != 0)
		snprintf(path, sizeof path, "%s/build/guests/x86/%s.bin", test_top(), name);
	return path;
}

/* `traplab monitor --backend=kvm GUEST` with `script` on stdin; the output
 * (stdout and stderr) in *out, the exit status returned. */
static int
session(const char *guest, const char *script, char **out)
{
	const char *args[] = { "monitor", "--backend=kvm", guest, NULL };
	int rc = cli_run(args, script, out);
	if (!*out)
		*out = strdup("");
	return rc;
}

#define ASSERT_HAS(text, needle)                                                        \
	do {                                                                             \
		bool found_ = strstr((text), (needle)) != NULL;                          \
		if (!found_)                                                             \
			fprintf(stderr, "\n  missing \"%s\" in:\n%s\n", (needle), (text)); \
		CU_ASSERT(found_);                                                       \
	} while (0)

/* The line of `info registers` output that starts with `name`, or "". */
static const char *
reg_line(const char *text, const char *name, char *buf, size_t len)
{
	size_t n = strlen(name);
	for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		if (strncmp(p, name, n) == 0 && p[n] == ' ') {
			snprintf(buf, len, "%.*s", (int)strcspn(p, "\n"), p);
			return buf;
		}
	}
	buf[0] = '\0';
	return buf;
}

/* A flat real-mode guest from raw bytes, in a fresh temporary directory. */
static char *
write_guest(const uint8_t *code, size_t size, char *path, size_t len)
{
	char *dir = cli_tempdir();
	if (!dir)
		return NULL;
	snprintf(path, len, "%s/guest.bin", dir);
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(code, 1, size, f) != size) {
		if (f)
			fclose(f);
		cli_rmtree(dir);
		free(dir);
		return NULL;
	}
	fclose(f);
	return dir;
}

/* ===== the tests ===================================================================== */

/* realmode.bin at its start: general, control and segment registers. */
static void
test_registers(void)
{
	if (kvm_unusable())
		return;
	char *out, line[256];
	int rc = session(guest_path("realmode"),
			 "info registers\ninfo registers control\ninfo registers segment\n", &out);
	CU_ASSERT_EQUAL(rc, 0);
	ASSERT_HAS(reg_line(out, "rip", line, sizeof line), "0x0000000000000000");
	ASSERT_HAS(reg_line(out, "rsp", line, sizeof line), "0x000000000000fff0");
	ASSERT_HAS(reg_line(out, "pc", line, sizeof line), "0x00007c00");
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\nrflags "));
	ASSERT_HAS(reg_line(out, "cr0", line, sizeof line), "real");
	CU_ASSERT_PTR_NULL(strstr(reg_line(out, "cr0", line, sizeof line), " PE"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\ncr4 "));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\nefer "));
	ASSERT_HAS(reg_line(out, "cs", line, sizeof line), "0x07c0");
	ASSERT_HAS(reg_line(out, "cs", line, sizeof line), "base=0x7c00 limit=0xffff");
	ASSERT_HAS(reg_line(out, "ss", line, sizeof line), "base=0x7c00");
	free(out);
}

/* modes.bin: hardware breakpoints at set_pe and set_pg; one step over each
 * shows CR0.PE, then CR0.PG with EFER.LMA and a 64-bit CS. */
static void
test_mode_switch(void)
{
	if (kvm_unusable())
		return;
	char *out, line[256];
	int rc = session(guest_path("modes"),
			 "break set_pe\nbreak set_pg\n"
			 "continue\ninfo registers control\nstep\ninfo registers control\n"
			 "continue\nstep 2\ninfo registers control\ninfo registers segment\n"
			 "continue\n", &out);
	CU_ASSERT_EQUAL(rc, 0);
	ASSERT_HAS(out, "Breakpoint 1 at 0x00007c2b <set_pe>\n");
	ASSERT_HAS(out, "modes: real mode\nBreakpoint 1, 0x00007c2b <set_pe>\n"
			"=> 0x00007c2b <set_pe>:  mov cr0, eax\n");
	/* before the mov: real; after: protected, PE set */
	const char *first = strstr(out, "\ncr0 ");
	CU_ASSERT_PTR_NOT_NULL_FATAL(first);
	ASSERT_HAS(reg_line(first + 1, "cr0", line, sizeof line), "real");
	const char *second = strstr(first + 1, "\ncr0 ");
	CU_ASSERT_PTR_NOT_NULL_FATAL(second);
	ASSERT_HAS(reg_line(second + 1, "cr0", line, sizeof line), "protected PE");
	ASSERT_HAS(out, "modes: protected mode\nBreakpoint 2, 0x00007cb7 <set_pg>\n");
	const char *third = strstr(second + 1, "\ncr0 ");
	CU_ASSERT_PTR_NOT_NULL_FATAL(third);
	ASSERT_HAS(reg_line(third + 1, "cr0", line, sizeof line), "long PE");
	ASSERT_HAS(reg_line(third + 1, "cr0", line, sizeof line), "PG");
	ASSERT_HAS(reg_line(third + 1, "cr4", line, sizeof line), "PAE");
	ASSERT_HAS(reg_line(third + 1, "efer", line, sizeof line), "LME LMA");
	ASSERT_HAS(reg_line(third + 1, "cs", line, sizeof line), "0x0018");
	ASSERT_HAS(reg_line(third + 1, "cs", line, sizeof line), " L");
	ASSERT_HAS(out, "<lm64>:  mov esi, 0x");
	ASSERT_HAS(out, "modes: long mode\npowered off: halted with interrupts off\n");
	free(out);
}

/* The proofs in memory: x (linear, through the guest's page tables) and xp. */
static void
test_examine(void)
{
	if (kvm_unusable())
		return;
	char *out;
	int rc = session(guest_path("realmode"), "continue\nxp/1h 0x600\nx/1h 0x600\n", &out);
	CU_ASSERT_EQUAL(rc, 0);
	ASSERT_HAS(out, "realmode: hello from 16-bit real mode\n");
	ASSERT_HAS(out, "0x00000600:  0xbeef\n0x00000600:  0xbeef\n");
	free(out);
	/* long mode, paging on: x goes through KVM_TRANSLATE */
	rc = session(guest_path("modes"), "continue\nx/1g 0x600\nxp/1g 0x600\nprint $rax\n", &out);
	CU_ASSERT_EQUAL(rc, 0);
	ASSERT_HAS(out, "0x0000000000000600:  0x1122334455667788\n"
			"0x0000000000000600:  0x1122334455667788\n");
	ASSERT_HAS(out, "0x0123456789abcdef  81985529216486895\n");
	free(out);
}

/* Capstone's text, 16-bit at the start of a real-mode guest. */
static void
test_disassemble(void)
{
	if (kvm_unusable())
		return;
	char *out;
	int rc = session(guest_path("realmode"), "disassemble start 3\nx/2i $pc\n", &out);
	CU_ASSERT_EQUAL(rc, 0);
	ASSERT_HAS(out, "start:\n=> 0x00007c00 <start>:    mov esi, 0x");
	const char *second = strstr(out, "   0x00007c06 <start+6>:  lodsb al, byte ptr [si]\n");
	CU_ASSERT_PTR_NOT_NULL_FATAL(second);
	/* x/2i: the same two instructions */
	ASSERT_HAS(second + 1, "   0x00007c06 <start+6>:  lodsb al, byte ptr [si]\n");
	free(out);
}

/* stats: exits that reached TrapLab by reason beside KVM's own counters. */
static void
test_stats(void)
{
	if (kvm_unusable())
		return;
	char *out;
	int rc = session(guest_path("exits"), "continue\nstats\n", &out);
	CU_ASSERT_EQUAL(rc, 0);
	ASSERT_HAS(out, "reset: 0xfe written to i8042 port 0x64\n");
	unsigned long long io = 0, mmio = 0, kvm_exits = 0;
	const char *p = strstr(out, "\nexits.IO ");
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	sscanf(p, "\nexits.IO %llu", &io);
	CU_ASSERT(io > 0);
	p = strstr(out, "\nexits.MMIO ");
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	sscanf(p, "\nexits.MMIO %llu", &mmio);
	CU_ASSERT_EQUAL(mmio, 2);
	ASSERT_HAS(out, "\nio.uart ");
	ASSERT_HAS(out, "\nio.i8042 ");
	p = strstr(out, "\nkvm.exits ");
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	sscanf(p, "\nkvm.exits %llu", &kvm_exits);
	CU_ASSERT(kvm_exits >= io + mmio);   /* KVM saw every exit we saw, and more */
	free(out);
}

/* trace exits on: one line per exit, the port and direction named. */
static void
test_trace(void)
{
	if (kvm_unusable())
		return;
	char *out;
	int rc = session(guest_path("exits"), "trace exits on\ncontinue\n", &out);
	CU_ASSERT_EQUAL(rc, 0);
	ASSERT_HAS(out, "trace traps: on\n");
	ASSERT_HAS(out, "IO in 0x3fd  handled -> ");
	ASSERT_HAS(out, "IO out 0x3f8  handled -> ");
	/* the PC after: under kvm_pvm the emulator has retired an `out`, and an
	 * `in` waits; with hardware assist both wait until the guest runs on */
	char host[256];
	bool hardware = kvm_host_probe(host, sizeof host) == KVM_HOST_HARDWARE;
	ASSERT_HAS(out, hardware ? "pc=0x00007c22 <port_out>  IO out 0x510  handled -> 0x00007c22"
				 : "pc=0x00007c22 <port_out>  IO out 0x510  handled -> 0x00007c23");
	ASSERT_HAS(out, "pc=0x00007c23 <port_out+1>  IO in 0x510  handled -> 0x00007c23");
	ASSERT_HAS(out, "<mmio_read>  MMIO  handled -> ");
	ASSERT_HAS(out, "<reset>  IO out 0x64  stopped -> ");
	free(out);
	/* stepping: exact instruction addresses */
	rc = session(guest_path("realmode"), "trace exits on\nstep 8\n", &out);
	CU_ASSERT_EQUAL(rc, 0);
	ASSERT_HAS(out, "trap  pc=0x00007c10 <start+16>  IO in 0x3fd  handled -> 0x00007c11");
	free(out);
}

/* `continue N` counts instructions (by stepping). */
static void
test_budget(void)
{
	if (kvm_unusable())
		return;
	char *out;
	int rc = session(guest_path("modes"), "continue 5\nstep 2\n", &out);
	CU_ASSERT_EQUAL(rc, 0);
	ASSERT_HAS(out, "stopped after the budget of 5 instructions\n=> 0x00007c");
	free(out);
}

/* `next` runs over a call with a temporary hardware breakpoint. */
static void
test_next(void)
{
	if (kvm_unusable() || kvm_test_breakpoints_unarmed())
		return;
	char *out;
	/* cli; call f; hlt; f: ret */
	static const uint8_t code[] = { 0xfa, 0xe8, 0x01, 0x00, 0xf4, 0xc3 };
	char path[PATH_LEN];
	char *dir = write_guest(code, sizeof code, path, sizeof path);
	CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
	int rc = session(path, "step\nnext\nstep\n", &out);
	CU_ASSERT_EQUAL(rc, 0);
	ASSERT_HAS(out, "=> 0x00007c01:  call 0x7c05\n=> 0x00007c04:  hlt\n");
	ASSERT_HAS(out, "hlt with interrupts off");
	free(out);
	cli_rmtree(dir);
	free(dir);
}

/* Control-C during `continue` on a guest that loops forever. */
static void
test_control_c(void)
{
	if (kvm_unusable())
		return;
	/* mov dx, 0x3f8; mov al, 'L'; out dx, al; mov al, '\n'; out dx, al; jmp $ */
	static const uint8_t code[] = { 0xba, 0xf8, 0x03, 0xb0, 'L', 0xee, 0xb0, '\n', 0xee,
					0xeb, 0xfe };
	char path[PATH_LEN];
	char *dir = write_guest(code, sizeof code, path, sizeof path);
	CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
	const char *args[] = { "monitor", "--backend=kvm", path, NULL };
	struct cli_proc p;
	CU_ASSERT_EQUAL_FATAL(cli_spawn(&p, args), 0);
	char *buf = NULL;
	size_t len = 0;
	const char go[] = "continue\n";
	CU_ASSERT_EQUAL(write(p.in, go, strlen(go)), (ssize_t)strlen(go));
	CU_ASSERT(cli_read_until(&p, &buf, &len, "L\n", CLI_WAIT_MS));
	usleep(100 * 1000);            /* well inside the loop */
	kill(p.pid, SIGINT);
	CU_ASSERT(cli_read_until(&p, &buf, &len, "jmp 0x7c09", CLI_WAIT_MS));
	const char after[] = "print 6*7\nquit\n";
	CU_ASSERT_EQUAL(write(p.in, after, strlen(after)), (ssize_t)strlen(after));
	int rc = cli_finish(&p, &buf, &len);
	CU_ASSERT_EQUAL(rc, 0);
	ASSERT_HAS(buf ? buf : "", "interrupted\n=> 0x00007c09:  jmp 0x7c09\n");
	ASSERT_HAS(buf ? buf : "", "0x0000002a  42");
	free(buf);
	cli_rmtree(dir);
	free(dir);
}

/* Errors are one line each, and make the exit status 87 (a command failed). */
static void
test_errors(void)
{
	if (kvm_unusable())
		return;
	char *out;
	int rc = session(guest_path("modes"),
			 "break start\nbreak set_pe\nbreak set_pg\nbreak halt\nbreak lm64\n"
			 "watch 0x600\nwatch 0x600\nset cs = 0x10\nset nosuch = 1\ncpu-mode kernel\n"
			 "x/1w 0xc0000000\nequiv\n", &out);
	CU_ASSERT_EQUAL(rc, 87);
	ASSERT_HAS(out, "Breakpoint 4 at 0x00007cfc <halt>\n"
			"break: all 4 hardware breakpoints are in use; delete one\n");
	ASSERT_HAS(out, "watch: already watching 0x600\n");
	ASSERT_HAS(out, "set: no register 'nosuch' (general: ");
	ASSERT_HAS(out, "cpu-mode: no cpu-mode 'kernel' (choose real, protected or long)\n");
	ASSERT_HAS(out, "x: 0xc0000000: outside the guest's 16 MiB of RAM\n");
	ASSERT_HAS(out, "unknown command 'equiv' (try 'help')\n");
	/* a segment register in real mode: selector and base together */
	CU_ASSERT_PTR_NULL(strstr(out, "set: cs: "));
	free(out);

	const char *bad[] = { "monitor", "--backend=vmware", NULL };
	rc = cli_run(bad, "", &out);
	CU_ASSERT_EQUAL(rc, 64);        /* bad command line */
	ASSERT_HAS(out ? out : "", "--backend=vmware: choose pg32 or kvm\n");
	free(out);
	const char *mixed[] = { "monitor", "--backend=kvm", "--isa=legacy", NULL };
	rc = cli_run(mixed, "", &out);
	CU_ASSERT_EQUAL(rc, 64);
	free(out);
}

/* A watchpoint single-steps until the word changes; reset starts again. */
static void
test_watch_and_reset(void)
{
	if (kvm_unusable())
		return;
	char *out;
	int rc = session(guest_path("realmode"),
			 "watch 0x600\ncontinue\ncontinue\nreset\ninfo registers\nshow\n", &out);
	CU_ASSERT_EQUAL(rc, 0);
	ASSERT_HAS(out, "Watchpoint 1 at 0x00000600 (stops when the word there changes)\n");
	ASSERT_HAS(out, ": old 0x00000000, new 0x0000beef\n");
	ASSERT_HAS(out, "hlt with interrupts off at 0x2f: the guest powers off here");
	ASSERT_HAS(out, "The guest starts again from the beginning\n=> 0x00007c00 <start>:");
	ASSERT_HAS(out, "cpu-mode: real (choices: real protected long)\n"
			"load-address: 0x7c00\nmemory: 16\n");
	free(out);
}

static CU_TestInfo tests[] = {
	{ "info registers: general, control, segment in real mode", test_registers },
	{ "modes.bin: break set_pe/set_pg, step: PE, then PG + LMA", test_mode_switch },
	{ "x and xp read the guests' proof words", test_examine },
	{ "disassemble: Capstone, 16-bit, with labels", test_disassemble },
	{ "stats: exits by reason beside KVM's counters", test_stats },
	{ "trace exits on: IO with port and direction, MMIO", test_trace },
	{ "continue N counts instructions", test_budget },
	{ "next over a call (a temporary hardware breakpoint)", test_next },
	{ "Control-C stops continue; the next command works", test_control_c },
	{ "errors: 5th hardware breakpoint and others, one line each", test_errors },
	{ "watch single-steps to the change; reset; show", test_watch_and_reset },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_kvm_monitor = { "kvm: monitor --backend=kvm", NULL, NULL, NULL, NULL, tests };
