/* mmiosweep.S — a hostile guest (issue 15): a write and a read at every MiB
 * of guest-physical memory from MMIOSWEEP_FIRST to the top of the 32-bit
 * address space -- 4,080 addresses no RAM backs, each an MMIO exit.  Writes
 * there must vanish and reads give all ones (traplab kvm --help), however
 * many there are.  It counts the reads that were not all ones (stored at
 * PROOF_ADDR: 0), prints MMIOSWEEP_LINE and powers off.  Entered in protected mode with the
 * default 16 MiB of RAM:
 *     build/traplab kvm --mode=protected build/guests/x86/mmiosweep.bin
 * tests/kvm/test_kvm_hostile.c.
 */
#include "guest.h"

	.code32
	.text
	.globl	start
start:
	xor	%ebx, %ebx			/* reads that were not all ones */
	mov	$MMIOSWEEP_FIRST, %edi
sweep:	movl	$0x5a5a5a5a, (%edi)		/* KVM_EXIT_MMIO, write */
	mov	(%edi), %eax			/* KVM_EXIT_MMIO, read */
	cmp	$0xffffffff, %eax
	je	1f
	inc	%ebx
1:	add	$MMIOSWEEP_STEP, %edi
	jnz	sweep				/* until it wraps past 4 GiB */
	mov	%ebx, PROOF_ADDR
	PUTS	LOAD + msg
	.globl	halt
halt:	cli
	hlt

msg:	.asciz	MMIOSWEEP_LINE

	.section .note.GNU-stack, "", @progbits
