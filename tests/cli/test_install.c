/* test_install.c — `make install` and `make uninstall` (README.md
 * "Installing"): the man pages made from every `traplab CMD --help`, and an
 * installed traplab that, run from elsewhere, finds its guests under
 * PREFIX/share/traplab (monitor/cli/data_dir.c).  The test runs the same
 * steps the Makefile runs (tools-build/manpages.sh, tools-build/install.sh)
 * on the traplab it tests, into a temporary DESTDIR with PREFIX=/usr, and
 * checks the Makefile calls them so.  Set-up.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_support.h"
#include "support.h"

enum { PATH_LEN = 4096, DEST_LEN = 1024, NAME_LEN = 64 };

static char *dir;                   /* the temporary directory */
static char dest[DEST_LEN];         /* $(DESTDIR)$(PREFIX) */
static char installed[PATH_LEN];    /* dest/bin/traplab */
static int install_status = -1;

static int
run_script(const char *script, const char *const *args)
{
	char path[PATH_LEN];
	snprintf(path, sizeof path, "%s/tools-build/%s", test_top(), script);
	const char *argv[8] = { path };
	for (size_t i = 0; args[i] && i + 1 < ARRAY_SIZE(argv) - 1; i++)
		argv[i + 1] = args[i];
	return cli_command(argv, NULL);
}

/* What `make install DESTDIR=dir PREFIX=/usr` does, on this build. */
static int
suite_init(void)
{
	dir = cli_tempdir();
	if (!dir)
		return -1;
	char man[DEST_LEN];
	snprintf(man, sizeof man, "%s/man", dir);
	snprintf(dest, sizeof dest, "%s/stage/usr", dir);
	snprintf(installed, sizeof installed, "%s/bin/traplab", dest);
	install_status = run_script("manpages.sh", (const char *const[]){ cli_traplab(), man, NULL });
	if (install_status == 0)
		install_status = run_script("install.sh", (const char *const[]){ "install",
					    cli_traplab(), man, dest, NULL });
	return 0;
}

static int
suite_clean(void)
{
	cli_rmtree(dir);
	free(dir);
	return 0;
}

/* `sh -c SCRIPT traplab ARG`: the script runs from "/", far from any tree. */
static int
from_root(const char *script, const char *traplab, const char *arg, char **out)
{
	return cli_command((const char *const[]){ "/bin/sh", "-c", script, traplab, arg, NULL }, out);
}

static void
test_installed_files(void)
{
	CU_ASSERT_EQUAL_FATAL(install_status, 0);
	static const char *const files[] = {
		"bin/traplab", "share/traplab/guests/pg32/hello.s",
		"share/traplab/guests/pg32/minios/minios.s", "share/traplab/guests/x86/modes.S",
		"share/traplab/guests/x86/svm-host/init", "share/traplab/lessons/README.md",
		"share/traplab/lessons/02-classify/check",
	};
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		char path[PATH_LEN];
		snprintf(path, sizeof path, "%s/%s", dest, files[i]);
		CU_ASSERT(access(path, R_OK) == 0);
	}
	CU_ASSERT(access(installed, X_OK) == 0);
}

/* From "/", the installed program runs the installed hello and loads its
 * default guest from DEST/share/traplab; the tree's program uses the tree. */
static void
test_installed_finds_its_files(void)
{
	CU_ASSERT_EQUAL_FATAL(install_status, 0);
	char hello[PATH_LEN], minios[PATH_LEN], *out = NULL;
	snprintf(hello, sizeof hello, "%s/share/traplab/guests/pg32/hello.s", dest);
	CU_ASSERT_EQUAL(from_root("cd / && exec \"$0\" run \"$1\"", installed, hello, &out), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "Hello from PG32!"));
	free(out);

	const char *monitor = "cd / && printf 'info vcpu\\n' | exec \"$0\" monitor --batch 2>&1";
	snprintf(minios, sizeof minios, "guest: %s/share/traplab/guests/pg32/minios/minios.s", dest);
	CU_ASSERT_EQUAL(from_root(monitor, installed, "", &out), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, minios));
	free(out);

	char *real_top = realpath(test_top(), NULL);
	CU_ASSERT_FATAL(real_top != NULL);
	snprintf(minios, sizeof minios, "guest: %.*s/guests/pg32/minios/minios.s", DEST_LEN, real_top);
	free(real_top);
	CU_ASSERT_EQUAL(from_root(monitor, cli_traplab(), "", &out), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, minios));
	free(out);
}

/* Does man(1) render `page` as a manual (NAME to EXAMPLES)?  About half a
 * second each, so two pages are rendered, and every page checked as text. */
static void
check_man_renders(const char *page)
{
	char *text = NULL;
	if (!cli_have("man"))
		return;
	CU_ASSERT_EQUAL(cli_command((const char *const[]){ "man", "-l", page, NULL }, &text), 0);
	CU_ASSERT(text && strstr(text, "NAME") && strstr(text, "SYNOPSIS") && strstr(text, "EXAMPLES"));
	free(text);
}

/* Every command of `traplab --help` has its page, and man renders them. */
static void
test_man_page_per_command(void)
{
	CU_ASSERT_EQUAL_FATAL(install_status, 0);
	char *help = NULL;
	CU_ASSERT_EQUAL_FATAL(cli_command((const char *const[]){ installed, "--help", NULL }, &help), 0);
	const char *line = strstr(help, "\nCOMMANDS\n");
	CU_ASSERT_FATAL(line != NULL);
	int pages = 0;
	for (line += strlen("\nCOMMANDS\n"); strncmp(line, "    ", 4) == 0; line = strchr(line, '\n') + 1) {
		char name[NAME_LEN], page[PATH_LEN];
		CU_ASSERT_FATAL(sscanf(line, "%63s", name) == 1);
		snprintf(page, sizeof page, "%s/share/man/man1/traplab-%s.1", dest, name);
		size_t len = 0;
		char *troff = test_read_file(page, &len);
		CU_ASSERT_PTR_NOT_NULL(troff);
		char title[NAME_LEN * 2];
		snprintf(title, sizeof title, "traplab\\-%s \\- ", name);
		CU_ASSERT(troff && strstr(troff, title));        /* NAME, for whatis(1) */
		CU_ASSERT(troff && strstr(troff, ".SH EXIT STATUS"));
		free(troff);
		if (strcmp(name, "disasm") == 0)
			check_man_renders(page);
		pages++;
	}
	CU_ASSERT(pages >= 9);
	char top_page[PATH_LEN];
	snprintf(top_page, sizeof top_page, "%s/share/man/man1/traplab.1", dest);
	check_man_renders(top_page);
	free(help);
}

/* The Makefile runs these same steps with $(DESTDIR)$(PREFIX). */
static void
test_makefile_runs_them(void)
{
	char *out = NULL;
	int rc = cli_command((const char *const[]){ "make", "-n", "-s", "-C", test_top(),
				"install", "DESTDIR=/nonexistent", "PREFIX=/usr", NULL }, &out);
	if (rc < 0 || !out || !*out) {
		free(out);
		TEST_SKIP("make -n install did not run");
		return;
	}
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "tools-build/install.sh install"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"/nonexistent/usr\""));
	free(out);
	rc = cli_command((const char *const[]){ "make", "-n", "-s", "-C", test_top(), "uninstall",
				"DESTDIR=/nonexistent", "PREFIX=/opt/traplab", NULL }, &out);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_PTR_NOT_NULL(out && strstr(out, "install.sh uninstall \"/nonexistent/opt/traplab\""));
	free(out);
}

/* Uninstalling removes all of it and nothing else. */
static void
test_uninstall(void)
{
	CU_ASSERT_EQUAL_FATAL(install_status, 0);
	char keep[PATH_LEN], path[PATH_LEN];
	snprintf(keep, sizeof keep, "%s/share/man/man1/other.1", dest);
	CU_ASSERT_FATAL(cli_write_file(keep, ".TH OTHER 1\n") == 0);
	CU_ASSERT_EQUAL(run_script("install.sh", (const char *const[]){ "uninstall", dest, NULL }), 0);
	CU_ASSERT(access(installed, F_OK) != 0);
	snprintf(path, sizeof path, "%s/share/traplab", dest);
	CU_ASSERT(access(path, F_OK) != 0);
	snprintf(path, sizeof path, "%s/share/man/man1/traplab-run.1", dest);
	CU_ASSERT(access(path, F_OK) != 0);
	CU_ASSERT(access(keep, F_OK) == 0);
}

static CU_TestInfo tests[] = {
	{ "install: the program, guests, lessons, SVM host", test_installed_files },
	{ "installed traplab run from / finds its guests", test_installed_finds_its_files },
	{ "a man page per command of traplab --help", test_man_page_per_command },
	{ "the Makefile's install and uninstall", test_makefile_runs_them },
	{ "uninstall removes exactly what install put", test_uninstall },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_cli_install = { "cli: make install", suite_init, suite_clean, NULL, NULL, tests };
