/* test_monitor_tty.c — the monitor in a REAL terminal: tmux runs
 * `traplab monitor` in a detached 160x50 pane on a private server socket,
 * the test types with send-keys and reads the screen with capture-pane.
 * It checks the prompt, history (Up + Enter, ~/.traplab_history), Tab
 * completion of commands, symbols and each kind of argument, and Control-C
 * both while the guest runs and at the prompt.  Skipped (passing, with a message) without tmux.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli_support.h"
#include "support.h"

enum { PATH_LEN = 4096, POLL_US = 20000 };

#define PROMPT "(traplab) "
/* capture-pane drops trailing blanks: an empty prompt line shows as this */
#define PROMPT_SHOWN "(traplab)"

struct tty {
	char socket[64];               /* tmux -L: a private server */
	char *home;                    /* HOME of the monitor: a temp dir */
	bool started;
};

static int
tmux(struct tty *t, char **out, const char *a1, const char *a2, const char *a3,
     const char *a4)
{
	const char *argv[] = { "tmux", "-L", t->socket, a1, a2, a3, a4, NULL };
	return cli_command(argv, out);
}

/* Start the monitor on `guest` in a fresh tmux server; false if not. */
static bool
tty_start(struct tty *t, const char *guest)
{
	memset(t, 0, sizeof *t);
	static int sessions;           /* a new server each time: no waiting for the last */
	snprintf(t->socket, sizeof t->socket, "traplab-test-%ld-%d", (long)getpid(), ++sessions);
	t->home = cli_tempdir();
	if (!t->home)
		return false;
	char top[PATH_LEN], shell[3 * PATH_LEN];
	if (!realpath(test_top(), top))
		return false;
	snprintf(shell, sizeof shell, "cd '%s' && env HOME='%s' '%s' monitor '%s'", top, t->home,
		 cli_traplab(), guest);
	const char *argv[] = { "tmux", "-L", t->socket, "-f", "/dev/null", "new-session", "-d",
			       "-s", t->socket, "-x", "160", "-y", "50", shell, NULL };
	t->started = cli_command(argv, NULL) == 0;
	return t->started;
}

static void
tty_stop(struct tty *t)
{
	if (t->started) {
		/* quietly: the server may be gone already (the monitor quit) */
		char *out = NULL;
		const char *argv[] = { "sh", "-c", "tmux -L \"$0\" kill-server 2>/dev/null; true",
				       t->socket, NULL };
		cli_command(argv, &out);
		free(out);
	}
	cli_rmtree(t->home);
	free(t->home);
	t->home = NULL;
}

static char *
tty_screen(struct tty *t)
{
	char *out = NULL;
	tmux(t, &out, "capture-pane", "-p", "-t", t->socket);
	return out;
}

static int
count(const char *hay, const char *needle)
{
	int n = 0;
	for (const char *p = hay; p && (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/* Wait until `needle` shows at least `times` times on the screen (5 s at most). */
static bool
tty_wait(struct tty *t, const char *needle, int times)
{
	struct timespec start, now;
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		char *screen = tty_screen(t);
		int n = count(screen, needle);
		clock_gettime(CLOCK_MONOTONIC, &now);
		long ms = (now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000;
		if (n >= times || ms > CLI_WAIT_MS) {
			if (n < times)
				fprintf(stderr, "\n  waited for \"%s\" x%d; the screen:\n%s\n", needle,
					times, screen ? screen : "(none)");
			free(screen);
			return n >= times;
		}
		free(screen);
		usleep(POLL_US);
	}
}

static void
tty_type(struct tty *t, const char *text)
{
	const char *argv[] = { "tmux", "-L", t->socket, "send-keys", "-t", t->socket, "-l", text,
			       NULL };
	cli_command(argv, NULL);
}

static void
tty_key(struct tty *t, const char *key)
{
	tmux(t, NULL, "send-keys", "-t", t->socket, key);
}

static bool
tty_skip(void)
{
	if (cli_have("tmux"))
		return false;
	fprintf(stderr, "\n  SKIPPED: tmux not installed\n");
	CU_PASS("SKIPPED: tmux not installed");
	return true;
}

/* The prompt and banner; a command; Up + Enter runs it again; the history
 * file is written in $HOME. */
static void
test_tty_prompt_history(void)
{
	if (tty_skip())
		return;
	struct tty t;
	if (!tty_start(&t, "guests/pg32/minios/minios.s")) {
		CU_FAIL("tmux new-session failed");
		tty_stop(&t);
		return;
	}
	CU_ASSERT(tty_wait(&t, "TrapLab monitor", 1));
	CU_ASSERT(tty_wait(&t, PROMPT_SHOWN, 1));
	tty_type(&t, "print 6*7");
	tty_key(&t, "Enter");
	CU_ASSERT(tty_wait(&t, "0x0000002a  42", 1));
	tty_key(&t, "Up");
	CU_ASSERT(tty_wait(&t, PROMPT "print 6*7", 2));
	tty_key(&t, "Enter");
	CU_ASSERT(tty_wait(&t, "0x0000002a  42", 2));
	char path[PATH_LEN];
	snprintf(path, sizeof path, "%s/.traplab_history", t.home);
	char *history = test_read_file(path, NULL);
	CU_ASSERT_PTR_NOT_NULL(history);
	CU_ASSERT_PTR_NOT_NULL(history ? strstr(history, "print 6*7") : NULL);
	free(history);
	tty_type(&t, "quit");
	tty_key(&t, "Enter");
	tty_stop(&t);
}

/* Tab completes command names, topics, guest symbols, register groups,
 * mnemonics and classes: each by the kind of the argument (shell_table.c). */
static void
test_tty_completion(void)
{
	if (tty_skip())
		return;
	struct tty t;
	if (!tty_start(&t, "guests/pg32/minios/minios.s")) {
		CU_FAIL("tmux new-session failed");
		tty_stop(&t);
		return;
	}
	CU_ASSERT(tty_wait(&t, PROMPT_SHOWN, 1));
	tty_type(&t, "disas");
	tty_key(&t, "Tab");
	CU_ASSERT(tty_wait(&t, PROMPT "disassemble", 1));
	tty_key(&t, "Enter");
	CU_ASSERT(tty_wait(&t, "=> 0x00000000 <minios_boot>:", 1));
	tty_type(&t, "break minios_sys");
	tty_key(&t, "Tab");
	CU_ASSERT(tty_wait(&t, PROMPT "break minios_syscall", 1));
	tty_key(&t, "Enter");
	CU_ASSERT(tty_wait(&t, "Breakpoint 1 at 0x00000210 <minios_syscall>", 1));
	tty_type(&t, "info vc");
	tty_key(&t, "Tab");
	CU_ASSERT(tty_wait(&t, PROMPT "info vcpu", 1));
	tty_key(&t, "Enter");
	CU_ASSERT(tty_wait(&t, "guest believes (vCPU)", 1));
	/* each argument completes by its kind: a topic, then a register group */
	tty_type(&t, "info reg");
	tty_key(&t, "Tab");
	tty_type(&t, "con");
	tty_key(&t, "Tab");
	CU_ASSERT(tty_wait(&t, PROMPT "info registers control", 1));
	tty_key(&t, "Enter");
	CU_ASSERT(tty_wait(&t, "tvec     0x", 1));
	/* an instruction mnemonic, from the ISA's own table */
	tty_type(&t, "explain jus");
	tty_key(&t, "Tab");
	CU_ASSERT(tty_wait(&t, PROMPT "explain juser", 1));
	tty_key(&t, "C-u");
	/* a class of commands */
	tty_type(&t, "help runn");
	tty_key(&t, "Tab");
	CU_ASSERT(tty_wait(&t, PROMPT "help running", 1));
	tty_key(&t, "Enter");
	CU_ASSERT(tty_wait(&t, "Running the guest:", 1));
	tty_stop(&t);
}

/* Control-C while `continue` runs a guest that loops forever: back to the
 * prompt; then Control-C at the prompt clears a half-typed line. */
static void
test_tty_control_c(void)
{
	if (tty_skip())
		return;
	static const char loop_s[] =
		"        .equ CONSOLE_DATA, 0x00\n"
		"start:  la    r2, message\n"
		"next:   ldbu  r3, 0(r2)\n"
		"        cmpi  r3, 0\n"
		"        beq   spin\n"
		"        out   CONSOLE_DATA, r3\n"
		"        addi  r2, r2, 1\n"
		"        b     next\n"
		"spin:   b     spin\n"
		"message: .asciz \"looping\\n\"\n";
	char *dir = cli_tempdir();
	CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
	char guest[PATH_LEN];
	snprintf(guest, sizeof guest, "%s/loop.s", dir);
	CU_ASSERT_EQUAL_FATAL(cli_write_file(guest, loop_s), 0);
	struct tty t;
	if (!tty_start(&t, guest)) {
		CU_FAIL("tmux new-session failed");
		tty_stop(&t);
		cli_rmtree(dir);
		free(dir);
		return;
	}
	CU_ASSERT(tty_wait(&t, PROMPT_SHOWN, 1));
	tty_type(&t, "continue");
	tty_key(&t, "Enter");
	CU_ASSERT(tty_wait(&t, "looping", 1));
	tty_key(&t, "C-c");
	CU_ASSERT(tty_wait(&t, "interrupted", 1));
	CU_ASSERT(tty_wait(&t, "<spin>:", 1));
	CU_ASSERT(tty_wait(&t, PROMPT_SHOWN, 2));
	tty_type(&t, "garbage");
	tty_key(&t, "C-c");
	tty_type(&t, "print 6*7");
	tty_key(&t, "Enter");
	CU_ASSERT(tty_wait(&t, "0x0000002a  42", 1));
	char *screen = tty_screen(&t);
	CU_ASSERT_PTR_NULL(screen ? strstr(screen, "unknown command") : "no screen");
	free(screen);
	tty_stop(&t);
	cli_rmtree(dir);
	free(dir);
}

static CU_TestInfo tests[] = {
	{ "tty: prompt, banner, history (Up, ~/.traplab_history)", test_tty_prompt_history },
	{ "tty: Tab completes commands, topics, symbols", test_tty_completion },
	{ "tty: Control-C stops continue; at the prompt clears the line", test_tty_control_c },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_cli_monitor_tty = { "cli: monitor in tmux", NULL, NULL, NULL, NULL, tests };
