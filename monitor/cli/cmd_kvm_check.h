/* cmd_kvm_check.h — `traplab kvm --check-kernel` (cmd_kvm_check.c), for
 * cmd_kvm.c: Lab 10's Linux loader run as a boot would, without /dev/kvm
 * (issue 15: the loader as an untrusted surface). */
#ifndef TRAPLAB_CMD_KVM_CHECK_H
#define TRAPLAB_CMD_KVM_CHECK_H

#include <stdbool.h>

/* Build guest memory of memory_mib MiB as `traplab kvm --linux` would from
 * the bzImage `kernel`, the initrd `initrd` (NULL: none) and the command
 * line, and print its layout on standard output.  EXIT_OK, EXIT_NOINPUT (a
 * file cannot be read), or EXIT_DATAERR with "traplab kvm: KERNEL: why"
 * (field and value) on stderr. */
int cmd_kvm_check_kernel(const char *kernel, const char *initrd, const char *cmdline,
			 unsigned memory_mib, bool no_kernel_cache);

#endif
