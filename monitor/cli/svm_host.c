/* svm_host.c — run `traplab kvm` or `traplab monitor --backend=kvm` inside
 * the SVM host (svm_host.h; guests/x86/svm-host/README.md "For users
 * without VT-x").  The mechanics:
 *   1. find QEMU, the host's kernel (build/svm-host/vmlinux, the bzImage's
 *      payload: QEMU boots it by PVH without the kernel's decompressor, which
 *      under TCG costs ~6 s; else build/linux/vmlinuz) and image
 *      (build/svm-host/run.cpio, else initramfs.cpio.gz);
 *   2. write the initrd to an unlinked temporary file: the image, then a
 *      second cpio (newc) archive — the kernel unpacks them in turn — with
 *      this traplab as /svmhost/traplab, every file named on the command line
 *      at its absolute path, and /svmhost/cmd, the shell lines that enter
 *      the current directory, set the terminal up and exec the command;
 *   3. run QEMU on it, the terminal on its stdio (COM1, the host's console:
 *      no QEMU escape, so Ctrl-A and Ctrl-C reach the command), standard
 *      error on COM2 when it is not the terminal, and an isa-debug-exit port
 *      on which the host's init writes the command's status + 1: QEMU exits
 *      with (value << 1) | 1.  Lab 10.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "commands.h"
#include "data_dir.h"
#include "svm_host.h"

#define SVM_QEMU "qemu-system-x86_64"
#define SVM_QBOOT "/usr/share/qemu/qboot.rom"
#define SVM_CMDLINE "console=ttyS0 quiet loglevel=0 panic=-1 svmhost=run"
enum { SVM_PATH = 4096, SVM_MEMORY_MIB = 1536, SVM_EXIT_PORT = 0xf4 };

/* ---- finding QEMU, the kernel and the image ---------------------------------------- */

static bool
svm_find_program(const char *name, char *out, size_t len)
{
	const char *path = getenv("PATH");
	char *copy = strdup(path && *path ? path : "/usr/local/bin:/usr/bin:/bin");
	bool found = false;
	for (char *save, *dir = strtok_r(copy, ":", &save); dir && !found;
	     dir = strtok_r(NULL, ":", &save)) {
		int n = snprintf(out, len, "%s/%s", dir, name);
		found = n > 0 && (size_t)n < len && access(out, X_OK) == 0;
	}
	free(copy);
	return found;
}

/* NAME in the svm-host folder beside the program (build/ or build-san/), or in
 * the tree's or the installed build/svm-host/ (data_dir.h). */
static bool
svm_find_file(const char *name, char *out, size_t len)
{
	char exe[SVM_PATH];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = '\0';
		int m = snprintf(out, len, "%s/svm-host/%s", dirname(exe), name);
		if (m > 0 && (size_t)m < len && access(out, R_OK) == 0)
			return true;
	}
	char relative[128];
	snprintf(relative, sizeof relative, "build/svm-host/%s", name);
	return data_dir_find(relative, out, len);
}

struct svm_paths {
	char qemu[SVM_PATH], kernel[SVM_PATH], image[SVM_PATH];
	const char *bios;           /* qboot for the vmlinux (PVH), else QEMU's SeaBIOS */
};

/* 0, or EXIT_UNAVAILABLE after one line saying what is missing. */
static int
svm_find(struct svm_paths *p)
{
	if (!svm_find_program(SVM_QEMU, p->qemu, sizeof p->qemu)) {
		fprintf(stderr, "svm-host: no " SVM_QEMU " in PATH: install it (Debian: sudo "
			"apt-get install qemu-system-x86)\n");
		return EXIT_UNAVAILABLE;
	}
	p->bios = NULL;
	if (svm_find_file("vmlinux", p->kernel, sizeof p->kernel)) {
		if (access(SVM_QBOOT, R_OK) == 0)       /* ~1 s sooner than SeaBIOS */
			p->bios = SVM_QBOOT;
	} else if (!data_dir_find("build/linux/vmlinuz", p->kernel, sizeof p->kernel)) {
		fprintf(stderr, "svm-host: no kernel for the SVM host (%s): run make linux "
			"svm-host in the TrapLab tree\n", p->kernel);
		return EXIT_UNAVAILABLE;
	}
	if (!svm_find_file("run.cpio", p->image, sizeof p->image) &&
	    !svm_find_file("initramfs.cpio.gz", p->image, sizeof p->image)) {
		fprintf(stderr, "svm-host: no image for the SVM host (%s): run make svm-host in "
			"the TrapLab tree\n", p->image);
		return EXIT_UNAVAILABLE;
	}
	return 0;
}

/* ---- the second archive: cpio "newc" (the kernel's initramfs format) ------------- */

struct cpio {
	FILE *f;
	unsigned long ino;
	bool failed;
};

static void
cpio_pad(struct cpio *c)
{
	long at = ftell(c->f);
	while (at >= 0 && (at++ & 3))
		fputc(0, c->f);
}

static void
cpio_header(struct cpio *c, const char *name, unsigned mode, unsigned long size)
{
	size_t namesize = strlen(name) + 1;
	/* magic, ino, mode, uid, gid, nlink, mtime, filesize, dev major/minor,
	 * rdev major/minor, namesize, check */
	fprintf(c->f, "070701%08lX%08X%08X%08X%08X%08X%08lX%08X%08X%08X%08X%08lX%08X", ++c->ino,
		mode, 0u, 0u, 1u, 0u, size, 0u, 0u, 0u, 0u, (unsigned long)namesize, 0u);
	fwrite(name, 1, namesize, c->f);
	cpio_pad(c);
}

static void
cpio_data(struct cpio *c, const char *name, unsigned mode, const void *data, size_t size)
{
	cpio_header(c, name, mode, size);
	fwrite(data, 1, size, c->f);
	cpio_pad(c);
}

/* Every directory on the way to `path` (absolute), and `path` itself when
 * `self`: the kernel's unpacker does not make parents. */
static void
cpio_dirs(struct cpio *c, const char *path, bool self)
{
	char buf[SVM_PATH];
	snprintf(buf, sizeof buf, "%s", path);
	for (char *s = buf + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		cpio_header(c, buf + 1, S_IFDIR | 0755, 0);
		*s = '/';
	}
	if (self && buf[1])
		cpio_header(c, buf + 1, S_IFDIR | 0755, 0);
}

/* The file `src` as `dest` (absolute), its mode kept. */
static void
cpio_file(struct cpio *c, const char *dest, const char *src)
{
	FILE *in = fopen(src, "rb");
	struct stat st;
	if (!in || fstat(fileno(in), &st) != 0 || !S_ISREG(st.st_mode)) {
		fprintf(stderr, "svm-host: %s: cannot carry it in: %s\n", src,
			in ? "not a regular file" : strerror(errno));
		c->failed = true;
		if (in)
			fclose(in);
		return;
	}
	cpio_dirs(c, dest, false);
	cpio_header(c, dest + 1, S_IFREG | (st.st_mode & 0777), (unsigned long)st.st_size);
	char buf[65536];
	size_t n, total = 0;
	while ((n = fread(buf, 1, sizeof buf, in)) > 0 && total + n <= (size_t)st.st_size) {
		fwrite(buf, 1, n, c->f);
		total += n;
	}
	if (total != (size_t)st.st_size) {
		fprintf(stderr, "svm-host: %s changed while it was read\n", src);
		c->failed = true;
	}
	fclose(in);
	cpio_pad(c);
}

static void
cpio_trailer(struct cpio *c)
{
	cpio_header(c, "TRAILER!!!", 0, 0);
	long at = ftell(c->f);        /* cpio(1)'s blocks: 512 bytes */
	while (at >= 0 && (at++ % 512))
		fputc(0, c->f);
}

/* ---- the command, as shell lines for the host's init ----------------------------- */

static void
sh_quote(FILE *f, const char *s)
{
	fputc('\'', f);
	for (; *s; s++) {
		if (*s == '\'')
			fputs("'\\''", f);
		else
			fputc(*s, f);
	}
	fputc('\'', f);
}

/* The terminal's size and kind, and what is not a terminal here is not one
 * there: standard input from /dev/null, output without \r, standard error
 * on COM2 (svm_qemu_argv gives it our stderr). */
static void
svm_write_terminal(FILE *f, bool stderr_apart)
{
	struct winsize ws;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row && ws.ws_col)
		fprintf(f, "stty rows %u cols %u\n", ws.ws_row, ws.ws_col);
	const char *term = getenv("TERM");
	if (term && *term) {
		fputs("export TERM=", f);
		sh_quote(f, term);
		fputc('\n', f);
	}
	if (!isatty(STDOUT_FILENO))
		fputs("stty -onlcr\n", f);
	if (stderr_apart)
		fprintf(f, "stty -F /dev/ttyS1 raw -echo%s; exec 2>/dev/ttyS1\n",
			isatty(STDERR_FILENO) ? " opost onlcr" : "");
	if (!isatty(STDIN_FILENO))
		fputs("stty -echo; exec </dev/null\n", f);
}

/* /svmhost/cmd: cd to our directory, then exec the carried traplab. */
static char *
svm_command_script(int argc, char **argv, bool stderr_apart, size_t *size)
{
	char *text = NULL;
	FILE *f = open_memstream(&text, size);
	if (!f)
		return NULL;
	char *cwd = getcwd(NULL, 0);
	svm_write_terminal(f, stderr_apart);
	fputs("cd ", f);
	sh_quote(f, cwd ? cwd : "/");
	fputs(" || exit 70\nexec /svmhost/traplab", f);
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], SVM_HOST_OPTION) == 0)
			continue;
		fputc(' ', f);
		sh_quote(f, argv[i]);
	}
	fputc('\n', f);
	free(cwd);
	fclose(f);
	return text;
}

static void
svm_absolute(const char *path, char *out, size_t len)
{
	char *cwd = path[0] == '/' ? NULL : getcwd(NULL, 0);
	if (cwd)
		snprintf(out, len, "%s/%s", strcmp(cwd, "/") ? cwd : "", path);
	else
		snprintf(out, len, "%s", path);
	free(cwd);
}

/* ---- the initrd: the image, then our archive ------------------------------------ */

static bool
svm_copy_image(FILE *out, const char *image)
{
	FILE *in = fopen(image, "rb");
	if (!in) {
		fprintf(stderr, "svm-host: %s: %s\n", image, strerror(errno));
		return false;
	}
	char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, in)) > 0)
		fwrite(buf, 1, n, out);
	fclose(in);
	/* the kernel looks for a cpio header only at a multiple of 4; zeros between
	 * archives are skipped */
	long at = ftell(out);
	while (at >= 0 && (at++ & 3))
		fputc(0, out);
	return true;
}

/* An unlinked temporary file holding the initrd, open for QEMU to read as
 * /proc/self/fd/N; -1 after a message. */
static int
svm_write_initrd(const char *image, int argc, char **argv, const char *const *files,
		 size_t nfiles, bool stderr_apart)
{
	const char *tmp = getenv("TMPDIR");
	char name[SVM_PATH];
	snprintf(name, sizeof name, "%s/traplab-svm-host-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	int fd = mkstemp(name);
	if (fd < 0) {
		fprintf(stderr, "svm-host: %s: %s\n", name, strerror(errno));
		return -1;
	}
	unlink(name);
	FILE *f = fdopen(dup(fd), "wb");
	struct cpio c = { .f = f };
	bool ok = f && svm_copy_image(f, image);
	if (ok) {
		char abs[SVM_PATH], *cwd = getcwd(NULL, 0);
		cpio_dirs(&c, "/svmhost/", false);
		cpio_file(&c, "/svmhost/traplab", "/proc/self/exe");
		svm_absolute(cwd ? cwd : "/", abs, sizeof abs);
		cpio_dirs(&c, abs, true);
		free(cwd);
		for (size_t i = 0; i < nfiles; i++) {
			svm_absolute(files[i], abs, sizeof abs);
			cpio_file(&c, abs, files[i]);
		}
		size_t size = 0;
		char *script = svm_command_script(argc, argv, stderr_apart, &size);
		if (script)
			cpio_data(&c, "svmhost/cmd", S_IFREG | 0644, script, size);
		free(script);
		cpio_trailer(&c);
		ok = script && !c.failed;
	}
	if (!f || fclose(f) != 0 || !ok) {
		if (ok || !f)
			fprintf(stderr, "svm-host: cannot write the initrd in %s\n",
				tmp && *tmp ? tmp : "/tmp");
		close(fd);
		return -1;
	}
	return fd;
}

/* ---- QEMU ------------------------------------------------------------------------- */

enum { SVM_ARGS_MAX = 40 };

static void
svm_qemu_argv(const struct svm_paths *p, const char *initrd, bool stderr_apart,
	      const char **a)
{
	static char memory[16];
	snprintf(memory, sizeof memory, "%d", SVM_MEMORY_MIB);
	size_t n = 0;
	const char *fixed[] = {
		p->qemu, "-accel", "tcg", "-cpu", "qemu64,+svm,+npt", "-smp", "1", "-m", memory,
		"-nodefaults", "-no-user-config", "-display", "none", "-no-reboot",
		/* COM1 on our stdio, without QEMU's escapes or signals: Ctrl-A x and
		 * Ctrl-C are the command's */
		"-chardev", "stdio,id=con,signal=off", "-serial", "chardev:con",
		"-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
		"-kernel", p->kernel, "-initrd", initrd, "-append", SVM_CMDLINE,
	};
	for (size_t i = 0; i < sizeof fixed / sizeof *fixed; i++)
		a[n++] = fixed[i];
	if (p->bios) {
		a[n++] = "-bios";
		a[n++] = p->bios;
	}
	if (stderr_apart) {
		a[n++] = "-chardev";
		a[n++] = "file,id=err,path=/proc/self/fd/2,append=on";
		a[n++] = "-serial";
		a[n++] = "chardev:err";
	}
	a[n] = NULL;
}

static volatile sig_atomic_t svm_interrupted;

static void
svm_sigint(int sig)
{
	(void)sig;
	svm_interrupted = 1;
}

/* Start QEMU and wait: its exit code, decoded (svm_host_run). */
static int
svm_qemu_run(const char *const *argv, bool null_stdin)
{
	struct sigaction sa = { .sa_handler = svm_sigint }, old_int, old_quit;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGQUIT, &sa, &old_quit);
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		sigaction(SIGINT, &old_int, NULL);
		sigaction(SIGQUIT, &old_quit, NULL);
		prctl(PR_SET_PDEATHSIG, SIGTERM);   /* traplab killed: QEMU goes too */
		int null = null_stdin ? open("/dev/null", O_RDONLY) : -1;
		if (null >= 0)
			dup2(null, STDIN_FILENO);
		execv(argv[0], (char *const *)argv);
		fprintf(stderr, "svm-host: %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	int status = 0;
	while (pid > 0 && waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGQUIT, &old_quit, NULL);
	if (pid < 0) {
		fprintf(stderr, "svm-host: cannot start QEMU: %s\n", strerror(errno));
		return EXIT_SOFTWARE;
	}
	int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	if (code >= 3 && (code & 1))          /* init wrote status + 1 */
		return ((code - 1) >> 1) - 1;
	if (svm_interrupted) {
		fprintf(stderr, "svm-host: interrupted: the SVM host was stopped\n");
		return EXIT_INTERRUPTED;
	}
	fprintf(stderr, "svm-host: the SVM host stopped before the command ended (QEMU %s %d)\n",
		code >= 0 ? "exit status" : "killed by signal",
		code >= 0 ? code : WTERMSIG(status));
	return EXIT_SOFTWARE;
}

int
svm_host_run(int argc, char **argv, const char *const *files, size_t nfiles)
{
	struct svm_paths p;
	int status = svm_find(&p);
	if (status != 0)
		return status;
	/* standard error on its own unless it and standard output are terminals */
	bool stderr_apart = !isatty(STDERR_FILENO) || !isatty(STDOUT_FILENO);
	int fd = svm_write_initrd(p.image, argc, argv, files, nfiles, stderr_apart);
	if (fd < 0)
		return EXIT_SOFTWARE;
	char initrd[64];
	snprintf(initrd, sizeof initrd, "/proc/self/fd/%d", fd);
	const char *qemu_argv[SVM_ARGS_MAX];
	svm_qemu_argv(&p, initrd, stderr_apart, qemu_argv);
	fprintf(stderr, "svm-host: starting the SVM host (QEMU, software AMD-V)...\n");
	status = svm_qemu_run(qemu_argv, !isatty(STDIN_FILENO));
	close(fd);
	return status;
}

void
svm_host_suggest(const char *why, int argc, char **argv)
{
	fprintf(stderr, "traplab %s: %s; run it in the SVM host: traplab %s " SVM_HOST_OPTION,
		argv[0], why, argv[0]);
	for (int i = 1; i < argc; i++)
		fprintf(stderr, " %s", argv[i]);
	fputc('\n', stderr);
}
