/* test_kvm_multiboot.c — Multiboot test kernels on /dev/kvm (issue 18; in
 * the SVM host where this machine has none): guests/x86/multiboot/mbcheck.S,
 * as an ELF and as an a.out-kludge image, checks its entry state, reads the
 * Multiboot information, the command line and the module, fw_cfg and
 * pc-testdev, and exits through port 0xf4.  Its command line carries a
 * word and its module bytes drawn at random here, and the values it prints
 * and its failure code are computed from them, so only a kernel that ran
 * and read them can pass.  Then `traplab kvm --kernel` with QEMU's exit
 * statuses and a bad image's, and the monitor stepping such a kernel.
 * Every test says SKIPPED with the reason when /dev/kvm is unusable.
 */
#include <CUnit/CUnit.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "../../guests/x86/multiboot/multiboot.h"
#include "cli/cli_support.h"
#include "kvm_support.h"
#include "support.h"

enum {
	MB_TEST_MEMORY = 8 << 20,
	MB_TEST_TOP_RESERVED = 0x4000,   /* the GDT's pages (boot_flat.c) */
	MB_TEST_MAX_EXITS = 20000,       /* two per byte printed, and a few more */
	MODULE_LEN = 24,
	PATH_LEN = 4096,
};

/* A random word and module (printable, no spaces), and what mbcheck must
 * print for them with `cmdline` as its command line. */
struct mb_case {
	char word[16], module[MODULE_LEN + 1], cmdline[256], expected[1024];
	uint32_t sum;
};

/* Does this KVM emulate the TSC-deadline timer?  Then a Multiboot kernel's
 * CPUID says so (kvm-backend/vm.c). */
static int
kvm_has_tsc_deadline(void)
{
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return 0;
	int r = ioctl(fd, KVM_CHECK_EXTENSION, KVM_CAP_TSC_DEADLINE_TIMER);
	close(fd);
	return r > 0;
}

static void
mb_case_make(struct mb_case *c, const char *kernel, bool fail)
{
	snprintf(c->word, sizeof c->word, "w%u", (unsigned)rand() % 100000);
	c->sum = 0;
	for (int i = 0; i < MODULE_LEN; i++) {
		c->module[i] = (char)('a' + rand() % 26);
		c->sum += (uint8_t)c->module[i];
	}
	c->module[MODULE_LEN] = '\0';
	snprintf(c->cmdline, sizeof c->cmdline, "%s %s%s", kernel, fail ? "fail " : "", c->word);
	uint32_t usable = MB_TEST_MEMORY - MB_TEST_TOP_RESERVED, scratch = c->sum ^ 0x5a5a0000u;
	snprintf(c->expected, sizeof c->expected,
		 "mbcheck: entry ok\n"
		 "mbcheck: cmdline %s\n"
		 "mbcheck: mem_upper %x mmap_end %x\n"
		 "mbcheck: module %s\n"
		 "mbcheck: fw_cfg QEMU cpus 1 ram %x\n"
		 "mbcheck: testdev %x %x %x\n"
		 "mbcheck: tsc-deadline %d\n",
		 c->cmdline, (usable - (1u << 20)) >> 10, usable, c->module, MB_TEST_MEMORY,
		 scratch, (scratch >> 8) & 0xff, scratch, kvm_has_tsc_deadline());
}

struct console {
	char text[2048];
	size_t len;
};

static void
console_byte(void *ctx, uint8_t byte)
{
	struct console *c = ctx;
	if (c->len < sizeof c->text - 1)
		c->text[c->len++] = (char)byte;
	c->text[c->len] = '\0';
}

/* Boot NAME.EXT (guests/x86/multiboot/) through the library with the case's
 * command line and module; the console in *con. */
static struct kvm_guest *
mb_boot(const char *name, const char *ext, const struct mb_case *c, struct console *con,
	struct kvm_stop *stop)
{
	size_t size;
	char *image = test_read_file(kvm_test_guest_path(name, ext), &size);
	CU_ASSERT_PTR_NOT_NULL_FATAL(image);
	char err[320];
	struct kvm_config cfg = { .memory = MB_TEST_MEMORY };
	struct kvm_guest *g = kvm_guest_create(&cfg, err, sizeof err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(g);
	struct kvm_multiboot_config mc = {
		.image = (const uint8_t *)image, .image_size = size, .cmdline = c->cmdline,
		.module = (const uint8_t *)c->module, .module_size = MODULE_LEN,
		.module_name = "module",
	};
	int r = kvm_guest_load_multiboot(g, &mc, err, sizeof err);
	if (r < 0)
		fprintf(stderr, "\n    kvm_guest_load_multiboot: %s\n", err);
	CU_ASSERT_EQUAL_FATAL(r, 0);
	free(image);
	memset(con, 0, sizeof *con);
	kvm_guest_set_console(g, console_byte, con);
	kvm_test_run_guest(g, MB_TEST_MAX_EXITS, stop);
	return g;
}

static void
expect_console(const struct console *con, const char *expected)
{
	if (strcmp(con->text, expected) != 0)
		fprintf(stderr, "\n    expected:\n%s    got:\n%s\n", expected, con->text);
	CU_ASSERT_STRING_EQUAL(con->text, expected);
}

static void
test_mbcheck_elf_reads_its_information_devices_and_exits_passing(void)
{
	if (!kvm_test_available())
		return;
	struct mb_case c;
	mb_case_make(&c, "mbcheck.elf", false);
	struct console con;
	struct kvm_stop stop;
	struct kvm_guest *g = mb_boot("multiboot/mbcheck", "elf", &c, &con, &stop);
	expect_console(&con, c.expected);
	CU_ASSERT_EQUAL(stop.kind, KVM_STOP_DEBUG_EXIT);
	CU_ASSERT_EQUAL(stop.exit_code, MB_EXIT_PASS);
	/* stopped right after its `out` to 0xf4, in 32-bit protected mode */
	struct kvm_regs regs;
	struct kvm_sregs sregs;
	CU_ASSERT_EQUAL_FATAL(kvm_guest_get_regs(g, &regs, &sregs), 0);
	CU_ASSERT_EQUAL(regs.rip, kvm_test_symbol("multiboot/mbcheck", "halt"));
	CU_ASSERT_EQUAL(sregs.cs.db, 1);
	CU_ASSERT_EQUAL(sregs.cr0 & (X86_CR0_PE | X86_CR0_PG), X86_CR0_PE);
	kvm_guest_destroy(g);
}

static void
test_mbcheck_fails_with_the_code_its_module_gives(void)
{
	if (!kvm_test_available())
		return;
	struct mb_case c;
	mb_case_make(&c, "mbcheck.elf", true);
	struct console con;
	struct kvm_stop stop;
	struct kvm_guest *g = mb_boot("multiboot/mbcheck", "elf", &c, &con, &stop);
	expect_console(&con, c.expected);
	CU_ASSERT_EQUAL(stop.kind, KVM_STOP_DEBUG_EXIT);
	CU_ASSERT_EQUAL(stop.exit_code, MB_FAIL_BASE + (c.sum & MB_FAIL_MOD));
	kvm_guest_destroy(g);
}

static void
test_the_aout_kludge_image_runs_the_same_checks(void)
{
	if (!kvm_test_available())
		return;
	struct mb_case c;
	mb_case_make(&c, "mbaout.bin", false);
	struct console con;
	struct kvm_stop stop;
	struct kvm_guest *g = mb_boot("multiboot/mbaout", "bin", &c, &con, &stop);
	expect_console(&con, c.expected);
	CU_ASSERT_EQUAL(stop.kind, KVM_STOP_DEBUG_EXIT);
	CU_ASSERT_EQUAL(stop.exit_code, MB_EXIT_PASS);
	kvm_guest_destroy(g);
}

/* `traplab kvm ARGS...`: the exit status, the output (stdout and stderr) in *out. */
static int
traplab_kvm(const char *const *args, char **out)
{
	int rc = cli_run(args, "", out);
	if (!*out)
		*out = strdup("");
	return rc;
}

static int
write_file(const char *path, const void *bytes, size_t len)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return -1;
	size_t put = fwrite(bytes, 1, len, f);
	return fclose(f) == 0 && put == len ? 0 : -1;
}

static bool
has(const char *text, const char *needle)
{
	bool found = strstr(text, needle) != NULL;
	if (!found)
		fprintf(stderr, "\n    missing \"%s\" in:\n%s\n", needle, text);
	return found;
}

static void
test_traplab_kvm_kernel_gives_qemus_exit_statuses_and_refuses_a_bad_image(void)
{
	if (!kvm_test_available())
		return;
	char *dir = cli_tempdir(), module[PATH_LEN], bad[PATH_LEN], kernel[PATH_LEN];
	snprintf(kernel, sizeof kernel, "%s", kvm_test_guest_path("multiboot/mbcheck", "elf"));
	snprintf(module, sizeof module, "%s/module", dir);
	snprintf(bad, sizeof bad, "%s/bad.elf", dir);
	for (int fail = 0; fail <= 1; fail++) {
		struct mb_case c;
		mb_case_make(&c, kernel, fail);
		CU_ASSERT_EQUAL_FATAL(write_file(module, c.module, MODULE_LEN), 0);
		char append[64], initrd[PATH_LEN + 16], kopt[PATH_LEN + 16];
		snprintf(append, sizeof append, "--append=%s%s", fail ? "fail " : "", c.word);
		snprintf(initrd, sizeof initrd, "--initrd=%s", module);
		snprintf(kopt, sizeof kopt, "--kernel=%s", kernel);
		const char *args[] = { "kvm", "--memory=8", kopt, append, initrd, NULL };
		char *out;
		int rc = traplab_kvm(args, &out);
		unsigned code = fail ? MB_FAIL_BASE + (c.sum & MB_FAIL_MOD) : MB_EXIT_PASS;
		CU_ASSERT_EQUAL(rc, (int)(((code << 1) | 1) & 0xff));
		CU_ASSERT(has(out, c.expected));
		CU_ASSERT_PTR_NULL(strstr(out, "traplab kvm:"));   /* silent, as QEMU */
		free(out);
	}
	/* not a Multiboot kernel: the field named, status 65 */
	CU_ASSERT_EQUAL_FATAL(write_file(bad, "\177ELF not really", 15), 0);
	char kopt[PATH_LEN + 16];
	snprintf(kopt, sizeof kopt, "--kernel=%s", bad);
	const char *args[] = { "kvm", kopt, NULL };
	char *out;
	CU_ASSERT_EQUAL(traplab_kvm(args, &out), 65);
	CU_ASSERT(has(out, "no multiboot header"));
	free(out);
	cli_rmtree(dir);
	free(dir);
}

/* The line of `info registers` output that starts with `name`, or "". */
static const char *
reg_line(const char *text, const char *name, char *buf, size_t len)
{
	size_t n = strlen(name);
	for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (strncmp(p, name, n) == 0 && p[n] == ' ') {
			snprintf(buf, len, "%.*s", (int)strcspn(p, "\n"), p);
			return buf;
		}
	buf[0] = '\0';
	return buf;
}

static void
test_the_monitor_boots_and_steps_a_multiboot_kernel(void)
{
	if (!kvm_test_available())
		return;
	const char *args[] = { "monitor", "--backend=kvm",
			       kvm_test_guest_path("multiboot/mbcheck", "elf"), NULL };
	char *out, line[256], start[32], rsp[32];
	int rc = cli_run(args, "info registers\nstep\ninfo registers\ncontinue\n", &out);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	snprintf(start, sizeof start, "%08llx",
		 (unsigned long long)kvm_test_symbol("multiboot/mbcheck", "start"));
	snprintf(rsp, sizeof rsp, "%08llx",
		 (unsigned long long)kvm_test_symbol("multiboot/mbcheck", "stack_top"));
	CU_ASSERT(has(reg_line(out, "rax", line, sizeof line), "2badb002"));
	CU_ASSERT(has(reg_line(out, "rip", line, sizeof line), start));
	const char *after = strstr(out, "\nrsp ");
	CU_ASSERT_PTR_NOT_NULL_FATAL(after);
	CU_ASSERT(has(reg_line(strstr(after + 1, "\nrsp ") + 1, "rsp", line, sizeof line), rsp));
	CU_ASSERT(has(out, "mbcheck: entry ok\nmbcheck: cmdline "));
	CU_ASSERT(has(out, "port 0xf4"));
	free(out);
}

static CU_TestInfo tests[] = {
	{ "mbcheck.elf: entry, information, devices, pass", test_mbcheck_elf_reads_its_information_devices_and_exits_passing },
	{ "mbcheck.elf: fails with its module's code", test_mbcheck_fails_with_the_code_its_module_gives },
	{ "mbaout.bin: the a.out kludge runs the same", test_the_aout_kludge_image_runs_the_same_checks },
	{ "traplab kvm --kernel: QEMU's statuses, bad image 65", test_traplab_kvm_kernel_gives_qemus_exit_statuses_and_refuses_a_bad_image },
	{ "the monitor boots and steps a Multiboot kernel", test_the_monitor_boots_and_steps_a_multiboot_kernel },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_kvm_multiboot = { "kvm: Multiboot kernels", NULL, NULL, NULL, NULL, tests };
