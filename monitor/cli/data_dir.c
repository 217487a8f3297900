/* data_dir.c — find traplab's own files in the tree or where `make install`
 * put them (data_dir.h).  The Makefile compiles this one file with
 * -DTRAPLAB_PREFIX="$(PREFIX)" and rebuilds it when PREFIX changes.
 * Set-up (README.md "Installing"); the monitor's default guest.
 */
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "data_dir.h"

#ifndef TRAPLAB_PREFIX
#define TRAPLAB_PREFIX "/usr/local"     /* the Makefile's default PREFIX */
#endif
#define DATA_SUBDIR "share/traplab"     /* under PREFIX, as `make install` lays it out */

enum { DATA_PATH_MAX = 4096 };

/* "/top/build/../guests/x.s" -> "guests/x.s" when the current directory is
 * /top: messages and the monitor's `info` then show the short name. */
static void
data_dir_tidy(char *path, size_t len)
{
	char *real = realpath(path, NULL);
	char *cwd = getcwd(NULL, 0);
	if (real && cwd) {
		size_t n = strlen(cwd);
		bool inside = strncmp(real, cwd, n) == 0 && real[n] == '/';
		snprintf(path, len, "%s", inside ? real + n + 1 : real);
	}
	free(real);
	free(cwd);
}

static bool
data_dir_try(char *path, size_t len, const char *dir, const char *relative)
{
	int n = snprintf(path, len, "%s/%s", dir, relative);
	if (n < 0 || (size_t)n >= len || access(path, R_OK) != 0)
		return false;
	data_dir_tidy(path, len);
	return true;
}

bool
data_dir_find(const char *relative, char *path, size_t len)
{
	if (access(relative, R_OK) == 0) {
		snprintf(path, len, "%s", relative);
		return true;
	}
	/* /proc/self/exe names the program itself, symbolic links resolved:
	 * a traplab linked into ~/bin still finds its own tree. */
	char exe[DATA_PATH_MAX], dir[DATA_PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = '\0';
		const char *exe_dir = dirname(exe);     /* in place: call it once */
		snprintf(dir, sizeof dir, "%s/..", exe_dir);
		if (data_dir_try(path, len, dir, relative))
			return true;
		snprintf(dir, sizeof dir, "%s/../" DATA_SUBDIR, exe_dir);
		if (data_dir_try(path, len, dir, relative))
			return true;
	}
	if (data_dir_try(path, len, TRAPLAB_PREFIX "/" DATA_SUBDIR, relative))
		return true;
	snprintf(path, len, "%s", relative);
	return false;
}
