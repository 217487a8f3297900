/* cmd_kvm_usage.c — the manual of `traplab kvm` (`traplab kvm --help`,
 * and its man page, tools-build/manpages.sh): the flat guest, Linux and
 * Multiboot kernels, the options and the exit statuses.  Lab 10.
 */
#include <stdio.h>

#include "cli_options.h"
#include "cmd_kvm_internal.h"

/* The OPTIONS section of cmd_kvm_usage, with the defaults it names. */
static void
kvm_usage_options(FILE *out)
{
	fprintf(out,
		"OPTIONS\n"
		"    --memory=MiB         guest RAM from address 0 (default %u, with --linux or\n"
		"                         --check-kernel %u, with a Multiboot --kernel %u; at\n"
		"                         most 3072)\n"
		"    --mode=MODE          real (default), protected or long: the CPU mode the\n"
		"                         flat guest starts in\n"
		"    --load-address=ADDR  where the flat guest is loaded and entered (default\n"
		"                         0x%x, the boot-sector address)\n"
		"    --linux              boot Linux instead of a flat guest\n"
		"    --kernel=FILE        with --linux: the bzImage (default\n"
		"                         %s, made by `make linux`); without:\n"
		"                         a Multiboot kernel to boot (see DESCRIPTION)\n"
		"    --initrd=FILE        the initramfs (default %s\n"
		"                         if it exists); for a Multiboot kernel its one module\n"
		"    --append=ARGS        the kernel command line (default \"%s\");\n"
		"                         a Multiboot kernel gets \"FILE ARGS\", its name first\n"
		"    --no-kernel-cache    decompress anew, not from ~/.cache/traplab (4 kernels)\n"
		"    --check-kernel=FILE  load the bzImage FILE as --linux would (no initrd unless\n"
		"                         given) into plain memory, no /dev/kvm; print what goes\n"
		"                         where and run nothing. A bad image: one line naming\n"
		"                         the field and value, exit status 65\n"
		"    --stats              at the end, print the exits that reached traplab by\n"
		"                         reason and by port, and KVM's own per-vCPU counters\n"
		"                         (KVM_GET_STATS_FD), which include the exits KVM\n"
		"                         handled without us\n"
		"    --input=TEXT         bytes the guest can read from the UART; `-` reads them\n"
		"                         from standard input. When standard input is a terminal\n"
		"                         (and no --input), it is the guest's keyboard: keys go\n"
		"                         to the UART as typed; Ctrl-A x stops the guest\n"
		"    --gdb=PORT           before the first instruction, wait for GDB on\n"
		"                         localhost:PORT (`target remote :PORT`) and let it drive\n"
		"                         the guest: registers (cr0-cr4, efer too), memory\n"
		"                         through the page tables, breakpoints, watchpoints,\n"
		"                         stepi, continue, Ctrl-C; after `detach` it runs on\n"
		"    --timeout=SECONDS    stop the guest after SECONDS of wall time (0.5 will\n"
		"                         do), as Ctrl-C would, with exit status 91: for a\n"
		"                         guest that may never stop by itself\n"
		"    --svm-host           run this same command inside the SVM host, a Linux on\n"
		"                         QEMU's software AMD-V whose /dev/kvm is kvm_amd, for\n"
		"                         a machine without a usable /dev/kvm (made by make\n"
		"                         svm-host; starts in ~5 s). The terminal passes\n"
		"                         through, the guest files are carried in, output and\n"
		"                         the exit status come back (guests/x86/svm-host/)\n"
		"    -h, --help           show this manual\n"
		"\n",
		KVM_DEFAULT_MEMORY_MIB, KVM_DEFAULT_LINUX_MEMORY_MIB, KVM_DEFAULT_MULTIBOOT_MEMORY_MIB,
		KVM_DEFAULT_LOAD,
		KVM_DEFAULT_KERNEL, KVM_DEFAULT_INITRD, KVM_DEFAULT_APPEND);
}

void
cmd_kvm_usage(FILE *out)
{
	fprintf(out,
		"NAME\n"
		"    traplab kvm - run a real x86 guest on /dev/kvm\n"
		"\n"
		"SYNOPSIS\n"
		"    traplab kvm [--memory=MiB] [--mode=real|protected|long] [--load-address=ADDR]\n"
		"                [--stats] [--input=TEXT|-] [--gdb=PORT] [--svm-host] GUEST.bin\n"
		"    traplab kvm --linux [--kernel=FILE] [--initrd=FILE] [--append=\"ARGS\"]\n"
		"                [--memory=MiB] [--stats] [--input=TEXT|-] [--no-kernel-cache]\n"
		"                [--gdb=PORT] [--svm-host]\n"
		"    traplab kvm --kernel=FILE [--append=\"ARGS\"] [--initrd=FILE] [--memory=MiB]\n"
		"                [--stats] [--input=TEXT|-] [--timeout=SECONDS] [--svm-host]\n"
		"    traplab kvm --check-kernel=FILE [--initrd=FILE] [--append=ARGS] [--memory=MiB]\n"
		"\n"
		"DESCRIPTION\n"
		"    Runs one guest on the real CPU through Linux KVM, with traplab as the\n"
		"    user-space half of the hypervisor: it owns guest RAM, loads the guest and\n"
		"    emulates its devices: a 16550A UART on COM1 (ports 0x3f8-0x3ff, IRQ 4) and\n"
		"    the i8042's reset line (0xFE to port 0x64). Every other port reads all ones;\n"
		"    every guest-physical address past RAM is MMIO that reads all ones.\n"
		"    GUEST.bin is a flat binary (guests/x86/README.md), loaded at ADDR and\n"
		"    entered there. Real mode (default): CS = DS = ES = SS = ADDR >> 4, IP =\n"
		"    ADDR & 0xf, SP = 0xfff0. Protected mode: flat 4 GiB segments (CS 0x08,\n"
		"    data 0x10), EIP = ADDR. Long mode: the same with the low 1 GiB identity-\n"
		"    mapped by 2 MiB pages. In both, the top 16 KiB of RAM hold the GDT and page\n"
		"    tables and the stack starts below them.\n"
		"    With --linux, a bzImage is booted through the x86 boot protocol.\n"
		"    With --kernel=FILE and no --linux, FILE is a Multiboot v1 kernel (the\n"
		"    Multiboot Specification 0.6.96), loaded as QEMU's -kernel loads one: a\n"
		"    32-bit ELF with a Multiboot header in its first 8 KiB, or an image\n"
		"    with the header's a.out-kludge addresses; its bss zeroed; entered in\n"
		"    32-bit protected mode, paging off, flat segments, EAX = 0x2BADB002 and\n"
		"    EBX at the Multiboot information: memory size and map, the command line\n"
		"    \"FILE ARGS\", and --initrd as the one module. Such a kernel (a\n"
		"    kvm-unit-tests .flat, say) also gets QEMU's test devices: isa-debug-exit\n"
		"    at port 0xf4, fw_cfg at 0x510-0x511 (signature, RAM size, one CPU) and\n"
		"    pc-testdev (0xe0-0xeb, IRQ lines at 0x2000, 64 KiB at 0xff000000).\n"
		"    A bad image: one line naming the field and value, exit status 65.\n"
		"    The guest's serial output goes to standard output; traplab's messages\n"
		"    (the host line, why the guest stopped, --stats) go to standard error.\n"
		"    A guest powers off by halting with interrupts off (cli; hlt): traplab\n"
		"    looks after 0.1 ms, then half as often each time, and from ~6 ms on\n"
		"    every 5 ms through KVM's statistics, without stopping the guest\n"
		"    (KVM_GET_MP_STATE).\n"
		"    On a kvm_pvm host (no VT-x/AMD-V) traplab says so in one line: guests then\n"
		"    run through KVM's instruction emulator, about 1 us per instruction, and\n"
		"    cannot execute int n/int3 outside real mode.\n"
		"\n");
	kvm_usage_options(out);
	fprintf(out,
		"EXIT STATUS\n"
		"    A guest that powers off gives 0; when KVM refuses the guest, the\n"
		"    instruction bytes and registers are printed.  A Multiboot kernel that\n"
		"    writes CODE to port 0xf4 ends the run with (CODE << 1) | 1, its low 8\n"
		"    bits, and no message, as QEMU's isa-debug-exit: kvm-unit-tests' pass\n"
		"    (0) is 1, its failure (1) 3. Such odd statuses can equal one of those\n"
		"    below.\n");
	cli_print_exit_statuses(out, CMD_KVM_EXIT_BITS);
	fprintf(out,
		"\n"
		"EXAMPLES\n"
		"    traplab kvm build/guests/x86/realmode.bin\n"
		"    traplab kvm build/guests/x86/modes.bin\n"
		"    traplab kvm --stats build/guests/x86/exits.bin; echo $?\n"
		"    traplab kvm --linux --append=\"console=ttyS0 quiet\"\n"
		"    traplab kvm --kernel=build/guests/x86/multiboot/mbcheck.elf --append=\"hi\"\n"
		"    traplab kvm --check-kernel build/linux/vmlinuz --memory=128\n");
}

