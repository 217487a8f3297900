/* modes.S — real mode to protected mode to long mode, by the guest itself
 * (Intel SDM vol. 3A §9.9.1 and §9.8.5), printing one line in each.  Loaded
 * at LOAD (0x7c00) in real mode; everything is linked at 0, so 32- and
 * 64-bit code names linear addresses as LOAD + label.
 * Two labels for debuggers: `set_pe` is the mov that sets CR0.PE, `set_pg`
 * the mov that sets CR0.PG and so activates long mode (EFER.LMA = 1).
 * Proofs: MODES_LINE_*, rax = MODES_RAX, MODES_QWORD at PROOF_ADDR.
 * Run: build/traplab kvm build/guests/x86/modes.bin
 */
#include "guest.h"

	.code16
	.text
	.globl	start
start:
	PUTS	msg_real
	cli
	lgdtl	gdtr
	mov	%cr0, %eax
	or	$CR0_PE, %eax
	.globl	set_pe
set_pe:	mov	%eax, %cr0			/* protected mode from the next instruction */
	ljmpl	$SEL_CODE32, $(LOAD + pm32)	/* reload CS: now 32-bit code */

	.code32
pm32:	mov	$SEL_DATA, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %ss
	mov	$LOAD, %esp
	PUTS	LOAD + msg_prot

	/* 4-level paging, one 2 MiB page: PML4[0] -> PDPT[0] -> PD[0] = 0..2 MiB */
	cld
	mov	$MODES_PML4, %edi
	xor	%eax, %eax
	mov	$3 * 1024, %ecx
	rep stosl
	movl	$(MODES_PML4 + 0x1000) | 3, MODES_PML4		/* present, writable */
	movl	$(MODES_PML4 + 0x2000) | 3, MODES_PML4 + 0x1000
	movl	$0x83, MODES_PML4 + 0x2000			/* present, writable, 2 MiB */
	mov	$MODES_PML4, %eax
	mov	%eax, %cr3
	mov	%cr4, %eax
	or	$CR4_PAE, %eax
	mov	%eax, %cr4
	mov	$MSR_EFER, %ecx
	rdmsr
	or	$EFER_LME, %eax
	wrmsr
	mov	%cr0, %eax
	or	$CR0_PG, %eax
	.globl	set_pg
set_pg:	mov	%eax, %cr0			/* paging on with EFER.LME: EFER.LMA = 1 */
	ljmp	$SEL_CODE64, $(LOAD + lm64)	/* a 64-bit code segment: 64-bit mode */

	.code64
lm64:	PUTS	LOAD + msg_long
	movabs	$MODES_QWORD, %rax
	mov	%rax, PROOF_ADDR
	movabs	$MODES_RAX, %rax
	cli
	.globl	halt
halt:	hlt
	jmp	halt

msg_real: .asciz MODES_LINE_REAL
msg_prot: .asciz MODES_LINE_PROT
msg_long: .asciz MODES_LINE_LONG
	FLAT_GDT

	.section .note.GNU-stack, "", @progbits
