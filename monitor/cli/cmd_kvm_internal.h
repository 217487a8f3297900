/* cmd_kvm_internal.h — what the files of `traplab kvm` share (Lab 10):
 * cmd_kvm.c (options, running, reporting), cmd_kvm_usage.c (its manual),
 * cmd_kvm_multiboot.c (a Multiboot kernel's files into the guest). */
#ifndef TRAPLAB_CMD_KVM_INTERNAL_H
#define TRAPLAB_CMD_KVM_INTERNAL_H

#include "commands.h"
#include "kvm.h"

/* Every status `traplab kvm` can return (commands.h). */
#define CMD_KVM_EXIT_BITS (EXIT_BIT(OK) | EXIT_BIT(USAGE) | EXIT_BIT(DATAERR) | EXIT_BIT(NOINPUT) | \
			   EXIT_BIT(UNAVAILABLE) | EXIT_BIT(SOFTWARE) | EXIT_BIT(RESET) | \
			   EXIT_BIT(KVM_REFUSED) | EXIT_BIT(INTERRUPTED) | EXIT_BIT(TIMED_OUT))
enum {
	KVM_DEFAULT_MEMORY_MIB = 16,
	KVM_DEFAULT_LINUX_MEMORY_MIB = 256,
	KVM_DEFAULT_MULTIBOOT_MEMORY_MIB = 128,   /* QEMU's default -m */
	KVM_DEFAULT_LOAD = 0x7c00,
	KVM_STATS_MAX = 128,
};
#define KVM_DEFAULT_KERNEL  "build/linux/vmlinuz"
#define KVM_DEFAULT_INITRD  "build/guests/x86/initramfs.cpio.gz"
#define KVM_DEFAULT_APPEND  "console=ttyS0 earlyprintk=serial reboot=t panic=-1 nokaslr " \
			    "pci=off i8042.noaux i8042.nomux i8042.nopnp i8042.dumbkbd"

/* --kernel=FILE without --linux: the Multiboot kernel FILE, its command
 * line "FILE ARGS" (the program's name first, as QEMU passes it) and the
 * module `initrd` (NULL: none), into the guest.  0, or the exit status
 * (message printed): EXIT_NOINPUT, EXIT_DATAERR, EXIT_SOFTWARE. */
int cmd_kvm_load_multiboot(struct kvm_guest *g, const char *kernel, const char *initrd,
			   const char *append);

#endif
