/* enter64.S — the head of the VMX host's kernel: from the 32-bit boot
 * protocol into Debian's kernel, already decompressed, at its 64-bit entry
 * (guests/x86/vmx-host/README.md; Lab 10).
 *
 * Bochs interprets every instruction, and the kernel's own XZ decompressor
 * costs ~50 s there.  So `mkimage` makes a bzImage of Debian's real-mode
 * setup and a new protected-mode part: this code, then the kernel's
 * PT_LOAD segments laid out flat from their first physical address (the
 * payload decompressed on the build machine).  SYSLINUX loads it as any
 * bzImage: the setup at low memory, the protected-mode part at 0x100000
 * (mkimage clears relocatable_kernel, so there and nowhere else).  The
 * setup asks the BIOS for the e820 map, fills boot_params, enters 32-bit
 * protected mode and jumps to code32_start, here, with ESI pointing at
 * boot_params (Documentation/x86/boot.rst, "32-bit BOOT PROTOCOL").
 *
 * We then do what the decompressor would: move the kernel to its load
 * address, LOAD_PHYSICAL_ADDR (0x1000000; the two ranges overlap, so the
 * copy runs from the end down), and enter it by the 64-bit boot protocol
 * (boot.rst, "64-bit BOOT PROTOCOL"): paging on with an identity map (the
 * kernel, boot_params and the command line must be mapped; we map the first
 * 4 GiB with 2 MiB pages), a GDT whose 0x10 is 64-bit code and 0x18 data,
 * and a jump to startup_64 with RSI = boot_params.
 */
#define LOAD_ADDR      0x100000    /* where the boot loader puts us (code32_start) */
#define HEAD_SIZE      0x1000      /* this code, padded: the kernel follows at LOAD_ADDR + HEAD_SIZE */
#define KERNEL_ENTRY   0x1000000   /* startup_64 and the kernel's first byte: LOAD_PHYSICAL_ADDR */
#define PAGE_TABLES    0x800000    /* PML4, PDPT, 4 page directories: below the kernel, above us */
#define PAGE_SIZE      0x1000
#define PT_PRESENT_RW  0x3
#define PT_LARGE       0x80        /* a 2 MiB page in a page-directory entry */
#define GIB_MAPPED     4
#define PDE_PER_GIB    512
#define BOOT_CS        0x10        /* boot.rst: __BOOT_CS and __BOOT_DS */
#define BOOT_DS        0x18
#define CR0_PG         0x80000000
#define CR4_PAE        0x20
#define MSR_EFER       0xc0000080
#define EFER_LME       0x100

	.text
	.code32
	.globl enter_long_mode
enter_long_mode:                 /* flat 32-bit, paging off, interrupts off, ESI = boot_params */
	mov %esi, %ebp
	mov kernel_bytes, %ecx   /* the kernel: from LOAD_ADDR + HEAD_SIZE up to KERNEL_ENTRY */
	lea (LOAD_ADDR + HEAD_SIZE - 4)(%ecx), %esi
	lea (KERNEL_ENTRY - 4)(%ecx), %edi
	shr $2, %ecx
	std                      /* the destination is higher and overlaps: copy from the end */
	rep movsl
	cld

	mov $PAGE_TABLES, %edi   /* clear the six table pages */
	xor %eax, %eax
	mov $(6 * PAGE_SIZE / 4), %ecx
	rep stosl
	movl $(PAGE_TABLES + PAGE_SIZE + PT_PRESENT_RW), PAGE_TABLES   /* PML4[0] -> PDPT */
	xor %ecx, %ecx
1:	mov %ecx, %eax           /* PDPT[i] -> page directory i */
	shl $12, %eax
	add $(PAGE_TABLES + 2 * PAGE_SIZE + PT_PRESENT_RW), %eax
	mov %eax, PAGE_TABLES + PAGE_SIZE(,%ecx,8)
	inc %ecx
	cmp $GIB_MAPPED, %ecx
	jne 1b
	xor %ecx, %ecx
2:	mov %ecx, %eax           /* PDE i -> the 2 MiB at i << 21 */
	shl $21, %eax
	or $(PT_PRESENT_RW | PT_LARGE), %eax
	mov %eax, PAGE_TABLES + 2 * PAGE_SIZE(,%ecx,8)
	inc %ecx
	cmp $(GIB_MAPPED * PDE_PER_GIB), %ecx
	jne 2b

	lgdt gdt_descriptor
	mov %cr4, %eax
	or $CR4_PAE, %eax
	mov %eax, %cr4
	mov $PAGE_TABLES, %eax
	mov %eax, %cr3
	mov $MSR_EFER, %ecx
	rdmsr
	or $EFER_LME, %eax
	wrmsr
	mov %cr0, %eax
	or $CR0_PG, %eax
	mov %eax, %cr0           /* long mode, still 32-bit code until the far jump */
	ljmp $BOOT_CS, $in_long_mode

	.code64
in_long_mode:
	mov $BOOT_DS, %eax
	mov %eax, %ds
	mov %eax, %es
	mov %eax, %ss
	mov %ebp, %esi           /* RSI = boot_params, zero-extended */
	mov $KERNEL_ENTRY, %eax
	jmp *%rax

	.balign 8
gdt:
	.quad 0, 0
	.quad 0x00af9a000000ffff   /* 0x10: 64-bit code, present, ring 0 */
	.quad 0x00cf92000000ffff   /* 0x18: flat data, 4 GiB, writable */
gdt_end:
gdt_descriptor:
	.word gdt_end - gdt - 1
	.long gdt

	.globl kernel_bytes
	.balign 4
kernel_bytes:                    /* the kernel's size, a multiple of 4: mkimage writes it */
	.long 0

	.org HEAD_SIZE
