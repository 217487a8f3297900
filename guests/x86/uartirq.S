/* uartirq.S — interrupt-driven UART input in real mode: the in-kernel PIC
 * (programmed here: vectors 0x08-0x0f, only IRQ 4 open) delivers COM1's
 * "received data" interrupt (IER.RDI) through the real-mode IVT to rx, which
 * echoes every waiting byte; a '.' powers off.  Between interrupts the CPU
 * waits in `sti; hlt`.  Proofs: the echo, cx = bytes echoed, the same count
 * at PROOF_ADDR.  Run: echo 'hi.' | build/traplab kvm --input=- build/guests/x86/uartirq.bin
 */
#include "guest.h"

#define PIC_CMD   0x20
#define PIC_DATA  0x21
#define COM1_IER  0x3f9
#define COM1_MCR  0x3fc

	.code16
	.text
	.globl	start
start:
	mov	$0x11, %al		/* ICW1: edge, cascade, ICW4 follows */
	out	%al, $PIC_CMD
	mov	$0x08, %al		/* ICW2: IRQ 0-7 -> vectors 0x08-0x0f */
	out	%al, $PIC_DATA
	mov	$0x04, %al		/* ICW3: slave on IRQ 2 */
	out	%al, $PIC_DATA
	mov	$0x01, %al		/* ICW4: 8086 mode */
	out	%al, $PIC_DATA
	mov	$0xef, %al		/* OCW1: mask all but IRQ 4 */
	out	%al, $PIC_DATA
	xor	%ax, %ax
	mov	%ax, %es
	movw	$rx, %es:(0x0c * 4)	/* IVT[0x0c] = CS:rx */
	mov	%cs, %es:(0x0c * 4 + 2)
	movw	$0, %es:PROOF_ADDR
	xor	%cx, %cx
	mov	$COM1_IER, %dx		/* interrupt on received data */
	mov	$1, %al
	out	%al, %dx
	mov	$COM1_MCR, %dx		/* DTR, RTS, OUT2 (the PC's IRQ enable) */
	mov	$0x0b, %al
	out	%al, %dx
	.globl	idle
idle:	sti
	hlt				/* until the next interrupt */
	jmp	idle

	.globl	rx
rx:	mov	$COM1_LSR, %dx		/* while LSR.DR: read RBR, echo it */
	in	%dx, %al
	test	$1, %al
	jz	2f
	mov	$COM1_THR, %dx
	in	%dx, %al
	out	%al, %dx
	inc	%cx
	mov	%cx, %es:PROOF_ADDR
	cmp	$'.', %al
	jne	rx
	cli				/* '.': power off */
1:	hlt
	jmp	1b
2:	mov	$0x20, %al		/* EOI to the PIC */
	out	%al, $PIC_CMD
	iret

	.section .note.GNU-stack, "", @progbits
