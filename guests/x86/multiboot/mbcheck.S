/* mbcheck.S — a Multiboot v1 test kernel for `traplab kvm --kernel=FILE`
 * (Lab 10; issue 18), in the spirit of kvm-unit-tests' x86 kernels.  It
 * checks its entry state (EAX = 0x2BADB002, protected mode, paging and
 * interrupts off, a zeroed bss), reads the Multiboot information (Multiboot
 * Specification 0.6.96 §3.3), fw_cfg and pc-testdev, prints what it found on
 * COM1, and exits through isa-debug-exit (port 0xf4) with a pass code, or a
 * failure code computed from its module.  Built twice from this source:
 * mbcheck.elf (the header plus an ELF) and, with AOUT_KLUDGE, mbaout.bin
 * (a flat image that only the header's a.out addresses describe).
 * Its lines, in order (numbers in hex):
 *     mbcheck: entry ok
 *     mbcheck: cmdline <the command line>
 *     mbcheck: mem_upper <KiB> mmap_end <end of the last available range>
 *     mbcheck: module <its bytes>
 *     mbcheck: fw_cfg QEMU cpus <n> ram <bytes>
 *     mbcheck: testdev <scratch read back> <its byte 1> <mmio read back>
 *     mbcheck: tsc-deadline <CPUID.1:ECX bit 24, 0 or 1>
 */
#include "multiboot.h"

	.code32
	.text
	.globl	start
header:
	.long	MB_HEADER_MAGIC
#ifdef AOUT_KLUDGE
	.long	MB_FLAG_MEMORY | MB_FLAG_AOUT
	.long	-(MB_HEADER_MAGIC + MB_FLAG_MEMORY + MB_FLAG_AOUT)
	.long	header			/* header_addr */
	.long	header			/* load_addr: the image starts with the header */
	.long	image_end		/* load_end_addr */
	.long	bss_end			/* bss_end_addr */
	.long	start			/* entry_addr */
#else
	.long	MB_FLAG_MEMORY
	.long	-(MB_HEADER_MAGIC + MB_FLAG_MEMORY)
#endif

start:
	mov	$stack_top, %esp
	mov	$MB_EXIT_BAD_MAGIC, %ecx
	cmp	$MB_ENTRY_MAGIC, %eax
	jne	fail
	mov	%ebx, info
	mov	$MB_EXIT_BAD_MODE, %ecx
	mov	%cr0, %eax
	test	$1, %eax			/* CR0.PE */
	jz	fail
	test	%eax, %eax			/* CR0.PG is bit 31 */
	js	fail
	pushf
	pop	%eax
	test	$0x200, %eax			/* EFLAGS.IF */
	jnz	fail
	mov	$MB_EXIT_BAD_BSS, %ecx		/* the canary words, then the stack's bottom */
	mov	$bss_start, %esi
	mov	$MB_BSS_CANARY_WORDS, %edx
1:	cmpl	$0, (%esi)
	jne	fail
	add	$4, %esi
	dec	%edx
	jnz	1b
	mov	$msg_entry, %esi
	call	puts

	/* the information structure: memory, cmdline, mods and mmap wanted */
	mov	info, %ebx
	mov	$MB_EXIT_BAD_INFO, %ecx
	mov	(%ebx), %eax
	and	$0x4d, %eax			/* bits 0, 2, 3, 6 */
	cmp	$0x4d, %eax
	jne	fail
	mov	$msg_cmdline, %esi
	call	puts
	mov	16(%ebx), %esi
	call	puts
	call	newline
	mov	$msg_mem, %esi
	call	puts
	mov	8(%ebx), %eax
	call	puthex
	mov	$msg_mmap, %esi
	call	puts
	call	mmap_end
	call	puthex
	call	newline
	call	module
	call	fwcfg
	call	testdev
	mov	$msg_tscd, %esi			/* what CPUID says of the LAPIC's TSC-deadline mode */
	call	puts
	mov	$1, %eax
	cpuid
	mov	%ecx, %eax
	shr	$MB_CPUID_1_ECX_TSC_DEADLINE_BIT, %eax
	and	$1, %eax
	call	puthex
	call	newline

	/* "fail" as the second word: exit with a code only the module gives */
	mov	info, %ebx
	mov	16(%ebx), %esi
	call	second_word_is_fail
	jne	pass
	mov	sum, %ecx
	and	$MB_FAIL_MOD, %ecx
	add	$MB_FAIL_BASE, %ecx
	jmp	fail
pass:	mov	$MB_EXIT_PASS, %ecx
fail:	mov	%ecx, %eax
	mov	$MB_DEBUG_EXIT_PORT, %dx
	out	%eax, %dx
	.globl	halt
halt:	cli
	hlt
	jmp	halt

/* eax = the end (base + length) of the memory map's last entry */
mmap_end:
	mov	info, %ebx
	mov	48(%ebx), %esi			/* mmap_addr */
	mov	44(%ebx), %edi			/* mmap_length */
	add	%esi, %edi
	xor	%eax, %eax
1:	cmp	%edi, %esi
	jae	2f
	mov	4(%esi), %eax			/* base, low half */
	add	12(%esi), %eax			/* + length, low half */
	add	(%esi), %esi			/* size excludes itself */
	add	$4, %esi
	jmp	1b
2:	ret

/* print the first module's bytes, and their sum into `sum` */
module:
	mov	$msg_module, %esi
	call	puts
	mov	info, %ebx
	cmpl	$0, 20(%ebx)			/* mods_count */
	je	2f
	mov	24(%ebx), %ebx			/* mods_addr */
	mov	(%ebx), %esi
	mov	4(%ebx), %edi
1:	cmp	%edi, %esi
	jae	2f
	movzbl	(%esi), %eax
	add	%eax, sum
	call	putc
	inc	%esi
	jmp	1b
2:	jmp	newline

/* fw_cfg: the signature, the CPU count and the RAM size */
fwcfg:
	mov	$msg_fwcfg, %esi
	call	puts
	xor	%eax, %eax			/* key 0: the signature */
	mov	$MB_FW_CFG_SELECTOR, %dx
	out	%ax, %dx
	mov	$MB_FW_CFG_DATA, %dx
	mov	$4, %ecx
	xor	%ebx, %ebx
1:	in	%dx, %al
	shl	$8, %ebx
	mov	%al, %bl
	push	%ecx
	push	%edx
	call	putc
	pop	%edx
	pop	%ecx
	loop	1b
	mov	$MB_EXIT_BAD_FWCFG, %ecx
	cmp	$0x51454d55, %ebx		/* 'Q' 'E' 'M' 'U', first byte highest */
	jne	fail
	mov	$msg_cpus, %esi
	call	puts
	mov	$MB_FW_CFG_NB_CPUS, %eax
	mov	$2, %ecx
	call	fwcfg_read
	call	puthex
	mov	$msg_ram, %esi
	call	puts
	mov	$MB_FW_CFG_RAM_SIZE, %eax
	mov	$4, %ecx			/* the low half is enough below 4 GiB */
	call	fwcfg_read
	call	puthex
	jmp	newline

/* eax = the first ecx (1-4) bytes of fw_cfg item eax, little-endian */
fwcfg_read:
	mov	$MB_FW_CFG_SELECTOR, %dx
	out	%ax, %dx
	mov	$MB_FW_CFG_DATA, %dx
	movl	$0, fwcfg_buf
	xor	%ebx, %ebx
1:	in	%dx, %al
	mov	%al, fwcfg_buf(%ebx)
	inc	%ebx
	loop	1b
	mov	fwcfg_buf, %eax
	ret

/* pc-testdev: the module's sum into the scratch register and the scratch
 * memory, read back whole and (register) by its byte 1 */
testdev:
	mov	$msg_testdev, %esi
	call	puts
	mov	sum, %eax
	xor	$0x5a5a0000, %eax		/* nonzero in every byte for any module */
	mov	%eax, %edi
	mov	$MB_TESTDEV_PORT, %dx
	out	%eax, %dx
	xor	%eax, %eax
	in	%dx, %eax
	mov	%eax, %ebp
	call	puthex
	call	space
	xor	%eax, %eax
	mov	$MB_TESTDEV_PORT + 1, %dx
	in	%dx, %al
	call	puthex
	call	space
	mov	%edi, MB_TESTDEV_IOMEM + MB_TESTDEV_SLOT
	mov	MB_TESTDEV_IOMEM + MB_TESTDEV_SLOT, %eax
	mov	%eax, %esi
	call	puthex
	mov	$MB_EXIT_BAD_TESTDEV, %ecx
	cmp	%edi, %ebp
	jne	fail
	cmp	%edi, %esi
	jne	fail
	jmp	newline

/* ZF set if the string at esi has "fail" as its second word */
second_word_is_fail:
1:	lodsb
	test	%al, %al
	jz	2f
	cmp	$' ', %al
	jne	1b
	cmpl	$0x6c696166, (%esi)		/* "fail" */
	ret
2:	or	$1, %eax			/* clear ZF: no second word */
	ret

/* ---- COM1, polled ---- */
space:	mov	$' ', %al
	jmp	putc
newline:
	mov	$'\n', %al
putc:	push	%edx
	push	%eax
	mov	$MB_COM1_LSR, %dx
1:	in	%dx, %al
	test	$MB_LSR_THRE, %al
	jz	1b
	pop	%eax
	mov	$MB_COM1_THR, %dx
	out	%al, %dx
	pop	%edx
	ret
puts:	lodsb
	test	%al, %al
	jz	1f
	call	putc
	jmp	puts
1:	ret
/* eax in hex, without leading zeros; keeps every register but eax */
puthex:
	push	%ecx
	push	%ebx
	push	%edx
	mov	%eax, %ebx
	mov	$8, %ecx
	xor	%edx, %edx			/* a digit printed yet? */
1:	rol	$4, %ebx
	mov	%ebx, %eax
	and	$0xf, %eax
	jnz	2f
	test	%edx, %edx
	jnz	2f
	cmp	$1, %ecx			/* the last digit prints even if 0 */
	jne	3f
2:	mov	$1, %edx
	mov	digits(%eax), %al
	call	putc
3:	loop	1b
	pop	%edx
	pop	%ebx
	pop	%ecx
	ret

digits:	.ascii	"0123456789abcdef"
msg_entry:	.asciz	"mbcheck: entry ok\n"
msg_cmdline:	.asciz	"mbcheck: cmdline "
msg_mem:	.asciz	"mbcheck: mem_upper "
msg_mmap:	.asciz	" mmap_end "
msg_module:	.asciz	"mbcheck: module "
msg_fwcfg:	.asciz	"mbcheck: fw_cfg "
msg_cpus:	.asciz	" cpus "
msg_ram:	.asciz	" ram "
msg_testdev:	.asciz	"mbcheck: testdev "
msg_tscd:	.asciz	"mbcheck: tsc-deadline "
	.p2align 2
info:	.long	0
sum:	.long	0
fwcfg_buf:	.long	0
image_end:

	.bss
	.p2align 4
bss_start:
	.space	4 * MB_BSS_CANARY_WORDS
	.space	4096
stack_top:
bss_end:
