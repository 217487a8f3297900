/* realmode.S — the smallest KVM guest that proves it ran: 16-bit real mode,
 * loaded at 0x7c00 with CS = DS = SS = 0x07c0.  It prints REALMODE_LINE on
 * COM1 (polling LSR), stores REALMODE_WORD at guest-physical PROOF_ADDR,
 * leaves REALMODE_EAX in eax and halts with interrupts off, which traplab
 * takes for power-off (KVM-NOTES §3.6 b).  Run: build/traplab kvm build/guests/x86/realmode.bin
 */
#include "guest.h"

	.code16
	.text
	.globl	start
start:
	PUTS	msg
	xor	%ax, %ax
	mov	%ax, %es			/* ES = 0: physical addresses */
	movw	$REALMODE_WORD, %es:PROOF_ADDR
	mov	$REALMODE_EAX, %eax
	cli
	.globl	halt
halt:	hlt					/* interrupts off: nothing wakes us */
	jmp	halt

msg:	.asciz	REALMODE_LINE

	.section .note.GNU-stack, "", @progbits
