/* cli_support.h — what the command-line tests share: finding the traplab
 * binary that matches this test runner (build/ or build-san/), running it
 * with pipes on stdin and stdout, temporary directories, and PATH lookups.
 * The tests drive the real program: no mocks.
 */
#ifndef TRAPLAB_TESTS_CLI_SUPPORT_H
#define TRAPLAB_TESTS_CLI_SUPPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

enum { CLI_WAIT_MS = 5000 };       /* the longest any one wait may take ... */
/* ... times 4 in a sanitizer build, and times $TRAPLAB_TEST_SLOWDOWN (make
 * valgrind runs the program 20x slower). */
long cli_wait_ms(void);

/* $TRAPLAB_BIN if set; else the traplab beside this runner's build
 * directory (build-san/tests/run-tests -> build-san/traplab); else
 * test_top()/build/traplab. */
const char *cli_traplab(void);

/* A running traplab: write to `in`, read its stdout and stderr from `out`. */
struct cli_proc {
	pid_t pid;
	int in, out;
};
/* Start `traplab ARGS...` (args NULL-terminated, without the program name)
 * in test_top(). Returns 0, or -1. */
int cli_spawn(struct cli_proc *p, const char *const *args);
/* Read until `needle` appears in what was read so far (kept in *buf, a
 * growing malloc'd string) or timeout; true if it appeared. */
bool cli_read_until(struct cli_proc *p, char **buf, size_t *len, const char *needle,
		    int timeout_ms);
/* Close stdin, read everything left, reap. Returns the exit status, or -1
 * (killed, or timed out). */
int cli_finish(struct cli_proc *p, char **buf, size_t *len);
/* All at once: feed `input`, collect the output. Returns the exit status. */
int cli_run(const char *const *args, const char *input, char **output);

/* A fresh directory under /tmp (malloc'd path), and its removal. */
char *cli_tempdir(void);
void cli_rmtree(const char *dir);
/* Is `program` an executable on the PATH? */
bool cli_have(const char *program);
/* Write text to a file; 0 or -1. */
int cli_write_file(const char *path, const char *text);
/* Run a command (argv NULL-terminated) with stdout to `out` if non-NULL
 * (malloc'd); returns its exit status, or -1 (it could not start, or had
 * not ended within 12 cli_wait_ms()s: killed, and said on stderr). */
int cli_command(const char *const *argv, char **out);

#endif
