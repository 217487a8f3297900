/* multiboot.h — what mbcheck.S (the Multiboot test kernel, built twice: an
 * ELF and an a.out-kludge image) and its tests (tests/kvm/test_multiboot*.c)
 * share: the values it prints and the exit codes it writes to port 0xf4.
 * guests/x86/multiboot/README.md says what it checks.  Lab 10.
 */
#ifndef TRAPLAB_X86_MULTIBOOT_GUEST_H
#define TRAPLAB_X86_MULTIBOOT_GUEST_H

#define MB_KERNEL_BASE      0x100000    /* linked at 1 MiB, as kvm-unit-tests' kernels */
#define MB_HEADER_MAGIC     0x1badb002
#define MB_ENTRY_MAGIC      0x2badb002
#define MB_FLAG_MEMORY      0x00000002
#define MB_FLAG_AOUT        0x00010000
#define MB_BSS_CANARY_WORDS 64          /* bss words the kernel checks are zero */

/* exit codes written to isa-debug-exit (port 0xf4): status (code << 1) | 1 */
#define MB_EXIT_PASS        0x00        /* every check held: status 1 */
#define MB_EXIT_BAD_MAGIC   0x21        /* EAX was not MB_ENTRY_MAGIC */
#define MB_EXIT_BAD_MODE    0x22        /* CR0.PE clear or CR0.PG set, or IF set */
#define MB_EXIT_BAD_BSS     0x23        /* a bss word was not zero */
#define MB_EXIT_BAD_INFO    0x24        /* the info flags lack memory, cmdline, mods or mmap */
#define MB_EXIT_BAD_FWCFG   0x25        /* fw_cfg's signature is not "QEMU" */
#define MB_EXIT_BAD_TESTDEV 0x26        /* pc-testdev did not give back what was written */
/* "fail" as the command line's second word: exit with the module's byte sum
 * modulo MB_FAIL_MOD, plus MB_FAIL_BASE (a code only a run that read the
 * module can know). */
#define MB_FAIL_BASE        0x40
#define MB_FAIL_MOD         0x3f

#define MB_COM1_THR  0x3f8
#define MB_COM1_LSR  0x3fd
#define MB_LSR_THRE  0x20
#define MB_DEBUG_EXIT_PORT 0xf4
#define MB_FW_CFG_SELECTOR 0x510
#define MB_FW_CFG_DATA     0x511
#define MB_FW_CFG_RAM_SIZE 0x03
#define MB_FW_CFG_NB_CPUS  0x05
#define MB_TESTDEV_PORT    0xe0
#define MB_TESTDEV_IOMEM   0xff000000
#define MB_TESTDEV_SLOT    0x100        /* the offset in the scratch memory it uses */
#define MB_CPUID_1_ECX_TSC_DEADLINE_BIT 24

#endif
