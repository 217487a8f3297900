/* cmd_kvm_multiboot.c — `traplab kvm --kernel=FILE` without --linux: the
 * Multiboot kernel's files read and handed to kvm_guest_load_multiboot
 * (kvm-backend/multiboot.c), with the command line QEMU gives such a kernel:
 * "FILE ARGS", the kernel's own name as its first word (QEMU
 * hw/i386/multiboot.c; kvm-unit-tests' argv[0] is that word).  Lab 10.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend_common.h"
#include "cmd_kvm_internal.h"

/* A file's bytes, or the exit status with the message printed. */
static int
mbcli_read(const char *path, uint8_t **bytes, size_t *size)
{
	char err[PATH_MAX + 64];
	int got = backend_read_file(path, bytes, size, err, sizeof err);
	if (got >= 0)
		return 0;
	fprintf(stderr, "traplab kvm: %s\n", err);
	return got == BACKEND_READ_NO_MEMORY ? EXIT_SOFTWARE : EXIT_DATAERR;
}

int
cmd_kvm_load_multiboot(struct kvm_guest *g, const char *kernel, const char *initrd,
		       const char *append)
{
	struct kvm_multiboot_config mc = { .module_name = initrd };
	uint8_t *image = NULL, *module = NULL;
	int status = mbcli_read(kernel, &image, &mc.image_size);
	if (status == 0 && initrd)
		status = mbcli_read(initrd, &module, &mc.module_size);
	size_t len = strlen(kernel) + 1 + (append ? strlen(append) : 0) + 1;
	char *cmdline = status == 0 ? malloc(len) : NULL;
	if (status == 0 && !cmdline) {
		fprintf(stderr, "traplab kvm: out of memory for the command line\n");
		status = EXIT_SOFTWARE;
	}
	if (status == 0) {
		snprintf(cmdline, len, "%s %s", kernel, append ? append : "");   /* as QEMU */
		mc.image = image;
		mc.module = module;
		mc.cmdline = cmdline;
		char err[320];
		if (kvm_guest_load_multiboot(g, &mc, err, sizeof err) < 0) {
			fprintf(stderr, "traplab kvm: %s: %s\n", kernel, err);
			status = EXIT_DATAERR;
		}
	}
	free(cmdline);
	free(image);
	free(module);
	return status;
}
