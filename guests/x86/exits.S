/* exits.S — a guest that causes the exits a VMM must handle (Lab 10):
 * an I/O exit to a port no device owns (EXITS_PORT: the write vanishes, the
 * read gives all ones), MMIO exits by reading and writing guest-physical
 * memory past the end of RAM (EXITS_MMIO, from 32-bit protected mode), and
 * a reset through the i8042 (0xFE to port 0x64, as Linux's reboot=k does).
 * Proofs: EXITS_LINE, ecx = EXITS_ECX, 0xffff at PROOF_ADDR (the port read)
 * and 0xffffffff at PROOF_ADDR + 4 (the MMIO read).
 * Run: build/traplab kvm --stats build/guests/x86/exits.bin
 */
#include "guest.h"

	.code16
	.text
	.globl	start
start:
	PUTS	msg
	mov	$EXITS_PORT, %dx
	mov	$0x55, %al
	.globl	port_out
port_out:
	out	%al, %dx			/* KVM_EXIT_IO, out: nobody owns it */
	in	%dx, %ax			/* KVM_EXIT_IO, in: reads 0xffff */
	xor	%bx, %bx
	mov	%bx, %es
	mov	%ax, %es:PROOF_ADDR

	cli					/* protected mode: reach past 1 MiB */
	lgdtl	gdtr
	mov	%cr0, %eax
	or	$CR0_PE, %eax
	mov	%eax, %cr0
	ljmpl	$SEL_CODE32, $(LOAD + pm32)

	.code32
pm32:	mov	$SEL_DATA, %ax
	mov	%ax, %ds
	mov	%ax, %es
	.globl	mmio_read
mmio_read:
	mov	EXITS_MMIO, %ebx		/* KVM_EXIT_MMIO, read: 0xffffffff */
	movl	$0x12345678, EXITS_MMIO		/* KVM_EXIT_MMIO, write */
	mov	%ebx, PROOF_ADDR + 4
	mov	$EXITS_ECX, %ecx
1:	in	$0x64, %al			/* i8042 status: wait for "input buffer empty" */
	test	$2, %al
	jnz	1b
	mov	$0xfe, %al
	.globl	reset
reset:	out	%al, $0x64			/* pulse the reset line */
	cli
2:	hlt					/* not reached under traplab */
	jmp	2b

msg:	.asciz	EXITS_LINE
	FLAT_GDT

	.section .note.GNU-stack, "", @progbits
