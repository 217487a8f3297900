/* boot_linux.c — kvm_guest_load_linux (kvm.h): Linux on the x86 boot
 * protocol's 64-bit entry (Documentation/arch/x86/boot.rst; KVM-NOTES
 * §3.2-3.3; kvm-backend/README.md "Linux").  Lab 10.  Two steps:
 * linux_boot_files reads the files and lets zeropage.c build guest memory
 * (payload decompressed on the host, or read back from kernel_cache.c's
 * cache, vmlinux at phys_startup_64) in any buffer -- no /dev/kvm, so
 * `traplab kvm --check-kernel` and tests/fuzz/fuzz_kernel.c use it too
 * (issue 15); kvm_guest_load_linux does that in the VM's memory and sets
 * the long-mode vCPU state.  Try it:
 *   make linux && build/traplab kvm --linux --kernel build/linux/vmlinuz \
 *       --append "console=ttyS0 earlyprintk=serial nokaslr"            */
#include "kvm.h"
#include "boot_linux.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MiB (1024ull * 1024)
#define KERNEL_FILE_MAX (256 * MiB)     /* a bzImage is ~8 MiB; its payload is decompressed */

/* A whole file into a malloc'd buffer of at most `max` bytes (`max_what`
 * says what bounds it).  Errors start with `what` ("kernel: ", "initrd
 * PATH: "): callers print the kernel's path before every message
 * (monitor/cli/cmd_kvm.c), so it is not repeated here. */
static int
read_file(const char *what, const char *path, size_t max, const char *max_what, uint8_t **data,
	  size_t *size, char *err, size_t errlen)
{
	*data = NULL;
	FILE *f = fopen(path, "rb");
	struct stat st;
	if (!f || fstat(fileno(f), &st) < 0) {
		snprintf(err, errlen, "%s%s", what, strerror(errno));
		if (f)
			fclose(f);
		return -1;
	}
	if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size > max) {
		if (S_ISREG(st.st_mode))
			snprintf(err, errlen, "%s%lld bytes, more than the %zu bytes of %s", what,
				 (long long)st.st_size, max, max_what);
		else
			snprintf(err, errlen, "%snot a regular file", what);
		fclose(f);
		return -1;
	}
	*size = (size_t)st.st_size;
	*data = malloc(*size ? *size : 1);
	if (!*data || fread(*data, 1, *size, f) != *size) {
		snprintf(err, errlen, "%s%s", what, *data ? "short read" : "out of memory");
		free(*data);
		*data = NULL;
		fclose(f);
		return -1;
	}
	fclose(f);
	return 0;
}

int
linux_boot_files(uint8_t *ram, size_t ram_size, const struct kvm_linux_config *lc,
		 struct linux_boot *lb, char *err, size_t errlen)
{
	if (!lc->kernel) {
		snprintf(err, errlen, "linux: no kernel given");
		return -1;
	}
	uint8_t *kernel = NULL, *initrd = NULL;
	size_t kernel_size = 0, initrd_size = 0;
	int rc = -1;
	if (read_file("kernel: ", lc->kernel, KERNEL_FILE_MAX, "a kernel TrapLab reads", &kernel,
		      &kernel_size, err, errlen) < 0)
		goto out;
	char what[300];
	snprintf(what, sizeof what, "initrd %s: ", lc->initrd ? lc->initrd : "");
	char memory[64];
	snprintf(memory, sizeof memory, "guest memory (%zu MiB); use --memory", (size_t)(ram_size / MiB));
	if (lc->initrd && read_file(what, lc->initrd, ram_size, memory, &initrd, &initrd_size,
				    err, errlen) < 0)
		goto out;
	struct kernel_cache kc = { .off = lc->no_kernel_cache };
	rc = linux_boot_build_cached(ram, ram_size, kernel, kernel_size, initrd, initrd_size,
				     lc->cmdline, &kc, lb, err, errlen);
	if (kc.notice[0])   /* a bad cache entry, ignored: worth a line, never a failure */
		fprintf(stderr, "traplab kvm: kernel cache: %s\n", kc.notice);
out:
	free(kernel);
	free(initrd);
	return rc;
}

int
kvm_guest_load_linux(struct kvm_guest *g, const struct kvm_linux_config *lc, char *err,
		     size_t errlen)
{
	size_t ram_size = kvm_guest_ram_size(g);
	uint8_t *ram = kvm_guest_ram(g, 0, ram_size);
	if (!ram) {
		snprintf(err, errlen, "linux: no guest memory");
		return -1;
	}
	struct linux_boot lb;
	if (linux_boot_files(ram, ram_size, lc, &lb, err, errlen) < 0)
		return -1;
	struct kvm_regs regs;
	struct kvm_sregs sregs;
	if (kvm_guest_get_regs(g, &regs, &sregs) < 0) {
		snprintf(err, errlen, "linux: KVM_GET_SREGS: %s", strerror(errno));
		return -1;
	}
	linux_boot_entry_state(&lb, &regs, &sregs);
	if (kvm_guest_set_regs(g, &regs, &sregs) < 0) {
		snprintf(err, errlen, "linux: KVM_SET_REGS/KVM_SET_SREGS (64-bit entry at 0x%llx, "
			 "EFER 0x%llx): %s", (unsigned long long)regs.rip,
			 (unsigned long long)sregs.efer, strerror(errno));
		return -1;
	}
	return 0;
}
