/* graphviz.c — graphs to files, rendered by dot(1) when asked (graphviz.h). */
#include "graphviz.h"

#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "isa.h"

extern char **environ;

enum { PATH_MAX_LEN = 4096 };

/* Is there an executable `dot` on the PATH? */
static bool
dot_installed(void)
{
	const char *path = getenv("PATH");
	char dir[PATH_MAX_LEN];
	for (const char *p = path ? path : "/usr/bin:/bin"; *p;) {
		size_t n = strcspn(p, ":");
		snprintf(dir, sizeof dir, "%.*s/dot", (int)n, p);
		if (n && access(dir, X_OK) == 0)
			return true;
		p += n;
		p += strspn(p, ":");
	}
	return false;
}

static const char *
dot_render_format(const char *path)
{
	static const char *const formats[] = { "png", "svg", "pdf" };
	const char *dot = strrchr(path, '.');
	for (size_t i = 0; dot && i < ARRAY_SIZE(formats); i++)
		if (strcmp(dot + 1, formats[i]) == 0)
			return formats[i];
	return NULL;
}

/* Pipe the graph through `dot -Tformat -o path`. */
static int
dot_render(const char *format, const char *path, graphviz_writer write, void *ctx,
	   char *err, size_t errlen)
{
	int fds[2];
	if (pipe(fds) < 0) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		return -1;
	}
	char flag[16];
	snprintf(flag, sizeof flag, "-T%s", format);
	char *argv[] = { "dot", flag, "-o", (char *)path, NULL };
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fds[0], STDIN_FILENO);
	posix_spawn_file_actions_addclose(&fa, fds[1]);
	posix_spawn_file_actions_addclose(&fa, fds[0]);
	pid_t pid;
	int rc = posix_spawnp(&pid, "dot", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(fds[0]);
	if (rc != 0) {
		close(fds[1]);
		snprintf(err, errlen, "cannot run dot: %s", strerror(rc));
		return -1;
	}
	FILE *out = fdopen(fds[1], "w");
	if (!out) {
		close(fds[1]);
		waitpid(pid, NULL, 0);
		snprintf(err, errlen, "fdopen: %s", strerror(errno));
		return -1;
	}
	/* if dot dies early, a write fails: that must not kill us */
	struct sigaction ignore = { .sa_handler = SIG_IGN }, old;
	sigemptyset(&ignore.sa_mask);
	sigaction(SIGPIPE, &ignore, &old);
	write(ctx, out);
	fclose(out);
	sigaction(SIGPIPE, &old, NULL);
	int status;
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		snprintf(err, errlen, "dot -T%s failed to render %s", format, path);
		return -1;
	}
	return 0;
}

int
graphviz_write(const char *path, graphviz_writer write, void *ctx, char *note, size_t notelen,
	       char *err, size_t errlen)
{
	const char *format = dot_render_format(path);
	if (format && dot_installed()) {
		if (dot_render(format, path, write, ctx, err, errlen) < 0)
			return -1;
		snprintf(note, notelen, "%s", path);
		return 0;
	}
	/* plain text: to FILE itself, or to FILE.dot when FILE wanted a picture */
	char textpath[PATH_MAX_LEN];
	if (format)
		snprintf(textpath, sizeof textpath, "%.*s.dot",
			 (int)(strrchr(path, '.') - path), path);
	else
		snprintf(textpath, sizeof textpath, "%s", path);
	FILE *out = fopen(textpath, "w");
	if (!out) {
		snprintf(err, errlen, "%s: %s", textpath, strerror(errno));
		return -1;
	}
	write(ctx, out);
	if (fclose(out) != 0) {
		snprintf(err, errlen, "%s: %s", textpath, strerror(errno));
		return -1;
	}
	if (format)
		snprintf(note, notelen, "%s (Graphviz is not installed: render it with "
			 "dot -T%s %s -o %s)", textpath, format, textpath, path);
	else
		snprintf(note, notelen, "%s (render it with: dot -Tsvg %s -o picture.svg)",
			 textpath, textpath);
	return 0;
}
